// Parley's browser app: a single page with hash routes, talking to the server
// as docs/protocol.md describes (JSON over HTTP, one websocket at /ws). The
// server is the authority: this file renders what it is sent and never
// computes a score.
//
// Routes
//   (no identity)        name prompt          <main data-state="name">
//   #/                   catalog              <main data-state="catalog">
//   #/name               change your name     <main data-state="name">
//   #/s/{scenarioId}     briefing             <main data-state="briefing">
//   #/a/{attemptId}      conversation         <main data-state="conversation">
//   #/a/{id}/debrief     debrief              <main data-state="debrief">
//   #/a/{id}/debrief?turn=N   the debrief, with the focus on turn N
//   anything else        not found / errors   <main data-state="error">
//   <main> carries data-state="loading" while a view fetches its data.
//
// Test hooks (stable ids and data-* attributes for browser tests)
//   Everywhere    <main id="main" data-state="…"> (see Routes); skip link #skip-link.
//   Header        #user-name, #change-name, #nav-scenarios
//   Notices       #conn-status (role=status: "Reconnecting…" while the socket is down),
//                 #notice (role=status: errors and information, with a dismiss button)
//   Name prompt   #name-form, #name-input, #name-save, #name-error
//   Catalog       [data-testid=scenario-card][data-scenario-id] with its start link a.start#start-{id};
//                 #attempts section; [data-testid=attempt][data-attempt-id][data-status] holding
//                 a[data-action=resume] or a[data-action=debrief]; #show-all-attempts when over 8;
//                 a practice run's row has data-practice="true" and a .tag-practice label
//   Briefing      #briefing, #begin, #back-to-catalog, #mood (starting mood meters),
//                 [data-testid=competency][data-competency][data-pass]
//   Conversation  #call[data-connected="true"|"false"][data-turn][data-last-seq]
//                 #transcript (role=log, aria-live=polite) of [data-testid=line][data-who=client|me|interjection|note]
//                   (a "me" line also has data-reply-id; class is-sending until the server confirms it)
//                 #typing (role=status; has data-active while the client is "typing")
//                 #reply-panel[data-mode=connecting|waiting|replies|sending|ended]
//                 #replies-heading (h2, tabindex=-1): where the focus goes once the client has
//                   spoken (never onto a reply, WCAG 2.1.4)
//                 #skip (only while typing: shows the rest at once; Escape does the same)
//                 #replies (ol, named by the heading) > li > button[data-reply-id][data-index]
//                   (1-based; keys 1–9 choose while the focus is in #reply-panel and the
//                   number keys are on)
//                 #number-keys (checkbox: number keys on/off, kept in localStorage)
//                 #call[data-practice="true"] and #practice-banner (with a#practice-source) for a practice run
//                 #call-brief: button#brief-toggle[aria-expanded][aria-controls=call-brief-body],
//                   #call-brief-body with the briefing and [data-testid=brief-competency][data-competency]
//                 #mood > [data-testid=mood-meter][data-mood][data-value][data-band], each with a
//                   [role=meter] (aria-valuenow/min/max/valuetext) and .meter__change ("annoyed → calming down")
//                 #give-up, then dialog#give-up-dialog with #give-up-confirm and #give-up-cancel
//                 #call-ended (once the call is over) with #see-debrief
//   Debrief       #debrief[data-outcome][data-status][data-complete][data-success][data-practice],
//                 #ending-title (the headline), #debrief-summary, #practice-banner (practice runs),
//                 #decided with [data-testid=decisive][data-name][data-value] ("What decided the ending"),
//                   whose dd.decided__none[data-empty] says "None yet" / "None" for an empty value,
//                 [data-testid=score][data-competency][data-score][data-pass][data-passed][data-blocked],
//                 #mood-misleads (when the mood meter and the ending disagree),
//                 #mood-chart (figure with an SVG and a visually-hidden table),
//                 [data-testid=turn][data-turn][data-on-ideal][data-verdict] (li#turn-N) with
//                   .verdict ("✓ Followed: …"), .turn__ideal[data-kind=stronger|best_left],
//                   [data-testid=closed][data-turn] with a.turn-link, and
//                   button[data-action=practice][data-turn] ("Practise from here"; data-error-status
//                   when the server refused),
//                 #try-again (to the briefing), #back-home
//
// Pacing: a client line is preceded by the typing indicator for ~30 ms a
// character (0.7–2.5 s). "Skip" or Escape shows everything at once; with
// prefers-reduced-motion: reduce there is no delay at all.

import { h, clear, vh, avatar, icon, richText, plural, relativeTime } from './dom.js';
import { moodChart } from './chart.js';
import { app, reducedMotion } from './state.js';
import { ApiError, api, scenarioDetail } from './api.js';
import { setConnStatus, notify } from './notices.js';
import {
  difficultyBadge, minutesBadge, OUTCOMES, outcomeBadge, attemptOutcomeKey, personaLine, firstName, greeting,
  practiceOf, practiceBanner,
} from './shared.js';
import { moodTone, fmtNum, describeChange, moodMeter } from './mood.js';

const main = document.getElementById('main');

// ---------------------------------------------------------------------------
// Routing

function parseRoute() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const path = raw.split('?')[0];
  let m;
  if (path === '/' || path === '') return { view: 'catalog' };
  if (path === '/name') return { view: 'name' };
  if ((m = path.match(/^\/s\/([^/]+)\/?$/))) return { view: 'briefing', id: decodeURIComponent(m[1]) };
  if ((m = path.match(/^\/a\/([^/]+)\/debrief\/?$/))) {
    const turn = Number(new URLSearchParams(raw.split('?')[1] || '').get('turn')) || 0;
    return { view: 'debrief', id: decodeURIComponent(m[1]), turn };
  }
  if ((m = path.match(/^\/a\/([^/]+)\/?$/))) return { view: 'conversation', id: decodeURIComponent(m[1]) };
  return { view: 'notfound' };
}

function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

async function route(opts = {}) {
  const token = ++app.renderToken;
  app.routedHash = location.hash;
  notify(null);
  if (app.view && app.view.destroy) app.view.destroy();
  app.view = null;
  const r = parseRoute();
  if (!app.me && r.view !== 'name') {
    app.afterName = location.hash || '#/';
    return renderName(token, { first: true });
  }
  try {
    switch (r.view) {
      case 'catalog': return await renderCatalog(token);
      case 'name': return renderName(token, { first: !app.me });
      case 'briefing': return await renderBriefing(token, r.id);
      case 'conversation': return renderConversation(token, { attemptId: r.id, scenarioId: opts.start });
      case 'debrief': return await renderDebrief(token, r.id, r.turn);
      default: return renderProblem(token, 'Page not found', 'There is nothing at this address.');
    }
  } catch (err) {
    if (token !== app.renderToken) return;
    if (err instanceof ApiError && err.code === 'no_identity') {
      app.me = null;
      updateUser();
      app.afterName = location.hash || '#/';
      return renderName(token, { first: true });
    }
    if (!(err instanceof ApiError)) console.error(err);
    if (err.status === 404) {
      renderProblem(token, r.view === 'briefing' ? 'Scenario not found' : 'Attempt not found',
        r.view === 'briefing' ? 'This scenario isn’t available. It may have been renamed or removed.'
          : 'We couldn’t find this attempt. It may have been removed, or the link is wrong.');
    } else {
      renderProblem(token, 'Something went wrong', err.message || String(err));
    }
  }
}

// mount replaces <main>'s content with a view and moves focus to its heading.
function mount(token, state, title, content, { focus = true } = {}) {
  if (token !== app.renderToken) return false;
  clear(main).append(content);
  main.dataset.state = state;
  document.title = title ? `${title} · Parley` : 'Parley';
  document.querySelectorAll('.site-nav a[aria-current]').forEach((a) => a.removeAttribute('aria-current'));
  if (state === 'catalog') document.getElementById('nav-scenarios').setAttribute('aria-current', 'page');
  // Move focus to the new view's heading on navigation, not on the first load
  // (there the skip link should stay the first stop).
  const first = !app.rendered;
  app.rendered = true;
  if (focus && !first) {
    const h1 = main.querySelector('h1');
    if (h1) {
      h1.setAttribute('tabindex', '-1');
      h1.focus({ preventScroll: true });
    }
    window.scrollTo(0, 0);
  }
  return true;
}

