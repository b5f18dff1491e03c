"""The report with a history: summary.json's changes and trend, the Changes sheet, the Summary's
"since the last report" block, the page, and what happens when the history cannot be used."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import pytest

from keyrisk import Settings, analyse, pseudonymise, write_report
from keyrisk import history as hist
from keyrisk.cli import main
from keyrisk.report.writer import HistoryNotRecorded
from tests.test_trend import Q1, two_quarters

pytestmark = pytest.mark.slow

RUN = dt.date(2026, 7, 1)


def _texts(book: Path, sheet: str | None = None) -> list[str]:
    wb = openpyxl.load_workbook(book)
    sheets = [wb[sheet]] if sheet else wb.worksheets
    return [
        str(c.value) for ws in sheets for row in ws.iter_rows() for c in row if c.value is not None
    ]


def _summary(folder: Path) -> dict:  # type: ignore[type-arg]
    with (folder / "summary.json").open(encoding="utf-8") as handle:
        return json.load(handle)  # type: ignore[no-any-return]


def _two_runs(tmp_path: Path, lang: str = "fr", **second: object) -> tuple[Path, Path, Path]:
    """The toy export reported at the end of Q1, then at the end of Q2, with one history."""
    db = tmp_path / "history.sqlite"
    ds = two_quarters()
    one, two = tmp_path / "q1", tmp_path / "q2"
    write_report(
        analyse(ds, Settings(as_of=Q1)), one, lang=lang, run_date=RUN, company="Toy SA", history=db
    )
    write_report(analyse(ds, **second), two, lang=lang, run_date=RUN, company="Toy SA", history=db)  # type: ignore[arg-type]
    return db, one, two


@pytest.fixture(scope="module")
def fr_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    return _two_runs(tmp_path_factory.mktemp("fr"))


@pytest.fixture(scope="module")
def en_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    return _two_runs(tmp_path_factory.mktemp("en"), lang="en")


def test_first_report_has_no_changes_and_a_trend(fr_runs: tuple[Path, Path, Path]) -> None:
    db, one, _ = fr_runs
    first = _summary(one)
    assert first["changes"] is None
    assert [p["as_of"] for p in first["trend"]] == ["2026-03-31"]
    assert first["trend"][0]["revenue_bus_factor"] == 2
    assert hist.snapshots(db)["as_of"].tolist() == [Q1, dt.date(2026, 6, 30)]
    texts = _texts(one / "keyrisk-report.xlsx", "Évolution")
    assert any(t.startswith("Premier rapport\u00a0: aucun instantané antérieur") for t in texts)


def test_second_report_lists_the_known_changes(fr_runs: tuple[Path, Path, Path]) -> None:
    _, _, two = fr_runs
    s = _summary(two)
    ch = s["changes"]
    assert ch["newly_at_risk"] == ["A"]
    assert ch["made_safe"] == ["B"]
    assert ch["orphaned_since"] == ["D"]
    assert ch["sole_revenue_rose"] == [{"staff": "Ann", "old": 300.0, "new": 500.0, "delta": 200.0}]
    assert ch["figures"]["revenue_bus_factor"] == {"old": 2, "new": 1, "delta": -1}
    assert ch["parameters_changed"] == [] and ch["method_changed"] is False
    assert ch["old"]["as_of"] == "2026-03-31" and ch["new"]["as_of"] == "2026-06-30"
    assert [p["as_of"] for p in s["trend"]] == ["2026-03-31", "2026-06-30"]
    assert [p["single_holder_revenue_share"] for p in s["trend"]] == pytest.approx([0.5, 0.7])
    assert (two / "charts" / "trend.png").stat().st_size > 0


def _rows_under(texts: list[str], title: str) -> list[str]:
    i = next(i for i, t in enumerate(texts) if t.startswith(title))
    return texts[i : i + 20]


def test_the_changes_sheet_in_french(fr_runs: tuple[Path, Path, Path]) -> None:
    _, _, two = fr_runs
    texts = _texts(two / "keyrisk-report.xlsx", "Évolution")
    assert "Comptes devenus à risque (1)" in texts
    assert "Comptes sécurisés (1)" in texts
    assert "Comptes devenus orphelins (1)" in texts
    assert "Personnes dont le CA porté seul a augmenté (1)" in texts
    newly = _rows_under(texts, "Comptes devenus à risque")
    assert "A" in newly[:12]
    safe = _rows_under(texts, "Comptes sécurisés")
    assert "B" in safe[:12]
    orphaned = _rows_under(texts, "Comptes devenus orphelins")
    assert "D" in orphaned[:12]
    assert any(t.startswith("Comparé à l'instantané n° 1, daté du 31 mars 2026") for t in texts)
    assert not any("La méthode a changé" in t for t in texts)
    summary = _texts(two / "keyrisk-report.xlsx", "Synthèse")
    assert "Depuis le dernier rapport" in summary
    assert "Comptes devenus à risque" in summary
    block = summary[summary.index("Depuis le dernier rapport") :]
    i = block.index("Seuil de rupture du CA (nombre de départs)")
    assert block[i + 1] == "1"  # the figure now, then before and the change in the comment
    assert re.fullmatch("avant\u00a0: 2, écart\u00a0: [-\u2212]1", block[i + 2])
    first_screen = summary[: summary.index("Depuis le dernier rapport")]
    assert any(t.startswith("Seuil de rupture du CA") for t in first_screen)  # key figures first


def test_the_changes_sheet_in_english(en_runs: tuple[Path, Path, Path]) -> None:
    _, one, two = en_runs
    texts = _texts(two / "keyrisk-report.xlsx", "Changes")
    for title in (
        "Accounts newly at risk (1)",
        "Accounts made safe (1)",
        "Accounts orphaned since (1)",
        "People whose revenue held alone rose (1)",
    ):
        assert title in texts
    assert "Since the last report" in _texts(two / "keyrisk-report.xlsx", "Summary")
    first = _texts(one / "keyrisk-report.xlsx", "Changes")
    assert any(t.startswith("First report: no earlier snapshot to compare with") for t in first)
    page = (two / "keyrisk-report.html").read_text(encoding="utf-8")
    assert "Accounts newly at risk" in page and "No notable change" not in page
    first_page = (one / "keyrisk-report.html").read_text(encoding="utf-8")
    assert "First report: no earlier snapshot to compare with" in first_page


def test_a_different_holder_ratio_is_shown_as_a_change_of_method(tmp_path: Path) -> None:
    _, _, two = _two_runs(tmp_path, lang="en", holder_ratio=0.6)
    s = _summary(two)["changes"]
    assert s["parameters_changed"] == [{"parameter": "holder_ratio", "old": 0.5, "new": 0.6}]
    assert s["method_changed"] is True
    texts = _texts(two / "keyrisk-report.xlsx", "Changes")
    line = "The method changed: holder_ratio 0.5 → 0.6. Differences may come from the method"
    assert any(t.startswith(line) for t in texts)
    assert any(t.startswith(line) for t in _texts(two / "keyrisk-report.xlsx", "Summary"))
    assert "0.5 → 0.6" in (two / "keyrisk-report.html").read_text(encoding="utf-8")


def test_without_history_the_sheet_says_how_to_get_changes(tmp_path: Path) -> None:
    write_report(analyse(two_quarters()), tmp_path / "r", lang="en", run_date=RUN)
    assert _summary(tmp_path / "r")["changes"] is None
    texts = _texts(tmp_path / "r" / "keyrisk-report.xlsx", "Changes")
    assert any(t.startswith("No history given: run again with --history FILE") for t in texts)
    assert "Since the last report" not in _texts(tmp_path / "r" / "keyrisk-report.xlsx", "Summary")


def test_a_pseudonymised_report_and_history_hold_no_real_name(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    ds = pseudonymise(two_quarters(), b"0123456789abcdef-key")
    for as_of, out in ((Q1, tmp_path / "q1"), (None, tmp_path / "q2")):
        write_report(
            analyse(ds, Settings(as_of=as_of)),
            out,
            lang="fr",
            run_date=RUN,
            pseudonymised=True,
            history=db,
        )
    raw = db.read_bytes()
    for name in (b"Ann", b"Bob", b"Cid"):
        assert name not in raw
    texts = _texts(tmp_path / "q2" / "keyrisk-report.xlsx")
    words = re.compile(r"\b(Ann|Bob|Cid)\b")
    assert not [t for t in texts if words.search(t)]
    rose = _summary(tmp_path / "q2")["changes"]["sole_revenue_rose"]
    assert [r["staff"][:6] for r in rose] == ["Staff-"]
    assert "Staff-" in " ".join(_texts(tmp_path / "q2" / "keyrisk-report.xlsx", "Évolution"))


def test_a_file_that_is_not_a_history_keeps_the_report(tmp_path: Path) -> None:
    bad = tmp_path / "notes.sqlite"
    bad.write_text("not a database\n", encoding="utf-8")
    with pytest.raises(HistoryNotRecorded, match="not a keyrisk history") as caught:
        write_report(analyse(two_quarters()), tmp_path / "r", lang="en", history=bad)
    assert (tmp_path / "r" / "keyrisk-report.xlsx") in caught.value.paths
    assert (tmp_path / "r" / "keyrisk-report.xlsx").exists()
    assert _summary(tmp_path / "r")["changes"] is None
    assert bad.read_text(encoding="utf-8") == "not a database\n"  # never modified


def _toy_files(folder: Path) -> list[str]:
    ds = two_quarters()
    folder.mkdir()
    inter = ds.interactions[["account", "staff", "date"]].copy()
    inter["date"] = inter["date"].dt.strftime("%Y-%m-%d")
    inter.to_csv(folder / "interactions.csv", index=False)
    ds.accounts[["account", "revenue"]].to_csv(folder / "accounts.csv", index=False)
    staff = ds.staff[["staff", "department"]].copy()
    staff["end_date"] = ["", "2026-05-31", ""]
    staff.to_csv(folder / "staff.csv", index=False)
    return [
        str(folder / "interactions.csv"),
        "--accounts",
        str(folder / "accounts.csv"),
        "--staff",
        str(folder / "staff.csv"),
    ]


def test_the_command_line_records_and_compares(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = _toy_files(tmp_path / "in")
    db = tmp_path / "runs.sqlite"
    common = ["--lang", "en", "--company", "Toy SA", "--history", str(db), "-q"]
    first = ["report", *args, "--as-of", "2026-03-31", "--out", str(tmp_path / "q1"), *common]
    assert main(first) == 0
    assert main(["report", *args, "--out", str(tmp_path / "q2"), *common]) == 0
    ch = _summary(tmp_path / "q2")["changes"]
    assert (ch["newly_at_risk"], ch["made_safe"], ch["orphaned_since"]) == (["A"], ["B"], ["D"])
    snaps = hist.snapshots(db)
    assert len(snaps) == 2
    assert len(hist.load_snapshot(db, 2).inputs) == 3  # the sha256 of the three input files
    capsys.readouterr()
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"\x00garbage" * 20)
    rc = main(
        [
            "report",
            *args,
            "--out",
            str(tmp_path / "q3"),
            "--lang",
            "en",
            "-q",
            "--history",
            str(bad),
        ]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 1
    assert len(err) == 1 and err[0].startswith("keyrisk: warning: the report was written to")
    assert (tmp_path / "q3" / "keyrisk-report.xlsx").exists()


def test_history_from_the_configuration_file_is_relative_to_it(tmp_path: Path) -> None:
    args = _toy_files(tmp_path / "in")
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "keyrisk.toml").write_text('[report]\nhistory = "runs.sqlite"\n', encoding="utf-8")
    rc = main(
        [
            "report",
            *args,
            "--config",
            str(conf / "keyrisk.toml"),
            "--out",
            str(tmp_path / "r"),
            "-q",
        ]
    )
    assert rc == 0
    assert len(hist.snapshots(conf / "runs.sqlite")) == 1


def _foreign_words(texts: list[str], words: set[str]) -> list[str]:
    """Words of ``words`` in the texts keyrisk wrote (input names and parameter names taken out)."""
    from tests.test_report_words import WORD

    names = re.compile(r"\b(Ann|Bob|Cid|Toy SA|Sales|After-sales|[A-D])\b|\b\w+(?:_\w+)+\b")
    bad = []
    for text in texts:
        own = names.sub(" ", text)
        found = sorted({w for w in WORD.findall(own) if w.casefold() in words})
        if found:
            bad.append(f"{found} in {text[:100]!r}")
    return bad


def test_the_changes_words_are_french_and_english(
    fr_runs: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    from tests.test_report_words import ENGLISH, FRENCH

    book = fr_runs[2] / "keyrisk-report.xlsx"
    texts = _texts(book, "Évolution") + _texts(book, "Synthèse")
    assert not _foreign_words(texts, ENGLISH)
    _, _, two = _two_runs(tmp_path, lang="en", holder_ratio=0.6)
    book = two / "keyrisk-report.xlsx"
    texts = _texts(book, "Changes") + _texts(book, "Summary")
    assert not _foreign_words(texts, FRENCH)
