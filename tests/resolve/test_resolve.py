"""End-to-end resolution on hand-made mentions: hard pairs merge, traps stay apart, no chaining."""

from __future__ import annotations

import numpy as np

from tests.resolve.conftest import add_mentions, entity_of
from tracekit.resolve.cluster import Constraints, cluster

HARD_PAIRS = [
    ({"name": "SHANGHAI XYZ CHEMICAL CO., LTD", "country": "CN"}, {"name": "上海XYZ化工有限公司", "country": "CN"}),
    ({"name": "SHANGHAI XYZ CHEMICAL CO., LTD", "country": "CN"},
     {"name": "XYZ CHEMICAL (SHANGHAI)", "country": "CN"}),
    ({"name": "Química del Norte, S.A. de C.V.", "country": "MX"},
     {"name": "QUIMICA DEL NORTE S DE RL DE CV", "country": "MX"}),
    ({"name": "HENGRUI JIANGSU PHARMACEUTICAL", "country": "CN"},
     {"name": "江苏恒瑞医药股份有限公司", "country": "CN"}),
    ({"name": "NORTHSTAR INTL TRADING LLC", "country": "US"},
     {"name": "North Star International Trading", "country": "US"}),
    ({"name": "ZHONGDA BIOTECH CO LTD", "country": "CN", "phone": "+86 21 5555 1234"},
     {"name": "ZHONGDA BIO-TECH", "country": "CN", "phone": "021 5555 1234"}),
]

TRAPS = [
    ({"name": "ABC CHEMICAL CO", "country": "CN"}, {"name": "ABC LOGISTICS CO", "country": "CN"}),
    ({"name": "GLOBAL TRADING SA", "country": "MX", "tax_id": "GTR850101AB1"},
     {"name": "GLOBAL TRADING SA", "country": "CO", "tax_id": "900123456"}),
    ({"name": "DELTA QUIMICA SA DE CV", "country": "MX", "tax_id": "DQU010101AA1"},
     {"name": "DELTA QUIMICA SA DE CV", "country": "MX", "tax_id": "DQU990909ZZ9"}),
]


def test_hard_pairs_merge(mem_ws):
    ids = add_mentions(mem_ws, [m for pair in HARD_PAIRS for m in pair])
    mem_ws.resolve(progress=False)
    for k in range(len(HARD_PAIRS)):
        a, b = ids[2 * k], ids[2 * k + 1]
        assert entity_of(mem_ws, a) == entity_of(mem_ws, b), HARD_PAIRS[k]


def test_traps_stay_apart(mem_ws):
    ids = add_mentions(mem_ws, [m for pair in TRAPS for m in pair])
    mem_ws.resolve(progress=False)
    for k in range(len(TRAPS)):
        assert entity_of(mem_ws, ids[2 * k]) != entity_of(mem_ws, ids[2 * k + 1]), TRAPS[k]


def test_every_named_mention_has_exactly_one_entity(mem_ws):
    add_mentions(mem_ws, [m for pair in HARD_PAIRS + TRAPS for m in pair] + [{"name": "  "}, {"name": None}])
    mem_ws.resolve(progress=False)
    counts = mem_ws.sql("""
        SELECT m.mention_id, count(me.entity_id) AS n FROM party_mentions m
        LEFT JOIN mention_entities me USING (mention_id)
        WHERE m.name IS NOT NULL AND trim(m.name) <> '' GROUP BY 1""")
    assert len(counts) == 2 * len(HARD_PAIRS + TRAPS)
    assert (counts["n"] == 1).all()
    assert mem_ws.sql("SELECT sum(mention_count) AS s FROM entities")["s"][0] == len(counts)


def test_chaining_guard_in_clustering():
    # 0≈1, 1≈2, 2≈3 strongly, but 0 and 3 are far apart and 0–2, 1–3 are weak: single linkage would
    # glue all four; average linkage must not.
    a = np.array([0, 1, 2, 0, 1, 0])
    b = np.array([1, 2, 3, 2, 3, 3])
    s = np.array([0.95, 0.9, 0.95, 0.3, 0.3, 0.1])
    labels, _ = cluster(4, a, b, s, threshold=0.85, margin=0.05)
    assert labels[0] == labels[1] and labels[2] == labels[3]
    assert labels[0] != labels[3]


def test_chaining_guard_end_to_end(mem_ws):
    # A noisy middle spelling looks like both ends; the ends are different companies.
    ids = add_mentions(mem_ws, [
        {"name": "KANGDA CHEMICAL TRADING", "country": "CN"},
        {"name": "KANGDA CHEMICAL", "country": "CN"},
        {"name": "KANGDA CHEMICAL CO", "country": "CN"},
        {"name": "KANGDAX CHEMICAL", "country": "CN"},
        {"name": "KANGDAX", "country": "CN"},
    ])
    mem_ws.resolve(progress=False)
    assert entity_of(mem_ws, ids[0]) != entity_of(mem_ws, ids[4])


def test_constraints_cannot_link_wins_and_conflict_reported():
    a, b, s = np.array([0, 1]), np.array([1, 2]), np.array([0.99, 0.99])
    c = Constraints(cannot_link=[(0, 2, "never#1")], must_link=[(0, 2, "merge#2")])
    labels, conflicts = cluster(3, a, b, s, threshold=0.85, margin=0.05, constraints=c)
    assert labels[0] != labels[2]
    assert conflicts == [("merge#2", "never#1")]


def test_incremental_resolve_matches_new_against_existing(mem_ws):
    first = add_mentions(mem_ws, [{"name": "SHANGHAI XYZ CHEMICAL CO., LTD", "country": "CN"},
                                  {"name": "ABC LOGISTICS CO", "country": "CN"}])
    report = mem_ws.resolve(progress=False)
    assert report.full and report.new_mentions == 2
    old_entity = entity_of(mem_ws, first[0])
    new = add_mentions(mem_ws, [{"name": "上海XYZ化工有限公司", "country": "CN"},
                                {"name": "BRAND NEW REAGENTS", "country": "IN"}])
    report = mem_ws.resolve(progress=False)
    assert not report.full and report.new_mentions == 2
    assert entity_of(mem_ws, new[0]) == old_entity
    assert entity_of(mem_ws, new[1]) not in (old_entity, entity_of(mem_ws, first[1]))
    assert mem_ws.resolve(progress=False).new_mentions == 0
    full = mem_ws.resolve(full=True, progress=False)
    assert full.full and full.new_mentions == 4 and entity_of(mem_ws, new[0]) == old_entity


def test_search_ranks_best_match_first(mem_ws):
    add_mentions(mem_ws, [{"name": "SHANGHAI XYZ CHEMICAL CO., LTD", "country": "CN"}] * 3
                 + [{"name": "XYZ LOGISTICS", "country": "HK"}, {"name": "UNRELATED PHARMA", "country": "IN"}])
    mem_ws.resolve(progress=False)
    hits = mem_ws.search("xyz chem")
    assert list(hits.columns) == ["entity_id", "name", "country", "score", "mention_count"]
    assert hits["name"].iloc[0] == "SHANGHAI XYZ CHEMICAL CO., LTD"
    assert hits["score"].is_monotonic_decreasing
    assert "UNRELATED PHARMA" not in hits["name"].tolist()
    assert mem_ws.search("上海XYZ化工")["entity_id"].iloc[0] == hits["entity_id"].iloc[0]
    assert mem_ws.search("xyz chemcal")["entity_id"].iloc[0] == hits["entity_id"].iloc[0]
