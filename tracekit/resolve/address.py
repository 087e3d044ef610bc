"""Address keys that survive abbreviations, Spanish forms and Chinese script.

An address is written many ways: ``Flat 7B, 21 Nathan Road, Tsim Sha Tsui, Kowloon, Hong Kong``,
``FLT 7B 21 NATHAN RD TST KLN HK`` and ``香港九龍尖沙咀彌敦道21號7B室`` are one flat. The key is built
from the parts that identify a place and survive abbreviation, reordering and translation:

* the street number, and the street's name and type (``21 nathan rd``);
* block, floor and unit (``f12``, ``u7b``), bound to the word that introduced them, so
  ``Flat 2, 11/F`` and ``Flat 11, 2/F`` differ;
* the places named after the street (district, city, state), sorted, so their order does not
  matter; Hong Kong districts count as their region (TST → Kowloon); countries, postcodes and
  area words ("District", "Col.", "New Area") are left out;
* a building name only when there is no street number (the number already says which building,
  and a building's Chinese name cannot be matched to its English one).

Chinese-script parts are read into the same parts: 路/道 Road, 街 Street, 號 No., 室 Room,
樓/層 Floor, 座 Block, 大廈 Building, 區 District; their names are romanised (pinyin, joined:
张江路 → ``zhangjiang rd``, which is how mainland streets are written in English), and Hong Kong
streets and places whose English name is a translation, not a romanisation (彌敦道 = Nathan Road),
come from a small table (:mod:`tracekit.resolve.address_vocab`, cited there). The limit: a
Chinese street name not in that table keys by its pinyin and will not meet an English name that is
not pinyin. :func:`bridge_keys` then lets such an address take the key of the one address written
in Latin script with the same street number, floor, unit and places whose street name sounds like
the Chinese one in Cantonese (Hong Kong Government romanisation, from the ``cantonese-romanisation``
package); if there is none, or two, it takes none.

Word forms come from rigour's address tables (OpenSanctions) and USPS Publication 28; see
:mod:`tracekit.resolve.address_vocab`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from pypinyin import lazy_pinyin
from rigour.text import ascii_text

from tracekit.ingest.codes import normalise_country
from tracekit.resolve import address_vocab as V
from tracekit.resolve.vocab import HAN_PLACE_NAMES

__all__ = ["AddressParts", "parse_address", "address_key", "bridge_keys"]

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_BOUNDARY = "|"
_STOPWORDS = frozenset({"de", "del", "la", "las", "los", "el", "y", "of", "the", "and", "e", "da", "do", "das", "dos"})


def _rigour_forms() -> dict[str, str]:
    """rigour's single-word address forms → canonical short form (ASCII, lower case)."""
    from rigour.data.addresses.data import FORMS

    out: dict[str, str] = {}
    for canon, values in FORMS.items():
        for value in [canon, *values]:
            word = ascii_text(value).lower()
            if word.isalnum() and word not in out:
                out[word] = canon
    return out


_WORDS: dict[str, str] = {**_rigour_forms(), **V.SUPPLEMENT_FORMS}
_PHRASE_RE = re.compile(r"(?<![a-z0-9])(" + "|".join(
    re.escape(p) for p in sorted({**V.PHRASES, **V.HK_REGIONS, **{k: k for k in V.HK_PLACES}},
                                 key=len, reverse=True)) + r")(?![a-z0-9])")
_HK_REGION_CODES = frozenset(V.HK_REGIONS.values())


def _district_code(han: str) -> str:
    """One token per Hong Kong district or area, whichever way it is written (TST, 尖沙咀)."""
    return "hkd" + "".join(lazy_pinyin(han))


_HK_DISTRICT_CODES = frozenset(_district_code(han) for _, han in V.HK_PLACES.values())
_HK_CODES = _HK_REGION_CODES | _HK_DISTRICT_CODES
_HK_MARKERS = re.compile(r"\b(hong kong|hk|h k|kowloon|kln|new territories|n t)\b|香港|九龍|九龙|新界")
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
              "两": 2, "兩": 2, "〇": 0, "零": 0}


