"""The workbook described independently of any Excel engine.

Like pandas' Excel writer, the content (what goes where, in which format, with which
highlighting) is decided here by pure functions, and :mod:`keyrisk.report.excel` only renders
it with openpyxl. :func:`build_sheets` turns an :class:`~keyrisk.analysis.Analysis` and a
language into a list of :class:`SheetSpec`; every label comes from
:mod:`keyrisk.report.labels`. Values are plain Python values (str, int, float, datetime.date or
None); text from the input is made inert by the renderer (:func:`keyrisk.report.safety.safe_text`
on every text cell).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from keyrisk.report import labels as lb
from keyrisk.report.labels import t, tb

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis
    from keyrisk.portfolio import BusFactor, Departure

__all__ = [
    "KINDS",
    "LIGHTS",
    "Column",
    "ImageSpec",
    "KeyValue",
    "KeyValues",
    "Paragraph",
    "ReportMeta",
    "SheetSpec",
    "Table",
    "build_sheets",
    "light_for",
    "next_steps",
]

#: Number format kinds of a cell.
KINDS = ("text", "int", "number", "money", "percent", "ratio", "date")
#: Traffic-light colours, worst first.
LIGHTS = ("red", "orange", "yellow", "green")
#: Rows of the client shares table.
TOP_CLIENTS = 50
#: Problems listed in the data-quality sheet at most.
MAX_PROBLEMS = 20000


@dataclass(frozen=True)
class Column:
    """One column of a table: its header, the field it shows and its number format kind."""

    header: str
    field: str
    kind: str = "text"
    wrap: bool = False


@dataclass(frozen=True)
class Table:
    """A table: a header row then one row per record.

    Attributes
    ----------
    columns : tuple of Column
    rows : list of tuple
        Plain values, in the order of ``columns``.
    title : str or None
        A bold line above the table.
    autofilter, freeze : bool
        Filter buttons on the header; panes frozen below the header (and right of the first
        column).
    data_bars, color_scales : tuple of str
        Fields shown with data bars, resp. a white-to-red colour scale.
    traffic : dict
        Field -> {cell text: light colour}: conditional fills on that column.
    note : str or None
        A line below the table.
    """

    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]]
    title: str | None = None
    autofilter: bool = False
    freeze: bool = False
    data_bars: tuple[str, ...] = ()
    color_scales: tuple[str, ...] = ()
    traffic: dict[str, dict[str, str]] = field(default_factory=dict)
    note: str | None = None


@dataclass(frozen=True)
class KeyValue:
    """One line of a key-value block: label, value, its kind, a traffic light and a note."""

    label: str
    value: Any
    kind: str = "text"
    light: str | None = None
    note: str = ""


@dataclass(frozen=True)
class KeyValues:
    """A block of labelled values (columns: label, value, signal, comment)."""

    rows: tuple[KeyValue, ...]
    title: str | None = None
    headers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Paragraph:
    """A line of text: ``style`` is "title", "headline", "heading", "text" or "note".

    ``span`` columns are merged and the text wrapped in them.
    """

    text: str
    style: str = "text"
    span: int = 1


Block = Table | KeyValues | Paragraph


@dataclass(frozen=True)
class ImageSpec:
    """A chart (by name, see :data:`keyrisk.report.charts.CHARTS`) anchored at a cell."""

    chart: str
    anchor: str
    width: int = 760


@dataclass
class SheetSpec:
    """One worksheet: title, blocks stacked from A1 (a blank row between), images, widths."""

    key: str
    title: str
    blocks: list[Block]
    images: list[ImageSpec] = field(default_factory=list)
    column_widths: dict[int, float] = field(default_factory=dict)
    tab_color: str | None = None


@dataclass(frozen=True)
class ReportMeta:
    """What the report says about itself (the run date is the only varying field)."""

    version: str
    run_date: dt.date
    pseudonymised: bool = False
    inputs: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """Return ``value`` as a plain Python value (missing -> None, Timestamp -> date)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, tuple | list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _yes(flag: Any, lang: str) -> str:
    return t("yes" if bool(flag) else "no", lang)


def _money_kind(basis: str) -> str:
    return "money" if basis == "revenue" else "int"


def _share(value: float, total: float) -> float | None:
    return value / total if total > 0 else None


