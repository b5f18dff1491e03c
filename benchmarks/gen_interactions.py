"""Seeded generator of a synthetic interactions CSV for the load and analysis benchmarks.

The file has the columns ``account, staff, date, kind, amount, stage, note`` (dates in ISO
8601, amounts with a ``.`` decimal point, comma-separated, UTF-8) and a realistic skew:

- ``n_accounts = max(10, N // 25)`` accounts and ``n_staff = max(5, round(400 * sqrt(N / 1e6)))``
  staff, so that 1M rows have 40,000 accounts and 400 staff, 100k rows 4,000 accounts and 126
  staff, 10k rows 400 accounts and 40 staff, 10M rows 400,000 accounts and 1,265 staff;
- account activity is lognormal (a few accounts get many interactions, most get a few);
- each account has a team of 1 to 4 staff (45% / 30% / 15% / 10%) drawn with a Zipf-like
  popularity (a few key people are on many teams); the first team member gets about 60% of
  the account's interactions, the others the rest in a geometric decay;
- dates are uniform over the two years up to 2025-06-30; kinds are call / email / meeting /
  visit; 20% of the rows are deals with a stage (won / lost / open) and an amount; 10% carry a
  short note.

Files are cached in ``benchmarks/out/`` (git-ignored) under a name holding N and the seed.

Usage::

    python benchmarks/gen_interactions.py 1000000 --seed 0
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

OUT = Path(__file__).resolve().parent / "out"
AS_OF = np.datetime64("2025-06-30", "D")

_FIRST = (  # noqa: SIM905
    "Marie Jean Pierre Sophie Luc Claire Paul Julie Marc Anne Louis Emma Hugo Léa Nicolas Chloé "
    "Thomas Camille Antoine Manon Julien Sarah Olivier Laura Éric Inès Alain Lucie David Zoé "
    "Michel Alice Philippe Jeanne Laurent Nathalie Vincent Hélène Xavier Agnès François Céline "
    "Bruno Mathilde Pascal Aurélie Denis Élodie Gilles Margaux Yves Océane Rémi Juliette Karim "
    "Fatima Mehdi Yasmine Samuel Noémie"
).split()
_LAST = (  # noqa: SIM905
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèvre "
    "Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Mercier Dupont "
    "Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin Muller Henry "
    "Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez Fontaine Chevalier Robin "
    "Masson Sanchez Gérard Nguyen Boyer Denis Lemaire Duval Joly Gautier Roger"
).split()
_SYLLABLES = (  # noqa: SIM905
    "ar bel cor da el fi go ha in jo ka lu mo ne or pa qui ro sa ti ul va wen xi yo zu bra cle "
    "dro fla gri pro sto tra vel"
).split()
_SUFFIX = ("SA", "SAS", "SARL", "Ltd", "GmbH", "& Co", "Group", "Industries", "Conseil", "")
_KINDS = ("call", "email", "meeting", "visit")
_STAGES = ("won", "lost", "open")


def sizes(n_rows: int) -> tuple[int, int]:
    """Return (accounts, staff) for ``n_rows`` rows (see the module docstring).

    Examples
    --------
    >>> sizes(1_000_000), sizes(10_000)
    ((40000, 400), (400, 40))
    """
    n_accounts = max(10, n_rows // 25)
    n_staff = max(5, round(400 * math.sqrt(n_rows / 1e6)))
    return n_accounts, n_staff


def _staff_names(n: int, rng: np.random.Generator) -> np.ndarray:
    combos = [f"{f} {last}" for f in _FIRST for last in _LAST]
    if n <= len(combos):
        picked = rng.choice(len(combos), size=n, replace=False)
        return np.array([combos[i] for i in picked], dtype=object)
    return np.array([f"{combos[i % len(combos)]} {i // len(combos) + 1}" for i in range(n)])


def _account_names(n: int, rng: np.random.Generator) -> np.ndarray:
    parts = rng.integers(0, len(_SYLLABLES), size=(n, 4))
    n_syl = rng.integers(2, 5, size=n)
    suffix = rng.integers(0, len(_SUFFIX), size=n)
    names: list[str] = []
    seen: set[str] = set()
    for i in range(n):
        word = "".join(_SYLLABLES[j] for j in parts[i, : n_syl[i]]).capitalize()
        name = f"{word} {_SUFFIX[suffix[i]]}".strip()
        if name in seen:  # keep the accounts distinct
            name = f"{word} {i}"
        seen.add(name)
        names.append(name)
    return np.array(names, dtype=object)


def generate(n_rows: int, seed: int = 0) -> pa.Table:
    """Return the interactions of ``n_rows`` rows as a pyarrow table of strings."""
    rng = np.random.default_rng(seed)
    n_accounts, n_staff = sizes(n_rows)
    staff = _staff_names(n_staff, rng)
    accounts = _account_names(n_accounts, rng)
    # account activity (lognormal) -> account of each row
    activity = rng.lognormal(mean=0.0, sigma=1.2, size=n_accounts)
    account = rng.choice(n_accounts, size=n_rows, p=activity / activity.sum())
    # teams: 1 to 4 staff per account, Zipf-like popularity of staff
    popularity = 1.0 / np.arange(1, n_staff + 1) ** 0.8
    popularity = popularity[rng.permutation(n_staff)]
    team = rng.choice(n_staff, size=(n_accounts, 4), p=popularity / popularity.sum())
    team_size = rng.choice([1, 2, 3, 4], size=n_accounts, p=[0.45, 0.30, 0.15, 0.10])
    member = np.minimum(rng.geometric(0.6, size=n_rows) - 1, team_size[account] - 1)
    who = team[account, member]
    # dates, kinds, deals, notes
    days = rng.integers(0, 730, size=n_rows)
    dates = pc.cast(pa.array((AS_OF - days).astype("datetime64[D]")), pa.string())
    kind = pa.array(np.array(_KINDS, dtype=object)[rng.integers(0, 4, size=n_rows)])
    deal = rng.random(n_rows) < 0.2
    stage_idx = rng.choice(3, size=n_rows, p=[0.5, 0.2, 0.3])
    stage = pa.array(np.where(deal, np.array(_STAGES, dtype=object)[stage_idx], np.array(None)))
    cents = np.round(rng.lognormal(mean=8.0, sigma=1.3, size=n_rows) * 100).astype(np.int64)
    whole = pc.cast(pa.array(cents // 100), pa.string())
    frac = pc.utf8_lpad(pc.cast(pa.array(cents % 100), pa.string()), 2, "0")
    amount = pc.binary_join_element_wise(whole, frac, ".")
    amount = pc.if_else(pa.array(deal), amount, pa.scalar(None, pa.string()))
    has_note = rng.random(n_rows) < 0.1
    notes = np.array(
        ["follow-up", "sent the quote", "asked for a discount", "new contact", "renewal"],
        dtype=object,
    )
    note = pa.array(
        np.where(has_note, notes[rng.integers(0, len(notes), size=n_rows)], np.array(None))
    )
    return pa.table(
        {
            "account": pa.array(accounts[account]),
            "staff": pa.array(staff[who]),
            "date": dates,
            "kind": kind,
            "amount": amount,
            "stage": stage,
            "note": note,
        }
    )


def path_for(n_rows: int, seed: int = 0) -> Path:
    """The cached file of ``n_rows`` rows and ``seed``."""
    return OUT / f"interactions_{n_rows}_s{seed}.csv"


def ensure(n_rows: int, seed: int = 0) -> Path:
    """Return the path of the cached file, generating it first when absent."""
    path = path_for(n_rows, seed)
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        table = generate(n_rows, seed)
        pacsv.write_csv(
            table, tmp, write_options=pacsv.WriteOptions(quoting_style="none", batch_size=1 << 16)
        )
        tmp.replace(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int, nargs="+")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for n in args.rows:
        print(ensure(n, args.seed))


if __name__ == "__main__":
    main()
