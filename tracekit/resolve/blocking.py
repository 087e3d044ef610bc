"""Candidate pairs from blocking keys, computed by the store (set-based SQL a distributed engine can run).

Each profile gets several kinds of blocking key:

* ``t:`` its name tokens, but only those rare enough to be useful (a token in more than
  ``token_cap`` profiles, like CHEM or TRADING, is no evidence of identity);
* ``g:`` its three rarest character 4-grams of the space-free name (catches misspelt tokens and
  joined or split words);
* ``n:`` / ``c:`` the whole name key and the name key without place names;
* ``s:`` the sound (metaphone) of each distinctive name word, from a table the caller computes
  (catches misspellings that change every rare 4-gram: VINRA / VINARA);
* ``p:``, ``e:``, ``a:``, ``x:`` shared phone, e-mail, address and tax id.

Blocks larger than their cap are skipped, so no step is ever all-pairs. Two profiles are a
candidate pair when they share any key; the pair remembers which identifiers they share.
"""

# ruff: noqa: S608  -- SQL here is assembled from module constants and internal table names only; analysts' text
# never reaches it except as bound parameters or registered DataFrames.

from __future__ import annotations

from dataclasses import dataclass

from tracekit.store import Store

__all__ = ["BlockingCaps", "candidate_pairs_sql", "block_keys_sql"]


@dataclass(frozen=True)
class BlockingCaps:
    """Largest block size used per kind of key (larger blocks are skipped as uninformative)."""

    token_cap: int = 60
    gram_cap: int = 40
    grams_per_profile: int = 3
    name_cap: int = 400
    identifier_cap: int = 200


def block_keys_sql(profiles: str, profile_keys: str, caps: BlockingCaps = BlockingCaps(),
                   sounds: str | None = None) -> str:
    """SQL selecting ``(profile_id, bkey, kind)`` for every kept blocking key.

    ``profiles`` has ``profile_id, name_key, core_key, tax_id_key``; ``profile_keys`` has
    ``profile_id, kind ('p'|'e'|'a'), key``; ``sounds`` (optional) has ``profile_id, sound``.
    """
    sound_keys = (f"UNION ALL SELECT DISTINCT profile_id, 's:' || sound FROM {sounds}" if sounds else "")
    return f"""
    WITH tokens AS (
        SELECT DISTINCT profile_id, 't:' || tok AS bkey
        FROM (SELECT profile_id, unnest(string_split(name_key, ' ')) AS tok FROM {profiles})
        WHERE length(tok) >= 2
    ),
    compact AS (SELECT profile_id, replace(name_key, ' ', '') AS c FROM {profiles}),
    grams AS (
        SELECT DISTINCT profile_id, 'g:' || substr(c, i, 4) AS bkey
        FROM (SELECT profile_id, c, unnest(range(1, length(c) - 2)) AS i FROM compact)
    ),
    gram_df AS (SELECT bkey, count(*) AS df FROM grams GROUP BY bkey),
    rare_grams AS (
        SELECT profile_id, bkey FROM (
            SELECT g.profile_id, g.bkey, row_number() OVER (
                PARTITION BY g.profile_id ORDER BY d.df, g.bkey) AS rank
            FROM grams g JOIN gram_df d USING (bkey)
            WHERE d.df BETWEEN 2 AND {int(caps.gram_cap)}
        ) WHERE rank <= {int(caps.grams_per_profile)}
    ),
    whole AS (
        SELECT profile_id, 'n:' || name_key AS bkey FROM {profiles}
        UNION SELECT profile_id, 'c:' || core_key FROM {profiles} WHERE core_key <> ''
    ),
    identifiers AS (
        SELECT DISTINCT profile_id, kind || ':' || key AS bkey FROM {profile_keys}
        UNION SELECT profile_id, 'x:' || tax_id_key FROM {profiles} WHERE tax_id_key <> ''
    ),
    capped AS (
        SELECT profile_id, bkey, count(*) OVER (PARTITION BY bkey) AS size FROM (
            SELECT * FROM tokens UNION ALL SELECT * FROM whole UNION ALL SELECT * FROM identifiers
            {sound_keys}
        )
    )
    SELECT profile_id, bkey, left(bkey, 1) AS kind FROM capped
    WHERE size >= 2 AND size <= CASE left(bkey, 1)
        WHEN 't' THEN {int(caps.token_cap)} WHEN 's' THEN {int(caps.token_cap)} WHEN 'n' THEN {int(caps.name_cap)}
        WHEN 'c' THEN {int(caps.name_cap)} ELSE {int(caps.identifier_cap)} END
    UNION ALL SELECT profile_id, bkey, 'g' FROM rare_grams
    """  # noqa: S608


def candidate_pairs_sql(keys: str, new_only: str | None = None) -> str:
    """SQL for distinct candidate pairs ``(a < b)`` sharing a key, with the identifiers they share.

    ``new_only`` names a table of ``profile_id`` s: then only pairs touching one of them are kept
    (incremental resolution).
    """
    touch = ""
    if new_only:
        touch = (f"WHERE x.profile_id IN (SELECT profile_id FROM {new_only}) "
                 f"OR y.profile_id IN (SELECT profile_id FROM {new_only})")
    return f"""
    SELECT x.profile_id AS a, y.profile_id AS b,
           bool_or(x.kind = 'p') AS shared_phone, bool_or(x.kind = 'e') AS shared_email,
           bool_or(x.kind = 'a') AS shared_address
    FROM {keys} x JOIN {keys} y ON x.bkey = y.bkey AND x.profile_id < y.profile_id
    {touch}
    GROUP BY 1, 2
    """  # noqa: S608


def count_pairs(store: Store, keys: str) -> int:
    """How many candidate pairs the keys produce (for progress reporting and benchmarks)."""
    return int(store.scalar(f"SELECT count(*) FROM ({candidate_pairs_sql(keys)})"))  # noqa: S608
