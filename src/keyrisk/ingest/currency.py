"""The currency of the amounts: read from the data or given by the user, never invented.

A currency is known when a money column's header names it (``CA HT (€)``, ``Amount (USD)``,
``montant_eur``), when its values carry a symbol or a code (``1 200 €``, ``$1,200``,
``R$ 300``, ``USD 50``), or when a currency column holds one code (``Currency = CHF``). Files
that disagree leave it unknown (``None``) with an ``ambiguous-currency`` warning; the user's
``currency`` (``keyrisk.load(currency=...)``, ``[report] currency`` of keyrisk.toml) always
wins. Unknown means the report prints amounts without a symbol.

Codes are ISO 4217. Only unambiguous marks are read: ``$`` alone is the US dollar (as
spreadsheets use it), ``C$``/``CA$``, ``A$``/``AU$``, ``R$``... the other dollars; ``¥`` and
``kr`` (several currencies each) are not read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from keyrisk.errors import UsageError

__all__ = [
    "CODES",
    "MARK_PATTERN",
    "SYMBOLS",
    "Evidence",
    "by_code",
    "currency_code",
    "currency_of_header",
    "currency_of_value",
    "currency_of_values",
    "decide",
    "is_currency_column",
    "normalise_currency",
]

#: ISO 4217 codes read in headers and values (the common ones: a three-letter word is only a
#: code when it is one of these).
_ISO_CODES = (
    "EUR USD GBP CHF CAD AUD NZD JPY CNY HKD SGD INR BRL MXN ARS CLP COP PEN SEK NOK DKK "
    "ISK PLN CZK HUF RON BGN RUB UAH TRY ILS AED SAR QAR ZAR MAD TND DZD EGP XOF XAF KRW "
    "TWD THB MYR IDR PHP VND "
)
CODES: frozenset[str] = frozenset(_ISO_CODES.split())
#: Words of a header that are also codes but, in a header, far more often a word.
_HEADER_WORDS_NOT_CODES = frozenset({"try", "mad", "php", "ils", "pen", "cop", "ars", "sar"})

#: Symbols read, longest first, with their code.
SYMBOLS: tuple[tuple[str, str], ...] = (
    ("US$", "USD"),
    ("CA$", "CAD"),
    ("AU$", "AUD"),
    ("NZ$", "NZD"),
    ("HK$", "HKD"),
    ("MX$", "MXN"),
    ("R$", "BRL"),
    ("C$", "CAD"),
    ("A$", "AUD"),
    ("S$", "SGD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("$", "USD"),
    ("₹", "INR"),
    ("₽", "RUB"),
    ("₺", "TRY"),
    ("₩", "KRW"),
    ("₪", "ILS"),
    ("₴", "UAH"),
    ("zł", "PLN"),
    ("Kč", "CZK"),
)
_SYMBOL_CODE = dict(SYMBOLS)
_WORDS = {"euro": "EUR", "euros": "EUR", "eur": "EUR"}

_SYMBOL_RE = "|".join(re.escape(s) for s, _ in SYMBOLS)
_CODE_RE = "|".join(sorted(CODES))
#: A currency mark next to a number (what :func:`keyrisk.ingest.values.parse_numbers` strips).
MARK_PATTERN = rf"(?:{_SYMBOL_RE}|(?i:{_CODE_RE}))"
# a mark before or after the number, the cell holding nothing else but signs and brackets
_VALUE = re.compile(
    rf"^\s*[-+(]?\s*(?P<before>{MARK_PATTERN})?\s*[-+]?\s*"
    r"(?P<number>\d[\d\s.,'\u00a0\u202f]*)"
    rf"\s*(?P<after>{MARK_PATTERN})?\s*[-)]?\s*$"
)
_PLAIN = r"[^\d\s.,'()+\-]"
_HEADER_SYMBOL = re.compile(rf"(?<![A-Za-z])(?:{_SYMBOL_RE})")
_HEADER_WORD = re.compile(r"[A-Za-z]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")

#: Headers (as keys: lower case, words) of a column holding each row's currency code.
_CURRENCY_COLUMNS = frozenset(
    {
        "currency",
        "currency code",
        "currency iso code",
        "devise",
        "code devise",
        "monnaie",
        "deal currency",
        "opportunity currency",
        "moneda",
        "wahrung",
    }
)


def _code_of_mark(mark: str) -> str:
    return _SYMBOL_CODE.get(mark) or mark.upper()


def currency_code(text: str) -> str | None:
    """Return the code a cell of a currency column holds (a known code or symbol), or None.

    Examples
    --------
    >>> currency_code("eur"), currency_code("€"), currency_code("Yes")
    ('EUR', 'EUR', None)
    """
    text = text.strip()
    if text in _SYMBOL_CODE:
        return _SYMBOL_CODE[text]
    return text.upper() if text.upper() in CODES else None


def currency_of_header(header: str) -> str | None:
    """Return the currency a column header names, or None.

    Examples
    --------
    >>> currency_of_header("CA HT (€)"), currency_of_header("montant_eur")
    ('EUR', 'EUR')
    >>> currency_of_header("close_value") is None
    True
    """
    found: set[str] = set()
    for m in _HEADER_SYMBOL.finditer(header):
        found.add(_SYMBOL_CODE[m.group(0)])
    for word in _HEADER_WORD.findall(_CAMEL.sub(" ", header)):
        w = word.casefold()
        if w in _WORDS:
            found.add(_WORDS[w])
        elif len(w) == 3 and w.upper() in CODES and w not in _HEADER_WORDS_NOT_CODES:
            found.add(w.upper())
    return found.pop() if len(found) == 1 else None


def currency_of_value(text: str) -> str | None:
    """Return the currency marked on an amount (``"1 200 €"``, ``"$4"``, ``"USD 50"``), or None.

    Examples
    --------
    >>> currency_of_value("R$ 300"), currency_of_value("50 usd"), currency_of_value("1 863,40")
    ('BRL', 'USD', None)
    """
    m = _VALUE.match(text)
    if m is None:
        return None
    before, after = m.group("before"), m.group("after")
    if before and after and _code_of_mark(before) != _code_of_mark(after):
        return None
    mark = before or after
    return _code_of_mark(mark) if mark else None


def currency_of_values(values: pd.Series) -> set[str]:
    """Return the currencies marked on the text cells of a column (each distinct cell once).

    Examples
    --------
    >>> sorted(currency_of_values(pd.Series(["10 €", "12", "$4"], dtype="string")))
    ['EUR', 'USD']
    """
    found: set[str] = set()
    text = values.dropna()
    if isinstance(text.dtype, pd.StringDtype):
        # only cells holding something else than digits, spaces, signs and separators
        text = text[text.str.contains(_PLAIN, regex=True).fillna(False).astype(bool)]
    for value in pd.unique(text.to_numpy(dtype=object)):
        if isinstance(value, str):
            code = currency_of_value(value)
            if code is not None:
                found.add(code)
    return found


def is_currency_column(key: str) -> bool:
    """True when a header (as :func:`keyrisk.ingest.layouts.key` writes it) is a currency column.

    Examples
    --------
    >>> is_currency_column("deal currency"), is_currency_column("amount")
    (True, False)
    """
    return key in _CURRENCY_COLUMNS


def normalise_currency(value: str) -> str:
    """Return the ISO 4217 code of a currency the user gives (a code or a symbol).

    Any three letters are taken as a code (the list of :data:`CODES` is only what the data is
    read for).

    Raises
    ------
    UsageError
        When ``value`` is neither three letters nor a known symbol.

    Examples
    --------
    >>> normalise_currency("eur"), normalise_currency("€"), normalise_currency("R$")
    ('EUR', 'EUR', 'BRL')
    """
    text = str(value).strip()
    if text in _SYMBOL_CODE:
        return _SYMBOL_CODE[text]
    if len(text) == 3 and text.isascii() and text.isalpha():
        return text.upper()
    raise UsageError(
        f"The currency must be an ISO 4217 code such as EUR, USD or GBP (or a symbol such as €); "
        f"got {value!r}."
    )


@dataclass(frozen=True)
class Evidence:
    """Where a currency was read: the file, the column and how (header, values, column)."""

    code: str
    file: str
    column: str
    how: str

    def __str__(self) -> str:
        return f"{self.code} ({self.file}, {self.how} of {self.column!r})"


def decide(
    evidence: Sequence[Evidence], given: str | None = None
) -> tuple[str | None, list[Evidence]]:
    """Return the dataset's currency and the evidence that contradicts it (to be reported).

    The user's ``given`` currency wins; otherwise one code met everywhere is the currency;
    several codes leave it unknown.

    Examples
    --------
    >>> decide([Evidence("EUR", "a.csv", "CA (€)", "header")])
    ('EUR', [])
    >>> decide([Evidence("EUR", "a.csv", "CA (€)", "header"),
    ...         Evidence("USD", "b.csv", "Amount", "values")])[0] is None
    True
    """
    codes = {e.code for e in evidence}
    if given is not None:
        return given, [e for e in evidence if e.code != given]
    if len(codes) == 1:
        return codes.pop(), []
    return None, list(evidence)


def by_code(evidence: Iterable[Evidence]) -> Mapping[str, list[Evidence]]:
    """Group evidence by code, codes in alphabetical order."""
    out: dict[str, list[Evidence]] = {}
    for e in sorted(evidence, key=lambda e: (e.code, e.file, e.column)):
        out.setdefault(e.code, []).append(e)
    return out
