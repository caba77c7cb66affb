// Routing and the page frame: reading the hash route (see the Routes table at
// the top of app.js), who may see it (signed out: the sign-in page stands in
// for every route but the sign-in and link pages; a route the user's roles do
// not allow: a forbidden page), drawing a view into <main> with mount() (its
// data-state, the document title, the focus on its heading), the loading and
// problem screens, the header (who is signed in, the nav for their roles),
// and what happens when the session ends (signedOut). It knows the views only
// through registerViews() (app.js), so views import it, never the other way
// round; it must not fetch a view's data or build a view's content itself.

import { h, clear, icon, initials, avatarTone } from './dom.js';
import { app } from './state.js';
import { ApiError } from './api.js';
import { notify } from './notices.js';
import { can, canPlay, canManage } from './shared.js';

export const main = document.getElementById('main');

// views: {login, link, catalog, home, account, accounts, briefing,
// conversation, debrief, cohorts, cohort, heatmap, trainee, review, watch},
// each a function (token, …) that draws its route with mount().
const views = {};

export function registerViews(v) {
  Object.assign(views, v);
}

export function parseRoute() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const path = raw.split('?')[0];
  let m;
  if (path === '/' || path === '') return { view: 'catalog' };
  if (path === '/login') return { view: 'login' };
  if ((m = path.match(/^\/link\/([^/]+)\/?$/))) return { view: 'link', token: decodeURIComponent(m[1]) };
  if (path === '/account' || path === '/account/') return { view: 'account' };
  if (path === '/name') return { view: 'account', moved: true }; // the name page of before accounts
  if (path === '/admin/accounts' || path === '/admin/accounts/') return { view: 'accounts' };
  if ((m = path.match(/^\/s\/([^/]+)\/?$/))) return { view: 'briefing', id: decodeURIComponent(m[1]) };
  if ((m = path.match(/^\/a\/([^/]+)\/debrief\/?$/))) {
    const turn = Number(new URLSearchParams(raw.split('?')[1] || '').get('turn')) || 0;
    return { view: 'debrief', id: decodeURIComponent(m[1]), turn };
  }
  if ((m = path.match(/^\/a\/([^/]+)\/?$/))) return { view: 'conversation', id: decodeURIComponent(m[1]) };
  const q = new URLSearchParams(raw.split('?')[1] || '');
  const cohort = q.get('cohort') || null;
  if (path === '/cohorts' || path === '/cohorts/') return { view: 'cohorts' };
  if ((m = path.match(/^\/cohorts\/([^/]+)\/?$/))) return { view: 'cohort', id: decodeURIComponent(m[1]) };
  if ((m = path.match(/^\/cohorts\/([^/]+)\/scenarios\/([^/]+)\/?$/))) {
    return { view: 'heatmap', id: decodeURIComponent(m[1]), scenario: decodeURIComponent(m[2]) };
  }
  if ((m = path.match(/^\/trainees\/([^/]+)\/?$/))) return { view: 'trainee', id: decodeURIComponent(m[1]), cohort };
  if ((m = path.match(/^\/review\/([^/]+)\/?$/))) {
    return { view: 'review', id: decodeURIComponent(m[1]), cohort, trainee: q.get('trainee') || null, turn: Number(q.get('turn')) || 0 };
  }
  if ((m = path.match(/^\/watch\/([^/]+)\/?$/))) return { view: 'watch', id: decodeURIComponent(m[1]), cohort, trainee: q.get('trainee') || null };
  return { view: 'notfound' };
}

// Views anyone may see; every other one needs someone signed in.
const PUBLIC = new Set(['login', 'link']);
// Views that need a role that practises (trainee or trainer).
const PLAY = new Set(['briefing', 'conversation', 'debrief']);
// Views that need a role that runs cohorts (manager or admin).
const MANAGE = new Set(['cohorts', 'cohort', 'heatmap', 'trainee', 'watch']);

export function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

