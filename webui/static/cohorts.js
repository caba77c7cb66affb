// The manager's cohorts (managers and admins): the list with the form for a
// new cohort (#/cohorts), and a cohort's page (#/cohorts/{id}): the review
// table (review.js) with the CSV export, the assignments (add a scenario
// with a due date and pass marks, change or remove one, its heat-map) and
// the trainees (invite one, with the one-time link to send when they are
// new; a new invitation link for one who has not chosen a password yet,
// when the server says the caller may make it; remove one). It speaks the cohort routes of docs/protocol.md and
// shows the server's refusals as it words them. Names, usernames and
// titles go in as text, never as markup.

import { h, vh, icon, avatar, plural, relativeTime } from './dom.js';
import { api } from './api.js';
import { go, mount, setLoading } from './router.js';
import { field, formAlert, busy, sentence, when, copyField, modal } from './forms.js';
import { dueText } from './shared.js';
import { reviewTable } from './review.js';

// ---- The list ----

export async function renderCohorts(token) {
  setLoading(token);
  const list = await api('/api/cohorts');
  const cohorts = Array.isArray(list) ? list : [];
  // The counts on each card, from each cohort's page (a card without them still works).
  const details = await Promise.all(cohorts.map((c) => api(`/api/cohorts/${encodeURIComponent(c.id)}`).catch(() => null)));

  const name = field({
    id: 'cohort-name', label: 'Name', help: 'Such as “November onboarding” or “Support team, spring”.',
    attrs: { autocomplete: 'off', required: true, maxlength: 100 },
  });
  const alert = formAlert('cohort-new-error');
  const submit = h('button', { type: 'submit', id: 'cohort-create', class: 'btn btn--primary' }, icon('plus'), 'Create cohort');
  const form = h('form', { id: 'cohort-new-form', class: 'form cohort-new', novalidate: true },
    alert.el, name.wrap, h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    alert.clear();
    name.clear();
    const value = name.input.value.trim();
    if (!value) {
      name.set('Give the cohort a name, so you can tell it from the others.');
      name.input.focus();
      return;
    }
    busy(submit, 'Creating…');
    try {
      const c = await api('/api/cohorts', { method: 'POST', body: { name: value } });
      go(`#/cohorts/${encodeURIComponent(c.id)}`);
    } catch (err) {
      busy(submit);
      if (err.code === 'login_required') return;
      if (err.code === 'bad_request') {
        name.set(sentence(err.message));
        name.input.focus();
      } else {
        alert.set(sentence(err.message));
      }
    }
  });

  const cards = cohorts.length ? h('ul', { class: 'cohort-grid', role: 'list', id: 'cohort-list' }, cohorts.map((c, i) => {
    const d = details[i];
    const headingId = `cohort-${c.id}-title`;
    return h('li', null, h('article', { class: 'card cohort-card', 'aria-labelledby': headingId, dataset: { testid: 'cohort', cohortId: c.id } },
      h('h3', { class: 'cohort-card__title', id: headingId },
        h('a', { href: `#/cohorts/${encodeURIComponent(c.id)}`, class: 'cohort-card__link' }, c.name)),
      d ? h('ul', { class: 'cohort-card__stats', role: 'list' },
        h('li', null, icon('users'), plural((d.members || []).length, 'trainee', 'trainees')),
        h('li', null, icon('book'), plural((d.assignments || []).length, 'scenario', 'scenarios') + ' assigned')) : null,
      h('p', { class: 'cohort-card__meta muted' }, 'Created ', h('time', { datetime: c.created_at }, relativeTime(c.created_at)),
        d && (d.managers || []).length ? ` · managed by ${(d.managers || []).map((m) => m.name).join(', ')}` : null)));
  })) : h('div', { class: 'empty', id: 'cohort-list-empty' }, icon('users'),
    h('p', null, 'No cohorts yet. Create one below, then invite trainees and assign them scenarios.'));

  const view = h('div', { class: 'container cohorts', id: 'cohorts' },
    h('header', { class: 'page-head' },
      h('p', { class: 'eyebrow' }, 'Your cohorts'),
      h('h1', null, 'Cohorts'),
      h('p', { class: 'lead' }, 'A cohort is a group of trainees you follow together: assign them scenarios with a due date, and see how each one is getting on.')),
    h('section', { class: 'section', 'aria-labelledby': 'cohort-list-heading' },
      h('div', { class: 'section__head' },
        h('h2', { id: 'cohort-list-heading' }, 'All cohorts'),
        h('p', { class: 'section__sub' }, plural(cohorts.length, 'cohort', 'cohorts'))),
      cards),
    h('section', { class: 'section', 'aria-labelledby': 'cohort-new-heading' },
      h('div', { class: 'panel add-panel' },
        h('h2', { id: 'cohort-new-heading' }, 'New cohort'),
        h('p', { class: 'muted' }, 'You’ll manage it. Trainees join when you invite them.'),
        form)));
  mount(token, 'cohorts', 'Cohorts', view);
}

