// The name view (#/name, and the first visit): asks for the name shown on
// attempts and debriefs, saves it with POST /api/me and goes on to where the
// trainee was headed (app.afterName). It touches only its own form.

import { h } from './dom.js';
import { app } from './state.js';
import { api } from './api.js';
import { go, mount, updateUser } from './router.js';

export function renderName(token, { first }) {
  const input = h('input', {
    id: 'name-input', name: 'name', type: 'text', autocomplete: 'given-name', required: true, maxlength: 60,
    spellcheck: 'false', 'aria-describedby': 'name-help', value: app.me ? app.me.name : '',
  });
  const error = h('p', { id: 'name-error', class: 'field-error', role: 'alert' });
  const save = h('button', { id: 'name-save', type: 'submit', class: 'btn btn--primary btn--lg' }, first ? 'Continue' : 'Save name');
  const form = h('form', { id: 'name-form', class: 'name-form', novalidate: true },
    h('label', { for: 'name-input', class: 'field-label' }, 'Your name'),
    h('p', { id: 'name-help', class: 'field-help' }, 'A first name or nickname is fine. It’s shown on your attempts and debriefs.'),
    input, error,
    h('div', { class: 'form-actions' }, save, !first && h('a', { class: 'btn btn--quiet', href: '#/' }, 'Cancel')));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const name = input.value.trim();
    error.textContent = '';
    input.removeAttribute('aria-invalid');
    if (!name) {
      error.textContent = 'Please type a name so we know what to call you.';
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-errormessage', 'name-error');
      input.focus();
      return;
    }
    save.disabled = true;
    save.textContent = 'Saving…';
    try {
      app.me = await api('/api/me', { method: 'POST', body: { name } });
      updateUser();
      const next = app.afterName && app.afterName !== '#/name' ? app.afterName : '#/';
      app.afterName = null;
      go(next);
    } catch (err) {
      error.textContent = err.message || 'That didn’t work. Please try again.';
      save.disabled = false;
      save.textContent = first ? 'Continue' : 'Save name';
      input.focus();
    }
  });

  const view = h('section', { class: 'container narrow welcome' },
    h('div', { class: 'panel welcome__panel' },
      first && h('div', { class: 'welcome__art', 'aria-hidden': 'true' },
        h('span', { class: 'bubble-art bubble-art--them' }, 'So where exactly is my order?'),
        h('span', { class: 'bubble-art bubble-art--me' }, 'I’m sorry. That’s on us — tell me what it’s cost you.')),
      first && h('p', { class: 'eyebrow' }, 'Welcome to Parley'),
      h('h1', null, 'What should we call you?'),
      first && h('p', { class: 'lead' }, 'Practise the hard client conversations — late shipments, faulty parts, impossible asks — with clients who react to what you say. Nothing here reaches a real client.'),
      form));
  if (mount(token, 'name', first ? 'Welcome' : 'Change your name', view, { focus: false })) {
    input.focus();
    if (!first) input.select();
  }
}
