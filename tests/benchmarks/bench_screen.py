"""Sanctions screening: recall on perturbed names of the real OFAC SDNTK organisations, false positives on
the demo world's (fictional) companies, each beside a plain rapidfuzz baseline measured in the same run.

Perturbations, one workspace per kind so variants of one organisation never merge with each other:

* ``typo``: one letter deleted, doubled, replaced or two swapped, in the longest distinctive word;
* ``legal_form``: the legal form replaced by another spelling of it, or one added/removed
  (S.A. DE C.V. ↔ SA DE CV ↔ SA; CO., LTD. ↔ LIMITED; LTDA ↔ LIMITADA; S.A.S. ↔ SAS);
* ``word_order``: the first two words of the name swapped;
* ``accents``: accents dropped where the name has them, else an accent put on its first vowel
  (the list writes QUIMICA, the manifest QUÍMICA).

Each perturbed name becomes a shipper mention (country: the list's country for half, none for the
rest), is resolved, and is screened against the whole OFAC list (organisations and individuals, so a
hit on the wrong entry is possible). Recall: the organisation's own entry is among the entity's hits.

Baseline: ``rapidfuzz.fuzz.token_sort_ratio`` ≥ 90 (with rapidfuzz's default lower-casing and
punctuation stripping) between the perturbed name and every OFAC name of the same kinds.

The default threshold (0.83) was chosen on perturbation seed 1 and demo seed 7 (the curve over
``THRESHOLDS`` is emitted); seed 2 and demo seed 11 were never looked at while choosing it.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process, utils

import tracekit
from tracekit.demo.generate import generate
from tracekit.ingest.codes import normalise_country
from tracekit.ingest.screen_lists import read_ofac_csv
from tracekit.resolve.normalize import is_generic_word
from tracekit.resolve.screen import DEFAULT_MIN_SCORE, SCREEN_KINDS

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("TRACEKIT_SHARED") or REPO.parent / "shared")
OFAC = SHARED / "data" / "ofac-sdn-2022-01"
DATA = REPO / "bench-data"
KINDS = ("typo", "legal_form", "word_order", "accents")
LEGAL_SWAPS = [
    (r"S\.?\s?A\.? DE C\.?\s?V\.?", ["SA DE CV", "SA", "S.A."]),
    (r"CO\.?,? LTD\.?", ["LIMITED", "COMPANY LIMITED", "CO LTD"]),
    (r"\bLTDA\.?", ["LIMITADA", "LTD"]),
    (r"S\.?A\.?S\.?$", ["SAS", "SA"]),
    (r"\bS\.?\s?A\.?$", ["SA DE CV", "SOCIEDAD ANONIMA", "LTDA"]),
    (r"\bLTD\.?$|\bLIMITED$", ["LLC", "CO LTD", "INC"]),
]
BASELINE_CUTOFF = 90
THRESHOLDS = (0.75, 0.8, 0.83, 0.86, 0.9)


def emit(**figure) -> None:
    print(json.dumps(figure, default=float), flush=True)


def _typo(name: str, rng: random.Random) -> str:
    words = re.findall(r"[A-Za-zÀ-ÿ]+", name)
    target = max((w for w in words if not is_generic_word(w.lower())), key=len, default=max(words, key=len))
    if len(target) < 4:
        return name
    i = rng.randrange(1, len(target) - 1)
    op = rng.choice(["delete", "double", "replace", "swap"])
    letters = "ABCDEFGHIJKLMNOPRSTUVZ"
    new = {"delete": target[:i] + target[i + 1:], "double": target[:i] + target[i] + target[i:],
           "replace": target[:i] + rng.choice(letters.replace(target[i].upper(), "")) + target[i + 1:],
           "swap": target[:i - 1] + target[i] + target[i - 1] + target[i + 1:]}[op]
    return name.replace(target, new, 1)


def _legal_form(name: str, rng: random.Random) -> str:
    for pattern, choices in LEGAL_SWAPS:
        if re.search(pattern, name):
            return re.sub(pattern, rng.choice(choices), name, count=1).replace(",,", ",")
    return name.rstrip(".") + rng.choice([" SA DE CV", " LTD", " LLC", " S.A."])


def _word_order(name: str, _rng: random.Random) -> str:
    words = name.split()
    return " ".join([words[1], words[0], *words[2:]]) if len(words) >= 2 else name


def _accents(name: str, _rng: random.Random) -> str:
    stripped = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    if stripped != name:
        return stripped
    return re.sub(r"[AEIOU]", lambda m: {"A": "Á", "E": "É", "I": "Í", "O": "Ó", "U": "Ú"}[m.group(0)], name,
                  count=1)


PERTURB = {"typo": _typo, "legal_form": _legal_form, "word_order": _word_order, "accents": _accents}


def _sdntk(entries: pd.DataFrame) -> pd.DataFrame:
    primary = entries[(entries["name_type"] == "primary") & (entries["kind"] == "organization")]
    return primary[primary["programs"].str.split("; ").map(lambda p: "SDNTK" in p)].drop_duplicates("entry_id")


def _workspace(names: list[str], countries: list[str | None], folder: Path) -> tracekit.Workspace:
    path = folder / "manifest.csv"
    frame = pd.DataFrame({"BL_NUMBER": [f"B{i}" for i in range(len(names))], "SHIPMENT_DATE": "2024-01-01",
                          "SHIPPER_NAME": names, "SHIPPER_COUNTRY": countries,
                          "CONSIGNEE_NAME": "BENCHMARK RECEIVER GMBH", "CONSIGNEE_COUNTRY": "DE",
                          "HS_CODE": "293339", "PRODUCT_DESCRIPTION": "chemicals", "GROSS_WEIGHT": "1"})
    frame.to_csv(path, index=False)
    ws = tracekit.Workspace()
    ws.load(str(path), progress=False)
    ws.resolve(progress=False)
    return ws


def _shipper_entities(ws: tracekit.Workspace, n: int) -> np.ndarray:
    found = ws.store.df("SELECT s.line, me.entity_id FROM shipments s JOIN mention_entities me "
                        "ON me.mention_id = s.shipment_id * 4 ORDER BY s.line")
    return found.set_index("line")["entity_id"].reindex(np.arange(2, n + 2)).to_numpy()


def _baseline_hits(queries: list[str], list_names: pd.Series) -> list[set[str]]:
    names = list_names["name"].tolist()
    scores = process.cdist(queries, names, scorer=fuzz.token_sort_ratio, processor=utils.default_process,
                           score_cutoff=BASELINE_CUTOFF, workers=2, dtype=np.uint8)
    ids = list_names["entry_id"].to_numpy()
    return [set(ids[np.flatnonzero(row)].tolist()) for row in scores]


def recall(entries: pd.DataFrame, seed: int, tmp: Path) -> None:
    orgs = _sdntk(entries)
    screened = entries[entries["kind"].isin(SCREEN_KINDS)]
    rng = random.Random(seed)
    for kind in KINDS:
        perturbed = [PERTURB[kind](n, rng) for n in orgs["name"]]
        changed = np.array([p != n for p, n in zip(perturbed, orgs["name"], strict=True)])
        countries = [normalise_country(c) if i % 2 == 0 and isinstance(c, str) else None
                     for i, c in enumerate(orgs["country"])]
        folder = tmp / f"{kind}-{seed}"
        folder.mkdir(parents=True, exist_ok=True)
        ws = _workspace(perturbed, countries, folder)
        ws.screen_lists.add(OFAC, name="ofac")
        started = time.perf_counter()
        result = ws.screen(max_hops=1, min_score=min(THRESHOLDS))
        took = time.perf_counter() - started
        frame = result.to_frame()
        entity = _shipper_entities(ws, len(orgs))
        truth = orgs["entry_id"].tolist()
        base_hits = _baseline_hits(perturbed, screened)
        base = np.array([t in h for t, h in zip(truth, base_hits, strict=True)])
        base_wrong = np.array([bool(h - {t}) for t, h in zip(truth, base_hits, strict=True)])
        curve = {}
        for threshold in THRESHOLDS:
            hits = frame[frame["score"] >= threshold].groupby("entity_id")["entry_id"].agg(set).to_dict()
            ours = np.array([t in hits.get(e, set()) for t, e in zip(truth, entity, strict=True)])
            wrong = np.array([bool(hits.get(e, set()) - {t}) for t, e in zip(truth, entity, strict=True)])
            curve[threshold] = (ours, wrong)
        ours, wrong = curve[DEFAULT_MIN_SCORE]
        emit(figure="screen_recall_perturbed_sdntk", perturbation=kind, seed=seed,
             role="tuning" if seed == 1 else "held-out", organisations=int(len(orgs)), changed=int(changed.sum()),
             min_score=DEFAULT_MIN_SCORE, recall=round(float(ours[changed].mean()), 4),
             other_entries_hit=round(float(wrong[changed].mean()), 4),
             baseline="rapidfuzz token_sort_ratio >= 90", baseline_recall=round(float(base[changed].mean()), 4),
             baseline_other_entries_hit=round(float(base_wrong[changed].mean()), 4), screen_s=round(took, 2),
             recall_by_threshold={t: round(float(o[changed].mean()), 4) for t, (o, _w) in curve.items()},
             other_hit_by_threshold={t: round(float(w[changed].mean()), 4) for t, (_o, w) in curve.items()},
             missed=[p for p, o, c in zip(perturbed, ours, changed, strict=True) if c and not o][:5],
             command="python -m tests.benchmarks.run screen")
        ws.close()


def false_positives(entries: pd.DataFrame, rows: int, seed: int, tmp: Path) -> None:
    out = DATA / f"demo-screen-{rows}-{seed}"
    if not (out / "truth-mentions.parquet").exists():
        generate(out, rows=rows, seed=seed, progress=False)
    ws = tracekit.Workspace()
    ws.load(str(out / "shipments-*.csv"), progress=False)
    ws.resolve(progress=False)
    ws.screen_lists.add(OFAC, name="ofac")
    started = time.perf_counter()
    result = ws.screen(min_score=min(THRESHOLDS))
    took = time.perf_counter() - started
    n_entities = int(ws.store.scalar("SELECT count(*) FROM entities"))
    frame = result.to_frame()
    by_threshold = {t: int(frame[frame["score"] >= t]["entity_id"].nunique()) for t in THRESHOLDS}
    flagged = by_threshold[DEFAULT_MIN_SCORE]
    result = frame[frame["score"] >= DEFAULT_MIN_SCORE]
    names = ws.store.df("SELECT entity_id, name FROM entities")
    screened = entries[entries["kind"].isin(SCREEN_KINDS)]
    base = _baseline_hits(names["name"].fillna("").tolist(), screened)
    emit(figure="screen_false_positives_demo", rows=rows, seed=seed, entities=n_entities,
         min_score=DEFAULT_MIN_SCORE, flagged_entities=int(flagged), rate=round(flagged / max(n_entities, 1), 5),
         flagged_by_threshold=by_threshold, examples=result["explanation"].head(3).tolist(),
         baseline="rapidfuzz token_sort_ratio >= 90", baseline_flagged=int(sum(bool(h) for h in base)),
         baseline_rate=round(sum(bool(h) for h in base) / max(n_entities, 1), 5), screen_s=round(took, 2),
         command="python -m tests.benchmarks.run screen")
    ws.close()


def main(argv=None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    quick = "--quick" in argv
    if not (OFAC / "sdn.csv").exists():
        print(f"# {OFAC} absent: bench_screen skipped (set TRACEKIT_SHARED)", file=sys.stderr)
        return
    DATA.mkdir(exist_ok=True)
    tmp = DATA / "screen-work"
    entries = read_ofac_csv(OFAC)
    for seed in (1,) if quick else (1, 2):
        recall(entries, seed, tmp)
    for seed in (7,) if quick else (7, 11):
        false_positives(entries, 5_000 if quick else 20_000, seed, tmp)


if __name__ == "__main__":
    main()
