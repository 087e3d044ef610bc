"""Resolution on Spark: the same resolver, through the store seam, gives DuckDB's answers.

One ~1,000-row demo world is loaded in DuckDB, its ``shipments`` and ``party_mentions`` are published to
a Spark workspace, and :func:`tracekit.resolve.pipeline.resolve` runs on both. Every Spark job costs a
second or more here, so the module resolves once per engine and applies one decision of each kind once.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tracekit.resolve.pipeline import resolve
from tracekit.store.spark_twins import expand_star_except


def _frame(store, sql: str) -> pd.DataFrame:
    """A query's rows, sorted, with NULLs as None (Spark returns an all-NULL text column as NaN)."""
    frame = store.df(sql)
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


@pytest.fixture(scope="module")
def engines(spark, duck_copy, tmp_path_factory):
    """(DuckDB workspace, Spark workspace), both resolved from the same loaded mentions."""
    import tracekit

    root = tmp_path_factory.mktemp("spark-resolve")
    duck = duck_copy()  # the session's resolved world, its own copy: decisions below must not touch duck_world
    on_spark = tracekit.Workspace.spark(spark, root / "spark")
    on_spark.store.copy_from(duck.store, ["shipments", "party_mentions"])
    report = resolve(on_spark.store, progress=False)
    yield duck, on_spark, report
    on_spark.close()


def test_resolve_on_spark_gives_duckdb_entities(engines):
    duck, on_spark, report = engines
    assert report.full and report.entities == duck.store.count("entities") > 100
    for sql in ("SELECT mention_id, entity_id FROM mention_entities",
                "SELECT entity_id, name, country, mention_count, shipment_count, profile_count, countries "
                "FROM entities",
                "SELECT * FROM mention_features",
                "SELECT profile_id, profile_key, entity_id, anchor_key, display_name FROM resolve_profiles",
                "SELECT a, b, rule, round(score, 4) AS score FROM resolve_edges"):
        pd.testing.assert_frame_equal(_frame(on_spark.store, sql), _frame(duck.store, sql))
    # scratch tables are Spark temp views, never Parquet versions in the workspace
    assert not (on_spark.path / "spark-tables" / "tk_res_all").exists()
    assert on_spark.store.table_exists("tk_res_all")


def test_decisions_apply_the_same_way_on_spark(engines):
    duck, on_spark, _ = engines
    # an entity of two or more name profiles: split one profile out of it, on both engines
    entity, mention = duck.store.rows("""
        SELECT p.entity_id, min(f.mention_id) FROM resolve_profiles p JOIN mention_features f USING (profile_id)
        WHERE p.profile_key <> p.anchor_key GROUP BY p.entity_id, p.profile_id ORDER BY 1, 2 LIMIT 1""")[0]
    before = duck.store.count("entities")
    for ws in (duck, on_spark):
        ws.split(entity, mention, reason="test: different company")
    assert duck.store.count("entities") == before + 1
    sql = "SELECT mention_id, entity_id FROM mention_entities"
    pd.testing.assert_frame_equal(_frame(on_spark.store, sql), _frame(duck.store, sql))


def test_star_exclude_is_expanded_from_the_table(engines):
    import sqlglot

    _, on_spark, _ = engines
    tree = sqlglot.parse_one("SELECT * EXCLUDE (entity_id, anchor_key) FROM resolve_profiles", read="duckdb")
    columns = [c.name for c in expand_star_except(on_spark.store, tree).expressions]
    assert "entity_id" not in columns and "anchor_key" not in columns and "profile_key" in columns
    assert len(columns) == len(on_spark.store.columns("resolve_profiles")) - 2
