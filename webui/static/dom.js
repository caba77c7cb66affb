// Small DOM helpers shared by Parley's views. Everything is built with
// createElement and textContent: no innerHTML with data, no inline styles in
// markup (the Content-Security-Policy forbids them).

const SVG_NS = 'http://www.w3.org/2000/svg';

// h('div', {class: 'x', dataset: {testid: 'y'}, onclick: fn}, child, 'text', [more])
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

// s() is h() for SVG elements.
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'dataset') {
      for (const [dk, dv] of Object.entries(v)) if (dv !== undefined && dv !== null) el.dataset[dk] = String(dv);
    } else if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else if (k === 'class') {
      el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
    } else if (k === 'text') {
      el.textContent = v;
    } else if (v === true) {
      el.setAttribute(k, '');
    } else {
      el.setAttribute(k, String(v));
    }
  }
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// vh wraps text that only screen readers should read.
export const vh = (text) => h('span', { class: 'vh' }, text);

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

// initials("Dana Okafor") -> "DO"
export function initials(name) {
  const parts = String(name || '?').trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '?';
  const first = parts[0][0] || '';
  const last = parts.length > 1 ? parts[parts.length - 1][0] : '';
  return (first + last).toUpperCase();
}

// hue picks one of a few avatar colours from a name, stably.
export function avatarTone(name) {
  let n = 0;
  for (const ch of String(name || '')) n = (n * 31 + ch.codePointAt(0)) >>> 0;
  return n % 6;
}

export function avatar(name, size) {
  return h('span', { class: ['avatar', `avatar--tone${avatarTone(name)}`, size && `avatar--${size}`], 'aria-hidden': 'true' },
    initials(name));
}

// Icons: tiny inline SVGs (decorative; the text next to them says the same).
const ICONS = {
  check: 'M4 10.5l4 4 8-9',
  cross: 'M5 5l10 10M15 5L5 15',
  clock: 'M10 3a7 7 0 1 0 0 14 7 7 0 0 0 0-14zm0 3v4l3 2',
  arrowUp: 'M10 16V4M5 9l5-5 5 5',
  arrowDown: 'M10 4v12M5 11l5 5 5-5',
  flat: 'M4 10h12',
  chat: 'M4 5h12v8H9l-4 3v-3H4z',
  wave: 'M3 12c2-3 4-3 6 0s4 3 6 0 2-2 2-2',
  back: 'M12 4l-6 6 6 6',
  play: 'M7 4.5v11l9-5.5z',
  flag: 'M5 17V3m0 1h9l-2 3 2 3H5',
  star: 'M10 3l2.2 4.6 5 .7-3.6 3.5.9 5-4.5-2.4-4.5 2.4.9-5L2.8 8.3l5-.7z',
  forward: 'M4 5l6 5-6 5M11 5l6 5-6 5',
  retry: 'M4 10a6 6 0 1 0 2-4.5M4 3v3.5h3.5',
  person: 'M10 10a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm-6 7a6 6 0 0 1 12 0',
  chevron: 'M6 8l4 4 4-4',
  book: 'M3 4.5h4.5A2.5 2.5 0 0 1 10 7v9a2 2 0 0 0-2-2H3zM17 4.5h-4.5A2.5 2.5 0 0 0 10 7v9a2 2 0 0 1 2-2h5z',
  copy: 'M7.5 7.5h8.5v8.5H7.5zM4 12.5V4h8.5',
  lock: 'M5 9h10v8H5zM7 9V6.5a3 3 0 0 1 6 0V9',
  users: 'M7.5 9a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5zM2.5 16a5 5 0 0 1 10 0M13 4.3a2.5 2.5 0 0 1 0 4.4M14.5 11.2A5 5 0 0 1 17.5 16',
  link: 'M8.5 11.5a3 3 0 0 0 4.2 0l2.6-2.6a3 3 0 0 0-4.2-4.2l-1 1M11.5 8.5a3 3 0 0 0-4.2 0L4.7 11.1a3 3 0 0 0 4.2 4.2l1-1',
  plus: 'M10 4v12M4 10h12',
  key: 'M12.5 3.5a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM9.7 10.3L3.5 16.5M5.5 14.5l2 2',
  history: 'M4 10a6 6 0 1 0 1.8-4.3M4 3.5v3h3M10 6.5V10l2.5 1.5',
  sortable: 'M6.5 8L10 4.5 13.5 8M6.5 12l3.5 3.5 3.5-3.5',
  download: 'M10 3.5v9M6 9l4 4 4-4M4 16.5h12',
  eye: 'M2 10s3-5.5 8-5.5S18 10 18 10s-3 5.5-8 5.5S2 10 2 10zm8 2.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5z',
  heat: 'M4 16V11M8 16V6M12 16V9M16 16V4',
  note: 'M5 3.5h7l3 3V16.5H5zM12 3.5v3h3M7.5 10h5M7.5 13h5',
  share: 'M13.5 7a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5zM6.5 12.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5zM13.5 18a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5zM8.7 8.8l2.6-1.6M8.7 11.2l2.6 1.6',
  trend: 'M3 14l4.5-4.5 3 3L17 6M12.5 6H17v4.5',
};

export function icon(name, cls) {
  return s('svg', { class: ['icon', cls], viewBox: '0 0 20 20', width: 20, height: 20, 'aria-hidden': 'true', focusable: 'false' },
    s('path', { d: ICONS[name] || ICONS.chat }));
}

// Text with simple structure: blank lines split paragraphs, "- " lines make
// bullet lists, and a short leading "Label:" is emphasised.
export function richText(text) {
  const frag = document.createDocumentFragment();
  const blocks = String(text || '').replace(/\r\n/g, '\n').split(/\n\s*\n/);
  for (const block of blocks) {
    const lines = block.split('\n').map((l) => l.trim()).filter(Boolean);
    let list = null;
    let para = [];
    const flush = () => {
      if (para.length) frag.append(paragraph(para.join(' ')));
      para = [];
    };
    for (const line of lines) {
      const m = line.match(/^[-*•]\s+(.*)$/);
      if (m) {
        flush();
        if (!list) { list = h('ul'); frag.append(list); }
        list.append(h('li', null, m[1]));
      } else {
        list = null;
        para.push(line);
      }
    }
    flush();
  }
  return frag;
}

function paragraph(text) {
  const m = text.match(/^([A-Z][^:.!?]{1,40}):(\s|$)(.*)$/s);
  if (m) {
    const p = h('p', null, h('strong', null, m[1] + ':'));
    if (m[3]) p.append(' ' + m[3]);
    return p;
  }
  return h('p', null, text);
}

export function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

const rtf = typeof Intl !== 'undefined' && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat('en', { numeric: 'auto' }) : null;

export function relativeTime(iso) {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return '';
  const diff = (t - Date.now()) / 1000;
  const abs = Math.abs(diff);
  if (!rtf) return new Date(t).toLocaleString();
  if (abs < 45) return 'just now';
  if (abs < 3600) return rtf.format(Math.round(diff / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(diff / 3600), 'hour');
  if (abs < 86400 * 7) return rtf.format(Math.round(diff / 86400), 'day');
  return new Date(t).toLocaleDateString('en', { day: 'numeric', month: 'short', year: 'numeric' });
}
