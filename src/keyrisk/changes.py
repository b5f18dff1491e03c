"""What changed between two runs: accounts, people, key figures, and the method itself.

:func:`compare` takes two snapshots (:mod:`keyrisk.history`) or live analyses and says which
accounts became at risk, were made safe or were orphaned since, whose revenue held alone rose,
the deltas of the key figures, and which parameters differ, so that a change of method is not
read as a change of risk.
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from keyrisk._html import frame_table
from keyrisk.errors import UsageError
from keyrisk.history import Snapshot, load_snapshot, snapshot_of
from keyrisk.settings import Settings
from keyrisk.trend import FIGURES

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis

__all__ = ["AFFECTS_FIGURES", "AT_RISK", "SAFE", "Changes", "compare", "compare_runs"]

#: Risk levels of an account "at risk": orphaned or resting on one active holder.
AT_RISK = ("critical", "high")
#: Risk levels of a "safe" account: two active holders or more.
SAFE = ("medium", "low")
#: Parameters that change the risk figures (the others only change the plan or the simulation).
AFFECTS_FIGURES = frozenset(
    {
        "window_days",
        "half_life_days",
        "kind_weights",
        "holder_ratio",
        "min_interactions",
        "inactive_days",
        "revenue_days",
        "coverage",
        "exact_time_limit",
        "revenue_basis",
        "keyrisk_version",
        "pseudonymised",
    }
)

_ACCOUNT_CHANGE_COLUMNS = [
    "account",
    "revenue",
    "old_risk_level",
    "new_risk_level",
    "old_bus_factor",
    "new_bus_factor",
    "old_holders",
    "new_holders",
]


@dataclass(frozen=True)
class Changes:
    """What changed from an old run to a new one (see :func:`compare`).

    Attributes
    ----------
    old, new : keyrisk.history.Snapshot
        The two runs.
    accounts : pandas.DataFrame
        Every account of either run: ``account``, ``revenue`` (new run's, else the old),
        ``old_risk_level``, ``new_risk_level``, ``old_bus_factor``, ``new_bus_factor``,
        ``old_holders``, ``new_holders`` (<NA> / empty tuple on the side where it is absent),
        by new revenue descending then account.
    newly_at_risk, made_safe, orphaned_since : pandas.DataFrame
        Rows of ``accounts`` (same columns): accounts of both runs not at risk before and at risk
        now; at risk before and safe now; not orphaned before and orphaned now.
    new_accounts, lost_accounts : pandas.DataFrame
        Rows of ``accounts`` only in the new run, only in the old one.
    sole_revenue_rose : pandas.DataFrame
        ``staff``, ``old``, ``new``, ``delta`` (revenue held alone), ``old_n_sole``,
        ``new_n_sole``: people of the new run whose revenue held alone rose (0 when absent
        before), largest rise first.
    figures : pandas.DataFrame
        ``figure``, ``old``, ``new``, ``delta`` (new - old; None when either is None) for
        :data:`keyrisk.trend.FIGURES`.
    parameters : pandas.DataFrame
        ``parameter``, ``old``, ``new``, ``affects_figures``: the parameters that differ
        (``as_of`` left out), and ``revenue_basis``, ``keyrisk_version`` and
        ``pseudonymised`` when they differ.
    """

    old: Snapshot
    new: Snapshot
    accounts: pd.DataFrame
    newly_at_risk: pd.DataFrame
    made_safe: pd.DataFrame
    orphaned_since: pd.DataFrame
    new_accounts: pd.DataFrame
    lost_accounts: pd.DataFrame
    sole_revenue_rose: pd.DataFrame
    figures: pd.DataFrame
    parameters: pd.DataFrame

    @property
    def method_changed(self) -> bool:
        """True when a parameter that changes the risk figures differs between the runs."""
        return bool(self.parameters["affects_figures"].any())

    def summary_dict(self) -> dict[str, Any]:
        """Return the changes as plain JSON data (summary.json's ``changes``)."""
        from keyrisk.analysis import _json

        def side(s: Snapshot) -> dict[str, Any]:
            return {
                "id": s.id,
                "as_of": None if s.as_of is None else s.as_of.isoformat(),
                "created": s.created,
            }

        out = {
            "old": side(self.old),
            "new": side(self.new),
            "figures": {
                r.figure: {"old": r.old, "new": r.new, "delta": r.delta}
                for r in self.figures.itertuples(index=False)
            },
            "newly_at_risk": self.newly_at_risk["account"].tolist(),
            "made_safe": self.made_safe["account"].tolist(),
            "orphaned_since": self.orphaned_since["account"].tolist(),
            "new_accounts": self.new_accounts["account"].tolist(),
            "lost_accounts": self.lost_accounts["account"].tolist(),
            "sole_revenue_rose": self.sole_revenue_rose[["staff", "old", "new", "delta"]].to_dict(
                "records"
            ),
            "parameters_changed": self.parameters[["parameter", "old", "new"]].to_dict("records"),
            "method_changed": self.method_changed,
        }
        result: dict[str, Any] = _json(out)
        return result

    def __repr__(self) -> str:
        return (
            f"<Changes {self.old.as_of} -> {self.new.as_of}: "
            f"{len(self.newly_at_risk)} newly at risk, {len(self.made_safe)} made safe, "
            f"{len(self.orphaned_since)} orphaned since"
            + (", method changed" if self.method_changed else "")
            + ">"
        )

    def _repr_html_(self) -> str:
        esc = html.escape
        parts = [
            '<div class="keyrisk-changes">',
            f"<p><strong>{esc(str(self.old.as_of))} &rarr; {esc(str(self.new.as_of))}</strong></p>",
        ]
        if len(self.parameters):
            parts.append("<h4>Parameters that differ (a change of method)</h4>")
            parts.append(
                frame_table(self.parameters, ["parameter", "old", "new", "affects_figures"], 20)
            )
        parts.append("<h4>Key figures</h4>")
        parts.append(frame_table(self.figures, ["figure", "old", "new", "delta"], 30))
        cols = ["account", "revenue", "old_risk_level", "new_risk_level"]
        for title, frame in (
            ("newly at risk", self.newly_at_risk),
            ("made safe", self.made_safe),
            ("orphaned since", self.orphaned_since),
        ):
            parts.append(f"<h4>{esc(title)} ({len(frame)})</h4>")
            parts.append(frame_table(frame, cols, 10))
        parts.append(f"<h4>revenue held alone rose ({len(self.sole_revenue_rose)})</h4>")
        parts.append(frame_table(self.sole_revenue_rose, ["staff", "old", "new", "delta"], 10))
        parts.append("</div>")
        return "".join(parts)


def _as_snapshot(run: Snapshot | Analysis) -> Snapshot:
    if isinstance(run, Snapshot):
        return run
    return snapshot_of(run, summary={})


def _delta(old: Any, new: Any) -> Any:
    if old is None or new is None or pd.isna(old) or pd.isna(new):
        return None
    return new - old


def _figures(old: Snapshot, new: Snapshot) -> pd.DataFrame:
    rows = []
    for name in FIGURES:
        a, b = old.figures.get(name), new.figures.get(name)
        rows.append({"figure": name, "old": a, "new": b, "delta": _delta(a, b)})
    return pd.DataFrame(rows, columns=["figure", "old", "new", "delta"]).astype(
        {"figure": "string"}
    )


def _parameters(old: Snapshot, new: Snapshot) -> pd.DataFrame:
    rows = []
    for name in Settings.names():
        if name == "as_of":
            continue
        a, b = old.parameters.get(name), new.parameters.get(name)
        if a != b:
            rows.append({"parameter": name, "old": a, "new": b})
    for name in ("revenue_basis", "keyrisk_version", "pseudonymised"):
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            rows.append({"parameter": name, "old": a, "new": b})
    frame = pd.DataFrame(rows, columns=["parameter", "old", "new"])
    frame["affects_figures"] = frame["parameter"].isin(AFFECTS_FIGURES).astype(bool)
    return frame.astype({"parameter": "string"})


def _accounts(old: Snapshot, new: Snapshot) -> pd.DataFrame:
    cols = ["account", "revenue", "risk_level", "bus_factor", "orphaned", "holders"]
    a = old.accounts[cols].set_index("account")
    b = new.accounts[cols].set_index("account")
    merged = a.merge(b, how="outer", left_index=True, right_index=True, suffixes=("_old", "_new"))
    frame = pd.DataFrame(
        {
            "account": merged.index.astype(str),
            "revenue": merged["revenue_new"].fillna(merged["revenue_old"]).to_numpy(),
            "old_risk_level": merged["risk_level_old"].to_numpy(),
            "new_risk_level": merged["risk_level_new"].to_numpy(),
            "old_bus_factor": merged["bus_factor_old"].to_numpy(),
            "new_bus_factor": merged["bus_factor_new"].to_numpy(),
            "old_holders": [h if isinstance(h, tuple) else () for h in merged["holders_old"]],
            "new_holders": [h if isinstance(h, tuple) else () for h in merged["holders_new"]],
            "_old_orphaned": merged["orphaned_old"].to_numpy(),
            "_new_orphaned": merged["orphaned_new"].to_numpy(),
        }
    )
    frame = frame.astype(
        {
            "account": "string",
            "revenue": "float64",
            "old_risk_level": "string",
            "new_risk_level": "string",
            "old_bus_factor": "Int64",
            "new_bus_factor": "Int64",
        }
    )
    order = frame.assign(_r=frame["revenue"].fillna(-1.0)).sort_values(
        ["_r", "account"], ascending=[False, True], kind="stable"
    )
    return order.drop(columns="_r").reset_index(drop=True)


def _staff(old: Snapshot, new: Snapshot) -> pd.DataFrame:
    a = old.staff.set_index("staff")[["revenue_sole", "n_sole"]]
    b = new.staff.set_index("staff")[["revenue_sole", "n_sole"]]
    merged = b.merge(a, how="left", left_index=True, right_index=True, suffixes=("_new", "_old"))
    frame = pd.DataFrame(
        {
            "staff": merged.index.astype(str),
            "old": merged["revenue_sole_old"].fillna(0.0).to_numpy(dtype="float64"),
            "new": merged["revenue_sole_new"].to_numpy(dtype="float64"),
            "old_n_sole": merged["n_sole_old"].fillna(0).to_numpy(dtype="int64"),
            "new_n_sole": merged["n_sole_new"].to_numpy(dtype="int64"),
        }
    )
    frame["delta"] = frame["new"] - frame["old"]
    rose = frame[frame["delta"] > 1e-9 * frame[["old", "new"]].abs().max(axis=1).clip(lower=1.0)]
    rose = rose.sort_values(["delta", "staff"], ascending=[False, True], kind="stable")
    cols = ["staff", "old", "new", "delta", "old_n_sole", "new_n_sole"]
    return rose[cols].astype({"staff": "string"}).reset_index(drop=True)


def compare(old: Snapshot | Analysis, new: Snapshot | Analysis) -> Changes:
    """Return what changed from the run ``old`` to the run ``new``.

    Parameters
    ----------
    old, new : keyrisk.history.Snapshot or keyrisk.Analysis
        Two runs of the same company (a live analysis is compared through
        :func:`keyrisk.history.snapshot_of`).

    Returns
    -------
    Changes

    Notes
    -----
    An account is *at risk* when its risk level is critical or high (orphaned, or one active
    holder), *safe* when it is medium or low (two active holders or more); dormant accounts are
    neither. Newly at risk: in both runs, not at risk in ``old``, at risk in ``new``. Made safe:
    at risk in ``old``, safe in ``new``. Orphaned since: not orphaned in ``old``, orphaned in
    ``new``. These lists can overlap (an account may be newly at risk and orphaned since).
    Revenue held alone rose: ``revenue_sole_new - revenue_sole_old > 0`` (0 for a person absent
    from ``old``). Names are matched as written: a pseudonymised run and a clear one do not
    match, and ``parameters`` says so (``pseudonymised``).

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk import Dataset, analyse
    >>> old = analyse(Dataset.from_frames(pd.DataFrame(
    ...     {"account": ["A", "A"], "staff": ["Ann", "Bob"]})))
    >>> new = analyse(Dataset.from_frames(pd.DataFrame({"account": ["A"], "staff": ["Ann"]})))
    >>> ch = compare(old, new)
    >>> ch.newly_at_risk["account"].tolist(), ch.sole_revenue_rose["staff"].tolist()
    (['A'], ['Ann'])
    """
    a, b = _as_snapshot(old), _as_snapshot(new)
    accounts = _accounts(a, b)
    both = accounts["old_risk_level"].notna() & accounts["new_risk_level"].notna()
    old_risk = accounts["old_risk_level"].isin(AT_RISK).fillna(False).astype(bool)
    new_risk = accounts["new_risk_level"].isin(AT_RISK).fillna(False).astype(bool)
    new_safe = accounts["new_risk_level"].isin(SAFE).fillna(False).astype(bool)
    old_orph = accounts["_old_orphaned"].fillna(False).astype(bool)
    new_orph = accounts["_new_orphaned"].fillna(False).astype(bool)
    shown = accounts.drop(columns=["_old_orphaned", "_new_orphaned"])

    def pick(mask: pd.Series) -> pd.DataFrame:
        return shown[mask.to_numpy(dtype=bool)].reset_index(drop=True)

    return Changes(
        old=a,
        new=b,
        accounts=shown,
        newly_at_risk=pick(both & ~old_risk & new_risk),
        made_safe=pick(both & old_risk & new_safe),
        orphaned_since=pick(both & ~old_orph & new_orph),
        new_accounts=pick(accounts["old_risk_level"].isna()),
        lost_accounts=pick(accounts["new_risk_level"].isna()),
        sole_revenue_rose=_staff(a, b),
        figures=_figures(a, b),
        parameters=_parameters(a, b),
    )


Run = int | str | os.PathLike[str] | Sequence[str | os.PathLike[str]]


def _snapshot_id(run: Run, side: str) -> int:
    text = str(run).strip() if isinstance(run, int | str) else ""
    if not text.isdigit() or int(text) < 1:
        raise UsageError(
            f"With a history, {side} is a snapshot number (1, 2, ... as 'keyrisk history' "
            f"lists them); got {run!r}."
        )
    return int(text)


def _paths(run: Run) -> list[str | os.PathLike[str]]:
    if isinstance(run, int) or (
        isinstance(run, str) and run.strip().isdigit() and not os.path.exists(run)
    ):
        raise UsageError(
            f"{str(run).strip()} is not a file: a snapshot number needs the history file "
            "(keyrisk compare --history FILE OLD NEW)."
        )
    if isinstance(run, str | os.PathLike):
        return [run]
    return list(run)


def compare_runs(
    old: Run,
    new: Run,
    *,
    history: str | os.PathLike[str] | None = None,
    params: Mapping[str, Any] | None = None,
    load_options: Mapping[str, Any] | None = None,
) -> Changes:
    """Return what changed from ``old`` to ``new``: two snapshots of a history, or two exports.

    Parameters
    ----------
    old, new : int, str, path-like or list of paths
        With ``history``: snapshot numbers (an int or its digits, as ``keyrisk history`` lists
        them). Without: the exports of each run, a path or a list of paths, each loaded with
        :func:`keyrisk.load` and ``load_options``, and analysed with ``settings``.
    history : path-like, optional
        The history file (:mod:`keyrisk.history`) the snapshots are read from.
    params : mapping, optional
        Method parameters of both analyses of exports (:class:`keyrisk.Settings` names), over
        those of the configuration file; ``as_of`` defaults to each export's latest interaction.
    load_options : mapping, optional
        Keyword arguments of :func:`keyrisk.load` for both exports (``accounts``, ``staff``,
        ``config``, ``sep``...): the same side files serve both runs.

    Returns
    -------
    Changes

    Raises
    ------
    keyrisk.errors.UsageError
        A snapshot number that is not one, or a snapshot number without a history.
    keyrisk.errors.HistoryError
        The history cannot be read, or has no such snapshot.
    keyrisk.errors.InputError
        An export cannot be read.

    Notes
    -----
    The comparison itself is :func:`compare`. Two snapshots compare the runs as they were
    recorded, each with its own method and side files; two exports are analysed now, with one
    method and one set of side files.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> days = ["2026-01-05", "2026-02-05"]
    >>> q1 = pd.DataFrame({"account": "A", "staff": ["Ann", "Ann", "Bob", "Bob"], "date": days * 2})
    >>> q2 = pd.DataFrame({"account": "A", "staff": "Ann", "date": days})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     old, new = pathlib.Path(d) / "q1.csv", pathlib.Path(d) / "q2.csv"
    ...     q1.to_csv(old, index=False), q2.to_csv(new, index=False)
    ...     compare_runs(old, new).newly_at_risk["account"].tolist()
    (None, None)
    ['A']
    """
    if history is not None:
        a = load_snapshot(history, _snapshot_id(old, "OLD"))
        b = load_snapshot(history, _snapshot_id(new, "NEW"))
        return compare(a, b)
    from keyrisk.analysis import analyse
    from keyrisk.ingest import load

    options = dict(load_options or {})
    old_paths, new_paths = _paths(old), _paths(new)
    method = dict(params or {})
    a_run = analyse(load(old_paths, **options), **method)
    b_run = analyse(load(new_paths, **options), **method)
    return compare(a_run, b_run)
