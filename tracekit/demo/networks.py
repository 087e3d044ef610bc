"""The planted illicit networks: makers, brokers and shells, importers, onward consignees.

Each network moves one precursor through three hops (maker → intermediary → importer → onward buyer)
in *lots*; every lot is time-respecting (each hop leaves 5–45 days after the previous one arrived).
Decoy traffic on the same importers is dated before any precursor arrived, so only a time-respecting
trace separates it from the chain. Everything planted is returned with its truth.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np

from tracekit.demo.names import CompanyFactory, load_data
from tracekit.demo.noise import to_latin1
from tracekit.demo.trade import CHUNK_COLUMNS, DAYS, FILE_OF_COUNTRY, START_DATE
from tracekit.demo.world import World

__all__ = ["Planted", "plant_networks", "NETWORK_SPECS"]

NETWORK_SPECS = [
    {"id": "N1", "chemical": "NPP", "maker": "CN", "broker": "HK", "shells": 4, "shared": "address",
     "importer": "MX", "onward": ["US", "GT"], "window": (420, 1000),
     "description": "Wuhan-area maker ships NPP to a cluster of Hong Kong shells at one address; the shells "
                    "sell to one Mexican importer, which re-ships north and south."},
    {"id": "N2", "chemical": "4-AP", "maker": "CN", "broker": "IN", "shells": 3, "shared": "phone",
     "importer": "US", "onward": ["MX"], "window": (300, 960), "transship": ("MY", "PORT KLANG"),
     "description": "Indian shells sharing one phone buy 4-AP from a Chinese maker and ship it to a US importer "
                    "via Port Klang (Malaysia); the importer re-exports to Mexico."},
    {"id": "N3", "chemical": "4-piperidone", "maker": "CN", "broker": "HK", "shells": 0, "importer": "MX",
     "onward": ["GT", "SV"], "window": (200, 1000), "swap": ("TR", 640),
     "description": "An established Hong Kong broker carries 4-piperidone to a Mexican importer until the swap "
                    "date; then a newly registered Turkish shell takes over, same maker, same importer."},
    {"id": "N4", "chemical": "1-boc-4-piperidone", "maker": "CN", "broker": "HK", "shells": 0,
     "importer": "US", "onward": ["MX"], "window": (500, 1010), "misdeclare": True,
     "description": "1-boc-4-piperidone declared as water-treatment and surfactant preparations (HS 3824/3402) "
                    "through a Hong Kong trader to a US importer, then on to Mexico."},
    {"id": "N5", "chemical": "1-boc-4-AP", "maker": "CN", "broker": "HK", "shells": 6, "shared": "phone",
     "importer": "CO", "onward": ["EC", "PE"], "window": (560, 1010),
     "description": "Six Hong Kong shells on one phone number buy 1-boc-4-AP and sell only to one Colombian "
                    "importer, which ships on to Ecuador and Peru."},
]


@dataclass
class Planted:
    """Planted shipments as a chunk (``tag`` indexes ``hops``) plus the truth about them."""

    rows: dict[str, np.ndarray]
    hops: list[dict] = field(default_factory=list)
    networks: list[dict] = field(default_factory=list)
    shell_clusters: list[dict] = field(default_factory=list)


def _iso(day: int) -> str:
    return str(START_DATE + np.timedelta64(int(day), "D"))


class _Planter:
    def __init__(self, world: World, factory: CompanyFactory, rng: random.Random):
        self.world, self.factory, self.rng = world, factory, rng
        self.chem = load_data("precursors.json")
        self.cols: dict[str, list] = {name: [] for name in CHUNK_COLUMNS}
        self.hops: list[dict] = []
        self.countries = world.country_array()

    def company(self, country: str, industry: str, role: str, network: str, importer: bool = False) -> int:
        company = self.factory.make(country, industry, han=country == "CN" and self.rng.random() < 0.5)
        if importer:
            company.extra["importer"] = True
        index = self.world.add(company, role, network)
        self.countries = self.world.country_array()
        return index

    def describe(self, spec: dict, hop: int, file: int) -> tuple[str, str, str]:
        """(description, 10-digit HS, why) for one hop; Latin-1-only text in the Mexican file."""
        chem = self.chem["chemicals"][spec["chemical"]]
        rng = self.rng
        if spec.get("misdeclare") and hop > 0 or (hop == 2 and rng.random() < 0.4):
            hs, text = rng.choice(self.chem["misdeclared"])
            why = f"misdeclared: {spec['chemical']} declared as {text!r} under HS {hs[:4]}.{hs[4:6]}"
        elif (hop == 0 and rng.random() < 0.6) or (hop == 1 and rng.random() < 0.25):
            text, hs = rng.choice(chem["explicit"]), chem["hs"]
            why = f"{spec['chemical']} (CAS {chem['cas']}) named in the description"
        else:
            text, hs = rng.choice(self.chem["vague"]), chem["hs"]
            why = f"vague description for {spec['chemical']} (CAS {chem['cas']})"
        if file == 1 and to_latin1(text) != text:  # the Mexican file is Latin-1: no Han text
            text = rng.choice([t for t in chem["explicit"] + self.chem["vague"] if to_latin1(t) == t])
        return text, hs, why

    def ship(self, network: str, hop: int, frm: int, to: int, day: int, desc: str, hs: str, why: str | None,
             lading_port: str | None = None, origin: str = "CN", lot: str | None = None) -> None:
        world, cat = self.world, self.world.catalog
        file = FILE_OF_COUNTRY.get(str(self.countries[to]), 2)
        ports = load_data("lexicon.json")["countries"]
        lading = lading_port or ports[str(self.countries[frm])]["ports"][0]
        unlading_list = load_data("lexicon.json")["ports_unlading"].get(str(self.countries[to])) or \
            ports[str(self.countries[to])]["ports"]
        kg = round(self.rng.uniform(25, 600), 1)
        values = {"file": file, "day": day, "shipper": frm, "consignee": to,
                  "notify": to if file != 1 and self.rng.random() < 0.5 else -1,
                  "hs": cat.intern("hs", hs), "desc": cat.intern("desc", desc), "kg": kg,
                  "usd": round(kg * self.rng.uniform(18, 90), 2), "lading": cat.intern("port", lading),
                  "unlading": cat.intern("port", self.rng.choice(unlading_list)),
                  "origin": cat.intern("country", origin), "tag": len(self.hops)}
        for name, value in values.items():
            self.cols[name].append(value)
        self.hops.append({"network": network, "hop": hop, "from": world.entity_id(frm), "to": world.entity_id(to),
                          "date": _iso(day), "flagged": why is not None, "why": why, "file": file, "lot": lot})


def plant_networks(world: World, factory: CompanyFactory, rows: int, rng: random.Random) -> Planted:
    """Create every network's companies in ``world`` and its shipments; lots scale with ``rows``."""
    planter = _Planter(world, factory, rng)
    networks, clusters = [], []
    n_lots = int(np.clip(rows // 6000, 6, 150))
    for spec in NETWORK_SPECS:
        net, cluster = _plant_one(planter, spec, n_lots)
        networks.append(net)
        if cluster:
            clusters.append(cluster)
    rows_out = {name: np.array(values, dtype=CHUNK_COLUMNS[name]) for name, values in planter.cols.items()}
    return Planted(rows=rows_out, hops=planter.hops, networks=networks, shell_clusters=clusters)


def _plant_one(p: _Planter, spec: dict, n_lots: int) -> tuple[dict, dict | None]:
    rng, world, nid = p.rng, p.world, spec["id"]
    maker = p.company(spec["maker"], rng.choice(("chemical", "biotech", "pharma")), "maker", nid)
    importer = p.company(spec["importer"], rng.choice(("chemical", "trading")), "importer", nid, importer=True)
    onward = [p.company(c, rng.choice(("chemical", "trading", "pharma")), "onward", nid, importer=True)
              for c in spec["onward"]]
    cluster = None
    if spec["shells"]:
        brokers = [p.company(spec["broker"], rng.choice(("trading", "chemical")), "shell", nid)
                   for _ in range(spec["shells"])]
        first = world.companies[brokers[0]]
        for b in brokers[1:]:
            if spec["shared"] == "address":
                world.companies[b].address_lines = list(first.address_lines)
            else:
                world.companies[b].phone_parts = first.phone_parts
        shared_value = first.address if spec["shared"] == "address" else first.phone
        cluster = {"id": f"S-{nid}", "network": nid, "entities": [world.entity_id(b) for b in brokers],
                   "shared": spec["shared"], "value": shared_value, "buyer": world.entity_id(importer),
                   "product": spec["chemical"]}
    else:
        brokers = [p.company(spec["broker"], "trading", "broker", nid)]
    swap = None
    if "swap" in spec:
        country, swap_day = spec["swap"]
        new = p.company(country, "chemical", "shell", nid)
        swap = {"date": _iso(swap_day), "old": world.entity_id(brokers[0]), "new": world.entity_id(new)}
    lo, hi = spec["window"]
    paths: dict[tuple[int, ...], list[int]] = {}
    first_arrival = DAYS
    for lot in range(n_lots):
        broker = brokers[lot % len(brokers)]
        if swap:
            old_lot = lot % 2 == 0
            t0 = rng.randint(lo, spec["swap"][1] - 90) if old_lot else rng.randint(spec["swap"][1], hi)
            broker = brokers[0] if old_lot else new
        else:
            t0 = rng.randint(lo, hi)
        t1 = t0 + rng.randint(12, 40)
        t2 = t1 + rng.randint(5, 35)
        buyer = onward[lot % len(onward)]
        transship = spec.get("transship")
        for hop, (frm, to, day) in enumerate(((maker, broker, t0), (broker, importer, t1), (importer, buyer, t2))):
            file = FILE_OF_COUNTRY.get(str(p.countries[to]), 2)
            desc, hs, why = p.describe(spec, hop, file)
            lading = transship[1] if transship and hop == 1 else None
            if lading:
                why += f"; loaded at {lading} ({transship[0]}), not in the shipper's country"
            p.ship(nid, hop, frm, to, day, desc, hs, f"{nid} hop {hop + 1}/3: {why}", lading, lot=f"{nid}-L{lot:03d}")
        first_arrival = min(first_arrival, t1)
        path = paths.setdefault((maker, broker, importer, buyer), [t0, t2, 0])
        path[0], path[1], path[2] = min(path[0], t0), max(path[1], t2), path[2] + 1
    decoys = []
    for k in range(1 + (n_lots >= 20)):
        decoy = p.company(spec["onward"][k % len(spec["onward"])], "trading", "ordinary", None, importer=True)
        world.networks[decoy] = None
        days = sorted(rng.randint(max(0, first_arrival - 120), max(1, first_arrival - 10)) for _ in range(3))
        for day in days:
            text = rng.choice([t for t in p.chem["vague"] if to_latin1(t) == t])
            p.ship(nid, 2, importer, decoy, day, text, p.chem["chemicals"][spec["chemical"]]["hs"], None)
        decoys.append({"from": world.entity_id(importer), "to": world.entity_id(decoy), "first_date": _iso(days[0]),
                       "last_date": _iso(days[-1]),
                       "why": "sent before any precursor reached the importer: not on a time-respecting chain"})
    network = {
        "id": nid, "description": spec["description"], "chemical": spec["chemical"],
        "cas": p.chem["chemicals"][spec["chemical"]]["cas"], "maker": world.entity_id(maker),
        "intermediaries": [world.entity_id(b) for b in brokers] + ([swap["new"]] if swap else []),
        "importer": world.entity_id(importer), "onward": [world.entity_id(o) for o in onward],
        "chains": [{"entities": [world.entity_id(e) for e in path], "first_date": _iso(t[0]),
                    "last_date": _iso(t[1]), "lots": t[2]} for path, t in sorted(paths.items())],
        "swap": swap, "transshipment_country": spec.get("transship", (None,))[0], "decoys": decoys,
    }
    return network, cluster
