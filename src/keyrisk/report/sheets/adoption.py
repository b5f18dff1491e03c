"""The CRM adoption sheet: who logs activity in the CRM, 1, 3 and 6 months after roll-out.

From :meth:`keyrisk.analysis.Analysis.adoption` (see :func:`keyrisk.adoption.crm_adoption`):
the roll-out date used, the adoption at M+1, M+3 and M+6 overall and per team (department),
the people and the teams who log nothing, and a per-person monthly table (capped; the full
table is adoption.csv). A dataset without dates says that adoption cannot be audited; one
without departments says which column would give the teams.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pandas as pd

from keyrisk.i18n import short_date
from keyrisk.report import labels as lb
from keyrisk.report.labels import t, tn
from keyrisk.report.sheets._blocks import (
    Block,
    Column,
    ImageSpec,
    Paragraph,
    SheetSpec,
    Table,
    _plain,
    _widths,
    last_row,
)

if TYPE_CHECKING:
    from keyrisk.adoption import Adoption
    from keyrisk.analysis import Analysis

__all__ = [
    "ADOPTION_CSV_COLUMNS",
    "MAX_ADOPTION_MONTHS",
    "MAX_ADOPTION_ROWS",
    "adoption_frame",
    "adoption_sheet",
    "audit",
    "team_months",
]

#: People shown in the monthly table at most (the full table is in adoption.csv).
MAX_ADOPTION_ROWS = 60
#: Months shown in the monthly table at most (the first ones after roll-out).
MAX_ADOPTION_MONTHS = 12
#: Columns of adoption.csv, in order (docs/api-contract.md): one row per person and month.
ADOPTION_CSV_COLUMNS = [
    "staff",
    "team",
    "role",
    "month",
    "start",
    "end",
    "expected",
    "logged",
    "logs_nothing",
]


def audit(analysis: Analysis, since: dt.date | str | None = None) -> Adoption | None:
    """Return the CRM adoption audit of ``analysis``, None when the data has no date.

    A roll-out date after the analysis date still raises :class:`~keyrisk.errors.UsageError`.
    """
    if analysis.dataset.interactions["date"].notna().sum() == 0:
        return None
    return analysis.adoption(since)


def team_months(adoption: Adoption) -> pd.DataFrame:
    """Return the adoption of each month after roll-out (rows, from 1) per team (columns).

    ``adoption = people of the team expected that month who logged / people expected``; NaN
    when nobody of the team is expected that month. The column ``""`` is the whole company.

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk import Dataset
    >>> from keyrisk.adoption import crm_adoption
    >>> ds = Dataset.from_frames(
    ...     pd.DataFrame({"account": "X", "staff": ["Ann"], "date": ["2026-01-05"]}),
    ...     staff=pd.DataFrame({"staff": ["Ann", "Bob"], "department": ["Sales", "Ops"]}))
    >>> team_months(crm_adoption(ds.interactions, ds.staff)).to_dict("list")
    {'': [0.5], 'Ops': [0.0], 'Sales': [1.0]}
    """
    m = adoption.monthly[adoption.monthly["expected"]]
    active = m.assign(active=m["logged"] > 0)
    overall = active.groupby("month")["active"].mean().rename("")
    per = active.groupby(["month", "team"])["active"].mean().unstack("team")
    months = pd.Index(sorted(set(adoption.monthly["month"])), name="month")
    out = pd.concat([overall, per], axis=1).reindex(months).astype(float)
    out.columns = [str(c) for c in out.columns]
    return out


def adoption_frame(adoption: Adoption | None) -> pd.DataFrame:
    """Return adoption.csv: one row per person and month since roll-out (up to the analysis
    date), with :data:`ADOPTION_CSV_COLUMNS`; empty with these columns without an audit."""
    if adoption is None:
        return pd.DataFrame(columns=ADOPTION_CSV_COLUMNS)
    people = adoption.people.set_index("staff")
    m = adoption.monthly.copy()
    m["role"] = m["staff"].map(people["role"])
    m["logs_nothing"] = m["staff"].map(people["logs_nothing"]).astype(bool)
    return m[ADOPTION_CSV_COLUMNS].reset_index(drop=True)


def team_name(team: object, lang: str) -> str:
    """The team's name as shown, :data:`keyrisk.adoption.NO_TEAM` in ``lang``."""
    from keyrisk.adoption import NO_TEAM

    return t("ad.no_team", lang) if str(team) == NO_TEAM else str(team)


