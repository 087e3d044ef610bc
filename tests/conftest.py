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
