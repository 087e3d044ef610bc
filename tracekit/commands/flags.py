"""``tracekit flags``: flagged shipments and companies, ranked, each flag with its reason and source row."""

from __future__ import annotations

import argparse

from tracekit.commands import command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--flag", action="append", metavar="FLAG",
                        help="keep only this flag (repeatable): precursor_named, cas, precursor_hs, misdeclared, "
                             "vague_chemical, unit_value, relay, transshipment, new_one_buyer, placeholder_party, "
                             "cas_check_digit")
    parser.add_argument("--chemical", metavar="NAME", help="keep flags naming this chemical, e.g. NPP")
    parser.add_argument("--min-score", type=float, default=0.0, help="keep shipments whose flag weights sum to this")
    parser.add_argument("--top", type=int, default=None, help="show only the N best-ranked shipments and companies")


@command("flags", "flagged shipments and companies ranked, with reasons, matched text and source rows", _arguments)
def run(ws, args: argparse.Namespace):
    return ws.flags(flag=args.flag, chemical=args.chemical, min_score=args.min_score, top=args.top)
