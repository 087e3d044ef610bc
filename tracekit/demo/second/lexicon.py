"""Word tables of the second world: name words with Han translations, legal forms, cities and streets.

Nothing here is shared with the demo world's ``data/lexicon.json``: the second world names firms from
English nature and material words (``Timber``, ``Quartz``, ``Kingfisher`` …) rather than invented
syllables, so look-alikes can be made the way they occur in real registers — by permuting and
substituting whole words. Every word carries a Han *translation* (翠鸟 for Kingfisher), so a Chinese
firm's Han name is a translation of its English name, not a transliteration.
"""

from __future__ import annotations

__all__ = ["WORDS", "NEAR_WORDS", "INDUSTRIES", "LEGAL_FORMS", "LEGAL_SPELLINGS", "COUNTRY_NAMES", "PLACES",
           "HK_STREETS", "HK_BUILDINGS", "CN_STREETS", "SPANISH_STREET_TYPES", "BACKGROUND_EXPORTERS",
           "BACKGROUND_IMPORTERS", "PORTS", "TRADE_MODES"]

WORDS: dict[str, str] = {
    "Timber": "木材", "Quartz": "石英", "Ember": "余烬", "Jade": "翡翠", "Harbor": "港湾", "Cobalt": "钴蓝",
    "Birch": "桦木", "Kingfisher": "翠鸟", "Falcon": "猎鹰", "Maple": "枫叶", "Cedar": "雪松", "Coral": "珊瑚",
    "Summit": "峰顶", "Willow": "柳树", "Granite": "花岗", "Amber": "琥珀", "Heron": "苍鹭", "Lotus": "莲花",
    "Crane": "仙鹤", "Onyx": "玛瑙", "Pine": "青松", "Orchid": "兰花", "Phoenix": "凤凰", "Peony": "牡丹",
    "Bamboo": "竹林", "Silver": "白银", "Golden": "金色", "River": "江河", "Meadow": "草原", "Ocean": "海洋",
    "Comet": "彗星", "Cloud": "云海", "Eagle": "雄鹰", "Swan": "天鹅", "Oak": "橡树", "Ivory": "象牙",
    "Raven": "渡鸦", "Ridge": "山脊", "Brook": "溪流", "Lark": "云雀", "Umber": "赭石", "Arbor": "乔木",
    "Haven": "避风港", "Bridge": "桥梁", "Spine": "脊梁", "Pillow": "枕木", "Choral": "合唱", "Clark": "书记",
    "Brock": "獾", "Marble": "大理石", "Huron": "休伦", "Garnet": "石榴石", "Beacon": "灯塔", "Sparrow": "麻雀",
    "Walnut": "胡桃", "Saffron": "藏红花", "Indigo": "靛蓝", "Copper": "紫铜", "Prairie": "草甸",
    "Tundra": "冻原", "Glacier": "冰川", "Canyon": "峡谷", "Delta": "三角洲", "Mesa": "台地", "Aspen": "白杨",
    "Hazel": "榛树", "Juniper": "杜松", "Laurel": "月桂", "Magnolia": "玉兰", "Osprey": "鱼鹰", "Pelican": "鹈鹕",
    "Condor": "秃鹰", "Bison": "野牛", "Otter": "水獭", "Lynx": "猞猁", "Cypress": "柏树", "Sequoia": "红杉",
    "Thistle": "蓟花", "Clover": "三叶草", "Basalt": "玄武", "Slate": "板岩", "Flint": "燧石", "Opal": "蛋白石",
    "Topaz": "黄玉", "Beryl": "绿柱石", "Zephyr": "西风", "Aurora": "极光", "Nimbus": "雨云", "Tidal": "潮汐",
    "Lagoon": "泻湖", "Fjord": "峡湾", "Summitt": "高峰", "Vale": "山谷", "Grove": "树丛", "Thorn": "荆棘",
    "Finch": "雀鸟", "Robin": "知更", "Wren": "鹪鹩", "Plover": "鸻鸟", "Egret": "白鹭", "Ibis": "朱鹭",
}
"""Distinctive name words and their Han translations (Haven/Harbor deliberately near in meaning)."""

