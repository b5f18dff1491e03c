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

The words of every message, in each language, are the ``caveat.*`` entries of the catalogues
(:mod:`keyrisk.i18n`).
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

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis

__all__ = ["CODES", "PLURAL_ON", "Caveat", "as_dicts", "find_caveats", "message"]

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

#: The parameter whose number decides the plural form of a message.
PLURAL_ON = {"rows-rejected": "rejected", "orphaned-zero-revenue": "n"}

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


def message(caveat: Caveat, lang: str = "en") -> str:
    """Return the message of a caveat in ``lang`` (a language of :data:`keyrisk.i18n.LANGS`).

    The words are the catalogues' ``caveat.<code>`` (``caveat.<code>.<variant>``); shares,
    amounts and numbers are written the way ``lang`` writes them (:mod:`keyrisk.i18n`).

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
    from keyrisk import i18n

    lang = i18n.check_lang(lang)
    key = "caveat." + caveat.code + (f".{caveat.variant}" if caveat.variant else "")
    currency = caveat.params.get("currency")
    fmt: dict[str, str] = {}
    for name, value in caveat.params.items():
        if name in ("share", "file_share"):
            fmt[name] = i18n.percent(float(value), lang)
        elif name in ("amount", "total"):
            fmt[name] = i18n.money(round(float(value)), lang, currency=currency)
        elif name == "which":
            fmt[name] = i18n.t(f"caveat.which.{value}", lang)
        elif name == "files":
            parts = [message(Caveat("rows-rejected", f, "file"), lang) for f in value]
            fmt[name] = i18n.t("list.sep", lang).join(parts)
        elif isinstance(value, bool) or value is None:
            fmt[name] = "" if value is None else str(value)
        elif isinstance(value, int | float):
            fmt[name] = i18n.number(round(float(value)), lang)
        else:
            fmt[name] = str(value)
    count = caveat.params.get(PLURAL_ON.get(caveat.code, ""), 2)
    return i18n.t(key, lang, count=float(count), **fmt)


def as_dicts(caveats: list[Caveat], lang: str = "en") -> list[dict[str, str]]:
    """Return caveats as the ``warnings`` of summary.json: ``{"code", "message"}`` each, the
    message in ``lang``.

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
