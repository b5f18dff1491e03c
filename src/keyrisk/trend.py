"""The trend from one export: the key figures at each quarter end inside the data's span.

Each point is the analysis of the same dataset with the same settings, ``as_of`` moved back to
the quarter end (:func:`keyrisk.analyse` with ``settings.replace(as_of=q)``): one implementation
of every rule, so a point of the trend is exactly what a report run on that day would have said.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

import pandas as pd

from keyrisk.scoring import RISK_LEVELS
from keyrisk.settings import Settings

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis
    from keyrisk.model import Dataset

__all__ = [
    "FIGURES",
    "against_previous",
    "key_figures",
    "known_at",
    "quarter_ends",
    "quarterly_trend",
    "trend_records",
]

#: The numeric key figures of a run, in the order they are shown (trend, history, changes).
FIGURES: tuple[str, ...] = (
    "n_accounts",
    "n_staff_active",
    "total_revenue",
    "revenue_bus_factor",
    "account_bus_factor",
    "single_holder_revenue_share",
    "orphaned_accounts",
    "orphaned_revenue",
    "top_pair_revenue",
    "top_pair_share",
    *RISK_LEVELS,
)

_INT = (
    "n_accounts",
    "n_staff_active",
    "revenue_bus_factor",
    "account_bus_factor",
    "orphaned_accounts",
    *RISK_LEVELS,
)

#: Columns of the trend table, in order.
TREND_COLUMNS: tuple[str, ...] = (
    "as_of",
    "is_quarter_end",
    "status",
    "n_interactions",
    "history_days",
    "accounts_not_yet",
    "n_accounts",
    "n_staff_active",
    "total_revenue",
    "revenue_bus_factor",
    "revenue_bus_factor_exact",
    "revenue_bus_factor_label",
    "account_bus_factor",
    "account_bus_factor_exact",
    "single_holder_revenue_share",
    "orphaned_accounts",
    "orphaned_revenue",
    "top_pair",
    "top_pair_revenue",
    "top_pair_share",
    *RISK_LEVELS,
)


def quarter_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """Return the calendar quarter ends q with ``start <= q <= end``, in order.

    Parameters
    ----------
    start, end : datetime.date
        The span (both ends included).

    Returns
    -------
    list of datetime.date
        Every 31 March, 30 June, 30 September and 31 December of the span.

    Examples
    --------
    >>> import datetime as dt
    >>> quarter_ends(dt.date(2025, 11, 5), dt.date(2026, 6, 30))
    [datetime.date(2025, 12, 31), datetime.date(2026, 3, 31), datetime.date(2026, 6, 30)]
    """
    if end < start:
        return []
    stamps = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="QE-DEC")
    return [ts.date() for ts in stamps]


def key_figures(analysis: Analysis) -> dict[str, Any]:
    """Return the key figures of one analysis as plain Python values.

    Parameters
    ----------
    analysis : keyrisk.Analysis

    Returns
    -------
    dict
        ``n_accounts``, ``n_staff_active``, ``total_revenue``, ``revenue_bus_factor`` (int or
        None) with ``revenue_bus_factor_exact`` (False when the exact search ran out of time:
        the value is then a greedy upper bound) and ``revenue_bus_factor_label``,
        ``account_bus_factor`` with ``account_bus_factor_exact``,
        ``single_holder_revenue_share``, ``orphaned_accounts``, ``orphaned_revenue``,
        ``top_pair`` (tuple of names, empty without a pair), ``top_pair_revenue``,
        ``top_pair_share`` and the number of accounts at each risk level (``critical``,
        ``high``, ``medium``, ``low``, ``dormant``).

    Notes
    -----
    Every figure is the analysis' own (:attr:`keyrisk.Analysis.portfolio` and the risk level of
    :attr:`keyrisk.Analysis.accounts`); nothing is recomputed here.

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk import Dataset, analyse
    >>> ds = Dataset.from_frames(pd.DataFrame({"account": ["A", "B"], "staff": ["Ann", "Bob"]}))
    >>> f = key_figures(analyse(ds))
    >>> f["revenue_bus_factor"], f["top_pair"], f["critical"]
    (1, ('Ann', 'Bob'), 2)
    """
    p = analysis.portfolio
    levels = analysis.accounts["risk_level"]
    pair = p.top_pair
    return {
        "n_accounts": int(p.n_accounts),
        "n_staff_active": int(p.n_staff_active),
        "total_revenue": float(p.total_revenue),
        "revenue_bus_factor": p.revenue_bus_factor.value,
        "revenue_bus_factor_exact": bool(p.revenue_bus_factor.is_exact),
        "revenue_bus_factor_label": p.revenue_bus_factor.label,
        "account_bus_factor": p.account_bus_factor.value,
        "account_bus_factor_exact": bool(p.account_bus_factor.is_exact),
        "single_holder_revenue_share": float(p.single_holder_revenue_share),
        "orphaned_accounts": int(p.orphaned_accounts),
        "orphaned_revenue": float(p.orphaned_revenue),
        "top_pair": () if pair is None else tuple(pair.leave),
        "top_pair_revenue": 0.0 if pair is None else float(pair.revenue_at_risk),
        "top_pair_share": 0.0 if pair is None else float(pair.share),
        **{level: int((levels == level).sum()) for level in RISK_LEVELS},
    }


def _n_interactions(analysis: Analysis) -> int:
    """Interactions inside the analysis window (the owner rule's stand-ins left out)."""
    h = analysis.holders
    return int(h.loc[~h["owner_rule"].astype(bool), "count"].sum())


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(TREND_COLUMNS))
    types: dict[str, str] = {c: "Int64" for c in _INT}
    types.update({c: "Float64" for c in FIGURES if c not in _INT})
    types.update(
        {
            "n_interactions": "int64",
            "history_days": "int64",
            "accounts_not_yet": "int64",
            "is_quarter_end": "bool",
            "status": "string",
            "revenue_bus_factor_exact": "boolean",
            "account_bus_factor_exact": "boolean",
            "revenue_bus_factor_label": "string",
        }
    )
    frame = frame.astype(types)
    frame["as_of"] = frame["as_of"].astype(object)
    frame["top_pair"] = frame["top_pair"].astype(object)
    return frame