NEAR_WORDS: dict[str, str] = {
    "Timber": "Ember", "Harbor": "Arbor", "Amber": "Umber", "Raven": "Haven", "Ridge": "Bridge", "Pine": "Spine",
    "Willow": "Pillow", "Coral": "Choral", "Lark": "Clark", "Brook": "Brock", "Maple": "Marble", "Heron": "Huron",
    "Summit": "Summitt", "Beryl": "Opal", "Finch": "Wren",
}
"""A word and another a letter or two away: the substituted-word look-alikes (``Timber``/``Ember``)."""

INDUSTRIES: dict[str, dict[str, str]] = {
    "chemical": {"en": "Chemical", "plural": "Chemicals", "short": "Chem", "han": "化工", "es": "Química"},
    "plastics": {"en": "Plastics", "plural": "Plastics", "short": "Plast", "han": "塑料", "es": "Plásticos"},
    "textile": {"en": "Textiles", "plural": "Textiles", "short": "Tex", "han": "纺织", "es": "Textiles"},
    "pharma": {"en": "Pharmaceutical", "plural": "Pharmaceuticals", "short": "Pharm", "han": "制药",
               "es": "Farmacéutica"},
    "trading": {"en": "Trading", "plural": "Trading", "short": "Trdg", "han": "贸易", "es": "Comercial"},
    "machinery": {"en": "Machinery", "plural": "Machinery", "short": "Mach", "han": "机械", "es": "Maquinaria"},
    "electronics": {"en": "Electronics", "plural": "Electronics", "short": "Elec", "han": "电子",
                    "es": "Electrónica"},
    "metal": {"en": "Metal Products", "plural": "Metals", "short": "Metal", "han": "金属制品", "es": "Metales"},
    "packaging": {"en": "Packaging", "plural": "Packaging", "short": "Pkg", "han": "包装", "es": "Empaques"},
    "logistics": {"en": "Logistics", "plural": "Logistics", "short": "Log", "han": "物流", "es": "Logística"},
}
"""Industry words: English (singular/plural/short), Han, Spanish."""

LEGAL_FORMS: dict[str, list[str]] = {
    "CN": ["Co., Ltd."], "HK": ["Limited", "Co., Limited", "Company Limited"], "IN": ["Pvt. Ltd.", "Private Limited"],
    "US": ["Inc.", "LLC", "Corp."], "MX": ["S.A. de C.V.", "S. de R.L. de C.V."], "VN": ["JSC", "Co., Ltd."],
    "KR": ["Co., Ltd."], "DE": ["GmbH"], "TR": ["Ltd. Şti.", "A.Ş."], "BR": ["Ltda."], "CO": ["S.A.S."],
    "GB": ["Ltd"], "CA": ["Inc."],
}
"""The legal forms a firm registered in each jurisdiction carries (its canonical spelling)."""

LEGAL_SPELLINGS: dict[str, list[str]] = {
    "Co., Ltd.": ["CO.,LTD", "CO., LTD.", "Co Ltd", "COMPANY LIMITED", "Co.,Ltd.", "CO LTD"],
    "Limited": ["LTD", "Ltd.", "LIMITED", "LTD."],
    "Co., Limited": ["CO., LIMITED", "Co Limited", "CO LTD", "CO.,LIMITED"],
    "Company Limited": ["CO., LTD", "COMPANY LTD", "Co Limited"],
    "Pvt. Ltd.": ["PVT LTD", "Private Limited", "PVT. LTD", "P. LTD"],
    "Private Limited": ["PVT. LTD.", "Pvt Ltd", "PRIVATE LTD"],
    "Inc.": ["INC", "Inc", "Incorporated"],
    "LLC": ["L.L.C.", "LLC."], "Corp.": ["Corporation", "CORP"],
    "S.A. de C.V.": ["SA DE CV", "S.A. DE C.V.", "SA de CV", "S.A.DE C.V."],
    "S. de R.L. de C.V.": ["S DE RL DE CV", "S. DE R.L. DE C.V.", "S de RL"],
    "JSC": ["J.S.C.", "Joint Stock Company", "JOINT STOCK CO"],
    "GmbH": ["GMBH", "G.m.b.H."], "Ltd. Şti.": ["LTD. STI.", "Ltd Sti", "LIMITED SIRKETI"],
    "A.Ş.": ["A.S.", "AS", "ANONIM SIRKETI"], "Ltda.": ["LTDA", "Limitada"], "S.A.S.": ["SAS", "S A S"],
    "Ltd": ["Limited", "LTD."],
}
"""Other ways each legal form is written on a bill or a declaration."""

