// The Accounts page (#/admin/accounts, admins only): every account in a
// table (its roles, its status: active, no password yet or disabled) with
// its actions (change roles, a new sign-in link, disable or enable), the
// form to add a person (which answers the invitation link to send), and the
// practice from before accounts waiting to be given to an account. It speaks
// the admin routes of docs/protocol.md and shows the server's refusals (an
// admin cannot take their own admin role or disable themselves) as it words
// them. Names and usernames go in as text, never as markup.

import { h, vh, icon, avatar, plural, relativeTime } from './dom.js';
import { app } from './state.js';
import { api } from './api.js';
import { mount, setLoading, updateUser } from './router.js';
import { field, formAlert, busy, sentence, when, copyField, modal } from './forms.js';
import { ROLES, roleTags } from './shared.js';

const STATUS = {
  active: { label: 'Active', tone: 'good', icon: 'check' },
  'no-password': { label: 'No password yet', tone: 'warn', icon: 'clock' },
  disabled: { label: 'Disabled', tone: 'bad', icon: 'cross' },
};

function statusOf(a) {
  if (a.disabled) return 'disabled';
  return a.has_password ? 'active' : 'no-password';
}

// roleChecks is a fieldset of the four roles as checkboxes.
function roleChecks(prefix, checked, legend) {
  const boxes = ROLES.map((r) => h('input', { type: 'checkbox', id: `${prefix}-${r.id}`, name: 'role', value: r.id, checked: checked.includes(r.id) }));
  const set = h('fieldset', { class: 'role-checks' },
    h('legend', { class: 'field-label' }, legend),
    h('ul', { class: 'role-checks__list', role: 'list' }, ROLES.map((r, i) => h('li', null,
      h('label', { class: 'check', for: boxes[i].id }, boxes[i],
        h('span', { class: 'check__text' }, h('span', { class: 'check__label' }, r.label), h('span', { class: 'check__what' }, r.what)))))));
  return { el: set, value: () => boxes.filter((b) => b.checked).map((b) => b.value), boxes };
}

export async function renderAccounts(token) {
  setLoading(token);
  const [users, legacy] = await Promise.all([api('/api/users'), api('/api/legacy-users')]);
  const page = new AccountsPage(Array.isArray(users) ? users : [], Array.isArray(legacy) ? legacy : []);
  mount(token, 'accounts', 'Accounts', page.el);
}

