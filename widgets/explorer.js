// tracekit explorer: hands cytoscape.js the whole element list in one payload, and keeps it readable.
//
// ipycytoscape makes one ipywidget per node and per edge (about 1 ms each on the Python side, more in
// the browser), so a 5,000-element graph takes seconds before anything is painted. This anywidget
// module finds the cytoscape instance of the ipycytoscape canvas it sits beside (same .tk-explorer
// box), applies the `elements` trait as one diff (remove / add / update, in one batch), runs the
// layout, and reports clicks back to Python as small messages.
//
// Readability, which cytoscape does not give by itself:
// - labels keep a readable size on screen at any zoom (font-size follows 1 / zoom, never below the
//   style's own size), and where labels would overlap only the most important one keeps its label
//   (seeds, the path, then risk and volume: data `tk_rank`); the others show on hover or selection;
//   (style.json never joins two classes in one selector: the cytoscape 3.21.0 that ipycytoscape 1.3
//   bundles matches no element with `.a.b`, so `node.tk-quiet.tk-hover` never showed a hovered label);
// - tier headings (← suppliers · seed · buyers →) stand above the tier columns of the "tiers" layout;
// - hovering a node or an edge shows its `tk_tip` text (name, country, shipments, dates);
// - an explorer restored from a saved notebook without its kernel says how to get it back.
//
// Coupling to ipycytoscape (pinned in pyproject.toml, checked by tests/views/test_frontend_pins.py):
// the cytoscape instance is read from its container's `_cyreg` (cytoscape.js's own registry on the
// container element; ipycytoscape passes its view's element as the container), and a 500 ms poll
// re-binds when ipycytoscape rebuilds the instance (it does in `value_changed`). Nothing here ever
// assigns untrusted text to innerHTML: names reach the page as canvas text or textContent.

const LABEL_PX = 11; // the smallest label size on screen, in CSS pixels
const POLL_MS = 500;

function findCy(el) {
  const box = el.closest(".tk-explorer");
  const canvas = box && box.querySelector(".tk-canvas");
  const cy = canvas && canvas._cyreg && canvas._cyreg.cy;
  return cy && !cy.destroyed() ? { cy, canvas, box } : null;
}

function applyElements(cy, elements) {
  const wanted = new Map(elements.map((e) => [e.data.id, e]));
  const added = [];
  cy.batch(() => {
    cy.elements().forEach((ele) => {
      if (!wanted.has(ele.id())) ele.remove();
    });
    for (const e of elements) {
      const current = cy.getElementById(e.data.id);
      if (current.nonempty()) {
        current.data(e.data);
        current.classes(e.classes || "");
        if (e.position) current.position(e.position);
      } else {
        added.push(e);
      }
    }
  });
  if (added.length) cy.add(added);
  return added.length;
}

// -- node bounding boxes cached as cytoscape meant ------------------------------------------------

// cytoscape 3.21.0 (bundled by ipycytoscape 1.3) re-uses an element's cached bounding box unless
// `!useCache || isDirty(ele) || isEdge && isDirty(ele.source()) || isDirty(ele.target())`: the missing
// parentheses make every NODE ask its target(), which for a node is a new empty collection with no
// cache, so every node's box is recomputed on every call: three calls per node per frame while drawing,
// about a third of each redraw of a 2,000-edge graph (docs/benchmarks.md). Giving each node one shared
// empty target that says "clean" restores the cache the code meant: the same boxes (checked in
// tests/views/browser), node.target() still empty. tests/views/test_frontend_pins.py fails when the
// bundled cytoscape changes, so this is re-checked (and dropped once the bug is gone).
function cacheNodeBounds(cy) {
  let clean = cy.scratch("_tkCleanTarget");
  if (!clean) {
    clean = cy.collection();
    clean._private.bbCache = {};
    clean._private.styleDirty = false;
    cy.scratch("_tkCleanTarget", clean);
  }
  cy.nodes().forEach((node) => {
    if (!node._private.target) node._private.target = clean;
  });
}

// -- readable labels ------------------------------------------------------------------------------

// Font size in model units so that a label is at least LABEL_PX on screen; labels grow when zooming in.
function labelSize(zoom) {
  return Math.max(LABEL_PX, LABEL_PX / zoom);
}

// The width of a label as the canvas will draw it (measured in the same font; cached per text and font).
const widths = new Map();
let measurer = null;
function textWidth(fontPx) {
  measurer = measurer || document.createElement("canvas").getContext("2d");
  return (text, weight, family) => {
    const font = `${weight} ${fontPx.toFixed(2)}px ${family}`;
    const key = font + "\u0000" + text;
    let width = widths.get(key);
    if (width === undefined) {
      if (widths.size > 20000) widths.clear();
      measurer.font = font;
      width = measurer.measureText(text).width;
      widths.set(key, width);
    }
    return width;
  };
}

