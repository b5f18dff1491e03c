"""The Scenarios sheet: top departures, top pair, the bus-factor people in order."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from keyrisk.report import labels as lb
from keyrisk.report.labels import t, tb
from keyrisk.report.sheets._blocks import (
    Block,
    Column,
    ImageSpec,
    KeyValue,
    KeyValues,
    Paragraph,
    SheetSpec,
    Table,
    _money_kind,
    _rows,
    _widths,
    _yes,
    light_for,
)

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis

__all__ = ["scenarios_sheet"]


def scenarios_sheet(analysis: Analysis, lang: str) -> SheetSpec:
    """Return the Scenarios sheet: top departures, top pair, the bus-factor people in order."""
    p = analysis.portfolio
    basis = analysis.revenue_basis
    total = p.total_revenue
    money = _money_kind(basis)
    tops = p.top_departures.copy()
    tops.insert(0, "rank", range(1, len(tops) + 1))
    cols = [
        Column(t("col.rank", lang), "rank", "int"),
        Column(t("col.staff", lang), "staff"),
        Column(tb("col.revenue_at_risk", lang, basis), "revenue_at_risk", money),
        Column(t("col.share", lang), "share", "percent"),
        Column(t("col.accounts_orphaned", lang), "accounts_orphaned", "int"),
    ]
    blocks: list[Block] = [
        Table(
            tuple(cols),
            _rows(tops, cols, lang),
            title=t("block.top_departures", lang),
            data_bars=("revenue_at_risk",),
        )
    ]
    pair = p.top_pair
    if pair is None:
        blocks.append(Paragraph(t("pair.none", lang)))
    else:
        blocks.append(
            KeyValues(
                (
                    KeyValue(t("pair.people", lang), lb.join_names(list(pair.leave), lang)),
                    KeyValue(tb("pair.revenue", lang, basis), pair.revenue_at_risk, money),
                    KeyValue(
                        t("pair.share", lang),
                        pair.share,
                        "percent",
                        light_for("top_pair", pair.share),
                    ),
                    KeyValue(t("pair.accounts", lang), len(pair.newly_orphaned), "int"),
                ),
                t("block.top_pair", lang),
            )
        )
    bus = p.revenue_bus_factor
    steps: list[tuple[Any, ...]] = []
    if total > 0:
        reached = bus.already_orphaned >= bus.target - 1e-9 * max(total, 1.0)
        steps.append(
            (
                0,
                t("step.already", lang),
                bus.already_orphaned,
                bus.already_orphaned / total,
                _yes(reached, lang),
            )
        )
        for i, (name, cum) in enumerate(zip(bus.staff, bus.cumulative, strict=False), start=1):
            ok = cum >= bus.target - 1e-9 * max(total, 1.0)
            steps.append((i, name, cum, cum / total, _yes(ok, lang)))
    step_cols = (
        Column(t("col.step", lang), "step", "int"),
        Column(t("col.leaves", lang), "leaves"),
        Column(tb("col.cumulative", lang, basis), "cumulative", money),
        Column(t("col.cumulative_share", lang), "cumulative_share", "percent"),
        Column(t("col.target_reached", lang), "reached"),
    )
    blocks.append(
        Table(
            step_cols,
            steps,
            title=t("block.bus_steps", lang),
            traffic={"reached": {t("yes", lang): "red"}},
        )
    )
    widths = _widths(blocks, {1: 12.0, 2: 34.0, 3: 18.0, 4: 16.0, 5: 18.0})
    widths[1] = max(widths.get(1, 0.0), 30.0)
    images = [ImageSpec("orphaned", "H2"), ImageSpec("network", "H27", 900)]
    return SheetSpec("scenarios", t("sheet.scenarios", lang), blocks, images, widths)
