"""The second world's firms: ordinary traders, forwarders, look-alike traps, and a business centre.

Look-alikes are planted as *pairs of different firms* that a resolver must keep apart (they go into
``truth.json`` under ``traps``):

``permuted_words``        ``Jade Timber Chemical JSC`` (VN) / ``Timber Jade Chemical Inc.`` (US), or two
                          Hong Kong traders ``Quartz Harbor Textiles`` / ``Harbor Quartz Textiles``
``substituted_word``      ``Timber Quartz Chemical Inc.`` (Newark) / ``Ember Quartz Chemical S.A. de C.V.``
                          (Monterrey): one word swapped for another a letter or two away
``same_name_other_city``  one name, one country, two cities, no shared identifier
``cross_jurisdiction``    ``Cobalt Birch Plastics Co., Ltd.`` (CN) / ``Cobalt Birch Plastics Pvt. Ltd.`` (IN)
"""

from __future__ import annotations

import random

from tracekit.demo.second.firms import Firm, FirmFactory
from tracekit.demo.second.lexicon import (
    BACKGROUND_EXPORTERS,
    BACKGROUND_IMPORTERS,
    LEGAL_FORMS,
    NEAR_WORDS,
    PLACES,
)

__all__ = ["build_firms", "plant_lookalike", "IMPORTING", "TRAP_KINDS"]

IMPORTING = ("US", "MX")
"""Countries whose imports the US reseller layout covers."""
TRAP_KINDS = ("permuted_words", "substituted_word", "same_name_other_city", "cross_jurisdiction")
_INDUSTRY_WEIGHTS = {"chemical": 20, "plastics": 12, "textile": 14, "pharma": 8, "trading": 8, "machinery": 12,
                     "electronics": 14, "metal": 8, "packaging": 6}
_CROSS = {"CN": "IN", "IN": "CN", "US": "MX", "MX": "US", "DE": "TR", "TR": "DE", "HK": "IN", "VN": "US",
          "KR": "IN"}


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _other_place(rng: random.Random, country: str, city: str) -> dict:
    return rng.choice([p for p in PLACES[country] if p["city"] != city])


def plant_lookalike(factory: FirmFactory, base: Firm, kind: str, traps: list[dict]) -> Firm | None:
    """A different firm that looks like ``base`` in the way ``kind`` says; recorded in ``traps``."""
    rng = factory.rng
    if kind == "permuted_words":
        if len(base.words) < 2:
            return None
        words = tuple(reversed(base.words))
        country = base.country if rng.random() < 0.4 and len(PLACES[base.country]) > 1 or base.country == "HK" \
            else rng.choice([c for c in ("US", "MX", "VN", "IN", "HK") if c != base.country])
        place = _other_place(rng, country, base.address.city) if country == base.country and country != "HK" else None
        twin = factory.make(country, base.industry, words=words, place=place,
                            legal=base.legal if country == base.country else None)
    elif kind == "substituted_word":
        options = [i for i, w in enumerate(base.words) if w in NEAR_WORDS]
        if not options:
            return None
        i = rng.choice(options)
        words = (*base.words[:i], NEAR_WORDS[base.words[i]], *base.words[i + 1:])
        country = _CROSS.get(base.country, "US") if rng.random() < 0.7 else base.country
        place = _other_place(rng, country, base.address.city) if country == base.country and country != "HK" else None
        twin = factory.make(country, base.industry, words=words, place=place)
    elif kind == "same_name_other_city":
        if base.country not in ("US", "MX", "IN", "CN") or base.city_prefix:
            return None
        twin = factory.make(base.country, base.industry, words=base.words, legal=base.legal,
                            place=_other_place(rng, base.country, base.address.city), city_prefix=False, han=False)
    elif kind == "cross_jurisdiction":
        country = _CROSS.get(base.country)
        if not country:
            return None
        legal = next(f for f in LEGAL_FORMS[country] if f != base.legal)
        twin = factory.make(country, base.industry, words=base.words, legal=legal, city_prefix=False)
    else:
        raise ValueError(kind)
    twin.importer = twin.country in IMPORTING
    twin.extra["trap_of"] = base.entity_id
    traps.append({"kind": kind, "entities": [base.entity_id, twin.entity_id],
                  "names": [base.name, twin.name], "countries": [base.country, twin.country],
                  "cities": [base.address.city, twin.address.city],
                  "note": f"{base.name!r} ({base.address.city}, {base.country}) and {twin.name!r} "
                          f"({twin.address.city}, {twin.country}) are different firms"})
    return twin


def build_firms(factory: FirmFactory, n_firms: int, traps: list[dict]) -> None:
    """Ordinary exporters and importers, local forwarders, look-alike pairs and a business centre."""
    rng = factory.rng
    n_forwarders = max(12, n_firms // 30)
    n_exporters = int((n_firms - n_forwarders) * 0.55)
    for _ in range(n_exporters):
        factory.make(_pick(rng, BACKGROUND_EXPORTERS), _pick(rng, _INDUSTRY_WEIGHTS))
    for _ in range(n_firms - n_forwarders - n_exporters):
        firm = factory.make(_pick(rng, BACKGROUND_IMPORTERS), _pick(rng, _INDUSTRY_WEIGHTS))
        firm.importer = True
    for _ in range(n_forwarders):
        firm = factory.make(rng.choice(IMPORTING), "logistics", role="forwarder")
        firm.importer = True
    ordinary = [f for f in factory.firms if f.role == "ordinary"]
    per_kind = max(4, n_firms // 120)
    for kind in TRAP_KINDS:
        made, tries = 0, 0
        while made < per_kind and tries < per_kind * 20:
            tries += 1
            base = rng.choice(ordinary)
            if base.extra.get("trap_of") or base.extra.get("has_twin"):
                continue
            twin = plant_lookalike(factory, base, kind, traps)
            if twin is not None:
                base.extra["has_twin"] = True
                made += 1
    # a Hong Kong business centre: long-lived, legitimate traders at one address (not a shell cluster)
    centre = factory.address("HK")
    members = [factory.make("HK", rng.choice(("trading", "electronics", "textile")), address=centre)
               for _ in range(6)]
    traps.append({"kind": "legitimate_shared_address", "entities": [f.entity_id for f in members],
                  "names": [f.name for f in members], "address": centre.canonical,
                  "note": "a business-centre address shared by long-lived traders with many buyers"})
