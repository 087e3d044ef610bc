"""HS codes and countries: the two coded fields, normalised the same way in Python and in SQL.

HS codes keep their digits only, leading zeros included (``"0901.21"`` → ``"090121"``). When a cell
lists several codes (``"2933.39, 2921.42"``) the first is kept (the raw row keeps all of them). A code
with letters or other marks, or with fewer than 2 or more than 14 digits, is ``bad_hs_code``.

Countries become ISO 3166-1 alpha-2 codes from alpha-2 or alpha-3 codes, English or Spanish names (CLDR)
and common trade spellings (``EE.UU.``, ``PRC``, ``HONG KONG SAR``), ignoring case, accents, spaces and
punctuation. Unrecognised names give None (and are counted in the load report); the raw text stays in
the source's raw table. The name list lives in ``data/countries.csv`` (see ``data/build_countries.py``).
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from importlib import resources

from tracekit.ingest.sqltrim import trim_sql, trim_text

__all__ = [
    "normalise_hs_code", "hs_code_sql", "country_key", "country_key_sql", "country_table",
    "normalise_country", "COUNTRY_TABLE",
]

_HS_REST_OF_LIST = r"(?s)[,;|/].*$"
_HS_JOINERS = r"[ .\-]"
_HS_VALID = r"^[0-9]{2,14}$"
_KEY_DROP = "[\\t\\n\\v\\f\\r\u00a0 !-.:-@\\[-`{-~]"  # spaces and ASCII punctuation except '/' ("N/A" is no country)

COUNTRY_TABLE = "tk_country_keys"
"""Name of the lookup table (``key``, ``alpha2``) the store creates for :func:`country_key_sql`."""


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def normalise_hs_code(text: str | None) -> str | None:
    """Digits of an HS/HTS code (first of a list), or None when empty or not a code.

    Examples
    --------
    >>> normalise_hs_code("2933.39.90"), normalise_hs_code(" 0901 21 "), normalise_hs_code("293339, 292142")
    ('29333990', '090121', '293339')
    >>> normalise_hs_code("29XX39") is None
    True
    """
    if text is None:
        return None
    first = re.sub(_HS_REST_OF_LIST, "", trim_text(text), flags=re.ASCII)
    digits = re.sub(_HS_JOINERS, "", first, flags=re.ASCII)
    return digits if re.fullmatch(_HS_VALID[1:-1], digits, re.ASCII) else None


def hs_code_sql(column: str) -> str:
    """SQL expression computing :func:`normalise_hs_code` of ``column``."""
    t = trim_sql(column)
    digits = (f"regexp_replace(regexp_replace({t}, {_q(_HS_REST_OF_LIST)}, ''), "
              f"{_q(_HS_JOINERS)}, '', 'g')")
    # Fast path for the usual forms, digits and dots only ("293339", "2933.39.90"): one cheap full match
    # instead of two replacements and a match. It tests the untrimmed value (such text holds no space, and
    # a padded code takes the full reading, which gives the same digits).
    dotted = f"regexp_full_match({column}, '[0-9.]+')"
    plain = f"replace({column}, '.', '')"
    return (f"(CASE WHEN {dotted} THEN (CASE WHEN strlen({plain}) BETWEEN 2 AND 14 THEN {plain} END) "
            f"WHEN regexp_matches({digits}, {_q(_HS_VALID)}) THEN {digits} END)")


def country_key(text: str | None) -> str | None:
    """Comparison key of a country name or code: accents, case, spaces and punctuation removed.

    Examples
    --------
    >>> country_key("Méjico"), country_key("EE.UU."), country_key("n/a")
    ('MEJICO', 'EEUU', 'N/A')
    """
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(_KEY_DROP, "", stripped, flags=re.ASCII).upper()


def country_key_sql(column: str) -> str:
    """SQL expression computing :func:`country_key` of ``column``."""
    # ß upper-cases to SS in Python and to ẞ in the engine: spelled out first, as Python reads it
    return f"upper(replace(regexp_replace(strip_accents({column}), {_q(_KEY_DROP)}, '', 'g'), 'ß', 'SS'))"


@functools.cache
def country_table() -> dict[str, str]:
    """Key → alpha-2 for every known spelling; ambiguous keys resolve to the most specific kind."""
    rank = {"alpha2": 0, "alpha3": 1, "name_en": 2, "name_es": 3, "alias": 4}
    best: dict[str, tuple[int, str]] = {}
    text = resources.files("tracekit.ingest").joinpath("data/countries.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(text.splitlines()):
        key = country_key(row["text"])
        if key:
            candidate = (rank[row["kind"]], row["alpha2"])
            best[key] = min(best.get(key, candidate), candidate)
    return {key: alpha2 for key, (_, alpha2) in best.items()}


def normalise_country(text: str | None) -> str | None:
    """ISO 3166-1 alpha-2 code of a country written as a code or a name; None when unknown.

    Examples
    --------
    >>> [normalise_country(x) for x in ["CHN", "méxico", "Estados Unidos", "HONG KONG SAR", "Narnia"]]
    ['CN', 'MX', 'US', 'HK', None]
    """
    key = country_key(text)
    return country_table().get(key) if key else None
