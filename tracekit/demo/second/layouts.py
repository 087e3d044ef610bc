"""The second world's two source layouts, as analysts receive them.

``A`` — a US reseller export of bills of lading (imports into the US and Mexico); no party country
columns, the route's countries by name, dates MM/DD/YYYY, money with thousands separators.
``B`` — a Chinese export declaration in English; the exporter is in China (the declaring country),
the buyer's country is the destination; dates YYYY-MM-DD or YYYY/MM/DD.
"""

from __future__ import annotations

__all__ = ["LAYOUT_A", "LAYOUT_B", "FILE_NAMES", "ROLE_COLUMNS", "DECLARING_COUNTRY"]

LAYOUT_A = ["Bill of Lading Number", "Arrival Date", "Shipper", "Shipper Address", "Consignee", "Consignee Address",
            "Notify Party", "Notify Party Address", "Goods Shipped", "HS Code", "Weight (kg)",
            "Value of Goods (USD)", "Port of Lading", "Port of Unlading", "Shipment Origin", "Shipment Destination"]
LAYOUT_B = ["Declaration No.", "Export Date", "Exporter", "Exporter Address", "Overseas Buyer", "Buyer Address",
            "HS Code", "Product Description", "Quantity", "Unit", "Gross Weight (kg)", "Total Value (USD)",
            "Port of Departure", "Destination Country", "Trade Mode"]
FILE_NAMES = {"A": "reseller-bills.csv", "B": "cn-export-declarations.csv"}
ROLE_COLUMNS = {"A": {"shipper": "Shipper", "consignee": "Consignee", "notify": "Notify Party"},
                "B": {"shipper": "Exporter", "consignee": "Overseas Buyer"}}
DECLARING_COUNTRY = {"B": "CN"}
"""Layout B is a national customs file: an export declaration filed in China."""
