"""Shipment flags: misdeclaration, transshipment, placeholders, relays; source rows; watch lists; CLI/JSON."""

from __future__ import annotations

import json

import pytest

from tracekit.errors import TracekitError
from tracekit.graph.watchlists import WatchlistError
from tracekit.query.prepared import graph_index

CO = {"Maker Chem": {"country": "CN"}, "HK Trade": {"country": "HK"}, "Mex Import": {"country": "MX"},
      "India Shell": {"country": "IN"}, "US Buyer": {"country": "US"}, "Klang Chem": {"country": "MY"},
      "Ocean Line Logistics": {"country": "US"}}


def _flags(ws) -> dict[int, set[str]]:
    graph_index(ws)
    rows = ws.sql("SELECT shipment_id & 4294967295 AS i, flag FROM graph_shipment_flags")
    out: dict[int, set[str]] = {}
    for i, flag in zip(rows["i"], rows["flag"], strict=True):
        out.setdefault(int(i), set()).add(flag)
    return out


def test_misdeclared_both_ways(world):
    ws, _ = world([
        {"shipper": "Maker Chem", "consignee": "HK Trade", "date": "2024-01-05", "hs": "3824999000",
         "description": "N-PHENETHYL-4-PIPERIDONE 25KG"},
        {"shipper": "Maker Chem", "consignee": "HK Trade", "date": "2024-01-06", "hs": "2933370000",
         "description": "WATER TREATMENT AGENT"},
        {"shipper": "Maker Chem", "consignee": "HK Trade", "date": "2024-01-07", "hs": "2933370000",
         "description": "NPP 99%"},
        {"shipper": "Maker Chem", "consignee": "HK Trade", "date": "2024-01-08", "hs": "2933399073",
         "description": "4-ANILINOPIPERIDINE"},
    ], CO)
    flags = _flags(ws)
    assert {"precursor_named", "misdeclared"} <= flags[0] and "precursor_hs" not in flags[0]
    assert {"precursor_hs", "misdeclared"} <= flags[1]
    assert "misdeclared" not in flags[2] and {"precursor_named", "precursor_hs"} <= flags[2]
    assert "precursor_hs" in flags[3] and "misdeclared" not in flags[3]
    reasons = ws.sql("SELECT line, reason FROM graph_shipment_flags WHERE flag = 'misdeclared' ORDER BY line")
    assert "outside heading 2933" in reasons["reason"][0] and "3824999000" in reasons["reason"][0]
    assert 'says "WATER TREATMENT AGENT"' in reasons["reason"][1]
    national = ws.sql("SELECT reason FROM graph_shipment_flags WHERE flag = 'precursor_hs' AND line = 5")
    assert "CN national line 2933399073" in national["reason"][0]


def test_transshipment_from_port_majority_locode_and_origin(world):
    klang = [{"shipper": "Klang Chem", "consignee": "US Buyer", "date": f"2024-02-{d:02d}", "hs": "2815110000",
              "description": "CAUSTIC SODA", "pol": "PORT KLANG"} for d in range(1, 8)]
    ws, ids = world(klang + [
        {"shipper": "India Shell", "consignee": "US Buyer", "date": "2024-03-01", "hs": "2933399000",
         "description": "CHEMICAL RAW MATERIAL", "pol": "PORT KLANG"},
        {"shipper": "HK Trade", "consignee": "Mex Import", "date": "2024-03-02", "hs": "2933399000",
         "description": "X", "pol": "CN SHA"},
        {"shipper": "HK Trade", "consignee": "Mex Import", "date": "2024-03-03", "hs": "2933399000",
         "description": "X", "origin": "CN"},
        {"shipper": "Maker Chem", "consignee": "Mex Import", "date": "2024-03-04", "hs": "2933399000",
         "description": "X", "origin": "CN"},
    ], CO)
    flags = _flags(ws)
    assert all("transshipment" not in flags.get(i, set()) for i in range(7)), "the port's own shippers"
    assert "transshipment" in flags[7] and "transshipment" in flags[8] and "transshipment" in flags[9]
    assert "transshipment" not in flags.get(10, set())
    rows = ws.sql("SELECT line, entity_id, role, reason FROM graph_shipment_flags WHERE flag = 'transshipment' "
                  "ORDER BY line")
    assert rows["reason"][0].startswith("port PORT KLANG is in MY (7 of the 8")
    assert "UN/LOCODE CN SHA is in CN" in rows["reason"][1] and "goods of CN origin" in rows["reason"][2]
    assert set(rows["role"]) == {"shipper"} and rows["entity_id"][0] == ids["India Shell"]