def light_for(name: str, value: Any) -> str | None:
    """Return the traffic light of a key figure (None when not applicable).

    Parameters
    ----------
    name : str
        "bus_factor", "single_holder", "orphaned_share", "top_departure", "top_pair",
        "us_band", "elephant", "top1" or "top5".
    value : number or str

    Returns
    -------
    {"red", "orange", "yellow", "green"} or None

    Notes
    -----
    Rules of thumb, stated in the Method sheet: bus factor 0-1 red, 2 orange, 3 yellow;
    single-holder share >= 50% red, >= 30% orange, >= 10% yellow; costliest departure >= 25%
    red, >= 15% orange, >= 5% yellow; costliest pair >= 40%, 25%, 10%; orphaned share >= 5%
    red, >= 2% orange, > 0 yellow; elephant factor 1 red, 2-3 orange, 4-5 yellow; largest client
    >= 20%, 10%, 5%; five largest >= 60%, 40%, 25%; client HHI by its US 2023 band.

    Examples
    --------
    >>> light_for("bus_factor", 2), light_for("single_holder", 0.05)
    ('orange', 'green')
    """
    if value is None:
        return None
    if name == "bus_factor":
        if value <= 1:
            return "red"
        return {2: "orange", 3: "yellow"}.get(int(value), "green")
    if name == "us_band":
        return {
            "highly concentrated": "red",
            "moderately concentrated": "orange",
            "unconcentrated": "green",
        }.get(str(value))
    if name == "elephant":
        if value <= 0:
            return None
        return (
            "red" if value <= 1 else "orange" if value <= 3 else "yellow" if value <= 5 else "green"
        )
    if name == "orphaned_share":
        if value <= 0:
            return "green"
        return "red" if value >= 0.05 else "orange" if value >= 0.02 else "yellow"
    cuts = {
        "single_holder": (0.5, 0.3, 0.1),
        "top_departure": (0.25, 0.15, 0.05),
        "top_pair": (0.4, 0.25, 0.1),
        "top1": (0.2, 0.1, 0.05),
        "top5": (0.6, 0.4, 0.25),
    }[name]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    for colour, cut in zip(LIGHTS[:3], cuts, strict=True):
        if value >= cut:
            return colour
    return "green"


def _names_short(names: Sequence[str], limit: int = 10) -> str:
    shown = "; ".join(names[:limit])
    more = len(names) - limit
    return shown + (f"; … (+{more})" if more > 0 else "")


def _file_name(path: str | None) -> str:
    if not path:
        return ""
    return Path(str(path)).name or str(path)


# --------------------------------------------------------------------------------------------
# Summary
# --------------------------------------------------------------------------------------------


def _bus_row(label: str, bus: BusFactor, total: float, lang: str, basis: str) -> KeyValue:
    target = lb.percent(bus.target / total, lang) if total > 0 else ""
    if bus.value is None:
        return KeyValue(
            label,
            t("bus.not_reached", lang),
            "text",
            "green" if total > 0 else None,
            t("note.bus_none", lang, target=target) if total > 0 else "",
        )
    if bus.value == 0:
        note = t(
            "note.bus_zero",
            lang,
            share=lb.percent(bus.already_orphaned / total, lang),
            target=target,
        )
        return KeyValue(label, 0, "int", "red", note)
    people = list(bus.staff[: bus.value])
    reached = bus.cumulative[len(people) - 1] if bus.cumulative else bus.target
    method = t(f"method.{bus.method}", lang)
    if bus.method != "exact" and bus.lower_bound is not None:
        method += " ; " if lang == "fr" else "; "
        method += t("note.lower_bound", lang, lower=bus.lower_bound)
    note = t(
        "note.bus",
        lang,
        people=lb.join_names(people, lang),
        share=lb.percent(reached / total, lang),
        target=target,
        method=method,
    )
    return KeyValue(label, int(bus.value), "int", light_for("bus_factor", bus.value), note)


def _departure_note(dep: Departure, lang: str, basis: str) -> str:
    return t(
        "note.departure",
        lang,
        people=lb.join_names(list(dep.leave), lang),
        amount=lb.money(dep.revenue_at_risk, lang, basis),
        n=len(dep.newly_orphaned),
    )


