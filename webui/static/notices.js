// The page's two live notices: the connection status (#conn-status, shown
// while the call's socket is down) and #notice for errors and information.
// Only this module writes to those slots; it knows nothing of routes or calls.

import { h, clear, vh, icon } from './dom.js';

const connStatus = document.getElementById('conn-status');
const noticeSlot = document.getElementById('notice');
let noticeTimer = null;

export function setConnStatus(text) {
  clear(connStatus);
  if (text) {
    connStatus.append(h('div', { class: 'toast toast--conn' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', null, text)));
  }
}

// notify shows a polite, readable notice. kind: "info" | "error".
export function notify(text, kind = 'info', { timeout = kind === 'error' ? 0 : 6000 } = {}) {
  clearTimeout(noticeTimer);
  clear(noticeSlot);
  if (!text) return;
  const dismiss = h('button', { type: 'button', class: 'toast__close', onclick: () => notify(null) }, vh('Dismiss notice'), icon('cross'));
  noticeSlot.append(h('div', { class: ['toast', `toast--${kind}`] },
    icon(kind === 'error' ? 'flag' : 'chat', 'toast__icon'), h('p', { class: 'toast__text' }, text), dismiss));
  if (timeout) noticeTimer = setTimeout(() => notify(null), timeout);
}
