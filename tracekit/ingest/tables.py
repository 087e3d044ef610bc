"""In-memory sources (DataFrames, Excel sheets) as all-text Arrow tables, the form the store loads.

Every value becomes the text an analyst would have typed: dates as ISO, whole floats without ``.0``
(so an HS code stored as a number does not gain a dot), missing values as null.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pyarrow as pa

from tracekit.errors import SourceError
from tracekit.ingest.sources import clean_names

__all__ = ["cell_text", "frame_to_table", "read_xlsx"]


def cell_text(value: Any) -> str | None:
    """One cell as text.

    Examples
    --------
    >>> cell_text(293339.0), cell_text(12.5), cell_text(None), cell_text(datetime(2024, 1, 12))
    ('293339', '12.5', None, '2024-01-12')
    """
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return text


def _is_missing(value: Any) -> bool:
    try:
        import pandas as pd

        return value is pd.NaT or value is pd.NA or (isinstance(value, float) and math.isnan(value))
    except ImportError:  # pragma: no cover
        return False


def frame_to_table(frame: Any) -> tuple[pa.Table, list[str]]:
    """A DataFrame as an all-text Arrow table with a 1-based ``line`` column; returns (table, names)."""
    names = clean_names([str(c) for c in frame.columns])
    columns = {}
    for name, (_, series) in zip(names, frame.items(), strict=True):
        values = series.tolist()
        columns[name] = pa.array([None if _is_missing(v) else cell_text(v) for v in values], pa.string())
    line = pa.array(range(1, len(frame) + 1), pa.int64())
    return pa.table({"line": line, **columns}), names


def read_xlsx(path: Path, data: bytes | None = None) -> tuple[pa.Table, list[str], list[str]]:
    """First worksheet of an .xlsx file: (table with Excel row numbers as ``line``, names, notes).

    The first non-empty row is the header. Other sheets are named in the notes (load them by saving
    them separately): a workbook is never half-read without saying so.
    """
    from openpyxl import load_workbook

    try:
        import io

        book = load_workbook(io.BytesIO(data) if data is not None else path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise SourceError(f"{path}: not a readable .xlsx workbook ({exc})") from exc
    try:
        sheet = book.worksheets[0]
        notes = [f"sheet {s.title!r} not loaded (only the first sheet is)" for s in book.worksheets[1:]]
        rows = sheet.iter_rows(values_only=True)
        header, header_row = None, 0
        for number, row in enumerate(rows, start=1):
            if any(v is not None and str(v).strip() for v in row):
                header, header_row = row, number
                break
        if header is None:
            raise SourceError(f"{path}: the first sheet is empty")
        names = clean_names(["" if v is None else str(v) for v in header])
        width = len(names)
        lines: list[int] = []
        cells: list[list[str | None]] = [[] for _ in range(width)]
        for number, row in enumerate(rows, start=header_row + 1):
            if not any(v is not None and str(v).strip() for v in row):
                continue
            lines.append(number)
            for i in range(width):
                cells[i].append(cell_text(row[i]) if i < len(row) else None)
            if len(row) > width and any(v is not None for v in row[width:]):
                notes.append(f"row {number} has values beyond the header's {width} columns (ignored)")
    finally:
        book.close()
    table = pa.table({"line": pa.array(lines, pa.int64()),
                      **{n: pa.array(c, pa.string()) for n, c in zip(names, cells, strict=True)}})
    return table, names, notes
