"""The workbook finished for print and hand-over: page setup, header and footer, document
properties, company/title/author, and CSV files that a French Excel opens right."""

from __future__ import annotations

import codecs
import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from keyrisk.analysis import Analysis
from keyrisk.errors import ConfigError, UsageError
from keyrisk.ingest.config import load_config
from keyrisk.report.files import write_tables
from keyrisk.report.labels import t
from keyrisk.report.pagesetup import (
    DEFAULT_COLUMN_WIDTH,
    DEFAULT_ROW_HEIGHT,
    PAGE,
    PAGES,
    column_points,
    fit_scale,
    page_breaks,
    page_setup,
    page_starts,
    printable,
)
from keyrisk.report.sheets import Column, ImageSpec, ReportMeta, SheetSpec, Table
from keyrisk.report.writer import WORKBOOK_NAME, write_report
from tests.conftest import four_accounts

RUN_DATE = dt.date(2026, 2, 3)
EMU_PER_POINT = 12700
HANDOVER = {"company": "Dupont & Fils", "title": "Audit 2026", "author": "Jeanne Martin"}


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return four_accounts()


@pytest.fixture(scope="module")
def french(analysis: Analysis, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fr")
    write_report(analysis, out, lang="fr", run_date=RUN_DATE, **HANDOVER)
    return out


@pytest.fixture(scope="module")
def english(analysis: Analysis, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("en")
    write_report(analysis, out, lang="en", run_date=RUN_DATE)
    return out


# --- page setup ------------------------------------------------------------------------------


def test_every_sheet_is_a4_fit_to_width(french: Path) -> None:
    wb = openpyxl.load_workbook(french / WORKBOOK_NAME)
    for ws in wb.worksheets:
        assert ws.page_setup.paperSize == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True, ws.title
        assert ws.page_setup.fitToWidth == 1, ws.title
        assert ws.page_setup.orientation in ("portrait", "landscape"), ws.title
        assert ws.print_area, ws.title  # cells and charts, the same in Excel and LibreOffice


def test_summary_prints_landscape_one_page_wide_with_its_charts_below(french: Path) -> None:
    ws = openpyxl.load_workbook(french / WORKBOOK_NAME)["Synthèse"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToHeight == 0  # one page wide, as many pages as its charts need
    assert ws.page_setup.fitToWidth == 1
    # every chart below the tables, in column A: the sheet is as wide as its tables
    assert {image.anchor._from.col for image in ws._images} == {0}
    last_table_row = max(c.row for row in ws.iter_rows() for c in row if c.value is not None)
    assert min(image.anchor._from.row + 1 for image in ws._images) > last_table_row
    width = sum(column_points(ws.column_dimensions[c].width) for c in "ABCD")
    assert fit_scale(width, 1.0, "landscape") >= 0.85  # printed near full size (86 %)


def test_long_sheets_flow_down_and_repeat_their_header(french: Path) -> None:
    wb = openpyxl.load_workbook(french / WORKBOOK_NAME)
    for title in ("Comptes", "Équipe"):
        ws = wb[title]
        assert ws.page_setup.fitToHeight == 0, title  # as many pages as needed, one wide
        # the table's header row on every page
        assert ws.print_title_rows.replace("$", "") == "1:1", title
        assert ws.page_setup.orientation == "landscape", title  # 17 and 14 columns
    assert wb["Méthode"].print_title_rows is None  # no table running over pages


def test_orientation_follows_the_width_of_the_sheet() -> None:
    meta = ReportMeta("0.1.0", RUN_DATE)
    narrow = SheetSpec("x", "X", [Table((Column("A", "a"), Column("B", "b")), [])], [], {})
    assert page_setup(narrow, meta, "fr").orientation == "portrait"
    wide = SheetSpec("x", "X", [Table((Column("A", "a"), Column("B", "b")), [])], [], {2: 95.0})
    assert page_setup(wide, meta, "fr").orientation == "landscape"  # 547 pt > 523 pt
    charts = SheetSpec("x", "X", [], [ImageSpec("c", "C2", 760)], {})
    assert page_setup(charts, meta, "fr").orientation == "landscape"
    summary = page_setup(SheetSpec("summary", "S", [], [], {}), meta, "fr")
    assert summary.orientation == "landscape" and not summary.one_page


def test_header_and_footer_in_french(french: Path) -> None:
    wb = openpyxl.load_workbook(french / WORKBOOK_NAME)
    for ws in wb.worksheets:
        head, foot = ws.oddHeader, ws.oddFooter
        assert head.left.text == "Dupont && Fils", ws.title  # & is a code: doubled
        assert head.center.text == "Audit 2026", ws.title
        assert head.right.text == "Confidentiel", ws.title
        assert foot.left.text == "03/02/2026 · Préparé par Jeanne Martin", ws.title
        assert foot.center.text == "&A"  # the sheet's name
        assert foot.right.text == "page &P / &N", ws.title


def test_header_and_footer_in_english_without_company(english: Path) -> None:
    ws = openpyxl.load_workbook(english / WORKBOOK_NAME)["Summary"]
    assert ws.oddHeader.left.text is None  # no company given: nothing invented
    assert ws.oddHeader.center.text == t("summary.title", "en")
    assert ws.oddHeader.right.text == "Confidential"
    assert ws.oddFooter.left.text == "03/02/2026"  # the English (en-GB) short date
    assert ws.oddFooter.right.text == "page &P / &N"


def test_long_or_odd_handover_text_keeps_the_header_valid(
    analysis: Analysis, tmp_path: Path
) -> None:
    company = "&P " + "Société Générale de Distribution " * 12 + "\x07\n"
    write_report(analysis, tmp_path, lang="fr", run_date=RUN_DATE, company=company)
    ws = openpyxl.load_workbook(tmp_path / WORKBOOK_NAME)["Synthèse"]
    left = ws.oddHeader.left.text
    assert left.startswith("&&P Société")  # literal text, not a page number
    assert left.endswith("…") and "\x07" not in left and "\n" not in left
    # Excel's limit on a whole header (codes included) is 255 characters
    with zipfile.ZipFile(tmp_path / WORKBOOK_NAME) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    header = re.search(r"<oddHeader>(.*?)</oddHeader>", xml)
    assert header is not None and len(header.group(1).replace("&amp;", "&")) <= 255


def test_page_breaks_keep_each_chart_on_one_page() -> None:
    # ten rows of 100 pt, pages of 350 pt: automatic breaks after rows 3, 6 and 9
    heights = [100.0] * 10
    # a chart at row 3 (top 200 pt) 200 pt high would cross the first page's end (350 pt):
    # a break after row 2 starts a page at row 3; the chart at row 9 starts a page anyway
    assert page_breaks(heights, [(3, 200.0), (9, 50.0)], 350.0) == [2]
    # a chart that fits where it is needs no break
    assert page_breaks(heights, [(2, 150.0)], 350.0) == []
    # a chart taller than a page cannot be helped: no break that would only waste paper
    assert page_breaks(heights, [(3, 400.0)], 350.0) == []
    # rows repeated on every page (here 60 pt) shorten the pages after the first:
    # page 2 holds 60 + rows 4 and 5 only, so a chart at row 5 must start page 3
    assert page_breaks(heights, [(5, 150.0)], 350.0) == []
    assert page_breaks(heights, [(5, 150.0)], 350.0, title=60.0) == [4]
    # slack: a chart ending 10 pt before the page's end starts a page when 5 % is kept free
    assert page_breaks(heights, [(2, 190.0)], 350.0) == []
    assert page_breaks(heights, [(2, 190.0)], 350.0, slack=0.05) == [1]
    assert PAGE != PAGES


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import keyrisk

    paths = keyrisk.sample_paths("pme_fr")
    ds = keyrisk.load(
        [str(p) for p in paths["interactions"]],
        accounts=[str(p) for p in paths["accounts"]],
        staff=[str(p) for p in paths["staff"]],
    )
    out = tmp_path_factory.mktemp("sample")
    write_report(keyrisk.analyse(ds), out, lang="fr", run_date=RUN_DATE)
    return out


def _widths(ws: openpyxl.worksheet.worksheet.Worksheet) -> dict[int, float]:
    """Column index -> width, as read back (a <col> element may span several columns)."""
    out: dict[int, float] = {}
    for dim in ws.column_dimensions.values():
        if dim.width and dim.min:
            for col in range(dim.min, (dim.max or dim.min) + 1):
                out[col] = dim.width
    return out


@pytest.mark.slow
def test_no_printed_page_cuts_a_chart(sample: Path) -> None:
    """Replaying the print geometry of each sheet: every chart lies on one page."""
    wb = openpyxl.load_workbook(sample / WORKBOOK_NAME)
    checked = 0
    for ws in wb.worksheets:
        if not ws._images:
            continue
        last = ws.print_area.split("!")[-1].replace("$", "").split(":")[1]
        n_rows = int(re.sub(r"[A-Z]", "", last))
        n_cols = openpyxl.utils.column_index_from_string(re.sub(r"\d", "", last))
        heights = [
            (ws.row_dimensions[r].height or DEFAULT_ROW_HEIGHT) for r in range(1, n_rows + 1)
        ]
        widths = _widths(ws)
        width = sum(
            column_points(widths.get(c, DEFAULT_COLUMN_WIDTH)) for c in range(1, n_cols + 1)
        )
        one_page = ws.page_setup.fitToHeight == 1
        scale = fit_scale(width, sum(heights), ws.page_setup.orientation, one_page=one_page)
        capacity = printable(ws.page_setup.orientation)[1] / scale
        title = 0.0
        if ws.print_title_rows:
            rows = ws.print_title_rows.replace("$", "").split(":")
            top_row, end_row = int(rows[0]), int(rows[1])
            title = sum(heights[top_row - 1 : end_row])
        breaks = [b.id for b in ws.row_breaks.brk]
        starts = page_starts(heights, capacity, breaks, title=title)
        if one_page:
            assert starts == [1], ws.title
        for image in ws._images:
            row = image.anchor._from.row + 1
            bottom = sum(heights[: row - 1]) + image.anchor.ext.height / EMU_PER_POINT
            page = max(s for s in starts if s <= row)
            following = [s for s in starts if s > page]
            top = sum(heights[: page - 1])
            end = sum(heights[: following[0] - 1]) if following else top + capacity
            assert bottom <= end + 0.01, (ws.title, row, page)
            checked += 1
    assert checked == 11  # Summary 4, Staff 2, CRM adoption 1, Changes 1, Scenarios 2, Clients 1


# --- company, title, author ------------------------------------------------------------------


def test_summary_shows_title_company_and_author(french: Path) -> None:
    ws = openpyxl.load_workbook(french / WORKBOOK_NAME)["Synthèse"]
    assert ws["A1"].value == "Audit 2026"
    assert ws["A3"].value.startswith("Dupont & Fils · Situation au ")
    assert ws["A3"].value.endswith(" · Préparé par Jeanne Martin")


def test_summary_without_handover_options(english: Path) -> None:
    ws = openpyxl.load_workbook(english / WORKBOOK_NAME)["Summary"]
    assert ws["A1"].value == t("summary.title", "en")
    assert ws["A3"].value.startswith("Situation")


def test_document_properties(french: Path, english: Path) -> None:
    props = openpyxl.load_workbook(french / WORKBOOK_NAME).properties
    assert props.title == "Audit 2026"
    assert props.creator == "Jeanne Martin"
    assert props.subject == t("summary.title", "fr")
    assert props.keywords == "keyrisk"
    assert props.created == dt.datetime(2026, 2, 3)
    assert props.modified == dt.datetime(2026, 2, 3)  # deterministic, not the saving time
    with zipfile.ZipFile(french / WORKBOOK_NAME) as z:
        app = z.read("docProps/app.xml").decode("utf-8")
    assert "<Company>Dupont &amp; Fils</Company>" in app
    props = openpyxl.load_workbook(english / WORKBOOK_NAME).properties
    assert props.title == t("summary.title", "en")
    assert props.creator == "keyrisk"
    with zipfile.ZipFile(english / WORKBOOK_NAME) as z:
        assert "<Company>" not in z.read("docProps/app.xml").decode("utf-8")


def test_handover_options_are_checked(analysis: Analysis, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="company"):
        write_report(analysis, tmp_path, lang="fr", company="   ")
    with pytest.raises(UsageError, match="title"):
        write_report(analysis, tmp_path, lang="fr", title=3)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="csv_sep"):
        write_report(analysis, tmp_path, lang="fr", csv_sep="::")
    assert list(tmp_path.iterdir()) == []


def test_report_table_of_the_configuration(tmp_path: Path) -> None:
    path = tmp_path / "keyrisk.toml"
    path.write_text(
        '[report]\ncompany = "ACME SA"\ntitle = "Revue"\nauthor = "J. M."\ncsv_sep = ","\n',
        encoding="utf-8",
    )
    cfg = load_config(path)
    assert dict(cfg.report) == {
        "company": "ACME SA",
        "title": "Revue",
        "author": "J. M.",
        "csv_sep": ",",
    }
    path.write_text('[report]\ncompagny = "ACME"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"unknown key 'report\.compagny'"):
        load_config(path)
    path.write_text("[report]\ncompany = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"report\.company must be a non-empty string"):
        load_config(path)
    path.write_text('[report]\ncsv_sep = "::"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"report\.csv_sep"):
        load_config(path)
    assert dict(load_config(None).report) == {}


# --- CSV files for a French Excel ------------------------------------------------------------


def test_french_csv_has_bom_semicolons_and_decimal_commas(french: Path) -> None:
    raw = (french / "accounts.csv").read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    lines = raw[len(codecs.BOM_UTF8) :].decode("utf-8").splitlines()
    assert lines[0].startswith("account;revenue;n_contacts;top_staff;top_share;")
    beta = next(line for line in lines if line.startswith("Beta;"))
    # Beta: revenue 200, Ann and Bob hold it (the holders field holds the separator: quoted)
    assert beta.startswith("Beta;200,0;2;")
    assert ';"Ann; Bob";' in beta
    staff = (french / "staff.csv").read_bytes()
    assert staff.startswith(codecs.BOM_UTF8)
    assert staff[3:].decode("utf-8").startswith("staff;active;last_activity;")


def test_english_csv_has_bom_and_commas(english: Path) -> None:
    raw = (english / "accounts.csv").read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    lines = raw[len(codecs.BOM_UTF8) :].decode("utf-8").splitlines()
    assert lines[0].startswith("account,revenue,n_contacts,")
    beta = next(line for line in lines if line.startswith("Beta,"))
    assert beta.startswith("Beta,200.0,2,")
    assert ",Ann; Bob," in beta  # no comma inside: not quoted


def test_csv_separator_option(analysis: Analysis, tmp_path: Path) -> None:
    write_tables(analysis, tmp_path, sep=",", decimal=".")
    text = (tmp_path / "accounts.csv").read_text(encoding="utf-8-sig")
    assert text.startswith("account,revenue,")
    write_report(analysis, tmp_path / "fr", lang="fr", run_date=RUN_DATE, csv_sep=",")
    text = (tmp_path / "fr" / "accounts.csv").read_text(encoding="utf-8-sig")
    assert "\nBeta,200.0,2," in text  # a comma separator: decimal points
    write_report(analysis, tmp_path / "tab", lang="fr", run_date=RUN_DATE, csv_sep="\t")
    text = (tmp_path / "tab" / "accounts.csv").read_text(encoding="utf-8-sig")
    assert "\nBeta\t200,0\t2\t" in text
    write_report(analysis, tmp_path / "semi", lang="en", run_date=RUN_DATE, csv_sep=";")
    text = (tmp_path / "semi" / "accounts.csv").read_text(encoding="utf-8-sig")
    assert "\nBeta;200.0;2;" in text  # an English report keeps decimal points


# --- the command line ------------------------------------------------------------------------

TINY = "Account,Owner,Date,Amount\nAcme,Ann,2024-12-01,100\nAcme,Ann,2024-11-01,100\n"


def test_cli_handover_options_and_configuration(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyrisk
    from keyrisk.cli import main

    seen: list[dict[str, object]] = []

    def spy(analysis: object, out: object, **kwargs: object) -> list[Path]:
        seen.append(kwargs)
        return []

    monkeypatch.setattr(keyrisk, "write_report", spy)
    src = tmp_path / "tiny.csv"
    src.write_text(TINY, encoding="utf-8")
    cfg = tmp_path / "keyrisk.toml"
    cfg.write_text(
        '[report]\ncompany = "ACME SA"\ntitle = "Revue"\nauthor = "J. M."\ncsv_sep = ","\n',
        encoding="utf-8",
    )
    args = ["report", str(src), "--out", str(tmp_path / "o"), "-q"]
    assert main([*args, "--config", str(cfg)]) == 0
    assert (
        main(
            [
                *args,
                "--config",
                str(cfg),
                "--company",
                "Dupont & Fils",
                "--title",
                "Audit",
                "--author",
                "Jeanne",
                "--csv-sep",
                "tab",
            ]
        )
        == 0
    )
    assert main(args) == 0
    capsys.readouterr()
    picked = [{k: s[k] for k in ("company", "title", "author", "csv_sep")} for s in seen]
    assert picked == [
        {"company": "ACME SA", "title": "Revue", "author": "J. M.", "csv_sep": ","},
        {"company": "Dupont & Fils", "title": "Audit", "author": "Jeanne", "csv_sep": "\t"},
        {"company": None, "title": None, "author": None, "csv_sep": None},
    ]


def test_cli_rejects_an_empty_company(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from keyrisk.cli import main

    src = tmp_path / "tiny.csv"
    src.write_text(TINY, encoding="utf-8")
    code = main(["report", str(src), "--out", str(tmp_path / "o"), "-q", "--company", " "])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.splitlines() == ["keyrisk: error: company must be non-empty text; got ' '."]
    assert not (tmp_path / "o").exists()
