"""``tracekit neighbourhood ENTITY``: a company's busiest trade partners (what the explorer expands).

(``tracekit neighbours`` is the old name: it still works and says so.)
"""

from __future__ import annotations

import argparse

from tracekit.commands import call, command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("entity", help="entity id, #id or company name")


@command("neighbourhood", "a company's trade partners, busiest first, the rest folded", _arguments,
         function="tracekit.query.neighbourhood:neighbourhood", parents=("hops", "limit", "filters"),
         deprecated=("neighbours",), graph=True)
def run(ws, args: argparse.Namespace):
    return call(ws.neighbourhood, args)
