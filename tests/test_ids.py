"""Ids survive every consumer: no verb, table, drawing or JSON rounds a 63-bit id through a float.

The worlds here have entity ids above 2^53 with their low bits set, so an id that passes through a
float64 anywhere comes back as a different number and these exact-equality checks fail.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.graph.conftest import build_world
from tracekit.cli import main
from tracekit.store.ids import IdPrecisionError, id_array, id_series, id_value, json_ids

BASE = 3358655674813842945  # the id of the bug report, +1: not a float64 (doubles near it step by 512)


def big_id(k: int) -> int:
    return BASE + 1024 * k + 2 * k + 1  # odd, > 2^53, and float64(id) != id


def test_the_ids_used_here_do_not_survive_a_float():
    assert all(int(float(big_id(k))) != big_id(k) for k in range(20))


# -- the helpers -----------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)), max_size=40))
def test_id_series_keeps_every_id_exactly_with_nulls_mixed_in(values):
    series = id_series(values)
    assert str(series.dtype) == "Int64"
    assert [None if v is pd.NA else int(v) for v in series.tolist()] == values
    # the same through a DuckDB round trip (nullable BIGINT) and through JSON text
    import duckdb

    con = duckdb.connect()
    con.register("t", pd.DataFrame({"id": series}))
    back = con.sql("SELECT id FROM t").df()["id"]
    assert [None if v is pd.NA else int(v) for v in id_series(back).tolist()] == values
    assert [id_value(v) for v in json.loads(json.dumps(json_ids({"ids": values})))["ids"]] == values
    kept = [v for v in values if v is not None]
    assert id_array(series.dropna()).tolist() == kept


def test_a_float_id_is_refused_not_rounded():
    with pytest.raises(IdPrecisionError):
        id_series(pd.Series([float(BASE), np.nan]))
    with pytest.raises(IdPrecisionError):
        id_value(3.358655674813843e18)
    with pytest.raises(IdPrecisionError):
        id_array(pd.Series([BASE, None], dtype="Int64"))  # a missing id where every row needs one


def test_json_ids_writes_ids_as_strings_and_leaves_counts_alone():
    out = json_ids({"rows": [{"src": BASE, "via": None, "shipments": 3, "entity_ids": [BASE, 7],
                              "score": 1.5, "name": "ACME"}], "huge_count": 2**60})
    assert out == {"rows": [{"src": str(BASE), "via": None, "shipments": 3, "entity_ids": [str(BASE), "7"],
                             "score": 1.5, "name": "ACME"}], "huge_count": str(2**60)}


# -- every verb on a world of big ids -----------------------------------------------------------------

def _swap_world():
    """A maker's flow to an importer moves behind a new Hong Kong intermediary in 2024 (+ shell firms)."""
    rows = []
    for m in range(1, 7):
        rows.append({"shipper": "MAKER CO", "consignee": "IMPORTER SA", "date": f"2023-{m:02d}-03",
                     "hs": "293339", "description": "4-piperidone", "pol": "SHANGHAI"})
        rows.append({"shipper": "STEADY CO", "consignee": "IMPORTER SA", "date": f"2023-{m:02d}-03",
                     "hs": "291400", "description": "acetone", "pol": "SHANGHAI"})
        rows.append({"shipper": "MAKER CO", "consignee": "FRONT HK LTD", "date": f"2024-{m:02d}-03",
                     "hs": "293339", "description": "4-piperidone", "pol": "NINGBO"})
        rows.append({"shipper": "FRONT HK LTD", "consignee": "IMPORTER SA", "date": f"2024-{m:02d}-20",
                     "hs": "293339", "description": "chemical"})
        rows.append({"shipper": "STEADY CO", "consignee": "IMPORTER SA", "date": f"2024-{m:02d}-03",
                     "hs": "382499", "description": "acetone", "pol": "QINGDAO"})
    rows += [{"shipper": f"SHELL {i} LTD", "consignee": "IMPORTER SA", "date": "2024-06-01", "hs": "293339",
              "description": "N-phenethyl-4-piperidone"} for i in range(3)]
    companies = {f"SHELL {i} LTD": {"address": "rm 1201 tower 5", "phone": "85212345678"} for i in range(3)}
    return rows, companies


