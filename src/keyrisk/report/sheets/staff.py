"""The Staff sheet: key persons ranked by revenue held alone."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from keyrisk.report.labels import t, tb
from keyrisk.report.sheets._blocks import (
    Column,
    ImageSpec,
    SheetSpec,
    Table,
    _money_kind,
    _rows,
    _widths,
)

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis

__all__ = ["staff_sheet"]


def _names_short(names: Sequence[str], lang: str, limit: int = 10) -> str:
    sep = t("list.sep", lang)
    shown = sep.join(names[:limit])
    more = len(names) - limit
    return shown + (f"{sep}… (+{more})" if more > 0 else "")


def staff_sheet(analysis: Analysis, lang: str) -> SheetSpec:
    """Return the Staff sheet: key persons ranked by revenue held alone."""
    basis = analysis.revenue_basis
    total = analysis.portfolio.total_revenue
    acc = analysis.accounts
    revenue = {
        str(a): (0.0 if pd.isna(r) else float(r))
        for a, r in zip(acc["account"], acc["revenue"], strict=True)
    }
    st = analysis.staff.copy()
    st["status_text"] = st["active"].map(lambda v: t("status.active" if v else "status.gone", lang))
    days = analysis.settings.inactive_days
    st["reason_text"] = (
        st["gone_reason"]
        .astype(object)
        .map(
            lambda v: "" if v is None or v is pd.NA else t(f"gone.{v}", lang, count=days, days=days)
        )
    )
    st["sole_share"] = st["revenue_sole"] / total if total > 0 else 0.0
    st["sole_list"] = st["accounts_sole"].map(
        lambda names: _names_short(
            sorted((str(n) for n in names), key=lambda a: (-revenue.get(a, 0.0), a)), lang
        )
    )
    money = _money_kind(basis)
    cols = [
        Column(t("col.staff", lang), "staff"),
        Column(t("col.status", lang), "status_text"),
        Column(t("col.gone_reason", lang), "reason_text"),
        Column(t("col.role", lang), "role"),
        Column(t("col.department", lang), "department"),
        Column(t("col.last_activity", lang), "last_activity", "date"),
        Column(t("col.n_accounts", lang), "n_accounts", "int"),
        Column(t("col.n_held", lang), "n_held", "int"),
        Column(t("col.n_sole", lang), "n_sole", "int"),
        Column(tb("col.revenue_held", lang, basis), "revenue_held", money),
        Column(tb("col.revenue_sole", lang, basis), "revenue_sole", money),
        Column(tb("col.sole_share", lang, basis), "sole_share", "percent"),
        Column(
            tb("col.revenue_weighted", lang, basis),
            "revenue_weighted",
            money if basis == "revenue" else "number",
        ),
        Column(t("col.accounts_sole", lang), "sole_list", wrap=True),
    ]
    table = Table(
        tuple(cols),
        _rows(st, cols, lang),
        autofilter=True,
        freeze=True,
        data_bars=("revenue_sole", "revenue_held"),
        traffic={"status_text": {t("status.gone", lang): "orange"}},
    )
    anchor = f"{_letter(len(cols) + 2)}2"
    anchor2 = f"{_letter(len(cols) + 2)}27"
    images = [ImageSpec("revenue_held", anchor), ImageSpec("concentration", anchor2)]
    return SheetSpec("staff", t("sheet.staff", lang), [table], images, _widths([table]))


def _letter(index: int) -> str:
    """Return the Excel column letter of a 1-based index (1 -> A, 27 -> AA)."""
    out = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out
