// Line charts as inline SVG: the debrief's mood chart (one line per mood
// variable, built from the server's readings, with a legend that says which
// end is good for each line) and the trainee view's trend of a competency
// (one line per scenario over the trainee's attempts, with the pass marks).
// Each comes with a visually-hidden table of the values for screen readers
// (the SVG itself is one labelled image).

import { h, s, vh } from './dom.js';

const PAD = { top: 20, right: 20, bottom: 44, left: 52 };
const MARKERS = ['circle', 'square', 'diamond', 'triangle'];

let chartCount = 0;

// series: [{name, label, min, max, good, points: [{value, band}]}] where
// points[0] is the start and points[i] the reading after turn i.
// width is the chart's width in CSS pixels (the viewBox matches it, so text
// keeps its size on a phone as on a desktop).
export function moodChart(series, { who = 'The client', width = 720 } = {}) {
  const id = `mood-chart-${++chartCount}`;
  const W = Math.round(Math.max(300, Math.min(1100, width)));
  const H = W < 500 ? 240 : 300;
  const n = Math.max(0, ...series.map((m) => m.points.length - 1));
  const sameScale = series.every((m) => m.min === series[0].min && m.max === series[0].max);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i) => PAD.left + (n === 0 ? plotW / 2 : (i / n) * plotW);
  const y = (m, v) => PAD.top + plotH - ((v - m.min) / ((m.max - m.min) || 1)) * plotH;

  const title = `${who}'s mood over the call`;
  const desc = series.map((m) => {
    const first = m.points[0];
    const last = m.points[m.points.length - 1];
    return `${m.label} went from ${fmt(first.value)}${first.band ? ` (${first.band})` : ''} at the start to ` +
      `${fmt(last.value)}${last.band ? ` (${last.band})` : ''} after turn ${m.points.length - 1}; ` +
      `${m.good === 'high' ? 'higher' : 'lower'} is better.`;
  }).join(' ');

  const svg = s('svg', {
    class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc`,
    preserveAspectRatio: 'xMidYMid meet', focusable: 'false',
  },
  s('title', { id: `${id}-title` }, title),
  s('desc', { id: `${id}-desc` }, desc));

  // Grid and y axis.
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const grid = s('g', { class: 'chart__grid', 'aria-hidden': 'true' });
  for (const t of ticks) {
    const yy = PAD.top + plotH - t * plotH;
    grid.append(s('line', { x1: PAD.left, x2: W - PAD.right, y1: yy, y2: yy }));
    const label = sameScale && series.length ? fmt(series[0].min + t * (series[0].max - series[0].min)) : `${Math.round(t * 100)}%`;
    grid.append(s('text', { class: 'chart__tick', x: PAD.left - 10, y: yy + 4, 'text-anchor': 'end' }, label));
  }
  // X axis.
  const maxLabels = Math.max(4, Math.floor(plotW / 44));
  const step = n + 1 > maxLabels ? Math.ceil((n + 1) / maxLabels) : 1;
  for (let i = 0; i <= n; i += step) {
    grid.append(s('text', { class: 'chart__tick', x: x(i), y: H - PAD.bottom + 20, 'text-anchor': 'middle' }, i === 0 ? 'Start' : String(i)));
  }
  grid.append(s('text', { class: 'chart__axis-label', x: PAD.left + plotW / 2, y: H - 6, 'text-anchor': 'middle' }, 'Turn'));
  grid.append(s('text', {
    class: 'chart__axis-label', x: 14, y: PAD.top + plotH / 2, 'text-anchor': 'middle',
    transform: `rotate(-90 14 ${PAD.top + plotH / 2})`,
  }, sameScale ? 'Level' : 'Level (share of range)'));
  grid.append(s('line', { class: 'chart__axis', x1: PAD.left, x2: W - PAD.right, y1: PAD.top + plotH, y2: PAD.top + plotH }));
  svg.append(grid);

  // Lines.
  series.forEach((m, si) => {
    const g = s('g', { class: `chart__series series-${si % 4}`, 'aria-hidden': 'true' });
    const d = m.points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(m, p.value).toFixed(1)}`).join(' ');
    g.append(s('path', { class: 'chart__line', d, 'stroke-dasharray': si % 2 ? '7 5' : null }));
    m.points.forEach((p, i) => g.append(marker(MARKERS[si % MARKERS.length], x(i), y(m, p.value))));
    svg.append(g);
  });

  const legend = h('ul', { class: 'chart-legend' }, series.map((m, si) =>
    h('li', { class: `series-${si % 4}` },
      legendKey(MARKERS[si % MARKERS.length], si % 2 === 1),
      h('span', null, h('strong', null, m.label), ` · ${m.good === 'high' ? 'higher' : 'lower'} is better`))));

  // .vh on a wrapper: a table keeps its content width and would widen the page.
  const table = h('div', { class: 'vh' }, h('table', null,
    h('caption', null, `${title}: values after each turn`),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Turn'), series.map((m) => h('th', { scope: 'col' }, m.label)))),
    h('tbody', null, Array.from({ length: n + 1 }, (_, i) =>
      h('tr', null, h('th', { scope: 'row' }, i === 0 ? 'Start' : `After turn ${i}`),
        series.map((m) => {
          const p = m.points[i];
          return h('td', null, p ? `${fmt(p.value)}${p.band ? ` (${p.band})` : ''}` : '–');
        }))))));

  return h('figure', { class: 'chart-figure', id },
    legend,
    h('div', { class: 'chart-wrap' }, svg),
    table,
    h('figcaption', { class: 'chart-caption' }, vh('Chart summary: '), desc));
}

