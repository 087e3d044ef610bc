"""``tracekit changes --before W --after W``: what changed between two windows, ranked."""

from __future__ import annotations

import argparse

from tracekit.commands import call, command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--before", required=True, metavar="WINDOW", help="e.g. 2023-01..2023-12 or 2023")
    parser.add_argument("--after", required=True, metavar="WINDOW", help="e.g. 2024-01..2024-06")
    parser.add_argument("--jump", type=float, help="volume change factor that counts")


@command("changes", "new or vanished partners, volume jumps, new intermediaries, route and HS shifts",
         _arguments, function="tracekit.query.changes:changes", parents=("top", "filters-undated"), graph=True)
def run(ws, args: argparse.Namespace):
    return call(ws.changes, args)
