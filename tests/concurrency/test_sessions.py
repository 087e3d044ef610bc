"""The store's sessions in one process: what a connection carries across reconnects, when it is given
back, and the lock's order (several Store objects on one folder lock each other like processes do)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time

import pandas as pd
import pytest

import tracekit
from tracekit.errors import WorkspaceBusy, WorkspaceError
from tracekit.store import Store
from tracekit.store.engine import IDLE_RELEASE
from tracekit.store.locking import HOLDERS_DIR, WorkspaceLock


def _free_for_writing(path) -> bool:
    """Whether another Store can take the workspace for writing right now."""
    with Store(path, lock_timeout=3, on_wait=lambda _: None) as other:
        try:
            with other.writing("probe"):
                other.scalar("SELECT 1")
            return True
        except WorkspaceBusy:
            return False


def _wait_released(store: Store) -> bool:
    deadline = time.monotonic() + IDLE_RELEASE + 5
    while time.monotonic() < deadline:
        with store.lock:  # the idle watcher releases under it: connection, lock and record together
            if store._con is None:
                return True
        time.sleep(0.02)
    return False


def test_a_workspace_between_verbs_holds_nothing_a_writer_needs(ws_path):
    with tracekit.Workspace(ws_path) as ws:
        ws.info()
        connects = ws.store.connects
        ws.info()
        assert ws.store.connects == connects  # the second verb reused the lingering read connection
        started = time.monotonic()
        assert _free_for_writing(ws_path)  # a writer waiting makes it let go at once…
        assert time.monotonic() - started < IDLE_RELEASE + 2
        assert ws.store._con is None
        ws.info()
        assert _wait_released(ws.store)  # …and idle, it lets go by itself
        assert not list((ws_path / HOLDERS_DIR).glob("*.json"))


def test_a_read_that_writes_upgrades_and_keeps_its_temporary_tables(ws_path):
    with tracekit.Workspace(ws_path) as ws:
        store = ws.store
        with store.reading("test"):
            store.execute("CREATE TEMP TABLE tk_scratch AS SELECT 41 + range AS a FROM range(3)")
            store.register("tk_frame", pd.DataFrame({"b": [7]}))
            assert store._mode == "read"
            store.execute("CREATE TABLE mine AS SELECT a, b FROM tk_scratch, tk_frame")  # refused read-only
            assert (store._mode, store.upgrades) == ("write", 1)
            assert store.scalar("SELECT sum(a) FROM tk_scratch") == 126
            assert store.scalar("SELECT b FROM tk_frame") == 7
        store.unregister("tk_frame")
        assert ws.sql("SELECT count(*) AS n FROM mine")["n"].tolist() == [3]


def test_statements_outside_verbs_give_the_workspace_back_when_idle(ws_path):
    with tracekit.Workspace(ws_path) as ws:
        store = ws.store
        store.execute("CREATE TEMP TABLE tk_scratch AS SELECT 42 AS a")
        store.execute("SET threads = 1")
        assert store._con is not None
        assert _wait_released(store) and _free_for_writing(ws_path)
        # The next statement reconnects with the temporary table and the setting it had.
        assert store.scalar("SELECT a FROM tk_scratch") == 42
        assert str(store.scalar("SELECT current_setting('threads')")) == "1"


def test_a_waiting_writer_is_told_who_reads_and_goes_first_after(ws_path):
    notices: list[str] = []
    reader, writer, late = Store(ws_path), Store(ws_path, on_wait=notices.append), Store(ws_path)
    order: list[str] = []
    reading = threading.Event()
    release = threading.Event()

    def read() -> None:
        with reader.reading("the first reader"):
            reader.scalar("SELECT count(*) FROM shipments")
            reading.set()
            release.wait(30)
        order.append("first reader done")

    def write() -> None:
        with writer.writing("the writer"):
            writer.execute("CREATE OR REPLACE TABLE tk_written AS SELECT 1 AS a")
            order.append("writer wrote")

    def read_late() -> None:
        with late.reading("the late reader"):
            late.scalar("SELECT count(*) FROM tk_written")
            order.append("late reader read")

    first = threading.Thread(target=read)
    first.start()
    assert reading.wait(30)
    second = threading.Thread(target=write)
    second.start()
    deadline = time.monotonic() + 30
    while not notices and time.monotonic() < deadline:
        time.sleep(0.02)
    third = threading.Thread(target=read_late)  # arrives while the writer waits: queues behind it
    third.start()
    time.sleep(0.5)
    assert order == []
    release.set()
    for thread in (first, second, third):
        thread.join(30)
    assert order == ["first reader done", "writer wrote", "late reader read"]
    assert "the first reader) reading it since" in notices[0] and "this write waits" in notices[0]
    for store in (reader, writer, late):
        store.close()


def test_writes_count_generations_and_reads_do_not(ws_path):
    with tracekit.Workspace(ws_path) as ws, Store(ws_path) as other:
        before = ws.store.generation
        ws.info(), ws.search("ACME")
        assert ws.store.generation == before
        with other.writing("elsewhere"):
            other.execute("CREATE TABLE tk_more AS SELECT 1 AS a")
        assert ws.store.generation == before + 1


def test_a_stale_holder_record_is_not_named_and_goes(ws_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    folder = ws_path / HOLDERS_DIR
    folder.mkdir(exist_ok=True)
    record = folder / f"{socket.gethostname()}-{pid}-0.json"
    record.write_text(json.dumps({"pid": pid, "host": socket.gethostname(), "command": "tracekit load x.csv",
                                  "what": "load", "mode": "write", "since": time.time() - 60}))
    lock = WorkspaceLock(ws_path)
    assert lock.holders() == []
    assert not record.exists()
    lock.close()


def test_read_only_workspaces_refuse_writes_with_the_fix(ws_path):
    with tracekit.Workspace(ws_path, read_only=True) as ws:
        with pytest.raises(WorkspaceError, match="opened read-only .* run it without --read-only"):
            ws.store.execute("CREATE TABLE mine (a INTEGER)")
        with pytest.raises(WorkspaceError, match="opened read-only"):
            with ws.store.writing("test"):
                pass
        assert ws.info().sources == 1


def test_a_closed_workspace_says_so(ws_path):
    ws = tracekit.Workspace(ws_path)
    ws.close()
    with pytest.raises(WorkspaceError, match="was closed: open it again"):
        ws.info()


def test_in_memory_workspaces_keep_one_connection():
    with tracekit.Workspace() as ws:
        ws.store.execute("CREATE TEMP TABLE tk_scratch AS SELECT 1 AS a")
        before = ws.store.generation
        ws.load(pd.DataFrame({"Shipper": ["ACME"], "Consignee": ["BUYER SA"]}), progress=False)
        assert ws.store.generation == before + 1
        assert ws.store.scalar("SELECT a FROM tk_scratch") == 1
        assert (ws.store.connects, ws.store.upgrades) == (0, 0)
