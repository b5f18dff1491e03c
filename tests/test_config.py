"""The keyrisk.toml configuration: parsing, checks, file matching, realdata configs."""

from __future__ import annotations

import csv
import datetime as dt
import textwrap
from pathlib import Path

import pytest

import keyrisk.ingest.config as config_module
from keyrisk.errors import ConfigError
from keyrisk.ingest.config import Config, FileConfig, load_config
from keyrisk.ingest.layouts import map_columns

CONFIGS = Path(__file__).resolve().parent / "configs"


def read_headers(path: Path) -> list[str]:
    """The header line of a realdata CSV (';' or ',' separated)."""
    with path.open(encoding="utf-8", newline="") as fh:
        first = fh.readline()
    sep = ";" if first.count(";") > first.count(",") else ","
    return next(csv.reader([first], delimiter=sep))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "keyrisk.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_none_is_empty() -> None:
    cfg = load_config(None)
    assert cfg == Config()
    assert cfg.files == () and dict(cfg.analysis) == {} and cfg.for_file("a.csv") is None


def test_docstring_example_parses(tmp_path: Path) -> None:
    doc = config_module.__doc__ or ""
    example = doc.split("A full example::", 1)[1].split("``lookup``", 1)[0]
    cfg = load_config(write(tmp_path, example))
    orders = cfg.for_file("orders.csv")
    assert orders is not None
    assert orders.role == "interactions" and orders.dates == "dayfirst"
    assert (orders.sep, orders.encoding) == (";", "cp1252")
    assert dict(orders.columns) == {
        "account": "customer_id",
        "staff": "employee_id",
        "date": "order_date",
    }
    lines = cfg.for_file("order_details.csv")
    assert lines is not None
    assert (lines.key, lines.join, lines.amount, lines.discount) == (
        "order_id",
        "order_id",
        ["unit_price", "quantity"],
        "discount",
    )
    customers = cfg.for_file("customers.csv")
    assert customers is not None
    assert dict(customers.columns) == {
        "account": "company_name",
        "revenue": "",
        "account_id": "customer_id",
    }
    assert dict(cfg.kind_weights) == {"meeting": 3.0, "email": 0.5}
    assert dict(cfg.aliases["staff"]) == {"DUPONT Marie": "Marie Dupont"}
    assert dict(cfg.aliases["account"]) == {"ACME SA": "Acme"}
    assert dict(cfg.analysis) == {
        "holder_ratio": 0.6,
        "half_life_days": "none",
        "as_of": dt.date(2024, 3, 31),
    }
    assert dict(cfg.stages) == {"Signé": "won"}
    assert dict(cfg.kinds) == {"Visio": "meeting"}
    settings = cfg.settings()
    assert settings.holder_ratio == 0.6 and settings.half_life_days is None
    assert settings.kind_weight("meeting") == 3.0
    assert cfg.settings(holder_ratio=0.7).holder_ratio == 0.7


def test_kind_weights_use_kind_synonyms(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, '[kind_weights]\nRDV = 3\n"Salon" = 2\n'))
    assert dict(cfg.kind_weights) == {"meeting": 3.0, "salon": 2.0}
    with pytest.raises(ConfigError, match="same kind \\(meeting\\) with different weights"):
        load_config(write(tmp_path, "[kind_weights]\nRDV = 3\nmeeting = 2\n"))


def test_lines_join_defaults_to_key(tmp_path: Path) -> None:
    cfg = load_config(
        write(tmp_path, '[files."l.csv"]\nrole = "lines"\nkey = "no"\namount = "total"\n')
    )
    fc = cfg.for_file("l.csv")
    assert fc is not None and (fc.join, fc.amount) == ("no", ["total"])


# ------------------------------------------------------------------------------- matching


def test_for_file_matching(tmp_path: Path) -> None:
    cfg = load_config(
        write(
            tmp_path,
            """
            [files."*.csv"]
            sep = ";"
            [files."ventes.csv"]
            role = "interactions"
            [files."exports/clients.xlsx"]
            role = "accounts"
            """,
        )
    )
    exact = cfg.for_file("/data/VENTES.csv")
    assert exact is not None and exact.pattern == "ventes.csv"
    glob = cfg.for_file("other.csv")
    assert glob is not None and glob.pattern == "*.csv"
    tail = cfg.for_file("C:\\audit\\exports\\clients.xlsx")
    assert tail is not None and tail.role == "accounts"
    assert cfg.for_file("/data/clients.xlsx") is None
    assert FileConfig("ventes.csv").matches("ventes.csv.bak") is False


