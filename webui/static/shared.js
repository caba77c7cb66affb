// Small pieces more than one view shows: difficulty, length and outcome
// badges, a persona's role line, first names, the greeting, what marks a
// practice run (practiceOf, practiceBanner), and the roles (can, canPlay,
// ROLES, roleTags). Pure builders: nothing here fetches, routes or keeps
// state of its own (practice runs are remembered in app.practice, the
// signed-in user in app.me, state.js).

import { h, vh, icon } from './dom.js';
import { app } from './state.js';

const DIFFICULTY = { easy: 'Easy', medium: 'Medium', hard: 'Hard' };

export function difficultyBadge(d) {
  const level = { easy: 1, medium: 2, hard: 3 }[d] || 0;
  return h('span', { class: ['badge', `badge--${d}`] },
    h('span', { class: 'pips', 'aria-hidden': 'true' }, [1, 2, 3].map((i) => h('span', { class: ['pip', i <= level && 'pip--on'] }))),
    vh('Difficulty: '), DIFFICULTY[d] || d);
}

export function minutesBadge(mins) {
  return h('span', { class: 'meta-item' }, icon('clock'), vh('About '), `${mins} min`);
}

export const OUTCOMES = {
  resolved: { label: 'Resolved', tone: 'good', icon: 'check' },
  escalated: { label: 'Escalated', tone: 'warn', icon: 'arrowUp' },
  lost: { label: 'Client lost', tone: 'bad', icon: 'cross' },
  parted: { label: 'Parted ways', tone: 'neutral', icon: 'wave' },
  given_up: { label: 'Stopped early', tone: 'neutral', icon: 'flag' },
  abandoned: { label: 'Incomplete', tone: 'neutral', icon: 'clock' },
  active: { label: 'In progress', tone: 'accent', icon: 'chat' },
};

export function outcomeBadge(key, extraClass) {
  const o = OUTCOMES[key] || { label: key || 'Ended', tone: 'neutral', icon: 'flag' };
  return h('span', { class: ['status', `status--${o.tone}`, extraClass] }, icon(o.icon), o.label);
}

export function attemptOutcomeKey(a) {
  if (a.status === 'active') return 'active';
  if (a.status === 'finished') return a.outcome || 'resolved';
  return a.status;
}

export function personaLine(p) {
  return [p.role, p.company].filter(Boolean).join(' · ');
}

export function firstName(name) {
  return String(name || 'The client').trim().split(/\s+/)[0];
}

export function greeting() {
  const hr = new Date().getHours();
  return hr < 5 ? 'Working late' : hr < 12 ? 'Good morning' : hr < 18 ? 'Good afternoon' : 'Good evening';
}

// practiceOf reads an attempt item's practice field ({of, from_turn}), or the one remembered for it.
export function practiceOf(a) {
  if (!a) return null;
  if (a.practice && a.practice.of) return a.practice;
  return app.practice.get(a.id) || null;
}

export function practiceBanner(pr, where) {
  return h('p', { class: 'practice-banner', id: 'practice-banner', dataset: { of: pr.of, fromTurn: pr.from_turn } },
    h('span', { class: 'practice-banner__tag' }, icon('retry'), 'Practice'),
    h('span', null, `Practice run from turn ${pr.from_turn} of an earlier attempt — not scored. `,
      h('a', { href: `#/a/${encodeURIComponent(pr.of)}/debrief`, id: 'practice-source' }, where === 'debrief' ? 'See the original debrief' : 'Back to the original debrief')));
}


// The roles, in the server's order, as the UI names and explains them
// (docs/accounts.md).
export const ROLES = [
  { id: 'trainee', label: 'Trainee', what: 'practises the scenarios' },
  { id: 'trainer', label: 'Trainer', what: 'writes and previews scenarios' },
  { id: 'manager', label: 'Manager', what: 'will review their cohorts (coming soon)' },
  { id: 'admin', label: 'Admin', what: 'manages accounts' },
];

// can reports whether the signed-in user holds role.
export function can(role) {
  return !!app.me && Array.isArray(app.me.roles) && app.me.roles.includes(role);
}

// canPlay: trainees and trainers practise (a trainer to preview).
export function canPlay() {
  return can('trainee') || can('trainer');
}

// roleTags lists roles as small tags ("No roles" when there are none).
export function roleTags(roles) {
  const list = Array.isArray(roles) ? roles : [];
  if (!list.length) return h('span', { class: 'role-tags role-tags--none' }, 'No roles');
  return h('ul', { class: 'role-tags', role: 'list' }, list.map((r) => {
    const info = ROLES.find((x) => x.id === r);
    return h('li', { class: ['role-tag', `role-tag--${r}`] }, info ? info.label : r);
  }));
}
