"""Currency is known, never invented: read from headers, values or the user, else unknown."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import keyrisk
from keyrisk.errors import PROBLEM_CODES, ConfigError, UsageError
from keyrisk.ingest.currency import (
    currency_of_header,
    currency_of_value,
    currency_of_values,
    normalise_currency,
)


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("CA HT (€)", "EUR"),
        ("Montant HT (€)", "EUR"),
        ("Amount (USD)", "USD"),
        ("montant_eur", "EUR"),
        ("Revenue in GBP", "GBP"),
        ("Valor (R$)", "BRL"),
        ("Prix en euros", "EUR"),
        ("close_value", None),
        ("CA HT", None),
        ("Amount", None),
        ("Chiffre d'affaires", None),
        ("Europe sales", None),
    ],
)
def test_currency_of_header(header: str, code: str | None) -> None:
    assert currency_of_header(header) == code


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1 200 €", "EUR"),
        ("€1,200.50", "EUR"),
        ("$1,200", "USD"),
        ("US$ 12", "USD"),
        ("R$ 300", "BRL"),
        ("R$300,00", "BRL"),
        ("USD 50", "USD"),
        ("50 usd", "USD"),
        ("-12,5 EUR", "EUR"),
        ("£ 40", "GBP"),
        ("CHF 1'200", "CHF"),
        ("1 863,40", None),
        ("1200", None),
        ("abc $", None),  # no number: not an amount
        ("", None),
    ],
)
def test_currency_of_value(value: str, code: str | None) -> None:
    assert currency_of_value(value) == code


def test_currency_of_values_lists_each_code_met() -> None:
    values = pd.Series(["10 €", "12", None, "3,50 €", "$4"], dtype="string")
    assert currency_of_values(values) == {"EUR", "USD"}
    assert currency_of_values(pd.Series([1.5, 2.0], dtype="object")) == set()


def test_normalise_currency() -> None:
    assert normalise_currency("eur") == "EUR"
    assert normalise_currency(" €") == "EUR"
    assert normalise_currency("R$") == "BRL"
    assert normalise_currency("XPF") == "XPF"
    with pytest.raises(UsageError, match="currency"):
        normalise_currency("euro dollars")


def test_codes_documented() -> None:
    assert "ambiguous-currency" in PROBLEM_CODES


# --- through load ------------------------------------------------------------------------------


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_currency_from_a_header(tmp_path: Path) -> None:
    src = _write(tmp_path / "v.csv", "Client;Commercial;CA HT (€)\nAcme;Ann;10\n")
    ds = keyrisk.load(src)
    assert ds.currency == "EUR"
    assert ds.report.files[0].currency == "EUR"


def test_currency_from_the_values(tmp_path: Path) -> None:
    src = _write(tmp_path / "v.csv", "Client,Commercial,Amount\nAcme,Ann,$10\nBeta,Bob,12\n")
    ds = keyrisk.load(src)
    assert ds.currency == "USD"
    assert ds.interactions["amount"].tolist() == [10.0, 12.0]


def test_brazilian_reais_are_read_as_numbers(tmp_path: Path) -> None:
    src = _write(tmp_path / "v.csv", "Client;Commercial;Montant\nAcme;Ann;R$ 1.200,50\n")
    ds = keyrisk.load(src)
    assert ds.currency == "BRL"
    assert ds.interactions["amount"].tolist() == [1200.5]


def test_no_currency_is_invented(tmp_path: Path) -> None:
    src = _write(tmp_path / "v.csv", "Client,Commercial,Amount\nAcme,Ann,10\n")
    ds = keyrisk.load(src)
    assert ds.currency is None
    assert ds.report.files[0].currency is None


def test_a_currency_column(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "deals.csv",
        "Account,Owner,Close Date,Amount,Currency\nAcme,Ann,2024-01-02,10,CHF\n",
    )
    assert keyrisk.load(src).currency == "CHF"


def test_conflicting_currencies_are_unknown_with_a_warning(tmp_path: Path) -> None:
    a = _write(tmp_path / "fr.csv", "Client;Commercial;CA HT (€)\nAcme;Ann;10\n")
    b = _write(tmp_path / "us.csv", "Client,Commercial,Amount (USD)\nBeta,Bob,12\n")
    ds = keyrisk.load([a, b])
    assert ds.currency is None
    (p,) = [p for p in ds.report.problems if p.code == "ambiguous-currency"]
    assert p.severity == "warning"
    assert "EUR" in p.message and "USD" in p.message
    assert "fr.csv" in p.message and "us.csv" in p.message


def test_the_user_says_the_currency(tmp_path: Path) -> None:
    src = _write(tmp_path / "v.csv", "Client,Commercial,Amount\nAcme,Ann,10\n")
    assert keyrisk.load(src, currency="gbp").currency == "GBP"
    config = _write(tmp_path / "keyrisk.toml", '[report]\ncurrency = "CHF"\n')
    assert keyrisk.load(src, config=config).currency == "CHF"
    # the argument wins over the file
    assert keyrisk.load(src, config=config, currency="EUR").currency == "EUR"
    with pytest.raises(UsageError, match="currency"):
        keyrisk.load(src, currency="dollars of Mars")


def test_the_user_overrides_what_the_data_says(tmp_path: Path) -> None:
    src = _write(tmp_path / "v.csv", "Client,Commercial,Amount (USD)\nAcme,Ann,10\n")
    ds = keyrisk.load(src, currency="EUR")
    assert ds.currency == "EUR"
    (p,) = [p for p in ds.report.problems if p.code == "ambiguous-currency"]
    assert "USD" in p.message and "EUR" in p.message


def test_bad_report_currency_in_the_configuration(tmp_path: Path) -> None:
    config = _write(tmp_path / "keyrisk.toml", "[report]\ncurrency = 12\n")
    with pytest.raises(ConfigError, match=r"report\.currency"):
        keyrisk.load(_write(tmp_path / "v.csv", "Client,Commercial\nA,B\n"), config=config)
    config = _write(tmp_path / "keyrisk.toml", '[report]\ncurency = "EUR"\n')
    with pytest.raises(ConfigError, match="unknown key"):
        keyrisk.load(_write(tmp_path / "v.csv", "Client,Commercial\nA,B\n"), config=config)


def test_dataset_from_frames_takes_a_currency() -> None:
    frame = pd.DataFrame({"account": ["A"], "staff": ["B"]})
    assert keyrisk.Dataset.from_frames(frame).currency is None
    assert keyrisk.Dataset.from_frames(frame, currency="EUR").currency == "EUR"


# --- real data ---------------------------------------------------------------------------------


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("northwind_fr_excel", "EUR"),
        ("northwind", None),
        ("northwind_dirty", None),
        ("maven_crm", None),
        ("olist_marketing_funnel", None),
        ("classicmodels", None),
        ("adventureworks_lt", None),
    ],
)
def test_real_currencies(realdata: Path, name: str, code: str | None) -> None:
    files = sorted(p for p in (realdata / name).iterdir() if p.suffix.lower() == ".csv")
    config = Path(__file__).resolve().parent / "configs" / f"{name}.toml"
    ds = keyrisk.load(files, config=config if config.is_file() else None)
    assert ds.currency == code
    assert not [p for p in ds.report.problems if p.code == "ambiguous-currency"]
