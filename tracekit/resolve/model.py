"""Fellegi–Sunter match weights estimated from the workspace's own candidate pairs by EM.

Every comparison of two profiles falls into one *level* (the name's distinctive words agree, are
reordered, substituted …; the legal forms' jurisdictions agree, overlap, contradict; the countries agree
or differ, weighed by where each came from …). A level's weight is ``log2(m / u)``: ``m`` the chance of
that level among pairs that are one company, ``u`` among pairs that are not. A pair's log-odds is the
prior log-odds plus the weights of its levels; its score is the probability.

``m``, ``u`` and the prior are not set by hand: expectation maximisation (Fellegi & Sunter 1969; Winkler
1988; as Splink does) fits them to the candidate pairs blocking produced, so a workspace whose data
behave differently from the demo world gets different weights. A "null" level (one side unknown) has no
weight. The starting values below are only a weak Dirichlet prior worth ``PRIOR_PAIRS`` pairs: they decide
the weights of a workspace too small to estimate anything (a handful of mentions) and of levels a
workspace never shows, and are swamped by any real file. They encode what a reader expects before seeing
data (a contradicting tax id is rare among true matches), not values fitted to one generator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tracekit.store import Store

__all__ = ["COMPARISONS", "Comparison", "MatchModel", "estimate", "prior_model", "stored_model"]

PRIOR_PAIRS = 200.0  # strength of the prior on m (in match pairs) and on u (in non-match pairs)
PRIOR_MATCH_RATE = 0.1  # share of candidate pairs that are one company, before any data
EM_ITERATIONS = 60
EM_TOLERANCE = 1e-7


@dataclass(frozen=True)
class Comparison:
    """One comparison: its levels (strongest agreement first), prior (m, u) per level, and which levels
    can only count for a match (+1: weight ≥ 0) or only against (-1: weight ≤ 0)."""

    name: str
    levels: tuple[str, ...]
    m0: tuple[float, ...]
    u0: tuple[float, ...]
    signs: tuple[int, ...] = ()

    def sign(self, level: int) -> int:
        return self.signs[level] if self.signs else 0


COMPARISONS: tuple[Comparison, ...] = (
    Comparison("name", (
        "same name key",
        "same distinctive words, name ≥ 0.90",
        "same distinctive words, name ≥ 0.80",
        "same distinctive words, other words differ",
        "distinctive words one typo apart, name ≥ 0.90",
        "distinctive words one typo apart, name ≥ 0.80",
        "distinctive words one typo apart, name < 0.80",
        "distinctive words two edits apart, name ≥ 0.85",
        "distinctive words two edits apart, name < 0.85",
        "one side adds a distinctive word, name ≥ 0.85",
        "one side adds a distinctive word",
        "distinctive words in another order",
        "a distinctive word substituted",
        "no distinctive word in common, one name in Han script",
        "no distinctive word in common",
        "no distinctive words; name ≥ 0.90",
        "no distinctive words; name ≥ 0.75",
        "no distinctive words; name < 0.75",
    ), (.30, .20, .02, .01, .15, .06, .02, .04, .02, .06, .03, .005, .01, .01, .01, .04, .015, .01),
        (.002, .002, .01, .04, .004, .02, .04, .02, .06, .04, .08, .01, .12, .01, .40, .02, .05, .08),
        (1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, -1, 0, -1, 0, 0, -1)),
    # Forms whose jurisdiction sets overlap ("Co., Ltd." / "Limited") may be one company's renderings of
    # its form; only sets that cannot meet tell two companies apart.
    Comparison("legal form", ("jurisdictions compatible", "jurisdictions contradict"), (.95, .05), (.70, .30),
               (0, -1)),
    Comparison("legal form vs country", ("form fits the other's country", "form does not fit the other's country"),
               (.90, .10), (.50, .50), (0, -1)),
    Comparison("country", ("agree", "differ (both stated)", "differ (one from an address)",
                           "differ (one from a route or port)"),
               (.93, .01, .03, .03), (.50, .40, .07, .03), (1, -1, -1, -1)),
    Comparison("locality", ("agree", "differ"), (.90, .10), (.20, .80), (1, -1)),
    # One address behind names one common word apart ("CRANE HERON" / "HAVEN HERON"): neutral before any
    # data (shells at one flat, or one firm renamed); EM says which it is in this workspace.
    Comparison("address", ("same", "same, names one common word apart", "similar (≥ 0.9)",
                           "partly similar (≥ 0.6)", "different"),
               (.40, .02, .20, .20, .18), (.02, .02, .03, .15, .78), (1, 0, 1, 0, -1)),
    Comparison("phone", ("shared", "different"), (.50, .50), (.01, .99), (1, -1)),
    Comparison("e-mail", ("shared", "different"), (.50, .50), (.01, .99), (1, -1)),
    Comparison("tax id", ("agree", "differ"), (.90, .10), (.01, .99), (1, -1)),
)

_INDEX = {c.name: k for k, c in enumerate(COMPARISONS)}


def _normalised(values) -> np.ndarray:  # noqa: ANN001
    arr = np.asarray(values, dtype=np.float64)
    return arr / arr.sum()


@dataclass
class MatchModel:
    """Estimated ``m``, ``u`` per comparison level and the prior match rate among candidate pairs."""

    m: list[np.ndarray]
    u: list[np.ndarray]
    prior: float
    pairs: int = 0  # candidate pairs it was estimated on (0: the prior alone)
    iterations: int = 0

    def weights(self) -> list[np.ndarray]:
        return [np.log2(m / u) for m, u in zip(self.m, self.u, strict=True)]

    def log_odds(self, levels: np.ndarray) -> np.ndarray:
        """Log2-odds of a match for each row of ``levels`` (pairs × comparisons; -1 = null)."""
        total = np.full(len(levels), np.log2(self.prior / (1 - self.prior)))
        for k, w in enumerate(self.weights()):
            col = levels[:, k]
            known = col >= 0
            total[known] += w[col[known]]
        return total

    def probability(self, levels: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp2(-np.clip(self.log_odds(levels), -60, 60)))

    def to_frame(self) -> pd.DataFrame:
        """One row per comparison level (and one for the prior): what ``resolve_model`` stores."""
        rows = [("prior", -1, "match rate among candidate pairs", self.prior, None, None, self.pairs)]
        for c, m, u, w in zip(COMPARISONS, self.m, self.u, self.weights(), strict=True):
            rows += [(c.name, k, label, float(m[k]), float(u[k]), float(w[k]), self.pairs)
                     for k, label in enumerate(c.levels)]
        return pd.DataFrame(rows, columns=["comparison", "level", "label", "m", "u", "weight", "pairs"])

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> MatchModel | None:
        """The model stored by :meth:`to_frame`, or None when it does not fit today's comparisons."""
        if frame.empty:
            return None
        prior_rows = frame[frame["comparison"] == "prior"]
        m, u = [], []
        for c in COMPARISONS:
            rows = frame[frame["comparison"] == c.name].sort_values("level")
            if rows["label"].tolist() != list(c.levels):
                return None
            m.append(rows["m"].to_numpy(dtype=np.float64))
            u.append(rows["u"].to_numpy(dtype=np.float64))
        if prior_rows.empty:
            return None
        return cls(m, u, float(prior_rows["m"].iloc[0]), int(prior_rows["pairs"].iloc[0]))