def _share(value: Any) -> Any:
    return None if value is None or pd.isna(value) else float(value)


def _overview(a: Adoption, lang: str) -> Table:
    rows = []
    for r in a.checkpoints.itertuples(index=False):
        if not r.reached:
            state = t("ad.not_reached", lang)
        elif not r.complete:
            state = t("ad.incomplete", lang)
        else:
            state = ""
        period = f"{short_date(r.start, lang)} – {short_date(r.end, lang)}"
        rows.append(
            (
                f"M+{int(r.checkpoint)}",
                period,
                int(r.expected) if r.reached else None,
                int(r.logging) if r.reached else None,
                _share(r.adoption),
                int(r.interactions) if r.reached else None,
                state,
            )
        )
    cols = (
        Column(t("ad.col.checkpoint", lang), "checkpoint"),
        Column(t("ad.col.period", lang), "period"),
        Column(t("ad.col.expected", lang), "expected", "int"),
        Column(t("ad.col.logging", lang), "logging", "int"),
        Column(t("ad.col.adoption", lang), "adoption", "percent"),
        Column(t("ad.col.interactions", lang), "interactions", "int"),
        Column(t("ad.col.state", lang), "state"),
    )
    return Table(cols, rows, title=t("ad.overview", lang))


def _teams(a: Adoption, lang: str) -> Table:
    teams = a.teams
    ks = [int(k) for k in a.checkpoints["checkpoint"]]
    people = a.people.groupby("team")["staff"].count()
    logged = a.people.groupby("team")["logged"].sum()
    silent = set(a.silent_teams)
    rows = []
    for team in sorted(set(teams["team"].astype(str))):
        tm = teams[teams["team"] == team].set_index("checkpoint")
        shares = [_share(tm.loc[k, "adoption"]) if k in tm.index else None for k in ks]
        rows.append(
            (
                team_name(team, lang),
                int(people.get(team, 0)),
                *shares,
                int(logged.get(team, 0)),
                t("yes", lang) if team in silent else "",
            )
        )
    cols = (
        Column(t("ad.col.team", lang), "team"),
        Column(t("ad.col.people", lang), "people", "int"),
        *(Column(f"M+{k}", f"m{k}", "percent") for k in ks),
        Column(t("ad.col.interactions", lang), "logged", "int"),
        Column(t("ad.col.silent_team", lang), "silent"),
    )
    return Table(
        cols,
        rows,
        title=t("ad.teams", lang),
        traffic={"silent": {t("yes", lang): "red"}},
        note=t("ad.teams.note", lang),
    )


def _silent(a: Adoption, lang: str) -> list[Block]:
    p = a.people[a.people["logs_nothing"]].sort_values(["team", "staff"])
    p = p.assign(team=p["team"].map(lambda v: team_name(v, lang)))
    if not len(p):
        return [Paragraph(t("ad.silent.none", lang), "text", 7)]
    cols = (
        Column(t("col.staff", lang), "staff"),
        Column(t("col.role", lang), "role"),
        Column(t("ad.col.team", lang), "team", wrap=True),
        Column(t("ad.col.months_expected", lang), "months_expected", "int"),
    )
    rows = [
        tuple(_plain(v, lang) for v in r)
        for r in p[[c.field for c in cols]].astype(object).itertuples(index=False, name=None)
    ]
    return [Table(cols, rows, title=tn("ad.silent", len(p), lang))]


