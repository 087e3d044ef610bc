"""Ids (entity, shipment, mention, source) as exact integers from the store to every consumer.

Entity ids are 62-bit hashes; shipment ids are ``source_id << 32 | line`` and mention ids four times
that. A float64 holds integers exactly only up to 2^53, so an id that passes through a float comes back
as a *different* id (3358655674813842945 → 3.358655674813843e18 → 3358655674813842944) and matches
nothing. That happens silently in pandas (a column of ids with one NULL becomes float64; so does
``Int64.to_numpy()`` with a missing value, ``reindex``, an outer ``merge``), in numpy, and in every
JSON reader that parses numbers as doubles (JavaScript, jq).

The rules, applied everywhere ids leave SQL:

* id columns are pandas nullable ``Int64`` (:func:`id_series`), never float64; building one from floats
  is an error, not a rounding;
* plain numpy arrays of ids are ``int64`` with no missing values (:func:`id_array`);
* ``--json`` writes every id as a decimal string (:func:`json_ids`), so no reader can round it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["ID_DTYPE", "IdPrecisionError", "check_id_columns", "id_series", "id_array", "id_value", "is_id_key",
           "json_ids"]

ID_DTYPE = pd.Int64Dtype()
MAX_EXACT_FLOAT = 2**53

_ID_KEY = re.compile(r"(^|_)(id|ids)$|^(src|dst|via|source|target|a|b|ref|evidence)$")


class IdPrecisionError(TypeError):
    """An id arrived as a float: its low bits may already be lost, so it is refused, not rounded."""


def _check_not_float(values: Any, what: str) -> None:
    dtype = getattr(values, "dtype", None)
    if dtype is not None and pd.api.types.is_float_dtype(dtype):
        raise IdPrecisionError(f"{what}: ids arrived as {dtype}; they must stay integers (nullable Int64)")


def id_value(value: Any) -> int | None:
    """One id as a Python int (None for a missing value); floats and non-integral text are refused.

    Examples
    --------
    >>> id_value("3358655674813842945"), id_value(np.int64(7)), id_value(None)
    (3358655674813842945, 7, None)
    """
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, bool):
        raise IdPrecisionError(f"{value!r} is not an id")
    if isinstance(value, float | np.floating):
        raise IdPrecisionError(f"id {value!r} arrived as a float: refusing a possibly rounded id")
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    raise IdPrecisionError(f"{value!r} is not an integer id")


def id_series(values: Iterable[Any] | pd.Series | np.ndarray, *, name: str | None = None,
              index: pd.Index | None = None) -> pd.Series:
    """Ids as a nullable ``Int64`` Series (missing values stay ``<NA>``; nothing becomes float).

    Examples
    --------
    >>> id_series([3358655674813842945, None]).tolist()
    [3358655674813842945, <NA>]
    >>> id_series(np.array([1.0, 2.0]))  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    IdPrecisionError: ids: ids arrived as float64; they must stay integers (nullable Int64)
    """
    _check_not_float(values, name or "ids")
    if isinstance(values, pd.Series):
        if values.dtype == ID_DTYPE:
            out = values.copy()
        elif pd.api.types.is_integer_dtype(values.dtype):
            out = values.astype(ID_DTYPE)
        else:
            out = pd.Series(pd.array([id_value(v) for v in values.tolist()], dtype=ID_DTYPE), index=values.index)
        if index is not None:
            out.index = index
        return out.rename(name) if name is not None else out
    if isinstance(values, np.ndarray) and np.issubdtype(values.dtype, np.integer):
        return pd.Series(pd.array(values.astype(np.int64), dtype=ID_DTYPE), name=name, index=index)
    return pd.Series(pd.array([id_value(v) for v in values], dtype=ID_DTYPE), name=name, index=index)


def id_array(values: Iterable[Any] | pd.Series | np.ndarray, *, what: str = "ids") -> np.ndarray:
    """Ids as a numpy ``int64`` array; a missing id is an error (filter them out first).

    ``Series.to_numpy()`` on a nullable column with a missing value returns float64 — exactly the
    rounding this module exists to prevent — so use this instead.

    Examples
    --------
    >>> id_array(pd.Series([3358655674813842945, 5], dtype="Int64")).tolist()
    [3358655674813842945, 5]
    """
    series = id_series(values, name=what)
    if series.isna().any():
        raise IdPrecisionError(f"{what}: {int(series.isna().sum())} missing id(s) where every row needs one")
    return series.to_numpy(dtype=np.int64)


_ID_COLUMN = re.compile(r"(^|_)id$|^(src|dst|via)$")


def check_id_columns(frame: pd.DataFrame) -> None:
    """Refuse a frame whose id columns (``*_id``, ``src``, ``dst``, ``via``) hold floats.

    Examples
    --------
    >>> check_id_columns(pd.DataFrame({"entity_id": pd.array([1, None], dtype="Int64"), "kg": [1.5, None]}))
    >>> check_id_columns(pd.DataFrame({"entity_id": [1.0, None]}))  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    IdPrecisionError: column entity_id: ids arrived as float64
    """
    for column in frame.columns:
        if isinstance(column, str) and _ID_COLUMN.search(column):
            _check_not_float(frame[column], f"column {column}")


def is_id_key(key: str) -> bool:
    """Whether a JSON key (or column name) holds ids: ``*_id``, ``*_ids``, ``src``, ``dst``, ``via`` …

    Examples
    --------
    >>> [is_id_key(k) for k in ("entity_id", "shipment_ids", "via", "shipments", "kind")]
    [True, True, True, False, False]
    """
    return bool(_ID_KEY.search(key))


def json_ids(value: Any, key: str | None = None) -> Any:
    """``value`` with every id written as a decimal string, for JSON that JavaScript and jq read exactly.

    An integer is an id when it sits under an id key (:func:`is_id_key`, lists included), or when it is
    too large for a double to hold exactly (≥ 2^53) wherever it sits — so no id can be rounded.

    Examples
    --------
    >>> json_ids({"entity_id": 7, "entity_ids": [3358655674813842945, 9], "shipments": 12, "n": 2**60})
    {'entity_id': '7', 'entity_ids': ['3358655674813842945', '9'], 'shipments': 12, 'n': '1152921504606846976'}
    """
    if isinstance(value, dict):
        return {k: json_ids(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ids(v, key) for v in value]
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        return value
    if (key is not None and is_id_key(key)) or abs(int(value)) >= MAX_EXACT_FLOAT:
        return str(int(value))
    return value