function setLoading(token) {
  if (token !== app.renderToken) return;
  main.dataset.state = 'loading';
  clear(main).append(h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Loading…'));
}

function renderProblem(token, title, message) {
  mount(token, 'error', title, h('section', { class: 'container narrow problem' },
    h('div', { class: 'panel panel--center' },
      h('h1', null, title),
      h('p', { class: 'lead' }, message),
      h('p', null, h('a', { class: 'btn btn--primary', href: '#/' }, icon('back'), 'Back to scenarios')))));
}

function updateUser() {
  const slot = document.getElementById('user-slot');
  document.getElementById('nav-scenarios').hidden = !app.me;
  if (app.me) {
    document.getElementById('user-name').textContent = app.me.name;
    slot.hidden = false;
  } else {
    slot.hidden = true;
  }
}

// ---------------------------------------------------------------------------
// Name prompt

function renderName(token, { first }) {
  const input = h('input', {
    id: 'name-input', name: 'name', type: 'text', autocomplete: 'given-name', required: true, maxlength: 60,
    spellcheck: 'false', 'aria-describedby': 'name-help', value: app.me ? app.me.name : '',
  });
  const error = h('p', { id: 'name-error', class: 'field-error', role: 'alert' });
  const save = h('button', { id: 'name-save', type: 'submit', class: 'btn btn--primary btn--lg' }, first ? 'Continue' : 'Save name');
  const form = h('form', { id: 'name-form', class: 'name-form', novalidate: true },
    h('label', { for: 'name-input', class: 'field-label' }, 'Your name'),
    h('p', { id: 'name-help', class: 'field-help' }, 'A first name or nickname is fine. It’s shown on your attempts and debriefs.'),
    input, error,
    h('div', { class: 'form-actions' }, save, !first && h('a', { class: 'btn btn--quiet', href: '#/' }, 'Cancel')));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const name = input.value.trim();
    error.textContent = '';
    input.removeAttribute('aria-invalid');
    if (!name) {
      error.textContent = 'Please type a name so we know what to call you.';
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-errormessage', 'name-error');
      input.focus();
      return;
    }
    save.disabled = true;
    save.textContent = 'Saving…';
    try {
      app.me = await api('/api/me', { method: 'POST', body: { name } });
      updateUser();
      const next = app.afterName && app.afterName !== '#/name' ? app.afterName : '#/';
      app.afterName = null;
      go(next);
    } catch (err) {
      error.textContent = err.message || 'That didn’t work. Please try again.';
      save.disabled = false;
      save.textContent = first ? 'Continue' : 'Save name';
      input.focus();
    }
  });

  const view = h('section', { class: 'container narrow welcome' },
    h('div', { class: 'panel welcome__panel' },
      first && h('div', { class: 'welcome__art', 'aria-hidden': 'true' },
        h('span', { class: 'bubble-art bubble-art--them' }, 'So where exactly is my order?'),
        h('span', { class: 'bubble-art bubble-art--me' }, 'I’m sorry. That’s on us — tell me what it’s cost you.')),
      first && h('p', { class: 'eyebrow' }, 'Welcome to Parley'),
      h('h1', null, 'What should we call you?'),
      first && h('p', { class: 'lead' }, 'Practise the hard client conversations — late shipments, faulty parts, impossible asks — with clients who react to what you say. Nothing here reaches a real client.'),
      form));
  if (mount(token, 'name', first ? 'Welcome' : 'Change your name', view, { focus: false })) {
    input.focus();
    if (!first) input.select();
  }
}

// ---------------------------------------------------------------------------
// ---------------------------------------------------------------------------
// Catalog

async function renderCatalog(token) {
  setLoading(token);
  const [list, attempts] = await Promise.all([api('/api/scenarios'), api('/api/attempts')]);
  const scenarios = Array.isArray(list) ? list : [];
  const mine = Array.isArray(attempts) ? attempts : [];

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
      mine.length ? h('p', { class: 'section__sub' }, plural(mine.length, 'attempt', 'attempts') + ', newest first') : null),
    mine.length ? attemptList(mine)
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
    h('section', { class: 'section', 'aria-labelledby': 'scenarios-heading' },
      h('div', { class: 'section__head' },
        h('h2', { id: 'scenarios-heading' }, 'Scenarios'),
        h('p', { class: 'section__sub' }, plural(scenarios.length, 'scenario', 'scenarios'))),
      scenarios.length ? cards : h('div', { class: 'empty' }, h('p', null, 'No scenarios are installed yet.'))),
    attemptsSection);
  mount(token, 'catalog', 'Scenarios', view);
}

const ATTEMPTS_SHOWN = 8;

// attemptList shows the newest attempts, with a button to show the rest.
function attemptList(all) {
  const list = h('ul', { class: 'attempt-list', role: 'list', id: 'attempt-list' }, all.slice(0, ATTEMPTS_SHOWN).map(attemptRow));
  if (all.length <= ATTEMPTS_SHOWN) return list;
  const more = h('button', { type: 'button', class: 'btn btn--secondary btn--sm', id: 'show-all-attempts', 'aria-controls': 'attempt-list' },
    `Show all ${all.length} attempts`);
  more.addEventListener('click', () => {
    const rows = all.slice(ATTEMPTS_SHOWN).map(attemptRow);
    list.append(...rows);
    more.remove();
    const link = rows[0] && rows[0].querySelector('a');
    if (link) link.focus();
  });
  return h('div', null, list, h('p', { class: 'more-row' }, more));
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

// ---------------------------------------------------------------------------
// Briefing

async function renderBriefing(token, id) {
  setLoading(token);
  const [sc, attempts] = await Promise.all([scenarioDetail(id), api('/api/attempts').catch(() => [])]);
  const p = sc.persona || {};
  const who = firstName(p.name);
  const active = (Array.isArray(attempts) ? attempts : []).find((a) => a.scenario === sc.id && a.status === 'active' && !practiceOf(a));
  const begin = h('button', { id: 'begin', type: 'button', class: 'btn btn--primary btn--lg' }, icon('play'),
    active ? 'Resume the call' : 'Begin the call');
  begin.addEventListener('click', () => {
    history.pushState(null, '', `#/a/new`);
    route({ start: sc.id });
  });

  const competencies = h('ul', { class: 'competency-list', role: 'list' }, (sc.competencies || []).map((c) =>
    h('li', { class: 'competency', dataset: { testid: 'competency', competency: c.id, pass: c.pass } },
      h('div', { class: 'competency__text' },
        h('p', { class: 'competency__label' }, c.label),
        c.description ? h('p', { class: 'competency__desc' }, c.description) : null),
      h('p', { class: 'competency__pass' }, h('span', { class: 'competency__pass-label' }, 'Pass mark'), ' ', h('strong', null, String(c.pass)), vh(' out of 100')))));

  const mood = h('div', { class: 'mood-list', id: 'mood' }, (sc.mood || []).map((r) => moodMeter(r).el));

  const view = h('div', { class: 'container briefing', id: 'briefing' },
    h('p', { class: 'crumbs' }, h('a', { href: '#/', id: 'back-to-catalog' }, icon('back'), 'All scenarios')),
    h('header', { class: 'page-head' },
      h('div', { class: 'page-head__meta' }, difficultyBadge(sc.difficulty), minutesBadge(sc.minutes)),
      h('h1', null, sc.title),
      h('p', { class: 'lead' }, sc.summary)),
    h('div', { class: 'briefing__grid' },
      h('div', { class: 'briefing__main' },
        h('section', { class: 'panel', 'aria-labelledby': 'brief-heading' },
          h('h2', { id: 'brief-heading' }, 'Your briefing'),
          h('div', { class: 'prose' }, richText(sc.briefing))),
        h('section', { class: 'panel', 'aria-labelledby': 'comp-heading' },
          h('h2', { id: 'comp-heading' }, 'What you’ll be scored on'),
          h('p', { class: 'muted' }, 'Each reply earns or loses points. A competency passes when its score reaches the pass mark and no reply broke it outright.'),
          competencies),
        h('div', { class: 'begin-bar' },
          begin,
          h('p', { class: ['begin-bar__hint', active && 'begin-bar__hint--active'] }, active
            ? `You have this call in progress (${plural(active.turns || 0, 'reply', 'replies')} so far). You’ll pick up where you left off.`
            : `${who} speaks first. Choose your replies with the mouse or the number keys.`))),
      h('aside', { class: 'briefing__aside', 'aria-label': `About ${p.name}` },
        h('section', { class: 'panel persona-card', 'aria-labelledby': 'persona-heading' },
          h('p', { class: 'eyebrow' }, 'You’re speaking with'),
          h('div', { class: 'persona-card__id' }, avatar(p.name, 'lg'),
            h('div', null,
              h('h2', { id: 'persona-heading', class: 'persona-card__name' }, p.name),
              h('p', { class: 'persona-card__role' }, personaLine(p)))),
          p.backstory ? h('div', { class: 'prose prose--small' }, richText(p.backstory)) : null),
        (sc.mood && sc.mood.length) ? h('section', { class: 'panel', 'aria-labelledby': 'start-mood-heading' },
          h('h2', { id: 'start-mood-heading' }, `How ${who} feels going in`),
          mood) : null)));
  mount(token, 'briefing', sc.title, view);
}

// ---------------------------------------------------------------------------
// Conversation

function renderConversation(token, { attemptId, scenarioId }) {
  if (attemptId === 'new' && !scenarioId) {
    // A reload of the transient "#/a/new" address: nothing to resume.
    go('#/');
    return;
  }
  const call = new Call({ attemptId: attemptId === 'new' ? null : attemptId, scenarioId });
  app.view = call;
  mount(token, 'conversation', 'Conversation', call.el, { focus: false });
  call.start();
}

// Number keys as reply shortcuts: on unless the trainee turned them off.
const NUMBER_KEYS = 'parley.numberKeys';

function numberKeysOn() {
  try { return localStorage.getItem(NUMBER_KEYS) !== 'off'; } catch { return true; }
}

function setNumberKeys(on) {
  try { localStorage.setItem(NUMBER_KEYS, on ? 'on' : 'off'); } catch { /* private mode: not remembered */ }
}

const BRIEF_OPEN = 'parley.briefing';

const MIN_TYPING_MS = 700;
const MAX_TYPING_MS = 2500;
const MS_PER_CHAR = 30;
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];

class Call {
  constructor({ attemptId, scenarioId }) {
    this.attemptId = attemptId;
    this.startScenario = attemptId ? null : scenarioId;
    this.scenario = null;
    this.lastSeq = 0;
    this.pending = null; // {type: 'choose'|'give_up', seq, reply?, text?}
    this.replies = [];
    this.mood = [];
    this.ending = null;
    this.status = 'active';
    this.turn = 0;
    this.ws = null;
    this.connected = false;
    this.closed = false;
    this.retries = 0;
    this.retryTimer = null;
    this.awaitingSnapshot = false;
    this.revealing = false;
    this.revealGen = 0;
    this.skipping = false;
    this.pauseTimer = null;
    this.pauseResolve = null;
    this.inbox = Promise.resolve();
    this.meters = new Map();
    this.practice = undefined; // {of, from_turn} for a practice run, null otherwise, undefined until known
    this.fatal = false;
    this.build();
    this.onKey = this.onKey.bind(this);
    document.addEventListener('keydown', this.onKey);
  }

