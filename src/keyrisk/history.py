"""A history of runs: one SQLite file (standard library) of snapshots, one transaction each.

A snapshot holds what a run said: its key figures and summary, the per-account and per-staff
scores, the parameters, the sha256 of the input files, the company, ``as_of``, the keyrisk
version and when it was recorded. Nothing else from the input is stored (no file name, no note,
no raw row), so a pseudonymised run stores pseudonyms only.

Safety: every snapshot is written in one ``BEGIN IMMEDIATE`` transaction (a crash in the middle
leaves the file as it was: SQLite rolls the journal back on the next open); concurrent writers
wait up to ``timeout`` seconds for each other; the schema is versioned (``PRAGMA user_version``,
:data:`SCHEMA_VERSION`) and marked as keyrisk's (``PRAGMA application_id``). A file that is not a
keyrisk history, is damaged, or comes from a newer keyrisk raises
:class:`keyrisk.errors.HistoryError` with a one-line message, and is never modified.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from keyrisk.errors import HistoryError, UsageError
from keyrisk.trend import key_figures

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis

__all__ = [
    "SCHEMA_VERSION",
    "Snapshot",
    "load_snapshot",
    "previous",
    "record",
    "snapshot_lines",
    "snapshot_of",
    "snapshots",
]

#: Version of the file's schema (``PRAGMA user_version``).
SCHEMA_VERSION = 1
#: ``PRAGMA application_id`` of a keyrisk history ("krsk").
APPLICATION_ID = 0x6B72736B

_PSEUDONYM = re.compile(r"Staff-[0-9A-F]{8,}")
_SHA256 = re.compile(r"[0-9a-f]{64}")

_SCHEMA = """
CREATE TABLE snapshots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    as_of TEXT,
    company TEXT NOT NULL,
    company_key TEXT NOT NULL,
    keyrisk_version TEXT NOT NULL,
    pseudonymised INTEGER NOT NULL,
    revenue_basis TEXT NOT NULL,
    n_accounts INTEGER NOT NULL,
    n_staff INTEGER NOT NULL,
    n_staff_active INTEGER NOT NULL,
    total_revenue REAL NOT NULL,
    revenue_bus_factor INTEGER,
    account_bus_factor INTEGER,
    single_holder_revenue_share REAL NOT NULL,
    orphaned_accounts INTEGER NOT NULL,
    orphaned_revenue REAL NOT NULL,
    figures TEXT NOT NULL,
    summary TEXT NOT NULL,
    parameters TEXT NOT NULL,
    inputs TEXT NOT NULL
);
CREATE INDEX snapshots_company ON snapshots (company_key, as_of);
CREATE TABLE snapshot_accounts (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    account TEXT NOT NULL,
    revenue REAL,
    revenue_share REAL,
    bus_factor INTEGER NOT NULL,
    orphaned INTEGER NOT NULL,
    risk_level TEXT NOT NULL,
    holders TEXT NOT NULL,
    gone_holders TEXT NOT NULL,
    top_staff TEXT,
    top_share REAL,
    PRIMARY KEY (snapshot_id, account)
);
CREATE TABLE snapshot_staff (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    staff TEXT NOT NULL,
    role TEXT,
    department TEXT,
    active INTEGER NOT NULL,
    gone_reason TEXT,
    n_accounts INTEGER NOT NULL,
    n_held INTEGER NOT NULL,
    n_sole INTEGER NOT NULL,
    revenue_held REAL NOT NULL,
    revenue_sole REAL NOT NULL,
    revenue_weighted REAL NOT NULL,
    accounts_sole TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, staff)
);
"""

_ACCOUNT_COLUMNS = (
    "account",
    "revenue",
    "revenue_share",
    "bus_factor",
    "orphaned",
    "risk_level",
    "holders",
    "gone_holders",
    "top_staff",
    "top_share",
)
_STAFF_COLUMNS = (
    "staff",
    "role",
    "department",
    "active",
    "gone_reason",
    "n_accounts",
    "n_held",
    "n_sole",
    "revenue_held",
    "revenue_sole",
    "revenue_weighted",
    "accounts_sole",
)
_TUPLES = ("holders", "gone_holders", "accounts_sole")
_LISTED = (
    "id",
    "created",
    "as_of",
    "company",
    "n_accounts",
    "n_staff",
    "n_staff_active",
    "total_revenue",
    "revenue_bus_factor",
    "account_bus_factor",
    "single_holder_revenue_share",
    "orphaned_accounts",
    "orphaned_revenue",
    "revenue_basis",
    "pseudonymised",
    "keyrisk_version",
)


@dataclass(frozen=True)
class Snapshot:
    """What one run said, as recorded in a history (or built from a live analysis).

    Attributes
    ----------
    id : int or None
        The snapshot's number in its history (None for :func:`snapshot_of` before recording).
    created : str or None
        When it was recorded (ISO 8601, UTC).
    as_of : datetime.date or None
        The day the analysis describes.
    company : str
        The audited company, as given.
    keyrisk_version : str
        The version that made the run.
    pseudonymised : bool
        True when the staff names are pseudonyms.
    revenue_basis : {"revenue", "count"}
    figures : dict
        :func:`keyrisk.trend.key_figures` (``top_pair`` as a tuple).
    parameters : dict
        :meth:`keyrisk.Settings.as_dict`.
    inputs : tuple of str
        sha256 (hex) of the input files.
    accounts, staff : pandas.DataFrame
        The per-account and per-staff scores (a subset of the analysis' columns).
    summary : dict
        The run's summary.json content (:meth:`keyrisk.Analysis.summary`).
    """

    id: int | None
    created: str | None
    as_of: dt.date | None
    company: str
    keyrisk_version: str
    pseudonymised: bool
    revenue_basis: str
    figures: dict[str, Any]
    parameters: dict[str, Any]
    inputs: tuple[str, ...]
    accounts: pd.DataFrame = field(repr=False)
    staff: pd.DataFrame = field(repr=False)
    summary: dict[str, Any] = field(repr=False)


def _names_in(snapshot_staff: pd.DataFrame, accounts: pd.DataFrame) -> set[str]:
    names = set(snapshot_staff["staff"].astype(str))
    for col in ("holders", "gone_holders"):
        for value in accounts[col]:
            names.update(value)
    names.update(str(v) for v in accounts["top_staff"].dropna())
    return names


def _check_inputs(inputs: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for value in inputs:
        text = str(value).strip().lower()
        if not _SHA256.fullmatch(text):
            raise UsageError(
                f"An input hash must be a sha256 in hexadecimal (64 characters); got {value!r}."
            )
        out.append(text)
    return tuple(out)


def snapshot_of(
    analysis: Analysis,
    *,
    company: str = "",
    inputs: Iterable[str] | None = None,
    pseudonymised: bool = False,
    summary: dict[str, Any] | None = None,
) -> Snapshot:
    """Return the snapshot of a live analysis (not recorded: ``id`` None).

    Parameters
    ----------
    analysis : keyrisk.Analysis
    company : str, default ""
        The audited company.
    inputs : iterable of str, optional
        sha256 (hex) of the input files; default: those the ingestion computed.
    pseudonymised : bool, default False
        The staff names are pseudonyms: every name must then look like one (``Staff-`` and
        hexadecimal), or :class:`keyrisk.errors.UsageError` is raised.
    summary : dict, optional
        The run's summary (default :meth:`keyrisk.Analysis.summary`).

    Returns
    -------
    Snapshot

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk import Dataset, analyse
    >>> ds = Dataset.from_frames(pd.DataFrame({"account": ["A"], "staff": ["Ann"]}))
    >>> s = snapshot_of(analyse(ds), company="Acme")
    >>> s.figures["revenue_bus_factor"], s.accounts["holders"].tolist()
    (1, [('Ann',)])
    """
    import keyrisk

    if inputs is None:
        inputs = [f.sha256 for f in analysis.dataset.report.files if f.sha256]
    hashes = _check_inputs(inputs)
    accounts = analysis.accounts[list(_ACCOUNT_COLUMNS)].reset_index(drop=True)
    staff = analysis.staff[list(_STAFF_COLUMNS)].reset_index(drop=True)
    if pseudonymised:
        clear = sorted(n for n in _names_in(staff, accounts) if not _PSEUDONYM.fullmatch(n))
        if clear:
            raise UsageError(
                f"The run is said pseudonymised but {len(clear)} staff names are not pseudonyms: "
                "pseudonymise the dataset (keyrisk.pseudonymise) before recording it."
            )
    figures = key_figures(analysis)
    return Snapshot(
        id=None,
        created=None,
        as_of=analysis.as_of,
        company=str(company),
        keyrisk_version=keyrisk.__version__,
        pseudonymised=bool(pseudonymised),
        revenue_basis=analysis.revenue_basis,
        figures=figures,
        parameters=analysis.settings.as_dict(),
        inputs=hashes,
        accounts=accounts,
        staff=staff,
        summary=analysis.summary() if summary is None else summary,
    )


# --------------------------------------------------------------------------------------------
# The file
# --------------------------------------------------------------------------------------------


def _company_key(company: str) -> str:
    return " ".join(str(company).split()).casefold()


def _damaged(path: Path, error: BaseException) -> HistoryError:
    return HistoryError(
        f"{str(path)!r} is not a keyrisk history (not an SQLite database, or damaged: "
        f"{str(error).splitlines()[0] if str(error) else type(error).__name__}); "
        "give another --history file."
    )


def _check(con: sqlite3.Connection, path: Path) -> bool:
    """Check the file is a keyrisk history; return False when it is empty (no schema yet)."""
    app = con.execute("PRAGMA application_id").fetchone()[0]
    version = con.execute("PRAGMA user_version").fetchone()[0]
    tables = con.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
    if app == 0 and version == 0 and tables == 0:
        return False
    if app != APPLICATION_ID:
        raise HistoryError(
            f"{str(path)!r} is not a keyrisk history (an SQLite database of another program); "
            "give another --history file."
        )
    if version > SCHEMA_VERSION:
        raise HistoryError(
            f"{str(path)!r} was written by a newer keyrisk (history schema {version}, this "
            f"version reads up to {SCHEMA_VERSION}): upgrade keyrisk."
        )
    return True


@contextmanager
def _connect(path: Path, timeout: float) -> Iterator[sqlite3.Connection]:
    """An autocommit connection to an existing or new file (``isolation_level=None``)."""
    try:
        con = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    except sqlite3.Error as error:
        raise HistoryError(f"Cannot open the history {str(path)!r}: {error}.") from None
    try:
        yield con
    finally:
        con.close()


def _busy(path: Path, error: sqlite3.OperationalError) -> HistoryError:
    if "locked" in str(error) or "busy" in str(error):
        return HistoryError(
            f"The history {str(path)!r} is busy (another keyrisk is writing it): try again."
        )
    return _damaged(path, error)


def _dumps(value: Any) -> str:
    from keyrisk.analysis import _json

    return json.dumps(_json(value), ensure_ascii=False, sort_keys=True)


def _plain(value: Any) -> Any:
    from keyrisk.analysis import _json

    return _json(value)


def _insert_snapshot(con: sqlite3.Connection, snap: Snapshot, created: str) -> int:
    f = snap.figures
    cur = con.execute(
        "INSERT INTO snapshots (created, as_of, company, company_key, keyrisk_version, "
        "pseudonymised, revenue_basis, n_accounts, n_staff, n_staff_active, total_revenue, "
        "revenue_bus_factor, account_bus_factor, single_holder_revenue_share, "
        "orphaned_accounts, orphaned_revenue, figures, summary, parameters, inputs) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            created,
            None if snap.as_of is None else snap.as_of.isoformat(),
            snap.company,
            _company_key(snap.company),
            snap.keyrisk_version,
            int(snap.pseudonymised),
            snap.revenue_basis,
            f["n_accounts"],
            len(snap.staff),
            f["n_staff_active"],
            f["total_revenue"],
            f["revenue_bus_factor"],
            f["account_bus_factor"],
            f["single_holder_revenue_share"],
            f["orphaned_accounts"],
            f["orphaned_revenue"],
            _dumps(f),
            _dumps(snap.summary),
            _dumps(snap.parameters),
            _dumps(list(snap.inputs)),
        ),
    )
    assert cur.lastrowid is not None
    return int(cur.lastrowid)


def _rows(frame: pd.DataFrame, columns: tuple[str, ...], sid: int) -> list[tuple[Any, ...]]:
    rows = []
    for rec in frame[list(columns)].astype(object).itertuples(index=False):
        values: list[Any] = [sid]
        for col, value in zip(columns, rec, strict=True):
            if col in _TUPLES:
                values.append(_dumps(list(value)))
            elif isinstance(value, bool):
                values.append(int(value))
            else:
                values.append(_plain(value))
        rows.append(tuple(values))
    return rows


def _insert_accounts(con: sqlite3.Connection, snap: Snapshot, sid: int) -> None:
    marks = ", ".join("?" * (len(_ACCOUNT_COLUMNS) + 1))
    con.executemany(
        f"INSERT INTO snapshot_accounts (snapshot_id, {', '.join(_ACCOUNT_COLUMNS)}) "
        f"VALUES ({marks})",
        _rows(snap.accounts, _ACCOUNT_COLUMNS, sid),
    )


def _insert_staff(con: sqlite3.Connection, snap: Snapshot, sid: int) -> None:
    marks = ", ".join("?" * (len(_STAFF_COLUMNS) + 1))
    con.executemany(
        f"INSERT INTO snapshot_staff (snapshot_id, {', '.join(_STAFF_COLUMNS)}) VALUES ({marks})",
        _rows(snap.staff, _STAFF_COLUMNS, sid),
    )


def record(
    path: str | os.PathLike[str],
    analysis: Analysis | Snapshot,
    *,
    company: str = "",
    inputs: Iterable[str] | None = None,
    pseudonymised: bool = False,
    summary: dict[str, Any] | None = None,
    created: dt.datetime | None = None,
    timeout: float = 30.0,
) -> int:
    """Record a run in the history file ``path`` (created when absent); return its id.

    Parameters
    ----------
    path : path-like
        The history file (SQLite). An absent or empty file becomes a new history.
    analysis : keyrisk.Analysis or Snapshot
        The run (an analysis is turned into a snapshot by :func:`snapshot_of`, with
        ``company``, ``inputs``, ``pseudonymised`` and ``summary``).
    company, inputs, pseudonymised, summary
        See :func:`snapshot_of`.
    created : datetime.datetime, optional
        When the run was made (default: now, UTC).
    timeout : float, default 30.0
        Seconds to wait for another writer.

    Returns
    -------
    int
        The snapshot's id (1, 2, ... in the order recorded).

    Raises
    ------
    HistoryError
        The file is not a keyrisk history, is damaged, from a newer keyrisk, or stays busy
        longer than ``timeout``. The file is then unchanged.

    Notes
    -----
    One transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``) creates the schema when needed and
    inserts the snapshot row, its accounts and its staff: any failure before ``COMMIT``, a
    crash included, leaves the file as it was.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> from keyrisk import Dataset, analyse
    >>> ds = Dataset.from_frames(pd.DataFrame({"account": ["A"], "staff": ["Ann"]}))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     db = pathlib.Path(d) / "history.sqlite"
    ...     record(db, analyse(ds), company="Acme"), snapshots(db)["company"].tolist()
    (1, ['Acme'])
    """
    snap = (
        analysis
        if isinstance(analysis, Snapshot)
        else snapshot_of(
            analysis,
            company=company,
            inputs=inputs,
            pseudonymised=pseudonymised,
            summary=summary,
        )
    )
    when = (created or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="seconds")
    p = Path(path)
    with _connect(p, timeout) as con:
        try:
            con.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise _busy(p, error) from None
        except sqlite3.DatabaseError as error:
            raise _damaged(p, error) from None
        try:
            try:
                ready = _check(con, p)
                if not ready:
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            con.execute(statement)
                    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                sid = _insert_snapshot(con, snap, when)
                _insert_accounts(con, snap, sid)
                _insert_staff(con, snap, sid)
                con.execute("COMMIT")
            except sqlite3.OperationalError as error:
                raise _busy(p, error) from None
            except sqlite3.DatabaseError as error:
                raise _damaged(p, error) from None
        except BaseException:
            if con.in_transaction:
                # if this fails too, the journal rolls it back on the next open
                with suppress(sqlite3.Error):
                    con.execute("ROLLBACK")
            raise
    return sid


@contextmanager
def _reader(path: str | os.PathLike[str], timeout: float) -> Iterator[sqlite3.Connection | None]:
    """A connection to an existing history, or None when it is empty; raises when absent."""
    p = Path(path)
    if not p.is_file():
        raise HistoryError(f"History file {str(p)!r} not found.")
    # read-write (never created): a hot journal left by a crash is rolled back on open
    uri = p.resolve().as_uri() + "?mode=rw"
    try:
        con = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
    except sqlite3.Error as error:
        raise HistoryError(f"Cannot open the history {str(p)!r}: {error}.") from None
    try:
        try:
            ready = _check(con, p)
        except sqlite3.OperationalError as error:
            raise _busy(p, error) from None
        except sqlite3.DatabaseError as error:
            raise _damaged(p, error) from None
        yield con if ready else None
    finally:
        con.close()


def _query(
    con: sqlite3.Connection, path: Path, sql: str, params: tuple[Any, ...] = ()
) -> pd.DataFrame:
    try:
        cur = con.execute(sql, params)
        cols = [d[0] for d in cur.description]
        return pd.DataFrame(cur.fetchall(), columns=cols)
    except sqlite3.OperationalError as error:
        raise _busy(path, error) from None
    except sqlite3.DatabaseError as error:
        raise _damaged(path, error) from None


def _date(value: Any) -> dt.date | None:
    return None if value is None or pd.isna(value) else dt.date.fromisoformat(str(value))


def snapshots(path: str | os.PathLike[str], *, timeout: float = 30.0) -> pd.DataFrame:
    """List the snapshots of a history, oldest first.

    Parameters
    ----------
    path : path-like
        The history file.
    timeout : float, default 30.0
        Seconds to wait for a writer.

    Returns
    -------
    pandas.DataFrame
        One row per snapshot: ``id``, ``created`` (ISO 8601, UTC), ``as_of`` (datetime.date),
        ``company``, ``n_accounts``, ``n_staff``, ``n_staff_active``, ``total_revenue``,
        ``revenue_bus_factor``, ``account_bus_factor``, ``single_holder_revenue_share``,
        ``orphaned_accounts``, ``orphaned_revenue``, ``revenue_basis``, ``pseudonymised``,
        ``keyrisk_version``. Empty for an empty file.

    Raises
    ------
    HistoryError
        The file is absent, not a keyrisk history, damaged or from a newer keyrisk.
    """
    p = Path(path)
    with _reader(p, timeout) as con:
        if con is None:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in _LISTED})
        frame = _query(con, p, f"SELECT {', '.join(_LISTED)} FROM snapshots ORDER BY id")
    frame["as_of"] = frame["as_of"].map(_date).astype(object)
    frame["pseudonymised"] = frame["pseudonymised"].astype(bool)
    for col in ("revenue_bus_factor", "account_bus_factor"):
        frame[col] = frame[col].astype("Int64")
    return frame


def _tuple_column(values: pd.Series) -> pd.Series:
    return pd.Series(
        [tuple(json.loads(v)) for v in values], index=values.index, dtype=object, name=values.name
    )


def _load(con: sqlite3.Connection, path: Path, sid: int) -> Snapshot:
    head = _query(con, path, "SELECT * FROM snapshots WHERE id = ?", (sid,))
    if head.empty:
        raise HistoryError(f"The history {str(path)!r} has no snapshot {sid}.")
    row = head.iloc[0]
    accounts = _query(
        con,
        path,
        f"SELECT {', '.join(_ACCOUNT_COLUMNS)} FROM snapshot_accounts WHERE snapshot_id = ? "
        "ORDER BY rowid",
        (sid,),
    )
    staff = _query(
        con,
        path,
        f"SELECT {', '.join(_STAFF_COLUMNS)} FROM snapshot_staff WHERE snapshot_id = ? "
        "ORDER BY rowid",
        (sid,),
    )
    for frame in (accounts, staff):
        for col in _TUPLES:
            if col in frame.columns:
                frame[col] = _tuple_column(frame[col])
    accounts["orphaned"] = accounts["orphaned"].astype(bool)
    staff["active"] = staff["active"].astype(bool)
    for col in ("revenue", "revenue_share", "top_share"):
        accounts[col] = accounts[col].astype("float64")
    figures = json.loads(row["figures"])
    figures["top_pair"] = tuple(figures.get("top_pair") or ())
    return Snapshot(
        id=int(row["id"]),
        created=str(row["created"]),
        as_of=_date(row["as_of"]),
        company=str(row["company"]),
        keyrisk_version=str(row["keyrisk_version"]),
        pseudonymised=bool(row["pseudonymised"]),
        revenue_basis=str(row["revenue_basis"]),
        figures=figures,
        parameters=json.loads(row["parameters"]),
        inputs=tuple(json.loads(row["inputs"])),
        accounts=accounts,
        staff=staff,
        summary=json.loads(row["summary"]),
    )


def load_snapshot(path: str | os.PathLike[str], id: int, *, timeout: float = 30.0) -> Snapshot:
    """Return snapshot ``id`` of a history.

    Raises
    ------
    HistoryError
        No such snapshot, or the file cannot be used (see :func:`snapshots`).
    """
    p = Path(path)
    with _reader(p, timeout) as con:
        if con is None:
            raise HistoryError(f"The history {str(p)!r} has no snapshot {id}.")
        return _load(con, p, int(id))


def previous(
    path: str | os.PathLike[str],
    company: str,
    before: dt.date | str | None = None,
    *,
    timeout: float = 30.0,
) -> Snapshot | None:
    """Return the snapshot a new run of ``company`` compares itself with, or None.

    Parameters
    ----------
    path : path-like
        The history file; an absent one has no snapshot (it is not created).
    company : str
        Matched without case and with single spaces.
    before : datetime.date or str, optional
        Only snapshots with ``as_of`` strictly before this day. Default: the last one recorded.

    Returns
    -------
    Snapshot or None
        The latest snapshot by ``as_of`` then id (recording order) when ``before`` is given, the
        last recorded otherwise; None for a first run.
    """
    p = Path(path)
    if not p.exists():
        return None
    key = _company_key(company)
    with _reader(p, timeout) as con:
        if con is None:
            return None
        if before is None:
            sql = "SELECT id FROM snapshots WHERE company_key = ? ORDER BY id DESC LIMIT 1"
            params: tuple[Any, ...] = (key,)
        else:
            day = before if isinstance(before, dt.date) else dt.date.fromisoformat(before)
            sql = (
                "SELECT id FROM snapshots WHERE company_key = ? AND as_of < ? "
                "ORDER BY as_of DESC, id DESC LIMIT 1"
            )
            params = (key, day.isoformat())
        found = _query(con, p, sql, params)
        if found.empty:
            return None
        return _load(con, p, int(found["id"].iloc[0]))


def snapshot_lines(listed: pd.DataFrame) -> list[str]:
    """Return one line per snapshot (what ``keyrisk history`` prints), oldest first.

    Parameters
    ----------
    listed : pandas.DataFrame
        From :func:`snapshots`.

    Returns
    -------
    list of str
        ``"<id>  as_of <date>  <company>  <n> accounts  revenue bus factor <v>  recorded
        <created>"``; ``as_of none`` for a run without dates, ``not reached`` for a bus factor
        that is not defined. Control characters of the company name are shown as spaces.

    Examples
    --------
    >>> import datetime as dt
    >>> import pandas as pd
    >>> listed = pd.DataFrame({"id": [1], "as_of": [dt.date(2026, 3, 31)], "company": ["Acme"],
    ...     "n_accounts": [4], "revenue_bus_factor": pd.array([2], dtype="Int64"),
    ...     "created": ["2026-04-02T09:00:00+00:00"]})
    >>> print(snapshot_lines(listed)[0])
    1  as_of 2026-03-31  Acme  4 accounts  revenue bus factor 2  recorded 2026-04-02T09:00:00+00:00
    """
    lines = []
    for r in listed.itertuples(index=False):
        company = "".join(c if c.isprintable() else " " for c in str(r.company))
        bus = "not reached" if pd.isna(r.revenue_bus_factor) else str(int(r.revenue_bus_factor))
        as_of = "none" if r.as_of is None or pd.isna(r.as_of) else str(r.as_of)
        lines.append(
            f"{int(r.id)}  as_of {as_of}  {company}  {int(r.n_accounts)} accounts  "
            f"revenue bus factor {bus}  recorded {r.created}"
        )
    return lines
