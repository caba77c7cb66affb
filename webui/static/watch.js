// Watching a call live (#/watch/{attemptId}, ?cohort=&trainee= for the way
// back; managers and admins): the websocket (socket.js) with
// {"type":"watch"}, then the snapshot (which names the trainee, so a link
// without the query, or a reload, still says whose call it is) and each
// turn and ended frame drawn read only with the conversation's transcript
// (transcript.js) and mood meters (mood.js): no replies, nothing sent but
// the watch. The server decides who may watch (not_yours otherwise); the
// trainee is told who watches.

import { h, clear, icon, avatar, plural } from './dom.js';
import { app } from './state.js';
import { api, scenarioDetail } from './api.js';
import { mount, setLoading, renderProblem, signedOut } from './router.js';
import { firstName, personaLine, outcomeBadge } from './shared.js';
import { newTranscript, bubble, itemsForTurn, snapshotItems, scrollToEnd } from './transcript.js';
import { moodMeter, readingsOf, changesOf } from './mood.js';
import { CallSocket } from './socket.js';

export async function renderWatch(token, attemptId, { cohort, trainee } = {}) {
  setLoading(token);
  const detail = cohort ? await api(`/api/cohorts/${encodeURIComponent(cohort)}`).catch(() => null) : null;
  const member = detail && trainee ? (detail.members || []).find((m) => m.id === trainee) : null;
  const w = new Watch({ attemptId, cohort, cohortName: detail && detail.name, trainee: member ? member.name : null, traineeId: trainee });
  app.view = w;
  if (!mount(token, 'watch', member ? `Watching ${member.name}` : 'Watching a call', w.el)) {
    w.destroy();
    return;
  }
  w.start();
}

class Watch {
  constructor({ attemptId, cohort, cohortName, trainee, traineeId }) {
    this.attemptId = attemptId;
    this.cohort = cohort;
    this.trainee = trainee || 'The trainee';
    this.named = !!trainee; // else the snapshot names them
    this.traineeId = traineeId;
    this.scenario = null;
    this.mood = [];
    this.meters = new Map();
    this.status = 'connecting';
    this.turn = 0;
    this.socket = new CallSocket({
      open: () => this.socket.send({ type: 'watch', seq: 1, attempt: this.attemptId }),
      frame: (msg) => this.handle(msg),
      state: (up) => { this.el.dataset.connected = up ? 'true' : 'false'; },
      down: () => {},
    });
    this.build(cohortName);
  }

  start() { this.socket.connect(); }

  destroy() { this.socket.close(); }

  get who() { return this.scenario ? (this.scenario.persona || {}).name || 'Client' : 'Client'; }

  // query is the cohort and the trainee for the review's link.
  query() {
    const q = new URLSearchParams();
    if (this.cohort) q.set('cohort', this.cohort);
    if (this.traineeId) q.set('trainee', this.traineeId);
    this.qs = q.toString() ? `?${q}` : '';
  }

  // drawName writes the trainee's name wherever the page says it.
  drawName() {
    clear(this.avatarSlot).append(avatar(this.trainee, 'md'));
    this.titleEl.textContent = `${this.trainee}’s call`;
    this.noteText.textContent = `Read only: you see each reply as ${firstName(this.trainee)} makes it. ${firstName(this.trainee)} sees that you’re watching.`;
  }

  // nameFrom takes the trainee's name from a snapshot, when the page did
  // not know it.
  nameFrom(t) {
    if (this.named || !t || !t.name) return;
    this.named = true;
    this.trainee = t.name;
    if (!this.traineeId && t.id) {
      this.traineeId = t.id;
      this.query();
    }
    this.drawName();
    if (app.view === this) document.title = `Watching ${t.name} · Parley`;
  }

