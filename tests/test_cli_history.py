"""The history and compare commands (``keyrisk history``, ``keyrisk compare``), in-process.

The toy is the two-quarter export of tests/test_trend.py: from Q1 to Q2 account A becomes at
risk (Ann alone), B is made safe (Cid joins Ann), D is orphaned (Bob left), and Ann's revenue
held alone rises from 300 to 500.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from keyrisk import analyse
from keyrisk import history as hist
from tests.test_cli import one_error_line, run
from tests.test_history import HASH, record_two
from tests.test_trend import two_quarters

NBSP = "\u00a0"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "history.sqlite"
    record_two(path)
    return path


def test_history_prints_one_line_per_snapshot_with_its_as_of(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "history", "--history", db)
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 2
    assert [line.split()[:2] for line in lines] == [["1", "2026-03-31"], ["2", "2026-06-30"]]
    assert "Toy SA · 4 comptes" in lines[0]
    assert f"seuil de rupture du CA{NBSP}: 2 " in lines[0]
    assert f"seuil de rupture du CA{NBSP}: 1 " in lines[1]
    assert f"CA sur une seule personne{NBSP}: 50,0{NBSP}%" in lines[0]
    assert f"CA sur une seule personne{NBSP}: 70,0{NBSP}%" in lines[1]
    assert " UTC" in lines[0] and "enregistré le " in lines[0]


def test_history_in_english(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "history", "--history", db, "--lang", "en")
    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith("1  2026-03-31  Toy SA · 4 accounts · revenue bus factor: 2 · ")
    assert "revenue on one person: 50.0% · recorded " in first


def test_history_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "history", "--history", db, "--json")
    assert code == 0
    data = json.loads(out)
    assert [r["id"] for r in data] == [1, 2]
    assert [r["as_of"] for r in data] == ["2026-03-31", "2026-06-30"]
    assert [r["revenue_bus_factor"] for r in data] == [2, 1]
    assert data[0]["company"] == "Toy SA"


def test_history_of_an_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    code, out, _ = run(capsys, "history", "--history", empty, "--lang", "en")
    assert code == 0
    assert out.strip() == f"No snapshot in {empty}."


def test_a_missing_history_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    absent = tmp_path / "absent.sqlite"
    for argv in (("history", "--history", absent), ("compare", "--history", absent, "1", "2")):
        code, out, err = run(capsys, *argv)
        assert code == 1
        assert out == ""
        assert one_error_line(err) == f"keyrisk: error: no history at {absent}"
    assert not absent.exists()  # never created by reading


def test_a_file_that_is_not_a_history(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "notes.sqlite"
    text.write_text("account;staff\nA;Ann\n", encoding="utf-8")
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE t (x)")
    for path in (text, other):
        before = path.read_bytes()
        code, _, err = run(capsys, "history", "--history", path)
        assert code == 1
        assert "is not a keyrisk history" in one_error_line(err)
        assert path.read_bytes() == before


def test_compare_two_snapshots_lists_the_known_changes(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "compare", "--history", db, "1", "2", "--lang", "en")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "What changed from snapshot 1 (2026-03-31) to snapshot 2 (2026-06-30):"
    assert "Warning" not in out  # same method
    assert "  Revenue bus factor: 2 → 1 (−1)" in lines
    assert "  Orphaned accounts (no active holder left): 0 → 1 (+1)" in lines
    assert "  Revenue of orphaned accounts: 0 → 50 (+50)" in lines
    assert (
        "  Revenue share resting on a single person, or none: 50.0% → 70.0% (+20.0 points)" in lines
    )

    def block(title: str) -> list[str]:
        start = next(i for i, line in enumerate(lines) if line.startswith(title))
        end = next((i for i in range(start + 1, len(lines)) if not lines[i]), len(lines))
        return lines[start:end]

    assert block("Accounts newly at risk") == [
        "Accounts newly at risk (1):",
        "  A · 500 · medium → critical",
    ]
    assert block("Accounts made safe") == [
        "Accounts made safe (1):",
        "  B · 300 · critical → medium",
    ]
    assert block("Accounts orphaned since") == [
        "Accounts orphaned since (1):",
        "  D · 50 · high → critical",
    ]
    assert block("People whose revenue held alone rose") == [
        "People whose revenue held alone rose (1):",
        "  Ann: 300 → 500 (+200)",
    ]


def test_compare_in_french_by_default(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "compare", "--history", db, "1", "2")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"Ce qui a changé du relevé 1 (2026-03-31) au relevé 2 (2026-06-30){NBSP}:"
    assert f"Comptes devenus à risque (1){NBSP}:" in lines
    assert "  A · 500 · moyen → critique" in lines
    assert f"Comptes sécurisés (1){NBSP}:" in lines
    assert f"Comptes devenus orphelins (1){NBSP}:" in lines
    assert f"  Ann{NBSP}: 300 → 500 (+200)" in lines
    assert f"  Seuil de rupture du CA (nombre de départs){NBSP}: 2 → 1 (−1)" in lines


def test_compare_json_is_the_summary_dict(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "compare", "--history", db, "1", "2", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["newly_at_risk"] == ["A"]
    assert data["made_safe"] == ["B"]
    assert data["orphaned_since"] == ["D"]
    assert data["sole_revenue_rose"] == [
        {"staff": "Ann", "old": 300.0, "new": 500.0, "delta": 200.0}
    ]
    assert data["method_changed"] is False
    assert data["old"]["id"] == 1 and data["new"]["as_of"] == "2026-06-30"


def test_a_parameter_difference_is_shown_as_a_change_of_method(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ds = two_quarters()
    third = hist.record(
        db, analyse(ds, holder_ratio=0.6, draws=100), company="Toy SA", inputs=[HASH]
    )
    assert third == 3
    code, out, _ = run(capsys, "compare", "--history", db, "2", "3", "--lang", "en")
    assert code == 0
    lines = out.splitlines()
    assert lines[1:5] == [
        "Warning: the method changed between the two analyses; a difference may come from the "
        "method, not from the risk.",
        "  Holder threshold (share of the largest weight) (holder_ratio): 0.5 → 0.6",
        "Parameters that differ without changing the risk figures (plan, simulation):",
        "  Simulation draws (draws): 20,000 → 100",
    ]
    code, out, _ = run(capsys, "compare", "--history", db, "2", "3")
    assert out.splitlines()[1].startswith(f"Attention{NBSP}: la méthode a changé")
    code, out, _ = run(capsys, "compare", "--history", db, "2", "3", "--json")
    data = json.loads(out)
    assert data["method_changed"] is True
    assert [p["parameter"] for p in data["parameters_changed"]] == ["holder_ratio", "draws"]


def test_top_limits_the_lists(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "compare", "--history", db, "1", "2", "--lang", "en", "--top", "0")
    assert code == 0
    lines = out.splitlines()
    i = lines.index("Accounts newly at risk (1):")
    assert lines[i + 1] == "  … and 1 more (--top to show more)"


def write_exports(folder: Path) -> tuple[Path, Path, Path, Path]:
    """The toy as CSV files: Q1's interactions, all interactions, accounts, staff."""
    ds = two_quarters()
    inter = ds.interactions[["account", "staff", "date"]].copy()
    inter["date"] = pd.to_datetime(inter["date"]).dt.strftime("%Y-%m-%d")
    q1, q2 = folder / "q1.csv", folder / "q2.csv"
    inter[inter["date"] <= "2026-03-31"].to_csv(q1, index=False)
    inter.to_csv(q2, index=False)
    accounts, staff = folder / "accounts.csv", folder / "staff.csv"
    pd.DataFrame({"account": ["A", "B", "C", "D"], "revenue": [500, 300, 150, 50]}).to_csv(
        accounts, index=False
    )
    pd.DataFrame(
        {
            "staff": ["Ann", "Bob", "Cid"],
            "department": ["Sales", "Sales", "After-sales"],
            "end_date": ["", "2026-05-31", ""],
        }
    ).to_csv(staff, index=False)
    return q1, q2, accounts, staff


