"""``tracekit trace ENTITY``: suppliers or buyers of a company, tier by tier, with evidence."""

from __future__ import annotations

import argparse

from tracekit.commands import command


def add_filter_options(parser: argparse.ArgumentParser, *, dates: bool = True) -> None:
    """The trade filters every graph verb takes (shared by trace, paths, communities, neighbours)."""
    group = parser.add_argument_group("trade filters")
    group.add_argument("--hs", action="append", metavar="PREFIX", help="HS code prefix (repeatable), e.g. 2933")
    if dates:
        group.add_argument("--since", metavar="DATE", help="first shipment date (YYYY-MM-DD, YYYY-MM, YYYY)")
        group.add_argument("--until", metavar="DATE", help="last shipment date")
    group.add_argument("--countries", metavar="CC,CC", help="keep companies in these ISO countries only")
    group.add_argument("--min-shipments", type=int, default=1, metavar="N",
                       help="keep trade edges with at least N shipments")


def filter_kwargs(args: argparse.Namespace, *, dates: bool = True) -> dict:
    out = {"hs": args.hs, "countries": args.countries, "min_shipments": args.min_shipments}
    if dates:
        out.update(since=args.since, until=args.until)
    return out


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("entity", help="entity id or company name")
    parser.add_argument("--direction", "-d", choices=["down", "up", "both"], default="down",
                        help="down: buyers; up: suppliers; both (default: down)")
    parser.add_argument("--hops", type=int, default=3, help="tiers to follow (default 3)")
    parser.add_argument("--time-respecting", action="store_true",
                        help="follow a hop only if that shipment left after the previous one arrived")
    parser.add_argument("--max-lag-days", type=int, default=180,
                        help="longest wait between receipt and re-export (time-respecting; default 180)")
    add_filter_options(parser)


@command("trace", "suppliers or buyers of a company, tier by tier, with the evidence per edge", _arguments)
def run(ws, args: argparse.Namespace):
    return ws.trace(args.entity, args.direction, args.hops, time_respecting=args.time_respecting,
                    max_lag_days=args.max_lag_days, **filter_kwargs(args))
