"""Shell-cluster recall under address variants: planted clusters of firms at one address, written many ways.

Each planted cluster is 2–6 firms at one flat; each firm's mentions write the address in random forms
(English full or abbreviated, Chinese script, Spanish forms, punctuation, case, tail order; see
``tests/resolve/address_variants.py``). Clusters are connected components of the firm–address-key
graph, as in ``shell_clusters``. Figures, each with today's key (``normalize_address``, the key before
``tracekit.resolve.address``) as the same-run baseline:

* ``cluster_recall``: share of planted clusters grouped whole (all members in one component);
* ``false_join_rate``: share of planted clusters whose component also holds another cluster's firm
  (different buildings, flats or streets sharing a key). Decoys share street numbers, flats and
  floors with a planted cluster on another street, or sit next door;
* ``keys_per_s``: distinct addresses keyed per second (cold caches);
* ``keys_joining_spellings``: on the real OFAC SDN address list (``../shared``, or ``TRACEKIT_SHARED``),
  how many keys join two or more distinct spellings, ours and the baseline's.

Prints one JSON line per figure. ``--quick`` plants fewer clusters. The seed differs from the ones
the key was developed on.
"""

from __future__ import annotations

import json
import random
import sys
import time

import igraph as ig
import numpy as np

from tests.resolve.address_variants import STYLES, next_street, random_place, render
from tracekit.resolve import address as address_module
from tracekit.resolve import address_han
from tracekit.resolve.address import address_keys
from tracekit.resolve.normalize import normalize_address

SEED = 2026
KINDS = ("hk", "hk-off-table", "cn", "mx", "us")


def emit(**figure) -> None:
    print(json.dumps(figure, default=float), flush=True)


def plant(n_clusters: int, seed: int = SEED) -> list[dict]:
    """Mentions ``{cluster, firm, kind, address}``: planted clusters plus look-alike decoys."""
    rng = random.Random(seed)
    mentions = []
    firm = 0
    for cluster in range(n_clusters):
        kind = KINDS[cluster % len(KINDS)]
        place = random_place(rng, kind.split("-")[0], off_table=kind == "hk-off-table")
        places = [place]
        # a decoy cluster: same numbers on another street, or the building next door
        if rng.random() < 0.5:
            twin = place.__class__(**{**place.__dict__, "street": next_street(place)})
        else:
            twin = place.__class__(**{**place.__dict__, "number": place.number + 2})
        places.append(twin)
        for which, where in enumerate(places):
            for _ in range(rng.randint(2, 6)):
                for _ in range(rng.randint(1, 3)):
                    style = rng.choice(STYLES[where.kind])
                    mentions.append({"cluster": 2 * cluster + which, "firm": firm, "kind": kind,
                                     "address": render(rng, where, style)})
                firm += 1
    return mentions


def _components(firms: np.ndarray, keys: list[str | None]) -> np.ndarray:
    """Component of each firm in the firm–key graph (firms without a key stay alone)."""
    n_firms = int(firms.max()) + 1
    known = [(f, k) for f, k in zip(firms.tolist(), keys, strict=True) if k]
    key_ids = {k: n_firms + i for i, k in enumerate(dict.fromkeys(k for _, k in known))}
    graph = ig.Graph(n=n_firms + len(key_ids), edges=[(f, key_ids[k]) for f, k in known])
    return np.asarray(graph.connected_components().membership)[:n_firms]


def measure(mentions: list[dict], keys: list[str | None]) -> dict[str, tuple[float, float]]:
    """Per kind: (share of clusters grouped whole, share of clusters joined with another)."""
    firms = np.array([m["firm"] for m in mentions])
    component = _components(firms, keys)
    cluster_of_firm = {m["firm"]: m["cluster"] for m in mentions}
    kind_of = {m["cluster"]: m["kind"] for m in mentions}
    members: dict[int, set[int]] = {}
    for f, c in cluster_of_firm.items():
        members.setdefault(c, set()).add(f)
    clusters_in: dict[int, set[int]] = {}
    for f, c in cluster_of_firm.items():
        clusters_in.setdefault(int(component[f]), set()).add(c)
    out: dict[str, list[tuple[bool, bool]]] = {}
    for c, firms_of in members.items():
        comps = {int(component[f]) for f in firms_of}
        whole = len(comps) == 1
        joined = any(len(clusters_in[x]) > 1 for x in comps)
        for label in ("all", kind_of[c]):
            out.setdefault(label, []).append((whole, joined))
    return {k: (float(np.mean([w for w, _ in v])), float(np.mean([j for _, j in v]))) for k, v in out.items()}


def new_keys(texts: list[str]) -> list[str | None]:
    keys = address_keys(dict.fromkeys(texts))  # what resolution runs (features.py)
    return [keys[t] for t in texts]


def _cold() -> None:
    address_module._parse.cache_clear()
    address_han.clear_caches()
    normalize_address.cache_clear()


def ofac_spellings() -> None:
    """Real addresses (OFAC SDN 2022-01): how many keys join two or more distinct spellings.

    No truth labels: the groups the new key adds were reviewed by hand (docs/benchmarks.md).
    """
    import csv
    import os
    from pathlib import Path

    shared = Path(os.environ.get("TRACEKIT_SHARED") or Path(__file__).resolve().parents[2].parent / "shared")
    path = shared / "data" / "ofac-sdn-2022-01" / "add.csv"
    if not path.exists():
        print("# OFAC list absent: skipped", file=sys.stderr)
        return
    with path.open(encoding="latin-1") as f:
        texts = list(dict.fromkeys(", ".join(p for p in r[2:5] if p.strip() != "-0-")
                                   for r in csv.reader(f) if len(r) >= 5 and r[2].strip() != "-0-"))
    for label, keys in (("ours", new_keys(texts)), ("baseline", [normalize_address(t) for t in texts])):
        groups: dict[str, int] = {}
        for key in keys:
            if key:
                groups[key] = groups.get(key, 0) + 1
        joined = [n for n in groups.values() if n > 1]
        emit(bench="address", data=f"OFAC SDN 2022-01 addresses, {len(texts)} distinct", figure="keys_joining_spellings",
             key=label, value=len(joined), spellings=sum(joined), target="info", met=True)


def main(argv=None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    n_clusters = 250 if "--quick" in argv else 2000
    mentions = plant(n_clusters)
    texts = [m["address"] for m in mentions]
    distinct = list(dict.fromkeys(texts))
    _cold()
    started = time.perf_counter()
    ours = new_keys(texts)
    ours_s = time.perf_counter() - started
    started = time.perf_counter()
    old = [normalize_address(t) for t in texts]
    old_s = time.perf_counter() - started
    got, base = measure(mentions, ours), measure(mentions, old)
    data = f"{n_clusters} planted clusters + {n_clusters} decoys, {len(mentions)} mentions, seed {SEED}"
    for label in ("all", *KINDS):
        recall, joined = got[label]
        recall_0, joined_0 = base[label]
        emit(bench="address", data=data, subset=label, figure="cluster_recall", value=recall,
             baseline="normalize_address (key before this change)", baseline_value=recall_0,
             target="> baseline", met=recall > recall_0 or recall == 1.0)
        emit(bench="address", data=data, subset=label, figure="false_join_rate", value=joined,
             baseline="normalize_address (key before this change)", baseline_value=joined_0,
             target="0", met=joined == 0.0)
    emit(bench="address", data=f"{len(distinct)} distinct addresses", figure="keys_per_s",
         value=len(distinct) / ours_s, baseline="normalize_address", baseline_value=len(distinct) / old_s,
         target="info", met=True)
    ofac_spellings()


if __name__ == "__main__":
    main()
