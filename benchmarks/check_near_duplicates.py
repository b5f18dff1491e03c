"""Check and time the near-duplicate neighbour search against scikit-learn's brute force.

``keyrisk.ingest.identities`` finds the close neighbours of each name key with prefix filtering
and exact distances of the candidates only; this script checks, on the names of a generated
interactions file, that the pairs it keeps are exactly those of
``NearestNeighbors(metric="cosine", n_neighbors=6).kneighbors`` filtered on the threshold (the
method of domain.md), and prints both timings.

Usage::

    python benchmarks/check_near_duplicates.py --rows 1000000 --thresholds 0.9 0.75 0.5
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.neighbors import NearestNeighbors

from keyrisk.ingest.identities import _nearest_pairs, match_key

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_interactions import ensure


def reference(vectors: object, k: int, threshold: float) -> list[tuple[int, int, float]]:
    """The brute-force search, as near_duplicates did it first."""
    search = NearestNeighbors(metric="cosine", n_neighbors=k).fit(vectors)
    distances, neighbours = search.kneighbors(vectors)
    similarity = np.clip(np.round(1.0 - distances, 6), 0.0, 1.0)
    return [
        (i, int(j), float(s))
        for i in range(neighbours.shape[0])
        for j, s in zip(neighbours[i], similarity[i], strict=True)
        if j != i and s >= threshold
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.9, 0.75, 0.5])
    parser.add_argument("--max-names", type=int, default=20_000)
    args = parser.parse_args()
    table = pacsv.read_csv(ensure(args.rows))
    failures = 0
    for column in ("account", "staff"):
        names = sorted(set(pc.unique(table[column]).drop_null().to_pylist()))[: args.max_names]
        keys = sorted(set(match_key(pd.Series(names, dtype="string")).tolist()) - {""})
        vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit_transform(keys)
        k = min(6, len(keys))
        for threshold in args.thresholds:
            t0 = time.perf_counter()
            expected = sorted(reference(vectors, k, threshold))
            t1 = time.perf_counter()
            got = sorted(_nearest_pairs(vectors, k, threshold))
            t2 = time.perf_counter()
            same = got == expected
            failures += not same
            print(
                f"{column:<8} {len(keys):>6} keys  threshold {threshold:<5} pairs {len(got):>7}  "
                f"{'same' if same else 'DIFFERENT'}  brute force {t1 - t0:6.2f} s  "
                f"keyrisk {t2 - t1:6.2f} s",
                flush=True,
            )
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
