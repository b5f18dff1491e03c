"""The whole report: CSV/JSON tables, the charts, then the Excel workbook, written whole or not
at all."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import signal
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from keyrisk.errors import HistoryError, OutputError, Terminated, UsageError
from keyrisk.report.files import TABLE_FILES, ItemInUse, NotWritable, staged_folder, write_tables
from keyrisk.report.html import PAGE_NAME
from keyrisk.report.labels import check_lang, t

if TYPE_CHECKING:
    import pandas as pd

    from keyrisk.analysis import Analysis
    from keyrisk.changes import Changes
    from keyrisk.history import Snapshot

__all__ = [
    "CSV_SEPARATORS",
    "TREND_POINTS",
    "WORKBOOK_NAME",
    "HistoryNotRecorded",
    "ReportOptions",
    "check_output_folder",
    "page_changes",
    "report_options",
    "report_trend",
    "write_report",
]

#: File name of the workbook inside the output folder.
WORKBOOK_NAME = "keyrisk-report.xlsx"
#: Files written at the top of the output folder (the charts go into its ``charts/`` folder).
TOP_FILES = (*TABLE_FILES, WORKBOOK_NAME, PAGE_NAME)
#: Everything the report owns in the output folder (replaced at each run).
REPORT_ITEMS = (*TOP_FILES, "charts")
#: Separators the CSV files may use.
CSV_SEPARATORS = (",", ";", "\t", "|")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: Points of the report's trend: this quarter and the previous four (each point is one analysis).
TREND_POINTS = 5


class HistoryNotRecorded(HistoryError):
    """The report was written, but the history could not be read or updated.

    ``paths`` are the report's files (as :func:`write_report` returns them); the message says
    what went wrong with the history file, in one line.
    """

    def __init__(self, message: str, paths: list[Path]) -> None:
        super().__init__(message)
        self.paths = paths


def check_output_folder(
    out: str | os.PathLike[str], inputs: Sequence[str | os.PathLike[str]]
) -> None:
    """Refuse an output folder where the report would overwrite one of the inputs.

    An input is at risk when it is one of the report's files (compared case-insensitively, as
    on case-insensitive file systems) or lies in the folder's ``charts/`` subfolder.

    Raises
    ------
    UsageError
        Naming the input and asking for another folder; or when ``out`` is a file.
    """
    if Path(out).exists() and not Path(out).is_dir():
        raise UsageError(f"The output {str(out)!r} is a file, not a folder; choose a folder.")
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


@dataclass(frozen=True)
class ReportOptions:
    """The hand-over options of a report, checked (see :func:`report_options`)."""

    company: str | None = None
    title: str | None = None
    author: str | None = None
    csv_sep: str | None = None

    def csv_format(self, lang: str) -> tuple[str, str]:
        """Return the CSV (separator, decimal mark) for a report in ``lang``.

        A language that writes decimal commas (French) gets ``;`` and decimal commas, as its
        Excel expects; a comma separator always goes with decimal points.

        Examples
        --------
        >>> ReportOptions().csv_format("fr"), ReportOptions().csv_format("en")
        ((';', ','), (',', '.'))
        >>> ReportOptions(csv_sep=",").csv_format("fr")
        (',', '.')
        """
        from keyrisk.i18n import decimal_symbol

        comma = decimal_symbol(lang) == ","
        sep = self.csv_sep or (";" if comma else ",")
        decimal = "," if comma and sep != "," else "."
        return sep, decimal


def _handover_text(name: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise UsageError(f"{name} must be text; got {value!r}.")
    text = " ".join(_CONTROL.sub(" ", value).split())
    if not text:
        raise UsageError(f"{name} must be non-empty text; got {value!r}.")
    return text


def report_options(
    *,
    company: object = None,
    title: object = None,
    author: object = None,
    csv_sep: object = None,
) -> ReportOptions:
    """Check the hand-over options of :func:`write_report` and return them.

    Texts lose their control characters and runs of white space; ``csv_sep`` may also be
    ``"tab"``.

    Raises
    ------
    UsageError
        For a text that is empty or not text, or a separator not in :data:`CSV_SEPARATORS`.

    Examples
    --------
    >>> report_options(company="  Dupont\\n& Fils ", csv_sep="tab")
    ReportOptions(company='Dupont & Fils', title=None, author=None, csv_sep='\\t')
    """
    if csv_sep == "tab":
        csv_sep = "\t"
    if csv_sep is not None and csv_sep not in CSV_SEPARATORS:
        shown = ", ".join(repr(s) for s in CSV_SEPARATORS)
        raise UsageError(f"csv_sep must be one of {shown}; got {csv_sep!r}.")
    return ReportOptions(
        company=_handover_text("company", company),
        title=_handover_text("title", title),
        author=_handover_text("author", author),
        csv_sep=csv_sep if isinstance(csv_sep, str) else None,
    )


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """While writing, SIGTERM raises :class:`Terminated` (so the partial report is removed).

    Only when SIGTERM has its default action and in the main thread: a handler installed by
    the application is left alone.
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL
    ):
        yield
        return

    def raise_terminated(signum: int, frame: object) -> None:
        raise Terminated(signum)

    signal.signal(signal.SIGTERM, raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _reason(exc: OSError, lang: str) -> str:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return t("error.disk_full", lang)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return t("error.folder_not_writable", lang)
    return exc.strerror or type(exc).__name__


def write_report(
    analysis: Analysis,
    out: str | os.PathLike[str],
    *,
    lang: str = "fr",
    inputs: Sequence[str | os.PathLike[str]] = (),
    pseudonymised: bool = False,
    run_date: dt.date | None = None,
    company: str | None = None,
    title: str | None = None,
    author: str | None = None,
    csv_sep: str | None = None,
    history: str | os.PathLike[str] | None = None,
    crm_since: dt.date | str | None = None,
) -> list[Path]:
    """Write the report into ``out`` and return the paths written.

    Parameters
    ----------
    analysis : keyrisk.analysis.Analysis
        The analysis to report.
    out : path
        The output folder (created when missing).
    lang : str, default "fr"
        Language of the workbook, the charts and summary.json's headline: one of
        :data:`keyrisk.report.labels.LANGS` ("fr", "en", "en-US"), in any case.
    inputs : sequence of paths
        The input files as given (the workbook lists the files of the ingestion report, with
        their SHA-256).
    pseudonymised : bool
        Whether staff names were pseudonymised (stated in the workbook).
    run_date : datetime.date, optional
        The report date shown in the workbook (today when omitted). It is the only content
        that varies between two runs on the same data.
    company, title, author : str, optional
        Who the report is for, its title and who prepared it: on the Summary sheet, in the
        page header and footer and in the document properties.
    csv_sep : {",", ";", "\\t", "|"}, optional
        Separator of the CSV files (default ``;`` with decimal commas for a French report, as
        a French Excel expects, else ``,``).
    history : path, optional
        A history file (:mod:`keyrisk.history`, created when absent): the report compares
        itself with the previous snapshot of the same ``company`` (summary.json's ``changes``,
        the Changes sheet, the Summary and the page) and, once the report is in place, the run
        is recorded in it (pseudonyms only when ``pseudonymised``; the input hashes are the
        ingestion's SHA-256).
    crm_since : datetime.date or str (YYYY-MM-DD), optional
        The CRM roll-out date of the adoption audit (CRM adoption sheet, its chart,
        adoption.csv, summary.json's ``adoption``). Default: the first month with a logged
        interaction.

    Returns
    -------
    list of pathlib.Path
        accounts.csv, staff.csv, plan.csv, layers.csv, signals.csv, adoption.csv, summary.json,
        charts/*.png (charts/trend.png last), keyrisk-report.xlsx, keyrisk-report.html.

    Raises
    ------
    UsageError
        For an unknown language, a run date that is not a date, a bad hand-over option, a
        roll-out date that is not a date or is after the analysis date, an output that is a
        file or a folder where the report would overwrite one of ``inputs``.
    OutputError
        When the report cannot be written (disk full, a previous file open in Excel...): the
        output folder is left as it was.
    HistoryNotRecorded
        The report was written (its paths in the exception), but the history file could not
        be read or updated (not a keyrisk history, damaged, busy...); when it could not be
        read, the report has no changes (as a first report).

    Notes
    -----
    The trend (summary.json's ``trend``, the Changes sheet and the page) is
    :meth:`Analysis.trend` limited to this quarter and the previous four
    (:data:`TREND_POINTS`): each point is one analysis, so earlier quarters are left out.

    The report is written whole or not at all. It is built in a hidden folder inside ``out``
    and swapped in at the end: the previous report's files (and ``charts/``, which belongs to
    the report) are moved aside, the new ones moved in, the previous ones deleted; other
    files of ``out`` are left alone. An error, KeyboardInterrupt or SIGTERM while writing
    removes everything written and leaves the previous report as it was; so does a previous
    file that cannot be replaced. A report file or ``charts/`` that is a symbolic link is
    replaced by the new file, never written through.

    Examples
    --------
    >>> import datetime as dt, tempfile, pandas as pd
    >>> from keyrisk import Dataset, analyse
    >>> ds = Dataset.from_frames(pd.DataFrame({"account": ["A"], "staff": ["Ann"]}))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     paths = write_report(analyse(ds), d, lang="en", run_date=dt.date(2026, 1, 1))
    ...     [p.name for p in paths][-2:]
    ['keyrisk-report.xlsx', 'keyrisk-report.html']
    """
    lang = check_lang(lang)
    if run_date is None:
        run_date = dt.date.today()
    elif isinstance(run_date, dt.datetime):
        run_date = run_date.date()
    elif not isinstance(run_date, dt.date):
        raise UsageError(f"run_date must be a date; got {run_date!r}.")
    options = report_options(company=company, title=title, author=author, csv_sep=csv_sep)
    since = _crm_since(crm_since, analysis)
    check_output_folder(out, inputs)
    folder = Path(out)
    if history is not None and Path(history).is_dir():
        raise UsageError(f"The history {str(history)!r} is a folder; give a file.")
    snap, changes, problem = _previous(analysis, history, options.company, pseudonymised)
    trend = report_trend(analysis)
    try:
        with _sigterm_raises(), staged_folder(folder, REPORT_ITEMS) as stage:
            written = _write(
                analysis,
                stage,
                lang,
                inputs,
                pseudonymised,
                run_date,
                options,
                trend=trend,
                crm_since=since,
                changes=changes,
                history=history is not None,
            )
    except ItemInUse as exc:
        raise OutputError(t("error.locked", lang, name=exc.name)) from None
    except NotWritable as exc:
        raise OutputError(
            t(
                "error.write",
                lang,
                folder=str(out),
                reason=t("error.not_writable", lang, name=exc.name),
            )
        ) from None
    except OSError as exc:
        raise OutputError(
            t("error.write", lang, folder=str(out), reason=_reason(exc, lang))
        ) from None
    paths = [folder / p.relative_to(stage) for p in written]
    if history is not None and snap is not None:
        if problem is None:
            problem = _record(history, snap, folder)
        if problem is not None:
            raise HistoryNotRecorded(
                f"the report was written to {str(out)!r}, but the run was not recorded: {problem}",
                paths,
            )
    return paths


def report_trend(analysis: Analysis) -> pd.DataFrame:
    """Return the trend the report shows: this quarter and the previous four.

    :meth:`Analysis.trend` with the last :data:`TREND_POINTS` points, the analysis date
    included; ``attrs["left_out"]`` is the number of earlier quarter ends left out.
    """
    from keyrisk.trend import quarter_ends

    as_of = analysis.as_of
    dates = analysis.dataset.interactions["date"].dropna()
    if as_of is None or dates.empty:
        frame = analysis.trend(last=0).copy()
        frame.attrs["left_out"] = 0
        return frame
    on_quarter_end = bool(quarter_ends(as_of, as_of))
    last = TREND_POINTS if on_quarter_end else TREND_POINTS - 1
    import pandas as pd

    every = quarter_ends(pd.Timestamp(dates.min()).date(), as_of)
    frame = analysis.trend(last=last).copy()
    frame.attrs["left_out"] = max(len(every) - last, 0)
    return frame


def _previous(
    analysis: Analysis,
    history: str | os.PathLike[str] | None,
    company: str | None,
    pseudonymised: bool,
) -> tuple[Snapshot | None, Changes | None, str | None]:
    """This run's snapshot, the changes since the previous one, and a history problem."""
    if history is None:
        return None, None, None
    from keyrisk.changes import compare
    from keyrisk.history import previous, snapshot_of

    snap = snapshot_of(analysis, company=company or "", pseudonymised=pseudonymised, summary={})
    try:
        old = previous(history, company or "")
    except HistoryError as exc:
        return snap, None, str(exc)
    return snap, None if old is None else compare(old, snap), None


def _record(history: str | os.PathLike[str], snap: Snapshot, folder: Path) -> str | None:
    """Record ``snap`` (with the summary.json just written); return the problem, if any."""
    import dataclasses
    import json

    from keyrisk.history import record

    try:
        with (folder / "summary.json").open(encoding="utf-8") as handle:
            summary = json.load(handle)
        record(history, dataclasses.replace(snap, summary=summary))
    except HistoryError as exc:
        return str(exc)
    except OSError as exc:
        return f"{exc.strerror or type(exc).__name__}: {str(history)!r}"
    return None


def _crm_since(value: object, analysis: Analysis) -> dt.date | None:
    """Check the CRM roll-out date: a date (or ISO text) on or before the analysis date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise UsageError(f"crm_since must be a date (YYYY-MM-DD); got {value!r}.") from None
    else:
        raise UsageError(f"crm_since must be a date; got {value!r}.")
    if analysis.as_of is not None and day > analysis.as_of:
        raise UsageError(
            f"The CRM roll-out date {day.isoformat()} is after the analysis date "
            f"{analysis.as_of.isoformat()}; give an earlier --crm-since."
        )
    return day


def _write(
    analysis: Analysis,
    folder: Path,
    lang: str,
    inputs: Sequence[str | os.PathLike[str]],
    pseudonymised: bool,
    run_date: dt.date,
    options: ReportOptions,
    *,
    trend: pd.DataFrame | None = None,
    changes: Changes | None = None,
    history: bool = False,
    crm_since: dt.date | None = None,
) -> list[Path]:
    """Write every file of the report into ``folder`` (a fresh, empty folder)."""
    import keyrisk
    from keyrisk.report import excel
    from keyrisk.report.charts import CHARTS, save_charts, save_figure, trend_chart
    from keyrisk.report.html import write_page
    from keyrisk.report.pagesetup import document_properties, page_setup
    from keyrisk.report.sheets import ReportMeta, build_sheets
    from keyrisk.report.sheets.changes import TREND_CHART
    from keyrisk.trend import trend_records

    sep, decimal = options.csv_format(lang)
    extra = {
        "changes": None if changes is None else changes.summary_dict(),
        "trend": [] if trend is None else trend_records(trend),
    }
    paths = write_tables(
        analysis, folder, lang, sep=sep, decimal=decimal, extra=extra, crm_since=crm_since
    )
    charts = save_charts(analysis, folder, lang, crm_since=crm_since)
    paths += charts
    images = dict(zip(CHARTS, charts, strict=True))
    drawn = trend is not None and not trend.empty
    if drawn:
        assert trend is not None
        fig = trend_chart(trend, lang=lang, basis=analysis.revenue_basis)
        images[TREND_CHART] = save_figure(fig, folder / "charts" / f"{TREND_CHART}.png")
        fig.clear()
        paths.append(images[TREND_CHART])
    meta = ReportMeta(
        version=keyrisk.__version__,
        run_date=run_date,
        pseudonymised=bool(pseudonymised),
        inputs=tuple(str(p) for p in inputs),
        company=options.company,
        title=options.title,
        author=options.author,
        crm_since=crm_since,
    )
    sheets = build_sheets(
        analysis, lang, meta, trend=trend, changes=changes, history=history, trend_chart=drawn
    )
    paths.append(
        excel.save_workbook(
            sheets,
            folder / WORKBOOK_NAME,
            lang=lang,
            images=images,
            created=run_date,
            setups=[page_setup(s, meta, lang) for s in sheets],
            properties=document_properties(meta, lang),
        )
    )
    page_charts = {k: v for k, v in images.items() if k in CHARTS}
    paths.append(
        write_page(
            analysis,
            folder,
            lang,
            meta,
            trend=trend,
            changes=None if changes is None else page_changes(changes),
            charts=page_charts,
        )
    )
    return paths


def page_changes(changes: Changes) -> dict[str, object]:
    """Return the changes in the shape the director's page takes (see :mod:`.html`).

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk import Dataset, analyse
    >>> from keyrisk.changes import compare
    >>> old = analyse(Dataset.from_frames(pd.DataFrame(
    ...     {"account": ["A", "A"], "staff": ["Ann", "Bob"]})))
    >>> new = analyse(Dataset.from_frames(pd.DataFrame({"account": ["A"], "staff": ["Ann"]})))
    >>> page = page_changes(compare(old, new))
    >>> page["newly_at_risk"]["account"].tolist(), list(page["rising_staff"].columns)[:3]
    (['A'], ['staff', 'before', 'after'])
    """
    before_after = {"old": "before", "new": "after"}
    return {
        "previous_as_of": changes.old.as_of,
        "deltas": changes.figures.rename(columns=before_after),
        "newly_at_risk": changes.newly_at_risk,
        "made_safe": changes.made_safe,
        "orphaned_since": changes.orphaned_since,
        "rising_staff": changes.sole_revenue_rose.rename(columns=before_after),
        "parameters": changes.parameters.rename(
            columns={"parameter": "name", "old": "before", "new": "after"}
        ),
    }
