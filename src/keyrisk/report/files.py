"""Writing output files atomically, and the CSV/JSON tables of the analysis."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pandas as pd

from keyrisk.report.safety import safe_frame

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis

__all__ = ["ACCOUNT_CSV_COLUMNS", "STAFF_CSV_COLUMNS", "atomic_write", "write_tables"]

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


def _default_mode() -> int:
    """The mode a new file gets from the user's umask (mkstemp itself creates 0600 files)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_FILE_MODE = _default_mode()


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path`` and move it into place only on success."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        if "b" in mode:
            handle: IO[Any] = os.fdopen(fd, mode)
        else:
            handle = os.fdopen(fd, mode, encoding="utf-8", newline="")
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


def _csv(frame: pd.DataFrame, path: Path) -> None:
    safe = safe_frame(frame)
    with atomic_write(path) as handle:
        safe.to_csv(handle, index=False, date_format="%Y-%m-%d", lineterminator="\n")


def write_tables(analysis: Analysis, out: str | os.PathLike[str], lang: str = "en") -> list[Path]:
    """Write accounts.csv, staff.csv and summary.json into ``out``; return their paths.

    Text cells go through :func:`keyrisk.report.safety.safe_text` (no formula injection);
    holders are joined by ``"; "``. The headline and the ``warnings`` of summary.json are in
    ``lang``.
    """
    from keyrisk.report.labels import headline

    out = Path(out)
    accounts = analysis.accounts
    staff = analysis.staff
    paths = [out / "accounts.csv", out / "staff.csv", out / "summary.json"]
    _csv(accounts[[c for c in ACCOUNT_CSV_COLUMNS if c in accounts.columns]], paths[0])
    _csv(staff[[c for c in STAFF_CSV_COLUMNS if c in staff.columns]], paths[1])
    summary = analysis.summary(lang)
    summary["headline"] = headline(analysis.portfolio.headline_facts, lang)
    with atomic_write(paths[2]) as handle:
        json.dump(summary, handle, ensure_ascii=False, indent=2, allow_nan=False)
        handle.write("\n")
    return paths
