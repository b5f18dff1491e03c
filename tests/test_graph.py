"""The relationship graph."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from keyrisk.analysis import analyse
from keyrisk.graph import account_node, build_graph, staff_node
from keyrisk.model import Dataset


def test_same_name_staff_and_account_stay_two_nodes() -> None:
    inter = pd.DataFrame(
        {
            "account": ["Dupont", "Dupont", "Dupont", "Martin"],
            "staff": ["Dupont", "Dupont", "Lea", "Lea"],
            "date": pd.Timestamp("2024-06-30"),
        }
    )
    accounts = pd.DataFrame({"account": ["Dupont", "Martin", "Idle"], "revenue": [10.0, 5.0, None]})
    staff = pd.DataFrame({"staff": ["Dupont", "Lea"], "role": ["sales", "support"]})
    a = analyse(Dataset.from_frames(inter, accounts, staff))
    g = a.graph
    assert isinstance(g, nx.Graph)
    assert sorted(g.nodes) == [
        ("account", "Dupont"),
        ("account", "Idle"),
        ("account", "Martin"),
        ("staff", "Dupont"),
        ("staff", "Lea"),
    ]
    assert g.number_of_edges() == 3
    assert nx.is_bipartite(g)
    d = g.nodes[staff_node("Dupont")]
    assert (d["kind"], d["name"], d["role"], d["revenue"], d["active"]) == (
        "staff",
        "Dupont",
        "sales",
        None,
        True,
    )
    acc = g.nodes[account_node("Dupont")]
    assert (acc["kind"], acc["revenue"], acc["role"]) == ("account", 10.0, None)
    assert g.nodes[account_node("Idle")]["revenue"] is None
    assert g.degree(account_node("Idle")) == 0
    e = g.edges[staff_node("Dupont"), account_node("Dupont")]
    assert e["weight"] == 2.0 and e["count"] == 2
    assert e["share"] == 2 / 3
    assert e["holder"] is True
    assert e["last_date"] == pd.Timestamp("2024-06-30")
    weak = g.edges[staff_node("Lea"), account_node("Dupont")]
    assert weak["holder"] is False  # 1 >= 0.5 * 2, but a single interaction and not top
    assert type(e["weight"]) is float and type(e["count"]) is int


def test_build_graph_is_pure() -> None:
    h = pd.DataFrame(
        {
            "account": ["A"],
            "staff": ["Ann"],
            "weight": [1.0],
            "count": [1],
            "share": [1.0],
            "last_date": [pd.NaT],
            "is_holder": [True],
            "active": [False],
        }
    )
    acc = pd.DataFrame({"account": ["A"], "revenue": [3.0], "orphaned": [True]})
    st = pd.DataFrame({"staff": ["Ann"], "role": [None], "active": [False]})
    before = (h.copy(), acc.copy(), st.copy())
    g = build_graph(h, acc, st)
    pd.testing.assert_frame_equal(h, before[0])
    pd.testing.assert_frame_equal(acc, before[1])
    pd.testing.assert_frame_equal(st, before[2])
    assert g.nodes[staff_node("Ann")]["active"] is False
    assert g.nodes[account_node("A")]["active"] is False
    assert g.edges[staff_node("Ann"), account_node("A")]["last_date"] is None
