// The client's mood: how a reading is toned (good, mid, bad), the words for a
// change ("Worse: annoyed → calming down"), the meter widget shown on the
// briefing and during the call, and reading a turn's mood changes whichever
// shape the server sent. It builds elements and returns them; it must not
// place them on the page, fetch, or keep state beyond a meter's own closure.

import { h, clear, vh, icon } from './dom.js';

export function moodGoodness(r) {
  const span = (r.max - r.min) || 1;
  const pct = Math.min(1, Math.max(0, (r.value - r.min) / span));
  return r.good === 'high' ? pct : 1 - pct;
}

export function moodTone(r) {
  const g = moodGoodness(r);
  return g >= 0.6 ? 'good' : g >= 0.35 ? 'mid' : 'bad';
}

export function fmtNum(v) {
  return Number.isInteger(v) ? String(v) : String(Math.round(v * 10) / 10);
}

// describeChange: {dir: 'better'|'worse'|'same', word, detail}
export function describeChange(c, good) {
  const d = c.to - c.from;
  if (Math.abs(d) < 1e-9) return { dir: 'same', word: 'No change', detail: c.band_to ? `still ${c.band_to}` : '' };
  const better = good === 'high' ? d > 0 : d < 0;
  const bandMoved = c.band_from && c.band_to && c.band_from !== c.band_to;
  return {
    dir: better ? 'better' : 'worse',
    up: d > 0,
    word: better ? 'Better' : 'Worse',
    detail: bandMoved ? `${c.band_from} → ${c.band_to}` : (c.band_to ? `still ${c.band_to}` : `${fmtNum(c.from)} → ${fmtNum(c.to)}`),
    bandMoved,
  };
}

let meterCount = 0;

// moodMeter renders one reading; update(reading, change) redraws it in place.
export function moodMeter(reading) {
  const id = `meter-${++meterCount}`;
  const fill = h('div', { class: 'meter__fill' });
  const band = h('span', { class: 'meter__band' });
  const track = h('div', { class: 'meter__track', role: 'meter', 'aria-labelledby': `${id}-label`, 'aria-describedby': `${id}-change` }, fill);
  const change = h('p', { class: 'meter__change', id: `${id}-change` });
  const el = h('div', { class: 'meter', dataset: { testid: 'mood-meter', mood: reading.name } },
    h('div', { class: 'meter__head' },
      h('span', { class: 'meter__name' },
        h('span', { class: 'meter__label', id: `${id}-label` }, reading.label || reading.name),
        h('span', { class: 'meter__hint' }, reading.good === 'high' ? 'higher is better' : 'lower is better')),
      band),
    track,
    h('div', { class: 'meter__foot' }, change));

  function update(r, c) {
    const span = (r.max - r.min) || 1;
    const pct = Math.min(100, Math.max(0, ((r.value - r.min) / span) * 100));
    fill.style.width = `${pct}%`;
    el.classList.remove('meter--good', 'meter--mid', 'meter--bad');
    el.classList.add(`meter--${moodTone(r)}`);
    band.textContent = r.band || fmtNum(r.value);
    el.dataset.value = String(r.value);
    el.dataset.band = r.band || '';
    track.setAttribute('aria-valuemin', String(r.min));
    track.setAttribute('aria-valuemax', String(r.max));
    track.setAttribute('aria-valuenow', String(r.value));
    track.setAttribute('aria-valuetext', `${r.band ? `${r.band}, ` : ''}${fmtNum(r.value)} of ${fmtNum(r.max)}`);
    clear(change);
    change.className = 'meter__change';
    if (c) {
      const d = describeChange(c, r.good);
      change.classList.add(`meter__change--${d.dir}`);
      change.append(icon(d.dir === 'same' ? 'flat' : d.up ? 'arrowUp' : 'arrowDown'),
        h('strong', { class: 'meter__word' }, d.word), d.detail ? vh(': ') : null,
        d.detail ? h('span', { class: 'meter__sep', 'aria-hidden': 'true' }, '·') : null,
        d.detail ? h('span', { class: 'meter__detail' }, d.detail) : null);
      el.classList.remove('meter--pulse');
      void el.offsetWidth; // restart the highlight animation
      el.classList.add('meter--pulse');
    } else {
      change.append(h('span', { class: 'meter__start' }, 'Starting point'));
    }
  }
  update(reading, null);
  return { el, update };
}

// changesOf returns a turn's mood changes, whichever shape the server sent.
export function changesOf(t) {
  if (Array.isArray(t.mood_change)) return t.mood_change;
  if (Array.isArray(t.mood) && t.mood.length && 'from' in t.mood[0]) return t.mood;
  return [];
}

// readingsOf returns a turn's readings after the reply.
export function readingsOf(t, prev) {
  if (Array.isArray(t.mood) && t.mood.length && 'value' in t.mood[0]) return t.mood;
  const changes = changesOf(t);
  if (!changes.length) return prev;
  return prev.map((r) => {
    const c = changes.find((x) => x.name === r.name);
    return c ? { ...r, value: c.to, band: c.band_to || r.band } : r;
  });
}

// bandNotes words a turn's moves from one band to another as transcript
// notes; mood holds the readings (their labels and which end is good).
export function bandNotes(t, mood) {
  const notes = [];
  for (const c of changesOf(t)) {
    const r = (mood.find((m) => m.name === c.name)) || {};
    if (c.band_from && c.band_to && c.band_from !== c.band_to) {
      const d = describeChange(c, r.good);
      notes.push({ kind: 'note', dir: d.dir, text: `${r.label || c.name}: ${c.band_from} → ${c.band_to}` });
    }
  }
  return notes;
}
