"""Scoring on tiny named graphs, with answers worked by hand."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keyrisk import scoring
from keyrisk.model import Dataset
from keyrisk.settings import Settings

AS_OF = dt.date(2024, 6, 30)


def days_before(n: int) -> pd.Timestamp:
    return pd.Timestamp(AS_OF) - pd.Timedelta(days=n)


def run(ds: Dataset, **params: Any) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Chain the scoring steps as analysis.py does: (accounts, staff, edges)."""
    s = Settings(**params)
    as_of = scoring.resolve_as_of(ds, s)
    edges = scoring.edge_weights(ds.interactions, s, as_of, ds.has_dates)
    edges = scoring.add_owner_edges(edges, ds.accounts)
    status = scoring.gone_staff(ds.staff, ds.interactions, ds.accounts, s, as_of, ds.has_dates)
    scored = scoring.score_edges(edges, status, s)
    universe = pd.Index(
        pd.concat([ds.accounts["account"].dropna(), edges["account"]]).unique(), dtype="string"
    )
    info = scoring.account_revenue(ds.accounts, ds.interactions, universe, s, as_of, ds.has_dates)
    accounts = scoring.score_accounts(scored, info, s)
    staff = scoring.score_staff(scored, accounts, status, ds.staff)
    return accounts, staff, scored


def row(frame: pd.DataFrame, key: str, value: str) -> pd.Series:
    hits = frame[frame[key] == value]
    assert len(hits) == 1, f"{value!r} appears {len(hits)} times"
    return hits.iloc[0]


def interactions(*rows: tuple[Any, ...], columns: tuple[str, ...] = ("account", "staff", "date")):
    return pd.DataFrame(list(rows), columns=list(columns))


# --- resolve_as_of -------------------------------------------------------------------------


def test_as_of_is_latest_date_or_setting_or_none() -> None:
    ds = Dataset.from_frames(interactions(("A", "Ann", "2024-01-05"), ("A", "Ann", "2024-03-01")))
    assert scoring.resolve_as_of(ds, Settings()) == dt.date(2024, 3, 1)
    assert scoring.resolve_as_of(ds, Settings(as_of="2023-12-31")) == dt.date(2023, 12, 31)
    undated = Dataset.from_frames(pd.DataFrame({"account": ["A"], "staff": ["Ann"]}))
    assert undated.has_dates is False
    assert scoring.resolve_as_of(undated, Settings()) is None


# --- small graphs -------------------------------------------------------------------------


def test_solo_account() -> None:
    ds = Dataset.from_frames(interactions(("A", "Ann", AS_OF), ("A", "Ann", AS_OF)))
    accounts, staff, _ = run(ds)
    a = row(accounts, "account", "A")
    assert a["n_contacts"] == 1
    assert a["top_staff"] == "Ann"
    assert a["top_share"] == 1.0
    assert a["hhi"] == 1.0
    assert a["effective_contacts"] == 1.0
    assert a["holders"] == ("Ann",)
    assert a["bus_factor"] == 1
    assert not a["orphaned"]
    # count basis (no revenue), one account: r = 1 = 100% of total -> critical
    assert a["risk_level"] == "critical"
    assert math.isnan(a["revenue"])
    assert a["revenue_source"] == "unknown"
    assert a["revenue_share"] == 1.0
    ann = row(staff, "staff", "Ann")
    assert (ann["n_accounts"], ann["n_held"], ann["n_sole"]) == (1, 1, 1)
    assert ann["accounts_sole"] == ("A",)
    assert ann["revenue_sole"] == 1.0


def test_duo_equal_weights_both_hold() -> None:
    ds = Dataset.from_frames(
        interactions(
            ("A", "Bob", AS_OF), ("A", "Bob", AS_OF), ("A", "Ann", AS_OF), ("A", "Ann", AS_OF)
        )
    )
    accounts, staff, _ = run(ds)
    a = row(accounts, "account", "A")
    assert a["top_staff"] == "Ann"  # tie: smallest name
    assert a["top_share"] == 0.5
    assert a["hhi"] == 0.5
    assert a["effective_contacts"] == 2.0
    assert a["holders"] == ("Ann", "Bob")
    assert a["bus_factor"] == 2
    assert a["risk_level"] == "medium"
    assert staff["n_sole"].tolist() == [0, 0]
    assert staff["revenue_weighted"].tolist() == [0.5, 0.5]


def test_tie_for_top_staff_picks_smallest_name_even_with_one_interaction() -> None:
    ds = Dataset.from_frames(interactions(("A", "Zoe", AS_OF), ("A", "Max", AS_OF)))
    accounts, _, _ = run(ds)
    a = row(accounts, "account", "A")
    assert a["top_staff"] == "Max"
    # both are top contacts, so min_interactions does not apply: two holders
    assert a["holders"] == ("Max", "Zoe")


