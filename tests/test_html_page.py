"""The director's page, keyrisk-report.html: one safe, self-contained file in the report language.

The pure tests read the HTML; the browser test opens the page of the demo report in Debian's
chromium driven by Playwright (skipped when either is missing, except in CI where .ci/run
installs them): no console error, no network request, the headline shown, a table that sorts
when its header is clicked, no sideways scroll on a phone, two A4 pages when printed, and
screenshots (desktop 1366 px, phone 390 px) in the test's tmp folder.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

import keyrisk
from keyrisk import Dataset, analyse
from keyrisk.report import labels as lb
from keyrisk.report.html import PAGE_NAME, build_page, render_page, write_page
from keyrisk.report.sheets import ReportMeta
from keyrisk.report.writer import REPORT_ITEMS, write_report
from tests.test_report_words import ENGLISH, FRENCH, WORD, _data_strings, _own_words

NBSP = lb.NBSP
META = ReportMeta("0.1.0", dt.date(2026, 11, 2))
HOSTILE_ACCOUNTS = ["<script>alert(1)</script>", 'Dupont "&" Fils', "Rev\u202eersed"]
HOSTILE_STAFF = ["Ann <img src=x onerror=alert(1)>", "Bob \u202e&amp;"]


class _Page(HTMLParser):
    """What a reader sees and what the browser loads: texts, attributes, tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._skip += 1
        for name in ("alt", "aria-label", "title"):
            value = dict(attrs).get(name)
            if value:
                self.texts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(data)


def _parse(text: str) -> _Page:
    parser = _Page()
    parser.feed(text)
    parser.close()
    return parser


def _hostile() -> keyrisk.Analysis:
    inter = pd.DataFrame(
        {
            "account": [*HOSTILE_ACCOUNTS, HOSTILE_ACCOUNTS[0]],
            "staff": [HOSTILE_STAFF[0], HOSTILE_STAFF[1], HOSTILE_STAFF[0], HOSTILE_STAFF[1]],
            "amount": [500.0, 300.0, 200.0, 50.0],
        }
    )
    return analyse(Dataset.from_frames(inter))


# --- pure tests ------------------------------------------------------------------------------


def test_every_input_text_is_escaped_and_cannot_reorder_the_page() -> None:
    meta = ReportMeta("0.1.0", dt.date(2026, 1, 1), company='<b>"Acme" & Co</b>\u202e')
    html = render_page(build_page(_hostile(), "en", meta, plan=False))
    page = _parse(html)
    assert [tag for tag, _ in page.tags].count("script") == 1  # ours only
    assert [tag for tag, _ in page.tags].count("img") == 0  # no chart given, no input tag
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Dupont &quot;&amp;&quot; Fils" in html
    assert "Bob &amp;amp;" in html  # shown as typed, "&amp;" and all
    assert "&lt;b&gt;&quot;Acme&quot; &amp; Co&lt;/b&gt;" in html
    assert "\u202e" not in html  # a bidi override in a name cannot reverse what follows
    assert "<td><bdi>Reversed</bdi></td>" in html.replace(' data-sort="Reversed"', "")
    assert "onerror" not in [name for _, attrs in page.tags for name in attrs]


def test_the_page_is_one_self_contained_file() -> None:
    html = render_page(build_page(_hostile(), "fr", META, plan=False))
    page = _parse(html)
    for tag, attrs in page.tags:
        for name in ("src", "href", "srcset", "action", "data"):
            value = attrs.get(name)
            assert value is None or value.startswith("data:"), (tag, name, value)
        assert tag not in ("link", "iframe", "object", "embed", "base", "form"), tag
    assert not re.search(r"https?://", html)  # no address at all, even in the style
    assert "@import" not in html and "url(" not in html
    assert re.match(r'<!DOCTYPE html>\n<html lang="fr">\n', html)


def test_the_content_security_policy_allows_exactly_the_page_style_and_script() -> None:
    html = render_page(build_page(_hostile(), "en", META, plan=False))
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert csp is not None
    policy = csp.group(1)
    assert "default-src 'none'" in policy and "img-src data:" in policy
    for tag in ("style", "script"):
        body = re.search(rf"<{tag}>(.*?)</{tag}>", html, re.S)
        assert body is not None
        digest = base64.b64encode(hashlib.sha256(body.group(1).encode()).digest()).decode()
        assert f"{tag}-src 'sha256-{digest}'" in policy
    assert " style=" not in html and " on" + "click=" not in html  # the policy would block them


def test_lang_attribute_per_report_language() -> None:
    a = _hostile()
    for lang, attr in (("fr", "fr"), ("EN", "en"), ("en_us", "en-US")):
        assert f'<html lang="{attr}">' in render_page(build_page(a, lang, plan=False))