// replace rewrites the address without a history entry, and routes it.
export function replace(hash) {
  history.replaceState(null, '', hash);
  return route();
}

export async function route(opts = {}) {
  const token = ++app.renderToken;
  const r = parseRoute();
  if (r.moved) history.replaceState(null, '', '#/account');
  app.routedHash = location.hash;
  notify(null);
  if (app.view && app.view.destroy) app.view.destroy();
  app.view = null;
  if (!app.me && !PUBLIC.has(r.view)) {
    app.afterLogin = location.hash || '#/';
    return views.login(token);
  }
  if (app.me && r.view === 'login') return replace(app.afterLogin && app.afterLogin !== '#/login' ? app.afterLogin : '#/');
  try {
    // A debrief's address for someone who does not practise (a reviewer
    // following the trainee's link): the reviewer's page of the attempt.
    if (r.view === 'debrief' && !canPlay()) return replace(`#/review/${encodeURIComponent(r.id)}${r.turn ? `?turn=${r.turn}` : ''}`);
    if (PLAY.has(r.view) && !canPlay()) return renderForbidden(token, 'play');
    if (MANAGE.has(r.view) && !canManage()) return renderForbidden(token, 'manage');
    switch (r.view) {
      case 'login': return views.login(token);
      case 'link': return await views.link(token, r.token);
      case 'catalog': return await (canPlay() ? views.catalog(token) : views.home(token));
      case 'account': return views.account(token);
      case 'accounts': return can('admin') ? await views.accounts(token) : renderForbidden(token, 'admin');
      case 'briefing': return await views.briefing(token, r.id);
      case 'conversation': return views.conversation(token, { attemptId: r.id, scenarioId: opts.start });
      case 'debrief': return await views.debrief(token, r.id, r.turn);
      case 'cohorts': return await views.cohorts(token);
      case 'cohort': return await views.cohort(token, r.id);
      case 'heatmap': return await views.heatmap(token, r.id, r.scenario);
      case 'trainee': return await views.trainee(token, r.id, r.cohort);
      case 'review': return await views.review(token, r.id, { cohort: r.cohort, trainee: r.trainee, turn: r.turn });
      case 'watch': return await views.watch(token, r.id, { cohort: r.cohort, trainee: r.trainee });
      default: return renderProblem(token, 'Page not found', 'There is nothing at this address.', { code: 'not_found' });
    }
  } catch (err) {
    if (token !== app.renderToken) return;
    if (!(err instanceof ApiError)) console.error(err);
    if (err.code === 'login_required') return; // signedOut() has routed to the sign-in page
    if (err.code === 'forbidden') {
      renderForbidden(token, r.view === 'accounts' ? 'admin' : MANAGE.has(r.view) ? 'manage' : 'play');
    } else if (err.code === 'not_yours') {
      renderProblem(token, 'Not yours to read', 'This debrief belongs to someone else, and it hasn’t been shared with you. If you review their cohort, open it from the cohort’s page.', { code: 'not_yours' });
    } else if (err.status === 404) {
      const [title, text] = NOT_FOUND[r.view] || NOT_FOUND.attempt;
      renderProblem(token, title, text, { code: 'not_found' });
    } else {
      renderProblem(token, 'Something went wrong', err.message || String(err));
    }
  }
}

// What a 404 says on each view.
const NOT_FOUND = {
  briefing: ['Scenario not found', 'This scenario isn’t available. It may have been renamed or removed.'],
  attempt: ['Attempt not found', 'We couldn’t find this attempt. It may have been removed, or the link is wrong.'],
  cohort: ['Cohort not found', 'There’s no cohort here that you manage. It may have been removed, or the link is wrong.'],
  heatmap: ['Not found', 'There’s no such cohort or scenario among the ones you manage.'],
  trainee: ['Trainee not found', 'There’s no trainee here in a cohort you manage.'],
};

