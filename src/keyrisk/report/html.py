"""The director's page: ``keyrisk-report.html``, one self-contained file to read in a minute.

Like the workbook (:mod:`keyrisk.report.sheets`), the page is first described as data by pure
functions (:func:`build_page` returns a :class:`Page` of :class:`Section` blocks), then written
by :func:`render_page` with the standard library's HTML escaping. Every text that comes from
the input (client and staff names, roles...) goes through one function, which escapes it and
removes the bidirectional controls that could reorder what surrounds it; cells from the input
are isolated in ``<bdi>``.

The file needs nothing else: no network, no external script, font or stylesheet (a Content
Security Policy in the page forbids them: only its own style and script, by their SHA-256, and
``data:`` images); the charts are the report's PNG files inlined as ``data:`` URIs, the trend
an inline SVG. It reads on a phone (tables scroll sideways) and prints on two A4 pages.

The trend and the changes since the last run are optional inputs, so that the page does not
depend on how they are computed:

``trend``
    A DataFrame with one row per quarter end, oldest first: ``as_of`` (a date) and any of the
    figures ``revenue_bus_factor``, ``account_bus_factor``, ``single_holder_revenue_share``,
    ``orphaned_accounts``, ``orphaned_revenue``, ``top_pair_share``. Other columns are left out.
``changes``
    A mapping or an object with, each optional: ``previous_as_of`` (a date), ``deltas`` (a
    DataFrame or list of records with ``figure``, ``before``, ``after``: figure names as above),
    ``newly_at_risk``, ``made_safe``, ``orphaned_since`` (DataFrames or records with ``account``
    and ``revenue``), ``rising_staff`` (``staff``, ``before``, ``after``: revenue held alone)
    and ``parameters`` (records with ``name``, ``before``, ``after``: parameters that differ).

Without them, the sections say so ("first report: nothing earlier to compare with").
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from keyrisk.report import labels as lb
from keyrisk.report.labels import TRACKED_FIGURES, t, tb, tracked_label

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis
    from keyrisk.plan import Plan
    from keyrisk.report.sheets import ReportMeta

__all__ = [
    "PAGE_NAME",
    "Bullets",
    "Cards",
    "Cell",
    "FigureCard",
    "HtmlTable",
    "Image",
    "Page",
    "Para",
    "Section",
    "Svg",
    "build_page",
    "render_page",
    "safe",
    "write_page",
]

#: File name of the page inside the output folder.
PAGE_NAME = "keyrisk-report.html"
#: Rows of the accounts and staff tables, on screen and printed (two A4 pages in all).
TOP_ACCOUNTS = 15
TOP_STAFF = 10
PRINT_ACCOUNTS = 8
PRINT_STAFF = 6
#: Quarters of the trend shown: this one against the last four.
TREND_QUARTERS = 5
#: Charts of the report inlined in the page, in order.
PAGE_CHARTS = ("orphaned", "revenue_held")

# Bidirectional embeddings, overrides and isolates, and the marks: an input text must not
# reorder the page around it.
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")


def safe(text: object) -> str:
    """Return ``text`` escaped for HTML (text and attribute values), bidi controls removed.

    Examples
    --------
    >>> safe('<script>"A" & B\\u202e</script>')
    '&lt;script&gt;&quot;A&quot; &amp; B&lt;/script&gt;'
    """
    return html.escape(_BIDI.sub("", str(text)), quote=True)


# --- the page as data --------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One table cell: the text shown, the value it sorts by, and whether it is input text."""

    text: str
    sort: float | str | None = None
    data: bool = False
    light: str | None = None


@dataclass(frozen=True)
class HtmlTable:
    """A table: headers (with whether the column is numeric), rows of cells, a note above.

    Printed, only the first ``print_rows`` rows are shown, with ``print_note`` for the note.
    """

    key: str
    headers: tuple[tuple[str, bool], ...]
    rows: tuple[tuple[Cell, ...], ...]
    sortable: bool = True
    note: str | None = None
    print_rows: int | None = None
    print_note: str | None = None


@dataclass(frozen=True)
class Para:
    """A paragraph; ``style`` is "text", "note", "empty" or "lead"."""

    text: str
    style: str = "text"


@dataclass(frozen=True)
class Bullets:
    """A list of sentences (numbered when ``ordered``)."""

    items: tuple[str, ...]
    ordered: bool = False


@dataclass(frozen=True)
class FigureCard:
    """One key figure: label, value as text, traffic light and a comment; a ``minor`` one is
    left out of the printed page."""

    label: str
    value: str
    light: str | None = None
    note: str = ""
    minor: bool = False


@dataclass(frozen=True)
class Cards:
    """Key figures shown as cards."""

    cards: tuple[FigureCard, ...]


