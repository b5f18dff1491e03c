"""The ingestion pipeline's promise: nothing lost, every set-aside row explained.

For every file ``read == used + skipped + rejected``; every skipped or rejected row has a
:class:`~keyrisk.errors.Problem` naming the file, the line the user sees, the column and the raw
value, with a stable code.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

import keyrisk
from keyrisk.errors import PROBLEM_CODES, AmbiguousInputError, MappingError
from keyrisk.model import Dataset

# Title on line 1, a blank line 2, header on line 3: data row k is on line k + 3.
DIRTY = (
    "Export des actions du 01/01/2024 au 31/03/2024;;;\r\n"  # 1
    ";;;\r\n"  # 2
    "Client;Commercial;Date;Montant HT (€)\r\n"  # 3
    "ACME;Marie Dupont;01/02/2024;10\r\n"  # 4 used
    ";Marie Dupont;02/02/2024;\r\n"  # 5 missing account
    "Total;;;10\r\n"  # 6 total line
    "ACME;Marie Dupont;01/02/2024;10\r\n"  # 7 duplicate of line 4
    "Beta;Jean Lefèvre;31/02/2024;\r\n"  # 8 impossible date
    "NA;None;03/02/2024;\r\n"  # 9 literal names
    "Martin;Martin;04/02/2024;\r\n"  # 10 staff and client both named Martin
    "  acme ;  MARIE   dupont;05/02/2024;\r\n"  # 11 same names, written differently
    "Gamma;;05/02/2024;\r\n"  # 12 missing staff
    "00123;DUPONT Marie;06/02/2024;\r\n"  # 13 an id-like client, a reversed name
    "Delta;Jean Lefèvre;;\r\n"  # 14 no date
)
MISSING_LIKE = {"nan", "none", "<na>", "nat", "null", ""}


def problems_by_line(ds: Dataset) -> dict[int, keyrisk.Problem]:
    found: dict[int, keyrisk.Problem] = {}
    for p in ds.report.problems:
        if p.row is not None:
            assert p.row not in found, (p, found.get(p.row))
            found[p.row] = p
    return found


@pytest.fixture(scope="module")
def dirty(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    path = tmp_path_factory.mktemp("dirty") / "actions.csv"
    path.write_bytes(DIRTY.encode("cp1252"))
    return keyrisk.load(path)


def assert_balanced(ds: Dataset) -> None:
    for f in ds.report.files:
        r = f.rows
        assert r.read == r.used + r.skipped + r.rejected, (f.path, r)
    total = ds.report.rows
    assert total.read == total.used + total.skipped + total.rejected


def test_counts_reconcile(dirty: Dataset) -> None:
    assert_balanced(dirty)
    (f,) = dirty.report.files
    assert (f.rows.read, f.rows.used, f.rows.skipped, f.rows.rejected) == (11, 5, 3, 3)
    assert len(dirty.interactions) == f.rows.used


def test_every_set_aside_row_has_a_problem(dirty: Dataset) -> None:
    by_line = problems_by_line(dirty)
    assert by_line[5].code == "missing-account"
    assert by_line[5].column == "Client"
    assert by_line[6].code == "total-row"
    assert (by_line[6].column, by_line[6].value) == ("Client", "Total")
    assert by_line[7].code == "duplicate-row"
    assert by_line[8].code == "impossible-date"
    assert (by_line[8].column, by_line[8].value) == ("Date", "31/02/2024")
    assert by_line[12].code == "missing-staff"
    assert by_line[12].column == "Commercial"
    assert by_line[14].code == "missing-date"
    for line in (5, 6, 7, 8, 12, 14):
        p = by_line[line]
        assert p.file == "actions.csv"
        assert p.code in PROBLEM_CODES
    # the kept rows are exactly the others, with their line numbers
    assert sorted(dirty.interactions["row"].tolist()) == [4, 9, 10, 11, 13]
    set_aside = {p.row for p in dirty.report.problems if p.severity in ("error", "info")}
    assert set_aside == {5, 6, 7, 8, 12, 14}
    severities = {p.row: p.severity for p in dirty.report.problems if p.row}
    assert severities[5] == severities[8] == severities[12] == "error"  # rejected
    assert severities[6] == severities[7] == severities[14] == "info"  # skipped


def test_no_missing_value_becomes_a_name(dirty: Dataset) -> None:
    for frame, col in (
        (dirty.interactions, "account"),
        (dirty.interactions, "staff"),
        (dirty.accounts, "account"),
        (dirty.staff, "staff"),
    ):
        values = frame[col].dropna().astype(str).str.strip().str.casefold()
        assert not set(values) & (MISSING_LIKE - {"none"}), col
    assert dirty.interactions["account"].notna().all()
    assert dirty.interactions["staff"].notna().all()
    # the only "None" is the one written on line 9
    assert dirty.interactions.loc[dirty.interactions["staff"] == "None", "row"].tolist() == [9]


def test_missing_owner_stays_missing(tmp_path: Path) -> None:
    inter = tmp_path / "calls.csv"
    inter.write_text("Account,Owner,Date\nAcme,Ann,2024-01-02\n", encoding="utf-8")
    accounts = tmp_path / "clients.csv"
    accounts.write_text(
        "Account,Account owner,Revenue\nAcme,Ann,100\nBeta,,50\nGamma,NaN,\n", encoding="utf-8"
    )
    ds = keyrisk.load(inter, accounts=accounts)
    owners = ds.accounts.set_index("account")["owner"]
    assert owners["Acme"] == "Ann"
    assert owners.isna()["Beta"]
    assert owners["Gamma"] == "NaN"  # written as a name, kept as a name
    acc = keyrisk.analyse(ds).accounts.set_index("account")
    assert bool(acc.loc["Beta", "orphaned"])
    assert acc.loc["Beta", "revenue"] == 50.0


def test_literal_na_and_none_are_names(dirty: Dataset) -> None:
    row = dirty.interactions.set_index("row").loc[9]
    assert row["account"] == "NA"
    assert row["staff"] == "None"


def test_ids_stay_text(dirty: Dataset) -> None:
    assert dirty.interactions.set_index("row").loc[13, "account"] == "00123"


def test_names_normalised_as_first_written(dirty: Dataset) -> None:
    by_row = dirty.interactions.set_index("row")
    # "  acme " and "  MARIE   dupont": trimmed, collapsed, matched ignoring case
    assert by_row.loc[11, "account"] == "ACME"
    assert by_row.loc[11, "staff"] == "Marie Dupont"
    analysis = keyrisk.analyse(dirty)
    acme = analysis.accounts.set_index("account").loc["ACME"]
    assert acme["n_contacts"] == 1


def test_staff_and_account_with_the_same_name_stay_distinct(dirty: Dataset) -> None:
    analysis = keyrisk.analyse(dirty)
    assert "Martin" in set(analysis.accounts["account"])
    assert "Martin" in set(analysis.staff["staff"])
    graph = analysis.graph
    assert ("staff", "Martin") in graph
    assert ("account", "Martin") in graph
    assert graph.has_edge(("staff", "Martin"), ("account", "Martin"))
    assert graph.number_of_nodes() == len(analysis.accounts) + len(analysis.staff)


def test_near_duplicates_listed_not_merged(dirty: Dataset) -> None:
    near = dirty.report.near_duplicates
    pairs = {frozenset((r.name, r.similar_to)) for r in near.itertuples() if r.kind == "staff"}
    assert frozenset(("DUPONT Marie", "Marie Dupont")) in pairs
    values = [p.value for p in dirty.report.problems if p.code == "near-duplicate-name"]
    assert "DUPONT Marie ~ Marie Dupont" in values
    assert {"DUPONT Marie", "Marie Dupont"} <= set(dirty.interactions["staff"])


def test_aliases_merge(tmp_path: Path) -> None:
    src = tmp_path / "actions.csv"
    src.write_bytes(DIRTY.encode("cp1252"))
    config = tmp_path / "keyrisk.toml"
    config.write_text(
        '[aliases.staff]\n"DUPONT Marie" = "Marie Dupont"\n\n'
        '[aliases.account]\n"Acme SA" = "ACME"\n',
        encoding="utf-8",
    )
    ds = keyrisk.load(src, config=config)
    assert "DUPONT Marie" not in set(ds.interactions["staff"])
    assert (ds.interactions["staff"] == "Marie Dupont").sum() == 3
    near = ds.report.near_duplicates
    assert not len(near) or "DUPONT Marie" not in set(near["name"]) | set(near["similar_to"])
    unused = [p.value for p in ds.report.problems if p.code == "alias-unused"]
    assert unused == ["Acme SA"]


def test_exact_duplicates_counted_once(tmp_path: Path) -> None:
    src = tmp_path / "d.csv"
    src.write_text(
        "Account,Owner,Date\nA,Ann,2024-01-05\nA,Ann,2024-01-05\nA,Ann,2024-01-05\n"
        "A,Ann,2024-01-06\n",
        encoding="utf-8",
    )
    ds = keyrisk.load(src)
    assert len(ds.interactions) == 2
    dups = [p.row for p in ds.report.problems if p.code == "duplicate-row"]
    assert dups == [3, 4]
    assert ds.report.files[0].rows.skipped == 2


def test_ambiguous_staff_columns_and_the_override(tmp_path: Path) -> None:
    src = tmp_path / "amb.csv"
    src.write_text(
        "Account,Sales rep,Account manager,Date\n"
        "Acme,Ann,Bob,2024-01-02\nBeta,Carl,Dan,2024-03-04\n",
        encoding="utf-8",
    )
    with pytest.raises(MappingError) as info:
        keyrisk.load(src)
    message = str(info.value)
    assert "\n" not in message
    assert "'Sales rep', 'Account manager'" in message
    assert '[files."amb.csv".columns]' in message
    assert 'staff = "Sales rep"' in message
    config = tmp_path / "keyrisk.toml"
    config.write_text('[files."amb.csv".columns]\nstaff = "Account manager"\n', encoding="utf-8")
    ds = keyrisk.load(src, config=config)
    assert ds.interactions["staff"].tolist() == ["Bob", "Dan"]
    assert ds.report.files[0].mapping["staff"] == "Account manager"


def test_french_dates_are_day_first(dirty: Dataset) -> None:
    by_row = dirty.interactions.set_index("row")
    assert str(by_row.loc[4, "date"].date()) == "2024-02-01"
    assert str(by_row.loc[13, "date"].date()) == "2024-02-06"
    assert dirty.report.files[0].date_policy == "dayfirst"


def test_undecidable_english_dates(tmp_path: Path) -> None:
    src = tmp_path / "undec.csv"
    src.write_text(
        "Account,Owner,Date\nAcme,Ann,01/02/2024\nBeta,Carl,03/04/2024\n", encoding="utf-8"
    )
    with pytest.raises(AmbiguousInputError) as info:
        keyrisk.load(src)
    assert "use --dayfirst or --monthfirst" in str(info.value)
    assert "'Date'" in str(info.value)
    day = keyrisk.load(src, dates="dayfirst")
    assert [str(d.date()) for d in day.interactions["date"]] == ["2024-02-01", "2024-04-03"]
    month = keyrisk.load(src, dates="monthfirst")
    assert [str(d.date()) for d in month.interactions["date"]] == ["2024-01-02", "2024-03-04"]


def test_undecidable_dates_cli(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from keyrisk.cli import main

    src = tmp_path / "undec.csv"
    src.write_text(
        "Account,Owner,Date\nAcme,Ann,01/02/2024\nBeta,Carl,03/04/2024\n", encoding="utf-8"
    )
    assert main(["inspect", str(src)]) == 1
    err = capsys.readouterr().err
    assert "use --dayfirst or --monthfirst" in err
    assert main(["inspect", "--dayfirst", "--lang", "en", str(src)]) == 0
    out = capsys.readouterr().out
    assert "dates: day before month" in out  # inspect words the reading as the report does


def test_accounts_and_staff_files_translate_ids(tmp_path: Path) -> None:
    inter = tmp_path / "orders.csv"
    inter.write_text(
        "order_id,customer_id,employee_id,order_date\n"
        "1,C01,7,2024-01-02\n2,C02,7,2024-01-03\n3,C01,8,2024-01-04\n",
        encoding="utf-8",
    )
    accounts = tmp_path / "customers.csv"
    accounts.write_text(
        "customer_id,company_name,revenue\nC01,Acme Ltd,1000\nC02,Beta plc,250\n", encoding="utf-8"
    )
    staff = tmp_path / "employees.csv"
    staff.write_text(
        "employee_id,first_name,last_name,title\n7,Ann,Lee,Sales\n8,Bob,Ray,Support\n",
        encoding="utf-8",
    )
    config = tmp_path / "keyrisk.toml"
    config.write_text(
        '[files."orders.csv"]\nrole = "interactions"\n'
        'columns = { account = "customer_id", staff = "employee_id", date = "order_date" }\n'
        '[files."customers.csv"]\nrole = "accounts"\nlookup = "customer_id"\n'
        'columns = { account = "company_name", revenue = "revenue" }\n'
        '[files."employees.csv"]\nrole = "staff"\nlookup = "employee_id"\n'
        'columns = { staff = ["first_name", "last_name"], role = "title" }\n',
        encoding="utf-8",
    )
    ds = keyrisk.load([inter, accounts, staff], config=config)
    assert_balanced(ds)
    assert ds.interactions["account"].tolist() == ["Acme Ltd", "Beta plc", "Acme Ltd"]
    assert ds.interactions["staff"].tolist() == ["Ann Lee", "Ann Lee", "Bob Ray"]
    analysis = keyrisk.analyse(ds)
    acc = analysis.accounts.set_index("account")
    assert acc.loc["Acme Ltd", "revenue"] == 1000.0
    assert acc.loc["Acme Ltd", "n_contacts"] == 2
    # the same with --accounts / --staff given explicitly
    ds2 = keyrisk.load(inter, accounts=accounts, staff=staff, config=config)
    assert ds2.interactions["staff"].tolist() == ["Ann Lee", "Ann Lee", "Bob Ray"]


def test_problem_files_are_named_alike(tmp_path: Path) -> None:
    src = tmp_path / "ragged.csv"
    src.write_text(
        "Account,Owner,Date\nAcme,Ann,2024-01-02\nBeta,Bob,2024-01-03,extra\n"
        "Gamma,Carl\u000b,2024-01-04\n",
        encoding="utf-8",
    )
    ds = keyrisk.load(src)
    assert_balanced(ds)
    codes = Counter(p.code for p in ds.report.problems)
    assert codes["extra-fields"] == 1
    assert {p.file for p in ds.report.problems if p.row is not None} == {"ragged.csv"}
    extra = next(p for p in ds.report.problems if p.code == "extra-fields")
    assert extra.row == 3


def test_repeated_accounts_and_staff_are_merged_not_lost(tmp_path: Path) -> None:
    """A repeat fills the first row's empty cells; a conflicting repeat is rejected and listed."""
    interactions = tmp_path / "ventes.csv"
    interactions.write_text("Client,Commercial,Date\nAlpha,Marie,02/01/2024\n", encoding="utf-8")
    accounts = tmp_path / "clients.csv"
    accounts.write_text(
        "Client,CA,Commercial,Segment\nAlpha,,Marie,\nalpha,1000,,BTP\nBeta,5,Jean,PME\n"
        "BETA,7,Jean,PME\n",
        encoding="utf-8",
    )
    staff = tmp_path / "equipe.csv"
    staff.write_text(
        "Nom,Poste,Date de sortie,Actif\nMarie,sales,,\nmarie,,01/01/2024,non\n", encoding="utf-8"
    )
    ds = keyrisk.load(interactions, accounts=accounts, staff=staff)
    acc = ds.accounts.set_index("account")
    assert acc.loc["Alpha", "revenue"] == 1000.0
    assert acc.loc["Alpha", "segment"] == "BTP"
    assert acc.loc["Beta", "revenue"] == 5.0
    marie = ds.staff.set_index("staff").loc["Marie"]
    assert marie["end_date"] == pd.Timestamp("2024-01-01")
    assert not marie["active"]
    codes = [(p.file, p.row, p.code, p.severity) for p in ds.report.problems]
    assert ("clients.csv", 3, "duplicate-key", "info") in codes
    assert ("clients.csv", 5, "duplicate-key", "error") in codes
    counts = {f.path.rsplit("/", 1)[-1]: f.rows for f in ds.report.files}
    assert counts["clients.csv"].as_dict() == {"read": 4, "used": 2, "skipped": 1, "rejected": 1}