// ---- One cohort ----

export async function renderCohort(token, id) {
  setLoading(token);
  const path = `/api/cohorts/${encodeURIComponent(id)}`;
  // The scenarios to assign: anyone signed in may read the list, practising or not.
  const [detail, review, scenarios] = await Promise.all([api(path), api(`${path}/review`), api('/api/scenarios')]);
  const page = new CohortPage(id, detail, review, Array.isArray(scenarios) ? scenarios : []);
  mount(token, 'cohort', detail.name, page.el);
}

class CohortPage {
  constructor(id, detail, review, scenarios) {
    this.id = id;
    this.path = `/api/cohorts/${encodeURIComponent(id)}`;
    this.detail = detail;
    this.review = review;
    this.scenarios = scenarios;
    this.status = h('p', { id: 'cohort-status', class: 'form-status', role: 'status' });
    this.headSub = h('p', { class: 'lead cohort-head__sub' });
    this.reviewBox = h('div', { id: 'review' });
    this.assignList = h('div', { id: 'assignment-cards' });
    this.memberBox = h('div', { id: 'members' });
    this.membersCount = h('p', { class: 'section__sub', id: 'members-count' });
    this.removeMemberDialog = this.buildRemoveMemberDialog();
    this.memberLinkDialog = this.buildMemberLinkDialog();
    this.unassignDialog = this.buildUnassignDialog();
    this.editDialog = this.buildEditDialog();
    this.draw();

    const csv = h('a', {
      class: 'btn btn--secondary', id: 'export-csv', download: `parley-${slug(detail.name)}.csv`,
      href: `/api/reports/attempts.csv?cohort=${encodeURIComponent(id)}`,
    }, icon('download'), 'Export CSV', vh(' of every scored attempt in this cohort'));
    this.el = h('div', { class: 'container cohort', id: 'cohort', dataset: { cohortId: id } },
      h('p', { class: 'crumbs' }, h('a', { href: '#/cohorts', id: 'back-to-cohorts' }, icon('back'), 'All cohorts')),
      h('header', { class: 'page-head page-head--split' },
        h('div', null,
          h('p', { class: 'eyebrow' }, 'Cohort'),
          h('h1', null, detail.name),
          this.headSub),
        h('p', { class: 'page-head__action' }, csv)),
      this.status,
      h('section', { class: 'section section--first', 'aria-labelledby': 'review-heading' },
        h('div', { class: 'section__head' },
          h('h2', { id: 'review-heading' }, 'How they’re doing'),
          h('p', { class: 'section__sub' }, 'Scored attempts only: practice runs never count.')),
        this.reviewBox),
      h('section', { class: 'section', 'aria-labelledby': 'assignments-heading' },
        h('div', { class: 'section__head' },
          h('h2', { id: 'assignments-heading', tabindex: '-1' }, 'Assignments'),
          h('p', { class: 'section__sub' }, 'What the trainees should practise, and by when.')),
        this.assignList,
        this.buildAssignForm()),
      h('section', { class: 'section', 'aria-labelledby': 'members-heading' },
        h('div', { class: 'section__head' },
          h('h2', { id: 'members-heading', tabindex: '-1' }, 'Trainees'),
          this.membersCount),
        this.memberBox,
        this.buildInviteForm()));
  }

