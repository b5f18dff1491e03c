"""Tests of keyrisk.simulation: exact expectations on tiny teams, seeded Monte-Carlo."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

import keyrisk
from keyrisk import Dataset, analyse
from keyrisk import simulation as sim_module
from keyrisk.errors import UsageError
from keyrisk.simulation import (
    expected_loss,
    leave_probabilities,
    loss_stats,
    simulate,
    simulate_losses,
)
from tests.conftest import four_accounts

# Ann alone on A (100); Ann and Bob on B (60); Bob, Cy and Dee on C (40); D orphaned (10)
HOLDERS = pd.DataFrame(
    {
        "account": ["A", "B", "B", "C", "C", "C"],
        "staff": ["Ann", "Ann", "Bob", "Bob", "Cy", "Dee"],
    }
)
REVENUE = pd.Series({"A": 100.0, "B": 60.0, "C": 40.0, "D": 10.0})
P = pd.Series({"Ann": 0.1, "Bob": 0.3, "Cy": 0.5, "Dee": 0.2})


def exact_distribution(
    holders: pd.DataFrame, revenue: pd.Series, p: pd.Series
) -> list[tuple[float, float]]:
    """(loss, probability) of every departure scenario, by enumeration."""
    sets = holders.groupby("account")["staff"].apply(set).to_dict()
    out = []
    names = list(p.index)
    for leave in itertools.product([False, True], repeat=len(names)):
        gone = {n for n, g in zip(names, leave, strict=True) if g}
        prob = math.prod(p[n] if g else 1 - p[n] for n, g in zip(names, leave, strict=True))
        loss = sum(r for a, r in revenue.items() if sets.get(a, set()) <= gone)
        out.append((loss, prob))
    return sorted(out)


def exact_var_es(dist: list[tuple[float, float]], q: float = 0.95) -> tuple[float, float]:
    cum = 0.0
    var = dist[-1][0]
    for loss, prob in dist:
        cum += prob
        if cum >= q - 1e-12:
            var = loss
            break
    # ES: mean of the worst (1 - q) of the probability mass
    mass, total = 0.0, 0.0
    for loss, prob in reversed(dist):
        take = min(prob, (1 - q) - mass)
        if take <= 0:
            break
        total += take * loss
        mass += take
    return var, total / (1 - q)


def test_expected_loss_is_exact_by_hand() -> None:
    # A: 100 * 0.1 ; B: 60 * 0.1 * 0.3 ; C: 40 * 0.3 * 0.5 * 0.2 ; D: 10 (already orphaned)
    assert expected_loss(HOLDERS, REVENUE, P) == pytest.approx(10 + 1.8 + 1.2 + 10)
    dist = exact_distribution(HOLDERS, REVENUE, P)
    assert sum(loss * prob for loss, prob in dist) == pytest.approx(23.0)


def test_monte_carlo_matches_the_exact_distribution() -> None:
    s = simulate(HOLDERS, REVENUE, P, draws=20_000, seed=0)
    w = s.without_plan
    assert w.expected_loss_exact == pytest.approx(23.0)
    assert abs(w.expected_loss - 23.0) < 4 * w.expected_loss_se
    var, es = exact_var_es(exact_distribution(HOLDERS, REVENUE, P))
    # P(loss <= 10) = 0.9 * ... : the 95% quantile is 110 (Ann leaves), far from any jump
    assert var == 110.0
    assert w.var_95 == var
    assert w.var_95_interval[0] <= var <= w.var_95_interval[1]
    assert abs(w.expected_shortfall_95 - es) < 4 * w.expected_shortfall_95_se


def test_same_seed_same_draws_whatever_the_chunking(monkeypatch: pytest.MonkeyPatch) -> None:
    a = simulate_losses([HOLDERS], REVENUE, P, draws=3000, seed=5)
    monkeypatch.setattr(sim_module, "_CELLS", 7)
    b = simulate_losses([HOLDERS], REVENUE, P, draws=3000, seed=5)
    assert np.array_equal(a, b)
    c = simulate_losses([HOLDERS], REVENUE, P, draws=3000, seed=6)
    assert not np.array_equal(a, c)


def test_the_plan_never_loses_more_in_any_draw() -> None:
    after = pd.concat(
        [HOLDERS, pd.DataFrame({"account": ["A", "D"], "staff": ["Cy", "Dee"]})],
        ignore_index=True,
    )
    s = simulate(HOLDERS, REVENUE, P, holders_with_plan=after, draws=5000, seed=1)
    losses = s.losses
    assert (losses["with_plan"] <= losses["without_plan"] + 1e-9).all()
    # A is lost when Ann and Cy both leave (0.05); D when Dee leaves (0.2)
    assert s.with_plan is not None
    assert s.with_plan.expected_loss_exact == pytest.approx(100 * 0.05 + 1.8 + 1.2 + 10 * 0.2)
    d = s.summary_dict()
    assert d["draws"] == 5000 and d["seed"] == 1
    for key in ("expected_loss", "var_95", "expected_shortfall_95"):
        assert set(d[key]) == {"without_plan", "with_plan"}


def test_loss_stats_by_hand() -> None:
    s = loss_stats(np.arange(1.0, 21.0))  # 20 draws: VaR is the 19th, ES the 20th
    assert (s.var_95, s.expected_shortfall_95) == (19.0, 20.0)
    with pytest.raises(UsageError):
        loss_stats(np.array([]))


def test_bad_inputs_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="draws"):
        simulate_losses([HOLDERS], REVENUE, P, draws=0)
    with pytest.raises(UsageError, match="No leave probability"):
        simulate_losses([HOLDERS], REVENUE, P.drop("Cy"))
    with pytest.raises(UsageError):
        leave_probabilities(pd.DataFrame({"staff": ["A"], "active": [True]}), 1.5)


def test_probabilities_from_the_staff_table() -> None:
    inter = pd.DataFrame({"account": ["A", "B"], "staff": ["Ann", "Bob"]})
    staff = pd.DataFrame({"staff": ["Ann", "Bob"], "leave_probability": [0.5, None]})
    an = analyse(Dataset.from_frames(inter, None, staff), turnover_rate=0.25)
    s = an.simulate(draws=2000, seed=3)
    assert s.probabilities.to_dict() == {"Ann": 0.5, "Bob": 0.25}
    assert s.probability_source == "staff table and turnover rate"
    # count basis: each account counts 1; A lost with p 0.5, B with 0.25
    assert s.without_plan.expected_loss_exact == pytest.approx(0.75)
    assert an.simulate(draws=10, plan=False).with_plan is None


def test_analysis_simulation_with_the_plan() -> None:
    an = four_accounts()
    s = an.simulate(draws=4000, seed=2)
    assert s.with_plan is not None
    assert s.with_plan.expected_loss_exact <= s.without_plan.expected_loss_exact
    assert (s.draws, s.seed) == (4000, 2)
    assert "without the plan" in s._repr_html_()


def test_leave_probability_column_is_read(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    (folder / "act.csv").write_text("Client;Commercial;Date\nA;Ann;01/02/2024\nB;Bob;02/02/2024\n")
    (folder / "equipe.csv").write_text(
        "Nom;Poste;Probabilité de départ\nAnn;Commerciale;15%\nBob;Technicien;0,3\nCy;Admin;150%\n",
        encoding="utf-8",
    )
    ds = keyrisk.load(folder / "act.csv", staff=folder / "equipe.csv")
    got = ds.staff.set_index("staff")["leave_probability"]
    assert got["Ann"] == pytest.approx(0.15) and got["Bob"] == pytest.approx(0.3)
    assert math.isnan(got["Cy"])
    bad = [p for p in ds.report.problems if p.code == "bad-probability"]
    assert [(p.value, p.row) for p in bad] == [("150%", 4)]
