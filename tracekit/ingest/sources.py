"""Finding and sniffing sources: files, globs, archives and DataFrames, before any row is read.

This module decides *how* a source will be read (format, encoding, delimiter, column names) and
prepares text the SQL engine cannot decode itself (cp1252, GB18030, UTF-16, zip members) as a
UTF-8 copy. It executes no SQL: the store runs the scan.

Undecodable bytes are carried through the copy unchanged (``surrogateescape``), so the engine's CSV
reader rejects exactly the rows that hold them, with their line number: they are quarantined as
``bad_encoding`` instead of failing the whole file or being silently replaced.
"""

from __future__ import annotations

import codecs
import csv
import glob
import gzip
import hashlib
import os
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from tracekit.errors import SourceError
from tracekit.ingest.encodings import bom_encoding, detect_encoding, zero_byte_encoding

__all__ = [
    "Source", "TextLayout", "expand_sources", "sniff_text", "detect_encoding", "sniff_delimiter",
    "clean_names", "fingerprint", "open_binary", "read_head", "NATIVE_ENCODINGS",
]

TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".psv", ".dat", ".tab"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
DELIMITERS = (",", "\t", ";", "|")
NATIVE_ENCODINGS = {"utf-8", "utf-8-sig"}  # what the engine's CSV reader decodes itself
_CHUNK = 4 << 20


@dataclass
class Source:
    """One thing to load: a file, a member of a zip archive, or an in-memory DataFrame."""

    kind: str  # "text" | "parquet" | "xlsx" | "frame"
    name: str  # what the analyst sees: the path, "archive.zip!member.csv" or "DataFrame"
    path: Path | None = None
    member: str | None = None
    frame: Any = None
    compression: str | None = None  # "gzip" for .gz text

    @property
    def suffix(self) -> str:
        base = self.member or (self.path.name if self.path else "")
        base = base[:-3] if base.lower().endswith(".gz") else base
        return Path(base).suffix.lower()


@dataclass
class TextLayout:
    """How a delimited text source is written."""

    encoding: str
    delimiter: str
    names: list[str]
    header_line: list[str] = field(default_factory=list)
    careful: bool = False  # read through a UTF-8 copy with line endings normalised (mixed endings, cut archives)
    raw_table: bool = False  # load through a raw table (the one-pass load could not number this file's lines)
    long_lines: bool = False  # a line exceeds the reader's default buffer: read again with an 8 MB one

    @property
    def native(self) -> bool:
        return self.encoding in NATIVE_ENCODINGS


def _kind_for(name: str) -> tuple[str, str | None]:
    lower = name.lower()
    compression = None
    if lower.endswith(".gz"):
        compression, lower = "gzip", lower[:-3]
    suffix = Path(lower).suffix
    if suffix in PARQUET_SUFFIXES and compression is None:
        return "parquet", None
    if suffix in EXCEL_SUFFIXES and compression is None:
        return "xlsx", None
    if suffix in TEXT_SUFFIXES or suffix == "":
        return "text", compression
    raise SourceError(
        f"{name}: unsupported file type {suffix!r}; tracekit reads CSV/TSV/TXT (optionally .gz), "
        ".zip of those, Parquet and .xlsx"
    )


def _expand_one(item: Any) -> list[Source]:
    if hasattr(item, "to_dict") and hasattr(item, "columns"):  # a pandas DataFrame
        return [Source("frame", "DataFrame", frame=item)]
    text = os.fspath(item)
    if glob.has_magic(text):
        matches = sorted(p for p in glob.glob(os.path.expanduser(text), recursive=True) if os.path.isfile(p))
        if not matches:
            raise SourceError(f"no file matches {text!r}")
        return [s for m in matches for s in _expand_one(m)]
    path = Path(text).expanduser()
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        if not files:
            raise SourceError(f"folder {path} holds no files to load")
        return [s for p in files for s in _expand_one(p)]
    if not path.exists():
        raise SourceError(f"source file {path} does not exist")
    if path.suffix.lower() == ".zip":
        return _zip_members(path)
    kind, compression = _kind_for(path.name)
    return [Source(kind, str(path), path=path.resolve(), compression=compression)]


def _zip_members(path: Path) -> list[Source]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [i.filename for i in archive.infolist() if not i.is_dir()]
    except zipfile.BadZipFile as exc:
        raise SourceError(f"{path}: not a readable zip archive ({exc})") from exc
    members = [n for n in names if not Path(n).name.startswith((".", "__MACOSX"))]
    if not members:
        raise SourceError(f"{path}: the zip archive holds no files")
    out = []
    for member in members:
        kind, compression = _kind_for(member)
        out.append(Source(kind, f"{path}!{member}", path=path.resolve(), member=member, compression=compression))
    return out


