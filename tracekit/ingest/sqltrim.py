"""Trimming in SQL without copying every cell: the normalisers' shared first step.

DuckDB's ``trim`` removes Unicode space separators (category Zs: ' ', NBSP, the ideographic space…)
and writes a new string for every value it is given, even one with nothing to remove: on a 10M-row
load that copy cost more than the regular expressions after it. Most cells are ASCII text that neither
starts nor ends with a space, and for them ``trim`` is the value itself, so :func:`trim_sql` calls it
only on the others.

The test is chosen for its cost per row: ``value < '!'`` is a comparison of the string's first byte
(true for a leading ' ' and for control characters, which ``trim`` then leaves as they are), where
``starts_with`` calls ``memcmp`` once per row; the end needs ``ends_with``; ``strlen <> length`` finds
any non-ASCII byte, which a Unicode space needs.
"""

from __future__ import annotations

__all__ = ["trim_sql", "text_sql", "may_need_trim_sql", "SPACE_SEPARATORS", "trim_text"]

SPACE_SEPARATORS = "".join(chr(c) for c in (0x20, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000))
"""Unicode category Zs: what the engine's ``trim`` removes (and nothing else: a tab stays)."""


def trim_text(text: str) -> str:
    """The engine's ``trim`` in Python, for the normalisers' reference implementations.

    Examples
    --------
    >>> trim_text("\\u00a0 2024-01-12\\u3000"), trim_text("\\tA ")
    ('2024-01-12', '\\tA')
    """
    return text.strip(SPACE_SEPARATORS)


def may_need_trim_sql(value: str) -> str:
    """SQL true unless ``trim(value)`` is certainly ``value`` (NULL for NULL)."""
    return f"({value} < '!' OR ends_with({value}, ' ') OR strlen({value}) <> length({value}))"


def trim_sql(value: str) -> str:
    """SQL equal to ``trim(value)``, trimming only values that may need it.

    Examples
    --------
    >>> import duckdb
    >>> values = "['  a ', 'b', '', NULL, 'é' || chr(160), chr(9) || 'a ']"  # a tab is no space separator
    >>> duckdb.connect().sql(f"SELECT {trim_sql('v')} FROM (SELECT unnest({values}) AS v)").fetchall()
    [('a',), ('b',), ('',), (None,), ('é',), ('\\ta',)]
    """
    return f"(CASE WHEN {may_need_trim_sql(value)} THEN trim({value}) ELSE {value} END)"


def text_sql(value: str) -> str:
    """SQL equal to ``nullif(trim(value), '')``, trimming only values that may need it.

    Examples
    --------
    >>> import duckdb
    >>> duckdb.connect().sql(f"SELECT {text_sql('v')} FROM (SELECT unnest(['  a ', 'b', '', '   ', NULL, 'é\u00a0']) AS v)").fetchall()
    [('a',), ('b',), (None,), (None,), (None,), ('é',)]
    """
    # '' < '!' too: the empty string takes the trimming branch and becomes NULL there
    return f"(CASE WHEN {may_need_trim_sql(value)} THEN nullif(trim({value}), '') ELSE {value} END)"
