"""The CRM adoption audit in the deliverable: sheet, chart, adoption.csv, summary.json, CLI.

The tiny team of tests/test_adoption.py (roll-out 2026-01-01, data to 2026-06-30): M+1 = 2/4
= 50 %, M+3 = 2/5 = 40 %, M+6 = 2/5 = 40 %; Dan (Marketing) logs nothing, so the Marketing
team logs nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from keyrisk import Dataset, analyse, pseudonymise
from keyrisk.cli import main
from keyrisk.errors import UsageError
from keyrisk.report.sheets.adoption import ADOPTION_CSV_COLUMNS
from keyrisk.report.writer import WORKBOOK_NAME, write_report
from tests.conftest import read_report_csv
from tests.test_adoption import tiny_team
from tests.test_report_words import ENGLISH, FRENCH, WORD

RUN_DATE = dt.date(2026, 7, 1)
NAMES = re.compile(r"\b(Ann|Bob|Cid|Dan|Eve)\b")
TITLES = {"fr": "Adoption du CRM", "en": "CRM adoption"}


def _report(tmp_path: Path, lang: str, ds: Dataset | None = None, **kw: Any) -> Path:
    out = tmp_path / f"out-{lang}"
    write_report(analyse(ds or tiny_team()), out, lang=lang, run_date=RUN_DATE, **kw)
    return out


def _cells(out: Path, lang: str) -> list[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(out / WORKBOOK_NAME)
    return [tuple(c.value for c in row) for row in wb[TITLES[lang]].iter_rows()]


def _texts(rows: list[tuple[Any, ...]]) -> list[str]:
    return [v for row in rows for v in row if isinstance(v, str)]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_checkpoints_on_the_sheet(tmp_path: Path, lang: str) -> None:
    out = _report(tmp_path, lang, crm_since="2026-01-01")
    rows = _cells(out, lang)
    overview = {r[0]: r for r in rows if r[0] in ("M+1", "M+3", "M+6")}
    assert [overview[k][4] for k in ("M+1", "M+3", "M+6")] == pytest.approx([0.5, 0.4, 0.4])
    assert [overview[k][2] for k in ("M+1", "M+3", "M+6")] == [4, 5, 5]  # expected
    assert [overview[k][3] for k in ("M+1", "M+3", "M+6")] == [2, 2, 2]  # logging
    teams = {r[0]: r for r in rows if r[0] in ("Sales", "After-sales", "Marketing")}
    assert teams["Sales"][2:5] == pytest.approx((1.0, 1 / 3, 2 / 3))  # M+1, M+3, M+6
    assert teams["Marketing"][2:5] == (0.0, 0.0, 0.0)
    texts = _texts(rows)
    finding = next(x for x in texts if "M+6" in x and "40" in x)
    assert "(2" in finding  # 2 of 5
    assert "Marketing" in finding


def test_who_logs_nothing_is_listed(tmp_path: Path) -> None:
    rows = _cells(_report(tmp_path, "fr"), "fr")
    texts = _texts(rows)
    head = next(i for i, r in enumerate(rows) if str(r[0]).startswith("1 personne ne saisit"))
    assert rows[head + 2][:4] == ("Dan", None, "Marketing", 6)  # person, role, team, months
    assert "Équipe qui ne saisit rien\u00a0: Marketing." in texts
    assert any("premier mois" in x for x in texts)  # the roll-out date was not given
    eve = next(r for r in rows if r[0] == "Eve")
    assert eve[1] == "Sales" and eve[2:9] == (None, None, 0, 1, 0, 2, 3)  # M+1..M+6, total


def test_the_words_are_the_report_language(tmp_path: Path) -> None:
    for lang, foreign in (("fr", ENGLISH), ("en", FRENCH)):
        own = [NAMES.sub(" ", x) for x in _texts(_cells(_report(tmp_path, lang), lang))]
        for team in ("After-sales", "Sales", "Marketing"):
            own = [x.replace(team, " ") for x in own]
        bad = {w for x in own for w in WORD.findall(x) if w.casefold() in foreign}
        assert not bad, (lang, bad)


def test_adoption_csv(tmp_path: Path) -> None:
    out = _report(tmp_path, "fr", crm_since=dt.date(2026, 1, 1))
    header = (out / "adoption.csv").read_text(encoding="utf-8-sig").split("\n", 1)[0]
    assert header.split(";") == ADOPTION_CSV_COLUMNS
    rows = read_report_csv(out / "adoption.csv")
    assert len(rows) == 6 * 5
    eve = [r for r in rows if r["staff"] == "Eve"]
    assert [r["logged"] for r in eve] == ["0", "0", "0", "1", "0", "2"]
    assert [r["expected"] for r in eve] == ["False", "False", "True", "True", "True", "True"]
    assert {r["logs_nothing"] for r in rows if r["staff"] == "Dan"} == {"True"}
    assert eve[0]["start"] == "2026-01-01" and eve[0]["end"] == "2026-01-31"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    a = summary["adoption"]
    assert a["since"] == "2026-01-01"
    assert [a["checkpoints"][k]["adoption"] for k in ("m1", "m3", "m6")] == pytest.approx(
        [0.5, 0.4, 0.4]
    )
    assert a["silent_staff"] == ["Dan"] and a["silent_teams"] == ["Marketing"]


def test_the_roll_out_date_changes_the_audit(tmp_path: Path) -> None:
    out = _report(tmp_path, "en", crm_since="2026-03-01")
    a = json.loads((out / "summary.json").read_text(encoding="utf-8"))["adoption"]
    assert a["since"] == "2026-03-01"
    assert a["checkpoints"]["m6"]["reached"] is False
    assert a["checkpoints"]["m6"]["adoption"] is None
    texts = _texts(_cells(out, "en"))
    assert any("given by --crm-since" in x for x in texts)
    assert any(x == "not reached yet" for x in texts)


def test_a_roll_out_after_the_data_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="after the analysis date"):
        _report(tmp_path, "en", crm_since="2026-08-01")
    with pytest.raises(UsageError, match="crm_since must be a date"):
        _report(tmp_path, "en", crm_since="01/2026")
    assert not (tmp_path / "out-en").exists()


def test_without_department_the_sheet_says_which_column(tmp_path: Path) -> None:
    ds = tiny_team()
    staff = ds.staff.assign(department=pd.Series(pd.NA, index=ds.staff.index, dtype="string"))
    ds = Dataset.from_frames(ds.interactions, None, staff)
    for lang, word in (("fr", "«\u00a0Service\u00a0»"), ("en", "“Department”")):
        texts = _texts(_cells(_report(tmp_path, lang, ds), lang))
        assert any(word in x for x in texts), lang
        assert not any(x in ("Sales", "Marketing") for x in texts)


def test_without_dates_the_audit_is_said_impossible(tmp_path: Path) -> None:
    ds = Dataset.from_frames(pd.DataFrame({"account": ["A", "B"], "staff": ["Ann", "Bob"]}))
    out = _report(tmp_path, "en", ds)
    assert any("have no date" in x for x in _texts(_cells(out, "en")))
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["adoption"] is None
    header = (out / "adoption.csv").read_text(encoding="utf-8-sig").strip()
    assert header.split(",") == ADOPTION_CSV_COLUMNS


def test_pseudonymised_report_shows_no_real_name(tmp_path: Path) -> None:
    ds = pseudonymise(tiny_team(), b"k" * 32)
    out = _report(tmp_path, "fr", ds)
    texts = _texts(_cells(out, "fr"))
    assert not [x for x in texts if NAMES.search(x)]
    assert not NAMES.search((out / "adoption.csv").read_text(encoding="utf-8-sig"))
    assert "Marketing" in "\n".join(texts)  # the teams stay


# --- the command line -------------------------------------------------------------------------


@pytest.fixture
def inputs(tmp_path: Path) -> list[str]:
    ds = tiny_team()
    inter = ds.interactions[["account", "staff", "date"]].copy()
    inter["date"] = inter["date"].dt.strftime("%Y-%m-%d")
    staff = ds.staff[["staff", "department", "start_date"]].copy()
    staff["start_date"] = staff["start_date"].dt.strftime("%Y-%m-%d")
    inter.to_csv(tmp_path / "interactions.csv", index=False)
    staff.to_csv(tmp_path / "staff.csv", index=False)
    return [str(tmp_path / "interactions.csv"), "--staff", str(tmp_path / "staff.csv")]


def _since(out: Path) -> str:
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return str(summary["adoption"]["since"])


@pytest.mark.parametrize(
    ("given", "order", "expected"),
    [
        ("2026-01-15", [], "2026-01-15"),
        ("15/01/2026", [], "2026-01-15"),
        ("01/15/2026", [], "2026-01-15"),
        ("05/01/2026", ["--dayfirst"], "2026-01-05"),
        ("01/05/2026", ["--monthfirst"], "2026-01-05"),
    ],
)
def test_cli_crm_since_in_both_orders(
    tmp_path: Path, inputs: list[str], given: str, order: list[str], expected: str
) -> None:
    out = tmp_path / "r"
    args = ["report", *inputs, "--out", str(out), "-q", "--crm-since", given, *order]
    assert main(args) == 0
    assert _since(out) == expected


@pytest.mark.parametrize("given", ["2026-13-45", "05/01/2026", "someday", "2026-08-01"])
def test_cli_bad_crm_since_is_one_line(
    tmp_path: Path, inputs: list[str], given: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r"
    code = main(["report", *inputs, "--out", str(out), "-q", "--crm-since", given])
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert "crm" in err.casefold() or "roll-out" in err
    assert not out.exists()


def test_cli_crm_since_from_keyrisk_toml(tmp_path: Path, inputs: list[str]) -> None:
    toml = tmp_path / "keyrisk.toml"
    toml.write_text("[report]\ncrm_since = 2026-02-01\n", encoding="utf-8")
    out = tmp_path / "r"
    assert main(["report", *inputs, "--config", str(toml), "--out", str(out), "-q"]) == 0
    assert _since(out) == "2026-02-01"
    args = ["report", *inputs, "--config", str(toml), "--out", str(out), "-q"]
    assert main([*args, "--crm-since", "2026-03-01"]) == 0  # the command line wins
    assert _since(out) == "2026-03-01"
    toml.write_text('[report]\ncrm_since = "01/02/2026"\n', encoding="utf-8")
    assert main(args) != 0  # ambiguous without an order: refused, not guessed


def test_cli_demo_takes_crm_since(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "-q", "--crm-since", "2024-01-01"]) == 0
    assert _since(out) == "2024-01-01"
