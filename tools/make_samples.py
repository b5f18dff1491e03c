"""Generate the bundled sample data sets (deterministic, seeded).

Two fictional companies are written:

``pme_fr/``
    "Établissements Martin & Fils", a French distributor of industrial supplies: a staff
    workbook (``equipe.xlsx``), a client workbook (``clients.xlsx``) and three years of
    activities saved by French Excel as "CSV (séparateur : point-virgule)" (``activites.csv``,
    cp1252, ';', CRLF, decimal comma). Planted dirt is listed in ``docs/samples.md``.
``acme_en/``
    "Acme Analytics Ltd", a small English company, as CRM exports: HubSpot companies and deals,
    and a Salesforce activities report.

Usage::

    python tools/make_samples.py [--out data/samples] [--package-copy | --no-package-copy]

By default the files go to ``data/samples`` and an identical copy to ``src/keyrisk/samples``.
CSV files are byte-identical between runs; xlsx files are too with the same openpyxl version
(fixed document properties and zip entry timestamps), and their cell contents always are.
A summary of the planted structure is printed at the end (the numbers of docs/samples.md).

Notes
-----
The summary's "reference" figures apply the method of docs (version 1, default parameters:
window 730 days, half-life 180 days, holder ratio 0.5, at least 2 interactions for a holder
other than the top contact) to the clean planted interactions, before dirt is added.

Example
-------
>>> import subprocess, sys, tempfile  # doctest: +SKIP
>>> _ = subprocess.run([sys.executable, "tools/make_samples.py", "--out", tempfile.mkdtemp(),
...                     "--no-package-copy"], check=True)  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import math
import re
import shutil
import sys
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

SEED = 20261031
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "data" / "samples"
PACKAGE_COPY = ROOT / "src" / "keyrisk" / "samples"
FIXED_STAMP = dt.datetime(2026, 11, 2, 9, 0, 0)
ZIP_STAMP = (2026, 11, 2, 9, 0, 0)

# --------------------------------------------------------------------------------------------
# pme_fr: Établissements Martin & Fils
# --------------------------------------------------------------------------------------------
FR_START = dt.date(2023, 11, 1)
FR_END = dt.date(2026, 10, 31)
FR_YEAR0 = dt.date(2025, 11, 1)  # first day of the last 12 months (CA HT)
DEPARTURE = dt.date(2026, 5, 29)  # Julien Mercier's last day (Date de sortie)
HIRE = dt.date(2026, 9, 1)  # Léa Fontaine's first day

DIRECTOR = "Philippe Martin"
MARIE = "Marie Dupont"
JEAN = "Jean Lefèvre"
SOPHIE = "Sophie Bernard"
THOMAS = "Thomas Girard"
NICOLAS = "Nicolas Roux"
JULIEN = "Julien Mercier"
LEA = "Léa Fontaine"
ISABELLE = "Isabelle Blanc"
NATHALIE = "Nathalie Guérin"
HELENE = "Hélène Fournier"
TECHS = ("Frédéric Morel", "Cécile Lambert", "Antoine Faure", "Gaël Chevalier")
ACCOUNTANT = "Sandrine Muller"
MARKETING = ("Camille Rousseau", "Lucas Perrin")


def words(text: str) -> tuple[str, ...]:
    """Split a string of space-separated words."""
    return tuple(text.split())


# (Nom, Poste, Service, Date d'entrée, Date de sortie, Actif)
STAFF_FR: list[tuple[str, str, str, dt.date, dt.date | None, str]] = [
    (DIRECTOR, "Directeur général", "Direction", dt.date(1998, 3, 2), None, "oui"),
    (MARIE, "Commerciale senior", "Commercial", dt.date(2004, 9, 6), None, "oui"),
    (JEAN, "Commercial senior", "Commercial", dt.date(2007, 1, 8), None, "oui"),
    (SOPHIE, "Commerciale", "Commercial", dt.date(2015, 4, 13), None, "oui"),
    (THOMAS, "Commercial", "Commercial", dt.date(2018, 10, 1), None, "oui"),
    (NICOLAS, "Commercial", "Commercial", dt.date(2020, 2, 3), None, "oui"),
    (JULIEN, "Commercial", "Commercial", dt.date(2019, 6, 3), DEPARTURE, "non"),
    (LEA, "Commerciale", "Commercial", HIRE, None, "oui"),
    (HELENE, "Responsable SAV", "SAV", dt.date(2009, 5, 4), None, "oui"),
    (TECHS[0], "Technicien SAV", "SAV", dt.date(2012, 3, 19), None, "oui"),
    (TECHS[1], "Technicienne SAV", "SAV", dt.date(2016, 9, 5), None, "oui"),
    (TECHS[2], "Technicien itinérant", "SAV", dt.date(2017, 1, 16), None, "oui"),
    (TECHS[3], "Technicien itinérant", "SAV", dt.date(2021, 11, 2), None, "oui"),
    (ISABELLE, "Assistante ADV", "ADV", dt.date(2011, 2, 14), None, "oui"),
    (NATHALIE, "Assistante ADV", "ADV", dt.date(2018, 3, 12), None, "oui"),
    ("Manon Colin", "Alternante ADV", "ADV", dt.date(2025, 9, 1), None, "oui"),
    (ACCOUNTANT, "Comptable", "Comptabilité", dt.date(2008, 6, 2), None, "oui"),
    (
        "Patrick Henry",
        "Responsable administratif et financier",
        "Comptabilité",
        dt.date(2013, 1, 7),
        None,
        "oui",
    ),
    (MARKETING[0], "Chargée de marketing", "Marketing", dt.date(2022, 5, 2), None, "oui"),
    (MARKETING[1], "Assistant marketing", "Marketing", dt.date(2024, 1, 8), None, "oui"),
    ("Stéphane Lemoine", "Acheteur", "Achats", dt.date(2010, 10, 4), None, "oui"),
    ("Olivier Dumas", "Chef de dépôt", "Logistique", dt.date(2006, 4, 3), None, "oui"),
    ("Bernard Robin", "Magasinier", "Logistique", dt.date(2014, 7, 1), None, "oui"),
    (
        "Élodie Gauthier",
        "Préparatrice de commandes",
        "Logistique",
        dt.date(2019, 2, 18),
        None,
        "oui",
    ),
    ("Valérie Fabre", "Standardiste", "Accueil", dt.date(2005, 11, 7), None, "oui"),
]

SURNAMES = words(
    "Giraud Lefebvre Masson Sanchez Morin Mathieu Clément Bonnet François Legrand Garnier "
    "André Boyer Lemaire Duval Joly Gaillard Brun Barbier Arnaud Martinez Gérard Roche Renard "
    "Schmitt Roy Leroux Vidal Caron Picard Roger Aubert Renaud Lacroix Olivier Bourgeois Rey "
    "Leclerc Payet Rolland Guillaume Lecomte Lopez Dupuy Guillot Hubert Berger Carpentier "
    "Dupuis Moulin Deschamps Huet Vasseur Perez Boucher Fleury Royer Klein Jacquet Adam Poirier "
    "Marty Aubry Guyot Carré Charpentier Ménard Maillard Baron Bertin Bailly Hervé Schneider "
    "Fernandez Collet Léger Bouvier Prévost Millet Perrot Cousin Germain Breton Besson Langlois "
    "Rémy Pelletier Lévêque Perrier Leblanc Barré Lebrun Marchal Weber Mallet Hamon Jacob "
    "Monnier Michaud Guichard Gillet Étienne Poulain Tessier Chauvin Bouchet Lemaître Bénard "
    "Maréchal Humbert Reynaud Perret Barthélemy Cordier Pichon Lejeune Gilbert Lamy Delaunay "
    "Pasquier Carlier Laporte"
)
FIRST_NAMES = words(
    "Yannick Sylvie Christophe Brigitte Laurent Josiane Pascal Martine Didier Corinne Thierry "
    "Véronique Hervé Annie Gérard Françoise Rémi Agnès Benoît Odile Jérôme Chantal Régis Muriel"
)
TOWNS = (
    "Villefranche-sur-Saône",
    "Bourg-en-Bresse",
    "Mâcon",
    "Roanne",
    "Vienne",
    "Givors",
    "Tarare",
    "Oyonnax",
    "Annonay",
    "Montbrison",
    "Belley",
    "Vénissieux",
    "Décines-Charpieu",
    "Rillieux-la-Pape",
    "Meyzieu",
    "Saint-Priest",
    "Bron",
    "Villeurbanne",
    "Écully",
    "Anse",
    "Trévoux",
    "Neuville-sur-Saône",
    "Brignais",
    "Mornant",
    "L'Arbresle",
    "Saint-Genis-Laval",
    "Chaponost",
    "Craponne",
    "Limonest",
    "Ambérieu-en-Bugey",
    "Saint-Étienne",
    "Firminy",
    "Rive-de-Gier",
    "Feurs",
    "Cluny",
    "Tournus",
    "Charlieu",
    "Beaujeu",
)
PME_PATTERNS = (
    "Boulangerie {s}",
    "SARL Transports {s}",
    "Garage {s}",
    "Menuiserie {s}",
    "{s} BTP",
    "Plomberie {s}",
    "Électricité {s}",
    "Ets {s}",
    "{s} Frères",
    "{s} Métallerie",
    "Serrurerie {s}",
    "Carrosserie {s}",
    "{s} Agencement",
    "Imprimerie {s}",
    "Chaudronnerie {s}",
    "{s} Maintenance",
    "Scierie {s}",
    "Atelier {s}",
    "{s} Climatisation",
    "SAS {s} Industrie",
    "Charpente {s}",
    "Mécanique {s}",
    "{s} Emballages",
    "Tôlerie {s}",
)
BIG_PATTERNS = (
    "Groupe {s}",
    "{s} Aéronautique SAS",
    "Papeteries de {t}",
    "Fonderie de {t}",
    "Laiteries de {t}",
    "{s} Industries SA",
    "Plasturgie {s} SA",
)
PUBLIC_PATTERNS = (
    "Mairie de {t}",
    "Communauté de communes de {t}",
    "Lycée professionnel de {t}",
    "Centre hospitalier de {t}",
    "EHPAD de {t}",
    "Syndicat des eaux de {t}",
)

BIG_A = "Aciéries du Rhône"  # ~12 % of revenue, held by Marie Dupont alone
BIG_B = "Groupe Delmas Logistique"  # ~10.5 % of revenue, Jean Lefèvre with the director
# (name, owner, segment): tricky names planted on purpose
TRICKY_FR: list[tuple[str, str, str]] = [
    (BIG_A, MARIE, "Grand compte"),
    (BIG_B, JEAN, "Grand compte"),
    ("Boulangerie Moreau", JEAN, "Artisan"),
    ("SARL Transports Giraud", MARIE, "PME"),
    ("Mairie de Villefranche-sur-Saône", JEAN, "Collectivité"),
    (SOPHIE, NICOLAS, "Artisan"),  # a sole trader named exactly like a staff member
    ("Garage de l'Étoile & Fils", THOMAS, "PME"),
    ("L'Atelier d'Émile", SOPHIE, "Artisan"),
    ("=SOMME Distribution", MARIE, "PME"),
    ("+Plus Services", NICOLAS, "PME"),
    ("@Home Services", THOMAS, "PME"),
]
DIRTY_CLIENT = " Boulangerie  Moreau  "  # leading space, double inner space, trailing spaces
# accounts per owner in clients.xlsx (400 in all)
OWNERS_FR: dict[str, int] = {
    MARIE: 115,
    JEAN: 100,
    SOPHIE: 45,
    THOMAS: 40,
    NICOLAS: 35,
    JULIEN: 20,
    DIRECTOR: 15,
    ISABELLE: 30,
}
SEGMENT_MU = {
    "Grand compte": 1.1,
    "PME": 0.0,
    "Collectivité": 0.3,
    "Artisan": -0.7,
    "Particulier": -1.6,
}
OWNER_MU = {
    MARIE: 9.55,
    JEAN: 9.6,
    SOPHIE: 9.3,
    THOMAS: 9.3,
    NICOLAS: 9.25,
    JULIEN: 9.3,
    DIRECTOR: 9.7,
    ISABELLE: 9.4,
}
SHARE_A = 0.12
SHARE_B = 0.105

KINDS_FR = {
    "sales": (
        ("Appel", 0.35),
        ("E-mail", 0.25),
        ("Rendez-vous", 0.12),
        ("Visite", 0.10),
        ("Devis", 0.18),
    ),
    "director": (("Rendez-vous", 0.45), ("Visite", 0.25), ("Appel", 0.30)),
    "tech": (("SAV", 0.75), ("Visite", 0.25)),
    "adv": (("Appel", 0.5), ("E-mail", 0.5)),
    "accounting": (("Appel", 1.0),),
    "marketing": (("E-mail", 1.0),),
}
COMMENTS_FR = {
    "Appel": (
        "Point sur les besoins",
        "Relance devis",
        "Pas joignable, rappeler",
        "Demande de tarif",
        "Rappeler l'acheteur",
        "Réclamation délai de livraison",
    ),
    "E-mail": (
        "Envoi catalogue",
        "Envoi fiche technique",
        "Envoi conditions générales",
        "Confirmation de livraison",
    ),
    "Rendez-vous": (
        "RDV annuel",
        "Négociation tarifs",
        "Présentation nouveautés",
        "Revue du contrat cadre",
    ),
    "Visite": ("Visite du site", "Visite atelier", "Tournée secteur"),
    "Devis": ("Devis outillage", "Devis EPI", "Chiffrage sur plan", "Devis consommables"),
    "Commande": ("Commande réassort", "Livraison express demandée", "Commande web"),
    "SAV": (
        "Intervention compresseur",
        "Remplacement pièce sous garantie",
        "Diagnostic panne",
        "Main-d'œuvre facturée",
        "Mise en service",
    ),
}
# comments that need CSV quoting (a ';' or quotes): valid CSV, not dirt
QUOTED_COMMENTS = (
    'Client mécontent ; rappeler "en urgence"',
    "Remise 5 % accordée ; validée par la direction",
)
CONTROL_COMMENT = "Appel transféré\x0bvoir note"  # vertical tab (pasted from Word)
FORMULA_COMMENT = '=HYPERLINK("http://x")'
HEADER_FR = [
    "Date",
    "Client",
    "Commercial",
    "Type d'action",
    "Montant HT (€)",
    "Statut",
    "Commentaire",
]


@dataclass
class Activity:
    """One activity row before formatting (None = empty cell)."""

    date: dt.date | None
    client: str
    staff: str
    kind: str
    amount: float | None = None
    status: str = ""
    comment: str = ""


@dataclass
class Client:
    """One client of the French sample and its contact plan."""

    code: str
    name: str
    owner: str
    segment: str
    revenue_cents: int = 0
    group: str = ""  # for Julien's accounts: "orphan", "thomas", "lea"
    since: dt.date = FR_START
    contacts: list[tuple[str, str, float, dt.date, dt.date]] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------
def rand_date(
    rng: np.random.Generator, start: dt.date, end: dt.date, weekdays: bool = True
) -> dt.date:
    """A uniform random day in [start, end], moved off week-ends when possible."""
    span = (end - start).days
    day = start + dt.timedelta(days=int(rng.integers(0, span + 1)))
    if weekdays and day.weekday() >= 5:
        shifted = day - dt.timedelta(days=day.weekday() - 4)  # back to Friday
        if shifted >= start:
            day = shifted
    return day


def choose(rng: np.random.Generator, table: Sequence[tuple[str, float]]) -> str:
    """Pick a label from (label, probability) pairs."""
    labels = [t[0] for t in table]
    probs = np.array([t[1] for t in table], dtype=float)
    return labels[int(rng.choice(len(labels), p=probs / probs.sum()))]


def fr_amount(value: float) -> str:
    """French Excel number: decimal comma, thousands separated by U+00A0."""
    text = f"{value:,.2f}"
    return text.replace(",", "\xa0").replace(".", ",")


def fr_date(day: dt.date) -> str:
    """dd/mm/yyyy."""
    return day.strftime("%d/%m/%Y")


def split_cents(rng: np.random.Generator, total: int, parts: int) -> list[int]:
    """Split an amount in cents into ``parts`` positive pieces that sum exactly to ``total``."""
    if parts <= 1:
        return [total]
    weights = rng.dirichlet(np.full(parts, 2.0))
    pieces = [max(1, int(w * total)) for w in weights]
    pieces[int(np.argmax(pieces))] += total - sum(pieces)
    return pieces


def poisson_at_least(rng: np.random.Generator, lam: float, low: int) -> int:
    """A Poisson draw, at least ``low``."""
    return max(low, int(rng.poisson(lam)))


# --------------------------------------------------------------------------------------------
# pme_fr
# --------------------------------------------------------------------------------------------
def make_client_names(rng: np.random.Generator, n: int, segment: str, used: set[str]) -> list[str]:
    """``n`` unique realistic names for a segment."""
    staff_names = {s[0] for s in STAFF_FR}
    names: list[str] = []
    while len(names) < n:
        s = SURNAMES[int(rng.integers(len(SURNAMES)))]
        t = TOWNS[int(rng.integers(len(TOWNS)))]
        if segment == "Grand compte":
            pattern = BIG_PATTERNS[int(rng.integers(len(BIG_PATTERNS)))]
            name = pattern.format(s=s, t=t)
        elif segment == "Collectivité":
            pattern = PUBLIC_PATTERNS[int(rng.integers(len(PUBLIC_PATTERNS)))]
            name = pattern.format(t=t)
        elif segment == "Artisan":
            name = f"{FIRST_NAMES[int(rng.integers(len(FIRST_NAMES)))]} {s}"
        elif segment == "Particulier":
            title = "M." if rng.random() < 0.5 else "Mme"
            name = f"{title} {FIRST_NAMES[int(rng.integers(len(FIRST_NAMES)))]} {s}"
        else:
            pattern = PME_PATTERNS[int(rng.integers(len(PME_PATTERNS)))]
            name = pattern.format(s=s)
        if name in used or name in staff_names:
            continue
        used.add(name)
        names.append(name)
    return names


def build_clients(rng: np.random.Generator) -> list[Client]:
    """The 400 clients with owner, segment, code and 12-month revenue (CA HT)."""
    used = {t[0] for t in TRICKY_FR}
    clients: list[Client] = [Client("", name, owner, seg) for name, owner, seg in TRICKY_FR]
    for owner, n in OWNERS_FR.items():
        n_left = n - sum(1 for c in clients if c.owner == owner)
        if owner == ISABELLE:
            segs = ["Particulier"] * 22 + ["Artisan"] * (n_left - 22)
        elif owner == DIRECTOR:
            segs = ["Grand compte"] * 6 + ["PME"] * (n_left - 6)
        else:
            segs = list(
                rng.choice(
                    ["PME", "Artisan", "Collectivité", "Grand compte"],
                    size=n_left,
                    p=[0.62, 0.15, 0.14, 0.09],
                )
            )
        for seg in segs:
            name = make_client_names(rng, 1, str(seg), used)[0]
            clients.append(Client("", name, owner, str(seg)))
    # codes: the 45 oldest clients keep purely numeric codes with leading zeros ("00123")
    order = rng.permutation(len(clients))
    numeric = sorted(int(x) for x in rng.choice(np.arange(1, 1000), size=45, replace=False))
    modern = sorted(
        int(x) for x in rng.choice(np.arange(1000, 15000), size=len(clients) - 45, replace=False)
    )
    for rank, idx in enumerate(order):
        if rank < 45:
            clients[idx].code = f"{numeric[rank]:05d}"
        else:
            clients[idx].code = f"C{modern[rank - 45]:05d}"
    # revenue: lognormal by owner and segment, then the two large clients get fixed shares
    for c in clients:
        if c.name in (BIG_A, BIG_B):
            continue
        mu = OWNER_MU[c.owner] + SEGMENT_MU[c.segment]
        c.revenue_cents = round(float(rng.lognormal(mu, 0.95)) * 100)
    others = sum(c.revenue_cents for c in clients)
    total = others / (1 - SHARE_A - SHARE_B)
    for c in clients:
        if c.name == BIG_A:
            c.revenue_cents = round(total * SHARE_A)
        elif c.name == BIG_B:
            c.revenue_cents = round(total * SHARE_B)
    # Julien Mercier's 20 accounts: 8 orphaned, 7 taken over by Thomas, 5 by Léa Fontaine
    julien = [c for c in clients if c.owner == JULIEN]
    for i, c in enumerate(julien):
        c.group = "orphan" if i < 8 else ("thomas" if i < 15 else "lea")
    tricky = {t[0] for t in TRICKY_FR}
    # about 10 % of clients are new (first activity in the second or third year)
    for c in clients:
        if c.name not in tricky and c.group == "" and rng.random() < 0.1:
            c.since = rand_date(rng, dt.date(2024, 9, 1), dt.date(2025, 10, 15))
    return clients


def plan_contacts(rng: np.random.Generator, clients: list[Client]) -> None:
    """Fill each client's contact plan: (staff, role, rate per year, from, to)."""
    tech_pool = (HELENE, *TECHS)
    for c in clients:
        start = c.since
        rate = float(np.clip(4 + 3 * math.log10(max(c.revenue_cents / 100, 500) / 5000), 3, 16))
        if c.owner == ISABELLE:
            adv = ISABELLE if rng.random() < 0.6 else NATHALIE
            c.contacts.append((adv, "adv", rng.uniform(3, 6), start, FR_END))
        elif c.owner == JULIEN:
            c.contacts.append((JULIEN, "sales", rate + 2, start, DEPARTURE))
            if c.group == "thomas":
                c.contacts.append((THOMAS, "sales", 26.0, DEPARTURE + dt.timedelta(days=4), FR_END))
            elif c.group == "lea":
                c.contacts.append((LEA, "sales", 36.0, HIRE, FR_END))
        elif c.owner == DIRECTOR:
            c.contacts.append((DIRECTOR, "director", rate + 2, start, FR_END))
            if rng.random() < 0.4:
                c.contacts.append((MARIE, "sales", rng.uniform(1, 3), start, FR_END))
        else:
            c.contacts.append((c.owner, "sales", rate, start, FR_END))
        if c.name == BIG_A:
            c.contacts.append((DIRECTOR, "director", 2.0, start, FR_END))
            continue
        if c.name == BIG_B:
            c.contacts.append((DIRECTOR, "director", 40.0, start, FR_END))
            continue
        if c.group == "orphan":
            continue  # nobody else ever touches these accounts
        # the director: a secondary contact on about 30 % of the accounts
        if c.owner != DIRECTOR and rng.random() < 0.31:
            c.contacts.append((DIRECTOR, "director", rng.uniform(0.4, 1.2), start, FR_END))
        # after-sales: strong (natural backup) or occasional contact on a third of the accounts
        if c.owner != ISABELLE and rng.random() < 0.4:
            tech = tech_pool[int(rng.integers(len(tech_pool)))]
            strong = rng.random() < 0.5
            tech_rate = rate * rng.uniform(0.9, 1.3) + 6 if strong else rng.uniform(0.5, 1.5)
            c.contacts.append((tech, "tech", tech_rate, start, FR_END))
        # accounting chases unpaid invoices now and then
        if rng.random() < 0.07:
            c.contacts.append((ACCOUNTANT, "accounting", 0.6, start, FR_END))


