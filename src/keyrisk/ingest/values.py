"""Reading numbers, dates and names from raw cells, one whole column at a time.

Every function takes a pandas Series as a reader gives it: either a ``string`` Series (text
files: raw text, ``<NA>`` for an empty cell) or an ``object`` Series of Python values
(workbooks: str, int, float, bool, datetime, date, None). The work is vectorised: each distinct
text is parsed once with regular expressions and the results are mapped back to the rows.

Numbers
    - decimal comma (``1 863,40``, ``1.234,56``) or decimal point (``1,234.56``); thousands
      grouped by three with a space, a no-break space (U+00A0 or U+202F), an apostrophe, or
      the mark that is not the decimal one;
    - a currency symbol or code before or after the number (``€ $ R$ £ ¥ EUR USD GBP CHF``...,
      see :mod:`keyrisk.ingest.currency`); nothing else (``k€``, ``%`` and words make the cell
      unreadable);
    - negative numbers as ``-12,5``, ``−12,5`` (U+2212), ``(12,50)`` (accounting) or ``12,50-``;
    - an empty cell or a lone dash is empty, not an error;
    - a number that is not finite (``inf``, ``nan``; a workbook or Parquet cell holding NaN is
      read as the text ``NaN``) or whose magnitude exceeds :data:`MAX_NUMBER` (10^15, a
      thousand trillion) is unreadable: no amount is that large, and so any sum or product of a
      few of them stays finite (``1e308 + 1e308`` is ``inf``);
    - the decimal mark is decided once per column: ``12,5`` or ``1.234,56`` vote for the comma,
      ``12.5`` or ``1,234.56`` for the point; the majority wins and the cells that only fit the
      other convention are unreadable. With no vote (only integers, or only ``1,234``-like
      values) the point is the decimal mark and the comma groups thousands.

Dates
    - ISO 8601 and other year-first dates (``2024-03-05``, ``2024-03-05 14:30:00``,
      ``2024-03-05T14:30:00Z``, ``2024/03/05``), with an optional time; a time zone suffix is
      dropped and the wall-clock time kept;
    - day/month/year and month/day/year with ``/``, ``.`` or ``-`` and a 2- or 4-digit year,
      with an optional time (``14:30``, ``14:30:00``, ``2:30 PM``); 2-digit years 00-68 are
      2000-2068 and 69-99 are 1969-1999 (the POSIX rule);
    - Excel serial numbers (1900 system with its fictitious 29 February 1900; 1904 system when
      the workbook says so); a numeric text counts as a serial only when the column holds no
      other kind of date;
    - dates and datetimes from a workbook are kept as they are.

Day first or month first? The order is decided once per column. A value whose first number is
above 12 (``25/03/2024``) shows day first; one whose second number is above 12 (``03/25/2024``)
shows month first. When both kinds occur the majority order wins and the other rows are
unreadable. When nothing decides and some value is ambiguous (``05/03/2024``), French input
(``french=True``) means day first; otherwise keyrisk stops and asks for ``--dayfirst`` or
``--monthfirst``. A date that fits the pattern but does not exist (``31/02/2024``,
``2023-02-29``) is reported as impossible, not silently dropped.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import (
    infer_dtype,
    is_bool_dtype,
    is_datetime64_any_dtype,
    is_numeric_dtype,
    is_object_dtype,
)

from keyrisk.errors import AmbiguousInputError, UsageError
from keyrisk.ingest._read_common import INVISIBLE
from keyrisk.ingest.currency import MARK_PATTERN

__all__ = [
    "MAX_NUMBER",
    "Parsed",
    "fold",
    "fold_names",
    "is_total_label",
    "normalise_names",
    "parse_dates",
    "parse_day",
    "parse_numbers",
    "strip_accents",
]

#: The largest magnitude a number read may have (10^15): larger ones, and non-finite ones, are
#: unreadable (``bad-number``). Amounts of a CRM are far below it, and a sum of a billion of
#: them, or a product of three (price x quantity x rate), stays finite.
MAX_NUMBER = 1e15

STRING = pd.StringDtype()

# Characters that work as spaces in cells (RE2, used by pyarrow, has an ASCII-only ``\s``).
_SPACES = "\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Control and invisible characters removed from names: C0 and C1 controls and every format
# character (Unicode category Cf: bidirectional controls, zero-width characters...).
_CONTROLS = "\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u200c\u200d" + "".join(
    f"\\U{ord(c):08x}" for c in INVISIBLE
)
_CURRENCY = r"(?:" + MARK_PATTERN + r"|¥)"  # the marks keyrisk.ingest.currency reads, and ¥
_NUMBER = (
    r"^ *(?P<open>\()? *(?P<s1>[-+])? *(?P<c1>" + _CURRENCY + r")? *(?P<s2>[-+])? *"
    r"(?P<num>[0-9][0-9 '.,]*[0-9]|[0-9]|[.,][0-9]+)(?P<exp>[eE][-+]?[0-9]+)?"
    r" *(?P<c2>" + _CURRENCY + r")? *(?P<s3>-)? *(?P<close>\))? *$"
)
_TIME = (
    r"(?:(?:T| +)(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})"
    r"(?::(?P<S>[0-9]{2})(?:[.,](?P<F>[0-9]{1,9}))?)? *(?P<ap>[AaPp][Mm])?)?"
    r" *(?:Z|UTC|GMT|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)
_DATE = (
    r"^(?P<a>[0-9]{1,4})(?P<sa>[-/.])(?P<b>[0-9]{1,2})(?P<sb>[-/.])(?P<c>[0-9]{1,4})" + _TIME + "$"
)
_SERIAL_TEXT = r"^[0-9]+(?:[.,][0-9]+)?$"
_EMPTY_TEXTS = ["", "-", "–", "—"]
_VOTE_SAMPLE = 100_000

# Valid calendar years: what datetime64[ns] can hold.
_MIN_YEAR, _MAX_YEAR = 1678, 2261
_NS_PER_DAY = 86_400 * 10**9
_EPOCH_1900 = np.datetime64("1899-12-30", "D")
_EPOCH_1904 = np.datetime64("1904-01-01", "D")
_MAX_SERIAL = 2_958_465  # 9999-12-31 in the 1900 system


@dataclass
class Parsed:
    """The result of parsing one column.

    Attributes
    ----------
    values : pandas.Series
        ``float64`` for numbers, ``datetime64[ns]`` for dates; NaN / NaT where the cell is empty,
        unreadable or impossible.
    bad : pandas.Series of bool
        A non-empty cell that could not be read (problem code ``bad-date`` or ``bad-number``).
    impossible : pandas.Series of bool
        Dates: the cell looks like a date that does not exist (``31/02/2024``; problem code
        ``impossible-date``); ``bad`` and ``impossible`` never overlap. Numbers: the cells of
        ``bad`` that are numbers out of range (``number-out-of-range``).
    policy : str or None
        Dates: the formats met, joined by ``+`` in the order ``iso``, ``dayfirst`` or
        ``monthfirst``, ``serial``, ``native`` (e.g. ``"dayfirst+serial"``); None when no date
        was read. Numbers: the decimal mark used (``","`` or ``"."``), None when the column had
        no text.
    """

    values: pd.Series
    bad: pd.Series
    impossible: pd.Series
    policy: str | None


# --------------------------------------------------------------------------------------------
# Splitting a column into text, numbers, dates and the rest
# --------------------------------------------------------------------------------------------


@dataclass
class _Split:
    text: pd.Series  # string dtype; <NA> where the cell is not text
    number: np.ndarray  # float64; NaN where the cell is not a number
    native: pd.Series  # object; the datetime-like cells, None elsewhere
    other: np.ndarray  # bool; non-empty cells of another type (bool, time, ...)


def _kind(value: object) -> int:
    """0 empty, 1 text, 2 number, 3 date or datetime, 4 anything else."""
    if value is None or value is pd.NA or value is pd.NaT:
        return 0
    if isinstance(value, str):
        return 1
    if isinstance(value, bool | np.bool_):
        return 4
    if isinstance(value, numbers.Real):
        return 0 if math.isnan(float(value)) else 2
    if isinstance(value, dt.date | np.datetime64):
        return 3
    return 4


def _pick(obj: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """An object array holding ``obj`` where ``mask`` and None elsewhere."""
    out = np.full(len(obj), None, dtype=object)
    out[mask] = obj[mask]
    return out


def _split(values: pd.Series) -> _Split:
    n = len(values)
    index = values.index
    no_text = pd.Series(pd.NA, index=index, dtype=STRING)
    no_number = np.full(n, np.nan)
    no_native = pd.Series([None] * n, index=index, dtype=object)
    no_other = np.zeros(n, dtype=bool)
    dtype = values.dtype
    if is_bool_dtype(dtype):
        return _Split(no_text, no_number, no_native, values.notna().to_numpy(dtype=bool))
    if is_numeric_dtype(dtype):
        return _Split(no_text, values.to_numpy(dtype=float, na_value=np.nan), no_native, no_other)
    if is_datetime64_any_dtype(dtype):
        return _Split(no_text, no_number, values.astype(object), no_other)
    if not is_object_dtype(dtype):  # string dtypes, categorical...
        return _Split(values.astype(STRING), no_number, no_native, no_other)
    inferred = infer_dtype(values, skipna=True)
    if inferred in ("string", "empty"):
        return _Split(values.astype(STRING), no_number, no_native, no_other)
    if inferred in ("integer", "floating", "mixed-integer-float"):
        number = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        return _Split(no_text, number, no_native, no_other)
    kind = np.fromiter((_kind(v) for v in values.to_numpy()), dtype=np.int8, count=n)
    obj = values.to_numpy(dtype=object)
    text = pd.Series(_pick(obj, kind == 1), index=index).astype(STRING)
    number = np.full(n, np.nan)
    is_number = kind == 2
    number[is_number] = [float(v) for v in obj[is_number]]
    native = pd.Series(_pick(obj, kind == 3), index=index)
    return _Split(text, number, native, kind == 4)


def _uniques(text: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Factorise a string Series: codes (-1 for <NA>) and the distinct values as a Series."""
    codes, uniques = pd.factorize(text)
    return np.asarray(codes), pd.Series(uniques, dtype=STRING).reset_index(drop=True)


