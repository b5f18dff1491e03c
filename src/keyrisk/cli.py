"""The command line: thin commands over the public API.

Every command parses its arguments, calls one public function and prints the result. Library
errors are translated into one-line messages and exit codes in one place, :func:`main`:
0 ok, 1 input unusable, report not written, or run not recorded in its history (the report
written), 2 usage error, 130 interrupted (Ctrl+C, SIGINT),
143 terminated (SIGTERM). No traceback reaches the user; an interrupted report leaves the
previous one as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

import keyrisk
from keyrisk.errors import HistoryError, KeyriskError, Terminated, UsageError
from keyrisk.ingest.values import parse_day
from keyrisk.report import labels

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143
#: The hand-over options of ``report`` and ``demo`` (also keys of ``[report]`` in keyrisk.toml).
REPORT_KEYS = ("company", "title", "author", "csv_sep")


class _Progress:
    """Step messages on stderr in the report's language (silenced by --quiet); each step's
    time when over a second."""

    def __init__(self, quiet: bool, lang: str) -> None:
        self.quiet = quiet
        self.lang = lang
        self.started: float | None = None
        self.label = ""

    def step(self, label: str) -> None:
        self.done()
        self.label, self.started = label, time.perf_counter()
        if not self.quiet:
            click.echo(f"keyrisk: {labels.t('cli.progress', self.lang, step=label)}", err=True)

    def done(self) -> None:
        if self.started is not None and not self.quiet:
            elapsed = time.perf_counter() - self.started
            if elapsed >= 1.0:
                seconds = labels.number(elapsed, self.lang, 1)
                text = labels.t("cli.elapsed", self.lang, step=self.label, seconds=seconds)
                click.echo(f"keyrisk: {text}", err=True)
        self.started = None


def _lang(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """The --lang option: a language of the report, in any case ("FR", "en-us")."""
    try:
        return labels.check_lang(value)
    except UsageError as exc:
        raise click.BadParameter(str(exc)) from None


def _lang_option(func: F) -> F:
    return click.option(
        "--lang",
        default="fr",
        show_default=True,
        callback=_lang,
        help=f"Language of the report: {', '.join(labels.LANGS)} (any case).",
    )(func)


def _ingest_options(func: F) -> F:
    options = [
        click.option(
            "--accounts",
            "accounts",
            multiple=True,
            type=click.Path(dir_okay=False),
            help="Accounts file (revenue, owner, segment). Repeatable.",
        ),
        click.option(
            "--staff",
            "staff",
            multiple=True,
            type=click.Path(dir_okay=False),
            help="Staff file (role, department, dates, active). Repeatable.",
        ),
        click.option(
            "--config",
            type=click.Path(dir_okay=False),
            help="keyrisk.toml: column mapping, kind weights, aliases, parameters.",
        ),
        click.option(
            "--sep",
            type=click.Choice([",", ";", "\\t", "|", "tab"]),
            help="Column separator of text files, when it cannot be detected.",
        ),
        click.option("--sheet", help="Worksheet to read, when it cannot be chosen alone."),
        click.option("--encoding", help="Encoding of text files (e.g. cp1252, utf-8)."),
        click.option(
            "--header-row",
            type=click.IntRange(min=1),
            help="Row of the header, as numbered in Excel or an editor.",
        ),
        click.option(
            "--dayfirst",
            is_flag=True,
            help="Read ambiguous dates as day/month/year.",
        ),
        click.option(
            "--monthfirst",
            is_flag=True,
            help="Read ambiguous dates as month/day/year.",
        ),
        click.option(
            "--limit",
            "limits",
            multiple=True,
            metavar="NAME=VALUE",
            help="Raise a reader safety limit, e.g. max_cells=100000000. Repeatable.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _half_life(value: str | None) -> float | str | None:
    if value is None:
        return None
    if value.strip().lower() == "none":
        return "none"
    try:
        return float(value)
    except ValueError:
        raise click.BadParameter(f"must be a number of days or 'none'; got {value!r}.") from None


def _method_options(func: F) -> F:
    options = [
        click.option(
            "--as-of",
            help="Day the analysis describes: 2026-10-31 or 31/10/2026 (10/31/2026 with "
            "--monthfirst); default: the latest interaction.",
        ),
        click.option("--window-days", type=int, help="Interactions counted (default 730)."),
        click.option("--half-life-days", help="Half-life of an interaction, or 'none' (180)."),
        click.option("--holder-ratio", type=float, help="Holder threshold (default 0.5)."),
        click.option("--min-interactions", type=int, help="Holder's minimum count (2)."),
        click.option("--inactive-days", type=int, help="Days without activity = gone (90)."),
        click.option("--revenue-days", type=int, help="Days of amounts summed (365)."),
        click.option("--coverage", type=float, help="Revenue share of the bus factor (0.5)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _plan_options(func: F) -> F:
    """The parameters of the continuity plan and of the simulation (Settings names)."""
    options = [
        click.option(
            "--max-new-backups",
            type=int,
            help="Most new accounts (backups, owners) the plan gives one person (default 10).",
        ),
        click.option(
            "--capacity-ratio",
            type=float,
            help="No one holds more than this times the team's median accounts held (1.5).",
        ),
        click.option(
            "--turnover-rate",
            type=float,
            help="Yearly probability that a person leaves, for the simulation (0.15).",
        ),
        click.option("--draws", type=int, help="Monte-Carlo draws of the simulation (20000)."),
        click.option("--seed", type=int, help="Seed of the simulation (0)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


#: The Settings names :func:`_plan_options` gives.
PLAN_PARAMS = ("max_new_backups", "capacity_ratio", "turnover_rate", "draws", "seed")


def _currency_option(func: F) -> F:
    return click.option(
        "--currency",
        metavar="CODE",
        help="ISO 4217 code of the amounts (EUR, USD...); wins over keyrisk.toml and the data.",
    )(func)


def _report_options(func: F) -> F:
    options = [
        click.option("--company", help="Company the report is for (Summary, page header)."),
        click.option("--title", help="Title of the report (Summary, page header, file)."),
        click.option("--author", help="Who prepared the report (page footer, file)."),
        click.option(
            "--csv-sep",
            type=click.Choice([",", ";", "|", "tab"]),
            help="Separator of the CSV files (default ';' for a French report, else ',').",
        ),
        click.option(
            "--history",
            type=click.Path(dir_okay=False),
            help="History file: compare with the previous run there, then record this one.",
        ),
        click.option(
            "--crm-since",
            help="CRM roll-out date for the adoption audit: 2026-01-01 or 01/01/2026 (default: "
            "the first month with a logged interaction).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _handover(opts: dict[str, Any], config: Any) -> dict[str, Any]:
    """The hand-over options: the command line's, else those of ``[report]``; checked."""
    from keyrisk.report.writer import report_options

    given = {
        k: opts.get(k) if opts.get(k) is not None else config.report.get(k) for k in REPORT_KEYS
    }
    checked = report_options(**given)
    return {k: getattr(checked, k) for k in REPORT_KEYS}


