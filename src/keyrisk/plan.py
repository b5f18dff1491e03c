"""The continuity plan: a backup for every fragile account, chosen all at once under capacity.

Pure functions over the tables of an analysis (:mod:`keyrisk.analysis` wires them):

1. :func:`fragile_accounts`: the accounts with at most one active holder (after a departure
   scenario, when one is given), and how many people each needs: one backup when it has one
   holder; an owner and a backup when it is orphaned;
2. :func:`candidate_pairs`: for each of them, the active colleagues who could take it, with the
   evidence of their familiarity (in contact with the client, working alongside its holder,
   on the same segment, in the same department) and a familiarity score;
3. :func:`capacities`: how many new accounts each person can take;
4. :func:`assign`: the optimisation, which picks the whole plan at once;
5. :func:`figures`: the method's own figures (bus factors, single-holder share, orphaned revenue,
   top departure and top pair), to compare before and after;
6. :func:`continuity_plan` chains them and returns a :class:`Plan`.

Familiarity
-----------
For a candidate j of account i, with R_i the reference holders of i (its active holder; when it
is orphaned, the holders who left), every component in [0, 1]:

- contact (0.4): j touched i in the window (weight w_ij > 0);
- closeness (0.2): w_ij / max_k w_ik, how close that contact is;
- alongside (0.2): the largest share, over h in R_i, of h's other accounts that j also touches,
  (|T_h ∩ T_j| - [i in both]) / (|T_h| - [h touched i]), with T the accounts touched;
- segment (0.1): j works alongside that holder on at least one other account of i's segment
  (for an account without any reference holder: j touches another account of its segment);
- department (0.05): j is in the department of a reference holder (staff table);
- client facing (0.05): j touched at least one account in the window, whatever their role.

``familiarity = 0.4 contact + 0.2 closeness + 0.2 alongside + 0.1 segment + 0.05 department +
0.05 client_facing``, in [0, 1]. Every candidate has some evidence: in contact, working
alongside a reference holder, in their department, present on the segment (accounts without any
reference holder) or at least client facing (the weakest: effort "high").
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from keyrisk import portfolio as pf
from keyrisk._html import frame_table
from keyrisk.errors import UsageError
from keyrisk.roles import is_excluded_role

if TYPE_CHECKING:  # scipy is imported on first use (keyrisk.analysis loads without it)
    from scipy import sparse

__all__ = [
    "FAMILIARITY_WEIGHTS",
    "METHOD",
    "Figures",
    "Plan",
    "assign",
    "candidate_pairs",
    "capacities",
    "continuity_plan",
    "figures",
    "fragile_accounts",
]

#: Weight of each component of the familiarity score (they sum to 1).
FAMILIARITY_WEIGHTS: Final[Mapping[str, float]] = {
    "contact": 0.4,
    "closeness": 0.2,
    "alongside": 0.2,
    "segment": 0.1,
    "department": 0.05,
    "client_facing": 0.05,
}
#: How the plan is chosen.
METHOD: Final = (
    "exact: one assignment problem for the whole plan (integer programme, "
    "scipy.optimize.milp with HiGHS)"
)
#: Status of a plan chosen greedily because the exact search ran out of time.
GREEDY: Final = "time limit: greedy plan (most valuable pairs first)"
#: Revenue floor, as a share of the largest fragile revenue, so that an account of unknown
#: (zero) revenue still gets a backup when someone is free.
REVENUE_FLOOR: Final = 1e-4

_STRING: Final = "string"
#: Above this many candidate pairs, the plan is solved by column generation.
_DIRECT_LIMIT = 20_000
_EMPTY: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------
# Figures before / after
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """The method's portfolio figures for one set of active holders.

    Attributes
    ----------
    revenue_bus_factor, account_bus_factor : keyrisk.portfolio.BusFactor
    single_holder_revenue_share : float
        Share of revenue in accounts with at most one active holder.
    orphaned_accounts : int
    orphaned_revenue : float
    top_departure, top_pair : keyrisk.portfolio.Departure or None
    """

    revenue_bus_factor: pf.BusFactor
    account_bus_factor: pf.BusFactor
    single_holder_revenue_share: float
    orphaned_accounts: int
    orphaned_revenue: float
    top_departure: pf.Departure | None
    top_pair: pf.Departure | None

    def as_dict(self) -> dict[str, Any]:
        """Return the figures with the keys and shapes of summary.json's top level."""

        return {
            "revenue_bus_factor": pf.bus_factor_dict(self.revenue_bus_factor),
            "account_bus_factor": pf.bus_factor_dict(self.account_bus_factor),
            "top_departure": pf.departure_summary(self.top_departure),
            "top_pair": pf.departure_summary(self.top_pair),
            "single_holder_revenue_share": float(self.single_holder_revenue_share),
            "orphaned_accounts": int(self.orphaned_accounts),
            "orphaned_revenue": float(self.orphaned_revenue),
        }


def figures(
    holders: pd.DataFrame,
    revenue: pd.Series,
    *,
    pipeline: pd.Series | None = None,
    coverage: float = 0.5,
    time_limit: float = 10.0,
) -> Figures:
    """Return the portfolio figures of a set of active holders.

    Parameters
    ----------
    holders : pandas.DataFrame
        Columns ``account`` and ``staff``: one row per (account, active holder).
    revenue : pandas.Series
        r_i indexed by every account of the analysis.
    pipeline : pandas.Series, optional
        Open pipeline by account (for the top departure and pair).
    coverage, time_limit : float
        As in :func:`keyrisk.portfolio.bus_factor`.

    Returns
    -------
    Figures

    Notes
    -----
    An account of ``revenue`` without any row in ``holders`` is orphaned. The figures are those
    of :mod:`keyrisk.portfolio`, computed as :attr:`keyrisk.analysis.Analysis.portfolio` does.

    Examples
    --------
    >>> h = pd.DataFrame({"account": ["A", "B", "B"], "staff": ["Ann", "Ann", "Bob"]})
    >>> f = figures(h, pd.Series({"A": 60.0, "B": 40.0}))
    >>> f.revenue_bus_factor.value, f.single_holder_revenue_share, f.orphaned_revenue
    (1, 0.6, 0.0)
    """
    rev = pd.Series(
        revenue.to_numpy(dtype="float64"),
        index=pd.Index(revenue.index.astype(str), dtype=object, name="account"),
    )
    h = pd.DataFrame(
        {
            "account": holders["account"].astype(str).to_numpy(dtype=object),
            "staff": holders["staff"].astype(str).to_numpy(dtype=object),
        }
    ).drop_duplicates(ignore_index=True)
    counts = h.groupby("account").size().reindex(rev.index, fill_value=0)
    orphaned = counts.eq(0)
    rev_bus, acc_bus = pf.bus_factors(h, rev, orphaned, coverage=coverage, time_limit=time_limit)
    tops = pf.top_departures(h, rev, n=1)
    top_one = None
    if len(tops):
        top_one = pf.departure(h, rev, [str(tops["staff"].iloc[0])], pipeline=pipeline)
    pair = pf.top_pair(h, rev)
    if pair is not None:
        pair = pf.departure(h, rev, list(pair.leave), pipeline=pipeline)
    return Figures(
        revenue_bus_factor=rev_bus,
        account_bus_factor=acc_bus,
        single_holder_revenue_share=float(pf.single_holder_share(counts, rev)),
        orphaned_accounts=int(orphaned.sum()),
        orphaned_revenue=float(rev[orphaned].clip(lower=0.0).sum()),
        top_departure=top_one,
        top_pair=pair,
    )


# --------------------------------------------------------------------------------------------
# Fragile accounts and candidates
# --------------------------------------------------------------------------------------------


def _names(values: Iterable[str] | str | None) -> tuple[str, ...]:
    if values is None:
        return _EMPTY
    if isinstance(values, str):
        values = [values]
    return tuple(sorted({str(v) for v in values}))


