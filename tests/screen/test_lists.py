"""Sanctions list loaders: OFAC legacy CSV (real list on ../shared, and hand-made bad files) and FtM JSON lines."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from followthemoney import model
from hypothesis import given, settings
from hypothesis import strategies as st

import tracekit
from tracekit.ingest.screen_lists import ENTRY_COLUMNS, ScreenListError, read_ftm_jsonl, read_ofac_csv

FIXTURES = Path(__file__).parent / "fixtures"


def test_ofac_real_list_names_aliases_and_addresses(shared_dir):
    entries = read_ofac_csv(shared_dir / "data" / "ofac-sdn-2022-01")
    assert list(entries.columns) == ENTRY_COLUMNS
    # Every sdn.csv row, none dropped (entry 2677 is on two rows of the real file: both kept).
    assert (entries["name_type"] == "primary").sum() == 9044
    assert (entries["name_type"] != "primary").sum() == 12409  # every alias of alt.csv has a name
    sdntk = entries[entries["programs"].str.split("; ").map(lambda p: "SDNTK" in p)]
    assert sdntk[sdntk["kind"] == "organization"]["entry_id"].nunique() > 700
    willmar = entries[entries["entry_id"] == "11244"].iloc[0]
    assert willmar["name"] == "LABORATORIOS WILLMAR, S.A. DE C.V." and willmar["country"] == "Mexico"
    assert "Guadalajara" in willmar["address"] and willmar["source_row"] == 1777
    assert not entries["name"].str.contains("-0-").any()


def _ofac_folder(tmp_path: Path, sdn: str, alt: str = "", add: str = "") -> Path:
    for name, text in (("sdn.csv", sdn), ("alt.csv", alt), ("add.csv", add)):
        (tmp_path / name).write_bytes(text.encode("latin-1"))
    return tmp_path


def test_ofac_latin1_placeholders_and_aliases(tmp_path):
    folder = _ofac_folder(
        tmp_path,
        '10,"QUÍMICA DEL NORTE, S.A.",-0- ,SDNTK] [ILLICIT-DRUGS-EO14059,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
        '11,"PEREZ, Juan",individual,SDNTK,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n\x1a',
        '10,1,aka,"QDN",-0- \n',
        '10,5,"Calle 1","Culiacán, Sinaloa","Mexico",-0- \n')
    entries = read_ofac_csv(folder / "sdn.csv")
    assert entries["name"].tolist() == ["QUÍMICA DEL NORTE, S.A.", "PEREZ, Juan", "QDN"]
    assert entries["programs"].iloc[0] == "SDNTK; ILLICIT-DRUGS-EO14059"
    assert entries["kind"].tolist() == ["organization", "individual", "organization"]
    assert entries["address"].iloc[2] == "Calle 1, Culiacán, Sinaloa" and pd.isna(entries["country"].iloc[1])


@pytest.mark.parametrize(("sdn", "alt", "where"), [
    ("x1,ACME,-0- ,SDNTK\n", "", "sdn.csv, row 1, column 1 (ent_num)"),
    ("1,ACME,-0- ,SDNTK\n2,-0- ,-0- ,SDNTK\n", "", "sdn.csv, row 2, column 2 (name)"),
    ("1,ACME,company,SDNTK\n", "", "sdn.csv, row 1, column 3 (type)"),
    ("1,ACME\n", "", "sdn.csv, row 1, column 3 (type)"),
    ("1,ACME,-0- ,SDNTK\n", "1,1,aka,AC\n7,2,aka,ZZ\n", "alt.csv, row 2, column 1 (ent_num)"),
    ("1,ACME,-0- ,SDNTK\n", "1,1,aka,AC\n1,2,fka,-0- ,-0- \n", "alt.csv, row 2, column 4 (alt_name)"),
])
def test_ofac_bad_input_names_file_row_and_column(tmp_path, sdn, alt, where):
    folder = _ofac_folder(tmp_path, sdn, alt)
    with pytest.raises(ScreenListError, match=f".*{where.replace('(', '.').replace(')', '.')}"):
        read_ofac_csv(folder)


def test_ftm_fixture_is_valid_followthemoney():
    for line in (FIXTURES / "lists.ftm.jsonl").read_text(encoding="utf-8").splitlines():
        proxy = model.get_proxy(json.loads(line))  # raises on an unknown schema or property
        assert proxy.id


def test_ftm_reader_keeps_parties_with_every_name():
    entries = read_ftm_jsonl(FIXTURES / "lists.ftm.jsonl")
    acme = entries[entries["entry_id"] == "ftm-acme"]
    assert acme["name"].tolist() == ["Química Andina S.A. de C.V.", "QUIMICA ANDINA", "QA Chem"]
    assert acme["name_type"].tolist() == ["primary", "aka", "aka"]
    assert set(acme["country"]) == {"MX"} and set(acme["programs"]) == {"SDNTK"}
    assert entries.set_index("entry_id")["kind"].to_dict() == {
        "ftm-acme": "organization", "ftm-person": "individual", "ftm-ship": "vessel"}
    assert "ftm-sanction" not in set(entries["entry_id"])  # a sanction record is not a party
    assert entries["source_row"].tolist() == [1, 1, 1, 2, 4]


@pytest.mark.parametrize(("line", "where"), [
    ('{"id": "a", "schema": "Company", "properties": {"name": ["X"]}', "row 2, column"),
    ('{"id": "a", "schema": "Spaceship", "properties": {"name": ["X"]}}', "row 2, column schema"),
    ('{"id": "a", "schema": "Company", "properties": {}}', "row 2, column properties.name"),
    ('["not", "an", "object"]', "row 2, column 1"),
])
def test_ftm_bad_input_names_row_and_column(tmp_path, line, where):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "ok", "schema": "Company", "properties": {"name": ["FINE LTD"]}}\n' + line + "\n",
                    encoding="utf-8")
    with pytest.raises(ScreenListError, match=f"bad.jsonl, {where}"):
        read_ftm_jsonl(path)


def test_lists_stored_replaced_and_listed(tmp_path):
    with tracekit.Workspace() as ws:
        assert ws.screen_lists.add(FIXTURES / "lists.ftm.jsonl", name="mine") == 5
        assert ws.screen_lists.add(FIXTURES / "lists.ftm.jsonl", name="mine") == 5  # replaced, not doubled
        table = ws.screen_lists.to_frame()
        assert table.to_dict(orient="records") == [{"list_name": "mine", "entries": 3, "names": 5,
                                                    "organizations": 1}]
        stored = ws.screen_lists.entries("mine")
        assert stored["name"].tolist()[0] == "Química Andina S.A. de C.V."
        ws.screen_lists.remove("mine")
        assert ws.screen_lists.names() == []


_LATIN1_TEXT = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255, exclude_characters="\x7f"),
                       min_size=1, max_size=40).filter(lambda s: s.strip() and s.strip() != "-0-")


@settings(max_examples=60, deadline=None)
@given(names=st.lists(_LATIN1_TEXT, min_size=1, max_size=6), aliases=st.lists(_LATIN1_TEXT, max_size=4))
def test_ofac_any_latin1_names_round_trip(tmp_path_factory, names, aliases):
    folder = tmp_path_factory.mktemp("ofac")
    sdn, alt = io.StringIO(), io.StringIO()
    csv.writer(sdn).writerows([[k + 1, n, "-0- ", "SDNTK", *["-0- "] * 8] for k, n in enumerate(names)])
    csv.writer(alt).writerows([[1, k + 1, "aka", a, "-0- "] for k, a in enumerate(aliases)])
    entries = read_ofac_csv(_ofac_folder(folder, sdn.getvalue(), alt.getvalue()))
    # Quotes, commas and accents survive; only outer spaces go (OFAC pads fields with them).
    assert entries["name"].tolist() == [n.strip() for n in names] + [a.strip() for a in aliases]
    assert entries["source_row"].tolist() == list(range(1, len(names) + 1)) + list(range(1, len(aliases) + 1))
