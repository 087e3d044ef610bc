"""``tracekit brief ENTITY --out brief.html``: a self-contained HTML brief of one company (papermill template)."""

from __future__ import annotations

import argparse

from tracekit.commands import call, command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("entity", help="entity id or company name")
    parser.add_argument("--out", metavar="FILE.html|DIR/",
                        help="HTML file to write, or a folder for brief-<name>.html (default: brief-<name>.html "
                             "here); the executed notebook is kept beside it (.ipynb), and the PDF (.pdf) with --pdf")
    parser.add_argument("--watchlist", dest="watchlists", action="append", metavar="NAME|FILE.csv",
                        help="count flags from this watch list only (repeatable; a CSV is added to the "
                             "workspace first); default: every list in force")
    parser.add_argument("--template", metavar="NOTEBOOK.ipynb",
                        help="your own template notebook (it must have a cell tagged 'parameters')")
    parser.add_argument("--pdf", action="store_true", help="also print a PDF with headless Chromium")


@command("brief", "write a self-contained HTML brief of one company: risk, network graph, flagged shipments, "
         "sanctions proximity, changes, method notes (--window: trade in that window only, changes "
         "against the span before it)", _arguments,
         function="tracekit.reports.brief:brief", parents=("hops", "window"))
def run(ws, args: argparse.Namespace):
    return call(ws.brief, args)
