"""``tracekit info``: what a workspace holds."""

from __future__ import annotations

import argparse

from tracekit.commands import command


def _arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # info takes only the common options


@command("info", "show what the workspace holds: sources, shipments, mentions, quarantine", _arguments)
def run(ws, args: argparse.Namespace):
    return ws.info()
