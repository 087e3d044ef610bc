"""How one company is written differently across records: name, address and phone variants.

Each company gets a fixed, small set of variants up front (slot 0 is the canonical form); shipments then
pick a slot at random. That keeps generation vectorised and mirrors real data, where a firm appears
under a handful of recurring spellings rather than a new typo on every bill.
"""

from __future__ import annotations

import random
import re
import unicodedata

from tracekit.demo.names import Company

__all__ = ["name_variants", "address_variants", "phone_variants", "to_latin1", "NAME_SLOTS", "ADDRESS_SLOTS",
           "PHONE_SLOTS"]

NAME_SLOTS = 6
"""Name variants per company; in UTF-8 files the last slot holds the Han name for firms that have one."""
ADDRESS_SLOTS = 3
PHONE_SLOTS = 3

_ABBREVIATIONS = [
    ("CHEMICALS", "CHEM"), ("CHEMICAL", "CHEM"), ("INTERNATIONAL", "INTL"), ("TECHNOLOGY", "TECH"),
    ("PHARMACEUTICAL", "PHARM"), ("IMPORT & EXPORT", "IMP & EXP"), ("TRADING", "TRDG"), ("LIMITED", "LTD"),
    ("COMPANY", "CO"), ("CORPORATION", "CORP"), ("LOGISTICS", "LOGISTIC"), ("ELECTRONICS", "ELECTRONIC"),
    ("BIOTECHNOLOGY", "BIOTECH"), ("MACHINERY", "MACH"), ("COMERCIALIZADORA", "COMERCIALIZ"),
    ("DISTRIBUIDORA", "DISTR"), ("SANAYI VE TICARET", "SAN VE TIC"), ("SANAYI VE TİCARET", "SAN. VE TİC."),
]
_ABBREVIATION_OF = dict(_ABBREVIATIONS)
_ABBREVIATION_RE = re.compile("|".join(re.escape(long) for long, _ in _ABBREVIATIONS))
_LEGAL_SWAPS = {
    "Co., Ltd.": ["Company Limited", "Co Ltd", "Co.,Ltd", "Limited"],
    "Limited": ["Ltd", "Ltd.", "Co., Limited"],
    "Co., Limited": ["Co Ltd", "Limited"],
    "Pvt. Ltd.": ["Private Limited", "Pvt Ltd", "P. Ltd."],
    "Private Limited": ["Pvt. Ltd.", "Pvt Ltd"],
    "S.A. de C.V.": ["SA de CV", "S.A. DE C.V", "S.A."],
    "S. de R.L. de C.V.": ["S de RL de CV", "S. DE R.L."],
    "Inc.": ["Inc", "Incorporated", "Corp."],
    "LLC": ["L.L.C.", "Llc"],
    "Corp.": ["Corporation", "Inc."],
    "GmbH": ["G.m.b.H.", "Gmbh"],
    "GmbH & Co. KG": ["GmbH & Co KG", "GmbH"],
    "B.V.": ["BV", "B V"],
    "Sanayi ve Ticaret A.Ş.": ["San. ve Tic. A.Ş.", "A.Ş.", "AS"],
    "Ltd. Şti.": ["Ltd Sti", "Limited Şirketi"],
    "S.A.S.": ["SAS", "S A S"],
    "S.A.": ["SA", "S. A."],
}
_ADDRESS_ABBREVIATIONS = [
    ("Room", "RM"), ("Road", "RD"), ("Street", "ST"), ("Avenue", "AVE"), ("Boulevard", "BLVD"), ("Suite", "STE"),
    ("District", "DIST"), ("Industrial Estate", "IND. ESTATE"), ("Calle ", "C. "), ("No. ", "NO."), ("Flat", "FLT"),
    ("Centre", "CTR"), ("Carrera", "CRA"), ("Mah.", "MAHALLESI"), ("straße", "str."),
]
_ADDRESS_OF = dict(_ADDRESS_ABBREVIATIONS)
_ADDRESS_RE = re.compile("|".join(re.escape(long) for long, _ in _ADDRESS_ABBREVIATIONS))
_NOT_DECOMPOSING = str.maketrans({"ı": "i", "İ": "I", "Ş": "S", "ş": "s", "Ğ": "G", "ğ": "g", "ł": "l", "Œ": "OE",
                                  "œ": "oe", "đ": "d", "Đ": "D"})


def to_latin1(text: str) -> str:
    """``text`` with every character outside Latin-1 folded to its base letter (for Latin-1 files).

    Examples
    --------
    >>> to_latin1("Akkaya Kimya Sanayi ve Ticaret A.Ş.")
    'Akkaya Kimya Sanayi ve Ticaret A.S.'
    >>> to_latin1("Química Valamar")
    'Química Valamar'
    """
    try:
        text.encode("latin-1")
        return text
    except UnicodeEncodeError:
        pass
    out = []
    for ch in text.translate(_NOT_DECOMPOSING):
        if ord(ch) < 256:
            out.append(ch)
            continue
        base = unicodedata.normalize("NFKD", ch)[:1]
        out.append(base if base and ord(base) < 256 else "")
    return "".join(out)


_ACCENTS = {ord(c): unicodedata.normalize("NFKD", c)[0] for c in "ÁÀÂÄÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝáàâäãåçéèêëíìîïñóòôöõúùûüýŞşĞğİı"
            if unicodedata.normalize("NFKD", c)[0].isascii()}
