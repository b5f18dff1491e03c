"""The workbook described independently of any Excel engine, one module per sheet.

Like pandas' Excel writer, the content (what goes where, in which format, with which
highlighting) is decided here by pure functions, and :mod:`keyrisk.report.excel` only renders
it with openpyxl. :func:`build_sheets` turns an :class:`~keyrisk.analysis.Analysis` and a
language into a list of :class:`SheetSpec`, one per sheet module (:mod:`.summary`,
:mod:`.accounts`, :mod:`.staff`, :mod:`.plan`, :mod:`.signals`, :mod:`.adoption`,
:mod:`.changes`, :mod:`.scenarios`, :mod:`.clients`, :mod:`.quality`, :mod:`.method`), built from
the blocks of :mod:`._blocks`;
every label comes from :mod:`keyrisk.report.labels`. Values are plain Python values (str, int,
float, datetime.date or None); text from the input is made inert by the renderer
(:func:`keyrisk.report.safety.safe_text` on every text cell).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from keyrisk.report import labels as lb
from keyrisk.report.sheets._blocks import (
    KINDS,
    LIGHTS,
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
    light_for,
    parameters,
)
from keyrisk.report.sheets.accounts import accounts_sheet
from keyrisk.report.sheets.adoption import MAX_ADOPTION_ROWS, adoption_sheet
from keyrisk.report.sheets.changes import changes_sheet
from keyrisk.report.sheets.clients import TOP_CLIENTS, clients_sheet
from keyrisk.report.sheets.method import method_sheet
from keyrisk.report.sheets.plan import MAX_PLAN_ROWS, plan_sheet
from keyrisk.report.sheets.quality import MAX_PROBLEMS, quality_sheet
from keyrisk.report.sheets.scenarios import scenarios_sheet
from keyrisk.report.sheets.signals import MAX_SIGNAL_ROWS, signals_sheet
from keyrisk.report.sheets.staff import staff_sheet
from keyrisk.report.sheets.summary import (
    coverage,
    key_figures,
    metadata,
    next_steps,
    summary_sheet,
)

if TYPE_CHECKING:
    import pandas as pd

    from keyrisk.analysis import Analysis
    from keyrisk.changes import Changes

__all__ = [
    "KINDS",
    "LIGHTS",
    "MAX_ADOPTION_ROWS",
    "MAX_PLAN_ROWS",
    "MAX_PROBLEMS",
    "MAX_SIGNAL_ROWS",
    "TOP_CLIENTS",
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
    "accounts_sheet",
    "adoption_sheet",
    "build_sheets",
    "changes_sheet",
    "clients_sheet",
    "coverage",
    "key_figures",
    "light_for",
    "metadata",
    "method_sheet",
    "next_steps",
    "parameters",
    "plan_sheet",
    "quality_sheet",
    "scenarios_sheet",
    "signals_sheet",
    "staff_sheet",
    "summary_sheet",
]


def build_sheets(
    analysis: Analysis,
    lang: str,
    meta: ReportMeta,
    *,
    trend: pd.DataFrame | None = None,
    changes: Changes | None = None,
    history: bool = False,
    trend_chart: bool = False,
) -> list[SheetSpec]:
    """Return the sheets of the deliverable, in order, every label in ``lang``.

    Parameters
    ----------
    analysis : keyrisk.analysis.Analysis
    lang : str
        A language of :data:`keyrisk.report.labels.LANGS`.
    meta : ReportMeta
        Version, run date, pseudonymisation: the only content not taken from ``analysis``.
    trend, changes, history, trend_chart
        The Changes sheet's content (see :func:`~keyrisk.report.sheets.changes.changes_sheet`);
        ``changes`` also gives the Summary sheet its "since the last report" block.

    Returns
    -------
    list of SheetSpec
        Summary, Accounts, Staff, Continuity plan, Weak signals, CRM adoption, Changes,
        Scenarios, Clients, Data quality, Method: the diagnosis, then what to do about it, how it
        moved since last time, then the detail.

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
    lang = lb.check_lang(lang)
    sheets = [
        summary_sheet(analysis, lang, meta, changes=changes),
        accounts_sheet(analysis, lang),
        staff_sheet(analysis, lang),
        plan_sheet(analysis, lang),
        signals_sheet(analysis, lang),
        adoption_sheet(analysis, lang, meta.crm_since),
        changes_sheet(
            analysis, lang, trend=trend, changes=changes, history=history, chart=trend_chart
        ),
        scenarios_sheet(analysis, lang),
        clients_sheet(analysis, lang),
        quality_sheet(analysis, lang),
        method_sheet(analysis, lang),
    ]
    for sheet in sheets:
        sheet.currency = lb.dataset_currency(analysis)
    return sheets