def key_figures(analysis: Analysis, lang: str) -> KeyValues:
    """Return the key figures block of the summary, with traffic lights and notes."""
    p = analysis.portfolio
    basis = analysis.revenue_basis
    total = p.total_revenue
    rows: list[KeyValue] = [
        KeyValue(tb("kf.total_revenue", lang, basis), total, _money_kind(basis)),
        KeyValue(t("kf.accounts", lang), p.n_accounts, "int"),
        KeyValue(t("kf.staff", lang), f"{p.n_staff_active} / {p.n_staff}"),
        _bus_row(
            tb("kf.revenue_bus_factor", lang, basis), p.revenue_bus_factor, total, lang, basis
        ),
        _bus_row(
            t("kf.account_bus_factor", lang),
            p.account_bus_factor,
            float(p.n_accounts),
            lang,
            "count",
        ),
        KeyValue(
            tb("kf.single_holder", lang, basis),
            p.single_holder_revenue_share,
            "percent",
            light_for("single_holder", p.single_holder_revenue_share),
            t("note.single_holder", lang),
        ),
    ]
    orphaned_share = _share(p.orphaned_revenue, total)
    largest = ""
    acc = analysis.accounts
    orphans = acc[acc["orphaned"]]
    if len(orphans):
        largest = str(
            orphans.sort_values("revenue", ascending=False, kind="mergesort")["account"].iloc[0]
        )
    rows.append(
        KeyValue(
            t("kf.orphaned_accounts", lang),
            p.orphaned_accounts,
            "int",
            light_for("orphaned_share", orphaned_share),
            t(
                "note.orphaned",
                lang,
                amount=lb.money(p.orphaned_revenue, lang, basis),
                share=lb.percent(orphaned_share or 0.0, lang, 1),
                largest=largest or t("note.none", lang),
            )
            if p.orphaned_accounts
            else "",
        )
    )
    for key, dep, light in (
        ("kf.top_departure", p.top_departure, "top_departure"),
        ("kf.top_pair", p.top_pair, "top_pair"),
    ):
        if dep is None:
            rows.append(KeyValue(tb(key, lang, basis), t("note.none", lang)))
        else:
            rows.append(
                KeyValue(
                    tb(key, lang, basis),
                    dep.share,
                    "percent",
                    light_for(light, dep.share),
                    _departure_note(dep, lang, basis),
                )
            )
    c = p.client_concentration
    if basis == "revenue" and c.n_clients > 0:
        top1_name = str(c.shares.index[0]) if len(c.shares) else ""
        rows += [
            KeyValue(
                t("kf.client_hhi", lang),
                c.hhi,
                "ratio",
                light_for("us_band", c.us_2023_band),
                t(
                    "note.hhi",
                    lang,
                    us=t(f"band.{c.us_2023_band}", lang),
                    eu=t(f"band.{c.eu_2004_band}", lang),
                ),
            ),
            KeyValue(
                t("kf.elephant", lang),
                c.elephant_factor,
                "int",
                light_for("elephant", c.elephant_factor),
                t("note.elephant", lang, n=c.n_clients),
            ),
            KeyValue(
                t("kf.top1", lang),
                c.top1_share,
                "percent",
                light_for("top1", c.top1_share),
                top1_name,
            ),
            KeyValue(
                t("kf.top5", lang),
                c.top5_share,
                "percent",
                light_for("top5", c.top5_share),
                t("note.large_clients", lang, n=len(c.large_clients)),
            ),
        ]
    headers = tuple(t(k, lang) for k in ("kv.figure", "kv.value", "kv.signal", "kv.comment"))
    return KeyValues(tuple(rows), t("block.key_figures", lang), headers)


def _first_by_revenue(names: Iterable[str], revenue: dict[str, float]) -> str:
    items = list(names)
    if not items:
        return ""
    return sorted(items, key=lambda a: (-(revenue.get(a) or 0.0), a))[0]