def _crm_since(opts: dict[str, Any], config: Any) -> dt.date | None:
    """The CRM roll-out date: --crm-since (read like --as-of), else ``[report] crm_since``."""
    if opts.get("crm_since") is not None:
        try:
            return parse_day(opts["crm_since"], _date_order(opts))
        except UsageError as exc:
            raise UsageError(f"--crm-since: {exc}") from None
    value = config.report.get("crm_since")
    return None if value is None else dt.date.fromisoformat(value)


def _load_kwargs(opts: dict[str, Any]) -> dict[str, Any]:
    sep = opts.get("sep")
    kwargs: dict[str, Any] = {
        "accounts": list(opts.get("accounts") or ()),
        "staff": list(opts.get("staff") or ()),
        "config": opts.get("config"),
        "sep": "\t" if sep in ("\\t", "tab") else sep,
        "sheet": opts.get("sheet"),
        "encoding": opts.get("encoding"),
        "header_row": opts.get("header_row"),
    }
    if opts.get("currency") is not None:
        kwargs["currency"] = opts["currency"]
    order = _date_order(opts)
    if order != "auto":
        kwargs["dates"] = order
    limits: dict[str, float] = {}
    for item in opts.get("limits") or ():
        name, sep, value = item.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        if not sep or number != number:
            raise UsageError(f"--limit takes NAME=NUMBER, e.g. max_cells=100000000; got {item!r}.")
        limits[name.strip()] = int(number) if number.is_integer() else number
    if limits:
        kwargs["limits"] = limits
    return kwargs


def _date_order(opts: dict[str, Any]) -> str:
    """The order of day and month given by --dayfirst or --monthfirst ("auto" without)."""
    if opts.get("dayfirst") and opts.get("monthfirst"):
        raise UsageError("--dayfirst and --monthfirst exclude each other: give one of them.")
    if opts.get("dayfirst"):
        return "dayfirst"
    return "monthfirst" if opts.get("monthfirst") else "auto"


