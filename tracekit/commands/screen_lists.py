"""``tracekit screen-lists list|add FILE|remove NAME|entries [NAME]``: the sanctions lists screening uses
(``ws.screen_lists.list()``, ``.add(FILE, name=)``, ``.remove(NAME)``, ``.entries(NAME)``).

(``tracekit screen add FILE`` and ``tracekit screen lists`` are the old forms: they still work and say so.)
"""

from __future__ import annotations

import argparse

from tracekit.commands import command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["list", "add", "remove", "entries"],
                        help="list: what is stored; add FILE: store a list; remove NAME; entries [NAME]: its names")
    parser.add_argument("target", nargs="?", metavar="FILE|NAME",
                        help="the list file (OFAC folder/sdn.csv, FtM .json/.jsonl) for add; a list name otherwise")
    parser.add_argument("--name", help="add: name the list is stored under (default: the file name)")
    parser.add_argument("--format", choices=["auto", "ofac", "ftm"], help="add: list format")


@command("screen-lists", "list, add or remove the sanctions lists screening uses (OFAC, FollowTheMoney)",
         _arguments, function="tracekit.store.screen_lists:ScreenLists.add")
def run(ws, args: argparse.Namespace):
    return run_action(ws, args.action, args.target, name=args.name, format=args.format, verb="screen-lists")


def run_action(ws, action: str, target: str | None, *, name: str | None, format: str,  # noqa: A002
               verb: str):
    """One ``screen-lists`` action (shared with the old ``screen add`` / ``screen lists`` forms)."""
    from tracekit.errors import TracekitError

    lists = ws.screen_lists
    if action == "list":
        return lists.list()
    if action == "entries":
        return lists.entries(target)
    if not target:
        raise TracekitError(f"{verb} {action} needs a {'FILE' if action == 'add' else 'NAME'}"
                            + (": tracekit screen-lists add sdn.csv --name ofac" if action == "add" else ""))
    if action == "add":
        lists.add(target, name=name, format=format)
        return lists.list()
    lists.remove(target)
    return f"removed screening list {target!r}; risk is rebuilt on next use"