@dataclass(frozen=True)
class Image:
    """An image inlined as a ``data:`` URI (PNG bytes) with its alternative text."""

    png: bytes
    alt: str


@dataclass(frozen=True)
class Svg:
    """An inline SVG drawing (already safe markup, built by this module) and its label."""

    markup: str
    label: str


Block = Para | Bullets | Cards | HtmlTable | Image | Svg


@dataclass(frozen=True)
class Section:
    """A titled part of the page; ``page`` is 1 or 2: the printed page it belongs to."""

    key: str
    title: str
    blocks: tuple[Block, ...]
    page: int = 1


@dataclass(frozen=True)
class Page:
    """The whole page: language, title, the line under it, the headline and its caveats."""

    lang: str
    title: str
    subtitle: str
    headline: str
    light: str | None
    caveats_title: str
    caveats: tuple[str, ...]
    sections: tuple[Section, ...]
    footer: tuple[str, ...] = field(default_factory=tuple)
    sort_hint: str = ""


# --- values ------------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and not math.isfinite(value)


def _num(value: Any) -> float | None:
    if _missing(value):
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _day(value: Any) -> dt.date | None:
    if _missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return pd.Timestamp(str(value)).date()
    except (ValueError, TypeError):
        return None


def _names(value: Any, lang: str) -> str:
    if isinstance(value, tuple | list):
        return t("list.sep", lang).join(str(v) for v in value)
    return "" if _missing(value) else str(value)


class _Fmt:
    """Formats of one page: numbers, shares, amounts and dates in the report language."""

    def __init__(self, lang: str, basis: str, currency: str | None) -> None:
        self.lang, self.basis, self.currency = lang, basis, currency

    def na(self) -> str:
        return t("value.not_available", self.lang)

    def int(self, value: Any) -> Cell:
        v = _num(value)
        return Cell(self.na() if v is None else lb.number(v, self.lang), v)

    def pct(self, value: Any) -> Cell:
        v = _num(value)
        return Cell(self.na() if v is None else lb.percent(v, self.lang), v)

    def money(self, value: Any) -> Cell:
        v = _num(value)
        if v is None:
            return Cell(self.na(), None)
        return Cell(lb.money(v, self.lang, self.basis, self.currency), v)

    def date(self, value: Any) -> Cell:
        d = _day(value)
        return Cell("" if d is None else lb.short_date(d, self.lang), None if d is None else str(d))

    def value(self, kind: str, value: Any) -> str:
        """The text of a key figure of :func:`keyrisk.report.sheets.summary.key_figures`."""
        if kind == "money":
            return self.money(value).text
        if kind in ("percent", "percent0"):
            return self.pct(value).text
        if kind == "int":
            return self.int(value).text
        if kind == "ratio":
            v = _num(value)
            return self.na() if v is None else lb.number(v, self.lang, 3)
        if isinstance(value, dt.date):
            return lb.date(value, self.lang)
        return "" if value is None else str(value)


def _get(obj: Any, name: str) -> Any:
    """``obj[name]`` for a mapping, else ``obj.name``; None when absent."""
    if obj is None:
        return None
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


def _records(value: Any) -> list[dict[str, Any]]:
    """Rows of a DataFrame, a list of mappings or of objects, as dicts."""
    if value is None:
        return []
    if isinstance(value, pd.DataFrame):
        return [dict(r) for r in value.astype(object).to_dict("records")]
    out = []
    for item in value:
        if isinstance(item, Mapping):
            out.append(dict(item))
        else:
            out.append({k: v for k, v in vars(item).items() if not k.startswith("_")})
    return out


# --- sections ------------------------------------------------------------------------------

#: Figures of the trend and the changes: catalogue key and format.
_FIGURES = TRACKED_FIGURES


def _figure_label(name: str, lang: str, basis: str) -> str:
    return tracked_label(name, lang, basis)


def _fmt_figure(f: _Fmt, name: str, value: Any) -> Cell:
    kind = _FIGURES[name][1]
    return {"int": f.int, "pct": f.pct, "money": f.money}[kind](value)


def _key_figures(analysis: Analysis, lang: str, f: _Fmt) -> Cards:
    from keyrisk.report.sheets.summary import key_figures

    # The clients' concentration is about clients, not people: on screen only.
    minor = {t(k, lang) for k in ("kf.client_hhi", "kf.elephant", "kf.top1", "kf.top5")}
    cards = []
    for kv in key_figures(analysis, lang).rows:
        value = f.value(kv.kind, kv.value)
        cards.append(FigureCard(kv.label, value, kv.light, kv.note, kv.label in minor))
    return Cards(tuple(cards))


