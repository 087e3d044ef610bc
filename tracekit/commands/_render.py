"""Turn a verb's result into JSON or terminal text (shared by the CLI and the magics)."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from tracekit.safetext import visible, visible_lines
from tracekit.store.ids import json_ids

__all__ = ["to_jsonable", "to_json_text", "to_text"]


def to_jsonable(result: Any) -> Any:
    """A JSON-serialisable form of ``result``: its ``to_json()``, a DataFrame's records, or itself.

    Every id (``*_id``, ``src``, ``dst``, ``via``, ``path``, ``evidence`` … and any integer ≥ 2^53) is
    written as a decimal string: JavaScript and jq read JSON numbers as doubles and would round a
    63-bit id to a different one (see :mod:`tracekit.store.ids`).
    """
    if hasattr(result, "to_json") and not isinstance(result, pd.DataFrame | pd.Series):
        result = result.to_json()
    if isinstance(result, pd.DataFrame):
        return [json_ids(_clean(r)) for r in result.to_dict(orient="records")]
    return json_ids(_clean(result))


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_clean(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, datetime | date | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return value.item()
    return value


def to_json_text(result: Any) -> str:
    return json.dumps(to_jsonable(result), ensure_ascii=False, indent=2, default=str)


def to_text(result: Any) -> str:
    """Terminal text of a result: control and bidi characters from the data shown as visible marks."""
    if isinstance(result, pd.DataFrame):
        if not len(result):
            return "(no rows)"
        # Mark cells before laying out the table, so the columns line up with the marks.
        shown = result.map(lambda v: visible(v) if isinstance(v, str) else v)
        shown.columns = [visible(c) for c in shown.columns]
        return shown.to_string(index=False)
    return visible_lines(str(result))
