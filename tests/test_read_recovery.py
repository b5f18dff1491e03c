"""Text files as their users expect them read: ragged rows recovered, unclosed quotes contained.

A line with one unquoted separator too many in a free-text column (an address "12, rue du Port")
is read back when the columns' patterns, learnt from the well-formed lines, leave one place for
the stray separator; when several places fit, only the columns that every reading agrees on are
kept. A quote opened and never closed does not swallow the lines after it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from keyrisk.errors import PROBLEM_CODES
from keyrisk.ingest.readers import RawTable, read_raw

HEADER = "id,date,client,adresse,ville,montant"
# Twelve well-formed lines (2..13): ids are numbers, dates ISO, amounts decimals; addresses start
# with a number or a word, never with a space; cities are words.
GOOD = [
    "1,2024-01-05,Acme,12 rue de la Paix,Paris,100.50",
    "2,2024-01-06,Beta,Place Bellecour,Lyon,20.00",
    "3,2024-01-07,Gamma,8 quai Nord,Nantes,15.25",
    "4,2024-01-08,Delta,Allée des Pins,Lille,7.00",
    "5,2024-01-09,Epsilon,3 avenue Foch,Nice,42.10",
    "6,2024-01-10,Zeta,Cours Mirabeau,Aix,13.00",
    "7,2024-01-11,Eta,45 boulevard Victor Hugo,Nîmes,9.90",
    "8,2024-01-12,Theta,Rue Haute,Metz,11.00",
    "9,2024-01-13,Iota,2 impasse Verte,Tours,5.50",
    "10,2024-01-14,Kappa,Chemin Vert,Caen,61.00",
    "11,2024-01-15,Lambda,17 rue Basse,Dijon,3.30",
    "12,2024-01-16,Mu,Place du Marché,Brest,8.80",
]


def _write(tmp_path: Path, lines: list[str], name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _balanced(t: RawTable) -> None:
    assert t.read == len(t.data) + t.skipped + t.rejected
    assert len(t.rows) == len(t.data)
    assert list(t.rows) == sorted(t.rows)


def _row(t: RawTable, line: int) -> dict[str, object]:
    i = int(np.flatnonzero(t.rows == line)[0])
    return {c: (None if v is pd.NA else v) for c, v in t.data.iloc[i].items()}


def test_the_new_codes_are_documented() -> None:
    assert {"recovered-fields", "unclosed-quote"} <= set(PROBLEM_CODES)


def test_stray_separator_in_an_address_is_recovered(tmp_path: Path) -> None:
    # line 14: "3, rue du Port" written without quotes
    t = read_raw(_write(tmp_path, [HEADER, *GOOD, "13,2024-02-01,Nu,3, rue du Port,Lyon,20.00"]))
    assert t.rejected == 0 and len(t.data) == 13
    assert _row(t, 14) == {
        "id": "13",
        "date": "2024-02-01",
        "client": "Nu",
        "adresse": "3, rue du Port",
        "ville": "Lyon",
        "montant": "20.00",
    }
    (p,) = t.problems
    assert (p.code, p.row, p.column, p.severity) == ("recovered-fields", 14, "adresse", "warning")
    assert p.value == "13,2024-02-01,Nu,3, rue du Port,Lyon,20.00"
    assert "adresse" in p.message
    _balanced(t)


def test_recovered_rows_keep_file_order(tmp_path: Path) -> None:
    lines = [HEADER, *GOOD[:6], "13,2024-02-01,Nu,3, rue du Port,Lyon,20.00", *GOOD[6:]]
    t = read_raw(_write(tmp_path, lines))
    assert t.data["id"].tolist() == ["1", "2", "3", "4", "5", "6", "13", *map(str, range(7, 13))]
    assert list(t.rows) == list(range(2, 15))


def test_two_places_fit_only_the_certain_columns_are_kept(tmp_path: Path) -> None:
    # "Durand,Fils" + "4 quai Nord" or "Durand" + "Fils,4 quai Nord": both read well, so the
    # client and the address are uncertain; the id, date, city and amount are certain.
    t = read_raw(
        _write(tmp_path, [HEADER, *GOOD, "13,2024-02-01,Durand,Fils,4 quai Nord,Lyon,9.00"])
    )
    assert t.rejected == 0
    assert _row(t, 14) == {
        "id": "13",
        "date": "2024-02-01",
        "client": None,
        "adresse": None,
        "ville": "Lyon",
        "montant": "9.00",
    }
    (p,) = t.problems
    assert (p.code, p.row, p.severity) == ("recovered-fields", 14, "warning")
    assert "'client'" in p.message and "'adresse'" in p.message
    i = int(np.flatnonzero(t.rows == 14)[0])
    assert t.uncertain == {i: ("client", "adresse")}
    _balanced(t)


def test_a_row_no_reading_explains_is_rejected(tmp_path: Path) -> None:
    # the extra field is a word where an amount is expected: no place for it fits
    t = read_raw(_write(tmp_path, [HEADER, *GOOD, "13,2024-02-01,Nu,3 rue Neuve,Lyon,20.00,oups"]))
    assert t.rejected == 1 and len(t.data) == 12
    (p,) = t.problems
    assert (p.code, p.row, p.severity) == ("extra-fields", 14, "error")
    _balanced(t)


def test_too_few_wellformed_lines_to_learn_from(tmp_path: Path) -> None:
    t = read_raw(_write(tmp_path, [HEADER, *GOOD[:3], "13,2024-02-01,Nu,3, rue du Port,Lyon,2.0"]))
    assert t.rejected == 1
    assert [p.code for p in t.problems] == ["extra-fields"]


def test_trailing_empty_fields_are_dropped(tmp_path: Path) -> None:
    t = read_raw(_write(tmp_path, [HEADER, *GOOD, "13,2024-02-01,Nu,3 rue Neuve,Lyon,2.00,,"]))
    assert t.rejected == 0
    assert _row(t, 14)["montant"] == "2.00"
    (p,) = t.problems
    assert (p.code, p.row, p.severity) == ("recovered-fields", 14, "warning")


def test_recovery_also_on_the_exact_path(tmp_path: Path) -> None:
    """A quote inside a field sends the file through the csv module: same recovery there."""
    lines = [HEADER + ",note", *(g + ",ok" for g in GOOD)]
    lines[1] = GOOD[0] + ',"two\nlines"'
    lines[2] = GOOD[1] + ',a 5" screen'
    lines.append("13,2024-02-01,Nu,3, rue du Port,Lyon,20.00,ok")
    t = read_raw(_write(tmp_path, lines))
    assert t.rejected == 0
    assert _row(t, 15)["adresse"] == "3, rue du Port"
    assert [(p.code, p.row) for p in t.problems] == [("recovered-fields", 15)]
    _balanced(t)


# --- unclosed quotes --------------------------------------------------------------------------


def test_unclosed_quote_does_not_swallow_the_next_lines(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [
            "Client,Commercial,Note",
            "Acme,Jean,ok",
            'Beta,Marie,"starts a quote',  # line 3: the quote never closes
            "Gamma,Paul,fine",
            'Delta,Zoe,"quoted, properly"',
            "Eps,Léa,last",
        ],
    )
    t = read_raw(path)
    assert t.data["Client"].tolist() == ["Acme", "Beta", "Gamma", "Delta", "Eps"]
    assert list(t.rows) == [2, 3, 4, 5, 6]
    assert _row(t, 3)["Note"] == '"starts a quote'
    assert _row(t, 5)["Note"] == "quoted, properly"
    (p,) = t.problems
    assert (p.code, p.row, p.severity) == ("unclosed-quote", 3, "warning")
    assert p.message.startswith("unclosed quote on line 3")
    assert t.rejected == 0 and t.read == 5
    _balanced(t)


def test_unclosed_quote_on_a_line_that_cannot_be_read(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        ["Client,Commercial,Note", "Acme,Jean,ok", 'Beta,"Marie', "Gamma,Paul,fine", "D,Z,x"],
    )
    t = read_raw(path)
    assert list(t.rows) == [2, 4, 5]
    assert t.rejected == 1 and t.read == 4
    errors = [(p.code, p.row, p.severity) for p in t.problems]
    assert errors == [("unclosed-quote", 3, "error")]
    _balanced(t)


@pytest.mark.parametrize("end", ["", "\n"])
def test_unclosed_quote_on_the_last_line(tmp_path: Path, end: str) -> None:
    path = tmp_path / "f.csv"
    path.write_text('Client,Commercial\nAcme,Jean\nBeta,"Marie' + end, encoding="utf-8")
    t = read_raw(path)
    assert t.data["Commercial"].tolist() == ["Jean", '"Marie']
    assert [(p.code, p.row) for p in t.problems] == [("unclosed-quote", 3)]


def test_two_unclosed_quotes(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        ["Client,Note", 'A,"one', "B,fine", 'C,"two', "D,fine"],
    )
    t = read_raw(path)
    assert t.data["Client"].tolist() == ["A", "B", "C", "D"]
    assert [(p.code, p.row) for p in t.problems] == [("unclosed-quote", 2), ("unclosed-quote", 4)]


def test_a_stray_quote_inside_a_multiline_note_is_not_an_unclosed_quote(tmp_path: Path) -> None:
    """The quote closes badly, but no line it covers reads as a row: read leniently, as before."""
    path = tmp_path / "f.csv"
    path.write_text(
        'Client,Commercial,Note\nAcme,Jean,"line one\nhe said "hi" there\nend"\nBeta,Marie,ok\n',
        encoding="utf-8",
    )
    t = read_raw(path)
    assert t.data["Client"].tolist() == ["Acme", "Beta"]
    assert list(t.rows) == [2, 5]
    assert t.data["Note"].iloc[0] == 'line one\nhe said hi" there'
    assert [(p.code, p.row) for p in t.problems] == [("missing-fields", 4)]
