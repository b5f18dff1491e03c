"""Tests of keyrisk.trend: a two-quarter toy export whose figures are worked by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from keyrisk import Dataset, Settings, analyse
from keyrisk.trend import (
    against_previous,
    key_figures,
    quarter_ends,
    quarterly_trend,
    trend_records,
)

Q1 = dt.date(2026, 3, 31)
Q2 = dt.date(2026, 6, 30)


def two_quarters() -> Dataset:
    """Four accounts over two quarters of 2026 (revenue A 500, B 300, C 150, D 50).

    Q1 (as of 2026-03-31): A held by Ann and Bob (medium), B by Ann (critical), C by Cid
    (critical), D by Bob (high, 5% of revenue). Bob's end date is 2026-05-31, and Cid joins B
    in May. Q2 (as of 2026-06-30): A rests on Ann alone (newly at risk), B has Ann and Cid (made
    safe), C still Cid, D is orphaned (Bob left).
    """
    rows = [
        ("A", "Ann", "2026-02-01"),
        ("A", "Ann", "2026-03-01"),
        ("A", "Bob", "2026-02-01"),
        ("A", "Bob", "2026-03-01"),
        ("B", "Ann", "2026-02-01"),
        ("B", "Ann", "2026-03-01"),
        ("C", "Cid", "2026-02-01"),
        ("C", "Cid", "2026-03-01"),
        ("D", "Bob", "2026-02-01"),
        ("D", "Bob", "2026-03-01"),
        # second quarter
        ("A", "Ann", "2026-05-01"),
        ("A", "Ann", "2026-06-30"),
        ("B", "Ann", "2026-05-01"),
        ("B", "Cid", "2026-05-01"),
        ("B", "Cid", "2026-06-01"),
        ("C", "Cid", "2026-05-01"),
    ]
    inter = pd.DataFrame(rows, columns=["account", "staff", "date"])
    acc = pd.DataFrame({"account": ["A", "B", "C", "D"], "revenue": [500.0, 300.0, 150.0, 50.0]})
    staff = pd.DataFrame(
        {
            "staff": ["Ann", "Bob", "Cid"],
            "department": ["Sales", "Sales", "After-sales"],
            "end_date": [None, "2026-05-31", None],
        }
    )
    return Dataset.from_frames(inter, acc, staff)


def test_quarter_ends_inside_the_span() -> None:
    assert quarter_ends(dt.date(2025, 11, 5), dt.date(2026, 6, 30)) == [
        dt.date(2025, 12, 31),
        dt.date(2026, 3, 31),
        dt.date(2026, 6, 30),
    ]
    assert quarter_ends(dt.date(2026, 4, 1), dt.date(2026, 6, 29)) == []
    assert quarter_ends(dt.date(2026, 3, 31), dt.date(2026, 3, 31)) == [dt.date(2026, 3, 31)]


def test_two_quarter_trend_is_exact() -> None:
    t = quarterly_trend(two_quarters())
    assert t["as_of"].tolist() == [Q1, Q2]
    assert t["is_quarter_end"].tolist() == [True, True]
    assert t["status"].tolist() == ["ok", "ok"]
    assert t["revenue_bus_factor"].tolist() == [2, 1]
    assert t["account_bus_factor"].tolist() == [2, 1]
    assert t["revenue_bus_factor_exact"].tolist() == [True, True]
    assert t["single_holder_revenue_share"].tolist() == pytest.approx([0.5, 0.7])
    assert t["orphaned_accounts"].tolist() == [0, 1]
    assert t["orphaned_revenue"].tolist() == [0.0, 50.0]
    assert t["top_pair"].tolist() == [("Ann", "Bob"), ("Ann", "Cid")]
    assert t["top_pair_revenue"].tolist() == [850.0, 950.0]
    assert t["top_pair_share"].tolist() == pytest.approx([0.85, 0.95])
    assert t["critical"].tolist() == [2, 3]
    assert t["high"].tolist() == [1, 0]
    assert t["medium"].tolist() == [1, 1]
    assert t["low"].tolist() == [0, 0]
    assert t["n_staff_active"].tolist() == [3, 2]
    assert t["n_interactions"].tolist() == [10, 16]
    assert t["history_days"].tolist() == [58, 149]


def test_each_point_is_the_analysis_at_that_date() -> None:
    """One implementation of each rule: a trend point is the analysis with as_of moved back."""
    ds = two_quarters()
    t = quarterly_trend(ds)
    a = analyse(ds, Settings(as_of=Q1))
    assert key_figures(a) == {k: t.iloc[0][k] for k in key_figures(a)}


def test_analysis_trend_reuses_itself_for_the_last_point() -> None:
    a = analyse(two_quarters())
    t = a.trend()
    assert t is a.trend()
    assert t["as_of"].tolist() == [Q1, Q2]
    assert t.attrs["analyses"] == 1  # Q1 only: the Q2 point is the analysis itself


def test_as_of_between_quarter_ends_is_the_last_point() -> None:
    t = quarterly_trend(two_quarters(), Settings(as_of="2026-05-15"))
    assert t["as_of"].tolist() == [Q1, dt.date(2026, 5, 15)]
    assert t["is_quarter_end"].tolist() == [True, False]


def test_quarter_without_activity_is_said_so() -> None:
    """A 30-day window at 2026-03-31 holds no interaction: reported, never silent NaN."""
    rows = [("A", "Ann", "2026-02-15"), ("A", "Ann", "2026-02-20"), ("A", "Ann", "2026-06-30")]
    ds = Dataset.from_frames(pd.DataFrame(rows, columns=["account", "staff", "date"]))
    t = quarterly_trend(ds, Settings(window_days=30))
    assert t["status"].tolist() == ["no activity", "ok"]
    assert t["n_interactions"].tolist() == [0, 1]
    assert pd.isna(t["revenue_bus_factor"].iloc[0])
    assert t["revenue_bus_factor"].iloc[1] == 1


def test_no_dates_gives_an_empty_trend() -> None:
    ds = Dataset.from_frames(pd.DataFrame({"account": ["A"], "staff": ["Ann"]}))
    t = quarterly_trend(ds)
    assert len(t) == 0
    assert "revenue_bus_factor" in t.columns


def test_this_quarter_against_the_previous_four() -> None:
    d = against_previous(quarterly_trend(two_quarters()))
    bus = d[d["figure"] == "revenue_bus_factor"]
    assert bus["as_of"].tolist() == [Q2, Q1]
    assert bus["lag"].tolist() == [0, 1]
    assert bus["value"].tolist() == [1, 2]
    assert bus["delta"].tolist()[1] == -1  # now minus then
    assert pd.isna(bus["delta"].tolist()[0])
    orphaned = d[(d["figure"] == "orphaned_revenue") & (d["lag"] == 1)]
    assert orphaned["delta"].tolist() == [50.0]


def test_against_previous_keeps_at_most_four_earlier_points() -> None:
    rows = [("A", "Ann", f"{y}-{m:02d}-15") for y in (2024, 2025) for m in (1, 4, 7, 10)]
    ds = Dataset.from_frames(pd.DataFrame(rows, columns=["account", "staff", "date"]))
    t = quarterly_trend(ds)
    assert len(t) == 8  # 2024-03-31 ... 2025-09-30, and the as of 2025-10-15
    d = against_previous(t)
    assert sorted(set(d["lag"])) == [0, 1, 2, 3, 4]
    assert d[d["lag"] == 0]["as_of"].iloc[0] == dt.date(2025, 10, 15)


def test_an_account_first_seen_later_is_not_a_past_orphan() -> None:
    """A client of the accounts table whose first interaction is in Q2 was no client at Q1."""
    base = two_quarters()
    inter = pd.concat(
        [
            base.interactions[["account", "staff", "date"]],
            pd.DataFrame(
                {"account": ["E", "E"], "staff": ["Ann", "Ann"], "date": ["2026-05-02"] * 2}
            ),
        ]
    )
    acc = pd.DataFrame(
        {"account": ["A", "B", "C", "D", "E"], "revenue": [500.0, 300.0, 150.0, 50.0, 100.0]}
    )
    ds = Dataset.from_frames(inter, acc, base.staff)
    t = quarterly_trend(ds)
    assert t["n_accounts"].tolist() == [4, 5]
    assert t["orphaned_accounts"].tolist() == [0, 1]
    assert t["accounts_not_yet"].tolist() == [1, 0]
    assert t["total_revenue"].tolist() == [1000.0, 1100.0]


def test_trend_records_are_plain_json() -> None:
    import json

    records = trend_records(quarterly_trend(two_quarters()))
    assert json.loads(json.dumps(records)) == records
    assert records[0]["as_of"] == "2026-03-31"
    assert records[0]["top_pair"] == ["Ann", "Bob"]
    assert records[1]["revenue_bus_factor"] == 1
    rows = [("A", "Ann", "2026-02-15"), ("A", "Ann", "2026-06-30")]
    ds = Dataset.from_frames(pd.DataFrame(rows, columns=["account", "staff", "date"]))
    quiet = trend_records(quarterly_trend(ds, Settings(window_days=30)))[0]
    assert quiet["status"] == "no activity" and quiet["revenue_bus_factor"] is None


def test_a_quiet_quarter_has_no_delta() -> None:
    rows = [("A", "Ann", "2026-02-15"), ("A", "Ann", "2026-02-20"), ("A", "Ann", "2026-06-30")]
    ds = Dataset.from_frames(pd.DataFrame(rows, columns=["account", "staff", "date"]))
    d = against_previous(quarterly_trend(ds, Settings(window_days=30)))
    bus = d[d["figure"] == "revenue_bus_factor"]
    assert bus["status"].tolist() == ["ok", "no activity"]
    assert bus["value"].isna().tolist() == [False, True]
    assert bus["delta"].isna().tolist() == [True, True]


def test_an_inactive_flag_does_not_reach_back_before_later_activity() -> None:
    """Bob is flagged inactive today (no end date) but worked in May: at Q1 he was active."""
    rows = [
        ("A", "Ann", "2026-02-01"),
        ("A", "Ann", "2026-06-30"),
        ("B", "Bob", "2026-02-01"),
        ("B", "Bob", "2026-05-01"),
    ]
    inter = pd.DataFrame(rows, columns=["account", "staff", "date"])
    staff = pd.DataFrame({"staff": ["Ann", "Bob"], "active": [True, False]})
    t = quarterly_trend(Dataset.from_frames(inter, None, staff))
    assert t["as_of"].tolist() == [Q1, Q2]
    assert t["n_staff_active"].tolist() == [2, 1]
    assert t["orphaned_accounts"].tolist() == [0, 1]


def test_the_last_point_is_the_analysis_even_with_future_open_deals() -> None:
    rows = pd.DataFrame(
        {
            "account": ["A", "A", "B"],
            "staff": ["Ann", "Ann", "Bob"],
            "date": ["2026-02-01", "2026-06-30", "2026-09-15"],
            "stage": [None, None, "open"],
            "amount": [None, None, 100.0],
        }
    )
    staff = pd.DataFrame({"staff": ["Ann", "Bob"], "active": [True, False]})
    a = analyse(Dataset.from_frames(rows, None, staff))
    t = a.trend()
    assert t["as_of"].tolist() == [Q1, Q2]
    assert t.attrs["analyses"] == 1
