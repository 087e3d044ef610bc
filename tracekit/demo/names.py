"""Fictional companies: names, Han-character names, addresses, phones and tax ids, per country.

Every company core name is built from the syllable lists in ``data/lexicon.json`` and checked against
``data/denylist.json`` (brand words of real, well-known firms), so the demo world names no real company.
Construction uses a seeded :class:`random.Random`, so the same seed builds the same world.
"""

from __future__ import annotations

import json
import random
import re
import string
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

__all__ = ["Company", "CompanyFactory", "lexicon", "denylist_words", "load_data"]


_POSTCODE_DIGITS = {"CN": 6, "IN": 6, "KR": 5, "NL": 4, "DE": 5}


@cache
def load_data(name: str) -> dict:
    """A JSON data file shipped in ``tracekit/demo/data``."""
    return json.loads(resources.files("tracekit.demo").joinpath("data", name).read_text("utf-8"))


def lexicon() -> dict:
    """Word lists: syllables, industry words per language, countries (legal forms, cities, ports)."""
    return load_data("lexicon.json")


@cache
def denylist_words() -> frozenset[str]:
    """Lower-case brand words of real firms that no generated core name may contain."""
    return frozenset(load_data("denylist.json")["words"])


def _digits(rng: random.Random, k: int) -> str:
    """``k`` random decimal digits (leading zeros kept) from one draw."""
    return f"{rng.randrange(10**k):0{k}d}" if k > 0 else ""


@cache
def _deny_pattern() -> re.Pattern:
    """Brand words longer than three letters, matched anywhere inside a core (``Xsamsungy`` is refused)."""
    return re.compile("|".join(sorted((re.escape(w) for w in denylist_words() if len(w) > 3), key=len, reverse=True)))


@dataclass
class Company:
    """One fictional company as it really is (the truth behind every noisy mention)."""

    name: str
    country: str
    industry: str
    core: str
    city: str
    address_lines: list[str]
    phone_parts: tuple[str, str, str]  # dial code, area code, local number
    tax_id: str
    han: str | None = None
    legal: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def address(self) -> str:
        return ", ".join(self.address_lines)

    @property
    def phone(self) -> str:
        dial, area, local = self.phone_parts
        split = 3 if dial == "1" else 4
        return f"+{dial} {area} {local[:split]} {local[split:]}".replace("  ", " ")


