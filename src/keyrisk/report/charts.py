"""The charts of the report (matplotlib, drawn without pyplot).

Every function ``f(analysis, *, lang="fr", ax=None) -> Figure`` draws one chart whose title says
the finding, on ``ax`` when given (and returns its figure), else on a new
:class:`matplotlib.figure.Figure`. Nothing touches matplotlib's global state: no pyplot, no
rcParams change; figures are rendered by the Agg canvas. Text from the input is shown literally:
``$`` is escaped so that mathtext never interprets it, and long names are cut with an ellipsis
(ids to their first 12 characters, ``DOMAIN\\user`` logins to the user).

What a director reads must be whole and readable: a title names three people at most and is
wrapped, measured with the figure's renderer, to end inside the figure; value labels are placed
where they cross no line, marker or other label (or left out); legends sit in a band kept free
of data. :func:`save_charts` writes the PNG files; the same analysis gives byte-identical files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.path import Path as MplPath
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator
from matplotlib.transforms import Bbox

from keyrisk.report import labels as lb
from keyrisk.report.files import atomic_save
from keyrisk.report.labels import check_lang, t, tb

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis

__all__ = [
    "CHARTS",
    "DPI",
    "adoption_chart",
    "before_after_chart",
    "before_after_table",
    "bus_factor_chart",
    "clients_chart",
    "concentration_chart",
    "heatmap_chart",
    "network_chart",
    "orphaned_chart",
    "revenue_held_chart",
    "save_charts",
    "trend_chart",
]

#: Resolution of the PNG files.
DPI = 110
_TITLE = 14
_LABEL = 11
_TICK = 10
_RED = "#C00000"
_PINK = "#F4B183"
_BLUE = "#2F5597"
_GREY = "#A6A6A6"
_RISK_COLOURS = {"critical": "#C00000", "high": "#F08A24", "medium": "#F2C94C", "low": "#70AD47"}


def _esc(text: object) -> str:
    """Return ``text`` shown literally by matplotlib (``$`` escaped, no mathtext).

    Outside mathtext a backslash is drawn as it is; only ``\\$`` is read (as ``$``).
    """
    return str(text).replace("$", r"\$")


#: A name without spaces longer than this is an id (hash, login): its start is shown.
_ID_LENGTH = 16


def _short(text: object, limit: int = 28) -> str:
    """Return ``text`` cut to ``limit`` characters with an ellipsis, made literal.

    An id without spaces is cut to 12 characters ("4ef15afb4b27…"); a Windows login
    ("DOMAIN\\user") shows the user only.
    """
    value = " ".join(str(text).split())
    if " " not in value:
        domain, sep, user = value.rpartition("\\")
        if sep and domain and user:
            value = user
        if len(value) > _ID_LENGTH:
            limit = min(limit, 13)
    if len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return _esc(value)


def _figure(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        fig = ax.get_figure()
        assert isinstance(fig, Figure)
        return fig, ax
    fig = Figure(figsize=size, dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _renderer(fig: Figure) -> RendererAgg:
    canvas = fig.canvas
    if not isinstance(canvas, FigureCanvasAgg):
        canvas = FigureCanvasAgg(fig)
    return canvas.get_renderer()


@contextlib.contextmanager
def _no_glyph_warning() -> Iterator[None]:
    """A name with a character the font lacks is drawn with a box, without a warning."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r"Glyph \d+ .* missing from", category=UserWarning
        )
        yield


def _layout(fig: Figure) -> None:
    """Place the axes as the figure's layout engine will when the figure is saved."""
    engine = fig.get_layout_engine()
    if engine is not None:
        with _no_glyph_warning():
            engine.execute(fig)


def _greedy(words: Sequence[str], sizes: Sequence[float], space: float, room: float) -> list[str]:
    """Words (of widths ``sizes``) filled into lines of at most ``room``; a wider word stands
    alone."""
    lines: list[str] = []
    used = 0.0
    for word, size in zip(words, sizes, strict=True):
        if lines and used + space + size <= room:
            lines[-1] += " " + word
            used += space + size
        else:
            lines.append(word)
            used = size
    return lines


def _wrap(text: str, width: Callable[[str], float], room: float, max_lines: int) -> str:
    """Return ``text`` broken at spaces into balanced lines of at most ``room`` pixels.

    The fewest lines are used, then made as even as possible (the narrowest width that still
    gives that many lines). No-break spaces hold ("54 %"); a word wider than ``room`` and the
    last of ``max_lines`` lines are cut with an ellipsis. A line's width is the sum of its
    words and spaces (measured once each), with 3 % kept for kerning.
    """
    room *= 0.97

    def cut(line: str) -> str:
        while line and width(line + "…") > room:
            line = line[:-1]
        return line.rstrip() + "…"

    words = text.split(" ")
    sizes = [width(w) for w in words]
    words = [w if size <= room else cut(w) for w, size in zip(words, sizes, strict=True)]
    sizes = [min(size, room) for size in sizes]
    space = width("a a") - width("aa")
    lines = _greedy(words, sizes, space, room)
    if len(lines) > max_lines:
        return "\n".join([*lines[: max_lines - 1], cut(" ".join(lines[max_lines - 1 :]))])
    low, high = 0.0, room
    for _ in range(12):  # the narrowest room giving as few lines, to a pixel or so
        mid = (low + high) / 2.0
        if len(_greedy(words, sizes, space, mid)) <= len(lines):
            high = mid
        else:
            low = mid
    return "\n".join(_greedy(words, sizes, space, high))


def _title(ax: Axes, text: str, max_lines: int = 3) -> None:
    """Set the title, wrapped so that it ends inside the figure once laid out.

    The axes are placed first (the layout ignores a title's width), then the words are measured
    with the figure's renderer and broken to fit between the axes' left edge and the figure's
    right edge, in at most ``max_lines`` lines.
    """
    fig = ax.get_figure()
    assert isinstance(fig, Figure)
    style = {"loc": "left", "fontsize": _TITLE, "fontweight": "bold", "color": "#1F1F1F"}
    ax.set_title("", **style)  # type: ignore[arg-type]
    _layout(fig)
    renderer = _renderer(fig)
    probe = ax.set_title(text, **style)  # type: ignore[arg-type]
    prop = probe.get_fontproperties()

    def width(line: str) -> float:
        with _no_glyph_warning():
            size = renderer.get_text_width_height_descent(line, prop, ismath=False)
        return float(size[0])

    pad = 6.0 * fig.dpi / 72.0
    room = float(fig.bbox.x1 - ax.get_window_extent(renderer).x0 - pad)
    ax.set_title(_wrap(text, width, max(room, 40.0), max_lines), **style)  # type: ignore[arg-type]


