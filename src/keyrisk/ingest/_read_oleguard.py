"""Safety checks of OLE2 (XLS, Excel 97-2003) workbooks before the engine sees them (private).

An XLS file is a compound file (a small FAT file system) holding a ``Workbook`` (or, before
Excel 97, ``Book``) stream of BIFF records. The engine (python-calamine) reads every sheet when
it opens the file and allocates, for each one, what its DIMENSIONS record declares (even a
first row after the last one, which wraps around to four billion rows) and then the bounding
box of its cells, densely; a failed allocation aborts the process. This module reads the
compound file and walks the records itself, refusing a sheet whose declared or real extent
exceeds ``Limits.max_cells`` and a stream that is not what it claims, before the engine runs.

Every count it trusts is bounded by the file's size: a stream is read through a chain of
sectors that must exist in the file, a record's length is at most the bytes left, and a
string table may not claim more strings than its bytes could hold.
"""

from __future__ import annotations

import struct

from keyrisk.errors import FileFormatError
from keyrisk.ingest._read_zipguard import BookScan, SheetScan
from keyrisk.ingest.limits import Limits

__all__ = ["biff_sheets", "compound_streams", "scan_ole"]

_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_SPECIAL = 0xFFFFFFFA  # sector numbers from here up are markers, not sectors
_BOF = {0x0809, 0x0409, 0x0209, 0x0009}
_EOF = 0x000A
#: BIFF records that hold one cell, with its row and column in their first four bytes
#: (numbers, labels, booleans and errors, RK, shared-string labels, formulas; BIFF2 to BIFF8).
_CELL = {
    0x0002,
    0x0003,
    0x0004,
    0x0005,
    0x0006,
    0x0203,
    0x0204,
    0x0205,
    0x0206,
    0x0406,
    0x027E,
    0x00FD,
    0x00D6,
}
_MULRK = 0x00BD
_DIMENSIONS = 0x0200
_BOUNDSHEET = 0x0085
_SST = 0x00FC
_U32 = 1 << 32


class _Damaged(Exception):
    """The compound file or its records are not what they claim."""


