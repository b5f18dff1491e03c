"""The catalogues of the report's words, the plural rules and the locale formatting."""

from __future__ import annotations

import datetime as dt
import string

import pytest
from babel import Locale

from keyrisk.errors import UsageError
from keyrisk.report import labels as lb

BASES = [lang for lang in lb.LANGS if "-" not in lang]


def placeholders(text: str | tuple[str, ...]) -> set[str]:
    forms = text if isinstance(text, tuple) else (text,)
    return {f for s in forms for _, f, _, _ in string.Formatter().parse(s) if f is not None}


def test_the_languages() -> None:
    assert set(lb.LANGS) >= {"fr", "en", "en-US"}
    assert {"fr", "en"} <= set(BASES)


def test_every_key_in_every_language_with_the_same_placeholders() -> None:
    reference = lb.catalogue("en").messages
    for lang in BASES:
        messages = lb.catalogue(lang).messages
        assert set(messages) == set(reference), lang
        for key, text in messages.items():
            assert placeholders(text) == placeholders(reference[key]), (lang, key)
            assert isinstance(text, tuple) == isinstance(reference[key], tuple), (lang, key)


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
        lb.t("summary.as_of", "fr")  # a placeholder without its value
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
        f"Ann{lb.NBSP}: 5, 0 compte sans détenteur",
        f"Ann{lb.NBSP}: 5, 1 compte sans détenteur",
        f"Ann{lb.NBSP}: 5, 2 comptes sans détenteur",
    ]
    assert lb.t("note.departure", "en", people="Ann", amount="5", n=1) == (
        "Ann: 5, 1 account left without a holder"
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
