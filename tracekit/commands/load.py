"""``tracekit load SOURCE...``: load trade records; prints one report (per-file lines plus totals)."""

from __future__ import annotations

import argparse
import sys

from tracekit.commands import command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sources", nargs="+", metavar="SOURCE",
                        help="files, globs (quote them), folders, .zip, Parquet or .xlsx")
    parser.add_argument("--mapping", metavar="auto|ams|generic|FILE.json",
                        help="column mapping (default: auto, which recognises common headers)")
    parser.add_argument("--replace", action="store_true",
                        help="reload sources loaded before; a changed file replaces its old version")
    parser.add_argument("--as-new", action="store_true",
                        help="a file loaded before whose content changed is kept beside its old version")
    parser.add_argument("--encoding", help="text encoding (default: detected)")
    parser.add_argument("--delimiter", help="field delimiter (default: detected; 'tab' for TAB)")
    parser.add_argument("--declaring-country", metavar="COUNTRY",
                        help="a national customs file: the country that filed its declarations (name or ISO code)")
    parser.add_argument("--declaration", choices=["import", "export"],
                        help="with --declaring-country: import (the importer is in that country) or export "
                             "(the exporter is)")
    parser.add_argument("--mentions", choices=["auto", "now", "deferred"],
                        help="when the party mentions are written: now, deferred to the first verb that reads "
                             "them, or auto (deferred from 1,000,000 rows)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--dry-run", action="store_true",
                        help="show the proposed mapping (field, confidence, reason, sample values) and write nothing")


@command("load", "load trade records (CSV/TSV, gz, zip, Parquet, xlsx); every row loaded or quarantined",
         _arguments, creates_workspace=True,
         function=("tracekit.store.verbs:StoreVerbs.load", "tracekit.store.verbs:StoreVerbs.preview"))
def run(ws, args: argparse.Namespace):
    if args.dry_run:
        return ws.preview(list(args.sources), mapping=args.mapping, encoding=args.encoding, delimiter=args.delimiter)
    if args.replace and args.as_new:
        from tracekit.errors import TracekitError

        raise TracekitError("choose one of --replace and --as-new")
    report = ws.load(list(args.sources), mapping=args.mapping, replace=args.replace, encoding=args.encoding,
                     delimiter=args.delimiter, progress=not (args.no_progress or args.json),
                     declaring_country=args.declaring_country, declaration=args.declaration,
                     on_change="as_new" if args.as_new else None, mentions=args.mentions)
    if args.json:  # the text report carries them; with --json they go to stderr too, so no one misses them
        for source in report.sources:
            for warning in source.field_warnings:
                print(f"tracekit load: WARNING {source.name}: {warning}", file=sys.stderr)
    return report
