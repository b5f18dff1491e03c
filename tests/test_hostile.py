"""Hostile and broken inputs: each ends in a clear one-line error or a correct read, quickly."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from keyrisk.errors import FileFormatError, InputError, LimitExceededError
from keyrisk.ingest.limits import Limits
from keyrisk.ingest.readers import ReadOptions, read_raw


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
