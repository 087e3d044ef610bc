"""Spark twins of DuckDB's scratch tables declared by columns and filled by INSERT (the flags build).

The graph room's flag build (:func:`tracekit.graph.flags.build_flags`) declares a temporary table by
its columns, ``CREATE OR REPLACE TEMP TABLE tk_flag_rows (shipment_id BIGINT, …)``, and fills it with
one ``INSERT INTO tk_flag_rows (…) SELECT …`` per rule. On Spark a temporary table is a temporary view
(:mod:`tracekit.store.spark_twins`), which has no INSERT: here the declaration becomes an empty view of
that schema and each INSERT a union with the incoming rows (cast to the declared types, columns by
name), checkpointed so the plan does not grow with every rule. Scratch work stays in the session,
never a Parquet version under the workspace. Hooked into :class:`~tracekit.store.spark.SparkStore`
before the other twins.
"""

from __future__ import annotations

from typing import Any

from sqlglot import exp

__all__ = ["execute_temp_twin"]


def _temporary(node: exp.Create) -> bool:
    properties = node.args.get("properties")
    return properties is not None and any(isinstance(p, exp.TemporaryProperty) for p in properties.expressions)


def execute_temp_twin(store: Any, node: exp.Expression, params: Any) -> bool:
    """Run a column-declared TEMP TABLE or an INSERT into a temporary view; return whether handled."""
    from tracekit.store.spark_sql import _table_name, to_spark_sql

    if isinstance(node, exp.Create) and _temporary(node) and node.expression is None \
            and isinstance(node.this, exp.Schema):
        name = _table_name(node.this)
        if store.table_exists(name) and not node.args.get("replace"):
            if node.args.get("exists"):
                return True
            from tracekit.errors import WorkspaceError

            raise WorkspaceError(f"temporary table {name} already exists")
        columns = [c for c in node.this.expressions if isinstance(c, exp.ColumnDef)]
        ddl = ", ".join(f"`{c.name}` {_spark_type(to_spark_sql(c.args['kind']))}" for c in columns)
        store.session.createDataFrame([], schema=ddl).createOrReplaceTempView(name)
        store._registered.add(name)  # noqa: SLF001 - the seam's own bookkeeping
        return True
    if isinstance(node, exp.Insert) and node.args.get("with_") is None:
        target = node.this
        name = _table_name(target)
        if name not in store._registered or name in store._views:  # noqa: SLF001
            return False  # a workspace table: the store's own INSERT
        if node.args.get("alternative") or node.args.get("conflict"):
            return False
        current = store.table(name)
        incoming = store._sql(node.expression, params)  # noqa: SLF001
        named = [c.name for c in target.expressions] if isinstance(target, exp.Schema) else current.columns
        incoming = incoming.toDF(*named)
        from pyspark.sql import functions as F  # noqa: N812

        incoming = incoming.select(*[
            (incoming[c].cast(current.schema[c].dataType) if c in named
             else F.lit(None).cast(current.schema[c].dataType)).alias(c) for c in current.columns])
        current.unionByName(incoming).localCheckpoint().createOrReplaceTempView(name)
        return True
    return False


def _spark_type(text: str) -> str:
    """DuckDB's JSON type is text on Spark (``to_json`` / ``json_object`` give strings)."""
    return "STRING" if text.upper() == "JSON" else text
