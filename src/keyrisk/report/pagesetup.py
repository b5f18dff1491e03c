"""How each sheet prints and what the file says about itself, independently of any Excel engine.

As :mod:`keyrisk.report.sheets` describes the content, this module describes the print: for
one :class:`~keyrisk.report.sheets.SheetSpec`, :func:`page_setup` chooses the paper (A4), the
orientation, the scaling (one page wide), the rows repeated on every
page and the header and footer (company, title, "Confidentiel", date, "page N / M");
:func:`document_properties` gives the file's title, author, subject and company.
:mod:`keyrisk.report.excel` renders both with openpyxl.

The geometry helpers (:func:`column_points`, :func:`printable`, :func:`fit_scale`,
:func:`page_starts` and :func:`page_breaks`) replay how a spreadsheet program cuts a sheet into
pages, so that the renderer can start a page before a chart that would otherwise be cut.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from keyrisk.report.labels import t

if TYPE_CHECKING:
    from keyrisk.report.sheets import ReportMeta, SheetSpec

__all__ = [
    "DEFAULT_COLUMN_WIDTH",
    "DEFAULT_ROW_HEIGHT",
    "MARGINS",
    "PAGE",
    "PAGES",
    "SHEET",
    "DocumentProperties",
    "Field",
    "HeaderFooter",
    "PageSetup",
    "column_points",
    "document_properties",
    "fit_scale",
    "page_breaks",
    "page_setup",
    "page_starts",
    "printable",
]

#: Paper sizes in points (width, height), portrait.
PAPER = {"A4": (595.28, 841.89)}
#: Margins in inches: left, right, top, bottom, then the header's and footer's distance to the
#: edge of the paper.
MARGINS = {"left": 0.5, "right": 0.5, "top": 0.75, "bottom": 0.75, "header": 0.3, "footer": 0.3}
#: Height of a row whose height is not set, in points (Calibri 11).
DEFAULT_ROW_HEIGHT = 15.0
#: Width of a column whose width is not set, in Excel's width unit (64 pixels).
DEFAULT_COLUMN_WIDTH = 9.140625
#: A chart ending within this share of a page from the page's end starts a new page: row
#: heights differ slightly between Excel and LibreOffice.
SLACK = 0.04
#: Sheets printed on one page, whatever their length (none: the Summary, with its charts below
#: its tables, prints one page wide at a readable scale and flows down, no chart cut).
ONE_PAGE_SHEETS: frozenset[str] = frozenset()
_MAX_DIGIT_PX = 7  # width of "0" in Calibri 11 at 96 dpi
_POINTS_PER_PX = 0.75


class Field(enum.Enum):
    """A value the spreadsheet program fills in when it prints a header or footer."""

    PAGE = "page"
    PAGES = "pages"
    SHEET = "sheet"


PAGE = Field.PAGE
PAGES = Field.PAGES
SHEET = Field.SHEET

#: One part of a header or footer: literal texts and fields, in order.
Part = tuple[str | Field, ...]


@dataclass(frozen=True)
class HeaderFooter:
    """The three parts of a page header or footer (left, centre, right)."""

    left: Part = ()
    center: Part = ()
    right: Part = ()


@dataclass(frozen=True)
class PageSetup:
    """How one sheet prints.

    Attributes
    ----------
    orientation : {"portrait", "landscape"}
    paper : str
        A key of :data:`PAPER`.
    one_page : bool
        The whole sheet on one page (else one page wide and as many pages long as needed).
    repeat_table_header : bool
        Repeat the header row of the sheet's frozen table at the top of every page.
    header, footer : HeaderFooter
    """

    orientation: str = "portrait"
    paper: str = "A4"
    one_page: bool = False
    repeat_table_header: bool = False
    header: HeaderFooter = field(default_factory=HeaderFooter)
    footer: HeaderFooter = field(default_factory=HeaderFooter)


@dataclass(frozen=True)
class DocumentProperties:
    """What the file says about itself (File > Properties in Excel)."""

    title: str
    subject: str
    creator: str
    company: str | None = None
    keywords: str = "keyrisk"
    created: dt.date | None = None


# --------------------------------------------------------------------------------------------
# Geometry


def column_points(width: float) -> float:
    """Return the width in points of a column ``width`` units wide, as Excel draws it.

    Excel's formula for Calibri 11: ``trunc((256 * width + trunc(128 / 7)) / 256 * 7)``
    pixels, at 96 pixels an inch (0.75 point a pixel).

    Examples
    --------
    >>> column_points(50)
    262.5
    >>> column_points(DEFAULT_COLUMN_WIDTH)  # 64 pixels
    48.0
    """
    px = math.trunc((256 * width + math.trunc(128 / _MAX_DIGIT_PX)) / 256 * _MAX_DIGIT_PX)
    return px * _POINTS_PER_PX


def printable(orientation: str, paper: str = "A4") -> tuple[float, float]:
    """Return the (width, height) in points inside the margins of a page.

    Examples
    --------
    >>> printable("portrait")
    (523.28, 733.89)
    >>> printable("landscape")
    (769.89, 487.28)
    """
    width, height = PAPER[paper]
    if orientation == "landscape":
        width, height = height, width
    across = (MARGINS["left"] + MARGINS["right"]) * 72
    down = (MARGINS["top"] + MARGINS["bottom"]) * 72
    return round(width - across, 2), round(height - down, 2)


def fit_scale(width: float, height: float, orientation: str, *, one_page: bool = False) -> float:
    """Return the print scale that fits ``width`` points on one page wide (and ``height`` on
    one page tall when ``one_page``).

    Notes
    -----
    Like Excel: a whole percentage, rounded down, between 10 % and 100 %.

    Examples
    --------
    >>> fit_scale(1000.0, 5000.0, "landscape")
    0.76
    >>> fit_scale(1000.0, 5000.0, "landscape", one_page=True)
    0.1
    >>> fit_scale(300.0, 300.0, "portrait", one_page=True)
    1.0
    """
    room_w, room_h = printable(orientation)
    scale = min(1.0, room_w / width) if width > 0 else 1.0
    if one_page and height > 0:
        scale = min(scale, room_h / height)
    return max(10, math.floor(scale * 100 + 1e-9)) / 100


def page_starts(
    heights: Sequence[float], capacity: float, breaks: Iterable[int] = (), *, title: float = 0.0
) -> list[int]:
    """Return the first row (1-based) of each printed page.

    Parameters
    ----------
    heights : sequence of float
        Height of rows 1, 2, ... in points.
    capacity : float
        Height of a page's printable area, in the sheet's points (divided by the print scale).
    breaks : iterable of int
        Manual breaks: a break ``r`` ends a page after row ``r``.
    title : float
        Height of the rows repeated at the top of every page after the first.

    Notes
    -----
    A page takes whole rows while they fit; a row taller than a page gets a page of its own.

    Examples
    --------
    >>> page_starts([100.0] * 10, 350.0)
    [1, 4, 7, 10]
    >>> page_starts([100.0] * 10, 350.0, [1])
    [1, 2, 5, 8]
    """
    manual = set(breaks)
    starts = [1]
    used = 0.0
    for row, height in enumerate(heights, start=1):
        if row > starts[-1] and ((row - 1) in manual or used + height > capacity + 1e-9):
            starts.append(row)
            used = title
        used += height
    return starts


def page_breaks(
    heights: Sequence[float],
    images: Iterable[tuple[int, float]],
    capacity: float,
    *,
    title: float = 0.0,
    slack: float = 0.0,
) -> list[int]:
    """Return the manual page breaks that keep every image on one page.

    Parameters
    ----------
    heights : sequence of float
        Height of rows 1, 2, ... in points (rows under the images included).
    images : iterable of (int, float)
        Each image's anchor row (1-based; the image's top edge is the row's top) and height in
        points.
    capacity : float
        Height of a page's printable area in the sheet's points.
    title : float
        Height of the rows repeated at the top of every page after the first.
    slack : float
        Share of a page kept free below an image (row heights vary between programs).

    Returns
    -------
    list of int
        Rows after which a page must end (sorted): the image then starts the next page.

    Notes
    -----
    Images are placed top to bottom. An image that would cross the end of the page where its
    anchor row falls starts a page at its anchor row, unless it already starts a page or is
    taller than a page (a break would then only waste paper).

    Examples
    --------
    >>> page_breaks([100.0] * 10, [(3, 200.0)], 350.0)
    [2]
    """
    manual: list[int] = []
    offsets = [0.0]
    for height in heights:
        offsets.append(offsets[-1] + height)

    def top(row: int) -> float:
        return offsets[min(row, len(heights) + 1) - 1]

    for row, height in sorted(images):
        starts = page_starts(heights, capacity, manual, title=title)
        page = max(s for s in starts if s <= row)
        room = capacity - (title if page > 1 else 0.0)
        following = [s for s in starts if s > page]
        end = top(following[0]) if following else top(page) + room
        if top(row) + height <= end - slack * capacity + 1e-9:
            continue
        if row == page or height > capacity - title:
            continue
        manual.append(row - 1)
    return sorted(set(manual))


# --------------------------------------------------------------------------------------------
# Choices per sheet


def _spec_columns(spec: SheetSpec) -> int:
    """The number of columns the sheet's blocks fill."""
    from keyrisk.report.sheets import KeyValues, Paragraph, Table

    n = 1
    for block in spec.blocks:
        if isinstance(block, Table):
            n = max(n, len(block.columns))
        elif isinstance(block, KeyValues):
            used = 2
            for item in block.rows:
                used = max(used, 4 if item.note else 3 if item.light else 2)
            n = max(n, used, len(block.headers))
        elif isinstance(block, Paragraph):
            n = max(n, block.span)
    return n


