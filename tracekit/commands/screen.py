"""``tracekit screen``: screen resolved entities against sanctions lists; ``screen add FILE`` stores a list."""

from __future__ import annotations

import argparse

from tracekit.commands import command
from tracekit.errors import TracekitError


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", choices=["run", "add", "lists", "proximity"], default="run",
                        help="run (default): screen; add FILE: store a list; lists: what is stored; "
                             "proximity ENTITY: hops to the nearest listed party")
    parser.add_argument("target", nargs="?", metavar="FILE|ENTITY",
                        help="the list (OFAC folder/sdn.csv, FtM .json/.jsonl) for add; the entity for proximity")
    parser.add_argument("--name", help="name the list is stored under (add; default: the file name)")
    parser.add_argument("--format", choices=["auto", "ofac", "ftm"], help="list format (add)")
    parser.add_argument("--min-score", type=float, help="lowest match score, 0-1")
    parser.add_argument("--list", dest="lists", action="append", metavar="NAME",
                        help="screen against this stored list only (repeatable)")
    parser.add_argument("--max-hops", type=int, help="trade hops searched from listed parties")


@command("screen", "sanctions screening: match entities against stored lists, hops to listed parties",
         _arguments, function=("tracekit.query.screen:screen", "tracekit.store.screen_lists:ScreenLists.add"),
         graph=True)
def run(ws, args: argparse.Namespace):
    if args.action == "add":
        if not args.target:
            raise TracekitError("screen add needs a FILE: tracekit screen add sdn.csv --name ofac")
        ws.screen_lists.add(args.target, name=args.name, format=args.format)
        return ws.screen_lists.to_frame()
    if args.action == "lists":
        return ws.screen_lists.to_frame()
    options = {"max_hops": args.max_hops, "lists": args.lists, "min_score": args.min_score}
    if args.action == "proximity":
        if not args.target:
            raise TracekitError("screen proximity needs an ENTITY (id or name)")
        return ws.sanctions_proximity(args.target, **options)
    return ws.screen(**options)
