"""Exports of what the explorer shows: GraphML and GEXF (Gephi), evidence CSV (formula-safe).

The graph writers live in :mod:`tracekit.query.graph_files` (``ws.export`` and ``tracekit export`` use
them too); they are re-exported here for the explorer.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tracekit.query.graph_files import exportable_graph, write_gexf, write_graphml
from tracekit.query.results import csv_safe, safe_frame

__all__ = ["exportable_graph", "write_graphml", "write_gexf", "write_evidence_csv"]


def write_evidence_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write an evidence table as CSV; text starting ``= + - @``, tab or CR is made inert.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "e.csv"
    >>> _ = write_evidence_csv(pd.DataFrame({"shipper": ["=cmd|' /C calc'!A0"]}), p)
    >>> p.read_text().splitlines()[1].startswith("'=cmd")
    True
    """
    path = Path(path)
    frame = safe_frame(frame)
    frame.columns = [csv_safe(str(c)) for c in frame.columns]
    frame.to_csv(path, index=False)
    return path
