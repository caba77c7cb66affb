// The conversation's transcript: turning the server's snapshot and turn
// frames into transcript items (the client's lines, your replies,
// interjections, mood notes, the ending), drawing each item as a bubble, and
// keeping the newest one in view. Pure builders: call.js (and watch.js, for
// someone watching) decides when an item is added (pacing.js times the
// client's lines); nothing here sends or fetches.

import { h, vh, avatar, icon } from './dom.js';
import { app, reducedMotion } from './state.js';
import { bandNotes } from './mood.js';

export function newTranscript() {
  return h('div', { id: 'transcript', class: 'transcript', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-label': 'Conversation transcript', tabindex: '-1' });
}

// bubble draws one transcript item; who is the client's name. trainee,
// when given, is whose replies these are (someone watching the call):
// otherwise they are the reader's own.
export function bubble(item, who, { trainee } = {}) {
  const me = app.me ? app.me.name : 'You';
  switch (item.kind) {
    case 'me':
      return h('div', { class: ['msg', 'msg--me', item.sending && 'is-sending'], dataset: { testid: 'line', who: 'me', replyId: item.replyId } },
        trainee ? h('span', { class: 'msg__who', 'aria-hidden': 'true' }, trainee) : null,
        h('div', { class: 'msg__bubble' }, vh(trainee ? `${trainee}: ` : `${me} (you): `), item.text),
        h('span', { class: 'msg__status', 'aria-hidden': 'true' }, item.sending ? 'Sending…' : ''));
    case 'interjection':
      return h('div', { class: 'msg msg--them msg--interjection', dataset: { testid: 'line', who: 'interjection' } },
        avatar(who, 'sm'),
        h('div', { class: 'msg__bubble' },
          h('span', { class: 'msg__tag', 'aria-hidden': 'true' }, icon('flag'), 'Interrupts'), vh(`${who} interrupts: `),
          h('span', { class: 'msg__text' }, item.text)));
    case 'note':
      return h('div', { class: ['msg-note', `msg-note--${item.dir}`], dataset: { testid: 'line', who: 'note' } },
        h('span', null, vh(`Mood ${item.dir === 'better' ? 'improved' : item.dir === 'worse' ? 'worsened' : 'changed'}: `), item.text));
    case 'ending':
      return h('div', { class: 'msg-note msg-note--end', dataset: { testid: 'line', who: 'note' } },
        h('span', null, icon('flag'), 'The call has ended'));
    default:
      return h('div', { class: ['msg', 'msg--them', item.first && 'msg--first'], dataset: { testid: 'line', who: 'client' } },
        item.first ? avatar(who, 'sm') : h('span', { class: 'avatar-spacer', 'aria-hidden': 'true' }),
        h('div', { class: 'msg__bubble' }, vh(`${who}: `), item.text));
  }
}

// itemsForTurn lists what a turn adds to the transcript after the reply;
// mood is the call's readings, for the wording of band notes.
export function itemsForTurn(t, { includeReply }, mood) {
  const items = [];
  if (includeReply && t.reply) items.push({ kind: 'me', text: t.reply.text, replyId: t.reply.id });
  for (const text of t.interjections || []) items.push({ kind: 'interjection', text });
  (t.lines || []).forEach((text, i) => items.push({ kind: 'client', text, first: i === 0 }));
  for (const note of bandNotes(t, mood)) items.push(note);
  if (t.ending) items.push({ kind: 'ending' });
  return items;
}

// snapshotItems lists the whole conversation of a snapshot: the opening, then every turn.
export function snapshotItems(snap, mood) {
  const items = [];
  const opening = (snap.opening && snap.opening.length) ? snap.opening
    : ((snap.transcript || []).length ? [] : (snap.lines || []));
  opening.forEach((text, i) => items.push({ kind: 'client', text, first: i === 0 }));
  for (const t of snap.transcript || []) items.push(...itemsForTurn(t, { includeReply: true }, mood));
  return items;
}

// scrollToEnd brings a new line (or the typing indicator) into view when it is off screen.
export function scrollToEnd(el) {
  const rect = el.getBoundingClientRect();
  if (rect.bottom > window.innerHeight - 24 || rect.top < 0) {
    el.scrollIntoView({ block: 'end', behavior: reducedMotion.matches ? 'auto' : 'smooth' });
  }
}