COUNTRY_NAMES: dict[str, dict[str, str]] = {
    "CN": {"en": "China", "alt": "P.R. China", "short": "PRC", "han": "中国"},
    "HK": {"en": "Hong Kong", "alt": "Hong Kong SAR", "short": "HK", "han": "香港"},
    "IN": {"en": "India", "alt": "Republic of India", "short": "IN", "han": "印度"},
    "US": {"en": "United States", "alt": "USA", "short": "US", "han": "美国"},
    "MX": {"en": "Mexico", "alt": "México", "short": "MX", "han": "墨西哥"},
    "VN": {"en": "Vietnam", "alt": "Viet Nam", "short": "VN", "han": "越南"},
    "KR": {"en": "South Korea", "alt": "Republic of Korea", "short": "KR", "han": "韩国"},
    "DE": {"en": "Germany", "alt": "Deutschland", "short": "DE", "han": "德国"},
    "TR": {"en": "Turkey", "alt": "Türkiye", "short": "TR", "han": "土耳其"},
    "BR": {"en": "Brazil", "alt": "Brasil", "short": "BR", "han": "巴西"},
    "CO": {"en": "Colombia", "alt": "Colombia", "short": "CO", "han": "哥伦比亚"},
    "GB": {"en": "United Kingdom", "alt": "UK", "short": "GB", "han": "英国"},
    "CA": {"en": "Canada", "alt": "Canada", "short": "CA", "han": "加拿大"},
}