// Greedy: labels in rank order, each kept unless its box overlaps a kept one (a grid makes it O(n)).
function quietOverlaps(cy) {
  const zoom = cy.zoom();
  const fontPx = labelSize(zoom) * zoom;
  const cell = 64;
  const grid = new Map();
  const hits = (b) => {
    for (let gx = Math.floor(b.x1 / cell); gx <= Math.floor(b.x2 / cell); gx++) {
      for (let gy = Math.floor(b.y1 / cell); gy <= Math.floor(b.y2 / cell); gy++) {
        for (const o of grid.get(gx + "," + gy) || []) {
          if (b.x1 < o.x2 && o.x1 < b.x2 && b.y1 < o.y2 && o.y1 < b.y2) return true;
        }
      }
    }
    return false;
  };
  const keep = (b) => {
    for (let gx = Math.floor(b.x1 / cell); gx <= Math.floor(b.x2 / cell); gx++) {
      for (let gy = Math.floor(b.y1 / cell); gy <= Math.floor(b.y2 / cell); gy++) {
        const key = gx + "," + gy;
        if (!grid.has(key)) grid.set(key, []);
        grid.get(key).push(b);
      }
    }
  };
  const measure = textWidth(fontPx);
  const nodes = cy.nodes().toArray();
  nodes.sort((a, b) => (a.data("tk_rank") ?? 9) - (b.data("tk_rank") ?? 9));
  const loud = [];
  const quiet = [];
  for (const n of nodes) {
    if (!n.visible()) continue; // hidden (e.g. filtered by a time window): no label to collide with
    const text = String(n.data("label") || "");
    const p = n.renderedPosition();
    const half = (n.renderedOuterHeight() || 0) / 2;
    const maxWidth = parseFloat(n.style("text-max-width")) * zoom;
    const width = Math.min(measure(text, n.style("font-weight"), n.style("font-family")) + 4, maxWidth);
    const centred = n.data("kind") === "more";
    const top = centred ? p.y - fontPx * 0.65 : p.y + half + 2;
    // about cytoscape's own label box (line height and text background padding), a pixel of air at the sides
    const box = { x1: p.x - width / 2 - 1, x2: p.x + width / 2 + 1, y1: top, y2: top + fontPx * 1.3 };
    if (n.hasClass("seed") || !hits(box)) {
      keep(box);
      loud.push(n);
    } else {
      quiet.push(n);
    }
  }
  cy.batch(() => {
    cy.collection(loud).removeClass("tk-quiet");
    cy.collection(quiet).addClass("tk-quiet");
  });
  return quiet.length;
}

function readable(cy, state) {
  const zoom = cy.zoom();
  if (state.zoom !== zoom) {
    state.zoom = zoom;
    cy.nodes().style("font-size", labelSize(zoom));
  }
  arrowDetail(cy, state);
  state.quiet = quietOverlaps(cy);
}

// -- arrowheads where they can be seen ------------------------------------------------------------

// cytoscape draws an arrowhead max(29, (13.37 w)^0.9) × arrow-scale (0.8 in style.json) model units
// long: at the zoom that fits a ~2,000-edge graph (0.12) that is under 3 px, a dot on the target
// node rather than a direction, and it is the costliest part of drawing an edge on a software canvas
// (a transform and a fill per edge: ~ a quarter of each redraw while the timeline scrubs, see
// docs/benchmarks.md). Zoomed that far out, edges lose the arrowhead (class tk-far); the path, the
// selected and the hovered edge keep theirs, and zooming in brings them all back.
const ARROW_MODEL = 29 * 0.8;
const ARROW_MIN_PX = 4;

function arrowDetail(cy, state) {
  const far = cy.zoom() * ARROW_MODEL < ARROW_MIN_PX;
  if (state.far === far) return;
  state.far = far;
  cy.batch(() => {
    if (far) cy.edges().addClass("tk-far");
    else cy.edges().removeClass("tk-far");
  });
}

// -- overlays: tier headings, hover text, the reconnect note ----------------------------------------

function overlayHost(canvas) {
  if (getComputedStyle(canvas).position === "static") canvas.style.position = "relative";
  let host = canvas.querySelector(":scope > .tk-overlay");
  if (!host) {
    host = document.createElement("div");
    host.className = "tk-overlay";
    Object.assign(host.style, { position: "absolute", inset: "0", pointerEvents: "none", zIndex: "5",
                                overflow: "hidden" });
    canvas.appendChild(host);
  }
  return host;
}

