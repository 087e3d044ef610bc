"""Ctrl-C and kill -9 during a load, on a real ``tracekit`` process.

Ctrl-C: the promised line, exit code 130, within a second, and the workspace as it was before.
kill -9: nothing can run at that moment; the next open removes the load's work folder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import tracekit
from tests.hardening.conftest import HEADER

REPO = Path(__file__).resolve().parents[2]
ROWS = 8_000_000  # Ctrl-C at 1.5 s must land inside the load: 300,000 rows loaded within 1.7 s on a quiet
# machine, 1,200,000 (2026-12-02, after the normalisers' fast paths) within 1.5 s of the work folder, and
# 3,000,000 in 1.40 s once a large file's shipments had a narrow table of their own (session 7)


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    """A file that takes the loader a few seconds."""
    path = tmp_path_factory.mktemp("big") / "bills.csv"
    with open(path, "w") as out:
        out.write(HEADER)
        out.writelines(f"ACME CHEMICAL {i % 5000} LTD,BUYER {i % 7000} SA,2933.39,2024-01-{i % 28 + 1:02d}\n"
                       for i in range(ROWS))
    return path


def _start_load(csv: Path, ws: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    # An ignored SIGINT is inherited through exec, and a Python started with SIGINT ignored honours that:
    # the load runs on and exits 0 (as `tracekit load ... &` from a script should). `make test` started in
    # the background by a shell without job control (`bash -c 'make test &'`, as CI harnesses do) gives
    # every process SIGINT ignored: that, not tracekit, made these two cases fail in full runs
    # (2026-12-02; reproduced: rc 0 after 7.9 s with SIG_IGN, rc 130 within 0.2 s with the default).
    # The analyst at a terminal has the default disposition, unblocked: give the child that.
    return subprocess.Popen([sys.executable, "-m", "tracekit", "load", str(csv), "-w", str(ws), "--no-progress"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO,
                            preexec_fn=_as_at_a_terminal)  # noqa: PLW1509


def _as_at_a_terminal() -> None:
    """In the child before exec: SIGINT at its default and not blocked."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _signal_state(pid: int) -> str:
    """The child's SIGINT state as the kernel sees it (pending, blocked, ignored, caught), for messages."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return "(no /proc)"
    return " ".join(line.replace("\t", "") for line in lines if line.startswith(("SigPnd", "ShdPnd", "SigBlk",
                                                                                 "SigIgn", "SigCgt")))


def _wait_for_work_folder(process: subprocess.Popen, ws: Path, timeout: float = 60) -> Path:
    """The load's work folder appears once every source is inspected and rows start to be written."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = list(ws.glob("tracekit-load-*")) if ws.exists() else []
        if found:
            return found[0]
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)
    process.kill()
    raise AssertionError("the load did not start")


@pytest.mark.parametrize("into_the_load", [0.2, 1.5])
def test_ctrl_c_rolls_back_with_the_promised_line_exit_130_within_a_second(big_csv, tmp_path, into_the_load):
    ws = tmp_path / "ws"
    process = _start_load(big_csv, ws)
    _wait_for_work_folder(process, ws)
    time.sleep(into_the_load)
    if process.poll() is not None:
        pytest.skip("the load finished before Ctrl-C (a much faster machine)")
    before = _signal_state(process.pid)
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    time.sleep(0.05)
    after = _signal_state(process.pid)
    out, err = process.communicate(timeout=30)
    elapsed = time.monotonic() - sent
    assert process.returncode == 130, (out, err, "child before Ctrl-C:", before, "50 ms after:", after,
                                       "SIGINT in this process:", signal.getsignal(signal.SIGINT))
    assert err.strip() == "tracekit load: interrupted; work in progress was rolled back"
    assert elapsed < 1.0, f"took {elapsed:.2f} s after Ctrl-C"
    with tracekit.Workspace(ws) as opened:
        info = opened.info()
        assert (info.sources, info.shipments, info.party_mentions, info.quarantined) == (0, 0, 0, 0)
        assert opened.sql("SELECT count(*) AS n FROM duckdb_tables() WHERE table_name LIKE 'raw_%'")["n"][0] == 0
    assert not list(ws.glob("tracekit-load-*"))


def test_kill_9_leftovers_are_removed_at_the_next_open(big_csv, tmp_path):
    ws = tmp_path / "ws"
    process = _start_load(big_csv, ws)
    work = _wait_for_work_folder(process, ws)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert work.exists()  # nothing could clean up after kill -9
    with tracekit.Workspace(ws) as opened:
        assert (opened.info().sources, opened.info().shipments) == (0, 0)
    assert not work.exists()
    with tracekit.Workspace(ws) as opened:  # and the workspace loads normally afterwards
        assert opened.load(big_csv, progress=False).rows_loaded == ROWS
