"""``ws.load`` on a Spark workspace gives the local load's answers: the same shipments, party mentions,
quarantine (reasons, lines, counts per file) and LoadReport, from the same files.

Every Spark job costs a second or more on this machine, so the demo world (the session's ``duck_world``,
~1,000 rows in three layouts) is loaded on Spark ONCE per module and every comparison reads that load.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import tracekit
from tracekit.errors import SourceError
from tracekit.ingest.fields import MENTION_COLUMNS, field_names

LAYOUTS = Path(__file__).resolve().parents[1] / "ingest" / "layouts"


def _frame(store, sql: str) -> pd.DataFrame:
    """A query's rows, sorted, NULLs as None, dates as text (so both engines compare cell for cell)."""
    frame = store.df(sql)
    frame = frame.astype(object).where(frame.notna(), None)
    frame = frame.map(lambda v: v.isoformat()[:10] if hasattr(v, "isoformat") else v)
    return frame.sort_values(list(frame.columns), key=lambda s: s.astype(str)).reset_index(drop=True)


def _same(duck, spark, sql: str) -> None:
    pd.testing.assert_frame_equal(_frame(spark.store, sql), _frame(duck.store, sql), check_dtype=False)


def _report_facts(report) -> list[dict]:
    """What a LoadReport says per source, minus timings (and minus nothing else)."""
    facts = []
    for s in report.sources:
        data = s.to_json()
        data.pop("seconds")
        facts.append(data)
    return facts


@pytest.fixture(scope="module")
def demo_on_spark(spark, duck_world, tmp_path_factory):
    """(DuckDB workspace, its LoadReport again, Spark workspace, Spark's LoadReport) for the demo world."""
    data = duck_world.path.parent / "data"
    root = tmp_path_factory.mktemp("spark-load")
    duck = tracekit.Workspace(root / "duck")  # a fresh local load, for its report
    duck_report = duck.load(str(data / "shipments-*.csv"), progress=False)
    on_spark = tracekit.Workspace.spark(spark, root / "spark")
    spark_report = on_spark.load(str(data / "shipments-*.csv"), progress=False)
    yield duck, duck_report, on_spark, spark_report
    on_spark.close()
    duck.close()


def test_demo_world_loads_on_spark_with_the_local_answers(demo_on_spark):
    duck, duck_report, on_spark, spark_report = demo_on_spark
    # the same report, source by source: counts, reasons, warnings, mapping, date order, country evidence
    assert _report_facts(spark_report) == _report_facts(duck_report)
    assert spark_report.rows_read == spark_report.rows_loaded + spark_report.rows_quarantined > 900
    assert spark_report.rows_quarantined >= 5, "the demo world plants bad rows: they must bite"
    fields = ", ".join(["shipment_id", "source_id", "line", *field_names()])
    _same(duck, on_spark, f"SELECT {fields} FROM shipments")  # noqa: S608
    _same(duck, on_spark, f"SELECT {', '.join(c.name for c in MENTION_COLUMNS)} FROM party_mentions")  # noqa: S608
    # the same quarantine: each row's file, line, column, reason and detail (per file, so per-file counts too)
    _same(duck, on_spark, 'SELECT source_id, file, line, "column", reason, detail FROM quarantine')
    _same(duck, on_spark, "SELECT source_id, name, content_hash, format, encoding, delimiter, mapping_json, "
                          "raw_table, rows_read, rows_loaded, rows_quarantined FROM sources")
    _same(duck, on_spark, "SELECT * FROM raw_00002")  # ws.source_rows reads it: the file's text, exactly
    assert on_spark.store.scalar("SELECT value FROM tk_meta WHERE key = 'schema_version'") == "2"


def test_tables_are_partitioned_and_a_second_load_adds_nothing(demo_on_spark, duck_world):
    _, _, on_spark, _ = demo_on_spark
    tables = on_spark.path / "spark-tables"
    (version,) = (tables / "shipments").iterdir()
    months = sorted(p.name for p in version.glob("source_id=1/month=*"))
    assert len(months) > 6 and months[0].startswith("month=20"), months
    assert sorted(p.name for p in version.glob("source_id=*")) == ["source_id=1", "source_id=2", "source_id=3"]
    assert "month" not in on_spark.store.columns("shipments"), "the partition column is not a column of the table"
    again = on_spark.load(str(duck_world.path.parent / "data" / "shipments-*.csv"), progress=False)
    assert [s.status for s in again.sources] == ["skipped"] * 3 and again.rows_loaded == 0
    assert on_spark.store.count("sources") == 3


