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
    """Of the 20 busiest shippers, the one whose buyers sell on farthest (within 3 tiers; ties to the
    busier), and the first company (by id) at that farthest tier: the longest question the world asks."""
    shippers = ws.store.df("SELECT src FROM graph_edges GROUP BY src ORDER BY sum(shipments) DESC, src LIMIT 20")
    best = None
    for src in shippers["src"].astype(int):
        tiers = ws.trace(src, "down", 3, max_nodes=None).tiers()
        depth = int(tiers["tier"].max())
        if best is None or depth > best[0]:
            best = (depth, src, int(tiers.loc[tiers["tier"] == depth, "entity_id"].min()))
    return best[1], best[2]


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
        "communities_largest_component": lambda ws: ws.communities(components=1, save=False),
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
        pulled = results[("spark", name)].graph.number_of_edges() if not name.startswith("communities") \
            else len(results[("spark", name)].membership)
        figures.append({"benchmark": f"spark_query_{name}", "rows": rows,
                        "spark_local2_s": s["wall_s"], "duckdb_s": d["wall_s"],
                        "ratio_spark_over_duckdb": round(s["wall_s"] / max(d["wall_s"], 0.01), 1),
                        "spark_cpu_s": s["cpu_s"], "duckdb_cpu_s": d["cpu_s"],
                        "load_1min_spark": s["load_1min"], "load_1min_duckdb": d["load_1min"],
                        "result_edges_or_members": pulled, "same_answer": same,
                        **(_agreement(results[("spark", name)], results[("duckdb", name)])
                           if name.startswith("communities") else {})})
    duck.close()
    spark.close()
    return figures


def _same(a, b) -> bool:
    """The same result: frames equal (floats to pandas' default tolerance: kg and USD are summed in each
    engine's order) and the same nodes with their attributes."""
    import pandas as pd

    if hasattr(a, "membership"):
        return a.membership.sort_values("entity_id", ignore_index=True).equals(
            b.membership.sort_values("entity_id", ignore_index=True))
    try:
        pd.testing.assert_frame_equal(a.to_frame(), b.to_frame())
    except AssertionError:
        return False
    return dict(a.graph.nodes(data=True)) == dict(b.graph.nodes(data=True))


def _agreement(spark, duck) -> dict:
    """How far two community memberships of the same companies are apart: normalised mutual information
    and each one's modularity on the whole filtered graph (the objective both maximise)."""
    import igraph as ig

    merged = spark.membership.merge(duck.membership, on="entity_id", suffixes=("_spark", "_duckdb"))
    edges = duck.workspace.store.df(
        "SELECT least(src, dst) AS u, greatest(src, dst) AS v, sum(shipments) AS w FROM graph_edges "
        "WHERE src IS NOT NULL AND dst IS NOT NULL AND src <> dst GROUP BY 1, 2")
    position = {int(e): i for i, e in enumerate(merged["entity_id"])}
    inside = [(position[int(u)], position[int(v)], float(w)) for u, v, w in zip(edges["u"], edges["v"], edges["w"],
                                                                              strict=True)
              if int(u) in position and int(v) in position]  # components=N: the pulled components only
    graph = ig.Graph(n=len(position), edges=[(u, v) for u, v, _w in inside])
    weights = [w for _u, _v, w in inside]
    spark_labels, duck_labels = merged["community_spark"].tolist(), merged["community_duckdb"].tolist()
    return {"companies": len(merged), "nmi": round(ig.compare_communities(spark_labels, duck_labels, method="nmi"), 4),
            "modularity_spark": round(graph.modularity(spark_labels, weights=weights), 4),
            "modularity_duckdb": round(graph.modularity(duck_labels, weights=weights), 4),
            "communities_spark": int(spark.membership["community"].nunique()),
            "communities_duckdb": int(duck.membership["community"].nunique())}


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
