"""The bundled samples: reproducible, packaged, and carrying the documented planted structure.

The numbers asserted here are the ones documented in docs/samples.md.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import openpyxl
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"


def package_dir() -> Path:
    """The installed keyrisk package folder, found without importing keyrisk."""
    spec = importlib.util.find_spec("keyrisk")
    assert spec is not None and spec.submodule_search_locations is not None
    return Path(next(iter(spec.submodule_search_locations))).resolve()


PACKAGED = package_dir() / "samples"
FR = SAMPLES / "pme_fr"
EN = SAMPLES / "acme_en"
DATA_SUFFIXES = {".csv", ".xlsx"}


def load_generator() -> ModuleType:
    """Import tools/make_samples.py (not a package) by path."""
    spec = importlib.util.spec_from_file_location(
        "make_samples", ROOT / "tools" / "make_samples.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], float]:
    """Run the generator once into a temporary folder: (folder, summary, CPU seconds)."""
    out = tmp_path_factory.mktemp("samples")
    gen = load_generator()
    start = time.process_time()
    summary = gen.generate(out, None)
    return out, summary, time.process_time() - start


def data_files(folder: Path) -> list[str]:
    """Relative paths of the sample data files under ``folder``."""
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.suffix in DATA_SUFFIXES
    )


def xlsx_cells(path: Path) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Every sheet's name and cell values, read with openpyxl in read-only mode."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [(ws.title, [tuple(row) for row in ws.iter_rows(values_only=True)]) for ws in wb]
    finally:
        wb.close()


def same_content(a: Path, b: Path) -> bool:
    """Bytes for CSV, cell contents for xlsx."""
    if a.suffix == ".xlsx":
        return xlsx_cells(a) == xlsx_cells(b)
    return a.read_bytes() == b.read_bytes()


def read_activities() -> pd.DataFrame:
    """activites.csv as the raw text of every cell."""
    return pd.read_csv(
        FR / "activites.csv",
        encoding="cp1252",
        sep=";",
        skiprows=2,
        dtype=str,
        keep_default_na=False,
    )


# ---------------------------------------------------------------------------------------------
# (a) reproducible
# ---------------------------------------------------------------------------------------------
def test_expected_files_are_committed() -> None:
    assert data_files(SAMPLES) == [
        "acme_en/hubspot_companies.csv",
        "acme_en/hubspot_deals.csv",
        "acme_en/salesforce_activities.csv",
        "pme_fr/activites.csv",
        "pme_fr/clients.xlsx",
        "pme_fr/equipe.xlsx",
    ]


def test_generator_reproduces_committed_files(
    generated: tuple[Path, dict[str, Any], float],
) -> None:
    out, _, _ = generated
    assert data_files(out) == data_files(SAMPLES)
    for rel in data_files(SAMPLES):
        assert same_content(out / rel, SAMPLES / rel), rel


def test_generator_is_fast(generated: tuple[Path, dict[str, Any], float]) -> None:
    _, _, cpu_seconds = generated
    assert cpu_seconds < 5.0


def test_generator_summary_matches_documented_numbers(
    generated: tuple[Path, dict[str, Any], float],
) -> None:
    _, summary, _ = generated
    fr = summary["pme_fr"]
    assert fr["rows"]["activites.csv data rows"] == 17292
    assert fr["total revenue"] == 11531513.58
    assert fr["Marie+Jean sole-holder revenue share"] == 0.5265
    assert fr["director touches accounts"] == 116
    assert fr["bus factor counts"] == {0: 8, 1: 327, 2: 65}
    assert fr["orphaned revenue"] == 127935.77
    assert summary["acme_en"]["Sarah's 3 accounts share"] == 0.4265


# ---------------------------------------------------------------------------------------------
# (b) the packaged copy
# ---------------------------------------------------------------------------------------------
def test_packaged_copy_equals_data_samples() -> None:
    assert data_files(PACKAGED) == data_files(SAMPLES)
    for rel in data_files(SAMPLES):
        assert same_content(PACKAGED / rel, SAMPLES / rel), rel
    assert (PACKAGED / "README.md").is_file()


# ---------------------------------------------------------------------------------------------
# (c) pme_fr planted structure, on the raw files
# ---------------------------------------------------------------------------------------------
def test_activities_csv_is_french_excel() -> None:
    raw = (FR / "activites.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\r\n") == raw.count(b"\n") == 17292 + 3
    lines = raw.decode("cp1252").split("\r\n")
    assert lines[0] == "Export des actions commerciales du 01/11/2023 au 31/10/2026;;;;;;"
    assert lines[1] == ";;;;;;"
    assert lines[2] == "Date;Client;Commercial;Type d'action;Montant HT (€);Statut;Commentaire"
    assert "1\xa0383\xa0781,63" not in raw.decode("cp1252")  # CA lives in clients.xlsx only
    assert b"\xa0" in raw  # thousands separator U+00A0 (0xA0 in cp1252)


def test_activities_rows_and_kinds() -> None:
    df = read_activities()
    assert len(df) == 17292
    kinds = set(df["Type d'action"]) - {""}
    assert kinds == {"Appel", "Rendez-vous", "E-mail", "Visite", "Devis", "Commande", "SAV"}
    devis = df[df["Type d'action"] == "Devis"]
    assert set(devis["Statut"]) == {"Gagné", "Perdu", "En cours"}
    assert set(df.loc[df["Type d'action"] != "Devis", "Statut"]) == {""}
    dates = pd.to_datetime(df["Date"], format="%d/%m/%Y", errors="coerce")
    assert dates.min() == pd.Timestamp("2023-11-01")
    assert dates.max() == pd.Timestamp("2026-10-31")
    bad = df.loc[dates.isna(), "Date"].tolist()
    assert sorted(bad) == ["", "31/02/2025"]  # the sub-total row and the impossible date


def test_activities_planted_dirt() -> None:
    df = read_activities()
    assert int(df.duplicated().sum()) == 3
    subtotal = df["Client"] == "Sous-total"
    assert int(subtotal.sum()) == 1
    assert df.loc[subtotal, "Montant HT (€)"].item() == "9\xa0677\xa0038,14"
    assert int(((df["Client"] == "") & ~subtotal).sum()) == 2
    assert int(((df["Commercial"] == "") & ~subtotal).sum()) == 1
    assert int((df["Date"] == "31/02/2025").sum()) == 1
    assert int(df["Commentaire"].str.contains("\x0b", regex=False).sum()) == 1
    formula = df[df["Commentaire"].str.startswith("=")]
    assert formula["Commentaire"].tolist() == ['=HYPERLINK("http://x")']
    assert int((df["Commercial"] == "DUPONT Marie").sum()) == 5
    assert int((df["Commercial"] == "J. Lefevre").sum()) == 2
    assert int((df["Client"] == " Boulangerie  Moreau  ").sum()) == 3
    assert int(df["Commentaire"].str.contains(";", regex=False).sum()) == 34


def test_activities_dominant_salespeople_and_staff() -> None:
    df = read_activities()
    counts = df["Commercial"].value_counts()
    dominant = int(counts["Marie Dupont"] + counts["Jean Lefèvre"])
    assert dominant == 7912
    assert 0.45 < dominant / len(df) < 0.46
    assert counts.index[0] == "Marie Dupont" and counts.index[1] == "Jean Lefèvre"
    assert int(counts["Camille Rousseau"]) == 3 and int(counts["Lucas Perrin"]) == 1
    director = df[df["Commercial"] == "Philippe Martin"]
    clients = director["Client"].str.strip().str.replace(r"\s+", " ", regex=True)
    assert clients.nunique() == 116  # 29 % of the 400 accounts


def test_departed_salesperson() -> None:
    df = read_activities()
    dates = pd.to_datetime(df["Date"], format="%d/%m/%Y", errors="coerce")
    julien = df["Commercial"] == "Julien Mercier"
    assert dates[julien].max() == pd.Timestamp("2026-05-29")
    accounts = set(df.loc[julien, "Client"])
    assert len(accounts) == 20
    touched_by_others = set(df.loc[~julien & df["Client"].isin(accounts), "Client"])
    assert len(accounts - touched_by_others) == 8  # orphaned by the departure
    lea = df["Commercial"] == "Léa Fontaine"
    assert dates[lea].min() >= pd.Timestamp("2026-09-01")
    assert set(df.loc[lea, "Client"]) <= accounts


def test_orders_of_last_12_months_equal_ca_ht() -> None:
    df = read_activities()
    dates = pd.to_datetime(df["Date"], format="%d/%m/%Y", errors="coerce")
    orders = df[(df["Type d'action"] == "Commande") & (dates > pd.Timestamp("2025-10-31"))]
    amount = pd.to_numeric(
        orders["Montant HT (€)"].str.replace("\xa0", "").str.replace(",", "."), errors="raise"
    )
    client = orders["Client"].str.strip().str.replace(r"\s+", " ", regex=True)
    by_client = amount.groupby(client).sum()
    clients = pd.read_excel(
        FR / "clients.xlsx", sheet_name="Clients", skiprows=2, engine="openpyxl"
    )
    ca = clients.set_index("Raison sociale")["CA HT (€)"].drop("TOTAL GÉNÉRAL")
    assert len(ca) == 400
    diff = (ca - by_client.reindex(ca.index)).abs()
    assert float(diff.max()) < 0.005


def test_clients_workbook() -> None:
    wb = openpyxl.load_workbook(FR / "clients.xlsx")
    assert wb.sheetnames == ["Clients"]
    ws = wb["Clients"]
    assert ws["A1"].value == "Portefeuille clients au 31/10/2026"
    assert all(c.value is None for c in ws[2])
    assert [c.value for c in ws[3]] == [
        "Code client",
        "Raison sociale",
        "CA HT (€)",
        "Commercial",
        "Segment",
    ]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    total_row = rows[-1]
    data = rows[:-1]
    assert len(data) == 400
    assert total_row[1] == "TOTAL GÉNÉRAL"
    assert total_row[2] == pytest.approx(11531513.58, abs=0.005)
    assert sum(r[2] for r in data) == pytest.approx(total_row[2], abs=0.005)
    codes = [r[0] for r in data]
    assert all(isinstance(c, str) for c in codes) and len(set(codes)) == 400
    assert sum(1 for c in codes if c.startswith("00")) == 45
    by_name = {r[1]: r for r in data}
    for tricky in ("=SOMME Distribution", "+Plus Services", "@Home Services"):
        assert tricky in by_name
    formula_cells = [c for r in ws.iter_rows(min_row=4) for c in r if c.data_type == "f"]
    assert formula_cells == []
    assert by_name["Sophie Bernard"][3] == "Nicolas Roux"  # a client named like a staff member
    assert "Garage de l'Étoile & Fils" in by_name
    total = total_row[2]
    assert by_name["Aciéries du Rhône"][3] == "Marie Dupont"
    assert by_name["Aciéries du Rhône"][2] / total == pytest.approx(0.12, abs=1e-6)
    assert by_name["Groupe Delmas Logistique"][2] / total == pytest.approx(0.105, abs=1e-6)
    large = [r[1] for r in data if r[2] >= 0.1 * total]
    assert sorted(large) == ["Aciéries du Rhône", "Groupe Delmas Logistique"]


def test_staff_workbook() -> None:
    wb = openpyxl.load_workbook(FR / "equipe.xlsx")
    assert wb.sheetnames == ["Brouillon", "Équipe"]
    assert wb["Brouillon"].sheet_state == "hidden"
    staff = pd.read_excel(FR / "equipe.xlsx", sheet_name="Équipe", engine="openpyxl")
    cols = ["Nom", "Poste", "Service", "Date d'entrée", "Date de sortie", "Actif"]
    assert list(staff.columns) == cols
    assert len(staff) == 25
    assert staff["Date d'entrée"].dtype.kind == "M"
    left = staff[staff["Actif"] == "non"]
    assert left["Nom"].tolist() == ["Julien Mercier"]
    assert left["Date de sortie"].item() == pd.Timestamp("2026-05-29")
    assert int(staff["Date de sortie"].notna().sum()) == 1
    newest = staff.sort_values("Date d'entrée").iloc[-1]
    assert newest["Nom"] == "Léa Fontaine"
    assert newest["Date d'entrée"] == pd.Timestamp("2026-09-01")
    assert int((staff["Service"] == "Marketing").sum()) == 2


# ---------------------------------------------------------------------------------------------
# (c) acme_en planted structure
# ---------------------------------------------------------------------------------------------
def test_acme_files_and_encodings() -> None:
    sf = (EN / "salesforce_activities.csv").read_bytes()
    assert sf.startswith(b"\xef\xbb\xbf") and b"\r\n" in sf
    for name in ("hubspot_companies.csv", "hubspot_deals.csv"):
        assert not (EN / name).read_bytes().startswith(b"\xef\xbb\xbf")
    companies = pd.read_csv(EN / "hubspot_companies.csv", dtype=str, keep_default_na=False)
    deals = pd.read_csv(EN / "hubspot_deals.csv", dtype=str, keep_default_na=False)
    acts = pd.read_csv(
        EN / "salesforce_activities.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    assert (len(companies), len(deals), len(acts)) == (60, 140, 1967)
    assert list(acts.columns) == [
        "Assigned",
        "Company / Account",
        "Subject",
        "Task/Event",
        "Type",
        "Date",
        "Status",
    ]
    stages = {
        "closedwon",
        "closedlost",
        "appointmentscheduled",
        "qualifiedtobuy",
        "presentationscheduled",
        "contractsent",
    }
    assert set(deals["Deal Stage"]) <= stages
    assert deals["Close Date"].str.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}").all()
    days = pd.to_datetime(acts["Date"], format="%d/%m/%Y")
    assert days.min() >= pd.Timestamp("2024-10-01")
    assert days.max() == pd.Timestamp("2026-09-30")
    assert "Smith, Jones & Partners" in set(companies["Company name"])


def test_acme_one_manager_holds_the_three_largest() -> None:
    companies = pd.read_csv(EN / "hubspot_companies.csv", dtype={"Total Revenue": float})
    deals = pd.read_csv(EN / "hubspot_deals.csv", dtype=str)
    acts = pd.read_csv(EN / "salesforce_activities.csv", dtype=str, encoding="utf-8-sig")
    top3 = companies.nlargest(3, "Total Revenue")
    assert set(top3["Company owner"]) == {"Sarah Collins"}
    big = set(top3["Company name"])
    assert set(acts.loc[acts["Company / Account"].isin(big), "Assigned"]) == {"Sarah Collins"}
    assert set(deals.loc[deals["Associated Company"].isin(big), "Deal owner"]) == {"Sarah Collins"}
    share = top3["Total Revenue"].sum() / companies["Total Revenue"].sum()
    assert share == pytest.approx(0.4265, abs=5e-5)
    won = deals[deals["Deal Stage"] == "closedwon"]
    won_total = won.assign(a=won["Amount"].astype(float)).groupby("Associated Company")["a"].sum()
    revenue = companies.set_index("Company name")["Total Revenue"].dropna()
    pd.testing.assert_series_equal(won_total.sort_index(), revenue.sort_index(), check_names=False)
    tom = set(acts.loc[acts["Assigned"] == "Tom Baker", "Company / Account"])
    priya = set(acts.loc[acts["Assigned"] == "Priya Shah", "Company / Account"])
    assert len(tom & priya) == 45
    daniel = pd.to_datetime(acts.loc[acts["Assigned"] == "Daniel Kim", "Date"], format="%d/%m/%Y")
    assert daniel.max() == pd.Timestamp(dt.date(2026, 5, 15))
