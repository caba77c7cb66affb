// The catalog view (#/): the trainee's assignments first (assignments.js),
// then the scenario cards and the trainee's attempts,
// newest first (eight, then a button for the rest of the first page of
// GET /api/attempts, then one for each older page), and the offer to claim
// the practice from before accounts that this browser still holds
// (app.me.legacy; POST /api/me/claim). It reads the lists over HTTP and links
// onward with plain hash links; it never starts a call itself.

import { h, vh, avatar, icon, plural, relativeTime } from './dom.js';
import { app } from './state.js';
import { api, apiPage } from './api.js';
import { mount, setLoading, route } from './router.js';
import { notify } from './notices.js';
import { busy, sentence } from './forms.js';
import { assignmentsSection } from './assignments.js';
import { difficultyBadge, minutesBadge, outcomeBadge, attemptOutcomeKey, personaLine, greeting, practiceOf } from './shared.js';

export async function renderCatalog(token) {
  setLoading(token);
  const [list, attempts, assigned] = await Promise.all([api('/api/scenarios'), apiPage('/api/attempts'),
    // The catalog works without its assignments (a server from before cohorts).
    api('/api/assignments').catch((err) => { if (err.code === 'login_required') throw err; return []; })]);
  const scenarios = Array.isArray(list) ? list : [];
  const mine = attempts.items;

  const activeIds = new Set(mine.filter((a) => a.status === 'active' && !practiceOf(a)).map((a) => a.scenario));
  for (const a of mine) if (a.practice && a.practice.of) app.practice.set(a.id, a.practice);
  const cards = h('ul', { class: 'card-grid', role: 'list' }, scenarios.map((sc) => {
    const p = sc.persona || {};
    const headingId = `sc-${sc.id}-title`;
    return h('li', null, h('article', {
      class: 'card scenario-card', 'aria-labelledby': headingId, dataset: { testid: 'scenario-card', scenarioId: sc.id },
    },
    h('div', { class: 'scenario-card__meta' }, difficultyBadge(sc.difficulty), minutesBadge(sc.minutes),
      activeIds.has(sc.id) ? outcomeBadge('active', 'scenario-card__progress') : null),
    h('h3', { id: headingId, class: 'scenario-card__title' }, sc.title),
    h('p', { class: 'scenario-card__summary' }, sc.summary),
    h('div', { class: 'persona-chip' }, avatar(p.name),
      h('span', { class: 'persona-chip__text' },
        h('span', { class: 'persona-chip__name' }, vh('Client: '), p.name),
        h('span', { class: 'persona-chip__role' }, personaLine(p)))),
    (sc.tags && sc.tags.length) ? h('ul', { class: 'tags', 'aria-label': 'Topics' }, sc.tags.slice(0, 4).map((t) => h('li', null, t))) : null,
    h('div', { class: 'scenario-card__actions' },
      h('a', { class: 'btn btn--primary start', id: `start-${sc.id}`, href: `#/s/${encodeURIComponent(sc.id)}` },
        activeIds.has(sc.id) ? 'Continue' : 'Start', vh(`: ${sc.title}`), icon('play')))));
  }));

  const attemptsSection = h('section', { class: 'section', 'aria-labelledby': 'attempts-heading', id: 'attempts' },
    h('div', { class: 'section__head' },
      h('h2', { id: 'attempts-heading' }, 'Your attempts'),
      mine.length ? h('p', { class: 'section__sub' }, attempts.next ? `The newest ${mine.length} attempts`
        : plural(mine.length, 'attempt', 'attempts') + ', newest first') : null),
    mine.length ? attemptList(mine, attempts.next)
      : h('div', { class: 'empty' }, icon('chat'), h('p', null, 'No attempts yet. Pick a scenario above — your practice calls and their debriefs will be listed here.')));

  const active = mine.filter((a) => a.status === 'active');
  const view = h('div', { class: 'container catalog' },
    h('section', { class: 'hero' },
      h('p', { class: 'eyebrow' }, `${greeting()}, ${app.me.name}`),
      h('h1', null, 'Which conversation shall we practise?'),
      h('p', { class: 'lead' }, 'Each scenario is a short call with a client who reacts to what you say. Read the briefing, take the call, then see a debrief of every reply.'),
      active.length ? h('p', { class: 'hero__resume' },
        h('a', { class: 'btn btn--secondary', href: `#/a/${encodeURIComponent(active[0].id)}` }, icon('chat'),
          practiceOf(active[0]) ? `Resume practice: “${active[0].title}”` : `Resume “${active[0].title}”`)) : null),
    claimPanel(),
    assignmentsSection(assigned),
    h('section', { class: 'section', 'aria-labelledby': 'scenarios-heading' },
      h('div', { class: 'section__head' },
        h('h2', { id: 'scenarios-heading' }, 'Scenarios'),
        h('p', { class: 'section__sub' }, plural(scenarios.length, 'scenario', 'scenarios'))),
      scenarios.length ? cards : h('div', { class: 'empty' }, h('p', null, 'No scenarios are installed yet.'))),
    attemptsSection);
  mount(token, 'catalog', 'Scenarios', view);
}

const ATTEMPTS_SHOWN = 8;

