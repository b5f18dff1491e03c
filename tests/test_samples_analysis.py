"""The bundled samples, loaded and analysed by keyrisk: the structure of docs/samples.md.

tests/test_samples.py checks the raw files; this module checks that keyrisk *finds* what was
planted: the dirt in the ingestion report and the dependency structure in the analysis.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

import keyrisk
from keyrisk.analysis import Analysis
from keyrisk.model import Dataset


@pytest.fixture(scope="module")
def fr() -> tuple[Dataset, Analysis]:
    paths = keyrisk.sample_paths("pme_fr")
    ds = keyrisk.load(paths["interactions"], accounts=paths["accounts"], staff=paths["staff"])
    return ds, keyrisk.analyse(ds)


@pytest.fixture(scope="module")
def en() -> tuple[Dataset, Analysis]:
    paths = keyrisk.sample_paths("acme_en")
    ds = keyrisk.load(paths["interactions"], accounts=paths["accounts"])
    # as_of pinned to the documented 2026-09-30 (see test_acme_as_of below)
    return ds, keyrisk.analyse(ds, as_of=dt.date(2026, 9, 30))


def rows_of(ds: Dataset, code: str, file: str | None = None) -> list[int]:
    return sorted(
        int(p.row)
        for p in ds.report.problems
        if p.code == code and p.row is not None and (file is None or p.file == file)
    )


def file_report(ds: Dataset, name: str) -> keyrisk.FileReport:
    return next(f for f in ds.report.files if Path(f.path).name == name)


# --- pme_fr: ingestion -------------------------------------------------------------------------


def test_fr_counts_reconcile(fr: tuple[Dataset, Analysis]) -> None:
    ds, _ = fr
    for f in ds.report.files:
        r = f.rows
        assert r.read == r.used + r.skipped + r.rejected, f.path
    acts = file_report(ds, "activites.csv").rows
    # 17 292 rows: 3 duplicates + 1 sub-total skipped; 2 + 1 + 1 rejected
    assert (acts.read, acts.used, acts.skipped, acts.rejected) == (17292, 17284, 4, 4)
    clients = file_report(ds, "clients.xlsx").rows
    assert (clients.read, clients.used, clients.skipped, clients.rejected) == (401, 400, 1, 0)
    team = file_report(ds, "equipe.xlsx")
    assert team.sheet == "Équipe"  # not the hidden "Brouillon" sheet
    assert (team.rows.read, team.rows.used) == (25, 25)


def test_fr_planted_dirt(fr: tuple[Dataset, Analysis]) -> None:
    ds, _ = fr
    f = "activites.csv"
    assert rows_of(ds, "duplicate-row", f) == [2301, 16252, 16810]
    assert rows_of(ds, "missing-account", f) == [1123, 7974]
    assert rows_of(ds, "missing-staff", f) == [2568]
    assert rows_of(ds, "impossible-date", f) == [7088]
    assert rows_of(ds, "total-row", f) == [6342]
    assert rows_of(ds, "control-characters", f) == [10663]
    by_code = {p.code: p for p in ds.report.problems if p.file == f}
    assert by_code["impossible-date"].value == "31/02/2025"
    assert by_code["total-row"].value == "Sous-total"
    assert by_code["control-characters"].column == "Commentaire"
    assert by_code["missing-staff"].column == "Commercial"
    total = next(p for p in ds.report.problems if p.file == "clients.xlsx")
    assert (total.code, total.row, total.value) == ("total-row", 404, "TOTAL GÉNÉRAL")
    near = [p.value for p in ds.report.problems if p.code == "near-duplicate-name"]
    assert "DUPONT Marie ~ Marie Dupont" in near
    # the comment "=HYPERLINK(...)" is text, kept as is in the data
    assert (ds.interactions["note"] == '=HYPERLINK("http://x")').sum() == 1


def test_fr_names(fr: tuple[Dataset, Analysis]) -> None:
    ds, analysis = fr
    inter = ds.interactions
    # " Boulangerie  Moreau  " is one client with the clean one
    assert not inter["account"].str.contains("  ").any()
    assert (inter["account"] == "Boulangerie Moreau").any()
    # dirty spellings are listed, not merged: 5 + 2 rows
    assert (inter["staff"] == "DUPONT Marie").sum() == 5
    assert (inter["staff"] == "J. Lefevre").sum() == 2
    # the client "Sophie Bernard" and the staff member "Sophie Bernard" stay two nodes
    assert ("account", "Sophie Bernard") in analysis.graph
    assert ("staff", "Sophie Bernard") in analysis.graph
    client = analysis.accounts.set_index("account").loc["Sophie Bernard"]
    assert client["top_staff"] == "Nicolas Roux"
    # codes with leading zeros stay text
    ids = ds.accounts["account_id"].dropna()
    assert ids.str.fullmatch(r"0\d+").sum() == 45


# --- pme_fr: planted structure -----------------------------------------------------------------


def test_fr_portfolio(fr: tuple[Dataset, Analysis]) -> None:
    _, analysis = fr
    assert analysis.as_of == dt.date(2026, 10, 31)
    p = analysis.portfolio
    assert p.n_accounts == 400
    assert p.total_revenue == pytest.approx(11_531_513.58)
    bus = p.revenue_bus_factor
    assert bus.value == 2
    assert set(bus.staff[:2]) == {"Marie Dupont", "Jean Lefèvre"}
    assert bus.method == "exact"
    assert p.top_departure is not None
    assert p.top_departure.leave == ("Marie Dupont",)
    assert p.top_departure.revenue_at_risk == pytest.approx(4_091_890.36)
    large = p.client_concentration
    shares = dict(zip(large.large_clients["account"], large.large_clients["share"], strict=True))
    assert set(shares) == {"Aciéries du Rhône", "Groupe Delmas Logistique"}
    assert shares["Aciéries du Rhône"] == pytest.approx(0.120, abs=0.0005)
    assert shares["Groupe Delmas Logistique"] == pytest.approx(0.105, abs=0.0005)


def test_fr_sole_holders(fr: tuple[Dataset, Analysis]) -> None:
    _, analysis = fr
    staff = analysis.staff.set_index("staff")
    marie, jean = staff.loc["Marie Dupont"], staff.loc["Jean Lefèvre"]
    assert (marie["n_accounts"], marie["n_held"], marie["n_sole"]) == (119, 112, 90)
    assert marie["revenue_sole"] == pytest.approx(4_091_890.36)
    assert (jean["n_accounts"], jean["n_held"], jean["n_sole"]) == (100, 98, 81)
    assert jean["revenue_sole"] == pytest.approx(1_979_643.95)
    both = (marie["revenue_sole"] + jean["revenue_sole"]) / analysis.portfolio.total_revenue
    assert round(100 * both, 2) == 52.65
    expected = {
        "Sophie Bernard": 932_261.45,
        "Nicolas Roux": 637_605.71,
        "Thomas Girard": 555_519.88,
        "Philippe Martin": 481_788.90,
        "Léa Fontaine": 130_743.91,
        "Nathalie Guérin": 89_929.18,
        "Isabelle Blanc": 87_768.60,
    }
    for name, value in expected.items():
        assert staff.loc[name, "revenue_sole"] == pytest.approx(value), name
    technicians = ["Hélène Fournier", "Frédéric Morel", "Cécile Lambert", "Antoine Faure"]
    technicians.append("Gaël Chevalier")
    sole = staff.loc[technicians, "revenue_sole"]
    assert sole.min() == pytest.approx(7_625.87)
    assert sole.max() == pytest.approx(16_561.84)
    # "accounts touched" in docs/samples.md counts the whole file (3 years); the analysis
    # counts the 730-day window, where each technician touched a few accounts fewer.
    inter = analysis.dataset.interactions
    touched = {n: inter.loc[inter["staff"] == n, "account"].nunique() for n in technicians}
    assert touched == {
        "Hélène Fournier": 30,
        "Frédéric Morel": 33,
        "Cécile Lambert": 34,
        "Antoine Faure": 27,
        "Gaël Chevalier": 28,
    }
    held = {n: int(staff.loc[n, "n_held"]) for n in technicians}
    assert held == {
        "Hélène Fournier": 13,
        "Frédéric Morel": 13,
        "Cécile Lambert": 18,
        "Antoine Faure": 16,
        "Gaël Chevalier": 13,
    }
    window = {n: int(staff.loc[n, "n_accounts"]) for n in technicians}
    assert all(window[n] <= touched[n] for n in technicians)


def test_fr_director(fr: tuple[Dataset, Analysis]) -> None:
    _, analysis = fr
    director = analysis.staff.set_index("staff").loc["Philippe Martin"]
    inter = analysis.dataset.interactions
    touched = inter.loc[inter["staff"] == "Philippe Martin", "account"].nunique()
    assert touched == 116  # over the whole file, as docs/samples.md counts
    assert round(100 * touched / 400) == 29
    assert director["n_accounts"] == 107  # within the 730-day window of the method
    assert director["n_held"] == 19
    acc = analysis.accounts
    assert (acc["top_staff"] == "Philippe Martin").sum() == 15
    delmas = acc.set_index("account").loc["Groupe Delmas Logistique"]
    assert set(delmas["holders"]) == {"Jean Lefèvre", "Philippe Martin"}


def test_fr_julien_mercier(fr: tuple[Dataset, Analysis]) -> None:
    _, analysis = fr
    julien = analysis.staff.set_index("staff").loc["Julien Mercier"]
    assert not julien["active"]
    assert julien["last_activity"] == pd.Timestamp("2026-05-29")
    acc = analysis.accounts
    orphaned = acc[acc["orphaned"]]
    expected = {
        "Picard Climatisation": 19_097.47,
        "SAS Hamon Industrie": 1_816.20,
        "Centre hospitalier de Limonest": 8_005.62,
        "Imprimerie Garnier": 3_726.98,
        "Didier Maréchal": 6_658.65,
        "Chaudronnerie Langlois": 5_588.98,
        "Françoise Boyer": 10_324.27,
        "Serrurerie Besson": 72_717.60,
    }
    assert set(orphaned["account"]) == set(expected)
    for row in orphaned.itertuples():
        assert row.revenue == pytest.approx(expected[row.account])
        assert row.gone_holders == ("Julien Mercier",)
    assert analysis.portfolio.orphaned_accounts == 8
    assert analysis.portfolio.orphaned_revenue == pytest.approx(127_935.77)
    taken = ["Didier Barré", "SAS Garnier Industrie", "Imprimerie Cordier", "Carrosserie Huet"]
    held = acc.set_index("account").loc[taken, "holders"]
    assert all("Thomas Girard" in h for h in held)
    lea = ["Laiteries de Belley", "Françoise Léger", "Plasturgie Payet SA", "Serrurerie Huet"]
    assert all("Léa Fontaine" in h for h in acc.set_index("account").loc[lea, "holders"])


def test_fr_bus_factor_distribution(fr: tuple[Dataset, Analysis]) -> None:
    _, analysis = fr
    counts = analysis.accounts["bus_factor"].value_counts().to_dict()
    assert counts == {0: 8, 1: 327, 2: 65}


def test_fr_marketing_stays_active(fr: tuple[Dataset, Analysis]) -> None:
    _, analysis = fr
    staff = analysis.staff.set_index("staff")
    assert staff.loc["Camille Rousseau", "active"]
    assert staff.loc["Lucas Perrin", "active"]
    assert staff.loc["Léa Fontaine", "active"]


# --- acme_en -----------------------------------------------------------------------------------


def test_en_layouts(en: tuple[Dataset, Analysis]) -> None:
    ds, _ = en
    layouts = {Path(f.path).name: f.layout for f in ds.report.files}
    assert layouts == {
        "hubspot_deals.csv": "HubSpot deals",
        "salesforce_activities.csv": "Salesforce activities",
        "hubspot_companies.csv": "HubSpot companies",
    }
    for f in ds.report.files:
        assert f.rows.read == f.rows.used + f.rows.skipped + f.rows.rejected
    assert file_report(ds, "salesforce_activities.csv").rows.used == 1967
    assert file_report(ds, "hubspot_deals.csv").rows.used == 140
    # UK dates, day first
    assert file_report(ds, "salesforce_activities.csv").date_policy == "dayfirst"
    assert ds.accounts["revenue"].sum() == pytest.approx(1_475_550.00)


def test_acme_as_of() -> None:
    """Open HubSpot deals carry future expected close dates: they do not move as_of."""
    paths = keyrisk.sample_paths("acme_en")
    ds = keyrisk.load(paths["interactions"], accounts=paths["accounts"])
    assert keyrisk.analyse(ds).as_of == dt.date(2026, 9, 30)


def test_en_sarah_collins(en: tuple[Dataset, Analysis]) -> None:
    _, analysis = en
    acc = analysis.accounts.sort_values("revenue", ascending=False).head(3)
    assert list(acc["account"]) == [
        "Halcyon Retail Group plc",
        "Northwind Traders Ltd",
        "Brightside Health NHS Trust",
    ]
    assert all(h == ("Sarah Collins",) for h in acc["holders"])
    assert (acc["n_contacts"] == 1).all()
    share = acc["revenue"].sum() / analysis.portfolio.total_revenue
    assert round(100 * share, 2) == 42.65
    sarah = analysis.staff.set_index("staff").loc["Sarah Collins"]
    assert sarah["n_sole"] == 3
    assert sarah["revenue_sole"] == pytest.approx(629_300.00)


def test_en_daniel_kim(en: tuple[Dataset, Analysis]) -> None:
    _, analysis = en
    staff = analysis.staff.set_index("staff")
    assert not staff.loc["Daniel Kim", "active"]
    assert staff.loc["Daniel Kim", "gone_reason"] == "inactive"
    assert staff.loc["Daniel Kim", "last_activity"] == pd.Timestamp("2026-05-15")
    assert staff.loc["James O'Connor", "active"]
    acc = analysis.accounts.set_index("account")
    kim = ["Amberley Lettings", "Brookfield Surveyors", "Castlegate Coffee"]
    assert acc.loc[kim, "orphaned"].all()
    assert acc.loc[kim, "revenue"].sum() == pytest.approx(70_950.00)
    # Fenwick Cycles: no owner, no activity
    assert acc.loc["Fenwick Cycles", "orphaned"]
    assert set(acc.index[acc["orphaned"]]) == {*kim, "Fenwick Cycles"}


def test_en_shared_accounts(en: tuple[Dataset, Analysis]) -> None:
    _, analysis = en
    h = analysis.holders
    tom = set(h.loc[h["staff"] == "Tom Baker", "account"])
    priya = set(h.loc[h["staff"] == "Priya Shah", "account"])
    assert len(tom & priya) == 45
    stages = Counter(p.code for p in analysis.dataset.report.problems)
    assert stages["missing-account"] == 0


# --- the headline, its caveats and the actions ---------------------------------------------------


def test_fr_headline_reconciles_with_the_top_pair(fr: tuple[Dataset, Analysis]) -> None:
    _, a = fr
    p = a.portfolio
    assert p.top_pair is not None and round(100 * p.top_pair.share, 1) == 52.7
    assert keyrisk.headline(a, "fr").replace("\u00a0", " ") == (
        "53,8 % du chiffre d'affaires repose sur Marie Dupont et Jean Lefèvre, dont 1,1 % déjà "
        "orphelin"
    )
    # 53.8 - 1.1 = 52.7: the pair's own figure
    share, already = p.headline_facts.shown_shares(1)
    assert round(100 * share, 1) - round(100 * already, 1) == pytest.approx(52.7)


def test_fr_deserves_no_caveat(fr: tuple[Dataset, Analysis]) -> None:
    _, a = fr
    assert a.caveats == []


def test_fr_next_steps_count_what_the_people_named_touch(fr: tuple[Dataset, Analysis]) -> None:
    import re

    from keyrisk.report.layout import next_steps

    ds, a = fr
    steps = next_steps(a, "fr")
    (involve,) = [s for s in steps if s.startswith("Associer ")]
    named_part = involve.split(", qui travaill")[0]
    staff = a.staff["staff"].astype(str)
    named = [s for s in staff if s in named_part]
    match = re.search(r"sur (\d+) compte(?:s|\(s\)) à détenteur unique", involve)
    assert match is not None
    acc = a.accounts
    single = set(acc.loc[acc["bus_factor"] == 1, "account"])
    h = a.holders
    touched = h[(~h["is_holder"]) & h["active"] & (h["weight"] > 0) & h["staff"].isin(named)]
    assert int(match.group(1)) == len(set(touched["account"]) & single)
    # never the director nor the accountants, never a fixed list of trades
    roles = dict(zip(ds.staff["staff"], ds.staff["role"], strict=True))
    assert not any("Directeur" in str(roles.get(n)) for n in named)
    assert "SAV, technique, administration des ventes" not in " ".join(steps)
    assert "Philippe Martin" not in " ".join(steps)
