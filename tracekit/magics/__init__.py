"""magics stage: ``%tk VERB …`` in IPython/Jupyter, built from the CLI's verb definitions."""

from __future__ import annotations

__all__ = ["register"]


def register(ipython) -> None:
    """Add the ``%tk`` line magic to ``ipython`` (called by ``%load_ext tracekit``)."""
    from tracekit.magics.tk import TracekitMagics

    ipython.register_magics(TracekitMagics(ipython))
