"""Party mentions of a Spark load: the ingest room's evidence SQL, run by DuckDB on the executors.

A mention's country and locality come from its own columns, the declaration, its address (the ending's
country words, the best gazetteer place), the route and the port (:mod:`tracekit.ingest.evidence`,
:mod:`tracekit.ingest.gazetteer`). That SQL leans on DuckDB's lists (``len``, ``s[-1]``, ``list_filter``
lambdas, ``arg_min … FILTER``, ``LATERAL unnest``), which have no faithful Spark transpilation; but every
piece of it is a function of one mention's own address and port text. So Spark gathers the mentions
(``base_mentions_sql``, transpiled: a plain projection of the new shipments), puts all mentions of one
address in one partition, and each executor runs the *same statements the local load runs*
(:func:`tracekit.store.write._write_mentions`'s sequence) in an in-memory DuckDB over its partition,
with the shipped country and gazetteer tables. Same SQL, same engine, same answers, and the text never
passes through the driver. Executors need tracekit installed (as for resolution's ``mapInPandas``).
"""

# ruff: noqa: S608  -- table names are our own

from __future__ import annotations

from typing import Any

from tracekit.ingest.evidence import (
    Declaration,
    addresses_sql,
    base_mentions_sql,
    contexts_sql,
    evidence_counts_sql,
    final_mentions_sql,
    places_sql,
    port_countries_sql,
    tail_countries_sql,
)
from tracekit.ingest.fields import MENTION_COLUMNS
from tracekit.ingest.mapping import Mapping
from tracekit.ingest.plan import country_sources
from tracekit.store.load_rows import evidence_to_report
from tracekit.store.report import SourceReport

__all__ = ["write_mentions"]

_EVIDENCE = ("e_declaration", "e_address", "e_route", "e_port", "e_token", "e_city")
_SPARK_TYPES = {"BIGINT": "BIGINT", "INTEGER": "INT", "VARCHAR": "STRING", "DATE": "STRING"}
_BASE_TYPES = {"mention_id": "BIGINT", "shipment_id": "BIGINT", "line": "BIGINT", "source_id": "INTEGER", "date": "DATE"}
_WORKER: dict[str, Any] = {}  # one DuckDB connection per executor Python process (workers are reused)


def _connection():  # noqa: ANN202
    """An in-memory DuckDB holding the load's lookup tables, made once per executor process."""
    if "con" not in _WORKER:
        import duckdb
        import pyarrow as pa

        from tracekit.ingest.codes import COUNTRY_TABLE, country_table
        from tracekit.ingest.gazetteer import GAZETTEER_KEYS, gazetteer_file, gazetteer_read_sql

        con = duckdb.connect()
        keys = country_table()
        con.register("tk_country_incoming", pa.table({"key": list(keys), "alpha2": list(keys.values())}))
        con.execute(f"CREATE TABLE {COUNTRY_TABLE} AS SELECT * FROM tk_country_incoming")
        con.unregister("tk_country_incoming")
        with gazetteer_file() as path:
            con.execute(f"CREATE TABLE {GAZETTEER_KEYS} AS {gazetteer_read_sql(str(path))}")
        _WORKER["con"] = con
    return _WORKER["con"]


def _statements() -> tuple[list[str], str]:
    """The local load's mention statements over ``tk_base`` (one partition's mentions) and the final SELECT
    of each mention's columns plus the evidence the load report counts."""
    from tracekit.ingest.gazetteer import place_candidates_sql

    base = "tk_base"
    setup = [f"CREATE OR REPLACE TEMP TABLE tk_maddr AS {addresses_sql(base)}",
             f"CREATE OR REPLACE TEMP TABLE tk_mtail AS {tail_countries_sql('tk_maddr')}",
             f"CREATE OR REPLACE TEMP TABLE tk_mctx AS {contexts_sql('tk_maddr', 'tk_mtail')}",
             *place_candidates_sql("tk_maddr", "tk_mctx", "tk_mcand"),
             f"CREATE OR REPLACE TEMP TABLE tk_mplace AS {places_sql('tk_mctx', 'tk_mcand')}",
             f"CREATE OR REPLACE TEMP TABLE tk_mport AS {port_countries_sql(base)}"]
    columns = ", ".join(f"m.{c.name}" + ("::VARCHAR AS date" if c.name == "date" else "") for c in MENTION_COLUMNS)
    final = (f"SELECT {columns}, {', '.join(f'e.{e}' for e in _EVIDENCE)} "
             f"FROM ({final_mentions_sql(base, 'tk_mplace', 'tk_mport', attributes=True)}) m "
             f"JOIN ({final_mentions_sql(base, 'tk_mplace', 'tk_mport')}) e USING (mention_id)")
    return setup, final


def _output_schema() -> str:
    return ", ".join([f"{c.name} {_SPARK_TYPES[c.sql_type]}" for c in MENTION_COLUMNS]
                     + [f"{e} STRING" for e in _EVIDENCE])


def _per_partition(base_columns: list[str]):  # noqa: ANN202 - a mapInPandas function
    setup, final = _statements()

    def run(frames):  # noqa: ANN001, ANN202 - runs on the executors
        import pandas as pd

        parts = [f for f in frames if len(f)]
        if not parts:
            return
        frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        con = _connection()
        con.register("tk_base_in", frame)
        try:
            con.execute("CREATE OR REPLACE TEMP TABLE tk_base AS SELECT "
                        + ", ".join(f"CAST(\"{c}\" AS {_BASE_TYPES.get(c, 'VARCHAR')}) AS \"{c}\""
                                    for c in base_columns) + " FROM tk_base_in")
            for statement in setup:
                con.execute(statement)
            yield con.execute(final).df()
        finally:
            con.unregister("tk_base_in")

    return run


def write_mentions(store: Any, mapping: Mapping, source_ids: list[int], roles: list[str],
                   declaration: Declaration | None, reports: dict[int, SourceReport]) -> None:
    """Append the new sources' party mentions (one set of jobs for all of them) and fill each report's
    country evidence."""
    from pyspark.sql import functions as F

    given = country_sources(mapping)
    base = store.spark(" UNION ALL ".join(
        f"SELECT * FROM ({base_mentions_sql(mapping, sid, roles, given, declaration)})" for sid in source_ids))
    base = base.select(*[F.col(c).cast("string").alias(c) if c == "date" else F.col(c) for c in base.columns])
    partitions = max(1, int(store.session.conf.get("spark.sql.shuffle.partitions", "2")))
    # every mention of one address in one partition (the per-address evidence is computed once there)
    grouped = base.repartition(partitions, F.coalesce(F.col("address"), F.col("mention_id").cast("string")))
    done = grouped.mapInPandas(_per_partition(list(base.columns)), schema=_output_schema()).localCheckpoint()
    mentions = done.select(*[F.col(c.name).cast("date").alias(c.name) if c.name == "date" else F.col(c.name)
                             for c in MENTION_COLUMNS])
    from tracekit.store.spark_load_write import typed

    store.append("party_mentions", typed(store, "party_mentions", mentions))
    done.createOrReplaceTempView("tk_mevidence")
    try:  # each source's evidence counts, in one query
        counts = {int(r[0]): r[1:] for r in store.rows(" UNION ALL ".join(
            f"SELECT {sid} AS tk_source, * FROM ({evidence_counts_sql(f'(SELECT * FROM tk_mevidence WHERE source_id = {sid})')})"
            for sid in source_ids))}
    finally:
        store.session.catalog.dropTempView("tk_mevidence")
    for sid in source_ids:
        evidence_to_report(reports[sid], counts[sid])
