"""``tracekit decisions``: every analyst decision (merge, split, never-merge) recorded, oldest first."""

from __future__ import annotations

import argparse

from tracekit.commands import command


def _arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # only the common options


@command("decisions", "the analyst decisions recorded in this workspace, oldest first", _arguments)
def run(ws, args: argparse.Namespace):
    return ws.decisions()
