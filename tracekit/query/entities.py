"""Turning what the analyst typed (an entity id or a company name) into one entity id.

A name is looked up in this order: a name written exactly so (case aside) on the records of one entity
wins; then ``ws.search`` (the resolution stage's fuzzy search), where a single candidate, or a perfect
score clearly ahead of the runner-up, wins; otherwise :class:`AmbiguousEntity` lists the candidates,
because guessing which "Global Trading Co." the analyst meant is how wrong enforcement happens.
"""

from __future__ import annotations

import numbers

import pandas as pd

from tracekit.errors import AmbiguousEntity, EntityNotFound
from tracekit.graph.tables import existing_tables

__all__ = ["resolve_entity", "entity_name"]

_CANDIDATES = 10
_PERFECT = 99.5  # search score of a normalised-name match
_MARGIN = 5.0  # how far ahead a perfect score must be to count as the analyst's meaning


def _entities_named(ws, text: str) -> list[int]:
    """Entities with a mention whose raw name is ``text`` (case and outer spaces aside)."""
    store = ws.store
    if not {"party_mentions", "mention_entities"} <= existing_tables(store):
        return []
    rows = store.rows(
        "SELECT DISTINCT me.entity_id FROM party_mentions pm JOIN mention_entities me USING (mention_id) "
        "WHERE lower(trim(pm.name)) = lower(trim(?)) LIMIT 2",
        [text],
    )
    return [int(r[0]) for r in rows]


def _search(ws, text: str) -> pd.DataFrame:
    return ws.search(text, limit=_CANDIDATES)


def resolve_entity(ws, entity: int | str) -> int:
    """The entity id for an id or a name.

    Raises
    ------
    EntityNotFound
        No entity has this id, or no name matches.
    AmbiguousEntity
        Several entities match the name and none exactly; ``.candidates`` holds them.
    """
    store = ws.store
    if isinstance(entity, numbers.Integral) or (isinstance(entity, str) and entity.strip().isdigit()):
        entity_id = int(entity)
        if "entities" in existing_tables(store) and not store.scalar(
            "SELECT count(*) FROM entities WHERE entity_id = ?", [entity_id]
        ):
            raise EntityNotFound(f"no entity has id {entity_id}")
        return entity_id
    text = str(entity).strip()
    if not text:
        raise EntityNotFound("an empty name matches no entity")
    named = _entities_named(ws, text)
    if len(named) == 1:
        return named[0]
    candidates = _search(ws, text)
    if candidates is None or len(candidates) == 0:
        raise EntityNotFound(f"no entity matches the name {text!r}")
    exact = candidates[candidates["name"].fillna("").str.casefold() == text.casefold()]
    if len(exact) == 1:
        return int(exact["entity_id"].iloc[0])
    if len(candidates) == 1:
        return int(candidates["entity_id"].iloc[0])
    scores = candidates["score"].astype(float).tolist()
    if not len(exact) and scores[0] >= _PERFECT and scores[0] - scores[1] >= _MARGIN:
        return int(candidates["entity_id"].iloc[0])
    pool = exact if len(exact) > 1 else candidates
    listing = "; ".join(
        f"{int(r.entity_id)} {r.name!r} ({'??' if pd.isna(r.country) else r.country})" for r in pool.head(_CANDIDATES).itertuples()
    )
    raise AmbiguousEntity(
        f"{text!r} matches {len(pool)} entities; pass one id: {listing}", candidates=pool.reset_index(drop=True)
    )


def entity_name(ws, entity_id: int) -> str:
    """Display name of an entity (``unnamed entity <id>`` when it has none)."""
    name = ws.store.scalar("SELECT name FROM entities WHERE entity_id = ?", [int(entity_id)]) \
        if ws.store.table_exists("entities") else None
    return name if name else f"unnamed entity {entity_id}"
