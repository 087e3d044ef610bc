"""Screening resolved entities against sanctions lists with the resolution matcher itself.

Every name variant of every entity (``resolve_profiles``: one per distinct name key and country)
meets every name of every list entry (primary and aliases) through the same steps as resolution:
:func:`tracekit.resolve.normalize.normalize_name`, the blocking keys of
:func:`tracekit.resolve.blocking.block_keys_sql` (rare tokens, rare 4-grams, word sounds, whole
keys) and :func:`tracekit.resolve.scoring.score_pairs` (name similarity capped by the distinctive
words, country agreement, numbers in names). A hit keeps the alias that scored best and says why:
which alias, the name and distinctive-word similarities, the legal forms on both sides and the
country evidence. A legal-form difference is shown, never counted against a match: lists and
manifests write "S.A. DE C.V." and "SA" for the same company.
"""

# ruff: noqa: S608  -- SQL here names internal tables only; list and party text reach it as registered frames.

from __future__ import annotations

import numpy as np
import pandas as pd

from tracekit.errors import TracekitError
from tracekit.ingest.codes import normalise_country
from tracekit.resolve.blocking import BlockingCaps, block_keys_sql
from tracekit.resolve.normalize import normalize_name
from tracekit.resolve.pipeline import _sounds
from tracekit.resolve.scoring import ProfileArrays, score_pairs
from tracekit.store import Store

__all__ = ["screen_matches", "MATCH_COLUMNS", "DEFAULT_MIN_SCORE", "SCREEN_KINDS"]

# Screening favours recall: an analyst reviews every hit, a missed listed party is not reviewed at all.
# Chosen on bench_screen's tuning seeds (perturbation seed 1, demo seed 7): 0.80 kept 0.6 % more typo'd
# names than 0.83 but flagged five times the fictional demo companies; 0.86 (resolution's threshold)
# lost 2.8 % of the typos. Held-out figures (seed 2, demo seed 11) are in docs/benchmarks.md.
DEFAULT_MIN_SCORE = 0.83
SCREEN_KINDS = ("organization", "individual")  # vessels and aircraft are not parties to a shipment
MATCH_COLUMNS = ["entity_id", "entity_name", "entity_country", "matched_name", "list_name", "entry_id",
                 "listed_name", "matched_alias", "alias_type", "kind", "programs", "list_country", "score",
                 "name_sim", "distinctive_sim", "country_evidence", "legal_form_evidence", "explanation",
                 "source_file", "source_row"]
# Blocks may be larger than in resolution: a list adds its own names to every block, and a missed hit
# costs more here than a few more scored pairs.
SCREEN_CAPS = BlockingCaps(token_cap=200, name_cap=2000)
_PROFILE = ["profile_id", "name_key", "core_key", "legal_form", "country", "tax_id_key", "address_key"]


def _list_profiles(entries: pd.DataFrame) -> pd.DataFrame:
    """List names as profiles (negative ids: never confused with the entities' positive ones)."""
    keys = {n: normalize_name(n) for n in pd.unique(entries["name"].to_numpy(dtype=object)).tolist()}
    country = {c: normalise_country(c) for c in pd.unique(entries["country"].dropna()).tolist()}
    return pd.DataFrame({
        "profile_id": -np.arange(1, len(entries) + 1, dtype=np.int64),
        "name_key": [keys[n].key for n in entries["name"]],
        "core_key": [keys[n].core for n in entries["name"]],
        "legal_form": [keys[n].legal_form for n in entries["name"]],
        "country": [country.get(c) or "" for c in entries["country"]],
        "tax_id_key": "", "address_key": "",
    })


def _candidates(store: Store, profiles: pd.DataFrame, caps: BlockingCaps) -> pd.DataFrame:
    """Entity-profile × list-name pairs sharing a blocking key (resolution's keys, over both sides)."""
    empty_keys = pd.DataFrame({"profile_id": pd.Series(dtype="int64"), "kind": pd.Series(dtype=object),
                               "key": pd.Series(dtype=object)})
    with store.registered("tk_scr_profiles", profiles[_PROFILE]), \
            store.registered("tk_scr_keys", empty_keys), \
            store.registered("tk_scr_sounds", _sounds(profiles[["profile_id", "core_key"]])):
        return store.df(f"""
            WITH blocks AS ({block_keys_sql('tk_scr_profiles', 'tk_scr_keys', caps, 'tk_scr_sounds')})
            SELECT DISTINCT x.profile_id AS a, y.profile_id AS b
            FROM blocks x JOIN blocks y ON x.bkey = y.bkey
            WHERE x.profile_id > 0 AND y.profile_id < 0
            ORDER BY a, b""")


def _legal_evidence(entity_form: str, list_form: str) -> str:
    if entity_form and list_form:
        return f"same legal form ({entity_form})" if entity_form == list_form else \
            f"legal forms differ ({entity_form} / {list_form}); not counted"
    return f"legal form on one side only ({entity_form or list_form})" if entity_form or list_form else "no legal form"


