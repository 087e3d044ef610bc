"""FollowTheMoney export: every entity validates with followthemoney's own model; ids are stable and namespaced."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.namespace import Namespace

from tests.query.conftest import CMD, MAKER, NOTIFY, SHELL_ADDRESS, load_case
from tracekit.errors import TracekitError
from tracekit.query.ftm import FTM_META_KEY


def _read(path) -> list[dict]:
    return [json.loads(line) for line in open(path, encoding="utf-8")]


@pytest.fixture(scope="module")
def exported(case_ws, tmp_path_factory):
    path = case_ws.export("ftm", tmp_path_factory.mktemp("ftm") / "case.ftm.jsonl", progress=False).path
    return path, _read(path)


def _by_name(entities: list[dict]) -> dict[str, dict]:
    return {n: e for e in entities for n in e["properties"].get("name", [])}


def test_every_entity_validates_and_is_already_clean(exported):
    _, entities = exported
    assert entities
    for data in entities:
        schema = model.get(data["schema"])
        assert schema is not None and not schema.abstract
        schema.validate(data)  # raises InvalidData on a missing required property or a bad value
        cleaned = model.get_proxy(data, cleaned=False)  # followthemoney cleans every value again
        assert cleaned.to_dict()["properties"] == data["properties"], data
        assert cleaned.id == data["id"]


def test_the_validator_is_not_a_rubber_stamp():
    with pytest.raises(InvalidData):
        model.get("UnknownLink").validate({"schema": "UnknownLink", "properties": {"subject": []}})


def test_every_reference_points_at_an_exported_entity(exported):
    _, entities = exported
    ids = {e["id"] for e in entities}
    assert len(ids) == len(entities)  # no id twice
    for data in entities:
        proxy = model.get_proxy(data)
        for prop in proxy.iterprops():
            if prop.type.name == "entity":
                assert set(proxy.get(prop)) <= ids, (data["schema"], prop.name)


def test_companies_addresses_shipments_and_links_carry_what_aleph_users_expect(case_ws, exported):
    _, entities = exported
    kinds = Counter(e["schema"] for e in entities)
    assert kinds["EconomicActivity"] == 12
    assert kinds["Company"] + kinds["Organization"] == 9
    named = _by_name(entities)
    maker, cmd = named[MAKER], named[CMD]
    assert maker["schema"] == "Company" and maker["properties"]["country"] == ["cn"]  # lowercase ISO
    assert named[NOTIFY]["schema"] == "Organization"  # no legal form in any spelling: not claimed a company
    assert named["+1 Trading Limited"]["schema"] == "Company"

    # the three shells point at one Address entity: the shared address is visible in Aleph
    shells = [named[n] for n in (CMD, "+1 Trading Limited", "@SUM(1+1) Holdings Ltd")]
    shared = {tuple(s["properties"]["addressEntity"]) for s in shells}
    assert len(shared) == 1
    (address_id,) = shared.pop()
    address = next(e for e in entities if e["id"] == address_id)
    assert address["schema"] == "Address" and address["properties"]["full"] == [SHELL_ADDRESS]
    assert address["properties"]["country"] == ["hk"]
    links = [e for e in entities if e["schema"] == "UnknownLink"]
    shell_ids = {s["id"] for s in shells}
    shared_links = [e for e in links if e["properties"]["role"] == ["shared address"]]
    assert {frozenset(e["properties"]["subject"] + e["properties"]["object"]) for e in shared_links} >= {
        frozenset(p) for p in [(a, b) for a in shell_ids for b in shell_ids if a < b]}

    # trade: one link per supplier → buyer pair of the graph, subject the supplier
    trade = [e for e in links if e["properties"]["role"] == ["trade: supplier → buyer"]]
    pairs = case_ws.store.rows("SELECT DISTINCT src, dst FROM graph_edges WHERE src <> dst")
    assert len(trade) == len(pairs)
    maker_to = [t for t in trade if t["properties"]["subject"] == [maker["id"]]]
    assert {t["properties"]["object"][0] for t in maker_to} == shell_ids
    assert all(t["properties"]["summary"][0].startswith("1 shipment; 25.00 kg; 2,500.00 USD; HS 293339")
               for t in maker_to)

    # a shipment: the customs declaration with sender, receiver, goods, code, countries, value, source row
    first = next(e for e in entities if e["schema"] == "EconomicActivity"
                 and e["properties"].get("recordId") == ["case.csv:2"])
    props = first["properties"]
    assert props["sender"] == [maker["id"]] and props["receiver"] == [cmd["id"]]
    assert props["goodsDescription"] == ["1-BOC-4-PIPERIDONE"] and props["vedCode"] == ["293339"]
    assert props["ccdNumber"] == ["BL0001"] and props["date"] == ["2023-02-03"]
    assert props["originCountry"] == ["cn"] and props["departureCountry"] == ["cn"]
    assert props["destinationCountry"] == ["hk"] and props["customsAmount"] == ["2,500.00 USD"]
    assert "precursor_named" in props["description"][0]
    assert "consignee as written: " + CMD in props["summary"][0]  # as written: FtM values are data


def test_ids_are_the_same_in_two_exports_and_differ_between_workspaces(case_ws, exported, tmp_path):
    path, entities = exported
    again = case_ws.export("ftm", tmp_path / "again.jsonl", progress=False).path
    assert again.read_bytes() == path.read_bytes()  # the whole file, not only the ids

    key = case_ws.store.scalar("SELECT value FROM tk_meta WHERE key = ?", [FTM_META_KEY])
    assert all(Namespace(key).verify(e["id"]) for e in entities)

    other = load_case(tmp_path / "other")  # the same file loaded into another workspace
    try:
        theirs = _read(other.export("ftm", tmp_path / "other.jsonl", progress=False).path)
        assert len(theirs) == len(entities)
        assert {e["id"] for e in theirs}.isdisjoint({e["id"] for e in entities})
        # …unless the analyst signs both with one key (an Aleph collection's id): then they match
        ours = _read(case_ws.export("ftm", tmp_path / "a.jsonl", namespace="collection-7", progress=False).path)
        same = _read(other.export("ftm", tmp_path / "b.jsonl", namespace="collection-7", progress=False).path)
        assert {e["id"] for e in ours} == {e["id"] for e in same}
    finally:
        other.close()


def test_a_case_export_keeps_the_trace_and_the_shipments_inside_it(case_ws, tmp_path):
    trace = case_ws.trace(MAKER, "down", 1)
    entities = _read(case_ws.export("ftm", tmp_path / "case.jsonl", scope=trace, progress=False).path)
    kinds = Counter(e["schema"] for e in entities)
    assert kinds["Company"] + kinds["Organization"] == 4 and kinds["EconomicActivity"] == 3
    ids = {e["id"] for e in entities}
    for e in entities:
        for prop in ("sender", "receiver", "subject", "object", "addressEntity"):
            assert set(e["properties"].get(prop, [])) <= ids


def test_a_read_only_workspace_without_a_key_says_how_to_get_one(tmp_path):
    import tracekit

    ws = load_case(tmp_path)
    ws.flags()  # the graph tables built while writable, as any analysis leaves them
    ws.close()
    with tracekit.Workspace(tmp_path / "ws", read_only=True) as ws:
        with pytest.raises(TracekitError, match="without --read-only, or pass namespace="):
            ws.export("ftm", tmp_path / "f.jsonl", progress=False)
        assert ws.export("ftm", tmp_path / "f.jsonl", namespace="case-1", progress=False).rows > 0


def test_the_explorer_exports_what_its_canvas_shows_as_ftm(case_ws, tmp_path):
    from tracekit.views.explorer import Explorer

    explorer = Explorer(case_ws.trace(MAKER, "down", 1).graph, ws=case_ws)
    entities = _read(explorer.to_ftm(tmp_path / "canvas.jsonl"))
    shown = {n for n in explorer.visible.nodes if isinstance(n, int)}
    companies = [e for e in entities if e["schema"] in ("Company", "Organization")]
    assert len(companies) == len(shown) == 4
    for data in entities:
        model.get(data["schema"]).validate(data)


def test_values_followthemoney_refuses_are_kept_as_written_in_notes():
    from tracekit.query.ftm import company_entities

    refused = Counter()
    row = {"entity_id": 5, "name": "ACME LTD", "names": ["ACME LTD", "ACME LIMITED"], "countries": ["HK", "Narnia"],
           "phones": ["+852 2345 6789", "12"], "emails": ["not-an-email"], "tax_ids": [], "legal_form": "ltd",
           "address_keys": [], "risk": None, "flags": None}
    (proxy,) = company_entities([row], {}, refused)
    data = proxy.to_dict()["properties"]
    assert data["country"] == ["hk"] and data["phone"] == ["+85223456789"] and data["alias"] == ["ACME LIMITED"]
    assert "phone as written (not accepted by followthemoney): 12" in data["notes"][0]
    assert "country as written (not accepted by followthemoney): Narnia" in data["notes"][0]
    assert "e-mail as written (not accepted by followthemoney): not-an-email" in data["notes"][0]
    assert refused == Counter({"phone": 1, "email": 1, "country": 1})
    model.get("Company").validate(proxy.to_dict())