def _line_svg(points: Sequence[tuple[str, float | None, str]], label: str, share: bool) -> str:
    """A small line chart (inline SVG) of one figure over the quarter ends."""
    width, height, pad = 320, 120, 28
    values = [v for _, v, _ in points if v is not None]
    if not values:
        return ""
    top = max(values) if not share else max(max(values), 0.0)
    bottom = min(min(values), 0.0)
    span = (top - bottom) or 1.0
    n = len(points)
    step = (width - 2 * pad) / max(n - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return pad + i * step, height - pad - (v - bottom) / span * (height - 2 * pad)

    shown = [(xy(i, v), text) for i, (_, v, text) in enumerate(points) if v is not None]
    path = " ".join(f"{x:.1f},{y:.1f}" for (x, y), _ in shown)
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3"/>'
        f'<text x="{x:.1f}" y="{y - 7:.1f}" text-anchor="middle" class="v">{safe(text)}</text>'
        for (x, y), text in shown
    )
    ticks = "".join(
        f'<text x="{pad + i * step:.1f}" y="{height - 8}" text-anchor="middle">{safe(q)}</text>'
        for i, (q, _, _) in enumerate(points)
    )
    return (
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{safe(label)}" '
        f'class="spark"><title>{safe(label)}</title>'
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        'class="axis"/>'
        f'<polyline points="{path}" class="line"/>{dots}{ticks}</svg>'
    )


def _trend_section(trend: pd.DataFrame | None, lang: str, f: _Fmt, basis: str) -> Section:
    title = t("page.trend", lang)
    if trend is None or len(trend) == 0 or "as_of" not in trend.columns:
        return Section("trend", title, (Para(t("page.trend.none", lang), "empty"),))
    rows = trend.tail(TREND_QUARTERS).reset_index(drop=True)
    names = [n for n in _FIGURES if n in rows.columns]
    headers = (
        (t("page.col.quarter_end", lang), False),
        *((_figure_label(n, lang, basis), True) for n in names),
    )
    body = []
    for rec in rows.astype(object).to_dict("records"):
        day = f.date(rec["as_of"])
        body.append((day, *(_fmt_figure(f, n, rec[n]) for n in names)))
    blocks: list[Block] = [HtmlTable("trend", headers, tuple(body), sortable=False)]
    if "single_holder_revenue_share" in names:
        label = _figure_label("single_holder_revenue_share", lang, basis)
        points = [
            (f.date(r["as_of"]).text, _num(cell.sort), cell.text)
            for r in rows.astype(object).to_dict("records")
            for cell in [f.pct(r["single_holder_revenue_share"])]
        ]
        markup = _line_svg(points, label, True)
        if markup:
            blocks.append(Svg(markup, label))
    return Section("trend", title, tuple(blocks))


def _data_cell(value: Any) -> Cell:
    """A cell of input text (a name): isolated, sorted by itself."""
    text = "" if _missing(value) else str(value)
    return Cell(text, text, True)


def _param_name(name: str, lang: str) -> str:
    key = f"param.{name}"
    return t(key, lang) if lb.has(key, lang) else name


#: The lists of accounts of the changes, in the order shown, and their traffic light.
_CHANGE_LISTS = (("newly_at_risk", "red"), ("orphaned_since", "red"), ("made_safe", "green"))


def _account_changes(changes: Any, lang: str, f: _Fmt, basis: str) -> HtmlTable | None:
    """One table of the accounts that changed: newly at risk, orphaned since, made safe."""
    headers = (
        (t("col.account", lang), False),
        (t("page.col.change", lang), False),
        (tb("col.revenue", lang, basis), True),
    )
    rows = []
    for order, (key, light) in enumerate(_CHANGE_LISTS):
        what = t(f"page.{key}", lang)
        for r in _records(_get(changes, key)):
            rows.append(
                (
                    _data_cell(r.get("account")),
                    Cell(what, order, False, light),
                    f.money(r.get("revenue")),
                )
            )
    return HtmlTable("changed_accounts", headers, tuple(rows), sortable=False) if rows else None


