"""What to do now, in words: the actions of :func:`keyrisk.actions.next_actions` rendered.

Every sentence says exactly what its action counts: the accounts, the revenue and the people it
names (see :mod:`keyrisk.actions`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from keyrisk.actions import Action, Candidate, next_actions
from keyrisk.report import labels as lb
from keyrisk.report.labels import t, tb

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis

__all__ = ["next_steps", "plan_step", "step_text"]

#: Accounts named in a list before "and N more".
MAX_NAMES = 3


def _role(c: Candidate) -> str:
    return f" ({c.role})" if c.role else ""


def _candidate(c: Candidate, action: Action, lang: str) -> str:
    if c.evidence == "contact":
        key = "todo.candidate.contact1" if action.n == 1 else "todo.candidate.contact"
        return t(key, lang, name=c.staff, role=_role(c), k=c.accounts)
    if c.evidence == "department":
        return t(
            "todo.candidate.department",
            lang,
            name=c.staff,
            role=_role(c),
            department=c.department,
        )
    return t("todo.candidate.role", lang, name=c.staff, role=_role(c))


def _candidates(action: Action, lang: str) -> str:
    if not action.candidates:
        return ""
    sep = t("list.sep", lang)
    return t(
        "todo.candidates",
        lang,
        people=sep.join(_candidate(c, action, lang) for c in action.candidates),
    )


def _end(text: str) -> str:
    """Drop the template's full stop after a name that ends with one ("& Co..")."""
    if text.endswith("..") and not text.endswith("..."):
        return text[:-1]
    return text


def _names(names: tuple[str, ...], lang: str) -> str:
    shown = ", ".join(names[:MAX_NAMES])
    more = len(names) - MAX_NAMES
    return t("todo.more", lang, names=shown, k=more) if more > 0 else shown


def step_text(action: Action, analysis: Analysis, lang: str) -> str:
    """Return the sentence of one action in ``lang``.

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk import Dataset, analyse
    >>> ds = Dataset.from_frames(pd.DataFrame({"account": ["A", "B"], "staff": ["Ann", "Ann"]}))
    >>> a = analyse(ds)
    >>> step_text(next_actions(a)[0], a, "en")  # doctest: +NORMALIZE_WHITESPACE
    'Name a second holder for the 2 accounts Ann holds alone (100.0% of the accounts),
     starting with A.'
    """
    basis = analysis.revenue_basis
    amount = lb.money(action.revenue, lang, basis, lb.dataset_currency(analysis))
    share = lb.percent(action.share, lang)
    if action.kind == "backup":
        key = "todo.backup1" if action.n == 1 else "todo.backup"
        text = tb(
            key,
            lang,
            basis,
            n=action.n,
            name=action.people[0],
            amount=amount,
            share=share,
            first=action.first,
        )
        return _end(text) + _candidates(action, lang)
    if action.kind == "reassign":
        one = action.n == 1
        if not action.urgent:
            key = "todo.orphaned_norev1" if one else "todo.orphaned_norev"
            text = t(key, lang, n=action.n, first=action.first)
        else:
            key = "todo.orphaned1" if one else "todo.orphaned"
            text = tb(key, lang, basis, n=action.n, amount=amount, first=action.first)
        return _end(text) + _candidates(action, lang)
    if action.kind == "involve":
        people = lb.join_names([f"{c.staff}{_role(c)}" for c in action.candidates], lang)
        accounts = (
            t("todo.involve.accounts1", lang)
            if action.n == 1
            else t("todo.involve.accounts", lang, n=action.n)
        )
        key = "todo.involve1" if len(action.people) == 1 else "todo.involve"
        return t(key, lang, people=people, accounts=accounts)
    if action.kind == "history":
        key = "todo.history1" if len(action.people) == 1 else "todo.history"
        return t(key, lang, people=lb.join_names(list(action.people), lang))
    if action.kind == "clients":
        return t("todo.clients", lang, names=_names(action.accounts, lang))
    return t("todo.crm", lang)


def next_steps(analysis: Analysis, lang: str) -> list[str]:
    """Return 3 to 5 plain recommendations derived from the figures, most urgent first.

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk import Dataset, analyse
    >>> ds = Dataset.from_frames(pd.DataFrame({"account": ["A", "B"], "staff": ["Ann", "Ann"]}))
    >>> next_steps(analyse(ds), "en")[0].startswith("Name a second holder for the 2 accounts")
    True
    """
    return [step_text(a, analysis, lang) for a in next_actions(analysis)]


def plan_step(analysis: Analysis, lang: str) -> str | None:
    """Return the step that points to the Continuity plan sheet (None without fragile accounts).

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk import Dataset, analyse
    >>> ds = Dataset.from_frames(pd.DataFrame({"account": ["A", "A", "B"],
    ...                                        "staff": ["Ann", "Bob", "Bob"]}))
    >>> plan_step(analyse(ds), "en")  # doctest: +NORMALIZE_WHITESPACE
    'Train the backup proposed for the fragile account (1 backup, 0 owners): the name,
     the reason and the effort are on the “Continuity plan” sheet.'
    """
    plan = analysis.plan()
    if plan.n_fragile == 0:
        return None
    text = t(
        "todo.plan",
        lang,
        count=plan.n_fragile,
        n=plan.n_fragile,
        backups=lb.tn("todo.plan.backups", plan.n_backups, lang),
        owners=lb.tn("todo.plan.owners", plan.n_owners, lang),
        sheet=t("sheet.plan", lang),
    )
    if plan.n_unassigned:
        text = text[:-1] if text.endswith(".") else text
        text += lb.tn("todo.plan.short", plan.n_unassigned, lang)
    return text