@pytest.fixture
def big(tmp_path):
    import tracekit

    folder = tmp_path / "ws"
    ws = tracekit.Workspace(folder)
    rows, companies = _swap_world()
    ids = build_world(ws, rows, companies, id_of=big_id)
    yield ws, ids, folder
    ws.close()


def _company_nodes(graph) -> set:
    return {n for n, d in graph.nodes(data=True) if d.get("kind") == "company"}


def test_every_graph_verb_returns_the_stored_ids(big):
    ws, ids, _ = big
    stored = set(ids.values())
    maker, front, importer = ids["MAKER CO"], ids["FRONT HK LTD"], ids["IMPORTER SA"]

    trace = ws.trace(maker, hops=2)
    assert set(trace.to_frame()["dst"]) <= stored and front in set(trace.to_frame()["dst"])
    assert _company_nodes(trace.graph) <= stored and maker in trace.graph

    paths = ws.paths(maker, importer)
    route = paths.to_frame()["entity_ids"].iloc[0]
    assert route[0] == maker and route[-1] == importer and set(route) <= stored
    assert paths.to_frame()["path"].iloc[0].startswith("MAKER CO")  # names beside the ids
    assert _company_nodes(paths.graph) <= stored

    near = ws.neighbourhood(front)
    assert _company_nodes(near.graph) == {maker, importer, front}

    clusters = ws.shell_clusters(max_share=6)
    assert _company_nodes(clusters.graph) <= stored
    assert {ids[f"SHELL {i} LTD"] for i in range(3)} <= _company_nodes(clusters.graph)

    communities = ws.communities()
    assert set(communities.membership["entity_id"]) == {ids[n] for n in ids if n in
                                                         {"MAKER CO", "FRONT HK LTD", "IMPORTER SA", "STEADY CO",
                                                          "SHELL 0 LTD", "SHELL 1 LTD", "SHELL 2 LTD"}}

    changes = ws.changes("2023", "2024").to_frame()
    first = changes.iloc[0]
    assert (first["kind"], first["src"], first["via"], first["dst"]) == ("new_intermediary", maker, front, importer)
    assert all(isinstance(v, int | np.integer) for v in changes["via"].dropna())
    assert set(changes["src"]) | set(changes["dst"]) | set(changes["via"].dropna()) <= stored
    assert _company_nodes(ws.changes("2023", "2024").graph) <= stored


def test_the_changes_intermediary_is_named(big):
    ws, ids, _ = big
    result = ws.changes("2023", "2024")
    first = result.to_frame().iloc[0]
    assert first["via_name"] == "FRONT HK LTD" and first["src_name"] == "MAKER CO"
    assert first["dst_name"] == "IMPORTER SA"
    text, page = str(result), result._repr_html_()
    assert "FRONT HK LTD" in text and "FRONT HK LTD" in page
    assert "entity 3358655674813842944" not in text  # the bug: a rounded id that matched nothing
    assert result.graph.nodes[ids["FRONT HK LTD"]]["label"] == "FRONT HK LTD"
    # drawings show the name with the exact id: SVG tooltips and the widget's elements
    from tracekit.views.elements import to_elements

    svg = result._repr_svg_()
    assert "FRONT HK LTD" in svg and f"entity {ids['FRONT HK LTD']}" in svg
    element = next(e for e in to_elements(result.graph) if e["data"]["id"] == str(ids["FRONT HK LTD"]))
    assert element["data"]["label"] == "FRONT HK LTD" and str(ids["FRONT HK LTD"]) in element["data"]["tk_tip"]


def test_every_change_names_every_company_it_shows(big):
    frame = big[0].changes("2023", "2024").to_frame()
    for column in ("src", "dst", "via"):
        shown = frame[frame[column].notna()]
        assert shown[f"{column}_name"].notna().all(), column


def _cli_json(argv, folder, capsys):
    assert main([*argv, "-w", str(folder), "--json"]) == 0, argv
    return json.loads(capsys.readouterr().out)


def _strings_only(value, key=None):
    """Every id in a JSON document: integers under an id key are a failure (they would be rounded)."""
    from tracekit.store.ids import is_id_key

    found = []
    if isinstance(value, dict):
        for k, v in value.items():
            found += _strings_only(v, k)
    elif isinstance(value, list):
        for v in value:
            found += _strings_only(v, key)
    elif key is not None and is_id_key(key):
        assert value is None or isinstance(value, str), (key, value)
        if value is not None:
            found.append(value)
    else:
        assert not (isinstance(value, int) and abs(value) >= 2**53), (key, value)
    return found


