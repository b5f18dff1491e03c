"""Safe output text: no input text ever becomes a formula, a link or an error cell.

OWASP "CSV injection": a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is read as a formula by spreadsheet programs; ``#N/A``-like strings become error cells in
some. Every text cell that comes from the input goes through :func:`safe_text` before being
written to a CSV file or a workbook: such cells get a leading apostrophe (shown literally by
Excel and LibreOffice, and visible in a text editor), and control characters are removed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import pandas as pd

__all__ = ["ERROR_LITERALS", "safe_frame", "safe_sheet_title", "safe_text"]

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
#: Strings a spreadsheet program turns into error values.
ERROR_LITERALS = frozenset(
    {
        "#N/A",
        "#NAME?",
        "#REF!",
        "#VALUE!",
        "#DIV/0!",
        "#NUM!",
        "#NULL!",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#UNKNOWN!",
        "#CONNECT!",
        "#BUSY!",
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def safe_text(value: str) -> str:
    """Return ``value`` made inert for spreadsheets.

    Examples
    --------
    >>> safe_text("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> safe_text("Marie Dupont")
    'Marie Dupont'
    >>> safe_text("#N/A")
    "'#N/A"
    """
    text = _CONTROL.sub("", value)
    stripped = text.lstrip(" ")
    if stripped.startswith(_TRIGGERS) or text.strip().upper() in ERROR_LITERALS:
        return "'" + text
    return text


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` whose text cells went through :func:`safe_text`.

    Numbers, dates and missing values are left as they are; tuples of names are joined by
    ``"; "`` first.
    """
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if series.dtype == object or isinstance(series.dtype, pd.StringDtype):
            out[col] = series.map(_memo(_safe_cell)).astype(object)
    return out


def _memo(func: Callable[[object], object]) -> Callable[[object], object]:
    """``func`` computed once per distinct text (a column repeats its values); other values
    (numbers, tuples: ``1 == True`` must not share a result) each time."""
    seen: dict[str, object] = {}

    def cell(value: object) -> object:
        if type(value) is not str:
            return func(value)
        try:
            return seen[value]
        except KeyError:
            seen[value] = result = func(value)
            return result

    return cell


def _safe_cell(value: object) -> object:
    if isinstance(value, tuple | list):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str):
        return safe_text(value)
    return value


def safe_sheet_title(title: str, taken: set[str] | None = None) -> str:
    """Return a valid, unique worksheet title (31 characters, no ``[]:*?/\\``).

    Examples
    --------
    >>> safe_sheet_title("Q1/Q2: [draft]")
    'Q1_Q2_ _draft_'
    """
    text = unicodedata.normalize("NFC", _CONTROL.sub("", title))
    text = _SHEET_BAD.sub("_", text).strip("'") or "Sheet"
    text = text[:31]
    taken = taken if taken is not None else set()
    base, n = text, 2
    while text.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({n})"
        text = base[: 31 - len(suffix)] + suffix
        n += 1
    return text