def _people(names: Sequence[object], lang: str, limit: int = 3) -> str:
    """Return up to ``limit`` names joined ("A, B et C"), each shortened like the axis labels."""
    return lb.join_names([_short(n, 40) for n in list(names)[:limit]], lang)


#: Where a label may go around its point: (dx, dy) in points, ha, va; first that fits wins.
_UPPER_LEFT = (-6.0, 6.0, "right", "bottom")
_LOWER_RIGHT = (6.0, -6.0, "left", "top")
_UPPER_RIGHT = (6.0, 6.0, "left", "bottom")
_LOWER_LEFT = (-6.0, -6.0, "right", "top")


def _display_path(ax: Axes, line: Line2D) -> MplPath | None:
    xy = np.asarray(line.get_xydata(), dtype=float)
    if len(xy) < 2 or line.get_linestyle() in ("None", "", " "):
        return None
    return MplPath(ax.transData.transform(xy))


def _touches(
    box: Bbox,
    paths: Sequence[MplPath],
    marks: Sequence[tuple[np.ndarray, float]],
    boxes: Sequence[Bbox],
) -> bool:
    """Whether ``box`` (display units) crosses a path, a marker (centre, radius) or a box."""
    if any(p.intersects_bbox(box, filled=False) for p in paths):
        return True
    for pix, r in marks:
        near = (pix[:, 0] >= box.x0 - r) & (pix[:, 0] <= box.x1 + r)
        if bool((near & (pix[:, 1] >= box.y0 - r) & (pix[:, 1] <= box.y1 + r)).any()):
            return True
    return any(box.overlaps(b) for b in boxes)


#: Labels to place: the points (x, y, text), the positions to try, the text style.
_Labels = tuple[
    Sequence[tuple[float, float, str]], Sequence[tuple[float, float, str, str]], dict[str, Any]
]


def _place_labels(ax: Axes, *groups: _Labels) -> None:
    """Annotate points so that no label crosses a line or marker of ``ax``, or another label.

    Each label tries its group's positions in turn and keeps the first whose box lies inside
    the axes and touches no line, marker, legend or label already placed; a label with no such
    position is left out (a missing figure is better than one covering the curve). Call it once
    everything else is drawn and the title set: it uses the final layout.
    """
    fig = ax.get_figure()
    assert isinstance(fig, Figure)
    _layout(fig)
    renderer = _renderer(fig)
    lines = ax.get_lines()
    paths = [p for p in (_display_path(ax, line) for line in lines) if p is not None]
    marks = [
        (
            ax.transData.transform(np.asarray(line.get_xydata(), dtype=float)),
            float(line.get_markersize()) * fig.dpi / 72.0 / 2.0 + 1.0,
        )
        for line in lines
        if line.get_marker() not in (None, "None", "", " ")
    ]
    with _no_glyph_warning():
        frame = ax.get_window_extent(renderer)
        placed = [text.get_window_extent(renderer) for text in ax.texts]
        legend = ax.get_legend()
        if legend is not None:
            placed.append(legend.get_window_extent(renderer))
        for labels, where, style in groups:
            _place_group(ax, renderer, labels, where, style, (frame, paths, marks, placed))


def _place_group(
    ax: Axes,
    renderer: RendererAgg,
    labels: Sequence[tuple[float, float, str]],
    where: Sequence[tuple[float, float, str, str]],
    style: dict[str, Any],
    scene: tuple[Bbox, list[MplPath], list[tuple[np.ndarray, float]], list[Bbox]],
) -> None:
    frame, paths, marks, placed = scene
    for x, y, text in labels:
        for dx, dy, ha, va in where:
            label = ax.annotate(
                text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va, **style
            )
            box = label.get_window_extent(renderer)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1
            inside = inside and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if inside and not _touches(box, paths, marks, placed):
                placed.append(box)
                break
            label.remove()


def _compact(value: float, lang: str, basis: str, currency: str | None = None) -> str:
    """Return an axis amount: "4,1 M €" / "€4.1m" (the symbol only when the currency is
    known); a plain number in count basis."""
    return lb.compact(value, lang, basis, currency)


def _money_axis(
    ax: Axes, lang: str, basis: str, axis: str = "x", currency: str | None = None
) -> None:
    fmt = FuncFormatter(lambda v, _pos: _compact(v, lang, basis, currency))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(fmt)


def _percent_axis(ax: Axes, lang: str, axis: str = "y") -> None:
    fmt = FuncFormatter(lambda v, _pos: lb.percent(v, lang, 0))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(fmt)


def _share_axis_with_legend_band(ax: Axes, lang: str, ncol: int = 2) -> None:
    """A 0-100 % axis with a free band above 100 % where the legend sits, clear of the data."""
    ax.set_ylim(0, 1.22)
    ax.yaxis.set_major_locator(FixedLocator([0.0, 0.2, 0.4, 0.6, 0.8, 1.0]))
    _percent_axis(ax, lang)
    ax.grid(axis="y", color="#E0E0E0")
    ax.legend(loc="upper left", ncol=ncol, fontsize=_TICK, frameon=False)


def _small_percent(share: float, lang: str) -> str:
    """Return a percentage as in the cells, "< 0,1 %" for a positive share that would round to
    0."""
    smallest = 10.0 ** -(lb.PERCENT_DECIMALS + 2)
    if 0 < share < smallest / 2:
        return "<\u00a0" + lb.percent(smallest, lang)
    return lb.percent(share, lang)


def _clean(ax: Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=_TICK)


#: Size of a chart with nothing to draw: its title says so.
_EMPTY_SIZE = (10.0, 1.2)


def _empty(ax: Axes | None, text: str) -> Figure:
    """Return a chart that only says ``text`` (in its title), small when drawn on its own."""
    fig, ax = _figure(ax, _EMPTY_SIZE)
    ax.set_axis_off()
    _title(ax, text)
    return fig


def _total(analysis: Analysis) -> float:
    return float(analysis.portfolio.total_revenue)


# --------------------------------------------------------------------------------------------
# (a) revenue held per person
# --------------------------------------------------------------------------------------------


