"""CRM adoption audit: who logs activity, month by month from the roll-out, by person and team.

domain.md asks for adoption audited one, three and six months after roll-out: who logs
activity, which teams (sales, after-sales, marketing...) do not. :func:`crm_adoption` answers
from the interactions and the staff table alone.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from keyrisk._html import frame_table
from keyrisk.errors import UsageError

__all__ = ["CHECKPOINTS", "NO_TEAM", "Adoption", "crm_adoption"]

#: The months after roll-out the domain asks about (M+1, M+3, M+6).
CHECKPOINTS: tuple[int, ...] = (1, 3, 6)
#: The team of a person whose department is not known.
NO_TEAM = "(no department)"


@dataclass(frozen=True)
class Adoption:
    """The CRM adoption audit (see :func:`crm_adoption` for the definitions).

    Attributes
    ----------
    since, as_of : datetime.date
        The roll-out date and the last day audited.
    checkpoints : pandas.DataFrame
        One row per checkpoint k (M+1, M+3, M+6): ``checkpoint`` (k), ``start``, ``end`` (the
        k-th month after roll-out, both days included), ``reached`` (the month has begun by
        ``as_of``), ``complete`` (it has ended by ``as_of``), ``expected`` (people expected to
        log that month), ``logging`` (of them, those who logged at least once),
        ``adoption`` (logging / expected; <NA> when not reached or nobody is expected) and
        ``interactions`` (logged that month, by anyone).
    teams : pandas.DataFrame
        The same per team and checkpoint: ``team``, ``checkpoint``, ``start``, ``expected``,
        ``logging``, ``adoption``, ``interactions``.
    people : pandas.DataFrame
        One row per person: ``staff``, ``team``, ``role``, ``first_logged``, ``last_logged``
        (since roll-out), ``logged`` (count since roll-out), ``months_expected``,
        ``months_logging``, ``m1``, ``m3``, ``m6`` (logged in that month; <NA> when the person
        was not expected or the month is not reached) and ``logs_nothing`` (expected at least
        one month and nothing logged since roll-out).
    monthly : pandas.DataFrame
        One row per (person, month since roll-out): ``staff``, ``team``, ``month`` (k, from
        1), ``start``, ``end``, ``expected``, ``logged``.
    """

    since: dt.date
    as_of: dt.date
    checkpoints: pd.DataFrame
    teams: pd.DataFrame
    people: pd.DataFrame
    monthly: pd.DataFrame

    @property
    def silent_staff(self) -> tuple[str, ...]:
        """People expected to log who logged nothing since roll-out, by name."""
        p = self.people
        return tuple(sorted(p.loc[p["logs_nothing"], "staff"].astype(str)))

    @property
    def silent_teams(self) -> tuple[str, ...]:
        """Teams with someone expected to log and nothing logged by anyone since roll-out."""
        m = self.monthly
        exp = m[m["expected"]].groupby("team")["logged"].sum()
        return tuple(sorted(str(t) for t, n in exp.items() if n == 0))

    def summary_dict(self) -> dict[str, Any]:
        """Return the audit as plain JSON data (summary.json's ``adoption``)."""
        from keyrisk.analysis import _json

        checkpoints = {
            f"m{int(r.checkpoint)}": {
                "start": r.start,
                "end": r.end,
                "reached": bool(r.reached),
                "complete": bool(r.complete),
                "expected": int(r.expected),
                "logging": int(r.logging),
                "adoption": None if pd.isna(r.adoption) else float(r.adoption),
                "interactions": int(r.interactions),
            }
            for r in self.checkpoints.itertuples(index=False)
        }
        out = {
            "since": self.since,
            "as_of": self.as_of,
            "checkpoints": checkpoints,
            "silent_staff": list(self.silent_staff),
            "silent_teams": list(self.silent_teams),
            "n_staff": len(self.people),
        }
        result: dict[str, Any] = _json(out)
        return result

    def __repr__(self) -> str:
        shown = ", ".join(
            f"M+{int(r.checkpoint)} "
            + ("n/a" if pd.isna(r.adoption) else f"{100 * float(r.adoption):.0f}%")
            for r in self.checkpoints.itertuples(index=False)
        )
        return (
            f"<Adoption since {self.since}: {shown}; {len(self.silent_staff)} people and "
            f"{len(self.silent_teams)} teams log nothing>"
        )

    def _repr_html_(self) -> str:
        esc = html.escape
        cols = ["checkpoint", "start", "end", "expected", "logging", "adoption"]
        people = ["staff", "team", "logged", "m1", "m3", "m6", "logs_nothing"]
        people = [c for c in people if c in self.people.columns]
        return (
            '<div class="keyrisk-adoption">'
            f"<p><strong>CRM adoption since {esc(str(self.since))}</strong></p>"
            f"{frame_table(self.checkpoints, cols, 10)}"
            f"<p>Log nothing: {esc(', '.join(self.silent_staff) or 'nobody')}; teams: "
            f"{esc(', '.join(self.silent_teams) or 'none')}</p>"
            f"{frame_table(self.people, people, 20)}"
            "</div>"
        )


def _day(value: Any, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise UsageError(f"The {name!r} date must be a date (YYYY-MM-DD); got {value!r}.")


def _ts(value: Any) -> pd.Timestamp | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).normalize()


def crm_adoption(
    interactions: pd.DataFrame,
    staff: pd.DataFrame,
    *,
    since: dt.date | str | None = None,
    as_of: dt.date | str | None = None,
    kinds: Iterable[str] | None = None,
    checkpoints: Sequence[int] = CHECKPOINTS,
) -> Adoption:
    """Audit CRM adoption month by month from the roll-out, by person and by team.

    Parameters
    ----------
    interactions : pandas.DataFrame
        The canonical interactions (``staff``, ``date``, ``kind``).
    staff : pandas.DataFrame
        The canonical staff table (``staff``, ``department``, ``role``, ``start_date``,
        ``end_date``, ``active``); may be empty.
    since : datetime.date or str, optional
        The roll-out date. Default: the first day of the first month with a logged interaction.
    as_of : datetime.date or str, optional
        The last day audited. Default: the latest interaction date.
    kinds : iterable of str, optional
        The interaction kinds that count as logged in the CRM (matched without case), e.g.
        ``["call", "meeting", "email", "note"]`` to leave invoices out. Default: every row.
    checkpoints : sequence of int, default (1, 3, 6)
        The months after roll-out to report (M+1, M+3, M+6).

    Returns
    -------
    Adoption

    Raises
    ------
    UsageError
        When the data has no dates, a date is unreadable, or ``since`` is after ``as_of``.

    Notes
    -----
    Month k after roll-out (k = 1, 2, ...) runs from ``since + (k - 1) months`` to the day
    before ``since + k months`` (calendar months when ``since`` is the 1st). The people are
    those of the staff table and every staff member of the interactions; their team is their
    department (:data:`NO_TEAM` when unknown). A person is *expected* to log in month k when
    their start date (if any) is on or before the month's last day, their end date (if any) on or
    after its first day, and they are not flagged inactive without an end date (the flag does not
    say since when). The **adoption** of a month is the share of the people expected that month
    who logged at least one interaction in it: ``adoption_k = |{j expected in k : n_jk >= 1}| /
    |{j expected in k}|``, with n_jk the interactions of j dated in month k (and of the counted
    kinds). A person *logs nothing* when expected at least one month up to ``as_of`` and
    ``sum_k n_jk = 0``; a team logs nothing when nobody of it logged anything in the months they
    were expected. A month not begun by ``as_of`` is not reached (adoption <NA>).

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk import Dataset
    >>> ds = Dataset.from_frames(
    ...     pd.DataFrame({"account": "X", "staff": ["Ann", "Ann"],
    ...                   "date": ["2026-01-05", "2026-03-02"]}),
    ...     staff=pd.DataFrame({"staff": ["Ann", "Bob"], "department": ["Sales", "Marketing"]}))
    >>> a = crm_adoption(ds.interactions, ds.staff)
    >>> a.checkpoints[["expected", "logging", "adoption"]].to_dict("list")
    {'expected': [2, 2, 0], 'logging': [1, 1, 0], 'adoption': [0.5, 0.5, None]}
    >>> a.silent_staff, a.silent_teams
    (('Bob',), ('Marketing',))
    """
    inter = interactions[interactions["date"].notna()]
    if kinds is not None:
        wanted = {str(k).strip().casefold() for k in kinds}
        kind = inter["kind"].astype("string").str.strip().str.casefold()
        inter = inter[kind.isin(wanted).fillna(False).to_numpy(dtype=bool)]
    all_dates = interactions["date"].dropna()
    if all_dates.empty:
        raise UsageError("The CRM adoption audit needs dated interactions; the data has no date.")
    end = _day(as_of, "as_of") if as_of is not None else pd.Timestamp(all_dates.max()).date()
    if since is not None:
        start = _day(since, "since")
    elif len(inter):
        start = pd.Timestamp(inter["date"].min()).date().replace(day=1)
    else:
        start = pd.Timestamp(all_dates.min()).date().replace(day=1)
    if start > end:
        raise UsageError(f"The roll-out date 'since' ({start}) is after the audit's end ({end}).")
    ks = sorted({int(k) for k in checkpoints})
    if any(k < 1 for k in ks):
        raise UsageError(f"Checkpoints are months after roll-out (1 or more); got {checkpoints}.")

    base = pd.Timestamp(start)
    last_ts = pd.Timestamp(end)
    n_months = 1
    while base + pd.DateOffset(months=n_months) <= last_ts:
        n_months += 1
    n_months = max(n_months, *ks)
    starts = [base + pd.DateOffset(months=k) for k in range(n_months)]
    ends = [base + pd.DateOffset(months=k + 1) - pd.Timedelta(days=1) for k in range(n_months)]

    # people: the staff table first (its team, dates and flag), then the interactions' staff
    table = staff.drop_duplicates(subset="staff", keep="first").set_index("staff")
    names = sorted(
        {str(s) for s in table.index.dropna()} | {str(s) for s in interactions["staff"].dropna()}
    )
    # interactions counted: dated in [since, as_of], of the counted kinds
    d = inter["date"].dt.normalize()
    inside = inter[((d >= base) & (d <= last_ts)).to_numpy(dtype=bool)]
    month_of = np.searchsorted(
        np.asarray([s.to_datetime64() for s in starts]),
        inside["date"].dt.normalize().to_numpy(dtype="datetime64[ns]"),
        side="right",
    )
    counts = (
        pd.DataFrame({"staff": inside["staff"].astype(str).to_numpy(), "month": month_of})
        .groupby(["staff", "month"])
        .size()
    )

    rows: list[dict[str, Any]] = []
    info: dict[str, dict[str, Any]] = {}
    for name in names:
        rec = table.loc[name] if name in table.index else None

        def get(col: str, rec: Any = rec) -> Any:
            if rec is None or col not in rec.index:
                return None
            value = rec[col]
            return None if pd.isna(value) else value

        team = str(get("department") or NO_TEAM)
        began, left = _ts(get("start_date")), _ts(get("end_date"))
        flag = get("active")
        flagged_out = flag is not None and not bool(flag)
        info[name] = {"team": team, "role": get("role")}
        for k in range(1, n_months + 1):
            m_start, m_end = starts[k - 1], ends[k - 1]
            reached = m_start <= last_ts
            expected = (
                reached
                and (began is None or began <= m_end)
                and (left is None or left >= m_start)
                and not (flagged_out and left is None)
            )
            rows.append(
                {
                    "staff": name,
                    "team": team,
                    "month": k,
                    "start": m_start.date(),
                    "end": m_end.date(),
                    "reached": reached,
                    "expected": bool(expected),
                    "logged": int(counts.get((name, k), 0)),
                }
            )
    monthly = pd.DataFrame(
        rows, columns=["staff", "team", "month", "start", "end", "reached", "expected", "logged"]
    ).astype(
        {
            "staff": "string",
            "team": "string",
            "month": "int64",
            "reached": "bool",
            "expected": "bool",
            "logged": "int64",
        }
    )

    def share(logging: int, expected: int, reached: bool) -> Any:
        return pd.NA if not reached or expected == 0 else logging / expected

    check_rows, team_rows = [], []
    for k in ks:
        m = monthly[monthly["month"] == k]
        reached = bool(starts[k - 1] <= last_ts)
        exp = m[m["expected"]]
        logging = int((exp["logged"] > 0).sum())
        check_rows.append(
            {
                "checkpoint": k,
                "start": starts[k - 1].date(),
                "end": ends[k - 1].date(),
                "reached": reached,
                "complete": bool(ends[k - 1] <= last_ts),
                "expected": len(exp),
                "logging": logging,
                "adoption": share(logging, len(exp), reached),
                "interactions": int(m["logged"].sum()),
            }
        )
        for team in sorted(set(monthly["team"].astype(str))):
            tm = m[m["team"] == team]
            te = tm[tm["expected"]]
            t_logging = int((te["logged"] > 0).sum())
            team_rows.append(
                {
                    "team": team,
                    "checkpoint": k,
                    "start": starts[k - 1].date(),
                    "expected": len(te),
                    "logging": t_logging,
                    "adoption": share(t_logging, len(te), reached),
                    "interactions": int(tm["logged"].sum()),
                }
            )
    check = pd.DataFrame(check_rows).astype({"adoption": "Float64"})
    teams = pd.DataFrame(
        team_rows,
        columns=["team", "checkpoint", "start", "expected", "logging", "adoption", "interactions"],
    ).astype({"team": "string", "adoption": "Float64"})

    people_rows = []
    dated = inside.assign(_staff=inside["staff"].astype(str))
    firsts = dated.groupby("_staff")["date"].min()
    lasts = dated.groupby("_staff")["date"].max()
    for name in names:
        pm = monthly[monthly["staff"] == name]
        pe = pm[pm["expected"]]
        row: dict[str, Any] = {
            "staff": name,
            "team": info[name]["team"],
            "role": info[name]["role"],
            "first_logged": firsts.get(name, pd.NaT),
            "last_logged": lasts.get(name, pd.NaT),
            "logged": int(pm["logged"].sum()),
            "months_expected": len(pe),
            "months_logging": int((pe["logged"] > 0).sum()),
        }
        for k in ks:
            one = pe[pe["month"] == k]
            row[f"m{k}"] = int(one["logged"].iloc[0]) if len(one) else pd.NA
        row["logs_nothing"] = len(pe) > 0 and int(pm["logged"].sum()) == 0
        people_rows.append(row)
    people = pd.DataFrame(people_rows).astype(
        {
            "staff": "string",
            "team": "string",
            "role": "string",
            "first_logged": "datetime64[ns]",
            "last_logged": "datetime64[ns]",
            "logs_nothing": "bool",
            **{f"m{k}": "Int64" for k in ks},
        }
    )
    return Adoption(
        since=start,
        as_of=end,
        checkpoints=check,
        teams=teams,
        people=people,
        monthly=monthly.drop(columns="reached")[monthly["reached"]].reset_index(drop=True),
    )