def test_compare_two_csv_exports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    q1, q2, accounts, staff = write_exports(tmp_path)
    argv = ("compare", q1, q2, "--accounts", accounts, "--staff", staff)
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["old"] == {"id": None, "as_of": "2026-03-01", "created": None}
    assert data["new"]["as_of"] == "2026-06-30"
    assert data["newly_at_risk"] == ["A"]
    assert data["made_safe"] == ["B"]
    assert data["orphaned_since"] == ["D"]
    assert data["sole_revenue_rose"] == [
        {"staff": "Ann", "old": 300.0, "new": 500.0, "delta": 200.0}
    ]
    assert data["parameters_changed"] == []
    code, out, _ = run(capsys, *argv, "--lang", "en")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "What changed from 2026-03-01 to 2026-06-30:"
    assert "  A · 500 · medium → critical" in lines


def test_bad_input_is_one_line_never_a_traceback(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    q1, q2, _, _ = write_exports(tmp_path)
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"\x00\x01\x02 not a table")
    cases = [
        (("compare", "--history", db, "1", "9"), 1, "has no snapshot 9"),
        (("compare", "--history", db, "first", "2"), 2, "OLD is a snapshot number"),
        (("compare", "--history", db, "1", "2", "--holder-ratio", "0.6"), 2, "--holder-ratio"),
        (("compare", q1, tmp_path / "absent.csv"), 1, "absent.csv"),
        (("compare", q1, broken), 1, "broken.csv"),
        (("compare", q1, q2, "--holder-ratio", "7"), 2, "holder_ratio"),
        (("compare", q1), 2, "NEW"),
        (("compare", "1", "2"), 2, "a snapshot number needs the history file"),
        (("history",), 2, "--history"),
    ]
    for argv, expected, words in cases:
        code, out, err = run(capsys, *argv)
        assert code == expected, (argv, err)
        assert out == "", argv
        assert words in one_error_line(err), (argv, err)


def test_a_company_name_cannot_break_the_one_line_per_snapshot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "h.sqlite"
    hist.record(path, analyse(two_quarters()), company="Toy\nSA\r\x1b[31m", inputs=[HASH])
    code, out, _ = run(capsys, "history", "--history", path, "--lang", "en")
    assert code == 0
    assert len(out.splitlines()) == 1
    assert out.startswith("1  2026-06-30  Toy SA  [31m · 4 accounts")


def test_a_run_without_revenue_is_worded_in_accounts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from keyrisk import Dataset

    ds = two_quarters()
    counted = Dataset.from_frames(ds.interactions[["account", "staff", "date"]])
    path = tmp_path / "h.sqlite"
    hist.record(path, analyse(counted), company="Toy SA", inputs=[HASH])
    code, out, _ = run(capsys, "history", "--history", path, "--lang", "en")
    assert code == 0
    assert "· portfolio bus factor: " in out and "· accounts on one person: " in out


def test_two_exports_without_revenue_are_compared_in_accounts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    q1, q2, _, _ = write_exports(tmp_path)
    code, out, _ = run(capsys, "compare", q1, q2, "--lang", "en")
    assert code == 0
    lines = out.splitlines()
    assert "  Portfolio bus factor: 2 → 1 (−1)" in lines
    assert "  A · medium → critical" in lines  # no revenue column
    assert not any(
        line.startswith(("  Accounts analysed", "  Share of orphaned")) for line in lines
    )