def known_at(dataset: Dataset, day: dt.date) -> tuple[Dataset, int]:
    """Return the dataset as it stood on ``day``.

    Parameters
    ----------
    dataset : keyrisk.Dataset
    day : datetime.date

    Returns
    -------
    (Dataset, int)
        ``dataset`` with two facts of the export's date not carried back to ``day``: the
        accounts-table rows of accounts whose every interaction is dated after ``day`` are left
        out (they were not clients yet: counted, they would be orphans of the past), and an
        "inactive" flag of the staff table without an end date is ignored (<NA>: the inactivity
        rule decides) for a person with an interaction after ``day`` (they still worked then;
        open deals, dated by their expected close, do not count).
        The int is how many accounts were left out. Interactions are kept: the analysis at
        ``day`` reads none dated after it (its window is ``day - window_days < date <= day``,
        and a later interaction is not activity at ``day``).

    Examples
    --------
    >>> import datetime as dt
    >>> import pandas as pd
    >>> from keyrisk import Dataset
    >>> ds = Dataset.from_frames(
    ...     pd.DataFrame({"account": ["A", "B"], "staff": ["Ann", "Ann"],
    ...                   "date": ["2026-01-05", "2026-05-01"]}),
    ...     pd.DataFrame({"account": ["A", "B", "C"], "revenue": [1.0, 2.0, 3.0]}))
    >>> past, n = known_at(ds, dt.date(2026, 3, 31))
    >>> past.accounts["account"].tolist(), n
    (['A', 'C'], 1)
    """
    inter = dataset.interactions
    dates = pd.to_datetime(inter["date"]).dt.normalize()
    # an open deal's date is an expected close date: it says nothing of who worked when
    is_open = (inter["stage"] == "open").fillna(False).to_numpy(dtype=bool)
    dated_after = (dates > pd.Timestamp(day)).fillna(False).to_numpy(dtype=bool)
    after = dated_after & ~is_open
    before = ~dated_after
    changes: dict[str, pd.DataFrame] = {}
    n_dropped = 0
    if not dataset.accounts.empty and after.any():
        later = set(inter.loc[after, "account"].dropna().astype(str)) - set(
            inter.loc[before, "account"].dropna().astype(str)
        )
        drop = dataset.accounts["account"].astype(str).isin(later).to_numpy(dtype=bool)
        if drop.any():
            changes["accounts"] = dataset.accounts[~drop].reset_index(drop=True)
            n_dropped = int(drop.sum())
    staff = dataset.staff
    if not staff.empty and after.any():
        worked_later = set(inter.loc[after, "staff"].dropna().astype(str))
        flag = staff["active"].astype("boolean")
        stale = (
            (
                (flag == False)  # noqa: E712 (a nullable boolean: <NA> is not False)
                & staff["end_date"].isna()
                & staff["staff"].astype(str).isin(worked_later)
            )
            .fillna(False)
            .to_numpy(dtype=bool)
        )
        if stale.any():
            fixed = staff.copy()
            fixed.loc[stale, "active"] = pd.NA
            changes["staff"] = fixed
    if not changes:
        return dataset, 0
    return dataclasses.replace(dataset, **changes), n_dropped


