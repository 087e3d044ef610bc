"""Firms of the second world: a name made of whole words, a structured address, a register entry.

A :class:`Firm` keeps its name as parts (distinctive words, industry, legal form, optional city
prefix) and its address as parts (flat, floor, building, number, street, district, city, postcode),
so the noise model in :mod:`tracekit.demo.second.spelling` can write each the ways people do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from tracekit.demo.names import denylist_words
from tracekit.demo.second.lexicon import (
    CN_STREETS,
    EN_STREET_TYPES,
    EN_STREETS,
    HK_BUILDINGS,
    HK_STREETS,
    IN_ESTATES,
    INDUSTRIES,
    LEGAL_FORMS,
    PLACES,
    SPANISH_COLONIAS,
    SPANISH_STREET_TYPES,
    SPANISH_STREETS,
    WORDS,
)

__all__ = ["Address", "Firm", "FirmFactory"]


@dataclass(frozen=True)
class Address:
    """Where a firm is, as parts; ``spelling.address_spellings`` writes it out."""

    country: str
    city: str
    number: str
    street: str
    street_type: str = ""
    unit: str = ""  # flat / room / suite / plot
    floor: int | None = None
    building: tuple[str, str, str] | None = None  # (name, building word, Han)
    district: tuple[str, str, str] | None = None  # (name, short, Han)
    state: str = ""
    state_abbr: str = ""
    postcode: str = ""
    street_han: str = ""
    city_han: str = ""
    city_short: str = ""

    @property
    def canonical(self) -> str:
        from tracekit.demo.second.spelling import canonical_address

        return canonical_address(self)


@dataclass
class Firm:
    """One company as it really is (the truth behind every mention)."""

    index: int
    words: tuple[str, ...]
    industry: str
    legal: str
    country: str
    address: Address
    city_prefix: bool = False
    han: str | None = None
    role: str = "ordinary"
    network: str | None = None
    importer: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        prefix = f"{self.address.city} " if self.city_prefix else ""
        return f"{prefix}{' '.join(self.words)} {INDUSTRIES[self.industry]['en']} {self.legal}"

    @property
    def entity_id(self) -> str:
        return f"E{self.index:07d}"


def _postcode(rng: random.Random, prefix: str, width: int) -> str:
    return prefix + "".join(str(rng.randrange(10)) for _ in range(width - len(prefix)))


class FirmFactory:
    """Makes firms with unique (name, city) from one seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.firms: list[Firm] = []
        self.names: set[tuple[str, str]] = set()
        self.used_words: set[tuple[str, ...]] = set()
        deny = denylist_words()
        self.vocabulary = sorted(w for w in WORDS if w.lower() not in deny)

    # -- addresses ---------------------------------------------------------------------------------
    def address(self, country: str, place: dict | None = None) -> Address:
        rng = self.rng
        place = place or rng.choice(PLACES[country])
        if country == "HK":
            district = rng.choice(place["districts"])
            streets = [s for s in HK_STREETS if district[0] in s[3]]
            name, word, han, _ = rng.choice(streets)
            building = rng.choice(HK_BUILDINGS) if rng.random() < 0.6 else None
            return Address(country, place["city"], str(rng.randint(1, 300)), name, word,
                           unit=rng.choice("ABCDEFGH"), floor=rng.randint(2, 32), building=building,
                           district=district, street_han=han, city_han=place["han"], city_short=place["short"])
        if country == "CN":
            name, word, han = rng.choice(CN_STREETS)
            return Address(country, place["city"], str(rng.randint(1, 999)), name, word,
                           unit=str(rng.randint(1, 28) * 100 + rng.randint(1, 20)) if rng.random() < 0.6 else "",
                           district=rng.choice(place["districts"]), postcode=_postcode(rng, place["post"], 6),
                           street_han=han, city_han=place["han"])
        if country == "IN":
            return Address(country, place["city"], str(rng.randint(1, 400)), rng.choice(IN_ESTATES),
                           unit="Plot" if rng.random() < 0.6 else "Survey", state=place["state"],
                           state_abbr=place["abbr"], postcode=_postcode(rng, place["post"], 6))
        if country == "MX":
            kind = rng.choice(SPANISH_STREET_TYPES)[0]
            return Address(country, place["city"], str(rng.randint(10, 4800)), rng.choice(SPANISH_STREETS), kind,
                           unit=str(rng.randint(1, 12)) if rng.random() < 0.25 else "",
                           district=(rng.choice(SPANISH_COLONIAS), "", ""), state=place["state"],
                           state_abbr=place["abbr"], postcode=_postcode(rng, place["post"], 5))
        if country == "US":
            kind = rng.choice(EN_STREET_TYPES)[0]
            return Address(country, place["city"], str(rng.randint(10, 9900)), rng.choice(EN_STREETS), kind,
                           unit=str(rng.randint(1, 40) * 10 + rng.randint(0, 9)) if rng.random() < 0.4 else "",
                           state=place["state"], state_abbr=place["abbr"], postcode=_postcode(rng, place["post"], 5))
        kind = rng.choice(EN_STREET_TYPES)[0]
        return Address(country, place["city"], str(rng.randint(1, 300)), rng.choice(EN_STREETS), kind,
                       postcode=_postcode(rng, "", 5), city_short=place.get("short", place["city"]))

    # -- firms -------------------------------------------------------------------------------------
    def _words(self, n: int | None = None) -> tuple[str, ...]:
        for _ in range(200):
            k = n or (2 if self.rng.random() < 0.75 else 1)
            words = tuple(self.rng.sample(self.vocabulary, k))
            if words not in self.used_words and tuple(reversed(words)) not in self.used_words:
                self.used_words.add(words)
                return words
        raise RuntimeError("the second world ran out of distinct name words")

    def make(self, country: str, industry: str, *, words: tuple[str, ...] | None = None, legal: str | None = None,
             address: Address | None = None, place: dict | None = None, han: bool | None = None,
             city_prefix: bool | None = None, role: str = "ordinary", network: str | None = None,
             importer: bool = False) -> Firm:
        rng = self.rng
        if words is None:
            words = self._words()
        else:
            self.used_words.add(words)
        address = address or self.address(country, place)
        firm = Firm(index=len(self.firms), words=words, industry=industry,
                    legal=legal or rng.choice(LEGAL_FORMS[country]), country=country, address=address,
                    city_prefix=country == "CN" and (rng.random() < 0.3 if city_prefix is None else city_prefix),
                    role=role, network=network, importer=importer)
        key = (firm.name, address.city)
        if key in self.names:
            raise ValueError(f"duplicate firm {key}")
        self.names.add(key)
        if country == "CN" and (rng.random() < 0.4 if han is None else han):
            firm.han = translate(firm)
        self.firms.append(firm)
        return firm


def translate(firm: Firm) -> str:
    """The firm's Han name: its English name translated word by word (翠鸟化工有限公司).

    Examples
    --------
    >>> import random
    >>> f = FirmFactory(random.Random(1)).make("CN", "chemical", words=("Kingfisher",), city_prefix=False, han=True)
    >>> f.name, f.han
    ('Kingfisher Chemical Co., Ltd.', '翠鸟化工有限公司')
    """
    city = firm.address.city_han.removesuffix("市") if firm.city_prefix else ""
    return f"{city}{''.join(WORDS[w] for w in firm.words)}{INDUSTRIES[firm.industry]['han']}有限公司"
