// The trainee's assignments (GET /api/assignments), shown first in the
// catalog: each scenario a manager assigned them, with its cohort, its due
// date (relative and absolute; overdue said in words and with an icon),
// their status, their attempts and the link to start or carry on. A pure
// builder: the catalog fetches the list and places the section; nothing
// here fetches or routes.

import { h, vh, icon, plural } from './dom.js';
import { progressBadge, dueText } from './shared.js';

// assignmentsSection is the "Your assignments" section, or null when the
// trainee has none.
export function assignmentsSection(list) {
  if (!Array.isArray(list) || !list.length) return null;
  const overdue = list.filter((a) => a.progress && a.progress.overdue).length;
  const open = list.filter((a) => a.progress && a.progress.status !== 'passed').length;
  const sub = [open ? `${open} to do` : 'All passed', overdue ? `${overdue} overdue` : null].filter(Boolean).join(' · ');
  return h('section', { class: 'section assignments', id: 'assignments', 'aria-labelledby': 'assignments-heading' },
    h('div', { class: 'section__head' },
      h('h2', { id: 'assignments-heading' }, 'Your assignments'),
      h('p', { class: 'section__sub' }, sub)),
    h('ul', { class: 'assignment-list', role: 'list' }, list.map(assignmentRow)));
}

// ACTIONS: what the link says for each status.
const ACTIONS = {
  not_started: 'Start',
  in_progress: 'Continue',
  not_passed: 'Try again',
  passed: 'Play again',
};

function assignmentRow(item) {
  const a = item.assignment || {};
  const c = item.cohort || {};
  const p = item.progress || {};
  const status = p.status || 'not_started';
  const title = a.title || a.scenario;
  const headingId = `assignment-${c.id}-${a.scenario}-title`;
  const href = status === 'in_progress' && p.active_attempt ? `#/a/${encodeURIComponent(p.active_attempt)}`
    : `#/s/${encodeURIComponent(a.scenario)}`;
  const primary = status === 'not_started' || status === 'in_progress';
  const link = a.offered === false ? h('span', { class: 'muted assignment__gone' }, 'No longer on offer')
    : h('a', {
      class: ['btn', primary ? 'btn--primary' : 'btn--secondary', 'btn--sm', 'assignment__start'],
      href, dataset: { action: status === 'in_progress' ? 'continue' : 'start' },
    }, ACTIONS[status] || 'Start', vh(`: ${title}`), icon(status === 'in_progress' ? 'chat' : 'play'));
  return h('li', {
    class: ['assignment', p.overdue && 'assignment--overdue', status === 'passed' && 'assignment--passed'],
    'aria-labelledby': headingId,
    dataset: { testid: 'assignment', scenarioId: a.scenario, cohortId: c.id, status, overdue: p.overdue ? 'true' : 'false' },
  },
  h('div', { class: 'assignment__main' },
    h('h3', { class: 'assignment__title', id: headingId }, title),
    h('p', { class: 'assignment__meta' },
      h('span', { class: 'assignment__cohort' }, icon('users'), vh('Cohort: '), c.name),
      a.due ? dueText(a.due, p.overdue, 'assignment__due') : h('span', { class: 'due due--none' }, 'No due date'),
      h('span', { class: 'assignment__attempts' }, p.attempts ? plural(p.attempts, 'attempt', 'attempts') : 'No attempts yet'))),
  progressBadge(status, 'assignment__status'),
  link);
}
