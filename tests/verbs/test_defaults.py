"""Each verb defined once: the CLI, %tk and Python take every default from the plain function."""

from __future__ import annotations

import argparse
import inspect

import pytest

from tracekit.commands import all_commands, build_parser, defaults_of, verb_parsers
from tracekit.magics.tk import build_magic_parser

COMMANDS = all_commands()
FRONT_END = {"help", "workspace", "json", "read_only", "debug", "store_to", "static", "verb", "_command",
             "engine", "spark_master"}  # the engine switch (commands/_engine.py): front-end options


def _parsers():
    return verb_parsers(build_parser()), verb_parsers(build_magic_parser())


CLI, MAGIC = _parsers()


def _option_actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions if a.dest not in FRONT_END and not isinstance(a, argparse._HelpAction)]


@pytest.mark.parametrize("name", sorted(n for n, c in COMMANDS.items() if c.function))
def test_cli_magic_and_python_defaults_are_the_functions(name):
    cmd = COMMANDS[name]
    functions = cmd.functions()
    compared = 0
    for action in _option_actions(CLI[name]):
        owners = [f for f in functions if action.dest in defaults_of(f)]
        if not owners:
            continue
        expected = defaults_of(owners[0])[action.dest]
        for other in owners[1:]:  # a verb over two functions: they must agree, or the option would lie
            assert defaults_of(other)[action.dest] == expected, (name, action.dest, other)
        magic = next(a for a in MAGIC[name]._actions if a.dest == action.dest)
        if isinstance(action, argparse._AppendAction) and expected in ((), []):
            expected = None  # "none given" (argparse appends to its default)
        assert action.default == expected, (name, action.dest)
        assert magic.default == expected, (name, action.dest)
        compared += 1
    assert compared or not _option_actions(CLI[name]), f"{name}: no option takes a default from its function"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_no_option_writes_its_own_default_for_a_function_parameter(name):
    cmd = COMMANDS[name]
    parser = argparse.ArgumentParser(add_help=False)
    cmd.own_arguments(parser)
    defaults = cmd.defaults()
    for action in parser._actions:
        if action.dest in defaults and not isinstance(action, argparse._StoreConstAction):
            assert action.default is None, f"{name} --{action.dest}: the default belongs in the function"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_is_read(name):
    """An option the verb never passes on is a control that does nothing: remove it or wire it."""
    cmd = COMMANDS[name]
    source = inspect.getsource(cmd.run)
    params = set()
    for function in cmd.functions():
        params |= set(inspect.signature(function).parameters)
    for action in _option_actions(CLI[name]):
        assert action.dest in params or f"args.{action.dest}" in source, f"{name}: --{action.dest} is never read"
        if "call(" in source and f"args.{action.dest}" not in source:
            method = getattr(cmd.functions()[0], "__name__", "")
            assert action.dest in params, f"{name}: call({method}) ignores --{action.dest}"


def test_workspace_methods_have_the_plain_functions_signature():
    import tracekit
    from tracekit.query import neighbourhood, trace

    ws = tracekit.Workspace()
    try:
        for method, function in ((ws.trace, trace.trace), (ws.neighbourhood, neighbourhood.neighbourhood)):
            shown = inspect.signature(method).parameters
            for name, param in list(inspect.signature(function).parameters.items())[1:]:
                assert shown[name].default == param.default
            assert shown["display"].default == "auto"  # graph verbs: explorer by default
            assert method.__doc__ == function.__doc__
        assert tracekit.Workspace.trace is trace.trace
    finally:
        ws.close()


def test_trace_help_names_defaults(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["trace", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "(default: 3)" in out and "(default: 180)" in out and "(default: 'down')" in out


def test_shared_options_come_from_parent_parsers():
    for name in ("trace", "paths", "communities", "neighbourhood", "show"):
        dests = {a.dest for a in CLI[name]._actions}
        assert {"hs", "since", "until", "countries", "min_shipments"} <= dests, name
    assert "since" not in {a.dest for a in CLI["changes"]._actions}


def test_cli_startup_does_not_import_the_query_stage():
    import subprocess
    import sys

    code = ("import sys, tracekit.commands as c; c.build_parser().format_help(); "
            "print(any(m.startswith('tracekit.query') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
