"""One name per verb across CLI, %tk and Python — checked over the whole command registry.

The rule: a CLI verb is the Workspace method (or collection attribute) of the same name with ``-`` for
``_``, and ``%tk`` has exactly the CLI's verbs. An action word after a collection verb is the method of
that collection (``tracekit watchlists add FILE`` is ``ws.watchlists.add(FILE)``). Every public name
on the Workspace is a verb under that rule, an old name that warns, or one of the exceptions below,
each with its reason. Adding a verb, a method or an alias without one of these fails here.
"""

from __future__ import annotations

import argparse
import inspect
import json
import warnings

import pytest
from IPython.core.interactiveshell import InteractiveShell

import tracekit
from tracekit.cli import main
from tracekit.commands import all_commands, build_parser, verb_parsers
from tracekit.magics.tk import build_magic_parser

COMMANDS = all_commands()

CLI_ONLY = {
    "init": "creates a workspace folder; in Python that is the constructor, tracekit.Workspace(path)",
    "demo": "writes the fictional demo world to files, no workspace involved: tracekit.demo.generate",
}
PYTHON_ONLY = {
    "graph": "returns the whole trade graph as a networkx object, which has no terminal form; "
             "from a shell the same graph is `tracekit export graph`",
    "neighborhood": "the US spelling of ws.neighbourhood: the same verb, not a second name",
    "explore": "ws.show under the name analysts from ipysigma / graph-notebook type; a notebook-only "
               "widget, whose CLI/%tk verb is `show`",
}
NOT_VERBS = {
    "close": "ends the Python object's life (the CLI closes after every verb; %tk has `%tk close`)",
    "path": "attribute: the workspace folder",
    "spark": "constructor: tracekit.Workspace.spark(session, path)",
    "store": "attribute: the Store",
    "schema_version": "attribute",
}
OLD_PYTHON_NAMES = {  # still work, warn (FutureWarning), and name the verb to use
    "entity": "explain",
    "export_mentions": "export",
}
OLD_CLI_NAMES = {"clusters": "shell-clusters", "neighbours": "neighbourhood", "watchlist": "watchlists"}
MOVED_ACTIONS = {("screen", "add"): "screen-lists add", ("screen", "lists"): "screen-lists list",
                 ("screen", "proximity"): "sanctions-proximity"}


def _public_workspace_names() -> set[str]:
    return {n for n in dir(tracekit.Workspace) if not n.startswith("_")} | {"store", "schema_version"}


def _collection_verbs() -> dict[str, type]:
    """Workspace properties that hold a collection (watch lists, screening lists) → its class."""
    ws = tracekit.Workspace()
    try:
        return {name: type(getattr(ws, name)) for name in dir(tracekit.Workspace)
                if isinstance(inspect.getattr_static(tracekit.Workspace, name), property)}
    finally:
        ws.close()


COLLECTIONS = _collection_verbs()


def _action_choices(parser: argparse.ArgumentParser) -> list[str]:
    action = next((a for a in parser._actions if a.dest == "action"), None)
    return list(action.choices) if action is not None and action.choices else []


def test_every_cli_verb_is_a_workspace_name_by_the_rule():
    for name in COMMANDS:
        python = name.replace("-", "_")
        if name in CLI_ONLY:
            assert not hasattr(tracekit.Workspace, python), f"{name} is listed CLI-only but ws.{python} exists"
            continue
        assert hasattr(tracekit.Workspace, python), f"tracekit {name} has no ws.{python} (rule: - for _)"
        assert python not in OLD_PYTHON_NAMES, f"tracekit {name} is named after a deprecated Python name"


def test_every_workspace_name_is_a_cli_verb_an_old_name_or_a_listed_exception():
    verbs = {n.replace("-", "_") for n in COMMANDS}
    for name in sorted(_public_workspace_names()):
        known = name in verbs or name in PYTHON_ONLY or name in NOT_VERBS or name in OLD_PYTHON_NAMES
        assert known, (f"ws.{name} has no `tracekit {name.replace('_', '-')}`: add the verb, make it an old "
                       f"name that warns, or list it here with the reason")
    for listed in (*PYTHON_ONLY, *NOT_VERBS, *OLD_PYTHON_NAMES):
        assert listed in _public_workspace_names(), f"{listed}: listed as an exception but gone; drop it"
        assert listed not in verbs, f"{listed}: listed as an exception but it is a verb now; drop it"


def test_magic_verbs_are_the_cli_verbs():
    cli, magic = verb_parsers(build_parser()), verb_parsers(build_magic_parser())
    assert set(cli) == set(magic)
    expected = set(COMMANDS) | {old for cmd in COMMANDS.values() for old in cmd.deprecated}
    assert set(cli) == expected
    for name in cli:
        assert cli[name].get_default("_command") is magic[name].get_default("_command")


def test_old_names_are_exactly_the_listed_ones():
    registered = {old: cmd.name for cmd in COMMANDS.values() for old in cmd.deprecated}
    assert registered == OLD_CLI_NAMES
    moved = {(cmd.name, old): new for cmd in COMMANDS.values() for old, new in cmd.moved_actions}
    assert moved == MOVED_ACTIONS
    for (verb, _old), new in MOVED_ACTIONS.items():
        assert new.split()[0] in COMMANDS, f"{verb}: moved to a verb that does not exist: {new}"


@pytest.mark.parametrize("name", sorted(n for n in COMMANDS if n.replace("-", "_") in COLLECTIONS))
def test_action_words_are_the_collections_methods(name):
    collection = COLLECTIONS[name.replace("-", "_")]
    parser = verb_parsers(build_parser())[name]
    actions = _action_choices(parser)
    assert actions, f"{name}: a collection verb takes an action word"
    for action in actions:
        assert callable(getattr(collection, action, None)), \
            f"tracekit {name} {action} has no ws.{name.replace('-', '_')}.{action}()"


