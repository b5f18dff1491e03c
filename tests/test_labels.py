"""The catalogues of the report's words, the plural rules and the locale formatting."""

from __future__ import annotations

import datetime as dt
import inspect
import re
import string
from pathlib import Path

import pytest
from babel import Locale

from keyrisk.errors import PROBLEM_CODES, Problem, UsageError
from keyrisk.ingest import layouts
from keyrisk.report import labels as lb
from keyrisk.report.sheets.quality import code_meaning, problem_message

BASES = [lang for lang in lb.LANGS if "-" not in lang]


def placeholders(text: str | tuple[str, ...]) -> set[str]:
    forms = text if isinstance(text, tuple) else (text,)
    return {f for s in forms for _, f, _, _ in string.Formatter().parse(s) if f is not None}


def test_the_languages() -> None:
    assert set(lb.LANGS) >= {"fr", "en", "en-US"}
    assert {"fr", "en"} <= set(BASES)


#: Fields a problem template may use (keyrisk.report.sheets.quality.problem_message).
PROBLEM_FIELDS = {"message", "meaning", "column", "value", "row", "file", "sheet"}
#: The named values a problem may carry in ``Problem.args`` (keyrisk.errors), for the templates
#: of one form of a code (``problem.<code>.<form>``): those use the same ones in every language.
PROBLEM_ARGS = {"fields", "ncols", "columns", "n", "shown", "currency"}


def test_every_key_in_every_language_with_the_same_placeholders() -> None:
    reference = lb.catalogue("en").messages
    for lang in BASES:
        messages = lb.catalogue(lang).messages
        assert set(messages) == set(reference), lang
        for key, text in messages.items():
            assert isinstance(text, tuple) == isinstance(reference[key], tuple), (lang, key)
            if key.startswith(("problem.", "code.")):  # English repeats the ingestion's words
                assert placeholders(text) <= PROBLEM_FIELDS | PROBLEM_ARGS, (lang, key)
                if placeholders(reference[key]) & PROBLEM_ARGS:
                    assert placeholders(text) == placeholders(reference[key]), (lang, key)
            else:
                assert placeholders(text) == placeholders(reference[key]), (lang, key)


def test_every_problem_code_has_a_template_and_a_meaning_in_every_language() -> None:
    """A new code in keyrisk.errors.PROBLEM_CODES cannot be forgotten by the catalogues."""
    for lang in lb.LANGS:
        for code in PROBLEM_CODES:
            assert lb.has(f"problem.{code}", lang), (lang, code)
            assert lb.has(f"code.{code}", lang), (lang, code)
    for key in lb.catalogue("en").messages:
        if key.startswith(("problem.", "code.")):
            code = key.split(".")[1]
            assert code in PROBLEM_CODES, key  # no template for a code that does not exist


def test_every_word_of_ingestion_has_a_translation() -> None:
    """Layout names, model fields, interaction kinds, file roles and date readings."""
    source = inspect.getsource(layouts)
    names = set(re.findall(r'_Layout\(\s*"([^"]+)"', source))
    names |= set(re.findall(r'layout_name = "([^"]+)"', source))
    names |= set(re.findall(r'"(hand-made \([A-Za-z]+\))"', source))
    assert len(names) > 15
    fields = {f for fs in layouts.CANONICAL_FIELDS.values() for f in fs}
    for lang in lb.LANGS:
        for name in names:
            assert lb.has(f"layout.{name}", lang), (lang, name)
        for field in fields:
            assert lb.has(f"field.{field}", lang), (lang, field)
        for kind in layouts.KINDS:
            assert lb.has(f"interaction.{kind}", lang), (lang, kind)
        for role in layouts.ROLES:
            assert lb.has(f"role.{role}", lang), (lang, role)
        for policy in ("iso", "dayfirst", "monthfirst", "serial", "native"):
            assert lb.has(f"dates.{policy}", lang), (lang, policy)


def test_regional_catalogues_only_override_their_base() -> None:
    for lang in lb.LANGS:
        if "-" not in lang:
            continue
        folder = lang.replace("-", "_")
        base = lb.catalogue(folder.partition("_")[0]).messages
        for key, text in lb.catalogue(folder).messages.items():
            assert key in base, (lang, key)
            assert placeholders(text) == placeholders(base[key]), (lang, key)


def test_plural_forms_follow_babel() -> None:
    """Each catalogue's Plural-Forms has one form per CLDR category of its locale."""
    for lang in lb.LANGS:
        cat = lb.catalogue(lang.replace("-", "_"))
        rule = cat.locale.plural_form
        assert cat.num_plurals == len(rule.tags | {"other"}), lang
        for text in cat.messages.values():
            if isinstance(text, tuple):
                assert len(text) == cat.num_plurals, lang


