"""Resolution on Spark local[2] vs DuckDB: the same resolver through the store seam, same demo world.

For each size a demo world is generated and loaded into a DuckDB workspace; its ``shipments`` and
``party_mentions`` are copied to a Spark workspace (``SparkStore.copy_from``, not timed) and a full
``resolve`` runs on each engine. One JSON line per figure, the DuckDB figure of the same run as baseline,
with the resolver's own stage times and whether both engines gave the same ``mention_entities``.

    PYTHONPATH=. .venv/bin/python tests/benchmarks/bench_spark_resolve.py --rows 20000 100000

On a 2-core machine shared with other work, Spark's fixed cost per job (a second or more under load)
times the resolver's ~60 statements dominates at these sizes: DuckDB is expected to win by far.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
import warnings
from pathlib import Path


def run(rows: int, session, root: Path) -> list[dict]:
    import tracekit
    from tracekit.demo import generate
    from tracekit.resolve.pipeline import resolve
    from tracekit.store.spark import SparkStore

    data = root / f"world-{rows}"
    generate(data, rows=rows, seed=23, progress=False)
    duck = tracekit.Workspace(root / f"duck-{rows}")
    duck.load(str(data / "shipments-*.csv"), progress=False)
    started = time.perf_counter()
    duck_report = resolve(duck.store, progress=False)
    duck_seconds = time.perf_counter() - started
    spark_store = SparkStore(session, root / f"spark-{rows}")
    spark_store.copy_from(duck.store, ["shipments", "party_mentions"])
    started = time.perf_counter()
    spark_report = resolve(spark_store, progress=False)
    spark_seconds = time.perf_counter() - started
    sql = "SELECT mention_id, entity_id FROM mention_entities ORDER BY mention_id"
    same = duck.store.df(sql).equals(spark_store.df(sql))
    load = os.getloadavg()[0]
    common = {"rows": rows, "mentions": duck_report.new_mentions, "entities": duck_report.entities,
              "candidate_pairs": duck_report.candidate_pairs, "load_average": round(load, 1)}
    figures = [
        {"figure": "resolve_seconds", "engine": "spark local[2]", "value": round(spark_seconds, 1),
         "baseline_duckdb": round(duck_seconds, 1), "ratio": round(spark_seconds / duck_seconds, 1),
         "same_mention_entities": same, **common},
        {"figure": "resolve_stage_seconds", "engine": "spark local[2]", "value": spark_report.stage_seconds,
         "baseline_duckdb": duck_report.stage_seconds, **common},
    ]
    spark_store.close()
    duck.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[20000, 100000])
    args = parser.parse_args()
    warnings.simplefilter("ignore", FutureWarning)  # pyspark 4.x on pandas 3
    from tracekit.store.spark import spark_session

    started = time.perf_counter()
    session = spark_session("local[2]", app_name="bench-spark-resolve", shuffle_partitions=4)
    print(json.dumps({"figure": "spark_session_start_seconds", "value": round(time.perf_counter() - started, 1),
                      "load_average": round(os.getloadavg()[0], 1)}), flush=True)
    root = Path(tempfile.mkdtemp(prefix="bench-spark-resolve-"))
    try:
        for rows in args.rows:
            for figure in run(rows, session, root):
                print(json.dumps(figure), flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
        session.stop()


if __name__ == "__main__":
    main()
