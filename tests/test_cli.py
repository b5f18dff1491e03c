"""End-to-end tests of the command line (``keyrisk.cli.main``).

The contract: exit 0 when all went well, 1 when the input is unusable, 2 for a usage error; an
error is one line on stderr starting with ``keyrisk: error: ``, never a traceback.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

import keyrisk
from keyrisk.cli import main
from tests.conftest import read_report_csv

ACCOUNT_COLUMNS = [
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
]
STAFF_COLUMNS = [
    "staff",
    "active",
    "last_activity",
    "n_accounts",
    "n_held",
    "n_sole",
    "revenue_held",
    "revenue_sole",
]
SUMMARY_KEYS = {
    "as_of",
    "n_accounts",
    "n_staff",
    "n_staff_active",
    "total_revenue",
    "revenue_known",
    "revenue_bus_factor",
    "account_bus_factor",
    "top_departure",
    "top_pair",
    "single_holder_revenue_share",
    "orphaned_accounts",
    "client_concentration",
    "rows",
}

# A tiny dataset whose figures are computed by hand below (as_of 2024-12-31).
#   Acme: Ann 4 interactions (ages 30, 61, 91, 121 days), Bob 2 (ages 16, 213).
#     decay 180 d: w_Ann = 0.891+0.790+0.704+0.627 = 3.01, w_Bob = 0.940+0.440 = 1.38,
#     1.38 < 0.5 * 3.01 -> Bob is no holder, bus factor 1.
#     no decay: w_Ann = 4, w_Bob = 2 = 0.5 * 4 and 2 interactions -> holders Ann, Bob: 2.
#   Beta: Carl 3 interactions, the latest on 2024-10-15 (77 days before as_of).
#   Revenue over 365 days: Acme 100 + 100 = 200, Beta 50 (the 200 of 2023-06-01 is older).
TINY = """Account,Owner,Date,Amount
Acme,Ann,2024-12-01,100
Acme,Ann,2024-11-01,100
Acme,Ann,2024-10-01,
Acme,Ann,2024-09-01,
Acme,Bob,2024-12-15,
Acme,Bob,2024-06-01,
Beta,Carl,2024-10-15,50
Beta,Carl,2023-06-01,200
Beta,Carl,2024-09-01,
"""

FRENCH = (
    "Raison sociale;Commercial;Date;CA HT (€)\r\n"
    "Boulangerie Martin;Marie Dupont;03/02/2024;1 250,50\r\n"
    "Garage de l'Étoile;Jean Lefèvre;14/02/2024;300\r\n"
    "Boulangerie Martin;Jean Lefèvre;15/03/2024;\r\n"
    ";Marie Dupont;16/03/2024;\r\n"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    """Run the command line in-process; return (exit code, stdout, stderr)."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def one_error_line(err: str) -> str:
    """The single error line of stderr (progress lines aside)."""
    errors = [line for line in err.splitlines() if line.startswith("keyrisk: error: ")]
    assert len(errors) == 1, err
    return errors[0]


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.csv"
    path.write_text(TINY, encoding="utf-8")
    return path


@pytest.fixture
def french(tmp_path: Path) -> Path:
    path = tmp_path / "ventes.csv"
    path.write_bytes(FRENCH.encode("cp1252"))
    return path


