"""neighbourhood, communities, shell clusters, changes, the whole graph, and the CLI verbs."""

from __future__ import annotations

import json

import pytest

from tracekit.cli import main


def test_neighbourhood_folds_overflow_into_a_more_node(world):
    rows = [{"shipper": "HUB CHEMICAL", "consignee": f"BUYER {i:02d} SA", "date": "2024-01-01"}
            for i in range(12)]
    rows += [{"shipper": "HUB CHEMICAL", "consignee": "BUYER 00 SA", "date": "2024-02-01"}] * 4
    rows += [{"shipper": "SUPPLIER ONE", "consignee": "HUB CHEMICAL", "date": "2024-01-01"}] * 2
    ws, ids = world(rows)
    result = ws.neighbourhood("HUB CHEMICAL", hops=1, limit=5)
    hub = ids["HUB CHEMICAL"]
    more = result.graph.nodes[f"more:{hub}"]
    assert more["kind"] == "more" and more["hidden"] == 13 - 5
    companies = [n for n, d in result.graph.nodes(data=True) if d["kind"] == "company"]
    assert len(companies) == 6 and ids["BUYER 00 SA"] in companies  # busiest partner kept
    assert result.graph.nodes[ids["SUPPLIER ONE"]]["tier"] == -1


def test_communities_find_two_planted_groups(world):
    rows = []
    for group in ("EAST", "WEST"):
        members = [f"{group} CO {i}" for i in range(5)]
        rows += [{"shipper": a, "consignee": b, "date": "2024-01-01", "hs": "293339"}
                 for a in members for b in members if a != b]
    rows += [{"shipper": "EAST CO 0", "consignee": "WEST CO 0", "date": "2024-01-01"}]
    ws, ids = world(rows)
    for method in ("leiden", "louvain"):
        result = ws.communities(method)
        member = result.membership.set_index("entity_id")["community"]
        east = {member[ids[f"EAST CO {i}"]] for i in range(5)}
        west = {member[ids[f"WEST CO {i}"]] for i in range(5)}
        assert len(east) == 1 and len(west) == 1 and east != west
        frame = result.to_frame()
        assert frame["size"].tolist() == [5, 5] and frame["internal_shipments"].tolist() == [20, 20]
        assert list(frame["top_hs"].iloc[0]) == ["293339"]
    # saved membership shows up on later graphs
    assert ws.trace(ids["EAST CO 1"]).graph.nodes[ids["EAST CO 1"]]["community"] is not None


def test_shell_clusters_rank_the_planted_cluster_first(world):
    rows = [{"shipper": f"SHELL {i} LTD", "consignee": "IMPORTADORA NORTE", "date": "2024-06-01",
             "hs": "293339", "description": "N-phenethyl-4-piperidone"} for i in range(4)]
    rows += [{"shipper": "OLD FIRM A", "consignee": "OLD FIRM B", "date": "2022-01-01", "hs": "848180"},
             {"shipper": "OLD FIRM B", "consignee": "OLD FIRM A", "date": "2022-02-01", "hs": "848180"},
             {"shipper": "OLD FIRM A", "consignee": "OLD FIRM C", "date": "2022-02-01", "hs": "848181"}]
    companies = {f"SHELL {i} LTD": {"address": "rm 1201 tower 5", "phone": "85212345678"} for i in range(4)}
    companies |= {"OLD FIRM A": {"phone": "5550001"}, "OLD FIRM B": {"phone": "5550001"}}
    companies |= {f"AGENT CLIENT {i}": {"address": "registered agent 1"} for i in range(8)}
    ws, ids = world(rows, companies)
    result = ws.shell_clusters(max_share=6)
    frame = result.to_frame()
    top = frame.iloc[0]
    assert sorted(top["members"]) == [f"SHELL {i} LTD" for i in range(4)]
    assert top["watch_listed"] == 4 and top["one_buyer_one_product"] == 4 and top["max_at_one_key"] == 4
    assert len(frame) == 2  # the registered agent's 8 clients are not chained together (max_share)
    assert ids["SHELL 0 LTD"] in result.graph


