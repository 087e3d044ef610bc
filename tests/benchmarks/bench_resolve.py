"""Entity-resolution benchmark: accuracy on the demo world and the OFAC list against Splink, and speed.

Prints one JSON line per figure. ``--quick`` uses a small demo world and skips the 1M-mention run.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import tracekit
from tests.resolve.accuracy import bcubed, ofac_mentions, pairwise, resolve_frame, splink_clusters

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "bench-data"
HAN = re.compile(r"[\u4e00-\u9fff]")


def emit(**figure) -> None:
    print(json.dumps(figure, default=float), flush=True)


def _demo(rows: int, seed: int = 7) -> Path:
    out = DATA / f"demo-resolve-{rows}"
    if not (out / "truth-mentions.parquet").exists():
        subprocess.run([sys.executable, "-m", "tracekit", "demo", "--rows", str(rows), "--seed", str(seed),
                        "--out", str(out)], check=True, capture_output=True)
    return out


def _loaded(rows: int):
    out = _demo(rows)
    ws = tracekit.Workspace()
    ws.load(str(out / "shipments-*.csv"))
    return ws, out


def demo_accuracy(rows: int) -> None:
    ws, out = _loaded(rows)
    ws.store.register("truth", __import__("pandas").read_parquet(out / "truth-mentions.parquet"))
    frame = ws.sql("""
        SELECT m.mention_id, m.name, m.country, m.address, t.entity_id AS truth
        FROM party_mentions m JOIN shipments s USING (shipment_id) JOIN sources src ON src.source_id = m.source_id
        JOIN truth t ON t.file = regexp_extract(src.path, '[^/]+$') AND t.record_id = s.record_id
             AND t.role = m.role
        WHERE m.name IS NOT NULL AND trim(m.name) <> ''""")
    started = time.perf_counter()
    ws.resolve(progress=False)
    ours_s = time.perf_counter() - started
    got = ws.sql("SELECT mention_id, entity_id FROM mention_entities").set_index("mention_id")["entity_id"]
    frame["ours"] = got.reindex(frame["mention_id"]).to_numpy()
    theirs, splink_s = splink_clusters(frame)
    frame["splink"] = theirs
    ours, peer = pairwise(frame["truth"], frame["ours"]), pairwise(frame["truth"], frame["splink"])
    base = {"bench": "resolve", "data": f"demo {rows} rows, {len(frame)} mentions", "baseline": "splink 5 (duckdb, EM)"}
    emit(**base, figure="pairwise_f1", value=ours["f1"], precision=ours["precision"], recall=ours["recall"],
         baseline_value=peer["f1"], baseline_precision=peer["precision"], baseline_recall=peer["recall"],
         target=">= splink", met=ours["f1"] >= peer["f1"])
    b3, b3_peer = bcubed(frame["truth"], frame["ours"]), bcubed(frame["truth"], frame["splink"])
    emit(**base, figure="bcubed_f1", value=b3["f1"], precision=b3["precision"], recall=b3["recall"],
         baseline_value=b3_peer["f1"], target=">= splink", met=b3["f1"] >= b3_peer["f1"])
    emit(**base, figure="wall_s", value=ours_s, baseline_value=splink_s, target="info", met=True)
    frame["script"] = np.where(frame["name"].str.contains(HAN), "han", "latin")
    for (country, script), group in frame.groupby([frame["country"].fillna("??"), "script"]):
        if len(group) < 200:
            continue
        p = pairwise(group["truth"], group["ours"])
        emit(bench="resolve", data=f"demo {rows}", figure=f"pairwise_f1[{country},{script}]", value=p["f1"],
             precision=p["precision"], recall=p["recall"], mentions=len(group), target="info", met=True)
    ws.close()


def ofac_accuracy() -> None:
    shared = REPO.parent / "shared"
    if not (shared / "data" / "ofac-sdn-2022-01" / "sdn.csv").exists():
        print("# OFAC list absent: skipped", file=sys.stderr)
        return
    m = ofac_mentions(shared)
    ours, ours_s = resolve_frame(m)
    theirs, splink_s = splink_clusters(m)
    keep = m["shares_word"].to_numpy()
    for label, mask in (("all aliases", np.ones(len(m), bool)), ("aliases sharing a word", keep)):
        p, q = pairwise(m["truth"][mask], ours[mask]), pairwise(m["truth"][mask], theirs[mask])
        emit(bench="resolve", data=f"OFAC SDN 2022-01 orgs, {label}, {int(mask.sum())} mentions",
             figure="pairwise_f1", value=p["f1"], precision=p["precision"], recall=p["recall"],
             baseline="splink 5 (duckdb, EM)", baseline_value=q["f1"], baseline_precision=q["precision"],
             baseline_recall=q["recall"], target=">= splink", met=p["f1"] >= q["f1"])
    emit(bench="resolve", data="OFAC", figure="wall_s", value=ours_s, baseline="splink 5", baseline_value=splink_s,
         target="info", met=True)


def scale(rows: int) -> None:
    ws, _ = _loaded(rows)
    mentions = ws.store.count("party_mentions")
    started = time.perf_counter()
    report = ws.resolve(progress=False)
    seconds = time.perf_counter() - started
    emit(bench="resolve", figure="full_resolve_s", value=seconds, mentions=mentions, entities=report.entities,
         pairs=report.candidate_pairs, target="<= 60 s for 1M mentions", met=seconds <= 60 * mentions / 1e6)
    index_started = time.perf_counter()
    ws.search("warm up")
    build = time.perf_counter() - index_started
    names = ws.sql("SELECT name FROM entities USING SAMPLE 50 ROWS")["name"].tolist()
    timings = []
    for name in names:
        t = time.perf_counter()
        ws.search(str(name)[:12])
        timings.append(time.perf_counter() - t)
    emit(bench="resolve", figure="search_ms_p50", value=1000 * float(np.median(timings)),
         p95=1000 * float(np.percentile(timings, 95)), index_build_s=build, entities=report.entities,
         target="< 50 ms", met=float(np.percentile(timings, 95)) < 0.05)
    ws.close()


def main(argv=None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    quick = "--quick" in argv
    DATA.mkdir(exist_ok=True)
    demo_accuracy(20_000 if quick else 100_000)
    ofac_accuracy()
    scale(20_000 if quick else 400_000)


if __name__ == "__main__":
    main()
