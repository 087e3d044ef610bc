"""The canonical trade schema: every stored shipment has these columns, whatever its source called them.

This module is the contract between ingest (which maps and normalises source columns onto these
fields), the store (which creates the tables) and every later stage (which reads them).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Field", "SHIPMENT_FIELDS", "PARTY_ROLES", "PARTY_ATTRIBUTES", "MENTION_COLUMNS", "field_names"]

PARTY_ROLES: tuple[str, ...] = ("shipper", "consignee", "notify")
"""Roles a company plays on a bill of lading; one party mention per record and role."""

PARTY_ATTRIBUTES: tuple[str, ...] = ("name", "address", "country", "phone", "email", "tax_id")


@dataclass(frozen=True)
class Field:
    """One canonical column: its name, its SQL type in the store, and what it means."""

    name: str
    sql_type: str
    doc: str


def _party_fields() -> list[Field]:
    docs = {
        "name": "company name as written on the record (original script and spelling)",
        "address": "address lines joined with ', '",
        "country": "ISO 3166-1 alpha-2 country code",
        "phone": "telephone number as written",
        "email": "e-mail address, lower-cased",
        "tax_id": "tax or company registration number as written",
    }
    return [
        Field(f"{role}_{attr}", "VARCHAR", f"{role}: {docs[attr]}")
        for role in PARTY_ROLES
        for attr in PARTY_ATTRIBUTES
    ]


SHIPMENT_FIELDS: tuple[Field, ...] = (
    Field("record_id", "VARCHAR", "the source's own identifier of the record (bill or declaration id)"),
    Field("date", "DATE", "arrival or declaration date, ISO"),
    *_party_fields(),
    Field("hs_code", "VARCHAR", "HS/HTS code, digits only, leading zeros kept"),
    Field("description", "VARCHAR", "free-text goods description as written"),
    Field("quantity", "DOUBLE", "declared quantity"),
    Field("quantity_unit", "VARCHAR", "unit of the declared quantity, as written"),
    Field("weight_kg", "DOUBLE", "gross weight in kilograms (converted from LB, T, MT)"),
    Field("value_usd", "DOUBLE", "declared value in US dollars"),
    Field("port_of_lading", "VARCHAR", "foreign port where the goods were loaded"),
    Field("port_of_unlading", "VARCHAR", "port where the goods were discharged"),
    Field("place_of_receipt", "VARCHAR", "where the carrier took the goods in charge"),
    Field("country_of_origin", "VARCHAR", "ISO 3166-1 alpha-2 country of origin of the goods"),
    Field("destination_country", "VARCHAR", "ISO 3166-1 alpha-2 country the goods were shipped to"),
    Field("vessel", "VARCHAR", "vessel name"),
    Field("carrier", "VARCHAR", "carrier code or name"),
    Field("container", "VARCHAR", "container number(s)"),
    Field("master_bol", "VARCHAR", "master bill of lading number"),
    Field("house_bol", "VARCHAR", "house bill of lading number"),
)

MENTION_COLUMNS: tuple[Field, ...] = (
    Field("mention_id", "BIGINT", "shipment_id * 4 + role code (0 shipper, 1 consignee, 2 notify)"),
    Field("shipment_id", "BIGINT", "the shipment this mention is on"),
    Field("source_id", "INTEGER", "source file the shipment came from"),
    Field("line", "BIGINT", "line number of the record in its source file"),
    Field("role", "VARCHAR", "shipper | consignee | notify"),
    *(Field(attr, "VARCHAR", f"party {attr}") for attr in PARTY_ATTRIBUTES),
    Field("date", "DATE", "the shipment's date (copied for time-aware resolution and queries)"),
    Field("country_source", "VARCHAR",
          "where the party's country came from, strongest first: column | declaration | address | route | "
          "port (NULL when the country is unknown); resolution weighs a country by it"),
    Field("locality", "VARCHAR", "city or locality named in the party's address, canonical upper-case ASCII "
          "(NULL when none is recognised); a different locality counts against a match"),
)


def field_names() -> list[str]:
    """Names of the canonical shipment fields, in schema order.

    Examples
    --------
    >>> field_names()[:3]
    ['record_id', 'date', 'shipper_name']
    """
    return [f.name for f in SHIPMENT_FIELDS]
