"""Benchmark: does risk rank the planted precursor networks' companies first, and what does it cost?

``python -m tests.benchmarks.bench_risk [--quick] [--rows N] [--seed S ...] [--weights CSV]``

Demo worlds (seeds 2 and 3 by default) are generated, loaded and resolved. Each resolved entity takes the
truth entity most of its mentions belong to; positives are the truth entities on a planted network
(roles maker, broker, shell, importer, onward). The weights in ``tracekit/graph/data/risk_weights.csv``
were set from the published indicator lists their rationale cites, never tuned on any demo seed.

Figures, one JSON line each: average precision and precision at k (k = number of positive entities) of
the risk ranking; baseline, same run: the flags-only company ranking of ``ws.flags().entities`` (sum of
flag weights). Build time of the risk tables; baseline, same run: build time of the flag tables.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "bench-data" / "risk"
NETWORK_ROLES = {"maker", "broker", "shell", "importer", "onward"}


def emit(**figure) -> None:
    print(json.dumps(figure, default=float), flush=True)


def _world(seed: int, rows: int) -> Path:
    out = OUT / f"seed{seed}-{rows}"
    if not (out / "truth.json").exists():
        subprocess.run([sys.executable, "-m", "tracekit", "demo", "--rows", str(rows), "--seed", str(seed),
                        "--out", str(out), "--no-progress"], check=True, capture_output=True)
    return out


def _ranking_scores(ranked: pd.DataFrame, labels: pd.DataFrame) -> tuple[float, float]:
    frame = labels.merge(ranked[["entity_id", "score"]], on="entity_id", how="left").fillna({"score": 0.0})
    frame = frame.sort_values(["score", "entity_id"], ascending=[False, True], ignore_index=True)
    hits = frame["positive"].to_numpy(dtype=bool)
    k = int(hits.sum())
    precision_at_k = float(hits[:k].mean()) if k else float("nan")
    cumulative = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    average_precision = float(cumulative[hits].mean()) if k else float("nan")
    return average_precision, precision_at_k


def run(seed: int, rows: int, weights: str | None = None) -> None:
    import tracekit
    from tracekit.graph.flags import build_flags, flags_stamp
    from tracekit.graph.index import current_index
    from tracekit.graph.risk import build_risk, risk_stamp

    folder = _world(seed, rows)
    truth = json.loads((folder / "truth.json").read_text())
    role = {e["id"]: e["role"] for e in truth["entities"]}
    ws = tracekit.Workspace()
    try:
        ws.load([str(p) for p in sorted(folder.glob("shipments-*.csv"))], progress=False)
        ws.resolve(progress=False)
        ws.store.register("truth_mentions", pd.read_parquet(folder / "truth-mentions.parquet"))
        majority = ws.sql("""
            SELECT me.entity_id, mode(t.entity_id) AS truth FROM mention_entities me
            JOIN party_mentions m USING (mention_id) JOIN shipments s ON s.shipment_id = m.shipment_id
            JOIN sources src ON src.source_id = s.source_id
            JOIN truth_mentions t ON t.file = regexp_extract(src.path, '[^/]+$') AND t.line = s.line AND t.role = m.role
            WHERE t.entity_id IS NOT NULL GROUP BY me.entity_id""")
        majority["positive"] = [role.get(t) in NETWORK_ROLES for t in majority["truth"]]
        labels = majority[["entity_id", "positive"]]
        risk_ranking = ws.risk(weights=weights).to_frame()
        flags_ranking = ws.flags().entities
        for name, ranked in (("risk", risk_ranking), ("flags only", flags_ranking)):
            ap, pk = _ranking_scores(ranked, labels)
            emit(figure=f"{name}: average precision, network companies", seed=seed, rows=rows, value=round(ap, 3),
                 positives=int(labels["positive"].sum()), entities=len(labels))
            emit(figure=f"{name}: precision at k", seed=seed, rows=rows, value=round(pk, 3))
        index = current_index(ws.store, progress=False)
        stamp = flags_stamp(ws.store, index.fingerprint)
        started = time.perf_counter()
        build_flags(ws.store, stamp, progress=False)
        flags_seconds = time.perf_counter() - started
        started = time.perf_counter()
        build_risk(ws.store, risk_stamp(ws.store, stamp))
        risk_seconds = time.perf_counter() - started
        emit(figure="risk tables build (s)", seed=seed, rows=rows, value=round(risk_seconds, 3),
             baseline="flag tables build (s), same run", baseline_value=round(flags_seconds, 3))
    finally:
        ws.close()


def main(argv=None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, action="append")
    parser.add_argument("--weights", help="score with this weights table (tuning runs only)")
    parser.add_argument("--quick", action="store_true", help="smoke run: one seed, 2,000 rows")
    parser.add_argument("--clean", action="store_true", help="regenerate the demo worlds")
    args = parser.parse_args(argv)
    if args.clean:
        shutil.rmtree(OUT, ignore_errors=True)
    if args.quick:
        args.rows, args.seed = 2_000, args.seed or [2]
    for seed in args.seed or [2, 3]:
        run(seed, args.rows, args.weights)


if __name__ == "__main__":
    main()
