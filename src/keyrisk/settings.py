"""Analysis parameters: frozen, validated, with the defaults of the method (domain.md)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any

from keyrisk.errors import UsageError

__all__ = ["Settings"]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _fail(name: str, expected: str, value: object) -> UsageError:
    return UsageError(f"The {name!r} parameter must be {expected}; got {value!r}.")


@dataclass(frozen=True)
class Settings:
    """The parameters of the method, version 1.

    Parameters
    ----------
    as_of : datetime.date or None, default None
        The day the analysis describes; ``None`` means the latest interaction date.
    window_days : int, default 730
        Only interactions with ``as_of - window_days < date <= as_of`` count.
    half_life_days : float or None, default 180
        An interaction this many days old counts half; ``None`` turns decay off.
    kind_weights : mapping of str to float, default empty
        Weight of each interaction kind (matched case-insensitively); unlisted kinds weigh 1.
    holder_ratio : float in (0, 1], default 0.5
        A holder has at least this fraction of the account's largest weight.
    min_interactions : int >= 1, default 2
        A holder other than the top contact has at least this many interactions.
    inactive_days : int >= 1, default 90
        A staff member with no interaction for this long before ``as_of`` is gone.
    revenue_days : int >= 1, default 365
        Revenue from amounts is summed over this many days before ``as_of``.
    coverage : float in (0, 1], default 0.5
        The portfolio bus factor is reached when this share of revenue is orphaned.
    exact_time_limit : float > 0, default 10.0
        Seconds allowed to the exact (integer programming) bus-factor search before the greedy
        upper bound is reported instead.
    max_new_backups : int >= 0, default 10
        The continuity plan gives no one more than this many new accounts (backups and owners).
    capacity_ratio : float > 0, default 1.5
        The continuity plan leaves no one holding more than ``capacity_ratio`` times the team's
        median number of accounts held (the median over active staff holding at least one).
    turnover_rate : float in [0, 1], default 0.15
        Probability that an active person leaves within 12 months, for the revenue-at-risk
        simulation (a staff table's ``leave_probability`` column overrides it per person).
    draws : int >= 1, default 20000
        Monte-Carlo draws of the revenue-at-risk simulation.
    seed : int >= 0, default 0
        Seed of the simulation's random generator (the same seed gives the same figures).

    Examples
    --------
    >>> Settings(holder_ratio=0.6).holder_ratio
    0.6
    >>> Settings(holder_ratio=2)
    Traceback (most recent call last):
    ...
    keyrisk.errors.UsageError: The 'holder_ratio' parameter must be a float in (0, 1]; got 2.
    """

    as_of: dt.date | None = None
    window_days: int = 730
    half_life_days: float | None = 180.0
    kind_weights: Mapping[str, float] = field(default_factory=dict)
    holder_ratio: float = 0.5
    min_interactions: int = 2
    inactive_days: int = 90
    revenue_days: int = 365
    coverage: float = 0.5
    exact_time_limit: float = 10.0
    max_new_backups: int = 10
    capacity_ratio: float = 1.5
    turnover_rate: float = 0.15
    draws: int = 20_000
    seed: int = 0

    def __post_init__(self) -> None:
        as_of = self.as_of
        if as_of is not None:
            if isinstance(as_of, str):
                try:
                    as_of = dt.date.fromisoformat(as_of)
                except ValueError:
                    raise _fail("as_of", "a date (YYYY-MM-DD) or None", self.as_of) from None
            elif isinstance(as_of, dt.datetime):
                as_of = as_of.date()
            elif not isinstance(as_of, dt.date):
                raise _fail("as_of", "a date (YYYY-MM-DD) or None", as_of)
            object.__setattr__(self, "as_of", as_of)
        for name in ("window_days", "inactive_days", "revenue_days", "min_interactions", "draws"):
            value = getattr(self, name)
            if not _is_int(value) or value < 1:
                raise _fail(name, "an int >= 1", value)
        for name in ("max_new_backups", "seed"):
            value = getattr(self, name)
            if not _is_int(value) or value < 0:
                raise _fail(name, "an int >= 0", value)
        if not _is_number(self.capacity_ratio) or self.capacity_ratio <= 0:
            raise _fail("capacity_ratio", "a float > 0", self.capacity_ratio)
        object.__setattr__(self, "capacity_ratio", float(self.capacity_ratio))
        if not _is_number(self.turnover_rate) or not 0 <= self.turnover_rate <= 1:
            raise _fail("turnover_rate", "a float in [0, 1]", self.turnover_rate)
        object.__setattr__(self, "turnover_rate", float(self.turnover_rate))
        hl = self.half_life_days
        if isinstance(hl, str) and hl.strip().lower() == "none":
            hl = None
        if hl is not None and (not _is_number(hl) or hl <= 0):
            raise _fail("half_life_days", "a float > 0 or None", self.half_life_days)
        object.__setattr__(self, "half_life_days", None if hl is None else float(hl))
        for name in ("holder_ratio", "coverage"):
            value = getattr(self, name)
            if not _is_number(value) or not 0 < value <= 1:
                raise _fail(name, "a float in (0, 1]", value)
            object.__setattr__(self, name, float(value))
        if not _is_number(self.exact_time_limit) or self.exact_time_limit <= 0:
            raise _fail("exact_time_limit", "a float > 0", self.exact_time_limit)
        if not isinstance(self.kind_weights, Mapping):
            raise _fail("kind_weights", "a mapping of kind to weight", self.kind_weights)
        weights: dict[str, float] = {}
        for kind, weight in self.kind_weights.items():
            if not isinstance(kind, str) or not _is_number(weight) or weight < 0:
                raise _fail(
                    "kind_weights", "a mapping of kind (str) to a weight >= 0", {kind: weight}
                )
            weights[kind.strip().casefold()] = float(weight)
        object.__setattr__(self, "kind_weights", MappingProxyType(dict(sorted(weights.items()))))

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Return the parameter names, in order."""
        return tuple(f.name for f in fields(cls))

    def replace(self, **changes: Any) -> Settings:
        """Return a copy with some parameters changed (validated again)."""
        unknown = sorted(set(changes) - set(self.names()))
        if unknown:
            raise UsageError(
                f"Unknown parameter {unknown[0]!r}; expected one of {', '.join(self.names())}."
            )
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        """Return the parameters as JSON-friendly values."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["as_of"] = None if self.as_of is None else self.as_of.isoformat()
        out["kind_weights"] = dict(self.kind_weights)
        return out

    def kind_weight(self, kind: str | None) -> float:
        """Return the weight of one interaction kind (1 when not listed)."""
        if kind is None:
            return 1.0
        return self.kind_weights.get(kind.strip().casefold(), 1.0)
