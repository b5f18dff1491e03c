"""Plain-text and JSON renderings for the terminal (what-if tables), in the report's words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from keyrisk.report import labels as lb

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis
    from keyrisk.portfolio import Departure

__all__ = ["departure_dict", "format_departure", "headline"]


def departure_dict(departure: Departure) -> dict[str, Any]:
    """Return a departure scenario as JSON-friendly values."""
    return {
        "leave": list(departure.leave),
        "newly_orphaned": list(departure.newly_orphaned),
        "weakened": list(departure.weakened),
        "revenue_at_risk": float(departure.revenue_at_risk),
        "share": float(departure.share),
        "pipeline_at_risk": float(departure.pipeline_at_risk),
    }


def format_departure(
    departure: Departure, analysis: Analysis, limit: int = 20, *, lang: str = "en"
) -> str:
    """Return the impact of a departure as a small text table in ``lang``.

    Amounts are written as in the report (whole units, the currency's symbol when it is
    known), the share with the decimals of the workbook.

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk import Dataset, analyse
    >>> a = analyse(Dataset.from_frames(pd.DataFrame({"account": ["A"], "staff": ["Ann"]})))
    >>> print(format_departure(a.whatif(["Ann"]), a, lang="fr").replace(lb.NBSP, " "))
    Si Ann part :
      comptes devenus orphelins :  1
      comptes fragilisés :         0
      comptes à risque :           1 compte (100,0 % du total)
      affaires en cours à risque : 0
    <BLANKLINE>
      compte orphelin
      A
    """
    lang = lb.check_lang(lang)
    basis = analysis.revenue_basis
    currency = lb.dataset_currency(analysis)
    revenue = analysis.accounts.set_index("account")["revenue"]
    people = lb.join_names(list(departure.leave), lang)
    amount = lb.money(departure.revenue_at_risk, lang, basis, currency)
    rows = [
        (lb.t("whatif.orphaned", lang), lb.number(len(departure.newly_orphaned), lang)),
        (lb.t("whatif.weakened", lang), lb.number(len(departure.weakened), lang)),
        (
            lb.tb("whatif.revenue", lang, basis),
            lb.t("whatif.share", lang, amount=amount, share=lb.percent(departure.share, lang)),
        ),
        (
            lb.t("whatif.pipeline", lang),
            lb.money(departure.pipeline_at_risk, lang, "revenue", currency),
        ),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [lb.t("whatif.leaves", lang, count=len(departure.leave), people=people)]
    lines += [f"  {label:<{width}} {value}" for label, value in rows]
    if departure.newly_orphaned:
        lines.append("")
        shown = departure.newly_orphaned[:limit]
        head = lb.t("whatif.account", lang)
        if basis == "count":  # no amount to show: the accounts only
            lines += [f"  {head}", *(f"  {name}" for name in shown)]
        else:
            width = max(len(head), *(len(a) for a in shown))
            lines.append(f"  {head:<{width}}  {lb.t('whatif.amount', lang)}")
            for name in shown:
                value = revenue.get(name)
                if value is None or value != value:
                    text = lb.t("value.not_available", lang)
                else:
                    text = lb.money(value, lang, basis, currency)
                lines.append(f"  {name:<{width}}  {text}")
        more = len(departure.newly_orphaned) - limit
        if more > 0:
            lines.append("  " + lb.tn("whatif.more", more, lang))
    return "\n".join(lines)


def headline(analysis: Analysis, lang: str = "en") -> str:
    """Return the analysis headline in ``lang`` (a language of the report)."""
    return lb.headline(analysis.portfolio.headline_facts, lang)