def fragile_accounts(accounts: pd.DataFrame, leave: Iterable[str] = ()) -> pd.DataFrame:
    """Return the accounts with at most one active holder, and the people each one needs.

    Parameters
    ----------
    accounts : pandas.DataFrame
        The per-account table of an analysis (``account``, ``holders``, ``gone_holders``...).
    leave : iterable of str
        A departure scenario: these people count as gone (their accounts may become fragile)
        and are never proposed.

    Returns
    -------
    pandas.DataFrame
        One row per fragile account, in the order of ``accounts``: ``account``, ``holders``
        (tuple, active holders staying), ``leaving`` (tuple, holders in ``leave``),
        ``gone_holders`` (tuple), ``bus_factor`` (int, 0 or 1), ``slots`` (2 when orphaned: an
        owner and a backup; 1 otherwise) and ``references`` (tuple: the holders whose
        colleagues are the natural backups: the active holder, or else the holders who left).

    Examples
    --------
    >>> acc = pd.DataFrame({"account": ["A", "B"], "holders": [("Ann",), ("Ann", "Bob")],
    ...                     "gone_holders": [(), ()]})
    >>> fragile_accounts(acc)[["account", "slots"]].to_dict("list")
    {'account': ['A'], 'slots': [1]}
    >>> fragile_accounts(acc, leave=["Bob"])[["account", "holders", "leaving"]].to_dict("list")
    {'account': ['A', 'B'], 'holders': [('Ann',), ('Ann',)], 'leaving': [(), ('Bob',)]}
    """
    out_names = set(_names(leave))
    acc = accounts["account"].astype(str).tolist()
    holders: list[tuple[str, ...]] = []
    leaving: list[tuple[str, ...]] = []
    for hs in accounts["holders"]:
        hs = tuple(hs) if isinstance(hs, tuple | list) else _EMPTY
        holders.append(tuple(h for h in hs if h not in out_names))
        leaving.append(tuple(h for h in hs if h in out_names))
    gone = [tuple(g) if isinstance(g, tuple | list) else _EMPTY for g in accounts["gone_holders"]]
    frame = pd.DataFrame(
        {
            "account": pd.Series(acc, dtype=object),
            "holders": pd.Series(holders, dtype=object),
            "leaving": pd.Series(leaving, dtype=object),
            "gone_holders": pd.Series(gone, dtype=object),
        }
    )
    frame["bus_factor"] = np.array([len(h) for h in holders], dtype=np.int64)
    frame = frame[frame["bus_factor"] <= 1].reset_index(drop=True)
    frame["slots"] = np.where(frame["bus_factor"].to_numpy() == 0, 2, 1).astype(np.int64)
    refs = [
        h if h else tuple(dict.fromkeys(lv + g))
        for h, lv, g in zip(frame["holders"], frame["leaving"], frame["gone_holders"], strict=True)
    ]
    frame["references"] = pd.Series(refs, dtype=object)
    return frame


def _codes(values: pd.Series, index: pd.Index) -> np.ndarray:
    return np.asarray(index.get_indexer(values.astype(str).to_numpy(dtype=object)))


