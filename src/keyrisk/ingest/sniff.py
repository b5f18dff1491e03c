"""Decide what a file is from its content: format, text encoding, delimiter and header row.

Nothing here trusts the file name. Every function is pure (bytes or rows in, a decision out) so
that it can be tested on tiny inputs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Literal

from keyrisk.errors import AmbiguousInputError, FileFormatError

__all__ = [
    "DELIMITERS",
    "detect_encoding",
    "find_header_row",
    "sniff_delimiter",
    "sniff_kind",
]

#: Candidate delimiters, in order of preference when only one is consistent.
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")

Kind = Literal["text", "zip", "ole2", "parquet"]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML = re.compile(rb"^\s*<(!doctype\s+html|html|head|body|table|meta)\b", re.IGNORECASE)
_XML_SPREADSHEET = b"urn:schemas-microsoft-com:office:spreadsheet"
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"SQLite format 3\x00", "an SQLite database"),
)


def _strip_bom(head: bytes) -> bytes:
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            return head[len(bom) :]
    return head


def _utf16_order(head: bytes) -> str | None:
    """Return ``"utf-16-le"``/``"utf-16-be"`` when ``head`` clearly is BOM-less UTF-16 text."""
    sample = head[: 4096 - (len(head[:4096]) % 2)]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul = even.count(0) / len(even)
    odd_nul = odd.count(0) / len(odd)
    if odd_nul > 0.4 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.4 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def sniff_kind(head: bytes, name: str = "<input>") -> Kind:
    """Return the kind of container from the first bytes of a file.

    Parameters
    ----------
    head : bytes
        The first bytes of the file (8 KiB is plenty).
    name : str
        The file's name, for messages.

    Returns
    -------
    {"text", "zip", "ole2", "parquet"}
        ``zip`` is XLSX/XLSM/ODS (decided later from the members), ``ole2`` is XLS or an
        encrypted workbook.

    Raises
    ------
    FileFormatError
        For an HTML page, an XML Spreadsheet 2003, a known binary format, or binary data.

    Examples
    --------
    >>> sniff_kind(b"PAR1....")
    'parquet'
    >>> sniff_kind(b"a;b\\n1;2\\n")
    'text'
    """
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(_OLE2):
        return "ole2"
    if head.startswith(b"PAR1"):
        return "parquet"
    body = _strip_bom(head)
    if _HTML.match(body):
        raise FileFormatError(
            f"{name}: this is an HTML page saved as .xls, not a spreadsheet: "
            "export again as CSV or XLSX"
        )
    if body.lstrip().startswith(b"<?xml") and _XML_SPREADSHEET in head:
        raise FileFormatError(
            f"{name}: this is an 'XML Spreadsheet 2003' file, which keyrisk does not read: "
            "save it again as XLSX or CSV"
        )
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            raise FileFormatError(f"{name}: this is {what}, not a spreadsheet or a CSV file")
    bom16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if b"\x00" in head and not bom16 and _utf16_order(head) is None:
        raise FileFormatError(
            f"{name}: this is binary data, not a spreadsheet or a text (CSV) file"
        )
    return "text"


def detect_encoding(data: bytes, name: str = "<input>") -> tuple[str, str]:
    """Decode text bytes: BOM, then strict UTF-8, then BOM-less UTF-16, then strict cp1252.

    Never guesses latin-1 or another code page silently: bytes that cp1252 cannot decode either
    end in an error naming their offset.

    Parameters
    ----------
    data : bytes
        The whole file.
    name : str
        The file's name, for messages.

    Returns
    -------
    (encoding, text) : tuple of str
        ``encoding`` is one of ``"utf-8"``, ``"utf-8-sig"``, ``"utf-16"``, ``"cp1252"``; ``text``
        is the decoded text without its BOM.

    Raises
    ------
    FileFormatError
        When no encoding fits; the message names the offset and asks for ``--encoding``.

    Examples
    --------
    >>> detect_encoding("Société".encode("cp1252"))
    ('cp1252', 'Société')
    >>> detect_encoding(b"\\xef\\xbb\\xbfa")
    ('utf-8-sig', 'a')
    """
    try:
        if data.startswith(b"\xef\xbb\xbf"):
            return "utf-8-sig", data[3:].decode("utf-8")
        if data.startswith(b"\xff\xfe"):
            return "utf-16", data[2:].decode("utf-16-le")
        if data.startswith(b"\xfe\xff"):
            return "utf-16", data[2:].decode("utf-16-be")
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            f"{name}: the file starts with a byte-order mark but byte {exc.start} cannot be "
            "decoded; give the encoding with --encoding"
        ) from None
    try:
        return "utf-8", data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    order = _utf16_order(data[:4096])
    if order is not None:
        try:
            return "utf-16", data.decode(order)
        except UnicodeDecodeError:
            pass
    try:
        return "cp1252", data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            f"{name}: cannot tell the text encoding (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start} is neither UTF-8 nor Windows-1252); give it with --encoding"
        ) from None


def _count_outside_quotes(record: str, char: str) -> int:
    count = 0
    quoted = False
    for c in record:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


def sniff_delimiter(records: Sequence[str], name: str = "<input>") -> str | None:
    """Choose the delimiter among ``, ; TAB |`` from the first records of a text file.

    For each candidate, count its occurrences outside double quotes in every non-blank record
    (at most 50); its consistency is the share of records with the most frequent non-zero count.
    The most consistent candidate wins.

    Parameters
    ----------
    records : sequence of str
        The first records (lines, or multi-line quoted records) of the file.
    name : str
        The file's name, for messages.

    Returns
    -------
    str or None
        The delimiter, or ``None`` when no candidate occurs (a single-column file).

    Raises
    ------
    AmbiguousInputError
        When two candidates are equally consistent.

    Notes
    -----
    consistency(d) = #{records r : count_d(r) = m_d} / #records, with m_d the most frequent
    non-zero count of d (ties: the larger count).

    Examples
    --------
    >>> sniff_delimiter(["a;b;c", "1;2,5;3", "4;5;6"])
    ';'
    >>> sniff_delimiter(["name", "Alice"]) is None
    True
    """
    sample = [r for r in records if r.strip()][:50]
    if not sample:
        return None
    scores: dict[str, float] = {}
    for d in DELIMITERS:
        counts = [_count_outside_quotes(r, d) for r in sample]
        nonzero = Counter(c for c in counts if c)
        if not nonzero:
            continue
        mode = max(nonzero.items(), key=lambda kv: (kv[1], kv[0]))[0]
        scores[d] = sum(1 for c in counts if c == mode) / len(counts)
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and abs(ranked[0][1] - ranked[1][1]) < 1e-9:
        a, b = (repr(d).replace("'\\t'", "TAB") for d, _ in ranked[:2])
        raise AmbiguousInputError(
            f"{name}: cannot tell whether columns are separated by {a} or {b}; use --sep"
        )
    return ranked[0][0]


_NUMBER = re.compile(r"^[\s+\-(]*[$€£%]?[\s\d.,'\u00a0\u202f]*\d[\s\d.,'\u00a0\u202f]*[$€£%)]?\s*$")


def is_texty(value: object) -> bool:
    """Return True when a cell holds text that could be a column name.

    Examples
    --------
    >>> is_texty("Date"), is_texty("1 863,40"), is_texty(3.5), is_texty("2024-01-02")
    (True, False, False, False)
    """
    if not isinstance(value, str):
        return False
    text = value.strip()
    if not text or _NUMBER.match(text):
        return False
    return any(c.isalpha() for c in text) and not re.fullmatch(r"[\d\s/.:\-TZ]+", text)


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def find_header_row(rows: Sequence[Sequence[object]], scan: int = 30) -> int | None:
    """Return the index (0-based, in ``rows``) of the header row, or None when all are blank.

    The header is the first row, among the first ``scan``, with at least 2 non-empty cells,
    mostly text (more than half of its non-empty cells) and at least 80% as wide (in non-empty
    cells) as the table, whose width is the most frequent non-empty count of those rows (ties:
    the narrower; a ragged line does not make the table wider). Title rows ("Export clients au
    31/12/2024") and blank or ``;;;;`` rows above are skipped that way. When no row
    qualifies, the first non-blank row is the header.

    Parameters
    ----------
    rows : sequence of sequence
        The first rows of the table as cell values (str, numbers, dates, None).
    scan : int, default 30
        How many rows to consider.

    Examples
    --------
    >>> find_header_row([["Export du 31/12/2024"], [], ["Nom", "Ville"], ["Dupont", "Lyon"]])
    2
    """
    head = list(rows[:scan])
    widths = [sum(1 for v in r if not _is_empty(v)) for r in head]
    if not any(widths):
        return None
    counts = Counter(w for w in widths if w)
    usual = max(counts.items(), key=lambda kv: (kv[1], -kv[0]))[0]
    for i, row in enumerate(head):
        n = widths[i]
        if n < 2 or n < 0.8 * usual:
            continue
        texty = sum(1 for v in row if not _is_empty(v) and is_texty(v))
        if texty * 2 <= n:
            continue
        return i
    return next(i for i, w in enumerate(widths) if w)
