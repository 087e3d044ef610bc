"""Per-value Python work (name and address keys, word-by-word name comparison) on every core.

Normalising a name or an address costs a tenth to a third of a millisecond of pure Python (rigour,
ICU, our parsers), once per *distinct* value; a workspace of three million mentions has about a
million distinct names and addresses. One process can only use one core, so :func:`map_chunks` hands
chunks of values to a small pool of worker processes and gives the results back in order.

The workers are forks of this process (Linux only; elsewhere the work stays in this process). Not
``forkserver`` or ``spawn``: those re-run the caller's ``__main__`` in every worker, so an analyst's
script without an ``if __name__ == "__main__"`` guard would fail. A fork copies a lock some other
thread held at that moment, so the workers touch nothing that threads use: no DuckDB, no rapidfuzz
thread pool, only the resolve room's pure functions; they leave with ``os._exit`` (multiprocessing's
way), so no inherited connection is ever closed or flushed by them. Small inputs stay in this process
(starting the workers costs more than the work). ``TRACEKIT_WORKERS`` sets the number of workers
(``1``: no pool), by default the cores this process may use.

The pool is used only inside :func:`pooled` (resolution's own run sets it): the same functions called
elsewhere — scoring on Spark's executors, clustering's small on-demand batches, tests — stay in their
process.

:func:`map_forked` is for work on large shared data (scoring the candidate pairs in chunks): the data
reach the workers by the fork itself, as a *context* object, so only each task's description goes to a
worker and only its result comes back — nothing of the context is pickled. Before forking, the
collector's objects are frozen (``gc.freeze``): a collection in a worker would otherwise walk (and so
copy, page by page) every object the parent holds. Inside a worker, :func:`map_chunks` stays in that
worker and :func:`in_worker` is true (rapidfuzz's thread pool is not used there).

Interrupting (Ctrl-C) cancels the chunks not yet started and ends the workers; the exception goes on
to the caller, so resolution's own rollback applies.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from tqdm.auto import tqdm

__all__ = ["map_chunks", "map_forked", "can_fork_workers", "in_worker", "pooled", "worker_count", "PARALLEL_FROM"]

T = TypeVar("T")
C = TypeVar("C")

PARALLEL_FROM = 20_000  # fewer values than this are done in this process
CHUNK = 2_000  # values per task: small enough for a smooth progress bar and a quick interrupt


_POOLED: ContextVar[bool] = ContextVar("tracekit_pooled", default=False)


@contextmanager
def pooled(enabled: bool = True) -> Iterator[None]:
    """Within this block, :func:`map_chunks` may use worker processes."""
    token = _POOLED.set(enabled)
    try:
        yield
    finally:
        _POOLED.reset(token)


_IN_WORKER = False
_CONTEXT: Any = None  # map_forked's context, set in this process just before the workers fork


def in_worker() -> bool:
    """Whether this process is one of the pool's workers (forked by :func:`map_chunks` or :func:`map_forked`)."""
    return _IN_WORKER


def _enter_worker() -> None:
    global _IN_WORKER
    _IN_WORKER = True
    _POOLED.set(False)  # no pool inside a worker


def can_fork_workers() -> bool:
    """Whether :func:`map_forked` here would use worker processes (given more than one task)."""
    return worker_count() >= 2 and _POOLED.get() and not _IN_WORKER and _can_fork()


