"""Exports an analyst hands on: ``ws.export(what, out, format=...)`` and ``tracekit export WHAT``.

==============  ==========================  =========================================================
what            formats                     rows
==============  ==========================  =========================================================
``mentions``    csv, parquet                every party mention with its entity (resolve's export)
``entities``    csv, parquet                one row per company: names, countries, counts, risk, flags
``shipments``   csv, parquet                one row per shipment: source file and line, the parties
                                            as written and as resolved, goods, amounts, its flags
``graph``       graphml, gexf               the trade graph (companies, trade edges with evidence)
``ftm``         jsonl                       FollowTheMoney entities for Aleph (:mod:`tracekit.query.ftm`)
==============  ==========================  =========================================================

CSV text cells that a spreadsheet would run as a formula (``= + - @``, tab, CR) get a leading quote;
Parquet keeps the text as it is and ids as exact 64-bit integers. Shipments are streamed from DuckDB
in Arrow batches of at most :data:`BATCH_ROWS` rows (never a whole-table DataFrame), with a progress
bar. Each file is written beside its final name and renamed only when complete: an interrupted export
leaves no half file behind.

``scope`` narrows any export to a case: a result (``ws.trace(...)``), a networkx graph or entity ids.
Companies are those in scope; shipments are those whose shipper and consignee are both in scope.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from tqdm.auto import tqdm

from tracekit.errors import TracekitError
from tracekit.query.graph_files import write_gexf, write_graphml
from tracekit.query.prepared import graph_index
from tracekit.rendering import Report

__all__ = ["BATCH_ROWS", "EXPORTS", "Export", "export", "entity_scope", "shipment_batches", "csv_ready"]

BATCH_ROWS = 100_000
EXPORTS: dict[str, tuple[str, ...]] = {
    "mentions": ("csv", "parquet"),
    "entities": ("csv", "parquet"),
    "shipments": ("csv", "parquet"),
    "graph": ("graphml", "gexf"),
    "ftm": ("jsonl",),
}
_SUFFIX_FORMAT = {"csv": "csv", "parquet": "parquet", "pq": "parquet", "graphml": "graphml", "gexf": "gexf",
                  "jsonl": "jsonl", "ndjson": "jsonl", "ftm": "jsonl", "json": "jsonl"}
_FORMULA = r"^[=+\-@\t\r]"
SCOPE_TABLE = "tk_export_scope"


@dataclass
class Export(Report):
    """What an export wrote: the file, its format and how many rows (or entities of each kind)."""

    path: Path
    what: str
    format: str
    rows: int
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"path": str(self.path), "what": self.what, "format": self.format, "rows": self.rows,
                "counts": self.counts, "notes": self.notes}

    def __str__(self) -> str:
        if self.what == "graph":
            head = (f"wrote the graph ({self.counts.get('nodes', 0):,} nodes, {self.counts.get('edges', 0):,} edges) "
                    f"to {self.path} ({self.format})")
        else:
            noun = {"ftm": "FollowTheMoney entities", "entities": "companies"}.get(self.what, self.what)
            detail = ", ".join(f"{n:,} {k}" for k, n in self.counts.items())
            head = f"wrote {self.rows:,} {noun} to {self.path} ({self.format})" + (f": {detail}" if detail else "")
        return "\n".join([head] + [f"note: {n}" for n in self.notes])

    # HTML, mime bundle and to_frame() from the one render mixin
    @property
    def title(self) -> str:
        return f"export {self.what}"

    @property
    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"path": str(self.path), "what": self.what, "format": self.format, "rows": self.rows,
                              **self.counts}])

    def summary_lines(self) -> list[str]:
        return str(self).splitlines()


# -- choosing what and how ------------------------------------------------------------------------
def _target(out: str | Path, what: str, fmt: str | None) -> tuple[Path, str]:
    if what not in EXPORTS:
        raise TracekitError(f"cannot export {what!r}: choose one of {', '.join(EXPORTS)}")
    path = Path(out).expanduser().resolve()
    if path.is_dir():
        example = path / f"{what}.{EXPORTS[what][0]}"
        raise TracekitError(f"cannot export to {path}: it is a folder; give a file name, e.g. {example}")
    fmt = (fmt or _SUFFIX_FORMAT.get(path.suffix.lstrip(".").lower()) or EXPORTS[what][0]).lower()
    if fmt not in EXPORTS[what]:
        raise TracekitError(f"cannot write {what} as {fmt!r} ({path.name}): {what} exports as "
                            f"{' or '.join(EXPORTS[what])} (name the file accordingly or pass format=)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TracekitError(f"cannot export to {path}: {exc.strerror or exc}") from exc
    return path, fmt


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """A temporary name beside ``path``, renamed to ``path`` on success and removed on any failure."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        yield partial
        partial.replace(path)
    except OSError as exc:  # a full disk, no permission: one line naming the file
        partial.unlink(missing_ok=True)
        raise TracekitError(f"cannot export to {path}: {exc.strerror or exc}") from exc
    except BaseException:  # Ctrl-C or an error: no half-written file is left looking complete
        partial.unlink(missing_ok=True)
        raise


