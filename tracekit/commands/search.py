"""``tracekit search TEXT``: entities ranked by fuzzy name match."""

from __future__ import annotations

import argparse

from tracekit.commands import command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="+", help="name to look for (any spelling or script)")
    parser.add_argument("--limit", type=int, default=10, help="how many entities to show (default 10)")


@command("search", "find entities by fuzzy name", _arguments)
def run(ws, args: argparse.Namespace):
    return ws.search(" ".join(args.text), limit=args.limit)
