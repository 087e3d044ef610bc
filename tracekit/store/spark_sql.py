"""DuckDB-dialect SQL as Spark SQL: sqlglot transpiles, and the constructs whose Spark namesakes mean
something else (or do not exist) get their Spark twin here, in one place behind the store seam.

>>> to_spark_sql("SELECT sum(x)::HUGEINT FROM t")
'SELECT CAST(SUM(x) AS DECIMAL(38, 0)) FROM t'
"""

from __future__ import annotations

import unicodedata

import sqlglot
from sqlglot import exp

from tracekit.errors import TracekitError

__all__ = ["EngineUnsupported", "to_spark_sql", "CATALOG_VIEW"]


class EngineUnsupported(TracekitError):
    """A statement the Spark engine cannot run (named in the message), with what to do instead."""


# -- DuckDB SQL → Spark SQL ------------------------------------------------------------------------------

CATALOG_VIEW = "tk_catalog_tables"


def _accent_table() -> tuple[str, str]:
    """``translate`` tables for DuckDB's ``strip_accents`` over Latin letters (U+00C0–U+024F): each
    letter whose compatibility decomposition is one ASCII letter plus combining marks maps to that letter.
    Spark has no Unicode normalisation in SQL; letters outside this range keep their accents there."""
    source, target = [], []
    for code in range(0xC0, 0x250):
        letter = chr(code)
        parts = unicodedata.normalize("NFKD", letter)
        if len(parts) > 1 and parts[0].isascii() and all(unicodedata.combining(c) for c in parts[1:]):
            source.append(letter)
            target.append(parts[0])
    return "".join(source), "".join(target)


_ACCENTS_FROM, _ACCENTS_TO = _accent_table()


def _literal_text(node: exp.Expression | None) -> str | None:
    return node.this if isinstance(node, exp.Literal) and node.is_string else None


def _inner(node: exp.Expression | None) -> exp.Expression | None:
    """The twin of a sub-expression: sqlglot does not descend into a node a callback replaced."""
    return None if node is None else node.transform(_twin)


def _regex_twin(node: exp.Expression) -> exp.Expression | None:
    """DuckDB string functions whose Spark namesakes mean something else."""
    if isinstance(node, exp.Trim) and node.args.get("expression") is None:
        # DuckDB's trim removes every Unicode space separator (NBSP, ideographic space…), Spark's only ' '.
        position = str(node.args.get("position") or "BOTH").upper()
        pattern = {"LEADING": "^\\p{Zs}+", "TRAILING": "\\p{Zs}+\\z"}.get(position, "^\\p{Zs}+|\\p{Zs}+\\z")
        return exp.RegexpReplace(this=_inner(node.this), expression=exp.Literal.string(pattern),
                                 replacement=exp.Literal.string(""))
    if isinstance(node, exp.RegexpFullMatch):
        pattern = _literal_text(node.expression)
        if pattern is None:
            raise EngineUnsupported(f"regexp_full_match needs a literal pattern on Spark: {node.sql()[:160]}")
        # RE2's full match; Java's `$` would also match before a final newline, `\z` does not.
        return exp.RegexpLike(this=_inner(node.this), expression=exp.Literal.string(f"^(?:{pattern})\\z"))
    if isinstance(node, exp.RegexpReplace):
        modifiers = _literal_text(node.args.get("modifiers")) or ""
        if set(modifiers) - {"g"}:
            raise EngineUnsupported(f"regexp_replace options {modifiers!r} have no Spark twin: {node.sql()[:160]}")
        if "g" in modifiers:
            return exp.RegexpReplace(this=_inner(node.this), expression=node.expression,
                                     replacement=_inner(node.args.get("replacement")))
        # DuckDB replaces the FIRST match unless 'g'; Spark replaces all. Keep the text before the first
        # match as group 1 and put it back. Backreferences in the replacement would shift: refused.
        pattern, replacement = _literal_text(node.expression), _literal_text(node.args.get("replacement"))
        if pattern is None or replacement is None or "\\" in replacement or "$" in replacement:
            raise EngineUnsupported(f"regexp_replace of the first match needs literal, plain arguments on "
                                    f"Spark: {node.sql()[:160]}")
        return exp.RegexpReplace(this=_inner(node.this), expression=exp.Literal.string(f"(?s)^(.*?)(?:{pattern})"),
                                 replacement=exp.Literal.string("$1" + replacement))
    return None


def _twin(node: exp.Expression) -> exp.Expression:
    """Rewrite one DuckDB-only construct into its Spark twin (sqlglot transform callback)."""
    regex = _regex_twin(node)
    if regex is not None:
        return regex
    if isinstance(node, exp.Anonymous) and str(node.this).lower() == "strip_accents":
        return exp.func("translate", *map(_inner, node.expressions), exp.Literal.string(_ACCENTS_FROM),
                        exp.Literal.string(_ACCENTS_TO))
    if isinstance(node, exp.Upper):
        # DuckDB upper-cases ß to ẞ (one letter), Java to SS: give Spark DuckDB's answer.
        return exp.Upper(this=exp.func("replace", _inner(node.this), exp.Literal.string("ß"),
                                       exp.Literal.string("ẞ")))
    if isinstance(node, exp.Anonymous) and str(node.this).lower() == "strlen":  # bytes, not characters
        return exp.func("octet_length", *map(_inner, node.expressions))
    if isinstance(node, exp.DataType) and node.this in (exp.DataType.Type.INT128, exp.DataType.Type.UINT128):
        return exp.DataType.build("DECIMAL(38, 0)")
    if isinstance(node, exp.Anonymous) and str(node.this).lower() == "duckdb_tables":
        return exp.to_table(CATALOG_VIEW)
    if isinstance(node, exp.Table) and isinstance(node.this, exp.Anonymous) \
            and str(node.this.this).lower() == "duckdb_tables":
        return exp.to_table(CATALOG_VIEW, alias=node.alias or None)
    if isinstance(node, exp.Table) and node.db.lower() == "information_schema" and node.name.lower() == "tables":
        return exp.to_table(CATALOG_VIEW, alias=node.alias or None)
    return node


def to_spark_sql(statement: exp.Expression | str) -> str:
    """One DuckDB-dialect statement as Spark SQL.

    >>> to_spark_sql("SELECT sum(x)::HUGEINT FROM t")
    'SELECT CAST(SUM(x) AS DECIMAL(38, 0)) FROM t'
    """
    tree = sqlglot.parse_one(statement, read="duckdb") if isinstance(statement, str) else statement
    return tree.transform(_twin).sql(dialect="spark")


def _statements(sql: str) -> list[exp.Expression]:
    try:
        return [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except sqlglot.errors.ParseError as exc:
        raise EngineUnsupported(f"the Spark engine could not read this statement ({exc}): {sql[:200]}") from exc


def _table_name(node: exp.Expression) -> str:
    table = node.find(exp.Table) if not isinstance(node, exp.Table) else node
    if table is None:
        raise EngineUnsupported(f"no table named in: {node.sql()[:200]}")
    return table.name
