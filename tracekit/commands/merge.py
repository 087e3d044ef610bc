"""``tracekit merge A B --reason …``: record that two mentions or entities are the same company."""

from __future__ import annotations

import argparse

from tracekit.commands import command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("a", help="mention id, entity id or name")
    parser.add_argument("b", help="mention id, entity id or name")
    parser.add_argument("--reason", required=True, help="why (kept in decisions.jsonl)")


@command("merge", "record an analyst decision: A and B are the same company", _arguments)
def run(ws, args: argparse.Namespace):
    return ws.merge(args.a, args.b, reason=args.reason)
