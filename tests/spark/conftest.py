"""One Spark session for the whole test run, and one tiny demo world resolved in DuckDB.

Spark's per-job overhead is large on this machine (a local session starts in ~40 s under load), so the
Spark tests share ONE ``local[2]`` session (no UI, 2 shuffle partitions) and a world of ~1,000 rows.
They skip with a reason only when pyspark or Java is absent.
"""

from __future__ import annotations

import shutil

import pytest


def _spark_or_skip():
    try:
        import pyspark  # noqa: F401
    except ImportError:
        pytest.skip("pyspark is not installed: pip install 'tracekit[spark]'")
    if shutil.which("java") is None:
        pytest.skip("no Java on PATH: the Spark engine needs a JDK 17+")
    from tracekit.store.spark import spark_session

    return spark_session("local[2]", app_name="tracekit-tests", shuffle_partitions=2)


@pytest.fixture(scope="session")
def spark():
    """The one SparkSession of the test run (stopped at the end)."""
    session = _spark_or_skip()
    yield session
    session.stop()


@pytest.fixture(scope="session")
def duck_world(tmp_path_factory):
    """A ~1,000-row demo world loaded and resolved in a DuckDB workspace, with its graph tables built."""
    import tracekit
    from tracekit.demo import generate
    from tracekit.graph.tables import build_graph_tables

    root = tmp_path_factory.mktemp("spark-world")
    generate(root / "data", rows=1000, seed=11, progress=False)
    ws = tracekit.Workspace(root / "ws")
    ws.load(str(root / "data" / "shipments-*.csv"), progress=False)
    ws.resolve(progress=False)
    build_graph_tables(ws.store, progress=False)
    yield ws
    ws.close()


BASE_TABLES = ["shipments", "mention_entities", "mention_features", "entities"]


@pytest.fixture(scope="session")
def spark_graph_store(spark, duck_world, tmp_path_factory):
    """A Spark workspace holding the DuckDB world's graph tables (for the traversal tests)."""
    from tracekit.store.spark import SparkStore

    store = SparkStore(spark, tmp_path_factory.mktemp("spark-graph") / "ws")
    store.copy_from(duck_world.store, ["graph_trade", "graph_edges", "entities"])
    yield store
    store.close()
