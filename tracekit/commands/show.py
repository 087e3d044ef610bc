"""``tracekit show ENTITY``: the explorer on a company's neighbourhood (a static SVG in a terminal)."""

from __future__ import annotations

import argparse
from pathlib import Path

from tracekit.commands import command
from tracekit.commands.trace import add_filter_options, filter_kwargs


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("entity", help="entity id or company name")
    parser.add_argument("--hops", type=int, default=1, help="how far to expand at first (default 1)")
    parser.add_argument("--limit", type=int, default=50, help="partners shown per company (default 50)")
    parser.add_argument("--max-nodes", type=int, default=300,
                        help="most nodes on the canvas; the rest fold into '+N more' nodes (default 300)")
    parser.add_argument("--svg", metavar="FILE", help="also write the static drawing to FILE")
    add_filter_options(parser)


@command("show", "explore a company's neighbourhood: a live graph in JupyterLab, an SVG elsewhere", _arguments)
def run(ws, args: argparse.Namespace):
    explorer = ws.show(args.entity, hops=args.hops, limit=args.limit, max_nodes=args.max_nodes,
                       **filter_kwargs(args))
    if args.svg:
        Path(args.svg).write_text(explorer.to_svg(), encoding="utf-8")
    return explorer