  say(...parts) {
    this.status.replaceChildren(icon('check'), h('span', null, ...parts));
  }

  sayError(err) {
    if (err.code === 'login_required') return;
    this.status.replaceChildren(icon('flag'), h('span', { class: 'form-status--error' }, sentence(err.message)));
  }

  // refresh fetches the cohort and its review again and redraws them.
  async refresh() {
    const [detail, review] = await Promise.all([api(this.path), api(`${this.path}/review`)]);
    this.detail = detail;
    this.review = review;
    this.draw();
  }

  draw() {
    const d = this.detail;
    const members = d.members || [];
    const assignments = d.assignments || [];
    this.headSub.textContent = `${plural(members.length, 'trainee', 'trainees')} · ${plural(assignments.length, 'scenario', 'scenarios')} assigned · managed by ${(d.managers || []).map((m) => m.name).join(', ') || 'no one'}`;
    this.drawReview();
    this.drawAssignments();
    this.drawMembers();
  }

  drawReview() {
    const r = this.review;
    if (!(r.rows || []).length || !(r.assignments || []).length) {
      const todo = [];
      const jump = (target, text) => h('button', {
        type: 'button', class: 'link-button', onclick: () => {
          const el = document.getElementById(target);
          if (el) { el.scrollIntoView({ block: 'center' }); el.focus({ preventScroll: true }); }
        },
      }, text);
      if (!(r.rows || []).length) todo.push(jump('invite-username', 'invite trainees'));
      if (!(r.assignments || []).length) todo.push(jump('assign-scenario', 'assign a scenario'));
      const p = h('p', null, 'Nothing to review yet: ', todo.length === 2 ? [todo[0], ' and ', todo[1]] : todo[0], ', and each trainee’s progress shows here as they play.');
      this.reviewBox.replaceChildren(h('div', { class: 'empty', id: 'review-empty' }, icon('chat'), p));
      return;
    }
    this.reviewBox.replaceChildren(reviewTable(r, this.id).el);
  }

  // ---- Assignments ----

  drawAssignments() {
    const list = this.detail.assignments || [];
    if (!list.length) {
      this.assignList.replaceChildren(h('p', { class: 'muted', id: 'assignments-none' }, 'No scenarios assigned yet.'));
      return;
    }
    this.assignList.replaceChildren(h('ul', { class: 'assigned-list', role: 'list' }, list.map((a) => {
      const headingId = `assigned-${a.scenario}-title`;
      const edit = h('button', { type: 'button', class: 'btn btn--secondary btn--sm', dataset: { action: 'edit' } }, 'Change', vh(` the due date or pass marks of ${a.title}`));
      const remove = h('button', { type: 'button', class: 'btn btn--quiet btn--sm btn--danger-text', dataset: { action: 'unassign' } }, 'Remove', vh(` ${a.title}`));
      edit.addEventListener('click', () => this.openEdit(a, edit));
      remove.addEventListener('click', () => this.openUnassign(a, remove));
      const changed = (a.marks || []).filter((m) => m.pass !== m.default);
      return h('li', { class: 'assigned', 'aria-labelledby': headingId, dataset: { testid: 'assigned', scenario: a.scenario } },
        h('div', { class: 'assigned__main' },
          h('h3', { class: 'assigned__title', id: headingId }, a.title || a.scenario,
            a.offered === false ? h('span', { class: 'you-tag' }, 'Withdrawn') : null),
          h('p', { class: 'assigned__meta' },
            a.due ? dueText(a.due, false) : h('span', { class: 'due due--none' }, 'No due date'),
            h('span', null, 'Assigned ', h('time', { datetime: a.assigned_at }, relativeTime(a.assigned_at)))),
          (a.marks || []).length ? h('p', { class: 'assigned__marks' }, h('span', { class: 'assigned__marks-label' }, 'Pass marks: '),
            a.marks.map((m, i) => [i ? ', ' : '', `${m.label} ${m.pass}`, m.pass !== m.default ? h('span', { class: 'muted' }, ` (scenario: ${m.default})`) : null]),
            changed.length ? null : h('span', { class: 'muted' }, ' — the scenario’s own')) : null),
        h('div', { class: 'assigned__actions' },
          a.offered === false ? null : h('a', {
            class: 'btn btn--quiet btn--sm', href: `#/cohorts/${encodeURIComponent(this.id)}/scenarios/${encodeURIComponent(a.scenario)}`, dataset: { action: 'heatmap' },
          }, icon('heat'), 'Heat-map', vh(` of ${a.title}`)),
          edit, remove));
    })));
  }

