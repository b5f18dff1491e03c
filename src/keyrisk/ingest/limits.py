"""Safety limits of the file readers.

Every limit protects the reader against a hostile or broken file (a zip bomb, a sheet that claims
17 billion cells, a 40,000-character cell) so that a bad input ends in a one-line
:class:`~keyrisk.errors.LimitExceededError` within seconds and bounded memory, never a hang or a
crash. The defaults are generous for real exports; each can be raised for one read.

Limits
------
max_file_bytes : int, default 2 GiB (2,147,483,648)
    Largest file read at all (checked on the file size before reading a byte).
max_uncompressed_bytes : int, default 1 GiB (1,073,741,824)
    Largest declared *and* actual uncompressed size of one member of a workbook (XLSX, XLSM,
    ODS are ZIP archives), and of all members together.
max_ratio : float, default 200.0
    Largest compression ratio (uncompressed / compressed size) of a ZIP member larger than
    ``ratio_floor_bytes``; real workbook parts compress 5 to 50 times, zip bombs thousands of times.
ratio_floor_bytes : int, default 8 MiB (8,388,608)
    Members smaller than this are never refused for their ratio (small parts are harmless).
max_members : int, default 10,000
    Most members in a workbook archive.
max_cells : int, default 50,000,000
    Most cells a sheet may cost the spreadsheet engine, whatever the format (XLSX, XLSM, ODS,
    XLS): rows x columns of the bounding box of the cells holding something, as the engine
    reads them (not as the file declares them), and any other area the engine allocates for the
    sheet (an XLS DIMENSIONS record, the empty cells an ODS repeats before a value); and the
    largest rows x columns of a Parquet file. The engine allocates that area densely, about 80
    bytes per cell with the conversion to Python (so the default allows about 4 GB), and aborts
    the process when it cannot: a single cell at XFD1048576 is refused before it is allocated.
max_memory_bytes : int, default 3 GiB (3,221,225,472)
    Most memory a sheet (or a text or Parquet file) may cost to read, estimated before anything
    is allocated: its cells (the area of :data:`max_cells` for workbooks, rows x columns for
    Parquet, lines x header columns for text files) times :data:`CELL_BYTES`. The default lets a
    1,000,000-row export of 40 columns through, and leaves room for the analysis on a 16 GB
    machine; ``--limit max_memory_bytes=...`` raises it.
max_columns : int, default 16,384
    Most columns of a table (Excel's own maximum).
max_cell_chars : int, default 32,767
    Longest cell kept whole (Excel's own maximum); longer cells are truncated with a
    ``cell-truncated`` warning.

How to raise a limit
--------------------
Pass a :class:`Limits` with the new value in :class:`keyrisk.ingest.readers.ReadOptions`:
``read_raw(path, ReadOptions(limits=Limits(max_file_bytes=8 * 2**30)))``; ``dataclasses.replace``
changes one limit and keeps the others.

Examples
--------
>>> from keyrisk.ingest.limits import Limits
>>> Limits().max_cell_chars
32767
>>> Limits(max_ratio=1000.0).max_ratio
1000.0
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from keyrisk.errors import LimitExceededError, UsageError

__all__ = ["CELL_BYTES", "Limits", "check_memory"]

GIB = 2**30
MIB = 2**20
#: Memory one cell costs while it is read, in bytes: measured at about 80 for the spreadsheet
#: engine with the conversion to Python, about 70 for a text file read by pyarrow into pandas.
CELL_BYTES = 80


@dataclass(frozen=True)
class Limits:
    """Safety limits of the readers (see the module docstring for each one and how to raise it).

    Parameters
    ----------
    max_file_bytes : int, default 2 GiB
        Largest file read.
    max_uncompressed_bytes : int, default 1 GiB
        Largest uncompressed size of one archive member, and of all together.
    max_ratio : float, default 200.0
        Largest compression ratio of an archive member larger than ``ratio_floor_bytes``.
    ratio_floor_bytes : int, default 8 MiB
        Members smaller than this are never refused for their ratio.
    max_members : int, default 10,000
        Most members in a workbook archive.
    max_cells : int, default 50,000,000
        Largest rows x columns area of the sheet read (or of a Parquet file).
    max_memory_bytes : int, default 3 GiB
        Most memory the cells of a sheet or file may cost, estimated before reading.
    max_columns : int, default 16,384
        Most columns of a table.
    max_cell_chars : int, default 32,767
        Longest cell kept whole; longer cells are truncated with a warning.

    Examples
    --------
    >>> Limits(max_cells=10).max_cells
    10
    """

    max_file_bytes: int = 2 * GIB
    max_uncompressed_bytes: int = GIB
    max_ratio: float = 200.0
    ratio_floor_bytes: int = 8 * MIB
    max_members: int = 10_000
    max_cells: int = 50_000_000
    max_memory_bytes: int = 3 * GIB
    max_columns: int = 16_384
    max_cell_chars: int = 32_767

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise UsageError(f"The limit {f.name!r} must be a positive number; got {value!r}.")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Limits:
        """Return the default limits with some raised, checking each name.

        Examples
        --------
        >>> Limits.from_mapping({"max_cells": 10**8}).max_cells
        100000000
        """
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise UsageError(
                f"Unknown limit {unknown[0]!r}; expected one of {', '.join(sorted(known))}."
            )
        return cls(**dict(values))


def check_memory(cells: int, limits: Limits, what: str) -> None:
    """Refuse to read ``cells`` cells when they would cost more than ``limits.max_memory_bytes``.

    Parameters
    ----------
    cells : int
        The cells the read allocates (an upper estimate).
    limits : Limits
    what : str
        The file (and sheet) in words, first in the message.

    Raises
    ------
    LimitExceededError
        One line naming the estimate, the limit and how to raise it.

    Notes
    -----
    Estimated memory = ``cells x CELL_BYTES``.

    Examples
    --------
    >>> check_memory(1000, Limits(), "a.csv")
    >>> try:
    ...     check_memory(1000, Limits(max_memory_bytes=1000), "a.csv")
    ... except LimitExceededError as exc:
    ...     print(str(exc).split("; ")[-1])
    raise it with --limit max_memory_bytes=80000 if the machine has the memory
    """
    need = int(cells) * CELL_BYTES
    if need <= limits.max_memory_bytes:
        return
    raise LimitExceededError(
        f"{what}: reading {int(cells):,} cells would take about {need:,} bytes of memory (about "
        f"{CELL_BYTES} bytes a cell), more than the limit of {limits.max_memory_bytes:,} bytes "
        f"(Limits.max_memory_bytes); raise it with --limit max_memory_bytes={need} if the "
        "machine has the memory"
    )
