"""The Weak signals sheet: the four warning signs of key-person dependency, one block each.

From :attr:`keyrisk.analysis.Analysis.signals`: the management pulled into client work, the
accounts whose notes one person writes, the newcomers' ramp-up and the key accounts held alone.
Each block names the people and accounts concerned and the figures behind the signal; a signal
the data cannot show says, in words, which column would tell.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from keyrisk.report import labels as lb
from keyrisk.report.labels import t, tb, tn
from keyrisk.report.sheets._blocks import (
    Block,
    Column,
    Paragraph,
    SheetSpec,
    Table,
    _money_kind,
    _plain,
    _widths,
    _yes,
)

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis

__all__ = ["MAX_SIGNAL_ROWS", "SIGNALS", "signals_sheet"]

#: Rows of each signal's table at most (the full lists are in signals.csv).
MAX_SIGNAL_ROWS = 50
#: The signals, in the order of the sheet.
SIGNALS = ("management", "single_author_notes", "ramp_up", "key_accounts_alone")
#: Accounts named in one cell at most.
_NAMES = 10
#: Widest each column may be (characters): the tables share the sheet's columns, so that it
#: prints one page wide at a readable scale.
_WIDTHS = {1: 34.0, 2: 24.0, 3: 40.0, 4: 14.0, 5: 28.0, 6: 14.0, 7: 16.0, 8: 48.0, 9: 10.0}


def _names(names: Any, lang: str, limit: int = _NAMES) -> str:
    items = [str(n) for n in names] if isinstance(names, tuple | list) else []
    sep = t("list.sep", lang)
    shown = sep.join(items[:limit])
    more = len(items) - limit
    return shown + (t("ws.more_names", lang, count=more, k=more) if more > 0 else "")


def _rows(frame: pd.DataFrame, fields: Sequence[str], lang: str) -> list[tuple[Any, ...]]:
    data = frame[list(fields)].astype(object)
    return [tuple(_plain(v, lang) for v in r) for r in data.itertuples(index=False, name=None)]


def _unknown(signal: str, analysis: Analysis) -> str | None:
    """The catalogue key saying why the data cannot show ``signal`` (None when it can)."""
    if signal not in analysis.signals.unknown:
        return None
    if signal == "ramp_up":
        if analysis.dataset.staff["start_date"].isna().all():
            return "ws.unknown.ramp_up"
        return "ws.unknown.ramp_up_dates"
    return f"ws.unknown.{signal}"


def _flag_lights(lang: str) -> dict[str, dict[str, str]]:
    return {"flag": {t("yes", lang): "orange"}}


def _table(cols: Sequence[Column], frame: pd.DataFrame, lang: str, total: int) -> Table:
    left = total - len(frame)
    return Table(
        tuple(cols),
        _rows(frame, [c.field for c in cols], lang),
        traffic=_flag_lights(lang) if any(c.field == "flag" for c in cols) else {},
        note=tn("ws.more", left, lang) if left > 0 else None,
    )


def _management(analysis: Analysis, lang: str) -> list[Block]:
    m = analysis.signals.management
    basis = analysis.revenue_basis
    out: list[Block] = []
    if not len(m):
        out.append(Paragraph(t("ws.management.none", lang), "text", 8))
        return out
    fair = float(m["fair_share"].iloc[0])
    out.append(
        Paragraph(
            t("ws.management.lead", lang, fair=lb.percent(fair, lang) if fair == fair else ""),
            "text",
            8,
        )
    )
    frame = m.head(MAX_SIGNAL_ROWS).copy()
    frame["accounts_text"] = frame["accounts_sole"].map(lambda v: _names(v, lang))
    frame["flag"] = frame["flagged"].map(lambda v: _yes(v, lang))
    cols = [
        Column(t("col.staff", lang), "staff"),
        Column(t("col.role", lang), "role"),
        Column(t("ws.col.interactions", lang), "interactions", "int"),
        Column(t("ws.col.share", lang), "share", "percent"),
        Column(t("ws.col.fair_share", lang), "fair_share", "percent"),
        Column(t("col.n_sole", lang), "n_sole", "int"),
        Column(tb("col.revenue_sole", lang, basis), "revenue_sole", _money_kind(basis)),
        Column(t("col.accounts_sole", lang), "accounts_text", wrap=True),
        Column(t("ws.col.flagged", lang), "flag"),
    ]
    out.append(_table(cols, frame, lang, len(m)))
    return out


def _notes(analysis: Analysis, lang: str) -> list[Block]:
    s = analysis.signals.single_author_notes
    basis = analysis.revenue_basis
    if not len(s):
        return [Paragraph(t("ws.notes.none", lang), "text", 8)]
    authors = s["staff"].astype(str).value_counts()
    lead = tn(
        "ws.notes.lead",
        len(s),
        lang,
        people=lb.join_names(list(authors.index[:3]), lang),
        k=int(authors.iloc[0]),
    )
    cols = [
        Column(t("col.account", lang), "account"),
        Column(t("ws.col.author", lang), "staff"),
        Column(t("ws.col.notes", lang), "notes", "int"),
        Column(t("ws.col.last_note", lang), "last_note", "date"),
        Column(tb("col.revenue", lang, basis), "revenue", _money_kind(basis)),
    ]
    return [Paragraph(lead, "text", 8), _table(cols, s.head(MAX_SIGNAL_ROWS), lang, len(s))]


def _ramp(analysis: Analysis, lang: str) -> list[Block]:
    r = analysis.signals.ramp_up
    if not len(r):
        return [Paragraph(t("ws.ramp.none", lang), "text", 8)]
    median = float(r["team_median"].iloc[0])
    n = int(r["team_n"].iloc[0])
    if median == median:
        days = round(median)
        lead = tn("ws.ramp.lead", n, lang, days=tn("ws.days", days, lang))
    else:
        lead = t("ws.ramp.lead_none", lang)
    frame = r.head(MAX_SIGNAL_ROWS).copy()
    frame["held_text"] = frame["holds_accounts"].map(
        lambda v: t("ws.ramp.held" if v else "ws.ramp.not_yet", lang)
    )
    frame["newcomer_text"] = frame["newcomer"].map(lambda v: _yes(v, lang))
    frame["flag"] = frame["flagged"].map(lambda v: _yes(v, lang))
    frame["median"] = frame["team_median"]
    cols = [
        Column(t("col.staff", lang), "staff"),
        Column(t("ws.col.start", lang), "start_date", "date"),
        Column(t("ws.col.first_held", lang), "first_held", "date"),
        Column(t("ws.col.days", lang), "days", "int"),
        Column(t("ws.col.held", lang), "held_text"),
        Column(t("ws.col.median", lang), "median", "int"),
        Column(t("ws.col.newcomer", lang), "newcomer_text"),
        Column(t("ws.col.flagged", lang), "flag"),
    ]
    return [Paragraph(lead, "text", 8), _table(cols, frame, lang, len(r))]


def _key_accounts(analysis: Analysis, lang: str) -> list[Block]:
    k = analysis.signals.key_accounts
    basis = analysis.revenue_basis
    n_key = int(k.attrs.get("n_key_accounts", 0))
    revenue = float(k.attrs.get("key_revenue", 0.0))
    cur = lb.dataset_currency(analysis)
    lead = tn(
        "ws.key.lead",
        n_key,
        lang,
        amount=lb.money(revenue, lang, basis, cur),
    )
    if not len(k):
        return [Paragraph(lead + t("ws.key.none", lang), "text", 8)]
    frame = k.head(MAX_SIGNAL_ROWS).copy()
    frame["accounts_text"] = frame["accounts"].map(lambda v: _names(v, lang))
    frame["flag"] = frame["flagged"].map(lambda v: _yes(v, lang))
    cols = [
        Column(t("col.staff", lang), "staff"),
        Column(t("ws.col.n_key", lang), "n_key", "int"),
        Column(t("ws.col.key_accounts", lang), "accounts_text", wrap=True),
        Column(tb("col.revenue", lang, basis), "revenue", _money_kind(basis)),
        Column(t("ws.col.key_share", lang), "key_share", "percent"),
        Column(t("ws.col.flagged", lang), "flag"),
    ]
    return [Paragraph(lead, "text", 8), _table(cols, frame, lang, len(k))]


_BUILDERS = {
    "management": _management,
    "single_author_notes": _notes,
    "ramp_up": _ramp,
    "key_accounts_alone": _key_accounts,
}


def signals_sheet(analysis: Analysis, lang: str) -> SheetSpec:
    """Return the Weak signals sheet: the four signals, one block each."""
    blocks: list[Block] = [
        Paragraph(t("ws.title", lang), "title", 8),
        Paragraph(t("ws.intro", lang), "note", 8),
    ]
    for i, signal in enumerate(SIGNALS, start=1):
        blocks.append(Paragraph(f"{i}. {t(f'ws.{signal}.title', lang)}", "heading", 8))
        blocks.append(Paragraph(t(f"ws.{signal}.what", lang), "note", 8))
        unknown = _unknown(signal, analysis)
        if unknown is not None:
            blocks.append(Paragraph(t(unknown, lang), "text", 8))
            continue
        blocks += _BUILDERS[signal](analysis, lang)
    widths = {col: min(max(w, 11.0), _WIDTHS.get(col, 16.0)) for col, w in _widths(blocks).items()}
    widths[1] = max(widths.get(1, 0.0), 28.0)
    return SheetSpec("signals", t("sheet.signals", lang), blocks, [], widths, "7F6000")
