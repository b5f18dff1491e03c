"""The Changes sheet: the trend at quarter ends and what changed since the previous snapshot.

The trend is a table from :func:`keyrisk.trend.quarterly_trend` (this quarter and the previous
four: earlier quarters are left out, each point costing one analysis); the changes a
:class:`keyrisk.changes.Changes` (None for a first report). Parameters that differ between the
two runs come first, so that a change of method is not read as a change of risk.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pandas as pd

from keyrisk.report import labels as lb
from keyrisk.report.labels import TRACKED_FIGURES, t, tb, tracked_label
from keyrisk.report.sheets._blocks import (
    Block,
    Cell,
    Column,
    ImageSpec,
    KeyValue,
    KeyValues,
    Paragraph,
    SheetSpec,
    Table,
    _money_kind,
    _plain,
    _widths,
)

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis
    from keyrisk.changes import Changes

__all__ = ["SHEET_FIGURES", "TREND_CHART", "changes_sheet", "since_last_block"]

#: The key figures shown in the trend and the deltas: name -> (catalogue key, kind).
SHEET_FIGURES = TRACKED_FIGURES
#: Name of the trend chart (``charts/trend.png``).
TREND_CHART = "trend"


def _label(name: str, lang: str, basis: str) -> str:
    return tracked_label(name, lang, basis)


def _kind(name: str, basis: str) -> str:
    kind = SHEET_FIGURES[name][1]
    if kind == "pct":
        return "percent"
    return _money_kind(basis) if kind == "money" else kind


def _value(value: Any) -> Any:
    value = _plain(value)
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else value


def _note(row: Any, lang: str, window: int, as_of: dt.date | None) -> str:
    notes = []
    if row.get("as_of") == as_of:
        notes.append(t("chg.note.current", lang))
    if row.get("status") != "ok":
        notes.append(t("chg.note.no_activity", lang))
    exact = [row.get("revenue_bus_factor_exact"), row.get("account_bus_factor_exact")]
    if any(e is False or (e is not None and not pd.isna(e) and not bool(e)) for e in exact):
        notes.append(t("chg.note.approx", lang))
    days = row.get("history_days")
    if days is not None and not pd.isna(days) and int(days) < window:
        notes.append(t("chg.note.partial", lang, days=int(days)))
    return t("list.sep", lang).join(notes)


def trend_table(trend: pd.DataFrame, analysis: Analysis, lang: str) -> Table:
    """Return the trend as a table: one row per point, the key figures, approximations marked."""
    basis = analysis.revenue_basis
    names = [n for n in SHEET_FIGURES if n in trend.columns]
    cols = [
        Column(t("chg.col.as_of", lang), "as_of", "date"),
        *(Column(_label(n, lang, basis), n, _kind(n, basis), True) for n in names),
        Column(t("chg.col.note", lang), "note", "text", True),
    ]
    rows = []
    for rec in trend.astype(object).to_dict("records"):
        values = [_value(rec.get("as_of"))]
        values += [_value(rec.get(n)) for n in names]
        values.append(_note(rec, lang, analysis.settings.window_days, analysis.as_of))
        rows.append(tuple(values))
    left = int(trend.attrs.get("left_out", 0))
    note = t("chg.trend.left_out", lang, n=left) if left else None
    return Table(tuple(cols), rows, t("chg.trend", lang), note=note)


def _names(value: Any, lang: str) -> str:
    return _plain(tuple(value) if isinstance(value, tuple | list) else (), lang) or ""


def _risk(value: Any, lang: str) -> str | None:
    value = _value(value)
    return None if value is None else t(f"risk.{value}", lang)


def _accounts(frame: pd.DataFrame, title: str, lang: str, basis: str) -> Block:
    n = len(frame)
    heading = f"{title} ({lb.number(n, lang)})"
    if n == 0:
        return Paragraph(t("chg.empty_list", lang, title=heading))
    cols = (
        Column(t("col.account", lang), "account"),
        Column(tb("col.revenue", lang, basis), "revenue", _money_kind(basis)),
        Column(t("chg.col.old_risk", lang), "old_risk"),
        Column(t("chg.col.new_risk", lang), "new_risk"),
        Column(t("chg.col.old_holders", lang), "old_holders", "text", True),
        Column(t("chg.col.new_holders", lang), "new_holders", "text", True),
    )
    rows = [
        (
            _value(r.account),
            _value(r.revenue),
            _risk(r.old_risk_level, lang),
            _risk(r.new_risk_level, lang),
            _names(r.old_holders, lang),
            _names(r.new_holders, lang),
        )
        for r in frame.itertuples(index=False)
    ]
    return Table(cols, rows, heading)


def _figure_rows(changes: Changes, lang: str, basis: str) -> list[tuple[Any, ...]]:
    rows = []
    for r in changes.figures.itertuples(index=False):
        if r.figure not in SHEET_FIGURES:
            continue
        kind = _kind(str(r.figure), basis)
        rows.append(
            (
                _label(str(r.figure), lang, basis),
                Cell(_value(r.old), kind),
                Cell(_value(r.new), kind),
                Cell(_value(r.delta), kind),
            )
        )
    return rows


def _param_text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in sorted(value.items()))
    return str(value)


def method_line(changes: Changes, lang: str) -> str | None:
    """Return "the method changed: holder_ratio 0.5 → 0.6; ..." or None when it did not."""
    if changes.parameters.empty:
        return None
    items = "; ".join(
        f"{r.parameter} {_param_text(r.old)} → {_param_text(r.new)}"
        for r in changes.parameters.itertuples(index=False)
    )
    key = "chg.method" if changes.method_changed else "chg.method.minor"
    return t(key, lang, items=items)


def _since(changes: Changes, lang: str) -> str:
    old = changes.old
    day = lb.date(old.as_of, lang) if old.as_of else t("value.not_available", lang)
    return t("chg.since", lang, date=day, id=old.id if old.id is not None else "—")


def since_last_block(changes: Changes | None, analysis: Analysis, lang: str) -> list[Block]:
    """Return the Summary sheet's short "since the last report" block (empty on a first run)."""
    if changes is None:
        return []
    basis = analysis.revenue_basis
    blocks: list[Block] = [Paragraph(t("chg.summary.title", lang), "heading", 4)]
    blocks.append(Paragraph(_since(changes, lang), "note", 4))
    line = method_line(changes, lang)
    if line:
        blocks.append(Paragraph(line, "text", 4))
    counts = (
        ("chg.newly_at_risk", changes.newly_at_risk),
        ("chg.made_safe", changes.made_safe),
        ("chg.orphaned_since", changes.orphaned_since),
    )
    rows = [
        KeyValue(
            t(key, lang),
            len(frame),
            "int",
            None,
            t("list.sep", lang).join(frame["account"].astype(str).head(5)),
        )
        for key, frame in counts
    ]
    for name in ("revenue_bus_factor", "single_holder_revenue_share"):
        found = changes.figures[changes.figures["figure"] == name]
        if found.empty:
            continue
        r = found.iloc[0]
        kind = _kind(name, basis)
        old, delta = _value(r["old"]), _value(r["delta"])
        shown = "—" if old is None else _shown(old, kind, lang, basis)
        change = "—" if delta is None else _shown(delta, kind, lang, basis, signed=True)
        rows.append(
            KeyValue(
                _label(name, lang, basis),
                _value(r["new"]),
                kind,
                None,
                t("chg.summary.before", lang, value=shown, delta=change),
            )
        )
    blocks.append(KeyValues(tuple(rows)))
    blocks.append(Paragraph(t("chg.summary.more", lang, sheet=t("sheet.changes", lang)), "note", 4))
    return blocks


