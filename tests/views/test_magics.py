"""%tk: same verbs as the CLI, one-line errors, -o storage, {var} expansion, help, workspace choice."""

from __future__ import annotations

import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell

from tracekit.commands import all_commands


@pytest.fixture
def shell(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACEKIT_WORKSPACE", str(tmp_path / "ws"))
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "tracekit")
    yield ip
    ip.run_line_magic("tk", "close")
    ip.run_line_magic("unload_ext", "tracekit")
    ip.user_ns.pop("rows", None)


def _loaded(shell, tmp_path) -> None:
    frame = pd.DataFrame({"shipper_name": ["Alpha Chem Co", "Alpha Chem Co"],
                          "consignee_name": ["Beta Import SA", "Gamma SA"],
                          "hs_code": ["293339", "293339"], "date": ["2023-01-02", "2023-02-03"]})
    path = tmp_path / "bills.csv"
    frame.to_csv(path, index=False)
    shell.user_ns["bills"] = str(path)
    shell.run_cell("%tk load {bills} -o report")


def test_every_cli_verb_is_a_magic_verb(shell, capsys):
    shell.run_line_magic("tk", "help")
    out = capsys.readouterr().out
    for name in all_commands():
        assert name in out
    assert "%tk use DIR" in out


def test_verb_help_shows_its_arguments_and_store_option(shell, capsys):
    shell.run_line_magic("tk", "trace --help")
    out = capsys.readouterr().out
    assert "usage: %tk trace" in out and "--hops" in out and "-o NAME, --store-to NAME" in out


@pytest.mark.parametrize("line, expected", [
    ("trace --hops many X", "invalid int value: 'many'"),
    ("nosuchverb", "invalid choice: 'nosuchverb'"),
    ("trace 'unclosed", "No closing quotation"),
    ("trace", "the following arguments are required: entity"),
])
def test_user_mistakes_print_one_line_and_no_traceback(shell, capsys, line, expected):
    result = shell.run_cell(f"%tk {line}")
    err = capsys.readouterr().err
    assert result.success and expected in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_tracekit_errors_are_one_line_too(shell, tmp_path, capsys):
    _loaded(shell, tmp_path)
    shell.run_cell("%tk resolve")
    capsys.readouterr()
    result = shell.run_cell("%tk trace 999999999")
    err = capsys.readouterr().err
    assert result.success and err.startswith("%tk: error: no entity has id 999999999")


def test_results_are_stored_expanded_and_workspace_is_the_env_default(shell, tmp_path, capsys):
    _loaded(shell, tmp_path)
    assert shell.user_ns["report"] is not None
    shell.run_cell("%tk resolve")
    shell.user_ns["who"] = "Alpha Chem Co"
    shell.run_cell('%tk search "{who}" --limit 2 -o hits')
    hits = shell.user_ns["hits"]
    assert hits.iloc[0]["name"] == "Alpha Chem Co"
    assert (tmp_path / "ws" / "tracekit.duckdb").exists()
    shell.run_cell("%tk info --json")
    assert '"shipments": 2' in capsys.readouterr().out.replace("\n  ", " ")


def test_use_switches_the_session_workspace(shell, tmp_path, capsys):
    shell.run_line_magic("tk", f"use {tmp_path / 'other'}")
    assert "tracekit workspace:" in capsys.readouterr().out
    shell.run_cell("%tk info -o i")
    assert (tmp_path / "other" / "tracekit.duckdb").exists() and shell.user_ns["i"].shipments == 0
    shell.run_cell("%tk use")
    assert "usage: %tk use DIR" in capsys.readouterr().err
