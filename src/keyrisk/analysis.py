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
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import pandas as pd

from keyrisk import portfolio as pf
from keyrisk import scoring
from keyrisk._html import frame_table
from keyrisk.errors import UsageError
from keyrisk.graph import build_graph
from keyrisk.ingest.values import fold
from keyrisk.layers import continuity_layers, note_authors
from keyrisk.model import Dataset
from keyrisk.plan import Figures, Plan, continuity_plan
from keyrisk.settings import Settings
from keyrisk.signals import Signals, weak_signals
from keyrisk.simulation import Simulation, leave_probabilities, simulate

if TYPE_CHECKING:
    from keyrisk.adoption import Adoption
    from keyrisk.caveats import Caveat

__all__ = ["Analysis", "Headline", "Portfolio", "analyse", "headline", "headline_facts"]


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
    headline_facts : Headline
        The facts the headline is rendered from, in any language.
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
    headline_facts: Headline


def _name_key(name: str) -> str:
    """The form names are matched on: folded (NFKC, case), accents dropped (NFKD), single spaces.

    Examples
    --------
    >>> _name_key("  Jean   LEFÈVRE ")
    'jean lefevre'
    """
    folded = unicodedata.normalize("NFKD", fold(" ".join(name.split())))
    return "".join(c for c in folded if not unicodedata.combining(c))


def _percent(share: float, decimals: int = 0) -> str:
    return f"{100.0 * share:.{decimals}f}%"


#: Headline kinds: nothing to analyse, already orphaned beyond the coverage, 1 to 3 people,
#: otherwise the share resting on one person (and on nobody).
HEADLINE_KINDS = ("empty", "already", "depends", "single")


@dataclass(frozen=True)
class Headline:
    """The facts of the one-sentence headline, rendered in each language from these fields.

    Attributes
    ----------
    kind : {"empty", "already", "depends", "single"}
        "empty": no revenue (or no account) to analyse. "already": the accounts already
        orphaned reach the coverage target (bus factor 0). "depends": 1 to 3 people whose
        departure orphans the target. "single": any other case.
    basis : {"revenue", "count"}
        What the shares count.
    share : float
        The main figure: the share orphaned once ``people`` leave, already-orphaned accounts
        included ("depends"); the share already orphaned ("already"); the share of accounts
        with exactly one active holder ("single"); 0 ("empty").
    people : tuple of str
        The people of a "depends" headline, in the order they leave.
    already_orphaned_share : float
        Share of the accounts that have no active holder already.
    one_holder_share, no_holder_share : float
        Shares of the accounts with exactly one active holder, and with none.
    method : str
        How the revenue bus factor was obtained ("exact", "greedy upper bound", "trivial").

    Examples
    --------
    >>> h = Headline("depends", "revenue", 0.538, ("Ann",), 0.011, 0.7, 0.011, "exact")
    >>> h.newly_share, h.shown_shares()
    (0.527, (0.538, 0.011))
    """

    kind: str
    basis: str
    share: float
    people: tuple[str, ...]
    already_orphaned_share: float
    one_holder_share: float
    no_holder_share: float
    method: str

    @property
    def newly_share(self) -> float:
        """Share newly orphaned by the departure of ``people`` (their top-departure figure)."""
        return round(max(self.share - self.already_orphaned_share, 0.0), 12)

    @property
    def mentions_orphaned(self) -> bool:
        """True when a "depends" headline states the already-orphaned part (0.1 % or more)."""
        return self.kind == "depends" and round(100.0 * self.already_orphaned_share, 1) > 0

    def shown_shares(self, decimals: int = 1) -> tuple[float, float]:
        """Return (share, already-orphaned share) rounded so that they reconcile.

        The share shown is the rounded newly orphaned share plus the rounded already-orphaned
        share, so "53.8% ..., including 1.1% already orphaned" leaves exactly the 52.7% of the
        same people's departure.
        """
        already = round(self.already_orphaned_share, decimals + 2)
        newly = round(self.newly_share, decimals + 2)
        return round(newly + already, decimals + 2), already


