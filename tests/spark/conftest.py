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
def demo_folder(tmp_path_factory):
    """The ~1,000-row demo world's files (CSV, truth.json, truth-mentions.parquet)."""
    from tracekit.demo import generate

    root = tmp_path_factory.mktemp("spark-world")
    generate(root / "data", rows=1000, seed=11, progress=False)
    return root / "data"


@pytest.fixture(scope="session")
def duck_world(demo_folder):
    """A ~1,000-row demo world loaded and resolved in a DuckDB workspace, with its graph tables built."""
    import tracekit
    from tracekit.graph.tables import build_graph_tables

    root = demo_folder.parent
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


WORLD_TABLES = ["tk_meta", "sources", "shipments", "party_mentions", "mention_features", "mention_entities",
                "entities"]
"""What a loaded and resolved workspace holds; everything derived (graph tables, flags, risk) the Spark
workspace builds itself, through its own verbs."""


@pytest.fixture(scope="session")
def spark_world(spark, duck_world, tmp_path_factory):
    """The DuckDB world's loaded and resolved tables published to a Spark workspace (a Workspace)."""
    import tracekit

    ws = tracekit.Workspace.spark(spark, tmp_path_factory.mktemp("spark-engine") / "ws")
    ws.store.copy_from(duck_world.store, WORLD_TABLES)
    yield ws
    ws.close()


@pytest.fixture(scope="session", params=["duckdb", "spark"])
def engine(request):
    """Each engine-parametrised test runs once per engine."""
    return request.param


@pytest.fixture(scope="session")
def world(engine, request):
    """The demo world's workspace on ``engine``: the same loaded and resolved data on both."""
    return request.getfixturevalue("duck_world" if engine == "duckdb" else "spark_world")
