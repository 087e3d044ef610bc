"""``tracekit.demo.generate``: write the demo trade world and its ground truth into a folder."""

from __future__ import annotations

import html
import random
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tracekit.demo.names import CompanyFactory
from tracekit.demo.networks import plant_networks
from tracekit.demo.render import BAD_KINDS, FILE_NAMES, Tables, render_file
from tracekit.demo.sanctions import SANCTIONS_FILE, write_sanctions
from tracekit.demo.sinks import CsvSink, Staging
from tracekit.demo.trade import CHUNK_COLUMNS, DAYS, START_DATE, build_relationships, sample_ordinary
from tracekit.demo.truth import build_truth, write_truth
from tracekit.demo.world import World, build_universe
from tracekit.errors import TracekitError

__all__ = ["generate", "DemoSummary", "CHUNK_ROWS", "MIN_ROWS"]

CHUNK_ROWS = 250_000
"""Rows generated per step; fixed, so the output depends on the seed and row count only."""
MIN_ROWS = 1_000
BAD_ROW_SHARE = 0.0005
_ENCODINGS = {0: ("utf-8", False), 1: ("latin-1", False), 2: ("utf-8", True)}


@dataclass
class DemoSummary:
    """What :func:`generate` wrote: files, rows per file, the planted truth in numbers, and time taken."""

    out_dir: Path
    seed: int
    rows: int
    rows_per_file: dict[str, int]
    files: dict[str, int] = field(default_factory=dict)
    entities: int = 0
    networks: int = 0
    shell_clusters: int = 0
    flagged_shipments: int = 0
    bad_rows: int = 0
    mentions: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {"out_dir": str(self.out_dir), "seed": self.seed, "rows": self.rows,
                "rows_per_file": self.rows_per_file, "files": self.files, "entities": self.entities,
                "networks": self.networks, "shell_clusters": self.shell_clusters,
                "flagged_shipments": self.flagged_shipments, "bad_rows": self.bad_rows,
                "mentions": self.mentions, "seconds": round(self.seconds, 2)}

    def _facts(self) -> list[tuple[str, str]]:
        return [("rows", f"{self.rows:,} in {self.seconds:.1f} s ({self.rows / max(self.seconds, 1e-9):,.0f}/s)"),
                *((name, f"{n:,} rows, {self.files.get(name, 0) / 1e6:,.1f} MB")
                  for name, n in self.rows_per_file.items()),
                ("entities", f"{self.entities:,} companies, {self.mentions:,} party mentions"),
                ("planted", f"{self.networks} networks, {self.shell_clusters} shell clusters, "
                            f"{self.flagged_shipments:,} flagged shipments"),
                ("bad rows", f"{self.bad_rows:,} (see truth.json 'bad_rows')")]

    def __str__(self) -> str:
        lines = [f"demo trade world (seed {self.seed}) in {self.out_dir}"]
        lines += [f"  {k:<20} {v}" for k, v in self._facts()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                       for k, v in self._facts())
        return (f"<div><b>demo trade world</b> (seed {self.seed}) in <code>{html.escape(str(self.out_dir))}"
                f"</code><table>{rows}</table></div>")


