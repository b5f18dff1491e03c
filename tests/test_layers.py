"""Tests of keyrisk.layers and keyrisk.signals on tiny named teams worked by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from keyrisk import Dataset, analyse
from keyrisk.signals import is_management, key_accounts_alone


def notes_team() -> Dataset:
    """as_of 2026-06-30. Acme: notes by Ann and Bob, recent. Beta: notes by Ann only. Gamma: no
    note. Delta: notes by Ann and Bob but the latest is over a year old."""
    rows = [
        ("Acme", "Ann", "2026-06-01", "call back"),
        ("Acme", "Ann", "2026-06-02", None),
        ("Acme", "Bob", "2026-06-30", "price agreed"),
        ("Beta", "Ann", "2026-05-01", "visit"),
        ("Beta", "Ann", "2026-05-02", "visit 2"),
        ("Gamma", "Bob", "2026-04-01", None),
        ("Gamma", "Bob", "2026-04-02", None),
        ("Delta", "Ann", "2025-01-10", "old"),
        ("Delta", "Bob", "2025-01-11", "older"),
        ("Delta", "Bob", "2026-06-15", None),
    ]
    inter = pd.DataFrame(rows, columns=["account", "staff", "date", "note"])
    acc = pd.DataFrame(
        {
            "account": ["Acme", "Beta", "Gamma", "Delta"],
            "revenue": [100.0, None, 30.0, 20.0],
            "owner": ["Ann", "Ann", None, "Cid"],
        }
    )
    staff = pd.DataFrame(
        {
            "staff": ["Ann", "Bob", "Cid", "Pat"],
            "role": ["Commerciale", "Technicien", "Commercial", "Directeur général"],
            "start_date": ["2010-01-01", "2026-03-01", "2015-01-01", "2000-01-01"],
            "end_date": [None, None, "2025-12-31", None],
        }
    )
    return Dataset.from_frames(inter, acc, staff)


def test_four_layers_by_hand() -> None:
    an = analyse(notes_team())
    assert an.as_of == dt.date(2026, 6, 30)
    lay = an.layers.set_index("account")
    # human: Acme held by Ann (3 interactions, weight ~2) and Bob (1: top? no) -> see holders
    holders = an.accounts.set_index("account")["holders"].to_dict()
    for account, hs in holders.items():
        expected = "ok" if len(hs) >= 2 else ("weak" if len(hs) == 1 else "missing")
        assert lay.loc[account, "human"] == expected
    assert lay.loc["Acme", "narrative"] == "ok"
    assert lay.loc["Acme", "note_authors"] == ("Ann", "Bob")
    assert lay.loc["Beta", "narrative"] == "weak"
    assert lay.loc["Beta", "narrative_why"] == "notes written by Ann only, last on 2026-05-02"
    assert lay.loc["Gamma", "narrative"] == "missing"
    assert lay.loc["Delta", "narrative"] == "weak"
    assert "none in the last 365 days" in lay.loc["Delta", "narrative_why"]
    # organisational: Gamma names no owner; Delta's owner Cid has left
    assert lay.loc["Gamma", "owner_active"] is pd.NA
    assert lay.loc["Delta", "owner_active"] == False  # noqa: E712
    assert "has left" in lay.loc["Delta", "organisational_why"]
    # informational: Beta's revenue is unknown
    assert lay.loc["Beta", "informational"] == "weak"
    assert lay.loc["Beta", "informational_why"] == "activity logged in the window; no revenue"
    assert lay.loc["Acme", "informational"] == "ok"
    assert set(lay["human"]) <= {"ok", "weak", "missing"}


def test_layers_unknown_without_notes_or_owner_columns() -> None:
    inter = pd.DataFrame({"account": ["A", "A"], "staff": ["Ann", "Bob"]})
    an = analyse(Dataset.from_frames(inter))
    lay = an.layers
    assert lay["narrative"].tolist() == ["unknown"]
    assert "notes column" in lay["narrative_why"].iloc[0]
    assert lay["organisational"].tolist() == ["unknown"]
    assert "owner" in lay["organisational_why"].iloc[0]
    # count basis: revenue is not judged
    assert lay["informational"].tolist() == ["ok"]
    assert an.signals.unknown.keys() == {
        "management",
        "single_author_notes",
        "ramp_up",
        "key_accounts_alone",
    }


def test_organisational_counts_the_plan_backup() -> None:
    an = analyse(notes_team(), capacity_ratio=5.0)
    lay = an.layers.set_index("account")
    plan = an.plan().assignments.set_index("account")
    for account in plan.index:
        backup = plan.loc[account, "backup"]
        if isinstance(backup, str):
            assert lay.loc[account, "backup_source"] in ("plan", "data")


def test_weak_signals_by_hand() -> None:
    an = analyse(notes_team())
    sig = an.signals
    # Pat (Directeur général) has no interaction: not pulled into client work
    assert sig.management.empty
    single = sig.single_author_notes.set_index("account")
    assert list(single.index) == ["Beta"]
    assert single.loc["Beta", "staff"] == "Ann" and single.loc["Beta", "notes"] == 2
    # Bob started 2026-03-01 (after the data starts, 2025-01-10); first interaction with an
    # account he holds: Gamma on 2026-04-01 -> 31 days, the only measurable ramp-up
    ramp = sig.ramp_up.set_index("staff")
    assert list(ramp.index) == ["Bob"]
    assert ramp.loc["Bob", "days"] == 31 and ramp.loc["Bob", "team_median"] == 31.0
    assert not ramp.loc["Bob", "flagged"]
    table = sig.table
    assert set(table["signal"]) == {"single_author_notes", "ramp_up", "key_accounts_alone"}
    assert "<table>" in sig._repr_html_()


def test_management_pulled_into_client_work() -> None:
    inter = pd.DataFrame(
        {
            "account": ["A", "A", "B", "B", "C"],
            "staff": ["Pat", "Pat", "Ann", "Ann", "Ann"],
        }
    )
    staff = pd.DataFrame({"staff": ["Pat", "Ann"], "role": ["Gérante", "Commerciale"]})
    sig = analyse(Dataset.from_frames(inter, None, staff)).signals
    m = sig.management.set_index("staff")
    assert list(m.index) == ["Pat"]
    assert m.loc["Pat", "share"] == pytest.approx(2 / 5)
    assert m.loc["Pat", "n_sole"] == 1 and m.loc["Pat", "accounts_sole"] == ("A",)
    assert bool(m.loc["Pat", "flagged"])


def test_management_words() -> None:
    assert is_management("PDG")
    assert is_management("Managing Director")
    assert is_management("Associée")
    assert not is_management("Responsable SAV", "SAV")
    assert not is_management(None, None)


def test_key_accounts_kept_to_oneself() -> None:
    acc = pd.DataFrame(
        {
            "account": [f"K{i}" for i in range(20)],
            "holders": [("Ann",)] * 2 + [("Bob", "Ann")] + [("Bob",)] * 17,
        }
    )
    rev = pd.Series({f"K{i}": 100.0 - i for i in range(20)})
    # top 10% of 20 accounts: K0, K1 (both Ann alone)
    k = key_accounts_alone(acc, rev)
    assert k.attrs["n_key_accounts"] == 2
    assert k[["staff", "n_key", "flagged"]].to_dict("list") == {
        "staff": ["Ann"],
        "n_key": [2],
        "flagged": [True],
    }
    assert k["key_share"].iloc[0] == pytest.approx(1.0)