def _method_params(opts: dict[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if opts.get("as_of") is not None:
        try:
            params["as_of"] = parse_day(opts["as_of"], _date_order(opts))
        except UsageError as exc:
            raise UsageError(f"--as-of: {exc}") from None
    for name in (
        "window_days",
        "holder_ratio",
        "min_interactions",
        "inactive_days",
        "revenue_days",
        "coverage",
        *PLAN_PARAMS,
    ):
        if opts.get(name) is not None:
            params[name] = opts[name]
    if opts.get("half_life_days") is not None:
        value = _half_life(opts["half_life_days"])
        params["half_life_days"] = None if value == "none" else value
    return params


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(keyrisk.__version__, prog_name="keyrisk")
def cli() -> None:
    """keyrisk: key-person dependency in client relationships.

    Reads CRM exports and spreadsheets, scores each account's concentration and bus factor,
    simulates departures and writes an Excel risk report with charts.
    """


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@_ingest_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--max-problems", default=10, show_default=True, help="Problems listed.")
@_lang_option
def inspect(inputs: tuple[str, ...], as_json: bool, max_problems: int, **opts: Any) -> int:
    """Show how INPUTS would be read: format, encoding, mapping, row counts, problems.

    Exit code 0 when the input is usable, 1 when it is not.
    """
    from keyrisk.report.console import inspect_lines, unusable_line

    lang = opts.pop("lang")
    result = keyrisk.inspect(list(inputs), **_load_kwargs(opts))
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2, default=str))
        return EXIT_OK if result.usable else EXIT_INPUT
    for line in inspect_lines(result, lang, max_problems):
        click.echo(line)
    if not result.usable:
        click.echo(f"keyrisk: error: {unusable_line(str(result.error), lang)}", err=True)
        return EXIT_INPUT
    return EXIT_OK


def _default_out(inputs: Sequence[str], as_of: dt.date | None) -> Path:
    stem = Path(inputs[0]).stem if inputs else "keyrisk"
    day = as_of.isoformat() if as_of else "undated"
    return Path("reports") / f"{stem}-{day}"