def test_team_of_three_with_weak_members() -> None:
    d = AS_OF
    ds = Dataset.from_frames(
        interactions(
            # account T: Ann 4, Bob 2 (= 0.5 * 4, holder), Cy 1 (< 0.5 * 4: below holder_ratio)
            *[("T", "Ann", d, 1.0)] * 4,
            *[("T", "Bob", d, 1.0)] * 2,
            ("T", "Cy", d, 1.0),
            # account U: Ann 1 row of weight 2 (top), Dee 1 row of weight 1.5: above the ratio
            # but a single interaction and not top: below min_interactions
            ("U", "Ann", d, 2.0),
            ("U", "Dee", d, 1.5),
            columns=("account", "staff", "date", "weight"),
        )
    )
    accounts, staff, edges = run(ds, half_life_days=None)
    t = row(accounts, "account", "T")
    assert t["n_contacts"] == 3
    assert t["holders"] == ("Ann", "Bob")
    assert t["bus_factor"] == 2
    assert t["top_share"] == pytest.approx(4 / 7)
    assert t["hhi"] == pytest.approx((16 + 4 + 1) / 49)
    assert t["effective_contacts"] == pytest.approx(49 / 21)
    u = row(accounts, "account", "U")
    assert u["holders"] == ("Ann",)
    assert u["bus_factor"] == 1
    assert u["top_share"] == pytest.approx(2 / 3.5)
    dee = edges[(edges["account"] == "U") & (edges["staff"] == "Dee")].iloc[0]
    assert dee["weight"] == 1.5
    assert not dee["is_holder"]
    # with min_interactions=1, Dee holds U too
    accounts1, _, _ = run(ds, half_life_days=None, min_interactions=1)
    assert row(accounts1, "account", "U")["holders"] == ("Ann", "Dee")
    # with holder_ratio=0.25, Cy (1/4 of Ann) passes the ratio but has a single interaction
    accounts2, _, _ = run(ds, half_life_days=None, holder_ratio=0.25)
    assert row(accounts2, "account", "T")["holders"] == ("Ann", "Bob")
    ann = row(staff, "staff", "Ann")
    assert (ann["n_accounts"], ann["n_held"], ann["n_sole"]) == (2, 2, 1)
    assert ann["accounts_sole"] == ("U",)


def test_owner_only_export() -> None:
    ds = Dataset.from_frames(
        accounts=pd.DataFrame(
            {
                "account": ["A", "B", "C"],
                "owner": ["Ann", "Bob", None],
                "revenue": [10.0, 30.0, 60.0],
            }
        )
    )
    assert ds.has_dates is False
    accounts, staff, edges = run(ds)
    assert edges[["account", "staff", "weight", "count"]].to_dict("list") == {
        "account": ["A", "B"],
        "staff": ["Ann", "Bob"],
        "weight": [1.0, 1.0],
        "count": [1, 1],
    }
    assert edges["owner_rule"].tolist() == [True, True]
    a, b, c = (row(accounts, "account", k) for k in "ABC")
    assert a["holders"] == ("Ann",) and a["bus_factor"] == 1
    assert b["holders"] == ("Bob",) and b["bus_factor"] == 1
    assert c["orphaned"] and c["n_contacts"] == 0 and c["holders"] == ()
    assert not c["orphaned_by_departure"]
    assert math.isnan(c["hhi"]) and math.isnan(c["top_share"])
    assert math.isnan(c["effective_contacts"])
    assert pd.isna(c["top_staff"])
    # revenue basis: 10 / 100 -> critical (>= 10%), 30% critical, C orphaned critical
    assert accounts["account"].tolist() == ["C", "B", "A"]
    assert accounts["risk_level"].tolist() == ["critical"] * 3
    assert a["revenue_source"] == "accounts table"
    assert a["revenue_share"] == 0.1
    # no dates: nobody is gone by inactivity
    assert staff["active"].tolist() == [True, True]
    assert staff["staff"].tolist() == ["Bob", "Ann"]


def test_owner_rule_does_not_apply_when_interactions_exist() -> None:
    ds = Dataset.from_frames(
        interactions(("A", "Bob", AS_OF)),
        accounts=pd.DataFrame({"account": ["A"], "owner": ["Ann"]}),
    )
    accounts, staff, _ = run(ds)
    assert row(accounts, "account", "A")["holders"] == ("Bob",)
    # Ann (owner, no interaction at all) is gone by inactivity in dated data
    assert row(staff, "staff", "Ann")["gone_reason"] == "inactive"


