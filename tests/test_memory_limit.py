"""The memory a sheet may cost is bounded before it is allocated, whatever its format: the
estimated bytes (cells x bytes per cell) are checked against ``Limits.max_memory_bytes``."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from keyrisk.errors import LimitExceededError
from keyrisk.ingest.limits import CELL_BYTES, Limits
from keyrisk.ingest.readers import ReadOptions, read_raw
from tests.test_hostile import _ods, _ods_table

ROWS, COLS = 40, 5  # header + 40 rows: at most 41 x 5 cells


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "t.csv"
    lines = [",".join(f"h{j}" for j in range(COLS))]
    lines += [",".join(f"v{i}{j}" for j in range(COLS)) for i in range(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _xlsx(tmp_path: Path) -> Path:
    path = tmp_path / "t.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([f"h{j}" for j in range(COLS)])
    for i in range(ROWS):
        ws.append([f"v{i}{j}" for j in range(COLS)])
    wb.save(path)
    return path


def _parquet(tmp_path: Path) -> Path:
    path = tmp_path / "t.parquet"
    frame = pd.DataFrame({f"h{j}": [f"v{i}{j}" for i in range(ROWS)] for j in range(COLS)})
    frame.to_parquet(path)
    return path


def _ods_file(tmp_path: Path) -> Path:
    rows = (
        f'<table:table-row table:number-rows-repeated="{ROWS}"><table:table-cell '
        f'office:value-type="float" office:value="1" table:number-columns-repeated="{COLS}"/>'
        "</table:table-row>"
    )
    return _ods(tmp_path / "t.ods", _ods_table(rows))


MAKERS = {"csv": _csv, "xlsx": _xlsx, "parquet": _parquet, "ods": _ods_file}


def test_the_default_lets_a_real_million_row_export_through() -> None:
    # 1,000,000 rows x 30 columns fits; the default stays within a 16 GB machine
    assert 1_000_000 * 30 * CELL_BYTES <= Limits().max_memory_bytes <= 4 * 2**30


@pytest.mark.parametrize("fmt", sorted(MAKERS))
def test_memory_bound_checked_before_reading(tmp_path: Path, fmt: str) -> None:
    path = MAKERS[fmt](tmp_path)
    assert len(read_raw(path).data) == ROWS  # the default lets it through
    small = Limits(max_memory_bytes=ROWS * COLS * CELL_BYTES // 2)
    with pytest.raises(LimitExceededError) as err:
        read_raw(path, ReadOptions(limits=small))
    text = str(err.value)
    assert "\n" not in text and path.name in text
    assert "max_memory_bytes" in text and "--limit max_memory_bytes=" in text, text
    # raised enough, the same file is read
    enough = Limits(max_memory_bytes=(ROWS + 2) * (COLS + 1) * CELL_BYTES * 2)
    assert len(read_raw(path, ReadOptions(limits=enough)).data) == ROWS