def test_without_trend_or_changes_the_page_says_it_is_the_first_report() -> None:
    page = build_page(_hostile(), "fr", META, plan=False)
    by_key = {s.key: s for s in page.sections}
    assert [s.key for s in page.sections] == [
        "actions", "figures", "trend", "changes", "accounts", "staff"
    ]  # fmt: skip
    trend = by_key["trend"].blocks[0]
    changes = by_key["changes"].blocks[0]
    assert getattr(trend, "text", None) == (
        f"Pas de tendance dans ce rapport{NBSP}: elle compare les fins de trimestre couvertes "
        "par les données."
    )
    assert getattr(changes, "text", None) == (
        f"Premier rapport{NBSP}: aucun relevé antérieur à comparer. Le prochain rapport dira ce "
        "qui a changé depuis celui-ci."
    )
    en = {s.key: s for s in build_page(_hostile(), "en", plan=False).sections}
    assert getattr(en["changes"].blocks[0], "text", None).startswith(
        "First report: no earlier snapshot to compare with."
    )


def test_trend_and_changes_are_rendered_when_given() -> None:
    trend = pd.DataFrame(
        {
            "as_of": [dt.date(2026, 3, 31), dt.date(2026, 6, 30)],
            "revenue_bus_factor": [3, 2],
            "single_holder_revenue_share": [0.45, 0.5125],
            "orphaned_accounts": [1, 4],
            "unknown_figure": ["x", "y"],  # left out
        }
    )
    changes = {
        "previous_as_of": "2026-06-30",
        "deltas": [{"figure": "revenue_bus_factor", "before": 3, "after": 2}],
        "newly_at_risk": pd.DataFrame({"account": ["<Acme>"], "revenue": [1234.0]}),
        "made_safe": [],
        "parameters": [{"name": "window_days", "before": 365, "after": 180}],
    }
    a = _hostile()
    page = build_page(a, "fr", META, trend=trend, changes=changes, plan=False)
    html = render_page(page)
    t_rows = re.search(r'<table id="t-trend">(.*?)</table>', html, re.S)
    assert t_rows is not None
    cells = re.findall(r"<t[hd](?:\s[^>]*)?>(.*?)</t[hd]>", t_rows.group(1))
    assert cells[:4] == [
        "Fin de trimestre",
        "Seuil de rupture du CA (nombre de départs)",
        "Part du CA portée par une seule personne, ou aucune",
        "Comptes orphelins (plus aucun détenteur actif)",
    ]
    assert cells[4:] == [
        "31/03/2026",
        "3",
        f"45,0{NBSP}%",
        "1",
        "30/06/2026",
        "2",
        f"51,3{NBSP}%",
        "4",
    ]
    assert '<svg viewBox="0 0 320 120" role="img"' in html  # the single-holder share line
    assert "Comparé au relevé du 30 juin 2026." in html
    assert (
        "<bdi>&lt;Acme&gt;</bdi>" in html
        and '<td class="num" data-sort="1234.0">1\u202f234</td>' in html
    )
    assert "Comptes devenus à risque" in html and "Comptes sécurisés" not in html  # empty: none
    window = f"<li>Fenêtre d'observation (jours){NBSP}: 365 → 180</li>"
    assert window in html.replace("&#x27;", "'")


def test_the_plan_before_and_after_is_shown_in_short() -> None:
    from tests.conftest import four_accounts

    a = four_accounts()
    plan = a.plan()
    page = build_page(a, "en", META)
    section = {s.key: s for s in page.sections}["plan"]
    lead, table = section.blocks
    assert getattr(lead, "text", "") == (
        f"Second holders proposed: {plan.n_backups} · new holders for orphaned accounts: "
        f"{plan.n_owners} · accounts still without one: {plan.n_unassigned}."
    )
    rows = getattr(table, "rows", ())
    assert [r[0].text for r in rows] == [
        "Revenue bus factor",
        "Account bus factor",
        "Revenue share resting on a single person, or none",
        "Costliest pair (share of revenue at risk)",
    ]
    before, after = plan.before.revenue_bus_factor.value, plan.after.revenue_bus_factor.value
    assert [rows[0][1].text, rows[0][2].text] == [str(before), str(after)]


def test_write_report_writes_the_page_in_the_folder(tmp_path: Path) -> None:
    assert PAGE_NAME in REPORT_ITEMS
    a = _hostile()
    paths = write_report(a, tmp_path, lang="en", run_date=dt.date(2026, 1, 1))
    assert tmp_path / PAGE_NAME in paths
    first = (tmp_path / PAGE_NAME).read_bytes()
    assert b'src="data:image/png;base64,' in first  # the charts, inlined
    write_report(a, tmp_path, lang="en", run_date=dt.date(2026, 1, 1))
    assert (tmp_path / PAGE_NAME).read_bytes() == first  # deterministic


def test_write_page_alone(tmp_path: Path) -> None:
    path = write_page(_hostile(), tmp_path, "en", META, plan=False)
    assert path == tmp_path / PAGE_NAME and path.read_text(encoding="utf-8").startswith("<!DOC")


