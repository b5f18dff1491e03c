"""Roles and departments of the staff table read as words: one rule for management and accounting.

The rule is used three times and written once: the weak signal "management pulled into client
work" (:mod:`keyrisk.signals`), the second contacts that the next steps propose
(:mod:`keyrisk.actions`) and the backups of the continuity plan (:mod:`keyrisk.plan`) — the
director pulled into every client is a warning sign, not a remedy, and the accountant does not
hold client relationships.

Matching is done on one normalised form (:func:`fold`): casefolded, accents removed,
punctuation read as spaces; a role matches by whole words or by a phrase.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = [
    "ACCOUNTING_WORDS",
    "MANAGEMENT_PHRASES",
    "MANAGEMENT_WORDS",
    "fold",
    "is_accounting",
    "is_excluded_role",
    "is_management",
]


def _words(text: str) -> list[str]:
    return text.split()


#: Words of a role or department that mark management (accents and case ignored).
MANAGEMENT_WORDS: Final = frozenset(
    _words(
        "directeur directrice director direction dg pdg ceo coo cfo cto daf raf president "
        "presidente gerant gerante vice vp chief founder cofounder fondateur fondatrice associe "
        "associee partner board management managing chairman chairwoman"
    )
)
#: Phrases of a role that mark management.
MANAGEMENT_PHRASES: Final = (
    "managing director",
    "general manager",
    "directeur general",
    "directrice generale",
    "head of",
    "administratif et financier",
    "chef d entreprise",
)
#: Words of a role or department that mark accounting and finance.
ACCOUNTING_WORDS: Final = frozenset(
    _words(
        "comptable comptabilite accountant accounting finance financier financiere tresorerie "
        "treasury bookkeeper controller controleur"
    )
)


def fold(text: object) -> str:
    """Return ``text`` casefolded, without accents, punctuation as single spaces.

    Examples
    --------
    >>> fold("Directrice Générale — Île-de-France"), fold(None)
    ('directrice generale ile de france', '')
    """
    if not isinstance(text, str):
        return ""
    raw = unicodedata.normalize("NFKD", text.casefold())
    raw = "".join(ch for ch in raw if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", raw).split())


def _matches(values: tuple[object, ...], words: frozenset[str], phrases: tuple[str, ...]) -> bool:
    for value in values:
        folded = fold(value)
        if not folded:
            continue
        if set(folded.split()) & words:
            return True
        padded = f" {folded} "
        if any(f" {p} " in padded for p in phrases):
            return True
    return False


def is_management(role: object, department: object = None) -> bool:
    """Return True when a role or department reads as management.

    Examples
    --------
    >>> is_management("Directeur général"), is_management("Technicien SAV", "SAV")
    (True, False)
    >>> is_management("Responsable administratif et financier"), is_management(None, "Direction")
    (True, True)
    >>> is_management("Sales Manager"), is_management("Account Executive")
    (False, False)
    """
    return _matches((role, department), MANAGEMENT_WORDS, MANAGEMENT_PHRASES)


def is_accounting(role: object, department: object = None) -> bool:
    """Return True when a role or department reads as accounting or finance.

    Examples
    --------
    >>> is_accounting("Assistante", "Comptabilité"), is_accounting("Commercial")
    (True, False)
    """
    return _matches((role, department), ACCOUNTING_WORDS, ())


def is_excluded_role(role: object, department: object = None) -> bool:
    """Return True for management and accounting: never proposed as a second contact or backup.

    Examples
    --------
    >>> is_excluded_role("Directeur général"), is_excluded_role("Assistante", "Comptabilité")
    (True, True)
    >>> is_excluded_role("Sales Manager"), is_excluded_role("Technicien SAV", "SAV")
    (False, False)
    >>> is_excluded_role("Account Executive"), is_excluded_role("Chief Executive Officer")
    (False, True)
    """
    return is_management(role, department) or is_accounting(role, department)
