"""Pseudonymisation of staff names (GDPR data minimisation).

Staff names are replaced by keyed pseudonyms, ``HMAC-SHA256(key, folded name)``, before
anything is analysed or written: the same person always gets the same pseudonym with the same
key (so quarterly reports can be compared), nobody without the key can recompute it, and the
scores are those of the clear data because the mapping is one-to-one. Client (account) names
are not personal data of the audited company's staff and are kept.

Names are matched on one form, :func:`keyrisk.ingest.values.fold` (NFKC and case-folded), both
in the tables and in free text (file and sheet names, notes, problem messages and values): the
text is folded character by character, the names are found in the folded text, and each match
is replaced in the original text over the characters it came from. So "STRASSE" in a message
is found for the staff member "Straße", "ﬁnn" for "Finn" and "İLKER" for "İlker".
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import os
import re
import unicodedata
from pathlib import Path

import pandas as pd

from keyrisk.errors import Problem, UsageError
from keyrisk.ingest.values import fold, fold_names
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
    >>> pseudonym("Straße", key) == pseudonym("STRASSE", key)
    True
    >>> pseudonym("Marie Dupont", key).startswith("Staff-")
    True
    """
    digest = hmac.new(key, fold(name).encode("utf-8"), hashlib.sha256).hexdigest()
    return f"Staff-{digest[:length].upper()}"


def _table(names: list[str], key: bytes) -> dict[str, str]:
    """Name (folded) -> pseudonym, lengthened until there is no collision."""
    unique = sorted({fold(n) for n in names})
    length = 8
    while True:
        table = {n: pseudonym(n, key, length) for n in unique}
        if len(set(table.values())) == len(table):
            return table
        length += 4


def _replace(series: pd.Series, table: dict[str, str]) -> pd.Series:
    folded = fold_names(series)
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
    """The folded names as one pattern: whole words (``_`` separates them too), any spacing."""
    if not names:
        return None
    parts = sorted(
        (r"\s+".join(re.escape(tok) for tok in n.split()) for n in names), key=len, reverse=True
    )
    return re.compile(r"(?<![^\W_])(?:" + "|".join(parts) + r")(?![^\W_])")


def _folded_spans(text: str) -> tuple[str, list[int], list[int]]:
    """``text`` folded piece by piece, with, for each folded character, its piece's span.

    A piece is a character with the combining marks that follow it.
    """
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        piece = fold(text[i:j])
        pieces.append(piece)
        starts += [i] * len(piece)
        ends += [j] * len(piece)
        i = j
    return "".join(pieces), starts, ends


def _staff_headers(report: IngestReport) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for f in report.files:
        for field in ("staff", "owner", "staff_id"):
            if field in f.mapping:
                out.add((Path(f.path).name, f.mapping[field]))
    return out


def _sub(text: str | None, table: dict[str, str], pattern: re.Pattern[str] | None) -> str | None:
    """``text`` with every staff name in it replaced by its pseudonym.

    Names are found in the folded text and replaced over the original characters they come
    from. When folding piece by piece differs from folding the whole text (characters that
    compose across pieces), a text holding a name is withheld whole.
    """
    if text is None or pattern is None:
        return text
    whole = fold(text)
    if pattern.search(whole) is None:
        return text
    if text.isascii():
        folded, starts, ends = whole, list(range(len(text))), list(range(1, len(text) + 1))
    else:
        folded, starts, ends = _folded_spans(text)
        if folded != whole:
            return "[staff name withheld]"
    out: list[str] = []
    last = 0
    for m in pattern.finditer(folded):
        begin, end = starts[m.start()], ends[m.end() - 1]
        if begin < last:
            continue
        out += [text[last:begin], table.get(" ".join(m.group(0).split()), "[staff]")]
        last = end
    out.append(text[last:])
    return "".join(out)


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
            value = table.get(fold(" ".join(value.split())), "[staff name withheld]")
        else:
            value = _sub(value, table, pattern)
    return dataclasses.replace(
        problem,
        value=value,
        message=_sub(problem.message, table, pattern) or problem.message,
        file=_sub(problem.file, table, pattern),
        sheet=_sub(problem.sheet, table, pattern),
    )
