"""``resolve``: party mentions → profiles → scored candidate pairs → clusters → entities.

Everything is computed in temp tables and memory first; the workspace tables change in one
transaction at the end, so an interrupted run leaves the previous resolution intact.
"""

# ruff: noqa: S608  -- SQL here is assembled from module constants and internal table names only; analysts' text
# never reaches it except as bound parameters or registered DataFrames.

from __future__ import annotations

import hashlib
import os
import sys
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from tracekit.rendering import Report
from tracekit.resolve.blocking import BlockingCaps, block_keys_sql, candidate_pairs_sql
from tracekit.resolve.cluster import Constraints, cluster
from tracekit.resolve.decisions import DecisionLog, effective
from tracekit.resolve.engines import ResolutionEngine
from tracekit.resolve.features import FEATURES_TEMP, NAMED, PROFILES_TEMP, compute_features, compute_profiles
from tracekit.resolve.model import MatchModel, stored_model
from tracekit.resolve.normalize import is_generic_word, word_sound
from tracekit.resolve.scoring import WEIGHTS, ProfileArrays, Weights, pair_scores
from tracekit.resolve.scoring_run import ScoredPairs, score_candidates
from tracekit.resolve.tables import ensure_resolve_tables
from tracekit.resolve.workers import pooled
from tracekit.store import Store

__all__ = ["ResolveReport", "resolve", "recluster", "profiles_sql", "DuckDBResolution"]


@dataclass
class ResolveReport(Report):
    """What a resolution run did; renders as text and, through the one render mixin, as escaped HTML."""

    full: bool
    new_mentions: int
    new_profiles: int
    profiles: int
    candidate_pairs: int
    entities: int
    seconds: float
    conflicts: list[str] = field(default_factory=list)
    model_pairs: int = 0  # candidate pairs the match weights were estimated on (0: weights reused)
    stage_seconds: dict[str, float] = field(default_factory=dict)  # wall time per stage, for profiling
    # CPU seconds per stage, of this process (all threads: DuckDB's and rapidfuzz's too) and its worker
    # processes: on a shared machine wall time measures the other jobs as much as this one.
    stage_cpu_seconds: dict[str, float] = field(default_factory=dict)
    # … of which this process alone (the rest is the worker processes'): on two free cores a stage takes
    # about max(this, all / 2) seconds of wall time.
    stage_own_cpu_seconds: dict[str, float] = field(default_factory=dict)
    # This process's peak resident memory (MB) at the end of each stage: where the run's peak was reached.
    stage_peak_rss_mb: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict:
        return dict(self.__dict__)

    def _lines(self) -> list[str]:
        lines = [
            f"{'full' if self.full else 'incremental'} resolution in {self.seconds:.1f} s",
            f"{self.new_mentions:,} mentions resolved ({self.new_profiles:,} new name profiles)",
            f"{self.candidate_pairs:,} candidate pairs scored",
            f"{self.profiles:,} profiles → {self.entities:,} entities",
        ]
        return lines + [f"CONFLICT: {c}" for c in self.conflicts]

    def __str__(self) -> str:
        return "\n".join(self._lines())

    # The render mixin's parts (escaped HTML, mime bundle, to_frame): the lines above, and the counts.
    title = "resolution"

    def summary_lines(self) -> list[str]:
        return self._lines()

    @property
    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(columns=[])  # the lines say it all; to_frame() has the counts

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{k: v for k, v in self.to_json().items() if k not in ("conflicts", "stage_seconds", "stage_cpu_seconds",
                                                                             "stage_own_cpu_seconds", "stage_peak_rss_mb")}])


def entity_id_for(profile_key: str) -> int:
    """Stable 62-bit entity id derived from the cluster's anchor profile key.

    Examples
    --------
    >>> entity_id_for("xyz chem|CN|") == entity_id_for("xyz chem|CN|")
    True
    """
    digest = hashlib.blake2b(profile_key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 2


def resolve(store: Store, *, full: bool = False, weights: Weights = WEIGHTS,
            caps: BlockingCaps | None = None, progress: bool = True,
            model: MatchModel | None = None) -> ResolveReport:
    """Resolve unresolved mentions (all of them when ``full`` or on the first run).

    Match weights are estimated by EM on a full run and reused by incremental ones; pass ``model``
    to impose weights instead (benchmarks compare against the prior alone this way). One run for
    both engines: a Spark store scores its pairs on the executors (:mod:`tracekit.resolve.engines`
    says which steps differ).
    """
    engine: ResolutionEngine
    if getattr(store, "engine", "duckdb") == "spark":  # issue 12
        from tracekit.resolve.spark_resolve import SparkResolution

        engine = SparkResolution()
    else:
        engine = DuckDBResolution()
    started = time.perf_counter()
    caps = caps or BlockingCaps()
    ensure_resolve_tables(store)
    full = full or store.count("resolve_profiles") == 0
    clock = _Clock(progress, engine.label)
    try:
        with engine.running():
            return _run(store, engine, full, weights, caps, progress, model, clock, started)
    finally:
        clock.bar.close()


def _cpu_seconds() -> tuple[float, float]:
    """CPU seconds of this process and of its finished worker processes (:mod:`tracekit.resolve.workers`),
    and of this process alone."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system, t.user + t.system


def _peak_rss_mb() -> int:
    """This process's peak resident set so far, in MB (0 where the platform does not say)."""
    try:
        import resource
    except ImportError:  # not on Unix
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak / (1024 * 1024 if sys.platform == "darwin" else 1024))