def _shown(value: Any, kind: str, lang: str, basis: str, signed: bool = False) -> str:
    x = float(value)
    sign = "+" if signed and x > 0 else ""
    if kind == "percent":
        return sign + lb.percent(x, lang)
    if kind == "money":
        return sign + lb.money(x, lang, basis)
    return sign + lb.number(x, lang)


def changes_sheet(
    analysis: Analysis,
    lang: str,
    *,
    trend: pd.DataFrame | None = None,
    changes: Changes | None = None,
    history: bool = False,
    chart: bool = False,
) -> SheetSpec:
    """Return the Changes sheet ("Évolution"): the trend, then the changes since last time.

    Parameters
    ----------
    analysis : keyrisk.Analysis
    lang : str
    trend : pandas.DataFrame, optional
        The points shown (:func:`keyrisk.trend.quarterly_trend`), ``attrs["left_out"]`` the
        number of earlier quarter ends left out.
    changes : keyrisk.changes.Changes, optional
        Against the previous snapshot; None for a first report or without a history.
    history : bool
        Whether a history was given (a first report then says so; without one, the sheet says
        how to get the changes).
    chart : bool
        Whether the trend chart was drawn (``charts/trend.png``).
    """
    basis = analysis.revenue_basis
    blocks: list[Block] = [Paragraph(t("chg.title", lang), "title", 6)]
    if changes is not None:
        line = method_line(changes, lang)
        if line:
            blocks.append(Paragraph(line, "headline", 6))
    if trend is None or trend.empty:
        blocks.append(Paragraph(t("chg.trend.none", lang), "text", 6))
    else:
        blocks.append(trend_table(trend, analysis, lang))
    blocks.append(Paragraph(t("chg.changes", lang), "heading", 6))
    if changes is None:
        key = "chg.none" if history else "chg.no_history"
        blocks.append(Paragraph(t(key, lang), "text", 6))
    else:
        blocks.append(Paragraph(_since(changes, lang), "note", 6))
        if not changes.parameters.empty:
            blocks.append(
                Table(
                    (
                        Column(t("chg.col.parameter", lang), "parameter"),
                        Column(t("chg.col.old", lang), "old"),
                        Column(t("chg.col.new", lang), "new"),
                    ),
                    [
                        (str(r.parameter), _param_text(r.old), _param_text(r.new))
                        for r in changes.parameters.itertuples(index=False)
                    ],
                    t("chg.parameters", lang),
                )
            )
        blocks.append(
            Table(
                (
                    Column(t("chg.col.figure", lang), "figure", "text", True),
                    Column(t("chg.col.old", lang), "old"),
                    Column(t("chg.col.new", lang), "new"),
                    Column(t("chg.col.delta", lang), "delta"),
                ),
                _figure_rows(changes, lang, basis),
                t("chg.figures", lang),
            )
        )
        blocks.append(_accounts(changes.newly_at_risk, t("chg.newly_at_risk", lang), lang, basis))
        blocks.append(_accounts(changes.made_safe, t("chg.made_safe", lang), lang, basis))
        blocks.append(_accounts(changes.orphaned_since, t("chg.orphaned_since", lang), lang, basis))
        rose = changes.sole_revenue_rose
        title = f"{t('chg.sole_rose', lang)} ({lb.number(len(rose), lang)})"
        if rose.empty:
            blocks.append(Paragraph(t("chg.empty_list", lang, title=title)))
        else:
            money = _money_kind(basis)
            blocks.append(
                Table(
                    (
                        Column(t("col.staff", lang), "staff"),
                        Column(t("chg.col.old", lang), "old", money),
                        Column(t("chg.col.new", lang), "new", money),
                        Column(t("chg.col.delta", lang), "delta", money),
                    ),
                    [
                        (_value(r.staff), _value(r.old), _value(r.new), _value(r.delta))
                        for r in rose.itertuples(index=False)
                    ],
                    title,
                )
            )
    images = []
    if chart:
        from keyrisk.report.sheets._blocks import last_row

        images.append(ImageSpec(TREND_CHART, f"A{last_row(blocks) + 2}", 900))
    widths = _widths(blocks, {1: 34.0})
    return SheetSpec("changes", t("sheet.changes", lang), blocks, images, widths)
