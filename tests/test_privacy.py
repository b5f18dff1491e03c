"""Pseudonymised reports: no staff name in any output, the same scores as in clear."""

from __future__ import annotations

import contextlib
import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import matplotlib.figure
import matplotlib.text
import pytest

import keyrisk
from keyrisk.analysis import Analysis
from keyrisk.cli import main
from keyrisk.model import Dataset
from keyrisk.privacy import pseudonym
from tests.conftest import read_report_csv

KEY = b"k3yr1sk-test-key-0123456789abcdef"


@dataclass
class Run:
    clear: Dataset
    analysis: Analysis
    out: Path
    code: int
    stdout: str
    stderr: str
    chart_texts: list[str]


def sample_argv() -> list[str]:
    paths = keyrisk.sample_paths("pme_fr")
    return [
        str(paths["interactions"][0]),
        "--accounts",
        str(paths["accounts"][0]),
        "--staff",
        str(paths["staff"][0]),
    ]


@contextlib.contextmanager
def chart_text_spy(found: list[str]) -> Iterator[None]:
    """Record every text drawn on a matplotlib figure when it is saved."""
    original = matplotlib.figure.Figure.savefig

    def savefig(self: matplotlib.figure.Figure, *args: object, **kwargs: object) -> None:
        found.extend(t.get_text() for t in self.findobj(matplotlib.text.Text))
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(matplotlib.figure.Figure, "savefig", savefig)
        yield


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The bundled French sample: loaded in clear, and reported pseudonymised by the CLI."""
    paths = keyrisk.sample_paths("pme_fr")
    clear = keyrisk.load(paths["interactions"], accounts=paths["accounts"], staff=paths["staff"])
    folder = tmp_path_factory.mktemp("privacy")
    key_file = folder / "keyrisk.key"
    key_file.write_bytes(KEY + b"\n")
    out = folder / "out"
    texts: list[str] = []
    stdout, stderr = io.StringIO(), io.StringIO()
    argv = ["report", *sample_argv(), "--pseudonymise", "--key-file", str(key_file)]
    with (
        chart_text_spy(texts),
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
    ):
        code = main([*argv, "--out", str(out), "--lang", "en"])
    return Run(
        clear, keyrisk.analyse(clear), out, code, stdout.getvalue(), stderr.getvalue(), texts
    )


def staff_names(ds: Dataset) -> set[str]:
    """Every staff spelling of the clear data, and each last name longer than 4 letters."""
    names = set(ds.staff["staff"].dropna())
    names |= set(ds.interactions["staff"].dropna()) | set(ds.accounts["owner"].dropna())
    last = {n.split()[-1] for n in ds.staff["staff"].dropna() if len(n.split()[-1]) > 4}
    return names | last


def output_texts(out: Path) -> dict[str, str]:
    """Every file of the output folder as text: xlsx XML parts, PNG text chunks, the rest."""
    texts: dict[str, str] = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = str(path.relative_to(out))
        data = path.read_bytes()
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                for info in book.infolist():
                    part = book.read(info)
                    if info.filename.endswith(".png"):
                        texts[f"{rel}:{info.filename}"] = png_text(part)
                    else:
                        texts[f"{rel}:{info.filename}"] = part.decode("utf-8", "replace")
        elif path.suffix == ".png":
            texts[rel] = png_text(data)
        else:
            texts[rel] = data.decode("utf-8")
    return texts


def png_text(data: bytes) -> str:
    """The text chunks (tEXt, zTXt, iTXt) of a PNG file."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, []
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"tEXt":
            chunks.append(body.decode("latin-1"))
        elif kind == b"zTXt":
            name, _, rest = body.partition(b"\0")
            chunks.append(name.decode("latin-1") + zlib.decompress(rest[1:]).decode("latin-1"))
        elif kind == b"iTXt":
            chunks.append(body.decode("utf-8", "replace"))
        pos += 12 + length
    return "\n".join(chunks)