def _changes_section(changes: Any, lang: str, f: _Fmt, basis: str) -> Section:
    title = t("page.changes", lang)
    if changes is None:
        return Section("changes", title, (Para(t("page.changes.none", lang), "empty"),))
    blocks: list[Block] = []
    since = _day(_get(changes, "previous_as_of"))
    if since is not None:
        blocks.append(Para(t("page.changes.since", lang, date=lb.date(since, lang)), "lead"))
    deltas = [d for d in _records(_get(changes, "deltas")) if d.get("figure") in _FIGURES]
    if deltas:
        headers = (
            (t("kv.figure", lang), False),
            (t("page.col.before", lang), True),
            (t("page.col.now", lang), True),
        )
        rows = tuple(
            (
                Cell(_figure_label(str(d["figure"]), lang, basis)),
                _fmt_figure(f, str(d["figure"]), d.get("before")),
                _fmt_figure(f, str(d["figure"]), d.get("after")),
            )
            for d in deltas
        )
        blocks.append(HtmlTable("deltas", headers, rows, sortable=False))
    table = _account_changes(changes, lang, f, basis)
    if table is not None:
        blocks.append(table)
    rising = _records(_get(changes, "rising_staff"))
    if rising:
        headers = (
            (t("col.staff", lang), False),
            (t("page.col.before", lang), True),
            (t("page.col.now", lang), True),
        )
        rows = tuple(
            (
                Cell(str(r.get("staff", "")), str(r.get("staff", "")), True),
                f.money(r.get("before")),
                f.money(r.get("after")),
            )
            for r in rising
        )
        note = t("page.rising_staff", lang)
        blocks.append(HtmlTable("rising_staff", headers, rows, sortable=False, note=note))
    params = _records(_get(changes, "parameters"))
    if params:
        items = tuple(
            t(
                "page.changes.parameter",
                lang,
                name=t(f"param.{p['name']}", lang)
                if lb.has(f"param.{p['name']}", lang)
                else p["name"],
                before=str(p.get("before")),
                after=str(p.get("after")),
            )
            for p in params
        )
        blocks.append(Para(t("page.changes.parameters", lang), "lead"))
        blocks.append(Bullets(items))
    if not blocks or (since is not None and len(blocks) == 1):
        blocks.append(Para(t("page.changes.nothing", lang), "empty"))
    return Section("changes", title, tuple(blocks))


def _plan_section(plan: Plan, lang: str, f: _Fmt, basis: str) -> Section:
    b, a = plan.before, plan.after

    def bus(x: Any) -> Cell:
        return Cell(t("bus.not_reached", lang)) if x.value is None else f.int(x.value)

    def pair(x: Any) -> Cell:
        dep = x.top_pair
        return f.pct(dep.share) if dep is not None else Cell(t("note.none", lang))

    headers = (
        (t("kv.figure", lang), False),
        (t("page.plan.before", lang), True),
        (t("page.plan.after", lang), True),
    )
    rows = (
        (
            Cell(tb("kf.revenue_bus_factor", lang, basis)),
            bus(b.revenue_bus_factor),
            bus(a.revenue_bus_factor),
        ),
        (
            Cell(t("kf.account_bus_factor", lang)),
            bus(b.account_bus_factor),
            bus(a.account_bus_factor),
        ),
        (
            Cell(tb("kf.single_holder", lang, basis)),
            f.pct(b.single_holder_revenue_share),
            f.pct(a.single_holder_revenue_share),
        ),
        (Cell(tb("kf.top_pair", lang, basis)), pair(b), pair(a)),
    )
    text = t(
        "page.plan.text",
        lang,
        backups=plan.n_backups,
        owners=plan.n_owners,
        unassigned=plan.n_unassigned,
    )
    return Section(
        "plan",
        t("page.plan", lang),
        (Para(text, "lead"), HtmlTable("plan", headers, rows, sortable=False)),
        2,
    )


def _shown(
    key: str,
    headers: tuple[tuple[str, bool], ...],
    rows: Sequence[tuple[Cell, ...]],
    total: int,
    top: int,
    printed: int,
    lang: str,
) -> HtmlTable:
    """A sortable table of the first rows of ``total``, saying so when some are left out."""
    note = t("page.shown", lang, k=top, n=total) if total > top else None
    print_note = t("page.shown", lang, k=printed, n=total) if total > printed else None
    return HtmlTable(key, headers, tuple(rows), True, note, printed, print_note)


def _accounts_table(analysis: Analysis, lang: str, f: _Fmt) -> HtmlTable:
    from keyrisk.scoring import RISK_LEVELS

    basis = analysis.revenue_basis
    acc = analysis.accounts
    order = {lvl: i for i, lvl in enumerate(RISK_LEVELS)}
    lights = {"critical": "red", "high": "orange", "medium": "yellow", "low": "green"}
    headers = (
        (t("col.account", lang), False),
        (t("col.risk_level", lang), False),
        (tb("col.revenue", lang, basis), True),
        (t("col.bus_factor", lang), True),
        (t("col.holders", lang), False),
        (t("col.top_share", lang), True),
        (t("col.last_contact", lang), True),
    )
    rows = []
    for rec in acc.head(TOP_ACCOUNTS).astype(object).to_dict("records"):
        level = str(rec["risk_level"])
        holders = _names(rec["holders"], lang)
        rows.append(
            (
                Cell(str(rec["account"]), str(rec["account"]), True),
                Cell(t(f"risk.{level}", lang), order.get(level, 99), False, lights.get(level)),
                f.money(rec["revenue"]),
                f.int(rec["bus_factor"]),
                Cell(holders or "—", holders, True),
                f.pct(rec["top_share"]),
                f.date(rec["last_contact"]),
            )
        )
    return _shown("accounts", headers, rows, len(acc), TOP_ACCOUNTS, PRINT_ACCOUNTS, lang)


