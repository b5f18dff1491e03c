"""Shared types and cell clean-up of the file readers (private: use keyrisk.ingest.readers)."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from keyrisk.errors import Problem, UsageError
from keyrisk.ingest.limits import Limits

__all__ = [
    "INVISIBLE",
    "RawTable",
    "ReadOptions",
    "clean_text",
    "has_invisible",
    "unique_headers",
]

_SEPARATORS = {",", ";", "\t", "|"}


@dataclass(frozen=True)
class ReadOptions:
    """What the user forces instead of letting the reader decide.

    Parameters
    ----------
    sep : {",", ";", "\\t", "|"} or None
        Forced delimiter of a text file; ``None`` sniffs it.
    sheet : str or None
        Forced worksheet name; ``None`` chooses the sheet holding the data.
    encoding : str or None
        Forced text encoding (any Python codec name); ``None`` detects it.
    header_row : int or None
        Forced header row, 1-based as the user sees it (line number or Excel row).
    limits : Limits
        Safety limits (see :mod:`keyrisk.ingest.limits`).

    Examples
    --------
    >>> ReadOptions(sep=";").sep
    ';'
    """

    sep: str | None = None
    sheet: str | None = None
    encoding: str | None = None
    header_row: int | None = None
    limits: Limits = field(default_factory=Limits)

    def __post_init__(self) -> None:
        if self.sep is not None and self.sep not in _SEPARATORS:
            raise UsageError(
                f"The separator must be one of ',', ';', TAB or '|'; got {self.sep!r}."
            )
        if self.header_row is not None and (
            isinstance(self.header_row, bool)
            or not isinstance(self.header_row, int)
            or self.header_row < 1
        ):
            raise UsageError(
                f"The header row must be a whole number >= 1; got {self.header_row!r}."
            )


@dataclass
class RawTable:
    """A table as read from a file: headers, raw cell values and the row numbers the user sees.

    Attributes
    ----------
    path : str
        The file read.
    format : {"csv", "xlsx", "xls", "ods", "parquet"}
        The format found from the content (``csv`` also covers TSV and TXT, ``xlsx`` XLSM).
    encoding, delimiter : str or None
        Of a text file (``None`` for other formats, or a single-column text file's delimiter).
    sheet : str or None
        The worksheet read.
    header_row : int
        1-based row of the header as the user sees it.
    headers : list of str
        Column names as written (trimmed); duplicates get " (2)", empty ones "column N".
    data : pandas.DataFrame
        One column per header, one row per data row, raw values: ``string`` dtype for text files
        (``<NA>`` for an empty cell), ``object`` dtype with Python values for workbooks and
        Parquet (str, int, float, bool, datetime, date, None).
    rows : numpy.ndarray of int64
        For each data row, its row number as the user sees it.
    problems : list of Problem
        Reader-level problems.
    read, skipped, rejected : int
        Data rows below the header; of them, skipped on purpose and rejected.
        ``read == len(data) + skipped + rejected``.
    sha256 : str
        Hash of the file's bytes.
    sheets : list of str
        All sheet names of a workbook.
    notes : list of str
        What the reader decided, for a person.
    date1904 : bool
        The workbook uses the 1904 date system.
    uncertain : dict of int to tuple of str
        Data rows (by position in ``data``) read back from a line with more fields than the
        header whose listed columns could not be told apart: those cells are empty.
    """

    path: str
    format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header_row: int
    headers: list[str]
    data: pd.DataFrame
    rows: np.ndarray
    problems: list[Problem] = field(default_factory=list)
    read: int = 0
    skipped: int = 0
    rejected: int = 0
    sha256: str = ""
    sheets: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    date1904: bool = False
    uncertain: dict[int, tuple[str, ...]] = field(default_factory=dict)


def display_name(path: str | os.PathLike[str]) -> str:
    """Return the file's name as the user gave it, for messages."""
    return os.fspath(path)


def unique_headers(cells: list[object]) -> list[str]:
    """Return trimmed, unique column names; empty ones become "column N" (1-based position).

    Examples
    --------
    >>> unique_headers(["Nom", " Nom ", None, "Ville"])
    ['Nom', 'Nom (2)', 'column 3', 'Ville']
    """
    names: list[str] = []
    seen: set[str] = set()
    for i, cell in enumerate(cells, start=1):
        base = "" if cell is None else str(cell).strip()
        base = CONTROL.sub("", base)
        if not base:
            base = f"column {i}"
        name, n = base, 1
        while name in seen:
            n += 1
            name = f"{base} ({n})"
        seen.add(name)
        names.append(name)
    return names


# Where Unicode puts its format characters (category Cf), a superset across Unicode versions;
# only those of the category in the running Python are kept (a test guards the list).
_FORMAT_RANGES = (
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1345F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)

#: Invisible format characters removed from every cell: Unicode's category Cf (bidirectional
#: controls such as U+202E RIGHT-TO-LEFT OVERRIDE, which reorder what a report shows, zero-width
#: spaces, soft hyphens, word joiners, byte-order marks...), except the zero-width joiner and
#: non-joiner, which shape the letters of some scripts and emoji.
INVISIBLE = "".join(
    chr(c)
    for lo, hi in _FORMAT_RANGES
    for c in range(lo, hi + 1)
    if unicodedata.category(chr(c)) == "Cf" and c not in (0x200C, 0x200D)
)

_INVISIBLE_CLASS = "".join(re.escape(c) for c in INVISIBLE)

#: C0 control characters (all but TAB and LF; the CR of CRLF is kept in pairs) and the
#: invisible format characters, removed from cells.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f" + _INVISIBLE_CLASS + r"]|\r(?!\n)")
#: The same set as CONTROL for pyarrow's RE2 (which has no look-ahead).
CONTROL_PATTERN = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f" + INVISIBLE + r"]|\r[^\n]|\r$"


