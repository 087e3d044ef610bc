"""Workspace verbs contributed by the resolve stage (mixed into :class:`tracekit.Workspace`)."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from tracekit.errors import EntityNotFound, TracekitError
from tracekit.resolve.decisions import Decision, DecisionLog
from tracekit.resolve.explain import EntityCard, PairExplanation, Side, entity_card, explain_pair
from tracekit.resolve.export import ExportResult, export_mentions
from tracekit.resolve.lookup import parse_id, resolve_entity
from tracekit.resolve.pipeline import ResolveReport, recluster, resolve
from tracekit.resolve.search import SearchIndex
from tracekit.resolve.tables import ensure_resolve_tables

__all__ = ["ResolveVerbs", "DecisionResult"]

Ref = int | str


@dataclass
class DecisionResult:
    """A recorded decision and what re-applying all decisions reported."""

    decision: Decision
    conflicts: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"decision": str(self.decision), "conflicts": self.conflicts}

    def __str__(self) -> str:
        return "\n".join([f"recorded {self.decision}"] + [f"CONFLICT: {c}" for c in self.conflicts])

    def _repr_html_(self) -> str:
        return "<br>".join(html.escape(line) for line in str(self).splitlines())


class ResolveVerbs:
    """Verbs of the resolve stage; they use ``self.store`` (a :class:`tracekit.store.Store`)."""

    _search_index: SearchIndex | None = None
    _search_generation = -1  # store.generation it was built at: another process may resolve meanwhile

    # -- resolving ---------------------------------------------------------------------------------
    def resolve(self, full: bool = False, progress: bool = True) -> ResolveReport:
        """Resolve party mentions into entities.

        Only mentions not resolved before are processed (matched against the existing entities);
        ``full=True`` redoes everything. Analyst decisions are re-applied either way.

        Examples
        --------
        >>> import tracekit
        >>> tracekit.Workspace().resolve(progress=False).entities
        0
        """
        report = resolve(self.store, full=full, progress=progress)
        self._search_index = None
        return report

    def search(self, text: str, limit: int = 10) -> pd.DataFrame:
        """Entities ranked by fuzzy name match (any spelling, any script), best first.

        Returns a DataFrame with ``entity_id, name, country, score, mention_count``.
        """
        if self._search_index is None or self._search_generation != self.store.generation:
            self._search_generation = self.store.generation
            self._search_index = SearchIndex.build(self.store)
        return self._search_index.search(text, limit=limit)

    # -- looking ---------------------------------------------------------------------------------
    def _side(self, ref: Ref) -> Side:
        """A mention id, an entity id, or a name (the best search hit) as one side of a comparison."""
        store = self.store
        ensure_resolve_tables(store)
        number, strict = parse_id(ref)
        if number is None or (strict and isinstance(ref, str)):
            ref = resolve_entity(self, ref)  # a name or #id: the one rule of every verb (resolve/lookup.py)
        else:
            ref = number  # a number: an entity id, else a mention id (below)
        profile = store.df("SELECT p.* FROM entities e JOIN resolve_profiles p ON p.profile_key = e.anchor_key "
                           "WHERE e.entity_id = ?", [ref])
        if len(profile):
            row = profile.iloc[0].to_dict()
            return Side("entity", ref, row, int(row["entity_id"]))
        profile = store.df("SELECT p.* FROM mention_features f JOIN resolve_profiles p USING (profile_id) "
                           "WHERE f.mention_id = ?", [ref])
        if len(profile):
            raw = store.df("SELECT * FROM party_mentions WHERE mention_id = ?", [ref]).iloc[0].to_dict()
            row = profile.iloc[0].to_dict()
            return Side("mention", ref, row, int(row["entity_id"]), raw)
        raise EntityNotFound(f"{ref} is neither an entity id nor a resolved mention id "
                             "(run ws.resolve() after loading new data)")

    def explain(self, a: Ref, b: Ref) -> PairExplanation:
        """Features, score and decisions for two mentions or entities (ids, or names to search)."""
        return explain_pair(self.store, self._side(a), self._side(b))

    def entity(self, ref: Ref) -> EntityCard:
        """An entity's name variants with counts and the evidence holding it together."""
        side = self._side(ref)
        return entity_card(self.store, side.entity_id)

    # -- analyst decisions ---------------------------------------------------------------------------
    def _decide(self, action: str, a: Ref, b: Ref | None, reason: str) -> DecisionResult:
        if self.store.read_only:
            raise TracekitError("the workspace is open read-only: decisions cannot be recorded")
        left = self._side(a)
        right = self._side(b) if b is not None else None
        if right is not None and left.profile["profile_key"] == right.profile["profile_key"]:
            raise TracekitError(f"{a} and {b} are the same name profile "
                                f"({left.profile['profile_key']!r}): nothing to decide")
        decision = DecisionLog(self.store).append(
            action, left.profile["profile_key"], right.profile["profile_key"] if right else "",
            left.label, right.label if right else "", reason)
        conflicts = recluster(self.store)
        self._search_index = None
        return DecisionResult(decision, conflicts)

    def merge(self, a: Ref, b: Ref, reason: str) -> DecisionResult:
        """Record that ``a`` and ``b`` (mentions or entities) are the same company, and apply it."""
        return self._decide("merge", a, b, reason)

    def never_merge(self, a: Ref, b: Ref, reason: str) -> DecisionResult:
        """Record that ``a`` and ``b`` must never be the same entity, and apply it."""
        return self._decide("never_merge", a, b, reason)

    def split(self, entity: Ref, mention: Ref, reason: str) -> DecisionResult:
        """Take ``mention`` (and every mention with the same name profile) out of ``entity``."""
        side = self._side(mention)
        owner = self._side(entity).entity_id
        if side.entity_id != owner:
            names = dict(self.store.rows("SELECT entity_id, name FROM entities WHERE entity_id IN (?, ?)",
                                         [side.entity_id, owner]))
            raise TracekitError(f"mention {mention} ({side.label}) belongs to entity {side.entity_id} "
                                f"({names.get(side.entity_id, 'unnamed')}), not {owner} "
                                f"({names.get(owner, 'unnamed')})")
        return self._decide("split", mention, None, reason)

    def decisions(self) -> pd.DataFrame:
        """Every analyst decision recorded in this workspace, oldest first."""
        rows = [d.__dict__ for d in DecisionLog(self.store).all()]
        return pd.DataFrame(rows, columns=list(Decision.__dataclass_fields__))

    # -- export ---------------------------------------------------------------------------------
    def export_mentions(self, out: str | Path, format: str | None = None) -> ExportResult:
        """Write each mention with its entity to CSV (formula prefixes neutralised) or Parquet."""
        return export_mentions(self.store, out, format)
