// What the interactive figures share (loaded before them): SVG elements, number formats,
// pointer dragging, and the switch from the static figure to the live one.
window.interactiveFigure = {
  figure(name) {
    const root = document.querySelector(`.interactive[data-figure="${name}"]`);
    return root && { root, data: JSON.parse(root.querySelector('script.interactive-data').textContent) };
  },
  svg(name, attrs, parent) {
    const node = document.createElementNS('http://www.w3.org/2000/svg', name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    parent.appendChild(node);
    return node;
  },
  // 4 decimals, or 4 significant digits for the tiny values near the extremes
  number: (v) => (v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(3) : v.toFixed(4)),
  // 2 decimals, or 1e-12 / 1 − 1e-12 near the ends
  probability: (p) => (p < 1e-3 || p > 1 - 1e-3 ? (p < 0.5 ? p.toExponential(0) : `1 − ${(1 - p).toExponential(0)}`) : p.toFixed(2)),
  nearest: (grid, value) => grid.reduce((best, g, i) => (Math.abs(g - value) < Math.abs(grid[best] - value) ? i : best), 0),
  // Call onPoint(x, y), in viewBox units, on a press and while dragging (mouse, pen or touch).
  drag(svg, width, height, onPoint) {
    const at = (event) => {
      const box = svg.getBoundingClientRect();
      onPoint((event.clientX - box.left) / box.width * width, (event.clientY - box.top) / box.height * height);
    };
    svg.addEventListener('pointerdown', (event) => { svg.setPointerCapture(event.pointerId); at(event); });
    svg.addEventListener('pointermove', (event) => { if (svg.hasPointerCapture(event.pointerId)) at(event); });
  },
  // Show the live figure; the static one before it stays for print.
  reveal(root) {
    root.hidden = false;
    root.previousElementSibling?.classList.add('interactive-replaced');
  },
};
