"""The second world's generator: deterministic per seed, truth consistent with the files, every kind of
noise the issue asks for actually present. Files are read with the csv module, independently of tracekit."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from tracekit.demo.second import generate_second
from tracekit.demo.second.layouts import FILE_NAMES, LAYOUT_A, LAYOUT_B, ROLE_COLUMNS
from tracekit.demo.truth import read_truth

HAN = re.compile(r"[\u3400-\u9fff]")
FILES = (*FILE_NAMES.values(), "truth.json", "truth-mentions.parquet")
LAYOUT_OF = {name: layout for layout, name in FILE_NAMES.items()}


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("second")
    generate_second(out, rows=4_000, seed=3, progress=False)
    return out


@pytest.fixture(scope="module")
def truth(world) -> dict:
    return read_truth(world)


@pytest.fixture(scope="module")
def mentions(world) -> pd.DataFrame:
    return pd.read_parquet(world / "truth-mentions.parquet")


def _rows(path: Path) -> tuple[list[str], dict[int, dict[str, str]]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return header, {n: dict(zip(header, row, strict=True)) for n, row in enumerate(reader, start=2)}


@pytest.fixture(scope="module")
def files(world) -> dict[str, tuple[list[str], dict[int, dict[str, str]]]]:
    return {name: _rows(world / name) for name in FILE_NAMES.values()}


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate_second(a, rows=1_500, seed=5, progress=False)
    generate_second(b, rows=1_500, seed=5, progress=False)
    generate_second(c, rows=1_500, seed=6, progress=False)
    for name in FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / FILE_NAMES["A"]).read_bytes() != (c / FILE_NAMES["A"]).read_bytes()


def test_headers_are_exactly_the_two_layouts(files, world):
    assert files[FILE_NAMES["A"]][0] == LAYOUT_A
    assert files[FILE_NAMES["B"]][0] == LAYOUT_B
    assert (world / FILE_NAMES["B"]).read_bytes().startswith(b"\xef\xbb\xbf")


def test_every_mention_is_the_cell_it_names(files, mentions, truth):
    ids = {e["id"] for e in truth["entities"]}
    assert set(mentions["entity_id"]) <= ids
    for row in mentions.itertuples(index=False):
        _, table = files[row.file]
        cells = table[row.line]
        assert cells[ROLE_COLUMNS[LAYOUT_OF[row.file]][row.role]] == row.name
        assert cells[LAYOUT_A[0] if LAYOUT_OF[row.file] == "A" else LAYOUT_B[0]] == row.record_id
    named = sum(1 for _, table in files.values() for cells in table.values()
                for role, column in ROLE_COLUMNS["A"].items() if cells.get(column))
    named += sum(1 for cells in files[FILE_NAMES["B"]][1].values() for column in ROLE_COLUMNS["B"].values()
                 if cells[column])
    assert named == len(mentions), "every named party cell has exactly one truth row"


def _date(file: str, text: str) -> date:
    if LAYOUT_OF[file] == "A":
        month, day, year = map(int, text.split("/"))
        return date(year, month, day)
    return date.fromisoformat(text.replace("/", "-"))


def test_every_chain_crosses_the_layouts_in_time_order(files, mentions, truth):
    by_place = mentions.set_index(["file", "line", "role"])["entity_id"]
    lots: dict[str, list[dict]] = {}
    for leg in truth["flagged_shipments"]:
        cells = files[leg["file"]][1][leg["line"]]
        assert by_place[(leg["file"], leg["line"], "shipper")] == leg["from"]
        assert by_place[(leg["file"], leg["line"], "consignee")] == leg["to"]
        date_column = "Arrival Date" if LAYOUT_OF[leg["file"]] == "A" else "Export Date"
        assert _date(leg["file"], cells[date_column]).isoformat() == leg["date"]
        lots.setdefault(leg["lot"], []).append(leg)
    chains = {tuple(c["entities"]) for n in truth["networks"] for c in n["chains"]}
    assert len(truth["networks"]) == 4 and chains
    for lot, legs in lots.items():
        first, second = sorted(legs, key=lambda leg: leg["hop"])
        assert (LAYOUT_OF[first["file"]], LAYOUT_OF[second["file"]]) == ("B", "A"), lot
        assert first["to"] == second["from"], lot
        lag = (date.fromisoformat(second["date"]) - date.fromisoformat(first["date"])).days
        assert 12 <= lag <= 40, lot
        assert (first["from"], first["to"], second["to"]) in chains
    entities = {e["id"]: e for e in truth["entities"]}
    for network in truth["networks"]:
        assert entities[network["maker"]]["country"] == "CN"
        assert entities[network["importer"]]["country"] in {"US", "MX"}
        assert {entities[b]["country"] for b in network["intermediaries"]} == {"HK"}


def test_shell_clusters_share_one_flat_written_many_ways(truth):
    entities = {e["id"]: e for e in truth["entities"]}
    assert len(truth["shell_clusters"]) == 3
    for cluster in truth["shell_clusters"]:
        assert len(cluster["entities"]) >= 3
        assert {entities[e]["address"] for e in cluster["entities"]} == {cluster["value"]}
        assert {entities[e]["role"] for e in cluster["entities"]} == {"shell"}
        spellings = cluster["spellings"]
        assert len(spellings) >= 5, cluster["id"]
        assert any(HAN.search(s) for s in spellings), "a Chinese-script spelling of the flat"
        assert any(re.search(r"\bFlt\b|\bRm\b|\d+/F|\bTST\b|\bKln\b", s, re.I) for s in spellings)


def test_lookalike_traps_of_every_kind_trade_in_the_files(truth, mentions):
    entities = {e["id"]: e for e in truth["entities"]}
    traded = set(mentions["entity_id"])
    kinds = {}
    for trap in truth["traps"]:
        kinds.setdefault(trap["kind"], []).append(trap)
        assert set(trap["entities"]) <= traded, trap["note"]
    assert set(kinds) == {"permuted_words", "substituted_word", "same_name_other_city", "cross_jurisdiction",
                          "legitimate_shared_address"}
    words = lambda e: entities[e]["name"].split()  # noqa: E731
    for trap in kinds["permuted_words"]:
        a, b = trap["entities"]
        assert words(a)[:2] == words(b)[:2][::-1] and entities[a]["address"] != entities[b]["address"]
    for trap in kinds["substituted_word"]:
        a, b = trap["entities"]
        assert entities[a]["name"] != entities[b]["name"]
    for trap in kinds["same_name_other_city"]:
        a, b = (entities[e] for e in trap["entities"])
        assert a["name"] == b["name"] and a["country"] == b["country"] and a["city"] != b["city"]
    for trap in kinds["cross_jurisdiction"]:
        a, b = (entities[e] for e in trap["entities"])
        assert a["country"] != b["country"] and a["name"] != b["name"]
    pairs = {frozenset(t["countries"]) for t in kinds["cross_jurisdiction"]}
    assert frozenset({"CN", "IN"}) in pairs


def test_han_names_are_translations_written_at_the_firms_address(truth, mentions, files):
    han = {e["id"]: e for e in truth["entities"] if e["name_han"]}
    assert han
    written = mentions[mentions["name"].str.contains(HAN)]
    assert len(written) > 20
    assert (written["name"] == written["entity_id"].map(lambda e: han[e]["name_han"])).all()
    assert not any(re.search(r"[A-Za-z]", n) for n in written["name"]), "translated, not transliterated"
    address_column = {"shipper": "Shipper Address", "consignee": "Consignee Address"}
    chinese_address = 0
    for row in written.itertuples(index=False):
        column = address_column[row.role] if LAYOUT_OF[row.file] == "A" else "Exporter Address"
        chinese_address += bool(HAN.search(files[row.file][1][row.line][column]))
    assert chinese_address > len(written) / 3


def test_addresses_come_abbreviated_spanish_chinese_and_without_country(files, truth, mentions):
    a_rows = list(files[FILE_NAMES["A"]][1].values())
    b_rows = list(files[FILE_NAMES["B"]][1].values())
    addresses = [r[c] for r in a_rows for c in ("Shipper Address", "Consignee Address", "Notify Party Address")]
    addresses += [r[c] for r in b_rows for c in ("Exporter Address", "Buyer Address")]
    text = "\n".join(addresses)
    for pattern in (r"\bRd\b", r"\bTST\b", r"\bFlt\b", r"\d+/F\b", r"\bAv\.", r"\bAvenida\b", r"\bCol\.",
                    r"\bC\.P\.", r"\bNúm\.", r"\bNo\.", r"[號号]", r"[室]", r"\bSte\b|\bSuite\b", r"\bPlot\b"):
        assert re.search(pattern, text), pattern
    us = {e["id"] for e in truth["entities"] if e["country"] == "US"}
    consignees = mentions[(mentions["file"] == FILE_NAMES["A"]) & (mentions["role"] == "consignee")
                          & mentions["entity_id"].isin(us)]
    no_country = sum(not re.search(r"(USA|United States|\bUS)$", files[FILE_NAMES["A"]][1][line]["Consignee Address"],
                                   re.I) for line in consignees["line"])
    assert no_country > len(consignees) / 3, "most US addresses leave the country off"
    assert "Shipper Country" not in LAYOUT_A and not any("Country" in h for h in LAYOUT_A)


def test_dates_are_written_in_each_layouts_own_formats(files):
    a_dates = [r["Arrival Date"] for r in files[FILE_NAMES["A"]][1].values()]
    b_dates = [r["Export Date"] for r in files[FILE_NAMES["B"]][1].values()]
    assert all(re.fullmatch(r"\d\d/\d\d/20\d\d", d) for d in a_dates)
    assert any(re.fullmatch(r"20\d\d-\d\d-\d\d", d) for d in b_dates)
    assert any(re.fullmatch(r"20\d\d/\d\d/\d\d", d) for d in b_dates)


def test_background_trade_dwarfs_the_planted_networks(truth, mentions):
    assert len(truth["entities"]) >= 400
    assert mentions["entity_id"].nunique() >= 300
    assert len(truth["flagged_shipments"]) < sum(truth["rows"].values()) / 10


def test_cli_writes_the_second_world(tmp_path, capsys):
    from tracekit.cli import main

    assert main(["demo", "--world", "second", "--rows", "1000", "--seed", "4", "--out", str(tmp_path),
                 "--no-progress"]) == 0
    assert "second world" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)
    assert read_truth(tmp_path)["world"] == "second"


def test_too_few_rows_is_a_clear_error(tmp_path):
    from tracekit.errors import TracekitError

    with pytest.raises(TracekitError, match="at least 1,000"):
        generate_second(tmp_path, rows=10, seed=1, progress=False)
