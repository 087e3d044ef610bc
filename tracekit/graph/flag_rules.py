"""The shipment flag rules, each a SQL statement returning rows of ``graph_shipment_flags``.

Every rule reads ``tk_flag_base`` (one row per shipment: its canonical fields plus the resolved
shipper, consignee and notify entities) and writes the same columns (:data:`FLAG_COLUMNS`), so the
flags table is their ``UNION ALL``. Rules that read the description join ``tk_findings`` (the matcher's
findings per *distinct* description) on the description text: the matcher runs once per distinct text
and SQL joins it back to every shipment.

=====================  ====  ===========================================================================
flag                   w     raised when
=====================  ====  ===========================================================================
``precursor_named``    3     the description names a watch-listed chemical (name, synonym,
                             abbreviation; any language; misspellings within a small edit distance)
``cas``                3     the description holds a watch-listed CAS number with a valid check digit
``precursor_hs``       3     the HS code is a line specific to a watch-listed chemical (2933.36,
                             2933.37, national lines such as China's 2933399073)
``misdeclared``        3     the description names a chemical but the HS code is outside its heading,
                             or the HS code is a precursor line but the description names none
``vague_chemical``     2     a vague description ("chemical raw material", "化工原料") under HS
                             chapters 28, 29, 38 (incl. 29.42) or with no HS code
``unit_value``         2     declared USD/kg at least :data:`UNIT_VALUE_RATIO` × the median of its
                             HS6 (Section VI chemicals, ≥ :data:`UNIT_VALUE_MIN_SHIPMENTS` priced
                             shipments): cheap bulk chemicals do not cost what precursors cost
``cas_check_digit``    1     a CAS-like number whose check digit is wrong (reported, never matched)
``transshipment``      1     the lading country (UN/LOCODE prefix of the port, the country most of the
                             port's shippers are in, or the goods' country of origin) is not the
                             shipper's country
``new_one_buyer``      1     the shipper first appears within :data:`NEW_DAYS` days of the latest
                             shipment and sells to one buyer, one HS6 only
``relay``              2     the shipper received goods with a goods flag (above; a unit value
                             alone does not count) within
                             :data:`RELAY_DAYS` days before and now ships chemicals (Section VI) or
                             goods with no HS code, at most :data:`RELAY_KG_FACTOR` × the weight
                             received: re-export after arrival, often under a new name.
                             Applied repeatedly, so a chain of relays is followed hop by hop
``placeholder_party``  0.5   "TO ORDER" (or a la orden / 凭指示) as a party, or a freight forwarder
                             as shipper or consignee standing in for the real party
=====================  ====  ===========================================================================

``weight`` is stored on every row so a later risk score can sum flags and keep their evidence rows.
"""

from __future__ import annotations

__all__ = ["FLAG_WEIGHTS", "FLAG_COLUMNS", "RULES", "UNIT_VALUE_RATIO", "UNIT_VALUE_MIN_SHIPMENTS", "NEW_DAYS",
           "base_sql", "relay_sql", "GOODS_FLAGS", "RELAY_DAYS", "RELAY_ROUNDS", "TO_ORDER_PATTERN", "FORWARDER_PATTERN", "VAGUE_CHAPTERS"]

FLAG_WEIGHTS: dict[str, float] = {
    "precursor_named": 3.0, "cas": 3.0, "precursor_hs": 3.0, "misdeclared": 3.0, "vague_chemical": 2.0,
    "unit_value": 2.0, "cas_check_digit": 1.0, "transshipment": 1.0, "new_one_buyer": 1.0,
    "placeholder_party": 0.5, "relay": 2.0,
}
GOODS_FLAGS = ("precursor_named", "cas", "precursor_hs", "misdeclared", "vague_chemical", "unit_value", "relay")
"""Flags about the goods themselves (the "suspect shipment" set the benchmark scores)."""
RELAY_DAYS = 120
RELAY_ROUNDS = 4
RELAY_KG_FACTOR = 2.0
FLAG_COLUMNS = ("shipment_id", "flag", "entity_id", "role", "chemical", "reason", "matched_text", "weight",
                "evidence")
UNIT_VALUE_RATIO = 4.0
UNIT_VALUE_MIN_SHIPMENTS = 30
NEW_DAYS = 365
VAGUE_CHAPTERS = ("28", "29", "38")
TO_ORDER_PATTERN = r"^\s*(to\s+(the\s+)?order(\s+of\b.*)?|a\s+la\s+orden(\s+de\b.*)?|凭指示.*|憑指示.*)\s*$"
FORWARDER_PATTERN = (
    r"(^|[^a-z])(logistics?|freight|forwarding|forwarders?|nvocc|shipping\s+(agency|line|co)|cargo|"
    r"log[ií]stica|transitario|agencia\s+aduanal|customs\s+broker(age)?)([^a-z]|$)|物流|货运|貨運|货代|国际运输"
)