def _u32s(data: bytes) -> list[int]:
    return list(struct.unpack(f"<{len(data) // 4}I", data[: len(data) // 4 * 4]))


def compound_streams(data: bytes, wanted: set[str]) -> list[tuple[str, bytes]]:
    """Return the streams of a compound file whose name (case ignored) is in ``wanted``.

    Raises
    ------
    ValueError
        When the compound file is damaged (chains out of the file, loops, short streams).
    """
    try:
        return _streams(data, {w.lower() for w in wanted})
    except (_Damaged, struct.error, IndexError) as exc:
        raise ValueError(str(exc) or "damaged compound file") from None


def _streams(data: bytes, wanted: set[str]) -> list[tuple[str, bytes]]:
    if len(data) < 512 or not data.startswith(_SIGNATURE):
        raise _Damaged("not a compound file")
    shift, mini_shift = struct.unpack_from("<HH", data, 30)
    if shift not in (9, 12) or not 1 <= mini_shift < shift:
        raise _Damaged(f"sector size 2^{shift} is not valid")
    size = 1 << shift
    n_sectors = (len(data) - size + size - 1) // size
    (n_fat, first_dir, _, cutoff, first_mini, n_mini, first_difat, n_difat) = struct.unpack_from(
        "<IIIIIIII", data, 44
    )

    def sector(n: int) -> bytes:
        if n >= n_sectors:
            raise _Damaged(f"sector {n} lies beyond the end of the file")
        return data[(n + 1) * size : (n + 2) * size]

    fat_sectors = [n for n in _u32s(data[76:512]) if n < _SPECIAL]
    seen: set[int] = set()
    n = first_difat
    while n < _SPECIAL and len(seen) < max(n_difat, 0) + 1:
        if n in seen:
            raise _Damaged("the sector allocation table loops")
        seen.add(n)
        difat = _u32s(sector(n))
        fat_sectors += [e for e in difat[:-1] if e < _SPECIAL]
        n = difat[-1]
    if len(fat_sectors) > n_sectors or not fat_sectors:
        raise _Damaged("the sector allocation table is larger than the file")
    fat: list[int] = []
    for n in fat_sectors[: max(n_fat, 1)]:
        fat += _u32s(sector(n))

    def chain(start: int, table: list[int], limit: int) -> list[int]:
        out: list[int] = []
        seen: set[int] = set()
        n = start
        while n < _SPECIAL:
            if n in seen or n >= len(table) or len(out) > limit:
                raise _Damaged("a sector chain loops or leaves the file")
            seen.add(n)
            out.append(n)
            n = table[n]
        if n not in (_END, _FREE):
            raise _Damaged("a sector chain ends on a marker")
        return out

    directory = b"".join(sector(n) for n in chain(first_dir, fat, n_sectors))
    entries = [directory[i : i + 128] for i in range(0, len(directory) - 127, 128)]
    if not entries:
        raise _Damaged("the compound file has no directory")
    root = entries[0]
    root_start, root_size = struct.unpack_from("<II", root, 116)
    mini_stream = b""
    mini_fat: list[int] = []
    if root_start < _SPECIAL:
        mini_stream = b"".join(sector(n) for n in chain(root_start, fat, n_sectors))
        mini_stream = mini_stream[:root_size]
    if first_mini < _SPECIAL:
        mini_fat = _u32s(
            b"".join(sector(n) for n in chain(first_mini, fat, max(n_mini, 0) + n_sectors))
        )
    mini = 1 << mini_shift
    out: list[tuple[str, bytes]] = []
    for entry in entries[1:]:
        length, kind = struct.unpack_from("<HB", entry, 64)
        if kind != 2 or not 2 <= length <= 64:
            continue
        label = entry[: length - 2].decode("utf-16-le", "replace")
        if label.lower() not in wanted:
            continue
        start, stream_size = struct.unpack_from("<II", entry, 116)
        if stream_size > len(data):
            raise _Damaged(f"the stream {label!r} claims {stream_size:,} bytes, more than the file")
        if stream_size < cutoff:
            sectors = chain(start, mini_fat, len(mini_stream) // mini + 1)
            parts = [mini_stream[n * mini : (n + 1) * mini] for n in sectors]
        else:
            parts = [sector(n) for n in chain(start, fat, n_sectors)]
        body = b"".join(parts)
        if len(body) < stream_size:
            raise _Damaged(f"the stream {label!r} is shorter than it claims")
        out.append((label, body[:stream_size]))
    return out


def _records(stream: bytes, start: int) -> list[tuple[int, int, int]]:
    """(type, offset of the body, length) of the records from ``start`` to the stream's end."""
    out: list[tuple[int, int, int]] = []
    pos = start
    end = len(stream)
    while pos + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, pos)
        if pos + 4 + length > end:
            break  # a record cut short: the engine stops there too, or fails
        out.append((kind, pos + 4, length))
        pos += 4 + length
    return out


def _wrap(a: int) -> int:
    return a % _U32


def _sheet_scan(stream: bytes, start: int) -> SheetScan:
    """Measure the sheet whose records start at ``start``: its cells and declared extent."""
    scan = SheetScan()
    depth = 0
    for kind, at, length in _records(stream, start):
        if kind in _BOF:
            depth += 1
            continue
        if kind == _EOF:
            depth -= 1
            if depth <= 0:
                break
            continue
        if kind in _CELL and length >= 4:
            row, col = struct.unpack_from("<HH", stream, at)
            scan.add(row + 1, col + 1)
        elif kind == _MULRK and length >= 6:
            row, first = struct.unpack_from("<HH", stream, at)
            (last,) = struct.unpack_from("<H", stream, at + length - 2)
            count = max((length - 6) // 6, 1)
            scan.add(row + 1, first + 1, cols=max(count, last - first + 1))
        elif kind == _DIMENSIONS and length in (10, 14):
            if length == 10:
                rf, rl, cf, cl = struct.unpack_from("<HHHH", stream, at)
            else:
                rf, rl, cf, cl = struct.unpack_from("<IIHH", stream, at)
            # as the engine computes it, in 32-bit unsigned arithmetic
            rows, cols = (_wrap(rl - rf), _wrap(cl - cf)) if rl >= 1 and cl >= 1 else (1, 1)
            if rows * cols > scan.reserved:
                scan.reserved = rows * cols
                scan.reserved_what = (
                    f"declares {rows:,} rows x {cols:,} columns in its DIMENSIONS record"
                )
    return scan


def biff_sheets(stream: bytes, name: str) -> dict[str, SheetScan]:
    """Measure every sheet of a BIFF ``Workbook`` stream.

    Raises
    ------
    FileFormatError
        When the stream does not start with a BOF record, a sheet starts beyond its end, or its
        string table claims more strings than it could hold.
    """
    records = _records(stream, 0)
    if not records or records[0][0] not in _BOF:
        raise FileFormatError(f"{name}: the workbook stream is not an Excel workbook (no BOF)")
    sheets: list[tuple[str, int]] = []
    for kind, at, length in records[1:]:
        if kind == _EOF:
            break
        if kind == _BOUNDSHEET and length >= 8:
            (offset,) = struct.unpack_from("<I", stream, at)
            cch, flags = stream[at + 6], stream[at + 7]
            raw = stream[at + 8 : at + length]
            label = (
                raw[: 2 * cch].decode("utf-16-le", "replace")
                if flags & 1
                else raw[:cch].decode("latin-1")
            )
            sheets.append((label or f"Sheet{len(sheets) + 1}", offset))
        elif kind == _SST and length >= 8:
            (unique,) = struct.unpack_from("<i", stream, at + 4)
            if unique < 0 or unique * 3 > len(stream):
                raise FileFormatError(
                    f"{name}: the workbook's string table claims {unique:,} strings, more than "
                    "its bytes could hold; refusing a damaged or hostile file"
                )
    out: dict[str, SheetScan] = {}
    globals_scan = _sheet_scan(stream, 0)
    if globals_scan.max_row:  # BIFF2-4 files keep their cells in the only stream
        out["(workbook)"] = globals_scan
    for label, offset in sheets:
        if offset >= len(stream):
            raise FileFormatError(
                f"{name}: the sheet {label!r} starts beyond the end of the workbook stream; "
                "the workbook is damaged"
            )
        scan = _sheet_scan(stream, offset)
        title = label if label not in out else f"{label} ({len(out) + 1})"
        out[title] = scan
    return out


def scan_ole(path: str, name: str, limits: Limits) -> BookScan:
    """Read an XLS compound file and measure every sheet; raise before the engine runs.

    Parameters
    ----------
    path : str
        The file.
    name : str
        The file's name, for messages.
    limits : Limits
        The safety limits (``max_cells`` is checked by the caller on the scan).

    Returns
    -------
    BookScan
        Kind ``xls`` and, per sheet, the bounding box of its cells and what its DIMENSIONS
        record makes the engine reserve.

    Raises
    ------
    FileFormatError
        A damaged compound file, no workbook stream, damaged records.
    """
    with open(path, "rb") as fh:
        data = fh.read()  # read_raw has checked the size against Limits.max_file_bytes
    try:
        streams = compound_streams(data, {"Workbook", "Book"})
    except ValueError as exc:
        raise FileFormatError(f"{name}: the workbook is damaged or truncated ({exc})") from None
    if not streams:
        raise FileFormatError(
            f"{name}: this is an Office document without a workbook (a Word .doc?), "
            "not a spreadsheet"
        )
    scan = BookScan(kind="xls")
    for _, stream in streams:  # a stream stored twice: every copy is measured
        for title, sheet in biff_sheets(stream, name).items():
            if title not in scan.sheets or sheet.cost > scan.sheets[title].cost:
                scan.sheets[title] = sheet
    scan.unmatched = max(scan.sheets.values(), key=lambda s: s.cost, default=SheetScan())
    return scan
