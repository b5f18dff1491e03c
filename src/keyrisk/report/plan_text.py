"""The continuity plan in the report's words: plan.csv's table, summary.json's objects and the
console table of ``keyrisk plan``.

The library (:mod:`keyrisk.plan`, :mod:`keyrisk.layers`, :mod:`keyrisk.simulation`) gives the
facts with English words; here the evidence of each backup and the reason of each account left
unassigned are worded again from those facts in the report's language, and codes (``effort``,
``reason_code``, layer statuses) stay stable English codes for scripts.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from keyrisk.report import labels as lb

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis
    from keyrisk.plan import Plan
    from keyrisk.simulation import Simulation

__all__ = [
    "LAYER_COLUMNS",
    "PLAN_COLUMNS",
    "SIGNAL_COLUMNS",
    "evidence",
    "format_plan",
    "layers_dict",
    "plan_dict",
    "plan_frame",
    "plan_headline",
    "reason",
    "simulation_dict",
]

#: Columns of plan.csv, in order (the script contract: docs/api-contract.md).
PLAN_COLUMNS: Final = [
    "account",
    "holders",
    "backup",
    "revenue",
    "risk_level",
    "bus_factor",
    "gone_holders",
    "owner",
    "proposed_owner",
    "effort",
    "familiarity",
    "why",
    "owner_why",
    "alternatives",
    "n_candidates",
    "bus_factor_after",
    "reason_code",
    "reason",
    "human",
    "narrative",
    "organisational",
    "informational",
]
#: Columns of layers.csv, in order.
LAYER_COLUMNS: Final = [
    "account",
    "human",
    "human_why",
    "narrative",
    "narrative_why",
    "organisational",
    "organisational_why",
    "informational",
    "informational_why",
    "active_holders",
    "note_authors",
    "last_note",
    "owner",
    "owner_active",
    "backup",
    "backup_source",
    "revenue_known",
    "active_in_window",
]
#: Columns of signals.csv, in order.
SIGNAL_COLUMNS: Final = ["signal", "staff", "accounts", "value", "reference", "flagged", "detail"]
#: The layers and statuses (as in :mod:`keyrisk.layers`).
_LAYERS: Final = ("human", "narrative", "organisational", "informational")
_STATUSES: Final = ("ok", "weak", "missing", "unknown")
#: Names listed in a capacity reason.
_NAMES_SHOWN: Final = 5
_STRING: Final = "string"


def _present(value: Any) -> bool:
    return (
        value is not None
        and value is not pd.NA
        and not (isinstance(value, float) and math.isnan(value))
    )


def evidence(row: Any, lang: str) -> str:
    """Return a candidate's evidence in ``lang`` (one row of ``Plan.candidates``).

    Examples
    --------
    >>> from types import SimpleNamespace as Row
    >>> r = Row(contact=True, count=1, closeness=1 / 3, last_contact=pd.Timestamp("2026-01-10"),
    ...         alongside=1.0, reference="Ann", shared=1, reference_accounts=1, segment=False,
    ...         segment_accounts=0, department=False)
    >>> print(evidence(r, "en"))
    already in contact (1 interaction, 33% of the top contact's weight, last on 10/01/2026); works alongside Ann on their only other account
    """  # noqa: E501
    parts: list[str] = []
    if bool(row.contact):
        share = lb.percent(float(row.closeness), lang, 0)
        last = row.last_contact
        n = int(row.count)
        if _present(last) and not pd.isna(last):
            day = lb.short_date(pd.Timestamp(last).date(), lang)
            parts.append(lb.tn("cli.plan.why.contact.dated", n, lang, share=share, day=day))
        else:
            parts.append(lb.tn("cli.plan.why.contact", n, lang, share=share))
    alongside = float(row.alongside) > 0 and isinstance(row.reference, str)
    if alongside:
        text = lb.t(
            "cli.plan.why.alongside",
            lang,
            count=int(row.reference_accounts),
            reference=row.reference,
            shared=int(row.shared),
            total=int(row.reference_accounts),
        )
        if bool(row.segment):
            text += lb.tn("cli.plan.why.same_segment", int(row.segment_accounts), lang)
        parts.append(text)
    elif bool(row.segment):
        parts.append(lb.tn("cli.plan.why.segment", int(row.segment_accounts), lang))
    if bool(row.department):
        parts.append(lb.t("cli.plan.why.department", lang))
    if not parts:
        parts.append(lb.t("cli.plan.why.client_facing", lang))
    return lb.t("cli.plan.sep", lang).join(parts)


def reason(
    code: str, owner: bool, names: Sequence[str], lang: str, total: int | None = None
) -> str:
    """Return why an account is left short, in ``lang``.

    Parameters
    ----------
    code : {"capacity", "no candidate"}
        ``Plan.assignments["reason_code"]``.
    owner : bool
        Whether the account lacks an owner (orphaned, nobody proposed), else a backup.
    names : sequence of str
        The candidates not chosen, most familiar first (for "capacity").
    lang : str
    total : int, optional
        How many candidates were not chosen, when ``names`` holds the first ones only
        (default ``len(names)``).

    Examples
    --------
    >>> reason("capacity", False, ["Ann"], "en")
    'no backup: every candidate is at capacity (Ann)'
    >>> reason("capacity", True, [f"P{i}" for i in range(7)], "en")
    'no owner: every candidate is at capacity (P0, P1, P2, P3, P4 and 2 more)'
    """
    if code == "no candidate":
        return _words("cli.plan.reason.no_candidate", owner, 0, lang)
    shown = ", ".join(names[:_NAMES_SHOWN])
    more = (len(names) if total is None else total) - _NAMES_SHOWN
    if more > 0:
        shown = _words("cli.plan.names_more", owner, more, lang).replace(_SLOT, shown)
    return _words("cli.plan.reason.capacity", owner, 0, lang).replace(_SLOT, shown)


#: Stands for the names in a cached sentence (a character no catalogue entry holds).
_SLOT: Final = "\x00"


@functools.lru_cache(maxsize=256)
def _words(key: str, owner: bool, n: int, lang: str) -> str:
    """A sentence of :func:`reason` with :data:`_SLOT` for the names (read once per key)."""
    what = lb.t("cli.plan.no_owner" if owner else "cli.plan.no_backup", lang)
    if key == "cli.plan.names_more":
        return lb.tn(key, n, lang, names=_SLOT)
    return lb.t(key, lang, what=what, names=_SLOT)


def plan_frame(plan: Plan, lang: str, layers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return plan.csv's table: one row per fragile account, largest revenue first.

    Parameters
    ----------
    plan : keyrisk.plan.Plan
    lang : str
        The language of ``why``, ``owner_why`` and ``reason``.
    layers : pandas.DataFrame, optional
        :attr:`keyrisk.analysis.Analysis.layers`, for the four layer statuses (empty without).

    Returns
    -------
    pandas.DataFrame
        The columns :data:`PLAN_COLUMNS` (see docs/api-contract.md). Every account with at most
        one active holder has a row; ``backup`` is <NA> when no one could be proposed, and then
        ``reason_code`` ("capacity" or "no candidate") and ``reason`` say why.
    """
    lang = lb.check_lang(lang)
    a = plan.assignments.reset_index(drop=True)
    cands = plan.candidates
    chosen = cands[cands["chosen"].astype(bool)]
    by_pair = {
        (str(r.account), str(r.staff)): r
        for r in chosen.itertuples(index=False)  # at most two per fragile account
    }
    # the candidates not chosen, most familiar first (cands is sorted so)
    rest: dict[str, list[str]] = {}
    n_rest: dict[str, int] = {}
    short = pd.Index(a.loc[a["reason_code"].notna(), "account"].astype(str).unique(), dtype=object)
    if len(short):
        acc_all = cands["account"].to_numpy(dtype=object)
        mask = ~cands["chosen"].to_numpy(dtype=bool) & (short.get_indexer(acc_all) >= 0)
        left = pd.DataFrame(
            {
                "account": acc_all[mask],
                "staff": cands["staff"].to_numpy(dtype=object)[mask],
            }
        )
        n_rest = left.groupby("account", sort=False).size().to_dict()
        heads = left.groupby("account", sort=False).head(_NAMES_SHOWN)
        for acc, who in zip(heads["account"].tolist(), heads["staff"].tolist(), strict=True):
            rest.setdefault(str(acc), []).append(str(who))
    why: list[str | None] = []
    owner_why: list[str | None] = []
    reasons: list[str | None] = []
    for acc, backup, owner, code, bus in zip(
        a["account"].astype(str),
        a["backup"].astype(object),
        a["proposed_owner"].astype(object),
        a["reason_code"].astype(object),
        a["bus_factor"].astype(int),
        strict=True,
    ):
        b_row = by_pair.get((acc, backup)) if isinstance(backup, str) else None
        o_row = by_pair.get((acc, owner)) if isinstance(owner, str) else None
        why.append(None if b_row is None else evidence(b_row, lang))
        owner_why.append(None if o_row is None else evidence(o_row, lang))
        if isinstance(code, str):
            lacks_owner = bus == 0 and not isinstance(owner, str)
            names = rest.get(acc, [])
            reasons.append(reason(code, lacks_owner, names, lang, n_rest.get(acc, len(names))))
        else:
            reasons.append(None)
    out = a.assign(why=why, owner_why=owner_why, reason=reasons)
    for layer in _LAYERS:
        if layers is not None and layer in layers.columns:
            status = layers.set_index(layers["account"].astype(str))[layer]
            out[layer] = out["account"].astype(str).map(status).to_numpy(dtype=object)
        else:
            out[layer] = None
    out = out[PLAN_COLUMNS].assign(familiarity=out["familiarity"].round(3))
    text = ["why", "owner_why", "reason", *_LAYERS]
    return out.astype(dict.fromkeys(text, _STRING))


def plan_headline(plan: Plan, lang: str, basis: str = "revenue") -> str:
    """Return the effect of the plan on the revenue bus factor, one sentence in ``lang``
    (the portfolio bus factor in ``"count"`` basis, when the data has no revenue)."""
    n = plan.n_backups + plan.n_owners
    b, a = plan.before.revenue_bus_factor.value, plan.after.revenue_bus_factor.value
    people = lb.tn("cli.plan.people", n, lang) if n else lb.t("cli.plan.nobody", lang)
    bf = _bus(b, lang), _bus(a, lang)
    if b == a:
        return lb.tb("cli.plan.effect.same", lang, basis, people=people, before=bf[0])
    return lb.tb("cli.plan.effect", lang, basis, people=people, before=bf[0], after=bf[1])


def _bus(value: int | None, lang: str) -> str:
    return lb.t("cli.plan.not_reached", lang) if value is None else str(value)


def plan_dict(
    plan: Plan,
    lang: str,
    *,
    basis: str = "revenue",
    layers: pd.DataFrame | None = None,
    accounts: bool = False,
) -> dict[str, Any]:
    """Return summary.json's ``plan`` object (plain, strict JSON data).

    Parameters
    ----------
    plan : keyrisk.plan.Plan
    lang : str
        The language of ``headline`` (``headline_en`` is in English) and of the accounts' words.
    basis : {"revenue", "count"}, default "revenue"
        :attr:`keyrisk.analysis.Analysis.revenue_basis` (the headline's words).
    layers : pandas.DataFrame, optional
        For the layer statuses of ``accounts``.
    accounts : bool, default False
        Add ``accounts``: plan.csv's rows as a list of objects (``keyrisk plan --json``).

    Returns
    -------
    dict
        :meth:`keyrisk.plan.Plan.summary_dict` (``before`` and ``after`` have the keys of
        summary.json's top level, by :meth:`keyrisk.plan.Figures.as_dict`), with ``headline``,
        ``headline_en`` and ``lang``.
    """
    lang = lb.check_lang(lang)
    out = plan.summary_dict()
    out["lang"] = lang
    out["headline"] = plan_headline(plan, lang, basis)
    out["headline_en"] = plan_headline(plan, "en", basis)
    if accounts:
        frame = plan_frame(plan, lang, layers)
        out["accounts"] = [
            {k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")
        ]
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [str(v) for v in value]
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    return value


def layers_dict(layers: pd.DataFrame) -> dict[str, Any]:
    """Return summary.json's ``layers`` object: accounts per layer and status.

    ``unknown`` gives, for each layer the data cannot judge on some account, why (the column
    that would tell), in English.

    Examples
    --------
    >>> lay = pd.DataFrame({"account": ["A"], "human": ["weak"], "human_why": ["one"],
    ...     "narrative": ["unknown"], "narrative_why": ["no notes column"],
    ...     "organisational": ["ok"], "organisational_why": [""], "informational": ["ok"],
    ...     "informational_why": [""]})
    >>> d = layers_dict(lay)
    >>> d["counts"]["human"], d["unknown"]
    ({'ok': 0, 'weak': 1, 'missing': 0, 'unknown': 0}, {'narrative': 'no notes column'})
    """
    counts: dict[str, dict[str, int]] = {}
    unknown: dict[str, str] = {}
    for layer in _LAYERS:
        status = layers[layer].astype(str)
        counts[layer] = {s: int((status == s).sum()) for s in _STATUSES}
        why = layers.loc[status == "unknown", f"{layer}_why"].dropna().astype(str)
        if len(why):
            unknown[layer] = str(why.iloc[0])
    return {
        "accounts": len(layers),
        "statuses": list(_STATUSES),
        "counts": counts,
        "unknown": unknown,
    }


def simulation_dict(simulation: Simulation) -> dict[str, Any]:
    """Return summary.json's ``simulation`` object.

    :meth:`keyrisk.simulation.Simulation.summary_dict` (``draws``, ``seed``, each figure with
    ``without_plan`` and ``with_plan``), with ``estimator`` ("monte-carlo") and ``note``.
    """
    out = simulation.summary_dict()
    out["estimator"] = "monte-carlo"
    out["note"] = (
        "Monte-Carlo estimates over the draws (fixed seed: the same data gives the same "
        "figures); expected_loss_exact is the exact expectation, *_se the standard errors and "
        "var_95_interval a 95% confidence interval of the VaR"
    )
    return out


def _money(value: float, lang: str, basis: str, currency: str | None) -> str:
    if value != value:
        return lb.t("value.not_available", lang)
    return lb.money(value, lang, basis, currency)


def _table(rows: list[list[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for r in rows:
        cells = [c.ljust(w) for c, w in zip(r[:-1], widths, strict=False)] + [r[-1]]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines


def format_plan(
    analysis: Analysis,
    plan: Plan,
    *,
    lang: str = "en",
    top: int = 20,
    simulation: Simulation | None = None,
) -> str:
    """Return the plan as a text table in ``lang``, for the terminal.

    The effect of the plan on the method's figures (before → after), the ``top`` accounts of
    largest revenue (account, revenue, holders, backup, why), the accounts left unassigned
    with their reasons and, when given, the simulated revenue at risk with and without it.
    """
    lang = lb.check_lang(lang)
    basis = analysis.revenue_basis
    currency = lb.dataset_currency(analysis)
    b, a = plan.before, plan.after
    lines = [
        lb.t(
            "cli.plan.intro",
            lang,
            fragile=lb.tn("cli.plan.fragile", plan.n_fragile, lang),
            backups=lb.tn("cli.plan.backups", plan.n_backups, lang),
            owners=lb.tn("cli.plan.owners", plan.n_owners, lang),
            unassigned=lb.tn("cli.plan.unassigned", plan.n_unassigned, lang),
        ),
    ]
    if plan.leave:
        names = lb.join_names(list(plan.leave), lang)
        lines.append(lb.t("cli.plan.leave", lang, count=len(plan.leave), people=names))
    lines.append(plan_headline(plan, lang, basis) + ".")
    figures = [
        (
            lb.tb("cli.plan.fig.revenue_bus_factor", lang, basis),
            _bus(b.revenue_bus_factor.value, lang),
            _bus(a.revenue_bus_factor.value, lang),
        ),
        (
            lb.t("cli.plan.fig.account_bus_factor", lang),
            _bus(b.account_bus_factor.value, lang),
            _bus(a.account_bus_factor.value, lang),
        ),
        (
            lb.tb("cli.plan.fig.single_holder", lang, basis),
            lb.percent(b.single_holder_revenue_share, lang),
            lb.percent(a.single_holder_revenue_share, lang),
        ),
        (
            lb.t("cli.plan.fig.orphaned_accounts", lang),
            lb.number(b.orphaned_accounts, lang),
            lb.number(a.orphaned_accounts, lang),
        ),
    ]
    if basis == "revenue":
        figures.append(
            (
                lb.t("cli.plan.fig.orphaned_revenue", lang),
                _money(b.orphaned_revenue, lang, basis, currency),
                _money(a.orphaned_revenue, lang, basis, currency),
            )
        )
    width = max(len(f[0]) for f in figures)
    lines += [f"  {label:<{width}} {x} → {y}" for label, x, y in figures]
    frame = plan_frame(plan, lang)
    if len(frame):
        head = [
            lb.t("cli.plan.col.account", lang),
            lb.tb("cli.plan.col.revenue", lang, basis),
            lb.t("cli.plan.col.holders", lang),
            lb.t("cli.plan.col.backup", lang),
            lb.t("cli.plan.col.why", lang),
        ]
        rows = [head]
        none = lb.t("cli.plan.none", lang)
        for r in frame.head(top).itertuples(index=False):
            holders = ", ".join(r.holders) if r.holders else none
            people = []
            if isinstance(r.proposed_owner, str):
                people.append(lb.t("cli.plan.as_owner", lang, name=r.proposed_owner))
            if isinstance(r.backup, str):
                people.append(r.backup)
            why = r.why if isinstance(r.why, str) else ""
            if not why and isinstance(r.owner_why, str):
                why = r.owner_why
            if isinstance(r.reason, str) and not isinstance(r.backup, str):
                why = r.reason if not why else f"{why}{lb.t('cli.plan.sep', lang)}{r.reason}"
            rows.append(
                [
                    str(r.account),
                    _money(float(r.revenue), lang, basis, currency) if basis == "revenue" else "",
                    holders,
                    ", ".join(people) or "–",
                    str(why),
                ]
            )
        if basis != "revenue":
            rows = [row[:1] + row[2:] for row in rows]
        lines.append("")
        lines += _table(rows)
        more = len(frame) - top
        if more > 0:
            lines.append("  " + lb.tn("cli.plan.more", more, lang))
    unassigned = frame[frame["reason_code"].notna()]
    if len(unassigned):
        counts = unassigned["reason_code"].astype(str).value_counts()
        by = ", ".join(
            lb.tn(f"cli.plan.by_reason.{code.replace(' ', '_')}", int(counts[code]), lang)
            for code in sorted(counts.index)
        )
        lines += ["", lb.tn("cli.plan.unassigned_head", len(unassigned), lang, by=by)]
        shown = unassigned.head(top)
        width = max(len(str(x)) for x in shown["account"])
        lines += [f"  {r.account!s:<{width}}  {r.reason}" for r in shown.itertuples()]
        more = len(unassigned) - top
        if more > 0:
            lines.append("  " + lb.tn("cli.plan.more", more, lang))
        if "capacity" in counts.index:
            ratio = lb.number(plan.capacity_ratio, lang, None)
            hint = lb.t("cli.plan.capacity_hint", lang, max_new=plan.max_new_backups, ratio=ratio)
            lines.append(hint)
    if simulation is not None and simulation.with_plan is not None:
        w, p = simulation.without_plan, simulation.with_plan
        lines += [
            "",
            lb.tb(
                "cli.plan.simulation",
                lang,
                basis,
                draws=lb.number(simulation.draws, lang),
                seed=simulation.seed,
                rate=lb.percent(float(simulation.probabilities.mean()), lang, None)
                if len(simulation.probabilities)
                else lb.t("value.not_available", lang),
            ),
        ]
        sims = [
            (
                lb.t("cli.plan.sim.expected", lang),
                _money(w.expected_loss, lang, basis, currency),
                _money(p.expected_loss, lang, basis, currency),
            ),
            (
                lb.t("cli.plan.sim.var", lang),
                _money(w.var_95, lang, basis, currency),
                _money(p.var_95, lang, basis, currency),
            ),
            (
                lb.t("cli.plan.sim.es", lang),
                _money(w.expected_shortfall_95, lang, basis, currency),
                _money(p.expected_shortfall_95, lang, basis, currency),
            ),
        ]
        width = max(len(s[0]) for s in sims)
        lines += [f"  {label:<{width}} {x} → {y}" for label, x, y in sims]
    return "\n".join(lines)
