"""A report is written whole or not at all.

The new report is built in a hidden temporary folder and swapped in at the end: a full disk,
a locked workbook, SIGINT or SIGTERM leave the previous report byte for byte as it was, no
hidden partial file, and one line saying what happened. The output folder's ``charts/`` or
report files that are symbolic links are replaced, never written through.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from keyrisk.analysis import Analysis
from keyrisk.cli import main
from keyrisk.errors import KeyriskError, OutputError, UsageError
from keyrisk.report.html import PAGE_NAME
from keyrisk.report.writer import WORKBOOK_NAME, write_report
from tests.conftest import ROOT, four_accounts

RUN_DATE = dt.date(2026, 2, 3)
TINY = "Account,Owner,Date,Amount\nAcme,Ann,2024-12-01,100\nAcme,Ann,2024-11-01,100\n"


def snapshot(folder: Path) -> dict[str, Any]:
    """Every entry under ``folder`` (hidden ones too): bytes, "dir" or "-> target"."""
    out: dict[str, Any] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            out[rel] = f"-> {os.readlink(path)}"
        elif path.is_dir():
            out[rel] = "dir"
        else:
            out[rel] = path.read_bytes()
    return out


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return four_accounts()


@pytest.fixture(scope="module")
def previous(analysis: Analysis, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A previous report, with a file of the user's beside it."""
    folder = tmp_path_factory.mktemp("previous") / "report"
    write_report(analysis, folder, lang="en", run_date=dt.date(2025, 1, 1))
    (folder / "notes.txt").write_text("my notes\n", encoding="utf-8")
    return folder


