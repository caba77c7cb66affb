// The cohort's review table (GET /api/cohorts/{id}/review): trainees ×
// assignments. Each cell says the trainee's status (a word and an icon),
// their attempts and time on task, the best and latest score per
// competency against the pass mark (✓ or ✗ and a word, never colour
// alone), the change from their first attempt, and runs played too fast to
// have been read; it links to their latest attempt's review, or to watch
// the one in progress. A row of cohort averages closes the table. The
// column headers are buttons that sort the rows (aria-sort says how). A
// builder: cohorts.js fetches the review and places the table.

import { h, vh, icon, avatar, plural, relativeTime } from './dom.js';
import { PROGRESS, progressBadge, dueText, duration, firstName } from './shared.js';

// reviewTable builds the table for a review; cohortId is for the links.
// It returns {el} (a scrolling region holding the table).
export function reviewTable(review, cohortId) {
  const assignments = review.assignments || [];
  const rows = (review.rows || []).map((r, i) => ({ ...r, order: i }));
  const averages = new Map((review.averages || []).map((a) => [a.scenario, a]));
  const q = `?cohort=${encodeURIComponent(cohortId)}`;
  // sort: {key: 'name' | scenario id, dir: 'ascending' | 'descending'}
  let sort = { key: 'name', dir: 'ascending' };

  // The caption names the table for screen readers; the same words show
  // above the scrolling region (a caption would scroll away with the table).
  const caption = h('caption', { id: 'review-caption', class: 'vh' });
  const summary = h('p', { class: 'review-table__summary', 'aria-hidden': 'true' });
  const headRow = h('tr');
  const tbody = h('tbody');
  const table = h('table', { class: 'review-table', id: 'review-table' }, caption, h('thead', null, headRow), tbody,
    h('tfoot', null, averagesRow(assignments, averages, cohortId)));
  const region = h('div', { class: 'table-scroll', role: 'region', tabindex: '0', 'aria-labelledby': 'review-caption' }, table);
  const el = h('div', { class: 'review-wrap' }, summary, region);

  const sortButton = (key, label, extra) => {
    const btn = h('button', { type: 'button', class: 'sort', dataset: { sort: key } },
      h('span', { class: 'sort__label' }, label), extra || null,
      h('span', { class: 'sort__icon', 'aria-hidden': 'true' }));
    btn.addEventListener('click', () => {
      sort = sort.key === key ? { key, dir: sort.dir === 'ascending' ? 'descending' : 'ascending' } : { key, dir: 'ascending' };
      draw();
      btn.focus();
    });
    return btn;
  };

  const nameTh = h('th', { scope: 'col', class: 'review-table__who', dataset: { col: 'name' } }, sortButton('name', 'Trainee'));
  const colThs = assignments.map((a) => h('th', { scope: 'col', dataset: { col: a.scenario } },
    sortButton(a.scenario, a.title || a.scenario),
    h('span', { class: 'review-table__due' }, a.due ? dueText(a.due, false) : 'No due date')));
  headRow.append(nameTh, ...colThs);

  const keyOf = (row, key) => {
    if (key === 'name') return [String(row.trainee.name || row.trainee.username).toLocaleLowerCase()];
    const i = assignments.findIndex((a) => a.scenario === key);
    const c = (row.cells || [])[i] || {};
    return [(PROGRESS[c.status] || { rank: 0 }).rank, meanBest(c), String(row.trainee.name).toLocaleLowerCase()];
  };
  const compare = (a, b) => {
    const ka = keyOf(a, sort.key);
    const kb = keyOf(b, sort.key);
    for (let i = 0; i < ka.length; i++) {
      if (ka[i] < kb[i]) return -1;
      if (ka[i] > kb[i]) return 1;
    }
    return a.order - b.order;
  };

  function draw() {
    const sorted = [...rows].sort(compare);
    if (sort.dir === 'descending') sorted.reverse();
    tbody.replaceChildren(...sorted.map((r) => traineeRow(r, assignments, q)));
    for (const th of [nameTh, ...colThs]) {
      const on = th.dataset.col === sort.key;
      if (on) th.setAttribute('aria-sort', sort.dir);
      else th.removeAttribute('aria-sort');
      th.querySelector('.sort__icon').replaceChildren(on ? icon(sort.dir === 'ascending' ? 'arrowUp' : 'arrowDown') : icon('sortable'));
    }
    const by = sort.key === 'name' ? 'name' : `“${(assignments.find((a) => a.scenario === sort.key) || {}).title || sort.key}” (status, then best score)`;
    const what = `${plural(rows.length, 'trainee', 'trainees')} × ${plural(assignments.length, 'assignment', 'assignments')}`;
    const how = ` · sorted by ${by}, ${sort.dir === 'ascending' ? (sort.key === 'name' ? 'A to Z' : 'those furthest behind first') : (sort.key === 'name' ? 'Z to A' : 'those furthest ahead first')}. The column headings sort it.`;
    caption.textContent = `How they’re doing: ${what}${how}`;
    summary.replaceChildren(h('strong', null, what), how);
  }
  draw();
  return { el };
}

