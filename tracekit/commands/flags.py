"""``tracekit flags``: flagged shipments and companies, ranked, each flag with its reason and source row."""

from __future__ import annotations

import argparse

from tracekit.commands import call, command


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--flag", action="append", metavar="FLAG",
                        help="keep only this flag (repeatable): precursor_named, cas, precursor_hs, misdeclared, "
                             "vague_chemical, unit_value, relay, transshipment, new_one_buyer, placeholder_party, "
                             "cas_check_digit")
    parser.add_argument("--chemical", metavar="NAME", help="keep flags naming this chemical, e.g. NPP")
    parser.add_argument("--min-score", type=float, help="keep shipments whose flag weights sum to this")


@command("flags", "flagged shipments and companies ranked, with reasons, matched text and source rows", _arguments,
         function="tracekit.query.flags:flags", parents=("top",), graph=True)
def run(ws, args: argparse.Namespace):
    return call(ws.flags, args)
