"""``tracekit export WHAT --out FILE``: mentions, entities, shipments, the graph or FollowTheMoney, to hand on.

    tracekit export shipments --out case.csv                 # formula-safe CSV
    tracekit export entities --out companies.parquet         # ids exact, lists kept
    tracekit export graph --out trade.gexf --hs 2933         # Gephi (GraphML: yEd, Cytoscape)
    tracekit export ftm --out case.ftm.jsonl --entity "ACME" --direction both --hops 2   # Aleph
"""

from __future__ import annotations

import argparse

from tracekit.commands import command

# Spelled out rather than read from tracekit.query.export.EXPORTS: `tracekit --help` must not import the
# query stage (tests/query/test_export.py checks both lists against EXPORTS).
WHAT = ["mentions", "entities", "shipments", "graph", "ftm"]
FORMATS = ["csv", "gexf", "graphml", "jsonl", "parquet"]


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", choices=WHAT,
                        help="mentions, entities, shipments (csv/parquet), graph (graphml/gexf), ftm (jsonl)")
    parser.add_argument("--out", required=True, metavar="FILE",
                        help="output file: .csv, .parquet, .graphml, .gexf or .jsonl")
    parser.add_argument("--format", choices=FORMATS, help="override the format the suffix implies")
    case = parser.add_argument_group("a case instead of the whole workspace (entities, shipments, graph, ftm)")
    case.add_argument("--entity", action="append", metavar="NAME|ID",
                      help="export around this company (repeatable): its trace of --hops tiers")
    case.add_argument("--direction", "-d", choices=["down", "up", "both"], default="both",
                      help="trace direction around --entity (default: both)")
    case.add_argument("--hops", type=int, default=2, help="tiers around --entity (default 2)")
    parser.add_argument("--namespace", metavar="KEY",
                        help="ftm: sign entity ids with this key (e.g. an Aleph collection id) instead of the "
                             "workspace's own")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


@command("export", "export mentions, entities, shipments (CSV formula-safe / Parquet), the graph "
                   "(GraphML / GEXF) or FollowTheMoney JSON lines", _arguments,
         function="tracekit.query.export:export", parents=("filters",))
def run(ws, args: argparse.Namespace):
    given = {"hs": args.hs, "since": args.since, "until": args.until, "countries": args.countries,
             "min_shipments": args.min_shipments}
    filters = {k: v for k, v in given.items() if v is not None}
    if filters.get("min_shipments") == 1:
        del filters["min_shipments"]  # the default: no filter
    scope = None
    if args.entity:
        traces = [ws.trace(e, args.direction, args.hops, evidence=False, **filters) for e in args.entity]
        scope = sorted({n for t in traces for n in t.graph.nodes if isinstance(n, int)})
        filters = {}
    elif args.what != "graph" and filters:
        from tracekit.errors import TracekitError

        raise TracekitError(f"trade filters (--hs, --since, …) narrow the graph export or an --entity trace; "
                            f"for {args.what} use --entity")
    return ws.export(args.what, args.out, args.format, scope=scope, namespace=args.namespace,
                     progress=not (args.no_progress or args.json), **filters)