  buildAssignForm() {
    const alert = formAlert('assign-error');
    const scenarioError = h('p', { id: 'assign-scenario-error', class: 'field-error', role: 'alert' });
    const marksBox = h('div', { id: 'assign-marks', class: 'marks-box' });
    const scenarioInput = h('select', { id: 'assign-scenario', class: 'select', required: true },
      h('option', { value: '' }, 'Choose a scenario…'),
      this.scenarios.map((sc) => h('option', { value: sc.id }, sc.title)));
    const scenarioField = h('div', { class: 'field' }, h('label', { for: 'assign-scenario', class: 'field-label' }, 'Scenario'), scenarioInput, scenarioError);
    scenarioInput.addEventListener('change', () => this.loadMarks(scenarioInput.value, marksBox));
    const due = dueField('assign-due');
    const submit = h('button', { type: 'submit', id: 'assign-submit', class: 'btn btn--primary' }, icon('plus'), 'Assign');
    const form = h('form', { id: 'assign-form', class: 'form', novalidate: true },
      alert.el,
      h('div', { class: 'add-form__fields' }, scenarioField, due.wrap),
      marksBox,
      h('div', { class: 'form-actions' }, submit));
    const setScenarioError = (msg) => {
      scenarioError.textContent = msg;
      scenarioInput.setAttribute('aria-invalid', 'true');
      scenarioInput.setAttribute('aria-describedby', 'assign-scenario-error');
      scenarioInput.focus();
    };
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      alert.clear();
      scenarioError.textContent = '';
      scenarioInput.removeAttribute('aria-invalid');
      due.clear();
      const sc = scenarioInput.value.trim();
      if (!sc) return setScenarioError('Choose the scenario to assign.');
      const marks = readMarks(marksBox);
      if (marks.error) {
        marks.error.input.focus();
        return undefined;
      }
      busy(submit, 'Assigning…');
      try {
        const a = await api(`${this.path}/assignments/${encodeURIComponent(sc)}`, { method: 'PUT', body: { due: dueValue(due.input.value), pass_marks: marks.values } });
        await this.refresh();
        form.reset();
        marksBox.replaceChildren();
        this.say(h('strong', null, a.title), ' is assigned. Its trainees see it first in their catalog.');
        const card = this.assignList.querySelector(`[data-scenario="${CSS.escape(a.scenario)}"] h3`);
        if (card) { card.setAttribute('tabindex', '-1'); card.focus(); }
      } catch (err) {
        if (err.code === 'login_required') return undefined;
        if (err.code === 'unknown_scenario') setScenarioError(sentence(err.message));
        else alert.set(sentence(err.message));
      } finally {
        busy(submit);
      }
      return undefined;
    });
    return h('div', { class: 'panel add-panel assign-panel' },
      h('h3', { id: 'assign-heading' }, 'Assign a scenario'),
      h('p', { class: 'muted' }, 'Trainees see it first in their catalog, with its due date. Assigning one that’s already assigned changes it.'),
      form);
  }

  // loadMarks shows a chosen scenario's competencies with its pass marks.
  async loadMarks(scenarioId, box) {
    box.replaceChildren();
    if (!scenarioId) return;
    try {
      const sc = await api(`/api/scenarios/${encodeURIComponent(scenarioId)}`);
      const marks = (sc.competencies || []).map((c) => ({ competency: c.id, label: c.label, pass: c.pass, default: c.pass }));
      box.replaceChildren(marksFieldset('assign-mark', marks));
    } catch {
      box.replaceChildren(h('p', { class: 'muted' }, 'The scenario’s own pass marks apply; change them once it’s assigned.'));
    }
  }

  buildEditDialog() {
    const d = modal('edit-dialog', 'Change');
    const save = h('button', { type: 'submit', id: 'edit-save', class: 'btn btn--primary' }, 'Save');
    const cancel = h('button', { type: 'button', id: 'edit-cancel', class: 'btn btn--secondary' }, 'Cancel');
    d.actions.append(cancel, save);
    // The fields and the buttons are a form, so Enter in a field saves, as in the Assign form.
    const form = h('form', { id: 'edit-form', class: 'dialog__form', novalidate: true });
    d.body.before(form);
    form.append(d.body, d.alert.el, d.actions);
    cancel.addEventListener('click', () => d.close());
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (save.disabled) return;
      const a = d.assignment;
      const marks = readMarks(d.body);
      if (marks.error) { marks.error.input.focus(); return; }
      busy(save, 'Saving…');
      d.alert.clear();
      try {
        const next = await api(`${this.path}/assignments/${encodeURIComponent(a.scenario)}`, { method: 'PUT', body: { due: dueValue(d.due.input.value), pass_marks: marks.values } });
        d.close();
        await this.refresh();
        this.say(h('strong', null, next.title), ' is changed.');
        const btn = this.assignList.querySelector(`[data-scenario="${CSS.escape(a.scenario)}"] [data-action=edit]`);
        if (btn) btn.focus();
      } catch (err) {
        if (err.code !== 'login_required') d.alert.set(sentence(err.message));
      } finally {
        busy(save);
      }
    });
    return d;
  }

  openEdit(a, from) {
    const d = this.editDialog;
    d.assignment = a;
    d.heading.textContent = `Change “${a.title}”`;
    d.due = dueField('edit-due', a.due);
    d.body.replaceChildren(d.due.wrap, (a.marks || []).length ? marksFieldset('edit-mark', a.marks) : null);
    d.open(from);
    d.due.input.focus();
  }

  buildUnassignDialog() {
    const d = modal('unassign-dialog', 'Remove');
    const confirm = h('button', { type: 'button', id: 'unassign-confirm', class: 'btn btn--danger' }, 'Remove the assignment');
    const cancel = h('button', { type: 'button', id: 'unassign-cancel', class: 'btn btn--secondary' }, 'Cancel');
    d.actions.append(cancel, confirm);
    cancel.addEventListener('click', () => d.close());
    confirm.addEventListener('click', async () => {
      const a = d.assignment;
      busy(confirm, 'Removing…');
      d.alert.clear();
      try {
        await api(`${this.path}/assignments/${encodeURIComponent(a.scenario)}`, { method: 'DELETE' });
        d.close();
        await this.refresh();
        this.say(h('strong', null, a.title), ' is no longer assigned. The attempts stay.');
        document.getElementById('assignments-heading').focus();
      } catch (err) {
        if (err.code !== 'login_required') d.alert.set(sentence(err.message));
      } finally {
        busy(confirm);
      }
    });
    return d;
  }

  openUnassign(a, from) {
    const d = this.unassignDialog;
    d.assignment = a;
    d.heading.textContent = `Remove “${a.title}” from the cohort?`;
    d.body.replaceChildren(h('p', null, 'Trainees no longer see it as an assignment, and it leaves the review. Their attempts, and their debriefs, are kept.'));
    d.open(from);
    d.actions.querySelector('#unassign-cancel').focus();
  }

  // ---- Trainees ----

  drawMembers() {
    const members = this.detail.members || [];
    this.membersCount.textContent = plural(members.length, 'trainee', 'trainees');
    if (!members.length) {
      this.memberBox.replaceChildren(h('p', { class: 'muted', id: 'members-none' }, 'No trainees yet. Invite the first one below.'));
      return;
    }
    this.memberBox.replaceChildren(h('div', { class: 'table-wrap' },
      h('table', { class: 'data-table members-table', id: 'members-table' },
        h('caption', { class: 'vh' }, 'Trainees: name, status, when they joined, and actions'),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Trainee'), h('th', { scope: 'col' }, 'Status'),
          h('th', { scope: 'col' }, 'Joined'), h('th', { scope: 'col' }, h('span', { class: 'vh' }, 'Actions')))),
        h('tbody', null, members.map((m) => {
          const remove = h('button', { type: 'button', class: 'btn btn--quiet btn--sm btn--danger-text', dataset: { action: 'remove' } }, 'Remove', vh(` ${m.name} from the cohort`));
          remove.addEventListener('click', () => this.openRemoveMember(m, remove));
          // Only for someone still waiting for their invitation, whom the caller may vouch for: the server says (new_link).
          const link = m.new_link ? h('button', { type: 'button', class: 'btn btn--secondary btn--sm', dataset: { action: 'link' } },
            icon('link'), 'New invite link', vh(` for ${m.name}`)) : null;
          if (link) link.addEventListener('click', () => this.openMemberLink(m, link));
          const st = m.disabled ? { tone: 'bad', icon: 'cross', label: 'Disabled' }
            : m.has_password ? { tone: 'good', icon: 'check', label: 'Active' } : { tone: 'warn', icon: 'clock', label: 'Invited, no password yet' };
          return h('tr', { dataset: { testid: 'member', userId: m.id, username: m.username } },
            h('th', { scope: 'row' }, h('span', { class: 'person' }, avatar(m.name, 'sm'),
              h('span', { class: 'person__text' },
                h('a', { class: 'person__name', href: `#/trainees/${encodeURIComponent(m.id)}?cohort=${encodeURIComponent(this.id)}` }, m.name),
                h('span', { class: 'person__username username' }, m.username)))),
            h('td', { dataset: { label: 'Status' } }, h('span', { class: ['status', `status--${st.tone}`] }, icon(st.icon), st.label)),
            h('td', { dataset: { label: 'Joined' } }, m.joined_at ? h('time', { datetime: m.joined_at }, relativeTime(m.joined_at)) : '–'),
            h('td', { class: 'actions-cell' }, h('div', { class: 'row-actions' }, link, remove)));
        })))));
  }

  buildInviteForm() {
    const username = field({
      id: 'invite-username', label: 'Username or email',
      help: 'Someone new gets an account and a link to choose a password; someone with an account just joins.',
      attrs: { autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', required: true, maxlength: 64 },
    });
    const name = field({
      id: 'invite-name', label: 'Name', optional: true, help: 'For someone new: shown in the review. They can change it.',
      attrs: { autocomplete: 'off', maxlength: 60 },
    });
    const alert = formAlert('invite-error');
    const submit = h('button', { type: 'submit', id: 'invite-submit', class: 'btn btn--primary' }, icon('plus'), 'Invite');
    const result = h('div', { id: 'invite-result', class: 'add-result', hidden: true });
    const form = h('form', { id: 'invite-form', class: 'form', novalidate: true },
      alert.el,
      h('div', { class: 'add-form__fields' }, username.wrap, name.wrap),
      h('div', { class: 'form-actions' }, submit));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      alert.clear();
      username.clear();
      name.clear();
      const u = username.input.value.trim();
      if (!u) {
        username.set('Type the username or email address they sign in with.');
        username.input.focus();
        return;
      }
      busy(submit, 'Inviting…');
      try {
        const res = await api(`${this.path}/members`, { method: 'POST', body: { username: u, name: name.input.value.trim() } });
        form.reset();
        await this.refresh();
        const m = res.member;
        const title = h('h3', { id: 'invite-result-title', tabindex: '-1' }, icon('check'),
          res.new ? `${m.name} is invited` : res.already ? `${m.name} is already in the cohort` : `${m.name} joined the cohort`);
        result.hidden = false;
        result.dataset.new = String(!!res.new);
        if (res.link) {
          result.replaceChildren(title,
            h('p', null, 'Send them this link to choose their password. Parley doesn’t send it for you: use chat or email, and send it to them alone.'),
            h('div', { class: 'link-result', dataset: { purpose: res.link.purpose } },
              copyField({ id: 'invite-link', label: `Invitation link for ${m.name}`, value: res.link.url }),
              h('p', { class: 'link-result__expires muted' }, icon('clock'), `Works once, until ${when(res.link.expires)}.`)));
        } else {
          result.replaceChildren(title, h('p', null, 'They already have an account, so there’s no link to send: they’ll see the cohort’s assignments next time they sign in.'));
        }
        title.focus();
      } catch (err) {
        if (err.code === 'login_required') return;
        if (err.code === 'bad_request' && /name/i.test(err.message) && !/user/i.test(err.message)) {
          name.set(sentence(err.message, u));
          name.input.focus();
        } else if (err.code === 'bad_request' || err.code === 'username_taken') {
          username.set(sentence(err.message, u));
          username.input.focus();
        } else {
          alert.set(sentence(err.message, u));
          submit.focus();
        }
      } finally {
        busy(submit);
      }
    });
    return h('div', { class: 'panel add-panel invite-panel' },
      h('h3', { id: 'invite-heading' }, 'Invite a trainee'),
      form, result);
  }

  // A new invitation link for a member who has not chosen a password yet:
  // the dialog says what it does, makes it, and shows it to copy.
  buildMemberLinkDialog() {
    const d = modal('member-link-dialog', 'New invitation link');
    const make = h('button', { type: 'button', id: 'member-link-make', class: 'btn btn--primary' }, icon('link'), 'Make the link');
    const cancel = h('button', { type: 'button', id: 'member-link-cancel', class: 'btn btn--secondary' }, 'Cancel');
    const done = h('button', { type: 'button', id: 'member-link-done', class: 'btn btn--primary', hidden: true }, 'Done');
    d.actions.append(cancel, make, done);
    cancel.addEventListener('click', () => d.close());
    done.addEventListener('click', () => d.close());
    make.addEventListener('click', async () => {
      const m = d.member;
      busy(make, 'Making…');
      d.alert.clear();
      try {
        const link = await api(`${this.path}/members/${encodeURIComponent(m.id)}/link`, { method: 'POST' });
        d.body.replaceChildren(
          h('p', null, 'Send it to ', h('strong', null, m.name), ' yourself, by chat or email, and to them alone: whoever has the link can choose the password. The link they had before no longer works.'),
          h('div', { class: 'link-result', dataset: { purpose: link.purpose } },
            copyField({ id: 'member-link', label: `Invitation link for ${m.name}`, value: link.url }),
            h('p', { class: 'link-result__expires muted' }, icon('clock'), `Works once, until ${when(link.expires)}.`)));
        make.hidden = true;
        cancel.hidden = true;
        done.hidden = false;
        d.body.querySelector('input').focus();
      } catch (err) {
        if (err.code !== 'login_required') d.alert.set(sentence(err.message, m.username));
      } finally {
        busy(make);
      }
    });
    d.reset = () => { make.hidden = false; cancel.hidden = false; done.hidden = true; };
    return d;
  }

  openMemberLink(m, from) {
    const d = this.memberLinkDialog;
    d.member = m;
    d.reset();
    d.heading.textContent = `New invitation link for ${m.name}`;
    d.body.replaceChildren(
      h('p', null, h('strong', null, m.username), ' hasn’t chosen a password yet. A new link lets them, if they lost the first one or it expired.'),
      h('p', null, 'It works once, for 72 hours, and the link they had stops working at once.'));
    d.open(from);
    d.actions.querySelector('#member-link-make').focus();
  }

  buildRemoveMemberDialog() {
    const d = modal('remove-member-dialog', 'Remove');
    const confirm = h('button', { type: 'button', id: 'remove-member-confirm', class: 'btn btn--danger' }, 'Remove from the cohort');
    const cancel = h('button', { type: 'button', id: 'remove-member-cancel', class: 'btn btn--secondary' }, 'Cancel');
    d.actions.append(cancel, confirm);
    cancel.addEventListener('click', () => d.close());
    confirm.addEventListener('click', async () => {
      const m = d.member;
      busy(confirm, 'Removing…');
      d.alert.clear();
      try {
        await api(`${this.path}/members/${encodeURIComponent(m.id)}`, { method: 'DELETE' });
        d.close();
        await this.refresh();
        this.say(h('strong', null, m.name), ' is no longer in the cohort. Their account and attempts stay.');
        document.getElementById('members-heading').focus();
      } catch (err) {
        if (err.code !== 'login_required') d.alert.set(sentence(err.message));
      } finally {
        busy(confirm);
      }
    });
    return d;
  }

  openRemoveMember(m, from) {
    const d = this.removeMemberDialog;
    d.member = m;
    d.heading.textContent = `Remove ${m.name} from the cohort?`;
    d.body.replaceChildren(h('p', null, 'They leave the review and no longer see its assignments. Their account, their attempts and their debriefs are kept.'));
    d.open(from);
    d.actions.querySelector('#remove-member-cancel').focus();
  }
}

