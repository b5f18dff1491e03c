"""What a killed run leaves behind is cleaned on the next run (keyrisk's own staging folders
only), and a file that cannot be replaced is said to be open in Excel only when it is."""

from __future__ import annotations

import datetime as dt
import errno
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from keyrisk.errors import OutputError
from keyrisk.report.files import STAGING_PREFIX, staged_folder
from keyrisk.report.writer import WORKBOOK_NAME, write_report
from tests.conftest import four_accounts

RUN_DATE = dt.date(2026, 2, 3)
HOURS = 3600.0


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _stage(folder: Path, suffix: str, *, pid: int | None, age: float = 0.0) -> Path:
    """A staging folder as a run killed by SIGKILL leaves it: new/ half written, old/ empty."""
    stage = folder / f"{STAGING_PREFIX}{suffix}"
    (stage / "new" / "charts").mkdir(parents=True)
    (stage / "new" / "keyrisk-report.xlsx").write_bytes(b"half")
    (stage / "old").mkdir()
    if pid is not None:
        (stage / "pid").write_text(str(pid), encoding="ascii")
    if age:
        when = time.time() - age
        for path in [*stage.rglob("*"), stage]:
            os.utime(path, (when, when), follow_symlinks=False)
    return stage


def test_a_staging_folder_left_by_a_killed_run_is_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    dead = _stage(out, "a1b2c3d4", pid=_dead_pid())  # its process is gone
    old = _stage(out, "zz_9yy8x", pid=None, age=2 * HOURS)  # no pid, untouched for two hours
    with staged_folder(out, ["a.txt"]) as new:
        (new / "a.txt").write_text("x", encoding="utf-8")
    assert not dead.exists() and not old.exists()
    assert sorted(p.name for p in out.iterdir()) == ["a.txt"]


def test_only_keyrisk_own_idle_staging_folders_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        keep = [
            _stage(out, "live0001", pid=sleeper.pid),  # another run is writing it
            _stage(out, "fresh001", pid=None),  # no pid, but written a moment ago
            out / f"{STAGING_PREFIX}my-own-notes",  # not the pattern keyrisk makes
            out / "keyrisk-tmp-abcdefgh",  # not hidden: not ours
        ]
        keep[2].mkdir()
        keep[3].mkdir()
        held = _stage(out, "held0001", pid=_dead_pid(), age=2 * HOURS)
        (held / "old" / WORKBOOK_NAME).write_bytes(b"the previous report, not put back")
        keep.append(held)
        odd = _stage(out, "odd00001", pid=_dead_pid(), age=2 * HOURS)
        (odd / "thesis.docx").write_bytes(b"someone else's file")
        keep.append(odd)
        as_file = out / f"{STAGING_PREFIX}file0001"
        as_file.write_bytes(b"a file, not a folder")
        keep.append(as_file)
        target = tmp_path / "elsewhere"
        _stage(target, "link0001", pid=_dead_pid(), age=2 * HOURS)
        link = out / f"{STAGING_PREFIX}link0001"
        link.symlink_to(target / f"{STAGING_PREFIX}link0001")
        keep.append(link)
        with staged_folder(out, ["a.txt"]) as new:
            (new / "a.txt").write_text("x", encoding="utf-8")
        for path in keep:
            assert os.path.lexists(path), path
        assert (target / f"{STAGING_PREFIX}link0001" / "new").is_dir()  # not followed
    finally:
        sleeper.kill()
        sleeper.wait()


def test_the_staging_folder_records_its_process(tmp_path: Path) -> None:
    with staged_folder(tmp_path, ["a.txt"]) as new:
        assert (new.parent / "pid").read_text(encoding="ascii") == str(os.getpid())


def _refuse(monkeypatch: pytest.MonkeyPatch, path: Path, winerror: int | None) -> None:
    real = os.rename

    def rename(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if Path(src) == path:
            exc = PermissionError(errno.EACCES, "Permission denied", str(src))
            if winerror is not None:
                exc.winerror = winerror  # type: ignore[attr-defined]
            raise exc
        real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "rename", rename)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "report"
    write_report(four_accounts(), folder, lang="en", run_date=RUN_DATE)
    return folder


def test_a_plain_permission_error_is_not_excel(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _refuse(monkeypatch, out / WORKBOOK_NAME, None)
    for lang, words in (("en", "not writable"), ("fr", "pas modifiable")):
        with pytest.raises(OutputError) as info:
            write_report(four_accounts(), out, lang=lang, run_date=RUN_DATE)
        text = str(info.value)
        assert "Excel" not in text, text
        assert words in text and WORKBOOK_NAME in text, text


@pytest.mark.parametrize("how", ["excel-owner-file", "libreoffice-lock", "sharing-violation"])
def test_a_file_really_open_says_close_it(
    out: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    if how == "excel-owner-file":
        (out / f"~${WORKBOOK_NAME[2:]}").write_bytes(b"owner")  # Excel's, for a long name
    elif how == "libreoffice-lock":
        (out / f".~lock.{WORKBOOK_NAME}#").write_text("user", encoding="utf-8")
    _refuse(monkeypatch, out / WORKBOOK_NAME, 32 if how == "sharing-violation" else None)
    with pytest.raises(OutputError) as info:
        write_report(four_accounts(), out, lang="en", run_date=RUN_DATE)
    assert f"close {WORKBOOK_NAME} in Excel" in str(info.value)