def test_placeholder_parties_new_company_and_relay(world):
    ws, ids = world([
        {"shipper": "Maker Chem", "consignee": "TO ORDER", "notify": "Mex Import", "date": "2022-01-01",
         "hs": "2815110000", "description": "CAUSTIC SODA", "kg": 20000},
        {"shipper": "Maker Chem", "consignee": "Ocean Line Logistics", "notify": "US Buyer", "date": "2022-02-01",
         "hs": "2815110000", "description": "CAUSTIC SODA", "kg": 20000},
        {"shipper": "Maker Chem", "consignee": "HK Trade", "date": "2024-01-01", "hs": "2933399000",
         "description": "4-PIPERIDONE HCL", "kg": 200},
        {"shipper": "HK Trade", "consignee": "Mex Import", "date": "2024-01-20", "hs": "3824999000",
         "description": "WATER TREATMENT CHEMICAL", "kg": 210},
        {"shipper": "HK Trade", "consignee": "Mex Import", "date": "2024-01-25", "hs": "2902300000",
         "description": "TOLUENE", "kg": 20000},
        {"shipper": "India Shell", "consignee": "US Buyer", "date": "2024-01-10", "hs": "2933399000",
         "description": "FINE CHEMICAL", "kg": 50},
    ], CO)
    flags = _flags(ws)
    assert "placeholder_party" in flags[0] and "placeholder_party" in flags[1]
    assert "relay" in flags[3], "the quantity that came in goes out under a new name"
    assert "relay" not in flags.get(4, set()), "a bulk lot is not the small lot received"
    assert "new_one_buyer" in flags[5] and "new_one_buyer" not in flags[3], "HK Trade sells two products"
    relay = ws.sql("SELECT reason, evidence FROM graph_shipment_flags WHERE flag = 'relay'")
    assert "received flagged goods (precursor_named: 4-piperidone" in relay["reason"][0]
    assert json.loads(relay["evidence"][0])["received"] == [(1 << 32) | 2]
    entity = ws.sql("SELECT flag FROM graph_flags WHERE entity_id = ?", [ids["HK Trade"]])
    assert {"precursor", "relay"} <= set(entity["flag"])


def test_every_flag_points_at_its_source_row(world):
    ws, _ = world([{"shipper": "Maker Chem", "consignee": "HK Trade", "date": "2024-01-05", "hs": "2933370000",
                    "description": "N-苯乙基-4-哌啶酮 CAS 39742-60-4"}], CO)
    graph_index(ws)
    rows = ws.sql("SELECT f.source_file, f.line, s.line AS shipment_line, f.matched_text, f.flag "
                  "FROM graph_shipment_flags f JOIN shipments s USING (shipment_id)")
    assert set(rows["flag"]) >= {"precursor_named", "cas", "precursor_hs"}
    assert (rows["source_file"] == "world.csv").all() and (rows["line"] == rows["shipment_line"]).all()
    assert set(rows["matched_text"]) >= {"N-苯乙基-4-哌啶酮", "39742-60-4"}
    result = ws.flags()
    top = result.to_frame().iloc[0]
    assert top["source_file"] == "world.csv" and top["line"] == 2 and "NPP" in top["chemicals"]
    assert len(result.evidence(int(top["shipment_id"]))) == len(rows)
    assert set(result.entities["name"]) == {"Maker Chem", "HK Trade"}


