"""What to do now, as data: the actions the figures call for, with true counts.

:func:`next_actions` turns an :class:`~keyrisk.analysis.Analysis` into a short list of
:class:`Action` records, most urgent first; the report words them in each language. Every count
an action carries is the count of what the people it names actually hold or touch, so that the
sentence built from it is true. Second contacts are proposed from what the data shows: active
staff already in contact with the accounts, then colleagues of the same department or the same
trade (from the staff table), never a fixed list of trades and never, by default, the
management or the accountants. Dormant accounts (no revenue and no activity in the window) are
left out: they call for no urgent action.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from keyrisk.roles import is_excluded_role

if TYPE_CHECKING:
    from keyrisk.analysis import Analysis

__all__ = [
    "ACTION_KINDS",
    "Action",
    "Candidate",
    "dormant_accounts",
    "is_excluded_role",
    "next_actions",
    "role_words",
    "second_contacts",
]

#: The kinds of action, in the order of :func:`next_actions` when all are present.
ACTION_KINDS = ("backup", "reassign", "involve", "history", "clients", "remeasure")

#: Candidates proposed per action at most.
MAX_CANDIDATES = 3


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that say nothing about the trade: seniority, articles, connectors.
_STOP = _words(
    "senior junior principal principale confirme confirmee chef adjoint adjointe de du des "
    "d la le les l et and of the a an en au aux in for itinerant itinerante sedentaire"
)
# French feminine endings folded to the masculine form, so that "Commerciale" and
# "Commercial" are one trade.
_FEMININE = (
    ("iennes", "ien"),
    ("ienne", "ien"),
    ("trice", "teur"),
    ("euse", "eur"),
    ("ales", "al"),
    ("ale", "al"),
    ("ante", "ant"),
    ("ente", "ent"),
    ("iere", "ier"),
)


def _fold(text: object) -> str:
    """Return ``text`` casefolded, without accents, punctuation as spaces."""
    if text is None or text is pd.NA or (isinstance(text, float) and np.isnan(text)):
        return ""
    raw = unicodedata.normalize("NFKD", str(text).casefold())
    raw = "".join(ch for ch in raw if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]+", " ", raw).strip()


def role_words(role: object) -> frozenset[str]:
    """Return the significant words of a role or department, feminine forms folded.

    Two roles are of the same trade when they share a word.

    Examples
    --------
    >>> sorted(role_words("Technicienne SAV")), sorted(role_words("Commerciale senior"))
    (['sav', 'technicien'], ['commercial'])
    >>> sorted(role_words("Sales Representative"))
    ['representative', 'sales']
    """
    words = set()
    for word in _fold(role).split():
        if word in _STOP or len(word) < 2:
            continue
        for end, repl in _FEMININE:
            if word.endswith(end) and len(word) > len(end) + 2:
                word = word[: -len(end)] + repl
                break
        words.add(word)
    return frozenset(words)


@dataclass(frozen=True)
class Candidate:
    """A proposed second contact and the evidence for it.

    Attributes
    ----------
    staff : str
        The staff member (active).
    role, department : str or None
        As in the staff table.
    evidence : {"contact", "department", "role"}
        "contact": already in contact with ``accounts`` of the action's accounts (weight > 0 in
        the window); "department": same department as the person to back up; "role": same
        trade (a shared significant word of the role).
    accounts : int
        Accounts of the action this person already touches (0 for "department" and "role").
    """

    staff: str
    role: str | None
    department: str | None
    evidence: str
    accounts: int


@dataclass(frozen=True)
class Action:
    """One thing to do now.

    Attributes
    ----------
    kind : str
        One of :data:`ACTION_KINDS`. "backup": name a second holder for the accounts resting on
        ``people[0]`` alone. "reassign": give the orphaned accounts a holder. "involve": make the
        staff named (already in contact with single-holder accounts they do not hold) second
        contacts of those accounts. "history": have ``people`` write down the history of their
        key accounts. "clients": the clients at 10 % of revenue or more. "remeasure": measure
        again in three months.
    people : tuple of str
        The people the action names.
    accounts : tuple of str
        The accounts concerned, largest revenue first (ties: name). For "involve", exactly the
        single-holder accounts the people named touch.
    revenue : float
        Their revenue (their number in count basis).
    share : float
        ``revenue`` over the total revenue (0 when the total is 0).
    candidates : tuple of Candidate
        Proposed second contacts ("backup", "reassign"), or the people named with their
        evidence ("involve").

    Examples
    --------
    >>> a = Action("reassign", (), ("Acme",), 0.0, 0.0)
    >>> a.n, a.first, a.urgent
    (1, 'Acme', False)
    """

    kind: str
    people: tuple[str, ...]
    accounts: tuple[str, ...]
    revenue: float
    share: float
    candidates: tuple[Candidate, ...] = ()

    @property
    def n(self) -> int:
        """The number of accounts concerned."""
        return len(self.accounts)

    @property
    def first(self) -> str | None:
        """The largest account concerned."""
        return self.accounts[0] if self.accounts else None

    @property
    def urgent(self) -> bool:
        """True when the accounts concerned carry revenue (never "without waiting (0)")."""
        return self.revenue > 0


def _revenue_map(analysis: Analysis) -> dict[str, float]:
    acc = analysis.accounts
    return {
        str(a): (0.0 if pd.isna(r) else max(float(r), 0.0))
        for a, r in zip(acc["account"], acc["revenue"], strict=True)
    }


def _by_revenue(accounts: Iterable[str], revenue: dict[str, float]) -> tuple[str, ...]:
    return tuple(sorted(set(accounts), key=lambda a: (-revenue.get(a, 0.0), a)))


def dormant_accounts(analysis: Analysis) -> pd.Series:
    """Return, per account, whether it is dormant: no revenue and no activity in the window.

    Parameters
    ----------
    analysis : keyrisk.analysis.Analysis

    Returns
    -------
    pandas.Series
        Booleans indexed by account name, in the order of ``analysis.accounts``.

    Notes
    -----
    The scoring's "dormant" risk level (:func:`keyrisk.scoring.score_accounts`): orphaned, r_i
    0 or unknown, and no interaction of the account in the window (the owner rule counts as
    one, so an account whose owner has left is not dormant). When the window holds nothing but
    owners (an owner export) no account is dormant: there is no activity to judge by.

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk import Dataset, analyse
    >>> inter = pd.DataFrame({"account": ["A"], "staff": ["Ann"], "amount": [5.0]})
    >>> acc = pd.DataFrame({"account": ["A", "B", "C"], "owner": [None, "Ann", None]})
    >>> dormant_accounts(analyse(Dataset.from_frames(inter, acc))).to_dict()
    {'A': False, 'B': False, 'C': True}
    """
    acc = analysis.accounts
    index = pd.Index(acc["account"].astype(str), name="account")
    return pd.Series(acc["risk_level"].eq("dormant").to_numpy(dtype=bool), index=index)


def _staff_info(analysis: Analysis) -> pd.DataFrame:
    st = analysis.staff
    return pd.DataFrame(
        {
            "role": st["role"].astype(object).where(st["role"].notna(), None).to_numpy(),
            "department": st["department"]
            .astype(object)
            .where(st["department"].notna(), None)
            .to_numpy(),
            "active": st["active"].to_numpy(dtype=bool),
            "n_accounts": st["n_accounts"].to_numpy(dtype="int64"),
        },
        index=pd.Index(st["staff"].astype(str), name="staff"),
    )


def second_contacts(
    analysis: Analysis,
    accounts: Iterable[str],
    person: str | None = None,
    limit: int = MAX_CANDIDATES,
) -> tuple[Candidate, ...]:
    """Propose second contacts for some accounts, by what the data shows.

    Parameters
    ----------
    analysis : keyrisk.analysis.Analysis
    accounts : iterable of str
        The accounts to back up.
    person : str, optional
        The person they rest on (never proposed; their department and trade are looked for).
    limit : int
        Candidates returned at most.

    Returns
    -------
    tuple of Candidate
        Active staff only, never ``person``, never management or accounting roles (see
        :func:`is_excluded_role`). First those already in contact with the accounts (weight > 0
        in the window), most accounts touched first, then the largest total weight on them,
        then name; then, when fewer than ``limit``, colleagues of ``person``'s department, then
        of ``person``'s trade (a shared word of the role), most accounts touched overall first,
        then name.

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk import Dataset, analyse
    >>> inter = pd.DataFrame({"account": ["A", "A", "A"], "staff": ["Ann", "Ann", "Bob"]})
    >>> [c.staff for c in second_contacts(analyse(Dataset.from_frames(inter)), ["A"], "Ann")]
    ['Bob']
    """
    wanted = {str(a) for a in accounts}
    info = _staff_info(analysis)
    if not wanted or info.empty:
        return ()

    def allowed(name: str) -> bool:
        if name == person or name not in info.index:
            return False
        rec = info.loc[name]
        return bool(rec["active"]) and not is_excluded_role(rec["role"], rec["department"])

    h = analysis.holders
    touch = h[(h["weight"] > 0) & h["account"].astype(str).isin(wanted)]
    grouped = touch.groupby(touch["staff"].astype(str)).agg(
        n=("account", "nunique"), weight=("weight", "sum")
    )
    ranked = sorted(
        ((str(s), int(r.n), float(r.weight)) for s, r in grouped.iterrows()),
        key=lambda t: (-t[1], -t[2], t[0]),
    )
    out: list[Candidate] = []
    for name, n, _ in ranked:
        if len(out) >= limit:
            break
        if allowed(name):
            rec = info.loc[name]
            out.append(Candidate(name, rec["role"], rec["department"], "contact", n))
    if len(out) >= limit or person is None or person not in info.index:
        return tuple(out)
    chosen = {c.staff for c in out}
    me = info.loc[person]
    my_dept = _fold(me["department"])
    my_words = role_words(me["role"])
    family: list[tuple[int, int, str, str]] = []
    for name, rec in info.iterrows():
        name = str(name)
        if name in chosen or not allowed(name):
            continue
        same_dept = bool(my_dept) and _fold(rec["department"]) == my_dept
        same_role = bool(my_words & role_words(rec["role"]))
        if same_dept:
            family.append((0 if same_role else 1, -int(rec["n_accounts"]), name, "department"))
        elif same_role:
            family.append((2, -int(rec["n_accounts"]), name, "role"))
    for _, _, name, evidence in sorted(family)[: limit - len(out)]:
        rec = info.loc[name]
        out.append(Candidate(name, rec["role"], rec["department"], evidence, 0))
    return tuple(out)


def _backups(
    analysis: Analysis, dormant: set[str], revenue: dict[str, float], total: float
) -> list[Action]:
    out: list[Action] = []
    staff = analysis.staff
    sole = staff[staff["active"] & (staff["n_sole"] > 0)]
    for rec in sole.itertuples(index=False):
        if len(out) >= 2:
            break
        mine = (str(a) for a in rec.accounts_sole if str(a) not in dormant)
        accounts = _by_revenue(mine, revenue)
        if not accounts:
            continue
        amount = _amount(analysis, accounts, revenue)
        name = str(rec.staff)
        out.append(
            Action(
                "backup",
                (name,),
                accounts,
                amount,
                amount / total if total > 0 else 0.0,
                second_contacts(analysis, accounts, name),
            )
        )
    return out


def _amount(analysis: Analysis, accounts: Iterable[str], revenue: dict[str, float]) -> float:
    items = list(accounts)
    if analysis.revenue_basis != "revenue":
        return float(len(items))
    return float(sum(revenue.get(a, 0.0) for a in items))


def _involve(
    analysis: Analysis, dormant: set[str], revenue: dict[str, float], total: float
) -> Action | None:
    acc = analysis.accounts
    single = set(acc.loc[acc["bus_factor"] == 1, "account"].astype(str)) - dormant
    h = analysis.holders
    helpers = h[(~h["is_holder"]) & h["active"] & (h["weight"] > 0)]
    helpers = helpers[helpers["account"].astype(str).isin(single)]
    if helpers.empty:
        return None
    info = _staff_info(analysis)
    counts = helpers.groupby(helpers["staff"].astype(str))["account"].nunique()
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    people: list[Candidate] = []
    for name, n in ranked:
        role = info.loc[name, "role"] if name in info.index else None
        dept = info.loc[name, "department"] if name in info.index else None
        if is_excluded_role(role, dept):
            continue
        people.append(Candidate(name, role, dept, "contact", int(n)))
        if len(people) >= MAX_CANDIDATES:
            break
    if not people:
        return None
    names = {c.staff for c in people}
    touched = helpers.loc[helpers["staff"].astype(str).isin(names), "account"].astype(str)
    accounts = _by_revenue(touched, revenue)
    amount = _amount(analysis, accounts, revenue)
    return Action(
        "involve",
        tuple(c.staff for c in people),
        accounts,
        amount,
        amount / total if total > 0 else 0.0,
        tuple(people),
    )


def next_actions(analysis: Analysis) -> list[Action]:
    """Return what to do now, most urgent first (at most 5 actions).

    Parameters
    ----------
    analysis : keyrisk.analysis.Analysis

    Returns
    -------
    list of Action
        In this order, each when it applies: "backup" for the person holding alone the most
        revenue; "reassign" for the orphaned accounts that are not dormant; "involve" for up to
        3 staff already in contact with single-holder accounts they do not hold; "history" for
        the people of a revenue bus factor of 1 to 3 (otherwise the two largest sole holders);
        "clients" for the clients at 10 % of revenue or more; "backup" for the second person;
        the first four kept, then always "remeasure".

    Notes
    -----
    Every ``accounts`` tuple excludes dormant accounts (:func:`dormant_accounts`), and
    ``revenue`` is the sum of r_i over exactly those accounts.

    Examples
    --------
    >>> import pandas as pd
    >>> from keyrisk import Dataset, analyse
    >>> ds = Dataset.from_frames(pd.DataFrame({"account": ["A", "B"], "staff": ["Ann", "Ann"]}))
    >>> [(a.kind, a.people, a.n) for a in next_actions(analyse(ds))][:2]
    [('backup', ('Ann',), 2), ('history', ('Ann',), 2)]
    """
    p = analysis.portfolio
    total = p.total_revenue
    revenue = _revenue_map(analysis)
    dormant_flags = dormant_accounts(analysis)
    dormant = set(dormant_flags.index[dormant_flags.to_numpy(dtype=bool)])
    acc = analysis.accounts
    backups = _backups(analysis, dormant, revenue, total)
    out: list[Action] = backups[:1]
    orphans = [a for a in acc.loc[acc["orphaned"], "account"].astype(str) if a not in dormant]
    if orphans:
        accounts = _by_revenue(orphans, revenue)
        amount = _amount(analysis, accounts, revenue)
        out.append(
            Action(
                "reassign",
                (),
                accounts,
                amount,
                amount / total if total > 0 else 0.0,
                second_contacts(analysis, accounts),
            )
        )
    involve = _involve(analysis, dormant, revenue, total)
    if involve is not None:
        out.append(involve)
    bus = p.revenue_bus_factor
    if bus.value is not None and 1 <= bus.value <= 3:
        people = tuple(bus.staff[: bus.value])
    else:
        people = tuple(a.people[0] for a in backups)
    if people:
        staff = analysis.staff.set_index(analysis.staff["staff"].astype(str))
        held: list[str] = []
        for name in people:
            if name in staff.index:
                held += [str(a) for a in staff.loc[name, "accounts_sole"] if str(a) not in dormant]
        accounts = _by_revenue(held, revenue)
        amount = _amount(analysis, accounts, revenue)
        out.append(
            Action("history", people, accounts, amount, amount / total if total > 0 else 0.0)
        )
    large = p.client_concentration.large_clients
    if analysis.revenue_basis == "revenue" and len(large):
        accounts = tuple(str(a) for a in large["account"])
        amount = _amount(analysis, accounts, revenue)
        out.append(Action("clients", (), accounts, amount, amount / total if total > 0 else 0.0))
    out += backups[1:]
    out = out[:4]
    out.append(Action("remeasure", (), (), 0.0, 0.0))
    return out
