"""Guessing a text file's encoding from a sample of its bytes (byte-order marks, UTF-16/32 without one,
UTF-8, GB18030, cp1252).

UTF-16 and UTF-32 without a byte-order mark: delimited trade files are mostly ASCII (digits,
delimiters, Latin names), and ASCII written as UTF-16 or UTF-32 leaves zero bytes at fixed positions:
every second byte (UTF-16), three bytes in four (UTF-32), before or after the character depending on the byte order. Text in a one-byte encoding has
no zero bytes at all, so their pattern names the encoding; zero bytes in no such pattern mean a
binary file or an encoding tracekit cannot guess, and the caller asks for ``--encoding``.
"""

from __future__ import annotations

import codecs

__all__ = ["bom_encoding", "detect_encoding", "zero_byte_encoding", "NUL_SAMPLE"]

NUL_SAMPLE = 1 << 16
_BOMS = (  # longest first: the UTF-32-LE mark starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


def bom_encoding(sample: bytes) -> str | None:
    """The encoding a byte-order mark at the start of ``sample`` names, if any.

    Examples
    --------
    >>> bom_encoding(codecs.BOM_UTF32_LE + "a".encode("utf-32-le")), bom_encoding(b"abc")
    ('utf-32', None)
    """
    return next((name for bom, name in _BOMS if sample.startswith(bom)), None)


def zero_byte_encoding(sample: bytes) -> str | None:
    """``utf-16-le/be`` or ``utf-32-le/be`` from where zero bytes sit; ``"unknown"`` if they sit nowhere
    in particular; None when the sample has (almost) no zero bytes.

    Examples
    --------
    >>> [zero_byte_encoding("name,país\\nACME,MX\\n".encode(e)) for e in ("utf-16-le", "utf-16-be", "utf-32-le")]
    ['utf-16-le', 'utf-16-be', 'utf-32-le']
    >>> zero_byte_encoding(b"a,b\\n1,2\\n"), zero_byte_encoding(bytes(0 if i % 5 == 0 else 65 for i in range(999)))
    (None, 'unknown')
    """
    head = sample[:NUL_SAMPLE]
    zeros = head.count(0)
    if zeros == 0 or zeros < len(head) // 100:
        return None
    for width, names in ((4, ("utf-32-le", "utf-32-be")), (2, ("utf-16-le", "utf-16-be"))):
        usable = head[: len(head) - len(head) % width]
        units = len(usable) // width
        if not units:
            continue
        # Share of code units whose high bytes are zero (LE: at the end of the unit; BE: at the start).
        little = sum(1 for i in range(0, len(usable), width) if not any(usable[i + 1:i + width]))
        big = sum(1 for i in range(0, len(usable), width) if not any(usable[i:i + width - 1]))
        for share, name in ((little, names[0]), (big, names[1])):
            if share / units >= 0.6 and _decodes(usable, name):
                return name
    return "unknown"


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
        return True
    except UnicodeDecodeError as exc:
        return exc.start >= len(data) - 4  # a character cut by the sample's end


def detect_encoding(sample: bytes) -> str:
    """Best guess among UTF-8 (with or without BOM), UTF-16, GB18030 and cp1252 for a byte sample.

    GB18030 writes Chinese as pairs of high bytes; cp1252/Latin-1 Spanish puts single accented bytes
    between ASCII letters. The share of high bytes that sit in pairs tells them apart.

    Examples
    --------
    >>> detect_encoding("JOSÉ PÉREZ, MÉXICO".encode("cp1252")), detect_encoding("上海化工".encode("gb18030"))
    ('cp1252', 'gb18030')
    >>> detect_encoding(codecs.BOM_UTF8 + b"a,b"), detect_encoding("Año".encode())
    ('utf-8-sig', 'utf-8')
    """
    if marked := bom_encoding(sample):
        return marked
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and exc.reason.startswith("unexpected end"):
            return "utf-8"  # a character cut by the sample boundary
        if sum(1 for b in sample if b >= 0x80) and _utf8_share(sample) > 0.9:
            return "utf-8"  # a few broken bytes in a UTF-8 file: those rows become bad_encoding
    high = [i for i, b in enumerate(sample) if b >= 0x80]
    paired = sum(1 for i in high if (i + 1 < len(sample) and sample[i + 1] >= 0x80)
                 or (i > 0 and sample[i - 1] >= 0x80))
    if high and paired / len(high) > 0.8:
        try:
            sample.decode("gb18030")
            return "gb18030"
        except UnicodeDecodeError:
            pass
    return "cp1252"


def _utf8_share(sample: bytes) -> float:
    """Share of non-ASCII bytes that belong to valid UTF-8 sequences."""
    text = sample.decode("utf-8", "surrogateescape")
    bad = sum(1 for c in text if "\udc80" <= c <= "\udcff")
    high = sum(1 for b in sample if b >= 0x80)
    return 1 - bad / high if high else 1.0
