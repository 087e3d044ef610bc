"""``tracekit brief ENTITY --out brief.html``: a self-contained HTML brief of one company (papermill template)."""

from __future__ import annotations

import argparse

from tracekit.commands import command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("entity", help="entity id or company name")
    parser.add_argument("--out", metavar="FILE.html|DIR/", default=None,
                        help="HTML file to write, or a folder for brief-<name>.html (default: brief-<name>.html "
                             "here); the executed notebook is kept beside it (.ipynb), and the PDF (.pdf) with --pdf")
    parser.add_argument("--hops", type=int, default=2, help="tiers of suppliers and buyers traced, 1-4 (default 2)")
    parser.add_argument("--window", metavar="FROM..TO", default=None,
                        help="trade in this window only, e.g. 2024-01..2024-06; changes against the span before "
                             "it (default: all trade; changes over the latest six months)")
    parser.add_argument("--watchlist", dest="watchlists", action="append", metavar="NAME|FILE.csv",
                        help="count flags from this watch list only (repeatable; a CSV is added to the "
                             "workspace first); default: every list in force")
    parser.add_argument("--template", metavar="NOTEBOOK.ipynb", default=None,
                        help="your own template notebook (it must have a cell tagged 'parameters')")
    parser.add_argument("--pdf", action="store_true", help="also print a PDF with headless Chromium")


@command("brief", "write a self-contained HTML brief of one company: risk, network graph, flagged shipments, "
         "sanctions proximity, changes, method notes", _arguments)
def run(ws, args: argparse.Namespace):
    return ws.brief(args.entity, out=args.out, hops=args.hops, window=args.window, watchlists=args.watchlists,
                    template=args.template, pdf=args.pdf)