def test_identifier_clashes_and_unknown_ids_are_listed(tmp_path: Path) -> None:
    (tmp_path / "o.csv").write_text(
        "order,cust,emp,date\n1,101,2,2024-01-01\n2,103,2,2024-01-02\n", encoding="utf-8"
    )
    (tmp_path / "a.csv").write_text("id,name\n101,Alpha\n101,Alpha2\n", encoding="utf-8")
    (tmp_path / "s.csv").write_text("eid,Nom\n2,Paul\n", encoding="utf-8")
    (tmp_path / "c.toml").write_text(
        '[files."o.csv".columns]\naccount = "cust"\nstaff = "emp"\ndate = "date"\n'
        '[files."a.csv"]\nrole = "accounts"\ncolumns = { account = "name", account_id = "id" }\n'
        '[files."s.csv"]\nrole = "staff"\ncolumns = { staff = "Nom", staff_id = "eid" }\n',
        encoding="utf-8",
    )
    ds = keyrisk.load(
        tmp_path / "o.csv",
        accounts=tmp_path / "a.csv",
        staff=tmp_path / "s.csv",
        config=tmp_path / "c.toml",
    )
    assert ds.interactions["account"].tolist() == ["Alpha", "103"]  # the first name wins
    assert ds.interactions["staff"].tolist() == ["Paul", "Paul"]
    found = {(p.file, p.row, p.code, p.value) for p in ds.report.problems}
    assert ("a.csv", 3, "duplicate-key", "101 = Alpha2") in found
    assert ("o.csv", 3, "unknown-id", "103") in found


