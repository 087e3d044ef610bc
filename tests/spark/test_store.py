"""The Spark store seam: DuckDB SQL transpiled, Spark twins for DuckDB-only statements, Parquet tables."""

from __future__ import annotations

import pandas as pd
import pytest

from tracekit.errors import WorkspaceError
from tracekit.store.spark import TABLES_FOLDER, EngineUnsupported, SparkStore, to_spark_sql


@pytest.mark.parametrize(("duckdb_sql", "spark_sql"), [
    ("SELECT sum(x)::HUGEINT FROM t", "SELECT CAST(SUM(x) AS DECIMAL(38, 0)) FROM t"),
    ("SELECT table_name FROM duckdb_tables()", "SELECT table_name FROM tk_catalog_tables"),
    ("SELECT count(*) FILTER (WHERE a IS NULL) FROM t", "SELECT COUNT(*) FILTER(WHERE a IS NULL) FROM t"),
    ("SELECT x::VARCHAR FROM t", "SELECT CAST(x AS STRING) FROM t"),
])
def test_duckdb_sql_is_transpiled_with_spark_twins(duckdb_sql, spark_sql):
    assert to_spark_sql(duckdb_sql) == spark_sql


@pytest.fixture
def store(spark, tmp_path):
    with SparkStore(spark, tmp_path / "ws") as s:
        yield s


def test_ddl_and_dml_become_parquet_versions(store, tmp_path):
    before = store.generation
    store.execute("CREATE TABLE kv (key VARCHAR, value BIGINT)")
    assert store.table_exists("kv") and store.columns("kv") == ["key", "value"]
    store.execute("INSERT INTO kv VALUES ('a', 1), ('b', 2), ('c', NULL)")
    store.execute("INSERT OR REPLACE INTO kv VALUES ('b', 20)")
    store.execute("DELETE FROM kv WHERE key = ?", ["a"])
    frame = store.df("SELECT key, value FROM kv ORDER BY key")
    assert frame["key"].tolist() == ["b", "c"]
    # an integer column with a NULL stays an exact nullable integer, as DuckDB's .df() gives it
    assert str(frame["value"].dtype) == "Int64" and frame["value"].iloc[0] == 20 and pd.isna(frame["value"].iloc[1])
    assert store.count("kv") == 2
    assert store.generation == before + 4  # one new version per statement that wrote
    assert store.scalar("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'kv'") == 1
    versions = list((tmp_path / "ws" / TABLES_FOLDER / "kv").iterdir())
    assert len(versions) == 1, "superseded versions are removed once the new one is complete"
    with pytest.raises(EngineUnsupported, match="UPDATE"):
        store.execute("UPDATE kv SET value = 3")
    store.execute("CREATE OR REPLACE TABLE kv AS SELECT key, value * 2 AS value FROM kv")  # reads itself
    assert store.rows("SELECT value FROM kv WHERE key = 'b'") == [(40,)]
    store.execute("DROP TABLE kv")
    assert not store.table_exists("kv")
    with pytest.raises(WorkspaceError, match="no table"):
        store.execute("DROP TABLE kv")
    store.execute("DROP TABLE IF EXISTS kv")


def test_reopen_sees_complete_versions_only_and_read_only_refuses_writes(spark, tmp_path):
    folder = tmp_path / "ws"
    with SparkStore(spark, folder) as first:
        first.execute("CREATE TABLE t AS SELECT 1 AS x")
    interrupted = folder / TABLES_FOLDER / "t" / "v99999999999999999999"
    interrupted.mkdir()  # a later version that never got its ready marker: an interrupted write
    with SparkStore(spark, folder, read_only=True) as again:
        assert again.rows("SELECT x FROM t") == [(1,)]
        assert interrupted.exists(), "a read-only open deletes nothing"
        with pytest.raises(WorkspaceError, match="read-only"):
            again.execute("CREATE OR REPLACE TABLE t AS SELECT 2 AS x")
        with pytest.raises(WorkspaceError, match="read-only"), again.writing("resolve"):
            pass
        with again.reading("trace") as reader:  # the DuckDB store's lock blocks exist; reads never wait
            assert reader.table_exists("t")
    with SparkStore(spark, folder) as writer:  # a read-write open removes the interrupted write
        assert not interrupted.exists() and writer.rows("SELECT x FROM t") == [(1,)]
    with pytest.raises(WorkspaceError, match="not a tracekit Spark workspace"):
        SparkStore(spark, tmp_path / "absent", read_only=True)


def test_registered_frames_are_visible_only_inside_the_block(store):
    ids = pd.DataFrame({"entity_id": pd.array([2**62 + 1, 5], dtype="Int64")})
    with store.registered("picked", ids) as name:
        assert store.table_exists(name)
        assert store.rows(f"SELECT max(entity_id) FROM {name}") == [(2**62 + 1,)]  # noqa: S608  # exact beyond 2^53
    assert not store.table_exists("picked")


def test_graph_tables_built_on_spark_equal_duckdb(spark, duck_world, tmp_path):
    """The graph room's DuckDB SQL, transpiled, gives the same graph_edges and the same TradeIndex."""
    import numpy as np

    from tracekit.graph.index import load_index
    from tracekit.graph.tables import build_graph_tables

    duck = duck_world.store
    with SparkStore(spark, tmp_path / "ws") as store:
        store.copy_from(duck, ["shipments", "mention_entities", "mention_features", "entities"])
        build_graph_tables(store, progress=False)
        query = "SELECT * FROM graph_edges ORDER BY src, dst, hs6"
        ours, theirs = store.df(query), duck.df(query)
        assert len(theirs) > 50
        pd.testing.assert_frame_equal(ours, theirs, check_dtype=False)
        spark_index, duck_index = load_index(store, progress=False), load_index(duck, progress=False)
        assert np.array_equal(spark_index.node_ids, duck_index.node_ids)
        a, b = spark_index.edges, duck_index.edges
        for name in ("shipments", "first", "last"):
            assert sorted(zip(a.src, a.dst, getattr(a, name), strict=True)) == \
                sorted(zip(b.src, b.dst, getattr(b, name), strict=True))


def test_workspace_on_spark_keeps_the_schema_version(spark, tmp_path):
    import tracekit
    from tracekit.store.schema import SCHEMA_VERSION

    folder = tmp_path / "ws"
    ws = tracekit.Workspace.spark(spark, folder)
    assert ws.store.engine == "spark" and ws.schema_version == SCHEMA_VERSION
    assert {"tk_meta", "sources", "shipments", "party_mentions", "quarantine"} <= set(ws.store.table_names())
    ws.close()
    again = tracekit.Workspace.spark(spark, folder, read_only=True)  # the stamp is read back, not re-made
    assert again.store.rows("SELECT key, value FROM tk_meta") == [("schema_version", str(SCHEMA_VERSION))]
    again.close()
