"""The relationship graph: staff and accounts as nodes, weighted relationships as edges."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pandas as pd

__all__ = ["account_node", "build_graph", "staff_node"]


def staff_node(name: str) -> tuple[str, str]:
    """Return the graph node of a staff member: ``("staff", name)``."""
    return ("staff", name)


def account_node(name: str) -> tuple[str, str]:
    """Return the graph node of an account: ``("account", name)``."""
    return ("account", name)


def _py(value: Any) -> Any:
    """Turn a pandas / numpy scalar into a plain Python value (missing -> None)."""
    if value is None:
        return None
    if isinstance(value, tuple | list):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return value
    if isinstance(value, pd.Timestamp):
        return value
    if hasattr(value, "item"):
        return value.item()
    return value


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    present = [c for c in columns if c in frame.columns]
    rows = frame[present].astype(object).to_dict(orient="records")
    return [{str(k): _py(v) for k, v in row.items()} for row in rows]


def build_graph(holders: pd.DataFrame, accounts: pd.DataFrame, staff: pd.DataFrame) -> nx.Graph:
    """Build the bipartite relationship graph.

    Parameters
    ----------
    holders : pandas.DataFrame
        All edges (account, staff, weight, count, share, last_date, is_holder, active), as
        :attr:`keyrisk.analysis.Analysis.holders`.
    accounts : pandas.DataFrame
        The per-account table (account, revenue, bus_factor, orphaned, risk_level...).
    staff : pandas.DataFrame
        The per-staff table (staff, role, active...).

    Returns
    -------
    networkx.Graph
        Nodes are ``("staff", name)`` and ``("account", name)`` tuples, so that a staff member and
        an account with the same name stay two nodes. Node attributes: ``kind`` ("staff" or
        "account"), ``name``, ``role`` (None for accounts), ``revenue`` (None for staff and for
        unknown revenue), ``active`` (staff: active or gone; accounts: not orphaned), plus
        ``bus_factor`` and ``risk_level`` on accounts. Edge attributes: ``weight``, ``count``,
        ``share``, ``last_date`` (Timestamp or None), ``holder`` (bool) and ``active`` (bool).

    Notes
    -----
    Pure function: the inputs are not modified. Every staff member and account of the tables is
    a node, even without an edge.

    Examples
    --------
    >>> import pandas as pd
    >>> h = pd.DataFrame({"account": ["Dupont"], "staff": ["Dupont"], "weight": [2.0],
    ...     "count": [2], "share": [1.0], "last_date": [pd.NaT], "is_holder": [True],
    ...     "active": [True]})
    >>> acc = pd.DataFrame({"account": ["Dupont"], "revenue": [10.0], "orphaned": [False]})
    >>> st = pd.DataFrame({"staff": ["Dupont"], "role": ["sales"], "active": [True]})
    >>> g = build_graph(h, acc, st)
    >>> sorted(g.nodes), g.edges[("staff", "Dupont"), ("account", "Dupont")]["holder"]
    ([('account', 'Dupont'), ('staff', 'Dupont')], True)
    """
    graph = nx.Graph()
    staff_rows = _records(staff, ["staff", "role", "active"])
    graph.add_nodes_from(
        (
            staff_node(row["staff"]),
            {
                "kind": "staff",
                "name": row["staff"],
                "role": row.get("role"),
                "revenue": None,
                "active": bool(row["active"]) if row.get("active") is not None else True,
            },
        )
        for row in staff_rows
    )
    account_rows = _records(
        accounts, ["account", "revenue", "orphaned", "bus_factor", "risk_level"]
    )
    graph.add_nodes_from(
        (
            account_node(row["account"]),
            {
                "kind": "account",
                "name": row["account"],
                "role": None,
                "revenue": row.get("revenue"),
                "active": not bool(row.get("orphaned") or False),
                "bus_factor": row.get("bus_factor"),
                "risk_level": row.get("risk_level"),
            },
        )
        for row in account_rows
    )
    edge_rows = _records(
        holders,
        ["account", "staff", "weight", "count", "share", "last_date", "is_holder", "active"],
    )
    for row in edge_rows:
        for node, kind, key in (
            (staff_node(row["staff"]), "staff", "staff"),
            (account_node(row["account"]), "account", "account"),
        ):
            if node not in graph:
                graph.add_node(node, kind=kind, name=row[key], role=None, revenue=None, active=True)
    graph.add_edges_from(
        (
            staff_node(row["staff"]),
            account_node(row["account"]),
            {
                "weight": float(row.get("weight") or 0.0),
                "count": int(row.get("count") or 0),
                "share": row.get("share"),
                "last_date": row.get("last_date"),
                "holder": bool(row.get("is_holder") or False),
                "active": bool(row["active"]) if row.get("active") is not None else True,
            },
        )
        for row in edge_rows
    )
    return graph
