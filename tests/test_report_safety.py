"""Hostile names never become formulas, errors, links or broken cells in the workbook."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from keyrisk import Dataset, analyse
from keyrisk.analysis import Analysis
from keyrisk.report.excel import MAX_CELL_CHARS, render_workbook, save_workbook
from keyrisk.report.layout import Column, ReportMeta, SheetSpec, Table, build_sheets

HOSTILE_ACCOUNTS = [
    "=1+1",
    "+SUM(A1)",
    "-2",
    "@cmd",
    "\tx",
    "#N/A",
    '=HYPERLINK("http://evil")',
    "Ctrl\x01\x02name",
    "Price $5 and $x^2$",
    "L" * 40000,
]
HOSTILE_STAFF = ["=cmd|' /C calc'!A0", "@Ann", "$Dollar$ Bob"]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def hostile() -> Analysis:
    accounts, staff = [], []
    for i, name in enumerate(HOSTILE_ACCOUNTS):
        who = HOSTILE_STAFF[i % len(HOSTILE_STAFF)]
        accounts += [name, name]
        staff += [who, who]
    inter = pd.DataFrame({"account": accounts, "staff": staff, "date": ["2026-01-05"] * len(staff)})
    acc = pd.DataFrame(
        {"account": HOSTILE_ACCOUNTS, "revenue": [float(100 * (i + 1)) for i in range(10)]}
    )
    return analyse(Dataset.from_frames(inter, acc))


@pytest.fixture(scope="module")
def book(hostile: Analysis, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("hostile") / "hostile.xlsx"
    sheets = build_sheets(hostile, "fr", ReportMeta("1.0", dt.date(2026, 1, 1)))
    save_workbook(sheets, path, lang="fr")
    return openpyxl.load_workbook(path)


def test_no_formula_error_or_link_anywhere(book: openpyxl.Workbook) -> None:
    n_text = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type not in ("f", "e"), (ws.title, cell.coordinate, cell.value)
                assert cell.hyperlink is None
                if isinstance(cell.value, str):
                    n_text += 1
                    assert not cell.value.startswith(TRIGGERS), (ws.title, cell.coordinate)
                    assert cell.value.strip() != "#N/A"
                    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", cell.value)
                    assert len(cell.value) <= MAX_CELL_CHARS
    assert n_text > 100


def test_hostile_names_are_literal_text_with_an_apostrophe(
    book: openpyxl.Workbook, hostile: Analysis
) -> None:
    ws = book["Comptes"]
    names = [c.value for c in ws["A"][1:]]
    assert len(names) == len(hostile.accounts) == 10
    for raw in ("=1+1", "+SUM(A1)", "-2", "@cmd", "#N/A", '=HYPERLINK("http://evil")'):
        assert "'" + raw in names
    assert "'\tx" in names and "Ctrlname" in names
    assert "Price $5 and $x^2$" in names
    long = [n for n in names if n.startswith("LLL")]
    assert len(long) == 1 and len(long[0]) == MAX_CELL_CHARS and long[0].endswith("…")
    staff = [c.value for c in book["Équipe"]["A"][1:]]
    assert sorted(staff) == sorted(["'=cmd|' /C calc'!A0", "'@Ann", "$Dollar$ Bob"])


def test_sheet_titles_are_sanitised(tmp_path: Path) -> None:
    table = Table((Column("Name", "name"),), [("=2+2",), ("ok",)])
    specs = [
        SheetSpec("a", "Q1/Q2: [draft]*", [table]),
        SheetSpec("b", "Q1/Q2: [draft]*", [table]),
        SheetSpec("c", "x" * 40, [table]),
    ]
    wb = render_workbook(specs, lang="en")
    assert wb.sheetnames == ["Q1_Q2_ _draft__", "Q1_Q2_ _draft__ (2)", "x" * 31]
    cell = wb["Q1_Q2_ _draft__"]["A2"]
    assert cell.value == "'=2+2" and cell.data_type == "s"
