"""The ingestion pipeline: files in, one :class:`~keyrisk.model.Dataset` out, nothing lost.

For each file: read it (:mod:`keyrisk.ingest.readers`), map its columns to the canonical model
(:mod:`keyrisk.ingest.layouts`), parse values (:mod:`keyrisk.ingest.values`), then decide the
fate of every row: used, skipped with a reason, or rejected with a problem record. Then, across
files: translate identifiers through the accounts and staff tables, attach order-line amounts,
apply aliases, unify names written with different case, and list near-duplicate names.

Row accounting holds for every file: ``read == used + skipped + rejected``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from keyrisk.errors import InputError, KeyriskError, Problem, Severity, UsageError
from keyrisk.ingest.config import Config, FileConfig, load_config
from keyrisk.ingest.currency import (
    Evidence,
    by_code,
    currency_code,
    currency_of_header,
    currency_of_values,
    decide,
    is_currency_column,
    normalise_currency,
)
from keyrisk.ingest.identities import aliases_toml, apply_aliases, near_duplicates, unify_names
from keyrisk.ingest.layouts import (
    ColumnMapping,
    key,
    map_columns,
    normalise_kind,
    normalise_stage,
)
from keyrisk.ingest.limits import Limits
from keyrisk.ingest.readers import RawTable, ReadOptions, read_raw
from keyrisk.ingest.values import (
    _take_text,
    fold,
    fold_names,
    is_total_label,
    normalise_names,
    parse_dates,
    parse_numbers,
)
from keyrisk.model import (
    ACCOUNT_COLUMNS,
    INTERACTION_COLUMNS,
    STAFF_COLUMNS,
    Dataset,
    FileReport,
    IngestReport,
    RowCounts,
    conform,
    empty_table,
)

__all__ = ["InspectResult", "LoadOptions", "inspect", "load", "suggested_aliases"]

PathLike = str | os.PathLike[str]
DATE_ORDERS = ("auto", "dayfirst", "monthfirst")

_TRUE = {
    "1",
    "true",
    "yes",
    "y",
    "oui",
    "o",
    "vrai",
    "x",
    "actif",
    "active",
    "active staff",
    "en poste",
}
_FALSE = {"0", "false", "no", "n", "non", "faux", "inactif", "inactive", "parti", "left", "sorti"}


@dataclass(frozen=True)
class LoadOptions:
    """Options of :func:`load` that apply to every file (the configuration may refine them).

    Parameters
    ----------
    sep, sheet, encoding, header_row
        Forced delimiter, sheet name, encoding and header row (1-based, as the user sees it).
    dates : {"auto", "dayfirst", "monthfirst"}
        Day-first policy. ``auto``: decided per column from the values; French-headed files read
        day-first; a column that cannot be decided is an error asking for one of the others.
    config : Config or None
        A parsed ``keyrisk.toml``.
    near_duplicate_threshold : float
        Cosine similarity from which two staff names are listed as possible duplicates.
    account_duplicate_threshold : float
        The same for account names: higher, because client names share many words
        ("Communauté de communes de ...") and a client list is long.
    limits : Limits
        Safety limits of the readers (:mod:`keyrisk.ingest.limits`). :func:`load` also takes a
        mapping that raises some of them, e.g. ``limits={"max_cells": 10**8}``.
    currency : str or None
        ISO 4217 code (or symbol) of the amounts; wins over ``[report] currency`` of the
        configuration and over what the data shows (:mod:`keyrisk.ingest.currency`).
    """

    sep: str | None = None
    sheet: str | None = None
    encoding: str | None = None
    header_row: int | None = None
    dates: str = "auto"
    config: Config = field(default_factory=lambda: load_config(None))
    near_duplicate_threshold: float = 0.75
    account_duplicate_threshold: float = 0.9
    limits: Limits = field(default_factory=Limits)
    currency: str | None = None

    def __post_init__(self) -> None:
        if self.currency is not None:
            object.__setattr__(self, "currency", normalise_currency(self.currency))
        if self.dates not in DATE_ORDERS:
            raise UsageError(
                f"The 'dates' option must be one of {', '.join(DATE_ORDERS)}; got {self.dates!r}."
            )
        if self.sep is not None and self.sep not in (",", ";", "\t", "|"):
            raise UsageError(
                f"The 'sep' option must be one of ',', ';', '\\t', '|'; got {self.sep!r}."
            )


@dataclass
class _FileResult:
    report: FileReport
    frame: pd.DataFrame  # canonical columns of the role (kept rows only)
    rows: _Rows  # the fate of every data row, and the problems found
    raw_kept: pd.DataFrame | None = None  # raw cells of the kept rows (interactions only)
    mapping: ColumnMapping | None = None
    file_config: FileConfig | None = None
    currency: list[Evidence] = field(default_factory=list)  # where a currency was read


class _Rows:
    """Decides the fate of each data row of one file and records the problems."""

    def __init__(self, raw: RawTable, problems: list[Problem]) -> None:
        self.raw = raw
        self.n = len(raw.data)
        self.fate = np.zeros(self.n, dtype=np.int8)  # 0 used, 1 skipped, 2 rejected
        self.problems = problems
        self.file = Path(raw.path).name

    def flag(
        self,
        mask: pd.Series | np.ndarray,
        *,
        code: str,
        message: str,
        column: str | None,
        values: pd.Series | None,
        fate: int,
    ) -> None:
        """Mark rows not yet decided; ``fate`` 1 skips them, 2 rejects them, 0 only warns."""
        m = np.asarray(mask, dtype=bool) & (self.fate == 0)
        if not m.any():
            return
        if fate:
            self.fate[m] = fate
        severity: Severity = "error" if fate == 2 else ("info" if fate == 1 else "warning")
        idx = np.flatnonzero(m)
        vals = values.to_numpy(dtype=object)[idx] if values is not None else [None] * len(idx)
        rows = self.raw.rows[idx]
        for row, value in zip(rows.tolist(), vals, strict=True):
            self.problems.append(
                Problem(
                    code=code,
                    message=message,
                    file=self.file,
                    sheet=self.raw.sheet,
                    row=int(row),
                    column=column,
                    value=None if _is_missing(value) else str(value),
                    severity=severity,
                )
            )

    @property
    def keep(self) -> np.ndarray:
        return self.fate == 0

    def counts(self) -> RowCounts:
        skipped = int((self.fate == 1).sum()) + self.raw.skipped
        rejected = int((self.fate == 2).sum()) + self.raw.rejected
        return RowCounts(
            read=self.raw.read,
            used=int((self.fate == 0).sum()),
            skipped=skipped,
            rejected=rejected,
        )


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and np.isnan(value)


def _as_text(series: pd.Series) -> pd.Series:
    """Return raw cells as text (string dtype); integral floats lose their ``.0``."""
    if isinstance(series.dtype, pd.StringDtype):
        return series
    uniques = pd.unique(series.to_numpy(dtype=object))
    table: dict[object, object] = {}
    for value in uniques:
        if _is_missing(value):
            table[value] = pd.NA
        elif isinstance(value, bool):
            table[value] = str(value)
        elif isinstance(value, float) and value.is_integer():
            table[value] = str(int(value))
        elif isinstance(value, dt.datetime):
            table[value] = value.isoformat(sep=" ")
        elif isinstance(value, dt.date):
            table[value] = value.isoformat()
        else:
            table[value] = str(value)
    out = series.map(lambda v: table.get(v, pd.NA) if not _is_missing(v) else pd.NA)
    return out.astype("string")


def _per_distinct(text: pd.Series, func: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``func(text)`` for a cell-by-cell text mapping, computed once per distinct text."""
    codes, uniques = pd.factorize(text)
    return _take_text(func(pd.Series(uniques, dtype="string")), np.asarray(codes), text.index)


