// The trainee view (#/trainees/{userId}, ?cohort= for the way back and the
// assignment's pass marks; managers and admins): every attempt of one
// trainee (GET /api/trainees/{user}/attempts: the newest page, and a "Show
// older attempts" button while the server has more) with its date, duration,
// scenario, outcome and scores, linking to its review (or to watch it
// live), practice runs apart, and a trend chart per competency over the
// scored attempts (chart.js), with the pass marks. It draws what the server
// sent; the marks are the cohort's assignment's when known, else the ones
// the trainee is held to, as each attempt's scores carry them.

import { h, vh, icon, avatar, plural, clear } from './dom.js';
import { api, apiPage } from './api.js';
import { mount, setLoading, main } from './router.js';
import { app } from './state.js';
import { when, busy, sentence } from './forms.js';
import { notify } from './notices.js';
import { outcomeBadge, attemptOutcomeKey, duration } from './shared.js';
import { trendChart } from './chart.js';

export async function renderTrainee(token, userId, cohortId) {
  setLoading(token);
  const [page, found] = await Promise.all([
    apiPage(`/api/trainees/${encodeURIComponent(userId)}/attempts`),
    findMember(userId, cohortId),
  ]);
  showTrainee(token, userId, found, page.items, page.next, false);
}

// showTrainee draws the view over the attempts loaded so far (list); next
// is the path of the older page, null when all are loaded. again: drawn
// over itself after loading an older page (focus stays put).
function showTrainee(token, userId, found, list, next, again) {
  const { cohort, member } = found;
  const name = member ? member.name : 'Trainee';
  const q = new URLSearchParams();
  if (cohort) q.set('cohort', cohort.id);
  q.set('trainee', userId);
  const qs = `?${q}`;
  // The assignment's pass marks, by scenario, when the cohort says.
  const marks = new Map();
  for (const a of (cohort && cohort.assignments) || []) marks.set(a.scenario, new Map((a.marks || []).map((m) => [m.competency, m.pass])));

  const scored = list.filter((a) => !a.practice).sort((a, b) => Date.parse(a.started_at) - Date.parse(b.started_at));
  const practice = list.filter((a) => a.practice);
  const withScores = scored.filter((a) => Array.isArray(a.scores) && a.scores.length);
  const number = new Map(withScores.map((a, i) => [a.id, i + 1]));
  const passOf = (a, s) => {
    const m = marks.get(a.scenario);
    return m && m.has(s.competency) ? m.get(s.competency) : s.pass;
  };
  const passedOf = (a, s) => {
    const pass = passOf(a, s);
    return pass === s.pass ? !!s.passed : s.score >= pass && !s.blocked;
  };

  // The trends: one chart per competency, one line per scenario.
  const comps = new Map(); // competency -> {label, byScenario: Map(scenario -> {label, pass, points})}
  for (const a of withScores) {
    for (const s of a.scores) {
      if (!comps.has(s.competency)) comps.set(s.competency, { label: s.label || s.competency, byScenario: new Map() });
      const c = comps.get(s.competency);
      if (!c.byScenario.has(a.scenario)) c.byScenario.set(a.scenario, { label: a.title || a.scenario, pass: passOf(a, s), points: [] });
      c.byScenario.get(a.scenario).points.push({ x: number.get(a.id), score: s.score, passed: passedOf(a, s), when: when(a.ended_at || a.started_at) });
    }
  }
  const chartBoxes = [];
  const trends = [...comps.entries()].map(([cid, c]) => {
    const box = h('div', { class: 'chart-box' });
    chartBoxes.push({ box, draw: (width) => trendChart({ label: c.label, n: withScores.length, series: [...c.byScenario.values()], width }) });
    return h('section', { class: 'panel trend-panel', 'aria-labelledby': `trend-${cid}`, dataset: { testid: 'trend', competency: cid } },
      h('h3', { id: `trend-${cid}` }, c.label), box);
  });

  let older = null;
  if (next) {
    older = h('button', { type: 'button', class: 'btn btn--secondary btn--sm', id: 'show-older-attempts' }, 'Show older attempts');
    older.addEventListener('click', async () => {
      busy(older, 'Loading…');
      try {
        const more = await apiPage(next);
        if (token !== app.renderToken) return; // the trainee went elsewhere meanwhile
        if (app.view && app.view.destroy) app.view.destroy();
        showTrainee(token, userId, found, list.concat(more.items), more.next, true);
        // The focus goes to the first attempt just loaded (newest first, at
        // the end of the table), as on the home page; else to the button,
        // or the list's heading once there is nothing more to show.
        const first = more.items.find((a) => !a.practice);
        const again = (first && document.querySelector(`#trainee-attempts tr[data-attempt-id="${CSS.escape(first.id)}"] a`))
          || document.getElementById('show-older-attempts') || document.getElementById('trainee-attempts-heading');
        if (again) {
          if (!again.matches('a, button')) again.setAttribute('tabindex', '-1');
          again.focus({ preventScroll: !first });
        }
      } catch (err) {
        busy(older);
        if (err.code !== 'login_required') notify(sentence(err.message), 'error');
      }
    });
  }
  const ended = scored.filter((a) => a.status !== 'active');
  const time = ended.reduce((n, a) => n + seconds(a), 0);
  const view = h('div', { class: 'container trainee', id: 'trainee', dataset: { userId } },
    h('p', { class: 'crumbs' }, cohort
      ? h('a', { href: `#/cohorts/${encodeURIComponent(cohort.id)}`, id: 'back-to-cohort' }, icon('back'), `Back to ${cohort.name}`)
      : h('a', { href: '#/cohorts' }, icon('back'), 'All cohorts')),
    h('header', { class: 'page-head trainee-head' },
      avatar(name, 'lg'),
      h('div', null,
        h('p', { class: 'eyebrow' }, cohort ? `Trainee · ${cohort.name}` : 'Trainee'),
        h('h1', null, name),
        member ? h('p', { class: 'trainee-head__username username' }, member.username) : null)),
    h('ul', { class: 'stat-row', role: 'list', 'aria-label': 'At a glance' },
      stat(String(scored.length), scored.length === 1 ? 'scored attempt' : 'scored attempts'),
      stat(String(ended.filter((a) => a.status === 'finished').length), 'finished'),
      stat(duration(time), 'on task'),
      stat(String(practice.length), practice.length === 1 ? 'practice run' : 'practice runs')),
    h('section', { class: 'section', 'aria-labelledby': 'trends-heading' },
      h('div', { class: 'section__head' },
        h('h2', { id: 'trends-heading' }, 'Trends'),
        h('p', { class: 'section__sub' }, 'Each competency’s score over the scored attempts, oldest first, against the pass mark.')),
      trends.length ? h('div', { class: 'trend-grid' }, trends)
        : h('div', { class: 'empty' }, icon('trend'), h('p', null, 'No scored attempt has ended yet: the trends show once one has.'))),
    h('section', { class: 'section', 'aria-labelledby': 'trainee-attempts-heading' },
      h('div', { class: 'section__head' },
        h('h2', { id: 'trainee-attempts-heading' }, 'Attempts'),
        h('p', { class: 'section__sub' }, next ? `The newest ${plural(scored.length, 'attempt', 'attempts')}, newest first; the trends and totals count these only`
          : `${plural(scored.length, 'attempt', 'attempts')}, newest first`)),
      scored.length ? attemptTable('trainee-attempts', [...scored].reverse(), { qs, name, number, passOf, passedOf })
        : h('div', { class: 'empty' }, icon('chat'), h('p', null, next ? 'No scored attempt among the newest: show older attempts.' : `${name} hasn’t played a scored attempt yet.`)),
      older ? h('p', { class: 'more-row' }, older) : null),
    practice.length ? h('section', { class: 'section', 'aria-labelledby': 'trainee-practice-heading' },
      h('div', { class: 'section__head' },
        h('h2', { id: 'trainee-practice-heading' }, 'Practice runs'),
        h('p', { class: 'section__sub' }, 'From a turn of an earlier attempt: never scored, never counted.')),
      attemptTable('trainee-practice', practice, { qs, name, practice: true })) : null);

  if (!mount(token, 'trainee', name, view, { focus: !again })) return;
  const draw = () => {
    for (const c of chartBoxes) clear(c.box).append(c.draw(c.box.clientWidth || Math.min(1100, main.clientWidth - 90)));
  };
  draw();
  let drawn = chartBoxes.length ? chartBoxes[0].box.clientWidth : 0;
  let timer = null;
  const onResize = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const w = chartBoxes.length ? chartBoxes[0].box.clientWidth : 0;
      if (Math.abs(w - drawn) > 40) { drawn = w; draw(); }
    }, 150);
  };
  window.addEventListener('resize', onResize);
  app.view = { destroy: () => { window.removeEventListener('resize', onResize); clearTimeout(timer); } };
}

