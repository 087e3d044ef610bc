"""``tracekit paths A B``: how two companies connect through trade."""

from __future__ import annotations

import argparse

from tracekit.commands import call, command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("a", help="entity id, #id or name where the goods start")
    parser.add_argument("b", help="entity id, #id or name where they end")
    parser.add_argument("--method", choices=["hops", "weight"],
                        help="fewest hops, or strongest ties (cost 1/shipments)")
    parser.add_argument("-k", type=int, help="number of shortest paths")
    parser.add_argument("--all", dest="all_paths", action="store_true",
                        help="every simple path up to --max-hops (at most --max-paths)")
    parser.add_argument("--max-hops", type=int, metavar="N", help="longest path searched")
    parser.add_argument("--max-paths", type=int, metavar="N", help="most paths listed with --all")
    parser.add_argument("--undirected", dest="directed", action="store_false",
                        help="ignore the direction of goods")


@command("paths", "trade paths between two companies: shortest, k-shortest or all bounded", _arguments,
         function="tracekit.query.paths:paths", parents=("filters",), graph=True)
def run(ws, args: argparse.Namespace):
    return call(ws.paths, args)
