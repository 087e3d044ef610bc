"""Workspace verbs of the store stage: loading sources, getting raw rows back, and inspection."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["StoreVerbs", "WorkspaceInfo"]


@dataclass
class WorkspaceInfo:
    """What a workspace holds; renders as text and as an HTML table."""

    path: str | None
    schema_version: int
    sources: int
    shipments: int
    party_mentions: int
    quarantined: int
    tables: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "schema_version": self.schema_version,
            "sources": self.sources,
            "shipments": self.shipments,
            "party_mentions": self.party_mentions,
            "quarantined": self.quarantined,
            "tables": self.tables,
        }

    def _rows(self) -> list[tuple[str, str]]:
        rows = [
            ("workspace", self.path or "in memory"),
            ("schema version", str(self.schema_version)),
            ("sources", f"{self.sources:,}"),
            ("shipments", f"{self.shipments:,}"),
            ("party mentions", f"{self.party_mentions:,}"),
            ("quarantined rows", f"{self.quarantined:,}"),
        ]
        return rows + [(f"table {k}", f"{v:,} rows") for k, v in self.tables.items()]

    def __str__(self) -> str:
        width = max(len(k) for k, _ in self._rows())
        return "\n".join(f"{k:<{width}}  {v}" for k, v in self._rows())

    def _repr_html_(self) -> str:
        body = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
            for k, v in self._rows()
        )
        return f"<table class='tracekit-info'>{body}</table>"


class StoreVerbs:
    """``load``, ``source_rows``, ``info``, ``sql`` (mixed into :class:`tracekit.Workspace`)."""

    def info(self) -> WorkspaceInfo:
        """Counts of what the workspace holds.

        Examples
        --------
        >>> import tracekit
        >>> print(tracekit.Workspace().info())  # doctest: +NORMALIZE_WHITESPACE
        workspace in memory
        schema version 1
        sources 0
        shipments 0
        party mentions 0
        quarantined rows 0
        """
        store = self.store
        core = {"sources", "shipments", "party_mentions", "quarantine", "tk_meta"}
        names = [r[0] for r in store.rows(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE' ORDER BY table_name")]
        others = {n: store.count(n) for n in names if n not in core and not n.startswith("raw_")}
        return WorkspaceInfo(
            path=str(store.folder) if store.folder else None,
            schema_version=self.schema_version,
            sources=store.count("sources"),
            shipments=store.count("shipments"),
            party_mentions=store.count("party_mentions"),
            quarantined=store.count("quarantine"),
            tables=others,
        )

    def sql(self, query: str, params=None) -> pd.DataFrame:
        """Run a read query of your own against the workspace tables; returns a DataFrame.

        Examples
        --------
        >>> import tracekit
        >>> tracekit.Workspace().sql("SELECT count(*) AS n FROM shipments")["n"].tolist()
        [0]
        """
        return self.store.df(query, params)
