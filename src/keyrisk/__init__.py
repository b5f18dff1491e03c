"""keyrisk: measure key-person dependency in a company's client relationships.

The public API: :func:`load` reads exports into a :class:`Dataset`; :func:`analyse` scores it
and returns an :class:`Analysis`; :class:`Settings` holds the method's parameters;
:func:`write_report` writes the deliverable. :func:`quarterly_trend` gives the key figures at each
quarter end, :mod:`keyrisk.history` records runs and :func:`compare` says what changed between
two; :func:`crm_adoption` audits CRM adoption. Reporting (matplotlib, openpyxl) is imported only
when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from keyrisk.adoption import Adoption, crm_adoption
from keyrisk.analysis import Analysis, analyse
from keyrisk.changes import Changes, compare
from keyrisk.errors import (
    AmbiguousInputError,
    ConfigError,
    FileFormatError,
    HistoryError,
    InputError,
    KeyriskError,
    LimitExceededError,
    MappingError,
    Problem,
    UsageError,
)
from keyrisk.ingest import inspect, load
from keyrisk.model import Dataset, FileReport, IngestReport, RowCounts
from keyrisk.privacy import pseudonymise, read_key
from keyrisk.samples_api import sample_paths
from keyrisk.settings import Settings
from keyrisk.trend import quarterly_trend

__version__ = "0.1.0"

if TYPE_CHECKING:
    from keyrisk.report import (
        check_output_folder,
        departure_dict,
        format_departure,
        headline,
        write_report,
    )

_LAZY = {
    "write_report": ("keyrisk.report", "write_report"),
    "check_output_folder": ("keyrisk.report", "check_output_folder"),
    "departure_dict": ("keyrisk.report", "departure_dict"),
    "format_departure": ("keyrisk.report", "format_departure"),
    "headline": ("keyrisk.report", "headline"),
}

__all__ = [
    "Adoption",
    "AmbiguousInputError",
    "Analysis",
    "Changes",
    "ConfigError",
    "Dataset",
    "FileFormatError",
    "FileReport",
    "HistoryError",
    "IngestReport",
    "InputError",
    "KeyriskError",
    "LimitExceededError",
    "MappingError",
    "Problem",
    "RowCounts",
    "Settings",
    "UsageError",
    "__version__",
    "analyse",
    "check_output_folder",
    "compare",
    "crm_adoption",
    "departure_dict",
    "format_departure",
    "headline",
    "inspect",
    "load",
    "pseudonymise",
    "quarterly_trend",
    "read_key",
    "sample_paths",
    "write_report",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'keyrisk' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
