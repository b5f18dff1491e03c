"""The Continuity plan and Weak signals sheets, and the plan on the Summary, on a tiny team.

Ann (director) holds Acme (1000) alone, Bob (technician, started 2025-09-01) touched it once;
Ann and Cy hold Beta (500); Cy holds Gamma (300) alone; Dan (left) held Delta (200); Bob holds
"=Evil" (50) alone. No one takes more than one new account (``max_new_backups = 1``): Bob, in
contact with Acme, backs it up (effort low); Ann works alongside Cy on Beta but, as the director,
is never proposed (keyrisk.roles), so Gamma is left short; Cy becomes Delta's owner; Delta's
backup and "=Evil"'s are left short, every candidate being at capacity.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import keyrisk.analysis as analysis_module
from keyrisk import Dataset, Settings, analyse
from keyrisk.analysis import Analysis
from keyrisk.report.labels import NBSP
from keyrisk.report.sheets import ReportMeta, build_sheets
from keyrisk.report.sheets import plan as plan_sheet_module
from keyrisk.report.writer import WORKBOOK_NAME, write_report
from tests.test_report_words import ENGLISH, FRENCH, WORD

RUN_DATE = dt.date(2026, 2, 3)


def tiny(max_new_backups: int = 1, *, roles: bool = True, notes: bool = True) -> Analysis:
    rows = [("Acme", "Ann")] * 6 + [("Acme", "Bob")] + [("Beta", "Ann")] * 4
    rows += [("Beta", "Cy")] * 4 + [("Gamma", "Cy")] * 5 + [("Delta", "Dan")] * 3
    rows += [("=Evil", "Bob")] * 3
    inter = pd.DataFrame(rows, columns=["account", "staff"])
    inter["date"] = "2026-01-10"
    inter.loc[inter["staff"] == "Dan", "date"] = "2025-06-01"
    if notes:
        inter["note"] = "vu"
    acc = pd.DataFrame(
        {
            "account": ["Acme", "Beta", "Gamma", "Delta", "=Evil"],
            "revenue": [1000.0, 500.0, 300.0, 200.0, 50.0],
        }
    )
    staff = pd.DataFrame(
        {
            "staff": ["Ann", "Bob", "Cy", "Dan"],
            "end_date": [None, None, None, "2025-07-01"],
            "start_date": ["2020-01-01", "2025-09-01", "2019-01-01", "2018-01-01"],
        }
    )
    if roles:
        staff["role"] = ["Directrice", "Technicien", "Commercial", "Commercial"]
    ds = Dataset.from_frames(inter, acc, staff, currency="EUR")
    return analyse(ds, Settings(max_new_backups=max_new_backups))


@pytest.fixture(scope="module")
def team() -> Analysis:
    return tiny()


def written(a: Analysis, tmp: Path, lang: str) -> openpyxl.Workbook:
    write_report(a, tmp, lang=lang, run_date=RUN_DATE)
    return openpyxl.load_workbook(tmp / WORKBOOK_NAME)


@pytest.fixture(scope="module")
def fr(team: Analysis, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    return written(team, tmp_path_factory.mktemp("fr"), "fr")


@pytest.fixture(scope="module")
def en(team: Analysis, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    return written(team, tmp_path_factory.mktemp("en"), "en")


def table(ws: openpyxl.worksheet.worksheet.Worksheet, first: str) -> list[dict[str, object]]:
    """The rows of the table whose header row starts with ``first``, as dicts."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == first)
    header = [h for h in rows[start] if h is not None]
    out = []
    for r in rows[start + 1 :]:
        if r[0] is None or (r[1] is None and r[2] is None):
            break
        out.append(dict(zip(header, r, strict=False)))
    return out


