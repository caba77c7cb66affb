// The conversation view (#/a/{id}): a Call is the page of one live call,
// its header, transcript, reply panel, mood meters, briefing panel and the
// "End attempt" dialog, and who is watching (a polite status), with the
// keys (1–9, Escape) and where the focus goes. It holds the call's state; what the server's frames do to that state
// is in session.js, the websocket in socket.js, the timing of the client's
// lines in pacing.js and the transcript's bubbles in transcript.js. Only the
// Call draws into its own elements.

import { h, clear, vh, avatar, icon } from './dom.js';
import { app, reducedMotion } from './state.js';
import { go, mount } from './router.js';
import { outcomeBadge, personaLine, firstName, practiceBanner } from './shared.js';
import { moodMeter } from './mood.js';
import { briefPanel } from './briefing.js';
import { newTranscript, bubble, snapshotItems, scrollToEnd } from './transcript.js';
import { Pacer } from './pacing.js';
import { CallSocket } from './socket.js';
import * as session from './session.js';

export function renderConversation(token, { attemptId, scenarioId }) {
  if (attemptId === 'new' && !scenarioId) {
    // A reload of the transient "#/a/new" address: nothing to resume.
    go('#/');
    return;
  }
  const call = new Call({ attemptId: attemptId === 'new' ? null : attemptId, scenarioId });
  app.view = call;
  mount(token, 'conversation', 'Conversation', call.el, { focus: false });
  call.start();
}

// Number keys as reply shortcuts: on unless the trainee turned them off.
const NUMBER_KEYS = 'parley.numberKeys';

function numberKeysOn() {
  try { return localStorage.getItem(NUMBER_KEYS) !== 'off'; } catch { return true; }
}

function setNumberKeys(on) {
  try { localStorage.setItem(NUMBER_KEYS, on ? 'on' : 'off'); } catch { /* private mode: not remembered */ }
}

// Call is one live call on the page: its state (the attempt, the offered
// replies, the message in flight, the mood) and its elements.
class Call {
  constructor({ attemptId, scenarioId }) {
    this.attemptId = attemptId;
    this.startScenario = attemptId ? null : scenarioId;
    this.scenario = null;
    this.lastSeq = 0;
    this.pending = null; // {type: 'choose'|'give_up', seq, reply?, text?}
    this.replies = [];
    this.mood = [];
    this.ending = null;
    this.status = 'active';
    this.turn = 0;
    this.awaitingSnapshot = false;
    this.meters = new Map();
    this.practice = undefined; // {of, from_turn} for a practice run, null otherwise, undefined until known
    this.socket = new CallSocket({
      open: () => session.onOpen(this),
      frame: (msg) => session.handle(this, msg),
      state: (up) => { this.el.dataset.connected = up ? 'true' : 'false'; },
      down: () => {
        if (this.panel.dataset.mode === 'replies' || this.panel.dataset.mode === 'sending') this.renderPanel();
      },
    });
    this.pacer = new Pacer({
      who: () => this.who,
      stopped: () => this.closed,
      append: (item) => this.appendItem(item),
      busy: () => this.renderPanel(),
      done: () => {
        this.focusReplies = true;
        this.renderPanel();
      },
    });
    this.build();
    this.onKey = this.onKey.bind(this);
    document.addEventListener('keydown', this.onKey);
  }

  get connected() { return this.socket.connected; }

  get closed() { return this.socket.closed; }

  get revealing() { return this.pacer.revealing; }

  start() {
    this.socket.connect();
  }

  // --- DOM ---------------------------------------------------------------

