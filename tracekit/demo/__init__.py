"""demo stage."""

from tracekit.demo.generate import DemoSummary, generate

__all__ = ["generate", "DemoSummary"]
