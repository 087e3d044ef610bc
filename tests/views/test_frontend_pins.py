"""The explorer's front end leans on internals of ipycytoscape, cytoscape.js and the widget manager.

``widgets/explorer.js`` reads the cytoscape instance from ``container._cyreg`` and polls every 500 ms for
a rebuilt instance, and gives every node one shared clean ``target()`` so that cytoscape 3.21.0 keeps
node bounding boxes cached (its cache check recomputes them on every call); the reconnect note reads the widget manager's ``jupyter-widgets-disconnected`` class;
the feeder's layout trait is not called ``layout`` because the widget manager builds a child view from
every DOM widget's ``layout``. None of that is a public API. These tests read the installed versions and
the installed JavaScript: when either changes they fail, naming what to re-check. To accept a new version,
run the browser tests (``pytest tests/views/browser``), look at a notebook with
``../shared/tools/notebook_look.py``, then update :data:`VERIFIED` (and the bounds in pyproject.toml).
"""

from __future__ import annotations

import re
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LABEXTENSIONS = Path(sys.prefix) / "share" / "jupyter" / "labextensions"

#: the versions the explorer was checked with in a real JupyterLab + Chromium (tests/views/browser)
VERIFIED = {
    "ipycytoscape": "1.3.3",  # exact: the canvas's DOM and rebuild behaviour are its internals
    "jupyterlab": "4.6",  # major.minor
    "jupyterlab_widgets": "3.0",  # @jupyter-widgets/base 6: view classes, setLayout, _comm_live_update
    "anywidget": "0.11",
}
#: cytoscape.js as bundled by ipycytoscape's labextension (``_cyreg`` is cytoscape.js's own registry)
VERIFIED_CYTOSCAPE_JS = "3.21.0"


def _bundle(package: str) -> str:
    folder = LABEXTENSIONS / package / "static"
    if not folder.is_dir():
        pytest.fail(f"the {package} labextension is not installed in {sys.prefix}: the explorer cannot render")
    return "\n".join(path.read_text(encoding="utf-8", errors="replace") for path in sorted(folder.glob("*.js")))


@pytest.mark.parametrize("package", sorted(VERIFIED))
def test_installed_versions_are_the_verified_ones(package):
    installed = version(package)
    expected = VERIFIED[package]
    assert installed == expected or installed.startswith(expected + "."), (
        f"{package} {installed} is installed; the explorer's front end was verified with {expected}. "
        "Re-run tests/views/browser and the checks in this file's docstring, then update VERIFIED.")


def test_ipycytoscape_labextension_has_the_internals_explorer_js_uses():
    js = _bundle("jupyter-cytoscape")
    package = (LABEXTENSIONS / "jupyter-cytoscape" / "package.json").read_text()
    assert f'"version": "{VERIFIED["ipycytoscape"]}"' in package
    bundled = re.findall(r'\.version="(\d+\.\d+\.\d+)"', js)
    assert VERIFIED_CYTOSCAPE_JS in bundled, f"cytoscape.js {bundled} bundled, verified {VERIFIED_CYTOSCAPE_JS}"
    # cytoscape.js registers each instance on its container element (what findCy() reads) and replaces it
    # when a new instance takes the same container
    assert re.search(r"\._cyreg:null;.{0,120}\._cyreg=\w+\),\w+\.cy=\w+", js, re.S), "cytoscape's _cyreg changed"
    # ipycytoscape's view is that container: the .tk-canvas element carries _cyreg
    assert "container:this.el," in js, "ipycytoscape no longer renders into its view's element"
    # it rebuilds the instance when some traits change: the 500 ms poll re-binds to the new one
    assert "value_changed(){this.is_rendered&&(this.monitored={},this.init_render())}" in js
    # its click tooltip writes data()[tooltip_source] as HTML, and only when that field is set: the
    # explorer keeps tooltip_source empty and shows its own hover text as text
    assert re.search(r'\w+=this\.model\.get\("tooltip_source"\);\w+\.data\(\)\[\w+\]&&', js)
    assert "innerHTML" in js  # if it ever stops doing that, the comment in canvas.py is out of date
    # the bounding-box cache test whose precedence makes every node recompute its box on each call
    # (`… || isEdge && isDirty(ele.source()) || isDirty(ele.target())`, minified): explorer.js gives nodes
    # a clean shared target() to get the cache back; when this changes, check whether that is still needed
    assert re.search(r"!\w\|\|\w\(e\)\|\|\w&&\w\(e\.source\(\)\)\|\|\w\(e\.target\(\)\)\?", js), \
        "cytoscape's bounding-box cache check changed: re-check cacheNodeBounds in widgets/explorer.js"
    # a node's target() is its _private.target or an empty collection (what cacheNodeBounds sets)
    assert re.search(r"target:\w+\(\(function\(e\)\{var t,n=this\[0\];return n&&\(t=n\._private\.target\|\|", js)


def test_widget_manager_internals_the_explorer_relies_on():
    js = _bundle("@jupyter-widgets/jupyterlab-manager")
    # a restored explorer without a kernel gets this class: explorer.js shows how to reconnect
    assert '_comm_live_update(){this.model.comm_live?this.luminoWidget.removeClass("jupyter-widgets-disconnected")' \
        in js
    # every DOM widget's view builds a child view from the model's "layout" trait: the feeder's own layout
    # must not be called "layout" (a dict there was the "reading 'then'" page error)
    assert 'this.setLayout(this.model.get("layout"))' in js
    from tracekit.views.canvas import ElementFeeder

    assert "cy_layout" in ElementFeeder.class_traits() and ElementFeeder().layout.__class__.__name__ == "Layout"


def test_explorer_js_still_uses_what_is_pinned_here():
    js = (REPO / "widgets" / "explorer.js").read_text(encoding="utf-8")
    assert "canvas._cyreg && canvas._cyreg.cy" in js and "const POLL_MS = 500;" in js
    assert 'classList.contains("jupyter-widgets-disconnected")' in js


def test_pyproject_bounds_match_the_verified_versions():
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    for requirement in ('"ipycytoscape>=1.3.3,<1.4"', '"jupyterlab>=4.2,<5"', '"anywidget>=0.9,<1"'):
        assert requirement in text, f"pyproject.toml lost the bound {requirement}"