@pytest.mark.parametrize("name", sorted(n for n in COMMANDS if n.replace("-", "_") not in COLLECTIONS))
def test_other_verbs_take_no_action_words_but_their_old_forms(name):
    """An action word on a verb that is a method would be a second name for another verb."""
    actions = set(_action_choices(verb_parsers(build_parser())[name]))
    moved = {old for old, _new in COMMANDS[name].moved_actions}
    assert actions <= moved | {"run"}, f"tracekit {name}: action words {sorted(actions - moved)}"


@pytest.mark.parametrize("old, new", sorted(OLD_PYTHON_NAMES.items()))
def test_old_python_names_warn_with_the_name_to_use(ws, tmp_path, old, new):
    calls = {"entity": ("Alpha Chem Co",), "export_mentions": (tmp_path / "m.csv",)}
    with pytest.warns(FutureWarning, match=rf"ws\.{old}\(.*is deprecated: use ws\.{new}\("):
        old_result = getattr(ws, old)(*calls[old])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if old == "entity":
            assert str(ws.explain("Alpha Chem Co")) == str(old_result)
        else:
            assert ws.export("mentions", tmp_path / "n.csv").rows == old_result.rows


def test_old_watchlist_name_works_and_says_so(closed_ws, capsys):
    folder = str(closed_ws)
    assert main(["watchlists", "list", "--workspace", folder, "--json"]) == 0
    current = json.loads(capsys.readouterr().out)
    assert main(["watchlist", "list", "--workspace", folder, "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == current and current
    assert "tracekit watchlist: deprecated name, use 'tracekit watchlists'" in captured.err


@pytest.fixture()
def listed_ws(tmp_path):
    """A copy of the small verbs world with a FollowTheMoney list naming one of its companies."""
    from tests.verbs.conftest import build

    listing = tmp_path / "list.ftm.jsonl"
    listing.write_text(json.dumps({"id": "x1", "schema": "Company",
                                   "properties": {"name": ["Beta Import SA"], "topics": ["sanction"]}}) + "\n")
    workspace = build(tmp_path)
    folder = workspace.path
    workspace.close()
    return str(folder), str(listing)


def test_screening_lists_and_proximity_have_their_own_verbs_and_the_old_forms_say_so(listed_ws, capsys):
    folder, listing = listed_ws
    assert main(["screen-lists", "add", listing, "--name", "mine", "-w", folder, "--json"]) == 0
    added = json.loads(capsys.readouterr().out)
    assert [r["list_name"] for r in added] == ["mine"]
    assert main(["screen", "add", listing, "--name", "old", "-w", folder, "--json"]) == 0
    captured = capsys.readouterr()
    assert "tracekit screen add: deprecated, use 'tracekit screen-lists add'" in captured.err
    assert main(["screen-lists", "remove", "old", "-w", folder]) == 0
    capsys.readouterr()

    assert main(["screen-lists", "list", "-w", folder, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert main(["screen", "lists", "-w", folder, "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == listed and [r["list_name"] for r in listed] == ["mine"]
    assert "use 'tracekit screen-lists list'" in captured.err

    assert main(["sanctions-proximity", "Alpha Chem Co", "-w", folder, "--json"]) == 0
    near = json.loads(capsys.readouterr().out)
    assert near["hops"] == 1 and near["nearest_listed_name"].upper() == "BETA IMPORT SA"
    assert main(["screen", "proximity", "Alpha Chem Co", "-w", folder, "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == near
    assert "tracekit screen proximity: deprecated, use 'tracekit sanctions-proximity'" in captured.err

    ws = tracekit.Workspace(folder)
    try:
        python = json.loads(json.dumps(ws.sanctions_proximity("Alpha Chem Co"), default=str))
        assert python["hops"] == near["hops"] and python["path"] == near["path"]
        assert ws.screen_lists.list().equals(ws.screen_lists.to_frame())
    finally:
        ws.close()


def test_old_screen_form_in_the_magic_says_so(listed_ws, capsys):
    folder, listing = listed_ws
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "tracekit")
    try:
        shell.run_line_magic("tk", f"use {folder}")
        shell.run_line_magic("tk", f"screen add {listing} --name mine -o added")
        assert "%tk screen add: deprecated, use '%tk screen-lists add'" in capsys.readouterr().err
        assert shell.user_ns["added"]["list_name"].tolist() == ["mine"]
    finally:
        shell.run_line_magic("tk", "close")
        shell.run_line_magic("unload_ext", "tracekit")
        shell.user_ns.pop("added", None)


def test_preview_and_sql_are_verbs_like_their_methods(closed_ws, tmp_path, capsys):
    csv = tmp_path / "bills.csv"
    csv.write_text("Shipper,Consignee,Goods Shipped\nACME CO,BETA SA,ACETONE\n")
    assert main(["preview", str(csv), "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert main(["load", str(csv), "--dry-run", "--json", "-w", str(tmp_path / "never")]) == 0
    assert json.loads(capsys.readouterr().out) == cli
    assert not (tmp_path / "never").exists()
    with tracekit.Workspace() as ws:
        assert json.loads(json.dumps(ws.preview(str(csv)).to_json(), default=str)) == cli

    assert main(["sql", "SELECT count(*) AS n FROM shipments", "-w", str(closed_ws), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    with tracekit.Workspace(closed_ws, read_only=True) as ws:
        assert rows == [{"n": int(ws.sql("SELECT count(*) AS n FROM shipments")["n"].iloc[0])}] and rows[0]["n"]