class AccountsPage {
  constructor(users, legacy) {
    this.users = users;
    this.legacy = legacy;
    this.status = h('p', { id: 'accounts-status', class: 'form-status', role: 'status' });
    this.tbody = h('tbody');
    this.count = h('p', { class: 'section__sub', id: 'accounts-count' });
    this.rolesDialog = this.buildRolesDialog();
    this.disableDialog = this.buildDisableDialog();
    this.linkDialog = this.buildLinkDialog();
    this.assignDialog = this.buildAssignDialog();
    this.legacySection = h('section', { class: 'section', id: 'legacy', 'aria-labelledby': 'legacy-heading' });
    this.drawRows();
    this.drawLegacy();

    const add = this.buildAddForm();
    const jump = h('button', { type: 'button', class: 'btn btn--primary', id: 'add-jump' }, icon('plus'), 'Add a person');
    jump.addEventListener('click', () => {
      add.scrollIntoView({ block: 'start', behavior: 'smooth' });
      document.getElementById('add-username').focus({ preventScroll: true });
    });
    this.el = h('div', { class: 'container accounts' },
      h('header', { class: 'page-head page-head--split' },
        h('div', null,
          h('p', { class: 'eyebrow' }, 'Administration'),
          h('h1', null, 'Accounts'),
          h('p', { class: 'lead' }, 'Who can sign in to Parley, and what each person may do. New people get a one-time link to choose their own password — you never see it.')),
        h('p', { class: 'page-head__action' }, jump)),
      h('section', { class: 'section', 'aria-labelledby': 'people-heading' },
        h('div', { class: 'section__head' }, h('h2', { id: 'people-heading' }, 'People'), this.count),
        this.status,
        h('div', { class: 'table-wrap' },
          h('table', { class: 'data-table accounts-table', id: 'accounts-table' },
            h('caption', { class: 'vh' }, 'Accounts: name, roles, status and actions'),
            h('thead', null, h('tr', null,
              h('th', { scope: 'col' }, 'Person'), h('th', { scope: 'col' }, 'Roles'),
              h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, h('span', { class: 'vh' }, 'Actions')))),
            this.tbody))),
      add,
      this.legacySection);
  }

  say(...parts) {
    this.status.replaceChildren(icon('check'), h('span', null, ...parts));
  }

  // ---- The table ----

  drawRows() {
    this.tbody.replaceChildren(...this.users.map((a) => this.row(a)));
    this.count.textContent = plural(this.users.length, 'account', 'accounts');
  }

  redrawRow(a, focusAction) {
    const i = this.users.findIndex((u) => u.username === a.username);
    if (i >= 0) this.users[i] = a;
    else this.users.push(a);
    const old = this.tbody.querySelector(`tr[data-username="${CSS.escape(a.username)}"]`);
    const row = this.row(a);
    if (old) old.replaceWith(row);
    else this.tbody.append(row);
    this.count.textContent = plural(this.users.length, 'account', 'accounts');
    if (focusAction) {
      const btn = row.querySelector(`[data-action="${focusAction}"]`);
      if (btn) btn.focus();
    }
    if (app.me && a.id === app.me.id) {
      app.me = { ...app.me, name: a.name, roles: a.roles };
      updateUser();
    }
    this.drawLegacy();
    return row;
  }

  row(a) {
    const st = statusOf(a);
    const s = STATUS[st];
    const me = app.me && a.id === app.me.id;
    const who = `${a.name} (${a.username})`;
    const rolesBtn = h('button', { type: 'button', class: 'btn btn--secondary btn--sm', dataset: { action: 'roles' } }, 'Roles', vh(` of ${who}`));
    const linkBtn = h('button', { type: 'button', class: 'btn btn--secondary btn--sm', dataset: { action: 'link' } }, icon('link'), 'New link', vh(` for ${who}`));
    // No Disable on one's own row: the server refuses it, so never offer it.
    const toggle = me ? null : a.disabled
      ? h('button', { type: 'button', class: 'btn btn--secondary btn--sm', dataset: { action: 'enable' } }, 'Enable', vh(` ${who}`))
      : h('button', { type: 'button', class: 'btn btn--quiet btn--sm btn--danger-text', dataset: { action: 'disable' } }, 'Disable', vh(` ${who}`));
    rolesBtn.addEventListener('click', () => this.openRoles(a, rolesBtn));
    linkBtn.addEventListener('click', () => this.openLink(a, linkBtn));
    if (toggle) toggle.addEventListener('click', () => (a.disabled ? this.enable(a, toggle) : this.openDisable(a, toggle)));
    return h('tr', { dataset: { testid: 'account', username: a.username, status: st, roles: (a.roles || []).join(','), me: me ? 'true' : null } },
      h('th', { scope: 'row', class: 'person-cell' },
        h('span', { class: 'person' }, avatar(a.name, 'sm'),
          h('span', { class: 'person__text' },
            h('span', { class: 'person__name', dataset: { testid: 'account-name' } }, a.name, me ? h('span', { class: 'you-tag' }, 'You') : null),
            h('span', { class: 'person__username username' }, a.username)))),
      h('td', { dataset: { label: 'Roles' } }, roleTags(a.roles)),
      h('td', { dataset: { label: 'Status' } }, h('span', { class: ['status', `status--${s.tone}`], dataset: { testid: 'account-status' } }, icon(s.icon), s.label)),
      h('td', { class: 'actions-cell' }, h('div', { class: 'row-actions' }, rolesBtn, linkBtn, toggle)));
  }

  // ---- Roles ----

  buildRolesDialog() {
    const d = modal('roles-dialog', 'Roles');
    const save = h('button', { type: 'button', id: 'roles-save', class: 'btn btn--primary' }, 'Save roles');
    const cancel = h('button', { type: 'button', id: 'roles-cancel', class: 'btn btn--secondary' }, 'Cancel');
    d.actions.append(cancel, save);
    cancel.addEventListener('click', () => d.close());
    save.addEventListener('click', async () => {
      const a = d.account;
      busy(save, 'Saving…');
      d.alert.clear();
      try {
        const next = await api(`/api/users/${encodeURIComponent(a.username)}`, { method: 'PATCH', body: { roles: d.checks.value() } });
        d.close();
        this.redrawRow(next, 'roles');
        this.say(h('strong', null, next.name), next.roles.length ? ` now has the role${next.roles.length === 1 ? '' : 's'} ${next.roles.join(', ')}.` : ' now has no roles.');
      } catch (err) {
        if (err.code !== 'login_required') d.alert.set(sentence(err.message));
      } finally {
        busy(save);
      }
    });
    return d;
  }

  openRoles(a, from) {
    const d = this.rolesDialog;
    d.account = a;
    d.heading.textContent = `Roles of ${a.name}`;
    d.checks = roleChecks('role-edit', a.roles || [], `What may ${a.username} do?`);
    d.body.replaceChildren(d.checks.el);
    d.open(from);
    d.checks.boxes[0].focus();
  }

  // ---- Disable and enable ----

  buildDisableDialog() {
    const d = modal('disable-dialog', 'Disable');
    const confirm = h('button', { type: 'button', id: 'disable-confirm', class: 'btn btn--danger' }, 'Disable account');
    const cancel = h('button', { type: 'button', id: 'disable-cancel', class: 'btn btn--secondary' }, 'Cancel');
    d.actions.append(cancel, confirm);
    cancel.addEventListener('click', () => d.close());
    confirm.addEventListener('click', async () => {
      const a = d.account;
      busy(confirm, 'Disabling…');
      d.alert.clear();
      try {
        const next = await api(`/api/users/${encodeURIComponent(a.username)}`, { method: 'PATCH', body: { disabled: true } });
        d.close();
        this.redrawRow(next, 'enable');
        this.say(h('strong', null, next.name), ' is disabled and signed out everywhere.');
      } catch (err) {
        if (err.code !== 'login_required') {
          d.alert.set(sentence(err.message));
          cancel.focus();
        }
      } finally {
        busy(confirm);
      }
    });
    return d;
  }

  openDisable(a, from) {
    const d = this.disableDialog;
    d.account = a;
    d.heading.textContent = `Disable ${a.name}?`;
    d.body.replaceChildren(h('p', null, 'They’re signed out at once, everywhere, and can’t sign in until you enable the account again. Their attempts are kept.'));
    d.open(from);
    d.actions.querySelector('#disable-cancel').focus();
  }

  async enable(a, btn) {
    busy(btn, 'Enabling…');
    try {
      const next = await api(`/api/users/${encodeURIComponent(a.username)}`, { method: 'PATCH', body: { disabled: false } });
      this.redrawRow(next, 'disable');
      this.say(h('strong', null, next.name), ' can sign in again.');
    } catch (err) {
      busy(btn);
      if (err.code !== 'login_required') this.status.replaceChildren(icon('flag'), h('span', { class: 'form-status--error' }, sentence(err.message)));
    }
  }

  // ---- New sign-in link ----

  buildLinkDialog() {
    const d = modal('link-dialog', 'New sign-in link');
    const make = h('button', { type: 'button', id: 'link-make', class: 'btn btn--primary' }, icon('link'), 'Make the link');
    const cancel = h('button', { type: 'button', id: 'link-cancel', class: 'btn btn--secondary' }, 'Cancel');
    const done = h('button', { type: 'button', id: 'link-done', class: 'btn btn--primary', hidden: true }, 'Done');
    d.actions.append(cancel, make, done);
    cancel.addEventListener('click', () => d.close());
    done.addEventListener('click', () => d.close());
    make.addEventListener('click', async () => {
      const a = d.account;
      busy(make, 'Making…');
      d.alert.clear();
      try {
        const link = await api(`/api/users/${encodeURIComponent(a.username)}/link`, { method: 'POST' });
        d.body.replaceChildren(
          h('p', null, 'Send it to ', h('strong', null, a.name), ' yourself, by chat or email. Whoever has the link can set the password, so send it to them alone.'),
          linkResult('new-link', link));
        make.hidden = true;
        cancel.hidden = true;
        done.hidden = false;
        d.body.querySelector('input').focus();
      } catch (err) {
        if (err.code !== 'login_required') d.alert.set(sentence(err.message));
      } finally {
        busy(make);
      }
    });
    d.reset = () => { make.hidden = false; cancel.hidden = false; done.hidden = true; };
    return d;
  }

  openLink(a, from) {
    const d = this.linkDialog;
    d.account = a;
    d.reset();
    const reset = a.has_password;
    d.heading.textContent = reset ? `New password link for ${a.name}` : `New invitation for ${a.name}`;
    d.body.replaceChildren(
      h('p', null, reset
        ? ['The link lets ', h('strong', null, a.username), ' choose a new password. Their current password keeps working until they use it.']
        : [h('strong', null, a.username), ' hasn’t chosen a password yet. The link lets them.']),
      h('p', null, 'It works once, for 72 hours. Any earlier link of this kind for them stops working.'));
    d.open(from);
    d.actions.querySelector('#link-make').focus();
  }

  // ---- Add a person ----

  buildAddForm() {
    const username = field({
      id: 'add-username', label: 'Username or email',
      help: 'What they sign in with: letters, digits and . _ - @ + only.',
      attrs: { autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', required: true, maxlength: 64 },
    });
    const name = field({
      id: 'add-name', label: 'Display name', optional: true,
      help: 'Shown in the header and on their attempts. They can change it; empty, it’s the username.',
      attrs: { autocomplete: 'off', maxlength: 60 },
    });
    const roles = roleChecks('add-role', ['trainee'], 'Roles');
    const alert = formAlert('add-error');
    const submit = h('button', { type: 'submit', id: 'add-submit', class: 'btn btn--primary' }, icon('plus'), 'Add and make a link');
    const result = h('div', { id: 'add-result', class: 'add-result', hidden: true });
    const form = h('form', { id: 'add-form', class: 'form add-form', novalidate: true },
      alert.el,
      h('div', { class: 'add-form__fields' }, username.wrap, name.wrap),
      roles.el,
      h('div', { class: 'form-actions' }, submit));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      alert.clear();
      username.clear();
      name.clear();
      const u = username.input.value.trim();
      if (!u) {
        username.set('Type the username or email address they’ll sign in with.');
        username.input.focus();
        return;
      }
      busy(submit, 'Adding…');
      try {
        const res = await api('/api/users', { method: 'POST', body: { username: u, name: name.input.value.trim(), roles: roles.value() } });
        this.redrawRow(res.account);
        form.reset();
        result.hidden = false;
        const title = h('h3', { id: 'add-result-title', tabindex: '-1' }, icon('check'), `${res.account.name} is added`);
        result.replaceChildren(title,
          h('p', null, 'Send them this link to choose their password. Parley doesn’t send it for you: use chat or email, and send it to them alone.'),
          linkResult('add-link', res.link));
        title.focus();
      } catch (err) {
        if (err.code === 'login_required') return;
        if (err.code === 'username_taken' || (err.code === 'bad_request' && /username/i.test(err.message))) {
          username.set(sentence(err.message, u));
          username.input.focus();
        } else if (err.code === 'bad_request' && /name/i.test(err.message)) {
          name.set(sentence(err.message, u));
          name.input.focus();
        } else {
          alert.set(sentence(err.message, u));
          submit.focus();
        }
      } finally {
        busy(submit);
      }
    });
    return h('section', { class: 'section', id: 'add-person', 'aria-labelledby': 'add-heading' },
      h('div', { class: 'panel add-panel' },
        h('h2', { id: 'add-heading' }, 'Add a person'),
        h('p', { class: 'muted' }, 'They get a one-time link to choose their password. Trainee is what most people need.'),
        form,
        result));
  }

  // ---- Practice from before accounts ----

  drawLegacy() {
    const s = this.legacySection;
    if (!this.legacy.length) {
      s.hidden = true;
      s.replaceChildren();
      return;
    }
    s.hidden = false;
    const options = this.users.filter((u) => !u.disabled);
    s.replaceChildren(
      h('div', { class: 'section__head' },
        h('h2', { id: 'legacy-heading' }, 'Practice from before accounts'),
        h('p', { class: 'section__sub' }, plural(this.legacy.length, 'name', 'names') + ' waiting')),
      h('p', { class: 'muted legacy-intro' }, 'Before accounts, people practised under a name typed into their browser. Give each one’s practice calls to their account, and they’ll show up in that person’s attempts. Someone who signs in on the same browser is offered theirs too.'),
      h('div', { class: 'table-wrap' },
        h('table', { class: 'data-table legacy-table', id: 'legacy-table' },
          h('caption', { class: 'vh' }, 'Practice from before accounts: name, practice calls, last played, and the account to give them to'),
          h('thead', null, h('tr', null,
            h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Practice calls'),
            h('th', { scope: 'col' }, 'Last played'), h('th', { scope: 'col' }, 'Assign to account'))),
          h('tbody', null, this.legacy.map((l) => this.legacyRow(l, options))))));
  }

  legacyRow(l, options) {
    const selId = `assign-${l.id}`;
    const select = h('select', { id: selId, class: 'select' },
      h('option', { value: '' }, 'Choose an account…'),
      options.map((u) => h('option', { value: u.username }, `${u.name} — ${u.username}`)));
    const btn = h('button', { type: 'button', class: 'btn btn--secondary btn--sm', dataset: { action: 'assign' } }, 'Assign', vh(` ${l.name}’s practice`));
    const error = h('p', { class: 'field-error', id: `${selId}-error`, role: 'alert' });
    btn.addEventListener('click', () => {
      error.textContent = '';
      if (!select.value) {
        error.textContent = 'Choose the account to give them to.';
        select.setAttribute('aria-invalid', 'true');
        select.setAttribute('aria-describedby', error.id);
        select.focus();
        return;
      }
      select.removeAttribute('aria-invalid');
      this.openAssign(l, this.users.find((u) => u.username === select.value), btn);
    });
    const played = l.last_played ? h('time', { datetime: l.last_played }, relativeTime(l.last_played)) : h('span', { class: 'muted' }, 'Never');
    return h('tr', { dataset: { testid: 'legacy', legacyId: l.id } },
      h('th', { scope: 'row' }, h('span', { class: 'person' }, avatar(l.name, 'sm'), h('span', { class: 'person__name', dataset: { testid: 'legacy-name' } }, l.name))),
      h('td', { dataset: { label: 'Practice calls' } }, String(l.attempts)),
      h('td', { dataset: { label: 'Last played' } }, played),
      h('td', { class: 'assign-cell' },
        h('div', { class: 'assign' },
          h('label', { for: selId, class: 'vh' }, `Account to give ${l.name}’s practice to`), select, btn),
        error));
  }

  buildAssignDialog() {
    const d = modal('assign-dialog', 'Assign');
    const confirm = h('button', { type: 'button', id: 'assign-confirm', class: 'btn btn--primary' }, 'Give them the practice');
    const cancel = h('button', { type: 'button', id: 'assign-cancel', class: 'btn btn--secondary' }, 'Cancel');
    d.actions.append(cancel, confirm);
    cancel.addEventListener('click', () => d.close());
    confirm.addEventListener('click', async () => {
      const { legacy: l, account: a } = d;
      busy(confirm, 'Assigning…');
      d.alert.clear();
      try {
        const res = await api(`/api/legacy-users/${encodeURIComponent(l.id)}/claim`, { method: 'POST', body: { username: a.username } });
        d.close();
        this.legacy = this.legacy.filter((x) => x.id !== l.id);
        this.drawLegacy();
        const n = res && Number.isFinite(res.attempts) ? res.attempts : l.attempts;
        this.say(`${plural(n, 'practice call', 'practice calls')} of “`, h('strong', null, l.name), '” now belong to ', h('strong', null, a.name), ` (${a.username}).`);
        const next = this.legacySection.querySelector('select') || this.legacySection.querySelector('h2') || document.getElementById('people-heading');
        if (next) {
          if (next.tagName === 'H2') next.setAttribute('tabindex', '-1');
          next.focus();
        }
      } catch (err) {
        if (err.code !== 'login_required') d.alert.set(sentence(err.message));
      } finally {
        busy(confirm);
      }
    });
    return d;
  }

  openAssign(l, a, from) {
    const d = this.assignDialog;
    d.legacy = l;
    d.account = a;
    d.heading.textContent = `Give the practice of “${l.name}” to ${a.name}?`;
    d.body.replaceChildren(h('p', null, `${plural(l.attempts, 'practice call', 'practice calls')} move to `, h('strong', null, a.username),
      '’s attempts, with their debriefs. This can’t be undone from here.'));
    d.open(from);
    d.actions.querySelector('#assign-confirm').focus();
  }
}

// linkResult shows a link just made: the read-only field with its Copy
// button, and until when it works.
function linkResult(id, link) {
  const what = link.purpose === 'reset' ? 'Password link' : 'Invitation link';
  return h('div', { class: 'link-result', dataset: { purpose: link.purpose } },
    copyField({ id, label: `${what} for ${link.name}`, value: link.url }),
    h('p', { class: 'link-result__expires muted' }, icon('clock'), `Works once, until ${when(link.expires)}.`));
}
