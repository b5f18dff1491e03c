"""The words of keyrisk's report, per language, and the way each language writes numbers.

Words live in gettext catalogues, one per language: ``locale/<lang>/LC_MESSAGES/keyrisk.po`` in
the package. Each entry's msgid is a stable key (``"sheet.summary"``), its msgstr the text, with
``{placeholders}``; a plural entry has one msgstr per plural form of the catalogue's
``Plural-Forms``, chosen with Babel's plural rules for the catalogue's locale. Catalogues are read
with Babel at first use (no compile step) and cached. A language whose folder has a region
(``en_US``) takes the words it lacks from its base language (``en``); adding a language is adding
a catalogue.

:func:`t` returns a text by key, :func:`tn` a plural one; :func:`number`, :func:`percent`,
:func:`money`, :func:`compact` and :func:`date` write numbers, amounts and days the way the
language's locale does (Babel, CLDR data). This module sits below every other (it imports only
:mod:`keyrisk.errors`) so that any layer may word what it reports; the report's own helpers are
in :mod:`keyrisk.report.labels`.
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import functools
import math
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from keyrisk.errors import UsageError

if TYPE_CHECKING:
    from babel import Locale
    from babel.numbers import NumberPattern

__all__ = [
    "DOMAIN",
    "LANGS",
    "LOCALE_DIR",
    "NBSP",
    "PERCENT_DECIMALS",
    "Catalogue",
    "catalogue",
    "check_lang",
    "compact",
    "currency_symbol",
    "date",
    "decimal_symbol",
    "has",
    "join_names",
    "locale",
    "money",
    "number",
    "number_pattern",
    "percent",
    "short_date",
    "t",
    "tb",
    "tn",
]

#: Folder of the catalogues: ``<lang>/LC_MESSAGES/keyrisk.po``.
LOCALE_DIR = Path(__file__).with_name("locale")

#: The gettext domain (the catalogues' file name).
DOMAIN = "keyrisk"

#: No-break space: the French space before ``:``, ``;``, ``%``, ``€``...
NBSP = "\u00a0"

_FOLDERS: tuple[str, ...] = tuple(
    sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
)

#: The languages of the report, as :func:`check_lang` returns them ("fr", "en", "en-US"...).
LANGS: tuple[str, ...] = tuple(f.replace("_", "-") for f in _FOLDERS)

#: CLDR plural categories in the order gettext numbers them.
_PLURAL_TAGS = ("zero", "one", "two", "few", "many", "other")


@dataclass(frozen=True)
class Catalogue:
    """The words of one catalogue.

    Attributes
    ----------
    name : str
        The folder name ("fr", "en_US").
    locale : babel.Locale
        The ``Language`` of its header: the locale numbers and dates are written in.
    messages : mapping of str to str or tuple of str
        Key -> text; a plural entry holds one text per plural form. Empty texts are left out.
    num_plurals : int
        ``nplurals`` of its ``Plural-Forms`` header.
    """

    name: str
    locale: Locale
    messages: Mapping[str, str | tuple[str, ...]]
    num_plurals: int

    def plural_index(self, n: float) -> int:
        """Return the index of the plural form for ``n`` (Babel's CLDR rule of the locale)."""
        rule = self.locale.plural_form
        tags = [tag for tag in _PLURAL_TAGS if tag in rule.tags or tag == "other"]
        return tags.index(rule(abs(n)))


@functools.cache
def catalogue(name: str) -> Catalogue:
    """Return the catalogue of the folder ``name`` ("fr", "en", "en_US"), read once.

    Raises
    ------
    UsageError
        When there is no such catalogue.

    Examples
    --------
    >>> str(catalogue("fr").locale), catalogue("fr").messages["sheet.summary"]
    ('fr_FR', 'Synthèse')
    """
    from babel.messages.pofile import read_po

    if name not in _FOLDERS:
        raise UsageError(f"No catalogue for the language {name!r}.")
    path = LOCALE_DIR / name / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as handle:
        cat = read_po(handle, domain=DOMAIN, abort_invalid=True)
    if cat.locale is None:
        raise UsageError(f"The catalogue {path} has no Language header.")
    messages: dict[str, str | tuple[str, ...]] = {}
    for message in cat:
        if not message.id:
            continue  # the header
        key = message.id[0] if isinstance(message.id, tuple | list) else message.id
        text = message.string
        if isinstance(text, tuple | list):
            if all(text):
                messages[str(key)] = tuple(str(s) for s in text)
        elif text:
            messages[str(key)] = str(text)
    return Catalogue(name, cat.locale, messages, cat.num_plurals)


def check_lang(lang: object) -> str:
    """Return the canonical name of a report language, else raise UsageError.

    Case and ``_`` / ``-`` do not matter, and a catalogue's own locale names it too: "FR",
    "fr-FR" and "fr_fr" are "fr"; "en", "en-GB" are "en"; "en_us", "EN-US" are "en-US".

    Examples
    --------
    >>> check_lang("FR"), check_lang("en_GB"), check_lang("en-us")
    ('fr', 'en', 'en-US')
    """
    if isinstance(lang, str):
        base, _, region = lang.strip().replace("_", "-").partition("-")
        base = base.lower()
        canon = f"{base}-{region.upper()}" if region else base
        if canon in LANGS:
            return canon
        if region and base in LANGS and str(catalogue(base).locale) == canon.replace("-", "_"):
            return base
    raise UsageError(f"Unknown report language {lang!r}; expected one of {', '.join(LANGS)}.")


@functools.cache
def _chain(lang: str) -> tuple[Catalogue, ...]:
    """The catalogues of ``lang``, most specific first ("en-US": en_US then en)."""
    folder = check_lang(lang).replace("-", "_")
    names = [folder]
    base = folder.partition("_")[0]
    if base != folder and base in _FOLDERS:
        names.append(base)
    return tuple(catalogue(n) for n in names)


def locale(lang: str) -> Locale:
    """Return the Babel locale ``lang`` writes numbers and dates in.

    Examples
    --------
    >>> str(locale("fr")), str(locale("en")), str(locale("en-US"))
    ('fr_FR', 'en_GB', 'en_US')
    """
    return _chain(lang)[0].locale


def _entry(key: str, lang: str) -> tuple[str | tuple[str, ...], Catalogue]:
    keys = [key]
    if key.endswith(".count"):
        keys.append(key[: -len(".count")])
    for k in keys:
        for cat in _chain(lang):
            text = cat.messages.get(k)
            if text is not None:
                return text, cat
    raise KeyError(key)


def has(key: str, lang: str) -> bool:
    """Return whether ``key`` has a text in ``lang``.

    Examples
    --------
    >>> has("role.staff", "fr"), has("role.nobody", "fr")
    (True, False)
    """
    try:
        _entry(key, lang)
    except KeyError:
        return False
    return True


_FORMATTER = string.Formatter()


def _fill(text: str, lang: str, fmt: Mapping[str, Any]) -> str:
    """Fill the placeholders of ``text``: numbers as ``lang`` writes them, and no double full
    stop when a value ending in "." or "…" is followed by the sentence's own full stop."""
    out: list[str] = []
    last = ""
    for literal, field, spec, conversion in _FORMATTER.parse(text):
        if literal:
            if last.endswith((".", "…")) and literal.startswith(".") and literal[1:2] != ".":
                literal = literal[1:]
            out.append(literal)
            last = literal
        if field is None:
            continue
        value = fmt[field]
        if conversion:
            value = _FORMATTER.convert_field(value, conversion)
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = number(value, lang, 0 if isinstance(value, int) else None)
        last = format(value, spec or "")
        out.append(last)
    return "".join(out)


def t(key: str, lang: str, count: float | None = None, **fmt: Any) -> str:
    """Return the label ``key`` in ``lang``, formatted with ``fmt``.

    Parameters
    ----------
    key : str
        A key of the catalogues (``"sheet.summary"``...). A key ending in ``.count`` falls back
        to the key without it.
    lang : str
        A language of :data:`LANGS` (see :func:`check_lang`).
    count : number, optional
        For a plural entry, the number that chooses the form; when omitted, the ``n``
        placeholder does.
    **fmt
        Values for the ``{placeholders}`` of the label; numbers are written the way ``lang``
        writes them (a float with up to two decimals: format shares and amounts first).
        Without any, the text is returned as written.

    Returns
    -------
    str

    Raises
    ------
    UsageError
        When the language is unknown.
    KeyError
        When the key is unknown (a programming error), or a placeholder has no value.

    Examples
    --------
    >>> t("sheet.quality", "fr")
    'Qualité des données'
    >>> t("chart.held.title", "en", name="Ann", share="35%")
    'Ann alone holds 35% of revenue'
    """
    text, cat = _entry(key, lang)
    if isinstance(text, tuple):
        n = count if count is not None else fmt.get("n")
        if not isinstance(n, int | float) or isinstance(n, bool):
            raise TypeError(f"the plural label {key!r} needs a count")
        text = text[min(cat.plural_index(n), len(text) - 1)]
    if not fmt:
        return text  # as written, placeholders included (a page footer's "{page}")
    return _fill(text, lang, fmt)


def tn(key: str, n: float, lang: str, **fmt: Any) -> str:
    """Return the plural label ``key`` for the number ``n`` (also its ``{n}`` placeholder).

    Examples
    --------
    >>> [tn("unit.accounts", n, "fr") for n in (0, 1, 2)]
    ['0 compte', '1 compte', '2 comptes']
    """
    return t(key, lang, count=n, **{"n": n, **fmt})


def tb(key: str, lang: str, basis: str, **fmt: Any) -> str:
    """Return :func:`t` of ``key + ".count"`` in count basis, else of ``key``.

    Examples
    --------
    >>> tb("col.revenue_held", "en", "count")
    'Accounts held (count)'
    """
    return t(key + ".count" if basis == "count" else key, lang, **fmt)


#: Decimals of a share, in text and in cells alike ("35,5 %").
PERCENT_DECIMALS = 1


def _missing(value: Any) -> bool:
    return value is None or not math.isfinite(float(value))


@functools.cache
def number_pattern(lang: str, kind: str, decimals: int | None) -> NumberPattern:
    """Return the locale's "decimal", "percent" or "currency" pattern (Babel) with ``decimals``
    fraction digits (``None``: up to two, as needed)."""
    from babel.numbers import parse_pattern

    loc = locale(lang)
    formats = {
        "decimal": loc.decimal_formats,
        "percent": loc.percent_formats,
        "currency": loc.currency_formats,
    }[kind]
    source = formats["standard" if kind == "currency" else None]
    pattern = parse_pattern(source.pattern)
    pattern = copy.copy(pattern)
    pattern.frac_prec = (0, 2) if decimals is None else (decimals, decimals)
    return pattern


def _apply(pattern: NumberPattern, value: float, lang: str, currency: str | None = None) -> str:
    """Format with Excel's rounding (half away from zero) and never a "-0"."""
    with decimal.localcontext() as ctx:
        ctx.rounding = decimal.ROUND_HALF_UP
        number = decimal.Decimal(repr(float(value)))
        digits = pattern.frac_prec[1] + pattern.scale
        if number.quantize(decimal.Decimal(1).scaleb(-digits)).is_zero():
            number = decimal.Decimal(0)
        return str(pattern.apply(number, locale(lang), currency=currency, currency_digits=False))


def number(value: float, lang: str, decimals: int | None = 0) -> str:
    """Return ``value`` written the way ``lang`` writes numbers (Babel, CLDR data).

    ``decimals`` fraction digits; ``None``: up to two, as needed (1.5 -> "1,5").

    Examples
    --------
    >>> number(1234567.891, "fr", 2) == "1\\u202f234\\u202f567,89"
    True
    >>> number(1234567.891, "en", 1), number(-0.01, "en")
    ('1,234,567.9', '0')
    """
    if _missing(value):
        return t("value.not_available", lang)
    return _apply(number_pattern(lang, "decimal", decimals), value, lang)


def percent(share: float, lang: str, decimals: int | None = PERCENT_DECIMALS) -> str:
    """Return a share (0.355) as a percentage: "35,5 %" in French, "35.5%" in English.

    ``decimals`` is :data:`PERCENT_DECIMALS` by default, as in the cells of the workbook;
    ``None`` writes a setting as it was given (0.5 -> "50 %", 0.125 -> "12,5 %").

    Examples
    --------
    >>> percent(0.3549, "fr") == "35,5\\u00a0%"
    True
    >>> percent(0.62, "en"), percent(0.5, "en-US", None), percent(0.125, "en", None)
    ('62.0%', '50%', '12.5%')
    """
    if _missing(share):
        return t("value.not_available", lang)
    return _apply(number_pattern(lang, "percent", decimals), share, lang)


def money(value: float, lang: str, basis: str = "revenue", currency: str | None = None) -> str:
    """Return an amount in whole units, with the currency's symbol when it is known.

    In count basis the amount is a number of accounts. ``currency`` is an ISO 4217 code
    ("EUR", "USD"); when it is unknown (None) the amount has no symbol at all.

    Examples
    --------
    >>> money(4091890.36, "fr", currency="EUR") == "4\\u202f091\\u202f890\\u00a0€"
    True
    >>> money(4091890.36, "en", currency="EUR"), money(4091890.36, "en-US", currency="USD")
    ('€4,091,890', '$4,091,890')
    >>> money(4091890.36, "en"), money(12.0, "en", "count"), money(1.0, "fr", "count")
    ('4,091,890', '12 accounts', '1 compte')
    """
    if basis == "count":
        return tn("unit.accounts", round(value), lang)
    if currency is None or _missing(value):
        return number(value, lang)
    return _apply(number_pattern(lang, "currency", 0), value, lang, currency)


def compact(value: float, lang: str, basis: str = "revenue", currency: str | None = None) -> str:
    """Return an amount for a chart axis: "4,1 M €", "€4.1m", "4.1M"; count basis as is.

    One decimal below 10 of its unit (4.1 M), none above (41 M).

    Examples
    --------
    >>> compact(4.1e6, "fr", currency="EUR") == "4,1\\u00a0M\\u00a0€"
    True
    >>> compact(41e3, "en"), compact(4.1e6, "en-US", currency="USD"), compact(950.0, "en")
    ('41k', '$4.1M', '950')
    """
    if basis == "count" or _missing(value):
        return number(value, lang)
    from babel.numbers import format_compact_currency, format_compact_decimal

    size = abs(float(value))
    digits = 1 if (1e3 <= size < 1e4 or 1e6 <= size < 1e7 or 1e9 <= size < 1e10) else 0
    with decimal.localcontext() as ctx:
        ctx.rounding = decimal.ROUND_HALF_UP
        if currency is None:
            text = format_compact_decimal(value, locale=locale(lang), fraction_digits=digits)
        else:
            text = format_compact_currency(
                value, currency, locale=locale(lang), fraction_digits=digits
            )
    return str(text)


def currency_symbol(currency: str, lang: str) -> str:
    """Return the symbol ``lang`` writes for an ISO 4217 code.

    Examples
    --------
    >>> currency_symbol("USD", "fr"), currency_symbol("USD", "en"), currency_symbol("USD", "en-US")
    ('$US', 'US$', '$')
    """
    from babel.numbers import get_currency_symbol

    return str(get_currency_symbol(currency, locale(lang)))


def date(day: dt.date, lang: str) -> str:
    """Return a day the way ``lang`` writes it in a sentence (Babel, the catalogue's pattern).

    Examples
    --------
    >>> import datetime as dt
    >>> date(dt.date(2026, 10, 31), "fr"), date(dt.date(2026, 11, 1), "fr")
    ('31 octobre 2026', '1er novembre 2026')
    >>> date(dt.date(2026, 10, 31), "en"), date(dt.date(2026, 10, 31), "en-US")
    ('31 October 2026', 'October 31, 2026')
    """
    from babel.dates import format_date

    key = "date.long.first_day" if day.day == 1 else "date.long"
    return str(format_date(day, t(key, lang), locale=locale(lang)))


def short_date(day: dt.date, lang: str) -> str:
    """Return a day as ``lang`` writes it in short (the locale's short date, a 4-digit year).

    Examples
    --------
    >>> import datetime as dt
    >>> short_date(dt.date(2026, 1, 2), "fr"), short_date(dt.date(2026, 1, 2), "en-US")
    ('02/01/2026', '1/2/2026')
    """
    from babel.dates import format_date

    pattern = locale(lang).date_formats["short"].pattern
    pattern = "y".join(part for part in pattern.split("yy")) if "yyyy" not in pattern else pattern
    return str(format_date(day, pattern, locale=locale(lang)))


def decimal_symbol(lang: str) -> str:
    """Return the decimal mark of ``lang`` ("," in French, "." in English).

    Examples
    --------
    >>> decimal_symbol("fr"), decimal_symbol("en-US")
    (',', '.')
    """
    from babel.numbers import get_decimal_symbol

    return str(get_decimal_symbol(locale(lang)))


def join_names(names: Sequence[str], lang: str) -> str:
    """Return "A, B and C" / "A, B et C".

    Examples
    --------
    >>> join_names(["Marie", "Jean"], "fr")
    'Marie et Jean'
    """
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {t('names.and', lang)} " + items[-1]
