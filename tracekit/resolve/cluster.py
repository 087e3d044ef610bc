"""Clustering that does not chain, with analyst constraints.

Single-link clustering (connected components of "A ≈ B") glues A to C through one noisy B: exactly
what an obfuscating trafficker's spelling variants do. Here two clusters merge only when the
*average* score over every pair between them passes ``threshold - margin`` (average linkage).
Pairs that blocking never scored are scored on demand while the clusters are small, and count as
0 once they are large, so a big cluster only grows through many strong links.

Only profiles joined by a chain of pairs at or above the threshold can ever end up together (a merge
starts from such a pair), so the strong pairs' connected components are found first (igraph, in C):
singletons are done at once, and the average-linkage loop only sees pairs inside a component. Within
small components every pair blocking never scored is scored in one vectorised batch up front instead of
one call per merge attempt. The decisions, and the order they are taken in, are exactly those of the
plain loop; tests/resolve/test_cluster_equivalence.py checks that against the previous clusterer.

Components never interact, so they are linked in independent *shares* (about equal numbers of pairs):
inside a resolve run one forked worker process per share (:func:`tracekit.resolve.workers.map_forked`;
the pairs, scores and the pair scorer reach the workers by the fork), each meeting its pairs in the same
relative order as one pass would; only each share's profiles and their cluster roots come back. The
analysts' must-links are applied afterwards, on the clusters the shares found.

Analyst constraints are hard: cannot-link pairs never end up together, isolated profiles only join
others through an explicit must-link, and must-links that would break a cannot-link are reported as
conflicts instead of being applied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from tracekit.resolve.workers import can_fork_workers, map_forked, worker_count

__all__ = ["Constraints", "cluster"]

ON_DEMAND_LIMIT = 4096  # |X|·|Y| beyond which unscored pairs count as 0 (bounds the work per merge)
BATCH_COMPONENT = 128  # components up to this size score all their unscored pairs in one batch up front
BATCH_PAIRS = 1_000_000  # pairs per pair_scorer call while batching (bounds memory)


@dataclass
class Constraints:
    """Analyst decisions, as profile positions.

    Attributes
    ----------
    must_link : list of (i, j, tag)
        Pairs to put together (``tag`` identifies the decision, for conflict reports).
    cannot_link : list of (i, j, tag)
        Pairs never to put together.
    isolated : set of int
        Profiles split off by an analyst: they join nothing through machine scores.
    """

    must_link: list[tuple[int, int, object]] = field(default_factory=list)
    cannot_link: list[tuple[int, int, object]] = field(default_factory=list)
    isolated: set[int] = field(default_factory=set)


class _Clusters:
    def __init__(self, n: int, cannot: dict[int, set[int]]):
        self.parent = list(range(n))
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
        return root

    def members_of(self, root: int) -> list[int]:
        return self.members.get(root, [root])

    def forbidden(self, x: int, y: int) -> bool:
        bad_x, bad_y = self.cannot.get(x), self.cannot.get(y)
        if bad_x and not bad_x.isdisjoint(self.members_of(y)):
            return True
        return bool(bad_y and not bad_y.isdisjoint(self.members_of(x)))

    def add_edges(self, a: list[int], b: list[int], score: list[float]) -> None:
        """Sum the scores and count the pairs between every two profiles, in the given order."""
        adj = self.adj
        for i, j, s in zip(a, b, score, strict=True):
            for x, y in ((i, j), (j, i)):
                row = adj.get(x)
                if row is None:
                    row = adj[x] = {}
                entry = row.get(y)
                if entry is None:
                    row[y] = [0.0 + s, 1]
                else:
                    entry[0] += s
                    entry[1] += 1

    @classmethod
    def from_labels(cls, labels: np.ndarray, cannot: dict[int, set[int]]) -> _Clusters:
        """The clusters (members and never-merge sets, not pair sums) that ``labels`` (roots) describe."""
        state = cls(len(labels), {k: set(v) for k, v in cannot.items()})
        joined = np.flatnonzero(labels != np.arange(len(labels)))
        for i, root in zip(joined.tolist(), labels[joined].tolist(), strict=True):
            state.parent[i] = root
            state.members.setdefault(root, [root]).append(i)
            if i in state.cannot:
                state.cannot.setdefault(root, set()).update(state.cannot.pop(i))
        return state

    def union(self, x: int, y: int) -> int:
        if len(self.members_of(x)) < len(self.members_of(y)):
            x, y = y, x
        self.parent[y] = x
        self.members.setdefault(x, [x]).extend(self.members.pop(y, [y]))
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
    shares: int | None = None,
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
        ``pair_scorer(i_array, j_array) -> scores`` for pairs blocking did not produce. It must score
        each pair on its own (the same score whatever else is in the batch).
    constraints : Constraints, optional
        Analyst decisions.
    shares : int, optional
        Link the components in this many independent shares (by default one per core and two per
        worker inside a resolve run, else one); the result does not depend on it.

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
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    score = np.asarray(score, dtype=np.float64)
    isolated = constraints.isolated
    # Pairs that can start a merge: strong, between two profiles, neither split off by an analyst.
    strong = (score >= threshold) & (a != b)
    if isolated:
        gone = np.fromiter(isolated, dtype=np.int64, count=len(isolated))
        strong &= ~(np.isin(a, gone) | np.isin(b, gone))
    component = _components(n, a[strong], b[strong])
    sizes = np.bincount(component, minlength=1)
    big = sizes[component] >= 2
    # Only pairs inside a component are ever weighed; they go in in their given order, as before.
    inside = (component[a] == component[b]) & big[a]
    order = np.argsort(-score, kind="stable")
    count = shares or (2 * worker_count() if can_fork_workers() else 1)
    run = _Run(n, a, b, score, strong, inside, component, _shares(component, sizes, a[inside], count), cannot,
               order[strong[order]], threshold - margin, pair_scorer)
    labels = np.arange(n, dtype=np.int64)

    def receive(_: int, result: tuple[np.ndarray, np.ndarray]) -> None:
        nodes, roots = result
        labels[nodes] = roots

    map_forked(_link_share, list(range(count)), run, receive)
    state = _Clusters.from_labels(labels, cannot)
    conflicts = _apply_must_links(state, constraints.must_link, constraints.cannot_link)
    labels = np.fromiter((state.find(i) for i in range(n)), dtype=np.int64, count=n)
    return labels, conflicts


@dataclass
class _Run:
    """What linking every share of the components reads (in a worker process: by the fork, not pickled)."""

    n: int
    a: np.ndarray
    b: np.ndarray
    score: np.ndarray
    strong: np.ndarray
    inside: np.ndarray
    component: np.ndarray
    share: np.ndarray  # per component: the share it is linked in
    cannot: dict[int, set[int]]
    strong_order: np.ndarray  # the strong pairs, highest score first (ties in input order)
    link_bar: float
    pair_scorer: Callable[[np.ndarray, np.ndarray], np.ndarray] | None


def _shares(component: np.ndarray, sizes: np.ndarray, inside_a: np.ndarray, count: int) -> np.ndarray:
    """A share per component, so that each share holds about as many pairs to weigh."""
    if count <= 1:
        return np.zeros(len(sizes), dtype=np.int64)
    load = np.bincount(component[inside_a], minlength=len(sizes)) + sizes
    out = np.empty(len(sizes), dtype=np.int64)
    ranked = np.argsort(-load, kind="stable")
    # Dealt in the order 0 1 … k-1 k-1 … 1 0: the heaviest components spread evenly over the shares.
    deal = np.r_[np.arange(count), np.arange(count)[::-1]]
    out[ranked] = deal[np.arange(len(ranked)) % (2 * count)]
    return out


def _link_share(run: _Run, share: int) -> tuple[np.ndarray, np.ndarray]:
    """Average-linkage inside the components of one share; its profiles and their cluster roots.

    Components never interact (a merge joins two clusters of one component, constraints are applied
    after), and the share's pairs are met in the same relative order as in one pass over all of them,
    so every share takes exactly the decisions one pass would.
    """
    mine = run.share[run.component]  # per profile: its component's share
    mine = (mine == share) & (np.bincount(run.component, minlength=1)[run.component] >= 2)
    pairs = run.inside & mine[run.a]
    a, b = run.a, run.b
    state = _Clusters(run.n, {k: set(v) for k, v in run.cannot.items()})
    state.add_edges(a[pairs].tolist(), b[pairs].tolist(), run.score[pairs].tolist())
    unknown = _UnknownPairs(run.n, a[pairs], b[pairs], run.component, run.pair_scorer, only=mine)
    scorer = run.pair_scorer
    link_bar = run.link_bar
    # A rejected merge stays rejected until one of the two clusters changes: its decision depends only
    # on their members, their summed pair scores and their never-merge sets. Many strong pairs join the
    # same two clusters, so this skips the repeats (the decision would be the same, not just similar).
    version: dict[int, int] = {}
    rejected: set[tuple[int, int, int, int]] = set()
    order = run.strong_order[mine[a[run.strong_order]]]
    for k in order.tolist():
        x, y = state.find(int(a[k])), state.find(int(b[k]))
        if x == y:
            continue
        attempt = (x, version.get(x, 0), y, version.get(y, 0)) if x < y else \
            (y, version.get(y, 0), x, version.get(x, 0))
        if attempt in rejected:
            continue
        if state.forbidden(x, y):
            rejected.add(attempt)
            continue
        total, count = state.adj[x].get(y, (0.0, 0))
        mx, my = state.members_of(x), state.members_of(y)
        size = len(mx) * len(my)
        if count < size and scorer is not None and size <= ON_DEMAND_LIMIT:
            total += unknown.total(mx, my)
        if total / size >= link_bar:
            root = state.union(x, y)
            version[root] = version.get(root, 0) + 1
        else:
            rejected.add(attempt)
    nodes = np.flatnonzero(mine)
    return nodes, np.fromiter((state.find(i) for i in nodes.tolist()), dtype=np.int64, count=len(nodes))


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected component of every profile over the pairs ``a``–``b``."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    import igraph  # here, not at the top: it takes ~0.6 s to import (matplotlib with it), and opening a
    # workspace or loading a file must not pay that.

    # A list of tuples: igraph reads it several times faster than a two-column numpy array.
    graph = igraph.Graph(n=n, edges=list(zip(a.tolist(), b.tolist(), strict=True)), directed=False)
    return np.asarray(graph.connected_components().membership, dtype=np.int64)


class _UnknownPairs:
    """Scores of the pairs blocking did not produce, summed as the plain loop summed them.

    In components of at most ``BATCH_COMPONENT`` profiles every unscored pair is scored once, in
    batches, before clustering starts; larger components call ``pair_scorer`` per merge attempt.
    Either way the pairs of a merge are summed in the same order and dtype as one call would return.
    """

    def __init__(self, n: int, a: np.ndarray, b: np.ndarray, component: np.ndarray,
                 pair_scorer: Callable[[np.ndarray, np.ndarray], np.ndarray] | None, only: np.ndarray | None = None):
        self.n = n
        self.scorer = pair_scorer
        self.known = np.sort(np.minimum(a, b) * n + np.maximum(a, b))  # duplicates are harmless here
        self.component = component
        self.keys = np.zeros(0, dtype=np.int64)
        self.scores: np.ndarray | None = None
        self.memo: dict[int, float] = {}
        self.memo_dtype = np.dtype(np.float64)
        sizes = np.bincount(component, minlength=1)
        self.batched = (sizes >= 3) & (sizes <= BATCH_COMPONENT)
        if only is not None:  # per profile: the components of one share
            self.batched &= np.bincount(component, weights=only, minlength=len(sizes)) > 0
        if pair_scorer is not None and self.batched.any():
            self._score_small_components(sizes)

    def _score_small_components(self, sizes: np.ndarray) -> None:
        nodes = np.flatnonzero(self.batched[self.component])
        comp_of = self.component[nodes]
        nodes, comp_of = nodes[np.argsort(comp_of, kind="stable")], np.sort(comp_of, kind="stable")
        starts = np.flatnonzero(np.r_[True, comp_of[1:] != comp_of[:-1]]) if len(nodes) else np.zeros(0, int)
        comp_sizes = sizes[comp_of[starts]]
        keys = []
        for k in np.unique(comp_sizes).tolist():  # every pair inside every component of size k at once
            first = starts[comp_sizes == k]
            p, q = np.triu_indices(k, 1)
            left, right = nodes[first[:, None] + p[None, :]].ravel(), nodes[first[:, None] + q[None, :]].ravel()
            keys.append(np.minimum(left, right) * self.n + np.maximum(left, right))
        # Distinct by construction (each pair of each component once): sorting is enough.
        keys = np.sort(np.concatenate(keys)) if keys else np.zeros(0, dtype=np.int64)
        keys = keys[~self._is_known(keys)]
        parts = [np.asarray(self.scorer(chunk // self.n, chunk % self.n))
                 for chunk in np.array_split(keys, max(1, -(-len(keys) // BATCH_PAIRS)))] if len(keys) else []
        self.keys = keys
        self.scores = np.concatenate(parts) if parts else None

    def _is_known(self, keys: np.ndarray) -> np.ndarray:
        pos = np.searchsorted(self.known, keys)
        pos = np.minimum(pos, max(len(self.known) - 1, 0))
        return (self.known[pos] == keys) if len(self.known) else np.zeros(len(keys), dtype=bool)

    def total(self, mx: list[int], my: list[int]) -> float:
        """Sum of the scores of the unscored pairs between clusters ``mx`` and ``my``."""
        x, y = np.asarray(mx, dtype=np.int64), np.asarray(my, dtype=np.int64)
        low, high = np.minimum.outer(x, y).ravel(), np.maximum.outer(x, y).ravel()
        keys = low * self.n + high  # row-major: the order "for p in mx for q in my" visits them
        missing = keys[~self._is_known(keys)]
        if not len(missing):
            return 0.0
        if self.scores is not None and self.batched[self.component[x[0]]]:
            return float(np.sum(self.scores[np.searchsorted(self.keys, missing)]))
        # Large components: score on demand, once per pair (later attempts between grown clusters reuse it).
        wanted = missing.tolist()
        todo = [key for key in wanted if key not in self.memo]
        if todo:
            keys = np.asarray(todo, dtype=np.int64)
            scores = np.asarray(self.scorer(keys // self.n, keys % self.n))
            self.memo_dtype = scores.dtype
            self.memo.update(zip(todo, scores.tolist(), strict=True))
        return float(np.sum(np.asarray([self.memo[key] for key in wanted], dtype=self.memo_dtype)))


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
