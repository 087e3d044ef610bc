"""The company universe of the demo world and the lookup tables shipments index into.

:func:`build_universe` makes thousands of fictional firms (ordinary exporters and importers, freight
forwarders, look-alike traps) and :meth:`World.freeze` turns them into flat variant tables, so a
shipment column is one ``take`` of an index array rather than a Python loop per row.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

from tracekit.demo.names import Company, CompanyFactory, lexicon
from tracekit.demo.noise import (
    ADDRESS_SLOTS,
    NAME_SLOTS,
    PHONE_SLOTS,
    address_variants,
    name_variants,
    phone_variants,
    to_latin1,
)

__all__ = ["World", "Catalog", "build_universe", "TO_ORDER_NAMES", "EXPORTER_COUNTRIES", "IMPORTER_COUNTRIES"]

TO_ORDER_NAMES = ["TO ORDER", "TO THE ORDER OF", "TO ORDER OF SHIPPER", "TO ORDER", "TO ORDER OF BANK", "TO ORDER"]
"""Placeholder consignees: a mention with no company behind it (truth entity id is null)."""

EXPORTER_COUNTRIES = {"CN": 34, "IN": 10, "HK": 5, "KR": 6, "DE": 6, "NL": 3, "TR": 5, "VN": 7, "JP": 5, "IT": 4,
                      "ES": 2, "BR": 2, "GB": 3, "US": 5, "MX": 3, "CO": 2, "MY": 2, "AE": 1, "CA": 2}
IMPORTER_COUNTRIES = {"US": 42, "MX": 26, "CO": 8, "PE": 4, "GT": 3, "SV": 2, "EC": 2, "HK": 3, "TR": 2, "IN": 2,
                      "BR": 2, "DE": 2, "NL": 1, "CA": 1}
_INDUSTRY_WEIGHTS = {"chemical": 14, "pharma": 6, "biotech": 2, "textile": 14, "machinery": 12, "electronics": 14,
                     "food": 10, "plastics": 8, "metal": 8, "furniture": 6, "autoparts": 6, "trading": 6}


class Catalog:
    """Interned strings that shipments refer to by index: descriptions, HS codes, ports, countries."""

    def __init__(self) -> None:
        self.tables: dict[str, list[str]] = {"desc": [], "hs": [], "port": [], "country": []}
        self._index: dict[str, dict[str, int]] = {k: {} for k in self.tables}

    def intern(self, table: str, text: str) -> int:
        index = self._index[table]
        if text not in index:
            index[text] = len(self.tables[table])
            self.tables[table].append(text)
        return index[text]


@dataclass
class World:
    """Every company of the demo world, their roles, and the flat variant tables for rendering."""

    seed: int
    companies: list[Company] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    networks: list[str | None] = field(default_factory=list)
    catalog: Catalog = field(default_factory=Catalog)
    traps: list[dict] = field(default_factory=list)
    products: list[dict] = field(default_factory=list)

    def add(self, company: Company, role: str, network: str | None = None) -> int:
        self.companies.append(company)
        self.roles.append(role)
        self.networks.append(network)
        return len(self.companies) - 1

    @property
    def to_order(self) -> int:
        """Index of the placeholder 'TO ORDER' party (one past the last company)."""
        return len(self.companies)

    def entity_id(self, index: int) -> str:
        return f"E{index:07d}"

    def indices(self, role: str) -> np.ndarray:
        return np.array([i for i, r in enumerate(self.roles) if r == role], dtype=np.int64)

    def country_array(self) -> np.ndarray:
        return np.array([c.country for c in self.companies] + ["XX"])

    def freeze(self, rng: random.Random) -> None:
        """Build the flat variant tables: slot ``k`` of company ``i`` sits at ``i * SLOTS + k``."""
        names_utf8, names_latin1, phones, taxes = [], [], [], []
        addr_lines: list[list[str]] = [[], [], [], []]
        addr_joined: list[str] = []
        for company in self.companies:
            variants = name_variants(rng, company)
            names_utf8.extend(variants)
            roman = variants[:-1] if company.han else variants
            latin = [to_latin1(v) for v in roman]
            names_latin1.extend(latin + ([latin[rng.randrange(len(latin))]] if company.han else []))
            for lines in address_variants(rng, company):
                lines = (lines + ["", "", "", ""])[:4] if len(lines) <= 4 else [*lines[:3], " ".join(lines[3:])]
                for k in range(4):
                    addr_lines[k].append(lines[k])
                addr_joined.append(", ".join(x for x in lines if x))
            phones.extend(phone_variants(company))
            taxes.extend([company.tax_id, _hyphenate_tax_id(company.tax_id)])
        names_utf8.extend(TO_ORDER_NAMES[:NAME_SLOTS])
        names_latin1.extend(TO_ORDER_NAMES[:NAME_SLOTS])
        for _ in range(ADDRESS_SLOTS):
            for k in range(4):
                addr_lines[k].append("")
            addr_joined.append("")
        phones.extend([""] * PHONE_SLOTS)
        taxes.extend(["", ""])
        self.names_utf8, self.names_latin1 = names_utf8, names_latin1
        self.addr_lines, self.addr_joined, self.phones, self.taxes = addr_lines, addr_joined, phones, taxes
        self.entity_ids = [self.entity_id(i) for i in range(len(self.companies))] + [None]


def _hyphenate_tax_id(tax_id: str) -> str:
    """The tax id as often typed: an RFC with hyphens (``ABC-010203-XY1``), others with spaces dropped."""
    if len(tax_id) == 12 and tax_id[:3].isalpha():
        return f"{tax_id[:3]}-{tax_id[3:9]}-{tax_id[9:]}"
    return tax_id.replace("-", "")


def load_products(world: World) -> None:
    """Read the product catalogue (HS line, industry, descriptions, weight and price ranges)."""
    text = resources.files("tracekit.demo").joinpath("data", "products.csv").read_text("utf-8")
    for row in csv.DictReader(text.splitlines()):
        world.products.append({
            "hs": world.catalog.intern("hs", row["hs10"]),
            "industry": row["industry"],
            "en": [world.catalog.intern("desc", d) for d in row["desc_en"].split("|")],
            "es": [world.catalog.intern("desc", d) for d in row["desc_es"].split("|")],
            "kg": (float(row["kg_lo"]), float(row["kg_hi"])),
            "usd_per_kg": float(row["usd_per_kg"]),
        })


def _weighted(rng: random.Random, weights: dict[str, int], k: int) -> list[str]:
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


def build_universe(world: World, factory: CompanyFactory, n_companies: int) -> None:
    """Ordinary exporters, importers, forwarders and look-alike traps, about ``n_companies`` in all."""
    rng = factory.rng
    lex = lexicon()
    for code in lex["countries"]:
        world.catalog.intern("country", code)
    load_products(world)
    n_forwarders = max(40, n_companies // 25)
    n_exporters = (n_companies - n_forwarders) // 2
    n_importers = n_companies - n_forwarders - n_exporters
    for country, industry in zip(_weighted(rng, EXPORTER_COUNTRIES, n_exporters),
                                 _weighted(rng, _INDUSTRY_WEIGHTS, n_exporters), strict=True):
        han = country == "CN" and rng.random() < 0.2
        world.add(factory.make(country, industry, han=han), "ordinary")
    for country, industry in zip(_weighted(rng, IMPORTER_COUNTRIES, n_importers),
                                 _weighted(rng, _INDUSTRY_WEIGHTS, n_importers), strict=True):
        index = world.add(factory.make(country, industry), "ordinary")
        world.companies[index].extra["importer"] = True
    forwarder_countries = {**EXPORTER_COUNTRIES, **{k: v * 2 for k, v in IMPORTER_COUNTRIES.items()}}
    for country in _weighted(rng, forwarder_countries, n_forwarders):
        world.add(factory.make(country, "logistics"), "forwarder")
    _add_traps(world, factory, max(10, n_companies // 400))


def _add_traps(world: World, factory: CompanyFactory, n: int) -> None:
    """Look-alikes that must stay separate: same core other industry; same name other country."""
    rng = factory.rng
    exporters = [i for i, c in enumerate(world.companies)
                 if world.roles[i] == "ordinary" and not c.extra.get("importer") and c.country in {"CN", "KR", "IN"}
                 and c.industry in {"chemical", "pharma", "textile", "electronics"}]
    for i in rng.sample(exporters, min(n, len(exporters))):
        base = world.companies[i]
        other = "logistics" if base.industry != "trading" else "chemical"
        cities = [c[0] for c in lexicon()["countries"][base.country]["cities"]]
        twin = factory.make(base.country, other, core=(base.core, None), city_index=cities.index(base.city),
                            legal=base.legal)
        j = world.add(twin, "ordinary")
        world.traps.append({"kind": "same_core_other_industry", "entities": [world.entity_id(i), world.entity_id(j)],
                            "note": f"{base.name!r} and {twin.name!r} are different firms"})
    for home, away in (("MX", "SV"), ("US", "CA")):
        importers = [i for i, c in enumerate(world.companies) if c.country == home and c.extra.get("importer")]
        for i in rng.sample(importers, min(max(3, n // 2), len(importers))):
            base = world.companies[i]
            twin = factory.make(away, base.industry, core=(base.core, None), legal=base.legal, unique=False)
            twin.name = base.name
            j = world.add(twin, "ordinary")
            twin.extra["importer"] = True
            world.traps.append({"kind": "same_name_other_country",
                                "entities": [world.entity_id(i), world.entity_id(j)],
                                "note": f"{base.name!r} exists in {home} and {away} with different tax ids"})
    # a business centre in Hong Kong: several legitimate, long-lived traders share one address
    hk = [i for i, c in enumerate(world.companies) if c.country == "HK" and not c.extra.get("importer")
          and world.roles[i] == "ordinary"]
    members = rng.sample(hk, min(6, len(hk)))
    if len(members) >= 3:
        shared = world.companies[members[0]].address_lines
        for i in members:
            world.companies[i].address_lines = list(shared)
        world.traps.append({"kind": "legitimate_shared_address", "entities": [world.entity_id(i) for i in members],
                            "note": "a business-centre address shared by long-lived traders with many buyers",
                            "address": ", ".join(shared)})
