"""Data-coverage caveats: each rule on a tiny named case, firing exactly when deserved."""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

from keyrisk.analysis import Analysis, analyse
from keyrisk.caveats import CODES, Caveat, as_dicts, find_caveats, message
from keyrisk.errors import UsageError
from keyrisk.i18n import LANGS, catalogue, has
from keyrisk.model import Dataset, FileReport, IngestReport, RowCounts
from keyrisk.portfolio import BusFactor

AS_OF = "2024-06-30"


def codes(analysis: Analysis) -> list[str]:
    return [c.code for c in find_caveats(analysis)]


def two_holders(report: IngestReport | None = None) -> Dataset:
    """A and B (100 € each), each held by Ann and Bob: nothing to warn about but the rows."""
    rows = [(a, s) for a in "AB" for s in ("Ann", "Bob", "Ann", "Bob")]
    inter = pd.DataFrame(rows, columns=["account", "staff"]).assign(date=AS_OF)
    acc = pd.DataFrame({"account": ["A", "B"], "revenue": [100.0, 100.0]})
    return Dataset.from_frames(inter, acc, report=report, currency="EUR")


def test_clean_data_deserves_nothing() -> None:
    assert codes(analyse(two_holders())) == []
    assert analyse(two_holders()).summary()["warnings"] == []


def files(*counts: tuple[str, int, int]) -> IngestReport:
    return IngestReport(
        files=[
            FileReport(name, "interactions", "csv", rows=RowCounts(read, read - bad, 0, bad))
            for name, read, bad in counts
        ]
    )


def test_rows_rejected_over_five_percent() -> None:
    assert codes(analyse(two_holders(files(("a.csv", 100, 5))))) == []  # 5 %: not more
    a = analyse(two_holders(files(("a.csv", 100, 6))))
    assert codes(a) == ["rows-rejected"]
    assert message(a.caveats[0], "en") == (
        "6 of 100 rows were rejected (6.0%; a.csv: 6 of 100): the figures leave them out "
        "(see the Data quality sheet)."
    )
    # 11 of 1010 overall (1.1 %), but 1 of the 10 rows of the staff file (10 %)
    a = analyse(two_holders(files(("big.csv", 1000, 10), ("staff.csv", 10, 1))))
    assert codes(a) == ["rows-rejected"]
    assert a.caveats[0].params["files"][0] == {"file": "big.csv", "rejected": 10, "read": 1000}
    one = analyse(two_holders(files(("s.csv", 10, 1))))
    assert message(one.caveats[0], "fr").startswith("1 ligne sur 10 a été rejetée (10,0")


def amounts(rows: list[tuple[str, str, float]]) -> Analysis:
    inter = pd.DataFrame(rows, columns=["account", "staff", "amount"]).assign(date=AS_OF)
    return analyse(Dataset.from_frames(inter))


def test_revenue_one_figure_and_one_account() -> None:
    # A: one order of 600 out of 1000
    a = amounts([("A", "Ann", 600.0), *[("B", "Bob", 100.0)] * 4])
    assert "revenue-one-figure" in codes(a)
    assert "revenue-one-account" not in codes(a)
    c = next(c for c in a.caveats if c.code == "revenue-one-figure")
    assert (c.params["account"], c.params["amount"], c.params["share"]) == ("A", 600.0, 0.6)
    assert message(c, "en") == (
        "A single figure carries 60.0% of revenue: 600 for A, out of 1,000. Check that figure "
        "before reading any revenue figure."
    )
    # A: three orders of 200: one account, several figures
    b = amounts([*[("A", "Ann", 200.0)] * 3, *[("B", "Bob", 100.0)] * 4])
    assert "revenue-one-account" in codes(b) and "revenue-one-figure" not in codes(b)
    # half exactly is not more than half
    c2 = amounts([*[("A", "Ann", 250.0)] * 2, *[("B", "Bob", 125.0)] * 4])
    assert not {"revenue-one-account", "revenue-one-figure"} & set(codes(c2))
    # an accounts table's value is one figure
    inter = pd.DataFrame({"account": ["A", "B"] * 2, "staff": ["Ann", "Bob"] * 2}).assign(
        date=AS_OF
    )
    acc = pd.DataFrame({"account": ["A", "B"], "revenue": [700.0, 300.0]})
    d = analyse(Dataset.from_frames(inter, acc))
    assert "revenue-one-figure" in codes(d)


