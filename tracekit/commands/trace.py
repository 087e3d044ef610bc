"""``tracekit trace ENTITY``: suppliers or buyers of a company, tier by tier, with evidence."""

from __future__ import annotations

import argparse

from tracekit.commands import call, command


def add_filter_options(parser: argparse.ArgumentParser, *, dates: bool = True) -> None:
    """Deprecated: name ``parents=("filters",)`` (or ``"filters-undated"``) in :func:`command` instead."""
    from tracekit.commands import PARENTS

    PARENTS["filters" if dates else "filters-undated"](parser)


def filter_kwargs(args: argparse.Namespace, *, dates: bool = True) -> dict:
    """Deprecated: :func:`tracekit.commands.call` passes every option that is a parameter."""
    out = {"hs": args.hs, "countries": args.countries, "min_shipments": args.min_shipments}
    if dates:
        out.update(since=args.since, until=args.until)
    return out


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("entity", help="entity id, #id or company name")
    parser.add_argument("--time-respecting", action="store_true",
                        help="follow a hop only if that shipment left after the previous one arrived")
    parser.add_argument("--max-lag-days", type=int, metavar="DAYS",
                        help="longest wait between receipt and re-export (time-respecting)")


@command("trace", "suppliers or buyers of a company, tier by tier, with the evidence per edge", _arguments,
         function="tracekit.query.trace:trace", parents=("direction", "hops", "filters"), graph=True)
def run(ws, args: argparse.Namespace):
    return call(ws.trace, args)