def revenue_held_chart(analysis: Analysis, *, lang: str = "fr", ax: Axes | None = None) -> Figure:
    """Revenue held per person, alone vs shared (horizontal stacked bars, top 15).

    The people are those of :attr:`Analysis.staff` (ranked by revenue held alone) holding some
    revenue. The title names the person whose departure alone orphans the most revenue.

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk import Dataset, analyse
    >>> ds = Dataset.from_frames(pd.DataFrame({"account": ["A", "B"], "staff": ["Ann", "Bob"]}))
    >>> revenue_held_chart(analyse(ds), lang="en").axes[0].get_title(loc="left")
    'Ann alone holds 50.0% of the accounts'
    """
    check_lang(lang)
    basis = analysis.revenue_basis
    st = analysis.staff
    st = st[st["revenue_held"] > 0].head(15)
    if not len(st):
        return _empty(ax, t("chart.held.empty", lang))
    fig, ax = _figure(ax, (10.0, 6.0))
    names = [_short(n) for n in st["staff"].astype(str)]
    sole = st["revenue_sole"].to_numpy(dtype=float)
    shared = st["revenue_held"].to_numpy(dtype=float) - sole
    y = np.arange(len(st))
    ax.barh(y, sole, color=_RED, label=t("chart.alone", lang))
    ax.barh(y, shared, left=sole, color=_PINK, label=t("chart.shared", lang))
    ax.set_yticks(y, names, fontsize=_LABEL)
    ax.invert_yaxis()
    total = _total(analysis)
    held = sole + shared
    for yi, s, h in zip(y.tolist(), sole.tolist(), held.tolist(), strict=True):
        text = _small_percent(s / total, lang) if total > 0 else ""
        ax.text(h, yi, f"  {text}", va="center", fontsize=_TICK, color="#404040")
    ax.set_xlim(0, float(held.max()) * 1.12)
    _money_axis(ax, lang, basis, currency=lb.dataset_currency(analysis))
    ax.set_xlabel(tb("chart.revenue_axis", lang, basis), fontsize=_LABEL)
    ax.legend(loc="lower right", fontsize=_TICK, frameon=False)
    _clean(ax)
    top = st.iloc[0]
    share = float(top["revenue_sole"]) / total if total > 0 else 0.0
    _title(
        ax,
        tb(
            "chart.held.title",
            lang,
            basis,
            name=_people([top["staff"]], lang),
            share=lb.percent(share, lang),
        ),
    )
    return fig


# --------------------------------------------------------------------------------------------
# (b) accounts and revenue by bus factor
# --------------------------------------------------------------------------------------------


def bus_factor_table(analysis: Analysis) -> pd.DataFrame:
    """Return accounts and revenue per bus factor bucket ("0", "1", "2", "3+").

    Columns: bucket, accounts, revenue, account_share, revenue_share (revenue counts accounts in
    count basis).
    """
    acc = analysis.accounts
    bucket = np.minimum(acc["bus_factor"].to_numpy(dtype=int), 3)
    if analysis.revenue_basis == "revenue":
        rev = acc["revenue"].fillna(0.0).to_numpy(dtype=float)
    else:
        rev = np.ones(len(acc))
    rows = []
    n = max(len(acc), 1)
    total = float(rev.sum())
    for b, label in enumerate(("0", "1", "2", "3+")):
        mask = bucket == b
        r = float(rev[mask].sum())
        rows.append(
            {
                "bucket": label,
                "accounts": int(mask.sum()),
                "revenue": r,
                "account_share": float(mask.sum()) / n,
                "revenue_share": r / total if total > 0 else 0.0,
            }
        )
    return pd.DataFrame(rows)


def bus_factor_chart(analysis: Analysis, *, lang: str = "fr", ax: Axes | None = None) -> Figure:
    """Share of accounts and of revenue by bus factor (0, 1, 2, 3+), as grouped bars.

    The title gives the single-holder share (bus factor 0 or 1).
    """
    check_lang(lang)
    basis = analysis.revenue_basis
    fig, ax = _figure(ax, (10.0, 5.5))
    table = bus_factor_table(analysis)
    x = np.arange(4)
    labels = [t("chart.bus.orphaned", lang), "1", "2", "3+"]
    width = 0.38 if basis == "revenue" else 0.6
    offset = width / 2 if basis == "revenue" else 0.0
    bars = ax.bar(
        x - offset, table["account_share"], width, color=_GREY, label=t("chart.bus.accounts", lang)
    )
    for rect, n in zip(bars, table["accounts"], strict=True):
        ax.annotate(
            lb.number(n, lang),
            (rect.get_x() + rect.get_width() / 2, rect.get_height()),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            fontsize=_TICK,
        )
    if basis == "revenue":
        bars = ax.bar(
            x + offset,
            table["revenue_share"],
            width,
            color=_RED,
            label=t("chart.bus.revenue", lang),
        )
        for rect, r in zip(bars, table["revenue"], strict=True):
            ax.annotate(
                _compact(r, lang, basis, lb.dataset_currency(analysis)),
                (rect.get_x() + rect.get_width() / 2, rect.get_height()),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                fontsize=_TICK,
            )
    ax.set_xticks(x, labels, fontsize=_LABEL)
    ax.set_xlabel(t("chart.bus.xlabel", lang), fontsize=_LABEL)
    top = float(max(table["account_share"].max(), table["revenue_share"].max(), 0.01))
    ax.set_ylim(0, min(1.0, top * 1.18) if top < 0.85 else 1.08)
    _percent_axis(ax, lang)
    ax.legend(loc="upper right", fontsize=_TICK, frameon=False)
    _clean(ax)
    single = analysis.portfolio.single_holder_revenue_share
    _title(ax, tb("chart.bus.title", lang, basis, share=lb.percent(single, lang)))
    return fig


# --------------------------------------------------------------------------------------------
# (c) concentration curve by person
# --------------------------------------------------------------------------------------------


def concentration_curve(analysis: Analysis) -> pd.DataFrame:
    """Return the cumulative shares of revenue held alone and share-weighted, by person.

    Row k (k = 0..n) holds the share reached by the k most exposed people: ``alone`` sorts
    people by revenue held alone, ``weighted`` by share-weighted revenue (both descending).
    """
    st = analysis.staff
    total = _total(analysis)
    sole = np.sort(st["revenue_sole"].to_numpy(dtype=float))[::-1]
    weighted = np.sort(st["revenue_weighted"].to_numpy(dtype=float))[::-1]
    scale = total if total > 0 else 1.0
    return pd.DataFrame(
        {
            "people": np.arange(len(st) + 1),
            "alone": np.concatenate([[0.0], np.cumsum(sole) / scale]),
            "weighted": np.concatenate([[0.0], np.cumsum(weighted) / scale]),
        }
    )


