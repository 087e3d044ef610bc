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


def _same_attributes(spark: dict, duck: dict) -> None:
    """Same elements with the same attributes; sums of floats to 12 significant digits, not to the last bit:
    each engine adds the same shipments' values in its own order (718364.52 against 718364.5200000001)."""
    assert spark.keys() == duck.keys()
    for key, attributes in duck.items():
        floats = sorted(k for k, v in attributes.items() if isinstance(v, float))
        assert {k: v for k, v in spark[key].items() if k not in floats} == \
            {k: v for k, v in attributes.items() if k not in floats}, key
        assert [spark[key][k] for k in floats] == pytest.approx([attributes[k] for k in floats], rel=1e-12), key


@pytest.mark.parametrize("name", sorted(TRACES))
def test_spark_trace_is_the_duckdb_result_object(spark_world, duck_world, truth, hub, name):
    spark = traced(spark_world, "spark", name, truth, hub)
    duck = traced(duck_world, "duckdb", name, truth, hub)
    assert type(spark) is type(duck)
    assert (spark.title, spark.filters, spark.seed, spark.summary_lines()) == \
        (duck.title, duck.filters, duck.seed, duck.summary_lines())
    _same_attributes(dict(spark.graph.nodes(data=True)), dict(duck.graph.nodes(data=True)))
    _same_attributes({(a, b): d for a, b, d in spark.graph.edges(data=True)},
                     {(a, b): d for a, b, d in duck.graph.edges(data=True)})
    pd.testing.assert_frame_equal(spark.to_frame(), duck.to_frame())
    if duck.shipment_ids is not None:
        assert sorted(spark.shipment_ids.tolist()) == sorted(duck.shipment_ids.tolist())
    assert str(spark) == str(duck)


def test_the_explorers_timeline_on_spark_pulls_only_the_shown_shipments(spark_world, duck_world, truth, hub):
    """The timeline's counts per month and its time-respecting flows, from the shipments among the companies
    shown (the guard below fails the test on a whole-graph pull): the same payload as on DuckDB."""
    from tracekit.views.explorer import Explorer

    payloads = []
    for ws, engine in ((spark_world, "spark"), (duck_world, "duckdb")):
        result = traced(ws, engine, "time-respecting", truth, hub)
        explorer = Explorer(result.graph, ws=ws, seeds=[result.seed])
        payloads.append(json.loads(explorer.timeline.bar.payload))
    spark, duck = payloads
    assert duck["counts"] and duck["flow_edges"] and duck["dated_by"] == "shipments"
    assert spark == duck


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


# -- the graph verbs on Spark read the Spark tables and pull only what they show (issue 12, item 4) ----


@pytest.fixture(autouse=True)
def no_whole_graph_on_spark(monkeypatch):
    """Every test here FAILS if a verb on a Spark workspace loads the whole trade index to the driver
    (``load_index`` is what ``current_index`` / ``spark_graph_index`` pull through); DuckDB's is untouched."""
    from tracekit.graph import index as index_module

    real = index_module.load_index

    def guarded(store, **options):
        if getattr(store, "engine", "duckdb") == "spark":
            raise AssertionError("a verb on Spark pulled the whole trade index to the driver")
        return real(store, **options)

    monkeypatch.setattr(index_module, "load_index", guarded)


def test_the_guard_catches_a_whole_graph_pull(spark_world):
    from tracekit.query.spark_prepared import spark_graph_index

    with pytest.raises(AssertionError, match="whole trade index"):
        spark_graph_index(spark_world).node_ids  # noqa: B018 - reading it is the pull


def _close(attributes: dict) -> dict:
    """Float attributes (kg, USD summed in each engine's order) compared to 1e-9, everything else exactly."""
    return {k: pytest.approx(v, rel=1e-9) if isinstance(v, float) else v for k, v in attributes.items()}


def _same_graph(got, want) -> None:
    assert dict(got.nodes(data=True)) == {n: _close(d) for n, d in want.nodes(data=True)}
    assert {(a, b): d for a, b, d in got.edges(data=True)} == \
        {(a, b): _close(d) for a, b, d in want.edges(data=True)}


def _once(world, engine: str, name: str, call):
    """A verb's result per engine, computed once (the Spark run compares itself with DuckDB's)."""
    if (engine, name) not in _CACHE:
        _CACHE[(engine, name)] = call(world)
    other = _CACHE.get(("duckdb" if engine == "spark" else "spark", name))
    return _CACHE[(engine, name)], other


