"""The one failure path of the CLI and %tk: user errors, bugs (log + --debug), read-only mode, init."""

from __future__ import annotations

import re

import pytest
from IPython.core.interactiveshell import InteractiveShell

import tracekit
from tests.hardening.conftest import HEADER, one_error_line, rows
from tracekit.commands import all_commands
from tracekit.errors import QueryError


@pytest.fixture
def broken_info(monkeypatch):
    """Make `info` fail the way a bug in tracekit would (with hostile text in the message)."""
    from dataclasses import replace

    import tracekit.commands as commands

    def boom(ws, args):
        raise RuntimeError("boom \x1b]0;owned\x07 in the code")

    monkeypatch.setitem(commands._REGISTRY, "info", replace(all_commands()["info"], run=boom))


def test_a_bug_is_one_line_with_the_traceback_in_the_workspace_log(cli, tmp_path, broken_info):
    assert cli("init", tmp_path / "ws").code == 0
    run = cli("info", "-w", tmp_path / "ws")
    line = one_error_line(run.err)
    assert run.code == 1
    assert "internal error (RuntimeError: boom \\x1b]0;owned\\x07 in the code). This is a bug in tracekit" in line
    assert f"the traceback is in {tmp_path / 'ws' / 'tracekit-error.log'}" in line and "--debug" in line
    log = (tmp_path / "ws" / "tracekit-error.log").read_text()
    assert "Traceback (most recent call last)" in log and "RuntimeError: boom" in log and "command: tracekit info" in log
    debug = cli("info", "-w", tmp_path / "ws", "--debug")
    assert debug.code == 1 and "Traceback (most recent call last)" in debug.err and "RuntimeError" in debug.err


def test_read_only_mode_reads_and_refuses_to_write(cli, write, tmp_path):
    ws_path = tmp_path / "ws"
    assert cli("load", write("f.csv", HEADER + rows(3)), "-w", ws_path).code == 0
    info = cli("info", "-w", ws_path, "--read-only")
    assert info.code == 0 and re.search(r"^shipments\s+3$", info.out, re.M)
    run = cli("load", write("g.csv", HEADER + rows(2, start=50)), "-w", ws_path, "--read-only")
    assert run.code == 2 and "was opened read-only" in one_error_line(run.err)
    assert re.search(r"^sources\s+1$", cli("info", "-w", ws_path).out, re.M)


def test_init_creates_only_in_an_empty_folder(cli, tmp_path):
    assert cli("init", tmp_path / "new").code == 0 and (tmp_path / "new" / "tracekit.duckdb").exists()
    assert cli("init", tmp_path / "new").code == 0  # an existing workspace is fine
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "report.docx").write_text("x")
    run = cli("init", tmp_path / "full")
    assert run.code == 2 and "holds other files (report.docx)" in one_error_line(run.err)


def test_python_api_raises_tracekit_errors():
    with tracekit.Workspace() as ws:
        with pytest.raises(QueryError, match="the query failed"):
            ws.sql("SELEC nonsense")
        with pytest.raises(tracekit.TracekitError, match="on_change must be"):
            ws.load([], on_change="sometimes")


@pytest.fixture
def shell(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACEKIT_WORKSPACE", str(tmp_path / "ws"))
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "tracekit")
    yield ip
    ip.run_line_magic("tk", "close")
    ip.run_line_magic("unload_ext", "tracekit")


def test_magic_read_verb_on_a_missing_workspace_is_one_line_and_creates_nothing(shell, tmp_path, capsys):
    result = shell.run_cell(f"%tk info -w {tmp_path / 'typo'}")
    assert result.success
    assert "is not a tracekit workspace" in one_error_line(capsys.readouterr().err)
    assert not (tmp_path / "typo").exists()


def test_magic_bug_is_one_line_never_a_traceback(shell, tmp_path, capsys, broken_info):
    shell.run_cell(f"%tk init {tmp_path / 'ws'}")
    capsys.readouterr()
    result = shell.run_cell("%tk info")
    line = one_error_line(capsys.readouterr().err)
    assert result.success and line.startswith("%tk: internal error (RuntimeError: boom \\x1b]0;owned\\x07")
    assert (tmp_path / "ws" / "tracekit-error.log").exists()