def _staff_table(analysis: Analysis, lang: str, f: _Fmt) -> HtmlTable:
    basis = analysis.revenue_basis
    total = analysis.portfolio.total_revenue
    st = analysis.staff.sort_values(
        ["revenue_sole", "revenue_held", "staff"], ascending=[False, False, True], kind="mergesort"
    )
    headers = (
        (t("col.staff", lang), False),
        (t("col.status", lang), False),
        (t("col.role", lang), False),
        (t("col.n_held", lang), True),
        (t("col.n_sole", lang), True),
        (tb("col.revenue_sole", lang, basis), True),
        (tb("col.sole_share", lang, basis), True),
    )
    rows = []
    for rec in st.head(TOP_STAFF).astype(object).to_dict("records"):
        active = bool(rec["active"])
        role = "" if _missing(rec["role"]) else str(rec["role"])
        share = _num(rec["revenue_sole"])
        rows.append(
            (
                Cell(str(rec["staff"]), str(rec["staff"]), True),
                Cell(
                    t("status.active" if active else "status.gone", lang),
                    int(active),
                    False,
                    None if active else "orange",
                ),
                Cell(role, role, True),
                f.int(rec["n_held"]),
                f.int(rec["n_sole"]),
                f.money(rec["revenue_sole"]),
                f.pct(share / total if share is not None and total > 0 else None),
            )
        )
    return _shown("staff", headers, rows, len(st), TOP_STAFF, PRINT_STAFF, lang)


def _headline_light(analysis: Analysis) -> str | None:
    from keyrisk.report.sheets import light_for

    return light_for("single_holder", analysis.portfolio.single_holder_revenue_share)


def build_page(
    analysis: Analysis,
    lang: str = "fr",
    meta: ReportMeta | None = None,
    *,
    trend: pd.DataFrame | None = None,
    changes: Any = None,
    plan: Plan | bool = True,
    charts: Mapping[str, str | os.PathLike[str]] | None = None,
) -> Page:
    """Describe the director's page of an analysis, every word in ``lang``.

    Parameters
    ----------
    analysis : keyrisk.analysis.Analysis
    lang : str, default "fr"
        A language of :data:`keyrisk.report.labels.LANGS`.
    meta : keyrisk.report.sheets.ReportMeta, optional
        Company, title, author, run date and version (the footer); none when omitted.
    trend : pandas.DataFrame, optional
        The quarter-end figures (see the module's docstring); absent: the section says so.
    changes : mapping or object, optional
        The changes since the previous run (see the module's docstring); absent: the section
        says it is the first report.
    plan : keyrisk.plan.Plan or bool, default True
        The continuity plan whose before/after is shown: True for ``analysis.plan()``, False
        for none.
    charts : mapping of str to path, optional
        Chart name -> PNG file (as written by :func:`keyrisk.report.charts.save_charts`); the
        charts of :data:`PAGE_CHARTS` found there are inlined.

    Returns
    -------
    Page
        Printed page 1 (and the first screen): headline, caveats, what to do now, key
        figures, trend, changes. Page 2: plan, charts, the riskiest accounts, the key people.

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk import Dataset, analyse
    >>> a = analyse(Dataset.from_frames(pd.DataFrame({"account": ["A"], "staff": ["Ann"]})))
    >>> page = build_page(a, "en", plan=False)
    >>> page.headline, [s.key for s in page.sections]
    ('100.0% of accounts depend on Ann', ['actions', 'figures', 'trend', 'changes', \
'accounts', 'staff'])
    """
    lang = lb.check_lang(lang)
    p = analysis.portfolio
    basis = analysis.revenue_basis
    f = _Fmt(lang, basis, lb.dataset_currency(analysis))
    from keyrisk.caveats import message
    from keyrisk.report.steps import next_steps

    as_of = (
        t("summary.as_of", lang, as_of=lb.date(analysis.as_of, lang))
        if analysis.as_of
        else t("summary.no_as_of", lang)
    )
    company = meta.company if meta else None
    by = t("print.prepared_by", lang, author=meta.author) if meta and meta.author else None
    subtitle = " · ".join(x for x in (company, as_of, by) if x)

    sections = [
        Section(
            "actions",
            t("block.next_steps", lang),
            (Bullets(tuple(next_steps(analysis, lang)), ordered=True),),
        ),
        Section("figures", t("block.key_figures", lang), (_key_figures(analysis, lang, f),)),
        _trend_section(trend, lang, f, basis),
        _changes_section(changes, lang, f, basis),
    ]
    chosen = analysis.plan() if plan is True else (plan or None)
    if chosen is not None:
        sections.append(_plan_section(chosen, lang, f, basis))
    images: list[Block] = []
    for name in PAGE_CHARTS:
        path = (charts or {}).get(name)
        if path is not None and Path(path).is_file():
            images.append(Image(Path(path).read_bytes(), t(f"page.chart.{name}", lang)))
    if images:
        sections.append(Section("charts", t("page.charts", lang), tuple(images), 2))
    sections.append(
        Section("accounts", t("page.accounts", lang), (_accounts_table(analysis, lang, f),), 2)
    )
    sections.append(Section("staff", t("page.staff", lang), (_staff_table(analysis, lang, f),), 2))

    footer = []
    if meta is not None:
        footer.append(
            t(
                "page.footer",
                lang,
                version=meta.version,
                date=lb.date(meta.run_date, lang),
                workbook="keyrisk-report.xlsx",
            )
        )
        if meta.pseudonymised:
            footer.append(t("page.pseudonymised", lang))
    footer.append(t("notice.1", lang))
    return Page(
        lang=lang,
        title=(meta.title if meta and meta.title else None) or t("summary.title", lang),
        subtitle=subtitle,
        headline=lb.headline(p.headline_facts, lang),
        light=_headline_light(analysis),
        caveats_title=t("page.caveats", lang),
        caveats=tuple(message(c, lang) for c in analysis.caveats),
        sections=tuple(sections),
        footer=tuple(footer),
        sort_hint=t("page.sort_hint", lang),
    )


