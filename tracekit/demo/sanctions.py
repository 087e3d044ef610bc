"""A small FICTIONAL sanctions list for a generated world, as FollowTheMoney JSON lines.

Each world lists one planted importer under a perturbed spelling (a legal-form variant as the
primary name, a one-letter typo as an alias, its country), plus a handful of decoy listed entities
that trade with nobody. Every listed party has a ``Sanction`` record beside it, as OpenSanctions
exports do. The list is built with the ``followthemoney`` model, so it loads through
:func:`tracekit.ingest.screen_lists.read_ftm_jsonl` like a real export.

Draws from its own random stream (seeded by the world's seed), so adding it changes no other byte
of the generators' output.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from rapidfuzz import fuzz

__all__ = ["SANCTIONS_FILE", "write_sanctions", "legal_form_variant", "typo"]

SANCTIONS_FILE = "sanctions.ftm.jsonl"
_DATASET = "tracekit-demo-fictional-list"
_PROGRAM = "FICTIONAL-NARCO (tracekit demo; not a real list)"
# (legal form as generators write it, as a list writes it instead); first match wins.
_LEGAL_VARIANTS = [
    (r"S\. de R\.L\. de C\.V\.$", "S DE RL DE CV"), (r"S\.A\. de C\.V\.$", "SOCIEDAD ANONIMA DE CAPITAL VARIABLE"),
    (r"SA DE CV$", "S.A. DE C.V."), (r"Cía\. Ltda\.$", "COMPANIA LIMITADA"), (r"Co\., Ltd\.$", "COMPANY LIMITED"),
    (r"Private Limited$", "PVT LTD"), (r"Limited$", "LTD"), (r"Ltd\.?$", "LIMITED"), (r"Inc\.?$", "INCORPORATED"),
    (r"LLC$", "L.L.C."), (r"Corp\.?$", "CORPORATION"), (r"S\.A\.$", "SOCIEDAD ANONIMA"), (r"GmbH$", "G.M.B.H."),
]
# Decoys: fictional parties from places and trades the worlds never use.
_DECOY_WORDS = ["Varkhost", "Belomar", "Tyszkow", "Oranvek", "Kestrovo", "Zalvany", "Dumbrek", "Ilvaro",
                "Sarkamys", "Jorvend", "Quelbrin", "Hatvaro"]
_DECOY_TRADES = ["Maritime Services", "Aviation Leasing", "Petroleum Logistics", "Mining Holdings", "Shipping"]
_DECOY_FORMS = {"RU": "OOO", "IR": "PJSC", "AE": "FZE", "VE": "C.A.", "BY": "JSC"}
_DECOY_PEOPLE = ["Aurel Vantiskov", "Dario Quelmont", "Ilse Brannvik"]


def legal_form_variant(name: str) -> str:
    """``name`` with its legal form written another way (upper case, as lists often are)."""
    for pattern, replacement in _LEGAL_VARIANTS:
        if re.search(pattern, name):
            return re.sub(pattern, replacement, name).upper()
    return name.upper()


def typo(rng: random.Random, name: str) -> str:
    """One realistic typo in the longest word: a consonant doubled or two letters swapped."""
    words = name.split(" ")
    k = max(range(len(words)), key=lambda i: (len(words[i]), -i))
    word = words[k]
    inner = [i for i in range(1, len(word) - 1) if word[i].isalpha() and word[i].lower() not in "aeiou"]
    if not inner:
        return name + "."
    i = rng.choice(inner)
    if rng.random() < 0.5 and word[i + 1] != word[i]:
        word = word[:i] + word[i + 1] + word[i] + word[i + 2:]  # two letters swapped
    else:
        word = word[:i] + word[i] + word[i:]  # a consonant doubled
    words[k] = word
    return " ".join(words)


def _looks_like_any(name: str, world_words: set[str]) -> bool:
    """Whether a decoy's distinctive words resemble any word of a company name in the world.

    A decoy trades with nobody, so nothing may match it; its trade words and legal form are generic.
    """
    generic = {w.lower() for t in _DECOY_TRADES for w in t.split()} | {f.lower() for f in _DECOY_FORMS.values()}
    mine = [w for w in name.lower().split() if w not in generic]
    return any(fuzz.ratio(w, other) >= 70 for w in mine for other in world_words)


def _entity(schema: str, key: tuple, **properties: list[str]):
    from followthemoney import model

    proxy = model.make_entity(schema)
    proxy.make_id(_DATASET, *map(str, key))
    for prop, values in properties.items():
        for value in values:
            proxy.add(prop, value)
    return proxy


def write_sanctions(path: Path, *, seed: int, listed: dict, brokers: list[dict], world_names: list[str],
                    network: str) -> dict:
    """Write the list to ``path``; return the truth entry (which entity is listed, its brokers, decoys).

    ``listed`` and each of ``brokers`` carry ``id``, ``name``, ``country`` (ISO alpha-2) and optionally
    ``address``; ``world_names`` are every company name of the world (decoys must resemble none).
    """
    rng = random.Random(f"{seed}:sanctions")
    primary = legal_form_variant(listed["name"])
    alias = typo(rng, listed["name"])
    lines: list[str] = []
    listed_proxy = _entity("Company", (seed, "listed", listed["id"]), name=[primary], alias=[alias],
                           country=[listed["country"].lower()], address=[listed.get("address") or ""],
                           topics=["sanction"], program=[_PROGRAM])
    entries = [{"entity_id": listed["id"], "entry_id": listed_proxy.id, "names": [primary, alias],
                "country": listed["country"], "planted": True, "network": network}]
    proxies = [listed_proxy]
    world_words = {w for n in world_names for w in n.lower().replace(",", " ").split() if len(w) > 3}
    words = [w for w in _DECOY_WORDS if not _looks_like_any(w, world_words)]
    rng.shuffle(words)
    countries = sorted(_DECOY_FORMS)
    for k, word in enumerate(words[:4]):
        country = countries[(k + seed) % len(countries)]
        name = f"{word} {rng.choice(_DECOY_TRADES)} {_DECOY_FORMS[country]}"
        proxy = _entity("Company", (seed, "decoy", k), name=[name], alias=[typo(rng, name)],
                        country=[country.lower()], topics=["sanction"], program=[_PROGRAM])
        proxies.append(proxy)
        entries.append({"entity_id": None, "entry_id": proxy.id, "names": proxy.get("name") + proxy.get("alias"),
                        "country": country, "planted": False, "network": None})
    person = rng.choice([p for p in _DECOY_PEOPLE if not _looks_like_any(p, world_words)] or _DECOY_PEOPLE[:1])
    proxy = _entity("Person", (seed, "decoy-person"), name=[person], country=["ve"], topics=["sanction"])
    proxies.append(proxy)
    entries.append({"entity_id": None, "entry_id": proxy.id, "names": [person], "country": "VE", "planted": False,
                    "network": None})
    for proxy in proxies:
        lines.append(json.dumps(proxy.to_dict(), ensure_ascii=False, sort_keys=True))
        sanction = _entity("Sanction", (proxy.id, "sanction"), entity=[proxy.id], program=[_PROGRAM],
                           authority=["tracekit demo (fictional list)"],
                           reason=["Fictional listing generated for the tracekit demo world."])
        lines.append(json.dumps(sanction.to_dict(), ensure_ascii=False, sort_keys=True))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"file": path.name, "program": _PROGRAM, "listed": listed["id"], "listed_entry": listed_proxy.id,
            "brokers": [b["id"] for b in brokers], "entries": entries,
            "note": "Fictional list: the planted importer is listed under a legal-form variant and a typo of its "
                    "name; the brokers ship to it directly (one hop). Decoys trade with nobody."}
