"""Physical line numbers of CSV records, for files where counting records is not enough.

The engine's CSV reader numbers records by *unquoted* newlines: a quoted field spanning lines, or a
blank line, shifts every later record against the file's real lines. When that happens (the loader
notices because the file's newline count disagrees with the record count) this module walks the file
once with Python's ``csv`` module, whose ``line_num`` counts physical lines, and gives each record's
first physical line together with the number the engine gave it.
"""

from __future__ import annotations

import csv
import gzip
import sys
from pathlib import Path

import pyarrow as pa

__all__ = ["record_lines"]


def record_lines(path: Path, delimiter: str, *, header_lines: int = 1) -> tuple[pa.Array, pa.Array]:
    """(engine line, physical first line) of every non-blank record after the header of a UTF-8 file.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
    ...     _ = f.write('a,b\\n1,"x\\ny"\\n\\n2,z\\n')
    >>> logical, physical = record_lines(Path(f.name), ",")
    >>> logical.to_pylist(), physical.to_pylist()
    ([2, 4], [2, 5])
    >>> os.unlink(f.name)
    """
    csv.field_size_limit(sys.maxsize)
    logical: list[int] = []
    physical: list[int] = []
    embedded = 0  # newlines inside quoted fields so far: the engine does not count them
    # A gzip file the engine read directly is walked decompressed (its bytes are not the text).
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rt", encoding="utf-8", errors="surrogateescape", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
        previous_end = 0
        for record in reader:
            start, end = previous_end + 1, reader.line_num
            previous_end = end
            if start <= header_lines:
                continue
            if record and any(record) or len(record) > 1:
                logical.append(start - embedded)
                physical.append(start)
            embedded += end - start
    return pa.array(logical, pa.int64()), pa.array(physical, pa.int64())
