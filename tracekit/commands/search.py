"""``tracekit search TEXT``: entities ranked by fuzzy name match."""

from __future__ import annotations

import argparse

from tracekit.commands import command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="+", help="name to look for (any spelling or script)")


@command("search", "find entities by fuzzy name", _arguments, function="tracekit.workspace:Workspace.search",
         parents=("limit",))
def run(ws, args: argparse.Namespace):
    return ws.search(" ".join(args.text), limit=args.limit)
