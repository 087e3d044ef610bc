# ruff: noqa: S608  (SQL built here from the module's own constants and table names, never from data)
"""Party countries from every piece of evidence a record holds, strongest first, and the locality.

Sources of a party mention's country, in the order they win (``party_mentions.country_source``):

``column``
    the party's own country column;
``declaration``
    the declaring country of a national customs file (``declaring_country=``, ``declaration=``): an
    import declaration's importer (the consignee) is in that country, an export declaration's exporter
    (the shipper) is;
``address``
    the address names it: the last line of a multi-line address (US AMS), the last segment(s) or the
    last word of a one-column address (``…, USA``, ``… KOWLOON HK``), or a city the gazetteer places in
    one country (:mod:`tracekit.ingest.gazetteer`);
``route``
    the shipment's countries: the shipper ≈ country of origin, the consignee ≈ destination country;
``port``
    the port: a UN/LOCODE (``CNSHA``) begins with the ISO 3166-1 alpha-2 code of its country by
    definition (UNECE, UN/LOCODE Manual, section 3.1), and a port written as a name counts when the
    gazetteer places that name in one country only. Shipper ← port of lading, consignee ← port of
    unlading.

Weaker evidence never overwrites stronger: it fills a country only where everything stronger is
silent, and where it disagrees it is counted as a conflict (the load report shows the counts).

Two-letter codes that are also US state or Canadian province codes (``CA``, ``DE``, ``IN``, ``PA``…) are
not read as countries at the end of an address: ``Newark, DE`` is Delaware, not Germany.

Everything here is SQL text for the store to run; the statements are set-based, over distinct
addresses and ports, never a Python loop per row.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracekit.errors import SourceError
from tracekit.ingest.codes import COUNTRY_TABLE, country_key_sql, normalise_country
from tracekit.ingest.fields import PARTY_ATTRIBUTES, PARTY_ROLES
from tracekit.ingest.gazetteer import (
    BUILDING_AFTER,
    GAZETTEER_KEYS,
    STREET_AFTER,
    port_place_key_sql,
    segments_sql,
)
from tracekit.ingest.mapping import Mapping

__all__ = [
    "COUNTRY_SOURCES", "DECLARATIONS", "Declaration", "declaration", "base_mentions_sql", "addresses_sql",
    "tail_countries_sql", "contexts_sql", "places_sql", "port_countries_sql", "final_mentions_sql", "evidence_counts_sql",
]

COUNTRY_SOURCES: tuple[str, ...] = ("column", "declaration", "address", "route", "port")
"""Values of ``party_mentions.country_source``, strongest first."""
DECLARATIONS: dict[str, str] = {"import": "consignee", "export": "shipper"}
"""Declaration type → the role that is in the declaring country."""

# Two-letter codes that are both ISO 3166-1 alpha-2 codes and US state / Canadian province postal
# abbreviations (USPS Publication 28, appendix B; Canada Post addressing guidelines, section 5.3):
# at the end of a North-American address they name the state, not the country.
STATE_LIKE_CODES = ("AL", "AR", "AS", "CA", "CO", "DE", "GA", "GU", "ID", "IL", "IN", "MA", "MD", "ME", "MN",
                    "MO", "MP", "MS", "MT", "NC", "NE", "PA", "PR", "SC", "TN", "VA", "VI", "NL", "PE", "NU")


@dataclass(frozen=True)
class Declaration:
    """A national customs file: its declaring country and whether its declarations are imports or exports."""

    country: str
    kind: str

    @property
    def role(self) -> str:
        return DECLARATIONS[self.kind]

    def to_json(self) -> dict:
        return {"declaring_country": self.country, "declaration": self.kind}


def declaration(country: str | None, kind: str | None) -> Declaration | None:
    """Check the load options; None when no declaring country is given.

    Examples
    --------
    >>> declaration("Mexico", "import")
    Declaration(country='MX', kind='import')
    >>> declaration(None, None) is None
    True
    """
    if country is None and kind is None:
        return None
    if country is None:
        raise SourceError(f"declaration={kind!r} needs declaring_country= (the country that filed the declarations)")
    code = normalise_country(country)
    if code is None:
        raise SourceError(f"declaring_country={country!r} is not a country name or ISO code")
    if kind not in DECLARATIONS:
        raise SourceError(f"declaring_country={country!r} needs declaration='import' (the importer is in "
                          f"{code}) or declaration='export' (the exporter is); got {kind!r}")
    return Declaration(code, kind)


def _lit(text: str | None) -> str:
    return "NULL" if text is None else "'" + text.replace("'", "''") + "'"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_EVIDENCE = {"shipper": ("country_of_origin", "port_of_lading"), "consignee": ("destination_country", "port_of_unlading")}


def base_mentions_sql(mapping: Mapping, source_id: int, roles: list[str], given: dict[str, str],
                      decl: Declaration | None) -> str:
    """SELECT of this source's mentions with each piece of evidence in its own column.

    ``given`` is :func:`tracekit.ingest.plan.country_sources`: per role, whether the stored role country
    came from a column (``column``) or the last address line (``address``). Columns: the mention's
    columns but ``country``, then ``col_country``, ``line_country``, ``declared``, ``route_country``,
    ``port_text``.
    """
    parts = []
    for code, role in enumerate(PARTY_ROLES):
        if role not in roles:
            continue
        cols = [f"{role}_{a}" for a in PARTY_ATTRIBUTES]
        attrs = ", ".join(f"{_q(c)} AS {a}" for c, a in zip(cols, PARTY_ATTRIBUTES, strict=True) if a != "country")
        any_data = " OR ".join(f"{_q(c)} IS NOT NULL" for c in cols)
        country = _q(f"{role}_country")
        from_column = given.get(role, "column") == "column"
        route, port = _EVIDENCE.get(role, (None, None))
        parts.append(
            f"SELECT shipment_id * 4 + {code} AS mention_id, shipment_id, source_id, line, {_lit(role)} AS role, "  # noqa: S608
            f"{attrs}, date, "
            f"{country if from_column else 'NULL'} AS col_country, {'NULL' if from_column else country} AS line_country, "
            f"{_lit(decl.country if decl and decl.role == role else None)} AS declared, "
            f"{route or 'NULL'} AS route_country, {port or 'NULL'} AS port_text "
            f"FROM shipments WHERE source_id = {source_id} AND ({any_data})")
    return " UNION ALL ".join(parts)


def _country_of(text: str) -> str:
    """Alpha-2 of ``text`` through the country table (correlated lookup), NULL when none or a digit."""
    return (f"(SELECT c.alpha2 FROM {COUNTRY_TABLE} c WHERE c.key = "  # noqa: S608
            f"(CASE WHEN NOT regexp_matches({text}, '[0-9]') THEN {country_key_sql(text)} END))")


def addresses_sql(base: str) -> str:
    """SELECT ``address``, ``s`` (its segments), ``last1``, ``last2`` (its last two) per distinct address."""
    return (f"SELECT address, s, s[-1] AS last1, CASE WHEN len(s) > 1 THEN s[-2] ELSE '' END AS last2 FROM "  # noqa: S608
            f"(SELECT address, {segments_sql('address')} AS s FROM "
            f"(SELECT DISTINCT address FROM {base} WHERE address IS NOT NULL))")


def tail_countries_sql(addresses: str) -> str:
    """SELECT ``last1``, ``last2``, ``token_country``: the country each distinct address ending names.

    Tried in order: the last two segments together (``Hong Kong, China`` is HK; ``Korea, Republic of``),
    the last segment, its last word. Two-letter state-like codes do not count (see the module
    docstring). Endings repeat across addresses, so this runs once per distinct ending.
    """
    # nor does a street word read as a code ("413 COMMERCE ST" is no São Tomé, "2 Rue PL" no Poland)
    state_like = ", ".join(_lit(c) for c in (*STATE_LIKE_CODES, *STREET_AFTER, *BUILDING_AFTER))
    last_word = r"regexp_extract(last1, '(\pL[\pL\.]*)[\s\.\)]*$', 1)"
    tries = ["nullif(last2, '') || ' ' || last1", "last1", last_word]
    lookups = ", ".join(f"k{i}.alpha2" for i in range(len(tries)))
    joins = "".join(
        f"\n  LEFT JOIN {COUNTRY_TABLE} k{i} ON k{i}.key = (CASE WHEN NOT regexp_matches(t{i}, '[0-9]') "
        f"AND {country_key_sql(f't{i}')} NOT IN ({state_like}) THEN {country_key_sql(f't{i}')} END)"
        for i in range(len(tries)))
    texts = ", ".join(f"{t} AS t{i}" for i, t in enumerate(tries))
    return (f"SELECT a.last1, a.last2, coalesce({lookups}) AS token_country FROM (SELECT last1, last2, {texts} "  # noqa: S608
            f"FROM (SELECT DISTINCT last1, last2 FROM {addresses})) a{joins}")


def contexts_sql(addresses: str, tails: str) -> str:
    """SELECT ``address``, ``token_country`` per distinct address (its ending looked up in ``tails``)."""
    return (f"SELECT a.address, t.token_country FROM {addresses} a "
            f"LEFT JOIN {tails} t ON t.last1 = a.last1 AND t.last2 = a.last2")


def places_sql(contexts: str, best: str) -> str:
    """SELECT per distinct address: ``token_country`` and what its best-placed gazetteer match says.

    ``places`` lists the match's places (country, locality; one per country), to be picked by the
    country stronger evidence gives (:func:`final_mentions_sql`); ``default_country`` and
    ``default_locality`` hold otherwise (:func:`tracekit.ingest.gazetteer.gazetteer_keys_sql`).
    """
    return f"""
    SELECT a.address, a.token_country, k.places, k.default_country, k.default_locality
    FROM {contexts} a
    LEFT JOIN {best} b ON b.address = a.address
    LEFT JOIN {GAZETTEER_KEYS} k ON k.key = b.key"""  # noqa: S608


def port_countries_sql(base: str) -> str:
    """SELECT ``port_text``, ``port_country`` for each distinct port: UN/LOCODE prefix, else an unambiguous name."""
    code = "upper(replace(trim(port_text), ' ', ''))"
    return f"""
    SELECT port_text, coalesce(
      (SELECT c.alpha2 FROM {COUNTRY_TABLE} c WHERE regexp_full_match({code}, '[A-Z]{{2}}[A-Z2-9]{{3}}')
         AND c.key = left({code}, 2) AND c.alpha2 = left({code}, 2)),
      (SELECT CASE WHEN len(z.countries) = 1 THEN z.countries[1] END FROM {GAZETTEER_KEYS} z
       WHERE z.script = 'latin' AND z.key = {port_place_key_sql('port_text')}
         AND NOT regexp_matches(port_text, '[0-9]'))) AS port_country
    FROM (SELECT DISTINCT port_text FROM {base} WHERE port_text IS NOT NULL)"""  # noqa: S608


def final_mentions_sql(base: str, places: str, ports: str, *, attributes: bool = False) -> str:
    """SELECT per mention: the strongest evidence's country, its source and the locality, with either the
    mention's columns (``attributes=True``, to insert) or every piece of evidence (``e_*``, to count)."""
    ctx = "coalesce(b.col_country, b.declared, b.line_country, p.token_country)"
    # only a name with places in several countries needs the lambda (one in a few hundred addresses)
    in_ctx = f"(CASE WHEN len(p.places) > 1 THEN list_filter(p.places, lambda x: x.country = {ctx})[1] END)"
    attrs = ", ".join(f"b.{a}" for a in PARTY_ATTRIBUTES if a != "country")
    head = f"b.mention_id, b.shipment_id, b.source_id, b.line, b.role, {attrs}, b.date" if attributes else "b.mention_id"
    # inner: each piece of evidence once; outer: the strongest wins
    inner = f"""
      SELECT {head.replace('b.', '')}, e_column, e_declaration, line_country, e_token,
             coalesce(c.country, default_country) AS e_city,
             CASE WHEN c.country IS NOT NULL THEN c.locality ELSE default_locality END AS locality, e_route, e_port
      FROM (SELECT {head}, b.col_country AS e_column, b.declared AS e_declaration, b.line_country,
                   p.token_country AS e_token, p.default_country, p.default_locality, {in_ctx} AS c,
                   b.route_country AS e_route, o.port_country AS e_port
            FROM {base} b
            LEFT JOIN {places} p ON p.address = b.address
            LEFT JOIN {ports} o ON o.port_text = b.port_text)"""
    evidence = {
        "column": "e_column", "declaration": "e_declaration", "address": "coalesce(line_country, e_token, e_city)",
        "route": "e_route", "port": "e_port",
    }
    country = "coalesce(" + ", ".join(evidence.values()) + ")"
    source = "CASE " + " ".join(f"WHEN {e} IS NOT NULL THEN {_lit(s)}" for s, e in evidence.items()) + " END"
    if attributes:  # the finished mention, to insert
        outer = "* EXCLUDE (e_column, e_declaration, line_country, e_token, e_city, e_route, e_port)"
    else:  # the evidence only, to count
        outer = f"*, {evidence['address']} AS e_address"
    return f"SELECT {outer}, {country} AS country, {source} AS country_source FROM ({inner})"  # noqa: S608


def evidence_counts_sql(final: str) -> str:
    """One row: mentions per country source, localities found, and conflicts per weaker source.

    A conflict is a piece of evidence that names another country than the one kept (the address's
    own words and its city are compared with each other too, under ``address``).
    """
    by_source = ", ".join(f"count(*) FILTER (WHERE country_source = {_lit(s)})" for s in COUNTRY_SOURCES)
    conflicts = ", ".join(f"count(*) FILTER (WHERE e_{s} IS NOT NULL AND e_{s} <> country)" for s in COUNTRY_SOURCES[1:])
    return (f"SELECT {by_source}, count(locality), {conflicts}, "  # noqa: S608
            f"count(*) FILTER (WHERE e_token IS NOT NULL AND e_city IS NOT NULL AND e_token <> e_city) FROM {final}")