class _Clock:
    """Wall and CPU seconds per stage, and the run's progress bar (one tick per stage)."""

    def __init__(self, progress: bool, label: str = "resolve"):
        # normalise, block, score, cluster, write. A notebook bar that stops short of its total stays
        # on the page, red, as if the run had failed.
        self.bar = tqdm(total=5, desc=label, unit="step", disable=not progress, leave=False)
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.own_cpu: dict[str, float] = {}
        self.peak_rss_mb: dict[str, int] = {}
        self._last = (time.perf_counter(), _cpu_seconds())

    def step(self, name: str, next_name: str | None = None) -> None:
        now = (time.perf_counter(), _cpu_seconds())
        self.wall[name] = round(now[0] - self._last[0], 3)
        self.cpu[name] = round(now[1][0] - self._last[1][0], 3)
        self.own_cpu[name] = round(now[1][1] - self._last[1][1], 3)
        self.peak_rss_mb[name] = _peak_rss_mb()
        self._last = now
        self.bar.update()
        if next_name:
            self.bar.set_postfix_str(next_name)


def _run(store: Store, engine: ResolutionEngine, full: bool, weights: Weights, caps: BlockingCaps,
         progress: bool, imposed: MatchModel | None, clock: _Clock, started: float) -> ResolveReport:
    bar, step = clock.bar, clock.step
    mentions = f"SELECT * FROM party_mentions WHERE {NAMED}"
    if not full:
        mentions += " AND mention_id NOT IN (SELECT mention_id FROM mention_features)"
    bar.set_postfix_str("normalising")
    n_new = compute_features(store, mentions, progress=progress)
    if n_new == 0 and not full:
        bar.update(bar.total - bar.n)  # nothing new to resolve is a finished run, not a failed one
        return ResolveReport(False, 0, 0, store.count("resolve_profiles"), 0, store.count("entities"),
                             time.perf_counter() - started)
    first_id = 1 if full else int(store.scalar("SELECT coalesce(max(profile_id), 0) + 1 "
                                               "FROM resolve_profiles"))
    new_profiles = compute_profiles(store, first_id, None if full else "resolve_profiles")
    _stage_profiles(store, full)
    step("normalise", "blocking")
    with store.registered("tk_res_sounds", engine.sounds(store)):
        store.execute(f"CREATE OR REPLACE TEMP TABLE tk_res_blocks AS "
                      f"{block_keys_sql('tk_res_all', 'tk_res_allkeys', caps, 'tk_res_sounds')}")
    n_pairs = engine.candidate_pairs(store, full)
    step("block", "scoring")
    profiles = store.df(profiles_sql("tk_res_all", "tk_res_allkeys"))
    arrays = ProfileArrays(profiles)
    # Weights are estimated afresh on a full run (on every candidate pair, the workspace's own data)
    # and reused by incremental runs, so old and new pairs are scored alike.
    given = imposed or (None if full else stored_model(store))
    model = engine.score(store, profiles, arrays, weights, given)
    estimated = given is None
    step("score", "clustering")
    edges = engine.clustering_edges(store, profiles, weights.threshold, full)
    assignment, conflicts = _cluster(store, profiles, edges, weights, model, arrays)
    del edges
    step("cluster", "writing")
    with store.transaction():
        if estimated:
            store.execute("DELETE FROM resolve_model")
            with store.registered("tk_res_model", model.to_frame()):
                store.execute("INSERT INTO resolve_model SELECT * FROM tk_res_model")
        _write_run(store, full, engine.stored_edges())
        _write_assignment(store, assignment)
    if isinstance(engine, DuckDBResolution):  # Spark keeps its run tables (its tests read them)
        _drop_run_tables(store)
    step("write")
    return ResolveReport(full, n_new, new_profiles, len(profiles), n_pairs, store.count("entities"),
                         time.perf_counter() - started, conflicts, model.pairs if estimated else 0, clock.wall,
                         clock.cpu, clock.own_cpu, clock.peak_rss_mb)


