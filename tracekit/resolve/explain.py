"""Why two names were (or were not) merged, and what holds an entity together.

Both objects render themselves: ``str()`` for a terminal, ``_repr_html_`` for a notebook (every
name, address and reason HTML-escaped), ``to_json()`` for ``--json``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tracekit.resolve.decisions import Decision, DecisionLog
from tracekit.resolve.legal import jurisdictions
from tracekit.resolve.model import COMPARISONS, MatchModel, prior_model, stored_model
from tracekit.resolve.scoring import WEIGHTS, Weights, score_pairs
from tracekit.store import Store

__all__ = ["Side", "PairExplanation", "EntityCard", "explain_pair", "entity_card"]

MAX_LINKAGE_PAIRS = 20_000


@dataclass
class Side:
    """One side of an explanation: a mention or an entity, reduced to the profile that stands for it."""

    kind: str  # "mention" or "entity"
    ref: int
    profile: dict
    entity_id: int | None
    raw: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(self.raw.get("name") or self.profile.get("display_name") or "")


def _table(rows: list[tuple[str, str, str]]) -> str:
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table class='tracekit-explain'>{body}</table>"


def _jurisdictions(profile: dict) -> str:
    found = jurisdictions(str(profile.get("display_name") or ""))
    return ", ".join(sorted(found)) if found else "–"


@dataclass
class PairExplanation:
    """Every piece of evidence about one pair: each comparison's level with its estimated m, u and
    weight, the total, the rule that decided (if any), and the analysts' decisions about it."""

    left: Side
    right: Side
    features: dict
    score: float
    threshold: float
    linkage: float | None
    same_entity: bool
    decisions: list[Decision]
    comparisons: list[dict] = field(default_factory=list)
    prior_weight: float = 0.0
    log_odds: float = 0.0
    probability: float = 0.0
    rule: str = ""
    model_pairs: int = 0

    def to_json(self) -> dict:
        side = lambda s: {"kind": s.kind, "ref": s.ref, "entity_id": s.entity_id, "name": s.label,  # noqa: E731
                          **{k: s.profile.get(k) for k in ("name_key", "legal_form", "country", "country_source",
                                                           "locality", "tax_id_key", "address_key")},
                          "legal_form_jurisdictions": sorted(jurisdictions(str(s.profile.get("display_name") or "")))}
        return {"left": side(self.left), "right": side(self.right), "features": self.features,
                "comparisons": self.comparisons, "prior_weight": self.prior_weight, "log_odds": self.log_odds,
                "probability": self.probability, "rule": self.rule, "model_pairs": self.model_pairs,
                "score": self.score, "threshold": self.threshold, "linkage": self.linkage,
                "same_entity": self.same_entity, "decisions": [str(d) for d in self.decisions]}

    def _rows(self) -> list[tuple[str, str, str]]:
        lp, rp = self.left.profile, self.right.profile

        def source(p: dict) -> str:
            return f"{p.get('country')} ({p.get('country_source') or 'column'})" if p.get("country") else "–"

        rows = [
            ("", f"{self.left.kind} {self.left.ref}", f"{self.right.kind} {self.right.ref}"),
            ("name", self.left.label, self.right.label),
            ("name key", lp.get("name_key", ""), rp.get("name_key", "")),
            ("legal form", lp.get("legal_form") or "–", rp.get("legal_form") or "–"),
            ("form's jurisdictions", _jurisdictions(lp), _jurisdictions(rp)),
            ("country (source)", source(lp), source(rp)),
            ("locality", lp.get("locality") or "–", rp.get("locality") or "–"),
            ("tax id", lp.get("tax_id_key") or "–", rp.get("tax_id_key") or "–"),
            ("address", lp.get("address_key") or "–", rp.get("address_key") or "–"),
            ("entity", str(self.left.entity_id), str(self.right.entity_id)),
        ]
        return rows

    def _verdict(self) -> str:
        verdict = "SAME entity now" if self.same_entity else "DIFFERENT entities now"
        link = f"; average linkage between the entities {self.linkage:.2f}" if self.linkage is not None else ""
        rule = f"; rule: {self.rule}" if self.rule else ""
        return (f"log-odds {self.log_odds:+.2f} bits, match probability {self.probability:.3f}{rule} → "
                f"score {self.score:.2f} (threshold {self.threshold:.2f}){link} → {verdict}")

    def _comparison_rows(self) -> list[tuple[str, ...]]:
        source = (f"estimated on {self.model_pairs:,} candidate pairs" if self.model_pairs
                  else "prior only (nothing estimated yet)")
        rows = [("comparison", "level", "m", "u", "weight (bits)"),
                ("prior", f"match rate among candidate pairs, {source}", "", "", f"{self.prior_weight:+.2f}")]
        for c in self.comparisons:
            known = c["m"] is not None
            rows.append((c["comparison"], c["level"], f"{c['m']:.4f}" if known else "–",
                         f"{c['u']:.4f}" if known else "–", f"{c['weight']:+.2f}" if known else "0 (unknown)"))
        rows.append(("total", "", "", "", f"{self.log_odds:+.2f}"))
        return rows

    def _feature_lines(self) -> list[str]:
        return [f"{k}: {v}" for k, v in self.features.items()]

    def __str__(self) -> str:
        width = max(len(r[0]) for r in self._rows())
        lines = [f"{a:<{width}}  {b:<40}  {c}" for a, b, c in self._rows()]
        table = self._comparison_rows()
        widths = [max(len(str(r[k])) for r in table) for k in range(5)]
        lines += [""] + ["  ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in table]
        lines += ["", "evidence: " + ", ".join(self._feature_lines()), self._verdict()]
        lines += [f"decision {d}" for d in self.decisions]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        evidence = "".join(f"<li>{html.escape(x)}</li>" for x in self._feature_lines())
        decisions = "".join(f"<li>{html.escape(str(d))}</li>" for d in self.decisions)
        head, *body = self._comparison_rows()
        weights = ("<table class='tracekit-weights'><thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head)
                   + "</tr></thead><tbody>" + "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r)
                                                       + "</tr>" for r in body) + "</tbody></table>")
        return (f"<div class='tracekit-explain'>{_table(self._rows())}{weights}<ul>{evidence}</ul>"
                f"<p><b>{html.escape(self._verdict())}</b></p>"
                + (f"<p>Analyst decisions:</p><ul>{decisions}</ul>" if decisions else "") + "</div>")


