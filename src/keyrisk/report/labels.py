"""The words of the deliverable, per language, and the way each language writes numbers.

Words live in gettext catalogues, one per language, beside this module:
``locale/<lang>/LC_MESSAGES/keyrisk.po``. Each entry's msgid is a stable key
(``"sheet.summary"``), its msgstr the text, with ``{placeholders}``; a plural entry has one
msgstr per plural form of the catalogue's ``Plural-Forms``, chosen with Babel's plural rules
for the catalogue's locale. Catalogues are read with Babel at first use (no compile step) and
cached. A language whose folder has a region (``en_US``) takes the words it lacks from its
base language (``en``).

:func:`t` returns a label by key, :func:`tn` a plural label; :func:`percent`, :func:`number`
and :func:`money` format numbers the way each language writes them; :func:`headline` builds the
one-sentence headline in either language with the rule of :func:`keyrisk.analysis.headline_facts`.
"""

from __future__ import annotations

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

    from keyrisk.analysis import Headline
    from keyrisk.portfolio import BusFactor

__all__ = [
    "LANGS",
    "LOCALE_DIR",
    "NBSP",
    "Catalogue",
    "bus_method",
    "catalogue",
    "check_lang",
    "has",
    "headline",
    "join_names",
    "locale",
    "money",
    "number",
    "percent",
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
    """Fill the placeholders of ``text``: integers as ``lang`` writes them, and no double full
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
        if isinstance(value, int) and not isinstance(value, bool):
            value = number(value, lang)
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
        Values for the ``{placeholders}`` of the label; integers are written the way ``lang``
        writes numbers.

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


def _group(digits: str, sep: str) -> str:
    out = []
    while len(digits) > 3:
        out.append(digits[-3:])
        digits = digits[:-3]
    out.append(digits)
    return sep.join(reversed(out))


def number(value: float, lang: str, decimals: int = 0) -> str:
    """Return ``value`` written the way ``lang`` writes numbers.

    Examples
    --------
    >>> number(1234567.891, "fr", 2) == "1\\u00a0234\\u00a0567,89"
    True
    >>> number(1234567.891, "en", 1)
    '1,234,567.9'
    """
    check_lang(lang)
    if value is None or not math.isfinite(float(value)):
        return t("value.not_available", lang)
    text = f"{abs(float(value)):.{decimals}f}"
    whole, _, frac = text.partition(".")
    sep, dec = (NBSP, ",") if lang == "fr" else (",", ".")
    out = _group(whole, sep) + (dec + frac if frac else "")
    if float(value) < 0 and float(text) != 0:
        out = "-" + out
    return out


def percent(share: float, lang: str, decimals: int = 0) -> str:
    """Return a share (0.62) as a percentage ("62 %" in French, "62%" in English).

    Examples
    --------
    >>> percent(0.6249, "fr", 1) == "62,5\\u00a0%"
    True
    >>> percent(0.62, "en")
    '62%'
    """
    if share is None or not math.isfinite(float(share)):
        return t("value.not_available", lang)
    text = number(100.0 * float(share), lang, decimals)
    return f"{text}{NBSP}%" if lang == "fr" else f"{text}%"


def money(value: float, lang: str, basis: str = "revenue") -> str:
    """Return an amount ("4 091 890 €" in French, "4,091,890" in English).

    In count basis the amount is a number of accounts.

    Examples
    --------
    >>> money(4091890.36, "fr") == "4\\u00a0091\\u00a0890\\u00a0€"
    True
    >>> money(12.0, "en", "count")
    '12 accounts'
    """
    if basis == "count":
        return tn("unit.accounts", round(value), lang)
    text = number(value, lang)
    return f"{text}{NBSP}€" if lang == "fr" else text


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


def bus_method(bus: BusFactor, lang: str) -> str:
    """Return how a bus factor was obtained, in ``lang``: the one label shown everywhere.

    The translation of :attr:`keyrisk.portfolio.BusFactor.label`: the method, and the proven
    lower bound when the value is not proven to be the minimum.

    Examples
    --------
    >>> from keyrisk.portfolio import BusFactor
    >>> b = BusFactor(3, ("A", "B", "C"), "greedy upper bound", 2, (1.0, 2.0, 3.0), 3.0, 0.0)
    >>> bus_method(b, "en")
    'greedy search (upper bound); upper bound; lower bound: 2'
    >>> bus_method(BusFactor(2, ("A", "B"), "exact", 2, (1.0, 2.0), 2.0, 0.0), "fr")
    'exacte'
    """
    text = t(f"method.{bus.method}", lang)
    if not bus.is_exact and bus.lower_bound is not None:
        text += t("list.sep", lang) + t("note.lower_bound", lang, lower=bus.lower_bound)
    return text


def headline(facts: Headline, lang: str) -> str:
    """Return the one-sentence headline in ``lang``, rendered from its facts.

    Parameters
    ----------
    facts : keyrisk.analysis.Headline
        The facts (:attr:`keyrisk.analysis.Portfolio.headline_facts`): the rule lives in
        :func:`keyrisk.analysis.headline_facts` only; the words in the catalogues
        (``headline.*``).
    lang : str
        A language of :data:`LANGS`.

    Returns
    -------
    str

    Examples
    --------
    >>> from keyrisk.analysis import headline_facts
    >>> from keyrisk.portfolio import BusFactor
    >>> b = BusFactor(2, ("Marie Dupont", "Jean Martin"), "exact", 2, (40.0, 62.0), 50.0, 0.0)
    >>> h = headline_facts(b, 0.7, 0.0, 100.0, "revenue")
    >>> headline(h, "fr").replace(NBSP, " ")
    "62 % du chiffre d'affaires repose sur Marie Dupont et Jean Martin"
    >>> headline(h, "en")
    '62% of revenue depends on Marie Dupont and Jean Martin'
    >>> b = BusFactor(5, ("A", "B", "C", "D", "E"), "exact", 5, (), 61.0, 22.0)
    >>> headline(headline_facts(b, 100 / 122, 22 / 122, 122.0, "count"), "fr").replace(NBSP, " ")
    "82 % des comptes reposent sur une seule personne et 18 % n'ont aucun détenteur actif"
    """
    lang = check_lang(lang)
    suffix = ".count" if facts.basis != "revenue" else ""
    if facts.kind == "empty":
        return t("headline.none" + suffix, lang)
    if facts.kind == "already":
        return t("headline.orphaned" + suffix, lang, share=percent(facts.share, lang))
    if facts.kind == "depends":
        people = join_names(list(facts.people), lang)
        if facts.mentions_orphaned:
            share, already = facts.shown_shares(1)
            return t(
                "headline.depends_including" + suffix,
                lang,
                share=percent(share, lang, 1),
                people=people,
                already=percent(already, lang, 1),
            )
        return t("headline.depends" + suffix, lang, share=percent(facts.share, lang), people=people)
    one, none = facts.one_holder_share, facts.no_holder_share
    if one <= 0 and none <= 0:
        return t("headline.single_nobody" + suffix, lang)
    if one <= 0:
        return t("headline.no_holder" + suffix, lang, share=percent(none, lang))
    if none > 0:
        return t(
            "headline.single_and_none" + suffix,
            lang,
            share=percent(one, lang),
            none=percent(none, lang),
        )
    return t("headline.single" + suffix, lang, share=percent(one, lang))
