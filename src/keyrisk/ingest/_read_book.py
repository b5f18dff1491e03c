"""Workbook (XLSX, XLSM, XLS, ODS) and Parquet readers (private)."""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import python_calamine as cal

from keyrisk.errors import (
    AmbiguousInputError,
    FileFormatError,
    InputError,
    LimitExceededError,
    Problem,
    UsageError,
)
from keyrisk.ingest._read_common import RawTable, ReadOptions, clean_text, unique_headers
from keyrisk.ingest._read_zipguard import BookScan, check_sheet
from keyrisk.ingest.limits import check_memory
from keyrisk.ingest.sniff import find_header_row

__all__ = ["read_parquet", "read_workbook"]

_DRAFT = re.compile(
    r"\b(brouillon|draft|old|ancien|archive|copie|copy|test|tests|essai|notes?|lisez[- ]?moi|"
    r"read[- ]?me|instructions?|aide|help|tmp|temp|backup|sauvegarde|exemple|example)\b",
    re.IGNORECASE,
)


_T = TypeVar("_T")

#: File extensions the engine maps to each format (it chooses its reader by the extension).
_EXTENSIONS = {"xlsx": (".xlsx", ".xlsm", ".xlam"), "ods": (".ods",), "xls": (".xls", ".xla")}


def _line(exc: BaseException) -> str:
    """The first line of an exception's message (messages stay on one line)."""
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


def _engine_failure(exc: BaseException) -> bool:
    """An exception of the engine: any Exception, or the PanicException of its Rust code.

    pyo3's PanicException derives from BaseException, not Exception; KeyboardInterrupt,
    SystemExit and MemoryError are not the engine's and propagate.
    """
    if isinstance(exc, MemoryError):
        return False
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def _engine(call: Callable[[], _T], file: str, what: str) -> _T:
    """Run one call into the engine; any failure of it becomes a one-line FileFormatError.

    Every call into python-calamine goes through here.
    """
    try:
        return call()
    except cal.PasswordError:
        raise FileFormatError(f"{file}: the workbook is encrypted, remove the password") from None
    except BaseException as exc:
        if not _engine_failure(exc):
            raise
        raise FileFormatError(f"{file}: {what} ({_line(exc)})") from None


_UNREADABLE = "the workbook cannot be read"


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def is_draft_name(name: str) -> bool:
    """Return True for a sheet name that looks like a draft, a copy or a read-me.

    Examples
    --------
    >>> is_draft_name("Brouillon"), is_draft_name("Lisez-moi"), is_draft_name("Golden")
    (True, True, False)
    """
    return _DRAFT.search(_fold(name).replace("_", " ")) is not None


def _py(value: Any) -> Any:
    """Calamine value -> Python value: '' -> None, integral float -> int, NaN -> "NaN".

    A cell holding NaN is not an empty cell: it becomes the text "NaN", which the value parsers
    report as unreadable.
    """
    if isinstance(value, str):
        return value if value != "" else None
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value.is_integer() and abs(value) < 2**53:
            return int(value)
    return value


class _Sheet:
    def __init__(self, name: str, start_row: int, start_col: int, cells: list[list[Any]]) -> None:
        self.name = name
        self.start_row = start_row  # 1-based Excel row of cells[0]
        self.start_col = start_col  # 1-based Excel column of cells[i][0]
        self.cells = cells
        self.header: int | None = find_header_row(cells) if cells else None

    @property
    def filled(self) -> int:
        return sum(1 for row in self.cells for v in row if v is not None)

    @property
    def width(self) -> int:
        if self.header is None:
            return 0
        return sum(1 for v in self.cells[self.header] if v is not None)

    @property
    def data_rows(self) -> int:
        if self.header is None:
            return 0
        return sum(1 for row in self.cells[self.header + 1 :] if any(v is not None for v in row))

    @property
    def is_table(self) -> bool:
        return self.width >= 2 and self.data_rows >= 1


