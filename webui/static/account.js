// The account view (#/account; #/name, the name page of before accounts,
// comes here too): who is signed in and with what roles, the display name
// (POST /api/me) and the password (POST /api/me/password: current, new and
// again). It touches only its own forms and the header's name.

import { h, icon } from './dom.js';
import { app } from './state.js';
import { api } from './api.js';
import { mount, updateUser } from './router.js';
import { field, formAlert, busy, sentence, chars, MIN_PASSWORD, PASSWORD_RULE } from './forms.js';
import { roleTags } from './shared.js';

export function renderAccount(token) {
  const me = app.me;

  // The display name.
  const name = field({
    id: 'name-input', label: 'Display name',
    help: 'Shown in the header, on your attempts and to your trainer. A first name or nickname is fine.',
    attrs: { autocomplete: 'name', required: true, maxlength: 60, spellcheck: 'false', value: me.name },
  });
  const nameSaved = h('p', { id: 'name-status', class: 'form-status', role: 'status' });
  const nameSave = h('button', { id: 'name-save', type: 'submit', class: 'btn btn--primary' }, 'Save name');
  const nameForm = h('form', { id: 'name-form', class: 'form', novalidate: true },
    name.wrap, h('div', { class: 'form-actions' }, nameSave, nameSaved));
  nameForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    name.clear();
    nameSaved.textContent = '';
    const value = name.input.value.trim();
    if (!value) {
      name.set('Type a name so we know what to call you.');
      name.input.focus();
      return;
    }
    busy(nameSave, 'Saving…');
    try {
      const next = await api('/api/me', { method: 'POST', body: { name: value } });
      app.me = { ...app.me, ...next, legacy: app.me.legacy };
      updateUser();
      name.input.value = app.me.name;
      nameSaved.replaceChildren(icon('check'), 'Saved. Hello, ', h('span', null, app.me.name), '!');
    } catch (err) {
      if (err.code === 'login_required') return;
      name.set(sentence(err.message));
      name.input.focus();
    } finally {
      busy(nameSave);
    }
  });

  // The password.
  const current = field({
    id: 'password-current', label: 'Current password', password: true,
    attrs: { autocomplete: 'current-password', required: true },
  });
  const fresh = field({
    id: 'password-new', label: 'New password', help: PASSWORD_RULE, password: true,
    attrs: { autocomplete: 'new-password', required: true, minlength: MIN_PASSWORD },
  });
  const again = field({
    id: 'password-confirm', label: 'New password again', password: true,
    attrs: { autocomplete: 'new-password', required: true },
  });
  const pwAlert = formAlert('password-error');
  const pwSaved = h('p', { id: 'password-status', class: 'form-status', role: 'status' });
  const pwSave = h('button', { id: 'password-save', type: 'submit', class: 'btn btn--primary' }, 'Change password');
  const pwForm = h('form', { id: 'password-form', class: 'form', novalidate: true },
    h('input', { type: 'text', name: 'username', autocomplete: 'username', value: me.username, hidden: true, readonly: true, tabindex: '-1' }),
    pwAlert.el, current.wrap, fresh.wrap, again.wrap, h('div', { class: 'form-actions' }, pwSave), pwSaved);
  pwForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const f of [current, fresh, again]) f.clear();
    pwAlert.clear();
    pwSaved.textContent = '';
    if (!current.input.value) {
      current.set('Type your current password.');
      current.input.focus();
      return;
    }
    const pw = fresh.input.value;
    if (chars(pw) < MIN_PASSWORD) {
      fresh.set(`That’s ${chars(pw)} character${chars(pw) === 1 ? '' : 's'}: a password needs at least ${MIN_PASSWORD}. Try a few words with spaces between.`);
      fresh.input.focus();
      return;
    }
    if (again.input.value !== pw) {
      again.set('The two new passwords don’t match. Type the same password in both fields.');
      again.input.focus();
      return;
    }
    busy(pwSave, 'Changing…');
    try {
      await api('/api/me/password', { method: 'POST', body: { current: current.input.value, new: pw } });
      for (const f of [current, fresh, again]) f.input.value = '';
      pwSaved.replaceChildren(icon('check'), 'Your password is changed. Anywhere else you were signed in, you’ve been signed out.');
      // The button was disabled while it worked: put the focus on what changed.
      pwSaved.setAttribute('tabindex', '-1');
      pwSaved.focus();
    } catch (err) {
      if (err.code === 'login_required') return;
      if (err.code === 'bad_login') {
        current.set('That isn’t your current password. Type it again.');
        current.input.value = '';
        current.input.focus();
      } else if (err.code === 'bad_request') {
        fresh.set(sentence(err.message));
        fresh.input.focus();
      } else {
        pwAlert.set(sentence(err.message));
        pwSave.focus();
      }
    } finally {
      busy(pwSave);
    }
  });

  const view = h('div', { class: 'container narrow account' },
    h('header', { class: 'page-head' },
      h('h1', null, 'Your account'),
      h('dl', { class: 'account-id' },
        h('div', null, h('dt', null, 'Username'), h('dd', { id: 'account-username', class: 'username' }, me.username)),
        h('div', null, h('dt', null, 'Roles'), h('dd', { id: 'account-roles' }, roleTags(me.roles)))),
      (me.roles || []).length ? null : h('p', { class: 'muted' }, 'Your account has no roles yet: ask your administrator for one.')),
    h('section', { class: 'panel account-panel', 'aria-labelledby': 'name-heading' },
      h('h2', { id: 'name-heading' }, icon('person'), 'Your name'),
      nameForm),
    h('section', { class: 'panel account-panel', 'aria-labelledby': 'password-heading' },
      h('h2', { id: 'password-heading' }, icon('lock'), 'Password'),
      h('p', { class: 'muted' }, 'Changing it signs you out everywhere else. Forgot it? Ask your trainer or administrator for a new link.'),
      pwForm));
  mount(token, 'account', 'Your account', view);
}