def candidate_pairs(
    edges: pd.DataFrame,
    fragile: pd.DataFrame,
    staff: pd.DataFrame,
    segments: pd.Series | None = None,
    *,
    leave: Iterable[str] = (),
    max_candidates: int = 20,
) -> pd.DataFrame:
    """Return the candidates of every fragile account, with their evidence and familiarity.

    Parameters
    ----------
    edges : pandas.DataFrame
        Every (account, staff) edge of the analysis: ``account``, ``staff``, ``weight``
        (columns ``count`` and ``last_date`` are used when present).
    fragile : pandas.DataFrame
        Output of :func:`fragile_accounts`.
    staff : pandas.DataFrame
        The per-staff table: ``staff``, ``active`` and, when known, ``department``.
    segments : pandas.Series, optional
        Segment by account (NaN when unknown).
    leave : iterable of str
        People who are never proposed (a departure scenario).
    max_candidates : int, default 20
        Candidates kept per account, the most familiar first.

    Returns
    -------
    pandas.DataFrame
        One row per (account, candidate), sorted by account (in the order of ``fragile``), then
        familiarity descending, then name: ``account``, ``staff``, ``familiarity``, ``rank``
        (1 = most familiar), ``contact`` (bool), ``weight``, ``count``, ``closeness``,
        ``last_contact``, ``alongside``, ``reference`` (the holder j works alongside, or <NA>),
        ``shared`` (other accounts both touch), ``reference_accounts`` (the reference's other
        accounts), ``segment`` (bool), ``segment_accounts`` (other accounts of the segment
        shared with the reference; without a reference, touched by j), ``department`` (bool),
        ``client_facing`` (bool), ``effort`` ("low": already in contact; "medium": works
        alongside the holder; "high": same department, or client facing, only).

    Notes
    -----
    See the module docstring for the familiarity formula. Candidates are active staff not in
    ``leave`` and not already holders of the account. They are drawn from every contact of the
    account, the ``max_candidates`` closest colleagues of each reference holder (by
    0.2 alongside + 0.05 department, counting every account) and, for an account without any
    reference holder, the ``max_candidates`` staff touching most accounts of its segment; an
    account still short of ``max_candidates`` candidates adds the client-facing staff touching
    most accounts. The best ``max_candidates`` are kept (ties: smallest name). With
    fewer active staff than ``max_candidates`` no one is left out.

    Examples
    --------
    >>> edges = pd.DataFrame({"account": ["A", "A", "B", "B"],
    ...                       "staff": ["Ann", "Bob", "Ann", "Cy"],
    ...                       "weight": [4.0, 1.0, 2.0, 2.0]})
    >>> frag = fragile_accounts(pd.DataFrame({"account": ["A"], "holders": [("Ann",)],
    ...                                       "gone_holders": [()]}))
    >>> st = pd.DataFrame({"staff": ["Ann", "Bob", "Cy"], "active": True})
    >>> c = candidate_pairs(edges, frag, st)
    >>> c[["staff", "familiarity", "contact", "alongside"]].round(3).to_dict("list")
    {'staff': ['Bob', 'Cy'], 'familiarity': [0.5, 0.25], 'contact': [True, False], 'alongside': [0.0, 1.0]}
    """  # noqa: E501
    from scipy import sparse

    if isinstance(max_candidates, bool) or not isinstance(max_candidates, int):
        raise UsageError(f"max_candidates must be an int >= 1; got {max_candidates!r}.")
    if max_candidates < 1:
        raise UsageError(f"max_candidates must be an int >= 1; got {max_candidates!r}.")
    leaving = set(_names(leave))
    # --- staff: codes follow name order, so ties broken by code are broken by name
    st = staff.drop_duplicates("staff")
    sindex = pd.Index(
        sorted(set(st["staff"].astype(str)) | set(edges["staff"].astype(str))), dtype=object
    )
    names = sindex.to_numpy(dtype=object)
    n = len(sindex)
    active = pd.Series(st["active"].astype(bool).to_numpy(), index=st["staff"].astype(str))
    eligible = np.array(active.reindex(sindex).fillna(True).to_numpy(dtype=bool), copy=True)
    eligible &= ~np.isin(names, list(leaving))
    # never management or accounting (keyrisk.roles: the rule of the next steps too)
    role = st["role"] if "role" in st.columns else pd.Series(None, index=st.index)
    dept_col = st["department"] if "department" in st.columns else pd.Series(None, index=st.index)
    excluded = pd.Series(
        [is_excluded_role(r, d) for r, d in zip(role.tolist(), dept_col.tolist(), strict=True)],
        index=st["staff"].astype(str).to_numpy(),
        dtype=bool,
    )
    eligible &= ~excluded.reindex(sindex).fillna(False).to_numpy(dtype=bool)
    dept = np.full(n, -1, dtype=np.int64)
    if "department" in st.columns:
        d = st["department"].astype("string").str.strip().str.casefold()
        d = d.where(d != "")
        dcodes, _ = pd.factorize(d)
        pos = sindex.get_indexer(st["staff"].astype(str))
        dept[pos] = np.where(np.asarray(dcodes) >= 0, dcodes, -1)
    # --- accounts touched (weight > 0 in the window)
    e = edges[edges["weight"].to_numpy(dtype="float64") > 0]
    aindex = pd.Index(
        pd.unique(
            np.concatenate(
                [
                    e["account"].astype(str).to_numpy(dtype=object),
                    fragile["account"].astype(str).to_numpy(dtype=object),
                ]
            )
        ),
        dtype=object,
    )
    n_acc = len(aindex)
    ea = _codes(e["account"], aindex)
    es = _codes(e["staff"], sindex)
    ew = e["weight"].to_numpy(dtype="float64")
    ecount = e["count"].to_numpy(dtype="int64") if "count" in e.columns else np.ones(len(e), int)
    if "last_date" in e.columns:
        elast = pd.to_datetime(e["last_date"]).to_numpy(dtype="datetime64[ns]")
    else:
        elast = np.full(len(e), np.datetime64("NaT", "ns"))
    touch = sparse.csr_matrix((np.ones(len(e)), (ea, es)), shape=(n_acc, n))
    touch.data[:] = 1.0  # (account, staff) appears once per edge table anyway
    n_touch = np.asarray(touch.sum(axis=0)).ravel()
    top_weight = np.zeros(n_acc)
    np.maximum.at(top_weight, ea, ew)
    edge_key = ea.astype(np.int64) * n + es
    edge_order = np.argsort(edge_key, kind="stable")
    edge_key = edge_key[edge_order]

    def edge_lookup(acc: np.ndarray, stf: np.ndarray) -> np.ndarray:
        """Row of ``e`` for each (account code, staff code), -1 when there is none."""
        keys = acc.astype(np.int64) * n + stf
        at = np.searchsorted(edge_key, keys)
        at_c = np.minimum(at, max(len(edge_key) - 1, 0))
        hit = (at < len(edge_key)) & (edge_key[at_c] == keys) if len(edge_key) else at < 0
        return np.where(hit, edge_order[at_c] if len(edge_key) else -1, -1)

    # --- segments
    seg = np.full(n_acc, -1, dtype=np.int64)
    if segments is not None:
        sg = segments.astype("string").str.strip()
        sg = sg[sg.notna() & (sg != "")]
        scodes, _ = pd.factorize(sg)
        pos = aindex.get_indexer(pd.Index(sg.index.astype(str), dtype=object))
        ok = pos >= 0
        seg[pos[ok]] = np.asarray(scodes)[ok]
    # --- fragile accounts: codes, holders, references
    n_frag = len(fragile)
    fa = _codes(fragile["account"], aindex)
    frag_seg = seg[fa]
    ref_k = np.array([k for k, r in enumerate(fragile["references"]) for _ in r], dtype=np.int64)
    ref_h = sindex.get_indexer(
        pd.Index([h for r in fragile["references"] for h in r], dtype=object)
    ).astype(np.int64)
    ref_k, ref_h = ref_k[ref_h >= 0], ref_h[ref_h >= 0]
    has_ref = np.zeros(n_frag, dtype=bool)
    has_ref[ref_k] = True
    refs = np.unique(ref_h)
    n_refs = len(refs)
    # co[r, j] = |T_h ∩ T_j| for the reference h = refs[r]
    co = (touch[:, refs].T @ touch).toarray() if n_refs else np.zeros((0, n))
    # co_seg[(r, s), j] = accounts of segment s touched by both refs[r] and j
    if n_refs:
        tr = touch[:, refs].tocoo()
        in_seg = seg[tr.row] >= 0
        n_seg = int(seg.max()) + 1 if (seg >= 0).any() else 0
        combo = tr.col[in_seg].astype(np.int64) * max(n_seg, 1) + seg[tr.row[in_seg]]
        bmat = sparse.csr_matrix(
            (np.ones(int(in_seg.sum())), (tr.row[in_seg], combo)),
            shape=(n_acc, n_refs * max(n_seg, 1)),
        )
        co_seg = (bmat.T @ touch).tocsr()  # (n_refs * n_seg, n)
        co_seg.sort_indices()
    else:
        n_seg, co_seg = 0, sparse.csr_matrix((0, n))

    # --- candidate generation
    pieces_k: list[np.ndarray] = []
    pieces_j: list[np.ndarray] = []
    frag_of_acc = np.full(n_acc, -1, dtype=np.int64)
    frag_of_acc[fa] = np.arange(n_frag)
    k_of_edge = frag_of_acc[ea]
    pieces_k.append(k_of_edge[k_of_edge >= 0])  # (a) every contact of the account
    pieces_j.append(es[k_of_edge >= 0])
    kk = min(max_candidates, n)
    if n_refs:  # (b) the closest colleagues of each reference
        score = 0.2 * co / np.maximum(n_touch[refs], 1.0)[:, None]
        score = score + 0.05 * ((dept[refs][:, None] == dept[None, :]) & (dept[None, :] >= 0))
        score[:, ~eligible] = -1.0
        score[np.arange(n_refs), refs] = -1.0
        best = np.argsort(-score, axis=1, kind="stable")[:, :kk]
        good = np.take_along_axis(score, best, axis=1) > 0
        r_of = np.searchsorted(refs, ref_h)
        cnt = good[r_of].sum(axis=1)
        pieces_k.append(np.repeat(ref_k, cnt))
        pieces_j.append(best[r_of][good[r_of]])
    lone = np.flatnonzero(~has_ref & (frag_seg >= 0))
    if len(lone):  # (c) accounts without any reference: the staff most present on the segment
        n_seg_all = int(seg.max()) + 1
        mask = seg >= 0
        smat = sparse.csr_matrix(
            (np.ones(int(mask.sum())), (np.flatnonzero(mask), seg[mask])), shape=(n_acc, n_seg_all)
        )
        presence = (touch.T @ smat).toarray()  # (n, n_seg_all)
        presence[~eligible, :] = -1.0
        best_s = np.argsort(-presence, axis=0, kind="stable")[:kk, :]
        for k in lone:
            s = frag_seg[k]
            cols = best_s[:, s][presence[best_s[:, s], s] > 0]
            pieces_k.append(np.full(len(cols), k, dtype=np.int64))
            pieces_j.append(cols.astype(np.int64))
    # (d) accounts still short of candidates: the client-facing staff who touch most accounts
    so_far = np.bincount(np.concatenate(pieces_k), minlength=n_frag) if n_frag else np.zeros(0)
    needy = np.flatnonzero(so_far < kk)
    facing_score = np.where(eligible & (n_touch > 0), n_touch, -1.0)
    facing = np.argsort(-facing_score, kind="stable")[: kk + 2]
    facing = facing[facing_score[facing] > 0]
    if len(needy) and len(facing):
        pieces_k.append(np.repeat(needy, len(facing)))
        pieces_j.append(np.tile(facing, len(needy)))
    pk = np.concatenate(pieces_k)
    pj = np.concatenate(pieces_j).astype(np.int64)
    if len(pk):
        uniq = np.unique(pk * n + pj)
        pk, pj = uniq // n, uniq % n
    # never the account's own holders, never the ineligible
    hold_k = np.array([k for k, hs in enumerate(fragile["holders"]) for _ in hs], dtype=np.int64)
    hold_j = sindex.get_indexer(
        pd.Index([h for hs in fragile["holders"] for h in hs], dtype=object)
    ).astype(np.int64)
    keep = eligible[pj] & ~np.isin(pk * n + pj, hold_k * n + hold_j)
    pk, pj = pk[keep], pj[keep]
    m = len(pk)
    if m == 0:
        return _empty_candidates()
    # --- components
    acc = fa[pk]
    erow = edge_lookup(acc, pj)
    contact = erow >= 0
    safe = np.maximum(erow, 0)
    weight = np.where(contact, ew[safe], 0.0)
    count = np.where(contact, ecount[safe], 0)
    last = np.where(contact, elast[safe], np.datetime64("NaT", "ns"))
    with np.errstate(invalid="ignore", divide="ignore"):
        closeness = np.where(top_weight[acc] > 0, weight / np.maximum(top_weight[acc], 1e-300), 0)
    closeness = np.clip(closeness, 0.0, 1.0)
    alongside = np.zeros(m)
    shared = np.zeros(m, dtype=np.int64)
    ref_acc = np.zeros(m, dtype=np.int64)
    seg_shared = np.zeros(m, dtype=np.int64)
    reference = np.full(m, None, dtype=object)
    same_dept = np.zeros(m, dtype=bool)
    if len(ref_k):
        pr = pd.DataFrame({"p": np.arange(m), "k": pk}).merge(
            pd.DataFrame({"k": ref_k, "h": ref_h}), on="k", how="inner", sort=False
        )
        p_idx = pr["p"].to_numpy()
        h_idx = pr["h"].to_numpy()
        j_idx = pj[p_idx]
        a_idx = acc[p_idx]
        t_hi = edge_lookup(a_idx, h_idx) >= 0
        t_ji = contact[p_idx]
        r_idx = np.searchsorted(refs, h_idx)
        both = co[r_idx, j_idx] - (t_hi & t_ji)
        others = n_touch[h_idx] - t_hi
        share = np.where(others > 0, both / np.maximum(others, 1), 0.0)
        s_i = seg[a_idx]
        in_s = np.zeros(len(pr), dtype=np.int64)
        known = s_i >= 0
        if n_seg and known.any():
            rows = r_idx[known] * n_seg + s_i[known]
            in_s[known] = np.asarray(co_seg[rows, j_idx[known]]).ravel().astype(np.int64)
            in_s[known] -= t_hi[known] & t_ji[known]
        dsame = (dept[h_idx] >= 0) & (dept[h_idx] == dept[j_idx])
        np.logical_or.at(same_dept, p_idx, dsame)
        order = np.lexsort((h_idx, -in_s, -share, p_idx))
        first = order[np.r_[True, p_idx[order][1:] != p_idx[order][:-1]]] if len(order) else order
        win = first[share[first] > 0]
        tgt = p_idx[win]
        alongside[tgt] = share[win]
        shared[tgt] = both[win]
        ref_acc[tgt] = others[win]
        seg_shared[tgt] = in_s[win]
        reference[tgt] = names[h_idx[win]]
    # segment: shared work with the reference on the segment; alone, presence on the segment
    seg_k = frag_seg[pk]
    lone_pair = ~has_ref[pk] & (seg_k >= 0)
    seg_presence = np.zeros(m, dtype=np.int64)
    if lone_pair.any():
        rows_a = touch.T.tocsr()  # staff x accounts
        for p in np.flatnonzero(lone_pair):
            cols = rows_a.indices[rows_a.indptr[pj[p]] : rows_a.indptr[pj[p] + 1]]
            seg_presence[p] = int(np.sum((seg[cols] == seg_k[p]) & (cols != acc[p])))
    segment_n = np.where(has_ref[pk], seg_shared, seg_presence)
    segment = segment_n > 0
    client_facing = n_touch[pj] > 0
    w = FAMILIARITY_WEIGHTS
    familiarity = (
        w["contact"] * contact
        + w["closeness"] * closeness
        + w["alongside"] * alongside
        + w["segment"] * segment
        + w["department"] * same_dept
        + w["client_facing"] * client_facing
    )
    evidence = contact | (alongside > 0) | same_dept | segment | client_facing
    out = pd.DataFrame(
        {
            "k": pk,
            "account": fragile["account"].astype(str).to_numpy(dtype=object)[pk],
            "staff": names[pj],
            "familiarity": np.round(familiarity, 12),
            "contact": contact,
            "weight": weight,
            "count": count.astype(np.int64),
            "closeness": closeness,
            "last_contact": pd.to_datetime(last),
            "alongside": alongside,
            "reference": pd.array(reference, dtype=_STRING),
            "shared": shared,
            "reference_accounts": ref_acc,
            "segment": segment,
            "segment_accounts": segment_n,
            "department": same_dept,
            "client_facing": client_facing,
        }
    )[evidence]
    out["effort"] = np.select(
        [out["contact"].to_numpy(), ((out["alongside"] > 0) | out["segment"]).to_numpy()],
        ["low", "medium"],
        default="high",
    )
    out = out.sort_values(
        ["k", "familiarity", "staff"], ascending=[True, False, True], kind="mergesort"
    )
    out["rank"] = out.groupby("k").cumcount().to_numpy() + 1
    out = out[out["rank"] <= max_candidates]
    return out[list(_CANDIDATE_TYPES)].astype(_CANDIDATE_TYPES).reset_index(drop=True)


