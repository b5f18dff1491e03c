"""Small HTML pieces for the notebook views (``_repr_html_``) of the result objects."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

__all__ = ["cell_text", "frame_table"]


def cell_text(value: Any, decimals: int = 2) -> str:
    """Return a table value as the notebook views show it.

    Tuples are joined by ``", "``, missing values are empty, floats have thousands separators.

    Examples
    --------
    >>> cell_text(("Ann", "Bob")), cell_text(float("nan")), cell_text(1234.5, 0)
    ('Ann, Bob', '', '1,234')
    """
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:,.{decimals}f}"
    return str(value)


def frame_table(frame: pd.DataFrame, cols: Sequence[str], limit: int, decimals: int = 2) -> str:
    """Return the first ``limit`` rows of ``frame[cols]`` as an escaped HTML table.

    Examples
    --------
    >>> frame_table(pd.DataFrame({"a": ["<x>"], "b": [1.5]}), ["a", "b"], 5)
    '<table><tr><th>a</th><th>b</th></tr><tr><td>&lt;x&gt;</td><td>1.50</td></tr></table>'
    """
    esc = html.escape
    head = "".join(f"<th>{esc(c)}</th>" for c in cols)
    body = "".join(
        "<tr>" + "".join(f"<td>{esc(cell_text(v, decimals))}</td>" for v in rec) + "</tr>"
        for rec in frame[list(cols)].head(limit).astype(object).itertuples(index=False)
    )
    return f"<table><tr>{head}</tr>{body}</table>"
