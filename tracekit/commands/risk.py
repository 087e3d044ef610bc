"""``tracekit risk [ENTITY]``: companies ranked by risk, or one company's contributions with evidence rows."""

from __future__ import annotations

import argparse

from tracekit.commands import call, command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("entity", nargs="?", help="company id, #id or name to explain (omit to rank all)")
    parser.add_argument("--weights", metavar="CSV",
                        help="score with this weights table (format of tracekit/graph/data/risk_weights.csv)")


@command("risk", "companies ranked by risk, or one company's risk: each contribution with its evidence rows",
         _arguments, function="tracekit.query.risk:risk", parents=("top",), graph=True)
def run(ws, args: argparse.Namespace):
    return call(ws.risk, args)
