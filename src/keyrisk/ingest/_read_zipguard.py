"""Safety checks of ZIP-based workbooks before any parser sees them (private).

Checks the central directory (member count, declared sizes, compression ratio), then streams
every XML member with a hard cap (a lying header cannot inflate past the limits), refuses DOCTYPE
and ENTITY declarations (XML entity expansion, "billion laughs"), and measures what each sheet
will cost the spreadsheet engine, so that :func:`check_sheet` can refuse it before the engine
allocates it.

The measure follows the engine's own reading rules, not the file's claims: the engine
(python-calamine) allocates the bounding box of the cells holding something, densely, and
aborts the process when that allocation fails. So:

- XLSX/XLSM: a worksheet part is found through the workbook's relationships whatever its name,
  folder, extension or case (the engine looks members up ignoring case); every member that looks
  like XML is measured, and a sheet whose part cannot be told is bounded by the costliest of
  them. In a part, cells are placed as the engine places them: a ``r`` reference in any case and
  with any number of letters, a cell without one just after the previous cell, a row without one
  just below the previous row, element prefixes ignored, quoted ``>`` in attributes allowed.
  The ``<dimension>`` tag is not used: it can lie, and the engine only trusts it for a
  reservation it caps at 100,000 cells.
- ODS: every table of ``content.xml`` (the engine reads them all when opening the file), with
  ``number-rows-repeated`` and ``number-columns-repeated`` expanded; a cell holds something when
  it has any value attribute (``office:value``, ``office:boolean-value``...), a formula, a value
  type or content. Elements are matched on their local name, so a ``table:`` prefix bound to
  another namespace (the engine reads it) is measured too. The empty cells before a row's values
  count: the engine materialises them.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field

import defusedxml.ElementTree as DET

from keyrisk.errors import FileFormatError, LimitExceededError
from keyrisk.ingest.limits import Limits, check_memory

__all__ = ["BookScan", "SheetScan", "cell_position", "check_sheet", "col_number", "scan_zip"]

_CHUNK = 1 << 20
_PEEK = 512
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_XML_EXT = (".xml", ".rels", ".vml")
_PREFIX = rb"(?:[A-Za-z_][\w.\-]*:)?"
_ATTRS = rb"((?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+)"
_IGNORED = rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>"
_SHEET_TOKEN = re.compile(
    _IGNORED + rb"|<(/?)" + _PREFIX + rb"(row|c|sheetData)(?=[\s/>])" + _ATTRS + rb">",
    re.DOTALL,
)
_ODS_TOKEN = re.compile(
    _IGNORED
    + rb"|<(/?)"
    + _PREFIX
    + rb"(table|table-row|table-cell|covered-table-cell)(?=[\s/>])"
    + _ATTRS
    + rb">",
    re.DOTALL,
)
_EMPTY_CELL = re.compile(rb"\s*</" + _PREFIX + rb"c\s*>")
# The usual layout, where every cell's first attribute is its reference: the cells holding
# something are found in one pass (no self-closing tag, not closed at once).
_PLAIN_CELL = re.compile(
    rb"<c r=\"([^\"]*)\"" + _ATTRS.replace(b"(", b"(?:", 1) + rb"(?<!/)>(?!\s*</c\s*>)"
)
_LETTERS_DIGITS = re.compile(rb"([A-Za-z]+)([0-9]+)")
_NOT_REF = re.compile(rb"[^A-Za-z0-9 ]|  |^ | $")
_EMPTY_ODS_CELL = re.compile(rb"\s*</" + _PREFIX + rb"(?:covered-)?table-cell\s*>")
_ATTR = re.compile(rb"([^\s=/>\"']+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_REF = re.compile(rb"([A-Za-z]*)([0-9]+)")
_FCELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)>(.*?)</(?:\w+:)?c>", re.DOTALL)
# An attribute that gives a cell a value (any prefix). Found inside a quoted value too, which
# only ever counts a cell more.
_ODS_VALUE = re.compile(
    rb"(?:^|\s)" + _PREFIX + rb"(?:value|string-value|date-value|time-value|boolean-value"
    rb"|value-type|formula)\s*="
)


def _line(exc: BaseException) -> str:
    """The first line of an exception's message (messages stay on one line)."""
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


def col_number(letters: str) -> int:
    """Return the 1-based column number of Excel column letters (either case).

    Examples
    --------
    >>> col_number("A"), col_number("XFD"), col_number("xfd")
    (1, 16384, 16384)
    """
    n = 0
    for c in letters.upper():
        n = n * 26 + ord(c) - 64
    return n


