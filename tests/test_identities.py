"""Tests of keyrisk.ingest.identities."""

from __future__ import annotations

import tomllib

import numpy as np
import pandas as pd
import pytest

from keyrisk.errors import UsageError
from keyrisk.ingest.identities import (
    aliases_toml,
    apply_aliases,
    match_key,
    near_duplicates,
    unify_names,
)


def test_unify_names_keeps_the_first_spelling() -> None:
    names = pd.Series(
        ["MARIE DUPONT", "Marie Dupont", None, "marie dupont", "Jean"], dtype="string"
    )
    out = unify_names(names)
    assert out.tolist() == ["MARIE DUPONT", "MARIE DUPONT", pd.NA, "MARIE DUPONT", "Jean"]
    assert out.dtype == "string"
    assert unify_names(pd.Series([], dtype="string")).tolist() == []


def test_apply_aliases() -> None:
    names = pd.Series(["JM", "Marie", "jm ", None], dtype="string")
    out, unused = apply_aliases(names, {"jm": "Jean  Martin", "Bob": "Robert"})
    assert out.tolist() == ["Jean Martin", "Marie", "Jean Martin", pd.NA]
    assert unused == {"Bob"}
    same, none = apply_aliases(names, {})
    assert same.tolist() == ["JM", "Marie", "jm", pd.NA]
    assert none == set()
    with pytest.raises(UsageError):
        apply_aliases(names, {"jm": "A", "JM": "B"})


def test_match_key() -> None:
    keys = match_key(pd.Series(["DUPONT Marie", "Marie Dupont", "marie.dupont@acme.fr", "É-Ö"]))
    assert keys.tolist() == ["dupont marie", "dupont marie", "dupont marie", "e o"]


def test_near_duplicates() -> None:
    names = [
        "DUPONT Marie",
        "Marie Dupont",
        "marie.dupont@acme.fr",
        "marie dupont",  # the same as "Marie Dupont" once case-folded: not listed
        "Jean Martin",
        "Jeanne Martin",
        "Alice Bernard",
        "Paul Durand",
    ]
    pairs = near_duplicates(names, kind="staff")
    assert list(pairs.columns) == ["kind", "name", "similar_to", "similarity"]
    found: dict[tuple[str, str], float] = {
        (str(name), str(other)): float(sim)
        for name, other, sim in zip(
            pairs["name"], pairs["similar_to"], pairs["similarity"], strict=True
        )
    }
    assert found[("DUPONT Marie", "Marie Dupont")] == 1.0
    assert found[("DUPONT Marie", "marie.dupont@acme.fr")] == 1.0
    assert found[("Marie Dupont", "marie.dupont@acme.fr")] == 1.0
    assert 0.75 <= found[("Jean Martin", "Jeanne Martin")] < 1.0
    assert len(found) == 4  # nothing for Alice Bernard / Paul Durand, nor "marie dupont"
    assert set(pairs["kind"]) == {"staff"}
    assert pairs["similarity"].is_monotonic_decreasing
    assert pairs.attrs["truncated"] is False
    # Deterministic whatever the input order.
    again = near_duplicates(list(reversed(names)), kind="staff")
    pd.testing.assert_frame_equal(pairs, again)


def test_near_duplicates_empty_and_limits() -> None:
    empty = near_duplicates([], kind="account")
    assert empty.empty
    assert empty.dtypes.astype(str).tolist() == ["string", "string", "string", "float64"]
    assert near_duplicates(["Acme"], kind="account").empty
    truncated = near_duplicates(["b x", "a x", "c"], kind="account", max_names=2)
    assert truncated.attrs["truncated"] is True
    with pytest.raises(UsageError):
        near_duplicates(["a"], kind="staff", threshold=0)


def test_initials_are_listed_with_their_full_name() -> None:
    pairs = near_duplicates(
        ["J. Lefevre", "Jean Lefèvre", "Jeanne Martin", "P. Durand"], kind="staff"
    )
    records = {(r["name"], r["similar_to"]): r["similarity"] for r in pairs.to_dict("records")}
    assert records == {("J. Lefevre", "Jean Lefèvre"): 0.9}


