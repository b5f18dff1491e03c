"""Revenue at risk over a year, by Monte-Carlo simulation of departures.

Each active person j leaves within 12 months, independently, with probability p_j (the annual
turnover rate by default; per person from the staff table's ``leave_probability`` column when
given). An account is lost when every one of its active holders leaves; an account already
orphaned is lost in every draw. The loss of a draw is the revenue of the accounts lost, so

.. math::

    L = \\sum_i r_i \\prod_{j \\in A_i} B_j, \\quad B_j \\sim \\mathrm{Bernoulli}(p_j),
    \\quad E[L] = \\sum_i r_i \\prod_{j \\in A_i} p_j

(the empty product is 1: orphaned accounts are lost). The expectation is exact; the tail of the
distribution (VaR and expected shortfall at 95 %) is estimated from ``draws`` seeded draws
(numpy's PCG64 generator), vectorised by chunks of draws. With and without a plan, the same
draws are used (common random numbers), so the difference between the two is not noise.

How many draws: the 95 % quantile of N draws has a distribution-free 95 % confidence interval
between the order statistics of ranks ``N q -/+ 1.96 sqrt(N q (1 - q))``; at N = 20,000 that is
the 19,000th draw +/- 61 ranks (0.3 % of the draws), and the standard error of the expected
shortfall is that of a mean over the 1,000 worst draws. Both are reported, so a reader can see
whether the figures are stable.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from keyrisk.errors import UsageError

__all__ = [
    "LEVEL",
    "LossStats",
    "Simulation",
    "expected_loss",
    "leave_probabilities",
    "loss_stats",
    "simulate",
    "simulate_losses",
]

#: Confidence level of the VaR and the expected shortfall.
LEVEL: Final = 0.95
_Z: Final = 1.959963984540054  # standard normal 97.5 % quantile
_CELLS: Final = 4_000_000  # draws x groups evaluated at once


# --------------------------------------------------------------------------------------------
# Probabilities
# --------------------------------------------------------------------------------------------


def leave_probabilities(
    staff: pd.DataFrame, turnover_rate: float, table: pd.DataFrame | None = None
) -> pd.Series:
    """Return the probability that each active person leaves within 12 months.

    Parameters
    ----------
    staff : pandas.DataFrame
        ``staff`` and ``active`` (the per-staff table of an analysis).
    turnover_rate : float in [0, 1]
        The default probability.
    table : pandas.DataFrame, optional
        The canonical staff table; its ``leave_probability`` column (NaN when unknown)
        overrides the rate per person.

    Returns
    -------
    pandas.Series
        Float, indexed by the active staff (sorted by name), named ``p``;
        ``attrs["source"]`` is "turnover rate", "staff table" or "staff table and turnover rate".

    Examples
    --------
    >>> st = pd.DataFrame({"staff": ["Ann", "Bob", "Cy"], "active": [True, True, False]})
    >>> table = pd.DataFrame({"staff": ["Bob"], "leave_probability": [0.5]})
    >>> p = leave_probabilities(st, 0.1, table)
    >>> p.to_dict(), p.attrs["source"]
    ({'Ann': 0.1, 'Bob': 0.5}, 'staff table and turnover rate')
    """
    ok = isinstance(turnover_rate, int | float) and not isinstance(turnover_rate, bool)
    if not ok or not (0.0 <= float(turnover_rate) <= 1.0):
        raise UsageError(f"turnover_rate must be a number in [0, 1]; got {turnover_rate!r}.")
    names = sorted(set(staff.loc[staff["active"].astype(bool), "staff"].astype(str)))
    p = pd.Series(float(turnover_rate), index=pd.Index(names, dtype=object), name="p")
    given = 0
    if table is not None and "leave_probability" in table.columns:
        col = table[["staff", "leave_probability"]].dropna()
        col = col[col["staff"].astype(str).isin(names)].drop_duplicates("staff")
        values = pd.to_numeric(col["leave_probability"], errors="coerce")
        ok_rows = values.between(0.0, 1.0).to_numpy(dtype=bool)
        col, values = col[ok_rows], values[ok_rows]
        p.loc[col["staff"].astype(str).to_numpy(dtype=object)] = values.to_numpy(dtype="float64")
        given = len(col)
    if given == 0:
        p.attrs["source"] = "turnover rate"
    elif given == len(p):
        p.attrs["source"] = "staff table"
    else:
        p.attrs["source"] = "staff table and turnover rate"
    return p


# --------------------------------------------------------------------------------------------
# Groups of accounts sharing the same holders
# --------------------------------------------------------------------------------------------


@dataclass
class _Groups:
    """Accounts aggregated by their set of active holders, by size (internal)."""

    lost_always: float  # revenue of the accounts without any holder
    by_size: dict[int, tuple[np.ndarray, np.ndarray]]  # k -> (members (G, k), revenue (G,))


def _groups(holders: pd.DataFrame, revenue: pd.Series, staff: pd.Index) -> _Groups:
    values = pd.to_numeric(pd.Series(revenue.to_numpy()), errors="coerce").to_numpy(dtype="float64")
    values = np.where(np.isfinite(values), values, 0.0).clip(min=0.0)
    index = pd.Index(revenue.index.astype(str).to_numpy(dtype=object), dtype=object)
    if not index.is_unique:
        raise UsageError("revenue must have one value per account (its index has duplicates).")
    acc = index.get_indexer(pd.Index(holders["account"].astype(str).to_numpy(dtype=object)))
    code = staff.get_indexer(pd.Index(holders["staff"].astype(str).to_numpy(dtype=object)))
    known = acc >= 0
    acc, code = acc[known], code[known]
    if (code < 0).any():
        names = holders["staff"].astype(str).to_numpy(dtype=object)[known]
        raise UsageError(f"No leave probability for the holder {names[code < 0][0]!r}.")
    pairs = np.unique(acc.astype(np.int64) * max(len(staff), 1) + code)  # sorted by account
    acc, code = pairs // max(len(staff), 1), pairs % max(len(staff), 1)
    held = np.zeros(len(index), dtype=bool)
    held[acc] = True
    lost_always = float(values[~held].sum())
    by_size: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    if len(acc):
        starts = np.flatnonzero(np.r_[True, acc[1:] != acc[:-1]])
        sizes = np.diff(np.r_[starts, len(acc)])
        r_acc = values[acc[starts]]
        for k in np.unique(sizes):
            sel = starts[sizes == k]
            members = code[sel[:, None] + np.arange(k)[None, :]]
            uniq, inv = np.unique(members, axis=0, return_inverse=True)
            grev = np.bincount(inv.ravel(), weights=r_acc[sizes == k], minlength=len(uniq))
            by_size[int(k)] = (uniq.astype(np.int64), grev)
    return _Groups(lost_always, by_size)


def expected_loss(holders: pd.DataFrame, revenue: pd.Series, probability: pd.Series) -> float:
    """Return the exact expected revenue lost within a year.

    Parameters
    ----------
    holders : pandas.DataFrame
        ``account``, ``staff``: one row per (account, active holder).
    revenue : pandas.Series
        r_i indexed by every account (NaN and negative count 0).
    probability : pandas.Series
        p_j indexed by every active holder.

    Returns
    -------
    float

    Notes
    -----
    :math:`E[L] = \\sum_i r_i \\prod_{j \\in A_i} p_j` (1 for an account without holder).

    Examples
    --------
    >>> h = pd.DataFrame({"account": ["A", "B", "B"], "staff": ["Ann", "Ann", "Bob"]})
    >>> expected_loss(h, pd.Series({"A": 100.0, "B": 50.0, "C": 10.0}),
    ...               pd.Series({"Ann": 0.2, "Bob": 0.5}))
    35.0
    """
    staff = pd.Index(probability.index.astype(str), dtype=object)
    p = probability.to_numpy(dtype="float64")
    g = _groups(holders, revenue, staff)
    total = g.lost_always
    for members, grev in g.by_size.values():
        total += float(np.sum(grev * np.prod(p[members], axis=1)))
    return float(total)


def simulate_losses(
    holder_sets: Sequence[pd.DataFrame],
    revenue: pd.Series,
    probability: pd.Series,
    *,
    draws: int = 20_000,
    seed: int = 0,
) -> np.ndarray:
    """Return the revenue lost in each draw, for one or several sets of holders.

    Parameters
    ----------
    holder_sets : sequence of pandas.DataFrame
        Each with ``account`` and ``staff``: one row per (account, active holder). Every set is
        evaluated on the same draws of departures.
    revenue : pandas.Series
        r_i indexed by every account.
    probability : pandas.Series
        p_j indexed by every person who may leave (every holder of every set).
    draws : int, default 20000
    seed : int, default 0

    Returns
    -------
    numpy.ndarray
        Shape (draws, len(holder_sets)).

    Notes
    -----
    Draw d is a vector of independent departures :math:`B_{dj} = [U_{dj} < p_j]` with U
    uniform from ``numpy.random.default_rng(seed)``, generated draw after draw (the same seed
    gives the same draws whatever the chunking). Accounts sharing a set of holders are summed
    into one group first.

    Examples
    --------
    >>> h = pd.DataFrame({"account": ["A"], "staff": ["Ann"]})
    >>> losses = simulate_losses([h], pd.Series({"A": 10.0}), pd.Series({"Ann": 0.5}),
    ...                          draws=1000, seed=1)
    >>> losses.shape, sorted(set(losses[:, 0].tolist()))
    ((1000, 1), [0.0, 10.0])
    """
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise UsageError(f"draws must be an int >= 1; got {draws!r}.")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise UsageError(f"seed must be an int >= 0; got {seed!r}.")
    staff = pd.Index(probability.index.astype(str), dtype=object)
    p = probability.to_numpy(dtype="float64")
    if not np.all((p >= 0) & (p <= 1)):
        raise UsageError("Leave probabilities must be in [0, 1].")
    groups = [_groups(h, revenue, staff) for h in holder_sets]
    n = len(staff)
    # sizes 1 and 2 are linear and quadratic forms of the departures; larger sets are gathered
    sole = np.zeros((len(groups), n))
    pair = np.zeros((len(groups), n, n)) if any(2 in g.by_size for g in groups) else None
    for gi, g in enumerate(groups):
        if 1 in g.by_size:
            m1, r1 = g.by_size[1]
            np.add.at(sole[gi], m1[:, 0], r1)
        if 2 in g.by_size and pair is not None:
            m2, r2 = g.by_size[2]
            np.add.at(pair[gi], (m2[:, 0], m2[:, 1]), r2)
    widest = max([n, 1] + [len(m) for g in groups for k, (m, _) in g.by_size.items() if k > 2])
    chunk = max(1, min(draws, _CELLS // widest))
    rng = np.random.default_rng(seed)
    out = np.zeros((draws, len(groups)))
    for start in range(0, draws, chunk):
        c = min(chunk, draws - start)
        leave = rng.random((c, n)) < p[None, :]
        as_float = leave.astype(np.float64)
        for gi, g in enumerate(groups):
            loss = np.full(c, g.lost_always)
            if n:
                loss += as_float @ sole[gi]
            if pair is not None and 2 in g.by_size:
                loss += np.einsum("dj,dj->d", as_float @ pair[gi], as_float)
            for k, (members, grev) in g.by_size.items():
                if k <= 2:
                    continue
                lost = leave[:, members[:, 0]]
                for col in range(1, k):
                    lost &= leave[:, members[:, col]]
                loss += lost.astype(np.float64) @ grev
            out[start : start + c, gi] = loss
    return out


# --------------------------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LossStats:
    """Statistics of the revenue lost within a year.

    Attributes
    ----------
    expected_loss : float
        Monte-Carlo mean of the draws.
    expected_loss_exact : float
        :math:`\\sum_i r_i \\prod_{j \\in A_i} p_j`, computed exactly (nan when not given).
    expected_loss_se : float
        Standard error of the Monte-Carlo mean.
    var_95 : float
        95 % value at risk: the smallest loss x with at least 95 % of the draws <= x.
    var_95_interval : tuple of float
        Distribution-free 95 % confidence interval of the 95 % quantile (order statistics).
    expected_shortfall_95 : float
        Mean of the worst 5 % of the draws (the ``ceil(0.05 N)`` largest).
    expected_shortfall_95_se : float
        Standard error of that mean.
    """

    expected_loss: float
    expected_loss_exact: float
    expected_loss_se: float
    var_95: float
    var_95_interval: tuple[float, float]
    expected_shortfall_95: float
    expected_shortfall_95_se: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "expected_loss": self.expected_loss,
            "expected_loss_exact": self.expected_loss_exact,
            "expected_loss_se": self.expected_loss_se,
            "var_95": self.var_95,
            "var_95_interval": list(self.var_95_interval),
            "expected_shortfall_95": self.expected_shortfall_95,
            "expected_shortfall_95_se": self.expected_shortfall_95_se,
        }


def loss_stats(losses: np.ndarray, exact: float = math.nan, level: float = LEVEL) -> LossStats:
    """Return the statistics of a vector of simulated losses.

    Parameters
    ----------
    losses : numpy.ndarray
        One loss per draw.
    exact : float, optional
        The exact expected loss, reported beside the Monte-Carlo mean.
    level : float, default 0.95

    Returns
    -------
    LossStats

    Notes
    -----
    With the N draws sorted, :math:`x_{(1)} \\le ... \\le x_{(N)}`: VaR = :math:`x_{(\\lceil N
    q \\rceil)}` (``numpy.quantile(method="inverted_cdf")``); its interval runs from
    :math:`x_{(\\lfloor Nq - 1.96 \\sqrt{Nq(1-q)} \\rfloor)}` to
    :math:`x_{(\\lceil Nq + 1.96 \\sqrt{Nq(1-q)} \\rceil)}`; the expected shortfall is the mean of
    the :math:`m = \\lceil N (1 - q) \\rceil` largest draws, with standard error
    :math:`sd / \\sqrt{m}`.

    Examples
    --------
    >>> s = loss_stats(np.arange(1.0, 101.0))
    >>> s.expected_loss, s.var_95, s.expected_shortfall_95
    (50.5, 95.0, 98.0)
    """
    x = np.sort(np.asarray(losses, dtype="float64"))
    n = len(x)
    if n == 0:
        raise UsageError("loss_stats() needs at least one draw.")
    mean = float(x.mean())
    se = float(x.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    var = float(np.quantile(x, level, method="inverted_cdf"))
    half = _Z * math.sqrt(n * level * (1 - level))
    lo = min(max(math.floor(n * level - half), 1), n)
    hi = min(max(math.ceil(n * level + half), 1), n)
    m = max(1, math.ceil(n * (1 - level) - 1e-9))
    tail = x[n - m :]
    es = float(tail.mean())
    es_se = float(tail.std(ddof=1) / math.sqrt(m)) if m > 1 else math.nan
    return LossStats(
        expected_loss=mean,
        expected_loss_exact=float(exact),
        expected_loss_se=se,
        var_95=var,
        var_95_interval=(float(x[lo - 1]), float(x[hi - 1])),
        expected_shortfall_95=es,
        expected_shortfall_95_se=es_se,
    )


# --------------------------------------------------------------------------------------------
# The simulation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Simulation:
    """Revenue at risk over a year, without and with the continuity plan.

    Attributes
    ----------
    draws, seed : int
    probabilities : pandas.Series
        p_j of every active person (``attrs["source"]`` says where they come from).
    probability_source : str
    total_revenue : float
    without_plan : LossStats
    with_plan : LossStats or None
        None when no plan was given.
    losses : pandas.DataFrame
        One row per draw: ``without_plan`` and, with a plan, ``with_plan``.
    """

    draws: int
    seed: int
    probabilities: pd.Series
    probability_source: str
    total_revenue: float
    without_plan: LossStats
    with_plan: LossStats | None
    losses: pd.DataFrame

    def summary_dict(self) -> dict[str, Any]:
        """Return summary.json's ``simulation`` object (plain JSON data)."""

        def clean(v: Any) -> Any:
            if isinstance(v, dict):
                return {k: clean(x) for k, x in v.items()}
            if isinstance(v, list):
                return [clean(x) for x in v]
            if isinstance(v, float) and not math.isfinite(v):
                return None
            return v

        without = self.without_plan.as_dict()
        with_plan = None if self.with_plan is None else self.with_plan.as_dict()
        out: dict[str, Any] = {
            "draws": self.draws,
            "seed": self.seed,
            "level": LEVEL,
            "probability_source": self.probability_source,
            "mean_probability": float(self.probabilities.mean())
            if len(self.probabilities)
            else None,
            "total_revenue": self.total_revenue,
        }
        for key in (
            "expected_loss",
            "expected_loss_exact",
            "expected_loss_se",
            "var_95",
            "var_95_interval",
            "expected_shortfall_95",
            "expected_shortfall_95_se",
        ):
            out[key] = {
                "without_plan": without[key],
                "with_plan": None if with_plan is None else with_plan[key],
            }
        result: dict[str, Any] = clean(out)
        return result

    def __repr__(self) -> str:
        w = self.without_plan
        text = (
            f"<Simulation {self.draws} draws, seed {self.seed}: expected loss "
            f"{w.expected_loss:,.0f}, VaR 95% {w.var_95:,.0f}, ES 95% "
            f"{w.expected_shortfall_95:,.0f}"
        )
        if self.with_plan is not None:
            p = self.with_plan
            text += (
                f"; with the plan {p.expected_loss:,.0f}, {p.var_95:,.0f}, "
                f"{p.expected_shortfall_95:,.0f}"
            )
        return text + ">"

    def _repr_html_(self) -> str:
        esc = html.escape
        rows = [
            ("expected loss", "expected_loss"),
            ("VaR 95%", "var_95"),
            ("expected shortfall 95%", "expected_shortfall_95"),
        ]
        body = []
        for label, key in rows:
            a = getattr(self.without_plan, key)
            b = "" if self.with_plan is None else f"{getattr(self.with_plan, key):,.0f}"
            body.append(f"<tr><th>{esc(label)}</th><td>{a:,.0f}</td><td>{esc(b)}</td></tr>")
        return (
            '<div class="keyrisk-simulation">'
            f"<p>Revenue lost within a year: {self.draws:,} draws, seed {self.seed}, "
            f"probabilities from {esc(self.probability_source)}.</p>"
            "<table><tr><th></th><th>without the plan</th><th>with the plan</th></tr>"
            f"{''.join(body)}</table></div>"
        )


