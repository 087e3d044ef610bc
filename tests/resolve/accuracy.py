"""Accuracy helpers shared by the OFAC test and bench_resolve: truth data sets, metrics, the Splink peer."""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pandas as pd

import tracekit

__all__ = ["ofac_mentions", "pairwise", "bcubed", "resolve_frame", "splink_clusters"]

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
        ws.store.execute("INSERT INTO party_mentions SELECT mention_id, shipment_id, source_id, line, role, "
                         "name, address, country, phone, email, tax_id, date::DATE FROM tk_bench")
    started = time.perf_counter()
    ws.resolve(progress=False)
    seconds = time.perf_counter() - started
    got = ws.sql("SELECT mention_id, entity_id FROM mention_entities").set_index("mention_id")["entity_id"]
    ws.close()
    return got.reindex(rows["mention_id"]).to_numpy(), seconds


def _clean(text: pd.Series) -> pd.Series:
    from rigour.text import ascii_text

    return text.fillna("").map(lambda s: re.sub(r"[^a-z0-9]+", " ", ascii_text(s).lower()).strip())


def splink_clusters(frame: pd.DataFrame, threshold: float = 0.9) -> tuple[np.ndarray, float]:
    """The Splink peer (DuckDB backend, EM-trained) on the same mentions; a cluster id per row."""
    import logging

    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on
    from splink.internals.duckdb.database_api import DuckDBAPI

    logging.getLogger("splink").setLevel(logging.ERROR)
    started = time.perf_counter()
    df = pd.DataFrame({"unique_id": np.arange(len(frame)), "name": _clean(frame["name"]),
                       "country": frame["country"].fillna("").astype(str),
                       "address": _clean(frame.get("address", pd.Series([""] * len(frame))))})
    tokens = df["name"].str.split()
    df["first_token"] = tokens.str[0].fillna("")
    df["last_token"] = tokens.str[-1].fillna("")
    df = df.replace("", None)
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("first_token", "country"), block_on("last_token", "country"), block_on("name"),
            block_on("first_token", "last_token")],
        comparisons=[
            cl.JaroWinklerAtThresholds("name", [0.97, 0.92, 0.85]),
            cl.ExactMatch("country"),
            cl.JaroWinklerAtThresholds("address", [0.95, 0.85]),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db = DuckDBAPI()
    linker = Linker(db.register(df), settings)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    for rule in (block_on("first_token"), block_on("country")):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except ValueError:  # EM can underflow on a block with no variation; keep the other estimates
            pass
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
    result = clusters.as_pandas_dataframe().set_index("unique_id")["cluster_id"]
    seconds = time.perf_counter() - started
    return result.reindex(df["unique_id"]).to_numpy(), seconds
