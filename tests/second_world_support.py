"""Loading the second world through the public path and lining its mentions up with the truth.

Shared by tests/test_second_world.py and tests/benchmarks/bench_resolve.py.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pandas as pd

from tracekit.demo.truth import read_truth

__all__ = ["load_second_world", "mention_frame", "supports_declaring_country", "truth_entity_map"]


def supports_declaring_country(ws) -> bool:
    """Whether ``ws.load`` takes the ``declaring_country`` option (issue 8, the countries helper's part)."""
    return "declaring_country" in inspect.signature(ws.load).parameters


def load_second_world(ws, folder: Path) -> dict:
    """Load both layouts as a new user would: ``mapping="auto"``; the declaring country for layout B.

    TODO(issue 8): when ``ws.load(..., declaring_country=...)`` lands on main it is used automatically
    (detected by signature); if it lands under another name, pass it here:
    ``options = {"declaring_country": layout["declaring_country"]}``.
    """
    truth = read_truth(folder)
    reports = {}
    for file, layout in truth["layouts"].items():
        options = {}
        if layout["declaring_country"] and supports_declaring_country(ws):
            options["declaring_country"] = layout["declaring_country"]
        reports[file] = ws.load(str(folder / file), mapping="auto", progress=False, **options)
    return reports


def mention_frame(ws, folder: Path) -> pd.DataFrame:
    """One row per named party mention in the workspace: ours (entity, country) beside the truth.

    Columns: ``mention_id``, ``file``, ``line``, ``role``, ``name``, ``address``, ``country`` (what the
    workspace holds), ``truth`` (true entity id), ``truth_country``, ``truth_name``, ``ours`` (entity
    id; call after ``ws.resolve()``).
    """
    truth = read_truth(folder)
    mentions = pd.read_parquet(folder / "truth-mentions.parquet").dropna(subset=["entity_id"])
    entities = pd.DataFrame(truth["entities"]).set_index("id")
    stored = ws.sql("""
        SELECT pm.mention_id, regexp_extract(src.path, '[^/]+$') AS file, pm.line, pm.role, pm.name, pm.address,
               pm.country
        FROM party_mentions pm JOIN sources src USING (source_id)
        WHERE pm.name IS NOT NULL AND trim(pm.name) <> ''""")
    frame = stored.merge(mentions[["file", "line", "role", "entity_id"]], on=["file", "line", "role"],
                         how="inner").rename(columns={"entity_id": "truth"})
    frame["truth_country"] = frame["truth"].map(entities["country"])
    frame["truth_name"] = frame["truth"].map(entities["name"])
    ours = ws.sql("SELECT mention_id, entity_id FROM mention_entities").set_index("mention_id")["entity_id"]
    frame["ours"] = frame["mention_id"].map(ours)
    return frame


def truth_entity_map(frame: pd.DataFrame) -> dict[str, int]:
    """Each true firm → the workspace entity holding most of its mentions."""
    counts = frame.groupby(["truth", "ours"]).size().reset_index(name="n")
    majority = counts.sort_values(["n", "ours"], ascending=[False, True]).drop_duplicates("truth")
    return dict(zip(majority["truth"], majority["ours"].astype("int64"), strict=True))
