"""The analysis of one dataset: tables, portfolio figures, what-if scenarios and the summary.

:func:`analyse` is the entry point; it returns an :class:`Analysis` whose properties are computed
on first access and cached. Everything follows the method of domain.md (version 1) through
:mod:`keyrisk.scoring` (per account and per staff) and :mod:`keyrisk.portfolio` (company
figures).
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from keyrisk import portfolio as pf
from keyrisk import scoring
from keyrisk.errors import UsageError
from keyrisk.graph import build_graph
from keyrisk.model import Dataset
from keyrisk.settings import Settings

__all__ = ["Analysis", "Portfolio", "analyse"]


@dataclass(frozen=True)
class Portfolio:
    """Company-level figures of an analysis.

    In "count" basis (no revenue known anywhere) every "revenue" figure counts accounts.

    Attributes
    ----------
    total_revenue : float
        Sum of r_i over every account (unknown revenue counts 0; number of accounts in count
        basis).
    n_accounts, n_staff, n_staff_active : int
        Accounts of the analysis, staff members, and those not gone.
    revenue_bus_factor, account_bus_factor : keyrisk.portfolio.BusFactor
        Fewest departures orphaning ``coverage`` of revenue, resp. of accounts.
    top_departure, top_pair : keyrisk.portfolio.Departure or None
        The single person and the pair whose departure puts the most revenue at risk.
    top_departures : pandas.DataFrame
        The ten people whose departure alone puts the most revenue at risk.
    single_holder_revenue_share : float
        Share of revenue in accounts with a bus factor of at most 1.
    orphaned_accounts : int
        Accounts already without an active holder.
    orphaned_revenue : float
        Their revenue.
    client_concentration : keyrisk.portfolio.Concentration
        Client revenue concentration.
    headline : str
        One English sentence summing up the dependency.
    """

    total_revenue: float
    n_accounts: int
    n_staff: int
    n_staff_active: int
    revenue_bus_factor: pf.BusFactor
    account_bus_factor: pf.BusFactor
    top_departure: pf.Departure | None
    top_pair: pf.Departure | None
    top_departures: pd.DataFrame
    single_holder_revenue_share: float
    orphaned_accounts: int
    orphaned_revenue: float
    client_concentration: pf.Concentration
    headline: str


def _names(names: Iterable[str]) -> str:
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _percent(share: float) -> str:
    return f"{100.0 * share:.0f}%"


def headline(bus: pf.BusFactor, single_holder_share: float, total: float, basis: str) -> str:
    """Return the one-sentence headline of an analysis.

    Parameters
    ----------
    bus : keyrisk.portfolio.BusFactor
        The revenue bus factor.
    single_holder_share : float
        Share of revenue in accounts with a bus factor of at most 1.
    total : float
        Total revenue (number of accounts in count basis).
    basis : {"revenue", "count"}
        What the figures count.

    Returns
    -------
    str
        When the revenue bus factor is 1 to 3: "62% of revenue depends on A and B", the share
        being the revenue orphaned once they leave (accounts already orphaned included).
        When it is 0: the share of revenue already orphaned. Otherwise: "41% of revenue rests
        on a single person per account". In count basis "revenue" reads "accounts". With
        nothing to analyse (total 0): "No revenue to analyse".

    Examples
    --------
    >>> from keyrisk.portfolio import BusFactor
    >>> b = BusFactor(1, ("Marie Dupont",), "exact", 1, (62.0,), 50.0, 0.0)
    >>> headline(b, 0.7, 100.0, "revenue")
    '62% of revenue depends on Marie Dupont'
    """
    what = "revenue" if basis == "revenue" else "accounts"
    if total <= 0:
        return f"No {what} to analyse"
    verb = "depends" if basis == "revenue" else "depend"
    if total > 0 and bus.value is not None and 1 <= bus.value <= 3 and bus.staff:
        people = bus.staff[: bus.value]
        reached = bus.cumulative[len(people) - 1] if bus.cumulative else bus.target
        return f"{_percent(reached / total)} of {what} {verb} on {_names(people)}"
    if total > 0 and bus.value == 0:
        verb = "is" if basis == "revenue" else "are"
        return f"{_percent(bus.already_orphaned / total)} of {what} {verb} already orphaned"
    verb = "rests" if basis == "revenue" else "rest"
    return f"{_percent(single_holder_share)} of {what} {verb} on a single person per account"


def _json(value: Any) -> Any:
    """Return ``value`` as plain JSON data (no numpy types, NaN -> None)."""
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, pd.Timestamp | dt.date):
        return None if pd.isna(value) else value.isoformat()[:10]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    return value


def _bus_dict(bus: pf.BusFactor) -> dict[str, Any]:
    return {
        "value": bus.value,
        "staff": list(bus.staff),
        "method": bus.method,
        "lower_bound": bus.lower_bound,
        "target": bus.target,
        "cumulative": list(bus.cumulative),
        "already_orphaned": bus.already_orphaned,
    }


def _departure_dict(dep: pf.Departure | None) -> dict[str, Any] | None:
    if dep is None:
        return None
    return {
        "staff": list(dep.leave),
        "revenue_at_risk": dep.revenue_at_risk,
        "share": dep.share,
        "newly_orphaned": list(dep.newly_orphaned),
    }


class Analysis:
    """The scored analysis of one dataset (build it with :func:`analyse`).

    Every property is computed on first access and cached. Names in every table are shown as
    in the data. ``as_of`` is None only when the data has no date at all and none was given
    (no window, no decay, no inactivity rule then).

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk.model import Dataset
    >>> ds = Dataset.from_frames(pd.DataFrame({"account": ["A", "B"], "staff": ["Ann", "Bob"]}))
    >>> a = analyse(ds)
    >>> a.accounts[["account", "bus_factor"]].to_dict("list")
    {'account': ['A', 'B'], 'bus_factor': [1, 1]}
    >>> a.whatif(["ann"]).newly_orphaned
    ('A',)
    """

    def __init__(self, dataset: Dataset, settings: Settings) -> None:
        self._dataset = dataset
        self._settings = settings

    # --- inputs -------------------------------------------------------------------------
    @property
    def dataset(self) -> Dataset:
        """The analysed dataset."""
        return self._dataset

    @property
    def settings(self) -> Settings:
        """The parameters of the method."""
        return self._settings

    @cached_property
    def as_of(self) -> dt.date | None:
        """The day the analysis describes (None when the data has no date at all)."""
        return scoring.resolve_as_of(self._dataset, self._settings)

    # --- scoring ------------------------------------------------------------------------
    @cached_property
    def _edges(self) -> pd.DataFrame:
        ds = self._dataset
        edges = scoring.edge_weights(ds.interactions, self._settings, self.as_of, ds.has_dates)
        return scoring.add_owner_edges(edges, ds.accounts)

    @cached_property
    def _status(self) -> pd.DataFrame:
        ds = self._dataset
        return scoring.gone_staff(
            ds.staff, ds.interactions, ds.accounts, self._settings, self.as_of, ds.has_dates
        )

    @cached_property
    def _scored_edges(self) -> pd.DataFrame:
        return scoring.score_edges(self._edges, self._status, self._settings)

    @cached_property
    def _info(self) -> pd.DataFrame:
        ds = self._dataset
        table = ds.accounts["account"].dropna().astype("string")
        universe = pd.Index(
            pd.concat([table, self._edges["account"].astype("string")]).unique(),
            dtype="string",
        )
        return scoring.account_revenue(
            ds.accounts, ds.interactions, universe, self._settings, self.as_of, ds.has_dates
        )

    @cached_property
    def _accounts(self) -> pd.DataFrame:
        return scoring.score_accounts(self._scored_edges, self._info, self._settings)

    @cached_property
    def revenue_basis(self) -> str:
        """ "revenue" when money is known for at least one account, else "count"."""
        return scoring.revenue_basis(self._info["revenue"])

    @cached_property
    def accounts(self) -> pd.DataFrame:
        """One row per account, riskiest first (see docs/api-contract.md for the columns)."""
        return self._accounts.drop(columns="r")

    @cached_property
    def staff(self) -> pd.DataFrame:
        """One row per staff member, ranked by revenue held alone, then revenue held."""
        return scoring.score_staff(
            self._scored_edges, self._accounts, self._status, self._dataset.staff
        )

    @cached_property
    def holders(self) -> pd.DataFrame:
        """Every (account, staff) edge: weight, count, share, is_holder, active, last_date..."""
        cols = [
            "account",
            "staff",
            "weight",
            "count",
            "share",
            "is_holder",
            "active",
            "is_top",
            "last_date",
            "owner_rule",
        ]
        return self._scored_edges[cols].copy()

    @cached_property
    def graph(self) -> nx.Graph:
        """The relationship graph (see :func:`keyrisk.graph.build_graph`)."""
        return build_graph(self.holders, self.accounts, self.staff)

    # --- portfolio ----------------------------------------------------------------------
    @cached_property
    def _revenue(self) -> pd.Series:
        acc = self._accounts
        return pd.Series(
            acc["r"].to_numpy(dtype="float64"),
            index=pd.Index(acc["account"].to_numpy(dtype=object), name="account"),
            name="revenue",
        )

    @cached_property
    def _pipeline(self) -> pd.Series:
        acc = self._accounts
        return pd.Series(acc["pipeline"].to_numpy(dtype="float64"), index=self._revenue.index)

    @cached_property
    def _orphaned(self) -> pd.Series:
        acc = self._accounts
        return pd.Series(acc["orphaned"].to_numpy(dtype=bool), index=self._revenue.index)

    @cached_property
    def _active_holders(self) -> pd.DataFrame:
        e = self._scored_edges
        chosen = e[e["is_holder"] & e["active"]]
        return pd.DataFrame(
            {
                "account": chosen["account"].to_numpy(dtype=object),
                "staff": chosen["staff"].to_numpy(dtype=object),
            }
        )

    @cached_property
    def portfolio(self) -> Portfolio:
        """Company figures: bus factors, top departures, concentration, headline."""
        s = self._settings
        revenue = self._revenue
        holders = self._active_holders
        orphaned = self._orphaned
        total = float(revenue.sum())
        rev_bus = pf.bus_factor(
            holders, revenue, orphaned, coverage=s.coverage, time_limit=s.exact_time_limit
        )
        ones = pd.Series(1.0, index=revenue.index, name="revenue")
        acc_bus = pf.bus_factor(
            holders, ones, orphaned, coverage=s.coverage, time_limit=s.exact_time_limit
        )
        tops = pf.top_departures(holders, revenue, n=10)
        top_one: pf.Departure | None = None
        if len(tops):
            top_one = pf.departure(
                holders, revenue, [str(tops["staff"].iloc[0])], pipeline=self._pipeline
            )
        pair = pf.top_pair(holders, revenue)
        if pair is not None:  # the same departure, with its open pipeline
            pair = pf.departure(holders, revenue, list(pair.leave), pipeline=self._pipeline)
        bus = pd.Series(self._accounts["bus_factor"].to_numpy(), index=revenue.index)
        single = float(pf.single_holder_share(bus, revenue))
        status = self._status
        return Portfolio(
            total_revenue=total,
            n_accounts=len(revenue),
            n_staff=len(status),
            n_staff_active=int(status["active"].sum()),
            revenue_bus_factor=rev_bus,
            account_bus_factor=acc_bus,
            top_departure=top_one,
            top_pair=pair,
            top_departures=tops,
            single_holder_revenue_share=single,
            orphaned_accounts=int(orphaned.sum()),
            orphaned_revenue=float(revenue[orphaned].sum()),
            client_concentration=pf.client_concentration(revenue),
            headline=headline(rev_bus, single, total, self.revenue_basis),
        )

    # --- scenarios ----------------------------------------------------------------------
    def _resolve(self, names: Iterable[str]) -> list[str]:
        status = self._status
        known = status["staff"].astype(str).tolist()
        by_fold = dict(zip((k.casefold() for k in known), known, strict=True))
        gone = dict(
            zip(
                status["staff"].astype(str),
                status["gone_reason"].astype(object).where(~status["active"], None),
                strict=True,
            )
        )
        out: list[str] = []
        for raw in names:
            if not isinstance(raw, str) or not raw.strip():
                raise UsageError(f"A staff name must be a non-empty string; got {raw!r}.")
            name = by_fold.get(raw.strip().casefold())
            if name is None:
                close = difflib.get_close_matches(raw, known, n=5, cutoff=0.0)
                hint = f" Closest names: {', '.join(close)}." if close else ""
                raise UsageError(f"Unknown staff member {raw!r}.{hint}")
            if gone.get(name) is not None:
                raise UsageError(f"{name!r} has already left ({gone[name]}) as of {self.as_of}.")
            if name not in out:
                out.append(name)
        return out

    def whatif(self, leave: Iterable[str] | str) -> pf.Departure:
        """Return what happens when some active staff members leave.

        Parameters
        ----------
        leave : str or iterable of str
            Staff names, matched case-insensitively.

        Returns
        -------
        keyrisk.portfolio.Departure
            Newly orphaned and weakened accounts, revenue and pipeline at risk.

        Raises
        ------
        UsageError
            When a name is unknown (the message lists up to 5 closest names) or already gone.
        """
        names = self._resolve([leave] if isinstance(leave, str) else leave)
        return pf.departure(self._active_holders, self._revenue, names, pipeline=self._pipeline)

    # --- output -------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        """Return the content of summary.json (plain JSON data: no NaN, no numpy types)."""
        p = self.portfolio
        c = p.client_concentration
        large = c.large_clients
        out = {
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "n_accounts": p.n_accounts,
            "n_staff": p.n_staff,
            "n_staff_active": p.n_staff_active,
            "total_revenue": p.total_revenue,
            "revenue_known": self.revenue_basis == "revenue",
            "revenue_basis": self.revenue_basis,
            "revenue_bus_factor": _bus_dict(p.revenue_bus_factor),
            "account_bus_factor": _bus_dict(p.account_bus_factor),
            "top_departure": _departure_dict(p.top_departure),
            "top_pair": _departure_dict(p.top_pair),
            "single_holder_revenue_share": p.single_holder_revenue_share,
            "orphaned_accounts": p.orphaned_accounts,
            "orphaned_revenue": p.orphaned_revenue,
            "client_concentration": {
                "hhi": c.hhi,
                "us_2023_band": c.us_2023_band,
                "eu_2004_band": c.eu_2004_band,
                "top1_share": c.top1_share,
                "top5_share": c.top5_share,
                "elephant_factor": c.elephant_factor,
                "large_clients": [
                    {"account": a, "revenue": r, "share": s}
                    for a, r, s in zip(
                        large["account"].astype(object),
                        large["revenue"].astype(object),
                        large["share"].astype(object),
                        strict=True,
                    )
                ],
            },
            "risk_levels": {
                level: int((self.accounts["risk_level"] == level).sum())
                for level in scoring.RISK_LEVELS
            },
            "rows": self._dataset.report.rows.as_dict(),
            "settings": self._settings.as_dict(),
            "headline": p.headline,
        }
        result: dict[str, Any] = _json(out)
        return result

    def __repr__(self) -> str:
        p = self.portfolio
        bus = p.revenue_bus_factor
        return (
            f"<Analysis as_of={self.as_of} accounts={p.n_accounts} staff={p.n_staff} "
            f"({p.n_staff_active} active) revenue_bus_factor={bus.value} ({bus.method}): "
            f"{p.headline}>"
        )

    def _repr_html_(self) -> str:
        esc = html.escape
        p = self.portfolio
        unit = "revenue" if self.revenue_basis == "revenue" else "accounts"
        bus = p.revenue_bus_factor
        figures = [
            ("as of", str(self.as_of) if self.as_of else "no dates"),
            ("accounts", f"{p.n_accounts} ({p.orphaned_accounts} orphaned)"),
            ("staff", f"{p.n_staff} ({p.n_staff_active} active)"),
            (f"total {unit}", f"{p.total_revenue:,.0f}"),
            (
                f"{unit} bus factor",
                f"{bus.value if bus.value is not None else 'not reached'} ({bus.method})"
                + (f": {', '.join(bus.staff[: bus.value or 0])}" if bus.value else ""),
            ),
            ("single-holder share", _percent(p.single_holder_revenue_share)),
        ]
        rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in figures)

        def table(frame: pd.DataFrame, cols: list[str]) -> str:
            head = "".join(f"<th>{esc(c)}</th>" for c in cols)
            body = []
            for rec in frame[cols].head(10).astype(object).itertuples(index=False):
                cells = []
                for v in rec:
                    if isinstance(v, tuple):
                        text = ", ".join(map(str, v))
                    elif v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
                        text = ""
                    elif isinstance(v, float):
                        text = f"{v:,.2f}"
                    else:
                        text = str(v)
                    cells.append(f"<td>{esc(text)}</td>")
                body.append("<tr>" + "".join(cells) + "</tr>")
            return f"<table><tr>{head}</tr>{''.join(body)}</table>"

        acc_cols = ["account", "risk_level", "revenue", "bus_factor", "holders", "top_staff"]
        staff_cols = ["staff", "active", "n_held", "n_sole", "revenue_held", "revenue_sole"]
        return (
            '<div class="keyrisk-analysis">'
            f"<p><strong>{esc(p.headline)}</strong></p>"
            f"<table>{rows}</table>"
            "<h4>Riskiest accounts</h4>"
            f"{table(self.accounts, acc_cols)}"
            "<h4>Staff</h4>"
            f"{table(self.staff, staff_cols)}"
            "</div>"
        )


def _config_params(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters from a configuration file, with ``"none"`` meaning no decay."""
    out = dict(params)
    if isinstance(out.get("half_life_days"), str) and out["half_life_days"].lower() == "none":
        out["half_life_days"] = None
    return out


