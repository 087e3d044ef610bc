"""Chinese-script addresses read as the words an English rendering uses (part of :mod:`tracekit.resolve.address`).

路/道 Road, 街 Street, 號 No., 室 Room, 樓/層 Floor, 座 Block, 大廈 Building, 區 District; names romanised
with word-level pinyin (pypinyin: 长江 is changjiang, as English renderings write it), Hong Kong streets and
places that are translations from the tables of :mod:`tracekit.resolve.address_vocab`, and the Cantonese
sound check that lets a Hong Kong street off those tables meet its English name.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import lazy_pinyin
from rigour.text import ascii_text

from tracekit.resolve import address_vocab as V
from tracekit.resolve.vocab import HAN_PLACE_NAMES

__all__ = ["BOUNDARY", "HAN", "HK_CODES", "HK_DISTRICT_CODES", "HK_REGION_CODES", "district_code", "han_tokens",
           "sounds_like", "clear_caches"]

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
BOUNDARY = "|"
_BOUNDARY = BOUNDARY
HK_REGION_CODES = frozenset(V.HK_REGIONS.values())


def district_code(han: str) -> str:
    """One token per Hong Kong district or area, whichever way it is written (TST, 尖沙咀)."""
    return "hkd" + "".join(lazy_pinyin(han))


HK_DISTRICT_CODES = frozenset(district_code(han) for _, han in V.HK_PLACES.values())
HK_CODES = HK_REGION_CODES | HK_DISTRICT_CODES
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
              "两": 2, "兩": 2, "〇": 0, "零": 0}


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
        places[tuple(_pinyin(han))] = district_code(han)
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


def han_tokens(text: str, flags: dict) -> str:
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


@lru_cache(maxsize=1)
def _cantonese():
    from cantoroman import Cantonese

    return Cantonese()


@lru_cache(maxsize=100_000)
def sounds_like(han: str, words: tuple[str, ...]) -> bool:
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


def clear_caches() -> None:
    """Forget memoised readings (benchmarks measure cold)."""
    _pinyin_cached.cache_clear()
    sounds_like.cache_clear()