# --- rendering ------------------------------------------------------------------------------

_CSS = """
:root{--ink:#1f2328;--muted:#57606a;--line:#d0d7de;--bg:#f6f8fa;--accent:#2f5597;
--red:#c00000;--orange:#d9730d;--yellow:#bf8f00;--green:#2e7d32}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,
sans-serif;color:var(--ink);background:#fff}
main{max-width:1100px;margin:0 auto;padding:16px}
header h1{font-size:1.15rem;font-weight:600;color:var(--muted);margin:0 0 2px}
header p{margin:0;color:var(--muted);font-size:.9rem}
.headline{margin:14px 0 10px;padding:14px 16px;border-left:6px solid var(--accent);
background:var(--bg);font-size:1.45rem;line-height:1.3;font-weight:700}
.headline.l-red{border-color:var(--red)}.headline.l-orange{border-color:var(--orange)}
.headline.l-yellow{border-color:var(--yellow)}.headline.l-green{border-color:var(--green)}
.caveats{margin:0 0 12px;padding:8px 14px;border:1px solid #e3b341;background:#fff8e1;
border-radius:6px;font-size:.92rem}
.caveats h2{font-size:.95rem;margin:2px 0 4px}
.caveats ul{margin:0;padding-left:1.1em}
section{margin:18px 0}
h2{font-size:1.1rem;margin:0 0 8px;padding-bottom:3px;border-bottom:1px solid var(--line)}
ol.actions{margin:0;padding-left:1.4em}ol.actions li{margin:0 0 6px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:8px}
.card{border:1px solid var(--line);border-left:5px solid var(--line);border-radius:6px;
padding:8px 10px;break-inside:avoid}
.card .k{font-size:.85rem;color:var(--muted)}
.card .v{font-size:1.3rem;font-weight:700}
.card .n{font-size:.8rem;color:var(--muted)}
.l-red{border-left-color:var(--red)}.l-orange{border-left-color:var(--orange)}
.l-yellow{border-left-color:var(--yellow)}.l-green{border-left-color:var(--green)}
.empty{color:var(--muted);font-style:italic}
.note{color:var(--muted);font-size:.85rem;margin:4px 0}
.lead{margin:4px 0 8px}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}
table{border-collapse:collapse;font-size:.88rem;min-width:100%}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:var(--bg);font-weight:600;vertical-align:bottom}
td:first-child{min-width:10em}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
th.num{text-align:right;min-width:6.5em}
th button{font:inherit;font-weight:600;color:inherit;background:none;border:0;padding:0;
cursor:pointer;text-align:inherit}
th[aria-sort=ascending] button::after{content:" \\25B2"}
th[aria-sort=descending] button::after{content:" \\25BC"}
td.c-red{color:var(--red);font-weight:600}td.c-orange{color:var(--orange);font-weight:600}
td.c-yellow{color:var(--yellow)}td.c-green{color:var(--green)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:10px}
.charts img{width:100%;height:auto;border:1px solid var(--line);border-radius:4px}
svg.spark{width:100%;max-width:420px;height:auto}
svg.spark .line{fill:none;stroke:var(--accent);stroke-width:2}
svg.spark circle{fill:var(--accent)}svg.spark .axis{stroke:var(--line)}
svg.spark text{font-size:9px;fill:var(--muted)}svg.spark text.v{fill:var(--ink)}
.print{display:none}
footer{margin-top:24px;padding-top:8px;border-top:1px solid var(--line);color:var(--muted);
font-size:.8rem}
@media (max-width:600px){main{padding:10px}.headline{font-size:1.2rem;padding:10px 12px}
.cards{grid-template-columns:1fr 1fr}.card .v{font-size:1.1rem}}
@page{size:A4;margin:11mm 10mm}
@media print{body{font-size:9pt}main{max-width:none;padding:0}
.headline{font-size:14pt;margin:6px 0}section{margin:5px 0;break-inside:auto}
h2{font-size:11pt;break-after:avoid}.cards{grid-template-columns:repeat(5,1fr);gap:4px}
.card{padding:3px 5px}.card .k{font-size:7.5pt}.card .v{font-size:10.5pt}.card .n{font-size:7pt}
ol.actions li{margin:0 0 2px}figure{display:none}.caveats{padding:4px 10px;font-size:8.5pt}
.scroll{overflow:visible}table{font-size:7.5pt}
th,td{padding:2px 4px}tr{break-inside:avoid}.sort-hint{display:none}
.charts{grid-template-columns:1fr 1fr}.charts img{max-height:45mm;object-fit:contain}
td{white-space:nowrap}th.num{min-width:0}td:first-child{min-width:0;max-width:48mm;overflow:hidden;
text-overflow:ellipsis}.lead{margin:2px 0 4px}
th button::after{content:none!important}
footer{font-size:7pt;margin-top:6px;padding-top:3px}footer p{margin:2px 0}
.screen,.minor{display:none}.print{display:inline}}
"""

