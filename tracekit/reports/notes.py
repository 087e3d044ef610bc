"""Method notes of a brief: where the data came from, how it was resolved, and what was NOT loaded.

A reader who bets a decision on a brief needs to know its blind spots: the rows quarantined and why,
the sources that lack a date, description or party column (the load report's loud warnings, recomputed
from each source's stored mapping), the lists the flags and screening used, and the settings of
resolution.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from tracekit import __version__
from tracekit.ingest.mapping import Mapping, missing_field_warnings
from tracekit.reports.case import Case
from tracekit.reports.markup import Html, bullets, heading, key_values, note, table, text
from tracekit.resolve.scoring import WEIGHTS

__all__ = ["method_notes", "source_warnings"]


def source_warnings(mapping_json: str | None) -> list[str]:
    """The load report's missing-field warnings for a source, from its stored mapping.

    Examples
    --------
    >>> source_warnings('{"kind": "dict", "columns": {"shipper_name": ["S"], "consignee_name": ["C"]}}')[0][:15]
    'NO DATE COLUMN:'
    """
    if not mapping_json:
        return ["no mapping was stored for this source"]
    spec = json.loads(mapping_json)
    return missing_field_warnings(Mapping(kind=spec.get("kind", "?"), columns=spec.get("columns", {})))


def _sources(case: Case) -> tuple[Html, list[str]]:
    frame = case.ws.store.df("SELECT source_id, path, format, encoding, rows_read, rows_loaded, rows_quarantined, "
                             "loaded_at, content_hash, mapping_json FROM sources ORDER BY source_id")
    warnings = [f"{path}: {w}" for path, m in zip(frame["path"], frame["mapping_json"], strict=True)
                for w in source_warnings(m)]
    frame = frame.assign(sha256=frame["content_hash"].str.slice(0, 12),
                         loaded=frame["loaded_at"].map(lambda t: str(t)[:19]))
    return table(frame, columns={"path": "file", "format": "format", "encoding": "encoding", "rows_read": "rows read",
                                 "rows_loaded": "loaded", "rows_quarantined": "quarantined", "loaded": "loaded at",
                                 "sha256": "content hash"}, max_rows=100, empty="no source loaded"), warnings


def _quarantine(case: Case) -> Html:
    if not case.ws.store.table_exists("quarantine"):
        return note("no quarantine table")
    frame = case.ws.store.df("SELECT file, reason, count(*) AS rows, min(line) AS first_line FROM quarantine "
                             "GROUP BY file, reason ORDER BY file, rows DESC, reason")
    return table(frame, columns={"file": "file", "reason": "reason", "rows": "rows", "first_line": "first line"},
                 max_rows=100, empty="every row read was loaded: nothing quarantined")


def _resolution(case: Case) -> Html:
    store = case.ws.store
    model = store.df("SELECT * FROM resolve_model WHERE comparison = 'prior'") \
        if store.table_exists("resolve_model") else pd.DataFrame()
    from tracekit.resolve.decisions import DecisionLog

    decisions = DecisionLog(store).all()
    counts = pd.Series([d.action for d in decisions]).value_counts().to_dict() if decisions else {}
    entities = store.scalar("SELECT count(*) FROM entities") if store.table_exists("entities") else 0
    return key_values([
        ("entities", entities),
        ("match threshold (probability)", WEIGHTS.threshold),
        ("cluster link margin", WEIGHTS.link_margin),
        ("match weights", f"estimated by EM on {int(model['pairs'].iloc[0]):,} candidate pairs, prior match rate "
                          f"{float(model['m'].iloc[0]):.3f}" if len(model) else "not estimated (no resolution run)"),
        ("analyst decisions", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"),
    ])


def method_notes(case: Case) -> Html:
    """Data sources, what was not loaded, resolution settings, lists used, parameters."""
    sources, warnings = _sources(case)
    lists = case.ws.watchlists.list()
    screen = case.ws.screen_lists.entries() if case.lists_loaded else pd.DataFrame()
    screened = (screen.groupby(["list_name", "source_file"]).size().reset_index(name="names")
                if len(screen) else pd.DataFrame())
    params = {k: v for k, v in case.parameters.items()}
    parts = [
        heading("Data sources", 4), sources,
        heading("What was not loaded", 4), _quarantine(case),
        (bullets(warnings) if warnings else note("every source has a date, a description and both party columns")),
        heading("Entity resolution", 4), _resolution(case),
        heading("Watch lists (flags)", 4),
        table(lists, columns={"list": "list", "origin": "origin", "file": "file", "terms": "terms"}),
        note(f"selected for this brief: {', '.join(case.watchlists)}" if case.watchlists else
             "every list in force was used"),
        heading("Screening lists (sanctions)", 4),
        table(screened, columns={"list_name": "list", "source_file": "file", "names": "names and aliases"},
              empty="none loaded: sanctions proximity not assessed"),
        heading("This brief", 4),
        key_values([*((k, json.dumps(v, default=str) if not isinstance(v, str) else v) for k, v in params.items()),
                    ("tracekit", __version__),
                    ("generated (UTC)", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"))]),
        Html(f"<p>{text('Every table here is computed from the workspace named above; the executed notebook kept next to this file holds the same tables in full.')}</p>"),
    ]
    return Html("".join(map(str, parts)))