def test_changes_find_the_intermediary_swap_first(world):
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
    ws, ids = world(rows)
    frame = ws.changes("2023", "2024").to_frame()
    first = frame.iloc[0]
    assert (first["kind"], first["src"], first["via"], first["dst"]) == (
        "new_intermediary", ids["MAKER CO"], ids["FRONT HK LTD"], ids["IMPORTER SA"])
    kinds = set(frame["kind"])
    assert {"hs_shift", "route_shift", "vanished_counterparty", "new_counterparty"} <= kinds
    shift = frame[frame["kind"] == "hs_shift"].iloc[0]
    assert (shift["before"], shift["after"]) == ("291400", "382499")


def test_whole_graph_with_context_nodes(world):
    rows = [{"shipper": "ACME CHEM", "consignee": "BETA SA", "notify": "GAMMA BROKER", "date": "2024-01-01",
             "hs": "293339", "pol": "SHANGHAI"}]
    ws, ids = world(rows, {"ACME CHEM": {"address": "no 1 road"}, "GAMMA BROKER": {"address": "no 1 road"}})
    graph = ws.graph(context=["notify", "shared", "product", "port", "address"])
    assert graph.edges[ids["BETA SA"], ids["GAMMA BROKER"]]["kind"] == "notify"
    assert graph.edges[ids["ACME CHEM"], ids["GAMMA BROKER"]]["kind"] == "shared_address"
    assert graph.nodes["hs:293339"]["kind"] == "product" and graph.nodes["port:SHANGHAI"]["kind"] == "port"
    assert graph.nodes["addr:no 1 road"]["kind"] == "address"
    assert ws.graph(hs="8481").number_of_edges() == 0


def test_cli_verbs_print_json(world, tmp_path, capsys):
    import tracekit
    from tests.graph.conftest import build_world

    folder = tmp_path / "ws"
    with tracekit.Workspace(folder) as ws:
        build_world(ws, [{"shipper": "ACME CHEM", "consignee": "BETA SA", "date": "2024-01-01", "hs": "293339"},
                         {"shipper": "BETA SA", "consignee": "DELTA LAB", "date": "2024-02-01", "hs": "293339"}])
    assert main(["trace", "ACME CHEM", "--hops", "2", "--hs", "2933", "-w", str(folder), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [r["dst_name"] for r in out["rows"]] == ["BETA SA", "DELTA LAB"]
    assert main(["paths", "ACME CHEM", "DELTA LAB", "-w", str(folder), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"][0]["hops"] == 2
    for argv in (["communities"], ["clusters"], ["changes", "--before", "2024-01", "--after", "2024-02"],
                 ["neighbours", "BETA SA"]):
        assert main([*argv, "-w", str(folder)]) == 0, argv
    assert main(["trace", "NOBODY AT ALL", "-w", str(folder)]) == 2
    assert "no entity matches" in capsys.readouterr().err


@pytest.mark.parametrize("window", ["2023-13", "2024..2023", "x"])
def test_changes_rejects_bad_windows(world, window):
    from tracekit.errors import TracekitError

    ws, _ = world([{"shipper": "ACME CHEM", "consignee": "BETA SA", "date": "2024-01-01"}])
    with pytest.raises(TracekitError):
        ws.changes(window, "2025")


def test_edge_ends_without_an_entity_row_still_trace(world):
    ws, ids = world([{"shipper": "ACME CHEM", "consignee": "BETA SA", "date": "2024-01-01"},
                     {"shipper": "BETA SA", "consignee": "GHOST TRADING", "date": "2024-02-01"}])
    ws.store.execute("DELETE FROM entities WHERE entity_id = ?", [ids["GHOST TRADING"]])
    result = ws.trace(ids["ACME CHEM"], hops=2)
    assert result.graph.nodes[ids["GHOST TRADING"]]["tier"] == 2
    assert result.graph.nodes[ids["GHOST TRADING"]]["label"] == f"unnamed entity {ids['GHOST TRADING']}"