_JS = """
(function(){
function key(td,num){var s=td.getAttribute('data-sort');
if(num){var x=parseFloat(s===null?td.textContent:s);return isNaN(x)?-Infinity:x}
return (s===null?td.textContent:s).trim()}
document.querySelectorAll('table.sortable').forEach(function(table){
var heads=table.tHead.rows[0].cells;
Array.prototype.forEach.call(heads,function(th,col){var b=th.querySelector('button');
if(!b)return;b.addEventListener('click',function(){
var num=th.classList.contains('num');
var dir=th.getAttribute('aria-sort')==='ascending'?'descending':'ascending';
Array.prototype.forEach.call(heads,function(h){h.removeAttribute('aria-sort')});
th.setAttribute('aria-sort',dir);var body=table.tBodies[0];
var rows=Array.prototype.slice.call(body.rows);var lang=document.documentElement.lang;
rows.sort(function(a,b){var x=key(a.cells[col],num),y=key(b.cells[col],num);
var c=num?(x<y?-1:x>y?1:0):String(x).localeCompare(String(y),lang,{sensitivity:'base'});
return dir==='ascending'?c:-c});
var keep=parseInt(table.getAttribute('data-print-rows')||'0',10);
rows.forEach(function(r,i){if(keep)r.classList.toggle('screen',i>=keep);body.appendChild(r)})
})})})})();
"""


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _cell(cell: Cell, numeric: bool) -> str:
    classes = []
    if numeric:
        classes.append("num")
    if cell.light:
        classes.append(f"c-{cell.light}")
    cls = f' class="{" ".join(classes)}"' if classes else ""
    sort = ""
    if cell.sort is not None:
        value = repr(float(cell.sort)) if isinstance(cell.sort, int | float) else cell.sort
        sort = f' data-sort="{safe(value)}"'
    text = safe(cell.text)
    if cell.data and text:
        text = f"<bdi>{text}</bdi>"
    return f"<td{cls}{sort}>{text}</td>"


def _table(table: HtmlTable, hint: str) -> str:
    heads = []
    for header, numeric in table.headers:
        cls = ' class="num"' if numeric else ""
        label = safe(header)
        if table.sortable:
            label = f'<button type="button">{label}</button>'
        heads.append(f'<th scope="col"{cls}>{label}</th>')
    limit = len(table.rows) if table.print_rows is None else table.print_rows
    rows = "".join(
        ("<tr>" if i < limit else '<tr class="screen">')
        + "".join(_cell(c, n) for c, (_, n) in zip(row, table.headers, strict=True))
        + "</tr>"
        for i, row in enumerate(table.rows)
    )
    cls = ' class="sortable"' if table.sortable else ""
    if table.print_rows is not None:
        cls += f' data-print-rows="{int(table.print_rows)}"'
    out = []
    if table.print_note:
        screen = f'<span class="screen">{safe(table.note)}</span>' if table.note else ""
        printed = f'<span class="print">{safe(table.print_note)}</span>'
        out.append(f'<p class="note">{screen}{printed}</p>')
    elif table.note:
        out.append(f'<p class="note">{safe(table.note)}</p>')
    if table.sortable and hint:
        out.append(f'<p class="note sort-hint">{safe(hint)}</p>')
    out.append(
        f'<div class="scroll"><table id="t-{safe(table.key)}"{cls}>'
        f"<thead><tr>{''.join(heads)}</tr></thead><tbody>{rows}</tbody></table></div>"
    )
    return "".join(out)


