"""The Workspace facade: one object an analyst holds, with every verb on it.

A workspace is a folder holding a DuckDB database (or memory only). Each stage contributes its verbs as
a mixin defined in its own room, so the facade stays a list of names while the work lives where it
belongs:

========================  =====================================================================
mixin                     verbs
========================  =====================================================================
``StoreVerbs``            ``load``, ``source_rows``, ``info``, ``sql``, ``quarantine``
``ResolveVerbs``          ``resolve``, ``explain``, ``merge``, ``split``, ``never_merge``, ``search``
``QueryVerbs``            ``graph``, ``trace``, ``paths``, ``communities``, ``shell_clusters``, …
``ExportVerbs``           ``export`` (CSV, Parquet, GraphML, GEXF, FollowTheMoney)
``ViewVerbs``             ``show``, ``explore``
``ReportVerbs``           ``brief``
========================  =====================================================================

The facade itself makes the table verbs (``search``, ``quarantine``, ``source_rows``, ``decisions``)
return results (:class:`tracekit.rendering.TableResult`: rendered like every result, read like their
DataFrame), and resolves every name the analyst types with one rule
(:func:`tracekit.resolve.lookup.resolve_entity`).
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from tracekit.query.export_verbs import ExportVerbs
from tracekit.query.screen_verbs import ScreenVerbs
from tracekit.query.verbs import QueryVerbs
from tracekit.rendering import TableResult
from tracekit.reports.verbs import ReportVerbs
from tracekit.resolve.verbs import ResolveVerbs
from tracekit.store import Store, ensure_schema
from tracekit.store.verbs import StoreVerbs
from tracekit.views.verbs import ViewVerbs

__all__ = ["Workspace", "table_verb"]


def table_verb(base: Callable[..., pd.DataFrame], title: Callable[[dict, pd.DataFrame], str],
               summary: Callable[[dict, pd.DataFrame], str]) -> Callable[..., TableResult]:
    """``base`` (a verb returning a DataFrame) returning a :class:`TableResult` instead, with ``base``'s
    signature, defaults and docstring; ``title``/``summary`` get the bound arguments and the rows."""
    signature = inspect.signature(base)

    @functools.wraps(base)
    def verb(self, *args, **kwargs) -> TableResult:
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        rows = base(self, *args, **kwargs)
        return TableResult(title(bound.arguments, rows), rows, summary=[summary(bound.arguments, rows)])

    verb.__signature__ = signature.replace(return_annotation=TableResult)
    verb.__doc__ = (base.__doc__ or "") + "\n\n        Returns a TableResult: rendered like every result, read like its DataFrame."
    return verb


class Workspace(StoreVerbs, ResolveVerbs, QueryVerbs, ScreenVerbs, ExportVerbs, ViewVerbs, ReportVerbs):
    """A tracekit workspace: trade data, resolved entities and the graph, in one DuckDB database.

    Parameters
    ----------
    path : str or Path, optional
        Folder of the workspace; resumed if it holds one, created if it is missing or empty (a folder
        holding other files, or a DuckDB file tracekit did not write, is refused). ``None`` (the
        default) keeps everything in memory for the life of the object.
    read_only : bool
        Open an existing workspace without the right to change it.
    create : bool
        Create the workspace if there is none (default). ``False`` opens an existing one only.
    lock_timeout : float, optional
        Seconds a verb waits while another process writes the workspace (or, for a write, reads it)
        before failing with :class:`~tracekit.errors.WorkspaceBusy`; default ``$TRACEKIT_LOCK_TIMEOUT``
        or 60. Several notebooks and the CLI may use one workspace at once: reads run side by side, a
        write waits its turn with a notice naming what holds the workspace.

    Examples
    --------
    >>> import tracekit
    >>> ws = tracekit.Workspace()
    >>> ws.info().shipments
    0
    >>> ws.close()
    """

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False, create: bool = True,
                 lock_timeout: float | None = None):
        self.store = Store(path, read_only=read_only, create=create, lock_timeout=lock_timeout)
        try:
            with self.store.reading("opening the workspace"):
                self.schema_version = ensure_schema(self.store)
        except BaseException:
            self.store.close()
            raise

    @classmethod
    def spark(cls, session=None, path: str | Path | None = None, *, read_only: bool = False) -> Workspace:
        """A workspace on Apache Spark: ``session`` the user's SparkSession (a cluster's), or ``local[*]``.

        Tables live as Parquet datasets under ``path`` (``spark-tables/``); the schema version is kept
        in ``tk_meta`` as in a DuckDB workspace. See docs/SCALING.md for what runs on Spark so far.
        """
        from tracekit.store.spark import SparkStore, spark_session

        ws = cls.__new__(cls)
        ws.store = SparkStore(session if session is not None else spark_session(), path, read_only=read_only)
        try:
            ws.schema_version = ensure_schema(ws.store)
        except BaseException:
            ws.store.close()
            raise
        return ws

    def load(self, source, mapping="auto", **options):
        report = StoreVerbs.load(self, source, mapping, **options)
        replaced = [s for s in report.sources if s.status == "replaced"]
        if replaced and self.store.table_exists("mention_entities"):
            # The replaced source's mentions are gone: resolution built on them is redone in full, so
            # entities, their counts and the graph (rebuilt from its fingerprint) reflect the new content.
            resolved = self.resolve(full=True, progress=options.get("progress", True))
            replaced[-1].notes.append(f"resolution redone after the replacement: {resolved.entities:,} entities")
        return report

    load.__doc__ = StoreVerbs.load.__doc__
    load.__signature__ = inspect.signature(StoreVerbs.load)  # help() and IDEs show the real parameters

    # The table verbs of the store and resolve stages, returned as results. Each keeps its stage's
    # signature and defaults (one definition); only the wrapping lives here.
    search = table_verb(ResolveVerbs.search, lambda a, rows: f"search: {a['text']!r}", lambda a, rows: (
        f"{len(rows):,} entities, best match first (score 0-100); use an entity_id or #id in other verbs"))
    quarantine = table_verb(StoreVerbs.quarantine, lambda a, rows: "quarantine", lambda a, rows: (
        f"{len(rows):,} rows not loaded" + "".join(
            f"; {k} {v:,}" for k, v in (rows["reason"].value_counts().items() if len(rows) else ()))))
    source_rows = table_verb(StoreVerbs.source_rows, lambda a, rows: "source rows", lambda a, rows: (
        f"{len(rows):,} raw rows exactly as the source wrote them (every column as text)"))
    decisions = table_verb(ResolveVerbs.decisions, lambda a, rows: "analyst decisions", lambda a, rows: (
        f"{len(rows):,} decisions, oldest first (kept in decisions.jsonl)"))

    def explain(self, a, b=None):
        """Why two mentions or entities are (not) the same: features, score and decisions; with ``b``
        omitted, entity ``a``'s card (name variants with counts and the evidence holding it together),
        as ``tracekit explain A`` shows. Ids, ``#id`` or names (one rule: :mod:`tracekit.resolve.lookup`)."""
        return ResolveVerbs.explain(self, a, b) if b is not None else ResolveVerbs.entity(self, a)

    # Old Python names of verbs that have one name across CLI, %tk and Python now (tests/verbs/test_names.py).
    def entity(self, ref):
        """Deprecated: ``ws.explain(ref)`` (``tracekit explain A``) shows the same entity card."""
        _deprecated("ws.entity(x)", "ws.explain(x)")
        return ResolveVerbs.entity(self, ref)

    def export_mentions(self, out, format=None):  # noqa: A002
        """Deprecated: ``ws.export("mentions", out)`` (``tracekit export mentions --out FILE``)."""
        _deprecated("ws.export_mentions(out)", 'ws.export("mentions", out)')
        return ResolveVerbs.export_mentions(self, out, format)

    @property
    def path(self) -> Path | None:
        """The workspace folder, or None when in memory."""
        return self.store.folder

    def close(self) -> None:
        """Close the database; the folder keeps everything for the next open."""
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<tracekit.Workspace {self.path or 'in memory'}>"


