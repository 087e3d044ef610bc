"""tracekit: trace precursor-chemical supply chains through trade data, in your own JupyterLab.

Quick start::

    import tracekit
    ws = tracekit.Workspace("my-case")        # a folder; omit for in-memory
    report = ws.load("bills/*.csv")           # every row loaded or quarantined, never dropped
    report

In a notebook, ``%load_ext tracekit`` adds the ``%tk`` magics (``%tk help``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracekit.errors import TracekitError

if TYPE_CHECKING:
    from tracekit.workspace import Workspace

__all__ = ["Workspace", "TracekitError", "__version__", "load_ipython_extension"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # Imported on first use, so `tracekit --help` (and Ctrl-C while it starts) does not wait for every stage.
    if name == "Workspace":
        from tracekit.workspace import Workspace

        return Workspace
    raise AttributeError(f"module 'tracekit' has no attribute {name!r}")


def load_ipython_extension(ipython) -> None:  # pragma: no cover - exercised by notebook tests
    """``%load_ext tracekit``: register the ``%tk`` magics."""
    from tracekit.magics import register

    register(ipython)


def unload_ipython_extension(ipython) -> None:
    """``%unload_ext tracekit``: graph results display statically again (the magic stays until restart)."""
    from tracekit.views.result_display import uninstall

    uninstall(ipython)
