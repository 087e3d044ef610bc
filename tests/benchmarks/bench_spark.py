"""Spark local[2] vs DuckDB on a synthetic trade table: Parquet ingest, graph aggregation, 3-hop trace.

One JSON line per figure, with the DuckDB figure of the same run as the baseline. The synthetic table
has the columns of ``graph_trade`` (shipment id, resolved shipper and consignee, HS6, date, kg, USD)
with power-law company activity (a few hubs, a long tail), written by DuckDB as Parquet and deleted after.

"ingest" here is read Parquet → write the workspace table (DuckDB: a table in the file; Spark: a
Parquet dataset version); the mapped CSV load on Spark is ``store/spark_load*.py``'s benchmark.

Every figure carries wall seconds, CPU seconds (DuckDB: this process; Spark: the JVM with its local
executors plus this process) and the 1-minute load average at its end; Spark's figures add tasks and
shuffle bytes per phase from Spark's event log, and the trace gives the frontier size per hop on both
engines. ``--fit`` reads earlier output and fits ``time ∝ rows^k`` per figure and engine.

    PYTHONPATH=. .venv/bin/python tests/benchmarks/bench_spark.py --rows 5000000 10000000 > a.jsonl
    PYTHONPATH=. .venv/bin/python tests/benchmarks/bench_spark.py --rows 20000000 > b.jsonl
    PYTHONPATH=. .venv/bin/python tests/benchmarks/bench_spark.py --fit a.jsonl b.jsonl

On a 2-core machine shared with other work both engines are slowed; Spark's per-job overhead (seconds
per job under load) dominates at these sizes, so DuckDB is expected to win: the figure says by how much.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import tempfile
from pathlib import Path

import duckdb

from tests.benchmarks.spark_metrics import Phases, bench_session, shuffle_by_group

EDGES_SQL = """
CREATE OR REPLACE TABLE bench_edges AS
SELECT src, dst, hs6, count(*) AS shipments, sum(kg) AS kg, sum(usd) AS usd,
       min(date) AS first_date, max(date) AS last_date
