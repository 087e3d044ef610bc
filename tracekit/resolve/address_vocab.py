"""Word tables of the address key (:mod:`tracekit.resolve.address`), with their sources.

Sources
-------
* Most keyword forms come from rigour (OpenSanctions), ``rigour.data.addresses.data.FORMS``: the
  canonical short form of street, building, unit and area words in many languages (Road/Rd,
  Avenue/Avenida/Ave → av, Building/Edificio → bldg, Floor/Piso → fl, Room → rm, Block/Bloque → blk,
  Industrial → ind, Centre/Center → ctr …). They are read at import time, not copied here.
* USPS Publication 28, *Postal Addressing Standards*, Appendix C1 (street suffixes: ALY, AVE, BLVD,
  CIR, CT, CRES, DR, HWY, LN, PKWY, PL, RD, SQ, ST, TER …) and Appendix C2 (secondary unit
  designators: APT, BLDG, DEPT, FL, OFC, RM, STE, UNIT, LOT, SPC, TRLR …):
  https://pe.usps.com/text/pub28/28apc_002.htm and https://pe.usps.com/text/pub28/28apc_003.htm —
  for the forms rigour lacks (FLT, FLR, STE, OFC, CRES, PL …).
* Hong Kong: the structured address of Hongkong Post's *Mailing Address Format Finder* (region,
  district, street name and number, building, floor, unit; https://www.hongkongpost.hk/en/about_us/
  tips/correct_address/index.html); the 18 districts and 3 regions of the District Councils
  Ordinance (Cap. 547, Schedule 1) with their Chinese names; the common area names inside them
  (Tsim Sha Tsui, Mong Kok, Causeway Bay …) as the Government writes them; and the usual
  abbreviations of HK addresses (TST, Kln, N.T., H.K., Flt, Rm, Blk, Ind, Comm, Ctr).
  No package on PyPI ships Hong Kong's bilingual street and place names, so the small tables below
  are ours. Street names are those of the HK Government's bilingual street index for the busiest
  commercial streets (where companies register): their English names are often translations or
  old names (彌敦道 = Nathan Road), not romanisations, so no rule can find them.
* Spanish and Latin-American forms follow Mexico's address standard NMX-R-046-SCFI-2015
  (*Domicilios geográficos*): tipo de vialidad (Av., Calz., C., Blvd., Priv., Prol., Carr.), número
  exterior (No., Núm., #), número interior (Int.), asentamiento (Col., Fracc.), código postal (C.P.).
* Chinese address words: GB/T 23705-2009 (*Rules for the coding of addresses*) and the usual
  renderings of 路 Road, 道 Road, 街 Street, 大道 Avenue, 号/號 No., 室 Room, 楼/樓/层/層 Floor,
  座/栋/棟 Block/Tower, 大厦/大廈 Building, 区/區 District, 市 City, 省 Province.
"""

from __future__ import annotations

__all__ = [
    "SUPPLEMENT_FORMS",
    "UNIT_WORDS",
    "FLOOR_WORDS",
    "BLOCK_WORDS",
    "NUMBER_WORDS",
    "POSTCODE_WORDS",
    "POBOX_WORDS",
    "PLOT_WORDS",
    "BUILDING_WORDS",
    "AREA_WORDS",
    "STREET_TYPES",
    "STREET_TYPE_CLASS",
    "DIRECTIONS",
    "PHRASES",
    "HK_REGIONS",
    "HK_PLACES",
    "HK_AMBIGUOUS_PLACES",
    "HK_STREETS",
    "HAN_STREET_TYPES",
    "HAN_BUILDING_WORDS",
    "HAN_AREA_WORDS",
]

