"""Tokens of an address → its identifying parts (part of :mod:`tracekit.resolve.address`).

Designators bind the number written after them (Flat 7B, 12/F, No. 21, Int. 5); the street is the name
next to a street type (before it in English, after it in Spanish); building names, places and leftover
numbers are kept apart so the key can leave out what does not survive translation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rigour.text import ascii_text

from tracekit.ingest.codes import normalise_country
from tracekit.resolve import address_vocab as V
from tracekit.resolve.address_han import BOUNDARY as _BOUNDARY
from tracekit.resolve.address_han import HK_CODES as _HK_CODES
from tracekit.resolve.address_han import HK_DISTRICT_CODES as _HK_DISTRICT_CODES
from tracekit.resolve.address_han import HK_REGION_CODES as _HK_REGION_CODES

__all__ = ["AddressParts", "parse_tokens"]

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
    hong_kong: bool = False   # a Hong Kong address (country HK or a Hong Kong place named)

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
        if located and self.hong_kong:
            # Every word after a Hong Kong numbered street is a district, region or territory, written
            # in forms no table lists in full (SW, CWB, Sheung Wan): none of them is needed.
            return []
        district = any(p in _HK_DISTRICT_CODES for p in self.places)
        return [p for p in self.places if not (p in _HK_CODES and located)
                and not (p in _HK_REGION_CODES and district)]

    def signature(self) -> tuple:
        """Everything but the street name: what a Chinese rendering shares with an English one."""
        return (self.street_no, self.street_type, self.street_dir, self.block, self.floor, self.unit,
                self.pobox, self.plot, tuple(self.numbers), tuple(self.key_places()))


_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th)$")
_FLOOR_NUMBER = re.compile(r"\d+f")


@lru_cache(maxsize=100_000)
def _number(token: str) -> str:
    """A number or unit code without leading zeros or ordinal suffix ("07" → "7", "12th" → "12")."""
    token = _ORDINAL.sub(r"\1", token)
    return token.lstrip("0") or token


@lru_cache(maxsize=50_000)
def _country(text: str) -> str | None:
    return normalise_country(text)


def _classify(tokens: list[str], hong_kong: bool = False) -> list[tuple[str, str]]:
    """(kind, canonical token) for each token."""
    out = [_token_kind(tok) for tok in tokens]
    for i, (_kind, canon) in enumerate(out):
        # In Hong Kong, where a street number is always written, "Silver Fortune Tower, 198 Nathan Rd" is a
        # building's name, not Tower 198. Elsewhere "Al Moosa Tower 1, Sheikh Zayed Road" is tower 1.
        if hong_kong and canon == "twr" and i and out[i - 1][0] == "word" and not _tower_number(out, i):
            out[i] = ("building", canon)
    return out


@lru_cache(maxsize=200_000)
def _token_kind(tok: str) -> tuple[str, str]:
    """(kind, canonical form) of one token, wherever it stands (the same words recur in every address)."""
    if tok == _BOUNDARY:
        return ("|", tok)
    canon = _WORDS.get(tok, tok)
    if tok in _HK_CODES:
        return ("place", canon)
    if any(c.isdigit() for c in tok):
        return ("num", canon)
    for kind, words in _KINDS:
        if canon in words:
            return (kind, canon)
    return ("word", tok)


# Checked in this order: a word that is several kinds takes the first.
_KINDS = (("unit", V.UNIT_WORDS), ("floor", V.FLOOR_WORDS), ("block", V.BLOCK_WORDS), ("no", V.NUMBER_WORDS),
          ("postcode", V.POSTCODE_WORDS), ("pobox", V.POBOX_WORDS), ("plot", V.PLOT_WORDS),
          ("type", V.STREET_TYPES), ("building", V.BUILDING_WORDS), ("area", V.AREA_WORDS))


def _tower_number(items: list[tuple[str, str]], i: int) -> bool:
    """Whether what follows "Tower" at ``i`` is the tower's number or letter (Tower C, Tower 2, 961 …)."""
    if i + 1 < len(items) and len(items[i + 1][1]) == 1 and items[i + 1][1].isalpha():
        return True  # Tower C
    if i + 1 >= len(items) or items[i + 1][0] != "num":
        return False
    after = items[i + 2][0] if i + 2 < len(items) else "|"
    return after in ("num", "|", "unit", "floor", "block", "no")


_BINDS = {"unit": "unit", "floor": "floor", "block": "block", "no": "street_no", "postcode": "postcode",
          "pobox": "pobox", "plot": "plot"}


def parse_tokens(tokens: list[str], parts: AddressParts, hong_kong: bool = False) -> None:
    items = _classify(tokens, hong_kong)
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
            if _FLOOR_NUMBER.fullmatch(tok):
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
    _one_flat(parts)
    # Long bare numbers after a named street are postcodes (written or left out at whim); without a
    # street they may be what identifies the place (a box, a grid reference), so they stay.
    parts.numbers += [value for _, value in plain if not (street_at and value.isdigit() and len(value) >= 4)]
    tail = [words[k] for k in sorted(words) if k not in used and words[k] not in _STOPWORDS]
    parts.places += _drop_countries(tail)


def _one_flat(parts: AddressParts) -> None:
    """One form for a flat named by floor and letter: "Flat G, 4/F", "4/F Flat G" and "Flat 4G" are unit 4g.

    In Hong Kong (and often elsewhere) a flat's number is its floor followed by its letter, so a
    bare-letter unit on a numbered floor and a number+letter unit without a floor name one flat; a
    floor that repeats the flat's own number ("Flat 4G, 4/F") adds nothing. Any other floor stays.
    """
    if parts.floor.isdigit() and len(parts.unit) == 1 and parts.unit.isalpha():
        parts.unit, parts.floor = parts.floor + parts.unit, ""
    elif (parts.floor.isdigit() and len(parts.unit) == len(parts.floor) + 1 and parts.unit.startswith(parts.floor)
          and "a" <= parts.unit[-1] <= "z"):
        parts.floor = ""


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