# --- the demo page, read and opened ------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    paths = keyrisk.sample_paths("pme_fr")
    files = [str(p) for p in paths["interactions"]]
    accounts, staff = [str(p) for p in paths["accounts"]], [str(p) for p in paths["staff"]]
    analysis = analyse(keyrisk.load(files, accounts=accounts, staff=staff))
    out: dict[str, object] = {"analysis": analysis}
    for lang in ("fr", "en"):
        folder = tmp_path_factory.mktemp(f"page-{lang}")
        write_report(analysis, folder, lang=lang, run_date=dt.date(2026, 11, 2))
        out[lang] = folder / PAGE_NAME
    # File names are names, not words: the workbook's is in the footer.
    out["data"] = ["keyrisk-report.xlsx", *_data_strings(analysis, [*files, *accounts, *staff])]
    return out


def _offences(path: Path, data: list[str], words: set[str]) -> list[str]:
    bad = []
    for text in _parse(path.read_text(encoding="utf-8")).texts:
        own = _own_words(text, data)
        found = sorted({w for w in WORD.findall(own) if w.casefold() in words})
        if found:
            bad.append(f"{found} in {text[:100]!r}")
    return bad


@pytest.mark.slow
def test_the_french_page_has_no_english_word_and_the_english_no_french(
    demo: dict[str, object],
) -> None:
    data = demo["data"]
    assert isinstance(data, list)
    assert _offences(demo["fr"], data, ENGLISH) == []  # type: ignore[arg-type]
    assert _offences(demo["en"], data, FRENCH) == []  # type: ignore[arg-type]


@pytest.mark.slow
def test_the_demo_page_holds_headline_actions_and_tables(demo: dict[str, object]) -> None:
    analysis = demo["analysis"]
    assert isinstance(analysis, keyrisk.Analysis)
    html = Path(demo["fr"]).read_text(encoding="utf-8")  # type: ignore[arg-type]
    head = lb.headline(analysis.portfolio.headline_facts, "fr")
    assert f'id="headline">{escape(head)}</p>' in html
    assert html.count('src="data:image/png;base64,') == 2
    assert '<table id="t-accounts" class="sortable" data-print-rows="8">' in html
    assert '<table id="t-staff" class="sortable" data-print-rows="6">' in html
    assert '<span class="screen">Les 15 premiers sur 400.</span>' in html
    assert '<span class="print">Les 8 premiers sur 400.</span>' in html


# --- in a real browser -------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: .ci/run installs it")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """A persistent Chromium context on a fresh profile (Playwright, Debian's chromium)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        _missing("chromium is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed (pip install -e '.[test]')")
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=chromium,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1366, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_page_in_a_real_browser(
    browser: object, demo: dict[str, object], lang: str, tmp_path: Path
) -> None:
    analysis = demo["analysis"]
    assert isinstance(analysis, keyrisk.Analysis)
    path = Path(demo[lang])  # type: ignore[arg-type]
    url = path.resolve().as_uri()
    page = browser.new_page()  # type: ignore[attr-defined]
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)

    head = lb.headline(analysis.portfolio.headline_facts, lang)
    assert page.inner_text("#headline") == head
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth)")

    # The revenue column of the accounts table sorts when its header is clicked.
    def revenues() -> list[float]:
        return page.evaluate(
            "Array.from(document.querySelectorAll('#t-accounts tbody tr'))"
            ".map(r => parseFloat(r.cells[2].getAttribute('data-sort')))"
        )

    before = revenues()
    header = page.locator("#t-accounts thead th").nth(2)
    header.locator("button").click()
    assert revenues() == sorted(before) and header.get_attribute("aria-sort") == "ascending"
    header.locator("button").click()
    assert revenues() == sorted(before, reverse=True)
    assert header.get_attribute("aria-sort") == "descending"
    names = page.locator("#t-accounts thead th").nth(0)
    names.locator("button").click()
    shown = page.evaluate(
        "Array.from(document.querySelectorAll('#t-accounts tbody tr td:first-child'))"
        ".map(td => td.textContent)"
    )
    assert shown == page.evaluate(
        "(xs) => xs.slice().sort((a, b) => a.localeCompare(b, document.documentElement.lang, "
        "{sensitivity: 'base'}))",
        shown,
    )
    assert len(shown) == 15
    hidden = page.evaluate(
        "Array.from(document.querySelectorAll('#t-accounts tbody tr'))"
        ".map(r => r.classList.contains('screen'))"
    )
    assert hidden == [False] * 8 + [True] * 7  # printed: the first 8 rows as sorted

    page.screenshot(path=str(tmp_path / f"desktop-{lang}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(100)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone: {width}px"
    page.screenshot(path=str(tmp_path / f"phone-{lang}.png"), full_page=True)
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    (tmp_path / f"page-{lang}.pdf").write_bytes(pdf)
    assert _pdf_pages(pdf) == 2
    page.close()

    assert errors == []
    assert {u for u in requests if not u.startswith("data:")} == {url}
    for name in (f"desktop-{lang}.png", f"phone-{lang}.png"):
        assert (tmp_path / name).stat().st_size > 10_000