def _drop_run_tables(store: Store) -> None:
    """The run's temp tables, once written: a notebook's workspace would otherwise keep a second copy of
    every mention's keys in memory until it closes."""
    store.execute("DROP VIEW IF EXISTS tk_res_fk")
    for table in (FEATURES_TEMP, PROFILES_TEMP, "tk_res_all", "tk_res_allkeys", "tk_res_newids"):
        store.execute(f"DROP TABLE IF EXISTS {table}")  # noqa: S608


class DuckDBResolution(ResolutionEngine):
    """The engine steps of a resolution on DuckDB: the pairs come here and are scored in this process."""

    def __init__(self) -> None:
        self.pairs = pd.DataFrame()
        self.scored: ScoredPairs | None = None

    def running(self) -> AbstractContextManager[None]:
        return pooled()  # per-value Python on every core

    def sounds(self, store: Store) -> pd.DataFrame:
        return _sounds(store.df("SELECT profile_id, core_key FROM tk_res_all"))

    def candidate_pairs(self, store: Store, full: bool) -> int:
        # Sorted so ties in score are met in the same order every run: same data, same entities.
        self.pairs = store.df(f"SELECT * FROM ({candidate_pairs_sql('tk_res_blocks', None if full else 'tk_res_newids')})"
                              " ORDER BY a, b")  # noqa: S608
        store.execute("DROP TABLE IF EXISTS tk_res_blocks")  # ~10 block keys per profile: gone before scoring
        return len(self.pairs)

    def score(self, store: Store, profiles: pd.DataFrame, arrays: ProfileArrays, weights: Weights,
              model: MatchModel | None) -> MatchModel:
        # In chunks: memory stays bounded by what clustering needs of every pair (ids and score) plus
        # the stored edges (scoring_run.py).
        self.scored = score_candidates(self.pairs, profiles, arrays, weights, model)
        self.pairs = pd.DataFrame()
        return self.scored.model

    def clustering_edges(self, store: Store, profiles: pd.DataFrame, threshold: float, full: bool) -> pd.DataFrame:
        edges = self.scored.edges()
        if full:
            return edges  # already in (a, b) order: the candidate pairs were read so
        # The stored pairs and this run's never overlap (every new pair touches a new profile): one (a, b)
        # order over both, the order recluster() reads them in.
        edges = pd.concat([store.df("SELECT a, b, score FROM resolve_edges"), edges], ignore_index=True)
        return edges.sort_values(["a", "b"], kind="stable", ignore_index=True)

    def stored_edges(self) -> pd.DataFrame:
        return self.scored.stored


def profiles_sql(profiles: str, keys: str) -> str:
    """Profiles with whether each has a phone / e-mail (a pair sharing none of two known ones differs)."""
    return f"""
        SELECT p.*, coalesce(k.has_phone, false) AS has_phone, coalesce(k.has_email, false) AS has_email
        FROM {profiles} p LEFT JOIN (
            SELECT profile_id, bool_or(kind = 'p') AS has_phone, bool_or(kind = 'e') AS has_email
            FROM {keys} GROUP BY profile_id
        ) k USING (profile_id)
        ORDER BY p.profile_id"""  # noqa: S608


def _sounds(profiles: pd.DataFrame) -> pd.DataFrame:
    """``(profile_id, sound)`` of every distinctive word of four letters or more (each word once).

    Sounds shorter than three consonants ("LL") say too little to pair names on.
    """
    words = profiles.assign(word=profiles["core_key"].str.split()).explode("word").dropna(subset=["word"])
    distinct = pd.unique(words["word"].to_numpy(dtype=object))
    sound = {w: s for w in distinct.tolist() if len(w) >= 4 and not is_generic_word(w)
             and len(s := word_sound(w)) >= 3}
    words = words.assign(sound=words["word"].map(sound)).dropna(subset=["sound"])
    return pd.DataFrame({"profile_id": words["profile_id"].to_numpy(dtype=np.int64),
                         "sound": words["sound"].to_numpy(dtype=object)})