def expand_sources(sources: Any) -> list[Source]:
    """Every source named by ``sources``: a path, a glob, a folder, a zip, a DataFrame, or a list of them.

    Examples
    --------
    >>> import pandas as pd
    >>> [s.kind for s in expand_sources(pd.DataFrame({"shipper": ["A"]}))]
    ['frame']
    """
    items: Iterable[Any] = sources if isinstance(sources, list | tuple) else [sources]
    out: list[Source] = []
    for item in items:
        out.extend(_expand_one(item))
    return out


# -- reading bytes ---------------------------------------------------------------------------------
def open_binary(source: Source) -> BinaryIO:
    """The source's bytes, decompressed (gzip, zip member) but not decoded."""
    if source.path is None:
        raise SourceError(f"{source.name} has no file to open")
    if source.member is not None:
        archive = zipfile.ZipFile(source.path)
        raw: BinaryIO = archive.open(source.member)
    else:
        raw = open(source.path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    return gzip.GzipFile(fileobj=raw) if source.compression == "gzip" else raw


def _sample(source: Source, size: int = 1 << 20) -> bytes:
    """Start, middle and end of an uncompressed file (non-ASCII text may appear anywhere)."""
    if source.member is None and source.compression is None and source.path is not None:
        total = source.path.stat().st_size
        with open(source.path, "rb") as handle:
            if total <= 3 * size:
                return handle.read()
            parts = [handle.read(size)]
            for offset in (total // 2, total - size):
                handle.seek(offset)
                chunk = handle.read(size)
                parts.append(chunk[chunk.find(b"\n") + 1:])  # from a line start
            return b"\n".join(parts)
    return read_head(source, 3 * size)


def read_head(source: Source, size: int) -> bytes:
    """The first ``size`` bytes of the source's text, decompressed; of a cut or damaged archive, what
    reads before the damage (the loader reports the damage itself)."""
    if source.compression == "gzip" and source.member is None:
        return _gzip_head(source.path, size)
    out = bytearray()
    with open_binary(source) as handle:
        try:
            while len(out) < size and (chunk := handle.read(1 << 16)):
                out += chunk
        except (EOFError, zlib.error, zipfile.BadZipFile):
            if not out:
                raise
    return bytes(out[:size])


def _gzip_head(path: Path, size: int) -> bytes:
    """The first ``size`` decompressed bytes, also of a truncated stream (GzipFile would raise instead)."""
    inflater, out = zlib.decompressobj(wbits=31), bytearray()
    with open(path, "rb") as raw:
        while len(out) < size and (block := raw.read(1 << 16)):
            try:
                out += inflater.decompress(block, size - len(out))
            except zlib.error as exc:
                raise SourceError(f"{path}: not a readable gzip file ({exc})") from exc
            if inflater.eof:
                break
    return bytes(out)


def sniff_delimiter(lines: list[str], preferred: str | None = None) -> str:
    """The delimiter that splits the header into most columns and the data rows consistently.

    Examples
    --------
    >>> sniff_delimiter(["a;b;c", "1;2,5;3"]), sniff_delimiter(["a|b", "x|y"]), sniff_delimiter(["a\\tb"])
    (';', '|', '\\t')
    """
    best, best_score = preferred or ",", (-1, -1)
    for delim in DELIMITERS:
        rows = list(csv.reader(lines, delimiter=delim))
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistent = sum(1 for r in rows[1:] if len(r) == width)
        score = (consistent, width + (1 if delim == preferred else 0))
        if score > best_score:
            best, best_score = delim, score
    return best


RESERVED_NAMES = ("line",)
"""Column names tracekit adds to a raw table; a source column of that name is numbered like a duplicate."""


def clean_names(header: list[str]) -> list[str]:
    """Column names as the engine will use them: trimmed, empty ones named, duplicates numbered.

    Examples
    --------
    >>> clean_names([" a ", "", "a", "b", "Line"])
    ['a', 'column_2', 'a_2', 'b', 'Line_2']
    """
    out: list[str] = []
    seen: set[str] = set(RESERVED_NAMES)
    for i, raw in enumerate(header):
        name = raw.strip().lstrip("\ufeff") or f"column_{i + 1}"
        base, n = name, 1
        while name.lower() in seen:
            n += 1
            name = f"{base}_{n}"
        seen.add(name.lower())
        out.append(name)
    return out


SNIFF_TEXT = 256 << 10
"""Characters of text the sniffer looks at; lines in it are cut at :data:`SNIFF_LINE` (a field of any
length is the CSV reader's business, which quarantines a line over its limit with its line number)."""
SNIFF_LINE = 64 << 10


def sniff_text(source: Source, encoding: str | None = None, delimiter: str | None = None) -> TextLayout:
    """Encoding, delimiter and column names of a delimited text source, from a bounded sample."""
    sample = _sample(source)
    if not encoding and not bom_encoding(sample) and (wide := zero_byte_encoding(sample)):
        if wide == "unknown":
            raise SourceError(
                f"{source.name}: the file holds zero bytes in no pattern tracekit knows: it is binary, or "
                "text in an encoding that cannot be guessed; give it with --encoding (e.g. utf-16-le), "
                "or encoding=... in ws.load")
        encoding = wide
    enc = (encoding or detect_encoding(sample)).lower().replace("_", "-")
    enc = {"utf8": "utf-8", "latin1": "latin-1", "windows-1252": "cp1252", "gbk": "gb18030"}.get(enc, enc)
    try:
        codecs.lookup(enc)
    except LookupError as exc:
        raise SourceError(f"{source.name}: unknown encoding {encoding!r}") from exc
    text = sample[: SNIFF_TEXT * 4].decode(enc, "replace")[:SNIFF_TEXT].lstrip("\ufeff")
    careful = _mixed_line_endings(text)
    lines = text.splitlines()[:50]
    if len(lines) > 1 and not sample.endswith(b"\n"):
        lines = lines[:-1]  # the sample may cut the last line
    lines = [ln for ln in lines if ln.strip()]
    if not lines:
        raise SourceError(f"{source.name}: the file is empty (no header line)")
    if len(lines[0]) > SNIFF_LINE:
        raise SourceError(
            f"{source.name}: the first line is over {SNIFF_LINE:,} characters long, too long for a header; "
            "tracekit needs a first line naming the columns (is this a delimited text file?)")
    lines = [ln[:SNIFF_LINE] for ln in lines]
    preferred = "\t" if source.suffix in {".tsv", ".tab"} else ("|" if source.suffix == ".psv" else None)
    try:
        delim = delimiter if delimiter else sniff_delimiter(lines, preferred)
        if delim in ("\\t", "tab"):
            delim = "\t"
        header = next(csv.reader([lines[0]], delimiter=delim))
    except csv.Error as exc:
        raise SourceError(f"{source.name}: line 1 (the header) cannot be read as CSV ({exc})") from exc
    if len(delim) != 1:
        raise SourceError(f"{source.name}: the delimiter must be one character, not {delim!r}")
    return TextLayout(enc, delim, clean_names(header), header, careful=careful)


def _mixed_line_endings(text: str) -> bool:
    """True when lines end in more than one way (CRLF and LF, or a lone CR anywhere)."""
    crlf = text.count("\r\n")
    return text.count("\r") > crlf or (crlf > 0 and text.count("\n") > crlf)


# -- hashing and transcoding -----------------------------------------------------------------------
@dataclass
class Fingerprint:
    """sha256 of the source's bytes as stored, and how many newline bytes its text holds."""

    sha256: str
    newlines: int
    ends_with_newline: bool


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    while chunk := handle.read(_CHUNK):
        yield chunk


def fingerprint(source: Source) -> Fingerprint:
    """Hash the stored bytes (compressed, for .gz) and count newlines of the text (decompressed)."""
    digest = hashlib.sha256()
    newlines, last = 0, b""
    if source.compression == "gzip" and source.member is None:
        with open(source.path, "rb") as raw:
            for chunk in _chunks(raw):
                digest.update(chunk)
        with open_binary(source) as text:
            for chunk in _chunks(text):
                newlines += chunk.count(b"\n")
                last = chunk[-1:]
        return Fingerprint(digest.hexdigest(), newlines, last == b"\n")
    with open_binary(source) as handle:
        for chunk in _chunks(handle):
            digest.update(chunk)
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
    return Fingerprint(digest.hexdigest(), newlines, last == b"\n")


def copy_member(source: Source, target: Path) -> Fingerprint:
    """Extract a zip member (decompressing .gz inside it) to ``target`` as is."""
    digest = hashlib.sha256()
    newlines, last = 0, b""
    with open_binary(source) as handle, open(target, "wb") as out:
        for chunk in _chunks(handle):
            digest.update(chunk)
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
            out.write(chunk)
    return Fingerprint(digest.hexdigest(), newlines, last == b"\n")


def frame_hash(table_bytes: Iterable[bytes]) -> str:
    """sha256 over an iterable of byte strings (an in-memory table's serialised batches)."""
    digest = hashlib.sha256()
    for part in table_bytes:
        digest.update(part)
    return digest.hexdigest()


