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
from dataclasses import replace

import duckdb
import pyarrow as pa

from tracekit.ingest.codes import COUNTRY_TABLE, country_table
from tracekit.ingest.dates import DayOrder, choose_day_order, date_forms_probe_sql, describe_date_forms
from tracekit.ingest.evidence import Declaration
from tracekit.ingest.fields import PARTY_ATTRIBUTES, PARTY_ROLES, field_names
from tracekit.ingest.gazetteer import GAZETTEER_KEYS, gazetteer_file, gazetteer_read_sql
from tracekit.ingest.mapping import Mapping
from tracekit.ingest.plan import (
    WARNING_FLAGS,
    StagePlan,
    country_sources,
    derived_countries,
    quote_ident,
    raw_text_sql,
    stage_sql,
    warning_counts_sql,
)
from tracekit.store.engine import Store, quote_literal
from tracekit.store.mentions import defer, mark_pending, write_mentions
from tracekit.store.report import SourceReport

__all__ = ["write_rows", "finish_rows", "quarantine_left_out", "ensure_country_table", "ensure_gazetteer_table", "load_settings"]


def _day_orders(store: Store, raw: str, mapping: Mapping) -> tuple[dict[str, DayOrder], dict[str, str]]:
    """(day order per date column for the SQL, how each was read for the report)."""
    col = mapping.column("date")
    if not col:
        return {}, {}
    iso, compact, numeric, named, first, second = store.rows(date_forms_probe_sql(quote_ident(col), raw))[0]
    order = choose_day_order(first, second, "MDY" if mapping.kind == "ams" else "DMY")
    return {col: order}, {col: describe_date_forms(order, iso, compact, numeric, named)}


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
    col = plan.mapping.column("record_id")
    if not col:
        store.execute("CREATE TEMP TABLE tk_dups (line BIGINT, first_line BIGINT)")
        return
    rid = f"nullif(trim({quote_ident(col)}), '')"
    repeated = (f"(SELECT * FROM {plan.raw_table} WHERE {rid} IN (SELECT {rid} FROM {plan.raw_table} "  # noqa: S608
                f"GROUP BY {rid} HAVING count(*) > 1))")
    stage = stage_sql(replace(plan, raw_table=repeated))
    store.execute(
        "CREATE TEMP TABLE tk_dups AS SELECT line, first_line FROM ("  # noqa: S608
        f"SELECT line, min(line) OVER (PARTITION BY record_id) AS first_line FROM ({stage}) "
        "WHERE reason IS NULL AND record_id IS NOT NULL) WHERE line > first_line")


def write_rows(store: Store, *, source_id: int, raw: str, mapping: Mapping, source_name: str, excel_serials: bool,
               delimiter: str, rejects: list[tuple], reject_physical: dict[int, int], report: SourceReport,
               step: Callable[[str], None] = lambda _: None, declaration: Declaration | None = None,
               mentions: str = "auto") -> None:
    """Normalise, quarantine and write one source's rows (inside its transaction).

    One pass normalises the raw rows straight into ``shipments`` (no staging copy); the rows it left
    out (a problem, or a repeated record id) are found by an anti-join and normalised again, alone, to
    file them in ``quarantine`` with reason, column, detail and raw text. So every row lands in exactly
    one of the two by construction, and the count check below proves it.
    """
    orders, report.date_order = _day_orders(store, raw, mapping)
    plan = StagePlan(raw, mapping, orders, excel_serials=excel_serials)
    fields = ", ".join(quote_ident(n) for n in field_names())
    # Rows may be written in any order (each carries its line); put back by load_settings.
    store.execute("SET preserve_insertion_order = false")
    step("normalising")
    _duplicates(store, plan)
    report.rows_loaded = _insert_with_filter_above(
        store,
        f"INSERT INTO shipments (shipment_id, source_id, line, {fields}) "  # noqa: S608
        f"SELECT (CAST({source_id} AS BIGINT) << 32) | line, {source_id}, line, {fields} "
        f"FROM ({stage_sql(plan)}) s WHERE reason IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM tk_dups d WHERE d.line = s.line)")
    step("quarantine")
    store.execute("DROP TABLE IF EXISTS tk_left_out")
    store.execute(f"CREATE TEMP TABLE tk_left_out AS SELECT * FROM {raw} r WHERE NOT EXISTS "  # noqa: S608
                  f"(SELECT 1 FROM shipments s WHERE s.source_id = {source_id} AND s.line = r.line)")
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
    record_col = quote_literal(plan.mapping.column("record_id") or "")
    store.execute(
        f"INSERT INTO quarantine SELECT {source_id}, {quote_literal(source_name)}, s.line, "  # noqa: S608
        f"coalesce(s.problem_column, {record_col}), coalesce(s.reason, 'duplicate_record_id'), "
        "coalesce(s.detail, 'duplicate_record_id: first seen on line ' || d.first_line), "
        f"{raw_text_sql(raw_cols, delimiter, 'r')} "
        f"FROM ({stage_sql(replace(plan, raw_table='tk_left_out'))}) s JOIN tk_left_out r ON r.line = s.line "
        "LEFT JOIN tk_dups d ON d.line = s.line")


