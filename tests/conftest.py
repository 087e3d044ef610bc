"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# TRACEKIT_SHARED points elsewhere when the checkout is not beside ../shared (a git worktree).
SHARED = Path(os.environ.get("TRACEKIT_SHARED") or REPO.parent / "shared")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared (read-only design notes and the OFAC list); tests that need it skip without it."""
    if not (SHARED / "data" / "ofac-sdn-2022-01" / "sdn.csv").exists():
        pytest.skip(f"{SHARED} is absent: the OFAC-based tests need ../shared beside the repo")
    return SHARED


@pytest.fixture
def workspace(tmp_path):
    """A fresh file-backed workspace in a temporary folder."""
    import tracekit

    ws = tracekit.Workspace(tmp_path / "ws")
    yield ws
    ws.close()



# Under `pytest -n 2` (what `make test` runs, pytest-xdist): one work unit per test folder, so a folder's
# session and module fixtures (the Spark session and its resolved world, the demo worlds, JupyterLab and
# Chromium) are built once, on one worker; a file at the top of tests/ or in tracekit/ (doctests) is a unit
# of its own. The two longest units go first — tests/spark (~40 % of the suite, mostly Spark's per-job
# latency and its JVMs) and tests/views (kernels and a browser) — so the other worker works through the
# rest meanwhile instead of waiting for Spark at the end. A plain `pytest` (no -n) is untouched.
# (xdist's own `--dist loadgroup` cannot do this on pytest 9: it renames items through `item._nodeid`,
# which pytest 9 no longer reads, so its groups fall apart; the scheduler below groups by node id instead.)
FIRST_UNITS = ("tests/spark", "tests/views")


def work_unit(nodeid: str) -> str:
    """``tests/spark/test_load.py::test_x[a]`` → ``tests/spark``; ``tests/test_ids.py::…`` → that file."""
    parts = nodeid.split("::", 1)[0].split("/")
    return "/".join(parts[:2]) if parts[0] == "tests" and len(parts) > 2 else "/".join(parts)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getoption("dist") != "load":  # -n alone means "load"; another --dist chosen is kept
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByFolder(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    config.option.loadscopereorder = False  # the units in collection order: the longest first (below)
    return ByFolder(config, log)


def pytest_collection_modifyitems(config, items):
    if not hasattr(config, "workerinput"):  # only on xdist's workers: their order is the queue's order
        return
    rank = {unit: k for k, unit in enumerate(FIRST_UNITS)}
    items.sort(key=lambda item: rank.get(work_unit(item.nodeid), len(FIRST_UNITS)))  # stable: the rest keep theirs
