// The home page (#/) of someone signed in whose roles do not include
// practising (trainee or trainer): what their account is for and where to go,
// instead of a catalog the server would refuse: managing accounts, and
// running cohorts and reviewing them.

import { h, icon } from './dom.js';
import { app } from './state.js';
import { mount } from './router.js';
import { can, canManage, greeting } from './shared.js';

export function renderHome(token) {
  const items = [];
  if (can('admin')) {
    items.push(h('li', { class: 'home-item', dataset: { role: 'admin' } },
      h('span', { class: 'home-item__icon', 'aria-hidden': 'true' }, icon('users')),
      h('div', null,
        h('h2', null, 'Manage accounts'),
        h('p', null, 'Add the people who practise, give them roles, and send each one a link to choose their password.'),
        h('p', null, h('a', { class: 'btn btn--primary', href: '#/admin/accounts', id: 'home-accounts' }, 'Go to Accounts')))));
  }
  if (canManage()) {
    items.push(h('li', { class: 'home-item', dataset: { role: 'manager' } },
      h('span', { class: 'home-item__icon', 'aria-hidden': 'true' }, icon('chat')),
      h('div', null,
        h('h2', null, 'Run your cohorts'),
        h('p', null, 'Invite trainees, assign them scenarios with a due date, and see how each of them is getting on: their scores, their calls turn by turn, and where the whole cohort goes wrong.'),
        h('p', null, h('a', { class: 'btn btn--primary', href: '#/cohorts', id: 'home-cohorts' }, 'Go to Cohorts')))));
  }
  if (!items.length) {
    items.push(h('li', { class: 'home-item', dataset: { role: 'none' } },
      h('span', { class: 'home-item__icon', 'aria-hidden': 'true' }, icon('person')),
      h('div', null,
        h('h2', null, 'Nothing here for you yet'),
        h('p', null, 'Your account has no role that opens anything in Parley. Ask your administrator for the trainee role to practise the scenarios.'))));
  }
  const view = h('div', { class: 'container narrow home', id: 'home' },
    h('section', { class: 'hero' },
      h('p', { class: 'eyebrow' }, `${greeting()}, ${app.me.name}`),
      h('h1', null, 'Welcome to Parley'),
      h('p', { class: 'lead' }, 'Your account doesn’t practise the scenarios, so there’s no catalog here. This is what you can do:')),
    h('ul', { class: 'home-list', role: 'list' }, items));
  mount(token, 'home', 'Parley', view);
}
