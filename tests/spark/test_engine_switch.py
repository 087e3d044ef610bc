"""``--engine spark`` / ``TRACEKIT_ENGINE=spark``: the CLI and ``%tk`` open a Spark workspace and print
what DuckDB prints; what is missing (pyspark, Java, a Spark workspace) is said with the fix."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tracekit.commands._engine import chosen_engine, open_workspace
from tracekit.errors import TracekitError, WorkspaceError

ROOT = Path(__file__).resolve().parents[2]


def test_engine_comes_from_the_option_then_the_environment(monkeypatch):
    monkeypatch.delenv("TRACEKIT_ENGINE", raising=False)
    assert chosen_engine(None) == "duckdb"
    monkeypatch.setenv("TRACEKIT_ENGINE", "Spark")
    assert chosen_engine(None) == "spark"
    assert chosen_engine("duckdb") == "duckdb"
    monkeypatch.setenv("TRACEKIT_ENGINE", "postgres")
    with pytest.raises(TracekitError, match="not an engine: use one of duckdb, spark"):
        chosen_engine(None)


def test_missing_pyspark_or_java_is_named_with_the_fix(monkeypatch, tmp_path):
    import tracekit.commands._engine as engine

    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark → ImportError
    with pytest.raises(TracekitError, match=r"pip install 'tracekit\[spark\]'"):
        open_workspace(tmp_path, engine="spark")
    monkeypatch.undo()
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    monkeypatch.setattr(SparkSession, "getActiveSession", classmethod(lambda cls: None))
    monkeypatch.setattr(engine, "_java", lambda: None)
    with pytest.raises(TracekitError, match="needs Java 17 or later.*openjdk-17-jre-headless.*JAVA_HOME"):
        open_workspace(tmp_path, engine="spark")


def test_a_folder_that_is_no_spark_workspace_is_refused(spark, duck_world, tmp_path):
    with pytest.raises(WorkspaceError, match="holds a DuckDB workspace.*copy_from"):
        open_workspace(duck_world.path, engine="spark", create=False)
    with pytest.raises(WorkspaceError, match="not a tracekit Spark workspace"):
        open_workspace(tmp_path / "nothing", engine="spark", create=False)
    assert not (tmp_path / "nothing").exists(), "a refused open creates nothing"


@pytest.fixture(scope="module")
def seed(duck_world) -> int:
    """A busy shipper whose buyers buy on (its 2-hop trace has a second tier)."""
    with duck_world.store.reading("seed"):
        shippers = [int(r[0]) for r in duck_world.store.rows(
            "SELECT src FROM graph_edges GROUP BY src ORDER BY count(DISTINCT dst) DESC, src LIMIT 30")]
    return next(s for s in shippers if 2 in set(duck_world.trace(s, "down", 2, evidence=False).tiers()["tier"]))


@pytest.fixture(scope="module")
def prepared(spark_world):
    """The Spark workspace's graph tables, flags and risk built (so read-only opens find them)."""
    from tracekit.query.spark_prepared import prepare

    prepare(spark_world, progress=False)
    return spark_world


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "TRACEKIT_DISPLAY": "static", **env}
    environment.pop("TRACEKIT_ENGINE", None) if "TRACEKIT_ENGINE" not in env else None
    return subprocess.run([sys.executable, "-m", "tracekit", *args], capture_output=True, text=True,
                          env=environment, timeout=900, check=False)


def test_cli_trace_on_spark_prints_what_duckdb_prints(prepared, duck_world, seed):
    args = ["trace", str(seed), "--hops", "2", "--read-only"]
    spark = _cli(*args, "--workspace", str(prepared.path),
                 env={"TRACEKIT_ENGINE": "spark", "TRACEKIT_SPARK_MASTER": "local[1]"})
    duck = _cli(*args, "--workspace", str(duck_world.path), env={})
    assert duck.returncode == 0, duck.stderr
    assert spark.returncode == 0, spark.stderr[-2000:]
    assert "tier +2" in duck.stdout
    assert spark.stdout == duck.stdout
    refused = _cli("trace", str(seed), "--workspace", str(duck_world.path), "--engine", "spark", env={})
    assert refused.returncode == 2 and "holds a DuckDB workspace" in refused.stderr


def test_magic_trace_on_spark_shows_what_duckdb_shows(prepared, duck_world, seed, capsys):
    from IPython.core.interactiveshell import InteractiveShell

    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "tracekit")
    try:
        out = {}
        for engine, path in (("spark", prepared.path), ("duckdb", duck_world.path)):
            capsys.readouterr()
            ip.run_line_magic("tk", f"trace {seed} --hops 2 --read-only --json --engine {engine} "
                                    f"--workspace {path} -o t_{engine}")
            out[engine] = capsys.readouterr().out
        assert '"tier": 2' in out["duckdb"]
        assert json.loads(out["spark"]) == json.loads(out["duckdb"])
        assert ip.user_ns["t_spark"].workspace.store.engine == "spark"
        assert set(ip.user_ns["t_spark"].graph) == set(ip.user_ns["t_duckdb"].graph)
    finally:
        ip.run_line_magic("tk", "close")
        ip.run_line_magic("unload_ext", "tracekit")
