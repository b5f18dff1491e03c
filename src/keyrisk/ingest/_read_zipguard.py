"""Safety checks of ZIP-based workbooks before any parser sees them (private).

Checks the central directory (member count, declared sizes, compression ratio), then streams
every XML member with a hard cap (a lying header cannot inflate past the limits), refuses DOCTYPE
and ENTITY declarations (XML entity expansion, "billion laughs"), and measures, for each
worksheet, the bounding box of the cells that hold a value and the formulas without a cached
value.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field

import defusedxml.ElementTree as DET

from keyrisk.errors import FileFormatError, LimitExceededError
from keyrisk.ingest.limits import Limits

__all__ = ["SheetScan", "ZipScan", "col_number", "scan_zip"]

_CHUNK = 1 << 20
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"(\d+)\"")
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/?)>")
_REF = re.compile(rb"\br=\"([A-Z]{1,3})(\d+)\"")
_FCELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)>(.*?)</(?:\w+:)?c>", re.DOTALL)
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _line(exc: BaseException) -> str:
    """The first line of an exception's message (messages stay on one line)."""
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


def col_number(letters: str) -> int:
    """Return the 1-based column number of Excel column letters.

    Examples
    --------
    >>> col_number("A"), col_number("XFD")
    (1, 16384)
    """
    n = 0
    for c in letters:
        n = n * 26 + ord(c) - 64
    return n


@dataclass
class SheetScan:
    """What the scan of one worksheet part found."""

    min_row: int = 0
    max_row: int = 0
    min_col: int = 0
    max_col: int = 0
    formulas_without_value: list[tuple[int, int]] = field(default_factory=list)

    @property
    def area(self) -> int:
        """Rows x columns of the bounding box of the cells holding something."""
        if not self.max_row:
            return 0
        cols = (self.max_col - self.min_col + 1) if self.max_col else 1
        return (self.max_row - self.min_row + 1) * cols


@dataclass
class ZipScan:
    """What the scan of a workbook archive found."""

    kind: str  # "xlsx", "ods"
    date1904: bool = False
    sheets: dict[str, SheetScan] = field(default_factory=dict)  # sheet name -> scan


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


def _check_dtd(data: bytes, member: str, name: str) -> None:
    head = data[:65536]
    first = head.find(b"<", head.find(b"?>") + 1 if head.startswith(b"<?xml") else 0)
    # a DTD can only come before the root element; look at the prolog and a bit more
    if _DTD.search(head) or (first >= 0 and _DTD.search(data[first : first + 4096])):
        raise FileFormatError(
            f"{name}: the workbook part {member!r} declares XML entities (DOCTYPE/ENTITY), "
            "which spreadsheets never need; refusing it as unsafe"
        )
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") and _DTD.search(
        data[:65536].decode("utf-16", "replace").encode()
    ):
        raise FileFormatError(
            f"{name}: the workbook part {member!r} declares XML entities; refusing it as unsafe"
        )


def _scan_sheet(data: bytes) -> SheetScan:
    scan = SheetScan()
    rows = [int(m) for m in _ROW.findall(data)]
    min_col = max_col = 0
    min_row = min(rows) if rows else 0
    max_row = max(rows) if rows else 0
    for m in _CELL.finditer(data):
        if m.group(2):  # <c .../> holds nothing
            continue
        ref = _REF.search(m.group(1))
        if ref is None:
            continue
        c = col_number(ref.group(1).decode())
        r = int(ref.group(2))
        min_col = c if not min_col else min(min_col, c)
        max_col = max(max_col, c)
        min_row = r if not min_row else min(min_row, r)
        max_row = max(max_row, r)
    scan.min_row, scan.max_row, scan.min_col, scan.max_col = min_row, max_row, min_col, max_col
    if b"<f" in data or b":f" in data:
        for m in _FCELL.finditer(data):
            inner = m.group(2)
            if re.search(rb"<(?:\w+:)?f\b", inner) and not re.search(rb"<(?:\w+:)?v>[^<]", inner):
                ref = _REF.search(m.group(1))
                if ref is not None:
                    scan.formulas_without_value.append(
                        (int(ref.group(2)), col_number(ref.group(1).decode()))
                    )
    return scan