def responsible(c: Client, day: dt.date) -> str:
    """Who logs an order of client ``c`` on ``day``."""
    if c.owner == JULIEN and day > DEPARTURE:
        if c.group == "thomas":
            return THOMAS
        return LEA if day >= HIRE else ISABELLE
    if c.owner == ISABELLE:
        return c.contacts[0][0]
    return c.owner


def build_orders(rng: np.random.Generator, c: Client) -> list[Activity]:
    """Orders (Commande rows): the last 12 months sum exactly to the client's CA HT."""
    rows: list[Activity] = []
    years = [
        (FR_YEAR0, FR_END, c.revenue_cents),
        (
            dt.date(2024, 11, 1),
            dt.date(2025, 10, 31),
            int(c.revenue_cents * rng.uniform(0.75, 1.15)),
        ),
        (FR_START, dt.date(2024, 10, 31), int(c.revenue_cents * rng.uniform(0.7, 1.1))),
    ]
    avg_order = 350_000 if c.segment != "Particulier" else 40_000  # cents
    for y_start, y_end, cents in years:
        start = max(y_start, c.since)
        end = min(y_end, DEPARTURE) if c.group == "orphan" else y_end
        if start > end or cents <= 0:
            continue
        n = int(np.clip(round(cents / avg_order), 1, 52))
        for piece in split_cents(rng, cents, n):
            day = rand_date(rng, start, end)
            kind_comment = ""
            if rng.random() < 0.3:
                pool = COMMENTS_FR["Commande"]
                kind_comment = pool[int(rng.integers(len(pool)))]
            rows.append(
                Activity(
                    day, c.name, responsible(c, day), "Commande", piece / 100, "", kind_comment
                )
            )
    return rows