# Forms rigour's table lacks (USPS Pub. 28 C1/C2, NMX-R-046, HK usage) → the canonical form used here.
SUPPLEMENT_FORMS: dict[str, str] = {
    "flt": "apt", "fla": "apt", "flr": "fl", "ste": "ste", "suite": "ste", "ofc": "of", "off": "of",
    "rm": "rm", "rms": "rm", "unit": "unt", "units": "unt", "depto": "apt", "dpto": "apt",
    "departamento": "apt", "interior": "int", "int": "int", "local": "shop", "despacho": "of",
    "whse": "whse", "warehouse": "whse", "godown": "whse", "bodega": "whse",
    "bldg": "bldg", "bldgs": "bldg", "bld": "bldg", "edif": "bldg", "ctr": "ctr", "cntr": "ctr",
    "cent": "ctr", "centre": "ctr", "center": "ctr", "plz": "sq", "plaza": "sq", "mansion": "mans",
    "mansions": "mans", "mans": "mans", "hse": "house", "house": "house", "comm": "cmrc",
    "coml": "cmrc", "commercial": "cmrc", "com": "cmrc", "ind": "ind", "indl": "ind", "indus": "ind",
    "industrial": "ind", "est": "est", "estate": "est", "blk": "blk", "block": "blk", "twr": "twr",
    "tower": "twr", "torre": "twr", "fl": "fl", "floor": "fl", "piso": "fl", "planta": "fl",
    "no": "no", "nos": "no", "nr": "no", "nro": "no", "num": "no", "numero": "no", "number": "no",
    "cp": "cp", "zip": "cp", "pincode": "cp", "pin": "cp", "postcode": "cp",
    "rd": "rd", "road": "rd", "st": "st", "str": "st", "street": "st", "ave": "av", "av": "av",
    "avda": "av", "avenida": "av", "avenue": "av", "blvd": "av", "boulevard": "av", "bulevar": "av",
    "blvr": "av", "calz": "calz", "calzada": "calz", "calle": "c", "c": "c", "priv": "priv",
    "privada": "priv", "prol": "prol", "prolongacion": "prol", "carr": "carr", "carretera": "carr",
    "cra": "cra", "carrera": "cra", "kr": "cra", "cl": "c", "dr": "dr", "drive": "dr", "ln": "ln",
    "lane": "ln", "cres": "cres", "crescent": "cres", "pl": "pl", "place": "pl", "ter": "ter",
    "terrace": "ter", "hwy": "hwy", "highway": "hwy", "pkwy": "pky", "parkway": "pky", "ct": "ct",
    "court": "ct", "cir": "cir", "circle": "cir", "strand": "strand", "path": "path", "rua": "rua",
    "via": "via", "jalan": "jln", "jln": "jln", "soi": "soi", "marg": "rd", "sq": "sq",
    "square": "sq", "col": "col", "colonia": "col", "fracc": "col", "fraccionamiento": "col",
    "barrio": "col", "dist": "kv", "district": "kv", "distt": "kv", "area": "kv", "ward": "kv",
    "city": "city", "ciudad": "city", "prov": "prov", "province": "prov", "county": "cty",
    "sector": "sec", "phase": "phase", "ph": "phase", "mz": "mz", "manzana": "mz", "lt": "lot",
    "lote": "lot", "lot": "lot", "plot": "lot", "po": "po", "pob": "pobox", "pobox": "pobox",
    "apdo": "pobox", "casilla": "pobox", "sn": "sn",
    # rigour abbreviates these to forms that are designators here (international → int = interior)
    "international": "international", "intl": "international", "internacional": "international",
}

# Kinds of designator: each binds the number or code written after it ("Flat 7B", "12/F", "No. 21").
UNIT_WORDS = frozenset({"apt", "rm", "unt", "ste", "of", "int", "shop", "whse", "dept", "kab", "pom"})
FLOOR_WORDS = frozenset({"fl"})
BLOCK_WORDS = frozenset({"blk", "twr", "k", "bat"})
NUMBER_WORDS = frozenset({"no", "d"})
POSTCODE_WORDS = frozenset({"cp", "zip"})
POBOX_WORDS = frozenset({"pobox"})
PLOT_WORDS = frozenset({"lot", "mz"})
# Words that end a building or estate name ("Silver Crane Centre", "Sai Krupa Industrial Estate").
BUILDING_WORDS = frozenset({"bldg", "ctr", "mans", "house", "twr", "sq", "cmrc", "ind", "est", "cplx",
                            "plaza", "shpg", "res", "gd", "condo", "hts", "pk"})
# Area words that name no place on their own ("Pudong New Area", "Baohe District", "Col. Centro").
AREA_WORDS = frozenset({"kv", "city", "prov", "cty", "col", "sec", "town", "vlg", "twp", "rn", "muni", "rep",
                        "new", "sar", "special", "administrative", "region", "zone", "state"})

# Street types: the canonical form each keys as. Avenue and boulevard are one class: 大道 is
# rendered either way (Century Avenue, Shennan Boulevard).
STREET_TYPES = frozenset({"rd", "st", "av", "blvd", "ln", "dr", "c", "calz", "priv", "prol", "carr", "cra",
                          "cres", "pl", "ter", "hwy", "pky", "ct", "cir", "strand", "path", "rua", "via",
                          "jln", "soi", "alley", "pr", "ul", "way", "expy", "fwy", "tpke", "rte"})
