"""The clusterer as it was before the scale work (commit a2267a3), kept as the reference.

The test in test_cluster_equivalence.py checks the production clusterer against it on random pair
sets; bench_resolve_scale.py times it as the same-run baseline. Do not optimise this file.

Original docstring: clustering that does not chain, with analyst constraints.

Single-link clustering (connected components of "A ≈ B") glues A to C through one noisy B: exactly
what an obfuscating trafficker's spelling variants do. Here two clusters merge only when the
*average* score over every pair between them passes ``threshold - margin`` (average linkage).
Pairs that blocking never scored are scored on demand while the clusters are small, and count as
0 once they are large, so a big cluster only grows through many strong links.

Analyst constraints are hard: cannot-link pairs never end up together, isolated profiles only join
others through an explicit must-link, and must-links that would break a cannot-link are reported as
conflicts instead of being applied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from tracekit.resolve.cluster import Constraints

__all__ = ["cluster"]

ON_DEMAND_LIMIT = 4096  # |X|·|Y| beyond which unscored pairs count as 0 (bounds the work per merge)


class _Clusters:
    def __init__(self, n: int, cannot: dict[int, set[int]]):
        self.parent = np.arange(n)
        self.members: dict[int, list[int]] = {}
        self.adj: dict[int, dict[int, list[float]]] = {}
        self.cannot = cannot  # root -> profiles it must never join

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return int(root)

    def members_of(self, root: int) -> list[int]:
        return self.members.get(root, [root])

    def forbidden(self, x: int, y: int) -> bool:
        bad_x, bad_y = self.cannot.get(x), self.cannot.get(y)
        if bad_x and not bad_x.isdisjoint(self.members_of(y)):
            return True
        return bool(bad_y and not bad_y.isdisjoint(self.members_of(x)))

    def add_edge(self, i: int, j: int, score: float) -> None:
        for x, y in ((i, j), (j, i)):
            entry = self.adj.setdefault(x, {}).setdefault(y, [0.0, 0])
            entry[0] += score
            entry[1] += 1

    def union(self, x: int, y: int) -> int:
        if len(self.members_of(x)) < len(self.members_of(y)):
            x, y = y, x
        self.parent[y] = x
        self.members[x] = self.members_of(x) + self.members.pop(y, [y])
        if y in self.cannot:
            self.cannot.setdefault(x, set()).update(self.cannot.pop(y))
        adj_x = self.adj.setdefault(x, {})
        adj_x.pop(y, None)
        for z, (s, c) in self.adj.pop(y, {}).items():
            if z == x:
                continue
            entry = adj_x.setdefault(z, [0.0, 0])
            entry[0] += s
            entry[1] += c
            adj_z = self.adj[z]
            adj_z.pop(y, None)
            adj_z[x] = entry.copy()
        return x


def cluster(
    n: int,
    a: np.ndarray,
    b: np.ndarray,
    score: np.ndarray,
    *,
    threshold: float,
    margin: float,
    pair_scorer: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
    constraints: Constraints | None = None,
) -> tuple[np.ndarray, list[tuple[object, object]]]:
    """Average-linkage clustering of ``n`` profiles over scored pairs.

    Parameters
    ----------
    n : int
        Number of profiles (positions ``0 … n-1``).
    a, b, score : arrays
        Scored pairs (every pair blocking produced, low scores included: they are the evidence
        that keeps clusters apart).
    threshold : float
        Pairs below this never start a merge.
    margin : float
        Clusters merge when their average pair score is at least ``threshold - margin``.
    pair_scorer : callable, optional
        ``pair_scorer(i_array, j_array) -> scores`` for pairs blocking did not produce.
    constraints : Constraints, optional
        Analyst decisions.

    Returns
    -------
    labels : int array
        A cluster label per profile (the position of one member).
    conflicts : list of (must_link tag, cannot_link tag)
        Merge decisions not applied because they contradict a never-merge decision.

    Examples
    --------
    A ≈ B and B ≈ C, but A and C are unrelated: B joins one of them, never both.

    >>> labels, _ = cluster(3, np.array([0, 1, 0]), np.array([1, 2, 2]), np.array([0.9, 0.9, 0.1]),
    ...                     threshold=0.85, margin=0.05)
    >>> len(set(labels.tolist()))
    2
    """
    constraints = constraints or Constraints()
    cannot: dict[int, set[int]] = {}
    for i, j, _ in constraints.cannot_link:
        cannot.setdefault(i, set()).add(j)
        cannot.setdefault(j, set()).add(i)
    state = _Clusters(n, cannot)
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    score = np.asarray(score, dtype=np.float64)
    known = set(zip(np.minimum(a, b).tolist(), np.maximum(a, b).tolist(), strict=True))
    for i, j, s in zip(a.tolist(), b.tolist(), score.tolist(), strict=True):
        state.add_edge(i, j, s)
    link_bar = threshold - margin
    order = np.argsort(-score, kind="stable")
    isolated = constraints.isolated
    for k in order[score[order] >= threshold].tolist():
        i, j = int(a[k]), int(b[k])
        if i in isolated or j in isolated:
            continue
        x, y = state.find(i), state.find(j)
        if x == y or state.forbidden(x, y):
            continue
        total, count = state.adj[x].get(y, (0.0, 0))
        mx, my = state.members_of(x), state.members_of(y)
        size = len(mx) * len(my)
        if count < size and pair_scorer is not None and size <= ON_DEMAND_LIMIT:
            total += _score_unknown(mx, my, known, pair_scorer)
        if total / size >= link_bar:
            state.union(x, y)
    conflicts = _apply_must_links(state, constraints.must_link, constraints.cannot_link)
    labels = np.fromiter((state.find(i) for i in range(n)), dtype=np.int64, count=n)
    return labels, conflicts


def _score_unknown(mx: list[int], my: list[int], known: set[tuple[int, int]],
                   pair_scorer: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> float:
    missing = [(min(p, q), max(p, q)) for p in mx for q in my if (min(p, q), max(p, q)) not in known]
    if not missing:
        return 0.0
    arr = np.asarray(missing, dtype=np.int64)
    return float(np.sum(pair_scorer(arr[:, 0], arr[:, 1])))


def _apply_must_links(state: _Clusters, must: Iterable[tuple[int, int, object]],
                      cannot: list[tuple[int, int, object]]) -> list[tuple[object, object]]:
    conflicts: list[tuple[object, object]] = []
    for i, j, tag in must:
        x, y = state.find(i), state.find(j)
        if x == y:
            continue
        if state.forbidden(x, y):
            together = set(state.members_of(x)) | set(state.members_of(y))
            blockers = [t for p, q, t in cannot if p in together and q in together]
            conflicts.extend((tag, t) for t in blockers)
            continue
        state.union(x, y)
    return conflicts


def previous_differ(sets: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """scoring._differ as it was (commit a2267a3): it walked every profile on each call, so each of the
    clusterer's on-demand scoring calls cost time in proportion to all profiles. The benchmark swaps it
    back in to time the previous pipeline as it really ran."""
    out = np.zeros(len(a), dtype=bool)
    if not len(a):
        return out
    has = np.fromiter((bool(x) for x in sets.tolist()), dtype=bool, count=len(sets))
    idx = np.flatnonzero(has[a] & has[b])
    out[idx] = [sets[i] != sets[j] for i, j in zip(a[idx].tolist(), b[idx].tolist(), strict=True)]
    return out
