"""Every verb's result renders as text, escaped HTML and JSON — walked over the whole command registry.

Each verb runs (as the CLI and %tk run it) on a world whose company names, descriptions, a column
header, a file name, a screening-list entry and a decision reason are hostile HTML. A verb missing from
INVOCATIONS fails the test, so a new verb's result is checked from the day it is added.
"""

from __future__ import annotations

import json
import shlex

import pandas as pd
import pytest

from tests.verbs.conftest import HOSTILE, build
from tracekit.commands import all_commands, build_parser
from tracekit.commands._render import to_json_text, to_text
from tracekit.rendering import Rendered

RAW = ("<img src=x", "<script>", "<b>bold</b>")
ESCAPED = ("&lt;img src=x", "&lt;script&gt;")
H = shlex.quote(HOSTILE)

# verb → argument lines ({tmp}, {csv}, {list} and {watch} are filled in); the hostile name is H.
INVOCATIONS: dict[str, list[str]] = {
    "preview": ["{csv}"],
    "load": ["{csv}", "{csv} --dry-run"],
    "info": [""],
    "sql": ["\"SELECT shipper_name, description FROM shipments WHERE shipper_name LIKE '%onerror%'\""],
    "resolve": [""],
    "search": ["TRADING"],
    "explain": [H, f"{H} 'Alpha Chem Co'"],
    "trace": [f"{H} --direction both --hops 2"],
    "paths": [f"{H} 'Delta Labs SA'"],
    "neighbourhood": [H],
    "communities": [""],
    "shell-clusters": [""],
    "changes": ["--before 2022-12 --after 2023"],
    "flags": [""],
    "risk": ["", H],
    "evidence": [f"{H} 'Alpha Chem Co'"],
    "quarantine": [""],
    "source-rows": ["--source 2"],
    "never-merge": [f"'Global Trading Co' 'Global Pharma Ltd' --reason {H}"],
    "merge": [f"'Beta Import SA' 'Gamma Quimica SA' --reason {H}"],
    "split": [],  # filled in by the test: it needs a mention id of a merged entity
    "decisions": [""],
    "watchlists": ["list", "add {watch}", "terms hostile-list", "remove hostile-list"],
    "screen-lists": ["add {list} --name hostile", "list", "entries hostile"],
    "screen": [""],
    "sanctions-proximity": ["'Alpha Chem Co'"],
    "show": [H],
    "export": ["entities --out {tmp}/entities.csv", "graph --out {tmp}/g.graphml"],
    "init": ["{tmp}/fresh"],
    "demo": ["--rows 1000 --seed 3 --out {tmp}/demo --no-progress"],
}
NOT_RUN = {
    "brief": "runs a second kernel through papermill (tens of seconds); its escaped HTML is checked in "
             "tests/reports/test_brief.py and tests/reports/test_sections.py",
}
# results that show the hostile text somewhere: it must be there, escaped
CARRIES = {"preview", "load", "sql", "search", "explain", "trace", "paths", "neighbourhood", "risk", "evidence",
           "never-merge", "merge", "decisions", "screen-lists", "screen", "sanctions-proximity",
           "watchlists"}
# result types that render in their own way (each checked here all the same), with the reason
OWN_RENDERING = {
    "DataFrame": "sql, watchlists list/terms/add and screen-lists list/entries return the DataFrame itself "
                 "(pandas escapes its HTML)",
    "str": "one-line confirmations (watchlists remove, init)",
    "Explorer": "`show` is the explorer widget (tracekit.views), whose static form is a Rendered result's",
    "DemoSummary": "the files the demo wrote (no workspace involved): escaped paragraphs of its own",
    "EntityCard": "the resolve stage's entity card (explain A): a card layout of its own, escaped",
    "PairExplanation": "the resolve stage's pair card (explain A B): feature rows and decisions, escaped",
    "DecisionResult": "the receipt of merge / split / never-merge: one line per conflict, escaped",
}