def _weight(flag: str) -> str:
    return f"{FLAG_WEIGHTS[flag]}::DOUBLE"


def base_sql() -> str:
    """``tk_flag_base``: one row per shipment with what the rules read."""
    return """
CREATE OR REPLACE TEMP TABLE tk_flag_base AS
SELECT s.shipment_id, s.description, nullif(s.hs_code, '') AS hs_code, s.date, s.weight_kg, s.value_usd,
       nullif(trim(s.port_of_lading), '') AS port_of_lading, s.country_of_origin,
       s.shipper_name, s.consignee_name, s.notify_name,
       -- the shipper's own country: never one inferred from this shipment's ports or route (circular)
       CASE WHEN m0.country_source IN ('port', 'route') THEN e0.country
            ELSE coalesce(m0.country, s.shipper_country, e0.country) END AS shipper_country,
       t.src, t.dst, t.notify, coalesce(left(s.hs_code, 6), '') AS hs6
FROM shipments s
LEFT JOIN graph_trade t ON t.shipment_id = s.shipment_id
LEFT JOIN party_mentions m0 ON m0.mention_id = s.shipment_id * 4
LEFT JOIN entities e0 ON e0.entity_id = t.src
"""


_EVIDENCE = ("json_object('term', f.term, 'kind', f.kind, 'language', f.language, 'list', f.list, "
             "'list_source', f.source, 'list_file', f.file, 'list_line', f.line, 'form', f.form, "
             "'edit_distance', f.distance)")

# Ties never fall to the engine's read order (which changes with threads and between DuckDB and Spark):
# every pick below is by a key that orders all candidate rows. The chemicals of an HS line in name order;
# the line a code falls in is its most specific one (longest prefix), then by label and source.
_CHEMICALS = "string_agg(DISTINCT l.chemical, ', ' ORDER BY l.chemical)"
_PREFIXES = "list(DISTINCT l.prefix ORDER BY l.prefix)"
_LINE_RANK = "struct_pack(n := length(l.prefix), label := l.label, source := l.source)"

_NAMED = f"""
SELECT b.shipment_id, CASE f.finding WHEN 'named' THEN 'precursor_named' ELSE f.finding END AS flag,
       NULL::BIGINT AS entity_id, 'goods' AS role, f.chemical,
       CASE f.finding
         WHEN 'named' THEN 'description names ' || f.chemical || ' (' || f.kind || ' "' || f.term || '", '
              || f.language || CASE WHEN f.distance > 0 THEN ', misspelt: ' || f.distance || ' edit(s)' ELSE '' END
              || ')' || CASE WHEN f.form <> '' THEN '; salt/hydrate form "' || f.form || '" counts as the parent'
              ELSE '' END
         WHEN 'cas' THEN 'CAS ' || f.term || ' of ' || f.chemical || ' in the description (check digit verified)'
         ELSE 'CAS-like number ' || f.matched_text || ' has a wrong check digit (' || f.form || ')'
              || CASE WHEN f.term <> '' THEN '; the watch list has ' || f.term ELSE '' END || ': not matched'
       END AS reason,
       f.matched_text,
       CASE f.finding WHEN 'named' THEN {_weight('precursor_named')} WHEN 'cas' THEN {_weight('cas')}
            ELSE {_weight('cas_check_digit')} END AS weight,
       {_EVIDENCE} AS evidence
FROM tk_flag_base b JOIN tk_findings f ON f.description = b.description
WHERE f.finding IN ('named', 'cas', 'cas_check_digit')
"""  # noqa: S608 - constants only

_VAGUE = f"""
SELECT b.shipment_id, 'vague_chemical', NULL::BIGINT, 'goods', NULL,
       'vague chemical description "' || f.matched_text || '" ' ||
       CASE WHEN b.hs_code IS NULL THEN 'with no HS code' ELSE 'under HS ' || b.hs_code END,
       f.matched_text, {_weight('vague_chemical')}, {_EVIDENCE}
FROM tk_flag_base b JOIN tk_findings f ON f.description = b.description
WHERE f.finding = 'vague' AND (b.hs_code IS NULL OR left(b.hs_code, 2) IN {VAGUE_CHAPTERS})
QUALIFY row_number() OVER (PARTITION BY b.shipment_id ORDER BY length(f.matched_text) DESC, f.matched_text) = 1
"""  # noqa: S608 - constants only

