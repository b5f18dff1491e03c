"""Shared fixtures."""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REALDATA = ROOT.parent / "shared" / "realdata"


@pytest.fixture
def fixtures() -> Path:
    """The folder of small named fixture files."""
    return FIXTURES


@pytest.fixture
def realdata() -> Path:
    """../shared/realdata, or skip the test when it is absent."""
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is absent")
    return REALDATA


def four_accounts() -> Analysis:
    """Ann alone on Acme (600), Ann+Bob on Beta (200), Bob on Delta (100), gone Cid on Gamma."""
    from keyrisk import Dataset, analyse

    inter = pd.DataFrame(
        {
            "account": ["Acme"] * 4 + ["Beta"] * 4 + ["Gamma"] * 2 + ["Delta"] * 2,
            "staff": ["Ann"] * 3 + ["Bob"] + ["Ann"] * 2 + ["Bob"] * 2 + ["Cid"] * 2 + ["Bob"] * 2,
            "date": ["2026-01-10"] * 8 + ["2025-12-01"] * 2 + ["2026-01-10"] * 2,
        }
    )
    acc = pd.DataFrame(
        {"account": ["Acme", "Beta", "Gamma", "Delta"], "revenue": [600.0, 200.0, 100.0, 100.0]}
    )
    staff = pd.DataFrame({"staff": ["Ann", "Bob", "Cid"], "end_date": [None, None, "2025-12-31"]})
    return analyse(Dataset.from_frames(inter, acc, staff))


_DECIMAL_COMMA = re.compile(r"-?\d+,\d+(?:[eE][-+]?\d+)?")


def read_report_csv(path: Path) -> list[dict[str, str]]:
    """The rows of a report CSV file, read as a spreadsheet program reads them.

    The file is UTF-8 with a byte-order mark; a French report uses ``;`` and decimal commas
    (numbers are given back with a decimal point), an English one ``,``.
    """
    raw = path.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8), path
    text = raw[len(codecs.BOM_UTF8) :].decode("utf-8")
    first = text.split("\n", 1)[0]
    sep = ";" if ";" in first else "\t" if "\t" in first else ","
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=sep))
    if sep != ",":
        for row in rows:
            for key, value in row.items():
                if _DECIMAL_COMMA.fullmatch(value or ""):
                    row[key] = value.replace(",", ".")
    return rows
