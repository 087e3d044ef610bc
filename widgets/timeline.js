// tracekit timeline: a date-range slider and a play button over the explorer's cytoscape canvas.
//
// Python sends ONE JSON payload per change of the graph (tracekit/views/timeline.py): the months
// covered, each trade edge's shipments per month, and the day each edge and node joins a
// time-respecting flow (computed in Python by the trace's own traversal; nothing is re-derived here).
// Moving a slider filters in the browser, with no kernel round trip: an edge stays visible when it
// carried at least one shipment inside the window (prefix sums per edge, O(edges) per step), else it
// gets `display: none`; companies left without a visible trade edge fade. Play moves the window's end
// through time and lights each flow edge on the day its traced shipment left, so hops light in order.
// Styles are element bypasses, so they survive the explorer re-applying classes and style sheets.
// Only textContent is ever assigned: dates and counts, never names.

const FLOW = "#e6550d";

function findCy(el) {
  const box = el.closest(".tk-explorer");
  const canvas = box && box.querySelector(".tk-canvas");
  const cy = canvas && (canvas.tkCy || (canvas._cyreg && canvas._cyreg.cy));
  return cy && !cy.destroyed() ? { cy, canvas } : null;
}

function monthEnd(month) {
  return month + "-31"; // ISO days compare as text: "2024-02-31" is after every day of February
}

function make(tag, props, parent) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  if (parent) parent.appendChild(node);
  return node;
}

