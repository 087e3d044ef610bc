"""The second world's noise model: how a firm's name and address are written on one record.

Different from the demo world's fixed variant slots: every mention is composed afresh from parts. A
firm has a *house style* per source layout (its own usual spelling there, used on most records, as a
forwarder's template would be) and otherwise a fresh composition: legal form spelled another way or
left off, industry word plural/abbreviated, case and punctuation, OCR-style letter confusions, a city
prefix moved into brackets, the Han name (a translation) on Chinese records. Addresses are written
from their parts: street, building, floor and flat words long or abbreviated (Rd/Road, Flt/Flat,
12/F, TST for Tsim Sha Tsui), Spanish forms (Av./Avenida, Col., C.P., No./Núm.), Chinese script
(香港九龍尖沙咀彌敦道21號7樓B室), and the country line often left off.
"""

from __future__ import annotations

import random
import re
import unicodedata

from tracekit.demo.second.lexicon import COUNTRY_NAMES, INDUSTRIES, LEGAL_SPELLINGS

__all__ = ["canonical_address", "address_spelling", "name_spelling", "HOUSE_STYLE_SHARE"]

HOUSE_STYLE_SHARE = 0.55
"""Share of a firm's mentions in one layout written in its house style there."""

_OCR = [("O", "0"), ("I", "1"), ("l", "1"), ("rn", "m"), ("S", "5"), ("B", "8"), ("m", "rn"), ("e", "c")]
_BUILDING_SHORT = {"Building": ("Bldg", "Bldg."), "Commercial Building": ("Comm Bldg", "Coml. Bldg."),
                   "Centre": ("Ctr", "Cntr"), "Tower": ("Twr", "Tower"), "Plaza": ("Plz", "Plaza"),
                   "Industrial Building": ("Ind Bldg", "Ind. Bldg.")}
_STREET_SHORT = {"Road": ("Rd", "Rd."), "Street": ("St", "St."), "Avenue": ("Ave", "Av."),
                 "Boulevard": ("Blvd", "Blvd."), "Drive": ("Dr", "Dr."), "Parkway": ("Pkwy", "Pkwy."),
                 "Central": ("Central", "C.")}
_SPANISH_SHORT = {"Avenida": ("Av.", "Ave.", "AV"), "Calle": ("C.", "Calle"), "Boulevard": ("Blvd.", "Blvd"),
                  "Calzada": ("Calz.", "Calz")}


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _finish(rng: random.Random, parts: list[str], upper: float) -> str:
    parts = [p for p in parts if p]
    sep = rng.choice((", ", ", ", " ", ","))
    text = sep.join(parts)
    if rng.random() < upper:
        text = text.upper()
    return re.sub(r"\s+", " ", text).strip(" ,")


def canonical_address(a) -> str:
    """The address as the register has it (what truth.json records)."""
    return _address(random.Random(0), a, canonical=True)


def _country_line(rng: random.Random, country: str, keep: float) -> str:
    if rng.random() >= keep:
        return ""  # the country left off: a missing party country
    names = COUNTRY_NAMES[country]
    return rng.choice((names["en"], names["en"], names["alt"], names["short"]))


def _hk(rng: random.Random, a, canonical: bool) -> str:
    unit, floor = a.unit, a.floor
    if canonical:
        parts = [f"Flat {floor}{unit}",
                 f"{a.building[0]} {a.building[1]}" if a.building else "",
                 f"{a.number} {a.street} {a.street_type}", a.district[0], a.city, "Hong Kong"]
        return ", ".join(p for p in parts if p)
    flat = rng.choice((f"Flat {floor}{unit}", f"Flat {unit}, {floor}/F", f"Flt {unit} {floor}/F",
                       f"Rm {floor}{unit}", f"Unit {unit}, {_ordinal(floor)} Floor", f"{floor}/F Flat {unit}",
                       f"Flat {floor}{unit}", f"Room {unit} {floor}F"))
    building = ""
    if a.building and rng.random() < 0.85:
        word = a.building[1]
        building = f"{a.building[0]} {rng.choice((word, *_BUILDING_SHORT.get(word, (word,))))}"
    street_word = rng.choice((a.street_type, *_STREET_SHORT.get(a.street_type, (a.street_type,))))
    street = f"{a.number} {a.street} {street_word}"
    district = rng.choice((a.district[0], a.district[0], a.district[1], ""))
    city = rng.choice((a.city, a.city, a.city_short, a.city_short.upper(), ""))
    return _finish(rng, [flat, building, street, district, city, _country_line(rng, "HK", 0.7)], 0.4)