def headline_facts(
    bus: pf.BusFactor,
    one_holder_share: float,
    no_holder_share: float,
    total: float,
    basis: str,
) -> Headline:
    """Return the facts of the headline: the one rule behind it, in every language.

    Parameters
    ----------
    bus : keyrisk.portfolio.BusFactor
        The revenue bus factor.
    one_holder_share, no_holder_share : float
        Shares of revenue (of accounts in count basis) in accounts with exactly one active
        holder, and with none.
    total : float
        Total revenue (number of accounts in count basis).
    basis : {"revenue", "count"}
        What the figures count.

    Returns
    -------
    Headline
        "empty" when the total is 0; "already" when the bus factor is 0; "depends" when it is 1
        to 3; "single" otherwise.

    Notes
    -----
    depends: share = cumulative_k / total with k = bus factor (already-orphaned revenue
    included); already: share = already_orphaned / total; single: share = one_holder_share.
    A headline never overstates: the share resting on one person counts the accounts with
    exactly one active holder, those with none are stated apart.

    Examples
    --------
    >>> from keyrisk.portfolio import BusFactor
    >>> b = BusFactor(1, ("Marie Dupont",), "exact", 1, (62.0,), 50.0, 0.0)
    >>> headline_facts(b, 0.7, 0.0, 100.0, "revenue").kind
    'depends'
    """
    already = float(bus.already_orphaned / total) if total > 0 else 0.0

    def facts(kind: str, share: float, people: tuple[str, ...] = ()) -> Headline:
        return Headline(
            kind,
            basis,
            float(share),
            people,
            already,
            float(one_holder_share),
            float(no_holder_share),
            bus.method,
        )

    if total <= 0:
        return facts("empty", 0.0)
    if bus.value == 0:
        return facts("already", already)
    if bus.value is not None and 1 <= bus.value <= 3 and bus.staff:
        people = tuple(bus.staff[: bus.value])
        reached = bus.cumulative[len(people) - 1] if bus.cumulative else bus.target
        return facts("depends", reached / total, people)
    return facts("single", one_holder_share)


def headline(facts: Headline, lang: str = "en") -> str:
    """Return the headline in ``lang`` (English by default), worded from its facts.

    Parameters
    ----------
    facts : Headline
        From :func:`headline_facts`.
    lang : str, default "en"
        A language of :data:`keyrisk.i18n.LANGS`; the words are the catalogues' ``headline.*``.

    Returns
    -------
    str
        "depends": "62.0% of revenue depends on A and B", followed by ", including 1.1% already
        orphaned" when some accounts are (the shares rounded so that they reconcile with the
        people's departure figure). "already": "55.0% of revenue is already orphaned".
        "single": "41.0% of revenue rests on a single person per account", followed by " and
        18.0% has no active holder" when some accounts have none ("82.0% of accounts rest on a
        single person..." in count basis). With nothing to analyse: "No revenue to analyse".
        Shares have :data:`keyrisk.i18n.PERCENT_DECIMALS` decimals, as in the report's cells.

    Examples
    --------
    >>> from keyrisk.portfolio import BusFactor
    >>> b = BusFactor(1, ("Marie Dupont",), "exact", 1, (62.0,), 50.0, 0.0)
    >>> headline(headline_facts(b, 0.7, 0.0, 100.0, "revenue"))
    '62.0% of revenue depends on Marie Dupont'
    >>> b = BusFactor(2, ("A", "B"), "exact", 2, (40.0, 53.8), 50.0, 1.1)
    >>> headline(headline_facts(b, 0.7, 0.011, 100.0, "revenue"), "fr").replace("\\xa0", " ")
    "53,8 % du chiffre d'affaires repose sur A et B, dont 1,1 % déjà orphelin"
    >>> b = BusFactor(5, ("A", "B", "C", "D", "E"), "exact", 5, (), 61.0, 22.0)
    >>> headline(headline_facts(b, 100 / 122, 22 / 122, 122.0, "count"))
    '82.0% of accounts rest on a single person and 18.0% have no active holder'
    """
    from keyrisk.i18n import PERCENT_DECIMALS, check_lang, join_names, percent, t

    lang = check_lang(lang)
    suffix = ".count" if facts.basis != "revenue" else ""
    if facts.kind == "empty":
        return t("headline.none" + suffix, lang)
    if facts.kind == "already":
        return t("headline.orphaned" + suffix, lang, share=percent(facts.share, lang))
    if facts.kind == "depends":
        people = join_names(list(facts.people), lang)
        if facts.mentions_orphaned:
            share, already = facts.shown_shares(PERCENT_DECIMALS)
            return t(
                "headline.depends_including" + suffix,
                lang,
                share=percent(share, lang),
                people=people,
                already=percent(already, lang),
            )
        return t("headline.depends" + suffix, lang, share=percent(facts.share, lang), people=people)
    one, none = facts.one_holder_share, facts.no_holder_share
    if one <= 0 and none <= 0:
        return t("headline.single_nobody" + suffix, lang)
    if one <= 0:
        return t("headline.no_holder" + suffix, lang, share=percent(none, lang))
    if none > 0:
        return t(
            "headline.single_and_none" + suffix,
            lang,
            share=percent(one, lang),
            none=percent(none, lang),
        )
    return t("headline.single" + suffix, lang, share=percent(one, lang))


