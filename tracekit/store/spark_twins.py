"""Spark twins of the DuckDB statements the resolve room runs, behind the store seam.

:class:`~tracekit.store.spark.SparkStore` hands each parsed statement to :func:`execute_twin` first; a
statement this module knows is run here and the store goes no further. What lives here, and why:

- ``CREATE [OR REPLACE] TEMP TABLE … AS`` — DuckDB's connection-local scratch table. On Spark it is a
  temporary view over a *checkpointed* DataFrame (``localCheckpoint``: computed once, kept on the executors,
  lineage cut), never a Parquet version under the workspace: scratch work must not outlive the session.
- ``CREATE [OR REPLACE] TEMP VIEW`` — a temporary view over the lazy query (recomputed where read).
- ``ALTER TABLE … ADD COLUMN IF NOT EXISTS`` — Spark's temp views have no ALTER: the table is written
  anew with the column appended as NULLs (only when it is missing; a no-op otherwise).
- ``INSERT INTO t WITH … SELECT`` — sqlglot hangs the CTE on the INSERT; the store's INSERT reads only
  the SELECT, so the CTE is moved into it.
- ``SELECT * EXCLUDE (…) FROM t`` — Spark SQL has no star-except; the star is expanded from ``t``'s
  columns (the store knows them).

Everything else (``unnest(range(…))``, ``string_split``, ``string_agg … ORDER BY``, ``//``, ``GROUP BY ALL``)
sqlglot transpiles correctly to Spark 4 on its own: checked by ``tests/spark/test_resolve_spark.py``, which
runs the whole resolver on both engines and compares the answers.
"""

# ruff: noqa: S608  -- table and column names come from parsed statements and the store's own catalogue

from __future__ import annotations

from typing import Any

from sqlglot import exp

__all__ = ["execute_twin", "expand_star_except"]


def _is_temporary(node: exp.Create) -> bool:
    properties = node.args.get("properties")
    return properties is not None and any(isinstance(p, exp.TemporaryProperty) for p in properties.expressions)


def expand_star_except(store: Any, node: exp.Expression) -> exp.Expression:
    """``SELECT * EXCLUDE (a, b) FROM t`` → ``SELECT c, d, … FROM t`` using ``t``'s columns."""
    for select in list(node.find_all(exp.Select)):
        for i, item in enumerate(select.expressions):
            excluded = item.args.get("except_") if isinstance(item, exp.Star) else None
            if not excluded:
                continue
            source = select.args.get("from_")
            table = source.this if source is not None else None
            if not isinstance(table, exp.Table) or not store.table_exists(table.name) or select.args.get("joins"):
                from tracekit.store.spark import EngineUnsupported

                raise EngineUnsupported(f"* EXCLUDE needs one plain table to expand on Spark: {select.sql()[:160]}")
            drop = {c.name.lower() for c in excluded}
            kept = [exp.column(c, quoted=True) for c in store.columns(table.name) if c.lower() not in drop]
            select.expressions[i:i + 1] = kept
            select.set("expressions", select.expressions)
    return node


def execute_twin(store: Any, node: exp.Expression, params: Any) -> bool:
    """Run ``node`` if it is one of the statements above; return whether it was handled."""
    if isinstance(node, exp.Create) and _is_temporary(node):
        kind = str(node.args.get("kind", "")).upper()
        name = node.this.name if isinstance(node.this, exp.Table) else node.this.this.name
        if store.table_exists(name) and not node.args.get("replace"):
            if node.args.get("exists"):
                return True
            from tracekit.errors import WorkspaceError

            raise WorkspaceError(f"temporary {kind.lower()} {name} already exists")
        frame = store._sql(expand_star_except(store, node.expression), params)  # noqa: SLF001 - the seam's own
        if kind == "TABLE":
            frame = frame.localCheckpoint()  # DuckDB materialises a temp table: so do we (and cut lineage)
        frame.createOrReplaceTempView(name)
        store._registered.add(name)  # noqa: SLF001
        return True
    if isinstance(node, exp.Alter) and all(isinstance(a, exp.ColumnDef) for a in node.args.get("actions") or []):
        _add_columns(store, node)
        return True
    # sparkload: the load drops its scratch tables (tk_dups, tk_left_out) with DROP TABLE, as on DuckDB.
    if isinstance(node, exp.Drop) and _table_name_of(node) in store._registered:  # noqa: SLF001
        store.unregister(_table_name_of(node))
        return True
    if isinstance(node, exp.Insert) and node.args.get("with_") is not None:
        cte = node.args["with_"]
        node.set("with_", None)
        node.expression.set("with_", cte)
        return False  # the store's INSERT runs it now
    return False


def _table_name_of(node: exp.Drop) -> str | None:
    table = node.find(exp.Table)
    return table.name if table is not None else None


def _add_columns(store: Any, node: exp.Alter) -> None:
    from pyspark.sql import functions as F

    from tracekit.store.spark import to_spark_sql

    name = node.this.name
    current = store.table(name)
    have = {c.lower() for c in current.columns}
    added = current
    for column in node.args["actions"]:
        if column.name.lower() in have:
            if column.args.get("exists"):
                continue
            from tracekit.errors import WorkspaceError

            raise WorkspaceError(f"table {name} already has a column {column.name}")
        added = added.withColumn(column.name, F.lit(None).cast(to_spark_sql(column.args["kind"])))
        have.add(column.name.lower())
    if added is not current:
        store._write(name, added.localCheckpoint())  # noqa: SLF001