def entity_scope(ws, scope: Any) -> list[int] | None:
    """Entity ids of ``scope`` (a result with ``.graph``, a networkx graph, ids or names); None: all."""
    if scope is None:
        return None
    graph = getattr(scope, "graph", scope)
    if isinstance(graph, nx.Graph):
        ids = [n for n in graph.nodes if isinstance(n, int) and not isinstance(n, bool)]
    else:
        from tracekit.query.entities import resolve_entity

        items = [scope] if isinstance(scope, str | int) else list(scope)
        ids = [resolve_entity(ws, i) for i in items]
    if not ids:
        raise TracekitError("the export scope holds no company: nothing to export")
    return sorted(set(ids))


@contextlib.contextmanager
def scoped(store, ids: list[int] | None) -> Iterator[str]:
    """A SQL condition on ``{alias}.entity_id``-style columns: ``IN scope`` (or TRUE for everything)."""
    if ids is None:
        yield ""
        return
    with store.registered(SCOPE_TABLE, pa.table({"entity_id": pa.array(ids, pa.int64())})):
        yield SCOPE_TABLE


def in_scope(column: str, table: str) -> str:
    return f"{column} IN (SELECT entity_id FROM {table})" if table else "TRUE"  # noqa: S608 - a table name we chose


# -- Arrow → CSV / Parquet ------------------------------------------------------------------------
def csv_ready(table: pa.Table) -> pa.Table:
    """Lists joined with ``"; "`` and every text cell that starts a formula given a leading quote.

    Examples
    --------
    >>> t = csv_ready(pa.table({"name": ["=cmd|' /C calc'!A0", "ACME", None], "flags": [["a", "b"], [], None]}))
    >>> t.column("name").to_pylist(), t.column("flags").to_pylist()
    (["'=cmd|' /C calc'!A0", 'ACME', None], ['a; b', '', None])
    """
    columns = []
    for column in table.columns:
        if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
            column = pc.binary_join(pc.cast(column, pa.list_(pa.string())), "; ")
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            quoted = pc.binary_join_element_wise(pa.scalar("'"), column, "")
            column = pc.if_else(pc.fill_null(pc.match_substring_regex(column, _FORMULA), False), quoted, column)
        columns.append(column)
    return pa.table(columns, names=table.column_names)


class TableWriter:
    """Writes Arrow batches to one CSV (formula-safe) or Parquet file, schema fixed by the first batch."""

    def __init__(self, path: Path, fmt: str):
        self.path, self.fmt, self._writer, self.rows = path, fmt, None, 0

    def write(self, table: pa.Table) -> None:
        if self.fmt == "csv":
            table = csv_ready(table)
        if self._writer is None:
            self._schema = table.schema
            self._writer = (pacsv.CSVWriter(self.path, table.schema) if self.fmt == "csv"
                            else pq.ParquetWriter(self.path, table.schema, compression="zstd"))
        elif table.schema != self._schema:  # a batch where a column is all NULL comes back as another type
            table = table.cast(self._schema)
        self._writer.write_table(table)
        self.rows += table.num_rows

    def close(self, empty: pa.Schema) -> None:
        if self._writer is None:  # nothing at all: still a file with the header / schema
            self.write(empty.empty_table())
        self._writer.close()


