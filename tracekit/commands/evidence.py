"""``tracekit evidence A [B]``: the shipments behind a trade edge A → B, or every shipment of A."""

from __future__ import annotations

import argparse

from tracekit.commands import call, command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("a", help="entity id, #id or name (the shipper of the edge, or the company)")
    parser.add_argument("b", nargs="?", help="entity id, #id or name of the consignee (omit: every shipment of A)")


@command("evidence", "the shipments behind an edge or a company, each with its source file and line",
         _arguments, function="tracekit.query.evidence:evidence", parents=("limit", "hs-dates"))
def run(ws, args: argparse.Namespace):
    return call(ws.evidence, args)
