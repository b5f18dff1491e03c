"""Read any input file into a :class:`RawTable` of raw cells, deciding everything from content.

Formats are recognised from the bytes, never from the name: a CSV named ``.xlsx`` is read as CSV
and an ODS named ``.xlsx`` as ODS (with a note), an HTML page named ``.xls`` is refused with a
clear message. Text files go through pyarrow.csv (fast path) with exact line numbers; workbooks
(XLSX, XLSM, XLS, ODS) through python-calamine after safety scans (ZIP and XML checks, the
compound file and BIFF records of an XLS) that bound what every sheet may cost before the
engine allocates it; Parquet through pyarrow.parquet.

Every failure is a :mod:`keyrisk.errors` exception with a one-line message naming the file;
every row-level issue is a :class:`keyrisk.errors.Problem` in ``RawTable.problems``.
"""

from __future__ import annotations

import hashlib
import os

from keyrisk.errors import FileFormatError, InputError, LimitExceededError
from keyrisk.ingest._read_book import read_parquet, read_workbook
from keyrisk.ingest._read_common import RawTable, ReadOptions, display_name
from keyrisk.ingest._read_oleguard import scan_ole
from keyrisk.ingest._read_text import read_text
from keyrisk.ingest._read_zipguard import scan_zip
from keyrisk.ingest.limits import Limits
from keyrisk.ingest.sniff import sniff_kind

__all__ = ["Limits", "RawTable", "ReadOptions", "read_raw"]

_WORKBOOK_EXT = (".xlsx", ".xlsm", ".xls", ".ods", ".parquet", ".xlsb")
_TEXT_EXT = (".csv", ".tsv", ".txt", ".tab")
#: The extensions that name each format found from the content.
_NAMED = {
    "xlsx": (".xlsx", ".xlsm", ".xlam"),
    "ods": (".ods",),
    "xls": (".xls", ".xla"),
    "parquet": (".parquet", ".pq"),
}
_FORMAT_NAMES = {"xlsx": "an XLSX", "ods": "an ODS", "xls": "an XLS", "parquet": "a Parquet"}


def _named_otherwise(ext: str, fmt: str, notes: list[str]) -> None:
    """Note a workbook whose extension names another workbook format (it is read by content)."""
    if ext in _WORKBOOK_EXT and ext not in _NAMED[fmt]:
        notes.append(
            f"the file is named {ext} but holds {_FORMAT_NAMES[fmt]} file: read by its content"
        )


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _ole2_kind(data: bytes, name: str) -> None:
    """Refuse encrypted OOXML packages and OLE2 files that hold no workbook."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise FileFormatError(f"{name}: the workbook is encrypted, remove the password")
    if "Workbook".encode("utf-16-le") not in data and "Book".encode("utf-16-le") not in data:
        raise FileFormatError(
            f"{name}: this is an Office document without a workbook (a Word .doc?), "
            "not a spreadsheet"
        )


def read_raw(path: str | os.PathLike[str], options: ReadOptions | None = None) -> RawTable:
    """Read a CSV/TSV/TXT, XLSX/XLSM, XLS, ODS or Parquet file into raw cells.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    options : ReadOptions, optional
        Forced delimiter, sheet, encoding, header row, and safety limits.

    Returns
    -------
    RawTable
        Headers, raw values and the row numbers the user sees. For text files the row of a data
        row is its first line number in an editor; for workbooks, its Excel row number; for
        Parquet, by convention, the header is row 1 and data rows are 2..n+1.

    Raises
    ------
    InputError
        Missing or empty file, no header.
    FileFormatError
        HTML, binary, truncated, encrypted or hostile file, undecodable text.
    LimitExceededError
        A safety limit of :class:`~keyrisk.ingest.limits.Limits` is exceeded.
    AmbiguousInputError
        The delimiter or the data sheet cannot be decided alone (use ``sep`` / ``sheet``).
    UsageError
        An unknown sheet or a header row outside the file.

    Notes
    -----
    Counts satisfy ``read == len(data) + skipped + rejected``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.csv").write_text("Nom;Ville\\nDupont;Lyon\\n", encoding="utf-8")
    >>> table = read_raw(folder / "a.csv")
    >>> table.delimiter, table.headers, table.rows.tolist()
    (';', ['Nom', 'Ville'], [2])
    """
    options = options or ReadOptions()
    p = os.fspath(path)
    name = display_name(p)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot open the file ({exc.strerror})") from None
    if not os.path.isfile(p):
        raise InputError(f"{name}: not a file")
    if st.st_size > options.limits.max_file_bytes:
        raise LimitExceededError(
            f"{name}: the file has {st.st_size:,} bytes, more than the limit of "
            f"{options.limits.max_file_bytes:,} (Limits.max_file_bytes)"
        )
    if st.st_size == 0:
        raise InputError(f"{name}: the file is empty")
    try:
        with open(p, "rb") as fh:
            head = fh.read(8192)
    except OSError as exc:
        raise InputError(f"{name}: cannot read the file ({exc.strerror})") from None
    kind = sniff_kind(head, name)
    ext = os.path.splitext(p)[1].lower()
    notes: list[str] = []
    if kind == "text":
        with open(p, "rb") as fh:
            data = fh.read()
        if ext in _WORKBOOK_EXT:
            notes.append(f"the file is named {ext} but holds text: read as CSV")
        return read_text(p, data, options, hashlib.sha256(data).hexdigest(), notes)
    if ext in _TEXT_EXT:
        notes.append(f"the file is named {ext} but holds a {kind} file: read by its content")
    sha = _sha256(p)
    if kind == "parquet":
        _named_otherwise(ext, "parquet", notes)
        return read_parquet(p, options, sha, notes)
    if kind == "ole2":
        with open(p, "rb") as fh:
            _ole2_kind(fh.read(), name)
        scan = scan_ole(p, name, options.limits)
    else:
        scan = scan_zip(p, name, options.limits)
    _named_otherwise(ext, scan.kind, notes)
    return read_workbook(p, scan.kind, scan, options, sha, notes)