@dataclass
class AddressParts:
    """The identifying parts of one address (all canonical: lower-case ASCII)."""

    street_no: str = ""
    street: str = ""          # name, words joined ("desvoeux")
    street_type: str = ""     # rd, st, av, …
    street_dir: str = ""      # c, e, w, n, s (Queen's Road Central)
    block: str = ""
    floor: str = ""
    unit: str = ""
    pobox: str = ""
    plot: str = ""
    building: str = ""
    numbers: list[str] = field(default_factory=list)  # other short numbers, in order
    places: list[str] = field(default_factory=list)   # sorted, distinct
    han_street: bool = False  # street name romanised from Chinese without a table entry
    han_name: str = ""        # that street name in Chinese characters
    street_words: tuple[str, ...] = ()  # the street name's words as written (before joining)

    def key(self) -> str | None:
        street = " ".join(x for x in (self.street_no, self.street, self.street_type, self.street_dir) if x)
        parts = [street]
        if not (self.street and self.street_no):
            parts.append(self.building)
        parts += [f"b{self.block}" if self.block else "", f"f{self.floor}" if self.floor else "",
                  f"u{self.unit}" if self.unit else "", f"pob{self.pobox}" if self.pobox else "",
                  f"lot{self.plot}" if self.plot else ""]
        parts += [f"n{n}" for n in self.numbers]
        parts += self.key_places()
        key = " ".join(p for p in parts if p)
        return key or None

    def key_places(self) -> list[str]:
        """The places the key keeps."""
        # A numbered street already says where it is in Hong Kong; a district says which region
        located = bool(self.street and self.street_no)
        district = any(p in _HK_DISTRICT_CODES for p in self.places)
        return [p for p in self.places if not (p in _HK_CODES and located)
                and not (p in _HK_REGION_CODES and district)]

    def signature(self) -> tuple:
        """Everything but the street name: what a Chinese rendering shares with an English one."""
        return (self.street_no, self.street_type, self.street_dir, self.block, self.floor, self.unit,
                self.pobox, self.plot, tuple(self.numbers), tuple(self.key_places()))


def _number(token: str) -> str:
    """A number or unit code without leading zeros or ordinal suffix ("07" → "7", "12th" → "12")."""
    token = re.sub(r"^(\d+)(st|nd|rd|th)$", r"\1", token)
    return token.lstrip("0") or token


def _is_code(token: str) -> bool:
    return any(c.isdigit() for c in token) or (len(token) == 1 and token.isalpha())


# --- Chinese script → the same tokens an English rendering gives ---------------------------------

@lru_cache(maxsize=100_000)
def _pinyin_cached(text: str) -> tuple[str, ...]:
    # pypinyin reads words, not characters, so polyphones come out as in English renderings
    # (长江 changjiang, 重庆 chongqing), where ICU's character-level transliteration says zhangjiang.
    return tuple(s for syllable in lazy_pinyin(text, errors="ignore")
                 for s in ascii_text(syllable).lower().split())


def _pinyin(text: str) -> list[str]:
    return list(_pinyin_cached(text))


def _han_places() -> dict[tuple[str, ...], str]:
    """Pinyin syllables of known place names → their key token (HK region, or joined pinyin)."""
    places: dict[tuple[str, ...], str] = {}
    for han, latin in HAN_PLACE_NAMES.items():
        places[tuple(_pinyin(han))] = latin.replace(" ", "")
    for _, han in V.HK_PLACES.values():
        places[tuple(_pinyin(han))] = _district_code(han)
    for han, token in {"香港": "hk", "九龍": "kln", "九龙": "kln", "新界": "nt", "香港島": "hki", "香港岛": "hki",
                       "中國": "china", "中国": "china"}.items():
        places[tuple(_pinyin(han))] = token
    return places


_HAN_PLACES = _han_places()
_HAN_PLACE_LENGTHS = sorted({len(k) for k in _HAN_PLACES}, reverse=True)
_HK_STREETS = {"".join(_pinyin(han)): english.replace(" ", "") for han, english in V.HK_STREETS.items()}
_HAN_DESIGNATOR = re.compile("(.+?)(" + "|".join(sorted(
    [*V.HAN_STREET_TYPES, *V.HAN_BUILDING_WORDS, *V.HAN_AREA_WORDS], key=len, reverse=True)) + ")")
