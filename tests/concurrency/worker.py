"""A second process for the concurrency tests: ``python -m tests.concurrency.worker ACTION WORKSPACE [ARG]``.

Each action prints ``WORD <time.time()>`` lines (flushed) at the moments the test waits for.
"""

from __future__ import annotations

import sys
import time

import tracekit


def say(word: str, *rest: object) -> None:
    print(word, time.time(), *rest, flush=True)


def hold(arg: str) -> None:
    """Hold on until a line arrives on stdin (``arg`` empty) or for ``arg`` seconds."""
    if arg:
        time.sleep(float(arg))
    else:
        sys.stdin.readline()


def main(action: str, path: str, arg: str = "") -> None:
    ws = tracekit.Workspace(path)
    store = ws.store
    if action == "hold-read":  # a verb that reads for a while
        with store.reading("hold-read"):
            store.scalar("SELECT count(*) FROM shipments")
            say("HELD")
            hold(arg)
        say("RELEASED")
    elif action == "hold-write":  # a write that takes a while
        with store.writing("hold-write"):
            store.execute("CREATE OR REPLACE TABLE tk_hold AS SELECT 1 AS a")
            say("HELD")
            hold(arg)
        say("RELEASED")
    elif action == "between":  # a notebook between cells: the workspace object open, no verb running
        say("READY", ws.info().sources, store.generation)
        sys.stdin.readline()
        say("AFTER", ws.info().sources, store.generation)
    elif action == "kill-me":  # one committed write (still in the WAL), then killed inside an uncommitted one
        with store.writing("kill-me"):
            with store.transaction():
                store.execute("CREATE TABLE tk_committed AS SELECT range AS a FROM range(1000)")
            with store.transaction():
                store.execute("INSERT INTO tk_committed SELECT range FROM range(2000000)")
                store.execute("DELETE FROM shipments_base")
                say("WRITING")
                time.sleep(60)
    elif action == "graph":  # a query that finds the graph tables stale and brings them up to date
        from tracekit.graph.tables import ensure_graph_tables

        with store.reading("graph"):  # a verb, reading until it finds the tables stale
            store.scalar("SELECT count(*) FROM shipments")
            say("READING")
            hold(arg)
            _, report = ensure_graph_tables(store, progress=False)
        say("GRAPH", "rebuilt" if report is not None else "current")
    else:
        raise SystemExit(f"unknown action {action}")
    ws.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
