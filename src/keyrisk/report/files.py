"""Writing output files atomically, a folder of files swapped in whole, and the CSV/JSON tables.

:func:`staged_folder` gives a hidden folder inside the output folder where a whole report is
built; on success its items replace the previous ones in a few renames (the previous items are
moved aside first and put back if any rename fails), on any failure or interruption everything
written is removed. Items are replaced, never written through: a ``charts`` symbolic link is
replaced by a folder and its target left alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pandas as pd

from keyrisk.report.labels import check_lang
from keyrisk.report.plan_text import LAYER_COLUMNS, PLAN_COLUMNS, SIGNAL_COLUMNS
from keyrisk.report.safety import safe_frame

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis

__all__ = [
    "ACCOUNT_CSV_COLUMNS",
    "LAYER_CSV_COLUMNS",
    "PLAN_CSV_COLUMNS",
    "SIGNAL_CSV_COLUMNS",
    "STAFF_CSV_COLUMNS",
    "STAGING_PREFIX",
    "TABLE_FILES",
    "ItemInUse",
    "NotWritable",
    "atomic_write",
    "clean_stale_stages",
    "open_elsewhere",
    "staged_folder",
    "write_tables",
]

#: Name prefix of the hidden folder a report is built in.
STAGING_PREFIX = ".keyrisk-tmp-"
#: The whole name of a staging folder: the prefix and :func:`tempfile.mkdtemp`'s 8 characters.
STAGING_NAME = re.compile(re.escape(STAGING_PREFIX) + r"[a-z0-9_]{8}")
#: What a staging folder holds: the new items, the previous ones moved aside, and the pid of
#: the process writing it.
_STAGING_ENTRIES = frozenset({"new", "old", "pid"})
#: A staging folder untouched for this long (seconds) is not in use, whatever its pid says.
STALE_AFTER = 3600.0
#: Windows errors of a file open in another program (sharing and lock violations).
_SHARING_VIOLATIONS = (32, 33)

#: Columns of accounts.csv, in order (issue 3's contract first, then extras).
ACCOUNT_CSV_COLUMNS = [
    "account",
    "revenue",
    "n_contacts",
    "top_staff",
    "top_share",
    "hhi",
    "effective_contacts",
    "bus_factor",
    "holders",
    "risk_level",
    "last_contact",
    "orphaned",
    "orphaned_by_departure",
    "gone_holders",
    "pipeline",
    "revenue_source",
]
#: Columns of staff.csv, in order.
STAFF_CSV_COLUMNS = [
    "staff",
    "active",
    "last_activity",
    "n_accounts",
    "n_held",
    "n_sole",
    "revenue_held",
    "revenue_sole",
    "revenue_weighted",
    "role",
    "department",
    "gone_reason",
]
#: Columns of plan.csv, layers.csv and signals.csv, in order (docs/api-contract.md).
PLAN_CSV_COLUMNS = PLAN_COLUMNS
LAYER_CSV_COLUMNS = LAYER_COLUMNS
SIGNAL_CSV_COLUMNS = SIGNAL_COLUMNS
#: The files :func:`write_tables` writes, in order.
TABLE_FILES = (
    "accounts.csv",
    "staff.csv",
    "plan.csv",
    "layers.csv",
    "signals.csv",
    "adoption.csv",
    "summary.json",
)


def _default_mode() -> int:
    """The mode a new file gets from the user's umask (mkstemp itself creates 0600 files)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_FILE_MODE = _default_mode()


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str], mode: str = "w", encoding: str = "utf-8"
) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path`` and move it into place only on success."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        if "b" in mode:
            handle: IO[Any] = os.fdopen(fd, mode)
        else:
            handle = os.fdopen(fd, mode, encoding=encoding, newline="")
        with handle:
            yield handle
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_save(path: str | os.PathLike[str], save: Callable[[str], None]) -> None:
    """Call ``save(tmp_path)`` then move the temporary file onto ``path``."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    try:
        save(tmp)
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _csv(frame: pd.DataFrame, path: Path, sep: str, decimal: str) -> None:
    safe = safe_frame(frame)
    with atomic_write(path, encoding="utf-8-sig") as handle:
        safe.to_csv(
            handle,
            index=False,
            sep=sep,
            decimal=decimal,
            date_format="%Y-%m-%d",
            lineterminator="\n",
        )


def write_tables(
    analysis: Analysis,
    out: str | os.PathLike[str],
    lang: str = "en",
    *,
    sep: str = ",",
    decimal: str = ".",
    extra: dict[str, Any] | None = None,
    crm_since: Any = None,
) -> list[Path]:
    """Write accounts.csv, staff.csv, plan.csv, layers.csv, signals.csv, adoption.csv and
    summary.json into ``out``; return their paths.

    Parameters
    ----------
    analysis : keyrisk.analysis.Analysis
    out : path
        The folder.
    lang : str, default "en"
        The language of summary.json's ``headline`` and ``warnings`` (``lang`` says which;
        ``headline_en`` is the headline in English, for scripts) and of plan.csv's ``why``,
        ``owner_why`` and ``reason``.
    sep : str, default ","
        The CSV separator (``";"`` for a French Excel).
    decimal : str, default "."
        The decimal mark of the CSV numbers (``","`` for a French Excel).
    extra : dict, optional
        More keys of summary.json, plain JSON data (the report's ``changes`` and ``trend``).
    crm_since : datetime.date, optional
        The CRM roll-out date of the adoption audit (adoption.csv, summary.json's
        ``adoption``; default: the first logged month).

    Notes
    -----
    The CSV files are UTF-8 with a byte-order mark (Excel then reads them as UTF-8), and a field
    holding the separator, a quote or a line break is quoted. Text cells go through
    :func:`keyrisk.report.safety.safe_text` (no formula injection); holders are joined by
    ``"; "``. The plan is :meth:`Analysis.plan` with its default arguments (the settings'
    ``max_new_backups`` and ``capacity_ratio``); the simulation :meth:`Analysis.simulate`
    (``draws``, ``seed``, ``turnover_rate``). Columns and keys: docs/api-contract.md.
    """
    from keyrisk.report.plan_text import layers_dict, plan_dict, plan_frame, simulation_dict
    from keyrisk.report.sheets.adoption import adoption_frame, audit
    from keyrisk.report.text import headline

    out = Path(out)
    lang = check_lang(lang)
    accounts = analysis.accounts
    staff = analysis.staff
    paths = [out / name for name in TABLE_FILES]
    account_cols = [c for c in ACCOUNT_CSV_COLUMNS if c in accounts.columns]
    _csv(accounts[account_cols], paths[0], sep, decimal)
    _csv(staff[[c for c in STAFF_CSV_COLUMNS if c in staff.columns]], paths[1], sep, decimal)
    plan = analysis.plan()
    layers = analysis.layers
    signals = analysis.signals
    _csv(plan_frame(plan, lang, layers), paths[2], sep, decimal)
    _csv(layers[LAYER_CSV_COLUMNS], paths[3], sep, decimal)
    _csv(signals.table[SIGNAL_CSV_COLUMNS], paths[4], sep, decimal)
    adoption = audit(analysis, crm_since)
    _csv(adoption_frame(adoption), paths[5], sep, decimal)
    summary = analysis.summary(lang)
    summary["lang"] = lang
    summary["headline"] = headline(analysis, lang)
    summary["headline_en"] = headline(analysis, "en")
    summary["plan"] = plan_dict(plan, lang, basis=analysis.revenue_basis)
    summary["layers"] = layers_dict(layers)
    summary["signals"] = signals.summary_dict()
    summary["simulation"] = simulation_dict(analysis.simulate())  # the default plan, cached
    summary["adoption"] = None if adoption is None else adoption.summary_dict()
    summary.update(extra or {})
    with atomic_write(paths[-1]) as handle:
        json.dump(summary, handle, ensure_ascii=False, indent=2, allow_nan=False)
        handle.write("\n")
    return paths


# --------------------------------------------------------------------------------------------
# A folder of items swapped in whole


def _pid_alive(pid: int) -> bool | None:
    """Whether the process ``pid`` runs; None when that cannot be told (not POSIX)."""
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return None  # os.kill(pid, 0) would end the process on Windows: the age decides
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it runs, as another user
        return True
    return True


def _newest_change(folder: Path) -> float:
    """The latest modification time of ``folder`` and everything under it (links not followed)."""
    newest = folder.lstat().st_mtime
    for root, dirs, files in os.walk(folder):
        for name in [*dirs, *files]:
            with contextlib.suppress(OSError):
                newest = max(newest, os.lstat(os.path.join(root, name)).st_mtime)
    return newest


def _stale_stage(path: Path, now: float) -> bool:
    """Whether ``path`` is a staging folder of keyrisk that no run uses any more.

    Only a real folder (not a link) named like :data:`STAGING_NAME`, holding nothing but
    keyrisk's own entries, with nothing put aside in ``old/`` (the previous items a failed swap
    could not put back: never deleted), written by a process that has ended (its ``pid``), or,
    when that cannot be told, untouched for :data:`STALE_AFTER` seconds.
    """
    try:
        if not STAGING_NAME.fullmatch(path.name) or path.is_symlink() or not path.is_dir():
            return False
        entries = {p.name for p in path.iterdir()}
        if not entries <= _STAGING_ENTRIES:
            return False
        old = path / "old"
        if old.is_symlink() or (old.is_dir() and any(old.iterdir())):
            return False
        text = (path / "pid").read_text(encoding="ascii").strip() if "pid" in entries else ""
        alive = _pid_alive(int(text)) if text.isdigit() else None
        if alive is not None:
            return not alive
        return now - _newest_change(path) > STALE_AFTER
    except OSError:
        return False


def clean_stale_stages(folder: str | os.PathLike[str]) -> list[str]:
    """Remove the staging folders that a killed run left in ``folder``; return their names.

    See :func:`_stale_stage` for what is removed; anything else is left alone.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     (Path(d) / ".keyrisk-tmp-notes").mkdir()  # not keyrisk's name pattern
    ...     clean_stale_stages(d)
    []
    """
    target = Path(folder)
    now = time.time()
    removed = []
    with contextlib.suppress(OSError):
        for path in sorted(target.iterdir()):
            if _stale_stage(path, now):
                _remove(path)
                removed.append(path.name)
    return removed


def open_elsewhere(path: Path, exc: OSError) -> bool:
    """Whether ``path`` could not be moved because a program has it open, the way Excel or
    LibreOffice do: a Windows sharing violation, or their lock file beside it (Excel's
    ``~$name``, or ``~$`` over the first two characters of a long name; LibreOffice's
    ``.~lock.name#``).

    Examples
    --------
    >>> open_elsewhere(Path("/nonexistent/a.xlsx"), PermissionError(13, "Permission denied"))
    False
    """
    if getattr(exc, "winerror", None) in _SHARING_VIOLATIONS:
        return True
    name = path.name
    beside = [f"~${name}", f"~${name[2:]}", f".~lock.{name}#"]
    return any(os.path.lexists(path.parent / lock) for lock in beside)


class NotWritable(OSError):
    """An item of the output folder cannot be moved or replaced (permissions, read-only).

    ``name`` is the item's name in the output folder.
    """

    def __init__(self, name: str, cause: OSError) -> None:
        super().__init__(cause.errno, cause.strerror)
        self.name = name


class ItemInUse(OSError):
    """An item of the previous report cannot be moved (on Windows: open in a program).

    ``name`` is the item's name in the output folder (e.g. ``"keyrisk-report.xlsx"``).
    """

    def __init__(self, name: str, cause: OSError) -> None:
        super().__init__(cause.errno, cause.strerror)
        self.name = name


@contextlib.contextmanager
def deferred_signals() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back during the block; deliver them when it ends.

    Only in the main thread (elsewhere signals cannot be handled and the block runs as it is).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [signal.SIGINT, signal.SIGTERM]
    received: list[int] = []
    previous = {s: signal.getsignal(s) for s in wanted}

    def hold(signum: int, frame: object) -> None:
        received.append(signum)

    for s in wanted:
        signal.signal(s, hold)
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        for signum in dict.fromkeys(received):
            handler = previous[signal.Signals(signum)]
            if callable(handler):
                handler(signum, None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(signum)


def _missing_parents(folder: Path) -> list[Path]:
    """The folders that creating ``folder`` makes, deepest first."""
    missing = []
    path = folder
    while not path.exists() and path != path.parent:
        missing.append(path)
        path = path.parent
    return missing


def _remove(path: Path) -> None:
    """Remove a file, a symbolic link (not its target) or a folder tree; ignore errors."""
    try:
        if path.is_symlink() or not path.is_dir():
            path.unlink(missing_ok=True)
        else:
            shutil.rmtree(path, ignore_errors=True)
    except OSError:
        pass


def _swap(folder: Path, new: Path, old: Path, items: Sequence[str]) -> None:
    """Replace ``folder``'s ``items`` by those of ``new``; on failure put everything back."""
    aside: list[str] = []
    placed: list[str] = []
    try:
        for name in items:
            if os.path.lexists(folder / name):
                try:
                    os.rename(folder / name, old / name)
                except PermissionError as exc:
                    if open_elsewhere(folder / name, exc):
                        raise ItemInUse(name, exc) from None
                    raise NotWritable(name, exc) from None
                aside.append(name)
        for name in items:
            if os.path.lexists(new / name):
                os.rename(new / name, folder / name)
                placed.append(name)
    except BaseException:
        for name in reversed(placed):
            with contextlib.suppress(OSError):
                os.rename(folder / name, new / name)
        for name in reversed(aside):
            with contextlib.suppress(OSError):
                os.rename(old / name, folder / name)
        raise


@contextlib.contextmanager
def staged_folder(folder: str | os.PathLike[str], items: Sequence[str]) -> Iterator[Path]:
    """Yield an empty hidden folder where the new ``items`` of ``folder`` are written.

    Parameters
    ----------
    folder : path
        The output folder (created when missing, with its missing parents).
    items : sequence of str
        The names, at the top of ``folder``, that the new content replaces (files or folders).
        Other entries of ``folder`` are left alone.

    Notes
    -----
    The staging folder lies inside ``folder`` (same file system, so every move is a rename).
    When the block ends normally, the previous items are moved aside, the new ones moved in
    (SIGINT and SIGTERM held back meanwhile) and the previous ones deleted; if a move fails,
    the moves done are undone and the error raised (:class:`ItemInUse` when a previous item
    cannot be moved). When the block raises (an error, KeyboardInterrupt...), the staging
    folder is removed, with the folders created for ``folder``. Either way no hidden file is
    left behind; what SIGKILL or a power cut leaves is removed by the next run
    (:func:`clean_stale_stages`). The staging folder holds the pid of its process. A previous
    item that cannot be moved raises :class:`ItemInUse` when a program has it open
    (:func:`open_elsewhere`), :class:`NotWritable` otherwise.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     with staged_folder(d, ["a.txt"]) as new:
    ...         _ = (new / "a.txt").write_text("new")
    ...     sorted(p.name for p in Path(d).iterdir()), (Path(d) / "a.txt").read_text()
    (['a.txt'], 'new')
    """
    target = Path(folder)
    created = _missing_parents(target)
    stage: Path | None = None
    done = False
    try:
        target.mkdir(parents=True, exist_ok=True)
        clean_stale_stages(target)
        stage = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=target))
        (stage / "pid").write_text(str(os.getpid()), encoding="ascii")
        new, old = stage / "new", stage / "old"
        new.mkdir()
        old.mkdir()
        yield new
        with deferred_signals():
            _swap(target, new, old, items)
            done = True
    finally:
        with deferred_signals():  # a second Ctrl+C must not leave half the staging folder
            # after a failed swap, items that could not be put back stay where they are
            kept = not done and stage is not None and any((stage / "old").glob("*"))
            if stage is not None and not kept:
                _remove(stage)
            if not done:
                for path in created:  # deepest first; a folder that is not empty stays
                    with contextlib.suppress(OSError):
                        path.rmdir()