# Places: (city, Han or state, state abbreviation, postcode prefix, districts[(en, short, han)]).
PLACES: dict[str, list[dict]] = {
    "CN": [
        {"city": "Shanghai", "han": "上海市", "post": "2001", "districts": [
            ("Pudong New District", "Pudong", "浦东新区"), ("Jinshan District", "Jinshan", "金山区"),
            ("Minhang District", "Minhang", "闵行区")]},
        {"city": "Nanjing", "han": "南京市", "post": "2111", "districts": [
            ("Jiangning District", "Jiangning", "江宁区"), ("Liuhe District", "Liuhe", "六合区")]},
        {"city": "Wuhan", "han": "武汉市", "post": "4300", "districts": [
            ("Hongshan District", "Hongshan", "洪山区"), ("Qingshan District", "Qingshan", "青山区")]},
        {"city": "Tianjin", "han": "天津市", "post": "3004", "districts": [
            ("Binhai New Area", "Binhai", "滨海新区"), ("Xiqing District", "Xiqing", "西青区")]},
        {"city": "Hangzhou", "han": "杭州市", "post": "3112", "districts": [
            ("Xiaoshan District", "Xiaoshan", "萧山区"), ("Yuhang District", "Yuhang", "余杭区")]},
        {"city": "Guangzhou", "han": "广州市", "post": "5105", "districts": [
            ("Huangpu District", "Huangpu", "黄埔区"), ("Panyu District", "Panyu", "番禺区")]},
    ],
    "HK": [
        {"city": "Kowloon", "han": "九龍", "short": "Kln", "districts": [
            ("Tsim Sha Tsui", "TST", "尖沙咀"), ("Mong Kok", "MK", "旺角"), ("Kwun Tong", "KT", "觀塘"),
            ("Cheung Sha Wan", "CSW", "長沙灣")]},
        {"city": "Hong Kong Island", "han": "香港島", "short": "HK Island", "districts": [
            ("Wan Chai", "WC", "灣仔"), ("Sheung Wan", "SW", "上環"), ("Causeway Bay", "CWB", "銅鑼灣"),
            ("Central", "Central", "中環")]},
    ],
    "IN": [
        {"city": "Ankleshwar", "state": "Gujarat", "abbr": "GJ", "post": "3930"},
        {"city": "Vadodara", "state": "Gujarat", "abbr": "GJ", "post": "3900"},
        {"city": "Hyderabad", "state": "Telangana", "abbr": "TS", "post": "5000"},
        {"city": "Mumbai", "state": "Maharashtra", "abbr": "MH", "post": "4000"},
        {"city": "Chennai", "state": "Tamil Nadu", "abbr": "TN", "post": "6000"},
    ],
    "US": [
        {"city": "Newark", "state": "New Jersey", "abbr": "NJ", "post": "071"},
        {"city": "Houston", "state": "Texas", "abbr": "TX", "post": "770"},
        {"city": "Los Angeles", "state": "California", "abbr": "CA", "post": "900"},
        {"city": "Chicago", "state": "Illinois", "abbr": "IL", "post": "606"},
        {"city": "Miami", "state": "Florida", "abbr": "FL", "post": "331"},
        {"city": "Laredo", "state": "Texas", "abbr": "TX", "post": "780"},
    ],
    "MX": [
        {"city": "Monterrey", "state": "Nuevo León", "abbr": "N.L.", "post": "64"},
        {"city": "Guadalajara", "state": "Jalisco", "abbr": "Jal.", "post": "44"},
        {"city": "Tijuana", "state": "Baja California", "abbr": "B.C.", "post": "22"},
        {"city": "Puebla", "state": "Puebla", "abbr": "Pue.", "post": "72"},
        {"city": "Querétaro", "state": "Querétaro", "abbr": "Qro.", "post": "76"},
        {"city": "Culiacán", "state": "Sinaloa", "abbr": "Sin.", "post": "80"},
    ],
    "VN": [{"city": "Ho Chi Minh City", "short": "HCMC"}, {"city": "Hanoi", "short": "Ha Noi"},
           {"city": "Haiphong", "short": "Hai Phong"}],
    "KR": [{"city": "Busan", "short": "Busan"}, {"city": "Incheon", "short": "Incheon"},
           {"city": "Ulsan", "short": "Ulsan"}],
    "DE": [{"city": "Hamburg", "short": "Hamburg"}, {"city": "Frankfurt am Main", "short": "Frankfurt"},
           {"city": "Ludwigshafen", "short": "Ludwigshafen"}],
    "TR": [{"city": "Istanbul", "short": "Ist."}, {"city": "Izmir", "short": "Izmir"},
           {"city": "Bursa", "short": "Bursa"}],
    "BR": [{"city": "São Paulo", "short": "Sao Paulo"}, {"city": "Campinas", "short": "Campinas"}],
    "CO": [{"city": "Bogotá", "short": "Bogota"}, {"city": "Medellín", "short": "Medellin"}],
    "GB": [{"city": "Manchester", "short": "Manchester"}, {"city": "Leeds", "short": "Leeds"}],
    "CA": [{"city": "Toronto", "short": "Toronto"}, {"city": "Vancouver", "short": "Vancouver"}],
}

HK_STREETS: list[tuple[str, str, str, tuple[str, ...]]] = [
    # (name, street word, Han, districts it runs through)
    ("Nathan", "Road", "彌敦道", ("Tsim Sha Tsui", "Mong Kok")),
    ("Canton", "Road", "廣東道", ("Tsim Sha Tsui", "Mong Kok")),
    ("Hoi Bun", "Road", "海濱道", ("Kwun Tong",)),
    ("How Ming", "Street", "巧明街", ("Kwun Tong",)),
    ("Castle Peak", "Road", "青山道", ("Cheung Sha Wan",)),
    ("Cheung Sha Wan", "Road", "長沙灣道", ("Cheung Sha Wan",)),
    ("Hennessy", "Road", "軒尼詩道", ("Wan Chai", "Causeway Bay")),
    ("Lockhart", "Road", "駱克道", ("Wan Chai", "Causeway Bay")),
    ("Wing Lok", "Street", "永樂街", ("Sheung Wan",)),
    ("Des Voeux Road", "Central", "德輔道中", ("Sheung Wan", "Central")),
    ("Queen's Road", "Central", "皇后大道中", ("Central", "Sheung Wan")),
]
HK_BUILDINGS: list[tuple[str, str, str]] = [
    # (name, building word, Han)
    ("Golden Crane", "Building", "金鶴大廈"), ("Harbour Crest", "Commercial Building", "海峰商業大廈"),
    ("Jade Gate", "Centre", "玉門中心"), ("Silver Fortune", "Tower", "銀福大樓"),
    ("Pearl Ridge", "Plaza", "珠嶺廣場"), ("Orchid Bay", "Building", "蘭灣大廈"),
    ("Prosperity", "Centre", "興盛中心"), ("Wing Fat", "Industrial Building", "榮發工業大廈"),
]
CN_STREETS: list[tuple[str, str, str]] = [
    # (pinyin name, Road/Avenue/Street, Han)
    ("Xingye", "Road", "兴业路"), ("Huaxia", "Road", "华夏路"), ("Chuangxin", "Road", "创新路"),
    ("Kexue", "Avenue", "科学大道"), ("Gongye", "Road", "工业路"), ("Jinqiao", "Road", "金桥路"),
    ("Changjiang", "Road", "长江路"), ("Huanghe", "Road", "黄河路"), ("Hongxing", "Street", "红星街"),
    ("Donghai", "Avenue", "东海大道"), ("Xinhua", "Road", "新华路"), ("Yinhe", "Street", "银河街"),
]
SPANISH_STREET_TYPES: list[tuple[str, tuple[str, ...]]] = [
    ("Avenida", ("Av.", "Ave.", "AV")), ("Calle", ("C.", "CALLE")), ("Boulevard", ("Blvd.", "BLVD")),
    ("Calzada", ("Calz.", "CALZ")),
]
SPANISH_STREETS = ["Constitución", "Hidalgo", "Juárez", "Morelos", "Revolución", "Insurgentes", "Madero",
                   "Lázaro Cárdenas", "Industrias", "Río Bravo", "Las Torres", "Vallarta"]
