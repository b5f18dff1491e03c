"""Text (CSV, TSV, TXT) reader: pyarrow.csv fast path, exact line numbers (private)."""

from __future__ import annotations

import codecs
import csv
import io
import sys
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from keyrisk.errors import FileFormatError, InputError, LimitExceededError, Problem, UsageError
from keyrisk.ingest._read_common import (
    CONTROL_PATTERN,
    RawTable,
    ReadOptions,
    clean_text,
    has_invisible,
    unique_headers,
)
from keyrisk.ingest._read_ragged import MAX_LEARNING_VALUES, MIN_LEARNING_ROWS, learn, recover
from keyrisk.ingest.limits import check_memory
from keyrisk.ingest.sniff import detect_encoding, find_header_row, sniff_delimiter

__all__ = ["read_text"]

_HEAD_BYTES = 256 * 1024
_HEAD_RECORDS = 200
_MAX_LEARNING_CELLS = 1_000_000  # values looked at to learn the columns' patterns, at most
_NO_SEP = "\x1f"  # used to read a single-column file: a character real text never holds

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def _decode(data: bytes, options: ReadOptions, name: str) -> tuple[str, bytes]:
    """Return (encoding reported, UTF-8 bytes without BOM)."""
    if options.encoding is not None:
        try:
            codec = codecs.lookup(options.encoding).name
        except LookupError:
            raise UsageError(f"Unknown encoding {options.encoding!r}.") from None
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            raise FileFormatError(
                f"{name}: byte {exc.start} cannot be decoded as {options.encoding}"
            ) from None
        text = text.removeprefix("\ufeff")
        return codec, (data if codec == "utf-8" else text.encode("utf-8"))
    encoding, text = detect_encoding(data, name)
    if encoding == "utf-8":
        return encoding, data
    if encoding == "utf-8-sig":
        return encoding, data[3:]
    return encoding, text.encode("utf-8")


