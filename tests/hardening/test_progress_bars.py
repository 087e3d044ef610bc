"""The engine's own progress bar never reaches a verb's output: it is on by default in DuckDB and prints
to stdout under any statement past ``progress_bar_time`` (2 s), into a notebook cell, a ``--json`` pipe or
a captured test. Here the threshold is set to 0 so that every statement would print one (setting it turns
the bar back on in DuckDB: the store keeps its printing off)."""

from __future__ import annotations

import pytest

import tracekit

SLOW = "SELECT count(*) AS n FROM range(20000000) t(x) WHERE x % 7 = 1"
BAR = "%"  # DuckDB's bar: "\r 26% ▕█████…▏"


def _printed(capfd, store) -> str:
    capfd.readouterr()
    assert int(store.df(SLOW)["n"].iloc[0]) == 2857143
    return capfd.readouterr().out


def test_the_bar_check_sees_a_bar_when_one_is_asked_for(capfd):
    """The control: a user who turns the engine's bar on gets it (so the checks below can fail)."""
    with tracekit.Workspace() as ws:
        ws.store.execute("SET progress_bar_time = 0")
        ws.store.execute("SET enable_progress_bar = true")
        ws.store.execute("SET enable_progress_bar_print = true")
        assert BAR in _printed(capfd, ws.store)


def test_no_bar_in_memory(capfd):
    with tracekit.Workspace() as ws:
        ws.store.execute("SET progress_bar_time = 0")
        assert _printed(capfd, ws.store) == ""


@pytest.mark.parametrize("read_only", [False, True])
def test_no_bar_on_a_folder_workspace_after_a_load_and_on_reopen(capfd, tmp_path, read_only):
    source = tmp_path / "bills.csv"
    source.write_text("shipper_name,consignee_name,hs_code,date\nACME CHEM,BUYER SA,293339,2024-01-05\n")
    with tracekit.Workspace(tmp_path / "ws") as ws:
        ws.store.execute("SET progress_bar_time = 0")  # replayed on every connection the store opens
        ws.load(source, progress=False)  # a load changes the engine's settings and puts them back
        assert _printed(capfd, ws.store) == ""
    with tracekit.Workspace(tmp_path / "ws", read_only=read_only) as ws:
        ws.store.execute("SET progress_bar_time = 0")
        with ws.store.reading("check"):
            assert _printed(capfd, ws.store) == ""
