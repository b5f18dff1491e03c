"""Render :class:`~keyrisk.report.sheets.SheetSpec` sheets into an .xlsx workbook (openpyxl).

The only module of keyrisk that imports openpyxl. Every text cell goes through
:func:`keyrisk.report.safety.safe_text` (no formula, no error literal, no control character),
is cut to Excel's 32,767-character limit and is typed as a string explicitly; no cell ever gets
a hyperlink. Sheet titles go through :func:`keyrisk.report.safety.safe_sheet_title`.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.drawing.image import Image as XLImage
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule, DataBarRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from keyrisk.report.files import atomic_save
from keyrisk.report.labels import check_lang, t
from keyrisk.report.safety import safe_sheet_title, safe_text
from keyrisk.report.sheets import KeyValues, Paragraph, SheetSpec, Table

__all__ = ["MAX_CELL_CHARS", "number_format", "render_workbook", "save_workbook"]

#: Excel's limit on the characters of one cell.
MAX_CELL_CHARS = 32767

_FILLS = {
    "red": "F8696B",
    "orange": "FFB266",
    "yellow": "FFE699",
    "green": "A9D08E",
}
_HEADER_FILL = PatternFill("solid", start_color="1F3864", end_color="1F3864")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_THIN = Side(style="thin", color="BFBFBF")
_BOTTOM = Border(bottom=_THIN)
_STYLES = {
    "title": Font(bold=True, size=14, color="1F3864"),
    "headline": Font(bold=True, size=18, color="C00000"),
    "heading": Font(bold=True, size=12, color="1F3864"),
    "text": Font(size=11),
    "note": Font(italic=True, size=10, color="595959"),
}
_LINE_HEIGHT = {"title": 20.0, "headline": 30.0, "heading": 17.0, "text": 15.0, "note": 14.0}
_CHAR_SCALE = {"title": 1.3, "headline": 1.7, "heading": 1.15, "text": 1.0, "note": 0.95}


def number_format(kind: str, lang: str) -> str:
    """Return the Excel number format of a cell kind in ``lang``.

    Excel renders the separators with the reader's locale: ``#,##0`` shows "1 234" in a French
    Excel and "1,234" in an English one.

    Examples
    --------
    >>> number_format("money", "fr")
    '#,##0 "€"'
    >>> number_format("date", "en")
    'yyyy-mm-dd'
    """
    if kind == "money":
        return '#,##0 "€"' if lang == "fr" else "#,##0"
    if kind == "date":
        return "dd/mm/yyyy" if lang == "fr" else "yyyy-mm-dd"
    return {
        "int": "#,##0",
        "number": "#,##0.0",
        "percent": "0.0%",
        "ratio": "0.000",
    }.get(kind, "General")


def _text(value: str) -> str:
    text = safe_text(value)
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "…"
    return text


def _put(ws: Worksheet, row: int, col: int, value: Any, kind: str, lang: str) -> Any:
    """Write one value: text made safe and typed "s", numbers and dates with their format."""
    cell = ws.cell(row=row, column=col)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return cell
    if isinstance(value, bool):
        value = t("yes" if value else "no", lang)
    if isinstance(value, str):
        cell.value = _text(value)
        cell.data_type = "s"
        return cell
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        cell.value = value
        cell.number_format = number_format("date", lang)
        return cell
    if isinstance(value, int | float):
        cell.value = value
        if kind != "text":
            cell.number_format = number_format(kind, lang)
        return cell
    cell.value = _text(str(value))
    cell.data_type = "s"
    return cell


def _paragraph(ws: Worksheet, row: int, block: Paragraph, widths: Mapping[int, float]) -> int:
    cell = _put(ws, row, 1, block.text, "text", "en")
    cell.font = _STYLES.get(block.style, _STYLES["text"])
    span = max(1, block.span)
    room = sum(widths.get(c, 10.0) for c in range(1, span + 1))
    need = len(block.text) * _CHAR_SCALE.get(block.style, 1.0)
    lines = max(1, math.ceil(need / max(room, 1.0)))
    if span > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=span)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    height = _LINE_HEIGHT.get(block.style, 15.0)
    if lines > 1 or block.style in ("headline", "title"):
        ws.row_dimensions[row].height = height * lines
    return row + 1


def _header(ws: Worksheet, row: int, headers: Sequence[str]) -> None:
    for col, text in enumerate(headers, start=1):
        cell = _put(ws, row, col, text, "text", "en")
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _key_values(ws: Worksheet, row: int, block: KeyValues, lang: str) -> int:
    if block.title:
        cell = _put(ws, row, 1, block.title, "text", lang)
        cell.font = _STYLES["heading"]
        row += 1
    if block.headers:
        _header(ws, row, block.headers)
        row += 1
    for item in block.rows:
        label = _put(ws, row, 1, item.label, "text", lang)
        label.border = _BOTTOM
        label.alignment = Alignment(wrap_text=True, vertical="top")
        value = _put(ws, row, 2, item.value, item.kind, lang)
        value.font = Font(bold=True)
        value.border = _BOTTOM
        value.alignment = Alignment(horizontal="right", vertical="top")
        if item.light:
            signal = _put(ws, row, 3, t(f"light.{item.light}", lang), "text", lang)
            colour = _FILLS[item.light]
            signal.fill = PatternFill("solid", start_color=colour, end_color=colour)
            signal.alignment = Alignment(horizontal="center", vertical="top")
        if item.note:
            note = _put(ws, row, 4, item.note, "text", lang)
            note.font = _STYLES["note"]
            note.alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    return row


def _table(ws: Worksheet, row: int, block: Table, lang: str, frozen: list[bool]) -> int:
    if block.title:
        cell = _put(ws, row, 1, block.title, "text", lang)
        cell.font = _STYLES["heading"]
        row += 1
    header_row = row
    _header(ws, row, [c.header for c in block.columns])
    ws.row_dimensions[row].height = 30.0
    kinds = [c.kind for c in block.columns]
    wraps = [c.wrap for c in block.columns]
    fmts = [number_format(k, lang) for k in kinds]
    wrap = Alignment(wrap_text=True, vertical="top")
    for values in block.rows:
        row += 1
        for col, value in enumerate(values, start=1):
            if value is None:
                continue
            kind = kinds[col - 1]
            if isinstance(value, str):
                cell = ws.cell(row=row, column=col)
                cell.value = _text(value)
                cell.data_type = "s"
                if wraps[col - 1] and len(value) > 60:
                    cell.alignment = wrap
            elif isinstance(value, float | int) and not isinstance(value, bool):
                if isinstance(value, float) and not math.isfinite(value):
                    continue
                cell = ws.cell(row=row, column=col, value=value)
                if kind != "text":
                    cell.number_format = fmts[col - 1]
            else:
                _put(ws, row, col, value, kind, lang)
    last = row
    n_cols = len(block.columns)
    if block.rows:
        fields = [c.field for c in block.columns]
        for name in block.data_bars:
            if name in fields:
                letter = get_column_letter(fields.index(name) + 1)
                ws.conditional_formatting.add(
                    f"{letter}{header_row + 1}:{letter}{last}",
                    DataBarRule(start_type="num", start_value=0, end_type="max", color="5B9BD5"),
                )
        for name in block.color_scales:
            if name in fields:
                letter = get_column_letter(fields.index(name) + 1)
                ws.conditional_formatting.add(
                    f"{letter}{header_row + 1}:{letter}{last}",
                    ColorScaleRule(
                        start_type="min", start_color="FFFFFF", end_type="max", end_color="F8696B"
                    ),
                )
        for name, mapping in block.traffic.items():
            if name not in fields:
                continue
            letter = get_column_letter(fields.index(name) + 1)
            for text, colour in mapping.items():
                fill = PatternFill("solid", start_color=_FILLS[colour], end_color=_FILLS[colour])
                quoted = '"' + text.replace('"', '""') + '"'
                ws.conditional_formatting.add(
                    f"{letter}{header_row + 1}:{letter}{last}",
                    CellIsRule(operator="equal", formula=[quoted], fill=fill),
                )
        if block.autofilter:
            ws.auto_filter.ref = f"A{header_row}:{get_column_letter(n_cols)}{last}"
    if block.freeze and not frozen[0]:
        ws.freeze_panes = f"B{header_row + 1}"
        frozen[0] = True
    if block.note:
        last += 1
        cell = _put(ws, last, 1, block.note, "text", lang)
        cell.font = _STYLES["note"]
    return last + 1


def _render_sheet(
    ws: Worksheet, spec: SheetSpec, lang: str, images: Mapping[str, str | os.PathLike[str]]
) -> None:
    for col, width in spec.column_widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    if spec.tab_color:
        ws.sheet_properties.tabColor = spec.tab_color
    row = 1
    frozen = [False]
    for block in spec.blocks:
        spaced = not isinstance(block, Paragraph) or block.style == "heading"
        if spaced and row > 1:
            row += 1
        if isinstance(block, Paragraph):
            row = _paragraph(ws, row, block, spec.column_widths)
        elif isinstance(block, KeyValues):
            row = _key_values(ws, row, block, lang)
        else:
            row = _table(ws, row, block, lang, frozen)
    for image in spec.images:
        path = images.get(image.chart)
        if path is None or not Path(path).is_file():
            continue
        pic = XLImage(str(path))
        ratio = image.width / float(pic.width) if pic.width else 1.0
        pic.width = round(pic.width * ratio)
        pic.height = round(pic.height * ratio)
        ws.add_image(pic, image.anchor)


def render_workbook(
    sheets: Sequence[SheetSpec],
    *,
    lang: str,
    images: Mapping[str, str | os.PathLike[str]] | None = None,
    created: dt.date | None = None,
) -> Workbook:
    """Return an openpyxl Workbook holding ``sheets``.

    Parameters
    ----------
    sheets : sequence of SheetSpec
        From :func:`keyrisk.report.sheets.build_sheets`.
    lang : {"fr", "en"}
        Number and date formats.
    images : mapping of str to path, optional
        Chart name -> PNG file; images whose chart is absent are left out.
    created : datetime.date, optional
        Stored as the document's creation and modification date.

    Returns
    -------
    openpyxl.Workbook

    Examples
    --------
    >>> from keyrisk.report.sheets import Column, SheetSpec, Table
    >>> table = Table((Column("Name", "name"),), [("=1+1",)])
    >>> wb = render_workbook([SheetSpec("s", "Sheet/1", [table])], lang="en")
    >>> ws = wb["Sheet_1"]
    >>> ws["A2"].value, ws["A2"].data_type
    ("'=1+1", 's')
    """
    check_lang(lang)
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for spec in sheets:
        title = safe_sheet_title(spec.title, taken)
        taken.add(title)
        ws = wb.create_sheet(title)
        _render_sheet(ws, spec, lang, images or {})
    if wb.worksheets:
        wb.active = 0
    stamp = dt.datetime.combine(created or dt.date(2000, 1, 1), dt.time(0, 0))
    wb.properties.creator = "keyrisk"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.lastModifiedBy = "keyrisk"
    return wb


def save_workbook(
    sheets: Sequence[SheetSpec],
    path: str | os.PathLike[str],
    *,
    lang: str,
    images: Mapping[str, str | os.PathLike[str]] | None = None,
    created: dt.date | None = None,
) -> Path:
    """Render ``sheets`` and save the workbook atomically to ``path``; return the path."""
    wb = render_workbook(sheets, lang=lang, images=images, created=created)
    target = Path(path)
    atomic_save(target, wb.save)
    return target