STREET_TYPE_CLASS = {"blvd": "av"}

# A direction right after a street type belongs to the street (Queen's Road Central, 德輔道中).
DIRECTIONS = {"central": "c", "ctr": "c", "c": "c", "east": "e", "e": "e", "west": "w", "w": "w",
              "north": "n", "n": "n", "south": "s", "s": "s"}

# Multi-word forms, matched on lower-case ASCII with punctuation spaced out, before single words.
PHRASES: dict[str, str] = {
    "p o box": "pobox", "po box": "pobox", "post office box": "pobox", "p o b": "pobox",
    "apartado postal": "pobox", "apartado aereo": "pobox", "aereo apartado": "pobox", "apartado": "pobox", "codigo postal": "cp", "c p": "cp", "postal code": "cp",
    "zip code": "cp", "pin code": "cp", "numero exterior": "no", "num ext": "no", "no ext": "no",
    "numero interior": "int", "num int": "int", "no int": "int", "new area": "kv", "sin numero": "sn",
    "s n": "sn", "ground floor": "fl g", "g f": "fl g", "g fl": "fl g", "u g": "ug", "l g": "lg",
    "upper ground": "ug", "lower ground": "lg", "industrial estate": "ind est", "p r china": "china",
    "pr china": "china",
}

# Hong Kong regions (Cap. 547): English forms and abbreviations → code. "Hong Kong" alone is the
# territory (a country code for the key's purpose) and is dropped like any country.
HK_REGIONS: dict[str, str] = {
    "hong kong island": "hki", "hk island": "hki", "hki": "hki", "kowloon": "kln", "kln": "kln",
    "kowloon east": "kln", "kowloon west": "kln", "new territories": "nt", "nt": "nt", "n t": "nt",
    "new kowloon": "kln", "lantau": "nt",
}

# District or area → (region, Chinese name). A district written any way (Tsim Sha Tsui / TST / 尖沙咀)
# is one token; the region is left out beside a district, and both beside a numbered street.
HK_PLACES: dict[str, tuple[str, str]] = {
    # the 18 districts (Cap. 547, Schedule 1)
    "central and western": ("hki", "中西區"), "wan chai": ("hki", "灣仔"), "wanchai": ("hki", "灣仔"),
    "eastern": ("hki", "東區"), "southern": ("hki", "南區"), "yau tsim mong": ("kln", "油尖旺"),
    "sham shui po": ("kln", "深水埗"), "kowloon city": ("kln", "九龍城"), "wong tai sin": ("kln", "黃大仙"),
    "kwun tong": ("kln", "觀塘"), "kwai tsing": ("nt", "葵青"), "tsuen wan": ("nt", "荃灣"),
    "tuen mun": ("nt", "屯門"), "yuen long": ("nt", "元朗"), "north": ("nt", "北區"), "tai po": ("nt", "大埔"),
    "sha tin": ("nt", "沙田"), "shatin": ("nt", "沙田"), "sai kung": ("nt", "西貢"), "islands": ("nt", "離島"),
    # areas within them
    "central": ("hki", "中環"), "sheung wan": ("hki", "上環"), "admiralty": ("hki", "金鐘"),
    "causeway bay": ("hki", "銅鑼灣"), "north point": ("hki", "北角"), "quarry bay": ("hki", "鰂魚涌"),
    "chai wan": ("hki", "柴灣"), "aberdeen": ("hki", "香港仔"), "wong chuk hang": ("hki", "黃竹坑"),
    "sai ying pun": ("hki", "西營盤"), "kennedy town": ("hki", "堅尼地城"), "happy valley": ("hki", "跑馬地"),
    "tai koo": ("hki", "太古"), "shau kei wan": ("hki", "筲箕灣"), "mid levels": ("hki", "半山"),
    "tsim sha tsui": ("kln", "尖沙咀"), "tst": ("kln", "尖沙咀"), "tsimshatsui": ("kln", "尖沙咀"),
    "tsim sha tsui east": ("kln", "尖東"), "tst east": ("kln", "尖東"), "mong kok": ("kln", "旺角"),
    "mongkok": ("kln", "旺角"), "yau ma tei": ("kln", "油麻地"), "jordan": ("kln", "佐敦"),
    "hung hom": ("kln", "紅磡"), "to kwa wan": ("kln", "土瓜灣"), "cheung sha wan": ("kln", "長沙灣"),
    "lai chi kok": ("kln", "荔枝角"), "kowloon bay": ("kln", "九龍灣"), "san po kong": ("kln", "新蒲崗"),
    "ngau tau kok": ("kln", "牛頭角"), "tai kok tsui": ("kln", "大角咀"), "kowloon tong": ("kln", "九龍塘"),
    "kwai chung": ("nt", "葵涌"), "kwai fong": ("nt", "葵芳"), "tsing yi": ("nt", "青衣"), "fo tan": ("nt", "火炭"),
    "tseung kwan o": ("nt", "將軍澳"), "fanling": ("nt", "粉嶺"), "sheung shui": ("nt", "上水"),
    "tai wai": ("nt", "大圍"), "ma on shan": ("nt", "馬鞍山"), "tung chung": ("nt", "東涌"),
    "kwai hing": ("nt", "葵興"),
}
# Single words that are HK places only in an address already known to be in Hong Kong.
HK_AMBIGUOUS_PLACES = frozenset({"central", "eastern", "southern", "north", "islands", "aberdeen", "jordan",
                                 "admiralty"})