def concentration_chart(analysis: Analysis, *, lang: str = "fr", ax: Axes | None = None) -> Figure:
    """Concentration curve: cumulative share of revenue held, against the number of people.

    Two curves: revenue held alone (what their departure orphans) and share-weighted revenue.
    The title gives the share held alone by the first three people.
    """
    check_lang(lang)
    basis = analysis.revenue_basis
    fig, ax = _figure(ax, (10.0, 5.5))
    curve = concentration_curve(analysis)
    ax.plot(
        curve["people"],
        curve["alone"],
        color=_RED,
        marker="o",
        markersize=4,
        linewidth=2,
        label=t("chart.curve.alone", lang),
    )
    ax.plot(
        curve["people"],
        curve["weighted"],
        color=_BLUE,
        linestyle="--",
        linewidth=1.5,
        label=t("chart.curve.weighted", lang),
    )
    n_people = int(curve["people"].iloc[-1])
    k = min(3, n_people)
    reached = float(curve["alone"].iloc[k]) if k > 0 else 0.0
    _share_axis_with_legend_band(ax, lang)
    ax.set_xlim(0, max(n_people, 1))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(t("chart.curve.xlabel", lang), fontsize=_LABEL)
    ax.set_ylabel(tb("chart.curve.ylabel", lang, basis), fontsize=_LABEL)
    _clean(ax)
    key = "chart.curve.title1" if k == 1 else "chart.curve.title"
    _title(ax, tb(key, lang, basis, k=k, share=lb.percent(reached, lang)))
    if k > 0:
        _place_labels(
            ax,
            (
                [(k, reached, lb.percent(reached, lang))],
                [_LOWER_RIGHT, _UPPER_LEFT, _UPPER_RIGHT, _LOWER_LEFT],
                {"fontsize": _LABEL, "fontweight": "bold", "color": _RED},
            ),
        )
    return fig


# --------------------------------------------------------------------------------------------
# (d) cumulative revenue orphaned
# --------------------------------------------------------------------------------------------


def orphaned_steps(analysis: Analysis, limit: int | None = None) -> pd.DataFrame:
    """Return the revenue orphaned as the bus-factor people leave, one row per step.

    Step 0 is today (accounts already orphaned); step k adds the k-th person of the revenue
    bus factor, for every person of it (the first ``limit`` only when given). Columns: step,
    staff ("" at step 0), orphaned, share.
    """
    bus = analysis.portfolio.revenue_bus_factor
    total = _total(analysis)
    scale = total if total > 0 else 1.0
    rows = [{"step": 0, "staff": "", "orphaned": bus.already_orphaned}]
    for i, (name, cum) in enumerate(zip(bus.staff, bus.cumulative, strict=False), start=1):
        if limit is not None and i > limit:
            break
        rows.append({"step": i, "staff": str(name), "orphaned": float(cum)})
    frame = pd.DataFrame(rows)
    frame["share"] = frame["orphaned"] / scale
    return frame


def _orphan_title(analysis: Analysis, lang: str) -> str:
    p = analysis.portfolio
    bus = p.revenue_bus_factor
    basis = analysis.revenue_basis
    total = p.total_revenue
    if total <= 0:
        return lb.headline(p.headline_facts, lang)
    if bus.value == 0:
        return tb(
            "chart.orphan.title0", lang, basis, share=lb.percent(bus.already_orphaned / total, lang)
        )
    if bus.value is None or not bus.staff:
        return t(
            "chart.orphan.title_none",
            lang,
            target=lb.percent(analysis.settings.coverage, lang, None),
        )
    people = list(bus.staff[: bus.value])
    reached = bus.cumulative[len(people) - 1] if bus.cumulative else bus.target
    share = lb.percent(reached / total, lang)
    if len(people) > 3:  # "16 people leave (including A, B and C)": three names at most
        return tb(
            "chart.orphan.title_many",
            lang,
            basis,
            n=len(people),
            people=_people(people, lang),
            share=share,
        )
    key = "chart.orphan.title1" if len(people) == 1 else "chart.orphan.title"
    return tb(key, lang, basis, people=_people(people, lang), share=share)


#: Up to this many departures, each step is named on the axis and its share written.
_NAMED_STEPS = 20


def orphaned_chart(analysis: Analysis, *, lang: str = "fr", ax: Axes | None = None) -> Figure:
    """Cumulative revenue orphaned as the bus-factor people leave (step line, target line).

    Every person of the bus factor is a step. The title says who (three names at most), and how
    much revenue would have no holder left. Up to 20 steps each is named and its share written
    beside it; beyond, the axis counts departures and only today and the last step are written.
    """
    check_lang(lang)
    basis = analysis.revenue_basis
    fig, ax = _figure(ax, (10.0, 5.5))
    steps = orphaned_steps(analysis)
    x = steps["step"].to_numpy(dtype=float)
    y = steps["share"].to_numpy(dtype=float)
    n = len(x) - 1
    # the steps drawn as a plain polyline ("post": the level holds until the next departure)
    ax.plot(x, y, "o", color=_RED, markersize=6)
    ax.plot(np.repeat(x, 2)[1:], np.repeat(y, 2)[:-1], color=_RED, linewidth=2.5)
    coverage = analysis.settings.coverage
    ax.axhline(coverage, color="#404040", linestyle="--", linewidth=1)
    if n <= _NAMED_STEPS:
        names = [t("chart.orphan.start", lang)] + [
            "+ " + _short(name, 20) for name in steps["staff"].iloc[1:]
        ]
        rotate = len(names) > 5
        ax.set_xticks(
            x,
            names,
            fontsize=_LABEL,
            rotation=30 if rotate else 0,
            ha="right" if rotate else "center",
        )
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=3))
        start = t("chart.orphan.start", lang)
        ax.xaxis.set_major_formatter(
            FuncFormatter(lambda v, _pos: start if v == 0 else f"+{v:.0f}")
        )
        ax.tick_params(axis="x", labelsize=_LABEL)
    # room on the left for today's figure, written left of its point
    ax.set_xlim(-max(0.5, 0.07 * (n + 1)), max(float(n), 1.0) + 0.5)
    ax.set_ylim(0, min(1.08, max(float(y.max()), coverage) * 1.2 + 0.02))
    _percent_axis(ax, lang)
    ax.set_ylabel(tb("chart.orphan.ylabel", lang, basis), fontsize=_LABEL)
    ax.set_xlabel(t("chart.orphan.xlabel", lang), fontsize=_LABEL)
    ax.grid(axis="y", color="#E0E0E0")
    _clean(ax)
    _title(ax, _orphan_title(analysis, lang))
    target = t("chart.orphan.target", lang, target=lb.percent(coverage, lang, None))
    shown = range(n + 1) if n <= _NAMED_STEPS else sorted({0, n})
    _place_labels(
        ax,
        (
            [(float(ax.get_xlim()[0]), coverage, target)],
            [(4.0, 3.0, "left", "bottom"), (4.0, -3.0, "left", "top")],
            {"fontsize": _TICK, "color": "#404040"},
        ),
        (
            [(float(x[i]), float(y[i]), lb.percent(float(y[i]), lang)) for i in shown],
            [_UPPER_LEFT, _LOWER_RIGHT, _UPPER_RIGHT, _LOWER_LEFT],
            {"fontsize": _TICK, "fontweight": "bold"},
        ),
    )
    return fig