_HAN_DIRECTION = {"中": "c", "東": "e", "东": "e", "西": "w", "南": "s", "北": "n"}
_HAN_NUMBERED = re.compile(
    r"([0-9a-z]+|[一二三四五六七八九十两兩〇零]+)\s*(號樓|号楼|號|号|室|房|單位|单元|樓|楼|層|层|座|栋|棟|幢|f)")
_HAN_NUMBER_WORDS = {"號樓": "blk", "号楼": "blk", "號": "no", "号": "no", "室": "rm", "房": "rm", "單位": "unt",
                     "单元": "unt", "樓": "fl", "楼": "fl", "層": "fl", "层": "fl", "座": "blk", "栋": "blk",
                     "棟": "blk", "幢": "blk", "f": "fl"}


def _cn_number(text: str) -> str:
    if text.isascii():
        return text
    total, current = 0, 0
    for ch in text:
        value = _CN_DIGITS.get(ch, 0)
        if value == 10:
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + value if ch in "〇零" else value
    return str(total + current)


def _peel_places(syllables: list[str]) -> tuple[list[str], list[str]]:
    """Known place names at the start of a run of syllables; returns (place tokens, the rest)."""
    places = []
    i = 0
    while i < len(syllables):
        for width in _HAN_PLACE_LENGTHS:
            token = _HAN_PLACES.get(tuple(syllables[i:i + width]))
            if token and len(syllables) - i >= width:
                places.append(token)
                i += width
                break
        else:
            break
    return places, syllables[i:]


def _place_width(syllables: list[str], skip: int) -> int:
    """Syllables taken by the place names after the first ``skip`` ones (see :func:`_peel_places`)."""
    i, seen = 0, 0
    while i < len(syllables):
        for width in _HAN_PLACE_LENGTHS:
            if _HAN_PLACES.get(tuple(syllables[i:i + width])) and len(syllables) - i >= width:
                if seen >= skip:
                    return len(syllables) - i
                seen += 1
                i += width
                break
        else:
            break
    return 0


def _han_run(run: str, out: list[str], flags: dict) -> None:
    """Tokens for a run of Han characters: places, streets, buildings, areas."""
    if run in V.HAN_BUILDING_WORDS:  # "Golden Lotus中心": the name is in Latin letters
        out.append("bldg")
        return
    if run in V.HAN_STREET_TYPES:
        out.append(V.HAN_STREET_TYPES[run])
        return
    pos = 0
    for m in _HAN_DESIGNATOR.finditer(run):
        name, word = m.group(1), m.group(2)
        pos = m.end()
        places, rest = _peel_places(_pinyin(name))
        if not rest and places and word in V.HAN_STREET_TYPES:
            # a street named after a place (中山路, 廣東道 = Canton Road): the last "place" is its name
            syllables = _pinyin(name)
            rest = syllables[len(syllables) - _place_width(syllables, len(places) - 1):]
            places = places[:-1]
        out.extend(p for place in places for p in (_BOUNDARY, place))
        joined = "".join(rest)
        if word in V.HAN_STREET_TYPES:
            if not joined:
                continue
            english = _HK_STREETS.get(joined)
            if english is None:
                flags["han_street"] = True
                flags["han_name"] = name[len(name) - len(rest):]
            out += [_BOUNDARY, english or joined, V.HAN_STREET_TYPES[word]]
            if pos < len(run) and run[pos] in _HAN_DIRECTION:
                out.append(_HAN_DIRECTION[run[pos]])
                pos += 1
            out.append(_BOUNDARY)
        elif word in V.HAN_BUILDING_WORDS:
            if joined:
                out += [_BOUNDARY, joined, "bldg"]
        elif joined:  # an area word: the name is a place
            out += [_BOUNDARY, joined, _BOUNDARY]
    tail = run[pos:]
    if tail:
        places, rest = _peel_places(_pinyin(tail))
        out.extend(p for place in places for p in (_BOUNDARY, place))
        if rest:
            out += [_BOUNDARY, "".join(rest), _BOUNDARY]


