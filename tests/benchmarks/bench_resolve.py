"""Entity-resolution benchmark: accuracy per world against Splink, and speed.

Prints one JSON line per figure. Full run: a 200k-row demo world (accuracy, per country and script),
the held-out second world (``tracekit demo --world second``, 20k rows, seeds 101-103, loaded through
``ws.load(file, mapping="auto")`` as a new user would: pairwise accuracy, shell-cluster recall,
chains found, cross-country merges), the OFAC SDN organisations, a >= 1M-mention resolve with
per-stage timings, and search over 1M synthetic entities; then one ``per_world`` line per world.
``--quick`` uses small sizes throughout; ``--only second`` runs the second world alone.

The second world's seeds are held out: the generator was built and debugged on seeds 1-3 and the
end-to-end test runs seed 7; nothing in tracekit may be tuned on seeds 101-103.
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
from tests.second_world_support import (
    chain_results,
    country_mixing,
    load_second_world,
    lookalike_results,
    mention_frame,
    shell_cluster_results,
    supports_declaring_country,
    translation_results,
)
from tracekit.demo.truth import read_truth

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "bench-data"
HAN = re.compile(r"[\u3400-\u9fff]")
PEER = "splink 5 (duckdb; EM, tf, rare-token blocking)"
SECOND_WORLD_SEEDS = (101, 102, 103)
"""Seeds the second world is reported on; never used while building the generator or tuning tracekit."""
SECOND_WORLD_BUILD_SEEDS = (1, 2, 3, 7)
PER_WORLD: dict[str, dict] = {}


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


def _compare(data: str, frame: pd.DataFrame, ours_s: float, subsets: dict[str, np.ndarray],
             world: str | None = None) -> None:
    """Ours vs Splink (standard threshold, and its best threshold on this truth) on each subset.

    With ``world``, the first subset's figures are also kept for the closing ``per_world`` lines.
    """
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
        if world and world not in PER_WORLD:
            PER_WORLD[world] = {"data": f"{data}, {label}", "mentions": int(mask.sum()), "ours": p, "splink": q,
                                "splink_oracle": r, "splink_oracle_threshold": best_t}
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
    _compare(f"demo {rows} rows", frame, report.seconds, subsets, world="demo")
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
        "all aliases": np.ones(len(frame), bool), "aliases sharing a word": frame["shares_word"].to_numpy()},
        world="OFAC aliases")


def _second_world(rows: int, seed: int) -> Path:
    out = DATA / f"second-{rows}-s{seed}"
    if not (out / "truth-mentions.parquet").exists():
        subprocess.run([sys.executable, "-m", "tracekit", "demo", "--world", "second", "--rows", str(rows), "--seed",
                        str(seed), "--out", str(out), "--no-progress"], check=True, capture_output=True)
    return out


def second_world_accuracy(rows: int, seeds: tuple[int, ...] = SECOND_WORLD_SEEDS) -> None:
    """The held-out second world, loaded through the public path, resolved, and checked against its truth."""
    frames, seconds, chains, shells, mixing, lookalikes, translations = [], 0.0, [], [], 0, [], []
    held_out = (f"held out: reported on seeds {list(seeds)}; built on seeds {list(SECOND_WORLD_BUILD_SEEDS)}"
                if not set(seeds) & set(SECOND_WORLD_BUILD_SEEDS) else f"BUILD seeds {list(seeds)}: not a report")
    for seed in seeds:
        out = _second_world(rows, seed)
        ws = tracekit.Workspace()
        reports = load_second_world(ws, out)
        for file, report in reports.items():
            mapping = report.sources[0].mapping
            unmapped = [t for t in ("date", "shipper_name", "consignee_name", "description", "value_usd")
                        if not mapping.columns.get(t)]
            emit(bench="resolve", data=f"second world seed {seed}, {file}", figure="auto_mapping_gaps",
                 value=len(unmapped), unmapped=unmapped, extras=mapping.extras,
                 declaring_country_option=supports_declaring_country(ws), target="0", met=not unmapped)
        report = ws.resolve(progress=False)
        seconds += report.seconds
        frame = mention_frame(ws, out).assign(seed=seed)
        with_country = float(frame["country"].notna().mean())
        emit(bench="resolve", data=f"second world seed {seed}", figure="mentions_with_country", value=with_country,
             target="info", met=True)
        chains += chain_results(ws, frame, read_truth(out))
        shells += shell_cluster_results(ws, frame, read_truth(out), top=5)
        mixing += len(country_mixing(frame))
        lookalikes.append(lookalike_results(frame, read_truth(out)))
        translations.append(translation_results(frame, read_truth(out)))
        frame["truth"] = f"s{seed}:" + frame["truth"]
        frame["ours"] = f"s{seed}:" + frame["ours"].astype(str)
        frames.append(frame)
        ws.close()
    frame = pd.concat(frames, ignore_index=True)
    splink_frame = frame.copy()
    notes = []
    if splink_frame["country"].isna().all():
        # Splink's prior rule (same name and country) matches nothing without countries and its
        # training then fails with a math domain error (measured-here.md): a placeholder lets it run.
        splink_frame["country"] = "??"
        notes.append("no mention has a country: Splink given the placeholder '??' for every mention")
    script = np.where(frame["name"].str.contains(HAN), "han", "latin")
    layout = frame["file"].to_numpy()
    subsets = {"all": np.ones(len(frame), bool), "layout A (reseller bills)": layout == "reseller-bills.csv",
               "layout B (CN export declarations)": layout == "cn-export-declarations.csv",
               "script han": script == "han"}
    splink_frame["ours"] = frame["ours"]
    _compare(f"second world {rows} rows x {len(seeds)} seeds ({held_out})", splink_frame, seconds, subsets,
             world="second (held out)")
    if notes:
        emit(bench="resolve", data="second world", figure="splink_notes", value=len(notes), notes=notes,
             target="info", met=True)
    found = sum(c["found"] for c in chains)
    emit(bench="resolve", data=f"second world, {held_out}", figure="chains_found_time_respecting",
         value=found / max(len(chains), 1), found=found, chains=len(chains),
         missed=[f"{c['network']}: {c.get('problem')}" for c in chains if not c["found"]][:6],
         baseline="every planted chain", target="1.0", met=found == len(chains))
    whole = sum(s["whole"] for s in shells)
    top = sum(s["top"] for s in shells)
    emit(bench="resolve", data=f"second world, {held_out}", figure="shell_cluster_recall_whole",
         value=whole / max(len(shells), 1), whole=whole, top5=top, clusters=len(shells),
         spellings_per_flat=[s["spellings"] for s in shells], target="1.0", met=whole == len(shells))
    emit(bench="resolve", data=f"second world, {held_out}", figure="shell_cluster_recall_top5",
         value=top / max(len(shells), 1), clusters=len(shells),
         problems=[f"{s['id']}: {s.get('problem')}" for s in shells if not s["top"]][:6], target="1.0",
         met=top == len(shells))
    emit(bench="resolve", data=f"second world, {held_out}", figure="entities_mixing_countries", value=mixing,
         target="0", met=mixing == 0)
    translated = pd.concat(translations, ignore_index=True)
    merged = int(translated["merged"].sum())
    emit(bench="resolve", data=f"second world, {held_out}", figure="han_translation_joined",
         value=merged / max(len(translated), 1), joined=merged, firms=len(translated),
         apart_examples=[f"{r.name_han} / {r.name}" for r in translated[~translated["merged"]].head(3).itertuples()],
         target="1.0 (Han name and English name of one firm in one entity)", met=merged == len(translated))
    pairs = pd.concat(lookalikes, ignore_index=True)
    for kind, group in pairs.groupby("kind"):
        apart = int((~group["merged"]).sum())
        emit(bench="resolve", data=f"second world, {held_out}", figure=f"lookalike_pairs_kept_apart[{kind}]",
             value=apart / len(group), apart=apart, pairs=len(group),
             merged_examples=[f"{n[0]} ({c[0]}, {ci[0]}) + {n[1]} ({c[1]}, {ci[1]})" for n, c, ci in
                              group.loc[group["merged"], ["names", "countries", "cities"]].head(3).itertuples(
                                  index=False)],
             target="1.0", met=apart == len(group))


def per_world_summary() -> None:
    """One line per world: pairwise F1/P/R, ours and Splink on the same mentions (the closing table)."""
    for world, row in PER_WORLD.items():
        ours, peer, oracle = row["ours"], row["splink"], row["splink_oracle"]
        emit(bench="resolve", figure="per_world", world=world, data=row["data"], mentions=row["mentions"],
             value=ours["f1"], precision=ours["precision"], recall=ours["recall"],
             baseline=f"{PEER} at {STANDARD}", baseline_value=peer["f1"], baseline_precision=peer["precision"],
             baseline_recall=peer["recall"], splink_oracle_threshold=row["splink_oracle_threshold"],
             splink_oracle_f1=oracle["f1"],
             target=">= 0.97 precision and recall" if world.startswith("second") else ">= splink",
             met=(ours["precision"] >= 0.97 and ours["recall"] >= 0.97) if world.startswith("second")
             else ours["f1"] >= peer["f1"])


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
    seeds = SECOND_WORLD_SEEDS
    if "--second-seeds" in argv:  # for developing this bench on build seeds: the report uses the default
        seeds = tuple(int(x) for x in argv[argv.index("--second-seeds") + 1].split(","))
    if "--only" in argv and argv[argv.index("--only") + 1] == "second":
        second_world_accuracy(6_000 if quick else 20_000, seeds)
        per_world_summary()
        return
    demo_accuracy(20_000 if quick else 200_000)
    second_world_accuracy(6_000 if quick else 20_000, seeds)
    ofac_accuracy()
    per_world_summary()
    scale(20_000 if quick else 440_000)
    search_scale(50_000 if quick else 1_000_000)


if __name__ == "__main__":
    main()