def test_flags_html_escapes_untrusted_text(world):
    ws, _ = world([{"shipper": "<script>alert(1)</script>", "consignee": "HK Trade", "date": "2024-01-05",
                    "hs": "2933370000", "description": "NPP <b>bold</b>"}], CO)
    page = ws.flags()._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page and "<b>bold" not in page


def test_unknown_flag_is_named(world):
    ws, _ = world([{"shipper": "Maker Chem", "consignee": "HK Trade", "date": "2024-01-05", "hs": "29",
                    "description": "X"}], CO)
    with pytest.raises(TracekitError, match="unknown flag"):
        ws.flags(flag="precursr")


# -- watch lists ---------------------------------------------------------------------------------------

HEADER = "list,chemical,kind,term,language,country,cas,hs,control,source\n"


@pytest.mark.parametrize("body, where", [
    ("meth,ephedrine,name,ephedrine,en,,299-42-3,293941,UN Table I,\n", "row 2 column source"),
    ("meth,ephedrine,cas,299-42-4,any,,,293941,UN Table I,https://pubchem\n", "row 2 column term"),
    ("meth,ephedrine,name,ephedrine,en,,,293941,x,s\nmeth,ephedrine,colour,red,en,,,,x,s\n", "row 3 column kind"),
    ("meth,,name,ephedrine,en,,,293941,x,s\n", "row 2 column chemical"),
    ("meth,ephedrine,national_hs,29394100,any,,,,x,s\n", "row 2 column country"),
])
def test_a_bad_watchlist_names_file_row_and_column(workspace, tmp_path, body, where):
    path = tmp_path / "mine.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(WatchlistError) as err:
        workspace.watchlists.add(path)
    assert str(path) in str(err.value) and where in str(err.value)


