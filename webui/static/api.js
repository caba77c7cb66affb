// The HTTP side of docs/protocol.md: a fetch wrapper that speaks JSON and
// turns failures into an ApiError with the server's code and message, and the
// scenario detail cache. It must not touch the DOM or the websocket (that is
// socket.js); callers decide what to show for an error. The one exception is
// login_required: the session has ended, whatever the caller was doing, so
// api() tells the handler set with onLoginRequired (the router's signedOut)
// before it throws.

import { app } from './state.js';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

let loginRequired = null;

// onLoginRequired sets what happens when any call answers login_required.
export function onLoginRequired(fn) {
  loginRequired = fn;
}

// api(path, {method, body, quiet}): quiet leaves login_required to the caller
// (the first GET /api/me, which expects it when nobody is signed in).
export async function api(path, opts = {}) {
  return (await request(path, opts)).data;
}

// apiPage(path) reads one page of a paged list (GET /api/attempts, a
// trainee's attempts): {items, next}, next being the path of the older page
// from the answer's Link header (rel="next"), or null on the last page.
export async function apiPage(path, opts = {}) {
  const { data, res } = await request(path, opts);
  const m = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('Link') || '');
  return { items: Array.isArray(data) ? data : [], next: m ? m[1] : null };
}

async function request(path, opts) {
  let res;
  try {
    res = await fetch(path, {
      method: opts.method || 'GET',
      headers: opts.body ? { 'Content-Type': 'application/json', Accept: 'application/json' } : { Accept: 'application/json' },
      body: opts.body ? JSON.stringify(opts.body) : undefined,
      credentials: 'same-origin',
    });
  } catch (err) {
    throw new ApiError(0, 'network', 'We couldn’t reach Parley. Check your connection and try again.');
  }
  let data = null;
  const text = await res.text();
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const e = (data && data.error) || {};
    const err = new ApiError(res.status, e.code || `http_${res.status}`, e.message || `The server answered ${res.status}.`);
    if (err.code === 'login_required' && !opts.quiet && loginRequired) loginRequired();
    throw err;
  }
  return { data, res };
}

export async function scenarioDetail(id) {
  if (!app.scenarios.has(id)) app.scenarios.set(id, await api(`/api/scenarios/${encodeURIComponent(id)}`));
  return app.scenarios.get(id);
}