def _ods_extent(data: bytes, name: str) -> dict[str, SheetScan]:
    """Bounding boxes of the cells holding a value in an ODS content.xml (repeats expanded)."""
    out: dict[str, SheetScan] = {}
    table_ns = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    office_ns = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    current: SheetScan | None = None
    row = 0
    col = 0
    row_min = row_max = 0
    try:
        for event, elem in DET.iterparse(io.BytesIO(data), events=("start", "end")):
            tag = elem.tag
            if event == "start":
                if tag == f"{{{table_ns}}}table":
                    current = SheetScan()
                    out[elem.get(f"{{{table_ns}}}name", f"Sheet{len(out) + 1}")] = current
                    row = 0
                elif tag == f"{{{table_ns}}}table-row":
                    col = 0
                    row_min = row_max = 0
                continue
            if tag == f"{{{table_ns}}}table-row":
                rep = int(elem.get(f"{{{table_ns}}}number-rows-repeated", "1"))
                if row_max and current is not None:
                    s = current
                    s.min_row = row + 1 if not s.min_row else min(s.min_row, row + 1)
                    s.max_row = max(s.max_row, row + rep)
                    s.min_col = row_min if not s.min_col else min(s.min_col, row_min)
                    s.max_col = max(s.max_col, row_max)
                row += rep
                elem.clear()
            elif tag in (f"{{{table_ns}}}table-cell", f"{{{table_ns}}}covered-table-cell"):
                rep = int(elem.get(f"{{{table_ns}}}number-columns-repeated", "1"))
                has = elem.get(f"{{{office_ns}}}value-type") is not None or any(
                    child.tag == f"{{{text_ns}}}p" for child in elem
                )
                if has:
                    row_min = row_min or col + 1
                    row_max = col + rep
                col += rep
    except DET.DefusedXmlException:
        raise FileFormatError(
            f"{name}: the spreadsheet declares XML entities; refusing it as unsafe"
        ) from None
    except (DET.ParseError, ValueError) as exc:
        raise FileFormatError(f"{name}: the spreadsheet's XML is damaged ({_line(exc)})") from None
    return out


def _xlsx_sheet_parts(zf: zipfile.ZipFile, parts: dict[str, bytes], name: str) -> dict[str, str]:
    """Map sheet name -> part path, from xl/workbook.xml and its relationships."""
    try:
        book = DET.fromstring(parts["xl/workbook.xml"])
        rels = DET.fromstring(parts.get("xl/_rels/workbook.xml.rels", b"<Relationships/>"))
    except KeyError:
        return {}
    except (DET.ParseError, DET.DefusedXmlException) as exc:
        raise FileFormatError(f"{name}: the workbook's XML is damaged ({_line(exc)})") from None
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
    out: dict[str, str] = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        if not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        out[sheet.get("name", "")] = posixpath.normpath(path)
    return out


def _date1904(parts: dict[str, bytes]) -> bool:
    m = re.search(
        rb"<(?:\w+:)?workbookPr\b[^>]*\bdate1904=\"(1|true)\"", parts.get("xl/workbook.xml", b"")
    )
    return m is not None


def scan_zip(path: str, name: str, limits: Limits) -> ZipScan:
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
    ZipScan
        Kind (``xlsx`` or ``ods``), 1904 date system, per-sheet extents and formulas without
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
            if "xl/workbook.bin" in names:
                raise FileFormatError(
                    f"{name}: this is a binary Excel workbook (XLSB), which keyrisk does not read: "
                    "save it again as XLSX"
                )
            if "xl/workbook.xml" not in names:
                what = (
                    "a Word document"
                    if "word/document.xml" in names
                    else "a PowerPoint file"
                    if "ppt/presentation.xml" in names
                    else "an Office document"
                )
                raise FileFormatError(f"{name}: this is {what}, not a spreadsheet")
            kind = "xlsx"
        else:
            raise FileFormatError(f"{name}: this is a ZIP archive, not a spreadsheet")

        scan = ZipScan(kind=kind)
        budget = limits.max_uncompressed_bytes
        parts: dict[str, bytes] = {}
        produced = 0
        for info in infos:
            lower = info.filename.lower()
            if not (lower.endswith((".xml", ".rels", ".vml"))):
                continue
            data = _stream(zf, info, min(budget - produced, info.file_size + 1), name)
            if len(data) > info.file_size:
                raise FileFormatError(
                    f"{name}: the part {info.filename!r} is larger than its header says; "
                    "refusing a damaged or hostile archive"
                )
            produced += len(data)
            _check_dtd(data, info.filename, name)
            if kind == "xlsx":
                if lower.startswith("xl/worksheets/") and lower.endswith(".xml"):
                    parts[info.filename] = b""
                    scan.sheets[info.filename] = _scan_sheet(data)
                elif info.filename in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
                    parts[info.filename] = data
            elif info.filename == "content.xml":
                scan.sheets = _ods_extent(data, name)
        if kind == "xlsx":
            mapping = _xlsx_sheet_parts(zf, parts, name)
            scan.date1904 = _date1904(parts)
            by_part = scan.sheets
            scan.sheets = {s: by_part[p] for s, p in mapping.items() if p in by_part}
    return scan
