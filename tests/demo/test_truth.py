"""truth.json and truth-mentions.parquet agree with the files, row by row."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from tests.demo.conftest import NAME_COLUMNS

ID_COLUMN = {"shipments-us.csv": "identifier", "shipments-mx.csv": "PEDIMENTO", "shipments-intl.csv": "BL_NUMBER"}
DATE_COLUMN = {"shipments-us.csv": "actual_arrival_date", "shipments-mx.csv": "FECHA",
               "shipments-intl.csv": "SHIPMENT_DATE"}


def _iso(file: str, text: str) -> str:
    return "-".join(reversed(text.split("/"))) if file == "shipments-mx.csv" else text


def test_every_mention_has_a_truth_row_and_vice_versa(files, mentions):
    from_files = set()
    for name, (header, rows) in files.items():
        col = {c: header.index(c) for c in header}
        for line, row in rows.items():
            for role, column in NAME_COLUMNS[name].items():
                if row[col[column]]:
                    from_files.add((name, line, row[col[ID_COLUMN[name]]], role, row[col[column]]))
    from_truth = set(mentions[["file", "line", "record_id", "role", "name"]].itertuples(index=False, name=None))
    assert from_files == from_truth
    placeholders = mentions[mentions.entity_id.isna()]
    assert set(placeholders.name.str.strip()) <= {"TO ORDER", "TO THE ORDER OF", "TO ORDER OF SHIPPER",
                                                  "TO ORDER OF BANK"}
    assert len(placeholders) > 0


def test_entities_appear_under_noisy_variants(mentions, truth):
    known = {e["id"] for e in truth["entities"]}
    assert set(mentions.entity_id.dropna()) <= known
    spellings = mentions.dropna().groupby("entity_id").name.nunique()
    busy = mentions.entity_id.value_counts()
    assert (spellings[busy[busy >= 20].index] >= 3).mean() > 0.9
    counts = busy.to_numpy()
    assert counts[: max(1, len(counts) // 100)].sum() > 0.1 * counts.sum()  # heavy-tailed: top 1% > 10% of mentions


def _row(files, file, line):
    header, rows = files[file]
    return dict(zip(header, rows[line], strict=False))


def test_flagged_shipments_are_in_the_files_with_their_parties_and_dates(files, mentions, truth):
    by_line = mentions.set_index(["file", "line", "role"]).entity_id
    assert len(truth["flagged_shipments"]) >= 5 * 6 * 3
    for flag in truth["flagged_shipments"]:
        row = _row(files, flag["file"], flag["line"])
        assert row[ID_COLUMN[flag["file"]]] == flag["record_id"]
        assert _iso(flag["file"], row[DATE_COLUMN[flag["file"]]]) == flag["date"]
        assert by_line[(flag["file"], flag["line"], "shipper")] == flag["from"]
        assert by_line[(flag["file"], flag["line"], "consignee")] == flag["to"]


def test_chains_are_time_respecting_and_backed_by_shipments(truth):
    lots = defaultdict(list)
    for flag in truth["flagged_shipments"]:
        lots[flag["lot"]].append(flag)
    chains = {tuple(c["entities"]): c for n in truth["networks"] for c in n["chains"]}
    assert len(truth["networks"]) >= 4 and len(chains) >= len(truth["networks"])
    used = defaultdict(int)
    for lot, hops in lots.items():
        hops.sort(key=lambda f: f["hop"])
        assert [f["hop"] for f in hops] == [0, 1, 2], lot
        path = (hops[0]["from"], hops[0]["to"], hops[1]["to"], hops[2]["to"])
        assert hops[1]["from"] == path[1] and hops[2]["from"] == path[2]
        chain = chains[path]
        used[path] += 1
        dates = [date.fromisoformat(f["date"]) for f in hops]
        assert all(5 <= (b - a).days <= 45 for a, b in zip(dates, dates[1:], strict=False)), lot
        assert chain["first_date"] <= hops[0]["date"] and hops[2]["date"] <= chain["last_date"]
    assert used == {path: chain["lots"] for path, chain in chains.items()}
    for network in truth["networks"]:
        first_inbound = min(f["date"] for f in truth["flagged_shipments"] if f["to"] == network["importer"])
        assert network["decoys"]
        for decoy in network["decoys"]:
            assert decoy["from"] == network["importer"] and decoy["last_date"] < first_inbound


def test_swap_network_changes_intermediary_at_the_swap_date(truth):
    (network,) = [n for n in truth["networks"] if n["swap"]]
    swap = network["swap"]
    old = [f["date"] for f in truth["flagged_shipments"] if swap["old"] in (f["from"], f["to"])]
    new = [f["date"] for f in truth["flagged_shipments"] if swap["new"] in (f["from"], f["to"])]
    assert old and new
    assert max(old) < swap["date"] <= min(new)
    importers = {f["to"] for f in truth["flagged_shipments"] if f["from"] in (swap["old"], swap["new"])}
    assert importers == {network["importer"]}


def test_transshipment_loads_in_a_third_country(files, truth):
    (network,) = [n for n in truth["networks"] if n["transshipment_country"]]
    entities = {e["id"]: e for e in truth["entities"]}
    hops = [f for f in truth["flagged_shipments"] if f["network"] == network["id"] and f["hop"] == 1]
    assert hops
    for flag in hops:
        row = _row(files, flag["file"], flag["line"])
        assert row["foreign_port_of_lading"] == "PORT KLANG"
        assert entities[flag["from"]]["country"] != network["transshipment_country"]


def test_shell_clusters_share_address_or_phone_and_one_buyer(truth):
    entities = {e["id"]: e for e in truth["entities"]}
    assert len(truth["shell_clusters"]) >= 3
    for cluster in truth["shell_clusters"]:
        members = [entities[m] for m in cluster["entities"]]
        assert 3 <= len(members) <= 8
        assert {m[cluster["shared"]] for m in members} == {cluster["value"]}
        assert all(m["role"] == "shell" for m in members)
        buyers = {f["to"] for f in truth["flagged_shipments"] if f["from"] in cluster["entities"]}
        assert buyers == {cluster["buyer"]}


def test_bad_rows_are_present_as_described(files, truth):
    reasons = [b["reason"] for b in truth["bad_rows"]]
    assert set(reasons) == {"bad_date", "bad_weight", "negative_weight", "no_party",
                            "bad_hs_code", "duplicate_record_id", "ragged_line"}
    assert reasons.count("ragged_line") == 1
    for bad in truth["bad_rows"]:
        header, rows = files[bad["file"]]
        raw = rows[bad["line"]]
        row = dict(zip(header, raw, strict=False))
        assert row[ID_COLUMN[bad["file"]]] == bad["record_id"]
        weight = next(v for k, v in row.items() if k in {"weight", "PESO_BRUTO", "GROSS_WEIGHT"})
        names = [row[c] for c in NAME_COLUMNS[bad["file"]].values()]
        if bad["reason"] == "ragged_line":
            assert len(raw) > len(header)
        elif bad["reason"] == "bad_date":
            assert "30" in row[DATE_COLUMN[bad["file"]]] and "02" in row[DATE_COLUMN[bad["file"]]]
        elif bad["reason"] == "bad_weight":
            assert not re.match(r"^-?[\d.]+$", weight)
        elif bad["reason"] == "negative_weight":
            assert float(weight) < 0
        elif bad["reason"] == "no_party":
            assert not any(names)
        elif bad["reason"] == "bad_hs_code":
            assert re.search(r"[A-Z]", next(v for k, v in row.items() if k in {"harmonized_number", "FRACCION",
                                                                                 "HS_CODE"}))
        elif bad["reason"] == "duplicate_record_id":
            same = [line for line, r in rows.items() if r[header.index(ID_COLUMN[bad["file"]])] == bad["record_id"]]
            assert len(same) == 2 and bad["line"] == max(same)
    good = sum(len(rows) for _, rows in files.values()) - len(truth["bad_rows"])
    assert 0.0003 < len(truth["bad_rows"]) / good < 0.002


def test_look_alike_traps_are_distinct_entities(truth):
    entities = {e["id"]: e for e in truth["entities"]}
    kinds = {t["kind"] for t in truth["traps"]}
    assert {"same_core_other_industry", "same_name_other_country", "legitimate_shared_address"} <= kinds
    for trap in truth["traps"]:
        a, b = (entities[x] for x in trap["entities"][:2])
        assert a["id"] != b["id"]
        if trap["kind"] == "same_name_other_country":
            assert a["name"] == b["name"] and a["country"] != b["country"] and a["tax_id"] != b["tax_id"]
        if trap["kind"] == "same_core_other_industry":
            assert a["name"] != b["name"] and a["industry"] != b["industry"]
