"""Spark load of many files of one layout: one file at a time (before) vs together (after), same run.

Writes ``--files`` CSV files of ``--rows`` rows each in one bill-of-lading layout (shipper, consignee with
address, notify party, HS code, day-first dates, weights with units, descriptions; a few bad rows planted
per file), then loads them into two fresh Spark workspaces on ONE ``local[2]`` session: first one file at
a time (``spark_load.LOAD_TOGETHER = False``, the code before issue 12's item 3), then together. A warm-up
load of one small file comes first so neither side pays the JVM's first compilations. Each figure: Spark
jobs (``statusTracker`` per job group), wall and CPU seconds (JVM with its Python workers + this process),
the 1-minute load average; the DuckDB load of the same files in the same run is the local reference.
Both Spark loads must give the same rows (checked).

    PYTHONPATH=. .venv/bin/python tests/benchmarks/bench_spark_load.py --files 10 --rows 10000

On a shared 2-core machine every Spark job costs seconds, so figures taken under load are pessimistic.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
from pathlib import Path

from tests.benchmarks.spark_metrics import Phases, bench_session

HEADER = ("Bill of Lading,Shipper,Shipper Address,Consignee,Consignee Address,Notify Party,HS Code,"
          "Description,Date,Weight KG\n")
CITIES = ["SHIJIAZHUANG, HEBEI, CHINA", "MONTERREY, NL, MEXICO", "WUHAN, HUBEI, CHINA", "MANZANILLO, COL, MEXICO",
          "NEWARK, NJ, USA", "MUMBAI, INDIA", "HAMBURG, GERMANY", "SHANGHAI, CHINA"]


def write_files(folder: Path, files: int, rows: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    paths = []
    for f in range(files):
        lines = [HEADER]
        for i in range(rows):
            d, m = rng.randint(1, 28), rng.randint(1, 12)
            date = f"{d:02d}/{m:02d}/2024" if i % 997 else "2024-13-45"  # a bad date now and then
            hs = f"2933{rng.randint(10, 99)}" if i % 1499 else "29XX"
            lines.append(
                f"BL{f:03d}{i:07d},SUPPLIER {rng.randint(1, 400)} CHEMICAL CO,\"NO {rng.randint(1, 300)} ROAD, "
                f"{rng.choice(CITIES)}\",BUYER {rng.randint(1, 900)} SA DE CV,\"CALLE {rng.randint(1, 99)}, "
                f"{rng.choice(CITIES)}\",AGENT {rng.randint(1, 50)} LLC,{hs},PHARMACEUTICAL INTERMEDIATE "
                f"{rng.randint(1, 20)},{date},{rng.randint(10, 20000)}\n")
        path = folder / f"bills-{f:03d}.csv"
        path.write_text("".join(lines))
        paths.append(path)
    return paths


def _jobs(session, group: str) -> int:
    return len(session.sparkContext.statusTracker().getJobIdsForGroup(group))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args()

    import tracekit
    from tracekit.store import spark_load

    root = Path(tempfile.mkdtemp(prefix="bench-spark-load-"))
    try:
        data = root / "data"
        data.mkdir()
        write_files(data, args.files, args.rows)
        warm = root / "warm"
        warm.mkdir()
        write_files(warm, 1, 200, seed=1)
        session = bench_session(args.master, "bench-spark-load", root / "events", shuffle_partitions=2)
        phases = Phases(session)
        with phases.phase("warm_up"):
            tracekit.Workspace.spark(session, root / "ws-warm").load(str(warm / "*.csv"), progress=False)
        pattern = str(data / "*.csv")
        counts = {}
        for mode, together in (("one_file_at_a_time", False), ("together", True)):
            spark_load.LOAD_TOGETHER = together
            ws = tracekit.Workspace.spark(session, root / f"ws-{mode}")
            with phases.phase(mode):
                report = ws.load(pattern, progress=False)
            counts[mode] = (report.rows_read, report.rows_loaded, report.rows_quarantined,
                            ws.store.scalar("SELECT sum(shipment_id % 1000003) FROM shipments"),
                            ws.store.count("party_mentions"))
            ws.close()
        spark_load.LOAD_TOGETHER = True
        assert counts["one_file_at_a_time"] == counts["together"], counts
        local = Phases()
        with local.phase("duckdb"):
            duck = tracekit.Workspace(root / "ws-duck")
            duck_report = duck.load(pattern, progress=False)
            duck.close()
        assert (duck_report.rows_read, duck_report.rows_loaded) == counts["together"][:2]
        base = phases.results["one_file_at_a_time"]
        for mode in ("one_file_at_a_time", "together"):
            figures = phases.results[mode]
            print(json.dumps({
                "figure": "spark_load_many_files", "mode": mode, "files": args.files, "rows_per_file": args.rows,
                "rows_read": counts[mode][0], "jobs": _jobs(session, mode), **figures,
                "baseline_one_file_at_a_time_wall_s": base["wall_s"],
                "baseline_jobs": _jobs(session, "one_file_at_a_time"),
                "speedup_wall": round(base["wall_s"] / figures["wall_s"], 2),
                "duckdb_same_run": local.results["duckdb"]}))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