_CANDIDATE_TYPES: Final[dict[str, str]] = {
    "account": _STRING,
    "staff": _STRING,
    "familiarity": "float64",
    "rank": "int64",
    "contact": "bool",
    "weight": "float64",
    "count": "int64",
    "closeness": "float64",
    "last_contact": "datetime64[ns]",
    "alongside": "float64",
    "reference": _STRING,
    "shared": "int64",
    "reference_accounts": "int64",
    "segment": "bool",
    "segment_accounts": "int64",
    "department": "bool",
    "client_facing": "bool",
    "effort": _STRING,
}


def _empty_candidates() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _CANDIDATE_TYPES.items()})


# --------------------------------------------------------------------------------------------
# Capacity and the optimisation
# --------------------------------------------------------------------------------------------


def capacities(
    n_held: pd.Series,
    *,
    max_new_backups: int = 10,
    capacity_ratio: float = 1.5,
    eligible: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Return how many new accounts each person may take.

    Parameters
    ----------
    n_held : pandas.Series
        Accounts held (as an active holder) by each active person, indexed by name.
    max_new_backups : int, default 10
        No one takes more new accounts than this.
    capacity_ratio : float, default 1.5
        No one holds more than ``capacity_ratio`` times the team's median accounts held.
    eligible : iterable of str, optional
        The people who may be proposed (default: every name of ``n_held``); the others get 0.

    Returns
    -------
    pandas.DataFrame
        Indexed by name: ``n_held``, ``cap`` (the most accounts anyone may hold), ``limit``
        (new accounts allowed); ``attrs["team_median"]`` holds the median used.

    Notes
    -----
    ``team_median`` = median of n_held over the people holding at least one account (1 when
    nobody does); ``cap = floor(capacity_ratio * team_median)``;
    ``limit_j = max(0, min(max_new_backups, cap - n_held_j))``.

    Examples
    --------
    >>> c = capacities(pd.Series({"Ann": 4, "Bob": 2, "Cy": 0}), max_new_backups=3)
    >>> c["limit"].to_dict(), c.attrs["team_median"]
    ({'Ann': 0, 'Bob': 2, 'Cy': 3}, 3.0)
    """
    if isinstance(max_new_backups, bool) or not isinstance(max_new_backups, int):
        raise UsageError(f"max_new_backups must be an int >= 0; got {max_new_backups!r}.")
    if max_new_backups < 0:
        raise UsageError(f"max_new_backups must be an int >= 0; got {max_new_backups!r}.")
    ok = isinstance(capacity_ratio, int | float) and not isinstance(capacity_ratio, bool)
    if not ok or not math.isfinite(capacity_ratio) or capacity_ratio <= 0:
        raise UsageError(f"capacity_ratio must be a number > 0; got {capacity_ratio!r}.")
    held = pd.to_numeric(n_held, errors="coerce").fillna(0).astype(np.int64)
    held.index = held.index.astype(str)
    positive = held[held > 0]
    median = float(positive.median()) if len(positive) else 1.0
    cap = math.floor(capacity_ratio * median + 1e-9)
    limit = np.clip(np.minimum(max_new_backups, cap - held.to_numpy()), 0, None)
    out = pd.DataFrame(
        {"n_held": held.to_numpy(), "cap": cap, "limit": limit.astype(np.int64)},
        index=pd.Index(held.index, name="staff", dtype=object),
    )
    if eligible is not None:
        allowed = set(map(str, eligible))
        out.loc[~out.index.isin(list(allowed)), "limit"] = 0
    out.attrs["team_median"] = median
    return out


def assign(
    pairs: pd.DataFrame,
    slots: pd.Series,
    limit: pd.Series,
    bonus: pd.Series | None = None,
    *,
    time_limit: float = 10.0,
) -> tuple[np.ndarray, str]:
    """Choose the assignment of greatest total value, under slots and capacities.

    Parameters
    ----------
    pairs : pandas.DataFrame
        Columns ``account``, ``staff`` and ``value`` (>= 0): the candidate pairs, unique.
    slots : pandas.Series
        People wanted per account (indexed by account; missing accounts get 0).
    limit : pandas.Series
        New accounts allowed per person (indexed by name; missing names get 0).
    bonus : pandas.Series, optional
        Extra value of an account once it gets at least one person (indexed by account; 0 when
        missing): the owner of an orphaned account.
    time_limit : float, default 10.0
        Seconds allowed to the solver.

    Returns
    -------
    chosen : numpy.ndarray of bool
        One flag per row of ``pairs``.
    status : str
        "optimal", or :data:`GREEDY` when the time limit stopped the exact search (the plan
        is then the greedy one: the most valuable pairs first).

    Notes
    -----
    With x_p = 1 when pair p = (i, j) is chosen and y_i = 1 when account i gets someone:

    .. math::

        \\max \\sum_p v_p x_p + \\sum_i b_i y_i \\quad \\text{s.t.} \\quad
        \\sum_{p \\ni i} x_p \\le slots_i,\\ \\sum_{p \\ni j} x_p \\le limit_j,\\
        y_i \\le \\sum_{p \\ni i} x_p,\\ x, y \\in \\{0, 1\\}

    This is a flow problem (staff -> account -> sink, the bonus on a first arc of capacity 1
    out of each account): its constraint matrix is totally unimodular, so the basic optimal
    solutions of its linear relaxation are integral and the answer is exact. The relaxation is
    solved by HiGHS's dual simplex (``scipy.optimize.linprog``), by column generation on large
    problems (the best pairs of each person and account first, then every pair whose reduced
    cost says it would improve the plan, until none would).

    Examples
    --------
    >>> pairs = pd.DataFrame({"account": ["A", "A", "B"], "staff": ["Ann", "Bob", "Ann"],
    ...                       "value": [3.0, 2.0, 2.5]})
    >>> chosen, status = assign(pairs, pd.Series({"A": 1, "B": 1}), pd.Series({"Ann": 1, "Bob": 1}))
    >>> chosen.tolist(), status
    ([False, True, True], 'optimal')
    """
    m = len(pairs)
    if m == 0:
        return np.zeros(0, dtype=bool), "optimal"
    value = pairs["value"].to_numpy(dtype="float64")
    if not np.all(np.isfinite(value)) or (value < 0).any():
        raise UsageError("assign() needs finite, non-negative pair values.")
    acc, acc_idx = np.unique(
        pairs["account"].astype(str).to_numpy(dtype=object), return_inverse=True
    )
    stf, stf_idx = np.unique(pairs["staff"].astype(str).to_numpy(dtype=object), return_inverse=True)

    def on(series: pd.Series | None, index: np.ndarray) -> np.ndarray:
        if series is None:
            return np.zeros(len(index))
        s = pd.Series(series.to_numpy(dtype="float64"), index=series.index.astype(str))
        return s.groupby(level=0).first().reindex(index).fillna(0.0).to_numpy(dtype="float64")

    problem = _Problem(
        value=value,
        acc_idx=acc_idx.astype(np.int64),
        stf_idx=stf_idx.astype(np.int64),
        upper_a=on(slots, acc),
        upper_s=on(limit, stf),
        bonus=np.clip(on(bonus, acc), 0.0, None),
    )
    return problem.solve(float(time_limit))


@dataclass
class _Problem:
    """The assignment problem of :func:`assign`, solved by column generation (internal).

    The linear relaxation is solved on a subset of the pairs (the best pairs of each person and
    of each account); the duals price every other pair, and the pairs that would improve the
    plan are added until none would. The relaxation of the full problem is then solved, and
    its basic solutions are integral (total unimodularity), so the plan is exact.
    """

    value: np.ndarray
    acc_idx: np.ndarray
    stf_idx: np.ndarray
    upper_a: np.ndarray
    upper_s: np.ndarray
    bonus: np.ndarray

    def _lp(self, cols: np.ndarray) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray, Any]:
        """The relaxation restricted to ``cols``, on the rows those pairs touch."""
        from scipy import sparse

        m = len(cols)
        acc_used, a = np.unique(self.acc_idx[cols], return_inverse=True)
        stf_used, j = np.unique(self.stf_idx[cols], return_inverse=True)
        n_a, n_s = len(acc_used), len(stf_used)
        bonus = self.bonus[acc_used]
        with_bonus = np.flatnonzero(bonus > 0)
        n_y = len(with_bonus)
        y_row = np.full(n_a, -1, dtype=np.int64)
        y_row[with_bonus] = np.arange(n_y)
        ar = np.arange(m)
        rows = [a, n_a + j]
        cc = [ar, ar]
        data = [np.ones(m), np.ones(m)]
        if n_y:  # y_i - sum_j x_ij <= 0
            sel = y_row[a] >= 0
            rows += [n_a + n_s + y_row[a[sel]], n_a + n_s + np.arange(n_y)]
            cc += [ar[sel], m + np.arange(n_y)]
            data += [-np.ones(int(sel.sum())), np.ones(n_y)]
        matrix = sparse.csr_matrix(
            (np.concatenate(data), (np.concatenate(rows), np.concatenate(cc))),
            shape=(n_a + n_s + n_y, m + n_y),
        )
        upper = np.concatenate([self.upper_a[acc_used], self.upper_s[stf_used], np.zeros(n_y)])
        c = np.concatenate([self.value[cols], bonus[with_bonus]])
        return matrix, upper, c, (acc_used, stf_used, acc_used[with_bonus])

    def greedy(self) -> np.ndarray:
        """A good plan fast: the most valuable pairs first (with the bonus, the account being
        still empty then), as long as the account has a free slot and the person capacity."""
        m = len(self.value)
        gain = self.value + self.bonus[self.acc_idx]
        order = np.lexsort((np.arange(m), -gain)).tolist()
        free_a = self.upper_a.astype(np.int64).tolist()
        free_s = self.upper_s.astype(np.int64).tolist()
        acc = self.acc_idx.tolist()
        stf = self.stf_idx.tolist()
        chosen = np.zeros(m, dtype=bool)
        for p in order:
            a, j = acc[p], stf[p]
            if free_a[a] > 0 and free_s[j] > 0:
                free_a[a] -= 1
                free_s[j] -= 1
                chosen[p] = True
        return chosen

    def _initial(self, greedy: np.ndarray) -> np.ndarray:
        """The greedy pairs, the best pairs of each person, and every pair worth at least the
        cheapest pair its person holds in the greedy plan (when the greedy plan fills them)."""
        m = len(self.value)
        n_stf = len(self.upper_s)
        floor = np.full(n_stf, np.inf)
        np.minimum.at(floor, self.stf_idx[greedy], self.value[greedy])
        used = np.bincount(self.stf_idx[greedy], minlength=n_stf)
        full = used >= self.upper_s
        order = np.lexsort((np.arange(m), -self.value))
        s_sorted = self.stf_idx[order]
        by_s = np.argsort(s_sorted, kind="stable")
        starts = np.searchsorted(s_sorted[by_s], np.arange(n_stf))
        rank = np.zeros(m, dtype=np.int64)
        rank[by_s] = np.arange(m) - starts[s_sorted[by_s]]
        top = np.zeros(m, dtype=bool)
        top[order] = rank < 2 * self.upper_s[s_sorted] + 5
        above = full[self.stf_idx] & (self.value >= floor[self.stf_idx])
        return np.flatnonzero(greedy | top | above)

    def solve(self, time_limit: float) -> tuple[np.ndarray, str]:
        import time

        from scipy.optimize import Bounds, LinearConstraint, linprog, milp

        m = len(self.value)
        scale = float(max(np.max(self.value), np.max(self.bonus, initial=0.0))) or 1.0
        deadline = time.monotonic() + time_limit
        greedy = self.greedy()
        cols = self._initial(greedy) if m > _DIRECT_LIMIT else np.arange(m)
        n_acc, n_stf = len(self.upper_a), len(self.upper_s)
        batch = int(np.sum(self.upper_s) + 1000)
        while True:
            matrix, upper, c, (acc_used, stf_used, y_used) = self._lp(cols)
            left = deadline - time.monotonic()
            if left <= 0:
                return greedy, GREEDY
            res = linprog(
                -c / scale,
                A_ub=matrix,
                b_ub=upper,
                bounds=(0.0, 1.0),
                method="highs-ds",
                options={"time_limit": left},
            )
            if res.x is None or res.status != 0:
                return greedy, GREEDY
            if len(cols) == m:
                break
            marg = np.asarray(res.ineqlin.marginals)  # <= 0 for <= rows (minimisation)
            dual_a = np.zeros(n_acc)
            dual_s = np.zeros(n_stf)
            dual_y = np.zeros(n_acc)
            dual_a[acc_used] = marg[: len(acc_used)]
            dual_s[stf_used] = marg[len(acc_used) : len(acc_used) + len(stf_used)]
            dual_y[y_used] = marg[len(acc_used) + len(stf_used) :]
            d = -self.value / scale - dual_a[self.acc_idx] - dual_s[self.stf_idx]
            d += dual_y[self.acc_idx]
            # an account not in the restricted problem yet comes with its bonus
            absent = np.ones(n_acc, dtype=bool)
            absent[acc_used] = False
            d -= np.where(absent[self.acc_idx], self.bonus[self.acc_idx], 0.0) / scale
            d[cols] = 0.0
            entering = np.flatnonzero(d < -1e-7)
            if not len(entering):
                break
            if len(entering) > batch:  # the most promising first
                entering = entering[np.argsort(d[entering], kind="stable")[:batch]]
            cols = np.union1d(cols, entering)
        x = np.asarray(res.x[: len(cols)])
        if np.max(np.abs(x - np.round(x)), initial=0.0) > 1e-6:
            # a fractional vertex cannot happen on a totally unimodular matrix; be safe
            matrix, upper, c, _ = self._lp(cols)
            left = max(deadline - time.monotonic(), 1.0)
            mres = milp(
                c=-c / scale,
                constraints=LinearConstraint(matrix, -np.inf, upper),
                integrality=np.ones(len(c)),
                bounds=Bounds(0.0, 1.0),
                options={"time_limit": left, "disp": False},
            )
            if mres.x is None or mres.status != 0:
                return greedy, GREEDY
            x = np.asarray(mres.x[: len(cols)])
        chosen = np.zeros(m, dtype=bool)
        chosen[cols] = x > 0.5
        return chosen, "optimal"


# --------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------


def _fmt_weight(w: float) -> str:
    return f"{w:.1f}" if w < 100 else f"{w:,.0f}"


def _evidence(row: Any) -> str:
    """The candidate's evidence in words (one row of :func:`candidate_pairs`)."""
    parts: list[str] = []
    if row.contact:
        last = row.last_contact
        when = f", last contact {last.date().isoformat()}" if not pd.isna(last) else ""
        n = int(row.count)
        parts.append(
            f"already in contact ({n} interaction{'s' if n != 1 else ''}, weight "
            f"{_fmt_weight(float(row.weight))}, {100 * float(row.closeness):.0f}% of the top "
            f"contact's{when})"
        )
    if row.alongside > 0 and isinstance(row.reference, str):
        same = ""
        if row.segment:
            same = f", {int(row.segment_accounts)} of them in the same segment"
        parts.append(
            f"works alongside {row.reference} on {int(row.shared)} of their "
            f"{int(row.reference_accounts)} other accounts{same}"
        )
    elif row.segment:
        n = int(row.segment_accounts)
        parts.append(f"touches {n} other account{'s' if n != 1 else ''} of the same segment")
    if row.department:
        parts.append("same department as the holder")
    if not parts:
        parts.append("client-facing (works with other clients), no link with this account yet")
    return "; ".join(parts)


def _objects(values: list[Any]) -> np.ndarray:
    """An object array holding ``values`` as they are (tuples stay tuples)."""
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        out[i] = v
    return out


def _tuple(value: Any) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, tuple | list) else _EMPTY