SPANISH_COLONIAS = ["Centro", "Industrial", "Del Valle", "Obrera", "Las Américas", "San Nicolás", "Mitras",
                    "Parque Industrial", "Moderna", "La Fama"]
EN_STREETS = ["Ferry", "Harbor", "Commerce", "Industrial", "Mill", "Railroad", "Market", "Delancey", "Foundry",
              "Meridian", "Brookside", "Port"]
EN_STREET_TYPES: list[tuple[str, tuple[str, ...]]] = [
    ("Street", ("St", "St.")), ("Avenue", ("Ave", "Av.")), ("Boulevard", ("Blvd", "Blvd.")),
    ("Road", ("Rd", "Rd.")), ("Drive", ("Dr", "Dr.")), ("Parkway", ("Pkwy",)),
]
IN_ESTATES = ["GIDC Industrial Estate", "MIDC Industrial Area", "IDA Pashamylaram", "SIPCOT Industrial Park",
              "Phase II Industrial Area"]

BACKGROUND_EXPORTERS = {"CN": 40, "IN": 12, "HK": 8, "VN": 8, "KR": 7, "DE": 6, "TR": 5, "US": 4, "MX": 3,
                        "BR": 2, "GB": 2, "CA": 2}
BACKGROUND_IMPORTERS = {"US": 45, "MX": 30, "HK": 4, "VN": 3, "IN": 4, "KR": 2, "DE": 3, "TR": 2, "BR": 3,
                        "CO": 3, "CA": 2}

PORTS: dict[str, list[str]] = {
    "CN": ["Shanghai", "Ningbo", "Shenzhen", "Tianjin Xingang", "Qingdao", "Guangzhou Nansha"],
    "HK": ["Hong Kong"], "IN": ["Nhava Sheva", "Mundra", "Chennai"], "US": ["Long Beach", "Newark", "Houston"],
    "MX": ["Manzanillo", "Lazaro Cardenas", "Veracruz"], "VN": ["Cat Lai", "Haiphong"], "KR": ["Busan"],
    "DE": ["Hamburg", "Bremerhaven"], "TR": ["Ambarli", "Mersin"], "BR": ["Santos"], "CO": ["Cartagena"],
    "GB": ["Felixstowe"], "CA": ["Vancouver"],
}
US_PORTS_UNLADING = ["Long Beach, California", "Los Angeles, California", "Newark, New Jersey",
                     "Houston, Texas", "Savannah, Georgia", "Laredo, Texas"]
MX_PORTS_UNLADING = ["Manzanillo", "Lazaro Cardenas", "Veracruz", "Nuevo Laredo"]
TRADE_MODES = ["General Trade", "General Trade", "General Trade", "Processing with Imported Materials",
               "Bonded Warehouse Goods", "Small-scale Border Trade"]
