"""The worker pool resolution uses for per-value Python: same results, in order, on several processes."""

from __future__ import annotations

import os

import pytest

from tracekit.resolve import workers
from tracekit.resolve.features import _name_key_rows
from tracekit.resolve.normalize import normalize_name


def _pids(values: list[int]) -> list[tuple[int, int]]:
    import time

    time.sleep(0.02)  # a chunk takes a moment: on a busy machine one worker must not do them all before the other starts
    return [(v * 2, os.getpid()) for v in values]


@pytest.fixture
def two_workers(monkeypatch):
    monkeypatch.setenv("TRACEKIT_WORKERS", "2")


def test_the_pool_gives_every_result_in_order_from_other_processes(two_workers):
    values = list(range(5_000))
    with workers.pooled():
        out = workers.map_chunks(_pids, values, progress=False, parallel_from=100, chunk=500)
    assert [x for x, _ in out] == [v * 2 for v in values]
    if workers._can_fork():
        assert os.getpid() not in {pid for _, pid in out}
        assert len({pid for _, pid in out}) == 2


def test_outside_a_resolve_run_nothing_leaves_this_process(two_workers):
    out = workers.map_chunks(_pids, list(range(3_000)), progress=False, parallel_from=100, chunk=500)
    assert {pid for _, pid in out} == {os.getpid()}


def test_name_keys_from_the_pool_equal_the_plain_function(two_workers):
    names = [f"Química {w} del Norte S.A. de C.V." for w in ("Vlaera", "Plaera", "Ceeero")] * 300 + \
        ["上海恒达化工有限公司", "KELROA LOGISTICS LTD", "C0., LTD IBIS TRADING"] * 300
    with workers.pooled():
        got = workers.map_chunks(_name_key_rows, names, progress=False, parallel_from=100, chunk=200)
    assert got == [(k.key, k.core, k.legal_form) for k in map(normalize_name, names)]


def test_a_failing_chunk_raises_in_the_caller(two_workers):
    with workers.pooled(), pytest.raises(ZeroDivisionError):
        workers.map_chunks(_divide, list(range(2_000)), progress=False, parallel_from=100, chunk=100)


def _divide(values: list[int]) -> list[float]:
    return [1 / (v - 1_500) for v in values]


# map_forked: large read-only data reach the workers by the fork (never pickled); results in task order.

def _sum_slice(context: list[int], bounds: tuple[int, int]) -> tuple[int, int, bool]:
    return sum(context[bounds[0]:bounds[1]]), os.getpid(), workers.in_worker()


def test_map_forked_gives_every_result_in_order_from_other_processes(two_workers):
    data = list(range(100_000))
    tasks = [(k, k + 1_000) for k in range(0, len(data), 1_000)]
    got: list[tuple[int, tuple[int, int, bool]]] = []
    with workers.pooled():
        workers.map_forked(_sum_slice, tasks, data, lambda k, result: got.append((k, result)))
    assert [k for k, _ in got] == list(range(len(tasks)))
    assert [s for _, (s, _, _) in got] == [sum(data[a:b]) for a, b in tasks]
    if workers._can_fork():
        pids = {pid for _, (_, pid, _) in got}
        assert os.getpid() not in pids and len(pids) == 2
        assert all(inside for _, (_, _, inside) in got)  # no nested pool, no rapidfuzz threads there
    assert not workers.in_worker() and workers._CONTEXT is None


def test_map_forked_outside_a_resolve_run_stays_in_this_process(two_workers):
    got = []
    workers.map_forked(_sum_slice, [(0, 3), (3, 6)], [1, 2, 3, 4, 5, 6], lambda k, result: got.append(result))
    assert [(s, pid) for s, pid, _ in got] == [(6, os.getpid()), (15, os.getpid())]


def _sleepy(context: None, k: int) -> int:
    import time

    time.sleep(0.05 if k < 2 else 30)  # the later tasks would keep a worker busy for half a minute
    return k


def _running(pid: int) -> bool:
    """The process exists and is not a zombie (a zombie has ended; it only waits to be reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/status") as status:
            return not any(line.startswith("State:") and "Z" in line.split()[1] for line in status)
    except OSError:
        return True


def test_ctrl_c_during_map_forked_ends_the_workers_at_once(two_workers):
    import multiprocessing
    import time

    def receive(k: int, result: int) -> None:
        if k == 1:
            raise KeyboardInterrupt

    before = set(multiprocessing.active_children())  # other tests' processes are not this test's business
    started = time.perf_counter()
    with workers.pooled(), pytest.raises(KeyboardInterrupt):
        workers.map_forked(_sleepy, list(range(8)), None, receive)
    elapsed = time.perf_counter() - started
    assert elapsed < 15, f"the interrupt waited for the tasks in progress ({elapsed:.1f} s)"
    # Whether each worker still runs, asked of the system: multiprocessing's own list can keep a worker the
    # pool's management thread reaped (its exit code then never reaches this thread's Process object: the
    # process is gone, is_alive() stays True; seen in ~1 run of 8).
    left = [p.pid for p in set(multiprocessing.active_children()) - before if _running(p.pid)]
    assert not left, f"worker processes left running: {left}"
    assert workers._CONTEXT is None
