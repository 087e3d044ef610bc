"""Graph files an analyst hands on: GraphML (yEd, Cytoscape, igraph) and GEXF (Gephi).

GraphML and GEXF hold only scalar attributes, so lists (flags, HS codes) are joined with ``"; "`` and
missing values are dropped rather than written as the text ``"None"``. Node keys become strings (GEXF
and GraphML ids are text); the entity id stays available as the ``entity_id`` attribute, written as
text because GraphML readers (igraph among them) hold integers in doubles, which round 62-bit ids.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import networkx as nx

__all__ = ["exportable_graph", "write_graphml", "write_gexf"]

_EXACT_IN_DOUBLE = 2**53
# XML 1.0 cannot hold these characters at all: a file holding one is refused by every reader
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_text(text: str) -> str:
    r"""Text as XML can hold it: characters XML 1.0 forbids written as ``\xNN`` (as tracekit shows them).

    >>> _xml_text("ACME\x1b[31m LTD\tHK")
    'ACME\\x1b[31m LTD\tHK'
    """
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}",
                        text)


def _scalar(value: object) -> object | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item") and callable(value.item):
        value = value.item()
    if isinstance(value, list | tuple | set | frozenset):
        return _xml_text("; ".join(str(v) for v in value)) or None
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _EXACT_IN_DOUBLE:
        return str(value)  # a 62-bit id read back through a double would be another id
    if isinstance(value, bool | int | float):
        return value
    return _xml_text(str(value))


def _one_type_per_attribute(items: list[dict]) -> None:
    """Give each attribute one type across all nodes (or edges): GraphML declares one key per name and
    type, and readers such as igraph refuse or merge a name declared twice (``risk`` 0 and 0.4)."""
    kinds: dict[str, set[type]] = {}
    for attrs in items:
        for key, value in attrs.items():
            kinds.setdefault(key, set()).add(type(value))
    for key, found in kinds.items():
        if len(found) < 2:
            continue
        cast = float if found <= {int, float, bool} and bool not in found else str
        for attrs in items:
            if key in attrs:
                attrs[key] = cast(attrs[key])


def exportable_graph(G: nx.Graph) -> nx.DiGraph:
    """A copy of ``G`` with string node ids and only scalar, non-missing attributes.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_node(7, label="ACME", flags=["new", "hub"], risk=None)
    >>> G.add_node(3358655674813842945, label="=HYPERLINK()", risk=0)
    >>> G.add_node(8, risk=0.5)
    >>> [dict(a) for _, a in exportable_graph(G).nodes(data=True)]  # doctest: +NORMALIZE_WHITESPACE
    [{'label': 'ACME', 'flags': 'new; hub', 'entity_id': '7'},
     {'label': '=HYPERLINK()', 'risk': 0.0, 'entity_id': '3358655674813842945'},
     {'risk': 0.5, 'entity_id': '8'}]
    """
    nodes = []
    for node, attrs in G.nodes(data=True):
        clean = {k: s for k, v in attrs.items() if (s := _scalar(v)) is not None}
        if isinstance(node, int):
            clean["entity_id"] = str(node)  # text: GraphML readers hold numbers in doubles
        nodes.append((_xml_text(str(node)), clean))
    edges = [(_xml_text(str(u)), _xml_text(str(v)), {k: s for k, v2 in attrs.items() if (s := _scalar(v2)) is not None})
             for u, v, attrs in G.edges(data=True)]
    _one_type_per_attribute([attrs for _, attrs in nodes])
    _one_type_per_attribute([attrs for _, _, attrs in edges])
    out = nx.DiGraph()
    out.add_nodes_from(nodes)
    out.add_edges_from(edges)
    return out


def write_graphml(G: nx.Graph, path: str | Path) -> Path:
    """Write ``G`` as GraphML (yEd, Cytoscape desktop, Gephi); returns the path."""
    path = Path(path)
    nx.write_graphml(exportable_graph(G), path)
    return path


def write_gexf(G: nx.Graph, path: str | Path) -> Path:
    """Write ``G`` as GEXF 1.2 (Gephi's own format); returns the path."""
    path = Path(path)
    nx.write_gexf(exportable_graph(G), path)
    return path
