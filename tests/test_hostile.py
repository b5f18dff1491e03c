"""Hostile and broken inputs: each ends in a clear one-line error or a correct read, quickly."""

from __future__ import annotations

import html
import json
import os
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from keyrisk.errors import FileFormatError, InputError, LimitExceededError
from keyrisk.ingest.limits import Limits
from keyrisk.ingest.readers import ReadOptions, read_raw
from tests.conftest import FIXTURES as ROOT_FIXTURES
from tests.fixtures.readers.make_fixtures import biff8, cfb

FIXTURES = ROOT_FIXTURES / "readers"


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _rewrite(src: Path, dst: Path, member: str, data: bytes) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, data if info.filename == member else zin.read(info))
    return dst


def _one_line(err: BaseException, name: str) -> None:
    text = str(err)
    assert "\n" not in text and name in text


def test_billion_laughs_in_xlsx(tmp_path: Path) -> None:
    good = _xlsx(tmp_path / "good.xlsx", [["Client", "Commercial"], ["a", "b"]])
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
            for i in range(1, 10)
        )
        + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    bad = _rewrite(good, tmp_path / "lol.xlsx", "xl/worksheets/sheet1.xml", lol)
    with pytest.raises(FileFormatError, match="XML entities") as err:
        read_raw(bad)
    _one_line(err.value, "lol.xlsx")


def test_zip_bomb_ratio(tmp_path: Path) -> None:
    good = _xlsx(tmp_path / "good.xlsx", [["Client", "Commercial"], ["a", "b"]])
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        with zout.open("xl/media/zeros.bin", "w") as fh:
            chunk = bytes(1 << 20)
            for _ in range(48):
                fh.write(chunk)
    start = time.monotonic()
    with pytest.raises(LimitExceededError, match="zip bomb") as err:
        read_raw(bomb)
    assert time.monotonic() - start < 5
    _one_line(err.value, "bomb.xlsx")


def test_zip_declared_size_over_limit(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "big.xlsx", [["Client", "x" * 5000] for _ in range(200)])
    with pytest.raises(LimitExceededError, match="max_uncompressed_bytes"):
        read_raw(path, ReadOptions(limits=Limits(max_uncompressed_bytes=100_000)))


