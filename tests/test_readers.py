"""Tests of keyrisk.ingest.readers.read_raw on small named fixtures and on real data."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from keyrisk.errors import AmbiguousInputError, FileFormatError, InputError, UsageError
from keyrisk.ingest.readers import RawTable, ReadOptions, read_raw
from keyrisk.ingest.sniff import detect_encoding, find_header_row, sniff_delimiter

HERE = Path(__file__).resolve().parent / "fixtures" / "readers"


def _read(name: str, **kwargs: object) -> RawTable:
    return read_raw(HERE / name, ReadOptions(**kwargs) if kwargs else None)  # type: ignore[arg-type]


def _values(table: RawTable) -> dict[str, list[object]]:
    return {c: [None if v is pd.NA else v for v in table.data[c].tolist()] for c in table.headers}


def _counts_ok(table: RawTable) -> None:
    assert table.read == len(table.data) + table.skipped + table.rejected
    assert table.rows.dtype == np.int64
    assert len(table.rows) == len(table.data)
    assert list(table.data.columns) == table.headers


def test_cp1252_semicolon_keeps_raw_strings() -> None:
    t = _read("latin1.csv")
    assert (t.format, t.encoding, t.delimiter, t.header_row) == ("csv", "cp1252", ";", 1)
    assert t.headers == ["Société", "Commercial", "Montant"]
    assert _values(t) == {
        "Société": ["Café Müller", "Épicerie"],
        "Commercial": ["Zoé", "Noël"],
        "Montant": ["1 863,40", "12 €"],
    }
    assert list(t.rows) == [2, 3]
    assert str(t.data["Montant"].dtype) == "string"
    _counts_ok(t)


def test_utf8_bom() -> None:
    t = _read("utf8_bom.csv")
    assert (t.encoding, t.delimiter) == ("utf-8-sig", ",")
    assert t.headers == ["Client", "Commercial"]
    assert _values(t)["Client"] == ["Acmé", "Beta"]


def test_utf16_excel_unicode_text() -> None:
    t = _read("utf16.txt")
    assert (t.format, t.encoding, t.delimiter) == ("csv", "utf-16", "\t")
    assert _values(t) == {
        "Client": ["Acmé", "Beta"],
        "Commercial": ["Jean", "Marie"],
        "Montant": ["10", "20"],
    }
    assert list(t.rows) == [2, 3]


@pytest.mark.parametrize(
    ("name", "sep", "third"),
    [
        ("semicolon_fr.csv", ";", ["1 863,40", "12,50"]),
        ("pipe.csv", "|", ["2024-01-02", "2024-02-03"]),
    ],
)
def test_delimiters(name: str, sep: str, third: list[str]) -> None:
    t = _read(name)
    assert t.delimiter == sep
    assert _values(t)[t.headers[2]] == third


def test_tab_separated() -> None:
    t = _read("tab.tsv")
    assert t.delimiter == "\t"
    assert _values(t) == {"Client": ["Acme", "Beta"], "Commercial": ["Jean", "Marie"]}


def test_title_rows_text() -> None:
    t = _read("title_rows.csv")
    assert (t.delimiter, t.header_row) == (";", 3)
    assert t.headers == ["Client", "Commercial", "Date", "Montant"]
    assert list(t.rows) == [4, 5]
    assert _values(t)["Date"] == ["02/01/2024", "03/01/2024"]
    assert any("line 3" in n and "title" in n for n in t.notes)


def test_forced_header_row() -> None:
    t = _read("title_rows.csv", header_row=4)
    assert t.header_row == 4
    assert t.headers == ["Acme", "Jean", "02/01/2024", "10"]
    assert list(t.rows) == [5]


def test_forced_header_row_outside_file() -> None:
    with pytest.raises(UsageError, match="line 40"):
        _read("title_rows.csv", header_row=40)


def test_only_header_is_a_valid_empty_read() -> None:
    t = _read("only_header.csv")
    assert t.headers == ["Client", "Commercial", "Date"]
    assert len(t.data) == 0 and t.read == 0
    _counts_ok(t)


def test_empty_file() -> None:
    with pytest.raises(InputError, match="the file is empty"):
        _read("empty.csv")


def test_ragged_rows_and_blank_line() -> None:
    t = _read("ragged.csv")
    assert t.headers == ["Client", "Commercial", "Montant"]
    assert _values(t) == {
        "Client": ["Acme", "Delta"],
        "Commercial": ["Jean", "Zoe"],
        "Montant": ["10", "40"],
    }
    assert list(t.rows) == [2, 6]
    assert (t.read, t.skipped, t.rejected) == (5, 1, 2)
    got = [(p.code, p.row, p.value, p.severity) for p in t.problems]
    assert got == [
        ("extra-fields", 3, "Beta,Marie,20,extra", "error"),
        ("missing-fields", 4, "Gamma,Paul", "error"),
        ("blank-row", 5, None, "info"),
    ]
    _counts_ok(t)


def test_crlf() -> None:
    t = _read("crlf.csv")
    assert _values(t) == {"Client": ["Acme", "Beta"], "Commercial": ["Jean", "Marie"]}
    assert list(t.rows) == [2, 3]


def test_quoted_newline_keeps_line_numbers() -> None:
    t = _read("quoted_newline.csv")
    assert _values(t)["Note"] == ["line one\nline two", 'say "hi"', "plain"]
    assert list(t.rows) == [2, 4, 5]
    _counts_ok(t)


def test_ambiguous_separator() -> None:
    with pytest.raises(AmbiguousInputError, match=r"';' or ','|',' or ';'") as err:
        _read("ambiguous_sep.csv")
    assert "--sep" in str(err.value) and "ambiguous_sep.csv" in str(err.value)


def test_forced_separator_settles_ambiguity() -> None:
    t = _read("ambiguous_sep.csv", sep=";")
    assert t.headers == ["a", "b,c"]
    assert _values(t)["b,c"] == ["2,3", "5,6"]


def test_forced_encoding() -> None:
    t = _read("latin1.csv", encoding="latin-1")
    assert t.encoding == "iso8859-1"
    assert _values(t)["Société"] == ["Café Müller", "Épicerie"]


def test_html_saved_as_xls() -> None:
    with pytest.raises(FileFormatError, match=r"HTML page saved as \.xls") as err:
        _read("html_as.xls")
    assert "html_as.xls" in str(err.value)


def test_csv_named_xlsx_is_read_as_csv() -> None:
    t = _read("csv_named.xlsx")
    assert (t.format, t.delimiter) == ("csv", ",")
    assert _values(t) == {"Client": ["Acme"], "Commercial": ["Jean"]}
    assert any("read as CSV" in n for n in t.notes)


def test_hidden_and_draft_sheets_are_skipped() -> None:
    t = _read("hidden_draft_first.xlsx")
    assert (t.format, t.sheet, t.header_row) == ("xlsx", "Données", 1)
    assert t.sheets == ["Brouillon", "Notes", "Données"]
    assert _values(t) == {
        "Client": ["Acme", "Beta"],
        "Commercial": ["Jean", "Marie"],
        "Montant": [10, 20.5],
    }
    assert list(t.rows) == [2, 3]
    assert any("'Brouillon' is hidden" in n for n in t.notes)
    assert str(t.data["Client"].dtype) == "object"


def test_forced_sheet_and_unknown_sheet() -> None:
    t = _read("hidden_draft_first.xlsx", sheet="Brouillon")
    assert _values(t) == {"Client": ["Old"], "Commercial": ["Nobody"]}
    with pytest.raises(UsageError, match=r"'Ventes'.*'Brouillon', 'Notes', 'Données'"):
        _read("hidden_draft_first.xlsx", sheet="Ventes")


def test_two_similar_sheets_are_ambiguous() -> None:
    with pytest.raises(AmbiguousInputError, match=r"'Ventes 2023', 'Ventes 2024'.*--sheet"):
        _read("two_sheets_ambiguous.xlsx")
    assert _read("two_sheets_ambiguous.xlsx", sheet="Ventes 2024").sheet == "Ventes 2024"


def test_workbook_title_rows_and_excel_row_numbers() -> None:
    t = _read("title_rows.xlsx")
    assert (t.sheet, t.header_row) == ("Export", 4)
    assert t.headers == ["Client", "Commercial", "Date"]
    assert _values(t) == {
        "Client": ["Acme", "Beta"],
        "Commercial": ["Jean", "Marie"],
        "Date": [dt.datetime(2024, 1, 2, 10, 30), dt.date(2024, 2, 3)],
    }
    assert list(t.rows) == [5, 7]
    assert [(p.code, p.row, p.sheet) for p in t.problems] == [("blank-row", 6, "Export")]
    assert (t.read, t.skipped) == (3, 1)


def test_date1904() -> None:
    t = _read("date1904.xlsx")
    assert t.date1904 is True
    assert _values(t)["Date"] == [dt.date(2024, 1, 2)]
    assert _read("title_rows.xlsx").date1904 is False


def test_formulas_without_cached_values() -> None:
    t = _read("formulas_no_cache.xlsx")
    assert _values(t) == {"Client": ["Acme", "Beta"], "Quantité": [2, 3], "Total": [None, None]}
    got = [(p.code, p.row, p.column, p.severity) for p in t.problems]
    assert got == [
        ("formula-no-value", 2, "Total", "warning"),
        ("formula-no-value", 3, "Total", "warning"),
    ]


def test_ods() -> None:
    t = _read("simple.ods")
    assert (t.format, t.sheet) == ("ods", "Clients")
    assert _values(t) == {"Client": ["Acme"], "Commercial": ["Jean"], "Montant": [12.5]}
    assert list(t.rows) == [2]


def test_parquet(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "x.csv"  # mis-named on purpose: content decides
    pq.write_table(pa.table({"Client": ["Acme", None], "Montant": [1, 2]}), path)
    t = read_raw(path)
    assert (t.format, t.header_row) == ("parquet", 1)
    assert _values(t) == {"Client": ["Acme", None], "Montant": [1, 2]}
    assert list(t.rows) == [2, 3]


def test_duplicate_and_empty_headers(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_bytes(b"Nom,Nom, ,Ville\nA,B,C,D\n")
    t = read_raw(path)
    assert t.headers == ["Nom", "Nom (2)", "column 3", "Ville"]
    assert _values(t)["column 3"] == ["C"]


def test_sha256_and_path() -> None:
    import hashlib

    t = _read("crlf.csv")
    assert t.sha256 == hashlib.sha256((HERE / "crlf.csv").read_bytes()).hexdigest()
    assert t.path.endswith("crlf.csv")


def test_bad_options() -> None:
    with pytest.raises(UsageError):
        ReadOptions(sep="x")
    with pytest.raises(UsageError):
        ReadOptions(header_row=0)


def test_sniff_units() -> None:
    assert sniff_delimiter(['a,"b;c",d', "1,2,3"]) == ","
    assert sniff_delimiter(["nom", "Dupont"]) is None
    assert detect_encoding(b"\xfe\xff\x00a") == ("utf-16", "a")
    with pytest.raises(FileFormatError, match=r"offset 1.*--encoding"):
        detect_encoding(b"a\x81b")
    assert find_header_row([["Titre"], [None, None], ["A", "B"], [1, 2]]) == 2
    assert find_header_row([[None], []]) is None


# --- real data -------------------------------------------------------------------------------


@pytest.mark.realdata
def test_real_northwind_dirty_ragged(realdata: Path) -> None:
    """Every line with an unquoted comma in its address is read back, with a warning."""
    path = realdata / "northwind_dirty" / "orders.csv"
    t = read_raw(path)
    with open(path, newline="", encoding="utf-8") as fh:
        records = list(csv.reader(fh))
    width = len(records[0])
    bad = [i + 1 for i, r in enumerate(records) if i and len(r) != width]
    assert t.headers[0] == "orderID" and len(t.headers) == width
    assert len(bad) == 176
    assert t.rejected == 0 and not t.uncertain
    recovered = [p for p in t.problems if p.code == "recovered-fields"]
    assert [p.row for p in recovered] == bad
    assert {(p.column, p.severity) for p in recovered} == {("shipAddress", "warning")}
    assert t.read == len(records) - 1 == 830 == len(t.data)
    by_line = t.data.set_axis(t.rows)
    for line in bad:
        r = records[line - 1]
        assert by_line.loc[line, "orderID"] == r[0]
        assert by_line.loc[line, "shipAddress"] == f"{r[9]},{r[10]}"
        assert by_line.loc[line, "shipCountry"] == r[-1]
    first = recovered[0]
    assert first.value is not None and first.row is not None
    assert first.value.startswith(records[first.row - 1][0])
    _counts_ok(t)
    assert t.data["orderID"].iloc[0] == "10248" and t.rows[0] == 2


@pytest.mark.realdata
def test_real_maven_crlf(realdata: Path) -> None:
    t = read_raw(realdata / "maven_crm" / "sales_pipeline.csv")
    assert (t.encoding, t.delimiter) == ("utf-8", ",")
    assert len(t.data) == 8800 and t.rejected == 0
    assert not t.data["close_value"].str.contains("\r", regex=False).fillna(False).any()
    assert t.rows[-1] == 8801


@pytest.mark.realdata
def test_real_classicmodels_quoted_headers(realdata: Path) -> None:
    t = read_raw(realdata / "classicmodels" / "customers.csv")
    assert t.delimiter == ";"
    assert "salesRepEmployeeNumber" in t.headers and len(t.data) == 122
    assert int(t.data["salesRepEmployeeNumber"].isna().sum()) == 22


@pytest.mark.realdata
def test_real_french_excel_csv(realdata: Path) -> None:
    t = read_raw(realdata / "northwind_fr_excel" / "commandes.csv")
    assert (t.encoding, t.delimiter, t.header_row) == ("cp1252", ";", 1)
    assert t.headers[0] == "N° commande" and t.headers[-1] == "CA HT (€)"
    assert "1\u00a0863,40" in set(t.data["CA HT (€)"].dropna())
    assert len(t.data) == 830