def prior_model() -> MatchModel:
    """The model before any data: the prior means (used only where nothing has been estimated)."""
    return MatchModel([_normalised(c.m0) for c in COMPARISONS], [_normalised(c.u0) for c in COMPARISONS],
                      PRIOR_MATCH_RATE)


def estimate(levels: np.ndarray, *, prior_pairs: float = PRIOR_PAIRS, iterations: int = EM_ITERATIONS,
             counts: np.ndarray | None = None) -> MatchModel:
    """Fit ``m``, ``u`` and the match rate to candidate pairs' comparison levels by EM.

    ``levels`` is pairs × comparisons (int, -1 = null). Deterministic: the same pairs give the same
    model, whatever their order. With ``counts``, each row of ``levels`` stands for that many pairs (a
    distributed engine counts the patterns and sends only those: ``tracekit.resolve.spark_score``); the
    model is the one the expanded rows would give.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> match = rng.random(20_000) < 0.2
    >>> agree = np.where(match, rng.random(20_000) < 0.95, rng.random(20_000) < 0.1)
    >>> levels = np.full((20_000, len(COMPARISONS)), -1, dtype=np.int64)
    >>> levels[:, _INDEX["tax id"]] = np.where(agree, 0, 1)
    >>> levels[:, _INDEX["name"]] = np.where(match, 0, 8)
    >>> model = estimate(levels)
    >>> bool(model.weights()[_INDEX["tax id"]][0] > 2), bool(model.weights()[_INDEX["tax id"]][1] < 0)
    (True, True)
    """
    model = prior_model()
    if len(levels) == 0:
        return model
    levels = np.asarray(levels, dtype=np.int64)
    # One integer per pattern of levels (6 bits per comparison, null = 0) so grouping is a 1-d sort.
    code = np.zeros(len(levels), dtype=np.int64)
    for k in range(levels.shape[1]):
        code = (code << 6) | (levels[:, k] + 1)
    _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    patterns = levels[first]
    counts = np.bincount(inverse.ravel(), weights=None if counts is None else np.asarray(counts, dtype=np.float64),
                         minlength=len(first)).astype(np.float64)
    m0 = [m.copy() for m in model.m]
    u0 = [u.copy() for u in model.u]
    onehots = []
    for k, c in enumerate(COMPARISONS):
        col = patterns[:, k]
        onehots.append(np.stack([(col == lv).astype(np.float64) for lv in range(len(c.levels))], axis=1))
    prior = model.prior
    done = 0
    for done in range(1, iterations + 1):  # noqa: B007 -- the count is reported
        log_m = np.zeros(len(patterns))
        log_u = np.zeros(len(patterns))
        for k in range(len(COMPARISONS)):
            log_m += onehots[k] @ np.log(model.m[k])
            log_u += onehots[k] @ np.log(model.u[k])
        odds = np.log(prior / (1 - prior)) + log_m - log_u
        p = 1.0 / (1.0 + np.exp(-np.clip(odds, -700, 700)))
        matched, unmatched = counts * p, counts * (1 - p)
        new_m, new_u = [], []
        for k in range(len(COMPARISONS)):
            in_m, in_u = matched @ onehots[k], unmatched @ onehots[k]
            # The prior weighs as many pairs on each side in proportion to that side's data, so a level
            # the data never show keeps its prior weight log2(m0/u0) instead of drifting with the
            # match rate.
            scale = (in_u.sum() + prior_pairs) / (in_m.sum() + prior_pairs)
            alpha, beta = prior_pairs, prior_pairs * scale
            m_k = (in_m + alpha * m0[k]) / (in_m.sum() + alpha)
            u_k = (in_u + beta * u0[k]) / (in_u.sum() + beta)
            new_m.append(_ordered(COMPARISONS[k], m_k, u_k))
            new_u.append(u_k)
        new_prior = float((matched.sum() + prior_pairs * PRIOR_MATCH_RATE) / (counts.sum() + prior_pairs))
        change = max(max(float(np.max(np.abs(a - b))) for a, b in zip(new_m, model.m, strict=True)),
                     abs(new_prior - prior))
        model = MatchModel(new_m, new_u, new_prior)
        prior = new_prior
        if change < EM_TOLERANCE:
            break
    model.pairs = int(counts.sum())
    model.iterations = done
    return model


