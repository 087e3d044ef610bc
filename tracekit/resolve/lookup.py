"""The one rule that turns what an analyst typed (an id, ``#id`` or a company name) into one entity.

Every verb that takes a company uses it: trace, paths, neighbourhood, evidence, risk, sanctions-proximity,
explain, merge, split and never-merge (the last four also take mention ids: see
``ResolveVerbs._side``).

* an integer, or ``#N``: entity ``N`` (it must exist);
* digits alone (``"1688"``): entity ``N`` if there is one, otherwise a company *named* so;
* a name, compared with case and runs of spaces ignored:

  1. a name written so on the records of exactly one entity wins;
  2. otherwise the fuzzy search (``ws.search``): a candidate whose display name is the text wins if it
     is the only one; a single candidate wins; a perfect score clearly ahead of the runner-up wins;
  3. otherwise :class:`~tracekit.errors.AmbiguousEntity` lists the near candidates (id, name, country,
     score), because guessing which "Global Trading Co." the analyst meant is how wrong enforcement
     happens. No candidate at all raises :class:`~tracekit.errors.EntityNotFound`.
"""

from __future__ import annotations

import numbers
import re

import pandas as pd

from tracekit.errors import AmbiguousEntity, EntityNotFound

__all__ = ["resolve_entity", "parse_id", "collapse", "CANDIDATES"]

CANDIDATES = 10
_PERFECT = 99.5  # search score of a normalised-name match
_MARGIN = 5.0  # how far ahead a perfect score must be to count as the analyst's meaning
_HASH_ID = re.compile(r"#\s*(-?\d+)")


def collapse(text: str) -> str:
    """Text with outer spaces removed and inner runs of white space made one space.

    Examples
    --------
    >>> collapse("  Alpha   Chem\\tCo ")
    'Alpha Chem Co'
    """
    return " ".join(str(text).split())


def parse_id(ref: object) -> tuple[int | None, bool]:
    """``(id, strict)``: an int or ``#N`` is strictly an id; bare digits may be an id; else ``(None, False)``.

    Examples
    --------
    >>> parse_id(42), parse_id("#42"), parse_id(" 42 "), parse_id("ACME 42")
    ((42, True), (42, True), (42, False), (None, False))
    """
    if isinstance(ref, numbers.Integral) and not isinstance(ref, bool):
        return int(ref), True
    text = str(ref).strip()
    marked = _HASH_ID.fullmatch(text)
    if marked:
        return int(marked.group(1)), True
    if text.lstrip("-").isdigit():
        return int(text), False
    return None, False


def _entity_exists(store, entity_id: int) -> bool | None:
    if not store.table_exists("entities"):
        return None  # nothing resolved yet: the id cannot be checked
    return bool(store.scalar("SELECT count(*) FROM entities WHERE entity_id = ?", [entity_id]))


def _entities_named(store, text: str) -> list[int]:
    """Entities with a mention whose raw name is ``text`` (case and runs of spaces aside)."""
    if not (store.table_exists("party_mentions") and store.table_exists("mention_entities")):
        return []
    rows = store.rows(
        "SELECT DISTINCT me.entity_id FROM party_mentions pm JOIN mention_entities me USING (mention_id) "
        "WHERE lower(regexp_replace(trim(pm.name), '\\s+', ' ', 'g')) = lower(?) LIMIT 2",
        [text],
    )
    return [int(r[0]) for r in rows]


def _search(ws, text: str) -> pd.DataFrame:
    from tracekit.resolve.verbs import ResolveVerbs  # the DataFrame search, whatever the facade wraps it in

    return ResolveVerbs.search(ws, text, CANDIDATES)


def _listing(pool: pd.DataFrame) -> str:
    def one(r) -> str:
        country = "??" if pd.isna(r.country) else r.country
        score = f", score {float(r.score):.0f}" if "score" in pool.columns and not pd.isna(r.score) else ""
        return f"{int(r.entity_id)} {r.name!r} ({country}{score})"

    return "; ".join(one(r) for r in pool.head(CANDIDATES).itertuples())


def resolve_entity(ws, entity: int | str) -> int:
    """The entity id for an id, ``#id`` or name (see the module docstring for the rule).

    Raises
    ------
    EntityNotFound
        No entity has this id, or nothing matches the name.
    AmbiguousEntity
        Several entities match the name and none exactly; ``.candidates`` holds them.
    """
    store = ws.store
    entity_id, strict = parse_id(entity)
    if entity_id is not None:
        exists = _entity_exists(store, entity_id)
        if exists is not False:
            return entity_id
        if strict:
            raise EntityNotFound(f"no entity has id {entity_id} (ids change only when resolution is redone; "
                                 "find the company with `search`)")
    text = collapse(entity)
    if not text:
        raise EntityNotFound("an empty name matches no entity")
    named = _entities_named(ws.store, text)
    if len(named) == 1:
        return named[0]
    candidates = _search(ws, text)
    if candidates is None or len(candidates) == 0:
        prefix = f"no entity has id {entity_id} and " if entity_id is not None else ""
        raise EntityNotFound(f"{prefix}no entity matches the name {text!r} (search is fuzzy: try fewer words, "
                             "another spelling, or an id)")
    wanted = text.casefold()
    exact = candidates[candidates["name"].fillna("").map(lambda n: collapse(n).casefold()) == wanted]
    if len(exact) == 1:
        return int(exact["entity_id"].iloc[0])
    if len(candidates) == 1 and not len(exact):
        return int(candidates["entity_id"].iloc[0])
    scores = candidates["score"].astype(float).tolist()
    if not len(exact) and scores[0] >= _PERFECT and (len(scores) == 1 or scores[0] - scores[1] >= _MARGIN):
        return int(candidates["entity_id"].iloc[0])
    pool = exact if len(exact) > 1 else candidates
    raise AmbiguousEntity(
        f"{text!r} matches {len(pool)} entities; pass one id (or #id): {_listing(pool)}",
        candidates=pool.reset_index(drop=True),
    )