@pytest.mark.parametrize("threshold", [0.5, 0.75, 0.9])
def test_nearest_pairs_equal_brute_force(threshold: float) -> None:
    """The filtered neighbour search keeps exactly the pairs of scikit-learn's brute force.

    Random names built from few syllables give many close names and tied distances.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.neighbors import NearestNeighbors

    from keyrisk.ingest.identities import _nearest_pairs

    rng = np.random.default_rng(7)
    syllables = ["ma", "ri", "du", "pon", "le", "fe", "vre", "jean", "mar", "tin"]
    names = {
        " ".join(
            "".join(rng.choice(syllables, size=int(rng.integers(1, 4))))
            for _ in range(int(rng.integers(1, 3)))
        )
        for _ in range(400)
    }
    keys = sorted(set(match_key(pd.Series(sorted(names), dtype="string")).tolist()) - {""})
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit_transform(keys)
    k = min(6, len(keys))
    distances, neighbours = (
        NearestNeighbors(metric="cosine", n_neighbors=k).fit(vectors).kneighbors(vectors)
    )
    similarity = np.clip(np.round(1.0 - distances, 6), 0.0, 1.0)
    expected = sorted(
        (i, int(j), float(s))
        for i in range(len(keys))
        for j, s in zip(neighbours[i], similarity[i], strict=True)
        if j != i and s >= threshold
    )
    assert sorted(_nearest_pairs(vectors, k, threshold)) == expected
    assert expected  # the case is not vacuous


def test_aliases_toml_keeps_the_most_frequent_name() -> None:
    pairs = pd.DataFrame(
        {
            "kind": ["staff", "staff", "staff", "account"],
            "name": ["J. Lefevre", "Jean Lefevre", "DUPONT Marie", 'Acme "SA"'],
            "similar_to": ["Jean Lefèvre", "Jean Lefèvre", "Marie Dupont", "ACME SA"],
            "similarity": [0.9, 1.0, 1.0, 0.95],
        }
    )
    counts = {
        # first seen: Marie Dupont, then the Lefèvre spellings; Jean Lefèvre written most
        "staff": {"Marie Dupont": 2, "DUPONT Marie": 2, "Jean Lefevre": 1, "Jean Lefèvre": 4},
        "account": {'Acme "SA"': 1, "ACME SA": 1},
    }
    assert aliases_toml(pairs, counts) == (
        "[aliases.staff]\n"
        '"DUPONT Marie" = "Marie Dupont"\n'
        '"Jean Lefevre" = "Jean Lefèvre"\n'
        '"J. Lefevre" = "Jean Lefèvre"\n'
        "\n"
        "[aliases.account]\n"
        '"ACME SA" = "Acme \\"SA\\""\n'
    )
    parsed = tomllib.loads(aliases_toml(pairs, counts))
    assert parsed["aliases"]["account"] == {"ACME SA": 'Acme "SA"'}
    assert aliases_toml(pairs.iloc[:0], counts) == ""


def test_the_quality_sheet_carries_the_aliases_block() -> None:
    from keyrisk import Dataset, analyse
    from keyrisk.ingest.pipeline import suggested_aliases
    from keyrisk.report.layout import Table, quality_sheet

    frame = pd.DataFrame(
        {"account": ["A", "A", "B"], "staff": ["Jean Lefèvre", "Jean Lefèvre", "J. Lefevre"]}
    )
    ds = Dataset.from_frames(frame)
    ds.report.near_duplicates = near_duplicates(["Jean Lefèvre", "J. Lefevre"], kind="staff")
    assert suggested_aliases(ds) == '[aliases.staff]\n"J. Lefevre" = "Jean Lefèvre"\n'
    sheet = quality_sheet(analyse(ds), "fr")
    block = next(b for b in sheet.blocks if isinstance(b, Table) and b.columns[0].field == "line")
    assert block.rows == [("[aliases.staff]",), ('"J. Lefevre" = "Jean Lefèvre"',)]
    assert block.title == "Noms proches\u00a0: lignes à copier dans keyrisk.toml"