def cell_position(ref: bytes) -> tuple[int, int | None]:
    """Return the 0-based (row, column) of a cell reference as the engine reads it.

    Letters of either case and any number of them, then digits; the column is None when there
    are no letters.

    Raises
    ------
    ValueError
        When the engine would refuse the reference too (no row, other characters).

    Examples
    --------
    >>> cell_position(b"B3"), cell_position(b"xfd1048576"), cell_position(b"7")
    ((2, 1), (1048575, 16383), (6, None))
    """
    m = _REF.fullmatch(ref)
    if m is None or len(ref) > 40 or int(m.group(2)) < 1:
        raise ValueError(f"not a cell reference: {ref[:40]!r}")
    letters = m.group(1).decode("ascii")
    return int(m.group(2)) - 1, (col_number(letters) - 1 if letters else None)


@dataclass
class SheetScan:
    """What a sheet will cost the engine, measured before it is read.

    ``min_row`` ... ``max_col`` are the 1-based bounding box of the cells holding something
    (0 when there are none); ``reserved`` counts cells the engine allocates besides that box
    (the empty cells before a row's values in an ODS, the area an XLS DIMENSIONS record
    declares), described by ``reserved_what``.
    """

    min_row: int = 0
    max_row: int = 0
    min_col: int = 0
    max_col: int = 0
    formulas_without_value: list[tuple[int, int]] = field(default_factory=list)
    reserved: int = 0
    reserved_what: str = ""

    @property
    def rows(self) -> int:
        """Rows of the bounding box."""
        return self.max_row - self.min_row + 1 if self.max_row else 0

    @property
    def cols(self) -> int:
        """Columns of the bounding box."""
        return self.max_col - self.min_col + 1 if self.max_col else (1 if self.max_row else 0)

    @property
    def area(self) -> int:
        """Rows x columns of the bounding box of the cells holding something."""
        return self.rows * self.cols

    @property
    def cost(self) -> int:
        """The cells the engine allocates for the sheet: the box, or more when it reserves more."""
        return max(self.area, self.reserved)

    def add(self, row: int, col: int, rows: int = 1, cols: int = 1) -> None:
        """Widen the box to cells ``row..row+rows-1`` x ``col..col+cols-1`` (1-based)."""
        last_row, last_col = row + rows - 1, col + cols - 1
        self.min_row = row if not self.min_row else min(self.min_row, row)
        self.max_row = max(self.max_row, last_row)
        self.min_col = col if not self.min_col else min(self.min_col, col)
        self.max_col = max(self.max_col, last_col)


@dataclass
class BookScan:
    """What the scan of a workbook found.

    ``sheets`` maps each sheet name to its scan; ``unmatched`` bounds a sheet the engine lists
    but whose part the scan could not tell (the costliest part of the archive). In ODS and XLS
    files the engine reads every sheet when it opens the file: ``eager`` is then True and every
    sheet is checked before opening.
    """

    kind: str  # "xlsx", "ods", "xls"
    date1904: bool = False
    sheets: dict[str, SheetScan] = field(default_factory=dict)
    unmatched: SheetScan = field(default_factory=SheetScan)

    @property
    def eager(self) -> bool:
        """The engine reads every sheet when opening the file."""
        return self.kind in ("ods", "xls")

    def sheet(self, name: str) -> SheetScan:
        """The scan of sheet ``name``, or the bound of a sheet whose part is unknown."""
        return self.sheets.get(name, self.unmatched)


def check_sheet(name: str, scan: SheetScan, limits: Limits, file: str) -> None:
    """Refuse a sheet that would cost the engine more than ``Limits.max_cells`` cells, or more
    memory than ``Limits.max_memory_bytes`` (:func:`keyrisk.ingest.limits.check_memory`).

    Raises
    ------
    LimitExceededError
        With the size the sheet spans (or what it makes the engine reserve).
    """
    limit = limits.max_cells
    if scan.area > limit:
        raise LimitExceededError(
            f"{file}: sheet {name!r} spans {scan.rows:,} rows x {scan.cols:,} columns, more "
            f"than the limit of {limit:,} cells (Limits.max_cells)"
        )
    if scan.reserved > limit:
        raise LimitExceededError(
            f"{file}: sheet {name!r} {scan.reserved_what}, more than the limit of {limit:,} "
            "cells (Limits.max_cells)"
        )
    check_memory(max(scan.area, scan.reserved), limits, f"{file}: sheet {name!r}")