def _stage_profiles(store: Store, full: bool) -> None:
    """Temp tables of every profile (old and new) with its mention count, and their identifier keys."""
    new_keys = f"""
        SELECT DISTINCT p.profile_id, u.kind, u.key FROM (
            SELECT profile_key, 'p' AS kind, phone_key AS key FROM tk_res_fk WHERE phone_key IS NOT NULL
            UNION ALL SELECT profile_key, 'e', email_key FROM tk_res_fk WHERE email_key IS NOT NULL
            UNION ALL SELECT profile_key, 'a', address_key FROM tk_res_fk WHERE address_key IS NOT NULL
        ) u JOIN {PROFILES_TEMP} p USING (profile_key)"""
    from tracekit.resolve.features import profile_key_sql

    store.execute(f"CREATE OR REPLACE TEMP VIEW tk_res_fk AS SELECT *, {profile_key_sql()} AS profile_key "
                  f"FROM {FEATURES_TEMP}")  # noqa: S608
    columns = "profile_id, profile_key, name_key, core_key, legal_form, country, tax_id_key, " \
              "display_name, address_key, locality, country_source"
    if full:
        store.execute(f"CREATE OR REPLACE TEMP TABLE tk_res_all AS SELECT {columns}, "
                      f"new_mentions AS mention_count FROM {PROFILES_TEMP}")  # noqa: S608
        store.execute(f"CREATE OR REPLACE TEMP TABLE tk_res_allkeys AS {new_keys}")
    else:
        store.execute(f"""
            CREATE OR REPLACE TEMP TABLE tk_res_all AS
            SELECT {', '.join('r.' + c for c in columns.split(', '))},
                   r.mention_count + coalesce(t.new_mentions, 0) AS mention_count
            FROM resolve_profiles r LEFT JOIN {PROFILES_TEMP} t ON t.profile_id = r.profile_id
            UNION ALL
            SELECT {columns}, new_mentions FROM {PROFILES_TEMP} WHERE is_new
        """)  # noqa: S608
        store.execute(f"CREATE OR REPLACE TEMP TABLE tk_res_allkeys AS {new_keys} "
                      "UNION SELECT profile_id, kind, key FROM resolve_profile_keys")
    store.execute(f"CREATE OR REPLACE TEMP TABLE tk_res_newids AS "
                  f"SELECT profile_id FROM {PROFILES_TEMP} WHERE is_new")  # noqa: S608


def _constraints(store: Store, profiles: pd.DataFrame) -> tuple[Constraints, dict]:
    position = {k: i for i, k in enumerate(profiles["profile_key"].tolist())}
    constraints = Constraints()
    by_seq = {}
    for d in effective(DecisionLog(store).all()):
        by_seq[d.seq] = d
        i, j = position.get(d.a_key), position.get(d.b_key)
        if d.action == "split" and i is not None:
            constraints.isolated.add(i)
        elif d.action == "merge" and i is not None and j is not None:
            constraints.must_link.append((i, j, d.seq))
        elif d.action == "never_merge" and i is not None and j is not None:
            constraints.cannot_link.append((i, j, d.seq))
    return constraints, by_seq


