"""``tracekit watchlists list|add FILE|remove NAME|terms [NAME]``: the watch lists the flags use
(``ws.watchlists.list()``, ``.add(FILE)``, ``.remove(NAME)``, ``.terms(NAME)``).

(``tracekit watchlist`` is the old name: it still works and says so.)
"""

from __future__ import annotations

import argparse

from tracekit.commands import command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["list", "add", "remove", "terms"], help="what to do")
    parser.add_argument("target", nargs="?", help="the CSV file (add) or the list name (remove, terms)")
    parser.add_argument("--replace", action="store_true", help="add: replace workspace lists of the same name")


@command("watchlists", "list, add or remove watch lists (chemicals, CAS numbers, HS lines, vague phrases)",
         _arguments, deprecated=("watchlist",))
def run(ws, args: argparse.Namespace):
    from tracekit.errors import TracekitError

    lists = ws.watchlists
    if args.action == "list":
        return lists.list()
    if args.action == "terms":
        return lists.terms(args.target)
    if not args.target:
        raise TracekitError(f"watchlists {args.action} needs a {'FILE' if args.action == 'add' else 'NAME'}")
    if args.action == "add":
        return lists.add(args.target, replace=args.replace)
    removed = lists.remove(args.target)
    return f"removed watch list {args.target!r} ({removed} terms); flags are rebuilt on next use"
