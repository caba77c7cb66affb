// Reviewers' comments on an attempt (GET/POST /api/attempts/{id}/comments)
// and sharing a debrief (POST /api/attempts/{id}/shares): the list of
// comments on a turn (turn 0: the whole call), the trainee's "Notes from
// your reviewer", the reviewer's thread with its form (commentThread), and
// the trainee's "Share this debrief" panel. A comment is someone's text:
// it goes in with textContent, never as markup. Builders with their own
// small behaviours; the debrief views place them.

import { h, vh, icon, avatar, relativeTime, plural } from './dom.js';
import { api } from './api.js';
import { field, formAlert, busy, sentence, copyField, chars } from './forms.js';

// MAX_COMMENT is the server's limit (docs/protocol.md).
export const MAX_COMMENT = 2000;

function commentItem(c) {
  return h('li', { class: 'comment', dataset: { testid: 'comment', commentId: c.id, turn: c.turn } },
    avatar(c.author, 'sm'),
    h('div', { class: 'comment__main' },
      h('p', { class: 'comment__head' },
        h('strong', { class: 'comment__author' }, c.author),
        h('span', { class: 'comment__when muted' }, ' · ', h('time', { datetime: c.created_at }, relativeTime(c.created_at)))),
      h('p', { class: 'comment__body' }, c.body)));
}

// commentList shows the comments on one turn, for someone reading them.
export function commentList(comments, { turn, reader = 'reviewer' } = {}) {
  const heading = reader === 'trainee'
    ? (comments.length === 1 ? `A note from ${comments[0].author}` : 'Notes from your reviewers')
    : plural(comments.length, 'comment', 'comments');
  return h('section', { class: 'comments', dataset: { testid: 'comments', turn }, 'aria-label': `${heading} on turn ${turn}` },
    h('p', { class: 'comments__title' }, icon('note'), heading),
    h('ul', { class: 'comment-list', role: 'list' }, comments.map(commentItem)));
}

// reviewerNotes is the trainee's block of comments on the whole call.
export function reviewerNotes(comments) {
  return h('section', { class: 'section panel notes', id: 'reviewer-notes', 'aria-labelledby': 'reviewer-notes-heading', dataset: { testid: 'comments', turn: 0 } },
    h('h2', { id: 'reviewer-notes-heading' }, icon('note'), 'Notes from your reviewer'),
    h('ul', { class: 'comment-list', role: 'list' }, comments.map(commentItem)));
}