def next_steps(analysis: Analysis, lang: str) -> list[str]:
    """Return 3 to 5 plain recommendations derived from the figures, most urgent first.

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk import Dataset, analyse
    >>> ds = Dataset.from_frames(pd.DataFrame({"account": ["A", "B"], "staff": ["Ann", "Ann"]}))
    >>> next_steps(analyse(ds), "en")[0].startswith("Name a second holder for the 2 accounts")
    True
    """
    p = analysis.portfolio
    basis = analysis.revenue_basis
    total = p.total_revenue
    acc = analysis.accounts
    revenue = {
        str(a): (0.0 if pd.isna(r) else float(r))
        for a, r in zip(acc["account"], acc["revenue"], strict=True)
    }
    staff = analysis.staff
    bus = p.revenue_bus_factor
    key_people = list(bus.staff[: bus.value]) if bus.value else []
    sole = staff[staff["active"] & (staff["n_sole"] > 0)]
    backups: list[str] = []
    for rec in sole.head(2).itertuples(index=False):
        n = int(rec.n_sole)
        backups.append(
            tb(
                "todo.backup1" if n == 1 else "todo.backup",
                lang,
                basis,
                n=n,
                name=str(rec.staff),
                amount=lb.money(float(rec.revenue_sole), lang, basis),
                share=lb.percent(float(rec.revenue_sole) / total if total > 0 else 0.0, lang),
                first=_first_by_revenue(rec.accounts_sole, revenue),
            )
        )
    out: list[str] = backups[:1]
    if p.orphaned_accounts:
        orphans = acc.loc[acc["orphaned"], "account"].astype(str).tolist()
        out.append(
            t(
                "todo.orphaned1" if p.orphaned_accounts == 1 else "todo.orphaned",
                lang,
                n=p.orphaned_accounts,
                amount=lb.money(p.orphaned_revenue, lang, basis),
                first=_first_by_revenue(orphans, revenue),
            )
        )
    # staff who already touch single-holder accounts without holding them: natural backups.
    h = analysis.holders
    single = set(acc.loc[acc["bus_factor"] == 1, "account"].astype(str))
    helpers = h[(~h["is_holder"]) & h["active"] & (h["weight"] > 0)]
    helpers = helpers[helpers["account"].astype(str).isin(single)]
    if len(helpers):
        counts = helpers.groupby(helpers["staff"].astype(str)).size()
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        out.append(
            t(
                "todo.involve1" if len(ranked) == 1 else "todo.involve",
                lang,
                people=lb.join_names([name for name, _ in ranked], lang),
                n=int(helpers["account"].nunique()),
            )
        )
    people = key_people or sole["staff"].astype(str).head(2).tolist()
    if people:
        key = "todo.history1" if len(people) == 1 else "todo.history"
        out.append(t(key, lang, people=lb.join_names(people, lang)))
    large = p.client_concentration.large_clients
    if basis == "revenue" and len(large):
        names = large["account"].astype(str).head(3).tolist()
        out.append(t("todo.clients", lang, names=", ".join(names)))
    out += backups[1:]
    out = out[:4]
    out.append(t("todo.crm", lang))
    return out


def _param_value(name: str, value: Any, lang: str) -> tuple[Any, str]:
    if value is None:
        return t("param.none", lang), "text"
    if name == "kind_weights":
        if not value:
            return t("param.all_one", lang), "text"
        return "; ".join(f"{k} = {lb.number(v, lang, 2)}" for k, v in value.items()), "text"
    if name in ("holder_ratio", "coverage"):
        return float(value), "percent"
    if isinstance(value, dt.date):
        return value, "date"
    if isinstance(value, float):
        return value, "number"
    return value, "int" if isinstance(value, int) else "text"


def parameters(analysis: Analysis, lang: str) -> KeyValues:
    """Return the parameters used, with the resolved analysis date."""
    rows = []
    settings = analysis.settings.as_dict()
    settings["as_of"] = analysis.as_of
    settings["kind_weights"] = dict(analysis.settings.kind_weights)
    for name, value in settings.items():
        shown, kind = _param_value(name, value, lang)
        rows.append(KeyValue(t(f"param.{name}", lang), shown, kind, None, name))
    return KeyValues(tuple(rows), t("block.parameters", lang))


