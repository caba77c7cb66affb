// The call's side of the protocol (docs/protocol.md): what each server frame
// (snapshot, turn, ack, ended, error, watched) does to a Call, and what the trainee
// sends (start, resume, choose, give_up) with its seq number: the one message
// in flight (call.pending), resent with the same seq after a reconnect unless
// the snapshot shows it applied. It sends only through call.socket
// (socket.js) and changes the page through the Call's methods (call.js),
// its data-* attributes and the reply bubble in flight; it builds no
// elements itself.

import { clear } from './dom.js';
import { app } from './state.js';
import { api, scenarioDetail } from './api.js';
import { notify } from './notices.js';
import { go, route, renderProblem, renderForbidden, signedOut, updateUser } from './router.js';
import { firstName, practiceOf } from './shared.js';
import { changesOf, readingsOf } from './mood.js';
import { itemsForTurn, snapshotItems } from './transcript.js';

// onOpen says which attempt this is, once the socket is (again) connected.
export function onOpen(call) {
  call.awaitingSnapshot = true;
  if (call.attemptId) call.socket.send({ type: 'resume', seq: Math.max(1, call.lastSeq), attempt: call.attemptId });
  else if (call.startScenario) call.socket.send({ type: 'start', seq: 1, scenario: call.startScenario });
}

// handle applies one frame from the server (socket.js hands them over in order).
export async function handle(call, msg) {
  if (call.closed) return;
  switch (msg.type) {
    case 'snapshot': return onSnapshot(call, msg);
    case 'turn': return onTurn(call, msg);
    case 'ack': return onAck(call, msg);
    case 'ended': return onEnded(call, msg);
    case 'error': return onError(call, msg);
    case 'watched':
      if (!msg.attempt || msg.attempt === call.attemptId) call.setWatchers(msg.watchers || []);
      return undefined;
    // going_away: socket.js reconnects.
    default:
      return undefined;
  }
}

async function onSnapshot(call, snap) {
  call.awaitingSnapshot = false;
  const a = snap.attempt || {};
  const fresh = !call.attemptId && !!call.startScenario;
  call.attemptId = a.id;
  call.lastSeq = Number(a.last_seq) || 0;
  call.status = a.status || 'active';
  call.turn = Number(a.turn) || 0;
  call.el.dataset.turn = String(call.turn);
  call.el.dataset.lastSeq = String(call.lastSeq);
  if (fresh) {
    history.replaceState(null, '', `#/a/${encodeURIComponent(a.id)}`);
    app.routedHash = location.hash;
    call.startScenario = null;
  }
  if (call.practice === undefined || (a.practice && a.practice.of)) {
    const pr = practiceOf(a);
    call.setPractice(pr);
    if (!pr) {
      // The snapshot may not say; the attempt list does.
      api('/api/attempts').then((list) => {
        const it = (Array.isArray(list) ? list : []).find((x) => x.id === a.id);
        if (it && it.practice && it.practice.of && !call.closed) {
          app.practice.set(a.id, it.practice);
          call.setPractice(it.practice);
        }
      }).catch(() => {});
    }
  }
  if (!call.scenario || call.scenario.id !== a.scenario) {
    try {
      call.scenario = await scenarioDetail(a.scenario);
    } catch (err) {
      call.scenario = { id: a.scenario, title: a.scenario, persona: { name: 'Client' } };
    }
    call.setHeader();
  }
  if (call.closed) return;

  // A message sent before the drop: applied (the snapshot includes it) or to be resent with the same seq.
  let resend = null;
  if (call.pending) {
    if (call.lastSeq >= call.pending.seq) {
      if (call.pending.type === 'give_up') { call.pending = null; return toDebrief(call); }
      call.pending = null;
    } else if (call.status === 'active') {
      resend = call.pending;
    } else {
      call.pending = null;
    }
  }

  call.replies = snap.replies || [];
  call.ending = snap.ending || null;
  const transcript = snap.transcript || [];
  const last = transcript[transcript.length - 1];
  if (call.staleChoice) {
    if (!last || !last.reply || last.reply.id !== call.staleChoice) {
      notify('This call moved on in another tab or window, so that reply wasn’t used. Here’s where it stands now.');
    }
    call.staleChoice = null;
  }
  const readings = snap.mood || [];

  if (fresh && transcript.length > 0) {
    notify(`You already had this call with ${firstName(call.who)} in progress, so we’ve picked it up where you left off.`);
  }
  if (fresh && transcript.length === 0) {
    clear(call.transcript);
    call.applyMood(readings, null);
    const items = snapshotItems(snap, call.mood);
    call.focusReplies = true;
    call.pacer.reveal(items, { paced: true }); // not awaited: later frames are handled while the lines appear
  } else {
    call.mood = readings;
    call.redraw(snap);
    call.applyMood(readings, last ? changesOf(last) : null);
    // The focus goes to the replies' heading, and renderPanel scrolls the
    // panel into view with the newest lines above it (no later scroll here:
    // one would cancel that smooth scroll and leave the panel off screen).
    call.focusReplies = !resend;
    call.renderPanel();
  }

  if (resend) {
    call.showSending(resend);
    call.socket.send(resend.msg);
  }
}

export function choose(call, reply) {
  if (call.pending || call.revealing || call.status !== 'active') return;
  const seq = call.lastSeq + 1;
  call.pending = { type: 'choose', seq, reply: reply.id, text: reply.text, msg: { type: 'choose', seq, attempt: call.attemptId, reply: reply.id } };
  call.showSending(call.pending);
  call.socket.send(call.pending.msg);
}

