"""Entity-resolution benchmark: accuracy on the demo world and the OFAC list against Splink, and speed.

Prints one JSON line per figure. Full run: a 200k-row demo world (accuracy, per country and script),
the OFAC SDN organisations, a >= 1M-mention resolve with per-stage timings, and search over 1M
synthetic entities. ``--quick`` uses small sizes throughout.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import tracekit
from tests.resolve.accuracy import bcubed, ofac_mentions, pairwise, resolve_frame
from tests.resolve.splink_peer import STANDARD, splink_clusters

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "bench-data"
HAN = re.compile(r"[\u3400-\u9fff]")
PEER = "splink 5 (duckdb; EM, tf, rare-token blocking)"


def emit(**figure) -> None:
    print(json.dumps(figure, default=float), flush=True)


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def _demo(rows: int, seed: int = 7) -> Path:
    out = DATA / f"demo-resolve-{rows}"
    if not (out / "truth-mentions.parquet").exists():
        subprocess.run([sys.executable, "-m", "tracekit", "demo", "--rows", str(rows), "--seed", str(seed),
                        "--out", str(out)], check=True, capture_output=True)
    return out


def _loaded(rows: int):
    out = _demo(rows)
    ws = tracekit.Workspace()
    ws.load(str(out / "shipments-*.csv"), progress=False)
    return ws, out


def _compare(data: str, frame: pd.DataFrame, ours_s: float, subsets: dict[str, np.ndarray]) -> None:
    """Ours vs Splink (standard threshold, and its best threshold on this truth) on each subset."""
    run = splink_clusters(frame)
    for label, mask in subsets.items():
        truth, ours = frame["truth"].to_numpy()[mask], frame["ours"].to_numpy()[mask]
        f1 = lambda labels, t=truth, m=mask: pairwise(t, labels[m])["f1"]  # noqa: E731
        best_t, best = run.best(f1)
        p, q, r = pairwise(truth, ours), pairwise(truth, run.clusters[STANDARD][mask]), pairwise(truth, best[mask])
        emit(bench="resolve", data=f"{data}, {label}, {int(mask.sum())} mentions", figure="pairwise_f1",
             value=p["f1"], precision=p["precision"], recall=p["recall"], baseline=f"{PEER} at {STANDARD}",
             baseline_value=q["f1"], baseline_precision=q["precision"], baseline_recall=q["recall"],
             best_threshold=best_t, best_threshold_f1=r["f1"], best_threshold_precision=r["precision"],
             best_threshold_recall=r["recall"], target=">= splink", met=p["f1"] >= q["f1"])
        b3, b3_peer = bcubed(truth, ours), bcubed(truth, run.clusters[STANDARD][mask])
        emit(bench="resolve", data=f"{data}, {label}", figure="bcubed_f1", value=b3["f1"],
             precision=b3["precision"], recall=b3["recall"], baseline=f"{PEER} at {STANDARD}",
             baseline_value=b3_peer["f1"], target=">= splink", met=b3["f1"] >= b3_peer["f1"])
    emit(bench="resolve", data=data, figure="wall_s", value=ours_s, baseline=PEER, baseline_value=run.seconds,
         splink_records=run.records, splink_pairs=run.pairs, splink_notes=run.notes, load_avg=load_average(),
         target="info", met=True)


def demo_accuracy(rows: int) -> None:
    ws, out = _loaded(rows)
    ws.store.register("truth", pd.read_parquet(out / "truth-mentions.parquet"))
    frame = ws.sql("""
        SELECT m.mention_id, m.name, m.country, m.address, t.entity_id AS truth
        FROM party_mentions m JOIN shipments s USING (shipment_id) JOIN sources src ON src.source_id = m.source_id
        JOIN truth t ON t.file = regexp_extract(src.path, '[^/]+$') AND t.record_id = s.record_id
             AND t.role = m.role
        WHERE m.name IS NOT NULL AND trim(m.name) <> ''""")
    report = ws.resolve(progress=False)
    got = ws.sql("SELECT mention_id, entity_id FROM mention_entities").set_index("mention_id")["entity_id"]
    frame["ours"] = got.reindex(frame["mention_id"]).to_numpy()
    ws.close()
    script = np.where(frame["name"].str.contains(HAN), "han", "latin")
    country = frame["country"].fillna("??").to_numpy()
    subsets = {"all": np.ones(len(frame), bool), "script han": script == "han", "script latin": script == "latin"}
    _compare(f"demo {rows} rows", frame, report.seconds, subsets)
    emit(bench="resolve", data=f"demo {rows} rows", figure="mentions_without_country",
         value=float(np.mean(country == "??")), target="info", met=True)
    for (c, s), group in frame.assign(script=script, c=country).groupby(["c", "script"]):
        if len(group) >= 500:
            p = pairwise(group["truth"], group["ours"])
            emit(bench="resolve", data=f"demo {rows} rows", figure=f"pairwise_f1[{c},{s}]", value=p["f1"],
                 precision=p["precision"], recall=p["recall"], mentions=len(group), target="info", met=True)


def ofac_accuracy() -> None:
    shared = REPO.parent / "shared"
    if not (shared / "data" / "ofac-sdn-2022-01" / "sdn.csv").exists():
        print("# OFAC list absent: skipped", file=sys.stderr)
        return
    frame = ofac_mentions(shared)
    frame["ours"], ours_s = resolve_frame(frame)
    _compare("OFAC SDN 2022-01 orgs", frame, ours_s, {
        "all aliases": np.ones(len(frame), bool), "aliases sharing a word": frame["shares_word"].to_numpy()})


def scale(rows: int) -> None:
    ws, _ = _loaded(rows)
    mentions = ws.store.count("party_mentions")
    before = load_average()
    report = ws.resolve(progress=False)
    emit(bench="resolve", figure="full_resolve_s", value=report.seconds, mentions=mentions,
         profiles=report.profiles, entities=report.entities, pairs=report.candidate_pairs,
         stages=report.stage_seconds, load_avg_before=before, load_avg_after=load_average(),
         target="<= 60 s for 1M mentions", met=report.seconds <= 60 * max(mentions, 1e6) / 1e6)
    ws.close()


def synthetic_entities(n: int, seed: int = 3) -> pd.DataFrame:
    """``n`` entities with realistic trade names (city, invented core, industry, legal form)."""
    from tracekit.demo.names import lexicon

    rng = np.random.default_rng(seed)
    lex = lexicon()
    syllables = np.array(sorted({s[0].lower() for group in lex["syllables"].values() for s in group}))
    cities = np.array(sorted({c[0] for spec in lex["countries"].values() for c in spec.get("cities", [])}))
    industries = np.array(sorted({v["en"] for v in lex["industries"].values()}))
    forms = np.array(["Co., Ltd.", "Ltd", "S.A. de C.V.", "GmbH", "LLC", "Inc.", "Trading Co"])
    core = (pd.Series(rng.choice(syllables, n)) + pd.Series(rng.choice(syllables, n))
            + pd.Series(np.where(rng.random(n) < 0.5, rng.choice(syllables, n), "")))
    second = pd.Series(np.where(rng.random(n) < 0.4, " " + pd.Series(rng.choice(syllables, n)).str.title(), ""))
    city = pd.Series(np.where(rng.random(n) < 0.6, pd.Series(rng.choice(cities, n)) + " ", ""))
    names = (city + core.str.title() + second + " " + pd.Series(rng.choice(industries, n)) + " "
             + pd.Series(rng.choice(forms, n)))
    return pd.DataFrame({"entity_id": np.arange(n, dtype=np.int64), "name": names,
                         "country": rng.choice(["CN", "IN", "MX", "US", "HK", "DE"], n),
                         "mention_count": rng.integers(1, 500, n)})


def search_scale(n: int, queries: int = 200) -> None:
    from tracekit.resolve.normalize import name_key
    from tracekit.resolve.search import SearchIndex

    entities = synthetic_entities(n)
    keys = [name_key(x) for x in entities["name"].drop_duplicates()]
    lookup = dict(zip(entities["name"].drop_duplicates(), keys, strict=True))
    started = time.perf_counter()
    index = SearchIndex([lookup[x] for x in entities["name"]], entities["entity_id"].to_numpy(),
                        entities.set_index("entity_id")[["name", "country", "mention_count"]])
    build = time.perf_counter() - started
    rng = np.random.default_rng(11)
    sample = entities["name"].iloc[rng.choice(n, queries, replace=False)].tolist()
    typo = [s[:3] + s[4:] for s in sample]  # one letter dropped from the first word
    kinds = {"first 12 characters": [s[:12] for s in sample], "full name": sample, "one typo": typo}
    for kind, texts in kinds.items():
        timings, found = [], 0
        for text, wanted in zip(texts, sample, strict=True):
            t = time.perf_counter()
            hits = index.search(text)
            timings.append(time.perf_counter() - t)
            found += wanted in set(hits["name"])  # the entity sought (or a namesake) in the top 10
        p95 = 1000 * float(np.percentile(timings, 95))
        emit(bench="resolve", figure="search_ms_p50", query=kind, value=1000 * float(np.median(timings)), p95=p95,
             found_in_top10=found / len(texts), entities=n, index_build_s=build, load_avg=load_average(),
             target="< 50 ms (p95)", met=p95 < 50)


def main(argv=None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    quick = "--quick" in argv
    DATA.mkdir(exist_ok=True)
    demo_accuracy(20_000 if quick else 200_000)
    ofac_accuracy()
    scale(20_000 if quick else 440_000)
    search_scale(50_000 if quick else 1_000_000)


if __name__ == "__main__":
    main()