function render({ model, el }) {
  el.classList.add("tk-timeline");
  // arrow keys on a focused slider move it: JupyterLab must not take them as notebook shortcuts
  el.dataset.lmSuppressShortcuts = "true";
  el.addEventListener("keydown", (event) => event.stopPropagation());
  Object.assign(el.style, { display: "flex", flexWrap: "wrap", alignItems: "center", gap: "6px",
                            margin: "2px 0", fontSize: "12px" });
  const play = make("button", { className: "tk-play jupyter-button", textContent: "▶ play",
                                title: "step through time: flows light up in the order their shipments moved" }, el);
  const stepButton = make("button", { className: "tk-step jupyter-button", textContent: "step ›",
                                      title: "one step forward" }, el);
  const reset = make("button", { className: "tk-reset jupyter-button", textContent: "all dates",
                                 title: "show every date and clear the flows" }, el);
  make("span", { textContent: "from" }, el);
  const from = make("input", { type: "range", className: "tk-from", min: 0, max: 0, value: 0, step: 1 }, el);
  make("span", { textContent: "to" }, el);
  const to = make("input", { type: "range", className: "tk-to", min: 0, max: 0, value: 0, step: 1 }, el);
  from.style.width = to.style.width = "160px";
  const readout = make("span", { className: "tk-window" }, el);
  const flowNote = make("span", { className: "tk-flow-note", style: "color:" + FLOW }, el);

  let data = { months: [], counts: {}, flow_edges: {}, flow_nodes: {} };
  let bound = null;
  let cache = null; // [{ele, trade, cum, lo, hi, flowDay, shown, lit}] rebuilt when elements change
  let nodes = null;
  let flowDay = null; // null: flows not shown
  let steps = [];
  let stepAt = -1;
  let timer = null;
  let pending = false;

  const months = () => data.months || [];

  function readPayload() {
    try {
      data = JSON.parse(model.get("payload") || "{}");
    } catch (err) {
      console.error("tracekit timeline: bad payload", err);
      data = {};
    }
    data.months = data.months || [];
    const keep = model.get("window") || [];
    const last = Math.max(months().length - 1, 0);
    from.max = to.max = String(last);
    const lo = months().indexOf(keep[0]);
    const hi = months().indexOf(keep[1]);
    from.value = String(lo >= 0 ? lo : 0);
    to.value = String(hi >= 0 ? hi : last);
    const none = months().length === 0;
    for (const control of [play, stepButton, reset, from, to]) control.disabled = none;
    buildSteps();
    cache = null;
  }

  function buildSteps() {
    const days = new Set(Object.values(data.flow_edges || {}));
    for (const m of months()) days.add(monthEnd(m));
    steps = [...days].sort();
  }

  function buildCache(cy) {
    const index = new Map(months().map((m, i) => [m, i]));
    const n = months().length;
    cache = [];
    cy.edges().forEach((ele) => {
      const d = ele.data();
      const trade = (d.kind || "trade") === "trade";
      const entry = { ele, trade, cum: null, lo: -1, hi: n, flowDay: (data.flow_edges || {})[d.id] || null,
                      shown: true, lit: false, source: d.source, target: d.target };
      const pairs = (data.counts || {})[d.id];
      if (trade && pairs) {
        const cum = new Int32Array(n + 1);
        for (let i = 0; i < pairs.length; i += 2) cum[pairs[i] + 1] += pairs[i + 1];
        for (let i = 0; i < n; i++) cum[i + 1] += cum[i];
        entry.cum = cum;
      } else if (trade) { // no counts (no workspace, or no dated shipment): the edge's date span
        const a = index.get(String(d.first_date || "").slice(0, 7));
        const b = index.get(String(d.last_date || "").slice(0, 7));
        entry.lo = a === undefined ? -1 : a;
        entry.hi = b === undefined ? n : b;
      }
      entry.shown = ele.style("display") !== "none";
      cache.push(entry);
    });
    nodes = [];
    const hasTrade = new Set();
    for (const e of cache) if (e.trade) { hasTrade.add(e.source); hasTrade.add(e.target); }
    cy.nodes().forEach((ele) => {
      nodes.push({ ele, id: ele.id(), trade: hasTrade.has(ele.id()), quiet: false, lit: false,
                   flowDay: (data.flow_nodes || {})[ele.id()] || null, seed: ele.hasClass("seed") });
    });
  }

  // the filter step: the only work a slider move costs (timed for the benchmark)
  function apply() {
    const found = findCy(el);
    if (!found) return null;
    const cy = found.cy;
    const started = performance.now();
    if (!cache) {
      buildCache(cy);
      el.dataset.tkCacheMs = (performance.now() - started).toFixed(1);
    }
    const lo = Number(from.value);
    const hi = Math.max(Number(to.value), lo);
    const active = new Set();
    let shownTrade = 0;
    let trades = 0;
    let litEdges = 0;
    cy.batch(() => {
      for (const e of cache) {
        let show = true;
        if (e.trade && months().length) {
          show = e.cum ? e.cum[hi + 1] - e.cum[lo] > 0 : e.hi >= lo && e.lo <= hi;
          trades += 1;
          if (show) { shownTrade += 1; active.add(e.source); active.add(e.target); }
        }
        if (show !== e.shown) {
          if (show) e.ele.removeStyle("display"); else e.ele.style("display", "none");
          e.shown = show;
        }
        const lit = flowDay !== null && e.flowDay !== null && e.flowDay <= flowDay;
        if (lit) litEdges += 1;
        if (lit !== e.lit) {
          // a lit hop keeps its arrowhead even zoomed far out (explorer.js drops the others there)
          if (lit) e.ele.style({ "line-color": FLOW, "target-arrow-color": FLOW, "target-arrow-shape": "triangle", "z-index": 20 });
          else e.ele.removeStyle("line-color target-arrow-color target-arrow-shape z-index");
          e.lit = lit;
        }
      }
      for (const v of nodes) {
        const quiet = months().length > 0 && v.trade && !v.seed && !active.has(v.id);
        if (quiet !== v.quiet) {
          if (quiet) v.ele.style("opacity", 0.2); else v.ele.removeStyle("opacity");
          v.quiet = quiet;
        }
        const lit = flowDay !== null && v.flowDay !== null && v.flowDay <= flowDay;
        if (lit !== v.lit) {
          if (lit) v.ele.style({ "border-color": FLOW, "border-width": 4 });
          else v.ele.removeStyle("border-color border-width");
          v.lit = lit;
        }
      }
    });
    const ms = performance.now() - started;
    el.dataset.tkFilterMs = ms.toFixed(2);
    el.dataset.tkVisibleEdges = String(shownTrade);
    el.dataset.tkLitEdges = String(litEdges);
    (window.__tkTimelineMs = window.__tkTimelineMs || []).push(ms);
    const m = months();
    readout.textContent = (m.length
      ? `${m[lo]} → ${m[hi]} · ${shownTrade.toLocaleString()} of ${trades.toLocaleString()} trade edges`
      : "no dated trade edges") + (data.note ? ` (${data.note})` : "");
    const flowCount = Object.keys(data.flow_edges || {}).length;
    flowNote.textContent = flowDay === null
      ? (flowCount ? `${flowCount} time-respecting hops: press play` : "")
      : `${litEdges} of ${flowCount} time-respecting hops moved by ${flowDay.startsWith(m[hi]) && flowDay.endsWith("-31") ? m[hi] : flowDay}`;
    return ms;
  }

  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; apply(); });
  }

  function sendWindow() {
    const m = months();
    if (!m.length) return;
    model.set("window", [m[Number(from.value)], m[Math.max(Number(to.value), Number(from.value))]]);
    model.save_changes();
  }

  function goTo(i) {
    stepAt = i;
    const day = steps[i];
    const month = months().indexOf(day.slice(0, 7));
    flowDay = day;
    if (month >= 0) to.value = String(Math.max(month, Number(from.value)));
    el.dataset.tkStep = String(i);
    el.dataset.tkFlowDay = day;
    apply();
  }

  function nextStep() {
    const lo = months()[Number(from.value)] || "";
    let i = stepAt + 1;
    while (i < steps.length && steps[i] < lo) i += 1; // start at the window's beginning
    if (i >= steps.length) return false;
    goTo(i);
    return true;
  }

  function stop() {
    if (timer) clearTimeout(timer);
    timer = null;
    play.textContent = "▶ play";
    el.dataset.tkPlaying = "0";
    sendWindow();
  }

  function tick() {
    if (!nextStep()) { stop(); return; }
    timer = setTimeout(tick, model.get("step_ms") || 700);
  }

  play.addEventListener("click", () => {
    if (timer) { stop(); return; }
    if (stepAt >= steps.length - 1) stepAt = -1; // played to the end: start over
    play.textContent = "⏸ pause";
    el.dataset.tkPlaying = "1";
    tick();
  });
  stepButton.addEventListener("click", () => { if (!nextStep()) stepAt = -1; sendWindow(); });
  reset.addEventListener("click", () => {
    if (timer) stop();
    flowDay = null;
    stepAt = -1;
    from.value = "0";
    to.value = String(Math.max(months().length - 1, 0));
    apply();
    sendWindow();
  });
  const onSlide = (moved) => () => {
    if (Number(from.value) > Number(to.value)) (moved === from ? to : from).value = moved.value;
    if (flowDay !== null) { // scrubbing after play keeps the flows that had moved by the window's end
      flowDay = monthEnd(months()[Number(to.value)]);
      stepAt = steps.findIndex((s) => s >= flowDay) - 1;
    }
    apply();
  };
  from.addEventListener("input", onSlide(from));
  to.addEventListener("input", onSlide(to));
  from.addEventListener("change", sendWindow);
  to.addEventListener("change", sendWindow);

  const bind = () => {
    const found = findCy(el);
    if (!found || found.cy === bound) return;
    bound = found.cy;
    cache = null;
    found.canvas.tkTimeline = el; // tests and benchmarks find the controls from the canvas
    const dirty = () => { cache = null; schedule(); };
    bound.on("add remove", dirty);
    schedule();
  };
  let poll = null;
  const watch = () => {
    bind();
    poll = setTimeout(watch, bound ? 500 : 30);
  };

  readPayload();
  watch();
  model.on("change:revision", () => { readPayload(); schedule(); });
  return () => { clearTimeout(poll); if (timer) clearTimeout(timer); };
}

export default { render };
