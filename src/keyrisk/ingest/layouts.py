"""Column mapping: recognise CRM export layouts and hand-made spreadsheets.

:func:`map_columns` turns the headers of one file into a :class:`ColumnMapping`: which header(s)
feed each canonical field of the file's role (see :mod:`keyrisk.model`), which headers are
ignored, and plain-English notes on every decision that is not obvious.

How a mapping is decided
------------------------
1. **Overrides** (the ``columns`` table of ``keyrisk.toml``) always win. A header named there must
   exist in the file (:class:`~keyrisk.errors.ConfigError` otherwise). An empty override
   (``revenue = ""``) means "do not map this field".
2. **Known CRM layouts** are recognised from signature headers (HubSpot, Salesforce, Pipedrive's
   ``"<Entity> - <Field>"`` names, Odoo in English and French, Zoho, Dynamics 365 with its
   ``"(Do Not Modify) ..."`` columns, Teamleader). A layout fixes the role and, for each field,
   an ordered list of headers to use (the first one present wins).
3. **Synonyms** map what is left, and hand-made spreadsheets entirely. Every header is compared,
   through :func:`key` (case, accents, punctuation and camelCase ignored), with the synonyms of
   each *concept* (account, account id, person, person id, date, amount, stage...). Scores:

   - 3: the header is a strong synonym (``Client``, ``Commercial``, ``CA HT``...);
   - 2: a weak synonym (``Owner``, ``Responsable``, ``Interlocuteur``, ``Created``...), or a
     compound of a concept word and an identifier word (``customerNumber`` is an account id);
   - 1: the header *contains* a concept word (``Client final``, ``Date de livraison``).

   A header belongs to its best-scoring concept (ties: the concept listed first in
   ``_CONCEPTS``); a field then takes the best header of its concepts (ties: the synonym listed
   first, then the header written first). Two or more account (or staff) candidates with the same
   best score are an ambiguity: :class:`~keyrisk.errors.MappingError` names them and shows the
   configuration line that settles it (a ``sample`` of the data may break the tie first: a column
   of e-mail addresses or numbers is not a person's name).

Traps handled on purpose: ``Interlocuteur`` is often the client's contact person: it is used as
the staff only when no clearer staff column exists. ``Contact`` / ``contact_name`` is the
client's person, never staff. ``Annual Revenue`` is the client's own size, not revenue earned
from it: never mapped automatically. ``Code client`` / ``customer_id`` / ``Record ID`` are
account ids, not the account name when a name column exists. ``N° commande`` / ``order_id`` is
not an account. ``Sales Team`` / ``Équipe commerciale`` is a department, not a person.

Role detection (when ``role`` is None): a file with a person column but no account column is a
staff file (so is a file with a generic name column and staff attributes); a file with an
account column and no per-interaction column (interaction date, kind, stage, per-row amount) is
an accounts file, and when it names an owner "the owner is the relationship" (``owner`` is the
staff); anything else is an interactions file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from keyrisk.errors import ConfigError, MappingError

__all__ = [
    "CANONICAL_FIELDS",
    "KINDS",
    "ROLES",
    "ColumnMapping",
    "key",
    "map_columns",
    "normalise_kind",
    "normalise_stage",
]

#: Role -> canonical fields a file of that role can feed.
CANONICAL_FIELDS: dict[str, tuple[str, ...]] = {
    "interactions": (
        "account",
        "staff",
        "date",
        "kind",
        "weight",
        "amount",
        "stage",
        "note",
        "open_date",
    ),
    "accounts": ("account", "account_id", "revenue", "owner", "segment"),
    "staff": (
        "staff",
        "staff_id",
        "role",
        "department",
        "start_date",
        "end_date",
        "active",
        "leave_probability",
    ),
    "lines": ("key", "amount", "discount"),
    "ignore": (),
}

#: The roles a file can have ("ignore": the file is read by nobody; set in keyrisk.toml only).
ROLES: tuple[str, ...] = tuple(CANONICAL_FIELDS)

#: The interaction kinds :func:`normalise_kind` maps labels to.
KINDS: tuple[str, ...] = (
    "call",
    "meeting",
    "email",
    "visit",
    "quote",
    "order",
    "deal",
    "ticket",
    "invoice",
    "task",
    "note",
    "other",
)


@dataclass
class ColumnMapping:
    """How the headers of one file feed the canonical fields of its role.

    Attributes
    ----------
    role : str
        ``"interactions"``, ``"accounts"``, ``"staff"``, ``"lines"`` (or ``"ignore"``).
    layout : str
        The layout recognised, e.g. ``"HubSpot deals"``, ``"hand-made (French)"`` or
        ``"configuration"`` when the configuration named every required column.
    columns : dict of str to list of str
        Canonical field -> source header(s) as written in the file. Several headers are joined
        with a space to make the value (``staff = ["first_name", "last_name"]``), except for the
        ``amount`` of a ``lines`` file, whose headers are multiplied.
    ignored : list of str
        Headers not used, in file order.
    notes : list of str
        Plain-English explanations of the decisions.
    constants : dict of str to str
        Fields whose value is implied by the layout for every row (``kind = "deal"`` for a deals
        export); readers may use them when the field has no column.

    Examples
    --------
    >>> m = map_columns(["Client", "Commercial", "Date", "CA HT (€)"])
    >>> m.mapping
    {'account': 'Client', 'staff': 'Commercial', 'date': 'Date', 'amount': 'CA HT (€)'}
    """

    role: str
    layout: str
    columns: dict[str, list[str]]
    ignored: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    constants: dict[str, str] = field(default_factory=dict)

    @property
    def mapping(self) -> dict[str, str]:
        """Canonical field -> header(s) as written, joined with ``" + "`` when several."""
        return {name: " + ".join(headers) for name, headers in self.columns.items()}


# --------------------------------------------------------------------------------------------
# header keys

_ACRONYM_PLURAL = re.compile(r"(?<=[A-Z])s(?![a-z])")  # "IDs" is one word
_CAMEL_1 = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_CAMEL_2 = re.compile(r"(?<=[A-Z])(?=[A-Z][a-z])")
_NON_WORD = re.compile(r"[\W_]+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O"})


def key(header: str) -> str:
    """Return the comparison key of a header.

    Accents are stripped, camelCase is split, the text is case-folded, punctuation, underscores
    and dashes become spaces, and spaces are collapsed.

    Parameters
    ----------
    header : str
        A column header as written.

    Returns
    -------
    str

    Examples
    --------
    >>> key("salesRepEmployeeNumber")
    'sales rep employee number'
    >>> key("  CA HT (€) ")
    'ca ht'
    >>> key("Chargé d'affaires")
    'charge d affaires'
    >>> key("customerID")
    'customer id'
    """
    text = unicodedata.normalize("NFKD", str(header).translate(_LIGATURES))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _ACRONYM_PLURAL.sub("S", text)
    text = _CAMEL_2.sub(" ", _CAMEL_1.sub(" ", text))
    text = _NON_WORD.sub(" ", text.casefold())
    return " ".join(text.split())


def _has_words(text: str, words: str) -> bool:
    """True when ``words`` occur in ``text`` as whole words."""
    return f" {words} " in f" {text} "


# --------------------------------------------------------------------------------------------
# concepts and their synonyms (all written as keys)


def _words(text: str) -> tuple[str, ...]:
    """Split a ``"; "``-separated list of synonyms (kept compact for reading)."""
    return tuple(w.strip() for w in text.split(";") if w.strip())


def _bag(text: str) -> frozenset[str]:
    """The set of space-separated words of ``text``."""
    return frozenset(text.split())


_ID_WORDS = _bag(
    "id ids code number no num numero nr ref reference key matricule guid uuid siren siret"
)


@dataclass(frozen=True)
class _Concept:
    name: str
    strong: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()
    contains: tuple[str, ...] = ()
    exclude: frozenset[str] = frozenset()  # words that stop a "contains" match
    compound_id: str | None = None  # concept scored 2 when a contains-word meets an id word

    def score(self, k: str) -> tuple[int, int]:
        """(tier, rank): tier 3 strong, 2 weak, 1 contains, 0 none; lower rank is better."""
        if k in self.strong:
            return 3, self.strong.index(k)
        if k in self.weak:
            return 2, self.weak.index(k)
        words = set(k.split())
        if words & self.exclude:
            return 0, 0
        for i, w in enumerate(self.contains):
            if _has_words(k, w):
                return 1, i
        return 0, 0


_PLACE_WORDS = _bag(
    "ville city pays country adresse address region state postal zip cp code postal"
)
_CONTACT_WORDS = _bag("email mail e phone telephone tel fax mobile portable")

_ACCOUNT_WORDS = _words(
    "client; customer; company; account; societe; compte; organisation; organization; entreprise"
)
_PERSON_WORDS = _words(
    "commercial; commerciale; vendeur; vendeuse; salesperson; sales person; sales rep; sales "
    "representative; sales agent; salesman; account manager; account executive; charge d "
    "affaires; charge de clientele; owner; responsable; assigned to; assigne a; representant; "
    "agent; employee; employe; collaborateur; conseiller; proprietaire"
)
_ORDER_WORDS = _words("order; commande; facture; invoice; sales order; opportunity; deal")

_CONCEPTS: tuple[_Concept, ...] = (
    _Concept(
        "person_id",
        strong=_words(
            "employee id; employee number; employeeid; employee no; emp id; emp no; staff id; id "
            "commercial; code commercial; code vendeur; id vendeur; matricule; sales rep id; "
            "salesperson id; user id; owner id; agent id; id employe; numero employe; numero de "
            "matricule"
        ),
        contains=_PERSON_WORDS,
        compound_id="person",
    ),
    _Concept(
        "account_id",
        strong=_words(
            "code client; client code; id client; client id; customer id; customerid; account id; "
            "company id; record id; numero client; numero de client; n client; no client; num "
            "client; ref client; reference client; customer number; account number; customer "
            "code; code compte; numero de compte; identifiant client; code tiers; organization "
            "id; organisation id; associated company ids; associated company id; siren; siret"
        ),
        contains=_ACCOUNT_WORDS,
        compound_id="account",
    ),
    _Concept(
        "order_id",
        strong=_words(
            "order id; order number; order no; orderid; n commande; no commande; num commande; "
            "numero commande; numero de commande; ref commande; sales order id; sales order "
            "number; invoice id; invoice number; n facture; no facture; numero facture; numero de "
            "facture; opportunity id; deal id; id"
        ),
        contains=_ORDER_WORDS,
        compound_id="order",
    ),
    _Concept(
        "contact",
        strong=_words(
            "contact; contact name; nom du contact; nom contact; contact person; personne de "
            "contact; personne a contacter; interlocuteur client; contact client; client contact; "
            "customer contact; contact principal; primary contact; contact title; contact first "
            "name; contact last name"
        ),
        contains=("contact",),
        exclude=frozenset({"owner", "date"}),
    ),
    _Concept(
        "client_size",
        strong=_words(
            "annual revenue; annualrevenue; revenu annuel; number of employees; employees; "
            "effectif; effectifs; nombre d employes; year established; annee de creation; credit "
            "limit"
        ),
    ),
    _Concept(
        "blocked",
        strong=_words(
            "date de naissance; birth date; birthdate; date of birth; naissance; modified date; "
            "modified on; last modified; last modified date; date de modification; modifie le; "
            "updated; updated at; date de mise a jour; lifecycle stage; lead status; manager; "
            "reports to; superieur; superieur hierarchique; responsable hierarchique; n 1; "
            "rowguid; row checksum; currency; devise; currency of value; photo; photo path"
        ),
    ),
    _Concept(
        "team",
        strong=_words(
            "equipe commerciale; sales team; equipe; team; service; departement; department; "
            "direction; pole; agence; business unit; bu; regional office; office; bureau; "
            "site; division"
        ),
        weak=("office code", "territory", "territoire"),
        contains=_words("team; equipe; service; department; departement; agence; office"),
    ),
    _Concept(
        "person",
        strong=_words(
            "commercial; commerciale; vendeur; vendeuse; charge d affaires; charge de clientele; "
            "charge de compte; charge de comptes; salesperson; sales person; sales rep; sales "
            "representative; sales agent; salesman; account manager; account executive; "
            "collaborateur; collaboratrice; employe; employee; agent; conseiller; conseillere; "
            "ingenieur commercial; technico commercial; representant; referent; referent "
            "commercial; staff; assigned to; assigne a; attribue a; deal owner; opportunity "
            "owner; company owner; contact owner; account owner; activity assigned to; task "
            "owner; call owner"
        ),
        weak=_words(
            "owner; responsable; proprietaire; assigned; suivi par; gere par; responsabilite; "
            "user; utilisateur; interlocuteur"
        ),
        contains=_PERSON_WORDS,
        exclude=frozenset(
            {"team", "equipe", "service", "department", "departement", "manager", "date"}
            | _CONTACT_WORDS
        ),
    ),
    _Concept(
        "account",
        strong=_words(
            "client; clients; nom client; nom du client; nom de client; raison sociale; compte; "
            "nom du compte; compte client; societe; nom de la societe; nom societe; entreprise; "
            "nom de l entreprise; customer; customer name; client name; company; company name; "
            "account; account name; organisation; organization; organisation name; organization "
            "name; enseigne; associated company; potential customer; prospect; tiers; nom du "
            "tiers; etablissement"
        ),
        weak=_words("related to; regarding; concerne; nom du document; company account"),
        contains=_ACCOUNT_WORDS,
        exclude=frozenset(
            {
                "type",
                "categorie",
                "category",
                "segment",
                "secteur",
                "industry",
                "size",
                "taille",
                "since",
                "has",
                "is",
                "depuis",
                "date",
                "status",
                "statut",
            }
            | _PLACE_WORDS
            | _CONTACT_WORDS
        ),
    ),
    _Concept(
        "first_name",
        strong=("prenom", "first name", "firstname", "given name"),
    ),
    _Concept(
        "last_name",
        strong=_words("nom de famille; last name; lastname; surname; family name"),
    ),
    _Concept("name", strong=_words("nom; name; full name; nom complet; nom et prenom")),
    _Concept(
        "start",
        strong=_words(
            "date d entree; date entree; entree; date d embauche; date embauche; embauche; "
            "arrivee; date d arrivee; hire date; hired; hired on; start date; date de debut; date "
            "debut; debut; employment start date; joined; join date; date of joining"
        ),
    ),
    _Concept(
        "end",
        strong=_words(
            "date de sortie; date sortie; sortie; date de depart; depart; end date; date de fin; "
            "date fin; fin; leaving date; leave date; termination date; exit date; left; left on; "
            "departure date; date de fin de contrat; end of contract"
        ),
    ),
    _Concept(
        "active",
        strong=_words("actif; active; en poste; is active; present; en activite"),
    ),
    _Concept(
        "leave_probability",
        strong=_words(
            "leave probability; probability of leaving; departure probability; attrition risk; "
            "flight risk; turnover risk; risk of leaving; probabilite de depart; risque de depart; "
            "probabilite depart; risque depart"
        ),
    ),
    _Concept(
        "title",
        strong=_words(
            "poste; fonction; role; title; job title; intitule de poste; intitule du poste; job; "
            "position; metier; emploi"
        ),
        contains=("title", "poste", "fonction"),
        exclude=frozenset({"courtesy", "contact", "deal", "opportunity"}),
    ),
    _Concept(
        "segment",
        strong=_words(
            "segment; secteur; secteur d activite; industry; sector; categorie; category; type de "
            "client; client type; customer type; account type; business segment; vertical; "
            "typologie; famille; type de compte; categorie client"
        ),
        contains=_words("segment; secteur; industry; sector; categorie; category"),
    ),
    _Concept(
        "unit_price",
        strong=_words(
            "unit price; prix unitaire; pu; pu ht; price each; sales price; unit cost; prix "
            "unitaire ht"
        ),
    ),
    _Concept(
        "quantity",
        strong=_words("quantity; quantite; qte; qty; quantity ordered; order qty"),
    ),
    _Concept("discount", strong=_words("discount; remise; rabais; remise %; discount pct")),
    _Concept(
        "line_total",
        strong=_words("line total; total ligne; montant ligne; line amount; extended price"),
    ),
    _Concept(
        "date",
        strong=_words(
            "date; date de l action; date action; date de l interaction; interaction date; "
            "activity date; date activite; date de l activite; date du contact; date de contact; "
            "date de visite; date du rdv; date rdv; order date; date commande; date de commande; "
            "invoice date; date facture; date de facture; date de facturation; close date; "
            "closing date; date de cloture; closed date; won date; won time; date de signature; "
            "jour; day"
        ),
        weak=_words(
            "engage date; created; created on; create date; created date; creation date; date de "
            "creation; cree le; due date; date d echeance; echeance; last activity date; last "
            "activity; derniere commande; date derniere commande; derniere activite; date de la "
            "derniere commande; expected close date; date de cloture prevue"
        ),
        contains=("date", "jour"),
        exclude=frozenset(
            {
                "birth",
                "naissance",
                "modified",
                "modification",
                "modifie",
                "updated",
                "hire",
                "embauche",
                "entree",
                "sortie",
                "end",
                "fin",
                "start",
                "debut",
            }
        ),
    ),
    _Concept(
        "kind",
        strong=_words(
            "type; type d action; type action; type d activite; type activite; type d "
            "interaction; type interaction; type of interaction; type de contact; canal; channel; "
            "activity type; interaction type; kind; nature; media; mode de contact; task event; "
            "activity; action; call type"
        ),
        contains=_words("type d action; activity type; interaction; canal; channel"),
    ),
    _Concept(
        "stage",
        strong=_words(
            "statut; status; etape; stage; deal stage; etat; phase; deal status; opportunity "
            "stage; stage name; status reason; statut de l affaire; etape de vente; sales stage; "
            "resultat; outcome"
        ),
        contains=("stage", "statut", "status", "etape"),
    ),
    _Concept(
        "amount",
        strong=_words(
            "montant; montant ht; amount; ca; ca ht; chiffre d affaires; chiffre d affaires ht; "
            "close value; deal value; deal amount; total revenue; revenue; revenu; montant "
            "facture; invoice amount; net amount; total ht; montant ttc; ca ttc; total ttc; "
            "expected revenue; revenu espere; est revenue; actual revenue; sales; ventes; montant "
            "de la commande; order amount; order total"
        ),
        weak=_words("value; valeur; total; total due; prix; price; sub total; subtotal"),
        contains=_words("amount; montant; revenue; revenu; ca; chiffre d affaires; total"),
        exclude=frozenset({"annual", "annuel", "limit", "tax", "tva", "freight", "port"}),
    ),
    _Concept(
        "note",
        strong=_words(
            "commentaire; commentaires; comment; comments; notes; note; remarque; remarques; "
            "observation; observations; description; subject; sujet; objet; resume; compte rendu; "
            "details; detail; memo; full comments"
        ),
        weak=("body", "body preview", "libelle"),
        contains=("commentaire", "comment", "remarque"),
    ),
    _Concept(
        "weight",
        strong=_words("poids; weight; ponderation; coefficient; coef"),
    ),
)
_CONCEPT_BY_NAME = {c.name: c for c in _CONCEPTS}
_PRIORITY = {c.name: i for i, c in enumerate(_CONCEPTS)}

#: Amount keys that read as revenue per client (not evidence of a per-interaction file).
_REVENUE_WORDS = _words("ca; chiffre d affaires; revenue; revenu; total revenue")

#: French-only words, to tell a French hand-made sheet from an English one.
_FRENCH_WORDS = _bag(
    "client clients raison sociale compte societe entreprise commercial commerciale vendeur "
    "vendeuse responsable charge affaires clientele interlocuteur collaborateur conseiller "
    "montant ca chiffre statut etape commentaire commentaires remarque remarques canal "
    "poste fonction actif entree sortie embauche depart equipe departement secteur categorie "
    "nom prenom date de du la le l d action rdv commande facture ht ttc societe objet"
)
_ENGLISH_ONLY = _bag(
    "customer company account salesperson sales rep owner amount revenue stage status comments "
    "notes title hire end start team industry sector category name first last order invoice "
    "value deal assigned to employee agent"
)


@dataclass(frozen=True)
class _Scored:
    header: str
    position: int
    key: str
    concept: str | None
    tier: int
    rank: int


def _score_header(header: str, position: int) -> _Scored:
    k = key(header)
    best: tuple[int, int] = (0, 0)
    best_name: str | None = None
    best_rank = 0
    for concept in _CONCEPTS:
        tier, rank = concept.score(k)
        if tier == 1 and concept.compound_id is not None and set(k.split()) & _ID_WORDS:
            tier = 2  # e.g. "customerNumber": an identifier of the concept
        elif tier == 1 and concept.name in ("person_id", "account_id", "order_id"):
            tier = 0  # their contains-words only count next to an id word
        if concept.name in ("account", "person") and tier == 1 and set(k.split()) & _ID_WORDS:
            tier = 0  # "Code client" is never the account's name
        if tier == 0:
            continue
        cand = (tier, -_PRIORITY[concept.name])
        if best_name is None or cand > best:
            best, best_name, best_rank = cand, concept.name, rank
    if best_name is None:
        return _Scored(header, position, k, None, 0, 0)
    return _Scored(header, position, k, best_name, best[0], best_rank)


# --------------------------------------------------------------------------------------------
# role fields -> concepts

#: (role, field) -> concept groups tried in order (a later group only when earlier ones are empty).
_FIELD_CONCEPTS: dict[tuple[str, str], tuple[tuple[str, ...], ...]] = {
    ("interactions", "account"): (("account",), ("account_id",), ("name",)),
    ("interactions", "staff"): (("person",), ("person_id",)),
    ("interactions", "date"): (("date",),),
    ("interactions", "kind"): (("kind",),),
    ("interactions", "weight"): (("weight",),),
    ("interactions", "amount"): (("amount",), ("line_total",)),
    ("interactions", "stage"): (("stage",),),
    ("interactions", "note"): (("note",),),
    ("accounts", "account"): (("account",), ("name", "last_name"), ("account_id",)),
    ("accounts", "account_id"): (("account_id",),),
    ("accounts", "revenue"): (("amount",),),
    ("accounts", "owner"): (("person",), ("person_id",)),
    ("accounts", "segment"): (("segment",),),
    ("staff", "staff"): (("person",), ("name",), ("person_id",)),
    ("staff", "staff_id"): (("person_id",),),
    ("staff", "role"): (("title",),),
    ("staff", "department"): (("team",),),
    ("staff", "start_date"): (("start",),),
    ("staff", "end_date"): (("end",),),
    ("staff", "active"): (("active",),),
    ("staff", "leave_probability"): (("leave_probability",),),
    ("lines", "key"): (("order_id",),),
    ("lines", "amount"): (("line_total",), ("amount",)),
    ("lines", "discount"): (("discount",),),
}
_ID_CONCEPT = {"account": "account_id", "staff": "person_id", "owner": "person_id"}

#: Headers of the day a deal was created or engaged: they date an open deal with no close date
#: (``open_date``), in order of preference.
_OPEN_DATE_KEYS = _words(
    "engage date; engaged date; date engaged; engaged on; date d engagement; created; created "
    "on; create date; created date; creation date; date created; date of creation; created time; "
    "created at; date de creation; cree le; date d ouverture; opened; opened on; open date; "
    "opened date; add time; deal created; deal add time; deal deal created"
)


# --------------------------------------------------------------------------------------------
# known layouts


@dataclass(frozen=True)
class _Layout:
    name: str
    role: str
    fields: Mapping[str, tuple[str, ...]]
    notes: Mapping[str, str] = field(default_factory=dict)
    constants: Mapping[str, str] = field(default_factory=dict)


_PIPEDRIVE = re.compile(
    r"^\s*(deal|organi[sz]ation|activity|person|lead|product|note)\s+-\s+\S", re.IGNORECASE
)
_DNM = "do not modify"

_HUBSPOT_ACCOUNT = _words(
    "associated company; associated company primary; associated company name; company name; "
    "company; associated company ids; associated company id"
)


def _detect_layout(headers: Sequence[str], keys: Sequence[str]) -> _Layout | None:
    ks = set(keys)

    def has(*names: str) -> bool:
        return any(n in ks for n in names)

    if any(k.startswith(_DNM) for k in keys):
        interaction_cols = _words(
            "potential customer; regarding; est close date; actual close date; due date; activity "
            "type; est revenue; actual revenue"
        )
        if has("account name") and not has(*interaction_cols):
            return _Layout(
                "Dynamics 365",
                "accounts",
                {
                    "account": ("account name",),
                    "account_id": ("account number",),
                    "owner": ("owner",),
                    "segment": ("industry", "category", "relationship type"),
                },
            )
        deal = has("potential customer", "est close date", "est revenue")
        return _Layout(
            "Dynamics 365",
            "interactions",
            {
                "account": ("potential customer", "account name", "account", "regarding"),
                "staff": ("owner", "assigned to"),
                "date": ("est close date", "actual close date", "due date", "actual end"),
                "kind": ("activity type",),
                "stage": ("status", "status reason"),
                "amount": ("est revenue", "actual revenue"),
                "note": ("description", "subject"),
            },
            notes={
                "activity status": "'Activity Status' ignored: the status of the activity, not "
                "a deal stage.",
            },
            constants={"kind": "deal"} if deal else {},
        )

    entities = [m.group(1).casefold() for h in headers if (m := _PIPEDRIVE.match(str(h)))]
    if entities:
        org_account = ("organization", "organisation", "organization name", "organisation name")
        if "deal" in entities:
            return _Layout(
                "Pipedrive deals",
                "interactions",
                {
                    "account": ("deal organization", "deal organisation", *org_account),
                    "staff": ("deal owner",),
                    "date": _words(
                        "deal closed on; deal won time; deal expected close date; deal deal "
                        "created; deal add time"
                    ),
                    "stage": ("deal status", "deal stage"),
                    "amount": ("deal value",),
                },
                notes={
                    "deal currency of value": "'Deal - Currency of value' ignored: amounts are "
                    "taken as they are, in one currency.",
                    "deal currency": "'Deal - Currency' ignored: amounts are taken as they are.",
                    "organization owner": "'Organization - Owner' ignored: the deal owner is the "
                    "staff of each deal.",
                },
                constants={"kind": "deal"},
            )
        if "activity" in entities:
            return _Layout(
                "Pipedrive activities",
                "interactions",
                {
                    "account": ("activity organization", "activity organisation", *org_account),
                    "staff": ("activity assigned to user", "activity user", "activity owner"),
                    "date": ("activity due date", "activity marked as done time"),
                    "kind": ("activity type",),
                    "note": ("activity subject", "activity note"),
                },
                notes={
                    "activity done": "'Activity - Done' ignored: planned and done activities both "
                    "count as touches.",
                },
            )
        return _Layout(
            "Pipedrive organizations",
            "accounts",
            {
                "account": ("organization name", "organisation name"),
                "account_id": ("organization id", "organisation id"),
                "owner": ("organization owner", "organisation owner"),
                "segment": ("organization industry", "organisation industry"),
            },
        )

    if has("activity assigned to"):
        return _Layout(
            "HubSpot activities",
            "interactions",
            {
                "account": _HUBSPOT_ACCOUNT,
                "staff": ("activity assigned to",),
                "date": ("activity date", "create date"),
                "kind": ("activity type",),
                "note": ("subject", "activity subject", "body preview"),
            },
            notes={
                "call outcome": "'Call outcome' ignored.",
                "call direction": "'Call direction' ignored.",
            },
        )
    if (has("deal stage") and has("deal owner", "pipeline", "deal name")) or (
        has("deal owner") and has("close date") and not has("closing date")
    ):
        return _Layout(
            "HubSpot deals",
            "interactions",
            {
                "account": _HUBSPOT_ACCOUNT,
                "staff": ("deal owner",),
                "date": ("close date", "create date"),
                "stage": ("deal stage",),
                "amount": ("amount", "amount in company currency"),
            },
            notes={
                "pipeline": "'Pipeline' ignored: the deal stage says won, lost or open.",
                "record id": "'Record ID' ignored: the id of the deal itself.",
            },
            constants={"kind": "deal"},
        )
    if has("company owner"):
        return _Layout(
            "HubSpot companies",
            "accounts",
            {
                "account": ("company name", "name"),
                "account_id": ("record id", "company id"),
                "owner": ("company owner", "hubspot owner"),
                "revenue": ("total revenue",),
                "segment": ("industry", "type"),
            },
        )
    if has("contact owner"):
        return _Layout(
            "HubSpot contacts",
            "interactions",
            {
                "account": _HUBSPOT_ACCOUNT,
                "staff": ("contact owner",),
                "date": ("last activity date", "create date"),
            },
            notes={
                "first name": "'First Name' ignored: it is the client's contact person.",
                "last name": "'Last Name' ignored: it is the client's contact person.",
                "lifecycle stage": "'Lifecycle Stage' ignored: it is the contact's marketing "
                "stage, not a deal won or lost.",
                "record id": "'Record ID' ignored: the id of the contact itself.",
            },
        )
    if has("opportunity owner") or (has("opportunity name") and has("account name")):
        return _Layout(
            "Salesforce opportunities",
            "interactions",
            {
                "account": ("account name", "account"),
                "staff": ("opportunity owner", "owner name", "owner"),
                "date": ("close date", "created date"),
                "stage": ("stage", "stage name"),
                "amount": ("amount", "expected revenue"),
            },
            constants={"kind": "deal"},
        )
    if has("task event") or (
        has("assigned", "assigned to") and has("company account", "related to")
    ):
        return _Layout(
            "Salesforce activities",
            "interactions",
            {
                "account": _words("company account; account; account name; related to; company"),
                "staff": ("assigned", "assigned to"),
                "date": ("date", "due date", "activity date"),
                "kind": ("type of interaction", "type", "task event", "task subtype"),
                "note": ("subject", "comments", "full comments"),
            },
        )
    if has("closing date", "task owner", "call owner", "call start time"):
        return _Layout(
            "Zoho CRM",
            "interactions",
            {
                "account": ("account name", "related to"),
                "staff": _words("deal owner; task owner; call owner; account owner; owner"),
                "date": ("closing date", "due date", "call start time", "created time"),
                "stage": ("stage",),
                "kind": ("call type", "activity type"),
                "amount": ("amount", "expected revenue"),
                "note": ("subject", "description"),
            },
            notes={
                "type": "'Type' ignored: in Zoho it is the kind of business (new or existing), "
                "not the kind of interaction.",
                "status": "'Status' ignored: the status of a task or call, not a deal stage.",
            },
        )
    if has("account owner") and has("account name"):
        return _Layout(
            "Salesforce accounts",
            "accounts",
            {
                "account": ("account name",),
                "account_id": ("account id", "account number"),
                "owner": ("account owner",),
                "segment": ("industry", "type"),
            },
        )
    if has("salesperson") and has(
        "expected revenue", "sales team", "expected closing", "created on"
    ):
        return _Layout(
            "Odoo CRM leads",
            "interactions",
            {
                "account": ("customer", "company name"),
                "staff": ("salesperson",),
                "date": ("created on", "closed date", "expected closing"),
                "stage": ("stage",),
                "amount": ("expected revenue",),
            },
            constants={"kind": "deal"},
        )
    if has("vendeur") and has(
        "revenu espere", "equipe commerciale", "date de cloture prevue", "cree le"
    ):
        return _Layout(
            "Odoo CRM leads (French)",
            "interactions",
            {
                "account": ("client", "nom de la societe"),
                "staff": ("vendeur",),
                "date": ("cree le", "date de cloture", "date de cloture prevue"),
                "stage": ("etape",),
                "amount": ("revenu espere",),
            },
            constants={"kind": "deal"},
        )
    if has("nom du document") and has("assigne a"):
        return _Layout(
            "Odoo activities (French)",
            "interactions",
            {
                "account": ("nom du document",),
                "staff": ("assigne a",),
                "date": ("date d echeance", "date de realisation"),
                "kind": ("type d activite",),
                "note": ("resume", "note"),
            },
        )
    if has("responsabilite"):
        return _Layout(
            "Teamleader (French)",
            "accounts",
            {
                "account": ("nom du client", "nom", "societe", "entreprise"),
                "owner": ("responsabilite",),
                "segment": ("secteur", "secteur d activite", "type"),
            },
        )
    return None


# --------------------------------------------------------------------------------------------
# helpers


def _quote_list(headers: Sequence[str]) -> str:
    return ", ".join(repr(h) for h in headers)


_NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NUMERIC = re.compile(r"^[\s\d.,+\-/#]+$")


def _not_a_name(sample: pd.DataFrame | None, header: str) -> bool:
    """True when the sample shows ``header`` holds e-mail addresses, numbers or nothing."""
    if sample is None or header not in sample.columns:
        return False
    column = sample[header]
    if isinstance(column, pd.DataFrame):  # duplicated header
        column = column.iloc[:, 0]
    values = column.dropna().astype(str).str.strip()
    values = values[values != ""]
    if values.empty:
        return True
    odd = values.str.match(_EMAIL) | values.str.match(_NUMERIC)
    return bool(odd.mean() >= 0.8)


def _toml_value(headers: Sequence[str]) -> str:
    if len(headers) == 1:
        return f'"{headers[0]}"'
    return "[" + ", ".join(f'"{h}"' for h in headers) + "]"


def _config_hint(file: str, fieldname: str, headers: Sequence[str]) -> str:
    name = file or "<file>"
    return f'Add to keyrisk.toml:  [files."{name}".columns] {fieldname} = {_toml_value(headers)}'


def _is_french(scored: Sequence[_Scored]) -> bool:
    french = english = 0
    for s in scored:
        if s.concept is None:
            continue
        words = set(s.key.split())
        french += bool(words & _FRENCH_WORDS) and not words & _ENGLISH_ONLY
        english += bool(words & _ENGLISH_ONLY) and not words & _FRENCH_WORDS
    if french != english:
        return french > english
    return any(ch in "éèêàçôûù°€" for s in scored for ch in s.header.casefold())


# --------------------------------------------------------------------------------------------
# map_columns


def _resolve_override(
    fieldname: str, value: str | Sequence[str], headers: Sequence[str], file: str
) -> list[str]:
    names = [value] if isinstance(value, str) else list(value)
    out: list[str] = []
    for name in names:
        if not isinstance(name, str):
            raise ConfigError(
                f"{file or '<file>'}: the column of {fieldname!r} in keyrisk.toml must be a header "
                f"name (text); got {name!r}."
            )
        if name == "":
            continue
        if name in headers:
            out.append(name)
            continue
        same = [h for h in headers if key(h) == key(name)]
        if len(same) == 1:
            out.append(same[0])
            continue
        raise ConfigError(
            f"{file or '<file>'}: keyrisk.toml maps {fieldname} to the column {name!r}, which is "
            f"not in the file; its headers are {_quote_list(headers)}."
        )
    return out


def _infer_role_from_overrides(overrides: Mapping[str, object]) -> str | None:
    """The role implied by override fields that belong to a single role (None when unclear)."""
    roles: set[str] = set()
    for fieldname in overrides:
        owners = [r for r, fields in CANONICAL_FIELDS.items() if fieldname in fields]
        if len(owners) == 1:
            roles.add(owners[0])
    return roles.pop() if len(roles) == 1 else None


def _detect_role(scored: Sequence[_Scored]) -> tuple[str, str]:
    """Return (role, reason)."""
    concepts = {s.concept for s in scored if s.concept}
    has_account = bool(concepts & {"account", "account_id"})
    has_person = "person" in concepts or "person_id" in concepts
    has_names = "first_name" in concepts or "last_name" in concepts or "name" in concepts
    staff_attrs = bool(concepts & {"title", "team", "start", "end", "active"})
    per_interaction = [
        s.header
        for s in scored
        if (s.concept == "date" and s.tier == 3)
        or s.concept in ("kind", "stage", "weight")
        or (
            s.concept == "amount"
            and not any(_has_words(s.key, w) for w in _REVENUE_WORDS)
            and s.tier >= 2
        )
    ]
    if not has_account and (has_person or (has_names and staff_attrs)):
        return "staff", "a person column and no account column: read as a staff file"
    if has_account and not per_interaction:
        return (
            "accounts",
            "an account column and no per-interaction column: read as an accounts file",
        )
    return "interactions", ""


def _pick(
    role: str,
    fieldname: str,
    pool: Sequence[_Scored],
) -> tuple[list[_Scored], int]:
    """Best candidates of a field among ``pool``: (ties at the best score, group index)."""
    groups = _FIELD_CONCEPTS.get((role, fieldname), ())
    for gi, group in enumerate(groups):
        cands = [s for s in pool if s.concept in group]
        if not cands:
            continue
        top = max(s.tier for s in cands)
        best = sorted(
            (s for s in cands if s.tier == top),
            key=lambda s: (group.index(s.concept or ""), s.rank, s.position),
        )
        return best, gi
    return [], -1


def map_columns(
    headers: Sequence[str],
    *,
    role: str | None = None,
    overrides: Mapping[str, str | list[str]] | None = None,
    file: str = "",
    sample: pd.DataFrame | None = None,
) -> ColumnMapping:
    """Map the headers of one file to the canonical fields of its role.

    Parameters
    ----------
    headers : sequence of str
        The headers as written in the file.
    role : {"interactions", "accounts", "staff", "lines", "ignore"} or None
        The file's role; None detects it from the headers.
    overrides : mapping, optional
        Canonical field -> header or list of headers (from keyrisk.toml); always wins. An empty
        string or list means "leave this field unmapped".
    file : str
        The file's name, for messages.
    sample : pandas.DataFrame, optional
        First rows of the data, used to break ties between candidate columns.

    Returns
    -------
    ColumnMapping

    Raises
    ------
    MappingError
        When the account or the staff column is missing or ambiguous.
    ConfigError
        When an override names an unknown field or a header absent from the file.

    Notes
    -----
    Each header scores 3 (strong synonym), 2 (weak synonym or concept word + identifier word),
    1 (contains a concept word) or 0 for each concept; it belongs to its best concept, and each
    field takes the best header of its concepts. See the module docstring.

    Examples
    --------
    >>> m = map_columns(["Date", "Client", "Commercial", "Interlocuteur", "CA HT"])
    >>> m.role, m.layout, m.mapping["staff"]
    ('interactions', 'hand-made (French)', 'Commercial')
    >>> map_columns(["Date", "Client", "Commercial", "Vendeur"], file="ventes.csv")
    Traceback (most recent call last):
    ...
    keyrisk.errors.MappingError: ventes.csv: two columns could be the staff: 'Commercial', \
