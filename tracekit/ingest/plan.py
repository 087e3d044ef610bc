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
from tracekit.ingest.fields import PARTY_ATTRIBUTES, PARTY_ROLES, field_names
from tracekit.ingest.mapping import Mapping
from tracekit.ingest.numbers import number_sql, weight_problem_sql, weight_sql, weight_unit_assumed_sql

__all__ = ["StagePlan", "stage_sql", "raw_text_sql", "mention_sql", "quote_ident", "WARNING_FLAGS"]

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


def _text(col: str) -> str:
    return f"nullif(trim({quote_ident(col)}), '')"


@dataclass
class StagePlan:
    """What :func:`stage_sql` needs besides the mapping."""

    raw_table: str
    mapping: Mapping
    day_orders: dict[str, DayOrder] = field(default_factory=dict)  # date column → order
    excel_serials: bool = False


def _country(col: str) -> str:
    key = country_key_sql(quote_ident(col))
    return f"(SELECT k.alpha2 FROM {COUNTRY_TABLE} k WHERE k.key = {key})"  # noqa: S608 - quoted identifiers


def _field_exprs(plan: StagePlan) -> dict[str, str]:
    m = plan.mapping
    exprs: dict[str, str] = {}
    for name in field_names():
        if name == "weight_kg":
            col = m.column("weight")
            unit = m.column("weight_unit")
            exprs[name] = weight_sql(quote_ident(col), quote_ident(unit) if unit else None) if col else "NULL"
            continue
        cols = m.columns.get(name)
        if not cols:
            exprs[name] = "NULL"
        elif name.endswith("_address"):
            parts = ", ".join(_text(c) for c in cols)
            exprs[name] = f"nullif(concat_ws(', ', {parts}), '')"
        elif name == "date":
            order = plan.day_orders.get(cols[0], "DMY")
            exprs[name] = date_sql(quote_ident(cols[0]), order, excel_serials=plan.excel_serials)
        elif name == "hs_code":
            exprs[name] = hs_code_sql(quote_ident(cols[0]))
        elif name in ("quantity", "value_usd"):
            exprs[name] = number_sql(quote_ident(cols[0]))
        elif name.endswith("_country") or name == "country_of_origin":
            exprs[name] = _country(cols[0])
        elif name.endswith("_email"):
            exprs[name] = f"lower({_text(cols[0])})"
        else:
            exprs[name] = _text(cols[0])
    return exprs


def _raw_alias(plan: StagePlan) -> dict[str, str]:
    """Source column → alias of its raw text in the inner stage query (names may clash with fields)."""
    used = sorted({c for cols in plan.mapping.columns.values() for c in cols})
    return {c: f"_raw{i}" for i, c in enumerate(used)}


def _problems(plan: StagePlan) -> list[tuple[str, str, str, str]]:
    """(reason, source column, condition, detail) in priority order, over the inner stage columns."""
    m = plan.mapping
    alias = _raw_alias(plan)

    def _text(col: str) -> str:
        return f"nullif(trim({alias[col]}), '')"

    out = []
    names = [c for t in ("shipper_name", "consignee_name") for c in m.columns.get(t, [])]
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


def _warnings(plan: StagePlan) -> dict[str, str]:
    m = plan.mapping
    alias = _raw_alias(plan)

    def _text(col: str) -> str:
        return f"nullif(trim({alias[col]}), '')"

    countries = [c for t, cols in m.columns.items()
                 if t.endswith("_country") or t == "country_of_origin" for c in cols]
    flags = {
        "w_country": " OR ".join(
            f"({_text(c)} IS NOT NULL AND {t} IS NULL)"
            for t, cols in m.columns.items() if t.endswith("_country") or t == "country_of_origin"
            for c in cols
        ) if countries else "false",
        "w_value": (f"({_text(m.column('value_usd'))} IS NOT NULL AND value_usd IS NULL)"
                    if m.column("value_usd") else "false"),
        "w_quantity": (f"({_text(m.column('quantity'))} IS NOT NULL AND quantity IS NULL)"
                       if m.column("quantity") else "false"),
        "w_weight_unit": (weight_unit_assumed_sql(alias[m.column("weight")],
                                                  alias[m.column("weight_unit")] if m.column("weight_unit")
                                                  else None)
                          if m.column("weight") else "false"),
    }
    return flags


def stage_sql(plan: StagePlan) -> str:
    """One SELECT: ``line``, the canonical fields, ``reason``, ``problem_column``, ``detail``, warnings."""
    exprs = _field_exprs(plan)
    inner = ",\n  ".join([f"{e} AS {quote_ident(n)}" for n, e in exprs.items()]
                         + [f"{quote_ident(c)} AS {a}" for c, a in _raw_alias(plan).items()])
    problems = _problems(plan)
    reason = " ".join(f"WHEN {cond} THEN {_lit(r)}" for r, _, cond, _ in problems)
    column = " ".join(f"WHEN {cond} THEN {_lit(c)}" for _, c, cond, _ in problems)
    detail = ", ".join(f"CASE WHEN {cond} THEN {d} END" for _, _, cond, d in problems)
    warnings = ",\n  ".join(f"({e}) AS {k}" for k, e in _warnings(plan).items())
    fields = ", ".join(quote_ident(n) for n in exprs)
    return (
        f"SELECT line, {fields},\n"
        f"  CASE {reason} END AS reason,\n"
        f"  CASE {column} END AS problem_column,\n"
        f"  nullif(concat_ws('; ', {detail}), '') AS detail,\n"
        f"  {warnings}\n"
        f"FROM (SELECT line,\n  {inner}\nFROM {plan.raw_table})"
    )


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


def mention_sql(stage: str, roles_present: list[str]) -> str:
    """SELECT of party mentions (one per shipment and role with any party data) from a stage table."""
    parts = []
    for code, role in enumerate(PARTY_ROLES):
        if role not in roles_present:
            continue
        cols = [f"{role}_{a}" for a in PARTY_ATTRIBUTES]
        attrs = ", ".join(f"{quote_ident(c)} AS {a}" for c, a in zip(cols, PARTY_ATTRIBUTES, strict=True))
        any_data = " OR ".join(f"{quote_ident(c)} IS NOT NULL" for c in cols)
        parts.append(
            f"SELECT shipment_id * 4 + {code} AS mention_id, shipment_id, source_id, line, "  # noqa: S608
            f"{_lit(role)} AS role, {attrs}, date FROM {stage} WHERE reason IS NULL AND ({any_data})"
        )
    return " UNION ALL ".join(parts) if parts else ""
