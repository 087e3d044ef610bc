"""Reading sources on Spark for a load: files found, sampled on the driver, read on the executors.

The Spark twin of :mod:`tracekit.store.scan`, for :mod:`tracekit.store.spark_load`:

* **Finding files.** A local path or glob is expanded exactly as the local load expands it
  (:func:`tracekit.ingest.sources.expand_sources`: same files, same order, same names). A path with a
  scheme (``file://``, ``hdfs://``, ``s3a://``, ``abfss://`` …) goes to Hadoop's file system of the
  session unchanged (``globStatus``): the driver never needs the files mounted.
* **Sampling on the driver.** The mapping is decided as the local load decides it, on a bounded sample:
  a local file is sampled in place; a remote one has its start, middle and end (whole lines, at most
  3 × 512 KiB) copied to a local temporary file through Hadoop, which the same sniffer and sampler read.
* **Reading on the executors.** Text is read by Spark's ``text`` source as *bytes* (``CAST(value AS
  BINARY)``: the source copies a line's bytes without decoding), so any encoding that keeps ``\\n`` a
  byte (UTF-8, Latin-1, cp1252, GB18030) is decoded on the executors with the sniffed codec, and
  a line that does not decode is quarantined as ``bad_encoding`` as the local reader does. Each record is
  split with Python's ``csv`` (the delimiter and quote the sniffer found); a record with more or fewer
  fields than the header is ``ragged_line`` (surplus fields that are all empty are padding, dropped as
  DuckDB's reader drops them: ``tests/ingest/test_spark_records_like_duckdb.py``), quoting that cannot be followed is ``malformed_line``; a
  quoted field holding line breaks joins the following lines.
* **Physical line numbers, exactly, without a sort.** Spark splits a file into byte ranges read in
  parallel; every physical line belongs to exactly one split. Each split counts its lines as it parses
  them (``_metadata.file_block_start`` names the split), the driver adds up the (few) per-split totals in
  byte order, and a broadcast join gives every record ``line = lines before its split + its index + 1``:
  the line an analyst opens the file at, as on DuckDB.

Known gap (docs/SCALING.md): a quoted record whose line breaks straddle two splits is quarantined as
``malformed_line`` rather than joined (the local reader, one process over the whole file, joins it).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import glob
import hashlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracekit.errors import SourceError
from tracekit.ingest.sources import Source, TextLayout, _kind_for, expand_sources

__all__ = ["SparkSource", "spark_sources", "remote_sample", "read_text", "read_parquet", "content_hash"]

_SLICE = 512 << 10
_MAX_RECORD_LINES = 1000  # a quote left open longer than this is a broken record, not a long field
_UNSPLITTABLE = {"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}


@dataclass
class SparkSource:
    """One file to load: the :class:`Source` the ingest room knows, and the path Spark reads."""

    source: Source
    uri: str  # what Spark and Hadoop are given
    remote: bool  # a scheme other than a local path: sampled through Hadoop
    # An .xlsx, a zip member or a DataFrame: converted on the driver by the local readers into a file in
    # the workspace that Spark reads (Parquet with the local ``line``; a member's text as extracted)
    # before the load (``uri`` then names that file); ``digest`` is the local load's content hash.
    local: bool = False
    digest: str | None = None


def _has_scheme(text: str) -> bool:
    head, sep, _ = text.partition("://")
    return bool(sep) and head.isalnum() and len(head) > 1


def spark_sources(session: Any, sources: Any) -> list[SparkSource]:
    """The files a load names, in the local load's order; URIs listed by Hadoop (globs expanded there)."""
    items = sources if isinstance(sources, list | tuple) else [sources]
    out: list[SparkSource] = []
    for item in items:
        if hasattr(item, "to_dict") and hasattr(item, "columns"):  # a pandas DataFrame: staged as Parquet
            out.append(SparkSource(Source("frame", "DataFrame", frame=item), "", remote=False, local=True))
            continue
        text = os.fspath(item)
        if not _has_scheme(text):
            for source in expand_sources(text):
                _check_kind(source)
                local = source.kind == "xlsx" or source.member is not None
                out.append(SparkSource(source, "" if local else Path(source.path).resolve().as_uri(),
                                       remote=False, local=local))
            continue
        for uri in _hadoop_glob(session, text):
            name = uri.rsplit("/", 1)[-1]
            kind, compression = _kind_for(name)
            source = Source(kind, uri, path=None, compression=compression)
            _check_kind(source, remote=True)
            out.append(SparkSource(source, uri, remote=True))
    return out


