"""``tracekit clusters``: companies sharing an address, phone, e-mail or tax id, ranked."""

from __future__ import annotations

import argparse

from tracekit.commands import command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--min-size", type=int, default=2, help="smallest cluster shown (default 2)")
    parser.add_argument("--max-share", type=int, default=50,
                        help="identifiers shared by more companies than this do not link (default 50)")
    parser.add_argument("--new-days", type=int, default=365,
                        help="'newly appearing' means first seen in the last N days of data")
    parser.add_argument("--top", type=int, default=None, help="show only the N best-ranked clusters")


@command("clusters", "shell-company clusters joined by shared identifiers, ranked by indicators", _arguments)
def run(ws, args: argparse.Namespace):
    return ws.shell_clusters(min_size=args.min_size, max_share=args.max_share, new_days=args.new_days,
                             top=args.top)