// meanBest is the mean of a cell's best scores, or -1 with none.
function meanBest(c) {
  const rs = c.results || [];
  if (!rs.length) return -1;
  return rs.reduce((n, r) => n + r.best, 0) / rs.length;
}

function traineeRow(row, assignments, q) {
  const t = row.trainee || {};
  return h('tr', { dataset: { testid: 'review-row', trainee: t.id, username: t.username } },
    h('th', { scope: 'row', class: 'review-table__who' },
      h('span', { class: 'person' }, avatar(t.name, 'sm'),
        h('span', { class: 'person__text' },
          h('a', { class: 'person__name', href: `#/trainees/${encodeURIComponent(t.id)}${q}`, dataset: { testid: 'trainee-link' } }, t.name),
          h('span', { class: 'person__username username' }, t.username),
          t.has_password === false ? h('span', { class: 'person__note' }, 'Invited, not signed in yet') : null))),
    assignments.map((a, i) => h('td', {
      dataset: { testid: 'review-cell', scenario: a.scenario, status: (row.cells[i] || {}).status || 'not_started' },
    }, cell(row.cells[i] || {}, a, t, q))));
}

// cell draws one trainee on one assignment.
function cell(c, a, t, q) {
  const status = c.status || 'not_started';
  const who = firstName(t.name);
  const bits = [];
  if (c.attempts) bits.push(plural(c.attempts, 'attempt', 'attempts'));
  if (c.time_on_task_seconds) bits.push(`${duration(c.time_on_task_seconds)} on task`);
  const links = [];
  if (c.active_attempt) {
    links.push(h('a', { class: 'cell-link cell-link--live', href: `#/watch/${encodeURIComponent(c.active_attempt)}${q}&trainee=${encodeURIComponent(t.id)}`, dataset: { action: 'watch' } },
      h('span', { class: 'live-dot live-dot--on', 'aria-hidden': 'true' }), 'Watch live', vh(`: ${t.name} on ${a.title}`)));
  }
  if (c.latest_attempt) {
    links.push(h('a', { class: 'cell-link', href: `#/review/${encodeURIComponent(c.latest_attempt)}${q}&trainee=${encodeURIComponent(t.id)}`, dataset: { action: 'review' } },
      'Latest attempt', vh(` of ${t.name} on ${a.title}`), icon('forward')));
  }
  return h('div', { class: ['cell', `cell--${status}`] },
    h('p', { class: 'cell__top' }, progressBadge(status),
      c.overdue ? h('span', { class: 'cell__overdue' }, icon('flag'), 'Overdue') : null),
    bits.length ? h('p', { class: 'cell__meta' }, bits.join(' · '),
      c.last_played ? h('span', null, ' · last ', h('time', { datetime: c.last_played }, relativeTime(c.last_played))) : null) : null,
    (c.results || []).length ? h('ul', { class: 'results', 'aria-label': `${who}’s scores` }, c.results.map(result)) : null,
    c.too_fast ? h('p', { class: 'cell__warn', dataset: { testid: 'too-fast' } }, icon('clock'),
      `${plural(c.too_fast, 'run', 'runs')} too fast to have been read`) : null,
    links.length ? h('p', { class: 'cell__links' }, links) : null);
}