def test_order_lines_are_counted_once_per_order(tmp_path: Path) -> None:
    """An order on two interaction rows gets its lines' amount once, not twice."""
    (tmp_path / "orders.csv").write_text(
        "order_id,Client,Commercial,Date\n1,Alpha,Marie,2024-01-01\n1,Alpha,Jean,2024-01-01\n",
        encoding="utf-8",
    )
    (tmp_path / "lines.csv").write_text(
        "order_id,unit_price,quantity\n1,10,2\n1,5,1\n", encoding="utf-8"
    )
    (tmp_path / "c.toml").write_text(
        '[files."lines.csv"]\nrole = "lines"\nkey = "order_id"\njoin = "order_id"\n'
        'amount = ["unit_price", "quantity"]\n',
        encoding="utf-8",
    )
    ds = keyrisk.load([tmp_path / "orders.csv", tmp_path / "lines.csv"], config=tmp_path / "c.toml")
    assert ds.interactions["amount"].sum() == 25.0
    assert ds.interactions["amount"].notna().sum() == 1


def test_limits_can_be_raised_or_lowered_by_name(tmp_path: Path) -> None:
    src = tmp_path / "ventes.csv"
    src.write_text("Client,Commercial,Date\nAlpha,Marie,02/01/2024\n", encoding="utf-8")
    assert keyrisk.load(src, limits={"max_cells": 10**8}).report.rows.used == 1
    with pytest.raises(keyrisk.UsageError, match="Unknown limit 'max_foo'"):
        keyrisk.load(src, limits={"max_foo": 1})