def _anchor_column(anchor: str) -> int:
    letters = "".join(c for c in anchor if c.isalpha()).upper()
    index = 0
    for c in letters:
        index = index * 26 + ord(c) - 64
    return max(index, 1)


def content_width(spec: SheetSpec) -> float:
    """Return the width in points of the sheet's cells and images.

    Examples
    --------
    >>> from keyrisk.report.sheets import Column, ImageSpec, SheetSpec, Table
    >>> spec = SheetSpec("s", "S", [Table((Column("A", "a"),), [])], [], {1: 50.0})
    >>> content_width(spec)
    262.5
    >>> content_width(SheetSpec("s", "S", [], [ImageSpec("c", "B2", 400)], {1: 50.0}))
    562.5
    """

    def width(col: int) -> float:
        return column_points(spec.column_widths.get(col, DEFAULT_COLUMN_WIDTH))

    right = sum(width(c) for c in range(1, _spec_columns(spec) + 1))
    for image in spec.images:
        left = sum(width(c) for c in range(1, _anchor_column(image.anchor)))
        right = max(right, left + image.width * _POINTS_PER_PX)
    return right


def _date_text(day: dt.date, lang: str) -> str:
    from keyrisk.i18n import short_date

    return short_date(day, lang)


def _fields(text: str) -> Part:
    """Split a label holding ``{page}`` and ``{pages}`` into texts and fields."""
    parts: list[str | Field] = []
    rest = text
    while rest:
        positions = [(rest.find("{" + f.value + "}"), f) for f in Field]
        found = [(i, f) for i, f in positions if i >= 0]
        if not found:
            parts.append(rest)
            break
        i, f = min(found, key=lambda x: x[0])
        if i:
            parts.append(rest[:i])
        parts.append(f)
        rest = rest[i + len(f.value) + 2 :]
    return tuple(parts)


