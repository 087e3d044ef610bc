"""Random addresses and the ways analysts' sources write them (for the address-key tests and benchmark).

An :class:`Place` is one flat (street number, street, building, floor, unit, district); ``render``
writes it in one of several styles: full English, abbreviated upper-case English, Chinese script,
Spanish forms, with punctuation dropped, case changed and the district/region tail reordered.
The word forms here are written independently of the key's tables (as an analyst would type them).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# Hong Kong streets: (English name, Chinese name, type). The first ones are in the key's street
# table; OFF_TABLE ones are not (their English names are Cantonese romanisations the key cannot
# derive from the characters), to measure the limit honestly.
HK_STREETS = [("Nathan", "彌敦", "Road"), ("Hennessy", "軒尼詩", "Road"), ("Des Voeux", "德輔", "Road"),
              ("Canton", "廣東", "Road"), ("Lockhart", "駱克", "Road"), ("Hoi Bun", "海濱", "Road"),
              ("Wing Lok", "永樂", "Street"), ("Argyle", "亞皆老", "Street"), ("Wai Yip", "偉業", "Street"),
              ("Castle Peak", "青山", "Road"), ("Granville", "加連威老", "Road"), ("Mody", "麼地", "Road")]
HK_OFF_TABLE = [("Hing Fong", "興芳", "Road"), ("Tai Yau", "大有", "Street"), ("Kin Wing", "建榮", "Street"),
                ("Chong Yip", "創業", "Street"), ("Sze Shan", "四山", "Street"), ("On Lok", "安樂", "Road")]
HK_DISTRICTS = [("Tsim Sha Tsui", "TST", "尖沙咀", "Kowloon", "KLN", "九龍"),
                ("Mong Kok", "MONGKOK", "旺角", "Kowloon", "KLN", "九龍"),
                ("Kwun Tong", "KWUN TONG", "觀塘", "Kowloon", "KLN", "九龍"),
                ("Wan Chai", "WANCHAI", "灣仔", "Hong Kong Island", "HK ISLAND", "香港島"),
                ("Sheung Wan", "SHEUNG WAN", "上環", "Hong Kong Island", "HK ISLAND", "香港島"),
                ("Kwai Chung", "KWAI CHUNG", "葵涌", "New Territories", "N.T.", "新界"),
                ("Tsuen Wan", "TSUEN WAN", "荃灣", "New Territories", "N.T.", "新界")]
HK_BUILDINGS = ["Silver Crane", "Golden Lotus", "Jade Gate", "Pearl Ridge", "Orchid Bay", "Harbour View"]

CN_STREETS = [("张江", "Zhangjiang"), ("人民", "Renmin"), ("中山", "Zhongshan"), ("解放", "Jiefang"),
              ("建设", "Jianshe"), ("长江", "Changjiang"), ("科学", "Kexue"), ("淮海", "Huaihai")]
CN_CITIES = [("上海", "Shanghai", "浦东新", "Pudong New Area"), ("武汉", "Wuhan", "江汉", "Jianghan District"),
             ("南京", "Nanjing", "鼓楼", "Gulou District"), ("杭州", "Hangzhou", "滨江", "Binjiang District"),
             ("济南", "Jinan", "历下", "Lixia District")]

MX_STREETS = ["Hidalgo", "Insurgentes Sur", "Juárez", "Morelos", "Río Nazas", "Revolución", "Constitución"]
MX_COLONIAS = ["Del Valle", "Centro", "Las Flores", "San Rafael", "Industrial Vallejo", "Santa Fe"]
MX_CITIES = [("Monterrey", "Nuevo León"), ("Guadalajara", "Jalisco"), ("Ciudad de México", "CDMX"),
             ("Tijuana", "Baja California")]

US_STREETS = ["Harbor", "Commerce", "Maple", "Oakridge", "Gateway", "Pioneer"]
US_TYPES = [("Street", "ST"), ("Avenue", "AVE"), ("Boulevard", "BLVD"), ("Drive", "DR"), ("Road", "RD")]
US_CITIES = [("Houston", "TX"), ("Newark", "NJ"), ("Los Angeles", "CA"), ("Miami", "FL")]


@dataclass(frozen=True)
class Place:
    """One flat or suite, in its canonical parts."""

    kind: str            # "hk", "cn", "mx", "us"
    number: int
    street: int          # index into the kind's street list (HK: negative = off the table)
    unit: str
    floor: int
    building: int
    district: int
    extra: int = 0       # MX postcode / US ZIP / CN city


def random_place(rng: random.Random, kind: str | None = None, off_table: bool = False) -> Place:
    kind = kind or rng.choice(["hk", "cn", "mx", "us"])
    streets = {"hk": len(HK_STREETS), "cn": len(CN_STREETS), "mx": len(MX_STREETS), "us": len(US_STREETS)}[kind]
    street = -1 - rng.randrange(len(HK_OFF_TABLE)) if off_table and kind == "hk" else rng.randrange(streets)
    unit = str(rng.randint(1, 40)) + rng.choice(["", "", "A", "B", "C"]) if kind == "hk" else str(rng.randint(1, 3000))
    return Place(kind, rng.randint(1, 999), street, unit, rng.randint(2, 40), rng.randrange(len(HK_BUILDINGS)),
                 rng.randrange({"hk": len(HK_DISTRICTS), "cn": len(CN_CITIES), "mx": len(MX_COLONIAS),
                                "us": len(US_CITIES)}[kind]),
                 rng.randrange({"cn": len(CN_CITIES), "mx": len(MX_CITIES)}.get(kind, len(US_CITIES))))


def next_street(place: Place) -> int:
    """Another street of the same kind (off the table stays off the table)."""
    if place.street < 0:
        return -1 - ((-1 - place.street + 1) % len(HK_OFF_TABLE))
    count = {"hk": len(HK_STREETS), "cn": len(CN_STREETS), "mx": len(MX_STREETS), "us": len(US_STREETS)}
    return (place.street + 1) % count[place.kind]


def _finish(rng: random.Random, parts: list[str], tail: list[str]) -> str:
    """Join parts and a reordered tail with random punctuation and case."""
    if len(tail) > 1 and rng.random() < 0.4:
        tail = tail[::-1]
    sep = rng.choice([", ", " ", ",", " , "])
    text = sep.join(parts + tail)
    if rng.random() < 0.3:
        text = text.replace(".", "")
    return rng.choice([str.upper, str.lower, lambda s: s])(text)


def _hk(rng: random.Random, p: Place, style: str) -> str:
    en, han, stype = HK_STREETS[p.street] if p.street >= 0 else HK_OFF_TABLE[-1 - p.street]
    district, d_abbr, d_han, region, r_abbr, r_han = HK_DISTRICTS[p.district]
    building = HK_BUILDINGS[p.building]
    if style == "han":
        region_han = "" if r_han == "香港島" else r_han
        return (f"香港{region_han}{d_han}{han}{'道' if stype == 'Road' else '街'}{p.number}號"
                f"{rng.choice(['', building + '中心'])}{p.floor}樓{p.unit}室")
    if style == "full":
        unit = f"{rng.choice(['Flat', 'Room', 'Unit'])} {p.unit}"
        floor = rng.choice([f"{p.floor}/F", f"{p.floor}th Floor" if p.floor > 3 else f"{p.floor}/F", f"{p.floor}F"])
        parts = [unit, floor, f"{building} Centre", f"{p.number} {en} {stype}"]
        tail = rng.choice([[district, region], [district, region, "Hong Kong"], [district, "Hong Kong"]])
    else:
        unit = f"{rng.choice(['FLT', 'RM', 'FLAT', 'UNIT'])} {p.unit}"
        floor = rng.choice([f"{p.floor}/F", f"{p.floor}F", f"FLOOR {p.floor}"])
        abbr = {"Road": "RD", "Street": "ST"}[stype]
        parts = [unit, floor, f"{building.upper()} {rng.choice(['CTR', 'CENTRE', 'CENTER'])}",
                 f"{p.number} {en.upper()} {abbr}."]
        tail = rng.choice([[d_abbr, r_abbr, "HK"], [d_abbr, r_abbr, "H.K."], [d_abbr, r_abbr]])
    return _finish(rng, parts, tail)


def _cn(rng: random.Random, p: Place, style: str) -> str:
    han, pinyin = CN_STREETS[p.street]
    city_han, city, district_han, district = CN_CITIES[p.extra]
    if style == "han":
        area = "区" if district_han != "浦东新" else "区"
        return f"{city_han}市{district_han}{area}{han}路{p.number}号{p.unit}室"
    road = "Road" if style == "full" else rng.choice(["Rd", "RD.", "ROAD"])
    room = "Room" if style == "full" else rng.choice(["RM", "Rm.", "ROOM"])
    number = rng.choice([f"No. {p.number}", f"NO.{p.number}", f"{p.number}"])
    dist = district if style == "full" else district.replace("District", "Dist.")
    tail = rng.choice([[dist, city], [dist, city, "China"], [dist, f"{city} 200120", "P.R. China"]])
    return _finish(rng, [f"{room} {p.unit}", f"{number} {pinyin} {road}"], tail)


def _mx(rng: random.Random, p: Place, style: str) -> str:
    street = MX_STREETS[p.street]
    city, state = MX_CITIES[p.extra]
    colonia = MX_COLONIAS[p.district]
    cp = f"{64000 + p.extra * 1000 + p.district:05d}"
    if style == "full":
        kind = "Calle" if p.number % 2 else "Avenida"
        parts = [f"{kind} {street} {rng.choice(['Número', 'Núm.', 'No.'])} {p.number}", f"Interior {p.unit}",
                 f"Colonia {colonia}", f"Código Postal {cp}"]
    else:
        kind = rng.choice(["C.", "CALLE"]) if p.number % 2 else rng.choice(["AV.", "AV", "AVE.", "AVENIDA"])
        parts = [f"{kind} {street.upper()} {rng.choice(['NO.', '#', 'NUM.', ''])} {p.number}",
                 f"{rng.choice(['INT.', 'INT', '#'])} {p.unit}", f"COL. {colonia.upper()}", f"C.P. {cp}"]
    tail = rng.choice([[city, state], [city, state, "México"], [city, state, "MEXICO"]])
    return _finish(rng, parts, tail)


def _us(rng: random.Random, p: Place, style: str) -> str:
    full, abbr = US_TYPES[p.number % len(US_TYPES)]
    city, state = US_CITIES[p.district]
    zip_code = f"{77000 + p.district * 10:05d}"
    if style == "full":
        parts = [f"{p.number} {US_STREETS[p.street]} {full}", f"Suite {p.unit}"]
    else:
        parts = [f"{p.number} {US_STREETS[p.street].upper()} {abbr}", rng.choice([f"STE {p.unit}", f"# {p.unit}",
                                                                                  f"STE. {p.unit}"])]
    return _finish(rng, parts, rng.choice([[city, f"{state} {zip_code}"], [city, state, "USA"]]))


STYLES = {"hk": ("full", "abbreviated", "han"), "cn": ("full", "abbreviated", "han"),
          "mx": ("full", "abbreviated"), "us": ("full", "abbreviated")}


def render(rng: random.Random, place: Place, style: str | None = None) -> str:
    """One written form of ``place`` (a random style of its kind unless ``style`` is given)."""
    style = style or rng.choice(STYLES[place.kind])
    return {"hk": _hk, "cn": _cn, "mx": _mx, "us": _us}[place.kind](rng, place, style)