def texts(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


# --- the Continuity plan sheet ---------------------------------------------------------------


def test_sheet_order(fr: openpyxl.Workbook) -> None:
    assert fr.sheetnames[:5] == [
        "Synthèse",
        "Comptes",
        "Équipe",
        "Plan de continuité",
        "Signaux faibles",
    ]


def test_every_fragile_account_with_its_backup_in_french(fr: openpyxl.Workbook) -> None:
    ws = fr["Plan de continuité"]
    assert ws["A2"].value == (
        "Si ces 2 suppléants sont formés, le seuil de rupture du CA passe de 1 à 2 "
        "(dont 1 responsable pour un compte orphelin)"
    )
    rows = table(ws, "Compte")
    assert [r["Compte"] for r in rows] == ["Acme", "Gamma", "Delta", "'=Evil"]  # revenue first
    acme, gamma, delta, evil = rows
    assert (acme["Suppléant proposé"], acme["Effort"]) == ("Bob", "faible")
    assert acme["Détenteurs actifs aujourd'hui"] == "Ann"
    assert acme["Pourquoi cette personne, ou ce qui manque"] == (
        "déjà en contact avec ce client (1 échange, dernier le 10 janvier 2026)"
    )
    assert (gamma["Suppléant proposé"], gamma["Effort"]) == (None, None)  # Ann directs
    assert gamma["Pourquoi cette personne, ou ce qui manque"] == (
        f"pas de suppléant{NBSP}: tous les candidats ont atteint leur plafond de nouveaux "
        f"comptes{NBSP}: Bob (1 nouveau sur 1 permis)"
    )
    assert delta["Détenteurs actifs aujourd'hui"] == f"aucun (parti{NBSP}: Dan)"
    assert delta["Responsable proposé"] == "Cy" and delta["Suppléant proposé"] is None
    why = str(delta["Pourquoi cette personne, ou ce qui manque"])
    assert why.startswith(f"Cy{NBSP}: en relation avec d'autres clients")
    assert f"pas de suppléant{NBSP}: tous les candidats ont atteint leur plafond" in why
    assert evil["Suppléant proposé"] is None  # left short, with its reason: never skipped
    assert "pas de suppléant" in str(evil["Pourquoi cette personne, ou ce qui manque"])
    layers = [(r["Couche humaine"], r["Couche récit"], r["Couche organisation"]) for r in rows]
    assert layers[0] == ("fragile", "solide", "non mesurable")  # Ann and Bob wrote on Acme
    assert layers[2][0] == "absente"  # Delta has no active holder
    text = " ".join(texts(ws))
    assert "au plus 1 nouveau compte par personne" in text
    assert f"résultat{NBSP}: optimal" in text
    counts = f"4 comptes fragiles (au plus un détenteur actif){NBSP}: 1 suppléant et 1 "
    assert counts + "responsable proposés" in text  # each count worded by its own plural


def test_every_fragile_account_with_its_backup_in_english(en: openpyxl.Workbook) -> None:
    ws = en["Continuity plan"]
    assert ws["A2"].value == (
        "If these 2 backups are trained, the revenue bus factor rises from 1 to 2 "
        "(1 of them as the owner of an orphaned account)"
    )
    rows = table(ws, "Account")
    assert [r["Proposed backup"] for r in rows] == ["Bob", None, None, None]
    assert [r["Effort"] for r in rows] == ["low", None, None, None]
    assert rows[1]["Why this person, or what is missing"] == (
        "no backup: every candidate has reached their cap of new accounts: Bob (1 new of 1 allowed)"
    )
    assert rows[2]["Active holders today"] == "none (Dan left)"
    assert "no backup: every candidate has reached their cap" in str(
        rows[3]["Why this person, or what is missing"]
    )


def test_capacity_table(fr: openpyxl.Workbook) -> None:
    rows = table(fr["Plan de continuité"], "Collaborateur")
    got = {
        r["Collaborateur"]: (r["Nouvelles suppléances"], r["Comptes orphelins repris"])
        for r in rows
    }
    assert got == {"Bob": (1, 0), "Cy": (0, 1)}


def test_input_text_stays_text(fr: openpyxl.Workbook) -> None:
    for title in ("Plan de continuité", "Signaux faibles"):
        for row in fr[title].iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "Evil" in cell.value:
                    assert cell.data_type == "s"
                    assert not cell.value.startswith("="), (title, cell.coordinate)


def test_a_long_plan_says_how_many_rows_are_left_out(
    team: Analysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan_sheet_module, "MAX_PLAN_ROWS", 2)
    meta = ReportMeta("0.1.0", RUN_DATE)
    sheet = next(s for s in build_sheets(team, "fr", meta) if s.key == "plan")
    main = next(b for b in sheet.blocks if getattr(b, "freeze", False))
    assert len(main.rows) == 2
    assert main.note == (
        f"2 comptes fragiles de plus ne sont pas listés ici{NBSP}: le plan complet est dans "
        "plan.csv."
    )


# --- the Weak signals sheet ------------------------------------------------------------------


def test_signals_name_the_people_and_accounts(fr: openpyxl.Workbook) -> None:
    ws = fr["Signaux faibles"]
    management = table(ws, "Collaborateur")
    assert [(r["Collaborateur"], r["Poste"]) for r in management] == [("Ann", "Directrice")]
    assert management[0]["Signal"] == "oui"  # holds Acme alone
    notes = table(ws, "Compte")
    assert [(r["Compte"], r["Seul auteur des notes"]) for r in notes] == [
        ("Gamma", "Cy"),
        ("Delta", "Dan"),
        ("'=Evil", "Bob"),
    ]
    rows = list(ws.iter_rows(values_only=True))
    ramp = [r for r in rows if r[0] == "Bob" and isinstance(r[3], int)]
    assert ramp and ramp[0][3] == 131  # days from 2025-09-01 to his first account held
    key = [r for r in rows if r[0] == "Ann" and r[2] == "Acme"]
    assert key and key[0][1] == 1  # one key account held alone: no signal yet


def test_a_signal_the_data_cannot_show_names_the_column(tmp_path: Path) -> None:
    a = tiny(roles=False, notes=False)
    ws = written(a, tmp_path, "fr")["Signaux faibles"]
    text = " ".join(texts(ws))
    assert "la liste du personnel n'indique ni poste ni service" in text
    assert f"«{NBSP}Poste{NBSP}»" in text
    assert "les interactions n'ont pas de colonne de notes" in text
    assert f"«{NBSP}Commentaire{NBSP}»" in text


# --- the Summary -----------------------------------------------------------------------------


def test_summary_before_after_and_simulation(en: openpyxl.Workbook, team: Analysis) -> None:
    ws = en["Summary"]
    rows = list(ws.iter_rows(values_only=True))
    start = next(
        i for i, r in enumerate(rows) if r[0] == "Effect of the continuity plan on the figures"
    )
    header = rows[start + 1]
    assert header[:3] == ("Figure", "Today", "With the plan")
    block = {r[0]: r[1:4] for r in rows[start + 2 : start + 10] if r[0]}
    assert block["Revenue bus factor"][:3] == (1, 2, "better")
    assert block["Orphaned accounts (no active holder left)"][:2] == (1, 0)
    sim = team.simulate()
    assert team.simulate() is sim  # computed once
    loss = next(r for r in rows if r[0] == "Expected loss")
    assert loss[1] == pytest.approx(sim.without_plan.expected_loss)
    assert loss[2] == pytest.approx(sim.with_plan.expected_loss)
    text = " ".join(str(c) for r in rows for c in r if isinstance(c, str))
    assert "Monte-Carlo estimate, hence approximate: 20,000 draws, seed 0." in text
    assert "Continuity plan” sheet" in text  # the next steps point to the plan


def test_plan_and_simulation_are_computed_once_per_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"plan": 0, "simulate": 0}
    plan, simulate = analysis_module.continuity_plan, analysis_module.simulate

    def counted_plan(*args: object, **kwargs: object) -> object:
        calls["plan"] += 1
        return plan(*args, **kwargs)  # type: ignore[arg-type]

    def counted_simulate(*args: object, **kwargs: object) -> object:
        calls["simulate"] += 1
        return simulate(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(analysis_module, "continuity_plan", counted_plan)
    monkeypatch.setattr(analysis_module, "simulate", counted_simulate)
    write_report(tiny(), tmp_path, lang="fr", run_date=RUN_DATE)
    assert calls == {"plan": 1, "simulate": 1}


# --- words -----------------------------------------------------------------------------------


def _offences(wb: openpyxl.Workbook, titles: tuple[str, ...], words: set[str]) -> list[str]:
    data = ["Acme", "Beta", "Gamma", "Delta", "=Evil", "Ann", "Bob", "Cy", "Dan"]
    data += ["Directrice", "Technicien", "Commercial", "plan.csv", "signals.csv"]
    out = []
    for title in titles:
        for text in texts(wb[title]):
            own = text
            for s in sorted(data, key=len, reverse=True):
                own = own.replace(s, " ")
            own = re.sub(r"«[^»]*»|“[^”]*”", " ", own)
            bad = {w for w in WORD.findall(own) if w.casefold() in words}
            if bad or "(s)" in own:
                out.append(f"{title}: {sorted(bad)} in {text!r}")
    return out


def test_french_sheets_have_only_french_words(fr: openpyxl.Workbook) -> None:
    assert not _offences(fr, ("Synthèse", "Plan de continuité", "Signaux faibles"), ENGLISH)


def test_english_sheets_have_only_english_words(en: openpyxl.Workbook) -> None:
    assert not _offences(en, ("Summary", "Continuity plan", "Weak signals"), FRENCH)
