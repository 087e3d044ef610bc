"""The Spark twin of :class:`~tracekit.store.engine.Store`: the same seam, tables as Parquet datasets.

The rooms hand the store DuckDB-dialect, set-based SQL. :class:`SparkStore` runs the same statements on
Apache Spark: it parses each one with sqlglot, rewrites the few DuckDB-only constructs tracekit uses
(the ``duckdb_tables()`` catalogue, ``HUGEINT``, ``INSERT OR REPLACE``, ``DELETE``) into their Spark
twins here, behind the seam, and transpiles the rest. Tables live as Parquet datasets under
``<workspace>/spark-tables/<name>/<version>/`` and are registered as temporary views when the store
opens, so any Spark session (``local[*]`` on a laptop, or a cluster's) can open the same workspace.

What Spark does not give, and what this store does instead:

- **No transactions.** A table is replaced by writing a new version directory and switching to it
  only after the write succeeded; readers never see a half-written table. A multi-statement
  "transaction" is not atomic across tables (:meth:`SparkStore.transaction` says so in its doc).
- **No in-place UPDATE.** ``DELETE`` and ``INSERT OR REPLACE`` rewrite the (small) table they touch;
  ``UPDATE`` raises :class:`EngineUnsupported` naming the statement.

Example (needs a Spark session, so it is not a doctest; tests/spark/ runs the same calls)::

    store = SparkStore.local(None)
    store.scalar("SELECT 40 + 2")   # 42
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import sqlglot
from sqlglot import exp

from tracekit.errors import TracekitError, WorkspaceError
from tracekit.store.ids import check_id_columns
from tracekit.store.shipment_tables import workspace_tables
from tracekit.store.spark_rewrite import rewrite_for_spark
from tracekit.store.spark_sql import CATALOG_VIEW, EngineUnsupported, _statements, _table_name, to_spark_sql
from tracekit.store.spark_temp import execute_temp_twin
from tracekit.store.spark_twins import execute_twin, expand_star_except
from tracekit.store.spark_versions import READY, STAGING_PREFIX, Leases, collect, mark_dropped, newest_ready

__all__ = ["SparkStore", "EngineUnsupported", "spark_session", "TABLES_FOLDER", "to_spark_sql"]

TABLES_FOLDER = "spark-tables"
_SCHEMA = "_tracekit_schema.json"  # the table's Spark schema: an empty table has no Parquet file to read it from
_READY = READY  # marker written last: a version directory without it is an interrupted write
# sparkload: the big tables are Hive-style partitioned directories; `month` (yyyy-MM of `date`) is a
# partition column only, hidden from the table's view (the schema file lists the table's own columns).
_PARTITIONS = "_tracekit_partitions"
PARTITION_COLUMNS: dict[str, tuple[str, ...]] = {
    "shipments": ("source_id", "month"), "party_mentions": ("source_id",), "quarantine": ("source_id",),
}



def own_session(session):  # noqa: ANN001, ANN201 - a pyspark SparkSession
    """A session of the store's own: it shares ``session``'s SparkContext (executors, cached data) but not
    its temporary views, so two workspaces open on one SparkSession never see each other's tables
    (every table of a Spark workspace is a temporary view named as the table). The SQL settings the
    user set on ``session`` at run time are carried over. A session that cannot make another (Spark
    Connect) is used as it is: then open one workspace per session.
    """
    try:
        isolated = session.newSession()
    except Exception:  # noqa: BLE001 - Spark Connect and friends: no newSession
        return session
    with contextlib.suppress(Exception):
        for key, value in session.conf.getAll.items():
            if key.startswith("spark.sql.") and session.conf.isModifiable(key):
                with contextlib.suppress(Exception):
                    isolated.conf.set(key, value)
    return isolated


def spark_session(master: str | None = None, *, app_name: str = "tracekit", shuffle_partitions: int | None = None):
    """A SparkSession for tracekit: ``local[*]`` unless ``master`` (or ``$TRACEKIT_SPARK_MASTER``) says
    otherwise, no UI, quiet logs, Arrow transfer on. An active session is reused as it is."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise TracekitError("the Spark engine needs pyspark: pip install 'tracekit[spark]'") from exc
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    # sparkres: Python run on the executors (resolve's normalisers, mapInPandas) needs this interpreter's
    # packages; Spark would otherwise start the first `python3` on PATH. A cluster sets its own.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (SparkSession.builder.appName(app_name)
               .master(master or os.environ.get("TRACEKIT_SPARK_MASTER", "local[*]"))
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               .config("spark.sql.session.timeZone", "UTC"))
    if shuffle_partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(shuffle_partitions))
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkStore:
    """A workspace on Apache Spark, with the interface of :class:`~tracekit.store.engine.Store`.

    Parameters
    ----------
    session : pyspark.sql.SparkSession
        The user's session (a cluster's, or :func:`spark_session` for ``local[*]``). The store works in
        a session of its own on the same SparkContext (:func:`own_session`; ``store.session``), so the
        tables of two workspaces on one session never shadow each other.
    folder : path or None
        Workspace folder (local or any path Spark can write: ``hdfs://``, ``s3a://`` need a
        ``Path``-free string). ``None``: a temporary folder removed on :meth:`close`.
    """

    engine = "spark"

    def __init__(self, session, folder: str | Path | None = None, *, read_only: bool = False,
                 create: bool = True):
        self.user_session = session
        self.session = own_session(session)
        self.read_only = read_only
        self._temporary = folder is None
        root = Path(tempfile.mkdtemp(prefix="tracekit-spark-")) if folder is None else \
            Path(folder).expanduser().resolve()
        if not root.exists():
            if read_only or not create:
                raise WorkspaceError(f"{root} is not a tracekit Spark workspace (no {TABLES_FOLDER}/)")
            root.mkdir(parents=True)
        self.folder: Path | None = None if self._temporary else root
        self._root = root
        self._tables_dir = root / TABLES_FOLDER
        self._tables_dir.mkdir(exist_ok=True)
        self._lock = threading.RLock()
        self._views: dict[str, Path] = {}
        self._registered: set[str] = set()
        self._closed = False
        self._generation = 0
        self._leases = Leases(self._tables_dir)  # the versions this store reads: spark_versions.py
        self._open_existing()

    @classmethod
    def local(cls, folder: str | Path | None = None, **options: Any) -> SparkStore:
        """A store on a ``local[*]`` session (created if none is active)."""
        return cls(spark_session(), folder, **options)

    # -- tables as Parquet versions -------------------------------------------------------------------
    def _open_existing(self) -> None:
        for table_dir in sorted(p for p in self._tables_dir.iterdir() if p.is_dir() and not p.name.startswith("_")):
            current = newest_ready(table_dir)
            if current is not None:
                self._show(table_dir.name, current, publish=False)
        self._leases.publish(self._views)
        if not self.read_only:  # a reader never deletes a version (spark_versions.py: the rule)
            collect(self._tables_dir, self._views, self._leases, incomplete=True)

    def _collect(self, name: str) -> None:
        """After writing ``name``: delete superseded versions (of any table: a reader that held one may have
        closed since) that no open store reads. Writers only."""
        if not self.read_only:
            collect(self._tables_dir, self._views, self._leases)

    def _show(self, name: str, version: Path, *, publish: bool = True) -> None:
        reader = self.session.read
        schema = version / _SCHEMA
        partitions = (version / _PARTITIONS).read_text().split(",") if (version / _PARTITIONS).exists() else []
        if schema.exists() and (partitions or not any(version.rglob("*.parquet"))):
            # an empty table has no file to infer from; a partitioned one gets its partition types from us
            from pyspark.sql.types import StringType, StructField, StructType

            struct = StructType.fromJson(json.loads(schema.read_text()))
            own = list(struct.fieldNames())
            for column in partitions:
                if column not in own:
                    struct = struct.add(StructField(column, StringType()))
            frame = reader.schema(struct).parquet(str(version)).select(*own)
        else:
            frame = reader.parquet(str(version))
        frame.createOrReplaceTempView(name)
        self._views[name] = version
        if publish:
            self._leases.publish(self._views)

    def _write(self, name: str, frame) -> None:  # noqa: ANN001 - a pyspark DataFrame
        """Write ``frame`` as the new version of table ``name``; switch to it only once complete."""
        if self.read_only:
            raise WorkspaceError(f"the workspace is open read-only: cannot write table {name}")
        version = self._tables_dir / name / f"v{time.time_ns():020d}"
        own_schema = frame.schema.json()
        frame, partitions = _partitioned(name, frame)
        writer = frame.write.mode("errorifexists")
        if partitions:
            writer = writer.partitionBy(*partitions)
        writer.parquet(str(version))
        (version / _SCHEMA).write_text(own_schema)
        if partitions:
            (version / _PARTITIONS).write_text(",".join(partitions))
        (version / _READY).touch()
        self._generation += 1
        self._show(name, version)
        self._collect(name)  # the old version goes once no other store reads it

    def append(self, name: str, frame) -> None:  # noqa: ANN001 - a pyspark DataFrame
        """Add ``frame``'s rows to table ``name`` without rewriting it (sparkload: a load's new source).

        The rows are written partitioned (:data:`PARTITION_COLUMNS`) into a staging folder, then each new
        partition directory is moved into the current version (a rename: atomic on a local file system
        and HDFS; on an object store the partition appears file by file). A table whose current version
        is not partitioned that way (copied from DuckDB, or new) is written anew once, partitioned.
        """
        if self.read_only:
            raise WorkspaceError(f"the workspace is open read-only: cannot write table {name}")
        current = self._views.get(name)
        wanted = ",".join(PARTITION_COLUMNS.get(name, ()))
        marker = current / _PARTITIONS if current is not None else None
        if not wanted or marker is None or not marker.exists() or marker.read_text() != wanted:
            whole = frame if current is None else self.table(name).unionByName(frame)
            self._write(name, whole.localCheckpoint() if current is not None else whole)
            return
        frame = frame.select(*self.table(name).columns)
        staged, partitions = _partitioned(name, frame)
        staging = current.parent / f"staging-{time.time_ns():020d}"
        staged.write.partitionBy(*partitions).parquet(str(staging))
        try:
            _move_partitions(staging, current)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self._generation += 1
        self._show(name, current)

    def write_split(self, names: dict[int, str], frame, by: str = "source_id") -> None:  # noqa: ANN001
        """Write ``frame`` as the new version of one table per value of its column ``by`` (``names``: value →
        table, e.g. each source's raw table) in ONE Spark job: written partitioned by ``by`` into a staging
        folder, each partition folder then renamed into its table as a complete version (a value with no
        rows gets an empty version). sparkws: the raw tables of many files loaded together."""
        if self.read_only:
            raise WorkspaceError(f"the workspace is open read-only: cannot write tables {sorted(names.values())}")
        own_schema = frame.drop(by).schema.json()
        staging = self._tables_dir / f"{STAGING_PREFIX}{time.time_ns():020d}"
        frame.write.partitionBy(by).parquet(str(staging))
        try:
            for value, name in names.items():
                version = self._tables_dir / name / f"v{time.time_ns():020d}"
                version.parent.mkdir(parents=True, exist_ok=True)
                part = staging / f"{by}={value}"
                if part.exists():
                    part.rename(version)
                else:
                    version.mkdir()
                (version / _SCHEMA).write_text(own_schema)
                (version / _READY).touch()
                self._generation += 1
                self._show(name, version)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self._collect(next(iter(names.values()), ""))

    def _drop(self, name: str) -> None:
        self.session.catalog.dropTempView(name)
        path = self._views.pop(name, None)
        if path is not None:
            mark_dropped(path.parent)  # gone for every store opened from now on
            self._leases.publish(self._views)
            self._collect(name)  # its versions go once no other store reads them

    # -- statements ----------------------------------------------------------------------------------
    def _sql(self, statement: exp.Expression | str, params: Sequence[Any] | dict | None = None):
        if self._closed:
            raise WorkspaceError("the Spark workspace is closed")
        if isinstance(statement, str):
            statement = sqlglot.parse_one(statement, read="duckdb")
        statement = expand_star_except(self, statement)  # sparkres: twin in store/spark_twins.py
        statement = rewrite_for_spark(statement)  # sparkverbs: ordered lists, slices, json_object (spark_rewrite.py)
        text = to_spark_sql(statement)
        if CATALOG_VIEW in text:
            self._catalog_view()
        args = list(params) if isinstance(params, list | tuple) else params
        return self.session.sql(text, args=args or None)

    def _catalog_view(self) -> None:
        names = sorted(set(self._views) | self._registered)
        frame = pd.DataFrame({"table_name": pd.Series(names, dtype=object)})
        frame["table_schema"] = "main"  # information_schema.tables' column, as DuckDB names it
        schema = "table_name STRING, table_schema STRING"
        self.session.createDataFrame(frame if names else [], schema=schema).createOrReplaceTempView(CATALOG_VIEW)

    def execute(self, sql: str, params: Sequence[Any] | dict | None = None) -> None:
        """Run statements; DDL and DML become Parquet writes (see the module doc)."""
        with self._lock:
            for statement in _statements(sql):
                self._execute_one(statement, params)

    def _execute_one(self, node: exp.Expression, params) -> None:  # noqa: ANN001
        # sparkres (issue 12 item 3): resolve's temp tables/views, ALTER ADD COLUMN, INSERT … WITH and
        # * EXCLUDE have their twins in store/spark_twins.py.
        if execute_temp_twin(self, node, params) or execute_twin(self, node, params):  # sparkverbs: spark_temp.py
            return
        if isinstance(node, exp.Create) and str(node.args.get("kind", "")).upper() == "TABLE":
            self._create(node, params)
        elif isinstance(node, exp.Insert):
            self._insert(node, params)
        elif isinstance(node, exp.Delete):
            name = _table_name(node.this)
            where = node.args.get("where")
            kept = self.table(name) if where is None else self._sql(
                exp.select("*").from_(name).where(exp.not_(exp.paren(where.this.copy()))), params)
            self._write(name, kept.limit(0) if where is None else kept.localCheckpoint())
        elif isinstance(node, exp.Drop):
            name = _table_name(node)
            if name in self._views:
                self._drop(name)
            elif not node.args.get("exists"):
                raise WorkspaceError(f"no table {name} to drop")
        elif isinstance(node, exp.Update):
            raise EngineUnsupported(
                f"UPDATE is not supported on the Spark engine ({node.sql()[:120]}): write the table anew "
                "with CREATE OR REPLACE TABLE … AS SELECT")
        elif isinstance(node, exp.Transaction | exp.Commit | exp.Rollback):
            return
        else:
            self._sql(node, params).collect()

    def _create(self, node: exp.Create, params) -> None:  # noqa: ANN001
        schema = node.this
        name = _table_name(schema)
        exists = name in self._views
        if exists and node.args.get("exists"):  # IF NOT EXISTS
            return
        if exists and not node.args.get("replace"):
            raise WorkspaceError(f"table {name} already exists")
        query = node.expression
        if query is not None:
            # Materialise before writing: the query may read the table it replaces.
            self._write(name, self._sql(query, params).localCheckpoint())
            return
        columns = [c for c in schema.expressions if isinstance(c, exp.ColumnDef)]
        ddl = ", ".join(f"`{c.name}` {to_spark_sql(c.args['kind'])}" for c in columns)
        self._write(name, self.session.createDataFrame([], schema=ddl))

    def _insert(self, node: exp.Insert, params) -> None:  # noqa: ANN001
        target = node.this
        name = _table_name(target)
        if name not in self._views:
            raise WorkspaceError(f"INSERT into {name}: no such table")
        current = self.table(name)
        source = node.expression
        incoming = self._sql(source, params)
        columns = [c.name for c in target.expressions] if isinstance(target, exp.Schema) else current.columns
        renamed = incoming.toDF(*columns)
        incoming = renamed.select(*[renamed[c].cast(current.schema[c].dataType).alias(c) if c in columns
                                    else _null_of(current.schema[c]) for c in current.columns])
        replace = str(node.args.get("alternative") or "").upper() == "REPLACE"
        conflict = node.args.get("conflict")
        keep_old = conflict is not None and "NOTHING" in str(conflict.args.get("action") or "").upper()
        # The first column is the key of tracekit's key/value tables (tk_meta, graph_state).
        key = current.columns[0]
        if replace:  # INSERT OR REPLACE
            current = current.join(incoming.select(key), on=key, how="left_anti")
        elif keep_old:  # INSERT … ON CONFLICT DO NOTHING
            incoming = incoming.join(current.select(key), on=key, how="left_anti")
        elif conflict is not None:
            raise EngineUnsupported(f"the Spark engine supports ON CONFLICT DO NOTHING only: {node.sql()[:160]}")
        self._write(name, current.unionByName(incoming).localCheckpoint())

    def copy_from(self, store, names: Sequence[str] | None = None) -> list[str]:  # noqa: ANN001
        """Copy tables of a DuckDB :class:`~tracekit.store.engine.Store` into this workspace as Parquet.

        DuckDB writes each Parquet file straight into the new table version (no pass through Python),
        so a case resolved on a laptop can be published to a cluster's storage and queried there.
        Returns the names copied (default: every table of ``store``).
        """
        reading = store.reading("publishing tables to Spark") if hasattr(store, "reading") \
            else contextlib.nullcontext()
        with reading:
            return self._copy_tables(store, names)

    def _copy_tables(self, store, names: Sequence[str] | None) -> list[str]:  # noqa: ANN001
        from tracekit.store.engine import quote_identifier

        names = list(names) if names is not None else workspace_tables(store)
        for name in names:
            version = self._tables_dir / name / f"v{time.time_ns():020d}"
            version.mkdir(parents=True)
            target = str(version / "part-0.parquet").replace("'", "''")
            store.execute(f"COPY (SELECT * FROM {quote_identifier(name)}) TO '{target}' (FORMAT parquet)")  # noqa: S608
            (version / _READY).touch()
            self._show(name, version)
            self._generation += 1
            self._collect(name)
        return names

    # -- reads ---------------------------------------------------------------------------------------
    def table(self, name: str):
        """The Spark DataFrame of a table (or registered view)."""
        return self.session.table(name)

    def spark(self, sql: str, params: Sequence[Any] | dict | None = None):
        """A lazy Spark DataFrame for a (DuckDB-dialect) query: the engine-native escape hatch."""
        return self._sql(sql, params)

    def df(self, sql: str, params: Sequence[Any] | dict | None = None) -> pd.DataFrame:
        with self._lock:
            frame = _pandas(self.arrow(sql, params))
        check_id_columns(frame)
        return frame

    def arrow(self, sql: str, params: Sequence[Any] | dict | None = None) -> pa.Table:
        with self._lock:
            return self._sql(sql, params).toArrow()

    def rows(self, sql: str, params: Sequence[Any] | dict | None = None) -> list[tuple]:
        with self._lock:
            return [tuple(r) for r in self._sql(sql, params).collect()]

    def scalar(self, sql: str, params: Sequence[Any] | dict | None = None) -> Any:
        rows = self.rows(sql, params)
        return rows[0][0] if rows else None

    def register(self, name: str, data: pd.DataFrame | pa.Table) -> None:
        if hasattr(data, "createOrReplaceTempView"):  # sparkscore: a Spark DataFrame stays on the executors
            if data.sparkSession is not self.session:  # the user's session: a view there is not ours
                data = self.session.createDataFrame(data.rdd, data.schema)
            data.createOrReplaceTempView(name)
            self._registered.add(name)
            return
        # sparkres: through Arrow, so an empty frame (no phones in this batch) keeps its columns — Spark
        # cannot infer a schema from zero pandas rows — and a column of only None becomes a text column.
        table = data if isinstance(data, pa.Table) else pa.Table.from_pandas(data, preserve_index=False)
        table = table.cast(pa.schema([pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f
                                      for f in table.schema]))
        self.session.createDataFrame(table).createOrReplaceTempView(name)
        self._registered.add(name)

    def unregister(self, name: str) -> None:
        self.session.catalog.dropTempView(name)
        self._registered.discard(name)

    @contextlib.contextmanager
    def registered(self, name: str, data: pd.DataFrame | pa.Table) -> Iterator[str]:
        self.register(name, data)
        try:
            yield name
        finally:
            self.unregister(name)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[SparkStore]:
        """Group statements. NOT atomic across tables on Spark: each table switches to its new version
        when its own write completes, so an interrupted group can leave earlier tables rewritten."""
        with self._lock:
            yield self

    @contextlib.contextmanager
    def reading(self, what: str | None = None) -> Iterator[SparkStore]:
        """The DuckDB store's read block. Spark has no workspace lock: readers never wait, and a
        table switches to its new version atomically (see the module doc). The versions this store
        reads stay on disk until it closes (its lease is touched here: :mod:`~tracekit.store.spark_versions`)."""
        self._leases.touch()
        with self._lock:
            yield self

    @contextlib.contextmanager
    def writing(self, what: str | None = None) -> Iterator[SparkStore]:
        """The DuckDB store's write block: refused on a read-only workspace. Writers in OTHER processes
        or sessions are not excluded on Spark (no lock across a cluster): run one writer at a time."""
        if self.read_only:
            raise WorkspaceError(f"the workspace is open read-only: cannot {what or 'write'}")
        with self._lock:
            yield self

    @property
    def generation(self) -> int:
        """Grows with every table this store writes (this process only: no cross-process counter)."""
        return self._generation

    def interrupt(self) -> None:
        self.session.sparkContext.cancelAllJobs()

    @contextlib.contextmanager
    def prompt_interrupts(self, **_options: Any) -> Iterator[None]:
        yield

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        yield

    def table_exists(self, name: str) -> bool:
        return name in self._views or name in self._registered

    def table_names(self) -> list[str]:
        return sorted(set(self._views) | self._registered)

    def columns(self, name: str) -> list[str]:
        if not self.table_exists(name):
            raise WorkspaceError(f"no table {name}")
        return list(self.table(name).columns)

    def count(self, table: str) -> int:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", table):
            raise WorkspaceError(f"not a table name: {table!r}")
        return int(self.table(table).count())

    @property
    def lock(self) -> threading.RLock:
        return self._lock

    def close(self) -> None:
        if self._closed:
            return
        for name in list(self._views) + list(self._registered):
            with contextlib.suppress(Exception):
                self.session.catalog.dropTempView(name)
        self._closed = True
        self._leases.release()  # our versions may go now, at the next writer's write
        if self._temporary:
            shutil.rmtree(self._root, ignore_errors=True)

    def __enter__(self) -> SparkStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        where = str(self.folder) if self.folder else "temporary"
        return f"<SparkStore {where} ({len(self._views)} tables, master {self.session.sparkContext.master})>"


