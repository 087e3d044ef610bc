"""``tracekit sql "SELECT …"``: a query of your own against the workspace tables (``ws.sql``)."""

from __future__ import annotations

import argparse

from tracekit.commands import command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", help="the SQL (DuckDB dialect); tables as in docs/ARCHITECTURE.md")


@command("sql", "run a query of your own against the workspace tables; prints the rows",
         _arguments)
def run(ws, args: argparse.Namespace):
    return ws.sql(args.query)
