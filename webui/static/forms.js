// The form pieces the account views share (sign-in, one-time link, your
// account, the Accounts page): a labelled field with its help and its error
// (tied with aria-describedby, marked with aria-invalid), a password field
// with a Show button, a form-level alert, a read-only link with a Copy
// button, a modal <dialog> with a title, an alert and actions, the server's
// message as a sentence, and dates. Builders and their own small
// behaviours only: nothing here fetches or routes.

import { h, icon } from './dom.js';

// MIN_PASSWORD is the server's rule (docs/accounts.md): at least 12
// characters, no other rules.
export const MIN_PASSWORD = 12;
export const PASSWORD_RULE = `At least ${MIN_PASSWORD} characters. A few words with spaces between make a long password that’s easy to remember.`;

// chars counts characters as the server does (code points, not UTF-16 units).
export const chars = (s) => [...String(s || '')].length;

// describe adds or removes an id in an element's aria-describedby.
function describe(el, id, on) {
  const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && x !== id);
  if (on) ids.push(id);
  if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
  else el.removeAttribute('aria-describedby');
}

// field builds a labelled input: {wrap, input, error, set(msg), clear()}.
// attrs are the input's own (type, autocomplete, …); help is shown under the
// label and read with the field.
export function field({ id, label, help, attrs = {}, password = false, optional = false }) {
  const helpId = help ? `${id}-help` : null;
  const input = h('input', { id, name: id, type: password ? 'password' : 'text', ...attrs });
  if (helpId) describe(input, helpId, true);
  const error = h('p', { id: `${id}-error`, class: 'field-error', role: 'alert' });
  let control = input;
  if (password) {
    const show = h('button', { type: 'button', class: 'password-field__show', 'aria-pressed': 'false', 'aria-controls': id },
      'Show', h('span', { class: 'vh' }, ` ${label.toLowerCase()}`));
    show.addEventListener('click', () => {
      const on = input.type === 'password';
      input.type = on ? 'text' : 'password';
      show.setAttribute('aria-pressed', String(on));
      show.firstChild.textContent = on ? 'Hide' : 'Show';
    });
    control = h('div', { class: 'password-field' }, input, show);
  }
  const wrap = h('div', { class: 'field' },
    h('label', { for: id, class: 'field-label' }, label, optional ? h('span', { class: 'field-optional' }, ' (optional)') : null),
    help ? h('p', { id: helpId, class: 'field-help' }, help) : null,
    control, error);
  return {
    wrap, input, error,
    set(msg) {
      error.textContent = msg;
      input.setAttribute('aria-invalid', 'true');
      describe(input, error.id, true);
    },
    clear() {
      error.textContent = '';
      input.removeAttribute('aria-invalid');
      describe(input, error.id, false);
    },
  };
}

// formAlert is a form's alert region for errors that are not one field's;
// tie(fields) marks fields invalid and has them read it.
export function formAlert(id) {
  const el = h('div', { id, class: 'form-alert', role: 'alert' });
  return {
    el,
    set(msg, fields = []) {
      el.replaceChildren(icon('flag', 'form-alert__icon'), h('p', null, msg));
      el.classList.add('form-alert--shown');
      for (const f of fields) {
        f.input.setAttribute('aria-invalid', 'true');
        describe(f.input, id, true);
      }
    },
    clear(fields = []) {
      el.replaceChildren();
      el.classList.remove('form-alert--shown');
      for (const f of fields) {
        f.input.removeAttribute('aria-invalid');
        describe(f.input, id, false);
      }
    },
  };
}

// busy shows a submit button at work (and back, as it was). Disabling a
// button that has the focus drops the focus to <body>; when nothing took
// it meanwhile, it goes back to the button.
const before = new WeakMap();
const hadFocus = new WeakSet();
export function busy(btn, label) {
  if (label) {
    if (!before.has(btn)) before.set(btn, [...btn.childNodes]);
    if (document.activeElement === btn) hadFocus.add(btn);
    btn.disabled = true;
    btn.setAttribute('aria-busy', 'true');
    btn.replaceChildren(h('span', { class: 'spinner spinner--sm', 'aria-hidden': 'true' }), label);
  } else {
    btn.disabled = false;
    btn.removeAttribute('aria-busy');
    if (before.has(btn)) btn.replaceChildren(...before.get(btn));
    before.delete(btn);
    if (hadFocus.delete(btn) && btn.isConnected && (!document.activeElement || document.activeElement === document.body)) btn.focus();
  }
}

