"""Recover text lines that have more fields than the header (private: used by the text reader).

A line of an unquoted export gets one field too many when a free-text cell holds the separator
("3, rue du Port" in a comma-separated file). The columns' patterns, learnt from the file's
well-formed lines, tell where the stray separator can sit: every way of merging neighbouring
fields back into one cell (and of dropping empty trailing fields) is tried, and a reading is
kept when each of its cells looks like its column. When exactly one reading fits, the line is
recovered whole; when several fit, only the columns on which they all agree are certain and the
others are left empty; when none fits, the line stays rejected.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["MIN_LEARNING_ROWS", "ColumnProfile", "Reading", "learn", "recover"]

#: Well-formed lines needed before any pattern is trusted.
MIN_LEARNING_ROWS = 10
#: Values per column looked at to learn its pattern (distinct values, in file order).
MAX_LEARNING_VALUES = 20_000
#: Extra fields beyond which a line is not tried (the readings grow combinatorially).
MAX_EXTRA_FIELDS = 4
#: Readings tried per line, at most (a line with more is rejected), and cells looked at.
MAX_READINGS = 5_000
MAX_READING_CELLS = 200_000


def _fine(c: str) -> str:
    """Character class: 9 digit, A upper, a lower or caseless letter, space, else itself."""
    if c.isdigit():
        return "9"
    if c.isalpha():
        return "A" if c.isupper() else "a"
    if c.isspace():
        return " "
    return c


def _coarse(c: str) -> str:
    """Coarser class: 9 digit, L letter, space, p any other character."""
    k = _fine(c)
    if k in "Aa":
        return "L"
    return k if k in "9 " else "p"


_ASCII_CLASS = str.maketrans(
    {
        **{c: "9" for c in "0123456789"},
        **{c: "A" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
        **{c: "a" for c in "abcdefghijklmnopqrstuvwxyz"},
        **{c: " " for c in " \t\n\r\x0b\x0c"},
    }
)
_RUNS = tuple((re.compile(f"{c}{c}+"), c) for c in "9Aa ")


def shape(value: str) -> str:
    """Return the shape of a value: runs of digits, capitals, small letters, spaces collapsed.

    Examples
    --------
    >>> shape("1996-07-04 00:00:00.000"), shape("ALFKI"), shape("Obere Str. 57")
    ('9-9-9 9:9:9.9', 'A', 'Aa Aa. 9')
    """
    if value.isascii():
        text = value.translate(_ASCII_CLASS)
        for runs, c in _RUNS:
            text = runs.sub(c, text)
        return text
    out: list[str] = []
    for c in value:
        k = _fine(c)
        if not out or out[-1] != k or k not in "9Aa ":
            out.append(k)
    return "".join(out)


@dataclass(frozen=True)
class ColumnProfile:
    """What the well-formed values of one column look like.

    Attributes
    ----------
    strict : bool
        The column holds codes, numbers or dates (at most 3 shapes, each met at least 10 times
        on average, none with small letters): a value fits only with one of ``shapes``.
    shapes : frozenset of str
        The shapes met (see :func:`shape`).
    starts : frozenset of str
        Classes of the first character met (digit, capital, small letter, space, punctuation).
    chars : frozenset of str
        Coarse classes of all characters met (digit, letter, space, other).
    edge_space : bool
        Some value starts or ends with white space.
    empty : bool
        Some value is empty.
    """

    strict: bool
    shapes: frozenset[str]
    starts: frozenset[str]
    chars: frozenset[str]
    edge_space: bool
    empty: bool

    def fits(self, value: str, *, merged: bool = False, sep: str = ",") -> bool:
        """True when ``value`` looks like the column's values.

        ``merged`` says the value was made of several fields joined by ``sep``: the separator
        then does not count against it (in a strict column it does, being part of the shape).
        """
        if value == "":
            return self.empty
        if not self.edge_space and value != value.strip():
            return False
        if self.strict:
            return shape(value) in self.shapes
        if _fine(value[0]) not in self.starts:
            return False
        return all(_coarse(c) in self.chars or (merged and c == sep) for c in value)


def learn(columns: Sequence[Sequence[str | None]]) -> list[ColumnProfile]:
    """Learn one :class:`ColumnProfile` per column from well-formed values (None = empty)."""
    profiles: list[ColumnProfile] = []
    for values in columns:
        distinct: dict[str, None] = {}
        for v in values:
            distinct.setdefault("" if v is None else v)
            if len(distinct) >= MAX_LEARNING_VALUES:
                break
        filled = [v for v in distinct if v]
        shapes = frozenset(shape(v) for v in filled)
        chars: set[str] = set()
        for v in filled:
            chars.update(_coarse(c) for c in v)
        strict = (
            0 < len(shapes) <= 3
            and len(filled) >= 10 * len(shapes)
            and not any("a" in s for s in shapes)
        )
        profiles.append(
            ColumnProfile(
                strict=strict,
                shapes=shapes,
                starts=frozenset(_fine(v[0]) for v in filled),
                chars=frozenset(chars),
                edge_space=any(v != v.strip() for v in filled),
                empty="" in distinct,
            )
        )
    return profiles


@dataclass(frozen=True)
class Reading:
    """A line read back to the header's width.

    Attributes
    ----------
    values : list of str or None
        One value per column; None where the column is uncertain.
    merged : tuple of int
        Columns that hold a stray separator (when the reading is certain).
    uncertain : tuple of int
        Columns whose value differs between the readings that fit.
    dropped : int
        Empty trailing fields dropped (when the reading is certain).
    """

    values: list[str | None]
    merged: tuple[int, ...] = ()
    uncertain: tuple[int, ...] = ()
    dropped: int = 0


@functools.lru_cache(maxsize=16)
def _merges(nfields: int, ncols: int) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Every way to read ``nfields`` fields as ``ncols`` cells of consecutive fields.

    Each reading gives, per cell, (first field, field count).
    """
    out: list[tuple[tuple[int, int], ...]] = []
    for combo in itertools.combinations_with_replacement(range(ncols), nfields - ncols):
        spans: list[tuple[int, int]] = []
        i = 0
        for j in range(ncols):
            take = 1 + combo.count(j)
            spans.append((i, take))
            i += take
        out.append(tuple(spans))
    return tuple(out)


