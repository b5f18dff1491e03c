"""Portfolio figures: departures, the revenue bus factor, top departures and client concentration.

Pure functions (one per algorithm, in the style of networkx) over three inputs shared by all:

- ``holders``: a DataFrame with columns ``account`` and ``staff``, one row per (account, ACTIVE
  holder);
- ``revenue``: a float Series indexed by account (every account of the analysis): r_i. In
  "count" mode every r_i is 1.0;
- ``orphaned``: a bool Series indexed like ``revenue``: the accounts already orphaned.

Conventions shared by every function of this module:

- missing (NaN) and negative revenue count as 0 in departures and bus factors; the total revenue
  is the sum of the revenue so cleaned;
- holder rows naming an account absent from ``revenue`` count with revenue 0;
- "smallest name" means the smallest string in Python (code point) order;
- two revenue figures are equal when they differ by at most the rounding error that their
  floating-point sums can carry, ``(n + 4096) * 2.2e-16`` times the total revenue with n the
  number of accounts (``tol``; the 4096 cover the rounding of the lower bound's splits): a
  target is reached when the orphaned revenue is at least ``target - tol``. So rounding never
  decides, and a real shortfall is never taken for reaching the target (two euros short of
  two billion is short).

Everything is vectorised with numpy, pandas and scipy.sparse: accounts that share the same set of
active holders are aggregated into one *group* first, which shrinks the problems a lot.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from keyrisk.errors import UsageError

if TYPE_CHECKING:  # scipy is imported on first use (keyrisk.analysis loads without it)
    from scipy import sparse

__all__ = [
    "BusFactor",
    "Concentration",
    "Departure",
    "bus_factor",
    "bus_factor_dict",
    "bus_factors",
    "client_concentration",
    "departure",
    "departure_summary",
    "exact_bus_factor",
    "greedy_bus_factor",
    "single_holder_share",
    "top_departures",
    "top_pair",
]

#: Relative tolerance of the client elephant factor (times the total revenue).
REL_TOL = 1e-9
#: Machine epsilon of float64: the relative rounding error of one addition is at most this.
EPS = float(np.finfo(np.float64).eps)
#: Extra terms in the rounding tolerance of the sums (see the module's conventions).
TOL_TERMS = 4096
#: Margin, in people, when a fractional lower bound is rounded up.
BOUND_SLACK = 1e-9

#: The clock of the time limits (a module attribute, so that tests can replace it).
_clock = time.monotonic

#: Methods of :class:`BusFactor`.
EXACT = "exact"
GREEDY_BOUND = "greedy upper bound"
GREEDY = "greedy"
TRIVIAL = "trivial"
METHODS = (EXACT, GREEDY_BOUND, GREEDY, TRIVIAL)


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Departure:
    """What a departure scenario puts at risk.

    Attributes
    ----------
    leave : tuple of str
        The staff who leave, sorted by name, without duplicates.
    newly_orphaned : tuple of str
        Accounts whose (non-empty) set of active holders is a subset of ``leave``, sorted by
        revenue descending then name.
    weakened : tuple of str
        Accounts that lose some but not all of their active holders, same order.
    revenue_at_risk : float
        Revenue of the newly orphaned accounts.
    share : float
        ``revenue_at_risk / total revenue`` (0 when the total is 0).
    pipeline_at_risk : float
        Open pipeline of the newly orphaned accounts (0 when no pipeline is given).
    """

    leave: tuple[str, ...]
    newly_orphaned: tuple[str, ...]
    weakened: tuple[str, ...]
    revenue_at_risk: float
    share: float
    pipeline_at_risk: float


@dataclass(frozen=True)
class BusFactor:
    """The portfolio bus factor and the people who make it.

    Attributes
    ----------
    value : int or None
        The number of people; ``None`` when it is not defined (no revenue at all) or when even the
        departure of every active staff member does not reach the target.
    staff : tuple of str
        The people, in the order they leave (greatest marginal gain first); the target is
        reached with the last one and not before.
    method : {"exact", "greedy upper bound", "greedy", "trivial"}
        How the value was obtained. "exact": proven minimum. "greedy upper bound": the exact
        search ran out of time; ``value`` is the best set found, an upper bound, and
        ``lower_bound`` what was proven. "greedy": the greedy search alone (the exact one was
        not attempted). "trivial": the already-orphaned accounts reach the target (value 0),
        or there is no revenue (value ``None``).
    lower_bound : int or None
        The best lower bound proven (equal to ``value`` when the method is "exact").
    cumulative : tuple of float
        Revenue orphaned (including the already-orphaned accounts) after each person leaves.
    target : float
        ``coverage * total revenue``.
    already_orphaned : float
        Revenue of the accounts already orphaned.
    canonical : bool
        ``True`` when ``staff`` follows the documented naming rule for ties. ``False`` only when
        the exact search proved the value but the time limit stopped the search for the
        canonical set of names (the people named are then *a* minimum set, not the canonical one).
    """

    value: int | None
    staff: tuple[str, ...]
    method: str
    lower_bound: int | None
    cumulative: tuple[float, ...]
    target: float
    already_orphaned: float
    canonical: bool = True

    @property
    def is_exact(self) -> bool:
        """Whether ``value`` is proven to be the minimum.

        True for "exact" and "trivial", and for a greedy answer that meets its lower bound.

        Examples
        --------
        >>> BusFactor(3, ("a", "b", "c"), "greedy upper bound", 2, (), 5.0, 0.0).is_exact
        False
        """
        if self.method in (EXACT, TRIVIAL):
            return True
        return self.value is not None and self.lower_bound == self.value

    @property
    def label(self) -> str:
        """The method as shown, with the lower bound when the value is not proven.

        Every place that shows a bus factor shows this (or its translation, built from
        ``method`` and ``lower_bound`` the same way).

        Examples
        --------
        >>> BusFactor(3, ("a", "b", "c"), "greedy upper bound", 2, (), 5.0, 0.0).label
        'greedy upper bound (lower bound 2)'
        >>> BusFactor(2, ("a", "b"), "exact", 2, (), 5.0, 0.0).label
        'exact'
        """
        if self.is_exact or self.lower_bound is None:
            return self.method
        return f"{self.method} (lower bound {self.lower_bound})"


@dataclass(frozen=True)
class Concentration:
    """Client concentration of the revenue.

    Attributes
    ----------
    hhi : float
        Herfindahl-Hirschman index of the client revenue shares, in [0, 1] (NaN without revenue).
    us_2023_band : str
        "highly concentrated", "moderately concentrated", "unconcentrated" or "n/a".
    eu_2004_band : str
        "high (HHI > 2000)", "medium (1000 <= HHI <= 2000)", "low (HHI < 1000)" or "n/a".
    top1_share, top5_share : float
        Share of revenue of the largest client and of the five largest (NaN without revenue).
    elephant_factor : int
        Fewest clients whose revenue reaches at least half of the total (0 without revenue).
    large_clients : pandas.DataFrame
        Columns ``account``, ``revenue``, ``share``: every client with share >= 0.10, largest
        first (ties: smallest name).
    shares : pandas.Series
        Client revenue shares indexed by account, largest first (ties: smallest name).
    hhi_points : float
        ``10000 * hhi``, the scale of the merger guidelines.
    n_clients : int
        Number of clients with positive revenue.
    """

    hhi: float
    us_2023_band: str
    eu_2004_band: str
    top1_share: float
    top5_share: float
    elephant_factor: int
    large_clients: pd.DataFrame
    shares: pd.Series
    hhi_points: float
    n_clients: int


# --------------------------------------------------------------------------------------------
# Input preparation
# --------------------------------------------------------------------------------------------


def _clean_revenue(revenue: pd.Series) -> pd.Series:
    if not isinstance(revenue, pd.Series):
        raise UsageError("revenue must be a pandas Series indexed by account.")
    if not revenue.index.is_unique:
        raise UsageError("revenue must have one value per account (its index has duplicates).")
    numbers = pd.to_numeric(revenue, errors="coerce")
    values = np.asarray(numbers.to_numpy(dtype="float64", na_value=np.nan), dtype=np.float64)
    values = np.maximum(np.where(np.isfinite(values), values, 0.0), 0.0)
    return pd.Series(values, index=_text(revenue.index), name=revenue.name)


def _clean_holders(holders: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(holders, pd.DataFrame):
        raise UsageError("holders must be a DataFrame with columns 'account' and 'staff'.")
    missing = {"account", "staff"} - set(holders.columns)
    if missing:
        raise UsageError(f"holders lacks the column(s) {', '.join(sorted(missing))}.")
    frame = holders[["account", "staff"]].dropna()
    frame = pd.DataFrame(
        {
            "account": frame["account"].astype(str).to_numpy(object),
            "staff": frame["staff"].astype(str).to_numpy(object),
        }
    )
    return frame.drop_duplicates(ignore_index=True)


def _check_coverage(coverage: float) -> float:
    ok = isinstance(coverage, int | float) and not isinstance(coverage, bool)
    if not ok or not (0.0 < float(coverage) <= 1.0):
        raise UsageError(f"coverage must be a number in (0, 1]; got {coverage!r}.")
    return float(coverage)


def _check_time_limit(time_limit: float) -> float:
    ok = isinstance(time_limit, int | float) and not isinstance(time_limit, bool)
    if not ok or not (float(time_limit) > 0.0) or math.isnan(float(time_limit)):
        raise UsageError(f"time_limit must be a positive number of seconds; got {time_limit!r}.")
    return float(time_limit)


def _check_method(method: str) -> None:
    if method not in ("auto", "exact", "greedy"):
        raise UsageError(f"method must be 'auto', 'exact' or 'greedy'; got {method!r}.")


def _text(values: pd.Series | pd.Index) -> pd.Series | pd.Index:
    """The values as strings (as they are when they already are strings)."""
    if isinstance(values.dtype, pd.StringDtype):
        return values
    return values.astype(str)


@dataclass
class _Groups:
    """Accounts aggregated by their set of active holders (internal).

    Groups are sorted by size, then by their holders' codes; ``inc`` holds, row by row, each
    group's holders in ascending code (hence name) order.
    """

    names: np.ndarray  # staff names, sorted: code j <-> names[j]
    size: np.ndarray  # (G,) number of holders
    rev: np.ndarray  # (G,) revenue of the group
    inc: sparse.csr_matrix  # (G, n) incidence: inc[g, j] = 1 when j holds group g
    inc_t: sparse.csr_matrix  # its transpose (n, G)
    total: float
    already: float
    n_accounts: int

    @property
    def n(self) -> int:
        return len(self.names)

    @property
    def tol(self) -> float:
        """Two revenue figures closer than this are equal (rounding error of their sums)."""
        return (self.n_accounts + TOL_TERMS) * EPS * self.total

    @cached_property
    def held(self) -> np.ndarray:
        """Revenue of the groups each staff member holds."""
        return np.asarray(self.inc_t @ self.rev)

    @cached_property
    def rows(self) -> np.ndarray:
        """The group of each entry of ``inc`` (row by row)."""
        return np.repeat(np.arange(len(self.size)), self.size)

    def members(self, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The holders of ``groups``: (group of each entry, staff code), group by group."""
        sizes = self.size[groups]
        starts = self.inc.indptr[groups]
        offsets = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        return np.repeat(groups, sizes), self.inc.indices[np.repeat(starts, sizes) + offsets]

    def orphaned_by(self, chosen: np.ndarray) -> float:
        """Revenue orphaned (already orphaned included) when the staff in ``chosen`` leave."""
        x = np.zeros(self.n)
        x[chosen] = 1.0
        covered = (self.inc @ x) >= self.size - 0.5
        return self.already + float(self.rev[covered].sum())