def leaks(text: str, names: set[str], accounts: list[str]) -> set[str]:
    """Staff names found in ``text`` once client names (kept on purpose) are masked."""
    for account in accounts:
        text = text.replace(account, "<account>")
    parts = sorted((r"\s+".join(map(re.escape, n.split())) for n in names), key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)
    return {m.group(0) for m in pattern.finditer(text)}


def test_report_succeeds(run: Run) -> None:
    assert run.code == 0, run.stderr
    names = {p.name for p in run.out.iterdir()}
    assert {"accounts.csv", "staff.csv", "summary.json"} <= names
    assert {"plan.csv", "layers.csv", "signals.csv", "adoption.csv"} <= names  # scanned below


def test_no_staff_name_in_any_output(run: Run) -> None:
    names = staff_names(run.clear)
    assert {"Marie Dupont", "DUPONT Marie", "Dupont", "Mercier", "J. Lefevre"} <= names
    # Client names are kept (not personal data of the audited company's staff); one client,
    # the sole trader "Sophie Bernard", has a staff member's name: masked before searching.
    accounts = sorted(set(run.clear.accounts["account"].dropna()), key=len, reverse=True)
    texts = output_texts(run.out)
    assert any(k.endswith(".csv") for k in texts)
    assert run.chart_texts  # the spy saw the charts being drawn
    for where, text in texts.items():
        assert not leaks(text, names, accounts), where
    assert not leaks(run.stdout, names, accounts)
    assert not leaks(run.stderr, names, accounts)
    assert not leaks("\n".join(run.chart_texts), names, accounts)


def test_pseudonyms_are_used(run: Run) -> None:
    staff = [r["staff"] for r in read_report_csv(run.out / "staff.csv")]
    assert pseudonym("Marie Dupont", KEY) in staff
    assert all(re.fullmatch(r"Staff-[0-9A-F]{8}", s) for s in staff)
    assert pseudonym("Marie Dupont", KEY) in run.stdout  # the headline names her pseudonym


def test_same_scores_as_in_clear(run: Run) -> None:
    pseudo = {r["account"].lstrip("'"): r for r in read_report_csv(run.out / "accounts.csv")}
    clear = run.analysis.accounts.set_index("account")
    assert set(pseudo) == set(clear.index)
    for account, row in pseudo.items():
        ref = clear.loc[account]
        assert int(row["bus_factor"]) == ref["bus_factor"], account
        assert int(row["n_contacts"]) == ref["n_contacts"], account
        assert row["risk_level"] == ref["risk_level"], account
        for col in ("revenue", "top_share", "hhi", "effective_contacts"):
            if row[col] == "":
                assert ref[col] != ref[col], (account, col)  # NaN in clear too
            else:
                assert float(row[col]) == pytest.approx(float(ref[col]), rel=1e-12), (
                    account,
                    col,
                )
        n_holders = len([h for h in row["holders"].split("; ") if h])
        assert n_holders == len(ref["holders"])
    summary = json.loads((run.out / "summary.json").read_text(encoding="utf-8"))
    portfolio = run.analysis.portfolio
    assert summary["revenue_bus_factor"]["value"] == portfolio.revenue_bus_factor.value
    assert summary["account_bus_factor"]["value"] == portfolio.account_bus_factor.value
    assert summary["orphaned_accounts"] == portfolio.orphaned_accounts
    assert summary["revenue_bus_factor"]["staff"] == [
        pseudonym(n, KEY) for n in portfolio.revenue_bus_factor.staff
    ]


