"""``tracekit screen``: screen resolved entities against the stored sanctions lists (``ws.screen()``).

The lists are kept by ``tracekit screen-lists`` and one company's hops to a listed party are
``tracekit sanctions-proximity``; the old forms ``screen add FILE``, ``screen lists`` and
``screen proximity ENTITY`` still work and say so.
"""

from __future__ import annotations

import argparse

from tracekit.commands import call, command
from tracekit.commands.sanctions_proximity import screening_options


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", choices=["run", "add", "lists", "proximity"], default="run",
                        help="run (default): screen. Old forms: add FILE (now screen-lists add), lists "
                             "(screen-lists list), proximity ENTITY (sanctions-proximity)")
    parser.add_argument("target", nargs="?", metavar="FILE|ENTITY", help="old forms only: the list file or entity")
    parser.add_argument("--name", help="old form 'add' only: name the list is stored under")
    parser.add_argument("--format", choices=["auto", "ofac", "ftm"], help="old form 'add' only: list format")
    screening_options(parser)


@command("screen", "sanctions screening: match entities against stored lists, hops to listed parties",
         _arguments, function=("tracekit.query.screen:screen", "tracekit.store.screen_lists:ScreenLists.add"),
         graph=True, moved_actions={"add": "screen-lists add", "lists": "screen-lists list",
                                    "proximity": "sanctions-proximity"})
def run(ws, args: argparse.Namespace):
    from tracekit.errors import TracekitError

    if args.action in ("add", "lists"):
        from tracekit.commands.screen_lists import run_action

        return run_action(ws, "add" if args.action == "add" else "list", args.target, name=args.name,
                          format=args.format, verb="screen")
    if args.action == "proximity":
        if not args.target:
            raise TracekitError("sanctions-proximity needs an ENTITY (id or name)")
        return ws.sanctions_proximity(args.target, max_hops=args.max_hops, lists=args.lists,
                                      min_score=args.min_score)
    return call(ws.screen, args)