@dataclass(frozen=True)
class Plan:
    """A continuity plan and its effect (build it with :func:`continuity_plan`).

    Attributes
    ----------
    assignments : pandas.DataFrame
        One row per fragile account (at most one active holder), largest revenue first: the
        columns of plan.csv (see :func:`continuity_plan`).
    candidates : pandas.DataFrame
        Every candidate considered (output of :func:`candidate_pairs`) with ``chosen`` (bool).
    capacity : pandas.DataFrame
        Per person who may be proposed: ``staff``, ``n_held``, ``cap``, ``limit``,
        ``new_backups``, ``new_owners``, ``held_after``.
    holders_after : pandas.DataFrame
        ``account``, ``staff``: the active holders once every proposal is in place.
    before, after : Figures
        The method's figures without and with the plan.
    method, status : str
        How the plan was chosen, and the solver's outcome ("optimal" unless a time limit hit).
    leave : tuple of str
        The departure scenario the plan answers (empty: today's team).
    max_new_backups : int
    capacity_ratio : float
    team_median_held : float
        Median accounts held over the people holding at least one.
    """

    assignments: pd.DataFrame
    candidates: pd.DataFrame
    capacity: pd.DataFrame
    holders_after: pd.DataFrame
    before: Figures
    after: Figures
    method: str
    status: str
    leave: tuple[str, ...]
    max_new_backups: int
    capacity_ratio: float
    team_median_held: float

    @property
    def n_fragile(self) -> int:
        """Accounts with at most one active holder."""
        return len(self.assignments)

    @property
    def n_backups(self) -> int:
        """Backups proposed."""
        return int(self.assignments["backup"].notna().sum())

    @property
    def n_owners(self) -> int:
        """Owners proposed for orphaned accounts."""
        return int(self.assignments["proposed_owner"].notna().sum())

    @property
    def n_unassigned(self) -> int:
        """Accounts still missing someone (no candidate, or candidates at capacity)."""
        return int(self.assignments["reason_code"].notna().sum())

    def summary_dict(self) -> dict[str, Any]:
        """Return summary.json's ``plan`` object (plain JSON data)."""
        a = self.assignments
        reasons = a["reason_code"].dropna().astype(str).value_counts().sort_index()
        return {
            "method": self.method,
            "status": self.status,
            "leave": list(self.leave),
            "max_new_backups": self.max_new_backups,
            "capacity_ratio": self.capacity_ratio,
            "team_median_held": self.team_median_held,
            "cap": int(self.capacity["cap"].iloc[0]) if len(self.capacity) else None,
            "fragile_accounts": self.n_fragile,
            "backups": self.n_backups,
            "owners": self.n_owners,
            "unassigned": self.n_unassigned,
            "unassigned_by_reason": {str(k): int(v) for k, v in reasons.items()},
            "before": self.before.as_dict(),
            "after": self.after.as_dict(),
        }

    def headline(self) -> str:
        """One English sentence: the effect of the plan on the revenue bus factor."""
        n = self.n_backups + self.n_owners
        b, a = self.before.revenue_bus_factor.value, self.after.revenue_bus_factor.value
        people = f"{n} backup{'s' if n != 1 else ''}" if n else "no backup"
        if b == a:
            return f"If these {people} are trained, the revenue bus factor stays at {b}"
        return f"If these {people} are trained, the revenue bus factor rises from {b} to {a}"

    def __repr__(self) -> str:
        return (
            f"<Plan {self.n_fragile} fragile accounts: {self.n_backups} backups, "
            f"{self.n_owners} owners, {self.n_unassigned} unassigned ({self.status}); "
            f"{self.headline()}>"
        )

    def _repr_html_(self) -> str:
        esc = html.escape
        b, a = self.before, self.after

        def bf(x: pf.BusFactor) -> str:
            return "not reached" if x.value is None else str(x.value)

        def pct(x: float) -> str:
            return f"{100 * x:.0f}%"

        def pair(d: pf.Departure | None) -> str:
            return "" if d is None else f"{', '.join(d.leave)} ({pct(d.share)})"

        rows = [
            ("revenue bus factor", bf(b.revenue_bus_factor), bf(a.revenue_bus_factor)),
            ("account bus factor", bf(b.account_bus_factor), bf(a.account_bus_factor)),
            (
                "single-holder share",
                pct(b.single_holder_revenue_share),
                pct(a.single_holder_revenue_share),
            ),
            ("orphaned accounts", str(b.orphaned_accounts), str(a.orphaned_accounts)),
            ("orphaned revenue", f"{b.orphaned_revenue:,.0f}", f"{a.orphaned_revenue:,.0f}"),
            ("top pair", pair(b.top_pair), pair(a.top_pair)),
        ]
        figs = "".join(
            f"<tr><th>{esc(k)}</th><td>{esc(x)}</td><td>{esc(y)}</td></tr>" for k, x, y in rows
        )
        cols = ["account", "revenue", "holders", "proposed_owner", "backup", "why", "reason"]
        return (
            '<div class="keyrisk-plan">'
            f"<p><strong>{esc(self.headline())}</strong></p>"
            f"<p>{self.n_fragile} fragile accounts: {self.n_backups} backups, "
            f"{self.n_owners} owners proposed, {self.n_unassigned} unassigned. "
            f"{esc(self.method)}; {esc(self.status)}.</p>"
            f"<table><tr><th></th><th>before</th><th>after</th></tr>{figs}</table>"
            f"{frame_table(self.assignments, cols, 15, decimals=0)}"
            "</div>"
        )


