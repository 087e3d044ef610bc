"""The SQL that turns a source's raw text table into canonical shipments, built here, run by the store.

:func:`stage_sql` gives one SELECT over ``raw_NNNNN`` (all columns text, plus ``line``) computing every
canonical field, the first problem of each row (``reason``, ``problem_column``), all its problems
(``detail``) and a few warning flags. It is set-based and engine-neutral apart from DuckDB's regexp
and ``strip_accents`` functions (both exist in Spark SQL under the same or similar names).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tracekit.ingest.codes import COUNTRY_TABLE, country_key_sql, hs_code_sql
from tracekit.ingest.dates import DayOrder, date_sql
from tracekit.ingest.evidence import STATE_LIKE_CODES
from tracekit.ingest.fields import PARTY_ROLES, field_names
from tracekit.ingest.mapping import Mapping
from tracekit.ingest.numbers import number_sql, weight_problem_sql, weight_sql, weight_unit_assumed_sql
from tracekit.ingest.parties import name_address_sql
from tracekit.ingest.sqltrim import text_sql

__all__ = [
    "StagePlan", "stage_sql", "filled_fields", "source_ref", "raw_alias", "country_key_fields", "country_lookup_sql", "text_sql", "raw_text_sql", "country_sources", "quote_ident", "derived_countries", "warning_exprs",
    "warning_counts_sql",
    "WARNING_FLAGS",
]

WARNING_FLAGS = {
    "w_country": "unrecognised_country",
    "w_value": "unparsed_value",
    "w_quantity": "unparsed_quantity",
    "w_weight_unit": "weight_without_unit_taken_as_kg",
}


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass
class StagePlan:
    """What :func:`stage_sql` needs besides the mapping."""

    raw_table: str
    mapping: Mapping
    day_orders: dict[str, DayOrder] = field(default_factory=dict)  # date column → order
    excel_serials: bool = False
    # Country fields hold their trimmed *text* (not yet the alpha-2 code) and no lookup is joined: a join
    # loses the scan's row order, which the one-pass load numbers rows by, and the key is costly per row
    # (store/direct.py looks each distinct text up afterwards with country_lookup_sql).
    country_keys: bool = False


def _ref(col: str) -> str:
    """A source column of the raw table (aliased ``r``: lookup tables joined beside it have their own names)."""
    return "r." + quote_ident(col)


def _text(col: str) -> str:
    return text_sql(_ref(col))


def _is_country(target: str) -> bool:
    return target.endswith("_country") or target == "country_of_origin"


def country_sources(mapping: Mapping) -> dict[str, str]:
    """Where each role's stored country (``shipments.<role>_country``) comes from: ``column`` or ``address``
    (the last address line). Party mentions add the weaker evidence: :mod:`tracekit.ingest.evidence`.

    Examples
    --------
    >>> from tracekit.ingest.mapping import resolve_mapping
    >>> country_sources(resolve_mapping("ams", ["shipper_party_name", "shipper_party_address_1",
    ...                                         "shipper_party_address_2", "consignee_name"]))
    {'shipper': 'address', 'consignee': 'column', 'notify': 'column'}
    """
    derived = derived_countries(mapping)
    return {role: "address" if f"{role}_country" in derived else "column" for role in PARTY_ROLES}


def derived_countries(mapping: Mapping) -> dict[str, list[str]]:
    """Party country fields to take from the last address line: role_country → address columns.

    US AMS extracts write a party's address as numbered lines and its country as the last one
    (``CHINA``, ``MALAYSIA``, ``USA``) with no country column. For a party with no country column and
    an address in two or more columns, the last non-empty line gives the country *when it is a
    recognised country name or code* (through the same normaliser as country columns); a street or a
    city gives nothing. A single address column is one line of free text and is left alone.

    Examples
    --------
    >>> from tracekit.ingest.mapping import resolve_mapping
    >>> m = resolve_mapping("ams", ["shipper_party_name", "shipper_party_address_1", "shipper_party_address_2"])
    >>> derived_countries(m)
    {'shipper_country': ['shipper_party_address_1', 'shipper_party_address_2']}
    """
    out = {}
    for role in PARTY_ROLES:
        address = mapping.columns.get(f"{role}_address", [])
        if f"{role}_country" not in mapping.columns and len(address) >= 2:
            out[f"{role}_country"] = list(address)
    return out


def _country_lookups(plan: StagePlan, wanted: frozenset[str] | None = None) -> dict[str, tuple[str, str]]:
    """Country field → (alias of its lookup join, SQL of the source text looked up)."""
    m = plan.mapping
    lookups = {}
    for name in field_names():
        if not _is_country(name) or (wanted is not None and name not in wanted):
            continue
        if cols := m.columns.get(name):
            text = _ref(cols[0])
        elif lines := derived_countries(m).get(name):
            text = "coalesce(" + ", ".join(_text(c) for c in reversed(lines)) + ")"
        else:
            continue
        lookups[name] = (f"k{len(lookups)}", text)
    return lookups


def _contact(plan: StagePlan, role: str, attr: str) -> str | None:
    """Phone or e-mail from a combined contact column (CBP's ``comm_number``): e-mail when it has '@'."""
    col = plan.mapping.column(f"{role}_contact")
    if not col:
        return None
    is_email = f"contains({_text(col)}, '@')"
    return f"(CASE WHEN {is_email} THEN {_text(col)} END)" if attr == "email" else \
        f"(CASE WHEN NOT {is_email} THEN {_text(col)} END)"


def _weight_unit(m: Mapping, ref) -> str | None:
    """SQL of the weight's unit: its unit column (``ref`` of it), else the unit its header names, else None."""
    if unit := m.column("weight_unit"):
        return ref(unit)
    return _lit(m.units["weight"]) if "weight" in m.units else None


def _field_exprs(plan: StagePlan, wanted: frozenset[str] | None = None) -> dict[str, str]:
    m = plan.mapping
    lookups = _country_lookups(plan, wanted)
    exprs: dict[str, str] = {}
    for name in field_names():
        if wanted is not None and name not in wanted:
            continue
        role, _, attr = name.partition("_")
        contact = _contact(plan, role, attr) if role in PARTY_ROLES and attr in ("phone", "email") else None
        cols = m.columns.get(name)
        if not cols and attr in ("name", "address") and (both := m.column(f"{role}_name_address")):
            exprs[name] = name_address_sql(_text(both))[0 if attr == "name" else 1]
            continue
        if name == "weight_kg":
            col = m.column("weight")
            exprs[name] = weight_sql(_ref(col), _weight_unit(m, _ref)) if col else "NULL"
        elif name in lookups and plan.country_keys:
            exprs[name] = _country_key_expr(plan, name, lookups[name][1])
        elif name in lookups:
            exprs[name] = f"{lookups[name][0]}.alpha2"
        elif not cols and contact:
            exprs[name] = f"lower({contact})" if attr == "email" else contact
        elif not cols:
            exprs[name] = "NULL"
        elif name.endswith("_address"):
            parts = ", ".join(_text(c) for c in cols)
            exprs[name] = f"nullif(concat_ws(', ', {parts}), '')"
        elif name == "date":
            order = plan.day_orders.get(cols[0], "DMY")
            exprs[name] = date_sql(_ref(cols[0]), order, excel_serials=plan.excel_serials)
        elif name == "hs_code":
            exprs[name] = hs_code_sql(_ref(cols[0]))
        elif name in ("quantity", "value_usd"):
            exprs[name] = number_sql(_ref(cols[0]))
        elif name.endswith("_email"):
            exprs[name] = f"lower(coalesce({_text(cols[0])}, {contact or 'NULL'}))"
        else:
            exprs[name] = f"coalesce({_text(cols[0])}, {contact})" if contact else _text(cols[0])
    return exprs


def filled_fields(plan: StagePlan) -> list[str]:
    """The canonical fields the mapping can fill (the others are NULL on every row), in schema order.

    Examples
    --------
    >>> from tracekit.ingest.mapping import resolve_mapping
    >>> filled_fields(StagePlan("raw", resolve_mapping("auto", ["Shipper", "Consignee", "Qty"])))
    ['shipper_name', 'consignee_name', 'quantity']
    """
    return [name for name, expr in _field_exprs(plan).items() if expr != "NULL"]


def _country_key_expr(plan: StagePlan, name: str, text: str) -> str:
    """The text a country field is looked up by afterwards (see :attr:`StagePlan.country_keys`)."""
    if name in derived_countries(plan.mapping):
        return text  # already trimmed lines
    return text_sql(text)


def country_lookup_sql(plan: StagePlan, name: str, text: str) -> str:
    """Alpha-2 code of the text :func:`_country_key_expr` kept for country field ``name`` (NULL when none):
    through the key, as the join of :func:`_from_clause` does, run once per distinct text."""
    key = f"(CASE WHEN NOT regexp_matches({text}, '[0-9]') THEN {country_key_sql(text)} END)"
    if name in derived_countries(plan.mapping):
        state_like = ", ".join(_lit(c) for c in STATE_LIKE_CODES)
        key = f"(CASE WHEN {key} NOT IN ({state_like}) THEN {key} END)"
    return f"(SELECT k.alpha2 FROM {COUNTRY_TABLE} k WHERE k.key = {key})"  # noqa: S608


def country_key_fields(plan: StagePlan) -> dict[str, bool]:
    """Country fields that hold a text under :attr:`StagePlan.country_keys` → whether a warning counts them
    (a country column's value that names no country; not a derived address line)."""
    derived = derived_countries(plan.mapping)
    return {name: name not in derived for name in _country_lookups(plan)}


def _from_clause(plan: StagePlan, wanted: frozenset[str] | None = None) -> str:
    """The raw table (alias ``r``) with one LEFT JOIN to the country lookup table per country field."""
    # No country key holds a digit (a test checks it), so text with one ("SHANGHAI 200000") is no country:
    # that cheap test spares most address lines the costly key computation.
    # A last address line that is a US state or Canadian province code (a "state" column joined into the
    # address: CA, DE, IN…) names no country.
    derived = derived_countries(plan.mapping)
    state_like = ", ".join(_lit(c) for c in STATE_LIKE_CODES)
    joins = "".join(
        f"\n  LEFT JOIN {COUNTRY_TABLE} {alias} ON {alias}.key = "
        f"(CASE WHEN NOT regexp_matches({text}, '[0-9]') THEN {country_key_sql(text)} END)"
        + (f" AND {alias}.key NOT IN ({state_like})" if name in derived else "")
        for name, (alias, text) in _country_lookups(plan, wanted).items()
    ) if not plan.country_keys else ""
    return f"{plan.raw_table} r{joins}"


def raw_alias(plan: StagePlan) -> dict[str, str]:
    """Source column → alias of its raw text in :func:`stage_sql`'s inner query."""
    return _raw_alias(plan)


def _raw_alias(plan: StagePlan) -> dict[str, str]:
    """Source column → alias of its raw text in the inner stage query (names may clash with fields)."""
    used = sorted({c for cols in plan.mapping.columns.values() for c in cols})
    return {c: f"_raw{i}" for i, c in enumerate(used)}


def _problems(plan: StagePlan) -> list[tuple[str, str, str, str]]:
    """(reason, source column, condition, detail) in priority order, over the inner stage columns."""
    m = plan.mapping
    alias = _raw_alias(plan)

    def _text(col: str) -> str:
        return text_sql(alias[col])

    out = []
    names = [c for t in ("shipper_name", "consignee_name", "shipper_name_address", "consignee_name_address")
             for c in m.columns.get(t, [])]
    out.append(("no_party", ", ".join(names), "shipper_name IS NULL AND consignee_name IS NULL",
                _lit(f"no_party: {' and '.join(names)} empty")))

    def raw_issue(reason: str, col: str, condition: str) -> tuple[str, str, str, str]:
        return (reason, col, condition,
                f"{_lit(f'{reason}: {col}=')} || coalesce({alias[col]}, '')")

    if col := m.column("date"):
        out.append(raw_issue("bad_date", col, f"date IS NULL AND {_text(col)} IS NOT NULL"))
    if col := m.column("weight"):
        problem = weight_problem_sql(alias[col], "weight_kg")
        out.append(raw_issue("negative_weight", col, f"{problem} = 'negative_weight'"))
        out.append(raw_issue("bad_weight", col, f"{problem} = 'bad_weight'"))
    if col := m.column("hs_code"):
        out.append(raw_issue("bad_hs_code", col, f"hs_code IS NULL AND {_text(col)} IS NOT NULL"))
    return out


def warning_exprs(plan: StagePlan) -> dict[str, str]:
    """Warning flag → SQL over the stage's inner columns (``"false"`` when the mapping rules it out)."""
    m = plan.mapping
    alias = _raw_alias(plan)

    def _text(col: str) -> str:
        return text_sql(alias[col])

    countries = [c for t, cols in m.columns.items()
                 if t.endswith("_country") or t == "country_of_origin" for c in cols]
    flags = {
        "w_country": "false" if plan.country_keys else " OR ".join(
            f"({_text(c)} IS NOT NULL AND {t} IS NULL)"
            for t, cols in m.columns.items() if t.endswith("_country") or t == "country_of_origin"
            for c in cols
        ) if countries else "false",
        # the parsed value first: the source text is then trimmed only where the parse gave nothing
        "w_value": (f"(value_usd IS NULL AND {_text(m.column('value_usd'))} IS NOT NULL)"
                    if m.column("value_usd") else "false"),
        "w_quantity": (f"(quantity IS NULL AND {_text(m.column('quantity'))} IS NOT NULL)"
                       if m.column("quantity") else "false"),
        "w_weight_unit": (weight_unit_assumed_sql(alias[m.column("weight")], _weight_unit(m, alias.get))
                          if m.column("weight") else "false"),
    }
    return flags


def source_ref(col: str) -> str:
    """SQL of source column ``col`` inside :func:`stage_sql`'s inner query (for its ``inner_extra``)."""
    return _ref(col)


def stage_sql(plan: StagePlan, extra: dict[str, str] | None = None,
              inner_extra: dict[str, str] | None = None) -> str:
    """One SELECT: ``line``, the canonical fields, ``reason``, ``problem_column``, ``detail``, warnings.

    ``extra`` adds named expressions over the inner columns (fields, and each source column under its
    :func:`raw_alias`), computed in the same pass. ``inner_extra`` adds named inner columns, over the
    source columns (:func:`source_ref`), that ``extra`` may use: computed beside the fields, they share
    their sub-expressions (the engine evaluates an expression repeated within one projection once).
    """
    exprs = _field_exprs(plan)
    inner = ",\n  ".join([f"{e} AS {quote_ident(n)}" for n, e in exprs.items()]
                         + [f"{_ref(c)} AS {a}" for c, a in _raw_alias(plan).items()]
                         + [f"{e} AS {quote_ident(n)}" for n, e in (inner_extra or {}).items()])
    problems = _problems(plan)
    reason = " ".join(f"WHEN {cond} THEN {_lit(r)}" for r, _, cond, _ in problems)
    column = " ".join(f"WHEN {cond} THEN {_lit(c)}" for _, c, cond, _ in problems)
    detail = ", ".join(f"CASE WHEN {cond} THEN {d} END" for _, _, cond, d in problems)
    warnings = ",\n  ".join(f"({e}) AS {k}" for k, e in warning_exprs(plan).items())
    fields = ", ".join(quote_ident(n) for n in exprs)
    more = "".join(f",\n  {e} AS {quote_ident(n)}" for n, e in (extra or {}).items())
    return (
        f"SELECT line, {fields},\n"
        f"  CASE {reason} END AS reason,\n"
        f"  CASE {column} END AS problem_column,\n"
        # a row with no problem (nearly every row) skips joining five NULLs: CSE shares the reason's tests
        f"  CASE WHEN (CASE {reason} END) IS NOT NULL THEN nullif(concat_ws('; ', {detail}), '') END AS detail,\n"
        f"  {warnings}{more}\n"
        f"FROM (SELECT r.line,\n  {inner}\nFROM {_from_clause(plan)})"
    )


def warning_counts_sql(plan: StagePlan, keep: str) -> tuple[list[str], str]:
    """(warning flags the mapping allows, a query counting the rows of ``keep`` that raise each).

    ``keep`` is a condition over ``f.line`` (the rows that were loaded). Only the fields the flags read
    are computed, and rows raising no flag are dropped before ``keep`` is checked (usually most rows).
    No flag is possible: ``([], "")``.

    Examples
    --------
    >>> from tracekit.ingest.mapping import resolve_mapping
    >>> flags, sql = warning_counts_sql(StagePlan("raw", resolve_mapping("auto", ["Shipper", "Qty"])), "true")
    >>> flags, "AS w_quantity" in sql
    (['w_quantity'], True)
    """
    flags = {k: e for k, e in warning_exprs(plan).items() if e != "false"}
    if not flags:
        return [], ""
    wanted = frozenset(n for n in field_names()
                       if (_is_country(n) and n in plan.mapping.columns) or n in ("value_usd", "quantity"))
    inner = ",\n  ".join(["r.line"] + [f"{e} AS {quote_ident(n)}" for n, e in _field_exprs(plan, wanted).items()]
                         + [f"{_ref(c)} AS {a}" for c, a in _raw_alias(plan).items()])
    flagged = ", ".join(f"({e}) AS {k}" for k, e in flags.items())
    counts = ", ".join(f"count(*) FILTER (WHERE {k}) AS {k}" for k in flags)
    return list(flags), (f"SELECT {counts}\nFROM (SELECT line, {flagged} FROM (SELECT {inner}\n"  # noqa: S608
                         f"FROM {_from_clause(plan, wanted)})) f\nWHERE ({' OR '.join(flags)}) AND ({keep})")


def raw_text_sql(columns: list[str], delimiter: str, table_alias: str = "") -> str:
    """SQL rebuilding a raw row as a delimited line (CSV quoting where needed) from its text columns."""
    quoted = []
    prefix = f"{table_alias}." if table_alias else ""
    for c in columns:
        q = prefix + quote_ident(c)
        needs_quotes = _lit("[" + _re_class(delimiter) + '"' + "\\r\\n]")
        quoted.append(
            f"CASE WHEN {q} IS NULL THEN '' WHEN regexp_matches({q}, {needs_quotes}) "
            f"THEN '\"' || replace({q}, '\"', '\"\"') || '\"' ELSE {q} END"
        )
    return f"concat_ws({_lit(delimiter)}, {', '.join(quoted) or _lit('')})"


def _re_class(ch: str) -> str:
    return "\\t" if ch == "\t" else ("\\" + ch if ch in "\\]^-[" else ch)