def finish_rows(store: Store, *, mapping: Mapping, source_id: int, source_name: str, rejects: list[tuple],
                reject_physical: dict[int, int], report: SourceReport, rows_read: int,
                step: Callable[[str], None] = lambda _: None, declaration: Declaration | None = None,
                mentions: str = "auto") -> None:
    """After ``shipments`` holds the source's loaded rows: party mentions (written now, or recorded as
    pending under ``mentions``: :func:`tracekit.store.mentions.defer`), the reader's rejects, notes, and
    the check that read = loaded + quarantined."""
    roles = [r for r in PARTY_ROLES
             if any(f"{r}_{a}" in mapping.columns for a in (*PARTY_ATTRIBUTES, "contact", "name_address"))]
    if roles and defer(mentions, rows_read):
        mark_pending(store, source_id, roles, country_sources(mapping), declaration)
        report.mentions_pending = True
    elif roles:
        step("party mentions")
        write_mentions(store, source_id, roles, country_sources(mapping), declaration, report)
    _insert_rejects(store, source_id, quote_literal(source_name), rejects, reject_physical)
    if notes := _derived_country_notes(store, mapping, source_id):
        report.notes.extend(notes)
    counts = store.rows(
        "SELECT reason, count(*) FROM quarantine WHERE source_id = ? GROUP BY reason ORDER BY reason", [source_id])
    report.quarantine_reasons = {r: int(n) for r, n in counts}
    report.rows_quarantined = sum(report.quarantine_reasons.values())
    report.rows_read = rows_read
    if report.rows_read != report.rows_loaded + report.rows_quarantined:  # a bug, never the user's data
        raise RuntimeError(f"{source_name}: rows read {report.rows_read} != loaded "
                           f"{report.rows_loaded} + quarantined {report.rows_quarantined}")


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


def _warn(store: Store, plan: StagePlan, report: SourceReport) -> None:
    """Count loaded rows whose value was kept but not understood (unknown country, unparsed number…)."""
    flags, sql = warning_counts_sql(plan, "NOT EXISTS (SELECT 1 FROM tk_left_out b WHERE b.line = f.line)")
    counts = store.rows(sql)[0] if flags else []
    report.warnings = {WARNING_FLAGS[k]: int(n) for k, n in zip(flags, counts, strict=True) if n}


def _derived_country_notes(store: Store, mapping: Mapping, source_id: int) -> list[str]:
    derived = derived_countries(mapping)
    if not derived:
        return []
    counts = store.rows(
        f"SELECT {', '.join(f'count({quote_ident(f)})' for f in derived)} FROM shipments "  # noqa: S608
        f"WHERE source_id = {source_id}")[0]
    return [f"{field} taken from the last line of {cols[0]}..{cols[-1]} where it names a country "
            f"({n:,} rows); no {field.split('_')[0]} country column"
            for (field, cols), n in zip(derived.items(), counts, strict=True)]