def _country_evidence(agreement: int, entity_country: str, list_country: str) -> str:
    if agreement == 1:
        return f"same country {entity_country}"
    if agreement == -1:
        return f"countries differ ({entity_country} / {list_country})"
    return "country unknown on one side"


def screen_matches(store: Store, entries: pd.DataFrame, *, min_score: float = DEFAULT_MIN_SCORE,
                   caps: BlockingCaps = SCREEN_CAPS) -> pd.DataFrame:
    """Every (entity, list entry) pair scoring at least ``min_score``, best alias each, best first.

    ``entries`` are rows of ``screen_list_entries`` (one per name).
    """
    if not 0 < min_score <= 1:
        raise TracekitError(f"min_score={min_score}: use a score between 0 and 1 (e.g. 0.8)")
    if not store.table_exists("resolve_profiles"):
        raise TracekitError("nothing is resolved yet: run ws.resolve() (tracekit resolve) before screening")
    entries = entries.reset_index(drop=True)
    entity_side = store.df(f"SELECT {', '.join(_PROFILE)}, entity_id, display_name FROM resolve_profiles "
                           "ORDER BY profile_id")
    for column in ("core_key", "legal_form", "country", "tax_id_key", "address_key"):
        entity_side[column] = entity_side[column].fillna("")
    list_side = _list_profiles(entries)
    profiles = pd.concat([entity_side[_PROFILE], list_side[_PROFILE]], ignore_index=True)
    if not len(entries) or not len(entity_side):
        return pd.DataFrame(columns=MATCH_COLUMNS)
    pairs = _candidates(store, profiles, caps)
    index = pd.Index(profiles["profile_id"])
    a, b = index.get_indexer(pairs["a"]), index.get_indexer(pairs["b"])
    # Addresses of lists are free text of another shape than manifests: scored on names and country only.
    scored = score_pairs(ProfileArrays(profiles), a, b)
    keep = scored["score"].to_numpy() >= min_score
    if not keep.any():
        return pd.DataFrame(columns=MATCH_COLUMNS)
    ent = entity_side.set_index("profile_id").loc[pairs["a"][keep].to_numpy()].reset_index()
    row = (-pairs["b"][keep].to_numpy() - 1).astype(np.int64)
    lst = entries.iloc[row].reset_index(drop=True)
    lprof = list_side.iloc[row].reset_index(drop=True)
    s = scored[keep].reset_index(drop=True)
    out = pd.DataFrame({
        "entity_id": ent["entity_id"].astype("int64"), "matched_name": ent["display_name"],
        "list_name": lst["list_name"], "entry_id": lst["entry_id"].astype(str), "matched_alias": lst["name"],
        "alias_type": lst["name_type"], "kind": lst["kind"], "programs": lst["programs"],
        "list_country": lst["country"], "score": s["score"].astype(float).round(3),
        "name_sim": s["name_sim"].astype(float).round(3), "distinctive_sim": s["distinctive_sim"].astype(float).round(3),
        "country_evidence": [_country_evidence(int(c), e, x) for c, e, x in
                             zip(s["country"], ent["country"], lprof["country"], strict=True)],
        "legal_form_evidence": [_legal_evidence(e, x) for e, x in
                                zip(ent["legal_form"], lprof["legal_form"], strict=True)],
        "source_file": lst["source_file"], "source_row": lst["source_row"],
    })
    # Among aliases scoring alike, the one whose legal form also agrees explains the hit best.
    legal_rank = out["legal_form_evidence"].str.startswith("same").astype(int)
    out = out.assign(_legal=legal_rank).sort_values(["score", "name_sim", "_legal"], ascending=False,
                                                     kind="stable").drop(columns="_legal")
    out = out.drop_duplicates(["entity_id", "list_name", "entry_id"]).reset_index(drop=True)
    primary = entries.sort_values("name_type", key=lambda t: t != "primary", kind="stable") \
        .drop_duplicates(["list_name", "entry_id"]).set_index(["list_name", "entry_id"])["name"]
    out["listed_name"] = primary.reindex(pd.MultiIndex.from_frame(out[["list_name", "entry_id"]])).to_numpy()
    names = store.df("SELECT entity_id, name, country FROM entities").set_index("entity_id")
    out["entity_name"] = names["name"].reindex(out["entity_id"]).to_numpy()
    out["entity_country"] = names["country"].reindex(out["entity_id"]).to_numpy()
    out["explanation"] = [
        f"{m!r} ~ {t} {al!r} of {ln!r}: name {ns:.2f}"
        + ("" if d != d else f", distinctive words {d:.2f}") + f"; {c}; {lf}; score {sc:.2f}"
        for m, t, al, ln, ns, d, c, lf, sc in zip(out["matched_name"], out["alias_type"], out["matched_alias"],
                                                  out["listed_name"], out["name_sim"], out["distinctive_sim"],
                                                  out["country_evidence"], out["legal_form_evidence"],
                                                  out["score"], strict=True)]
    return out[MATCH_COLUMNS]
