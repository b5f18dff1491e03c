"""Every word of the French report is French, every word of the English report English.

The demo report is written in each language, then every text cell of its workbook, the headline
of summary.json, the console output and the `whatif` output are read word by word. What comes
from the input (client and staff names, file names, headers, raw values) is taken out first:
only the words keyrisk writes are judged.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

import keyrisk
from keyrisk import Settings
from keyrisk.cli import main
from keyrisk.errors import PROBLEM_CODES
from keyrisk.report.labels import NBSP
from tests.conftest import read_report_csv

pytestmark = pytest.mark.slow

#: English words keyrisk could leave in a French report (whole words, any case).
ENGLISH = {
    "account", "accounts", "active", "activities", "aliases", "amount", "and", "analysis",
    "bus", "call", "cannot", "contacts", "coverage", "dayfirst", "days", "deal", "deals",
    "department", "elephant", "email", "empty", "english", "error", "factor", "field", "file",
    "files", "french", "gone", "greedy", "hand", "handmade", "header", "holder", "holders",
    "info", "invoice", "iso", "is", "kind", "layout", "leave", "leaves", "line", "meeting",
    "missing", "monthfirst", "native", "none", "of", "or", "order", "orphaned", "owner",
    "quote", "read", "rejected", "report", "revenue", "row", "rows", "serial", "share",
    "skipped", "staff", "stage", "the", "to", "unknown", "upper", "used", "value", "visit",
    "warning", "was", "with", "written", "yes",
}  # fmt: skip
#: French words keyrisk could leave in an English report.
FRENCH = {
    "affaires", "au", "aucun", "avec", "ce", "chiffre", "collaborateur", "collaborateurs",
    "compte", "comptes", "dans", "de", "des", "du", "départ", "départs", "détenteur",
    "détenteurs", "en", "est", "et", "fichier", "fichiers", "jour", "jours", "la", "le", "les",
    "ligne", "lignes", "non", "oui", "orphelin", "orphelins", "par", "pour", "qui", "rapport",
    "repose", "reposent", "seuil", "sur", "un", "une",
}  # fmt: skip
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@dataclass
class Run:
    lang: str
    texts: list[tuple[str, str]]  # (where, text)
    data: list[str]  # strings that come from the input, longest first


def _data_strings(analysis: keyrisk.Analysis, inputs: list[str]) -> list[str]:
    """Every string of the input that may appear in the report."""
    ds = analysis.dataset
    found: set[str] = set()
    names = {"account", "staff", "note", "account_id", "owner", "segment", "staff_id", "role"}
    names |= {"department", "source"}
    for frame in (ds.interactions, ds.accounts, ds.staff):
        for col in names & set(frame.columns):
            found.update(str(v) for v in frame[col].dropna().unique())  # not kind, stage: ours
    for f in ds.report.files:
        found.update(x for x in (f.path, Path(str(f.path)).name, f.sheet) if x)
        found.update(str(v) for v in f.mapping.values())
    for p in ds.report.problems:
        found.update(str(x) for x in (p.file, p.sheet, p.value) if x)
        if p.file and p.column:  # a header of the file (without a file: keyrisk's word)
            found.add(p.column)
        if p.value and "~" in p.value:
            found.update(part.strip() for part in p.value.split("~"))
    near = ds.report.near_duplicates
    for col in ("name", "similar_to"):
        found.update(str(v) for v in near[col])
    found.update(inputs)
    found.update(Path(i).name for i in inputs)
    return sorted((s for s in found if s.strip()), key=len, reverse=True)


def _report(tmp: Path, lang: str) -> Run:
    """Run ``demo`` and ``whatif`` in ``lang``; gather every text they write."""
    out = tmp / f"demo-{lang}"
    paths = keyrisk.sample_paths("pme_fr")
    files = [str(p) for p in paths["interactions"]]
    accounts, staff = [str(p) for p in paths["accounts"]], [str(p) for p in paths["staff"]]
    options = [a for p in accounts for a in ("--accounts", p)]
    options += [a for p in staff for a in ("--staff", p)]
    leave = ["--leave", "Marie Dupont", "--leave", "Jean Lefèvre"]
    texts = []
    for argv in (
        ["demo", "--out", str(out), "--lang", lang],
        ["whatif", *files, *options, *leave, "--lang", lang],
        ["plan", *files, *options, "--lang", lang],
    ):
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(argv)
        assert code == 0, (argv[0], stderr.getvalue())
        texts += [
            (f"{argv[0]} stdout", stdout.getvalue()),
            (f"{argv[0]} stderr", stderr.getvalue()),
        ]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    texts.append(("summary.json headline", summary["headline"]))
    texts.append(("summary.json plan headline", summary["plan"]["headline"]))
    for row in read_report_csv(out / "plan.csv"):  # the words of plan.csv follow --lang
        texts += [(f"plan.csv {k}", row[k]) for k in ("why", "owner_why", "reason") if row[k]]
    texts += [("summary.json warning", w["message"]) for w in summary.get("warnings", [])]
    wb = openpyxl.load_workbook(out / "keyrisk-report.xlsx")
    for ws in wb.worksheets:
        texts.append((f"sheet title {ws.title}", ws.title))
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    texts.append((f"{ws.title}!{cell.coordinate}", cell.value))
    analysis = keyrisk.analyse(keyrisk.load(files, accounts=accounts, staff=staff))
    data = [*_data_strings(analysis, [*files, *accounts, *staff]), str(out)]
    return Run(lang, texts, sorted(data, key=len, reverse=True))


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    tmp = tmp_path_factory.mktemp("words")
    return {lang: _report(tmp, lang) for lang in ("fr", "en")}


def _own_words(text: str, data: list[str]) -> str:
    """``text`` without what comes from the input, quoted foreign terms and technical names."""
    for s in data:
        if s in text:
            text = text.replace(s, " ")
    text = re.sub(r"«[^»]*»", " ", text)  # a term quoted in French: « bus factor »
    text = re.sub(r"“[^”]*”|\"[^\"]*\"", " ", text)  # a term quoted in English
    text = re.sub(r"\[[^\]]*\]|\b\w+\.toml\b|\b\w+(?:_\w+)+\b", " ", text)  # [aliases], names
    text = re.sub(r"\bkeyrisk\b|\bSHA-256\b|\b[0-9a-f]{64}\b", " ", text)
    return text


#: Stable identifiers printed as they are: problem codes, and parameter names on the Method
#: sheet (the names of keyrisk.toml).
CODES = sorted(PROBLEM_CODES, key=len, reverse=True)
PARAMETERS = sorted([*Settings().as_dict(), "as_of", "kind_weights"], key=len, reverse=True)


def _offences(run: Run, words: set[str]) -> Iterator[str]:
    for where, text in run.texts:
        own = text
        for code in CODES:
            own = re.sub(rf"(?<![\w-]){re.escape(code)}(?![\w-])", " ", own)
        own = _own_words(own, run.data)
        if where.startswith(("Méthode!", "Method!")):
            for name in PARAMETERS:
                own = re.sub(rf"\b{re.escape(name)}\b", " ", own)
        bad = sorted({w for w in WORD.findall(own) if w.casefold() in words})
        if bad:
            yield f"{where}: {bad} in {text[:120]!r}"
        if "(s)" in own:
            yield f"{where}: '(s)' in {text[:120]!r}"
        if re.search(r"(?<!\.)\.\.(?!\.)", own):
            yield f"{where}: '..' in {text[:120]!r}"


def test_every_sheet_is_read_the_plan_and_signals_included(runs: dict[str, Run]) -> None:
    for lang, sheets in (
        (
            "fr",
            ("Synthèse", "Plan de continuité", "Signaux faibles", "Adoption du CRM", "Évolution"),
        ),
        ("en", ("Summary", "Continuity plan", "Weak signals", "CRM adoption", "Changes")),
    ):
        read = {where.split("!")[0] for where, _ in runs[lang].texts if "!" in where}
        assert set(sheets) <= read, lang


def test_every_word_of_the_french_report_is_french(runs: dict[str, Run]) -> None:
    offences = list(_offences(runs["fr"], ENGLISH))
    assert not offences, "\n".join(offences[:60])


def test_every_word_of_the_english_report_is_english(runs: dict[str, Run]) -> None:
    offences = list(_offences(runs["en"], FRENCH))
    assert not offences, "\n".join(offences[:60])


def test_french_typography(runs: dict[str, Run]) -> None:
    """A no-break space before : ; ? ! % and inside « », never a plain one."""
    offences = []
    for where, text in runs["fr"].texts:
        own = _own_words(re.sub(r"(?m)^keyrisk: ", "", text), runs["fr"].data)
        plain = re.search(r" [:;?!%»]|« ", own)
        glued = re.search(rf"[^\s{NBSP}\u202f(][:;?!»]", own)
        if (plain or glued) and not re.search(r"https?:|\w:\\|\d:\d", own):
            offences.append(f"{where}: {text[:120]!r}")
    assert not offences, "\n".join(offences[:40])