def test_load_resolve_and_trace_on_spark_equal_duckdb(demo_on_spark, duck_world, spark_graph_store):
    """The Done-when line: loaded, resolved and traced entirely on Spark, the demo world gives DuckDB's answers."""
    from tracekit.graph.spark_traverse import trace
    from tracekit.graph.tables import build_graph_tables
    from tracekit.resolve.pipeline import resolve

    _, _, on_spark, _ = demo_on_spark
    resolve(on_spark.store, progress=False)
    _same(duck_world, on_spark, "SELECT mention_id, entity_id FROM mention_entities")
    _same(duck_world, on_spark, "SELECT entity_id, name, country, mention_count, shipment_count FROM entities")
    build_graph_tables(on_spark.store, progress=False)
    _same(duck_world, on_spark, "SELECT * FROM graph_edges")
    seed = duck_world.store.scalar("SELECT src FROM graph_edges GROUP BY src ORDER BY count(*) DESC, src LIMIT 1")
    ours = trace(on_spark.store, [seed], direction="down", hops=3)
    theirs = trace(spark_graph_store, [seed], direction="down", hops=3)  # DuckDB's graph tables, copied
    assert ours.tiers == theirs.tiers and len(ours.tiers) > 1


@pytest.fixture(scope="module")
def layouts(tmp_path_factory):
    """Three messy layout fixtures (a US reseller export, a Mexican pedimento with ';', Chinese-language
    export declarations) and one hand-made file of reader problems, copied into one folder."""
    folder = tmp_path_factory.mktemp("spark-layouts")
    for name in ("reseller_panjiva_us_import", "mx_pedimento", "cn_export_declaration_zh"):
        shutil.copy(LAYOUTS / name / "data.csv", folder / f"{name}.csv")
    (folder / "zz_reader_problems.csv").write_bytes(
        b"Shipper,Consignee,HS Code,Date\n"
        b"ACME CO,QUIMICA SA,2933.39,2024-03-05\n"
        b"TOO,MANY,FIELDS,2024-03-05,EXTRA\n"
        b"\n"
        b"\"MULTI\nLINE CO\",BETA SA,2933.39,2024-03-06\n"
        b"BAD \xff BYTES,GAMMA,2933.39,2024-03-07\n"
        b"FEW,FIELDS\n"
        b"DELTA LTD,,29XX,2024-13-45\n"
        b"OMEGA LTD,SIGMA SA,293339,2024-03-08\n")
    return folder


def test_messy_layouts_map_and_quarantine_as_locally(spark, layouts, tmp_path):
    duck = tracekit.Workspace(tmp_path / "duck")
    on_spark = tracekit.Workspace.spark(spark, tmp_path / "spark")
    try:
        want = duck.load(str(layouts / "*.csv"), progress=False)
        got = on_spark.load(str(layouts / "*.csv"), progress=False)
        assert [s.mapping.to_json() for s in got.sources] == [s.mapping.to_json() for s in want.sources]
        assert _report_facts(got) == _report_facts(want)
        assert got.sources[-1].quarantine_reasons.keys() >= {"ragged_line", "bad_encoding", "bad_date"}
        _same(duck, on_spark, 'SELECT source_id, file, line, "column", reason FROM quarantine')
        _same(duck, on_spark, f"SELECT {', '.join(['shipment_id', *field_names()])} FROM shipments")  # noqa: S608
        _same(duck, on_spark, "SELECT mention_id, name, address, country, country_source, locality FROM party_mentions")
    finally:
        on_spark.close()
        duck.close()


def test_paths_with_a_scheme_go_to_spark_unchanged_and_bad_files_are_named(spark, layouts, tmp_path):
    on_spark = tracekit.Workspace.spark(spark, tmp_path / "spark")
    try:
        uri = (layouts / "mx_pedimento.csv").as_uri()  # file:///…: listed and sampled through Hadoop
        report = on_spark.load(uri, progress=False)
        (source,) = report.sources
        assert source.name.startswith("file:") and source.name.endswith("mx_pedimento.csv")
        assert source.rows_read == source.rows_loaded + source.rows_quarantined > 0
        with pytest.raises(SourceError, match="no file matches"):
            on_spark.load(f"{layouts.as_uri()}/nothing-*.csv", progress=False)
        utf16 = tmp_path / "wide.csv"
        utf16.write_text("Shipper,Consignee\nACME,BETA\n", encoding="utf-16")
        with pytest.raises(SourceError, match=r"wide\.csv.*utf-16"):
            on_spark.load(str(utf16), progress=False)
    finally:
        on_spark.close()
