"""The Splink peer for the accuracy benchmark: Splink 5 (DuckDB backend) set up the way its docs advise.

Configured for company names, on the same mentions tracekit resolves:

* input: one record per distinct (name, country, address) — Splink's own runtime then grows with the
  variety of the data, not its repetition, as tracekit's does (it resolves distinct name profiles);
* cleaning any Splink user would do: ASCII transliteration, lower case, punctuation out, legal forms
  removed with rigour (the same library tracekit uses, so neither side gets a better legal-form list);
* blocking: exact cleaned name; first token + country; any shared *rare* token (a token in at most 300
  records; tracekit caps its token blocks at 60 profiles but also blocks on character 4-grams); the same
  address when at most 300 records share it;
* comparisons: name (exact with term-frequency adjustment, Jaro-Winkler >= 0.95, token subset,
  Jaro-Winkler >= 0.88, a shared rare token), country exact, address (exact with term frequency,
  Jaro-Winkler >= 0.9);
* training: λ from a deterministic rule (same cleaned name and country, assumed recall 0.7), u by random
  sampling, m by expectation maximisation on two blocking rules (address; first token);
* clustering: Splink's connected components at a match probability threshold — the standard 0.9 and,
  as an upper bound, the threshold that maximises its F1 against the truth (an oracle tracekit does not
  get: its weights are fixed).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["SplinkRun", "splink_clusters", "clean_names"]

RARE_CAP = 300  # tokens and addresses shared by more records are not blocked on (5x tracekit's cap: Splink has no n-gram keys)
STANDARD = 0.9
THRESHOLDS = (0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99)
_NON_WORD = re.compile(r"[^a-z0-9]+")


@dataclass
class SplinkRun:
    """Splink's clustering of the mentions at each probability threshold, and its wall time."""

    clusters: dict[float, np.ndarray]
    seconds: float
    records: int
    pairs: int
    notes: list[str] = field(default_factory=list)

    def best(self, score: Callable[[np.ndarray], float]) -> tuple[float, np.ndarray]:
        """The threshold (and clustering) that maximises ``score`` — Splink tuned on the truth."""
        threshold = max(self.clusters, key=lambda t: score(self.clusters[t]))
        return threshold, self.clusters[threshold]


def clean_names(names: pd.Series) -> pd.Series:
    """ASCII, lower case, punctuation and legal forms out (what a Splink user would do).

    Examples
    --------
    >>> clean_names(pd.Series(["Química del Norte, S.A. de C.V.", None])).tolist()
    ['quimica del norte', '']
    """
    from rigour.names import remove_org_types
    from rigour.text import ascii_text

    def clean(text: str) -> str:
        lower = ascii_text(text).lower().replace("&", " and ")
        stripped = _NON_WORD.sub(" ", remove_org_types(lower, replacement=" ")).strip()
        return stripped or _NON_WORD.sub(" ", lower).strip()

    unique = pd.Series(names.fillna("").unique())
    lookup = dict(zip(unique, unique.map(clean), strict=True))
    return names.fillna("").map(lookup)


def _records(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Distinct (name, country, address) records with Splink's columns; the record of each mention."""
    raw = pd.DataFrame({"name": frame["name"].fillna("").astype(str),
                        "country": frame["country"].fillna("").astype(str),
                        "address": frame.get("address", pd.Series([""] * len(frame))).fillna("").astype(str)})
    # Both number the distinct triples in order of first appearance.
    codes = raw.groupby(["name", "country", "address"], sort=False).ngroup().to_numpy()
    records = raw.drop_duplicates().reset_index(drop=True)
    df = pd.DataFrame({"unique_id": np.arange(len(records)), "name_clean": clean_names(records["name"]),
                       "country": records["country"], "address_clean": clean_names(records["address"])})
    tokens = df["name_clean"].str.split()
    df["first_token"] = tokens.str[0].fillna("")
    df["name_tokens"] = tokens.map(lambda t: sorted(set(t)))
    counts = df["name_tokens"].explode().value_counts()
    rare = set(counts[counts <= RARE_CAP].index)
    df["rare_tokens"] = df["name_tokens"].map(lambda t: [w for w in t if w in rare and len(w) >= 2])
    address_counts = df["address_clean"].map(df["address_clean"].value_counts())
    df["address_block"] = df["address_clean"].where(address_counts <= RARE_CAP, "")
    for column in ("name_clean", "country", "address_clean", "first_token", "address_block"):
        df[column] = df[column].replace("", None)
    return df, codes


def _settings():
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    name = cl.CustomComparison(
        comparison_levels=[
            cll.NullLevel("name_clean"),
            cll.ExactMatchLevel("name_clean", term_frequency_adjustments=True),
            cll.JaroWinklerLevel("name_clean", 0.95),
            cll.ArraySubsetLevel("name_tokens"),
            cll.JaroWinklerLevel("name_clean", 0.88),
            cll.ArrayIntersectLevel("rare_tokens", 1),
            cll.ElseLevel(),
        ],
        output_column_name="name",
    )
    address = cl.CustomComparison(
        comparison_levels=[
            cll.NullLevel("address_clean"),
            cll.ExactMatchLevel("address_clean", term_frequency_adjustments=True),
            cll.JaroWinklerLevel("address_clean", 0.9),
            cll.ElseLevel(),
        ],
        output_column_name="address",
    )
    return SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("name_clean"),
            block_on("first_token", "country"),
            block_on("rare_tokens", arrays_to_explode=["rare_tokens"]),
            block_on("address_block"),
        ],
        comparisons=[name, cl.ExactMatch("country"), address],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def splink_clusters(frame: pd.DataFrame, thresholds: tuple[float, ...] = THRESHOLDS) -> SplinkRun:
    """Run the Splink peer on mentions (``name``, ``country``, ``address``): a cluster id per mention."""
    from splink import Linker, block_on
    from splink.internals.duckdb.database_api import DuckDBAPI

    logging.getLogger("splink").setLevel(logging.ERROR)
    started = time.perf_counter()
    df, codes = _records(frame)
    linker = Linker(DuckDBAPI().register(df), _settings(), log_level=logging.ERROR)
    training = linker.training
    training.estimate_probability_two_random_records_match([block_on("name_clean", "country")], recall=0.7)
    training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    notes = []
    for rule in (block_on("address_block"), block_on("first_token")):
        try:
            training.estimate_parameters_using_expectation_maximisation(rule)
        except (ValueError, ZeroDivisionError) as error:  # a session can fail on data without variation
            notes.append(f"EM on {rule.get_blocking_rule('duckdb').blocking_rule_sql}: {error}")
    predictions = linker.inference.predict(threshold_match_probability=min(thresholds))
    pairs = len(predictions.as_pandas_dataframe())
    clusters = {}
    seconds = 0.0
    # The standard threshold first: the wall time is that of one ordinary run (the sweep is extra).
    for threshold in sorted(thresholds, key=lambda t: t != STANDARD):
        result = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
        labels = result.as_pandas_dataframe().set_index("unique_id")["cluster_id"]
        clusters[threshold] = labels.reindex(np.arange(len(df))).to_numpy()[codes]
        seconds = seconds or time.perf_counter() - started
    return SplinkRun(clusters, seconds, len(df), pairs, notes)
