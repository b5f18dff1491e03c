"""The Continuity plan sheet: a backup for every fragile account, why, the effort, the layers.

One row per fragile account (at most one active holder), largest revenue first, from
:meth:`keyrisk.analysis.Analysis.plan`: the holders, the proposed owner (orphaned accounts) and
backup, why they were chosen (worded here from the plan's evidence columns, in the report's
language), the effort, the four layers of continuity (:attr:`keyrisk.analysis.Analysis.layers`)
and, for an account left short, what is missing and why. Above the table: the plan's effect
in one sentence, the method and the capacity; below it, who takes how many new accounts.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from keyrisk.layers import LAYERS
from keyrisk.report import labels as lb
from keyrisk.report.labels import t, tb, tn
from keyrisk.report.sheets._blocks import (
    Block,
    Column,
    Paragraph,
    SheetSpec,
    Table,
    _money_kind,
    _plain,
    _widths,
)

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis
    from keyrisk.plan import Plan
    from keyrisk.portfolio import BusFactor

__all__ = [
    "EFFORT_LIGHTS",
    "LAYER_LIGHTS",
    "MAX_CAPACITY_ROWS",
    "MAX_PLAN_ROWS",
    "bus_text",
    "evidence_text",
    "plan_effect",
    "plan_rows",
    "plan_sheet",
]

#: Fragile accounts listed on the sheet at most (the whole plan is in plan.csv).
MAX_PLAN_ROWS = 2000
#: People listed in the capacity table at most.
MAX_CAPACITY_ROWS = 200
#: Candidates named when every one of them is at capacity.
_NAMED = 3
#: Highlight of each layer status.
LAYER_LIGHTS = {"ok": "green", "weak": "yellow", "missing": "red"}
#: Highlight of each effort.
EFFORT_LIGHTS = {"low": "green", "medium": "yellow", "high": "orange"}


def bus_text(bus: BusFactor, lang: str) -> str:
    """A bus factor in words: its value, or "non atteint" when no departure reaches it."""
    return t("bus.not_reached", lang) if bus.value is None else lb.number(int(bus.value), lang)


def plan_effect(plan: Plan, lang: str, basis: str) -> str:
    """Return the plan's effect in one sentence, worded from its figures in ``lang``.

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk import Dataset, analyse
    >>> ds = Dataset.from_frames(pd.DataFrame({"account": ["A", "A", "B"],
    ...                                        "staff": ["Ann", "Bob", "Bob"]}))
    >>> plan_effect(analyse(ds).plan(), "en", "count")
    'If this backup is trained, the portfolio bus factor rises from 1 to 2'
    """
    if plan.n_fragile == 0:
        return t("cp.effect.nothing", lang)
    n = plan.n_backups + plan.n_owners
    b, a = plan.before.revenue_bus_factor.value, plan.after.revenue_bus_factor.value
    before = bus_text(plan.before.revenue_bus_factor, lang)
    after = bus_text(plan.after.revenue_bus_factor, lang)
    if n == 0:
        key = "cp.effect.none_unreached" if b is None else "cp.effect.none"
        return tb(key, lang, basis, before=before)
    if b == a:
        key = "cp.effect.same_unreached" if b is None else "cp.effect.same"
    else:
        key = "cp.effect.unreached" if a is None else "cp.effect"
    text = tb(key, lang, basis, n=n, before=before, after=after)
    if plan.n_owners:
        text += t("cp.effect.owners", lang, count=plan.n_owners, k=plan.n_owners)
    return text


def _when(value: Any, lang: str) -> str:
    day = _plain(value)
    return "" if day is None else t("cp.why.last", lang, date=lb.date(day, lang))


def evidence_text(row: Any, lang: str) -> str:
    """Return why a candidate was chosen, in words, from one row of the plan's candidates.

    The row has the columns of :func:`keyrisk.plan.candidate_pairs` (``contact``, ``count``,
    ``last_contact``, ``alongside``, ``reference``, ``shared``, ``reference_accounts``,
    ``segment``, ``segment_accounts``, ``department``).
    """
    parts: list[str] = []
    if bool(row.contact):
        n = int(row.count)
        parts.append(t("cp.why.contact", lang, count=n, n=n, when=_when(row.last_contact, lang)))
    reference = row.reference if isinstance(row.reference, str) else None
    if float(row.alongside) > 0 and reference:
        total = int(row.reference_accounts)
        text = t("cp.why.alongside", lang, count=total, name=reference, k=int(row.shared), n=total)
        if bool(row.segment):
            k = int(row.segment_accounts)
            text += t("cp.why.alongside_segment", lang, count=k, k=k)
        parts.append(text)
    elif bool(row.segment):
        n = int(row.segment_accounts)
        parts.append(t("cp.why.segment", lang, count=n, n=n))
    if bool(row.department):
        parts.append(t("cp.why.department", lang))
    if not parts:
        parts.append(t("cp.why.client_facing", lang))
    return t("list.sep", lang).join(parts)


def _holders_text(holders: Any, gone: Any, lang: str) -> str:
    active = [str(h) for h in holders] if isinstance(holders, tuple | list) else []
    if active:
        return t("list.sep", lang).join(active)
    left = [str(g) for g in gone] if isinstance(gone, tuple | list) else []
    if left:
        return t("cp.holders.none_left", lang, names=lb.join_names(left, lang))
    return t("cp.holders.none", lang)


def _reason_text(
    rec: Any,
    others: list[str],
    use: dict[str, tuple[int, int, int]],
    lang: str,
) -> str | None:
    code = rec.reason_code
    if not isinstance(code, str):
        return None
    owner = isinstance(rec.proposed_owner, str)
    what = "both" if int(rec.bus_factor) == 0 and not owner else "backup"
    if code == "no candidate":
        return t(f"cp.reason.no_candidate.{what}", lang)
    named = []
    for name in others[:_NAMED]:
        used, allowed, held = use.get(name, (0, 0, 0))
        if allowed == 0:
            named.append(t("cp.reason.full", lang, name=name, count=held, held=held))
        else:
            named.append(tn("cp.reason.usage", used, lang, name=name, used=used, cap=allowed))
    more = len(others) - _NAMED
    names = t("list.sep", lang).join(named)
    if more > 0:
        names += t("cp.reason.more", lang, count=more, k=more)
    return t(f"cp.reason.capacity.{what}", lang, names=names)


def _effort_words(lang: str) -> dict[str, str]:
    return {e: t(f"cp.effort.{e}", lang) for e in EFFORT_LIGHTS}


def _layer_words(lang: str) -> dict[str, str]:
    return {s: t(f"cp.layer.{s}", lang) for s in ("ok", "weak", "missing", "unknown")}


def plan_rows(analysis: Analysis, lang: str, limit: int | None = None) -> pd.DataFrame:
    """Return the rows of the plan table (the ``limit`` largest fragile accounts, by default
    :data:`MAX_PLAN_ROWS`), in words."""
    plan = analysis.plan()
    a = plan.assignments.head(MAX_PLAN_ROWS if limit is None else limit)
    cands = plan.candidates
    chosen = cands[cands["chosen"].to_numpy(dtype=bool)]
    keys = set(a["account"].astype(str))
    chosen = chosen[chosen["account"].astype(str).isin(keys)]
    by_pair = {(str(r.account), str(r.staff)): r for r in chosen.itertuples(index=False)}
    short = set(a.loc[a["reason_code"].notna(), "account"].astype(str))
    rest = cands[~cands["chosen"].to_numpy(dtype=bool)]
    rest = rest[rest["account"].astype(str).isin(short)]
    others: dict[str, list[str]] = {}
    for acc, who in zip(rest["account"].astype(str), rest["staff"].astype(str), strict=True):
        others.setdefault(acc, []).append(who)
    cap = plan.capacity
    use = {
        str(s): (int(b) + int(o), int(lim), int(h))
        for s, b, o, lim, h in zip(
            cap["staff"],
            cap["new_backups"],
            cap["new_owners"],
            cap["limit"],
            cap["n_held"],
            strict=True,
        )
    }
    layers = analysis.layers
    layers = layers[layers["account"].astype(str).isin(keys)]
    words = _layer_words(lang)
    status_of = {
        layer: dict(
            zip(
                layers["account"].astype(str).tolist(),
                layers[layer].astype(object).tolist(),
                strict=True,
            )
        )
        for layer in LAYERS
        if layer in layers.columns
    }
    effort = _effort_words(lang)
    reasons: dict[tuple[Any, ...], str | None] = {}  # many accounts share a reason: word it once
    rows: list[dict[str, Any]] = []
    for rec in a.astype(object).itertuples(index=False):
        acc = str(rec.account)
        why: list[str] = []
        owner = rec.proposed_owner if isinstance(rec.proposed_owner, str) else None
        backup = rec.backup if isinstance(rec.backup, str) else None
        for name in (owner, backup):
            if name is None or (acc, name) not in by_pair:
                continue
            text = evidence_text(by_pair[(acc, name)], lang)
            why.append(t("cp.why.named", lang, name=name, why=text) if owner else text)
        mine = others.get(acc, [])
        key = (rec.reason_code, rec.bus_factor, owner is None, tuple(mine[:_NAMED]), len(mine))
        if key not in reasons:
            reasons[key] = _reason_text(rec, mine, use, lang)
        reason = reasons[key]
        row: dict[str, Any] = {
            "account": acc,
            "revenue": _plain(rec.revenue),
            "holders": _holders_text(rec.holders, rec.gone_holders, lang),
            "owner": owner,
            "backup": backup,
            "why": " · ".join([*why, *([reason] if reason else [])]) or None,
            "effort": effort.get(str(rec.effort)) if isinstance(rec.effort, str) else None,
            "reason": reason,
        }
        for layer in LAYERS:
            status = status_of.get(layer, {}).get(acc)
            row[layer] = words.get(str(status)) if isinstance(status, str) else None
        rows.append(row)
    columns = ["account", "revenue", "holders", "owner", "backup", "why", "effort"]
    return pd.DataFrame(rows, columns=[*columns, *LAYERS, "reason"])


def _capacity_rows(plan: Plan) -> pd.DataFrame:
    cap = plan.capacity
    taken = cap[(cap["new_backups"] + cap["new_owners"]) > 0]
    return taken.head(MAX_CAPACITY_ROWS)


def _number(value: float, lang: str) -> str:
    return lb.number(value, lang, 0 if float(value).is_integer() else 1)


def plan_sheet(analysis: Analysis, lang: str) -> SheetSpec:
    """Return the Continuity plan sheet (see the module docstring)."""
    plan = analysis.plan()
    basis = analysis.revenue_basis
    blocks: list[Block] = [
        Paragraph(t("cp.title", lang), "title", 8),
        Paragraph(plan_effect(plan, lang, basis), "headline", 8),
    ]
    reasons = plan.assignments["reason_code"].dropna().astype(str).value_counts()
    counts = tn(
        "cp.counts",
        plan.n_fragile,
        lang,
        backups=tn("todo.plan.backups", plan.n_backups, lang),
        owners=tn("todo.plan.owners", plan.n_owners, lang),
    )
    if plan.n_unassigned:
        counts += tn(
            "cp.counts.short",
            plan.n_unassigned,
            lang,
            capacity=int(reasons.get("capacity", 0)),
            none=int(reasons.get("no candidate", 0)),
        )
    if plan.n_fragile:
        blocks.append(Paragraph(counts, "text", 8))
    status = "optimal" if plan.status == "optimal" else "time_limit"
    blocks.append(Paragraph(t("cp.method", lang, status=t(f"cp.status.{status}", lang)), "text", 8))
    cap = (
        int(plan.capacity["cap"].iloc[0])
        if len(plan.capacity)
        else math.floor(plan.capacity_ratio * plan.team_median_held + 1e-9)
    )
    blocks.append(
        Paragraph(
            t(
                "cp.capacity",
                lang,
                count=plan.max_new_backups,
                n=plan.max_new_backups,
                ratio=_number(plan.capacity_ratio, lang),
                median=_number(plan.team_median_held, lang),
                cap=cap,
            ),
            "text",
            8,
        )
    )
    if plan.leave:
        blocks.append(
            Paragraph(t("cp.leave", lang, names=lb.join_names(list(plan.leave), lang)), "text", 8)
        )
    frame = plan_rows(analysis, lang)
    money = _money_kind(basis)
    cols = [
        Column(t("col.account", lang), "account"),
        Column(tb("col.revenue", lang, basis), "revenue", money),
        Column(t("cp.col.holders", lang), "holders", wrap=True),
        Column(t("cp.col.owner", lang), "owner"),
        Column(t("cp.col.backup", lang), "backup"),
        Column(t("cp.col.why", lang), "why", wrap=True),
        Column(t("cp.col.effort", lang), "effort"),
        *(Column(t(f"cp.col.{layer}", lang), layer) for layer in LAYERS),
    ]
    left_out = plan.n_fragile - len(frame)
    note = tn("cp.more", left_out, lang) if left_out > 0 else None
    if not len(frame):
        note = t("cp.none", lang)
    layer_words = _layer_words(lang)
    lights = {layer_words[s]: c for s, c in LAYER_LIGHTS.items()}
    effort = _effort_words(lang)
    table = Table(
        tuple(cols),
        [
            tuple(_plain(v, lang) for v in r)
            for r in frame[[c.field for c in cols]].itertuples(index=False, name=None)
        ],
        autofilter=True,
        freeze=True,
        traffic={
            "effort": {effort[e]: c for e, c in EFFORT_LIGHTS.items()},
            **{layer: lights for layer in LAYERS},
        },
        note=note,
    )
    blocks.append(table)
    blocks.append(Paragraph(t("cp.legend.effort", lang), "note", 8))
    blocks.append(Paragraph(t("cp.legend.layers", lang), "note", 8))
    cap_frame = _capacity_rows(plan)
    if len(cap_frame):
        cap_cols = (
            Column(t("col.staff", lang), "staff"),
            Column(t("cp.cap.held", lang), "n_held", "int"),
            Column(t("cp.cap.backups", lang), "new_backups", "int"),
            Column(t("cp.cap.owners", lang), "new_owners", "int"),
            Column(t("cp.cap.after", lang), "held_after", "int"),
            Column(t("cp.cap.limit", lang), "limit", "int"),
        )
        taken = int(((plan.capacity["new_backups"] + plan.capacity["new_owners"]) > 0).sum())
        blocks.append(
            Table(
                cap_cols,
                [
                    tuple(_plain(v, lang) for v in r)
                    for r in cap_frame[[c.field for c in cap_cols]].itertuples(
                        index=False, name=None
                    )
                ],
                title=t("cp.cap.title", lang, cap=cap),
                note=tn("cp.cap.more", taken - len(cap_frame), lang)
                if taken > len(cap_frame)
                else None,
            )
        )
    widths = _widths([table])
    widths[1] = min(max(widths.get(1, 0.0), 24.0), 32.0)
    widths[3] = min(max(widths.get(3, 0.0), 18.0), 26.0)
    for col in (4, 5):
        widths[col] = min(max(widths.get(col, 0.0), 16.0), 22.0)
    widths[6] = 62.0
    widths[7] = 9.0
    for col in (8, 9, 10, 11):
        widths[col] = 12.0
    return SheetSpec("plan", t("sheet.plan", lang), blocks, [], widths, "2F5597")
