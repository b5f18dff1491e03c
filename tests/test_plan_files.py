"""The continuity plan's files (plan.csv, layers.csv, signals.csv, summary.json) and the
``keyrisk plan`` command, on tiny named teams worked by hand.

four_accounts (tests/conftest.py): Ann alone on Acme (600), Ann and Bob on Beta (200), Bob
alone on Delta (100), Gamma (100) orphaned by Cid, who left. The team median of accounts held
is 2 (Ann 2, Bob 2), so with capacity_ratio 1.5 no one holds more than 3: each of Ann and Bob
takes one new account. The plan gives Acme (the largest) to Bob, who is already in contact, and
Gamma an owner, Ann; Delta has no one left (its only candidate, Ann, is at capacity), nor has
Gamma a backup.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import keyrisk
from keyrisk import Dataset, analyse
from keyrisk.cli import main
from keyrisk.plan import Figures
from keyrisk.report.files import (
    LAYER_CSV_COLUMNS,
    PLAN_CSV_COLUMNS,
    SIGNAL_CSV_COLUMNS,
    write_tables,
)
from tests.conftest import four_accounts, read_report_csv

KEY = b"0123456789abcdef0123456789abcdef"


def tables(tmp_path: Path, an: keyrisk.Analysis | None = None, lang: str = "en", **kw: Any):
    an = an if an is not None else four_accounts()
    out = tmp_path / "out"
    paths = write_tables(an, out, lang, **kw)
    return an, out, paths


def by_account(path: Path) -> dict[str, dict[str, str]]:
    return {r["account"]: r for r in read_report_csv(path)}


def strict_json(path: Path) -> dict[str, Any]:
    def refuse(token: str) -> None:
        raise AssertionError(f"{path.name} holds {token}")

    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)
    json.dumps(data, allow_nan=False)
    return data


# --- files -----------------------------------------------------------------------------------


def test_the_three_files_are_written_beside_accounts_csv(tmp_path: Path) -> None:
    _, out, paths = tables(tmp_path)
    names = [p.name for p in paths]
    assert {"plan.csv", "layers.csv", "signals.csv"} <= set(names)
    assert all(p.parent == out for p in paths)


def test_plan_csv_has_a_row_for_every_fragile_account(tmp_path: Path) -> None:
    _, out, _ = tables(tmp_path)
    fragile = {a for a, r in by_account(out / "accounts.csv").items() if int(r["bus_factor"]) <= 1}
    plan = by_account(out / "plan.csv")
    assert fragile == {"Acme", "Delta", "Gamma"}
    assert set(plan) == fragile
    assert list(read_report_csv(out / "plan.csv")[0])[:3] == ["account", "holders", "backup"]
    assert list(read_report_csv(out / "plan.csv")[0]) == PLAN_CSV_COLUMNS
    acme, delta, gamma = plan["Acme"], plan["Delta"], plan["Gamma"]
    assert (acme["holders"], acme["backup"], acme["reason_code"], acme["reason"]) == (
        "Ann",
        "Bob",
        "",
        "",
    )
    assert acme["effort"] == "low"
    # 0.4 contact + 0.2 x 1/3 closeness (weight 1 against Ann's 3) + 0.2 x 1 alongside (Ann's
    # other account, Beta, is Bob's too) + 0.05 client facing = 0.7167
    assert float(acme["familiarity"]) == 0.717
    assert acme["why"].startswith("already in contact (1 interaction")
    assert "works alongside Ann" in acme["why"]
    assert float(acme["revenue"]) == 600.0
    assert acme["bus_factor_after"] == "2"
    # an unassigned account: empty backup, a stable code and the reason in words
    assert delta["backup"] == ""
    assert delta["reason_code"] == "capacity"
    assert delta["reason"] == "no backup: every candidate is at capacity (Ann)"
    assert gamma["holders"] == "" and gamma["gone_holders"] == "Cid"
    assert gamma["proposed_owner"] == "Ann" and gamma["backup"] == ""
    assert gamma["reason_code"] == "capacity"
    # the layer statuses of the account
    assert acme["human"] == "weak" and gamma["human"] == "missing"
    assert acme["narrative"] == "unknown"


def test_plan_csv_with_no_capacity_leaves_every_account_unassigned(tmp_path: Path) -> None:
    an = analyse(four_accounts().dataset, max_new_backups=0)
    _, out, _ = tables(tmp_path, an)
    plan = by_account(out / "plan.csv")
    assert set(plan) == {"Acme", "Delta", "Gamma"}
    assert {r["backup"] for r in plan.values()} == {""}
    assert {r["reason_code"] for r in plan.values()} == {"capacity"}
    assert plan["Gamma"]["reason"] == "no owner: every candidate is at capacity (Ann, Bob)"


def test_no_candidate_reason(tmp_path: Path) -> None:
    inter = pd.DataFrame({"account": ["Solo"] * 2, "staff": ["Ann"] * 2})
    an = analyse(Dataset.from_frames(inter))
    _, out, _ = tables(tmp_path, an)
    row = by_account(out / "plan.csv")["Solo"]
    assert (row["backup"], row["reason_code"]) == ("", "no candidate")
    assert row["reason"].startswith("no backup: no active colleague")


def test_layers_and_signals_csv(tmp_path: Path) -> None:
    _, out, _ = tables(tmp_path)
    layers = read_report_csv(out / "layers.csv")
    assert list(layers[0]) == LAYER_CSV_COLUMNS
    # one row per account, in the order of accounts.csv (riskiest first)
    assert [r["account"] for r in layers] == list(by_account(out / "accounts.csv"))
    assert sorted(r["account"] for r in layers) == ["Acme", "Beta", "Delta", "Gamma"]
    got = {r["account"]: (r["human"], r["organisational"]) for r in layers}
    assert got["Beta"][0] == "ok" and got["Gamma"][0] == "missing"
    header = (out / "signals.csv").read_text(encoding="utf-8-sig").split("\n", 1)[0]
    assert header.split(",") == SIGNAL_CSV_COLUMNS


def test_french_csv_uses_semicolons_and_french_words(tmp_path: Path) -> None:
    _, out, _ = tables(tmp_path, lang="fr", sep=";", decimal=",")
    for name in ("plan.csv", "layers.csv", "signals.csv"):
        first = (out / name).read_text(encoding="utf-8-sig").split("\n", 1)[0]
        assert first.split(";")[0] in {"account", "signal"}, name
    plan = by_account(out / "plan.csv")
    assert plan["Acme"]["why"].startswith("déjà en contact (1 interaction")
    assert plan["Delta"]["reason"] == (
        "pas de suppléant\u00a0: tous les candidats ont atteint leur capacité (Ann)"
    )
    assert plan["Delta"]["reason_code"] == "capacity"  # codes stay English


def test_summary_plan_before_after_have_the_top_level_keys(tmp_path: Path) -> None:
    _, out, _ = tables(tmp_path)
    s = strict_json(out / "summary.json")
    plan = s["plan"]
    figure_keys = set(Figures.__dataclass_fields__)
    assert set(plan["before"]) == figure_keys == set(plan["after"])
    assert figure_keys <= set(s)
    assert {"revenue_bus_factor", "account_bus_factor", "single_holder_revenue_share"} <= (
        figure_keys
    )
    for key in figure_keys:  # today's plan starts from the figures of the diagnosis
        assert plan["before"][key] == s[key], key
    assert plan["before"]["revenue_bus_factor"]["value"] == 1
    assert plan["after"]["revenue_bus_factor"]["value"] == 2
    assert (plan["fragile_accounts"], plan["backups"], plan["owners"], plan["unassigned"]) == (
        3,
        1,
        1,
        2,
    )
    assert plan["unassigned_by_reason"] == {"capacity": 2}
    assert plan["status"] == "optimal" and plan["method"].startswith("exact")
    assert plan["headline"] == (
        "If these 2 backups are trained, the revenue bus factor rises from 1 to 2"
    )


def test_summary_layers_and_simulation(tmp_path: Path) -> None:
    _, out, _ = tables(tmp_path)
    s = strict_json(out / "summary.json")
    layers = s["layers"]
    assert set(layers["counts"]) == {"human", "narrative", "organisational", "informational"}
    assert layers["counts"]["human"] == {"ok": 1, "weak": 2, "missing": 1, "unknown": 0}
    assert layers["counts"]["narrative"] == {"ok": 0, "weak": 0, "missing": 0, "unknown": 4}
    assert "notes column" in layers["unknown"]["narrative"]
    assert "narrative" in layers["unknown"] and "human" not in layers["unknown"]
    sim = s["simulation"]
    assert {"draws", "seed", "expected_loss", "var_95", "expected_shortfall_95"} <= set(sim)
    assert (sim["draws"], sim["seed"]) == (20_000, 0)
    for key in ("expected_loss", "var_95", "expected_shortfall_95"):
        assert set(sim[key]) == {"without_plan", "with_plan"}, key
        assert sim[key]["with_plan"] <= sim[key]["without_plan"], key
    assert sim["estimator"] == "monte-carlo"
    assert "Monte-Carlo" in sim["note"]
    # the exact expectation, p = 0.15 each: Acme 600 p (Ann), Beta 200 p^2 (Ann and Bob),
    # Delta 100 p (Bob), Gamma 100 (already orphaned: lost in every draw); with the plan Acme
    # rests on Ann and Bob (600 p^2) and Gamma on Ann (100 p)
    p = 0.15
    exact = sim["expected_loss_exact"]
    assert exact["without_plan"] == pytest.approx(600 * p + 200 * p**2 + 100 * p + 100)
    assert exact["with_plan"] == pytest.approx(600 * p**2 + 200 * p**2 + 100 * p + 100 * p)
    assert s["signals"]["counts"].keys() >= {"management", "ramp_up"}


def test_new_files_name_no_one_when_pseudonymised(tmp_path: Path) -> None:
    ds = keyrisk.pseudonymise(four_accounts().dataset, KEY)
    _, out, _ = tables(tmp_path, analyse(ds))
    pattern = re.compile(r"(?<!\w)(Ann|Bob|Cid)(?!\w)", re.IGNORECASE)
    for name in ("plan.csv", "layers.csv", "signals.csv", "summary.json"):
        text = (out / name).read_text(encoding="utf-8-sig")
        assert not pattern.search(text), (name, pattern.findall(text))
    plan = by_account(out / "plan.csv")
    assert re.fullmatch(r"Staff-[0-9A-F]{8}", plan["Acme"]["backup"])


def test_summary_json_is_strict_without_revenue(tmp_path: Path) -> None:
    inter = pd.DataFrame({"account": ["A", "A", "B"], "staff": ["Ann", "Bob", "Ann"]})
    _, out, _ = tables(tmp_path, analyse(Dataset.from_frames(inter)))
    s = strict_json(out / "summary.json")
    assert s["plan"]["fragile_accounts"] >= 1
    assert "the portfolio bus factor" in s["plan"]["headline"]  # no revenue: accounts count


# --- the command line --------------------------------------------------------------------------

TEAM = (
    "Account,Owner,Date,Amount\n"
    "Acme,Ann,2026-01-10,600\nAcme,Ann,2026-01-09,\nAcme,Ann,2026-01-08,\nAcme,Bob,2026-01-10,\n"
    "Beta,Ann,2026-01-10,200\nBeta,Ann,2026-01-09,\nBeta,Bob,2026-01-10,\nBeta,Bob,2026-01-09,\n"
    "Delta,Bob,2026-01-10,100\nDelta,Bob,2026-01-09,\n"
    "Echo,Cy,2026-01-10,50\nEcho,Cy,2026-01-09,\n"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


@pytest.fixture
def team(tmp_path: Path) -> Path:
    path = tmp_path / "team.csv"
    path.write_text(TEAM, encoding="utf-8")
    return path


def test_plan_command_prints_the_plan_and_its_effect(
    capsys: pytest.CaptureFixture[str], team: Path
) -> None:
    code, out, err = run(capsys, "plan", team, "--lang", "en", "--currency", "USD")
    assert code == 0, err
    assert "If these " in out and "the revenue bus factor rises from 1 to " in out
    assert "revenue bus factor: 1 → " in " ".join(out.split())
    assert re.search(r"^\s+account\s+revenue\s+holders\s+backup\s+why", out, re.M)
    assert re.search(r"^\s+Acme\s+US\$600\s+Ann\s+Bob\s+already in contact", out, re.M)
    assert "Monte-Carlo" in out
    assert "€" not in out


def test_plan_command_in_french(capsys: pytest.CaptureFixture[str], team: Path) -> None:
    code, out, err = run(capsys, "plan", team, "--currency", "EUR")
    assert code == 0, err
    assert "le seuil de rupture du chiffre d'affaires passe de 1 à" in out
    assert re.search(r"^\s+compte\s+CA\s+détenteurs\s+suppléant\s+pourquoi", out, re.M)
    assert "600\u00a0€" in out


def test_plan_command_no_capacity(capsys: pytest.CaptureFixture[str], team: Path) -> None:
    code, out, err = run(capsys, "plan", team, "--lang", "en", "--max-new-backups", "0")
    assert code == 0, err
    assert "stays at 1" in out
    code, out, err = run(capsys, "plan", team, "--max-new-backups", "0", "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["backups"] == plan["owners"] == 0
    assert plan["unassigned"] == plan["fragile_accounts"] == 3
    assert plan["unassigned_by_reason"] == {"capacity": 3}
    assert all(r["reason_code"] == "capacity" for r in plan["accounts"])
    assert [r["account"] for r in plan["accounts"]] == ["Acme", "Delta", "Echo"]


def test_plan_command_leave_and_top(capsys: pytest.CaptureFixture[str], team: Path) -> None:
    code, out, err = run(capsys, "plan", team, "--leave", "ann", "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["leave"] == ["Ann"]
    proposed = {r["backup"] for r in plan["accounts"]} | {
        r["proposed_owner"] for r in plan["accounts"]
    }
    assert "Ann" not in proposed
    assert {r["account"] for r in plan["accounts"]} == {"Acme", "Beta", "Delta", "Echo"}
    code, out, err = run(capsys, "plan", team, "--lang", "en", "--top", "1")
    assert code == 0, err
    assert "2 more accounts not shown (--top to show more)" in out


def test_plan_command_bad_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "plan", tmp_path / "missing.csv")
    assert code != 0
    assert len([x for x in err.splitlines() if x.startswith("keyrisk: error: ")]) == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("Account,Owner\nAcme,Ann\n", encoding="utf-8")
    code, _, err = run(capsys, "plan", bad, "--capacity-ratio", "-1")
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("keyrisk: error: ")


def test_config_analysis_reaches_the_plan_and_the_command_line_wins(
    capsys: pytest.CaptureFixture[str], team: Path, tmp_path: Path
) -> None:
    config = tmp_path / "keyrisk.toml"
    config.write_text("[analysis]\nmax_new_backups = 0\n[report]\ncurrency = 'CHF'\n")
    code, out, err = run(capsys, "plan", team, "--config", config, "--json")
    assert code == 0, err
    assert json.loads(out)["max_new_backups"] == 0
    code, out, err = run(
        capsys, "plan", team, "--config", config, "--max-new-backups", "2", "--json"
    )
    assert json.loads(out)["max_new_backups"] == 2
    code, out, err = run(capsys, "plan", team, "--config", config, "--lang", "en")
    assert "CHF" in out
    code, out, err = run(
        capsys, "plan", team, "--config", config, "--lang", "en", "--currency", "USD"
    )
    assert "CHF" not in out and "$" in out


def test_report_takes_the_plan_options(
    capsys: pytest.CaptureFixture[str], team: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    seen: list[str | None] = []

    def write(analysis: keyrisk.Analysis, out: Path, **_: object) -> list[Path]:
        seen.append(analysis.dataset.currency)
        return write_tables(analysis, out)

    monkeypatch.setattr(keyrisk, "write_report", write)
    out = tmp_path / "out"
    code, _, err = run(
        capsys, "report", team, "--out", out, "--max-new-backups", "1", "--capacity-ratio",
        "3", "--turnover-rate", "0.5", "--draws", "1000", "--seed", "7", "--currency", "USD",
    )  # fmt: skip
    assert code == 0, err
    s = strict_json(out / "summary.json")
    assert s["settings"]["max_new_backups"] == 1 and s["settings"]["capacity_ratio"] == 3.0
    assert (s["simulation"]["draws"], s["simulation"]["seed"]) == (1000, 7)
    assert s["simulation"]["mean_probability"] == 0.5
    assert s["plan"]["max_new_backups"] == 1
    assert seen == ["USD"]


def test_whatif_takes_the_currency(capsys: pytest.CaptureFixture[str], team: Path) -> None:
    code, out, err = run(capsys, "whatif", team, "--leave", "Ann", "--lang", "en")
    assert code == 0, err
    assert "US$" not in out
    code, out, err = run(
        capsys, "whatif", team, "--leave", "Ann", "--lang", "en", "--currency", "USD"
    )
    assert code == 0, err
    assert "US$600" in out


@pytest.mark.slow
def test_plan_on_the_bundled_sample(capsys: pytest.CaptureFixture[str]) -> None:
    paths = keyrisk.sample_paths("pme_fr")
    argv: list[str | Path] = ["plan", *paths["interactions"], "--lang", "en"]
    for p in paths["accounts"]:
        argv += ["--accounts", p]
    for p in paths["staff"]:
        argv += ["--staff", p]
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert "the revenue bus factor rises from 2 to 6" in out
    assert "more accounts not shown" in out