# --- ragged lines, open deals, lock files ------------------------------------------------------

# Twelve well-formed visits: the client's address is free text, the others have patterns.
VISITS = "Client,Adresse,Commercial,Date\n" + "".join(
    f"{name},{addr},{staff},2024-01-{day:02d}\n"
    for day, (name, addr, staff) in enumerate(
        [
            ("Acme", "12 rue de la Paix", "Marie"),
            ("Beta", "Place Bellecour", "Jean"),
            ("Gamma", "8 quai Nord", "Paul"),
            ("Delta", "Allée des Pins", "Marie"),
            ("Epsilon", "3 avenue Foch", "Jean"),
            ("Zeta", "Cours Mirabeau", "Paul"),
            ("Eta", "45 boulevard Hugo", "Marie"),
            ("Theta", "Rue Haute", "Jean"),
            ("Iota", "2 impasse Verte", "Paul"),
            ("Kappa", "Chemin Vert", "Marie"),
            ("Lambda", "17 rue Basse", "Jean"),
            ("Mu", "Place du Marché", "Paul"),
        ],
        start=1,
    )
)


def test_a_recovered_line_is_used_with_a_warning(tmp_path: Path) -> None:
    src = tmp_path / "visites.csv"
    src.write_text(VISITS + "Nu,3, rue du Port,Paul,2024-02-01\n", encoding="utf-8")
    ds = keyrisk.load(src)
    assert_balanced(ds)
    (f,) = ds.report.files
    assert (f.rows.read, f.rows.used, f.rows.rejected) == (13, 13, 0)
    (p,) = [p for p in ds.report.problems if p.row == 14]
    assert (p.code, p.severity, p.column) == ("recovered-fields", "warning", "Adresse")
    row = ds.interactions.set_index("row").loc[14]
    assert (row["account"], row["staff"]) == ("Nu", "Paul")


