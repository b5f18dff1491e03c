"""Cost of the quarterly trend against one analysis, on the synthetic interactions files.

The trend runs one analysis per quarter end (the last point reuses the analysis itself); each
point computes the portfolio figures (two bus-factor searches and the top pair). This script
loads the file once, times one analysis's key figures, then :meth:`keyrisk.Analysis.trend`, and
prints the ratio and the points whose bus factor is only an upper bound.

Usage::

    python benchmarks/bench_trend.py --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_interactions

import keyrisk
from keyrisk.trend import key_figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    print("rows, points, analyses, one analysis (s), trend (s), ratio, approximate points")
    for n in args.sizes:
        path = gen_interactions.ensure(n)
        ds = keyrisk.load(path)
        t0 = time.perf_counter()
        a = keyrisk.analyse(ds)
        key_figures(a)
        one = time.perf_counter() - t0
        t0 = time.perf_counter()
        trend = a.trend()
        took = time.perf_counter() - t0
        approx = int((~trend["revenue_bus_factor_exact"].fillna(True)).sum())
        print(
            f"{n}, {len(trend)}, {trend.attrs['analyses']}, {one:.2f}, {took:.2f}, "
            f"{took / one:.1f}, {approx}"
        )


if __name__ == "__main__":
    main()
