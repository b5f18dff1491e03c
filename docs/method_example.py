"""The end-to-end worked example of docs/method.md, checked against keyrisk.

Every number computed by hand in the section "A worked example from start to finish" of
docs/method.md is asserted here, so the document and the code cannot drift apart. Run it with
``python docs/method_example.py`` (silent on success) or collect it with pytest.
"""

from __future__ import annotations

import math

import pandas as pd

import keyrisk

__all__ = ["build_example", "check_example", "test_method_example"]

# The dates used: the analysis day and the days 180 and 360 days before it.
AS_OF = "2024-12-31"
D180 = "2024-07-04"
D360 = "2024-01-06"


def build_example() -> keyrisk.Dataset:
    """Return the dataset of the worked example: 3 staff, 4 accounts, 13 interactions."""
    rows = [
        # account, staff, date, kind, amount, stage
        ("Durand", "Alice", AS_OF, "meeting", math.nan, None),
        ("Durand", "Alice", D180, "invoice", 39000.0, "won"),
        ("Durand", "Bruno", D180, "visit", math.nan, None),
        ("Durand", "Bruno", D360, "call", math.nan, None),
        ("Martin", "Alice", AS_OF, "call", math.nan, None),
        ("Martin", "Alice", D180, "invoice", 36000.0, "won"),
        ("Martin", "Bruno", AS_OF, "email", math.nan, None),
        ("Martin", "Claire", "2022-06-01", "call", math.nan, None),
        ("Leroy", "Claire", D180, "meeting", math.nan, None),
        ("Leroy", "Claire", D180, "invoice", 17000.0, "won"),
        ("Vidal", "Bruno", AS_OF, "visit", math.nan, None),
        ("Vidal", "Bruno", D180, "order", 8000.0, "won"),
        ("Vidal", "Bruno", AS_OF, "quote", 12000.0, "open"),
    ]
    interactions = pd.DataFrame(
        rows, columns=["account", "staff", "date", "kind", "amount", "stage"]
    )
    staff = pd.DataFrame(
        {
            "staff": ["Alice", "Bruno", "Claire"],
            "role": ["sales", "technician", "account manager"],
            "end_date": [None, None, "2024-09-30"],
        }
    )
    return keyrisk.Dataset.from_frames(interactions, staff=staff)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def check_example() -> None:
    """Analyse the example with the default parameters and assert the figures of the doc."""
    analysis = keyrisk.analyse(build_example())
    assert str(analysis.as_of) == AS_OF
    assert analysis.revenue_basis == "revenue"

    # Step 1: relationship weights w_ij (decay 1, 0.5, 0.25) and counts c_ij.
    edges = analysis.holders.set_index(["account", "staff"])
    expected_edges = {
        ("Durand", "Alice"): (1.5, 2),
        ("Durand", "Bruno"): (0.75, 2),
        ("Martin", "Alice"): (1.5, 2),
        ("Martin", "Bruno"): (1.0, 1),
        ("Leroy", "Claire"): (1.0, 2),
        ("Vidal", "Bruno"): (2.5, 3),
    }
    assert set(edges.index) == set(expected_edges), sorted(edges.index)  # 2022 row: out
    for key, (weight, count) in expected_edges.items():
        assert _close(float(edges.loc[key, "weight"]), weight), (key, edges.loc[key, "weight"])
        assert int(edges.loc[key, "count"]) == count, key

    # Steps 2-4: shares, HHI, holders, bus factor, risk level per account.
    acc = analysis.accounts.set_index("account")
    # riskiest first: critical (by revenue desc), then high, then medium
    assert list(analysis.accounts["account"]) == ["Martin", "Leroy", "Vidal", "Durand"]
    expected_accounts = {
        # account: revenue, top_staff, top_share, hhi, effective, holders, bus, risk
        "Durand": (39000.0, "Alice", 2 / 3, 5 / 9, 1.8, ("Alice", "Bruno"), 2, "medium"),
        "Martin": (36000.0, "Alice", 0.6, 0.52, 1 / 0.52, ("Alice",), 1, "critical"),
        "Leroy": (17000.0, "Claire", 1.0, 1.0, 1.0, (), 0, "critical"),
        "Vidal": (8000.0, "Bruno", 1.0, 1.0, 1.0, ("Bruno",), 1, "high"),
    }
    for name, (rev, top, top_share, hhi, eff, holders, bus, risk) in expected_accounts.items():
        row = acc.loc[name]
        assert _close(float(row["revenue"]), rev), (name, row["revenue"])
        assert row["revenue_source"] == "amounts", name
        assert row["top_staff"] == top, name
        assert _close(float(row["top_share"]), top_share), (name, row["top_share"])
        assert _close(float(row["hhi"]), hhi), (name, row["hhi"])
        assert _close(float(row["effective_contacts"]), eff), (name, row["effective_contacts"])
        assert tuple(row["holders"]) == holders, (name, row["holders"])
        assert int(row["bus_factor"]) == bus, name
        assert row["risk_level"] == risk, (name, row["risk_level"])
    assert round(float(acc.loc["Martin", "effective_contacts"]), 2) == 1.92
    assert tuple(acc.loc["Leroy", "gone_holders"]) == ("Claire",)
    assert bool(acc.loc["Leroy", "orphaned"]) and bool(acc.loc["Leroy", "orphaned_by_departure"])
    assert _close(float(acc.loc["Vidal", "pipeline"]), 12000.0)
    assert _close(float(acc.loc["Durand", "pipeline"]), 0.0)

    # Step 5: staff.
    st = analysis.staff.set_index("staff")
    assert list(analysis.staff["staff"]) == ["Alice", "Bruno", "Claire"]
    assert [bool(st.loc[n, "active"]) for n in ("Alice", "Bruno", "Claire")] == [
        True,
        True,
        False,
    ]
    assert st.loc["Claire", "gone_reason"] == "end date"
    expected_staff = {
        # staff: touched, held, held alone, revenue held, held alone, share-weighted
        "Alice": (2, 2, 1, 75000.0, 36000.0, 47600.0),
        "Bruno": (3, 2, 1, 47000.0, 8000.0, 35400.0),
        "Claire": (1, 0, 0, 0.0, 0.0, 17000.0),
    }
    for name, (touched, held, sole, rev_held, rev_sole, weighted) in expected_staff.items():
        row = st.loc[name]
        assert int(row["n_accounts"]) == touched, name
        assert int(row["n_held"]) == held, name
        assert int(row["n_sole"]) == sole, name
        assert _close(float(row["revenue_held"]), rev_held), (name, row["revenue_held"])
        assert _close(float(row["revenue_sole"]), rev_sole), (name, row["revenue_sole"])
        assert _close(float(row["revenue_weighted"]), weighted), (name, row["revenue_weighted"])

    # Step 6: portfolio.
    p = analysis.portfolio
    assert _close(p.total_revenue, 100000.0)
    assert p.orphaned_accounts == 1 and _close(p.orphaned_revenue, 17000.0)
    rbf = p.revenue_bus_factor
    assert (rbf.value, rbf.staff, rbf.method) == (1, ("Alice",), "exact"), rbf
    assert _close(rbf.target, 50000.0) and _close(rbf.already_orphaned, 17000.0)
    assert _close(rbf.cumulative[0], 53000.0)
    abf = p.account_bus_factor
    assert (abf.value, abf.staff, abf.method) == (1, ("Alice",), "exact"), abf
    assert _close(abf.target, 2.0) and _close(abf.cumulative[0], 2.0)
    assert p.top_departure is not None
    assert p.top_departure.leave == ("Alice",)
    assert _close(p.top_departure.revenue_at_risk, 36000.0)
    assert p.top_departure.newly_orphaned == ("Martin",)
    assert p.top_departure.weakened == ("Durand",)
    assert p.top_pair is not None and p.top_pair.leave == ("Alice", "Bruno")
    assert _close(p.top_pair.revenue_at_risk, 83000.0) and _close(p.top_pair.share, 0.83)
    assert p.top_pair.newly_orphaned == ("Durand", "Martin", "Vidal")
    assert _close(p.single_holder_revenue_share, 0.61)
    assert p.headline == (
        "53.0% of revenue depends on Alice, including 17.0% already orphaned"
    ), p.headline

    # What-if: Bruno leaves.
    bruno = analysis.whatif(["bruno"])
    assert bruno.newly_orphaned == ("Vidal",) and bruno.weakened == ("Durand",)
    assert _close(bruno.revenue_at_risk, 8000.0) and _close(bruno.pipeline_at_risk, 12000.0)

    # Client concentration.
    c = p.client_concentration
    assert _close(c.hhi, 0.317), c.hhi
    assert c.us_2023_band == "highly concentrated"
    assert c.eu_2004_band.startswith("high")
    assert _close(c.top1_share, 0.39) and _close(c.top5_share, 1.0)
    assert c.elephant_factor == 2
    assert list(c.large_clients["account"]) == ["Durand", "Martin", "Leroy"]

    # What changing a parameter does (section "Parameters" of the doc).
    loose = keyrisk.analyse(build_example(), min_interactions=1).accounts.set_index("account")
    assert tuple(loose.loc["Martin", "holders"]) == ("Alice", "Bruno")
    assert loose.loc["Martin", "risk_level"] == "medium"
    low = keyrisk.analyse(build_example(), coverage=0.15).portfolio.revenue_bus_factor
    assert (low.value, low.method) == (0, "trivial")
    high = keyrisk.analyse(build_example(), coverage=0.9).portfolio.revenue_bus_factor
    assert (high.value, high.staff) == (2, ("Alice", "Bruno"))
    flat = keyrisk.analyse(build_example(), half_life_days=None).holders
    flat = flat.set_index(["account", "staff"])["weight"]
    assert _close(float(flat[("Durand", "Alice")]), 2.0)
    assert _close(float(flat[("Durand", "Bruno")]), 2.0)

    # The small examples of the doc: effective contacts and the elephant factor.
    shares = pd.Series([0.5, 0.3, 0.2])
    hhi_small = float((shares**2).sum())
    assert _close(hhi_small, 0.38) and round(1 / hhi_small, 2) == 2.63
    from keyrisk.portfolio import client_concentration

    elephant = client_concentration(
        pd.Series([1000, 202, 90, 33, 332, 343, 42, 433], index=list("ABCDEFGH"), dtype=float)
    )
    assert elephant.elephant_factor == 2


def test_method_example() -> None:
    """The worked example of docs/method.md matches keyrisk."""
    check_example()


if __name__ == "__main__":
    check_example()
