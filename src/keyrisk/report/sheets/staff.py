"""The Staff sheet: key persons ranked by revenue held alone."""

from __future__ import annotations

import datetime as dt
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
        Column(t("col.gone_reason", lang), "reason_text", wrap=True),
        Column(t("col.role", lang), "role", wrap=True),
        Column(t("col.department", lang), "department", wrap=True),
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
    # the charts below the table, in column A, one under the other: the sheet is then only as
    # wide as the table and prints one page wide at a readable scale (see pagesetup)
    first = len(table.rows) + 3  # header on row 1, the rows, a blank row
    images = [
        ImageSpec("revenue_held", f"A{first}", CHART_WIDTH),
        ImageSpec("concentration", f"A{first + CHART_ROWS}", CHART_WIDTH),
    ]
    widths = _widths([table])
    for i, col in enumerate(cols, start=1):
        widths[i] = _column_width(col, [row[i - 1] for row in table.rows], widths[i])
    return SheetSpec("staff", t("sheet.staff", lang), [table], images, widths)


#: Width in pixels of each chart, and the rows (of the default height) kept for one: the charts
#: are at most 0.6 as high as wide (760 px -> 456 px = 342 pt = 22.8 rows of 15 pt).
CHART_WIDTH = 760
CHART_ROWS = 25
#: The widest a wrapped column gets (in characters): the list of accounts, the other texts.
_NAMES_WIDTH = 30.0
_TEXT_WIDTH = 16.0


def _lines(words: Sequence[str], room: float) -> int:
    """Lines taken by ``words`` wrapped greedily in ``room`` characters."""
    lines, used = 1, 0
    for word in words:
        if used and used + 1 + len(word) > room:
            lines, used = lines + 1, len(word)
        else:
            used = used + 1 + len(word) if used else len(word)
    return lines


def _column_width(col: Column, values: Sequence[object], computed: float) -> float:
    """The narrowest width that shows the values on one line and the header on two.

    The header row is two lines high (30 points) and wraps, so a header needs only about half
    its length; values keep their own width (money and dates as :func:`_widths` sizes them).

    Examples
    --------
    >>> _column_width(Column("Chiffre d'affaires détenu seul", "x", "money"), [1.0], 32.0)
    20.0
    >>> _column_width(Column("CA", "x", "money"), [4520811.35], 16.0)  # "4,520,811" and a symbol
    13.0
    """
    words = col.header.split()
    width = float(max((len(w) for w in words), default=1)) + 2.0
    while _lines(words, width - 2.0) > 2:
        width += 1.0
    for value in values[:500]:
        if value is None:
            continue
        if isinstance(value, float) and col.kind in ("money", "number"):
            n = len(f"{value:,.0f}") + 2  # digits, group separators, a currency symbol
        elif isinstance(value, float):
            n = 9
        elif isinstance(value, dt.date):
            n = 11
        else:
            n = len(str(value))
        width = max(width, n + 2.0)
    if col.wrap:
        width = min(width, _NAMES_WIDTH if col.field == "sole_list" else _TEXT_WIDTH)
    return min(max(width, 8.0), computed)
