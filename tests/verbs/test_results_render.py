"""Every result object renders through the one mixin: escaped HTML, a mime bundle, a frame and JSON."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.verbs.conftest import HOSTILE
from tracekit.commands._render import to_json_text, to_text
from tracekit.rendering import Rendered

RAW = ("<img src=x", "<script>", "<b>bold</b>")


def _results(ws) -> dict:
    hostile_shipments = ws.sql("SELECT shipment_id FROM shipments WHERE shipper_name LIKE '%onerror%'")
    ws.never_merge("Global Trading Co", "Global Pharma Ltd", reason=f"different firms {HOSTILE}")
    return {
        "trace": ws.trace("Alpha Chem Co", direction="both", hops=2),
        "paths": ws.paths(HOSTILE, "Delta Labs SA"),
        "neighbourhood": ws.neighbourhood("Alpha Chem Co", hops=2),
        "shell_clusters": ws.shell_clusters(),
        "communities": ws.communities(),
        "flags": ws.flags(),
        "changes": ws.changes("2022-12", "2023"),
        "risk": ws.risk(),
        "risk_one": ws.risk(HOSTILE),
        "search": ws.search("trading"),
        "evidence": ws.evidence(HOSTILE, "Alpha Chem Co"),
        "quarantine": ws.quarantine(),
        "source_rows": ws.source_rows(hostile_shipments["shipment_id"].tolist()),
        "decisions": ws.decisions(),
    }


@pytest.fixture(scope="module")
def results(ws):
    return _results(ws)


NAMES = ["trace", "paths", "neighbourhood", "shell_clusters", "communities", "flags", "changes", "risk",
         "risk_one", "search", "evidence", "quarantine", "source_rows", "decisions"]
# results whose table or graph holds the hostile text: it must appear, escaped
CARRY_HOSTILE = {"trace", "paths", "neighbourhood", "search", "evidence", "quarantine", "source_rows",
                 "decisions", "risk_one"}


@pytest.mark.parametrize("name", NAMES)
def test_result_uses_the_one_mixin_and_escapes(results, name):
    result = results[name]
    assert isinstance(result, Rendered)
    html = result._repr_html_()
    bundle = result._repr_mimebundle_()
    assert {"text/plain", "text/html"} <= set(bundle)
    for text in (html, bundle["text/html"], bundle.get("image/svg+xml", "")):
        for raw in RAW:
            assert raw not in text, f"{name}: unescaped {raw!r}"
    if name in CARRY_HOSTILE:
        assert "&lt;img src=x onerror=" in html or "&lt;script&gt;" in html, \
            f"{name}: the hostile text should be shown, escaped"
    assert isinstance(result.to_frame(), pd.DataFrame)
    json.loads(to_json_text(result))
    assert to_text(result)


@pytest.mark.parametrize("name", ["trace", "paths", "neighbourhood", "flags", "risk_one"])
def test_graph_results_carry_their_svg(results, name):
    bundle = results[name]._repr_mimebundle_()
    assert bundle["image/svg+xml"].startswith("<svg") and "<svg" in bundle["text/html"]
    assert len(results[name].graph) and results[name].workspace is not None


def test_table_results_read_like_their_frame(results):
    search = results["search"]
    assert search["entity_id"].iloc[0] == search.to_frame()["entity_id"].iloc[0]
    assert len(search) == len(search.to_frame()) and not search.empty
    assert "GLOBAL TRADING" in " ".join(search.name.str.upper())
    assert isinstance(search.to_json(), list)  # --json prints the rows, as before
    assert results["quarantine"]["reason"].tolist() == ["no_party"]
    assert len(results["decisions"]) == 1


def test_csv_export_neutralises_formulas(results, tmp_path):
    path = results["evidence"].to_csv(tmp_path / "e.csv")
    text = path.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_trace_evidence_is_a_result_too(results):
    every = results["trace"].evidence()
    assert isinstance(every, Rendered) and len(every) >= 3 and "source_file" in every.columns


def test_cards_of_the_resolve_stage_escape_too(ws):
    """explain/entity cards and decision receipts render in their own room's way, escaped as well."""
    for shown in (ws.explain(HOSTILE), ws.explain(HOSTILE, "Alpha Chem Co"),
                  ws.never_merge(HOSTILE, "Delta Labs SA", reason=HOSTILE)):
        html = shown._repr_html_()
        assert "<img src=x" not in html and "&lt;img src=x" in html