def _extract(text: pd.Series, pattern: str) -> pd.DataFrame:
    """``text.str.extract(pattern)`` done by pyarrow (RE2): one string column per named group.

    A group that took no part in the match, or a text that does not match, gives <NA>.
    """
    array = pa.array(text.array, type=pa.string())
    found = pc.extract_regex(array, pattern)
    columns: dict[str, pd.Series] = {}
    for i in range(found.type.num_fields):
        name = found.type.field(i).name
        field = pc.struct_field(found, [i])
        field = pc.if_else(pc.equal(field, ""), pa.scalar(None, pa.string()), field)
        columns[name] = pd.Series(pd.arrays.ArrowStringArray(field), index=text.index)
    return pd.DataFrame(columns, index=text.index)


def _take(array: np.ndarray, codes: np.ndarray, fill: object) -> np.ndarray:
    """Map per-unique results back to the rows; rows with code -1 get ``fill``."""
    if len(array) == 0:
        return np.full(len(codes), fill, dtype=array.dtype)
    out = array[np.where(codes < 0, 0, codes)]
    out[codes < 0] = fill
    return out


def _clean_spaces(text: pd.Series, *, dashes: bool = False) -> pd.Series:
    """Every kind of space becomes " " (and minus-like dashes "-" when asked); trimmed."""
    text = text.str.replace("\u00a0", " ", regex=False).str.replace("\u202f", " ", regex=False)
    array = pa.array(text.array, type=pa.string())
    ascii_ = pc.string_is_ascii(array).fill_null(True).to_numpy(zero_copy_only=False)
    tab = pc.match_substring(array, "\t").fill_null(False).to_numpy(zero_copy_only=False)
    odd = ~np.asarray(ascii_, dtype=bool) | np.asarray(tab, dtype=bool)
    if odd.any():
        sub = text[odd].str.replace(f"[{_SPACES}]", " ", regex=True)
        if dashes:
            sub = sub.str.replace("[\u2212\u2013]", "-", regex=True)
        text = text.copy()
        text[odd] = sub
    return text.str.strip()


