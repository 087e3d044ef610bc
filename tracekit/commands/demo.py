"""``tracekit demo``: write the fictional demo trade world (or the held-out second world) and its truth."""

from __future__ import annotations

import argparse

from tracekit.commands import command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rows", type=int, dest="rows_asked", metavar="N",
                        help="total shipment rows over the files, at least 1,000 (default: the world's own, "
                             "100,000 for demo, 20,000 for second)")
    parser.add_argument("--seed", type=int, metavar="S", help="random seed; same seed, same bytes")
    parser.add_argument("--out", default="data/demo", metavar="DIR", help="folder to write into (default data/demo)")
    parser.add_argument("--world", choices=("demo", "second"), default="demo",
                        help="'demo' (three files: US AMS, Mexican pedimentos, reseller) or 'second': a world with "
                             "a different noise model in two other layouts (US reseller bills, Chinese export "
                             "declarations), held out for evaluation — do not tune on it")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")


@command(
    "demo",
    "write a deterministic fictional trade dataset (US, MX, reseller CSVs) plus its ground truth",
    _arguments,
    needs_workspace=False,
    description="Write shipments-us.csv, shipments-mx.csv, shipments-intl.csv, truth.json and "
                "truth-mentions.parquet into --out: thousands of fictional companies under noisy name "
                "variants, ordinary trade, planted precursor networks and a few deliberately bad rows. "
                "--world second writes reseller-bills.csv and cn-export-declarations.csv instead.",
    function=("tracekit.demo.generate:generate", "tracekit.demo.second.generate:generate_second"),
)
def run(ws, args: argparse.Namespace):
    del ws
    progress = not (args.no_progress or args.json)
    if args.world == "second":
        from tracekit.demo.second import generate_second as generate
    else:
        from tracekit.demo import generate
    rows = {} if args.rows_asked is None else {"rows": args.rows_asked}  # each world's generator holds its own default
    return generate(args.out, seed=args.seed, progress=progress, **rows)
