"""``tracekit risk [ENTITY]``: companies ranked by risk, or one company's contributions with evidence rows."""

from __future__ import annotations

import argparse

from tracekit.commands import command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("entity", nargs="?", default=None, help="company id or name to explain (omit to rank all)")
    parser.add_argument("--top", type=int, default=None, help="show only the N highest scores")
    parser.add_argument("--weights", metavar="CSV", default=None,
                        help="score with this weights table (format of tracekit/graph/data/risk_weights.csv)")


@command("risk", "companies ranked by risk, or one company's risk: each contribution with its evidence rows",
         _arguments)
def run(ws, args: argparse.Namespace):
    return ws.risk(args.entity, top=args.top, weights=args.weights)
