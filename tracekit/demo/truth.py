"""The ground truth of a demo world: ``truth.json`` (and helpers to read it back).

``truth.json`` holds everything small enough for JSON: the entities, the planted networks and their
chains, the shell clusters, look-alike traps, flagged shipments and deliberately bad rows. The
one-row-per-mention truth is in ``truth-mentions.parquet``.
"""

from __future__ import annotations

import json
from pathlib import Path

from tracekit import __version__
from tracekit.demo.world import World

__all__ = ["TRUTH_FORMAT", "build_truth", "write_truth", "read_truth"]

TRUTH_FORMAT = "tracekit-demo-truth/1"


def _entities(world: World) -> list[dict]:
    out = []
    for i, (company, role, network) in enumerate(zip(world.companies, world.roles, world.networks, strict=True)):
        out.append({
            "id": world.entity_id(i), "name": company.name, "name_han": company.han, "country": company.country,
            "role": role, "network": network, "industry": company.industry, "tax_id": company.tax_id,
            "address": company.address, "phone": company.phone,
        })
    return out


def build_truth(world: World, *, rows_requested: int, rows_per_file: dict[str, int], planted, flagged: list[dict],
                bad_rows: list[dict], date_range: tuple[str, str]) -> dict:
    """The truth document, in a fixed key order so the same seed writes the same bytes."""
    return {
        "format": TRUTH_FORMAT,
        "generator": f"tracekit {__version__}",
        "seed": world.seed,
        "rows_requested": rows_requested,
        "rows": rows_per_file,
        "date_range": list(date_range),
        "roles": ["maker", "broker", "shell", "importer", "onward", "ordinary", "forwarder"],
        "notes": [
            "Every party mention is in truth-mentions.parquet (file, record_id, line, role, name, entity_id); "
            "placeholder consignees such as 'TO ORDER' have entity_id null.",
            "Chain dates are record dates: US actual_arrival_date, MX FECHA, reseller SHIPMENT_DATE; each hop of a "
            "lot is dated 5-45 days after the previous hop.",
            "Line numbers count the header as line 1 (the reseller file's BOM does not add a line).",
        ],
        "entities": _entities(world),
        "networks": planted.networks,
        "shell_clusters": planted.shell_clusters,
        "traps": world.traps,
        "flagged_shipments": flagged,
        "bad_rows": bad_rows,
    }


def write_truth(truth: dict, path: Path) -> None:
    """Write ``truth`` as JSON with one top-level key, and one list item, per line.

    Readable in a pager and diffable, yet encoded by the C JSON encoder (pretty-printing the whole
    document would take seconds at ten million rows).
    """
    with open(path, "w", encoding="utf-8") as out:
        out.write("{\n")
        for n, (key, value) in enumerate(truth.items()):
            out.write(f" {json.dumps(key)}: ")
            if isinstance(value, list) and value:
                out.write("[\n  " + ",\n  ".join(json.dumps(v, ensure_ascii=False) for v in value) + "\n ]")
            else:
                out.write(json.dumps(value, ensure_ascii=False))
            out.write(",\n" if n < len(truth) - 1 else "\n")
        out.write("}\n")


def read_truth(path: str | Path) -> dict:
    """Read ``truth.json`` from a demo folder (or the file itself)."""
    path = Path(path)
    if path.is_dir():
        path = path / "truth.json"
    return json.loads(path.read_text(encoding="utf-8"))


def planted_importer_name(path: str | Path, network: int = 0) -> str:
    """Canonical name of the importer of planted network ``network`` (what ``make demo`` traces)."""
    truth = read_truth(path)
    entities = {e["id"]: e for e in truth["entities"]}
    return entities[truth["networks"][network]["importer"]]["name"]