def _features(scored: pd.Series, weights: Weights) -> dict:
    sign = {1: "agree", -1: "DIFFER", 0: "unknown"}
    address = scored["address_sim"]
    return {
        "name similarity": round(float(scored["name_sim"]), 3),
        "address similarity": None if pd.isna(address) else round(float(address), 3),
        "country": sign[int(scored["country"])],
        "tax id": sign[int(scored["tax_id"])],
        "shared phone": bool(scored["shared_phone"]),
        "shared e-mail": bool(scored["shared_email"]),
        "shared address": bool(scored["shared_address"]),
        "distinctive name word + shared identifier": bool(scored["word_and_identifier"]),
        "numbers in the names differ": bool(scored["numbers_differ"]),
    }


def _comparisons(scored: pd.Series, model: MatchModel) -> list[dict]:
    """Each comparison's level for this pair, with the model's m, u and weight (None where unknown)."""
    out = []
    for k, (c, m, u, w) in enumerate(zip(COMPARISONS, model.m, model.u, model.weights(), strict=True)):
        level = int(scored[f"level_{k}"])
        if level < 0:
            out.append({"comparison": c.name, "level": "unknown (a side lacks it)", "m": None, "u": None,
                        "weight": 0.0})
        else:
            out.append({"comparison": c.name, "level": c.levels[level], "m": round(float(m[level]), 6),
                        "u": round(float(u[level]), 6), "weight": round(float(w[level]), 3)})
    return out


def _has_identifiers(store: Store, profile_id: object) -> dict:
    row = store.df("SELECT bool_or(kind = 'p') AS has_phone, bool_or(kind = 'e') AS has_email "
                   "FROM resolve_profile_keys WHERE profile_id = ?", [profile_id]).fillna(False)
    return {k: bool(row[k].iloc[0]) if len(row) else False for k in ("has_phone", "has_email")}


def explain_pair(store: Store, left: Side, right: Side, weights: Weights = WEIGHTS) -> PairExplanation:
    """Score the two sides' profiles now with the workspace's estimated weights, every comparison shown,
    and the average linkage between their entities."""
    frame = pd.DataFrame([{**left.profile, **_has_identifiers(store, left.profile.get("profile_id"))},
                          {**right.profile, **_has_identifiers(store, right.profile.get("profile_id"))}])
    frame = frame.astype(object).where(frame.notna(), "")
    frame["has_phone"] = frame["has_phone"].astype(bool)
    frame["has_email"] = frame["has_email"].astype(bool)
    model = stored_model(store)
    estimated = model is not None
    model = model or prior_model()
    shared = store.df(
        "SELECT bool_or(x.kind = 'p') AS shared_phone, bool_or(x.kind = 'e') AS shared_email, "
        "bool_or(x.kind = 'a') AS shared_address FROM resolve_profile_keys x JOIN resolve_profile_keys y "
        "ON x.kind = y.kind AND x.key = y.key WHERE x.profile_id = ? AND y.profile_id = ?",
        [left.profile["profile_id"], right.profile["profile_id"]],
    ).fillna(False)
    scored = score_pairs(frame, np.array([0]), np.array([1]), shared, weights, model=model).iloc[0]
    linkage = None
    if left.kind == "entity" and right.kind == "entity" and left.entity_id != right.entity_id:
        linkage = _linkage(store, left.entity_id, right.entity_id, weights, model)
    keys = {left.profile["profile_key"], right.profile["profile_key"]}
    decisions = [d for d in DecisionLog(store).all() if d.a_key in keys or d.b_key in keys]
    return PairExplanation(left, right, _features(scored, weights), round(float(scored["score"]), 3),
                           weights.threshold, linkage, left.entity_id == right.entity_id, decisions,
                           comparisons=_comparisons(scored, model),
                           prior_weight=round(float(np.log2(model.prior / (1 - model.prior))), 3),
                           log_odds=round(float(scored["log_odds"]), 3),
                           probability=round(float(scored["probability"]), 4), rule=str(scored["rule"]),
                           model_pairs=model.pairs if estimated else 0)