'Vendeur'. Add to keyrisk.toml:  [files."ventes.csv".columns] staff = "Commercial"
    """
    headers = [str(h) for h in headers]
    name = Path(file).name if file else ""
    where = name or "<file>"
    overrides = dict(overrides or {})
    if role is not None and role not in CANONICAL_FIELDS:
        raise ConfigError(
            f"{where}: unknown role {role!r}; expected one of {', '.join(CANONICAL_FIELDS)}."
        )
    scored = [_score_header(h, i) for i, h in enumerate(headers)]
    notes: list[str] = []
    constants: dict[str, str] = {}

    if role == "ignore":
        return ColumnMapping(
            "ignore", "configuration", {}, list(headers), ["ignored by keyrisk.toml"], {}
        )

    # 1. role
    if role is None and overrides:
        role = _infer_role_from_overrides(overrides)
    layout = None
    if role in (None, "interactions", "accounts"):
        layout = _detect_layout(headers, [s.key for s in scored])
        if layout is not None and role is not None and layout.role != role:
            layout = None
    if role is None:
        if layout is not None:
            role = layout.role
        else:
            role, reason = _detect_role(scored)
            if reason:
                notes.append(reason[0].upper() + reason[1:] + ".")
    fields = CANONICAL_FIELDS[role]

    # 2. overrides
    columns: dict[str, list[str]] = {}
    unmapped: set[str] = set()
    for fieldname, value in overrides.items():
        if fieldname not in fields:
            raise ConfigError(
                f"{where}: {fieldname!r} is not a column of a {role} file in keyrisk.toml; "
                f"expected one of {', '.join(fields)}."
            )
        resolved = _resolve_override(fieldname, value, headers, name)
        if resolved:
            columns[fieldname] = resolved
        else:
            unmapped.add(fieldname)
    used = {h for hs in columns.values() for h in hs}

    # 3. layout
    layout_name: str | None = None
    if layout is not None:
        layout_name = layout.name
        by_key: dict[str, str] = {}
        for s in scored:
            by_key.setdefault(s.key, s.header)
        for fieldname, prefs in layout.fields.items():
            if fieldname in columns or fieldname in unmapped:
                continue
            for k in prefs:
                h = by_key.get(k)
                if h is not None and h not in used:
                    columns[fieldname] = [h]
                    used.add(h)
                    break
        for k, note in layout.notes.items():
            if k in by_key:
                notes.append(note)
                used.add(by_key[k])  # deliberately ignored
        if layout.name == "Dynamics 365":
            dnm = [s.header for s in scored if s.key.startswith(_DNM)]
            used.update(dnm)
            notes.append(f"Dynamics 365 signature columns ignored: {_quote_list(dnm)}.")
        constants.update({f: v for f, v in layout.constants.items() if f not in columns})
        if layout.role == "accounts" and "owner" in columns:
            notes.append(
                f"{layout.name} export: the owner is the relationship (the owner counts as "
                "the account's staff)."
            )
        if "account" in columns and key(columns["account"][0]).endswith(("ids", "id")):
            notes.append(
                f"The account is identified by {columns['account'][0]!r} (ids): give an accounts "
                "file with those ids to show names."
            )
        deliberately_ignored = set(used) - {h for hs in columns.values() for h in hs}
    else:
        deliberately_ignored = set()

    # 4. synonyms for what is left
    ambiguous: dict[str, str] = {}
    pool = [s for s in scored if s.concept is not None and s.header not in used]
    if role == "staff" and "staff" not in columns and "staff" not in unmapped:
        has_person = any(s.concept == "person" for s in pool)
        first = [s for s in pool if s.concept == "first_name"]
        last = [s for s in pool if s.concept == "last_name"] or [
            s for s in pool if s.concept == "name"
        ]
        if not has_person and first and last:
            columns["staff"] = [first[0].header, last[0].header]
            used.update(columns["staff"])
            notes.append(
                f"The staff name is {first[0].header!r} and {last[0].header!r} joined with a space."
            )
            pool = [s for s in pool if s.header not in used]
    for fieldname in fields:
        if fieldname in columns or fieldname in unmapped:
            continue
        if role == "lines" and fieldname == "amount":
            best, _ = _pick(role, fieldname, pool)
            if not best:
                price = [s for s in pool if s.concept == "unit_price"]
                qty = [s for s in pool if s.concept == "quantity"]
                if price and qty:
                    columns["amount"] = [price[0].header, qty[0].header]
                    used.update(columns["amount"])
                    notes.append(f"The line amount is {price[0].header!r} * {qty[0].header!r}.")
                    pool = [s for s in pool if s.header not in used]
                continue
        best, _ = _pick(role, fieldname, pool)
        if not best:
            continue
        if fieldname in ("account", "staff", "owner") and len(best) > 1:
            kept = [s for s in best if not _not_a_name(sample, s.header)]
            if len(kept) == 1:
                notes.append(
                    f"{kept[0].header!r} chosen as the {fieldname}: the other candidates "
                    f"({_quote_list([s.header for s in best if s is not kept[0]])}) hold "
                    "e-mail addresses, numbers or nothing."
                )
                best = kept
            else:
                n = len(best)
                label = "staff" if fieldname == "owner" else fieldname
                ambiguous[fieldname] = (
                    f"{where}: {_NUMBER_WORDS.get(n, str(n))} columns could be the {label}: "
                    f"{_quote_list([s.header for s in best])}. "
                    + _config_hint(name, fieldname, [best[0].header])
                )
                pool = [s for s in pool if s not in best]
                continue
        chosen = best[0]
        columns[fieldname] = [chosen.header]
        used.add(chosen.header)
        pool = [s for s in pool if s.header != chosen.header]
        id_concept = _ID_CONCEPT.get(fieldname)
        if id_concept is not None and chosen.concept == id_concept:
            target = "a staff" if fieldname != "account" else "an accounts"
            id_field = "staff_id" if fieldname != "account" else "account_id"
            notes.append(
                f"No {fieldname} name column: the {fieldname} is identified by "
                f"{chosen.header!r}; {target} file mapping {id_field} translates the ids "
                "to names."
            )
        if fieldname == "date" and chosen.tier < 3 and role == "interactions":
            notes.append(f"The interaction date is taken from {chosen.header!r}.")

    # staff active flag from a status column
    if role == "staff" and "active" not in columns and "active" not in unmapped:
        status = [
            s
            for s in scored
            if s.header not in used and s.key in ("status", "statut", "etat", "state")
        ]
        if status:
            columns["active"] = [status[0].header]
            used.add(status[0].header)

    # the creation or engage date dates an open deal that has no close date
    if (
        role == "interactions"
        and "open_date" not in columns
        and "open_date" not in unmapped
        and columns.get("stage")
        and columns.get("date")
    ):
        taken = {h for hs in columns.values() for h in hs}
        found = sorted(
            (_OPEN_DATE_KEYS.index(s.key), s.position, s.header)
            for s in scored
            if s.key in _OPEN_DATE_KEYS and s.header not in taken
        )
        if found:
            columns["open_date"] = [found[0][2]]
            notes.append(
                f"Open deals without a {columns['date'][0]!r} are dated by {found[0][2]!r}."
            )

    # 5. notes on traps, and requirements
    final_used = {h for hs in columns.values() for h in hs}
    person_mapped = columns.get("staff") or columns.get("owner")
    for s in scored:
        if s.header in final_used or s.header in deliberately_ignored:
            continue
        if s.key == "interlocuteur" and person_mapped:
            notes.append(
                f"{s.header!r} ignored: with {person_mapped[0]!r} as the staff it is taken to be "
                "the client's contact person."
            )
        elif s.concept == "contact":
            notes.append(f"{s.header!r} ignored: it is the client's contact person, not staff.")
        elif s.concept == "client_size" and s.key in ("annual revenue", "annualrevenue"):
            notes.append(
                f"{s.header!r} ignored: it is the client's own size, not revenue earned from it "
                "(map it as revenue in keyrisk.toml only if it really is)."
            )
        elif s.concept == "account_id" and columns.get("account") and role == "interactions":
            notes.append(
                f"{s.header!r} ignored: an account id, and {columns['account'][0]!r} names the "
                "account."
            )
        elif s.concept == "team" and person_mapped and role != "staff":
            notes.append(
                f"{s.header!r} ignored: a team or department, not a person "
                f"({person_mapped[0]!r} is the staff)."
            )
        elif s.concept == "blocked" and s.key in (
            "date de naissance",
            "birth date",
            "birthdate",
            "date of birth",
        ):
            notes.append(f"{s.header!r} ignored: personal data the analysis does not need.")
        elif s.concept == "person" and person_mapped and s.tier < 3:
            notes.append(f"{s.header!r} ignored: {person_mapped[0]!r} is a clearer staff column.")
    if role == "accounts" and "owner" in columns and layout is None:
        notes.append(
            "An owner export: the owner is the relationship (the owner counts as the account's "
            "staff)."
        )

    required = {
        "interactions": ("account", "staff"),
        "accounts": ("account",),
        "staff": ("staff",),
    }.get(role, ())
    missing = [f for f in required if f not in columns and f not in unmapped and f not in ambiguous]
    if role == "accounts" and missing and "account_id" in columns:
        missing = []
    if role == "staff" and missing and "staff_id" in columns:
        missing = []
    if missing:
        what = " or the ".join(missing)
        looks_lines = any(s.concept == "order_id" for s in scored) and any(
            s.concept in ("unit_price", "quantity", "line_total") for s in scored
        )
        extra = (
            ' (these look like order lines: set role = "lines" with key, join and amount)'
            if looks_lines
            else ""
        )
        shown = headers if len(headers) <= 30 else [*headers[:30], "..."]
        if len(missing) == 1:
            hint = _config_hint(name, missing[0], ["<column>"])
        else:
            inline = ", ".join(f'{f} = "<column>"' for f in missing)
            hint = f'Add to keyrisk.toml:  [files."{where}"] columns = {{ {inline} }}'
        raise MappingError(
            f"{where}: no column looks like the {what}; headers found: {_quote_list(shown)}"
            f"{extra}. {hint}"
        )

    if ambiguous:
        raise MappingError(next(iter(ambiguous.values())))

    # 6. layout name
    if layout_name is None:
        if (overrides and all(f in overrides for f in required)) or role == "lines":
            layout_name = "configuration"
        else:
            french = _is_french([s for s in scored if s.header in final_used] or scored)
            layout_name = "hand-made (French)" if french else "hand-made (English)"
    ordered = {f: columns[f] for f in fields if f in columns}
    ignored = [h for h in headers if h not in final_used]
    return ColumnMapping(role, layout_name, ordered, ignored, notes, constants)


# --------------------------------------------------------------------------------------------
# stages and kinds


def _table(pairs: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    return {key(label): target for target, labels in pairs.items() for label in labels}


#: Stage and status labels -> "won" / "lost" / "open" (written as keys).
_STAGES: dict[str, str] = _table(
    {
        "won": _words(
            "won; win; closed won; closedwon; deal won; gagne; gagnee; signe; signee; valide; "
            "validee; accepte; acceptee; accepted; facture; facturee; invoiced; paid; paye; "
            "payee; regle; reglee; encaisse; shipped; expedie; expediee; livre; livree; "
            "delivered; resolved; completed; complete; closed; termine; terminee; commande; "
            "ordered; converted"
        ),
        "lost": _words(
            "lost; closed lost; closedlost; deal lost; perdu; perdue; abandonne; abandonnee; "
            "annule; annulee; cancelled; canceled; refuse; refusee; rejected; rejete; declined; "
            "sans suite; dead; echec; disqualified; unqualified"
        ),
        "open": _words(
            "open; ouvert; ouverte; in progress; in process; en cours; pending; en attente; on "
            "hold; disputed; new; nouveau; nouvelle; lead; lead in; prospecting; prospection; "
            "engaging; qualification; qualified; qualifie; qualifiee; qualified to buy; needs "
            "analysis; value proposition; id decision makers; perception analysis; proposal; "
            "proposal price quote; proposal made; proposition; negotiation; negotiation review; "
            "negotiations started; negociation; devis envoye; devis; a relancer; relance; "
            "contacted; contact made; demo scheduled; appointment scheduled; presentation "
            "scheduled; decision maker bought in; contract sent; rdv pris"
        ),
    }
)

#: Interaction kind labels -> canonical kind (written as keys).
_KINDS: dict[str, str] = _table(
    {
        "call": _words(
            "call; calls; phone call; appel; appels; appel telephonique; telephone; tel; phone; "
            "coup de fil; log a call; outbound call; inbound call; appel sortant; appel entrant"
        ),
        "meeting": _words(
            "meeting; meetings; rendez vous; rdv; reunion; rencontre; visio; visioconference; "
            "video call; teams; zoom; demo; demonstration; dejeuner; lunch; event; evenement; "
            "meet"
        ),
        "email": _words("email; emails; e mail; mail; mails; courriel; message"),
        "visit": _words("visit; visite; visite client; site visit; deplacement; on site"),
        "quote": _words("quote; devis; quotation; offre; proposition commerciale; estimate"),
        "order": _words("order; commande; bon de commande; purchase order; sales order"),
        "deal": _words("deal; opportunity; opportunite; affaire; lead"),
        "ticket": _words(
            "ticket; sav; support; incident; reclamation; case; claim; after sales; service apres "
            "vente"
        ),
        "invoice": _words("invoice; facture; facturation; avoir; credit note; bill"),
        "task": _words("task; tache; todo; to do; follow up; relance"),
        "note": _words("note; notes; comment; commentaire; compte rendu; log"),
        "other": ("other", "autre", "autres", "divers"),
    }
)


def _lookup(label: str, table: Mapping[str, str]) -> str | None:
    k = key(label)
    if k in table:
        return table[k]
    squeezed = k.replace(" ", "")
    for cand, target in table.items():
        if cand.replace(" ", "") == squeezed:
            return target
    return None


def normalise_stage(
    values: pd.Series, extra: Mapping[str, str] | None = None
) -> tuple[pd.Series, set[str]]:
    """Map stage and status labels to ``"won"``, ``"lost"``, ``"open"`` or ``<NA>``.

    Parameters
    ----------
    values : pandas.Series
        Labels as written (any dtype; missing values stay missing).
    extra : mapping of str to str, optional
        More labels (from ``[stages]`` of keyrisk.toml) -> ``"won"``/``"lost"``/``"open"``;
        they win over the built-in table.

    Returns
    -------
    stages : pandas.Series of dtype "string"
        ``"won"``, ``"lost"``, ``"open"`` or ``<NA>`` (missing or unknown label).
    unknown : set of str
        The labels that are not recognised, exactly as written (so that ``values == label``
        finds their rows).

    Notes
    -----
    Won: Won, Closed Won, Gagné, Signé, Validé, Facturé, Invoiced, Paid, and order statuses that
    mean the sale happened (Shipped, Delivered, Resolved: classicmodels' "Resolved" is a shipped
    order whose dispute was settled). Lost: Lost, Closed Lost, Perdu, Abandonné, Annulé,
    Cancelled. Open: Open, Prospecting, Engaging, Qualification, Proposal, Negotiation, En cours,
    Devis envoyé, and order statuses not yet revenue (On Hold, In Process, Disputed). Pipedrive's
    "Deal - Status" (open/won/lost), Maven's deal_stage and HubSpot's default stages are
    covered. Labels are matched through :func:`key` (case, accents and punctuation ignored),
    computed once per distinct label.

    Examples
    --------
    >>> s, unknown = normalise_stage(pd.Series(["Gagné", "Closed Lost", "Engaging", "Zzz", None]))
    >>> s.tolist(), unknown
    (['won', 'lost', 'open', <NA>, <NA>], {'Zzz'})
    """
    table = dict(_STAGES)
    for label, target in (extra or {}).items():
        table[key(label)] = str(target).strip().casefold()
    text = values.astype("string")
    found: dict[str, object] = {}
    unknown: set[str] = set()
    for label in text.dropna().unique():
        raw = str(label)
        if not raw.strip():
            found[raw] = pd.NA
            continue
        stage = _lookup(raw, table)
        if stage is None:
            unknown.add(raw)
            found[raw] = pd.NA
        else:
            found[raw] = stage
    out = text.map(found).astype("string")
    return out, unknown


def normalise_kind(values: pd.Series, extra: Mapping[str, str] | None = None) -> pd.Series:
    """Map interaction kind labels to a small vocabulary (see :data:`KINDS`).

    Parameters
    ----------
    values : pandas.Series
        Labels as written; missing values stay ``<NA>``.
    extra : mapping of str to str, optional
        More labels (from ``[kinds]`` of keyrisk.toml) -> kind; they win over the built-in table.

    Returns
    -------
    pandas.Series of dtype "string"
        The canonical kind; unknown labels are kept as written, stripped and lower-cased.

    Examples
    --------
    >>> normalise_kind(pd.Series(["Appel", "RDV", "E-mail", "Visio", "Salon", None])).tolist()
    ['call', 'meeting', 'email', 'meeting', 'salon', <NA>]
    """
    table = dict(_KINDS)
    for label, target in (extra or {}).items():
        table[key(label)] = str(target).strip().casefold()
    text = values.astype("string").str.strip()
    text = text.where(text != "")
    found: dict[str, str] = {}
    for label in text.dropna().unique():
        kind = _lookup(str(label), table)
        found[str(label)] = kind if kind is not None else " ".join(str(label).split()).lower()
    return text.map(found).astype("string")
