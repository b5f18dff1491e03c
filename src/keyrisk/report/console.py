"""What the command line prints about the input, in the report's language (``inspect``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from keyrisk.errors import Problem
from keyrisk.report import labels as lb
from keyrisk.report.labels import t
from keyrisk.report.sheets._blocks import _word
from keyrisk.report.sheets.quality import _dates, problem_message

if TYPE_CHECKING:
    from keyrisk.ingest.pipeline import InspectResult

__all__ = ["inspect_lines", "problem_line", "unusable_line"]


def _dash(value: object) -> str:
    return "-" if value is None or value == "" else str(value)


def problem_line(problem: Problem, lang: str) -> str:
    """One problem on one line: where, what (as on the Data quality sheet), value and code.

    Examples
    --------
    >>> p = Problem("missing-account", "the account is empty", "a.csv", None, 7, "Client")
    >>> problem_line(p, "en")
    "a.csv:7 column 'Client': the account is empty [missing-account]"
    """
    where = problem.file or "<input>"
    if problem.sheet:
        where += f"[{problem.sheet}]"
    if problem.row is not None:
        where += f":{problem.row}"
    if problem.column:
        where += " " + t("inspect.column", lang, column=repr(problem.column))
    value = (
        "" if problem.value is None else " " + t("inspect.value", lang, value=repr(problem.value))
    )
    return t(
        "inspect.problem",
        lang,
        where=where,
        message=problem_message(problem, lang),
        value=value,
        code=problem.code,
    )


def unusable_line(error: str, lang: str) -> str:
    """The error line of an input that cannot be used (after ``keyrisk: error:``)."""
    return t("inspect.unusable", lang, error=error)


def inspect_lines(result: InspectResult, lang: str, max_problems: int = 10) -> list[str]:
    """Return the lines ``keyrisk inspect`` prints for ``result``, in ``lang``.

    Per file: its role, format, layout, encoding, delimiter, sheet, header row, dates, the
    mapping of fields to headers, the rows read, used, skipped and rejected, and the reader's
    notes; then the first ``max_problems`` problems and the ``[aliases]`` block to paste.
    """
    out: list[str] = []
    for f in result.files:
        out.append(f"{f.path}")
        if f.error:
            out.append("  " + t("inspect.not_usable", lang, error=f.error))
            continue
        layout = _word("layout", f.layout, lang) if f.layout else "-"
        out.append(
            "  "
            + t(
                "inspect.kind",
                lang,
                role=_word("role", f.role, lang),
                format=f.format,
                layout=layout,
            )
        )
        delimiter = t("delimiter.tab", lang) if f.delimiter == "\t" else repr(f.delimiter)
        out.append(
            "  "
            + t(
                "inspect.reading",
                lang,
                encoding=_dash(f.encoding),
                delimiter=delimiter,
                sheet=_dash(f.sheet),
                header_row=_dash(f.header_row),
                dates=_dash(_dates(f.date_policy, lang)),
            )
        )
        if f.mapping:
            pairs = ", ".join(f"{_word('field', k, lang)} <- {v!r}" for k, v in f.mapping.items())
            out.append("  " + t("inspect.mapping", lang, pairs=pairs))
        r = f.rows
        out.append(
            "  "
            + t(
                "inspect.rows",
                lang,
                read=str(r.read),
                used=str(r.used),
                skipped=str(r.skipped),
                rejected=str(r.rejected),
            )
        )
        out += ["  " + t("inspect.note", lang, note=note) for note in f.notes]
    problems = result.problems
    if problems:
        shown = min(max_problems, len(problems))
        out.append(lb.tn("inspect.problems", len(problems), lang, shown=str(shown)))
        out += ["  " + problem_line(p, lang) for p in problems[:max_problems]]
    if result.aliases_toml:
        out.append(t("inspect.aliases.1", lang))
        out.append(t("inspect.aliases.2", lang))
        out.append(result.aliases_toml.rstrip("\n"))
    return out