def test_holder_who_left_end_date_inactive_and_flags() -> None:
    ds = Dataset.from_frames(
        interactions(
            ("E", "Eve", days_before(1)),  # end date before as_of -> gone
            ("I", "Ivan", days_before(90)),  # last activity exactly inactive_days ago -> gone
            ("J", "Jo", days_before(89)),  # 89 days: still active
            ("K", "Kim", days_before(200)),  # inactive but flag True -> active
            ("L", "Lou", days_before(0)),  # active but flag False -> gone
            ("M", "Mia", days_before(0)),  # end date after as_of -> active
            ("M", "Max", days_before(0)),
        ),
        staff=pd.DataFrame(
            {
                "staff": ["Eve", "Kim", "Lou", "Mia"],
                "end_date": [days_before(0), None, None, days_before(-5)],
                "active": [True, True, False, None],
            }
        ),
    )
    accounts, staff, _ = run(ds)
    reasons = dict(zip(staff["staff"], staff["gone_reason"].astype(object), strict=True))
    assert reasons["Eve"] == "end date"  # end date wins over the active flag True
    assert reasons["Ivan"] == "inactive"
    assert pd.isna(reasons["Jo"])
    assert pd.isna(reasons["Kim"])
    assert reasons["Lou"] == "active flag"
    assert pd.isna(reasons["Mia"]) and pd.isna(reasons["Max"])
    active = dict(zip(staff["staff"], staff["active"], strict=True))
    assert active == {
        "Eve": False,
        "Ivan": False,
        "Jo": True,
        "Kim": True,
        "Lou": False,
        "Mia": True,
        "Max": True,
    }
    for acc, orphan in {"E": True, "I": True, "J": False, "K": False, "L": True}.items():
        a = row(accounts, "account", acc)
        assert a["orphaned"] == orphan
        assert a["orphaned_by_departure"] == orphan
    e = row(accounts, "account", "E")
    assert e["holders"] == () and e["gone_holders"] == ("Eve",) and e["bus_factor"] == 0
    assert e["risk_level"] == "critical"
    assert row(accounts, "account", "M")["holders"] == ("Max", "Mia")
    kim = row(staff, "staff", "Kim")
    assert kim["last_activity"] == days_before(200)
    # a gone holder holds nothing
    assert row(staff, "staff", "Eve")["n_held"] == 0


# --- weights ------------------------------------------------------------------------------


def test_decay_halves_at_half_life() -> None:
    # 2024-01-02 is exactly 180 days before 2024-06-30
    assert (pd.Timestamp(AS_OF) - pd.Timestamp("2024-01-02")).days == 180
    inter = interactions(
        ("A", "Ann", pd.Timestamp("2024-01-02 15:30")),
        ("A", "Bob", days_before(0)),
        ("A", "Cy", days_before(360)),
    )
    inter = Dataset.from_frames(inter).interactions
    e = scoring.edge_weights(inter, Settings(), AS_OF, True).set_index("staff")
    assert e.loc["Ann", "weight"] == 0.5
    assert e.loc["Bob", "weight"] == 1.0
    assert e.loc["Cy", "weight"] == 0.25
    assert e.loc["Ann", "last_date"] == pd.Timestamp("2024-01-02")
    flat = scoring.edge_weights(inter, Settings(half_life_days=None), AS_OF, True)
    assert flat["weight"].tolist() == [1.0, 1.0, 1.0]
    custom = scoring.edge_weights(inter, Settings(half_life_days=90), AS_OF, True)
    assert custom.set_index("staff").loc["Ann", "weight"] == 0.25


def test_window_boundaries() -> None:
    inter = interactions(
        ("A", "Out", days_before(10)),  # as_of - window_days: excluded
        ("A", "In", days_before(9)),
        ("A", "Today", days_before(0)),  # as_of: included
        ("A", "Future", days_before(-1)),  # after as_of: excluded
        ("A", "NoDate", pd.NaT),  # from a file without dates: counted, no window
    )
    inter = Dataset.from_frames(inter).interactions
    e = scoring.edge_weights(inter, Settings(window_days=10, half_life_days=None), AS_OF, True)
    assert e["staff"].tolist() == ["In", "NoDate", "Today"]
    assert e["count"].tolist() == [1, 1, 1]


def test_no_dates_every_row_counts_with_decay_one() -> None:
    inter = interactions(("A", "Ann", pd.NaT), ("A", "Ann", pd.NaT), ("B", "Bob", pd.NaT))
    inter = Dataset.from_frames(inter, has_dates=False).interactions
    e = scoring.edge_weights(inter, Settings(window_days=1), None, False)
    assert e[["account", "staff", "weight", "count"]].to_dict("list") == {
        "account": ["A", "B"],
        "staff": ["Ann", "Bob"],
        "weight": [2.0, 1.0],
        "count": [2, 1],
    }
    assert e["last_date"].isna().all()


