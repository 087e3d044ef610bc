"""``tracekit show ENTITY``: the explorer on a company's neighbourhood (a static SVG in a terminal)."""

from __future__ import annotations

import argparse
from pathlib import Path

from tracekit.commands import call, command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", metavar="ENTITY", help="entity id, #id or company name")
    parser.add_argument("--max-nodes", type=int, metavar="N",
                        help="most nodes on the canvas; the rest fold into '+N more' nodes")
    parser.add_argument("--svg", metavar="FILE", help="also write the static drawing to FILE")


@command("show", "explore a company's neighbourhood: a live graph in JupyterLab, an SVG elsewhere", _arguments,
         function=("tracekit.views.verbs:ViewVerbs.show", "tracekit.query.neighbourhood:neighbourhood"),
         parents=("hops", "limit", "filters"))
def run(ws, args: argparse.Namespace):
    explorer = call(ws.show, args, **{k: getattr(args, k) for k in
                                      ("hs", "since", "until", "countries", "min_shipments")})
    if args.svg:
        Path(args.svg).write_text(explorer.to_svg(), encoding="utf-8")
    return explorer
