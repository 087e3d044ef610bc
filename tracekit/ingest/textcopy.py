"""The careful way to read a text source: a UTF-8 copy with one kind of line ending, whole lines only.

The engine's CSV reader is fast but strict: a file whose lines end in more than one way (CRLF and LF,
or old Mac CR) stops it ("state machine reached an invalid state"), and a truncated gzip stream fails
the whole file. Such sources are copied here first, in Python:

* decoded from their encoding (undecodable bytes carried through, so those rows become
  ``bad_encoding``), byte-order mark dropped;
* every CRLF and lone CR written as LF, so each record keeps its physical line number (a lone CR
  counts as a line break, as editors show it);
* a compressed stream that ends early (truncated gzip or zip member) is read up to the cut: the whole
  lines before it are kept, and the cut line is handed back to be quarantined as ``truncated``.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tracekit.errors import SourceError
from tracekit.ingest.sources import Fingerprint, Source, open_binary

__all__ = ["CopiedText", "careful_copy", "TRUNCATION_ERRORS"]

TRUNCATION_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile, zipfile.BadZipFile)
"""What the decompressors raise when a stream ends before its end marker (or its checksum fails)."""

_CHUNK = 4 << 20
UNDECODABLE = "tracekit-undecodable"


def _undecodable(exc: UnicodeError) -> tuple[str, int]:
    """Carry bytes that do not decode into the copy as bytes that are not UTF-8 either.

    ``surrogateescape`` does this for bytes from 0x80 up; a stray low byte (an odd byte in UTF-16)
    becomes 0xFF. Either way the engine's reader rejects exactly that row as ``bad_encoding``.
    """
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start:exc.end]
    return "".join(chr(0xDC00 + (b if b >= 0x80 else 0xFF)) for b in bad), exc.end


codecs.register_error(UNDECODABLE, _undecodable)


@dataclass
class CopiedText(Fingerprint):
    """The fingerprint of a careful copy, plus what was cut off when the stream was truncated."""

    truncated: bool = False
    cut_text: str | None = None  # the partial last line (not in the copy); None when the cut fell between lines
    cut_reason: str = ""


def careful_copy(source: Source, encoding: str, target: Path) -> CopiedText:
    """Write the source's text to ``target`` as UTF-8 with LF line endings, whole lines only.

    Returns the sha256 of the stored bytes (compressed, for .gz files, as for every other read), the
    number of lines in the copy, and the cut when the stream was truncated.
    """
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder(encoding)(UNDECODABLE)
    newlines, written, last_break = 0, 0, -1
    carry, first, truncated, reason = "", True, False, ""
    tail = bytearray()  # the bytes after the last line break written so far
    plain_gzip = source.compression == "gzip" and source.member is None
    cut: list[str] = []
    chunks = _plain_chunks(source, cut)
    with open(target, "wb") as out:
        while True:
            chunk = next(chunks, b"")
            if cut:
                truncated, reason = True, cut[0]
            if not plain_gzip:
                digest.update(chunk)
            final = not chunk
            text = carry + decoder.decode(chunk, final=final)
            if first and text:
                text, first = text.lstrip("\ufeff"), False
            # A CR at a chunk's end may be the first half of a CRLF: hold it for the next chunk.
            carry = "" if final or not text.endswith("\r") else "\r"
            text = text[: len(text) - len(carry)].replace("\r\n", "\n").replace("\r", "\n")
            data = text.encode("utf-8", "surrogateescape")
            if data:
                out.write(data)
                breaks = data.count(b"\n")
                if breaks:
                    newlines += breaks
                    last_break = written + data.rindex(b"\n")
                    tail = bytearray(data[data.rindex(b"\n") + 1:])
                else:
                    tail += data
                written += len(data)
            if final:
                break
        cut_text = None
        if truncated:
            if last_break < 0:
                raise SourceError(f"{source.name}: the compressed stream is truncated ({reason}) before the end "
                                  "of its first line: nothing whole to load; get the file again")
            out.truncate(last_break + 1)  # the copy holds whole lines only
            cut_text = tail.decode("utf-8", "backslashreplace") if tail else None  # bad bytes as \\xNN
    if plain_gzip:
        with open(source.path, "rb") as raw:
            while block := raw.read(_CHUNK):
                digest.update(block)
    ends_with_newline = truncated or last_break == written - 1
    return CopiedText(digest.hexdigest(), newlines, ends_with_newline, truncated, cut_text, reason)


def _refuse_corrupt(source: Source, exc: BaseException) -> None:
    """A failed checksum means bytes were changed somewhere before, not cut off: nothing can be trusted."""
    text = str(exc)
    if "CRC" in text or "incorrect data check" in text:
        raise SourceError(f"{source.name}: the archive is damaged ({text}): its data does not match its "
                          "checksum, so no row of it can be trusted; nothing was loaded. Get the file again") from exc


def _plain_chunks(source: Source, cut: list[str]) -> Iterator[bytes]:
    """The source's decompressed bytes; on a cut stream, everything before the cut, then ``cut`` says why.

    gzip is inflated here with :mod:`zlib` (``GzipFile`` drops the data of a read that meets the end
    of a truncated stream); members follow one another as gzip allows.
    """
    if source.compression != "gzip" or source.member is not None:
        with open_binary(source) as handle:
            while True:
                try:
                    chunk = handle.read(_CHUNK if source.member is None else 1 << 16)
                except TRUNCATION_ERRORS as exc:
                    _refuse_corrupt(source, exc)
                    cut.append(str(exc) or type(exc).__name__)
                    return
                if not chunk:
                    return
                yield chunk
    inflater = zlib.decompressobj(wbits=31)
    started = False
    with open(source.path, "rb") as raw:
        while block := raw.read(1 << 20):
            while block:
                try:
                    out = inflater.decompress(block)
                except zlib.error as exc:
                    _refuse_corrupt(source, exc)
                    cut.append(f"corrupt gzip data: {exc}")
                    return
                started = True
                if out:
                    yield out
                if not inflater.eof:
                    break
                block = inflater.unused_data  # another gzip member follows
                inflater = zlib.decompressobj(wbits=31)
                started = False
                if not block:
                    break
    if started and not inflater.eof:
        if tail := inflater.flush():
            yield tail
        cut.append("the gzip stream ends before its end marker")