def test_an_uncertain_column_in_use_rejects_the_line(tmp_path: Path) -> None:
    """'Durand,Fils' + '4 quai Nord' or 'Durand' + 'Fils,4 quai Nord': the client is uncertain."""
    src = tmp_path / "visites.csv"
    src.write_text(VISITS + "Durand,Fils,4 quai Nord,Paul,2024-02-01\n", encoding="utf-8")
    ds = keyrisk.load(src)
    assert_balanced(ds)
    (f,) = ds.report.files
    assert (f.rows.read, f.rows.used, f.rows.rejected) == (13, 12, 1)
    (p,) = [p for p in ds.report.problems if p.row == 14]
    assert (p.code, p.severity, p.column) == ("extra-fields", "error", "Client")
    assert "Client" in p.message and "Adresse" in p.message


def test_an_uncertain_column_out_of_use_leaves_the_line_used(tmp_path: Path) -> None:
    """The client's contact person and the address are uncertain, but neither is used."""
    rows = [line.split(",") for line in VISITS.splitlines()[1:]]
    src = tmp_path / "visites.csv"
    src.write_text(
        "Code client,Contact,Adresse,Commercial,Date\n"
        + "".join(
            f"C{i:02d},{c[:3]} {c[:2]}son,{a},{s},{d}\n"
            for i, (c, a, s, d) in enumerate(rows, start=1)
        )
        + "C13,Ann,Lee,Grand Rue,Paul,2024-02-01\n",
        encoding="utf-8",
    )
    ds = keyrisk.load(src)
    assert_balanced(ds)
    (f,) = ds.report.files
    assert (f.rows.used, f.rows.rejected) == (13, 0)
    (p,) = [p for p in ds.report.problems if p.row == 14]
    assert (p.code, p.severity) == ("recovered-fields", "warning")
    assert "'Contact'" in p.message and "'Adresse'" in p.message
    row = ds.interactions.set_index("row").loc[14]
    assert (row["account"], row["staff"]) == ("C13", "Paul")