def coverage(analysis: Analysis, lang: str) -> KeyValues:
    """Return the data coverage block: files, rows, period, analysis date."""
    report = analysis.dataset.report
    rows_count = report.rows
    inter = analysis.dataset.interactions
    dates = inter["date"].dropna() if "date" in inter.columns else pd.Series(dtype="datetime64[ns]")
    rows = [
        KeyValue(t("cov.files", lang), len(report.files), "int"),
        KeyValue(t("cov.read", lang), rows_count.read, "int"),
        KeyValue(t("cov.used", lang), rows_count.used, "int"),
        KeyValue(t("cov.skipped", lang), rows_count.skipped, "int"),
        KeyValue(t("cov.rejected", lang), rows_count.rejected, "int"),
        KeyValue(t("cov.interactions", lang), len(inter), "int"),
        KeyValue(t("cov.problems", lang), len(report.problems), "int"),
    ]
    if len(dates):
        start, end = pd.Timestamp(dates.min()).date(), pd.Timestamp(dates.max()).date()
        rows.append(
            KeyValue(
                t("cov.period", lang),
                t(
                    "cov.period_value",
                    lang,
                    start=_date_text(start, lang),
                    end=_date_text(end, lang),
                ),
            )
        )
    rows.append(
        KeyValue(t("cov.as_of", lang), analysis.as_of, "date" if analysis.as_of else "text")
    )
    rows.append(KeyValue(t("cov.basis", lang), t(f"basis.{analysis.revenue_basis}", lang)))
    return KeyValues(tuple(rows), t("block.coverage", lang))


def _date_text(day: dt.date, lang: str) -> str:
    return day.strftime("%d/%m/%Y") if lang == "fr" else day.isoformat()


def metadata(analysis: Analysis, lang: str, meta: ReportMeta) -> KeyValues:
    """Return the metadata block: version, dates, pseudonymisation, input files and SHA-256."""
    rows = [
        KeyValue(t("meta.tool", lang), t("meta.version", lang, version=meta.version)),
        KeyValue(t("meta.run_date", lang), meta.run_date, "date"),
        KeyValue(
            t("meta.as_of", lang),
            analysis.as_of if analysis.as_of else t("summary.no_as_of", lang),
            "date" if analysis.as_of else "text",
        ),
        KeyValue(t("meta.pseudonymised", lang), _yes(meta.pseudonymised, lang)),
        KeyValue(t("meta.language", lang), t("meta.language_value", lang)),
    ]
    for f in analysis.dataset.report.files:
        rows.append(
            KeyValue(
                t("meta.file", lang),
                _file_name(f.path),
                "text",
                None,
                t("meta.sha", lang, sha=f.sha256 or t("value.not_available", lang)),
            )
        )
    return KeyValues(tuple(rows), t("block.metadata", lang))


def summary_sheet(analysis: Analysis, lang: str, meta: ReportMeta) -> SheetSpec:
    """Return the Summary sheet: headline, key figures, next steps, parameters, coverage."""
    p = analysis.portfolio
    head = lb.headline(
        p.revenue_bus_factor,
        p.single_holder_revenue_share,
        p.total_revenue,
        analysis.revenue_basis,
        lang,
    )
    as_of = (
        t("summary.as_of", lang, as_of=_date_text(analysis.as_of, lang))
        if analysis.as_of
        else t("summary.no_as_of", lang)
    )
    blocks: list[Block] = [
        Paragraph(t("summary.title", lang), "title", 4),
        Paragraph(head, "headline", 4),
        Paragraph(as_of, "note", 4),
        key_figures(analysis, lang),
        Paragraph(t("block.next_steps", lang), "heading", 4),
    ]
    for i, step in enumerate(next_steps(analysis, lang), start=1):
        blocks.append(Paragraph(f"{i}. {step}", "text", 4))
    blocks += [
        parameters(analysis, lang),
        coverage(analysis, lang),
        metadata(analysis, lang, meta),
        Paragraph(t("block.notice", lang), "heading", 4),
        Paragraph(t("notice.1", lang), "text", 4),
        Paragraph(t("notice.2", lang), "text", 4),
    ]
    images = [
        ImageSpec("orphaned", "F2"),
        ImageSpec("revenue_held", "F27"),
        ImageSpec("bus_factor", "F52"),
    ]
    widths = {1: 50.0, 2: 16.0, 3: 14.0, 4: 70.0}
    return SheetSpec("summary", t("sheet.summary", lang), blocks, images, widths, "C00000")


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


def _rows(frame: pd.DataFrame, columns: Sequence[Column]) -> list[tuple[Any, ...]]:
    fields = [c.field for c in columns]
    data = frame[fields].astype(object)
    return [tuple(_plain(v) for v in rec) for rec in data.itertuples(index=False, name=None)]


