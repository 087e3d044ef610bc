"""``tracekit sanctions-proximity ENTITY``: hops from a company to the nearest listed party, with the path
and the shipments behind each hop (``ws.sanctions_proximity``).

(``tracekit screen proximity ENTITY`` is the old form: it still works and says so.)
"""

from __future__ import annotations

import argparse

from tracekit.commands import call, command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("entity", help="entity id, #id or company name")
    screening_options(parser)


def screening_options(parser: argparse.ArgumentParser) -> None:
    """The options of ``tracekit.query.screen:screen`` (shared with ``tracekit screen``)."""
    parser.add_argument("--min-score", type=float, help="lowest match score, 0-1")
    parser.add_argument("--list", dest="lists", action="append", metavar="NAME",
                        help="screen against this stored list only (repeatable)")
    parser.add_argument("--max-hops", type=int, help="trade hops searched from listed parties")


@command("sanctions-proximity", "hops from a company to the nearest listed party, with path and evidence",
         _arguments, function=("tracekit.query.screen:sanctions_proximity", "tracekit.query.screen:screen"))
def run(ws, args: argparse.Namespace):
    return call(ws.sanctions_proximity, args, min_score=args.min_score, lists=args.lists, max_hops=args.max_hops)