def _check_kind(source: Source, remote: bool = False) -> None:
    if source.member is not None and source.kind == "parquet":  # the local load's words
        raise SourceError(f"{source.name}: Parquet inside a zip archive is not supported; unzip it first")
    if remote and source.kind not in ("text", "parquet"):
        raise SourceError(f"{source.name}: the Spark engine reads CSV/TSV/TXT (optionally .gz) and Parquet from "
                          f"{source.name.split(':', 1)[0]}://; copy {source.kind} files to a local path to load them")


def _hadoop(session: Any, uri: str) -> tuple[Any, Any]:
    jvm = session.sparkContext._jvm  # noqa: SLF001 - Hadoop's FileSystem API, the one every scheme speaks
    path = jvm.org.apache.hadoop.fs.Path(uri)
    return path.getFileSystem(session.sparkContext._jsc.hadoopConfiguration()), path  # noqa: SLF001


def _hadoop_glob(session: Any, pattern: str) -> list[str]:
    fs, path = _hadoop(session, pattern)
    statuses = fs.globStatus(path) if glob.has_magic(pattern) else (
        [fs.getFileStatus(path)] if fs.exists(path) else [])
    files: list[str] = []
    for status in statuses or []:
        if status.isDirectory():
            files.extend(str(s.getPath().toString()) for s in fs.listStatus(status.getPath())
                         if s.isFile() and not s.getPath().getName().startswith(("_", ".")))
        else:
            files.append(str(status.getPath().toString()))
    if not files:
        raise SourceError(f"no file matches {pattern!r}")
    return sorted(files)


