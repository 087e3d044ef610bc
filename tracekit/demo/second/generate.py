"""``tracekit demo --world second``: the held-out second world and its ground truth.

Writes ``reseller-bills.csv`` (layout A), ``cn-export-declarations.csv`` (layout B, UTF-8 with BOM),
``truth.json`` (same shape as the demo world's, plus ``layouts``) and ``truth-mentions.parquet`` (one
row per party mention: file, record_id, line, role, name, entity_id). Same seed and rows, same bytes.
This world exists to be *reported on*: tune nothing on it (see docs/benchmarks.md for the seeds).
"""

from __future__ import annotations

import csv
import random
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from tracekit.demo.generate import DemoSummary
from tracekit.demo.sanctions import SANCTIONS_FILE, write_sanctions
from tracekit.demo.second.firms import Firm, FirmFactory
from tracekit.demo.second.layouts import DECLARING_COUNTRY, FILE_NAMES, LAYOUT_A, LAYOUT_B
from tracekit.demo.second.lexicon import (
    COUNTRY_NAMES,
    MX_PORTS_UNLADING,
    PORTS,
    TRADE_MODES,
    US_PORTS_UNLADING,
)
from tracekit.demo.second.plant import plant_networks
from tracekit.demo.second.spelling import HOUSE_STYLE_SHARE, address_spelling, name_spelling
from tracekit.demo.second.world import IMPORTING, build_firms
from tracekit.demo.sinks import MENTION_SCHEMA, Staging
from tracekit.demo.truth import TRUTH_FORMAT, write_truth
from tracekit.errors import TracekitError

__all__ = ["generate_second", "START_DATE", "DAYS", "MIN_ROWS"]

START_DATE = np.datetime64("2022-01-01")
DAYS = 3 * 365
MIN_ROWS = 1_000
_PRODUCT_INDUSTRY = {"chemical": "chemical", "plastics": "plastics", "textile": "textile", "pharma": "pharma",
                     "machinery": "machinery", "electronics": "electronics", "metal": "metal",
                     "packaging": "plastics"}
# How often a firm's Han name / a Chinese-script address is written, by layout.
_HAN_NAME = {"A": 0.08, "B": 0.35}
_HAN_ADDRESS = {"A": 0.05, "B": 0.3}
_UPPER = {"A": 0.5, "B": 0.8}


class SecondWorldSummary(DemoSummary):
    """:class:`~tracekit.demo.generate.DemoSummary` of a second world (same fields)."""

    def __str__(self) -> str:
        return super().__str__().replace("demo trade world", "second world (held out: do not tune on it)", 1)

    def _repr_html_(self) -> str:
        return super()._repr_html_().replace("demo trade world", "second world (held out)", 1)


def _iso(day: int) -> str:
    return str(START_DATE + np.timedelta64(int(day), "D"))


class _Writer:
    """Spells mentions (house style or fresh) and keeps the mention truth."""

    def __init__(self, seed: int, rng: random.Random):
        self.seed, self.rng = seed, rng
        self.house: dict[tuple[int, str], tuple[str, str]] = {}
        self.spellings: dict[int, set[str]] = {}

    def _compose(self, rng: random.Random, firm: Firm, layout: str) -> tuple[str, str]:
        han_name = firm.han is not None and rng.random() < _HAN_NAME[layout]
        name = firm.han if han_name else name_spelling(rng, firm, upper=_UPPER[layout])
        han_share = 0.7 if han_name else _HAN_ADDRESS[layout]
        return name, address_spelling(rng, firm.address, han_share=han_share)

    def mention(self, firm: Firm, layout: str) -> tuple[str, str]:
        if self.rng.random() < HOUSE_STYLE_SHARE:
            key = (firm.index, layout)
            if key not in self.house:
                self.house[key] = self._compose(random.Random(f"{self.seed}:{firm.index}:{layout}"), firm, layout)
            name, address = self.house[key]
        else:
            name, address = self._compose(self.rng, firm, layout)
        self.spellings.setdefault(firm.index, set()).add(address)
        return name, address


