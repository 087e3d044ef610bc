"""AMS contact columns, party countries from the last address line, and how dates were read."""

from __future__ import annotations

import pytest

US_HEADER = ("identifier,actual_arrival_date,shipper_party_name,shipper_party_address_1,shipper_party_address_2,"
             "shipper_party_address_3,shipper_comm_number,consignee_name,consignee_address_1,consignee_address_2,"
             "consignee_comm_number,notify_party_name,notify_party_comm_number,harmonized_number")
US_ROWS = [
    # country on the last non-empty line (address_3 empty on the second row), phone and e-mail contacts
    'B1,2023-02-13,XIAMEN CHEM,"RM 3006, NO.362 XINHUA RD",XIAMEN 361495,CHINA,(0592) 3611-5180,'
    "LORRIDGE LLC,715 INDUSTRIAL ST,USA,Sales@Lorridge.COM,HALOIA LOGISTICS,ops@haloia.example,290230",
    "B2,2023-10-20,SEIRIOS SA,Rua Industrial 148,Brasil,,0055-11-1803918,"
    "DORARA CORP,219 GATEWAY AVE,\"MIAMI, FL 33131\",,,,2902",
    # last line is a city: no country; an empty contact stays empty
    "B3,2022-05-20,PENANG CHEM SDN BHD,LOT 5,Malaysia,GEORGETOWN,,KEMIX,12 MAIN RD,MALAYSIA,+60 4 555,,,2902",
]


def _rows(ws, sql: str) -> list[list]:
    return [list(r) for r in ws.store.rows(sql)]  # None for NULL (pandas would give NaN)


def _us_file(write):
    return write("us.csv", US_HEADER + "\n" + "\n".join(US_ROWS) + "\n")


@pytest.mark.parametrize("mapping", ["auto", "ams"])
def test_comm_number_is_phone_or_email(ws, write, mapping):
    report = ws.load(_us_file(write), mapping=mapping, progress=False)
    m = report.sources[0].mapping
    assert m.columns["shipper_contact"] == ["shipper_comm_number"]
    assert "shipper_comm_number" not in m.extras and "notify_party_comm_number" not in m.extras
    got = _rows(ws, "SELECT record_id, shipper_phone, shipper_email, consignee_phone, consignee_email, "
                    "notify_phone, notify_email FROM shipments ORDER BY line")
    assert got == [
        ["B1", "(0592) 3611-5180", None, None, "sales@lorridge.com", None, "ops@haloia.example"],
        ["B2", "0055-11-1803918", None, None, None, None, None],
        ["B3", None, None, "+60 4 555", None, None, None],
    ]
    mentions = _rows(ws, "SELECT role, phone, email FROM party_mentions WHERE line = 2 ORDER BY mention_id")
    assert mentions == [["shipper", "(0592) 3611-5180", None],
                                        ["consignee", None, "sales@lorridge.com"],
                                        ["notify", None, "ops@haloia.example"]]


def test_dedicated_phone_column_wins_over_contact(ws, write):
    path = write("f.csv", "Shipper,Shipper Phone,shipper_comm_number,Consignee\nA,111,a@b.example,B\nC,,222,D\n")
    ws.load(path, progress=False)
    got = _rows(ws, "SELECT shipper_phone, shipper_email FROM shipments ORDER BY line")
    assert got == [["111", "a@b.example"], ["222", None]]


def test_party_country_from_last_address_line(ws, write):
    report = ws.load(_us_file(write), progress=False)
    got = _rows(ws, "SELECT shipper_country, consignee_country FROM shipments ORDER BY line")
    assert got == [["CN", "US"], ["BR", None], [None, "MY"]]
    assert _rows(ws, "SELECT country FROM party_mentions WHERE role = 'shipper' ORDER BY line") \
        == [["CN"], ["BR"], [None]]
    notes = "\n".join(report.sources[0].notes)
    assert "shipper_country taken from the last line of shipper_party_address_1..shipper_party_address_3" in notes
    assert "(2 rows)" in notes and "consignee_country" in notes
    assert "unrecognised_country" not in report.sources[0].warnings  # a street is not an unknown country


def test_country_column_is_not_overridden_by_address(ws, write):
    path = write("f.csv", "Shipper,Shipper Address 1,Shipper Address 2,Shipper Country,Consignee\n"
                          "A,1 Road,CHINA,MX,B\n")
    report = ws.load(path, progress=False)
    assert ws.sql("SELECT shipper_country FROM shipments")["shipper_country"].tolist() == ["MX"]
    assert not any("taken from the last line" in n for n in report.sources[0].notes)


def test_single_address_column_gives_no_country(ws, write):
    ws.load(write("f.csv", "Shipper,Shipper Address,Consignee\nA,CHINA,B\n"), progress=False)
    assert _rows(ws, "SELECT shipper_country FROM shipments") == [[None]]


@pytest.mark.parametrize(("dates", "mapping", "said"), [
    (["2024-01-12", "2023-12-31"], "auto", "ISO (YYYY-MM-DD)"),
    (["2024-01-12", "2023-12-31"], "ams", "ISO (YYYY-MM-DD)"),
    (["13/01/2024", "2024-01-12", "01/02/2024"], "auto", "DMY, ISO (YYYY-MM-DD)"),
    (["01/13/2024", "02/01/2024"], "auto", "MDY"),
    (["20240112", "12-JAN-2024", "5 DIC 2023"], "auto", "month names, YYYYMMDD"),
])
def test_report_says_how_dates_were_read(ws, write, dates, mapping, said):
    rows = "".join(f"B{i},{d},A,B\n" for i, d in enumerate(dates))
    path = write("f.csv", "identifier,actual_arrival_date,shipper_party_name,consignee_name\n" + rows)
    report = ws.load(path, mapping=mapping, progress=False)
    assert report.sources[0].date_order == {"actual_arrival_date": said}
    assert f"dates: actual_arrival_date read {said}" in str(report)
    assert report.rows_loaded == len(dates)