def simulate(
    holders: pd.DataFrame,
    revenue: pd.Series,
    probability: pd.Series,
    *,
    holders_with_plan: pd.DataFrame | None = None,
    draws: int = 20_000,
    seed: int = 0,
) -> Simulation:
    """Simulate a year of departures and return the revenue at risk.

    Parameters
    ----------
    holders : pandas.DataFrame
        ``account``, ``staff``: the active holders today.
    revenue : pandas.Series
        r_i indexed by every account.
    probability : pandas.Series
        p_j indexed by every active person (see :func:`leave_probabilities`).
    holders_with_plan : pandas.DataFrame, optional
        The active holders once the plan is in place (``Plan.holders_after``).
    draws : int, default 20000
    seed : int, default 0

    Returns
    -------
    Simulation

    Examples
    --------
    >>> h = pd.DataFrame({"account": ["A", "B"], "staff": ["Ann", "Bob"]})
    >>> after = pd.DataFrame({"account": ["A", "A", "B"], "staff": ["Ann", "Bob", "Bob"]})
    >>> sim = simulate(h, pd.Series({"A": 100.0, "B": 50.0}), pd.Series({"Ann": 0.1, "Bob": 0.1}),
    ...                holders_with_plan=after, draws=20_000, seed=0)
    >>> sim.without_plan.expected_loss_exact, round(sim.with_plan.expected_loss_exact, 6)
    (15.0, 6.0)
    >>> sim.without_plan.var_95, sim.with_plan.var_95
    (100.0, 50.0)
    """
    sets = [holders] + ([] if holders_with_plan is None else [holders_with_plan])
    losses = simulate_losses(sets, revenue, probability, draws=draws, seed=seed)
    exact = [expected_loss(h, revenue, probability) for h in sets]
    without = loss_stats(losses[:, 0], exact[0])
    with_plan = loss_stats(losses[:, 1], exact[1]) if holders_with_plan is not None else None
    columns = ["without_plan"] + ([] if holders_with_plan is None else ["with_plan"])
    rev = pd.to_numeric(pd.Series(revenue.to_numpy()), errors="coerce").astype("float64")
    total = float(rev.where(np.isfinite(rev), 0.0).clip(lower=0.0).sum())
    return Simulation(
        draws=draws,
        seed=seed,
        probabilities=probability,
        probability_source=str(probability.attrs.get("source", "given")),
        total_revenue=total,
        without_plan=without,
        with_plan=with_plan,
        losses=pd.DataFrame(losses, columns=columns),
    )
