"""Workspace verbs of the store stage: loading sources, getting raw rows back, and inspection."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tracekit.rendering import Report
from tracekit.safetext import visible

__all__ = ["StoreVerbs", "WorkspaceInfo"]


@dataclass
class WorkspaceInfo(Report):
    """What a workspace holds; renders through the one mixin (text, escaped HTML, JSON, ``to_frame()``)."""

    path: str | None
    schema_version: int
    sources: int
    shipments: int
    party_mentions: int
    quarantined: int
    tables: dict[str, int] = field(default_factory=dict)
    country_sources: dict[str, int] = field(default_factory=dict)  # party mentions per country_source
    localities: int = 0  # party mentions with a recognised locality

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "schema_version": self.schema_version,
            "sources": self.sources,
            "shipments": self.shipments,
            "party_mentions": self.party_mentions,
            "quarantined": self.quarantined,
            "tables": self.tables,
            "country_sources": self.country_sources,
            "localities": self.localities,
        }

    def _rows(self) -> list[tuple[str, str]]:
        rows = [
            ("workspace", self.path or "in memory"),
            ("schema version", str(self.schema_version)),
            ("sources", f"{self.sources:,}"),
            ("shipments", f"{self.shipments:,}"),
            ("party mentions", f"{self.party_mentions:,}"),
            ("quarantined rows", f"{self.quarantined:,}"),
        ]
        if self.party_mentions:
            sources = ", ".join(f"{k} {v:,}" for k, v in self.country_sources.items()) or "none"
            rows += [("party countries from", sources), ("localities", f"{self.localities:,}")]
        return rows + [(f"table {k}", f"{v:,} rows") for k, v in self.tables.items()]

    @property
    def title(self) -> str:
        return f"workspace {self.path or 'in memory'}"

    @property
    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self._rows()[1:], columns=["item", "value"])

    def __str__(self) -> str:
        width = max(len(k) for k, _ in self._rows())
        return "\n".join(f"{k:<{width}}  {visible(v)}" for k, v in self._rows())


class StoreVerbs:
    """``load``, ``preview``, ``source_rows``, ``quarantine``, ``info``, ``sql`` (mixed into
    :class:`tracekit.Workspace`)."""

    def load(self, source: Any, mapping: Any = "auto", *, replace: bool = False, encoding: str | None = None,
             delimiter: str | None = None, progress: bool = True, declaring_country: str | None = None,
             declaration: str | None = None, on_change: str | None = None, mentions: str = "auto"):
        """Load trade records; every row ends up loaded or quarantined, never dropped.

        Parameters
        ----------
        source : path, glob, folder, .zip, DataFrame, or a list of them
            CSV/TSV/TXT in any delimiter and in UTF-8 (with or without BOM), cp1252/Latin-1, GB18030
            or UTF-16, optionally gzip-compressed; zip archives; Parquet; .xlsx (first sheet).
        mapping : "auto", "ams", "generic", dict or path to a .json file
            Which source column feeds which field (see :mod:`tracekit.ingest.mapping`).
        replace : bool
            Reload a source already loaded (same content or same name): its old rows go everywhere.
        on_change : None, "replace" or "as_new"
            What to do when a file loaded before (same path) has different content now. None (the
            default) stops before writing anything and says so, because loading it beside the old
            version would count its shipments twice. "replace": the new content replaces the old (its
            rows, mentions and quarantine; a resolved workspace is resolved again). "as_new": both
            versions are kept, with a note in the report.
        encoding, delimiter : str, optional
            Override the detected text encoding or delimiter.
        progress : bool
            Show a progress bar.
        declaring_country, declaration : str, optional
            For a national customs file: the country that filed the declarations (name or ISO code) and
            ``"import"`` or ``"export"``. An import declaration's importer (the consignee) is in that
            country, an export declaration's exporter (the shipper) is: their mentions get it as
            their country (``country_source = 'declaration'``) unless a country column says otherwise.
            Recorded with the source.
        mentions : "auto", "now" or "deferred"
            When the party mentions (each party's name, address, identifiers, country from the strongest
            evidence, locality) are written. They cost about as much as the rest of the load. "now": in
            the load, with the country evidence counted in the report. "deferred": the load records them
            as pending and the first verb that reads them (resolve, info, flags, exports, ``ws.sql``)
            writes them, in one transaction (a read-only session computes them for itself). "auto" (the
            default): "now" for a source of under 1,000,000 rows, else "deferred".

        Returns
        -------
        tracekit.store.report.LoadReport
            rows read = loaded + quarantined, per source and reason, with the mapping used.

        Raises
        ------
        MappingError
            Before anything is written, when a source has no party-name column or the mapping names
            columns the source lacks.
        SourceChanged
            Before anything is written, when a file loaded before has changed and ``on_change`` is None.
        SourceError
            A file that cannot be read (missing, unreadable, not delimited text, an unguessable encoding).

        Examples
        --------
        >>> import pandas as pd, tracekit
        >>> ws = tracekit.Workspace()
        >>> frame = pd.DataFrame({"Shipper": ["ACME CO", ""], "Consignee": ["QUIMICA SA", ""],
        ...                       "HS Code": ["2933.39", "2933.39"]})
        >>> r = ws.load(frame, progress=False)
        >>> r.rows_read, r.rows_loaded, r.quarantine_reasons
        (2, 1, {'no_party': 1})
        """
        extra = {}
        if getattr(self.store, "engine", "duckdb") == "spark":  # sparkload: read by Spark (store/spark_load.py)
            from tracekit.store.spark_load import spark_load as load  # writes the mentions in its own jobs
        else:
            from tracekit.store.load import load

            extra["mentions"] = mentions
        return load(self.store, source, mapping, replace=replace, encoding=encoding, delimiter=delimiter,
                    progress=progress, declaring_country=declaring_country, declaration_kind=declaration,
                    on_change=on_change, **extra)

    def preview(self, source: Any, mapping: Any = "auto", *, encoding: str | None = None,
                delimiter: str | None = None, sample_rows: int | None = None):
        """The mapping a load would use, shown before anything is written (the workspace is not touched).

        Per source column: the field it would feed (or why it stays an extra column), the confidence
        (header words × sample content), the reason and three sample values; plus loud warnings for a
        source with no date, description or party column. Renders as text, HTML and JSON
        (``tracekit load FILE --dry-run``).

        Examples
        --------
        >>> import pandas as pd, tracekit
        >>> ws = tracekit.Workspace()
        >>> p = ws.preview(pd.DataFrame({"Goods Shipped": ["ACETONE 200L DRUMS"], "Shipper": ["ACME CO"]}))
        >>> [(r["column"], r["target"]) for r in p.sources[0].rows()]
        [('Goods Shipped', 'description'), ('Shipper', 'shipper_name')]
        >>> ws.info().shipments
        0
        """
        from tracekit.ingest.content import SAMPLE_ROWS
        from tracekit.store.preview import preview

        return preview(self.store, source, mapping, encoding=encoding, delimiter=delimiter,
                       sample_rows=sample_rows or SAMPLE_ROWS)

    def source_rows(self, shipment_ids: int | Iterable[int] | None = None, *, source: str | int | None = None,
                    lines: int | Iterable[int] | None = None) -> pd.DataFrame:
        """The raw rows behind shipments, exactly as the source wrote them (all columns as text).

        Give shipment ids, or a source (id, name or path) with optional line numbers. The result has
        ``source`` (name), ``line`` and every original column of the source(s).

        Examples
        --------
        >>> import pandas as pd, tracekit
        >>> ws = tracekit.Workspace()
        >>> _ = ws.load(pd.DataFrame({"SHIPPER_NAME": ["ACME"], "colour": ["blue"]}), progress=False)
        >>> sid = ws.sql("SELECT shipment_id FROM shipments")["shipment_id"].tolist()
        >>> ws.source_rows(sid)[["line", "SHIPPER_NAME", "colour"]].values.tolist()
        [[1, 'ACME', 'blue']]
        """
        from tracekit.store.provenance import source_rows

        return source_rows(self.store, shipment_ids, source=source, lines=lines)

    def quarantine(self, source: str | int | None = None, reason: str | None = None) -> pd.DataFrame:
        """Quarantined rows: file, line, column, reason, detail and the raw text, in file order."""
        from tracekit.store.provenance import quarantine_rows

        return quarantine_rows(self.store, source=source, reason=reason)

    def info(self) -> WorkspaceInfo:
        """Counts of what the workspace holds.

        Examples
        --------
        >>> import tracekit
        >>> print(tracekit.Workspace().info())  # doctest: +NORMALIZE_WHITESPACE
        workspace in memory
        schema version 3
        sources 0
        shipments 0
        party mentions 0
        quarantined rows 0
        """
        from tracekit.store.shipment_tables import physical_tables

        store = self.store
        core = {"sources", "shipments", "party_mentions", "quarantine", "tk_meta"}
        names = [r[0] for r in store.rows(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE' ORDER BY table_name")]
        hidden = set(physical_tables(store))  # the tables behind the shipments view
        others = {n: store.count(n) for n in names if n not in core and n not in hidden and not n.startswith("raw_")}
        evidence = store.rows("SELECT country_source, count(*), sum(count(locality)) OVER () FROM party_mentions "
                              "GROUP BY country_source")
        order = ("column", "declaration", "address", "route", "port")
        by_source = {s: int(n) for s, n, _ in evidence if s is not None}
        return WorkspaceInfo(
            path=str(store.folder) if store.folder else None,
            schema_version=self.schema_version,
            sources=store.count("sources"),
            shipments=store.count("shipments"),
            party_mentions=store.count("party_mentions"),
            quarantined=store.count("quarantine"),
            tables=others,
            country_sources={s: by_source[s] for s in order if s in by_source},
            localities=int(evidence[0][2]) if evidence else 0,
        )

    def sql(self, query: str, params=None) -> pd.DataFrame:
        """Run a read query of your own against the workspace tables; returns a DataFrame.

        Examples
        --------
        >>> import tracekit
        >>> tracekit.Workspace().sql("SELECT count(*) AS n FROM shipments")["n"].tolist()
        [0]
        """
        import duckdb

        from tracekit.errors import QueryError

        try:
            return self.store.df(query, params)
        except duckdb.Error as exc:  # the user's own SQL: their mistake to see, not a tracekit bug
            raise QueryError(f"the query failed: {str(exc).splitlines()[0]}") from exc