def _stream(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, name: str) -> bytes:
    """Decompress a member with a hard cap on the bytes produced."""
    out = bytearray()
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                out += chunk
                if len(out) > cap:
                    raise LimitExceededError(
                        f"{name}: the part {info.filename!r} inflates beyond "
                        f"{cap:,} bytes (Limits.max_uncompressed_bytes); refusing a likely zip bomb"
                    )
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise FileFormatError(
            f"{name}: the workbook is damaged or truncated ({_line(exc)})"
        ) from None
    return bytes(out)


def _peek(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    """The first bytes of a member (to tell whether it is XML)."""
    try:
        with zf.open(info) as fh:
            return fh.read(_PEEK)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise FileFormatError(
            f"{name}: the workbook is damaged or truncated ({_line(exc)})"
        ) from None


def _looks_like_xml(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    body = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    return body.lstrip()[:1] == b"<" or body[:2] in (b"<\x00", b"\x00<")


def _as_utf8(data: bytes) -> bytes:
    """A UTF-16 part re-encoded as UTF-8 (the scanners read bytes)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace").encode("utf-8")
    if data[:2] == b"<\x00":
        return data.decode("utf-16-le", "replace").encode("utf-8")
    if data[:2] == b"\x00<":
        return data.decode("utf-16-be", "replace").encode("utf-8")
    return data


def _check_dtd(data: bytes, member: str, name: str) -> None:
    head = data[:65536]
    first = head.find(b"<", head.find(b"?>") + 1 if head.startswith(b"<?xml") else 0)
    # a DTD can only come before the root element; look at the prolog and a bit more
    if _DTD.search(head) or (first >= 0 and _DTD.search(data[first : first + 4096])):
        raise FileFormatError(
            f"{name}: the workbook part {member!r} declares XML entities (DOCTYPE/ENTITY), "
            "which spreadsheets never need; refusing it as unsafe"
        )


def _attributes(raw: bytes) -> dict[bytes, bytes]:
    """The attributes of a start tag, by qualified name (first occurrence wins)."""
    out: dict[bytes, bytes] = {}
    for m in _ATTR.finditer(raw):
        value = m.group(2) if m.group(2) is not None else m.group(3)
        out.setdefault(m.group(1), value)
    return out


def _local(qname: bytes) -> bytes:
    return qname.rsplit(b":", 1)[-1]


def _r_attribute(raw: bytes) -> bytes | None:
    """The value of the unprefixed ``r`` attribute of a tag, as the engine reads it."""
    if raw.startswith(b' r="'):  # the usual layout: <c r="B2" s="1" t="s">
        end = raw.find(b'"', 4)
        if end > 0:
            return raw[4:end]
    return _attributes(raw).get(b"r")


def _bad_ref(ref: bytes, member: str, name: str) -> FileFormatError:
    return FileFormatError(
        f"{name}: the part {member!r} has a cell reference that is not valid "
        f"({ref[:40].decode('latin-1')!r}); refusing a damaged or hostile workbook"
    )


def _quick_extent(data: bytes) -> SheetScan | None:
    """The extent of a part in the usual layout; None when it must be walked token by token.

    The usual layout: no comment, CDATA or element prefix, and every cell's first attribute is
    its reference. Then rows and the order of cells do not matter, and the cells holding
    something are found by the regular expression engine in one pass; only distinct row
    numbers and column letters are looked at in Python.
    """
    if b"<!--" in data or b"<![CDATA[" in data or b":c" in data or b":row" in data:
        return None
    cells = data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/")
    if cells != data.count(b'<c r="') + data.count(b"<c/"):
        return None
    if b"<c/" in data or b"<c\t" in data or b"<c\n" in data or b"<c\r" in data:
        return None
    refs = _PLAIN_CELL.findall(data)
    scan = SheetScan()
    if not refs:
        return scan
    joined = b" ".join(refs)
    pairs = _LETTERS_DIGITS.findall(joined)
    # one letters+digits pair per reference and nothing else: the engine reads them so (a
    # reference it would not read, such as "12A3", makes it fail before allocating anything)
    if len(pairs) != len(refs) or _NOT_REF.search(joined) is not None:
        return None  # a reference to look at one by one
    rows = {int(d) for d in {p[1] for p in pairs}}
    if min(rows) < 1:
        return None
    cols = {col_number(c.decode("ascii")) for c in {p[0] for p in pairs}}
    scan.add(min(rows), min(cols), rows=max(rows) - min(rows) + 1, cols=max(cols) - min(cols) + 1)
    return scan


def _scan_sheet(data: bytes, member: str = "", name: str = "") -> SheetScan:
    """Measure a worksheet part the way the engine reads its cells."""
    quick = _quick_extent(data)
    scan = quick if quick is not None else _walk_sheet(data, member, name)
    if b"<f" in data or b":f" in data:
        for m in _FCELL.finditer(data):
            inner = m.group(2)
            if re.search(rb"<(?:\w+:)?f\b", inner) and not re.search(rb"<(?:\w+:)?v>[^<]", inner):
                ref = _r_attribute(m.group(1))
                try:
                    r, c = cell_position(ref) if ref is not None else (0, None)
                except ValueError:
                    continue
                if ref is not None and c is not None:
                    scan.formulas_without_value.append((r + 1, c + 1))
    return scan


def _walk_sheet(data: bytes, member: str, name: str) -> SheetScan:
    """Measure a worksheet part token by token, placing cells as the engine places them."""
    scan = SheetScan()
    inside = False
    row = col = 0  # 0-based, as the engine counts
    for m in _SHEET_TOKEN.finditer(data):
        tag = m.group(2)
        if tag is None:
            continue
        closing = bool(m.group(1))
        raw = m.group(3)
        alone = raw.endswith(b"/")
        if tag == b"sheetData":
            if closing and inside:
                break
            if not closing and not inside:
                inside = True
                if alone:
                    break
            continue
        if not inside:
            continue
        if tag == b"row":
            if closing:
                row, col = row + 1, 0
                continue
            ref = _r_attribute(raw)
            if ref is not None:
                try:
                    row = cell_position(ref)[0]
                except ValueError:
                    raise _bad_ref(ref, member, name) from None
            if alone:
                row, col = row + 1, 0
            continue
        if closing:
            continue
        ref = _r_attribute(raw)
        if ref is None:
            at_row, at_col = row, col
        else:
            try:
                at_row, maybe_col = cell_position(ref)
            except ValueError:
                raise _bad_ref(ref, member, name) from None
            if maybe_col is None:
                raise _bad_ref(ref, member, name)
            at_col = col = maybe_col
        col += 1
        if alone or _EMPTY_CELL.match(data, m.end()):
            continue  # the engine keeps no empty cell
        scan.add(at_row + 1, at_col + 1)
    return scan


def _repeat(raw: dict[bytes, bytes], what: bytes, name: str) -> int:
    value = next((v for k, v in raw.items() if _local(k) == what), None)
    if value is None:
        return 1
    try:
        n = int(value) if len(value) <= 20 else -1
    except ValueError:
        n = -1
    if n < 1:
        raise FileFormatError(
            f"{name}: the spreadsheet repeats a row or cell {value[:40].decode('latin-1')!r} "
            "times, which is not a valid count; refusing a damaged or hostile file"
        )
    return n


def _ods_tables(data: bytes, name: str) -> dict[str, SheetScan]:
    """Measure every table of an ODS ``content.xml`` the way the engine reads it."""
    out: dict[str, SheetScan] = {}
    scan = SheetScan()
    depth = 0
    row = 0  # 0-based rows of the current table, repeats expanded
    col = first = end = 0
    row_rep = 1
    in_row = False
    materialised = 0

    def finish_row() -> None:
        nonlocal row, in_row, materialised
        if end:
            scan.add(row + 1, first + 1, rows=row_rep, cols=end - first)
            materialised += end
        row += row_rep
        in_row = False

    for m in _ODS_TOKEN.finditer(data):
        tag = m.group(2)
        if tag is None:
            continue
        closing = bool(m.group(1))
        raw = m.group(3)
        alone = raw.endswith(b"/")
        if tag == b"table":
            if closing:
                depth -= 1
                if depth == 0 and in_row:
                    finish_row()
                continue
            if depth == 0:
                attrs = _attributes(raw)
                label = next((v for k, v in attrs.items() if _local(k) == b"name"), b"")
                title = label.decode("utf-8", "replace") or f"Sheet{len(out) + 1}"
                scan = SheetScan()
                materialised = row = 0
                in_row = False
                if title in out:  # the engine keeps the last table of a name: bound by both
                    title = f"{title} ({len(out) + 1})"
                out[title] = scan
            if not alone:
                depth += 1
            continue
        if depth == 0:
            continue
        if tag == b"table-row":
            if closing:
                if in_row:
                    finish_row()
                _set_reserved(scan, materialised)
                continue
            if in_row:
                finish_row()
            row_rep = (
                _repeat(_attributes(raw), b"number-rows-repeated", name)
                if b"repeated" in raw
                else 1
            )
            col = first = end = 0
            in_row = True
            if alone:
                finish_row()
            continue
        if closing or not in_row:
            continue
        rep = (
            _repeat(_attributes(raw), b"number-columns-repeated", name) if b"repeated" in raw else 1
        )
        present = _ODS_VALUE.search(raw) is not None or not (
            alone or _EMPTY_ODS_CELL.match(data, m.end())
        )
        if present:
            if not end:
                first = col
            end = col + rep
        col += rep
    if in_row:
        finish_row()
        _set_reserved(scan, materialised)
    return out


def _set_reserved(scan: SheetScan, materialised: int) -> None:
    if materialised > scan.reserved:
        scan.reserved = materialised
        scan.reserved_what = (
            f"makes the engine materialise {materialised:,} cells (empty cells before the values "
            "included)"
        )


def _norm(path: str) -> str:
    """A member or target path compared the way the engine compares them: case ignored."""
    path = path.replace("\\", "/").lstrip("/")
    return posixpath.normpath(path).lower() if path else ""


def _candidates(target: str) -> set[str]:
    """Every member path a relationship target may name (a superset of the engine's choice)."""
    t = target.replace("\\", "/")
    out = {t, t.lstrip("/")}
    if not t.startswith("/"):
        out.add("xl/" + t)
    return {_norm(p) for p in out if p.strip("/")} | {p.lower() for p in out if p.strip("/")}


def _find(members: dict[str, bytes], path: str) -> bytes | None:
    """A member by path, case ignored, as the engine finds ``xl/workbook.xml``."""
    wanted = _norm(path)
    for member, data in members.items():
        if _norm(member) == wanted:
            return data
    return None


def _xlsx_sheet_parts(members: dict[str, bytes], name: str) -> dict[str, set[str]]:
    """Map sheet name -> the member paths (normalised) its relationship may name."""
    book_xml = _find(members, "xl/workbook.xml")
    rels_xml = _find(members, "xl/_rels/workbook.xml.rels")
    if book_xml is None:
        return {}
    try:
        book = DET.fromstring(book_xml)
        rels = DET.fromstring(rels_xml) if rels_xml is not None else None
    except (DET.ParseError, DET.DefusedXmlException) as exc:
        raise FileFormatError(f"{name}: the workbook's XML is damaged ({_line(exc)})") from None
    targets: dict[str, str] = {}
    if rels is not None:
        for r in rels.iter():
            if r.tag.rsplit("}", 1)[-1] == "Relationship":
                attrs = {k.rsplit("}", 1)[-1]: v for k, v in r.attrib.items()}
                if "Id" in attrs:
                    targets[attrs["Id"]] = attrs.get("Target", "")
    out: dict[str, set[str]] = {}
    for sheet in book.iter():
        if sheet.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        label = next((v for k, v in sheet.attrib.items() if k.rsplit("}", 1)[-1] == "name"), "")
        ids = [v for k, v in sheet.attrib.items() if k.startswith("{") and k.endswith("}id")]
        paths: set[str] = set()
        for i in ids:
            if targets.get(i):
                paths |= _candidates(targets[i])
        if paths:
            out[label] = paths
    return out


def _date1904(members: dict[str, bytes]) -> bool:
    book = _find(members, "xl/workbook.xml") or b""
    return re.search(rb"<(?:\w+:)?workbookPr\b[^>]*\bdate1904=\"(1|true)\"", book) is not None


def _costliest(scans: list[SheetScan]) -> SheetScan:
    return max(scans, key=lambda s: s.cost, default=SheetScan())


def scan_zip(path: str, name: str, limits: Limits) -> BookScan:
    """Check a ZIP workbook and measure its sheets; raise before anything is parsed.

    Parameters
    ----------
    path : str
        The file.
    name : str
        The file's name, for messages.
    limits : Limits
        The safety limits.

    Returns
    -------
    BookScan
        Kind (``xlsx`` or ``ods``), 1904 date system, per-sheet costs and formulas without
        a cached value.

    Raises
    ------
    FileFormatError
        Truncated or damaged archive, a ZIP that is not a workbook, XLSB, DOCTYPE/ENTITY.
    LimitExceededError
        Too many members, too large, too compressed.
    """
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileFormatError(
            f"{name}: the workbook is damaged or truncated (not a readable ZIP archive: {exc})"
        ) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_members:
            raise LimitExceededError(
                f"{name}: the archive has {len(infos):,} members, more than the limit of "
                f"{limits.max_members:,} (Limits.max_members)"
            )
        total = 0
        for info in infos:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if (
                info.file_size > limits.max_uncompressed_bytes
                or total > limits.max_uncompressed_bytes
            ):
                raise LimitExceededError(
                    f"{name}: the archive declares {total:,} uncompressed bytes, more than the "
                    f"limit of {limits.max_uncompressed_bytes:,} (Limits.max_uncompressed_bytes)"
                )
            if info.file_size > limits.ratio_floor_bytes and ratio > limits.max_ratio:
                raise LimitExceededError(
                    f"{name}: the part {info.filename!r} is compressed {ratio:,.0f} times, more "
                    f"than the limit of {limits.max_ratio:,.0f} (Limits.max_ratio); refusing a "
                    "likely zip bomb"
                )
        names = {i.filename for i in infos}
        if "mimetype" in names:
            mime = _stream(zf, zf.getinfo("mimetype"), 200, name).strip()
            if mime != b"application/vnd.oasis.opendocument.spreadsheet":
                raise FileFormatError(
                    f"{name}: this is an OpenDocument file of type "
                    f"{mime.decode(errors='replace')!r}, not a spreadsheet"
                )
            kind = "ods"
        elif "[Content_Types].xml" in names:
            lowered = {n.lower() for n in names}
            if "xl/workbook.bin" in lowered:
                raise FileFormatError(
                    f"{name}: this is a binary Excel workbook (XLSB), which keyrisk does not read: "
                    "save it again as XLSX"
                )
            if "xl/workbook.xml" not in lowered:
                what = (
                    "a Word document"
                    if "word/document.xml" in lowered
                    else "a PowerPoint file"
                    if "ppt/presentation.xml" in lowered
                    else "an Office document"
                )
                raise FileFormatError(f"{name}: this is {what}, not a spreadsheet")
            kind = "xlsx"
        else:
            raise FileFormatError(f"{name}: this is a ZIP archive, not a spreadsheet")

        scan = BookScan(kind=kind)
        budget = limits.max_uncompressed_bytes
        produced = 0
        parts: dict[str, SheetScan] = {}  # member -> scan (xlsx)
        books: dict[str, bytes] = {}  # workbook.xml and its relationships (xlsx)
        for info in infos:
            if info.is_dir():
                continue
            lower = info.filename.lower()
            if not lower.endswith(_XML_EXT) and not _looks_like_xml(_peek(zf, info, name)):
                continue
            data = _stream(zf, info, min(budget - produced, info.file_size + 1), name)
            if len(data) > info.file_size:
                raise FileFormatError(
                    f"{name}: the part {info.filename!r} is larger than its header says; "
                    "refusing a damaged or hostile archive"
                )
            produced += len(data)
            data = _as_utf8(data)
            _check_dtd(data, info.filename, name)
            if kind == "xlsx":
                if _norm(info.filename) in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
                    books[info.filename] = data
                else:
                    found = _scan_sheet(data, info.filename, name)
                    previous = parts.get(info.filename)  # a name stored twice: keep the worst
                    if previous is None or found.cost > previous.cost:
                        parts[info.filename] = found
            elif _norm(info.filename) == "content.xml":
                for title, table in _ods_tables(data, name).items():
                    if title not in scan.sheets or table.cost > scan.sheets[title].cost:
                        scan.sheets[title] = table
        if kind == "xlsx":
            by_path: dict[str, list[SheetScan]] = {}
            for member, found in parts.items():
                for key in (_norm(member), member.lower()):
                    by_path.setdefault(key, []).append(found)
            for title, paths in _xlsx_sheet_parts(books, name).items():
                matches = [s for p in paths for s in by_path.get(p, [])]
                if matches:
                    scan.sheets[title] = _costliest(matches)
            scan.unmatched = _costliest(list(parts.values()))
            scan.date1904 = _date1904(books)
        else:
            scan.unmatched = _costliest(list(scan.sheets.values()))
    return scan
