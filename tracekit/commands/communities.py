"""``tracekit communities``: groups of companies that trade mostly among themselves."""

from __future__ import annotations

import argparse

from tracekit.commands import call, command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--method", choices=["leiden", "louvain"], help="community detection algorithm")
    parser.add_argument("--resolution", type=float, help="higher: more, smaller communities")
    parser.add_argument("--seed", type=int, help="random seed (same seed, same communities)")
    parser.add_argument("--components", type=int, metavar="N",
                        help="only the N largest trade components, each split on its own (how Spark splits "
                             "a graph too big for the driver)")


@command("communities", "trade communities with size, countries, HS codes, volume and flags", _arguments,
         function="tracekit.query.communities:communities", parents=("filters",), graph=True)
def run(ws, args: argparse.Namespace):
    return call(ws.communities, args)