def _run_report(
    inputs: Sequence[str],
    opts: dict[str, Any],
    *,
    out: str | None,
    lang: str,
    quiet: bool,
    pseudonymise: bool = False,
    key_file: str | None = None,
) -> int:
    from keyrisk.ingest.config import load_config

    # usage errors first, before any (possibly long) reading
    params = _method_params(opts)
    keyrisk.Settings(**params)
    config = load_config(opts.get("config"))
    handover = _handover(opts, config)
    crm_since = _crm_since(opts, config)
    all_inputs = [*inputs, *(opts.get("accounts") or ()), *(opts.get("staff") or ())]
    if out:
        keyrisk.check_output_folder(out, all_inputs)
    key = None
    if pseudonymise:
        if not key_file:
            raise UsageError("--pseudonymise needs --key-file FILE (a secret key, kept apart).")
        key = keyrisk.read_key(key_file)
    elif key_file:
        raise UsageError("--key-file goes with --pseudonymise.")
    progress = _Progress(quiet, lang)
    progress.step(labels.tn("cli.reading", len(all_inputs), lang))
    dataset = keyrisk.load(list(inputs), **{**_load_kwargs(opts), "config": config})
    if key is not None:
        dataset = keyrisk.pseudonymise(dataset, key)
    progress.step(labels.t("cli.scoring", lang))
    analysis = keyrisk.analyse(dataset, **params)
    target = Path(out) if out else _default_out(inputs, analysis.as_of)
    progress.step(labels.t("cli.writing", lang, path=str(target)))
    from keyrisk.report.writer import HistoryNotRecorded

    history = opts.get("history") or config.report.get("history")
    not_recorded = None
    try:
        written = keyrisk.write_report(
            analysis,
            target,
            lang=lang,
            inputs=all_inputs,
            pseudonymised=pseudonymise,
            history=history,
            crm_since=crm_since,
            **handover,
        )
    except HistoryNotRecorded as exc:
        written, not_recorded = exc.paths, exc
    progress.done()
    click.echo(keyrisk.headline(analysis, lang))
    from keyrisk.caveats import message

    for caveat in analysis.caveats:
        click.echo(labels.t("summary.caveat", lang, message=message(caveat, lang)))
    click.echo(labels.tn("cli.written", len(written), lang, path=str(target)))
    if not_recorded is not None:
        # the report is there, but the next run will not compare itself with this one
        click.echo(f"keyrisk: warning: {not_recorded}", err=True)
        return EXIT_INPUT
    return EXIT_OK


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@_ingest_options
@_method_options
@_plan_options
@_currency_option
@click.option(
    "--out", type=click.Path(file_okay=False), help="Output folder (default under reports/)."
)
@_lang_option
@_report_options
@click.option("--pseudonymise", is_flag=True, help="Replace staff names by keyed pseudonyms.")
@click.option("--key-file", type=click.Path(dir_okay=False), help="Secret key for --pseudonymise.")
@click.option("--quiet", "-q", is_flag=True, help="No progress messages.")
def report(
    inputs: tuple[str, ...],
    out: str | None,
    lang: str,
    pseudonymise: bool,
    key_file: str | None,
    quiet: bool,
    **opts: Any,
) -> int:
    """Analyse INPUTS and write the risk report (workbook, charts, CSV, JSON) into --out."""
    return _run_report(
        inputs,
        opts,
        out=out,
        lang=lang,
        quiet=quiet,
        pseudonymise=pseudonymise,
        key_file=key_file,
    )


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    default=None,
    help="Output folder (default reports/demo, reports/demo-en in English).",
)
@_lang_option
@_report_options
@click.option("--quiet", "-q", is_flag=True, help="No progress messages.")
def demo(out: str | None, lang: str, quiet: bool, **handover: Any) -> int:
    """Run the full report on the bundled French sample (no input needed)."""
    paths = keyrisk.sample_paths("pme_fr")
    opts = {
        "accounts": [str(p) for p in paths["accounts"]],
        "staff": [str(p) for p in paths["staff"]],
        **handover,
    }
    return _run_report(
        [str(p) for p in paths["interactions"]],
        opts,
        out=out or str(Path("reports") / ("demo" if lang == "fr" else f"demo-{lang}")),
        lang=lang,
        quiet=quiet,
    )


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--leave",
    "leave",
    multiple=True,
    required=True,
    help="A leaving staff member (accents and case may be left out). Repeatable.",
)
@_ingest_options
@_method_options
@_currency_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_lang_option
def whatif(
    inputs: tuple[str, ...], leave: tuple[str, ...], as_json: bool, lang: str, **opts: Any
) -> int:
    """Print what happens if the --leave people go: accounts orphaned, revenue at risk."""
    params = _method_params(opts)
    keyrisk.Settings(**params)  # bad method parameters: a usage error before any reading
    dataset = keyrisk.load(list(inputs), **_load_kwargs(opts))
    analysis = keyrisk.analyse(dataset, **params)
    result = analysis.whatif(list(leave))
    if as_json:
        click.echo(json.dumps(keyrisk.departure_dict(result), ensure_ascii=False, indent=2))
        return EXIT_OK
    click.echo(keyrisk.format_departure(result, analysis, lang=lang))
    return EXIT_OK


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--leave",
    "leave",
    multiple=True,
    help="Plan for the departure of this staff member (accents and case may be left out). "
    "Repeatable.",
)
@_ingest_options
@_method_options
@_plan_options
@_currency_option
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="Accounts listed (largest revenue first).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the plan as one JSON object.")
@_lang_option
def plan(
    inputs: tuple[str, ...],
    leave: tuple[str, ...],
    top: int,
    as_json: bool,
    lang: str,
    **opts: Any,
) -> int:
    """Print the continuity plan: a backup for every account resting on one person or none.

    The plan is chosen at once for the whole team, under each person's capacity; its effect is
    shown in the method's figures (before -> after), with the accounts left unassigned and why.
    """
    from keyrisk.report.plan_text import format_plan, plan_dict

    params = _method_params(opts)
    keyrisk.Settings(**params)  # bad method parameters: a usage error before any reading
    dataset = keyrisk.load(list(inputs), **_load_kwargs(opts))
    analysis = keyrisk.analyse(dataset, **params)
    chosen = analysis.plan(list(leave))
    if as_json:
        data = plan_dict(
            chosen, lang, basis=analysis.revenue_basis, layers=analysis.layers, accounts=True
        )
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False))
        return EXIT_OK
    simulation = None if leave else analysis.simulate(plan=chosen)
    click.echo(format_plan(analysis, chosen, lang=lang, top=top, simulation=simulation))
    return EXIT_OK


def _history_file(path: str) -> Path:
    """The --history file of ``history`` and ``compare``: it must exist (never created here)."""
    p = Path(path)
    if not p.exists():
        raise HistoryError(f"no history at {path}")
    return p


