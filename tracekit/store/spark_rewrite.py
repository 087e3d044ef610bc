"""Spark twins of DuckDB expressions the graph room's SQL uses (flags, evidence), rewritten on the AST.

sqlglot transpiles most of DuckDB to Spark, but four constructs the flags and evidence queries rely on
come out wrong or not at all, so :class:`~tracekit.store.spark.SparkStore` rewrites them on the parsed
DuckDB statement before transpiling (:func:`rewrite_for_spark`):

- ``list(x ORDER BY k1 DESC, k2)`` — sqlglot drops the ORDER BY (``collect_list`` has none, and its
  order is whatever the shuffle gives). Twin: collect ``named_struct('v', x, 'k0', k1, …)``, sort with
  a comparator honouring each key's direction and NULLS FIRST/LAST, keep ``v``. ``list(DISTINCT x
  ORDER BY x)`` is ``array_sort(collect_set(x))``. A ``FILTER (WHERE …)`` stays on the aggregate.
  (``collect_list`` skips NULLs where DuckDB's ``list`` keeps them: tracekit's lists hold ids, flags,
  reasons, never NULL by construction.)
- ``arr[a:b]`` — DuckDB slices are 1-based and inclusive; Spark has no slice syntax. Twin:
  ``slice(arr, a, b - a + 1)``.
- ``json_object('k', v, …)`` — absent in Spark. Twin: ``to_json(named_struct('k', v, …))`` with null
  fields kept, as DuckDB writes them.
- ``arg_max(x, y)`` — DuckDB skips rows whose ``x`` is NULL, Spark's ``max_by`` does not (the relay rule
  takes the chemical of the heaviest flag *that names one*). Twin: ``max_by(x, CASE WHEN x IS NOT NULL
  THEN y END)`` (rows with a NULL ordering value are skipped by both).
- ``'[]'::JSON`` — Spark's JSON is text: the literal itself (sqlglot would make it ``to_json('[]')``).
- ``date - date`` — DuckDB gives whole days, Spark an interval (``INTERVAL '12' DAY`` when printed).
  Twin: ``datediff(a, b)`` where both sides are date columns (named ``date``, ``*_date``, ``first_seen``,
  or their ``min``/``max``): the only date differences tracekit writes.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp

__all__ = ["rewrite_for_spark"]

_DATE_NAME = re.compile(r"^(date|.*_date|first_seen|last_seen)$", re.IGNORECASE)


def _spark(node: exp.Expression) -> str:
    return node.sql(dialect="spark")


def _parse(text: str) -> exp.Expression:
    return sqlglot.parse_one(text, read="spark")


def _comparator(ordered: list[exp.Ordered]) -> str:
    cases = []
    for i, key in enumerate(ordered):
        desc = bool(key.args.get("desc"))
        nulls_first = bool(key.args.get("nulls_first"))
        left, right = f"l.k{i}", f"r.k{i}"
        cases += [f"WHEN {left} IS NULL AND {right} IS NOT NULL THEN {-1 if nulls_first else 1}",
                  f"WHEN {left} IS NOT NULL AND {right} IS NULL THEN {1 if nulls_first else -1}",
                  f"WHEN {left} < {right} THEN {1 if desc else -1}",
                  f"WHEN {left} > {right} THEN {-1 if desc else 1}"]
    return f"(l, r) -> CASE {' '.join(cases)} ELSE 0 END"


def _ordered_list(agg: exp.ArrayAgg, where: exp.Where | None) -> exp.Expression | None:
    order = agg.this
    if not isinstance(order, exp.Order):
        return None
    value = order.this
    distinct = isinstance(value, exp.Distinct)
    if distinct:
        value = value.expressions[0]
    keys = list(order.expressions)
    filtered = f" FILTER (WHERE {_spark(where.this)})" if where is not None else ""
    if distinct and len(keys) == 1 and keys[0].this == value and not keys[0].args.get("desc"):
        return _parse(f"array_sort(collect_set({_spark(value)}){filtered})")
    fields = ", ".join([f"'v', {_spark(value)}"] + [f"'k{i}', {_spark(k.this)}" for i, k in enumerate(keys)])
    collect = "collect_set" if distinct else "collect_list"
    return _parse(f"transform(array_sort({collect}(named_struct({fields})){filtered}, {_comparator(keys)}), "
                  "s -> s.v)")


def _is_date(node: exp.Expression) -> bool:
    if isinstance(node, exp.Max | exp.Min):
        node = node.this
    return isinstance(node, exp.Column) and bool(_DATE_NAME.match(node.name))


def _rewrite(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Filter) and isinstance(node.this, exp.ArrayAgg):
        return _ordered_list(node.this, node.expression) or node
    if isinstance(node, exp.ArrayAgg) and not isinstance(node.parent, exp.Filter):
        return _ordered_list(node, None) or node
    if isinstance(node, exp.Bracket) and len(node.expressions) == 1 and isinstance(node.expressions[0], exp.Slice):
        piece = node.expressions[0]
        start, end = piece.this, piece.expression
        if isinstance(start, exp.Literal) and isinstance(end, exp.Literal) and not start.is_string:
            a, b = int(start.this), int(end.this)
            return _parse(f"slice({_spark(node.this)}, {a}, {max(b - a + 1, 0)})")
    if isinstance(node, exp.JSONObject):
        fields = ", ".join(f"{_spark(kv.this)}, {_spark(kv.expression)}" for kv in node.expressions)
        return _parse(f"to_json(named_struct({fields}), map('ignoreNullFields', 'false'))")
    if isinstance(node, exp.ArgMax | exp.ArgMin) and not node.args.get("count"):
        value, key = _spark(node.this), _spark(node.expression)
        function = "max_by" if isinstance(node, exp.ArgMax) else "min_by"
        return _parse(f"{function}({value}, CASE WHEN {value} IS NOT NULL THEN {key} END)")
    if isinstance(node, exp.Cast) and node.to.is_type(exp.DataType.Type.JSON) and isinstance(node.this, exp.Literal):
        return node.this.copy()  # JSON is text on Spark: '[]'::JSON is the text '[]'
    if isinstance(node, exp.Sub) and _is_date(node.this) and _is_date(node.expression):
        return _parse(f"datediff({_spark(node.this)}, {_spark(node.expression)})")
    return node


def _depth(node: exp.Expression) -> int:
    depth = 0
    while node.parent is not None:
        node, depth = node.parent, depth + 1
    return depth


def rewrite_for_spark(node: exp.Expression) -> exp.Expression:
    """The DuckDB statement with the constructs above replaced by their Spark twins, innermost first
    (a twin renders its operands, which must already be Spark's)."""
    found = [n for n in node.walk() if isinstance(n, exp.Filter | exp.ArrayAgg | exp.Bracket | exp.JSONObject | exp.Sub | exp.Cast
                                                      | exp.ArgMax | exp.ArgMin)]
    for match in sorted(found, key=_depth, reverse=True):
        new = _rewrite(match)
        if new is match:
            continue
        if match is node:
            node = new
        else:
            match.replace(new)
    return node