function drawHeadings(cy, canvas, headings, preset) {
  const host = overlayHost(canvas);
  let bar = host.querySelector(".tk-tier-headings");
  if (!bar) {
    bar = document.createElement("div");
    bar.className = "tk-tier-headings";
    host.appendChild(bar);
  }
  bar.replaceChildren();
  if (!preset) return;
  const zoom = cy.zoom();
  const pan = cy.pan();
  // zoomed far out, the tier columns crowd together and their headings would print over each other:
  // place the seed's heading first, then the nearer tiers, and leave out any that would overlap one placed
  const placed = [];
  const byNearness = [...headings].sort((a, b) => Math.abs(a.tier) - Math.abs(b.tier) || a.tier - b.tier);
  for (const h of byNearness) {
    const label = document.createElement("div");
    label.className = "tk-tier-heading";
    label.dataset.tier = String(h.tier);
    label.textContent = h.text;
    Object.assign(label.style, {
      position: "absolute", top: "4px", left: `${h.x * zoom + pan.x}px`, transform: "translateX(-50%)",
      font: `600 12px sans-serif`, color: h.tier === 0 ? "#111" : "#555", whiteSpace: "nowrap",
      background: "rgba(255,255,255,0.85)", padding: "1px 6px", borderRadius: "3px",
      borderBottom: `2px solid ${h.tier === 0 ? "#111" : "#bbb"}`,
    });
    bar.appendChild(label);
    // keep the heading inside the canvas (its column may sit at the very edge)
    const half = label.offsetWidth / 2 + 2;
    const centre = Math.min(Math.max(h.x * zoom + pan.x, half), canvas.clientWidth - half);
    label.style.left = `${centre}px`;
    if (placed.some(([low, high]) => centre - half < high && centre + half > low)) {
      label.remove();
      continue;
    }
    placed.push([centre - half, centre + half]);
  }
  // left to right in the page, as they stand over their columns
  for (const label of [...bar.children].sort((a, b) => parseFloat(a.style.left) - parseFloat(b.style.left))) {
    bar.appendChild(label);
  }
}

function tooltip(canvas) {
  const host = overlayHost(canvas);
  let tip = host.querySelector(".tk-tip");
  if (!tip) {
    tip = document.createElement("div");
    tip.className = "tk-tip";
    Object.assign(tip.style, {
      position: "absolute", display: "none", maxWidth: "340px", whiteSpace: "pre-line",
      background: "rgba(255,255,255,0.97)", border: "1px solid #999", borderRadius: "4px",
      padding: "4px 7px", font: "12px/1.35 sans-serif", color: "#111", boxShadow: "0 1px 4px rgba(0,0,0,.25)",
    });
    host.appendChild(tip);
  }
  return tip;
}

function showTip(canvas, evt) {
  const text = evt.target.data("tk_tip");
  const tip = tooltip(canvas);
  if (!text) {
    tip.style.display = "none";
    return;
  }
  tip.textContent = String(text); // text, never HTML: names come from the data
  const p = evt.renderedPosition || evt.target.renderedPosition();
  const width = canvas.clientWidth;
  tip.style.display = "block";
  tip.style.left = `${Math.min(p.x + 12, Math.max(0, width - tip.offsetWidth - 4))}px`;
  const below = p.y + 14 + tip.offsetHeight <= canvas.clientHeight; // else above the pointer
  tip.style.top = `${below ? p.y + 14 : Math.max(0, p.y - tip.offsetHeight - 10)}px`;
}

function noteDisconnected(box, canvas) {
  const disconnected = box.classList.contains("jupyter-widgets-disconnected");
  let note = box.querySelector(":scope .tk-reconnect");
  if (disconnected && !note) {
    note = document.createElement("div");
    note.className = "tk-reconnect";
    note.textContent =
      "Not connected to a kernel: this is the explorer as it was saved. Clicks, expand, filters and " +
      "evidence need a live kernel: re-run this cell (and the cells before it) to explore again.";
    Object.assign(note.style, {
      background: "#fff4ce", border: "1px solid #e0b400", borderRadius: "3px", padding: "4px 8px",
      margin: "2px 0", font: "13px sans-serif", color: "#3b2f00",
    });
    canvas.parentElement.insertBefore(note, canvas);
  } else if (!disconnected && note) {
    note.remove();
  }
}

// -- the feeder -----------------------------------------------------------------------------------