def test_kind_weights_case_insensitive_and_zero_weight() -> None:
    d = AS_OF
    ds = Dataset.from_frames(
        interactions(
            ("A", "Ann", d, "MEETING"),
            ("A", "Bob", d, "call"),
            ("A", "Bob", d, None),
            ("A", "Cy", d, "e-mail"),
            ("A", "Cy", d, "E-Mail"),
            columns=("account", "staff", "date", "kind"),
        )
    )
    accounts, _, edges = run(ds, kind_weights={"Meeting": 3.0, "E-MAIL": 0.0})
    w = edges.set_index("staff")
    assert w.loc["Ann", "weight"] == 3.0
    assert w.loc["Bob", "weight"] == 2.0  # call and unknown kind weigh 1
    assert w.loc["Cy", "weight"] == 0.0
    assert w.loc["Cy", "count"] == 2  # counted, weightless
    assert not w.loc["Cy", "is_holder"]
    a = row(accounts, "account", "A")
    assert a["n_contacts"] == 2  # Cy has weight 0: not a contact
    assert a["top_share"] == 0.6
    assert a["hhi"] == pytest.approx(0.36 + 0.16)
    assert a["holders"] == ("Ann", "Bob")


def test_zero_weight_only_account_falls_back_to_owner() -> None:
    ds = Dataset.from_frames(
        interactions(("A", "Cy", AS_OF, "email"), columns=("account", "staff", "date", "kind")),
        accounts=pd.DataFrame({"account": ["A"], "owner": ["Ann"]}),
    )
    _, _, edges = run(ds, kind_weights={"email": 0})
    assert edges[["staff", "weight", "count", "is_holder"]].to_dict("list") == {
        "staff": ["Ann", "Cy"],
        "weight": [1.0, 0.0],
        "count": [1, 1],
        "is_holder": [True, False],
    }


# --- revenue ------------------------------------------------------------------------------


def test_revenue_from_amounts_stages_and_window() -> None:
    cols = ("account", "staff", "date", "amount", "stage")
    ds = Dataset.from_frames(
        interactions(
            ("A", "Ann", days_before(0), 100.0, "won"),
            ("A", "Ann", days_before(364), 50.0, None),  # invoice, inside the window
            ("A", "Ann", days_before(365), 1000.0, "won"),  # as_of - revenue_days: excluded
            ("A", "Ann", days_before(3), 70.0, "lost"),
            ("A", "Ann", days_before(3), 30.0, "open"),  # pipeline
            ("A", "Ann", days_before(400), 500.0, "open"),  # old pipeline: excluded
            ("B", "Bob", days_before(0), None, None),  # no amount: unknown
            ("C", "Cy", days_before(0), 20.0, "lost"),  # only lost: unknown
            ("D", "Dee", days_before(0), None, None),
            ("D", "Dee", days_before(500), 80.0, "won"),  # sold, but not this year: 0
            ("E", "Eve", days_before(1), 900.0, "won"),  # accounts table wins
            columns=cols,
        ),
        accounts=pd.DataFrame({"account": ["E"], "revenue": [400.0]}),
    )
    accounts, staff, _ = run(ds)
    rev = accounts.set_index("account")
    assert rev.loc["A", "revenue"] == 150.0
    assert rev.loc["A", "revenue_source"] == "amounts"
    assert rev.loc["A", "pipeline"] == 30.0
    assert math.isnan(rev.loc["B", "revenue"]) and rev.loc["B", "revenue_source"] == "unknown"
    assert math.isnan(rev.loc["C", "revenue"]) and rev.loc["C", "revenue_source"] == "unknown"
    assert rev.loc["D", "revenue"] == 0.0 and rev.loc["D", "revenue_source"] == "amounts"
    assert rev.loc["E", "revenue"] == 400.0
    assert rev.loc["E", "revenue_source"] == "accounts table"
    assert rev.loc["E", "pipeline"] == 0.0
    # shares over 550 (unknown counts 0)
    assert rev.loc["A", "revenue_share"] == pytest.approx(150 / 550)
    assert rev.loc["B", "revenue_share"] == 0.0
    # all have bus factor 1: A and E critical (>= 10%), the others high
    assert accounts["account"].tolist() == ["E", "A", "B", "C", "D"]
    assert accounts["risk_level"].tolist() == ["critical", "critical", "high", "high", "high"]
    assert staff["staff"].tolist()[:2] == ["Eve", "Ann"]
    assert row(staff, "staff", "Ann")["revenue_sole"] == 150.0