def _chunk_sizes(rows: int) -> list[int]:
    sizes = [CHUNK_ROWS] * (rows // CHUNK_ROWS)
    return sizes + [rows % CHUNK_ROWS] if rows % CHUNK_ROWS else sizes


def _bad_plan(rows: int, n_chunks: int) -> list[list[int]]:
    """Bad-row kind codes per chunk: every kind once in chunk 0, then the rest spread evenly (one ragged)."""
    total = max(len(BAD_KINDS), round(rows * BAD_ROW_SHARE))
    kinds = list(range(1, len(BAD_KINDS) + 1)) + [1 + k % (len(BAD_KINDS) - 1) for k in range(total - len(BAD_KINDS))]
    plan: list[list[int]] = [[] for _ in range(n_chunks)]
    for j, kind in enumerate(kinds):
        plan[min(n_chunks - 1, j * n_chunks // total) if j >= len(BAD_KINDS) else 0].append(kind)
    return plan


def _progress(total: int, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="rows", unit_scale=True, desc="demo", disable=not enabled, leave=False)


def generate(out_dir: str | Path, rows: int = 100_000, seed: int = 7, *, progress: bool = True) -> DemoSummary:
    """Write a deterministic fictional trade dataset and its ground truth into ``out_dir``.

    Parameters
    ----------
    out_dir : str or Path
        Folder to write into (created if missing); existing demo files there are replaced.
    rows : int
        Total data rows over the three shipment files (at least 1,000).
    seed : int
        Same seed and rows, same bytes.
    progress : bool
        Show a progress bar.

    Returns
    -------
    DemoSummary

    Examples
    --------
    >>> import tempfile
    >>> summary = generate(tempfile.mkdtemp(), rows=2_000, seed=1, progress=False)
    >>> sum(summary.rows_per_file.values()), summary.networks
    (2000, 5)
    """
    if not isinstance(rows, int | np.integer) or rows < MIN_ROWS:
        raise TracekitError(f"demo --rows must be a whole number of at least {MIN_ROWS:,} (got {rows!r})")
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise TracekitError(f"demo --seed must be a non-negative whole number (got {seed!r})")
    started = time.perf_counter()
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise TracekitError(f"demo --out {out} exists and is not a folder")
    py_rng = random.Random(seed)
    world = World(seed=seed)
    factory = CompanyFactory(py_rng)
    build_universe(world, factory, max(2_000, rows // 40))
    planted = plant_networks(world, factory, rows, py_rng)
    world.freeze(py_rng)
    relationships = build_relationships(world, np.random.default_rng([seed, 1]))
    tables = Tables(world)
    sizes = _chunk_sizes(rows)
    n_planted = len(planted.rows["tag"])
    if n_planted > rows // 4:
        raise TracekitError(f"demo --rows {rows} is too small for the planted networks")
    chunk_of_planted = np.random.default_rng([seed, 2]).integers(0, len(sizes), n_planted)
    bad_plan = _bad_plan(rows, len(sizes))
    staging = Staging(out)
    try:
        summary = _write(world, planted, relationships, tables, sizes, chunk_of_planted, bad_plan, staging,
                         seed, rows, progress)
        staging.commit()
    except BaseException:
        staging.abandon()
        raise
    summary.files = {p.name: p.stat().st_size for p in sorted(out.iterdir()) if p.is_file()
                     and (p.name.startswith(("shipments-", "truth")) or p.name == SANCTIONS_FILE)}
    summary.seconds = time.perf_counter() - started
    return summary


def _write(world, planted, relationships, tables, sizes, chunk_of_planted, bad_plan, staging, seed, rows,
           progress) -> DemoSummary:
    sinks = {f: CsvSink(staging.file(FILE_NAMES[f]), *_ENCODINGS[f]) for f in FILE_NAMES}
    mentions = staging.parquet("truth-mentions.parquet")
    serial = dict.fromkeys(FILE_NAMES, 0)
    line = dict.fromkeys(FILE_NAMES, 2)
    flagged, bad_rows, n_mentions = [], [], 0
    # One writer thread: Arrow's CSV/Parquet encoders and file writes release the GIL, so the next chunk
    # is drawn while the last one is written. A single worker keeps the writes in order.
    pending: list[Future] = []
    with _progress(rows, progress) as bar, ThreadPoolExecutor(max_workers=1) as writer:
        for ci, size in enumerate(sizes):
            rng = np.random.default_rng([seed, 3, ci])
            mine = np.flatnonzero(chunk_of_planted == ci)
            chunk = sample_ordinary(world, relationships, rng, size - len(mine))
            order = rng.permutation(size)
            chunk = {k: np.concatenate([chunk[k], planted.rows[k][mine]]).astype(CHUNK_COLUMNS[k])[order]
                     for k in CHUNK_COLUMNS}
            bad = np.zeros(size, dtype=np.int8)
            candidates = np.flatnonzero(chunk["tag"] < 0)
            bad[rng.choice(candidates, size=len(bad_plan[ci]), replace=False)] = bad_plan[ci]
            no_party = bad == 1 + BAD_KINDS.index("no_party")
            for party in ("shipper", "consignee", "notify"):
                chunk[party][no_party] = -1
            for f in FILE_NAMES:
                rows_f = np.flatnonzero(chunk["file"] == f)
                part = {k: v[rows_f] for k, v in chunk.items()}
                serials = np.arange(serial[f], serial[f] + len(rows_f), dtype=np.int64)
                rendered = render_file(tables, f, part, bad[rows_f], rng, serials, line[f])
                pending.append(writer.submit(sinks[f].write, rendered.table, rendered.ragged_at))
                pending.append(writer.submit(mentions.write_table, rendered.mentions))
                n_mentions += rendered.mentions.num_rows
                tagged = np.flatnonzero(part["tag"] >= 0)
                for row, rid in zip(tagged, rendered.record_ids.take(tagged).to_pylist(), strict=True):
                    hop = planted.hops[part["tag"][row]]
                    hop.update(file=FILE_NAMES[f], record_id=rid, line=int(line[f] + row))
                bad_rows.extend(rendered.bad)
                serial[f] += len(rows_f)
                line[f] += len(rows_f)
            while len(pending) > 12:  # at most two chunks in flight: bounded memory
                pending.pop(0).result()
            bar.update(size)
        for future in pending:
            future.result()
    for sink in sinks.values():
        sink.close()
    mentions.close()
    for hop in planted.hops:
        if hop["flagged"]:
            flagged.append({k: hop[k] for k in ("file", "record_id", "line", "network", "lot", "hop", "from", "to",
                                                "date", "why")})
    rows_per_file = {FILE_NAMES[f]: sinks[f].rows for f in FILE_NAMES}
    end = START_DATE + np.timedelta64(DAYS - 1, "D")
    truth = build_truth(world, rows_requested=rows, rows_per_file=rows_per_file, planted=planted, flagged=flagged,
                        bad_rows=sorted(bad_rows, key=lambda b: (b["file"], b["line"])),
                        date_range=(str(START_DATE), str(end)))
    truth["decoy_shipments"] = [{k: h[k] for k in ("file", "record_id", "line", "network", "from", "to", "date")}
                                for h in planted.hops if not h["flagged"]]
    truth["sanctions"] = _sanctions(truth, staging, world.seed)
    write_truth(truth, staging.file("truth.json"))
    return DemoSummary(out_dir=staging.out_dir, seed=seed, rows=rows, rows_per_file=rows_per_file,
                       entities=len(world.companies), networks=len(planted.networks),
                       shell_clusters=len(planted.shell_clusters), flagged_shipments=len(flagged),
                       bad_rows=len(bad_rows), mentions=n_mentions)


def _sanctions(truth: dict, staging: Staging, seed: int) -> dict:
    """List the importer of the planted network with the fewest intermediaries (its brokers ship to it)."""
    entities = {e["id"]: e for e in truth["entities"]}
    network = min(truth["networks"], key=lambda n: (len(n["intermediaries"]), n["id"]))
    return write_sanctions(staging.file(SANCTIONS_FILE), seed=seed, listed=entities[network["importer"]],
                           brokers=[entities[b] for b in network["intermediaries"]],
                           world_names=[e["name"] for e in truth["entities"]], network=network["id"])