_HS_LINE = f"""
SELECT b.shipment_id, 'precursor_hs', NULL::BIGINT, 'goods', {_CHEMICALS},
       'HS ' || b.hs_code || ' falls in ' || arg_max(l.label, {_LINE_RANK}) || ', a line specific to '
       || {_CHEMICALS},
       b.hs_code, {_weight('precursor_hs')},
       json_object('lines', {_PREFIXES}, 'list_source', arg_max(l.source, {_LINE_RANK}))
FROM tk_flag_base b JOIN tk_hs_lines l ON starts_with(b.hs_code, l.prefix)
GROUP BY b.shipment_id, b.hs_code
"""  # noqa: S608 - constants only

_MISDECLARED_NAME = f"""
SELECT b.shipment_id, 'misdeclared', NULL::BIGINT, 'goods', f.chemical,
       'description names ' || f.chemical || ' ("' || f.matched_text || '") but HS ' || b.hs_code
       || ' is outside heading ' || h.hs4 || ' where it belongs',
       f.matched_text, {_weight('misdeclared')}, {_EVIDENCE}
FROM tk_flag_base b JOIN tk_findings f ON f.description = b.description
JOIN tk_chemical_hs h ON h.chemical = f.chemical
WHERE f.finding IN ('named', 'cas') AND b.hs_code IS NOT NULL AND NOT starts_with(b.hs_code, h.hs4)
QUALIFY row_number() OVER (PARTITION BY b.shipment_id, f.chemical ORDER BY f.finding, f.matched_text) = 1
"""  # noqa: S608 - constants only

_MISDECLARED_LINE = f"""
SELECT b.shipment_id, 'misdeclared', NULL::BIGINT, 'goods', {_CHEMICALS},
       'HS ' || b.hs_code || ' is the line for ' || {_CHEMICALS}
       || ' but the description says "' || left(b.description, 80) || '"',
       left(b.description, 80), {_weight('misdeclared')},
       json_object('lines', {_PREFIXES})
FROM tk_flag_base b JOIN tk_hs_lines l ON starts_with(b.hs_code, l.prefix)
WHERE trim(coalesce(b.description, '')) <> ''
  AND NOT EXISTS (SELECT 1 FROM tk_findings f WHERE f.description = b.description AND f.finding IN ('named', 'cas'))
GROUP BY b.shipment_id, b.hs_code, b.description
"""  # noqa: S608 - constants only

_UNIT_VALUE = f"""
WITH priced AS (
  SELECT shipment_id, hs6, value_usd / weight_kg AS usd_per_kg FROM tk_flag_base
  WHERE weight_kg > 0 AND value_usd > 0 AND left(hs6, 2) BETWEEN '28' AND '38' AND length(hs6) = 6
), typical AS (
  SELECT hs6, median(usd_per_kg) AS median_usd_per_kg, count(*) AS n FROM priced GROUP BY hs6
  HAVING count(*) >= {UNIT_VALUE_MIN_SHIPMENTS}
)
SELECT p.shipment_id, 'unit_value', NULL::BIGINT, 'goods', NULL,
       printf('declared at $%.2f/kg, %.1fx the median $%.2f/kg of the %d priced shipments under HS %s',
              p.usd_per_kg, p.usd_per_kg / t.median_usd_per_kg, t.median_usd_per_kg, t.n, p.hs6),
       printf('$%.2f/kg', p.usd_per_kg), {_weight('unit_value')},
       json_object('usd_per_kg', p.usd_per_kg, 'median_usd_per_kg', t.median_usd_per_kg, 'hs6', p.hs6,
                   'shipments_priced', t.n)
FROM priced p JOIN typical t ON t.hs6 = p.hs6
WHERE p.usd_per_kg >= {UNIT_VALUE_RATIO} * t.median_usd_per_kg
"""  # noqa: S608 - constants only

