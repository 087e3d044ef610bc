"""One suite over both engines: the query verbs give the same answers on DuckDB and on Spark.

Every test here runs twice (``engine`` = duckdb, spark) on the same loaded and resolved demo world; the
Spark workspace builds its graph tables, flags and risk itself, through the verbs. Answers are pinned
two ways: against the world's ground truth (``truth.json``: planted chains, decoys, shell clusters,
the intermediary swap, flagged lots) or an oracle computed apart from both engines (networkx over the
trade rows with the filter applied in pandas), and, on Spark, against DuckDB's own result object
(same tiers, edges, attributes, rows). Spark calls are few and cached per session: each is a few jobs
on a loaded machine.
"""

from __future__ import annotations

import json

import networkx as nx
import pandas as pd
import pytest

from tracekit.graph.filters import TradeFilter

TRACES = {
    # name: (seed role, direction, keyword arguments)
    "hs-window": ("maker", "down", {"hs": ["29"], "since": "2021-06", "until": "2023-06"}),
    "countries": ("hub", "up", {"countries": None, "min_shipments": 2}),
    "time-respecting": ("maker", "down", {"time_respecting": True}),
}
_CACHE: dict = {}


@pytest.fixture(scope="session")
def truth(demo_folder, duck_world):
    """truth.json, and each true company's resolved entity (the one holding most of its mentions)."""
    data = json.loads((demo_folder / "truth.json").read_text(encoding="utf-8"))
    mentions = pd.read_parquet(demo_folder / "truth-mentions.parquet")
    mentions = mentions[mentions["entity_id"].notna()][["file", "line", "role", "entity_id"]]
    mentions = mentions.rename(columns={"entity_id": "true_id"}).astype({"line": "int64", "file": str, "role": str})
    with duck_world.store.reading("truth"), duck_world.store.registered("truth_mentions", mentions):
        pairs = duck_world.store.df("""
            SELECT t.true_id, me.entity_id, count(*) AS n FROM truth_mentions t
            JOIN sources s ON regexp_extract(s.path, '[^/]+$') = t.file
            JOIN party_mentions m ON m.source_id = s.source_id AND m.line = t.line AND m.role = t.role
            JOIN mention_entities me ON me.mention_id = m.mention_id
            GROUP BY 1, 2 QUALIFY row_number() OVER (PARTITION BY t.true_id ORDER BY n DESC, me.entity_id) = 1""")
    data["resolved"] = dict(zip(pairs["true_id"], pairs["entity_id"].astype(int), strict=True))
    return data


def _network(truth) -> dict:
    """The planted network with the longest chain (its maker, importer and chain as resolved ids)."""
    net = max(truth["networks"], key=lambda n: (max(len(c["entities"]) for c in n["chains"]), n["id"]))
    ids = truth["resolved"]
    chain = max(net["chains"], key=lambda c: len(c["entities"]))
    return {"maker": ids[net["maker"]], "importer": ids[net["importer"]],
            "chain": [ids[e] for e in chain["entities"]], "net": net}


@pytest.fixture(scope="session")
def hub(duck_world) -> tuple[int, list[str]]:
    """The busiest consignee, and its country plus its suppliers' three commonest countries."""
    with duck_world.store.reading("hub"):
        seed = int(duck_world.store.scalar(
            "SELECT dst FROM graph_edges GROUP BY dst ORDER BY sum(shipments) DESC, dst LIMIT 1"))
        countries = duck_world.store.df(f"""
            SELECT e.country, count(*) AS n FROM (SELECT DISTINCT src FROM graph_edges WHERE dst = {seed}) t
            JOIN entities e ON e.entity_id = t.src WHERE e.country IS NOT NULL
            GROUP BY 1 ORDER BY n DESC, 1 LIMIT 3""")["country"].tolist()  # noqa: S608
        own = duck_world.store.scalar(f"SELECT country FROM entities WHERE entity_id = {seed}")  # noqa: S608
    return seed, sorted({own, *countries})


def _kwargs(name: str, truth, hub) -> tuple[int, str, dict]:
    role, direction, kwargs = TRACES[name]
    kwargs = dict(kwargs)
    if role == "hub":
        kwargs["countries"] = hub[1]
        return hub[0], direction, kwargs
    return _network(truth)[role], direction, kwargs


def traced(ws, engine: str, name: str, truth, hub):
    """The trace ``name`` on ``engine`` (cached: Spark traces cost seconds each)."""
    key = (engine, name)
    if key not in _CACHE:
        seed, direction, kwargs = _kwargs(name, truth, hub)
        _CACHE[key] = ws.trace(seed, direction, 3, **kwargs)
    return _CACHE[key]


