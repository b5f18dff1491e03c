"""The text of ``keyrisk history`` and ``keyrisk compare``, in the report language.

:func:`history_lines` words the snapshots of a history (one line each, its ``as_of`` first, in
ISO form so that a script can read it), :func:`history_records` gives them as JSON data, and
:func:`format_changes` words a :class:`keyrisk.changes.Changes`: a warning first when the method
changed, then the key figures before and now, the accounts newly at risk, made safe and orphaned
since, and the people whose revenue held alone rose.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import pandas as pd

from keyrisk.i18n import has, money, number, percent, t, tb, tn
from keyrisk.report.labels import TRACKED_FIGURES

if TYPE_CHECKING:
    from keyrisk.changes import Changes
    from keyrisk.history import Snapshot

__all__ = ["format_changes", "history_lines", "history_records"]

#: The key figures shown by ``keyrisk compare``: catalogue key and format.
FIGURES: dict[str, tuple[str, str]] = {
    "n_accounts": ("kf.accounts", "int"),
    "total_revenue": ("kf.total_revenue", "money"),
    **TRACKED_FIGURES,
}

#: Figures that repeat another in count basis (a count of accounts): left out there.
_REVENUE_ONLY = ("total_revenue", "orphaned_revenue")

#: The lists of accounts, in the order shown, and their title's key.
_LISTS = (
    ("newly_at_risk", "page.newly_at_risk"),
    ("made_safe", "page.made_safe"),
    ("orphaned_since", "page.orphaned_since"),
)


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _printable(text: Any) -> str:
    """The text on one line: control characters (a newline in a company name) as spaces."""
    return "".join(c if c.isprintable() else " " for c in str(text))


def _created(value: Any) -> str:
    """An ISO 8601 time as ``2026-04-02 09:00 UTC`` (as written when it cannot be read)."""
    try:
        when = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return _printable(value)
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    return when.strftime("%Y-%m-%d %H:%M") + (" UTC" if when.tzinfo is not None else "")


def history_lines(listed: pd.DataFrame, lang: str) -> list[str]:
    """Return one line per snapshot, oldest first, in ``lang``.

    Parameters
    ----------
    listed : pandas.DataFrame
        From :func:`keyrisk.history.snapshots`.
    lang : str
        The report language.

    Returns
    -------
    list of str
        ``<id>  <as_of>  <company> · <n> accounts · revenue bus factor: <v> · revenue on one
        person: <share> · recorded <created>`` (words in ``lang``; the count-basis words for a
        run without revenue). ``as_of`` is ISO (``2026-03-31``), ``-`` for a run without dates,
        so that the second field of a line is always the date.

    Examples
    --------
    >>> listed = pd.DataFrame({"id": [1], "as_of": [dt.date(2026, 3, 31)], "company": ["Acme"],
    ...     "n_accounts": [4], "revenue_bus_factor": pd.array([2], dtype="Int64"),
    ...     "single_holder_revenue_share": [0.35], "revenue_basis": ["revenue"],
    ...     "created": ["2026-04-02T09:00:00+00:00"]})
    >>> print(history_lines(listed, "en")[0])
    1  2026-03-31  Acme · 4 accounts · revenue bus factor: 2 · revenue on one person: 35.0% \
