"""Data-coverage caveats: what the reader must know before trusting the headline.

:func:`find_caveats` looks at an :class:`~keyrisk.analysis.Analysis` and returns
:class:`Caveat` records (a stable code and its parameters); :func:`message` words one in the
report language. Each rule fires only when its data deserves it:

============================  ================================================================
code                          when
============================  ================================================================
``rows-rejected``             more than 5 % of the rows read were rejected, over all files or
                              in one file
``revenue-one-figure``        one recorded figure (one amount row, or one value of the accounts
                              table) is more than half of revenue
``revenue-one-account``       one account is more than half of revenue, from several figures
``revenue-mostly-zero``       more than half of the accounts with activity have no revenue
``revenue-is-client-size``    the accounts table's revenue looks like each client's own size:
                              its header names a company-size field, or it differs from the
                              amounts recorded with the same clients by a factor of 10 or more
``orphaned-zero-revenue``     orphaned accounts with activity exist, yet the orphaned revenue is
                              0 because none of them has revenue
``revenue-unknown``           no revenue anywhere: every account counts 1
``currency-unknown``          revenue is known but the data does not say in which currency
``greedy-bound``              a bus factor comes from a search stopped by its time limit
``no-dates``                  the data has no dates (no window, no decay, no inactivity rule)
``single-contact-data``       every account has a single recorded contact (an owner export, one
                              deal per client): nobody can show up as a second holder
============================  ================================================================

The texts of every message, in each language, are in :data:`MESSAGES`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from keyrisk import scoring
from keyrisk.errors import UsageError

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis

__all__ = ["CODES", "MESSAGES", "Caveat", "as_dicts", "find_caveats", "message"]

#: Share of rejected rows above which ``rows-rejected`` fires.
REJECTED_SHARE = 0.05
#: Share of revenue above which one figure or one account is a caveat.
HALF = 0.5
#: Factor between the accounts table's revenue and the amounts that marks a client's size.
SIZE_FACTOR = 10.0
#: Files named in ``rows-rejected`` at most (most rejected rows first).
MAX_FILES = 3
#: Accounts with both figures needed before comparing them.
SIZE_MIN_ACCOUNTS = 3

#: Every caveat code, in the order they are listed.
CODES = (
    "rows-rejected",
    "revenue-one-figure",
    "revenue-one-account",
    "revenue-mostly-zero",
    "revenue-is-client-size",
    "orphaned-zero-revenue",
    "revenue-unknown",
    "currency-unknown",
    "greedy-bound",
    "no-dates",
    "single-contact-data",
)

#: Message texts: code (or code.variant) -> language -> text or {plural category: text}.
#: The plural category is chosen on the parameter named by :data:`PLURAL_ON`.
MESSAGES: dict[str, dict[str, str | dict[str, str]]] = {
    "rows-rejected": {
        "en": {
            "one": (
                "{rejected} of {read} rows was rejected ({share}; {files}): the figures leave "
                "it out (see the Data quality sheet)."
            ),
            "other": (
                "{rejected} of {read} rows were rejected ({share}; {files}): the figures leave "
                "them out (see the Data quality sheet)."
            ),
        },
        "fr": {
            "one": (
                "{rejected} ligne sur {read} a été rejetée ({share} ; {files}) : les chiffres ne "
                "la comptent pas (voir la feuille Qualité des données)."
            ),
            "other": (
                "{rejected} lignes sur {read} ont été rejetées ({share} ; {files}) : les "
                "chiffres ne les comptent pas (voir la feuille Qualité des données)."
            ),
        },
    },
    "rows-rejected.file": {
        "en": "{file}: {rejected} of {read}",
        "fr": "{file} : {rejected} sur {read}",
    },
    "revenue-one-figure": {
        "en": (
            "A single figure carries {share} of revenue: {amount} for {account}, out of "
            "{total}. Check that figure before reading any revenue figure."
        ),
        "fr": (
            "Un seul montant porte {share} du chiffre d'affaires : {amount} pour {account}, sur "
            "{total}. Vérifier ce montant avant de lire les chiffres en CA."
        ),
    },
    "revenue-one-account": {
        "en": (
            "One client makes {share} of revenue ({account}): the revenue figures mostly "
            "describe that client."
        ),
        "fr": (
            "Un seul client fait {share} du chiffre d'affaires ({account}) : les chiffres en CA "
            "décrivent surtout ce client."
        ),
    },
    "revenue-mostly-zero": {
        "en": (
            "{zero} of {active} accounts with activity have no revenue: the revenue figures "
            "rest on the other {positive}."
        ),
        "fr": (
            "{zero} comptes sur les {active} qui ont de l'activité n'ont aucun chiffre "
            "d'affaires : les chiffres en CA reposent sur les {positive} autres."
        ),
    },
    "revenue-is-client-size.header": {
        "en": (
            "The revenue of the accounts table ({file}, column {column}) is a company field of "
            "the CRM, usually the client's own size, not what it buys from you: map it out "
            '(revenue = "" in keyrisk.toml) unless it really is revenue earned.'
        ),
        "fr": (
            "Le chiffre d'affaires du fichier clients ({file}, colonne {column}) est un champ "
            "société du CRM, en général la taille du client lui-même et non ce qu'il vous "
            "achète : l'écarter (revenue = \"\" dans keyrisk.toml) sauf s'il s'agit bien du CA "
            "réalisé."
        ),
    },
    "revenue-is-client-size.magnitude": {
        "en": (
            "The revenue of the accounts table ({file}, column {column}) differs by a factor "
            "of {factor} from the amounts recorded with the same clients: it looks like each "
            'client\'s own size, not what it buys from you. Map it out (revenue = "" in '
            "keyrisk.toml) unless it really is revenue earned."
        ),
        "fr": (
            "Le chiffre d'affaires du fichier clients ({file}, colonne {column}) s'écarte d'un "
            "facteur {factor} des montants enregistrés avec les mêmes clients : il ressemble "
            "à la taille de chaque client et non à ce qu'il vous achète. L'écarter (revenue = "
            "\"\" dans keyrisk.toml) sauf s'il s'agit bien du CA réalisé."
        ),
    },
    "orphaned-zero-revenue": {
        "en": {
            "one": (
                "{n} orphaned account with activity has no revenue recorded: the orphaned "
                "revenue of 0 makes it look safe, yet nobody active holds it."
            ),
            "other": (
                "{n} orphaned accounts with activity have no revenue recorded: the orphaned "
                "revenue of 0 makes them look safe, yet nobody active holds them."
            ),
        },
        "fr": {
            "one": (
                "{n} compte orphelin, qui a de l'activité sur la période, n'a aucun chiffre "
                "d'affaires enregistré : le CA orphelin nul le fait paraître sans risque, alors "
                "que plus personne d'actif ne le détient."
            ),
            "other": (
                "{n} comptes orphelins, qui ont de l'activité sur la période, n'ont aucun chiffre "
                "d'affaires enregistré : le CA orphelin nul les fait paraître sans risque, alors "
                "que plus personne d'actif ne les détient."
            ),
        },
    },
    "revenue-unknown": {
        "en": (
            "The data has no revenue: every account counts 1, a large client weighs as much "
            "as a small one."
        ),
        "fr": (
            "Les données ne donnent aucun chiffre d'affaires : chaque compte compte pour 1, un "
            "gros client pèse autant qu'un petit."
        ),
    },
    "currency-unknown": {
        "en": "The data does not say in which currency the amounts are: none is shown.",
        "fr": "Les données n'indiquent pas la devise des montants : aucune n'est affichée.",
    },
    "greedy-bound": {
        "en": (
            "The {which} bus factor of {value} comes from a search stopped by its time limit: "
            "it is an upper bound, the true value is at least {lower}."
        ),
        "fr": (
            "Le facteur d'autobus {which} de {value} vient d'une recherche arrêtée par sa "
            "limite de temps : c'est un majorant, la vraie valeur est d'au moins {lower}."
        ),
    },
    "no-dates": {
        "en": (
            "The data has no dates: every interaction counts the same, and nobody counts as "
            "gone unless the staff table says so."
        ),
        "fr": (
            "Les données ne sont pas datées : chaque interaction compte autant, et personne "
            "n'est compté comme parti sauf si la liste du personnel le dit."
        ),
    },
    "single-contact-data": {
        "en": (
            "Every account has a single recorded contact: the data cannot show a second "
            "person in touch with a client, so each account rests on one person by "
            "construction. Ask the teams who else knows these clients."
        ),
        "fr": (
            "Chaque compte n'a qu'un seul contact enregistré : les données ne peuvent pas "
            "montrer une deuxième personne en relation avec un client, chaque compte repose "
            "donc sur une personne par construction. Demander aux équipes qui d'autre connaît "
            "ces clients."
        ),
    },
}

#: The parameter whose number decides the plural form of a message.
PLURAL_ON = {"rows-rejected": "rejected", "orphaned-zero-revenue": "n"}

#: Words of the "which" parameter of ``greedy-bound``.
_WHICH = {
    "revenue": {"en": "revenue", "fr": "en chiffre d'affaires"},
    "accounts": {"en": "account", "fr": "en nombre de comptes"},
}

_LOCALES = {"en": "en_GB", "fr": "fr_FR"}

# Headers of a company-size field (normalised: casefolded, no accents, words).
_SIZE_HEADERS = (
    "annual revenue",
    "annualrevenue",
    "revenu annuel",
    "ca annuel",
    "chiffre d affaires annuel",
    "chiffre d affaires de l entreprise",
    "ca de l entreprise",
    "ca entreprise",
    "company revenue",
    "company turnover",
    "turnover",
    "employees",
    "number of employees",
    "effectif",
    "effectifs",
    "nombre d employes",
    "nombre de salaries",
)


@dataclass(frozen=True)
class Caveat:
    """One data-coverage caveat: a stable code and the figures of its message.

    Attributes
    ----------
    code : str
        One of :data:`CODES`.
    params : dict
        Plain values (numbers, names) the message is built from.
    variant : str or None
        A variant of the message ("header" or "magnitude" for ``revenue-is-client-size``).

    Examples
    --------
    >>> message(Caveat("revenue-unknown"), "en")
    'The data has no revenue: every account counts 1, a large client weighs as much as a small one.'
    """

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    variant: str | None = None


def _check(lang: object) -> str:
    if lang not in _LOCALES:
        raise UsageError(f"Unknown report language {lang!r}; expected one of fr, en.")
    return str(lang)


def _number(value: float, lang: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(round(float(value)), format="#,##0", locale=_LOCALES[lang])


def _percent(share: float, lang: str) -> str:
    from babel.numbers import format_percent

    return format_percent(
        round(float(share), 3),
        format="#,##0.0\u00a0%" if lang == "fr" else "#,##0.0%",
        locale=_LOCALES[lang],
    )


def _money(value: float, lang: str, currency: str | None) -> str:
    if not currency:
        return _number(value, lang)
    from babel.numbers import format_currency

    pattern = "#,##0\u00a0¤" if lang == "fr" else "¤#,##0"
    return format_currency(
        round(float(value)), currency, format=pattern, locale=_LOCALES[lang], currency_digits=False
    )


def _plural(n: float, lang: str) -> str:
    from babel import Locale

    return str(Locale.parse(_LOCALES[lang]).plural_form(abs(n)))


def message(caveat: Caveat, lang: str = "en") -> str:
    """Return the message of a caveat in ``lang`` ("en" or "fr").

    Raises
    ------
    UsageError
        For an unknown language.

    Examples
    --------
    >>> c = Caveat("revenue-mostly-zero", {"zero": 797, "active": 842, "positive": 45})
    >>> message(c, "en")
    '797 of 842 accounts with activity have no revenue: the revenue figures rest on the other 45.'
    """
    lang = _check(lang)
    key = caveat.code + (f".{caveat.variant}" if caveat.variant else "")
    text = MESSAGES[key][lang]
    if isinstance(text, dict):
        n = caveat.params.get(PLURAL_ON.get(caveat.code, ""), 2)
        template = text.get(_plural(float(n), lang), text["other"])
    else:
        template = text
    currency = caveat.params.get("currency")
    fmt: dict[str, str] = {}
    for name, value in caveat.params.items():
        if name in ("share", "file_share"):
            fmt[name] = _percent(float(value), lang)
        elif name in ("amount", "total"):
            fmt[name] = _money(float(value), lang, currency)
        elif name == "which":
            fmt[name] = _WHICH[str(value)][lang]
        elif name == "files":
            sep = " ; " if lang == "fr" else "; "
            parts = [message(Caveat("rows-rejected", f, "file"), lang) for f in value]
            fmt[name] = sep.join(parts)
        elif isinstance(value, bool) or value is None:
            fmt[name] = "" if value is None else str(value)
        elif isinstance(value, int | float):
            fmt[name] = _number(float(value), lang)
        else:
            fmt[name] = str(value)
    return template.format(**fmt)


def as_dicts(caveats: list[Caveat], lang: str = "en") -> list[dict[str, str]]:
    """Return caveats as the ``warnings`` of summary.json: ``{"code", "message"}`` each.

    Examples
    --------
    >>> as_dicts([Caveat("no-dates")], "en")[0]["code"]
    'no-dates'
    """
    return [{"code": c.code, "message": message(c, lang)} for c in caveats]


# --------------------------------------------------------------------------------------------
# The rules
# --------------------------------------------------------------------------------------------


def _file_name(path: str | None) -> str:
    return Path(str(path)).name if path else ""


def _rows_rejected(analysis: Analysis) -> Caveat | None:
    report = analysis.dataset.report
    rows = report.rows
    files = [f for f in report.files if f.rows.read > 0 and f.rows.rejected > 0]
    if not files or rows.read <= 0:
        return None
    worst = max(f.rows.rejected / f.rows.read for f in files)
    overall = rows.rejected / rows.read
    if overall <= REJECTED_SHARE and worst <= REJECTED_SHARE:
        return None
    files.sort(key=lambda f: (-f.rows.rejected, _file_name(f.path)))
    listed = tuple(
        {"file": _file_name(f.path), "rejected": f.rows.rejected, "read": f.rows.read}
        for f in files[:MAX_FILES]
    )
    params = {"rejected": rows.rejected, "read": rows.read, "share": overall, "files": listed}
    return Caveat("rows-rejected", params)


def _currency(analysis: Analysis) -> str | None:
    value = getattr(analysis.dataset, "currency", None)
    return str(value) if value else None


def _row_revenue(analysis: Analysis, account: str) -> pd.Series:
    """The revenue each interaction row of ``account`` brings, under the method's own rule."""
    ds = analysis.dataset
    rows = ds.interactions[ds.interactions["account"].astype(str) == account]
    if rows.empty:
        return pd.Series(dtype="float64")
    keys = pd.Series([f"{i}" for i in range(len(rows))], index=rows.index, dtype="string")
    pseudo = rows.assign(account=keys)
    info = scoring.account_revenue(
        ds.accounts.iloc[0:0],
        pseudo,
        pd.Index(keys),
        analysis.settings,
        analysis.as_of,
        ds.has_dates,
    )
    return info["revenue"].fillna(0.0).set_axis(rows.index)