function legendKey(shape, dashed) {
  return s('svg', { class: 'chart-legend__key', viewBox: '0 0 36 14', width: 36, height: 14, 'aria-hidden': 'true', focusable: 'false' },
    s('line', { class: 'chart__line', x1: 2, x2: 34, y1: 7, y2: 7, 'stroke-dasharray': dashed ? '7 5' : null }),
    marker(shape, 18, 7));
}

function marker(shape, cx, cy) {
  const r = 5;
  switch (shape) {
    case 'square':
      return s('rect', { class: 'chart__marker', x: cx - r + 0.5, y: cy - r + 0.5, width: 2 * r - 1, height: 2 * r - 1 });
    case 'diamond':
      return s('path', { class: 'chart__marker', d: `M${cx},${cy - r - 1} L${cx + r + 1},${cy} L${cx},${cy + r + 1} L${cx - r - 1},${cy} Z` });
    case 'triangle':
      return s('path', { class: 'chart__marker', d: `M${cx},${cy - r - 1} L${cx + r + 1},${cy + r} L${cx - r - 1},${cy + r} Z` });
    default:
      return s('circle', { class: 'chart__marker', cx, cy, r });
  }
}

function fmt(v) {
  return Number.isInteger(v) ? String(v) : String(Math.round(v * 10) / 10);
}

let trendCount = 0;

