"""A bounded sample of a source's rows (start, middle and end of a file), as an all-text Arrow table.

The automatic mapping and ``ws.preview`` judge columns from this sample, so a mapping never scans a
whole file: at most three slices of 512 KiB are read, whatever the file's size. Rows that do not split
into as many fields as the header are left out of the sample (the load itself quarantines them).
"""

from __future__ import annotations

import csv
import io

import pyarrow as pa

from tracekit.ingest.content import SAMPLE_ROWS
from tracekit.ingest.sources import Source, TextLayout, read_head

__all__ = ["text_sample", "table_sample", "first_values"]

_SLICE = 512 << 10


def _slices(source: Source) -> list[bytes]:
    """Start, middle and end of an uncompressed file (whole lines only); the start of anything else."""
    if source.member is None and source.compression is None and source.path is not None:
        total = source.path.stat().st_size
        with open(source.path, "rb") as handle:
            if total <= 3 * _SLICE:
                return [handle.read()]
            parts = []
            for offset in (0, total // 2, total - _SLICE):
                handle.seek(offset)
                chunk = handle.read(_SLICE)
                if offset:
                    chunk = chunk[chunk.find(b"\n") + 1:]
                if offset + _SLICE < total:
                    chunk = chunk[: chunk.rfind(b"\n") + 1]
                parts.append(chunk)
            return parts
    data = read_head(source, 3 * _SLICE)  # a cut archive gives what reads; the load reports the cut
    return [data if len(data) < 3 * _SLICE else data[: data.rfind(b"\n") + 1]]


def text_sample(source: Source, layout: TextLayout, rows: int = SAMPLE_ROWS) -> pa.Table:
    """Up to ``rows`` rows of a delimited text source (a third from each slice), every column as text."""
    width = len(layout.names)
    parts = _slices(source)
    kept: list[list[str]] = []
    per_slice = max(1, rows // len(parts))
    for i, part in enumerate(parts):
        text = part.decode(layout.encoding, "replace").lstrip("\ufeff")
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=layout.delimiter)
        if i == 0:
            next(reader, None)  # the header
        taken = 0
        try:
            for record in reader:
                if len(record) == width:
                    kept.append(record)
                    taken += 1
                    if taken >= per_slice:
                        break
        except csv.Error:
            pass  # a cut or broken record ends this slice; the load reports it properly
    columns = {f"c{j}": pa.array([r[j] for r in kept], pa.string()) for j in range(width)}
    return pa.table(columns).rename_columns(layout.names)


def table_sample(table: pa.Table, names: list[str], rows: int = SAMPLE_ROWS) -> pa.Table:
    """The first ``rows`` rows of an all-text table (DataFrames, spreadsheets), source columns only."""
    return table.select(names).slice(0, rows)


def first_values(table: pa.Table, column: str, count: int = 3) -> list[str]:
    """The first ``count`` distinct non-empty values of a column, in row order."""
    out: list[str] = []
    for value in table.column(column).to_pylist():
        if value is not None and value.strip() and value not in out:
            out.append(value)
            if len(out) == count:
                break
    return out
