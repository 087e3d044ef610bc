"""Fixtures for the resolve tests: workspaces filled with hand-made party mentions."""

from __future__ import annotations

import pandas as pd
import pytest

import tracekit

COLUMNS = ["name", "country", "address", "phone", "email", "tax_id", "locality", "country_source"]


def add_mentions(ws, records: list[dict], start: int | None = None) -> list[int]:
    """Insert mentions (dicts with name/country/address/phone/email/tax_id/locality/country_source) and return
    their ids. ``country_source`` defaults to 'column' where a country is given (the ingest contract)."""
    if start is None:
        start = int(ws.store.scalar("SELECT coalesce(max(shipment_id), -1) + 1 FROM party_mentions"))
    rows = []
    for k, rec in enumerate(records):
        shipment = start + k
        row = {"mention_id": shipment * 4, "shipment_id": shipment, "source_id": 1, "line": shipment,
               "role": "shipper", **{c: rec.get(c) for c in COLUMNS}, "date": None}
        if row["country"] and not row["country_source"]:
            row["country_source"] = "column"
        rows.append(row)
    frame = pd.DataFrame(rows)
    for c in COLUMNS + ["role"]:
        frame[c] = frame[c].astype(object)
    with ws.store.registered("tk_test_rows", frame):
        ws.store.execute("INSERT INTO party_mentions BY NAME SELECT mention_id, shipment_id, source_id, line, role, "
                         "name, address, country, phone, email, tax_id, date::DATE AS date, locality, country_source "
                         "FROM tk_test_rows")
    return frame["mention_id"].tolist()


def entity_of(ws, mention_id: int) -> int:
    return int(ws.store.scalar("SELECT entity_id FROM mention_entities WHERE mention_id = ?", [mention_id]))


@pytest.fixture
def mem_ws():
    ws = tracekit.Workspace()
    yield ws
    ws.close()