def _readings(fields: list[str], ncols: int) -> list[tuple[tuple[int, int], ...]]:
    """The readings of ``fields`` (see :func:`_merges`), and dropping empty trailing fields."""
    out = list(_merges(len(fields), ncols))
    if all(not f.strip() for f in fields[ncols:]):
        out.append(tuple((j, 1) for j in range(ncols)))
    return out


def recover(
    fields: list[str],
    profiles: Sequence[ColumnProfile],
    sep: str,
    cache: dict[tuple[int, str, bool], bool] | None = None,
) -> Reading | None:
    """Read back a line with more fields than the header, or None when no reading fits.

    Parameters
    ----------
    fields : list of str
        The line's fields, split on every separator.
    profiles : sequence of ColumnProfile
        One per column, from :func:`learn`.
    sep : str
        The separator.
    cache : dict, optional
        Fit results kept between the lines of one file (column, cell, merged) -> bool.

    Returns
    -------
    Reading or None
        The single reading that fits, or the cells on which all fitting readings agree (the
        others None), or None when no reading fits or the line has too many extra fields.

    Notes
    -----
    With n columns and k extra fields, the readings are the ways to give each column
    1 + k_j consecutive fields with sum k_j = k (C(n + k - 1, k) of them), plus, when the k
    last fields are empty, dropping them. A reading fits when every cell fits its column's
    profile. Lines with more than :data:`MAX_EXTRA_FIELDS` extra fields, or more than
    :data:`MAX_READINGS` readings, are not tried.

    Examples
    --------
    >>> rows = [[str(i), f"{i} rue Haute", "Lyon"] for i in range(1, 13)]
    >>> profiles = learn(list(zip(*rows)))
    >>> r = recover(["13", "3", " rue du Port", "Lyon"], profiles, ",")
    >>> r.values, r.merged
    (['13', '3, rue du Port', 'Lyon'], (1,))
    """
    ncols = len(profiles)
    extra = len(fields) - ncols
    if extra < 1 or extra > MAX_EXTRA_FIELDS:
        return None
    if extra > 1:
        readings = math.comb(ncols + extra - 1, extra)
        if readings > MAX_READINGS or readings * ncols > MAX_READING_CELLS:
            return None
    memo: dict[tuple[int, str, bool], bool] = {} if cache is None else cache

    def fits(j: int, i: int, take: int) -> bool:
        cell = fields[i] if take == 1 else sep.join(fields[i : i + take])
        k = (j, cell, take > 1)
        ok = memo.get(k)
        if ok is None:
            ok = memo[k] = profiles[j].fits(cell, merged=take > 1, sep=sep)
        return ok

    fitting: list[tuple[tuple[int, int], ...]] = []
    if extra == 1:
        # cells before the merged one are at their place, cells after it one field later
        left = [True] * (ncols + 1)  # left[c]: cells 0..c-1 fit unmoved
        for j in range(ncols):
            left[j + 1] = left[j] and fits(j, j, 1)
        right = [True] * (ncols + 1)  # right[c]: cells c..ncols-1 fit one field later
        for j in range(ncols - 1, -1, -1):
            right[j] = right[j + 1] and fits(j, j + 1, 1)
        for c in range(ncols):
            if left[c] and right[c + 1] and fits(c, c, 2):
                fitting.append(
                    (
                        *((j, 1) for j in range(c)),
                        (c, 2),
                        *((j + 1, 1) for j in range(c + 1, ncols)),
                    )
                )
        if not fields[-1].strip() and left[ncols]:
            fitting.append(tuple((j, 1) for j in range(ncols)))
    else:
        for spans in _readings(fields, ncols):
            if all(fits(j, i, take) for j, (i, take) in enumerate(spans)):
                fitting.append(spans)
    if not fitting:
        return None
    cells = [
        [fields[i] if take == 1 else sep.join(fields[i : i + take]) for i, take in spans]
        for spans in fitting
    ]
    if len(fitting) == 1:
        spans = fitting[0]
        merged = tuple(j for j, (_i, take) in enumerate(spans) if take > 1)
        dropped = len(fields) - sum(take for _i, take in spans)
        return Reading(list(cells[0]), merged, (), dropped)
    values: list[str | None] = []
    uncertain: list[int] = []
    for j in range(ncols):
        seen = {c[j] for c in cells}
        if len(seen) == 1:
            values.append(seen.pop())
        else:
            values.append(None)
            uncertain.append(j)
    return Reading(values, (), tuple(uncertain), 0)