  // --- DOM ---------------------------------------------------------------

  build() {
    this.titleEl = h('h1', { class: 'call-head__name', id: 'call-title' }, 'Connecting…');
    this.roleEl = h('p', { class: 'call-head__role' });
    this.scenarioEl = h('p', { class: 'call-head__scenario' });
    this.avatarSlot = h('div', { class: 'call-head__avatar' }, avatar('?', 'md'));
    this.liveDot = h('span', { class: 'live-dot', 'aria-hidden': 'true' });
    this.giveUp = h('button', { id: 'give-up', type: 'button', class: 'btn btn--quiet btn--sm', onclick: () => this.confirmGiveUp() },
      icon('flag'), h('span', null, 'End', h('span', { class: 'give-up__more' }, ' attempt')));

    this.transcript = this.newTranscript();
    this.typing = h('div', { id: 'typing', role: 'status', class: 'typing' });
    this.panel = h('section', { id: 'reply-panel', class: 'reply-panel', 'aria-labelledby': 'replies-heading' });
    this.moodBox = h('div', { id: 'mood', class: 'mood-list' });
    this.moodHeading = h('h2', { id: 'mood-heading', class: 'aside-title' }, 'How they’re feeling');

    this.dialog = this.buildDialog();

    this.el = h('div', { class: 'call', id: 'call', dataset: { connected: 'false', turn: '0', lastSeq: '0' } },
      h('div', { class: 'call__main' },
        h('header', { class: 'call-head' },
          this.avatarSlot,
          h('div', { class: 'call-head__text' },
            h('p', { class: 'call-head__eyebrow' }, this.liveDot, this.statusEl = h('span', { class: 'call-head__status' }, 'On a call with')),
            this.titleEl, this.roleEl, this.scenarioEl),
          h('div', { class: 'call-head__actions' }, this.giveUp)),
        this.practiceSlot = h('div', { class: 'practice-slot' }),
        h('section', { class: 'chat', 'aria-labelledby': 'chat-heading' },
          h('h2', { id: 'chat-heading', class: 'vh' }, 'Conversation'),
          this.callStarted = h('p', { class: 'chat__start' }, h('span', null, icon('chat'), 'Start of the call')),
          this.transcriptSlot = h('div', { class: 'chat__log' }, this.transcript),
          this.typing),
        this.panel),
      h('div', { class: 'call__side' },
        h('aside', { class: 'call__aside', 'aria-labelledby': 'mood-heading' },
          h('div', { class: 'panel mood-panel' }, this.moodHeading, this.moodBox)),
        this.brief = this.buildBrief()),
      this.dialog);
    this.renderPanel();
  }

  // buildBrief is the briefing, kept at hand during the call: a disclosure
  // (open on wide screens, closed on phones, as last left), never taking the focus.
  buildBrief() {
    let open;
    try { open = localStorage.getItem(BRIEF_OPEN); } catch { open = null; }
    open = open === null ? window.matchMedia('(min-width: 961px)').matches : open === 'open';
    this.briefBody = h('div', { id: 'call-brief-body', class: 'brief-panel__body', hidden: !open });
    this.briefToggle = h('button', {
      type: 'button', id: 'brief-toggle', class: 'brief-panel__toggle', 'aria-expanded': String(open), 'aria-controls': 'call-brief-body',
    }, icon('book', 'brief-panel__icon'), h('span', { class: 'brief-panel__label' }, 'Your briefing'),
    h('span', { class: 'brief-panel__hint' }, open ? 'Hide' : 'Show'), icon('chevron', 'brief-panel__chevron'));
    this.briefToggle.addEventListener('click', () => this.setBriefOpen(this.briefToggle.getAttribute('aria-expanded') !== 'true'));
    return h('section', { class: 'panel brief-panel', id: 'call-brief', 'aria-labelledby': 'brief-toggle' },
      h('h2', { class: 'brief-panel__heading' }, this.briefToggle),
      this.briefBody);
  }

  setBriefOpen(open) {
    this.briefToggle.setAttribute('aria-expanded', String(open));
    this.briefToggle.querySelector('.brief-panel__hint').textContent = open ? 'Hide' : 'Show';
    this.briefBody.hidden = !open;
    try { localStorage.setItem(BRIEF_OPEN, open ? 'open' : 'closed'); } catch { /* not remembered */ }
  }

  fillBrief() {
    const sc = this.scenario || {};
    const comps = sc.competencies || [];
    clear(this.briefBody).append(
      h('div', { class: 'brief-panel__scroll', tabindex: '0', role: 'region', 'aria-label': 'Briefing text' },
        sc.briefing ? h('div', { class: 'prose prose--small' }, richText(sc.briefing)) : h('p', { class: 'muted' }, 'This scenario has no briefing.'),
        comps.length ? h('h3', { class: 'brief-panel__sub' }, 'Scored on') : null,
        comps.length ? h('ul', { class: 'brief-comps', role: 'list' }, comps.map((c) => h('li', { dataset: { testid: 'brief-competency', competency: c.id } },
          h('p', { class: 'brief-comps__label' }, c.label, h('span', { class: 'brief-comps__pass' }, ` · pass mark ${c.pass}`)),
          c.description ? h('p', { class: 'brief-comps__desc' }, c.description) : null))) : null));
  }

  setPractice(pr) {
    this.practice = pr;
    this.el.dataset.practice = pr ? 'true' : 'false';
    clear(this.practiceSlot);
    if (pr) this.practiceSlot.append(practiceBanner(pr, 'call'));
  }