def _cluster(store: Store, profiles: pd.DataFrame, edges: pd.DataFrame, weights: Weights,
             model: MatchModel | None, arrays: ProfileArrays | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Cluster profiles over ``edges`` (profile ids) with the analysts' decisions; name the entities."""
    index = pd.Index(profiles["profile_id"])
    a = index.get_indexer(edges["a"])
    b = index.get_indexer(edges["b"])

    arrays = arrays or ProfileArrays(profiles)

    def pair_scorer(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return pair_scores(arrays, i, j, weights, model)

    constraints, by_seq = _constraints(store, profiles)
    labels, conflicts = cluster(len(profiles), a, b, edges["score"].to_numpy(),
                                threshold=weights.threshold, margin=weights.link_margin,
                                pair_scorer=pair_scorer, constraints=constraints)
    frame = pd.DataFrame({"label": labels, "profile_key": profiles["profile_key"],
                          "mention_count": profiles["mention_count"].to_numpy()})
    anchors = (frame.sort_values(["label", "mention_count", "profile_key"], ascending=[True, False, True])
               .drop_duplicates("label").set_index("label")["profile_key"])
    ids = {label: entity_id_for(key) for label, key in anchors.items()}
    out = profiles.copy()
    out["entity_id"] = [ids[x] for x in labels.tolist()]
    out["anchor_key"] = anchors.reindex(labels).to_numpy()
    messages = [f"merge decision {by_seq[m]} was not applied: it contradicts never-merge decision "
                f"{by_seq[n]}" for m, n in conflicts]
    return out, messages


def _write_run(store: Store, full: bool, edges: pd.DataFrame) -> None:
    """Store this run's mention keys, identifier keys and scored edges."""
    if full:
        for table in ("mention_features", "resolve_profile_keys", "resolve_edges"):
            store.execute(f"DELETE FROM {table}")  # noqa: S608
    store.execute(f"""
        INSERT INTO mention_features
        SELECT f.mention_id, f.name_key, f.address_key, f.phone_key, f.email_key, f.tax_id_key,
               f.legal_form, p.profile_id
        FROM tk_res_fk f JOIN {PROFILES_TEMP} p USING (profile_key)
    """)  # noqa: S608
    store.execute("INSERT INTO resolve_profile_keys SELECT * FROM tk_res_allkeys "
                  "EXCEPT SELECT * FROM resolve_profile_keys")
    with store.registered("tk_res_edges", edges):
        store.execute("INSERT INTO resolve_edges SELECT a, b, score, name_sim, address_sim, country, "
                      "tax_id, shared_phone, shared_email, shared_address, log_odds, rule FROM tk_res_edges")


def _write_assignment(store: Store, assignment: pd.DataFrame) -> None:
    """Replace profiles' entity ids, ``mention_entities`` and ``entities`` from an assignment."""
    columns = ("profile_id, profile_key, name_key, core_key, legal_form, country, tax_id_key, "
               "display_name, address_key, mention_count, entity_id, anchor_key, locality, country_source")
    with store.registered("tk_res_assign", assignment):
        store.execute("DELETE FROM resolve_profiles")
        store.execute(f"INSERT INTO resolve_profiles SELECT {columns} FROM tk_res_assign")  # noqa: S608
    store.execute("DELETE FROM mention_entities")
    store.execute("""
        INSERT INTO mention_entities
        SELECT f.mention_id, p.entity_id FROM mention_features f JOIN resolve_profiles p USING (profile_id)
    """)
    store.execute("DELETE FROM entities")
    store.execute("""
        INSERT INTO entities
        WITH members AS (
            SELECT p.entity_id, p.profile_id, p.country, p.display_name, p.profile_key, p.anchor_key
            FROM resolve_profiles p
        ),
        counts AS (
            SELECT me.entity_id, count(*) AS mention_count,
                   count(DISTINCT me.mention_id // 4) AS shipment_count
            FROM mention_entities me GROUP BY 1
        ),
        summary AS (
            SELECT entity_id, count(*) AS profile_count,
                   string_agg(DISTINCT nullif(country, ''), ',' ORDER BY nullif(country, '')) AS countries
            FROM members GROUP BY 1
        ),
        -- The name an analyst sees is the spelling the records use most (ties: the smallest), not the
        -- anchor profile's: the anchor keeps ids stable, but may be a typo variant ("QUIMICA VLAERA").
        top_name AS (
            SELECT entity_id, name FROM (
                SELECT me.entity_id, pm.name, row_number() OVER (
                    PARTITION BY me.entity_id ORDER BY count(*) DESC, pm.name) AS rank
                FROM mention_entities me JOIN party_mentions pm USING (mention_id)
                GROUP BY me.entity_id, pm.name
            ) WHERE rank = 1
        )
        SELECT m.entity_id, coalesce(t.name, m.display_name) AS name,
               coalesce(nullif(m.country, ''), CASE WHEN s.countries NOT LIKE '%,%' THEN s.countries END)
                   AS country,
               c.mention_count, c.shipment_count, s.profile_count, s.countries, m.anchor_key
        FROM members m JOIN counts c USING (entity_id) JOIN summary s USING (entity_id)
        LEFT JOIN top_name t USING (entity_id)
        WHERE m.profile_key = m.anchor_key
    """)


def recluster(store: Store, weights: Weights = WEIGHTS) -> list[str]:
    """Re-apply clustering and decisions over the stored scores (after a decision); returns conflicts."""
    ensure_resolve_tables(store)
    profiles = store.df(profiles_sql("(SELECT * EXCLUDE (entity_id, anchor_key) FROM resolve_profiles)",
                                      "resolve_profile_keys"))
    if profiles.empty:
        return []
    # In (a, b) order, the order every run hands clustering its pairs: clustering meets tied scores in
    # its input order, and the table's stored order is the engine's to choose (DuckDB's changes with
    # deletes and threads, Spark's with files): read as stored, a decision re-clustered the same
    # pairs into other entities (797 entities became 798 on a 4,000-row demo world).
    edges = store.df("SELECT * FROM resolve_edges ORDER BY a, b")
    assignment, conflicts = _cluster(store, profiles, edges, weights, stored_model(store))
    with store.transaction():
        _write_assignment(store, assignment)
    return conflicts
