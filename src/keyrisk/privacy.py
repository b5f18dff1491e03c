"""Pseudonymisation of staff names (GDPR data minimisation).

Staff names are replaced by keyed pseudonyms, ``HMAC-SHA256(key, casefolded name)``, before
anything is analysed or written: the same person always gets the same pseudonym with the same
key (so quarterly reports can be compared), nobody without the key can recompute it, and the
scores are those of the clear data because the mapping is one-to-one. Client (account) names
are not personal data of the audited company's staff and are kept.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import os
import re
from pathlib import Path

import pandas as pd

from keyrisk.errors import Problem, UsageError
from keyrisk.model import Dataset, FileReport, IngestReport

__all__ = ["pseudonym", "pseudonymise", "read_key"]

MIN_KEY_BYTES = 16
_RAW_LINE_CODES = {"extra-fields", "missing-fields"}


def read_key(path: str | os.PathLike[str]) -> bytes:
    """Read a secret key file (at least 16 bytes once surrounding whitespace is removed)."""
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"Key file {str(p)!r} not found: --pseudonymise needs an existing key.")
    key = p.read_bytes().strip()
    if len(key) < MIN_KEY_BYTES:
        raise UsageError(
            f"Key file {str(p)!r} is too short ({len(key)} bytes): use at least "
            f'{MIN_KEY_BYTES} random bytes, e.g. `python -c "import secrets; '
            f'print(secrets.token_hex(32))" > keyrisk.key`.'
        )
    return key


def pseudonym(name: str, key: bytes, length: int = 8) -> str:
    """Return the keyed pseudonym of a staff name.

    Examples
    --------
    >>> key = b"0123456789abcdef"
    >>> pseudonym("Marie Dupont", key) == pseudonym("MARIE DUPONT", key)
    True
    >>> pseudonym("Marie Dupont", key).startswith("Staff-")
    True
    """
    digest = hmac.new(key, name.casefold().encode("utf-8"), hashlib.sha256).hexdigest()
    return f"Staff-{digest[:length].upper()}"


def _table(names: list[str], key: bytes) -> dict[str, str]:
    """Name (casefolded) -> pseudonym, lengthened until there is no collision."""
    unique = sorted({n.casefold() for n in names})
    length = 8
    while True:
        table = {n: pseudonym(n, key, length) for n in unique}
        if len(set(table.values())) == len(table):
            return table
        length += 4


def _replace(series: pd.Series, table: dict[str, str]) -> pd.Series:
    folded = series.astype("string").str.casefold()
    return folded.map(table).astype("string").where(series.notna(), pd.NA)


def pseudonymise(dataset: Dataset, key: bytes) -> Dataset:
    """Return a copy of ``dataset`` with every staff name replaced by its pseudonym.

    Staff identifiers are replaced too; problem values and messages that mention a staff name
    are rewritten, and raw lines quoted by problems are withheld.
    """
    names = pd.concat(
        [dataset.interactions["staff"], dataset.accounts["owner"], dataset.staff["staff"]]
    ).dropna()
    ids = dataset.staff["staff_id"].dropna()
    table = _table([*names.tolist(), *ids.tolist()], key)
    inter = dataset.interactions.copy()
    inter["staff"] = _replace(inter["staff"], table)
    accounts = dataset.accounts.copy()
    accounts["owner"] = _replace(accounts["owner"], table)
    staff = dataset.staff.copy()
    staff["staff"] = _replace(staff["staff"], table)
    staff["staff_id"] = _replace(staff["staff_id"], table)
    pattern = _pattern(list(table))
    staff_columns = _staff_headers(dataset.report)
    problems = [_scrub(p, table, pattern, staff_columns) for p in dataset.report.problems]
    near = dataset.report.near_duplicates.copy()
    if len(near):
        is_staff = near["kind"] == "staff"
        for col in ("name", "similar_to"):
            near.loc[is_staff, col] = _replace(near.loc[is_staff, col], table)
    files = [_scrub_file(f, table, pattern) for f in dataset.report.files]
    report = IngestReport(files=files, problems=problems, near_duplicates=near)
    return dataclasses.replace(
        dataset, interactions=inter, accounts=accounts, staff=staff, report=report
    )


def _pattern(names: list[str]) -> re.Pattern[str] | None:
    if not names:
        return None
    parts = sorted(
        (r"\s+".join(re.escape(tok) for tok in n.split()) for n in names), key=len, reverse=True
    )
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


def _staff_headers(report: IngestReport) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for f in report.files:
        for field in ("staff", "owner", "staff_id"):
            if field in f.mapping:
                out.add((Path(f.path).name, f.mapping[field]))
    return out


def _sub(text: str | None, table: dict[str, str], pattern: re.Pattern[str] | None) -> str | None:
    """``text`` with every staff name in it replaced by its pseudonym."""
    if text is None or pattern is None:
        return text
    return pattern.sub(
        lambda m: table.get(" ".join(m.group(0).split()).casefold(), "[staff]"), text
    )


def _scrub_file(
    report: FileReport, table: dict[str, str], pattern: re.Pattern[str] | None
) -> FileReport:
    """A file's report with staff names removed from its name, sheet and notes.

    A hand-made workbook often has one sheet per salesperson, or a file named after one.
    """
    path = Path(report.path)
    return dataclasses.replace(
        report,
        path=str(path.with_name(_sub(path.name, table, pattern) or path.name)),
        sheet=_sub(report.sheet, table, pattern),
        notes=[_sub(n, table, pattern) or "" for n in report.notes],
        error=_sub(report.error, table, pattern),
    )


def _scrub(
    problem: Problem,
    table: dict[str, str],
    pattern: re.Pattern[str] | None,
    staff_columns: set[tuple[str, str]],
) -> Problem:
    value = problem.value
    if value is not None:
        if problem.code in _RAW_LINE_CODES:
            value = "[raw line withheld: pseudonymised run]"
        elif (problem.file or "", problem.column or "") in staff_columns:
            value = table.get(" ".join(value.split()).casefold(), "[staff name withheld]")
        else:
            value = _sub(value, table, pattern)
    return dataclasses.replace(
        problem,
        value=value,
        message=_sub(problem.message, table, pattern) or problem.message,
        file=_sub(problem.file, table, pattern),
        sheet=_sub(problem.sheet, table, pattern),
    )
