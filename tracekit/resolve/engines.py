"""What a resolution run leaves to its engine: the one hook between DuckDB and Spark resolutions.

:func:`tracekit.resolve.pipeline.resolve` is one run for both engines — checking the workspace,
the progress bar and stage clock, selecting and normalising the mentions, staging the profiles,
the blocking keys, the profiles' arrays, clustering with the analysts' decisions, and the one
transaction that writes the model, the edges and the entities. An engine supplies only the steps
that run where its data lives (``store/`` is the one place SQL runs; this is the resolve room's
counterpart for the Python that surrounds it):

- ``running``: the context of the whole run. DuckDB: per-value Python on a pool of forked workers
  (``workers.pooled``). Spark: this process alone (the executors do the per-value work, and no fork
  beside a JVM).
- ``sounds``: the word sounds of the ``s:`` blocking keys. DuckDB: ``_sounds`` on a frame pulled here.
  Spark: ``_sounds`` per partition on the executors.
- ``candidate_pairs``: DuckDB pulls them into a frame sorted by ``a, b``; Spark keeps a temp table.
- ``score``: comparison levels, EM when no model is given, scores. DuckDB: here. Spark: the same
  functions on the executors, EM on the pattern counts.
- ``clustering_edges``: DuckDB: every scored pair (and the stored ones on an incremental run). Spark:
  only the pairs inside components of strong pairs, pulled to the driver (the only pairs clustering
  ever weighs).
- ``stored_edges``: the pairs scoring at least ``EDGE_FLOOR``; on Spark one file in ``a, b`` order.

An engine object serves one run: it keeps that run's candidate pairs and scores between the calls.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

import pandas as pd

from tracekit.resolve.model import MatchModel
from tracekit.resolve.scoring import ProfileArrays, Weights

__all__ = ["ResolutionEngine"]


class ResolutionEngine:
    """The engine-specific steps of one resolution run, called in this order by the shared run."""

    label = "resolve"
    """The progress bar's name."""

    def running(self) -> AbstractContextManager[Any]:
        """Context the whole run executes in (after the workspace is checked, before any mention is read)."""
        return nullcontext()

    def sounds(self, store: Any) -> Any:
        """``(profile_id, sound)`` of the staged profiles (``tk_res_all``), as a frame the store can register
        (the ``s:`` blocking keys)."""
        raise NotImplementedError

    def candidate_pairs(self, store: Any, full: bool) -> int:
        """Read this run's candidate pairs from the blocking keys in ``tk_res_blocks`` (on an incremental run,
        only pairs touching ``tk_res_newids``); keep them for :meth:`score` and return how many there are."""
        raise NotImplementedError

    def score(self, store: Any, profiles: pd.DataFrame, arrays: ProfileArrays, weights: Weights,
              model: MatchModel | None) -> MatchModel:
        """Score the candidate pairs with ``model``, or with weights estimated by EM on them when ``model`` is
        None; keep the scores and return the model used."""
        raise NotImplementedError

    def clustering_edges(self, store: Any, profiles: pd.DataFrame, threshold: float, full: bool) -> pd.DataFrame:
        """The scored pairs clustering weighs (``a, b, score`` profile ids; on an incremental run the stored
        ``resolve_edges`` too), in ``a, b`` order: clustering breaks ties in score by its input order, and
        :func:`tracekit.resolve.pipeline.recluster` reads the stored edges in that order."""
        raise NotImplementedError

    def stored_edges(self) -> Any:
        """This run's scored pairs worth keeping in ``resolve_edges`` (score ≥ ``EDGE_FLOOR``), with the columns
        :func:`tracekit.resolve.pipeline._write_run` inserts."""
        raise NotImplementedError