@cli.command()
@click.option(
    "--history",
    "history_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="The history file that keyrisk report --history records into.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the snapshots as one JSON list.")
@_lang_option
def history(history_file: str, as_json: bool, lang: str) -> int:
    """List the snapshots of a history: one line each, oldest first, its as_of date second.

    A line reads: number, as_of (ISO, '-' when the run had no dates), company, accounts,
    revenue bus factor, revenue share on one person, when it was recorded. Exit code 1 when the
    file is absent ("no history at FILE") or is not a keyrisk history.
    """
    from keyrisk.history import snapshots
    from keyrisk.report.history_text import history_lines, history_records

    listed = snapshots(_history_file(history_file))
    if as_json:
        click.echo(json.dumps(history_records(listed), ensure_ascii=False, indent=2))
        return EXIT_OK
    if listed.empty:
        click.echo(labels.t("cli.history.empty", lang, path=history_file))
    for line in history_lines(listed, lang):
        click.echo(line)
    return EXIT_OK


@cli.command()
@click.argument("old")
@click.argument("new")
@click.option(
    "--history",
    "history_file",
    type=click.Path(dir_okay=False),
    help="Compare two snapshots of this history: OLD and NEW are then snapshot numbers.",
)
@_ingest_options
@_method_options
@_currency_option
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="Accounts and people listed per list (the rest are counted).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the changes as one JSON object.")
@_lang_option
def compare(
    old: str,
    new: str,
    history_file: str | None,
    top: int,
    as_json: bool,
    lang: str,
    **opts: Any,
) -> int:
    """Say what changed from the run OLD to the run NEW.

    \b
    keyrisk compare --history FILE 3 4   two snapshots (numbers as 'keyrisk history' lists them)
    keyrisk compare q1.csv q2.csv        two exports, analysed now with the same method

    Two exports are each one interaction file; --accounts, --staff, --config and the method
    options apply to both. Runs whose side files differ: record each with 'keyrisk report
    --history FILE' and compare the snapshots. Printed: a warning first when the method differs
    between the runs (parameter, old -> new), the key figures before -> now, the accounts newly
    at risk, made safe and orphaned since, the people whose revenue held alone rose.
    """
    from keyrisk.changes import compare_runs
    from keyrisk.report.history_text import format_changes

    if history_file is not None:
        given = {k for k, v in opts.items() if v not in (None, False, ())}
        if given:
            flags = {"limits": "limit"}
            names = ", ".join("--" + flags.get(k, k).replace("_", "-") for k in sorted(given))
            raise UsageError(
                f"{names}: not with --history (snapshots keep the method they were run with)."
            )
        changes = compare_runs(old, new, history=_history_file(history_file))
    else:
        params = _method_params(opts)
        keyrisk.Settings(**params)  # bad method parameters: a usage error before any reading
        changes = compare_runs(old, new, params=params, load_options=_load_kwargs(opts))
    if as_json:
        data = changes.summary_dict()
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False))
        return EXIT_OK
    click.echo(format_changes(changes, lang, top=top))
    return EXIT_OK


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """SIGTERM raises :class:`~keyrisk.errors.Terminated` (so :func:`main` can say so)."""
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL
    ):
        yield
        return

    def terminated(signum: int, frame: object) -> None:
        raise Terminated(signum)

    signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (the one place errors are translated)."""
    with _sigterm_raises():
        return _main(argv)


_INTERRUPTED = "keyrisk: interrupted (no partial report left)"


def _main(argv: Sequence[str] | None) -> int:
    try:
        rv = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="keyrisk",
            standalone_mode=False,
        )
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.exceptions.Abort:
        click.echo(_INTERRUPTED, err=True)
        return EXIT_INTERRUPTED
    except Terminated:
        click.echo("keyrisk: terminated (no partial report left)", err=True)
        return EXIT_TERMINATED
    except click.exceptions.NoArgsIsHelpError as exc:
        exc.show()
        return EXIT_USAGE
    except click.ClickException as exc:
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        message = " ".join(exc.format_message().split())
        click.echo(f"keyrisk: error: {message}{hint}", err=True)
        return EXIT_USAGE if exc.exit_code == 2 else int(exc.exit_code)
    except KeyriskError as exc:
        click.echo(f"keyrisk: error: {exc}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo(_INTERRUPTED, err=True)
        return EXIT_INTERRUPTED
    except MemoryError:
        click.echo(
            "keyrisk: error: out of memory; the input is too large for this machine", err=True
        )
        return EXIT_INPUT
    except OSError as exc:
        click.echo(
            f"keyrisk: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True
        )
        return EXIT_INPUT
    except Exception as exc:
        click.echo(
            f"keyrisk: internal error: {type(exc).__name__}: {exc} (please report it)", err=True
        )
        return EXIT_INTERNAL
    return int(rv or 0)


def entry_point() -> None:
    """Console-script entry point."""
    sys.exit(main())
