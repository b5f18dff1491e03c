"""The workbook layout: kept importable, the code lives in :mod:`keyrisk.report.sheets`.

:mod:`keyrisk.report.sheets` describes the workbook independently of any Excel engine, one
module per sheet; this module re-exports its names unchanged.
"""

from __future__ import annotations

from keyrisk.report.sheets import (
    KINDS,
    LIGHTS,
    MAX_PROBLEMS,
    TOP_CLIENTS,
    Block,
    Column,
    ImageSpec,
    KeyValue,
    KeyValues,
    Paragraph,
    ReportMeta,
    SheetSpec,
    Table,
    accounts_sheet,
    build_sheets,
    clients_sheet,
    coverage,
    key_figures,
    light_for,
    metadata,
    method_sheet,
    next_steps,
    parameters,
    quality_sheet,
    scenarios_sheet,
    staff_sheet,
    summary_sheet,
)

__all__ = [
    "KINDS",
    "LIGHTS",
    "MAX_PROBLEMS",
    "TOP_CLIENTS",
    "Block",
    "Column",
    "ImageSpec",
    "KeyValue",
    "KeyValues",
    "Paragraph",
    "ReportMeta",
    "SheetSpec",
    "Table",
    "accounts_sheet",
    "build_sheets",
    "clients_sheet",
    "coverage",
    "key_figures",
    "light_for",
    "metadata",
    "method_sheet",
    "next_steps",
    "parameters",
    "quality_sheet",
    "scenarios_sheet",
    "staff_sheet",
    "summary_sheet",
]