// signedOut forgets who was signed in and shows the sign-in page in place of
// the current route, which it returns to after signing in. reason, when
// given, says why (the session ended elsewhere).
export function signedOut(reason) {
  const was = !!app.me;
  app.me = null;
  app.scenarios.clear();
  app.practice.clear();
  updateUser();
  app.loginReason = was ? { text: reason || 'Your session has ended, so you’ve been signed out. Sign in again to carry on where you were.', icon: 'clock' } : null;
  return route();
}

// The nav link each view marks as the current page.
const CURRENT = {
  catalog: 'nav-scenarios', home: null, accounts: 'nav-accounts', account: 'nav-account',
  cohorts: 'nav-cohorts', cohort: 'nav-cohorts', heatmap: 'nav-cohorts', trainee: 'nav-cohorts', watch: 'nav-cohorts', review: 'nav-cohorts',
};

// mount replaces <main>'s content with a view and moves focus to its heading.
export function mount(token, state, title, content, { focus = true } = {}) {
  if (token !== app.renderToken) return false;
  clear(main).append(content);
  main.dataset.state = state;
  document.title = title ? `${title} · Parley` : 'Parley';
  document.querySelectorAll('.site-header [aria-current]').forEach((a) => a.removeAttribute('aria-current'));
  const current = CURRENT[state] && document.getElementById(CURRENT[state]);
  if (current) current.setAttribute('aria-current', 'page');
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

export function setLoading(token) {
  if (token !== app.renderToken) return;
  main.dataset.state = 'loading';
  clear(main).append(h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Loading…'));
}

// homeLink is the way back from a problem: to the scenarios, to the home
// page of someone who does not practise, or to the sign-in page.
function homeLink() {
  if (!app.me) return h('a', { class: 'btn btn--primary', href: '#/login', id: 'problem-action' }, 'Go to sign in');
  if (canPlay()) return h('a', { class: 'btn btn--primary', href: '#/', id: 'problem-action' }, icon('back'), 'Back to scenarios');
  return h('a', { class: 'btn btn--primary', href: '#/', id: 'problem-action' }, icon('back'), 'Back to Parley');
}

// renderProblem draws a problem page: <main data-state="error"> holding
// #problem[data-code] (not_found, forbidden, link_invalid, or none).
export function renderProblem(token, title, message, { code, more } = {}) {
  mount(token, 'error', title, h('section', { class: 'container narrow problem', id: 'problem', dataset: { code } },
    h('div', { class: 'panel panel--center' },
      h('h1', null, title),
      h('p', { class: 'lead' }, message),
      more || null,
      h('p', null, homeLink()))));
}

// renderForbidden: a route the user's roles do not allow (what: "admin",
// "manage" or "play"), whether the page knew it or the server said forbidden.
export function renderForbidden(token, what) {
  renderProblem(token, 'Not available to you', {
    admin: 'Only administrators can manage accounts. If someone needs an account or a new sign-in link, ask your administrator.',
    manage: 'Only managers can see cohorts and review how their trainees are doing. If you run a cohort, ask your administrator for the manager role.',
  }[what] || 'Your account can’t practise scenarios. Ask your administrator for the trainee role if you’d like to.', { code: 'forbidden' });
}

// updateUser shows who is signed in in the header, and the nav their roles
// allow.
export function updateUser() {
  const me = app.me;
  document.getElementById('user-slot').hidden = !me;
  document.getElementById('nav-scenarios').hidden = !canPlay();
  document.getElementById('nav-cohorts').hidden = !canManage();
  document.getElementById('nav-accounts').hidden = !can('admin');
  document.querySelector('.site-nav').hidden = !canPlay() && !canManage(); // no empty nav landmark
  const av = document.getElementById('user-avatar');
  if (me) {
    document.getElementById('user-name').textContent = me.name;
    av.textContent = initials(me.name);
    av.className = `avatar avatar--sm avatar--tone${avatarTone(me.name)}`;
  } else {
    document.getElementById('user-name').textContent = '';
    av.textContent = '';
  }
}
