"""What to do now: true counts, second contacts from the data, no urgency for dormant accounts."""

from __future__ import annotations

import pandas as pd
import pytest

from keyrisk.actions import (
    Candidate,
    dormant_accounts,
    is_excluded_role,
    next_actions,
    role_words,
    second_contacts,
)
from keyrisk.analysis import Analysis, analyse
from keyrisk.model import Dataset
from keyrisk.report.layout import next_steps

AS_OF = "2024-06-30"


def shop() -> Analysis:
    """A small company with a director, an accountant and an after-sales technician.

    Ann (Commerciale, Ventes) holds A1 (300), A2 (200), A3 (100) alone; Bob (Commercial senior,
    Ventes) holds B1 (50) alone. Tech (Technicien SAV) touches A1 and A2 once, Dir (Directeur
    général) touches A1, A2 and A3 once, Compta (Comptable) touches A3 once: none is a holder.
    Gone (Commercial, left) was the only contact of O1 (revenue 0): orphaned, with activity.
    D1 and D2 are in the accounts table with no activity and no revenue: dormant.
    """
    rows = (
        [(a, "Ann") for a in ("A1", "A2", "A3") for _ in range(4)]
        + [("B1", "Bob")] * 4
        + [("A1", "Tech"), ("A2", "Tech")]
        + [("A1", "Dir"), ("A2", "Dir"), ("A3", "Dir")]
        + [("A3", "Compta")]
        + [("O1", "Gone")] * 3
    )
    inter = pd.DataFrame(rows, columns=["account", "staff"]).assign(date=AS_OF)
    acc = pd.DataFrame(
        {
            "account": ["A1", "A2", "A3", "B1", "O1", "D1", "D2"],
            "revenue": [300.0, 200.0, 100.0, 50.0, 0.0, None, 0.0],
        }
    )
    staff = pd.DataFrame(
        {
            "staff": ["Ann", "Bob", "Tech", "Dir", "Compta", "Gone"],
            "role": [
                "Commerciale",
                "Commercial senior",
                "Technicien SAV",
                "Directeur général",
                "Comptable",
                "Commercial",
            ],
            "department": ["Ventes", "Ventes", "SAV", "Direction", "Comptabilité", "Ventes"],
            "end_date": [None, None, None, None, None, "2024-06-15"],
        }
    )
    return analyse(Dataset.from_frames(inter, acc, staff))


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return shop()


def test_dormant(analysis: Analysis) -> None:
    d = dormant_accounts(analysis)
    assert sorted(d.index[d.to_numpy()]) == ["D1", "D2"]


def test_actions_are_true(analysis: Analysis) -> None:
    acts = next_actions(analysis)
    assert [a.kind for a in acts] == ["backup", "reassign", "involve", "history", "remeasure"]
    backup, reassign, involve, history, _ = acts
    assert (backup.people, backup.accounts, backup.revenue) == (("Ann",), ("A1", "A2", "A3"), 600)
    assert backup.candidates == (
        Candidate("Tech", "Technicien SAV", "SAV", "contact", 2),
        Candidate("Bob", "Commercial senior", "Ventes", "department", 0),
    )
    # the dormant accounts are not to reassign; O1 has no revenue: not urgent
    assert (reassign.accounts, reassign.revenue, reassign.urgent) == (("O1",), 0.0, False)
    # the director and the accountant are never proposed; Tech touches exactly A1 and A2
    assert (involve.people, involve.accounts) == (("Tech",), ("A1", "A2"))
    assert history.people == ("Ann",)


