// The two loss curves, live: move p(jacket) and read each class's cost and its slope with respect to the score z.
// Every number shown is looked up in the data the build computed with logloss_ref.
(() => {
  const fig = window.interactiveFigure, found = fig.figure('loss-curves');
  if (!found) return;
  const { root, data } = found;
  const W = 640, H = 300, left = 52, right = 16, top = 12, bottom = 40, yMax = 5;
  const x = (p) => left + p * (W - left - right);
  const y = (v) => top + (1 - Math.min(v, yMax) / yMax) * (H - top - bottom);
  const el = fig.svg, fmt = fig.number, fmtP = fig.probability;

  root.innerHTML = `
    <label class="interactive-control">p(jacket), the predicted probability of a jacket:
      <input type="range" min="0" max="${data.p.length - 1}" step="1" value="${data.start}">
      <output class="interactive-p"></output></label>
    <svg viewBox="0 0 ${W} ${H}" role="img" aria-label="The two loss curves with the chosen probability marked on each"></svg>
    <div class="interactive-values" aria-live="polite"><table>
      <thead><tr><th>bought</th><th>cost</th><th>slope in the score z: p − y</th></tr></thead>
      <tbody>
        <tr data-label="1"><td>a jacket (y = 1): −log p</td><td class="loss"></td><td class="gradient"></td></tr>
        <tr data-label="0"><td>a cardigan (y = 0): −log(1 − p)</td><td class="loss"></td><td class="gradient"></td></tr>
      </tbody></table></div>
    <button type="button" class="md-button interactive-reset">Reset to p = 0.5</button>`;
  const svg = root.querySelector('svg');
  const slider = root.querySelector('input');
  el('line', { x1: left, x2: W - right, y1: y(0), y2: y(0), class: 'axis' }, svg);
  el('line', { x1: left, x2: left, y1: y(0), y2: y(yMax), class: 'axis' }, svg);
  for (const t of [0, 0.25, 0.5, 0.75, 1]) el('text', { x: x(t), y: H - 18, class: 'tick', 'text-anchor': 'middle' }, svg).textContent = t;
  for (const t of [0, 1, 2, 3, 4, 5]) el('text', { x: left - 8, y: y(t) + 4, class: 'tick', 'text-anchor': 'end' }, svg).textContent = t;
  el('text', { x: (left + W - right) / 2, y: H - 2, class: 'tick', 'text-anchor': 'middle' }, svg).textContent = 'predicted probability of a jacket, p';
  const inside = data.p.map((p, i) => i).filter((i) => data.p[i] >= 0.01 && data.p[i] <= 0.99);
  for (const label of ['1', '0']) {
    const points = inside.map((i) => `${x(data.p[i]).toFixed(1)},${y(data.loss[label][i]).toFixed(1)}`).join(' ');
    el('polyline', { points, class: `curve curve-${label}` }, svg);
  }
  const cursor = el('line', { y1: y(0), y2: y(yMax), class: 'cursor' }, svg);
  const dots = { 1: el('circle', { r: 6, class: 'dot dot-1' }, svg), 0: el('circle', { r: 6, class: 'dot dot-0' }, svg) };

  const show = (i) => {
    const p = data.p[i];
    slider.value = i;
    slider.setAttribute('aria-valuetext', `p(jacket) = ${fmtP(p)}`);
    root.querySelector('.interactive-p').textContent = fmtP(p);
    cursor.setAttribute('x1', x(p)); cursor.setAttribute('x2', x(p));
    for (const label of ['1', '0']) {
      dots[label].setAttribute('cx', x(p)); dots[label].setAttribute('cy', y(data.loss[label][i]));
      const row = root.querySelector(`tr[data-label="${label}"]`);
      row.querySelector('.loss').textContent = fmt(data.loss[label][i]);
      row.querySelector('.gradient').textContent = fmt(data.gradient[label][i]);
    }
  };
  fig.drag(svg, W, H, (px) => show(fig.nearest(data.p, Math.min(1, Math.max(0, (px - left) / (W - left - right))))));
  slider.addEventListener('input', () => show(Number(slider.value)));
  root.querySelector('.interactive-reset').addEventListener('click', () => show(data.start));
  show(data.start);
  fig.reveal(root);
})();
