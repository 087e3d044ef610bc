"""Spark local[2] vs DuckDB on a synthetic trade table: Parquet ingest, graph aggregation, 3-hop trace.

One JSON line per figure, with the DuckDB figure of the same run as the baseline. The synthetic table
has the columns of ``graph_trade`` (shipment id, resolved shipper and consignee, HS6, date, kg, USD)
with power-law company activity (a few hubs, a long tail), written by DuckDB as Parquet and deleted after.

"ingest" here is read Parquet → write the workspace table (DuckDB: a table in the file; Spark: a
Parquet dataset version): the mapping and normalisers do not run on Spark yet (docs/SCALING.md).

    PYTHONPATH=. .venv/bin/python tests/benchmarks/bench_spark.py --rows 5000000 10000000 20000000

On a 2-core machine shared with other work both engines are slowed; Spark's per-job overhead (seconds
per job under load) dominates at these sizes, so DuckDB is expected to win: the figure says by how much.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

EDGES_SQL = """
CREATE OR REPLACE TABLE bench_edges AS
SELECT src, dst, hs6, count(*) AS shipments, sum(kg) AS kg, sum(usd) AS usd,
       min(date) AS first_date, max(date) AS last_date
FROM graph_trade WHERE src IS NOT NULL AND dst IS NOT NULL GROUP BY src, dst, hs6
"""


def write_dataset(path: Path, rows: int, companies: int) -> None:
    con = duckdb.connect()
    con.execute("SELECT setseed(0.42)")
    con.execute(f"""
        COPY (SELECT i AS shipment_id,
                     CAST(floor({companies} * pow(random(), 3)) AS BIGINT) AS src,
                     CAST(floor({companies} * pow(random(), 2)) AS BIGINT) AS dst,
                     lpad(CAST(290000 + CAST(floor(random() * 4000) AS INT) AS VARCHAR), 6, '0') AS hs6,
                     DATE '2020-01-01' + CAST(floor(random() * 1460) AS INT) AS date,
                     round(random() * 20000, 1) AS kg, round(random() * 100000, 2) AS usd
              FROM range({rows}) t(i))
        TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)""")  # noqa: S608 - our own numbers
    con.close()


def duckdb_hops(con, seed: int, hops: int) -> int:
    con.execute("CREATE OR REPLACE TEMP TABLE visited AS SELECT ?::BIGINT AS node, 0 AS hop", [seed])
    con.execute("CREATE OR REPLACE TEMP TABLE frontier AS SELECT node FROM visited")
    for hop in range(1, hops + 1):
        con.execute("""CREATE OR REPLACE TEMP TABLE frontier AS
            SELECT DISTINCT e.dst AS node FROM bench_edges e SEMI JOIN frontier f ON e.src = f.node
            ANTI JOIN visited v ON e.dst = v.node""")
        con.execute("INSERT INTO visited SELECT node, ? FROM frontier", [hop])
    return con.execute("SELECT count(*) FROM visited").fetchone()[0]


def figure(name: str, rows: int, spark_s: float, duckdb_s: float, **extra) -> None:
    print(json.dumps({"benchmark": f"spark_{name}", "rows": rows, "spark_local2_s": round(spark_s, 2),
                      "duckdb_s": round(duckdb_s, 2), "ratio_spark_over_duckdb": round(spark_s / duckdb_s, 1),
                      **extra}), flush=True)


def run(rows: int, session, work: Path) -> None:
    from tracekit.graph.spark_traverse import trace
    from tracekit.store.spark import SparkStore

    data = work / f"trade-{rows}.parquet"
    companies = max(rows // 40, 100)
    write_dataset(data, rows, companies)

    con = duckdb.connect(str(work / f"bench-{rows}.duckdb"))
    started = time.perf_counter()
    con.execute(f"CREATE TABLE graph_trade AS SELECT * FROM read_parquet('{data}')")  # noqa: S608
    duck_ingest = time.perf_counter() - started
    started = time.perf_counter()
    con.execute(EDGES_SQL)
    duck_edges = time.perf_counter() - started
    seed = con.execute("SELECT src FROM bench_edges GROUP BY src ORDER BY count(*) DESC, src LIMIT 1 OFFSET 50"
                       ).fetchone()[0]  # a busy company, not the biggest hub
    started = time.perf_counter()
    duck_reached = duckdb_hops(con, seed, 3)
    duck_trace = time.perf_counter() - started
    con.close()

    store = SparkStore(session, work / f"spark-{rows}")
    started = time.perf_counter()
    store._write("graph_trade", session.read.parquet(str(data)))
    spark_ingest = time.perf_counter() - started
    started = time.perf_counter()
    store.execute(EDGES_SQL.replace("bench_edges", "graph_edges"))
    spark_edges = time.perf_counter() - started
    started = time.perf_counter()
    reach = trace(store, [seed], direction="down", hops=3)
    spark_trace = time.perf_counter() - started
    store.close()

    figure("ingest_parquet", rows, spark_ingest, duck_ingest)
    figure("graph_edges", rows, spark_edges, duck_edges)
    figure("trace_3_hops", rows, spark_trace, duck_trace, reached=len(reach.tiers),
           duckdb_reached=int(duck_reached))
    if len(reach.tiers) != duck_reached:
        raise SystemExit(f"the engines disagree: Spark reached {len(reach.tiers)}, DuckDB {duck_reached}")
    data.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[5_000_000, 10_000_000, 20_000_000])
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args()
    from tracekit.store.spark import spark_session

    session = spark_session(args.master, app_name="tracekit-bench", shuffle_partitions=8)
    work = Path(tempfile.mkdtemp(prefix="tracekit-bench-spark-"))
    try:
        for rows in args.rows:
            run(rows, session, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        session.stop()


if __name__ == "__main__":
    main()