def analyse(dataset: Dataset, settings: Settings | None = None, **params: Any) -> Analysis:
    """Score a dataset.

    Parameters
    ----------
    dataset : keyrisk.model.Dataset
        The canonical tables (from :func:`keyrisk.load` or :meth:`Dataset.from_frames`).
    settings : Settings, optional
        The parameters. When omitted: the defaults of the method, changed by the
        configuration file's ``[analysis]`` and ``[kind_weights]`` (``dataset.settings``).
    **params
        Parameters overriding ``settings`` fields (``holder_ratio=0.6``...).

    Returns
    -------
    Analysis
        Computed lazily: nothing runs until a property is read.

    Raises
    ------
    UsageError
        For an unknown or invalid parameter, or when ``dataset`` is not a Dataset.

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk.model import Dataset
    >>> ds = Dataset.from_frames(pd.DataFrame({"account": ["A"], "staff": ["Ann"]}))
    >>> analyse(ds, holder_ratio=0.6).settings.holder_ratio
    0.6
    """
    if not isinstance(dataset, Dataset):
        raise UsageError(f"analyse() needs a keyrisk Dataset; got {type(dataset).__name__}.")
    if settings is None:
        settings = Settings(**_config_params(dataset.settings))
    elif not isinstance(settings, Settings):
        raise UsageError(f"settings must be a keyrisk Settings; got {type(settings).__name__}.")
    if params:
        settings = settings.replace(**params)
    return Analysis(dataset, settings)