def _han_tokens(text: str, flags: dict) -> str:
    """Rewrite the Chinese-script parts of ``text`` as English address words."""
    out: list[str] = []
    pos = 0
    pattern = re.compile(_HAN_NUMBERED.pattern + r"|([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)")
    for m in pattern.finditer(text):
        if m.start() > pos:
            out.append(text[pos:m.start()])
        pos = m.end()
        if m.group(3):
            if m.group(3) in ("地下", "地庫"):
                out += ["fl", "g"]
            else:
                _han_run(m.group(3), out, flags)
        else:
            out += [_HAN_NUMBER_WORDS[m.group(2)], _cn_number(m.group(1)), _BOUNDARY]
    out.append(text[pos:])
    return " ".join(out)


# --- Latin tokens → parts ----------------------------------------------------------------------

_PRE = [
    (re.compile(r"(\d+)\s*(?:st|nd|rd|th)?\s*/\s*f(?:l|lr|loor)?\b"), r" fl \1 "),   # 12/F, 3rd/Fl
    (re.compile(r"\b(g|ug|lg|m)\s*/\s*f\b"), r" fl \1 "),                             # G/F
    (re.compile(r"#\s*"), " no "),
    (re.compile(r"\b(road|rd|street|st)\.?\s+(central|east|west)\b"), lambda m: f"{m[1]} {m[2][0]}"),
    (re.compile(r"\bn\s*[o°º]\s*\.?\s*(?=\d)"), " no "),                              # No.21, NO241
    (re.compile(r"(\d+)\s*(?:st|nd|rd|th)\s+(?:floor|fl|flr|piso)\b"), r" fl \1 "),   # 12th Floor
]
_TOKEN = re.compile(r"[a-z0-9]+|\|")
_INITIALS = re.compile(r"(?<![a-z0-9])(?:[a-z]\.){2,}")  # "T.S.T." → tst, "N.T." → nt, "C.P." → cp


_LATIN_EXTRA = str.maketrans({"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ł": "l", "ı": "i", "þ": "th",
                              "ð": "d", "º": "o", "ª": "a", "°": "o", "’": "'", "‘": "'"})


def _ascii(text: str) -> str:
    """ASCII form: accents dropped in Python for Latin script (fast), rigour's transliteration otherwise."""
    if text.isascii():
        return text
    stripped = "".join(c for c in unicodedata.normalize("NFKD", text.translate(_LATIN_EXTRA))
                       if not unicodedata.combining(c))
    return stripped if stripped.isascii() else ascii_text(text)


@lru_cache(maxsize=50_000)
def _country(text: str) -> str | None:
    return normalise_country(text)


def _latin_tokens(text: str, hk: bool) -> list[str]:
    text = _ascii(text).lower().replace("'", "")
    for pattern, repl in _PRE:
        text = pattern.sub(repl, text)
    text = _INITIALS.sub(lambda m: " " + m.group(0).replace(".", "") + " ", text)
    text = " ".join(_TOKEN.findall(text))
    text = _PHRASE_RE.sub(lambda m: _phrase(m.group(1), hk), text)
    return text.split()


def _phrase(phrase: str, hk: bool) -> str:
    if phrase in V.PHRASES:
        return V.PHRASES[phrase]
    if phrase in V.HK_REGIONS:
        return f"{_BOUNDARY} {V.HK_REGIONS[phrase]} {_BOUNDARY}"
    if phrase in V.HK_AMBIGUOUS_PLACES and not hk:
        return phrase
    return f"{_BOUNDARY} {_district_code(V.HK_PLACES[phrase][1])} {_BOUNDARY}"


