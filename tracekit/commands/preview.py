"""``tracekit preview SOURCE...``: the column mapping a load would use, with confidence, reason and
samples; nothing is written, no workspace is needed (``ws.preview``; ``tracekit load --dry-run`` is the
same thing spelt as a load option)."""

from __future__ import annotations

import argparse

from tracekit.commands import call, command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", nargs="+", metavar="SOURCE",
                        help="files, globs (quote them), folders, .zip, Parquet or .xlsx")
    parser.add_argument("--mapping", metavar="auto|ams|generic|FILE.json", help="column mapping")
    parser.add_argument("--encoding", help="text encoding (default: detected)")
    parser.add_argument("--delimiter", help="field delimiter (default: detected; 'tab' for TAB)")
    parser.add_argument("--sample-rows", type=int, metavar="N",
                        help="rows sampled to judge each column's content (default: the loader's sample)")


@command("preview", "show the column mapping a load would use (confidence, reason, samples); write nothing",
         _arguments, needs_workspace=False, function="tracekit.store.verbs:StoreVerbs.preview")
def run(ws, args: argparse.Namespace):
    from tracekit.workspace import Workspace

    with Workspace(None) as scratch:  # a preview writes nothing, not even a new workspace folder
        return call(scratch.preview, args, source=list(args.source))