  newTranscript() {
    return h('div', { id: 'transcript', class: 'transcript', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-label': 'Conversation transcript', tabindex: '-1' });
  }

  buildDialog() {
    const cancel = h('button', { id: 'give-up-cancel', type: 'button', class: 'btn btn--secondary', autofocus: true }, 'Keep talking');
    const confirm = h('button', { id: 'give-up-confirm', type: 'button', class: 'btn btn--danger' }, 'End attempt');
    const dlg = h('dialog', { id: 'give-up-dialog', class: 'dialog', 'aria-labelledby': 'give-up-title', 'aria-describedby': 'give-up-desc' },
      h('h2', { id: 'give-up-title' }, 'End this attempt?'),
      h('p', { id: 'give-up-desc' }, 'The call stops here and you’ll go straight to your debrief, scored on the replies you’ve given so far. You can’t pick this attempt up again, but you can always start a fresh one.'),
      h('div', { class: 'dialog__actions' }, cancel, confirm));
    cancel.addEventListener('click', () => dlg.close());
    confirm.addEventListener('click', () => { dlg.close(); this.giveUpNow(); });
    dlg.addEventListener('close', () => { if (!this.pending || this.pending.type !== 'give_up') this.giveUp.focus(); });
    return dlg;
  }

  setHeader() {
    const sc = this.scenario;
    if (!sc) return;
    const p = sc.persona || {};
    this.titleEl.textContent = p.name || 'Client';
    this.roleEl.textContent = personaLine(p);
    this.scenarioEl.textContent = sc.title;
    clear(this.avatarSlot).append(avatar(p.name, 'md'));
    this.moodHeading.textContent = `How ${firstName(p.name)} is feeling`;
    this.fillBrief();
    document.title = `Call with ${p.name} · Parley`;
    // After "Begin the call" the button is gone: start screen readers at the call's heading.
    if (!document.activeElement || document.activeElement === document.body) {
      this.titleEl.setAttribute('tabindex', '-1');
      this.titleEl.focus({ preventScroll: true });
    }
  }

  get who() { return this.scenario ? (this.scenario.persona || {}).name || 'Client' : 'Client'; }

  bubble(item) {
    const who = this.who;
    const me = app.me ? app.me.name : 'You';
    switch (item.kind) {
      case 'me':
        return h('div', { class: ['msg', 'msg--me', item.sending && 'is-sending'], dataset: { testid: 'line', who: 'me', replyId: item.replyId } },
          h('div', { class: 'msg__bubble' }, vh(`${me} (you): `), item.text),
          h('span', { class: 'msg__status', 'aria-hidden': 'true' }, item.sending ? 'Sending…' : ''));
      case 'interjection':
        return h('div', { class: 'msg msg--them msg--interjection', dataset: { testid: 'line', who: 'interjection' } },
          avatar(who, 'sm'),
          h('div', { class: 'msg__bubble' },
            h('span', { class: 'msg__tag', 'aria-hidden': 'true' }, icon('flag'), 'Interrupts'), vh(`${who} interrupts: `),
            h('span', { class: 'msg__text' }, item.text)));
      case 'note':
        return h('div', { class: ['msg-note', `msg-note--${item.dir}`], dataset: { testid: 'line', who: 'note' } },
          h('span', null, vh(`Mood ${item.dir === 'better' ? 'improved' : item.dir === 'worse' ? 'worsened' : 'changed'}: `), item.text));
      case 'ending':
        return h('div', { class: 'msg-note msg-note--end', dataset: { testid: 'line', who: 'note' } },
          h('span', null, icon('flag'), 'The call has ended'));
      default:
        return h('div', { class: ['msg', 'msg--them', item.first && 'msg--first'], dataset: { testid: 'line', who: 'client' } },
          item.first ? avatar(who, 'sm') : h('span', { class: 'avatar-spacer', 'aria-hidden': 'true' }),
          h('div', { class: 'msg__bubble' }, vh(`${who}: `), item.text));
    }
  }

  // itemsForTurn lists what a turn adds to the transcript after the reply.
  itemsForTurn(t, { includeReply }) {
    const items = [];
    if (includeReply && t.reply) items.push({ kind: 'me', text: t.reply.text, replyId: t.reply.id });
    for (const text of t.interjections || []) items.push({ kind: 'interjection', text });
    (t.lines || []).forEach((text, i) => items.push({ kind: 'client', text, first: i === 0 }));
    for (const note of this.bandNotes(t)) items.push(note);
    if (t.ending) items.push({ kind: 'ending' });
    return items;
  }

  bandNotes(t) {
    const notes = [];
    for (const c of this.changesOf(t)) {
      const r = (this.mood.find((m) => m.name === c.name)) || {};
      if (c.band_from && c.band_to && c.band_from !== c.band_to) {
        const d = describeChange(c, r.good);
        notes.push({ kind: 'note', dir: d.dir, text: `${r.label || c.name}: ${c.band_from} → ${c.band_to}` });
      }
    }
    return notes;
  }

  // changesOf returns a turn's mood changes, whichever shape the server sent.
  changesOf(t) {
    if (Array.isArray(t.mood_change)) return t.mood_change;
    if (Array.isArray(t.mood) && t.mood.length && 'from' in t.mood[0]) return t.mood;
    return [];
  }

  // readingsOf returns a turn's readings after the reply.
  readingsOf(t, prev) {
    if (Array.isArray(t.mood) && t.mood.length && 'value' in t.mood[0]) return t.mood;
    const changes = this.changesOf(t);
    if (!changes.length) return prev;
    return prev.map((r) => {
      const c = changes.find((x) => x.name === r.name);
      return c ? { ...r, value: c.to, band: c.band_to || r.band } : r;
    });
  }

  appendItem(item) {
    const el = this.bubble(item);
    this.transcript.append(el);
    if (item.moodAfter) this.applyMood(item.moodAfter, item.moodChange);
    this.scrollToEnd(el);
    return el;
  }

  scrollToEnd(el) {
    const rect = el.getBoundingClientRect();
    if (rect.bottom > window.innerHeight - 24 || rect.top < 0) {
      el.scrollIntoView({ block: 'end', behavior: reducedMotion.matches ? 'auto' : 'smooth' });
    }
  }

  applyMood(readings, changes) {
    this.mood = readings || [];
    if (!this.mood.length) {
      clear(this.moodBox).append(h('p', { class: 'muted' }, 'This scenario has no mood meter.'));
      return;
    }
    const names = this.mood.map((r) => r.name).join('|');
    if (this.moodBox.dataset.names !== names) {
      clear(this.moodBox);
      this.meters.clear();
      for (const r of this.mood) {
        const m = moodMeter(r);
        this.meters.set(r.name, m);
        this.moodBox.append(m.el);
      }
      this.moodBox.dataset.names = names;
    }
    for (const r of this.mood) {
      const c = (changes || []).find((x) => x.name === r.name) || null;
      this.meters.get(r.name).update(r, c);
    }
  }

  setTyping(on) {
    clear(this.typing);
    if (on) {
      this.typing.dataset.active = 'true';
      this.typing.append(avatar(this.who, 'sm'),
        h('span', { class: 'typing__bubble', 'aria-hidden': 'true' }, h('span', { class: 'dot' }), h('span', { class: 'dot' }), h('span', { class: 'dot' })),
        h('span', { class: 'typing__text' }, `${firstName(this.who)} is typing…`));
      this.scrollToEnd(this.typing);
    } else {
      delete this.typing.dataset.active;
    }
  }

  renderPanel() {
    const panel = this.panel;
    // Remember what had the focus inside the panel, to put it back on the same
    // control (or the heading) once the panel is redrawn.
    const active = document.activeElement;
    const hadFocus = panel.contains(active);
    const focusKey = hadFocus ? (active.dataset.replyId ? `[data-reply-id="${CSS.escape(active.dataset.replyId)}"]` : active.id ? `#${CSS.escape(active.id)}` : null) : null;
    clear(panel);
    const heading = h('h2', { id: 'replies-heading', class: 'reply-panel__title', tabindex: '-1' });
    panel.append(heading);
    panel.dataset.mode = '';

    if (!this.scenario) {
      panel.dataset.mode = 'connecting';
      heading.textContent = 'Connecting to the call…';
      panel.append(h('p', { class: 'muted' }, 'Setting up the line. This only takes a moment.'));
      return;
    }
    if (this.revealing) {
      panel.dataset.mode = 'waiting';
      heading.textContent = 'Your reply';
      const skip = h('button', { id: 'skip', type: 'button', class: 'btn btn--secondary btn--sm', onclick: () => this.skip() },
        icon('forward'), 'Skip', vh(' the typing and show the whole reply'));
      panel.append(h('div', { class: 'waiting' },
        h('p', { class: 'waiting__text' }, `${firstName(this.who)} is speaking. Your options appear when they’ve finished.`),
        h('div', { class: 'waiting__actions' }, skip, h('span', { class: 'kbd-hint', 'aria-hidden': 'true' }, 'or press ', h('kbd', null, 'Esc')))));
      if (hadFocus) skip.focus();
      return;
    }
    if (this.status !== 'active' || this.ending) {
      panel.dataset.mode = 'ended';
      heading.textContent = 'The call has ended';
      this.giveUp.hidden = true;
      this.el.dataset.ended = 'true';
      this.statusEl.textContent = 'Call ended with';
      const e = this.ending;
      const key = e ? e.outcome : this.status;
      const link = h('a', { id: 'see-debrief', class: 'btn btn--primary btn--lg', href: `#/a/${encodeURIComponent(this.attemptId)}/debrief` },
        icon('star'), 'See your debrief');
      panel.append(h('div', { class: 'end-card', id: 'call-ended' },
        outcomeBadge(key),
        h('p', { class: 'end-card__title' }, e ? e.title : (this.status === 'given_up' ? 'You ended this attempt' : 'This attempt is closed')),
        h('p', { class: 'muted' }, 'Your debrief goes through the call reply by reply, with coaching notes and what would have worked better.'),
        h('div', { class: 'end-card__actions' }, link,
          h('a', { class: 'btn btn--quiet', href: '#/' }, 'Back to scenarios'))));
      link.focus({ preventScroll: false });
      return;
    }

    this.giveUp.hidden = false;
    panel.dataset.mode = this.pending ? 'sending' : 'replies';
    heading.textContent = 'Your reply';
    const busy = !!this.pending;
    const keys = numberKeysOn();
    const most = Math.min(9, this.replies.length);
    panel.append(h('p', { class: 'reply-panel__hint', id: 'replies-hint' },
      busy ? (this.connected ? 'Sending your reply…' : 'Your reply will be sent when the connection is back.')
        : [this.replies.length > 1 ? 'Choose one. ' : 'Choose the reply. ',
          keys ? h('span', { class: 'kbd-only' }, most > 1 ? `Or press 1–${most} while you’re in this list.` : 'Or press 1 while you’re in this list.') : null]));
    const list = h('ol', { id: 'replies', class: 'replies', 'aria-labelledby': 'replies-heading', 'aria-describedby': 'replies-hint' });
    this.replies.forEach((r, i) => {
      const chosen = busy && this.pending.reply === r.id;
      const btn = h('button', {
        type: 'button', class: ['reply', chosen && 'is-chosen'], disabled: busy,
        dataset: { replyId: r.id, index: i + 1 }, 'aria-keyshortcuts': keys && i < 9 ? String(i + 1) : null,
      },
      h('span', { class: 'reply__num', 'aria-hidden': 'true' }, String(i + 1)),
      vh(`Reply ${i + 1}: `),
      h('span', { class: 'reply__text' }, r.text),
      chosen ? h('span', { class: 'reply__sending' }, h('span', { class: 'spinner spinner--sm', 'aria-hidden': 'true' }), 'Sending') : null);
      btn.addEventListener('click', () => this.choose(r));
      list.append(h('li', null, btn));
    });
    panel.append(list);
    // Number-key shortcuts can be turned off (WCAG 2.1.4); the choice is remembered.
    const toggle = h('input', { type: 'checkbox', id: 'number-keys', class: 'switch__input', checked: keys });
    toggle.addEventListener('change', () => {
      setNumberKeys(toggle.checked);
      this.renderPanel();
    });
    panel.append(h('div', { class: 'reply-panel__foot kbd-only' },
      h('label', { class: 'switch', for: 'number-keys' }, toggle, h('span', { class: 'switch__track', 'aria-hidden': 'true' }),
        h('span', { class: 'switch__text' }, 'Number keys choose a reply'))));
    if (!busy && this.focusReplies) {
      // The client has finished: start at the heading, which commits nothing
      // (never on a reply, where Enter would choose it).
      this.focusReplies = false;
      heading.focus({ preventScroll: true });
      this.scrollPanelIntoView();
    } else if (hadFocus) {
      const again = focusKey && panel.querySelector(focusKey);
      (again && !again.disabled ? again : heading).focus({ preventScroll: true });
    }
  }

  scrollPanelIntoView() {
    const r = this.panel.getBoundingClientRect();
    if (r.top > window.innerHeight * 0.6 || r.bottom > window.innerHeight) {
      const top = window.scrollY + r.top - Math.max(80, window.innerHeight * 0.35);
      window.scrollTo({ top: Math.max(0, top), behavior: reducedMotion.matches ? 'auto' : 'smooth' });
    }
  }

  // --- pacing ------------------------------------------------------------

  typingDelay(text) {
    return Math.min(MAX_TYPING_MS, Math.max(MIN_TYPING_MS, String(text || '').length * MS_PER_CHAR));
  }

  pause(ms) {
    return new Promise((resolve) => {
      this.pauseResolve = resolve;
      this.pauseTimer = setTimeout(resolve, ms);
    });
  }

  skip() {
    if (!this.revealing) return;
    this.skipping = true;
    clearTimeout(this.pauseTimer);
    if (this.pauseResolve) this.pauseResolve();
  }

  // reveal appends items, with a typing pause before each client line when
  // paced. A newer reveal or a redraw cancels an older one.
  async reveal(items, { paced }) {
    const gen = ++this.revealGen;
    const pacing = paced && !reducedMotion.matches && items.some((it) => it.kind === 'client' || it.kind === 'interjection');
    this.skipping = false;
    if (pacing) {
      this.revealing = true;
      this.renderPanel();
    }
    for (const item of items) {
      if (gen !== this.revealGen || this.closed) return;
      const spoken = item.kind === 'client' || item.kind === 'interjection';
      if (pacing && spoken && !this.skipping) {
        this.setTyping(true);
        await this.pause(this.typingDelay(item.text));
        this.setTyping(false);
        if (gen !== this.revealGen || this.closed) return;
      }
      this.appendItem(item);
    }
    this.setTyping(false);
    this.revealing = false;
    this.focusReplies = true;
    this.renderPanel();
  }

  // redraw draws the whole conversation at once from a snapshot, in a fresh
  // log element so screen readers do not re-read the transcript.
  redraw(snap) {
    this.revealGen++;
    this.revealing = false;
    this.setTyping(false);
    const fresh = this.newTranscript();
    const old = this.transcript;
    this.transcript = fresh;
    const items = this.snapshotItems(snap);
    for (const it of items) {
      const el = this.bubble(it);
      el.classList.add('no-anim');
      fresh.append(el);
    }
    old.replaceWith(fresh);
  }

  snapshotItems(snap) {
    const items = [];
    const opening = (snap.opening && snap.opening.length) ? snap.opening
      : ((snap.transcript || []).length ? [] : (snap.lines || []));
    opening.forEach((text, i) => items.push({ kind: 'client', text, first: i === 0 }));
    let mood = snap.mood || [];
    for (const t of snap.transcript || []) {
      items.push(...this.itemsForTurn(t, { includeReply: true }));
      mood = this.readingsOf(t, mood);
    }
    return items;
  }

  // --- socket ------------------------------------------------------------

  start() {
    this.connect();
  }

  connect() {
    if (this.closed) return;
    const url = (location.protocol === 'https:' ? 'wss' : 'ws') + '://' + location.host + '/ws';
    let ws;
    try {
      ws = new WebSocket(url);
    } catch (err) {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.addEventListener('open', () => {
      if (this.ws !== ws) return;
      this.connected = true;
      this.retries = 0;
      this.el.dataset.connected = 'true';
      setConnStatus(null);
      this.awaitingSnapshot = true;
      if (this.attemptId) this.send({ type: 'resume', seq: Math.max(1, this.lastSeq), attempt: this.attemptId });
      else if (this.startScenario) this.send({ type: 'start', seq: 1, scenario: this.startScenario });
    });
    ws.addEventListener('message', (ev) => {
      if (this.ws !== ws) return;
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      this.inbox = this.inbox.then(() => this.handle(msg)).catch((err) => {
        console.error(err);
        notify(`Something went wrong showing the conversation: ${err.message || err}`, 'error');
      });
    });
    ws.addEventListener('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.connected = false;
      this.el.dataset.connected = 'false';
      if (!this.closed && !this.fatal) this.scheduleReconnect();
    });
  }

  scheduleReconnect() {
    if (this.closed || this.retryTimer) return;
    setConnStatus('Reconnecting…');
    if (this.panel.dataset.mode === 'replies' || this.panel.dataset.mode === 'sending') this.renderPanel();
    const base = BACKOFF_MS[Math.min(this.retries, BACKOFF_MS.length - 1)];
    this.retries++;
    const wait = Math.round(base * (0.8 + Math.random() * 0.4));
    this.retryTimer = setTimeout(() => { this.retryTimer = null; this.connect(); }, wait);
  }

  send(msg) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(msg));
      return true;
    }
    return false;
  }

  async handle(msg) {
    if (this.closed) return;
    switch (msg.type) {
      case 'snapshot': return this.onSnapshot(msg);
      case 'turn': return this.onTurn(msg);
      case 'ack': return this.onAck(msg);
      case 'ended': return this.onEnded(msg);
      case 'error': return this.onError(msg);
      case 'going_away':
        setConnStatus('Parley is restarting. Reconnecting…');
        if (this.ws) {
          const ws = this.ws;
          this.ws = null;
          this.connected = false;
          this.el.dataset.connected = 'false';
          try { ws.close(); } catch { /* already closing */ }
          this.scheduleReconnect();
        }
        return undefined;
      default:
        return undefined;
    }
  }

  async onSnapshot(snap) {
    this.awaitingSnapshot = false;
    const a = snap.attempt || {};
    const fresh = !this.attemptId && !!this.startScenario;
    this.attemptId = a.id;
    this.lastSeq = Number(a.last_seq) || 0;
    this.status = a.status || 'active';
    this.turn = Number(a.turn) || 0;
    this.el.dataset.turn = String(this.turn);
    this.el.dataset.lastSeq = String(this.lastSeq);
    if (fresh) {
      history.replaceState(null, '', `#/a/${encodeURIComponent(a.id)}`);
      app.routedHash = location.hash;
      this.startScenario = null;
    }
    if (this.practice === undefined || (a.practice && a.practice.of)) {
      const pr = practiceOf(a);
      this.setPractice(pr);
      if (!pr) {
        // The snapshot may not say; the attempt list does.
        api('/api/attempts').then((list) => {
          const it = (Array.isArray(list) ? list : []).find((x) => x.id === a.id);
          if (it && it.practice && it.practice.of && !this.closed) {
            app.practice.set(a.id, it.practice);
            this.setPractice(it.practice);
          }
        }).catch(() => {});
      }
    }
    if (!this.scenario || this.scenario.id !== a.scenario) {
      try {
        this.scenario = await scenarioDetail(a.scenario);
      } catch (err) {
        this.scenario = { id: a.scenario, title: a.scenario, persona: { name: 'Client' } };
      }
      this.setHeader();
    }
    if (this.closed) return;

    // A message sent before the drop: applied (the snapshot includes it) or to be resent with the same seq.
    let resend = null;
    if (this.pending) {
      if (this.lastSeq >= this.pending.seq) {
        if (this.pending.type === 'give_up') { this.pending = null; return this.toDebrief(); }
        this.pending = null;
      } else if (this.status === 'active') {
        resend = this.pending;
      } else {
        this.pending = null;
      }
    }

    this.replies = snap.replies || [];
    this.ending = snap.ending || null;
    const transcript = snap.transcript || [];
    const last = transcript[transcript.length - 1];
    if (this.staleChoice) {
      if (!last || !last.reply || last.reply.id !== this.staleChoice) {
        notify('This call moved on in another tab or window, so that reply wasn’t used. Here’s where it stands now.');
      }
      this.staleChoice = null;
    }
    const readings = snap.mood || [];

    if (fresh && transcript.length > 0) {
      notify(`You already had this call with ${firstName(this.who)} in progress, so we’ve picked it up where you left off.`);
    }
    if (fresh && transcript.length === 0) {
      clear(this.transcript);
      this.applyMood(readings, null);
      const items = this.snapshotItems(snap);
      this.focusReplies = true;
      this.reveal(items, { paced: true }); // not awaited: later frames are handled while the lines appear
    } else {
      this.mood = readings;
      this.redraw(snap);
      this.applyMood(readings, last ? this.changesOf(last) : null);
      this.focusReplies = !resend;
      this.renderPanel();
      if (this.panel.dataset.mode === 'replies' && !resend) {
        // Focus went to the replies' heading; keep the newest lines in view too.
        this.transcript.lastElementChild && this.transcript.lastElementChild.scrollIntoView({ block: 'nearest' });
      }
    }

    if (resend) {
      this.showSending(resend);
      this.send(resend.msg);
    }
  }

  showSending(p) {
    if (p.type === 'choose') {
      const el = this.appendItem({ kind: 'me', text: p.text, replyId: p.reply, sending: true });
      p.bubble = el;
    }
    this.renderPanel();
  }

  choose(reply) {
    if (this.pending || this.revealing || this.status !== 'active') return;
    const seq = this.lastSeq + 1;
    this.pending = { type: 'choose', seq, reply: reply.id, text: reply.text, msg: { type: 'choose', seq, attempt: this.attemptId, reply: reply.id } };
    this.showSending(this.pending);
    this.send(this.pending.msg);
  }

  confirmGiveUp() {
    if (this.status !== 'active' || (this.pending && this.pending.type === 'give_up')) return;
    if (typeof this.dialog.showModal === 'function') this.dialog.showModal();
    else if (window.confirm('End this attempt? You’ll go to the debrief.')) this.giveUpNow();
  }

  giveUpNow() {
    if (this.status !== 'active') return;
    const seq = this.lastSeq + 1;
    if (this.pending) {
      // A reply is still in flight: give up right after it is acknowledged.
      this.giveUpAfter = true;
      notify('Ending the attempt once your last reply has been saved…');
      return;
    }
    this.pending = { type: 'give_up', seq, msg: { type: 'give_up', seq, attempt: this.attemptId } };
    this.giveUp.disabled = true;
    notify('Ending the attempt…');
    this.send(this.pending.msg);
  }

  onTurn(t) {
    if (t.attempt && this.attemptId && t.attempt !== this.attemptId) return;
    const p = this.pending;
    let confirmed = false;
    if (p && p.type === 'choose' && t.reply && t.reply.id === p.reply) {
      if (p.bubble) {
        p.bubble.classList.remove('is-sending');
        const st = p.bubble.querySelector('.msg__status');
        if (st) st.textContent = '';
        confirmed = true;
      }
      this.lastSeq = Math.max(this.lastSeq, p.seq);
      this.pending = null;
    }
    this.turn = Number(t.turn) || this.turn + 1;
    this.el.dataset.turn = String(this.turn);
    this.el.dataset.lastSeq = String(this.lastSeq);
    this.replies = t.replies || [];
    if (t.ending) this.ending = t.ending;
    const prev = this.mood;
    const readings = this.readingsOf(t, prev);
    const changes = this.changesOf(t).length ? this.changesOf(t)
      : readings.map((r) => {
        const o = prev.find((x) => x.name === r.name) || r;
        return { name: r.name, from: o.value, to: r.value, band_from: o.band, band_to: r.band };
      });
    const items = this.itemsForTurn(t, { includeReply: !confirmed });
    const firstSpoken = items.find((it) => it.kind === 'client' || it.kind === 'interjection');
    if (firstSpoken) {
      firstSpoken.moodAfter = readings;
      firstSpoken.moodChange = changes;
    } else {
      this.applyMood(readings, changes);
    }
    this.mood = readings;
    if (this.giveUpAfter && !t.ending) {
      this.giveUpAfter = false;
      this.giveUpNow();
    }
    this.reveal(items, { paced: true }); // not awaited, as above
  }

  onAck(msg) {
    const p = this.pending;
    if (!p || this.awaitingSnapshot || Number(msg.seq) !== p.seq) return;
    this.lastSeq = Math.max(this.lastSeq, p.seq);
    this.el.dataset.lastSeq = String(this.lastSeq);
    if (p.type === 'choose') {
      // Acknowledged without a turn frame: that seq had already been applied (perhaps a
      // different reply, chosen in another tab). Resync from a snapshot.
      this.staleChoice = p.reply;
      this.pending = null;
      this.awaitingSnapshot = true;
      this.send({ type: 'resume', seq: Math.max(1, this.lastSeq), attempt: this.attemptId });
    }
    else {
      // give_up: "ended" follows, except when it had already been applied; either way the debrief is ready.
      this.pending = null;
      this.toDebrief();
    }
  }

  onEnded(msg) {
    if (msg.attempt && this.attemptId && msg.attempt !== this.attemptId) return;
    this.status = msg.status || 'finished';
    const gaveUp = this.pending && this.pending.type === 'give_up';
    this.pending = null;
    if (gaveUp || msg.status === 'given_up') {
      notify(null);
      return this.toDebrief();
    }
    if (!this.revealing) this.renderPanel();
    return undefined;
  }

  toDebrief() {
    notify(null);
    this.closeSocket();
    go(`#/a/${encodeURIComponent(this.attemptId)}/debrief`);
  }

  onError(msg) {
    const p = this.pending;
    const mine = p && msg.seq !== undefined && Number(msg.seq) === p.seq;
    const text = errorText(msg, this.who);
    switch (msg.code) {
      case 'no_identity':
        this.closeSocket();
        app.me = null;
        updateUser();
        app.afterName = location.hash;
        route();
        return;
      case 'not_found':
      case 'not_yours':
      case 'unknown_scenario':
        this.fatal = true;
        this.closeSocket();
        renderProblem(app.renderToken, msg.code === 'unknown_scenario' ? 'Scenario not found'
          : msg.code === 'not_yours' ? 'This attempt isn’t yours' : 'Attempt not found', text);
        return;
      case 'not_active':
      case 'reply_not_offered':
      case 'bad_seq':
        // Out of step with the server: drop the pending message and redraw from a fresh snapshot.
        if (mine) this.dropPending();
        if (msg.code !== 'not_active') notify(text, 'error');
        this.awaitingSnapshot = true;
        this.send({ type: 'resume', seq: Math.max(1, this.lastSeq), attempt: this.attemptId });
        return;
      default:
        if (mine) this.dropPending();
        notify(text, 'error');
        this.renderPanel();
    }
  }

  dropPending() {
    const p = this.pending;
    this.pending = null;
    if (p && p.bubble) p.bubble.remove();
    if (p && p.type === 'give_up') this.giveUp.disabled = false;
  }

  onKey(e) {
    if (this.closed || e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    if (this.dialog.open) return;
    const t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    if (e.key === 'Escape' && this.revealing) {
      e.preventDefault();
      this.skip();
      return;
    }
    // Number keys choose only while the focus is in the reply panel, and only
    // when the trainee has not turned them off.
    if (/^[1-9]$/.test(e.key) && this.panel.dataset.mode === 'replies' && numberKeysOn() && this.panel.contains(t)) {
      const btn = this.panel.querySelector(`#replies button[data-index="${e.key}"]`);
      if (btn && !btn.disabled) {
        e.preventDefault();
        btn.focus();
        btn.click();
      }
    }
  }

  closeSocket() {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      try { ws.close(1000, 'leaving'); } catch { /* ignore */ }
    }
    setConnStatus(null);
  }

  destroy() {
    this.closeSocket();
    this.revealGen++;
    clearTimeout(this.pauseTimer);
    document.removeEventListener('keydown', this.onKey);
    if (this.dialog.open) this.dialog.close();
  }
}