function runLayout(cy, layout, state, onDone) {
  const options = Object.assign({ animate: false, fit: true, padding: 30 }, layout || { name: "preset" });
  const run = cy.layout(options);
  run.one("layoutstop", () => {
    cy.fit(undefined, 30);
    // a tiny graph must not be blown up: nodes and edges keep their size
    if (cy.zoom() > 1.6) cy.zoom({ level: 1.6, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
    arrowDetail(cy, state); // before the first paint: no frame drawn with arrows only to drop them
    // room at the top for the tier headings
    if (options.name === "preset") cy.panBy({ x: 0, y: 10 });
    // two frames: the first schedules the paint, the second runs after it
    requestAnimationFrame(() => requestAnimationFrame(onDone));
  });
  run.run();
}

function render({ model, el }) {
  el.classList.add("tk-feeder");
  el.style.display = "none";
  let bound = null; // the cytoscape instance our listeners and elements live in
  let boundCanvas = null;
  let applied = -1;
  const state = { zoom: null, quiet: 0, far: null };
  let headings = [];
  const preset = () => (model.get("cy_layout") || {}).name === "preset";

  let settle = null;
  const onViewport = () => {
    if (!bound) return;
    drawHeadings(bound, boundCanvas, headings, preset());
    tooltip(boundCanvas).style.display = "none";
    clearTimeout(settle); // re-check overlaps once the zoom settles, not on every wheel step
    settle = setTimeout(() => {
      if (!bound) return;
      readable(bound, state);
      boundCanvas.dataset.tkQuiet = String(state.quiet);
    }, 80);
  };

  const paint = () => {
    const found = findCy(el);
    if (!found) return false;
    const { cy, canvas, box } = found;
    noteDisconnected(box, canvas);
    if (bound !== cy) {
      bound = cy;
      boundCanvas = canvas;
      applied = -1;
      state.zoom = null;
      state.far = null;
      canvas.tkCy = cy; // tests and benchmarks read the graph state from here
      // whoever hides or shows elements (the timeline) calls this to re-decide which labels fit
      canvas.tkReadable = () => {
        readable(cy, state);
        canvas.dataset.tkQuiet = String(state.quiet);
      };
      const send = (event) => (evt) =>
        model.send({ event, group: evt.target.group(), id: evt.target.id() });
      cy.on("tap", "node", send("tap"));
      cy.on("tap", "edge", send("tap"));
      cy.on("dbltap", "node", send("dbltap"));
      cy.on("mouseover", "node, edge", (evt) => {
        evt.target.addClass("tk-hover");
        showTip(canvas, evt);
      });
      cy.on("mouseout", "node, edge", (evt) => {
        evt.target.removeClass("tk-hover");
        tooltip(canvas).style.display = "none";
      });
      cy.on("viewport", onViewport);
    }
    const revision = model.get("revision");
    if (applied === revision) return true;
    applied = revision;
    let elements = [];
    try {
      elements = JSON.parse(model.get("elements") || "[]");
      headings = JSON.parse(model.get("headings") || "[]");
    } catch (err) {
      console.error("tracekit: bad elements payload", err);
    }
    applyElements(cy, elements);
    cacheNodeBounds(cy);
    state.zoom = null; // new nodes need their label size too, even if the zoom stays the same
    state.far = null; // and new edges their arrowhead detail
    runLayout(cy, model.get("cy_layout"), state, () => {
      readable(cy, state);
      drawHeadings(cy, canvas, headings, preset());
      canvas.dataset.tkQuiet = String(state.quiet);
      canvas.dataset.tkPainted = String(revision);
      canvas.dataset.tkElements = String(cy.elements().length);
      model.set("painted", revision);
      model.save_changes();
    });
    return true;
  };

  // the ipycytoscape view creates its cytoscape instance once displayed: wait for it, and re-apply if
  // it ever rebuilds the instance (it does when some of its traits change)
  let timer = null;
  const poll = () => {
    paint();
    timer = setTimeout(poll, bound ? POLL_MS : 30);
  };
  poll();

  model.on("change:revision", () => paint());
  model.on("change:cy_layout", () => {
    if (bound) {
      runLayout(bound, model.get("cy_layout"), state, () => {
        readable(bound, state);
        drawHeadings(bound, boundCanvas, headings, preset());
      });
    }
  });
  model.on("msg:custom", (msg) => {
    if (!bound) return;
    if (msg.action === "png") {
      const data = bound.png({ full: true, bg: "white", scale: msg.scale || 2, output: "base64" });
      model.send({ event: "png", token: msg.token, data });
    } else if (msg.action === "fit") {
      bound.fit(undefined, 30);
    }
  });
  return () => {
    clearTimeout(timer);
    clearTimeout(settle);
  };
}

export default { render };