def test_a_missing_column_is_named(workspace, tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("list,chemical,term\nmeth,ephedrine,ephedrine\n", encoding="utf-8")
    with pytest.raises(WatchlistError, match=r"mine.csv row 1 \(header\): missing column\(s\) kind, source"):
        workspace.watchlists.add(path)


def test_user_watchlist_flags_shipments_and_can_be_removed(world, tmp_path):
    ws, _ = world([{"shipper": "Maker Chem", "consignee": "HK Trade", "date": "2024-01-05", "hs": "2939410000",
                    "description": "EPHEDRINE HCL 25KG"}], CO)
    assert "precursor_named" not in _flags(ws).get(0, set())
    path = tmp_path / "meth.csv"
    path.write_text(HEADER + "meth-precursors,ephedrine,name,ephedrine,en,,299-42-3,293941,UN 1988 Table I,"
                    "https://pubchem.ncbi.nlm.nih.gov/compound/9294\n", encoding="utf-8")
    summary = ws.watchlists.add(path)
    assert summary["list"].tolist() == ["meth-precursors"] and summary["terms"].tolist() == [1]
    assert "precursor_named" in _flags(ws)[0]
    with pytest.raises(WatchlistError, match="already has"):
        ws.watchlists.add(path)
    with pytest.raises(WatchlistError, match="built in"):
        ws.watchlists.remove("fentanyl-precursors")
    assert ws.watchlists.remove("meth-precursors") == 1
    assert "precursor_named" not in _flags(ws).get(0, set())


# -- CLI and magic -------------------------------------------------------------------------------------

def test_cli_flags_json_and_watchlist_add(tmp_path, capsys):
    import pandas as pd

    from tracekit.cli import main

    bills = tmp_path / "bills.csv"
    pd.DataFrame({"shipper_name": ["Alpha Chem Co", "Alpha Chem Co"], "consignee_name": ["Beta SA", "Gamma SA"],
                  "hs_code": ["293337", "293339"], "description": ["NPP 99%", "CHEMICAL RAW MATERIAL"],
                  "date": ["2023-01-02", "2023-02-03"]}).to_csv(bills, index=False)
    ws = str(tmp_path / "ws")
    assert main(["load", str(bills), "-w", ws]) == 0
    assert main(["resolve", "-w", ws]) == 0
    capsys.readouterr()
    assert main(["flags", "-w", ws, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rows"][0]["line"] == 2 and "precursor_named" in out["rows"][0]["flags"]
    assert out["rows"][0]["source_file"].endswith("bills.csv") and out["entities"]
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "x,y,name,,en,,,,,s\n", encoding="utf-8")
    assert main(["watchlists", "add", str(bad), "-w", ws]) != 0
    assert "bad.csv row 2 column term" in capsys.readouterr().err


def test_magic_tk_flags(tmp_path, monkeypatch):
    import pandas as pd
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.setenv("TRACEKIT_WORKSPACE", str(tmp_path / "ws"))
    bills = tmp_path / "bills.csv"
    pd.DataFrame({"shipper_name": ["Alpha Chem Co"], "consignee_name": ["Beta SA"], "hs_code": ["293337"],
                  "description": ["4-哌啶酮"], "date": ["2023-01-02"]}).to_csv(bills, index=False)
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "tracekit")
    try:
        ip.user_ns["bills"] = str(bills)
        ip.run_cell("%tk load {bills}")
        ip.run_cell("%tk resolve")
        assert ip.run_cell("%tk flags -o found").success
        found = ip.user_ns["found"]
        assert "precursor_named" in found.to_frame()["flags"][0]
    finally:
        ip.run_line_magic("tk", "close")
        ip.run_line_magic("unload_ext", "tracekit")


def test_unit_value_outlier_and_vague_only_on_chemical_chapters(world):
    bulk = [{"shipper": "Klang Chem", "consignee": "US Buyer", "date": f"2024-01-{1 + d % 28:02d}",
             "hs": "3824999000", "description": "WATER TREATMENT CHEMICAL", "kg": 10000, "usd": 18000 + 100 * d}
            for d in range(35)]
    ws, _ = world(bulk + [
        {"shipper": "HK Trade", "consignee": "US Buyer", "date": "2024-02-01", "hs": "3824999000",
         "description": "WATER TREATMENT CHEMICAL", "kg": 200, "usd": 9000},
        {"shipper": "HK Trade", "consignee": "US Buyer", "date": "2024-02-02", "hs": "8471300000",
         "description": "SAID TO CONTAIN 20 LAPTOPS", "kg": 500, "usd": 50000},
        {"shipper": "HK Trade", "consignee": "US Buyer", "date": "2024-02-03", "hs": "2942000000",
         "description": "SAID TO CONTAIN ORGANIC COMPOUND NES", "kg": 50, "usd": 900},
    ], CO)
    flags = _flags(ws)
    assert all("unit_value" not in flags.get(i, set()) for i in range(35)), "ordinary price spread"
    assert "unit_value" in flags[35]
    reason = ws.sql("SELECT reason FROM graph_shipment_flags WHERE flag = 'unit_value'")["reason"][0]
    assert reason.startswith("declared at $45.00/kg") and "HS 382499" in reason
    assert "vague_chemical" not in flags.get(36, set()), "a laptop bill is not a chemical declaration"
    assert "vague_chemical" in flags[37]


def test_flags_follow_the_graph_fingerprint(world):
    ws, ids = world([{"shipper": "Maker Chem", "consignee": "HK Trade", "date": "2024-01-05", "hs": "2933370000",
                      "description": "NPP"},
                     {"shipper": "Mex Import", "consignee": "US Buyer", "date": "2024-01-06", "hs": "6109100000",
                      "description": "T-SHIRTS"}], CO)
    graph_index(ws)
    flagged = set(ws.sql("SELECT entity_id FROM graph_flags WHERE flag = 'precursor'")["entity_id"])
    assert ids["HK Trade"] in flagged and ids["Mex Import"] not in flagged
    # a resolution change (HK Trade's mention now resolves to Mex Import) changes the fingerprint
    ws.store.execute("UPDATE mention_entities SET entity_id = ? WHERE entity_id = ?", [ids["Mex Import"],
                                                                                       ids["HK Trade"]])
    graph_index(ws)
    flagged = set(ws.sql("SELECT entity_id FROM graph_flags WHERE flag = 'precursor'")["entity_id"])
    assert ids["Mex Import"] in flagged and ids["HK Trade"] not in flagged
