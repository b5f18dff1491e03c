"""Tests of keyrisk.adoption: the CRM adoption audit on a tiny team worked by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from keyrisk import Dataset, analyse
from keyrisk.adoption import Adoption, crm_adoption
from keyrisk.errors import UsageError

AS_OF = dt.date(2026, 6, 30)


def tiny_team() -> Dataset:
    """Five people, roll-out on 2026-01-01, data to 2026-06-30.

    Ann (Sales) logs 2 in January, 1 in February, 1 in March, 1 in June; Bob (Sales) 1 in
    January; Cid (After-sales) 1 in March; Dan (Marketing) nothing; Eve (Sales) starts on
    2026-03-01 and logs 1 in April, 2 in June.
    """
    rows = [
        ("Ann", "2026-01-05"),
        ("Ann", "2026-01-20"),
        ("Ann", "2026-02-10"),
        ("Ann", "2026-03-10"),
        ("Ann", "2026-06-10"),
        ("Bob", "2026-01-15"),
        ("Cid", "2026-03-03"),
        ("Eve", "2026-04-02"),
        ("Eve", "2026-06-01"),
        ("Eve", "2026-06-30"),
    ]
    inter = pd.DataFrame(
        {"account": "X", "staff": [r[0] for r in rows], "date": [r[1] for r in rows]}
    )
    staff = pd.DataFrame(
        {
            "staff": ["Ann", "Bob", "Cid", "Dan", "Eve"],
            "department": ["Sales", "Sales", "After-sales", "Marketing", "Sales"],
            "start_date": [None, None, None, None, "2026-03-01"],
        }
    )
    return Dataset.from_frames(inter, None, staff)


def audit() -> Adoption:
    ds = tiny_team()
    return crm_adoption(ds.interactions, ds.staff, since="2026-01-01", as_of=AS_OF)


def test_checkpoints_m1_m3_m6_are_exact() -> None:
    c = audit().checkpoints.set_index("checkpoint")
    assert c.index.tolist() == [1, 3, 6]
    assert c["start"].tolist() == [dt.date(2026, 1, 1), dt.date(2026, 3, 1), dt.date(2026, 6, 1)]
    assert c["expected"].tolist() == [4, 5, 5]
    assert c["logging"].tolist() == [2, 2, 2]
    assert c["adoption"].tolist() == pytest.approx([0.5, 0.4, 0.4])
    assert c["interactions"].tolist() == [3, 2, 3]
    assert c["reached"].tolist() == [True, True, True]


def test_people_at_each_checkpoint() -> None:
    p = audit().people.set_index("staff")
    assert p.loc["Ann", ["m1", "m3", "m6"]].tolist() == [2, 1, 1]
    assert p.loc["Bob", ["m1", "m3", "m6"]].tolist() == [1, 0, 0]
    assert pd.isna(p.loc["Eve", "m1"])  # not there yet in January
    assert p.loc["Eve", ["m3", "m6"]].tolist() == [0, 2]
    assert p.loc["Ann", "logged"] == 5
    assert p.loc["Eve", "months_logging"] == 2
    assert p.loc["Eve", "months_expected"] == 4
    assert p["logs_nothing"][p["logs_nothing"]].index.tolist() == ["Dan"]
    assert p.loc["Dan", "team"] == "Marketing"


def test_who_and_which_team_logs_nothing() -> None:
    a = audit()
    assert a.silent_staff == ("Dan",)
    assert a.silent_teams == ("Marketing",)
    s = a.summary_dict()
    assert s["silent_staff"] == ["Dan"]
    assert s["silent_teams"] == ["Marketing"]
    assert s["since"] == "2026-01-01"
    assert s["checkpoints"]["m3"]["adoption"] == pytest.approx(0.4)


def test_teams_at_each_checkpoint() -> None:
    t = audit().teams.set_index(["team", "checkpoint"])
    assert t.loc[("Sales", 1), ["expected", "logging"]].tolist() == [2, 2]
    assert t.loc[("Sales", 3), ["expected", "logging"]].tolist() == [3, 1]
    assert t.loc[("Sales", 6), "adoption"] == pytest.approx(2 / 3)
    assert t.loc[("After-sales", 3), "adoption"] == 1.0
    assert t.loc[("Marketing", 6), "logging"] == 0


def test_monthly_table() -> None:
    m = audit().monthly
    assert m["month"].tolist()[:6] == [1, 2, 3, 4, 5, 6]
    assert len(m) == 6 * 5
    eve = m[m["staff"] == "Eve"]
    assert eve["expected"].tolist() == [False, False, True, True, True, True]
    assert eve["logged"].tolist() == [0, 0, 0, 1, 0, 2]


def test_default_roll_out_is_the_first_logged_month() -> None:
    ds = tiny_team()
    a = crm_adoption(ds.interactions, ds.staff)
    assert a.since == dt.date(2026, 1, 1)
    assert a.as_of == AS_OF


def test_a_checkpoint_after_the_data_is_not_reached() -> None:
    ds = tiny_team()
    a = crm_adoption(ds.interactions, ds.staff, since="2026-03-01", as_of=AS_OF)
    c = a.checkpoints.set_index("checkpoint")
    assert c["reached"].tolist() == [True, True, False]
    assert pd.isna(c.loc[6, "adoption"])
    assert a.summary_dict()["checkpoints"]["m6"]["adoption"] is None


def test_a_gone_person_is_not_expected_after_leaving() -> None:
    ds = tiny_team()
    staff = ds.staff.copy()
    staff.loc[staff["staff"] == "Bob", "end_date"] = pd.Timestamp("2026-01-31")
    a = crm_adoption(ds.interactions, staff, since="2026-01-01", as_of=AS_OF)
    c = a.checkpoints.set_index("checkpoint")
    assert c["expected"].tolist() == [4, 4, 4]


def test_kinds_restrict_what_counts_as_logged() -> None:
    inter = pd.DataFrame(
        {
            "account": ["X", "X"],
            "staff": ["Ann", "Bob"],
            "date": ["2026-01-05", "2026-01-06"],
            "kind": ["call", "invoice"],
        }
    )
    ds = Dataset.from_frames(inter)
    a = crm_adoption(ds.interactions, ds.staff, kinds=["Call"])
    assert a.silent_staff == ("Bob",)


def test_analysis_adoption_uses_its_as_of() -> None:
    a = analyse(tiny_team())
    assert a.adoption(since="2026-01-01").checkpoints["adoption"].tolist() == pytest.approx(
        [0.5, 0.4, 0.4]
    )
    assert a.adoption() is a.adoption()


def test_bad_roll_out_date() -> None:
    ds = tiny_team()
    with pytest.raises(UsageError, match="since"):
        crm_adoption(ds.interactions, ds.staff, since="soon")
    with pytest.raises(UsageError, match="after"):
        crm_adoption(ds.interactions, ds.staff, since="2026-07-01", as_of=AS_OF)


def test_no_dates_is_a_usage_error() -> None:
    ds = Dataset.from_frames(pd.DataFrame({"account": ["A"], "staff": ["Ann"]}))
    with pytest.raises(UsageError, match="date"):
        crm_adoption(ds.interactions, ds.staff)


def test_repr_html_lists_the_silent() -> None:
    assert "Dan" in audit()._repr_html_()