function errorText(msg, who) {
  const name = firstName(who);
  switch (msg.code) {
    case 'not_found': return 'We couldn’t find this attempt. It may have been removed, or the link is wrong.';
    case 'not_yours': return 'This attempt belongs to someone else, so it can’t be opened here.';
    case 'unknown_scenario': return 'That scenario isn’t available any more.';
    case 'not_active': return 'This attempt has already ended.';
    case 'reply_not_offered': return `That reply isn’t on offer any more — here’s where the call with ${name} stands now.`;
    case 'bad_seq': return 'We got out of step with the server. The conversation has been reloaded; nothing was lost.';
    case 'too_large': return 'That message was too large to send. Reconnecting…';
    case 'internal': return 'Something went wrong on our side and nothing was saved. Please try that again.';
    default: return msg.message || 'Something went wrong. Please try again.';
  }
}

// ---------------------------------------------------------------------------
// Debrief

async function renderDebrief(token, id, focusTurn) {
  setLoading(token);
  let data;
  try {
    data = await api(`/api/attempts/${encodeURIComponent(id)}/debrief`);
  } catch (err) {
    if (err.status === 409) {
      mount(token, 'error', 'Still in progress', h('section', { class: 'container narrow problem' },
        h('div', { class: 'panel panel--center' },
          h('h1', null, 'This call is still going'),
          h('p', { class: 'lead' }, 'The debrief is ready once the call ends. Pick up where you left off, or end the attempt from the call.'),
          h('p', { class: 'btn-row' },
            h('a', { class: 'btn btn--primary', href: `#/a/${encodeURIComponent(id)}` }, icon('chat'), 'Resume the call'),
            h('a', { class: 'btn btn--quiet', href: '#/' }, 'Back to scenarios')))));
      return;
    }
    throw err;
  }
  const attempt = data.attempt || {};
  const sc = data.scenario || {};
  const d = data.debrief || {};
  const p = sc.persona || {};
  const who = firstName(p.name);
  const turns = d.turns || [];
  const ending = d.ending || null;
  const complete = d.complete !== undefined ? !!d.complete : !!ending;
  const success = complete && !!ending && (ending.success !== undefined ? !!ending.success : ending.outcome === 'resolved');
  const practice = practiceOf(attempt);
  if (practice) app.practice.set(attempt.id || id, practice);
  const outcomeKey = complete && ending ? ending.outcome : (attempt.status || 'given_up');
  const labels = new Map((sc.competencies || []).map((c) => [c.id, c]));
  for (const s of d.scores || []) if (!labels.has(s.competency)) labels.set(s.competency, { id: s.competency, label: s.label });
  const labelOf = (cid) => (labels.get(cid) || {}).label || cid;
  const turnHref = (n) => `#/a/${encodeURIComponent(id)}/debrief?turn=${n}`;

  const scores = d.scores || [];
  const passed = scores.filter((s) => s.passed).length;
  const tryAgain = h('a', { id: 'try-again', class: 'btn btn--primary', href: `#/s/${encodeURIComponent(sc.id || attempt.scenario)}` }, icon('retry'), 'Try again');

  // The headline agrees with the outcome: a success, an ending that is not
  // one, or a call that never reached an ending.
  const tone = !complete ? 'neutral' : success ? ((OUTCOMES[outcomeKey] || {}).tone || 'good') : ((OUTCOMES[outcomeKey] || {}).tone === 'good' ? 'warn' : (OUTCOMES[outcomeKey] || {}).tone || 'neutral');
  const stoppedAt = turns.length;
  let title;
  let summary;
  if (!complete) {
    const where = stoppedAt ? `at turn ${stoppedAt}` : 'before your first reply';
    title = attempt.status === 'abandoned' ? `Incomplete: the call was left ${where}; scored against the whole call`
      : `Incomplete: you stopped ${where}; scored against the whole call`;
    summary = `${plural(turns.length, 'turn', 'turns')} played · ${passed} of ${scores.length} competencies reached their pass mark so far`;
  } else if (success) {
    title = ending.title;
    summary = `${plural(turns.length, 'turn', 'turns')} · ${passed} of ${scores.length} competencies passed`;
  } else {
    title = `The call ended: ${ending.title} — not a successful outcome`;
    summary = `${plural(turns.length, 'turn', 'turns')} · ${passed} of ${scores.length} competencies passed${passed === scores.length ? ', but' : ';'} the call did not end well`;
  }
  const badge = complete ? outcomeBadge(outcomeKey, 'status--lg')
    : h('span', { class: 'status status--neutral status--lg' }, icon('clock'), 'Incomplete');
  const hero = h('section', { class: ['panel', 'debrief-hero', `debrief-hero--${tone}`], 'aria-labelledby': 'ending-title' },
    h('div', { class: 'debrief-hero__top' }, badge,
      success ? h('span', { class: 'status status--good' }, icon('star'), 'Successful call') : null,
      h('span', { class: 'muted', id: 'debrief-summary' }, summary)),
    h('h2', { id: 'ending-title', class: 'debrief-hero__title' }, title),
    h('div', { class: 'prose' }, richText(complete && ending ? ending.text
      : 'The attempt ended before the conversation reached an ending. Scores count the whole call, so the replies you didn’t get to give earn nothing.')),
    h('div', { class: 'btn-row' }, tryAgain, h('a', { class: 'btn btn--quiet', href: '#/', id: 'back-home-top' }, 'Back to scenarios')));

  // What decided the ending: the variables the author marked, with their final values.
  const decisive = d.decisive || [];
  const decided = decisive.length ? h('section', { class: 'section panel decided', id: 'decided', 'aria-labelledby': 'decided-heading', tabindex: '-1' },
    h('h2', { id: 'decided-heading' }, complete ? 'What decided the ending' : 'What decides the ending'),
    h('p', { class: 'section__sub' }, complete ? 'Where these stood when the call ended.' : 'Where these stood when the call stopped, before any ending was reached.'),
    h('dl', { class: 'decided__list' }, decisive.map((v) => h('div', { class: 'decided__item', dataset: { testid: 'decisive', name: v.name, value: String(v.value ?? '') } },
      h('dt', null, v.label || v.name),
      decisiveValue(v.value, complete))))) : null;

  // Scores.
  const blockedText = (ref) => {
    const [node, rid] = String(ref).split('/');
    const t = turns.find((x) => x.reply && x.reply.id === rid && (!node || x.node === node || !x.node));
    return t ? { turn: t.turn, text: t.reply.text } : { turn: null, text: rid };
  };
  const scoreCards = h('ul', { class: 'score-grid', role: 'list' }, scores.map((s) => {
    const c = labels.get(s.competency) || {};
    const blocked = (s.blocked_by || []).map(blockedText);
    const desc = s.description || c.description;
    const verdict = s.passed ? { cls: 'status--good', icon: 'check', text: 'Passed' }
      : !complete && !blocked.length ? { cls: 'status--neutral', icon: 'clock', text: 'Incomplete' }
        : { cls: 'status--bad', icon: 'cross', text: 'Not passed' };
    return h('li', {
      class: ['score', s.passed ? 'score--pass' : complete || blocked.length ? 'score--fail' : 'score--incomplete'],
      dataset: { testid: 'score', competency: s.competency, score: s.score, pass: s.pass, passed: String(!!s.passed), blocked: String(blocked.length > 0) },
    },
    h('h3', { class: 'score__label' }, s.label || labelOf(s.competency)),
    desc ? h('p', { class: 'score__desc' }, desc) : null,
    h('p', { class: 'score__value' }, h('span', { class: 'score__num' }, String(s.score)), h('span', { class: 'score__of' }, ' / 100')),
    scoreBar(s),
    h('div', { class: 'score__verdict' },
      h('span', { class: ['status', verdict.cls] }, icon(verdict.icon), verdict.text),
      h('span', { class: 'score__pass' }, `pass mark ${s.pass}`)),
    s.best ? h('p', { class: 'score__points' }, `${fmtSigned(s.points)} of ${s.best} possible points`) : null,
    blocked.length ? h('div', { class: 'score__blocked' },
      h('p', null, h('strong', null, 'Failed outright by a reply'), blocked[0].turn ? [' (', turnLink(blocked[0].turn, turnHref), ')'] : '', ':'),
      blocked.map((b) => h('blockquote', null, `“${b.text}”`))) : null);
  }));

  // Mood chart.
  const moodStart = d.mood_start || [];
  const series = moodStart.map((m) => ({
    name: m.name, label: m.label || m.name, min: m.min, max: m.max, good: m.good,
    points: [{ value: m.value, band: m.band }, ...turns.map((t) => {
      const r = (t.mood_after || []).find((x) => x.name === m.name);
      return r ? { value: r.value, band: r.band } : { value: m.value, band: m.band };
    })],
  }));
  const chartBox = h('div', { id: 'mood-chart', class: 'chart-box' });
  const drawChart = () => {
    const width = chartBox.clientWidth || Math.min(1100, main.clientWidth - 90);
    clear(chartBox).append(series.length ? moodChart(series, { who, width })
      : h('p', { class: 'muted' }, 'This scenario has no mood meter.'));
  };
  const misleads = d.mood_misleads ? h('p', { class: 'callout callout--warn', id: 'mood-misleads' }, icon('flag'),
    h('span', null, `The mood meter shows how ${who} felt, not what was agreed. `,
      `It ended on the ${success ? 'bad' : 'good'} side${moodReadout(d.mood_end || [])}, `,
      success ? 'yet the call succeeded' : 'but the call did not succeed',
      decided ? [' — ', sectionLink('decided', 'see what decided the ending', turnHref), '.'] : ': the ending above says why.')) : null;

  // Turn by turn.
  const leftAt = d.left_ideal_at || 0;
  const turnList = h('ol', { class: 'review', role: 'list' }, turns.map((t, i) => {
    const before = i === 0 ? (d.opening || []) : (turns[i - 1].lines || []);
    const r = t.reply || {};
    const pts = Object.entries(r.points || {});
    const practiseBtn = h('button', {
      type: 'button', class: 'btn btn--secondary btn--sm practise', dataset: { action: 'practice', turn: t.turn },
    }, icon('retry'), 'Practise from here', vh(` (turn ${t.turn})`));
    practiseBtn.addEventListener('click', () => startPractice(id, t.turn, practiseBtn));
    return h('li', {
      class: ['review-turn', !t.on_ideal && 'review-turn--off', leftAt === t.turn && 'review-turn--left'],
      id: `turn-${t.turn}`,
      dataset: { testid: 'turn', turn: t.turn, onIdeal: String(!!t.on_ideal), verdict: r.verdict || '' },
      'aria-labelledby': `turn-${t.turn}-title`,
    },
    h('div', { class: 'review-turn__rail', 'aria-hidden': 'true' }, h('span', { class: 'review-turn__dot' }, String(t.turn))),
    h('div', { class: 'review-turn__body' },
      h('div', { class: 'review-turn__head' },
        h('h3', { id: `turn-${t.turn}-title`, class: 'review-turn__title', tabindex: '-1' }, `Turn ${t.turn}`),
        verdictTag(r),
        practiseBtn),
      leftAt === t.turn ? h('p', { class: 'left-path' }, icon('flag'), 'This is where the call left the strongest path.') : null,
      h('div', { class: 'review-turn__grid' },
        h('div', { class: 'exchange' },
          before.map((line, j) => h('div', { class: 'mini-msg mini-msg--them' }, j === 0 ? h('span', { class: 'mini-msg__who' }, p.name || 'Client') : null,
            h('p', null, vh(`${p.name}: `), line))),
          h('div', { class: 'mini-msg mini-msg--me' }, h('span', { class: 'mini-msg__who' }, 'You said'), h('p', null, r.text)),
          (t.interjections || []).map((line) => h('div', { class: 'mini-msg mini-msg--interjection' },
            h('span', { class: 'mini-msg__who' }, `${who} interrupts`), h('p', null, line)))),
        h('div', { class: 'coach' },
          pts.length || (r.blocks && r.blocks.length) ? h('ul', { class: 'points', 'aria-label': 'Points for this reply' },
            pts.map(([cid, n]) => h('li', { class: ['pt', n > 0 ? 'pt--up' : n < 0 ? 'pt--down' : 'pt--zero'] },
              `${n > 0 ? '+' : n < 0 ? '−' : ''}${Math.abs(n)} ${labelOf(cid)}`)),
            (r.blocks || []).map((cid) => h('li', { class: 'pt pt--block' }, icon('cross'), `Fails ${labelOf(cid)}`))) : null,
          r.note ? h('p', { class: 'coach__note' }, r.note) : null,
          t.on_ideal ? h('p', { class: 'coach__ideal coach__ideal--yes' }, icon('check'),
            r.verdict === 'followed' || !r.verdict ? 'The strongest reply available here.' : 'The best of what was left at this point.')
            : t.ideal ? idealBlock(t.ideal, t.ideal_kind) : null,
          (t.closed || []).map((c) => closedBlock(c, turnHref)),
          moodAfterLine(t.mood_after || [], who)))));
  }));

  const lastLines = turns.length ? (turns[turns.length - 1].lines || []) : [];
  const closing = ending && lastLines.length ? h('div', { class: 'panel closing' },
    h('h3', null, `${who}’s last words`),
    lastLines.map((l) => h('blockquote', null, `“${l}”`))) : null;

  const banner = practice ? practiceBanner(practice, 'debrief') : null;
  const view = h('div', {
    class: 'container debrief', id: 'debrief',
    dataset: { outcome: outcomeKey, status: attempt.status || '', complete: String(complete), success: String(success), practice: String(!!practice) },
  },
  h('p', { class: 'crumbs' }, h('a', { href: '#/' }, icon('back'), 'All scenarios')),
  h('header', { class: 'page-head' },
    h('p', { class: 'eyebrow' }, `${practice ? 'Practice debrief' : 'Debrief'} · call with ${p.name || 'the client'}`),
    h('h1', null, sc.title || 'Debrief')),
  banner,
  hero,
  decided,
  h('section', { class: 'section', 'aria-labelledby': 'scores-heading' },
    h('div', { class: 'section__head' }, h('h2', { id: 'scores-heading' }, practice ? 'How this practice run went' : 'How you did'),
      h('p', { class: 'section__sub' }, practice ? 'Not scored: these numbers are for your own review and don’t count.'
        : 'Scores are your points as a share of the best this scenario allows.')),
    scoreCards),
  h('section', { class: 'section panel', 'aria-labelledby': 'chart-heading' },
    h('h2', { id: 'chart-heading' }, `${who}’s mood, turn by turn`),
    misleads,
    chartBox),
  h('section', { class: 'section', 'aria-labelledby': 'review-heading' },
    h('div', { class: 'section__head' }, h('h2', { id: 'review-heading' }, 'The call, turn by turn'),
      h('p', { class: 'section__sub' }, leftAt ? `You left the strongest path at turn ${leftAt}. Practise any turn again from where it started.`
        : turns.length ? 'You stayed on the strongest path throughout.' : 'No replies were given.')),
    turns.length ? turnList : h('div', { class: 'empty' }, h('p', null, 'The attempt ended before any reply was chosen.')),
    closing),
  h('div', { class: 'btn-row btn-row--end' },
    h('a', { class: 'btn btn--secondary', href: `#/s/${encodeURIComponent(sc.id || attempt.scenario)}` }, icon('retry'), 'Try this scenario again'),
    h('a', { class: 'btn btn--quiet', href: '#/', id: 'back-home' }, 'Back to scenarios')));
  // Links to a turn (or a section) stay on this page: they move the focus
  // there and note the turn in the address, without drawing the page again.
  view.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('a[data-jump]');
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    history.replaceState(null, '', a.getAttribute('href'));
    app.routedHash = location.hash;
    jumpTo(a.dataset.jump);
  });
  if (!mount(token, 'debrief', `Debrief: ${sc.title || ''}`, view, { focus: !focusTurn })) return;
  drawChart();
  if (focusTurn) jumpTo(`turn-${focusTurn}`);
  // Redraw the chart when its width changes a lot (rotation, resizing), so its text stays readable.
  let drawnWidth = chartBox.clientWidth;
  let resizeTimer = null;
  const onResize = () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      if (Math.abs(chartBox.clientWidth - drawnWidth) > 40) { drawnWidth = chartBox.clientWidth; drawChart(); }
    }, 150);
  };
  window.addEventListener('resize', onResize);
  app.view = { destroy: () => { window.removeEventListener('resize', onResize); clearTimeout(resizeTimer); } };
}

