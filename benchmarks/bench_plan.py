"""Benchmark of the continuity plan, layers, weak signals and revenue-at-risk simulation.

Loads the synthetic interactions of ``gen_interactions.py`` (1M rows: 40,000 accounts and 400
staff by default), runs the analysis (accounts, staff, portfolio, summary: "analysis"), then
times, each on the same analysis:

- ``plan``: :meth:`keyrisk.Analysis.plan` (candidates, the optimisation, the figures after);
- ``simulation``: :meth:`keyrisk.Analysis.simulate` with and without the plan (the default
  20,000 draws);
- ``layers`` and ``signals``;
- ``csv``: writing plan.csv, layers.csv and signals.csv as the report does (the plan's words,
  safe text, UTF-8 with BOM), once the plan, layers and signals are computed.

Prints one JSON line with the times, their ratio to the analysis time and the plan's figures.

Usage::

    python benchmarks/bench_plan.py --rows 1000000 --seed 0 [--time-limit 120]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import keyrisk

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--draws", type=int, default=None)
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help="exact_time_limit of the analysis (also bounds the plan's exact search)",
    )
    args = parser.parse_args()

    path = HERE / "out" / f"interactions_{args.rows}_s{args.seed}.csv"
    if not path.exists():
        subprocess.run(
            [sys.executable, str(HERE / "gen_interactions.py"), str(args.rows), "--seed",
             str(args.seed)],
            check=True,
        )  # fmt: skip
    t0 = time.perf_counter()
    ds = keyrisk.load(path)
    t_load = time.perf_counter() - t0

    params = {} if args.time_limit is None else {"exact_time_limit": args.time_limit}
    an = keyrisk.analyse(ds, **params)
    t0 = time.perf_counter()
    _ = an.accounts, an.staff, an.portfolio
    an.summary()
    t_analysis = time.perf_counter() - t0

    t0 = time.perf_counter()
    plan = an.plan()
    t_plan = time.perf_counter() - t0

    t0 = time.perf_counter()
    sim = an.simulate(draws=args.draws)
    t_sim = time.perf_counter() - t0

    t0 = time.perf_counter()
    _ = an.layers
    t_layers = time.perf_counter() - t0

    t0 = time.perf_counter()
    _ = an.signals
    t_signals = time.perf_counter() - t0

    from keyrisk.report.files import LAYER_CSV_COLUMNS, SIGNAL_CSV_COLUMNS, _csv
    from keyrisk.report.plan_text import plan_frame

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        _csv(plan_frame(plan, "fr", an.layers), Path(tmp) / "plan.csv", ";", ",")
        _csv(an.layers[LAYER_CSV_COLUMNS], Path(tmp) / "layers.csv", ";", ",")
        _csv(an.signals.table[SIGNAL_CSV_COLUMNS], Path(tmp) / "signals.csv", ";", ",")
        t_csv = time.perf_counter() - t0
        csv_bytes = sum(f.stat().st_size for f in Path(tmp).iterdir())

    p = an.portfolio
    result = {
        "rows": len(ds.interactions),
        "accounts": p.n_accounts,
        "staff_active": p.n_staff_active,
        "load_s": round(t_load, 2),
        "analysis_s": round(t_analysis, 2),
        "plan_s": round(t_plan, 2),
        "simulation_s": round(t_sim, 2),
        "layers_s": round(t_layers, 2),
        "signals_s": round(t_signals, 2),
        "csv_s": round(t_csv, 2),
        "csv_mb": round(csv_bytes / 1e6, 1),
        "plan_ratio": round(t_plan / t_analysis, 2),
        "simulation_ratio": round(t_sim / t_analysis, 2),
        "layers_ratio": round(t_layers / t_analysis, 2),
        "signals_ratio": round(t_signals / t_analysis, 2),
        "csv_ratio": round(t_csv / t_analysis, 2),
        "fragile_accounts": plan.n_fragile,
        "candidates": len(plan.candidates),
        "backups": plan.n_backups,
        "owners": plan.n_owners,
        "unassigned": plan.n_unassigned,
        "status": plan.status,
        "revenue_bus_factor": [
            plan.before.revenue_bus_factor.value,
            plan.after.revenue_bus_factor.value,
        ],
        "revenue_bus_factor_method": [
            plan.before.revenue_bus_factor.method,
            plan.after.revenue_bus_factor.method,
        ],
        "single_holder_share": [
            round(plan.before.single_holder_revenue_share, 4),
            round(plan.after.single_holder_revenue_share, 4),
        ],
        "draws": sim.draws,
        "expected_loss": [sim.without_plan.expected_loss, sim.with_plan.expected_loss]
        if sim.with_plan
        else [sim.without_plan.expected_loss],
        "var_95": [sim.without_plan.var_95, sim.with_plan.var_95]
        if sim.with_plan
        else [sim.without_plan.var_95],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