def _trade_digraph(duck_world, directed: bool = True):
    with duck_world.store.reading("oracle"):
        rows = duck_world.store.df("SELECT DISTINCT src, dst FROM graph_edges WHERE src IS NOT NULL AND dst IS NOT NULL")
    graph = nx.DiGraph(list(zip(rows["src"].astype(int), rows["dst"].astype(int), strict=True)))
    return graph if directed else graph.to_undirected()


PATHS = {  # name: (keyword arguments, directed)
    "chain": ({}, True),
    "k-undirected": ({"k": 3, "directed": False, "max_hops": 4}, False),
}


@pytest.mark.parametrize("name", sorted(PATHS))
def test_paths_are_shortest_and_the_same_on_both_engines(world, engine, duck_world, truth, name):
    network = _network(truth)
    kwargs, directed = PATHS[name]
    result, other = _once(world, engine, f"paths-{name}",
                          lambda ws: ws.paths(network["maker"], network["importer"], **kwargs))
    oracle = _trade_digraph(duck_world, directed)
    shortest = nx.shortest_path_length(oracle, network["maker"], network["importer"])
    frame = result.to_frame()
    assert len(frame) >= 1 and frame["hops"].iloc[0] == shortest
    assert frame["hops"].is_monotonic_increasing
    for ids in frame["entity_ids"]:  # every path is trade, end to end
        assert all(oracle.has_edge(u, v) for u, v in zip(ids, ids[1:], strict=False)), ids
    if other is not None:
        pd.testing.assert_frame_equal(frame, other.to_frame())
        assert (result.title, result.summary_lines()) == (other.title, other.summary_lines())
        _same_graph(result.graph, other.graph)


def test_paths_with_no_path_within_max_hops(world, engine, truth):
    network = _network(truth)  # against the goods, from the importer back to its maker
    result = world.paths(network["importer"], network["maker"], max_hops=2)
    assert result.to_frame().empty
    assert list(result.graph.nodes) == [network["importer"]]


def test_neighbourhood_folds_alike_on_both_engines(world, engine, hub):
    result, other = _once(world, engine, "neighbourhood", lambda ws: ws.neighbourhood(hub[0], hops=2, limit=3))
    more = [d for _n, d in result.graph.nodes(data=True) if d["kind"] == "more"]
    assert more and all(d["hidden"] > 0 for d in more), "the hub has more than 3 partners: some are folded"
    shown = [n for n, d in result.graph.nodes(data=True) if d["kind"] == "company" and d["tier"] in (1, -1)]
    assert 1 <= len(shown) <= 3
    if other is not None:
        _same_graph(result.graph, other.graph)
        pd.testing.assert_frame_equal(result.to_frame(), other.to_frame())
        assert result.summary_lines() == other.summary_lines()


@pytest.mark.parametrize("components", [None, 1])
def test_communities_are_duckdbs(world, engine, duck_world, components):
    result, other = _once(world, engine, f"communities-{components}",
                          lambda ws: ws.communities(components=components, save=False))
    membership = result.membership.sort_values("entity_id", ignore_index=True)
    oracle = _trade_digraph(duck_world, directed=False)
    oracle.remove_edges_from(nx.selfloop_edges(oracle))
    largest = max(nx.connected_components(oracle), key=lambda c: (len(c), -min(c)))
    if components == 1:  # the largest component only, every member of it
        assert set(membership["entity_id"]) == largest
    else:
        assert set(membership["entity_id"]) == {n for n in oracle if oracle.degree(n)}
    assert len(result.frame) >= 2
    if other is not None:
        pd.testing.assert_frame_equal(membership, other.membership.sort_values("entity_id", ignore_index=True))
        got, want = (r.to_frame().map(_plain) for r in (result, other))
        pd.testing.assert_frame_equal(got, want, check_dtype=False)
        _same_graph(result.graph, other.graph)


def test_risk_and_flag_drawings_are_duckdbs(world, engine, flagged):
    ranking, other = _once(world, engine, "risk", lambda ws: ws.risk(top=10))
    top = int(ranking.to_frame()["entity_id"].iloc[0])
    one, other_one = _once(world, engine, "risk-one", lambda ws: ws.risk(top))
    assert top in one.graph and one.graph.number_of_edges() >= 1
    assert one.frame["contribution"].sum() == pytest.approx(one.score)
    if other is not None:
        assert ranking.to_frame()["entity_id"].tolist() == other.to_frame()["entity_id"].tolist()
        _same_graph(ranking.graph, other.graph)
        _same_graph(one.graph, other_one.graph)
        _same_graph(flagged.graph, _CACHE[("duckdb" if engine == "spark" else "spark", "flags")].graph)
