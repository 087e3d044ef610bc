"""Word tables the name normaliser applies: Chinese name parts, trade abbreviations, edge legal words.

Sources
-------
* Chinese company names follow the order fixed by the State Council's *Regulations on the
  Administration of Enterprise Name Registration* (企业名称登记管理规定, 2020 revision, art. 6):
  administrative division (行政区划) + trade name (字号) + industry (行业) + organisational form
  (组织形式). The industry words below are the most frequent ones in chemical and pharmaceutical
  trade and in the ordinary manufactured goods (auto parts, textiles, machinery, electronics …) that
  share the same exporters' bills of lading, with the English words those firms use in their own romanised names (e.g. 上海 ... 化工有限公司
  registers as "SHANGHAI ... CHEMICAL CO., LTD."), cf. the bilingual firm names in the OFAC SDN list.
* Organisational forms: Company Law of the PRC, arts. 2 and 7 (有限责任公司, 股份有限公司); 有限公司 is
  the customary short form.
* Place names: the provinces, municipalities and special administrative regions of the PRC (GB/T
  2260) plus the prefecture-level cities that host most chemical exporters, in Hanyu Pinyin as they
  appear in romanised company names (words joined: 上海 → SHANGHAI, not "SHANG HAI").
* Trade abbreviations: those seen on US Automated Manifest System bills of lading and in the OFAC
  list (CHEM, INTL, TECH, IMP & EXP, PHARM, MFG ...), mapped to one canonical token each. Spanish
  equivalents map to the same token because Latin American firms and their Chinese suppliers write the
  same words in both languages.
"""

from __future__ import annotations

__all__ = [
    "HAN_LEGAL_FORMS",
    "HAN_INDUSTRY_WORDS",
    "HAN_PLACE_NAMES",
    "PLACE_TOKENS",
    "TRADE_PHRASES",
    "TRADE_WORDS",
    "EDGE_LEGAL_WORDS",
    "STOPWORDS",
]

# Longest first matters: 股份有限公司 must win over 有限公司. Values: the compare form rigour uses.
HAN_LEGAL_FORMS: dict[str, str] = {
    "股份有限公司": "coltd",
    "有限责任公司": "coltd",
    "有限公司": "coltd",
    "分公司": "branch",
    "公司": "co",
}

HAN_INDUSTRY_WORDS: dict[str, str] = {
    "精细化工": "fine chemical",
    "化学品": "chemical",
    "化工": "chemical",
    "化学": "chemical",
    "医药": "pharmaceutical",
    "药业": "pharmaceutical",
    "制药": "pharmaceutical",
    "生物科技": "biotech",
    "生物技术": "biotech",
    "生物": "bio",
    "科技": "technology",
    "技术": "technology",
    "新材料": "new material",
    "材料": "material",
    "进出口": "import and export",
    "商贸": "trading",
    "贸易": "trading",
    "国际": "international",
    "实业": "industrial",
    "工业": "industrial",
    "物流": "logistics",
    "集团": "group",
    "发展": "development",
    "供应链": "supply chain",
    "实验室": "laboratory",
    "制造": "manufacturing",
    # Industries outside chemicals: brokers and shells hide among ordinary exporters, and an unmerged
    # Han/romanised pair of an ordinary firm looks like a two-company cluster at one address.
    "汽车配件": "auto parts",
    "汽车零部件": "auto parts",
    "金属制品": "metal products",
    "纺织品": "textiles",
    "纺织": "textiles",
    "服装": "garments",
    "机械设备": "machinery",
    "机械": "machinery",
    "电子": "electronics",
    "电器": "electrical appliances",
    "食品": "foods",
    "塑料制品": "plastic products",
    "塑料": "plastics",
    "家具": "furniture",
    "包装": "packaging",
    "五金": "hardware",
    "建材": "building materials",
}

HAN_PLACE_NAMES: dict[str, str] = {
    "北京": "beijing", "上海": "shanghai", "天津": "tianjin", "重庆": "chongqing",
    "河北": "hebei", "山西": "shanxi", "辽宁": "liaoning", "吉林": "jilin", "黑龙江": "heilongjiang",
    "江苏": "jiangsu", "浙江": "zhejiang", "安徽": "anhui", "福建": "fujian", "江西": "jiangxi",
    "山东": "shandong", "河南": "henan", "湖北": "hubei", "湖南": "hunan", "广东": "guangdong",
    "海南": "hainan", "四川": "sichuan", "贵州": "guizhou", "云南": "yunnan", "陕西": "shaanxi",
    "甘肃": "gansu", "青海": "qinghai", "内蒙古": "inner mongolia", "广西": "guangxi",
    "西藏": "xizang", "宁夏": "ningxia", "新疆": "xinjiang", "香港": "hongkong", "澳门": "macau",
    "广州": "guangzhou", "深圳": "shenzhen", "武汉": "wuhan", "南京": "nanjing", "杭州": "hangzhou",
    "苏州": "suzhou", "成都": "chengdu", "西安": "xian", "郑州": "zhengzhou", "济南": "jinan",
    "青岛": "qingdao", "大连": "dalian", "宁波": "ningbo", "厦门": "xiamen", "合肥": "hefei",
    "长沙": "changsha", "石家庄": "shijiazhuang", "常州": "changzhou", "无锡": "wuxi",
    "台州": "taizhou", "绍兴": "shaoxing", "潍坊": "weifang", "淄博": "zibo", "沧州": "cangzhou",
    "连云港": "lianyungang", "南通": "nantong", "盐城": "yancheng", "温州": "wenzhou",
    "东营": "dongying", "邯郸": "handan", "衡水": "hengshui", "保定": "baoding", "烟台": "yantai",
    "泰州": "taizhou", "镇江": "zhenjiang", "扬州": "yangzhou", "嘉兴": "jiaxing", "湖州": "huzhou",
    "金华": "jinhua", "福州": "fuzhou", "珠海": "zhuhai", "佛山": "foshan", "东莞": "dongguan",
    "中山": "zhongshan", "汕头": "shantou", "南昌": "nanchang", "太原": "taiyuan", "沈阳": "shenyang",
}

