"""The words tracekit knows in column headers, and what each stands for.

``CONCEPTS`` maps a word (accents folded, lower case) to a concept: English and Spanish spellings and the
usual trade abbreviations of one idea share it (``desc``/``descripcion`` → ``description``). ``EXPANSIONS``
are abbreviations of several words (``pol`` → port of lading). ``CJK_TERMS`` are Chinese header terms of
the customs declaration form (GACC's *Standards on Completion of Customs Declaration Forms*), matched as
substrings since Chinese headers carry no spaces. A new spelling belongs here, not in the scoring rules.
"""

from __future__ import annotations

__all__ = ["CONCEPTS", "EXPANSIONS", "ROLE_WORDS", "CURRENCIES", "UNITS", "CJK_TERMS"]

# Word → concept (several words may stand for one concept; a concept may be two words).
CONCEPTS: dict[str, str] = {
    # parties
    "shipper": "shipper", "shippers": "shipper", "shpr": "shipper", "shp": "shipper", "exporter": "exporter",
    "exportador": "exporter", "supplier": "supplier", "proveedor": "supplier", "consignor": "consignor",
    "seller": "seller", "vendedor": "seller", "vendor": "seller", "remitente": "shipper", "embarcador": "shipper",
    "sender": "shipper", "consignee": "consignee", "cnee": "consignee", "consignatario": "consignee",
    "destinatario": "consignee", "importer": "importer", "importador": "importer", "buyer": "buyer",
    "comprador": "buyer", "purchaser": "buyer", "receiver": "consignee", "recipient": "consignee",
    "notify": "notify", "ntfy": "notify", "ntf": "notify", "notificar": "notify", "con": "consignee",
    "shpmt": "shipment", "shpt": "shipment", "shipmt": "shipment", "region": "state",
    "name": "name", "nombre": "name", "razon": "name", "social": "name", "denominacion": "name",
    "company": "company", "empresa": "company", "party": "party", "firm": "company",
    "address": "address", "addr": "address", "adr": "address", "adress": "address", "domicilio": "address",
    "direccion": "address", "street": "address", "calle": "address", "city": "city", "ciudad": "city",
    "town": "city", "municipio": "city", "state": "state", "estado": "state", "province": "state",
    "provincia": "state", "zip": "zip", "postal": "zip", "postcode": "zip", "cp": "zip", "colonia": "district",
    "district": "district", "line": "line",
    "phone": "phone", "tel": "phone", "telephone": "phone", "telefono": "phone", "fax": "phone",
    "mobile": "phone", "email": "email", "mail": "email", "correo": "email",
    "contact": "contact", "contacto": "contact", "comm": "contact", "communication": "contact",
    "tax": "taxid", "taxid": "taxid", "rfc": "taxid", "iec": "taxid", "gstin": "taxid", "vat": "taxid",
    "ein": "taxid", "tin": "taxid", "uscc": "taxid", "ruc": "taxid", "nit": "taxid", "cuit": "taxid",
    "cnpj": "taxid", "fiscal": "taxid", "curp": "taxid",
    # dates
    "date": "date", "fecha": "date", "dt": "date", "day": "date", "arrival": "arrival", "llegada": "arrival",
    "arribo": "arrival", "actual": "actual", "estimated": "estimated", "estimate": "estimated",
    "payment": "payment", "pago": "payment", "departure": "departure", "salida": "departure",
    "entrada": "entry", "entry": "entry",
    # goods
    "description": "description", "desc": "description", "descr": "description", "dscr": "description",
    "descripcion": "description", "goods": "goods", "cargo": "goods", "mercancia": "goods",
    "mercancias": "goods", "mercaderia": "goods", "merchandise": "goods", "product": "product",
    "producto": "product", "commodity": "commodity", "item": "item", "articulo": "item", "contents": "goods",
    "hs": "hs", "hts": "hs", "hsn": "hs", "harmonized": "harmonized", "tariff": "tariff", "fraccion": "tariff",
    "arancelaria": "tariff", "partida": "tariff", "ncm": "hs",
    "quantity": "quantity", "qty": "quantity", "qnty": "quantity", "cantidad": "quantity",
    "pieces": "quantity", "pcs": "quantity", "packages": "packages", "package": "packages", "pkgs": "packages",
    "pkg": "packages", "bultos": "packages",
    "unit": "unit", "units": "unit", "uom": "unit", "unidad": "unit", "measure": "unit", "medida": "unit",
    "weight": "weight", "wt": "weight", "wgt": "weight", "wght": "weight", "peso": "weight", "mass": "weight",
    "gross": "gross", "bruto": "gross", "net": "net", "neto": "net",
    "value": "value", "valor": "value", "amount": "amount", "amt": "amount", "monto": "amount",
    "importe": "amount", "price": "price", "precio": "price", "cost": "price", "fob": "fob", "cif": "cif",
    "currency": "currency", "moneda": "currency", "divisa": "currency",
    # places
    "port": "port", "puerto": "port", "place": "place", "lugar": "place", "lading": "lading",
    "loading": "lading", "embarque": "lading", "carga": "lading", "unlading": "unlading",
    "discharge": "unlading", "descarga": "unlading", "unloading": "unlading", "receipt": "receipt",
    "recepcion": "receipt", "customs": "customs", "aduana": "customs", "foreign": "foreign",
    "origin": "origin", "orig": "origin", "origen": "origin", "provenance": "origin", "procedencia": "origin",
    "destination": "destination", "dest": "destination", "destino": "destination", "dst": "destination",
    "country": "country", "ctry": "country", "cntry": "country", "pais": "country", "nation": "country",
    "export": "export", "exportacion": "export", "import": "import", "importacion": "import",
    # transport and documents
    "vessel": "vessel", "vsl": "vessel", "buque": "vessel", "ship": "ship", "carrier": "carrier",
    "scac": "carrier", "naviera": "carrier", "transportista": "carrier", "container": "container",
    "containers": "container", "cntr": "container", "ctnr": "container", "contenedor": "container",
    "master": "master", "house": "house", "bill": "bill", "lading#": "lading",
    "number": "number", "no": "number", "nbr": "number", "num": "number", "nr": "number", "nro": "number",
    "numero": "number", "id": "id", "identifier": "id", "ref": "reference", "reference": "reference",
    "code": "code", "codigo": "code", "clave": "code", "record": "record", "declaration": "declaration",
    "decl": "declaration", "pedimento": "declaration", "manifest": "manifest", "shipment": "shipment",
    "shipping": "shipping", "shipped": "shipped", "trade": "trade", "mode": "mode", "type": "type",
    "tipo": "type", "total": "total", "declared": "declared", "in": "in", "of": "of", "de": "of", "del": "of",
    "la": "of", "el": "of", "and": "and", "y": "and", "raw": "raw", "standardized": "standardized",
    "parent": "parent", "ultimate": "parent", "registered": "registered", "overseas": "overseas",
    "domestic": "domestic", "seal": "seal", "size": "size", "voyage": "voyage", "invoice": "invoice",
    "factura": "invoice", "text": "text", "texto": "text", "operacion": "operation", "operation": "operation",
    "arancelario": "tariff", "arancel": "tariff", "piece": "quantity", "count": "count", "usd": "usd", "dolares": "usd", "dollars": "usd", "comercial": "commercial",
    "commercial": "commercial", "us": "us", "mt": "mt", "kg": "kg", "kgs": "kg", "lb": "lb", "lbs": "lb",
}
# Abbreviations standing for several concepts at once.
EXPANSIONS: dict[str, tuple[str, ...]] = {
    "pol": ("port", "lading"), "pod": ("port", "unlading"), "bl": ("bill", "lading"), "bol": ("bill", "lading"),
    "mbl": ("master", "bill", "lading"), "mbol": ("master", "bill", "lading"),
    "hbl": ("house", "bill", "lading"), "hbol": ("house", "bill", "lading"),
    "eta": ("estimated", "arrival", "date"), "etd": ("estimated", "departure", "date"),
    "sb": ("declaration",), "hawb": ("house", "bill", "lading"), "mawb": ("master", "bill", "lading"),
    "uqc": ("unit",), "awb": ("bill", "lading"), "hscode": ("hs", "code"), "cve": ("code",),
}
ROLE_WORDS: dict[str, frozenset[str]] = {
    "shipper": frozenset({"shipper", "exporter", "supplier", "consignor", "seller"}),
    "consignee": frozenset({"consignee", "importer", "buyer"}),
    "notify": frozenset({"notify"}),
}
CURRENCIES = frozenset({"usd", "inr", "mxn", "cny", "rmb", "eur", "gbp", "jpy", "krw", "brl", "cad", "hkd",
                         "twd", "vnd", "thb", "idr", "myr", "pen", "cop", "clp", "ars", "try", "rub", "aud"})
