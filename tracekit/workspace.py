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
========================  =====================================================================
"""

from __future__ import annotations

import inspect
from pathlib import Path

from tracekit.query.export_verbs import ExportVerbs
from tracekit.query.screen_verbs import ScreenVerbs
from tracekit.query.verbs import QueryVerbs
from tracekit.resolve.verbs import ResolveVerbs
from tracekit.store import Store, ensure_schema
from tracekit.store.verbs import StoreVerbs
from tracekit.views.verbs import ViewVerbs

__all__ = ["Workspace"]


class Workspace(StoreVerbs, ResolveVerbs, QueryVerbs, ScreenVerbs, ExportVerbs, ViewVerbs):
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

    Examples
    --------
    >>> import tracekit
    >>> ws = tracekit.Workspace()
    >>> ws.info().shipments
    0
    >>> ws.close()
    """

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False, create: bool = True):
        self.store = Store(path, read_only=read_only, create=create)
        try:
            self.schema_version = ensure_schema(self.store)
        except BaseException:
            self.store.close()
            raise

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
