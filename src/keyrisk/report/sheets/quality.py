"""The Data quality sheet: files, mappings, problems, near-duplicate names."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
)

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis

__all__ = ["MAX_PROBLEMS", "quality_sheet"]


#: Problems listed in the data-quality sheet at most.
MAX_PROBLEMS = 20000


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
        role = t(f"role.{f.role}", lang) if lb.has(f"role.{f.role}", lang) else f.role
        files.append(
            (
                name,
                role,
                f.format,
                f.encoding,
                delim,
                f.sheet,
                f.header_row,
                f.layout,
                f.date_policy,
                f.rows.read,
                f.rows.used,
                f.rows.skipped,
                f.rows.rejected,
                f.sha256,
            )
        )
        for canon, source in f.mapping.items():
            mapping.append((name, canon, source))
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
            pr.column,
            pr.value,
            pr.code,
            t(f"severity.{pr.severity}", lang)
            if lb.has(f"severity.{pr.severity}", lang)
            else pr.severity,
            pr.message,
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
        Column(t("col.message", lang), "message"),
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
            t(f"kind.{_plain(k)}", lang) if lb.has(f"kind.{_plain(k)}", lang) else _plain(k),
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
