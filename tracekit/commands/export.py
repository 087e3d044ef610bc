"""``tracekit export mentions --out FILE``: every mention with its entity, for review outside tracekit."""

from __future__ import annotations

import argparse

from tracekit.commands import command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", choices=["mentions"], help="what to export")
    parser.add_argument("--out", required=True, metavar="FILE", help="output .csv or .parquet file")
    parser.add_argument("--format", choices=["csv", "parquet"], help="override the format the suffix implies")


@command("export", "export mentions with their entities to CSV (formula-safe) or Parquet", _arguments)
def run(ws, args: argparse.Namespace):
    return ws.export_mentions(args.out, args.format)
