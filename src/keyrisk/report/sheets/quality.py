"""The Data quality sheet: files, mappings, problems, near-duplicate names."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from keyrisk.errors import PROBLEM_CODES, Problem
from keyrisk.ingest.pipeline import suggested_aliases
from keyrisk.report import labels as lb
from keyrisk.report.labels import t
from keyrisk.report.sheets._blocks import (
    Block,
    Column,
    SheetSpec,
    Table,
    _file_name,
    _plain,
    _widths,
    _word,
)

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis

__all__ = ["MAX_PROBLEMS", "code_meaning", "problem_message", "quality_sheet"]


#: Problems listed in the data-quality sheet at most.
MAX_PROBLEMS = 20000


def problem_message(problem: Problem, lang: str) -> str:
    """Return the message of a problem in ``lang``, from its code and fields.

    The catalogue's ``problem.<code>.<form>`` (the form of the message, from the problem's
    ``args``), ``problem.<code>.<severity>`` or ``problem.<code>`` template is filled with the
    problem's fields and ``args``; a code without a template keeps the ingestion's English
    message.

    Examples
    --------
    >>> p = Problem("missing-account", "the account is empty", "a.csv", None, 7, "Client")
    >>> problem_message(p, "fr"), problem_message(p, "en")
    ('le compte est vide\xa0: ligne rejetée', 'the account is empty')
    """
    fields: dict[str, Any] = {
        "message": problem.message,
        "column": problem.column or "",
        "value": problem.value or "",
        "row": problem.row if problem.row is not None else "",
        "file": problem.file or "",
        "sheet": problem.sheet or "",
    }
    args = dict(problem.args)
    fields.update(args)
    keys = [f"problem.{problem.code}.{problem.severity}", f"problem.{problem.code}"]
    if args.get("form"):
        keys.insert(0, f"problem.{problem.code}.{args['form']}")
    count = int(args["n"]) if args.get("n", "").isdigit() else None
    for key in keys:
        if lb.has(key, lang):
            return t(key, lang, count=count, **fields)
    return problem.message


def code_meaning(code: str, lang: str) -> str:
    """Return what a problem code means, in ``lang``.

    Examples
    --------
    >>> code_meaning("impossible-date", "fr")
    "la date n'existe pas (par exemple un 31/02)"
    """
    meaning = PROBLEM_CODES.get(code, "")
    key = f"code.{code}"
    return t(key, lang, meaning=meaning) if lb.has(key, lang) else meaning


def _dates(policy: str | None, lang: str) -> str:
    """How a file's dates were read: "jour avant le mois", "AAAA-MM-JJ et jour avant le mois"."""
    if not policy:
        return ""
    return lb.join_names([_word("dates", part, lang) for part in policy.split("+")], lang)


def quality_sheet(analysis: Analysis, lang: str) -> SheetSpec:
    """Return the Data quality sheet: files, mappings, problems, near-duplicate names."""
    report = analysis.dataset.report
    files = []
    mapping = []
    for f in report.files:
        name = _file_name(f.path)
        delim = f.delimiter
        if delim == "\t":
            delim = t("delimiter.tab", lang)
        role = _word("role", f.role, lang)
        files.append(
            (
                name,
                role,
                f.format,
                f.encoding,
                delim,
                f.sheet,
                f.header_row,
                _word("layout", f.layout, lang) if f.layout else None,
                _dates(f.date_policy, lang),
                f.rows.read,
                f.rows.used,
                f.rows.skipped,
                f.rows.rejected,
                f.sha256,
            )
        )
        for canon, source in f.mapping.items():
            mapping.append((name, _word("field", canon, lang), source))
    file_cols = (
        Column(t("col.file", lang), "file"),
        Column(t("col.role_file", lang), "role"),
        Column(t("col.format", lang), "format"),
        Column(t("col.encoding", lang), "encoding"),
        Column(t("col.delimiter", lang), "delimiter"),
        Column(t("col.sheet", lang), "sheet"),
        Column(t("col.header_row", lang), "header_row", "int"),
        Column(t("col.layout", lang), "layout"),
        Column(t("col.date_policy", lang), "date_policy"),
        Column(t("col.read", lang), "read", "int"),
        Column(t("col.used", lang), "used", "int"),
        Column(t("col.skipped", lang), "skipped", "int"),
        Column(t("col.rejected", lang), "rejected", "int"),
        Column(t("col.sha256", lang), "sha256"),
    )
    map_cols = (
        Column(t("col.file", lang), "file"),
        Column(t("col.field", lang), "field"),
        Column(t("col.source_header", lang), "source"),
    )
    problems = report.problems
    shown = problems[:MAX_PROBLEMS]
    prob_rows = [
        (
            _file_name(pr.file),
            pr.sheet,
            pr.row,
            pr.column if pr.file else _word("kind", pr.column, lang),  # a name, not a cell
            pr.value,
            pr.code,
            _word("severity", pr.severity, lang),
            problem_message(pr, lang),
        )
        for pr in shown
    ]
    prob_cols = (
        Column(t("col.file", lang), "file"),
        Column(t("col.sheet", lang), "sheet"),
        Column(t("col.row", lang), "row", "int"),
        Column(t("col.column", lang), "column"),
        Column(t("col.value", lang), "value"),
        Column(t("col.code", lang), "code"),
        Column(t("col.severity", lang), "severity"),
        Column(t("col.message", lang), "message", wrap=True),
    )
    note = None
    if not problems:
        note = t("quality.no_problems", lang)
    elif len(problems) > len(shown):
        note = t("quality.truncated", lang, shown=len(shown), total=len(problems))
    sev = {t("severity.error", lang): "red", t("severity.warning", lang): "yellow"}
    near = report.near_duplicates
    near_rows = [
        (
            _word("kind", _plain(k), lang),
            _plain(n),
            _plain(s),
            _plain(sim),
        )
        for k, n, s, sim in zip(
            near["kind"], near["name"], near["similar_to"], near["similarity"], strict=True
        )
    ]
    near_cols = (
        Column(t("col.kind", lang), "kind"),
        Column(t("col.name", lang), "name"),
        Column(t("col.similar_to", lang), "similar_to"),
        Column(t("col.similarity", lang), "similarity", "percent"),
    )
    counts = Counter(pr.code for pr in problems)
    code_rows = [(code, n, code_meaning(code, lang)) for code, n in sorted(counts.items())]
    code_cols = (
        Column(t("col.code", lang), "code"),
        Column(t("col.count", lang), "count", "int"),
        Column(t("col.meaning", lang), "meaning", wrap=True),
    )
    blocks: list[Block] = [
        Table(file_cols, files, title=t("block.files", lang)),
        Table(map_cols, mapping, title=t("block.mapping", lang)),
        Table(
            prob_cols,
            prob_rows,
            title=t("block.problems", lang),
            note=note,
            traffic={"severity": sev},
        ),
        *([Table(code_cols, code_rows, title=t("block.codes", lang))] if code_rows else []),
        Table(
            near_cols,
            near_rows,
            title=t("block.near_duplicates", lang),
            note=None if near_rows else t("quality.no_duplicates", lang),
        ),
    ]
    aliases = suggested_aliases(analysis.dataset)
    if aliases:  # the near-duplicates as lines to paste into keyrisk.toml
        lines = [(line,) for line in aliases.splitlines()]
        title, note = t("block.aliases", lang), t("quality.aliases", lang)
        blocks.append(Table((Column("keyrisk.toml", "line"),), lines, title=title, note=note))
    return SheetSpec("quality", t("sheet.quality", lang), blocks, [], _widths(blocks))