def _load(
    wb: cal.CalamineWorkbook, name: str, scan: BookScan, options: ReadOptions, file: str
) -> _Sheet:
    check_sheet(name, scan.sheet(name), options.limits, file)
    what = f"cannot read sheet {name!r}"
    sheet = _engine(lambda: wb.get_sheet_by_name(name), file, what)
    raw = _engine(lambda: sheet.to_python(skip_empty_area=True), file, what)
    start = _engine(lambda: sheet.start, file, what)
    cells = [[_py(v) for v in row] for row in raw]
    if start is None:
        return _Sheet(name, 1, 1, [])
    return _Sheet(name, int(start[0]) + 1, int(start[1]) + 1, cells)


def _open(path: str, fmt: str, file: str) -> cal.CalamineWorkbook:
    """Open a workbook with the engine's reader for ``fmt``, whatever the file is named.

    The engine chooses its reader by the file's extension; a file whose extension names another
    format is opened through a symbolic link with the right one (or, where links cannot be
    made, from its bytes in memory).
    """
    wanted = _EXTENSIONS[fmt]
    if os.path.splitext(path)[1].lower() in wanted:
        return _engine(lambda: cal.CalamineWorkbook.from_path(path), file, _UNREADABLE)
    with tempfile.TemporaryDirectory(prefix="keyrisk-", ignore_cleanup_errors=True) as tmp:
        link = os.path.join(tmp, "workbook" + wanted[0])
        try:
            os.symlink(os.path.abspath(path), link)
        except (OSError, NotImplementedError):
            with open(path, "rb") as fh:
                return _engine(lambda: cal.CalamineWorkbook.from_filelike(fh), file, _UNREADABLE)
        return _engine(lambda: cal.CalamineWorkbook.from_path(link), file, _UNREADABLE)


def _choose(
    wb: cal.CalamineWorkbook, scan: BookScan, options: ReadOptions, file: str
) -> tuple[_Sheet, list[str]]:
    names = list(_engine(lambda: wb.sheet_names, file, _UNREADABLE))
    listing = ", ".join(repr(n) for n in names)
    if options.sheet is not None:
        if options.sheet not in names:
            raise UsageError(
                f"{file}: there is no sheet {options.sheet!r}; the sheets are {listing}"
            )
        return _load(wb, options.sheet, scan, options, file), []
    meta = {m.name: m for m in _engine(lambda: wb.sheets_metadata, file, _UNREADABLE)}
    primary: list[str] = []
    others: list[str] = []
    reasons: list[str] = []
    for n in names:
        m = meta.get(n)
        if m is not None and m.typ != cal.SheetTypeEnum.WorkSheet:
            continue
        if m is not None and m.visible != cal.SheetVisibleEnum.Visible:
            others.append(n)
            reasons.append(f"{n!r} is hidden")
        elif is_draft_name(n):
            others.append(n)
            reasons.append(f"{n!r} looks like a draft or notes")
        else:
            primary.append(n)
    for group in (primary, others):
        loaded = [_load(wb, n, scan, options, file) for n in group]
        tables = [s for s in loaded if s.is_table]
        if not tables:
            tables = [s for s in loaded if s.filled]
            if len(tables) > 1:
                tables = []
        if len(tables) == 1:
            return tables[0], reasons if group is primary else []
        if len(tables) > 1:
            ranked = sorted(tables, key=lambda s: -s.data_rows)
            if ranked[0].data_rows >= 10 * max(ranked[1].data_rows, 1):
                why = [f"{s.name!r} has only {s.data_rows} rows" for s in ranked[1:]]
                return ranked[0], (reasons if group is primary else []) + why
            which = ", ".join(repr(s.name) for s in tables)
            raise AmbiguousInputError(
                f"{file}: several sheets hold a table ({which}); choose one with --sheet"
            )
    raise InputError(f"{file}: the workbook holds no data (sheets: {listing})")