// jumpTo moves the focus to a turn of the debrief (its heading) or a section, and scrolls it into view.
function jumpTo(target) {
  const el = document.getElementById(target);
  if (!el) return;
  const focusable = el.matches('li') ? el.querySelector('h3[tabindex]') : el;
  if (focusable) focusable.focus({ preventScroll: true });
  el.scrollIntoView({ block: 'start', behavior: reducedMotion.matches ? 'auto' : 'smooth' });
}

function turnLink(n, turnHref) {
  return h('a', { class: 'turn-link', href: turnHref(n), dataset: { jump: `turn-${n}` } }, `turn ${n}`);
}

function sectionLink(target, text, turnHref) {
  return h('a', { href: turnHref(0).replace(/\?turn=0$/, ''), dataset: { jump: target } }, text);
}

const VERDICTS = {
  followed: { mark: '✓', word: 'Followed', cls: 'verdict--followed' },
  broke: { mark: '✗', word: 'Broke', cls: 'verdict--broke' },
  mixed: { mark: '±', word: 'Partly', cls: 'verdict--mixed' },
};

// verdictTag says, in words and a mark (not colour alone), whether a reply
// followed or broke the principle it names.
function verdictTag(r, { verb } = {}) {
  if (!r.principle) return null;
  const v = VERDICTS[r.verdict];
  if (!v) return h('p', { class: 'verdict verdict--none' }, h('span', { class: 'verdict__word' }, 'Principle:'), ' ', r.principle);
  const word = verb ? { followed: 'Follows', broke: 'Breaks', mixed: 'Partly follows' }[r.verdict] : v.word;
  return h('p', { class: ['verdict', v.cls], dataset: { verdict: r.verdict } },
    h('span', { class: 'verdict__mark', 'aria-hidden': 'true' }, v.mark), ' ',
    h('span', { class: 'verdict__word' }, `${word}:`), ' ', r.principle);
}