  build(cohortName) {
    this.query();
    this.avatarSlot = h('div', { class: 'call-head__avatar' });
    this.titleEl = h('h1', { class: 'call-head__name', id: 'watch-title' });
    this.noteText = h('span');
    this.withEl = h('p', { class: 'call-head__role' }, 'Connecting…');
    this.scenarioEl = h('p', { class: 'call-head__scenario' });
    this.stateEl = h('span', { class: 'call-head__status' }, 'Watching live');
    this.transcript = newTranscript();
    this.statusPanel = h('section', { class: 'reply-panel watch-status', id: 'watch-status', 'aria-labelledby': 'watch-status-heading' });
    this.moodBox = h('div', { id: 'mood', class: 'mood-list' });
    this.moodHeading = h('h2', { id: 'mood-heading', class: 'aside-title' }, 'How the client is feeling');
    this.el = h('div', { class: 'call watch', id: 'watch', dataset: { connected: 'false', status: 'connecting', turn: '0', attempt: this.attemptId } },
      h('div', { class: 'call__main' },
        this.cohort ? h('p', { class: 'crumbs watch__crumbs' }, h('a', { href: `#/cohorts/${encodeURIComponent(this.cohort)}`, id: 'back-to-cohort' }, icon('back'),
          cohortName ? `Back to ${cohortName}` : 'Back to the cohort')) : null,
        h('header', { class: 'call-head' },
          this.avatarSlot,
          h('div', { class: 'call-head__text' },
            h('p', { class: 'call-head__eyebrow' }, h('span', { class: 'live-dot', 'aria-hidden': 'true' }), this.stateEl),
            this.titleEl,
            this.withEl, this.scenarioEl)),
        h('p', { class: 'watch__note' }, icon('eye'), this.noteText),
        h('section', { class: 'chat', 'aria-labelledby': 'chat-heading' },
          h('h2', { id: 'chat-heading', class: 'vh' }, 'Conversation'),
          h('p', { class: 'chat__start' }, h('span', null, icon('chat'), 'Start of the call')),
          this.transcript),
        this.statusPanel),
      h('div', { class: 'call__side' },
        h('aside', { class: 'call__aside', 'aria-labelledby': 'mood-heading' },
          h('div', { class: 'panel mood-panel' }, this.moodHeading, this.moodBox))));
    this.drawName();
    this.drawStatus();
  }

  setStatus(status) {
    this.status = status;
    this.el.dataset.status = status;
    this.el.dataset.ended = status !== 'active' && status !== 'connecting' ? 'true' : 'false';
    this.stateEl.textContent = this.el.dataset.ended === 'true' ? 'Call ended' : 'Watching live';
  }

  drawStatus() {
    const p = this.statusPanel;
    clear(p);
    const heading = h('h2', { id: 'watch-status-heading', class: 'reply-panel__title' });
    p.append(heading);
    if (this.status === 'connecting') {
      heading.textContent = 'Joining the call…';
      return;
    }
    if (this.status === 'active') {
      heading.textContent = `Waiting for ${firstName(this.trainee)}’s reply`;
      p.append(h('p', { class: 'muted' }, `${plural(this.turn, 'reply', 'replies')} so far. New lines appear in the conversation as they’re said.`));
      return;
    }
    heading.textContent = 'The call has ended';
    const e = this.ending;
    const review = h('a', { class: 'btn btn--primary', id: 'watch-review', href: `#/review/${encodeURIComponent(this.attemptId)}${this.qs}` }, icon('note'), 'Open the attempt review');
    p.append(h('div', { class: 'end-card', id: 'watch-ended' },
      outcomeBadge(e ? e.outcome : this.status),
      h('p', { class: 'end-card__title' }, e ? e.title : this.status === 'given_up' ? `${firstName(this.trainee)} ended the attempt` : 'This attempt is closed'),
      h('p', { class: 'muted' }, 'Read the debrief as they see it, and comment on any turn.'),
      h('div', { class: 'end-card__actions' }, review)));
  }

  async handle(msg) {
    switch (msg.type) {
      case 'snapshot': return this.onSnapshot(msg);
      case 'turn': return this.onTurn(msg);
      case 'ended': return this.onEnded(msg);
      case 'error': return this.onError(msg);
      default: return undefined;
    }
  }