def _relationships(firms: list[Firm], rng: np.random.Generator) -> list[tuple[Firm, Firm, str, float]]:
    """Ordinary buyer–supplier pairs (shipper, consignee, layout, volume weight)."""
    exporters = [f for f in firms if not f.importer and f.role == "ordinary"]
    buyers = [f for f in firms if f.importer and f.role == "ordinary"]
    by_industry: dict[str, list[Firm]] = {}
    for f in exporters:
        by_industry.setdefault(f.industry, []).append(f)
    popularity = {f.index: float(rng.pareto(1.4)) + 1.0 for f in exporters}
    out = []
    for buyer in buyers:
        activity = float(rng.pareto(1.3)) + 1.0
        n = 1 + min(int(rng.poisson(activity * 1.5)), 40)
        pool = by_industry.get(buyer.industry, []) + by_industry.get("trading", [])
        pool = [f for f in pool if f.country != buyer.country]
        if not pool:
            continue
        weights = np.array([popularity[f.index] for f in pool])
        for k in rng.choice(len(pool), size=min(n, len(pool)), replace=False, p=weights / weights.sum()):
            shipper = pool[int(k)]
            if buyer.country in IMPORTING:
                layout = "B" if shipper.country == "CN" and rng.random() < 0.5 else "A"
            elif shipper.country == "CN":
                layout = "B"
            else:
                continue
            out.append((shipper, buyer, layout, activity * float(rng.lognormal(0, 0.7))))
    # every look-alike and every firm at the business centre trades, so the traps are in the data
    seen = {s.index for s, _, _, _ in out} | {b.index for _, b, _, _ in out}
    for firm in firms:
        if firm.index in seen or firm.role != "ordinary":
            continue
        if firm.importer and firm.country in IMPORTING:
            shipper = exporters[int(rng.integers(len(exporters)))]
            if shipper.country != firm.country:
                out.append((shipper, firm, "B" if shipper.country == "CN" else "A", 1.0))
        elif not firm.importer:
            targets = [b for b in buyers if b.country in IMPORTING and b.country != firm.country] \
                if firm.country != "CN" else [b for b in buyers if b.country != "CN"]
            buyer = targets[int(rng.integers(len(targets)))]
            out.append((firm, buyer, "B" if firm.country == "CN" else "A", 1.0))
        elif firm.country != "CN":
            shipper = next(f for f in exporters if f.country == "CN")
            out.append((shipper, firm, "B", 1.0))
    return out


def _money(value: float) -> str:
    return f"{value:,.2f}"


def _hs_a(hs: str, roll: float) -> str:
    return hs[:6] if roll < 0.4 else f"{hs[:4]}.{hs[4:6]}" if roll < 0.8 else f"{hs[:4]}.{hs[4:6]}.{hs[6:10]}"


def _row_a(w: _Writer, rng: random.Random, serial: int, shipper: Firm, consignee: Firm, notify: Firm | None, day: int,
           desc: str, hs: str, kg: float, usd: float) -> tuple[list[str], dict[str, tuple[str, Firm]]]:
    s_name, s_addr = w.mention(shipper, "A")
    c_name, c_addr = w.mention(consignee, "A")
    n_name, n_addr = w.mention(notify, "A") if notify else ("", "")
    date = (START_DATE + np.timedelta64(day, "D")).astype(object)
    unlading = rng.choice(US_PORTS_UNLADING if consignee.country == "US" else MX_PORTS_UNLADING)
    record_id = f"{rng.choice(('MAEU', 'COSU', 'EGLV', 'ONEY', 'HLCU'))}{serial * 7919 % 10**9 + 10**9:010d}"
    origin = COUNTRY_NAMES[shipper.country]["en"] if rng.random() < 0.95 else ""
    row = [record_id, f"{date.month:02d}/{date.day:02d}/{date.year}", s_name, s_addr, c_name, c_addr, n_name,
           n_addr, desc, _hs_a(hs, rng.random()), f"{kg:,.1f}" if rng.random() < 0.5 else f"{kg:.0f}", _money(usd),
           rng.choice(PORTS[shipper.country]), unlading, origin, COUNTRY_NAMES[consignee.country]["en"]]
    parties = {"shipper": (s_name, shipper), "consignee": (c_name, consignee)}
    if notify:
        parties["notify"] = (n_name, notify)
    return row, parties