def test_cli_json_writes_ids_as_strings_that_round_trip(big, capsys):
    ws, ids, folder = big
    stored = {str(i) for i in ids.values()}
    maker, front, importer = (str(ids[n]) for n in ("MAKER CO", "FRONT HK LTD", "IMPORTER SA"))
    ws.close()

    out = _cli_json(["changes", "--before", "2023", "--after", "2024"], folder, capsys)
    first = out["rows"][0]
    assert (first["src"], first["via"], first["dst"]) == (maker, front, importer)
    assert first["via_name"] == "FRONT HK LTD"

    for argv in (["trace", "MAKER CO", "--hops", "2"], ["paths", "MAKER CO", "IMPORTER SA"],
                 ["neighbours", "FRONT HK LTD"], ["clusters", "--max-share", "6"], ["communities"],
                 ["changes", "--before", "2023", "--after", "2024"], ["search", "FRONT HK"]):
        document = _cli_json(argv, folder, capsys)
        found = _strings_only(document)
        entity_like = {v for v in found if len(v) >= 17}  # entity ids here are all 19 digits
        assert entity_like <= stored, argv
    assert front in {r["entity_id"] for r in _cli_json(["search", "FRONT HK"], folder, capsys)}
    paths = _cli_json(["paths", "MAKER CO", "IMPORTER SA"], folder, capsys)["rows"][0]["entity_ids"]
    assert paths[0] == maker and paths[-1] == importer


# -- resolution's own ids (62-bit hashes) through search, explain, merge and export ------------------

def test_resolved_ids_round_trip_through_the_resolve_verbs(tmp_path, capsys):
    import tracekit
    from tests.resolve.conftest import add_mentions

    folder = tmp_path / "ws"
    with tracekit.Workspace(folder) as ws:
        mentions = add_mentions(ws, [
            {"name": "Qingdao Ruojin Chemical Co., Ltd.", "country": "CN", "phone": "+86 532 7461 8988"},
            {"name": "QINGDAO RUOJIN CHEMICAL CO LTD", "country": "CN", "phone": "0086-532-74618988"},
            {"name": "Importadora Norte S.A. de C.V.", "country": "MX"},
            {"name": "IMPORTADORA NORTE SA DE CV", "country": "MX"},
        ])
        ws.resolve(progress=False)
        stored = ws.sql("SELECT mention_id, entity_id FROM mention_entities ORDER BY mention_id")
        assert (stored["entity_id"] >= 2**53).all()  # real ids are beyond a double's exact range
        entity = dict(zip(stored["mention_id"].tolist(), stored["entity_id"].tolist(), strict=True))
        qingdao, norte = entity[mentions[0]], entity[mentions[2]]
        assert entity[mentions[1]] == qingdao and entity[mentions[3]] == norte
        hits = ws.search("qingdao ruojin")
        assert hits["entity_id"].iloc[0] == qingdao
        card = ws.explain(qingdao)
        assert card.entity["entity_id"] == qingdao and "Qingdao" in str(card)

    found = _cli_json(["search", "qingdao", "ruojin"], folder, capsys)
    assert found[0]["entity_id"] == str(qingdao) and "Qingdao" in found[0]["name"].title()
    card = _cli_json(["explain", str(qingdao)], folder, capsys)
    assert card["entity"]["entity_id"] == str(qingdao) and card["entity"]["name"]
    pair = _cli_json(["explain", str(mentions[0]), str(mentions[2])], folder, capsys)
    assert {pair["left"]["entity_id"], pair["right"]["entity_id"]} == {str(qingdao), str(norte)}
    assert pair["left"]["name"] and pair["right"]["name"]  # names beside the ids
    _strings_only(pair)
    _strings_only(card)
    out = tmp_path / "mentions.csv"
    assert main(["export", "mentions", "--out", str(out), "-w", str(folder)]) == 0
    exported = pd.read_csv(out, dtype={"entity_id": str})
    assert set(exported["entity_id"]) == {str(qingdao), str(norte)}
    assert exported["entity_name"].notna().all()