  async onSnapshot(snap) {
    const a = snap.attempt || {};
    if (a.id && a.id !== this.attemptId) return;
    this.nameFrom(snap.trainee);
    if (!this.scenario) {
      // A scenario since withdrawn cannot be read: its title will do.
      this.scenario = await scenarioDetail(a.scenario).catch(() => null);
      if (!this.scenario) this.scenario = { id: a.scenario, title: a.title || a.scenario, persona: {} };
      const p = this.scenario.persona || {};
      this.withEl.textContent = p.name ? `with ${p.name}${personaLine(p) ? `, ${personaLine(p)}` : ''}` : 'with the client';
      this.scenarioEl.textContent = this.scenario.title || a.title || '';
      this.moodHeading.textContent = p.name ? `How ${firstName(p.name)} is feeling` : 'How the client is feeling';
    }
    if (this.socket.closed) return;
    this.turn = Number(a.turn) || 0;
    this.el.dataset.turn = String(this.turn);
    this.ending = snap.ending || null;
    this.mood = snap.mood || [];
    const fresh = newTranscript();
    for (const it of snapshotItems(snap, this.mood)) {
      const el = bubble(it, this.who, { trainee: this.trainee });
      el.classList.add('no-anim');
      fresh.append(el);
    }
    this.transcript.replaceWith(fresh);
    this.transcript = fresh;
    // The meters say what the last turn changed, as the trainee's own page
    // does on resume ("Starting point" only before the first reply).
    const turns = snap.transcript || [];
    const last = turns[turns.length - 1];
    this.applyMood(this.mood, last ? changesOf(last) : null);
    this.setStatus(a.status || 'active');
    this.drawStatus();
  }

  onTurn(t) {
    if (t.attempt && t.attempt !== this.attemptId) return;
    const prev = this.mood;
    this.turn = Number(t.turn) || this.turn + 1;
    this.el.dataset.turn = String(this.turn);
    if (t.ending) this.ending = t.ending;
    let last = null;
    for (const it of itemsForTurn(t, { includeReply: true }, this.mood)) {
      last = bubble(it, this.who, { trainee: this.trainee });
      this.transcript.append(last);
    }
    this.mood = readingsOf(t, prev);
    this.applyMood(this.mood, changesOf(t));
    if (last) scrollToEnd(last);
    this.drawStatus();
  }

  onEnded(msg) {
    if (msg.attempt && msg.attempt !== this.attemptId) return;
    if (msg.ending) this.ending = msg.ending;
    this.setStatus(msg.status || 'finished');
    this.drawStatus();
  }

  onError(msg) {
    this.socket.close();
    if (msg.code === 'login_required') return signedOut();
    const text = {
      not_yours: 'You can watch the calls of the trainees in the cohorts you manage, and this one isn’t among them.',
      not_found: 'We couldn’t find this call. It may have been removed, or the link is wrong.',
      forbidden: 'Your account can’t watch calls. Managers watch the calls of their cohorts’ trainees.',
    }[msg.code] || msg.message || 'Something went wrong.';
    return renderProblem(app.renderToken, msg.code === 'not_found' ? 'Call not found' : 'You can’t watch this call', text,
      { code: msg.code === 'not_found' ? 'not_found' : msg.code === 'not_yours' ? 'not_yours' : 'forbidden' });
  }

  applyMood(readings, changes) {
    if (!readings.length) {
      clear(this.moodBox).append(h('p', { class: 'muted' }, 'This scenario has no mood meter.'));
      return;
    }
    const names = readings.map((r) => r.name).join('|');
    if (this.moodBox.dataset.names !== names) {
      clear(this.moodBox);
      this.meters.clear();
      for (const r of readings) {
        const m = moodMeter(r);
        this.meters.set(r.name, m);
        this.moodBox.append(m.el);
      }
      this.moodBox.dataset.names = names;
    }
    for (const r of readings) {
      const c = (changes || []).find((x) => x.name === r.name) || null;
      this.meters.get(r.name).update(r, c);
    }
  }
}
