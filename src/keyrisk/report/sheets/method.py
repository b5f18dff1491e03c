"""The Method sheet: every definition and parameter in plain words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from keyrisk.report import labels as lb
from keyrisk.report.labels import t
from keyrisk.report.sheets._blocks import Block, Paragraph, SheetSpec, parameters

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis

__all__ = ["method_sheet"]


def method_sheet(analysis: Analysis, lang: str) -> SheetSpec:
    """Return the Method sheet: every definition and parameter in plain words."""
    s = analysis.settings
    half = (
        t("param.none", lang)
        if s.half_life_days is None
        else lb.tn("unit.days", s.half_life_days, lang)
    )
    defs = [
        t("def.interaction", lang),
        t("def.weight", lang, half_life=half),
        t("def.share", lang),
        t(
            "def.holder",
            lang,
            count=s.min_interactions,
            ratio=lb.percent(s.holder_ratio, lang, None),
            min_n=s.min_interactions,
        ),
        t("def.gone", lang, count=s.inactive_days, inactive=s.inactive_days),
        t("def.bus_account", lang),
        t("def.risk", lang),
        t("def.revenue", lang, count=s.revenue_days, days=s.revenue_days),
        t("def.bus_portfolio", lang, coverage=lb.percent(s.coverage, lang, None)),
        t("def.departure", lang),
        t("def.single_holder", lang),
        t("def.hhi", lang),
        t("def.elephant", lang),
        t("def.ifrs8", lang),
        t("def.lights", lang),
        t("def.limits", lang),
    ]
    blocks: list[Block] = [Paragraph(t("method.title", lang), "title")]
    blocks += [Paragraph(d, "text") for d in defs]
    blocks += [
        Paragraph(t("method.more", lang), "note"),
        parameters(analysis, lang, technical=True),
    ]
    return SheetSpec(
        "method", t("sheet.method", lang), blocks, [], {1: 110.0, 2: 22.0, 3: 4.0, 4: 18.0}
    )