def _empty(text: pd.Series) -> np.ndarray:
    """Cells that count as empty once trimmed: nothing, or a lone dash."""
    return text.isin(_EMPTY_TEXTS).to_numpy(dtype=bool)


def _weights(codes: np.ndarray, size: int) -> np.ndarray:
    """How many rows hold each unique value."""
    return np.bincount(codes[codes >= 0], minlength=size)


def _bool(frame_column: pd.Series) -> np.ndarray:
    return frame_column.fillna(False).to_numpy(dtype=bool)


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------


def _grammar(decimal: str) -> str:
    thousands = [" ", "'", "\\." if decimal == "," else ","]
    groups = "|".join(f"[0-9]{{1,3}}(?:{sep}[0-9]{{3}})+" for sep in thousands)
    dec = "," if decimal == "," else "\\."
    return f"^(?:[0-9]+|{groups})?(?:{dec}[0-9]+)?$"


def _decide_decimal(num: pd.Series, weights: np.ndarray) -> str:
    """Vote for the decimal mark over the digit parts (at most ``_VOTE_SAMPLE``, evenly spread)."""
    if len(num) > _VOTE_SAMPLE:
        keep = np.linspace(0, len(num) - 1, _VOTE_SAMPLE).astype(np.int64)
        num, weights = num.iloc[keep], weights[keep]
    comma = (
        num.str.contains(r"^[^,]*,(?:[0-9]{1,2}|[0-9]{4,})$", regex=True)
        | num.str.contains(r"\.[0-9]{3}[^,]*,", regex=True)
        | num.str.contains(r"\..*\.", regex=True)
    )
    point = (
        num.str.contains(r"^[^.]*\.(?:[0-9]{1,2}|[0-9]{4,})$", regex=True)
        | num.str.contains(r",[0-9]{3}[^.]*\.", regex=True)
        | num.str.contains(r",.*,", regex=True)
    )
    comma_votes = int(weights[_bool(comma) & ~_bool(point)].sum())
    point_votes = int(weights[_bool(point) & ~_bool(comma)].sum())
    return "," if comma_votes > point_votes else "."


def _cast(text: pd.Series, to: pa.DataType) -> np.ndarray | None:
    """Cast a string Series with pyarrow (null for <NA>); None when some text does not cast."""
    try:
        cast = pc.cast(pa.array(text.array, type=pa.string()), to)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return np.asarray(cast.to_numpy(zero_copy_only=False))