def test_a_missing_key_fails_loudly() -> None:
    with pytest.raises(KeyError, match=r"no\.such\.key"):
        lb.t("no.such.key", "fr")
    with pytest.raises(KeyError):
        lb.t("summary.as_of", "fr", date="x")  # a placeholder without its value
    assert lb.t("print.page", "fr") == "page {page} / {pages}"  # no values: as written
    with pytest.raises(UsageError, match="language"):
        lb.t("sheet.staff", "de")


def test_plurals_by_rule() -> None:
    assert [lb.tn("unit.accounts", n, "fr") for n in (0, 1, 2)] == [
        "0 compte",
        "1 compte",
        "2 comptes",
    ]
    assert [lb.tn("unit.accounts", n, "en") for n in (0, 1, 2)] == [
        "0 accounts",
        "1 account",
        "2 accounts",
    ]
    assert lb.t("unit.accounts", "en-US", count=1, n=1) == "1 account"
    notes = [lb.t("note.departure", "fr", people="Ann", amount="5", n=n) for n in (0, 1, 2)]
    assert notes == [
        f"Ann{lb.NBSP}: 0 compte sans détenteur (5)",
        f"Ann{lb.NBSP}: 1 compte sans détenteur (5)",
        f"Ann{lb.NBSP}: 2 comptes sans détenteur (5)",
    ]
    assert lb.t("note.departure", "en", people="Ann", amount="5", n=1) == (
        "Ann: 1 account left without a holder (5)"
    )
    # the count chooses the form, whichever placeholder carries it
    title = lb.t("chart.heat.title", "fr", count=1, k=1, n=20)
    assert title == f"1 des 20 plus gros comptes repose à 80{lb.NBSP}% ou plus sur une personne"
    with pytest.raises(TypeError, match="count"):
        lb.t("chart.heat.title", "fr", k=1)


def test_check_lang_is_case_insensitive_and_canonical() -> None:
    assert lb.check_lang("fr") == lb.check_lang("FR") == lb.check_lang("fr-FR") == "fr"
    assert lb.check_lang("en") == lb.check_lang("en_GB") == lb.check_lang(" EN ") == "en"
    assert lb.check_lang("en-US") == lb.check_lang("en_us") == lb.check_lang("EN-us") == "en-US"
    for bad in ("de", "fr-CA", "", None, 3):
        with pytest.raises(UsageError, match="expected one of"):
            lb.check_lang(bad)
    assert str(lb.locale("fr")) == "fr_FR"
    assert lb.locale("en") == Locale.parse("en_GB")


def test_no_double_full_stop_after_an_abbreviation() -> None:
    text = lb.t("todo.orphaned1", "en", first="Dupont S.A.", amount="10")
    assert text == "Reassign the orphaned account Dupont S.A. (10) now."
    text = lb.t("todo.backup1.count", "fr", name="Ann", first="Dupont & Cie.")
    assert text.endswith("Dupont & Cie.") and not text.endswith("..")
    assert lb.t("todo.backup1.count", "fr", name="Ann", first="Acme").endswith("Acme.")


NNBSP = "\u202f"  # the French thousands separator of CLDR


def test_numbers_per_locale() -> None:
    assert lb.number(1234567.891, "fr", 2) == f"1{NNBSP}234{NNBSP}567,89"
    assert lb.number(1234567.891, "en", 2) == lb.number(1234567.891, "en-US", 2) == "1,234,567.89"
    assert lb.number(-0.04, "fr", 1) == "0,0"  # never "-0,0"
    assert lb.number(2.5, "en") == "3"  # rounded half away from zero, as Excel shows it
    assert lb.number(float("nan"), "fr") == "n.d." and lb.number(None, "en") == "n/a"  # type: ignore[arg-type]
    assert lb.tn("unit.accounts", 1234, "fr") == f"1{NNBSP}234 comptes"
    assert lb.t("note.elephant", "en", n=1500) == "out of 1,500 invoiced clients"


def test_percentages_have_the_decimals_of_the_cells() -> None:
    assert lb.percent(0.355, "fr") == f"35,5{lb.NBSP}%"
    assert lb.percent(0.355, "en") == lb.percent(0.355, "en-US") == "35.5%"
    assert lb.percent(0.3545, "fr") == f"35,5{lb.NBSP}%"  # Excel rounds the cell the same way
    assert lb.percent(0.5, "fr", None) == f"50{lb.NBSP}%"  # a setting, as given
    assert lb.cell_format("percent", "fr") == f'#,##0.0"{lb.NBSP}"%'
    assert lb.cell_format("percent", "en") == "#,##0.0%"
    assert lb.cell_format("percent0", "fr") == f'#,##0"{lb.NBSP}"%'
    assert lb.PERCENT_DECIMALS == 1


