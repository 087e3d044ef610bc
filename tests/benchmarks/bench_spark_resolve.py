"""Resolution on Spark local[2] vs DuckDB: the same resolver, same mentions, both engines in one run.

On Spark, ``resolve()`` normalises mentions, computes blocking keys and candidate pairs, every pair's
comparison levels, the EM pattern counts and the scores on the executors (``resolve/spark_resolve.py``,
``resolve/spark_score.py``); the driver holds the profiles, fits EM on the pattern counts and clusters
the pairs inside strong-pair components. Two kinds of world:

- ``--rows``: the demo world (shipments CSVs loaded into DuckDB, then ``copy_from`` to Spark, not timed);
- ``--mentions``: bench_resolve_scale's world of many companies (10 mentions each, heavy-tailed), written
  straight into ``party_mentions``: many more candidate pairs per mention, so scoring weighs.

One JSON line per figure: wall and CPU seconds (DuckDB: this process; Spark: the JVM, its Python workers
and this process), the 1-minute load average, the resolver's stage times on each engine, and whether both
engines gave the same ``mention_entities``.

    PYTHONPATH=. .venv/bin/python tests/benchmarks/bench_spark_resolve.py --rows 20000 --mentions 30000

On a 2-core machine shared with other work, Spark's fixed cost per job (a second or more under load)
times the resolver's ~60 statements dominates at these sizes: DuckDB is expected to win by far.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import warnings
from pathlib import Path

from tests.benchmarks.spark_metrics import Phases, bench_session


def _demo_workspace(rows: int, root: Path):
    import tracekit
    from tracekit.demo import generate

    data = root / f"world-{rows}"
    generate(data, rows=rows, seed=23, progress=False)
    duck = tracekit.Workspace(root / f"duck-{rows}")
    duck.load(str(data / "shipments-*.csv"), progress=False)
    return duck


def _scale_workspace(mentions: int):
    from tests.benchmarks.bench_resolve_scale import workspace_with, world_mentions

    return workspace_with(world_mentions(mentions))


def run(label: str, duck, session, root: Path) -> list[dict]:
    from tracekit.resolve.pipeline import resolve
    from tracekit.store.spark import SparkStore

    duck_phases, spark_phases = Phases(), Phases(session)
    with duck_phases.phase("resolve"):
        duck_report = resolve(duck.store, progress=False)
    spark_store = SparkStore(session, root / f"spark-{label}")
    spark_store.copy_from(duck.store, ["shipments", "party_mentions"])
    with spark_phases.phase(f"{label}:resolve"):
        spark_report = resolve(spark_store, progress=False)
    sql = "SELECT mention_id, entity_id FROM mention_entities ORDER BY mention_id"
    same = duck.store.df(sql).equals(spark_store.df(sql))
    d, s = duck_phases.results["resolve"], spark_phases.results[f"{label}:resolve"]
    common = {"world": label, "mentions": duck_report.new_mentions, "profiles": duck_report.profiles,
              "candidate_pairs": duck_report.candidate_pairs, "entities": duck_report.entities}
    figures = [
        {"figure": "resolve_seconds", "engine": "spark local[2]", "value": s["wall_s"],
         "baseline_duckdb": d["wall_s"], "ratio": round(s["wall_s"] / d["wall_s"], 1),
         "spark_cpu_s": s["cpu_s"], "duckdb_cpu_s": d["cpu_s"], "load_1min_spark": s["load_1min"],
         "load_1min_duckdb": d["load_1min"], "same_mention_entities": same, **common},
        {"figure": "resolve_stage_seconds", "engine": "spark local[2]", "value": spark_report.stage_seconds,
         "baseline_duckdb": duck_report.stage_seconds, **common},
    ]
    spark_store.close()
    duck.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[20000])
    parser.add_argument("--mentions", type=int, nargs="*", default=[])
    parser.add_argument("--driver-memory", default="3g")
    args = parser.parse_args()
    warnings.simplefilter("ignore", FutureWarning)  # pyspark 4.x on pandas 3
    root = Path(tempfile.mkdtemp(prefix="bench-spark-resolve-"))
    start = Phases()
    with start.phase("session"):
        session = bench_session("local[2]", "bench-spark-resolve", root / "events",
                                driver_memory=args.driver_memory, shuffle_partitions=4)
    print(json.dumps({"figure": "spark_session_start_seconds", "value": start.results["session"]["wall_s"],
                      "load_1min": start.results["session"]["load_1min"]}), flush=True)
    try:
        worlds = [(f"demo-{r}", lambda r=r: _demo_workspace(r, root)) for r in args.rows]
        worlds += [(f"scale-{m}", lambda m=m: _scale_workspace(m)) for m in args.mentions]
        for label, make in worlds:
            for figure in run(label, make(), session, root):
                print(json.dumps(figure), flush=True)
    finally:
        session.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
