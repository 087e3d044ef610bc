"""Planted precursor chains of the second world: maker (CN) → Hong Kong broker or shells → importer.

The maker → broker leg is a Chinese export declaration (layout B), the broker → importer leg a US
reseller bill of lading (layout A), so every chain crosses the two sources. Each lot's second leg
leaves 12–40 days after the first. Shell clusters are several companies registered at one Hong
Kong flat whose address each record writes its own way. Network members get look-alike twins
(a substituted-word importer abroad, an Indian namesake of the maker, a permuted-words trader).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from tracekit.demo.names import load_data
from tracekit.demo.second.firms import Firm, FirmFactory
from tracekit.demo.second.world import plant_lookalike

__all__ = ["NETWORKS", "Leg", "Planted", "plant_networks"]

NETWORKS = [
    {"id": "W1", "chemical": "NPP", "importer": "MX", "shells": 4, "window": (380, 1000), "maker_han": True,
     "description": "A Chinese maker sells NPP to four Hong Kong shells registered at one flat; they sell to one "
                    "Mexican importer."},
    {"id": "W2", "chemical": "4-AP", "importer": "US", "shells": 3, "window": (250, 980), "maker_han": False,
     "description": "Three Hong Kong shells at one flat buy 4-AP from a Chinese maker and ship it to a US importer."},
    {"id": "W3", "chemical": "4-piperidone", "importer": "US", "shells": 0, "window": (150, 1000),
     "maker_han": True,
     "description": "An established Hong Kong broker carries 4-piperidone from a Chinese maker to a US importer."},
    {"id": "W4", "chemical": "1-boc-4-piperidone", "importer": "MX", "shells": 5, "window": (520, 1040),
     "maker_han": False,
     "description": "Five Hong Kong shells at one flat buy 1-boc-4-piperidone, declared as a pharmaceutical "
                    "intermediate, and sell it to a Mexican importer."},
]


@dataclass
class Leg:
    """One planted shipment: layout 'A' or 'B', parties, day, goods, and why it is flagged."""

    layout: str
    shipper: Firm
    consignee: Firm
    day: int
    description: str
    hs: str
    why: str
    network: str
    lot: str
    hop: int


@dataclass
class Planted:
    legs: list[Leg] = field(default_factory=list)
    networks: list[dict] = field(default_factory=list)
    shell_clusters: list[dict] = field(default_factory=list)


def _goods(rng: random.Random, chemical: str, hop: int) -> tuple[str, str, str]:
    data = load_data("precursors.json")
    chem = data["chemicals"][chemical]
    if chemical == "1-boc-4-piperidone" or rng.random() < 0.35:
        hs, text = rng.choice(data["misdeclared"])
        return text, hs, f"misdeclared: {chemical} declared as {text!r}"
    if hop == 0 and rng.random() < 0.6:
        text = rng.choice([t for t in chem["explicit"]])
        return text, chem["hs"], f"{chemical} (CAS {chem['cas']}) named in the description"
    return rng.choice(data["vague"]), chem["hs"], f"vague description for {chemical} (CAS {chem['cas']})"


def plant_networks(factory: FirmFactory, rows: int, days: int, traps: list[dict], iso) -> Planted:
    """Create each network's firms and its legs; lots grow with ``rows``."""
    rng = factory.rng
    planted = Planted()
    lots = max(4, min(60, rows // 1500))
    chemicals = load_data("precursors.json")["chemicals"]
    for spec in NETWORKS:
        nid = spec["id"]
        maker = factory.make("CN", rng.choice(("chemical", "pharma")), role="maker", network=nid,
                             han=spec["maker_han"])
        importer = factory.make(spec["importer"], rng.choice(("chemical", "trading")), role="importer", network=nid,
                                importer=True)
        if spec["shells"]:
            flat = factory.address("HK")
            while flat.building is None:
                flat = factory.address("HK")
            brokers = [factory.make("HK", rng.choice(("trading", "chemical")), role="shell", network=nid,
                                    address=flat) for _ in range(spec["shells"])]
        else:
            brokers = [factory.make("HK", "trading", role="broker", network=nid)]
        plant_lookalike(factory, maker, "cross_jurisdiction", traps)
        plant_lookalike(factory, importer, "substituted_word", traps) or \
            plant_lookalike(factory, importer, "same_name_other_city", traps)
        plant_lookalike(factory, brokers[0], "permuted_words", traps)
        lo, hi = spec["window"]
        n_lots = max(lots, 2 * len(brokers))  # every shell trades at least twice
        paths: dict[tuple[str, ...], list] = {}
        for lot in range(n_lots):
            broker = brokers[lot % len(brokers)]
            t0 = rng.randint(lo, min(hi, days - 60))
            t1 = t0 + rng.randint(12, 40)
            lot_id = f"{nid}-L{lot:03d}"
            for hop, (layout, frm, to, day) in enumerate((("B", maker, broker, t0), ("A", broker, importer, t1))):
                text, hs, why = _goods(rng, spec["chemical"], hop)
                planted.legs.append(Leg(layout, frm, to, day, text, hs, f"{nid} hop {hop + 1}/2: {why}", nid,
                                        lot_id, hop))
            path = paths.setdefault((maker.entity_id, broker.entity_id, importer.entity_id), [t0, t1, 0])
            path[0], path[1], path[2] = min(path[0], t0), max(path[1], t1), path[2] + 1
        planted.networks.append({
            "id": nid, "description": spec["description"], "chemical": spec["chemical"],
            "cas": chemicals[spec["chemical"]]["cas"], "maker": maker.entity_id,
            "intermediaries": [b.entity_id for b in brokers], "importer": importer.entity_id, "onward": [],
            "chains": [{"entities": list(path), "first_date": iso(t[0]), "last_date": iso(t[1]), "lots": t[2],
                        "layouts": ["B", "A"]} for path, t in sorted(paths.items())],
            "swap": None, "transshipment_country": None, "decoys": [],
        })
        if spec["shells"]:
            planted.shell_clusters.append({
                "id": f"S-{nid}", "network": nid, "entities": [b.entity_id for b in brokers], "shared": "address",
                "value": brokers[0].address.canonical, "buyer": importer.entity_id, "product": spec["chemical"],
                "spellings": []})
    return planted
