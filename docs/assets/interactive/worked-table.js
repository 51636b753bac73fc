// The worked table, live: change any customer's p(jacket) and watch that row's corrected
// probability and its log, the bar chart and the mean (the log loss) follow. Each row's numbers
// are looked up in data computed with logloss_ref at build time; the mean of the ten logs is
// the one sum done here.
(() => {
  const fig = window.interactiveFigure, found = fig.figure('worked-table');
  if (!found) return;
  const { root, data } = found;
  const el = fig.svg, fmtP = fig.probability, fmtLog = fig.number;
  const small = (v) => v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) > 1 - 1e-3) && Math.abs(v) <= 1;
  const n = data.customers.length;
  const rows = data.customers.map((id, k) => `
        <tr data-row="${k}"><th scope="row" id="worked-${id}">${id}</th><td>${data.y[k] ? 'jacket' : 'cardigan'}</td>
          <td><input type="range" min="0" max="${data.p.length - 1}" step="1" aria-labelledby="worked-p worked-${id}">
            <output class="p"></output></td>
          <td class="corrected"></td><td class="log"></td></tr>`).join('');
  root.innerHTML = `
    <div class="interactive-scroll"><table>
      <thead><tr><th>customer</th><th>bought</th><th id="worked-p">p(jacket)</th><th>corrected</th><th>log(corrected)</th></tr></thead>
      <tbody>${rows}</tbody></table></div>
    <svg viewBox="0 0 640 240" role="img" aria-label="Each customer's minus log of the corrected probability as a bar, and their mean, the log loss, as a dashed line"></svg>
    <p class="interactive-values" aria-live="polite">mean of the logs: <output class="mean-log"></output>;
      log loss (its negative): <output class="log-loss"></output></p>
    <button type="button" class="md-button interactive-reset">Reset to the case study</button>`;
  const svg = root.querySelector('svg');
  const top = 10, bottom = 200, yMax = 3, left = 40, step = 58;
  const y = (v) => bottom - Math.min(v, yMax) / yMax * (bottom - top);
  el('line', { x1: left, x2: 630, y1: bottom, y2: bottom, class: 'axis' }, svg);
  for (const t of [0, 1, 2, 3]) el('text', { x: left - 6, y: y(t) + 4, class: 'tick', 'text-anchor': 'end' }, svg).textContent = t;
  const bars = data.customers.map((id, k) => {
    el('text', { x: left + 8 + k * step + 21, y: bottom + 18, class: 'tick', 'text-anchor': 'middle' }, svg).textContent = id;
    return el('rect', { x: left + 8 + k * step, width: 42, class: data.y[k] ? 'bar bar-1' : 'bar bar-0' }, svg);
  });
  const meanLine = el('line', { x1: left, x2: 630, class: 'mean' }, svg);
  const index = data.start.slice();

  const show = () => {
    let sum = 0;
    data.customers.forEach((id, k) => {
      const i = index[k], label = String(data.y[k]);
      const row = root.querySelector(`tr[data-row="${k}"]`);
      const slider = row.querySelector('input');
      slider.value = i;
      slider.setAttribute('aria-valuetext', fmtP(data.p[i]));
      row.querySelector('.p').textContent = fmtP(data.p[i]);
      const corrected = data.corrected[label][i];
      row.querySelector('.corrected').textContent = small(corrected) ? fmtP(corrected) : corrected.toFixed(2);
      row.querySelector('.log').textContent = fmtLog(data.log[label][i]);
      bars[k].setAttribute('y', y(-data.log[label][i]));
      bars[k].setAttribute('height', bottom - y(-data.log[label][i]));
      sum += data.log[label][i];
    });
    const mean = sum / n;
    meanLine.setAttribute('y1', y(-mean));
    meanLine.setAttribute('y2', y(-mean));
    root.querySelector('.mean-log').textContent = mean.toFixed(4);
    root.querySelector('.log-loss').textContent = (-mean).toFixed(4);
  };
  root.querySelectorAll('tbody input').forEach((slider, k) => slider.addEventListener('input', () => { index[k] = Number(slider.value); show(); }));
  root.querySelector('.interactive-reset').addEventListener('click', () => { data.start.forEach((i, k) => { index[k] = i; }); show(); });
  show();
  fig.reveal(root);
})();