def _deprecated(old: str, new: str) -> None:
    # stacklevel 4: this function, the method, its session wrapper, then the caller's line
    warnings.warn(f"{old} is deprecated: use {new}", FutureWarning, stacklevel=4)


# Each verb is one session on the store (tracekit.store.engine.Store.reading / writing): one connection
# for all its statements, opened when it starts and closed when it ends, so the workspace is free for
# other processes between verbs. Verbs that change the workspace hold it exclusively from the start
# (a load or a resolution must not interleave with another process's); a reading verb that turns out
# to write (a lazy graph-table rebuild) upgrades itself. The explorer and the brief open sessions of
# their own, per query, so a widget or a briefing kernel never pins the workspace.
_WRITING_VERBS = frozenset({"load", "resolve", "merge", "split", "never_merge"})
_NO_SESSION = frozenset({"close", "show", "explore", "brief"})


def _in_session(name: str, method):
    @functools.wraps(method)
    def verb(self, *args, **kwargs):
        store = self.store
        with store.writing(name) if name in _WRITING_VERBS else store.reading(name):
            return method(self, *args, **kwargs)

    return verb


for _name in dir(Workspace):
    _attribute = inspect.getattr_static(Workspace, _name)
    if not _name.startswith("_") and _name not in _NO_SESSION and inspect.isfunction(_attribute):
        setattr(Workspace, _name, _in_session(_name, _attribute))
