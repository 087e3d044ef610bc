"""Party countries from every piece of evidence (column > declaration > address > route > port) and localities."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracekit.errors import SourceError
from tracekit.ingest.gazetteer import place_key, place_key_sql


def _mentions(ws) -> list[tuple]:
    return [tuple(r) for r in ws.store.rows(
        "SELECT role, name, country, country_source, locality FROM party_mentions ORDER BY mention_id")]


def _load(ws, mapping="auto", **columns):
    frame = pd.DataFrame({k.replace("__", " "): v for k, v in columns.items()})
    return ws.load(frame, mapping=mapping, progress=False).sources[0]


def test_column_country_is_kept_and_labelled(ws):
    report = _load(ws, Shipper=["A"], Shipper__Country=["Mexico"], Consignee=["B"])
    assert _mentions(ws) == [("shipper", "A", "MX", "column", None), ("consignee", "B", None, None, None)]
    assert report.country_sources == {"column": 1}


def test_column_beats_every_weaker_source_and_conflicts_are_counted(ws):
    report = _load(ws, "generic", shipper_name=["A"], shipper_country=["MX"],
                   shipper_address=["Room 5, 21 Huaihai Rd, Shanghai 200000, China"],
                   country_of_origin=["CN"], port_of_lading=["CNSHA"], consignee_name=["B"])
    ws_rows = _mentions(ws)
    assert ws_rows[0] == ("shipper", "A", "MX", "column", "SHANGHAI")  # the locality is still read
    assert report.country_sources == {"column": 1}
    assert report.country_conflicts == {"address": 1, "route": 1, "port": 1}
    assert "weaker evidence disagreeing (kept the stronger): address 1, route 1, port 1" in report.evidence_text()


@pytest.mark.parametrize(("kind", "role_in_country"), [("import", "consignee"), ("export", "shipper")])
def test_declaring_country_goes_to_the_declaring_party(ws, kind, role_in_country):
    frame = pd.DataFrame({"PROVEEDOR": ["JIANGSU CHEM CO LTD"], "IMPORTADOR": ["QUIMICA DEL NORTE SA DE CV"],
                          "PUERTO DE EMBARQUE": ["CNSHA"]})
    report = ws.load(frame, declaring_country="México", declaration=kind, progress=False)
    got = {r[0]: r[2:4] for r in _mentions(ws)}
    assert got[role_in_country] == ("MX", "declaration")
    other = "shipper" if role_in_country == "consignee" else "consignee"
    assert got[other] == (("CN", "port") if other == "shipper" else (None, None))
    assert report.sources[0].declaration == {"declaring_country": "MX", "declaration": kind}
    assert f"declaration: {kind} declarations filed in MX" in str(report)
    assert "party countries from: declaration 1" in report._repr_html_()
    stored = json.loads(ws.store.scalar("SELECT mapping_json FROM sources"))
    assert (stored["declaring_country"], stored["declaration"]) == ("MX", kind)


def test_declaration_does_not_override_a_country_column(ws):
    frame = pd.DataFrame({"Shipper": ["A"], "Consignee": ["B"], "Consignee Country": ["US"]})
    report = ws.load(frame, declaring_country="MX", declaration="import", progress=False).sources[0]
    assert _mentions(ws)[1][2:4] == ("US", "column")
    assert report.country_conflicts == {"declaration": 1}


@pytest.mark.parametrize(("country", "kind", "said"), [
    ("Narnia", "import", "not a country"), ("MX", None, "declaration='import'"), ("MX", "transit", "'transit'"),
    (None, "import", "needs declaring_country"),
])
def test_bad_declaration_options_fail_before_loading(ws, country, kind, said):
    with pytest.raises(SourceError, match=said):
        ws.load(pd.DataFrame({"Shipper": ["A"]}), declaring_country=country, declaration=kind, progress=False)
    assert ws.info().shipments == 0


@pytest.mark.parametrize(("address", "country", "locality"), [
    ("12 Ferry St, Newark, NJ 07105, USA", "US", "NEWARK"),
    ("Av. Constitución 2050, Col. Centro, Monterrey, N.L., C.P. 64000, México", "MX", "MONTERREY"),
    ("ROOM 5, NO. 12 HUAIHAI ROAD, SHANGHAI 200000 CN", "CN", "SHANGHAI"),
    ("Flat 7B, 21 Nathan Road, Tsim Sha Tsui, Kowloon, Hong Kong", "HK", "KOWLOON"),
    ("Flat 7B 21 Nathan Rd TST Kowloon HK", "HK", "KOWLOON"),
    ("Unit 3, 8 Des Voeux Rd, Central, Hong Kong, China", "HK", None),  # 'Hong Kong, China' is HK
    ("香港九龍尖沙咀彌敦道21號7B室", "HK", "KOWLOON"),
    ("上海市浦东新区张江路88号", "CN", "SHANGHAI"),
    # the opening 香港 names the territory; no name straddles it (港觀 is an alternate name of Cancún)
    ("香港觀塘海濱道198號銀福大樓9H室", "HK", "KWUN TONG"),
    ("香港長沙灣青山道50號海峰商業大廈27A室", "HK", None),  # 長沙 (Changsha, CN) contradicts 香港: no locality
    ("Flat 3, 134 Lockhart Rd, Causeway Bay, Hong Kong", "HK", None),  # BAY (PH) contradicts Hong Kong
    ("213 Market Parkway, Hanoi 23999 Viet Nam", "VN", "HANOI"),  # VIET NAM, not NAM (Namibia's alpha-3)
    # an ambiguous two-letter code (a state or district) after a city of another country is no country
    ("PLOT NO. 219, MIDC IND. AREA, MUMBAI-400031, MH", "IN", "MUMBAI"),  # Maharashtra, not Marshall Islands
    ("Sr. No. 150 MIDC Industrial Area Mumbai-400099 MH", "IN", "MUMBAI"),
    ("广东省深圳市南山区科技园", "CN", "SHENZHEN"),
    ("Carrera 43A # 1-50, El Poblado, Medellín, Antioquia, Colombia", "CO", "MEDELLIN"),  # a department
    ("Calle Río Nazas No. 464, Col. Las Flores, C.P. 28343, Manzanillo, Colima, México", "MX", "MANZANILLO"),
    ("Room 5, 88 Century Ave, Pudong New District, Shanghai 200120, China", "CN", "SHANGHAI"),
    # state names: a region, not a place (LEON inside NUEVO LEON, BAJA inside BAJA CALIFORNIA, JALISCO
    # another name of Xalisco), so the city beside them is the locality
    ("Calle Morelos No. 220, Col. Centro, C.P. 64609, Monterrey, Nuevo León, México", "MX", "MONTERREY"),
    ("CALLE INDEPENDENCIA NO 162 COL SAN RAFAEL, CP 22804, TIJUANA BAJA CALIFORNIA MÉXICO", "MX", "TIJUANA"),
    ("CALLE OBREGÓN NO 418 COL INDUSTRIAL, CP 44083, GUADALAJARA JALISCO MÉXICO", "MX", "GUADALAJARA"),
    ("LOT 147, JALAN KELULI, PASIR GUDANG, 42052000 PORT KLANG, SELANGOR, MALAYSIA", "MY", "PELABUHAN KLANG"),
    ("Fatih Mah. 356. Sok. No: 406, Gebze, 35140 İzmir, Türkiye", "TR", "IZMIR"),  # the district is smaller
    ("Rua Industrial 148, Santos - SP, Brasil", "BR", "SANTOS"),
    ("Schanzenstraße 12, 20357 Hamburg, Germany", "DE", "HAMBURG"),
    ("Via Roma 4, 20121 Milano", "IT", "MILAN"),  # an alternate name, one country: the city gives it
    ("45 Industrial Road, Unit 9", None, None),
])
def test_address_country_and_locality(ws, address, country, locality):
    report = _load(ws, Shipper=["A"], Shipper__Address=[address], Consignee=["B"])
    assert _mentions(ws)[0][2:] == (country, "address" if country else None, locality)
    assert report.localities == (1 if locality else 0)


def test_ambiguous_two_letter_code_needs_a_city_to_corroborate_it(ws):
    # "NA" alone is N/A, not Namibia; "MK" after an unknown district is no North Macedonia; but "…SHANGHAI
    # CN" and "Skopje MK" (a city of North Macedonia) are read
    _load(ws, Shipper=["A", "C", "E", "G"], Shipper__Address=["12 Industrial Road, NA", "Flat 9, 88 Argyle St, MK",
                                                             "ROOM 5, HUAIHAI ROAD, SHANGHAI CN", "Partizanska 5, Skopje MK"],
          Consignee=["B", "D", "F", "H"])
    got = [r[2] for r in _mentions(ws) if r[0] == "shipper"]
    assert got == [None, None, "CN", "MK"]


def test_state_codes_are_not_countries(ws):
    # DE is Delaware here, not Germany; CA California, not Canada
    _load(ws, Shipper=["A", "C"], Shipper__Address=["1 Main St, Dover, DE", "9 Elm St, Fresno, CA"],
          Consignee=["B", "D"])
    got = [r[2:] for r in _mentions(ws) if r[0] == "shipper"]
    assert got[0][0] != "DE" and got[1][0] != "CA"
    assert [g[2] for g in got] == ["DOVER", "FRESNO"]


def test_state_column_joined_into_the_address_is_no_country(ws):
    # street, city and state columns with no country column: the last line "CA" is California
    frame = pd.DataFrame({"Shipper": ["A"], "Shipper Address 1": ["9 Elm St"], "Shipper Address 2": ["Fresno"],
                          "Shipper Address 3": ["CA"], "Consignee": ["B"]})
    ws.load(frame, mapping={"shipper_name": "Shipper", "consignee_name": "Consignee",
                            "shipper_address": ["Shipper Address 1", "Shipper Address 2", "Shipper Address 3"]},
            progress=False)
    assert ws.store.scalar("SELECT shipper_country FROM shipments") is None
    assert ws.store.rows("SELECT country, locality FROM party_mentions WHERE role = 'shipper'") == [(None, "FRESNO")]


def test_ambiguous_city_is_not_guessed_without_other_evidence(ws):
    # Guadalajara is in Mexico and Spain, Los Angeles in the US, Chile and Spain: no country from the
    # name alone (the locality is still known: every candidate has that name) ...
    _load(ws, Shipper=["A", "C"], Shipper__Address=["Calle 5, Guadalajara", "12 Main St, Los Angeles"],
          Consignee=["B", "D"])
    got = [r[2:] for r in _mentions(ws) if r[0] == "shipper"]
    assert got == [(None, None, "GUADALAJARA"), (None, None, "LOS ANGELES")]


def test_ambiguous_city_is_resolved_by_the_country_the_address_names(ws):
    _load(ws, Shipper=["A", "C"], Shipper__Address=["Calle Mayor 5, 19001 Guadalajara, España", "Canton, Ohio, USA"],
          Consignee=["B", "D"])
    got = [r[2:] for r in _mentions(ws) if r[0] == "shipper"]
    # CANTON is Canton, Ohio in the US, and an old name of Guangzhou in China: the address decides
    assert got == [("ES", "address", "GUADALAJARA"), ("US", "address", "CANTON")]


def test_street_or_building_named_after_a_city_is_not_the_locality(ws):
    addresses = ["RM 3006 NO.362 XINHUA RD", "Calle Monterrey 5, Col. Roma",
                 "FLAT 210 36/F PEARL RIDGE CENTRE 975 CASTLE PEAK ROAD, SHEUNG WAN", "413 COMMERCE ST"]
    _load(ws, Shipper=list("ACEG"), Shipper__Address=addresses, Consignee=list("BDFH"))
    got = [r[2:] for r in _mentions(ws) if r[0] == "shipper"]
    assert got == [(None, None, None)] * 4  # not Xinhua, Rome, Pearl (Mississippi); ST is no São Tomé


def test_region_names_the_country_when_no_city_of_it_is_named(ws):
    # Kocaeli is a Turkish province: Tuzla (a district) is no place of Bosnia or Cyprus here
    _load(ws, Shipper=["A", "C"], Shipper__Address=["CUMHURIYET MAH 706 SOK NO: 1810 TUZLA, 41106 KOCAELI",
                                                   "NO 936 TRAN PHU STREET, LE CHAN WARD, BINH DUONG"],
          Consignee=["B", "D"])
    got = [r[2:] for r in _mentions(ws) if r[0] == "shipper"]
    assert got == [("TR", "address", None), ("VN", "address", None)]


def test_ambiguous_name_with_different_places_gives_no_locality(ws):
    _load(ws, Shipper=["A"], Shipper__Address=["88 Beijing Rd, Canton"], Consignee=["B"])
    assert _mentions(ws)[0][2:] == (None, None, None)  # Canton, Ohio or Guangzhou: not guessed


def test_city_named_as_main_name_of_the_largest_place_decides(ws):
    # MONTERREY is Monterrey (MX, main name) and an alternate spelling of Monterey (US, smaller)
    _load(ws, Shipper=["A"], Shipper__Address=["Av. Juárez 100, Monterrey"], Consignee=["B"])
    assert _mentions(ws)[0][2:] == ("MX", "address", "MONTERREY")


def test_route_countries_for_shipper_and_consignee(ws):
    report = _load(ws, "generic", shipper_name=["A", "C"], consignee_name=["B", "D"], notify_name=["N", "M"],
                   country_of_origin=["China", None], destination_country=["MX", "US"])
    got = {(r[0], r[1]): r[2:4] for r in _mentions(ws)}
    assert got[("shipper", "A")] == ("CN", "route") and got[("consignee", "B")] == ("MX", "route")
    assert got[("shipper", "C")] == (None, None) and got[("consignee", "D")] == ("US", "route")
    assert got[("notify", "N")] == (None, None)  # the route says nothing about the notify party
    assert report.country_sources == {"route": 3}
    info = ws.info()
    assert info.country_sources == {"route": 3} and info.localities == 0
    assert "party countries from  route 3" in str(info)


def test_locode_ports_and_unambiguous_port_names(ws):
    _load(ws, "generic", shipper_name=["A", "C", "E", "G"], consignee_name=["B", "D", "F", "H"],
          port_of_lading=["CNSHA", "SHANGHAI", "XXABC", "MANZANILLO"],
          port_of_unlading=["MX ZLO", "LONG BEACH, CALIFORNIA", "2704", "USNYC"])
    got = {r[1]: r[2:4] for r in _mentions(ws)}
    assert got["A"] == ("CN", "port") and got["B"] == ("MX", "port")
    assert got["C"] == ("CN", "port") and got["D"] == ("US", "port")
    assert got["E"] == (None, None)  # XX is no ISO code
    assert got["F"] == (None, None)  # a CBP district code is not a LOCODE
    assert got["G"] == (None, None)  # Manzanillo: Mexico, Cuba… ambiguous, not guessed
    assert got["H"] == ("US", "port")


def test_route_beats_port_and_address_beats_route(ws):
    report = _load(ws, "generic", shipper_name=["A", "C"], consignee_name=["B", "D"],
                   shipper_address=["1 Rd, Mumbai, India", None], country_of_origin=["CN", "CN"],
                   port_of_lading=["HKHKG", "HKHKG"])
    got = {r[1]: r[2:4] for r in _mentions(ws)}
    assert got["A"] == ("IN", "address") and got["C"] == ("CN", "route")
    assert report.country_conflicts == {"route": 1, "port": 2}


def test_ams_last_line_is_address_evidence_and_report_counts(ws, write):
    header = "identifier,shipper_party_name,shipper_party_address_1,shipper_party_address_2,consignee_name"
    path = write("ams.csv", header + "\nB1,XIAMEN CHEM,RM 3006 NO.362 XINHUA RD,CHINA,LORRIDGE LLC\n")
    report = ws.load(path, progress=False)
    assert _mentions(ws)[0][2:4] == ("CN", "address")
    text = str(report)
    assert "party countries from: address 1; localities recognised: 0" in text
    assert report.to_json()["sources"][0]["country_sources"] == {"address": 1}


def test_cli_declaring_country(tmp_path, write, capsys):
    from tracekit.cli import main

    path = write("d.csv", "PROVEEDOR,IMPORTADOR\nJIANGSU CO,QUIMICA SA\n")
    code = main(["load", str(path), "--workspace", str(tmp_path / "ws"), "--declaring-country", "MX",
                 "--declaration", "import", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["sources"][0]["country_sources"] == {"declaration": 1}
    assert out["sources"][0]["declaration"] == {"declaring_country": "MX", "declaration": "import"}


@settings(deadline=None)  # one DuckDB query per example: over 200 ms when the machine is shared
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30))
def test_place_key_python_equals_sql(text):
    import duckdb

    # A connection of its own, fully fetched: a half-read result on duckdb's default connection breaks
    # every later user of it in this process (the doctests use it).
    with duckdb.connect() as con:
        got = con.execute(f"SELECT {place_key_sql('v')} FROM (SELECT $v AS v)", {"v": text}).fetchall()[0][0]  # noqa: S608
    assert got == place_key(text)