def _widths(blocks: Iterable[Block], start: dict[int, float] | None = None) -> dict[int, float]:
    """Return column widths (in characters) fitting the tables' headers and values."""
    widths: dict[int, float] = dict(start or {})
    for block in blocks:
        if not isinstance(block, Table):
            continue
        for i, col in enumerate(block.columns, start=1):
            longest = len(col.header)
            for row in block.rows[:500]:
                value = row[i - 1]
                if value is None:
                    continue
                if isinstance(value, float):
                    n = 14 if col.kind == "money" else 9
                elif isinstance(value, dt.date):
                    n = 11
                else:
                    n = len(str(value))
                longest = max(longest, n)
            cap = 60.0 if col.wrap else 48.0
            width = min(max(float(longest) + 2.0, 8.0), cap)
            widths[i] = max(widths.get(i, 0.0), width)
    return widths


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
    risk = {lvl: t(f"risk.{lvl}", lang) for lvl in ("critical", "high", "medium", "low")}
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
        _rows(acc, cols),
        autofilter=True,
        freeze=True,
        data_bars=("revenue", "top_share") if basis == "revenue" else ("top_share",),
        traffic={"risk_text": _risk_lights(lang)},
    )
    return SheetSpec("accounts", t("sheet.accounts", lang), [table], [], _widths([table]))


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
        .map(lambda v: "" if v is None or v is pd.NA else t(f"gone.{v}", lang, days=days))
    )
    st["sole_share"] = st["revenue_sole"] / total if total > 0 else 0.0
    st["sole_list"] = st["accounts_sole"].map(
        lambda names: _names_short(
            sorted((str(n) for n in names), key=lambda a: (-revenue.get(a, 0.0), a))
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
        _rows(st, cols),
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
            _rows(tops, cols),
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
            _rows(c.large_clients, large_cols),
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
            _rows(frame, share_cols),
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


def quality_sheet(analysis: Analysis, lang: str) -> SheetSpec:
    """Return the Data quality sheet: files, mappings, problems, near-duplicate names."""
    report = analysis.dataset.report
    files = []
    mapping = []
    for f in report.files:
        name = _file_name(f.path)
        delim = f.delimiter
        if delim == "\t":
            delim = t("delimiter.tab", lang)
        role = t(f"role.{f.role}", lang) if f"role.{f.role}" in lb.LABELS[lang] else f.role
        files.append(
            (
                name,
                role,
                f.format,
                f.encoding,
                delim,
                f.sheet,
                f.header_row,
                f.layout,
                f.date_policy,
                f.rows.read,
                f.rows.used,
                f.rows.skipped,
                f.rows.rejected,
                f.sha256,
            )
        )
        for canon, source in f.mapping.items():
            mapping.append((name, canon, source))
    file_cols = (
        Column(t("col.file", lang), "file"),
        Column(t("col.role_file", lang), "role"),
        Column(t("col.format", lang), "format"),
        Column(t("col.encoding", lang), "encoding"),
        Column(t("col.delimiter", lang), "delimiter"),
        Column(t("col.sheet", lang), "sheet"),
        Column(t("col.header_row", lang), "header_row", "int"),
        Column(t("col.layout", lang), "layout"),
        Column(t("col.date_policy", lang), "date_policy"),
        Column(t("col.read", lang), "read", "int"),
        Column(t("col.used", lang), "used", "int"),
        Column(t("col.skipped", lang), "skipped", "int"),
        Column(t("col.rejected", lang), "rejected", "int"),
        Column(t("col.sha256", lang), "sha256"),
    )
    map_cols = (
        Column(t("col.file", lang), "file"),
        Column(t("col.field", lang), "field"),
        Column(t("col.source_header", lang), "source"),
    )
    problems = report.problems
    shown = problems[:MAX_PROBLEMS]
    prob_rows = [
        (
            _file_name(pr.file),
            pr.sheet,
            pr.row,
            pr.column,
            pr.value,
            pr.code,
            t(f"severity.{pr.severity}", lang)
            if f"severity.{pr.severity}" in lb.LABELS[lang]
            else pr.severity,
            pr.message,
        )
        for pr in shown
    ]
    prob_cols = (
        Column(t("col.file", lang), "file"),
        Column(t("col.sheet", lang), "sheet"),
        Column(t("col.row", lang), "row", "int"),
        Column(t("col.column", lang), "column"),
        Column(t("col.value", lang), "value"),
        Column(t("col.code", lang), "code"),
        Column(t("col.severity", lang), "severity"),
        Column(t("col.message", lang), "message"),
    )
    note = None
    if not problems:
        note = t("quality.no_problems", lang)
    elif len(problems) > len(shown):
        note = t("quality.truncated", lang, shown=len(shown), total=len(problems))
    sev = {t("severity.error", lang): "red", t("severity.warning", lang): "yellow"}
    near = report.near_duplicates
    near_rows = [
        (
            t(f"kind.{_plain(k)}", lang) if f"kind.{_plain(k)}" in lb.LABELS[lang] else _plain(k),
            _plain(n),
            _plain(s),
            _plain(sim),
        )
        for k, n, s, sim in zip(
            near["kind"], near["name"], near["similar_to"], near["similarity"], strict=True
        )
    ]
    near_cols = (
        Column(t("col.kind", lang), "kind"),
        Column(t("col.name", lang), "name"),
        Column(t("col.similar_to", lang), "similar_to"),
        Column(t("col.similarity", lang), "similarity", "percent"),
    )
    blocks: list[Block] = [
        Table(file_cols, files, title=t("block.files", lang)),
        Table(map_cols, mapping, title=t("block.mapping", lang)),
        Table(
            prob_cols,
            prob_rows,
            title=t("block.problems", lang),
            note=note,
            traffic={"severity": sev},
        ),
        Table(
            near_cols,
            near_rows,
            title=t("block.near_duplicates", lang),
            note=None if near_rows else t("quality.no_duplicates", lang),
        ),
    ]
    return SheetSpec("quality", t("sheet.quality", lang), blocks, [], _widths(blocks))


def method_sheet(analysis: Analysis, lang: str) -> SheetSpec:
    """Return the Method sheet: every definition and parameter in plain words."""
    s = analysis.settings
    half = (
        t("param.none", lang)
        if s.half_life_days is None
        else f"{lb.number(s.half_life_days, lang)} {'jours' if lang == 'fr' else 'days'}"
    )
    defs = [
        t("def.interaction", lang),
        t("def.weight", lang, half_life=half),
        t("def.share", lang),
        t("def.holder", lang, ratio=lb.percent(s.holder_ratio, lang), min_n=s.min_interactions),
        t("def.gone", lang, inactive=s.inactive_days),
        t("def.bus_account", lang),
        t("def.risk", lang),
        t("def.revenue", lang, days=s.revenue_days),
        t("def.bus_portfolio", lang, coverage=lb.percent(s.coverage, lang)),
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
    blocks += [Paragraph(t("method.more", lang), "note"), parameters(analysis, lang)]
    return SheetSpec(
        "method", t("sheet.method", lang), blocks, [], {1: 110.0, 2: 22.0, 3: 4.0, 4: 18.0}
    )


def build_sheets(analysis: Analysis, lang: str, meta: ReportMeta) -> list[SheetSpec]:
    """Return the sheets of the deliverable, in order, every label in ``lang``.

    Parameters
    ----------
    analysis : keyrisk.analysis.Analysis
    lang : {"fr", "en"}
    meta : ReportMeta
        Version, run date, pseudonymisation: the only content not taken from ``analysis``.

    Returns
    -------
    list of SheetSpec
        Summary, Accounts, Staff, Scenarios, Clients, Data quality, Method.

    Raises
    ------
    UsageError
        For an unknown language.

    Examples
    --------
    >>> import datetime as dt, pandas as pd
    >>> from keyrisk import Dataset, analyse
    >>> ds = Dataset.from_frames(pd.DataFrame({"account": ["A"], "staff": ["Ann"]}))
    >>> meta = ReportMeta("0.1.0", dt.date(2026, 1, 1))
    >>> [s.title for s in build_sheets(analyse(ds), "fr", meta)][:3]
    ['Synthèse', 'Comptes', 'Équipe']
    """
    lb.check_lang(lang)
    return [
        summary_sheet(analysis, lang, meta),
        accounts_sheet(analysis, lang),
        staff_sheet(analysis, lang),
        scenarios_sheet(analysis, lang),
        clients_sheet(analysis, lang),
        quality_sheet(analysis, lang),
        method_sheet(analysis, lang),
    ]
