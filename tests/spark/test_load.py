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
from tracekit.store.schema import SCHEMA_VERSION

LAYOUTS = Path(__file__).resolve().parents[1] / "ingest" / "layouts"

# A Spark load costs ~20 jobs per file; on this shared 2-core machine (load average 20+) the demo world's
# fixture alone has taken 8-10 minutes, past the suite's 600 s default.
pytestmark = pytest.mark.timeout(1800)


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
    # raw_table aside: a plain UTF-8 file loaded locally in one pass keeps no raw table (NULL; its rows are
    # read back from the file through source_files), Spark keeps one per source
    _same(duck, on_spark, "SELECT source_id, name, content_hash, format, encoding, delimiter, mapping_json, "
                          "rows_read, rows_loaded, rows_quarantined FROM sources")
    _same(duck, on_spark, "SELECT * FROM raw_00002")  # ws.source_rows reads it: the file's text, exactly
    assert on_spark.store.scalar("SELECT value FROM tk_meta WHERE key = 'schema_version'") == str(SCHEMA_VERSION)


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


LAYOUT_NAMES = sorted(p.name for p in LAYOUTS.iterdir() if (p / "expected.json").exists())


def test_every_layout_fixture_gets_the_local_mapping_on_spark(spark):
    """The mapping is decided on the driver by the local load's own functions: every messy layout fixture
    (reseller exports, pedimentos, Chinese declarations, held-out layouts) maps exactly as locally."""
    from tracekit.ingest.sources import expand_sources
    from tracekit.store.engine import Store
    from tracekit.store.load import _prepare as local_prepare
    from tracekit.store.spark_load import _prepare as spark_prepare
    from tracekit.store.spark_load_read import spark_sources

    with Store(None) as scratch:
        for name in LAYOUT_NAMES:
            path = LAYOUTS / name / "data.csv"
            want = local_prepare(scratch, expand_sources(str(path))[0], "auto", None, None)
            for item in spark_sources(spark, [str(path), path.as_uri()]):  # in place, and through Hadoop
                got = spark_prepare(spark, item, "auto", None, None)
                assert got.mapping.to_json() == want.mapping.to_json(), (name, item.uri)
                assert (got.layout.encoding, got.layout.delimiter) == (want.layout.encoding, want.layout.delimiter)


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    """A messy layout fixture (a Mexican pedimento, ';'-delimited), a hand-made file of reader problems, and
    a Parquet file of text columns, in one folder."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = tmp_path_factory.mktemp("spark-messy")
    shutil.copy(LAYOUTS / "mx_pedimento" / "data.csv", folder / "a_mx_pedimento.csv")
    (folder / "b_reader_problems.csv").write_bytes(
        b"Shipper,Consignee,HS Code,Date\n"
        b"ACME CO,QUIMICA SA,2933.39,2024-03-05\n"
        b"TOO,MANY,FIELDS,2024-03-05,EXTRA\n"
        b"\n"
        b"\"MULTI\nLINE CO\",BETA SA,2933.39,2024-03-06\n"
        b"BAD \xff BYTES,GAMMA,2933.39,2024-03-07\n"
        b"FEW,FIELDS\n"
        b"DELTA LTD,,29XX,2024-13-45\n"
        b"OMEGA LTD,SIGMA SA,293339,2024-03-08\n")
    pq.write_table(pa.table({"shipper": ["ACME CO", None, "OMEGA LTD"], "consignee": ["QUIMICA SA", None, "BETA"],
                             "hs_code": ["293339", "2933", "29XX"], "date": ["2024-03-05", "2024-03-06", "5/3/2024"]}),
                   folder / "c_text.parquet")
    return folder


def test_messy_files_load_and_quarantine_as_locally(spark, messy, tmp_path):
    duck = tracekit.Workspace(tmp_path / "duck")
    on_spark = tracekit.Workspace.spark(spark, tmp_path / "spark")
    try:
        want = duck.load(str(messy / "*"), progress=False)
        got = on_spark.load(str(messy / "*"), progress=False)
        assert _report_facts(got) == _report_facts(want)
        assert got.sources[1].quarantine_reasons.keys() >= {"ragged_line", "bad_date"}
        assert got.sources[2].format == "parquet" and got.sources[2].rows_quarantined >= 1
        _same(duck, on_spark, 'SELECT source_id, file, line, "column", reason, raw_text FROM quarantine')
        _same(duck, on_spark, f"SELECT {', '.join(['shipment_id', *field_names()])} FROM shipments")  # noqa: S608
        _same(duck, on_spark, "SELECT mention_id, name, address, country, country_source, locality FROM party_mentions")
        # the same file named by a file:// URI is recognised (same bytes) and skipped, as locally
        (again,) = on_spark.load((messy / "a_mx_pedimento.csv").as_uri(), progress=False).sources
        assert again.status == "skipped" and again.source_id == 1
    finally:
        on_spark.close()
        duck.close()


def test_bad_files_fail_with_the_local_error_naming_the_file(spark, messy, tmp_path):
    from tracekit.errors import MappingError

    duck = tracekit.Workspace(tmp_path / "duck")
    on_spark = tracekit.Workspace.spark(spark, tmp_path / "spark")
    try:
        no_party = tmp_path / "no_party.csv"
        no_party.write_text("HS Code,Weight\n293339,12\n")
        errors = []
        for ws in (duck, on_spark):
            with pytest.raises(MappingError) as caught:
                ws.load(str(no_party), progress=False)
            errors.append(str(caught.value))
        assert errors[0] == errors[1] and "no_party.csv" in errors[0]
        with pytest.raises(SourceError, match="no file matches"):
            on_spark.load(f"{messy.as_uri()}/nothing-*.csv", progress=False)
        wide = tmp_path / "wide.csv"
        wide.write_text("Shipper,Consignee\nACME,BETA\n", encoding="utf-16")
        with pytest.raises(SourceError, match=r"wide\.csv.*utf-16"):
            on_spark.load(str(wide), progress=False)
        assert on_spark.store.count("sources") == 0 and on_spark.store.count("shipments") == 0
    finally:
        on_spark.close()
        duck.close()


def test_a_changed_file_stops_the_load_and_replace_swaps_its_rows(spark, tmp_path):
    """The local load's version rules on Spark: a changed file stops the load until on_change says what to
    do; "replace" removes the old source's shipments, mentions and quarantine before loading the new."""
    from tracekit.store.versions import SourceChanged

    path = tmp_path / "bills.csv"
    path.write_text("Shipper,Consignee,HS Code\nACME CO,QUIMICA SA,293339\nBETA LTD,,29XX\n")
    on_spark = tracekit.Workspace.spark(spark, tmp_path / "spark")
    try:
        first = on_spark.load(str(path), progress=False)
        assert (first.rows_loaded, first.quarantine_reasons) == (1, {"bad_hs_code": 1})
        path.write_text("Shipper,Consignee,HS Code\nACME CO,QUIMICA SA,293339\nGAMMA SA,DELTA SA,292142\n")
        with pytest.raises(SourceChanged):
            on_spark.load(str(path), progress=False)
        (swapped,) = on_spark.load(str(path), on_change="replace", progress=False).sources
        assert swapped.status == "replaced" and swapped.source_id == 2
        assert on_spark.store.rows("SELECT source_id, count(*) FROM shipments GROUP BY 1") == [(2, 2)]
        assert on_spark.store.count("quarantine") == 0 and on_spark.store.count("sources") == 1
        assert on_spark.store.rows("SELECT DISTINCT source_id FROM party_mentions") == [(2,)]
    finally:
        on_spark.close()