FROM graph_trade WHERE src IS NOT NULL AND dst IS NOT NULL GROUP BY src, dst, hs6
"""
PHASES = {"ingest": "ingest_parquet", "edges": "graph_edges", "trace": "trace_3_hops"}


def write_dataset(path: Path, rows: int, companies: int) -> None:
    con = duckdb.connect()
    con.execute("SET memory_limit = '3GB'")
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


def duckdb_hops(con, seed: int, hops: int) -> list[int]:
    """The same frontier loop as SQL temp tables; returns the new companies per hop."""
    con.execute("CREATE OR REPLACE TEMP TABLE visited AS SELECT ?::BIGINT AS node, 0 AS hop", [seed])
    con.execute("CREATE OR REPLACE TEMP TABLE frontier AS SELECT node FROM visited")
    sizes = []
    for hop in range(1, hops + 1):
        con.execute("""CREATE OR REPLACE TEMP TABLE frontier AS
            SELECT DISTINCT e.dst AS node FROM bench_edges e SEMI JOIN frontier f ON e.src = f.node
            ANTI JOIN visited v ON e.dst = v.node""")
        con.execute("INSERT INTO visited SELECT node, ? FROM frontier", [hop])
        sizes.append(con.execute("SELECT count(*) FROM frontier").fetchone()[0])
    return sizes


def run(rows: int, session, work: Path) -> list[dict]:
    from tracekit.graph.spark_traverse import trace
    from tracekit.store.spark import SparkStore

    data = work / f"trade-{rows}.parquet"
    companies = max(rows // 40, 100)
    write_dataset(data, rows, companies)

    duck = Phases()
    con = duckdb.connect(str(work / f"bench-{rows}.duckdb"))
    con.execute("SET memory_limit = '3GB'")
    con.execute("SET threads = 2")
    with duck.phase("ingest"):
        con.execute(f"CREATE TABLE graph_trade AS SELECT * FROM read_parquet('{data}')")  # noqa: S608
    with duck.phase("edges"):
        con.execute(EDGES_SQL)
    edges = con.execute("SELECT count(*) FROM bench_edges").fetchone()[0]
    seed = con.execute("SELECT src FROM bench_edges GROUP BY src ORDER BY count(*) DESC, src LIMIT 1 OFFSET 50"
                       ).fetchone()[0]  # a busy company, not the biggest hub
    with duck.phase("trace"):
        duck_frontiers = duckdb_hops(con, seed, 3)
    con.close()

    spark = Phases(session)
    store = SparkStore(session, work / f"spark-{rows}")
    with spark.phase(f"{rows}:ingest"):
        store._write("graph_trade", session.read.parquet(str(data)))  # noqa: SLF001
    with spark.phase(f"{rows}:edges"):
        store.execute(EDGES_SQL.replace("bench_edges", "graph_edges"))
    with spark.phase(f"{rows}:trace"):
        reach = trace(store, [seed], direction="down", hops=3)
    store.close()
    spark_frontiers = [sum(1 for hop in reach.tiers.values() if hop == k) for k in (1, 2, 3)]

    figures = []
    for phase, name in PHASES.items():
        s, d = spark.results[f"{rows}:{phase}"], duck.results[phase]
        figure = {"benchmark": f"spark_{name}", "rows": rows, "companies": companies, "edges": int(edges),
                  "spark_local2_s": s["wall_s"], "duckdb_s": d["wall_s"],
                  "ratio_spark_over_duckdb": round(s["wall_s"] / d["wall_s"], 1),
                  "spark_cpu_s": s["cpu_s"], "duckdb_cpu_s": d["cpu_s"],
                  "load_1min_spark": s["load_1min"], "load_1min_duckdb": d["load_1min"],
                  "job_group": f"{rows}:{phase}"}
        if phase == "trace":
            figure.update(spark_frontier_per_hop=spark_frontiers, duckdb_frontier_per_hop=duck_frontiers)
        figures.append(figure)
    if spark_frontiers != duck_frontiers:
        raise SystemExit(f"the engines disagree: Spark reached {spark_frontiers}, DuckDB {duck_frontiers}")
    data.unlink()
    return figures


def fit(paths: list[str]) -> None:
    """Least-squares ``log t = k log rows + c`` per figure and engine, over every size given."""
    points: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for path in paths:
        for line in Path(path).read_text().splitlines():
            if not line.startswith("{"):
                continue
            row = json.loads(line)
            if "spark_local2_s" not in row:
                continue
            for engine in ("spark_local2_s", "duckdb_s", "spark_cpu_s", "duckdb_cpu_s"):
                points.setdefault((row["benchmark"], engine), []).append((row["rows"], row[engine]))
    for (name, engine), pts in sorted(points.items()):
        if len({r for r, _ in pts}) < 2:
            continue
        xs, ys = [math.log(r) for r, _ in pts], [math.log(max(t, 1e-3)) for _, t in pts]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        k = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
        print(json.dumps({"benchmark": f"{name}_scaling_exponent", "measure": engine, "exponent": round(k, 2),
                          "points": sorted(pts)}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[5_000_000, 10_000_000, 20_000_000])
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="3g")
    parser.add_argument("--warmup", type=int, default=200_000, help="rows of an unreported first run (0: none)")
    parser.add_argument("--fit", nargs="+", metavar="JSONL", help="fit the scaling exponent of earlier output")
    args = parser.parse_args()
    if args.fit:
        fit(args.fit)
        return
    work = Path(tempfile.mkdtemp(prefix="tracekit-bench-spark-"))
    events = work / "events"
    session = bench_session(args.master, "tracekit-bench", events, driver_memory=args.driver_memory)
    figures = []
    try:
        # The session's first jobs pay the JVM's class loading and JIT (the 5M ingest was slower than the
        # 10M one without this): a small run first, not reported, so every size meets a warm JVM.
        if args.warmup:
            run(args.warmup, session, work)
        for rows in args.rows:
            figures += run(rows, session, work)
            for figure in figures[-3:]:
                print(json.dumps(figure), flush=True)
        session.stop()
        shuffle = shuffle_by_group(events)
        for figure in figures:  # the stages each phase ran, read from the event log once it is complete
            print(json.dumps({"benchmark": f"{figure['benchmark']}_stages", "rows": figure["rows"],
                              **shuffle.get(figure["job_group"], {})}), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