· recorded 2026-04-02 09:00 UTC
    """
    lines = []
    for r in listed.itertuples(index=False):
        bus = (
            t("cli.plan.not_reached", lang)
            if _missing(r.revenue_bus_factor)
            else number(int(r.revenue_bus_factor), lang)
        )
        as_of = "-" if _missing(r.as_of) else str(r.as_of)
        lines.append(
            tb(
                "cli.history.line",
                lang,
                str(r.revenue_basis),
                id=str(int(r.id)),
                as_of=as_of,
                company=_printable(r.company) or "-",
                accounts=tn("unit.accounts", int(r.n_accounts), lang),
                bus=bus,
                single=percent(float(r.single_holder_revenue_share), lang),
                created=_created(r.created),
            )
        )
    return lines


def history_records(listed: pd.DataFrame) -> list[dict[str, Any]]:
    """Return the snapshots as plain JSON data (what ``keyrisk history --json`` prints).

    Examples
    --------
    >>> listed = pd.DataFrame({"id": [1], "as_of": [dt.date(2026, 3, 31)],
    ...     "revenue_bus_factor": pd.array([None], dtype="Int64")})
    >>> history_records(listed)
    [{'id': 1, 'as_of': '2026-03-31', 'revenue_bus_factor': None}]
    """
    from keyrisk.analysis import _json

    out = []
    for rec in listed.astype(object).to_dict("records"):
        row = {str(k): (None if _missing(v) else v) for k, v in rec.items()}
        row = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()}
        out.append(_json(row))
    return out


class _Words:
    """Numbers, amounts and shares of one comparison in ``lang``."""

    def __init__(self, lang: str, basis: str) -> None:
        self.lang, self.basis = lang, basis

    def value(self, kind: str, value: Any) -> str:
        if _missing(value):
            if kind == "int":
                return t("cli.plan.not_reached", self.lang)
            return t("value.not_available", self.lang)
        if kind == "pct":
            return percent(float(value), self.lang)
        if kind == "money":
            return money(float(value), self.lang, self.basis)
        return number(int(value), self.lang)

    def delta(self, kind: str, value: float) -> str:
        """A change: signed; a change of a share in percentage points."""
        sign = "+" if value > 0 else "−"
        if kind == "pct":
            points = number(abs(value) * 100, self.lang, 1)
            return t("cli.compare.points", self.lang, value=sign + points)
        return sign + self.value(kind, abs(value))

    def label(self, key: str) -> str:
        return (
            t(key, self.lang) if key == "kf.account_bus_factor" else tb(key, self.lang, self.basis)
        )


def _side(s: Snapshot, lang: str) -> str:
    day = t("cli.compare.undated", lang) if s.as_of is None else str(s.as_of)
    return day if s.id is None else t("cli.compare.snapshot", lang, id=str(s.id), date=day)


def _parameter_value(value: Any, lang: str) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return number(value, lang, None)
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return _printable(value)


def _parameter_lines(frame: pd.DataFrame, lang: str) -> list[str]:
    lines = []
    for r in frame.itertuples(index=False):
        name = str(r.parameter)
        label = t(f"param.{name}", lang) if has(f"param.{name}", lang) else name
        shown = label if label == name else f"{label} ({name})"
        lines.append(
            "  "
            + t(
                "page.changes.parameter",
                lang,
                name=shown,
                before=_parameter_value(r.old, lang),
                after=_parameter_value(r.new, lang),
            )
        )
    return lines


def _risk(level: Any, lang: str) -> str:
    if _missing(level):
        return t("cli.compare.absent", lang)
    key = f"risk.{level}"
    return t(key, lang) if has(key, lang) else str(level)


def format_changes(changes: Changes, lang: str = "fr", *, top: int = 10) -> str:
    """Return what ``keyrisk compare`` prints: the changes from one run to another.

    Parameters
    ----------
    changes : keyrisk.changes.Changes
    lang : str, default "fr"
        The report language.
    top : int, default 10
        Accounts and people listed per list; the rest are counted ("and K more").

    Returns
    -------
    str
        In this order: the two runs; a warning when a parameter that changes the risk figures
        differs (each parameter, old → new), or the parameters that differ without changing
        them; the key figures before → now (with the delta); the accounts newly at risk, made
        safe and orphaned since (revenue, risk level before → now); the people whose revenue
        held alone rose; the accounts new and gone.

    Examples
    --------
    >>> from keyrisk import Dataset, analyse
    >>> from keyrisk.changes import compare
    >>> revenue = pd.DataFrame({"account": ["A"], "revenue": [900.0]})
    >>> old = analyse(Dataset.from_frames(pd.DataFrame(
    ...     {"account": ["A", "A"], "staff": ["Ann", "Bob"]}), revenue))
    >>> new = analyse(Dataset.from_frames(
    ...     pd.DataFrame({"account": ["A"], "staff": ["Ann"]}), revenue))
    >>> print(format_changes(compare(old, new), "en"))
    What changed from undated to undated:
    <BLANKLINE>
    Key figures (before → now):
      Client accounts: 1 (unchanged)
      Revenue analysed: 900 (unchanged)
      Revenue bus factor: 2 → 1 (−1)
      Account bus factor: 2 → 1 (−1)
      Revenue share resting on a single person, or none: 0.0% → 100.0% (+100.0 points)
      Orphaned accounts (no active holder left): 0 (unchanged)
      Revenue of orphaned accounts: 0 (unchanged)
      Costliest pair (share of revenue at risk): 100.0% → 0.0% (−100.0 points)
    <BLANKLINE>
    Accounts newly at risk (1):
      A · 900 · medium → critical
    <BLANKLINE>
    Accounts made safe: none
    <BLANKLINE>
    Accounts orphaned since: none
    <BLANKLINE>
    People whose revenue held alone rose (1):
      Ann: 0 → 900 (+900)
    """
    basis = changes.new.revenue_basis
    w = _Words(lang, basis)
    lines = [
        t("cli.compare.head", lang, old=_side(changes.old, lang), new=_side(changes.new, lang))
    ]
    params = changes.parameters
    if len(params):
        method = params[params["affects_figures"].astype(bool)]
        other = params[~params["affects_figures"].astype(bool)]
        if len(method):
            lines.append(t("cli.compare.method", lang))
            lines.extend(_parameter_lines(method, lang))
        if len(other):
            lines.append(t("cli.compare.other_parameters", lang))
            lines.extend(_parameter_lines(other, lang))
    lines.append("")
    lines.append(t("cli.compare.figures", lang))
    figures = changes.figures.set_index("figure")
    for name, (key, kind) in FIGURES.items():
        if name not in figures.index or (basis == "count" and name in _REVENUE_ONLY):
            continue
        old, new, delta = figures.loc[name, ["old", "new", "delta"]].tolist()
        label = w.label(key)
        if not _missing(delta) and abs(float(delta)) < 1e-12:
            text = t("cli.compare.figure.same", lang, label=label, old=w.value(kind, old))
        elif _missing(delta):
            text = t(
                "cli.compare.figure",
                lang,
                label=label,
                old=w.value(kind, old),
                new=w.value(kind, new),
                delta="?",
            )
        else:
            text = t(
                "cli.compare.figure",
                lang,
                label=label,
                old=w.value(kind, old),
                new=w.value(kind, new),
                delta=w.delta(kind, float(delta)),
            )
        lines.append("  " + text)
    for attr, title_key in _LISTS:
        frame = getattr(changes, attr)
        title = t(title_key, lang)
        lines.append("")
        if frame.empty:
            lines.append(t("cli.compare.list.none", lang, title=title))
            continue
        lines.append(t("cli.compare.list", lang, title=title, n=len(frame)))
        for r in frame.head(top).itertuples(index=False):
            words = {
                "account": _printable(r.account),
                "old": _risk(r.old_risk_level, lang),
                "new": _risk(r.new_risk_level, lang),
            }
            if basis != "count":
                words["revenue"] = w.value("money", r.revenue)
            lines.append("  " + tb("cli.compare.account", lang, basis, **words))
        if len(frame) > top:
            lines.append("  " + tn("cli.compare.more", len(frame) - top, lang))
    rose = changes.sole_revenue_rose
    title = t("page.rising_staff", lang)
    lines.append("")
    if rose.empty:
        lines.append(t("cli.compare.list.none", lang, title=title))
    else:
        lines.append(t("cli.compare.list", lang, title=title, n=len(rose)))
        for r in rose.head(top).itertuples(index=False):
            lines.append(
                "  "
                + t(
                    "cli.compare.staff",
                    lang,
                    staff=_printable(r.staff),
                    old=w.value("money", r.old),
                    new=w.value("money", r.new),
                    delta=w.value("money", r.delta),
                )
            )
        if len(rose) > top:
            lines.append("  " + tn("cli.compare.more", len(rose) - top, lang))
    if len(changes.new_accounts) or len(changes.lost_accounts):
        lines.append("")
        lines.append(
            t(
                "cli.compare.new_accounts",
                lang,
                new=len(changes.new_accounts),
                lost=len(changes.lost_accounts),
            )
        )
    return "\n".join(lines)
