"""Writers for the demo files: CSV in each source's encoding, and the Parquet mention truth.

Files are written into a hidden staging folder and moved into place only when everything is done, so
an interrupted run never leaves a half-written dataset that looks complete.
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

__all__ = ["CsvSink", "Staging", "MENTION_SCHEMA"]

MENTION_SCHEMA = pa.schema([
    ("file", pa.string()), ("record_id", pa.string()), ("line", pa.int64()), ("role", pa.string()),
    ("name", pa.string()), ("entity_id", pa.string()),
])


class CsvSink:
    """Append Arrow tables to one CSV file: header once, given encoding, optional UTF-8 BOM."""

    def __init__(self, path: Path, encoding: str = "utf-8", bom: bool = False):
        self.path, self.encoding = path, encoding
        self.handle = open(path, "wb")  # noqa: SIM115 - closed in close()
        if bom:
            self.handle.write(b"\xef\xbb\xbf")
        self.header_written = False
        self.rows = 0

    def _bytes(self, table: pa.Table) -> bytes:
        buffer = io.BytesIO()
        pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=not self.header_written))
        self.header_written = True
        data = buffer.getvalue()
        return data if self.encoding == "utf-8" else data.decode("utf-8").encode(self.encoding)

    def write(self, table: pa.Table, ragged_at: int | None = None) -> None:
        """Write ``table``; the row at ``ragged_at`` gets two surplus fields (a deliberately bad line)."""
        if ragged_at is None:
            self.handle.write(self._bytes(table))
        else:
            self.handle.write(self._bytes(table.slice(0, ragged_at)))
            line = self._bytes(table.slice(ragged_at, 1)).rstrip(b"\n")
            self.handle.write(line + b',"SURPLUS FIELD","SEE ATTACHED"\n')
            self.handle.write(self._bytes(table.slice(ragged_at + 1)))
        self.rows += table.num_rows

    def close(self) -> None:
        if not self.header_written:
            self.handle.write(b"")
        self.handle.close()


class Staging:
    """A staging folder inside ``out_dir``; :meth:`commit` moves its files into ``out_dir``."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.path = out_dir / ".tracekit-demo-partial"
        out_dir.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir()

    def file(self, name: str) -> Path:
        return self.path / name

    def parquet(self, name: str) -> pq.ParquetWriter:
        return pq.ParquetWriter(self.path / name, MENTION_SCHEMA, compression="zstd")

    def commit(self) -> list[Path]:
        moved = []
        for item in sorted(self.path.iterdir()):
            target = self.out_dir / item.name
            os.replace(item, target)
            moved.append(target)
        self.path.rmdir()
        return moved

    def abandon(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