def read_workbook(
    path: str,
    fmt: str,
    scan: BookScan,
    options: ReadOptions,
    sha256: str,
    notes: list[str],
) -> RawTable:
    """Read the data sheet of a workbook (see :func:`keyrisk.ingest.readers.read_raw`).

    ``scan`` is what the safety scan measured: a sheet is refused before the engine allocates
    it when it would cost more than ``Limits.max_cells`` cells (every sheet, before opening,
    for the formats whose engine reads them all when opening: ODS and XLS).
    """
    file = path
    if scan.eager:
        for name, sheet_scan in scan.sheets.items():
            check_sheet(name, sheet_scan, options.limits, file)
    wb = _open(path, fmt, file)
    try:
        sheet, reasons = _choose(wb, scan, options, file)
        sheets = list(_engine(lambda: wb.sheet_names, file, _UNREADABLE))
    finally:
        try:
            wb.close()
        except BaseException as exc:
            if not _engine_failure(exc):
                raise
    if reasons:
        notes.append(f"sheet {sheet.name!r} chosen: " + "; ".join(reasons))
    elif len(sheets) > 1:
        notes.append(f"sheet {sheet.name!r} chosen")
    cells = sheet.cells
    first = sheet.start_row
    if options.header_row is not None:
        h = options.header_row - first
        if h >= len(cells):
            raise UsageError(
                f"{file}[{sheet.name}]: row {options.header_row} is below the last row "
                f"{first + len(cells) - 1}"
            )
        if h < 0 or all(v is None for v in cells[h]):
            raise InputError(
                f"{file}[{sheet.name}]: row {options.header_row}, given as the header, is blank"
            )
    else:
        if sheet.header is None:
            raise InputError(f"{file}[{sheet.name}]: the sheet is empty")
        h = sheet.header
    header_cells = cells[h]
    body = cells[h + 1 :]
    # columns with neither a header nor a value are layout, not data (e.g. an empty column A)
    keep = [
        j
        for j in range(len(header_cells))
        if header_cells[j] is not None or any(len(r) > j and r[j] is not None for r in body)
    ]
    width = len(keep)
    if width > options.limits.max_columns:
        raise LimitExceededError(
            f"{file}[{sheet.name}]: {width:,} columns, more than the limit of "
            f"{options.limits.max_columns:,} (Limits.max_columns)"
        )
    headers = unique_headers([header_cells[j] for j in keep])
    header_row = first + h
    if h and any(v is not None for r in cells[:h] for v in r):
        notes.append(f"header found on row {header_row} below a title row")
    elif header_row > 1:
        notes.append(f"header found on row {header_row} below blank rows")

    problems: list[Problem] = []
    columns: list[list[Any]] = [[] for _ in range(width)]
    rows: list[int] = []
    skipped = 0
    pending: list[int] = []
    for i, row in enumerate(body, start=h + 1):
        excel_row = first + i
        values = [row[j] if j < len(row) else None for j in keep]
        if all(v is None for v in values):
            pending.append(excel_row)
            continue
        for r in pending:
            skipped += 1
            problems.append(
                Problem(
                    code="blank-row",
                    message="empty row inside the data, skipped",
                    file=file,
                    sheet=sheet.name,
                    row=r,
                    severity="info",
                )
            )
        pending = []
        for j, v in enumerate(values):
            if isinstance(v, str):
                v = clean_text(
                    v,
                    limits=options.limits,
                    problems=problems,
                    file=file,
                    sheet=sheet.name,
                    row=excel_row,
                    column=headers[j],
                )
            columns[j].append(v)
        rows.append(excel_row)
    if sheet.name in scan.sheets:
        kept = set(rows)
        position = {j: k for k, j in enumerate(keep)}
        for r, c in scan.sheets[sheet.name].formulas_without_value:
            j = position.get(c - sheet.start_col, -1)
            if r in kept:
                problems.append(
                    Problem(
                        code="formula-no-value",
                        message="a formula without a saved result was read as empty "
                        "(open and save the file in Excel to store the results)",
                        file=file,
                        sheet=sheet.name,
                        row=r,
                        column=headers[j] if 0 <= j < width else None,
                        severity="warning",
                    )
                )
    problems.sort(key=lambda p: p.row or 0)
    data = pd.DataFrame(
        {name: pd.Series(col, dtype=object) for name, col in zip(headers, columns, strict=True)},
        columns=pd.Index(headers),
    )
    return RawTable(
        path=path,
        format=fmt,
        encoding=None,
        delimiter=None,
        sheet=sheet.name,
        header_row=header_row,
        headers=headers,
        data=data,
        rows=np.asarray(rows, dtype=np.int64),
        problems=problems,
        read=len(rows) + skipped,
        skipped=skipped,
        rejected=0,
        sha256=sha256,
        sheets=sheets,
        notes=notes,
        date1904=scan.date1904,
    )