export function giveUpNow(call) {
  if (call.status !== 'active') return;
  const seq = call.lastSeq + 1;
  if (call.pending) {
    // A reply is still in flight: give up right after it is acknowledged.
    call.giveUpAfter = true;
    notify('Ending the attempt once your last reply has been saved…');
    return;
  }
  call.pending = { type: 'give_up', seq, msg: { type: 'give_up', seq, attempt: call.attemptId } };
  call.giveUp.disabled = true;
  notify('Ending the attempt…');
  call.socket.send(call.pending.msg);
}

function onTurn(call, t) {
  if (t.attempt && call.attemptId && t.attempt !== call.attemptId) return;
  const p = call.pending;
  let confirmed = false;
  if (p && p.type === 'choose' && t.reply && t.reply.id === p.reply) {
    if (p.bubble) {
      p.bubble.classList.remove('is-sending');
      const st = p.bubble.querySelector('.msg__status');
      if (st) st.textContent = '';
      confirmed = true;
    }
    call.lastSeq = Math.max(call.lastSeq, p.seq);
    call.pending = null;
  }
  call.turn = Number(t.turn) || call.turn + 1;
  call.el.dataset.turn = String(call.turn);
  call.el.dataset.lastSeq = String(call.lastSeq);
  call.replies = t.replies || [];
  if (t.ending) call.ending = t.ending;
  const prev = call.mood;
  const readings = readingsOf(t, prev);
  const changes = changesOf(t).length ? changesOf(t)
    : readings.map((r) => {
      const o = prev.find((x) => x.name === r.name) || r;
      return { name: r.name, from: o.value, to: r.value, band_from: o.band, band_to: r.band };
    });
  const items = itemsForTurn(t, { includeReply: !confirmed }, call.mood);
  const firstSpoken = items.find((it) => it.kind === 'client' || it.kind === 'interjection');
  if (firstSpoken) {
    firstSpoken.moodAfter = readings;
    firstSpoken.moodChange = changes;
  } else {
    call.applyMood(readings, changes);
  }
  call.mood = readings;
  if (call.giveUpAfter && !t.ending) {
    call.giveUpAfter = false;
    giveUpNow(call);
  }
  call.pacer.reveal(items, { paced: true }); // not awaited, as above
}

function onAck(call, msg) {
  const p = call.pending;
  if (!p || call.awaitingSnapshot || Number(msg.seq) !== p.seq) return;
  call.lastSeq = Math.max(call.lastSeq, p.seq);
  call.el.dataset.lastSeq = String(call.lastSeq);
  if (p.type === 'choose') {
    // Acknowledged without a turn frame: that seq had already been applied (perhaps a
    // different reply, chosen in another tab). Resync from a snapshot.
    call.staleChoice = p.reply;
    call.pending = null;
    call.awaitingSnapshot = true;
    call.socket.send({ type: 'resume', seq: Math.max(1, call.lastSeq), attempt: call.attemptId });
  }
  else {
    // give_up: "ended" follows, except when it had already been applied; either way the debrief is ready.
    call.pending = null;
    toDebrief(call);
  }
}

function onEnded(call, msg) {
  if (msg.attempt && call.attemptId && msg.attempt !== call.attemptId) return;
  call.status = msg.status || 'finished';
  const gaveUp = call.pending && call.pending.type === 'give_up';
  call.pending = null;
  if (gaveUp || msg.status === 'given_up') {
    notify(null);
    return toDebrief(call);
  }
  if (!call.revealing) call.renderPanel();
  return undefined;
}

function toDebrief(call) {
  notify(null);
  call.socket.close();
  go(`#/a/${encodeURIComponent(call.attemptId)}/debrief`);
}

function onError(call, msg) {
  const p = call.pending;
  const mine = p && msg.seq !== undefined && Number(msg.seq) === p.seq;
  const text = errorText(msg, call.who);
  switch (msg.code) {
    case 'login_required':
      // The session ended (signed out elsewhere, disabled, the password
      // changed). A password changed in this browser gives it a new
      // session, whose cookie may arrive just after this frame: look twice
      // before signing out, and carry on with the call if there is one.
      call.socket.close();
      stillSignedIn().then((me) => {
        if (!me) return signedOut();
        app.me = me;
        updateUser();
        return route();
      });
      return;
    case 'forbidden':
      call.socket.close();
      renderForbidden(app.renderToken, 'play');
      return;
    case 'not_found':
    case 'not_yours':
    case 'unknown_scenario':
      call.socket.close();
      renderProblem(app.renderToken, msg.code === 'unknown_scenario' ? 'Scenario not found'
        : msg.code === 'not_yours' ? 'This attempt isn’t yours' : 'Attempt not found', text);
      return;
    case 'too_many_attempts':
      // Starting attempts faster than the server allows: its message says how long to wait.
      call.socket.close();
      renderProblem(app.renderToken, 'Too many new attempts', text);
      return;
    case 'not_active':
    case 'reply_not_offered':
    case 'bad_seq':
      // Out of step with the server: drop the pending message and redraw from a fresh snapshot.
      if (mine) call.dropPending();
      if (msg.code !== 'not_active') notify(text, 'error');
      call.awaitingSnapshot = true;
      call.socket.send({ type: 'resume', seq: Math.max(1, call.lastSeq), attempt: call.attemptId });
      return;
    default:
      if (mine) call.dropPending();
      notify(text, 'error');
      call.renderPanel();
  }
}

// stillSignedIn asks who the browser's session signs in, now and once more
// a moment later; null when nobody.
async function stillSignedIn() {
  for (const wait of [0, 1000]) {
    await new Promise((r) => setTimeout(r, wait));
    try {
      return await api('/api/me', { quiet: true });
    } catch (err) {
      if (err.code !== 'login_required') return null;
    }
  }
  return null;
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
