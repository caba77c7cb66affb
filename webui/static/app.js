// Parley's browser app: a single page with hash routes, talking to the server
// as docs/protocol.md describes (JSON over HTTP, one websocket at /ws). The
// server is the authority: this file renders what it is sent and never
// computes a score.
//
// Routes
//   (no identity)        name prompt          <main data-state="name">
//   #/                   catalog              <main data-state="catalog">
//   #/name               change your name     <main data-state="name">
//   #/s/{scenarioId}     briefing             <main data-state="briefing">
//   #/a/{attemptId}      conversation         <main data-state="conversation">
//   #/a/{id}/debrief     debrief              <main data-state="debrief">
//   #/a/{id}/debrief?turn=N   the debrief, with the focus on turn N
//   anything else        not found / errors   <main data-state="error">
//   <main> carries data-state="loading" while a view fetches its data.
//
// Test hooks (stable ids and data-* attributes for browser tests)
//   Everywhere    <main id="main" data-state="…"> (see Routes); skip link #skip-link.
//   Header        #user-name, #change-name, #nav-scenarios
//   Notices       #conn-status (role=status: "Reconnecting…" while the socket is down),
//                 #notice (role=status: errors and information, with a dismiss button)
//   Name prompt   #name-form, #name-input, #name-save, #name-error
//   Catalog       [data-testid=scenario-card][data-scenario-id] with its start link a.start#start-{id};
//                 #attempts section; [data-testid=attempt][data-attempt-id][data-status] holding
//                 a[data-action=resume] or a[data-action=debrief]; #show-all-attempts when over 8;
//                 a practice run's row has data-practice="true" and a .tag-practice label
//   Briefing      #briefing, #begin, #back-to-catalog, #mood (starting mood meters),
//                 [data-testid=competency][data-competency][data-pass]
//   Conversation  #call[data-connected="true"|"false"][data-turn][data-last-seq]
//                 #transcript (role=log, aria-live=polite) of [data-testid=line][data-who=client|me|interjection|note]
//                   (a "me" line also has data-reply-id; class is-sending until the server confirms it)
//                 #typing (role=status; has data-active while the client is "typing")
//                 #reply-panel[data-mode=connecting|waiting|replies|sending|ended]
//                 #replies-heading (h2, tabindex=-1): where the focus goes once the client has
//                   spoken (never onto a reply, WCAG 2.1.4)
//                 #skip (only while typing: shows the rest at once; Escape does the same)
//                 #replies (ol, named by the heading) > li > button[data-reply-id][data-index]
//                   (1-based; keys 1–9 choose while the focus is in #reply-panel and the
//                   number keys are on)
//                 #number-keys (checkbox: number keys on/off, kept in localStorage)
//                 #call[data-practice="true"] and #practice-banner (with a#practice-source) for a practice run
//                 #call-brief: button#brief-toggle[aria-expanded][aria-controls=call-brief-body],
//                   #call-brief-body with the briefing and [data-testid=brief-competency][data-competency]
//                 #mood > [data-testid=mood-meter][data-mood][data-value][data-band], each with a
//                   [role=meter] (aria-valuenow/min/max/valuetext) and .meter__change ("annoyed → calming down")
//                 #give-up, then dialog#give-up-dialog with #give-up-confirm and #give-up-cancel
//                 #call-ended (once the call is over) with #see-debrief
//   Debrief       #debrief[data-outcome][data-status][data-complete][data-success][data-practice],
//                 #ending-title (the headline), #debrief-summary, #practice-banner (practice runs),
//                 #decided with [data-testid=decisive][data-name][data-value] ("What decided the ending"),
//                   whose dd.decided__none[data-empty] says "None yet" / "None" for an empty value,
//                 [data-testid=score][data-competency][data-score][data-pass][data-passed][data-blocked],
//                 #mood-misleads (when the mood meter and the ending disagree),
//                 #mood-chart (figure with an SVG and a visually-hidden table),
//                 [data-testid=turn][data-turn][data-on-ideal][data-verdict] (li#turn-N) with
//                   .verdict ("✓ Followed: …"), .turn__ideal[data-kind=stronger|best_left],
//                   [data-testid=closed][data-turn] with a.turn-link, and
//                   button[data-action=practice][data-turn] ("Practise from here"; data-error-status
//                   when the server refused),
//                 #try-again (to the briefing), #back-home
//
// Pacing: a client line is preceded by the typing indicator for ~30 ms a
// character (0.7–2.5 s). "Skip" or Escape shows everything at once; with
// prefers-reduced-motion: reduce there is no delay at all.