def _parquet_values(column: Any, header: str, notes: list[str]) -> list[Any]:
    """A Parquet column as Python values a table cell may hold.

    Dictionary-encoded columns give their values, decimals become floats, nested columns
    (struct, list, map) JSON text, binary columns UTF-8 text (an undecodable value is left
    empty); each change of type is noted. A type pyarrow cannot turn into Python values is
    read as text, or left empty, with a note.
    """
    import pyarrow as pa
    import pyarrow.types as pt

    typ = column.type
    try:
        if pt.is_dictionary(typ):
            column = column.cast(typ.value_type)
            typ = typ.value_type
        if pt.is_decimal(typ):
            return list(column.cast(pa.float64()).to_pylist())
        if pt.is_nested(typ):
            notes.append(f"column {header!r} holds {typ} values: read as JSON text")
            return [
                None if v is None else json.dumps(v, ensure_ascii=False, default=str)
                for v in column.to_pylist()
            ]
        if pt.is_binary(typ) or pt.is_large_binary(typ) or pt.is_fixed_size_binary(typ):
            out: list[Any] = []
            undecodable = 0
            for v in column.to_pylist():
                try:
                    out.append(None if v is None else v.decode("utf-8"))
                except UnicodeDecodeError:
                    out.append(None)
                    undecodable += 1
            note = f"column {header!r} holds binary data: read as UTF-8 text"
            if undecodable:
                note += f"; {undecodable:,} value(s) that are not text left empty"
            notes.append(note)
            return out
        if pt.is_floating(typ):  # a NaN is a value, not an empty cell (a null is)
            return ["NaN" if v is not None and v != v else v for v in column.to_pylist()]
        return list(column.to_pylist())
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        pass
    try:
        values = list(column.cast(pa.string()).to_pylist())
        notes.append(f"column {header!r} holds {typ} values: read as text")
        return values
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        notes.append(f"column {header!r} holds {typ} values, which keyrisk cannot read: left empty")
        return [None] * len(column)


def read_parquet(path: str, options: ReadOptions, sha256: str, notes: list[str]) -> RawTable:
    """Read a Parquet file: header row 1 and data rows 2..n+1 by convention.

    Columns of any Arrow type are read (see :func:`_parquet_values`): nested and binary ones
    as text, so that no column ends the read.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    file = path
    try:
        pf = pq.ParquetFile(path)
        meta = pf.metadata
        if meta.num_rows * max(meta.num_columns, 1) > options.limits.max_cells:
            raise LimitExceededError(
                f"{file}: {meta.num_rows:,} rows x {meta.num_columns:,} columns, more than the "
                f"limit of {options.limits.max_cells:,} cells (Limits.max_cells)"
            )
        check_memory(meta.num_rows * max(meta.num_columns, 1), options.limits, file)
        table = pf.read()
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise FileFormatError(f"{file}: the Parquet file cannot be read ({_line(exc)})") from None
    headers = unique_headers(list(table.column_names))
    problems: list[Problem] = []
    rows = np.arange(2, table.num_rows + 2, dtype=np.int64)
    columns: dict[str, pd.Series] = {}
    for j, name in enumerate(headers):
        values = _parquet_values(table.column(j), name, notes)
        for i, v in enumerate(values):
            if isinstance(v, str):
                values[i] = clean_text(
                    v,
                    limits=options.limits,
                    problems=problems,
                    file=file,
                    sheet=None,
                    row=int(rows[i]),
                    column=name,
                )
        columns[name] = pd.Series(values, dtype=object)
    data = pd.DataFrame(columns, columns=pd.Index(headers))
    notes.append("Parquet: header on row 1, data rows numbered from 2 by convention")
    return RawTable(
        path=path,
        format="parquet",
        encoding=None,
        delimiter=None,
        sheet=None,
        header_row=1,
        headers=headers,
        data=data,
        rows=rows,
        problems=problems,
        read=table.num_rows,
        sha256=sha256,
        notes=notes,
    )