DEALS = (
    "account,sales_agent,deal_stage,engage_date,close_date,close_value\n"
    "Acme,Ann,Won,2024-01-02,2024-03-01,100\n"  # 2 won: dated by its close date
    "Acme,Bob,Engaging,2024-02-10,,\n"  # 3 open, no close date: dated by its engage date
    "Beta,Ann,Prospecting,,,\n"  # 4 open, no date at all: cannot be placed in time
    "Beta,Bob,Lost,2024-01-05,,\n"  # 5 closed without a close date: not dated by engagement
    "Beta,Ann,Engaging,2024-02-11,2024-06-30,500\n"  # 6 open with an expected close date
)


def test_open_deals_without_a_close_date_take_their_engage_date(tmp_path: Path) -> None:
    src = tmp_path / "sales_pipeline.csv"
    src.write_text(DEALS, encoding="utf-8")
    ds = keyrisk.load(src)
    assert_balanced(ds)
    (f,) = ds.report.files
    assert f.mapping["date"] == "close_date"
    assert f.mapping["open_date"] == "engage_date"
    assert any("engage_date" in n for n in f.notes)
    inter = ds.interactions.set_index("row")
    assert sorted(inter.index) == [2, 3, 6]
    assert inter.loc[2, "date"] == pd.Timestamp("2024-03-01")
    assert inter.loc[3, "date"] == pd.Timestamp("2024-02-10")
    assert inter.loc[3, "stage"] == "open"
    assert inter.loc[6, "date"] == pd.Timestamp("2024-06-30")
    codes = {p.row: (p.code, p.column) for p in ds.report.problems if p.row}
    assert codes[4] == ("missing-date", "close_date")
    assert codes[5] == ("missing-date", "close_date")


