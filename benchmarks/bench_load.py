"""Benchmark of ``keyrisk.load`` and ``keyrisk.analyse`` against a bare ``pyarrow.csv.read_csv``.

For each size N (rows of a synthetic interactions CSV, see ``gen_interactions.py``), in the same
run and each in a fresh subprocess (so that its peak resident memory is its own):

- ``pyarrow``: ``pyarrow.csv.read_csv(path)`` with default options, best of ``--repeat``;
- ``load``: ``keyrisk.load(path)``, best of ``--repeat``;
- ``analyse``: ``keyrisk.analyse(ds)`` with every lazy result forced (accounts, staff,
  portfolio, summary()), best of ``--repeat``, on a dataset loaded once in that subprocess;
  the time of the portfolio figures and of one exact revenue bus factor search
  (``keyrisk.portfolio.bus_factor`` on the analysis' holders) are reported apart.

Peak memory is the child's own ``ru_maxrss`` (``resource.getrusage(RUSAGE_SELF)`` at its end),
interpreter and imports included.
Results are printed as a table and written to ``benchmarks/out/results.json``.

Usage::

    python benchmarks/bench_load.py                       # 10k, 100k, 1M rows
    python benchmarks/bench_load.py --sizes 10000000      # 10M rows (minutes; ~GBs of RAM)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_interactions import OUT, ensure, sizes  # noqa: E402

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)


# --------------------------------------------------------------------------------------------
# Children: one measurement each, JSON on the last line of stdout
# --------------------------------------------------------------------------------------------


def _child_pyarrow(path: str, repeat: int) -> dict[str, Any]:
    import pyarrow.csv as pacsv

    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        table = pacsv.read_csv(path)
        times.append(time.perf_counter() - t0)
    return {"seconds": min(times), "all": times, "rows": table.num_rows}


def _child_load(path: str, repeat: int) -> dict[str, Any]:
    import keyrisk

    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        ds = keyrisk.load(path)
        times.append(time.perf_counter() - t0)
    return {
        "seconds": min(times),
        "all": times,
        "rows": len(ds.interactions),
        "problems": len(ds.report.problems),
        "near_duplicates": len(ds.report.near_duplicates),
    }


def _child_analyse(path: str, repeat: int) -> dict[str, Any]:
    import keyrisk
    from keyrisk import portfolio as pf

    t0 = time.perf_counter()
    ds = keyrisk.load(path)
    t_load = time.perf_counter() - t0
    times, scoring, portfolio = [], [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        an = keyrisk.analyse(ds)
        _ = an.accounts, an.staff
        t1 = time.perf_counter()
        _ = an.portfolio
        t2 = time.perf_counter()
        summary = an.summary()
        t3 = time.perf_counter()
        times.append(t3 - t0)
        scoring.append(t1 - t0)
        portfolio.append(t2 - t1)
    s = an.settings
    t0 = time.perf_counter()
    bus = pf.bus_factor(
        an._active_holders,
        an._revenue,
        an._orphaned,
        coverage=s.coverage,
        time_limit=s.exact_time_limit,
    )
    t_exact = time.perf_counter() - t0
    return {
        "seconds": min(times),
        "all": times,
        "scoring_seconds": min(scoring),
        "portfolio_seconds": min(portfolio),
        "exact_seconds": t_exact,
        "exact_method": bus.method,
        "exact_value": bus.value,
        "load_seconds_once": t_load,
        "accounts": summary["n_accounts"],
        "staff": summary["n_staff"],
        "active_staff": summary["n_staff_active"],
        "holder_edges": len(an._active_holders),
        "headline": summary["headline"],
    }


_CHILDREN = {"pyarrow": _child_pyarrow, "load": _child_load, "analyse": _child_analyse}


def _run_child(kind: str, path: Path, repeat: int, timeout: float) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter (it reports its own peak RSS in MiB)."""
    cmd = [sys.executable, __file__, "--child", kind, str(path), "--repeat", str(repeat)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return {"error": f"timeout after {timeout:.0f} s"}
    if proc.returncode != 0:
        return {"error": (err.strip().splitlines() or ["failed"])[-1]}
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def _child_main(kind: str, path: str, repeat: int) -> None:
    import resource

    result = _CHILDREN[kind](path, repeat)
    # ru_maxrss is in KiB on Linux
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


# --------------------------------------------------------------------------------------------
# Parent: sizes x measurements, table, results.json
# --------------------------------------------------------------------------------------------


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def measure(n: int, seed: int, repeat: int, timeout: float) -> dict[str, Any]:
    """All measurements for one size."""
    path = ensure(n, seed)
    n_accounts, n_staff = sizes(n)
    row: dict[str, Any] = {
        "rows": n,
        "file_mib": path.stat().st_size / 2**20,
        "gen_accounts": n_accounts,
        "gen_staff": n_staff,
        "repeat": repeat,
    }
    for kind in ("pyarrow", "load", "analyse"):
        row[kind] = _run_child(kind, path, repeat, timeout)
        print(f"  {n:>10,} {kind:<8} {json.dumps(row[kind])[:160]}", flush=True)
    pa_s = row["pyarrow"].get("seconds")
    load_s = row["load"].get("seconds")
    an_s = row["analyse"].get("seconds")
    row["load_ratio"] = load_s / pa_s if pa_s and load_s else None
    row["load_analyse_ratio"] = (load_s + an_s) / pa_s if pa_s and load_s and an_s else None
    row["load_us_per_row"] = load_s / n * 1e6 if load_s else None
    row["analyse_us_per_row"] = an_s / n * 1e6 if an_s else None
    return row


def table(results: list[dict[str, Any]]) -> str:
    """The results as a Markdown table."""
    head = (
        "| rows | pyarrow s | load s | analyse s | exact s | load/pyarrow | "
        "(load+analyse)/pyarrow | load µs/row | peak MiB load | peak MiB load+analyse |"
    )
    lines = [head, "|" + "---|" * 10]
    for r in results:
        lines.append(
            "| "
            + " | ".join(
                [
                    f"{r['rows']:,}",
                    _fmt(r["pyarrow"].get("seconds"), ".3f"),
                    _fmt(r["load"].get("seconds"), ".3f"),
                    _fmt(r["analyse"].get("seconds"), ".3f"),
                    _fmt(r["analyse"].get("exact_seconds"), ".3f"),
                    _fmt(r["load_ratio"], ".2f"),
                    _fmt(r["load_analyse_ratio"], ".2f"),
                    _fmt(r["load_us_per_row"], ".2f"),
                    _fmt(r["load"].get("peak_mib"), ".0f"),
                    _fmt(r["analyse"].get("peak_mib"), ".0f"),
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--repeat", type=int, default=None, help="best of (default 3, 1 above 1M rows)"
    )
    parser.add_argument("--timeout", type=float, default=1800.0, help="per measurement, s")
    parser.add_argument("--out", type=Path, default=OUT / "results.json")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child_main(args.child[0], args.child[1], args.repeat or 1)
        return

    results = []
    for n in args.sizes:
        repeat = args.repeat or (3 if n <= 1_000_000 else 1)
        results.append(measure(n, args.seed, repeat, args.timeout))
    report: dict[str, Any] = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
        },
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    previous: dict[str, Any] = {}
    if args.out.exists():  # keep the figures of sizes not run this time (e.g. 10M)
        try:
            previous = {str(r["rows"]): r for r in json.loads(args.out.read_text())["results"]}
        except (ValueError, KeyError):
            previous = {}
    merged = {**previous, **{str(r["rows"]): r for r in results}}
    report["results"] = sorted(merged.values(), key=lambda r: r["rows"])
    args.out.write_text(json.dumps(report, indent=2))
    print()
    print(table(report["results"]))
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