def _oracle(duck_world, seed: int, direction: str, flt: TradeFilter) -> dict[int, int]:
    """Tiers by breadth-first search in networkx over the trade rows passing ``flt`` (pandas)."""
    table = "graph_trade" if flt.dated else "graph_edges"
    count = "1" if flt.dated else "shipments"
    date = "date" if flt.dated else "first_date"
    with duck_world.store.reading("oracle"):
        rows = duck_world.store.df(
            f"SELECT t.src, t.dst, coalesce(t.hs6, '') AS hs6, {count} AS n, t.{date} AS d, "  # noqa: S608
            "coalesce(a.country, '') AS ca, coalesce(b.country, '') AS cb "
            f"FROM {table} t LEFT JOIN entities a ON a.entity_id = t.src LEFT JOIN entities b ON b.entity_id = t.dst "
            "WHERE t.src IS NOT NULL AND t.dst IS NOT NULL")
    keep = pd.Series(True, index=rows.index)
    if flt.hs:
        keep &= rows["hs6"].map(lambda h: h.startswith(flt.hs))
    if flt.since:
        keep &= rows["d"].notna() & (pd.to_datetime(rows["d"]) >= pd.Timestamp(flt.since))
    if flt.until:
        keep &= rows["d"].notna() & (pd.to_datetime(rows["d"]) <= pd.Timestamp(flt.until))
    if flt.countries:
        keep &= rows["ca"].isin(flt.countries) & rows["cb"].isin(flt.countries)
    rows = rows[keep]
    totals = rows.groupby(["src", "dst"])["n"].sum()
    pairs = [(int(s), int(d)) for (s, d), n in totals.items() if n >= flt.min_shipments]
    graph = nx.DiGraph(pairs)
    graph.add_node(seed)
    graph = graph if direction == "down" else graph.reverse()
    sign = 1 if direction == "down" else -1
    return {n: sign * h for n, h in nx.single_source_shortest_path_length(graph, seed, cutoff=3).items()}


@pytest.mark.parametrize("name", ["hs-window", "countries"])
def test_filtered_trace_reaches_what_networkx_reaches(world, engine, duck_world, truth, hub, name):
    seed, direction, kwargs = _kwargs(name, truth, hub)
    result = traced(world, engine, name, truth, hub)
    flt = TradeFilter(**{k: v for k, v in kwargs.items() if k in ("hs", "since", "until", "countries",
                                                                   "min_shipments")})
    want = _oracle(duck_world, seed, direction, flt)
    got = dict(zip(result.tiers()["entity_id"].astype(int), result.tiers()["tier"].astype(int), strict=True))
    assert len(want) > 2, (name, want)  # the filter must leave a trace worth comparing
    assert got == want
    assert result.filters == flt.describe()


def test_time_respecting_trace_follows_the_planted_chain(world, engine, truth, hub):
    network = _network(truth)
    result = traced(world, engine, "time-respecting", truth, hub)
    tiers = {n: d["tier"] for n, d in result.graph.nodes(data=True)}
    assert [tiers.get(e) for e in network["chain"]] == list(range(len(network["chain"])))
    decoys = {truth["resolved"][d["to"]] for d in network["net"]["decoys"]} - set(network["chain"])
    assert decoys, "the planted network has decoy buyers"
    assert not decoys & set(tiers), "decoys (sent before any precursor arrived) are off a time-respecting chain"
    assert len(result.shipment_ids) == sum(d["shipments"] for _a, _b, d in result.graph.edges(data=True))


@pytest.mark.parametrize("name", sorted(TRACES))
def test_spark_trace_is_the_duckdb_result_object(spark_world, duck_world, truth, hub, name):
    spark = traced(spark_world, "spark", name, truth, hub)
    duck = traced(duck_world, "duckdb", name, truth, hub)
    assert type(spark) is type(duck)
    assert (spark.title, spark.filters, spark.seed, spark.summary_lines()) == \
        (duck.title, duck.filters, duck.seed, duck.summary_lines())
    assert dict(spark.graph.nodes(data=True)) == dict(duck.graph.nodes(data=True))
    assert {(a, b): d for a, b, d in spark.graph.edges(data=True)} == \
        {(a, b): d for a, b, d in duck.graph.edges(data=True)}
    pd.testing.assert_frame_equal(spark.to_frame(), duck.to_frame())
    if duck.shipment_ids is not None:
        assert sorted(spark.shipment_ids.tolist()) == sorted(duck.shipment_ids.tolist())
    assert str(spark) == str(duck)


@pytest.fixture(scope="session")
def flagged(world, engine):
    key = (engine, "flags")
    if key not in _CACHE:
        _CACHE[key] = world.flags()
    return _CACHE[key]


def test_flags_find_the_planted_lots(world, engine, flagged, truth):
    shipments = world.store.df("SELECT s.shipment_id, regexp_extract(src.path, '[^/]+$') AS file, s.line "
                               "FROM shipments s JOIN sources src ON src.source_id = s.source_id")
    where = {(f, int(ln)): int(i) for i, f, ln in shipments.itertuples(index=False)}
    planted = {where[(s["file"], int(s["line"]))] for s in truth["flagged_shipments"] if (s["file"], int(s["line"])) in where}
    assert len(planted) >= 10
    found = set(flagged.to_frame()["shipment_id"].astype(int))
    assert len(planted & found) / len(planted) >= 0.9, sorted(planted - found)[:10]
    assert flagged.to_frame()["score"].is_monotonic_decreasing