def test_key_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    argv = ["report", *sample_argv(), "--out", str(tmp_path / "o"), "--pseudonymise"]
    assert main([*argv, "--key-file", str(tmp_path / "absent.key")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("keyrisk: error: Key file ")
    assert "not found" in err
    short = tmp_path / "short.key"
    short.write_bytes(b"0123456789abcde\n")  # 15 bytes
    assert main([*argv, "--key-file", str(short)]) == 2
    err = capsys.readouterr().err
    assert "is too short (15 bytes)" in err
    assert len(err.strip().splitlines()) == 1
    assert main(["report", *sample_argv(), "--key-file", str(short)]) == 2
    assert "--key-file goes with --pseudonymise" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_read_key(tmp_path: Path) -> None:
    good = tmp_path / "k"
    good.write_bytes(b"  " + KEY + b"\n")
    assert keyrisk.read_key(good) == KEY
    with pytest.raises(keyrisk.UsageError):
        keyrisk.read_key(tmp_path / "missing")


def test_pseudonyms_stable_per_key(run: Run) -> None:
    other = b"another-secret-key-0123456789"
    first = keyrisk.pseudonymise(run.clear, KEY)
    second = keyrisk.pseudonymise(run.clear, KEY)
    third = keyrisk.pseudonymise(run.clear, other)
    assert first.staff["staff"].tolist() == second.staff["staff"].tolist()
    assert first.interactions["staff"].tolist() == second.interactions["staff"].tolist()
    assert set(first.staff["staff"]).isdisjoint(set(third.staff["staff"]))
    # one-to-one: as many pseudonyms as names
    assert first.interactions["staff"].nunique() == run.clear.interactions["staff"].nunique()
    # the clear dataset is untouched
    assert "Marie Dupont" in set(run.clear.staff["staff"])


def test_problems_scrubbed(run: Run) -> None:
    ds = keyrisk.pseudonymise(run.clear, KEY)
    names = staff_names(run.clear)
    accounts = sorted(set(run.clear.accounts["account"].dropna()), key=len, reverse=True)
    text = "\n".join(str(p) for p in ds.report.problems)
    assert not leaks(text, names, accounts)
    near = ds.report.near_duplicates
    clear_near = run.clear.report.near_duplicates
    staff_rows = near[near["kind"] == "staff"]
    assert len(staff_rows) == (clear_near["kind"] == "staff").sum() >= 1
    assert staff_rows["name"].str.startswith("Staff-").all()
    assert staff_rows["similar_to"].str.startswith("Staff-").all()


def test_sheet_and_file_named_after_a_person_do_not_leak(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A workbook whose only sheet, and whose file, bear a salesperson's name."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Marie Dupont"
    sheet.append(["Client", "Commercial", "Date"])
    sheet.append(["Alpha", "Marie Dupont", "2024-01-02"])
    sheet.append(["Beta", "Marie Dupont", "2024-01-03"])
    sheet.append(["Beta", "Jean Martin", "2024-01-03"])
    src = tmp_path / "Marie Dupont.xlsx"
    book.save(src)
    key = tmp_path / "k.key"
    key.write_text("0123456789abcdef0123456789abcdef", encoding="utf-8")
    out = tmp_path / "out"
    code = main(
        [
            "report",
            str(src),
            "--out",
            str(out),
            "--pseudonymise",
            "--key-file",
            str(key),
            "--quiet",
            "--lang",
            "en",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    texts = output_texts(out)
    assert texts  # the scan is not vacuous
    for where, text in texts.items():
        assert "marie" not in text.casefold(), where
        assert "martin" not in text.casefold(), where
    assert "Marie" not in captured.out + captured.err


def test_plan_and_signal_sheets_show_pseudonyms(run: Run) -> None:
    """The Continuity plan, Weak signals and CRM adoption sheets name people by their
    pseudonyms only."""
    import openpyxl

    wb = openpyxl.load_workbook(run.out / "keyrisk-report.xlsx")
    marie = pseudonym("Marie Dupont", KEY)
    names = staff_names(run.clear)
    accounts = sorted(set(run.clear.accounts["account"].dropna()), key=len, reverse=True)
    for title in ("Continuity plan", "Weak signals", "Summary", "CRM adoption"):
        cells = [c.value for row in wb[title].iter_rows() for c in row if isinstance(c.value, str)]
        text = "\n".join(cells)
        assert marie in text, title  # she holds key accounts alone: named on both sheets
        assert not leaks(text, names, accounts), title