def _hk_han(rng: random.Random, a) -> str:
    building = a.building[2] if a.building else ""
    room = f"{a.floor}樓{a.unit}室" if rng.random() < 0.5 else f"{a.floor}{a.unit}室"
    region = a.city_han if rng.random() < 0.8 else ""
    prefix = "香港" if rng.random() < 0.85 and not region.startswith("香港") else ""
    return f"{prefix}{region}{a.district[2]}{a.street_han}{a.number}號{building}{room}"


def _cn(rng: random.Random, a, canonical: bool) -> str:
    if canonical:
        parts = [f"Room {a.unit}" if a.unit else "", f"No. {a.number} {a.street} {a.street_type}", a.district[0],
                 f"{a.city} {a.postcode}", "China"]
        return ", ".join(p for p in parts if p)
    room = rng.choice((f"Room {a.unit}", f"Rm {a.unit}", f"Rm. {a.unit}", f"Unit {a.unit}")) if a.unit else ""
    street_word = rng.choice((a.street_type, *_STREET_SHORT.get(a.street_type, (a.street_type,))))
    number = rng.choice((f"No. {a.number}", f"No.{a.number}", a.number, f"#{a.number}"))
    street = f"{number} {a.street} {street_word}"
    district = rng.choice((a.district[0], a.district[1], a.district[1] + " District", ""))
    post = a.postcode if rng.random() < 0.5 else ""
    city = f"{a.city} {post}".strip() if rng.random() < 0.7 else f"{a.city} City"
    parts = [street, room, district, city] if rng.random() < 0.3 else [room, street, district, city]
    return _finish(rng, [*parts, _country_line(rng, "CN", 0.6)], 0.5)


def _cn_han(rng: random.Random, a) -> str:
    room = f"{a.unit}室" if a.unit else ""
    prefix = "中国" if rng.random() < 0.2 else ""
    return f"{prefix}{a.city_han}{a.district[2]}{a.street_han}{a.number}号{room}"


def _in(rng: random.Random, a, canonical: bool) -> str:
    if canonical:
        return f"{a.unit} No. {a.number}, {a.street}, {a.city}, {a.state} {a.postcode}, India"
    unit = {"Plot": ("Plot No.", "Plot No", "Plot", "P. No."), "Survey": ("Survey No.", "S. No.", "Sr. No.")}
    lead = f"{rng.choice(unit[a.unit])} {a.number}"
    estate = a.street.replace("Industrial", rng.choice(("Industrial", "Ind.", "Indl."))) \
        .replace("Estate", rng.choice(("Estate", "Est.")))
    if rng.random() < 0.2:
        estate = estate.replace("GIDC", "G.I.D.C.").replace("MIDC", "M.I.D.C.")
    city = f"{a.city}-{a.postcode}" if rng.random() < 0.4 else a.city
    state = rng.choice((a.state, a.state_abbr, ""))
    post = "" if "-" in city else a.postcode
    return _finish(rng, [lead, estate, city, f"{state} {post}".strip(), _country_line(rng, "IN", 0.6)], 0.5)


def _mx(rng: random.Random, a, canonical: bool) -> str:
    if canonical:
        interior = f" Int. {a.unit}" if a.unit else ""
        return (f"{a.street_type} {a.street} No. {a.number}{interior}, Col. {a.district[0]}, C.P. {a.postcode}, "
                f"{a.city}, {a.state}, México")
    kind = rng.choice((a.street_type, *_SPANISH_SHORT[a.street_type]))
    number = rng.choice((f"No. {a.number}", f"Núm. {a.number}", f"Num. {a.number}", f"#{a.number}", a.number,
                         f"Número {a.number}", f"No.{a.number}"))
    interior = rng.choice((f"Int. {a.unit}", f"Interior {a.unit}", f"Local {a.unit}", f"-{a.unit}")) if a.unit else ""
    colonia = f"{rng.choice(('Col.', 'Colonia', 'COL', 'Col'))} {a.district[0]}"
    post = f"{rng.choice(('C.P.', 'CP', 'C.P', 'Código Postal'))} {a.postcode}"
    state = rng.choice((a.state, a.state_abbr, ""))
    country = rng.choice(("México", "Mexico", "MEX", "")) if rng.random() < 0.6 else ""
    parts = [f"{kind} {a.street} {number} {interior}".strip(), colonia, post, a.city, state, country]
    if rng.random() < 0.3:
        parts = [parts[0], colonia, f"{a.city}, {state}".strip(", "), post, country]
    text = _finish(rng, parts, 0.45)
    return _ascii(text) if rng.random() < 0.5 else text