def _one_figure_or_account(analysis: Analysis) -> Caveat | None:
    if analysis.revenue_basis != "revenue":
        return None
    total = analysis.portfolio.total_revenue
    acc = analysis.accounts
    if total <= 0 or acc.empty:
        return None
    rev = acc["revenue"].fillna(0.0).clip(lower=0.0)
    top = int(np.argmax(rev.to_numpy()))
    account = str(acc["account"].iloc[top])
    amount = float(rev.iloc[top])
    if amount <= HALF * total:
        return None
    figure = amount
    if acc["revenue_source"].iloc[top] != "accounts table":
        rows = _row_revenue(analysis, account)
        figure = float(rows.max()) if len(rows) else 0.0
    currency = _currency(analysis)
    if figure > HALF * total:
        params = {
            "share": figure / total,
            "amount": figure,
            "account": account,
            "total": total,
            "currency": currency,
        }
        return Caveat("revenue-one-figure", params)
    return Caveat("revenue-one-account", {"share": amount / total, "account": account})


def _mostly_zero(analysis: Analysis, dormant: pd.Series) -> Caveat | None:
    if analysis.revenue_basis != "revenue":
        return None
    acc = analysis.accounts
    active = ~dormant.to_numpy(dtype=bool)
    revenue = acc["revenue"].to_numpy(dtype="float64", na_value=np.nan)
    zero = active & ~(revenue > 0)
    n_active = int(active.sum())
    n_zero = int(zero.sum())
    if n_active == 0 or n_zero <= HALF * n_active:
        return None
    return Caveat(
        "revenue-mostly-zero", {"zero": n_zero, "active": n_active, "positive": n_active - n_zero}
    )