def _to_float(digits: pd.Series) -> np.ndarray:
    """Checked numeric text ("-1234.5", "1.5E+03") to float64, NaN for <NA>."""
    try:
        return np.asarray(
            pc.cast(pa.array(digits.array, type=pa.string()), pa.float64()).to_numpy(
                zero_copy_only=False
            ),
            dtype=float,
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        numbers_ = pd.to_numeric(digits, errors="coerce")
        return numbers_.to_numpy(dtype=float, na_value=np.nan)


def parse_numbers(values: pd.Series, *, decimal: str | None = None) -> Parsed:
    """Read a column of amounts written the French, English or Swiss way.

    Parameters
    ----------
    values : pandas.Series
        Raw cells: ``string`` dtype (text files) or ``object`` (workbooks).
    decimal : {",", "."} or None, default None
        The decimal mark; None decides it from the column (see the module docstring).

    Returns
    -------
    Parsed
        ``values`` as ``float64``; ``bad`` marks the non-empty cells that could not be read;
        ``impossible`` the part of them that are numbers out of range (infinite, or beyond
        :data:`MAX_NUMBER`; problem code ``number-out-of-range``); ``policy`` is the decimal
        mark used.

    Raises
    ------
    keyrisk.errors.UsageError
        When ``decimal`` is neither ``","``, ``"."`` nor None.

    Notes
    -----
    Numbers already stored as numbers pass through; booleans and dates are unreadable, and so
    is any number that is infinite or whose magnitude exceeds :data:`MAX_NUMBER`. NaN is
    pandas' empty cell; the readers give a cell that holds NaN as the text ``"NaN"``, which is
    unreadable.

    Examples
    --------
    >>> s = pd.Series(["1 863,40", "-12,5 €", "(1 200,00)", "", "abc"], dtype="string")
    >>> p = parse_numbers(s)
    >>> p.values.tolist()[:3], p.policy, p.bad.tolist()
    ([1863.4, -12.5, -1200.0], ',', [False, False, False, False, True])
    >>> p = parse_numbers(pd.Series(["1e308", "inf", "nan", "12"], dtype="string"))
    >>> p.bad.tolist(), p.impossible.tolist()
    ([True, True, True, False], [True, True, False, False])
    """
    if decimal not in (None, ",", "."):
        raise UsageError(f"The decimal mark must be ',' or '.'; got {decimal!r}.")
    split = _split(values)
    out = split.number.copy()
    bad = split.other | split.native.notna().to_numpy(dtype=bool)
    out_of_range = np.zeros(len(bad), dtype=bool)
    policy: str | None = None
    is_text = split.text.notna().to_numpy(dtype=bool)
    fast = _cast(split.text, pa.float64()) if is_text.any() and decimal != "," else None
    if fast is not None and np.isfinite(fast[is_text]).all():
        # Plain "-1234.5" text everywhere: pyarrow reads it, nothing to decide.
        out[is_text] = fast[is_text]
        policy = "."
    elif is_text.any():
        text = _clean_spaces(split.text.reset_index(drop=True), dashes=True)
        empty = _empty(text)
        # Most cells are plain ("-1 234,5"); the others go through the full pattern.
        simple = _bool(text.str.contains("^-?[0-9][0-9 '.,]*$", regex=True))
        minus = simple & _bool(text.str.startswith("-"))
        num = text.where(simple, None)
        num = num.where(~minus, num.str.slice(1))
        exp = None
        rest = is_text & ~simple & ~empty
        if rest.any():
            parts = _extract(text[rest], _NUMBER)
            signs = parts[["s1", "s2", "s3"]]
            open_, close = _bool(parts["open"].notna()), _bool(parts["close"].notna())
            shape_ok = (
                (open_ == close)
                & (signs.notna().sum(axis=1).to_numpy() + open_ <= 1)
                & ~(_bool(parts["c1"].notna()) & _bool(parts["c2"].notna()))
            )
            num[rest] = parts["num"].where(shape_ok, None)
            minus[rest] = _bool((signs == "-").any(axis=1)) | open_
            if parts["exp"].notna().any():
                exp = pd.Series("", index=text.index, dtype=STRING)
                exp[rest] = parts["exp"].fillna("")
        matched = _bool(num.notna())
        chosen = decimal or _decide_decimal(num[matched], np.ones(int(matched.sum()), np.int64))
        policy = chosen
        fits = _bool(num.str.contains(_grammar(chosen), regex=True))
        digits = num.where(fits, None)
        for mark in (" ", "'", "." if chosen == "," else ","):
            digits = digits.str.replace(mark, "", regex=False)
        if chosen == ",":
            digits = digits.str.replace(",", ".", regex=False)
        if exp is not None:
            digits = digits.str.cat(exp)
        number = _to_float(digits)
        number = np.where(minus, -number, number)
        # "1e400" overflows to inf when read; "inf", "-Infinity", "∞" are infinite as written
        infinite = fits & np.isinf(number)
        infinite |= _bool(text.str.fullmatch(r"[-+]?(?:inf(?:inity)?|∞)", case=False))
        ok = fits & np.isfinite(number)
        number[~ok] = np.nan
        out[is_text] = number[is_text]
        bad |= is_text & ~ok & ~empty
        out_of_range |= is_text & infinite
    with np.errstate(invalid="ignore"):
        huge = np.abs(out) > MAX_NUMBER  # inf included; NaN is not
    out[huge] = np.nan
    bad |= huge
    out_of_range |= huge
    index = values.index
    return Parsed(
        values=pd.Series(out, index=index, dtype="float64"),
        bad=pd.Series(bad, index=index, dtype=bool),
        impossible=pd.Series(out_of_range, index=index, dtype=bool),
        policy=policy,
    )


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------


def _ymd_to_ns(
    year: np.ndarray, month: np.ndarray, day: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Days as int64 nanoseconds since 1970; masks ``exists`` and ``in_range``.

    ``exists``: the calendar date exists; ``in_range``: its year fits datetime64[ns].
    """
    exists = (month >= 1) & (month <= 12) & (day >= 1)
    in_range = (year >= _MIN_YEAR) & (year <= _MAX_YEAR)
    y = np.where(in_range, year, 1970)
    m = np.where(exists, month, 1)
    months = ((y - 1970) * 12 + (m - 1)).astype("datetime64[M]")
    first = months.astype("datetime64[D]")
    length = ((months + 1).astype("datetime64[D]") - first).astype(np.int64)
    exists &= day <= length
    days = first.astype(np.int64) + np.where(exists, day - 1, 0)
    return days * _NS_PER_DAY, exists, in_range


def _int(column: pd.Series, fill: int = 0) -> np.ndarray:
    return pd.to_numeric(column, errors="coerce").fillna(fill).to_numpy(dtype=np.int64)


def _time_ns(parts: pd.Series | pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Time of day in nanoseconds and a mask of valid times, from the regex groups."""
    hour, minute, second = _int(parts["H"]), _int(parts["M"]), _int(parts["S"])
    frac = parts["F"].fillna("").str.pad(9, side="right", fillchar="0")
    nanos = _int(frac)
    ampm = parts["ap"].str.lower()
    is_am, is_pm = _bool(ampm == "am"), _bool(ampm == "pm")
    has_ampm = is_am | is_pm
    ok = (
        (minute <= 59) & (second <= 59) & np.where(has_ampm, (hour >= 1) & (hour <= 12), hour <= 23)
    )
    hour = np.where(is_am & (hour == 12), 0, hour)
    hour = np.where(is_pm & (hour < 12), hour + 12, hour)
    ns = ((hour * 60 + minute) * 60 + second) * 10**9 + nanos
    return ns, ok


def _serial_ns(serial: np.ndarray, date1904: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Excel serial numbers to int64 nanoseconds; masks ``ok`` and ``impossible`` (1900-02-29)."""
    finite = np.isfinite(serial)
    low = 0 if date1904 else 1
    ok = finite & (serial >= low) & (serial < _MAX_SERIAL + 1)
    s = np.where(ok, serial, 100.0)
    whole = np.floor(s).astype(np.int64)
    frac_ms = np.round((s - whole) * 86_400_000).astype(np.int64)
    if date1904:
        impossible = np.zeros(len(s), dtype=bool)
        days = _EPOCH_1904.astype(np.int64) + whole
    else:
        impossible = ok & (whole == 60)  # Lotus 1-2-3's 29 February 1900
        days = _EPOCH_1900.astype(np.int64) + whole + (whole < 60)
    ok &= ~impossible
    max_day = np.datetime64(f"{_MAX_YEAR}-12-31", "D").astype(np.int64)
    ok &= days <= max_day
    ns = np.where(ok, days * _NS_PER_DAY + frac_ms * 10**6, 0)
    return ns, ok, impossible


def _native_ns(native: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Workbook dates and datetimes to int64 nanoseconds; mask of the readable ones."""
    n = len(native)
    ns = np.zeros(n, dtype=np.int64)
    ok = np.zeros(n, dtype=bool)
    where = np.flatnonzero(native.notna().to_numpy())
    if len(where) == 0:
        return ns, ok
    cells = native.to_numpy(dtype=object)[where]
    try:
        stamps = pd.Series(pd.to_datetime(pd.Series(cells, dtype=object), errors="coerce"))
    except (TypeError, ValueError, OverflowError):  # e.g. time zones mixed with naive values
        naive = [v.replace(tzinfo=None) if getattr(v, "tzinfo", None) else v for v in cells]
        stamps = pd.Series(pd.to_datetime(pd.Series(naive, dtype=object), errors="coerce"))
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = stamps.dt.tz_localize(None)
    good = (stamps.notna() & stamps.dt.year.between(_MIN_YEAR, _MAX_YEAR)).to_numpy(dtype=bool)
    ns[where[good]] = stamps[good].astype("datetime64[ns]").to_numpy().view(np.int64)
    ok[where[good]] = True
    return ns, ok


def _ambiguous(
    file: str, column: str, example: str | None, *, tie: bool = False
) -> AmbiguousInputError:
    what = "as many day/month as month/day dates" if tie else "day/month or month/day"
    prefix = f"{file}: " if file else ""
    return AmbiguousInputError(
        f"{prefix}cannot tell whether dates in column {column!r} are {what}"
        f" (e.g. {example!r}); use --dayfirst or --monthfirst"
    )


def parse_dates(
    values: pd.Series,
    *,
    order: str = "auto",
    french: bool = False,
    date1904: bool = False,
    column: str = "",
    file: str = "",
) -> Parsed:
    """Read a column of dates (ISO, day first, month first, Excel serials, workbook dates).

    Parameters
    ----------
    values : pandas.Series
        Raw cells: ``string`` dtype (text files) or ``object`` (workbooks).
    order : {"auto", "dayfirst", "monthfirst"}, default "auto"
        The order of day and month in ``05/03/2024``-like dates; "auto" decides per column.
    french : bool, default False
        The input is French: an undecidable column is read day first instead of failing.
    date1904 : bool, default False
        The workbook uses the 1904 date system (serial 0 is 1904-01-01).
    column, file : str, default ""
        Used in the error message only.

    Returns
    -------
    Parsed
        ``values`` as ``datetime64[ns]`` with the time of day kept; ``bad`` marks the
        unreadable cells and the cells contradicting the column's majority order;
        ``impossible`` marks dates that do not exist; ``policy`` names the formats met.

    Raises
    ------
    keyrisk.errors.AmbiguousInputError
        With ``order="auto"`` and ``french=False``, when some date is ambiguous (both numbers
        at most 12 and different) and no value shows the order.
    keyrisk.errors.UsageError
        When ``order`` is not one of the three choices.

    Notes
    -----
    Excel serials, 1900 system: ``date = 1899-12-30 + serial`` for ``serial >= 61`` and
    ``1899-12-31 + serial`` below 60 (serial 60 is the fictitious 1900-02-29, impossible).
    1904 system: ``date = 1904-01-01 + serial``. The fraction of a serial is the time of day.

    Examples
    --------
    >>> s = pd.Series(["25/03/2024", "05/04/2024 14:30", "31/02/2024", ""], dtype="string")
    >>> p = parse_dates(s)
    >>> [str(v) for v in p.values], p.policy
    (['2024-03-25 00:00:00', '2024-04-05 14:30:00', 'NaT', 'NaT'], 'dayfirst')
    >>> p.impossible.tolist()
    [False, False, True, False]
    >>> parse_dates(pd.Series([45000], dtype=object)).values.iloc[0]
    Timestamp('2023-03-15 00:00:00')
    """
    if order not in ("auto", "dayfirst", "monthfirst"):
        raise UsageError(
            f"The date order must be 'auto', 'dayfirst' or 'monthfirst'; got {order!r}."
        )
    n = len(values)
    split = _split(values)
    ns = np.zeros(n, dtype=np.int64)
    ok = np.zeros(n, dtype=bool)
    impossible = np.zeros(n, dtype=bool)
    bad = split.other | np.isinf(split.number)
    formats: set[str] = set()

    has_text = split.text.notna().to_numpy(dtype=bool)
    fast = _cast(split.text, pa.timestamp("ns")) if has_text.any() else None
    if fast is not None:
        # Every text is an ISO date or timestamp that pyarrow reads as it is.
        ns[has_text] = fast[has_text].view(np.int64)
        ok |= has_text
        formats.add("iso")
        codes, uniques = np.full(n, -1), pd.Series([], dtype=STRING)
    else:
        codes, uniques = _uniques(split.text)
    serial_text = np.zeros(len(uniques), dtype=bool)
    if len(uniques):
        text = _clean_spaces(uniques)
        u = len(uniques)
        weights = _weights(codes, u)
        empty = _empty(text)
        parts = _extract(text, _DATE)
        matched = _bool(parts["a"].notna()) & _bool(parts["sa"] == parts["sb"])
        len_a = parts["a"].str.len().fillna(0).to_numpy(dtype=np.int64)
        len_c = parts["c"].str.len().fillna(0).to_numpy(dtype=np.int64)
        a, b, c = _int(parts["a"]), _int(parts["b"]), _int(parts["c"])
        ymd = matched & (len_a == 4) & (len_c <= 2)
        dmy = matched & (len_a <= 2) & ((len_c == 2) | (len_c == 4))
        serial_text = _bool(text.str.contains(_SERIAL_TEXT, regex=True))

        # Day first or month first.
        day_ev = dmy & (a > 12) & (b <= 12)
        month_ev = dmy & (a <= 12) & (b > 12)
        ambiguous = dmy & (a <= 12) & (b <= 12) & (a != b)
        contradicts = np.zeros(u, dtype=bool)
        dayfirst = True
        if order != "auto":
            dayfirst = order == "dayfirst"
        else:
            n_day, n_month = int(weights[day_ev].sum()), int(weights[month_ev].sum())
            if n_day != n_month:
                dayfirst = n_day > n_month
                contradicts = month_ev if dayfirst else day_ev
            elif n_day > 0 and not french:
                first = int(np.flatnonzero(_take(day_ev | month_ev, codes, False))[0])
                raise _ambiguous(file, column, str(split.text.iat[first]), tie=True)
            elif ambiguous.any() and not french:
                first = int(np.flatnonzero(_take(ambiguous, codes, False))[0])
                raise _ambiguous(file, column, str(split.text.iat[first]))
            elif n_day > 0:
                contradicts = month_ev

        year = np.where(ymd, a, c)
        two_digit = dmy & (len_c == 2)
        year = np.where(two_digit, np.where(year <= 68, 2000 + year, 1900 + year), year)
        month = np.where(ymd, b, np.where(dayfirst, b, a))
        day = np.where(ymd, c, np.where(dayfirst, a, b))
        day_ns, exists, in_range = _ymd_to_ns(year, month, day)
        time_ns, time_ok = _time_ns(parts)
        candidate = (ymd | dmy) & ~contradicts
        u_impossible = candidate & (~exists | ~time_ok)
        u_ok = candidate & exists & time_ok & in_range
        u_ns = np.where(u_ok, day_ns + time_ns, 0)

        others = (ymd | dmy) & ~empty
        if (ymd & u_ok).any():
            formats.add("iso")
        if (dmy & u_ok).any():
            formats.add("dayfirst" if dayfirst else "monthfirst")
        if others.any():
            serial_text = np.zeros(u, dtype=bool)  # numeric text is not a date here
        elif serial_text.any():
            numbers_ = pd.to_numeric(
                text.where(serial_text).str.replace(",", ".", regex=False),
                errors="coerce",
            ).to_numpy(dtype=float, na_value=np.nan)
            s_ns, s_ok, s_imp = _serial_ns(numbers_, date1904)
            s_ok &= serial_text
            u_ns = np.where(s_ok, s_ns, u_ns)
            u_ok |= s_ok
            u_impossible |= s_imp & serial_text

        is_text = codes >= 0
        ns[is_text] = _take(u_ns, codes, 0)[is_text]
        ok[is_text] = _take(u_ok, codes, False)[is_text]
        impossible[is_text] = _take(u_impossible, codes, False)[is_text]
        bad |= is_text & ~ok & ~impossible & ~_take(empty, codes, True)
        if (ok & is_text & _take(serial_text, codes, False)).any():
            formats.add("serial")

    has_number = np.isfinite(split.number)
    if has_number.any():
        s_ns, s_ok, s_imp = _serial_ns(split.number, date1904)
        ns = np.where(s_ok, s_ns, ns)
        ok |= s_ok
        impossible |= s_imp
        bad |= has_number & ~s_ok & ~s_imp
        if s_ok.any():
            formats.add("serial")

    has_native = split.native.notna().to_numpy()
    if has_native.any():
        n_ns, n_ok = _native_ns(split.native)
        ns = np.where(n_ok, n_ns, ns)
        ok |= n_ok
        bad |= has_native & ~n_ok
        if n_ok.any():
            formats.add("native")

    rank = ["iso", "dayfirst", "monthfirst", "serial", "native"]
    policy = "+".join(f for f in rank if f in formats) or None
    result = np.where(ok, ns, np.iinfo(np.int64).min).view("datetime64[ns]")
    index = values.index
    return Parsed(
        values=pd.Series(result, index=index, dtype="datetime64[ns]"),
        bad=pd.Series(bad, index=index, dtype=bool),
        impossible=pd.Series(impossible, index=index, dtype=bool),
        policy=policy,
    )


# --------------------------------------------------------------------------------------------
# Names and total lines
# --------------------------------------------------------------------------------------------


def _as_text(values: pd.Series) -> pd.Series:
    """Any column as a string Series: numbers written without a spurious ``.0``."""
    if not is_object_dtype(values.dtype) and not is_numeric_dtype(values.dtype):
        return values.astype(STRING)
    if is_object_dtype(values.dtype) and infer_dtype(values, skipna=True) in ("string", "empty"):
        return values.astype(STRING)

    def one(value: object) -> object:
        if _kind(value) == 0:
            return None
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    return pd.Series(
        [one(v) for v in values.to_numpy(dtype=object)], index=values.index, dtype=STRING
    )


def normalise_names(values: pd.Series) -> pd.Series:
    """Tidy names: NFC, no control or format characters, single spaces, trimmed; empty is <NA>.

    Parameters
    ----------
    values : pandas.Series
        Raw name cells (text, or numbers used as names).

    Returns
    -------
    pandas.Series
        ``string`` dtype, same index.

    Notes
    -----
    Every kind of space (tab, line break, U+00A0, U+202F...) becomes one ASCII space; control
    characters and every invisible format character (Unicode category Cf: bidirectional
    controls such as U+202E, zero-width spaces and joiners, soft hyphens, byte-order marks...)
    are removed. Matching names uses :func:`fold` of this form.

    Examples
    --------
    >>> normalise_names(pd.Series(["  Marie\\u00a0 Dupont\\t", "Cafe\\u0301", " "])).tolist()
    ['Marie Dupont', 'Café', <NA>]
    """
    text = _as_text(values)
    codes, uniques = _uniques(text)
    if len(uniques) == 0:
        return pd.Series(pd.NA, index=values.index, dtype=STRING)
    clean = (
        uniques.str.normalize("NFC")
        .str.replace(f"[{_CONTROLS}]", "", regex=True)
        .str.replace(f"[{_SPACES}]+", " ", regex=True)
        .str.strip(" ")
    )
    clean = clean.where(clean != "")
    return _take_text(clean, codes, values.index)


def fold(text: str) -> str:
    """The one form names are matched on: NFKC, case-folded, NFKC again.

    "Straße" and "STRASSE", "ﬁnn" (a ligature) and "FINN", "Ｊｅａｎ" (full-width) and "jean",
    "İlker" and "İLKER" get the same form. Names are shown as first written; this form only
    decides which are the same (identities, aliases, pseudonyms).

    Examples
    --------
    >>> fold("Straße") == fold("STRASSE"), fold("\ufb01nn"), fold("Ｊｅａｎ")
    (True, 'finn', 'jean')
    """
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def fold_names(values: pd.Series) -> pd.Series:
    """:func:`fold` applied to a column of names (``string`` dtype, <NA> kept).

    Examples
    --------
    >>> fold_names(pd.Series(["Straße", None, "ﬁnn"])).tolist()
    ['strasse', <NA>, 'finn']
    """
    text = values.astype(STRING)
    return text.str.normalize("NFKC").str.casefold().str.normalize("NFKC")


def _take_text(uniques: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Map per-unique texts back to the rows (``<NA>`` for code -1), staying in pyarrow."""
    array = pa.array(uniques.array, type=pa.string())
    taken = pc.take(array, pa.array(codes, mask=codes < 0))
    return pd.Series(pd.arrays.ArrowStringArray(taken), index=index, dtype=STRING)


_TOTAL_WORDS = (
    "general|generale|global|globale|client|clients|commercial|commerciale|commerciaux"
    "|ht|ttc|des|du|de|par|pour|for|by|of|sales|all"
)
_TOTAL = (
    r"^(?:sous[- ]?|sub[- ]?|grand[- ]?)?(?:total|totaux|totals)"
    r"(?:$| *[:(]| +[-–]| *[0-9]| +(?:(?:" + _TOTAL_WORDS + r")(?:$|[^a-z])|d'))"
)


def strip_accents(values: pd.Series) -> pd.Series:
    """Lower-case text without accents (NFKD, combining marks dropped).

    Examples
    --------
    >>> strip_accents(pd.Series(["TOTAL GÉNÉRAL"], dtype="string")).tolist()
    ['total general']
    """
    text = values.astype(STRING)
    return text.str.normalize("NFKD").str.replace("[\u0300-\u036f]", "", regex=True).str.lower()


def is_total_label(values: pd.Series) -> pd.Series:
    """Tell which cells are "Total" / "Sous-total" labels of a spreadsheet, not a name.

    Parameters
    ----------
    values : pandas.Series
        Cells of the account or staff column.

    Returns
    -------
    pandas.Series of bool
        Same index; False for empty cells.

    Notes
    -----
    Accents, case and surrounding spaces are ignored. A label is a total when it starts with
    ``total``, ``totaux``, ``sous-total``, ``sous total``, ``subtotal``, ``sub-total`` or
    ``grand total`` and that word is followed by the end of the cell, ``:``, ``(``, a digit,
    a spaced dash, or one of the words général(e), global(e), client(s), commercial(e)(aux),
    HT, TTC, des, du, de, d', par, pour, for, by, of, sales, all. So ``Total``, ``TOTAL
    GÉNÉRAL``, ``Total client X``, ``Total:`` and ``Sous-total 2023`` are totals, while
    ``Totalgaz SA``, ``Totally Fresh Ltd`` and ``Total Energies`` are names.

    Examples
    --------
    >>> is_total_label(pd.Series(["Sous-total", "Total Energies", "TOTAL GÉNÉRAL"])).tolist()
    [True, False, True]
    """
    codes, uniques = _uniques(_as_text(values))  # each distinct cell is normalised once
    if len(uniques) == 0:
        return pd.Series(False, index=values.index, dtype=bool)
    hit = _bool(strip_accents(normalise_names(uniques)).str.contains(_TOTAL, regex=True))
    return pd.Series(_take(hit, codes, False), index=values.index, dtype=bool)


# --------------------------------------------------------------------------------------------
# One day typed by a user
# --------------------------------------------------------------------------------------------


def parse_day(text: str, order: str = "auto") -> dt.date:
    """Read one day as people type it: ``2026-10-31``, ``31/10/2026``, ``31.10.2026``...

    Parameters
    ----------
    text : str
        ISO (year first), or day and month in either order then the year, separated by ``/``,
        ``.`` or ``-``.
    order : {"auto", "dayfirst", "monthfirst"}, default "auto"
        The order of day and month. "auto" reads a date whose numbers show the order
        (``31/10/2026``, ``10/31/2026``) and refuses one that could be either (``05/10/2026``).

    Returns
    -------
    datetime.date

    Raises
    ------
    keyrisk.errors.UsageError
        When ``text`` is not such a date, is impossible in the given order, or is ambiguous
        (the message gives both readings).

    Examples
    --------
    >>> parse_day("31/10/2026"), parse_day("05/10/2026", "monthfirst")
    (datetime.date(2026, 10, 31), datetime.date(2026, 5, 10))
    """
    value = pd.Series([str(text).strip()], dtype=STRING)
    try:
        parsed = parse_dates(value, order=order)
    except AmbiguousInputError:
        first, second = (
            parse_dates(value, order=o).values.iat[0] for o in ("dayfirst", "monthfirst")
        )
        raise UsageError(
            f"{text!r} may be day/month or month/day; write {first.date().isoformat()} or "
            f"{second.date().isoformat()}, or add --dayfirst or --monthfirst."
        ) from None
    day = parsed.values.iat[0]
    if pd.isna(day) or parsed.policy not in ("iso", "dayfirst", "monthfirst"):
        which = {"dayfirst": " (day/month/year)", "monthfirst": " (month/day/year)"}
        hint = which.get(order, "") if parsed.impossible.iat[0] else ""
        raise UsageError(f"{text!r} is not a date{hint}; write it as YYYY-MM-DD.")
    return dt.date(day.year, day.month, day.day)
