"""Loading the second world through the public path and lining its mentions up with the truth.

Shared by tests/test_second_world.py and tests/benchmarks/bench_resolve.py.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pandas as pd

from tracekit.demo.truth import read_truth

__all__ = ["load_second_world", "mention_frame", "supports_declaring_country", "truth_entity_map", "chain_results",
           "shell_cluster_results", "country_mixing", "lookalike_results", "translation_results"]


def supports_declaring_country(ws) -> bool:
    """Whether ``ws.load`` takes the ``declaring_country`` option (issue 8, the countries helper's part)."""
    return "declaring_country" in inspect.signature(ws.load).parameters


def load_second_world(ws, folder: Path) -> dict:
    """Load both layouts as a new user would: ``mapping="auto"``; the declaring country for layout B.

    Layout B is a Chinese *export* declaration: ``declaring_country="CN", declaration="export"`` (the
    exporter is in China), passed when ``ws.load`` takes those options (detected by its signature, so
    this also runs on branches without them).
    """
    truth = read_truth(folder)
    reports = {}
    for file, layout in truth["layouts"].items():
        options = {}
        if layout["declaring_country"] and supports_declaring_country(ws):
            options["declaring_country"] = layout["declaring_country"]
            if "declaration" in inspect.signature(ws.load).parameters:
                options["declaration"] = layout.get("declaration", "export")
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


def chain_results(ws, frame: pd.DataFrame, truth: dict) -> list[dict]:
    """Each planted chain: found by a time-respecting trace up from the importer and down from the maker?

    A chain counts as found when both traces reach every other member and the legs' evidence comes
    from both source files. ``problem`` says what was missing.
    """
    ours = truth_entity_map(frame)
    names = {e["id"]: e["name"] for e in truth["entities"]}
    sources = set(ws.sql("SELECT source_id FROM sources")["source_id"])
    out = []
    for network in truth["networks"]:
        for chain in network["chains"]:
            entities = chain["entities"]
            record = {"network": network["id"], "chain": [names[e] for e in entities], "found": False}
            out.append(record)
            unseen = [names[e] for e in entities if e not in ours]
            if unseen:
                record["problem"] = f"no mention of {unseen} was resolved"
                continue
            maker, broker, importer = (int(ours[e]) for e in entities)
            if len({maker, broker, importer}) < 3:
                record["problem"] = "two chain members resolved to one entity"
                continue
            up = ws.trace(importer, "up", hops=2, time_respecting=True, max_nodes=None)
            down = ws.trace(maker, "down", hops=2, time_respecting=True, max_nodes=None)
            missing = [f"up from the importer misses {names[e]!r}" for e, o in zip(entities[:2], (maker, broker),
                                                                                  strict=True) if o not in up.graph]
            missing += [f"down from the maker misses {names[e]!r}" for e, o in zip(entities[1:], (broker, importer),
                                                                                  strict=True) if o not in down.graph]
            if missing:
                record["problem"] = "; ".join(missing)
                continue
            used = {int(sid) >> 32 for a, b in ((maker, broker), (broker, importer)) if down.graph.has_edge(a, b)
                    for sid in down.graph.edges[a, b].get("evidence", [])}
            if used != sources:
                record["problem"] = f"legs' evidence from sources {sorted(used)}, not both files"
                continue
            record["found"] = True
    return out


def shell_cluster_results(ws, frame: pd.DataFrame, truth: dict, top: int = 5) -> list[dict]:
    """Each planted shell cluster: ``whole`` (members distinct entities, all in one cluster) and its rank."""
    ours = truth_entity_map(frame)
    names = {e["id"]: e["name"] for e in truth["entities"]}
    result = ws.shell_clusters()
    ranked, members = result.to_frame(), result.members
    out = []
    for planted in truth["shell_clusters"]:
        ids = [ours.get(e) for e in planted["entities"]]
        record = {"id": planted["id"], "size": len(ids), "spellings": len(planted["spellings"]), "whole": False,
                  "rank": None, "top": False}
        out.append(record)
        if None in ids or len(set(ids)) < len(ids):
            record["problem"] = ("members not resolved to distinct entities: "
                                 f"{[(names[e], ours.get(e)) for e in planted['entities']]}")
            continue
        found = members[members["entity_id"].isin(ids)] if len(members) else pd.DataFrame(columns=["cluster"])
        clusters = set(found["cluster"])
        record["found"] = len(found)
        ranks = sorted(int(ranked.loc[ranked["cluster"] == c, "rank"].iloc[0]) for c in clusters)
        record["rank"] = ranks[0] if ranks else None
        if len(clusters) != 1 or len(found) != len(ids):
            record["problem"] = (f"{len(found)} of {len(ids)} members in clusters ranked {ranks}; the flat is "
                                 f"written {len(planted['spellings'])} ways")
            continue
        record["whole"] = True
        record["top"] = record["rank"] <= top
        if not record["top"]:
            record["problem"] = f"whole, but ranked {record['rank']}"
    return out


def country_mixing(frame: pd.DataFrame) -> pd.DataFrame:
    """Entities holding mentions of firms in more than one country: names and countries per entity."""
    countries = frame.groupby("ours")["truth_country"].nunique()
    mixed = frame[frame["ours"].isin(countries[countries > 1].index)].drop_duplicates(["ours", "truth"])
    return mixed.groupby("ours")[["truth_name", "truth_country"]].agg(list)


def lookalike_results(frame: pd.DataFrame, truth: dict) -> pd.DataFrame:
    """Each planted look-alike pair: kind, names, and whether any entity holds mentions of both firms."""
    held = frame.groupby("truth")["ours"].agg(set)
    rows = []
    for trap in truth["traps"]:
        if trap["kind"] == "legitimate_shared_address":
            continue
        a, b = trap["entities"]
        rows.append({"kind": trap["kind"], "names": trap["names"], "countries": trap["countries"],
                     "cities": trap["cities"], "merged": bool(held.get(a, set()) & held.get(b, set()))})
    return pd.DataFrame(rows, columns=["kind", "names", "countries", "cities", "merged"])


def translation_results(frame: pd.DataFrame, truth: dict) -> pd.DataFrame:
    """Firms written both under their Han name (a translation) and in Latin script: one entity for both?"""
    han = {e["id"] for e in truth["entities"] if e["name_han"]}
    mine = frame[frame["truth"].isin(han)].assign(script=lambda f: f["name"].str.contains(r"[\u3400-\u9fff]"))
    rows = []
    for firm, group in mine.groupby("truth"):
        if group["script"].all() or not group["script"].any():
            continue
        top = group.groupby(["script", "ours"]).size().reset_index(name="n").sort_values("n", ascending=False)
        han_entity = top.loc[top["script"], "ours"].iloc[0]
        latin_entity = top.loc[~top["script"], "ours"].iloc[0]
        rows.append({"truth": firm, "name": group["truth_name"].iloc[0],
                     "name_han": group.loc[group["script"], "name"].iloc[0], "merged": han_entity == latin_entity})
    return pd.DataFrame(rows, columns=["truth", "name", "name_han", "merged"])
