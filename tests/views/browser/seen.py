"""What a person sees on an explorer canvas, read from the page (not from the widget's state).

* :func:`canvas_labels`: per canvas, how many node labels cytoscape draws, their size on screen in CSS
  pixels (font-size × zoom; cytoscape skips a label under ``min-zoomed-font-size``), and how many drawn
  labels overlap another (their rendered label boxes intersect).
* :func:`glyphs`: whether text draws as real glyphs in a font, or as "tofu" boxes: each character is
  drawn alone on a canvas and compared with the box a private-use character (which no font has) draws
  in the same font; characters must also differ from one another (tofu boxes are all alike).
"""

from __future__ import annotations

CANVAS_LABELS = """() => Array.from(document.querySelectorAll('.tk-canvas')).filter(c => c.tkCy).map(c => {
  const cy = c.tkCy, zoom = cy.zoom();
  const nodes = cy.nodes().filter(n => n.visible());
  const drawn = nodes.filter(n => {
    const label = n.style('label');
    const px = parseFloat(n.style('font-size')) * zoom;
    return label && label.length && px >= parseFloat(n.style('min-zoomed-font-size'));
  });
  const sizes = drawn.map(n => parseFloat(n.style('font-size')) * zoom);
  const boxes = drawn.map(n => n.boundingBox({includeNodes: false, includeEdges: false, includeLabels: true}));
  let overlaps = 0;
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    // 1 model unit of slack: touching boxes are not an overlap a reader notices
    if (a.x1 + 1 < b.x2 && b.x1 + 1 < a.x2 && a.y1 + 1 < b.y2 && b.y1 + 1 < a.y2) overlaps++;
  }
  const rect = c.getBoundingClientRect();
  return {nodes: nodes.length, labelled: drawn.length, zoom,
          min_px: sizes.length ? Math.min(...sizes) : null, max_px: sizes.length ? Math.max(...sizes) : null,
          overlaps, width: rect.width, height: rect.height,
          headings: Array.from(c.querySelectorAll('.tk-tier-heading')).map(h => h.textContent)};
})"""

GLYPHS = """([text, font]) => {
  const draw = (ch) => {
    const c = document.createElement('canvas'); c.width = 48; c.height = 48;
    const g = c.getContext('2d'); g.font = font; g.fillStyle = '#000'; g.textBaseline = 'top';
    g.fillText(ch, 4, 4); return c.toDataURL();
  };
  const tofu = draw(String.fromCodePoint(0x10FFFD));
  const blank = draw(' ');
  const chars = [...new Set([...text].filter(ch => ch.trim()))];
  const images = chars.map(draw);
  return {chars: chars.length, distinct: new Set(images).size,
          tofu: images.filter(i => i === tofu).length, blank: images.filter(i => i === blank).length};
}"""


def canvas_labels(page) -> list[dict]:
    """One dict per explorer canvas on the page (see the module docstring)."""
    return page.evaluate(CANVAS_LABELS)


def glyphs(page, text: str, font: str) -> dict:
    """``{"chars", "distinct", "tofu", "blank"}`` for the characters of ``text`` drawn in CSS ``font``."""
    return page.evaluate(GLYPHS, [text, font])


def renders(report: dict) -> bool:
    """Every character drew a glyph of its own: no tofu box, no blank, no two alike."""
    return report["chars"] > 0 and report["tofu"] == 0 and report["blank"] == 0 and \
        report["distinct"] == report["chars"]


def assert_readable(page, *, max_overlaps: int = 0) -> list[dict]:
    """Every canvas with ≤ 100 nodes draws all its labels at ≥ 8 px; larger ones draw what they draw at
    ≥ 8 px; drawn labels do not overlap."""
    reports = canvas_labels(page)
    assert reports, "no explorer canvas on the page"
    for report in reports:
        assert report["labelled"] > 0, report
        assert report["min_px"] >= 8, f"labels drawn below 8 px: {report}"
        if report["nodes"] <= 100:
            assert report["labelled"] == report["nodes"], f"labels hidden on a small graph: {report}"
        assert report["overlaps"] <= max_overlaps, f"drawn labels overlap: {report}"
    return reports
