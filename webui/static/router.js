// Routing and the page frame: reading the hash route (see the Routes table at
// the top of app.js), drawing a view into <main> with mount() (its
// data-state, the document title, the focus on its heading), the loading and
// problem screens, and the header's signed-in name. It knows the views only
// through registerViews() (app.js), so views import it, never the other way
// round; it must not fetch a view's data or build a view's content itself.

import { h, clear, icon } from './dom.js';
import { app } from './state.js';
import { ApiError } from './api.js';
import { notify } from './notices.js';

export const main = document.getElementById('main');

// views: {name, catalog, briefing, conversation, debrief}, each a function
// (token, …) that draws its route with mount().
const views = {};

export function registerViews(v) {
  Object.assign(views, v);
}

export function parseRoute() {
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

export function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

export async function route(opts = {}) {
  const token = ++app.renderToken;
  app.routedHash = location.hash;
  notify(null);
  if (app.view && app.view.destroy) app.view.destroy();
  app.view = null;
  const r = parseRoute();
  if (!app.me && r.view !== 'name') {
    app.afterName = location.hash || '#/';
    return views.name(token, { first: true });
  }
  try {
    switch (r.view) {
      case 'catalog': return await views.catalog(token);
      case 'name': return views.name(token, { first: !app.me });
      case 'briefing': return await views.briefing(token, r.id);
      case 'conversation': return views.conversation(token, { attemptId: r.id, scenarioId: opts.start });
      case 'debrief': return await views.debrief(token, r.id, r.turn);
      default: return renderProblem(token, 'Page not found', 'There is nothing at this address.');
    }
  } catch (err) {
    if (token !== app.renderToken) return;
    if (err instanceof ApiError && err.code === 'no_identity') {
      app.me = null;
      updateUser();
      app.afterName = location.hash || '#/';
      return views.name(token, { first: true });
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
export function mount(token, state, title, content, { focus = true } = {}) {
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

export function setLoading(token) {
  if (token !== app.renderToken) return;
  main.dataset.state = 'loading';
  clear(main).append(h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Loading…'));
}

export function renderProblem(token, title, message) {
  mount(token, 'error', title, h('section', { class: 'container narrow problem' },
    h('div', { class: 'panel panel--center' },
      h('h1', null, title),
      h('p', { class: 'lead' }, message),
      h('p', null, h('a', { class: 'btn btn--primary', href: '#/' }, icon('back'), 'Back to scenarios')))));
}

export function updateUser() {
  const slot = document.getElementById('user-slot');
  document.getElementById('nav-scenarios').hidden = !app.me;
  if (app.me) {
    document.getElementById('user-name').textContent = app.me.name;
    slot.hidden = false;
  } else {
    slot.hidden = true;
  }
}
