"""Fixture graphs that follow the ARCHITECTURE.md graph conventions."""

from __future__ import annotations

import networkx as nx
import pytest

HOSTILE = '<img src=x onerror="window.__pwned=1">'


def trade_graph(suppliers: int = 3, buyers: int = 40, *, hostile: bool = True) -> nx.DiGraph:
    """A seed (id 1) with suppliers (tier -1) and many buyers (tier +1); node 2 carries a hostile name."""
    G = nx.DiGraph()
    G.add_node(1, label="Seed Chemical Co", kind="company", country="CN", mentions=40, risk=0.8, flags=["hub"],
               community=1, tier=0)
    for i in range(suppliers):
        node = 100 + i
        G.add_node(node, label=f"Supplier {i}", kind="company", country="IN", mentions=5, risk=None, flags=[],
                   community=2, tier=-1)
        G.add_edge(node, 1, kind="trade", shipments=10 - i, kg=100.0, usd=1000.0, first_date="2023-01-05",
                   last_date="2023-06-01", hs_codes=["293339"], descriptions=["NPP"], evidence=[7, 8])
    for i in range(buyers):
        node = 2 + i
        label = HOSTILE if (hostile and node == 2) else f"Buyer {i}"
        G.add_node(node, label=label, kind="company", country="MX", mentions=3, risk=0.1 * (i % 10), flags=[],
                   community=3, tier=1)
        G.add_edge(1, node, kind="trade", shipments=buyers - i, kg=10.0, usd=50.0,
                   first_date="2022-01-01" if i % 2 else "2023-09-01", last_date="2023-12-01",
                   hs_codes=["293339"] if i % 3 else ["280610"], descriptions=["=HYPERLINK(1)"], evidence=[i])
    return G


@pytest.fixture
def graph() -> nx.DiGraph:
    return trade_graph()
