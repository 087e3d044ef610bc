"""Which engine a CLI or ``%tk`` verb runs on: ``--engine {duckdb,spark}`` and ``$TRACEKIT_ENGINE``.

DuckDB (the default) is one file on the analyst's machine. ``--engine spark`` opens the same folder as a
Spark workspace (Parquet tables under ``<workspace>/spark-tables/``, :class:`tracekit.store.spark.SparkStore`)
on the session the process already has (a notebook attached to a cluster), or on a new one at
``--spark-master`` / ``$TRACEKIT_SPARK_MASTER`` (default ``local[*]``). The option belongs to every verb
(:func:`add_engine_options`, in the options shared by all verbs) and :func:`open_workspace` is the one
place that turns it into a :class:`~tracekit.workspace.Workspace`, for the CLI and ``%tk`` alike.

What is missing (pyspark, Java) is said before any work, with how to install it.
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

from tracekit.errors import TracekitError, WorkspaceError

__all__ = ["ENGINES", "add_engine_options", "chosen_engine", "open_workspace", "spark_ready"]

ENGINES = ("duckdb", "spark")
ENGINE_VARIABLE = "TRACEKIT_ENGINE"
MASTER_VARIABLE = "TRACEKIT_SPARK_MASTER"


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    """``--engine`` and ``--spark-master`` (defaults: the environment, then DuckDB / ``local[*]``)."""
    parser.add_argument("--engine", choices=ENGINES, default=None,
                        help=f"where the workspace lives and queries run (default: ${ENGINE_VARIABLE} or duckdb)")
    parser.add_argument("--spark-master", metavar="URL", default=None,
                        help=f"Spark master for --engine spark when no session is active (default: "
                             f"${MASTER_VARIABLE} or local[*]; yarn, k8s://…, spark://host:7077)")


def chosen_engine(engine: str | None = None) -> str:
    """The engine asked for: the option, else ``$TRACEKIT_ENGINE``, else ``duckdb``.

    Examples
    --------
    >>> chosen_engine("spark")
    'spark'
    >>> chosen_engine(None) in ENGINES
    True
    """
    value = (engine or os.environ.get(ENGINE_VARIABLE) or "duckdb").strip().lower()
    if value not in ENGINES:
        raise TracekitError(f"{ENGINE_VARIABLE}={value!r} is not an engine: use one of {', '.join(ENGINES)}")
    return value


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def spark_ready() -> None:
    """Raise a :class:`TracekitError` naming the fix when pyspark or Java is missing."""
    try:
        import pyspark  # noqa: F401
        import sqlglot  # noqa: F401
    except ImportError as exc:
        raise TracekitError(
            f"--engine spark needs pyspark and sqlglot ({exc.name} is not installed): "
            "pip install 'tracekit[spark]'") from None
    from pyspark.sql import SparkSession

    if SparkSession.getActiveSession() is None and _java() is None:
        raise TracekitError(
            "--engine spark needs Java 17 or later and none was found (no JAVA_HOME, no java on PATH): "
            "install a JDK (Debian/Ubuntu: apt-get install openjdk-17-jre-headless) or set JAVA_HOME")


def open_workspace(path: str | Path | None, *, engine: str | None = None, master: str | None = None,
                   read_only: bool = False, create: bool = True):
    """The workspace at ``path`` on the chosen engine (see the module doc).

    A Spark workspace is a folder with ``spark-tables/``; a verb that does not create one (everything
    but ``load``/``init``) refuses a folder without it instead of starting an empty workspace there.
    """
    from tracekit.workspace import Workspace

    if chosen_engine(engine) == "duckdb":
        return Workspace(path, read_only=read_only, create=create)
    spark_ready()
    from tracekit.store.spark import TABLES_FOLDER, spark_session

    if path is None:
        raise WorkspaceError("--engine spark needs a workspace folder (--workspace DIR)")
    folder = Path(path).expanduser()
    if not (folder / TABLES_FOLDER).is_dir():
        duck = (folder / "tracekit.duckdb").is_file()
        if read_only or not create or duck:
            hint = (" (it holds a DuckDB workspace: open it without --engine spark, or publish its tables to "
                    "a Spark workspace with Workspace.spark(...).store.copy_from(Workspace(dir).store); "
                    "see docs/SCALING.md)") if duck else ""
            raise WorkspaceError(f"{folder} is not a tracekit Spark workspace (no {TABLES_FOLDER}/){hint}")
    return Workspace.spark(spark_session(master), folder, read_only=read_only)
