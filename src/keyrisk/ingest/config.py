"""The ``keyrisk.toml`` configuration file: column mappings, weights, aliases, parameters.

Every key is checked: an unknown key or a value of the wrong type is a
:class:`~keyrisk.errors.ConfigError` naming the file and the key (a typo must not pass
silently); a TOML syntax error names the line.

Format
------
A full example::

    # One table per input file; the name is a file name or a glob ("*.csv", "exports/*.xlsx"),
    # matched against the file's name and its path.
    [files."orders.csv"]
    role = "interactions"          # interactions | accounts | staff | lines | ignore
    dates = "dayfirst"             # dayfirst | monthfirst (when the values cannot tell)
    sep = ";"                      # reading options: sep, encoding, sheet, header_row (1-based)
    encoding = "cp1252"

    [files."orders.csv".columns]   # canonical field = header as written (or a list, joined
    account = "customer_id"        # with a space); an empty string leaves a field unmapped
    staff = "employee_id"
    date = "order_date"

    [files."order_details.csv"]    # order lines: their amounts are added to the interactions
    role = "lines"
    key = "order_id"               # this file's column ...
    join = "order_id"              # ... matched against this column of the interactions file
    amount = ["unit_price", "quantity"]   # multiplied together
    discount = "discount"          # amount *= (1 - discount)

    [files."customers.csv"]
    role = "accounts"
    lookup = "customer_id"         # ids in the interactions are replaced by this file's names
    columns = { account = "company_name", revenue = "" }

    [files."employees.csv"]
    role = "staff"
    lookup = "employee_id"
    columns = { staff = ["first_name", "last_name"], role = "title", start_date = "hire_date" }

    [kind_weights]                 # weight of each interaction kind (1 when not listed)
    meeting = 3
    email = 0.5

    [aliases.staff]                # one person written several ways -> one name
    "DUPONT Marie" = "Marie Dupont"

    [aliases.account]
    "ACME SA" = "Acme"

    [analysis]                     # parameters of the method (keyrisk.settings.Settings)
    holder_ratio = 0.6
    half_life_days = "none"        # turns decay off
    as_of = 2024-03-31

    [stages]                       # extra stage labels -> won | lost | open
    "Signé" = "won"

    [kinds]                        # extra kind labels -> a kind (call, meeting, email...)
    "Visio" = "meeting"

    [report]                       # the deliverable (the command line's options win)
    company = "Dupont & Fils"      # on the Summary sheet, in the page header, in the file's
    title = "Revue des comptes clés"   # properties; the title replaces the default one
    author = "Jeanne Martin"       # "Préparé par ..." in the footer; the file's author
    csv_sep = ","                  # separator of the CSV files: , ; | or "\\t"
    currency = "EUR"               # ISO 4217 code of the amounts (read from the data otherwise)
    history = "history.sqlite"     # the history of runs (relative to this file's folder)
    crm_since = 2026-01-01         # CRM roll-out date of the adoption audit (default: the first
                                   # month with a logged interaction)

``lookup`` names the id column of an accounts (staff) file and maps it as ``account_id``
(``staff_id``): the interactions' account (staff) values, and the accounts' owner values for a
staff file, that match an id are replaced by the name on the same row. A file with
``role = "ignore"`` is read by nobody (e.g. a data dictionary lying in the export folder).
"""

from __future__ import annotations

import codecs
import datetime as dt
import fnmatch
import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from types import MappingProxyType
from typing import Any

from keyrisk.errors import ConfigError, UsageError
from keyrisk.ingest.currency import normalise_currency
from keyrisk.ingest.layouts import CANONICAL_FIELDS, KINDS, ROLES, key, normalise_kind
from keyrisk.settings import Settings

__all__ = ["Config", "FileConfig", "load_config"]

_EMPTY: Mapping[str, Any] = MappingProxyType({})

