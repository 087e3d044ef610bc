"""Fixtures for the hardening tests: the CLI run in-process, and files written on the fly."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

HEADER = "shipper_name,consignee_name,hs_code,date\n"


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys):
    """cli(*argv) -> Run(code, out, err): ``tracekit`` run in this process (no progress bars)."""
    from tracekit.cli import main

    def run(*argv: str) -> Run:
        capsys.readouterr()
        argv = [str(a) for a in argv]
        if argv and argv[0] == "load":
            argv.append("--no-progress")
        code = main(argv)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def write(tmp_path: Path):
    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return _write


def rows(n: int, start: int = 0) -> str:
    return "".join(f"ACME CHEM {i},BUYER {i} SA,293339,2024-01-{i % 28 + 1:02d}\n" for i in range(start, start + n))


def one_error_line(err: str) -> str:
    """The single line a failure prints (asserting there is one and no traceback)."""
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert "Traceback" not in err and len(lines) == 1, err
    return lines[0]
