"""Analyst decisions: an append-only log of merge / split / never-merge, replayed after every resolution.

Decisions name *profiles* by their stable key (``name_key|COUNTRY|tax_id_key``) and keep the raw
name beside it for humans, never entity ids (those change when clusters change). A workspace folder
keeps them in ``decisions.jsonl`` (one JSON object per line, never rewritten); an in-memory
workspace keeps them in table ``resolve_decisions``.
"""

from __future__ import annotations

import getpass
import html
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from tracekit.store import Store, ensure_table

__all__ = ["Decision", "DecisionLog", "DECISIONS_FILE", "current_user"]

DECISIONS_FILE = "decisions.jsonl"
ACTIONS = ("merge", "never_merge", "split")


def current_user() -> str:
    """Who is deciding: ``$TRACEKIT_USER``, else the login name."""
    try:
        return os.environ.get("TRACEKIT_USER") or getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


@dataclass(frozen=True)
class Decision:
    """One analyst decision about two profiles (``b_key`` is empty for a split)."""

    seq: int
    action: str
    a_key: str
    b_key: str
    a_name: str
    b_name: str
    reason: str
    user: str
    at: str

    def __str__(self) -> str:
        what = {"merge": "same as", "never_merge": "never the same as", "split": "split off"}[self.action]
        other = f" {self.b_name!r}" if self.b_key else ""
        return f"#{self.seq} {self.at[:19]} {self.user}: {self.a_name!r} {what}{other} ({self.reason})"

    def _repr_html_(self) -> str:
        return f"<span class='tracekit-decision'>{html.escape(str(self))}</span>"


class DecisionLog:
    """Read and append analyst decisions for one workspace."""

    TABLE = "resolve_decisions"

    def __init__(self, store: Store):
        self.store = store
        self.path: Path | None = store.folder / DECISIONS_FILE if store.folder else None
        if self.path is None and not store.read_only:
            ensure_table(store, self.TABLE, "seq INTEGER, record VARCHAR")

    def all(self) -> list[Decision]:
        """Every decision, oldest first."""
        if self.path is not None:
            if not self.path.exists():
                return []
            lines = self.path.read_text(encoding="utf-8").splitlines()
            records = [json.loads(line) for line in lines if line.strip()]
        elif self.store.table_exists(self.TABLE):
            records = [json.loads(r[0]) for r in self.store.rows(
                f"SELECT record FROM {self.TABLE} ORDER BY seq")]  # noqa: S608
        else:
            records = []
        return [Decision(**r) for r in records]

    def append(self, action: str, a_key: str, b_key: str, a_name: str, b_name: str,
               reason: str) -> Decision:
        """Record a decision (the reason is required: a decision nobody can explain is no evidence)."""
        if action not in ACTIONS:
            raise ValueError(f"unknown decision {action!r}")
        if not reason or not reason.strip():
            from tracekit.errors import TracekitError

            raise TracekitError(f"{action} needs a reason (reason='…'): it is kept with the decision")
        decision = Decision(
            seq=len(self.all()) + 1, action=action, a_key=a_key, b_key=b_key, a_name=a_name,
            b_name=b_name, reason=reason.strip(), user=current_user(),
            at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        line = json.dumps(asdict(decision), ensure_ascii=False)
        if self.path is not None:
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")
                fh.flush()
                os.fsync(fh.fileno())
        else:
            self.store.execute(f"INSERT INTO {self.TABLE} VALUES (?, ?)", [decision.seq, line])  # noqa: S608
        return decision


def effective(decisions: list[Decision]) -> list[Decision]:
    """The decisions still in force: for each pair of profiles the latest decision wins, and a split
    cancels the earlier merges of its profile."""
    latest_pair: dict[frozenset[str], Decision] = {}
    split_at: dict[str, int] = {}
    for d in decisions:
        if d.action == "split":
            split_at[d.a_key] = d.seq
        else:
            latest_pair[frozenset((d.a_key, d.b_key))] = d
    kept = [d for d in latest_pair.values()
            if d.action == "never_merge"
            or max(split_at.get(d.a_key, 0), split_at.get(d.b_key, 0)) < d.seq]
    kept += [d for d in decisions if d.action == "split" and split_at[d.a_key] == d.seq]
    return sorted(kept, key=lambda d: d.seq)