  build() {
    this.titleEl = h('h1', { class: 'call-head__name', id: 'call-title' }, 'Connecting…');
    this.roleEl = h('p', { class: 'call-head__role' });
    this.scenarioEl = h('p', { class: 'call-head__scenario' });
    this.avatarSlot = h('div', { class: 'call-head__avatar' }, avatar('?', 'md'));
    this.liveDot = h('span', { class: 'live-dot', 'aria-hidden': 'true' });
    this.giveUp = h('button', { id: 'give-up', type: 'button', class: 'btn btn--quiet btn--sm', onclick: () => this.confirmGiveUp() },
      icon('flag'), h('span', null, 'End', h('span', { class: 'give-up__more' }, ' attempt')));

    this.transcript = newTranscript();
    this.panel = h('section', { id: 'reply-panel', class: 'reply-panel', 'aria-labelledby': 'replies-heading' });
    this.moodBox = h('div', { id: 'mood', class: 'mood-list' });
    this.moodHeading = h('h2', { id: 'mood-heading', class: 'aside-title' }, 'How they’re feeling');

    this.dialog = this.buildDialog();
    this.wordDialog();
    this.brief = briefPanel();

    this.el = h('div', { class: 'call', id: 'call', dataset: { connected: 'false', turn: '0', lastSeq: '0' } },
      h('div', { class: 'call__main' },
        h('header', { class: 'call-head' },
          this.avatarSlot,
          h('div', { class: 'call-head__text' },
            h('p', { class: 'call-head__eyebrow' }, this.liveDot, this.statusEl = h('span', { class: 'call-head__status' }, 'On a call with')),
            this.titleEl, this.roleEl, this.scenarioEl),
          h('div', { class: 'call-head__actions' }, this.giveUp)),
        this.practiceSlot = h('div', { class: 'practice-slot' }),
        // Who is watching: a polite live region, empty while no one is.
        this.watchersEl = h('p', { id: 'watchers', class: 'watchers', role: 'status' }),
        h('section', { class: 'chat', 'aria-labelledby': 'chat-heading' },
          h('h2', { id: 'chat-heading', class: 'vh' }, 'Conversation'),
          this.callStarted = h('p', { class: 'chat__start' }, h('span', null, icon('chat'), 'Start of the call')),
          this.transcriptSlot = h('div', { class: 'chat__log' }, this.transcript),
          this.pacer.el),
        this.panel),
      h('div', { class: 'call__side' },
        h('aside', { class: 'call__aside', 'aria-labelledby': 'mood-heading' },
          h('div', { class: 'panel mood-panel' }, this.moodHeading, this.moodBox)),
        this.brief.el),
      this.dialog);
    this.renderPanel();
  }

  setPractice(pr) {
    this.practice = pr;
    this.el.dataset.practice = pr ? 'true' : 'false';
    clear(this.practiceSlot);
    if (pr) this.practiceSlot.append(practiceBanner(pr, 'call'));
    this.wordDialog();
  }

  // setWatchers says who is watching the call live ("Mia Manager is
  // watching this call"), or nothing once no one is.
  setWatchers(names) {
    // One name each, though someone may watch from two tabs.
    const list = [...new Set((names || []).filter(Boolean))];
    this.el.dataset.watched = list.length ? 'true' : 'false';
    if (!list.length) {
      this.watchersEl.replaceChildren();
      return;
    }
    const who = list.length === 1 ? list[0] : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
    this.watchersEl.replaceChildren(icon('eye'), h('span', null, `${who} ${list.length === 1 ? 'is' : 'are'} watching this call`));
  }

  buildDialog() {
    const cancel = h('button', { id: 'give-up-cancel', type: 'button', class: 'btn btn--secondary', autofocus: true }, 'Keep talking');
    const confirm = h('button', { id: 'give-up-confirm', type: 'button', class: 'btn btn--danger' }, 'End attempt');
    const dlg = h('dialog', { id: 'give-up-dialog', class: 'dialog', 'aria-labelledby': 'give-up-title', 'aria-describedby': 'give-up-desc' },
      h('h2', { id: 'give-up-title' }),
      h('p', { id: 'give-up-desc' }),
      h('div', { class: 'dialog__actions' }, cancel, confirm));
    cancel.addEventListener('click', () => dlg.close());
    confirm.addEventListener('click', () => { dlg.close(); session.giveUpNow(this); });
    dlg.addEventListener('close', () => { if (!this.pending || this.pending.type !== 'give_up') this.giveUp.focus(); });
    return dlg;
  }

  // wordDialog words the End dialog for a scored attempt or a practice run.
  wordDialog() {
    const practice = !!this.practice;
    this.dialog.querySelector('#give-up-title').textContent = practice ? 'End this practice run?' : 'End this attempt?';
    this.dialog.querySelector('#give-up-desc').textContent = practice
      ? 'The practice run stops here and you’ll go straight to its debrief. Practice runs are never scored, and its debrief lets you practise from the same turn again.'
      : 'The call stops here and you’ll go straight to your debrief, scored on the replies you’ve given so far. You can’t pick this attempt up again, but you can always start a fresh one.';
    this.dialog.querySelector('#give-up-confirm').textContent = practice ? 'End practice run' : 'End attempt';
  }

  setHeader() {
    const sc = this.scenario;
    if (!sc) return;
    const p = sc.persona || {};
    this.titleEl.textContent = p.name || 'Client';
    this.roleEl.textContent = personaLine(p);
    this.scenarioEl.textContent = sc.title;
    clear(this.avatarSlot).append(avatar(p.name, 'md'));
    this.moodHeading.textContent = `How ${firstName(p.name)} is feeling`;
    this.brief.fill(this.scenario);
    document.title = `Call with ${p.name} · Parley`;
    // After "Begin the call" the button is gone: start screen readers at the call's heading.
    if (!document.activeElement || document.activeElement === document.body) {
      this.titleEl.setAttribute('tabindex', '-1');
      this.titleEl.focus({ preventScroll: true });
    }
  }

