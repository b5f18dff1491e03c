"""The building blocks of a sheet, independent of any Excel engine, and helpers shared by sheets.

A sheet is a :class:`SheetSpec`: blocks (:class:`Table`, :class:`KeyValues`,
:class:`Paragraph`) stacked from A1, charts (:class:`ImageSpec`) and column widths. Values are
plain Python values (str, int, float, datetime.date or None).
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
from keyrisk.report.labels import t

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis

__all__ = [
    "KINDS",
    "LIGHTS",
    "Block",
    "Cell",
    "Column",
    "ImageSpec",
    "KeyValue",
    "KeyValues",
    "Paragraph",
    "ReportMeta",
    "SheetSpec",
    "Table",
    "light_for",
    "parameters",
]


#: Number format kinds of a cell ("percent0": a share without decimals, such as a setting).
KINDS = ("text", "int", "number", "money", "percent", "percent0", "ratio", "date")
#: Traffic-light colours, worst first.
LIGHTS = ("red", "orange", "yellow", "green")


@dataclass(frozen=True)
class Column:
    """One column of a table: its header, the field it shows and its number format kind."""

    header: str
    field: str
    kind: str = "text"
    wrap: bool = False


@dataclass(frozen=True)
class Cell:
    """A table value with its own number format kind (a row mixing counts, shares, amounts)."""

    value: Any
    kind: str = "text"


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


def last_row(blocks: Iterable[Block]) -> int:
    """Return the last row the blocks fill once stacked from A1 as the renderer stacks them.

    A blank row goes before every block but a paragraph that is not a heading; a table takes
    its title, header, rows and note; a key-value block its title, headers and rows.

    Examples
    --------
    >>> last_row([Paragraph("T", "title"), Table((Column("A", "a"),), [(1,), (2,)], "x")])
    6
    """
    row = 1
    for block in blocks:
        spaced = not isinstance(block, Paragraph) or block.style == "heading"
        if spaced and row > 1:
            row += 1
        if isinstance(block, Paragraph):
            row += 1
        elif isinstance(block, KeyValues):
            row += bool(block.title) + bool(block.headers) + len(block.rows)
        else:
            row += bool(block.title) + 1 + len(block.rows) + bool(block.note)
    return row - 1


@dataclass(frozen=True)
class ImageSpec:
    """A chart (by name, see :data:`keyrisk.report.charts.CHARTS`) anchored at a cell."""

    chart: str
    anchor: str
    width: int = 760


@dataclass
class SheetSpec:
    """One worksheet: title, blocks stacked from A1 (a blank row between), images, widths.

    ``currency`` is the ISO 4217 code of the amounts ("money" cells), None when unknown.
    """

    key: str
    title: str
    blocks: list[Block]
    images: list[ImageSpec] = field(default_factory=list)
    column_widths: dict[int, float] = field(default_factory=dict)
    tab_color: str | None = None
    currency: str | None = None


@dataclass(frozen=True)
class ReportMeta:
    """What the report says about itself (the run date is the only varying field).

    ``company``, ``title`` and ``author`` are the hand-over texts given by the user (Summary
    sheet, page header and footer, document properties). ``crm_since`` is the CRM roll-out date
    of the adoption audit (None: the first logged month).
    """

    version: str
    run_date: dt.date
    pseudonymised: bool = False
    inputs: tuple[str, ...] = ()
    company: str | None = None
    title: str | None = None
    author: str | None = None
    crm_since: dt.date | None = None


def _plain(value: Any, lang: str | None = None) -> Any:
    """Return ``value`` as a plain Python value (missing -> None, Timestamp -> date); a list
    becomes one text, its items separated as ``lang`` separates them ("; " without ``lang``)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, tuple | list):
        sep = t("list.sep", lang) if lang else "; "
        return sep.join(str(v) for v in value)
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


def _file_name(path: str | None) -> str:
    if not path:
        return ""
    return Path(str(path)).name or str(path)


def _rows(
    frame: pd.DataFrame, columns: Sequence[Column], lang: str | None = None
) -> list[tuple[Any, ...]]:
    fields = [c.field for c in columns]
    data = frame[fields].astype(object)
    return [tuple(_plain(v, lang) for v in rec) for rec in data.itertuples(index=False, name=None)]


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
                if isinstance(value, Cell):
                    value = value.value
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


def _param_value(name: str, value: Any, lang: str) -> tuple[Any, str]:
    if value is None:
        return t("param.none", lang), "text"
    if name == "kind_weights":
        if not value:
            return t("param.all_one", lang), "text"
        weights = [
            f"{_word('interaction', k, lang)} = {lb.number(v, lang, None)}"
            for k, v in value.items()
        ]
        return t("list.sep", lang).join(weights), "text"
    if name in ("holder_ratio", "coverage", "turnover_rate"):
        whole = round(100.0 * float(value), 6).is_integer()
        return float(value), "percent0" if whole else "percent"
    if isinstance(value, dt.date):
        return value, "date"
    if isinstance(value, float):
        return value, "int" if value.is_integer() else "number"
    return value, "int" if isinstance(value, int) else "text"


def _word(prefix: str, value: object, lang: str) -> str:
    """The catalogue's word for ``value`` (key ``prefix.value``), else the value as it is."""
    key = f"{prefix}.{value}"
    return t(key, lang) if value is not None and lb.has(key, lang) else str(value or "")


def parameters(analysis: Analysis, lang: str, technical: bool = False) -> KeyValues:
    """Return the parameters used, with the resolved analysis date.

    Each is named in words; with ``technical`` (the Method sheet) its name in keyrisk.toml
    follows, under a header row.
    """
    rows = []
    settings = analysis.settings.as_dict()
    settings["as_of"] = analysis.as_of
    settings["kind_weights"] = dict(analysis.settings.kind_weights)
    for name, value in settings.items():
        shown, kind = _param_value(name, value, lang)
        rows.append(
            KeyValue(t(f"param.{name}", lang), shown, kind, None, name if technical else "")
        )
    headers = (t("kv.parameter", lang), t("kv.value", lang), "", t("kv.technical", lang))
    return KeyValues(tuple(rows), t("block.parameters", lang), headers if technical else ())