def test_revenue_mostly_zero() -> None:
    three_zero = [("A", "Ann", 100.0), ("B", "Ann", 0.0), ("C", "Bob", 0.0), ("D", "Bob", 0.0)]
    a = amounts(three_zero)
    assert "revenue-mostly-zero" in codes(a)
    c = next(c for c in a.caveats if c.code == "revenue-mostly-zero")
    assert dict(c.params) == {"zero": 3, "active": 4, "positive": 1}
    two_zero = [("A", "Ann", 100.0), ("B", "Ann", 50.0), ("C", "Bob", 0.0), ("D", "Bob", 0.0)]
    assert "revenue-mostly-zero" not in codes(amounts(two_zero))


def test_dormant_accounts_are_not_active() -> None:
    # two customers that never ordered (accounts table, no owner): neither active nor orphaned
    inter = pd.DataFrame(
        {"account": ["A", "A", "B", "B"], "staff": ["Ann", "Ann", "Bob", "Bob"]}
    ).assign(date=AS_OF, amount=[100.0, 100.0, 50.0, 50.0])
    acc = pd.DataFrame({"account": ["A", "B", "X", "Y"]})
    a = analyse(Dataset.from_frames(inter, acc))
    assert a.portfolio.orphaned_accounts == 2
    assert "revenue-mostly-zero" not in codes(a)
    assert "orphaned-zero-revenue" not in codes(a)


def client_size(header: str, table: list[float], orders: list[float]) -> Analysis:
    names = [f"C{i}" for i in range(len(table))]
    inter = pd.DataFrame(
        {"account": names, "staff": ["Ann"] * len(names), "amount": orders}
    ).assign(date=AS_OF, stage="won")
    acc = pd.DataFrame({"account": names, "revenue": table})
    report = IngestReport(
        files=[
            FileReport("deals.csv", "interactions", "csv", mapping={"amount": "Amount"}),
            FileReport("companies.csv", "accounts", "csv", mapping={"revenue": header}),
        ]
    )
    return analyse(Dataset.from_frames(inter, acc, report=report))


def test_revenue_is_client_size_by_header() -> None:
    a = client_size("Annual Revenue", [1000.0, 2000.0, 3000.0], [1000.0, 2000.0, 3000.0])
    c = next(c for c in a.caveats if c.code == "revenue-is-client-size")
    assert c.variant == "header"
    assert "companies.csv, column Annual Revenue" in message(c, "en")
    assert "revenue-is-client-size" in codes(client_size("Effectif", [10.0] * 3, [1e4] * 3))
    assert "revenue-is-client-size" not in codes(client_size("CA HT (€)", [1e4] * 3, [1e4] * 3))


def test_revenue_is_client_size_by_magnitude() -> None:
    # Maven's accounts.csv: "revenue" in millions beside deals of thousands
    a = client_size("revenue", [1100.04, 251.41, 647.18], [110000.0, 30000.0, 50000.0])
    c = next(c for c in a.caveats if c.code == "revenue-is-client-size")
    assert (c.variant, c.params["factor"]) == ("magnitude", 100)
    assert "by a factor of 100" in message(c, "en")
    assert "d'un facteur 100" in message(c, "fr")
    # the same order of magnitude (a factor 5 at most): the table is revenue
    b = client_size("revenue", [500.0, 200.0, 1000.0], [100.0, 100.0, 200.0])
    assert "revenue-is-client-size" not in codes(b)
    # fewer than 3 accounts with both figures: no judgement
    c2 = client_size("revenue", [1.0, 1.0], [1000.0, 1000.0])
    assert "revenue-is-client-size" not in codes(c2)


