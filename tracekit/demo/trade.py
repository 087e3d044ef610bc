"""Ordinary trade: heavy-tailed buyer–supplier relationships, then shipments sampled from them.

Relationships are built once per world (who buys what from whom, through which ports, in which
window); shipments are then drawn in fixed-size chunks with numpy, one array per column, so ten million
rows cost a few seconds of vectorised work rather than ten million Python iterations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tracekit.demo.names import lexicon
from tracekit.demo.world import World

__all__ = ["Relationships", "build_relationships", "sample_ordinary", "FILES", "FILE_OF_COUNTRY", "DAYS",
           "START_DATE", "empty_chunk", "CHUNK_COLUMNS"]

FILES = ("us", "mx", "intl")
FILE_OF_COUNTRY = {"US": 0, "MX": 1}
START_DATE = np.datetime64("2021-01-01")
DAYS = 3 * 365
CHUNK_COLUMNS = {"file": np.int8, "day": np.int32, "shipper": np.int64, "consignee": np.int64,
                 "notify": np.int64, "hs": np.int32, "desc": np.int32, "kg": np.float64, "usd": np.float64,
                 "lading": np.int32, "unlading": np.int32, "origin": np.int32, "tag": np.int64}
"""Columns of a chunk of canonical shipments (indices into the world's tables; -1 = empty party)."""
_LATAM = {"MX", "CO", "PE", "GT", "SV", "EC", "ES"}


def empty_chunk() -> dict[str, np.ndarray]:
    return {name: np.empty(0, dtype=dtype) for name, dtype in CHUNK_COLUMNS.items()}


@dataclass
class Relationships:
    """Parallel arrays, one entry per ordinary buyer–supplier relationship."""

    shipper: np.ndarray
    consignee: np.ndarray
    notify: np.ndarray
    product: np.ndarray
    file: np.ndarray
    lading: np.ndarray
    unlading: np.ndarray
    origin: np.ndarray
    start: np.ndarray
    length: np.ndarray
    cdf: np.ndarray
    spanish: np.ndarray


def _port_tables(world: World) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    lex = lexicon()
    lading = {c: [world.catalog.intern("port", p) for p in spec["ports"]] for c, spec in lex["countries"].items()}
    unlading = dict(lading)
    for c, ports in lex["ports_unlading"].items():
        unlading[c] = [world.catalog.intern("port", p) for p in ports]
    return lading, unlading


def _pick_ports(rng: np.random.Generator, countries: np.ndarray, table: dict[str, list[int]]) -> np.ndarray:
    out = np.empty(len(countries), dtype=np.int32)
    for country in np.unique(countries):
        mask = countries == country
        out[mask] = rng.choice(table[str(country)], size=int(mask.sum()))
    return out


def build_relationships(world: World, rng: np.random.Generator) -> Relationships:
    """Who buys what from whom: each importer gets a heavy-tailed number of suppliers and volume."""
    countries = world.country_array()
    industries = np.array([c.industry for c in world.companies])
    is_importer = np.array([bool(c.extra.get("importer")) for c in world.companies])
    ordinary = np.array([r in {"ordinary", "maker", "importer", "broker", "onward"} for r in world.roles])
    importers = np.flatnonzero(ordinary & is_importer)
    exporters = np.flatnonzero(ordinary & ~is_importer)
    activity = rng.pareto(1.3, len(importers)) + 1.0  # a few very big importers
    n_suppliers = 1 + np.minimum(rng.poisson(activity * 1.5), 80)
    consignee = np.repeat(importers, n_suppliers)
    weight = np.repeat(activity, n_suppliers) * rng.lognormal(0.0, 0.8, len(consignee))
    industry = industries[consignee].copy()
    trading = industry == "trading"
    product_industries = sorted({p["industry"] for p in world.products})
    industry[trading] = rng.choice(product_industries, size=int(trading.sum()))
    industry[industry == "biotech"] = "pharma"
    exporter_industry = industries[exporters].copy()
    exporter_industry[exporter_industry == "biotech"] = "pharma"
    shipper = np.full(len(consignee), -1, dtype=np.int64)
    for ind in product_industries:
        rows = np.flatnonzero(industry == ind)
        pool = exporters[(exporter_industry == ind) | (exporter_industry == "trading")]
        popularity = rng.pareto(1.5, len(pool)) + 1.0
        picks = rng.choice(pool, size=len(rows), p=popularity / popularity.sum())
        clash = countries[picks] == countries[consignee[rows]]
        picks[clash] = rng.choice(pool, size=int(clash.sum()))
        shipper[rows] = picks
    keep = (shipper >= 0) & (countries[shipper] != countries[consignee])
    shipper, consignee, weight, industry = shipper[keep], consignee[keep], weight[keep], industry[keep]
    n = len(consignee)
    product = np.empty(n, dtype=np.int32)
    for ind in product_industries:
        rows = np.flatnonzero(industry == ind)
        choices = [i for i, p in enumerate(world.products) if p["industry"] == ind]
        product[rows] = rng.choice(choices, size=len(rows))
    file = np.array([FILE_OF_COUNTRY.get(str(c), 2) for c in countries[consignee]], dtype=np.int8)
    notify = _notify_parties(world, rng, consignee, file, countries)
    shipper, consignee, notify = _forwarders_and_to_order(world, rng, shipper, consignee, notify, file, countries)
    lading_ports, unlading_ports = _port_tables(world)
    origin_countries = np.array([world.catalog.intern("country", c) for c in countries[:-1]] + [0])
    start = rng.integers(0, DAYS - 30, n)
    length = np.minimum(DAYS - start, 30 + rng.exponential(DAYS / 2, n).astype(np.int64))
    cdf = np.cumsum(weight)
    cdf /= cdf[-1]
    return Relationships(
        shipper=shipper, consignee=consignee, notify=notify, product=product, file=file,
        lading=_pick_ports(rng, countries[np.where(shipper >= 0, shipper, 0)], lading_ports),
        unlading=_pick_ports(rng, countries[_real_consignee(consignee, notify, world)], unlading_ports),
        origin=origin_countries[shipper], start=start.astype(np.int32), length=length.astype(np.int32), cdf=cdf,
        spanish=np.isin(countries[_real_consignee(consignee, notify, world)], list(_LATAM)),
    )


def _real_consignee(consignee: np.ndarray, notify: np.ndarray, world: World) -> np.ndarray:
    """The party the goods are for: the notify party when the consignee is 'TO ORDER'."""
    return np.where(consignee == world.to_order, notify, consignee)


def _notify_parties(world: World, rng: np.random.Generator, consignee: np.ndarray, file: np.ndarray,
                    countries: np.ndarray) -> np.ndarray:
    """Notify party: the consignee itself, a local forwarder/customs broker, or nobody (never in MX)."""
    forwarders = world.indices("forwarder")
    roll = rng.random(len(consignee))
    notify = np.full(len(consignee), -1, dtype=np.int64)
    same = ((file == 0) & (roll < 0.45)) | ((file == 2) & (roll < 0.3))
    notify[same] = consignee[same]
    broker = ((file == 0) & (roll >= 0.45) & (roll < 0.7)) | ((file == 2) & (roll >= 0.3) & (roll < 0.5))
    for country in np.unique(countries[consignee[broker]]):
        local = forwarders[countries[forwarders] == country]
        rows = np.flatnonzero(broker & (countries[consignee] == country))
        if len(local):
            notify[rows] = rng.choice(local, size=len(rows))
    return notify


def _forwarders_and_to_order(world, rng, shipper, consignee, notify, file, countries):
    """NVOCCs standing in for the real shipper or consignee, and 'TO ORDER' consignees."""
    forwarders = world.indices("forwarder")
    roll = rng.random(len(shipper))
    for country in np.unique(countries[shipper]):
        local = forwarders[countries[forwarders] == country]
        rows = np.flatnonzero((roll < 0.06) & (countries[shipper] == country))
        if len(local):
            shipper[rows] = rng.choice(local, size=len(rows))
    hidden = (roll >= 0.06) & (roll < 0.09) & (file != 1)
    for country in np.unique(countries[consignee[hidden]]):
        local = forwarders[countries[forwarders] == country]
        rows = np.flatnonzero(hidden & (countries[consignee] == country))
        if len(local):
            notify[rows] = consignee[rows]
            consignee[rows] = rng.choice(local, size=len(rows))
    to_order = (roll >= 0.09) & (roll < 0.11) & (file != 1)
    notify[to_order] = consignee[to_order]
    consignee[to_order] = world.to_order
    return shipper, consignee, notify


def sample_ordinary(world: World, rels: Relationships, rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """``n`` ordinary shipments as a chunk (see ``CHUNK_COLUMNS``)."""
    rel = np.searchsorted(rels.cdf, rng.random(n), side="right").clip(0, len(rels.cdf) - 1)
    products = rels.product[rel].copy()
    other = rng.random(n) < 0.2
    if other.any():
        by_industry = {}
        for i, p in enumerate(world.products):
            by_industry.setdefault(p["industry"], []).append(i)
        industry_of = np.array([p["industry"] for p in world.products])
        for ind, choices in by_industry.items():
            rows = np.flatnonzero(other & (industry_of[products] == ind))
            products[rows] = rng.choice(choices, size=len(rows))
    tables = _product_tables(world)
    spanish = (rels.file[rel] == 1) | (rels.spanish[rel] & (rng.random(n) < 0.5))
    off = np.where(spanish, tables["es_off"][products], tables["en_off"][products])
    cnt = np.where(spanish, tables["es_cnt"][products], tables["en_cnt"][products])
    desc = tables["desc_flat"][off + (rng.random(n) * cnt).astype(np.int64)]
    kg_lo, kg_hi = tables["kg_lo"][products], tables["kg_hi"][products]
    kg = (kg_lo + rng.random(n) * (kg_hi - kg_lo)) * rng.lognormal(0.0, 0.15, n)
    usd = kg * tables["usd_per_kg"][products] * rng.lognormal(0.0, 0.2, n)
    return {
        "file": rels.file[rel], "day": rels.start[rel] + (rng.random(n) * rels.length[rel]).astype(np.int32),
        "shipper": rels.shipper[rel], "consignee": rels.consignee[rel], "notify": rels.notify[rel],
        "hs": tables["hs"][products], "desc": desc.astype(np.int32), "kg": kg, "usd": usd,
        "lading": rels.lading[rel], "unlading": rels.unlading[rel], "origin": rels.origin[rel].astype(np.int32),
        "tag": np.full(n, -1, dtype=np.int64),
    }


def _product_tables(world: World) -> dict[str, np.ndarray]:
    cached = getattr(world, "_product_tables", None)
    if cached is not None:
        return cached
    flat: list[int] = []
    cols: dict[str, list] = {k: [] for k in ("en_off", "en_cnt", "es_off", "es_cnt", "kg_lo", "kg_hi",
                                              "usd_per_kg", "hs")}
    for p in world.products:
        for lang in ("en", "es"):
            cols[f"{lang}_off"].append(len(flat))
            cols[f"{lang}_cnt"].append(len(p[lang]))
            flat.extend(p[lang])
        cols["kg_lo"].append(p["kg"][0])
        cols["kg_hi"].append(p["kg"][1])
        cols["usd_per_kg"].append(p["usd_per_kg"])
        cols["hs"].append(p["hs"])
    tables = {k: np.array(v) for k, v in cols.items()}
    tables["hs"] = tables["hs"].astype(np.int32)
    tables["desc_flat"] = np.array(flat, dtype=np.int32)
    world._product_tables = tables
    return tables
