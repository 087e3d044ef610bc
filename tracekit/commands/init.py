"""``tracekit init [DIR]``: create an empty workspace (only in a new or empty folder)."""

from __future__ import annotations

import argparse

from tracekit.commands import command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", nargs="?", default=None, metavar="DIR",
                        help="workspace folder (default: --workspace, $TRACEKIT_WORKSPACE or ./tracekit-workspace)")


@command("init", "create a workspace in a new or empty folder (load does this too)", _arguments,
         needs_workspace=False)
def run(ws, args: argparse.Namespace):
    from tracekit.workspace import Workspace

    del ws
    with Workspace(args.folder or args.workspace) as created:
        return created.info()
