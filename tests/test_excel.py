"""The deliverable workbook: sheets, headers, row counts, formats, languages, determinism."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import keyrisk
from keyrisk import Dataset, analyse
from keyrisk.analysis import Analysis
from keyrisk.errors import UsageError
from keyrisk.report import labels as lb
from keyrisk.report.charts import CHARTS
from keyrisk.report.excel import number_format, save_workbook
from keyrisk.report.files import write_tables
from keyrisk.report.labels import NBSP, t
from keyrisk.report.layout import ReportMeta, build_sheets, light_for, next_steps
from keyrisk.report.writer import WORKBOOK_NAME, write_report
from tests.conftest import four_accounts

RUN_DATE = dt.date(2026, 2, 3)
FR_TITLES = [
    "Synthèse",
    "Comptes",
    "Équipe",
    "Plan de continuité",
    "Signaux faibles",
    "Adoption du CRM",
    "Évolution",
    "Scénarios",
    "Clients",
    "Qualité des données",
    "Méthode",
]
EN_TITLES = [
    "Summary",
    "Accounts",
    "Staff",
    "Continuity plan",
    "Weak signals",
    "CRM adoption",
    "Changes",
    "Scenarios",
    "Clients",
    "Data quality",
    "Method",
]


def small() -> Analysis:
    return four_accounts()


def workbook(analysis: Analysis, lang: str, path: Path) -> openpyxl.Workbook:
    sheets = build_sheets(analysis, lang, ReportMeta("9.9.9", RUN_DATE))
    save_workbook(sheets, path, lang=lang, created=RUN_DATE)
    return openpyxl.load_workbook(path)


def values(wb: openpyxl.Workbook) -> dict[str, list[tuple[object, ...]]]:
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return small()


def test_sheet_titles_in_each_language(analysis: Analysis, tmp_path: Path) -> None:
    assert workbook(analysis, "fr", tmp_path / "fr.xlsx").sheetnames == FR_TITLES
    assert workbook(analysis, "en", tmp_path / "en.xlsx").sheetnames == EN_TITLES


def test_headline_switches_language(analysis: Analysis, tmp_path: Path) -> None:
    fr = workbook(analysis, "fr", tmp_path / "fr.xlsx")["Synthèse"]
    en = workbook(analysis, "en", tmp_path / "en.xlsx")["Summary"]
    assert fr["A1"].value == "Dépendance de la relation client aux personnes clés"
    assert fr["A2"].value == (
        f"70,0{NBSP}% du chiffre d'affaires repose sur Ann, dont 10,0{NBSP}% déjà orphelin"
    )
    assert en["A2"].value == analysis.portfolio.headline
    assert en["A2"].value == "70.0% of revenue depends on Ann, including 10.0% already orphaned"
    assert fr["A3"].value == "Situation au 10 janvier 2026"
    assert en["A3"].value == "Situation as of 10 January 2026"


def test_accounts_sheet_rows_headers_and_order(analysis: Analysis, tmp_path: Path) -> None:
    ws = workbook(analysis, "fr", tmp_path / "fr.xlsx")["Comptes"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    assert header[:6] == (
        "Compte",
        "Niveau de risque",
        "Chiffre d'affaires",
        "Part du CA",
        "Nombre de détenteurs actifs",
        "Détenteurs actifs",
    )
    assert len(rows) - 1 == len(analysis.accounts) == 4
    assert [r[0] for r in rows[1:]] == ["Acme", "Delta", "Gamma", "Beta"]
    assert [r[1] for r in rows[1:]] == ["critique", "critique", "critique", "moyen"]
    assert [r[2] for r in rows[1:]] == [600.0, 100.0, 100.0, 200.0]
    assert rows[4][5] == f"Ann{NBSP}; Bob"  # a list, written the French way
    assert ws["C2"].number_format == "#,##0"  # the currency is unknown: no symbol
    assert ws["D2"].number_format == f'#,##0.0"{NBSP}"%'  # as the text writes it: "35,5 %"
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref == "A1:Q5"
    ranges = [str(cf.sqref) for cf in ws.conditional_formatting]
    assert "B2:B5" in ranges and "C2:C5" in ranges and "H2:H5" in ranges


def test_staff_and_scenarios_sheets(analysis: Analysis, tmp_path: Path) -> None:
    wb = workbook(analysis, "en", tmp_path / "en.xlsx")
    staff = list(wb["Staff"].iter_rows(values_only=True))
    assert len(staff) - 1 == len(analysis.staff) == 3
    assert [r[0] for r in staff[1:]] == ["Ann", "Bob", "Cid"]
    assert [r[1] for r in staff[1:]] == ["active", "active", "gone"]
    assert [r[10] for r in staff[1:]] == [600.0, 100.0, 0.0]
    scen = [r for r in wb["Scenarios"].iter_rows(values_only=True) if any(v is not None for v in r)]
    texts = [r[0] for r in scen]
    assert "Costliest single departures" in texts
    top = scen[texts.index("Costliest single departures") + 2]
    assert top[:5] == (1, "Ann", 600.0, 0.6, 1)
    steps = scen[texts.index("The people of the bus factor, in the order they leave") + 2 :]
    assert steps[0][:4] == (0, "accounts already orphaned", 100.0, 0.1)
    assert steps[1][:5] == (1, "Ann", 700.0, 0.7, "yes")


def test_clients_and_quality_sheets(analysis: Analysis, tmp_path: Path) -> None:
    wb = workbook(analysis, "fr", tmp_path / "fr.xlsx")
    clients = {r[0]: r[1] for r in wb["Clients"].iter_rows(values_only=True) if r[0]}
    assert clients["IHH clients"] == pytest.approx(0.36 + 0.04 + 0.01 + 0.01)
    assert clients["Lignes directrices américaines 2023"] == "fortement concentré"
    assert clients["Nombre de clients qui font la moitié du CA"] == 1
    quality = [r[0] for r in wb["Qualité des données"].iter_rows(values_only=True)]
    assert "Aucune anomalie." in quality and "Aucun nom proche." in quality


def test_summary_key_figures_lights_and_metadata(analysis: Analysis, tmp_path: Path) -> None:
    ws = workbook(analysis, "en", tmp_path / "en.xlsx")["Summary"]
    rows: dict[object, tuple[object, ...]] = {}
    for r in ws.iter_rows(values_only=True):
        if r[0]:
            rows.setdefault(r[0], r[1:])  # the key figures (the plan's before/after repeats them)
    bus = rows["Revenue bus factor"]
    assert bus[0] == 1 and bus[1] == "Critical"
    assert bus[2] == "Ann: 70.0% orphaned once they leave (target 50%); method exact"
    assert rows["Revenue share resting on a single person, or none"][:2] == (0.8, "Critical")
    assert rows["Orphaned accounts (no active holder left)"][0] == 1
    assert rows["Tool"][0] == "keyrisk 9.9.9"
    assert rows["Report produced on"][0] == dt.datetime(2026, 2, 3)
    assert rows["Staff names pseudonymised"][0] == "no"
    texts = [r[0] for r in ws.iter_rows(values_only=True) if isinstance(r[0], str)]
    assert any("GDPR" in s for s in texts)
    assert any(s.startswith("1. Name a second holder for the account Ann") for s in texts)


def test_content_is_deterministic(analysis: Analysis, tmp_path: Path) -> None:
    first = values(workbook(analysis, "fr", tmp_path / "a.xlsx"))
    second = values(workbook(small(), "fr", tmp_path / "b.xlsx"))
    assert first == second


def test_count_basis_has_no_currency(tmp_path: Path) -> None:
    ds = Dataset.from_frames(
        pd.DataFrame({"account": ["A", "B", "C"], "staff": ["Ann", "Bob", "Ann"]})
    )
    a = analyse(ds)
    wb = workbook(a, "fr", tmp_path / "c.xlsx")
    staff = wb["Équipe"]
    header = [c.value for c in staff[1]]
    col = header.index("Comptes détenus seul (nombre)") + 1
    assert staff.cell(2, col).value == 2.0
    assert staff.cell(2, col).number_format == "#,##0"
    assert wb["Synthèse"]["A2"].value == f"66,7{NBSP}% des comptes reposent sur Ann"
    assert "€" not in "".join(
        str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value
    )


def test_labels_and_formats() -> None:
    assert t("sheet.staff", "fr") == "Équipe"
    with pytest.raises(UsageError, match="language"):
        t("sheet.staff", "de")
    with pytest.raises(UsageError):
        build_sheets(small(), "es", ReportMeta("1", RUN_DATE))
    assert lb.percent(0.625, "fr", 1) == f"62,5{NBSP}%"
    assert lb.money(1234567.8, "fr") == "1\u202f234\u202f568"  # no currency known, no symbol
    assert lb.money(1234567.8, "fr", currency="EUR") == f"1\u202f234\u202f568{NBSP}€"
    assert lb.money(1234567.8, "en") == "1,234,568"
    assert number_format("money", "en") == "#,##0"
    assert light_for("bus_factor", 1) == "red" and light_for("bus_factor", 4) == "green"
    assert light_for("top_departure", 0.2) == "orange"


def test_caveats_travel_with_the_headline(analysis: Analysis, tmp_path: Path) -> None:
    # Acme's 600 of 1000 is one value of the accounts table
    fr = workbook(analysis, "fr", tmp_path / "fr.xlsx")["Synthèse"]
    assert str(fr["A4"].value).startswith(
        f"Attention{NBSP}: Un seul montant porte 60,0{NBSP}% du chiffre d'affaires{NBSP}: 600 pour "
        "Acme"
    )
    en = workbook(analysis, "en", tmp_path / "en.xlsx")["Summary"]
    assert str(en["A4"].value).startswith("Caution: A single figure carries 60.0% of revenue")
    write_tables(analysis, tmp_path / "tables", "fr")
    data = json.loads((tmp_path / "tables" / "summary.json").read_text(encoding="utf-8"))
    # the four accounts are built from frames without a currency: it is unknown, and said so
    assert [w["code"] for w in data["warnings"]] == ["revenue-one-figure", "currency-unknown"]
    assert data["warnings"][0]["message"].startswith("Un seul montant porte 60,0")


def test_next_steps_are_derived_from_the_figures(analysis: Analysis) -> None:
    steps = next_steps(analysis, "en")
    assert 3 <= len(steps) <= 5
    assert steps[0] == (
        "Name a second holder for the account Ann holds alone: Acme (600, 60.0% of revenue). "
        "Candidates from the data: Bob, already in contact with this account."
    )
    assert steps[1] == "Reassign the orphaned account Gamma (100) now."
    assert steps[2] == (
        "Involve Bob, who already works on one single-holder account as a non-holder, as a "
        "second contact."
    )
    assert steps[-1].startswith("Measure again in 3 months")


def test_next_steps_leave_dormant_accounts_out_and_never_say_zero() -> None:
    inter = pd.DataFrame(
        {
            "account": ["Acme", "Acme", "Lead"],
            "staff": ["Ann", "Ann", "Cid"],
            "date": ["2026-01-10", "2026-01-10", "2025-12-01"],
        }
    )
    staff = pd.DataFrame({"staff": ["Ann", "Cid"], "end_date": [None, "2025-12-31"]})
    # Lead: orphaned (Cid left), no revenue, touched in the window; Ghost: never touched
    acc = pd.DataFrame({"account": ["Acme", "Lead", "Ghost"], "revenue": [600.0, 0.0, None]})
    a = analyse(Dataset.from_frames(inter, acc, staff))
    risk = dict(zip(a.accounts["account"], a.accounts["risk_level"], strict=True))
    assert risk == {"Acme": "critical", "Lead": "critical", "Ghost": "dormant"}
    steps = next_steps(a, "en")
    assert any(s.startswith("Give a holder to the orphaned account Lead,") for s in steps)
    assert not any("Ghost" in s or "(0)" in s for s in steps)
    # only dormant accounts are orphaned: nothing to reassign
    only = analyse(Dataset.from_frames(inter[:2], acc[acc["account"] != "Lead"], staff))
    assert not any(s.startswith("Reassign") for s in next_steps(only, "en"))


def test_write_report_rejects_bad_arguments(analysis: Analysis, tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        write_report(analysis, tmp_path, lang="xx")
    with pytest.raises(UsageError):
        write_report(analysis, tmp_path, lang="fr", run_date="2026-01-01")  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Analysis, Path, list[Path]]:
    paths = keyrisk.sample_paths("pme_fr")
    ds = keyrisk.load(
        [str(p) for p in paths["interactions"]],
        accounts=[str(p) for p in paths["accounts"]],
        staff=[str(p) for p in paths["staff"]],
    )
    a = analyse(ds)
    out = tmp_path_factory.mktemp("sample")
    written = write_report(a, out, lang="fr", run_date=RUN_DATE)
    return a, out, written


@pytest.mark.slow
def test_full_report_on_the_bundled_sample(
    sample_report: tuple[Analysis, Path, list[Path]],
) -> None:
    a, out, written = sample_report
    names = {p.relative_to(out).as_posix() for p in written}
    assert {"accounts.csv", "staff.csv", "summary.json", WORKBOOK_NAME} <= names
    pngs = sorted(n for n in names if n.startswith("charts/") and n.endswith(".png"))
    assert len(pngs) >= 6
    assert pngs == sorted(f"charts/{n}.png" for n in [*CHARTS, "trend"])  # trend: Changes sheet
    wb = openpyxl.load_workbook(out / WORKBOOK_NAME)
    assert wb.sheetnames == FR_TITLES
    assert wb["Comptes"].max_row - 1 == len(a.accounts) == 400
    assert wb["Équipe"].max_row - 1 == len(a.staff)
    summary = wb["Synthèse"]
    assert summary["A2"].value == (
        f"53,8{NBSP}% du chiffre d'affaires repose sur Marie Dupont et Jean Lefèvre, "
        f"dont 1,1{NBSP}% déjà orphelin"
    )
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert data["headline"] == summary["A2"].value  # in the report's language
    assert data["warnings"] == []
    text = " ".join(str(c.value) for row in summary.iter_rows() for c in row if c.value)
    for f in a.dataset.report.files:
        assert f.sha256 and f.sha256 in text
    assert f"keyrisk {keyrisk.__version__}" in text
    assert len(summary._images) == 4  # openpyxl keeps images there; the plan's before/after
    accounts = [c.value for c in wb["Comptes"]["A"]]
    assert "'=SOMME Distribution" in accounts and "'+Plus Services" in accounts


@pytest.mark.slow
def test_column_widths_make_sense(sample_report: tuple[Analysis, Path, list[Path]]) -> None:
    _, out, _ = sample_report
    wb = openpyxl.load_workbook(out / WORKBOOK_NAME)
    ws = wb["Comptes"]
    widths = {k: v.width for k, v in ws.column_dimensions.items()}
    assert all(8 <= widths[col] <= 60 for col in "ABCDEFGHIJKLMNOPQ")
    longest = max(len(str(c.value)) for c in ws["A"] if c.value)
    assert widths["A"] >= min(longest, 46)
    assert wb["Synthèse"].column_dimensions["A"].width == 50


@pytest.mark.slow
def test_workbook_has_no_formula_in_xml(sample_report: tuple[Analysis, Path, list[Path]]) -> None:
    _, out, _ = sample_report
    with zipfile.ZipFile(out / WORKBOOK_NAME) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = z.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml and "<hyperlink" not in xml
