// The briefing: the view before a call (#/s/{id}: the situation, the
// persona, what is scored and the starting mood, then "Begin the call"), and
// the briefing panel kept at hand during the call (briefPanel). "Begin"
// hands over to the conversation route; this module never opens the socket.

import { h, clear, vh, avatar, icon, richText, plural } from './dom.js';
import { apiPage, scenarioDetail } from './api.js';
import { route, mount, setLoading } from './router.js';
import { difficultyBadge, minutesBadge, personaLine, firstName, practiceOf } from './shared.js';
import { moodMeter } from './mood.js';

export async function renderBriefing(token, id) {
  setLoading(token);
  const [sc, attempts] = await Promise.all([scenarioDetail(id), apiPage('/api/attempts').then((p) => p.items).catch(() => [])]);
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
    h('li', { class: 'competency', dataset: { testid: 'competency', competency: c.id, pass: passOf(c) } },
      h('div', { class: 'competency__text' },
        h('p', { class: 'competency__label' }, c.label),
        c.description ? h('p', { class: 'competency__desc' }, c.description) : null,
        c.held_from ? h('p', { class: 'competency__held', dataset: { testid: 'held-from' } }, icon('users'),
          `Your cohort “${c.held_from}” set this mark; the scenario’s own is ${c.pass}.`) : null),
      h('p', { class: 'competency__pass' }, h('span', { class: 'competency__pass-label' }, 'Pass mark'), ' ', h('strong', null, String(passOf(c))), vh(' out of 100')))));

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

const BRIEF_OPEN = 'parley.briefing';

// briefPanel is the briefing, kept at hand during the call: a disclosure
// (open on wide screens, closed on phones, as last left), never taking the
// focus. fill(scenario) writes the briefing and the competencies into it.
export function briefPanel() {
  let open;
  try { open = localStorage.getItem(BRIEF_OPEN); } catch { open = null; }
  open = open === null ? window.matchMedia('(min-width: 961px)').matches : open === 'open';
  const body = h('div', { id: 'call-brief-body', class: 'brief-panel__body', hidden: !open });
  const toggle = h('button', {
    type: 'button', id: 'brief-toggle', class: 'brief-panel__toggle', 'aria-expanded': String(open), 'aria-controls': 'call-brief-body',
  }, icon('book', 'brief-panel__icon'), h('span', { class: 'brief-panel__label' }, 'Your briefing'),
  h('span', { class: 'brief-panel__hint' }, open ? 'Hide' : 'Show'), icon('chevron', 'brief-panel__chevron'));

  const setOpen = (on) => {
    toggle.setAttribute('aria-expanded', String(on));
    toggle.querySelector('.brief-panel__hint').textContent = on ? 'Hide' : 'Show';
    body.hidden = !on;
    try { localStorage.setItem(BRIEF_OPEN, on ? 'open' : 'closed'); } catch { /* not remembered */ }
  };
  toggle.addEventListener('click', () => setOpen(toggle.getAttribute('aria-expanded') !== 'true'));

  const fill = (scenario) => {
    const sc = scenario || {};
    const comps = sc.competencies || [];
    clear(body).append(
      h('div', { class: 'brief-panel__scroll', tabindex: '0', role: 'region', 'aria-label': 'Briefing text' },
        sc.briefing ? h('div', { class: 'prose prose--small' }, richText(sc.briefing)) : h('p', { class: 'muted' }, 'This scenario has no briefing.'),
        comps.length ? h('h3', { class: 'brief-panel__sub' }, 'Scored on') : null,
        comps.length ? h('ul', { class: 'brief-comps', role: 'list' }, comps.map((c) => h('li', { dataset: { testid: 'brief-competency', competency: c.id } },
          h('p', { class: 'brief-comps__label' }, c.label, h('span', { class: 'brief-comps__pass' }, ` · pass mark ${passOf(c)}`,
            c.held_from ? ` (set by ${c.held_from})` : '')),
          c.description ? h('p', { class: 'brief-comps__desc' }, c.description) : null))) : null));
  };

  const el = h('section', { class: 'panel brief-panel', id: 'call-brief', 'aria-labelledby': 'brief-toggle' },
    h('h2', { class: 'brief-panel__heading' }, toggle),
    body);
  return { el, fill };
}

// passOf is the pass mark the trainee is held to in a competency: the one
// their cohort's assignment set (held_pass), else the scenario's.
function passOf(c) { return c.held_from ? c.held_pass : c.pass; }