@pytest.fixture
def out(previous: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "report"
    shutil.copytree(previous, folder, symlinks=True)
    return folder


def disk_full_midway(monkeypatch: pytest.MonkeyPatch) -> None:
    """The workbook's saving fills the disk after writing part of the file."""
    import keyrisk.report.excel as excel

    def save(sheets: object, path: str | os.PathLike[str], **_: object) -> Path:
        Path(path).write_bytes(b"PK\x03\x04 half a workbook")
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(excel, "save_workbook", save)


# --- a full disk -----------------------------------------------------------------------------


def test_disk_full_leaves_the_previous_report(
    analysis: Analysis, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(out)
    disk_full_midway(monkeypatch)
    with pytest.raises(OutputError) as info:
        write_report(analysis, out, lang="en", run_date=RUN_DATE)
    assert snapshot(out) == before
    message = str(info.value)
    assert message == (
        f"Cannot write the report into {out}: disk full. Nothing was changed in that folder."
    )
    assert info.value.exit_code == 1


def test_disk_full_in_french(
    analysis: Analysis, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk_full_midway(monkeypatch)
    with pytest.raises(OutputError) as info:
        write_report(analysis, out, lang="fr", run_date=RUN_DATE)
    assert str(info.value) == (
        f"Impossible d'écrire le rapport dans {out}\u00a0: disque plein. "
        "Rien n'a été modifié dans ce dossier."
    )


def test_disk_full_on_a_new_folder_leaves_nothing(
    analysis: Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk_full_midway(monkeypatch)
    target = tmp_path / "new" / "deeper" / "report"
    with pytest.raises(OutputError):
        write_report(analysis, target, lang="en", run_date=RUN_DATE)
    assert list(tmp_path.iterdir()) == []  # the folders made for the report are gone too


def test_disk_full_from_the_command_line(
    capsys: pytest.CaptureFixture[str], out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "tiny.csv"
    src.write_text(TINY, encoding="utf-8")
    before = snapshot(out)
    disk_full_midway(monkeypatch)
    code = main(["report", str(src), "--out", str(out), "--quiet", "--lang", "en"])
    _, err = capsys.readouterr()
    assert code == 1
    assert err.splitlines() == [
        f"keyrisk: error: Cannot write the report into {out}: disk full. "
        "Nothing was changed in that folder."
    ]
    assert snapshot(out) == before


# --- a workbook open in Excel ----------------------------------------------------------------


def locked(monkeypatch: pytest.MonkeyPatch, folder: Path, name: str) -> None:
    """Renaming ``folder/name`` fails as it does on Windows while Excel has the file open."""
    real = os.rename

    def rename(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if Path(src) == folder / name:
            exc = PermissionError(errno.EACCES, "Permission denied", str(src))
            exc.winerror = 32  # type: ignore[attr-defined]  # ERROR_SHARING_VIOLATION
            raise exc
        real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "rename", rename)


def test_locked_workbook_says_close_it_in_excel(
    analysis: Analysis, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(out)
    locked(monkeypatch, out, WORKBOOK_NAME)
    with pytest.raises(OutputError) as info:
        write_report(analysis, out, lang="en", run_date=RUN_DATE)
    assert str(info.value) == (
        "keyrisk-report.xlsx is in use and cannot be replaced: close keyrisk-report.xlsx in "
        "Excel and run again (the previous report is unchanged)."
    )
    assert snapshot(out) == before


def test_a_locked_file_after_others_were_moved_rolls_back(
    analysis: Analysis, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(out)
    locked(monkeypatch, out, "staff.csv")  # accounts.csv is moved aside before staff.csv
    with pytest.raises(OutputError) as info:
        write_report(analysis, out, lang="fr", run_date=RUN_DATE)
    assert str(info.value) == (
        "staff.csv est ouvert dans un autre programme et ne peut pas être remplacé\u00a0: "
        "fermez staff.csv dans Excel et relancez (le rapport précédent est inchangé)."
    )
    assert snapshot(out) == before


def test_locked_workbook_from_the_command_line(
    capsys: pytest.CaptureFixture[str], out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "tiny.csv"
    src.write_text(TINY, encoding="utf-8")
    before = snapshot(out)
    locked(monkeypatch, out, WORKBOOK_NAME)
    code = main(["report", str(src), "--out", str(out), "--quiet"])
    _, err = capsys.readouterr()
    assert code == 1
    assert err.splitlines() == [
        "keyrisk: error: keyrisk-report.xlsx est ouvert dans un autre programme et ne peut pas "
        "être remplacé\u00a0: fermez keyrisk-report.xlsx dans Excel et relancez (le rapport "
        "précédent est inchangé)."
    ]
    assert ".keyrisk" not in err
    assert snapshot(out) == before


def test_a_failure_while_moving_the_new_files_in_rolls_back(
    analysis: Analysis, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(out)
    real = os.rename

    def rename(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        new = Path(src).parent  # the new file, not the previous one put back
        if Path(dst) == out / "summary.json" and new.name == "new" and new.parent.parent == out:
            raise OSError(errno.EIO, "Input/output error", str(src))
        real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(OutputError) as info:
        write_report(analysis, out, lang="en", run_date=RUN_DATE)
    assert ".keyrisk-tmp-" not in str(info.value)
    assert snapshot(out) == before


# --- SIGTERM and SIGINT ----------------------------------------------------------------------

SLOW_WRITER = """
import sys, time, pathlib
import keyrisk.report.excel as excel

def save(sheets, path, **kwargs):
    pathlib.Path(path).write_bytes(b"PK half a workbook")
    print("writing", flush=True)
    time.sleep(60)

excel.save_workbook = save
from keyrisk.cli import main
sys.exit(main(sys.argv[1:]))
"""


def interrupt(out: Path, src: Path, signum: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    # A shell that starts jobs in the background (nohup, `&`, some CI runners) passes SIGINT on
    # as ignored, and Python then never raises KeyboardInterrupt: give the child the default
    # disposition, as an interactive terminal does.
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITER, "report", str(src), "--out", str(out), "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line == "writing\n", proc.communicate(timeout=60)
        proc.send_signal(signum)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:  # never leave the child running into the next test
            proc.kill()
            proc.communicate()
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


@pytest.mark.slow
def test_sigterm_leaves_the_previous_report(out: Path, tmp_path: Path) -> None:
    src = tmp_path / "tiny.csv"
    src.write_text(TINY, encoding="utf-8")
    before = snapshot(out)
    done = interrupt(out, src, signal.SIGTERM)
    assert done.returncode == 143
    assert done.stderr.splitlines() == ["keyrisk: terminated (no partial report left)"]
    assert snapshot(out) == before


@pytest.mark.slow
def test_sigint_leaves_the_previous_report(out: Path, tmp_path: Path) -> None:
    src = tmp_path / "tiny.csv"
    src.write_text(TINY, encoding="utf-8")
    before = snapshot(out)
    done = interrupt(out, src, signal.SIGINT)
    assert done.returncode == 130
    assert [x for x in done.stderr.splitlines() if x] == [
        "keyrisk: interrupted (no partial report left)"
    ]
    assert snapshot(out) == before


# --- symbolic links and the user's files -----------------------------------------------------


def test_a_charts_symlink_is_replaced_not_followed(analysis: Analysis, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "orphaned.png").write_bytes(b"precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / "charts").symlink_to(elsewhere, target_is_directory=True)
    written = write_report(analysis, out, lang="en", run_date=RUN_DATE)
    assert snapshot(elsewhere) == {"orphaned.png": b"precious"}
    assert (out / "charts").is_dir() and not (out / "charts").is_symlink()
    assert (out / "charts" / "orphaned.png").read_bytes().startswith(b"\x89PNG")
    assert all(p.is_file() and out in p.parents for p in written)


def test_report_files_that_are_symlinks_are_replaced(analysis: Analysis, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not touch\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.json").symlink_to(secret)
    (out / WORKBOOK_NAME).symlink_to(tmp_path / "dangling.xlsx")
    write_report(analysis, out, lang="en", run_date=RUN_DATE)
    assert secret.read_text(encoding="utf-8") == "do not touch\n"
    assert not (tmp_path / "dangling.xlsx").exists()
    assert not (out / "summary.json").is_symlink() and (out / "summary.json").is_file()
    assert not (out / WORKBOOK_NAME).is_symlink()


def test_user_files_stay_and_old_charts_go(analysis: Analysis, out: Path) -> None:
    (out / "charts" / "from-an-old-version.png").write_bytes(b"old")
    written = write_report(analysis, out, lang="en", run_date=RUN_DATE)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "my notes\n"
    assert not (out / "charts" / "from-an-old-version.png").exists()
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [
            "accounts.csv",
            "staff.csv",
            "plan.csv",
            "layers.csv",
            "signals.csv",
            "adoption.csv",
            "summary.json",
            WORKBOOK_NAME,
            PAGE_NAME,
            "charts",
            "notes.txt",
        ]
    )
    assert sorted(written) == sorted(
        p for p in out.rglob("*") if p.is_file() and p.name != "notes.txt"
    )


def test_an_output_that_is_a_file_is_refused(analysis: Analysis, tmp_path: Path) -> None:
    target = tmp_path / "report"
    target.write_text("a file", encoding="utf-8")
    with pytest.raises(UsageError, match="is a file"):
        write_report(analysis, target, lang="en")
    assert target.read_text(encoding="utf-8") == "a file"


def test_output_error_is_a_keyrisk_error() -> None:
    assert issubclass(OutputError, KeyriskError)
