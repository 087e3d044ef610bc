"""Address keys that survive abbreviations, Spanish forms and Chinese script.

An address is written many ways: ``Flat 7B, 21 Nathan Road, Tsim Sha Tsui, Kowloon, Hong Kong``,
``FLT 7B 21 NATHAN RD TST KLN HK`` and ``香港九龍尖沙咀彌敦道21號7B室`` are one flat. The key is built
from the parts that identify a place and survive abbreviation, reordering and translation:

* the street number, and the street's name and type (``21 nathan rd``);
* block, floor and unit (``f12``, ``u7b``), bound to the word that introduced them, so
  ``Flat 2, 11/F`` and ``Flat 11, 2/F`` differ; a flat named by floor and letter has one form
  (``Flat G, 4/F``, ``Room G 4F`` and ``Flat 4G`` are all ``u4g``);
* the places named after the street (district, city, state), sorted, so their order does not
  matter; Hong Kong districts count as their region (TST → Kowloon); countries, postcodes and
  area words ("District", "Col.", "New Area") are left out; after a Hong Kong numbered street no
  place is kept (it already says where it is, and districts are abbreviated past any table: SW, CWB);
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
from collections.abc import Iterable
from functools import lru_cache

from rigour.text import ascii_text

from tracekit.resolve import address_vocab as V
from tracekit.resolve.address_han import BOUNDARY as _BOUNDARY
from tracekit.resolve.address_han import HAN as _HAN
from tracekit.resolve.address_han import HK_DISTRICT_CODES as _HK_DISTRICT_CODES
from tracekit.resolve.address_han import district_code, han_tokens, sounds_like
from tracekit.resolve.address_parse import AddressParts, parse_tokens

__all__ = ["AddressParts", "parse_address", "address_key", "address_keys", "bridge_keys"]

_PHRASE_RE = re.compile(r"(?<![a-z0-9])(" + "|".join(
    re.escape(p) for p in sorted({**V.PHRASES, **V.HK_REGIONS, **{k: k for k in V.HK_PLACES}},
                                 key=len, reverse=True)) + r")(?![a-z0-9])")
_DIGITS = re.compile(r"\d+")
_HK_MARKERS = re.compile(r"\b(hong kong|hk|h k|kowloon|kln|new territories|n t)\b|香港|九龍|九龙|新界")


_PRE = [
    # "floor", not "fl": "Flat G, 4/F" must not read as "G fl" (ground floor)
    (re.compile(r"(\d+)\s*(?:st|nd|rd|th)?\s*/\s*f(?:l|lr|loor)?\b"), r" floor \1 "),   # 12/F, 3rd/Fl
    (re.compile(r"\b(g|ug|lg|m)\s*/\s*f\b"), r" fl \1 "),                             # G/F
    (re.compile(r"#\s*"), " no "),
    (re.compile(r"\b(road|rd|street|st)\.?\s+(central|east|west)\b"), lambda m: f"{m[1]} {m[2][0]}"),
    (re.compile(r"\bn\s*[o°º]\s*\.?\s*(?=\d)"), " no "),                              # No.21, NO241
    (re.compile(r"(\d+)\s*(?:st|nd|rd|th)\s+(?:floor|fl|flr|piso)\b"), r" floor \1 "),   # 12th Floor
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
    return f"{_BOUNDARY} {district_code(V.HK_PLACES[phrase][1])} {_BOUNDARY}"


@lru_cache(maxsize=200_000)
def _parse(text: str, country: str | None) -> AddressParts:
    parts = AddressParts()
    text = unicodedata.normalize("NFKC", text).lower()
    hk = country == "HK" or bool(_HK_MARKERS.search(text))
    flags: dict = {}
    if _HAN.search(text):
        text = han_tokens(text, flags)
    tokens = _latin_tokens(text, hk)
    hk = hk or any(token in _HK_DISTRICT_CODES for token in tokens)  # Kwun Tong, TST: only in Hong Kong
    parse_tokens(tokens, parts, hk)
    parts.hong_kong = hk
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


def _bridgeable(parts: AddressParts) -> bool:
    return bool(parts.han_street and parts.street_no and (parts.unit or parts.floor))


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
    pending = {text: parts for text, parts in parsed.items() if _bridgeable(parts)}
    keys.update(_bridge(pending, parsed.items()))
    return keys


def _bridge(pending: dict[str, AddressParts], latin) -> dict[str, str]:
    """New keys of the ``pending`` Chinese addresses, from their twins among ``(text, parts)`` pairs."""
    wanted = {parts.signature() for parts in pending.values()}
    # Every way a key's street is written, not the last one read: one key has several ("Fuk Wa",
    # "Fu Kwa" → "fukwa"), and keeping one made the twin depend on the order the engine returned the
    # distinct addresses in (the same workspace resolved twice could key a Chinese address two ways).
    streets: dict[tuple, dict[str, set[tuple[str, ...]]]] = {}
    for text, parts in latin:
        if parts.street and parts.street_no and not _HAN.search(text) and parts.signature() in wanted:
            streets.setdefault(parts.signature(), {}).setdefault(parts.key(), set()).add(parts.street_words)
    out = {}
    for text, parts in pending.items():
        twins = streets.get(parts.signature(), {})
        sounding = [key for key, spellings in twins.items()
                    if any(sounds_like(parts.han_name, words) for words in spellings)]
        if len(sounding) == 1:
            out[text] = sounding[0]
    return out


def _first_pass(texts: list[str]) -> list[tuple[str | None, AddressParts | None]]:
    """Key of each address, and its parts when it is a Chinese rendering that may need a twin."""
    out = []
    for text in texts:
        parts = parse_address(text)
        out.append((parts.key() if parts else None, parts if parts is not None and _bridgeable(parts) else None))
    return out


def address_keys(texts: Iterable[str], *, progress: bool = False) -> dict[str, str | None]:
    """:func:`bridge_keys` for many distinct addresses, holding only their keys in memory.

    The addresses are parsed on every core (:func:`tracekit.resolve.workers.map_chunks`). A second
    pass re-reads only the Latin-script addresses that hold a pending Chinese address's street
    number, so the cost stays near one parse per address.
    """
    from tracekit.resolve.workers import map_chunks

    texts = list(dict.fromkeys(texts))
    keys: dict[str, str | None] = {}
    pending: dict[str, AddressParts] = {}
    for text, (key, parts) in zip(texts, map_chunks(_first_pass, texts, desc="addresses", progress=progress),
                                  strict=True):
        keys[text] = key
        if parts is not None:
            pending[text] = parts
    if pending:
        numbers = {m.group() if (m := _DIGITS.match(parts.street_no)) else "" for parts in pending.values()}
        candidates = ((t, p) for t in keys if not _HAN.search(t)
                      and ("" in numbers or numbers.intersection(_DIGITS.findall(t)))
                      and (p := parse_address(t)) is not None)
        keys.update(_bridge(pending, candidates))
    return keys