# --------------------------------------------------------------------------------------------
# (e) network of the riskiest accounts
# --------------------------------------------------------------------------------------------


def network_graph(analysis: Analysis, n_accounts: int = 25) -> nx.Graph:
    """Return the staff-account graph of the ``n_accounts`` riskiest accounts, with positions.

    Nodes are ``("staff", name)`` and ``("account", name)``; node attribute ``pos`` is a fixed
    two-column (bipartite) layout: staff on the left ordered by number of links, accounts on
    the right ordered by the mean position of their staff (fewer crossings). Deterministic.
    """
    acc = analysis.accounts.head(n_accounts)
    chosen = acc["account"].astype(str).tolist()
    h = analysis.holders
    edges = h[h["account"].astype(str).isin(set(chosen)) & (h["weight"] > 0)]
    g = nx.Graph()
    staff_info = analysis.staff.set_index(analysis.staff["staff"].astype(str))
    degree = edges.groupby(edges["staff"].astype(str)).size()
    staff_names = sorted(degree.index, key=lambda s: (-int(degree[s]), s))
    links = list(
        zip(
            edges["staff"].astype(str),
            edges["account"].astype(str),
            edges["share"].to_numpy(dtype=float) + 1e-9,
            strict=True,
        )
    )
    accounts = _sweep(chosen, staff_names, [(a, s, w) for s, a, w in links])
    for _ in range(2):
        staff_names = _sweep(staff_names, accounts, links)
        accounts = _sweep(accounts, staff_names, [(a, s, w) for s, a, w in links])
    for i, name in enumerate(staff_names):
        active = bool(staff_info["active"].get(name, True))
        g.add_node(("staff", name), kind="staff", name=name, active=active, order=i)
    for rec in edges.itertuples(index=False):
        g.add_edge(
            ("staff", str(rec.staff)),
            ("account", str(rec.account)),
            holder=bool(rec.is_holder),
            share=float(rec.share),
        )
    info = acc.set_index(acc["account"].astype(str))
    for i, name in enumerate(accounts):
        rev = info["revenue"].get(name)
        g.add_node(
            ("account", name),
            kind="account",
            name=name,
            risk=str(info["risk_level"].get(name)),
            bus_factor=int(info["bus_factor"].get(name)),
            revenue=None if rev is None or pd.isna(rev) else float(rev),
            order=i,
        )
    n_left, n_right = len(staff_names), len(accounts)
    span = max(n_left, n_right, 1)
    for _node, data in g.nodes(data=True):
        count = n_left if data["kind"] == "staff" else n_right
        step = span / max(count, 1)
        y = span - (data["order"] + 0.5) * step
        data["pos"] = (0.0 if data["kind"] == "staff" else 1.0, y)
    return g


def _sweep(
    moving: Sequence[str], fixed: Sequence[str], links: Sequence[tuple[str, str, float]]
) -> list[str]:
    """Return ``moving`` ordered by the weighted mean position of their links in ``fixed``."""
    where = {name: i for i, name in enumerate(fixed)}
    total: dict[str, float] = {}
    mass: dict[str, float] = {}
    for m, f, w in links:
        if f in where:
            total[m] = total.get(m, 0.0) + w * where[f]
            mass[m] = mass.get(m, 0.0) + w
    rank = {m: i for i, m in enumerate(moving)}

    def key(m: str) -> tuple[float, int]:
        return (total[m] / mass[m] if mass.get(m) else float(len(fixed)), rank[m])

    return sorted(moving, key=key)


def network_chart(analysis: Analysis, *, lang: str = "fr", ax: Axes | None = None) -> Figure:
    """The staff-account network of the 25 riskiest accounts.

    Staff on the left (blue: active, grey: gone), accounts on the right coloured by risk level;
    solid lines are holders, dotted lines simple contacts. The title counts the accounts with at
    most one active holder.
    """
    check_lang(lang)
    basis = analysis.revenue_basis
    g = network_graph(analysis)
    n_acc = sum(1 for _, d in g.nodes(data=True) if d["kind"] == "account")
    n_staff = g.number_of_nodes() - n_acc
    if n_acc == 0:
        return _empty(ax, t("chart.network.empty", lang))
    height = max(6.0, 0.36 * max(n_acc, n_staff) + 1.5)
    fig, ax = _figure(ax, (12.0, height))
    pos = {node: data["pos"] for node, data in g.nodes(data=True)}

    def gone(u: tuple[str, str], v: tuple[str, str]) -> bool:
        node = u if u[0] == "staff" else v
        return not g.nodes[node]["active"]

    holder = [(u, v) for u, v, d in g.edges(data=True) if d["holder"] and not gone(u, v)]
    lost = [(u, v) for u, v, d in g.edges(data=True) if d["holder"] and gone(u, v)]
    contact = [(u, v) for u, v, d in g.edges(data=True) if not d["holder"]]
    nx.draw_networkx_edges(g, pos, edgelist=lost, ax=ax, edge_color="#BDBDBD", width=1.8)
    nx.draw_networkx_edges(
        g, pos, edgelist=contact, ax=ax, edge_color="#C8C8C8", style="dotted", width=1.0
    )
    nx.draw_networkx_edges(g, pos, edgelist=holder, ax=ax, edge_color="#595959", width=1.8)
    staff_nodes = [n for n, d in g.nodes(data=True) if d["kind"] == "staff"]
    acc_nodes = [n for n, d in g.nodes(data=True) if d["kind"] == "account"]
    nx.draw_networkx_nodes(
        g,
        pos,
        nodelist=staff_nodes,
        ax=ax,
        node_color=[_BLUE if g.nodes[n]["active"] else _GREY for n in staff_nodes],
        node_size=160,
        node_shape="s",
    )
    nx.draw_networkx_nodes(
        g,
        pos,
        nodelist=acc_nodes,
        ax=ax,
        node_color=[_RISK_COLOURS.get(g.nodes[n]["risk"], _GREY) for n in acc_nodes],
        node_size=140,
    )
    for n in staff_nodes:
        x, y = pos[n]
        ax.text(
            x - 0.03, y, _short(g.nodes[n]["name"], 26), ha="right", va="center", fontsize=_TICK
        )
    for n in acc_nodes:
        x, y = pos[n]
        rev = g.nodes[n]["revenue"]
        label = _short(g.nodes[n]["name"], 30)
        if rev is not None and basis == "revenue":
            label += f" ({_compact(rev, lang, basis, lb.dataset_currency(analysis))})"
        ax.text(x + 0.03, y, label, ha="left", va="center", fontsize=_TICK)
    ax.set_xlim(-0.75, 1.85)
    ys = [p[1] for p in pos.values()]
    ax.set_ylim(min(ys) - 0.8, max(ys) + 0.8)
    ax.set_axis_off()
    handles = [
        Line2D(
            [],
            [],
            marker="s",
            linestyle="",
            color=_BLUE,
            label=t("chart.network.staff_active", lang),
        ),
        Line2D(
            [], [], marker="s", linestyle="", color=_GREY, label=t("chart.network.staff_gone", lang)
        ),
    ]
    handles += [
        Line2D([], [], marker="o", linestyle="", color=c, label=t(f"risk.{lvl}", lang))
        for lvl, c in _RISK_COLOURS.items()
    ]
    handles += [
        Line2D([], [], color="#595959", linewidth=1.8, label=t("chart.network.holder", lang)),
        Line2D([], [], color="#BDBDBD", linewidth=1.8, label=t("chart.network.lost", lang)),
        Line2D([], [], color="#C8C8C8", linestyle="dotted", label=t("chart.network.contact", lang)),
    ]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=5,
        fontsize=_TICK,
        frameon=False,
    )
    _title(ax, _network_title(analysis, n_acc, lang))
    return fig


