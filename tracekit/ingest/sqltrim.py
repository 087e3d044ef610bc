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

__all__ = ["trim_sql", "text_sql", "may_need_trim_sql"]


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
    return f"(CASE WHEN {value} = '' THEN NULL WHEN {may_need_trim_sql(value)} THEN nullif(trim({value}), '') ELSE {value} END)"
