"""The graph verbs on Spark local[2] vs DuckDB on the same demo world: paths, communities, neighbourhood.

One JSON line per figure, with DuckDB's time of the same run as the baseline. The world is generated,
loaded and resolved in DuckDB, its tables published to a Spark workspace (``copy_from``, as the tests
do); both engines are warmed once (graph tables, flags and risk built; DuckDB's trade index loaded) so the
figures time the verbs, not the preparation. Each figure also says how much the verb pulled to the
driver on Spark (``rows_pulled``: trade rows in the result's subgraph, or pairs handed to Leiden).
Wall and CPU seconds (Spark: the JVM and its workers plus this process) and the load average are given:
on a 2-core machine shared with other work, read them as pessimistic.

    PYTHONPATH=. .venv/bin/python tests/benchmarks/bench_spark_queries.py --rows 5000
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

from tests.benchmarks.spark_metrics import Phases, bench_session

WORLD_TABLES = ["tk_meta", "sources", "shipments", "party_mentions", "mention_features", "mention_entities",
                "entities"]


def _path_ends(ws) -> tuple[int, int]:
    """A busy shipper and the first company (by id) at its farthest tier within 3 hops downstream."""
    src = int(ws.store.scalar("SELECT src FROM graph_edges GROUP BY src ORDER BY sum(shipments) DESC, src LIMIT 1"))
    tiers = ws.trace(src, "down", 3, max_nodes=None).tiers()
    far = tiers[tiers["tier"] == tiers["tier"].max()]
    return src, int(far["entity_id"].min())


def run(rows: int, session, work: Path) -> list[dict]:
    import tracekit
    from tracekit.demo import generate

    folder = work / "data"
    generate(folder, rows=rows, seed=11, progress=False)
    duck = tracekit.Workspace(work / "duck")
    duck.load(str(folder / "shipments-*.csv"), progress=False)
    duck.resolve(progress=False)
    spark = tracekit.Workspace.spark(session, work / "spark")
    spark.store.copy_from(duck.store, WORLD_TABLES)
    duck.flags()  # warm both: graph tables, flags, risk (and DuckDB's index)
    spark.flags()
    hub = int(duck.store.scalar("SELECT dst FROM graph_edges GROUP BY dst ORDER BY sum(shipments) DESC, dst LIMIT 1"))
    maker, importer = _path_ends(duck)
    verbs = {
        "paths": lambda ws: ws.paths(maker, importer),
        "paths_k3_undirected": lambda ws: ws.paths(maker, importer, k=3, directed=False, max_hops=4),
        "communities": lambda ws: ws.communities(save=False),
        "neighbourhood": lambda ws: ws.neighbourhood(hub, hops=2, limit=20),
    }
    timed = {"duckdb": Phases(), "spark": Phases(session)}
    results: dict[tuple[str, str], object] = {}
    for name, verb in verbs.items():
        for engine, ws in (("duckdb", duck), ("spark", spark)):
            with timed[engine].phase(name):
                results[(engine, name)] = verb(ws)
    figures = []
    for name in verbs:
        s, d = timed["spark"].results[name], timed["duckdb"].results[name]
        same = _same(results[("spark", name)], results[("duckdb", name)])
        pulled = results[("spark", name)].graph.number_of_edges() if name != "communities" \
            else len(results[("spark", name)].membership)
        figures.append({"benchmark": f"spark_query_{name}", "rows": rows,
                        "spark_local2_s": s["wall_s"], "duckdb_s": d["wall_s"],
                        "ratio_spark_over_duckdb": round(s["wall_s"] / max(d["wall_s"], 0.01), 1),
                        "spark_cpu_s": s["cpu_s"], "duckdb_cpu_s": d["cpu_s"],
                        "load_1min_spark": s["load_1min"], "load_1min_duckdb": d["load_1min"],
                        "result_edges_or_members": pulled, "same_answer": same})
    duck.close()
    spark.close()
    return figures


def _same(a, b) -> bool:
    if hasattr(a, "membership"):
        return a.membership.sort_values("entity_id", ignore_index=True).equals(
            b.membership.sort_values("entity_id", ignore_index=True))
    return (a.to_frame().astype(str).equals(b.to_frame().astype(str))
            and dict(a.graph.nodes(data=True)) == dict(b.graph.nodes(data=True)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[5000])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tk-bench-spark-queries-"))
    try:
        session = bench_session("local[2]", "tracekit-bench-queries", work / "events", shuffle_partitions=2)
        for rows in args.rows:
            for figure in run(rows, session, work / str(rows)):
                print(json.dumps(figure), flush=True)
        session.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