def continuity_plan(
    edges: pd.DataFrame,
    accounts: pd.DataFrame,
    staff: pd.DataFrame,
    revenue: pd.Series,
    *,
    leave: Iterable[str] = (),
    max_new_backups: int = 10,
    capacity_ratio: float = 1.5,
    coverage: float = 0.5,
    time_limit: float = 10.0,
    pipeline: pd.Series | None = None,
    before: Figures | None = None,
    max_candidates: int = 20,
) -> Plan:
    """Propose a backup for every fragile account (and an owner for every orphaned one).

    Parameters
    ----------
    edges : pandas.DataFrame
        Every (account, staff) edge (:attr:`keyrisk.analysis.Analysis.holders`).
    accounts : pandas.DataFrame
        The per-account table (:attr:`keyrisk.analysis.Analysis.accounts`): ``account``,
        ``holders``, ``gone_holders``, and when present ``revenue``, ``risk_level``, ``owner``,
        ``segment``.
    staff : pandas.DataFrame
        The per-staff table: ``staff``, ``active``, ``department``.
    revenue : pandas.Series
        r_i indexed by account (every account of the analysis).
    leave : iterable of str
        A departure scenario: these people's accounts are planned as if they had left, and
        they are never proposed.
    max_new_backups, capacity_ratio : see :func:`capacities`.
    coverage, time_limit : float
        As in :func:`keyrisk.portfolio.bus_factor`; ``time_limit`` also bounds the solver.
    pipeline : pandas.Series, optional
        Open pipeline by account (top departure and pair).
    before : Figures, optional
        The figures before the plan when already known (they are computed otherwise).
    max_candidates : int, default 20
        Candidates considered per account (see :func:`candidate_pairs`).

    Returns
    -------
    Plan
        ``assignments`` has one row per fragile account, largest revenue first (then name):
        ``account``, ``revenue``, ``risk_level``, ``bus_factor``, ``holders`` (tuple),
        ``gone_holders`` (tuple, with the leavers of the scenario), ``owner`` (named in the
        data), ``proposed_owner`` (orphaned accounts), ``owner_familiarity``, ``owner_why``,
        ``backup`` (<NA> when unassigned), ``familiarity``, ``effort``, ``why`` (the evidence
        in words), ``n_candidates``, ``alternatives`` (tuple: the next most familiar
        candidates not chosen, at most 2), ``bus_factor_after``, ``reason_code`` (<NA>,
        "no candidate" or "capacity") and ``reason`` (in words).

    Notes
    -----
    Each chosen pair (i, j) is worth :math:`v_{ij} = (r_i + \rho)(1 + f_{ij}) / 2`: the revenue
    it protects, counted in full for a backup who already knows everything of the account and
    half for a newcomer to it, with f the familiarity and :math:`\rho` = 1e-4 times the largest
    fragile revenue (a floor so that accounts of unknown revenue are still covered when someone
    is free). An orphaned account gets two people, the more familiar being its proposed owner;
    its first person is worth :math:`r_i + \rho` more (without an owner its revenue is already
    orphaned). The plan maximises the total value under the capacities (see :func:`assign`):
    the revenue protected first, the familiarity of each backup next. An account left short is
    reported with its reason, never skipped: in an optimal plan an account can only miss
    someone when it has no candidate or when all its candidates are at capacity.

    Examples
    --------
    >>> edges = pd.DataFrame({"account": ["A", "A", "B", "B"], "staff": ["Ann", "Bob", "Bob", "Cy"],
    ...                       "weight": [4.0, 1.0, 3.0, 3.0]})
    >>> acc = pd.DataFrame({"account": ["A", "B"], "holders": [("Ann",), ("Bob", "Cy")],
    ...                     "gone_holders": [(), ()]})
    >>> st = pd.DataFrame({"staff": ["Ann", "Bob", "Cy"], "active": True})
    >>> p = continuity_plan(edges, acc, st, pd.Series({"A": 70.0, "B": 30.0}), capacity_ratio=2)
    >>> p.assignments[["account", "holders", "backup", "effort"]].to_dict("list")
    {'account': ['A'], 'holders': [('Ann',)], 'backup': ['Bob'], 'effort': ['low']}
    >>> p.before.revenue_bus_factor.value, p.after.revenue_bus_factor.value
    (1, 2)
    """
    leave_names = _names(leave)
    fragile = fragile_accounts(accounts, leave_names)
    segments = None
    if "segment" in accounts.columns:
        segments = pd.Series(
            accounts["segment"].astype(object).to_numpy(),
            index=accounts["account"].astype(str).to_numpy(dtype=object),
        )
    cands = candidate_pairs(
        edges, fragile, staff, segments, leave=leave_names, max_candidates=max_candidates
    )
    # --- capacity: accounts held by each eligible person, the scenario applied
    st = staff.drop_duplicates("staff")
    active = st.loc[st["active"].astype(bool), "staff"].astype(str)
    active = active[~active.isin(leave_names)]
    held_counts: dict[str, int] = dict.fromkeys(active.tolist(), 0)
    leaving = set(leave_names)
    for hs in accounts["holders"]:
        for h in _tuple(hs):
            if h not in leaving and h in held_counts:
                held_counts[h] += 1
    cap = capacities(
        pd.Series(held_counts, dtype="int64"),
        max_new_backups=max_new_backups,
        capacity_ratio=capacity_ratio,
    )
    # --- values and the optimisation
    rev = pd.Series(revenue.to_numpy(dtype="float64"), index=revenue.index.astype(str))
    rev = rev.where(np.isfinite(rev), 0.0).clip(lower=0.0)
    frag_r = rev.reindex(fragile["account"].astype(str)).fillna(0.0)
    top = float(frag_r.max()) if len(frag_r) else 0.0
    floor = REVENUE_FLOOR * top if top > 0 else 1.0
    r_pair = rev.reindex(cands["account"].astype(str)).fillna(0.0).to_numpy()
    values = (r_pair + floor) * (1.0 + cands["familiarity"].to_numpy(dtype="float64")) / 2.0
    pairs = pd.DataFrame(
        {"account": cands["account"].astype(str), "staff": cands["staff"].astype(str)}
    )
    pairs["value"] = values
    frag_index = fragile["account"].astype(str).to_numpy(dtype=object)
    slots = pd.Series(fragile["slots"].to_numpy(), index=frag_index)
    bonus = pd.Series(
        np.where(fragile["slots"].to_numpy() == 2, frag_r.to_numpy() + floor, 0.0),
        index=frag_index,
    )
    chosen, status = assign(pairs, slots, cap["limit"], bonus, time_limit=time_limit)
    cands = cands.assign(chosen=chosen)
    # --- the assignments table
    assignments = _assignments(fragile, accounts, cands, cap, rev)
    # --- holders after, capacity use, figures
    base = pd.DataFrame(
        [(a, h) for a, hs in zip(accounts["account"], accounts["holders"], strict=True)
         for h in _tuple(hs) if h not in leaving],
        columns=["account", "staff"],
    )  # fmt: skip
    new = cands.loc[cands["chosen"], ["account", "staff"]].astype(object)
    holders_after = (
        pd.concat([base.astype(object), new], ignore_index=True)
        .drop_duplicates(ignore_index=True)
        .astype(_STRING)
    )
    if before is None:
        before = figures(base, rev, pipeline=pipeline, coverage=coverage, time_limit=time_limit)
    after = figures(holders_after, rev, pipeline=pipeline, coverage=coverage, time_limit=time_limit)
    owners = assignments["proposed_owner"].dropna().astype(str).value_counts()
    backups = assignments["backup"].dropna().astype(str).value_counts()
    capacity = cap.reset_index()
    capacity["new_backups"] = capacity["staff"].map(backups).fillna(0).astype(np.int64)
    capacity["new_owners"] = capacity["staff"].map(owners).fillna(0).astype(np.int64)
    capacity["held_after"] = capacity["n_held"] + capacity["new_backups"] + capacity["new_owners"]
    capacity = capacity.astype({"staff": _STRING})
    capacity = capacity.sort_values(
        ["new_backups", "staff"], ascending=[False, True], kind="mergesort"
    ).reset_index(drop=True)
    return Plan(
        assignments=assignments,
        candidates=cands,
        capacity=capacity,
        holders_after=holders_after,
        before=before,
        after=after,
        method=METHOD,
        status=status,
        leave=leave_names,
        max_new_backups=max_new_backups,
        capacity_ratio=float(capacity_ratio),
        team_median_held=float(cap.attrs["team_median"]),
    )