def quarterly_trend(
    dataset: Dataset,
    settings: Settings | None = None,
    *,
    last: int | None = None,
    current: Analysis | None = None,
) -> pd.DataFrame:
    """Return the key figures at each quarter end inside the data's span.

    Parameters
    ----------
    dataset : keyrisk.Dataset
        The ingested export (read once: every point reuses it).
    settings : Settings, optional
        The method's parameters (default: as :func:`keyrisk.analyse` takes them). Every point
        uses them with only ``as_of`` moved.
    last : int, optional
        Keep only the last ``last`` quarter ends (the cost is one analysis per point).
    current : keyrisk.Analysis, optional
        An analysis of ``dataset`` already made: reused for the point at its ``as_of``.

    Returns
    -------
    pandas.DataFrame
        One row per point, oldest first: every quarter end q with first interaction date <= q
        <= as_of, then the analysis date itself when it is not a quarter end
        (``is_quarter_end`` False). Columns: ``as_of`` (datetime.date), ``is_quarter_end``,
        ``accounts_not_yet`` (accounts of the accounts table first touched after that date, left
        out of that point: see :func:`known_at`),
        ``status`` ("ok", or "no activity" when no interaction falls in the window ending at
        that date: the figures are then <NA>, never a silent NaN), ``n_interactions`` (in the
        window), ``history_days`` (days of data behind the point: ``min(window_days, q -
        first date)``; a point with less than a full window of history sees fewer holders), then
        the figures of :func:`key_figures`. ``revenue_bus_factor_exact`` False marks a point
        where the exact search ran out of time (a greedy upper bound). ``attrs["analyses"]`` is
        the number of analyses run. Empty (same columns) when the data has no dates.

    Notes
    -----
    The point at q is ``analyse(known_at(dataset, q)[0], settings.replace(as_of=q))``: the
    window is ``q - window_days < date <= q``, decay is measured from q, gone staff are judged
    at q (end dates on or before q, inactivity before q), accounts first touched after q are
    left out, and an inactive flag without an end date is not carried back before its
    holder's later activity. The accounts and staff tables are otherwise read as they are in
    the export: a revenue given in the accounts table, and an explicit active flag otherwise,
    describe the export's date and are applied to every point (end dates are applied by date).
    Cost: one analysis (two bus-factor searches, each within ``exact_time_limit``, and the top
    pair) per point; ``current`` saves the last one.

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk import Dataset
    >>> ds = Dataset.from_frames(pd.DataFrame({
    ...     "account": ["A", "A", "B"], "staff": ["Ann", "Bob", "Bob"],
    ...     "date": ["2026-02-01", "2026-02-01", "2026-05-01"]}))
    >>> t = quarterly_trend(ds)
    >>> t[["as_of", "status", "n_interactions", "high"]].to_dict("list")  # doctest: +ELLIPSIS
    {'as_of': [datetime.date(2026, 3, 31), datetime.date(2026, 5, 1)], 'status': ['ok', 'ok'], ...
    """
    from keyrisk.analysis import _config_params, analyse

    if settings is None:
        settings = Settings(**_config_params(dataset.settings))
    base = current if current is not None else analyse(dataset, settings)
    as_of = base.as_of
    dates = dataset.interactions["date"].dropna()
    if as_of is None or dates.empty:
        frame = _frame([])
        frame.attrs["analyses"] = 0
        return frame
    first = pd.Timestamp(dates.min()).date()
    points = quarter_ends(first, as_of)
    if last is not None:
        points = points[-last:] if last > 0 else []
    if not points or points[-1] != as_of:
        points.append(as_of)
    rows: list[dict[str, Any]] = []
    runs = 0
    for q in points:
        past, not_yet = known_at(dataset, q)
        if q == as_of and past is dataset:
            a = base
            runs += current is None
        else:
            a = analyse(past, settings.replace(as_of=q))
            runs += 1
        n = _n_interactions(a)
        row: dict[str, Any] = {
            "as_of": q,
            "is_quarter_end": q in quarter_ends(q, q),
            "status": "ok" if n > 0 else "no activity",
            "n_interactions": n,
            "history_days": min(settings.window_days, (q - first).days),
            "accounts_not_yet": not_yet,
        }
        if n > 0:
            row.update(key_figures(a))
        rows.append(row)
    frame = _frame(rows)
    frame.attrs["analyses"] = runs
    return frame