def build_activities(rng: np.random.Generator, clients: list[Client]) -> list[Activity]:
    """The clean planted activities (orders and contacts), sorted, without duplicates."""
    rows: list[Activity] = []
    for c in clients:
        orders = build_orders(rng, c)
        rows.extend(orders)
        typical = (c.revenue_cents / 100) / max(
            1, sum(1 for o in orders if o.date and o.date >= FR_YEAR0)
        )
        for staff, role, rate, start, end in c.contacts:
            start = max(start, c.since)
            if start > end:
                continue
            years = ((end - start).days + 1) / 365.25
            low = 1 if role in ("director", "tech", "accounting") else 2
            n = poisson_at_least(rng, rate * years, low)
            for _ in range(n):
                day = rand_date(rng, start, end)
                kind = choose(rng, KINDS_FR[role])
                amount: float | None = None
                status = ""
                if kind == "Devis":
                    amount = round(float(typical * rng.uniform(0.4, 2.5)), 2)
                    if day > FR_END - dt.timedelta(days=45):
                        status = "En cours" if rng.random() < 0.7 else "Gagné"
                    else:
                        status = "Gagné" if rng.random() < 0.55 else "Perdu"
                comment = ""
                u = rng.random()
                if role == "accounting":
                    comment = "Relance facture impayée"
                elif u < 0.004:
                    comment = QUOTED_COMMENTS[int(rng.integers(len(QUOTED_COMMENTS)))]
                elif u < 0.4:
                    pool = COMMENTS_FR[kind]
                    comment = pool[int(rng.integers(len(pool)))]
                rows.append(Activity(day, c.name, staff, kind, amount, status, comment))
    # marketing logs almost nothing: 3 e-mails and 1 e-mail over three years
    by_name = {c.name: c for c in clients}
    for name, staff, day in (
        ("SARL Transports Giraud", MARKETING[0], dt.date(2024, 3, 12)),
        ("Mairie de Villefranche-sur-Saône", MARKETING[0], dt.date(2024, 3, 12)),
        ("Boulangerie Moreau", MARKETING[0], dt.date(2025, 1, 20)),
        ("SARL Transports Giraud", MARKETING[1], dt.date(2025, 6, 2)),
    ):
        assert name in by_name
        rows.append(Activity(day, name, staff, "E-mail", None, "", "Invitation salon"))
    # the last activity date is 31/10/2026 (a Saturday: an e-mail sent from home)
    rows.append(Activity(FR_END, BIG_A, MARIE, "E-mail", None, "", "Envoi proposition 2027"))
    rows.sort(key=lambda r: (r.date or FR_END, r.client, r.staff, r.kind, r.amount or 0.0))
    unique: list[Activity] = []
    seen: set[tuple[Any, ...]] = set()
    for r in rows:
        key = (r.date, r.client, r.staff, r.kind, r.amount, r.status, r.comment)
        if key not in seen:
            seen.add(key)
            unique.append(r)
    return unique