class _LineStarts:
    """Character offset of the start of each line of a text, found when first needed."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] | None = None

    def __call__(self, index: int) -> int:
        """Offset of line ``index`` (0-based); ``len(text)`` past the last line."""
        if self.starts is None:
            self.starts = [0]
            find = self.text.find
            pos = find("\n")
            while pos >= 0:
                self.starts.append(pos + 1)
                pos = find("\n", pos + 1)
        return self.starts[index] if index < len(self.starts) else len(self.text)


def _records(
    text: str, sep: str, first_line: int, ncols: int | None = None
) -> Iterator[tuple[int, int, list[str], bool]]:
    """Yield (start line, end line, fields, unclosed quote) for each record of ``text``.

    A quote that opens a field and never closes properly does not swallow the lines after it:
    its line is read alone with the quote as a character (``unclosed`` True), and reading goes
    on from the next line. That is the case when the text ends inside the quote, or when the
    quote that ends it is not followed by a separator or a line end and one of the lines it
    swallowed reads as a row of ``ncols`` fields. Other malformed quoting is read leniently
    (the csv module with ``strict=False``, as before).
    """
    offsets = _LineStarts(text)
    stream = io.StringIO(text, newline="")
    line0 = first_line
    while True:
        reader = csv.reader(stream, delimiter=sep, quotechar='"', strict=True)
        done = 0
        try:
            for fields in reader:
                yield line0 + done, line0 + reader.line_num - 1, fields, False
                done = reader.line_num
            return
        except csv.Error as exc:
            start = line0 + done
            last = line0 + reader.line_num - 1
            a = offsets(start - first_line)
            b = offsets(start - first_line + 1)
            if "unexpected end of data" in str(exc):
                swallowed = True
            elif last == start:
                swallowed = False
            else:
                inner = text[b : offsets(last - first_line + 1)].split("\n")
                swallowed = ncols is None or any(ln.count(sep) + 1 == ncols for ln in inner)
            line = text[a:b].rstrip("\n").removesuffix("\r")
            if swallowed:
                fields = next(csv.reader([line], delimiter=sep, quoting=csv.QUOTE_NONE), [])
                yield start, start, fields, True
                next_line = start + 1
            else:
                stream.seek(a)
                lenient = csv.reader(stream, delimiter=sep, quotechar='"', strict=False)
                fields = next(lenient, [])
                next_line = start + lenient.line_num
                yield start, next_line - 1, fields, False
            if offsets(next_line - first_line) >= len(text):
                return
            stream.seek(offsets(next_line - first_line))
            line0 = next_line


def _is_blank(fields: list[str]) -> bool:
    return all(not f.strip() for f in fields)


class _Body:
    """The data rows found below the header, before they become a DataFrame."""

    def __init__(self) -> None:
        self.table: pa.Table | None = None
        self.rows: np.ndarray = np.zeros(0, dtype=np.int64)
        self.problems: list[Problem] = []
        self.read = 0
        self.skipped = 0
        self.rejected = 0
        self.trailing_blank = 0
        self.needs_scan = True  # cells may hold control characters or exceed the length limit
        # lines with more fields than the header, tried by _recover: (line, raw text, fields)
        self.ragged: list[tuple[int, str, list[str]]] = []
        self.uncertain: dict[int, tuple[str, ...]] = {}


def _ragged(body: _Body, line: int, text: str, nfields: int, ncols: int, name: str) -> None:
    code = "extra-fields" if nfields > ncols else "missing-fields"
    body.rejected += 1
    body.problems.append(
        Problem(
            code=code,
            message=f"the line has {nfields} fields; the header has {ncols}",
            file=name,
            row=line,
            value=text[:200],
            severity="error",
        )
    )


def _blank(body: _Body, line: int, name: str) -> None:
    body.skipped += 1
    body.problems.append(
        Problem(
            code="blank-row",
            message="empty line inside the data, skipped",
            file=name,
            row=line,
            severity="info",
        )
    )


def _unclosed(body: _Body, line: int, text: str, nfields: int, ncols: int, name: str) -> None:
    """A line whose quote never closes: read alone, the quote kept as a character."""
    used = nfields == ncols
    if used:
        message = (
            f"unclosed quote on line {line}: the quote is kept as a character and the lines "
            "after it are read as rows"
        )
    else:
        body.rejected += 1
        message = (
            f"unclosed quote on line {line}; read with the quote as a character, the line has "
            f"{nfields} fields and the header {ncols}: rejected (the lines after it are read as "
            "rows)"
        )
    body.problems.append(
        Problem(
            code="unclosed-quote",
            message=message,
            file=name,
            row=line,
            value=text[:200],
            severity="warning" if used else "error",
        )
    )


def _slow_body(text: str, sep: str, first_line: int, ncols: int, name: str) -> _Body:
    """Exact reading with the csv module (used when the fast path cannot vouch for its lines)."""
    body = _Body()
    columns: list[list[str | None]] = [[] for _ in range(ncols)]
    rows: list[int] = []
    pending_blank: list[int] = []
    for start, _end, fields, unclosed in _records(text, sep, first_line, ncols):
        if _is_blank(fields) and not unclosed:
            pending_blank.append(start)
            continue
        for line in pending_blank:
            body.read += 1
            _blank(body, line, name)
        pending_blank = []
        body.read += 1
        raw = (sep.join(fields) if sep != _NO_SEP else fields[0]) if fields else ""
        if unclosed:
            _unclosed(body, start, raw, len(fields), ncols, name)
            if len(fields) != ncols:
                continue
        elif len(fields) > ncols and sep != _NO_SEP:
            body.ragged.append((start, raw, fields))
            continue
        elif len(fields) != ncols:
            _ragged(body, start, raw, len(fields), ncols, name)
            continue
        for col, value in zip(columns, fields, strict=True):
            col.append(value if value != "" else None)
        rows.append(start)
    body.trailing_blank = len(pending_blank)
    body.table = pa.table({f"c{i}": pa.array(c, pa.string()) for i, c in enumerate(columns)})
    body.rows = np.asarray(rows, dtype=np.int64)
    return body


def _well_quoted(arr: np.ndarray, quotes: np.ndarray, sep: int) -> bool:
    """True when every quote opens a field or closes it (paired in order, ``""`` doubled).

    A quote at an even position of ``quotes`` opens a quoted field: it follows a separator, a
    line end, another quote or the start; one at an odd position closes it: a separator, a line
    end, another quote or the end follows. Otherwise a quote may be unclosed or literal, and
    only the exact reader can tell which lines it holds.
    """
    if len(quotes) % 2:
        return False
    n = len(arr)
    opening, closing = quotes[0::2], quotes[1::2]
    before = arr[np.maximum(opening - 1, 0)]
    ok_open = (opening == 0) | (before == sep) | (before == 10) | (before == 34)
    after = arr[np.minimum(closing + 1, n - 1)]
    ok_close = (closing == n - 1) | (after == sep) | (after == 10) | (after == 13) | (after == 34)
    return bool(ok_open.all() and ok_close.all())


def _fast_body(
    data: bytes, sep: str, first_line: int, ncols: int, name: str, max_chars: int
) -> _Body | None:
    """Read with pyarrow.csv; return None when the line bookkeeping does not add up."""
    arr = np.frombuffer(data, dtype=np.uint8)
    nl = np.flatnonzero(arr == 10)
    size = len(data)
    quotes = np.flatnonzero(arr == 34) if b'"' in data else None
    if quotes is not None:
        inside = np.searchsorted(quotes, nl, side="left") % 2 == 1
        ends = nl[~inside]
        multiline = bool(inside.any())
    else:
        ends = nl
        multiline = False
    if quotes is not None and not _well_quoted(arr, quotes, ord(sep) if len(sep) == 1 else -1):
        return None  # a quote may never close: the exact reader accounts for every line
    starts = np.concatenate(([0], ends + 1))
    stops = np.concatenate((ends, [size]))
    if starts[-1] >= size:
        starts, stops = starts[:-1], stops[:-1]
    cr = np.zeros(len(stops), dtype=bool)
    has = stops > starts
    cr[has] = arr[stops[has] - 1] == 13
    content_stops = stops - cr
    empty = content_stops == starts
    if multiline:
        lines = np.searchsorted(nl, starts, side="left") + first_line
    else:
        lines = np.arange(first_line, first_line + len(starts), dtype=np.int64)
    bad: list[str] = []

    def handler(row: pacsv.InvalidRow) -> str:
        bad.append(row.text)
        return "skip"

    names = [f"c{i}" for i in range(ncols)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names, block_size=8 << 20),
            parse_options=pacsv.ParseOptions(
                delimiter=sep,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=multiline,
                ignore_empty_lines=True,
                invalid_row_handler=handler,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    if not bad:  # every non-empty record is a row: no need to count fields
        nfields = np.full(len(starts), ncols, dtype=np.int64)
    elif sep == _NO_SEP:
        nfields = np.ones(len(starts), dtype=np.int64)
    else:
        dpos = np.flatnonzero(arr == ord(sep))
        if quotes is not None and len(dpos):
            dpos = dpos[np.searchsorted(quotes, dpos, side="left") % 2 == 0]
        nfields = (np.searchsorted(dpos, content_stops) - np.searchsorted(dpos, starts) + 1).astype(
            np.int64
        )
    invalid = ~empty & (nfields != ncols)
    valid = ~empty & ~invalid
    if table.num_rows != int(valid.sum()) or len(bad) != int(invalid.sum()):
        return None

    body = _Body()
    control = np.count_nonzero(arr < 32) != (len(nl) + data.count(b"\r") + data.count(b"\t")) or (
        b"\x7f" in data
    )
    control = control or has_invisible(data)
    longest = int((content_stops - starts).max()) if len(starts) else 0
    body.needs_scan = control or longest > max_chars
    # blank lines: empty records, all-null rows, ragged rows holding only separators/spaces
    nonblank = ~empty
    blank_rows = np.zeros(len(starts), dtype=bool)
    blank_rows[empty] = True
    valid_idx = np.flatnonzero(valid)
    if table.num_rows:
        all_null = None
        for col in table.columns:
            m = col.is_null()
            all_null = m if all_null is None else pc.and_(all_null, m)
        assert all_null is not None
        null_mask = np.asarray(all_null.to_numpy(zero_copy_only=False), dtype=bool)
        blank_rows[valid_idx[null_mask]] = True
        nonblank[valid_idx[null_mask]] = False
    for i in np.flatnonzero(invalid):
        text = data[starts[i] : content_stops[i]].decode("utf-8", "replace")
        if not text.replace(sep, "").strip():
            blank_rows[i] = True
            nonblank[i] = False
    last = int(np.flatnonzero(nonblank)[-1]) if nonblank.any() else -1
    body.trailing_blank = int(blank_rows[last + 1 :].sum())
    body.read = last + 1
    for i in np.flatnonzero(blank_rows[: last + 1]):
        _blank(body, int(lines[i]), name)
    for i in np.flatnonzero(invalid[: last + 1] & ~blank_rows[: last + 1]):
        text = data[starts[i] : content_stops[i]].decode("utf-8", "replace")
        if nfields[i] > ncols and sep != _NO_SEP:
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=False)
            body.ragged.append((int(lines[i]), text, next(reader, [])))
        else:
            _ragged(body, int(lines[i]), text, int(nfields[i]), ncols, name)
    body.problems.sort(key=lambda p: p.row or 0)
    keep = ~blank_rows[valid_idx]
    if not keep.all():
        table = table.filter(pa.array(keep))
    body.table = table
    body.rows = lines[valid_idx[keep]].astype(np.int64)
    return body


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _recover(body: _Body, headers: list[str], sep: str, name: str) -> int:
    """Read back the lines with more fields than the header that the columns' patterns settle.

    Each line read back becomes a data row (in file order) with a ``recovered-fields`` warning;
    the columns left uncertain are empty and listed in ``body.uncertain``. The others are
    rejected (``extra-fields``). Returns the number of lines read back.
    """
    ragged, body.ragged = body.ragged, []
    table = body.table
    assert table is not None
    ncols = len(headers)
    if not ragged:
        return 0
    if table.num_rows < MIN_LEARNING_ROWS:
        for line, text, fields in ragged:
            _ragged(body, line, text, len(fields), ncols, name)
        body.problems.sort(key=lambda p: p.row or 0)
        return 0
    # distinct values per column, in file order; fewer per column in a very wide file
    per_column = max(50, min(MAX_LEARNING_VALUES, _MAX_LEARNING_CELLS // ncols))
    samples = [pc.unique(col).slice(0, per_column).to_pylist() for col in table.columns]
    profiles = learn(samples)
    cache: dict[tuple[int, str, bool], bool] = {}
    cells: list[list[str | None]] = [[] for _ in range(ncols)]
    lines: list[int] = []
    uncertain: list[tuple[str, ...]] = []
    for line, text, fields in ragged:
        reading = recover(fields, profiles, sep, cache)
        if reading is None:
            _ragged(body, line, text, len(fields), ncols, name)
            continue
        for col, value in zip(cells, reading.values, strict=True):
            col.append(value or None)
        lines.append(line)
        shown = [repr(headers[j]) for j in (reading.uncertain or reading.merged)]
        head = f"the line has {len(fields)} fields; the header has {ncols}: "
        column = None
        args = {"fields": str(len(fields)), "ncols": str(ncols)}
        args["columns"] = ", ".join(headers[j] for j in (reading.uncertain or reading.merged))
        if reading.uncertain:
            args["form"] = "uncertain"
        elif reading.merged:
            args["form"] = "merged"
        else:
            args.update(form="dropped", n=str(reading.dropped))
        if reading.uncertain:
            message = (
                head + f"the extra separator may sit in {' or '.join(shown)}, so these columns "
                "are left empty; the others are certain"
            )
        elif reading.merged:
            message = head + (
                f"the extra separator can only sit in {' and '.join(shown)}, read back as "
                + ("one cell" if len(shown) == 1 else "one cell each")
            )
            column = headers[reading.merged[0]] if len(reading.merged) == 1 else None
        else:
            message = head + _plural(reading.dropped, "empty trailing field") + " dropped"
        uncertain.append(tuple(headers[j] for j in reading.uncertain))
        body.problems.append(
            Problem(
                code="recovered-fields",
                message=message,
                file=name,
                row=line,
                column=column,
                value=text[:200],
                severity="warning",
                args=tuple(args.items()),
            )
        )
    body.problems.sort(key=lambda p: p.row or 0)
    if not lines:
        return 0
    extra = pa.table({f"c{i}": pa.array(c, pa.string()) for i, c in enumerate(cells)})
    rows = np.concatenate((body.rows, np.asarray(lines, dtype=np.int64)))
    order = np.argsort(rows, kind="stable")
    body.table = pa.concat_tables([table, extra]).take(pa.array(order))
    body.rows = rows[order]
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    for k, cols in enumerate(uncertain):
        if cols:
            body.uncertain[int(position[table.num_rows + k])] = cols
    return len(lines)


def _clean_cells(body: _Body, headers: list[str], options: ReadOptions, name: str) -> None:
    """Remove control characters and truncate long cells (only scanning when needed)."""
    table = body.table
    assert table is not None
    if not body.needs_scan:
        return
    limit = options.limits.max_cell_chars
    found: list[Problem] = []
    for j, col in enumerate(table.columns):
        hits = pc.or_kleene(
            pc.match_substring_regex(col, CONTROL_PATTERN),
            pc.greater(pc.utf8_length(col), limit),
        )
        idx = np.flatnonzero(np.asarray(hits.fill_null(False).to_numpy(zero_copy_only=False)))
        if not len(idx):
            continue
        values = col.to_pylist()
        for i in idx:
            values[i] = clean_text(
                values[i],
                limits=options.limits,
                problems=found,
                file=name,
                sheet=None,
                row=int(body.rows[i]),
                column=headers[j],
            )
        table = table.set_column(j, table.field(j), pa.array(values, pa.string()))
    body.table = table
    body.problems.extend(found)


def read_text(
    path: str, data: bytes, options: ReadOptions, sha256: str, notes: list[str]
) -> RawTable:
    """Read a delimited text file (see :func:`keyrisk.ingest.readers.read_raw`)."""
    name = path
    encoding, utf8 = _decode(data, options, name)
    if not utf8[:65536].strip(b" \t\r\n") and not utf8.strip(b" \t\r\n"):
        raise InputError(f"{name}: the file is empty")
    if b"\r" in utf8 and utf8.count(b"\r") != utf8.count(b"\r\n"):
        utf8 = utf8.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        notes.append("lone carriage returns (old Mac line ends) read as line ends")

    head_bytes = utf8[:_HEAD_BYTES]
    if len(utf8) > _HEAD_BYTES:
        cut = head_bytes.rfind(b"\n")
        head_bytes = head_bytes[: cut + 1] if cut > 0 else head_bytes
    head_text = head_bytes.decode("utf-8", "replace")
    if options.sep is not None:
        sep: str | None = options.sep
    else:
        sep = sniff_delimiter(head_text.splitlines()[:100], name)
    read_sep = sep if sep is not None else _NO_SEP
    head: list[tuple[int, int, list[str]]] = []
    for start, end, fields, _unclosed in _records(head_text, read_sep, 1):
        head.append((start, end, fields))
        if len(head) >= _HEAD_RECORDS:
            break
    if options.header_row is not None:
        match = [i for i, (s, _e, _f) in enumerate(head) if s == options.header_row]
        if not match:
            raise UsageError(
                f"{name}: there is no record starting on line {options.header_row} "
                f"(header row must be within the first {len(head)} records)"
            )
        h = match[0]
        if _is_blank(head[h][2]):
            raise InputError(f"{name}: line {options.header_row}, given as the header, is blank")
    else:
        found = find_header_row([f for _s, _e, f in head])
        if found is None:
            raise InputError(f"{name}: the file is empty (only blank lines)")
        h = found
    header_line, header_end, header_fields = head[h]
    if h and any(not _is_blank(f) for _s, _e, f in head[:h]):
        notes.append(f"header found on line {header_line} below a title row")
    elif h:
        notes.append(f"header found on line {header_line} below blank lines")
    if len(header_fields) > options.limits.max_columns:
        raise LimitExceededError(
            f"{name}: the header has {len(header_fields):,} columns, more than the limit of "
            f"{options.limits.max_columns:,} (Limits.max_columns)"
        )
    headers = unique_headers(list(header_fields))
    ncols = len(headers)

    # byte offset of the line after the header record
    offset = 0
    for _ in range(header_end):
        nxt = utf8.find(b"\n", offset)
        if nxt < 0:
            offset = len(utf8)
            break
        offset = nxt + 1
    rest = utf8[offset:]
    # every line may become a row of the header's width: bound that before parsing
    check_memory((rest.count(b"\n") + 1) * max(ncols, 1), options.limits, name)
    body = _fast_body(rest, read_sep, header_end + 1, ncols, name, options.limits.max_cell_chars)
    if body is None:
        body = _slow_body(rest.decode("utf-8", "replace"), read_sep, header_end + 1, ncols, name)
    recovered = _recover(body, headers, read_sep, name)
    if recovered:
        notes.append(
            f"{_plural(recovered, 'line')} with more fields than the header read back from the "
            "patterns of the well-formed lines"
        )
    if body.trailing_blank:
        notes.append(f"{body.trailing_blank} blank line(s) at the end of the file ignored")
    if body.rejected:
        notes.append(f"{body.rejected} line(s) rejected: their number of fields differs")
    _clean_cells(body, headers, options, name)
    assert body.table is not None
    frame = body.table.to_pandas(types_mapper=_string_mapper)
    frame.columns = pd.Index(headers)
    return RawTable(
        path=path,
        format="csv",
        encoding=encoding,
        delimiter=sep,
        sheet=None,
        header_row=header_line,
        headers=headers,
        data=frame,
        rows=body.rows,
        problems=body.problems,
        read=len(frame) + body.skipped + body.rejected,
        skipped=body.skipped,
        rejected=body.rejected,
        sha256=sha256,
        notes=notes,
        uncertain=body.uncertain,
    )


def _string_mapper(dtype: pa.DataType) -> pd.api.extensions.ExtensionDtype | None:
    if pa.types.is_string(dtype) or pa.types.is_large_string(dtype):
        return pd.StringDtype("pyarrow")
    return None