def test_revenue_without_dates_counts_every_row() -> None:
    ds = Dataset.from_frames(
        pd.DataFrame(
            {
                "account": ["A", "A", "A"],
                "staff": ["Ann"] * 3,
                "amount": [10.0, 5.0, 7.0],
                "stage": ["Won", "open", pd.NA],
            }
        )
    )
    accounts, _, _ = run(ds)
    a = row(accounts, "account", "A")
    assert (a["revenue"], a["pipeline"]) == (17.0, 5.0)


def test_count_basis() -> None:
    ds = Dataset.from_frames(
        interactions(
            *[("A", "Ann", AS_OF)] * 2,
            *[("A", "Bob", AS_OF)] * 2,
            *[("B", "Ann", AS_OF)] * 2,
            *[(f"C{i:02d}", "Cy", AS_OF) for i in range(10)],
        )
    )
    accounts, staff, _ = run(ds)
    assert accounts["revenue"].isna().all()
    assert scoring.revenue_basis(accounts["revenue"]) == "count"
    # 12 accounts, r_i = 1: every share 1/12 < 10% -> solo accounts are high, A medium
    assert accounts["revenue_share"].tolist() == [1 / 12] * 12
    assert row(accounts, "account", "A")["risk_level"] == "medium"
    assert (accounts["risk_level"] == "high").sum() == 11
    assert row(staff, "staff", "Cy")["revenue_sole"] == 10.0
    assert staff["staff"].tolist() == ["Cy", "Ann", "Bob"]
    ann = row(staff, "staff", "Ann")
    assert (ann["revenue_held"], ann["revenue_sole"], ann["revenue_weighted"]) == (2.0, 1.0, 1.5)


def test_risk_levels() -> None:
    d = AS_OF
    rows = [
        *[("Big", "Ann", d)] * 2,  # solo, 80% of revenue: critical
        *[("Small", "Bob", d)] * 2,  # solo, 5%: high
        *[("Pair", "Ann", d)] * 2,
        *[("Pair", "Bob", d)] * 2,  # two holders: medium
        *[("Trio", k, d) for k in ("Ann", "Bob", "Cy") for _ in range(2)],  # low
    ]
    ds = Dataset.from_frames(
        interactions(*rows),
        accounts=pd.DataFrame(
            {"account": ["Big", "Small", "Pair", "Trio"], "revenue": [80.0, 5.0, 10.0, 5.0]}
        ),
    )
    accounts, _, _ = run(ds)
    assert accounts[["account", "risk_level", "bus_factor"]].to_dict("list") == {
        "account": ["Big", "Small", "Pair", "Trio"],
        "risk_level": ["critical", "high", "medium", "low"],
        "bus_factor": [1, 1, 2, 3],
    }


def test_accounts_columns_and_dtypes() -> None:
    ds = Dataset.from_frames(interactions(("A", "Ann", AS_OF)))
    accounts, staff, _ = run(ds)
    expected = [
        "account",
        "revenue",
        "revenue_source",
        "revenue_share",
        "pipeline",
        "n_contacts",
        "top_staff",
        "top_share",
        "hhi",
        "effective_contacts",
        "holders",
        "gone_holders",
        "bus_factor",
        "orphaned",
        "orphaned_by_departure",
        "risk_level",
        "last_contact",
        "owner",
        "segment",
    ]
    assert list(accounts.columns)[: len(expected)] == expected
    assert accounts["bus_factor"].dtype == "int64"
    assert accounts["orphaned"].dtype == bool
    assert accounts["last_contact"].dtype == "datetime64[ns]"
    assert accounts["last_contact"].iloc[0] == pd.Timestamp(AS_OF)
    assert list(staff.columns) == [
        "staff",
        "role",
        "department",
        "active",
        "gone_reason",
        "last_activity",
        "n_accounts",
        "n_held",
        "n_sole",
        "revenue_held",
        "revenue_sole",
        "revenue_weighted",
        "accounts_sole",
    ]


# --- properties ---------------------------------------------------------------------------

NAMES = [f"S{i}" for i in range(8)]


@st.composite
def one_account(draw: Any) -> pd.DataFrame:
    n = draw(st.integers(1, 6))
    weights = draw(st.lists(st.floats(0.01, 100.0), min_size=n, max_size=n))
    counts = draw(st.lists(st.integers(1, 4), min_size=n, max_size=n))
    return pd.DataFrame(
        {
            "account": pd.Series(["A"] * n, dtype="string"),
            "staff": pd.Series(NAMES[:n], dtype="string"),
            "weight": weights,
            "count": counts,
            "last_date": pd.Series([pd.NaT] * n, dtype="datetime64[ns]"),
            "owner_rule": False,
        }
    )


