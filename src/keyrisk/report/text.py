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


def _names(names: tuple[str, ...]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _money(value: float, basis: str) -> str:
    if basis == "count":
        return f"{value:,.0f} accounts"
    return f"{value:,.2f}"


def format_departure(departure: Departure, analysis: Analysis, limit: int = 20) -> str:
    """Return the impact of a departure as a small text table."""
    basis = analysis.revenue_basis
    revenue = analysis.accounts.set_index("account")["revenue"]
    lines = [
        f"If {_names(departure.leave)} {'leaves' if len(departure.leave) == 1 else 'leave'}:",
        f"  accounts newly orphaned: {len(departure.newly_orphaned)}",
        f"  accounts weakened:       {len(departure.weakened)}",
        f"  revenue at risk:         {_money(departure.revenue_at_risk, basis)} "
        f"({departure.share:.1%} of the total)",
        f"  open pipeline at risk:   {departure.pipeline_at_risk:,.2f}",
    ]
    if departure.newly_orphaned:
        lines.append("")
        width = max(len(a) for a in departure.newly_orphaned[:limit])
        width = max(width, len("orphaned account"))
        lines.append(f"  {'orphaned account':<{width}}  revenue")
        for name in departure.newly_orphaned[:limit]:
            value = revenue.get(name)
            shown = "unknown" if value is None or value != value else f"{value:,.2f}"
            lines.append(f"  {name:<{width}}  {shown}")
        more = len(departure.newly_orphaned) - limit
        if more > 0:
            lines.append(f"  ... and {more} more")
    return "\n".join(lines)


def headline(analysis: Analysis, lang: str = "en") -> str:
    """Return the analysis headline in ``lang`` ("fr" or "en")."""
    from keyrisk.report.labels import headline as _headline

    return _headline(analysis.portfolio.headline_facts, lang)