def worker_count() -> int:
    """Worker processes to use: ``$TRACEKIT_WORKERS`` or the cores this process may run on."""
    configured = os.environ.get("TRACEKIT_WORKERS", "").strip()
    if configured:
        return max(1, int(configured))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def map_chunks(fn: Callable[[Sequence[Any]], list[T]], values: Sequence[Any], *, desc: str = "",
               progress: bool = True, parallel_from: int = PARALLEL_FROM, chunk: int = CHUNK) -> list[T]:
    """``fn`` over consecutive chunks of ``values``, concatenated in order (``len(result) == len(values)``).

    ``fn`` takes a list and returns one result per item; it must be a module-level function (the
    workers import it by name) and pure: the same item gives the same result in any process.

    Examples
    --------
    >>> map_chunks(lambda xs: [x * 2 for x in xs], [1, 2, 3], progress=False)
    [2, 4, 6]
    """
    values = list(values)
    workers = min(worker_count(), -(-len(values) // chunk)) if values else 1
    bar = tqdm(total=len(values), desc=desc, unit="value", disable=not progress, leave=False)
    try:
        if len(values) < parallel_from or workers < 2 or not _POOLED.get() or _IN_WORKER or not _can_fork():
            out: list[T] = []
            for start in range(0, len(values), chunk):
                out.extend(fn(values[start:start + chunk]))
                bar.update(min(chunk, len(values) - start))
            return out
        return _in_pool(fn, values, workers, chunk, bar)
    finally:
        bar.close()


def _in_pool(fn: Callable[[Sequence[Any]], list[T]], values: list, workers: int, chunk: int, bar: tqdm) -> list[T]:
    starts = list(range(0, len(values), chunk))
    parts: dict[int, list[T]] = {}
    gc.freeze()  # as in map_forked: the workers' collections leave the parent's objects alone
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_enter_worker)
    try:
        # At most two chunks queued per worker: an interrupt then waits for little more than one chunk.
        pending: dict[Future, int] = {}
        feed = iter(starts)
        for start in feed:
            pending[pool.submit(fn, values[start:start + chunk])] = start
            if len(pending) >= 2 * workers:
                break
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                start = pending.pop(future)
                parts[start] = future.result()
                bar.update(len(parts[start]))
                nxt = next(feed, None)
                if nxt is not None:
                    pending[pool.submit(fn, values[nxt:nxt + chunk])] = nxt
    except BaseException:
        _stop(pool)  # do not wait for a chunk in progress
        raise
    finally:
        gc.unfreeze()
    pool.shutdown(wait=True)
    return [item for start in starts for item in parts[start]]


def map_forked(fn: Callable[[C, Any], T], tasks: Sequence[Any], context: C, receive: Callable[[int, T], None],
               *, min_tasks: int = 2) -> None:
    """``receive(k, fn(context, tasks[k]))`` for every task, in task order, the calls of ``fn`` on every core.

    ``context`` (large, read-only data) reaches the workers by the fork and is never pickled; each task
    and each result is. ``fn`` must be a module-level function and pure. ``receive`` runs in this
    process, one result at a time: at most two tasks per worker are queued or done-but-not-received, so
    memory holds a few results, not all. Outside :func:`pooled`, with one worker, fewer than
    ``min_tasks`` tasks, inside a worker or where forking is not possible, everything runs here.
    """
    workers = min(worker_count(), len(tasks))
    if len(tasks) < min_tasks or workers < 2 or not _POOLED.get() or _IN_WORKER or not _can_fork():
        for k, task in enumerate(tasks):
            receive(k, fn(context, task))
        return
    _forked_pool(fn, tasks, context, receive, workers)


def _forked_pool(fn: Callable[[C, Any], T], tasks: Sequence[Any], context: C, receive: Callable[[int, T], None],
                 workers: int) -> None:
    global _CONTEXT
    _CONTEXT = context
    gc.freeze()  # the parent's objects stay out of the workers' collections (and their pages unwritten)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_enter_worker)
    try:
        pending: dict[Future, int] = {}
        done_results: dict[int, T] = {}
        submitted = received = 0
        while received < len(tasks):
            # Queue up to two tasks per worker beyond the results not yet received in order.
            while submitted < len(tasks) and submitted - received < 2 * workers:
                pending[pool.submit(_forked_call, fn, tasks[submitted])] = submitted
                submitted += 1
            if received not in done_results:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    done_results[pending.pop(future)] = future.result()
            while received in done_results:
                receive(received, done_results.pop(received))
                received += 1
    except BaseException:
        _stop(pool)
        raise
    finally:
        _CONTEXT = None
        gc.unfreeze()
    pool.shutdown(wait=True)


def _forked_call(fn: Callable[[Any, Any], T], task: Any) -> T:
    return fn(_CONTEXT, task)


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the pool now: queued tasks cancelled, workers terminated mid-task (an interrupt must not wait)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)