def _monthly(a: Adoption, lang: str) -> Table:
    m = a.monthly
    months = sorted(set(int(k) for k in m["month"]))
    shown = months[:MAX_ADOPTION_MONTHS]
    grid = m.pivot(index="staff", columns="month", values="logged")
    expected = m.pivot(index="staff", columns="month", values="expected")
    people = a.people.sort_values(["team", "staff"])
    rows = []
    for r in people.head(MAX_ADOPTION_ROWS).itertuples(index=False):
        cells = [
            int(grid.loc[r.staff, k]) if bool(expected.loc[r.staff, k]) else None for k in shown
        ]
        rows.append((str(r.staff), team_name(r.team, lang), *cells, int(r.logged)))
    cols = (
        Column(t("col.staff", lang), "staff"),
        Column(t("ad.col.team", lang), "team"),
        *(Column(f"M+{k}", f"month{k}", "int") for k in shown),
        Column(t("ad.col.total", lang), "total", "int"),
    )
    notes = [t("ad.monthly.blank", lang)]
    left = len(people) - MAX_ADOPTION_ROWS
    if left > 0:
        notes.append(tn("ad.monthly.more", left, lang))
    if len(months) > len(shown):
        notes.append(tn("ad.monthly.more_months", len(months) - len(shown), lang))
    return Table(cols, rows, title=t("ad.monthly", lang), note=" ".join(notes))


def _finding(a: Adoption, lang: str) -> str:
    """The sheet's (and the chart's) finding: the latest checkpoint reached, who logs nothing."""
    reached = a.checkpoints[a.checkpoints["adoption"].notna()]
    if not len(reached):
        head = t("ad.finding.none", lang)
    else:
        last = reached.iloc[-1]
        head = t(
            "ad.finding",
            lang,
            k=int(last["checkpoint"]),
            share=lb.percent(float(last["adoption"]), lang, 0),
            logging=int(last["logging"]),
            expected=int(last["expected"]),
        )
    people, teams = a.silent_staff, a.silent_teams
    if teams:
        shown = [team_name(x, lang) for x in teams]
        head += " " + tn("ad.finding.teams", len(teams), lang, teams=lb.join_names(shown, lang))
    elif people:
        head += " " + tn("ad.finding.people", len(people), lang)
    return head


def finding(a: Adoption, lang: str) -> str:
    """Return the finding of the audit in ``lang`` (the sheet's lead and the chart's title)."""
    return _finding(a, lang)


def adoption_sheet(analysis: Analysis, lang: str, since: dt.date | str | None = None) -> SheetSpec:
    """Return the CRM adoption sheet (``since``: the roll-out date, default the first logged
    month)."""
    title = t("sheet.adoption", lang)
    blocks: list[Block] = [
        Paragraph(t("ad.title", lang), "title", 7),
        Paragraph(t("ad.intro", lang), "note", 7),
    ]
    a = audit(analysis, since)
    if a is None:
        blocks.append(Paragraph(t("ad.no_dates", lang), "text", 7))
        return SheetSpec("adoption", title, blocks, [], {1: 30.0}, "548235")
    how = t("ad.since.given" if since is not None else "ad.since.first_month", lang)
    blocks += [
        Paragraph(_finding(a, lang), "headline", 7),
        Paragraph(
            t(
                "ad.period",
                lang,
                since=lb.date(a.since, lang),
                how=how,
                as_of=lb.date(a.as_of, lang),
                people=tn("ad.people", len(a.people), lang),
            ),
            "text",
            7,
        ),
        _overview(a, lang),
    ]
    if analysis.dataset.staff["department"].isna().all():
        blocks.append(Paragraph(t("ad.no_department", lang), "text", 7))
    else:
        blocks.append(_teams(a, lang))
    blocks += _silent(a, lang)
    silent_teams = a.silent_teams
    if analysis.dataset.staff["department"].notna().any():
        text = (
            tn(
                "ad.silent_teams",
                len(silent_teams),
                lang,
                teams=lb.join_names([team_name(x, lang) for x in silent_teams], lang),
            )
            if silent_teams
            else t("ad.silent_teams.none", lang)
        )
        blocks.append(Paragraph(text, "text", 7))
    blocks.append(_monthly(a, lang))
    start = last_row(blocks) + 2  # the chart below the tables: the sheet prints one page wide
    images = [ImageSpec("adoption", f"A{start}", 1000)]
    # the month columns (from the third) stay narrow: their headers wrap
    widths = {
        col: min(max(w, 7.0), 30.0 if col <= 2 else 13.0) for col, w in _widths(blocks).items()
    }
    widths[1] = max(widths.get(1, 0.0), 26.0)
    return SheetSpec("adoption", title, blocks, images, widths, "548235")
