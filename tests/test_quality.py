"""Code quality gates run inside the test suite: ruff (lint + format), mypy, doctests."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import subprocess
import sys

import pytest

import keyrisk
from tests.conftest import ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_lint() -> None:
    result = _run(
        sys.executable, "-m", "ruff", "check", "src", "tests", "tools", "benchmarks", "docs"
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = _run(
        sys.executable, "-m", "ruff", "format", "--check", "src", "tests", "tools", "benchmarks"
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy() -> None:
    result = _run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def _modules() -> list[str]:
    names = ["keyrisk"]
    for info in pkgutil.walk_packages(keyrisk.__path__, prefix="keyrisk."):
        names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", _modules())
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"


def test_only_report_imports_plotting_and_excel() -> None:
    """Imports flow one way: only report/ imports matplotlib and openpyxl, only cli.py click."""
    src = ROOT / "src" / "keyrisk"
    for path in src.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(src).as_posix()
        if not rel.startswith("report/"):
            assert "import matplotlib" not in text and "from matplotlib" not in text, rel
            assert "import openpyxl" not in text and "from openpyxl" not in text, rel
        if rel != "cli.py":
            assert "import click" not in text, rel


def test_import_keyrisk_is_light() -> None:
    """The library imports no plotting, workbook or CLI code until a report is written."""
    code = (
        "import sys, keyrisk; "
        "print(sorted(m for m in ('matplotlib', 'openpyxl', 'click') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "[]"
