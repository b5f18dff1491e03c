"""The Accounts sheet: every account, riskiest first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from keyrisk.report.labels import t, tb
from keyrisk.report.sheets._blocks import (
    Column,
    SheetSpec,
    Table,
    _money_kind,
    _rows,
    _widths,
    _yes,
)
from keyrisk.scoring import RISK_LEVELS

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis

__all__ = ["accounts_sheet"]


def _risk_lights(lang: str) -> dict[str, str]:
    return {
        t("risk.critical", lang): "red",
        t("risk.high", lang): "orange",
        t("risk.medium", lang): "yellow",
        t("risk.low", lang): "green",
    }


def accounts_sheet(analysis: Analysis, lang: str) -> SheetSpec:
    """Return the Accounts sheet: every account, riskiest first."""
    basis = analysis.revenue_basis
    acc = analysis.accounts.copy()
    risk = {lvl: t(f"risk.{lvl}", lang) for lvl in RISK_LEVELS}
    acc["risk_text"] = acc["risk_level"].astype(object).map(lambda v: risk.get(str(v), str(v)))
    acc["orphaned_text"] = acc["orphaned"].map(lambda v: _yes(v, lang))
    acc["source_text"] = (
        acc["revenue_source"].astype(object).map(lambda v: t(f"source.{v}", lang) if v else "")
    )
    money = _money_kind(basis)
    cols = [
        Column(t("col.account", lang), "account"),
        Column(t("col.risk_level", lang), "risk_text"),
        Column(tb("col.revenue", lang, basis), "revenue", money),
        Column(tb("col.revenue_share", lang, basis), "revenue_share", "percent"),
        Column(t("col.bus_factor", lang), "bus_factor", "int"),
        Column(t("col.holders", lang), "holders", wrap=True),
        Column(t("col.top_staff", lang), "top_staff"),
        Column(t("col.top_share", lang), "top_share", "percent"),
        Column(t("col.n_contacts", lang), "n_contacts", "int"),
        Column(t("col.effective_contacts", lang), "effective_contacts", "ratio"),
        Column(t("col.gone_holders", lang), "gone_holders"),
        Column(t("col.orphaned", lang), "orphaned_text"),
        Column(t("col.last_contact", lang), "last_contact", "date"),
        Column(t("col.pipeline", lang), "pipeline", "money" if basis == "revenue" else "number"),
        Column(t("col.owner", lang), "owner"),
        Column(t("col.segment", lang), "segment"),
        Column(t("col.revenue_source", lang), "source_text"),
    ]
    table = Table(
        tuple(cols),
        _rows(acc, cols, lang),
        autofilter=True,
        freeze=True,
        data_bars=("revenue", "top_share") if basis == "revenue" else ("top_share",),
        traffic={"risk_text": _risk_lights(lang)},
    )
    return SheetSpec("accounts", t("sheet.accounts", lang), [table], [], _widths([table]))