def _ordered(comparison: Comparison, m: np.ndarray, u: np.ndarray) -> np.ndarray:
    """``m`` with the comparison's sign constraints (constrained EM, after Winkler 1990): a level that
    means agreement (same tax id, shared phone) never counts against a match, a disagreement (different
    countries, no word in common) never for one. Without them EM may fit some other split of the pairs
    (firms of one city vs the rest) and call it "match"."""
    if not comparison.signs:
        return m
    out = m.copy()
    signs = np.asarray(comparison.signs)
    fixed = np.zeros(len(out), dtype=bool)
    for _ in range(len(out)):  # set violators to u, rescale the free levels; repeat until none violate
        wrong = ~fixed & (((signs > 0) & (out < u)) | ((signs < 0) & (out > u)))
        if not wrong.any():
            break
        fixed |= wrong
        out[fixed] = u[fixed]
        free = ~fixed
        room = 1.0 - out[fixed].sum()
        if room <= 0 or out[free].sum() <= 0:
            return u.copy()  # nothing tells the classes apart here
        out[free] *= room / out[free].sum()
    return out


def comparison_index(name: str) -> int:
    """Column of comparison ``name`` in a levels matrix."""
    return _INDEX[name]


def stored_model(store: Store) -> MatchModel | None:
    """The match weights the last full resolution estimated (table ``resolve_model``), or None."""
    if not store.table_exists("resolve_model"):
        return None
    return MatchModel.from_frame(store.df("SELECT * FROM resolve_model ORDER BY comparison, level"))
