"""What a Spark benchmark measures besides wall time: CPU seconds, load average, and shuffle per stage.

The machine the benchmarks run on is shared, so a wall-clock figure alone says little: each phase also
records the CPU seconds the JVM (driver + ``local`` executors, with its reaped Python workers) and this
Python process spent, and the 1-minute load average when it ended. Shuffle bytes and tasks per stage
come from Spark's own event log (``spark.eventLog.enabled``), each job tagged with the phase's job
group, so the cost model in docs/SCALING.md can be checked against what the stages actually moved.
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")


def bench_session(master: str, app_name: str, event_dir: Path, *, driver_memory: str = "3g",
                  shuffle_partitions: int = 8):
    """A fresh session with the event log on (made before :func:`spark_session`, which then reuses it)."""
    os.environ.setdefault("PYSPARK_PYTHON", os.sys.executable)
    from pyspark.sql import SparkSession

    from tracekit.store.spark import spark_session

    event_dir.mkdir(parents=True, exist_ok=True)
    (SparkSession.builder.master(master).appName(app_name)
     .config("spark.driver.memory", driver_memory)
     .config("spark.eventLog.enabled", "true")
     .config("spark.eventLog.dir", event_dir.as_uri())
     .config("spark.eventLog.compress", "false")
     .config("spark.eventLog.rolling.enabled", "false")
     .config("spark.ui.enabled", "false")
     .config("spark.ui.showConsoleProgress", "false")
     .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
     .getOrCreate())
    return spark_session(master, app_name=app_name, shuffle_partitions=shuffle_partitions)


def jvm_cpu_seconds(session) -> float:
    """User + system CPU of the session's JVM, its live descendants (the Python workers that run
    ``mapInPandas``) and its reaped children (Linux ``/proc``; 0 where it cannot be read)."""
    proc = getattr(session.sparkContext._gateway, "proc", None)  # noqa: SLF001 - py4j's Popen of the JVM
    if proc is None:
        return 0.0
    pids = [proc.pid]
    try:
        import psutil  # installed with jupyter (ipykernel); without it only the JVM itself is counted

        pids += [child.pid for child in psutil.Process(proc.pid).children(recursive=True)]
    except Exception:  # noqa: BLE001,S110 - a worker may exit between the listing and the read
        pass
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15]) / _TICK
    return total


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Phases:
    """Times phases: wall, CPU (this process; plus the JVM's when a session is given), load average."""

    def __init__(self, session=None):
        self.session = session
        self.results: dict[str, dict] = {}

    @contextmanager
    def phase(self, name: str):
        if self.session is not None:
            self.session.sparkContext.setJobGroup(name, name)
        jvm0 = jvm_cpu_seconds(self.session) if self.session is not None else 0.0
        own0, wall0 = own_cpu_seconds(), time.perf_counter()
        try:
            yield
        finally:
            wall = time.perf_counter() - wall0
            cpu = own_cpu_seconds() - own0
            if self.session is not None:
                cpu += jvm_cpu_seconds(self.session) - jvm0
                self.session.sparkContext.setJobGroup("other", "other")
            self.results[name] = {"wall_s": round(wall, 2), "cpu_s": round(cpu, 1),
                                  "load_1min": round(os.getloadavg()[0], 1)}


def shuffle_by_group(event_dir: Path) -> dict[str, dict]:
    """Per job group: stages, tasks, input, shuffle write/read bytes, and the largest stage's shuffle write."""
    stage_group: dict[int, str] = {}
    stage_bytes: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for log in sorted(p for p in event_dir.rglob("*") if p.is_file() and not p.name.startswith("appstatus")):
        with log.open() as lines:
            for line in lines:
                event = json.loads(line)
                kind = event.get("Event")
                if kind == "SparkListenerJobStart":
                    group = (event.get("Properties") or {}).get("spark.jobGroup.id", "other")
                    for stage in event.get("Stage IDs", []):
                        stage_group.setdefault(stage, group)
                elif kind == "SparkListenerTaskEnd":
                    metrics = event.get("Task Metrics") or {}
                    bytes_ = stage_bytes[event["Stage ID"]]
                    bytes_["tasks"] += 1
                    bytes_["input"] += (metrics.get("Input Metrics") or {}).get("Bytes Read", 0)
                    bytes_["shuffle_write"] += (metrics.get("Shuffle Write Metrics") or {}).get(
                        "Shuffle Bytes Written", 0)
                    read = metrics.get("Shuffle Read Metrics") or {}
                    bytes_["shuffle_read"] += read.get("Remote Bytes Read", 0) + read.get("Local Bytes Read", 0)
    out: dict[str, dict] = {}
    for stage, bytes_ in stage_bytes.items():
        group = out.setdefault(stage_group.get(stage, "other"), {
            "stages": 0, "tasks": 0, "input_mb": 0.0, "shuffle_write_mb": 0.0, "shuffle_read_mb": 0.0,
            "largest_stage_shuffle_write_mb": 0.0})
        group["stages"] += 1
        group["tasks"] += bytes_["tasks"]
        group["input_mb"] += bytes_["input"] / 1e6
        group["shuffle_write_mb"] += bytes_["shuffle_write"] / 1e6
        group["shuffle_read_mb"] += bytes_["shuffle_read"] / 1e6
        group["largest_stage_shuffle_write_mb"] = max(group["largest_stage_shuffle_write_mb"],
                                                      bytes_["shuffle_write"] / 1e6)
    return {g: {k: round(v, 2) if isinstance(v, float) else v for k, v in d.items()} for g, d in out.items()}
