"""Errors and problem records.

Following frictionless-py, problems found in the input are *data*: a :class:`Problem` has a
stable code, the file, sheet, row (as the user sees it: line number in a text file, Excel row
number in a workbook), column, raw value and a message. Problems are gathered into the ingestion
report. An exception is raised only when processing cannot continue; it then carries a one-line
message for the user and an exit code for the command line.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]

#: Stable problem codes, with what each means. Codes never change meaning once released.
PROBLEM_CODES: dict[str, str] = {
    # rows skipped on purpose (counted as "skipped")
    "total-row": "a Total / Sous-total line, not an interaction",
    "blank-row": "an empty line inside the data",
    "duplicate-row": "an exact copy of an earlier row, counted once",
    "no-relationship": "a row naming neither a staff member nor an account",
    "missing-date": "the date is empty in a file with dates: the row cannot be placed in time",
    "duplicate-key": "an account or staff member listed twice in its table (merged into the first)",
    "lock-file": "a lock file left by Excel (~$name.xlsx) or LibreOffice (.~lock.name#) beside an "
    "open workbook, passed over",
    # rows rejected (counted as "rejected")
    "missing-account": "the account cell is empty",
    "missing-staff": "the staff cell is empty",
    "bad-date": "the date cannot be read",
    "impossible-date": "the date does not exist (e.g. 31/02)",
    "bad-number": "the number cannot be read",
    "number-out-of-range": "the number is out of range: infinite, or beyond 10^15 in magnitude "
    "(no amount is that large, and sums of such numbers would overflow)",
    "extra-fields": "the line has more fields than the header, and no single reading of it fits "
    "the columns (or a column in use cannot be told apart from its neighbours)",
    "missing-fields": "the line has fewer fields than the header",
    "unknown-id": "an identifier that the lookup table does not know",
    # cell-level warnings (the row is still used)
    "recovered-fields": "a line with more fields than the header (an unquoted separator in a "
    "free-text cell) read back from the patterns of the well-formed lines; columns that could "
    "not be told apart are left empty",
    "unclosed-quote": "a quote opened and never closed: its line is read with the quote as a "
    "character (rejected, as an error, when it then does not fit the header) and the lines "
    "after it are read as rows",
    "control-characters": "control characters were removed from a cell",
    "cell-truncated": "a very long cell was truncated",
    "formula-no-value": "a formula cell without a cached value was read as empty",
    "ambiguous-date": "the day and month order of a date column could not be decided",
    "bad-flag": "an active flag that is neither yes nor no",
    "bad-probability": "a leave probability outside 0 to 1 (or 0% to 100%)",
    "unknown-stage": "a deal stage that is neither won, lost nor open",
    "negative-amount": "a negative amount (credit note or refund)",
    "near-duplicate-name": "two names that may be the same person or client",
    "staff-unknown": "a staff member absent from the staff file",
    "account-unknown": "an account absent from the accounts file",
    "date-in-future": "a date after the analysis date",
    "alias-unused": "an alias of the configuration that matched nothing",
    "ambiguous-currency": "the amounts show several currencies (left unknown), or another one "
    "than the currency the user gave (the user's is kept)",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in the input, as a record.

    Attributes
    ----------
    code : str
        A stable code from :data:`PROBLEM_CODES`.
    message : str
        A one-line explanation for a person.
    file : str or None
        The file's name as given.
    sheet : str or None
        The worksheet, for workbooks.
    row : int or None
        The row as the user sees it: 1-based line in a text file, Excel row number in a workbook.
    column : str or None
        The column header as written in the file.
    value : str or None
        The raw value, as read.
    severity : {"error", "warning", "info"}
        ``error`` for rejected rows, ``warning`` for rows used with a caveat, ``info`` for rows
        skipped on purpose.
    args : tuple of (str, str)
        Named values of the message (counts, columns, what was done), so that the report words
        it in each language: ``form`` picks the catalogue template ``problem.<code>.<form>``,
        ``n`` the plural form; the others fill its placeholders.
    """

    code: str
    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    severity: Severity = "error"
    args: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """Return the problem as a plain dict (JSON-serialisable)."""
        return asdict(self)

    def where(self) -> str:
        """Return ``file[sheet]:row column`` for one-line messages."""
        parts = [self.file or "<input>"]
        if self.sheet:
            parts[0] += f"[{self.sheet}]"
        if self.row is not None:
            parts[0] += f":{self.row}"
        if self.column:
            parts.append(f"column {self.column!r}")
        return " ".join(parts)

    def __str__(self) -> str:
        value = "" if self.value is None else f" (value {self.value!r})"
        return f"{self.where()}: {self.message}{value} [{self.code}]"


class KeyriskError(Exception):
    """Base class of every error keyrisk raises on purpose.

    ``exit_code`` is what the command line returns: 1 when the input is unusable, 2 for a usage
    error. ``str(error)`` is a one-line message for a person.
    """

    exit_code: int = 1

    def __init__(self, message: str, *, problem: Problem | None = None) -> None:
        super().__init__(message)
        self.problem = problem


class InputError(KeyriskError):
    """The input cannot be used (unreadable, hostile, empty, no usable rows...)."""


class FileFormatError(InputError):
    """The file is not what its name says, is truncated, encrypted or hostile."""


class LimitExceededError(InputError):
    """The input goes beyond a documented safety limit (size, cells, ratio)."""


class AmbiguousInputError(InputError):
    """keyrisk cannot decide alone: the message says which option settles it."""


class MappingError(InputError):
    """The columns cannot be mapped to the canonical model without help."""


class UsageError(KeyriskError, ValueError):
    """A parameter, option or configuration value is wrong (exit code 2)."""

    exit_code = 2


class ConfigError(UsageError):
    """The keyrisk.toml configuration file is invalid."""


class OutputError(KeyriskError):
    """The report cannot be written (disk full, a file open in another program...).

    Raised only after everything written for the new report was removed: the output folder is
    as it was before the run. The message names the output folder, never a temporary file.
    """


class HistoryError(KeyriskError):
    """The history file cannot be used: not a keyrisk history, damaged, too new, or busy.

    The message names the file and says what to do, in one line.
    """


class Terminated(BaseException):
    """Raised by the SIGTERM handler that keyrisk installs while it writes a report.

    A :class:`BaseException`, like :class:`KeyboardInterrupt`: code that catches
    :class:`Exception` does not swallow it, and the partial report is removed on the way out.
    """

    def __init__(self, signum: int = 15) -> None:
        super().__init__(signum)
        self.signum = signum
