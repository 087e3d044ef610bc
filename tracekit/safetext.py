"""Showing untrusted text (names, addresses, descriptions, file names) without letting it act.

Trade data is written by the people under investigation. A company name can hold an ANSI escape that
recolours the terminal or sets its window title (``\\x1b]0;…\\x07``), or a right-to-left override
(U+202E) that makes ``Acme \\u202edtl lacimehC Trading`` read as "Acme gnidarT Chemical ltd". Every
renderer that shows such text to a person (terminal output, error messages, explorer labels, SVG labels)
passes it through :func:`visible`, which writes those characters as marks a reader can see. The stored
data and the exports keep the original characters: this is about display only.
"""

from __future__ import annotations

import re

__all__ = ["visible", "visible_lines", "BIDI_CONTROLS"]

BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]  # LRE RLE PDF LRO RLO
    + [chr(c) for c in range(0x2066, 0x206A)]  # LRI RLI FSI PDI
    + ["\u200e", "\u200f", "\u061c"]  # LRM RLM ALM
)
"""Characters that reorder or redirect the text around them."""

# C0 controls, DEL, C1 controls, bidi controls, line/paragraph separators, and lone surrogates
# (bytes that did not decode, carried as U+DC80..U+DCFF: a terminal cannot even encode them).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff" + "".join(sorted(BIDI_CONTROLS)) + "]")
_UNSAFE_KEEP_LAYOUT = re.compile(_UNSAFE.pattern.replace("\x00-\x1f", "\x00-\x08\x0b-\x1f"))


def _mark(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object) -> str:
    r"""``text`` with every control, bidi and undecodable character written as a visible mark.

    Newlines and tabs are marked too: use :func:`visible_lines` for multi-line output of our own.

    Examples
    --------
    >>> visible("Acme \u202edtl lacimehC")
    'Acme \\u202edtl lacimehC'
    >>> visible("\x1b[31mRED\x1b[0m"), visible("a\nb"), visible("José")
    ('\\x1b[31mRED\\x1b[0m', 'a\\x0ab', 'José')
    """
    text = text if isinstance(text, str) else str(text)
    return _UNSAFE.sub(_mark, text)


def visible_lines(text: object) -> str:
    r"""Like :func:`visible`, but keeps newlines and tabs (for whole reports, tables and messages).

    Examples
    --------
    >>> visible_lines("name\tcountry\nACME\x1b]0;pwned\x07\tCN")
    'name\tcountry\nACME\\x1b]0;pwned\\x07\tCN'
    """
    text = text if isinstance(text, str) else str(text)
    return _UNSAFE_KEEP_LAYOUT.sub(_mark, text)
