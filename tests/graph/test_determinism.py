"""Flags and risk are a function of the data: the same files give the same flag rows, risk contributions,
notes and evidence, whatever order the engine stores the shipments and mentions in.

Each rule that picks one row among several (the first shipment of a day, the heaviest flag, the line an
HS code falls in, the longest vague phrase) must order all of them; left to the engine's read order,
a company's 'newly appearing' evidence named another shipment of the same day from run to run.
"""

from __future__ import annotations

import pandas as pd
import pytest

import tracekit
from tracekit.demo import generate

TABLES = ("graph_trade", "graph_shipment_flags", "graph_risk_contributions", "graph_risk")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("graph-determinism")
    generate(folder, rows=4_000, seed=11, progress=False)
    return folder


def _built(files, shuffle: int | None) -> dict[str, pd.DataFrame]:
    with tracekit.Workspace() as ws:
        ws.load(str(files / "shipments-*.csv"), progress=False)
        if shuffle is not None:  # the same rows, stored in another order
            from tracekit.store.shipment_tables import physical_tables

            # shipments: the tables behind the view, each source's own
            stored = [(t, "shipment_id") for t in physical_tables(ws.store)] + [("party_mentions", "mention_id")]
            for table, key in stored:
                ws.store.execute(f"CREATE OR REPLACE TEMP TABLE tk_test_rows AS SELECT * FROM {table}")  # noqa: S608
                ws.store.execute(f"DELETE FROM {table}")  # noqa: S608
                ws.store.execute("SET preserve_insertion_order = true")
                ws.store.execute(f"INSERT INTO {table} SELECT * FROM tk_test_rows "  # noqa: S608
                                 f"ORDER BY hash({key} + ?)", [shuffle])
                ws.store.execute("DROP TABLE tk_test_rows")
            ws.store.execute("SET threads = 1")
        ws.resolve(progress=False)
        out = {"flag_ranking": ws.flags().to_frame().astype(str), "risk_ranking": ws.risk().to_frame().astype(str)}
        for table in TABLES:
            frame = ws.store.df(f"SELECT * FROM {table}").astype(str)  # noqa: S608
            out[table] = frame.sort_values(list(frame.columns), ignore_index=True)
        return out


@pytest.fixture(scope="module")
def as_loaded(files):
    return _built(files, None)


def test_the_world_has_flags_and_risk_to_compare(as_loaded):
    assert len(as_loaded["graph_shipment_flags"]) > 100
    assert len(as_loaded["graph_risk_contributions"]) > 100


@pytest.mark.parametrize("shuffle", [1, 3])
def test_flags_and_risk_do_not_depend_on_the_stored_order(files, as_loaded, shuffle):
    other = _built(files, shuffle)
    for table, frame in as_loaded.items():
        pd.testing.assert_frame_equal(other[table], frame, obj=f"{table} (rows stored in order {shuffle})")