def _network_title(analysis: Analysis, n_accounts: int, lang: str) -> str:
    """The finding of the network: accounts already orphaned, accounts resting on one person.

    When one person alone holds two or more of the accounts shown, the one holding most (then
    the most revenue, then by name) is named.
    """
    acc = analysis.accounts.head(n_accounts)
    bus = acc["bus_factor"].to_numpy(dtype=int)
    orphaned = int((bus == 0).sum())
    single = acc[bus == 1]
    findings = []
    if orphaned:
        findings.append(t("chart.network.orphaned", lang, count=orphaned, k=orphaned))
    if len(single):
        revenue = single["revenue"].fillna(0.0).to_numpy(dtype=float)
        per: dict[str, list[float]] = {}
        for holders, r in zip(single["holders"], revenue, strict=True):
            name = str(next(iter(holders))) if len(holders) else ""
            per.setdefault(name, [0.0, 0.0])
            per[name][0] += 1
            per[name][1] += r
        name, (count, _) = min(per.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
        k = len(single)
        if count == k and k >= 2 and name:
            findings.append(t("chart.network.single_all", lang, k=k, name=_people([name], lang)))
        elif count >= 2 and name:
            findings.append(
                t("chart.network.single_top", lang, k=k, c=int(count), name=_people([name], lang))
            )
        else:
            findings.append(t("chart.network.single", lang, count=k, k=k))
    if not findings:
        return t("chart.network.none", lang, n=n_accounts)
    return t("chart.network.finding", lang, n=n_accounts, findings=lb.join_names(findings, lang))


# --------------------------------------------------------------------------------------------
# (f) heat map of shares
# --------------------------------------------------------------------------------------------


def heatmap_matrix(analysis: Analysis, n_accounts: int = 20, n_staff: int = 15) -> pd.DataFrame:
    """Return the relationship shares, accounts (rows) x people (columns).

    Rows: the ``n_accounts`` largest accounts by revenue (the riskiest in count basis) among
    those with a contact; columns: the ``n_staff`` people with the largest summed share over
    them.
    """
    acc = analysis.accounts
    h = analysis.holders
    h = h[h["share"] > 0]
    acc = acc[acc["account"].astype(str).isin(set(h["account"].astype(str)))]
    if analysis.revenue_basis == "revenue":
        acc = acc.assign(_r=acc["revenue"].fillna(0.0)).sort_values(
            ["_r", "account"], ascending=[False, True], kind="mergesort"
        )
    names = acc["account"].astype(str).head(n_accounts).tolist()
    h = h[h["account"].astype(str).isin(set(names))]
    matrix = (
        pd.DataFrame(
            {
                "account": h["account"].astype(str).to_numpy(),
                "staff": h["staff"].astype(str).to_numpy(),
                "share": h["share"].to_numpy(dtype=float),
            }
        )
        .pivot_table(
            index="account", columns="staff", values="share", aggfunc="sum", fill_value=0.0
        )
        .reindex(index=names, fill_value=0.0)
    )
    if matrix.shape[1]:
        sums = matrix.sum(axis=0)
        cols = sorted(matrix.columns, key=lambda s: (-float(sums[s]), str(s)))[:n_staff]
        matrix = matrix[cols]
    matrix.columns.name = None
    return matrix.fillna(0.0)


def heatmap_chart(analysis: Analysis, *, lang: str = "fr", ax: Axes | None = None) -> Figure:
    """Heat map of relationship shares, largest accounts x their people.

    The title counts the accounts where one person holds 80% or more of the relationship.
    """
    check_lang(lang)
    matrix = heatmap_matrix(analysis)
    n_rows, n_cols = matrix.shape
    if n_rows == 0 or n_cols == 0:
        return _empty(ax, t("chart.network.empty", lang))
    fig, ax = _figure(ax, (max(9.0, 0.55 * n_cols + 5.0), max(5.5, 0.34 * n_rows + 2.5)))
    values = matrix.to_numpy(dtype=float)
    cmap = colormaps["Reds"].with_extremes(bad="white")
    masked = np.ma.masked_less_equal(values, 0.0)
    image = ax.imshow(masked, cmap=cmap, vmin=0.0, vmax=1.0, aspect="auto", interpolation="nearest")
    ax.set_xticks(np.arange(-0.5, n_cols, 1.0), minor=True)
    ax.set_yticks(np.arange(-0.5, n_rows, 1.0), minor=True)
    ax.grid(which="minor", color="#E6E6E6", linewidth=0.6)
    ax.tick_params(which="minor", length=0)
    ax.set_yticks(np.arange(n_rows), [_short(a, 32) for a in matrix.index], fontsize=_TICK)
    ax.set_xticks(
        np.arange(n_cols),
        [_short(s, 20) for s in matrix.columns],
        fontsize=_TICK,
        rotation=40,
        ha="right",
    )
    for i in range(n_rows):
        for j in range(n_cols):
            v = values[i, j]
            if v >= 0.1:
                ax.text(
                    j,
                    i,
                    lb.percent(v, lang, 0),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if v >= 0.6 else "#202020",
                    in_layout=False,  # inside its cell: the layout need not measure it
                )
    bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    bar.set_label(t("chart.heat.colorbar", lang), fontsize=_TICK)
    _percent_axis(bar.ax, lang)
    bar.ax.tick_params(labelsize=_TICK)
    k = int((values.max(axis=1) >= 0.8).sum())
    basis = analysis.revenue_basis  # in count basis the rows are the riskiest accounts
    if k and k == n_rows and k > 1:
        title = tb("chart.heat.title_all", lang, basis, n=n_rows)
    elif k:
        title = tb("chart.heat.title", lang, basis, count=k, k=k, n=n_rows)
    else:  # no account rests on one person: say how far the largest share goes
        top = float(values.max()) if values.size else 0.0
        title = tb("chart.heat.title_none", lang, basis, n=n_rows, top=lb.percent(top, lang))
    _title(ax, title)
    return fig


# --------------------------------------------------------------------------------------------
# (g) client concentration
# --------------------------------------------------------------------------------------------


def clients_chart(analysis: Analysis, *, lang: str = "fr", ax: Axes | None = None) -> Figure:
    """Client concentration: the 20 largest clients' shares (bars) and the cumulative share.

    The title gives the elephant factor (clients making half of revenue) and the largest share.
    """
    check_lang(lang)
    c = analysis.portfolio.client_concentration
    if analysis.revenue_basis != "revenue" or c.n_clients == 0:
        return _empty(ax, t("chart.clients.empty", lang))
    wide = min(max(20, c.elephant_factor), 40) > 20
    fig, ax = _figure(ax, (13.0 if wide else 10.0, 6.5))
    shown = min(max(20, c.elephant_factor), 40)
    shares = c.shares.head(shown)
    x = np.arange(len(shares))
    cum = c.shares.cumsum().head(shown).to_numpy()
    ax.bar(
        x,
        shares.to_numpy(),
        color=[_RED if s >= 0.1 else _BLUE for s in shares],
        label=t("chart.clients.bars", lang),
    )
    ax.plot(x, cum, color="#404040", marker="o", markersize=4, label=t("chart.clients.cum", lang))
    ax.axhline(
        0.5, color="#404040", linestyle="--", linewidth=1, label=t("chart.clients.half", lang)
    )
    ax.set_xticks(x, [_short(a, 22) for a in shares.index], rotation=55, ha="right", fontsize=_TICK)
    _share_axis_with_legend_band(ax, lang, ncol=3)
    ax.set_xlabel(t("chart.clients.xlabel", lang), fontsize=_LABEL)
    ax.set_xlim(-0.6, len(x) - 0.4)
    _clean(ax)
    key = "chart.clients.title1" if c.elephant_factor == 1 else "chart.clients.title"
    k = lb.number(c.elephant_factor, lang)
    _title(ax, t(key, lang, k=k, share=_small_percent(c.top1_share, lang)))
    return fig


# --------------------------------------------------------------------------------------------
# (h) the continuity plan: before and after
# --------------------------------------------------------------------------------------------


def before_after_table(analysis: Analysis) -> pd.DataFrame:
    """Return the shares the plan changes, today and with the plan.

    Rows: ``single_holder`` (share of revenue on at most one active holder), ``orphaned``
    (share already orphaned), ``top_departure`` and ``top_pair`` (share at risk when they
    leave); columns ``before`` and ``after`` (shares in [0, 1]).
    """
    plan = analysis.plan()
    total = _total(analysis)

    def dep(d: Any) -> float:
        return 0.0 if d is None else float(d.share)

    rows = {}
    for name, b, a in (
        (
            "single_holder",
            plan.before.single_holder_revenue_share,
            plan.after.single_holder_revenue_share,
        ),
        (
            "orphaned",
            plan.before.orphaned_revenue / total if total > 0 else 0.0,
            plan.after.orphaned_revenue / total if total > 0 else 0.0,
        ),
        ("top_departure", dep(plan.before.top_departure), dep(plan.after.top_departure)),
        ("top_pair", dep(plan.before.top_pair), dep(plan.after.top_pair)),
    ):
        rows[name] = {"before": float(b), "after": float(a)}
    return pd.DataFrame.from_dict(rows, orient="index")


def before_after_chart(analysis: Analysis, *, lang: str = "fr", ax: Axes | None = None) -> Figure:
    """The continuity plan's effect: paired bars of the shares at risk, today and with the plan.

    The title is the plan's effect on the bus factor, in words; the costliest pair is shown as
    it comes out (it can weigh more once backups hold more accounts).
    """
    from keyrisk.report.sheets.plan import plan_effect

    check_lang(lang)
    basis = analysis.revenue_basis
    plan = analysis.plan()
    if plan.n_fragile == 0:
        return _empty(ax, tb("chart.ba.empty", lang, basis))
    fig, ax = _figure(ax, (10.0, 5.0))
    table = before_after_table(analysis)
    y = np.arange(len(table))[::-1]
    height = 0.38
    before = ax.barh(
        y + height / 2, table["before"], height, color=_GREY, label=t("chart.ba.before", lang)
    )
    after = ax.barh(
        y - height / 2, table["after"], height, color=_BLUE, label=t("chart.ba.after", lang)
    )
    for bars in (before, after):
        for rect in bars:
            ax.annotate(
                _small_percent(rect.get_width(), lang),
                (rect.get_width(), rect.get_y() + rect.get_height() / 2),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=_TICK,
            )
    labels = [tb(f"chart.ba.{name}", lang, basis) for name in table.index]
    ax.set_yticks(y, labels, fontsize=_LABEL)
    top = float(max(table["before"].max(), table["after"].max(), 0.01))
    ax.set_xlim(0, min(1.0, top) * 1.22)
    _percent_axis(ax, lang, "x")
    ax.grid(axis="x", color="#E0E0E0")
    ax.set_axisbelow(True)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.1),
        ncol=2,
        fontsize=_TICK,
        frameon=False,
    )
    _clean(ax)
    _title(ax, plan_effect(plan, lang, basis))
    return fig