def _row_b(w: _Writer, rng: random.Random, serial: int, shipper: Firm, consignee: Firm, day: int, desc: str, hs: str,
           kg: float, usd: float) -> tuple[list[str], dict[str, tuple[str, Firm]]]:
    s_name, s_addr = w.mention(shipper, "B")
    c_name, c_addr = w.mention(consignee, "B")
    iso = _iso(day)
    date = iso if rng.random() < 0.7 else iso.replace("-", "/")
    year = iso[:4]
    record_id = f"{rng.choice(('2201', '2223', '5316', '4218'))}{year}{(serial * 104729) % 10**10:010d}"
    unit = rng.choice(("KG", "KG", "DRUM", "BAG", "CTN"))
    qty = f"{kg:.0f}" if unit == "KG" else str(max(1, int(kg // 25)))
    row = [record_id, date, s_name, s_addr, c_name, c_addr, hs, desc, qty, unit, f"{kg:.1f}", _money(usd),
           rng.choice(PORTS["CN"]), COUNTRY_NAMES[consignee.country]["en"], rng.choice(TRADE_MODES)]
    return row, {"shipper": (s_name, shipper), "consignee": (c_name, consignee)}


def generate_second(out_dir: str | Path, rows: int = 20_000, seed: int = 7, *, progress: bool = True) -> SecondWorldSummary:
    """Write the second world (two layouts, one workspace's worth) and its truth into ``out_dir``.

    Examples
    --------
    >>> import tempfile
    >>> s = generate_second(tempfile.mkdtemp(), rows=1_000, seed=1, progress=False)
    >>> sorted(s.rows_per_file), s.networks, s.shell_clusters
    (['cn-export-declarations.csv', 'reseller-bills.csv'], 4, 3)
    """
    if not isinstance(rows, int | np.integer) or rows < MIN_ROWS:
        raise TracekitError(f"demo --rows must be a whole number of at least {MIN_ROWS:,} (got {rows!r})")
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise TracekitError(f"demo --seed must be a non-negative whole number (got {seed!r})")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise TracekitError(f"demo --out {out} exists and is not a folder")
    started = time.perf_counter()
    rng = random.Random(seed)
    nrng = np.random.default_rng([seed, 2])
    factory = FirmFactory(rng)
    traps: list[dict] = []
    build_firms(factory, max(400, rows // 10), traps)
    planted = plant_networks(factory, rows, DAYS, traps, _iso)
    firms = factory.firms
    relationships = _relationships(firms, nrng)
    staging = Staging(out)
    try:
        summary = _write(staging, seed, rows, rng, nrng, firms, relationships, planted, traps, progress)
        staging.commit()
    except BaseException:
        staging.abandon()
        raise
    summary.files = {p.name: p.stat().st_size for p in sorted(out.iterdir()) if p.is_file()
                     and p.name in (*FILE_NAMES.values(), "truth.json", "truth-mentions.parquet", SANCTIONS_FILE)}
    summary.seconds = time.perf_counter() - started
    return summary


def _write(staging, seed, rows, rng, nrng, firms, relationships, planted, traps, progress) -> SecondWorldSummary:
    from tqdm.auto import tqdm

    products = _products()
    forwarders = {c: [f for f in firms if f.role == "forwarder" and f.country == c] for c in IMPORTING}
    n_background = rows - len(planted.legs)
    if n_background < rows // 2:
        raise TracekitError(f"demo --rows {rows} is too small for the planted networks")
    # every firm of a look-alike pair trades at least twice, so each trap is in the data
    must = {int(e[1:]) for trap in traps for e in trap["entities"]}
    forced: list[int] = []
    for k, (shipper, consignee, _, _) in enumerate(relationships):
        for firm in (shipper, consignee):
            if firm.index in must:
                must.discard(firm.index)
                forced += [k, k]
    weights = np.array([r[3] for r in relationships])
    picks = np.concatenate([np.array(forced, dtype=np.int64),
                            nrng.choice(len(relationships), size=n_background - len(forced), p=weights / weights.sum())])
    # each relationship trades within its own window of the three years
    starts = {i: int(nrng.integers(0, DAYS - 60)) for i in np.unique(picks)}
    items: list[tuple] = []
    for k in picks:
        shipper, consignee, layout, _ = relationships[int(k)]
        start = starts[int(k)]
        day = int(start + nrng.integers(0, DAYS - start))
        product = products[_PRODUCT_INDUSTRY.get(consignee.industry if consignee.industry in _PRODUCT_INDUSTRY
                                                 else shipper.industry, "chemical")]
        items.append((layout, shipper, consignee, day, product, None))
    items += [(leg.layout, leg.shipper, leg.consignee, leg.day, None, leg) for leg in planted.legs]
    order = nrng.permutation(len(items))
    writer = _Writer(seed, rng)
    tables = {layout: [] for layout in FILE_NAMES}
    mentions = {k: [] for k in ("file", "record_id", "line", "role", "name", "entity_id")}
    flagged = []
    serial = 0
    for position in tqdm(order, desc="second world", unit="rows", disable=not progress, leave=False):
        layout, shipper, consignee, day, product, leg = items[int(position)]
        serial += 1
        if leg is None:
            hs, desc, (lo, hi), per_kg = product[int(nrng.integers(len(product)))]
            kg = float(np.round(nrng.uniform(lo, hi), 1))
        else:
            hs, desc, per_kg, kg = leg.hs, leg.description, float(nrng.uniform(20, 90)), float(
                np.round(nrng.uniform(25, 600), 1))
        usd = kg * per_kg * float(nrng.uniform(0.8, 1.25))
        if layout == "A":
            roll = rng.random()
            local = forwarders[consignee.country]
            notify = consignee if roll < 0.35 else rng.choice(local) if roll < 0.65 and local else None
            row, parties = _row_a(writer, rng, serial, shipper, consignee, notify, day, desc, hs, kg, usd)
        else:
            row, parties = _row_b(writer, rng, serial, shipper, consignee, day, desc, hs, kg, usd)
        table = tables[layout]
        table.append(row)
        line = len(table) + 1
        for role, (name, firm) in parties.items():
            for key, value in (("file", FILE_NAMES[layout]), ("record_id", row[0]), ("line", line), ("role", role),
                               ("name", name), ("entity_id", firm.entity_id)):
                mentions[key].append(value)
        if leg is not None:
            flagged.append({"file": FILE_NAMES[layout], "record_id": row[0], "line": line, "network": leg.network,
                            "lot": leg.lot, "hop": leg.hop, "from": leg.shipper.entity_id,
                            "to": leg.consignee.entity_id, "date": _iso(day), "why": leg.why})
    for layout, header in (("A", LAYOUT_A), ("B", LAYOUT_B)):
        # layout B is an Excel export: UTF-8 with a byte-order mark
        with open(staging.file(FILE_NAMES[layout]), "w", newline="", encoding="utf-8-sig" if layout == "B" else "utf-8") as handle:
            out = csv.writer(handle)
            out.writerow(header)
            out.writerows(tables[layout])
    pq.write_table(pa.table(mentions, schema=MENTION_SCHEMA), staging.file("truth-mentions.parquet"),
                   compression="zstd")
    for cluster in planted.shell_clusters:
        members = [int(e[1:]) for e in cluster["entities"]]
        cluster["spellings"] = sorted(set().union(*(writer.spellings.get(m, set()) for m in members)))
    rows_per_file = {FILE_NAMES[k]: len(v) for k, v in tables.items()}
    truth = _truth(seed, rows, rows_per_file, firms, planted, traps, sorted(flagged, key=lambda f: (f["file"],
                                                                                                  f["line"])))
    truth["sanctions"] = _sanctions(truth, staging, seed)
    write_truth(truth, staging.file("truth.json"))
    return SecondWorldSummary(out_dir=staging.out_dir, seed=seed, rows=rows, rows_per_file=rows_per_file,
                       entities=len(firms), networks=len(planted.networks),
                       shell_clusters=len(planted.shell_clusters), flagged_shipments=len(flagged), bad_rows=0,
                       mentions=len(mentions["file"]))


def _products() -> dict[str, list[tuple[str, str, tuple[float, float], float]]]:
    text = (Path(__file__).resolve().parent.parent / "data" / "products.csv").read_text("utf-8")
    out: dict[str, list] = {}
    for row in csv.DictReader(text.splitlines()):
        for desc in row["desc_en"].split("|"):
            out.setdefault(row["industry"], []).append(
                (row["hs10"], desc, (float(row["kg_lo"]), float(row["kg_hi"])), float(row["usd_per_kg"])))
    return out


def _truth(seed, rows, rows_per_file, firms, planted, traps, flagged) -> dict:
    from tracekit import __version__

    entities = [{"id": f.entity_id, "name": f.name, "name_han": f.han, "country": f.country, "role": f.role,
                 "network": f.network, "industry": f.industry, "tax_id": None, "address": f.address.canonical,
                 "city": f.address.city, "phone": None} for f in firms]
    return {
        "format": TRUTH_FORMAT,
        "generator": f"tracekit {__version__} (second world)",
        "world": "second",
        "seed": seed,
        "rows_requested": rows,
        "rows": rows_per_file,
        "date_range": [_iso(0), _iso(DAYS - 1)],
        "layouts": {FILE_NAMES["A"]: {"layout": "A", "kind": "US reseller export of bills of lading",
                                      "declaring_country": None, "declaration": None,
                                      "date_format": "MM/DD/YYYY"},
                    FILE_NAMES["B"]: {"layout": "B", "kind": "Chinese export declaration (English)",
                                      "declaring_country": DECLARING_COUNTRY["B"], "declaration": "export",
                                      "date_format": "YYYY-MM-DD or YYYY/MM/DD"}},
        "roles": ["maker", "broker", "shell", "importer", "ordinary", "forwarder"],
        "notes": [
            "Every party mention is in truth-mentions.parquet (file, record_id, line, role, name, entity_id).",
            "Chains: maker -> broker in the Chinese export declarations (B), broker -> importer in the reseller "
            "bills (A), 12-40 days later.",
            "Line numbers count the header as line 1 (the BOM of file B does not add a line).",
            "No party country column in either file: countries come from addresses, routes and the declaring "
            "country of file B.",
        ],
        "entities": entities,
        "networks": planted.networks,
        "shell_clusters": planted.shell_clusters,
        "traps": traps,
        "flagged_shipments": flagged,
        "bad_rows": [],
    }


def _sanctions(truth: dict, staging: Staging, seed: int) -> dict:
    """List the importer of the network with one broker (no shells): that broker ships to it directly."""
    entities = {e["id"]: e for e in truth["entities"]}
    network = min(truth["networks"], key=lambda n: (len(n["intermediaries"]), n["id"]))
    return write_sanctions(staging.file(SANCTIONS_FILE), seed=seed, listed=entities[network["importer"]],
                           brokers=[entities[b] for b in network["intermediaries"]],
                           world_names=[e["name"] for e in truth["entities"]], network=network["id"])