def _pandas(table: pa.Table) -> pd.DataFrame:
    """Arrow → pandas as DuckDB's ``.df()`` does it: integers with NULLs as nullable ``Int64``, not floats."""
    frame = table.to_pandas(date_as_object=False)
    for i, field in enumerate(table.schema):
        if pa.types.is_integer(field.type) and table.column(i).null_count:
            frame[field.name] = table.column(i).to_pandas(types_mapper=lambda _t: pd.Int64Dtype())
    return frame


def _partitioned(name: str, frame):  # noqa: ANN001, ANN202 - pyspark DataFrames
    """``frame`` with its partition columns (``month`` computed from ``date``) and their names."""
    from pyspark.sql import functions as F

    partitions = [c for c in PARTITION_COLUMNS.get(name, ()) if c in frame.columns or c == "month"]
    if "month" in partitions:
        if "date" not in frame.columns:
            partitions.remove("month")
        else:
            frame = frame.withColumn("month", F.date_format(F.col("date"), "yyyy-MM"))
    return frame, partitions


def _move_partitions(staging: Path, target: Path) -> None:
    """Move every partition directory (and file) of ``staging`` into ``target``, merging directories."""
    for child in staging.iterdir():
        if child.name.startswith(("_", ".")):
            continue  # _SUCCESS, checksums
        destination = target / child.name
        if child.is_dir() and destination.exists():
            _move_partitions(child, destination)
        else:
            child.rename(destination)


def _null_of(field):  # noqa: ANN001, ANN202 - a pyspark StructField
    from pyspark.sql import functions as F

    return F.lit(None).cast(field.dataType).alias(field.name)
