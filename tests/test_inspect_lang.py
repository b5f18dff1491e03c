"""`keyrisk inspect` speaks the report's language: French by default, like `report` and
`demo`, English with --lang en; its problems are worded as on the Data quality sheet."""

from __future__ import annotations

from pathlib import Path

import pytest

from keyrisk.report.labels import NBSP
from tests.test_cli import FRENCH, run


@pytest.fixture
def ventes(tmp_path: Path) -> Path:
    path = tmp_path / "ventes.csv"
    path.write_bytes(FRENCH.encode("cp1252"))
    return path


def test_inspect_in_french_by_default(capsys: pytest.CaptureFixture[str], ventes: Path) -> None:
    code, out, err = run(capsys, "inspect", ventes)
    assert code == 0, err
    out = out.replace(NBSP, " ")
    assert "encodage : cp1252" in out, out
    assert "séparateur : ';'" in out, out
    assert "fichier fait main (français)" in out, out
    assert "compte <- 'Raison sociale'" in out, out
    assert "lignes : lues 4, utilisées 3, ignorées 0, rejetées 1" in out, out
    assert "le compte est vide : ligne rejetée" in out, out  # the problem, as on the sheet
    assert "ligne 5" in out or ":5" in out, out
    for english in ("encoding:", "rows:", "role:", "rejected", "problems;"):
        assert english not in out, (english, out)


def test_inspect_in_english(capsys: pytest.CaptureFixture[str], ventes: Path) -> None:
    code, out, err = run(capsys, "inspect", ventes, "--lang", "en")
    assert code == 0, err
    assert "encoding: cp1252" in out
    assert "rows: read 4, used 3, skipped 0, rejected 1" in out
    assert "account <- 'Raison sociale'" in out
    assert "encodage" not in out


def test_inspect_unusable_in_french(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "vide.csv"
    path.write_text("", encoding="utf-8")
    code, out, err = run(capsys, "inspect", path)
    assert code == 1
    text = (out + err).replace(NBSP, " ")
    assert "inutilisable" in text, text
    assert "not usable" not in text and "input unusable" not in text, text