def has_invisible(utf8: bytes) -> bool:
    """Return True when UTF-8 bytes hold an invisible format character of :data:`INVISIBLE`.

    One linear pass of pyarrow's RE2 over the bytes, without copying them.

    Examples
    --------
    >>> has_invisible("Zoé".encode()), has_invisible("Zo\u202eé".encode())
    (False, True)
    """
    if utf8.isascii():
        return False
    import pyarrow as pa
    import pyarrow.compute as pc

    offsets = pa.py_buffer(np.array([0, len(utf8)], dtype=np.int64).tobytes())
    text = pa.LargeStringArray.from_buffers(1, offsets, pa.py_buffer(utf8))
    return bool(pc.match_substring_regex(text, f"[{INVISIBLE}]")[0].as_py())


def clean_text(
    value: str,
    *,
    limits: Limits,
    problems: list[Problem],
    file: str,
    sheet: str | None,
    row: int,
    column: str,
) -> str:
    """Remove control and invisible characters and truncate an over-long cell, with a problem each.

    The characters removed are :data:`CONTROL`: C0 controls and the invisible format characters
    of :data:`INVISIBLE` (bidirectional overrides and isolates among them), reported as
    ``control-characters``.

    Examples
    --------
    >>> found: list[Problem] = []
    >>> clean_text("a\\x07b", limits=Limits(), problems=found, file="f.csv", sheet=None,
    ...            row=2, column="Nom")
    'ab'
    >>> found[0].code
    'control-characters'
    >>> clean_text("Jean\u202eDupont", limits=Limits(), problems=found, file="f.csv", sheet=None,
    ...            row=3, column="Nom")
    'JeanDupont'
    """
    if CONTROL.search(value):
        problems.append(
            Problem(
                code="control-characters",
                message="control characters were removed from the cell",
                file=file,
                sheet=sheet,
                row=row,
                column=column,
                value=value[:200],
                severity="warning",
            )
        )
        value = CONTROL.sub("", value)
    if len(value) > limits.max_cell_chars:
        problems.append(
            Problem(
                code="cell-truncated",
                message=(
                    f"the cell has {len(value):,} characters; kept the first "
                    f"{limits.max_cell_chars:,}"
                ),
                file=file,
                sheet=sheet,
                row=row,
                column=column,
                value=value[:200],
                severity="warning",
            )
        )
        value = value[: limits.max_cell_chars]
    return value
