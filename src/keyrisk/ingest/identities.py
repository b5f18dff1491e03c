"""Who is who: one display name per person or client, aliases, and near-duplicate names.

Names reach this module already tidied by :func:`keyrisk.ingest.values.normalise_names`.
Names equal once case-folded are the same person and are shown as first written. Names that
are merely similar ("Jean Martin" and "Jeanne Martin", "DUPONT Marie" and
"marie.dupont@acme.fr") are never merged silently: :func:`near_duplicates` lists them so that
the report can suggest aliases.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from keyrisk.errors import UsageError
from keyrisk.ingest.values import _take_text, normalise_names, strip_accents

__all__ = ["apply_aliases", "match_key", "near_duplicates", "unify_names"]

STRING = pd.StringDtype()
_NEIGHBOURS = 6
_COLUMNS = ["kind", "name", "similar_to", "similarity"]


def unify_names(values: pd.Series) -> pd.Series:
    """Show names that differ only by case as they were first written.

    Parameters
    ----------
    values : pandas.Series
        Normalised names (``string`` dtype, <NA> allowed).

    Returns
    -------
    pandas.Series
        ``string`` dtype, same index: each name replaced by the first name (in the Series order)
        equal to it after :meth:`str.casefold`.

    Examples
    --------
    >>> unify_names(pd.Series(["Marie Dupont", "MARIE DUPONT", None, "marie dupont"])).tolist()
    ['Marie Dupont', 'Marie Dupont', <NA>, 'Marie Dupont']
    """
    text = values.astype(STRING)
    codes, uniques = pd.factorize(text)  # uniques in order of first appearance
    codes = np.asarray(codes)
    if len(uniques) == 0:
        return pd.Series(pd.NA, index=values.index, dtype=STRING)
    names = pd.Series(uniques, dtype=STRING).reset_index(drop=True)
    keys = names.str.casefold()
    display = names.groupby(keys, sort=False).transform("first").astype(STRING)
    return _take_text(display, codes, values.index)


def apply_aliases(values: pd.Series, aliases: Mapping[str, str]) -> tuple[pd.Series, set[str]]:
    """Replace aliases by their canonical name.

    Parameters
    ----------
    values : pandas.Series
        Names (normalised or not).
    aliases : mapping of str to str
        ``{alias: canonical}``. Both sides are normalised (:func:`normalise_names`) and aliases
        are matched case-insensitively (:meth:`str.casefold`). One pass: the canonical name of an
        alias is not looked up again.

    Returns
    -------
    values : pandas.Series
        ``string`` dtype, same index, aliases replaced by the normalised canonical name.
    unused : set of str
        The aliases (as given) that matched no value; the pipeline reports ``alias-unused``.

    Raises
    ------
    keyrisk.errors.UsageError
        When an alias is empty, or when two aliases equal after case-folding point to different
        names.

    Examples
    --------
    >>> s = pd.Series(["JM", "Marie", "jm"])
    >>> new, unused = apply_aliases(s, {"jm": "Jean Martin", "Bob": "Robert"})
    >>> new.tolist(), unused
    (['Jean Martin', 'Marie', 'Jean Martin'], {'Bob'})
    """
    text = normalise_names(values)
    if not aliases:
        return text, set()
    given = list(aliases)
    alias_names = normalise_names(pd.Series(given, dtype=object))
    targets = normalise_names(pd.Series([aliases[a] for a in given], dtype=object))
    table: dict[str, str] = {}
    origin: dict[str, list[str]] = {}
    for raw, alias, target in zip(given, alias_names, targets, strict=True):
        if pd.isna(alias) or pd.isna(target):
            raise UsageError(f"The alias {raw!r} -> {aliases[raw]!r} has an empty side.")
        key = str(alias).casefold()
        if key in table and table[key] != target:
            raise UsageError(
                f"The alias {raw!r} is given twice with different names "
                f"({table[key]!r} and {target!r})."
            )
        table[key] = str(target)
        origin.setdefault(key, []).append(raw)
    keys = text.str.casefold()
    replaced = keys.map(table)  # NaN where no alias
    hit = replaced.notna().to_numpy(dtype=bool)
    out = text.copy()
    out[hit] = replaced[hit].astype(STRING)
    used = set(keys[hit].unique())
    unused = {raw for key, raws in origin.items() if key not in used for raw in raws}
    return out, unused


def match_key(names: pd.Series) -> pd.Series:
    """The comparison key of near-duplicate detection.

    Lower case without accents; for an email address only the local part, split on ``.``,
    ``_``, ``-`` and ``+``; punctuation becomes spaces; the words are sorted. So
    ``DUPONT Marie``, ``Marie Dupont`` and ``marie.dupont@acme.fr`` share the key
    ``dupont marie``.

    Examples
    --------
    >>> match_key(pd.Series(["DUPONT Marie", "marie.dupont@acme.fr", "Hélène  O'Brien"])).tolist()
    ['dupont marie', 'dupont marie', 'brien helene o']
    """
    text = strip_accents(names.astype(STRING))
    text = text.str.replace(r"^([^@\s]+)@\S+$", r"\1", regex=True)
    text = text.str.replace(r"[^\w]+|_", " ", regex=True).str.strip()
    words = text.str.split()
    return pd.Series(
        [" ".join(sorted(w)) if isinstance(w, list) else "" for w in words],
        index=names.index,
        dtype=STRING,
    )


#: Similarity given to a name written with initials ("J. Lefevre" ~ "Jean Lefèvre").
INITIALS_SIMILARITY = 0.9


def _initial_matches(keys: Sequence[str]) -> list[tuple[int, int]]:
    """Pairs of keys where one writes some words of the other as initials.

    ``"j lefevre"`` matches ``"jean lefevre"``: every word of more than one letter is in the
    other key, and each one-letter word is the initial of one of the other key's remaining
    words. Only keys with a one-letter word are looked at, through an index of words.
    """
    tokens = [k.split() for k in keys]
    index: dict[str, list[int]] = {}
    for i, words in enumerate(tokens):
        for w in set(words):
            if len(w) > 1:
                index.setdefault(w, []).append(i)
    out: list[tuple[int, int]] = []
    for i, words in enumerate(tokens):
        initials = [w for w in words if len(w) == 1]
        full = [w for w in words if len(w) > 1]
        if not initials or not full:
            continue
        candidates = set(index.get(full[0], ()))
        for w in full[1:]:
            candidates &= set(index.get(w, ()))
        for j in sorted(candidates - {i}):
            rest = list(tokens[j])
            for w in full:
                rest.remove(w)
            if len(rest) != len(initials):
                continue
            if sorted(w[0] for w in rest) == sorted(initials):
                out.append((min(i, j), max(i, j)))
    return sorted(set(out))


def _group_by_key(keys: np.ndarray, names: np.ndarray) -> tuple[list[str], list[list[str]]]:
    """The distinct keys in sorted order and, for each, its names in their original order.

    The same as ``groupby("key", sort=True)["name"].agg(list)``, without a Python call per
    group.
    """
    if len(keys) == 0:
        return [], []
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
    sorted_names = names[order].tolist()
    bounds = [*starts.tolist(), len(keys)]
    groups = [sorted_names[a:b] for a, b in itertools.pairwise(bounds)]
    return sorted_keys[starts].tolist(), groups


def _nearest_pairs(vectors: Any, k: int, threshold: float) -> list[tuple[int, int, float]]:
    """Pairs (i, j, similarity) of the ``k`` nearest neighbours j != i of each row i (cosine).

    Gives exactly what ``NearestNeighbors(metric="cosine", n_neighbors=k).fit(vectors)
    .kneighbors(vectors)`` gives once filtered on ``similarity >= threshold``, with
    ``similarity = clip(round(1 - distance, 6), 0, 1)``: the distances are computed the same
    way, chunk by chunk, but the neighbour selection (``argpartition``) is only run on the rows
    having more than ``k`` columns close enough to pass the threshold; for the others, those
    columns are all among the ``k`` nearest, whatever the ties.
    """
    from sklearn.preprocessing import normalize
    from sklearn.utils.extmath import safe_sparse_dot

    x = normalize(vectors, copy=True)
    xt = x.T
    n = x.shape[0]
    bound = 1.0 - threshold + 1e-6  # loose: the rounded similarity decides below
    step = max(1, (1 << 24) // max(n, 1))  # about 128 MiB of distances per chunk
    found_i: list[np.ndarray] = []
    found_j: list[np.ndarray] = []
    found_d: list[np.ndarray] = []
    for start in range(0, n, step):
        dist = np.asarray(safe_sparse_dot(x[start : start + step], xt, dense_output=True))
        dist *= -1
        dist += 1
        np.clip(dist, 0.0, 2.0, out=dist)
        close = dist <= bound
        crowded = np.flatnonzero(close.sum(axis=1) > k)
        close[crowded] = False
        rows, cols = np.nonzero(close)
        if len(crowded):
            nearest = np.argpartition(dist[crowded], k - 1, axis=1)[:, :k]
            rows = np.concatenate((rows, np.repeat(crowded, k)))
            cols = np.concatenate((cols, nearest.ravel()))
        found_i.append(rows + start)
        found_j.append(cols)
        found_d.append(dist[rows, cols])
    if not found_i:
        return []
    i_all, j_all = np.concatenate(found_i), np.concatenate(found_j)
    sim = np.clip(np.round(1.0 - np.concatenate(found_d), 6), 0.0, 1.0)
    keep = (i_all != j_all) & (sim >= threshold)
    return list(zip(i_all[keep].tolist(), j_all[keep].tolist(), sim[keep].tolist(), strict=True))


def _empty_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kind": pd.Series([], dtype=STRING),
            "name": pd.Series([], dtype=STRING),
            "similar_to": pd.Series([], dtype=STRING),
            "similarity": pd.Series([], dtype="float64"),
        }
    )


def near_duplicates(
    names: Sequence[str], *, kind: str, threshold: float = 0.75, max_names: int = 20000
) -> pd.DataFrame:
    """Pairs of names that may be the same person or client.

    Parameters
    ----------
    names : sequence of str
        Display names of one kind (staff or accounts); duplicates and empty names are ignored.
    kind : str
        Copied into the ``kind`` column (``"staff"`` or ``"account"``).
    threshold : float, default 0.75
        The smallest similarity listed.
    max_names : int, default 20000
        Above this many distinct names, only the first ``max_names`` in sorted order are
        compared (the brute-force neighbour search grows with the square of the count); the
        frame's ``attrs["truncated"]`` is then True.

    Returns
    -------
    pandas.DataFrame
        Columns ``kind``, ``name``, ``similar_to`` (``string``) and ``similarity``
        (``float64``, rounded to 6 decimals), one row per unordered pair with ``name <
        similar_to``, sorted by similarity (highest first) then name. Names equal after
        case-folding are not listed: they are already one.

    Notes
    -----
    Each name becomes a key (:func:`match_key`); keys are compared by the cosine similarity of
    their TF-IDF vectors of character 2- to 4-grams (``char_wb``),
    ``similarity = u . v / (|u| |v|)``, searching the 6 nearest keys of each key. Names with the
    same key have similarity 1; a name writing words of the other as initials ("J. Lefevre",
    "Jean Lefèvre") has similarity :data:`INITIALS_SIMILARITY` (0.9).

    Examples
    --------
    >>> pairs = near_duplicates(["Marie Dupont", "DUPONT Marie", "Paul Durand"], kind="staff")
    >>> pairs.to_dict("records")
    [{'kind': 'staff', 'name': 'DUPONT Marie', 'similar_to': 'Marie Dupont', 'similarity': 1.0}]
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not 0 < threshold <= 1:
        raise UsageError(f"The similarity threshold must be in (0, 1]; got {threshold!r}.")
    series = normalise_names(pd.Series(list(names), dtype=object)).dropna()
    # One name per case-folded spelling (the first in sorted order), then the keys.
    distinct = pd.Series(sorted(set(series.tolist())), dtype=STRING)
    distinct = distinct[~distinct.str.casefold().duplicated()].reset_index(drop=True)
    truncated = len(distinct) > max_names
    if truncated:
        distinct = distinct.iloc[:max_names]
    keys = match_key(distinct)
    distinct, keys = distinct[keys != ""], keys[keys != ""]
    frame = pd.DataFrame(
        {"name": distinct.to_numpy(dtype=object), "key": keys.to_numpy(dtype=object)}
    )
    pairs: dict[tuple[str, str], float] = {}

    # Same key: similarity 1 for every pair of names sharing it.
    unique_keys, groups = _group_by_key(frame["key"].to_numpy(), frame["name"].to_numpy())
    for members in groups:
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                pairs[(first, second)] = 1.0

    if len(unique_keys) > 1:
        vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit_transform(unique_keys)
        k = min(_NEIGHBOURS, len(unique_keys))
        for i, j, sim in _nearest_pairs(vectors, k, threshold):
            for first in groups[i]:
                for second in groups[j]:
                    pair = (first, second) if first < second else (second, first)
                    pairs[pair] = max(pairs.get(pair, 0.0), sim)

    for i, j in _initial_matches(unique_keys):
        for first in groups[i]:
            for second in groups[j]:
                pair = (first, second) if first < second else (second, first)
                pairs[pair] = max(pairs.get(pair, 0.0), INITIALS_SIMILARITY)

    pairs = {pair: sim for pair, sim in pairs.items() if sim >= threshold}
    if not pairs:
        result = _empty_frame()
    else:
        result = pd.DataFrame(
            {
                "kind": pd.Series([kind] * len(pairs), dtype=STRING),
                "name": pd.Series([p[0] for p in pairs], dtype=STRING),
                "similar_to": pd.Series([p[1] for p in pairs], dtype=STRING),
                "similarity": pd.Series(list(pairs.values()), dtype="float64"),
            }
        )
        result = result.sort_values(
            ["similarity", "name", "similar_to"], ascending=[False, True, True], kind="stable"
        ).reset_index(drop=True)
    result.attrs["truncated"] = truncated
    return result