def test_every_verb_is_invoked_or_says_why_not():
    assert set(INVOCATIONS) | set(NOT_RUN) == set(all_commands())
    assert not set(INVOCATIONS) & set(NOT_RUN)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("every-result")
    ws = build(folder)
    hostile_file = folder / "bills <script>x.csv"
    pd.DataFrame({"shipper_name": [HOSTILE], "consignee_name": ["Alpha Chem Co"], "hs_code": ["293339"],
                  "date": ["2023-08-01"], "description": ["<script>alert(1)</script> NPP"],
                  "<b>bold</b> colour": ["=1+1"]}).to_csv(hostile_file, index=False)
    listing = folder / "list.ftm.jsonl"
    listing.write_text(json.dumps({"id": "x1", "schema": "Company", "properties": {
        "name": [HOSTILE], "topics": ["sanction"], "program": ["<script>P</script>"]}}) + "\n")
    watch = folder / "watch.csv"
    watch.write_text("list,chemical,kind,term,language,country,cas,hs,control,source\n"
                     f"hostile-list,NPP,name,\"{HOSTILE}\",en,,,,,<script>s</script>\n")
    fills = {"tmp": str(folder), "csv": shlex.quote(str(hostile_file)), "list": str(listing), "watch": str(watch)}
    yield ws, fills
    ws.close()


def _run(ws, verb: str, line: str):
    args = build_parser().parse_args([verb, *shlex.split(line)])
    cmd = args._command
    return cmd.run(ws if cmd.needs_workspace else None, args)


def _html(result) -> str:
    if isinstance(result, pd.DataFrame):
        return result.to_html()
    if hasattr(result, "_repr_mimebundle_"):
        bundle = result._repr_mimebundle_()
        return bundle.get("text/html", "") + bundle.get("image/svg+xml", "")
    if hasattr(result, "_repr_html_"):
        return result._repr_html_()
    return ""


def _check(verb: str, line: str, result) -> bool:
    """Text, JSON and escaped HTML of one result; whether its HTML shows the hostile text (escaped)."""
    where = f"tracekit {verb} {line}"
    kind = type(result).__name__
    assert isinstance(result, Rendered) or kind in OWN_RENDERING, f"{where}: {kind} is not on the render mixin"
    text = to_text(result)
    assert text.strip(), f"{where}: no text"
    json.loads(to_json_text(result))
    page = _html(result)
    if kind != "str":
        assert page, f"{where}: no HTML"
    for raw in RAW:
        assert raw not in page, f"{where}: unescaped {raw!r} in the HTML"
    return any(e in page for e in ESCAPED)


def test_every_verbs_result_renders_text_escaped_html_and_json(world):
    ws, fills = world
    seen: dict[str, set[str]] = {}
    carried: set[str] = set()
    for verb, lines in INVOCATIONS.items():
        if verb == "split":
            merged = ws.sql("SELECT m.mention_id, m.entity_id FROM mention_entities m JOIN entities e "
                            "USING (entity_id) WHERE e.mention_count > 1 ORDER BY 1 LIMIT 1").iloc[0]
            lines = [f"{int(merged['entity_id'])} {int(merged['mention_id'])} --reason {H}"]
        for line in lines:
            filled = line.format(**fills)
            result = _run(ws, verb, filled)
            if _check(verb, filled, result):
                carried.add(verb)
            seen.setdefault(type(result).__name__, set()).add(verb)
    assert CARRIES <= carried, f"hostile text not shown (escaped) by {sorted(CARRIES - carried)}"
    assert {"LoadReport", "ResolveReport", "WorkspaceInfo", "MappingPreview", "Proximity", "Export"} <= set(seen), \
        sorted(seen)


@pytest.mark.parametrize("name", ["LoadReport", "ResolveReport", "WorkspaceInfo"])
def test_the_reports_are_on_the_mixin(world, name):
    from tracekit.resolve.pipeline import ResolveReport
    from tracekit.store.report import LoadReport
    from tracekit.store.verbs import WorkspaceInfo

    kind = {"LoadReport": LoadReport, "ResolveReport": ResolveReport, "WorkspaceInfo": WorkspaceInfo}[name]
    assert issubclass(kind, Rendered)
    assert "_repr_html_" not in vars(kind) and "_repr_mimebundle_" not in vars(kind)  # the mixin's, not its own
