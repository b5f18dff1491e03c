"""Scoring: relationship weights, holders, gone staff, revenue and risk (domain.md, version 1).

Every function here is pure and vectorised (pandas / numpy): it takes tables and settings and
returns a new table, one step of the method each. :mod:`keyrisk.analysis` chains them:

1. :func:`resolve_as_of` fixes the day the analysis describes;
2. :func:`edge_weights` turns interactions into one weighted edge per (account, staff);
3. :func:`add_owner_edges` applies the owner rule to accounts without any interaction;
4. :func:`gone_staff` tells who has left (end date, active flag, inactivity);
5. :func:`account_revenue` gives each account its revenue r_i and pipeline;
6. :func:`score_edges` adds shares, top contacts and holders to the edges;
7. :func:`score_accounts` and :func:`score_staff` give the per-account and per-staff tables.

Conventions
-----------
- ``as_of`` is ``None`` only when the data has no date at all (and none was given): there is
  then no window, no decay and no inactivity rule.
- Weight ties are compared with a relative tolerance of ``1e-9`` (:data:`TIE_TOLERANCE`) so that
  float rounding in sums of decays never breaks a tie or a holder threshold.
- An account whose interactions all weigh 0 (a kind weight of 0) has no contact: no share, no
  holder, and the owner rule applies to it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import numpy as np
import pandas as pd

from keyrisk.settings import Settings

__all__ = [
    "RISK_LEVELS",
    "TIE_TOLERANCE",
    "account_revenue",
    "add_owner_edges",
    "edge_weights",
    "gone_staff",
    "portfolio_revenue",
    "resolve_as_of",
    "revenue_basis",
    "score_accounts",
    "score_edges",
    "score_staff",
]

#: Risk levels, riskiest first. "dormant": orphaned, but with no revenue and no interaction in
#: the window (a client in name only: nothing to reassign now).
RISK_LEVELS: tuple[str, ...] = ("critical", "high", "medium", "low", "dormant")
#: Relative tolerance used when comparing weights (ties, holder threshold).
TIE_TOLERANCE = 1e-9
#: An account at or above this share of total revenue with a single holder is critical.
CRITICAL_SHARE = 0.10

_STRING: Final = "string"
_EDGE_COLUMNS = ("account", "staff", "weight", "count", "last_date", "owner_rule")


def _day(value: dt.date) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def _age_days(dates: pd.Series, as_of: dt.date) -> np.ndarray:
    """Age in whole days of each date (normalised to the day) at ``as_of``; NaN for NaT."""
    delta = _day(as_of) - pd.to_datetime(dates).dt.normalize()
    return np.asarray(delta / pd.Timedelta(days=1), dtype="float64")


def _strings(values: Any) -> pd.Series:
    return pd.Series(values, dtype=_STRING)


def _tuples(frame: pd.DataFrame, key: str, value: str, index: pd.Index) -> pd.Series:
    """Group ``frame[value]`` into tuples by ``frame[key]`` (row order kept), on ``index``.

    Keys of ``index`` without rows get ``()``. Values are grouped as objects so that pandas does
    not infer a pyarrow list dtype.
    """
    codes, uniques = pd.factorize(frame[key].astype(object).to_numpy())  # -1 for missing keys
    codes = np.asarray(codes)
    order = np.argsort(codes, kind="stable")  # row order kept inside each key
    order = order[codes[order] >= 0]
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1)).tolist()
    items = frame[value].astype(object).to_numpy()[order].tolist()
    groups = {
        k: tuple(items[a:b]) for k, a, b in zip(uniques, bounds[:-1], bounds[1:], strict=True)
    }
    values = np.empty(len(index), dtype=object)
    for i, k in enumerate(pd.Index(index, dtype=object)):
        values[i] = groups.get(k, ())
    return pd.Series(values, index=index, dtype=object)


def _first_per_key(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    return frame.drop_duplicates(subset=key, keep="first").set_index(key)


def resolve_as_of(dataset: Any, settings: Settings) -> dt.date | None:
    """Return the day the analysis describes.

    Parameters
    ----------
    dataset : keyrisk.model.Dataset
        The canonical tables.
    settings : Settings
        The parameters; ``settings.as_of`` wins when given.

    Returns
    -------
    datetime.date or None
        ``settings.as_of`` when given, else the latest interaction date, leaving out open deals
        (their date is an expected close date, often in the future) unless nothing else is
        dated; ``None`` when the data has no date at all. ``None`` means: no window, no decay
        and no inactivity rule (never today's date, which would make the analysis
        non-deterministic).

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk.model import Dataset
    >>> ds = Dataset.from_frames(pd.DataFrame(
    ...     {"account": ["A"], "staff": ["Ann"], "date": ["2024-03-01"]}))
    >>> resolve_as_of(ds, Settings())
    datetime.date(2024, 3, 1)
    >>> resolve_as_of(ds, Settings(as_of="2024-06-30"))
    datetime.date(2024, 6, 30)
    """
    if settings.as_of is not None:
        return settings.as_of
    if not dataset.has_dates:
        return None
    inter = dataset.interactions
    dates = inter["date"]
    # An open deal's date is an expected close date, often in the future: it describes a plan,
    # not a touch, so it does not move the analysis date (unless nothing else is dated).
    done = dates[(inter["stage"] != "open").fillna(True).to_numpy(dtype=bool)].dropna()
    if done.empty:
        done = dates.dropna()
    if done.empty:
        return None
    return pd.Timestamp(done.max()).date()


def edge_weights(
    interactions: pd.DataFrame,
    settings: Settings,
    as_of: dt.date | None,
    has_dates: bool,
) -> pd.DataFrame:
    """Aggregate interactions into one weighted edge per (account, staff).

    Parameters
    ----------
    interactions : pandas.DataFrame
        The canonical interactions table (account, staff, date, kind, weight...).
    settings : Settings
        Uses ``window_days``, ``half_life_days`` and ``kind_weights``.
    as_of : datetime.date or None
        The day of the analysis (see :func:`resolve_as_of`).
    has_dates : bool
        False when the input had no date column: every row then counts with decay 1.

    Returns
    -------
    pandas.DataFrame
        Columns ``account``, ``staff`` (string), ``weight`` (float), ``count`` (int: interactions
        in the window, including those of kind weight 0), ``last_date`` (latest date in the
        window, NaT without dates), ``owner_rule`` (False here). Sorted by account, staff.

    Notes
    -----
    .. math::

        w_{ij} = \\sum_{k \\in (i, j),\\ as\\_of - window < d_k \\le as\\_of}
                 kind\\_weight(k) \\cdot rw_k \\cdot 0.5^{age_k / half\\_life}

    with :math:`age_k = as\\_of - d_k` in days (dates normalised to the day) and :math:`rw_k` the
    row's own ``weight`` (NaN counts 1). ``half_life_days=None`` turns decay off. When the data
    has dates, a row without a date (NaT: it comes from a file that has no date column, rows
    with an empty date in a dated file are skipped upstream) counts in the window with decay 1.
    When ``has_dates`` is False, every row counts with decay 1. Kinds are matched
    case-insensitively; unlisted and missing kinds weigh 1.

    Examples
    --------
    >>> import pandas as pd
    >>> inter = pd.DataFrame({
    ...     "account": ["A", "A", "A"], "staff": ["Ann", "Ann", "Bob"],
    ...     "date": pd.to_datetime(["2024-06-30", "2024-01-02", "2024-06-30"]),
    ...     "kind": ["call", "call", "Email"], "weight": [1.0, 1.0, 1.0]})
    >>> s = Settings(kind_weights={"email": 0.5})
    >>> e = edge_weights(inter, s, dt.date(2024, 6, 30), True)
    >>> e[["staff", "weight", "count"]].to_dict("list")
    {'staff': ['Ann', 'Bob'], 'weight': [1.5, 0.5], 'count': [2, 1]}
    """
    n = len(interactions)
    account = interactions["account"].astype(_STRING)
    staff = interactions["staff"].astype(_STRING)
    if settings.kind_weights:
        # each distinct kind is folded and looked up once
        codes, uniques = pd.factorize(interactions["kind"].astype(_STRING))
        kinds = pd.Series(uniques, dtype=_STRING).str.strip().str.casefold()
        factors = kinds.map(dict(settings.kind_weights)).to_numpy(dtype="float64", na_value=np.nan)
        kind_factor = np.full(n, np.nan)
        known = np.asarray(codes) >= 0
        kind_factor[known] = factors[np.asarray(codes)[known]]
        kind_factor = np.where(np.isnan(kind_factor), 1.0, kind_factor)
    else:
        kind_factor = np.ones(n)
    row_weight = interactions["weight"].to_numpy(dtype="float64", na_value=np.nan)
    row_weight = np.where(np.isnan(row_weight), 1.0, row_weight)
    dates = pd.to_datetime(interactions["date"])
    if has_dates:
        if as_of is None:
            keep = np.zeros(n, dtype=bool)
            decay = np.ones(n)
        else:
            age = _age_days(dates, as_of)
            undated = np.isnan(age)  # rows of a file without a date column: always counted
            with np.errstate(invalid="ignore"):
                keep = undated | ((age >= 0) & (age < settings.window_days))
            if settings.half_life_days is None:
                decay = np.ones(n)
            else:
                dated_age = np.where(keep & ~undated, age, 0.0)
                decay = np.power(0.5, dated_age / settings.half_life_days)
        last = dates.dt.normalize()
    else:
        keep = np.ones(n, dtype=bool)
        decay = np.ones(n)
        last = pd.Series(pd.NaT, index=interactions.index, dtype="datetime64[ns]")
    frame = pd.DataFrame(
        {
            "account": account,
            "staff": staff,
            "weight": kind_factor * row_weight * decay,
            "last_date": last.astype("datetime64[ns]"),
        }
    )[keep]
    grouped = frame.groupby(["account", "staff"], sort=True, observed=True)
    out = grouped.agg(
        weight=("weight", "sum"), count=("weight", "size"), last_date=("last_date", "max")
    ).reset_index()
    out["account"] = out["account"].astype(_STRING)
    out["staff"] = out["staff"].astype(_STRING)
    out["weight"] = out["weight"].astype("float64")
    out["count"] = out["count"].astype("int64")
    out["last_date"] = out["last_date"].astype("datetime64[ns]")
    out["owner_rule"] = False
    return out[list(_EDGE_COLUMNS)]


def add_owner_edges(edges: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """Apply the owner rule: an account without interaction counts one for its owner.

    Parameters
    ----------
    edges : pandas.DataFrame
        The output of :func:`edge_weights`.
    accounts : pandas.DataFrame
        The canonical accounts table (account, owner...).

    Returns
    -------
    pandas.DataFrame
        ``edges`` plus, for every account of the accounts table whose edges weigh 0 in all
        (no interaction in the window, or only kinds of weight 0) and whose owner is named, the
        edge (account, owner) with weight 1 (no decay), count 1 and ``owner_rule`` True. Sorted
        by account, staff.

    Notes
    -----
    :math:`w_{i,owner} = 1,\\ c_{i,owner} = 1` when :math:`\\sum_j w_{ij} = 0`.

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk.model import Dataset
    >>> ds = Dataset.from_frames(accounts=pd.DataFrame({"account": ["A"], "owner": ["Ann"]}))
    >>> e = edge_weights(ds.interactions, Settings(), None, False)
    >>> add_owner_edges(e, ds.accounts)[["account", "staff", "weight", "count"]].to_dict("list")
    {'account': ['A'], 'staff': ['Ann'], 'weight': [1.0], 'count': [1]}
    """
    table = accounts[accounts["account"].notna()].drop_duplicates("account")
    positive = edges.loc[edges["weight"] > 0, "account"].unique()
    owned = table[table["owner"].notna() & ~table["account"].isin(positive)]
    if owned.empty:
        return edges.copy()
    extra = pd.DataFrame(
        {
            "account": owned["account"].astype(_STRING).to_numpy(),
            "staff": owned["owner"].astype(_STRING).to_numpy(),
            "weight": 1.0,
            "count": 1,
            "last_date": pd.Series(pd.NaT, index=range(len(owned)), dtype="datetime64[ns]"),
            "owner_rule": True,
        }
    )
    both = pd.concat([edges, extra.astype({"account": _STRING, "staff": _STRING})])
    out = (
        both.groupby(["account", "staff"], sort=True, observed=True)
        .agg(
            weight=("weight", "sum"),
            count=("count", "sum"),
            last_date=("last_date", "max"),
            owner_rule=("owner_rule", "any"),
        )
        .reset_index()
    )
    out["account"] = out["account"].astype(_STRING)
    out["staff"] = out["staff"].astype(_STRING)
    out["count"] = out["count"].astype("int64")
    out["owner_rule"] = out["owner_rule"].astype(bool)
    return out[list(_EDGE_COLUMNS)]


def gone_staff(
    staff: pd.DataFrame,
    interactions: pd.DataFrame,
    accounts: pd.DataFrame,
    settings: Settings,
    as_of: dt.date | None,
    has_dates: bool,
) -> pd.DataFrame:
    """Tell, for every staff member, whether they are active or gone, and why.

    Parameters
    ----------
    staff : pandas.DataFrame
        The canonical staff table (staff, end_date, active...).
    interactions : pandas.DataFrame
        The canonical interactions table.
    accounts : pandas.DataFrame
        The canonical accounts table (its owners are staff too).
    settings : Settings
        Uses ``inactive_days``.
    as_of : datetime.date or None
        The day of the analysis.
    has_dates : bool
        Whether the interactions have dates (the inactivity rule needs them).

    Returns
    -------
    pandas.DataFrame
        One row per staff member (union of the staff table, the interactions' staff and the
        accounts' owners; a person whose every interaction is dated after ``as_of``, open deals
        aside, is not there at ``as_of`` and is left out), sorted by name, columns ``staff``,
        ``active`` (bool), ``gone_reason`` ("end date", "active flag", "inactive" or <NA>) and
        ``last_activity`` (latest interaction date on or before ``as_of``, NaT when none).

    Notes
    -----
    In this order: an end date on or before ``as_of`` makes a person gone ("end date"); an
    explicit active flag False makes them gone ("active flag") and True keeps them active
    whatever their activity; otherwise, when the data has dates, a person is gone ("inactive")
    when :math:`last\\_activity \\le as\\_of - inactive\\_days` or when they have no dated
    interaction at all (unless they appear in an undated file: their activity is then unknown
    and they stay active). When ``as_of`` is None (no date anywhere), any recorded end date counts
    as passed and there is no inactivity rule. Any interaction on or before ``as_of`` counts as
    activity, whatever its kind weight or window; an interaction dated after ``as_of`` is not
    activity at ``as_of`` (it neither sets ``last_activity`` nor keeps anyone active); the owner
    rule is not activity.

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk.model import Dataset
    >>> ds = Dataset.from_frames(
    ...     pd.DataFrame({"account": ["A", "A"], "staff": ["Ann", "Bob"],
    ...                   "date": ["2024-06-30", "2024-01-01"]}))
    >>> g = gone_staff(ds.staff, ds.interactions, ds.accounts, Settings(),
    ...                dt.date(2024, 6, 30), True)
    >>> g[["staff", "active", "gone_reason"]].to_dict("list")
    {'staff': ['Ann', 'Bob'], 'active': [True, False], 'gone_reason': [None, 'inactive']}
    """
    dates = pd.to_datetime(interactions["date"]).dt.normalize()
    seen = interactions["staff"].astype(_STRING)
    if has_dates and as_of is not None:
        # someone seen only after as_of was not there at as_of (an open deal closing later is
        # pipeline at as_of: its staff member is known)
        is_open = interactions["stage"].astype(_STRING).str.strip().str.casefold().eq("open")
        known = dates.isna() | (dates <= _day(as_of)) | is_open.fillna(False).astype(bool)
        seen = seen[known.to_numpy(dtype=bool)]
    names = pd.concat(
        [staff["staff"].astype(_STRING), seen, accounts["owner"].astype(_STRING)]
    ).dropna()
    index = pd.Index(np.sort(names.unique().astype(object)), name="staff", dtype=_STRING)
    if has_dates:
        usable = dates.notna()
        if as_of is not None:
            usable &= dates <= _day(as_of)
        last = (
            pd.DataFrame({"staff": interactions["staff"].astype(_STRING), "date": dates})[usable]
            .groupby("staff", observed=True)["date"]
            .max()
            .reindex(index)
            .astype("datetime64[ns]")
        )
    else:
        last = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    table = _first_per_key(staff[staff["staff"].notna()], "staff")
    end = pd.to_datetime(table["end_date"]).dt.normalize().reindex(index)
    flag = table["active"].astype("boolean").reindex(index)
    end_gone = end.notna() if as_of is None else end.notna() & (end <= _day(as_of))
    flag_false = flag.eq(False).fillna(False).astype(bool)
    flag_true = flag.eq(True).fillna(False).astype(bool)
    if has_dates and as_of is not None:
        age = _age_days(last, as_of)
        # a person seen only in files without dates: their activity cannot be judged
        undated = interactions["staff"].astype(_STRING)[dates.isna().to_numpy()]
        unknown = index.isin(undated.unique()) & np.isnan(age)
        inactive = (np.isnan(age) & ~unknown) | (age >= settings.inactive_days)
        inactive = inactive & ~flag_true.to_numpy()
    else:
        inactive = np.zeros(len(index), dtype=bool)
    end_gone_arr = end_gone.to_numpy(dtype=bool)
    flag_false_arr = flag_false.to_numpy()
    reason = np.select(
        [end_gone_arr, flag_false_arr, inactive],
        np.array(["end date", "active flag", "inactive"], dtype=object),
        default=np.array(None, dtype=object),
    )
    out = pd.DataFrame(
        {
            "staff": index.to_series(index=range(len(index))).astype(_STRING),
            "active": ~(end_gone_arr | flag_false_arr | inactive),
            "gone_reason": pd.Series(reason, dtype=_STRING),
            "last_activity": last.to_numpy(),
        }
    )
    out["active"] = out["active"].astype(bool)
    out["last_activity"] = out["last_activity"].astype("datetime64[ns]")
    return out


def account_revenue(
    accounts: pd.DataFrame,
    interactions: pd.DataFrame,
    universe: pd.Index,
    settings: Settings,
    as_of: dt.date | None,
    has_dates: bool,
) -> pd.DataFrame:
    """Give every account its revenue r_i, the source of that figure and its pipeline.

    Parameters
    ----------
    accounts : pandas.DataFrame
        The canonical accounts table (account, revenue, owner, segment).
    interactions : pandas.DataFrame
        The canonical interactions table (amount, stage, date).
    universe : pandas.Index
        The accounts of the analysis.
    settings : Settings
        Uses ``revenue_days``.
    as_of : datetime.date or None
        The day of the analysis.
    has_dates : bool
        Whether interactions have dates (without dates every amount counts).

    Returns
    -------
    pandas.DataFrame
        Indexed by account (``universe`` order), columns ``revenue`` (float, NaN unknown),
        ``revenue_source`` ("accounts table", "amounts" or "unknown"), ``pipeline`` (float,
        0.0 when none), ``owner``, ``segment`` and ``last_contact`` (latest interaction date on
        or before ``as_of``, any kind, NaT when none).

    Notes
    -----
    :math:`r_i` is the accounts table's revenue when given, 0 when that figure is negative.
    Otherwise

    .. math::

        r_i = \\max\\left(0, \\sum_k amount_k\\right)

    over the rows of account i whose stage is "won" or missing (an order or invoice; a quote
    without a stage is an open proposal) with
    :math:`as\\_of - revenue\\_days < d_k \\le as\\_of` (every row when there are no dates;
    undated rows beside dated ones count too). Credit notes and refunds are negative amounts:
    they net against the account's sales of the same window, and the clip at 0 is applied once,
    after netting, so that an account credited more than it bought in the window brings 0, never
    a negative figure (which would lower the total and inflate every other share). Lost and open
    deals are not revenue; open amounts dated after :math:`as\\_of - revenue\\_days` (an open
    deal's date is its expected close date, often after ``as_of``) are the pipeline. An account
    with qualifying amounts on or before ``as_of`` only outside the window has revenue 0
    ("amounts"); one with no qualifying amount on or before ``as_of`` has unknown revenue (NaN,
    "unknown"): an invoice dated after ``as_of`` had not been issued at ``as_of``.

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk.model import Dataset
    >>> ds = Dataset.from_frames(pd.DataFrame({
    ...     "account": ["A", "A", "A"], "staff": ["Ann"] * 3,
    ...     "date": ["2024-06-01", "2024-06-02", "2024-06-03"],
    ...     "amount": [100.0, 50.0, 30.0], "stage": ["won", "lost", "open"]}))
    >>> r = account_revenue(ds.accounts, ds.interactions, pd.Index(["A"]), Settings(),
    ...                     dt.date(2024, 6, 30), True)
    >>> r[["revenue", "revenue_source", "pipeline"]].to_dict("records")
    [{'revenue': 100.0, 'revenue_source': 'amounts', 'pipeline': 30.0}]
    """
    universe = pd.Index(universe, name="account", dtype=_STRING)
    table = _first_per_key(accounts[accounts["account"].notna()], "account")
    # a negative figure (a net credit) is no revenue: r_i is never below 0
    table_revenue = table["revenue"].astype("float64").reindex(universe).clip(lower=0.0)
    amount = interactions["amount"].to_numpy(dtype="float64", na_value=np.nan)
    stage = interactions["stage"].astype(_STRING).str.strip().str.casefold()
    has_amount = ~np.isnan(amount)
    dates = pd.to_datetime(interactions["date"])
    if has_dates and as_of is not None:
        age = _age_days(dates, as_of)
        undated = np.isnan(age)
        with np.errstate(invalid="ignore"):
            in_window = undated | ((age >= 0) & (age < settings.revenue_days))
            # an open deal's date is its expected close date, often after as_of
            pipe_window = undated | (age < settings.revenue_days)
            # what is dated after as_of had not happened at as_of
            by_as_of = undated | (age >= 0)
    elif has_dates:
        in_window = np.zeros(len(interactions), dtype=bool)
        pipe_window = in_window
        by_as_of = np.ones(len(interactions), dtype=bool)
    else:
        in_window = np.ones(len(interactions), dtype=bool)
        pipe_window = in_window
        by_as_of = in_window
    # a quote with no stage is a proposal: pipeline, not revenue
    quote = interactions["kind"].astype(_STRING).eq("quote").to_numpy(dtype=bool, na_value=False)
    no_stage = stage.isna().to_numpy(dtype=bool)
    won = (no_stage & ~quote) | stage.eq("won").to_numpy(dtype=bool, na_value=False)
    is_open = stage.eq("open").to_numpy(dtype=bool, na_value=False) | (no_stage & quote)
    acc = interactions["account"].astype(_STRING)
    frame = pd.DataFrame(
        {
            "account": acc,
            "sales": np.where(has_amount & won & in_window, amount, 0.0),
            "sold": has_amount & won & by_as_of,
            "pipeline": np.where(has_amount & is_open & pipe_window, amount, 0.0),
        }
    )
    sums = frame.groupby("account", observed=True).agg(
        sales=("sales", "sum"), sold=("sold", "any"), pipeline=("pipeline", "sum")
    )
    sums = sums.reindex(universe)
    sold = sums["sold"].fillna(False).astype(bool)
    from_amounts = sums["sales"].clip(lower=0.0).where(sold)
    revenue = table_revenue.where(table_revenue.notna(), from_amounts)
    source = np.select(
        [table_revenue.notna().to_numpy(), sold.to_numpy()],
        ["accounts table", "amounts"],
        default="unknown",
    )
    if has_dates:
        dated = np.array(dates.notna().to_numpy(), dtype=bool, copy=True)
        if as_of is not None:
            dated &= (dates.dt.normalize() <= _day(as_of)).to_numpy(dtype=bool, na_value=False)
        last_contact = (
            pd.DataFrame({"account": acc, "date": dates.dt.normalize()})[dated]
            .groupby("account", observed=True)["date"]
            .max()
            .reindex(universe)
        )
    else:
        last_contact = pd.Series(pd.NaT, index=universe)
    out = pd.DataFrame(
        {
            "revenue": revenue.astype("float64"),
            "revenue_source": pd.Series(source, index=universe, dtype=_STRING),
            "pipeline": sums["pipeline"].fillna(0.0).astype("float64"),
            "owner": table["owner"].astype(_STRING).reindex(universe),
            "segment": table["segment"].astype(_STRING).reindex(universe),
            "last_contact": last_contact.astype("datetime64[ns]"),
        },
        index=universe,
    )
    return out


def revenue_basis(revenue: pd.Series) -> str:
    """Return "revenue" when at least one account's revenue is known, else "count".

    Examples
    --------
    >>> import pandas as pd
    >>> revenue_basis(pd.Series([float("nan"), 3.0])), revenue_basis(pd.Series([float("nan")]))
    ('revenue', 'count')
    """
    return "revenue" if bool(revenue.notna().any()) else "count"


def portfolio_revenue(revenue: pd.Series) -> pd.Series:
    """Return the revenue vector r_i used by every portfolio figure.

    Notes
    -----
    In "revenue" basis, unknown revenue counts 0; in "count" basis (no revenue known at all)
    every account counts 1, so portfolio figures count accounts.

    Examples
    --------
    >>> import pandas as pd
    >>> portfolio_revenue(pd.Series([float("nan"), 3.0], index=["A", "B"])).tolist()
    [0.0, 3.0]
    >>> portfolio_revenue(pd.Series([float("nan")], index=["A"])).tolist()
    [1.0]
    """
    if revenue_basis(revenue) == "count":
        return pd.Series(1.0, index=revenue.index, dtype="float64")
    return revenue.fillna(0.0).astype("float64")


def score_edges(edges: pd.DataFrame, status: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Add shares, top contacts and holders to the edges.

    Parameters
    ----------
    edges : pandas.DataFrame
        Output of :func:`add_owner_edges` (or :func:`edge_weights`).
    status : pandas.DataFrame
        Output of :func:`gone_staff`.
    settings : Settings
        Uses ``holder_ratio`` and ``min_interactions``.

    Returns
    -------
    pandas.DataFrame
        The edges with ``share`` (NaN when the account's total weight is 0), ``is_top``,
        ``is_holder`` and ``active`` (the staff member is active) columns, sorted by account,
        weight desc, staff.

    Notes
    -----
    :math:`s_{ij} = w_{ij} / \\sum_k w_{ik}`. Staff j is a top contact of i when
    :math:`w_{ij} = \\max_k w_{ik} > 0` (ties included), and a holder when
    :math:`w_{ij} > 0`, :math:`w_{ij} \\ge holder\\_ratio \\cdot \\max_k w_{ik}` and
    (:math:`c_{ij} \\ge min\\_interactions` or j is a top contact). Comparisons allow a relative
    tolerance of :data:`TIE_TOLERANCE`.

    Examples
    --------
    >>> import pandas as pd
    >>> e = pd.DataFrame({"account": ["A", "A", "A"], "staff": ["Ann", "Bob", "Cy"],
    ...                   "weight": [4.0, 2.0, 1.0], "count": [4, 2, 1],
    ...                   "last_date": pd.NaT, "owner_rule": False})
    >>> st = pd.DataFrame({"staff": ["Ann", "Bob", "Cy"], "active": [True, True, True]})
    >>> score_edges(e, st, Settings())[["staff", "share", "is_holder"]].to_dict("list")
    {'staff': ['Ann', 'Bob', 'Cy'], 'share': [0.5714285714285714, 0.2857142857142857, 0.14285714285714285], 'is_holder': [True, True, False]}
    """  # noqa: E501
    out = edges.copy()
    by_account = out.groupby("account", observed=True)["weight"]
    total = by_account.transform("sum").to_numpy(dtype="float64")
    top = by_account.transform("max").to_numpy(dtype="float64")
    weight = out["weight"].to_numpy(dtype="float64")
    positive = weight > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share"] = np.where(total > 0, weight / np.where(total > 0, total, 1.0), np.nan)
    tol = 1.0 - TIE_TOLERANCE
    out["is_top"] = positive & (weight >= top * tol)
    enough = out["count"].to_numpy() >= settings.min_interactions
    out["is_holder"] = (
        positive & (weight >= settings.holder_ratio * top * tol) & (enough | out["is_top"])
    )
    active = status.set_index("staff")["active"]
    out["active"] = out["staff"].map(active).fillna(True).astype(bool)
    out = out.sort_values(
        ["account", "weight", "staff"], ascending=[True, False, True], kind="mergesort"
    )
    return out.reset_index(drop=True)


def score_accounts(
    holders: pd.DataFrame, info: pd.DataFrame, settings: Settings | None = None
) -> pd.DataFrame:
    """Compute the per-account table: concentration, holders, bus factor and risk level.

    Parameters
    ----------
    holders : pandas.DataFrame
        Output of :func:`score_edges`.
    info : pandas.DataFrame
        Output of :func:`account_revenue`, indexed by every account of the analysis.
    settings : Settings, optional
        Unused today (kept for symmetry with the other steps).

    Returns
    -------
    pandas.DataFrame
        One row per account of ``info``, riskiest first (risk level, then r_i desc, then name),
        with the columns of the contract (docs/api-contract.md): account, revenue,
        revenue_source, revenue_share, pipeline, n_contacts, top_staff, top_share, hhi,
        effective_contacts, holders, gone_holders, bus_factor, orphaned,
        orphaned_by_departure, risk_level, last_contact, owner, segment; plus ``r`` (the
        portfolio revenue r_i, see :func:`portfolio_revenue`).

    Notes
    -----
    :math:`hhi_i = \\sum_j s_{ij}^2`, :math:`effective\\_contacts_i = 1 / hhi_i` (NaN, like
    top_share and hhi, when the account has no contact). :math:`A_i` = holders minus gone
    staff; :math:`bus\\_factor_i = |A_i|`; orphaned when 0 (an account with no contact at all is
    orphaned). ``orphaned_by_departure``: had holders, all gone. ``revenue_share`` is
    :math:`r_i / \\sum_k r_k` (1/n in count basis). Risk:

    - dormant: orphaned, with no revenue (unknown or 0) and no interaction in the window (any
      kind or weight; the owner rule counts as one): nothing to reassign now. When the window
      holds no interaction at all but the owner rule's (an owner export), there is no activity
      to judge by and no account is dormant;
    - critical: orphaned and not dormant, or :math:`bus\\_factor_i = 1` and
      :math:`r_i \\ge 10\\%` of total r;
    - high when bus factor 1; medium when 2; low otherwise.

    Dormant accounts stay orphaned and keep their r_i in every portfolio figure (in count basis
    they count 1, like every account).

    Examples
    --------
    >>> import pandas as pd
    >>> h = pd.DataFrame({"account": ["A"], "staff": ["Ann"], "weight": [1.0], "count": [1],
    ...     "share": [1.0], "is_top": [True], "is_holder": [True], "active": [True]})
    >>> info = pd.DataFrame({"revenue": [float("nan"), float("nan")],
    ...     "revenue_source": "unknown", "pipeline": 0.0, "owner": None, "segment": None,
    ...     "last_contact": pd.NaT}, index=pd.Index(["A", "B"], name="account"))
    >>> score_accounts(h, info)[["account", "bus_factor", "risk_level"]].to_dict("list")
    {'account': ['A', 'B'], 'bus_factor': [1, 0], 'risk_level': ['critical', 'dormant']}
    """
    index = pd.Index(info.index, name="account", dtype=_STRING)
    r = portfolio_revenue(info["revenue"].set_axis(index))
    total_r = float(r.sum())
    pos = holders[holders["weight"] > 0]
    grouped = pos.groupby("account", observed=True)
    n_contacts = grouped.size().reindex(index, fill_value=0).astype("int64")
    hhi = ((pos["share"] ** 2).groupby(pos["account"], observed=True).sum().reindex(index)).astype(
        "float64"
    )
    tops = pos.sort_values(["account", "is_top", "staff"], ascending=[True, False, True])
    tops = tops.drop_duplicates("account").set_index("account")
    held = holders[holders["is_holder"]]
    active_held = held[held["active"]]
    gone_held = held[~held["active"]]
    bus = active_held.groupby("account", observed=True).size().reindex(index, fill_value=0)
    bus = bus.astype("int64")
    had = held.groupby("account", observed=True).size().reindex(index, fill_value=0)
    orphaned = bus.eq(0)
    share = r / total_r if total_r > 0 else pd.Series(0.0, index=index)
    single = bus.eq(1)
    # any interaction in the window, whatever its weight (the owner rule counts as one)
    touched = holders.loc[holders["count"] > 0, "account"].astype(_STRING).unique()
    earns = pd.Series(info["revenue"].to_numpy(dtype="float64"), index=index).gt(0)
    dormant = orphaned & ~earns & ~pd.Series(index.isin(touched), index=index)
    # with nothing recorded in the window but owners (an owner export), there is no activity
    # to judge by: no account is dormant
    rule = holders.get("owner_rule", pd.Series(False, index=holders.index))
    recorded = holders["count"].to_numpy(dtype="int64") - rule.to_numpy(dtype="int64")
    if not (recorded > 0).any():
        dormant = pd.Series(False, index=index)
    critical = (orphaned & ~dormant) | (single & (share >= CRITICAL_SHARE - 1e-12) & (total_r > 0))
    risk = np.select(
        [dormant.to_numpy(), critical.to_numpy(), single.to_numpy(), bus.eq(2).to_numpy()],
        ["dormant", "critical", "high", "medium"],
        default="low",
    )
    with np.errstate(divide="ignore"):
        effective = 1.0 / hhi
    out = pd.DataFrame(
        {
            "account": index.to_numpy(),
            "revenue": info["revenue"].to_numpy(dtype="float64"),
            "revenue_source": info["revenue_source"].to_numpy(),
            "revenue_share": share.to_numpy(dtype="float64"),
            "pipeline": info["pipeline"].to_numpy(dtype="float64"),
            "n_contacts": n_contacts.to_numpy(),
            "top_staff": tops["staff"].reindex(index).to_numpy(),
            "top_share": tops["share"].reindex(index).to_numpy(dtype="float64"),
            "hhi": hhi.to_numpy(),
            "effective_contacts": effective.to_numpy(),
            "holders": _tuples(active_held, "account", "staff", index).to_numpy(),
            "gone_holders": _tuples(gone_held, "account", "staff", index).to_numpy(),
            "bus_factor": bus.to_numpy(),
            "orphaned": orphaned.to_numpy(dtype=bool),
            "orphaned_by_departure": (orphaned & had.gt(0)).to_numpy(dtype=bool),
            "risk_level": risk,
            "last_contact": info["last_contact"].to_numpy(),
            "owner": info["owner"].to_numpy(),
            "segment": info["segment"].to_numpy(),
            "r": r.to_numpy(dtype="float64"),
        }
    )
    out = out.astype(
        {
            "account": _STRING,
            "revenue_source": _STRING,
            "top_staff": _STRING,
            "risk_level": _STRING,
            "owner": _STRING,
            "segment": _STRING,
            "last_contact": "datetime64[ns]",
        }
    )
    out["_rank"] = out["risk_level"].map({k: i for i, k in enumerate(RISK_LEVELS)}).astype(int)
    out = out.sort_values(
        ["_rank", "r", "account"], ascending=[True, False, True], kind="mergesort"
    )
    return out.drop(columns="_rank").reset_index(drop=True)


def score_staff(
    holders: pd.DataFrame, accounts: pd.DataFrame, status: pd.DataFrame, staff: pd.DataFrame
) -> pd.DataFrame:
    """Compute the per-staff table.

    Parameters
    ----------
    holders : pandas.DataFrame
        Output of :func:`score_edges`.
    accounts : pandas.DataFrame
        Output of :func:`score_accounts` (uses ``account``, ``holders`` and ``r``).
    status : pandas.DataFrame
        Output of :func:`gone_staff`.
    staff : pandas.DataFrame
        The canonical staff table (role, department).

    Returns
    -------
    pandas.DataFrame
        One row per staff member, ranked by revenue_sole desc, revenue_held desc, staff, with
        columns staff, role, department, active, gone_reason, last_activity, n_accounts
        (accounts touched: weight > 0 in the window), n_held (j in A_i), n_sole (A_i = {j}),
        revenue_held, revenue_sole, revenue_weighted, accounts_sole (tuple, by r_i desc then
        name).

    Notes
    -----
    :math:`revenue\\_held_j = \\sum_{i: j \\in A_i} r_i`,
    :math:`revenue\\_sole_j = \\sum_{i: A_i = \\{j\\}} r_i` (what j alone leaving orphans),
    :math:`revenue\\_weighted_j = \\sum_i r_i s_{ij}`, with r the portfolio revenue vector.

    Examples
    --------
    >>> import pandas as pd
    >>> h = pd.DataFrame({"account": ["A"], "staff": ["Ann"], "weight": [1.0], "count": [1],
    ...     "share": [1.0], "is_top": [True], "is_holder": [True], "active": [True]})
    >>> acc = pd.DataFrame({"account": ["A"], "bus_factor": [1], "r": [5.0]})
    >>> st = pd.DataFrame({"staff": ["Ann"], "active": [True], "gone_reason": [None],
    ...                    "last_activity": [pd.NaT]})
    >>> table = pd.DataFrame({"staff": ["Ann"], "role": ["sales"], "department": [None]})
    >>> score_staff(h, acc, st, table)[["staff", "n_sole", "revenue_sole"]].to_dict("list")
    {'staff': ['Ann'], 'n_sole': [1], 'revenue_sole': [5.0]}
    """
    index = pd.Index(status["staff"], name="staff", dtype=_STRING)
    r = accounts.set_index("account")["r"]
    bus = accounts.set_index("account")["bus_factor"]
    edges = holders.assign(r=holders["account"].map(r).fillna(0.0).astype("float64"))
    edges = edges.assign(bus=edges["account"].map(bus).fillna(0).astype("int64"))
    pos = edges[edges["weight"] > 0]
    held = edges[edges["is_holder"] & edges["active"]]
    sole = held[held["bus"].eq(1)].sort_values(
        ["staff", "r", "account"], ascending=[True, False, True]
    )
    by = "staff"
    table = _first_per_key(staff[staff["staff"].notna()], "staff")
    out = pd.DataFrame(
        {
            "staff": index.to_numpy(),
            "role": table["role"].astype(_STRING).reindex(index).to_numpy(),
            "department": table["department"].astype(_STRING).reindex(index).to_numpy(),
            "active": status["active"].to_numpy(dtype=bool),
            "gone_reason": status["gone_reason"].to_numpy(),
            "last_activity": status["last_activity"].to_numpy(),
            "n_accounts": pos.groupby(by).size().reindex(index, fill_value=0).to_numpy(),
            "n_held": held.groupby(by).size().reindex(index, fill_value=0).to_numpy(),
            "n_sole": sole.groupby(by).size().reindex(index, fill_value=0).to_numpy(),
            "revenue_held": held.groupby(by)["r"].sum().reindex(index, fill_value=0.0).to_numpy(),
            "revenue_sole": sole.groupby(by)["r"].sum().reindex(index, fill_value=0.0).to_numpy(),
            "revenue_weighted": (pos["r"] * pos["share"])
            .groupby(pos["staff"])
            .sum()
            .reindex(index, fill_value=0.0)
            .to_numpy(),
            "accounts_sole": _tuples(sole, "staff", "account", index).to_numpy(),
        }
    )
    for col in ("revenue_held", "revenue_sole", "revenue_weighted"):
        out[col] = out[col].to_numpy(dtype="float64")
    out = out.astype(
        {
            "staff": _STRING,
            "role": _STRING,
            "department": _STRING,
            "gone_reason": _STRING,
            "last_activity": "datetime64[ns]",
            "n_accounts": "int64",
            "n_held": "int64",
            "n_sole": "int64",
        }
    )
    out = out.sort_values(
        ["revenue_sole", "revenue_held", "staff"],
        ascending=[False, False, True],
        kind="mergesort",
    )
    return out.reset_index(drop=True)