def test_spark_flags_are_duckdbs(spark_world, duck_world):
    spark = _CACHE.get(("spark", "flags")) or spark_world.flags()
    duck = _CACHE.get(("duckdb", "flags")) or duck_world.flags()
    key = ["shipment_id"]
    columns = ["score", "flags", "chemicals", "date", "shipper", "consignee", "hs_code", "source_file", "line"]
    left = spark.to_frame().sort_values(key).reset_index(drop=True)
    right = duck.to_frame().sort_values(key).reset_index(drop=True)
    assert left["shipment_id"].tolist() == right["shipment_id"].tolist()
    for column in columns:
        assert [_plain(v) for v in left[column]] == [_plain(v) for v in right[column]], column
    assert [sorted(_plain(r)) for r in left["reasons"]] == [sorted(_plain(r)) for r in right["reasons"]]
    rows = "SELECT shipment_id, flag, entity_id, role, chemical, reason, matched_text, weight, evidence " \
           "FROM graph_shipment_flags ORDER BY shipment_id, flag, entity_id NULLS FIRST, role, chemical"
    with duck_world.store.reading("flags"):
        want = duck_world.store.df(rows)
    got = spark_world.store.df(rows)
    assert len(got) == len(want)
    for column in ("shipment_id", "flag", "entity_id", "role", "chemical", "reason", "matched_text", "weight"):
        assert [_plain(v) for v in got[column]] == [_plain(v) for v in want[column]], column
    assert [json.loads(v) for v in got["evidence"]] == [json.loads(v) for v in want["evidence"]]
    pd.testing.assert_frame_equal(spark.entities.reset_index(drop=True).astype({"flags": object}),
                                  duck.entities.reset_index(drop=True).astype({"flags": object}),
                                  check_dtype=False)


def _plain(value):
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def _swap_windows(truth) -> tuple[dict, str, str]:
    network = next(n for n in truth["networks"] if n["swap"])
    swap = pd.Timestamp(network["swap"]["date"])
    return network, f"{truth['date_range'][0]}..{(swap - pd.Timedelta(days=1)).date()}", \
        f"{swap.date()}..{truth['date_range'][1]}"


def test_changes_find_the_intermediary_swap(world, engine, truth):
    network, before, after = _swap_windows(truth)
    ids = truth["resolved"]
    key = (engine, "changes")
    if key not in _CACHE:
        _CACHE[key] = world.changes(before, after)
    frame = _CACHE[key].to_frame()
    hits = frame[(frame["kind"] == "new_intermediary") & (frame["src"] == ids[network["maker"]])
                 & (frame["via"] == ids[network["swap"]["new"]]) & (frame["dst"] == ids[network["importer"]])]
    assert len(hits) == 1
    assert int(hits["rank"].iloc[0]) <= 10


def test_spark_changes_are_duckdbs(spark_world, duck_world, truth):
    _network_, before, after = _swap_windows(truth)
    spark = _CACHE.get(("spark", "changes")) or spark_world.changes(before, after)
    duck = _CACHE.get(("duckdb", "changes")) or duck_world.changes(before, after)
    # a flow's usual port is its most frequent, ties to the smaller name, so the engines agree exactly
    order = ["kind", "src", "dst", "via", "detail"]
    frame, want = (r.to_frame().drop(columns="rank").astype({"via": object}) for r in (spark, duck))
    assert (frame["kind"] == "route_shift").any(), "the swapped windows hold route shifts to compare"
    pd.testing.assert_frame_equal(
        frame.sort_values(order, ignore_index=True, key=lambda c: c.astype(str)),
        want.sort_values(order, ignore_index=True, key=lambda c: c.astype(str)))


def test_shell_clusters_group_the_planted_shells_alike(world, engine, truth):
    result = world.shell_clusters()
    members = result.members
    found = 0
    for planted in truth["shell_clusters"]:  # a planted shell's members that share a key: one cluster
        ids = {truth["resolved"][e] for e in planted["entities"] if e in truth["resolved"]}
        clusters = set(members.loc[members["entity_id"].isin(ids), "cluster"])
        assert len(clusters) <= 1, planted["id"]
        found += len(clusters)
    assert found >= 1, "at least one planted shell cluster is found in a 1,000-row world"
    _CACHE[(engine, "shells")] = result
    other = _CACHE.get(("duckdb" if engine == "spark" else "spark", "shells"))
    if other is not None:  # the second engine's run: the same clusters, scores and ranks
        frame, want = result.to_frame(), other.to_frame()
        assert frame.drop(columns="cluster").equals(want.drop(columns="cluster"))
        assert dict(result.graph.nodes(data=True)) == dict(other.graph.nodes(data=True))