// findMember finds the trainee in the cohort named, or else in the
// cohorts the reader manages: {cohort, member}, each null when not found.
async function findMember(userId, cohortId) {
  const look = async (id) => {
    const c = await api(`/api/cohorts/${encodeURIComponent(id)}`).catch(() => null);
    const m = c && (c.members || []).find((x) => x.id === userId);
    return m ? { cohort: c, member: m } : null;
  };
  if (cohortId) {
    const f = await look(cohortId);
    if (f) return f;
  }
  const list = await api('/api/cohorts').catch(() => []);
  for (const c of Array.isArray(list) ? list : []) {
    if (c.id === cohortId) continue;
    const f = await look(c.id);
    if (f) return f;
  }
  return { cohort: null, member: null };
}

function stat(value, label) {
  return h('li', { class: 'stat' }, h('span', { class: 'stat__value' }, value), h('span', { class: 'stat__label' }, label));
}

function seconds(a) {
  const end = Date.parse(a.ended_at || a.updated_at);
  const start = Date.parse(a.started_at);
  return Number.isFinite(end) && Number.isFinite(start) && end > start ? (end - start) / 1000 : 0;
}

// attemptTable lists attempts: when, how long, the scenario, the outcome,
// the scores, and the way to its review (or to watch it live).
function attemptTable(id, list, { qs, name, number, passOf, passedOf, practice }) {
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'data-table attempts-table', id },
      h('caption', { class: 'vh' }, practice ? `${name}’s practice runs` : `${name}’s scored attempts: date, duration, scenario, outcome and scores`),
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, 'Date'), h('th', { scope: 'col' }, 'Scenario'), h('th', { scope: 'col' }, 'Duration'),
        h('th', { scope: 'col' }, 'Outcome'), practice ? null : h('th', { scope: 'col' }, 'Scores'),
        h('th', { scope: 'col' }, h('span', { class: 'vh' }, 'Open')))),
      h('tbody', null, list.map((a) => {
        const active = a.status === 'active';
        const link = active
          ? h('a', { class: 'btn btn--secondary btn--sm', href: `#/watch/${encodeURIComponent(a.id)}${qs}`, dataset: { action: 'watch' } },
            h('span', { class: 'live-dot live-dot--on', 'aria-hidden': 'true' }), 'Watch live', vh(`: ${a.title}`))
          : h('a', { class: 'btn btn--secondary btn--sm', href: `#/review/${encodeURIComponent(a.id)}${qs}`, dataset: { action: 'review' } },
            'Review', vh(` the attempt at ${a.title}, ${when(a.started_at)}`));
        return h('tr', { dataset: { testid: 'trainee-attempt', attemptId: a.id, status: a.status, practice: practice ? 'true' : null } },
          h('th', { scope: 'row', class: 'attempts-table__when' },
            number && number.has(a.id) ? h('span', { class: 'attempt-num' }, `#${number.get(a.id)}`) : null,
            h('time', { datetime: a.started_at }, when(a.started_at))),
          h('td', { dataset: { label: 'Scenario' } }, h('span', null, a.title || a.scenario,
            practice && a.practice ? h('span', { class: 'muted attempts-table__from' }, ` · from turn ${a.practice.from_turn}`) : null)),
          h('td', { dataset: { label: 'Duration' } }, h('span', null, active ? 'In progress' : duration(seconds(a)),
            h('span', { class: 'muted' }, ` · ${plural(a.turns || 0, 'turn', 'turns')}`))),
          h('td', { dataset: { label: 'Outcome' } }, outcomeBadge(attemptOutcomeKey(a))),
          practice ? null : h('td', { dataset: { label: 'Scores' } }, (a.scores || []).length
            ? h('ul', { class: 'score-chips', role: 'list' }, a.scores.map((s) => {
              const ok = passedOf(a, s);
              return h('li', { class: ['score-chip', ok ? 'score-chip--pass' : 'score-chip--fail'], dataset: { competency: s.competency, score: s.score, passed: String(ok) } },
                `${s.label} `, h('strong', null, String(s.score)), ' ',
                h('span', { 'aria-hidden': 'true' }, ok ? '✓' : '✗'), vh(ok ? ` passed (mark ${passOf(a, s)})` : ` not passed (mark ${passOf(a, s)})`));
            })) : h('span', { class: 'muted' }, active ? '—' : 'No scores')),
          h('td', { class: 'actions-cell' }, link));
      }))));
}
