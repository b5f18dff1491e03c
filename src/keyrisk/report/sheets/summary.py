"""The Summary sheet: headline and caveats, key figures, next steps, parameters, coverage,
metadata (the next steps are worded in :mod:`keyrisk.report.steps`)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

from keyrisk.caveats import message as caveat_message
from keyrisk.report import labels as lb
from keyrisk.report.labels import t, tb
from keyrisk.report.sheets._blocks import (
    Block,
    Cell,
    Column,
    ImageSpec,
    KeyValue,
    KeyValues,
    Paragraph,
    ReportMeta,
    SheetSpec,
    Table,
    _file_name,
    _money_kind,
    _yes,
    last_row,
    light_for,
    parameters,
)
from keyrisk.report.sheets.changes import since_last_block
from keyrisk.report.steps import next_steps, plan_step

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis
    from keyrisk.changes import Changes
    from keyrisk.portfolio import BusFactor, Departure

__all__ = [
    "CHART_ROWS",
    "SUMMARY_CHARTS",
    "before_after",
    "coverage",
    "key_figures",
    "metadata",
    "next_steps",
    "simulation_blocks",
    "summary_sheet",
]

#: The charts of the Summary, stacked below its tables in this order.
SUMMARY_CHARTS = ("before_after", "orphaned", "bus_factor", "revenue_held")
#: Width of the Summary's charts in pixels: the width of its tables, one chart a printed page.
CHART_WIDTH = 1000
#: Rows kept for each chart below the tables (a 1000-pixel-wide chart is at most 450 points
#: high: 30 rows of 15 points).
CHART_ROWS = 31


def _share(value: float, total: float) -> float | None:
    return value / total if total > 0 else None


def _bus_row(label: str, bus: BusFactor, total: float, lang: str, basis: str) -> KeyValue:
    target = lb.percent(bus.target / total, lang, None) if total > 0 else ""
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
    method = lb.bus_method(bus, lang)
    note = t(
        "note.bus.count" if basis == "count" else "note.bus",
        lang,
        people=lb.join_names(people, lang),
        share=lb.percent(reached / total, lang, 1),  # the headline's figure
        target=target,
        method=method,
    )
    return KeyValue(label, int(bus.value), "int", light_for("bus_factor", bus.value), note)


def _departure_note(dep: Departure, lang: str, basis: str, currency: str | None) -> str:
    return t(
        "note.departure",
        lang,
        people=lb.join_names(list(dep.leave), lang),
        amount=lb.money(dep.revenue_at_risk, lang, basis, currency),
        n=len(dep.newly_orphaned),
    )


def key_figures(analysis: Analysis, lang: str) -> KeyValues:
    """Return the key figures block of the summary, with traffic lights and notes."""
    p = analysis.portfolio
    basis = analysis.revenue_basis
    total = p.total_revenue
    cur = lb.dataset_currency(analysis)
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
                amount=lb.money(p.orphaned_revenue, lang, basis, cur),
                share=lb.percent(orphaned_share or 0.0, lang),
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
                    _departure_note(dep, lang, basis, cur),
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
        rows.append(KeyValue(t("cov.first_activity", lang), start, "date"))
        rows.append(KeyValue(t("cov.last_activity", lang), end, "date"))
    rows.append(
        KeyValue(t("cov.as_of", lang), analysis.as_of, "date" if analysis.as_of else "text")
    )
    rows.append(KeyValue(t("cov.basis", lang), t(f"basis.{analysis.revenue_basis}", lang)))
    return KeyValues(tuple(rows), t("block.coverage", lang))


def _bus_cell(bus: BusFactor, lang: str) -> Cell:
    if bus.value is None:
        return Cell(t("bus.not_reached", lang))
    return Cell(int(bus.value), "int")


def _trend(before: float | None, after: float | None, higher_is_better: bool, lang: str) -> str:
    """ "better", "unchanged" or "worse" in words (a bus factor not reached is the best)."""
    b = math.inf if before is None else float(before)
    a = math.inf if after is None else float(after)
    if a == b:
        return t("ba.same", lang)
    better = a > b if higher_is_better else a < b
    return t("ba.better" if better else "ba.worse", lang)


def _pair_note(b: Departure | None, a: Departure | None, lang: str) -> str:
    parts = []
    for key, dep in (("ba.pair.before", b), ("ba.pair.after", a)):
        if dep is not None:
            parts.append(t(key, lang, people=lb.join_names(list(dep.leave), lang)))
    return t("list.sep", lang).join(parts)


def before_after(analysis: Analysis, lang: str) -> Table:
    """Return the plan's effect on the method's figures: before, after and in which direction.

    The costliest departure and pair are shown as they come out: once backups are trained
    they hold more accounts, so the costliest pair can weigh more after the plan; the comment
    says so rather than calling it an improvement.
    """
    plan = analysis.plan()
    basis = analysis.revenue_basis
    b, a = plan.before, plan.after
    money = _money_kind(basis)

    def share(dep: Departure | None) -> Cell:
        return Cell(None if dep is None else dep.share, "percent")

    def dep_value(dep: Departure | None) -> float | None:
        return None if dep is None else dep.share

    rows: list[tuple[object, ...]] = [
        (
            tb("kf.revenue_bus_factor", lang, basis),
            _bus_cell(b.revenue_bus_factor, lang),
            _bus_cell(a.revenue_bus_factor, lang),
            _trend(b.revenue_bus_factor.value, a.revenue_bus_factor.value, True, lang),
        ),
        (
            t("kf.account_bus_factor", lang),
            _bus_cell(b.account_bus_factor, lang),
            _bus_cell(a.account_bus_factor, lang),
            _trend(b.account_bus_factor.value, a.account_bus_factor.value, True, lang),
        ),
        (
            tb("kf.single_holder", lang, basis),
            Cell(b.single_holder_revenue_share, "percent"),
            Cell(a.single_holder_revenue_share, "percent"),
            _trend(b.single_holder_revenue_share, a.single_holder_revenue_share, False, lang),
        ),
        (
            t("kf.orphaned_accounts", lang),
            Cell(b.orphaned_accounts, "int"),
            Cell(a.orphaned_accounts, "int"),
            _trend(b.orphaned_accounts, a.orphaned_accounts, False, lang),
        ),
    ]
    if basis == "revenue":
        rows.append(
            (
                t("kf.orphaned_revenue", lang),
                Cell(b.orphaned_revenue, money),
                Cell(a.orphaned_revenue, money),
                _trend(b.orphaned_revenue, a.orphaned_revenue, False, lang),
            )
        )
    for key, before_dep, after_dep in (
        ("kf.top_departure", b.top_departure, a.top_departure),
        ("kf.top_pair", b.top_pair, a.top_pair),
    ):
        trend = _trend(dep_value(before_dep), dep_value(after_dep), False, lang)
        note = _pair_note(before_dep, after_dep, lang)
        worse = (dep_value(after_dep) or 0.0) > (dep_value(before_dep) or 0.0) + 1e-12
        if worse:
            note += t("ba.concentrate", lang)
        comment = t("ba.comment", lang, trend=trend, note=note) if note else trend
        rows.append((tb(key, lang, basis), share(before_dep), share(after_dep), comment))
    cols = (
        Column(t("kv.figure", lang), "figure"),
        Column(t("ba.before", lang), "before"),
        Column(t("ba.after", lang), "after"),
        Column(t("kv.comment", lang), "comment", wrap=True),
    )
    return Table(cols, rows, title=t("ba.title", lang))


def simulation_blocks(analysis: Analysis, lang: str) -> list[Block]:
    """Return the revenue at risk over a year, without and with the plan (Monte-Carlo)."""
    sim = analysis.simulate()
    basis = analysis.revenue_basis
    cur = lb.dataset_currency(analysis)
    kind = _money_kind(basis) if basis == "revenue" else "number"
    w, p = sim.without_plan, sim.with_plan

    def amount(x: float) -> str:
        return lb.money(x, lang, basis, cur)

    def pair(name: str) -> tuple[Cell, Cell]:
        after = None if p is None else getattr(p, name)
        return Cell(getattr(w, name), kind), Cell(after, kind)

    exact = t(
        "sim.exact",
        lang,
        without=amount(w.expected_loss_exact),
        with_plan=amount(p.expected_loss_exact) if p is not None else "",
    )
    lo, hi = w.var_95_interval
    rows = [
        (tb("sim.expected_loss", lang, basis), *pair("expected_loss"), exact),
        (
            t("sim.var", lang),
            *pair("var_95"),
            t("sim.var_note", lang, low=amount(lo), high=amount(hi)),
        ),
        (t("sim.es", lang), *pair("expected_shortfall_95"), t("sim.es_note", lang)),
    ]
    cols = (
        Column(t("kv.figure", lang), "figure"),
        Column(t("sim.without", lang), "without"),
        Column(t("sim.with", lang), "with"),
        Column(t("kv.comment", lang), "comment", wrap=True),
    )
    rate = lb.percent(analysis.settings.turnover_rate, lang, 0)
    source = {
        "turnover rate": t("sim.source.rate", lang, rate=rate),
        "staff table": t("sim.source.staff", lang),
    }.get(sim.probability_source, t("sim.source.both", lang, rate=rate))
    note = t("sim.note", lang, draws=sim.draws, seed=sim.seed, source=source)
    return [
        Table(cols, rows, title=tb("sim.title", lang, basis)),
        Paragraph(note, "note", 4),
    ]


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


def summary_sheet(
    analysis: Analysis, lang: str, meta: ReportMeta, *, changes: Changes | None = None
) -> SheetSpec:
    """Return the Summary sheet: headline and its caveats, key figures, what changed since the
    last report (when ``changes`` is given), next steps, parameters, coverage."""
    p = analysis.portfolio
    head = lb.headline(p.headline_facts, lang)
    as_of = (
        t("summary.as_of", lang, as_of=lb.date(analysis.as_of, lang))
        if analysis.as_of
        else t("summary.no_as_of", lang)
    )
    by = t("print.prepared_by", lang, author=meta.author) if meta.author else None
    blocks: list[Block] = [
        Paragraph(meta.title or t("summary.title", lang), "title", 4),
        Paragraph(head, "headline", 4),
        Paragraph(" · ".join(x for x in (meta.company, as_of, by) if x), "note", 4),
        *(
            Paragraph(t("summary.caveat", lang, message=caveat_message(c, lang)), "text", 4)
            for c in analysis.caveats
        ),
        key_figures(analysis, lang),
        *since_last_block(changes, analysis, lang),
        Paragraph(t("block.next_steps", lang), "heading", 4),
    ]
    steps = next_steps(analysis, lang)
    pointer = plan_step(analysis, lang)
    for i, step in enumerate([*steps, *([pointer] if pointer else [])], start=1):
        blocks.append(Paragraph(f"{i}. {step}", "text", 4))
    blocks += [
        before_after(analysis, lang),
        *simulation_blocks(analysis, lang),
        parameters(analysis, lang),
        coverage(analysis, lang),
        metadata(analysis, lang, meta),
        Paragraph(t("block.notice", lang), "heading", 4),
        Paragraph(t("notice.1", lang), "text", 4),
        Paragraph(t("notice.2", lang), "text", 4),
    ]
    start = last_row(blocks) + 2  # the charts below the tables: the sheet prints one page wide
    images = [
        ImageSpec(name, f"A{start + i * CHART_ROWS}", CHART_WIDTH)
        for i, name in enumerate(SUMMARY_CHARTS)
    ]
    widths = {1: 50.0, 2: 16.0, 3: 14.0, 4: 90.0}  # a note on one line: the next steps on screen
    return SheetSpec("summary", t("sheet.summary", lang), blocks, images, widths, "C00000")
