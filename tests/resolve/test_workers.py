"""The worker pool resolution uses for per-value Python: same results, in order, on several processes."""

from __future__ import annotations

import os

import pytest

from tracekit.resolve import workers
from tracekit.resolve.features import _name_key_rows
from tracekit.resolve.normalize import normalize_name


def _pids(values: list[int]) -> list[tuple[int, int]]:
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
