"""``tracekit load SOURCE...``: load trade records; prints one report (per-file lines plus totals)."""

from __future__ import annotations

import argparse

from tracekit.commands import command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sources", nargs="+", metavar="SOURCE",
                        help="files, globs (quote them), folders, .zip, Parquet or .xlsx")
    parser.add_argument("--mapping", default="auto", metavar="auto|ams|generic|FILE.json",
                        help="column mapping (default: auto, which recognises common headers)")
    parser.add_argument("--replace", action="store_true",
                        help="reload sources loaded before; a changed file replaces its old version")
    parser.add_argument("--as-new", action="store_true",
                        help="a file loaded before whose content changed is kept beside its old version")
    parser.add_argument("--encoding", default=None, help="text encoding (default: detected)")
    parser.add_argument("--delimiter", default=None, help="field delimiter (default: detected; 'tab' for TAB)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


@command("load", "load trade records (CSV/TSV, gz, zip, Parquet, xlsx); every row loaded or quarantined",
         _arguments, creates_workspace=True)
def run(ws, args: argparse.Namespace):
    if args.replace and args.as_new:
        from tracekit.errors import TracekitError

        raise TracekitError("choose one of --replace and --as-new")
    return ws.load(list(args.sources), mapping=args.mapping, replace=args.replace, encoding=args.encoding,
                   delimiter=args.delimiter, progress=not (args.no_progress or args.json),
                   on_change="as_new" if args.as_new else None)
