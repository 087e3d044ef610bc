"""Write the layout fixtures: small CSVs in the column layouts analysts receive, with their expected mapping.

Each layout's headers come from publicly documented column lists (the ``source`` of each layout, also in
its folder's README.md); the values are fictional, with the noise real extracts have (blank cells, mixed
case, thousands separators, country names and codes mixed, dates in several forms). ``expected.json``
maps every column to the field it must feed, or to ``"unmapped: <words the reason must contain>"``.

Run ``python -m tests.ingest.layouts.make_layouts`` to regenerate (deterministic).
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent

SHIPPERS = [("SHANGHAI KELIN CHEMICAL CO., LTD.", "RM 1203, NO. 88 HUAIHAI RD", "SHANGHAI", "SH", "200021", "CN"),
            ("Wuhan Jade Timber Chemical Co Ltd", "Bldg 3, 15 Guanggu Ave", "Wuhan", "HB", "430074", "CHN"),
            ("HEBEI COBALT BIRCH PLASTICS CO.,LTD", "NO.7 INDUSTRIAL ZONE", "SHIJIAZHUANG", "HE", "050000", "China"),
            ("Ember Quartz Chemical Pvt. Ltd.", "Plot 22, MIDC Taloja", "Navi Mumbai", "MH", "410208", "IN"),
            ("HARBOR QUARTZ TEXTILES LTD", "FLAT 7B, 21 NATHAN ROAD", "KOWLOON", "", "", "HONG KONG"),
            ("Gujarat Amber Organics Pvt Ltd", "Survey 41, GIDC Vapi", "Vapi", "GJ", "396195", "India")]
CONSIGNEES = [("QUIMICA DEL NORTE SA DE CV", "AV. INDUSTRIAL 200, COL. CENTRO", "MONTERREY", "NL", "64000", "MX"),
              ("Timber Quartz Chemical Inc.", "715 Industrial St", "Newark", "NJ", "07105", "USA"),
              ("LABORATORIOS ALFA, S.A. DE C.V.", "CALLE 5 NO. 10", "GUADALAJARA", "JAL", "44100", "Mexico"),
              ("Dorara Corp", "219 Gateway Ave", "Miami", "FL", "33131", "US"),
              ("SONORA FARMACEUTICA S DE RL DE CV", "BLVD. KINO 1050", "HERMOSILLO", "SON", "83150", "MEX")]
GOODS = ["4-PIPERIDONE MONOHYDRATE HYDROCHLORIDE 25KG DRUMS", "N-PHENETHYL-4-PIPERIDONE (NPP), SAID TO CONTAIN",
         "1-BOC-4-PIPERIDONE, INDUSTRIAL GRADE, 50 DRUMS", "Plastic household goods, assorted", "COTTON T-SHIRTS 100%",
         "ANILINE, 99.5% PURITY, IBC TOTES", "Propionyl chloride in steel drums, UN1815"]
HS = ["2933.39", "293339", "2933.39.9000", "3924.90", "6109.10", "2921.41", "2915.90"]
PORTS_CN = ["SHANGHAI", "NINGBO", "Qingdao", "YANTIAN", "NHAVA SHEVA", "Mundra"]
PORTS_US = ["LONG BEACH, CA", "NEWARK, NJ", "HOUSTON", "MANZANILLO", "LAZARO CARDENAS", "Veracruz"]


def _date(rng: random.Random, form: str) -> str:
    y, m, d = 2024, rng.randint(1, 12), rng.randint(1, 28)
    return {"iso": f"{y}-{m:02d}-{d:02d}", "dmy": f"{d:02d}/{m:02d}/{y}", "mdy": f"{m:02d}/{d:02d}/{y}",
            "dmon": f"{d:02d}-{['JAN','FEB','MAR','APR','MAY','JUN','JUL','AUG','SEP','OCT','NOV','DEC'][m-1]}-{y}",
            "dot": f"{d:02d}.{m:02d}.{y}"}[form]


def _money(rng: random.Random, style: str = "comma") -> str:
    v = rng.randint(800, 250000) + rng.randint(0, 99) / 100
    return {"comma": f"{v:,.2f}", "plain": f"{v:.2f}", "dollar": f"$ {v:,.2f}", "int": f"{int(v)}"}[style]


def _value(kind: str, rng: random.Random, i: int) -> str:  # noqa: C901 - one generator per kind
    s, g, n = SHIPPERS[i % len(SHIPPERS)], CONSIGNEES[i % len(CONSIGNEES)], CONSIGNEES[(i + 2) % len(CONSIGNEES)]
    table = {
        "bol": lambda: f"MAEU{240000000 + i * 7919}", "bol_repeat": lambda: f"COSU{6200000 + i // 3}",
        "shipper": lambda: s[0], "shipper_addr": lambda: f"{s[1]}, {s[2]}", "shipper_street": lambda: s[1],
        "shipper_city": lambda: s[2], "shipper_state": lambda: s[3], "shipper_zip": lambda: s[4],
        "shipper_country": lambda: s[5], "consignee": lambda: g[0], "consignee_addr": lambda: f"{g[1]}, {g[2]}",
        "consignee_street": lambda: g[1], "consignee_city": lambda: g[2], "consignee_state": lambda: g[3],
        "consignee_zip": lambda: g[4], "consignee_country": lambda: g[5], "notify": lambda: n[0] if i % 3 else "",
        "notify_addr": lambda: f"{n[1]}, {n[2]}" if i % 3 else "",
        "goods": lambda: GOODS[i % len(GOODS)], "hs": lambda: HS[i % len(HS)], "hs8": lambda: HS[i % len(HS)].replace(".", "")[:6] + "01",
        "kg": lambda: f"{rng.randint(20, 24000):,}", "lb": lambda: f"{rng.randint(40, 50000)}",
        "usd": lambda: _money(rng) if i % 11 else "", "usd_dollar": lambda: _money(rng, "dollar"),
        "inr": lambda: _money(rng, "int"), "mxn": lambda: _money(rng),
        "port_lading": lambda: PORTS_CN[i % len(PORTS_CN)], "port_unlading": lambda: PORTS_US[i % len(PORTS_US)],
        "origin_country": lambda: ["China", "CHINA", "CN", "India", "Hong Kong"][i % 5],
        "dest_country": lambda: ["Mexico", "MEXICO", "United States", "USA", "MX"][i % 5],
        "date_iso": lambda: _date(rng, "iso"), "date_dmy": lambda: _date(rng, "dmy"),
        "date_mdy": lambda: _date(rng, "mdy"), "date_dmon": lambda: _date(rng, "dmon"),
        "date_dot": lambda: _date(rng, "dot"),
        "qty": lambda: str(rng.randint(1, 900)), "unit": lambda: rng.choice(["DRM", "CTN", "PKG", "BAG", "KGS"]),
        "decl": lambda: f"2233{2024}0{i:08d}", "trade_mode": lambda: rng.choice(["General Trade", "Processing Trade"]),
        "vessel": lambda: rng.choice(["EVER GIVEN", "MSC AURORA", "CMA CGM TAGE"]),
        "carrier": lambda: rng.choice(["MAEU", "EGLV", "COSU", "MSCU"]),
        "container": lambda: f"TGHU{1000000 + i * 37:07d}", "scac": lambda: rng.choice(["MAEU", "EGLV"]),
        "rfc": lambda: ["QNO010101AB1", "LAL990312KZ3", "SFA050505HH7"][i % 3],
        "iec": lambda: ["0305012345", "AAACG1234D", "0399087654"][i % 3],
        "pedimento": lambda: f"24  47  3005  4{i:06d}", "t_oper": lambda: "IMP",
        "tipo_cambio": lambda: f"{17 + rng.random():.4f}", "currency": lambda: "USD",
        "cha": lambda: rng.choice(["ABC Clearing Pvt Ltd", "Sea Link Customs Brokers"]),
        "mode": lambda: "SEA", "blank": lambda: "", "phone_only": lambda: f"+1 973 555 {1000 + i}",
        "ship_type": lambda: "EXPORT", "terms": lambda: rng.choice(["FOB", "CIF", "DDP"]),
        "sku": lambda: f"P-{1000 + i % 7}", "shipper_han": lambda: ["上海科林化工有限公司", "武汉玉林化工有限公司", "河北钴桦塑料有限公司"][i % 3],
        "goods_zh": lambda: ["4-哌啶酮盐酸盐一水合物（25公斤桶装）", "N-苯乙基-4-哌啶酮，工业级", "塑料家居用品，杂项"][i % 3],
        "port_zh": lambda: ["上海", "宁波", "青岛"][i % 3], "dest_code": lambda: ["MEX", "USA", "MX", "HKG"][i % 4],
        "trade_mode_zh": lambda: rng.choice(["一般贸易", "进料加工"]), "unit_zh": lambda: rng.choice(["千克", "桶", "件"]), "doc_type": lambda: "EXPORT INVOICE", "pct": lambda: rng.choice(["18%", "12%", "0%"]),
        "in_state": lambda: rng.choice(["GUJARAT", "MAHARASHTRA", "Telangana"]),
        "gstin": lambda: rng.choice(["24AAACG1234D1Z5", "27AABCE5678F1Z2"]), "bill_type": lambda: "H", "locode_cn": lambda: rng.choice(["CNSHA", "CNNGB", "INNSA"]),
        "locode_us": lambda: rng.choice(["USLGB", "USNYC", "MXZLO"]), "email": lambda: f"ops{i}@buyer.example",
        "contact_name": lambda: rng.choice(["Maria Lopez", "John Smith", "Wei Chen"]), "wunit": lambda: rng.choice(["KG", "LB", "KGS"]), "phone": lambda: rng.choice(["+86 21 5555 0101", "(0592) 3611-5180", "sales@kelin.example"]), "count": lambda: str(rng.randint(1, 4)), "inv": lambda: f"INV-{9000 + i}",
        "name_address": lambda: f"{s[0]}\n{s[1]}\n{s[2]} {s[4]}, {s[5]}",
        "name_address_c": lambda: f"{g[0]}\n{g[1]}, {g[2]}, {g[3]} {g[4]}",
        "uqc": lambda: rng.choice(["KGS", "NOS", "LTR"]), "country_any": lambda: rng.choice(["CN", "IN", "MX"]),
        "standard_name": lambda: s[0].upper().replace(",", ""), "company_id": lambda: f"TM{i * 131:08d}",
    }
    value = table[kind]()
    if value and kind not in ("bol", "decl", "pedimento", "container") and rng.random() < 0.04:
        value = ""  # blank cells, as extracts have
    if value and rng.random() < 0.05 and kind.endswith(("shipper", "consignee", "goods")):
        value = f"  {value.lower()} "  # stray spaces and case
    return value


# name → (source citation, [(header, kind, expected)], rows, delimiter, held out)
LAYOUTS: dict[str, tuple[str, list[tuple[str, str, str]], int, str, bool]] = {}
HELD_OUT_NOTE = ("HELD OUT: the expected mapping was written from the published column list before the mapper "
                 "was first run on it; the mapper's rules were not tuned on this layout.")


FIRST_RUN: dict[str, str] = {}


def layout(name: str, source: str, columns: list[tuple[str, str, str]], rows: int = 20, delimiter: str = ",",
           held_out: bool = False, first_run: str | None = None) -> None:
    """``held_out``: expected mapping written before the mapper first ran on it, never tuned on since.
    ``first_run``: was held out, scored this on the first run, and the rules were then improved on it."""
    LAYOUTS[name] = (source, columns, rows, delimiter, held_out)
    if first_run:
        FIRST_RUN[name] = first_run


layout("ams_raw", "US CBP Automated Manifest System (AMS) raw extract column names, as in CBP's public AMS "
       "release and the tracekit `ams` preset: identifier, actual_arrival_date, shipper_party_name, "
       "shipper_party_address_1..4, consignee_name, notify_party_name, harmonized_number, description_text, "
       "weight/weight_unit, manifest_quantity/manifest_unit, foreign_port_of_lading, port_of_unlading, "
       "vessel_name, carrier_code, container_number, master_bol_number, house_bol_number "
       "(https://www.cbp.gov/trade/automated/ams; column names as in CBP's AMS data files on data.world, "
       "e.g. 'ams-shipments' header, 'shipper_party_name', 'harmonized_number')", [
    ("identifier", "bol", "record_id"), ("actual_arrival_date", "date_iso", "date"),
    ("shipper_party_name", "shipper", "shipper_name"), ("shipper_party_address_1", "shipper_street", "shipper_address"),
    ("shipper_party_address_2", "shipper_city", "shipper_address"),
    ("shipper_party_address_3", "shipper_country", "shipper_address"),
    ("shipper_comm_number", "phone", "shipper_contact"), ("consignee_name", "consignee", "consignee_name"),
    ("consignee_address_1", "consignee_street", "consignee_address"),
    ("consignee_address_2", "consignee_city", "consignee_address"),
    ("notify_party_name", "notify", "notify_name"), ("harmonized_number", "hs", "hs_code"),
    ("description_text", "goods", "description"), ("weight", "lb", "weight"), ("weight_unit", "wunit", "weight_unit"),
    ("manifest_quantity", "qty", "quantity"), ("manifest_unit", "unit", "quantity_unit"),
    ("foreign_port_of_lading", "port_lading", "port_of_lading"), ("port_of_unlading", "port_unlading", "port_of_unlading"),
    ("vessel_name", "vessel", "vessel"), ("carrier_code", "carrier", "carrier"),
    ("container_number", "container", "container"), ("master_bol_number", "bol", "master_bol"),
    ("house_bol_number", "bol", "house_bol")])
layout("reseller_issue8_a", "US reseller export, header set of tracekit issue 8 (layout A; ImportGenius/Panjiva-"
       "style bill-of-lading export: Bill of Lading Number, Arrival Date, Shipper, Consignee, Notify Party, Goods "
       "Shipped, HS Code, Weight (kg), Value of Goods (USD), Port of Lading/Unlading, Shipment Origin/Destination)", [
    ("Bill of Lading Number", "bol", "record_id"), ("Arrival Date", "date_mdy", "date"),
    ("Shipper", "shipper", "shipper_name"), ("Shipper Address", "shipper_addr", "shipper_address"),
    ("Consignee", "consignee", "consignee_name"), ("Consignee Address", "consignee_addr", "consignee_address"),
    ("Notify Party", "notify", "notify_name"), ("Notify Party Address", "notify_addr", "notify_address"),
    ("Goods Shipped", "goods", "description"), ("HS Code", "hs", "hs_code"), ("Weight (kg)", "kg", "weight"),
    ("Value of Goods (USD)", "usd", "value_usd"), ("Port of Lading", "port_lading", "port_of_lading"),
    ("Port of Unlading", "port_unlading", "port_of_unlading"), ("Shipment Origin", "origin_country", "country_of_origin"),
    ("Shipment Destination", "dest_country", "destination_country")])
layout("reseller_trademo", "Trademo 'Public Company Supply Chain Data' column list "
       "(https://datarade.ai/data-products/public-company-supply-chain-data-trademo-trademo)", [
    ("Shipment Date", "date_iso", "date"), ("Master Document Number", "bol_repeat", "unmapped: "),
    ("Document Number", "bol", "unmapped: "), ("HS Code", "hs", "hs_code"),
    ("Product Description", "goods", "description"), ("Country of Export", "origin_country", "country_of_origin"),
    ("Port of Lading", "port_lading", "port_of_lading"), ("Shipper Standardized Name", "standard_name", "unmapped: "),
    ("Trademo Shipper Company ID", "company_id", "unmapped: "), ("Shipper Name", "shipper", "shipper_name"),
    ("Shipper Jurisdiction Country", "shipper_country", "shipper_country"),
    ("Shipper Address", "shipper_addr", "shipper_address"), ("Shipper Parent Company", "standard_name", "unmapped: "),
    ("Country of Import", "dest_country", "destination_country"), ("Port of Unlading", "port_unlading", "port_of_unlading"),
    ("Consignee Name", "consignee", "consignee_name"), ("Consignee Address", "consignee_addr", "consignee_address"),
    ("Quantity", "qty", "quantity"), ("Quantity Unit", "unit", "quantity_unit"),
    ("Shipment Value (USD)", "usd", "value_usd"), ("Shipment Weight (KG)", "kg", "weight")])
layout("reseller_plugindata", "Plugindata 'Customizable Global Trade Data by HS Code' US bill-of-lading columns, "
       "spelling kept as published (SHIPER, GROSS_WIGHT_KG) "
       "(https://www.datarade.ai/data-products/customizable-trade-data-by-hs-code-2-1-billion-import-expor-plugindata)", [
    ("PRODUCT_DESCRIPTION", "goods", "description"), ("CONSIGNEE", "consignee", "consignee_name"),
    ("SHIPER", "shipper", "shipper_name"), ("ARRIVAL_DATE", "date_dmon", "date"),
    ("GROSS_WIGHT_LB", "lb", "unmapped: fits it better"), ("GROSS_WIGHT_KG", "kg", "weight"),
    ("FOREIGN_PORT", "port_lading", "port_of_lading"), ("US_PORT", "port_unlading", "port_of_unlading"),
    ("VESSEL_NAME", "vessel", "vessel"), ("COUNTRY_OF_ORIGIN", "origin_country", "country_of_origin"),
    ("CONSIGNEE_ADDRESS", "consignee_addr", "consignee_address"), ("SHIPPER_ADDRESS", "shipper_addr", "shipper_address"),
    ("NO_OF_CONTAINERS", "count", "unmapped: "), ("CONTAINER_NUMBER", "container", "container"),
    ("QUANTITY", "qty", "quantity"), ("QUANTITY_UNIT", "unit", "quantity_unit"), ("BILL_OF_LADING", "bol", "record_id"),
    ("MASTER_B_L", "bol_repeat", "master_bol"), ("CARRIER_CODE", "scac", "carrier"),
    ("CARRIER_CITY", "shipper_city", "unmapped: "), ("NOTIFY_PARTY", "notify", "notify_name"),
    ("NOTIFY_ADDRESS", "notify_addr", "notify_address"), ("PLACE_OF_RECEIPT", "port_lading", "place_of_receipt")])
layout("mx_pedimento", "Mexican import declaration (pedimento), field names of SAT's Anexo 22 RGCE 'Instructivo para "
       "el llenado del pedimento' (NUM. PEDIMENTO, T. OPER, TIPO CAMBIO, PESO BRUTO, ADUANA E/S, VALOR DOLARES, "
       "VALOR ADUANA, RFC, FRACCION, descripción) as resellers of pedimento data export them "
       "(https://blog.cjaduanero.com/anexo-22-de-las-rgce-para-2019-publicadas-el-24062019)", [
    ("NUM. PEDIMENTO", "pedimento", "record_id"), ("T. OPER", "t_oper", "unmapped: "),
    ("FECHA DE PAGO", "date_dmy", "date"), ("RFC", "rfc", "consignee_tax_id"),
    ("RAZÓN SOCIAL IMPORTADOR", "consignee", "consignee_name"), ("DOMICILIO IMPORTADOR", "consignee_addr", "consignee_address"),
    ("PROVEEDOR", "shipper", "shipper_name"), ("DOMICILIO PROVEEDOR", "shipper_addr", "shipper_address"),
    ("PAÍS ORIGEN", "origin_country", "country_of_origin"), ("FRACCIÓN ARANCELARIA", "hs8", "hs_code"),
    ("Descripción Comercial", "goods", "description"), ("CANTIDAD", "qty", "quantity"), ("UNIDAD", "unit", "quantity_unit"),
    ("Peso Bruto (kg)", "kg", "weight"), ("TIPO CAMBIO", "tipo_cambio", "unmapped: "),
    ("VALOR DOLARES", "usd", "value_usd"), ("VALOR ADUANA (MXN)", "mxn", "unmapped: no exchange rate"),
    ("ADUANA E/S", "port_unlading", "port_of_unlading")], delimiter=";")
layout("cn_export_declaration", "Chinese customs export declaration in English, layout B of tracekit issue 8, fields "
       "as in GACC's 'Standards on Completion of Customs Declaration Forms for Import/Export Goods' "
       "(http://english.customs.gov.cn/Statics/7d65e215-13ed-4a3e-baa1-797f01e5e902.html)", [
    ("Declaration No.", "decl", "record_id"), ("Export Date", "date_iso", "date"), ("Exporter", "shipper", "shipper_name"),
    ("Exporter Address", "shipper_addr", "shipper_address"), ("Overseas Buyer", "consignee", "consignee_name"),
    ("Buyer Address", "consignee_addr", "consignee_address"), ("HS Code", "hs", "hs_code"),
    ("Product Description", "goods", "description"), ("Quantity", "qty", "quantity"), ("Unit", "unit", "quantity_unit"),
    ("Gross Weight (kg)", "kg", "weight"), ("Total Value (USD)", "usd", "value_usd"),
    ("Port of Departure", "port_lading", "port_of_lading"), ("Destination Country", "dest_country", "destination_country"),
    ("Trade Mode", "trade_mode", "unmapped: no tracekit field")])
layout("cn_export_declaration_zh", "Chinese customs export declaration with its Chinese column names (海关编号, "
       "出口日期, 境内发货人, 境外收货人, 商品编号, 商品名称及规格型号, 数量及单位, 毛重(千克), 总价, 币制, 离境口岸, "
       "运抵国(地区), 监管方式), as in GACC's 'Standards on Completion of Customs Declaration Forms for Import/Export Goods' "
       "(http://english.customs.gov.cn/Statics/7d65e215-13ed-4a3e-baa1-797f01e5e902.html; Chinese form: "
       "https://exp.czl.net/en/12769.html)", [
    ("海关编号", "decl", "record_id"), ("出口日期", "date_iso", "date"), ("境内发货人", "shipper_han", "shipper_name"),
    ("境外收货人", "consignee", "consignee_name"), ("商品编号", "hs8", "hs_code"), ("商品名称", "goods_zh", "description"),
    ("数量", "qty", "quantity"), ("单位", "unit_zh", "quantity_unit"), ("毛重(千克)", "kg", "weight"),
    ("总价(美元)", "usd", "value_usd"), ("离境口岸", "port_zh", "port_of_lading"), ("运抵国(地区)", "dest_code", "destination_country"),
    ("监管方式", "trade_mode_zh", "unmapped: no tracekit field")])
layout("in_shipping_bill", "Indian export declaration (shipping bill) in English: SB No, SB Date, IEC, exporter, "
       "consignee, HS code, description, quantity, UQC, FOB in INR, port of loading, destination "
       "(https://sezonline-ndml.co.in/Help/SB/SBMain.html; https://cargofide.com/documents/shipping-bill)", [
    ("SB No.", "decl", "record_id"), ("SB Date", "date_dot", "date"), ("IEC", "iec", "shipper_tax_id"),
    ("Exporter Name", "shipper", "shipper_name"), ("Exporter Address", "shipper_addr", "shipper_address"),
    ("Consignee Name", "consignee", "consignee_name"), ("Consignee Country", "consignee_country", "consignee_country"),
    ("HS Code (ITC-HS)", "hs8", "hs_code"), ("Item Description", "goods", "description"), ("Qty", "qty", "quantity"),
    ("UQC", "uqc", "quantity_unit"), ("Gross Wt (KGS)", "kg", "weight"), ("FOB Value (INR)", "inr", "unmapped: value in INR"),
    ("Port of Loading", "port_lading", "port_of_lading"), ("Country of Destination", "dest_country", "destination_country"),
    ("CHA Name", "cha", "unmapped: "), ("Invoice No", "inv", "unmapped: ")])
layout("name_address_single", "Single-column parties as on the bill-of-lading form boxes 'Shipper (name and address)' / "
       "'Consignee (name and address)' (FIATA/BIMCO-style B/L; ABBYY Vantage bill-of-lading fields "
       "https://docs.abbyy.com/vantage/documentation/skill-catalog/built-in-skills/bill-of-lading)", [
    ("B/L No.", "bol", "record_id"), ("Date of Issue", "date_dmy", "date"),
    ("Shipper (Name and Address)", "name_address", "shipper_name_address"),
    ("Consignee (Name and Address)", "name_address_c", "consignee_name_address"),
    ("Description of Goods", "goods", "description"), ("Gross Weight (LB)", "lb", "weight"),
    ("Port of Loading", "port_lading", "port_of_lading"), ("Port of Discharge", "port_unlading", "port_of_unlading")])
layout("city_state_country", "Separate address, city, state, postcode and country columns per party: Tradewindow "
       "'Import Sea Manifest' CSV header list "
       "(https://freighthelp.tradewindow.io/support/solutions/articles/51000305967-import-sea-manifest-australia-and-new-zealand)", [
    ("HAWB", "bol", "house_bol"), ("Consignee Name", "consignee", "consignee_name"),
    ("Consignee Address", "consignee_street", "consignee_address"), ("Consignee City", "consignee_city", "consignee_address"),
    ("Consignee State", "consignee_state", "consignee_address"), ("Consignee Postcode", "consignee_zip", "consignee_address"),
    ("Consignee Country Code", "consignee_country", "consignee_country"), ("Goods Description", "goods", "description"),
    ("Packages", "qty", "quantity"), ("Package Type", "unit", "quantity_unit"), ("KG", "kg", "weight"),
    ("Shipper Name", "shipper", "shipper_name"), ("Shipper Address", "shipper_street", "shipper_address"),
    ("Shipper City", "shipper_city", "shipper_address"), ("Shipper State", "shipper_state", "shipper_address"),
    ("Shipper Postcode", "shipper_zip", "shipper_address"), ("Shipper Country Code", "shipper_country", "shipper_country"),
    ("Origin Port", "port_lading", "port_of_lading"), ("Destination Port", "port_unlading", "port_of_unlading"),
    ("Total Value", "usd", "value_usd"), ("Currency", "currency", "unmapped: currency of"),
    ("Container Number", "container", "container"), ("Arrival Date", "date_iso", "date")])


layout("reseller_techsalerator", "Techsalerator 'Import/Export Trade Data in North America' column list "
       "(https://datarade.ai/data-products/import-export-trade-data-in-north-america-techsalerator)", [
    ("ESTIMATE ARRIVAL DATE", "date_iso", "unmapped: "), ("ACTUAL ARRIVAL DATE", "date_iso", "date"),
    ("SHIPPER NAME", "shipper", "shipper_name"), ("SHIPPER ADDRESS", "shipper_addr", "shipper_address"),
    ("RAW SHIPPER NAME", "shipper", "unmapped: "), ("RAW SHIPPER ADDRESS1", "shipper_street", "unmapped: "),
    ("CONSIGNEE NAME", "consignee", "consignee_name"), ("CONSIGNEE ADDRESS", "consignee_addr", "consignee_address"),
    ("NOTIFY PARTY NAME", "notify", "notify_name"), ("NOTIFY PARTY ADDRESS", "notify_addr", "notify_address"),
    ("COUNTRY", "origin_country", "unmapped: "), ("HS CODE", "hs", "hs_code"),
    ("PRODUCT DESCRIPTION", "goods", "description"), ("QUANTITY", "qty", "quantity"),
    ("QUANTITY UNIT", "unit", "quantity_unit"), ("MEASURE UNIT", "unit", "unmapped: "),
    ("WEIGHT IN KG", "kg", "weight"), ("WEIGHT", "lb", "unmapped: "), ("WEIGHT UNIT", "wunit", "unmapped: "),
    ("CIF", "usd", "value_usd"), ("TEU", "count", "unmapped: "), ("BILL OF LADING", "bol", "record_id"),
    ("MASTER BILL OF LADING", "bol_repeat", "master_bol"), ("BILL TYPE CODE", "mode", "unmapped: "),
    ("CARRIER SASC CODE", "scac", "carrier"), ("VESSEL NAME", "vessel", "vessel"), ("VOYAGE", "count", "unmapped: "),
    ("MANIFEST NO", "decl", "unmapped: "), ("MODE OF TRANSPORTATION", "mode", "unmapped: "),
    ("LOADING PORT", "port_lading", "port_of_lading"), ("UNLOADING PORT", "port_unlading", "port_of_unlading"),
    ("PLACE OF RECEIPT", "port_lading", "place_of_receipt"), ("CONTAINER ID", "container", "container")],
       first_run="30/33")
layout("forwarder_speedi_consignment", "Tradewindow Speedi 'Consignment auto-add datafile format' data item names "
       "(https://speediaccordhelp.tradewindow.io/support/solutions/articles/51000284646-consignment-auto-add-datafile-format)", [
    ("BillType", "bill_type", "unmapped: "), ("BillNo", "bol", "record_id"),
    ("OriginPortCode", "locode_cn", "port_of_lading"), ("DestinationPortCode", "locode_us", "port_of_unlading"),
    ("SellerName", "shipper", "shipper_name"), ("SellerAddress1", "shipper_street", "shipper_address"),
    ("SellerAddress2", "shipper_zip", "shipper_address"), ("SellerCity", "shipper_city", "shipper_address"),
    ("BuyerName", "consignee", "consignee_name"), ("BuyerAddress1", "consignee_street", "consignee_address"),
    ("BuyerCity", "consignee_city", "consignee_address"), ("BuyerContact", "contact_name", "unmapped: "),
    ("BuyerEmail", "email", "consignee_email"), ("InvoiceNo", "inv", "unmapped: "),
    ("InvoiceCurrency", "currency", "unmapped: "), ("Quantity", "qty", "quantity"), ("Units", "unit", "quantity_unit"),
    ("ProductDescription", "goods", "description"), ("ProductHSCode", "hs", "hs_code"),
    ("ProductValueInvoiced", "usd", "value_usd"), ("NumberPackages", "count", "unmapped: "),
    ("PackageType", "unit", "unmapped: "), ("Weight", "kg", "weight")], first_run="21/23")
layout("reseller_panjiva_us_import", "S&P Global Panjiva US import table (panjivaUSImport) column names, camelCase "
       "with con/shp/ntf abbreviations, as used in public research code that queries it (e.g. GitHub code "
       "listing 'panjivaRecordId, billOfLadingNumber, arrivalDate, conName, conFullAddress, ..., shpmtOrigin, "
       "valueOfGoodsUSD'); see also https://panjiva.com and S&P Capital IQ Xpressfeed's Panjiva package", [
    ("panjivaRecordId", "company_id", "record_id"), ("billOfLadingNumber", "bol", "house_bol"),
    ("arrivalDate", "date_iso", "date"), ("conName", "consignee", "consignee_name"),
    ("conFullAddress", "consignee_addr", "consignee_address"), ("conCity", "consignee_city", "consignee_address"),
    ("conStateRegion", "consignee_state", "consignee_address"), ("conPostalCode", "consignee_zip", "consignee_address"),
    ("conCountry", "consignee_country", "consignee_country"), ("conPanjivaId", "company_id", "unmapped: "),
    ("shpName", "shipper", "shipper_name"), ("shpFullAddress", "shipper_addr", "shipper_address"),
    ("shpCity", "shipper_city", "shipper_address"), ("shpStateRegion", "shipper_state", "shipper_address"),
    ("shpPostalCode", "shipper_zip", "shipper_address"), ("shpCountry", "shipper_country", "shipper_country"),
    ("shpPanjivaId", "company_id", "unmapped: "), ("carrier", "carrier", "carrier"),
    ("notifyParty", "notify", "notify_name"), ("billOfLadingType", "bill_type", "unmapped: "),
    ("masterBillOfLadingNumber", "bol_repeat", "master_bol"), ("shpmtOrigin", "origin_country", "country_of_origin"),
    ("shpmtDestination", "dest_country", "destination_country"), ("portOfUnlading", "port_unlading", "port_of_unlading"),
    ("portOfLading", "port_lading", "port_of_lading"), ("portOfLadingCountry", "origin_country", "unmapped: "),
    ("placeOfReceipt", "port_lading", "place_of_receipt"), ("transportMethod", "mode", "unmapped: "),
    ("vessel", "vessel", "vessel"), ("vesselIMO", "decl", "unmapped: "), ("volumeTEU", "count", "unmapped: "),
    ("quantity", "qty", "quantity"), ("weightKg", "kg", "weight"), ("weightT", "count", "unmapped: "),
    ("valueOfGoodsUSD", "usd", "value_usd"), ("manifestNumber", "decl", "unmapped: "),
    ("numberOfContainers", "count", "unmapped: "), ("fileDate", "date_iso", "unmapped: ")], first_run="30/38")
layout("heldout_in_export_invoice", "Indian export invoice fields as labelled for document extraction (Exporter, "
       "exporter_address1/city/state/pincode, iecCode, GSTIN, buyerName, consignee_name/address1/countryName, "
       "destination_country, port_of_loading, discharge_port, Description, RITC_code, Total_Amount_usd, "
       "gross_weight…) in a public model's label set "
       "(https://huggingface.co/Spacyzipa/sam_13_01_24_epoch4/blob/main/added_tokens.json)", [
    ("document_type", "doc_type", "unmapped: "), ("invoice_no", "inv", "unmapped: "), ("invoice_date", "date_dmy", "date"),
    ("Exporter", "shipper", "shipper_name"), ("exporter_address1", "shipper_street", "shipper_address"),
    ("exporter_city", "shipper_city", "shipper_address"), ("exporter_state", "shipper_state", "shipper_address"),
    ("exporter_pincode", "shipper_zip", "shipper_address"), ("iecCode", "iec", "shipper_tax_id"),
    ("GSTIN", "gstin", "unmapped: "), ("buyerName", "consignee", "unmapped: "),
    ("consignee_name", "consignee", "consignee_name"), ("consignee_address1", "consignee_street", "consignee_address"),
    ("consignee_countryName", "consignee_country", "consignee_country"),
    ("destination_country", "dest_country", "destination_country"), ("port_of_loading", "port_lading", "port_of_lading"),
    ("discharge_port", "port_unlading", "port_of_unlading"), ("destination_port", "port_unlading", "unmapped: "),
    ("Description", "goods", "description"), ("RITC_code", "hs8", "hs_code"), ("Quantity_Unit", "unit", "quantity_unit"),
    ("total_pieces", "qty", "quantity"), ("Rate_Price_usd", "usd", "unmapped: "), ("Total_Amount_usd", "usd", "value_usd"),
    ("currency", "currency", "unmapped: "), ("gross_weight", "kg", "weight"), ("net_weight", "kg", "unmapped: "),
    ("shipment_mode", "mode", "unmapped: "), ("freightAmount", "usd", "unmapped: "), ("insuranceAmount", "usd", "unmapped: "),
    ("State_of_Origin", "in_state", "unmapped: "), ("District_of_Origin", "shipper_city", "unmapped: "),
    ("IGST_Rate", "pct", "unmapped: "), ("adCode", "inv", "unmapped: ")], held_out=True)
layout("heldout_qad_manual_shipment", "QAD TransMan 'Manual Shipment' screen fields as a forwarder's export: Consignor, "
       "Ship To, Consignee, Contact, Address 1-4, City, State/Province, Phone, Postal/Zip Code, Consignee Country, "
       "Order Number, Despatch Date, Carrier, Currency, Product Code, Product Description, Quantity, Weight "
       "(https://www.qad.com/documentation/TransMan/2012_R01/BaseWebUI_UG_v04_10/07_Manual_Shipment.08.2.html)", [
    ("Consignor", "shipper", "shipper_name"), ("Ship To", "consignee", "unmapped: "),
    ("Consignee", "consignee", "consignee_name"), ("Contact", "contact_name", "unmapped: "),
    ("Address 1", "consignee_street", "consignee_address"), ("Address 2", "consignee_state", "consignee_address"),
    ("Address 3", "blank", "consignee_address"), ("Address 4", "blank", "consignee_address"),
    ("City", "consignee_city", "consignee_address"), ("State/Province", "consignee_state", "consignee_address"),
    ("Phone", "phone_only", "consignee_phone"), ("Postal/Zip Code", "consignee_zip", "consignee_address"),
    ("Consignee Country", "consignee_country", "consignee_country"), ("Order Number", "inv", "unmapped: "),
    ("Buyer's Ref No", "inv", "unmapped: "), ("Service/Route", "mode", "unmapped: "),
    ("Despatch Date", "date_dmy", "date"), ("Shipment Type", "ship_type", "unmapped: "),
    ("Customer", "consignee", "unmapped: "), ("Delivery Terms", "terms", "unmapped: "), ("Carrier", "carrier", "carrier"),
    ("Transport Mode", "mode", "unmapped: "), ("Currency", "currency", "unmapped: "), ("Product Code", "sku", "unmapped: "),
    ("Product Description", "goods", "description"), ("Quantity", "qty", "quantity"), ("Weight", "kg", "weight")],
       held_out=True)


def main() -> None:
    for name, (source, columns, rows, delimiter, held_out) in LAYOUTS.items():
        rng = random.Random(name)
        folder = HERE / name
        folder.mkdir(exist_ok=True)
        with open(folder / "data.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, delimiter=delimiter)
            writer.writerow([h for h, _, _ in columns])
            for i in range(rows):
                writer.writerow([_value(kind, rng, i) for _, kind, _ in columns])
        (folder / "expected.json").write_text(json.dumps({h: e for h, _, e in columns}, indent=1, ensure_ascii=False)
                                              + "\n", encoding="utf-8")
        note = f"\n{HELD_OUT_NOTE}\n" if held_out else ""
        if name in FIRST_RUN:
            note = (f"\nHeld out at first (expected mapping written before the mapper's first run on it, which got "
                    f"{FIRST_RUN[name]} columns right); the rules were then improved on it, so it now counts as "
                    "a development layout.\n")
        (folder / "README.md").write_text(f"# {name}\n\nHeaders from: {source}\n{note}\nValues are fictional; "
                                          "regenerate with `python -m tests.ingest.layouts.make_layouts`.\n",
                                          encoding="utf-8")


if __name__ == "__main__":
    main()
