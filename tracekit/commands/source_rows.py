"""``tracekit source-rows [SHIPMENT_ID …]``: the raw rows behind shipments, exactly as the source wrote them."""

from __future__ import annotations

import argparse

from tracekit.commands import command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("shipment_ids", nargs="*", type=int, metavar="SHIPMENT_ID",
                        help="shipment ids (as evidence and flags list them)")
    parser.add_argument("--source", metavar="ID|NAME|PATH", help="rows of this source instead")
    parser.add_argument("--line", dest="lines", action="append", type=int, metavar="N",
                        help="with --source: only this physical line (repeatable)")


@command("source-rows", "the raw rows behind shipments, every original column as text", _arguments,
         function="tracekit.workspace:Workspace.source_rows")
def run(ws, args: argparse.Namespace):
    return ws.source_rows(args.shipment_ids or None, source=args.source, lines=args.lines)
