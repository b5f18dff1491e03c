"""The Clients sheet: HHI and its bands, top shares, elephant factor, IFRS 8 large clients."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from keyrisk.report.labels import t
from keyrisk.report.sheets._blocks import (
    Block,
    Column,
    ImageSpec,
    KeyValue,
    KeyValues,
    Paragraph,
    SheetSpec,
    Table,
    _rows,
    _widths,
    light_for,
)

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis

__all__ = ["TOP_CLIENTS", "clients_sheet"]


#: Rows of the client shares table.
TOP_CLIENTS = 50


def clients_sheet(analysis: Analysis, lang: str) -> SheetSpec:
    """Return the Clients sheet: HHI and its bands, top shares, elephant factor, IFRS 8."""
    c = analysis.portfolio.client_concentration
    blocks: list[Block] = []
    if analysis.revenue_basis != "revenue" or c.n_clients == 0:
        blocks.append(Paragraph(t("conc.count_basis", lang), "heading"))
        return SheetSpec("clients", t("sheet.clients", lang), blocks, [], {1: 60.0})
    blocks.append(
        KeyValues(
            (
                KeyValue(t("conc.hhi", lang), c.hhi, "ratio", light_for("us_band", c.us_2023_band)),
                KeyValue(t("conc.points", lang), c.hhi_points, "int"),
                KeyValue(t("conc.us", lang), t(f"band.{c.us_2023_band}", lang)),
                KeyValue(t("conc.eu", lang), t(f"band.{c.eu_2004_band}", lang)),
                KeyValue(
                    t("conc.top1", lang), c.top1_share, "percent", light_for("top1", c.top1_share)
                ),
                KeyValue(
                    t("conc.top5", lang), c.top5_share, "percent", light_for("top5", c.top5_share)
                ),
                KeyValue(
                    t("conc.elephant", lang),
                    c.elephant_factor,
                    "int",
                    light_for("elephant", c.elephant_factor),
                ),
                KeyValue(t("conc.n_clients", lang), c.n_clients, "int"),
            ),
            t("block.concentration", lang),
        )
    )
    large_cols = (
        Column(t("col.client", lang), "account"),
        Column(t("col.revenue", lang), "revenue", "money"),
        Column(t("col.share", lang), "share", "percent"),
    )
    blocks.append(
        Table(
            large_cols,
            _rows(c.large_clients, large_cols, lang),
            title=t("block.large_clients", lang),
            note=None if len(c.large_clients) else t("conc.none_large", lang),
        )
    )
    shares = c.shares.head(TOP_CLIENTS)
    acc = analysis.accounts
    revenue = dict(zip(acc["account"].astype(str), acc["revenue"], strict=True))
    frame = pd.DataFrame(
        {
            "rank": range(1, len(shares) + 1),
            "account": [str(a) for a in shares.index],
            "revenue": [revenue.get(str(a)) for a in shares.index],
            "share": shares.to_numpy(),
            "cum_share": c.shares.cumsum().head(TOP_CLIENTS).to_numpy(),
        }
    )
    share_cols = (
        Column(t("col.rank", lang), "rank", "int"),
        Column(t("col.client", lang), "account"),
        Column(t("col.revenue", lang), "revenue", "money"),
        Column(t("col.share", lang), "share", "percent"),
        Column(t("col.cum_share", lang), "cum_share", "percent"),
    )
    blocks.append(
        Table(
            share_cols,
            _rows(frame, share_cols, lang),
            title=t("block.shares", lang, n=len(frame)),
            data_bars=("share",),
        )
    )
    widths = _widths(blocks)
    widths[1] = max(widths.get(1, 0.0), 38.0)
    widths[2] = max(widths.get(2, 0.0), 30.0)
    return SheetSpec(
        "clients", t("sheet.clients", lang), blocks, [ImageSpec("clients", "H2")], widths
    )