_TOP_KEYS = ("files", "kind_weights", "aliases", "analysis", "stages", "kinds", "report")
_REPORT_KEYS = ("company", "title", "author", "csv_sep", "currency", "history", "crm_since")
_CSV_SEPARATORS = (",", ";", "\t", "|")
_FILE_KEYS = (
    "role",
    "columns",
    "sheet",
    "sep",
    "encoding",
    "header_row",
    "dates",
    "key",
    "join",
    "amount",
    "discount",
    "lookup",
)
_LINES_KEYS = ("key", "join", "amount", "discount")
_ALIAS_KINDS = ("staff", "account")
_STAGE_VALUES = ("won", "lost", "open")
_DATE_ORDERS = ("dayfirst", "monthfirst")
_ANALYSIS_KEYS = tuple(n for n in Settings.names() if n != "kind_weights")


@dataclass(frozen=True)
class FileConfig:
    """How to read one input file (a ``[files."<pattern>"]`` table of keyrisk.toml).

    Attributes
    ----------
    pattern : str
        File name or glob, matched against the file's name and its path.
    role : str or None
        ``"interactions"``, ``"accounts"``, ``"staff"``, ``"lines"`` or ``"ignore"``.
    columns : mapping of str to str or list of str
        Canonical field -> header(s) (overrides for :func:`~keyrisk.ingest.layouts.map_columns`;
        ``lookup`` is included as ``account_id`` / ``staff_id``).
    sheet, sep, encoding, header_row
        Reading options (``header_row`` is 1-based, as the user sees it).
    dates : {"dayfirst", "monthfirst"} or None
        Day-month order of the file's dates.
    key, join, amount, discount
        Role ``"lines"``: this file's column ``key`` joins to the interactions' column ``join``;
        the line amount is the product of the ``amount`` columns, times ``1 - discount``.
    lookup : str or None
        Role ``"accounts"`` / ``"staff"``: the id column; ids found in the other files are
        replaced by this file's names.
    """

    pattern: str
    role: str | None = None
    columns: Mapping[str, str | list[str]] = field(default_factory=lambda: _EMPTY)
    sheet: str | None = None
    sep: str | None = None
    encoding: str | None = None
    header_row: int | None = None
    dates: str | None = None
    key: str | None = None
    join: str | None = None
    amount: list[str] = field(default_factory=list)
    discount: str | None = None
    lookup: str | None = None

    def matches(self, path: str | os.PathLike[str]) -> bool:
        """True when ``path`` (its name, or its path's tail) matches the pattern.

        Matching ignores case and accepts ``/`` or ``\\`` as separators.

        Examples
        --------
        >>> FileConfig("orders*.csv").matches("/data/Orders_2024.CSV")
        True
        >>> FileConfig("exports/orders.csv").matches("/home/me/exports/orders.csv")
        True
        """
        text = os.fspath(path).replace("\\", "/").casefold()
        pattern = self.pattern.replace("\\", "/").casefold().lstrip("./")
        name = PurePath(text).name
        if fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(text, pattern):
            return True
        return fnmatch.fnmatchcase(text, "*/" + pattern)


@dataclass(frozen=True)
class Config:
    """A parsed keyrisk.toml (every part optional).

    Attributes
    ----------
    path : str or None
        The file read (None for the empty configuration).
    files : tuple of FileConfig
        Per-file settings, in file order.
    kind_weights : mapping of str to float
        Weight of each interaction kind (keys normalised with ``[kinds]`` and the built-in
        vocabulary: ``RDV = 3`` sets the weight of ``meeting``).
    aliases : mapping
        ``{"staff": {alias: name}, "account": {alias: name}}``.
    analysis : mapping
        Parameters of :class:`keyrisk.settings.Settings` (validated).
    stages : mapping of str to str
        Extra stage labels -> ``"won"``, ``"lost"`` or ``"open"``.
    kinds : mapping of str to str
        Extra kind labels -> kind.
    report : mapping of str to str
        Options of the deliverable (``[report]``): ``company``, ``title``, ``author``,
        ``csv_sep``, ``crm_since`` (YYYY-MM-DD; keyword arguments of
        :func:`keyrisk.write_report`), ``history`` (the history file, relative to the
        configuration file's folder), and ``currency``, the ISO 4217 code of the amounts (read
        by :func:`keyrisk.load`).

    Examples
    --------
    >>> Config().for_file("orders.csv") is None
    True
    """

    path: str | None = None
    files: tuple[FileConfig, ...] = ()
    kind_weights: Mapping[str, float] = field(default_factory=lambda: _EMPTY)
    aliases: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: _EMPTY)
    analysis: Mapping[str, object] = field(default_factory=lambda: _EMPTY)
    stages: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    kinds: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    report: Mapping[str, str] = field(default_factory=lambda: _EMPTY)

    def for_file(self, path: str | os.PathLike[str]) -> FileConfig | None:
        """Return the settings of the file at ``path``, or None.

        A pattern without wildcards that matches wins over globs; otherwise the first matching
        table, in the order of the configuration file.
        """
        matching = [f for f in self.files if f.matches(path)]
        if not matching:
            return None
        exact = [f for f in matching if not any(c in f.pattern for c in "*?[")]
        return (exact or matching)[0]

    def settings(self, **changes: Any) -> Settings:
        """Return :class:`~keyrisk.settings.Settings` from ``[analysis]`` and ``[kind_weights]``.

        ``changes`` (e.g. from the command line) win over the file.
        """
        params: dict[str, Any] = dict(self.analysis)
        if self.kind_weights:
            params["kind_weights"] = dict(self.kind_weights)
        params.update(changes)
        return Settings(**params)