def _linkage(store: Store, x: int, y: int, weights: Weights, model: MatchModel) -> float:
    members = store.df("SELECT * FROM resolve_profiles WHERE entity_id IN (?, ?) ORDER BY profile_id", [x, y])
    members = members.fillna("")
    ix = np.flatnonzero(members["entity_id"].to_numpy() == x)
    iy = np.flatnonzero(members["entity_id"].to_numpy() == y)
    a, b = np.meshgrid(ix, iy, indexing="ij")
    a, b = a.ravel()[:MAX_LINKAGE_PAIRS], b.ravel()[:MAX_LINKAGE_PAIRS]
    return round(float(score_pairs(members, a, b, weights=weights, model=model)["score"].mean()), 3)


@dataclass
class EntityCard:
    """One entity: its members (name variants with counts) and the evidence that holds it together."""

    entity: dict
    variants: pd.DataFrame
    evidence: pd.DataFrame
    decisions: list[Decision]

    def to_json(self) -> dict:
        return {"entity": self.entity, "variants": self.variants.to_dict(orient="records"),
                "evidence": self.evidence.to_dict(orient="records"),
                "decisions": [str(d) for d in self.decisions]}

    def _title(self) -> str:
        e = self.entity
        return (f"entity {e['entity_id']}: {e['name']} ({e.get('countries') or '–'}) — "
                f"{e['mention_count']:,} mentions on {e['shipment_count']:,} shipments, "
                f"{e['profile_count']} name profile(s)")

    def __str__(self) -> str:
        parts = [self._title(), "", "name variants:", self.variants.to_string(index=False)]
        if len(self.evidence):
            parts += ["", "evidence between variants (ws.explain(a, b) shows every comparison of a pair):",
                      self.evidence.to_string(index=False)]
        parts += [f"decision {d}" for d in self.decisions]
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        def frame_html(df: pd.DataFrame) -> str:
            head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
            body = "".join("<tr>" + "".join(f"<td>{html.escape('' if pd.isna(v) else str(v))}</td>"
                                            for v in row) + "</tr>" for row in df.itertuples(index=False))
            return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

        decisions = "".join(f"<li>{html.escape(str(d))}</li>" for d in self.decisions)
        return (f"<div class='tracekit-entity'><h4>{html.escape(self._title())}</h4>"
                f"<p>Name variants</p>{frame_html(self.variants)}"
                + (f"<p>Evidence between variants</p>{frame_html(self.evidence)}" if len(self.evidence) else "")
                + (f"<p>Analyst decisions</p><ul>{decisions}</ul>" if decisions else "") + "</div>")


def entity_card(store: Store, entity_id: int, limit: int = 50) -> EntityCard:
    """Gather an entity's name variants, the scored links among its profiles, and its decisions."""
    entity = store.df("SELECT * FROM entities WHERE entity_id = ?", [entity_id]).iloc[0].to_dict()
    variants = store.df("""
        SELECT m.name, coalesce(m.country, '') AS country, count(*) AS mentions,
               count(DISTINCT m.shipment_id) AS shipments, min(m.date) AS first_seen, max(m.date) AS last_seen
        FROM mention_entities me JOIN party_mentions m USING (mention_id)
        WHERE me.entity_id = ? GROUP BY 1, 2 ORDER BY mentions DESC, name LIMIT ?""", [entity_id, limit])
    evidence = store.df("""
        SELECT pa.display_name AS name_a, pb.display_name AS name_b, round(e.score, 3) AS score,
               round(e.log_odds, 2) AS log_odds_bits, nullif(e.rule, '') AS rule,
               round(e.name_sim, 3) AS name_sim, e.shared_phone, e.shared_email, e.shared_address,
               e.tax_id = 1 AS same_tax_id, pa.locality AS locality_a, pb.locality AS locality_b
        FROM resolve_edges e JOIN resolve_profiles pa ON pa.profile_id = e.a
        JOIN resolve_profiles pb ON pb.profile_id = e.b
        WHERE pa.entity_id = ? AND pb.entity_id = ? ORDER BY e.score DESC LIMIT ?""",
                        [entity_id, entity_id, limit])
    keys = set(store.df("SELECT profile_key FROM resolve_profiles WHERE entity_id = ?",
                        [entity_id])["profile_key"])
    decisions = [d for d in DecisionLog(store).all() if d.a_key in keys or d.b_key in keys]
    return EntityCard(entity, variants, evidence, decisions)
