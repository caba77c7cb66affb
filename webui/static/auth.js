// Signing in and out: the sign-in page (#/login, and what every route shows
// to someone signed out), the one-time link page (#/link/{token}: an
// invitation, a password reset or the first run's setup) and the header's
// Sign out. It sets app.me and hands on to the router; it never draws
// another view's content. A link's token is used once and then replaced in
// the address (history.replaceState), so it is not left in the history.

import { h, icon } from './dom.js';
import { app } from './state.js';
import { api, ApiError } from './api.js';
import { notify } from './notices.js';
import { go, mount, replace, renderProblem, setLoading, updateUser } from './router.js';
import { field, formAlert, busy, sentence, when, chars, MIN_PASSWORD, PASSWORD_RULE } from './forms.js';
import { can, canPlay } from './shared.js';

// welcome is the sign-in page's friendly frame: the speech-bubble art and a
// line on what Parley is.
function welcomeArt() {
  return h('div', { class: 'welcome__art', 'aria-hidden': 'true' },
    h('span', { class: 'bubble-art bubble-art--them' }, 'So where exactly is my order?'),
    h('span', { class: 'bubble-art bubble-art--me' }, 'I’m sorry. That’s on us — tell me what it’s cost you.'));
}

// landing is where someone just signed in goes: where they were headed, or
// the catalog; the Accounts page for an admin who does not practise, the
// cohorts for a manager who does not.
function landing(headed) {
  const dest = headed && headed !== '#/login' && !headed.startsWith('#/link/') ? headed : '#/';
  if (dest === '#/' && !canPlay() && can('admin')) return '#/admin/accounts';
  if (dest === '#/' && !canPlay() && can('manager')) return '#/cohorts';
  return dest;
}

// signedIn takes the account a sign-in answered, and asks GET /api/me for
// the rest (the practice from before accounts this browser holds).
async function signedIn(me) {
  app.me = me;
  try {
    app.me = await api('/api/me', { quiet: true });
  } catch { /* the sign-in's answer will do */ }
  updateUser();
}

export function renderLogin(token) {
  const reason = app.loginReason;
  app.loginReason = null;
  const username = field({
    id: 'login-username', label: 'Username or email',
    attrs: { autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: true, maxlength: 64 },
  });
  const password = field({
    id: 'login-password', label: 'Password', password: true,
    attrs: { autocomplete: 'current-password', required: true },
  });
  const alert = formAlert('login-error');
  const submit = h('button', { id: 'login-submit', type: 'submit', class: 'btn btn--primary btn--lg btn--wide' }, 'Sign in');
  const form = h('form', { id: 'login-form', class: 'form auth-form', novalidate: true },
    alert.el, username.wrap, password.wrap,
    h('div', { class: 'form-actions' }, submit));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    alert.clear([username, password]);
    username.clear();
    password.clear();
    const name = username.input.value.trim();
    if (!name) {
      username.set('Type your username or email address.');
      username.input.focus();
      return;
    }
    if (!password.input.value) {
      password.set('Type your password.');
      password.input.focus();
      return;
    }
    busy(submit, 'Signing in…');
    try {
      await signedIn(await api('/api/login', { method: 'POST', body: { username: name, password: password.input.value } }));
      replace(landing(app.afterLogin));
      app.afterLogin = null;
    } catch (err) {
      busy(submit);
      if (err.code === 'bad_login') {
        alert.set('That username and password don’t match. Check them and try again.', [username, password]);
        password.input.value = '';
        password.input.focus();
      } else if (err.code === 'too_many_logins') {
        alert.set(sentence(err.message), [username, password]);
        password.input.focus();
      } else {
        alert.set(sentence(err.message));
        submit.focus();
      }
    }
  });

  const view = h('section', { class: 'container narrow welcome' },
    h('div', { class: 'panel welcome__panel' },
      welcomeArt(),
      h('p', { class: 'eyebrow' }, 'Welcome to Parley'),
      h('h1', null, 'Sign in to practise'),
      h('p', { class: 'lead' }, 'Rehearse the hard client conversations — late shipments, faulty parts, impossible asks — with clients who react to what you say. Nothing here reaches a real client.'),
      reason ? h('p', { class: 'callout callout--info', id: 'login-reason', role: 'status' }, icon(reason.icon || 'clock'), h('span', null, reason.text)) : null,
      form,
      h('div', { class: 'auth-help' },
        h('p', null, h('strong', null, 'Forgot your password? '), 'Ask your trainer or administrator for a new link.'),
        h('p', null, h('strong', null, 'New here? '), 'Your trainer or administrator sends you a link to choose your password.'))));
  if (mount(token, 'login', 'Sign in', view, { focus: false })) {
    username.input.focus();
  }
}