# Chinese street name (without its type word) → English name, for streets whose English name is not
# a romanisation of the Chinese. Keyed by the Chinese characters (traditional; simplified forms are
# matched through their pinyin, which is the same).
HK_STREETS: dict[str, str] = {
    "彌敦": "nathan", "軒尼詩": "hennessy", "德輔": "des voeux", "干諾": "connaught", "皇后": "queens",
    "廣東": "canton", "駱克": "lockhart", "謝斐": "jaffe", "告士打": "gloucester", "港灣": "harbour",
    "英皇": "kings", "麼地": "mody", "加連威老": "granville", "漆咸": "chatham", "柯士甸": "austin",
    "亞皆老": "argyle", "砵蘭": "portland", "加拿分": "carnarvon", "金馬倫": "cameron", "金巴利": "kimberley",
    "北京": "peking", "漢口": "hankow", "威靈頓": "wellington", "畢打": "pedder", "雪廠": "ice house",
    "雲咸": "wyndham", "士丹利": "stanley", "電氣": "electric", "渣華": "java", "梳士巴利": "salisbury",
    "荷李活": "hollywood", "堅": "caine", "般咸": "bonham", "德士古": "texaco", "登打士": "dundas",
    "海濱": "hoi bun", "開源": "hoi yuen", "觀塘": "kwun tong", "葵涌": "kwai chung", "荔枝角": "lai chi kok",
    "長沙灣": "cheung sha wan", "永樂": "wing lok", "青山": "castle peak", "鴻圖": "hung to",
    "偉業": "wai yip", "巧明": "how ming", "成業": "shing yip", "駿業": "tsun yip", "興業": "hing yip",
    "西洋菜": "sai yeung choi", "上海": "shanghai", "怡和": "yee wo", "馬頭圍": "ma tau wai",
    "大角咀": "tai kok tsui", "通菜": "tung choi", "花園": "fa yuen", "文咸": "bonham",
    "蘇杭": "jervois", "擺花": "lyndhurst", "薄扶林": "pok fu lam", "筲箕灣": "shau kei wan",
    "黃竹坑": "wong chuk hang", "香港仔": "aberdeen main", "楊屋": "yeung uk", "沙咀": "sha tsui",
    "大連排": "tai lin pai", "柴灣": "chai wan", "利眾": "lee chung", "祥業": "cheung yip",
}

# Han street type words → the canonical street type (longest first when matching).
HAN_STREET_TYPES: dict[str, str] = {
    "大道": "av", "大街": "st", "公路": "rd", "马路": "rd", "馬路": "rd", "路": "rd", "道": "rd", "街": "st",
    "巷": "ln", "弄": "ln",
}
# Han building words (end a building name) and area words (end a place name).
HAN_BUILDING_WORDS = ("商业大厦", "商業大廈", "工业大厦", "工業大廈", "大厦", "大廈", "大楼", "大樓", "中心",
                      "广场", "廣場", "商场", "商場", "花园", "花園")
HAN_AREA_WORDS = ("开发区", "開發區", "工业区", "工業區", "工业园", "工業園", "园区", "園區", "新区", "新區",
                  "自治区", "自治區", "特别行政区", "特別行政區", "省", "市", "区", "區", "县", "縣", "镇", "鎮", "乡",
                  "鄉", "村")