# -- tables ---------------------------------------------------------------------------------------
def _entities_sql(store, scope: str) -> str:
    risk = ("LEFT JOIN graph_risk r ON r.entity_id = e.entity_id", "coalesce(r.score, 0.0)") \
        if store.table_exists("graph_risk") else ("", "CAST(NULL AS DOUBLE)")
    community = ("LEFT JOIN graph_communities c ON c.entity_id = e.entity_id", "c.community") \
        if store.table_exists("graph_communities") else ("", "CAST(NULL AS BIGINT)")
    return f"""
        WITH spellings AS (
            SELECT me.entity_id, list(DISTINCT m.name ORDER BY m.name)[1:20] AS names,
                   list(DISTINCT m.country ORDER BY m.country) FILTER (WHERE m.country IS NOT NULL) AS countries,
                   min(m.date) AS first_date, max(m.date) AS last_date
            FROM mention_entities me JOIN party_mentions m USING (mention_id)
            WHERE {in_scope('me.entity_id', scope)}
            GROUP BY 1),
        flagged AS (SELECT entity_id, list(flag ORDER BY flag) AS flags, sum(shipments) AS flagged_shipments
                    FROM graph_flags GROUP BY 1)
        SELECT e.entity_id, e.name, e.country, s.countries, s.names AS spellings, e.mention_count,
               e.shipment_count, s.first_date, s.last_date, {risk[1]} AS risk, f.flags,
               coalesce(f.flagged_shipments, 0) AS flagged_shipment_flags, {community[1]} AS community
        FROM entities e
        LEFT JOIN spellings s USING (entity_id)
        LEFT JOIN flagged f USING (entity_id)
        {risk[0]} {community[0]}
        WHERE {in_scope('e.entity_id', scope)}
        ORDER BY e.entity_id
    """  # noqa: S608 - only our own table names and numbers are interpolated


def _party(alias: str, role: int, name: str) -> tuple[str, str]:
    columns = (f"m{alias}.entity_id AS {name}_entity_id, e{alias}.name AS {name}_entity, "
               f"s.{name}_name, s.{name}_address, s.{name}_country")
    joins = (f"LEFT JOIN mention_entities m{alias} ON m{alias}.mention_id = s.shipment_id * 4 + {role} "
             f"LEFT JOIN entities e{alias} ON e{alias}.entity_id = m{alias}.entity_id ")
    return columns, joins


def shipments_sql(store, scope: str, lo: int, hi: int) -> str:
    """One batch of the shipments export: ``lo <= shipment_id <= hi``, in shipment order."""
    parties = [_party("s", 0, "shipper"), _party("c", 1, "consignee"), _party("n", 2, "notify")]
    flags = ("LEFT JOIN (SELECT shipment_id, list(DISTINCT flag ORDER BY flag) AS flags FROM graph_shipment_flags "  # noqa: S608
             f"WHERE shipment_id BETWEEN {lo} AND {hi} GROUP BY 1) f USING (shipment_id)",
             "f.flags") if store.table_exists("graph_shipment_flags") else ("", "CAST(NULL AS VARCHAR[])")
    where = f"s.shipment_id BETWEEN {lo} AND {hi}"
    if scope:
        where += f" AND {in_scope('ms.entity_id', scope)} AND {in_scope('mc.entity_id', scope)}"
    return f"""
        SELECT s.shipment_id, coalesce(src.path, src.name) AS source_file, s.line, s.record_id, s.date,
               {', '.join(c for c, _ in parties)},
               s.hs_code, s.description, s.quantity, s.quantity_unit, s.weight_kg, s.value_usd,
               s.port_of_lading, s.port_of_unlading, s.place_of_receipt, s.country_of_origin,
               s.destination_country, s.vessel, s.carrier, s.container, s.master_bol, s.house_bol,
               {flags[1]} AS flags
        FROM shipments s
        LEFT JOIN sources src ON src.source_id = s.source_id
        {''.join(j for _, j in parties)}
        {flags[0]}
        WHERE {where}
        ORDER BY s.shipment_id
    """  # noqa: S608 - only our own table names and numbers are interpolated


