// The call's websocket (/ws, docs/protocol.md): connecting, reconnecting with
// backoff and jitter while the call is open, the "Reconnecting…" status and
// the server's going_away, and handing the frames to the call one at a time,
// in order. Only this module talks to the WebSocket. It must not touch the
// call's DOM or decide what a frame means: session.js does, including the
// seq numbers of what is sent.

import { setConnStatus, notify } from './notices.js';

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];

// CallSocket's hooks:
//   open()            connected (again): say which attempt this is
//   frame(msg)        one frame from the server; the next waits for the promise it returns
//   state(connected)  the connection came up or went down
//   down()            a reconnect is scheduled
export class CallSocket {
  constructor(hooks) {
    this.hooks = hooks;
    this.ws = null;
    this.connected = false;
    this.closed = false; // for good: the call is over or the view is gone
    this.retries = 0;
    this.retryTimer = null;
    this.inbox = Promise.resolve();
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
      this.hooks.state(true);
      setConnStatus(null);
      this.hooks.open();
    });
    ws.addEventListener('message', (ev) => {
      if (this.ws !== ws) return;
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      this.inbox = this.inbox.then(() => this.dispatch(msg)).catch((err) => {
        console.error(err);
        notify(`Something went wrong showing the conversation: ${err.message || err}`, 'error');
      });
    });
    ws.addEventListener('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.connected = false;
      this.hooks.state(false);
      if (!this.closed) this.scheduleReconnect();
    });
  }

  async dispatch(msg) {
    if (this.closed) return undefined;
    if (msg.type !== 'going_away') return this.hooks.frame(msg);
    setConnStatus('Parley is restarting. Reconnecting…');
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      this.connected = false;
      this.hooks.state(false);
      try { ws.close(); } catch { /* already closing */ }
      this.scheduleReconnect();
    }
    return undefined;
  }

  scheduleReconnect() {
    if (this.closed || this.retryTimer) return;
    setConnStatus('Reconnecting…');
    this.hooks.down();
    const base = BACKOFF_MS[Math.min(this.retries, BACKOFF_MS.length - 1)];
    this.retries++;
    const wait = Math.round(base * (0.8 + Math.random() * 0.4));
    this.retryTimer = setTimeout(() => { this.retryTimer = null; this.connect(); }, wait);
  }

  // send sends a frame now, or reports false while the socket is down.
  send(msg) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(msg));
      return true;
    }
    return false;
  }

  // close ends the connection for good.
  close() {
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
}