def _group_ids(codes: np.ndarray, base: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of ``codes`` (m, s), sorted: (index of each distinct row's first copy, id of
    every row)."""
    s = codes.shape[1]
    if base**s < 2**62:  # one integer per row
        key = codes[:, 0].astype(np.int64)
        for c in range(1, s):
            key = key * base + codes[:, c]
        _, first, ids = np.unique(key, return_index=True, return_inverse=True)
        return first, ids.reshape(-1)
    order = np.lexsort(codes.T[::-1])
    ordered = codes[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = np.any(ordered[1:] != ordered[:-1], axis=1)
    ids = np.empty(len(order), dtype=np.int64)
    ids[order] = np.cumsum(new) - 1
    return order[new], ids


@dataclass
class _Holdings:
    """Who holds which account, on integer codes: the part of :class:`_Groups` that does not
    depend on the revenue, built once and shared by the revenue and the account bus factors.

    ``acc`` are the positions (in ``accounts``) of the accounts with an active holder and
    ``gid`` their group; ``size`` and ``inc`` describe the groups as in :class:`_Groups`.
    """

    names: np.ndarray
    accounts: pd.Index
    acc: np.ndarray
    gid: np.ndarray
    size: np.ndarray
    inc: sparse.csr_matrix
    inc_t: sparse.csr_matrix

    def groups(self, rev: pd.Series) -> _Groups:
        """The groups with the revenue ``rev`` (cleaned, indexed exactly by ``accounts``)."""
        rev_values = rev.to_numpy()
        total = float(rev_values.sum())
        has_holder = np.zeros(len(rev_values), dtype=bool)
        has_holder[self.acc] = True
        already = float(rev_values[~has_holder].sum())
        n_groups = len(self.size)
        grev = np.bincount(self.gid, weights=rev_values[self.acc], minlength=n_groups)
        grev = grev.astype(np.float64)
        return _Groups(
            self.names, self.size, grev, self.inc, self.inc_t, total, already, len(rev_values)
        )


def _orphaned_flags(orphaned: pd.Series | None, rev: pd.Series) -> np.ndarray:
    if orphaned is None:
        return np.zeros(len(rev), dtype=bool)
    if not isinstance(orphaned, pd.Series):
        raise UsageError("orphaned must be a bool Series indexed by account.")
    try:
        o = orphaned.astype("boolean").fillna(False).astype(bool)
    except (TypeError, ValueError):
        raise UsageError("orphaned must hold True/False values.") from None
    o.index = _text(o.index)
    if o.index.equals(rev.index):
        return o.to_numpy(dtype=bool)
    if not o.index.is_unique:
        raise UsageError("orphaned must have one value per account (duplicated index).")
    return o.reindex(rev.index, fill_value=False).to_numpy(dtype=bool)


def _holdings(
    holders: pd.DataFrame,
    rev: pd.Series,
    orphaned: pd.Series | None,
    deadline: float | None = None,
) -> _Holdings:
    """Group the accounts of ``rev`` (cleaned) by their set of active holders.

    Names are read once (one hash join of the accounts, one factorisation of the staff); the
    rest works on integer codes. Accounts are grouped block by block (one block per number of
    holders); past ``deadline`` the blocks left are not merged: each of their accounts is a
    group of its own, which changes no answer (a group only adds up its accounts), only the
    size of the problems.
    """
    from scipy import sparse

    if not isinstance(holders, pd.DataFrame):
        raise UsageError("holders must be a DataFrame with columns 'account' and 'staff'.")
    missing = {"account", "staff"} - set(holders.columns)
    if missing:
        raise UsageError(f"holders lacks the column(s) {', '.join(sorted(missing))}.")
    frame = holders[["account", "staff"]].dropna()
    orph = _orphaned_flags(orphaned, rev)
    import pyarrow as pa
    import pyarrow.compute as pc

    # the position of each row's account in ``rev`` (-1: not there), by one hash join in Arrow
    where = pc.index_in(pa.array(_text(frame["account"])), value_set=pa.array(_text(rev.index)))
    pos = pc.fill_null(where, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    # accounts flagged orphaned have no active holder by definition: their rows are ignored
    keep = pos >= 0
    keep[keep] = ~orph[pos[keep]]
    pos = pos[keep]
    codes, uniques = pd.factorize(_text(frame["staff"])[keep])
    codes = np.asarray(codes, dtype=np.int64)
    labels = [str(u) for u in uniques]
    ranked = sorted(range(len(labels)), key=labels.__getitem__)  # code point order
    names = np.array([labels[i] for i in ranked], dtype=object)
    rank = np.empty(len(uniques), dtype=np.int64)
    rank[ranked] = np.arange(len(uniques))
    n = len(names)
    if len(pos) == 0:
        empty = sparse.csr_matrix((0, n))
        none = np.zeros(0, dtype=np.int64)
        return _Holdings(names, rev.index, none, none, none.copy(), empty, empty.T.tocsr())
    # one (account, staff) pair per row, sorted by account then staff
    pairs = np.sort(pos * n + rank[codes])
    pairs = pairs[np.concatenate([[True], pairs[1:] != pairs[:-1]])]
    pos, scode = pairs // n, pairs % n
    start = np.flatnonzero(np.concatenate([[True], pos[1:] != pos[:-1]]))
    acc = pos[start]  # accounts with holders, in revenue order
    acc_size = np.diff(np.append(start, len(pos)))
    gid = np.empty(len(acc), dtype=np.int64)
    blocks: list[np.ndarray] = []
    sizes: list[np.ndarray] = []
    n_groups = 0
    for s in np.unique(acc_size).tolist():
        rows = np.flatnonzero(acc_size == s)
        members = scode[start[rows][:, None] + np.arange(s)]
        if deadline is not None and _clock() >= deadline:
            first, ids = np.arange(len(rows)), np.arange(len(rows))  # no time to merge
        else:
            first, ids = _group_ids(members, n)
        gid[rows] = n_groups + ids
        blocks.append(members[first].reshape(-1))
        sizes.append(np.full(len(first), s, dtype=np.int64))
        n_groups += len(first)
    size = np.concatenate(sizes)
    indptr = np.concatenate([[0], np.cumsum(size)])
    inc = sparse.csr_matrix(
        (np.ones(int(indptr[-1])), np.concatenate(blocks), indptr), shape=(n_groups, n)
    )
    return _Holdings(names, rev.index, acc, gid, size, inc, inc.T.tocsr())


def _groups(
    holders: pd.DataFrame | _Holdings,
    revenue: pd.Series,
    orphaned: pd.Series | None,
    deadline: float | None = None,
) -> _Groups:
    """The groups of a portfolio; ``holders`` may be the :class:`_Holdings` already built for
    the same accounts (then ``orphaned`` is not read again)."""
    rev = _clean_revenue(revenue)
    if isinstance(holders, _Holdings) and holders.accounts.equals(rev.index):
        return holders.groups(rev)
    if isinstance(holders, _Holdings):
        raise UsageError("the holdings were built for other accounts.")
    return _holdings(holders, rev, orphaned, deadline).groups(rev)


# --------------------------------------------------------------------------------------------
# Departures
# --------------------------------------------------------------------------------------------


def _leave_tuple(leave: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(leave, str):
        leave = [leave]
    return tuple(sorted({str(name) for name in leave}))


def _sorted_accounts(accounts: pd.Index, rev: pd.Series) -> tuple[str, ...]:
    if len(accounts) == 0:
        return ()
    frame = pd.DataFrame(
        {"account": accounts.astype(str), "revenue": rev.reindex(accounts).fillna(0.0).to_numpy()}
    )
    frame = frame.sort_values(["revenue", "account"], ascending=[False, True], kind="mergesort")
    return tuple(frame["account"].tolist())


def departure(
    holders: pd.DataFrame,
    revenue: pd.Series,
    leave: Iterable[str] | str,
    *,
    pipeline: pd.Series | None = None,
) -> Departure:
    """Return what the departure of the staff in ``leave`` puts at risk.

    Parameters
    ----------
    holders : pandas.DataFrame
        Columns ``account`` and ``staff``: one row per (account, active holder).
    revenue : pandas.Series
        Revenue r_i indexed by account.
    leave : iterable of str, or str
        The staff who leave (a single name may be given as a string). Names that hold nothing
        change nothing.
    pipeline : pandas.Series, optional
        Open pipeline indexed by account (NaN counts as 0).

    Returns
    -------
    Departure

    Notes
    -----
    With A_i the set of active holders of account i and L = ``leave``:

    - newly orphaned: A_i is not empty and A_i ⊆ L;
    - weakened: A_i ∩ L is not empty and A_i ⊄ L;
    - revenue at risk: R(L) = sum of r_i over the newly orphaned accounts; share = R(L) / sum r_i.

    Examples
    --------
    >>> import pandas as pd
    >>> holders = pd.DataFrame({"account": ["A", "B", "B"], "staff": ["ann", "ann", "bob"]})
    >>> revenue = pd.Series({"A": 100.0, "B": 300.0})
    >>> d = departure(holders, revenue, ["ann"])
    >>> d.newly_orphaned, d.weakened, d.revenue_at_risk, d.share
    (('A',), ('B',), 100.0, 0.25)
    """
    rev = _clean_revenue(revenue)
    h = _clean_holders(holders)
    names = _leave_tuple(leave)
    total = float(rev.sum())
    gone = h["staff"].isin(names).to_numpy()
    counts = pd.DataFrame({"account": h["account"], "n": 1, "gone": gone.astype(np.int64)})
    per = counts.groupby("account", sort=False)[["n", "gone"]].sum()
    newly = per.index[(per["gone"] == per["n"]).to_numpy()]
    weak = per.index[((per["gone"] > 0) & (per["gone"] < per["n"])).to_numpy()]
    at_risk = float(rev.reindex(newly).fillna(0.0).sum())
    pipe = 0.0
    if pipeline is not None:
        p = pd.to_numeric(pipeline, errors="coerce").astype("float64")
        p.index = p.index.astype(str)
        pipe = float(p.reindex(newly).fillna(0.0).sum())
    return Departure(
        leave=names,
        newly_orphaned=_sorted_accounts(newly, rev),
        weakened=_sorted_accounts(weak, rev),
        revenue_at_risk=at_risk,
        share=at_risk / total if total > 0 else 0.0,
        pipeline_at_risk=pipe,
    )


# --------------------------------------------------------------------------------------------
# Bus factor: greedy
# --------------------------------------------------------------------------------------------


def _greedy_core(
    g: _Groups,
    target: float,
    start: np.ndarray | None = None,
    allowed: np.ndarray | None = None,
    max_size: int | None = None,
    *,
    by_held: bool = True,
) -> tuple[list[int], list[float], bool]:
    """Greedy removals from ``start`` among ``allowed`` until ``target`` is reached.

    Returns the staff codes removed (``start`` excluded), the orphaned revenue after each, and
    whether the target was reached: the search stops at the first removal that reaches it.
    Tie-breaking: marginal gain desc, then (``by_held``) revenue held desc, then smallest name.
    The revenue a staff member still holds does not change while they stay (every group they
    hold keeps them), so it is :attr:`_Groups.held`. Each removal updates only the groups the
    person held: the cost of a step is the size of their book, not of the portfolio.
    """
    tol = g.tol
    reach = target - tol
    removed = np.zeros(g.n, dtype=bool)
    remaining = g.size.astype(np.int64).copy()
    if start is not None and start.any():
        removed |= start
        remaining -= np.asarray(g.inc @ start.astype(np.float64)).round().astype(np.int64)
    can = ~removed if allowed is None else (allowed & ~removed)
    # gain[j]: revenue of the groups j is the last to hold
    gain = np.array(g.inc_t @ np.where(remaining == 1, g.rev, 0.0), dtype=np.float64)
    held = g.held
    orphaned = g.already + float(g.rev[remaining == 0].sum())
    order: list[int] = []
    cumulative: list[float] = []
    limit = g.n if max_size is None else max_size
    indptr, indices = g.inc_t.indptr, g.inc_t.indices
    while orphaned < reach and len(order) < limit and can.any():
        values = np.where(can, gain, -np.inf)
        cand = values >= values.max() - tol
        if by_held and np.count_nonzero(cand) > 1:
            h = np.where(cand, held, -np.inf)
            cand &= h >= h.max() - tol
        j = int(np.argmax(cand))  # the first candidate: codes follow name order
        removed[j] = True
        can[j] = False
        col = indices[indptr[j] : indptr[j + 1]]
        remaining[col] -= 1
        left = remaining[col]
        orphaned += float(g.rev[col[left == 0]].sum())
        last = col[left == 1]
        if len(last):
            grp, who = g.members(last)
            stay = ~removed[who]
            np.add.at(gain, who[stay], g.rev[grp[stay]])
        order.append(j)
        cumulative.append(orphaned)
    return order, cumulative, orphaned >= reach


def _empty_result(g: _Groups, target: float) -> BusFactor | None:
    """The trivial cases: no revenue (None) or already reached (0)."""
    if g.total <= 0:
        return BusFactor(None, (), TRIVIAL, None, (), target, g.already)
    if g.already >= target - g.tol:
        return BusFactor(0, (), TRIVIAL, 0, (), target, g.already)
    return None


def _fractional_cover(weights: np.ndarray, need: float) -> float:
    """Fewest people, fractionally, whose weights sum to ``need`` (largest weights first)."""
    if need <= 0:
        return 0.0
    ordered = np.sort(weights)[::-1]
    reach = np.cumsum(ordered)
    t = int(np.searchsorted(reach, need, side="left"))
    if t >= len(ordered) or ordered[t] <= 0:
        return float(len(ordered))
    before = float(reach[t - 1]) if t > 0 else 0.0
    return t + (need - before) / float(ordered[t])


def _lower_bound(
    g: _Groups,
    target: float,
    upper: int | None = None,
    iterations: int = 200,
    forced: np.ndarray | None = None,
    allowed: np.ndarray | None = None,
    deadline: float | None = None,
) -> tuple[int, np.ndarray]:
    """A lower bound of the bus factor, and the staff weights that give it.

    Any split of each group's revenue among its holders, lambda_gj >= 0 with
    sum_j lambda_gj = r_g, gives staff weights W_j = sum_g lambda_gj such that every set X orphans
    at most O + sum_{j in X} W_j (an orphaned group has all its holders in X). So X needs at least
    as many people as the fractional cover of T - O by the largest W_j. Starting from equal
    splits, revenue of groups that mix the current top people with others is moved, step by
    step, to the others (a subgradient step on the sum of the top weights); the bound tends to
    the LP relaxation's. Stops early once it reaches ``upper``, or at ``deadline`` (after the
    first step: the bound of the equal splits is always given).

    With ``forced`` (staff that must leave) and ``allowed`` (the only other staff that may), the
    bound is that of the sets X with forced ⊆ X ⊆ forced ∪ allowed.

    The target is lowered by the rounding tolerance of the sums (:attr:`_Groups.tol`, which also
    covers the rounding of the splits), so the fractional cover is rounded up with a margin of
    ``1e-9`` person only.
    """
    need = target - g.already - g.tol
    if need <= 0:
        return 0, np.zeros(g.n)
    forced = np.zeros(g.n, dtype=bool) if forced is None else forced
    allowed = ~forced if allowed is None else (allowed & ~forced)
    n_forced = int(forced.sum())
    inc = g.inc
    cols = inc.indices
    rows = np.repeat(np.arange(inc.shape[0]), np.diff(inc.indptr))
    n_groups = inc.shape[0]
    lam = (g.rev / np.maximum(g.size, 1))[rows]
    best = -math.inf
    best_w = np.zeros(g.n)
    choosable = np.flatnonzero(allowed)
    for it in range(iterations):
        if it and deadline is not None and _clock() >= deadline:
            break
        weights = np.bincount(cols, weights=lam, minlength=g.n)
        rest = need - float(weights[forced].sum())
        if float(weights[choosable].sum()) < rest:
            return g.n + 1, weights  # these sets cannot reach the target at all
        extra = _fractional_cover(weights[choosable], rest)
        bound = n_forced + extra
        if bound > best:
            best, best_w = bound, weights.astype(np.float64)
        if upper is not None and math.ceil(best - BOUND_SLACK) >= upper:
            break
        k = max(0, math.ceil(extra))
        top = forced.copy()
        top[choosable[np.argsort(-weights[choosable], kind="stable")[:k]]] = True
        in_top = top[cols]
        n_out = np.bincount(rows, weights=~in_top, minlength=n_groups)
        move = in_top & (n_out > 0)[rows]
        alpha = 0.5 / (1.0 + it / 5.0)
        mass = np.bincount(rows, weights=np.where(move, alpha * lam, 0.0), minlength=n_groups)
        lam = np.where(move, lam * (1.0 - alpha), lam)
        lam = np.where(in_top, lam, lam + (mass / np.maximum(n_out, 1.0))[rows])
    return max(1, math.ceil(best - BOUND_SLACK)), best_w


def greedy_bus_factor(
    holders: pd.DataFrame,
    revenue: pd.Series,
    orphaned: pd.Series,
    *,
    coverage: float = 0.5,
) -> BusFactor:
    """Return the greedy revenue bus factor: an upper bound of the exact one.

    Parameters
    ----------
    holders : pandas.DataFrame
        Columns ``account`` and ``staff``: one row per (account, active holder).
    revenue : pandas.Series
        Revenue r_i indexed by account.
    orphaned : pandas.Series
        Bool, indexed like ``revenue``: accounts already orphaned. Accounts without any row in
        ``holders`` count as already orphaned too.
    coverage : float in (0, 1], default 0.5
        Share of the total revenue that must be orphaned.

    Returns
    -------
    BusFactor
        ``method`` is "greedy" (or "trivial"); ``lower_bound`` is the bound of the Notes. When
        it equals ``value`` the greedy answer is a proven minimum (``is_exact``).

    Notes
    -----
    Target T = coverage * sum_i r_i; already-orphaned revenue O. Starting from nobody, the method
    repeatedly removes the active staff member with the greatest marginal gain in orphaned
    revenue, and stops as soon as O + orphaned revenue >= T: nobody is added once the target
    is reached. The method's tie-breaking: greatest marginal gain, then greatest revenue still
    held (accounts they hold that are not yet orphaned), then smallest name. Lower bound: any
    split of each account's revenue among its holders gives each person a weight, and a set X
    orphans at most O plus the weights of X; so X needs at least the fewest people whose largest
    weights reach T - O (fractionally, rounded up), the splits being improved step by step.

    Examples
    --------
    >>> import pandas as pd
    >>> holders = pd.DataFrame({"account": ["A", "B", "C"], "staff": ["ann", "bob", "cat"]})
    >>> revenue = pd.Series({"A": 50.0, "B": 30.0, "C": 20.0})
    >>> orphaned = pd.Series(False, index=revenue.index)
    >>> bf = greedy_bus_factor(holders, revenue, orphaned, coverage=0.6)
    >>> bf.value, bf.staff, bf.cumulative, bf.method
    (2, ('ann', 'bob'), (50.0, 80.0), 'greedy')
    """
    return _greedy(holders, revenue, orphaned, _check_coverage(coverage))


def _greedy(
    holders: pd.DataFrame | _Holdings, revenue: pd.Series, orphaned: pd.Series | None, cov: float
) -> BusFactor:
    """:func:`greedy_bus_factor` with a checked coverage."""
    g = _groups(holders, revenue, orphaned)
    target = cov * g.total
    trivial = _empty_result(g, target)
    if trivial is not None:
        return trivial
    order, cumulative, reached = _greedy_core(g, target)
    if not reached:
        return BusFactor(None, (), GREEDY, None, (), target, g.already)
    return BusFactor(
        value=len(order),
        staff=tuple(str(g.names[j]) for j in order),
        method=GREEDY,
        lower_bound=_lower_bound(g, target, upper=len(order))[0],
        cumulative=tuple(cumulative),
        target=target,
        already_orphaned=g.already,
    )


# --------------------------------------------------------------------------------------------
# Bus factor: exact (integer programming)
# --------------------------------------------------------------------------------------------


class _Model:
    """The integer program of the bus factor, built once, solved with different bounds.

    Variables: x_j (binary, one per active staff member) then y_g (continuous in [0, 1], one per
    group of positive revenue). Constraints: y_g - x_j <= 0 for every holder j of g;
    sum_g r_g y_g >= need; optionally sum_j x_j <= k. Because every x_j is binary, y_g <= min x_j
    forces y_g to 0 unless all the holders of g leave, so y needs no integrality.
    """

    def __init__(self, g: _Groups, target: float) -> None:
        from scipy import sparse
        from scipy.optimize import LinearConstraint

        self.g = g
        keep = g.rev > 0
        inc = g.inc[keep].tocoo()
        rev = g.rev[keep] / g.total  # normalised: coefficients in (0, 1]
        self.n = g.n
        self.m = int(keep.sum())
        nnz = inc.nnz
        rows = np.arange(nnz)
        link = sparse.csr_matrix(
            (
                np.concatenate([np.ones(nnz), -np.ones(nnz)]),
                (np.concatenate([rows, rows]), np.concatenate([self.n + inc.row, inc.col])),
            ),
            shape=(nnz, self.n + self.m),
        )
        cover = sparse.csr_matrix(
            (rev, (np.zeros(self.m, dtype=np.int64), self.n + np.arange(self.m))),
            shape=(1, self.n + self.m),
        )
        card = sparse.csr_matrix(
            (np.ones(self.n), (np.zeros(self.n, dtype=np.int64), np.arange(self.n))),
            shape=(1, self.n + self.m),
        )
        self.need = (target - g.already - g.tol) / g.total
        self.link = LinearConstraint(link, -np.inf, 0.0)
        self.cover = LinearConstraint(cover, self.need, np.inf)
        self.card = card
        self.integrality = np.concatenate([np.ones(self.n), np.zeros(self.m)])

    def solve(
        self,
        time_limit: float,
        *,
        max_size: int | None = None,
        lb_x: np.ndarray | None = None,
        ub_x: np.ndarray | None = None,
        feasibility: bool = False,
    ) -> tuple[np.ndarray | None, bool, float | None]:
        """Solve; return (chosen staff codes or None, proven optimal/infeasible, dual bound)."""
        from scipy.optimize import Bounds, LinearConstraint, milp

        c = np.concatenate([np.zeros(self.n) if feasibility else np.ones(self.n), np.zeros(self.m)])
        lb = np.zeros(self.n + self.m)
        ub = np.ones(self.n + self.m)
        if lb_x is not None:
            lb[: self.n] = lb_x
        if ub_x is not None:
            ub[: self.n] = ub_x
        constraints = [self.link, self.cover]
        if max_size is not None:
            constraints.append(LinearConstraint(self.card, -np.inf, float(max_size)))
        res = milp(
            c,
            integrality=self.integrality,
            bounds=Bounds(lb, ub),
            constraints=constraints,
            # presolve does not reduce this model and can overrun the time limit
            options={"time_limit": max(time_limit, 1e-3), "disp": False, "presolve": False},
        )
        chosen = None
        if res.x is not None:
            chosen = np.flatnonzero(res.x[: self.n] > 0.5)
        proven = res.status in (0, 2)  # optimal, or infeasible
        dual = getattr(res, "mip_dual_bound", None)
        dual = float(dual) if dual is not None and np.isfinite(dual) else None
        return chosen, proven, dual


def _reorder(g: _Groups, chosen: Iterable[int], target: float) -> tuple[list[int], list[float]]:
    """Put a chosen set in leaving order: greatest marginal gain first (ties: smallest name).

    Stops at the first person whose departure reaches the target: the people after them are not
    needed (a minimum set is never cut; a set with superfluous members is).
    """
    allowed = np.zeros(g.n, dtype=bool)
    allowed[np.asarray(list(chosen), dtype=np.int64)] = True
    order, cumulative, _ = _greedy_core(g, target, allowed=allowed, by_held=False)
    return order, cumulative


class _Orphans:
    """What a set of leavers orphans, to try swaps of one member for an outsider (internal)."""

    def __init__(self, g: _Groups, chosen: np.ndarray) -> None:
        self.g = g
        self.chosen = chosen.copy()
        self.count = np.asarray(g.inc @ chosen.astype(np.float64))  # leavers per group
        full = self.count >= g.size - 0.5
        self.orphaned = g.already + float(g.rev[full].sum())
        # loss[m]: revenue orphaned by the set that m's staying would keep
        self.loss = np.asarray(g.inc_t @ np.where(full, g.rev, 0.0))

    def swapped(self, j: int) -> np.ndarray:
        """Revenue orphaned by the set with each member m replaced by ``j`` (not in the set).

        Groups that j alone keeps from being orphaned join, unless m holds them too; groups
        that m holds leave.
        """
        g = self.g
        col = g.inc_t.indices[g.inc_t.indptr[j] : g.inc_t.indptr[j + 1]]
        joins = col[self.count[col] >= g.size[col] - 1.5]
        shared = np.zeros(g.n)
        if len(joins):
            grp, who = g.members(joins)
            np.add.at(shared, who, g.rev[grp])
        return self.orphaned - self.loss + float(g.rev[joins].sum()) - shared


#: Largest capacity of the max-flow solver (its capacities are 32-bit integers).
_FLOW_MAX = 2**31 - 1


def _closure_bound(
    g: _Groups,
    need: float,
    live: np.ndarray,
    free: np.ndarray,
    slots: int,
    deadline: float,
    iterations: int = 60,
) -> bool:
    """Whether no set of at most ``slots`` staff among ``free`` orphans ``need`` of the ``live``
    groups (True: proven; False: not proven, or the time ran out).

    Notes
    -----
    The Lagrangian bound of the linear relaxation, evaluated exactly by minimum cuts. A group
    counts when all its holders in ``free`` leave (``live`` groups have no holder outside the
    forced and the free staff). For any mu >= 0 and any set X that orphans w(X) >= need,
    |X| >= mu * need - f(mu) with f(mu) = max over X of (mu * w(X) - |X|), a maximum-weight
    closure (groups worth mu * r_g, each needing its free holders, who cost 1 each), which a
    minimum s-t cut solves exactly. Capacities are integers: the groups' worth is scaled and
    rounded up, which can only raise f, so the bound stays valid. The best mu is searched on
    the concave function mu * need - f(mu) by cutting planes: each cut's set X gives the line
    mu * (need - w(X)) + |X| above the function. The set X is infeasible when the bound
    exceeds ``slots``; the search stops when the lines show it cannot.
    """
    from scipy import sparse
    from scipy.sparse.csgraph import breadth_first_order, maximum_flow

    if need <= 0 or slots < 0:
        return False
    groups = np.flatnonzero(live & (g.rev > 0))
    if len(groups) == 0:
        return True
    grp, who = g.members(groups)
    on = free[who]
    staff_code = np.cumsum(free) - 1  # free staff, numbered
    w = g.rev[groups]
    m, ns = len(groups), int(free.sum())
    wall = float(w.sum())
    if wall < need:
        return True
    if ns <= slots:
        return False
    src, sink = 0, m + ns + 1
    pos = np.searchsorted(groups, grp[on])  # the group's row among ``groups``
    heads = np.concatenate([np.zeros(m, np.int64), 1 + pos, 1 + m + np.arange(ns)])
    tails = np.concatenate(
        [1 + np.arange(m), 1 + m + staff_code[who[on]], np.full(ns, sink, np.int64)]
    )
    edge = sparse.csr_array(
        (np.arange(1, len(heads) + 1, dtype=np.float64), (heads, tails)), shape=(sink + 1,) * 2
    )
    perm = edge.data.astype(np.int64) - 1  # csr entry -> edge number
    n_links = int(on.sum())
    margin = 1e-6

    def cut(mu: float) -> tuple[float, float, int] | None:
        """(upper bound of f(mu), w(X), |X|) of the optimal closure X; None when the integer
        capacities cannot hold the scaled worth."""
        scale = math.floor((_FLOW_MAX - m - 2) / max(mu * wall + 1.0, ns + 1.0))
        if not scale >= 1:
            return None
        worth = np.ceil(scale * mu * w)
        big = float(worth.sum()) + 1.0
        cap = np.concatenate([worth, np.full(n_links, big), np.full(ns, float(scale))])
        graph = sparse.csr_array(
            (cap[perm].astype(np.int32), edge.indices, edge.indptr), shape=edge.shape
        )
        flow = maximum_flow(graph, src, sink)
        left = (graph - flow.flow).tocsr()
        left.data = (left.data > 0).astype(np.int32)
        left.eliminate_zeros()
        side = np.zeros(sink + 1, dtype=bool)
        side[breadth_first_order(left, src, directed=True, return_predecessors=False)] = True
        value = (float(worth.sum()) - float(flow.flow_value)) / scale
        return value, float(w[side[1 : m + 1]].sum()), int(side[m + 1 : m + 1 + ns].sum())

    # lines above the function: X empty (slope need, at 0) and X all the free staff
    s_lo, c_lo = need, 0.0
    s_hi, c_hi = need - wall, float(ns)
    best = -math.inf
    for _ in range(iterations):
        if _clock() >= deadline:
            return False
        mu = (c_hi - c_lo) / (s_lo - s_hi)
        envelope = s_lo * mu + c_lo
        if envelope <= slots + margin or envelope - best <= 1e-9:
            return False
        evaluated = cut(mu)
        if evaluated is None:
            return False
        value, w_x, n_x = evaluated
        best = max(best, mu * need - value)
        if best > slots + margin:
            return True
        slope, line = need - w_x, (need - w_x, float(n_x))
        if line in ((s_lo, c_lo), (s_hi, c_hi)) or slope == 0:
            return False  # no new line: the rounding of the worth stops the search
        if slope > 0:
            s_lo, c_lo = line
        else:
            s_hi, c_hi = line
    return False


def _canonical(
    g: _Groups,
    model: _Model | None,
    target: float,
    chosen: np.ndarray,
    weights: np.ndarray,
    deadline: float,
) -> tuple[np.ndarray, bool]:
    """Among the minimum sets, find the lexicographically smallest sorted tuple of names.

    Staff are visited in name order; each is kept in the set when some minimum set contains it
    together with the staff kept so far and none of the staff rejected so far. The current
    solution answers for free when it contains the staff member; otherwise the weights of
    :func:`_lower_bound`, a simple bound, a swap of one member, a greedy completion, the cut
    bound of :func:`_closure_bound` and, last, the integer program decide. The counts of kept
    and rejected holders per group follow the decisions (each one updates the groups of one
    person) instead of being recomputed. Every step looks at the clock: past ``deadline`` the
    current (minimum, not canonical) set is returned with ``False``.
    """
    k = len(chosen)
    current = np.zeros(g.n, dtype=bool)
    current[chosen] = True
    state = _Orphans(g, current)
    fixed1 = np.zeros(g.n, dtype=bool)
    n_kept = np.zeros(len(g.size), dtype=np.int64)  # holders of each group kept so far
    n_out = np.zeros(len(g.size), dtype=np.int64)  # holders of each group rejected so far
    tol = g.tol
    reach = target - tol
    held_all = g.held
    indptr, indices = g.inc_t.indptr, g.inc_t.indices

    def late() -> bool:
        return _clock() >= deadline

    def admits(j: int) -> bool | None:
        """Whether some minimum set holds the kept staff and j, none of the rejected (None:
        out of time). Sets ``current`` to such a set when it does."""
        nonlocal current, state, model
        trial = fixed1.copy()
        trial[j] = True
        allowed = np.zeros(g.n, dtype=bool)
        allowed[j + 1 :] = True
        slots = k - int(trial.sum())
        # weights bound: X orphans at most O + sum of W over X
        top_w = np.sort(weights[allowed])[::-1][:slots]
        if g.already + float(weights[trial].sum() + top_w.sum()) < reach:
            return False
        # bound: groups still orphanable lie within trial + allowed, not within trial
        mine = indices[indptr[j] : indptr[j + 1]]
        kept = n_kept.copy()
        kept[mine] += 1
        in_trial = kept >= g.size
        inside = n_out == 0
        base = g.already + float(g.rev[in_trial].sum())
        live = inside & ~in_trial
        extra = np.asarray(g.inc_t @ np.where(live, g.rev, 0.0))
        extra = np.sort(extra[allowed])[::-1][:slots]
        if base + float(extra.sum()) < reach:
            return False
        if _closure_bound(g, target - tol - base, live, allowed, slots, deadline):
            return False
        if late():
            return None
        # a swap: one member not yet kept leaves the set, j joins it
        fits = np.flatnonzero(current & ~fixed1 & (state.swapped(j) >= reach))
        if len(fits):
            current = current.copy()
            current[fits[0]], current[j] = False, True
            state = _Orphans(g, current)
            return True
        if late():
            return None
        order, _, reached = _greedy_core(g, target, start=trial, allowed=allowed, max_size=slots)
        if reached:
            current = trial.copy()
            current[order] = True
            state = _Orphans(g, current)
            return True
        if late():
            return None
        if model is None:
            model = _Model(g, target)
        left = deadline - _clock()
        if left <= 0:
            return None
        lb_x = trial.astype(np.float64)
        ub_x = (trial | allowed).astype(np.float64)
        found, _, _ = model.solve(left, max_size=k, lb_x=lb_x, ub_x=ub_x, feasibility=True)
        if found is not None and len(found) <= k and g.orphaned_by(found) >= reach:
            current = np.zeros(g.n, dtype=bool)
            current[found] = True
            state = _Orphans(g, current)
            return True
        if late():
            return None
        return False

    for j in range(g.n):
        if fixed1.sum() == k:
            return np.flatnonzero(fixed1), True
        mine = indices[indptr[j] : indptr[j + 1]]
        if current[j]:
            fixed1[j] = True
            n_kept[mine] += 1
            continue
        if held_all[j] <= 0:  # holds no revenue: never needed in a minimum set
            n_out[mine] += 1
            continue
        if late():
            return np.flatnonzero(current), False
        decision = admits(j)
        if decision is None:
            return np.flatnonzero(current), False
        if decision:
            fixed1[j] = True
            n_kept[mine] += 1
        else:
            n_out[mine] += 1
    if fixed1.sum() == k:
        return np.flatnonzero(fixed1), True
    return np.flatnonzero(current), True


def exact_bus_factor(
    holders: pd.DataFrame,
    revenue: pd.Series,
    orphaned: pd.Series,
    *,
    coverage: float = 0.5,
    time_limit: float = 10.0,
) -> BusFactor:
    """Return the revenue bus factor by integer programming (HiGHS), within a time limit.

    Parameters
    ----------
    holders : pandas.DataFrame
        Columns ``account`` and ``staff``: one row per (account, active holder).
    revenue : pandas.Series
        Revenue r_i indexed by account.
    orphaned : pandas.Series
        Bool, indexed like ``revenue``: accounts already orphaned. Accounts without any row in
        ``holders`` count as already orphaned too.
    coverage : float in (0, 1], default 0.5
        Share of the total revenue that must be orphaned.
    time_limit : float, default 10.0
        Seconds allowed to the whole call: grouping the accounts, the greedy search, the bounds,
        building and solving the integer program, the naming rule and the leaving order.

    Returns
    -------
    BusFactor
        ``method`` "exact" when optimality is proven; "greedy upper bound" when the time limit
        ran out first (the best of the greedy answer and the solver's incumbent, with the best
        lower bound proven by then: the weights bound of :func:`greedy_bus_factor` or the
        solver's dual bound, rounded up); "trivial" when the accounts already orphaned reach the
        target (0) or there is no revenue (None).

    Notes
    -----
    Accounts sharing the same set of active holders form a group g with revenue r_g and holder
    set S_g. With T = coverage * sum_i r_i and O the already-orphaned revenue, the program is::

        minimise    sum_j x_j
        subject to  y_g <= x_j              for every g and every j in S_g
                    sum_g r_g y_g >= T - O - tol
                    x_j in {0, 1},  0 <= y_g <= 1

    where tol is the rounding tolerance of the module (see its conventions). The greedy answer
    (see :func:`greedy_bus_factor`) is computed first; when it meets the lower bound no solver
    runs. Every answer is checked on the data, outside the solver and its tolerances.

    Time limit: the clock starts when the function is called. Grouping and the greedy search
    always run (they give the answer of last resort), but past the limit grouping stops merging
    accounts (the answers are the same, only the problems larger); every later step (each
    round of the bounds, each cut of the naming rule's bound, building the program, the solver,
    each step of the naming rule) starts only if time is left, and the solver gets only the
    time left. About two greedy runs' worth of time is kept
    for the leaving order, which is incremental (each step updates only the groups of the person
    who leaves). So the call ends within the limit, give or take one step of the naming rule,
    unless grouping and the greedy search alone take longer.

    Naming rule for ties: when several minimum sets exist, the one named is the
    lexicographically smallest tuple of sorted names (the alphabetically first staff member who
    belongs to some minimum set is in it, and so on). ``staff`` lists it in leaving order:
    at each step the member whose departure orphans the most additional revenue, ties smallest
    name, up to the first that reaches the target. When the limit stops the naming rule, the
    value is still proven and ``canonical`` is False.

    Examples
    --------
    >>> import pandas as pd
    >>> holders = pd.DataFrame(
    ...     {"account": ["A", "A", "B", "C"], "staff": ["ann", "bob", "cat", "cat"]}
    ... )
    >>> revenue = pd.Series({"A": 60.0, "B": 30.0, "C": 10.0})
    >>> orphaned = pd.Series(False, index=revenue.index)
    >>> bf = exact_bus_factor(holders, revenue, orphaned, coverage=0.5)
    >>> bf.value, bf.staff, bf.method, bf.cumulative
    (2, ('ann', 'bob'), 'exact', (0.0, 60.0))
    """
    cov = _check_coverage(coverage)
    limit = _check_time_limit(time_limit)
    return _exact(holders, revenue, orphaned, cov, limit, _clock())


def _exact(
    holders: pd.DataFrame | _Holdings,
    revenue: pd.Series,
    orphaned: pd.Series | None,
    cov: float,
    limit: float,
    start: float,
) -> BusFactor:
    """:func:`exact_bus_factor` with checked parameters, its clock started at ``start``."""
    deadline = start + limit
    g = _groups(holders, revenue, orphaned, deadline)
    target = cov * g.total
    trivial = _empty_result(g, target)
    if trivial is not None:
        return trivial
    started = _clock()
    greedy_order, _, reached = _greedy_core(g, target)
    if not reached:  # cannot happen with positive revenue, kept for safety
        return BusFactor(None, (), GREEDY_BOUND, None, (), target, g.already)
    # kept for the leaving order at the end: about two greedy runs
    stop = deadline - min(0.25 * limit, 2.0 * (_clock() - started))
    best = np.array(sorted(greedy_order), dtype=np.int64)
    lower, weights = _lower_bound(g, target, upper=len(best), deadline=stop)
    proven = len(best) <= lower
    model: _Model | None = None
    if not proven and _clock() < stop:
        model = _Model(g, target)
        left = stop - _clock()
        if left > 0:
            found, solved, dual = model.solve(left, max_size=len(best))
            verified = found is not None and g.orphaned_by(found) >= target - g.tol
            if verified and found is not None and len(found) < len(best):
                best = found
            if solved and found is not None:
                # the optimum of the program bounds the true optimum from below, even when the
                # solver's tolerance accepted a set that the check on the data rejects
                lower = max(lower, len(found))
            elif dual is not None:
                lower = max(lower, math.ceil(dual - 1e-6))
            proven = len(best) <= lower
    canonical = True
    if proven:
        canonical = False
        if _clock() < stop:
            if len(best) > 1:  # sharper weights (no early stop) prune the search for names
                weights = _lower_bound(g, target, iterations=300, deadline=stop)[1]
            best, canonical = _canonical(g, model, target, best, weights, stop)
    order, cumulative = _reorder(g, best, target)
    if not proven and len(order) <= lower:  # the incumbent had people it did not need
        proven, canonical = True, False
    return BusFactor(
        value=len(order),
        staff=tuple(str(g.names[j]) for j in order),
        method=EXACT if proven else GREEDY_BOUND,
        lower_bound=len(order) if proven else lower,
        cumulative=tuple(cumulative),
        target=target,
        already_orphaned=g.already,
        canonical=canonical,
    )


def bus_factor(
    holders: pd.DataFrame,
    revenue: pd.Series,
    orphaned: pd.Series,
    *,
    coverage: float = 0.5,
    time_limit: float = 10.0,
    method: str = "auto",
) -> BusFactor:
    """Return the revenue bus factor of the portfolio.

    Parameters
    ----------
    holders : pandas.DataFrame
        Columns ``account`` and ``staff``: one row per (account, active holder).
    revenue : pandas.Series
        Revenue r_i indexed by account (1.0 everywhere gives the *account* bus factor).
    orphaned : pandas.Series
        Bool, indexed like ``revenue``: accounts already orphaned.
    coverage : float in (0, 1], default 0.5
        Share of the total revenue that must be orphaned.
    time_limit : float, default 10.0
        Seconds allowed to the exact search.
    method : {"auto", "exact", "greedy"}, default "auto"
        "auto" and "exact": :func:`exact_bus_factor` (which falls back on the greedy upper bound
        when the time limit is reached); "greedy": :func:`greedy_bus_factor` only.

    Returns
    -------
    BusFactor

    Notes
    -----
    The revenue bus factor is the smallest number of active staff whose departure, together with
    the accounts already orphaned, orphans at least ``coverage`` of the total revenue:
    min |X| such that O + sum of r_i over accounts with A_i ⊆ X >= coverage * sum_i r_i
    (0 with method "trivial" when O alone reaches it). When there is no revenue at all (total 0)
    the bus factor is not defined: value ``None``, method "trivial".

    Examples
    --------
    >>> import pandas as pd
    >>> holders = pd.DataFrame({"account": ["A", "B"], "staff": ["ann", "bob"]})
    >>> revenue = pd.Series({"A": 70.0, "B": 30.0, "C": 0.0})
    >>> orphaned = pd.Series({"A": False, "B": False, "C": True})
    >>> bf = bus_factor(holders, revenue, orphaned)
    >>> bf.value, bf.staff, bf.method
    (1, ('ann',), 'exact')
    """
    if method in ("auto", "exact"):
        return exact_bus_factor(
            holders, revenue, orphaned, coverage=coverage, time_limit=time_limit
        )
    _check_method(method)
    return greedy_bus_factor(holders, revenue, orphaned, coverage=coverage)


def bus_factors(
    holders: pd.DataFrame,
    revenue: pd.Series,
    orphaned: pd.Series,
    *,
    coverage: float = 0.5,
    time_limit: float = 10.0,
    method: str = "auto",
) -> tuple[BusFactor, BusFactor]:
    """Return the revenue and the account bus factors, the accounts grouped once for both.

    Parameters
    ----------
    holders, revenue, orphaned, coverage, time_limit, method
        As in :func:`bus_factor`; ``time_limit`` applies to each of the two searches (the
        grouping counts in the first).

    Returns
    -------
    tuple of BusFactor
        ``(bus_factor(holders, revenue, ...), bus_factor(holders, ones, ...))`` with ``ones``
        1.0 for every account of ``revenue``: the same answers as the two calls.

    Notes
    -----
    Both searches work on the same groups (accounts sharing a set of active holders); only the
    revenue of each group differs (its accounts' revenue, or their number).

    Examples
    --------
    >>> import pandas as pd
    >>> holders = pd.DataFrame({"account": ["A", "B", "C"], "staff": ["ann", "bob", "bob"]})
    >>> revenue = pd.Series({"A": 70.0, "B": 20.0, "C": 10.0})
    >>> orphaned = pd.Series(False, index=revenue.index)
    >>> by_revenue, by_account = bus_factors(holders, revenue, orphaned)
    >>> by_revenue.staff, by_account.staff
    (('ann',), ('bob',))
    """
    _check_method(method)
    cov = _check_coverage(coverage)
    limit = _check_time_limit(time_limit)
    start = _clock()
    rev = _clean_revenue(revenue)
    held = _holdings(holders, rev, orphaned, None if method == "greedy" else start + limit)
    ones = pd.Series(1.0, index=rev.index, name=rev.name)
    if method == "greedy":
        return _greedy(held, rev, None, cov), _greedy(held, ones, None, cov)
    return _exact(held, rev, None, cov, limit, start), _exact(
        held, ones, None, cov, limit, _clock()
    )


# --------------------------------------------------------------------------------------------
# Top departures
# --------------------------------------------------------------------------------------------


def top_departures(
    holders: pd.DataFrame, revenue: pd.Series, *, n: int | None = 10
) -> pd.DataFrame:
    """Return every active staff member's departure alone, riskiest first.

    Parameters
    ----------
    holders : pandas.DataFrame
        Columns ``account`` and ``staff``: one row per (account, active holder).
    revenue : pandas.Series
        Revenue r_i indexed by account.
    n : int or None, default 10
        Number of rows kept; ``None`` keeps them all.

    Returns
    -------
    pandas.DataFrame
        Columns ``staff``, ``revenue_at_risk`` (float), ``share`` (float),
        ``accounts_orphaned`` (int), sorted by revenue at risk descending then name.

    Notes
    -----
    The departure of j alone orphans exactly the accounts j holds alone (A_i = {j}):
    revenue_at_risk(j) = sum of r_i over those accounts; share = revenue_at_risk / sum_i r_i.

    Examples
    --------
    >>> import pandas as pd
    >>> holders = pd.DataFrame({"account": ["A", "B", "B"], "staff": ["bob", "ann", "bob"]})
    >>> revenue = pd.Series({"A": 10.0, "B": 90.0})
    >>> top_departures(holders, revenue)
      staff  revenue_at_risk  share  accounts_orphaned
    0   bob             10.0    0.1                  1
    1   ann              0.0    0.0                  0
    """
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 0):
        raise UsageError(f"n must be a non-negative integer or None; got {n!r}.")
    rev = _clean_revenue(revenue)
    h = _clean_holders(holders)
    total = float(rev.sum())
    size = h.groupby("account", sort=False)["staff"].transform("size").to_numpy()
    sole = h[size == 1]
    staff = pd.Index(sorted(h["staff"].unique()), dtype=object)
    r = rev.reindex(sole["account"]).fillna(0.0).to_numpy()
    agg = (
        pd.DataFrame({"staff": sole["staff"].to_numpy(), "r": r, "k": 1})
        .groupby("staff")[["r", "k"]]
        .sum()
        .reindex(staff, fill_value=0)
    )
    out = pd.DataFrame(
        {
            "staff": staff.to_numpy(object),
            "revenue_at_risk": agg["r"].to_numpy(np.float64),
            "accounts_orphaned": agg["k"].to_numpy(np.int64),
        }
    )
    out.insert(2, "share", out["revenue_at_risk"] / total if total > 0 else 0.0)
    out = out.sort_values(
        ["revenue_at_risk", "staff"], ascending=[False, True], kind="mergesort"
    ).reset_index(drop=True)
    return out if n is None else out.head(n).reset_index(drop=True)


def top_pair(holders: pd.DataFrame, revenue: pd.Series) -> Departure | None:
    """Return the pair of active staff whose departure puts the most revenue at risk.

    Parameters
    ----------
    holders : pandas.DataFrame
        Columns ``account`` and ``staff``: one row per (account, active holder).
    revenue : pandas.Series
        Revenue r_i indexed by account.

    Returns
    -------
    Departure or None
        The departure of the pair (``leave`` sorted by name); ``None`` with fewer than two active
        staff. Ties: the lexicographically smallest sorted pair of names.

    Notes
    -----
    The departure of {a, b} orphans the accounts held by a alone, by b alone, and by exactly
    {a, b}: risk(a, b) = sole(a) + sole(b) + joint(a, b). The maximum is found exactly without
    trying every pair. Let (p, q) be the two largest sole values (ties: smallest names). For any
    pair with joint(a, b) = 0, risk(a, b) = sole(a) + sole(b) <= sole(p) + sole(q) <= risk(p, q),
    so a maximum is always among the pairs with joint > 0 and (p, q). For ties, a pair with
    joint 0 can only equal risk(p, q) when its sole values are those of p and q and joint(p, q) =
    0; taking p and q as the smallest names among equal sole values makes (p, q) the
    lexicographically smallest of those.

    Examples
    --------
    >>> import pandas as pd
    >>> holders = pd.DataFrame(
    ...     {"account": ["A", "B", "C", "C"], "staff": ["ann", "bob", "bob", "cat"]}
    ... )
    >>> revenue = pd.Series({"A": 40.0, "B": 30.0, "C": 50.0})
    >>> top_pair(holders, revenue).leave
    ('bob', 'cat')
    """
    rev = _clean_revenue(revenue)
    g = _groups(holders, rev, None)
    if g.n < 2:
        return None
    names = g.names
    sole = np.zeros(g.n)
    first = g.inc.indices[g.inc.indptr[:-1]]  # smallest holder code of each group
    if len(g.size):
        single = g.size == 1
        np.add.at(sole, first[single], g.rev[single])
    # candidates: pairs of groups with exactly two holders, and the two largest sole values
    rank = np.lexsort((np.arange(g.n), -sole))
    p, q = sorted((int(rank[0]), int(rank[1])))
    cand_a = [np.array([p])]
    cand_b = [np.array([q])]
    cand_joint = [np.array([0.0])]
    double = g.size == 2
    if double.any():
        cand_a.append(first[double])
        cand_b.append(g.inc.indices[g.inc.indptr[:-1][double] + 1])
        cand_joint.append(g.rev[double])
    a = np.concatenate(cand_a)
    b = np.concatenate(cand_b)
    joint = np.concatenate(cand_joint)
    frame = (
        pd.DataFrame({"a": a, "b": b, "joint": joint})
        .groupby(["a", "b"], as_index=False)["joint"]
        .sum()
    )
    a, b = frame["a"].to_numpy(), frame["b"].to_numpy()
    risk = sole[a] + sole[b] + frame["joint"].to_numpy()
    cand = risk >= risk.max() - g.tol
    # codes follow name order, so (a, b) with a < b in lexicographic code order is the name order
    idx = np.flatnonzero(cand)
    pick = idx[np.lexsort((b[idx], a[idx]))[0]]
    return departure(holders, revenue, [str(names[a[pick]]), str(names[b[pick]])])


# --------------------------------------------------------------------------------------------
# Shares and concentration
# --------------------------------------------------------------------------------------------


def single_holder_share(bus_factor: pd.Series, revenue: pd.Series) -> float:
    """Return the share of revenue in accounts with at most one active holder.

    Parameters
    ----------
    bus_factor : pandas.Series
        Number of active holders per account, indexed by account (every account of
        ``revenue`` must be present).
    revenue : pandas.Series
        Revenue r_i indexed by account.

    Returns
    -------
    float
        In [0, 1]; 0 when the total revenue is 0.

    Notes
    -----
    share = sum of r_i over accounts with bus_factor_i <= 1 / sum_i r_i (orphaned accounts, with
    bus factor 0, are included).

    Examples
    --------
    >>> import pandas as pd
    >>> bf = pd.Series({"A": 0, "B": 1, "C": 2})
    >>> revenue = pd.Series({"A": 10.0, "B": 30.0, "C": 60.0})
    >>> single_holder_share(bf, revenue)
    0.4
    """
    rev = _clean_revenue(revenue)
    if not isinstance(bus_factor, pd.Series):
        raise UsageError("bus_factor must be a Series indexed by account.")
    bf = bus_factor.copy()
    bf.index = bf.index.astype(str)
    missing = rev.index.difference(bf.index)
    if len(missing):
        raise UsageError(f"bus_factor has no value for account {missing[0]!r}.")
    values = pd.to_numeric(bf.reindex(rev.index), errors="coerce").to_numpy(np.float64)
    total = float(rev.sum())
    if total <= 0:
        return 0.0
    return float(rev.to_numpy()[values <= 1].sum()) / total


US_2023_BANDS = ("unconcentrated", "moderately concentrated", "highly concentrated")
EU_2004_BANDS = ("low (HHI < 1000)", "medium (1000 <= HHI <= 2000)", "high (HHI > 2000)")


def _us_band(points: float) -> str:
    if points > 1800:
        return US_2023_BANDS[2]
    if points >= 1000:
        return US_2023_BANDS[1]
    return US_2023_BANDS[0]


def _eu_band(points: float) -> str:
    if points > 2000:
        return EU_2004_BANDS[2]
    if points >= 1000:
        return EU_2004_BANDS[1]
    return EU_2004_BANDS[0]


def client_concentration(revenue: pd.Series) -> Concentration:
    """Return the concentration of revenue over clients.

    Parameters
    ----------
    revenue : pandas.Series
        Revenue indexed by account. Accounts with missing, zero or negative revenue are left
        out: concentration is measured over the clients that bring revenue.

    Returns
    -------
    Concentration

    Notes
    -----
    With s_i = r_i / sum_k r_k over the n clients with r_i > 0:

    - HHI = sum_i s_i^2, in [1/n, 1]; ``hhi_points`` = 10000 * HHI (the guidelines' scale).
      Bands are decided on the points rounded to 9 decimals, so that a share computed as
      0.18000000000000002 is not pushed over a threshold by floating point.
    - US 2023 Merger Guidelines (DOJ/FTC): "highly concentrated" when HHI > 1800 (the threshold
      the 2023 guidelines state); "moderately concentrated" when 1000 <= HHI <= 1800 and
      "unconcentrated" below 1000 (the lower band of the 1982 guidelines, whose thresholds the
      2023 guidelines restored).
    - EU 2004 Horizontal Merger Guidelines (paragraphs 19-20): the Commission is unlikely to find
      concerns below 1000; between 1000 and 2000, and above 2000, only small changes (delta
      below 250 and 150) are in the safe harbours. The guidelines do not name the bands, so
      keyrisk calls them "low (HHI < 1000)", "medium (1000 <= HHI <= 2000)" and
      "high (HHI > 2000)". These guidelines are about markets, not client books: they serve
      only as a familiar scale.
    - top-1 and top-5 shares: the largest share, and the sum of the five largest.
    - elephant factor: the fewest clients whose revenue reaches at least half of the total
      (largest first; a sum within 1e-9 of half counts as reaching it).
    - large clients: share >= 0.10, the IFRS 8 threshold for disclosing a major customer.

    Examples
    --------
    >>> import pandas as pd
    >>> revenue = pd.Series(
    ...     [1000, 202, 90, 33, 332, 343, 42, 433], index=list("ABCDEFGH"), dtype=float
    ... )
    >>> c = client_concentration(revenue)
    >>> c.elephant_factor, c.us_2023_band, list(c.large_clients["account"])
    (2, 'highly concentrated', ['A', 'H', 'F', 'E'])
    """
    rev = _clean_revenue(revenue)
    rev = rev[rev > 0]
    frame = pd.DataFrame({"account": rev.index.astype(str), "revenue": rev.to_numpy()})
    frame = frame.sort_values(
        ["revenue", "account"], ascending=[False, True], kind="mergesort"
    ).reset_index(drop=True)
    total = float(frame["revenue"].sum())
    if total <= 0:
        empty = pd.DataFrame(
            {
                "account": pd.Series(dtype=object),
                "revenue": pd.Series(dtype="float64"),
                "share": pd.Series(dtype="float64"),
            }
        )
        return Concentration(
            hhi=math.nan,
            us_2023_band="n/a",
            eu_2004_band="n/a",
            top1_share=math.nan,
            top5_share=math.nan,
            elephant_factor=0,
            large_clients=empty,
            shares=pd.Series(dtype="float64", name="share"),
            hhi_points=math.nan,
            n_clients=0,
        )
    frame["share"] = frame["revenue"] / total
    shares = frame["share"].to_numpy()
    hhi = float(np.sum(shares**2))
    points = round(10000.0 * hhi, 9)
    reach = np.cumsum(frame["revenue"].to_numpy())
    elephant = int(np.searchsorted(reach, 0.5 * total - REL_TOL * total, side="left")) + 1
    large = frame[frame["share"] >= 0.10 - 1e-12].reset_index(drop=True)
    return Concentration(
        hhi=hhi,
        us_2023_band=_us_band(points),
        eu_2004_band=_eu_band(points),
        top1_share=float(shares[0]),
        top5_share=float(shares[:5].sum()),
        elephant_factor=elephant,
        large_clients=large,
        shares=pd.Series(shares, index=pd.Index(frame["account"], name="account"), name="share"),
        hhi_points=10000.0 * hhi,
        n_clients=len(frame),
    )


def bus_factor_dict(bus: BusFactor) -> dict[str, Any]:
    """Return a bus factor as summary.json shows it (the one shape used everywhere).

    Examples
    --------
    >>> bus_factor_dict(BusFactor(1, ("a",), "exact", 1, (5.0,), 5.0, 0.0))["label"]
    'exact'
    """
    return {
        "value": bus.value,
        "staff": list(bus.staff),
        "method": bus.method,
        "lower_bound": bus.lower_bound,
        "is_exact": bus.is_exact,
        "label": bus.label,
        "target": float(bus.target),
        "cumulative": [float(v) for v in bus.cumulative],
        "already_orphaned": float(bus.already_orphaned),
    }


def departure_summary(dep: Departure | None) -> dict[str, Any] | None:
    """Return a top departure or pair as summary.json shows it (None stays None)."""
    if dep is None:
        return None
    return {
        "staff": list(dep.leave),
        "revenue_at_risk": float(dep.revenue_at_risk),
        "share": float(dep.share),
        "newly_orphaned": list(dep.newly_orphaned),
    }
