"""Filters select the same trade in SQL and in the index (the precursor matcher: tests/graph/test_flags.py)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.graph.random_world import HS_CODES, random_shipments
from tracekit.errors import TracekitError
from tracekit.graph.filters import TradeFilter
from tracekit.query.prepared import graph_index


@pytest.fixture(scope="module")
def filter_world():
    import tracekit
    from tests.graph.conftest import build_world

    rows, info = random_shipments(21, companies=15, shipments=200)
    ws = tracekit.Workspace()
    build_world(ws, rows, info)
    yield ws
    ws.close()


dates = st.dates(min_value=dt.date(2022, 12, 1), max_value=dt.date(2025, 1, 31))
prefixes = st.lists(st.sampled_from(sorted({h[:n] for h in HS_CODES for n in (2, 4, 6)})), max_size=2)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hs=prefixes, since=st.none() | dates, until=st.none() | dates,
       countries=st.lists(st.sampled_from(["CN", "HK", "MX", "US", "IN"]), max_size=3))
def test_index_masks_select_what_sql_selects(filter_world, hs, since, until, countries):
    if since and until and since > until:
        since, until = until, since
    flt = TradeFilter(hs=hs, since=since, until=until, countries=countries)
    ws = filter_world
    index = graph_index(ws)
    facts = index.facts
    picked = facts.shipment_id[index.row_mask(facts, np.arange(len(facts)), flt)]
    country_sql = ""
    if flt.countries:
        listed = ", ".join(f"'{c}'" for c in flt.countries)
        country_sql = (f" AND t.src IN (SELECT entity_id FROM entities WHERE country IN ({listed}))"  # noqa: S608
                       f" AND t.dst IN (SELECT entity_id FROM entities WHERE country IN ({listed}))")
    expected = ws.sql(f"SELECT shipment_id FROM graph_trade t WHERE {flt.where_sql('t')}{country_sql}")  # noqa: S608
    assert sorted(picked.tolist()) == sorted(expected["shipment_id"].tolist())


@pytest.mark.parametrize("bad", [{"hs": "29a"}, {"since": "2024-13-01"}, {"countries": "Mexico"},
                                 {"min_shipments": 0}, {"since": "2024-02", "until": "2024-01"}])
def test_filter_rejects_bad_input_with_a_message(bad):
    with pytest.raises(TracekitError):
        TradeFilter(**bad)


def test_filter_from_kwargs_names_unknown_filters():
    with pytest.raises(TracekitError, match="hs_code"):
        TradeFilter.from_kwargs({"hs_code": "2933"})
