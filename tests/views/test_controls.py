"""Every control of the explorer does something: each one, used as a person would, changes its state.

The controls are found by walking the widget tree (buttons, menus, text boxes, sliders), so a control
added without an exercise here fails the test (issue 11: "remove or wire every unused control"). The
timeline's slider and play button are drawn by widgets/timeline.js, not ipywidgets; the browser tests
(tests/views/browser/test_timeline_browser.py) drive them.
"""

from __future__ import annotations

import pytest

from tests.verbs.conftest import build

widgets = pytest.importorskip("ipywidgets")

INERT = (widgets.HTML, widgets.HTMLMath, widgets.Label)


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    workspace = build(tmp_path_factory.mktemp("controls"))
    yield workspace
    workspace.close()


@pytest.fixture()
def explorer(ws):
    ex = ws.show("Alpha Chem Co", limit=1)
    ex.expand_limit = 50
    return ex


def _controls(ex) -> dict[str, widgets.Widget]:
    """Every interactive widget in the explorer's tree, by the explorer attribute that holds it."""
    found, stack = [], [ex]
    while stack:
        widget = stack.pop()
        if isinstance(widget, widgets.Button) or (isinstance(widget, widgets.ValueWidget)
                                                  and not isinstance(widget, INERT)):
            found.append(widget)
        stack.extend(getattr(widget, "children", ()))
    names = {id(w): n for n, w in vars(ex).items() if isinstance(w, widgets.Widget)}
    unnamed = [type(w).__name__ for w in found if id(w) not in names]
    assert not unnamed, f"controls the explorer holds no attribute for: {unnamed}"
    return {names[id(w)]: w for w in found}


def _state(ex) -> dict:
    return {"layout": dict(ex.canvas.feeder.cy_layout), "colour": ex.colour_by,
            "elements": ex.canvas.feeder.elements, "visible": sorted(map(str, ex.visible.nodes)),
            "hits": list(ex.hits.options), "filters": ex.filters.describe(), "selected": ex.selected,
            "exports": sorted(p.name for p in ex.export_dir().iterdir())}


def _other(dropdown) -> object:
    values = [o[1] if isinstance(o, tuple) else o for o in dropdown.options]
    return next(v for v in values if v != dropdown.value)


def _layout(ex):
    ex.layout_menu.value = _other(ex.layout_menu)


def _colour(ex):
    ex.colour_menu.value = _other(ex.colour_menu)


def _expand(ex):
    ex.select(next(iter(ex.seeds)))
    ex.expand_button.click()


def _collapse(ex):
    _expand(ex)
    before = _state(ex)
    ex.select(next(iter(ex.seeds)))
    ex.collapse_button.click()
    return before


def _search_box(ex):
    ex.search_box.value = "Gamma"


def _search_button(ex):
    ex.search_box.value = "Delta"
    before = _state(ex)
    ex.hits.options = []
    ex.search_button.click()
    return before | {"hits": []}


def _hits(ex):
    ex.find("Chem")
    before = _state(ex)
    ex.hits.value = _other(ex.hits)
    return before


def _filter(control: str, value):
    def use(ex):
        getattr(ex, control).value = value
        before = _state(ex)
        ex.apply_button.click()
        return before

    return use


def _export(choice: str):
    def use(ex):
        ex.export_menu.value = choice
        before = _state(ex)
        ex.export_button.click()
        return before

    return use


# control → how a person uses it (returning the state before the decisive step when it has two steps)
EXERCISES = {
    "layout_menu": _layout,
    "colour_menu": _colour,
    "expand_button": _expand,
    "collapse_button": _collapse,
    "search_box": _search_box,
    "search_button": _search_button,
    "hits": _hits,
    "since": _filter("since", "2023-03-01"),
    "until": _filter("until", "2022-11-30"),
    "hs_prefix": _filter("hs_prefix", "2810"),
    "min_shipments": _filter("min_shipments", 3),
    "min_risk": _filter("min_risk", 0.5),
    "apply_button": _filter("since", "2024-01-01"),
    "export_menu": _export("GEXF (Gephi)"),
    "export_button": _export("GraphML"),
}


def test_every_control_has_an_exercise(explorer):
    assert set(_controls(explorer)) == set(EXERCISES)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_each_control_changes_the_explorers_state(explorer, name):
    before = _state(explorer)
    earlier = EXERCISES[name](explorer)
    after = _state(explorer)
    before = earlier if earlier is not None else before
    changed = sorted(k for k in after if after[k] != before[k])
    assert changed, f"{name}: used, and nothing changed"
    shows = {"layout_menu": "layout", "search_box": "hits", "search_button": "hits", "hits": "selected",
             "export_menu": "exports", "export_button": "exports"}.get(name, "elements")
    assert shows in changed, f"{name}: {shows} did not change ({changed})"
