"""Shell clusters group the firms at one address however it is written, and list the spellings."""

from __future__ import annotations

import csv

import tracekit

ONE_FLAT = [
    "Flat 7B, 21 Nathan Road, Tsim Sha Tsui, Kowloon, Hong Kong",
    "FLT 7B 21 NATHAN RD TST KLN HK",
    "香港九龍尖沙咀彌敦道21號7B室",
    "Flat 7B, 21 Nathan Rd, Kowloon, <script>TST</script>",
]
SHELLS = ["GOLFRATE TRADING LIMITED", "VINMORA CHEMICAL CO LIMITED", "QUENTARA INDUSTRIAL LIMITED",
          "LUMIBEX HOLDINGS LIMITED"]
HEADERS = ["BL_NUMBER", "SHIPMENT_DATE", "SHIPPER_NAME", "SHIPPER_ADDRESS", "SHIPPER_COUNTRY", "CONSIGNEE_NAME",
           "CONSIGNEE_ADDRESS", "CONSIGNEE_COUNTRY", "HS_CODE", "PRODUCT_DESCRIPTION", "GROSS_WEIGHT"]


def test_shell_cluster_grouped_across_spellings(tmp_path):
    path = tmp_path / "intl.csv"
    rows = []
    for i, name in enumerate(SHELLS):
        for j in range(2):
            rows.append([f"BL{i}{j}", f"2024-0{j + 1}-1{i}", name, ONE_FLAT[(i + j) % len(ONE_FLAT)], "HK",
                         "IMPORTADORA DEL NORTE SA DE CV", "Calle Hidalgo No. 12, Monterrey", "MX", "293339",
                         "N-phenethyl-4-piperidone", "500"])
    rows.append(["BLX", "2024-03-01", "OTHER FIRM LIMITED", "Flat 7B, 23 Nathan Road, Kowloon", "HK",
                 "IMPORTADORA DEL NORTE SA DE CV", "Calle Hidalgo No. 12, Monterrey", "MX", "293339", "acetone", "9"])
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS)
        writer.writerows(rows)
    ws = tracekit.Workspace()
    try:
        ws.load(str(path), progress=False)
        ws.resolve(progress=False)
        result = ws.shell_clusters()
        frame = result.to_frame()
        top = frame.iloc[0]
        assert sorted(top["members"]) == sorted(SHELLS)  # whole, and the firm next door is not in it
        assert set(top["address_spellings"]) == set(ONE_FLAT)
        page = result._repr_html_()
        assert "香港九龍尖沙咀彌敦道21號7B室" in page
        assert "<script>" not in page and "&lt;script&gt;" in page
    finally:
        ws.close()
