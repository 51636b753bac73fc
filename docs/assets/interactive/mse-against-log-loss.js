// MSE against log loss, live: move the slope w of p = sigmoid(w x + b) and read both costs and
// the size of their gradients. Costs and gradients are looked up in data computed with
// logloss_ref at build time; only the drawn sigmoid curve is computed here.
(() => {
  const fig = window.interactiveFigure, found = fig.figure('mse-against-log-loss');
  if (!found) return;
  const { root, data } = found;
  const el = fig.svg, fmt = fig.number;
  const sigmoid = (z) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
  const W = 640, H = 420;
  // Three panels: the customers and the model (top), each cost against the slope (bottom).
  const panels = {
    model: { x0: 52, x1: 624, y0: 14, y1: 200, xMin: 0, xMax: 12, yMin: -0.1, yMax: 1.1 },
    mse: { x0: 52, x1: 318, y0: 250, y1: 386, xMin: -2, xMax: 4, yMin: 0, yMax: Math.max(...data.cost.mse) * 1.05 },
    log_loss: { x0: 372, x1: 624, y0: 250, y1: 386, xMin: -2, xMax: 4, yMin: 0, yMax: Math.max(...data.cost.log_loss) * 1.05 },
  };
  const px = (p, v) => p.x0 + (v - p.xMin) / (p.xMax - p.xMin) * (p.x1 - p.x0);
  const py = (p, v) => p.y1 - (v - p.yMin) / (p.yMax - p.yMin) * (p.y1 - p.y0);

  root.innerHTML = `
    <label class="interactive-control">slope w of the model p = σ(w x + b), with b = ${data.b.toFixed(4)}:
      <input type="range" min="0" max="${data.slopes.length - 1}" step="1" value="${data.start}">
      <output class="interactive-w"></output></label>
    <svg viewBox="0 0 ${W} ${H}" role="img" aria-label="The customers with the model's sigmoid for the chosen slope, and each cost against the slope with the chosen slope marked"></svg>
    <div class="interactive-values" aria-live="polite"><table>
      <thead><tr><th>cost</th><th>at this slope</th><th>size of its gradient in w</th></tr></thead>
      <tbody>
        <tr data-cost="mse"><td>MSE of σ(w x + b)</td><td class="cost"></td><td class="gradient"></td></tr>
        <tr data-cost="log_loss"><td>log loss</td><td class="cost"></td><td class="gradient"></td></tr>
      </tbody></table></div>
    <button type="button" class="md-button interactive-reset">Reset to w = ${data.slopes[data.start]}</button>`;
  const svg = root.querySelector('svg');
  const slider = root.querySelector('input');
  for (const [name, p] of Object.entries(panels)) {
    el('line', { x1: p.x0, x2: p.x1, y1: p.y1, y2: p.y1, class: 'axis' }, svg);
    el('line', { x1: p.x0, x2: p.x0, y1: p.y0, y2: p.y1, class: 'axis' }, svg);
    const label = name === 'model' ? 'hours outdoors per week, x' : `${name === 'mse' ? 'MSE' : 'log loss'} against the slope w`;
    el('text', { x: (p.x0 + p.x1) / 2, y: p.y1 + 30, class: 'tick', 'text-anchor': 'middle' }, svg).textContent = label;
    const ticks = name === 'model' ? [0, 3, 6, 9, 12] : [-2, 0, 2, 4];
    for (const t of ticks) el('text', { x: px(p, t), y: p.y1 + 15, class: 'tick', 'text-anchor': 'middle' }, svg).textContent = t;
  }
  for (const t of [0, 1]) el('text', { x: 44, y: py(panels.model, t) + 4, class: 'tick', 'text-anchor': 'end' }, svg).textContent = t;
  data.x.forEach((v, i) => el('circle', { cx: px(panels.model, v), cy: py(panels.model, data.y[i]), r: 3, class: `customer customer-${data.y[i]}` }, svg));
  const fitted = el('polyline', { class: 'curve curve-1' }, svg);
  const markers = {};
  for (const name of ['mse', 'log_loss']) {
    const p = panels[name];
    el('polyline', { class: `curve ${name === 'mse' ? 'curve-0' : 'curve-1'}`,
      points: data.slopes.map((w, i) => `${px(p, w).toFixed(1)},${py(p, data.cost[name][i]).toFixed(1)}`).join(' ') }, svg);
    markers[name] = el('circle', { r: 6, class: `dot ${name === 'mse' ? 'dot-0' : 'dot-1'}` }, svg);
  }
  const grid = Array.from({ length: 121 }, (_, k) => k / 10);

  const show = (i) => {
    const w = data.slopes[i];
    slider.value = i;
    slider.setAttribute('aria-valuetext', `w = ${w.toFixed(2)}`);
    root.querySelector('.interactive-w').textContent = w.toFixed(2);
    fitted.setAttribute('points', grid.map((x) => `${px(panels.model, x).toFixed(2)},${py(panels.model, sigmoid(w * x + data.b)).toFixed(2)}`).join(' '));
    for (const name of ['mse', 'log_loss']) {
      markers[name].setAttribute('cx', px(panels[name], w));
      markers[name].setAttribute('cy', py(panels[name], data.cost[name][i]));
      const row = root.querySelector(`tr[data-cost="${name}"]`);
      row.querySelector('.cost').textContent = fmt(data.cost[name][i]);
      row.querySelector('.gradient').textContent = fmt(data.gradient[name][i]);
    }
  };
  fig.drag(svg, W, H, (x, y) => {
    if (y < panels.mse.y0 - 10) return;  // the cost panels set the slope
    const p = x < (panels.mse.x1 + panels.log_loss.x0) / 2 ? panels.mse : panels.log_loss;
    show(fig.nearest(data.slopes, p.xMin + (x - p.x0) / (p.x1 - p.x0) * (p.xMax - p.xMin)));
  });
  slider.addEventListener('input', () => show(Number(slider.value)));
  root.querySelector('.interactive-reset').addEventListener('click', () => show(data.start));
  show(data.start);
  fig.reveal(root);
})();
