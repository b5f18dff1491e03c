"""Analysis end to end on a tiny named dataset, with answers worked by hand."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from keyrisk.analysis import Analysis, analyse
from keyrisk.errors import UsageError
from keyrisk.model import Dataset
from keyrisk.settings import Settings

AS_OF = pd.Timestamp("2024-06-30")


def tiny() -> Dataset:
    """Alpha 600 (Ann alone), Beta 200 (Ann + Bob), Gamma 100 (Bob alone), Delta 100 (Cy, gone)."""
    rows = [
        *[("Alpha", "Ann")] * 2,
        *[("Beta", "Ann")] * 2,
        *[("Beta", "Bob")] * 2,
        *[("Gamma", "Bob")] * 2,
        *[("Delta", "Cy")] * 2,
    ]
    inter = pd.DataFrame(rows, columns=["account", "staff"]).assign(date=AS_OF)
    accounts = pd.DataFrame(
        {
            "account": ["Alpha", "Beta", "Gamma", "Delta"],
            "revenue": [600.0, 200.0, 100.0, 100.0],
        }
    )
    staff = pd.DataFrame({"staff": ["Ann", "Bob", "Cy"], "end_date": [None, None, "2024-05-31"]})
    return Dataset.from_frames(inter, accounts, staff)


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return analyse(tiny())


def test_tables(analysis: Analysis) -> None:
    assert analysis.as_of == dt.date(2024, 6, 30)
    assert analysis.revenue_basis == "revenue"
    acc = analysis.accounts
    assert acc["account"].tolist() == ["Alpha", "Delta", "Gamma", "Beta"]
    assert acc["risk_level"].tolist() == ["critical", "critical", "critical", "medium"]
    assert acc["bus_factor"].tolist() == [1, 0, 1, 2]
    assert acc["orphaned_by_departure"].tolist() == [False, True, False, False]
    assert "r" not in acc.columns
    st = analysis.staff
    assert st["staff"].tolist() == ["Ann", "Bob", "Cy"]
    assert st["revenue_sole"].tolist() == [600.0, 100.0, 0.0]
    assert st["revenue_held"].tolist() == [800.0, 300.0, 0.0]
    assert st["gone_reason"].tolist()[2] == "end date"
    h = analysis.holders
    assert len(h) == 5
    assert h["is_holder"].all()
    assert h.loc[h["staff"] == "Cy", "active"].tolist() == [False]


def test_portfolio(analysis: Analysis) -> None:
    p = analysis.portfolio
    assert p.total_revenue == 1000.0
    assert (p.n_accounts, p.n_staff, p.n_staff_active) == (4, 3, 2)
    assert p.orphaned_accounts == 1 and p.orphaned_revenue == 100.0
    assert p.single_holder_revenue_share == pytest.approx(0.8)
    bus = p.revenue_bus_factor
    assert (bus.value, bus.staff, bus.method) == (1, ("Ann",), "exact")
    assert bus.cumulative[0] == pytest.approx(700.0)
    assert p.account_bus_factor.value == 1
    assert p.top_departure is not None and p.top_departure.leave == ("Ann",)
    assert p.top_departure.revenue_at_risk == 600.0
    assert p.top_pair is not None and p.top_pair.leave == ("Ann", "Bob")
    assert p.top_pair.revenue_at_risk == 900.0
    assert p.client_concentration.hhi == pytest.approx(0.42)
    assert p.client_concentration.elephant_factor == 1
    assert p.headline == "70.0% of revenue depends on Ann, including 10.0% already orphaned"


def test_whatif_matches_hand_values(analysis: Analysis) -> None:
    one = analysis.whatif(["ann"])
    assert one.newly_orphaned == ("Alpha",)
    assert one.weakened == ("Beta",)
    assert one.revenue_at_risk == 600.0
    assert one.share == pytest.approx(0.6)
    two = analysis.whatif(["ANN", " bob "])
    assert two.newly_orphaned == ("Alpha", "Beta", "Gamma")
    assert two.revenue_at_risk == 900.0
    assert two.share == pytest.approx(0.9)
    assert analysis.whatif("Bob").newly_orphaned == ("Gamma",)


def test_whatif_unknown_and_gone_names(analysis: Analysis) -> None:
    with pytest.raises(UsageError, match=r"Unknown staff member 'Anne'\. Closest names: Ann"):
        analysis.whatif(["Anne"])
    with pytest.raises(UsageError, match="'Cy' has already left \\(end date\\)"):
        analysis.whatif(["cy"])


def test_summary_is_json(analysis: Analysis) -> None:
    s = analysis.summary()
    text = json.dumps(s, allow_nan=False)
    back = json.loads(text)
    assert back["as_of"] == "2024-06-30"
    assert back["n_accounts"] == 4
    assert back["total_revenue"] == 1000.0
    assert back["revenue_known"] is True
    assert back["revenue_basis"] == "revenue"
    assert back["revenue_bus_factor"]["value"] == 1
    assert back["revenue_bus_factor"]["staff"] == ["Ann"]
    assert back["revenue_bus_factor"]["target"] == 500.0
    assert back["top_departure"]["staff"] == ["Ann"]
    assert back["top_pair"] == {
        "staff": ["Ann", "Bob"],
        "revenue_at_risk": 900.0,
        "share": 0.9,
        "newly_orphaned": ["Alpha", "Beta", "Gamma"],
    }
    assert back["single_holder_revenue_share"] == pytest.approx(0.8)
    assert back["orphaned_accounts"] == 1
    cc = back["client_concentration"]
    assert cc["top1_share"] == 0.6 and cc["elephant_factor"] == 1
    assert [c["account"] for c in cc["large_clients"]] == ["Alpha", "Beta", "Delta", "Gamma"]
    assert back["rows"] == {"read": 0, "used": 0, "skipped": 0, "rejected": 0}
    assert back["settings"]["holder_ratio"] == 0.5
    assert back["headline"] == "70.0% of revenue depends on Ann, including 10.0% already orphaned"
    for key in (
        "n_staff",
        "n_staff_active",
        "account_bus_factor",
        "top_departure",
    ):
        assert key in back


def test_summary_without_dates_or_revenue() -> None:
    ds = Dataset.from_frames(
        pd.DataFrame({"account": ["A", "B", "C"], "staff": ["Ann", "Ann", "Bob"]}),
        accounts=pd.DataFrame({"account": ["D"], "owner": [None]}),
    )
    a = analyse(ds)
    assert a.as_of is None
    s = a.summary()
    json.dumps(s, allow_nan=False)
    assert s["as_of"] is None
    assert s["revenue_basis"] == "count" and s["revenue_known"] is False
    assert s["total_revenue"] == 4.0
    assert s["orphaned_accounts"] == 1
    # D already orphaned (1 of 4); target 2: Ann (A, B) reaches 3
    assert s["revenue_bus_factor"]["value"] == 1
    assert s["headline"] == "75.0% of accounts depend on Ann, including 25.0% already orphaned"


def test_params_override_and_unknown_param() -> None:
    ds = tiny()
    a = analyse(ds, Settings(holder_ratio=0.9), min_interactions=3)
    assert a.settings.holder_ratio == 0.9 and a.settings.min_interactions == 3
    with pytest.raises(UsageError, match="Unknown parameter 'holder'"):
        analyse(ds, holder=0.5)
    with pytest.raises(UsageError):
        analyse(ds, coverage=2.0)
    with pytest.raises(UsageError, match="needs a keyrisk Dataset"):
        analyse(pd.DataFrame())  # type: ignore[arg-type]


def test_single_holder_headline_when_bus_factor_is_large() -> None:
    # five accounts of 100 each, one holder each: bus factor 3 at coverage 0.5 (> 2.5 -> 3)
    # with coverage 1.0 it is 5: headline falls back to the single-holder share
    inter = pd.DataFrame(
        {"account": list("ABCDE") * 2, "staff": ["P1", "P2", "P3", "P4", "P5"] * 2}
    ).assign(date=AS_OF)
    acc = pd.DataFrame({"account": list("ABCDE"), "revenue": [100.0] * 5})
    a = analyse(Dataset.from_frames(inter, acc), coverage=1.0)
    assert a.portfolio.revenue_bus_factor.value == 5
    assert a.portfolio.headline == "100.0% of revenue rests on a single person per account"
    b = analyse(Dataset.from_frames(inter, acc))
    assert b.portfolio.headline == "60.0% of revenue depends on P1, P2 and P3"


def test_repr_html_escapes_names() -> None:
    inter = pd.DataFrame(
        {"account": ["<script>x</script>"] * 2, "staff": ["Eve & <b>Co</b>"] * 2}
    ).assign(date=AS_OF)
    a = analyse(Dataset.from_frames(inter))
    page = a._repr_html_()
    assert "<script>" not in page and "<b>Co" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert "Eve &amp; &lt;b&gt;Co&lt;/b&gt;" in page
    assert "Riskiest accounts" in page
    assert repr(a).startswith("<Analysis as_of=2024-06-30 accounts=1 staff=1")


def test_properties_are_cached(analysis: Analysis) -> None:
    assert analysis.accounts is analysis.accounts
    assert analysis.portfolio is analysis.portfolio
    assert analysis.graph is analysis.graph


def test_empty_dataset_summary() -> None:
    a = analyse(Dataset.from_frames())
    s = a.summary()
    json.dumps(s, allow_nan=False)
    assert (s["n_accounts"], s["n_staff"], s["top_departure"], s["top_pair"]) == (0, 0, None, None)
    assert s["headline"] == "No accounts to analyse"
    assert a.accounts.empty and a.staff.empty
    assert a.whatif([]).revenue_at_risk == 0.0