// trendChart draws one competency's scores over a trainee's attempts.
// label is the competency's; n is how many attempts the x axis spans (every
// scored attempt of the trainee, oldest first, numbered from 1); series is
// one per scenario: [{label, pass, points: [{x, score, passed, when}]}]
// where x is the attempt's number. A dashed line marks each distinct pass
// mark, labelled with it (labels of close marks never overlap); the legend
// gives each series' mark; a hollow marker is a score that did not pass. width as
// moodChart's.
export function trendChart({ label, n, series, width = 720 }) {
  const id = `trend-chart-${++trendCount}`;
  const W = Math.round(Math.max(300, Math.min(1100, width)));
  const H = W < 500 ? 220 : 250;
  const pad = { top: 16, right: 20, bottom: 40, left: 44 };
  const plotW = W - pad.left - pad.right;
  const plotH = H - pad.top - pad.bottom;
  const x = (i) => pad.left + (n <= 1 ? plotW / 2 : ((i - 1) / (n - 1)) * plotW);
  const y = (v) => pad.top + plotH - (Math.max(0, Math.min(100, v)) / 100) * plotH;

  const title = `${label}: scores over the attempts`;
  const desc = series.map((m) => {
    const first = m.points[0];
    const last = m.points[m.points.length - 1];
    const passed = m.points.filter((p) => p.passed).length;
    return `${m.label}: ${m.points.length === 1 ? `one attempt, ${first.score}` : `from ${first.score} to ${last.score} over ${m.points.length} attempts`}` +
      ` (pass mark ${m.pass}; ${passed} of ${m.points.length} passed).`;
  }).join(' ');

  const svg = s('svg', {
    class: 'chart chart--trend', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc`,
    preserveAspectRatio: 'xMidYMid meet', focusable: 'false',
  },
  s('title', { id: `${id}-title` }, title),
  s('desc', { id: `${id}-desc` }, desc));

  const grid = s('g', { class: 'chart__grid', 'aria-hidden': 'true' });
  for (const t of [0, 25, 50, 75, 100]) {
    grid.append(s('line', { x1: pad.left, x2: W - pad.right, y1: y(t), y2: y(t) }));
    grid.append(s('text', { class: 'chart__tick', x: pad.left - 10, y: y(t) + 4, 'text-anchor': 'end' }, String(t)));
  }
  const maxLabels = Math.max(4, Math.floor(plotW / 36));
  const step = n > maxLabels ? Math.ceil(n / maxLabels) : 1;
  for (let i = 1; i <= n; i += step) {
    grid.append(s('text', { class: 'chart__tick', x: x(i), y: H - pad.bottom + 20, 'text-anchor': 'middle' }, String(i)));
  }
  grid.append(s('text', { class: 'chart__axis-label', x: pad.left + plotW / 2, y: H - 4, 'text-anchor': 'middle' }, 'Attempt'));
  grid.append(s('line', { class: 'chart__axis', x1: pad.left, x2: W - pad.right, y1: y(0), y2: y(0) }));
  svg.append(grid);

  // Pass marks: one dashed line per distinct mark (in its series' colour
  // when one series has it), labelled with the mark at the right (the
  // legend and the description say whose mark it is: scenario titles are
  // too long for a phone's chart); labels of marks close together are
  // nudged apart so that they never overlap.
  const passes = s('g', { class: 'chart__passes', 'aria-hidden': 'true' });
  const groups = passGroups(series);
  // Each label sits just above its line; the lowest goes just under its
  // line when the next mark up is close, so that the two lines run between
  // their labels.
  const wanted = groups.map((g, gi) => {
    const under = gi > 0 && gi === groups.length - 1 && y(g.pass) - y(groups[gi - 1].pass) < PASS_LABEL_GAP;
    return under ? y(g.pass) + 14 : y(g.pass) - 5;
  });
  const labelYs = spreadLabels(wanted, { gap: PASS_LABEL_GAP, min: pad.top + 10, max: y(0) - 4 });
  groups.forEach((g) => {
    const cls = g.series.length === 1 && groups.length > 1 ? `chart__pass series-${g.series[0] % 4}` : 'chart__pass';
    passes.append(s('line', { class: cls, x1: pad.left, x2: W - pad.right, y1: y(g.pass), y2: y(g.pass), dataset: { pass: g.pass } }));
  });
  groups.forEach((g, gi) => {
    passes.append(s('text', { class: 'chart__pass-label', x: W - pad.right, y: labelYs[gi], 'text-anchor': 'end', dataset: { pass: g.pass } },
      `pass mark ${g.pass}`));
  });
  svg.append(passes);

  series.forEach((m, si) => {
    const g = s('g', { class: `chart__series series-${si % 4}`, 'aria-hidden': 'true' });
    if (m.points.length > 1) {
      const d = m.points.map((p, i) => `${i ? 'L' : 'M'}${x(p.x).toFixed(1)},${y(p.score).toFixed(1)}`).join(' ');
      g.append(s('path', { class: 'chart__line', d, 'stroke-dasharray': si % 2 ? '7 5' : null }));
    }
    for (const p of m.points) {
      const mk = marker(MARKERS[si % MARKERS.length], x(p.x), y(p.score));
      if (!p.passed) mk.classList.add('chart__marker--fail');
      g.append(mk);
    }
    svg.append(g);
  });

  const legend = h('ul', { class: 'chart-legend' }, series.map((m, si) =>
    h('li', { class: `series-${si % 4}` }, legendKey(MARKERS[si % MARKERS.length], si % 2 === 1),
      h('span', null, h('strong', null, m.label), ` · pass mark ${m.pass}`))),
  h('li', { class: 'chart-legend__note' }, 'A hollow marker did not pass'));

  const rows = series.flatMap((m) => m.points.map((p) => ({ ...p, scenario: m.label, pass: m.pass }))).sort((a, b) => a.x - b.x);
  const table = h('div', { class: 'vh' }, h('table', null,
    h('caption', null, `${title}: each attempt`),
    h('thead', null, h('tr', null, ['Attempt', 'Date', 'Scenario', 'Score', 'Pass mark', 'Result'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, rows.map((r) => h('tr', null,
      h('th', { scope: 'row' }, String(r.x)), h('td', null, r.when || ''), h('td', null, r.scenario),
      h('td', null, String(r.score)), h('td', null, String(r.pass)), h('td', null, r.passed ? 'Passed' : 'Not passed'))))));

  return h('figure', { class: 'chart-figure trend', id },
    legend,
    h('div', { class: 'chart-wrap' }, svg),
    table,
    h('figcaption', { class: 'chart-caption' }, vh('Chart summary: '), desc));
}

// The height of a pass mark's label (12px text) with room between two.
const PASS_LABEL_GAP = 15;

// passGroups gathers the series by pass mark, highest mark first:
// [{pass, series: [index, …]}].
function passGroups(series) {
  const byMark = new Map();
  series.forEach((m, si) => {
    if (!byMark.has(m.pass)) byMark.set(m.pass, []);
    byMark.get(m.pass).push(si);
  });
  return [...byMark.entries()].sort((a, b) => b[0] - a[0]).map(([pass, list]) => ({ pass, series: list }));
}

// spreadLabels places labels as near their wanted y (each a text baseline)
// as it can with at least gap between neighbours: labels that would crowd
// are spread evenly about the middle of where they want to be (so that
// each stays beside its line), then kept between min and max. It returns
// the ys in the same order as wanted.
export function spreadLabels(wanted, { gap, min, max }) {
  const order = wanted.map((w, i) => i).sort((a, b) => wanted[a] - wanted[b]);
  const clusters = []; // runs of labels, each {sum, n}: centred on sum / n, gap apart
  const first = (c) => c.sum / c.n - ((c.n - 1) * gap) / 2;
  for (const i of order) {
    clusters.push({ sum: wanted[i], n: 1 });
    while (clusters.length > 1) {
      const b = clusters[clusters.length - 1];
      const a = clusters[clusters.length - 2];
      if (first(b) - (first(a) + (a.n - 1) * gap) >= gap) break;
      a.sum += b.sum;
      a.n += b.n;
      clusters.pop();
    }
  }
  const ys = clusters.flatMap((c) => Array.from({ length: c.n }, (_, k) => first(c) + k * gap));
  for (let k = 0; k < ys.length; k++) ys[k] = Math.max(ys[k], k ? ys[k - 1] + gap : min);
  if (ys.length && ys[ys.length - 1] > max) {
    ys[ys.length - 1] = max;
    for (let k = ys.length - 2; k >= 0; k--) ys[k] = Math.min(ys[k], ys[k + 1] - gap);
  }
  const out = new Array(wanted.length);
  order.forEach((i, k) => { out[i] = ys[k]; });
  return out;
}