// sentence turns the server's message ("the current password is wrong") into
// one to show ("The current password is wrong."), with Go's durations
// ("14m59s") in words. A message that begins with a username is left as it
// is ("tara@example.com already has an account"): one of names (the
// usernames the caller sent), or a first word that can only be an
// identifier (with @ . _ or a digit in it).
export function sentence(msg, ...names) {
  let s = String(msg || '').trim();
  if (!s) return 'Something went wrong. Please try again.';
  s = s.replace(/\b(?:(\d+)h)?(?:(\d+)m)?(\d+(?:\.\d+)?)s\b/g, (all, hr, min, sec) => {
    const total = (Number(hr) || 0) * 3600 + (Number(min) || 0) * 60 + Number(sec);
    if (total < 60) return 'a minute';
    const mins = Math.ceil(total / 60);
    if (mins < 90) return `${mins} minute${mins === 1 ? '' : 's'}`;
    const hrs = Math.round(mins / 60);
    return `${hrs} hour${hrs === 1 ? '' : 's'}`;
  });
  if (!startsWithUsername(s, names)) s = s.charAt(0).toUpperCase() + s.slice(1);
  return /[.!?…]$/.test(s) ? s : `${s}.`;
}

function startsWithUsername(s, names) {
  if (names.some((n) => n && s.startsWith(n) && !/^[\p{L}\p{N}]/u.test(s.slice(n.length)))) return true;
  const first = s.split(/[\s’']/)[0];
  return /[@._\d]/.test(first.replace(/[.,:;!?]+$/, ''));
}

const dateFmt = typeof Intl !== 'undefined'
  ? new Intl.DateTimeFormat('en', { weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' }) : null;

// when is a date and time to read, such as "Tue, 14 Oct, 10:32 AM".
export function when(iso) {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return '';
  return dateFmt ? dateFmt.format(new Date(t)) : new Date(t).toLocaleString();
}

// copyField shows a link to send in a read-only field with a Copy button
// that says, in a live region, whether it copied.
export function copyField({ id, label, value }) {
  const input = h('input', { id, type: 'text', readonly: true, value, class: 'copy-field__input', spellcheck: 'false', autocomplete: 'off' });
  const said = h('span', { class: 'copy-field__said', role: 'status', id: `${id}-status` });
  const copy = h('button', { type: 'button', id: `${id}-copy`, class: 'btn btn--secondary btn--sm copy-field__copy' }, icon('copy'), 'Copy', h('span', { class: 'vh' }, ` ${label.toLowerCase()}`));
  input.addEventListener('focus', () => input.select());
  copy.addEventListener('click', async () => {
    let ok = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(input.value);
        ok = true;
      }
    } catch { ok = false; }
    if (!ok) {
      input.focus();
      input.select();
      try { ok = document.execCommand('copy'); } catch { ok = false; }
    }
    said.textContent = ok ? 'Copied' : 'Select the link and copy it yourself (Ctrl+C or ⌘C)';
    said.dataset.copied = String(ok);
  });
  return h('div', { class: 'copy-field' },
    h('label', { for: id, class: 'field-label' }, label),
    h('div', { class: 'copy-field__row' }, input, copy),
    said);
}

// modal builds a <dialog> (see the give-up dialog in call.js): a title, its
// content, an alert for the server's refusal, and actions. open(opener)
// shows it and returns the focus to opener when it closes.
export function modal(id, title, ...content) {
  const heading = h('h2', { id: `${id}-title` }, title);
  const body = h('div', { class: 'dialog__body', id: `${id}-body` }, content);
  const alert = formAlert(`${id}-error`);
  const actions = h('div', { class: 'dialog__actions' });
  const el = h('dialog', { id, class: 'dialog', 'aria-labelledby': heading.id }, heading, body, alert.el, actions);
  let opener = null;
  // The focus goes back where it came from at once when the page closes the
  // dialog, and on the close event when the browser does (Escape).
  const restore = () => {
    if (opener && opener.isConnected) opener.focus();
    opener = null;
  };
  el.addEventListener('close', restore);
  return {
    el, heading, body, alert, actions,
    open(from) {
      opener = from || document.activeElement;
      alert.clear();
      if (!el.isConnected) document.getElementById('main').append(el);
      if (typeof el.showModal === 'function') el.showModal();
      else el.setAttribute('open', '');
    },
    close() {
      if (el.open) el.close();
      restore();
    },
  };
}
