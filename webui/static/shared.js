// Small pieces more than one view shows: difficulty, length and outcome
// badges, a persona's role line, first names, the greeting, what marks a
// practice run (practiceOf, practiceBanner), the roles (can, canPlay,
// canManage, ROLES, roleTags), an assignment's progress badge and its due
// date (progressBadge, dueText), and durations. Pure builders: nothing here fetches, routes or keeps
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
  { id: 'manager', label: 'Manager', what: 'runs cohorts and reviews their results' },
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

// canManage: managers run cohorts; admins see every cohort.
export function canManage() {
  return can('manager') || can('admin');
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

// PROGRESS words a trainee's status on an assignment (docs/accounts.md),
// each with an icon and a tone: never colour alone.
export const PROGRESS = {
  not_started: { label: 'Not started', tone: 'neutral', icon: 'clock', rank: 0 },
  in_progress: { label: 'In progress', tone: 'accent', icon: 'chat', rank: 1 },
  not_passed: { label: 'Not passed yet', tone: 'warn', icon: 'retry', rank: 2 },
  passed: { label: 'Passed', tone: 'good', icon: 'check', rank: 3 },
};

export function progressBadge(status, extraClass) {
  const p = PROGRESS[status] || { label: status || 'Unknown', tone: 'neutral', icon: 'clock' };
  return h('span', { class: ['status', `status--${p.tone}`, extraClass], dataset: { progress: status } }, icon(p.icon), p.label);
}

const DAY = 86400000;
const dueDateUTC = typeof Intl !== 'undefined' ? new Intl.DateTimeFormat('en', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }) : null;
const dueDateTime = typeof Intl !== 'undefined' ? new Intl.DateTimeFormat('en', { weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' }) : null;

// dueDate is a due date to read: "Fri, 14 Nov". A due date set as the end
// of a day in UTC (the cohort page sets them so) shows that day wherever
// the reader is; any other moment shows in local time, with the hour.
export function dueDate(iso) {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return '';
  const d = new Date(t);
  const endOfDay = d.getUTCHours() === 23 && d.getUTCMinutes() === 59;
  if (!dueDateUTC) return d.toLocaleDateString();
  return endOfDay ? dueDateUTC.format(d) : dueDateTime.format(d);
}

// dueRelative words how far away a due date is: "due today", "due
// tomorrow", "due in 3 days", "due 2 days ago".
export function dueRelative(iso, now = Date.now()) {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return '';
  const d = new Date(t);
  const endOfDay = d.getUTCHours() === 23 && d.getUTCMinutes() === 59;
  // Whole days between the calendar days (the due day as set, today here).
  const today = new Date(now);
  const dueDay = endOfDay ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())
    : Date.UTC(d.getFullYear(), d.getMonth(), d.getDate());
  const days = Math.round((dueDay - Date.UTC(today.getFullYear(), today.getMonth(), today.getDate())) / DAY);
  if (days === 0) return t < now ? 'was due today' : 'due today';
  if (days === 1) return 'due tomorrow';
  if (days === -1) return 'was due yesterday';
  if (days > 1) return days < 60 ? `due in ${days} days` : `due in ${Math.round(days / 30)} months`;
  return -days < 60 ? `was due ${-days} days ago` : `was due ${Math.round(-days / 30)} months ago`;
}

// dueText shows a due date relative and absolute, and says in words and
// with an icon when it is overdue: {el, overdue}.
export function dueText(iso, overdue, extraClass) {
  if (!iso) return h('span', { class: ['due', 'due--none', extraClass] }, 'No due date');
  const rel = dueRelative(iso);
  return h('span', { class: ['due', overdue && 'due--overdue', extraClass], dataset: { overdue: overdue ? 'true' : null } },
    icon(overdue ? 'flag' : 'clock'),
    overdue ? h('strong', { class: 'due__flag' }, 'Overdue') : null,
    overdue ? ' · ' : null,
    h('span', null, rel.charAt(0).toUpperCase() + rel.slice(1),
      ' (', h('time', { datetime: iso }, dueDate(iso)), ')'));
}

// duration words seconds as "45 s", "12 min", "1 h 5 min".
export function duration(seconds) {
  const s = Math.max(0, Math.round(Number(seconds) || 0));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}
