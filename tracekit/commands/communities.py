"""``tracekit communities``: groups of companies that trade mostly among themselves."""

from __future__ import annotations

import argparse

from tracekit.commands import command
from tracekit.commands.trace import add_filter_options, filter_kwargs


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--method", choices=["leiden", "louvain"], default="leiden")
    parser.add_argument("--resolution", type=float, default=1.0, help="higher: more, smaller communities")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same communities)")
    add_filter_options(parser)


@command("communities", "trade communities with size, countries, HS codes, volume and flags", _arguments)
def run(ws, args: argparse.Namespace):
    return ws.communities(args.method, args.resolution, seed=args.seed, **filter_kwargs(args))