# --------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[analyse]\nholder_ratio = 0.6\n", "unknown key 'analyse'"),
        ("[analysis]\nholder_ration = 0.6\n", "unknown key 'analysis.holder_ration'"),
        ("[analysis]\nholder_ratio = 2\n", "[analysis] The 'holder_ratio' parameter"),
        ('[analysis]\nwindow_days = "long"\n', "'window_days' parameter must be an int"),
        ('[files."a.csv"]\nrol = "staff"\n', "unknown key 'files.\"a.csv\".rol'"),
        ('[files."a.csv"]\nrole = "orders"\n', 'files."a.csv".role must be one of'),
        (
            '[files."a.csv"]\nrole = "staff"\ncolumns = { revenue = "CA" }\n',
            "unknown key 'files.\"a.csv\".columns.revenue'",
        ),
        ('[files."a.csv"]\ncolumns = { staff = 3 }\n', "must be a column name or a list"),
        ('[files."a.csv"]\nheader_row = 0\n', "header_row must be an integer >= 1"),
        ('[files."a.csv"]\nsep = ";;"\n', "sep must be one character"),
        ('[files."a.csv"]\nencoding = "klingon"\n', "unknown encoding 'klingon'"),
        ('[files."a.csv"]\ndates = "yearfirst"\n', "dates must be one of dayfirst, monthfirst"),
        ('[files."a.csv"]\nkey = "order_id"\n', 'only for role = "lines"'),
        ('[files."a.csv"]\nrole = "lines"\nkey = "id"\n', "needs key and amount"),
        ('[files."a.csv"]\nrole = "interactions"\nlookup = "id"\n', "lookup is only for role"),
        (
            '[files."a.csv"]\nrole = "staff"\nlookup = "id"\ncolumns = { staff_id = "no" }\n',
            "give one of them",
        ),
        ('[stages]\n"Signé" = "gagné"\n', "must be one of won, lost, open"),
        ('[kinds]\nVisio = "visioconf"\n', "kinds.Visio must be one of call, meeting"),
        ("[kind_weights]\nmeeting = -1\n", "kind_weights.meeting must be >= 0"),
        ("[kind_weights]\nmeeting = true\n", "kind_weights.meeting must be a number"),
        ('[aliases.client]\n"A" = "B"\n', "unknown key 'aliases.client'"),
        ('[aliases.staff]\n"A" = 3\n', "aliases.staff.A must be a non-empty string"),
        ('files = "x"\n', "files must be a table"),
    ],
)
def test_config_errors(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    text_of_error = str(info.value)
    assert message in text_of_error
    assert text_of_error.startswith(str(path))
    assert "\n" not in text_of_error


def test_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "[analysis]\nholder_ratio = 0.6\ncoverage 0.5\n")
    with pytest.raises(ConfigError, match=r"TOML syntax error: .*line 3") as info:
        load_config(path)
    assert "\n" not in str(info.value)


def test_missing_and_bad_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match="is a folder"):
        load_config(tmp_path)
    bad = tmp_path / "latin.toml"
    bad.write_bytes('[stages]\n"Signé" = "won"\n'.encode("cp1252"))
    with pytest.raises(ConfigError, match="must be UTF-8"):
        load_config(bad)


def test_utf8_bom_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes('\ufeff[stages]\n"Signé" = "won"\n'.encode())
    assert dict(load_config(path).stages) == {"Signé": "won"}


# ------------------------------------------------------------------------ realdata configs


def test_every_config_parses() -> None:
    paths = sorted(CONFIGS.glob("*.toml"))
    assert {p.stem for p in paths} >= {
        "northwind",
        "northwind_dirty",
        "classicmodels",
        "maven_crm",
        "adventureworks_lt",
        "olist_marketing_funnel",
    }
    for path in paths:
        cfg = load_config(path)
        assert cfg.files, path