def test_orphaned_zero_revenue() -> None:
    # A: Ann (gone) ordered for 0; B: Bob, 100. The orphaned revenue is 0, yet A is orphaned.
    inter = pd.DataFrame(
        {"account": ["A", "A", "B", "B"], "staff": ["Ann", "Ann", "Bob", "Bob"]}
    ).assign(date=AS_OF, amount=[0.0, 0.0, 50.0, 50.0])
    staff = pd.DataFrame({"staff": ["Ann", "Bob"], "end_date": ["2024-06-01", None]})
    a = analyse(Dataset.from_frames(inter, staff=staff))
    assert a.portfolio.orphaned_accounts == 1 and a.portfolio.orphaned_revenue == 0.0
    assert "orphaned-zero-revenue" in codes(a)
    c = next(c for c in a.caveats if c.code == "orphaned-zero-revenue")
    assert message(c, "en").startswith("1 orphaned account with activity has no revenue")
    # when the orphaned revenue is not 0, the figure already shows the orphans
    inter2 = inter.assign(amount=[10.0, 0.0, 50.0, 50.0])
    b = analyse(Dataset.from_frames(inter2, staff=staff))
    assert "orphaned-zero-revenue" not in codes(b)


def test_count_basis_no_dates_single_contact() -> None:
    ds = Dataset.from_frames(pd.DataFrame({"account": ["A", "B"], "staff": ["Ann", "Bob"]}))
    assert codes(analyse(ds)) == ["revenue-unknown", "no-dates", "single-contact-data"]
    # a second person in touch with one account: the data can show shared relationships
    ds2 = Dataset.from_frames(
        pd.DataFrame({"account": ["A", "A", "B"], "staff": ["Ann", "Bob", "Bob"]})
    )
    assert codes(analyse(ds2)) == ["revenue-unknown", "no-dates"]


def test_greedy_bound() -> None:
    a = analyse(two_holders())
    p = a.portfolio
    greedy = BusFactor(3, ("Ann", "Bob", "Cy"), "greedy upper bound", 2, (), 100.0, 0.0)
    a.__dict__["portfolio"] = dataclasses.replace(p, revenue_bus_factor=greedy)
    a.__dict__.pop("caveats", None)
    assert codes(a) == ["greedy-bound"]
    assert message(a.caveats[0], "en") == (
        "The revenue bus factor of 3 comes from a search stopped by its time limit: it is an "
        "upper bound, the true value is at least 2."
    )


def test_currency_unknown_only_when_the_ingestion_says_so() -> None:
    ds = two_holders()
    object.__setattr__(ds, "currency", None)
    assert codes(analyse(ds)) == ["currency-unknown"]
    object.__setattr__(ds, "currency", "EUR")
    a = analyse(ds)
    assert codes(a) == []


def test_messages_both_languages_and_summary() -> None:
    for lang in LANGS:  # every code (or each of its variants) has words in every language
        keys = set(catalogue(lang.replace("-", "_").partition("_")[0]).messages)
        for code in CODES:
            variants = [k for k in keys if k.startswith(f"caveat.{code}.")]
            assert has(f"caveat.{code}", lang) or variants, (lang, code)
            assert all(has(k, lang) for k in variants), (lang, code)
    for key in catalogue("en").messages:
        if key.startswith("caveat.") and not key.startswith("caveat.which."):
            assert key.split(".")[1] in CODES, key
    a = analyse(two_holders(files(("a.csv", 10, 1))))
    s = a.summary("fr")
    json.dumps(s, allow_nan=False)
    assert s["warnings"] == as_dicts(a.caveats, "fr")
    assert s["warnings"][0]["code"] == "rows-rejected"
    assert s["warnings"][0]["message"].startswith("1 ligne sur 10 a été rejetée")
    assert a.summary()["warnings"][0]["message"].startswith("1 of 10 rows was rejected")
    with pytest.raises(UsageError):
        message(Caveat("no-dates"), "de")
