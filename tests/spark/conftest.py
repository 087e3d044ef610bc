"""One Spark session for the whole test run, and one tiny demo world resolved in DuckDB.

Spark's per-job overhead is large on this machine (a local session starts in ~40 s under load), so the
Spark tests share ONE ``local[2]`` session (no UI, 2 shuffle partitions) and a world of ~1,000 rows.
They skip with a reason only when pyspark or Java is absent.

The driver JVMs of the run (this session's and those of CLI subprocesses, which inherit the environment)
are started for short work on tiny data (:data:`TEST_SUBMIT_ARGS`): the client JIT only and the serial
collector (a test JVM lives minutes; C2 compilation and parallel GC threads compete with the tests for
two cores), and adaptive query execution off (it submits each shuffle stage of a query as a job of its
own and re-plans between them: on a thousand rows that is all overhead). Measured on test_traverse
under the same load in parallel runs: the JVM's CPU 94.7 s → 54.6 s. Results do not depend on either.
Two shuffle partitions for those CLI subprocesses too: they build their session with ``spark_session(master)``,
which leaves Spark's default of 200, and with adaptive execution off every shuffle then runs 200 tasks on
``local[1]`` (the CLI trace of test_engine_switch: 45 s → 24 s, the same output).
A ``PYSPARK_SUBMIT_ARGS`` of your own is kept as it is.
"""

from __future__ import annotations

import os
import shutil

import pytest

TEST_SUBMIT_ARGS = ('--driver-java-options "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC" '
                    "--conf spark.sql.adaptive.enabled=false --conf spark.sql.shuffle.partitions=2 pyspark-shell")


def _spark_or_skip():
    try:
        import pyspark  # noqa: F401
    except ImportError:
        pytest.skip("pyspark is not installed: pip install 'tracekit[spark]'")
    if shutil.which("java") is None:
        pytest.skip("no Java on PATH: the Spark engine needs a JDK 17+")
    from tracekit.store.spark import spark_session

    os.environ.setdefault("PYSPARK_SUBMIT_ARGS", TEST_SUBMIT_ARGS)
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
def duck_template(demo_folder):
    """The ~1,000-row demo world loaded and resolved in a DuckDB workspace with its graph tables built,
    CLOSED and never written again: ``(folder, LoadReport)``. Tests copy it (:func:`duck_copy`) instead of
    loading and resolving the world again."""
    import tracekit
    from tracekit.graph.tables import build_graph_tables

    folder = demo_folder.parent / "template"
    with tracekit.Workspace(folder) as ws:
        report = ws.load(str(demo_folder / "shipments-*.csv"), progress=False)
        ws.resolve(progress=False)
        build_graph_tables(ws.store, progress=False)
    return folder, report


def copy_workspace(template, target):
    """A DuckDB workspace folder copied (the closed file, not regenerated); returns ``target``."""
    shutil.copytree(template, target, ignore=shutil.ignore_patterns("tracekit.lock*", "tracekit.holders"))
    return target


@pytest.fixture(scope="session")
def duck_copy(duck_template, tmp_path_factory):
    """``duck_copy()`` → a new open DuckDB Workspace holding the resolved demo world (its own copy, for a
    test or module that writes: decisions, new loads); all closed at the end of the session."""
    import tracekit

    opened = []

    def make():
        ws = tracekit.Workspace(copy_workspace(duck_template[0], tmp_path_factory.mktemp("duck-copy") / "ws"))
        opened.append(ws)
        return ws

    yield make
    for ws in opened:
        ws.close()


@pytest.fixture(scope="session")
def duck_world(demo_folder, duck_template):
    """The resolved demo world (a copy of :func:`duck_template`) open for the whole session, at
    ``<root>/ws`` beside the world's files (``duck_world.path.parent / "data"``)."""
    import tracekit

    ws = tracekit.Workspace(copy_workspace(duck_template[0], demo_folder.parent / "ws"))
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
