"""Quoting names and text for SQL (the few places a name or value cannot be a bound parameter)."""

from __future__ import annotations

__all__ = ["quote_identifier", "quote_literal"]


def quote_identifier(name: str) -> str:
    r"""Quote a SQL identifier (table or column name) so any text is safe in a query.

    Examples
    --------
    >>> quote_identifier('a"b')
    '"a""b"'
    """
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """Quote a SQL string literal.

    Examples
    --------
    >>> quote_literal("O'Brien")
    "'O''Brien'"
    """
    return "'" + text.replace("'", "''") + "'"
