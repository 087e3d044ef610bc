"""``tracekit neighbours ENTITY``: a company's busiest trade partners (what the explorer expands)."""

from __future__ import annotations

import argparse

from tracekit.commands import command
from tracekit.commands.trace import add_filter_options, filter_kwargs


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("entity", help="entity id or company name")
    parser.add_argument("--hops", type=int, default=1)
    parser.add_argument("--limit", type=int, default=50, help="partners shown per company (default 50)")
    add_filter_options(parser)


@command("neighbours", "a company's trade partners, busiest first, the rest folded", _arguments)
def run(ws, args: argparse.Namespace):
    return ws.neighbourhood(args.entity, args.hops, args.limit, **filter_kwargs(args))
