"""One name per verb across CLI, %tk and Python; the old names still work and say so."""

from __future__ import annotations

import json
import warnings

import pytest
from IPython.core.interactiveshell import InteractiveShell

from tracekit.cli import main


@pytest.mark.parametrize("old, new, extra", [("clusters", "shell-clusters", []),
                                             ("neighbours", "neighbourhood", ["Alpha Chem Co"])])
def test_old_cli_names_work_and_say_so(closed_ws, capsys, old, new, extra):
    folder = str(closed_ws)
    assert main([new, *extra, "--workspace", folder, "--json"]) == 0
    current = json.loads(capsys.readouterr().out)
    assert main([old, *extra, "--workspace", folder, "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == current
    assert f"tracekit {old}: deprecated name, use 'tracekit {new}'" in captured.err


def test_help_lists_the_old_name_beside_the_new(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "shell-clusters (clusters)" in out and "neighbourhood (neighbours)" in out


def test_old_magic_name_works_and_says_so(closed_ws, capsys):
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "tracekit")
    try:
        shell.run_line_magic("tk", f"use {closed_ws}")
        shell.run_line_magic("tk", "clusters -o old_clusters")
        err = capsys.readouterr().err
        assert "%tk clusters: deprecated name, use '%tk shell-clusters'" in err
        assert type(shell.user_ns["old_clusters"]).__name__ == "ShellClustersResult"
    finally:
        shell.run_line_magic("tk", "close")
        shell.run_line_magic("unload_ext", "tracekit")


def test_us_spelling_is_the_same_verb(ws):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ws.neighborhood("Alpha Chem Co").to_frame().equals(ws.neighbourhood("Alpha Chem Co").to_frame())


def test_a_python_old_name_warns_and_still_works():
    from tracekit.query.verbs import Verb

    class Facade:
        old = Verb("tracekit.resolve.lookup:collapse", deprecated="new")

        def __str__(self) -> str:
            return "  a   facade "

    with pytest.warns(FutureWarning, match="ws.old is deprecated: use ws.new"):
        assert Facade().old() == "a facade"