import { h, clear, vh, avatar, icon, richText } from './dom.js';
import { app, reducedMotion } from './state.js';
import { ApiError, api, scenarioDetail } from './api.js';
import { setConnStatus, notify } from './notices.js';
import { go, route, mount, renderProblem, updateUser, registerViews } from './router.js';
import { outcomeBadge, personaLine, firstName, practiceOf, practiceBanner } from './shared.js';
import { describeChange, moodMeter } from './mood.js';
import { renderName } from './name.js';
import { renderCatalog } from './catalog.js';
import { renderBriefing } from './briefing.js';
import { renderDebrief } from './debrief.js';

// ---------------------------------------------------------------------------
// Conversation

function renderConversation(token, { attemptId, scenarioId }) {
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

const BRIEF_OPEN = 'parley.briefing';

const MIN_TYPING_MS = 700;
const MAX_TYPING_MS = 2500;
const MS_PER_CHAR = 30;
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];

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
    this.ws = null;
    this.connected = false;
    this.closed = false;
    this.retries = 0;
    this.retryTimer = null;
    this.awaitingSnapshot = false;
    this.revealing = false;
    this.revealGen = 0;
    this.skipping = false;
    this.pauseTimer = null;
    this.pauseResolve = null;
    this.inbox = Promise.resolve();
    this.meters = new Map();
    this.practice = undefined; // {of, from_turn} for a practice run, null otherwise, undefined until known
    this.fatal = false;
    this.build();
    this.onKey = this.onKey.bind(this);
    document.addEventListener('keydown', this.onKey);
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

    this.transcript = this.newTranscript();
    this.typing = h('div', { id: 'typing', role: 'status', class: 'typing' });
    this.panel = h('section', { id: 'reply-panel', class: 'reply-panel', 'aria-labelledby': 'replies-heading' });
    this.moodBox = h('div', { id: 'mood', class: 'mood-list' });
    this.moodHeading = h('h2', { id: 'mood-heading', class: 'aside-title' }, 'How they’re feeling');

    this.dialog = this.buildDialog();

    this.el = h('div', { class: 'call', id: 'call', dataset: { connected: 'false', turn: '0', lastSeq: '0' } },
      h('div', { class: 'call__main' },
        h('header', { class: 'call-head' },
          this.avatarSlot,
          h('div', { class: 'call-head__text' },
            h('p', { class: 'call-head__eyebrow' }, this.liveDot, this.statusEl = h('span', { class: 'call-head__status' }, 'On a call with')),
            this.titleEl, this.roleEl, this.scenarioEl),
          h('div', { class: 'call-head__actions' }, this.giveUp)),
        this.practiceSlot = h('div', { class: 'practice-slot' }),
        h('section', { class: 'chat', 'aria-labelledby': 'chat-heading' },
          h('h2', { id: 'chat-heading', class: 'vh' }, 'Conversation'),
          this.callStarted = h('p', { class: 'chat__start' }, h('span', null, icon('chat'), 'Start of the call')),
          this.transcriptSlot = h('div', { class: 'chat__log' }, this.transcript),
          this.typing),
        this.panel),
      h('div', { class: 'call__side' },
        h('aside', { class: 'call__aside', 'aria-labelledby': 'mood-heading' },
          h('div', { class: 'panel mood-panel' }, this.moodHeading, this.moodBox)),
        this.brief = this.buildBrief()),
      this.dialog);
    this.renderPanel();
  }

  // buildBrief is the briefing, kept at hand during the call: a disclosure
  // (open on wide screens, closed on phones, as last left), never taking the focus.
  buildBrief() {
    let open;
    try { open = localStorage.getItem(BRIEF_OPEN); } catch { open = null; }
    open = open === null ? window.matchMedia('(min-width: 961px)').matches : open === 'open';
    this.briefBody = h('div', { id: 'call-brief-body', class: 'brief-panel__body', hidden: !open });
    this.briefToggle = h('button', {
      type: 'button', id: 'brief-toggle', class: 'brief-panel__toggle', 'aria-expanded': String(open), 'aria-controls': 'call-brief-body',
    }, icon('book', 'brief-panel__icon'), h('span', { class: 'brief-panel__label' }, 'Your briefing'),
    h('span', { class: 'brief-panel__hint' }, open ? 'Hide' : 'Show'), icon('chevron', 'brief-panel__chevron'));
    this.briefToggle.addEventListener('click', () => this.setBriefOpen(this.briefToggle.getAttribute('aria-expanded') !== 'true'));
    return h('section', { class: 'panel brief-panel', id: 'call-brief', 'aria-labelledby': 'brief-toggle' },
      h('h2', { class: 'brief-panel__heading' }, this.briefToggle),
      this.briefBody);
  }

  setBriefOpen(open) {
    this.briefToggle.setAttribute('aria-expanded', String(open));
    this.briefToggle.querySelector('.brief-panel__hint').textContent = open ? 'Hide' : 'Show';
    this.briefBody.hidden = !open;
    try { localStorage.setItem(BRIEF_OPEN, open ? 'open' : 'closed'); } catch { /* not remembered */ }
  }

  fillBrief() {
    const sc = this.scenario || {};
    const comps = sc.competencies || [];
    clear(this.briefBody).append(
      h('div', { class: 'brief-panel__scroll', tabindex: '0', role: 'region', 'aria-label': 'Briefing text' },
        sc.briefing ? h('div', { class: 'prose prose--small' }, richText(sc.briefing)) : h('p', { class: 'muted' }, 'This scenario has no briefing.'),
        comps.length ? h('h3', { class: 'brief-panel__sub' }, 'Scored on') : null,
        comps.length ? h('ul', { class: 'brief-comps', role: 'list' }, comps.map((c) => h('li', { dataset: { testid: 'brief-competency', competency: c.id } },
          h('p', { class: 'brief-comps__label' }, c.label, h('span', { class: 'brief-comps__pass' }, ` · pass mark ${c.pass}`)),
          c.description ? h('p', { class: 'brief-comps__desc' }, c.description) : null))) : null));
  }

  setPractice(pr) {
    this.practice = pr;
    this.el.dataset.practice = pr ? 'true' : 'false';
    clear(this.practiceSlot);
    if (pr) this.practiceSlot.append(practiceBanner(pr, 'call'));
  }

  newTranscript() {
    return h('div', { id: 'transcript', class: 'transcript', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-label': 'Conversation transcript', tabindex: '-1' });
  }

  buildDialog() {
    const cancel = h('button', { id: 'give-up-cancel', type: 'button', class: 'btn btn--secondary', autofocus: true }, 'Keep talking');
    const confirm = h('button', { id: 'give-up-confirm', type: 'button', class: 'btn btn--danger' }, 'End attempt');
    const dlg = h('dialog', { id: 'give-up-dialog', class: 'dialog', 'aria-labelledby': 'give-up-title', 'aria-describedby': 'give-up-desc' },
      h('h2', { id: 'give-up-title' }, 'End this attempt?'),
      h('p', { id: 'give-up-desc' }, 'The call stops here and you’ll go straight to your debrief, scored on the replies you’ve given so far. You can’t pick this attempt up again, but you can always start a fresh one.'),
      h('div', { class: 'dialog__actions' }, cancel, confirm));
    cancel.addEventListener('click', () => dlg.close());
    confirm.addEventListener('click', () => { dlg.close(); this.giveUpNow(); });
    dlg.addEventListener('close', () => { if (!this.pending || this.pending.type !== 'give_up') this.giveUp.focus(); });
    return dlg;
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
    this.fillBrief();
    document.title = `Call with ${p.name} · Parley`;
    // After "Begin the call" the button is gone: start screen readers at the call's heading.
    if (!document.activeElement || document.activeElement === document.body) {
      this.titleEl.setAttribute('tabindex', '-1');
      this.titleEl.focus({ preventScroll: true });
    }
  }

  get who() { return this.scenario ? (this.scenario.persona || {}).name || 'Client' : 'Client'; }

  bubble(item) {
    const who = this.who;
    const me = app.me ? app.me.name : 'You';
    switch (item.kind) {
      case 'me':
        return h('div', { class: ['msg', 'msg--me', item.sending && 'is-sending'], dataset: { testid: 'line', who: 'me', replyId: item.replyId } },
          h('div', { class: 'msg__bubble' }, vh(`${me} (you): `), item.text),
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

  // itemsForTurn lists what a turn adds to the transcript after the reply.
  itemsForTurn(t, { includeReply }) {
    const items = [];
    if (includeReply && t.reply) items.push({ kind: 'me', text: t.reply.text, replyId: t.reply.id });
    for (const text of t.interjections || []) items.push({ kind: 'interjection', text });
    (t.lines || []).forEach((text, i) => items.push({ kind: 'client', text, first: i === 0 }));
    for (const note of this.bandNotes(t)) items.push(note);
    if (t.ending) items.push({ kind: 'ending' });
    return items;
  }

  bandNotes(t) {
    const notes = [];
    for (const c of this.changesOf(t)) {
      const r = (this.mood.find((m) => m.name === c.name)) || {};
      if (c.band_from && c.band_to && c.band_from !== c.band_to) {
        const d = describeChange(c, r.good);
        notes.push({ kind: 'note', dir: d.dir, text: `${r.label || c.name}: ${c.band_from} → ${c.band_to}` });
      }
    }
    return notes;
  }

  // changesOf returns a turn's mood changes, whichever shape the server sent.
  changesOf(t) {
    if (Array.isArray(t.mood_change)) return t.mood_change;
    if (Array.isArray(t.mood) && t.mood.length && 'from' in t.mood[0]) return t.mood;
    return [];
  }

  // readingsOf returns a turn's readings after the reply.
  readingsOf(t, prev) {
    if (Array.isArray(t.mood) && t.mood.length && 'value' in t.mood[0]) return t.mood;
    const changes = this.changesOf(t);
    if (!changes.length) return prev;
    return prev.map((r) => {
      const c = changes.find((x) => x.name === r.name);
      return c ? { ...r, value: c.to, band: c.band_to || r.band } : r;
    });
  }

  appendItem(item) {
    const el = this.bubble(item);
    this.transcript.append(el);
    if (item.moodAfter) this.applyMood(item.moodAfter, item.moodChange);
    this.scrollToEnd(el);
    return el;
  }

  scrollToEnd(el) {
    const rect = el.getBoundingClientRect();
    if (rect.bottom > window.innerHeight - 24 || rect.top < 0) {
      el.scrollIntoView({ block: 'end', behavior: reducedMotion.matches ? 'auto' : 'smooth' });
    }
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

  setTyping(on) {
    clear(this.typing);
    if (on) {
      this.typing.dataset.active = 'true';
      this.typing.append(avatar(this.who, 'sm'),
        h('span', { class: 'typing__bubble', 'aria-hidden': 'true' }, h('span', { class: 'dot' }), h('span', { class: 'dot' }), h('span', { class: 'dot' })),
        h('span', { class: 'typing__text' }, `${firstName(this.who)} is typing…`));
      this.scrollToEnd(this.typing);
    } else {
      delete this.typing.dataset.active;
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
      const skip = h('button', { id: 'skip', type: 'button', class: 'btn btn--secondary btn--sm', onclick: () => this.skip() },
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
      btn.addEventListener('click', () => this.choose(r));
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

  // --- pacing ------------------------------------------------------------

  typingDelay(text) {
    return Math.min(MAX_TYPING_MS, Math.max(MIN_TYPING_MS, String(text || '').length * MS_PER_CHAR));
  }

  pause(ms) {
    return new Promise((resolve) => {
      this.pauseResolve = resolve;
      this.pauseTimer = setTimeout(resolve, ms);
    });
  }

  skip() {
    if (!this.revealing) return;
    this.skipping = true;
    clearTimeout(this.pauseTimer);
    if (this.pauseResolve) this.pauseResolve();
  }

  // reveal appends items, with a typing pause before each client line when
  // paced. A newer reveal or a redraw cancels an older one.
  async reveal(items, { paced }) {
    const gen = ++this.revealGen;
    const pacing = paced && !reducedMotion.matches && items.some((it) => it.kind === 'client' || it.kind === 'interjection');
    this.skipping = false;
    if (pacing) {
      this.revealing = true;
      this.renderPanel();
    }
    for (const item of items) {
      if (gen !== this.revealGen || this.closed) return;
      const spoken = item.kind === 'client' || item.kind === 'interjection';
      if (pacing && spoken && !this.skipping) {
        this.setTyping(true);
        await this.pause(this.typingDelay(item.text));
        this.setTyping(false);
        if (gen !== this.revealGen || this.closed) return;
      }
      this.appendItem(item);
    }
    this.setTyping(false);
    this.revealing = false;
    this.focusReplies = true;
    this.renderPanel();
  }

  // redraw draws the whole conversation at once from a snapshot, in a fresh
  // log element so screen readers do not re-read the transcript.
  redraw(snap) {
    this.revealGen++;
    this.revealing = false;
    this.setTyping(false);
    const fresh = this.newTranscript();
    const old = this.transcript;
    this.transcript = fresh;
    const items = this.snapshotItems(snap);
    for (const it of items) {
      const el = this.bubble(it);
      el.classList.add('no-anim');
      fresh.append(el);
    }
    old.replaceWith(fresh);
  }

  snapshotItems(snap) {
    const items = [];
    const opening = (snap.opening && snap.opening.length) ? snap.opening
      : ((snap.transcript || []).length ? [] : (snap.lines || []));
    opening.forEach((text, i) => items.push({ kind: 'client', text, first: i === 0 }));
    let mood = snap.mood || [];
    for (const t of snap.transcript || []) {
      items.push(...this.itemsForTurn(t, { includeReply: true }));
      mood = this.readingsOf(t, mood);
    }
    return items;
  }

  // --- socket ------------------------------------------------------------

  start() {
    this.connect();
  }

  connect() {
    if (this.closed) return;
    const url = (location.protocol === 'https:' ? 'wss' : 'ws') + '://' + location.host + '/ws';
    let ws;
    try {
      ws = new WebSocket(url);
    } catch (err) {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.addEventListener('open', () => {
      if (this.ws !== ws) return;
      this.connected = true;
      this.retries = 0;
      this.el.dataset.connected = 'true';
      setConnStatus(null);
      this.awaitingSnapshot = true;
      if (this.attemptId) this.send({ type: 'resume', seq: Math.max(1, this.lastSeq), attempt: this.attemptId });
      else if (this.startScenario) this.send({ type: 'start', seq: 1, scenario: this.startScenario });
    });
    ws.addEventListener('message', (ev) => {
      if (this.ws !== ws) return;
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      this.inbox = this.inbox.then(() => this.handle(msg)).catch((err) => {
        console.error(err);
        notify(`Something went wrong showing the conversation: ${err.message || err}`, 'error');
      });
    });
    ws.addEventListener('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.connected = false;
      this.el.dataset.connected = 'false';
      if (!this.closed && !this.fatal) this.scheduleReconnect();
    });
  }

  scheduleReconnect() {
    if (this.closed || this.retryTimer) return;
    setConnStatus('Reconnecting…');
    if (this.panel.dataset.mode === 'replies' || this.panel.dataset.mode === 'sending') this.renderPanel();
    const base = BACKOFF_MS[Math.min(this.retries, BACKOFF_MS.length - 1)];
    this.retries++;
    const wait = Math.round(base * (0.8 + Math.random() * 0.4));
    this.retryTimer = setTimeout(() => { this.retryTimer = null; this.connect(); }, wait);
  }

  send(msg) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(msg));
      return true;
    }
    return false;
  }

  async handle(msg) {
    if (this.closed) return;
    switch (msg.type) {
      case 'snapshot': return this.onSnapshot(msg);
      case 'turn': return this.onTurn(msg);
      case 'ack': return this.onAck(msg);
      case 'ended': return this.onEnded(msg);
      case 'error': return this.onError(msg);
      case 'going_away':
        setConnStatus('Parley is restarting. Reconnecting…');
        if (this.ws) {
          const ws = this.ws;
          this.ws = null;
          this.connected = false;
          this.el.dataset.connected = 'false';
          try { ws.close(); } catch { /* already closing */ }
          this.scheduleReconnect();
        }
        return undefined;
      default:
        return undefined;
    }
  }

  async onSnapshot(snap) {
    this.awaitingSnapshot = false;
    const a = snap.attempt || {};
    const fresh = !this.attemptId && !!this.startScenario;
    this.attemptId = a.id;
    this.lastSeq = Number(a.last_seq) || 0;
    this.status = a.status || 'active';
    this.turn = Number(a.turn) || 0;
    this.el.dataset.turn = String(this.turn);
    this.el.dataset.lastSeq = String(this.lastSeq);
    if (fresh) {
      history.replaceState(null, '', `#/a/${encodeURIComponent(a.id)}`);
      app.routedHash = location.hash;
      this.startScenario = null;
    }
    if (this.practice === undefined || (a.practice && a.practice.of)) {
      const pr = practiceOf(a);
      this.setPractice(pr);
      if (!pr) {
        // The snapshot may not say; the attempt list does.
        api('/api/attempts').then((list) => {
          const it = (Array.isArray(list) ? list : []).find((x) => x.id === a.id);
          if (it && it.practice && it.practice.of && !this.closed) {
            app.practice.set(a.id, it.practice);
            this.setPractice(it.practice);
          }
        }).catch(() => {});
      }
    }
    if (!this.scenario || this.scenario.id !== a.scenario) {
      try {
        this.scenario = await scenarioDetail(a.scenario);
      } catch (err) {
        this.scenario = { id: a.scenario, title: a.scenario, persona: { name: 'Client' } };
      }
      this.setHeader();
    }
    if (this.closed) return;

    // A message sent before the drop: applied (the snapshot includes it) or to be resent with the same seq.
    let resend = null;
    if (this.pending) {
      if (this.lastSeq >= this.pending.seq) {
        if (this.pending.type === 'give_up') { this.pending = null; return this.toDebrief(); }
        this.pending = null;
      } else if (this.status === 'active') {
        resend = this.pending;
      } else {
        this.pending = null;
      }
    }

    this.replies = snap.replies || [];
    this.ending = snap.ending || null;
    const transcript = snap.transcript || [];
    const last = transcript[transcript.length - 1];
    if (this.staleChoice) {
      if (!last || !last.reply || last.reply.id !== this.staleChoice) {
        notify('This call moved on in another tab or window, so that reply wasn’t used. Here’s where it stands now.');
      }
      this.staleChoice = null;
    }
    const readings = snap.mood || [];

    if (fresh && transcript.length > 0) {
      notify(`You already had this call with ${firstName(this.who)} in progress, so we’ve picked it up where you left off.`);
    }
    if (fresh && transcript.length === 0) {
      clear(this.transcript);
      this.applyMood(readings, null);
      const items = this.snapshotItems(snap);
      this.focusReplies = true;
      this.reveal(items, { paced: true }); // not awaited: later frames are handled while the lines appear
    } else {
      this.mood = readings;
      this.redraw(snap);
      this.applyMood(readings, last ? this.changesOf(last) : null);
      this.focusReplies = !resend;
      this.renderPanel();
      if (this.panel.dataset.mode === 'replies' && !resend) {
        // Focus went to the replies' heading; keep the newest lines in view too.
        this.transcript.lastElementChild && this.transcript.lastElementChild.scrollIntoView({ block: 'nearest' });
      }
    }

    if (resend) {
      this.showSending(resend);
      this.send(resend.msg);
    }
  }

  showSending(p) {
    if (p.type === 'choose') {
      const el = this.appendItem({ kind: 'me', text: p.text, replyId: p.reply, sending: true });
      p.bubble = el;
    }
    this.renderPanel();
  }

  choose(reply) {
    if (this.pending || this.revealing || this.status !== 'active') return;
    const seq = this.lastSeq + 1;
    this.pending = { type: 'choose', seq, reply: reply.id, text: reply.text, msg: { type: 'choose', seq, attempt: this.attemptId, reply: reply.id } };
    this.showSending(this.pending);
    this.send(this.pending.msg);
  }

  confirmGiveUp() {
    if (this.status !== 'active' || (this.pending && this.pending.type === 'give_up')) return;
    if (typeof this.dialog.showModal === 'function') this.dialog.showModal();
    else if (window.confirm('End this attempt? You’ll go to the debrief.')) this.giveUpNow();
  }

  giveUpNow() {
    if (this.status !== 'active') return;
    const seq = this.lastSeq + 1;
    if (this.pending) {
      // A reply is still in flight: give up right after it is acknowledged.
      this.giveUpAfter = true;
      notify('Ending the attempt once your last reply has been saved…');
      return;
    }
    this.pending = { type: 'give_up', seq, msg: { type: 'give_up', seq, attempt: this.attemptId } };
    this.giveUp.disabled = true;
    notify('Ending the attempt…');
    this.send(this.pending.msg);
  }

  onTurn(t) {
    if (t.attempt && this.attemptId && t.attempt !== this.attemptId) return;
    const p = this.pending;
    let confirmed = false;
    if (p && p.type === 'choose' && t.reply && t.reply.id === p.reply) {
      if (p.bubble) {
        p.bubble.classList.remove('is-sending');
        const st = p.bubble.querySelector('.msg__status');
        if (st) st.textContent = '';
        confirmed = true;
      }
      this.lastSeq = Math.max(this.lastSeq, p.seq);
      this.pending = null;
    }
    this.turn = Number(t.turn) || this.turn + 1;
    this.el.dataset.turn = String(this.turn);
    this.el.dataset.lastSeq = String(this.lastSeq);
    this.replies = t.replies || [];
    if (t.ending) this.ending = t.ending;
    const prev = this.mood;
    const readings = this.readingsOf(t, prev);
    const changes = this.changesOf(t).length ? this.changesOf(t)
      : readings.map((r) => {
        const o = prev.find((x) => x.name === r.name) || r;
        return { name: r.name, from: o.value, to: r.value, band_from: o.band, band_to: r.band };
      });
    const items = this.itemsForTurn(t, { includeReply: !confirmed });
    const firstSpoken = items.find((it) => it.kind === 'client' || it.kind === 'interjection');
    if (firstSpoken) {
      firstSpoken.moodAfter = readings;
      firstSpoken.moodChange = changes;
    } else {
      this.applyMood(readings, changes);
    }
    this.mood = readings;
    if (this.giveUpAfter && !t.ending) {
      this.giveUpAfter = false;
      this.giveUpNow();
    }
    this.reveal(items, { paced: true }); // not awaited, as above
  }

  onAck(msg) {
    const p = this.pending;
    if (!p || this.awaitingSnapshot || Number(msg.seq) !== p.seq) return;
    this.lastSeq = Math.max(this.lastSeq, p.seq);
    this.el.dataset.lastSeq = String(this.lastSeq);
    if (p.type === 'choose') {
      // Acknowledged without a turn frame: that seq had already been applied (perhaps a
      // different reply, chosen in another tab). Resync from a snapshot.
      this.staleChoice = p.reply;
      this.pending = null;
      this.awaitingSnapshot = true;
      this.send({ type: 'resume', seq: Math.max(1, this.lastSeq), attempt: this.attemptId });
    }
    else {
      // give_up: "ended" follows, except when it had already been applied; either way the debrief is ready.
      this.pending = null;
      this.toDebrief();
    }
  }

  onEnded(msg) {
    if (msg.attempt && this.attemptId && msg.attempt !== this.attemptId) return;
    this.status = msg.status || 'finished';
    const gaveUp = this.pending && this.pending.type === 'give_up';
    this.pending = null;
    if (gaveUp || msg.status === 'given_up') {
      notify(null);
      return this.toDebrief();
    }
    if (!this.revealing) this.renderPanel();
    return undefined;
  }

  toDebrief() {
    notify(null);
    this.closeSocket();
    go(`#/a/${encodeURIComponent(this.attemptId)}/debrief`);
  }

  onError(msg) {
    const p = this.pending;
    const mine = p && msg.seq !== undefined && Number(msg.seq) === p.seq;
    const text = errorText(msg, this.who);
    switch (msg.code) {
      case 'no_identity':
        this.closeSocket();
        app.me = null;
        updateUser();
        app.afterName = location.hash;
        route();
        return;
      case 'not_found':
      case 'not_yours':
      case 'unknown_scenario':
        this.fatal = true;
        this.closeSocket();
        renderProblem(app.renderToken, msg.code === 'unknown_scenario' ? 'Scenario not found'
          : msg.code === 'not_yours' ? 'This attempt isn’t yours' : 'Attempt not found', text);
        return;
      case 'not_active':
      case 'reply_not_offered':
      case 'bad_seq':
        // Out of step with the server: drop the pending message and redraw from a fresh snapshot.
        if (mine) this.dropPending();
        if (msg.code !== 'not_active') notify(text, 'error');
        this.awaitingSnapshot = true;
        this.send({ type: 'resume', seq: Math.max(1, this.lastSeq), attempt: this.attemptId });
        return;
      default:
        if (mine) this.dropPending();
        notify(text, 'error');
        this.renderPanel();
    }
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
      this.skip();
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

  closeSocket() {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      try { ws.close(1000, 'leaving'); } catch { /* ignore */ }
    }
    setConnStatus(null);
  }

  destroy() {
    this.closeSocket();
    this.revealGen++;
    clearTimeout(this.pauseTimer);
    document.removeEventListener('keydown', this.onKey);
    if (this.dialog.open) this.dialog.close();
  }
}

function errorText(msg, who) {
  const name = firstName(who);
  switch (msg.code) {
    case 'not_found': return 'We couldn’t find this attempt. It may have been removed, or the link is wrong.';
    case 'not_yours': return 'This attempt belongs to someone else, so it can’t be opened here.';
    case 'unknown_scenario': return 'That scenario isn’t available any more.';
    case 'not_active': return 'This attempt has already ended.';
    case 'reply_not_offered': return `That reply isn’t on offer any more — here’s where the call with ${name} stands now.`;
    case 'bad_seq': return 'We got out of step with the server. The conversation has been reloaded; nothing was lost.';
    case 'too_large': return 'That message was too large to send. Reconnecting…';
    case 'internal': return 'Something went wrong on our side and nothing was saved. Please try that again.';
    default: return msg.message || 'Something went wrong. Please try again.';
  }
}

// ---------------------------------------------------------------------------
// Boot

async function boot() {
  try {
    app.me = await api('/api/me');
  } catch (err) {
    app.me = null;
    if (!(err instanceof ApiError) || (err.status !== 401 && err.code !== 'no_identity')) {
      if (err.code === 'network') notify(err.message, 'error');
    }
  }
  updateUser();
  registerViews({
    name: renderName, catalog: renderCatalog, briefing: renderBriefing, conversation: renderConversation, debrief: renderDebrief,
  });
  // hashchange covers links; popstate covers Back/Forward between addresses set
  // with pushState/replaceState (which fire no hashchange). Both may fire for
  // one change, so route only when the address differs from the one drawn.
  const onNav = () => { if (location.hash !== app.routedHash) route(); };
  window.addEventListener('hashchange', onNav);
  window.addEventListener('popstate', onNav);
  route();
}

boot();
