"""``tracekit never-merge A B --reason …``: record that two mentions or entities are different companies."""

from __future__ import annotations

import argparse

from tracekit.commands import command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("a", help="mention id, entity id or name")
    parser.add_argument("b", help="mention id, entity id or name")
    parser.add_argument("--reason", required=True, help="why (kept in decisions.jsonl)")


@command("never-merge", "record an analyst decision: A and B are never the same company", _arguments)
def run(ws, args: argparse.Namespace):
    return ws.never_merge(args.a, args.b, reason=args.reason)