def test_money_has_a_symbol_only_when_the_currency_is_known() -> None:
    assert lb.money(4091890.36, "fr") == f"4{NNBSP}091{NNBSP}890"
    assert lb.money(4091890.36, "fr", currency="EUR") == f"4{NNBSP}091{NNBSP}890{lb.NBSP}€"
    assert lb.money(4091890.36, "en", currency="EUR") == "€4,091,890"
    assert lb.money(4091890.36, "en", currency="USD") == "US$4,091,890"
    assert lb.money(4091890.36, "en-US", currency="USD") == "$4,091,890"
    assert lb.money(12.0, "fr", "count") == "12 comptes"
    assert lb.cell_format("money", "fr") == lb.cell_format("money", "en") == "#,##0"
    assert lb.cell_format("money", "fr", "EUR") == f'#,##0"{lb.NBSP}€"'
    assert lb.cell_format("money", "en", "GBP") == '"£"#,##0'
    assert lb.cell_format("money", "en-US", "USD") == '"$"#,##0'
    assert lb.compact(4.1e6, "fr", currency="EUR") == f"4,1{lb.NBSP}M{lb.NBSP}€"
    assert lb.compact(4.1e6, "fr") == f"4,1{lb.NBSP}M"


def test_dates_per_locale() -> None:
    day = dt.date(2026, 10, 31)
    assert lb.date(day, "fr") == "31 octobre 2026"
    assert lb.date(dt.date(2026, 11, 1), "fr") == "1er novembre 2026"
    assert lb.date(day, "en") == "31 October 2026"
    assert lb.date(day, "en-US") == "October 31, 2026"
    assert lb.date(dt.date(2026, 11, 1), "en-US") == "November 1, 2026"
    assert lb.cell_format("date", "fr") == lb.cell_format("date", "en") == "dd/mm/yyyy"
    assert lb.cell_format("date", "en-US") == "m/d/yyyy"


def test_problems_in_the_report_language() -> None:
    p = Problem("bad-date", "the date cannot be read; left empty", "a.csv", None, 9, "Date",
                "32/13/2024", "warning")  # fmt: skip
    assert problem_message(p, "fr") == f"date illisible{lb.NBSP}: laissée vide"
    rejected = Problem("bad-date", "the date cannot be read", "a.csv", None, 9, "Date", "x")
    assert problem_message(rejected, "fr") == f"date illisible{lb.NBSP}: ligne rejetée"
    assert problem_message(p, "en") == p.message == problem_message(p, "en-US")
    unknown = Problem("brand-new-code", "a message in English")
    assert problem_message(unknown, "fr") == "a message in English"  # no template: as it is
    assert code_meaning("bad-flag", "fr") == (
        f"un indicateur «{lb.NBSP}actif{lb.NBSP}» qui n'est ni oui ni non"
    )
    assert code_meaning("bad-flag", "en") == PROBLEM_CODES["bad-flag"]


def test_caveats_are_worded_by_the_catalogues_in_every_language() -> None:
    from keyrisk.caveats import Caveat, message

    c = Caveat("orphaned-zero-revenue", {"n": 1})
    assert message(c, "fr").startswith("1 compte orphelin, qui a de l'activité")
    assert message(c, "en-US").startswith("1 orphaned account with activity has no revenue")
    big = Caveat("revenue-one-figure", {"share": 0.6, "amount": 600.0, "total": 1000.0,
                                        "account": "A", "currency": "EUR"})  # fmt: skip
    assert message(big, "fr").startswith(
        f"Un seul montant porte 60,0{lb.NBSP}% du chiffre d'affaires{lb.NBSP}: 600{lb.NBSP}€ "
    )
    assert "€600 for A, out of €1,000" in message(big, "en")


def test_every_key_written_in_the_code_is_in_the_catalogues() -> None:
    """A literal key given to t, tb or tn anywhere in keyrisk has its words in every language."""
    src = Path(lb.__file__).resolve().parents[1]
    call = re.compile(r"""\b(?:t|tb|tn|has)\(\s*["']([a-z][\w.\- ]*)["']""")
    keys = {
        key
        for path in src.rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        if ">>>" not in line  # a doctest may show a missing key on purpose
        for key in call.findall(line)
        if "." in key
    }
    assert len(keys) > 100
    missing = [(lang, k) for lang in lb.LANGS for k in sorted(keys) if not lb.has(k, lang)]
    assert not missing, missing
