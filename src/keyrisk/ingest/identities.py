"""Who is who: one display name per person or client, aliases, and near-duplicate names.

Names reach this module already tidied by :func:`keyrisk.ingest.values.normalise_names`.
Names with the same matching form (:func:`keyrisk.ingest.values.fold`: NFKC and case-folded,
so "Straße" and "STRASSE", "ﬁnn" and "Finn") are the same person and are shown as first
written. Names that
are merely similar ("Jean Martin" and "Jeanne Martin", "DUPONT Marie" and
"marie.dupont@acme.fr") are never merged silently: :func:`near_duplicates` lists them so that
the report can suggest aliases.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from keyrisk.errors import UsageError
from keyrisk.ingest.values import _take_text, fold, fold_names, normalise_names, strip_accents

__all__ = ["aliases_toml", "apply_aliases", "match_key", "near_duplicates", "unify_names"]

STRING = pd.StringDtype()
_NEIGHBOURS = 6
_COLUMNS = ["kind", "name", "similar_to", "similarity"]


def unify_names(values: pd.Series) -> pd.Series:
    """Show names that differ only by case (or compatibility forms) as they were first written.

    Parameters
    ----------
    values : pandas.Series
        Normalised names (``string`` dtype, <NA> allowed).

    Returns
    -------
    pandas.Series
        ``string`` dtype, same index: each name replaced by the first name (in the Series order)
        with the same :func:`~keyrisk.ingest.values.fold`.

    Examples
    --------
    >>> unify_names(pd.Series(["Marie Dupont", "MARIE DUPONT", None, "marie dupont"])).tolist()
    ['Marie Dupont', 'Marie Dupont', <NA>, 'Marie Dupont']
    >>> unify_names(pd.Series(["Straße", "STRASSE"])).tolist()
    ['Straße', 'Straße']
    """
    text = values.astype(STRING)
    codes, uniques = pd.factorize(text)  # uniques in order of first appearance
    codes = np.asarray(codes)
    if len(uniques) == 0:
        return pd.Series(pd.NA, index=values.index, dtype=STRING)
    names = pd.Series(uniques, dtype=STRING).reset_index(drop=True)
    keys = fold_names(names)
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
        are matched on their :func:`~keyrisk.ingest.values.fold` form (case ignored). One pass:
        the canonical name of an alias is not looked up again.

    Returns
    -------
    values : pandas.Series
        ``string`` dtype, same index, aliases replaced by the normalised canonical name.
    unused : set of str
        The aliases (as given) that matched no value; the pipeline reports ``alias-unused``.

    Raises
    ------
    keyrisk.errors.UsageError
        When an alias is empty, or when two aliases with the same folded form point to different
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
        key = fold(str(alias))
        if key in table and table[key] != target:
            raise UsageError(
                f"The alias {raw!r} is given twice with different names "
                f"({table[key]!r} and {target!r})."
            )
        table[key] = str(target)
        origin.setdefault(key, []).append(raw)
    keys = fold_names(text)
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


_PAIRS = tuple[np.ndarray, np.ndarray, np.ndarray]


def _dense_rows(x: Any, xt: Any, rows: np.ndarray, k: int, bound: float) -> _PAIRS:
    """(i, j, distance) of the close neighbours of ``rows``, from their full distance rows.

    A row with more than ``k`` columns within ``bound`` keeps its ``k`` nearest, chosen by
    ``argpartition`` as scikit-learn's ``kneighbors`` does; the others keep those columns.
    """
    from sklearn.utils.extmath import safe_sparse_dot

    n = x.shape[0]
    step = max(1, (1 << 24) // max(n, 1))  # about 128 MiB of distances per chunk
    found_i: list[np.ndarray] = []
    found_j: list[np.ndarray] = []
    found_d: list[np.ndarray] = []
    for start in range(0, len(rows), step):
        part = rows[start : start + step]
        dist = np.asarray(safe_sparse_dot(x[part], xt, dense_output=True))
        dist *= -1
        dist += 1
        np.clip(dist, 0.0, 2.0, out=dist)
        close = dist <= bound
        crowded = np.flatnonzero(close.sum(axis=1) > k)
        close[crowded] = False
        r, c = np.nonzero(close)
        if len(crowded):
            nearest = np.argpartition(dist[crowded], k - 1, axis=1)[:, :k]
            r = np.concatenate((r, np.repeat(crowded, k)))
            c = np.concatenate((c, nearest.ravel()))
        found_i.append(part[r])
        found_j.append(c)
        found_d.append(dist[r, c])
    if not found_i:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    return np.concatenate(found_i), np.concatenate(found_j), np.concatenate(found_d)


def _candidates(x: Any, min_sim: float, limit: float) -> tuple[np.ndarray, np.ndarray] | None:
    """Pairs (i, j) sorted by i (i == j included) that may have a cosine of ``min_sim`` or more.

    None when there may be more than ``limit`` of them (pruning would not pay).

    Prefix filtering: with the features of every row ordered rarest first, the prefix of a row
    is its leading features up to where the rest of the row weighs less than ``min_sim`` (L2).
    Two unit rows sharing no feature of their prefixes have a cosine below ``min_sim``, so the
    pairs sharing one are the only candidates.
    """
    import scipy.sparse as sp

    coo = x.tocoo()
    n, nf = x.shape
    df = np.bincount(coo.col, minlength=nf)
    rank = np.empty(nf, dtype=np.int64)
    rank[np.lexsort((np.arange(nf), df))] = np.arange(nf)
    order = np.lexsort((rank[coo.col], coo.row))
    row, col, val = coo.row[order].astype(np.int64), coo.col[order], coo.data[order]
    tail = np.cumsum((val * val)[::-1])[::-1]  # weight from each entry to the end of all rows
    ends = np.searchsorted(row, np.arange(1, n + 1))  # first entry of the next row
    after = np.append(tail, 0.0)[ends]  # weight of the rows below each row
    prefix = tail - after[row] >= min_sim * min_sim * (1.0 - 1e-9)
    shared = np.bincount(col[prefix], minlength=nf).astype(np.float64)
    if float(shared @ shared) > limit:  # an upper bound of the number of candidates
        return None
    p = sp.csr_matrix((np.ones(int(prefix.sum())), (row[prefix], col[prefix])), shape=(n, nf))
    both = (p @ p.T).tocoo()
    order = np.lexsort((both.col, both.row))
    return both.row[order].astype(np.int64), both.col[order].astype(np.int64)


def _nearest_pairs(vectors: Any, k: int, threshold: float) -> list[tuple[int, int, float]]:
    """Pairs (i, j, similarity) of the ``k`` nearest neighbours j != i of each row i (cosine).

    Gives exactly what ``NearestNeighbors(metric="cosine", n_neighbors=k).fit(vectors)
    .kneighbors(vectors)`` gives once filtered on ``similarity >= threshold``, with
    ``similarity = clip(round(1 - distance, 6), 0, 1)``, without computing every distance:

    - the pairs that can pass the threshold are found by prefix filtering (:func:`_candidates`);
    - their distances are computed by the same kernel, in the same order of operations, as the
      full distance rows (so to the same bits);
    - a row with at most ``k`` columns within the threshold keeps them: they are among its
      ``k`` nearest whatever the ties; a row with more gets its full distance row and the same
      ``argpartition`` as scikit-learn (:func:`_dense_rows`).

    When pruning would keep more than 1/64 of the pairs (low thresholds), every distance is
    computed instead.
    """
    from sklearn.preprocessing import normalize
    from sklearn.utils.extmath import safe_sparse_dot

    x = normalize(vectors, copy=True)
    xt = x.T.tocsr()  # the product kernel wants CSR: converted once, not once per chunk
    n = x.shape[0]
    bound = 1.0 - threshold + 1e-6  # loose: the rounded similarity decides below
    found = _candidates(x, threshold - 1e-5, limit=n * n / 64)
    if found is None:  # little to prune: every distance
        i_all, j_all, d_all = _dense_rows(x, xt, np.arange(n), k, bound)
    else:
        ci, cj = found
        # the candidates' distances, computed as the full rows would give them
        dist = np.empty(len(ci))
        starts = np.searchsorted(ci, np.arange(0, n + 256, 256))
        for a, (lo, hi) in zip(range(0, n, 256), itertools.pairwise(starts.tolist()), strict=True):
            if lo == hi:
                continue
            cols = np.unique(cj[lo:hi])
            block = np.asarray(
                safe_sparse_dot(x[a : a + 256], x[cols].T.tocsr(), dense_output=True)
            )
            dist[lo:hi] = block[ci[lo:hi] - a, np.searchsorted(cols, cj[lo:hi])]
        dist *= -1
        dist += 1
        np.clip(dist, 0.0, 2.0, out=dist)
        close = dist <= bound
        ci, cj, dist = ci[close], cj[close], dist[close]
        counts = np.bincount(ci, minlength=n)
        calm = counts[ci] <= k
        ri, rj, rd = _dense_rows(x, xt, np.flatnonzero(counts > k), k, bound)
        i_all = np.concatenate((ci[calm], ri))
        j_all = np.concatenate((cj[calm], rj))
        d_all = np.concatenate((dist[calm], rd))
    sim = np.clip(np.round(1.0 - d_all, 6), 0.0, 1.0)
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
        similar_to``, sorted by similarity (highest first) then name. Names with the same folded
        form are not listed: they are already one.

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
    # One name per folded spelling (the first in sorted order), then the keys.
    distinct = pd.Series(sorted(set(series.tolist())), dtype=STRING)
    distinct = distinct[~fold_names(distinct).duplicated()].reset_index(drop=True)
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


def _toml_string(text: str) -> str:
    """``text`` as a TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def aliases_toml(pairs: pd.DataFrame, counts: Mapping[str, Mapping[str, int]]) -> str:
    """Return a ready-to-paste ``[aliases]`` block merging near-duplicate names.

    Parameters
    ----------
    pairs : pandas.DataFrame
        Columns ``kind``, ``name``, ``similar_to``, as :func:`near_duplicates` returns them.
    counts : mapping
        Per kind ("staff", "account"), ``{name: number of cells}`` in the order the names were
        first seen; a name missing counts 0 and comes after the others.

    Returns
    -------
    str
        One table per kind (``[aliases.staff]`` then ``[aliases.account]``, a blank line
        between) with one ``"alias" = "name"`` line per alias; ``""`` without pairs.

    Notes
    -----
    Names linked by pairs form groups (connected components, so "A" ~ "B" and "B" ~ "C" is
    one group). Each group keeps the name written most often, ties going to the one seen first;
    every other name of the group becomes its alias (aliases are applied in one pass: no chain).
    Groups come in the order their kept name was first seen, aliases likewise within a group.
    The block is a suggestion: names that are different people or clients must be removed.

    Examples
    --------
    >>> pairs = pd.DataFrame({"kind": ["staff"], "name": ["J. Martin"],
    ...                       "similar_to": ["Jean Martin"], "similarity": [0.9]})
    >>> print(aliases_toml(pairs, {"staff": {"Jean Martin": 5, "J. Martin": 1}}))
    [aliases.staff]
    "J. Martin" = "Jean Martin"
    <BLANKLINE>
    """
    tables = []
    for kind in ("staff", "account"):
        of_kind = pairs[pairs["kind"] == kind]
        if not len(of_kind):
            continue
        seen = counts.get(kind, {})
        rank = {name: i for i, name in enumerate(seen)}

        def first_seen(name: str, rank: Mapping[str, int] = rank) -> tuple[int, str]:
            return (rank.get(name, len(rank)), name)

        links = zip(of_kind["name"].astype(str), of_kind["similar_to"].astype(str), strict=True)
        chosen = []
        for members in _components(links):
            keep = min(members, key=lambda n: (-int(seen.get(n, 0)), first_seen(n)))
            others = sorted((m for m in members if m != keep), key=first_seen)
            chosen.append((first_seen(keep), keep, others))
        lines = [f"[aliases.{kind}]"]
        for _, keep, others in sorted(chosen):
            lines += [f"{_toml_string(alias)} = {_toml_string(keep)}" for alias in others]
        tables.append("\n".join(lines) + "\n")
    return "\n".join(tables)


def _components(links: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The groups of names that ``links`` connect (union-find), each group's names sorted."""
    parent: dict[str, str] = {}

    def root(name: str) -> str:
        parent.setdefault(name, name)
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    for a, b in links:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for name in sorted(parent):
        groups.setdefault(root(name), []).append(name)
    return list(groups.values())
