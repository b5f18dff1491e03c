"""The canonical model: three tables and the Dataset that holds them with the ingestion report.

Every reader and CRM layout ends up in these tables, and everything downstream (scoring,
portfolio, report) reads only these. Names are already normalised (Unicode NFC, trimmed, inner
spaces collapsed) and unified case-insensitively, shown as first written; aliases of the
configuration are already applied.

interactions
    ============  ==================  ==========================================================
    column        dtype               meaning
    ============  ==================  ==========================================================
    account       string              the client touched (never empty)
    staff         string              our staff member who touched it (never empty)
    date          datetime64[ns]      day of the interaction (NaT when the file has no date)
    kind          string              call, meeting, email, order... (<NA> when unknown)
    weight        float64             the row's own weight multiplier (1.0 unless given)
    amount        float64             money on the row (NaN when none); negative = credit
    stage         string              "won", "lost", "open" or <NA> (an order or invoice)
    note          string              free text (<NA> when none)
    source        string              the file the row came from
    row           int64               the row as the user sees it (line or Excel row)
    ============  ==================  ==========================================================

accounts
    account (string), account_id (string), revenue (float64, NaN when unknown), owner (string),
    segment (string), source (string), row (int64).

staff
    staff (string), staff_id (string), role (string), department (string),
    start_date (datetime64[ns]), end_date (datetime64[ns]), active (boolean, <NA> when unknown),
    leave_probability (float64 in [0, 1], NaN when not given: the probability of leaving within
    12 months used by the revenue-at-risk simulation), source (string), row (int64).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from keyrisk.errors import Problem

__all__ = [
    "ACCOUNT_COLUMNS",
    "INTERACTION_COLUMNS",
    "STAFF_COLUMNS",
    "Dataset",
    "FileReport",
    "IngestReport",
    "RowCounts",
    "empty_table",
]

STRING = "string"

#: Column -> pandas dtype of each canonical table.
INTERACTION_COLUMNS: dict[str, str] = {
    "account": STRING,
    "staff": STRING,
    "date": "datetime64[ns]",
    "kind": STRING,
    "weight": "float64",
    "amount": "float64",
    "stage": STRING,
    "note": STRING,
    "source": STRING,
    "row": "int64",
}
ACCOUNT_COLUMNS: dict[str, str] = {
    "account": STRING,
    "account_id": STRING,
    "revenue": "float64",
    "owner": STRING,
    "segment": STRING,
    "source": STRING,
    "row": "int64",
}
STAFF_COLUMNS: dict[str, str] = {
    "staff": STRING,
    "staff_id": STRING,
    "role": STRING,
    "department": STRING,
    "start_date": "datetime64[ns]",
    "end_date": "datetime64[ns]",
    "active": "boolean",
    "leave_probability": "float64",
    "source": STRING,
    "row": "int64",
}

STAGES = ("won", "lost", "open")


def empty_table(schema: dict[str, str]) -> pd.DataFrame:
    """Return an empty DataFrame with the columns and dtypes of ``schema``."""
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in schema.items()})


def conform(frame: pd.DataFrame, schema: dict[str, str]) -> pd.DataFrame:
    """Return ``frame`` with exactly the columns of ``schema``, in order, with their dtypes.

    Missing columns are added empty; extra columns are dropped.
    """
    out: dict[str, pd.Series] = {}
    n = len(frame)
    for name, dtype in schema.items():
        if name in frame.columns:
            out[name] = frame[name].astype(dtype)
        else:
            out[name] = pd.Series([None] * n, index=frame.index, dtype="object").astype(dtype)
    return pd.DataFrame(out, index=frame.index).reset_index(drop=True)


@dataclass
class RowCounts:
    """Rows of one file: ``read == used + skipped + rejected`` always."""

    read: int = 0
    used: int = 0
    skipped: int = 0
    rejected: int = 0

    def __add__(self, other: RowCounts) -> RowCounts:
        return RowCounts(
            self.read + other.read,
            self.used + other.used,
            self.skipped + other.skipped,
            self.rejected + other.rejected,
        )

    @property
    def balanced(self) -> bool:
        """True when every row read is accounted for."""
        return self.read == self.used + self.skipped + self.rejected

    def as_dict(self) -> dict[str, int]:
        return {
            "read": self.read,
            "used": self.used,
            "skipped": self.skipped,
            "rejected": self.rejected,
        }


@dataclass
class FileReport:
    """What was detected in one input file and what became of its rows."""

    path: str
    role: str  # "interactions", "accounts", "staff" or "lines"
    format: str  # "csv", "xlsx", "xls", "ods", "parquet"
    sha256: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    layout: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    date_policy: str | None = None
    rows: RowCounts = field(default_factory=RowCounts)
    notes: list[str] = field(default_factory=list)
    error: str | None = None  # why the file could not be used (inspect only)
    currency: str | None = None  # ISO 4217 code of its amounts, when the file shows one

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "role": self.role,
            "format": self.format,
            "sha256": self.sha256,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "layout": self.layout,
            "mapping": dict(self.mapping),
            "date_policy": self.date_policy,
            "rows": self.rows.as_dict(),
            "notes": list(self.notes),
            "error": self.error,
            "currency": self.currency,
        }


@dataclass
class IngestReport:
    """Everything the ingestion saw: files, row counts, problems and near-duplicate names."""

    files: list[FileReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    near_duplicates: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            {
                "kind": pd.Series(dtype=STRING),
                "name": pd.Series(dtype=STRING),
                "similar_to": pd.Series(dtype=STRING),
                "similarity": pd.Series(dtype="float64"),
            }
        )
    )

    @property
    def rows(self) -> RowCounts:
        """Row counts over every file."""
        total = RowCounts()
        for f in self.files:
            total = total + f.rows
        return total

    def problems_frame(self) -> pd.DataFrame:
        """Return the problems as a DataFrame (one row per problem)."""
        cols = ["file", "sheet", "row", "column", "value", "code", "severity", "message"]
        if not self.problems:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
        frame = pd.DataFrame([p.as_dict() for p in self.problems])[cols]
        frame["row"] = frame["row"].astype("Int64")
        return frame

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": [f.as_dict() for f in self.files],
            "rows": self.rows.as_dict(),
            "problems": [p.as_dict() for p in self.problems],
            "near_duplicates": self.near_duplicates.to_dict(orient="records"),
        }


@dataclass
class Dataset:
    """The canonical tables of one audit, with the ingestion report.

    Attributes
    ----------
    interactions, accounts, staff : pandas.DataFrame
        The canonical tables (see the module docstring for columns and dtypes).
    report : IngestReport
        Files, row counts, problems and near-duplicate names.
    has_dates : bool
        False when no interaction file had a date column: every row then counts with decay 1.
    settings : dict
        Analysis parameters given by the configuration file (``[analysis]``, ``[kind_weights]``);
        :func:`keyrisk.analyse` starts from them.
    currency : str or None
        ISO 4217 code of the amounts and revenue: given by the user, or read from the data
        (headers, values, a currency column; see :mod:`keyrisk.ingest.currency`). None when
        unknown or contradictory: amounts are then shown without a symbol.
    """

    interactions: pd.DataFrame
    accounts: pd.DataFrame
    staff: pd.DataFrame
    report: IngestReport = field(default_factory=IngestReport)
    has_dates: bool = True
    settings: dict[str, Any] = field(default_factory=dict)
    currency: str | None = None

    @classmethod
    def from_frames(
        cls,
        interactions: pd.DataFrame | None = None,
        accounts: pd.DataFrame | None = None,
        staff: pd.DataFrame | None = None,
        *,
        report: IngestReport | None = None,
        has_dates: bool | None = None,
        currency: str | None = None,
    ) -> Dataset:
        """Build a Dataset from plain DataFrames (missing columns are added empty).

        This is the entry point for analysts who already hold clean tables, and for tests.
        """
        inter = interactions if interactions is not None else empty_table(INTERACTION_COLUMNS)
        inter = inter.copy()
        if "weight" not in inter.columns:
            inter["weight"] = 1.0
        if "source" not in inter.columns:
            inter["source"] = "<frame>"
        if "row" not in inter.columns:
            inter["row"] = range(2, len(inter) + 2)
        if has_dates is None:
            has_dates = "date" in inter.columns and bool(inter["date"].notna().any())
        if "date" in inter.columns:
            inter["date"] = pd.to_datetime(inter["date"])
        acc = accounts.copy() if accounts is not None else empty_table(ACCOUNT_COLUMNS)
        stf = staff.copy() if staff is not None else empty_table(STAFF_COLUMNS)
        for frame in (acc, stf):
            if "source" not in frame.columns:
                frame["source"] = "<frame>"
            if "row" not in frame.columns:
                frame["row"] = range(2, len(frame) + 2)
        for col in ("start_date", "end_date"):
            if col in stf.columns:
                stf[col] = pd.to_datetime(stf[col])
        return cls(
            interactions=conform(inter, INTERACTION_COLUMNS),
            accounts=conform(acc, ACCOUNT_COLUMNS),
            staff=conform(stf, STAFF_COLUMNS),
            report=report or IngestReport(),
            has_dates=has_dates,
            currency=currency,
        )

    @property
    def latest_date(self) -> dt.date | None:
        """The latest interaction date, or None when there is none."""
        if not self.has_dates or self.interactions["date"].isna().all():
            return None
        return pd.Timestamp(self.interactions["date"].max()).date()

    def __repr__(self) -> str:
        rows = self.report.rows
        return (
            f"Dataset({len(self.interactions)} interactions, {len(self.accounts)} accounts, "
            f"{len(self.staff)} staff; rows read={rows.read} used={rows.used} "
            f"skipped={rows.skipped} rejected={rows.rejected}; "
            f"{len(self.report.problems)} problems)"
        )