// commentThread is a reviewer's comments on one turn (turn 0: the whole
// call) with a form to add one. For a turn, the form is behind a button
// ("Comment on turn N"); for the whole call it is open. onAdded(comment) is
// told of each comment posted.
export function commentThread(attemptId, turn, comments, { open = turn === 0 } = {}) {
  const list = h('ul', { class: 'comment-list', role: 'list' }, comments.map(commentItem));
  const id = `comment-${turn}`;
  const area = h('textarea', {
    id, name: id, class: 'comment-form__input', rows: 3, maxlength: MAX_COMMENT, required: true,
    'aria-describedby': `${id}-count`,
  });
  const count = h('p', { class: 'comment-form__count muted', id: `${id}-count`, 'aria-live': 'off' }, `Up to ${MAX_COMMENT} characters.`);
  const error = h('p', { class: 'field-error', id: `${id}-error`, role: 'alert' });
  const said = h('p', { class: 'form-status', id: `${id}-status`, role: 'status' });
  const submit = h('button', { type: 'submit', class: 'btn btn--primary btn--sm', id: `${id}-submit` }, 'Add comment');
  const label = turn === 0 ? 'Your comment on the whole call' : `Your comment on turn ${turn}`;
  const form = h('form', { class: 'comment-form', novalidate: true, dataset: { testid: 'comment-form', turn }, hidden: !open },
    h('label', { for: id, class: 'field-label' }, label),
    area, count, error,
    h('div', { class: 'comment-form__actions' }, submit, said));
  area.addEventListener('input', () => {
    const n = chars(area.value);
    count.textContent = n ? `${n} of ${MAX_COMMENT} characters` : `Up to ${MAX_COMMENT} characters.`;
  });
  const setError = (msg) => {
    error.textContent = msg;
    area.setAttribute('aria-invalid', 'true');
    area.setAttribute('aria-describedby', `${id}-count ${id}-error`);
    area.focus();
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    said.textContent = '';
    area.removeAttribute('aria-invalid');
    area.setAttribute('aria-describedby', `${id}-count`);
    const body = area.value.trim();
    if (!body) return setError('Write the comment first.');
    if (chars(body) > MAX_COMMENT) return setError(`That’s ${chars(body)} characters: keep it to ${MAX_COMMENT}.`);
    busy(submit, 'Adding…'); // the focus leaves the disabled button: it goes to the new comment below
    try {
      const c = await api(`/api/attempts/${encodeURIComponent(attemptId)}/comments`, { method: 'POST', body: { turn, body } });
      const item = commentItem(c);
      item.tabIndex = -1;
      list.append(item);
      wrap.classList.add('comments--some');
      area.value = '';
      count.textContent = `Up to ${MAX_COMMENT} characters.`;
      said.replaceChildren(icon('check'), 'Comment added. The trainee sees it on their debrief.');
      // Unless the reviewer has moved on meanwhile, the focus goes to the
      // comment just added (read out with its author), and the status says
      // it was added.
      const at = document.activeElement;
      if (!at || at === document.body || form.contains(at)) item.focus();
    } catch (err) {
      if (err.code !== 'login_required') setError(sentence(err.message));
    } finally {
      busy(submit);
    }
    return undefined;
  });
  let toggle = null;
  if (turn !== 0) {
    toggle = h('button', { type: 'button', class: 'btn btn--quiet btn--sm comments__toggle', 'aria-expanded': String(open), 'aria-controls': `${id}-form`, dataset: { action: 'comment', turn } },
      icon('note'), `Comment on turn ${turn}`);
    form.id = `${id}-form`;
    toggle.addEventListener('click', () => {
      const on = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', String(on));
      form.hidden = !on;
      if (on) area.focus();
    });
  }
  // The whole call's thread sits in its own titled section; a turn's is a
  // section of its own, named for the turn.
  const wrap = h(turn === 0 ? 'div' : 'section', {
    class: ['comments', 'comments--review', comments.length && 'comments--some'], dataset: { testid: 'comments', turn },
    'aria-label': turn === 0 ? null : `Comments on turn ${turn}`,
  }, list, toggle, form);
  return wrap;
}

// sharePanel is the trainee's "Share this debrief": with a manager or a
// trainer, by username; then the link to send them.
export function sharePanel(attemptId) {
  const username = field({
    id: 'share-username', label: 'Their username or email',
    help: 'A manager or a trainer. They can then read this debrief and comment on it; nobody else can.',
    attrs: { autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', required: true, maxlength: 64 },
  });
  const alert = formAlert('share-error');
  const submit = h('button', { type: 'submit', id: 'share-submit', class: 'btn btn--secondary' }, icon('share'), 'Share');
  const result = h('div', { id: 'share-result', class: 'add-result', hidden: true });
  const form = h('form', { id: 'share-form', class: 'form share-form', novalidate: true },
    alert.el, username.wrap, h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    alert.clear();
    username.clear();
    const u = username.input.value.trim();
    if (!u) {
      username.set('Type the username of the manager or trainer to share it with.');
      username.input.focus();
      return;
    }
    busy(submit, 'Sharing…');
    try {
      const res = await api(`/api/attempts/${encodeURIComponent(attemptId)}/shares`, { method: 'POST', body: { username: u } });
      form.reset();
      const who = (res && res.shared_with) || u;
      const url = `${location.origin}${location.pathname}#/review/${encodeURIComponent(attemptId)}`;
      const title = h('h3', { id: 'share-result-title', tabindex: '-1' }, icon('check'), `Shared with ${who}`);
      result.hidden = false;
      result.replaceChildren(title,
        h('p', null, 'They can open it once signed in. Send them the link so they find it:'),
        copyField({ id: 'share-link', label: 'Link to this debrief', value: url }));
      title.focus();
    } catch (err) {
      if (err.code === 'login_required') return;
      if (err.status === 400 || err.status === 404) {
        username.set(sentence(err.message, u));
        username.input.focus();
      } else {
        alert.set(sentence(err.message, u));
      }
    } finally {
      busy(submit);
    }
  });
  return h('section', { class: 'section', id: 'share', 'aria-labelledby': 'share-heading' },
    h('div', { class: 'panel add-panel share-panel' },
      h('h2', { id: 'share-heading' }, icon('share'), 'Share this debrief'),
      h('p', { class: 'muted' }, 'Want someone’s view on this call? Share it with your manager or a trainer.', vh(' Only the person you name can read it.')),
      form, result));
}
