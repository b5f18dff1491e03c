"""The Method sheet: every definition and parameter in plain words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from keyrisk.layers import RECENT_DAYS
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
    ]
    layers = [
        t("layer.intro", lang),
        t("layer.human", lang),
        t("layer.narrative", lang, recent=RECENT_DAYS),
        t("layer.organisational", lang),
        t("layer.informational", lang),
    ]
    plan = [
        t(
            "def.plan",
            lang,
            max_new=s.max_new_backups,
            capacity=lb.number(s.capacity_ratio, lang, None),
        ),
        t(
            "def.simulation",
            lang,
            turnover=lb.percent(s.turnover_rate, lang, None),
            draws=s.draws,
        ),
    ]
    example = [
        t(f"example.{part}", lang) for part in ("intro", "alice", "bruno", "claire", "result")
    ]
    blocks: list[Block] = [Paragraph(t("method.title", lang), "title")]
    for heading, lines in (
        ("method.h.definitions", defs),
        ("method.h.layers", layers),
        ("method.h.plan", plan),
        ("method.h.example", example),
        ("method.h.limits", [t("def.limits", lang)]),
    ):
        blocks.append(Paragraph(t(heading, lang), "heading"))
        blocks += [Paragraph(line, "text") for line in lines]
    params = parameters(analysis, lang, technical=True)
    blocks.append(params)
    # the technical names on one line each, their header included (the header row is one line)
    names = [params.headers[3], *(item.note for item in params.rows)] if params.headers else []
    technical = max((len(n) for n in names), default=0) + 3.0
    return SheetSpec(
        "method",
        t("sheet.method", lang),
        blocks,
        [],
        {1: TEXT_WIDTH, 2: 22.0, 3: 4.0, 4: max(18.0, technical)},
    )


#: Width of the column of the definitions (characters): with the value, signal and name
#: columns, the sheet prints one landscape page wide at nearly full size.
TEXT_WIDTH = 100.0