@contextlib.contextmanager
def remote_sample(session: Any, item: SparkSource) -> Iterator[Source]:
    """A local :class:`Source` holding the start, middle and end of a remote file (whole lines), named as
    the remote file, for the ingest room's sniffer and sampler."""
    fs, path = _hadoop(session, item.uri)
    size = int(fs.getFileStatus(path).getLen())
    stream = fs.open(path)
    try:
        if item.source.compression == "gzip" or size <= 3 * _SLICE:
            data = _read_at(stream, 0, min(size, 3 * _SLICE) if item.source.compression is None else size)
            parts = [data]
        else:
            parts = []
            for offset in (0, size // 2, size - _SLICE):
                chunk = _read_at(stream, offset, _SLICE)
                if offset:
                    chunk = chunk[chunk.find(b"\n") + 1:]
                if offset + _SLICE < size:
                    chunk = chunk[: chunk.rfind(b"\n") + 1]
                parts.append(chunk)
    finally:
        stream.close()
    suffix = "".join(Path(item.uri.rsplit("/", 1)[-1]).suffixes[-2:])
    with tempfile.TemporaryDirectory(prefix="tracekit-sample-") as folder:
        local = Path(folder) / f"sample{suffix}"
        local.write_bytes(b"".join(parts))
        yield Source(item.source.kind, item.source.name, path=local, compression=item.source.compression)


def _read_at(stream: Any, offset: int, length: int) -> bytes:
    """``length`` bytes from ``offset`` of a Hadoop stream (fewer at the end). Java returns the array: a
    Python buffer handed to ``read(byte[])`` would be copied by py4j and stay empty."""
    stream.seek(offset)
    return bytes(stream.readNBytes(int(length)))


def _local_path(uri: str) -> Path | None:
    """The local file a ``file:`` URI names, when the driver can read it (then it is hashed like a path)."""
    if not uri.startswith("file:"):
        return None
    from urllib.parse import unquote, urlparse

    path = Path(unquote(urlparse(uri).path))
    return path if path.is_file() else None


def content_hash(session: Any, item: SparkSource) -> str:
    """The source's ``content_hash``: the SHA-256 of its bytes for a local file or ``file:`` URI (the local load's value,
    so the same file is recognised on both engines); for a remote file Hadoop's checksum when the file
    system keeps one, else its length and modification time (reading a cluster's file whole on the
    driver to hash it would defeat the point)."""
    if item.digest is not None:
        return item.digest  # converted locally: the local load's own hash
    local = item.source.path if not item.remote else _local_path(item.uri)
    if local is not None:
        digest = hashlib.sha256()
        with open(local, "rb") as handle:
            while chunk := handle.read(4 << 20):
                digest.update(chunk)
        return digest.hexdigest()
    fs, path = _hadoop(session, item.uri)
    checksum = fs.getFileChecksum(path)
    if checksum is not None:
        return f"hadoop:{checksum.getAlgorithmName()}:{bytes(checksum.getBytes()).hex()}"
    status = fs.getFileStatus(path)
    return f"hadoop:length={status.getLen()}:mtime={status.getModificationTime()}"


# -- text on the executors -----------------------------------------------------------------------------

def parsed_schema(width: int) -> str:
    fields = ", ".join(f"c{i} STRING" for i in range(width))
    return (f"path STRING, block BIGINT, k BIGINT, n BIGINT, kind STRING, {fields}, reason STRING, col STRING, "
            "detail STRING, raw_text STRING")


class _Records:
    """Physical lines → records, on the executors: decode, join a quoted field's line breaks, split, judge."""

    def __init__(self, layout: TextLayout):
        self.encoding, self.delimiter = layout.encoding, layout.delimiter
        self.width = len(layout.names)
        self.names = list(layout.names)
        self.codec = codecs.lookup(layout.encoding).name
        self.columns = ["path", "block", "k", "n", "kind", *[f"c{i}" for i in range(self.width)], "reason", "col",
                        "detail", "raw_text"]

    def decode(self, data: bytes) -> tuple[str, bool]:
        try:
            return data.decode(self.codec), True
        except UnicodeDecodeError:
            return data.decode(self.codec, "replace"), False

    def _set_aside(self, block: tuple, k: int, n: int, reason: str, detail: str, text: str) -> tuple:
        return (*block, k, n, "reject", *([None] * self.width), reason, None, f"{reason}: {detail}", text)

    def _ragged(self, block: tuple, k: int, n: int, found: int, text: str) -> tuple:
        """DuckDB's words, said once with the fields found (as the local load's ``scan._reject_detail``),
        or the first missing column named."""
        if found > self.width:
            detail = f"ragged_line: Expected Number of Columns: {self.width} Found: {found}"
            column = None
        else:
            detail = f"ragged_line: Expected Number of Columns: {self.width} Found: {found}"
            column = self.names[found]
        return (*block, k, n, "reject", *([None] * self.width), "ragged_line", column, detail, text)

    def record(self, block: tuple, k: int, texts: list[str], ok: bool, first: bool) -> tuple:
        """One record (of ``len(texts)`` physical lines) as an output row."""
        n, text = len(texts), "\n".join(texts)
        if first:
            text = text.lstrip("\ufeff")
        if not ok:
            return self._set_aside(block, k, n, "bad_encoding", f"bytes that are not valid {self.encoding}", text)
        if first:
            return (*block, k, n, "header", *([None] * self.width), None, None, None, None)
        try:
            fields = next(csv.reader([text], delimiter=self.delimiter, quotechar='"', doublequote=True, strict=True))
        except (csv.Error, StopIteration) as exc:
            return self._set_aside(block, k, n, "malformed_line", str(exc), text)
        if len(fields) > self.width and not any(fields[self.width:]):
            # DuckDB's reader (the local load) takes a line whose surplus fields are all empty (`a,b,c,,,`,
            # spreadsheet exports pad rows so) as the row it holds: nothing is in the surplus to lose
            fields = fields[:self.width]
        if len(fields) != self.width:
            return self._ragged(block, k, n, len(fields), text)
        return (*block, k, n, "row", *[f if f != "" else None for f in fields], None, None, None, None)

    def unclosed(self, block: tuple, k: int, texts: list[str]) -> tuple:
        return self._set_aside(block, k, len(texts), "malformed_line", "a quoted field is never closed",
                               "\n".join(texts))

    def __call__(self, frames):  # noqa: ANN001, ANN204 - mapInPandas: runs on the executors
        import pandas as pd

        counters: dict[tuple, int] = {}
        pending: list[Any] = []  # [(path, block), k, texts, ok] of a record whose quote is still open
        for frame in frames:
            rows: list[tuple] = []
            for data, path, start in zip(frame["b"], frame["path"], frame["block"], strict=True):
                block = (str(path), int(start))  # a split: many files may share a task
                k = counters.get(block, 0)
                counters[block] = k + 1
                text, ok = self.decode(bytes(data))
                if pending and pending[0] != block:  # a record left open at the end of its split
                    rows.append(self.unclosed(*pending[:3]))
                    pending = []
                if pending:
                    pending[2].append(text)
                    pending[3] = pending[3] and ok
                    if "\n".join(pending[2]).count('"') % 2 == 0 or len(pending[2]) >= _MAX_RECORD_LINES:
                        rows.append(self.record(pending[0], pending[1], pending[2], pending[3], first=False))
                        pending = []
                    continue
                first = block[1] == 0 and k == 0
                if text == "" and not first:
                    rows.append((*block, k, 1, "blank", *([None] * self.width), None, None, None, None))
                elif ok and not first and text.count('"') % 2 == 1:
                    pending = [block, k, [text], ok]
                else:
                    rows.append(self.record(block, k, [text], ok, first))
            if rows:
                yield pd.DataFrame(rows, columns=self.columns)
        if pending:
            yield pd.DataFrame([self.unclosed(*pending[:3])], columns=self.columns)


def read_text(session: Any, item: SparkSource, layout: TextLayout) -> Any:
    """(every record of one text file with its physical ``line``, the number of records read): see
    :func:`read_texts`."""
    numbered, counts = read_texts(session, [item], layout)
    return numbered.drop("file"), counts[0]


def _same_file(path: str) -> str:
    """A file's URI or path as one comparable text (Spark's ``_metadata.file_path`` escapes what ``as_uri``
    escapes differently, and writes ``file:/x`` for ``file:///x``)."""
    from urllib.parse import unquote, urlparse

    parsed = urlparse(path)
    if parsed.scheme in ("", "file"):
        return unquote(parsed.path)
    return f"{parsed.scheme}://{parsed.netloc}{unquote(parsed.path)}"


def read_texts(session: Any, items: list[SparkSource], layout: TextLayout) -> tuple[Any, list[int]]:
    """Every record of text files of ONE layout, read as one DataFrame (one set of Spark jobs for all of
    them), each with ``file`` (its index in ``items``) and its physical ``line`` in that file; and the
    records read per file.

    A record has a ``kind`` (row, reject, header, blank), the fields ``c0…`` (as text, empty → NULL as
    DuckDB reads them), and for a reject its reason, column, detail and raw text. Parsed once
    (``localCheckpoint``): the caller reads it several times. Records read = rows + rejects (the header and
    blank lines are no records, as on DuckDB)."""
    from pyspark.sql import functions as F

    if codecs.lookup(layout.encoding).name in _UNSPLITTABLE:
        names = ", ".join(i.source.name for i in items)
        raise SourceError(f"{names}: {layout.encoding} text cannot be split into lines by Spark "
                          "(a line break is not one byte there): convert it to UTF-8, or load it with the DuckDB "
                          "engine")
    lines = session.read.text([i.uri for i in items]).select(
        F.col("value").cast("binary").alias("b"), F.col("_metadata.file_path").alias("path"),
        F.col("_metadata.file_block_start").alias("block"))
    parsed = lines.mapInPandas(_Records(layout), schema=parsed_schema(len(layout.names)))
    parsed = parsed.localCheckpoint()
    totals = parsed.groupBy("path", "block", "kind").agg(F.sum("n"), F.count(F.lit(1))).collect()
    index = {_same_file(item.uri): i for i, item in enumerate(items)}
    lines_per_block: dict[tuple[str, int], int] = {}
    records = [0] * len(items)
    for path, block, kind, lines_in, count in totals:
        key = (path, int(block))
        lines_per_block[key] = lines_per_block.get(key, 0) + int(lines_in)
        if kind in ("row", "reject"):
            records[_file_index(index, path)] += int(count)
    offsets, before = [], {}
    for path, block in sorted(lines_per_block, key=lambda pb: (pb[0], pb[1])):
        offsets.append((path, block, _file_index(index, path), before.get(path, 0)))
        before[path] = before.get(path, 0) + lines_per_block[(path, block)]
    starts = session.createDataFrame(offsets or [("", 0, 0, 0)], "path STRING, block BIGINT, file INT, before BIGINT")
    numbered = parsed.join(F.broadcast(starts), ["path", "block"]).withColumn(
        "line", F.col("before") + F.col("k") + F.lit(1)).drop("before", "block", "k", "path")
    return numbered, records


def _file_index(index: dict[str, int], path: str) -> int:
    try:
        return index[_same_file(path)]
    except KeyError:  # a bug (a path Spark spells in a way we do not know), never the user's data
        raise RuntimeError(f"Spark read {path!r}, which is none of the files asked for: {sorted(index)}") from None


def read_parquet(session: Any, item: SparkSource, names: list[str]) -> Any:
    """A Parquet file's rows, every column as text, ``line`` = its row number + 1 (DuckDB's
    ``file_row_number + 1``); a file staged from an .xlsx or a DataFrame brings its own ``line`` (the
    Excel row, the frame's row), as the local load's raw table has it."""
    from pyspark.sql import functions as F

    frame = session.read.parquet(item.uri)
    line = F.col("line") if item.local else F.col("_metadata.row_index") + F.lit(1)
    return frame.select(line.cast("bigint").alias("line"), *[F.col(f"`{n}`").cast("string").alias(n) for n in names])
