"""Fixtures for the concurrency tests: a small resolved workspace, and real second processes on it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HEADER = "shipper_name,consignee_name,hs_code,date\n"


def csv_rows(n: int, start: int = 0) -> str:
    return "".join(f"ACME CHEM {i % 7},BUYER {i % 11} SA,293339,2024-01-{i % 28 + 1:02d}\n"
                   for i in range(start, start + n))


def environment(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("TRACEKIT_LOCK_TIMEOUT", None)
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def _template(tmp_path_factory) -> Path:
    import tracekit

    folder = tmp_path_factory.mktemp("template")
    source = folder / "bills.csv"
    source.write_text(HEADER + csv_rows(300))
    with tracekit.Workspace(folder / "ws") as ws:
        ws.load(source, progress=False)
        ws.resolve(progress=False)
    return folder / "ws"


@pytest.fixture
def ws_path(_template, tmp_path) -> Path:
    """A copy of a small loaded and resolved workspace, for one test."""
    target = tmp_path / "ws"
    shutil.copytree(_template, target, ignore=shutil.ignore_patterns("tracekit.lock*", "tracekit.holders"))
    return target


@pytest.fixture
def extra_csv(tmp_path) -> Path:
    path = tmp_path / "more.csv"
    path.write_text(HEADER + csv_rows(50, start=1000).replace("ACME", "ZENITH"))
    return path


@dataclass
class Worker:
    """A second process running :mod:`tests.concurrency.worker`."""

    process: subprocess.Popen

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_for(self, word: str, timeout: float = 60) -> list[str]:
        """The fields of the first line starting with ``word`` (the time it was printed first)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise AssertionError(f"worker ended before {word}: {self.process.stderr.read()}")
            if line.startswith(word):
                return line.split()[1:]
        raise AssertionError(f"no {word} within {timeout} s")

    def send(self, text: str = "\n") -> None:
        self.process.stdin.write(text)
        self.process.stdin.flush()

    def finish(self, timeout: float = 60) -> tuple[str, str]:
        out, err = self.process.communicate(timeout=timeout)
        assert self.process.returncode == 0, err
        return out, err


@pytest.fixture
def worker():
    """worker(action, ws_path, arg="") -> Worker: a second Python process on the workspace."""
    started: list[Worker] = []

    def start(action: str, path: Path, arg: str = "") -> Worker:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.concurrency.worker", action, str(path), arg], cwd=REPO,
            env=environment(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started.append(Worker(process))
        return started[-1]

    yield start
    for one in started:
        if one.process.poll() is None:
            one.process.kill()
            one.process.communicate()


@dataclass
class CliRun:
    code: int
    out: str
    err: str
    seconds: float


def run_cli(*argv: object, timeout: float = 120, **env: str) -> CliRun:
    """``tracekit ARGV`` in a process of its own (its own DuckDB, its own locks)."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "tracekit", *map(str, argv)], cwd=REPO, env=environment(**env),
                          capture_output=True, text=True, timeout=timeout)
    return CliRun(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


def start_cli(*argv: object, **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tracekit", *map(str, argv)], cwd=REPO, env=environment(**env),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
