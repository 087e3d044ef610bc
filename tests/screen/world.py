"""A small trade world with a planted listed party (a perturbed real SDNTK organisation) and its broker."""

from __future__ import annotations

import csv
from pathlib import Path

import tracekit

HEADERS = ["BL_NUMBER", "SHIPMENT_DATE", "SHIPPER_NAME", "SHIPPER_ADDRESS", "SHIPPER_COUNTRY", "CONSIGNEE_NAME",
           "CONSIGNEE_ADDRESS", "CONSIGNEE_COUNTRY", "HS_CODE", "PRODUCT_DESCRIPTION", "GROSS_WEIGHT"]
# OFAC SDNTK entry 11244 is "LABORATORIOS WILLMAR, S.A. DE C.V." (Guadalajara): here one L dropped,
# the legal form shortened and the accents of the street dropped, as a manifest would write it.
LISTED = "LABORATORIOS WILMAR SA"
BROKER = "PACIFIC BRIDGE TRADING LIMITED"
MAKER = "HUBEI YONGSHENG FINE CHEMICAL CO LTD"
HOSTILE = "<img src=x onerror=alert(1)> CHEM LTD"
BYSTANDER = "NORDIC OFFICE SUPPLIES AB"
# On the hand-written FtM fixture as "Química Andina S.A. de C.V." (accents and legal form differ here).
FTM_LISTED = "QUIMICA ANDINA SA DE CV"


def write_world(folder: Path) -> Path:
    rows = [
        ["BL1", "2024-01-10", MAKER, "No. 8 Chemical Rd, Wuhan", "CN", BROKER, "Flat 7B, 21 Nathan Road, Kowloon",
         "HK", "293339", "4-piperidone", "500"],
        ["BL2", "2024-02-10", BROKER, "Flat 7B, 21 Nathan Road, Kowloon", "HK", LISTED,
         "Calle Esteban Loera 481, Guadalajara, Jalisco", "MX", "293339", "pharmaceutical intermediate", "480"],
        ["BL3", "2024-03-10", BROKER, "Flat 7B, 21 Nathan Road, Kowloon", "HK", LISTED,
         "Calle Esteban Loera 481, Guadalajara, Jalisco", "MX", "293339", "chemical raw material", "470"],
        ["BL4", "2024-03-12", HOSTILE, "1 Main St, Shenzhen", "CN", BROKER, "Flat 7B, 21 Nathan Road, Kowloon",
         "HK", "291400", "acetone", "90"],
        ["BL5", "2024-04-01", BYSTANDER, "Storgatan 1, Stockholm", "SE", "OSLO PAPER AS", "Karl Johans gate 1, Oslo",
         "NO", "482010", "notebooks", "20"],
        ["BL6", "2024-04-02", BROKER, "Flat 7B, 21 Nathan Road, Kowloon", "HK", FTM_LISTED,
         "Av. Juarez 100, Culiacan", "MX", "293339", "chemical raw material", "300"],
    ]
    path = folder / "manifest.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS)
        writer.writerows(rows)
    return path


def resolved_world(folder: Path) -> tracekit.Workspace:
    ws = tracekit.Workspace()
    ws.load(str(write_world(folder)), progress=False)
    ws.resolve(progress=False)
    return ws
