"""The four layers of relational continuity, per account (domain.md: human, narrative,
organisational, informational).

Each layer of each account gets a status, ``ok``, ``weak``, ``missing`` or ``unknown`` (the data
has no column to judge it; the reason names the column that would tell), and the reason in
words:

- human: active holders; 2 or more ``ok``, 1 ``weak``, 0 ``missing``;
- narrative: notes written on the account's interactions in the window (the interactions'
  ``note`` column: "Commentaire", "Notes", "Description", "Subject"...). ``ok`` when written by
  more than one person and the latest is at most ``recent_days`` old; ``weak`` when written by
  one person only, or not recently; ``missing`` without any note; ``unknown`` when no input
  carried a notes column;
- organisational: an owner named in the data (the accounts table's owner) and still active,
  and a backup (another active holder, or one proposed by the continuity plan). ``ok`` with
  both, ``weak`` with one, ``missing`` with neither; ``unknown`` when the data names no owner
  for any account;
- informational: the account is logged and usable: its revenue is known (when the data gives
  revenue at all) and it has activity in the window. ``ok`` when every check passes, ``weak``
  when some do, ``missing`` when none. Client contact fields (phone, e-mail of the client's
  contact) are not read by keyrisk, by data minimisation, so they are not judged.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import numpy as np
import pandas as pd

from keyrisk import scoring
from keyrisk.settings import Settings

__all__ = ["LAYERS", "RECENT_DAYS", "STATUSES", "continuity_layers", "note_authors"]

#: The four layers, in order.
LAYERS: Final = ("human", "narrative", "organisational", "informational")
#: The statuses, best first.
STATUSES: Final = ("ok", "weak", "missing", "unknown")
#: The narrative layer is ``ok`` only when the latest note is at most this many days old.
RECENT_DAYS: Final = 365

_STRING: Final = "string"
_NAT: Final = int(np.datetime64("NaT", "ns").view("int64"))
_NOTES_COLUMN: Final = (
    "the interactions have no notes column (a 'Commentaire', 'Notes', 'Description' or "
    "'Subject' column would tell)"
)
_OWNER_COLUMN: Final = (
    "the data names no account owner (an accounts table with a 'Commercial', 'Account owner' "
    "or 'Responsable' column would tell)"
)


def note_authors(
    interactions: pd.DataFrame,
    settings: Settings,
    as_of: dt.date | None,
    has_dates: bool,
) -> pd.DataFrame:
    """Return who wrote notes on each account in the window.

    Parameters
    ----------
    interactions : pandas.DataFrame
        The canonical interactions table (its ``note`` column).
    settings, as_of, has_dates
        As for :func:`keyrisk.scoring.edge_weights` (the same window).

    Returns
    -------
    pandas.DataFrame
        One row per (account, staff) with at least one non-empty note in the window:
        ``account``, ``staff``, ``notes`` (count), ``last_note`` (NaT without dates).

    Examples
    --------
    >>> inter = pd.DataFrame({"account": ["A", "A", "A"], "staff": ["Ann", "Bob", "Bob"],
    ...     "date": pd.to_datetime(["2024-06-01", "2024-06-02", "2024-06-03"]),
    ...     "kind": None, "weight": 1.0, "note": ["called", None, "visit"]})
    >>> note_authors(inter, Settings(), dt.date(2024, 6, 30), True)[["staff", "notes"]].to_dict("list")
    {'staff': ['Ann', 'Bob'], 'notes': [1, 1]}
    """  # noqa: E501
    note = interactions["note"].astype(_STRING).str.strip()
    rows = interactions[(note.notna() & (note != "")).to_numpy(dtype=bool)]
    edges = scoring.edge_weights(rows, settings, as_of, has_dates)
    edges = edges[edges["count"] > 0]
    return pd.DataFrame(
        {
            "account": edges["account"].astype(_STRING).to_numpy(),
            "staff": edges["staff"].astype(_STRING).to_numpy(),
            "notes": edges["count"].to_numpy(dtype=np.int64),
            "last_note": edges["last_date"].to_numpy(dtype="datetime64[ns]"),
        }
    )


def _tuple(value: Any) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, tuple | list) else ()


def _names(names: tuple[str, ...], limit: int = 3) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def continuity_layers(
    accounts: pd.DataFrame,
    edges: pd.DataFrame,
    staff: pd.DataFrame,
    notes: pd.DataFrame | None,
    *,
    as_of: dt.date | None,
    owner_known: bool,
    revenue_known: bool,
    proposals: pd.DataFrame | None = None,
    recent_days: int = RECENT_DAYS,
) -> pd.DataFrame:
    """Return the status of the four layers of continuity for every account.

    Parameters
    ----------
    accounts : pandas.DataFrame
        The per-account table of an analysis (``account``, ``holders``, ``gone_holders``,
        ``bus_factor``, ``owner``, ``revenue``...).
    edges : pandas.DataFrame
        Every (account, staff) edge (``account``, ``count``, ``owner_rule``).
    staff : pandas.DataFrame
        The per-staff table (``staff``, ``active``).
    notes : pandas.DataFrame or None
        Output of :func:`note_authors`; None when no input carried a notes column.
    as_of : datetime.date or None
        The analysis date (None: recency of notes is not judged).
    owner_known : bool
        Whether the data names an owner for at least one account.
    revenue_known : bool
        Whether the data gives revenue at all (the "revenue" basis).
    proposals : pandas.DataFrame, optional
        A continuity plan's assignments (``account``, ``proposed_owner``, ``backup``).
    recent_days : int, default 365
        The latest note must be at most this many days old for the narrative to be ``ok``.

    Returns
    -------
    pandas.DataFrame
        One row per account, in the order of ``accounts``: ``account``; for each layer L,
        ``L`` (status) and ``L_why`` (in words); and the facts behind them: ``active_holders``,
        ``note_authors`` (tuple), ``last_note``, ``owner``, ``owner_active`` (<NA> without
        owner), ``backup``, ``backup_source`` ("data", "plan" or <NA>), ``revenue_known``,
        ``active_in_window``.

    Examples
    --------
    >>> acc = pd.DataFrame({"account": ["A"], "holders": [("Ann",)], "gone_holders": [()],
    ...     "bus_factor": [1], "owner": ["Ann"], "revenue": [10.0]})
    >>> edges = pd.DataFrame({"account": ["A"], "staff": ["Ann"], "count": [3],
    ...                       "owner_rule": [False]})
    >>> st = pd.DataFrame({"staff": ["Ann"], "active": [True]})
    >>> lay = continuity_layers(acc, edges, st, None, as_of=None, owner_known=True,
    ...                         revenue_known=True)
    >>> lay[["human", "narrative", "organisational", "informational"]].iloc[0].tolist()
    ['weak', 'unknown', 'weak', 'ok']
    """
    n = len(accounts)
    acc = accounts["account"].astype(str).to_numpy(dtype=object)
    holders = [_tuple(h) for h in accounts["holders"]]
    gone = [_tuple(g) for g in accounts["gone_holders"]]
    bus = np.array([len(h) for h in holders], dtype=np.int64)
    # --- human
    human = np.select([bus >= 2, bus == 1], ["ok", "weak"], default="missing").astype(object)
    human_why = np.empty(n, dtype=object)
    for i in range(n):
        if bus[i] >= 2:
            human_why[i] = f"{bus[i]} active holders: {_names(holders[i])}"
        elif bus[i] == 1:
            human_why[i] = f"one active holder only: {holders[i][0]}"
        elif gone[i]:
            human_why[i] = f"no active holder: {_names(gone[i])} left"
        else:
            human_why[i] = "no active holder"
    # --- narrative
    authors = np.empty(n, dtype=object)
    last_note = np.full(n, np.datetime64("NaT", "ns"), dtype="datetime64[ns]")
    if notes is None:
        narrative = np.full(n, "unknown", dtype=object)
        narrative_why = np.full(n, _NOTES_COLUMN, dtype=object)
        for i in range(n):
            authors[i] = ()
    else:
        ordered = notes.sort_values(
            ["account", "notes", "staff"], ascending=[True, False, True], kind="mergesort"
        )
        by_acc: dict[str, list[str]] = {}
        latest: dict[str, Any] = {}
        for a, who, when in zip(
            ordered["account"].astype(str).tolist(),
            ordered["staff"].astype(str).tolist(),
            ordered["last_note"].to_numpy(dtype="datetime64[ns]").view("int64").tolist(),
            strict=True,
        ):
            by_acc.setdefault(a, []).append(who)
            if when != _NAT and (a not in latest or when > latest[a]):
                latest[a] = when
        for i, a in enumerate(acc):
            authors[i] = tuple(by_acc.get(a, ()))
        last_note = (
            np.array([latest.get(a, _NAT) for a in acc], dtype="int64").view("datetime64[ns]")
            if n
            else last_note
        )
        narrative = np.empty(n, dtype=object)
        narrative_why = np.empty(n, dtype=object)
        limit = None if as_of is None else pd.Timestamp(as_of) - pd.Timedelta(days=recent_days)
        limit_day = None if limit is None else limit.to_datetime64()
        for i in range(n):
            who = authors[i]
            raw = last_note[i]
            last = None if np.isnat(raw) else raw
            stale = limit_day is not None and last is not None and last < limit_day
            when = f", last on {str(last)[:10]}" if last is not None else ""
            if not who:
                narrative[i] = "missing"
                narrative_why[i] = "no note written on this account in the window"
            elif len(who) == 1:
                narrative[i] = "weak"
                narrative_why[i] = f"notes written by {who[0]} only{when}"
            elif stale:
                narrative[i] = "weak"
                narrative_why[i] = (
                    f"notes by {len(who)} people but none in the last {recent_days} days{when}"
                )
            else:
                narrative[i] = "ok"
                narrative_why[i] = f"notes by {len(who)} people: {_names(who)}{when}"
    # --- organisational
    active_set = set(staff.loc[staff["active"].astype(bool), "staff"].astype(str))
    owner_raw = accounts["owner"] if "owner" in accounts.columns else pd.Series([None] * n)
    owner = [v if isinstance(v, str) and v.strip() else None for v in owner_raw.astype(object)]
    proposed: dict[str, tuple[str | None, str | None]] = {}
    if proposals is not None and len(proposals):
        for a, o, b in zip(
            proposals["account"].astype(str),
            proposals["proposed_owner"].astype(object),
            proposals["backup"].astype(object),
            strict=True,
        ):
            proposed[a] = (
                o if isinstance(o, str) else None,
                b if isinstance(b, str) else None,
            )
    organisational = np.empty(n, dtype=object)
    organisational_why = np.empty(n, dtype=object)
    owner_active = np.empty(n, dtype=object)
    backup = np.empty(n, dtype=object)
    backup_source = np.empty(n, dtype=object)
    for i, a in enumerate(acc):
        o = owner[i]
        o_ok = o is not None and o in active_set
        owner_active[i] = None if o is None else o_ok
        others = tuple(h for h in holders[i] if h != o)
        p_owner, p_backup = proposed.get(a, (None, None))
        if others:
            backup[i], backup_source[i] = others[0], "data"
        elif p_backup is not None or p_owner is not None:
            backup[i] = p_backup if p_backup is not None else p_owner
            backup_source[i] = "plan"
        else:
            backup[i] = backup_source[i] = None
        if not owner_known:
            organisational[i] = "unknown"
            organisational_why[i] = _OWNER_COLUMN
            continue
        if o is None:
            o_text = "no owner named"
        elif o_ok:
            o_text = f"owner {o}"
        else:
            o_text = f"the owner named, {o}, has left"
        if backup_source[i] == "data":
            b_text = f"backup {backup[i]} (already a holder)"
        elif backup_source[i] == "plan":
            b_text = f"backup {backup[i]} (proposed by the plan)"
            if p_owner is not None and p_backup is not None:
                b_text = f"proposed owner {p_owner} and backup {p_backup} (plan)"
        else:
            b_text = "no backup"
        has_b = backup_source[i] is not None
        organisational[i] = "ok" if o_ok and has_b else ("weak" if o_ok or has_b else "missing")
        organisational_why[i] = f"{o_text}; {b_text}"
    # --- informational
    e = edges[~edges["owner_rule"].astype(bool)] if "owner_rule" in edges.columns else edges
    active_acc = set(e.loc[e["count"] > 0, "account"].astype(str))
    in_window = np.array([a in active_acc for a in acc], dtype=bool)
    rev = accounts["revenue"] if "revenue" in accounts.columns else pd.Series([np.nan] * n)
    rev_known = rev.notna().to_numpy(dtype=bool)
    informational = np.empty(n, dtype=object)
    informational_why = np.empty(n, dtype=object)
    for i in range(n):
        checks = [("activity logged in the window", bool(in_window[i]))]
        if revenue_known:
            checks.insert(0, ("revenue known", bool(rev_known[i])))
        good = [label for label, ok in checks if ok]
        bad = [label for label, ok in checks if not ok]
        informational[i] = "ok" if not bad else ("weak" if good else "missing")
        parts = [", ".join(good)] if good else []
        parts += [f"no {label.replace(' known', '')}" for label in bad]
        if not revenue_known:
            parts.append("no revenue in the data")
        informational_why[i] = "; ".join(parts)
    out = pd.DataFrame(
        {
            "account": acc,
            "human": human,
            "human_why": human_why,
            "narrative": narrative,
            "narrative_why": narrative_why,
            "organisational": organisational,
            "organisational_why": organisational_why,
            "informational": informational,
            "informational_why": informational_why,
            "active_holders": bus,
            "note_authors": authors,
            "last_note": last_note,
            "owner": pd.array(owner, dtype=_STRING),
            "owner_active": pd.array(list(owner_active), dtype="boolean"),
            "backup": pd.array(list(backup), dtype=_STRING),
            "backup_source": pd.array(list(backup_source), dtype=_STRING),
            "revenue_known": rev_known,
            "active_in_window": in_window,
        }
    )
    text = [c for c in out.columns if c in LAYERS or c.endswith("_why") or c == "account"]
    return out.astype(dict.fromkeys(text, _STRING))
