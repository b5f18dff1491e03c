"""Plain-text and JSON renderings for the terminal (what-if tables)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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


def _money(value: float, analysis: Analysis, lang: str) -> str:
    """An amount as the report writes it (in count basis, a number of accounts)."""
    from keyrisk.report import labels as lb

    return lb.money(value, lang, analysis.revenue_basis)


def format_departure(
    departure: Departure, analysis: Analysis, limit: int = 20, *, lang: str = "en"
) -> str:
    """Return the impact of a departure as a small text table, in ``lang`` ("fr" or "en").

    Amounts and percentages are written as in the report.

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk import Dataset, analyse
    >>> ds = Dataset.from_frames(pd.DataFrame({"account": ["A", "B"], "staff": ["Ann", "Bob"]}))
    >>> a = analyse(ds)
    >>> print(format_departure(a.whatif("ann"), a, lang="fr").splitlines()[0])
    Si Ann part :
    """
    from keyrisk.report import labels as lb

    t = lb.t
    count = analysis.revenue_basis != "revenue"
    revenue = analysis.accounts.set_index("account")["revenue"]
    key = "whatif.leaves.one" if len(departure.leave) == 1 else "whatif.leaves"
    pipeline = lb.money(departure.pipeline_at_risk, lang)
    rows = [
        (t("whatif.orphaned", lang), lb.number(len(departure.newly_orphaned), lang)),
        (t("whatif.weakened", lang), lb.number(len(departure.weakened), lang)),
        (
            lb.tb("whatif.revenue", lang, analysis.revenue_basis),
            t(
                "whatif.share",
                lang,
                amount=_money(departure.revenue_at_risk, analysis, lang),
                share=lb.percent(departure.share, lang, 1),
            ),
        ),
        (t("whatif.pipeline", lang), pipeline),
    ]
    label_width = max(len(label) for label, _ in rows)
    lines = [t(key, lang, people=lb.join_names(list(departure.leave), lang))]
    lines += [f"  {label:<{label_width}} {value}" for label, value in rows]
    if departure.newly_orphaned:
        head, amount = t("whatif.account", lang), t("whatif.amount", lang)
        if count:
            amount = ""
        shown = departure.newly_orphaned[:limit]
        width = max(len(head), *(len(a) for a in shown))
        lines += ["", f"  {head:<{width}}  {amount}".rstrip()]
        for name in shown:
            value = revenue.get(name)
            if count:
                cell = ""
            elif value is None or value != value:
                cell = t("value.not_available", lang)
            else:
                cell = _money(float(value), analysis, lang)
            lines.append(f"  {name:<{width}}  {cell}".rstrip())
        more = len(departure.newly_orphaned) - limit
        if more > 0:
            lines.append("  " + t("whatif.more", lang, n=lb.number(more, lang)))
    return "\n".join(lines)


def headline(analysis: Analysis, lang: str = "en") -> str:
    """Return the analysis headline in ``lang`` ("fr" or "en")."""
    from keyrisk.report.labels import headline as _headline

    return _headline(analysis.portfolio.headline_facts, lang)
