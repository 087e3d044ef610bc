// tracekit explorer: hands cytoscape.js the whole element list in one payload.
//
// ipycytoscape makes one ipywidget per node and per edge (about 1 ms each on the Python side, more in
// the browser), so a 5,000-element graph takes seconds before anything is painted. This anywidget
// module finds the cytoscape instance of the ipycytoscape canvas it sits beside (same .tk-explorer
// box), applies the `elements` trait as one diff (remove / add / update, in one batch), runs the
// layout, and reports clicks back to Python as small messages. Labels are drawn on the canvas as
// text; nothing here ever assigns untrusted text to innerHTML.

function findCy(el) {
  const box = el.closest(".tk-explorer");
  const canvas = box && box.querySelector(".tk-canvas");
  const cy = canvas && canvas._cyreg && canvas._cyreg.cy;
  return cy && !cy.destroyed() ? { cy, canvas } : null;
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

function runLayout(cy, layout, onDone) {
  const options = Object.assign({ animate: false, fit: true, padding: 30 }, layout || { name: "preset" });
  const run = cy.layout(options);
  run.one("layoutstop", () => {
    cy.fit(undefined, 30);
    // two frames: the first schedules the paint, the second runs after it
    requestAnimationFrame(() => requestAnimationFrame(onDone));
  });
  run.run();
}

function render({ model, el }) {
  el.classList.add("tk-feeder");
  el.style.display = "none";
  let bound = null; // the cytoscape instance our listeners and elements live in
  let applied = -1;

  const paint = () => {
    const found = findCy(el);
    if (!found) return false;
    const { cy, canvas } = found;
    if (bound !== cy) {
      bound = cy;
      applied = -1;
      canvas.tkCy = cy; // tests and benchmarks read the graph state from here
      const send = (event) => (evt) =>
        model.send({ event, group: evt.target.group(), id: evt.target.id() });
      cy.on("tap", "node", send("tap"));
      cy.on("tap", "edge", send("tap"));
      cy.on("dbltap", "node", send("dbltap"));
    }
    const revision = model.get("revision");
    if (applied === revision) return true;
    applied = revision;
    let elements = [];
    try {
      elements = JSON.parse(model.get("elements") || "[]");
    } catch (err) {
      console.error("tracekit: bad elements payload", err);
    }
    applyElements(cy, elements);
    runLayout(cy, model.get("cy_layout"), () => {
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
    timer = setTimeout(poll, bound ? 500 : 30);
  };
  poll();

  model.on("change:revision", () => paint());
  model.on("change:cy_layout", () => {
    if (bound) runLayout(bound, model.get("cy_layout"), () => {});
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
  return () => clearTimeout(timer);
}

export default { render };
