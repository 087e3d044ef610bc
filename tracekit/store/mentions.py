"""Party mentions: written by the load, or deferred and written at first use by the one hook below.

Every shipment gives up to three mentions (shipper, consignee, notify), each with its country from the
strongest evidence and its locality (:mod:`tracekit.ingest.evidence`, :mod:`tracekit.ingest.gazetteer`).
Writing them costs about as much as reading, normalising and writing the shipments themselves (~9 CPU s
per million rows), so a big source's load records them as *pending* in :data:`PENDING_TABLE` instead
(``ws.load(..., mentions=)``: ``"auto"`` defers from :data:`DEFER_FROM_ROWS` rows), and
:func:`ensure_party_mentions` writes them before anything reads ``party_mentions``.

The hook is called by :class:`~tracekit.store.engine.Store` itself for every statement that names
``party_mentions`` (resolve, graph flags, exports, ``ws.info``, ``ws.sql``, briefs, a Spark
``copy_from``), so no reader can forget it:

* a read-write store (or a read session that may upgrade) writes the pending mentions in one
  transaction with a progress bar; Ctrl-C rolls it back whole and the sources stay pending;
* a read-only store (``--read-only``, ``Workspace(read_only=True)``) cannot write: it builds a temporary
  ``party_mentions`` for its connection (the stored rows plus the pending sources' mentions, computed by
  the same SQL), which shadows the stored table until the workspace changes.
"""

from __future__ import annotations

import json
import re
import sys
from typing import TYPE_CHECKING

from tqdm.auto import tqdm

from tracekit.ingest.evidence import (
    Declaration,
    addresses_sql,
    base_mentions_sql,
    contexts_sql,
    evidence_counts_sql,
    final_mentions_sql,
    places_sql,
    port_countries_sql,
    tail_countries_sql,
)
from tracekit.ingest.gazetteer import place_candidates_sql
from tracekit.store.load_rows import evidence_to_report

if TYPE_CHECKING:
    from tracekit.store.engine import Store
    from tracekit.store.report import SourceReport

__all__ = ["PENDING_TABLE", "DEFER_FROM_ROWS", "MENTION_MODES", "names_mentions", "write_mentions",
           "mark_pending", "pending_sources", "ensure_party_mentions", "defer"]

PENDING_TABLE = "tk_pending_mentions"
"""One row per source whose mentions are not written yet: ``source_id``, ``roles``, ``given`` (JSON: per
role, whether its stored country came from a column or the last address line), and the declaration."""
DEFER_FROM_ROWS = 1_000_000
"""``mentions="auto"``: a source of this many rows (read: loaded + quarantined) or more has its mentions
written at first use."""
MENTION_MODES = ("auto", "now", "deferred")
_PROGRESS_FROM_ROWS = 200_000  # below this a materialisation is quick: no bar
_NAMES_MENTIONS = re.compile(r"party_mentions", re.IGNORECASE)
_TEMPS = ("tk_maddr", "tk_mtail", "tk_mctx", "tk_mcand", "tk_mplace", "tk_mport")


def names_mentions(sql: str) -> bool:
    """Whether a statement may read ``party_mentions`` (its text names the table)."""
    return _NAMES_MENTIONS.search(sql) is not None


def defer(mode: str, rows: int) -> bool:
    """Whether a load of ``rows`` rows leaves its mentions pending under ``mode``.

    Examples
    --------
    >>> defer("auto", 999_999), defer("auto", 1_000_000), defer("now", 10**8), defer("deferred", 1)
    (False, True, False, True)
    """
    if mode not in MENTION_MODES:
        from tracekit.errors import SourceError

        raise SourceError(f"mentions={mode!r}: choose 'auto', 'now' or 'deferred'")
    return mode == "deferred" or (mode == "auto" and rows >= DEFER_FROM_ROWS)


def write_mentions(store: Store, source_id: int, roles: list[str], given: dict[str, str],
                   declaration: Declaration | None, report: SourceReport | None = None) -> None:
    """Party mentions of a source's shipments, each with its country from the strongest evidence and its
    locality, inserted into ``party_mentions`` (inside the caller's transaction).

    Set-based throughout (:mod:`tracekit.ingest.evidence`): addresses, address endings, segments and
    ports are read once per distinct text, then joined back to the mentions. With a ``report`` the
    evidence is counted too (mentions per country source, localities, conflicts).
    """
    base = f"({base_mentions_sql(None, source_id, roles, given, declaration)})"  # read from shipments each time
    store.execute(f"CREATE OR REPLACE TEMP TABLE tk_maddr AS {addresses_sql(base)}")
    store.execute(f"CREATE OR REPLACE TEMP TABLE tk_mtail AS {tail_countries_sql('tk_maddr')}")
    store.execute(f"CREATE OR REPLACE TEMP TABLE tk_mctx AS {contexts_sql('tk_maddr', 'tk_mtail')}")
    for statement in place_candidates_sql("tk_maddr", "tk_mctx", "tk_mcand"):
        store.execute(statement)
    store.execute(f"CREATE OR REPLACE TEMP TABLE tk_mplace AS {places_sql('tk_mctx', 'tk_mcand')}")
    store.execute(f"CREATE OR REPLACE TEMP TABLE tk_mport AS {port_countries_sql(base)}")
    store.execute("INSERT INTO party_mentions BY NAME "
                  + final_mentions_sql(base, "tk_mplace", "tk_mport", attributes=True))
    if report is not None:
        evidence_to_report(report, store.rows(
            evidence_counts_sql(f"({final_mentions_sql(base, 'tk_mplace', 'tk_mport')})"))[0])
    store.execute("; ".join(f"DROP TABLE {t}" for t in _TEMPS))