def _column(raw: RawTable, headers: Sequence[str]) -> pd.Series:
    """One canonical column from one or several source headers (joined by a space)."""
    parts = [_as_text(raw.data[h]) for h in headers]
    if len(parts) == 1:
        return parts[0]
    joined = parts[0].fillna("")
    for part in parts[1:]:
        joined = joined.str.cat(part.fillna(""), sep=" ")
    joined = joined.str.strip()
    return joined.mask(joined == "", pd.NA)


def _raw_column(raw: RawTable, headers: Sequence[str]) -> pd.Series:
    """The raw cells of a single-header field, untouched (for number and date parsing)."""
    if len(headers) == 1:
        return raw.data[headers[0]]
    return _column(raw, headers)


def _field_cells(
    raw: RawTable, mapping: ColumnMapping, fieldname: str
) -> tuple[str, pd.Series] | None:
    """The header as shown in problems and the raw cells of a mapped field; None if unmapped."""
    headers = mapping.columns.get(fieldname)
    if not headers:
        return None
    return " + ".join(headers), _raw_column(raw, headers)


def _is_french(mapping: ColumnMapping) -> bool:
    layout = mapping.layout.casefold()
    return "french" in layout or "(fr" in layout or "français" in layout


def _parse_bool(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse an active flag: (boolean Series, bad mask)."""
    text = _as_text(values).str.strip().str.casefold()
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[text.isin(_TRUE).fillna(False).astype(bool)] = True
    out[text.isin(_FALSE).fillna(False).astype(bool)] = False
    bad = (text.notna() & out.isna()).astype(bool)
    return out, bad


def _dates(
    raw: RawTable,
    rows: _Rows,
    mapping: ColumnMapping,
    fieldname: str,
    opts: LoadOptions,
    fc: FileConfig | None,
    *,
    required: bool,
    among: np.ndarray | None = None,
) -> tuple[pd.Series, str | None]:
    """Parse a date field; ``among`` restricts it (values and problems) to some rows."""
    field = _field_cells(raw, mapping, fieldname)
    if field is None:
        return pd.Series(pd.NaT, index=raw.data.index, dtype="datetime64[ns]"), None
    header, cells = field
    if among is not None:
        cells = cells[among]
    order = opts.dates
    if order == "auto" and fc is not None and fc.dates:
        order = fc.dates
    parsed = parse_dates(
        cells,
        order=order,
        french=_is_french(mapping),
        date1904=raw.date1904,
        column=header,
        file=Path(raw.path).name,
    )
    index = raw.data.index

    def full(mask: pd.Series) -> np.ndarray:
        return mask.reindex(index, fill_value=False).to_numpy(dtype=bool)

    text = _as_text(cells).reindex(index)
    if required:
        rows.flag(
            full(parsed.impossible),
            code="impossible-date",
            message="this date does not exist",
            column=header,
            values=text,
            fate=2,
        )
        rows.flag(
            full(parsed.bad),
            code="bad-date",
            message="the date cannot be read",
            column=header,
            values=text,
            fate=2,
        )
        rows.flag(
            full(_as_text(cells).isna()),
            code="missing-date",
            message="the date is empty: the row cannot be placed in time",
            column=header,
            values=None,
            fate=1,
        )
    else:
        rows.flag(
            full(parsed.bad | parsed.impossible),
            code="bad-date",
            message="the date cannot be read; left empty",
            column=header,
            values=text,
            fate=0,
        )
    values = parsed.values.where(~(parsed.bad | parsed.impossible)).reindex(index)
    return values.astype("datetime64[ns]").dt.normalize(), parsed.policy


def _numbers(
    raw: RawTable, rows: _Rows, mapping: ColumnMapping, fieldname: str
) -> pd.Series | None:
    field = _field_cells(raw, mapping, fieldname)
    if field is None:
        return None
    header, cells = field
    parsed = parse_numbers(cells)
    rows.flag(
        parsed.impossible.to_numpy(),
        code="number-out-of-range",
        message=f"the {fieldname} is out of range (infinite, or beyond 10^15); left empty",
        column=header,
        values=_as_text(cells),
        fate=0,
    )
    rows.flag(
        (parsed.bad & ~parsed.impossible).to_numpy(),
        code="bad-number",
        message=f"the {fieldname} cannot be read as a number; left empty",
        column=header,
        values=_as_text(cells),
        fate=0,
    )
    return parsed.values.where(~parsed.bad).astype("float64")


def _probabilities(
    raw: RawTable, rows: _Rows, mapping: ColumnMapping, fieldname: str
) -> pd.Series | None:
    """A probability column: ``0.15``, ``0,15`` or ``15%``; outside [0, 1] is left empty."""
    field = _field_cells(raw, mapping, fieldname)
    if field is None:
        return None
    header, cells = field
    text = _as_text(cells)
    percent = text.str.strip().str.endswith("%").fillna(False).to_numpy(dtype=bool)
    stripped = text.str.strip().str.rstrip("%").str.strip()
    numbers = cells.astype(object).where(~percent, stripped.astype(object))
    parsed = parse_numbers(numbers)
    values = parsed.values.where(~parsed.bad).astype("float64")
    values = values.where(~percent, values / 100.0)
    outside = ((values < 0) | (values > 1)).fillna(False).to_numpy(dtype=bool)
    rows.flag(
        parsed.bad.to_numpy() | outside,
        code="bad-probability",
        message=f"the {fieldname} is not a probability (0 to 1, or 0% to 100%); left empty",
        column=header,
        values=_as_text(cells),
        fate=0,
    )
    return values.where(~outside)


def _names(raw: RawTable, mapping: ColumnMapping, fieldname: str) -> pd.Series | None:
    headers = mapping.columns.get(fieldname)
    if not headers:
        return None
    return normalise_names(_column(raw, headers))


def _common_skips(
    raw: RawTable, rows: _Rows, mapping: ColumnMapping, key_fields: Sequence[str]
) -> None:
    """Total lines and exact duplicates, skipped and listed."""
    for name in key_fields:
        headers = mapping.columns.get(name)
        if not headers:
            continue
        # is_total_label normalises each distinct cell itself; the names are only needed to
        # list the total lines found
        total = is_total_label(_column(raw, headers)).fillna(False).to_numpy(dtype=bool)
        rows.flag(
            total,
            code="total-row",
            message="a total line, not data: skipped",
            column=" + ".join(headers),
            values=_names(raw, mapping, name) if total.any() else None,
            fate=1,
        )
    if raw.data.shape[1]:
        dup = raw.data.duplicated(keep="first").to_numpy()
        rows.flag(
            dup,
            code="duplicate-row",
            message="an exact copy of an earlier row: counted once",
            column=None,
            values=None,
            fate=1,
        )


def _interactions(
    raw: RawTable, mapping: ColumnMapping, opts: LoadOptions, fc: FileConfig | None, rows: _Rows
) -> tuple[pd.DataFrame, str | None]:
    account = _names(raw, mapping, "account")
    staff = _names(raw, mapping, "staff")
    assert account is not None and staff is not None
    _common_skips(raw, rows, mapping, ("account", "staff"))
    acc_h = " + ".join(mapping.columns["account"])
    stf_h = " + ".join(mapping.columns["staff"])
    rows.flag(
        (account.isna() & staff.isna()).to_numpy(),
        code="no-relationship",
        message="neither an account nor a staff member on this row",
        column=None,
        values=None,
        fate=1,
    )
    rows.flag(
        account.isna().to_numpy(),
        code="missing-account",
        message="the account is empty",
        column=acc_h,
        values=None,
        fate=2,
    )
    rows.flag(
        staff.isna().to_numpy(),
        code="missing-staff",
        message="the staff member is empty",
        column=stf_h,
        values=None,
        fate=2,
    )
    config = opts.config
    stages: pd.Series | None = None
    unknown: set[str] = set()
    if mapping.columns.get("stage"):
        stage_text = _as_text(raw.data[mapping.columns["stage"][0]])

        def stage_of(labels: pd.Series) -> pd.Series:
            found_stages, found = normalise_stage(labels, config.stages)
            unknown.update(found)
            return found_stages

        stages = _per_distinct(stage_text, stage_of)
    # an open deal without a close date is dated by its creation or engage date
    by_open: np.ndarray | None = None
    if stages is not None and mapping.columns.get("open_date") and mapping.columns.get("date"):
        undated = _as_text(_raw_column(raw, mapping.columns["date"])).isna()
        opened = _as_text(_raw_column(raw, mapping.columns["open_date"])).notna()
        by_open = (stages.eq("open") & undated & opened).fillna(False).to_numpy(dtype=bool)
        if not by_open.any():
            by_open = None
    if by_open is None:
        dates, policy = _dates(raw, rows, mapping, "date", opts, fc, required=True)
    else:
        dates, policy = _dates(raw, rows, mapping, "date", opts, fc, required=True, among=~by_open)
        opened_on, _ = _dates(
            raw, rows, mapping, "open_date", opts, fc, required=True, among=by_open
        )
        dates = dates.where(~by_open, opened_on)
    amount = _numbers(raw, rows, mapping, "amount")
    weight = _numbers(raw, rows, mapping, "weight")
    frame = pd.DataFrame(
        {
            "account": account,
            "staff": staff,
            "date": dates,
            "kind": _per_distinct(
                _as_text(raw.data[mapping.columns["kind"][0]]),
                lambda u: normalise_kind(u, config.kinds),
            )
            if mapping.columns.get("kind")
            else pd.NA,
            "weight": weight.fillna(1.0) if weight is not None else 1.0,
            "amount": amount if amount is not None else np.nan,
            "note": _names(raw, mapping, "note") if mapping.columns.get("note") else pd.NA,
        }
    )
    if stages is not None:
        header = mapping.columns["stage"][0]
        text = _as_text(raw.data[header])
        frame["stage"] = stages
        for label in sorted(unknown):
            first = int(np.flatnonzero((text == label).fillna(False).to_numpy())[0])
            rows.problems.append(
                Problem(
                    code="unknown-stage",
                    message="a stage that is neither won, lost nor open: counted as an "
                    "interaction, not as revenue (settle it in [stages] of keyrisk.toml)",
                    file=rows.file,
                    sheet=raw.sheet,
                    row=int(raw.rows[first]),
                    column=header,
                    value=label,
                    severity="warning",
                )
            )
            frame.loc[(text == label).fillna(False).to_numpy(), "stage"] = "unknown"
    frame["source"] = rows.file
    frame["row"] = raw.rows
    return frame, policy


def _table_key(
    raw: RawTable, mapping: ColumnMapping, rows: _Rows, key: str
) -> tuple[pd.Series, pd.Series | None]:
    """The name and id columns of an accounts or staff table (``key`` is "account" or "staff").

    The id stands for the name when the table has no name column. Total lines and exact
    duplicates are skipped; rows without a name are rejected.
    """
    name = _names(raw, mapping, key)
    ident = _names(raw, mapping, f"{key}_id")
    if name is None:
        name = ident
    assert name is not None
    _common_skips(raw, rows, mapping, (key,))
    rows.flag(
        name.isna().to_numpy(),
        code=f"missing-{key}",
        message=f"the {'account' if key == 'account' else 'staff member'} is empty",
        column=" + ".join(mapping.columns.get(key) or mapping.columns[f"{key}_id"]),
        values=None,
        fate=2,
    )
    return name, ident


def _accounts(
    raw: RawTable, mapping: ColumnMapping, opts: LoadOptions, fc: FileConfig | None, rows: _Rows
) -> pd.DataFrame:
    account, account_id = _table_key(raw, mapping, rows, "account")
    revenue = _numbers(raw, rows, mapping, "revenue")
    owner = _names(raw, mapping, "owner")
    frame = pd.DataFrame(
        {
            "account": account,
            "account_id": account_id if account_id is not None else pd.NA,
            "revenue": revenue if revenue is not None else np.nan,
            "owner": owner if owner is not None else pd.NA,
            "segment": _names(raw, mapping, "segment") if mapping.columns.get("segment") else pd.NA,
            "source": rows.file,
            "row": raw.rows,
        }
    )
    _merge_repeats(frame, rows, "account", ("account_id", "owner", "revenue", "segment"))
    return frame


def _staff(
    raw: RawTable, mapping: ColumnMapping, opts: LoadOptions, fc: FileConfig | None, rows: _Rows
) -> pd.DataFrame:
    staff, staff_id = _table_key(raw, mapping, rows, "staff")
    start, _ = _dates(raw, rows, mapping, "start_date", opts, fc, required=False)
    end, _ = _dates(raw, rows, mapping, "end_date", opts, fc, required=False)
    leave = _probabilities(raw, rows, mapping, "leave_probability")
    active: pd.Series | Any = pd.NA
    if mapping.columns.get("active"):
        header = mapping.columns["active"][0]
        active, bad = _parse_bool(raw.data[header])
        rows.flag(
            bad.to_numpy(),
            code="bad-flag",
            message="the active flag is neither yes nor no; left unknown",
            column=header,
            values=_as_text(raw.data[header]),
            fate=0,
        )
    frame = pd.DataFrame(
        {
            "staff": staff,
            "staff_id": staff_id if staff_id is not None else pd.NA,
            "role": _names(raw, mapping, "role") if mapping.columns.get("role") else pd.NA,
            "department": _names(raw, mapping, "department")
            if mapping.columns.get("department")
            else pd.NA,
            "start_date": start,
            "end_date": end,
            "active": active,
            "leave_probability": leave if leave is not None else np.nan,
            "source": rows.file,
            "row": raw.rows,
        }
    )
    _merge_repeats(
        frame,
        rows,
        "staff",
        ("staff_id", "role", "department", "start_date", "end_date", "active", "leave_probability"),
    )
    return frame


def _merge_repeats(frame: pd.DataFrame, rows: _Rows, key: str, columns: Sequence[str]) -> None:
    """Rows repeating a name already listed are merged into its first row (and skipped).

    The first row takes, for each of ``columns``, the first value given by any of the rows. A
    repeat that gives another value than that one is rejected instead, so that the conflict is
    listed rather than silently resolved.
    """
    live = pd.Series(rows.keep, index=frame.index)
    keys = fold_names(frame[key]).where(live)
    repeat = (keys.duplicated(keep="first") & keys.notna()).astype(bool)
    if not repeat.any():
        return
    what = "staff member" if key == "staff" else key
    listed = keys.notna().to_numpy()
    for col in columns:
        reference = keys.map(frame.loc[listed, col].groupby(keys[listed], sort=False).first())
        differs = repeat & frame[col].notna() & reference.notna()
        differs = (differs & (frame[col] != reference)).fillna(False).astype(bool)
        rows.flag(
            differs.to_numpy(),
            code="duplicate-key",
            message=f"this {what} is listed again with another {col}: the first value is kept",
            column=col,
            values=frame[col].astype("string"),
            fate=2,
        )
    keys = fold_names(frame[key]).where(pd.Series(rows.keep, index=frame.index))
    listed = keys.notna().to_numpy()
    merged = frame.loc[listed, list(columns)].groupby(keys[listed], sort=False).first()
    firsts = keys[listed & ~keys.duplicated(keep="first").to_numpy()]
    for col in columns:
        values = merged[col].reindex(firsts.to_numpy())
        frame.loc[firsts.index, col] = values.to_numpy()
    rows.flag(
        repeat.to_numpy(),
        code="duplicate-key",
        message=f"this {what} is already listed above: merged into its first row",
        column=key,
        values=frame[key],
        fate=1,
    )


def _read_one(
    path: PathLike, role_hint: str | None, opts: LoadOptions
) -> tuple[RawTable, ColumnMapping, FileConfig | None]:
    fc = opts.config.for_file(str(path))
    read_opts = ReadOptions(
        sep=opts.sep or (fc.sep if fc else None),
        sheet=opts.sheet or (fc.sheet if fc else None),
        encoding=opts.encoding or (fc.encoding if fc else None),
        header_row=opts.header_row or (fc.header_row if fc else None),
        limits=opts.limits,
    )
    raw = read_raw(path, read_opts)
    role = (fc.role if fc and fc.role else None) or role_hint
    mapping = map_columns(
        raw.headers,
        role=role,
        overrides=dict(fc.columns) if fc else None,
        file=Path(raw.path).name,
        sample=raw.data.head(50),
    )
    return raw, mapping, fc


def _file_report(raw: RawTable, mapping: ColumnMapping | None, role: str) -> FileReport:
    return FileReport(
        path=str(raw.path),
        role=role,
        format=raw.format,
        sha256=raw.sha256,
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        sheet=raw.sheet,
        header_row=raw.header_row,
        layout=mapping.layout if mapping else None,
        mapping=mapping.mapping if mapping else {},
        notes=list(raw.notes) + (list(mapping.notes) if mapping else []),
    )


def _currency_evidence(
    raw: RawTable, mapping: ColumnMapping, fc: FileConfig | None
) -> list[Evidence]:
    """Where this file shows the currency of its money columns (see keyrisk.ingest.currency)."""
    if mapping.role not in ("interactions", "accounts", "lines"):
        return []
    money: list[str] = []
    for fieldname in ("amount", "revenue"):
        money += mapping.columns.get(fieldname, [])
    if mapping.role == "lines" and fc is not None:
        money += [h for h in fc.amount if h in raw.headers]
    name = Path(raw.path).name
    found: list[Evidence] = []
    for header in dict.fromkeys(money):
        code = currency_of_header(header)
        if code is not None:
            found.append(Evidence(code, name, header, "header"))
        for code in sorted(currency_of_values(raw.data[header])):
            found.append(Evidence(code, name, header, "values"))
    if money:
        for header in raw.headers:
            if is_currency_column(key(header)):
                for value in sorted(set(_as_text(raw.data[header]).dropna().str.strip())):
                    code = currency_code(value)
                    if code is not None:
                        found.append(Evidence(code, name, header, "currency column"))
    return found


def _reject_uncertain(
    raw: RawTable, rows: _Rows, mapping: ColumnMapping, fc: FileConfig | None, config: Config
) -> None:
    """Reject the lines read back whose uncertain columns (see the reader) are in use.

    A column is in use when it feeds a canonical field, is a ``lines`` file's key, amount or
    discount, or is the column that order lines join on. The reader's ``recovered-fields``
    warning of such a line becomes an ``extra-fields`` error.
    """
    if not raw.uncertain or mapping.role == "ignore":
        return
    used = {h for hs in mapping.columns.values() for h in hs}
    if fc is not None and mapping.role == "lines":
        used.update(h for h in (fc.key, *fc.amount, fc.discount) if h)
    if mapping.role == "interactions":
        used.update(f.join for f in config.files if f.role == "lines" and f.join)
    rejected: dict[int, tuple[str, ...]] = {}
    for position, columns in raw.uncertain.items():
        hit = [c for c in columns if c in used]
        if hit and rows.fate[position] == 0:
            rows.fate[position] = 2
            rejected[int(raw.rows[position])] = tuple(hit)
    if not rejected:
        return
    for i, p in enumerate(rows.problems):
        found = rejected.get(p.row) if p.code == "recovered-fields" and p.row is not None else None
        if found is None:
            continue
        columns = raw.uncertain[int(np.flatnonzero(raw.rows == p.row)[0])]
        rows.problems[i] = Problem(
            code="extra-fields",
            message=(
                "the line has more fields than the header: the extra separator may sit in "
                f"{' or '.join(repr(c) for c in columns)}, and {found[0]!r} is in use: rejected"
            ),
            file=rows.file,
            sheet=raw.sheet,
            row=p.row,
            column=found[0],
            value=p.value,
            severity="error",
        )


def _process(path: PathLike, role_hint: str | None, opts: LoadOptions) -> _FileResult:
    raw, mapping, fc = _read_one(path, role_hint, opts)
    # every problem names its file the same way (the file name, as the row problems do)
    name = Path(raw.path).name
    problems: list[Problem] = [
        Problem(**{**p.as_dict(), "file": name}) if p.file and p.file != name else p
        for p in raw.problems
    ]
    rows = _Rows(raw, problems)
    _reject_uncertain(raw, rows, mapping, fc, opts.config)
    report = _file_report(raw, mapping, mapping.role)
    raw_kept: pd.DataFrame | None = None
    if mapping.role == "interactions":
        frame, policy = _interactions(raw, mapping, opts, fc, rows)
        report.date_policy = policy
        if not mapping.columns.get("date"):
            report.notes.append(
                "no date column: every row counts with no decay and inside the window, and "
                "does not tell whether its staff member is still active"
            )
        raw_kept = raw.data.loc[rows.keep]
    elif mapping.role == "accounts":
        frame = _accounts(raw, mapping, opts, fc, rows)
    elif mapping.role == "staff":
        frame = _staff(raw, mapping, opts, fc, rows)
    elif mapping.role == "ignore":
        rows.fate[:] = 1
        report.notes.append(
            f'file set aside by the configuration (role = "ignore"): its {len(raw.data)} '
            "data rows are skipped"
        )
        frame = pd.DataFrame(index=raw.data.index)
    else:  # "lines": amounts are attached later, rows decided there
        frame = pd.DataFrame(index=raw.data.index)
    keep = rows.keep
    frame = frame.loc[keep].reset_index(drop=True)
    if raw_kept is not None:
        raw_kept = raw_kept.reset_index(drop=True)
    report.rows = rows.counts()
    evidence = _currency_evidence(raw, mapping, fc)
    codes = {e.code for e in evidence}
    if len(codes) == 1:
        report.currency = codes.pop()
        report.notes.append(
            f"amounts in {report.currency} ("
            + "; ".join(f"{e.how} of {e.column!r}" for e in evidence)
            + ")"
        )
    return _FileResult(report, frame, rows, raw_kept, mapping, fc, evidence)


def _attach_lines(result: _FileResult, interactions: list[_FileResult]) -> None:
    """Order lines (role "lines"): amount per key, added to the interactions joined on it."""
    fc = result.file_config
    rows = result.rows
    raw = rows.raw
    if fc is None or not fc.key or not fc.join or not fc.amount:
        raise UsageError(
            f"{rows.file}: a 'lines' file needs key, join and amount in keyrisk.toml "
            '(e.g. key = "order_id", join = "order_id", amount = ["unit_price", "quantity"]).'
        )
    for col in [fc.key, *fc.amount, *([fc.discount] if fc.discount else [])]:
        if col not in raw.headers:
            raise UsageError(
                f"{rows.file}: column {col!r} of keyrisk.toml is not in the file; "
                f"its columns are {', '.join(raw.headers)}."
            )
    amount = pd.Series(1.0, index=raw.data.index)
    bad = pd.Series(False, index=raw.data.index)
    huge = pd.Series(False, index=raw.data.index)
    for col in fc.amount:
        parsed = parse_numbers(raw.data[col])
        amount = amount * parsed.values
        bad |= parsed.bad | parsed.values.isna()
        huge |= parsed.impossible
    if fc.discount:
        parsed = parse_numbers(raw.data[fc.discount])
        amount = amount * (1 - parsed.values.fillna(0.0))
        bad |= parsed.bad
    key = _as_text(raw.data[fc.key])
    rows.flag(
        huge.to_numpy(),
        code="number-out-of-range",
        message="a factor of the line amount is out of range (infinite, or beyond 10^15)",
        column=" * ".join(fc.amount),
        values=None,
        fate=2,
    )
    rows.flag(
        bad.to_numpy(),
        code="bad-number",
        message="the line amount cannot be computed",
        column=" * ".join(fc.amount),
        values=None,
        fate=2,
    )
    known: set[str] = set()
    targets = [r for r in interactions if r.raw_kept is not None and fc.join in r.raw_kept]
    if not targets:
        raise UsageError(
            f"{rows.file}: no interactions file has the column {fc.join!r} to join the lines on."
        )
    for target in targets:
        assert target.raw_kept is not None
        known.update(_as_text(target.raw_kept[fc.join]).dropna().unique().tolist())
    rows.flag(
        (~key.isin(known).fillna(False)).to_numpy(dtype=bool),
        code="unknown-id",
        message=f"no kept interaction has this {fc.join}",
        column=fc.key,
        values=key,
        fate=2,
    )
    live = rows.keep
    totals = amount[live].groupby(key[live]).sum()
    seen: set[str] = set()
    for target in targets:
        assert target.raw_kept is not None
        keys = _as_text(target.raw_kept[fc.join])
        # an order's lines are counted once, on the first interaction row carrying its key
        first = (~keys.duplicated(keep="first") & ~keys.isin(seen)).fillna(False).astype(bool)
        repeated = int((keys.notna() & ~first).sum())
        if repeated:
            target.report.notes.append(
                f"{repeated} rows repeat a {fc.join!r} already seen: the amount of its lines "
                "is counted once, on its first row"
            )
        seen.update(keys[first].dropna().tolist())
        joined = keys.map(totals).astype("float64").where(first)
        frame = target.frame
        frame["amount"] = frame["amount"].where(frame["amount"].notna(), joined)
    result.report.rows = rows.counts()


def _id_table(
    table: pd.DataFrame, id_col: str, name_col: str, problems: list[Problem]
) -> dict[str, str]:
    """Identifier (folded) -> name, from the first row naming each identifier.

    An identifier given to several names keeps the first; each later one is listed.
    """
    rows = table.dropna(subset=[id_col, name_col])
    folded = fold_names(rows[id_col])
    first = ~folded.duplicated(keep="first")
    lookup = dict(zip(folded[first], rows[name_col][first], strict=True))
    clash = ~first & (fold_names(rows[name_col]) != fold_names(folded.map(lookup)))
    for rec in rows[clash.to_numpy(dtype=bool)].itertuples(index=False):
        kept = lookup[fold(getattr(rec, id_col))]
        problems.append(
            Problem(
                code="duplicate-key",
                message=f"this identifier already stands for {kept!r}: that name is kept for it",
                file=str(rec.source),
                row=int(rec.row),
                column=id_col,
                value=f"{getattr(rec, id_col)} = {getattr(rec, name_col)}",
                severity="warning",
            )
        )
    return lookup


def _translate_ids(
    frame: pd.DataFrame,
    column: str,
    lookup: Mapping[str, str],
    known_names: set[str],
    problems: list[Problem],
) -> None:
    """Replace identifiers by names in ``frame[column]`` where a value is an id, not a name.

    When some values are translated, the values that are neither a known id nor a known name
    are listed once each (``unknown-id``): they stay as written.
    """
    values = frame[column]
    folded = fold_names(values)
    is_id = (folded.isin(lookup.keys()) & ~folded.isin(known_names)).fillna(False).astype(bool)
    if not is_id.any():
        return
    out = values.copy()
    out[is_id] = folded[is_id].map(lookup)
    frame[column] = out.astype("string")
    unknown = values.notna() & ~is_id & ~folded.isin(known_names).fillna(False).astype(bool)
    firsts = frame[unknown.to_numpy(dtype=bool)].drop_duplicates(subset=[column])
    for rec in firsts.itertuples(index=False):
        problems.append(
            Problem(
                code="unknown-id",
                message="neither an identifier nor a name of the table that translates this "
                "column: kept as written",
                file=str(rec.source),
                row=int(rec.row),
                column=column,
                value=str(getattr(rec, column)),
                severity="warning",
            )
        )


def _settings_from_config(config: Config) -> dict[str, Any]:
    params: dict[str, Any] = dict(config.analysis)
    if config.kind_weights:
        params["kind_weights"] = dict(config.kind_weights)
    return params


def is_lock_file(path: PathLike) -> bool:
    """True for the lock files an office suite leaves beside an open document.

    Excel and Word write a small ``~$name.xlsx`` owner file; LibreOffice a
    ``.~lock.name.ods#`` file. Neither holds data.

    Examples
    --------
    >>> is_lock_file("exports/.~lock.clients.ods#")
    True
    >>> is_lock_file("clients.xlsx")
    False
    """
    name = Path(path).name
    if name.startswith(".~lock.") and name.endswith("#"):
        return True
    if not name.startswith("~$"):
        return False
    try:
        return Path(path).stat().st_size <= _LOCK_FILE_BYTES
    except OSError:
        return False


_LOCK_FILE_BYTES = 4096


def _lock_file(path: PathLike) -> _FileResult:
    """A lock file, passed over: no rows, one info line."""
    name = Path(path).name
    raw = RawTable(
        path=str(path),
        format="lock",
        encoding=None,
        delimiter=None,
        sheet=None,
        header_row=0,
        headers=[],
        data=pd.DataFrame(),
        rows=np.zeros(0, dtype=np.int64),
    )
    problem = Problem(
        code="lock-file",
        message="a lock file left by Excel or LibreOffice while the workbook is open: passed "
        "over (it holds no data)",
        file=name,
        severity="info",
    )
    report = FileReport(
        path=str(path), role="ignore", format="lock", notes=["lock file passed over"]
    )
    return _FileResult(report, pd.DataFrame(), _Rows(raw, [problem]))


def _collect(
    paths: Sequence[PathLike],
    accounts: Sequence[PathLike],
    staff: Sequence[PathLike],
    opts: LoadOptions,
    *,
    strict: bool,
) -> tuple[list[_FileResult], list[FileReport]]:
    jobs: list[tuple[PathLike, str | None]] = [(p, None) for p in paths]
    jobs += [(p, "accounts") for p in accounts]
    jobs += [(p, "staff") for p in staff]
    if not jobs:
        raise UsageError("No input file given.")
    results: list[_FileResult] = []
    failed: list[FileReport] = []
    for path, role in jobs:
        if not Path(path).exists():
            raise InputError(f"{path}: no such file.")
        if Path(path).is_dir():
            raise InputError(f"{path}: is a folder, not a file.")
        if is_lock_file(path):
            results.append(_lock_file(path))
            continue
        try:
            results.append(_process(path, role, opts))
        except KeyriskError as exc:
            if strict or isinstance(exc, UsageError):
                raise
            failed.append(
                FileReport(path=str(path), role=role or "unknown", format="?", error=str(exc))
            )
    interactions = [r for r in results if r.report.role == "interactions"]
    for result in results:
        if result.report.role == "lines":
            _attach_lines(result, interactions)
    return results, failed


def _assemble(results: list[_FileResult], opts: LoadOptions) -> Dataset:
    report = IngestReport()
    for r in results:
        report.files.append(r.report)
        report.problems.extend(r.rows.problems)
    inter_frames = [r.frame for r in results if r.report.role == "interactions"]
    has_dates = any(
        r.mapping is not None and r.mapping.columns.get("date")
        for r in results
        if r.report.role == "interactions"
    )
    acc_frames = [r.frame for r in results if r.report.role == "accounts"]
    stf_frames = [r.frame for r in results if r.report.role == "staff"]
    inter = (
        pd.concat([conform(f, INTERACTION_COLUMNS) for f in inter_frames], ignore_index=True)
        if inter_frames
        else empty_table(INTERACTION_COLUMNS)
    )
    acc = (
        pd.concat([conform(f, ACCOUNT_COLUMNS) for f in acc_frames], ignore_index=True)
        if acc_frames
        else empty_table(ACCOUNT_COLUMNS)
    )
    stf = (
        pd.concat([conform(f, STAFF_COLUMNS) for f in stf_frames], ignore_index=True)
        if stf_frames
        else empty_table(STAFF_COLUMNS)
    )
    # identifiers -> names through the accounts and staff tables
    if acc["account_id"].notna().any():
        lookup = _id_table(acc, "account_id", "account", report.problems)
        names = set(fold_names(acc["account"]).dropna())
        _translate_ids(inter, "account", lookup, names, report.problems)
    if stf["staff_id"].notna().any():
        lookup = _id_table(stf, "staff_id", "staff", report.problems)
        names = set(fold_names(stf["staff"]).dropna())
        _translate_ids(inter, "staff", lookup, names, report.problems)
        _translate_ids(acc, "owner", lookup, names, report.problems)
    # aliases, then one spelling per name (as first written)
    aliases = opts.config.aliases
    for kind, columns in (
        ("staff", [(inter, "staff"), (acc, "owner"), (stf, "staff")]),
        ("account", [(inter, "account"), (acc, "account")]),
    ):
        table = aliases.get(kind, {})
        unused_all: set[str] | None = None
        for frame, col in columns:
            if table:
                frame[col], unused = apply_aliases(frame[col], table)
                unused_all = unused if unused_all is None else unused_all & unused
        for alias in sorted(unused_all or ()):
            report.problems.append(
                Problem(
                    code="alias-unused",
                    message=f"this {kind} alias of the configuration matched no name",
                    file=opts.config.path,
                    value=alias,
                    severity="warning",
                )
            )
        lengths = [len(frame) for frame, _ in columns]
        combined = pd.concat([frame[col] for frame, col in columns], ignore_index=True)
        unified = unify_names(combined.astype("string"))
        start = 0
        for (frame, col), n in zip(columns, lengths, strict=True):
            frame[col] = pd.Series(unified.array[start : start + n], index=frame.index)
            frame[col] = frame[col].astype("string")
            start += n
        distinct = sorted(set(unified.dropna().unique().tolist()))
        threshold = (
            opts.near_duplicate_threshold
            if kind == "staff"
            else max(opts.near_duplicate_threshold, opts.account_duplicate_threshold)
        )
        dups = near_duplicates(distinct, kind=kind, threshold=threshold)
        if len(dups):
            report.near_duplicates = (
                pd.concat([report.near_duplicates, dups], ignore_index=True)
                if len(report.near_duplicates)
                else dups.reset_index(drop=True)
            )
            for rec in dups.itertuples(index=False):
                report.problems.append(
                    Problem(
                        code="near-duplicate-name",
                        message=f"two {kind} names may be the same ({rec.similarity:.2f} "
                        "similar): merge them with [aliases] in keyrisk.toml if so",
                        value=f"{rec.name} ~ {rec.similar_to}",
                        column=kind,
                        severity="warning",
                    )
                )
    given = opts.currency or opts.config.report.get("currency")
    evidence = [e for r in results for e in r.currency]
    currency, against = decide(evidence, str(given) if given else None)
    if against:
        shown = "; ".join(
            f"{code} in {', '.join(dict.fromkeys(str(e.file) for e in found))}"
            for code, found in by_code(against if given else evidence).items()
        )
        message = (
            f"the amounts are said to be in {currency}, but the data shows {shown}: "
            f"{currency} is kept"
            if given
            else f"the amounts show several currencies ({shown}): the currency is left "
            "unknown (give it with --currency or [report] currency in keyrisk.toml)"
        )
        listed = ", ".join(
            f"{code} ({', '.join(dict.fromkeys(str(e.file) for e in found))})"
            for code, found in by_code(against if given else evidence).items()
        )
        args = {"form": "given" if given else "several", "shown": listed}
        if given:
            args["currency"] = str(currency)
        report.problems.append(
            Problem(
                code="ambiguous-currency",
                message=message,
                severity="warning",
                args=tuple(args.items()),
            )
        )
    dataset = Dataset(
        interactions=conform(inter, INTERACTION_COLUMNS),
        accounts=conform(acc, ACCOUNT_COLUMNS),
        staff=conform(stf, STAFF_COLUMNS),
        report=report,
        has_dates=bool(has_dates),
        currency=currency,
    )
    dataset.settings = _settings_from_config(opts.config)
    return dataset


def _options(config: PathLike | Config | None, kwargs: Mapping[str, Any]) -> LoadOptions:
    cfg = config if isinstance(config, Config) else load_config(config)
    options = dict(kwargs)
    limits = options.get("limits")
    if limits is not None and not isinstance(limits, Limits):
        options["limits"] = Limits.from_mapping(limits)
    return LoadOptions(config=cfg, **options)


def _as_list(paths: PathLike | Iterable[PathLike] | None) -> list[PathLike]:
    if paths is None:
        return []
    if isinstance(paths, str | os.PathLike):
        return [paths]
    return list(paths)


def load(
    paths: PathLike | Iterable[PathLike],
    *,
    accounts: PathLike | Iterable[PathLike] | None = None,
    staff: PathLike | Iterable[PathLike] | None = None,
    config: PathLike | Config | None = None,
    **options: Any,
) -> Dataset:
    """Read exports into a :class:`~keyrisk.model.Dataset`.

    Parameters
    ----------
    paths : path or list of paths
        Interaction files (CSV/TSV/TXT, XLSX/XLSM, XLS, ODS, Parquet). A file whose columns make
        it an accounts or staff table (e.g. a HubSpot companies export) is read as such.
    accounts, staff : path or list of paths, optional
        Files read as the accounts table (revenue, owner, segment) and the staff table.
    config : path or Config, optional
        A ``keyrisk.toml`` file: column mappings, kind weights, aliases, analysis parameters.
    **options
        Fields of :class:`LoadOptions`: ``sep``, ``sheet``, ``encoding``, ``header_row``,
        ``dates`` ("auto", "dayfirst", "monthfirst"), ``near_duplicate_threshold``,
        ``limits``, ``currency`` (ISO 4217 code of the amounts, e.g. "EUR").

    Returns
    -------
    Dataset
        The canonical tables and the ingestion report.

    Raises
    ------
    InputError
        When a file cannot be read or no row is usable; :class:`UsageError` for bad options.

    Examples
    --------
    >>> import keyrisk
    >>> ds = keyrisk.load(keyrisk.sample_paths("pme_fr")["interactions"],
    ...                   accounts=keyrisk.sample_paths("pme_fr")["accounts"])  # doctest: +SKIP
    """
    opts = _options(config, options)
    results, _ = _collect(_as_list(paths), _as_list(accounts), _as_list(staff), opts, strict=True)
    dataset = _assemble(results, opts)
    if dataset.interactions.empty and dataset.accounts["owner"].isna().all():
        rows = dataset.report.rows
        first = next((p for p in dataset.report.problems if p.severity == "error"), None)
        detail = f"; first problem: {first}" if first else ""
        raise InputError(
            f"No usable relationship in the input: {rows.read} rows read, {rows.used} used, "
            f"{rows.skipped} skipped, {rows.rejected} rejected{detail}",
            problem=first,
        )
    return dataset


@dataclass
class InspectResult:
    """What :func:`inspect` found: per-file detection, row counts, problems, usability."""

    files: list[FileReport]
    problems: list[Problem]
    usable: bool
    error: str | None = None
    #: A ready-to-paste ``[aliases]`` block for the near-duplicate names ("" when none).
    aliases_toml: str = ""

    @property
    def rows(self) -> RowCounts:
        total = RowCounts()
        for f in self.files:
            total = total + f.rows
        return total

    def as_dict(self) -> dict[str, Any]:
        first = self.files[0] if self.files else None
        return {
            "usable": self.usable,
            "error": self.error,
            "format": first.format if first else None,
            "encoding": first.encoding if first else None,
            "delimiter": first.delimiter if first else None,
            "sheet": first.sheet if first else None,
            "header_row": first.header_row if first else None,
            "layout": first.layout if first else None,
            "mapping": dict(first.mapping) if first else {},
            "date_policy": first.date_policy if first else None,
            "rows": self.rows.as_dict(),
            "files": [f.as_dict() for f in self.files],
            "problems": [p.as_dict() for p in self.problems],
            "aliases_toml": self.aliases_toml,
        }


def inspect(
    paths: PathLike | Iterable[PathLike],
    *,
    accounts: PathLike | Iterable[PathLike] | None = None,
    staff: PathLike | Iterable[PathLike] | None = None,
    config: PathLike | Config | None = None,
    **options: Any,
) -> InspectResult:
    """Detect what each file is and how it would be read, without stopping at the first error.

    Returns an :class:`InspectResult`; ``usable`` is False when a file cannot be read or no row
    is usable. Usage errors (bad options) are raised.
    """
    opts = _options(config, options)
    results, failed = _collect(
        _as_list(paths), _as_list(accounts), _as_list(staff), opts, strict=False
    )
    error = failed[0].error if failed else None
    try:
        dataset = _assemble(results, opts)
    except KeyriskError as exc:
        return InspectResult([r.report for r in results] + failed, [], False, str(exc))
    files = list(dataset.report.files) + failed
    used = dataset.report.rows.used
    usable = not failed and used > 0
    if not failed and used == 0:
        error = "no usable row in the input"
    return InspectResult(
        files, dataset.report.problems, usable, error, aliases_toml=suggested_aliases(dataset)
    )


def _first_seen_counts(columns: Sequence[pd.Series]) -> dict[str, int]:
    """``{name: cells}`` over ``columns``, in the order the names first appear."""
    values = pd.concat([c.astype("string") for c in columns], ignore_index=True).dropna()
    counts = values.value_counts(sort=False)
    return {str(n): int(counts[n]) for n in pd.unique(values.to_numpy(dtype=object))}


def suggested_aliases(dataset: Dataset) -> str:
    """Return the ``[aliases]`` block merging the near-duplicate names of ``dataset``.

    Each group of near-duplicate names keeps the one written in the most cells (interactions,
    account owners, staff table), ties going to the first seen
    (:func:`keyrisk.ingest.identities.aliases_toml`); ``""`` when there is no near-duplicate.
    """
    near = dataset.report.near_duplicates
    if not len(near):
        return ""
    counts = {
        "staff": _first_seen_counts(
            [dataset.interactions["staff"], dataset.accounts["owner"], dataset.staff["staff"]]
        ),
        "account": _first_seen_counts(
            [dataset.interactions["account"], dataset.accounts["account"]]
        ),
    }
    return aliases_toml(near, counts)
