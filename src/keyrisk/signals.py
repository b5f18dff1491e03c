"""Weak signals of key-person dependency (domain.md: "the warning signs are visible before a
departure, but nobody measures them").

Four lists, each with the people and accounts concerned and the figures behind them:

- :func:`management_signal`: the director, or anyone whose role or department reads as
  management, pulled into client work: their share of the interactions in the window and the
  accounts they hold alone;
- :func:`single_author_notes`: accounts whose notes are all written by one person;
- :func:`ramp_up`: newcomers' days from start date to the first account they hold, against the
  team's median;
- :func:`key_accounts_alone`: key accounts (the top 10 % by revenue) held alone, grouped by the
  person who keeps them.

:func:`weak_signals` gathers them into a :class:`Signals`, whose ``table`` is the long format of
signals.csv. A signal that the data cannot show (no role column, no notes, no start dates, no
revenue) is listed in ``Signals.unknown`` with the column that would tell.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

from keyrisk.roles import MANAGEMENT_WORDS, is_management

__all__ = [
    "KEY_ACCOUNT_SHARE",
    "MANAGEMENT_WORDS",
    "NEWCOMER_DAYS",
    "Signals",
    "is_management",
    "key_accounts_alone",
    "management_signal",
    "ramp_up",
    "single_author_notes",
    "weak_signals",
]

#: Share of the accounts, by revenue, that are "key accounts".
KEY_ACCOUNT_SHARE: Final = 0.10
#: A newcomer started at most this many days before the analysis date.
NEWCOMER_DAYS: Final = 365

_STRING: Final = "string"


def _tuple(value: Any) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, tuple | list) else ()


def management_signal(staff: pd.DataFrame, edges: pd.DataFrame) -> pd.DataFrame:
    """Return the management staff pulled into client work.

    Parameters
    ----------
    staff : pandas.DataFrame
        The per-staff table of an analysis (``staff``, ``role``, ``department``, ``active``,
        ``n_accounts``, ``n_held``, ``n_sole``, ``revenue_sole``, ``accounts_sole``).
    edges : pandas.DataFrame
        Every (account, staff) edge (``staff``, ``count``; ``owner_rule`` rows are not
        interactions).

    Returns
    -------
    pandas.DataFrame
        One row per active management person with at least one interaction in the window:
        ``staff``, ``role``, ``interactions``, ``share`` (of all the interactions in the window),
        ``fair_share`` (1 / the number of active people with an interaction), ``n_accounts``,
        ``n_held``, ``n_sole``, ``revenue_sole``, ``accounts_sole``, ``flagged`` (holds an
        account alone, or does more than a fair share of the client work). Largest share first.

    Examples
    --------
    >>> st = pd.DataFrame({"staff": ["Pat", "Ann"], "role": ["CEO", "Sales"],
    ...     "department": None, "active": True, "n_accounts": [2, 3], "n_held": [1, 3],
    ...     "n_sole": [1, 2], "revenue_sole": [5.0, 9.0], "accounts_sole": [("A",), ("B", "C")]})
    >>> e = pd.DataFrame({"staff": ["Pat", "Ann"], "count": [6, 4], "owner_rule": False})
    >>> management_signal(st, e)[["staff", "share", "flagged"]].to_dict("list")
    {'staff': ['Pat'], 'share': [0.6], 'flagged': [True]}
    """
    e = edges[~edges["owner_rule"].astype(bool)] if "owner_rule" in edges.columns else edges
    counts = e.groupby(e["staff"].astype(str))["count"].sum()
    total = float(counts.sum())
    st = staff[staff["active"].astype(bool)]
    people = int((counts.reindex(st["staff"].astype(str)).fillna(0) > 0).sum())
    fair = 1.0 / people if people else math.nan
    mgmt = np.array(
        [
            is_management(r, d)
            for r, d in zip(
                st["role"].astype(object) if "role" in st.columns else [None] * len(st),
                st["department"].astype(object) if "department" in st.columns else [None] * len(st),
                strict=True,
            )
        ],
        dtype=bool,
    )
    m = st[mgmt].copy()
    m["interactions"] = m["staff"].astype(str).map(counts).fillna(0).astype(np.int64).to_numpy()
    m = m[m["interactions"] > 0]
    m["share"] = m["interactions"] / total if total > 0 else 0.0
    m["fair_share"] = fair
    m["flagged"] = (m["n_sole"] > 0) | (m["share"] > fair + 1e-12)
    cols = [
        "staff",
        "role",
        "interactions",
        "share",
        "fair_share",
        "n_accounts",
        "n_held",
        "n_sole",
        "revenue_sole",
        "accounts_sole",
        "flagged",
    ]
    for c in cols:
        if c not in m.columns:
            m[c] = None
    m = m.sort_values(["share", "staff"], ascending=[False, True], kind="mergesort")
    return m[cols].astype({"share": "float64", "fair_share": "float64"}).reset_index(drop=True)


def single_author_notes(notes: pd.DataFrame, revenue: pd.Series) -> pd.DataFrame:
    """Return the accounts whose notes (in the window) are all written by one person.

    Parameters
    ----------
    notes : pandas.DataFrame
        Output of :func:`keyrisk.layers.note_authors`.
    revenue : pandas.Series
        r_i indexed by account.

    Returns
    -------
    pandas.DataFrame
        ``account``, ``staff`` (the only author), ``notes``, ``last_note``, ``revenue``; largest
        revenue first.

    Examples
    --------
    >>> notes = pd.DataFrame({"account": ["A", "B", "B"], "staff": ["Ann", "Ann", "Bob"],
    ...                       "notes": [3, 1, 1], "last_note": pd.NaT})
    >>> single_author_notes(notes, pd.Series({"A": 5.0, "B": 9.0}))[["account", "staff"]].to_dict("list")
    {'account': ['A'], 'staff': ['Ann']}
    """  # noqa: E501
    size = notes.groupby(notes["account"].astype(str))["staff"].transform("size")
    one = notes[size.to_numpy() == 1].copy()
    rev = pd.Series(revenue.to_numpy(dtype="float64"), index=revenue.index.astype(str))
    one["revenue"] = one["account"].astype(str).map(rev).fillna(0.0).to_numpy(dtype="float64")
    one = one.sort_values(["revenue", "account"], ascending=[False, True], kind="mergesort")
    return one[["account", "staff", "notes", "last_note", "revenue"]].reset_index(drop=True)


def ramp_up(
    staff_table: pd.DataFrame,
    staff: pd.DataFrame,
    interactions: pd.DataFrame,
    holders: pd.DataFrame,
    as_of: dt.date | None,
    *,
    newcomer_days: int = NEWCOMER_DAYS,
) -> pd.DataFrame:
    """Return the days from start date to the first account held, against the team median.

    Parameters
    ----------
    staff_table : pandas.DataFrame
        The canonical staff table (``staff``, ``start_date``).
    staff : pandas.DataFrame
        The per-staff table of an analysis (``staff``, ``active``, ``n_held``).
    interactions : pandas.DataFrame
        The canonical interactions (``account``, ``staff``, ``date``).
    holders : pandas.DataFrame
        ``account``, ``staff``: the active holders today.
    as_of : datetime.date or None
    newcomer_days : int, default 365
        A newcomer started at most this many days before ``as_of`` (the analysis passes its
        window, ``window_days``).

    Returns
    -------
    pandas.DataFrame
        One row per active person whose start is on or after the first dated interaction
        (earlier starts cannot be measured): ``staff``, ``start_date``, ``first_held`` (the
        first interaction, on or after the start, with an account they hold today; NaT when
        they hold none), ``days`` (to ``first_held``; without one, the days so far),
        ``holds_accounts`` (bool), ``newcomer`` (bool), ``team_median`` (median ``days`` of
        those holding an account), ``team_n`` (how many they are), ``flagged`` (a newcomer
        slower than the median so far).
        Latest start first.

    Notes
    -----
    The first account held is approximated by the first interaction with an account the
    person holds today: holder status is only known at ``as_of``.

    Examples
    --------
    >>> table = pd.DataFrame({"staff": ["Ann", "Bob"],
    ...                       "start_date": pd.to_datetime(["2024-01-01", "2024-05-01"])})
    >>> st = pd.DataFrame({"staff": ["Ann", "Bob"], "active": True, "n_held": [1, 0]})
    >>> inter = pd.DataFrame({"account": ["Z", "A", "B"], "staff": ["Cy", "Ann", "Bob"],
    ...                       "date": pd.to_datetime(["2023-12-01", "2024-01-11", "2024-05-02"])})
    >>> h = pd.DataFrame({"account": ["A"], "staff": ["Ann"]})
    >>> r = ramp_up(table, st, inter, h, dt.date(2024, 6, 30))
    >>> r[["staff", "days", "team_median", "flagged"]].to_dict("list")
    {'staff': ['Bob', 'Ann'], 'days': [60, 10], 'team_median': [10.0, 10.0], 'flagged': [True, False]}
    """  # noqa: E501
    columns = {
        "staff": _STRING,
        "start_date": "datetime64[ns]",
        "first_held": "datetime64[ns]",
        "days": "int64",
        "holds_accounts": "bool",
        "newcomer": "bool",
        "team_median": "float64",
        "team_n": "int64",
        "flagged": "bool",
    }
    empty = pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})
    dates = pd.to_datetime(interactions["date"])
    if as_of is None or dates.isna().all() or staff_table["start_date"].isna().all():
        return empty
    day = pd.Timestamp(as_of)
    data_start = dates.min().normalize()
    table = staff_table.dropna(subset=["staff", "start_date"]).drop_duplicates("staff")
    active = set(staff.loc[staff["active"].astype(bool), "staff"].astype(str))
    table = table[table["staff"].astype(str).isin(active)]
    start = pd.to_datetime(table["start_date"]).dt.normalize()
    table = table[(start >= data_start).to_numpy() & (start <= day).to_numpy()]
    if table.empty:
        return empty
    held = holders.assign(
        key=holders["account"].astype(str) + "\x00" + holders["staff"].astype(str)
    )
    inter = pd.DataFrame(
        {
            "staff": interactions["staff"].astype(str),
            "key": interactions["account"].astype(str) + "\x00" + interactions["staff"].astype(str),
            "date": dates.dt.normalize(),
        }
    )
    inter = inter[inter["key"].isin(set(held["key"])) & inter["date"].notna()]
    inter = inter[inter["date"] <= day]
    names = table["staff"].astype(str).to_numpy(dtype=object)
    starts = pd.to_datetime(table["start_date"]).dt.normalize().to_numpy()
    first = []
    for name, s in zip(names, starts, strict=True):
        d = inter.loc[(inter["staff"] == name) & (inter["date"] >= s), "date"]
        first.append(d.min() if len(d) else pd.NaT)
    first_held = pd.to_datetime(pd.Series(first, dtype="datetime64[ns]"))
    start_s = pd.Series(starts, dtype="datetime64[ns]")
    end = first_held.where(first_held.notna(), day)
    days = ((end - start_s) / pd.Timedelta(days=1)).astype(np.int64)
    holds = first_held.notna().to_numpy()
    median = float(np.median(days[holds])) if holds.any() else math.nan
    newcomer = ((day - start_s) / pd.Timedelta(days=1) <= newcomer_days).to_numpy()
    flagged = newcomer & np.isfinite(median) & (days.to_numpy() > median)
    out = pd.DataFrame(
        {
            "staff": names,
            "start_date": start_s.to_numpy(),
            "first_held": first_held.to_numpy(),
            "days": days.to_numpy(),
            "holds_accounts": holds,
            "newcomer": newcomer,
            "team_median": median,
            "team_n": int(holds.sum()),
            "flagged": flagged,
        }
    ).astype(columns)
    out = out.sort_values(["start_date", "staff"], ascending=[False, True], kind="mergesort")
    return out.reset_index(drop=True)


def key_accounts_alone(
    accounts: pd.DataFrame, revenue: pd.Series, *, share: float = KEY_ACCOUNT_SHARE
) -> pd.DataFrame:
    """Return, per person, the key accounts they hold alone.

    Parameters
    ----------
    accounts : pandas.DataFrame
        The per-account table (``account``, ``holders``).
    revenue : pandas.Series
        r_i indexed by account.
    share : float, default 0.10
        Key accounts: the ``ceil(share * n)`` largest accounts by revenue (at least one; ties:
        smallest name) with positive revenue.

    Returns
    -------
    pandas.DataFrame
        ``staff``, ``n_key`` (key accounts they hold alone), ``accounts`` (tuple, largest
        first), ``revenue``, ``key_share`` (of the key accounts' revenue), ``flagged`` (at least
        two: strategic accounts kept to oneself). Most key accounts first.

    Examples
    --------
    >>> acc = pd.DataFrame({"account": list("ABCDE"),
    ...     "holders": [("Ann",), ("Ann",), ("Bob", "Ann"), ("Bob",), ("Cy",)]})
    >>> rev = pd.Series({"A": 50.0, "B": 40.0, "C": 30.0, "D": 1.0, "E": 1.0})
    >>> key_accounts_alone(acc, rev, share=0.6)[["staff", "accounts", "flagged"]].to_dict("list")
    {'staff': ['Ann'], 'accounts': [('A', 'B')], 'flagged': [True]}
    """
    rev = pd.Series(revenue.to_numpy(dtype="float64"), index=revenue.index.astype(str))
    frame = pd.DataFrame(
        {
            "account": accounts["account"].astype(str).to_numpy(dtype=object),
            "holders": [_tuple(h) for h in accounts["holders"]],
        }
    )
    frame["r"] = frame["account"].map(rev).fillna(0.0)
    frame = frame[frame["r"] > 0].sort_values(
        ["r", "account"], ascending=[False, True], kind="mergesort"
    )
    n_key = max(1, math.ceil(share * len(frame) - 1e-9)) if len(frame) else 0
    key = frame.head(n_key)
    key_total = float(key["r"].sum())
    alone = key[key["holders"].map(len) == 1]
    rows: dict[str, list[tuple[str, float]]] = {}
    for a, h, r in zip(alone["account"], alone["holders"], alone["r"], strict=True):
        rows.setdefault(h[0], []).append((a, float(r)))
    out = pd.DataFrame(
        {
            "staff": list(rows),
            "n_key": [len(v) for v in rows.values()],
            "accounts": [tuple(a for a, _ in v) for v in rows.values()],
            "revenue": [sum(r for _, r in v) for v in rows.values()],
        }
    )
    if out.empty:
        out = pd.DataFrame(
            {
                "staff": pd.Series(dtype=_STRING),
                "n_key": pd.Series(dtype="int64"),
                "accounts": pd.Series(dtype=object),
                "revenue": pd.Series(dtype="float64"),
            }
        )
    out["key_share"] = out["revenue"] / key_total if key_total > 0 else 0.0
    out["flagged"] = out["n_key"] >= 2
    out = out.sort_values(
        ["n_key", "revenue", "staff"], ascending=[False, False, True], kind="mergesort"
    )
    out.attrs["n_key_accounts"] = n_key
    out.attrs["key_revenue"] = key_total
    return out.astype({"staff": _STRING, "n_key": "int64"}).reset_index(drop=True)


@dataclass(frozen=True)
class Signals:
    """The weak signals of an analysis.

    Attributes
    ----------
    management, single_author_notes, ramp_up, key_accounts : pandas.DataFrame
        The four lists (see :func:`management_signal`, :func:`single_author_notes`,
        :func:`ramp_up`, :func:`key_accounts_alone`).
    unknown : dict of str to str
        Signals the data cannot show, with the column that would tell.
    """

    management: pd.DataFrame
    single_author_notes: pd.DataFrame
    ramp_up: pd.DataFrame
    key_accounts: pd.DataFrame
    unknown: dict[str, str] = field(default_factory=dict)

    @property
    def table(self) -> pd.DataFrame:
        """The long format of signals.csv: ``signal``, ``staff``, ``accounts``, ``value``,
        ``reference``, ``flagged``, ``detail`` (English), one row per person or account."""
        rows: list[dict[str, Any]] = []
        for r in self.management.itertuples(index=False):
            rows.append(
                {
                    "signal": "management",
                    "staff": r.staff,
                    "accounts": _tuple(r.accounts_sole),
                    "value": float(r.share),
                    "reference": float(r.fair_share),
                    "flagged": bool(r.flagged),
                    "detail": (
                        f"{r.role}: {100 * r.share:.0f}% of the interactions "
                        f"(a fair share is {100 * r.fair_share:.0f}%), {int(r.n_sole)} accounts "
                        "held alone"
                    ),
                }
            )
        for r in self.single_author_notes.itertuples(index=False):
            rows.append(
                {
                    "signal": "single_author_notes",
                    "staff": r.staff,
                    "accounts": (r.account,),
                    "value": float(r.notes),
                    "reference": math.nan,
                    "flagged": True,
                    "detail": f"{int(r.notes)} notes, all by {r.staff}",
                }
            )
        for r in self.ramp_up.itertuples(index=False):
            held = "to the first account held" if r.holds_accounts else "so far, no account held"
            rows.append(
                {
                    "signal": "ramp_up",
                    "staff": r.staff,
                    "accounts": (),
                    "value": float(r.days),
                    "reference": float(r.team_median),
                    "flagged": bool(r.flagged),
                    "detail": f"{int(r.days)} days {held} (team median {r.team_median:.0f})",
                }
            )
        for r in self.key_accounts.itertuples(index=False):
            rows.append(
                {
                    "signal": "key_accounts_alone",
                    "staff": r.staff,
                    "accounts": _tuple(r.accounts),
                    "value": float(r.n_key),
                    "reference": float(r.key_share),
                    "flagged": bool(r.flagged),
                    "detail": (
                        f"{int(r.n_key)} key accounts held alone, {100 * r.key_share:.0f}% of "
                        "the key accounts' revenue"
                    ),
                }
            )
        out = pd.DataFrame(
            rows,
            columns=["signal", "staff", "accounts", "value", "reference", "flagged", "detail"],
        )
        return out.astype(
            {
                "signal": _STRING,
                "staff": _STRING,
                "value": "float64",
                "reference": "float64",
                "flagged": "bool",
                "detail": _STRING,
            }
        )

    def summary_dict(self) -> dict[str, Any]:
        """Counts of each signal (flagged rows) and the signals the data cannot show."""
        t = self.table
        flagged = t[t["flagged"]]
        return {
            "counts": {
                s: int((flagged["signal"] == s).sum())
                for s in ("management", "single_author_notes", "ramp_up", "key_accounts_alone")
            },
            "unknown": dict(self.unknown),
        }

    def __repr__(self) -> str:
        c = self.summary_dict()["counts"]
        return "<Signals " + ", ".join(f"{k}={v}" for k, v in c.items()) + ">"

    def _repr_html_(self) -> str:
        esc = html.escape
        t = self.table
        t = t[t["flagged"]].head(20)
        body = "".join(
            f"<tr><td>{esc(str(r.signal))}</td><td>{esc(str(r.staff))}</td>"
            f"<td>{esc(', '.join(r.accounts[:3]))}</td><td>{esc(str(r.detail))}</td></tr>"
            for r in t.itertuples(index=False)
        )
        unknown = "".join(f"<li>{esc(k)}: {esc(v)}</li>" for k, v in self.unknown.items())
        return (
            '<div class="keyrisk-signals"><table><tr><th>signal</th><th>staff</th>'
            f"<th>accounts</th><th>detail</th></tr>{body}</table>"
            + (f"<ul>{unknown}</ul>" if unknown else "")
            + "</div>"
        )


def weak_signals(
    *,
    staff: pd.DataFrame,
    staff_table: pd.DataFrame,
    accounts: pd.DataFrame,
    edges: pd.DataFrame,
    interactions: pd.DataFrame,
    holders: pd.DataFrame,
    revenue: pd.Series,
    notes: pd.DataFrame | None,
    as_of: dt.date | None,
    revenue_known: bool,
    newcomer_days: int = NEWCOMER_DAYS,
) -> Signals:
    """Return the four weak signals of an analysis (see the module docstring).

    Parameters
    ----------
    staff, accounts, edges : pandas.DataFrame
        The per-staff and per-account tables and every edge of an analysis.
    staff_table, interactions : pandas.DataFrame
        The canonical staff and interactions tables.
    holders : pandas.DataFrame
        ``account``, ``staff``: the active holders.
    revenue : pandas.Series
        r_i indexed by account.
    notes : pandas.DataFrame or None
        Output of :func:`keyrisk.layers.note_authors`; None without a notes column.
    as_of : datetime.date or None
    revenue_known : bool
        False in "count" basis (key accounts then cannot be told).
    newcomer_days : int, default 365
        See :func:`ramp_up`.

    Returns
    -------
    Signals
    """
    unknown: dict[str, str] = {}
    has_role = bool(staff_table["role"].notna().any() or staff_table["department"].notna().any())
    if has_role:
        management = management_signal(staff, edges)
    else:
        management = management_signal(staff.iloc[0:0], edges)
        unknown["management"] = (
            "no role or department in the staff table (a 'Poste', 'Fonction' or 'Job title' "
            "column would tell)"
        )
    if notes is None:
        single = single_author_notes(
            pd.DataFrame(
                {
                    "account": pd.Series(dtype=_STRING),
                    "staff": pd.Series(dtype=_STRING),
                    "notes": pd.Series(dtype="int64"),
                    "last_note": pd.Series(dtype="datetime64[ns]"),
                }
            ),
            revenue,
        )
        unknown["single_author_notes"] = (
            "the interactions have no notes column (a 'Commentaire', 'Notes' or 'Description' "
            "column would tell)"
        )
    else:
        single = single_author_notes(notes, revenue)
    ramp = ramp_up(staff_table, staff, interactions, holders, as_of, newcomer_days=newcomer_days)
    if staff_table["start_date"].isna().all():
        unknown["ramp_up"] = (
            "no start dates in the staff table (a 'Date d'entrée' or 'Hire date' column would tell)"
        )
    elif as_of is None:
        unknown["ramp_up"] = "the interactions have no dates"
    if revenue_known:
        key = key_accounts_alone(accounts, revenue)
    else:
        key = key_accounts_alone(accounts.iloc[0:0], revenue.iloc[0:0])
        unknown["key_accounts_alone"] = (
            "no revenue in the data (a revenue column in the accounts table, or amounts on "
            "won deals or invoices, would tell)"
        )
    return Signals(
        management=management,
        single_author_notes=single,
        ramp_up=ramp,
        key_accounts=key,
        unknown=unknown,
    )