_TRANSSHIPMENT = f"""
WITH port_votes AS (
  SELECT port_of_lading AS port, shipper_country AS country, count(*) AS n,
         sum(count(*)) OVER (PARTITION BY port_of_lading) AS total
  FROM tk_flag_base WHERE port_of_lading IS NOT NULL AND shipper_country IS NOT NULL GROUP BY 1, 2
), port_country AS (
  SELECT port, country, n, total FROM port_votes
  WHERE n >= 5 AND n >= 0.6 * total
  QUALIFY row_number() OVER (PARTITION BY port ORDER BY n DESC, country) = 1
), lading AS (
  SELECT b.shipment_id, b.src, b.shipper_name, b.shipper_country, b.port_of_lading, b.country_of_origin,
         CASE WHEN pc.country IS NOT NULL THEN pc.country
              WHEN regexp_matches(upper(b.port_of_lading), '^[A-Z]{{2}}[ -][A-Z2-9]{{3}}$')
                   AND left(upper(b.port_of_lading), 2) IN (SELECT code FROM tk_iso_countries)
              THEN left(upper(b.port_of_lading), 2)
              ELSE b.country_of_origin END AS lading_country,
         CASE WHEN pc.country IS NOT NULL THEN printf('port %s is in %s (%d of the %d shipments loaded there '
                   || 'have a shipper in %s)', b.port_of_lading, pc.country, pc.n, pc.total, pc.country)
              WHEN regexp_matches(upper(b.port_of_lading), '^[A-Z]{{2}}[ -][A-Z2-9]{{3}}$')
                   AND left(upper(b.port_of_lading), 2) IN (SELECT code FROM tk_iso_countries)
              THEN 'UN/LOCODE ' || b.port_of_lading || ' is in ' || left(upper(b.port_of_lading), 2)
              ELSE 'goods of ' || b.country_of_origin || ' origin' END AS how
  FROM tk_flag_base b LEFT JOIN port_country pc ON pc.port = b.port_of_lading
  WHERE b.shipper_country IS NOT NULL
)
SELECT shipment_id, 'transshipment', src, 'shipper', NULL,
       how || ' but the shipper ' || coalesce('"' || shipper_name || '"', '') || ' is in ' || shipper_country,
       coalesce(port_of_lading, country_of_origin), {_weight('transshipment')},
       json_object('lading_country', lading_country, 'shipper_country', shipper_country,
                   'port_of_lading', port_of_lading, 'country_of_origin', country_of_origin)
FROM lading WHERE lading_country IS NOT NULL AND lading_country <> shipper_country
"""  # noqa: S608 - constants only

_PLACEHOLDER_TEMPLATE = f"""
SELECT shipment_id, 'placeholder_party', entity_id, role, NULL,
       CASE WHEN kind = 'to_order'
            THEN role || ' "' || name || '" hides the real party'
                 || coalesce(' (notify party: "' || notify_name || '")', '')
            ELSE role || ' "' || name || '" looks like a freight forwarder standing in for the real party'
                 || coalesce(' (notify party: "' || notify_name || '")', '') END,
       name, {_weight('placeholder_party')}, json_object('kind', kind, 'role', role)
FROM (
  SELECT shipment_id, 'consignee' AS role, dst AS entity_id, consignee_name AS name, notify_name,
         CASE WHEN regexp_matches(lower(consignee_name), $to_order$) THEN 'to_order' ELSE 'forwarder' END AS kind
  FROM tk_flag_base
  WHERE regexp_matches(lower(consignee_name), $to_order$) OR regexp_matches(lower(consignee_name), $forwarder$)
  UNION ALL
  SELECT shipment_id, 'shipper', src, shipper_name, notify_name,
         CASE WHEN regexp_matches(lower(shipper_name), $to_order$) THEN 'to_order' ELSE 'forwarder' END
  FROM tk_flag_base
  WHERE regexp_matches(lower(shipper_name), $to_order$) OR regexp_matches(lower(shipper_name), $forwarder$)
  UNION ALL
  SELECT shipment_id, 'notify', notify, notify_name, NULL, 'to_order'
  FROM tk_flag_base WHERE regexp_matches(lower(notify_name), $to_order$)
)
"""  # noqa: S608 - constants only
_PLACEHOLDER = _PLACEHOLDER_TEMPLATE.replace("$to_order$", "'" + TO_ORDER_PATTERN.replace("'", "''") + "'").replace(
    "$forwarder$", "'" + FORWARDER_PATTERN.replace("'", "''") + "'")

_NEW_ONE_BUYER = f"""
WITH seen AS (
  SELECT entity_id, min(date) AS first_seen FROM (
    SELECT src AS entity_id, date FROM graph_trade UNION ALL SELECT dst, date FROM graph_trade
  ) WHERE entity_id IS NOT NULL GROUP BY entity_id
), sellers AS (
  SELECT src, count(DISTINCT dst) AS buyers, count(DISTINCT hs6) AS products, any_value(dst) AS buyer,
         any_value(hs6) AS hs6
  FROM graph_trade WHERE src IS NOT NULL AND dst IS NOT NULL GROUP BY src
), latest AS (SELECT max(date) AS d FROM graph_trade)
SELECT t.shipment_id, 'new_one_buyer', t.src, 'shipper', NULL,
       'shipper first seen ' || seen.first_seen || ' (within {NEW_DAYS} days of the latest shipment) sells to '
       || 'one buyer only ("' || coalesce(e.name, '?') || '") and one product only (HS ' || s.hs6 || ')',
       coalesce(e.name, ''), {_weight('new_one_buyer')},
       json_object('first_seen', seen.first_seen, 'buyer', s.buyer, 'hs6', s.hs6)
FROM graph_trade t JOIN sellers s ON s.src = t.src JOIN seen ON seen.entity_id = t.src
LEFT JOIN entities e ON e.entity_id = s.buyer, latest
WHERE s.buyers = 1 AND s.products = 1 AND seen.first_seen >= latest.d - INTERVAL {NEW_DAYS} DAY
"""  # noqa: S608 - constants only

