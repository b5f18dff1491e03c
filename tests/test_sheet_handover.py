"""The Method sheet stands alone (no pointer to docs/, every definition, the dormant level, the
four layers, the plan, the simulation and a worked example checked against the code) and the
Staff sheet prints one page wide at a readable scale (charts below the table)."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import keyrisk
from keyrisk.analysis import Analysis
from keyrisk.report.labels import t
from keyrisk.report.pagesetup import (
    DEFAULT_ROW_HEIGHT,
    content_width,
    fit_scale,
    page_setup,
    printable,
)
from keyrisk.report.sheets import ImageSpec, ReportMeta, Table
from keyrisk.report.sheets.method import method_sheet
from keyrisk.report.sheets.staff import staff_sheet
from keyrisk.report.writer import WORKBOOK_NAME, write_report
from tests.conftest import four_accounts

RUN_DATE = dt.date(2026, 2, 3)


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return four_accounts()


@pytest.fixture(scope="module")
def books(analysis: Analysis, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for lang in ("fr", "en"):
        folder = tmp_path_factory.mktemp(lang)
        write_report(analysis, folder, lang=lang, run_date=RUN_DATE)
        out[lang] = folder / WORKBOOK_NAME
    return out


def _texts(path: Path, sheet: str | None = None) -> list[str]:
    wb = openpyxl.load_workbook(path)
    sheets = [wb[sheet]] if sheet else wb.worksheets
    return [
        c.value for ws in sheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)
    ]


# --- the Method sheet ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_cell_sends_the_reader_to_docs(books: dict[str, Path], lang: str) -> None:
    bad = [text for text in _texts(books[lang]) if "docs/" in text or "method.md" in text]
    assert not bad, bad


LAYERS = {
    "fr": ("humaine", "narrative", "organisationnelle", "informationnelle"),
    "en": ("human", "narrative", "organisational", "informational"),
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_method_sheet_has_every_level_the_layers_plan_and_simulation(
    books: dict[str, Path], lang: str
) -> None:
    text = "\n".join(_texts(books[lang], t("sheet.method", lang))).casefold()
    for level in ("critical", "high", "medium", "low", "dormant"):
        assert t(f"risk.{level}", lang).casefold() in text, level
    for layer in LAYERS[lang]:
        assert layer in text, layer
    words = {"fr": ("plan de continuité", "simulation", "sans colonne"), "en": ()}
    words["en"] = ("continuity plan", "simulation", "no column")
    for word in words[lang]:
        assert word in text, word
    # formulas, and the English term kept next to the French one
    assert "w_ij" in text and "σ" in text  # casefolded: Σ
    if lang == "fr":
        assert "«\u00a0bus factor\u00a0»" in text


def _example() -> Analysis:
    """The Method sheet's worked example: Alice, Bruno and Claire on the account Durand."""
    today, before = "2024-12-31", "2024-07-04"  # 180 days: an interaction then counts half
    inter = pd.DataFrame(
        {
            "account": ["Durand"] * 5,
            "staff": ["Alice", "Alice", "Bruno", "Bruno", "Claire"],
            "date": [today, today, today, before, before],
        }
    )
    return keyrisk.analyse(keyrisk.Dataset.from_frames(inter))


def test_the_worked_example_of_the_method_sheet_is_what_keyrisk_computes() -> None:
    a = _example()
    edges = a.holders.set_index("staff")
    weights = {s: float(edges.loc[s, "weight"]) for s in ("Alice", "Bruno", "Claire")}
    assert all(
        math.isclose(weights[k], v) for k, v in {"Alice": 2.0, "Bruno": 1.5, "Claire": 0.5}.items()
    )
    shares = {s: float(edges.loc[s, "share"]) for s in weights}
    assert [round(shares[s], 4) for s in ("Alice", "Bruno", "Claire")] == [0.5, 0.375, 0.125]
    holders = sorted(edges.index[edges["is_holder"].to_numpy(dtype=bool)])
    assert holders == ["Alice", "Bruno"]
    acc = a.accounts.set_index("account")
    assert int(acc.loc["Durand", "bus_factor"]) == 2
    assert acc.loc["Durand", "risk_level"] == "medium"
    # and the sheet says so, in numbers as each language writes them
    for lang, figures in {
        "fr": ("1,5", "37,5", "12,5", "0,5"),
        "en": ("1.5", "37.5", "12.5", "0.5"),
    }.items():
        spec = method_sheet(four_accounts(), lang)
        text = "\n".join(b.text for b in spec.blocks if hasattr(b, "text"))
        for fig in figures:
            assert fig in text, (lang, fig)
        assert "Alice" in text and "Bruno" in text and "Claire" in text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_technical_names_fit_their_column(books: dict[str, Path], lang: str) -> None:
    ws = openpyxl.load_workbook(books[lang])[t("sheet.method", lang)]
    width = ws.column_dimensions["D"].width
    header = t("kv.technical", lang)
    cells = [c.value for c in ws["D"] if isinstance(c.value, str)]
    assert header in cells
    for value in cells:  # one line each: the header row is one line high
        assert len(value) + 2 <= width, (value, width)


# --- the Staff sheet -------------------------------------------------------------------------


def _sample() -> Analysis:
    paths = keyrisk.sample_paths("pme_fr")
    ds = keyrisk.load(
        [str(p) for p in paths["interactions"]],
        accounts=[str(p) for p in paths["accounts"]],
        staff=[str(p) for p in paths["staff"]],
    )
    return keyrisk.analyse(ds)


@pytest.mark.parametrize("which", ["four_accounts", "sample"])
def test_staff_charts_sit_below_the_table_and_the_sheet_prints_readably(which: str) -> None:
    a = four_accounts() if which == "four_accounts" else _sample()
    spec = staff_sheet(a, "fr")
    table = next(b for b in spec.blocks if isinstance(b, Table))
    last_row = 1 + len(table.rows)  # header on row 1
    rows = []
    for image in spec.images:
        assert isinstance(image, ImageSpec)
        letters = "".join(c for c in image.anchor if c.isalpha())
        row = int("".join(c for c in image.anchor if c.isdigit()))
        assert letters == "A", image
        assert row > last_row + 1, (image, last_row)
        rows.append(row)
    assert rows == sorted(rows)
    # one chart below the other, never overlapping (row heights are the default below the table)
    for (first, second), image in zip(itertools.pairwise(rows), spec.images, strict=False):
        height = image.width * 0.75 * 0.62  # the charts are at most 0.62 as high as wide
        assert (second - first) * DEFAULT_ROW_HEIGHT >= height, (first, second)
    width = content_width(spec)
    setup = page_setup(spec, ReportMeta("0", RUN_DATE), "fr")
    scale = fit_scale(width, 0.0, setup.orientation)
    assert scale >= 0.7, (scale, width, printable(setup.orientation))