_ACCENTS.update({ord("ı"): "i", ord("İ"): "I"})


def _strip_accents(text: str) -> str:
    """Accented Latin letters to their base letter (a fast table; the names use no other marks)."""
    return text.translate(_ACCENTS)


def _typo(rng: random.Random, word: str) -> str:
    """One or two keyboard-style edits (substitute, drop, double, swap) inside ``word``."""
    chars = list(word)
    for _ in range(rng.choice((1, 1, 2))):
        if len(chars) < 4:
            break
        i = rng.randrange(1, len(chars) - 1)
        kind = rng.randrange(4)
        if kind == 0:
            chars[i] = rng.choice("aeiounrst") if chars[i].islower() else rng.choice("AEIOUNRST")
        elif kind == 1:
            del chars[i]
        elif kind == 2:
            chars.insert(i, chars[i])
        else:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def _one_variant(rng: random.Random, company: Company) -> str:
    name = company.name
    legal = company.legal
    body = name[: -len(legal)].rstrip() if legal and name.endswith(legal) else name
    roll = rng.random()
    if roll < 0.15:
        legal = ""  # dropped legal form
    elif roll < 0.45 and legal in _LEGAL_SWAPS:
        legal = rng.choice(_LEGAL_SWAPS[legal])
    if rng.random() < 0.2 and company.country == "CN" and body.startswith(company.city + " "):
        body = f"{body[len(company.city) + 1:]} ({company.city})"  # XYZ CHEMICAL (SHANGHAI)
    elif rng.random() < 0.12 and company.country in {"MX", "CO", "ES", "SV", "GT", "PE", "EC"}:
        first, _, rest = body.partition(" ")
        body = f"{rest} {first}" if rest else body  # QUIMICA VALAMAR -> VALAMAR QUIMICA
    if rng.random() < 0.25:
        body = body.replace(company.core, _typo(rng, company.core), 1)
    text = f"{body} {legal}".strip()
    if rng.random() < 0.75:
        text = _strip_accents(text).upper() if rng.random() < 0.6 else text.upper()
    if rng.random() < 0.45:
        text = _ABBREVIATION_RE.sub(lambda m: _ABBREVIATION_OF[m[0]] if rng.random() < 0.7 else m[0], text)
    if rng.random() < 0.3:
        text = re.sub(r"[.,]", "", text)
    if rng.random() < 0.15:
        text = text.replace(" ", "  ", 1) if rng.random() < 0.5 else text + " "
    return re.sub(r" {3,}", "  ", text)


def name_variants(rng: random.Random, company: Company) -> list[str]:
    """``NAME_SLOTS`` spellings of ``company.name``: canonical first, Han name last when it has one.

    Examples
    --------
    >>> from tracekit.demo.names import CompanyFactory
    >>> c = CompanyFactory(random.Random(3)).make("CN", "chemical", han=True)
    >>> v = name_variants(random.Random(3), c)
    >>> len(v), v[0] == c.name, v[-1] == c.han
    (6, True, True)
    """
    variants = [company.name]
    want = NAME_SLOTS - (1 if company.han else 0)
    for _ in range(40):
        if len(variants) >= want:
            break
        candidate = _one_variant(rng, company)
        if candidate not in variants:
            variants.append(candidate)
    while len(variants) < want:
        variants.append(company.name.upper())
    if company.han:
        variants.append(company.han)
    return variants


def address_variants(rng: random.Random, company: Company) -> list[list[str]]:
    """``ADDRESS_SLOTS`` renderings of the address as lines: canonical, upper-cased/abbreviated, trimmed."""
    lines = company.address_lines
    out = [list(lines)]
    abbreviated = [_strip_accents(_ADDRESS_RE.sub(lambda m: _ADDRESS_OF[m[0]], line)).upper() for line in lines]
    out.append(abbreviated)
    trimmed = [re.sub(r"[.,]", "", line).upper() for line in lines]
    if len(trimmed) > 2 and rng.random() < 0.6:
        trimmed = [trimmed[0] + " " + trimmed[1], *trimmed[2:]]
    if len(trimmed) > 1 and rng.random() < 0.4:
        trimmed = trimmed[:-1]  # country line left off
    out.append(trimmed)
    return out


def phone_variants(company: Company) -> list[str]:
    """``PHONE_SLOTS`` formattings: ``+86 21 5555 1234``, ``0086-21-55551234``, ``(021) 5555-1234``.

    Examples
    --------
    >>> from tracekit.demo.names import CompanyFactory
    >>> c = CompanyFactory(random.Random(2)).make("CN", "chemical")
    >>> [p.startswith(s) for p, s in zip(phone_variants(c), ("+86 ", "0086-", "(0"))]
    [True, True, True]
    """
    dial, area, local = company.phone_parts
    area_sep = f"{area}-" if area else ""
    if dial == "1":  # North America: no trunk zero
        return [company.phone, f"1-{area}-{local[:3]}-{local[3:]}", f"({area}) {local[:3]}-{local[3:]}"]
    return [
        company.phone,
        f"00{dial}-{area_sep}{local}",
        f"(0{area}) {local[:4]}-{local[4:]}" if area else f"{local[:4]}-{local[4:]}",
    ]