def _share_where(revenue: pd.Series, mask: pd.Series, total: float) -> float:
    """Share of ``total`` in the accounts where ``mask`` holds (revenue below 0 counts 0)."""
    if total <= 0:
        return 0.0
    values = revenue.clip(lower=0.0).fillna(0.0).to_numpy(dtype="float64")
    return float(values[mask.to_numpy(dtype=bool)].sum()) / total


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


def _headline_dict(h: Headline) -> dict[str, Any]:
    return {
        "kind": h.kind,
        "basis": h.basis,
        "share": h.share,
        "people": list(h.people),
        "already_orphaned_share": h.already_orphaned_share,
        "one_holder_share": h.one_holder_share,
        "no_holder_share": h.no_holder_share,
        "method": h.method,
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
        rev_bus, acc_bus = pf.bus_factors(  # the accounts grouped once for both
            holders, revenue, orphaned, coverage=s.coverage, time_limit=s.exact_time_limit
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
        facts = headline_facts(
            rev_bus,
            _share_where(revenue, bus.eq(1), total),
            _share_where(revenue, bus.eq(0), total),
            total,
            self.revenue_basis,
        )
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
            headline=headline(facts),
            headline_facts=facts,
        )

    # --- scenarios ----------------------------------------------------------------------
    def _resolve(self, names: Iterable[str]) -> list[str]:
        status = self._status
        known = status["staff"].astype(str).tolist()
        by_fold = dict(zip((fold(k) for k in known), known, strict=True))
        by_key: dict[str, list[str]] = {}
        for k in known:
            by_key.setdefault(_name_key(k), []).append(k)
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
            typed = " ".join(raw.split())
            name = by_fold.get(fold(typed))
            if name is None:
                matches = by_key.get(_name_key(typed), [])
                if len(matches) > 1:
                    listed = ", ".join(repr(m) for m in sorted(matches))
                    raise UsageError(
                        f"{typed!r} may be several staff members: {listed}; "
                        "write the name as it is in the data."
                    )
                name = matches[0] if matches else None
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
            Staff names, matched as written, else case-insensitively, else on their
            :func:`_name_key` (no accents, no case, single spaces) when it is unambiguous.

        Returns
        -------
        keyrisk.portfolio.Departure
            Newly orphaned and weakened accounts, revenue and pipeline at risk; ``leave`` holds
            the names as in the data, in the order given, without duplicates.

        Raises
        ------
        UsageError
            When a name is unknown (the message lists up to 5 closest names), matches several
            people once accents are ignored (the message lists them), or is already gone.
        """
        names = self._resolve([leave] if isinstance(leave, str) else leave)
        result = pf.departure(self._active_holders, self._revenue, names, pipeline=self._pipeline)
        return replace(result, leave=tuple(names))

    @cached_property
    def caveats(self) -> list[Caveat]:
        """The data-coverage caveats (:class:`keyrisk.caveats.Caveat`) the data deserves."""
        from keyrisk.caveats import find_caveats

        return find_caveats(self)

    # --- continuity plan, layers, weak signals, simulation ------------------------------
    @cached_property
    def figures(self) -> Figures:
        """The portfolio figures a plan is judged by (summary.json's top level has them too).

        Returns
        -------
        keyrisk.plan.Figures
            Taken from :attr:`portfolio`; :meth:`Figures.as_dict` gives the keys and values of
            summary.json's top level and of its ``plan.before`` and ``plan.after``.
        """
        p = self.portfolio
        return Figures(
            revenue_bus_factor=p.revenue_bus_factor,
            account_bus_factor=p.account_bus_factor,
            single_holder_revenue_share=p.single_holder_revenue_share,
            orphaned_accounts=p.orphaned_accounts,
            orphaned_revenue=p.orphaned_revenue,
            top_departure=p.top_departure,
            top_pair=p.top_pair,
        )

    @cached_property
    def _plans(self) -> dict[tuple[Any, ...], Plan]:
        return {}

    def plan(
        self,
        leave: Iterable[str] | str | None = None,
        *,
        max_new_backups: int | None = None,
        capacity_ratio: float | None = None,
    ) -> Plan:
        """Return the continuity plan: a backup for every account with at most one holder.

        Parameters
        ----------
        leave : str or iterable of str, optional
            A departure scenario (names matched case-insensitively): their accounts are planned
            as if they had left, and they are never proposed.
        max_new_backups, capacity_ratio : optional
            Override the settings of the same name.

        Returns
        -------
        keyrisk.plan.Plan
            See :func:`keyrisk.plan.continuity_plan`. Cached per set of arguments.
        """
        s = self._settings
        names = tuple(sorted(self._resolve([leave] if isinstance(leave, str) else leave or [])))
        mnb = s.max_new_backups if max_new_backups is None else max_new_backups
        ratio = s.capacity_ratio if capacity_ratio is None else capacity_ratio
        s.replace(max_new_backups=mnb, capacity_ratio=ratio)  # validates them
        key = (names, mnb, float(ratio))
        if key not in self._plans:
            before = None if names else self.figures
            self._plans[key] = continuity_plan(
                self.holders,
                self.accounts,
                self.staff,
                self._revenue,
                leave=names,
                max_new_backups=mnb,
                capacity_ratio=ratio,
                coverage=s.coverage,
                time_limit=s.exact_time_limit,
                pipeline=self._pipeline,
                before=before,
            )
        return self._plans[key]

    @cached_property
    def _notes(self) -> pd.DataFrame | None:
        ds = self._dataset
        carried = any(
            f.role == "interactions" and "note" in f.mapping for f in ds.report.files
        ) or bool(ds.interactions["note"].notna().any())
        if not carried:
            return None
        return note_authors(ds.interactions, self._settings, self.as_of, ds.has_dates)

    @cached_property
    def layers(self) -> pd.DataFrame:
        """The four layers of continuity per account (see :mod:`keyrisk.layers`).

        The organisational layer counts the backups proposed by :meth:`plan` (default
        arguments).
        """
        return continuity_layers(
            self.accounts,
            self.holders,
            self.staff,
            self._notes,
            as_of=self.as_of,
            owner_known=bool(self._dataset.accounts["owner"].notna().any()),
            revenue_known=self.revenue_basis == "revenue",
            proposals=self.plan().assignments,
        )

    @cached_property
    def signals(self) -> Signals:
        """The weak signals (see :mod:`keyrisk.signals`)."""
        ds = self._dataset
        return weak_signals(
            staff=self.staff,
            staff_table=ds.staff,
            accounts=self.accounts,
            edges=self.holders,
            interactions=ds.interactions,
            holders=self._active_holders,
            revenue=self._revenue,
            notes=self._notes,
            as_of=self.as_of,
            revenue_known=self.revenue_basis == "revenue",
            newcomer_days=self._settings.window_days,
        )

    def simulate(
        self,
        *,
        draws: int | None = None,
        seed: int | None = None,
        turnover_rate: float | None = None,
        plan: Plan | bool = True,
    ) -> Simulation:
        """Simulate a year of departures: revenue at risk without and with the plan.

        Parameters
        ----------
        draws, seed, turnover_rate : optional
            Override the settings of the same name. A staff table's ``leave_probability``
            column overrides the turnover rate per person.
        plan : Plan or bool, default True
            The plan to compare with: True for :meth:`plan` with its default arguments, False
            for none.

        Returns
        -------
        keyrisk.simulation.Simulation
            Cached per set of arguments (when ``plan`` is True or False): a report computes it
            once.
        """
        s = self._settings
        checked = s.replace(
            draws=s.draws if draws is None else draws,
            seed=s.seed if seed is None else seed,
            turnover_rate=s.turnover_rate if turnover_rate is None else turnover_rate,
        )
        cached = plan is True or plan is False or plan is None  # a given Plan is not cached
        key = (checked.draws, checked.seed, checked.turnover_rate, plan is True)
        if cached and key in self._simulations:
            return self._simulations[key]
        p = leave_probabilities(self.staff, checked.turnover_rate, self._dataset.staff)
        chosen = self.plan() if plan is True else (plan or None)
        result = simulate(
            self._active_holders,
            self._revenue,
            p,
            holders_with_plan=None if chosen is None else chosen.holders_after,
            draws=checked.draws,
            seed=checked.seed,
        )
        if cached:
            self._simulations[key] = result
        return result

    @cached_property
    def _simulations(self) -> dict[tuple[Any, ...], Simulation]:
        return {}

    # --- output -------------------------------------------------------------------------
    def summary(self, lang: str = "en") -> dict[str, Any]:
        """Return the content of summary.json (plain JSON data: no NaN, no numpy types).

        Parameters
        ----------
        lang : {"en", "fr"}, default "en"
            Language of the ``warnings`` messages (the headline stays in English here; the
            report writes it in its own language).

        Returns
        -------
        dict
            Every portfolio figure, the headline and its facts, and ``warnings``: a list of
            ``{"code", "message"}`` (see :mod:`keyrisk.caveats`).
        """
        from keyrisk.caveats import as_dicts

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
            # the figures of the plan's before and after, by the same function
            **self.figures.as_dict(),
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
            "headline_facts": _headline_dict(p.headline_facts),
            "warnings": as_dicts(self.caveats, lang),
        }
        result: dict[str, Any] = _json(out)
        return result

    def __repr__(self) -> str:
        p = self.portfolio
        bus = p.revenue_bus_factor
        return (
            f"<Analysis as_of={self.as_of} accounts={p.n_accounts} staff={p.n_staff} "
            f"({p.n_staff_active} active) revenue_bus_factor={bus.value} ({bus.label}): "
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
                f"{bus.value if bus.value is not None else 'not reached'} ({bus.label})"
                + (f": {', '.join(bus.staff[: bus.value or 0])}" if bus.value else ""),
            ),
            ("single-holder share", _percent(p.single_holder_revenue_share)),
        ]
        rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in figures)

        acc_cols = ["account", "risk_level", "revenue", "bus_factor", "holders", "top_staff"]
        staff_cols = ["staff", "active", "n_held", "n_sole", "revenue_held", "revenue_sole"]
        return (
            '<div class="keyrisk-analysis">'
            f"<p><strong>{esc(p.headline)}</strong></p>"
            f"<table>{rows}</table>"
            "<h4>Riskiest accounts</h4>"
            f"{frame_table(self.accounts, acc_cols, 10)}"
            "<h4>Staff</h4>"
            f"{frame_table(self.staff, staff_cols, 10)}"
            "</div>"
        )

    # --- trend and CRM adoption (keyrisk.trend, keyrisk.adoption) -----------------------
    def trend(self, last: int | None = None) -> pd.DataFrame:
        """Return the key figures at each quarter end of the data.

        See :func:`keyrisk.trend.quarterly_trend`: this analysis is reused for the last point,
        and the table is cached per ``last``.
        """
        from keyrisk.trend import quarterly_trend

        cache: dict[int | None, pd.DataFrame] = self.__dict__.setdefault("_trend_cache", {})
        if last not in cache:
            cache[last] = quarterly_trend(self._dataset, self._settings, last=last, current=self)
        return cache[last]

    def adoption(
        self,
        since: dt.date | str | None = None,
        *,
        kinds: Iterable[str] | None = None,
    ) -> Adoption:
        """Return the CRM adoption audit up to this analysis' ``as_of``.

        See :func:`keyrisk.adoption.crm_adoption` (``since``: the roll-out date, default the
        first logged month; ``kinds``: the kinds that count as logged). Cached per arguments.
        """
        from keyrisk.adoption import crm_adoption

        key = (None if since is None else str(since), None if kinds is None else tuple(kinds))
        cache: dict[Any, Adoption] = self.__dict__.setdefault("_adoption_cache", {})
        if key not in cache:
            ds = self._dataset
            cache[key] = crm_adoption(
                ds.interactions, ds.staff, since=since, as_of=self.as_of, kinds=kinds
            )
        return cache[key]


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