def report_title(meta: ReportMeta, lang: str) -> str:
    """Return the report's title: the one given, else the Summary sheet's title."""
    return meta.title or t("summary.title", lang)


def page_setup(spec: SheetSpec, meta: ReportMeta, lang: str) -> PageSetup:
    """Return how the sheet ``spec`` prints.

    Parameters
    ----------
    spec : SheetSpec
    meta : ReportMeta
        The company, title, author and run date shown in the header and footer.
    lang : {"fr", "en"}

    Notes
    -----
    A4. Landscape when the sheet's cells and charts are wider than a portrait page (they are
    then printed less reduced) and for the Summary; one page wide, as many pages long as
    needed (the Summary too: its charts sit below its tables, so that it prints near full
    size, the headline, key figures and next steps first). A sheet with a frozen table
    (Accounts, Staff, Continuity plan) repeats the table's header row on every page. Header:
    company (left), title (centre), "Confidentiel" (right); footer: date and author (left),
    sheet name (centre), "page N / M" (right).

    Examples
    --------
    >>> import datetime as dt
    >>> from keyrisk.report.sheets import ReportMeta, SheetSpec
    >>> meta = ReportMeta("0.1.0", dt.date(2026, 1, 2))
    >>> setup = page_setup(SheetSpec("method", "Méthode", [], [], {1: 20.0}), meta, "fr")
    >>> setup.orientation, setup.one_page, setup.header.right, setup.footer.left
    ('portrait', False, ('Confidentiel',), ('02/01/2026',))
    >>> setup.footer.right
    ('page ', <Field.PAGE: 'page'>, ' / ', <Field.PAGES: 'pages'>)
    """
    from keyrisk.report.sheets import Table

    one_page = spec.key in ONE_PAGE_SHEETS
    wide = content_width(spec) > printable("portrait")[0]
    company = meta.company
    author = meta.author
    footer_left = _date_text(meta.run_date, lang)
    if author:
        footer_left += " · " + t("print.prepared_by", lang, author=author)
    return PageSetup(
        orientation="landscape" if one_page or wide or spec.key == "summary" else "portrait",
        one_page=one_page,
        repeat_table_header=any(isinstance(b, Table) and b.freeze for b in spec.blocks),
        header=HeaderFooter(
            left=(company,) if company else (),
            center=(report_title(meta, lang),),
            right=(t("print.confidential", lang),),
        ),
        footer=HeaderFooter(
            left=(footer_left,),
            center=(SHEET,),
            right=_fields(t("print.page", lang)),
        ),
    )


def document_properties(meta: ReportMeta, lang: str) -> DocumentProperties:
    """Return the document properties of the workbook.

    Examples
    --------
    >>> import datetime as dt
    >>> from keyrisk.report.sheets import ReportMeta
    >>> props = document_properties(ReportMeta("0.1.0", dt.date(2026, 1, 2)), "en")
    >>> props.title == t("summary.title", "en"), props.creator, props.company
    (True, 'keyrisk', None)
    """
    return DocumentProperties(
        title=report_title(meta, lang),
        subject=t("summary.title", lang),
        creator=meta.author or "keyrisk",
        company=meta.company,
        created=meta.run_date,
    )
