"""The bundled samples, shipped inside the package so that ``keyrisk demo`` needs no input."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from keyrisk.errors import UsageError

__all__ = ["SAMPLES", "sample_paths"]

#: Each sample: role -> file names inside ``keyrisk/samples/<name>/``.
SAMPLES: dict[str, dict[str, tuple[str, ...]]] = {
    "pme_fr": {
        "interactions": ("activites.csv",),
        "accounts": ("clients.xlsx",),
        "staff": ("equipe.xlsx",),
    },
    "acme_en": {
        "interactions": ("hubspot_deals.csv", "salesforce_activities.csv"),
        "accounts": ("hubspot_companies.csv",),
        "staff": (),
    },
}


def sample_paths(name: str = "pme_fr") -> dict[str, list[Path]]:
    """Return the paths of a bundled sample's files, by role.

    Examples
    --------
    >>> sorted(sample_paths("pme_fr"))
    ['accounts', 'interactions', 'staff']
    >>> sample_paths("pme_fr")["interactions"][0].name
    'activites.csv'
    """
    if name not in SAMPLES:
        raise UsageError(f"Unknown sample {name!r}; expected one of {', '.join(SAMPLES)}.")
    root = Path(str(resources.files("keyrisk") / "samples" / name))
    return {role: [root / f for f in files] for role, files in SAMPLES[name].items()}
