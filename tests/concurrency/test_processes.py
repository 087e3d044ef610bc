"""Many readers, one writer, no lock errors: real processes on one workspace (issue 11, item 4).

Each test starts real second processes (the worker module, the CLI) next to this one; nothing is
mocked. Times are asserted only where the behaviour is about waiting (a reader overlap, a writer
waiting for a reader), with generous margins for a loaded machine.
"""

from __future__ import annotations

import json
import signal
import socket

import duckdb
import pytest

import tracekit
from tests.concurrency.conftest import run_cli, start_cli
from tracekit.errors import WorkspaceBusy
from tracekit.store.locking import HOLDERS_DIR


def _one_line(err: str) -> str:
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert "Traceback" not in err and len(lines) == 1, err
    return lines[0]


def test_two_readers_read_at_once(ws_path, worker):
    first = worker("hold-read", ws_path)
    second = worker("hold-read", ws_path)
    first.wait_for("HELD")
    second.wait_for("HELD")  # inside its read while the first is inside its own
    first.send(), second.send()
    first.wait_for("RELEASED"), second.wait_for("RELEASED")
    for one in (first, second):
        _, err = one.finish()
        assert "waiting" not in err  # neither waited for the other


def test_a_notebook_between_cells_does_not_hold_the_workspace(ws_path, worker, extra_csv):
    notebook = worker("between", ws_path)
    _, sources, generation = notebook.wait_for("READY")
    run = run_cli("load", extra_csv, "-w", ws_path, "--no-progress")
    assert run.code == 0, run.err
    assert "waiting" not in run.err  # nothing held the workspace: no wait at all
    notebook.send()
    _, sources_after, generation_after = notebook.wait_for("AFTER")
    notebook.finish()
    assert int(sources_after) == int(sources) + 1  # the notebook's next cell sees the CLI's load
    assert int(generation_after) > int(generation)


def test_a_cli_write_waits_for_a_reader_then_proceeds(ws_path, worker, extra_csv):
    reader = worker("hold-read", ws_path)
    reader.wait_for("HELD")
    load = start_cli("load", extra_csv, "-w", ws_path, "--no-progress")
    notice = load.stderr.readline()  # the load announces its wait, and keeps waiting…
    host = socket.gethostname()
    assert f"is held by pid {reader.pid} on {host} (" in notice and "hold-read) reading it since" in notice
    assert load.poll() is None
    reader.send()  # …until the reader is done
    reader.wait_for("RELEASED")
    reader.finish()
    out, err = load.communicate(timeout=120)
    assert load.returncode == 0, err
    assert "read 50 = loaded 50" in out
    assert "workspace free after" in err
    with tracekit.Workspace(ws_path, read_only=True) as ws:
        assert ws.info().sources == 2


def test_a_read_waits_for_a_writer_then_proceeds(ws_path, worker):
    writer = worker("hold-write", ws_path)
    writer.wait_for("HELD")
    info = start_cli("info", "-w", ws_path)
    notice = info.stderr.readline()
    assert f"pid {writer.pid}" in notice and "hold-write) writing it since" in notice
    writer.send()
    writer.finish()
    out, err = info.communicate(timeout=120)
    assert info.returncode == 0, err
    assert "shipments" in out


def test_a_wait_past_the_limit_fails_cleanly_naming_the_holder(ws_path, worker, extra_csv):
    writer = worker("hold-write", ws_path)
    writer.wait_for("HELD")
    run = run_cli("load", extra_csv, "-w", ws_path, "--no-progress", TRACEKIT_LOCK_TIMEOUT="1")
    line = _one_line(run.err.replace("\r", "\n").split("\n", 1)[-1]) if "waiting" in run.err else _one_line(run.err)
    assert run.code == 2
    assert f"is busy: pid {writer.pid} on {socket.gethostname()} (" in line
    assert "hold-write) writing it since" in line and "nothing was changed" in line
    assert "TRACEKIT_LOCK_TIMEOUT" in line
    # The Python API says the same, with the holders as data.
    with pytest.raises(WorkspaceBusy, match="hold-write") as caught:
        tracekit.Workspace(ws_path, lock_timeout=0.5)
    assert [h.pid for h in caught.value.holders] == [writer.pid]
    writer.process.kill()
    writer.process.communicate()
    with tracekit.Workspace(ws_path, read_only=True) as ws:  # the failed load wrote nothing
        assert ws.info().sources == 1