@pytest.fixture
def tables_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let ``report`` write only the CSV/JSON tables: the charts take seconds per run.

    For the tests about numbers; test_report_files and test_demo write the whole report.
    """
    from keyrisk.report.files import write_tables

    def write(analysis: object, out: Path, **_: object) -> list[Path]:
        return write_tables(analysis, out)  # type: ignore[arg-type]

    monkeypatch.setattr(keyrisk, "write_report", write)


def read_csv(path: Path) -> list[dict[str, str]]:
    return read_report_csv(path)


def header(path: Path) -> list[str]:
    return list(read_report_csv(path)[0])


def report(
    capsys: pytest.CaptureFixture[str], tiny: Path, out: Path, *options: str
) -> tuple[dict[str, dict[str, str]], dict[str, Any]]:
    """Run ``report`` on the tiny dataset; return (accounts.csv by account, summary.json)."""
    code, _, err = run(capsys, "report", tiny, "--out", out, "--as-of", "2024-12-31", *options)
    assert code == 0, err
    accounts = {r["account"]: r for r in read_csv(out / "accounts.csv")}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return accounts, summary


# --- inspect ---------------------------------------------------------------------------------


def test_inspect_text(capsys: pytest.CaptureFixture[str], french: Path) -> None:
    code, out, err = run(capsys, "inspect", french, "--lang", "en")  # French by default
    assert code == 0, err
    assert "encoding: cp1252" in out
    assert "delimiter: ';'" in out
    assert "layout: hand-made (French)" in out
    assert "account <- 'Raison sociale'" in out
    assert "rows: read 4, used 3, skipped 0, rejected 1" in out


def test_inspect_json(capsys: pytest.CaptureFixture[str], french: Path) -> None:
    code, out, _ = run(capsys, "inspect", "--json", french)
    assert code == 0
    data = json.loads(out)  # one JSON object, nothing else on stdout
    assert data["encoding"] == "cp1252"
    assert data["delimiter"] == ";"
    assert data["sheet"] is None
    assert data["header_row"] == 1
    assert data["layout"] == "hand-made (French)"
    assert data["mapping"] == {
        "account": "Raison sociale",
        "staff": "Commercial",
        "date": "Date",
        "amount": "CA HT (€)",
    }
    assert data["rows"] == {"read": 4, "used": 3, "skipped": 0, "rejected": 1}
    assert len(data["problems"]) == 1
    problem = data["problems"][0]
    assert {"file", "sheet", "row", "column", "value", "code", "message"} <= set(problem)
    assert problem["file"] == "ventes.csv"
    assert problem["row"] == 5
    assert problem["column"] == "Raison sociale"
    assert problem["code"] == "missing-account"


def test_inspect_json_bundled_sample(capsys: pytest.CaptureFixture[str]) -> None:
    path = keyrisk.sample_paths("pme_fr")["interactions"][0]
    code, out, _ = run(capsys, "inspect", "--json", path)
    assert code == 0
    data = json.loads(out)
    assert data["encoding"] == "cp1252"
    assert data["delimiter"] == ";"
    assert data["header_row"] == 3
    assert data["mapping"]["account"] == "Client"
    assert data["mapping"]["staff"] == "Commercial"
    assert data["rows"] == {"read": 17292, "used": 17284, "skipped": 4, "rejected": 4}
    codes = [p["code"] for p in data["problems"]]
    assert codes.count("duplicate-row") == 3
    assert codes.count("missing-account") == 2


# --- unusable input: exit 1 -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", b"", "empty.csv: the file is empty"),
        (
            "page.xls",
            b"<html><body><table><tr><td>a</td></tr></table></body></html>",
            "page.xls: this is an HTML page saved as .xls",
        ),
        (
            "noise.csv",
            bytes(range(256)) * 8,
            "noise.csv: this is binary data",
        ),
        ("header.csv", b"Raison sociale;Commercial;Date\r\n", "No usable relationship"),
    ],
)
def test_unusable_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, _, err = run(capsys, "report", path, "--out", tmp_path / "out", "--quiet")
    assert code == 1
    line = one_error_line(err)
    assert expected in line
    assert not (tmp_path / "out").exists()
    code, _, err = run(capsys, "inspect", path, "--lang", "en")
    assert code == 1
    assert one_error_line(err).startswith("keyrisk: error: input unusable: ")
    code, _, err = run(capsys, "inspect", path)  # French by default, like report
    assert code == 1
    assert one_error_line(err).startswith("keyrisk: error: données inutilisables\u00a0: ")


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "absent.csv"
    code, _, err = run(capsys, "report", missing, "--quiet")
    assert code == 1
    assert one_error_line(err) == f"keyrisk: error: {missing}: no such file."


# --- usage errors: exit 2 --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["report", "{tiny}", "--bogus"], "keyrisk: error: No such option '--bogus'"),
        (
            ["report", "{tiny}", "--coverage", "2"],
            "keyrisk: error: The 'coverage' parameter must be a float in (0, 1]; got 2.0.",
        ),
        (
            ["report", "{tiny}", "--holder-ratio", "0"],
            "keyrisk: error: The 'holder_ratio' parameter must be a float in (0, 1]; got 0.0.",
        ),
        (
            ["report", "{tiny}", "--half-life-days", "soon"],
            "keyrisk: error: Invalid value: must be a number of days or 'none'; got 'soon'.",
        ),
        (
            ["report", "{tiny}", "--pseudonymise"],
            "keyrisk: error: --pseudonymise needs --key-file FILE",
        ),
        (["report"], "keyrisk: error: Missing argument 'INPUTS...'."),
        (["inspect"], "keyrisk: error: Missing argument 'INPUTS...'."),
        (["whatif", "{tiny}"], "keyrisk: error: Missing option '--leave'."),
        (["frobnicate"], "keyrisk: error: No such command 'frobnicate'."),
    ],
)
def test_usage_errors(
    capsys: pytest.CaptureFixture[str], tiny: Path, tmp_path: Path, argv: list[str], expected: str
) -> None:
    args = [a.replace("{tiny}", str(tiny)) for a in argv]
    if argv[0] == "report":
        args += ["--out", str(tmp_path / "o")]
    code, _, err = run(capsys, *args)
    assert code == 2
    assert one_error_line(err).startswith(expected)
    assert len(err.strip().splitlines()) == 1  # one line, no usage block, no progress
    assert not (tmp_path / "o").exists()


def test_help_for_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--help"], ["inspect", "--help"], ["report", "--help"], ["demo", "-h"]):
        code, out, _ = run(capsys, *argv)
        assert code == 0
        assert out.startswith("Usage: keyrisk")
    code, out, _ = run(capsys, "whatif", "--help")
    assert code == 0
    assert "--leave" in out
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert keyrisk.__version__ in out


# --- report ----------------------------------------------------------------------------------


def test_report_files(capsys: pytest.CaptureFixture[str], tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, err = run(capsys, "report", tiny, "--out", out, "--as-of", "2024-12-31")
    assert code == 0, err
    assert "keyrisk: lecture de 1 fichier…" in err  # in the report's language
    assert f"Rapport écrit dans {out} (" in stdout
    assert header(out / "accounts.csv")[: len(ACCOUNT_COLUMNS)] == ACCOUNT_COLUMNS
    assert header(out / "staff.csv")[: len(STAFF_COLUMNS)] == STAFF_COLUMNS
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert set(summary) >= SUMMARY_KEYS
    assert summary["as_of"] == "2024-12-31"
    assert summary["n_accounts"] == 2
    assert summary["n_staff"] == 3
    assert summary["total_revenue"] == 250.0
    assert summary["revenue_known"] is True
    assert {"value", "staff", "method"} <= set(summary["revenue_bus_factor"])
    assert summary["revenue_bus_factor"]["value"] == 1
    assert summary["revenue_bus_factor"]["staff"] == ["Ann"]
    assert {"staff", "revenue_at_risk", "share"} <= set(summary["top_departure"])
    assert summary["top_departure"]["staff"] == ["Ann"]
    assert summary["top_departure"]["revenue_at_risk"] == 200.0
    assert summary["top_departure"]["share"] == pytest.approx(0.8)
    assert summary["rows"] == {"read": 9, "used": 9, "skipped": 0, "rejected": 0}
    accounts = {r["account"]: r for r in read_csv(out / "accounts.csv")}
    assert accounts["Acme"]["holders"] == "Ann"
    assert accounts["Acme"]["bus_factor"] == "1"
    assert float(accounts["Acme"]["revenue"]) == 200.0
    assert float(accounts["Beta"]["revenue"]) == 50.0
    staff = {r["staff"]: r for r in read_csv(out / "staff.csv")}
    assert staff["Ann"]["n_sole"] == "1"
    assert float(staff["Ann"]["revenue_sole"]) == 200.0
    assert staff["Bob"]["n_held"] == "0"


def test_report_quiet(
    capsys: pytest.CaptureFixture[str], tiny: Path, tmp_path: Path, tables_only: None
) -> None:
    code, stdout, err = run(capsys, "report", tiny, "--out", tmp_path / "o", "--quiet")
    assert code == 0
    assert err == ""
    assert "Rapport écrit dans" in stdout


def test_lang_in_any_case(
    capsys: pytest.CaptureFixture[str], tiny: Path, tmp_path: Path, tables_only: None
) -> None:
    code, stdout, err = run(capsys, "report", tiny, "--out", tmp_path / "o", "--lang", "EN")
    assert code == 0, err
    assert "keyrisk: reading 1 file..." in err
    assert f"Report written to {tmp_path / 'o'} (" in stdout
    code, _, err = run(capsys, "report", tiny, "--out", tmp_path / "p", "--lang", "en_us")
    assert code == 0, err
    code, _, err = run(capsys, "report", tiny, "--out", tmp_path / "q", "--lang", "de")
    assert code == 2
    assert "Unknown report language 'de'; expected one of" in one_error_line(err)


def test_method_parameters(
    capsys: pytest.CaptureFixture[str], tiny: Path, tmp_path: Path, tables_only: None
) -> None:
    acc, summ = report(capsys, tiny, tmp_path / "default")
    assert acc["Acme"]["bus_factor"] == "1"
    assert summ["revenue_bus_factor"]["value"] == 1  # Ann alone orphans 200 >= 125
    # no decay: Bob (2 of Ann's 4) becomes a holder of Acme
    acc, summ = report(capsys, tiny, tmp_path / "nodecay", "--half-life-days", "none")
    assert acc["Acme"]["bus_factor"] == "2"
    assert acc["Acme"]["holders"] == "Ann; Bob"
    assert summ["revenue_bus_factor"]["value"] == 2
    # ... unless the holder ratio asks for the top weight itself
    acc, summ = report(
        capsys, tiny, tmp_path / "ratio", "--half-life-days", "none", "--holder-ratio", "1.0"
    )
    assert acc["Acme"]["bus_factor"] == "1"
    assert summ["revenue_bus_factor"]["value"] == 1
    # ... or 3 interactions
    acc, _ = report(
        capsys, tiny, tmp_path / "min", "--half-life-days", "none", "--min-interactions", "3"
    )
    assert acc["Acme"]["bus_factor"] == "1"
    # a 200-day window drops Bob's 2024-06-01 interaction: one left, no holder
    acc, _ = report(
        capsys, tiny, tmp_path / "window", "--half-life-days", "none", "--window-days", "200"
    )
    assert acc["Acme"]["bus_factor"] == "1"
    assert acc["Acme"]["n_contacts"] == "2"
    # Carl's last activity is 77 days old: gone after 60 days of silence
    acc, summ = report(capsys, tiny, tmp_path / "inactive", "--inactive-days", "60")
    assert acc["Beta"]["bus_factor"] == "0"
    assert acc["Beta"]["risk_level"] == "critical"
    assert summ["orphaned_accounts"] == 1
    # two years of amounts: Beta's 2023 order counts
    acc, summ = report(capsys, tiny, tmp_path / "revenue", "--revenue-days", "730")
    assert float(acc["Beta"]["revenue"]) == 250.0
    assert summ["total_revenue"] == 450.0
    # 90% coverage needs Ann and Carl
    _, summ = report(capsys, tiny, tmp_path / "coverage", "--coverage", "0.9")
    assert summ["revenue_bus_factor"]["value"] == 2
    assert sorted(summ["revenue_bus_factor"]["staff"]) == ["Ann", "Carl"]
    # half a year later everybody has been silent for more than 90 days
    code, _, err = run(
        capsys, "report", tiny, "--out", tmp_path / "late", "--as-of", "2025-06-30", "-q"
    )
    assert code == 0, err
    late = json.loads((tmp_path / "late" / "summary.json").read_text(encoding="utf-8"))
    assert late["as_of"] == "2025-06-30"
    assert late["n_staff_active"] == 0
    assert late["orphaned_accounts"] == 2


def test_report_never_overwrites_an_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    src = out / "accounts.csv"
    src.write_text(TINY, encoding="utf-8")
    code, _, err = run(capsys, "report", src, "--out", out, "--quiet")
    assert code == 2
    assert one_error_line(err) == (
        f"keyrisk: error: The output folder {str(out)!r} would overwrite the input "
        f"{str(src)!r}; choose another folder."
    )
    assert src.read_text(encoding="utf-8") == TINY
    assert sorted(p.name for p in out.iterdir()) == ["accounts.csv"]
    # a chart file, or another case of a report file name, is an input at risk too
    for name in ("charts/network.png", "STAFF.CSV"):
        other = out / name
        other.parent.mkdir(exist_ok=True)
        other.write_text(TINY, encoding="utf-8")
        code, _, err = run(capsys, "report", other, "--out", out, "--quiet")
        assert code == 2, name
        assert other.read_text(encoding="utf-8") == TINY


def test_formula_like_names_are_escaped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, tables_only: None
) -> None:
    src = tmp_path / "evil.csv"
    src.write_text(
        "Account,Owner,Date\n"
        '"=SUM(A1:A9)",+Bob,2024-01-02\n'
        "@Home,-Ann,2024-01-03\n"
        "Plain,Zoe,2024-01-04\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code, _, err = run(capsys, "report", src, "--out", out, "-q")
    assert code == 0, err
    for name in ("accounts.csv", "staff.csv"):
        with (out / name).open(encoding="utf-8-sig", newline="") as handle:
            cells = [c for row in csv.reader(handle) for c in row]
        text_cells = [c for c in cells if c and not c.lstrip("-").replace(".", "").isdigit()]
        assert not [c for c in text_cells if c[0] in "=+-@"], name
    accounts = {r["account"] for r in read_csv(out / "accounts.csv")}
    assert {"'=SUM(A1:A9)", "'@Home", "Plain"} == accounts
    staff = {r["staff"] for r in read_csv(out / "staff.csv")}
    assert {"'+Bob", "'-Ann", "Zoe"} == staff


# --- whatif and demo -------------------------------------------------------------------------


def test_whatif(capsys: pytest.CaptureFixture[str], tiny: Path) -> None:
    args = ("whatif", tiny, "--leave", "ann", "--as-of", "2024-12-31")
    code, out, err = run(capsys, *args, "--lang", "en")
    assert code == 0, err
    assert "If Ann leaves:" in out
    assert "accounts newly orphaned: 1" in out
    assert "revenue at risk:         200 (80.0% of the total)" in out
    assert "Acme" in out
    code, out, err = run(capsys, *args)  # French by default, as the report
    assert code == 0, err
    assert "Si Ann part\u00a0:" in out
    assert "comptes devenus orphelins\u00a0:" in out
    assert "CA à risque\u00a0:" in out and " 200 (80,0\u00a0% du total)" in out
    code, out, _ = run(capsys, "whatif", tiny, "--leave", "Ann", "--as-of", "2024-12-31", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["leave"] == ["Ann"]
    assert data["newly_orphaned"] == ["Acme"]
    assert data["revenue_at_risk"] == 200.0


def test_whatif_unknown_name(capsys: pytest.CaptureFixture[str], tiny: Path) -> None:
    code, out, err = run(capsys, "whatif", tiny, "--leave", "Anne")
    assert code == 2
    line = one_error_line(err)
    assert line.startswith("keyrisk: error: Unknown staff member 'Anne'. Closest names: Ann")
    assert out == ""


def test_demo(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "demo"
    code, stdout, err = run(capsys, "demo", "--out", out, "--quiet")
    assert code == 0, err
    assert err == ""
    headline = stdout.splitlines()[0]  # in the report's language (French by default)
    assert headline.startswith("53,8")  # 52,7 % for the pair, and 1,1 % already orphaned
    assert headline.endswith("Marie Dupont et Jean Lefèvre, dont 1,1\u00a0% déjà orphelin")
    names = {p.name for p in out.iterdir()}
    assert {"accounts.csv", "staff.csv", "summary.json"} <= names
    assert len(read_csv(out / "accounts.csv")) == 400


def test_dayfirst_and_monthfirst_exclude_each_other(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    src = tmp_path / "tiny.csv"
    src.write_text(TINY, encoding="utf-8")
    code, _, err = run(capsys, "inspect", src, "--dayfirst", "--monthfirst")
    assert code == 2
    assert one_error_line(err) == (
        "keyrisk: error: --dayfirst and --monthfirst exclude each other: give one of them."
    )


# --- the command line as people type it ------------------------------------------------------

ACCENTS = """Account,Owner,Date,Amount
Acme,Jean Lefèvre,2024-12-01,100
Acme,Jean Lefèvre,2024-11-01,
Beta,Hélène Faure,2024-12-01,50
Beta,Hélène Faure,2024-11-01,
"""


def test_whatif_in_french_keeps_the_order_typed(
    capsys: pytest.CaptureFixture[str], tiny: Path
) -> None:
    argv = ["whatif", tiny, "--leave", "Carl", "--leave", "ann", "--as-of", "2024-12-31"]
    code, out, err = run(capsys, *argv, "--lang", "FR")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Si Carl et Ann partent\u00a0:"
    assert "  comptes devenus orphelins\u00a0:  2" in lines
    # no currency in the data: no symbol (none is invented)
    assert "  CA à risque\u00a0:                250 (100,0\u00a0% du total)" in lines
    assert lines[-3:] == [
        "  compte orphelin  CA",
        "  Acme             200",
        "  Beta             50",
    ]
    code, out, _ = run(capsys, *argv, "--json")
    assert code == 0
    assert json.loads(out)["leave"] == ["Carl", "Ann"]
    # French is the default, as for the report
    code, out, _ = run(capsys, *argv)
    assert out.splitlines()[0] == "Si Carl et Ann partent\u00a0:"


def test_whatif_matches_a_name_without_its_accents(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "accents.csv"
    path.write_text(ACCENTS, encoding="utf-8")
    code, out, err = run(capsys, "whatif", path, "--leave", "jean  LEFEVRE", "--lang", "en")
    assert code == 0, err
    assert out.splitlines()[0] == "If Jean Lefèvre leaves:"
    code, out, err = run(capsys, "whatif", path, "--leave", "Helene Faure", "--json")
    assert json.loads(out)["leave"] == ["Hélène Faure"]


def test_whatif_reports_an_ambiguous_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "accents.csv"
    path.write_text(ACCENTS + "Gamma,Jean Lefévre,2024-12-01,30\n", encoding="utf-8")
    code, out, err = run(capsys, "whatif", path, "--leave", "Jean Lefevre")
    assert code == 2
    assert one_error_line(err) == (
        "keyrisk: error: 'Jean Lefevre' may be several staff members: "
        "'Jean Lefèvre', 'Jean Lefévre'; write the name as it is in the data."
    )
    assert out == ""
    # written exactly, the name is not ambiguous
    code, out, err = run(capsys, "whatif", path, "--leave", "Jean Lefévre", "--json")
    assert code == 0, err
    assert json.loads(out)["leave"] == ["Jean Lefévre"]


@pytest.mark.parametrize(
    ("options", "as_of"),
    [
        (["--as-of", "31/10/2024"], "2024-10-31"),
        (["--as-of", "2024-10-31"], "2024-10-31"),
        (["--as-of", "05/10/2024", "--dayfirst"], "2024-10-05"),
        (["--as-of", "05/10/2024", "--monthfirst"], "2024-05-10"),
        (["--as-of", "10/31/2024"], "2024-10-31"),
        (["--lang", "FR", "--as-of", "31.10.2024"], "2024-10-31"),
    ],
)
def test_as_of_and_lang_as_people_type_them(
    capsys: pytest.CaptureFixture[str],
    tiny: Path,
    tmp_path: Path,
    tables_only: None,
    options: list[str],
    as_of: str,
) -> None:
    out = tmp_path / "out"
    code, _, err = run(capsys, "report", tiny, "--out", out, "-q", *options)
    assert code == 0, err
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["as_of"] == as_of


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            ["--as-of", "05/10/2024"],
            "keyrisk: error: --as-of: '05/10/2024' may be day/month or month/day; "
            "write 2024-10-05 or 2024-05-10, or add --dayfirst or --monthfirst.",
        ),
        (
            ["--as-of", "31/10/2024", "--monthfirst"],
            "keyrisk: error: --as-of: '31/10/2024' is not a date (month/day/year); "
            "write it as YYYY-MM-DD.",
        ),
        (
            ["--as-of", "soon"],
            "keyrisk: error: --as-of: 'soon' is not a date; write it as YYYY-MM-DD.",
        ),
    ],
)
def test_as_of_that_cannot_be_read(
    capsys: pytest.CaptureFixture[str],
    tiny: Path,
    tmp_path: Path,
    options: list[str],
    expected: str,
) -> None:
    code, _, err = run(capsys, "report", tiny, "--out", tmp_path / "o", *options)
    assert code == 2
    assert one_error_line(err) == expected
    assert not (tmp_path / "o").exists()


def test_demo_in_english_keeps_the_french_demo(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    tables_only: None,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, stdout, err = run(capsys, "demo", "--lang", "EN", "--quiet")
    assert code == 0, err
    assert (tmp_path / "reports" / "demo-en" / "summary.json").is_file()
    assert not (tmp_path / "reports" / "demo").exists()
    assert "reports/demo-en" in stdout


DUPLICATES = """Account,Owner,Date
Acme,Jean Lefèvre,2024-12-01
Acme,Jean Lefèvre,2024-11-01
Beta,J. Lefevre,2024-12-01
Beta,Jean Lefèvre,2024-10-01
Gamma,Marie Dupont,2024-12-01
Delta,DUPONT Marie,2024-12-02
"""


def test_inspect_prints_an_aliases_block(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "dups.csv"
    path.write_text(DUPLICATES, encoding="utf-8")
    block = '[aliases.staff]\n"J. Lefevre" = "Jean Lefèvre"\n"DUPONT Marie" = "Marie Dupont"\n'
    code, out, err = run(capsys, "inspect", path)
    assert code == 0, err
    assert block in out
    code, out, _ = run(capsys, "inspect", path, "--json")
    assert json.loads(out)["aliases_toml"].endswith(block)
    # pasted into keyrisk.toml, the block merges the names
    config = tmp_path / "keyrisk.toml"
    config.write_text(json.loads(out)["aliases_toml"], encoding="utf-8")
    code, out, _ = run(capsys, "inspect", path, "--config", config, "--json")
    assert json.loads(out)["aliases_toml"] == ""
