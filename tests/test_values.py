"""Tests of keyrisk.ingest.values: numbers, dates, names and total lines."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keyrisk.errors import AmbiguousInputError, UsageError
from keyrisk.ingest.values import is_total_label, normalise_names, parse_dates, parse_numbers

FAST = settings(max_examples=50, deadline=None)


def text(*cells: str | None) -> pd.Series:
    return pd.Series(list(cells), dtype="string")


def stamps(parsed_values: pd.Series) -> list[str | None]:
    return [None if pd.isna(v) else str(v) for v in parsed_values]


# ---------------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1 863,40", 1863.40),
        ("1\u00a0863,40", 1863.40),
        ("1\u202f863,40", 1863.40),
        ("1.234,56", 1234.56),
        ("1,234.56", 1234.56),
        ("-12,5 €", -12.5),
        ("−12,5", -12.5),
        ("(1 200,00)", -1200.0),
        ("€1,200", 1200.0),
        ("00123", 123.0),
        ("12,50-", -12.5),
        ("EUR 1 000,5", 1000.5),
        ("1'234.50 CHF", 1234.5),
        ("$-3.25", -3.25),
    ],
)
def test_one_number(cell: str, expected: float) -> None:
    parsed = parse_numbers(text(cell))
    assert parsed.values.tolist() == [expected]
    assert parsed.bad.tolist() == [False]
    assert parsed.impossible.tolist() == [False]


@pytest.mark.parametrize("cell", ["abc", "12%", "k€5", "(5", "€5€", "-(5)", "1 23,4", "12,"])
def test_unreadable_number(cell: str) -> None:
    parsed = parse_numbers(text(cell, "1"))
    assert parsed.bad.tolist() == [True, False]
    assert np.isnan(parsed.values.iloc[0])


def test_empty_numbers_are_not_bad() -> None:
    parsed = parse_numbers(text("", "-", " ", None, "2"))
    assert parsed.bad.tolist() == [False] * 5
    assert parsed.values.isna().tolist() == [True, True, True, True, False]


def test_decimal_mark_decided_by_majority() -> None:
    parsed = parse_numbers(text("1,5", "2.5", "3,5", "1.234"))
    assert parsed.policy == ","
    assert parsed.values.tolist()[0] == 1.5
    assert parsed.bad.tolist() == [False, True, False, False]
    assert parsed.values.iloc[3] == 1234.0  # "1.234" with a decimal comma is 1234


def test_thousands_comma_only_means_decimal_point() -> None:
    parsed = parse_numbers(text("1,234", "5,678", "12"))
    assert parsed.policy == "."
    assert parsed.values.tolist() == [1234.0, 5678.0, 12.0]


def test_forced_decimal_mark() -> None:
    assert parse_numbers(text("1.234"), decimal=",").values.tolist() == [1234.0]
    assert parse_numbers(text("1.234"), decimal=".").values.tolist() == [1.234]
    with pytest.raises(UsageError):
        parse_numbers(text("1"), decimal=";")


def test_plain_numbers_fast_path() -> None:
    parsed = parse_numbers(text("12", "-3.5", "+4", None, "1e3"))
    assert parsed.values.tolist()[:3] == [12.0, -3.5, 4.0]
    assert parsed.values.iloc[4] == 1000.0
    assert parsed.policy == "."
    assert parse_numbers(text("nan")).bad.tolist() == [True]


def test_workbook_numbers() -> None:
    cells = pd.Series([1, 2.5, True, None, "3,5", dt.date(2020, 1, 1), float("nan")], dtype=object)
    parsed = parse_numbers(cells)
    assert parsed.values.iloc[[0, 1, 4]].tolist() == [1.0, 2.5, 3.5]
    assert parsed.bad.tolist() == [False, False, True, False, False, True, False]


@st.composite
def written_numbers(draw: st.DrawFn, french: bool) -> tuple[str, float, int]:
    value = draw(st.floats(min_value=0, max_value=1e9, allow_nan=False))
    decimals = draw(st.integers(0, 2))
    negative = draw(st.booleans())
    plain = f"{value:,.{decimals}f}"  # "1,234,567.89"
    if french:
        sep = draw(st.sampled_from([" ", "\u00a0", "\u202f", ".", ""]))
        body = plain.replace(",", "\x00").replace(".", ",").replace("\x00", sep)
        currency = draw(st.sampled_from(["", "€ ", "€", " €", " EUR"]))
    else:
        sep = draw(st.sampled_from([",", "", " "]))
        body = plain.replace(",", sep)
        currency = draw(st.sampled_from(["", "$", "$ ", " USD", "£"]))
    before = currency and not currency.startswith(" ") and draw(st.booleans())
    body = currency + body if before else body + currency
    if negative:
        style = draw(st.sampled_from(["-", "−", "()"]))
        body = f"({body})" if style == "()" else style + body
    expected = float(f"{value:.{decimals}f}") * (-1 if negative else 1)
    return body, expected, decimals


@FAST
@given(st.lists(written_numbers(french=True), min_size=1, max_size=25))
def test_french_numbers_round_trip(cases: list[tuple[str, float, int]]) -> None:
    cells = [cell for cell, _, _ in cases]
    expected = [value for _, value, _ in cases]
    assert parse_numbers(text(*cells), decimal=",").values.tolist() == expected
    # Deciding alone: "0,5" shows the decimal comma.
    auto = parse_numbers(text(*cells, "0,5"))
    assert auto.values.tolist() == [*expected, 0.5]
    assert auto.policy == ","


@FAST
@given(st.lists(written_numbers(french=False), min_size=1, max_size=25))
def test_english_numbers_round_trip(cases: list[tuple[str, float, int]]) -> None:
    cells = [cell for cell, _, _ in cases]
    expected = [value for _, value, _ in cases]
    assert parse_numbers(text(*cells), decimal=".").values.tolist() == expected
    auto = parse_numbers(text(*cells, "0.5"))
    assert auto.values.tolist() == [*expected, 0.5]
    assert auto.policy == "."


# ------------------------------------------------------------------------------------ dates


def test_iso_dates() -> None:
    parsed = parse_dates(
        text(
            "2024-03-05",
            "2024-03-05 14:30:00",
            "2024-03-05T14:30:00Z",
            "2024-03-05 00:00:00.000",
            "2024/03/05",
            None,
        )
    )
    assert stamps(parsed.values) == [
        "2024-03-05 00:00:00",
        "2024-03-05 14:30:00",
        "2024-03-05 14:30:00",
        "2024-03-05 00:00:00",
        "2024-03-05 00:00:00",
        None,
    ]
    assert parsed.policy == "iso"
    assert not parsed.bad.any()
    assert parsed.values.dtype == "datetime64[ns]"


def test_impossible_dates() -> None:
    iso = parse_dates(text("2023-02-29", "2024-02-29", "2024-13-01"))
    assert iso.impossible.tolist() == [True, False, True]
    assert iso.bad.tolist() == [False, False, False]
    assert iso.values.isna().tolist() == [True, False, True]
    slash = parse_dates(text("31/02/2024", "25/12/2024"))
    assert slash.impossible.tolist() == [True, False]
    assert slash.policy == "dayfirst"
    forced = parse_dates(text("05/13/2024"), order="dayfirst")
    assert forced.impossible.tolist() == [True]


def test_day_first_and_month_first_columns() -> None:
    day = parse_dates(text("25/03/2024", "05.04.24 14:30", "06-04-2024"))
    assert day.policy == "dayfirst"
    assert stamps(day.values) == [
        "2024-03-25 00:00:00",
        "2024-04-05 14:30:00",
        "2024-04-06 00:00:00",
    ]
    month = parse_dates(text("03/25/2024", "04/05/2024 2:30 PM"))
    assert month.policy == "monthfirst"
    assert stamps(month.values) == ["2024-03-25 00:00:00", "2024-04-05 14:30:00"]


def test_two_digit_years() -> None:
    parsed = parse_dates(text("01/02/68", "01/02/69"), order="dayfirst")
    assert stamps(parsed.values) == ["2068-02-01 00:00:00", "1969-02-01 00:00:00"]


def test_mixed_orders_keep_the_majority() -> None:
    parsed = parse_dates(text("25/03/2024", "26/03/2024", "03/25/2024", "05/04/2024"))
    assert parsed.policy == "dayfirst"
    assert parsed.bad.tolist() == [False, False, True, False]
    assert stamps(parsed.values)[3] == "2024-04-05 00:00:00"


def test_ambiguous_column_raises_unless_told() -> None:
    cells = text("05/03/2024", "01/02/2024")
    with pytest.raises(AmbiguousInputError) as caught:
        parse_dates(cells, column="Date", file="a.csv")
    assert str(caught.value) == (
        "a.csv: cannot tell whether dates in column 'Date' are day/month or month/day"
        " (e.g. '05/03/2024'); use --dayfirst or --monthfirst"
    )
    assert stamps(parse_dates(cells, french=True).values)[0] == "2024-03-05 00:00:00"
    assert stamps(parse_dates(cells, order="monthfirst").values)[0] == "2024-05-03 00:00:00"
    # Same day and month: nothing to decide.
    assert stamps(parse_dates(text("05/05/2024")).values) == ["2024-05-05 00:00:00"]
    with pytest.raises(UsageError):
        parse_dates(cells, order="yearfirst")


def test_excel_serials() -> None:
    assert stamps(parse_dates(text("45000")).values) == ["2023-03-15 00:00:00"]
    assert stamps(parse_dates(text("45000.5")).values) == ["2023-03-15 12:00:00"]
    assert stamps(parse_dates(pd.Series([45000], dtype=object), date1904=True).values) == [
        "2027-03-16 00:00:00"
    ]
    parsed = parse_dates(pd.Series([61, 60, 59, 1, 0], dtype=object))
    assert stamps(parsed.values) == [
        "1900-03-01 00:00:00",
        None,
        "1900-02-28 00:00:00",
        "1900-01-01 00:00:00",
        None,
    ]
    assert parsed.impossible.tolist() == [False, True, False, False, False]
    assert parsed.bad.tolist() == [False, False, False, False, True]
    assert parsed.policy == "serial"
    # Numeric text beside real dates is not a serial.
    mixed = parse_dates(text("45000", "2024-01-01"))
    assert mixed.bad.tolist() == [True, False]


def test_workbook_cells() -> None:
    cells = pd.Series(
        [dt.datetime(2024, 1, 2, 3, 4), dt.date(2020, 5, 6), 45000, "25/12/2024", True, None],
        dtype=object,
    )
    parsed = parse_dates(cells)
    assert stamps(parsed.values) == [
        "2024-01-02 03:04:00",
        "2020-05-06 00:00:00",
        "2023-03-15 00:00:00",
        "2024-12-25 00:00:00",
        None,
        None,
    ]
    assert parsed.bad.tolist() == [False, False, False, False, True, False]
    assert parsed.policy == "dayfirst+serial+native"


def test_unreadable_dates() -> None:
    parsed = parse_dates(text("20240305", "soon", "1677-01-01", "", "-"))
    assert parsed.bad.tolist() == [True, True, True, False, False]
    assert parsed.policy is None


days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2035, 12, 31))


@FAST
@given(st.lists(days, min_size=1, max_size=25), st.sampled_from(["/", ".", "-"]))
def test_dates_round_trip(column: list[dt.date], sep: str) -> None:
    expected = [pd.Timestamp(day) for day in column]
    dmy = [day.strftime(f"%d{sep}%m{sep}%Y") for day in column]
    mdy = [day.strftime(f"%m{sep}%d{sep}%Y") for day in column]
    assert parse_dates(text(*dmy), order="dayfirst").values.tolist() == expected
    assert parse_dates(text(*mdy), order="monthfirst").values.tolist() == expected
    assert parse_dates(text(*[day.isoformat() for day in column])).values.tolist() == expected
    serials = [(day - dt.date(1899, 12, 30)).days for day in column]
    assert parse_dates(pd.Series(serials, dtype=object)).values.tolist() == expected
    assert parse_dates(text(*map(str, serials))).values.tolist() == expected
    serials1904 = [float((day - dt.date(1904, 1, 1)).days) for day in column]
    assert parse_dates(pd.Series(serials1904), date1904=True).values.tolist() == expected


@FAST
@given(st.lists(st.tuples(st.integers(1990, 2035), st.integers(1, 12), st.integers(1, 31))))
def test_impossible_day_month_combinations(column: list[tuple[int, int, int]]) -> None:
    exists = []
    for year, month, day in column:
        try:
            dt.date(year, month, day)
        except ValueError:
            exists.append(False)
        else:
            exists.append(True)
    iso = parse_dates(text(*[f"{y}-{m:02d}-{d:02d}" for y, m, d in column]))
    slash = parse_dates(text(*[f"{d:02d}/{m:02d}/{y}" for y, m, d in column]), order="dayfirst")
    for parsed in (iso, slash):
        assert parsed.impossible.tolist() == [not e for e in exists]
        assert not parsed.bad.any()
        assert parsed.values.notna().tolist() == exists


# ------------------------------------------------------------------------------------ names


def test_normalise_names() -> None:
    cells = pd.Series(
        [
            "  Marie\u00a0 Dupont\t",
            "Cafe\u0301",
            " ",
            None,
            "a\x00b\u200bc",
            "J.\u202fMartin",
            12.0,
        ],
        dtype=object,
    )
    out = normalise_names(cells)
    assert out.dtype == "string"
    assert out.tolist() == ["Marie Dupont", "Café", pd.NA, pd.NA, "abc", "J. Martin", "12"]


def test_total_labels() -> None:
    totals = [
        "Total",
        "TOTAL",
        "Sous-total",
        "Sous total",
        "TOTAL GÉNÉRAL",
        "Total général",
        "Grand total",
        "Subtotal",
        "Total client X",
        "Total:",
        "Total 2023",
        " total HT ",
    ]
    names = ["Totalgaz SA", "Totally Fresh Ltd", "Total Energies", "Acme Total", "", None]
    out = is_total_label(pd.Series(totals + names, dtype=object))
    assert out.dtype == bool
    assert out.tolist() == [True] * len(totals) + [False] * len(names)