function idealBlock(ideal, kind) {
  const best = kind === 'best_left';
  return h('div', { class: ['turn__ideal', best && 'turn__ideal--left'], dataset: { kind: kind || 'stronger' } },
    h('p', { class: 'turn__ideal-label' }, icon(best ? 'flag' : 'star'), best ? 'Best of what was left' : 'A stronger reply'),
    h('blockquote', null, `“${ideal.text}”`),
    verdictTag(ideal, { verb: true }),
    ideal.note ? h('p', { class: 'turn__ideal-note' }, h('strong', null, best ? 'Why: ' : 'Why it works: '), ideal.note) : null);
}

function closedBlock(c, turnHref) {
  const r = c.reply || {};
  const by = c.by || {};
  return h('div', { class: 'closed', dataset: { testid: 'closed', turn: c.turn } },
    h('p', { class: 'closed__label' }, icon('clock'), 'A stronger reply was no longer on offer'),
    h('blockquote', null, `“${r.text}”`),
    h('p', { class: 'closed__why' }, 'It closed at ', turnLink(c.turn, turnHref),
      by.text ? `, when you said “${by.text}”${/[.!?…]$/.test(by.text.trim()) ? '' : '.'}` : '.'),
    verdictTag(r, { verb: true }),
    r.note ? h('p', { class: 'turn__ideal-note' }, h('strong', null, 'Why it works: '), r.note) : null);
}

