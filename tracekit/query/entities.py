"""Turning what the analyst typed (an entity id, ``#id`` or a company name) into one entity id.

The rule lives in the resolve stage (:mod:`tracekit.resolve.lookup`), so explain, merge and split use
the very same one as trace, paths and every other query verb.
"""

from __future__ import annotations

from tracekit.resolve.lookup import resolve_entity

__all__ = ["resolve_entity", "entity_name"]


def entity_name(ws, entity_id: int) -> str:
    """Display name of an entity (``unnamed entity <id>`` when it has none)."""
    name = ws.store.scalar("SELECT name FROM entities WHERE entity_id = ?", [int(entity_id)]) \
        if ws.store.table_exists("entities") else None
    return name if name else f"unnamed entity {entity_id}"
