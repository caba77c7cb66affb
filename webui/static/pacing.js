// Pacing: a client line is preceded by the typing indicator for ~30 ms a
// character (0.7–2.5 s). "Skip" or Escape shows everything at once; with
// prefers-reduced-motion: reduce there is no delay at all.
//
// This module owns the typing indicator (#typing) and when each revealed
// line appears. It must not decide what the lines are (transcript.js), draw
// the reply panel (call.js, through the hooks) or talk to the server.

import { h, clear, avatar } from './dom.js';
import { reducedMotion } from './state.js';
import { firstName } from './shared.js';
import { scrollToEnd } from './transcript.js';

const MIN_TYPING_MS = 700;
const MAX_TYPING_MS = 2500;
const MS_PER_CHAR = 30;

export function typingDelay(text) {
  return Math.min(MAX_TYPING_MS, Math.max(MIN_TYPING_MS, String(text || '').length * MS_PER_CHAR));
}

const spoken = (item) => item.kind === 'client' || item.kind === 'interjection';

// Pacer reveals transcript items one at a time. Its hooks:
//   who()         the client's name, for the typing indicator
//   stopped()     true once the call is closed: reveal nothing more
//   append(item)  add one item to the transcript
//   busy()        a paced reveal has begun (revealing is true): redraw the replies
//   done()        every item is shown (revealing is false again)
export class Pacer {
  constructor(hooks) {
    this.hooks = hooks;
    this.el = h('div', { id: 'typing', role: 'status', class: 'typing' });
    this.revealing = false;
    this.gen = 0; // a newer reveal, a redraw or the end of the call cancels an older reveal
    this.skipping = false;
    this.pauseTimer = null;
    this.pauseResolve = null;
  }

  setTyping(on) {
    clear(this.el);
    if (on) {
      const who = this.hooks.who();
      this.el.dataset.active = 'true';
      this.el.append(avatar(who, 'sm'),
        h('span', { class: 'typing__bubble', 'aria-hidden': 'true' }, h('span', { class: 'dot' }), h('span', { class: 'dot' }), h('span', { class: 'dot' })),
        h('span', { class: 'typing__text' }, `${firstName(who)} is typing…`));
      scrollToEnd(this.el);
    } else {
      delete this.el.dataset.active;
    }
  }

  pause(ms) {
    return new Promise((resolve) => {
      this.pauseResolve = resolve;
      this.pauseTimer = setTimeout(resolve, ms);
    });
  }

  // skip shows the rest of the reveal in progress at once ("Skip", Escape).
  skip() {
    if (!this.revealing) return;
    this.skipping = true;
    clearTimeout(this.pauseTimer);
    if (this.pauseResolve) this.pauseResolve();
  }

  // reveal appends items, with a typing pause before each client line when
  // paced. A newer reveal or a redraw cancels an older one.
  async reveal(items, { paced }) {
    const gen = ++this.gen;
    const pacing = paced && !reducedMotion.matches && items.some(spoken);
    this.skipping = false;
    if (pacing) {
      this.revealing = true;
      this.hooks.busy();
    }
    for (const item of items) {
      if (gen !== this.gen || this.hooks.stopped()) return;
      if (pacing && spoken(item) && !this.skipping) {
        this.setTyping(true);
        await this.pause(typingDelay(item.text));
        this.setTyping(false);
        if (gen !== this.gen || this.hooks.stopped()) return;
      }
      this.hooks.append(item);
    }
    this.setTyping(false);
    this.revealing = false;
    this.hooks.done();
  }

  // cancel drops the reveal in progress (the transcript is drawn afresh) and hides the indicator.
  cancel() {
    this.gen++;
    this.revealing = false;
    this.setTyping(false);
  }

  // stop drops the reveal in progress for good: the call is going away.
  stop() {
    this.gen++;
    clearTimeout(this.pauseTimer);
  }
}