// result is one competency: best and latest against the pass mark, and the
// change since the first attempt.
function result(r) {
  const mark = (passed) => passed
    ? h('span', { class: 'res__mark res__mark--pass' }, h('span', { 'aria-hidden': 'true' }, '✓'), ' pass')
    : h('span', { class: 'res__mark res__mark--fail' }, h('span', { 'aria-hidden': 'true' }, '✗'), ' fail');
  const up = r.latest > r.first;
  return h('li', {
    class: 'res',
    dataset: { competency: r.competency, best: r.best, latest: r.latest, first: r.first, pass: r.pass, bestPassed: String(!!r.best_passed), latestPassed: String(!!r.latest_passed) },
  },
  h('span', { class: 'res__label' }, r.label || r.competency, h('span', { class: 'res__pass' }, ` · pass mark ${r.pass}`)),
  h('span', { class: 'res__vals' },
    h('span', { class: ['res__val', r.best_passed ? 'res__val--pass' : 'res__val--fail'] }, 'best ', h('strong', null, String(r.best)), ' ', mark(r.best_passed)),
    h('span', { class: ['res__val', r.latest_passed ? 'res__val--pass' : 'res__val--fail'] }, 'latest ', h('strong', null, String(r.latest)), ' ', mark(r.latest_passed))),
  r.first !== r.latest ? h('span', { class: ['res__change', up ? 'res__change--up' : 'res__change--down'], dataset: { testid: 'change' } },
    icon(up ? 'arrowUp' : 'arrowDown'), vh(`${r.label || r.competency}: `), `first ${r.first} → latest ${r.latest}`,
    vh(up ? ' (better)' : ' (worse)')) : null);
}

// averagesRow is the table's foot: the cohort's averages per assignment.
function averagesRow(assignments, averages, cohortId) {
  return h('tr', { class: 'review-table__avg', dataset: { testid: 'averages' } },
    h('th', { scope: 'row' }, 'Cohort average'),
    assignments.map((a) => {
      const av = averages.get(a.scenario) || { members: 0, started: 0, passed: 0, competencies: [] };
      return h('td', { dataset: { testid: 'average', scenario: a.scenario, passed: av.passed, members: av.members } },
        h('div', { class: 'cell' },
          h('p', { class: 'cell__top' }, h('strong', { class: 'avg__passed' }, `${av.passed} of ${av.members} passed`)),
          h('p', { class: 'cell__meta' }, `${av.started} started`),
          (av.competencies || []).length ? h('ul', { class: 'results', 'aria-label': `Cohort averages on ${a.title}` }, av.competencies.map((c) => {
            const ok = c.mean >= c.pass;
            return h('li', { class: 'res', dataset: { competency: c.competency, mean: c.mean } },
              h('span', { class: 'res__label' }, c.label || c.competency, h('span', { class: 'res__pass' }, ` · pass mark ${c.pass}`)),
              h('span', { class: 'res__vals' },
                h('span', { class: ['res__val', ok ? 'res__val--pass' : 'res__val--fail'] }, 'mean ', h('strong', null, fmtMean(c.mean)), ' ',
                  h('span', { class: ['res__mark', ok ? 'res__mark--pass' : 'res__mark--fail'] }, h('span', { 'aria-hidden': 'true' }, ok ? '✓' : '✗'), ok ? ' at the mark' : ' below'),
                  h('span', { class: 'res__scored' }, ` (${plural(c.scored, 'trainee', 'trainees')})`))));
          })) : null,
          av.too_fast_runs ? h('p', { class: 'cell__warn' }, icon('clock'), `${plural(av.too_fast_runs, 'run', 'runs')} too fast to have been read`) : null,
          h('p', { class: 'cell__links' }, h('a', { class: 'cell-link', href: `#/cohorts/${encodeURIComponent(cohortId)}/scenarios/${encodeURIComponent(a.scenario)}`, dataset: { action: 'heatmap' } },
            'Heat-map', vh(` of ${a.title}`), icon('forward')))));
    }));
}

function fmtMean(v) {
  return Number.isInteger(v) ? String(v) : String(Math.round(v));
}