def test_single_cell_at_xfd1048576(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "Client"
    ws["B1"] = "Commercial"
    ws["XFD1048576"] = "far away"
    path = tmp_path / "far.xlsx"
    wb.save(path)
    start = time.monotonic()
    with pytest.raises(LimitExceededError, match="max_cells") as err:
        read_raw(path)
    assert time.monotonic() - start < 5
    _one_line(err.value, "far.xlsx")


def test_ods_huge_repeat(tmp_path: Path) -> None:
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    cell = '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
    content = (
        f"<office:document-content {ns}><office:body><office:spreadsheet>"
        '<table:table table:name="S"><table:table-row>' + cell + cell + "</table:table-row>"
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
        'table:number-columns-repeated="16000"/>' + cell + "</table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    path = tmp_path / "rep.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
        zf.writestr(
            "META-INF/manifest.xml",
            "<manifest:manifest "
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
    with pytest.raises(LimitExceededError, match="max_cells"):
        read_raw(path)


def test_truncated_xlsx(tmp_path: Path) -> None:
    good = _xlsx(tmp_path / "good.xlsx", [["Client", "Commercial"], ["a", "b"]])
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(FileFormatError, match="damaged or truncated") as err:
        read_raw(cut)
    _one_line(err.value, "cut.xlsx")


def test_encrypted_ooxml(tmp_path: Path) -> None:
    path = tmp_path / "secret.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptedPackage".encode("utf-16-le")
    )
    with pytest.raises(FileFormatError, match="encrypted, remove the password") as err:
        read_raw(path)
    _one_line(err.value, "secret.xlsx")


def test_word_document_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<document/>")
    with pytest.raises(FileFormatError, match="Word document"):
        read_raw(path)


def test_xlsx_named_csv_is_read_as_workbook(tmp_path: Path) -> None:
    src = _xlsx(tmp_path / "x.xlsx", [["Client", "Commercial"], ["Acme", "Jean"]])
    path = tmp_path / "export.csv"
    path.write_bytes(src.read_bytes())
    t = read_raw(path)
    assert t.format == "xlsx" and t.data["Client"].tolist() == ["Acme"]
    assert any("by its content" in n for n in t.notes)


def test_binary_data(tmp_path: Path) -> None:
    path = tmp_path / "blob.csv"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(FileFormatError, match="binary data"):
        read_raw(path)


def test_undecodable_text(tmp_path: Path) -> None:
    path = tmp_path / "weird.csv"
    path.write_bytes(b"Client,Commercial\nA\x81,B\n")
    with pytest.raises(FileFormatError, match=r"0x81 at offset 19.*--encoding"):
        read_raw(path)


def test_empty_and_blank_files(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_bytes(b"")
    (tmp_path / "b.csv").write_bytes(b"\n\r\n  \n")
    for name in ("e.csv", "b.csv"):
        with pytest.raises(InputError, match="the file is empty"):
            read_raw(tmp_path / name)


def test_header_only(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_bytes(b"Client;Commercial\r\n")
    t = read_raw(path)
    assert t.headers == ["Client", "Commercial"] and len(t.data) == 0 and t.read == 0


def test_control_characters(tmp_path: Path) -> None:
    path = tmp_path / "ctl.csv"
    path.write_bytes(b'Client,Commercial\nAc\x07me\x1b,Jean\nBeta,"Ma\trie"\n')
    t = read_raw(path)
    assert t.data["Client"].tolist() == ["Acme", "Beta"]
    assert t.data["Commercial"].tolist() == ["Jean", "Ma\trie"]
    got = [(p.code, p.row, p.column, p.severity) for p in t.problems]
    assert got == [("control-characters", 2, "Client", "warning")]


def test_control_characters_in_workbook(tmp_path: Path) -> None:
    good = _xlsx(tmp_path / "good.xlsx", [["Client", "Commercial"], ["PLACEHOLDER", "b"]])
    with zipfile.ZipFile(good) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    bad = _rewrite(
        good,
        tmp_path / "ctl.xlsx",
        "xl/worksheets/sheet1.xml",
        sheet.replace(b"PLACEHOLDER", b"Ac_x0007_me"),
    )
    t = read_raw(bad)
    assert t.data["Client"].tolist() == ["Acme"]
    assert [(p.code, p.row) for p in t.problems] == [("control-characters", 2)]


def test_long_cell_truncated(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_bytes(b"Client,Note\nAcme," + b"x" * 40_000 + b"\n")
    t = read_raw(path)
    assert len(t.data["Note"].iloc[0]) == 32_767
    assert [(p.code, p.row, p.column) for p in t.problems] == [("cell-truncated", 2, "Note")]


def test_file_over_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n1,2\n")
    with pytest.raises(LimitExceededError, match="max_file_bytes"):
        read_raw(path, ReadOptions(limits=Limits(max_file_bytes=4)))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_raw(tmp_path / "nope.csv")


def test_pdf_named_csv(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(b"%PDF-1.4\n" + bytes(100))
    with pytest.raises(FileFormatError, match="PDF"):
        read_raw(path)


def test_mid_field_quotes_fall_back_to_exact_reading(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_bytes(b'Produit,Client\n5" screen,Acme\nb"c,Beta\nx,Gamma\n')
    t = read_raw(path)
    assert t.data["Produit"].tolist() == ['5" screen', 'b"c', "x"]
    assert t.rows.tolist() == [2, 3, 4]


def test_many_rows_keep_exact_line_numbers(tmp_path: Path) -> None:
    lines = ["Client,Commercial"]
    for i in range(5000):
        lines.append("" if i % 1000 == 999 else f"c{i},s{i}")
    path = tmp_path / "many.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode())
    t = read_raw(path)
    # blank lines 1001, 2001, ... are skipped; the last one ends the file and is not counted
    assert (t.skipped, len(t.data), t.read) == (4, 4995, 4999)
    assert [p.row for p in t.problems] == [1001, 2001, 3001, 4001]
    assert t.rows[999] == 1002 and t.data["Client"].iloc[999] == "c1000"
    assert any("at the end" in n for n in t.notes)


# --- what a sheet may cost is bounded before the engine allocates it, whatever the format ----
#
# The spreadsheet engine (python-calamine) allocates the bounding box of a sheet's cells densely,
# and aborts the process (it cannot be caught) when the allocation fails. The tests that would
# allocate gigabytes on the code they guard against run the read in a child process whose
# address space is limited to 2 GiB: without the bound the child dies or runs out of memory
# instead of the test machine.

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
ODS_CELL = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'
ODS_HEADER = "<table:table-row>" + ODS_CELL.format("Client") + ODS_CELL.format("Commercial")
ODS_HEADER += "</table:table-row>"

_CHILD = """
import resource, sys
limit = 2 << 30
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from keyrisk.ingest.limits import Limits
from keyrisk.ingest.readers import ReadOptions, read_raw
max_cells = int(sys.argv[2])
try:
    t = read_raw(sys.argv[1], ReadOptions(limits=Limits(max_cells=max_cells)))
    print("read", t.format, len(t.data))
except Exception as exc:
    print(type(exc).__name__, exc)
"""


def _guarded_read(path: Path, max_cells: int = 50_000_000) -> str:
    """Read ``path`` in a child limited to 2 GiB of memory; return its one line of output."""
    pytest.importorskip("resource")
    import keyrisk

    src = str(Path(keyrisk.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(max_cells)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, f"the reader died ({done.returncode}): {done.stderr[-300:]}"
    return done.stdout.strip()


def _far_xlsx(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "Client"
    ws["B1"] = "Commercial"
    ws["XFD1048576"] = "far away"
    path = tmp_path / "far.xlsx"
    wb.save(path)
    return path


def _move_part(src: Path, dst: Path, member: str, target: str) -> Path:
    """Move the worksheet part to ``member`` and point the workbook's relationship at ``target``."""
    old = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            name = member if info.filename == old else info.filename
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b'"/' + old.encode() + b'"', b'"' + target.encode() + b'"')
            if info.filename == "[Content_Types].xml":
                data = data.replace(old.encode(), member.encode())
            zout.writestr(name, data)
    return dst


@pytest.mark.parametrize(
    ("member", "target"),
    [
        ("xl/data/s.xml", "/xl/data/s.xml"),  # not under xl/worksheets/
        ("xl/worksheets/SHEET1.xml", "worksheets/sheet1.xml"),  # the engine ignores case
        ("xl/worksheets/sheet1.dat", "worksheets/sheet1.dat"),  # any extension
        ("xl/sheets/s.xml", "worksheets/../sheets/s.xml"),  # a relative path
    ],
)
def test_xlsx_sheet_part_found_through_relationships(
    tmp_path: Path, member: str, target: str
) -> None:
    bad = _move_part(_far_xlsx(tmp_path), tmp_path / "moved.xlsx", member, target)
    out = _guarded_read(bad)
    assert out.startswith("LimitExceededError") and "max_cells" in out, out


def _sheet_xlsx(tmp_path: Path, sheet_data: str, head: str = "", root: str = "") -> Path:
    """A workbook whose worksheet part is ``sheet_data`` (inside <sheetData>) as written."""
    good = _xlsx(tmp_path / "base.xlsx", [["Client", "Commercial"]])
    root = root or f'<worksheet xmlns="{MAIN_NS}">'
    end = "</" + root[1:].split()[0].rstrip(">") + ">"
    tag = "sheetData"
    if ":" in root.split()[0]:
        tag = root.split()[0][1:].split(":")[0] + ":sheetData"
    xml = f"{root}{head}<{tag}>{sheet_data}</{tag}>{end}"
    return _rewrite(good, tmp_path / "cells.xlsx", "xl/worksheets/sheet1.xml", xml.encode())


_TWO = (
    '<c r="A1" t="inlineStr"><is><t>Client</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>x</t></is></c>'
)


@pytest.mark.parametrize(
    ("sheet_data", "root"),
    [
        # lower-case references: the engine reads them (column ALM = 1,001)
        (f'<row r="1">{_TWO}<c r="alm1"><v>1</v></c></row>', ""),
        # more than three column letters
        (f'<row r="1">{_TWO}<c r="ABCD1"><v>1</v></c></row>', ""),
        # cells without a reference follow the previous cell; rows without one, the previous row
        (f'<row r="1">{_TWO}' + "<c><v>1</v></c>" * 1000 + "</row>", ""),
        (f'<row r="1">{_TWO}</row>' + "<row/>" * 1500 + "<row><c><v>1</v></c></row>", ""),
        # a quoted ">" before the reference
        (f'<row r="1">{_TWO}<c s=">" r="ALM1"><v>1</v></c></row>', ""),
        # a namespace prefix on every element
        (
            '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>Client</x:t></x:is></x:c>'
            '<x:c r="B1"><x:v>1</x:v></x:c><x:c r="ALM1"><x:v>1</x:v></x:c></x:row>',
            f'<x:worksheet xmlns:x="{MAIN_NS}">',
        ),
    ],
)
def test_xlsx_cells_placed_as_the_engine_places_them(
    tmp_path: Path, sheet_data: str, root: str
) -> None:
    path = _sheet_xlsx(tmp_path, sheet_data, root=root)
    with pytest.raises(LimitExceededError, match="max_cells") as err:
        read_raw(path, ReadOptions(limits=Limits(max_cells=1000)))
    _one_line(err.value, "cells.xlsx")


def test_xlsx_dimension_tag_is_not_trusted(tmp_path: Path) -> None:
    data = f'<row r="1">{_TWO}</row><row r="2000"><c r="ZZ2000"><v>1</v></c></row>'
    path = _sheet_xlsx(tmp_path, data, head='<dimension ref="A1:B1"/>')
    with pytest.raises(LimitExceededError, match="2,000 rows x 702 columns"):
        read_raw(path, ReadOptions(limits=Limits(max_cells=10_000)))


def _ods(path: Path, tables: str, ns: str = ODS_NS) -> Path:
    content = (
        f"<office:document-content {ns}><office:body><office:spreadsheet>{tables}"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
        zf.writestr(
            "META-INF/manifest.xml",
            "<manifest:manifest "
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            "</manifest:manifest>",
        )
    return path


def _ods_table(rows: str, name: str = "S") -> str:
    return f'<table:table table:name="{name}">{ODS_HEADER}{rows}</table:table>'


@pytest.mark.parametrize(
    ("rows", "ns"),
    [
        # a value without a value type: the engine reads it
        (
            '<table:table-row table:number-rows-repeated="100"><table:table-cell '
            'office:value="1" table:number-columns-repeated="100"/></table:table-row>',
            ODS_NS,
        ),
        (
            '<table:table-row table:number-rows-repeated="100"><table:table-cell '
            'office:boolean-value="true" table:number-columns-repeated="100"/></table:table-row>',
            ODS_NS,
        ),
        # a formula without a value
        (
            '<table:table-row table:number-rows-repeated="100"><table:table-cell '
            'table:formula="of:=1" table:number-columns-repeated="100"/></table:table-row>',
            ODS_NS,
        ),
        # the engine reads "table:" elements whatever namespace the prefix is bound to
        (
            '<table:table-row table:number-rows-repeated="100"><table:table-cell '
            'office:value-type="float" office:value="1" table:number-columns-repeated="100"/>'
            "</table:table-row>",
            'xmlns:office="urn:x" xmlns:table="urn:y" xmlns:text="urn:z"',
        ),
    ],
)
def test_ods_cells_found_as_the_engine_finds_them(tmp_path: Path, rows: str, ns: str) -> None:
    path = _ods(tmp_path / "rep.ods", _ods_table(rows), ns)
    with pytest.raises(LimitExceededError, match="max_cells") as err:
        read_raw(path, ReadOptions(limits=Limits(max_cells=1000)))
    _one_line(err.value, "rep.ods")


def test_ods_empty_cells_left_of_the_values_are_counted(tmp_path: Path) -> None:
    """The engine materialises the empty cells before a row's values, left of them all."""
    pad = '<table:table-cell table:number-columns-repeated="4999"/>'
    rows = "".join(
        f"<table:table-row>{pad}{ODS_CELL.format(a)}{ODS_CELL.format(b)}</table:table-row>"
        for a, b in (("Client", "Commercial"), ("Acme", "Jean"))
    )
    path = _ods(tmp_path / "right.ods", f'<table:table table:name="S">{rows}</table:table>')
    with pytest.raises(LimitExceededError, match="max_cells"):
        read_raw(path, ReadOptions(limits=Limits(max_cells=1000)))
    assert read_raw(path, ReadOptions(limits=Limits(max_cells=20_000))).data.shape == (1, 2)


def test_ods_one_kilobyte_repeats_never_allocated(tmp_path: Path) -> None:
    # 99,000 rows x 1,000 columns of the value 1, under the engine's own cap of 10^8 cells:
    # it allocated about 7 GB for this 1 KB file
    rows = (
        '<table:table-row table:number-rows-repeated="99000"><table:table-cell '
        'office:value="1" table:number-columns-repeated="1000"/></table:table-row>'
    )
    path = _ods(tmp_path / "kb.ods", _ods_table(rows))
    assert path.stat().st_size < 1500
    start = time.monotonic()
    out = _guarded_read(path)
    assert out.startswith("LimitExceededError") and "99,001 rows x 1,000 columns" in out, out
    assert time.monotonic() - start < 60


def test_ods_every_table_is_measured(tmp_path: Path) -> None:
    far = (
        '<table:table-row table:number-rows-repeated="2000"><table:table-cell/></table:table-row>'
        "<table:table-row>" + ODS_CELL.format("x") + ODS_CELL.format("y") + "</table:table-row>"
    )
    path = _ods(tmp_path / "two.ods", _ods_table("", "Data") + _ods_table(far, "Notes"))
    with pytest.raises(LimitExceededError, match="'Notes' spans 2,002 rows x 2 columns"):
        read_raw(path, ReadOptions(limits=Limits(max_cells=1000)))


def _xls(path: Path, stream: bytes) -> Path:
    path.write_bytes(cfb(stream))
    return path


def test_xls_cells_are_measured(tmp_path: Path) -> None:
    path = _xls(tmp_path / "far.xls", biff8([(0, 0, "Client"), (0, 1, "Commercial"), (5000, 9, 1)]))
    with pytest.raises(LimitExceededError, match="5,001 rows x 10 columns") as err:
        read_raw(path, ReadOptions(limits=Limits(max_cells=1000)))
    _one_line(err.value, "far.xls")


@pytest.mark.parametrize(
    ("cells", "dimensions", "what"),
    [
        # first row after the last: the engine reserves 2^32 - 4 rows of cells
        ([(0, 0, "Client"), (0, 1, "Commercial")], (5, 1, 0, 2), "DIMENSIONS"),
        # the record says 2 x 2, the cells sit at row 65,535, column 65,535
        ([(0, 0, "Client"), (0, 1, "Commercial"), (65535, 65535, 1)], (0, 2, 0, 2), "65,536"),
    ],
)
def test_xls_declared_and_real_extent_are_bounded(
    tmp_path: Path,
    cells: list[tuple[int, int, object]],
    dimensions: tuple[int, int, int, int],
    what: str,
) -> None:
    path = _xls(tmp_path / "liar.xls", biff8(cells, dimensions))
    out = _guarded_read(path)
    assert out.startswith("LimitExceededError") and what in out and "max_cells" in out, out


def test_xls_normal_file_is_read() -> None:
    t = read_raw(FIXTURES / "simple.xls")
    assert t.format == "xls" and t.headers == ["Client", "Commercial", "Montant"]
    assert t.data.to_dict("records") == [{"Client": "Acmé", "Commercial": "Jean", "Montant": 12.5}]


# --- the engine's own failures, panics included, are one-line errors ------------------------


def _garbage_xls(tmp_path: Path) -> Path:
    """A compound file whose workbook stream points a sheet far beyond its end."""
    stream = bytearray(biff8([(0, 0, "Client"), (0, 1, "Commercial")]))
    at = stream.find(b"\x85\x00")  # BOUNDSHEET: the offset of the sheet's records
    struct.pack_into("<I", stream, at + 4, 0x00FFFFFF)
    return _xls(tmp_path / "garbage.xls", bytes(stream))


def test_garbage_xls_is_one_line(tmp_path: Path) -> None:
    path = _garbage_xls(tmp_path)
    with pytest.raises(FileFormatError, match=r"garbage\.xls") as err:
        read_raw(path)
    _one_line(err.value, "garbage.xls")


def test_engine_panic_is_a_file_format_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PanicException (a BaseException) of the engine becomes a FileFormatError.

    The safety scan, which refuses this file first, is switched off to reach the engine.
    """
    import keyrisk.ingest.readers as readers
    from keyrisk.ingest._read_zipguard import BookScan

    monkeypatch.setattr(readers, "scan_ole", lambda *a, **k: BookScan(kind="xls"))
    path = _garbage_xls(tmp_path)
    with pytest.raises(FileFormatError, match=r"garbage\.xls: the workbook cannot be read") as err:
        read_raw(path)
    _one_line(err.value, "garbage.xls")


def test_garbage_xls_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from keyrisk.cli import main

    code = main(["inspect", str(_garbage_xls(tmp_path))])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err and "internal error" not in err
    assert [line for line in err.splitlines() if line.startswith("keyrisk: error: ")]


# --- formats are read by content, whatever the name ------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "name", "fmt"),
    [
        ("simple.ods", "export.xlsx", "ods"),
        ("title_rows.xlsx", "export.ods", "xlsx"),
        ("simple.xls", "export.xlsx", "xls"),
        ("simple.ods", "export.xls", "ods"),
    ],
)
def test_workbook_read_by_content_whatever_its_name(
    tmp_path: Path, fixture: str, name: str, fmt: str
) -> None:
    path = tmp_path / name
    path.write_bytes((FIXTURES / fixture).read_bytes())
    t = read_raw(path)
    assert t.format == fmt and len(t.data) >= 1
    assert any("by its content" in n for n in t.notes)


# --- Parquet: nested and binary columns are read as text or reported, never a crash ---------


def test_parquet_nested_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import datetime as dt
    import decimal

    import pyarrow as pa
    import pyarrow.parquet as pq

    from keyrisk.cli import main

    table = pa.table(
        {
            "Account": pa.array(["Acme", "Beta"]).dictionary_encode(),
            "Owner": ["Ann", "Bob"],
            "Date": [dt.date(2024, 12, 1), dt.date(2024, 11, 1)],
            "Amount": pa.array([decimal.Decimal("10.5"), decimal.Decimal("20")]),
            "Address": pa.array([{"city": "Lyon", "zip": "69000"}, {"city": "Paris", "zip": None}]),
            "Tags": pa.array([["a", "b"], []]),
            "Props": pa.array([[("k", "v")], []], type=pa.map_(pa.string(), pa.string())),
            "Blob": pa.array([b"ok", b"\xff\xfe"]),
            "Ratio": pa.array([float("inf"), float("nan")]),
        }
    )
    path = tmp_path / "nested.parquet"
    pq.write_table(table, path)
    t = read_raw(path)
    assert t.data["Account"].tolist() == ["Acme", "Beta"]
    assert t.data["Amount"].tolist() == [10.5, 20.0]
    assert t.data["Address"].tolist() == [
        '{"city": "Lyon", "zip": "69000"}',
        '{"city": "Paris", "zip": null}',
    ]
    assert t.data["Tags"].tolist() == ['["a", "b"]', "[]"]
    assert t.data["Props"].tolist() == ['[["k", "v"]]', "[]"]
    assert t.data["Blob"].tolist() == ["ok", None]
    assert t.data["Ratio"].tolist() == [float("inf"), "NaN"]  # both read as unreadable numbers
    assert any("'Blob'" in n for n in t.notes)
    out = tmp_path / "out"
    code = main(["report", str(path), "--out", str(out), "--as-of", "2024-12-31"])
    err = capsys.readouterr().err
    assert code == 0, err


# --- every number read that is not finite, or beyond the plausible bound, is a problem ------


def test_non_finite_and_huge_numbers_are_bad() -> None:
    from keyrisk.ingest.values import MAX_NUMBER, parse_numbers

    text = pd.Series(["1e308", "inf", "-inf", "nan", "-1e16", "1e15", "12"], dtype="string")
    p = parse_numbers(text)
    assert p.bad.tolist() == [True, True, True, True, True, False, False]
    assert p.values.tolist()[5:] == [1e15, 12.0]
    assert p.values[:5].isna().all()
    cells = pd.Series([1e308, float("inf"), None, 5, -MAX_NUMBER, "NaN"], dtype=object)
    q = parse_numbers(cells)
    assert q.bad.tolist() == [True, True, False, False, False, True]
    assert q.values.tolist()[3:5] == [5.0, -1e15]
    assert parse_numbers(pd.Series([float("-inf"), 2.0])).bad.tolist() == [True, False]


RAW = ["1e308", "1e308", "inf", "-inf", "nan"]


def test_report_on_non_finite_amounts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from keyrisk.cli import main

    path = tmp_path / "amounts.csv"
    path.write_text(
        "Account,Owner,Date,Amount\n"
        "Acme,Ann,2024-12-01,1e308\nAcme,Ann,2024-11-01,1e308\nBeta,Bob,2024-10-01,inf\n"
        "Beta,Carl,2024-09-01,-inf\nGamma,Carl,2024-09-01,nan\nDelta,Ann,2024-09-01,10\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code = main(["report", str(path), "--out", str(out), "--as-of", "2024-12-31"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "Traceback" not in err and "internal error" not in err
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["total_revenue"] == 10.0
    book = openpyxl.load_workbook(out / "keyrisk-report.xlsx", read_only=True)
    rows = [row for ws in book.worksheets for row in ws.iter_rows(values_only=True)]
    # the problem rows (the Data quality sheet also explains each code met, once)
    bad = [
        row
        for row in rows
        if ("bad-number" in row or "number-out-of-range" in row) and "amounts.csv" in row
    ]
    assert len(bad) == 5
    assert sum("number-out-of-range" in row for row in bad) == 4  # all but "nan"
    # each value as read; a leading "-" is escaped so that no cell becomes a formula
    shown = [str(v).removeprefix("'") for row in bad for v in row]
    assert sorted(v for v in shown if v in RAW) == sorted(RAW)


def test_workbook_cells_holding_nan_or_inf_are_bad_numbers(tmp_path: Path) -> None:
    from keyrisk.ingest.values import parse_numbers

    data = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Client</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>Montant</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>a</t></is></c><c r="B2"><v>NaN</v></c></row>'
        '<row r="3"><c r="A3" t="inlineStr"><is><t>b</t></is></c><c r="B3"><v>inf</v></c></row>'
        '<row r="4"><c r="A4" t="inlineStr"><is><t>c</t></is></c><c r="B4"><v>7</v></c></row>'
    )
    t = read_raw(_sheet_xlsx(tmp_path, data))
    assert t.data["Montant"].tolist()[0] == "NaN"
    assert parse_numbers(t.data["Montant"]).bad.tolist() == [True, True, False]


# --- names: invisible characters removed, one normalised form for matching ------------------


def test_bidi_and_format_characters_removed_from_names() -> None:
    from keyrisk.ingest.values import normalise_names

    raw = pd.Series(["Jean\u202eDupont", "\u2066Marie\u2069", "Zo\u00ade", "A\u200eB", "Ali\u061c"])
    assert normalise_names(raw).tolist() == ["JeanDupont", "Marie", "Zoe", "AB", "Ali"]


def test_invisible_format_characters_are_all_the_format_category() -> None:
    """The removed set is Unicode's Cf category (kept in step with the Python in use)."""
    import unicodedata

    from keyrisk.ingest._read_common import INVISIBLE

    wanted = {c for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"}
    assert {ord(c) for c in INVISIBLE} == wanted - {0x200C, 0x200D}


def test_bidi_controls_are_a_control_characters_warning(tmp_path: Path) -> None:
    path = tmp_path / "bidi.csv"
    path.write_text("Client,Commercial\nAcme,Jean\u202eDupont\nBeta,Marie\n", encoding="utf-8")
    t = read_raw(path)
    assert t.data["Commercial"].tolist() == ["JeanDupont", "Marie"]
    got = [(p.code, p.row, p.column) for p in t.problems]
    assert got == [("control-characters", 2, "Commercial")]
    book = _xlsx(tmp_path / "bidi.xlsx", [["Client", "Commercial"], ["Acme", "Jean\u2067X"]])
    t = read_raw(book)
    assert t.data["Commercial"].tolist() == ["JeanX"]
    assert [p.code for p in t.problems] == ["control-characters"]


def test_one_normalised_form_for_names() -> None:
    from keyrisk.ingest.identities import apply_aliases, unify_names
    from keyrisk.ingest.values import fold

    assert fold("Straße") == fold("STRASSE") == "strasse"
    assert fold("\ufb01nn") == fold("FINN") == "finn"
    assert fold("İlker") == fold("İLKER")
    assert fold("Ｊｅａｎ") == "jean"
    names = pd.Series(["Straße", "STRASSE", "ﬁnn", "Finn", "Ｊｅａｎ", "jean"], dtype="string")
    # shown as first written
    assert unify_names(names).tolist() == ["Straße", "Straße", "ﬁnn", "ﬁnn", "Ｊｅａｎ", "Ｊｅａｎ"]
    new, unused = apply_aliases(pd.Series(["STRASSE", "x"]), {"Straße": "Hans Straße"})
    assert new.tolist() == ["Hans Straße", "x"] and unused == set()


def _texts_of(path: Path) -> list[tuple[str, str]]:
    """Every text a written file holds: zip parts, PNG text chunks, or the file decoded."""
    data = path.read_bytes()
    out: list[tuple[str, str]] = []
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(path) as zf:
            for member in zf.namelist():
                text = zf.read(member).decode("utf-8", "replace")
                out.append((f"{path.name}!{member}", html.unescape(text)))
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        pos = 8
        while pos < len(data):
            size, kind = struct.unpack(">I4s", data[pos : pos + 8])
            body = data[pos + 8 : pos + 8 + size]
            if kind == b"tEXt":
                out.append((path.name, body.decode("latin-1")))
            elif kind == b"zTXt":
                key, _, rest = body.partition(b"\0")
                out.append((path.name, key.decode() + zlib.decompress(rest[1:]).decode("latin-1")))
            elif kind == b"iTXt":
                key, _, rest = body.partition(b"\0")
                compressed, rest = rest[0], rest[2:]
                rest = rest.partition(b"\0")[2].partition(b"\0")[2]
                text = zlib.decompress(rest) if compressed else rest
                out.append((path.name, key.decode() + text.decode("utf-8", "replace")))
            pos += 12 + size
    else:
        out.append((path.name, data.decode("utf-8", "replace")))
    return out


def test_pseudonymised_report_never_shows_a_staff_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import unicodedata

    from keyrisk.cli import main

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Straße"  # one sheet per salesperson
    ws.append(["Client", "Commercial", "Date", "Montant"])
    for row in [
        ("Acme", "Straße", "2024-12-01", 100),
        ("Acme", "STRASSE", "2024-11-01", 50),
        ("Beta", "İlker", "2024-10-01", 70),
        ("Beta", "ﬁnn", "2024-10-02", 30),
        ("Gamma", "FINN", "voir ﬁnn", 20),  # a name in a bad date
        ("Gamma", "İlker", "İLKER le 3", 10),
        ("Delta", "Straße", "2024-09-01", "chez STRASSE"),  # and in a bad amount
    ]:
        ws.append(list(row))
    book = tmp_path / "ventes_İlker.xlsx"  # a file named after one
    wb.save(book)
    key = tmp_path / "key"
    key.write_text("0123456789abcdef0123456789abcdef", encoding="ascii")
    out = tmp_path / "out"
    argv = ["report", str(book), "--out", str(out), "--as-of", "2024-12-31"]
    code = main([*argv, "--pseudonymise", "--key-file", str(key)])
    captured = capsys.readouterr()
    assert code == 0, captured.err

    def fold(text: str) -> str:
        return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())

    written = [p for p in out.rglob("*") if p.is_file()]
    assert any(p.suffix == ".png" for p in written) and any(p.suffix == ".xlsx" for p in written)
    leaks = []
    for path in written:
        for where, text in _texts_of(path):
            folded = fold(text)
            for name in ("Straße", "İlker", "ﬁnn"):
                if fold(name) in folded:
                    at = folded.index(fold(name))
                    leaks.append((name, where, folded[max(0, at - 40) : at + 20]))
    for name in ("Straße", "İlker", "ﬁnn"):
        assert fold(name) not in fold(captured.out + captured.err)
    assert leaks == []
