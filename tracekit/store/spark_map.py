"""Per-value Python functions run on Spark's executors (``mapInPandas``), not on the driver.

The resolve room normalises each distinct name, phone, e-mail and tax id with pure Python functions
(rigour, our own rules). On DuckDB the distinct values come to Python and the keys go back as a
registered frame; on Spark that would pull every distinct value through the driver. :func:`map_distinct`
instead runs the function inside each partition of the distinct values and leaves the result as a
temporary view, so only the workers see the text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

__all__ = ["map_distinct"]


def map_distinct(store: Any, name: str, values_sql: str, keys: Callable[[pd.Series], pd.DataFrame],
                 schema: str) -> str:
    """Temporary view ``name`` = ``keys(values)`` for the distinct non-NULL values ``values_sql`` selects.

    ``values_sql`` selects one column named ``v``; ``keys`` maps a Series of values to a frame whose
    columns match ``schema`` (a Spark DDL string starting with ``v STRING``). Computed once
    (``localCheckpoint``), so later joins do not re-run the Python.
    """
    values = store.spark(values_sql)

    def per_partition(frames):  # runs on the executors
        for frame in frames:
            yield keys(frame["v"])

    values.mapInPandas(per_partition, schema=schema).localCheckpoint().createOrReplaceTempView(name)
    store._registered.add(name)  # noqa: SLF001 - a view of the store's own session
    return name