def _normalise(header: str) -> str:
    raw = unicodedata.normalize("NFKD", header.casefold())
    raw = "".join(ch for ch in raw if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", raw).split())


def _size_header(header: str) -> bool:
    key = _normalise(header)
    return any(key == h or key.startswith(h + " ") or key.endswith(" " + h) for h in _SIZE_HEADERS)


def _client_size(analysis: Analysis) -> Caveat | None:
    ds = analysis.dataset
    sources = [f for f in ds.report.files if f.role == "accounts" and f.mapping.get("revenue")]
    if not sources or analysis.revenue_basis != "revenue":
        return None
    source = sources[0]
    column = str(source.mapping["revenue"])
    where = {"file": _file_name(source.path), "column": column}
    if any(_size_header(part) for part in column.split(" + ")):
        return Caveat("revenue-is-client-size", where, "header")
    table = ds.accounts[ds.accounts["account"].notna()].drop_duplicates("account")
    table = table.set_index(table["account"].astype(str))["revenue"].astype("float64")
    table = table[table > 0]
    if len(table) < SIZE_MIN_ACCOUNTS or not ds.interactions["amount"].notna().any():
        return None
    universe = pd.Index(table.index.astype(str), dtype="string")
    amounts = scoring.account_revenue(
        ds.accounts.iloc[0:0],
        ds.interactions,
        universe,
        analysis.settings,
        analysis.as_of,
        ds.has_dates,
    )["revenue"]
    amounts = amounts.set_axis(table.index)
    both = amounts.notna() & (amounts > 0)
    if int(both.sum()) < SIZE_MIN_ACCOUNTS:
        return None
    ratio = float(np.median(table[both].to_numpy() / amounts[both].to_numpy()))
    factor = max(ratio, 1.0 / ratio)
    if factor < SIZE_FACTOR:
        return None
    return Caveat("revenue-is-client-size", {**where, "factor": round(factor)}, "magnitude")


def _orphaned_zero(analysis: Analysis, dormant: pd.Series) -> Caveat | None:
    if analysis.revenue_basis != "revenue":
        return None
    p = analysis.portfolio
    if p.orphaned_revenue > 0:
        return None
    acc = analysis.accounts
    orphaned = acc["orphaned"].to_numpy(dtype=bool) & ~dormant.to_numpy(dtype=bool)
    n = int(orphaned.sum())
    return Caveat("orphaned-zero-revenue", {"n": n}) if n else None


def _greedy(analysis: Analysis) -> Caveat | None:
    p = analysis.portfolio
    for which, bus in (("revenue", p.revenue_bus_factor), ("accounts", p.account_bus_factor)):
        if not bus.is_exact and bus.value is not None:
            lower = bus.lower_bound if bus.lower_bound is not None else 0
            if analysis.revenue_basis != "revenue":
                which = "accounts"
            return Caveat("greedy-bound", {"which": which, "value": bus.value, "lower": lower})
    return None


def _single_contact(analysis: Analysis) -> Caveat | None:
    contacts = analysis.accounts["n_contacts"].to_numpy(dtype="int64")
    seen = contacts[contacts > 0]
    if len(seen) == 0 or (seen > 1).any():
        return None
    return Caveat("single-contact-data", {"n": len(seen)})


def find_caveats(analysis: Analysis) -> list[Caveat]:
    """Return the data-coverage caveats an analysis deserves, in the order of :data:`CODES`.

    Parameters
    ----------
    analysis : keyrisk.analysis.Analysis

    Returns
    -------
    list of Caveat
        At most one per code; empty when the data deserves none.

    Notes
    -----
    The rules and thresholds are those of the module docstring; accounts with no revenue and no
    activity in the window (:func:`keyrisk.actions.dormant_accounts`) count as neither active
    nor orphaned-with-activity.

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk import Dataset, analyse
    >>> ds = Dataset.from_frames(pd.DataFrame({"account": ["A", "B"], "staff": ["Ann", "Bob"]}))
    >>> [c.code for c in find_caveats(analyse(ds))]
    ['revenue-unknown', 'no-dates', 'single-contact-data']
    """
    from keyrisk.actions import dormant_accounts

    dormant = dormant_accounts(analysis)
    found = [
        _rows_rejected(analysis),
        _one_figure_or_account(analysis),
        _mostly_zero(analysis, dormant),
        _client_size(analysis),
        _orphaned_zero(analysis, dormant),
    ]
    total = analysis.portfolio.total_revenue
    if analysis.revenue_basis != "revenue" and total > 0:
        found.append(Caveat("revenue-unknown"))
    # (until the ingestion detects the currency, a Dataset without the attribute says nothing)
    known = hasattr(analysis.dataset, "currency")
    if analysis.revenue_basis == "revenue" and total > 0 and known and not _currency(analysis):
        found.append(Caveat("currency-unknown"))
    found.append(_greedy(analysis))
    ds = analysis.dataset
    if not ds.has_dates and (len(ds.interactions) or len(ds.accounts)):
        found.append(Caveat("no-dates"))
    found.append(_single_contact(analysis))
    return [c for c in found if c is not None]
