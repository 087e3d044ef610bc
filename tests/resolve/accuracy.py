"""Accuracy helpers shared by the OFAC test and bench_resolve: truth data sets and metrics."""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pandas as pd

import tracekit

__all__ = ["ofac_mentions", "pairwise", "bcubed", "resolve_frame"]

EMPTY = "-0-"


def ofac_mentions(shared: Path) -> pd.DataFrame:
    """OFAC organisations and their aliases as separate mentions: name, country, address, truth, alias flags."""
    folder = shared / "data" / "ofac-sdn-2022-01"
    read = lambda name, cols: pd.read_csv(folder / name, header=None, names=cols, encoding="latin-1",  # noqa: E731
                                          dtype=str, keep_default_na=False)
    sdn = read("sdn.csv", ["ent_num", "name", "type", "program", "title", "call_sign", "vessel_type",
                           "tonnage", "grt", "vessel_flag", "vessel_owner", "remarks"])
    alt = read("alt.csv", ["ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"])
    add = read("add.csv", ["ent_num", "add_num", "address", "city", "country", "add_remarks"])
    orgs = sdn[sdn["type"].str.strip() == EMPTY][["ent_num", "name"]]
    first = add.drop_duplicates("ent_num").set_index("ent_num")
    clean = lambda s: s.where(s.str.strip() != EMPTY, None)  # noqa: E731
    primary = orgs.assign(is_alias=False, shares_word=True)
    aliases = alt[alt["ent_num"].isin(orgs["ent_num"])][["ent_num", "alt_name"]].rename(
        columns={"alt_name": "name"})
    words = lambda s: set(re.findall(r"[a-z0-9]+", s.lower())) - {"the", "de", "of", "sa", "ltd", "co"}  # noqa: E731
    primary_words = dict(zip(orgs["ent_num"], orgs["name"].map(words), strict=True))
    aliases = aliases.assign(is_alias=True,
                             shares_word=[bool(words(n) & primary_words[e]) for e, n in
                                          zip(aliases["ent_num"], aliases["name"], strict=True)])
    out = pd.concat([primary, aliases], ignore_index=True)
    out["country_name"] = clean(out["ent_num"].map(first["country"]).fillna(EMPTY))
    out["address"] = clean(out["ent_num"].map(first["address"]).fillna(EMPTY))
    # The country as OFAC writes it: both sides of any comparison use the same spelling, which is
    # all the resolver needs from a code.
    out["country"] = out["country_name"].str.upper()
    out["truth"] = out["ent_num"]
    return out.reset_index(drop=True)


def _pairs(sizes: np.ndarray) -> float:
    return float(np.sum(sizes * (sizes - 1) / 2))


def pairwise(truth, predicted) -> dict:
    """Pairwise precision, recall and F1 of a clustering against the truth (mention level)."""
    frame = pd.DataFrame({"t": np.asarray(truth), "p": np.asarray(predicted)})
    tp = _pairs(frame.groupby(["t", "p"]).size().to_numpy())
    pred = _pairs(frame.groupby("p").size().to_numpy())
    true = _pairs(frame.groupby("t").size().to_numpy())
    precision = tp / pred if pred else 1.0
    recall = tp / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def bcubed(truth, predicted) -> dict:
    """B-cubed precision, recall and F1 (per-mention averages)."""
    frame = pd.DataFrame({"t": np.asarray(truth), "p": np.asarray(predicted)})
    both = frame.groupby(["t", "p"])["t"].transform("size")
    precision = float((both / frame.groupby("p")["p"].transform("size")).mean())
    recall = float((both / frame.groupby("t")["t"].transform("size")).mean())
    return {"precision": precision, "recall": recall, "f1": 2 * precision * recall / (precision + recall)}


def resolve_frame(frame: pd.DataFrame) -> tuple[np.ndarray, float]:
    """Resolve a DataFrame of mentions (name, country, address) in a fresh workspace; entity per row."""
    ws = tracekit.Workspace()
    rows = pd.DataFrame({
        "mention_id": np.arange(len(frame), dtype=np.int64) * 4, "shipment_id": np.arange(len(frame)),
        "source_id": 1, "line": np.arange(len(frame)), "role": "shipper",
        "name": frame["name"].astype(object), "address": frame.get("address"), "country": frame.get("country"),
        "phone": None, "email": None, "tax_id": None, "date": None})
    for c in ("address", "country", "phone", "email", "tax_id"):
        rows[c] = rows[c].astype(object)
    with ws.store.registered("tk_bench", rows):
        ws.store.execute("INSERT INTO party_mentions BY NAME SELECT mention_id, shipment_id, source_id, line, role, "
                         "name, address, country, phone, email, tax_id, date::DATE AS date FROM tk_bench")
    started = time.perf_counter()
    ws.resolve(progress=False)
    seconds = time.perf_counter() - started
    got = ws.sql("SELECT mention_id, entity_id FROM mention_entities").set_index("mention_id")["entity_id"]
    ws.close()
    return got.reindex(rows["mention_id"]).to_numpy(), seconds
