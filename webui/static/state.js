// Parley's shared state: the one `app` object every module reads and writes
// (who is signed in, the mounted view, caches), and the user's motion
// preference. It owns no behaviour: no DOM, no fetch, no socket. Keep any new
// state that more than one module needs here, never as a copy elsewhere.

export const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

export const app = {
  me: null, // GET /api/me: {id, username, name, roles: [...], legacy?}, or null when signed out
  view: null, // the mounted view, with an optional destroy()
  afterLogin: null, // where to go once signed in (the address the sign-in page stood in for)
  loginReason: null, // why the sign-in page shows, when it is not the first visit ("your session ended")
  scenarios: new Map(), // id -> detail
  practice: new Map(), // attempt id -> {of, from_turn}, for practice runs
  renderToken: 0, // bumped by every route(); a view mounts only with the current one
  routedHash: null, // the address last routed (or rewritten in place)
  rendered: false, // true once a view has been mounted
};
