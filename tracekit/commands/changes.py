"""``tracekit changes --before W --after W``: what changed between two windows, ranked."""

from __future__ import annotations

import argparse

from tracekit.commands import command
from tracekit.commands.trace import add_filter_options, filter_kwargs


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--before", required=True, metavar="WINDOW", help="e.g. 2023-01..2023-12 or 2023")
    parser.add_argument("--after", required=True, metavar="WINDOW", help="e.g. 2024-01..2024-06")
    parser.add_argument("--jump", type=float, default=3.0, help="volume change factor that counts (default 3)")
    parser.add_argument("--top", type=int, default=None, help="show only the N best-ranked changes")
    add_filter_options(parser, dates=False)


@command("changes", "new or vanished partners, volume jumps, new intermediaries, route and HS shifts",
         _arguments)
def run(ws, args: argparse.Namespace):
    return ws.changes(args.before, args.after, jump=args.jump, top=args.top,
                      **filter_kwargs(args, dates=False))
