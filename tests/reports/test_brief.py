"""A brief of a planted importer names its network and the rows behind the findings, with no code and no
script; the template contract (a parameters cell) and the PDF's need for Chromium are enforced."""

from __future__ import annotations

import base64
import html
import re

import nbformat
import pytest

import tracekit
from tests.second_world_support import mention_frame, truth_entity_map
from tracekit.errors import TracekitError
from tracekit.reports.brief import brief, check_template, default_template, slug
from tracekit.reports.render import CSP
from tracekit.reports.sections import SUMMARY_MIME


def _page_text(body: str) -> str:
    """What a reader sees: tags dropped, entities decoded, the embedded SVG drawings' text included."""
    drawings = [base64.b64decode(b).decode("utf-8")
                for b in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", body)]
    return html.unescape(re.sub(r"<[^>]+>", " ", body + " ".join(drawings)))


@pytest.fixture(scope="module")
def ours(demo_brief):
    with tracekit.Workspace(demo_brief.workspace, read_only=True) as ws:
        entity_of = truth_entity_map(mention_frame(ws, demo_brief.world))
        names = dict(ws.sql("SELECT entity_id, name FROM entities").itertuples(index=False))
    return {truth_id: names[entity] for truth_id, entity in entity_of.items()}


def test_brief_names_every_company_of_the_planted_network(demo_brief, ours):
    network = demo_brief.truth["networks"][0]
    text = _page_text(demo_brief.html.read_text("utf-8"))
    members = [network["maker"], *network["intermediaries"], network["importer"], *network["onward"]]
    missing = [ours[m] for m in members if ours[m] not in text]
    assert not missing, f"the brief of {demo_brief.subject} misses {missing}"
    # the network table (searchable text, not only the drawing) names them too
    tables = html.unescape(re.sub(r"<img[^>]*>", "", demo_brief.html.read_text("utf-8")))
    assert all(ours[m] in tables for m in members)


def test_brief_shows_the_source_rows_of_the_planted_shipments(demo_brief):
    network = demo_brief.truth["networks"][0]
    importer = network["importer"]
    planted = [f"{s['file']}:{s['line']}" for s in demo_brief.truth["flagged_shipments"]
               if s["network"] == network["id"] and importer in (s["from"], s["to"])]
    assert planted
    text = _page_text(demo_brief.html.read_text("utf-8"))
    missing = [p for p in planted if p not in text]
    assert not missing, f"planted shipments of the importer not shown by file:line: {missing}"


def test_brief_is_self_contained_without_code_or_script(demo_brief):
    body = demo_brief.html.read_text("utf-8")
    assert f'content="{CSP}"' in body
    assert "<script" not in body.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", body), "a remote resource is referenced"
    assert "open_case(" not in body and "tk.summary(" not in body and 'class="jp-InputArea-editor' not in body
    assert 'class="highlight' not in body  # no code rendered at all
    assert "data:image/svg+xml;base64," in body  # the trace graph, embedded
    for heading in ("Summary", "Risk", "Trade network", "Counterparties", "Flagged shipments",
                    "Sanctions proximity", "Changes in the window", "Method notes"):
        assert re.search(rf"<h2[^>]*>\s*{heading}", body), heading


def test_executed_notebook_is_kept_next_to_the_html_with_static_graphs(demo_brief, ours):
    nb = nbformat.read(demo_brief.html.with_suffix(".ipynb"), as_version=4)
    outputs = [o for c in nb.cells for o in c.get("outputs", ())]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert not [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    images = [o for o in outputs if "data:image/svg+xml;base64," in o.get("data", {}).get("text/html", "")]
    assert images, "the trace graph is a static image in the notebook itself (papermill keeps no widget state)"
    facts = next(o["data"][SUMMARY_MIME] for o in outputs if SUMMARY_MIME in o.get("data", {}))
    assert facts["name"] == ours[demo_brief.truth["networks"][0]["importer"]]
    assert facts["findings"][0].startswith("Risk score")
    # the CLI prints the findings and where the files are
    assert facts["findings"][0] in demo_brief.stdout and f"HTML:     {demo_brief.html}" in demo_brief.stdout


def test_method_notes_say_what_was_not_loaded(demo_brief):
    text = _page_text(demo_brief.html.read_text("utf-8"))
    bad = demo_brief.truth["bad_rows"]
    assert bad
    for reason in {b["reason"] for b in bad}:
        assert reason in text
    assert "shipments-us.csv" in text and "fictional" in text and "match threshold" in text


def test_pdf_is_printed_by_chromium(demo_brief):
    if demo_brief.pdf is None:
        pytest.skip("/usr/bin/chromium is missing: the PDF is not printed (run `make browser`)")
    assert demo_brief.pdf.read_bytes()[:5] == b"%PDF-" and demo_brief.pdf.stat().st_size > 20_000


def test_template_without_parameters_cell_is_an_error(workspace, tmp_path):
    nb = nbformat.read(default_template(), as_version=4)
    for cell in nb.cells:
        cell.metadata.pop("tags", None)
    untagged = tmp_path / "mine.ipynb"
    nbformat.write(nb, untagged)
    with pytest.raises(TracekitError, match="no cell tagged 'parameters'.*add the tag `parameters`"):
        brief(workspace, "ACME", template=untagged, out=tmp_path / "b.html")
    assert not (tmp_path / "b.html").exists()
    with pytest.raises(TracekitError, match="does not exist"):
        check_template(tmp_path / "missing.ipynb")
    check_template(default_template())  # the shipped one is tagged


def test_pdf_without_chromium_says_so_before_any_work(workspace, tmp_path, monkeypatch):
    import tracekit.reports.render as render

    monkeypatch.setattr(render, "find_chromium", lambda: None)
    with pytest.raises(TracekitError, match=r"PDF brief needs Chromium.*apt-get install chromium.*--pdf"):
        brief(workspace, "ACME", pdf=True, out=tmp_path / "out" / "b.html")
    assert not (tmp_path / "out").exists()


def test_brief_is_a_verb_of_the_cli_and_the_magic():
    from tracekit.commands import build_parser

    args = build_parser().parse_args(["brief", "ACME CHEM", "-w", "ws", "--out", "b.html", "--hops", "3",
                                      "--window", "2024-01..2024-06", "--watchlist", "fentanyl-precursors",
                                      "--pdf"])
    assert (args.entity, args.hops, args.window, args.watchlists, args.pdf) == (
        "ACME CHEM", 3, "2024-01..2024-06", ["fentanyl-precursors"], True)
    assert args._command.name == "brief"


def test_slug_is_safe_for_file_names():
    assert slug("../../etc/passwd") == "etc-passwd"
    assert slug("=HYPERLINK(\"x\")") == "hyperlink-x"


def test_analyst_template_gets_every_parameter_and_the_workspace_stays_usable(demo_brief, tmp_path):
    """An analyst's own template, through ws.brief on a writable workspace, with a window and a watch list."""
    params = nbformat.v4.new_code_cell("workspace = None\nentity = None\nwindow = None\nwatchlists = None\nhops = 1",
                                       metadata={"tags": ["parameters"]})
    mine = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("## My own brief"), params,
        nbformat.v4.new_code_cell("from tracekit.reports import sections as tk\n"
                                  "from tracekit.reports.case import open_case\n"
                                  "case = open_case(workspace, entity, hops=hops, window=window, watchlists=watchlists)\n"
                                  "print('window', case.since, case.until, 'lists', case.watchlists, 'hops', case.hops)"),
        nbformat.v4.new_code_cell("tk.changes(case)"),
    ])
    template = tmp_path / "mine.ipynb"
    nbformat.write(mine, template)
    with tracekit.Workspace(demo_brief.workspace) as ws:
        store = ws.store
        store.execute("CREATE TEMP TABLE analyst_notes AS SELECT 42 AS answer")
        with pytest.raises(TracekitError, match="no watch list named 'nope'.*fentanyl-precursors"):
            ws.brief(demo_brief.subject, watchlists=["nope"], out=tmp_path / "nope.html")
        result = ws.brief(demo_brief.subject, template=template, out=f"{tmp_path / 'out'}/", hops=3,
                          window="2022-07..2022-12", watchlists=["fentanyl-precursors"])
        # the kernel read beside the caller: the caller's store and its temporary table are as they were
        assert ws.store is store and store.scalar("SELECT answer FROM analyst_notes") == 42
        assert ws.info().shipments > 0
    assert result.html_path.parent == tmp_path / "out" and result.html_path.name.startswith("brief-")
    body = result.html_path.read_text("utf-8")
    assert "window 2022-07-01 2022-12-31 lists ('fentanyl-precursors',) hops 3" in body
    assert "2022-01-01 .. 2022-06-30 against 2022-07-01 .. 2022-12-31" in body  # the changes compared
    assert "My own brief" in body and "open_case" not in body
    assert result.facts == {}  # no summary section in this template


def test_bad_window_fails_before_any_kernel(workspace, tmp_path):
    with pytest.raises(TracekitError, match="window"):
        brief(workspace, "ACME", window="2024-13..2024-01", out=tmp_path / "b.html")


def test_tk_brief_magic_writes_the_brief_and_keeps_its_workspace(demo_brief, tmp_path, monkeypatch, capsys):
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.setenv("TRACEKIT_WORKSPACE", str(demo_brief.workspace))
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "tracekit")
    try:
        ip.user_ns["where"] = str(tmp_path / "magic.html")
        ip.run_cell(f'%tk brief "{demo_brief.subject}" --hops 1 --out {{where}} -o written')
        written = ip.user_ns["written"]
        assert written.html_path == tmp_path / "magic.html" and written.html_path.exists()
        assert written.findings and written.notebook_path.exists()
        assert "magic.html" in written._repr_html_() and "<li>Risk score" in written._repr_html_()
        ip.run_line_magic("tk", "info")  # the magic's workspace was handed back
        assert "shipments" in capsys.readouterr().out
    finally:
        ip.run_line_magic("tk", "close")
        ip.run_line_magic("unload_ext", "tracekit")
        ip.user_ns.pop("written", None)