class CompanyFactory:
    """Builds unique fictional companies for a country and industry from one seeded generator.

    Examples
    --------
    >>> factory = CompanyFactory(random.Random(1))
    >>> c = factory.make("MX", "chemical")
    >>> c.name.endswith(("S.A. de C.V.", "S. de R.L. de C.V."))
    True
    >>> factory.make("CN", "chemical", han=True).han.endswith("有限公司")
    True
    """

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.lex = lexicon()
        self.taken: set[tuple[str, str]] = set()
        self._deny = denylist_words()

    # -- core names -------------------------------------------------------------------------------
    def core(self, style: str, syllables: int = 2) -> tuple[str, str | None]:
        """A pronounceable fictional word (and its Han form for pinyin cores).

        Two syllables by default; three when a country's two-syllable names run out (large worlds).
        """
        rng, syl = self.rng, self.lex["syllables"]
        if style == "pinyin_latin":
            style = rng.choice(("pinyin", "latin"))
        for _ in range(50):
            if style == "pinyin":
                picked = rng.sample(syl["pinyin"], syllables)
                word, han = "".join(p[0] for p in picked).capitalize(), "".join(p[1] for p in picked)
            else:
                parts = syl[style]
                middle = rng.choice(parts["pre"]).lower() if syllables > 2 else ""
                word, han = rng.choice(parts["pre"]) + middle + rng.choice(parts["suf"]), None
            if not _deny_pattern().search(word.lower()) and word.lower() not in self._deny:
                return word, han
        raise RuntimeError(f"could not build a fictional core name in style {style!r}")

    # -- whole companies --------------------------------------------------------------------------
    def make(self, country: str, industry: str, *, han: bool = False, core: tuple[str, str | None] | None = None,
             city_index: int | None = None, legal: str | None = None, unique: bool = True) -> Company:
        """A new company; ``core``/``city_index``/``legal`` pin parts (used for look-alike traps)."""
        spec = self.lex["countries"][country]
        for attempt in range(100):
            word, word_han = core or self.core(spec["style"], 2 if attempt < 10 else 3)
            city = spec["cities"][self.rng.randrange(len(spec["cities"])) if city_index is None else city_index]
            form = legal or self.rng.choice(spec["legal"])
            ind_words = self.lex["industries"][industry]
            lang = spec["lang"]
            ind = ind_words["en_pl" if lang == "en" and self.rng.random() < 0.4 else lang]
            if country == "HK" and industry == "trading" and self.rng.random() < 0.5:
                ind = "International Trading"
            name = spec["pattern"].format(city=city[0], core=word, ind=ind, legal=form)
            if (name, country) in self.taken and unique:
                core = None
                continue
            self.taken.add((name, country))
            han_name = None
            if han and word_han and country == "CN":
                han_name = f"{city[1]}{word_han}{ind_words['han']}{spec['han_legal']}"
            return Company(name=name, country=country, industry=industry, core=word, city=city[0],
                           address_lines=self.address(country, city), phone_parts=self.phone_parts(country, city),
                           tax_id=self.tax_id(country, word), han=han_name, legal=form)
        raise RuntimeError(f"no unused company name left for {country}/{industry}")

    def address(self, country: str, city: list[str] | None = None) -> list[str]:
        """Address lines in the country's usual layout."""
        rng, spec = self.rng, self.lex["countries"][country]
        city = city or rng.choice(spec["cities"])
        values = {
            "room": str(rng.randint(1, 36) * 100 + rng.randint(1, 20)),
            "floor": str(rng.randint(2, 40)),
            "num": str(rng.randint(1, 999)),
            "street": rng.choice(spec["streets"]),
            "street2": rng.choice(spec.get("streets2", spec["streets"])),
            "stype": rng.choice(spec.get("stypes", ["Street"])),
            "district": rng.choice(spec["districts"]),
            "city": city[0],
            "state": city[1] if country in {"US", "MX", "CO", "BR", "CA", "SV", "GT", "PE", "EC", "MY"} else "",
            "post": city[3] + _digits(rng, _POSTCODE_DIGITS.get(country, 5) - len(city[3]))
            if country not in {"HK", "GB", "CA"} else city[3],
        }
        lines = [line.format(**values).strip(" ,") for line in spec["address"].split("|")]
        return [line for line in lines if line]

    def phone_parts(self, country: str, city: list[str] | None = None) -> tuple[str, str, str]:
        spec = self.lex["countries"][country]
        city = city or self.rng.choice(spec["cities"])
        digits = 8 if country == "CN" else 7
        return spec["dial"], city[2], str(self.rng.randrange(2 * 10 ** (digits - 1), 10**digits))

    def tax_id(self, country: str, core: str) -> str:
        """A tax id in the country's shape (RFC for Mexico, NIT for Colombia, USCC for China …)."""
        rng = self.rng
        digits = lambda k: _digits(rng, k)  # noqa: E731
        alnum = lambda k: "".join(rng.choices(string.ascii_uppercase + string.digits, k=k))  # noqa: E731
        if country == "MX":
            letters = (core.upper().replace("Ñ", "N") + "XXX")[:3]
            return f"{letters}{rng.randint(0, 23):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{alnum(3)}"
        if country == "CO":
            return f"900{digits(6)}-{digits(1)}"
        if country == "CN":
            return f"9131{digits(4)}MA{alnum(8)}X"
        if country == "US":
            return f"{digits(2)}-{digits(7)}"
        if country in {"SV", "GT", "PE", "EC"}:
            return f"{digits(4)}-{digits(6)}-{digits(3)}-{digits(1)}"
        return f"{country}{digits(9)}"
