"""Ingestion: readers, CRM layouts and column mapping, value parsing, identities.

The public entry points are re-exported by :mod:`keyrisk`: :func:`load` and :func:`inspect`.
"""

from keyrisk.ingest.pipeline import LoadOptions, inspect, load

__all__ = ["LoadOptions", "inspect", "load"]
