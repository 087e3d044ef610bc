"""magics stage: ``%tk VERB …`` in IPython/Jupyter, built from the CLI's verb definitions."""

from __future__ import annotations

__all__ = ["register"]


def register(ipython) -> None:
    """Add the ``%tk`` line magic to ``ipython`` (called by ``%load_ext tracekit``).

    Inside a kernel it also makes graph results display as the explorer (with their static SVG in the
    same output): :func:`tracekit.views.result_display.install`.
    """
    from tracekit.magics.tk import TracekitMagics
    from tracekit.views.result_display import install

    ipython.register_magics(TracekitMagics(ipython))
    install(ipython)