def _block(block: Block, hint: str) -> str:
    if isinstance(block, Para):
        return f'<p class="{safe(block.style)}">{safe(block.text)}</p>'
    if isinstance(block, Bullets):
        tag = "ol" if block.ordered else "ul"
        cls = ' class="actions"' if block.ordered else ""
        items = "".join(f"<li>{safe(i)}</li>" for i in block.items)
        return f"<{tag}{cls}>{items}</{tag}>"
    if isinstance(block, Cards):
        cards = "".join(
            f'<div class="card{f" l-{c.light}" if c.light else ""}{" minor" if c.minor else ""}">'
            f'<div class="k">{safe(c.label)}</div><div class="v">{safe(c.value)}</div>'
            + (f'<div class="n">{safe(c.note)}</div>' if c.note else "")
            + "</div>"
            for c in block.cards
        )
        return f'<div class="cards">{cards}</div>'
    if isinstance(block, HtmlTable):
        return _table(block, hint)
    if isinstance(block, Image):
        data = base64.b64encode(block.png).decode("ascii")
        return f'<img src="data:image/png;base64,{data}" alt="{safe(block.alt)}">'
    return f"<figure>{block.markup}</figure>"


def render_page(page: Page) -> str:
    """Return the HTML of a page: one document, its style and script inline.

    Examples
    --------
    >>> page = Page("en", "T", "", "H <b>", None, "C", ("x & y",), ())
    >>> text = render_page(page)
    >>> '<html lang="en">' in text, "H &lt;b&gt;" in text, "x &amp; y" in text
    (True, True, True)
    """
    css, js = _CSS.strip(), _JS.strip()
    csp = (
        "default-src 'none'; img-src data:; "
        f"style-src {_csp_hash(css)}; script-src {_csp_hash(js)}; "
        "base-uri 'none'; form-action 'none'"
    )
    light = f" l-{page.light}" if page.light else ""
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{safe(page.lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{safe(page.title)}</title>",
        f"<style>{css}</style>",
        "</head>",
        "<body><main>",
        f"<header><h1>{safe(page.title)}</h1>",
        f"<p>{safe(page.subtitle)}</p></header>" if page.subtitle else "</header>",
        f'<p class="headline{light}" id="headline">{safe(page.headline)}</p>',
    ]
    if page.caveats:
        items = "".join(f"<li>{safe(c)}</li>" for c in page.caveats)
        parts.append(
            f'<aside class="caveats"><h2>{safe(page.caveats_title)}</h2><ul>{items}</ul></aside>'
        )
    first_p2 = True
    for section in page.sections:
        cls = ""
        if section.page == 2 and first_p2:
            cls, first_p2 = ' class="p2-start"', False
        body = "".join(_block(b, page.sort_hint) for b in section.blocks)
        if section.key == "charts":
            body = f'<div class="charts">{body}</div>'
        parts.append(
            f'<section id="{safe(section.key)}"{cls}><h2>{safe(section.title)}</h2>{body}</section>'
        )
    if page.footer:
        parts.append("<footer>" + "".join(f"<p>{safe(x)}</p>" for x in page.footer) + "</footer>")
    parts += ["</main>", f"<script>{js}</script>", "</body></html>", ""]
    return "\n".join(parts)


def write_page(
    analysis: Analysis,
    folder: str | os.PathLike[str],
    lang: str = "fr",
    meta: ReportMeta | None = None,
    *,
    trend: pd.DataFrame | None = None,
    changes: Any = None,
    plan: Plan | bool = True,
    charts: Mapping[str, str | os.PathLike[str]] | None = None,
) -> Path:
    """Write ``folder/keyrisk-report.html`` (atomically) and return its path.

    The arguments are those of :func:`build_page`. The same analysis and arguments give the
    same bytes.
    """
    from keyrisk.report.files import atomic_write

    page = build_page(analysis, lang, meta, trend=trend, changes=changes, plan=plan, charts=charts)
    path = Path(folder) / PAGE_NAME
    with atomic_write(path) as handle:
        handle.write(render_page(page))
    return path
