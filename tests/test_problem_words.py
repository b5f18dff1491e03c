"""Problems worded for what happened: numbers out of range get their own code, and the
recovered ragged lines and the ambiguous currency their own message with the line and what
was done, in French and in English."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

import keyrisk
from keyrisk.errors import PROBLEM_CODES
from keyrisk.ingest.values import parse_numbers
from keyrisk.report.labels import NBSP
from keyrisk.report.sheets.quality import problem_message


def _plain(text: str) -> str:
    return text.replace(NBSP, " ").replace("\u202f", " ")


def test_out_of_range_numbers_are_told_apart_from_unreadable_ones() -> None:
    p = parse_numbers(pd.Series(["1e308", "inf", "-Infinity", "1e400", "nan", "abc", "12"]))
    assert p.bad.tolist() == [True, True, True, True, True, True, False]
    assert p.impossible.tolist() == [True, True, True, True, False, False, False]
    q = parse_numbers(pd.Series([1e308, float("-inf"), 3.0], dtype=object))
    assert q.impossible.tolist() == [True, True, False]


def test_amount_out_of_range_is_its_own_problem(tmp_path: Path) -> None:
    assert "number-out-of-range" in PROBLEM_CODES
    path = tmp_path / "amounts.csv"
    path.write_text(
        "Account,Owner,Date,Amount\n"
        "Acme,Ann,2024-12-01,1e308\nAcme,Ann,2024-11-01,1e308\nBeta,Bob,2024-10-01,inf\n"
        "Gamma,Carl,2024-09-01,abc\nDelta,Ann,2024-09-01,10\n",
        encoding="utf-8",
    )
    ds = keyrisk.load([str(path)])
    found = [(p.code, p.row, p.column, p.value) for p in ds.report.problems]
    assert ("number-out-of-range", 2, "Amount", "1e308") in found
    assert ("number-out-of-range", 3, "Amount", "1e308") in found
    assert ("number-out-of-range", 4, "Amount", "inf") in found
    assert ("bad-number", 5, "Amount", "abc") in found
    assert not any(c == "bad-number" and v in ("1e308", "inf") for c, _, _, v in found)
    problem = next(p for p in ds.report.problems if p.code == "number-out-of-range")
    assert problem.file and problem.file.endswith("amounts.csv")
    fr = _plain(problem_message(problem, "fr"))
    en = problem_message(problem, "en")
    assert "nombre hors limites" in fr and "illisible" not in fr
    assert "number out of range" in en and "cannot be read" not in en
    # and nothing is summed into infinity: the two 1e308 are left out, revenue stays finite
    a = keyrisk.analyse(ds)
    assert math.isfinite(a.portfolio.total_revenue)
    assert a.portfolio.total_revenue == 10.0


def test_recovered_lines_worded_with_their_line_and_what_was_done(tmp_path: Path) -> None:
    from keyrisk.ingest.readers import read_raw
    from tests.test_read_recovery import GOOD, HEADER

    merged = tmp_path / "merged.csv"
    merged.write_text(
        "\n".join([HEADER, *GOOD, "13,2024-02-01,Nu,3, rue du Port,Lyon,20.00"]) + "\n",
        encoding="utf-8",
    )
    (p,) = read_raw(merged).problems
    fr, en = _plain(problem_message(p, "fr")), problem_message(p, "en")
    assert fr.startswith("ligne 14 : 7 champs pour 6 colonnes"), fr
    assert "adresse" in fr and "une seule cellule" in fr, fr
    assert en.startswith("line 14: 7 fields for 6 columns"), en
    assert "adresse" in en and "one cell" in en, en
    uncertain = tmp_path / "uncertain.csv"
    uncertain.write_text(
        "\n".join([HEADER, *GOOD, "13,2024-02-01,Durand,Fils,4 quai Nord,Lyon,9.00"]) + "\n",
        encoding="utf-8",
    )
    (q,) = read_raw(uncertain).problems
    fr, en = _plain(problem_message(q, "fr")), problem_message(q, "en")
    assert fr.startswith("ligne 14 : 7 champs pour 6 colonnes"), fr
    assert "client, adresse" in fr and "laissées vides" in fr, fr
    assert "client, adresse" in en and "left empty" in en, en
    generic = "relue d'après les lignes bien formées, ce qui reste incertain laissé vide"
    assert generic not in fr


def test_ambiguous_currency_worded_with_what_was_kept(tmp_path: Path) -> None:
    a = tmp_path / "a.csv"
    a.write_text("Account,Staff,Date,Amount\nAcme,Ann,2024-01-02,100 $\n", encoding="utf-8")
    b = tmp_path / "b.csv"
    b.write_text("Account,Staff,Date,Amount\nBeta,Bob,2024-01-03,100 €\n", encoding="utf-8")
    for given, kept in ((None, "inconnue"), ("EUR", "EUR")):
        ds = (
            keyrisk.load([str(a), str(b)], currency=given)
            if given
            else keyrisk.load([str(a), str(b)])
        )
        amb = [p for p in ds.report.problems if p.code == "ambiguous-currency"]
        assert len(amb) == 1, ds.report.problems
        fr = _plain(problem_message(amb[0], "fr"))
        en = problem_message(amb[0], "en")
        assert "USD" in fr and "a.csv" in fr and kept in fr, fr
        assert "USD" in en and "a.csv" in en, en
        assert "ne montrent pas une seule devise, ou pas celle" not in fr
