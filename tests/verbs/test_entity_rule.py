"""One rule turns an id, #id or name into an entity, for every verb (trace and explain used to differ)."""

from __future__ import annotations

import pytest

from tests.verbs.conftest import HOSTILE, entity_id
from tracekit.errors import AmbiguousEntity, EntityNotFound
from tracekit.resolve.lookup import parse_id, resolve_entity


def test_id_hash_id_and_digits(ws):
    alpha = entity_id(ws, "Alpha Chem Co")
    assert resolve_entity(ws, alpha) == alpha
    assert resolve_entity(ws, f"#{alpha}") == alpha
    assert resolve_entity(ws, f" {alpha} ") == alpha


def test_unknown_id_is_not_found(ws):
    with pytest.raises(EntityNotFound, match="no entity has id 12345"):
        resolve_entity(ws, "#12345")
    with pytest.raises(EntityNotFound, match="no entity has id 12345"):
        resolve_entity(ws, 12345)


@pytest.mark.parametrize("typed", ["Alpha Chem Co", "alpha chem co", "  ALPHA   Chem\tCo ", "Alpha  chem  co"])
def test_name_ignores_case_and_spacing(ws, typed):
    assert resolve_entity(ws, typed) == entity_id(ws, "Alpha Chem Co")


def test_hostile_name_resolves_exactly(ws):
    hostile = ws.sql("SELECT entity_id, name FROM entities WHERE name LIKE '%onerror%'")
    assert resolve_entity(ws, HOSTILE.lower()) == int(hostile["entity_id"].iloc[0])


def test_ambiguous_name_lists_the_near_candidates(ws):
    with pytest.raises(AmbiguousEntity) as caught:
        resolve_entity(ws, "Global")
    message = str(caught.value)
    for name in ("Global Trading Co", "Global Pharma Ltd"):
        assert f"{entity_id(ws, name)} {name!r}" in message  # id and name of each candidate
    assert "pass one id (or #id)" in message
    assert {entity_id(ws, "Global Trading Co"), entity_id(ws, "Global Pharma Ltd")} <= \
        set(caught.value.candidates["entity_id"].astype(int))


def test_nothing_matching_is_not_found(ws):
    with pytest.raises(EntityNotFound, match="no entity matches the name 'Zzyzx Qwv'"):
        resolve_entity(ws, "Zzyzx Qwv")


def test_every_verb_uses_the_same_rule(ws):
    """trace, evidence, neighbourhood, risk and explain/entity all land on one entity for one text."""
    alpha = entity_id(ws, "Alpha Chem Co")
    typed = "  alpha  CHEM co"
    assert ws.trace(typed).seed == alpha
    assert ws.neighbourhood(typed).highlight == [alpha]
    assert ws.risk(typed).entity_id == alpha
    assert int(ws.explain(typed).entity["entity_id"]) == alpha
    assert ws._side(typed).entity_id == alpha
    assert ws._side(f"#{alpha}").entity_id == alpha
    for verb in (ws.trace, ws.neighbourhood, ws.evidence, ws._side):
        with pytest.raises(AmbiguousEntity):
            verb("Global")


def test_mention_ids_still_work_where_they_did(ws):
    mention = int(ws.sql("SELECT min(mention_id) AS m FROM party_mentions")["m"].iloc[0])
    assert ws._side(mention).kind == "mention"
    with pytest.raises(EntityNotFound):  # #N is an entity id, never a mention id
        ws._side(f"#{mention}")


def test_parse_id():
    assert parse_id(True) == (None, False)
    assert parse_id("#-5") == (-5, True)