# Romanised place tokens (after joining): a name that differs from another only by these still
# matches (firms drop or move their city: "XYZ CHEMICAL (SHANGHAI)" / "XYZ CHEMICAL CO").
PLACE_TOKENS: frozenset[str] = frozenset(
    {v.replace(" ", "") for v in HAN_PLACE_NAMES.values()}
    | {"china", "prc", "hk", "mexico", "usa", "india", "hongkong"}
)

# Multi-word trade phrases, matched on lower-cased ASCII text with punctuation already spaced out.
TRADE_PHRASES: dict[str, str] = {
    "import and export": "impex",
    "import export": "impex",
    "imp and exp": "impex",
    "imp exp": "impex",
    "i and e": "impex",
    "importacion y exportacion": "impex",
    "importadora y exportadora": "impex",
    "hong kong": "hongkong",
    "inner mongolia": "innermongolia",
    "supply chain": "supplychain",
    "fine chemical": "finechem",
    "fine chemicals": "finechem",
    "new material": "newmaterial",
    "new materials": "newmaterial",
    "bio tech": "biotech",
    "bio technology": "biotech",
}

# Single words → canonical token.
TRADE_WORDS: dict[str, str] = {
    **dict.fromkeys(["chemical", "chemicals", "chem", "chems", "chemi", "chemic", "quimica", "quimicas",
                     "quimico", "quimicos", "quim"], "chem"),
    **dict.fromkeys(["pharmaceutical", "pharmaceuticals", "pharma", "pharm", "pharmaceutics",
                     "farmaceutica", "farmaceuticas", "farmaceutico", "farma"], "pharm"),
    **dict.fromkeys(["international", "intl", "internacional", "intern", "int"], "intl"),
    **dict.fromkeys(["technology", "technologies", "tech", "techn", "technol", "tecnologia",
                     "tecnologias", "tecnologica"], "tech"),
    **dict.fromkeys(["industrial", "industries", "industry", "ind", "indus", "indust", "industria",
                     "industrias", "industriales"], "ind"),
    **dict.fromkeys(["trading", "trade", "trd", "trdg", "tradg", "comercial", "comercializadora"], "trading"),
    **dict.fromkeys(["biotechnology", "biotech", "biotecnologia"], "biotech"),
    **dict.fromkeys(["biological", "biologic", "biology", "bio", "biologica", "biologicos"], "bio"),
    **dict.fromkeys(["development", "dev", "devel", "desarrollo"], "dev"),
    **dict.fromkeys(["manufacturing", "manufacture", "manufacturer", "mfg", "mfr"], "mfg"),
    **dict.fromkeys(["group", "grp", "grupo"], "group"),
    **dict.fromkeys(["science", "sciences", "sci", "scientific"], "sci"),
    **dict.fromkeys(["material", "materials", "mat", "materiales"], "material"),
    **dict.fromkeys(["products", "product", "prod", "prods", "productos"], "products"),
    **dict.fromkeys(["enterprise", "enterprises", "ent", "empresa", "empresas"], "ent"),
    **dict.fromkeys(["laboratory", "laboratories", "labs", "lab", "laboratorio", "laboratorios"], "lab"),
    **dict.fromkeys(["distribution", "distributor", "distributors", "distribuidora", "distribuciones",
                     "dist"], "dist"),
    **dict.fromkeys(["logistics", "logistic", "logistica", "logisticas"], "logistics"),
    **dict.fromkeys(["impex", "imex", "impexp"], "impex"),
    **dict.fromkeys(["mexicana", "mexicano", "mexico", "mex"], "mexico"),
}

# Legal words rigour's tables leave alone, stripped only at either end of a name, never when they
# are the whole name (set aside as the legal form, like rigour's).
EDGE_LEGAL_WORDS: dict[str, str] = {
    "co": "co", "company": "co", "corp": "corp", "corporation": "corp", "inc": "inc",
    "incorporated": "inc", "ltd": "ltd", "limited": "ltd", "llc": "llc", "pvt": "pvt", "pte": "pte",
    "plc": "plc", "sa": "sa", "sl": "sl", "srl": "srl", "sas": "sas", "cv": "cv", "de": "",
    "tbk": "tbk", "bhd": "bhd", "sdn": "sdn", "ag": "ag", "kg": "kg", "gmbh": "gmbh", "bv": "bv",
    "nv": "nv", "oy": "oy", "ab": "ab", "as": "as", "spa": "spa", "pt": "pt", "ooo": "ooo",
    "zao": "zao", "oao": "oao", "pao": "pao", "jsc": "jsc", "cia": "co", "compania": "co",
    "sociedad": "", "anonima": "sa",
    "sac": "sac", "saa": "saa", "eirl": "eirl", "shrkt": "co", "sharikat": "co", "sharika": "co",
}

STOPWORDS: frozenset[str] = frozenset({"the", "and", "of", "de", "del", "la", "las", "los", "el", "y", "e"})