def against_previous(trend: pd.DataFrame, n: int = 4) -> pd.DataFrame:
    """Return the last point of a trend against the ``n`` points before it.

    Parameters
    ----------
    trend : pandas.DataFrame
        From :func:`quarterly_trend`.
    n : int, default 4
        How many earlier points (the previous four quarters: a year).

    Returns
    -------
    pandas.DataFrame
        Long format, one row per (figure, point): ``figure`` (in :data:`FIGURES` order),
        ``as_of``, ``lag`` (0 for the last point, k for the k-th point before it), ``status``,
        ``value`` and ``delta`` = value now - value at that point (<NA> at lag 0 and when
        either point has no activity).

    Examples
    --------
    >>> import datetime as dt
    >>> import pandas as pd
    >>> t = pd.DataFrame({"as_of": [dt.date(2026, 3, 31), dt.date(2026, 6, 30)],
    ...                   "status": ["ok", "ok"], "revenue_bus_factor": [2, 1]})
    >>> against_previous(t)[["lag", "value", "delta"]].to_dict("list")
    {'lag': [0, 1], 'value': [1.0, 2.0], 'delta': [None, -1.0]}
    """
    recent = trend.tail(n + 1).iloc[::-1].reset_index(drop=True)
    rows: list[dict[str, Any]] = []
    figures = [f for f in FIGURES if f in trend.columns]
    for figure in figures:
        values = pd.array(recent[figure], dtype="Float64")
        now = values[0] if len(values) else pd.NA
        for lag in range(len(recent)):
            value = values[lag]
            delta = pd.NA if lag == 0 or pd.isna(now) or pd.isna(value) else now - value
            rows.append(
                {
                    "figure": figure,
                    "as_of": recent["as_of"].iloc[lag],
                    "lag": lag,
                    "status": recent["status"].iloc[lag],
                    "value": value,
                    "delta": delta,
                }
            )
    out = pd.DataFrame(rows, columns=["figure", "as_of", "lag", "status", "value", "delta"])
    return out.astype(
        {
            "figure": "string",
            "lag": "int64",
            "status": "string",
            "value": "Float64",
            "delta": "Float64",
        }
    )


def trend_records(trend: pd.DataFrame) -> list[dict[str, Any]]:
    """Return a trend table as plain JSON data (summary.json's ``trend``), one dict per point.

    Dates are ISO strings, tuples lists, and <NA> (a point with no activity) None.

    Examples
    --------
    >>> import datetime as dt
    >>> import pandas as pd
    >>> t = pd.DataFrame({"as_of": [dt.date(2026, 3, 31)], "status": ["no activity"],
    ...                   "revenue_bus_factor": pd.array([None], dtype="Int64")})
    >>> trend_records(t)
    [{'as_of': '2026-03-31', 'status': 'no activity', 'revenue_bus_factor': None}]
    """
    from keyrisk.analysis import _json

    out: list[dict[str, Any]] = []
    for rec in trend.astype(object).to_dict("records"):
        out.append({str(k): _json(v) for k, v in rec.items()})
    return out
