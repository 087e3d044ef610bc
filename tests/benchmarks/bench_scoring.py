"""Resolution evidence benchmark (issue 8, item 3): what the weights estimated by EM buy.

Prints one JSON line per figure. Each figure resolves the same mentions twice in the same run: with the
Fellegi–Sunter weights EM estimates on the workspace's own candidate pairs (tracekit's default) and,
as the baseline, with the prior weights alone (what a workspace too small to estimate anything gets).
Data: demo worlds (the seeds tuned on: 7 and 11), the OFAC SDN organisations with their aliases, and the
hand-written held-out hard cases of tests/resolve/test_hard_cases.py. ``--quick``: seed 7 only, 5k rows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import tracekit
from tests.resolve.accuracy import ofac_mentions, pairwise
from tracekit.resolve.model import prior_model
from tracekit.resolve.pipeline import resolve

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "bench-data"


def emit(**figure) -> None:
    print(json.dumps(figure, default=float), flush=True)


def _demo(rows: int, seed: int) -> Path:
    out = DATA / f"demo-scoring-{rows}-{seed}"
    if not (out / "truth-mentions.parquet").exists():
        subprocess.run([sys.executable, "-m", "tracekit", "demo", "--rows", str(rows), "--seed", str(seed),
                        "--out", str(out)], check=True, capture_output=True)
    return out


def _entities(ws: tracekit.Workspace, estimated: bool) -> tuple[pd.Series, float, int]:
    started = time.perf_counter()
    report = resolve(ws.store, full=True, progress=False, model=None if estimated else prior_model())
    got = ws.sql("SELECT mention_id, entity_id FROM mention_entities").set_index("mention_id")["entity_id"]
    return got, time.perf_counter() - started, report.model_pairs


def _figure(data: str, frame: pd.DataFrame, ours: np.ndarray, prior: np.ndarray, seconds: float, pairs: int) -> None:
    for label, mask in (("all", np.ones(len(frame), bool)), ("no party country", frame["country"].isna().to_numpy())):
        if not mask.any():
            continue
        p, q = pairwise(frame["truth"][mask], ours[mask]), pairwise(frame["truth"][mask], prior[mask])
        emit(bench="scoring", data=f"{data}, {label}, {int(mask.sum())} mentions", figure="pairwise_f1",
             value=p["f1"], precision=p["precision"], recall=p["recall"], baseline="prior weights, no EM",
             baseline_value=q["f1"], baseline_precision=q["precision"], baseline_recall=q["recall"],
             em_pairs=pairs, resolve_s=seconds, target="info", met=True)


def demo(rows: int, seed: int) -> None:
    out = _demo(rows, seed)
    ws = tracekit.Workspace()
    ws.load(str(out / "shipments-*.csv"), progress=False)
    ws.store.register("truth", pd.read_parquet(out / "truth-mentions.parquet"))
    frame = ws.sql("""
        SELECT m.mention_id, m.country, t.entity_id AS truth
        FROM party_mentions m JOIN shipments s USING (shipment_id) JOIN sources src ON src.source_id = m.source_id
        JOIN truth t ON t.file = regexp_extract(src.path, '[^/]+$') AND t.record_id = s.record_id
             AND t.role = m.role
        WHERE m.name IS NOT NULL AND trim(m.name) <> ''""")
    prior, _, _ = _entities(ws, estimated=False)
    ours, seconds, pairs = _entities(ws, estimated=True)
    ws.close()
    ids = frame["mention_id"]
    _figure(f"demo {rows} rows seed {seed}", frame, ours.reindex(ids).to_numpy(), prior.reindex(ids).to_numpy(),
            seconds, pairs)


def ofac() -> None:
    shared = Path(os.environ.get("TRACEKIT_SHARED", REPO.parent / "shared"))  # a worktree has no ../shared
    if not (shared / "data" / "ofac-sdn-2022-01" / "sdn.csv").exists():
        print("# OFAC list absent: skipped", file=sys.stderr)
        return
    frame = ofac_mentions(shared)
    from tests.resolve.conftest import add_mentions

    ws = tracekit.Workspace()
    ids = add_mentions(ws, frame[["name", "country", "address"]].astype(object).where(frame.notna(), None)
                       .to_dict("records"))
    prior, _, _ = _entities(ws, estimated=False)
    ours, seconds, pairs = _entities(ws, estimated=True)
    ws.close()
    keep = frame["shares_word"].to_numpy()
    for label, mask in (("all aliases", np.ones(len(frame), bool)), ("aliases sharing a word", keep)):
        p = pairwise(frame["truth"][mask], ours.reindex(ids).to_numpy()[mask])
        q = pairwise(frame["truth"][mask], prior.reindex(ids).to_numpy()[mask])
        emit(bench="scoring", data=f"OFAC SDN 2022-01 orgs, {label}, {int(mask.sum())} mentions", figure="pairwise_f1",
             value=p["f1"], precision=p["precision"], recall=p["recall"], baseline="prior weights, no EM",
             baseline_value=q["f1"], baseline_precision=q["precision"], baseline_recall=q["recall"],
             em_pairs=pairs, resolve_s=seconds, target="info", met=True)


def hard_cases() -> None:
    from tests.resolve.conftest import add_mentions
    from tests.resolve.test_hard_cases import ONE_FIRM, TWO_FIRMS

    for name, cases, want_same in (("two firms merged", TWO_FIRMS, False), ("one firm split", ONE_FIRM, True)):
        ws = tracekit.Workspace()
        ids = add_mentions(ws, [m for pair in cases.values() for m in pair])
        ws.resolve(progress=False)
        entity = ws.sql("SELECT mention_id, entity_id FROM mention_entities").set_index("mention_id")["entity_id"]
        wrong = [label for k, label in enumerate(cases)
                 if (entity[ids[2 * k]] == entity[ids[2 * k + 1]]) != want_same]
        ws.close()
        emit(bench="scoring", data="held-out hard cases (tests/resolve/test_hard_cases.py), alone",
             figure=name, value=len(wrong), of=len(cases), wrong=wrong, target="0", met=not wrong)


def main(argv=None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    quick = "--quick" in argv
    DATA.mkdir(exist_ok=True)
    hard_cases()
    for seed in (7,) if quick else (7, 11):
        demo(5_000 if quick else 20_000, seed)
    if not quick:
        ofac()


if __name__ == "__main__":
    main()
