"""Tests of keyrisk.history and keyrisk.changes: snapshots of runs, and what changed between two."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from keyrisk import Settings, analyse, pseudonymise
from keyrisk import history as hist
from keyrisk.changes import Changes, compare
from keyrisk.errors import HistoryError, KeyriskError, UsageError
from tests.conftest import ROOT
from tests.test_trend import Q1, Q2, two_quarters

HASH = "ab" * 32


def record_two(path: Path) -> tuple[int, int]:
    ds = two_quarters()
    first = hist.record(path, analyse(ds, Settings(as_of=Q1)), company="Toy SA", inputs=[HASH])
    second = hist.record(path, analyse(ds), company="Toy SA", inputs=[HASH])
    return first, second


def test_record_and_list(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite"
    first, second = record_two(db)
    assert (first, second) == (1, 2)
    listed = hist.snapshots(db)
    assert listed["id"].tolist() == [1, 2]
    assert listed["as_of"].tolist() == [Q1, Q2]
    assert listed["company"].tolist() == ["Toy SA", "Toy SA"]
    assert listed["n_accounts"].tolist() == [4, 4]
    assert listed["revenue_bus_factor"].tolist() == [2, 1]
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == hist.SCHEMA_VERSION


def test_load_snapshot_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    _, second = record_two(db)
    snap = hist.load_snapshot(db, second)
    assert snap.id == second
    assert snap.as_of == Q2
    assert snap.company == "Toy SA"
    assert snap.inputs == (HASH,)
    assert snap.parameters["holder_ratio"] == 0.5
    assert snap.figures["orphaned_accounts"] == 1
    assert snap.figures["top_pair"] == ("Ann", "Cid")
    acc = snap.accounts.set_index("account")
    assert acc.loc["D", "risk_level"] == "critical"
    assert bool(acc.loc["D", "orphaned"])
    assert acc.loc["A", "holders"] == ("Ann",)
    staff = snap.staff.set_index("staff")
    assert staff.loc["Ann", "revenue_sole"] == 500.0
    assert snap.summary["as_of"] == "2026-06-30"
    with pytest.raises(HistoryError, match="no snapshot 9"):
        hist.load_snapshot(db, 9)


def test_previous_of_the_same_company(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    first, second = record_two(db)
    hist.record(db, analyse(two_quarters()), company="Other SARL", inputs=[HASH])
    prev = hist.previous(db, "toy sa")  # the company is matched without case
    assert prev is not None and prev.id == second
    prev = hist.previous(db, "Toy SA", before=Q2)
    assert prev is not None and prev.id == first
    assert hist.previous(db, "Toy SA", before=Q1) is None
    assert hist.previous(tmp_path / "absent.sqlite", "Toy SA") is None
    assert not (tmp_path / "absent.sqlite").exists()


def test_changes_between_two_quarters_are_exact(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    first, second = record_two(db)
    ch = compare(hist.load_snapshot(db, first), hist.load_snapshot(db, second))
    assert isinstance(ch, Changes)
    assert ch.newly_at_risk["account"].tolist() == ["A"]
    assert ch.made_safe["account"].tolist() == ["B"]
    assert ch.orphaned_since["account"].tolist() == ["D"]
    rose = ch.sole_revenue_rose
    assert rose["staff"].tolist() == ["Ann"]
    assert rose[["old", "new", "delta"]].iloc[0].tolist() == [300.0, 500.0, 200.0]
    f = ch.figures.set_index("figure")
    assert f.loc["revenue_bus_factor", ["old", "new", "delta"]].tolist() == [2, 1, -1]
    assert f.loc["orphaned_revenue", "delta"] == 50.0
    assert f.loc["single_holder_revenue_share", "delta"] == pytest.approx(0.2)
    assert len(ch.parameters) == 0
    s = ch.summary_dict()
    assert s["newly_at_risk"] == ["A"]
    assert s["made_safe"] == ["B"]
    assert s["orphaned_since"] == ["D"]
    assert s["method_changed"] is False
    assert s["old"]["as_of"] == "2026-03-31" and s["new"]["as_of"] == "2026-06-30"
    assert s["figures"]["revenue_bus_factor"] == {"old": 2, "new": 1, "delta": -1}
    html = ch._repr_html_()
    assert "newly at risk" in html and "<td>A</td>" in html


def test_snapshot_against_a_live_analysis() -> None:
    ds = two_quarters()
    ch = compare(hist.snapshot_of(analyse(ds, Settings(as_of=Q1))), analyse(ds))
    assert ch.newly_at_risk["account"].tolist() == ["A"]


def test_different_parameters_are_flagged(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    ds = two_quarters()
    a = hist.record(db, analyse(ds), company="Toy SA", inputs=[HASH])
    b = hist.record(db, analyse(ds, holder_ratio=0.6, draws=100), company="Toy SA", inputs=[HASH])
    ch = compare(hist.load_snapshot(db, a), hist.load_snapshot(db, b))
    p = ch.parameters.set_index("parameter")
    assert p.index.tolist() == ["holder_ratio", "draws"]
    assert p.loc["holder_ratio", ["old", "new"]].tolist() == [0.5, 0.6]
    assert p["affects_figures"].tolist() == [True, False]
    assert ch.summary_dict()["method_changed"] is True
    assert "holder_ratio" in ch._repr_html_()


def test_a_failure_between_inserts_leaves_the_history_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "h.sqlite"
    record_two(db)
    before = db.read_bytes()

    def boom(*args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(hist, "_insert_staff", boom)
    with pytest.raises(RuntimeError):
        hist.record(db, analyse(two_quarters()), company="Toy SA", inputs=[HASH])
    assert db.read_bytes() == before
    assert hist.snapshots(db)["id"].tolist() == [1, 2]


def test_a_crash_in_the_middle_of_a_write_loses_nothing(tmp_path: Path) -> None:
    """The process is killed (SIGKILL) between two inserts of its transaction."""
    db = tmp_path / "h.sqlite"
    record_two(db)
    code = textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / "src")!r}]
        from keyrisk import analyse, history
        from tests.test_trend import two_quarters

        def die(*args):
            os.kill(os.getpid(), signal.SIGKILL)

        history._insert_staff = die
        history.record({str(db)!r}, analyse(two_quarters()), company="Toy SA", inputs=[])
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert done.returncode == -9, done.stderr
    listed = hist.snapshots(db)
    assert listed["id"].tolist() == [1, 2]
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = con.execute("SELECT snapshot_id, COUNT(*) FROM snapshot_accounts GROUP BY 1")
        assert rows.fetchall() == [(1, 4), (2, 4)]
    assert hist.record(db, analyse(two_quarters()), company="Toy SA", inputs=[HASH]) == 3


def test_pseudonymised_history_holds_no_real_name(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    ds = pseudonymise(two_quarters(), b"0123456789abcdef-key")
    hist.record(db, analyse(ds), company="Toy SA", inputs=[HASH], pseudonymised=True)
    hist.record(db, analyse(ds, Settings(as_of=Q1)), company="Toy SA", inputs=[HASH])
    raw = db.read_bytes()
    for name in (b"Ann", b"Bob", b"Cid"):
        assert name not in raw
    assert b"Staff-" in raw
    assert hist.snapshots(db)["pseudonymised"].tolist() == [True, False]


def test_clear_names_are_refused_under_the_pseudonymised_flag(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    with pytest.raises(UsageError, match="pseudonym"):
        hist.record(db, analyse(two_quarters()), company="Toy SA", pseudonymised=True)
    assert not db.exists() or hist.snapshots(db).empty


def test_input_hashes_must_be_sha256(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="sha256"):
        hist.record(tmp_path / "h.sqlite", analyse(two_quarters()), company="T", inputs=["Ann"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not a database at all, just text" * 20, "not a keyrisk history"),
        (b"SQLite format 3\x00" + b"\x00" * 200, "not a keyrisk history"),
    ],
)
def test_a_foreign_or_corrupt_file_is_one_clear_error(
    tmp_path: Path, content: bytes, message: str
) -> None:
    db = tmp_path / "h.sqlite"
    db.write_bytes(content)
    for call in (
        lambda: hist.snapshots(db),
        lambda: hist.record(db, analyse(two_quarters()), company="T"),
        lambda: hist.previous(db, "T"),
    ):
        with pytest.raises(HistoryError, match=message) as info:
            call()
        assert isinstance(info.value, KeyriskError)
        assert "\n" not in str(info.value)
    assert db.read_bytes() == content


def test_another_sqlite_database_is_foreign(tmp_path: Path) -> None:
    db = tmp_path / "other.sqlite"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE t (x)")
    con.close()
    with pytest.raises(HistoryError, match="not a keyrisk history"):
        hist.record(db, analyse(two_quarters()), company="T")


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    record_two(db)
    con = sqlite3.connect(db)
    con.execute(f"PRAGMA user_version = {hist.SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(HistoryError, match="newer keyrisk"):
        hist.snapshots(db)


def test_concurrent_writers_wait_their_turn(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    record_two(db)
    lock = sqlite3.connect(db, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    with pytest.raises(HistoryError, match="busy"):
        hist.record(db, analyse(two_quarters()), company="T", timeout=0.2)
    lock.execute("ROLLBACK")
    lock.close()
    assert hist.record(db, analyse(two_quarters()), company="T", timeout=0.2) == 3


def test_snapshots_of_an_empty_history(tmp_path: Path) -> None:
    with pytest.raises(HistoryError, match="not found"):
        hist.snapshots(tmp_path / "none.sqlite")
    db = tmp_path / "empty.sqlite"
    db.write_bytes(b"")
    assert hist.snapshots(db).empty
    assert isinstance(hist.snapshots(db)["created"], pd.Series)
    created = dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC)
    hist.record(db, analyse(two_quarters()), company="T", created=created)
    assert hist.snapshots(db)["created"].tolist() == ["2026-07-01T08:00:00+00:00"]


def test_summaries_are_plain_json(tmp_path: Path) -> None:
    import json

    db = tmp_path / "h.sqlite"
    first, second = record_two(db)
    s = compare(hist.load_snapshot(db, first), hist.load_snapshot(db, second)).summary_dict()
    assert json.loads(json.dumps(s)) == s
    assert s["sole_revenue_rose"] == [{"staff": "Ann", "old": 300.0, "new": 500.0, "delta": 200.0}]


def test_one_line_per_snapshot(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    created = dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC)
    ds = two_quarters()
    hist.record(db, analyse(ds, Settings(as_of=Q1)), company="Toy SA", created=created)
    hist.record(db, analyse(ds), company="Toy SA", created=created)
    assert hist.snapshot_lines(hist.snapshots(db)) == [
        "1  as_of 2026-03-31  Toy SA  4 accounts  revenue bus factor 2  recorded "
        "2026-07-01T08:00:00+00:00",
        "2  as_of 2026-06-30  Toy SA  4 accounts  revenue bus factor 1  recorded "
        "2026-07-01T08:00:00+00:00",
    ]


def test_pseudonymised_sample_history_holds_no_staff_name(tmp_path: Path) -> None:
    """The French sample, read from its files: no staff name is stored, in any table or JSON.

    Client names are kept by design (they are not the staff's personal data), so a staff name
    that is also part of a client's name is left out of the check.
    """
    import keyrisk

    p = keyrisk.sample_paths("pme_fr")
    ds = keyrisk.load(p["interactions"], accounts=p["accounts"], staff=p["staff"])
    clients = " ".join(ds.accounts["account"].dropna().astype(str))
    names = {str(n) for n in ds.staff["staff"].dropna()} | {
        str(n) for n in ds.interactions["staff"].dropna()
    }
    checked = sorted(n for n in names if n not in clients)
    assert len(checked) > 10
    db = tmp_path / "h.sqlite"
    hist.record(db, analyse(pseudonymise(ds, b"0123456789abcdef-key")), pseudonymised=True)
    raw = db.read_bytes()
    assert [n for n in checked if n.encode() in raw] == []


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    code = textwrap.dedent(
        f"""
        import sys
        sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / "src")!r}]
        from keyrisk import analyse, history
        from tests.test_trend import two_quarters

        a = analyse(two_quarters())
        a.summary()
        for _ in range(3):
            history.record({str(db)!r}, a, company=sys.argv[1], inputs=[])
        """
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, name], stderr=subprocess.PIPE)
        for name in ("One", "Two")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    listed = hist.snapshots(db)
    assert sorted(listed["company"]) == ["One"] * 3 + ["Two"] * 3
    assert listed["id"].tolist() == [1, 2, 3, 4, 5, 6]
    with sqlite3.connect(db) as con:
        counts = con.execute("SELECT COUNT(*) FROM snapshot_accounts GROUP BY snapshot_id")
        assert [n for (n,) in counts] == [4] * 6