def _us(rng: random.Random, a, canonical: bool) -> str:
    if canonical:
        suite = f", Suite {a.unit}" if a.unit else ""
        return f"{a.number} {a.street} {a.street_type}{suite}, {a.city}, {a.state_abbr} {a.postcode}, USA"
    street_word = rng.choice((a.street_type, *_STREET_SHORT[a.street_type]))
    suite = rng.choice((f"Suite {a.unit}", f"Ste {a.unit}", f"Ste. {a.unit}", f"#{a.unit}", f"Unit {a.unit}")) \
        if a.unit else ""
    state = rng.choice((a.state_abbr, a.state_abbr, a.state))
    country = _country_line(rng, "US", 0.4)
    return _finish(rng, [f"{a.number} {a.street} {street_word}", suite, a.city, f"{state} {a.postcode}", country],
                   0.5)


def _other(rng: random.Random, a, canonical: bool) -> str:
    if canonical:
        return f"{a.number} {a.street} {a.street_type}, {a.city} {a.postcode}, {COUNTRY_NAMES[a.country]['en']}"
    street_word = rng.choice((a.street_type, *_STREET_SHORT[a.street_type]))
    city = rng.choice((a.city, a.city_short))
    return _finish(rng, [f"{a.number} {a.street} {street_word}", f"{city} {a.postcode}",
                         _country_line(rng, a.country, 0.7)], 0.5)


_WRITERS = {"HK": _hk, "CN": _cn, "IN": _in, "MX": _mx, "US": _us}


def _address(rng: random.Random, a, canonical: bool = False) -> str:
    return _WRITERS.get(a.country, _other)(rng, a, canonical)


def address_spelling(rng: random.Random, a, *, han_share: float = 0.0) -> str:
    """One written form of address ``a``; Chinese script with probability ``han_share`` (CN/HK only)."""
    if a.country in ("HK", "CN") and rng.random() < han_share:
        return _hk_han(rng, a) if a.country == "HK" else _cn_han(rng, a)
    return _address(rng, a)


def _ocr(rng: random.Random, text: str) -> str:
    options = [(a, b) for a, b in _OCR if a in text]
    if not options:
        return text
    a, b = rng.choice(options)
    starts = [m.start() for m in re.finditer(re.escape(a), text)]
    i = rng.choice(starts)
    return text[:i] + b + text[i + len(a):]


def name_spelling(rng: random.Random, firm, *, upper: float) -> str:
    """One written form of ``firm``'s English name (never its Han name; the caller chooses that)."""
    words = " ".join(firm.words)
    ind = INDUSTRIES[firm.industry]
    roll = rng.random()
    industry = ind["en"] if roll < 0.6 else ind["plural"] if roll < 0.8 else ind["short"] + "." if roll < 0.93 else ""
    roll = rng.random()
    legal = firm.legal if roll < 0.45 else rng.choice(LEGAL_SPELLINGS.get(firm.legal, [firm.legal])) \
        if roll < 0.9 else ""
    body = f"{words} {industry}".strip()
    if firm.city_prefix:
        roll = rng.random()
        city = firm.address.city
        body = f"{city} {body}" if roll < 0.6 else f"{body} ({city})" if roll < 0.85 else body
    text = f"{body} {legal}".strip()
    if rng.random() < 0.04:
        text = _ocr(rng, text)
    if rng.random() < upper:
        text = text.upper()
    if rng.random() < 0.2:
        text = re.sub(r"[.,]", "", text)
    if rng.random() < 0.05:
        text = text.replace(", ", ",").replace(" ", "  ", 1)
    return _ascii(text) if rng.random() < 0.5 else text
