"""``tracekit explain A B``: why two mentions or entities are (not) the same; ``explain A`` shows one entity."""

from __future__ import annotations

import argparse

from tracekit.commands import command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("a", help="mention id, entity id, #id or a name")
    parser.add_argument("b", nargs="?", help="second mention id, entity id or name (omit to show entity A)")


@command("explain", "show the features and score of a pair, or an entity's variants and evidence",
         _arguments, function="tracekit.workspace:Workspace.explain")
def run(ws, args: argparse.Namespace):
    return ws.explain(args.a, args.b)