def _score(edges: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    status = pd.DataFrame({"staff": edges["staff"], "active": True})
    scored = scoring.score_edges(edges, status, Settings())
    info = pd.DataFrame(
        {
            "revenue": [np.nan],
            "revenue_source": ["unknown"],
            "pipeline": [0.0],
            "owner": [None],
            "segment": [None],
            "last_contact": [pd.NaT],
        },
        index=pd.Index(["A"], name="account"),
    )
    return scored, scoring.score_accounts(scored, info).iloc[0]


@settings(max_examples=12, deadline=None)
@given(one_account())
def test_hhi_bounds(edges: pd.DataFrame) -> None:
    _, acc = _score(edges)
    n = len(edges)
    assert 1 / n - 1e-12 <= acc["hhi"] <= 1 + 1e-12
    assert acc["effective_contacts"] == pytest.approx(1 / acc["hhi"])


@settings(max_examples=12, deadline=None)
@given(one_account(), st.floats(1e-3, 1e3))
def test_scale_invariance(edges: pd.DataFrame, factor: float) -> None:
    scored, acc = _score(edges)
    scaled_edges = edges.assign(weight=edges["weight"] * factor)
    scaled, acc2 = _score(scaled_edges)
    assert scaled["share"].to_numpy() == pytest.approx(scored["share"].to_numpy())
    assert acc2["hhi"] == pytest.approx(acc["hhi"])
    assert acc2["holders"] == acc["holders"]


@settings(max_examples=12, deadline=None)
@given(one_account(), st.permutations(NAMES))
def test_relabel_invariance(edges: pd.DataFrame, perm: list[str]) -> None:
    rename = dict(zip(NAMES, perm, strict=True))
    scored, acc = _score(edges)
    renamed = edges.assign(staff=edges["staff"].map(rename).astype("string"))
    scored2, acc2 = _score(renamed)
    shares = dict(zip(scored["staff"].map(rename), scored["share"], strict=True))
    shares2 = dict(zip(scored2["staff"], scored2["share"], strict=True))
    assert shares == shares2
    assert acc2["hhi"] == acc["hhi"]
    assert set(acc2["holders"]) == {rename[h] for h in acc["holders"]}


def test_open_deals_do_not_move_as_of() -> None:
    """An open deal's expected close date (in the future) is not the analysis date."""
    frame = pd.DataFrame(
        {
            "account": ["A", "A", "B"],
            "staff": ["Ann", "Ann", "Bob"],
            "date": ["2024-03-01", "2024-12-31", "2024-02-01"],
            "stage": ["won", "open", pd.NA],
        }
    )
    ds = Dataset.from_frames(frame)
    assert scoring.resolve_as_of(ds, Settings()) == dt.date(2024, 3, 1)
    only_open = Dataset.from_frames(frame.assign(stage="open"))
    assert scoring.resolve_as_of(only_open, Settings()) == dt.date(2024, 12, 31)


def test_undated_rows_count_beside_dated_ones() -> None:
    """Rows of a file without dates count (decay 1, in the window) and do not make anyone gone."""
    frame = pd.DataFrame(
        {
            "account": ["Alpha", "Alpha", "Beta", "Gamma"],
            "staff": ["Marie", "Marie", "Paul", "Paul"],
            "date": ["2024-03-01", "2024-03-02", None, None],
        }
    )
    ds = Dataset.from_frames(frame, has_dates=True)
    settings = Settings(half_life_days=1.0)
    as_of = dt.date(2024, 3, 2)
    edges = scoring.edge_weights(ds.interactions, settings, as_of, True)
    paul = edges[edges["staff"] == "Paul"].set_index("account")["weight"].to_dict()
    assert paul == {"Beta": 1.0, "Gamma": 1.0}
    status = scoring.gone_staff(ds.staff, ds.interactions, ds.accounts, settings, as_of, True)
    assert status.set_index("staff")["active"].to_dict() == {"Marie": True, "Paul": True}


def test_open_deals_after_as_of_are_pipeline() -> None:
    """An open deal dated after as_of (its expected close) is pipeline, not ignored."""
    frame = pd.DataFrame(
        {
            "account": ["A", "A"],
            "staff": ["Ann", "Ann"],
            "date": ["2024-03-01", "2024-06-30"],
            "stage": ["won", "open"],
            "amount": [100.0, 500.0],
        }
    )
    ds = Dataset.from_frames(frame)
    info = scoring.account_revenue(
        ds.accounts, ds.interactions, ["A"], Settings(), dt.date(2024, 3, 1), True
    )
    assert info.loc["A", "revenue"] == 100.0
    assert info.loc["A", "pipeline"] == 500.0


def test_a_quote_without_stage_is_pipeline() -> None:
    frame = pd.DataFrame(
        {
            "account": ["A", "A"],
            "staff": ["Ann", "Ann"],
            "date": ["2024-03-01", "2024-03-01"],
            "kind": ["quote", "order"],
            "amount": [700.0, 100.0],
        }
    )
    ds = Dataset.from_frames(frame)
    info = scoring.account_revenue(
        ds.accounts, ds.interactions, ["A"], Settings(), dt.date(2024, 3, 1), True
    )
    assert info.loc["A", "revenue"] == 100.0
    assert info.loc["A", "pipeline"] == 700.0


# --- credit notes ---------------------------------------------------------------------------


def test_credit_notes_net_against_sales_and_revenue_is_never_negative() -> None:
    cols = ("account", "staff", "date", "amount", "stage")
    ds = Dataset.from_frames(
        interactions(
            ("A", "Ann", days_before(10), 100.0, None),  # an invoice
            ("A", "Ann", days_before(5), -30.0, None),  # its credit note: 70 in all
            ("B", "Bob", days_before(5), 40.0, "won"),
            ("B", "Bob", days_before(4), -90.0, None),  # more credit than sales: 0, not -50
            ("C", "Cy", days_before(400), 500.0, None),  # invoice before the revenue window
            ("C", "Cy", days_before(3), -20.0, None),  # credit note in it: 0, not -20
            ("D", "Dee", days_before(2), 60.0, None),
            ("D", "Dee", days_before(400), -60.0, None),  # credit before the window: not netted
            ("E", "Eve", days_before(1), None, None),
            columns=cols,
        ),
        accounts=pd.DataFrame({"account": ["E"], "revenue": [-25.0]}),  # a net credit
    )
    accounts, staff, _ = run(ds)
    rev = accounts.set_index("account")
    assert rev["revenue"].to_dict() == {"A": 70.0, "D": 60.0, "B": 0.0, "C": 0.0, "E": 0.0}
    assert rev["revenue_source"].to_dict() == {
        "A": "amounts",
        "D": "amounts",
        "B": "amounts",
        "C": "amounts",
        "E": "accounts table",
    }
    assert rev["revenue_share"].to_dict() == {
        "A": 70 / 130,
        "D": 60 / 130,
        "B": 0.0,
        "C": 0.0,
        "E": 0.0,
    }
    assert (accounts["r"] >= 0).all() and accounts["r"].sum() == 130.0
    assert row(staff, "staff", "Eve")["revenue_sole"] == 0.0


# --- activity after as_of -------------------------------------------------------------------


def test_activity_after_as_of_is_not_activity_at_as_of() -> None:
    ds = Dataset.from_frames(
        interactions(
            ("A", "Ann", days_before(10)),
            ("A", "Ann", days_before(5)),
            # Bob: five touches after as_of, none before: not in the window, not a holder, and
            # not on the staff at as_of
            *[("A", "Bob", days_before(-d)) for d in range(1, 6)],
            # Cy: last seen 100 days before as_of (gone), then active again after it
            ("B", "Cy", days_before(100)),
            ("B", "Cy", days_before(-1)),
            ("B", "Dee", days_before(1)),
        )
    )
    accounts, staff, edges = run(ds, as_of=AS_OF)
    assert edges[["account", "staff", "count"]].to_dict("list") == {
        "account": ["A", "B", "B"],
        "staff": ["Ann", "Dee", "Cy"],
        "count": [2, 1, 1],
    }
    a, b = row(accounts, "account", "A"), row(accounts, "account", "B")
    assert (a["holders"], a["top_staff"], a["top_share"], a["n_contacts"]) == (
        ("Ann",),
        "Ann",
        1.0,
        1,
    )
    assert a["last_contact"] == days_before(5)
    assert b["holders"] == ("Dee",) and b["gone_holders"] == ()
    assert b["last_contact"] == days_before(1)
    assert staff["staff"].tolist() == ["Ann", "Dee", "Cy"]
    cy = row(staff, "staff", "Cy")
    assert (cy["active"], cy["gone_reason"], cy["n_accounts"]) == (False, "inactive", 1)
    assert cy["last_activity"] == days_before(100)


def test_amounts_after_as_of_are_not_revenue() -> None:
    cols = ("account", "staff", "date", "amount", "stage")
    ds = Dataset.from_frames(
        interactions(
            ("A", "Ann", days_before(1), 100.0, "won"),
            ("A", "Ann", days_before(-1), 900.0, "won"),  # invoiced after as_of
            ("A", "Ann", days_before(-2), -50.0, None),  # credited after as_of
            ("B", "Bob", days_before(1), None, None),
            ("B", "Bob", days_before(-1), 300.0, None),  # B's only invoice is after as_of
            columns=cols,
        )
    )
    accounts, _, _ = run(ds, as_of=AS_OF)
    a, b = row(accounts, "account", "A"), row(accounts, "account", "B")
    assert (a["revenue"], a["revenue_source"]) == (100.0, "amounts")
    # nothing was invoiced to B by as_of: its revenue is unknown, not 0
    assert math.isnan(b["revenue"]) and b["revenue_source"] == "unknown"
    # and an invoice after as_of does not turn a portfolio of counts into one of money
    only_later = Dataset.from_frames(
        interactions(
            ("A", "Ann", days_before(1), None, None),
            ("B", "Bob", days_before(1), None, None),
            ("B", "Bob", days_before(-1), 300.0, None),
            columns=cols,
        )
    )
    accounts, _, _ = run(only_later, as_of=AS_OF)
    assert scoring.revenue_basis(accounts["revenue"]) == "count"
    assert accounts["r"].tolist() == [1.0, 1.0]


def test_staff_seen_only_after_as_of_are_not_staff_at_as_of() -> None:
    cols = ("account", "staff", "date", "stage")
    ds = Dataset.from_frames(
        interactions(
            ("A", "Ann", days_before(1), None),
            ("A", "Newcomer", days_before(-5), None),  # joined after as_of
            ("B", "Ann", days_before(-30), "open"),  # an open deal closing later is pipeline
            ("B", "Pia", days_before(-30), "open"),  # so its owner is known at as_of
            columns=cols,
        )
    )
    accounts, staff, _ = run(ds, as_of=AS_OF)
    assert sorted(staff["staff"]) == ["Ann", "Pia"]
    assert row(accounts, "account", "A")["holders"] == ("Ann",)


# --- dormant accounts -----------------------------------------------------------------------


def test_dormant_accounts_are_not_critical() -> None:
    ds = Dataset.from_frames(
        interactions(
            ("Acme", "Ann", days_before(1)),
            ("Acme", "Ann", days_before(2)),
            ("Prospect", "Cid", days_before(30)),  # Cid has left: orphaned, touched in the window
            ("Later", "Ann", days_before(-10)),  # touched only after as_of
            ("Lapsed", "Ann", days_before(800)),  # touched only before the 730-day window
        ),
        accounts=pd.DataFrame(
            {
                "account": ["Acme", "Prospect", "Later", "Lapsed", "Ghost", "Idle", "Owned"],
                "revenue": [100.0, None, None, 0.0, None, 50.0, None],
                "owner": [None, None, None, None, None, None, "Cid"],
            }
        ),
        staff=pd.DataFrame({"staff": ["Ann", "Cid"], "end_date": [None, days_before(10)]}),
    )
    accounts, _, _ = run(ds, as_of=AS_OF)
    assert accounts[["account", "risk_level", "orphaned"]].to_dict("list") == {
        # Idle has revenue, Prospect recent activity, Owned an owner who left (the owner rule
        # counts as one interaction): all three need a new holder now
        "account": ["Acme", "Idle", "Owned", "Prospect", "Ghost", "Lapsed", "Later"],
        "risk_level": ["critical"] * 4 + ["dormant"] * 3,
        "orphaned": [False] + [True] * 6,
    }
    assert "dormant" in scoring.RISK_LEVELS and scoring.RISK_LEVELS[-1] == "dormant"


def test_dormant_in_count_basis() -> None:
    ds = Dataset.from_frames(
        interactions(("A", "Ann", AS_OF), ("A", "Ann", AS_OF)),
        accounts=pd.DataFrame({"account": ["A", "Ghost"]}),
    )
    accounts, _, _ = run(ds)
    assert scoring.revenue_basis(accounts["revenue"]) == "count"
    assert accounts[["account", "risk_level", "bus_factor"]].to_dict("list") == {
        "account": ["A", "Ghost"],
        "risk_level": ["critical", "dormant"],
        "bus_factor": [1, 0],
    }


def test_no_account_is_dormant_in_an_owner_export() -> None:
    # nothing recorded but owners: no activity to judge by, so C (no owner) is to reassign
    ds = Dataset.from_frames(
        accounts=pd.DataFrame({"account": ["A", "B", "C"], "owner": ["Ann", "Bob", None]})
    )
    accounts, _, _ = run(ds)
    assert accounts[["account", "risk_level", "orphaned"]].to_dict("list") == {
        "account": ["A", "B", "C"],
        "risk_level": ["critical"] * 3,
        "orphaned": [False, False, True],
    }
