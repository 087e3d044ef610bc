"""``tracekit resolve``: turn party mentions into entities (new mentions only, or ``--full``)."""

from __future__ import annotations

import argparse

from tracekit.commands import command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--full", action="store_true",
                        help="redo the whole resolution instead of only mentions loaded since the last run")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


@command("resolve", "resolve party mentions into entities (analyst decisions are re-applied)", _arguments, function="tracekit.resolve.verbs:ResolveVerbs.resolve")
def run(ws, args: argparse.Namespace):
    return ws.resolve(full=args.full, progress=not args.no_progress and not args.json)
