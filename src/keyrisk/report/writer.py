"""The whole report: CSV/JSON tables, the charts, then the Excel workbook."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from keyrisk.errors import UsageError
from keyrisk.report.files import write_tables
from keyrisk.report.labels import check_lang

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis

__all__ = ["WORKBOOK_NAME", "check_output_folder", "write_report"]

#: File name of the workbook inside the output folder.
WORKBOOK_NAME = "keyrisk-report.xlsx"
#: Files written at the top of the output folder (the charts go into its ``charts/`` folder).
TOP_FILES = ("accounts.csv", "staff.csv", "summary.json", WORKBOOK_NAME)


def check_output_folder(
    out: str | os.PathLike[str], inputs: Sequence[str | os.PathLike[str]]
) -> None:
    """Refuse an output folder where the report would overwrite one of the inputs.

    An input is at risk when it is one of the report's files (compared case-insensitively, as
    on case-insensitive file systems) or lies in the folder's ``charts/`` subfolder.

    Raises
    ------
    UsageError
        Naming the input and asking for another folder.
    """
    folder = Path(out).resolve()
    charts = folder / "charts"
    for name in inputs:
        path = Path(name).resolve()
        at_top = path.parent == folder and path.name.casefold() in {f.casefold() for f in TOP_FILES}
        in_charts = path.parent == charts or charts in path.parents
        if at_top or in_charts:
            raise UsageError(
                f"The output folder {str(out)!r} would overwrite the input {str(name)!r}; "
                "choose another folder."
            )


def write_report(
    analysis: Analysis,
    out: str | os.PathLike[str],
    *,
    lang: str = "fr",
    inputs: Sequence[str | os.PathLike[str]] = (),
    pseudonymised: bool = False,
    run_date: dt.date | None = None,
) -> list[Path]:
    """Write the report into ``out`` and return the paths written.

    Parameters
    ----------
    analysis : keyrisk.analysis.Analysis
        The analysis to report.
    out : path
        The output folder (created when missing).
    lang : {"fr", "en"}, default "fr"
        Language of the workbook and the charts.
    inputs : sequence of paths
        The input files as given (the workbook lists the files of the ingestion report, with
        their SHA-256).
    pseudonymised : bool
        Whether staff names were pseudonymised (stated in the workbook).
    run_date : datetime.date, optional
        The report date shown in the workbook (today when omitted). It is the only content
        that varies between two runs on the same data.

    Returns
    -------
    list of pathlib.Path
        accounts.csv, staff.csv, summary.json, charts/*.png, keyrisk-report.xlsx.

    Raises
    ------
    UsageError
        For an unknown language, a run date that is not a date, or an output folder where the
        report would overwrite one of ``inputs``.

    Notes
    -----
    Every file is written atomically (temporary file, then rename): an interrupted run never
    leaves a half-written workbook.

    Examples
    --------
    >>> import datetime as dt, tempfile, pandas as pd
    >>> from keyrisk import Dataset, analyse
    >>> ds = Dataset.from_frames(pd.DataFrame({"account": ["A"], "staff": ["Ann"]}))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     paths = write_report(analyse(ds), d, lang="en", run_date=dt.date(2026, 1, 1))
    ...     [p.name for p in paths][-1]
    'keyrisk-report.xlsx'
    """
    check_lang(lang)
    if run_date is None:
        run_date = dt.date.today()
    elif isinstance(run_date, dt.datetime):
        run_date = run_date.date()
    elif not isinstance(run_date, dt.date):
        raise UsageError(f"run_date must be a date; got {run_date!r}.")
    import keyrisk
    from keyrisk.report.charts import CHARTS, save_charts
    from keyrisk.report.excel import save_workbook
    from keyrisk.report.sheets import ReportMeta, build_sheets

    check_output_folder(out, inputs)
    folder = Path(out)
    paths = write_tables(analysis, folder, lang)
    charts = save_charts(analysis, folder, lang)
    paths += charts
    meta = ReportMeta(
        version=keyrisk.__version__,
        run_date=run_date,
        pseudonymised=bool(pseudonymised),
        inputs=tuple(str(p) for p in inputs),
    )
    sheets = build_sheets(analysis, lang, meta)
    images = dict(zip(CHARTS, charts, strict=True))
    paths.append(
        save_workbook(sheets, folder / WORKBOOK_NAME, lang=lang, images=images, created=run_date)
    )
    return paths
