"""The report's words and formats: :mod:`keyrisk.i18n`, plus what only the workbook needs.

Every name of :mod:`keyrisk.i18n` is available here (``t``, ``tb``, ``tn``, ``number``,
``percent``, ``money``, ``date``, ``check_lang``...), so the report imports its words from one
place. This module adds :func:`cell_format`, the Excel number format written like the text,
:func:`dataset_currency`, :func:`bus_method` and :func:`headline`, the headline rendered from
its facts.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from keyrisk.i18n import (
    DOMAIN,
    LANGS,
    LOCALE_DIR,
    NBSP,
    PERCENT_DECIMALS,
    Catalogue,
    catalogue,
    check_lang,
    compact,
    currency_symbol,
    date,
    decimal_symbol,
    has,
    join_names,
    locale,
    money,
    number,
    number_pattern,
    percent,
    short_date,
    t,
    tb,
    tn,
)

if TYPE_CHECKING:
    from keyrisk.analysis import Headline
    from keyrisk.portfolio import BusFactor

__all__ = [
    "DOMAIN",
    "LANGS",
    "LOCALE_DIR",
    "NBSP",
    "PERCENT_DECIMALS",
    "TRACKED_FIGURES",
    "Catalogue",
    "bus_method",
    "catalogue",
    "cell_format",
    "check_lang",
    "compact",
    "currency_symbol",
    "dataset_currency",
    "date",
    "decimal_symbol",
    "has",
    "headline",
    "join_names",
    "locale",
    "money",
    "number",
    "number_pattern",
    "percent",
    "short_date",
    "t",
    "tb",
    "tn",
    "tracked_label",
]

#: The key figures followed over time (the trend, the changes, ``keyrisk compare``, the page):
#: name -> (catalogue key, kind), kind one of "int", "pct", "money".
TRACKED_FIGURES: dict[str, tuple[str, str]] = {
    "revenue_bus_factor": ("kf.revenue_bus_factor", "int"),
    "account_bus_factor": ("kf.account_bus_factor", "int"),
    "single_holder_revenue_share": ("kf.single_holder", "pct"),
    "orphaned_accounts": ("kf.orphaned_accounts", "int"),
    "orphaned_revenue": ("kf.orphaned_revenue", "money"),
    "top_pair_share": ("kf.top_pair", "pct"),
}


def tracked_label(name: str, lang: str, basis: str) -> str:
    """Return the label of a figure of :data:`TRACKED_FIGURES` (worded by ``basis``)."""
    key = TRACKED_FIGURES[name][0]
    return t(key, lang) if key == "kf.account_bus_factor" else tb(key, lang, basis)


def dataset_currency(analysis: Any) -> str | None:
    """Return the ISO 4217 code of an analysis' amounts, None when it is unknown."""
    code = getattr(getattr(analysis, "dataset", None), "currency", None)
    return str(code) if code else None


def _excel_literal(text: str, lang: str, currency: str | None) -> str:
    out = []
    for char in text:
        if char == "%":
            out.append("%")
        elif char == "¤":
            out.append(currency_symbol(currency, lang).replace('"', "") if currency else "")
        else:
            out.append(char.replace('"', ""))
    pieces = "".join(out).split("%")
    return "%".join(f'"{piece}"' if piece else "" for piece in pieces)