def _classify(tokens: list[str]) -> list[tuple[str, str]]:
    """(kind, canonical token) for each token."""
    out = []
    for tok in tokens:
        if tok == _BOUNDARY:
            out.append(("|", tok))
            continue
        canon = _WORDS.get(tok, tok)
        if tok in _HK_CODES:
            kind = "place"
        elif any(c.isdigit() for c in tok):
            kind = "num"
        elif canon in V.UNIT_WORDS:
            kind = "unit"
        elif canon in V.FLOOR_WORDS:
            kind = "floor"
        elif canon in V.BLOCK_WORDS:
            kind = "block"
        elif canon in V.NUMBER_WORDS:
            kind = "no"
        elif canon in V.POSTCODE_WORDS:
            kind = "postcode"
        elif canon in V.POBOX_WORDS:
            kind = "pobox"
        elif canon in V.PLOT_WORDS:
            kind = "plot"
        elif canon in V.STREET_TYPES:
            kind = "type"
        elif canon in V.BUILDING_WORDS:
            kind = "building"
        elif canon in V.AREA_WORDS:
            kind = "area"
        else:
            kind, canon = "word", tok
        out.append((kind, canon))
    return out


_BINDS = {"unit": "unit", "floor": "floor", "block": "block", "no": "street_no", "postcode": "postcode",
          "pobox": "pobox", "plot": "plot"}


def _parse_tokens(tokens: list[str], parts: AddressParts) -> None:
    items = _classify(tokens)
    n = len(items)
    # words: (index, token) of free words; segments of consecutive words split at anything else
    plain: list[tuple[int, str]] = []     # unbound numbers
    numbered: list[tuple[int, str]] = []  # numbers after No. / # / 號
    words: dict[int, str] = {}
    types: list[int] = []
    buildings: list[int] = []
    i = 0
    while i < n:
        kind, tok = items[i]
        nxt = items[i + 1] if i + 1 < n else ("", "")
        if kind in _BINDS and kind != "no" and nxt[0] == "no" and i + 2 < n and items[i + 2][0] == "num":
            nxt = items[i + 2]  # "Plot No. 45", "Flat No. 7"
            i += 1
        if kind in _BINDS and (nxt[0] == "num" or (len(nxt[1]) == 1 and nxt[1].isalpha() and kind != "no")
                               or (kind == "floor" and nxt[1] in ("g", "ug", "lg", "m"))):
            slot, value = _BINDS[kind], _number(nxt[1])
            if slot == "floor" and len(value) > 3:  # "Miami, FL 33101": a state, not a floor
                i += 1
                continue
            if slot == "street_no":
                numbered.append((i + 1, value))
            elif slot != "postcode" and not getattr(parts, slot):
                setattr(parts, slot, value)
            elif slot != "postcode":
                parts.numbers.append(value)
            i += 2
            continue
        if kind == "num":
            if nxt[0] == "floor" or nxt[1] == "f":
                parts.floor = parts.floor or _number(tok)
                i += 2
                continue
            if re.fullmatch(r"\d+f", tok):
                parts.floor = parts.floor or tok[:-1].lstrip("0") or "0"
            else:
                plain.append((i, _number(tok)))
        elif kind == "type":
            types.append(i)
        elif kind == "building":
            buildings.append(i)
        elif kind == "word":
            words[i] = tok
        elif kind == "place":
            parts.places.append(tok)
        elif kind == "area":
            pass
        i += 1
    used: set[int] = set()
    street_at = None
    for t in types:
        before = []
        j = t - 1
        while j >= 0 and j in words:
            before.insert(0, j)
            j -= 1
        after = []
        j = t + 1
        while j < n and j in words:
            after.append(j)
            j += 1
        numeric_name = _numbered_street(items, t, plain)
        if numeric_name:
            name = numeric_name  # "11251 NW 2 Street", "123 5th Avenue"
            for k in name:
                words[k] = _number(items[k][1])
            plain = [p for p in plain if p[0] not in name]
        elif before:
            name = before
        elif after:
            name = after
        elif t + 1 < n and items[t + 1][0] == "num" and any(p[0] == t + 1 for p in plain):
            name = [t + 1]  # a numbered street: Carrera 45, Calle 5
            words[t + 1] = items[t + 1][1]
            plain = [p for p in plain if p[0] != t + 1]
        else:
            continue
        parts.street = "".join(words[k] for k in name)
        parts.street_words = tuple(words[k] for k in name)
        parts.street_type = V.STREET_TYPE_CLASS.get(items[t][1], items[t][1])
        used.update(name)
        street_at = (min(name + [t]), max(name + [t]))
        d = street_at[1] + 1
        if d < n and items[d][1] in V.DIRECTIONS and items[d][0] in ("word", "building", "type"):
            parts.street_dir = V.DIRECTIONS[items[d][1]]
            used.add(d)
            words.pop(d, None)
        break
    if street_at and not parts.street_no:
        # English order: the number before the street; Spanish/Chinese order: the number after it
        for idx, value in plain:
            if idx == street_at[0] - 1 or idx == street_at[1] + 1 + bool(parts.street_dir):
                parts.street_no = value
                plain.remove((idx, value))
                break
    if not parts.street_no and numbered:
        parts.street_no = numbered.pop(0)[1]
    for _, value in numbered:  # a second "No." / "#": the unit ("123 Main St # 200")
        if parts.unit:
            parts.numbers.append(value)
        else:
            parts.unit = value
    if not parts.street_no and not street_at:
        for idx, value in plain:  # no street: the first number that is not a postcode
            if not (value.isdigit() and len(value) >= 5):
                parts.street_no = value
                plain.remove((idx, value))
                break
    # building names: the words right before a building word
    building_words = []
    for b in buildings:
        j = b - 1
        name = []
        while j >= 0 and j in words and j not in used:
            name.insert(0, j)
            j -= 1
        if name:
            used.update(name)
            building_words.append("".join(words[k] for k in name) + " " + items[b][1])
    parts.building = " ".join(building_words)
    # Long bare numbers after a named street are postcodes (written or left out at whim); without a
    # street they may be what identifies the place (a box, a grid reference), so they stay.
    parts.numbers += [value for _, value in plain if not (street_at and value.isdigit() and len(value) >= 4)]
    tail = [words[k] for k in sorted(words) if k not in used and words[k] not in _STOPWORDS]
    parts.places += _drop_countries(tail)