// moodReadout lists final mood readings by label, each with its band (or
// value), in parentheses: " (Frustration: calming down, Trust: trusting)".
// Band labels are words for a meter's range, not always adjectives, so they
// are quoted beside their meter rather than joined into a sentence about
// the client ("sounded calming down and trusting").
function moodReadout(readings) {
  const parts = readings.map((r) => `${r.label || r.name}: ${r.band || fmtNum(r.value)}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

// decisiveValue shows a decisive variable's final value: Yes or No for a
// boolean, a number as a number, a string with its first letter raised;
// an empty string (nothing set yet) or no value as a muted "None yet" (or
// "None" once the call has ended), never as nothing at all.
function decisiveValue(v, complete) {
  if (typeof v === 'boolean') return h('dd', null, v ? 'Yes' : 'No');
  if (typeof v === 'number') return h('dd', null, fmtNum(v));
  const text = v === null || v === undefined ? '' : String(v).trim();
  if (!text) return h('dd', { class: 'decided__none', dataset: { empty: 'true' } }, complete ? 'None' : 'None yet');
  return h('dd', null, text.charAt(0).toUpperCase() + text.slice(1));
}

// this turn of an ended attempt, and opens it.
async function startPractice(id, turn, btn) {
  btn.disabled = true;
  btn.setAttribute('aria-busy', 'true');
  delete btn.dataset.errorStatus;
  try {
    const a = await api(`/api/attempts/${encodeURIComponent(id)}/practice`, { method: 'POST', body: { turn } });
    app.practice.set(a.id, (a.practice && a.practice.of) ? a.practice : { of: id, from_turn: turn });
    go(`#/a/${encodeURIComponent(a.id)}`);
  } catch (err) {
    btn.disabled = false;
    btn.removeAttribute('aria-busy');
    btn.dataset.errorStatus = String(err.status || 0);
    notify(err.status === 404 || err.status === 405 ? 'Practice runs aren’t available on this server yet.'
      : err.message || 'We couldn’t start a practice run. Please try again.', 'error');
  }
}

function fmtSigned(n) {
  return n < 0 ? `−${Math.abs(n)}` : String(n);
}

function scoreBar(s) {
  const fill = h('span', { class: 'scorebar__fill' });
  fill.style.width = `${Math.max(0, Math.min(100, s.score))}%`;
  const mark = h('span', { class: 'scorebar__mark' });
  mark.style.left = `${Math.max(0, Math.min(100, s.pass))}%`;
  return h('div', { class: 'scorebar', 'aria-hidden': 'true' }, fill, mark);
}

function moodAfterLine(readings, who) {
  if (!readings.length) return null;
  return h('p', { class: 'coach__mood' }, h('span', { class: 'coach__mood-label' }, `${who} after this:`), ' ',
    readings.map((r) => h('span', { class: ['mood-tag', `mood-tag--${moodTone(r)}`] }, `${r.label || r.name}: ${r.band || fmtNum(r.value)}`)));
}

// ---------------------------------------------------------------------------
// Boot

async function boot() {
  try {
    app.me = await api('/api/me');
  } catch (err) {
    app.me = null;
    if (!(err instanceof ApiError) || (err.status !== 401 && err.code !== 'no_identity')) {
      if (err.code === 'network') notify(err.message, 'error');
    }
  }
  updateUser();
  // hashchange covers links; popstate covers Back/Forward between addresses set
  // with pushState/replaceState (which fire no hashchange). Both may fire for
  // one change, so route only when the address differs from the one drawn.
  const onNav = () => { if (location.hash !== app.routedHash) route(); };
  window.addEventListener('hashchange', onNav);
  window.addEventListener('popstate', onNav);
  route();
}

boot();