def shipment_batches(store, sql_for_range, *, batch_rows: int | None = None, progress: bool = True,
                     what: str = "shipments") -> Iterator[pa.Table]:
    """Arrow tables of at most ``batch_rows`` shipments, by id range (source by source, line by line).

    ``shipment_id = source_id << 32 | line``, so a range of lines of one source is a range of ids that
    DuckDB's zone maps find without reading the rest of the table.
    """
    batch_rows = batch_rows or BATCH_ROWS
    spans = store.rows("SELECT source_id, min(line), max(line), count(*) FROM shipments GROUP BY 1 ORDER BY 1")
    total = sum(n for *_, n in spans)
    # TQDM_DISABLE is read here too: tqdm reads it only when first imported, often before a notebook sets it
    quiet = {"disable": True} if not progress or total == 0 or os.environ.get("TQDM_DISABLE") else {}
    with tqdm(total=total, unit="row", desc=f"exporting {what}", leave=False, **quiet) as bar:
        for source_id, first, last, _ in spans:
            for start in range(first, last + 1, batch_rows):
                end = min(start + batch_rows - 1, last)
                lo, hi = (source_id << 32) | start, (source_id << 32) | end
                yield store.arrow(sql_for_range(lo, hi))
                bar.update(store.scalar(f"SELECT count(*) FROM shipments WHERE shipment_id BETWEEN {lo} AND {hi}"))  # noqa: S608


def _write_table(ws, what: str, path: Path, fmt: str, ids: list[int] | None, progress: bool) -> Export:
    store = ws.store
    with scoped(store, ids) as scope, atomic_file(path) as partial:
        writer = TableWriter(partial, fmt)
        if what == "entities":
            table = store.arrow(_entities_sql(store, scope))
            writer.write(table)
            empty = table.schema
        else:
            for batch in shipment_batches(store, lambda lo, hi: shipments_sql(store, scope, lo, hi),
                                          progress=progress):
                writer.write(batch)
            empty = store.arrow(shipments_sql(store, scope, 0, -1)).schema
        writer.close(empty)
    return Export(path, what, fmt, writer.rows)


def _write_graph(ws, path: Path, fmt: str, ids: list[int] | None, scope_obj: Any, filters: dict) -> Export:
    graph = getattr(scope_obj, "graph", scope_obj) if scope_obj is not None else None
    if not isinstance(graph, nx.Graph):
        graph = ws.graph(**filters)
        if ids is not None:
            graph = graph.subgraph(ids).copy()
    with atomic_file(path) as partial:
        (write_graphml if fmt == "graphml" else write_gexf)(graph, partial)
    return Export(path, "graph", fmt, graph.number_of_nodes() + graph.number_of_edges(),
                  {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()})


def export(ws, what: str, out: str | Path, format: str | None = None, *, scope: Any = None,
           progress: bool = True, namespace: str | None = None, **filters) -> Export:
    """Write ``what`` (mentions, entities, shipments, graph, ftm) to ``out``; the format follows the suffix.

    Parameters
    ----------
    ws : Workspace
    what : {"mentions", "entities", "shipments", "graph", "ftm"}
    out : str or Path
        The file to write (its folder is created). ``.csv``, ``.parquet``, ``.graphml``, ``.gexf``,
        ``.jsonl``.
    format : str, optional
        Overrides the suffix: ``csv``, ``parquet``, ``graphml``, ``gexf``, ``jsonl``.
    scope : result, networkx graph or entity ids/names, optional
        Only these companies and the shipments among them (default: the whole workspace).
    progress : bool
        Show a progress bar while shipments stream out.
    namespace : str, optional
        FollowTheMoney only: the key that signs entity ids (default: this workspace's own key).
    **filters
        Graph only: trade filters of ``ws.graph`` (``hs``, ``since``, ``until``, ``countries``,
        ``min_shipments``) and ``context``.
    """
    path, fmt = _target(out, what, format)
    if what == "mentions":
        if scope is not None:
            raise TracekitError("mentions export the whole workspace: drop scope= (or export shipments)")
        from tracekit.resolve.export import export_mentions

        done = export_mentions(ws.store, path, fmt)
        return Export(done.path, "mentions", done.format, done.rows)
    if not ws.store.table_exists("mention_entities"):
        raise TracekitError("nothing resolved yet: run `tracekit resolve` (ws.resolve()) first")
    if filters and what != "graph":
        raise TracekitError(f"{', '.join(filters)}: trade filters apply to the graph export only; "
                            "narrow the others with scope=")
    graph_index(ws)  # graph tables and flags current with the data and the resolution
    ids = entity_scope(ws, scope)
    if what == "graph":
        return _write_graph(ws, path, fmt, ids, scope, filters)
    if what == "ftm":
        from tracekit.query.ftm import write_ftm

        return write_ftm(ws, path, ids, progress=progress, namespace=namespace)
    return _write_table(ws, what, path, fmt, ids, progress)

