"""Normalising one source's raw table into ``shipments``, ``party_mentions`` and ``quarantine``.

One pass normalises the raw rows straight into ``shipments`` (no staging copy). The rows it left out
(a problem, or a repeated record id) are found by an anti-join and normalised again, alone, to file
them in ``quarantine`` with reason, column, detail and raw text: every row lands in exactly one of the
two by construction, and a count check proves it. Party mentions are read back from the new shipments.
All SQL comes from :mod:`tracekit.ingest.plan`; this module runs it, inside the caller's transaction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import duckdb
import pyarrow as pa

from tracekit.ingest.codes import COUNTRY_TABLE, country_table
from tracekit.ingest.evidence import Declaration
from tracekit.ingest.gazetteer import GAZETTEER_KEYS, gazetteer_file, gazetteer_read_sql
from tracekit.ingest.mapping import Mapping
from tracekit.ingest.plan import StagePlan, country_sources, filled_fields, quote_ident
from tracekit.store.engine import Store, quote_literal
from tracekit.store.load_rows import (  # one definition for both engines (the Spark load uses them too)
    day_orders as _day_orders,
)
from tracekit.store.load_rows import (
    derived_country_notes as _derived_country_notes,
)
from tracekit.store.load_rows import (
    duplicates_sql,
    left_out_sql,
    loaded_rows_sql,
    party_roles,
    quarantine_rows_sql,
    reconcile,
)
from tracekit.store.load_rows import (
    warn as _warn,
)
from tracekit.store.mentions import defer, mark_pending, write_mentions
from tracekit.store.report import SourceReport
from tracekit.store.shipment_tables import create_source_table, rebuild_view, rows_for

__all__ = ["write_rows", "finish_rows", "quarantine_left_out", "ensure_country_table", "ensure_gazetteer_table", "load_settings"]


def ensure_country_table(store: Store) -> None:
    if not store.table_exists(COUNTRY_TABLE):
        keys = country_table()
        table = pa.table({"key": list(keys), "alpha2": list(keys.values())})
        with store.registered("tk_country_incoming", table):
            store.execute(f"CREATE TEMP TABLE {COUNTRY_TABLE} AS SELECT * FROM tk_country_incoming")  # noqa: S608


def ensure_gazetteer_table(store: Store) -> None:
    """Register the place-name gazetteer (:mod:`tracekit.ingest.gazetteer`) for this connection."""
    if not store.table_exists(GAZETTEER_KEYS):
        with gazetteer_file() as path:
            store.execute(f"CREATE TEMP TABLE {GAZETTEER_KEYS} AS {gazetteer_read_sql(str(path))}")


_LOAD_SETTINGS = ("preserve_insertion_order", "disabled_optimizers", "enable_progress_bar", "memory_limit")
LOAD_MEMORY_LIMIT = 1 << 30
"""Bytes the engine may hold during a load (less when the session's own limit is lower); beyond it, its
joins and aggregates spill to the engine's temporary folder (``tracekit.duckdb.tmp`` in the workspace
folder). Without it the engine takes up to 80 % of the machine's memory for the party mentions' joins
(6.6 GB at 10M rows) where 1 GB costs no time."""


@contextlib.contextmanager
def load_settings(store: Store) -> Iterator[None]:
    """Put back the engine settings a load changes once its transaction has ended.

    Wrap the transaction in this (not the other way round): after an error or Ctrl-C the transaction is
    aborted and takes no statement until rolled back, so settings can only be restored after it. The
    engine's own per-statement progress bars stay off meanwhile: the load shows one bar of its own
    (or none, when asked for none). The engine's memory is capped at :data:`LOAD_MEMORY_LIMIT`. (The
    temporary folder is left alone: the engine refuses to move it once it has spilled there.)
    """
    before = {k: store.scalar(f"SELECT current_setting('{k}')") for k in _LOAD_SETTINGS}
    store.execute("SET enable_progress_bar = false")
    with contextlib.suppress(duckdb.Error):  # a session holding more than that already: no cap
        store.execute(f"SET memory_limit = '{min(LOAD_MEMORY_LIMIT, _bytes(str(before['memory_limit'])))}B'")
    try:
        yield
    finally:
        for key, value in before.items():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            if key == "memory_limit":  # shown rounded: the default is put back exactly by RESET
                store.execute("RESET memory_limit")
                if str(store.scalar("SELECT current_setting('memory_limit')")) == text:
                    continue
            store.execute(f"SET {key} = {quote_literal(text)}")


def _bytes(setting: str) -> int:
    """Bytes of a memory setting as the engine shows it.

    Examples
    --------
    >>> _bytes("18.8 GiB"), _bytes("512.0 MiB"), _bytes("1000 bytes"), _bytes("-1")
    (20186346291, 536870912, 1000, 1073741824)
    """
    number, _, unit = setting.partition(" ")
    scale = {"bytes": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40,
             "KB": 1000, "MB": 10**6, "GB": 10**9, "TB": 10**12}.get(unit)
    try:
        value = float(number) * scale if scale else -1
    except ValueError:
        value = -1
    return int(value) if value > 0 else LOAD_MEMORY_LIMIT


def _insert_with_filter_above(store: Store, sql: str) -> int:
    """Run an INSERT over the stage with DuckDB's filter pushdown off; returns the rows inserted.

    Pushdown would inline every normaliser ``WHERE reason IS NULL`` reads (dates, weights, HS codes)
    into a filter below the stage projection, computing each twice: the main pass costs ~1.7x more
    with it. Only this statement goes without; other scans want their filters pushed. (On an error
    the setting is put back by :func:`load_settings`.)
    """
    disabled = store.scalar("SELECT current_setting('disabled_optimizers')")
    store.execute(f"SET disabled_optimizers = {quote_literal(','.join(filter(None, [disabled, 'filter_pushdown'])))}")
    inserted = int(store.rows(sql)[0][0])
    store.execute(f"SET disabled_optimizers = {quote_literal(disabled)}")
    return inserted


def _duplicates(store: Store, plan: StagePlan) -> None:
    """``tk_dups``: (line, first_line) of rows repeating a record id already on a clean earlier row.

    Only ids that occur more than once are normalised again (usually none), so this costs one group-by.
    """
    store.execute("DROP TABLE IF EXISTS tk_dups")
    sql = duplicates_sql(plan)
    store.execute(f"CREATE TEMP TABLE tk_dups AS {sql}" if sql else "CREATE TEMP TABLE tk_dups (line BIGINT, first_line BIGINT)")


def write_rows(store: Store, *, source_id: int, raw: str, mapping: Mapping, source_name: str, excel_serials: bool,
               delimiter: str, rejects: list[tuple], reject_physical: dict[int, int], report: SourceReport,
               step: Callable[[str], None] = lambda _: None, declaration: Declaration | None = None,
               mentions: str = "auto") -> None:
    """Normalise, quarantine and write one source's rows (inside its transaction).

    One pass normalises the raw rows straight into the table behind ``shipments`` that
    :func:`~tracekit.store.shipment_tables.rows_for` chooses (no staging copy); the rows it left
    out (a problem, or a repeated record id) are found by an anti-join and normalised again, alone, to
    file them in ``quarantine`` with reason, column, detail and raw text. So every row lands in exactly
    one of the two by construction, and the count check below proves it.
    """
    orders, report.date_order = _day_orders(store, raw, mapping)
    plan = StagePlan(raw, mapping, orders, excel_serials=excel_serials)
    # Rows may be written in any order (each carries its line); put back by load_settings.
    store.execute("SET preserve_insertion_order = false")
    step("normalising")
    _duplicates(store, plan)
    # a large source: a table of its own, of the fields its mapping fills, then the view; else the base
    # table (store/shipment_tables.py)
    at = rows_for(store, source_id, rows=int(store.count(raw)))
    if at.own:
        filled = filled_fields(plan)
        create_source_table(store, source_id, filled)
        columns = ", ".join(["shipment_id", "line", *(quote_ident(f) for f in filled)])
        insert = f"INSERT INTO {at.table} ({columns}) SELECT {columns} FROM ({loaded_rows_sql(plan, source_id)})"  # noqa: S608
    else:
        insert = f"INSERT INTO {at.table} BY NAME {loaded_rows_sql(plan, source_id)}"
    report.rows_loaded = _insert_with_filter_above(store, insert)
    if at.own:
        rebuild_view(store)
    step("quarantine")
    store.execute("DROP TABLE IF EXISTS tk_left_out")
    store.execute(f"CREATE TEMP TABLE tk_left_out AS {left_out_sql(raw, source_id)}")
    quarantine_left_out(store, plan, source_id, source_name, [c for c in store.columns(raw) if c != "line"],
                        delimiter)
    _warn(store, plan, report)
    store.execute("DROP TABLE tk_left_out; DROP TABLE tk_dups")
    finish_rows(store, mapping=mapping, source_id=source_id, source_name=source_name, rejects=rejects,
                reject_physical=reject_physical, report=report, step=step, declaration=declaration,
                rows_read=int(store.count(raw)) + len(rejects), mentions=mentions)


def quarantine_left_out(store: Store, plan: StagePlan, source_id: int, source_name: str, raw_cols: list[str],
                        delimiter: str) -> None:
    """File the rows of ``tk_left_out`` (raw columns + ``line``) in ``quarantine``: normalised again, alone,
    for their reason, column and detail; ``tk_dups`` (line, first_line) names the repeated record ids."""
    store.execute(f"INSERT INTO quarantine {quarantine_rows_sql(plan, source_id, source_name, raw_cols, delimiter)}")


def finish_rows(store: Store, *, mapping: Mapping, source_id: int, source_name: str, rejects: list[tuple],
                reject_physical: dict[int, int], report: SourceReport, rows_read: int,
                step: Callable[[str], None] = lambda _: None, declaration: Declaration | None = None,
                mentions: str = "auto") -> None:
    """After ``shipments`` holds the source's loaded rows: party mentions (written now, or recorded as
    pending under ``mentions``: :func:`tracekit.store.mentions.defer`), the reader's rejects, notes, and
    the check that read = loaded + quarantined."""
    roles = party_roles(mapping)
    if roles and defer(mentions, rows_read):
        mark_pending(store, source_id, roles, country_sources(mapping), declaration)
        report.mentions_pending = True
    elif roles:
        step("party mentions")
        write_mentions(store, source_id, roles, country_sources(mapping), declaration, report)
    _insert_rejects(store, source_id, quote_literal(source_name), rejects, reject_physical)
    if notes := _derived_country_notes(store, mapping, source_id):
        report.notes.extend(notes)
    reconcile(store, report, source_id, source_name, rows_read)


def _insert_rejects(store: Store, source_id: int, name: str, rejects: list[tuple],
                    reject_physical: dict[int, int]) -> None:
    """Lines the CSV reader itself rejected (ragged, bad bytes, broken quoting), at their physical line."""
    if not rejects:
        return
    table = pa.table({
        "line": pa.array([reject_physical.get(r[0], r[0]) for r in rejects], pa.int64()),
        "reason": [r[1] for r in rejects], "col": [r[2] for r in rejects],
        "detail": [r[3] for r in rejects], "raw_text": [r[4] for r in rejects]})
    with store.registered("tk_reject_rows", table):
        store.execute(f"INSERT INTO quarantine SELECT {source_id}, {name}, line, col, reason, detail, "  # noqa: S608
                      "raw_text FROM tk_reject_rows")