# --------------------------------------------------------------------------------------------
# (i) CRM adoption
# --------------------------------------------------------------------------------------------

#: Months of the adoption heat map whose cells show their percentage (beyond, colour only).
_ADOPTION_LABELLED_MONTHS = 18


def adoption_chart(
    analysis: Analysis,
    *,
    lang: str = "fr",
    ax: Axes | None = None,
    since: dt.date | str | None = None,
) -> Figure:
    """CRM adoption month by month after roll-out, as a heat map: the company, then each team.

    A cell is the share of the team's people expected that month who logged at least once
    (white: nobody expected). ``since`` is the roll-out date (default: the first logged month).
    The title says the adoption at the latest checkpoint reached (M+1, M+3, M+6) and the teams
    that log nothing.
    """
    from keyrisk.report.sheets.adoption import audit, finding, team_months, team_name

    check_lang(lang)
    a = audit(analysis, since)
    if a is None:
        return _empty(ax, t("ad.chart.empty", lang))
    table = team_months(a).T  # rows: "" (the company) then the teams; columns: months
    months = [int(k) for k in table.columns]
    names = [t("ad.chart.all", lang)] + [_short(team_name(x, lang), 28) for x in table.index[1:]]
    n_rows, n_cols = table.shape
    wide = min(14.0, max(10.0, 0.42 * n_cols + 4.0))
    fig, ax = _figure(ax, (wide, min(9.0, max(4.0, 0.42 * n_rows + 2.6))))
    values = table.to_numpy(dtype=float)
    cmap = colormaps["RdYlGn"].with_extremes(bad="white")
    image = ax.imshow(
        np.ma.masked_invalid(values),
        cmap=cmap,
        vmin=0.0,
        vmax=1.0,
        aspect="auto",
        interpolation="nearest",
    )
    ax.set_xticks(np.arange(-0.5, n_cols, 1.0), minor=True)
    ax.set_yticks(np.arange(-0.5, n_rows, 1.0), minor=True)
    ax.grid(which="minor", color="#E6E6E6", linewidth=0.6)
    ax.tick_params(which="minor", length=0)
    ax.axhline(0.5, color="#202020", linewidth=1.5)  # the company apart from its teams
    ax.set_yticks(np.arange(n_rows), names, fontsize=_TICK)
    step = 1 if n_cols <= _ADOPTION_LABELLED_MONTHS else 3
    ticks = [i for i, k in enumerate(months) if (k - 1) % step == 0]
    ax.set_xticks(ticks, [f"M+{months[i]}" for i in ticks], fontsize=_TICK)
    if n_cols <= _ADOPTION_LABELLED_MONTHS:
        for i in range(n_rows):
            for j in range(n_cols):
                v = values[i, j]
                if v == v:
                    ax.text(
                        j,
                        i,
                        lb.percent(v, lang, 0),
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if v < 0.15 or v > 0.85 else "#202020",
                        in_layout=False,
                    )
    bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    bar.set_label(t("ad.chart.ylabel", lang), fontsize=_TICK)
    _percent_axis(bar.ax, lang)
    bar.ax.tick_params(labelsize=_TICK)
    ax.set_xlabel(t("ad.chart.xlabel", lang, since=lb.date(a.since, lang)), fontsize=_LABEL)
    _title(ax, finding(a, lang))
    return fig