  get who() { return this.scenario ? (this.scenario.persona || {}).name || 'Client' : 'Client'; }

  appendItem(item) {
    const el = bubble(item, this.who);
    this.transcript.append(el);
    if (item.moodAfter) this.applyMood(item.moodAfter, item.moodChange);
    scrollToEnd(el);
    return el;
  }

  applyMood(readings, changes) {
    this.mood = readings || [];
    if (!this.mood.length) {
      clear(this.moodBox).append(h('p', { class: 'muted' }, 'This scenario has no mood meter.'));
      return;
    }
    const names = this.mood.map((r) => r.name).join('|');
    if (this.moodBox.dataset.names !== names) {
      clear(this.moodBox);
      this.meters.clear();
      for (const r of this.mood) {
        const m = moodMeter(r);
        this.meters.set(r.name, m);
        this.moodBox.append(m.el);
      }
      this.moodBox.dataset.names = names;
    }
    for (const r of this.mood) {
      const c = (changes || []).find((x) => x.name === r.name) || null;
      this.meters.get(r.name).update(r, c);
    }
  }

  renderPanel() {
    const panel = this.panel;
    // Remember what had the focus inside the panel, to put it back on the same
    // control (or the heading) once the panel is redrawn.
    const active = document.activeElement;
    const hadFocus = panel.contains(active);
    const focusKey = hadFocus ? (active.dataset.replyId ? `[data-reply-id="${CSS.escape(active.dataset.replyId)}"]` : active.id ? `#${CSS.escape(active.id)}` : null) : null;
    clear(panel);
    const heading = h('h2', { id: 'replies-heading', class: 'reply-panel__title', tabindex: '-1' });
    panel.append(heading);
    panel.dataset.mode = '';

    if (!this.scenario) {
      panel.dataset.mode = 'connecting';
      heading.textContent = 'Connecting to the call…';
      panel.append(h('p', { class: 'muted' }, 'Setting up the line. This only takes a moment.'));
      return;
    }
    if (this.revealing) {
      panel.dataset.mode = 'waiting';
      heading.textContent = 'Your reply';
      const skip = h('button', { id: 'skip', type: 'button', class: 'btn btn--secondary btn--sm', onclick: () => this.pacer.skip() },
        icon('forward'), 'Skip', vh(' the typing and show the whole reply'));
      panel.append(h('div', { class: 'waiting' },
        h('p', { class: 'waiting__text' }, `${firstName(this.who)} is speaking. Your options appear when they’ve finished.`),
        h('div', { class: 'waiting__actions' }, skip, h('span', { class: 'kbd-hint', 'aria-hidden': 'true' }, 'or press ', h('kbd', null, 'Esc')))));
      if (hadFocus) skip.focus();
      return;
    }
    if (this.status !== 'active' || this.ending) {
      panel.dataset.mode = 'ended';
      heading.textContent = 'The call has ended';
      this.giveUp.hidden = true;
      this.el.dataset.ended = 'true';
      this.statusEl.textContent = 'Call ended with';
      const e = this.ending;
      const key = e ? e.outcome : this.status;
      const link = h('a', { id: 'see-debrief', class: 'btn btn--primary btn--lg', href: `#/a/${encodeURIComponent(this.attemptId)}/debrief` },
        icon('star'), 'See your debrief');
      panel.append(h('div', { class: 'end-card', id: 'call-ended' },
        outcomeBadge(key),
        h('p', { class: 'end-card__title' }, e ? e.title : (this.status === 'given_up' ? 'You ended this attempt' : 'This attempt is closed')),
        h('p', { class: 'muted' }, 'Your debrief goes through the call reply by reply, with coaching notes and what would have worked better.'),
        h('div', { class: 'end-card__actions' }, link,
          h('a', { class: 'btn btn--quiet', href: '#/' }, 'Back to scenarios'))));
      link.focus({ preventScroll: false });
      return;
    }

    this.giveUp.hidden = false;
    panel.dataset.mode = this.pending ? 'sending' : 'replies';
    heading.textContent = 'Your reply';
    const busy = !!this.pending;
    const keys = numberKeysOn();
    const most = Math.min(9, this.replies.length);
    panel.append(h('p', { class: 'reply-panel__hint', id: 'replies-hint' },
      busy ? (this.connected ? 'Sending your reply…' : 'Your reply will be sent when the connection is back.')
        : [this.replies.length > 1 ? 'Choose one. ' : 'Choose the reply. ',
          keys ? h('span', { class: 'kbd-only' }, most > 1 ? `Or press 1–${most} while you’re in this list.` : 'Or press 1 while you’re in this list.') : null]));
    const list = h('ol', { id: 'replies', class: 'replies', 'aria-labelledby': 'replies-heading', 'aria-describedby': 'replies-hint' });
    this.replies.forEach((r, i) => {
      const chosen = busy && this.pending.reply === r.id;
      const btn = h('button', {
        type: 'button', class: ['reply', chosen && 'is-chosen'], disabled: busy,
        dataset: { replyId: r.id, index: i + 1 }, 'aria-keyshortcuts': keys && i < 9 ? String(i + 1) : null,
      },
      h('span', { class: 'reply__num', 'aria-hidden': 'true' }, String(i + 1)),
      vh(`Reply ${i + 1}: `),
      h('span', { class: 'reply__text' }, r.text),
      chosen ? h('span', { class: 'reply__sending' }, h('span', { class: 'spinner spinner--sm', 'aria-hidden': 'true' }), 'Sending') : null);
      btn.addEventListener('click', () => session.choose(this, r));
      list.append(h('li', null, btn));
    });
    panel.append(list);
    // Number-key shortcuts can be turned off (WCAG 2.1.4); the choice is remembered.
    const toggle = h('input', { type: 'checkbox', id: 'number-keys', class: 'switch__input', checked: keys });
    toggle.addEventListener('change', () => {
      setNumberKeys(toggle.checked);
      this.renderPanel();
    });
    panel.append(h('div', { class: 'reply-panel__foot kbd-only' },
      h('label', { class: 'switch', for: 'number-keys' }, toggle, h('span', { class: 'switch__track', 'aria-hidden': 'true' }),
        h('span', { class: 'switch__text' }, 'Number keys choose a reply'))));
    if (!busy && this.focusReplies) {
      // The client has finished: start at the heading, which commits nothing
      // (never on a reply, where Enter would choose it).
      this.focusReplies = false;
      heading.focus({ preventScroll: true });
      this.scrollPanelIntoView();
    } else if (hadFocus) {
      const again = focusKey && panel.querySelector(focusKey);
      (again && !again.disabled ? again : heading).focus({ preventScroll: true });
    }
  }

