"""The headline never overstates: one rule, rendered in each language from its facts."""

from __future__ import annotations

import pandas as pd
import pytest

import keyrisk
from keyrisk.analysis import Analysis, Headline, analyse, headline_facts
from keyrisk.model import Dataset
from keyrisk.portfolio import BusFactor
from keyrisk.report import labels as lb

AS_OF = pd.Timestamp("2024-06-30")


def _fr(text: str) -> str:
    return text.replace(lb.NBSP, " ")


def owners_and_one_orphan() -> Analysis:
    """A..D owned by P1..P4 (one owner each), E owned by nobody; every account counts 1.

    With coverage 1.0 the bus factor is 4 (> 3): the headline states the single-holder share,
    which must not count E (it rests on nobody).
    """
    acc = pd.DataFrame({"account": list("ABCDE"), "owner": ["P1", "P2", "P3", "P4", None]})
    return analyse(Dataset.from_frames(accounts=acc), coverage=1.0)


def test_single_holder_headline_splits_one_and_none() -> None:
    a = owners_and_one_orphan()
    assert a.portfolio.revenue_bus_factor.value == 4
    assert a.portfolio.headline == (
        "80.0% of accounts rest on a single person and 20.0% have no active holder"
    )
    assert _fr(keyrisk.headline(a, "fr")) == (
        "80,0 % des comptes reposent sur une seule personne et 20,0 % n'ont aucun détenteur actif"
    )


def ann_with_an_orphan() -> Analysis:
    """Alpha 600 (Ann alone), Beta 200 (Ann + Bob), Gamma 100 (Bob), Delta 100 (Cy, gone)."""
    rows = [
        *[("Alpha", "Ann")] * 2,
        *[("Beta", "Ann")] * 2,
        *[("Beta", "Bob")] * 2,
        *[("Gamma", "Bob")] * 2,
        *[("Delta", "Cy")] * 2,
    ]
    inter = pd.DataFrame(rows, columns=["account", "staff"]).assign(date=AS_OF)
    acc = pd.DataFrame(
        {"account": ["Alpha", "Beta", "Gamma", "Delta"], "revenue": [600.0, 200.0, 100.0, 100.0]}
    )
    staff = pd.DataFrame({"staff": ["Ann", "Bob", "Cy"], "end_date": [None, None, "2024-05-31"]})
    return analyse(Dataset.from_frames(inter, acc, staff))


def test_depends_headline_states_the_part_already_orphaned() -> None:
    a = ann_with_an_orphan()
    p = a.portfolio
    # Ann's departure orphans Alpha (60%); Delta (10%) is orphaned already
    assert p.top_departure is not None and p.top_departure.share == pytest.approx(0.6)
    assert p.headline == "70.0% of revenue depends on Ann, including 10.0% already orphaned"
    assert _fr(keyrisk.headline(a, "fr")) == (
        "70,0 % du chiffre d'affaires repose sur Ann, dont 10,0 % déjà orphelin"
    )


def test_depends_headline_without_orphans_is_unchanged() -> None:
    inter = pd.DataFrame(
        {"account": ["A", "A", "B", "B"], "staff": ["Ann", "Ann", "Bob", "Bob"]}
    ).assign(date=AS_OF)
    acc = pd.DataFrame({"account": ["A", "B"], "revenue": [700.0, 300.0]})
    a = analyse(Dataset.from_frames(inter, acc))
    assert a.portfolio.headline == "70.0% of revenue depends on Ann"
    assert _fr(keyrisk.headline(a, "fr")) == "70,0 % du chiffre d'affaires repose sur Ann"


def test_shown_shares_reconcile_with_the_departure_figure() -> None:
    # newly 52.64%, already 1.14%: rounding the sum (53.78 -> 53.8) would leave 52.7, not the
    # 52.6 of the departure; the share shown is 52.6 + 1.1 = 53.7
    h = Headline("depends", "revenue", 0.5378, ("Marc", "Paul"), 0.0114, 0.7, 0.0114, "exact")
    share, already = h.shown_shares(1)
    assert (round(100 * share, 1), round(100 * already, 1)) == (53.7, 1.1)
    b = BusFactor(2, ("Marc", "Paul"), "exact", 2, (40.0, 53.78), 50.0, 1.14)
    facts = headline_facts(b, 0.7, 0.0114, 100.0, "revenue")
    assert keyrisk.analysis.headline(facts) == (
        "53.7% of revenue depends on Marc and Paul, including 1.1% already orphaned"
    )
    assert _fr(lb.headline(facts, "fr")) == (
        "53,7 % du chiffre d'affaires repose sur Marc et Paul, dont 1,1 % déjà orphelin"
    )


def test_nobody_alone() -> None:
    # four accounts with two holders each: eight people to orphan everything
    pairs = {"A": ("P1", "P2"), "B": ("P3", "P4"), "C": ("P5", "P6"), "D": ("P7", "P8")}
    rows = [(a, p) for a, pair in pairs.items() for p in pair * 2]
    inter = pd.DataFrame(rows, columns=["account", "staff"]).assign(date=AS_OF)
    acc = pd.DataFrame({"account": list("ABCD"), "revenue": [100.0] * 4})
    a = analyse(Dataset.from_frames(inter, acc), coverage=1.0)
    assert a.accounts["bus_factor"].tolist() == [2, 2, 2, 2]
    assert a.portfolio.revenue_bus_factor.value == 8
    assert a.portfolio.headline == "No revenue rests on a single person"
    assert keyrisk.headline(a, "fr") == (
        "Aucune part du chiffre d'affaires ne repose sur une seule personne"
    )


def test_labels_render_the_facts_they_are_given() -> None:
    # the report does not recompute the rule: a fact of kind "already" reads as such
    facts = Headline("already", "count", 0.55, (), 0.55, 0.2, 0.55, "trivial")
    assert _fr(lb.headline(facts, "fr")) == "55,0 % des comptes sont déjà orphelins"
    assert lb.headline(facts, "en") == "55.0% of accounts are already orphaned"
    assert lb.headline(Headline("empty", "revenue", 0, (), 0, 0, 0, "trivial"), "fr") == (
        "Aucun chiffre d'affaires à analyser"
    )