def test_open_date_from_the_configuration(tmp_path: Path) -> None:
    src = tmp_path / "deals.csv"
    src.write_text(DEALS.replace("engage_date", "opened"), encoding="utf-8")
    config = tmp_path / "keyrisk.toml"
    config.write_text(
        '[files."deals.csv"]\ncolumns = { date = "close_date", open_date = "opened" }\n',
        encoding="utf-8",
    )
    ds = keyrisk.load(src, config=config)
    assert ds.interactions.set_index("row").loc[3, "date"] == pd.Timestamp("2024-02-10")


def test_excel_lock_files_are_passed_over(tmp_path: Path) -> None:
    src = tmp_path / "clients.csv"
    src.write_text("Client,Commercial,Date\nAcme,Ann,2024-01-02\n", encoding="utf-8")
    lock = tmp_path / "~$clients.xlsx"
    lock.write_bytes(b"\x08Ann Lee                                  " + b"\x00" * 120)
    ods_lock = tmp_path / ".~lock.clients.ods#"
    ods_lock.write_text("Ann Lee,host,ann,01.01.2024 10:00,file:///home/ann;\n", encoding="utf-8")
    ds = keyrisk.load([src, lock, ods_lock])
    assert_balanced(ds)
    assert len(ds.interactions) == 1
    passed = [p for p in ds.report.problems if p.code == "lock-file"]
    assert [(p.file, p.severity) for p in passed] == [
        ("~$clients.xlsx", "info"),
        (".~lock.clients.ods#", "info"),
    ]
    assert not [p for p in ds.report.problems if p.severity == "error"]
    result = keyrisk.inspect([src, lock])
    assert result.usable and result.error is None
    with pytest.raises(keyrisk.InputError, match="No usable relationship"):
        keyrisk.load([lock])