def _assignments(
    fragile: pd.DataFrame,
    accounts: pd.DataFrame,
    cands: pd.DataFrame,
    cap: pd.DataFrame,
    rev: pd.Series,
) -> pd.DataFrame:
    """One row per fragile account: who is proposed, why, and what is left short."""
    frag = fragile.reset_index(drop=True)
    acc_names = frag["account"].astype(str).to_numpy(dtype=object)
    k_of = pd.Series(np.arange(len(frag)), index=pd.Index(acc_names, dtype=object))
    ck = k_of.reindex(cands["account"].astype(str).to_numpy(dtype=object)).to_numpy()
    chosen = cands["chosen"].to_numpy(dtype=bool)
    n_cand = (
        np.bincount(ck.astype(np.int64), minlength=len(frag))
        if len(ck)
        else np.zeros(len(frag), dtype=np.int64)
    )
    # chosen people in familiarity order (cands is sorted so): the first of an orphaned account
    # is its proposed owner
    picked = cands[chosen].assign(k=ck[chosen])
    picked = picked.assign(order=picked.groupby("k").cumcount().to_numpy())
    slots = frag["slots"].to_numpy()
    is_owner = (slots[picked["k"].to_numpy()] == 2) & (picked["order"].to_numpy() == 0)
    owners = picked[is_owner].set_index("k")
    backups = picked[~is_owner].drop_duplicates("k").set_index("k")
    n_picked = np.bincount(picked["k"].to_numpy(dtype=np.int64), minlength=len(frag))
    rest_k = ck[~chosen].astype(np.int64)
    rest_staff = cands.loc[~chosen, "staff"].astype(str).to_numpy(dtype=object)
    by_k: dict[int, list[str]] = {}
    for k, name in zip(rest_k.tolist(), rest_staff.tolist(), strict=True):
        by_k.setdefault(k, []).append(name)  # in familiarity order
    alternatives = _objects([tuple(by_k.get(k, [])[:2]) for k in range(len(frag))])

    def col(frame: pd.DataFrame, name: str) -> np.ndarray:
        return frame[name].reindex(np.arange(len(frag))).to_numpy(dtype=object)

    def why(frame: pd.DataFrame) -> np.ndarray:
        out = np.full(len(frag), None, dtype=object)
        for k, row in zip(frame.index, frame.itertuples(index=False), strict=True):
            out[int(k)] = _evidence(row)
        return out

    # reasons for what is left short
    missing = slots - n_picked
    short = np.flatnonzero(missing > 0)
    reason_code = np.full(len(frag), None, dtype=object)
    reason = np.full(len(frag), None, dtype=object)
    if len(short):
        used = picked["staff"].astype(str).value_counts().to_dict()
        limit = cap["limit"].to_dict()
        for k in short:
            what = "an owner" if slots[k] == 2 and n_picked[k] == 0 else "a backup"
            if n_cand[k] == 0:
                reason_code[k] = "no candidate"
                reason[k] = (
                    f"no one for {what}: no active colleague is in contact with this client, "
                    "works alongside its holder, is in the holder's department or with clients"
                )
            else:
                names = [
                    f"{x} ({int(used.get(x, 0))}/{int(limit.get(x, 0))} new)"
                    for x in by_k.get(int(k), [])
                ]
                more = f" and {len(names) - 5} more" if len(names) > 5 else ""
                reason_code[k] = "capacity"
                reason[k] = (
                    f"no one for {what}: every candidate is at capacity: "
                    + ", ".join(names[:5])
                    + more
                )
    info = accounts.drop_duplicates("account")
    info = info.set_index(info["account"].astype(str)).reindex(acc_names)

    def info_col(name: str, dtype: str) -> Any:
        if name not in info.columns:
            return pd.array([None] * len(frag), dtype=dtype)
        return info[name].astype(dtype).to_numpy()

    r = rev.reindex(acc_names).fillna(0.0).to_numpy(dtype="float64")
    revenue = info["revenue"].to_numpy(dtype="float64") if "revenue" in info.columns else r
    out = pd.DataFrame(
        {
            "account": acc_names,
            "revenue": revenue,
            "risk_level": info_col("risk_level", _STRING),
            "bus_factor": frag["bus_factor"].to_numpy(dtype=np.int64),
            "holders": frag["holders"].to_numpy(dtype=object),
            "gone_holders": _objects(
                [
                    tuple(g) + tuple(lv)
                    for g, lv in zip(frag["gone_holders"], frag["leaving"], strict=True)
                ]
            ),
            "owner": info_col("owner", _STRING),
            "proposed_owner": col(owners, "staff"),
            "owner_familiarity": col(owners, "familiarity"),
            "owner_why": why(owners),
            "backup": col(backups, "staff"),
            "familiarity": col(backups, "familiarity"),
            "effort": col(backups, "effort"),
            "why": why(backups),
            "n_candidates": n_cand.astype(np.int64),
            "alternatives": alternatives,
            "bus_factor_after": (frag["bus_factor"].to_numpy() + n_picked).astype(np.int64),
            "reason_code": reason_code,
            "reason": reason,
            "_r": r,
        }
    )  # fmt: skip
    out = out.sort_values(["_r", "account"], ascending=[False, True], kind="mergesort")
    out = out.drop(columns="_r").reset_index(drop=True)
    return out.astype(
        {
            "account": _STRING,
            "risk_level": _STRING,
            "owner": _STRING,
            "proposed_owner": _STRING,
            "owner_familiarity": "float64",
            "owner_why": _STRING,
            "backup": _STRING,
            "familiarity": "float64",
            "effort": _STRING,
            "why": _STRING,
            "reason_code": _STRING,
            "reason": _STRING,
        }
    )
