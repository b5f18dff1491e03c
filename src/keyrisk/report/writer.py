"""The whole report: tables, then (when available) the workbook and the charts."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from keyrisk.report.files import write_tables

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis

__all__ = ["write_report"]


def write_report(
    analysis: Analysis,
    out: str | os.PathLike[str],
    *,
    lang: str = "fr",
    inputs: Sequence[str | os.PathLike[str]] = (),
    pseudonymised: bool = False,
) -> list[Path]:
    """Write the report into ``out``: accounts.csv, staff.csv, summary.json (and more).

    Returns the paths written.
    """
    return write_tables(analysis, out)