def cell_format(kind: str, lang: str, currency: str | None = None) -> str:
    """Return the Excel number format of a cell kind, written like the text of ``lang``.

    The patterns come from the locale (Babel); Excel shows the separators of its reader's
    locale. Shares have :data:`PERCENT_DECIMALS` decimals, amounts none, with the currency's
    symbol only when it is known. Dates follow the locale's short date, with a 4-digit year.

    Examples
    --------
    >>> cell_format("percent", "fr"), cell_format("percent", "en")
    ('#,##0.0"\\xa0"%', '#,##0.0%')
    >>> cell_format("money", "fr", "EUR"), cell_format("money", "en", "EUR")
    ('#,##0"\\xa0€"', '"€"#,##0')
    >>> cell_format("money", "fr"), cell_format("date", "en-US"), cell_format("date", "en")
    ('#,##0', 'm/d/yyyy', 'dd/mm/yyyy')
    """
    if kind == "date":
        return _excel_date(locale(lang).date_formats["short"].pattern)
    decimals = {"int": 0, "number": 1, "money": 0, "percent": PERCENT_DECIMALS, "percent0": 0}
    if kind == "ratio":
        return "0.000"
    if kind not in decimals:
        return "General"
    body = "#,##0" + ("." + "0" * decimals[kind] if decimals[kind] else "")
    if kind in ("int", "number") or (kind == "money" and currency is None):
        return body
    pattern = number_pattern(lang, "percent" if kind.startswith("percent") else "currency", 0)
    prefix = _excel_literal(pattern.prefix[0], lang, currency)
    suffix = _excel_literal(pattern.suffix[0], lang, currency)
    return f"{prefix}{body}{suffix}"


def _excel_date(pattern: str) -> str:
    """Translate a CLDR date pattern ("dd/MM/y", "M/d/yy") into an Excel date format."""
    out = []
    for run in re.findall(r"(d+|M+|y+|'[^']*'|.)", pattern):
        if run[0] == "d":
            out.append("dd" if len(run) == 2 else "d")
        elif run[0] == "M":
            out.append({1: "m", 2: "mm", 3: "mmm"}.get(len(run), "mmmm"))
        elif run[0] == "y":
            out.append("yyyy")
        elif run.startswith("'"):
            out.append(f'"{run[1:-1]}"' if len(run) > 2 else "")
        else:
            out.append(run)
    return "".join(out)


def bus_method(bus: BusFactor, lang: str) -> str:
    """Return how a bus factor was obtained, in ``lang``: the one label shown everywhere.

    The translation of :attr:`keyrisk.portfolio.BusFactor.label`: the method, and the proven
    lower bound when the value is not proven to be the minimum.

    Examples
    --------
    >>> from keyrisk.portfolio import BusFactor
    >>> b = BusFactor(3, ("A", "B", "C"), "greedy upper bound", 2, (1.0, 2.0, 3.0), 3.0, 0.0)
    >>> bus_method(b, "en")
    'greedy upper bound; proven lower bound: 2'
    >>> bus_method(b, "fr").replace(NBSP, " ")
    'estimation haute (recherche approchée) ; minimum prouvé : 2'
    >>> bus_method(BusFactor(2, ("A", "B"), "exact", 2, (1.0, 2.0), 2.0, 0.0), "fr")
    'calcul exact'
    """
    text = t(f"method.{bus.method}", lang)
    if not bus.is_exact and bus.lower_bound is not None:
        text += t("list.sep", lang) + t("note.lower_bound", lang, lower=bus.lower_bound)
    return text


def headline(facts: Headline, lang: str) -> str:
    """Return the one-sentence headline in ``lang``: :func:`keyrisk.analysis.headline`.

    The rule lives in :func:`keyrisk.analysis.headline_facts`, the words in the catalogues
    (``headline.*``), one wording for every language.

    Examples
    --------
    >>> from keyrisk.analysis import headline_facts
    >>> from keyrisk.portfolio import BusFactor
    >>> b = BusFactor(2, ("Marie Dupont", "Jean Martin"), "exact", 2, (40.0, 62.0), 50.0, 0.0)
    >>> h = headline_facts(b, 0.7, 0.0, 100.0, "revenue")
    >>> headline(h, "fr").replace(NBSP, " ")
    "62,0 % du chiffre d'affaires repose sur Marie Dupont et Jean Martin"
    >>> headline(h, "en")
    '62.0% of revenue depends on Marie Dupont and Jean Martin'
    """
    from keyrisk.analysis import headline as worded

    return worded(facts, lang)