_COMPASS = frozenset({"n", "s", "e", "w", "ne", "nw", "se", "sw"})


def _numbered_street(items: list[tuple[str, str]], t: int, plain: list[tuple[int, str]]) -> list[int]:
    """Positions of a numbered street's name before the type at ``t``, when a house number precedes it."""
    plain_at = {i for i, _ in plain}
    if t - 1 not in plain_at:
        return []
    k = t - 2
    name = [t - 1]
    if k >= 0 and items[k][1] in _COMPASS:
        name.insert(0, k)
        k -= 1
    return name if k in plain_at else []


def _drop_countries(words: list[str]) -> list[str]:
    """Leave out country names (a country is compared on its own), not two-letter codes (TX, CA, FL)."""
    out = list(words)
    i = 0
    while i < len(out):
        for width in (3, 2, 1):
            window = out[i:i + width]
            if len(window) < width:
                continue
            text = " ".join(window)
            if len(text) > 2 and _country(text):
                del out[i:i + width]
                break
        else:
            i += 1
    return out


@lru_cache(maxsize=200_000)
def _parse(text: str, country: str | None) -> AddressParts:
    parts = AddressParts()
    text = unicodedata.normalize("NFKC", text).lower()
    hk = country == "HK" or bool(_HK_MARKERS.search(text))
    flags: dict = {}
    if _HAN.search(text):
        text = _han_tokens(text, flags)
    _parse_tokens(_latin_tokens(text, hk), parts)
    # Mainland streets are written in pinyin in English too; only Hong Kong's English names differ
    parts.han_street = bool(flags.get("han_street")) and hk
    parts.han_name = flags.get("han_name", "") if parts.han_street else ""
    parts.places = sorted(set(parts.places) - {"hk"})
    return parts


