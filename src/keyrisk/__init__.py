"""keyrisk: measure key-person dependency in a company's client relationships.

The public API: :func:`load` reads exports into a :class:`Dataset`; :func:`analyse` scores it
and returns an :class:`Analysis`; :class:`Settings` holds the method's parameters.
"""

from keyrisk.errors import (
    AmbiguousInputError,
    ConfigError,
    FileFormatError,
    InputError,
    KeyriskError,
    LimitExceededError,
    MappingError,
    Problem,
    UsageError,
)
from keyrisk.model import Dataset, FileReport, IngestReport, RowCounts
from keyrisk.settings import Settings

__version__ = "0.1.0"

__all__ = [
    "AmbiguousInputError",
    "ConfigError",
    "Dataset",
    "FileFormatError",
    "FileReport",
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
]