UNITS = {"kg": "KG", "kgs": "KG", "kilos": "KG", "kilograms": "KG", "lb": "LB", "lbs": "LB", "pounds": "LB",
          "mt": "MT", "tons": "MT", "tonnes": "MT", "tonne": "MT", "ton": "MT", "t": "MT", "g": "G",
          "grams": "G"}

# Chinese terms of the import/export declaration form, longest first where one contains another.
CJK_TERMS: dict[str, tuple[str, ...]] = {
    "境内发货人": ("shipper", "name"), "境外收货人": ("overseas", "consignee", "name"),
    "境外发货人": ("overseas", "shipper", "name"), "境内收货人": ("consignee", "name"),
    "发货人": ("shipper",), "收货人": ("consignee",), "出口商": ("exporter",), "进口商": ("importer",),
    "生产销售单位": ("manufacturer",), "消费使用单位": ("user",),
    "海关编号": ("declaration", "number"), "报关单号": ("declaration", "number"), "预录入编号": ("preentry", "number"),
    "出口日期": ("export", "date"), "进口日期": ("import", "date"), "申报日期": ("declaration", "date"),
    "日期": ("date",), "商品编号": ("hs", "code"), "商品编码": ("hs", "code"), "税则号": ("tariff", "code"),
    "商品名称": ("goods", "description"), "货物名称": ("goods", "description"), "品名": ("goods", "description"),
    "规格型号": ("model",), "法定数量": ("statutory", "quantity"), "数量": ("quantity",), "单位": ("unit",),
    "总价": ("total", "value"), "金额": ("amount",), "单价": ("unit", "price"), "币制": ("currency",),
    "美元": ("usd",), "人民币": ("cny",), "毛重": ("gross", "weight"), "净重": ("net", "weight"), "千克": ("kg",),
    "公斤": ("kg",), "离境口岸": ("port", "departure"), "出境关别": ("exit", "customs"), "入境口岸": ("port", "entry"),
    "启运港": ("port", "lading"), "装货港": ("port", "lading"), "指运港": ("port", "destination"),
    "经停港": ("transit", "port"), "运抵国": ("destination", "country"), "启运国": ("origin", "country"),
    "原产国": ("origin", "country"), "最终目的国": ("destination", "country"), "贸易国": ("trade", "country"),
    "贸易方式": ("trade", "mode"), "监管方式": ("trade", "mode"), "运输方式": ("transport", "mode"),
    "运输工具名称": ("vessel", "name"), "提运单号": ("bill", "lading", "number"), "集装箱号": ("container", "number"),
    "地址": ("address",), "名称": ("name",), "电话": ("phone",), "统一社会信用代码": ("taxid",),
}
