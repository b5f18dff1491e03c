"""Render :class:`~keyrisk.report.sheets.SheetSpec` sheets into an .xlsx workbook (openpyxl).

The only module of keyrisk that imports openpyxl. Every text cell goes through
:func:`keyrisk.report.safety.safe_text` (no formula, no error literal, no control character),
is cut to Excel's 32,767-character limit and is typed as a string explicitly; no cell ever gets
a hyperlink. Sheet titles go through :func:`keyrisk.report.safety.safe_sheet_title`.

Each sheet also gets its print setup (:class:`keyrisk.report.pagesetup.PageSetup`): A4, the
orientation, one page wide, repeated header row, header and footer, a print area that holds the
cells and the charts, and a page break before a chart that a page would otherwise cut. Rows
whose text wraps get an explicit height, so that Excel and LibreOffice cut pages alike.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.drawing.image import Image as XLImage
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule, DataBarRule
from openpyxl.packaging.extended import ExtendedProperties
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.constants import ARC_APP
from openpyxl.xml.functions import SubElement, tostring

from keyrisk.report import pagesetup as ps
from keyrisk.report.files import atomic_save
from keyrisk.report.labels import cell_format, check_lang, t
from keyrisk.report.safety import safe_sheet_title, safe_text
from keyrisk.report.sheets import KeyValues, Paragraph, SheetSpec, Table
from keyrisk.report.sheets._blocks import Cell

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
#: A wrapped cell grows to this many lines at most (Excel's row height limit is 409 points).
_MAX_LINES = 25
#: Characters of each part of a page header or footer (Excel allows 255 for the three).
_HF_BUDGET = 72
_HF_CODES = {ps.PAGE: "&P", ps.PAGES: "&N", ps.SHEET: "&A"}
_HF_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_POINTS_PER_PX = 0.75


def number_format(kind: str, lang: str, currency: str | None = None) -> str:
    """Return the Excel number format of a cell kind in ``lang``.

    The format is written like the text of the report (:func:`keyrisk.report.labels.cell_format`:
    the same decimals, "35,5 %" in French, the currency's symbol only when it is known). Excel
    renders the separators with the reader's locale: ``#,##0`` shows "1 234" in a French Excel
    and "1,234" in an English one.

    Examples
    --------
    >>> number_format("money", "fr", "EUR")
    '#,##0"\\xa0€"'
    >>> number_format("money", "fr"), number_format("date", "en"), number_format("date", "en-US")
    ('#,##0', 'dd/mm/yyyy', 'm/d/yyyy')
    """
    return cell_format(kind, lang, currency)


def _text(value: str) -> str:
    text = safe_text(value)
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "…"
    return text


def _put(
    ws: Worksheet, row: int, col: int, value: Any, kind: str, lang: str, currency: str | None = None
) -> Any:
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
            cell.number_format = number_format(kind, lang, currency)
        return cell
    cell.value = _text(str(value))
    cell.data_type = "s"
    return cell


def _lines(text: str, width: float, scale: float = 1.0) -> int:
    """Estimated lines of ``text`` wrapped in a column ``width`` characters wide."""
    room = max(width - 1.0, 1.0)
    lines = sum(max(1, math.ceil(len(part) * scale / room)) for part in text.split("\n"))
    return min(lines, _MAX_LINES)


def _grow(ws: Worksheet, row: int, height: float) -> None:
    """Make ``row`` at least ``height`` points high."""
    current = ws.row_dimensions[row].height or ps.DEFAULT_ROW_HEIGHT
    if height > current:
        ws.row_dimensions[row].height = height


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


def _key_values(
    ws: Worksheet,
    row: int,
    block: KeyValues,
    lang: str,
    widths: Mapping[int, float],
    currency: str | None = None,
) -> int:
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
        lines = _lines(str(item.label), widths.get(1, 10.0))
        value = _put(ws, row, 2, item.value, item.kind, lang, currency)
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
            lines = max(lines, _lines(item.note, widths.get(4, 10.0), _CHAR_SCALE["note"]))
        if lines > 1:
            _grow(ws, row, _LINE_HEIGHT["text"] * lines)
        row += 1
    return row


def _table(
    ws: Worksheet,
    row: int,
    block: Table,
    lang: str,
    frozen: list[int],
    widths: Mapping[int, float],
    currency: str | None = None,
) -> int:
    if block.title:
        cell = _put(ws, row, 1, block.title, "text", lang)
        cell.font = _STYLES["heading"]
        row += 1
    header_row = row
    _header(ws, row, [c.header for c in block.columns])
    ws.row_dimensions[row].height = 30.0
    kinds = [c.kind for c in block.columns]
    wraps = [c.wrap for c in block.columns]
    fmts = [number_format(k, lang, currency) for k in kinds]
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for values in block.rows:
        row += 1
        grown = False
        for col, value in enumerate(values, start=1):
            if value is None:
                continue
            kind = kinds[col - 1]
            if isinstance(value, Cell):
                cell = _put(ws, row, col, value.value, value.kind, lang, currency)
                if not isinstance(value.value, str):
                    cell.alignment = Alignment(horizontal="right", vertical="top")
                continue
            if isinstance(value, str):
                cell = ws.cell(row=row, column=col)
                cell.value = _text(value)
                cell.data_type = "s"
                if wraps[col - 1] and len(value) > min(60.0, widths.get(col, 10.0) - 1.0):
                    cell.alignment = wrap
                    lines = _lines(value, widths.get(col, 10.0))
                    if lines > 1:
                        _grow(ws, row, _LINE_HEIGHT["text"] * lines)
                        grown = True
            elif isinstance(value, float | int) and not isinstance(value, bool):
                if isinstance(value, float) and not math.isfinite(value):
                    continue
                cell = ws.cell(row=row, column=col, value=value)
                if kind != "text":
                    cell.number_format = fmts[col - 1]
            else:
                _put(ws, row, col, value, kind, lang, currency)
        if grown:  # a tall row: its other cells at the top too, level with the wrapped text
            for col in range(1, len(values) + 1):
                cell = ws.cell(row=row, column=col)
                if not cell.alignment.wrap_text:
                    cell.alignment = top
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
    if block.freeze and not frozen:
        ws.freeze_panes = f"B{header_row + 1}"
        frozen.append(header_row)
    if block.note:
        last += 1
        cell = _put(ws, last, 1, block.note, "text", lang)
        cell.font = _STYLES["note"]
    return last + 1


def _render_sheet(
    ws: Worksheet,
    spec: SheetSpec,
    lang: str,
    images: Mapping[str, str | os.PathLike[str]],
    setup: ps.PageSetup | None = None,
) -> None:
    for col, width in spec.column_widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    if spec.tab_color:
        ws.sheet_properties.tabColor = spec.tab_color
    row = 1
    frozen: list[int] = []  # the header row of the frozen table
    for block in spec.blocks:
        spaced = not isinstance(block, Paragraph) or block.style == "heading"
        if spaced and row > 1:
            row += 1
        if isinstance(block, Paragraph):
            row = _paragraph(ws, row, block, spec.column_widths)
        elif isinstance(block, KeyValues):
            row = _key_values(ws, row, block, lang, spec.column_widths, spec.currency)
        else:
            row = _table(ws, row, block, lang, frozen, spec.column_widths, spec.currency)
    pictures: list[tuple[int, int, float, float]] = []  # row, column, width and height (pt)
    for image in spec.images:
        path = images.get(image.chart)
        if path is None or not Path(path).is_file():
            continue
        pic = XLImage(str(path))
        ratio = image.width / float(pic.width) if pic.width else 1.0
        pic.width = round(pic.width * ratio)
        pic.height = round(pic.height * ratio)
        ws.add_image(pic, image.anchor)
        letters, anchor_row = coordinate_from_string(image.anchor)
        pictures.append(
            (
                anchor_row,
                column_index_from_string(letters),
                pic.width * _POINTS_PER_PX,
                pic.height * _POINTS_PER_PX,
            )
        )
    if setup is not None:
        _print_setup(ws, spec, setup, frozen[0] if frozen else None, pictures)


def _hf_literal(text: str, room: int) -> str:
    """``text`` on one line, ``&`` doubled, cut to ``room`` characters with an ellipsis."""
    text = re.sub(r"\s+", " ", _HF_CONTROL.sub(" ", text))
    escaped = text.replace("&", "&&")
    if len(escaped) <= room:
        return escaped
    cut = ""
    for char in text:
        piece = "&&" if char == "&" else char
        if len(cut) + len(piece) > room - 1:
            break
        cut += piece
    return cut.rstrip() + "…"


def _hf_text(part: ps.Part) -> str | None:
    """One part of a header or footer in Excel's codes (fields as ``&P``, ``&N``, ``&A``)."""
    out = ""
    for item in part:
        if isinstance(item, ps.Field):
            out += _HF_CODES[item]
        else:
            out += _hf_literal(item, max(_HF_BUDGET - len(out), 1))
    return out or None


def _extent(sizes: Sequence[float], start: int, length: float) -> int:
    """The last index (1-based) covered by ``length`` points from the start of ``start``."""
    index, covered = start, 0.0
    while True:
        covered += sizes[index - 1] if index <= len(sizes) else sizes[-1]
        if covered >= length - 0.01:
            return index
        index += 1


def _print_setup(
    ws: Worksheet,
    spec: SheetSpec,
    setup: ps.PageSetup,
    header_row: int | None,
    pictures: Sequence[tuple[int, int, float, float]],
) -> None:
    """Apply ``setup`` to ``ws``: paper, scaling, titles, header and footer, area, breaks."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = setup.orientation
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if setup.one_page else 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins = PageMargins(**ps.MARGINS)
    for target, parts in ((ws.oddHeader, setup.header), (ws.oddFooter, setup.footer)):
        for side in ("left", "center", "right"):
            text = _hf_text(getattr(parts, side))
            if text:
                getattr(target, side).text = text
                getattr(target, side).size = 9
    repeat = setup.repeat_table_header and header_row is not None
    if repeat:
        ws.print_title_rows = f"{header_row}:{header_row}"

    # the print area: the cells and the charts (LibreOffice prints only the cells otherwise)
    def col_width(col: int) -> float:
        return ps.column_points(spec.column_widths.get(col, ps.DEFAULT_COLUMN_WIDTH))

    last_col, last_row = max(ws.max_column, 1), max(ws.max_row, 1)
    for anchor_row, anchor_col, width, height in pictures:
        widths = [col_width(c) for c in range(1, anchor_col + 200)]
        last_col = max(last_col, _extent(widths, anchor_col, width))
        heights = _row_heights(ws, anchor_row + 400)
        last_row = max(last_row, _extent(heights, anchor_row, height))
    ws.print_area = f"A1:{get_column_letter(last_col)}{last_row}"
    if setup.one_page or not pictures:
        return
    heights = _row_heights(ws, last_row)
    width = sum(col_width(c) for c in range(1, last_col + 1))
    scale = ps.fit_scale(width, sum(heights), setup.orientation)
    capacity = ps.printable(setup.orientation, setup.paper)[1] / scale
    title = heights[header_row - 1] if repeat and header_row is not None else 0.0
    breaks = ps.page_breaks(
        heights,
        [(r, h) for r, _, _, h in pictures],
        capacity,
        title=title,
        slack=ps.SLACK,
    )
    for after in breaks:
        ws.row_breaks.append(Break(id=after))


def _row_heights(ws: Worksheet, n_rows: int) -> list[float]:
    """Heights in points of rows 1 to ``n_rows``."""
    out = []
    for r in range(1, n_rows + 1):
        dim = ws.row_dimensions.get(r)
        out.append(dim.height if dim is not None and dim.height else ps.DEFAULT_ROW_HEIGHT)
    return out


def render_workbook(
    sheets: Sequence[SheetSpec],
    *,
    lang: str,
    images: Mapping[str, str | os.PathLike[str]] | None = None,
    created: dt.date | None = None,
    setups: Sequence[ps.PageSetup] | None = None,
    properties: ps.DocumentProperties | None = None,
) -> Workbook:
    """Return an openpyxl Workbook holding ``sheets``.

    Parameters
    ----------
    sheets : sequence of SheetSpec
        From :func:`keyrisk.report.sheets.build_sheets`.
    lang : str
        Number and date formats (a language of :data:`keyrisk.report.labels.LANGS`).
    images : mapping of str to path, optional
        Chart name -> PNG file; images whose chart is absent are left out.
    created : datetime.date, optional
        Stored as the document's creation and modification date.
    setups : sequence of PageSetup, optional
        How each sheet prints, in the order of ``sheets`` (from
        :func:`keyrisk.report.pagesetup.page_setup`); none when omitted.
    properties : DocumentProperties, optional
        Title, subject, author and company of the file (its company is written by
        :func:`save_workbook`).

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
    if setups is not None and len(setups) != len(sheets):
        raise ValueError("one PageSetup per sheet")
    for i, spec in enumerate(sheets):
        title = safe_sheet_title(spec.title, taken)
        taken.add(title)
        ws = wb.create_sheet(title)
        _render_sheet(ws, spec, lang, images or {}, setups[i] if setups is not None else None)
    if wb.worksheets:
        wb.active = 0
    stamp = dt.datetime.combine(created or dt.date(2000, 1, 1), dt.time(0, 0))
    wb.properties.creator = "keyrisk"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.lastModifiedBy = "keyrisk"
    if properties is not None:
        wb.properties.title = _property(properties.title)
        wb.properties.subject = _property(properties.subject)
        wb.properties.creator = _property(properties.creator)
        wb.properties.lastModifiedBy = _property(properties.creator)
        wb.properties.keywords = _property(properties.keywords)
    return wb


def _property(text: str) -> str:
    """A document property: no control character (XML cannot hold them), 255 characters."""
    return " ".join(_HF_CONTROL.sub(" ", text).split())[:255]


class _Archive(zipfile.ZipFile):
    """A zip archive that writes its own docProps/app.xml (openpyxl writes a blank one)."""

    app_xml: bytes | None = None

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        name = getattr(zinfo_or_arcname, "filename", zinfo_or_arcname)
        if name == ARC_APP and self.app_xml is not None:
            data = self.app_xml
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)


def _save(wb: Workbook, path: str, company: str | None) -> None:
    """Save ``wb`` like openpyxl does, keeping its dates and writing the company."""
    with _Archive(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        if company:
            # openpyxl's ExtendedProperties does not write Company: add it to its tree
            tree = ExtendedProperties().to_tree()
            SubElement(tree, "Company").text = _property(company)
            archive.app_xml = tostring(tree)
        ExcelWriter(wb, archive).save()


def save_workbook(
    sheets: Sequence[SheetSpec],
    path: str | os.PathLike[str],
    *,
    lang: str,
    images: Mapping[str, str | os.PathLike[str]] | None = None,
    created: dt.date | None = None,
    setups: Sequence[ps.PageSetup] | None = None,
    properties: ps.DocumentProperties | None = None,
) -> Path:
    """Render ``sheets`` and save the workbook atomically to ``path``; return the path.

    The arguments are those of :func:`render_workbook`. The file's dates are ``created``
    (not the time of saving): the same report is the same file.
    """
    wb = render_workbook(
        sheets, lang=lang, images=images, created=created, setups=setups, properties=properties
    )
    target = Path(path)
    company = properties.company if properties is not None else None
    atomic_save(target, lambda tmp: _save(wb, tmp, company))
    return target