RULES: dict[str, str] = {
    "description": _NAMED, "vague_chemical": _VAGUE, "precursor_hs": _HS_LINE,
    "misdeclared_name": _MISDECLARED_NAME, "misdeclared_line": _MISDECLARED_LINE, "unit_value": _UNIT_VALUE,
    "transshipment": _TRANSSHIPMENT, "placeholder_party": _PLACEHOLDER, "new_one_buyer": _NEW_ONE_BUYER,
}
"""Rule name → SELECT producing :data:`FLAG_COLUMNS` (in that order)."""


def relay_sql(table: str = "tk_flag_rows") -> str:
    """One round of the relay rule over the flag rows found so far (run until it adds nothing)."""
    goods = ", ".join(f"'{g}'" for g in GOODS_FLAGS if g != "unit_value")  # a price alone is too weak to relay
    # A received shipment's flag and chemical come from its heaviest flag row; on equal weight the flag later
    # in GOODS_FLAGS, the one saying more about concealment (misdeclared: the description hides the
    # chemical; then the HS line, then a CAS number, then the name). What a relay reports comes from the
    # latest receipt (then the larger shipment id), one row for all of it: with ties left to the engine,
    # flag, chemical and kg could come from different rows, differently each run.
    telling = " ".join(f"WHEN '{g}' THEN {i}" for i, g in enumerate(GOODS_FLAGS))
    heaviest = f"struct_pack(w := r.weight, t := CASE r.flag {telling} END, c := r.chemical)"
    latest = "struct_pack(d := rc.date, s := rc.shipment_id)"
    return f"""
WITH received AS (
  SELECT t.dst AS entity_id, t.date, t.shipment_id, t.kg, arg_max(r.flag, {heaviest}) AS flag,
         arg_max(r.chemical, {heaviest}) AS chemical
  FROM {table} r JOIN graph_trade t ON t.shipment_id = r.shipment_id
  WHERE r.flag IN ({goods}) AND t.dst IS NOT NULL AND t.date IS NOT NULL
  GROUP BY t.dst, t.date, t.shipment_id, t.kg
)
SELECT b.shipment_id, 'relay', b.src, 'shipper', arg_max(rc.chemical, {latest}),
       'shipper "' || coalesce(b.shipper_name, '?') || '" received flagged goods (' ||
       arg_max(rc.flag, {latest}) || coalesce(': ' || arg_max(rc.chemical, {latest}), '') ||
       coalesce(', ' || round(arg_max(rc.kg, {latest})) || ' kg', '') || ') on ' || max(rc.date) || ', ' ||
       (b.date - max(rc.date)) || ' days before shipping ' || coalesce(round(b.weight_kg) || ' kg ', '') ||
       'as "' || left(coalesce(b.description, ''), 60) || '" under HS ' || coalesce(b.hs_code, 'none'),
       left(coalesce(b.description, ''), 80), {FLAG_WEIGHTS['relay']}::DOUBLE,
       json_object('received', list(rc.shipment_id ORDER BY rc.date DESC, rc.shipment_id DESC)[1:5], 'received_on', max(rc.date),
                   'received_kg', arg_max(rc.kg, {latest}), 'shipped_kg', b.weight_kg)
FROM tk_flag_base b JOIN received rc ON rc.entity_id = b.src
  AND b.date > rc.date AND b.date <= rc.date + INTERVAL {RELAY_DAYS} DAY
  AND (b.weight_kg IS NULL OR rc.kg IS NULL OR b.weight_kg <= {RELAY_KG_FACTOR} * rc.kg)
WHERE (b.hs_code IS NULL OR left(b.hs_code, 2) BETWEEN '28' AND '38')
  AND NOT EXISTS (SELECT 1 FROM {table} x WHERE x.shipment_id = b.shipment_id AND x.flag = 'relay')
GROUP BY b.shipment_id, b.src, b.shipper_name, b.date, b.description, b.hs_code, b.weight_kg
"""  # noqa: S608 - constants only
