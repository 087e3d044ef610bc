"""``tracekit quarantine``: rows that were not loaded, each with file, line, column, reason and raw text."""

from __future__ import annotations

import argparse

from tracekit.commands import call, command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", metavar="ID|NAME|PATH", help="only this source")
    parser.add_argument("--reason", metavar="REASON", help="only this reason (e.g. no_party, bad_date)")


@command("quarantine", "quarantined rows: file, line, column, reason, detail and the raw text", _arguments,
         function="tracekit.workspace:Workspace.quarantine")
def run(ws, args: argparse.Namespace):
    return call(ws.quarantine, args)