# --------------------------------------------------------------------------------------------
# validation helpers


def _q(name: str) -> str:
    """A TOML key as the user writes it."""
    bare = name.replace("_", "").replace("-", "").isalnum() and name.isascii()
    return name if bare else f'"{name}"'


def _check_keys(path: str, dotted: str, table: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    for k in table:
        if k not in allowed:
            where = f"{dotted}.{_q(k)}" if dotted else _q(k)
            raise ConfigError(
                f"{path}: unknown key {where!r}; expected one of {', '.join(allowed)}."
            )


def _table(path: str, dotted: str, value: object) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{path}: {dotted} must be a table; got {value!r}.")
    return value


def _text(path: str, dotted: str, value: object, *, empty: bool = False) -> str:
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise ConfigError(f"{path}: {dotted} must be a non-empty string; got {value!r}.")
    return value


def _text_list(path: str, dotted: str, value: object, *, empty: bool = False) -> list[str]:
    if isinstance(value, str):
        return [_text(path, dotted, value, empty=empty)] if value or not empty else []
    if (
        isinstance(value, list)
        and all(isinstance(v, str) and v.strip() for v in value)
        and (value or empty)
    ):
        return list(value)
    raise ConfigError(
        f"{path}: {dotted} must be a column name or a list of column names; got {value!r}."
    )


def _number(path: str, dotted: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(f"{path}: {dotted} must be a number; got {value!r}.")
    return float(value)


# --------------------------------------------------------------------------------------------
# sections


def _file(path: str, pattern: str, raw: object) -> FileConfig:
    base = f"files.{_q(pattern)}"
    table = _table(path, base, raw)
    _check_keys(path, base, table, _FILE_KEYS)
    if not pattern.strip():
        raise ConfigError(f"{path}: a [files] table needs a file name or glob.")
    role = table.get("role")
    if role is not None and role not in ROLES:
        raise ConfigError(f"{path}: {base}.role must be one of {', '.join(ROLES)}; got {role!r}.")
    columns: dict[str, str | list[str]] = {}
    raw_columns = _table(path, f"{base}.columns", table.get("columns", {}))
    allowed = (
        CANONICAL_FIELDS[role]
        if role is not None
        else tuple(dict.fromkeys(f for fs in CANONICAL_FIELDS.values() for f in fs))
    )
    for fieldname, value in raw_columns.items():
        dotted = f"{base}.columns.{_q(fieldname)}"
        if fieldname not in allowed:
            raise ConfigError(
                f"{path}: unknown key {dotted!r}; expected one of {', '.join(allowed)}."
            )
        if isinstance(value, str):
            columns[fieldname] = value
        else:
            columns[fieldname] = _text_list(path, dotted, value, empty=True)
    options: dict[str, Any] = {}
    for name in ("sheet", "encoding", "key", "join", "discount", "lookup"):
        if name in table:
            options[name] = _text(path, f"{base}.{name}", table[name])
    if "sep" in table:
        sep = table["sep"]
        if not isinstance(sep, str) or len(sep) != 1:
            raise ConfigError(f"{path}: {base}.sep must be one character; got {sep!r}.")
        options["sep"] = sep
    if "encoding" in options:
        try:
            codecs.lookup(options["encoding"])
        except LookupError:
            raise ConfigError(
                f"{path}: {base}.encoding: unknown encoding {options['encoding']!r}."
            ) from None
    if "header_row" in table:
        row = table["header_row"]
        if isinstance(row, bool) or not isinstance(row, int) or row < 1:
            raise ConfigError(f"{path}: {base}.header_row must be an integer >= 1; got {row!r}.")
        options["header_row"] = row
    if "dates" in table:
        dates = table["dates"]
        if dates not in _DATE_ORDERS:
            raise ConfigError(
                f"{path}: {base}.dates must be one of {', '.join(_DATE_ORDERS)}; got {dates!r}."
            )
        options["dates"] = dates
    if "amount" in table:
        options["amount"] = _text_list(path, f"{base}.amount", table["amount"])
    lines_keys = [k for k in _LINES_KEYS if k in table]
    if lines_keys and role != "lines":
        raise ConfigError(
            f'{path}: {base}.{lines_keys[0]} is only for role = "lines" (order lines).'
        )
    if role == "lines":
        if "key" not in options or "amount" not in options:
            raise ConfigError(
                f'{path}: {base} has role = "lines" and needs key and amount, e.g. '
                'key = "order_id", amount = ["unit_price", "quantity"].'
            )
        options.setdefault("join", options["key"])
    if "lookup" in options:
        if role not in ("accounts", "staff"):
            raise ConfigError(
                f'{path}: {base}.lookup is only for role = "accounts" or role = "staff".'
            )
        id_field = "account_id" if role == "accounts" else "staff_id"
        given = columns.get(id_field)
        if given not in (None, options["lookup"]):
            raise ConfigError(
                f"{path}: {base}.lookup is {options['lookup']!r} but columns.{id_field} is "
                f"{given!r}: give one of them."
            )
        columns[id_field] = options["lookup"]
    return FileConfig(pattern=pattern, role=role, columns=MappingProxyType(columns), **options)


def _kinds(path: str, raw: object) -> dict[str, str]:
    table = _table(path, "kinds", raw)
    out: dict[str, str] = {}
    for label, kind in table.items():
        value = _text(path, f"kinds.{_q(label)}", kind).strip().casefold()
        if value not in KINDS:
            raise ConfigError(
                f"{path}: kinds.{_q(label)} must be one of {', '.join(KINDS)}; got {kind!r}."
            )
        out[label] = value
    return out


def _kind_weights(path: str, raw: object, kinds: Mapping[str, str]) -> dict[str, float]:
    import pandas as pd

    table = _table(path, "kind_weights", raw)
    out: dict[str, float] = {}
    origin: dict[str, str] = {}
    labels = list(table)
    canonical = normalise_kind(pd.Series(labels, dtype="string"), kinds).tolist() if labels else []
    for label, kind in zip(labels, canonical, strict=True):
        weight = _number(path, f"kind_weights.{_q(label)}", table[label])
        if weight < 0:
            raise ConfigError(f"{path}: kind_weights.{_q(label)} must be >= 0; got {weight!r}.")
        name = str(kind)
        if name in out and out[name] != weight:
            raise ConfigError(
                f"{path}: kind_weights.{_q(label)} and kind_weights.{_q(origin[name])} are the "
                f"same kind ({name}) with different weights."
            )
        out[name] = weight
        origin[name] = label
    return out


def _aliases(path: str, raw: object) -> dict[str, Mapping[str, str]]:
    table = _table(path, "aliases", raw)
    _check_keys(path, "aliases", table, _ALIAS_KINDS)
    out: dict[str, Mapping[str, str]] = {}
    for kind, sub in table.items():
        entries = _table(path, f"aliases.{kind}", sub)
        clean: dict[str, str] = {}
        for alias, name in entries.items():
            dotted = f"aliases.{kind}.{_q(alias)}"
            clean[_text(path, dotted, alias)] = _text(path, dotted, name)
        out[kind] = MappingProxyType(clean)
    return out


def _analysis(path: str, raw: object) -> dict[str, object]:
    table = _table(path, "analysis", raw)
    _check_keys(path, "analysis", table, _ANALYSIS_KEYS)
    values = dict(table)
    if isinstance(values.get("as_of"), dt.datetime):
        values["as_of"] = values["as_of"].date()
    try:
        Settings(**values)
    except UsageError as exc:
        raise ConfigError(f"{path}: [analysis] {exc}") from None
    return values


def _stages(path: str, raw: object) -> dict[str, str]:
    table = _table(path, "stages", raw)
    out: dict[str, str] = {}
    for label, value in table.items():
        text = value.strip().casefold() if isinstance(value, str) else value
        if text not in _STAGE_VALUES:
            raise ConfigError(
                f"{path}: stages.{_q(label)} must be one of {', '.join(_STAGE_VALUES)}; "
                f"got {value!r}."
            )
        if not key(label):
            raise ConfigError(f"{path}: stages: an empty stage label.")
        out[label] = str(text)
    return out


def _crm_since(path: str, value: object) -> str:
    """``[report] crm_since``: a TOML date or a date as people type it, kept as YYYY-MM-DD."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    from keyrisk.ingest.values import parse_day

    text = _text(path, "report.crm_since", value)
    try:
        return parse_day(text).isoformat()
    except UsageError as exc:
        raise ConfigError(f"{path}: report.crm_since: {exc}") from None


def _report(path: str, raw: object) -> dict[str, str]:
    table = _table(path, "report", raw)
    _check_keys(path, "report", table, _REPORT_KEYS)
    out: dict[str, str] = {}
    for name, value in table.items():
        if name == "csv_sep":
            if value not in _CSV_SEPARATORS:
                shown = ", ".join(repr(s) for s in _CSV_SEPARATORS)
                raise ConfigError(f"{path}: report.csv_sep must be one of {shown}; got {value!r}.")
            out[name] = value
        elif name == "history":
            # a history file named in keyrisk.toml lies relative to the file's folder
            text = _text(path, "report.history", value)
            out[name] = str(Path(path).parent / Path(text).expanduser())
        elif name == "crm_since":
            out[name] = _crm_since(path, value)
        elif name == "currency":
            text = _text(path, "report.currency", value)
            try:
                out[name] = normalise_currency(text)
            except UsageError as exc:
                raise ConfigError(f"{path}: report.currency: {exc}") from None
        else:
            out[name] = _text(path, f"report.{name}", value)
    return out


def load_config(path: str | os.PathLike[str] | None) -> Config:
    """Read and check a keyrisk.toml file.

    Parameters
    ----------
    path : path or None
        The file; None returns the empty configuration.

    Returns
    -------
    Config

    Raises
    ------
    ConfigError
        Missing or unreadable file, TOML syntax error (with its line), unknown key or wrong type,
        with a one-line message naming the file and the key.

    Examples
    --------
    >>> load_config(None).files
    ()
    """
    if path is None:
        return Config()
    shown = os.fspath(path)
    p = Path(shown)
    if not p.is_file():
        what = "is a folder, not a file" if p.is_dir() else "no such file"
        raise ConfigError(f"{shown}: configuration file: {what}.")
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{shown}: the configuration file must be UTF-8 text.") from None
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot read the configuration file ({exc}).") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{shown}: TOML syntax error: {exc}.") from None
    _check_keys(shown, "", data, _TOP_KEYS)
    files_table = _table(shown, "files", data.get("files", {}))
    files = tuple(_file(shown, pattern, raw) for pattern, raw in files_table.items())
    kinds = _kinds(shown, data.get("kinds", {}))
    return Config(
        path=shown,
        files=files,
        kind_weights=MappingProxyType(_kind_weights(shown, data.get("kind_weights", {}), kinds)),
        aliases=MappingProxyType(_aliases(shown, data.get("aliases", {}))),
        analysis=MappingProxyType(_analysis(shown, data.get("analysis", {}))),
        stages=MappingProxyType(_stages(shown, data.get("stages", {}))),
        kinds=MappingProxyType(kinds),
        report=MappingProxyType(_report(shown, data.get("report", {}))),
    )
