"""``tracekit paths A B``: how two companies connect through trade."""

from __future__ import annotations

import argparse

from tracekit.commands import command
from tracekit.commands.trace import add_filter_options, filter_kwargs


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("a", help="entity id or name where the goods start")
    parser.add_argument("b", help="entity id or name where they end")
    parser.add_argument("--method", choices=["hops", "weight"], default="hops",
                        help="fewest hops, or strongest ties (cost 1/shipments)")
    parser.add_argument("-k", type=int, default=1, help="number of shortest paths (default 1)")
    parser.add_argument("--all", dest="all_paths", action="store_true",
                        help="every simple path up to --max-hops (at most --max-paths)")
    parser.add_argument("--max-hops", type=int, default=6)
    parser.add_argument("--max-paths", type=int, default=100)
    parser.add_argument("--undirected", action="store_true", help="ignore the direction of goods")
    add_filter_options(parser)


@command("paths", "trade paths between two companies: shortest, k-shortest or all bounded", _arguments)
def run(ws, args: argparse.Namespace):
    return ws.paths(args.a, args.b, method=args.method, k=args.k, all_paths=args.all_paths,
                    max_hops=args.max_hops, max_paths=args.max_paths, directed=not args.undirected,
                    **filter_kwargs(args))