// dueField is a date field for a due date (optional).
function dueField(id, iso) {
  const f = field({
    id, label: 'Due date', optional: true,
    help: 'Due by the end of that day, in UTC (Coordinated Universal Time). Leave it empty for no due date.',
    attrs: { type: 'date', value: iso ? iso.slice(0, 10) : undefined },
  });
  return f;
}

// dueValue turns a date field's value (YYYY-MM-DD) into the end of that day
// in UTC, as RFC 3339, or null for none.
function dueValue(v) {
  return /^\d{4}-\d{2}-\d{2}$/.test(v || '') ? `${v}T23:59:59Z` : null;
}

// marksFieldset shows a pass mark field per competency, filled with the
// mark in effect; the scenario's own is said beside it.
function marksFieldset(prefix, marks) {
  return h('fieldset', { class: 'marks' },
    h('legend', { class: 'field-label' }, 'Pass marks'),
    h('p', { class: 'field-help' }, 'Out of 100. A trainee passes a competency at or above its mark.'),
    h('ul', { class: 'marks__list', role: 'list' }, marks.map((m) => {
      const id = `${prefix}-${m.competency}`;
      return h('li', { class: 'marks__item' },
        h('label', { for: id, class: 'marks__label' }, m.label || m.competency),
        h('input', {
          id, type: 'number', min: 0, max: 100, step: 1, value: m.pass, class: 'marks__input', inputmode: 'numeric',
          dataset: { competency: m.competency, default: m.default }, 'aria-describedby': `${id}-default ${id}-error`,
        }),
        h('span', { class: 'marks__default muted', id: `${id}-default` }, `scenario’s: ${m.default}`),
        h('p', { class: 'field-error', id: `${id}-error`, role: 'alert' }));
    })));
}

// readMarks reads the pass mark fields in box: {values} with the marks that
// differ from the scenario's, or {error} naming the first wrong field.
function readMarks(box) {
  const values = {};
  for (const input of box.querySelectorAll('input[data-competency]')) {
    const error = document.getElementById(`${input.id}-error`);
    error.textContent = '';
    input.removeAttribute('aria-invalid');
    const raw = input.value.trim();
    const n = Number(raw);
    if (raw === '' || !Number.isInteger(n) || n < 0 || n > 100) {
      error.textContent = 'A whole number from 0 to 100.';
      input.setAttribute('aria-invalid', 'true');
      return { error: { input } };
    }
    if (n !== Number(input.dataset.default)) values[input.dataset.competency] = n;
  }
  return { values };
}

function slug(name) {
  return String(name || 'cohort').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'cohort';
}