def parse_address(text: str | None, country: str | None = None) -> AddressParts | None:
    """The identifying parts of an address in any of its written forms (None when empty).

    Examples
    --------
    >>> p = parse_address("Flat 7B, 12/F, 21 Nathan Road, Tsim Sha Tsui, Kowloon")
    >>> p.street_no, p.street, p.street_type, p.floor, p.unit, p.places
    ('21', 'nathan', 'rd', '12', '7b', ['hkdjianshaju', 'kln'])
    """
    if not text or not text.strip():
        return None
    return _parse(text, (country or "").upper() or None)


def address_key(text: str | None, country: str | None = None) -> str | None:
    """Comparison key of an address: one key for its abbreviated, Spanish and Chinese renderings.

    Examples
    --------
    >>> address_key("Flat 7B, 21 Nathan Road, Tsim Sha Tsui, Kowloon, Hong Kong")
    '21 nathan rd u7b'
    >>> address_key("FLT 7B 21 NATHAN RD TST KLN HK") == address_key("香港九龍尖沙咀彌敦道21號7B室")
    True
    >>> address_key("Av. Insurgentes Sur No. 1234 Int. 5, Col. Del Valle, C.P. 03100") == \\
    ...     address_key("AVENIDA INSURGENTES SUR NUM 1234 INTERIOR 5 COLONIA DEL VALLE CP 03100")
    True
    >>> address_key("上海市浦东新区张江路123号") == address_key("No. 123 Zhangjiang Road, Pudong New Area, Shanghai")
    True
    >>> address_key("Flat 2, 11/F, 5 Hoi Bun Rd") == address_key("Flat 11, 2/F, 5 Hoi Bun Rd")
    False
    """
    parts = parse_address(text, country)
    return parts.key() if parts else None


def bridge_keys(parsed: dict[str, AddressParts]) -> dict[str, str | None]:
    """Keys for many addresses at once, letting a Chinese rendering meet its one English twin.

    A Chinese street name missing from the street table keys by its pinyin (彌敦道 without the
    table would be ``midun rd``), which an English rendering never gives. Such an address takes the
    key of the Latin-script addresses with the same street number, type, block, floor, unit and
    places, and a street name that reads like the Chinese one in Cantonese — but only in Hong Kong
    (mainland streets are written in pinyin in English too), only for a fully numbered flat (street
    number and unit or floor), and only when exactly one such street is in the batch.
    """
    keys = {text: parts.key() for text, parts in parsed.items()}
    streets: dict[tuple, dict[str, tuple[str, ...]]] = {}
    for text, parts in parsed.items():
        if parts.street and parts.street_no and not _HAN.search(text):
            streets.setdefault(parts.signature(), {})[keys[text]] = parts.street_words
    for text, parts in parsed.items():
        if parts.han_street and parts.street_no and (parts.unit or parts.floor):
            twins = streets.get(parts.signature(), {})
            sounding = [key for key, words in twins.items() if _sounds_like(parts.han_name, words)]
            if len(sounding) == 1:
                keys[text] = sounding[0]
    return keys


@lru_cache(maxsize=1)
def _cantonese():
    from cantoroman import Cantonese

    return Cantonese()


@lru_cache(maxsize=100_000)
def _sounds_like(han: str, words: tuple[str, ...]) -> bool:
    """Whether an English street name can be the Cantonese reading of ``han`` (建榮 ~ Kin Wing).

    Hong Kong's English street names that are not translations are in the Government's Cantonese
    romanisation, whose per-character readings the ``cantonese-romanisation`` package lists. Spellings
    drift (觀 is written Kwun), so half the syllables agreeing is enough; a different street
    (大有 Tai Yau against Kin Wing) agrees on none.
    """
    readings = [set(r) for r in _cantonese().getRoman(han)]
    if not readings or not all(readings):
        return False
    if len(words) == len(readings):
        agree = sum(w in r for w, r in zip(words, readings, strict=True))
        return 2 * agree >= len(readings)
    return _spells("".join(words), readings)


def _spells(text: str, readings: list[set[str]]) -> bool:
    """Whether ``text`` is one reading per character run together ("tsimshatsui")."""
    if not readings:
        return not text
    return any(text.startswith(r) and _spells(text[len(r):], readings[1:]) for r in readings[0])
