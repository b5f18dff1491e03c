"""Charts: the title says the finding, the series equal the analysis, files are deterministic."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from keyrisk import Dataset, analyse
from keyrisk.analysis import Analysis
from keyrisk.errors import UsageError
from keyrisk.report import charts
from keyrisk.report.labels import NBSP
from tests.conftest import four_accounts


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return four_accounts()


def title(fig: Figure) -> str:
    return fig.axes[0].get_title(loc="left")


def test_revenue_held_bars(analysis: Analysis) -> None:
    fig = charts.revenue_held_chart(analysis, lang="en")
    ax = fig.axes[0]
    assert title(fig) == "Ann alone holds 60% of revenue"
    alone, shared = ax.containers
    assert [r.get_width() for r in alone] == [600.0, 100.0]
    assert [r.get_width() for r in shared] == [200.0, 200.0]
    assert [tick.get_text() for tick in ax.get_yticklabels()] == ["Ann", "Bob"]
    fr = charts.revenue_held_chart(analysis, lang="fr")
    assert title(fr) == f"Sans Ann, 60{NBSP}% du CA n'aurait plus de détenteur"


def test_bus_factor_bars(analysis: Analysis) -> None:
    fig = charts.bus_factor_chart(analysis, lang="en")
    accounts, revenue = fig.axes[0].containers
    assert [r.get_height() for r in accounts] == [0.25, 0.5, 0.25, 0.0]
    assert [r.get_height() for r in revenue] == pytest.approx([0.1, 0.7, 0.2, 0.0])
    assert title(fig) == "80% of revenue has one active holder, or none left"


def test_concentration_curve(analysis: Analysis) -> None:
    fig = charts.concentration_chart(analysis, lang="en")
    alone = fig.axes[0].get_lines()[0]
    assert np.asarray(alone.get_xdata()).tolist() == [0, 1, 2, 3]
    assert np.asarray(alone.get_ydata()).tolist() == pytest.approx([0.0, 0.6, 0.7, 0.7])
    weighted = fig.axes[0].get_lines()[1]
    assert np.asarray(weighted.get_ydata()).tolist() == pytest.approx([0.0, 0.55, 0.9, 1.0])
    assert title(fig) == "The top 3 people alone hold 70% of revenue"


def test_orphaned_steps(analysis: Analysis) -> None:
    fig = charts.orphaned_chart(analysis, lang="en")
    line = fig.axes[0].get_lines()[0]
    assert np.asarray(line.get_ydata()).tolist() == pytest.approx([0.1, 0.7])
    assert title(fig) == "If Ann leaves, 70% of revenue has no holder left"
    ticks = [tick.get_text() for tick in fig.axes[0].get_xticklabels()]
    assert ticks == ["today", "+ Ann"]
    fr = charts.orphaned_chart(analysis, lang="fr")
    assert title(fr) == f"Si Ann part, 70{NBSP}% du CA n'a plus de détenteur"


def test_network_and_heatmap(analysis: Analysis) -> None:
    g = charts.network_graph(analysis)
    assert sorted(n for n in g.nodes if n[0] == "account") == [
        ("account", a) for a in ["Acme", "Beta", "Delta", "Gamma"]
    ]
    assert sorted(n[1] for n in g.nodes if n[0] == "staff") == ["Ann", "Bob", "Cid"]
    assert g.nodes[("staff", "Cid")]["active"] is False
    fig = charts.network_chart(analysis, lang="en")
    assert title(fig) == "The 4 riskiest accounts: 3 have one holder or none"
    matrix = charts.heatmap_matrix(analysis)
    assert list(matrix.index) == ["Acme", "Beta", "Delta", "Gamma"]
    assert matrix.loc["Acme", "Ann"] == pytest.approx(0.75)
    heat = charts.heatmap_chart(analysis, lang="en")
    assert title(heat) == "2 of the 4 largest accounts rest 80% or more on one person"
    array = heat.axes[0].get_images()[0].get_array()
    assert array is not None and array.shape == (4, len(matrix.columns))


def test_clients_chart(analysis: Analysis) -> None:
    fig = charts.clients_chart(analysis, lang="en")
    bars = fig.axes[0].containers[0]
    assert [r.get_height() for r in bars] == pytest.approx([0.6, 0.2, 0.1, 0.1])
    assert title(fig) == "A single client makes half of revenue: it weighs 60%"


def test_draws_on_a_given_axes(analysis: Analysis) -> None:
    fig = Figure()
    ax = fig.add_subplot()
    assert charts.orphaned_chart(analysis, lang="en", ax=ax) is fig
    assert ax.get_title(loc="left").startswith("If Ann leaves")


def test_dollars_and_long_names_are_literal(tmp_path: Path) -> None:
    name = "Price $x^2$ and $\\frac{1}{0}$ " + "very long name " * 5
    ds = Dataset.from_frames(
        pd.DataFrame({"account": [name, "B"], "staff": ["$Dollar$ Bob", "Ann"]})
    )
    a = analyse(ds)
    for fn in charts.CHARTS.values():
        fig = fn(a, lang="en")
        fig.canvas.draw()  # raises if mathtext tried to parse the names
        texts = [t.get_text() for ax in fig.axes for t in ax.texts]
        texts += [t.get_text() for ax in fig.axes for t in ax.get_xticklabels()]
        texts += [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
        texts += [title(fig)]
        assert all(not re.search(r"(?<!\\)\$", s) for s in texts)
        assert all(len(s) < 120 for s in texts)
    fig = charts.revenue_held_chart(a, lang="en")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert r"\$Dollar\$ Bob" in labels


def test_save_charts_is_deterministic(analysis: Analysis, tmp_path: Path) -> None:
    names = ["orphaned", "bus_factor"]
    first = charts.save_charts(analysis, tmp_path / "a", "fr", names=names)
    second = charts.save_charts(analysis, tmp_path / "b", "fr", names=names)
    assert [p.name for p in first] == ["orphaned.png", "bus_factor.png"]
    for p, q in zip(first, second, strict=True):
        assert p.parent == tmp_path / "a" / "charts"
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert p.read_bytes() == q.read_bytes()


def test_unknown_language(analysis: Analysis) -> None:
    with pytest.raises(UsageError):
        charts.bus_factor_chart(analysis, lang="de")


def test_a_name_the_font_cannot_draw_raises_no_warning(tmp_path: Path) -> None:
    """Full-width or rare characters are drawn as boxes, without a warning on stderr."""
    frame = pd.DataFrame(
        {
            "account": ["＝Ｘ", "＝Ｘ", "B"],
            "staff": ["Ｍａｒｉｅ 𓀀", "Ｍａｒｉｅ 𓀀", "Jean"],
            "date": ["2024-01-01", "2024-01-02", "2024-01-02"],
        }
    )
    analysis = analyse(Dataset.from_frames(frame))
    paths = charts.save_charts(analysis, tmp_path, "en", names=["revenue_held", "network"])
    assert [p.name for p in paths] == ["revenue_held.png", "network.png"]
