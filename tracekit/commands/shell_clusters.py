"""``tracekit shell-clusters``: companies sharing an address, phone, e-mail or tax id, ranked.

(``tracekit clusters`` is the old name: it still works and says so.)
"""

from __future__ import annotations

import argparse

from tracekit.commands import call, command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--min-size", type=int, metavar="N", help="smallest cluster shown")
    parser.add_argument("--max-share", type=int, metavar="N",
                        help="identifiers shared by more companies than this do not link")
    parser.add_argument("--new-days", type=int, metavar="DAYS",
                        help="'newly appearing' means first seen in the last N days of data")


@command("shell-clusters", "shell-company clusters joined by shared identifiers, ranked by indicators",
         _arguments, function="tracekit.query.shell_clusters:shell_clusters", parents=("top",),
         deprecated=("clusters",), graph=True)
def run(ws, args: argparse.Namespace):
    return call(ws.shell_clusters, args)