// attemptList shows the newest attempts, with a button to show the rest
// of the page, and then, when the server has more (next: the older page's
// path), one to fetch older attempts a page at a time.
function attemptList(all, next) {
  const list = h('ul', { class: 'attempt-list', role: 'list', id: 'attempt-list' }, all.slice(0, ATTEMPTS_SHOWN).map(attemptRow));
  if (all.length <= ATTEMPTS_SHOWN && !next) return list;
  const row = h('p', { class: 'more-row' });
  const appendRows = (items) => {
    const rows = items.map(attemptRow);
    list.append(...rows);
    const link = rows[0] && rows[0].querySelector('a');
    if (link) link.focus();
  };
  const older = h('button', { type: 'button', class: 'btn btn--secondary btn--sm', id: 'show-older-attempts', 'aria-controls': 'attempt-list' },
    'Show older attempts');
  older.addEventListener('click', async () => {
    busy(older, 'Loading…');
    try {
      const page = await apiPage(next);
      for (const a of page.items) if (a.practice && a.practice.of) app.practice.set(a.id, a.practice);
      next = page.next;
      if (!next) older.remove();
      appendRows(page.items);
    } catch (err) {
      if (err.code !== 'login_required') notify(sentence(err.message), 'error');
    } finally {
      busy(older);
    }
  });
  if (all.length > ATTEMPTS_SHOWN) {
    const more = h('button', { type: 'button', class: 'btn btn--secondary btn--sm', id: 'show-all-attempts', 'aria-controls': 'attempt-list' },
      next ? `Show all ${all.length} newest attempts` : `Show all ${all.length} attempts`);
    more.addEventListener('click', () => {
      more.remove();
      if (next) row.append(older);
      appendRows(all.slice(ATTEMPTS_SHOWN));
    });
    row.append(more);
  } else {
    row.append(older);
  }
  return h('div', null, list, row);
}

function attemptRow(a) {
  const key = attemptOutcomeKey(a);
  const ended = a.status !== 'active';
  const when = relativeTime(a.updated_at || a.started_at);
  const pr = practiceOf(a);
  return h('li', { class: ['attempt', pr && 'attempt--practice'], dataset: { testid: 'attempt', attemptId: a.id, status: a.status, practice: pr ? 'true' : null } },
    h('div', { class: 'attempt__main' },
      h('p', { class: 'attempt__title' }, pr ? h('span', { class: 'tag-practice' }, 'Practice') : null, a.title || a.scenario),
      h('p', { class: 'attempt__meta' },
        pr ? `from turn ${pr.from_turn} · ` : null,
        plural(a.turns || 0, 'turn', 'turns'),
        when ? h('span', null, ' · ', h('time', { datetime: a.updated_at || a.started_at }, when)) : null)),
    outcomeBadge(key, 'attempt__status'),
    h('a', {
      class: ['btn', ended ? 'btn--secondary' : 'btn--primary', 'btn--sm'],
      href: ended ? `#/a/${encodeURIComponent(a.id)}/debrief` : `#/a/${encodeURIComponent(a.id)}`,
      dataset: { action: ended ? 'debrief' : 'resume' },
    }, ended ? 'View debrief' : 'Resume', vh(`: ${a.title || a.scenario}`)));
}

// Dismissed claim offers, for this browser session.
const DISMISSED = 'parley.claimDismissed';

// claimPanel offers the practice from before accounts that this browser
// still holds, when there is some.
function claimPanel() {
  const l = app.me && app.me.legacy;
  if (!l || !(l.attempts > 0)) return null;
  try { if (sessionStorage.getItem(DISMISSED) === l.id) return null; } catch { /* not remembered */ }
  const calls = plural(l.attempts, 'practice call', 'practice calls');
  const accept = h('button', { type: 'button', id: 'claim-accept', class: 'btn btn--primary btn--sm' }, 'Add them to my account');
  const dismiss = h('button', { type: 'button', id: 'claim-dismiss', class: 'btn btn--quiet btn--sm' }, 'Not now');
  const error = h('p', { id: 'claim-error', class: 'field-error', role: 'alert' });
  const panel = h('section', { class: 'claim', id: 'claim', 'aria-labelledby': 'claim-title', dataset: { legacyId: l.id } },
    h('span', { class: 'claim__icon', 'aria-hidden': 'true' }, icon('history')),
    h('div', { class: 'claim__body' },
      h('h2', { id: 'claim-title', class: 'claim__title' }, 'Practice from before accounts'),
      h('p', { id: 'claim-text' }, `We found ${calls} from before accounts, under the name “`, h('strong', null, l.name), '”. Add them to your account?'),
      h('div', { class: 'btn-row' }, accept, dismiss),
      error));
  dismiss.addEventListener('click', () => {
    try { sessionStorage.setItem(DISMISSED, l.id); } catch { /* shown again next time */ }
    panel.remove();
    const h1 = document.querySelector('#main h1');
    if (h1) { h1.setAttribute('tabindex', '-1'); h1.focus(); }
  });
  accept.addEventListener('click', async () => {
    error.textContent = '';
    busy(accept, 'Adding…');
    try {
      const res = await api('/api/me/claim', { method: 'POST' });
      const n = res && Number.isFinite(res.attempts) ? res.attempts : l.attempts;
      app.me = { ...app.me, legacy: undefined };
      await route();
      notify(`Done: ${plural(n, 'practice call', 'practice calls')} from before accounts ${n === 1 ? 'is' : 'are'} now in your attempts.`);
    } catch (err) {
      if (err.code === 'login_required') return;
      busy(accept);
      error.textContent = sentence(err.message);
    }
  });
  return panel;
}