@dataclass
class Dirt:
    """What was planted in activites.csv, with the data row numbers (1 = first data row)."""

    counts: dict[str, int] = field(default_factory=dict)
    lines: dict[str, list[int]] = field(default_factory=dict)


def plant_dirt(rng: np.random.Generator, rows: list[Activity]) -> tuple[list[list[str]], Dirt]:
    """Format the clean rows and plant the documented dirt; returns CSV data rows."""
    out: list[list[str]] = []
    for r in rows:
        out.append(
            [
                fr_date(r.date) if r.date else "",
                r.client,
                r.staff,
                r.kind,
                fr_amount(r.amount) if r.amount is not None else "",
                r.status,
                r.comment,
            ]
        )
    n = len(out)
    dirt = Dirt()
    taken: set[int] = set()

    def pick(pred: Any, k: int) -> list[int]:
        idx = [i for i in range(n) if i not in taken and pred(out[i])]
        chosen = sorted(int(x) for x in rng.choice(idx, size=k, replace=False))
        taken.update(chosen)
        return chosen

    def plain(row: list[str]) -> bool:
        return row[2] in (MARIE, JEAN, SOPHIE, THOMAS, NICOLAS) and row[3] in ("Appel", "E-mail")

    # in-place edits of existing rows (the row count does not change)
    for i in pick(lambda r: r[2] == MARIE and r[3] != "Commande", 5):
        out[i][2] = "DUPONT Marie"
    for i in pick(lambda r: r[2] == JEAN and r[3] != "Commande", 2):
        out[i][2] = "J. Lefevre"
    for i in pick(lambda r: r[1] == "Boulangerie Moreau", 3):
        out[i][1] = DIRTY_CLIENT
    for i in pick(plain, 1):
        out[i][6] = CONTROL_COMMENT
    for i in pick(plain, 1):
        out[i][6] = FORMULA_COMMENT
    for i in pick(plain, 2):
        out[i][1] = ""
    for i in pick(plain, 1):
        out[i][2] = ""
    for i in pick(lambda r: plain(r) and r[0].endswith("/2025"), 1):
        out[i][0] = "31/02/2025"
    # inserted rows: 3 exact duplicates (right after their original) and one sub-total
    dup_src = pick(lambda r: plain(r) and r[6] == "", 3)
    subtotal_at = max(i for i in range(n) if out[i][0].endswith("/2024")) + 1
    total_2024 = sum(
        r.amount or 0.0 for r in rows if r.kind == "Commande" and r.date and r.date.year == 2024
    )
    inserts = {i + 1: list(out[i]) for i in dup_src}
    final: list[list[str]] = []
    for i in range(n + 1):
        if i == subtotal_at:
            final.append(["", "Sous-total", "", "", fr_amount(total_2024), "", ""])
        if i in inserts:
            final.append(inserts[i])
        if i < n:
            final.append(out[i])

    # record where everything ended up (data row numbers, 1-based)
    def where(pred: Any) -> list[int]:
        return [k + 1 for k, r in enumerate(final) if pred(r)]

    dirt.lines = {
        "exact duplicate (second copy)": [
            k + 1 for k in range(1, len(final)) if final[k] == final[k - 1]
        ],
        "empty Client": where(lambda r: r[1] == "" and r[0] != ""),
        "empty Commercial (besides the sub-total)": where(
            lambda r: r[2] == "" and r[1] != "Sous-total"
        ),
        "impossible date 31/02/2025": where(lambda r: r[0] == "31/02/2025"),
        "Sous-total row": where(lambda r: r[1] == "Sous-total"),
        "control character in Commentaire": where(lambda r: "\x0b" in r[6]),
        "comment starting with '='": where(lambda r: r[6].startswith("=")),
        "'DUPONT Marie'": where(lambda r: r[2] == "DUPONT Marie"),
        "'J. Lefevre'": where(lambda r: r[2] == "J. Lefevre"),
        "client ' Boulangerie  Moreau  '": where(lambda r: r[1] == DIRTY_CLIENT),
        "comment needing CSV quotes (valid, not dirt)": where(lambda r: r[6] in QUOTED_COMMENTS),
    }
    dirt.counts = {k: len(v) for k, v in dirt.lines.items()}
    dirt.counts["Sous-total amount (2024 orders)"] = round(total_2024)
    return final, dirt