def _ensure_pending_table(store: Store) -> None:
    store.execute(f"CREATE TABLE IF NOT EXISTS {PENDING_TABLE} (source_id INTEGER, roles VARCHAR[], "
                  "given VARCHAR, declaring_country VARCHAR, declaration VARCHAR)")


def mark_pending(store: Store, source_id: int, roles: list[str], given: dict[str, str],
                 declaration: Declaration | None) -> None:
    """Record that a source's mentions are still to be written (inside the load's transaction)."""
    _ensure_pending_table(store)
    store.execute(f"INSERT INTO {PENDING_TABLE} VALUES (?, ?, ?, ?, ?)",  # noqa: S608
                  [source_id, roles, json.dumps(given), declaration.country if declaration else None,
                   declaration.kind if declaration else None])


def pending_sources(store: Store) -> list[tuple[int, list[str], dict[str, str], Declaration | None]]:
    """The sources whose mentions are pending, in source order (none when the table does not exist)."""
    if not store.scalar(f"SELECT count(*) FROM duckdb_tables() WHERE table_name = '{PENDING_TABLE}' "  # noqa: S608
                        "AND NOT temporary"):
        return []
    rows = store.rows(f"SELECT source_id, roles, given, declaring_country, declaration FROM {PENDING_TABLE} "  # noqa: S608
                      "ORDER BY source_id")
    return [(int(s), list(roles), json.loads(given), Declaration(c, k) if c else None)
            for s, roles, given, c, k in rows]


def forget_pending(store: Store, source_id: int) -> None:
    """A source deleted: nothing of it is pending any more (inside the caller's transaction)."""
    if store.scalar(f"SELECT count(*) FROM duckdb_tables() WHERE table_name = '{PENDING_TABLE}' "  # noqa: S608
                    "AND NOT temporary"):
        store.execute(f"DELETE FROM {PENDING_TABLE} WHERE source_id = ?", [source_id])  # noqa: S608


def _pending_rows(store: Store, pending: list) -> int:
    ids = ", ".join(str(p[0]) for p in pending)
    return int(store.scalar(f"SELECT count(*) FROM shipments WHERE source_id IN ({ids})"))  # noqa: S608


def ensure_party_mentions(store: Store, *, progress: bool = True) -> int:
    """Write the mentions of every source whose load left them pending; returns how many sources.

    Called by the store before any statement naming ``party_mentions`` (see the module docstring).
    Read-write: one transaction for all pending sources (Ctrl-C or an error rolls it back; they stay
    pending). Read-only: a temporary ``party_mentions`` for this connection, rebuilt when the workspace
    changes. A no-op (one catalogue query) when nothing is pending.
    """
    if store.mentions_hook_off:
        return 0
    with store.mentions_hook_paused():
        pending = pending_sources(store)
        if not pending:
            if store.mentions_temp_generation is not None:  # written meanwhile by a writer: read the stored ones
                store.execute("DROP TABLE IF EXISTS temp.party_mentions")
                store.mentions_temp_generation = None
            return 0
        if store.read_only:
            return _temporary_mentions(store, pending)
        from tracekit.store.write import load_settings

        rows = _pending_rows(store, pending)
        bar = tqdm(pending, desc="party mentions (deferred from the load)", unit="source",
                   disable=not progress or rows < _PROGRESS_FROM_ROWS)
        with store.writing("writing party mentions"):
            if store.in_transaction:  # the caller's transaction (a load replacing a source): join it
                _write_pending(store, bar)
            else:
                with load_settings(store), store.transaction():
                    _write_pending(store, bar)
        bar.close()
        return len(pending)


def _write_pending(store: Store, bar: tqdm) -> None:
    from tracekit.store.write import ensure_country_table, ensure_gazetteer_table

    ensure_country_table(store)
    ensure_gazetteer_table(store)
    # Another process may have written some while this one waited for the workspace.
    still = {p[0] for p in pending_sources(store)}
    for source_id, roles, given, decl in bar:
        if source_id in still:
            write_mentions(store, source_id, roles, given, decl)
            store.execute(f"DELETE FROM {PENDING_TABLE} WHERE source_id = ?", [source_id])  # noqa: S608


def _temporary_mentions(store: Store, pending: list) -> int:
    """Read-only: a temporary ``party_mentions`` (stored rows + pending ones) shadowing the stored table."""
    generation = store.generation
    built = store.scalar("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'party_mentions' AND temporary")
    if built and store.mentions_temp_generation == generation:
        return 0
    from tracekit.store.write import ensure_country_table, ensure_gazetteer_table

    rows = _pending_rows(store, pending)
    if rows >= _PROGRESS_FROM_ROWS:
        print(f"tracekit: the party mentions of {rows:,} shipments are pending and this session is read-only: "
              "computing them for it (a writable open stores them once for every session)", file=sys.stderr)
    ensure_country_table(store)
    ensure_gazetteer_table(store)
    store.execute("DROP TABLE IF EXISTS temp.party_mentions")
    store.execute("CREATE TEMP TABLE party_mentions AS SELECT * FROM main.party_mentions")
    for source_id, roles, given, decl in pending:
        write_mentions(store, source_id, roles, given, decl)
    store.mentions_temp_generation = generation
    return len(pending)
