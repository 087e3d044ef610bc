"""``tracekit split ENTITY MENTION --reason …``: take a mention's name profile out of an entity."""

from __future__ import annotations

import argparse

from tracekit.commands import command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("entity", help="entity id or name")
    parser.add_argument("mention", help="mention id (its whole name profile leaves the entity)")
    parser.add_argument("--reason", required=True, help="why (kept in decisions.jsonl)")


@command("split", "record an analyst decision: this mention is not that entity", _arguments)
def run(ws, args: argparse.Namespace):
    return ws.split(args.entity, args.mention, reason=args.reason)
