"""Column mapping, CRM layout recognition, stage and kind normalisation."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keyrisk.errors import ConfigError, MappingError
from keyrisk.ingest.layouts import (
    CANONICAL_FIELDS,
    ColumnMapping,
    key,
    map_columns,
    normalise_kind,
    normalise_stage,
)


def read_headers(path: Path) -> list[str]:
    """The header line of a realdata CSV (cp1252 for the French Excel file, ';' or ',')."""
    encoding = "cp1252" if "fr_excel" in str(path) else "utf-8"
    with path.open(encoding=encoding, newline="") as fh:
        first = fh.readline()
    sep = ";" if first.count(";") > first.count(",") else ","
    return next(csv.reader([first], delimiter=sep))


# ------------------------------------------------------------------------------------------ key


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("salesRepEmployeeNumber", "sales rep employee number"),
        ("customerID", "customer id"),
        ("SalesOrderID", "sales order id"),
        ("Associated Company IDs", "associated company ids"),
        ("CA HT (€)", "ca ht"),
        ("  Chargé  d'affaires ", "charge d affaires"),
        ("Date de l'action", "date de l action"),
        ("N° commande", "n commande"),
        ("Nº commande", "no commande"),
        ("Deal - Won time", "deal won time"),
        ("Company / Account", "company account"),
        ("ÉTAPE", "etape"),
        ("first_name", "first name"),
        ("Cœur", "coeur"),
    ],
)
def test_key(header: str, expected: str) -> None:
    assert key(header) == expected


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=30))
def test_key_is_idempotent_and_clean(text: str) -> None:
    k = key(text)
    assert key(k) == k
    assert k == k.strip()
    assert "  " not in k
    assert k == k.casefold()


# ------------------------------------------------------------------------- hand-made sheets


def test_french_hand_made_with_interlocuteur_trap() -> None:
    headers = [
        "N° commande",
        "Date",
        "Code client",
        "Raison sociale",
        "Interlocuteur",
        "Ville",
        "Pays",
        "Commercial",
        "CA HT (€)",
    ]
    m = map_columns(headers, file="commandes.csv")
    assert m.role == "interactions"
    assert m.layout == "hand-made (French)"
    assert m.columns == {
        "account": ["Raison sociale"],
        "staff": ["Commercial"],
        "date": ["Date"],
        "amount": ["CA HT (€)"],
    }
    assert m.ignored == ["N° commande", "Code client", "Interlocuteur", "Ville", "Pays"]
    assert any("'Interlocuteur' ignored" in n and "contact person" in n for n in m.notes)
    assert any("'Code client' ignored" in n for n in m.notes)


def test_interlocuteur_alone_is_the_staff() -> None:
    m = map_columns(["Date", "Client", "Interlocuteur"])
    assert m.columns["staff"] == ["Interlocuteur"]


def test_contact_is_never_staff() -> None:
    with pytest.raises(MappingError, match="no column looks like the staff"):
        map_columns(["Date", "Client", "Contact", "Montant"])


def test_sales_team_is_department_not_staff() -> None:
    m = map_columns(["Date", "Client", "Équipe commerciale", "Vendeur", "Montant"])
    assert m.columns["staff"] == ["Vendeur"]
    assert "Équipe commerciale" in m.ignored
    assert any("team or department" in n for n in m.notes)


def test_order_number_is_not_an_account() -> None:
    m = map_columns(["Order ID", "Customer", "Sales rep", "Order date"])
    assert m.columns["account"] == ["Customer"]
    assert "Order ID" in m.ignored


def test_annual_revenue_is_not_revenue() -> None:
    m = map_columns(["Company", "Owner", "Annual Revenue"])
    assert m.role == "accounts"
    assert "revenue" not in m.columns
    assert any("'Annual Revenue' ignored" in n for n in m.notes)
    m2 = map_columns(["Company", "Owner", "Annual Revenue", "Chiffre d'affaires"])
    assert m2.columns["revenue"] == ["Chiffre d'affaires"]


def test_exact_synonym_beats_contains() -> None:
    # "Client" is an exact synonym, "Client final" only contains one
    m = map_columns(["Date", "Client final", "Client", "Commercial"])
    assert m.columns["account"] == ["Client"]


def test_id_column_used_when_no_name_column() -> None:
    m = map_columns(["order_id", "customer_id", "employee_id", "order_date"])
    assert m.columns == {
        "account": ["customer_id"],
        "staff": ["employee_id"],
        "date": ["order_date"],
    }
    assert any("identified by 'customer_id'" in n for n in m.notes)


def test_english_hand_made() -> None:
    m = map_columns(["Date", "Customer", "Sales rep", "Activity type", "Amount", "Deal stage"])
    assert m.layout == "hand-made (English)"
    assert m.mapping == {
        "account": "Customer",
        "staff": "Sales rep",
        "date": "Date",
        "kind": "Activity type",
        "amount": "Amount",
        "stage": "Deal stage",
    }


# ----------------------------------------------------------------------------- ambiguity


def test_ambiguous_staff_message() -> None:
    with pytest.raises(MappingError) as info:
        map_columns(["Date", "Client", "Commercial", "Vendeur"], file="/data/ventes.csv")
    message = str(info.value)
    assert message == (
        "ventes.csv: two columns could be the staff: 'Commercial', 'Vendeur'. Add to "
        'keyrisk.toml:  [files."ventes.csv".columns] staff = "Commercial"'
    )
    assert "\n" not in message


def test_ambiguous_account_message() -> None:
    with pytest.raises(MappingError, match=r"two columns could be the account: 'Client', 'Compte'"):
        map_columns(["Date", "Client", "Compte", "Commercial"], file="x.csv")


def test_ambiguous_owner_in_accounts_file() -> None:
    with pytest.raises(MappingError, match=r'columns\] owner = "Commercial"'):
        map_columns(["Client", "Commercial", "Vendeur"], file="clients.csv")


def test_override_settles_ambiguity() -> None:
    m = map_columns(["Date", "Client", "Commercial", "Vendeur"], overrides={"staff": "Vendeur"})
    assert m.columns["staff"] == ["Vendeur"]
    assert "Commercial" in m.ignored


def test_sample_breaks_a_tie() -> None:
    sample = pd.DataFrame(
        {
            "Date": ["2024-01-02", "2024-01-03"],
            "Client": ["Acme", "Beta"],
            "Commercial": ["m.dupont@x.fr", "j.martin@x.fr"],
            "Vendeur": ["Marie Dupont", "Jean Martin"],
        }
    )
    m = map_columns(list(sample.columns), sample=sample)
    assert m.columns["staff"] == ["Vendeur"]
    assert any("e-mail addresses" in n for n in m.notes)


def test_missing_account_and_staff() -> None:
    with pytest.raises(MappingError) as info:
        map_columns(["Table", "Field", "Description"], file="dict.csv")
    message = str(info.value)
    assert "no column looks like the account or the staff" in message
    assert "'Table', 'Field', 'Description'" in message
    assert '[files."dict.csv"] columns = { account = "<column>", staff = "<column>" }' in message
    assert "\n" not in message


def test_missing_staff_suggests_lines() -> None:
    headers = ["order_id", "product_id", "unit_price", "quantity", "discount"]
    with pytest.raises(MappingError, match='look like order lines: set role = "lines"'):
        map_columns(headers)


# ------------------------------------------------------------------------------ overrides


def test_overrides_win_and_accept_lists() -> None:
    m = map_columns(
        ["Date", "Client", "Commercial", "Prénom", "Nom"],
        overrides={"staff": ["Prénom", "Nom"]},
    )
    assert m.columns["staff"] == ["Prénom", "Nom"]
    assert m.mapping["staff"] == "Prénom + Nom"
    assert "Commercial" in m.ignored


def test_override_matches_by_key() -> None:
    m = map_columns(["Date", "Client", "Commercial", "CA HT (€)"], overrides={"amount": "ca ht"})
    assert m.columns["amount"] == ["CA HT (€)"]


def test_override_absent_header() -> None:
    with pytest.raises(ConfigError) as info:
        map_columns(["Date", "Client", "Commercial"], overrides={"staff": "Vendeur"}, file="a.csv")
    assert str(info.value) == (
        "a.csv: keyrisk.toml maps staff to the column 'Vendeur', which is not in the file; its "
        "headers are 'Date', 'Client', 'Commercial'."
    )


def test_override_unknown_field() -> None:
    with pytest.raises(ConfigError, match="'revenue' is not a column of a interactions file"):
        map_columns(
            ["Date", "Client", "Commercial"], role="interactions", overrides={"revenue": "x"}
        )


def test_empty_override_unmaps() -> None:
    m = map_columns(["account", "sector", "revenue"], overrides={"revenue": ""})
    assert m.role == "accounts"
    assert m.columns == {"account": ["account"], "segment": ["sector"]}


def test_override_implies_role() -> None:
    m = map_columns(["Client", "Commercial", "Date"], overrides={"owner": "Commercial"})
    assert m.role == "accounts"
    assert m.columns["owner"] == ["Commercial"]


def test_configuration_layout() -> None:
    m = map_columns(
        ["seller_id", "sr_id", "won_date"],
        role="interactions",
        overrides={"account": "seller_id", "staff": "sr_id"},
    )
    assert m.layout == "configuration"
    assert m.columns == {"account": ["seller_id"], "staff": ["sr_id"], "date": ["won_date"]}


def test_unknown_role() -> None:
    with pytest.raises(ConfigError, match="unknown role 'orders'"):
        map_columns(["a"], role="orders")


def test_ignore_role() -> None:
    m = map_columns(["a", "b"], role="ignore")
    assert m.role == "ignore" and m.columns == {} and m.ignored == ["a", "b"]


def test_lines_role() -> None:
    m = map_columns(["order_id", "product_id", "unit_price", "quantity", "discount"], role="lines")
    assert m.columns == {
        "key": ["order_id"],
        "amount": ["unit_price", "quantity"],
        "discount": ["discount"],
    }
    m2 = map_columns(["N° commande", "Montant ligne"], role="lines")
    assert m2.columns == {"key": ["N° commande"], "amount": ["Montant ligne"]}


# ------------------------------------------------------------------------- role detection


@pytest.mark.parametrize(
    ("headers", "role"),
    [
        (
            ["Collaborateur", "Poste", "Service", "Date d'entrée", "Date de sortie", "Actif"],
            "staff",
        ),
        (["Nom", "Prénom", "Fonction"], "staff"),
        (["Commercial"], "staff"),
        (["Client", "Commercial", "CA"], "accounts"),
        (["Code client", "Raison sociale", "Secteur"], "accounts"),
        (["Client", "Commercial", "Date"], "interactions"),
        (["Client", "Commercial", "Montant"], "interactions"),
        (["Client", "Commercial", "Type"], "interactions"),
    ],
)
def test_role_detection(headers: list[str], role: str) -> None:
    assert map_columns(headers).role == role


def test_staff_file_fields() -> None:
    headers = ["Employee", "Job title", "Department", "Hire date", "End date", "Active"]
    m = map_columns(headers)
    assert m.columns == {
        "staff": ["Employee"],
        "role": ["Job title"],
        "department": ["Department"],
        "start_date": ["Hire date"],
        "end_date": ["End date"],
        "active": ["Active"],
    }
    m2 = map_columns(["Nom", "Prénom", "Fonction", "Statut"])
    assert m2.columns == {"staff": ["Prénom", "Nom"], "role": ["Fonction"], "active": ["Statut"]}


def test_owner_export_note() -> None:
    m = map_columns(["Raison sociale", "Code client", "Commercial", "Secteur", "CA 2023"])
    assert m.role == "accounts"
    assert m.columns == {
        "account": ["Raison sociale"],
        "account_id": ["Code client"],
        "revenue": ["CA 2023"],
        "owner": ["Commercial"],
        "segment": ["Secteur"],
    }
    assert any("the owner is the relationship" in n for n in m.notes)


def test_canonical_fields_cover_the_model() -> None:
    from keyrisk.model import ACCOUNT_COLUMNS, INTERACTION_COLUMNS, STAFF_COLUMNS

    meta = {"source", "row"}
    # open_date is read only to date the open deals that have no close date
    assert set(CANONICAL_FIELDS["interactions"]) - {"open_date"} == set(INTERACTION_COLUMNS) - meta
    assert set(CANONICAL_FIELDS["accounts"]) == set(ACCOUNT_COLUMNS) - meta
    assert set(CANONICAL_FIELDS["staff"]) == set(STAFF_COLUMNS) - meta


def test_column_mapping_property() -> None:
    m = ColumnMapping("staff", "x", {"staff": ["first_name", "last_name"], "role": ["title"]})
    assert m.mapping == {"staff": "first_name + last_name", "role": "title"}


# ---------------------------------------------------------------------------- CRM layouts

# (headers, layout, role, expected subset of the mapping, constants)
CRM_CASES: dict[str, tuple[list[str], str, str, dict[str, str]]] = {
    "hubspot-companies": (
        ["Record ID", "Company name", "Company owner", "Create Date", "Last Activity Date",
         "Industry", "Annual Revenue", "Total Revenue"],
        "HubSpot companies",
        "accounts",
        {"account": "Company name", "account_id": "Record ID", "owner": "Company owner",
         "revenue": "Total Revenue", "segment": "Industry"},
    ),
    "hubspot-deals": (
        ["Record ID", "Deal Name", "Deal Stage", "Pipeline", "Amount", "Close Date",
         "Create Date", "Deal owner", "Associated Company"],
        "HubSpot deals",
        "interactions",
        {"account": "Associated Company", "staff": "Deal owner", "date": "Close Date",
         "amount": "Amount", "stage": "Deal Stage"},
    ),
    "hubspot-deals-ids": (
        ["Deal Name", "Deal Stage", "Amount", "Close Date", "Deal owner",
         "Associated Company IDs"],
        "HubSpot deals",
        "interactions",
        {"account": "Associated Company IDs", "staff": "Deal owner"},
    ),
    "hubspot-contacts": (
        ["Record ID", "First Name", "Last Name", "Email", "Contact owner", "Associated Company",
         "Last Activity Date", "Lifecycle Stage"],
        "HubSpot contacts",
        "interactions",
        {"account": "Associated Company", "staff": "Contact owner",
         "date": "Last Activity Date"},
    ),
    "hubspot-activities": (
        ["Activity date", "Activity type", "Activity assigned to", "Associated Company",
         "Call outcome", "Call direction"],
        "HubSpot activities",
        "interactions",
        {"account": "Associated Company", "staff": "Activity assigned to",
         "date": "Activity date", "kind": "Activity type"},
    ),
    "salesforce-accounts": (
        ["Account Name", "Account Owner", "Type", "Industry", "Annual Revenue", "Created Date",
         "Last Activity"],
        "Salesforce accounts",
        "accounts",
        {"account": "Account Name", "owner": "Account Owner", "segment": "Industry"},
    ),
    "salesforce-opportunities": (
        ["Opportunity Name", "Account Name", "Opportunity Owner", "Stage", "Amount",
         "Close Date", "Created Date"],
        "Salesforce opportunities",
        "interactions",
        {"account": "Account Name", "staff": "Opportunity Owner", "date": "Close Date",
         "amount": "Amount", "stage": "Stage"},
    ),
    "salesforce-activities": (
        ["Assigned", "Subject", "Company / Account", "Related To", "Date", "Due Date",
         "Task/Event", "Type"],
        "Salesforce activities",
        "interactions",
        {"account": "Company / Account", "staff": "Assigned", "date": "Date", "kind": "Type"},
    ),
    "salesforce-activities-2": (
        ["Assigned To", "Company / Account", "Date", "Type of Interaction", "Subject"],
        "Salesforce activities",
        "interactions",
        {"account": "Company / Account", "staff": "Assigned To",
         "kind": "Type of Interaction"},
    ),
    "pipedrive-organizations": (
        ["Organization - Name", "Organization - Owner", "Organization - Creation date"],
        "Pipedrive organizations",
        "accounts",
        {"account": "Organization - Name", "owner": "Organization - Owner"},
    ),
    "pipedrive-deals": (
        ["Deal - Title", "Deal - Organization", "Deal - Owner", "Deal - Value",
         "Deal - Currency of value", "Deal - Status", "Deal - Stage", "Deal - Won time",
         "Deal - Closed on", "Deal - Expected close date"],
        "Pipedrive deals",
        "interactions",
        {"account": "Deal - Organization", "staff": "Deal - Owner", "date": "Deal - Closed on",
         "amount": "Deal - Value", "stage": "Deal - Status"},
    ),
    "pipedrive-deals-org": (
        ["Deal - Title", "Organization", "Deal - Owner", "Deal - Value", "Deal - Won time"],
        "Pipedrive deals",
        "interactions",
        {"account": "Organization", "staff": "Deal - Owner", "date": "Deal - Won time"},
    ),
    "pipedrive-activities": (
        ["Activity - Subject", "Activity - Type", "Activity - Assigned to user",
         "Activity - Organization", "Activity - Due date", "Activity - Marked as done time",
         "Activity - Done"],
        "Pipedrive activities",
        "interactions",
        {"account": "Activity - Organization", "staff": "Activity - Assigned to user",
         "date": "Activity - Due date", "kind": "Activity - Type"},
    ),
    "odoo-en": (
        ["Opportunity", "Customer", "Company Name", "Salesperson", "Sales Team", "Created on",
         "Closed Date", "Expected Closing", "Stage", "Expected Revenue"],
        "Odoo CRM leads",
        "interactions",
        {"account": "Customer", "staff": "Salesperson", "date": "Created on",
         "amount": "Expected Revenue", "stage": "Stage"},
    ),
    "odoo-fr": (
        ["Opportunité", "Client", "Nom de la société", "Vendeur", "Équipe commerciale",
         "Créé le", "Date de clôture", "Date de clôture prévue", "Étape", "Revenu espéré"],
        "Odoo CRM leads (French)",
        "interactions",
        {"account": "Client", "staff": "Vendeur", "date": "Créé le",
         "amount": "Revenu espéré", "stage": "Étape"},
    ),
    "odoo-activities-fr": (
        ["Nom du document", "Type d'activité", "Résumé", "Date d'échéance",
         "Date de réalisation", "Assigné à"],
        "Odoo activities (French)",
        "interactions",
        {"account": "Nom du document", "staff": "Assigné à", "date": "Date d'échéance",
         "kind": "Type d'activité"},
    ),
    "zoho-deals": (
        ["Deal Owner", "Deal Name", "Account Name", "Closing Date", "Stage", "Amount",
         "Expected Revenue", "Type"],
        "Zoho CRM",
        "interactions",
        {"account": "Account Name", "staff": "Deal Owner", "date": "Closing Date",
         "amount": "Amount", "stage": "Stage"},
    ),
    "zoho-calls": (
        ["Call Owner", "Subject", "Call Start Time", "Call Type", "Account Name"],
        "Zoho CRM",
        "interactions",
        {"account": "Account Name", "staff": "Call Owner", "date": "Call Start Time",
         "kind": "Call Type"},
    ),
    "dynamics-opportunities": (
        ["(Do Not Modify) Opportunity", "(Do Not Modify) Row Checksum",
         "(Do Not Modify) Modified On", "Topic", "Potential Customer", "Est. Close Date",
         "Est. Revenue", "Actual Revenue", "Actual Close Date", "Owner", "Status"],
        "Dynamics 365",
        "interactions",
        {"account": "Potential Customer", "staff": "Owner", "date": "Est. Close Date",
         "amount": "Est. Revenue", "stage": "Status"},
    ),
    "dynamics-activities": (
        ["(Do Not Modify) Activity", "(Do Not Modify) Row Checksum",
         "(Do Not Modify) Modified On", "Activity Type", "Subject", "Regarding", "Owner",
         "Due Date"],
        "Dynamics 365",
        "interactions",
        {"account": "Regarding", "staff": "Owner", "date": "Due Date",
         "kind": "Activity Type"},
    ),
    "dynamics-accounts": (
        ["(Do Not Modify) Account", "(Do Not Modify) Row Checksum",
         "(Do Not Modify) Modified On", "Account Name", "Owner", "Main Phone"],
        "Dynamics 365",
        "accounts",
        {"account": "Account Name", "owner": "Owner"},
    ),
    "teamleader-fr": (
        ["Nom du client", "Responsabilité", "Secteur"],
        "Teamleader (French)",
        "accounts",
        {"account": "Nom du client", "owner": "Responsabilité"},
    ),
    "hand-made-fr": (
        ["Date de l'action", "Nom du client", "Chargé d'affaires", "Type d'action",
         "Montant HT", "Statut", "Commentaire"],
        "hand-made (French)",
        "interactions",
        {"account": "Nom du client", "staff": "Chargé d'affaires", "date": "Date de l'action",
         "kind": "Type d'action", "amount": "Montant HT", "stage": "Statut",
         "note": "Commentaire"},
    ),
    "hand-made-fr-2": (
        ["Date", "Société", "Responsable", "Canal", "CA HT (€)", "Étape", "Notes"],
        "hand-made (French)",
        "interactions",
        {"account": "Société", "staff": "Responsable", "kind": "Canal", "amount": "CA HT (€)",
         "stage": "Étape", "note": "Notes"},
    ),
    "hand-made-en": (
        ["Created", "Company", "Account manager", "Channel", "Close value", "Status",
         "Subject"],
        "hand-made (English)",
        "interactions",
        {"account": "Company", "staff": "Account manager", "date": "Created",
         "kind": "Channel", "amount": "Close value", "stage": "Status", "note": "Subject"},
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CRM_CASES))
def test_crm_layouts(case: str) -> None:
    headers, layout, role, expected = CRM_CASES[case]
    m = map_columns(headers, file=f"{case}.csv")
    assert (m.layout, m.role) == (layout, role)
    assert {f: m.mapping.get(f) for f in expected} == expected
    used = {h for hs in m.columns.values() for h in hs}
    assert sorted(used | set(m.ignored)) == sorted(headers)
    assert not used & set(m.ignored)


def test_layout_details() -> None:
    deals = map_columns(CRM_CASES["hubspot-deals"][0])
    assert deals.constants == {"kind": "deal"}
    assert any("'Record ID' ignored: the id of the deal" in n for n in deals.notes)
    companies = map_columns(CRM_CASES["hubspot-companies"][0])
    assert any("'Annual Revenue' ignored" in n for n in companies.notes)
    assert any("the owner is the relationship" in n for n in companies.notes)
    contacts = map_columns(CRM_CASES["hubspot-contacts"][0])
    assert {"First Name", "Last Name", "Lifecycle Stage"} <= set(contacts.ignored)
    dynamics = map_columns(CRM_CASES["dynamics-opportunities"][0])
    assert all(h.startswith("(Do Not Modify)") for h in dynamics.ignored[:3])
    assert any("signature columns ignored" in n for n in dynamics.notes)
    odoo = map_columns(CRM_CASES["odoo-en"][0])
    assert "Sales Team" in odoo.ignored
    zoho = map_columns(CRM_CASES["zoho-deals"][0])
    assert "kind" not in zoho.columns and "Type" in zoho.ignored


def test_layout_skipped_when_role_disagrees() -> None:
    m = map_columns(CRM_CASES["hubspot-companies"][0], role="interactions", overrides={})
    assert m.layout.startswith("hand-made")


# ------------------------------------------------------------------------------- realdata

REALDATA_CASES: dict[str, tuple[str, dict[str, str]] | str] = {
    "northwind/orders.csv": (
        "interactions",
        {"account": "customer_id", "staff": "employee_id", "date": "order_date"},
    ),
    "northwind/customers.csv": (
        "accounts",
        {"account": "company_name", "account_id": "customer_id"},
    ),
    "northwind/employees.csv": (
        "staff",
        {"staff": "first_name + last_name", "staff_id": "employee_id", "role": "title",
         "start_date": "hire_date"},
    ),
    "northwind/order_details.csv": "order lines",
    "northwind_dirty/orders.csv": (
        "interactions",
        {"account": "customerID", "staff": "employeeID", "date": "orderDate"},
    ),
    "northwind_dirty/customers.csv": (
        "accounts",
        {"account": "companyName", "account_id": "customerID"},
    ),
    "northwind_dirty/employees.csv": (
        "staff",
        {"staff": "firstName + lastName", "staff_id": "employeeID", "role": "title",
         "start_date": "hireDate"},
    ),
    "northwind_dirty/order-details.csv": "order lines",
    "northwind_fr_excel/commandes.csv": (
        "interactions",
        {"account": "Raison sociale", "staff": "Commercial", "date": "Date",
         "amount": "CA HT (€)"},
    ),
    "classicmodels/customers.csv": (
        "accounts",
        {"account": "customerName", "account_id": "customerNumber",
         "owner": "salesRepEmployeeNumber"},
    ),
    "classicmodels/employees.csv": (
        "staff",
        {"staff": "firstName + lastName", "staff_id": "employeeNumber", "role": "jobTitle",
         "department": "officeCode"},
    ),
    "classicmodels/orders.csv": "no column looks like the staff",
    "classicmodels/orderdetails.csv": "order lines",
    "classicmodels/payments.csv": "no column looks like the staff",
    "classicmodels/offices.csv": "no column looks like the account or the staff",
    "maven_crm/sales_pipeline.csv": (
        "interactions",
        {"account": "account", "staff": "sales_agent", "date": "close_date",
         "amount": "close_value", "stage": "deal_stage", "open_date": "engage_date"},
    ),
    "maven_crm/accounts.csv": (
        "accounts",
        {"account": "account", "revenue": "revenue", "segment": "sector"},
    ),
    "maven_crm/sales_teams.csv": (
        "staff",
        {"staff": "sales_agent", "department": "regional_office"},
    ),
    "maven_crm/products.csv": "no column looks like the account or the staff",
    "adventureworks_lt/Customer.csv": (
        "accounts",
        {"account": "CompanyName", "account_id": "CustomerID", "owner": "SalesPerson"},
    ),
    "adventureworks_lt/SalesOrderHeader.csv": "no column looks like the staff",
    "olist_marketing_funnel/closed_deals.csv": "no column looks like the account or the staff",
}  # fmt: skip


@pytest.mark.realdata
@pytest.mark.parametrize("name", sorted(REALDATA_CASES))
def test_realdata_headers(realdata: Path, name: str) -> None:
    path = realdata / name
    headers = read_headers(path)
    expected = REALDATA_CASES[name]
    if isinstance(expected, str):
        with pytest.raises(MappingError, match=expected):
            map_columns(headers, file=str(path))
        return
    role, mapping = expected
    m = map_columns(headers, file=str(path))
    assert m.role == role
    assert m.mapping == mapping


@pytest.mark.realdata
def test_realdata_all_files_covered(realdata: Path) -> None:
    names = {str(p.relative_to(realdata)) for p in realdata.glob("*/*.csv")}
    assert set(REALDATA_CASES) <= names
    missing = names - set(REALDATA_CASES) - {"maven_crm/data_dictionary.csv"}
    assert not missing


# ---------------------------------------------------------------------------- stages/kinds


def test_normalise_stage() -> None:
    labels = [
        "Won", "Closed Won", "Gagné", "SIGNÉ", "Facturé", "Shipped", "Resolved",
        "Lost", "Closed Lost", "Perdu", "Annulé", "Cancelled",
        "Open", "Prospecting", "Engaging", "Devis envoyé", "On Hold", "In Process", "Disputed",
        "Negotiation/Review", "", None, "Bizarre", " bizarre ",
    ]  # fmt: skip
    stages, unknown = normalise_stage(pd.Series(labels, dtype="object"))
    assert stages.dtype == "string"
    assert stages.tolist() == (
        ["won"] * 7 + ["lost"] * 5 + ["open"] * 8 + [pd.NA, pd.NA, pd.NA, pd.NA]
    )
    assert unknown == {"Bizarre", " bizarre "}


def test_normalise_stage_extra_wins() -> None:
    stages, unknown = normalise_stage(
        pd.Series(["Bon pour accord", "Devis envoyé"]),
        {"Bon pour accord": "won", "devis envoyé": "lost"},
    )
    assert stages.tolist() == ["won", "lost"]
    assert unknown == set()


def test_normalise_kind() -> None:
    labels = ["Appel", "RDV", "Rendez-vous", "réunion", "E-mail", "Courriel", "Visite",
              "Devis", "Commande", "Facture", "SAV", "Tâche", "Salon Pro", None, ""]  # fmt: skip
    kinds = normalise_kind(pd.Series(labels, dtype="object"))
    assert kinds.dtype == "string"
    assert kinds.tolist() == [
        "call", "meeting", "meeting", "meeting", "email", "email", "visit", "quote", "order",
        "invoice", "ticket", "task", "salon pro", pd.NA, pd.NA,
    ]  # fmt: skip
    extra = normalise_kind(pd.Series(["Salon Pro", "Appel"]), {"salon pro": "meeting"})
    assert extra.tolist() == ["meeting", "call"]


_HEADER_POOL = [
    "Client", "Compte", "Commercial", "Vendeur", "Date", "Montant", "CA HT (€)", "Statut",
    "Interlocuteur", "Code client", "customer_id", "employee_id", "Owner", "Notes", "Type",
    "Poste", "Service", "Deal - Owner", "(Do Not Modify) Row Checksum", "Annual Revenue",
    "Prénom", "Nom", "order_id", "quantity", "", "Unnamed: 3",
]  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(_HEADER_POOL), st.text(max_size=12)), unique=True, max_size=8
    ),
    st.sampled_from([None, "interactions", "accounts", "staff", "lines"]),
)
def test_map_columns_never_crashes(headers: list[str], role: str | None) -> None:
    try:
        m = map_columns(headers, role=role)
    except MappingError as exc:
        assert "\n" not in str(exc)
        return
    used = [h for hs in m.columns.values() for h in hs]
    assert len(used) == len(set(used))
    assert sorted(set(used) | set(m.ignored)) == sorted(headers)
    assert set(m.columns) <= set(CANONICAL_FIELDS[m.role])
