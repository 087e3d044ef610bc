"""Provenance without a copy: a file's hash, its line count and a sparse index of line byte offsets.

A plain UTF-8 delimited file loaded in one pass keeps no raw table. To give an analyst a row's exact
text back, the workspace stores the file's path, size, modification time, sha256 and the byte offset
of every :data:`LINE_STEP`-th line (2,442 numbers for 10M lines). Reading line N seeks to the
offset at or before it and reads at most ``LINE_STEP`` lines forward. One pass over the bytes,
while the engine scans the file, computes all of it (hashlib and numpy release the GIL).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = ["LINE_STEP", "IndexedFingerprint", "IndexCancelled", "index_file", "read_lines", "split_record", "file_unchanged"]

LINE_STEP = 4096
_CHUNK = 4 << 20


@dataclass
class IndexedFingerprint:
    """sha256 and newline count (as :class:`tracekit.ingest.sources.Fingerprint`) plus the line index."""

    sha256: str
    newlines: int
    ends_with_newline: bool
    size: int = 0
    mtime_ns: int = 0
    offsets: list[int] = field(default_factory=list)  # byte offset of lines 1, 1 + STEP, 1 + 2 STEP, …


class IndexCancelled(Exception):
    """:func:`index_file` was told to stop before the end of the file."""


def index_file(path: Path, step: int = LINE_STEP, cancelled: Callable[[], bool] | None = None) -> IndexedFingerprint:
    """Hash ``path``, count its newlines and record where every ``step``-th line starts.

    ``cancelled`` is asked before each 4 MB chunk: when it says so, :class:`IndexCancelled` is raised
    (an interrupted load must not wait for the rest of a large file's hash).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile("wb", delete=False) as f:
    ...     _ = f.write(b"h\\na\\nbb\\nccc\\n")
    >>> fp = index_file(Path(f.name), step=2)
    >>> fp.newlines, fp.ends_with_newline, fp.offsets
    (4, True, [0, 4])
    """
    stat = os.stat(path)
    digest = hashlib.sha256()
    newlines, last = 0, b""
    offsets = [0]
    position = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            if cancelled is not None and cancelled():
                raise IndexCancelled(str(path))
            digest.update(chunk)
            breaks = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == 10)
            # newline number k (1-based, whole file) starts line k + 1; keep k = m * step
            first = (step - newlines % step) - 1
            if first < len(breaks):
                offsets.extend((breaks[first::step] + position + 1).tolist())
            newlines += len(breaks)
            position += len(chunk)
            last = chunk[-1:]
    if offsets and offsets[-1] >= position:  # a newline ending the file starts no line
        offsets.pop()
    return IndexedFingerprint(digest.hexdigest(), newlines, last == b"\n", stat.st_size, stat.st_mtime_ns, offsets)


def file_unchanged(path: Path, size: int, mtime_ns: int) -> bool:
    """The file is still there with the size and modification time it had when loaded."""
    try:
        stat = os.stat(path)
    except OSError:
        return False
    return stat.st_size == size and stat.st_mtime_ns == mtime_ns


def read_lines(path: Path, lines: Iterable[int], offsets: list[int], step: int = LINE_STEP) -> dict[int, bytes]:
    """The bytes of each wanted physical line (1-based, without its line break); lines past the end are absent.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile("wb", delete=False) as f:
    ...     _ = f.write(b"h\\na\\r\\nbb\\nccc")
    >>> read_lines(Path(f.name), [4, 2, 9], index_file(Path(f.name), step=2).offsets, step=2)
    {2: b'a', 4: b'ccc'}
    """
    found: dict[int, bytes] = {}
    wanted = sorted({int(n) for n in lines if int(n) >= 1})
    with open(path, "rb") as handle:
        current = None  # the line number the handle is at
        for line in wanted:
            block = (line - 1) // step
            if block >= len(offsets):
                block = len(offsets) - 1
            start = 1 + block * step
            if current is None or current > line or current < start:
                handle.seek(offsets[block])
                current = start
            text = b""
            while current <= line:
                text = handle.readline()
                if not text:
                    break
                current += 1
            if text and current == line + 1:
                found[line] = text.rstrip(b"\n").rstrip(b"\r")
            elif not text:
                break
    return found


def split_record(text: str, delimiter: str, width: int) -> list[str | None]:
    """One record's fields as the engine's CSV reader gives them (empty → None), padded to ``width``.

    Examples
    --------
    >>> split_record('a,"b, c",,"x""y"', ",", 5)
    ['a', 'b, c', None, 'x"y', None]
    """
    if len(text) > csv.field_size_limit():
        csv.field_size_limit(len(text) + 1)  # a record the engine read (up to its 8 MB line buffer)
    record = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"',
                             doublequote=True), [])
    values: list[str | None] = [v if v != "" else None for v in record[:width]]
    return values + [None] * (width - len(values))
