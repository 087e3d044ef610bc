"""Spark workspaces sharing one SparkSession, and readers sharing a workspace with a writer.

- Two workspaces open on ONE session each see only their own tables (each store works in a session of its
  own on the shared SparkContext: ``store.session``).
- A read-only open never deletes a table version; a writer deletes a superseded version only once no open
  store reads it (leases under ``spark-tables/_readers/``, :mod:`tracekit.store.spark_versions`).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time

import pytest

import tracekit
from tracekit.store.spark import TABLES_FOLDER, SparkStore
from tracekit.store.spark_versions import LEASES, REMOTE_LEASE_SECONDS


def _versions(folder, table: str) -> list[str]:
    return sorted(p.name for p in (folder / TABLES_FOLDER / table).iterdir() if p.is_dir())


def test_two_workspaces_on_one_session_answer_their_own_queries(spark, spark_world, duck_world, tmp_path):
    """The demo world (published to Spark) and a two-row load share the session: neither shadows the other,
    opening, loading and closing the second changes nothing the first answers."""
    demo_shipments = duck_world.store.count("shipments")
    demo_entities = duck_world.store.count("entities")
    bills = tmp_path / "bills.csv"
    bills.write_text("Shipper,Consignee,HS Code\nACME CO,QUIMICA SA,293339\nGAMMA SA,DELTA SA,292142\n")
    other = tracekit.Workspace.spark(spark, tmp_path / "other")
    try:
        assert other.store.session is not spark_world.store.session
        assert other.store.session.sparkContext is spark.sparkContext, "one SparkContext, one set of executors"
        assert other.store.count("shipments") == 0 and not other.store.table_exists("entities")
        assert spark_world.store.count("shipments") == demo_shipments
        other.load(str(bills), progress=False)
        assert other.store.rows("SELECT count(*), min(source_id) FROM shipments") == [(2, 1)]
        assert spark_world.store.count("shipments") == demo_shipments
        assert spark_world.store.scalar("SELECT count(*) FROM entities") == demo_entities
        assert other.store.scalar("SELECT count(*) FROM sources") == 1
    finally:
        other.close()
    assert spark_world.store.count("shipments") == demo_shipments  # closing one leaves the other intact
    assert not spark.catalog.tableExists("shipments"), "the user's own session holds no workspace view"


def test_a_reader_keeps_the_versions_it_reads_until_it_closes(spark, tmp_path):
    folder = tmp_path / "ws"
    writer = SparkStore(spark, folder)
    try:
        writer.execute("CREATE TABLE t AS SELECT 1 AS x")
        (first,) = _versions(folder, "t")
        with SparkStore(spark, folder, read_only=True) as reader:
            writer.execute("CREATE OR REPLACE TABLE t AS SELECT 2 AS x")
            writer.execute("CREATE OR REPLACE TABLE t AS SELECT 3 AS x")
            # the reader's version stays (and reads as it did); the writer's own superseded one is gone
            assert len(_versions(folder, "t")) == 2 and first in _versions(folder, "t")
            assert reader.rows("SELECT x FROM t") == [(1,)]
            assert writer.rows("SELECT x FROM t") == [(3,)]
            writer.execute("DROP TABLE t")  # a drop deletes nothing a reader still reads either
            assert reader.rows("SELECT x FROM t") == [(1,)] and not writer.table_exists("t")
        with SparkStore(spark, folder, read_only=True) as late:
            assert not late.table_exists("t"), "dropped for every store opened after the drop"
        writer.execute("CREATE TABLE u AS SELECT 1 AS y")  # the next write collects what nobody reads
        assert not (folder / TABLES_FOLDER / "t").exists(), "a dropped table's folder goes with its last version"
    finally:
        writer.close()


def test_dead_and_stale_leases_hold_nothing_live_ones_do(spark, tmp_path):
    folder = tmp_path / "ws"
    with SparkStore(spark, folder) as writer:
        writer.execute("CREATE TABLE t AS SELECT 1 AS x")
        (first,) = _versions(folder, "t")
        held = str(folder / TABLES_FOLDER / "t" / first)
        gone = subprocess.Popen(["true"])  # a process that has ended: its pid names no reader
        gone.wait()
        leases = folder / TABLES_FOLDER / LEASES
        records = {
            "dead": {"host": socket.gethostname(), "pid": gone.pid, "versions": {"t": held}},
            "remote": {"host": "another-host.invalid", "pid": 1, "versions": {"t": held}},
        }
        for name, record in records.items():
            (leases / f"{name}.json").write_text(json.dumps(record))
        writer.execute("CREATE OR REPLACE TABLE t AS SELECT 2 AS x")
        assert first in _versions(folder, "t"), "a reader on another host, touched recently, still reads it"
        assert not (leases / "dead.json").exists(), "a dead process's lease is removed"
        stale = time.time() - REMOTE_LEASE_SECONDS - 60
        os.utime(leases / "remote.json", (stale, stale))
        writer.execute("CREATE OR REPLACE TABLE t AS SELECT 3 AS x")
        assert len(_versions(folder, "t")) == 1 and first not in _versions(folder, "t")
        assert writer.rows("SELECT x FROM t") == [(3,)]


@pytest.mark.parametrize("read_only", [True, False])
def test_a_closed_store_releases_its_lease(spark, tmp_path, read_only):
    folder = tmp_path / "ws"
    with SparkStore(spark, folder) as first:
        first.execute("CREATE TABLE t AS SELECT 1 AS x")
    store = SparkStore(spark, folder, read_only=read_only)
    leases = list((folder / TABLES_FOLDER / LEASES).glob("*.json"))
    assert len(leases) == 1 and "t" in json.loads(leases[0].read_text())["versions"]
    store.close()
    assert not list((folder / TABLES_FOLDER / LEASES).glob("*.json"))