// purposeText is what a one-time link's page says, by its purpose.
function purposeText(link) {
  switch (link.purpose) {
    case 'setup':
      return {
        eyebrow: 'Welcome to Parley', title: 'Set up Parley: choose the administrator’s password',
        lead: [`You’ll sign in as `, h('strong', { class: 'username' }, link.username), ` — the account that adds people, gives them roles and sends them their links. It can practise too.`],
        submit: 'Set password and sign in',
      };
    case 'reset':
      return {
        eyebrow: `Hello again, ${link.name}`, title: 'Choose a new password',
        lead: [`For `, h('strong', { class: 'username' }, link.username), `. Your old password stops working, and any other device signed in to your account is signed out.`],
        submit: 'Set new password and sign in',
      };
    default:
      return {
        eyebrow: 'Welcome to Parley', title: `Welcome, ${link.name}`,
        lead: [`Choose a password for `, h('strong', { class: 'username' }, link.username), `. You’ll sign in with that username and this password from now on.`],
        submit: 'Set password and sign in',
      };
  }
}

function linkProblem(token) {
  renderProblem(token, 'This link no longer works',
    'Sign-in links work once, for 72 hours, and a newer link replaces an older one. Ask your trainer or administrator for a new link.',
    { code: 'link_invalid' });
}

export async function renderLink(token, linkToken) {
  setLoading(token);
  let link;
  try {
    link = await api(`/api/links/${encodeURIComponent(linkToken)}`);
  } catch (err) {
    if (token !== app.renderToken) return;
    if (err instanceof ApiError && (err.code === 'link_invalid' || err.status === 410 || err.status === 404)) return linkProblem(token);
    throw err;
  }
  const text = purposeText(link);
  const password = field({
    id: 'link-password', label: 'New password', help: PASSWORD_RULE, password: true,
    attrs: { autocomplete: 'new-password', required: true, minlength: MIN_PASSWORD },
  });
  const confirm = field({
    id: 'link-confirm', label: 'Type it again', password: true,
    attrs: { autocomplete: 'new-password', required: true },
  });
  const alert = formAlert('link-error');
  const submit = h('button', { id: 'link-submit', type: 'submit', class: 'btn btn--primary btn--lg btn--wide' }, text.submit);
  const form = h('form', { id: 'link-form', class: 'form auth-form', novalidate: true },
    // For password managers: the account this password belongs to.
    h('input', { type: 'text', name: 'username', autocomplete: 'username', value: link.username, hidden: true, readonly: true, tabindex: '-1' }),
    alert.el, password.wrap, confirm.wrap,
    h('div', { class: 'form-actions' }, submit));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    alert.clear();
    password.clear();
    confirm.clear();
    const pw = password.input.value;
    if (chars(pw) < MIN_PASSWORD) {
      password.set(chars(pw) === 0 ? `Choose a password of at least ${MIN_PASSWORD} characters.`
        : `That’s ${chars(pw)} character${chars(pw) === 1 ? '' : 's'}: a password needs at least ${MIN_PASSWORD}. Try a few words with spaces between.`);
      password.input.focus();
      return;
    }
    if (confirm.input.value !== pw) {
      confirm.set('The two passwords don’t match. Type the same password in both fields.');
      confirm.input.focus();
      return;
    }
    busy(submit, 'Setting your password…');
    try {
      await signedIn(await api(`/api/links/${encodeURIComponent(linkToken)}`, { method: 'POST', body: { password: pw } }));
      // The token is used: take it out of the address and the history.
      replace(landing('#/'));
      notify(link.purpose === 'reset' ? 'Your new password is set, and you’re signed in.'
        : 'Your password is set, and you’re signed in. Welcome to Parley!');
    } catch (err) {
      busy(submit);
      if (token !== app.renderToken) return;
      if (err.code === 'link_invalid' || err.status === 410) return linkProblem(token);
      if (err.code === 'bad_request') {
        password.set(sentence(err.message));
        password.input.focus();
      } else {
        alert.set(sentence(err.message));
        submit.focus();
      }
    }
  });

  const view = h('section', { class: 'container narrow welcome' },
    h('div', { class: 'panel welcome__panel', id: 'link-panel', dataset: { purpose: link.purpose } },
      h('div', { class: 'welcome__badge', 'aria-hidden': 'true' }, icon(link.purpose === 'setup' ? 'key' : 'lock')),
      h('p', { class: 'eyebrow' }, text.eyebrow),
      h('h1', null, text.title),
      h('p', { class: 'lead' }, text.lead),
      form,
      link.expires ? h('p', { class: 'auth-foot muted' }, icon('clock'), `This link works once, until ${when(link.expires)}.`) : null));
  if (mount(token, 'link', link.purpose === 'setup' ? 'Set up Parley' : 'Choose a password', view, { focus: false })) {
    password.input.focus();
  }
}

// signOut ends the session on the server and shows the sign-in page, as a
// new history entry: Back goes to an address that only shows the sign-in
// page again, never what was on it.
export async function signOut() {
  const btn = document.getElementById('sign-out');
  btn.disabled = true;
  try {
    await api('/api/logout', { method: 'POST', quiet: true });
  } catch (err) {
    if (err.code === 'network') {
      btn.disabled = false;
      notify('We couldn’t reach Parley to sign you out. Check your connection and try again.', 'error');
      return;
    }
  }
  btn.disabled = false;
  app.me = null;
  app.afterLogin = null;
  app.scenarios.clear();
  app.practice.clear();
  updateUser();
  app.loginReason = { text: 'You’ve signed out. See you next time!', icon: 'wave' };
  go('#/login');
}
