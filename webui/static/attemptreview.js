// A reviewer's attempt review (#/review/{attemptId}, with ?cohort=&trainee=
// for the way back and whose call it is, ?turn=N for the focus): the trainee's debrief exactly as they saw
// it (debrief.js's debriefView, read only: no "Practise from here"), with
// the reviewers' comments on the whole call and under each turn, and the
// form to add one (comments.js). The server decides who may read it (the
// trainee's managers, admins, someone it was shared with) and who may
// comment; this page asks, and says what it answered.

import { h, icon } from './dom.js';
import { api } from './api.js';
import { mount, setLoading } from './router.js';
import { can, canManage } from './shared.js';
import { debriefView, groupByTurn } from './debrief.js';
import { commentThread, commentList } from './comments.js';

export async function renderReview(token, id, { cohort, trainee: traineeId, turn } = {}) {
  setLoading(token);
  const path = `/api/attempts/${encodeURIComponent(id)}`;
  const [data, comments, detail] = await Promise.all([
    api(`${path}/debrief`).catch((err) => { if (err.status === 409) return null; throw err; }),
    api(`${path}/comments`).catch((err) => { if (err.status === 409) return []; throw err; }),
    cohort && canManage() ? api(`/api/cohorts/${encodeURIComponent(cohort)}`).catch(() => null) : null,
  ]);
  const back = cohort ? h('p', { class: 'crumbs' }, h('a', { href: `#/cohorts/${encodeURIComponent(cohort)}`, id: 'back-to-cohort' }, icon('back'),
    detail ? `Back to ${detail.name}` : 'Back to the cohort'))
    : h('p', { class: 'crumbs' }, h('a', { href: canManage() ? '#/cohorts' : '#/' }, icon('back'), canManage() ? 'All cohorts' : 'Back to Parley'));
  if (!data) {
    mount(token, 'error', 'Still in progress', h('section', { class: 'container narrow problem', id: 'problem', dataset: { code: 'still_active' } },
      back,
      h('div', { class: 'panel panel--center' },
        h('h1', null, 'This call is still going'),
        h('p', { class: 'lead' }, 'Its debrief is ready once the call ends, and then you can comment on it.'),
        canManage() ? h('p', { class: 'btn-row' }, h('a', { class: 'btn btn--primary', href: `#/watch/${encodeURIComponent(id)}${cohort ? `?cohort=${encodeURIComponent(cohort)}` : ''}` },
          icon('eye'), 'Watch it live')) : null)));
    return;
  }
  // Only reviewers comment: the trainee reads (docs/accounts.md). A trainee
  // who opens their own attempt here reads the comments without a form.
  const mayComment = canManage() || can('trainer');
  const byTurn = groupByTurn(comments);
  const href = (n) => {
    const params = new URLSearchParams();
    if (cohort) params.set('cohort', cohort);
    if (traineeId) params.set('trainee', traineeId);
    if (n) params.set('turn', String(n));
    const qs = params.toString();
    return `#/review/${encodeURIComponent(id)}${qs ? `?${qs}` : ''}`;
  };
  const member = detail && traineeId ? (detail.members || []).find((x) => x.id === traineeId) : null;
  // Whose call it is: the server says (data.trainee), else the cohort's member list.
  const trainee = (data.trainee && data.trainee.name) || (member ? member.name : '');
  const whole = mayComment ? commentThread(id, 0, byTurn.get(0) || [])
    : (byTurn.get(0) || []).length ? commentList(byTurn.get(0), { turn: 0 }) : null;
  const v = debriefView(data, {
    id, mode: 'review', turnHref: href,
    crumbs: back,
    eyebrow: `Attempt review${trainee ? ` · ${trainee}` : ''} · call with ${((data.scenario || {}).persona || {}).name || 'the client'}`,
    lead: h('p', { class: 'lead' }, 'The debrief exactly as the trainee saw it. Your comments show beside it, on their debrief.'),
    afterHero: h('section', { class: 'section panel notes notes--review', id: 'call-comments', 'aria-labelledby': 'call-comments-heading' },
      h('h2', { id: 'call-comments-heading' }, icon('note'), 'Comments on the whole call'),
      whole || h('p', { class: 'muted' }, 'No comments yet.')),
    turnExtra: (t) => (mayComment ? commentThread(id, t.turn, byTurn.get(t.turn) || [])
      : (byTurn.get(t.turn) || []).length ? commentList(byTurn.get(t.turn), { turn: t.turn }) : null),
    actions: null,
  });
  if (!mount(token, 'review', `Review: ${v.title}`, v.el, { focus: !turn })) return;
  v.mounted(turn);
}