def write_fr_csv(path: Path, rows: list[list[str]]) -> None:
    """French Excel CSV: cp1252, ';', CRLF, title row and a blank row above the header."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    width = len(HEADER_FR)
    writer.writerow(
        ["Export des actions commerciales du 01/11/2023 au 31/10/2026"] + [""] * (width - 1)
    )
    writer.writerow([""] * width)
    writer.writerow(HEADER_FR)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode("cp1252"))


def save_workbook(wb: Any, path: Path) -> None:
    """Save with fixed properties and zip timestamps so that the bytes are reproducible."""
    wb.properties.creator = "Établissements Martin & Fils"
    wb.properties.lastModifiedBy = "keyrisk tools/make_samples.py"
    wb.properties.created = FIXED_STAMP
    raw = io.BytesIO()
    wb.save(raw)
    stamp = FIXED_STAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rf"\g<1>{stamp}\g<2>",
                    text,
                )
                data = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_STAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, data)
    path.write_bytes(out.getvalue())


def write_equipe(path: Path) -> None:
    """equipe.xlsx: a hidden draft sheet "Brouillon" first, then "Équipe"."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    draft = wb.active
    assert draft is not None
    draft.title = "Brouillon"
    draft.append(["à mettre à jour !!", None, "voir avec Patrick"])
    draft.append([None, None, None])
    draft.append(["Nom", "Tel", 42])
    draft.append(["Marie ?", "06 12 34 56 78", "=1+1"])
    draft.append(["anciens : Julien (parti fin mai)", None, None])
    draft.sheet_state = "hidden"
    ws = wb.create_sheet("Équipe")
    ws.append(["Nom", "Poste", "Service", "Date d'entrée", "Date de sortie", "Actif"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for name, role, dept, start, end, active in STAFF_FR:
        ws.append([name, role, dept, start, end, active])
        row = ws.max_row
        ws.cell(row, 4).number_format = "DD/MM/YYYY"
        ws.cell(row, 5).number_format = "DD/MM/YYYY"
    for col, width in zip("ABCDEF", (22, 36, 14, 14, 14, 8), strict=True):
        ws.column_dimensions[col].width = width
    wb.active = 1
    save_workbook(wb, path)


def write_clients(path: Path, clients: list[Client]) -> None:
    """clients.xlsx: title row, blank row, header, 400 clients, TOTAL GÉNÉRAL row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Clients"
    ws["A1"] = "Portefeuille clients au 31/10/2026"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:E1")
    ws.append([])  # row 2 stays blank
    ws.append(["Code client", "Raison sociale", "CA HT (€)", "Commercial", "Segment"])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    total = 0
    for c in sorted(clients, key=lambda c: c.code):
        ws.append([c.code, c.name, c.revenue_cents / 100, c.owner, c.segment])
        row = ws.max_row
        ws.cell(row, 1).data_type = "s"
        name_cell = ws.cell(row, 2)
        name_cell.value = c.name
        name_cell.data_type = "s"  # "=SOMME Distribution" is text, never a formula
        ws.cell(row, 3).number_format = "#,##0.00 €"
        total += c.revenue_cents
    ws.append([None, "TOTAL GÉNÉRAL", total / 100, None, None])
    row = ws.max_row
    ws.cell(row, 2).font = Font(bold=True)
    ws.cell(row, 3).font = Font(bold=True)
    ws.cell(row, 3).number_format = "#,##0.00 €"
    for col, width in zip("ABCDE", (12, 40, 16, 18, 14), strict=True):
        ws.column_dimensions[col].width = width
    save_workbook(wb, path)


# --------------------------------------------------------------------------------------------
# the reference calculation (method v1, default parameters) used for the printed summary
# --------------------------------------------------------------------------------------------
def reference(
    interactions: Iterable[tuple[dt.date, str, str]],
    revenue: dict[str, float],
    gone: set[str],
    as_of: dt.date,
) -> dict[str, Any]:
    """Active holders per account under the default parameters of the method."""
    weight: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    count: dict[str, Counter[str]] = defaultdict(Counter)
    for day, account, staff in interactions:
        age = (as_of - day).days
        if 0 <= age < 730:
            weight[account][staff] += 0.5 ** (age / 180)
            count[account][staff] += 1
    holders: dict[str, tuple[str, ...]] = {}
    top: dict[str, str] = {}
    for account in revenue:
        w = weight.get(account, {})
        if not w:
            holders[account] = ()
            continue
        best = max(w.values())
        top[account] = min(s for s, v in w.items() if v == best)
        held = [
            s for s, v in w.items() if v >= 0.5 * best and (count[account][s] >= 2 or v == best)
        ]
        holders[account] = tuple(sorted(s for s in held if s not in gone))
    return {"holders": holders, "top": top, "weight": weight}


def fr_summary(
    clients: list[Client], rows: list[Activity], final: list[list[str]], dirt: Dirt
) -> dict[str, Any]:
    """Numbers documented in docs/samples.md for pme_fr."""
    revenue = {c.name: c.revenue_cents / 100 for c in clients}
    total = sum(revenue.values())
    ref = reference(
        ((r.date, r.client, r.staff) for r in rows if r.date), revenue, {JULIEN}, FR_END
    )
    holders: dict[str, tuple[str, ...]] = ref["holders"]
    sole: dict[str, list[str]] = defaultdict(list)
    for account, hs in holders.items():
        if len(hs) == 1:
            sole[hs[0]].append(account)
    orphaned = [a for a, hs in holders.items() if not hs]
    touched: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        touched[r.staff].add(r.client)
    n_rows_staff = Counter(r.staff for r in rows)
    dominant_rows = sum(1 for row in final if row[2] in (MARIE, JEAN))
    big = sorted(clients, key=lambda c: -c.revenue_cents)[:5]
    held_by = {s: sum(1 for hs in holders.values() if s in hs) for s in touched}
    julien = [c for c in clients if c.owner == JULIEN]
    return {
        "rows": {"activites.csv data rows": len(final), "clean planted rows": len(rows)},
        "dirt": dirt.counts,
        "dirt rows": dirt.lines,
        "clients": len(clients),
        "total revenue": round(total, 2),
        "numeric codes": sum(1 for c in clients if not c.code.startswith("C")),
        "segments": dict(Counter(c.segment for c in clients)),
        "owners": dict(Counter(c.owner for c in clients)),
        "largest clients": [
            (
                c.name,
                c.owner,
                round(c.revenue_cents / 100, 2),
                round(c.revenue_cents / 100 / total, 4),
                holders[c.name],
            )
            for c in big
        ],
        "rows per staff (clean)": dict(n_rows_staff.most_common()),
        "rows Marie Dupont + Jean Lefèvre (exact spelling, file)": dominant_rows,
        "share of file rows": round(dominant_rows / len(final), 4),
        "accounts touched": {s: len(a) for s, a in sorted(touched.items())},
        "accounts held (active holder)": dict(sorted(held_by.items())),
        "accounts held alone": {s: len(a) for s, a in sorted(sole.items())},
        "revenue held alone": {
            s: round(sum(revenue[a] for a in v), 2) for s, v in sorted(sole.items())
        },
        "Marie+Jean sole-holder revenue share": round(
            sum(revenue[a] for s in (MARIE, JEAN) for a in sole[s]) / total, 4
        ),
        "director touches accounts": len(touched[DIRECTOR]),
        "director top contact on": sum(1 for t in ref["top"].values() if t == DIRECTOR),
        "orphaned accounts": sorted(orphaned),
        "orphaned revenue": round(sum(revenue[a] for a in orphaned), 2),
        "bus factor counts": dict(sorted(Counter(len(h) for h in holders.values()).items())),
        "Julien Mercier accounts": {
            c.name: (c.group, holders[c.name], round(c.revenue_cents / 100, 2)) for c in julien
        },
        "tech accounts touched": {s: len(touched[s]) for s in (HELENE, *TECHS)},
        "tech accounts held": {s: held_by.get(s, 0) for s in (HELENE, *TECHS)},
    }


def make_pme(rng: np.random.Generator, folder: Path) -> dict[str, Any]:
    """Build and write pme_fr; return its summary."""
    folder.mkdir(parents=True, exist_ok=True)
    clients = build_clients(rng)
    plan_contacts(rng, clients)
    rows = build_activities(rng, clients)
    final, dirt = plant_dirt(rng, rows)
    write_fr_csv(folder / "activites.csv", final)
    write_equipe(folder / "equipe.xlsx")
    write_clients(folder / "clients.xlsx", clients)
    return fr_summary(clients, rows, final, dirt)


# --------------------------------------------------------------------------------------------
# acme_en: Acme Analytics Ltd
# --------------------------------------------------------------------------------------------
EN_START = dt.date(2024, 10, 1)
EN_END = dt.date(2026, 9, 30)
SARAH = "Sarah Collins"
TOM = "Tom Baker"
PRIYA = "Priya Shah"
JAMES = "James O'Connor"
EMILY = "Emily Wright"
DANIEL = "Daniel Kim"
OLIVIA = "Olivia Brown"
MARK = "Mark Evans"
DANIEL_LAST = dt.date(2026, 5, 15)
STAFF_EN = [
    (SARAH, "Senior Account Manager"),
    (TOM, "Account Executive"),
    (PRIYA, "Account Executive"),
    (JAMES, "Chief Executive Officer"),
    (EMILY, "Customer Success Manager"),
    (DANIEL, "Sales Development Representative (last activity 2026-05-15)"),
    (OLIVIA, "Support Engineer"),
    (MARK, "Marketing Manager"),
]
EN_BIG = ("Northwind Traders Ltd", "Brightside Health NHS Trust", "Halcyon Retail Group plc")
EN_NAMES = (
    "Abbott & Finch LLP",
    "Blue Harbour Logistics",
    "Cobalt Fintech Ltd",
    "Dunmore Estates",
    "Elmstead Academy Trust",
    "Fairway Insurance Brokers",
    "Greenleaf Foods Ltd",
    "Harrow Energy Co-operative",
    "Ironbridge Engineering",
    "Juniper Analytics",
    "Kestrel Aviation Services",
    "Lowther & Sons",
    "Marlow Dental Group",
    "Northgate Housing",
    "Oakridge Veterinary",
    "Pemberton Legal",
    "Quayside Hotels",
    "Redbrick Studios",
    "Saltmarsh Brewing Co.",
    "Thistle Pharma UK",
    "Upland Water Services",
    "Vantage Print",
    "Westfield Borough Council",
    "Yardley Motors",
    "Zephyr Wind Ltd",
    "Ashcombe Clinics",
    "Birchwood Nurseries",
    "Carrow Freight",
    "Denholm Opticians",
    "Evergreen Care Homes",
    "Foxglove Interiors",
    "Glenmoor Distillery",
    "Hartley Recruitment",
    "Inverness Timber",
    "Jarrow Steel Fabrication",
    "Kingsway Pharmacy",
    "Larkspur Events",
    "Smith, Jones & Partners",
    "Millbrook School",
    "Nettleton Farms",
    "Orchard Street Bakery",
    "Pinecrest Software",
    "Quill & Ink Publishing",
    "Riverside Leisure Centre",
    "St. Anne's Hospice",
    "Tamworth Plastics",
    "Underwood Solicitors",
    "Valecroft Dairy",
    "Whitcombe Marine",
    "Yew Tree Garden Centre",
    "Zenith Data Centres",
    "Amberley Lettings",
    "Brookfield Surveyors",
    "Castlegate Coffee",
    "Drayton Bus Company",
    "Elmwood Audiology",
    "Fenwick Cycles",
)
INDUSTRIES = (
    "Computer Software",
    "Financial Services",
    "Retail",
    "Hospital & Health Care",
    "Logistics and Supply Chain",
    "Higher Education",
    "Construction",
    "Food & Beverages",
    "Government Administration",
    "Legal Services",
)


def make_acme(rng: np.random.Generator, folder: Path) -> dict[str, Any]:
    """Build and write acme_en; return its summary."""
    folder.mkdir(parents=True, exist_ok=True)
    names = list(EN_BIG) + list(EN_NAMES)
    # plan: 3 big accounts -> Sarah alone; 45 shared by Tom and Priya; 12 with others
    plan: dict[str, dict[str, float]] = {}
    owner: dict[str, str] = {}
    for i, name in enumerate(names):
        if i < 3:
            plan[name] = {SARAH: 30.0}
            owner[name] = SARAH
        elif i < 48:
            tom, priya = rng.uniform(6, 12), rng.uniform(6, 12)
            plan[name] = {TOM: tom, PRIYA: priya}
            owner[name] = TOM if tom >= priya else PRIYA
            if rng.random() < 0.3:
                plan[name][OLIVIA] = rng.uniform(1, 3)
            if rng.random() < 0.2:
                plan[name][JAMES] = 0.6
        elif i < 54:
            plan[name] = {EMILY: rng.uniform(4, 8)}
            owner[name] = EMILY
        elif i < 57:
            plan[name] = {DANIEL: rng.uniform(6, 10)}
            owner[name] = DANIEL
        else:
            plan[name] = {}  # dormant: no activity, no deal
            owner[name] = TOM if i < 59 else ""
    plan[names[10]][MARK] = 0.5
    # activities (Salesforce)
    subjects = {
        "Call": ("Call", "Follow-up call", "Discovery call", "Renewal call"),
        "Email": ("Email: follow-up", "Email: proposal sent", "Email: invoice query"),
        "Meeting": ("Quarterly business review", "Product demo", "Onboarding workshop"),
    }
    acts: list[tuple[dt.date, str, str, str]] = []  # date, staff, company, type
    for name, contacts in plan.items():
        for staff, rate in contacts.items():
            end = DANIEL_LAST if staff == DANIEL else EN_END
            n = poisson_at_least(rng, rate * 2, 1)
            for _ in range(n):
                kind = choose(rng, (("Call", 0.45), ("Email", 0.35), ("Meeting", 0.2)))
                acts.append((rand_date(rng, EN_START, end), staff, name, kind))
    acts.append((DANIEL_LAST, DANIEL, names[54], "Call"))
    acts.append((EN_END, SARAH, EN_BIG[0], "Meeting"))
    acts = sorted(set(acts), key=lambda a: (a[0], a[2], a[1], a[3]))
    sf_rows: list[list[str]] = []
    for day, staff, name, kind in acts:
        subject = subjects[kind][int(rng.integers(len(subjects[kind])))]
        task_event = "Event" if kind == "Meeting" else "Task"
        if task_event == "Event":
            status = ""
        elif day > EN_END - dt.timedelta(days=7):
            status = "Not Started" if rng.random() < 0.5 else "In Progress"
        else:
            status = "Completed"
        sf_rows.append([staff, name, subject, task_event, kind, day.strftime("%d/%m/%Y"), status])
    # deals (HubSpot)
    deals: list[list[str]] = []
    won: dict[str, float] = defaultdict(float)
    record = 9_000_000_000
    open_stages = (
        "appointmentscheduled",
        "qualifiedtobuy",
        "presentationscheduled",
        "contractsent",
    )
    for name, contacts in plan.items():
        if not contacts:
            continue
        if name in EN_BIG:
            n_deals, low, high, p_won = 6, 25_000, 80_000, 0.85
        else:
            n_deals, low, high, p_won = int(rng.integers(1, 5)), 3_000, 25_000, 0.6
        for _ in range(n_deals):
            staff_names = list(contacts)
            deal_owner = (
                owner[name]
                if rng.random() < 0.7
                else staff_names[int(rng.integers(len(staff_names)))]
            )
            if deal_owner in (OLIVIA, MARK, JAMES):
                deal_owner = owner[name]
            end = DANIEL_LAST if deal_owner == DANIEL else EN_END
            created = rand_date(rng, EN_START, end - dt.timedelta(days=20))
            close = created + dt.timedelta(days=int(rng.integers(14, 120)))
            if close <= end:
                stage = "closedwon" if rng.random() < p_won else "closedlost"
            else:
                stage = open_stages[int(rng.integers(len(open_stages)))]
            amount = round(float(rng.uniform(low, high)) / 50) * 50.0
            if stage == "closedwon":
                won[name] += amount
            record += int(rng.integers(1_000, 90_000))
            product = ("Analytics Platform", "Data Audit", "Dashboard Pack", "Training Days")[
                int(rng.integers(4))
            ]
            pipeline = "Renewals" if deal_owner == EMILY else "Sales Pipeline"
            hour = f"{int(rng.integers(8, 18)):02d}:{int(rng.integers(0, 60)):02d}"
            deals.append(
                [
                    str(record),
                    f"{name} - {product}",
                    stage,
                    pipeline,
                    f"{amount:.2f}",
                    f"{close.isoformat()} {hour}",
                    f"{created.isoformat()} {hour}",
                    deal_owner,
                    name,
                ]
            )
    deals.sort(key=lambda d: (d[6], d[0]))
    # companies (HubSpot)
    last_act: dict[str, dt.date] = {}
    for day, _staff, name, _kind in acts:
        last_act[name] = max(day, last_act.get(name, day))
    companies: list[list[str]] = []
    record = 5_100_000_000
    for i, name in enumerate(names):
        record += int(rng.integers(10_000, 900_000))
        created = rand_date(rng, dt.date(2021, 1, 4), dt.date(2024, 9, 30))
        hour = f"{int(rng.integers(8, 18)):02d}:{int(rng.integers(0, 60)):02d}"
        last = last_act.get(name)
        companies.append(
            [
                str(record),
                name,
                owner[name],
                f"{created.isoformat()} {hour}",
                f"{last.isoformat()} {hour}" if last else "",
                INDUSTRIES[i % len(INDUSTRIES)],
                f"{won[name]:.2f}" if won[name] else "",
            ]
        )
    write_csv(
        folder / "hubspot_companies.csv",
        [
            "Record ID",
            "Company name",
            "Company owner",
            "Create Date",
            "Last Activity Date",
            "Industry",
            "Total Revenue",
        ],
        companies,
        "utf-8",
        "\n",
    )
    write_csv(
        folder / "hubspot_deals.csv",
        [
            "Record ID",
            "Deal Name",
            "Deal Stage",
            "Pipeline",
            "Amount",
            "Close Date",
            "Create Date",
            "Deal owner",
            "Associated Company",
        ],
        deals,
        "utf-8",
        "\n",
    )
    write_csv(
        folder / "salesforce_activities.csv",
        ["Assigned", "Company / Account", "Subject", "Task/Event", "Type", "Date", "Status"],
        sf_rows,
        "utf-8-sig",
        "\r\n",
    )
    total_won = sum(won.values())
    ranked = sorted(won.items(), key=lambda kv: -kv[1])
    if {n for n, _ in ranked[:3]} != set(EN_BIG):
        raise RuntimeError("the planted structure failed: Sarah's accounts are not the 3 largest")
    touched: dict[str, set[str]] = defaultdict(set)
    for _day, staff, name, _kind in acts:
        touched[staff].add(name)
    for d in deals:
        touched[d[7]].add(d[8])
    return {
        "rows": {
            "hubspot_companies.csv": len(companies),
            "hubspot_deals.csv": len(deals),
            "salesforce_activities.csv": len(sf_rows),
        },
        "staff": STAFF_EN,
        "deal stages": dict(Counter(d[2] for d in deals)),
        "total won (Total Revenue)": round(total_won, 2),
        "largest accounts": [(n, round(v, 2), round(v / total_won, 4)) for n, v in ranked[:5]],
        "Sarah's 3 accounts share": round(sum(won[n] for n in EN_BIG) / total_won, 4),
        "activity rows per staff": dict(Counter(a[1] for a in acts).most_common()),
        "accounts touched (activities or deals)": {s: len(v) for s, v in sorted(touched.items())},
        "shared by Tom and Priya (both touch)": len(touched[TOM] & touched[PRIYA]),
        "dormant companies": [n for n in names if not plan[n]],
        "company without owner": [n for n in names if not owner[n]],
        "Daniel Kim last activity": max(a[0] for a in acts if a[1] == DANIEL).isoformat(),
    }


def write_csv(
    path: Path, header: list[str], rows: list[list[str]], encoding: str, eol: str
) -> None:
    """A plain ',' CSV with the given encoding and line end."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=",", quoting=csv.QUOTE_MINIMAL, lineterminator=eol)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


# --------------------------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------------------------
def generate(out: Path, package_copy: Path | None = None) -> dict[str, Any]:
    """Write both samples under ``out`` (and copy them to ``package_copy``); return the summary.

    Parameters
    ----------
    out : Path
        Destination folder; ``pme_fr/`` and ``acme_en/`` are created inside.
    package_copy : Path or None
        A second folder that receives an identical copy (the package's ``keyrisk/samples``).

    Returns
    -------
    dict
        The planted numbers, by sample.
    """
    rng = np.random.default_rng(SEED)
    summary = {
        "pme_fr": make_pme(rng, out / "pme_fr"),
        "acme_en": make_acme(rng, out / "acme_en"),
    }
    if package_copy is not None and package_copy.resolve() != out.resolve():
        for sample in ("pme_fr", "acme_en"):
            target = package_copy / sample
            target.mkdir(parents=True, exist_ok=True)
            for f in sorted((out / sample).iterdir()):
                shutil.copyfile(f, target / f.name)
    return summary


def print_summary(summary: dict[str, Any]) -> None:
    """Print the summary in a readable form."""
    for sample, info in summary.items():
        print(f"== {sample}")
        for key, value in info.items():
            if isinstance(value, dict) and len(value) > 6:
                print(f"  {key}:")
                for k, v in value.items():
                    print(f"    {k}: {v}")
            elif isinstance(value, list) and len(value) > 3:
                print(f"  {key}:")
                for v in value:
                    print(f"    {v}")
            else:
                print(f"  {key}: {value}")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument(
        "--package-copy",
        action=argparse.BooleanOptionalAction,
        default=True,
        help=f"also copy the files to {PACKAGE_COPY.relative_to(ROOT)} (default: yes)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not print the summary")
    args = parser.parse_args(argv)
    summary = generate(args.out, PACKAGE_COPY if args.package_copy else None)
    if not args.quiet:
        print_summary(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