  scrollPanelIntoView() {
    const r = this.panel.getBoundingClientRect();
    if (r.top > window.innerHeight * 0.6 || r.bottom > window.innerHeight) {
      const top = window.scrollY + r.top - Math.max(80, window.innerHeight * 0.35);
      window.scrollTo({ top: Math.max(0, top), behavior: reducedMotion.matches ? 'auto' : 'smooth' });
    }
  }

  // redraw draws the whole conversation at once from a snapshot, in a fresh
  // log element so screen readers do not re-read the transcript.
  redraw(snap) {
    this.pacer.cancel();
    const fresh = newTranscript();
    const old = this.transcript;
    this.transcript = fresh;
    const items = snapshotItems(snap, this.mood);
    for (const it of items) {
      const el = bubble(it, this.who);
      el.classList.add('no-anim');
      fresh.append(el);
    }
    old.replaceWith(fresh);
  }

  showSending(p) {
    if (p.type === 'choose') {
      const el = this.appendItem({ kind: 'me', text: p.text, replyId: p.reply, sending: true });
      p.bubble = el;
    }
    this.renderPanel();
  }

  confirmGiveUp() {
    if (this.status !== 'active' || (this.pending && this.pending.type === 'give_up')) return;
    if (typeof this.dialog.showModal === 'function') this.dialog.showModal();
    else if (window.confirm('End this attempt? You’ll go to the debrief.')) session.giveUpNow(this);
  }

  dropPending() {
    const p = this.pending;
    this.pending = null;
    if (p && p.bubble) p.bubble.remove();
    if (p && p.type === 'give_up') this.giveUp.disabled = false;
  }

  onKey(e) {
    if (this.closed || e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    if (this.dialog.open) return;
    const t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    if (e.key === 'Escape' && this.revealing) {
      e.preventDefault();
      this.pacer.skip();
      return;
    }
    // Number keys choose only while the focus is in the reply panel, and only
    // when the trainee has not turned them off.
    if (/^[1-9]$/.test(e.key) && this.panel.dataset.mode === 'replies' && numberKeysOn() && this.panel.contains(t)) {
      const btn = this.panel.querySelector(`#replies button[data-index="${e.key}"]`);
      if (btn && !btn.disabled) {
        e.preventDefault();
        btn.focus();
        btn.click();
      }
    }
  }

  destroy() {
    this.socket.close();
    this.pacer.stop();
    document.removeEventListener('keydown', this.onKey);
    if (this.dialog.open) this.dialog.close();
  }
}