ChartFunction = Callable[..., Figure]

#: Chart name -> function; the PNG file is ``charts/<name>.png``.
CHARTS: dict[str, ChartFunction] = {
    "orphaned": orphaned_chart,
    "revenue_held": revenue_held_chart,
    "bus_factor": bus_factor_chart,
    "concentration": concentration_chart,
    "network": network_chart,
    "heatmap": heatmap_chart,
    "clients": clients_chart,
    "before_after": before_after_chart,
    "adoption": adoption_chart,
}
#: The charts drawn for a CRM roll-out date (:func:`save_charts`' ``crm_since``).
_SINCE_CHARTS = ("adoption",)


def trend_chart(
    trend: pd.DataFrame, *, lang: str = "fr", basis: str = "revenue", ax: Axes | None = None
) -> Figure:
    """This quarter against the last four: the share of revenue held by one person or none, by
    point of the trend, as a line (the revenue bus factor written above each point).

    ``trend`` is a table of :func:`keyrisk.trend.quarterly_trend` (its last rows are drawn);
    the title compares the last point with the first one drawn. A point with no activity is
    left out of the line.
    """
    check_lang(lang)
    if trend.empty or "single_holder_revenue_share" not in trend.columns:
        return _empty(ax, t("chart.trend.none", lang))
    rows = trend.tail(5).reset_index(drop=True)
    fig, ax = _figure(ax, (10.0, 4.6))
    share = pd.to_numeric(rows["single_holder_revenue_share"], errors="coerce").astype(float)
    x = np.arange(len(rows))
    labels = [lb.date(d, lang) if d is not None else "" for d in rows["as_of"]]
    ok = ~share.isna().to_numpy()
    ax.plot(x[ok], share.to_numpy()[ok], color=_RED, marker="o", linewidth=2.2)
    bus = rows["revenue_bus_factor"] if "revenue_bus_factor" in rows.columns else None
    for i in np.flatnonzero(ok):
        text = _small_percent(float(share.iloc[i]), lang)
        if bus is not None and not pd.isna(bus.iloc[i]):
            text += "\n" + t("chart.trend.bus", lang, n=int(bus.iloc[i]))
        ax.annotate(
            text,
            (float(x[i]), float(share.iloc[i])),
            xytext=(0, 8),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=_TICK,
        )
    ax.set_xticks(x, labels, fontsize=_TICK)
    ax.set_xlim(-0.5, len(rows) - 0.5)
    ax.set_ylim(0, 1.3)
    ax.yaxis.set_major_locator(FixedLocator([0.0, 0.25, 0.5, 0.75, 1.0]))
    _percent_axis(ax, lang)
    ax.grid(axis="y", color="#E0E0E0")
    ax.set_ylabel(tb("chart.trend.ylabel", lang, basis), fontsize=_LABEL)
    _clean(ax)
    valid = [i for i in range(len(rows)) if ok[i]]
    if len(valid) >= 2 and valid[-1] == len(rows) - 1:
        first, last = valid[0], valid[-1]
        title = tb(
            "chart.trend.title",
            lang,
            basis,
            now=lb.percent(float(share.iloc[last]), lang),
            then=lb.percent(float(share.iloc[first]), lang),
            date=labels[first],
        )
    elif valid:
        title = tb(
            "chart.trend.title.one", lang, basis, now=lb.percent(float(share.iloc[valid[-1]]), lang)
        )
    else:
        title = t("chart.trend.none", lang)
    _title(ax, title)
    return fig


def save_figure(fig: Figure, path: str | os.PathLike[str]) -> Path:
    """Save ``fig`` as a PNG atomically, without a timestamp or software tag (deterministic)."""
    target = Path(path)

    def save(tmp: str) -> None:
        with _no_glyph_warning():
            fig.savefig(tmp, format="png", dpi=DPI, metadata={"Software": None}, facecolor="white")

    atomic_save(target, save)
    return target


def save_charts(
    analysis: Analysis,
    out_dir: str | os.PathLike[str],
    lang: str = "fr",
    names: Sequence[str] | None = None,
    crm_since: dt.date | str | None = None,
) -> list[Path]:
    """Write ``out_dir/charts/<name>.png`` for every chart of :data:`CHARTS`; return the paths.

    ``crm_since`` is the CRM roll-out date of the adoption chart (default: the first logged
    month).

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from keyrisk import Dataset, analyse
    >>> ds = Dataset.from_frames(pd.DataFrame({"account": ["A"], "staff": ["Ann"]}))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     len(save_charts(analyse(ds), d, "en"))
    9
    """
    check_lang(lang)
    folder = Path(out_dir) / "charts"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names if names is not None else list(CHARTS):
        extra = {"since": crm_since} if name in _SINCE_CHARTS else {}
        fig = CHARTS[name](analysis, lang=lang, **extra)
        paths.append(save_figure(fig, folder / f"{name}.png"))
        fig.clear()
    return paths