def test_northwind_config_values() -> None:
    cfg = load_config(CONFIGS / "northwind.toml")
    lines = cfg.for_file("northwind/order_details.csv")
    assert lines is not None and lines.role == "lines"
    assert (lines.key, lines.join, lines.amount, lines.discount) == (
        "order_id",
        "order_id",
        ["unit_price", "quantity"],
        "discount",
    )
    employees = cfg.for_file("employees.csv")
    assert employees is not None and employees.lookup == "employee_id"
    assert employees.columns["staff_id"] == "employee_id"


# folder -> {file: (role, expected mapping)}; files with role "ignore" map to nothing
CONFIG_CASES: dict[str, dict[str, tuple[str, dict[str, str]]]] = {
    "northwind": {
        "orders.csv": (
            "interactions",
            {"account": "customer_id", "staff": "employee_id", "date": "order_date"},
        ),
        "order_details.csv": (
            "lines",
            {"key": "order_id", "amount": "unit_price + quantity", "discount": "discount"},
        ),
        "customers.csv": ("accounts", {"account": "company_name", "account_id": "customer_id"}),
        "employees.csv": (
            "staff",
            {"staff": "first_name + last_name", "staff_id": "employee_id", "role": "title",
             "start_date": "hire_date"},
        ),
    },
    "northwind_dirty": {
        "orders.csv": (
            "interactions",
            {"account": "customerID", "staff": "employeeID", "date": "orderDate"},
        ),
        "order-details.csv": (
            "lines",
            {"key": "orderID", "amount": "unitPrice + quantity", "discount": "discount"},
        ),
        "customers.csv": ("accounts", {"account": "companyName", "account_id": "customerID"}),
        "employees.csv": (
            "staff",
            {"staff": "firstName + lastName", "staff_id": "employeeID", "role": "title",
             "start_date": "hireDate"},
        ),
    },
    "classicmodels": {
        "customers.csv": (
            "accounts",
            {"account": "customerName", "account_id": "customerNumber",
             "owner": "salesRepEmployeeNumber"},
        ),
        "employees.csv": (
            "staff",
            {"staff": "firstName + lastName", "staff_id": "employeeNumber", "role": "jobTitle",
             "department": "officeCode"},
        ),
        "orders.csv": ("ignore", {}),
        "orderdetails.csv": ("ignore", {}),
        "payments.csv": ("ignore", {}),
        "offices.csv": ("ignore", {}),
    },
    "maven_crm": {
        "sales_pipeline.csv": (
            "interactions",
            {"account": "account", "staff": "sales_agent", "date": "close_date",
             "amount": "close_value", "stage": "deal_stage", "open_date": "engage_date"},
        ),
        "accounts.csv": ("accounts", {"account": "account", "segment": "sector"}),
        "sales_teams.csv": ("staff", {"staff": "sales_agent", "department": "regional_office"}),
        "products.csv": ("ignore", {}),
        "data_dictionary.csv": ("ignore", {}),
    },
    "adventureworks_lt": {
        "Customer.csv": ("accounts", {"account": "CompanyName", "owner": "SalesPerson"}),
        "SalesOrderHeader.csv": ("ignore", {}),
    },
    "olist_marketing_funnel": {
        "closed_deals.csv": (
            "interactions",
            {"account": "seller_id", "staff": "sr_id", "date": "won_date",
             "amount": "declared_monthly_revenue"},
        ),
    },
}  # fmt: skip


@pytest.mark.realdata
@pytest.mark.parametrize("folder", sorted(CONFIG_CASES))
def test_configs_map_realdata(realdata: Path, folder: str) -> None:
    cfg = load_config(CONFIGS / f"{folder}.toml")
    files = sorted(p.name for p in (realdata / folder).glob("*.csv"))
    assert sorted(CONFIG_CASES[folder]) == files
    for name, (role, expected) in CONFIG_CASES[folder].items():
        path = realdata / folder / name
        fc = cfg.for_file(path)
        assert fc is not None, name
        assert fc.role == role, name
        m = map_columns(read_headers(path), role=fc.role, overrides=dict(fc.columns), file=name)
        assert m.role == role, name
        assert m.mapping == expected, name
        if role == "lines":
            headers = read_headers(path)
            assert fc.key in headers and set(fc.amount) <= set(headers)