def test_next_steps_words_say_what_the_data_shows(analysis: Analysis) -> None:
    fr = next_steps(analysis, "fr")
    text = " ".join(fr).replace("\u00a0", " ")
    assert "Dir" not in text and "Compta" not in text
    assert "SAV, technique, administration des ventes" not in text
    assert "sans attendre" not in text and "(0 €)" not in text
    assert fr[0] == (
        "Nommer un second détenteur pour les 3 comptes qui ne reposent que sur Ann "
        "(600, soit 92,3\u00a0% du CA), en commençant par A1. Candidats d'après les données\u00a0: "
        "Tech (Technicien SAV), déjà en contact avec 2 de ces comptes\u00a0; Bob (Commercial "
        "senior), du même service (Ventes)."
    )
    assert fr[1] == (
        "Donner un détenteur au compte orphelin O1, sans chiffre d'affaires enregistré sur la "
        "période."
    )
    assert fr[2] == (
        "Associer Tech (Technicien SAV), qui travaille déjà sur 2 comptes à détenteur unique "
        "sans en être détenteur, comme second interlocuteur."
    )
    en = next_steps(analysis, "en")
    assert en[1] == (
        "Give a holder to the orphaned account O1, with no revenue recorded in the period."
    )


def test_urgent_reassignment_names_its_revenue() -> None:
    inter = pd.DataFrame(
        {"account": ["A", "A", "B", "B"], "staff": ["Ann", "Ann", "Bob", "Bob"]}
    ).assign(date=AS_OF)
    acc = pd.DataFrame({"account": ["A", "B", "Z"], "revenue": [700.0, 300.0, None]})
    staff = pd.DataFrame({"staff": ["Ann", "Bob"], "end_date": ["2024-06-01", None]})
    a = analyse(Dataset.from_frames(inter, acc, staff))
    reassign = next(x for x in next_actions(a) if x.kind == "reassign")
    assert (reassign.accounts, reassign.revenue, reassign.urgent) == (("A",), 700.0, True)
    steps = next_steps(a, "en")
    assert "Reassign the orphaned account A (700) now." in steps


def test_second_contacts_fall_back_on_department_then_trade() -> None:
    # nobody else touches Ann's account: colleagues of her department, then of her trade
    inter = pd.DataFrame(
        {"account": ["A"] * 2 + ["B"] * 2 + ["C"] * 2, "staff": ["Ann"] * 2 + ["Eve"] * 4}
    ).assign(date=AS_OF)
    staff = pd.DataFrame(
        {
            "staff": ["Ann", "Eve", "Lou", "Max", "Dan"],
            "role": ["Sales Representative", "Sales Manager", "Driver", "Cashier", "CEO"],
            "department": ["North", None, "North", "South", "North"],
            "active": [True] * 5,  # Lou, Max and Dan log nothing but are still with us
        }
    )
    a = analyse(Dataset.from_frames(inter, staff=staff))
    got = second_contacts(a, ["A"], "Ann")
    assert [(c.staff, c.evidence) for c in got] == [("Lou", "department"), ("Eve", "role")]


def test_role_words_and_exclusions() -> None:
    assert role_words("Commerciale senior") == role_words("Commercial") == {"commercial"}
    assert role_words("Technicienne SAV") == {"technicien", "sav"}
    assert is_excluded_role("PDG") and is_excluded_role("Aide", "Direction")
    assert is_excluded_role("Responsable comptabilité")
    assert not is_excluded_role("Responsable SAV") and not is_excluded_role(None, None)


def test_count_basis_sentences() -> None:
    # D has no interaction in data that has some, and no revenue: dormant, nothing to reassign
    ds = Dataset.from_frames(
        pd.DataFrame({"account": ["A", "B", "C"], "staff": ["Ann", "Ann", "Bob"]}),
        accounts=pd.DataFrame({"account": ["D"], "owner": [None]}),
    )
    a = analyse(ds)
    assert [x.kind for x in next_actions(a)] == ["backup", "history", "backup", "remeasure"]
    assert next_steps(a, "en")[0] == (
        "Name a second holder for the 2 accounts Ann holds alone (50.0% of the accounts), "
        "starting with A."
    )
    # an owner export (no interaction at all): the account without owner is to reassign
    owners = Dataset.from_frames(
        accounts=pd.DataFrame({"account": ["A", "B", "C"], "owner": ["Ann", "Bob", None]})
    )
    b = analyse(owners)
    assert not dormant_accounts(b).any()
    assert "Reassign the orphaned account C now." in next_steps(b, "en")