def test_sigkill_in_the_middle_of_a_write_leaves_a_consistent_workspace(ws_path, worker, extra_csv):
    with tracekit.Workspace(ws_path, read_only=True) as ws:
        before = ws.info()
    killed = worker("kill-me", ws_path)
    killed.wait_for("WRITING")
    holder_files = list((ws_path / HOLDERS_DIR).glob("*.json"))
    assert [json.loads(p.read_text())["mode"] for p in holder_files] == ["write"]
    killed.process.send_signal(signal.SIGKILL)
    killed.process.communicate()
    assert holder_files[0].exists()  # nothing could clean up after kill -9
    # Readers open at once (the kernel dropped the dead process's lock; its record is stale) and see
    # the committed table (replayed from the WAL) but nothing of the transaction that was cut.
    run = run_cli("info", "-w", ws_path, TRACEKIT_LOCK_TIMEOUT="5")
    assert run.code == 0, run.err
    assert "waiting" not in run.err
    with tracekit.Workspace(ws_path) as ws:
        assert ws.sql("SELECT count(*) AS n FROM tk_committed")["n"].tolist() == [1000]
        after = ws.info()
        assert (after.sources, after.shipments, after.party_mentions) == \
            (before.sources, before.shipments, before.party_mentions)
    assert not holder_files[0].exists()
    # …and it takes writes again.
    load = run_cli("load", extra_csv, "-w", ws_path, "--no-progress", TRACEKIT_LOCK_TIMEOUT="5")
    assert load.code == 0, load.err
    with duckdb.connect(str(ws_path / "tracekit.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM sources").fetchone() == (2,)


def test_cli_reads_and_decisions_side_by_side(ws_path, extra_csv):
    """Three CLI processes at once: two merges (decisions appended under the write lock, each with its
    own sequence number) and a load, with reads between them; every one succeeds."""
    with tracekit.Workspace(ws_path, read_only=True) as ws:
        names = ws.sql("SELECT name FROM entities ORDER BY shipment_count DESC, name LIMIT 4")["name"].tolist()
    processes = [
        start_cli("merge", names[0], names[1], "--reason", "same phone", "-w", ws_path),
        start_cli("merge", names[2], names[3], "--reason", "same address", "-w", ws_path),
        start_cli("load", extra_csv, "-w", ws_path, "--no-progress"),
        start_cli("info", "-w", ws_path),
        start_cli("search", "ACME", "-w", ws_path),
    ]
    results = [(p.args, *p.communicate(timeout=300), p.returncode) for p in processes]
    for args, _out, err, code in results:
        assert code == 0, (args, err)
    decisions = [json.loads(line) for line in (ws_path / "decisions.jsonl").read_text().splitlines()]
    assert sorted(d["seq"] for d in decisions) == [1, 2]
    with tracekit.Workspace(ws_path) as ws:
        assert ws.info().sources == 2


def test_a_notebook_searches_what_the_cli_resolved_since(ws_path, extra_csv):
    with tracekit.Workspace(ws_path) as ws:
        assert ws.search("ZENITH CHEM").empty or "ZENITH" not in " ".join(ws.search("ZENITH CHEM")["name"])
        assert run_cli("load", extra_csv, "-w", ws_path, "--no-progress").code == 0
        resolved = run_cli("resolve", "-w", ws_path)
        assert resolved.code == 0, resolved.err
        assert "ZENITH" in ws.search("ZENITH CHEM")["name"].iloc[0]  # the cached index was rebuilt


def test_two_queries_on_stale_graph_tables_build_them_once(ws_path, worker):
    with tracekit.Workspace(ws_path) as ws:
        ws.store.execute("DROP TABLE IF EXISTS graph_state")  # as after a resolve in another process
    queries = [worker("graph", ws_path), worker("graph", ws_path)]
    for query in queries:  # two verbs reading side by side…
        query.wait_for("READING")
    for query in queries:  # …both find the graph tables stale and want to rebuild them
        query.send()
    outcomes = sorted(query.wait_for("GRAPH")[1] for query in queries)
    errors = [query.finish()[1] for query in queries]
    assert outcomes == ["current", "rebuilt"], errors  # the second looked again once it held the lock
