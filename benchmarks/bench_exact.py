"""Benchmark of the exact revenue bus factor on a large synthetic portfolio.

Builds ``--staff`` active staff and ``--accounts`` accounts (seeded): each account has 1 to 3
holders (50% / 35% / 15%), drawn with a Zipf-like skew so that a few key people hold many
accounts, and a lognormal revenue. Runs :func:`keyrisk.portfolio.exact_bus_factor` with a time
limit and :func:`keyrisk.portfolio.greedy_bus_factor` alone, and prints one JSON line: the
answers, the time of each call, the time of the grouping step alone, ``limit_ratio`` (the
exact call's wall time over its limit: the limit is honoured when it is at most 1.1) and
``baseline_seconds``, a fixed numpy workload timed in the same run (sorting 2 million seeded
floats five times), with ``exact_over_baseline``: on a loaded machine compare that ratio, not
the seconds. ``exact_canonical`` tells whether the people were named by the tie rule within the
limit. ``--check`` exits 1 when the limit is overrun.

Usage::

    python benchmarks/bench_exact.py --staff 500 --accounts 100000 --time-limit 60 --seed 0
    python benchmarks/bench_exact.py --staff 2000 --accounts 1000000 --time-limit 10 --check
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np
import pandas as pd

from keyrisk import portfolio
from keyrisk.portfolio import exact_bus_factor, greedy_bus_factor


def build(
    n_staff: int, n_accounts: int, seed: int, skew: float
) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Return (holders, revenue, orphaned) of a synthetic portfolio."""
    rng = np.random.default_rng(seed)
    names = np.array([f"staff{j:04d}" for j in range(n_staff)], dtype=object)
    popularity = 1.0 / np.arange(1, n_staff + 1) ** skew
    popularity /= popularity.sum()
    popularity = popularity[rng.permutation(n_staff)]  # key people are not the first names
    accounts = np.array([f"acc{i:06d}" for i in range(n_accounts)], dtype=object)
    n_holders = rng.choice([1, 2, 3], size=n_accounts, p=[0.5, 0.35, 0.15])
    draws = rng.choice(n_staff, size=(n_accounts, 3), p=popularity)
    keep = np.arange(3)[None, :] < n_holders[:, None]
    rows = np.repeat(np.arange(n_accounts), 3).reshape(n_accounts, 3)
    holders = pd.DataFrame(
        {"account": accounts[rows[keep]], "staff": names[draws[keep]]}
    ).drop_duplicates(ignore_index=True)
    revenue = pd.Series(rng.lognormal(mean=8.0, sigma=1.5, size=n_accounts), index=accounts)
    orphaned = pd.Series(False, index=accounts)
    return holders, revenue, orphaned


def baseline() -> float:
    """Seconds of a fixed numpy workload: five sorts of 2 million seeded floats (best of 3)."""
    values = np.random.default_rng(0).random(2_000_000)
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for _ in range(5):
            np.sort(values)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=500)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skew", type=float, default=1.0, help="Zipf exponent of popularity")
    parser.add_argument("--coverage", type=float, default=0.5)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when the call overruns its limit by > 10%%"
    )
    args = parser.parse_args()

    t0 = time.perf_counter()
    holders, revenue, orphaned = build(args.staff, args.accounts, args.seed, args.skew)
    t_build = time.perf_counter() - t0

    t0 = time.perf_counter()
    import scipy.optimize
    import scipy.sparse.csgraph  # noqa: F401  (keyrisk imports them on first use)

    t_scipy = time.perf_counter() - t0

    t0 = time.perf_counter()
    groups = portfolio._groups(holders, revenue, orphaned)
    t_groups = time.perf_counter() - t0
    del groups

    t0 = time.perf_counter()
    greedy = greedy_bus_factor(holders, revenue, orphaned, coverage=args.coverage)
    t_greedy = time.perf_counter() - t0

    t0 = time.perf_counter()
    exact = exact_bus_factor(
        holders, revenue, orphaned, coverage=args.coverage, time_limit=args.time_limit
    )
    t_exact = time.perf_counter() - t0

    ratio = t_exact / args.time_limit
    t_base = baseline()
    print(
        json.dumps(
            {
                "staff": args.staff,
                "accounts": args.accounts,
                "holder_rows": len(holders),
                "seed": args.seed,
                "skew": args.skew,
                "coverage": args.coverage,
                "time_limit": args.time_limit,
                "build_seconds": round(t_build, 3),
                "scipy_import_seconds": round(t_scipy, 3),
                "groups_seconds": round(t_groups, 3),
                "exact_seconds": round(t_exact, 3),
                "limit_ratio": round(ratio, 3),
                "baseline_seconds": round(t_base, 3),
                "exact_over_baseline": round(t_exact / t_base, 1),
                "exact_method": exact.method,
                "exact_label": exact.label,
                "exact_value": exact.value,
                "exact_lower_bound": exact.lower_bound,
                "exact_canonical": exact.canonical,
                "exact_staff": list(exact.staff),
                "greedy_seconds": round(t_greedy, 3),
                "greedy_value": greedy.value,
                "greedy_lower_bound": greedy.lower_bound,
            }
        )
    )
    if args.check and ratio > 1.1:
        sys.exit(1)


if __name__ == "__main__":
    main()
