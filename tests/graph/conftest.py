"""Fixtures of the graph tests: a tiny hand-made trade world written straight into the store.

The resolution stage is bypassed on purpose: each company name is one entity, so these tests check the
graph and its queries, not entity resolution.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tracekit.resolve.normalize import normalize_name

SOURCE_ID = 1


def build_world(ws, shipments: list[dict], companies: dict[str, dict] | None = None, *,
                id_of=lambda i: 100 + i) -> dict[str, int]:
    """Insert shipments, mentions, entities, mention_entities and mention_features; return name → id.

    ``shipments`` items: shipper, consignee, optional notify, date, hs, description, kg, usd, pol, pod.
    ``companies`` gives a company's country, address, phone, email, tax_id. ``id_of(k)`` is the entity
    id of the k-th company by name (tests of id precision give ids beyond 2^53).
    """
    companies = dict(companies or {})
    names = sorted({s[r] for s in shipments for r in ("shipper", "consignee", "notify") if s.get(r)}
                   | set(companies))
    ids = {name: id_of(i) for i, name in enumerate(names)}
    ship_rows, mention_rows, link_rows, feature_rows = [], [], [], []
    for i, s in enumerate(shipments):
        shipment_id = (SOURCE_ID << 32) | i
        row = {"shipment_id": shipment_id, "source_id": SOURCE_ID, "line": i + 2, "record_id": f"R{i}",
               "date": pd.Timestamp(s["date"]).date() if s.get("date") else None,
               "hs_code": s.get("hs"), "description": s.get("description"), "weight_kg": s.get("kg", 100.0),
               "value_usd": s.get("usd", 1000.0), "port_of_lading": s.get("pol"),
               "port_of_unlading": s.get("pod"), "country_of_origin": s.get("origin")}
        for code, role in enumerate(("shipper", "consignee", "notify")):
            name = s.get(role)
            row[f"{role}_name"] = name
            if not name:
                continue
            info = companies.get(name, {})
            row[f"{role}_country"] = info.get("country")
            mention_id = shipment_id * 4 + code
            mention_rows.append({"mention_id": mention_id, "shipment_id": shipment_id, "source_id": SOURCE_ID,
                                 "line": i + 2, "role": role, "name": name, "address": info.get("address"),
                                 "country": info.get("country"), "phone": info.get("phone"),
                                 "email": info.get("email"), "tax_id": info.get("tax_id"), "date": row["date"]})
            link_rows.append({"mention_id": mention_id, "entity_id": ids[name]})
            feature_rows.append({"mention_id": mention_id, "name_key": name.lower(),
                                 **{f"{k}_key": info.get(k) for k in ("address", "phone", "email", "tax_id")}})
        ship_rows.append(row)
    store = ws.store
    mentions = pd.DataFrame(link_rows, columns=["mention_id", "entity_id"])
    counts = pd.Series([r["entity_id"] for r in link_rows]).value_counts()
    entities = pd.DataFrame({
        "entity_id": list(ids.values()), "name": list(ids),
        "country": [companies.get(n, {}).get("country") for n in ids],
        "mention_count": [int(counts.get(i, 0)) for i in ids.values()],
        "shipment_count": [int(counts.get(i, 0)) for i in ids.values()],
    })
    feature_cols = ["mention_id", "name_key", "address_key", "phone_key", "email_key", "tax_id_key"]
    with store.transaction():
        store.execute("INSERT INTO sources (source_id, path, name) VALUES (?, 'world.csv', 'world.csv')",
                      [SOURCE_ID])
        with store.registered("w_ship", pd.DataFrame(ship_rows)):
            store.execute("INSERT INTO shipments_base BY NAME SELECT * FROM w_ship")
        with store.registered("w_ment", pd.DataFrame(mention_rows)):
            store.execute("INSERT INTO party_mentions BY NAME SELECT * FROM w_ment")
        with store.registered("w_ent", entities):
            store.execute("CREATE OR REPLACE TABLE entities AS SELECT entity_id::BIGINT AS entity_id, name, "
                          "country, mention_count::BIGINT AS mention_count, "
                          "shipment_count::BIGINT AS shipment_count FROM w_ent")
        with store.registered("w_me", mentions):
            store.execute("CREATE OR REPLACE TABLE mention_entities AS SELECT mention_id::BIGINT AS mention_id, "
                          "entity_id::BIGINT AS entity_id FROM w_me")
        profiles = pd.DataFrame({"name_key": [normalize_name(n).key for n in ids],
                                 "entity_id": list(ids.values())})
        with store.registered("w_prof", profiles):  # what ws.search reads (resolution's name index)
            store.execute("CREATE OR REPLACE TABLE resolve_profiles AS SELECT * FROM w_prof")
        with store.registered("w_mf", pd.DataFrame(feature_rows, columns=feature_cols)):
            store.execute("CREATE OR REPLACE TABLE mention_features AS SELECT mention_id::BIGINT AS mention_id, "
                          "name_key::VARCHAR AS name_key, address_key::VARCHAR AS address_key, "
                          "phone_key::VARCHAR AS phone_key, email_key::VARCHAR AS email_key, "
                          "tax_id_key::VARCHAR AS tax_id_key FROM w_mf")
    return ids


@pytest.fixture
def world():
    """A factory: ``world(shipments, companies)`` → (in-memory workspace, name → entity id)."""
    import tracekit

    opened = []

    def make(shipments, companies=None):
        ws = tracekit.Workspace()
        opened.append(ws)
        return ws, build_world(ws, shipments, companies)

    yield make
    for ws in opened:
        ws.close()
