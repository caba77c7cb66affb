// The debrief: debriefView draws it (the ending and what decided it, the
// competency scores, the mood chart (chart.js) and the call turn by turn,
// with links between turns) for the trainee's own debrief
// (#/a/{id}/debrief, here: with "Practise from here", which asks the server
// for a practice run and opens it, their reviewers' comments beside the
// turns they are about, and "Share this debrief") and, read only, for a
// reviewer's attempt review (attemptreview.js), which adds its comments.
// It renders what the server computed and never scores anything itself.

import { h, clear, vh, icon, richText, plural } from './dom.js';
import { moodChart } from './chart.js';
import { app, reducedMotion } from './state.js';
import { api } from './api.js';
import { notify } from './notices.js';
import { go, main, mount, replace, setLoading } from './router.js';
import { OUTCOMES, outcomeBadge, firstName, practiceOf, practiceBanner } from './shared.js';
import { moodTone, fmtNum } from './mood.js';
import { commentList, reviewerNotes, sharePanel } from './comments.js';

export async function renderDebrief(token, id, focusTurn) {
  setLoading(token);
  let data;
  // The reviewers' comments come with it; the debrief shows without them if they fail.
  const commentsP = api(`/api/attempts/${encodeURIComponent(id)}/comments`).catch(() => []);
  try {
    data = await api(`/api/attempts/${encodeURIComponent(id)}/debrief`);
  } catch (err) {
    if (err.status === 409) {
      mount(token, 'error', 'Still in progress', h('section', { class: 'container narrow problem' },
        h('div', { class: 'panel panel--center' },
          h('h1', null, 'This call is still going'),
          h('p', { class: 'lead' }, 'The debrief is ready once the call ends. Pick up where you left off, or end the attempt from the call.'),
          h('p', { class: 'btn-row' },
            h('a', { class: 'btn btn--primary', href: `#/a/${encodeURIComponent(id)}` }, icon('chat'), 'Resume the call'),
            h('a', { class: 'btn btn--quiet', href: '#/' }, 'Back to scenarios')))));
      return;
    }
    throw err;
  }
  // Someone else's attempt (a reviewer who followed the trainee's address):
  // the reviewer's page, with its comment forms and without the trainee's
  // Try again, Practise from here and Share.
  if (data.own === false) {
    if (token !== app.renderToken) return;
    replace(`#/review/${encodeURIComponent(id)}${focusTurn ? `?turn=${focusTurn}` : ''}`);
    return;
  }
  const comments = await commentsP;
  const byTurn = groupByTurn(comments);
  const v = debriefView(data, {
    id, mode: 'trainee',
    turnHref: (n) => `#/a/${encodeURIComponent(id)}/debrief${n ? `?turn=${n}` : ''}`,
    afterHero: (byTurn.get(0) || []).length ? reviewerNotes(byTurn.get(0)) : null,
    turnExtra: (t) => ((byTurn.get(t.turn) || []).length ? commentList(byTurn.get(t.turn), { turn: t.turn, reader: 'trainee' }) : null),
    footer: sharePanel(id),
  });
  if (!mount(token, 'debrief', `Debrief: ${v.title}`, v.el, { focus: !focusTurn })) return;
  v.mounted(focusTurn);
}

// groupByTurn sorts comments into a map from turn (0: the whole call) to
// the comments on it, oldest first.
export function groupByTurn(comments) {
  const m = new Map();
  for (const c of Array.isArray(comments) ? comments : []) {
    if (!m.has(c.turn)) m.set(c.turn, []);
    m.get(c.turn).push(c);
  }
  return m;
}

// debriefView draws an attempt's debrief (GET /api/attempts/{id}/debrief)
// and returns {el, title, mounted(focusTurn)}: mounted() draws the chart
// once the page has its width, and moves the focus to a turn when asked.
// opts:
//   id           the attempt
//   mode         'trainee' (their own: Practise from here, Try again) or
//                'review' (read only, for a reviewer)
//   turnHref(n)  the address of this page with the focus on turn n (0: none)
//   eyebrow      the line above the heading (default: "Debrief · call with …")
//   crumbs       the way back (default: All scenarios)
//   afterHero    a node shown under the headline (comments on the whole call)
//   turnExtra(t) a node shown under each turn (its comments), or null
//   footer       a node shown at the end (sharing), or null
//   actions      the buttons at the end (default: try again, back to scenarios)
export function debriefView(data, opts) {
  const { id, mode = 'trainee', turnHref } = opts;
  const own = mode === 'trainee';
  // Whose words they are: "You" on one's own debrief; for a reviewer, the
  // trainee's first name (the server names them: data.trainee).
  const traineeName = own ? '' : ((data.trainee && data.trainee.name) || opts.traineeName || '');
  const them = traineeName ? firstName(traineeName) : 'the trainee';
  const speaker = own ? 'you' : them;
  const attempt = data.attempt || {};
  const sc = data.scenario || {};
  const d = data.debrief || {};
  const p = sc.persona || {};
  const who = firstName(p.name);
  const turns = d.turns || [];
  const ending = d.ending || null;
  const complete = d.complete !== undefined ? !!d.complete : !!ending;
  const success = complete && !!ending && (ending.success !== undefined ? !!ending.success : ending.outcome === 'resolved');
  const practice = practiceOf(attempt);
  if (practice) app.practice.set(attempt.id || id, practice);
  const outcomeKey = complete && ending ? ending.outcome : (attempt.status || 'given_up');
  const labels = new Map((sc.competencies || []).map((c) => [c.id, c]));
  for (const s of d.scores || []) if (!labels.has(s.competency)) labels.set(s.competency, { id: s.competency, label: s.label });
  const labelOf = (cid) => (labels.get(cid) || {}).label || cid;

  const scores = d.scores || [];
  const passed = scores.filter((s) => s.passed).length;
  // Try again: a scored attempt from the briefing; after a practice run,
  // another practice run from the same turn of the same source attempt.
  const tryAgain = practice ? practiseAgainButton(practice) :
    h('a', { id: 'try-again', class: 'btn btn--primary', href: `#/s/${encodeURIComponent(sc.id || attempt.scenario)}` }, icon('retry'), 'Try again');

  // The headline agrees with the outcome: a success, an ending that is not
  // one, or a call that never reached an ending.
  const tone = !complete ? 'neutral' : success ? ((OUTCOMES[outcomeKey] || {}).tone || 'good') : ((OUTCOMES[outcomeKey] || {}).tone === 'good' ? 'warn' : (OUTCOMES[outcomeKey] || {}).tone || 'neutral');
  const stoppedAt = turns.length;
  let title;
  let summary;
  if (!complete) {
    const where = stoppedAt ? `at turn ${stoppedAt}` : `before ${own ? 'your' : 'their'} first reply`;
    if (practice) {
      title = attempt.status === 'abandoned' ? `Incomplete: this practice run was left ${where}`
        : `Incomplete: ${speaker} stopped this practice run ${where}`;
    } else {
      title = attempt.status === 'abandoned' ? `Incomplete: the call was left ${where}; scored against the whole call`
        : `Incomplete: ${speaker} stopped ${where}; scored against the whole call`;
    }
    summary = `${plural(turns.length, 'turn', 'turns')} played · ${passed} of ${scores.length} competencies reached their pass mark so far`;
  } else if (success) {
    title = ending.title;
    summary = `${plural(turns.length, 'turn', 'turns')} · ${passed} of ${scores.length} competencies passed`;
  } else {
    title = `The call ended: ${ending.title} — not a successful outcome`;
    summary = `${plural(turns.length, 'turn', 'turns')} · ${passed} of ${scores.length} competencies passed${passed === scores.length ? ', but' : ';'} the call did not end well`;
  }
  const badge = complete ? outcomeBadge(outcomeKey, 'status--lg')
    : h('span', { class: 'status status--neutral status--lg' }, icon('clock'), 'Incomplete');
  const hero = h('section', { class: ['panel', 'debrief-hero', `debrief-hero--${tone}`], 'aria-labelledby': 'ending-title' },
    h('div', { class: 'debrief-hero__top' }, badge,
      success ? h('span', { class: 'status status--good' }, icon('star'), 'Successful call') : null,
      h('span', { class: 'muted', id: 'debrief-summary' }, summary)),
    h('h2', { id: 'ending-title', class: 'debrief-hero__title' }, title),
    h('div', { class: 'prose' }, richText(complete && ending ? ending.text
      : practice ? `The practice run ended before the conversation reached an ending. It isn’t scored; the numbers below still measure the whole call, so the replies ${own ? 'you' : 'they'} didn’t get to give earn nothing.`
        : `The attempt ended before the conversation reached an ending. Scores count the whole call, so the replies ${own ? 'you' : 'they'} didn’t get to give earn nothing.`)),
    own ? h('div', { class: 'btn-row' }, tryAgain, h('a', { class: 'btn btn--quiet', href: '#/', id: 'back-home-top' }, 'Back to scenarios')) : null);

  // What decided the ending: the variables the author marked, with their final values.
  const decisive = d.decisive || [];
  const decided = decisive.length ? h('section', { class: 'section panel decided', id: 'decided', 'aria-labelledby': 'decided-heading', tabindex: '-1' },
    h('h2', { id: 'decided-heading' }, complete ? 'What decided the ending' : 'What decides the ending'),
    h('p', { class: 'section__sub' }, complete ? 'Where these stood when the call ended.' : 'Where these stood when the call stopped, before any ending was reached.'),
    h('dl', { class: 'decided__list' }, decisive.map((v) => h('div', { class: 'decided__item', dataset: { testid: 'decisive', name: v.name, value: String(v.value ?? '') } },
      h('dt', null, v.label || v.name),
      decisiveValue(v.value, complete))))) : null;

  // Scores.
  const blockedText = (ref) => {
    const [node, rid] = String(ref).split('/');
    const t = turns.find((x) => x.reply && x.reply.id === rid && (!node || x.node === node || !x.node));
    return t ? { turn: t.turn, text: t.reply.text } : { turn: null, text: rid };
  };
  const scoreCards = h('ul', { class: 'score-grid', role: 'list' }, scores.map((s) => {
    const c = labels.get(s.competency) || {};
    const blocked = (s.blocked_by || []).map(blockedText);
    const desc = s.description || c.description;
    const verdict = s.passed ? { cls: 'status--good', icon: 'check', text: 'Passed' }
      : !complete && !blocked.length ? { cls: 'status--neutral', icon: 'clock', text: 'Incomplete' }
        : { cls: 'status--bad', icon: 'cross', text: 'Not passed' };
    return h('li', {
      class: ['score', s.passed ? 'score--pass' : complete || blocked.length ? 'score--fail' : 'score--incomplete'],
      dataset: { testid: 'score', competency: s.competency, score: s.score, pass: s.pass, passed: String(!!s.passed), blocked: String(blocked.length > 0) },
    },
    h('h3', { class: 'score__label' }, s.label || labelOf(s.competency)),
    desc ? h('p', { class: 'score__desc' }, desc) : null,
    h('p', { class: 'score__value' }, h('span', { class: 'score__num' }, String(s.score)), h('span', { class: 'score__of' }, ' / 100')),
    scoreBar(s),
    h('div', { class: 'score__verdict' },
      h('span', { class: ['status', verdict.cls] }, icon(verdict.icon), verdict.text),
      h('span', { class: 'score__pass' }, `pass mark ${s.pass}`,
        s.pass_from ? [h('span', { 'aria-hidden': 'true' }, '*'), h('span', { class: 'vh' }, `, set by ${s.pass_from}`)] : null)),
    s.best ? h('p', { class: 'score__points' }, `${fmtSigned(s.points)} of ${s.best} possible points`) : null,
    // Each reply that failed it, with a link to its own turn.
    blocked.length ? h('div', { class: 'score__blocked' },
      h('p', null, h('strong', null, blocked.length === 1 ? 'Failed outright by a reply' : `Failed outright by ${blocked.length} replies`), ':'),
      h('ul', { class: 'score__blocked-list', role: 'list' }, blocked.map((b) => h('li', { dataset: { testid: 'blocked', turn: b.turn || '' } },
        b.turn ? h('span', { class: 'score__blocked-turn' }, turnLink(b.turn, turnHref, `Turn ${b.turn}`), vh(':')) : null,
        h('blockquote', null, `“${b.text}”`))))) : null);
  }));

  // Mood chart.
  const moodStart = d.mood_start || [];
  const series = moodStart.map((m) => ({
    name: m.name, label: m.label || m.name, min: m.min, max: m.max, good: m.good,
    points: [{ value: m.value, band: m.band }, ...turns.map((t) => {
      const r = (t.mood_after || []).find((x) => x.name === m.name);
      return r ? { value: r.value, band: r.band } : { value: m.value, band: m.band };
    })],
  }));
  const chartBox = h('div', { id: 'mood-chart', class: 'chart-box' });
  const drawChart = () => {
    const width = chartBox.clientWidth || Math.min(1100, main.clientWidth - 90);
    clear(chartBox).append(series.length ? moodChart(series, { who, width })
      : h('p', { class: 'muted' }, 'This scenario has no mood meter.'));
  };
  const misleads = d.mood_misleads ? h('p', { class: 'callout callout--warn', id: 'mood-misleads' }, icon('flag'),
    h('span', null, `The mood meter shows how ${who} felt, not what was agreed. `,
      `It ended on the ${success ? 'bad' : 'good'} side${moodReadout(d.mood_end || [])}, `,
      success ? 'yet the call succeeded' : 'but the call did not succeed',
      decided ? [' — ', sectionLink('decided', 'see what decided the ending', turnHref), '.'] : ': the ending above says why.')) : null;

  // Turn by turn.
  const leftAt = d.left_ideal_at || 0;
  const turnList = h('ol', { class: 'review', role: 'list' }, turns.map((t, i) => {
    const before = i === 0 ? (d.opening || []) : (turns[i - 1].lines || []);
    const r = t.reply || {};
    const pts = Object.entries(r.points || {});
    const practiseBtn = own ? h('button', {
      type: 'button', class: 'btn btn--secondary btn--sm practise', dataset: { action: 'practice', turn: t.turn },
    }, icon('retry'), 'Practise from here', vh(` (turn ${t.turn})`)) : null;
    if (practiseBtn) practiseBtn.addEventListener('click', () => startPractice(id, t.turn, practiseBtn));
    return h('li', {
      class: ['review-turn', !t.on_ideal && 'review-turn--off', leftAt === t.turn && 'review-turn--left'],
      id: `turn-${t.turn}`,
      dataset: { testid: 'turn', turn: t.turn, onIdeal: String(!!t.on_ideal), verdict: r.verdict || '' },
      'aria-labelledby': `turn-${t.turn}-title`,
    },
    h('div', { class: 'review-turn__rail', 'aria-hidden': 'true' }, h('span', { class: 'review-turn__dot' }, String(t.turn))),
    h('div', { class: 'review-turn__body' },
      h('div', { class: 'review-turn__head' },
        h('h3', { id: `turn-${t.turn}-title`, class: 'review-turn__title', tabindex: '-1' }, `Turn ${t.turn}`),
        verdictTag(r),
        practiseBtn),
      leftAt === t.turn ? h('p', { class: 'left-path' }, icon('flag'), 'This is where the call left the strongest path.') : null,
      h('div', { class: 'review-turn__grid' },
        h('div', { class: 'exchange' },
          before.map((line, j) => h('div', { class: 'mini-msg mini-msg--them' }, j === 0 ? h('span', { class: 'mini-msg__who' }, p.name || 'Client') : null,
            h('p', null, vh(`${p.name}: `), line))),
          h('div', { class: 'mini-msg mini-msg--me' }, h('span', { class: 'mini-msg__who' }, own ? 'You said' : `${them.charAt(0).toUpperCase()}${them.slice(1)} said`), h('p', null, r.text)),
          (t.interjections || []).map((line) => h('div', { class: 'mini-msg mini-msg--interjection' },
            h('span', { class: 'mini-msg__who' }, `${who} interrupts`), h('p', null, line)))),
        h('div', { class: 'coach' },
          pts.length || (r.blocks && r.blocks.length) ? h('ul', { class: 'points', 'aria-label': 'Points for this reply' },
            pts.map(([cid, n]) => h('li', { class: ['pt', n > 0 ? 'pt--up' : n < 0 ? 'pt--down' : 'pt--zero'] },
              `${n > 0 ? '+' : n < 0 ? '−' : ''}${Math.abs(n)} ${labelOf(cid)}`)),
            (r.blocks || []).map((cid) => h('li', { class: 'pt pt--block' }, icon('cross'), `Fails ${labelOf(cid)}`))) : null,
          r.note ? h('p', { class: 'coach__note' }, r.note) : null,
          t.on_ideal ? h('p', { class: 'coach__ideal coach__ideal--yes' }, icon('check'),
            r.verdict === 'followed' || !r.verdict ? 'The strongest reply available here.' : 'The best of what was left at this point.')
            : t.ideal ? idealBlock(t.ideal, t.ideal_kind) : null,
          (t.closed || []).map((c) => closedBlock(c, turnHref, speaker)),
          moodAfterLine(t.mood_after || [], who))),
      opts.turnExtra ? opts.turnExtra(t) : null));
  }));

  const lastLines = turns.length ? (turns[turns.length - 1].lines || []) : [];
  const closing = ending && lastLines.length ? h('div', { class: 'panel closing' },
    h('h3', null, `${who}’s last words`),
    lastLines.map((l) => h('blockquote', null, `“${l}”`))) : null;

  const banner = practice ? practiceBanner(practice, 'debrief') : null;
  const view = h('div', {
    class: ['container', 'debrief', !own && 'debrief--review'], id: 'debrief',
    dataset: { outcome: outcomeKey, status: attempt.status || '', complete: String(complete), success: String(success), practice: String(!!practice), mode },
  },
  opts.crumbs || h('p', { class: 'crumbs' }, h('a', { href: '#/' }, icon('back'), 'All scenarios')),
  h('header', { class: 'page-head' },
    h('p', { class: 'eyebrow' }, opts.eyebrow || `${practice ? 'Practice debrief' : 'Debrief'} · call with ${p.name || 'the client'}`),
    h('h1', null, sc.title || 'Debrief'),
    opts.lead || null),
  banner,
  hero,
  opts.afterHero || null,
  decided,
  h('section', { class: 'section', 'aria-labelledby': 'scores-heading' },
    h('div', { class: 'section__head' }, h('h2', { id: 'scores-heading' }, practice ? 'How this practice run went' : own ? 'How you did' : 'How they did'),
      h('p', { class: 'section__sub' }, practice ? (own ? 'Not scored: these numbers are for your own review and don’t count.' : 'Not scored: practice runs never count.')
        : own ? 'Scores are your points as a share of the best this scenario allows.' : 'Scores are their points as a share of the best this scenario allows.')),
    scoreCards,
    cohortMarksNote(scores)),
  h('section', { class: 'section panel', 'aria-labelledby': 'chart-heading' },
    h('h2', { id: 'chart-heading' }, `${who}’s mood, turn by turn`),
    misleads,
    chartBox),
  h('section', { class: 'section', 'aria-labelledby': 'review-heading' },
    h('div', { class: 'section__head' }, h('h2', { id: 'review-heading' }, 'The call, turn by turn'),
      h('p', { class: 'section__sub' }, leftAt ? (own ? `You left the strongest path at turn ${leftAt}. Practise any turn again from where it started.` : `The call left the strongest path at turn ${leftAt}.`)
        : turns.length ? (own ? 'You stayed on the strongest path throughout.' : 'The call stayed on the strongest path throughout.') : 'No replies were given.')),
    turns.length ? turnList : h('div', { class: 'empty' }, h('p', null, 'The attempt ended before any reply was chosen.')),
    closing),
  opts.footer || null,
  opts.actions !== undefined ? opts.actions : h('div', { class: 'btn-row btn-row--end' },
    // After a practice run, this is the way to a scored attempt: say so.
    h('a', { class: 'btn btn--secondary', id: 'try-scenario', href: `#/s/${encodeURIComponent(sc.id || attempt.scenario)}` }, icon('retry'),
      practice ? 'Start a scored attempt' : 'Try this scenario again'),
    h('a', { class: 'btn btn--quiet', href: '#/', id: 'back-home' }, 'Back to scenarios')));
  // Links to a turn (or a section) stay on this page: they move the focus
  // there and note the turn in the address, without drawing the page again.
  view.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('a[data-jump]');
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    history.replaceState(null, '', a.getAttribute('href'));
    app.routedHash = location.hash;
    jumpTo(a.dataset.jump);
  });
  const mounted = (focusTurn) => {
    drawChart();
    if (focusTurn) jumpTo(`turn-${focusTurn}`);
    // Redraw the chart when its width changes a lot (rotation, resizing), so its text stays readable.
    let drawnWidth = chartBox.clientWidth;
    let resizeTimer = null;
    const onResize = () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => {
        if (Math.abs(chartBox.clientWidth - drawnWidth) > 40) { drawnWidth = chartBox.clientWidth; drawChart(); }
      }, 150);
    };
    window.addEventListener('resize', onResize);
    app.view = { destroy: () => { window.removeEventListener('resize', onResize); clearTimeout(resizeTimer); } };
  };
  return { el: view, title: sc.title || '', scenario: sc, attempt, mounted };
}

// jumpTo moves the focus to a turn of the debrief (its heading) or a section, and scrolls it into view.
export function jumpTo(target) {
  const el = document.getElementById(target);
  if (!el) return;
  const focusable = el.matches('li') ? el.querySelector('h3[tabindex]') : el;
  if (focusable) focusable.focus({ preventScroll: true });
  el.scrollIntoView({ block: 'start', behavior: reducedMotion.matches ? 'auto' : 'smooth' });
}

function turnLink(n, turnHref, text = `turn ${n}`) {
  return h('a', { class: 'turn-link', href: turnHref(n), dataset: { jump: `turn-${n}` } }, text);
}

function sectionLink(target, text, turnHref) {
  return h('a', { href: turnHref(0), dataset: { jump: target } }, text);
}

const VERDICTS = {
  followed: { mark: '✓', word: 'Followed', cls: 'verdict--followed' },
  broke: { mark: '✗', word: 'Broke', cls: 'verdict--broke' },
  mixed: { mark: '±', word: 'Partly', cls: 'verdict--mixed' },
};

// verdictTag says, in words and a mark (not colour alone), whether a reply
// followed or broke the principle it names.
function verdictTag(r, { verb } = {}) {
  if (!r.principle) return null;
  const v = VERDICTS[r.verdict];
  if (!v) return h('p', { class: 'verdict verdict--none' }, h('span', { class: 'verdict__word' }, 'Principle:'), ' ', r.principle);
  const word = verb ? { followed: 'Follows', broke: 'Breaks', mixed: 'Partly follows' }[r.verdict] : v.word;
  return h('p', { class: ['verdict', v.cls], dataset: { verdict: r.verdict } },
    h('span', { class: 'verdict__mark', 'aria-hidden': 'true' }, v.mark), ' ',
    h('span', { class: 'verdict__word' }, `${word}:`), ' ', r.principle);
}

function idealBlock(ideal, kind) {
  const best = kind === 'best_left';
  return h('div', { class: ['turn__ideal', best && 'turn__ideal--left'], dataset: { kind: kind || 'stronger' } },
    h('p', { class: 'turn__ideal-label' }, icon(best ? 'flag' : 'star'), best ? 'Best of what was left' : 'A stronger reply'),
    h('blockquote', null, `“${ideal.text}”`),
    verdictTag(ideal, { verb: true }),
    ideal.note ? h('p', { class: 'turn__ideal-note' }, h('strong', null, best ? 'Why: ' : 'Why it works: '), ideal.note) : null);
}

function closedBlock(c, turnHref, speaker) {
  const r = c.reply || {};
  const by = c.by || {};
  return h('div', { class: 'closed', dataset: { testid: 'closed', turn: c.turn } },
    h('p', { class: 'closed__label' }, icon('clock'), 'A stronger reply was no longer on offer'),
    h('blockquote', null, `“${r.text}”`),
    h('p', { class: 'closed__why' }, 'It closed at ', turnLink(c.turn, turnHref),
      by.text ? `, when ${speaker} said “${by.text}”${/[.!?…]$/.test(by.text.trim()) ? '' : '.'}` : '.'),
    verdictTag(r, { verb: true }),
    r.note ? h('p', { class: 'turn__ideal-note' }, h('strong', null, 'Why it works: '), r.note) : null);
}

// moodReadout lists final mood readings by label, each with its band (or
// value), in parentheses: " (Frustration: calming down, Trust: trusting)".
// Band labels are words for a meter's range, not always adjectives, so they
// are quoted beside their meter rather than joined into a sentence about
// the client ("sounded calming down and trusting").
function moodReadout(readings) {
  const parts = readings.map((r) => `${r.label || r.name}: ${r.band || fmtNum(r.value)}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

// decisiveValue shows a decisive variable's final value: Yes or No for a
// boolean, a number as a number, a string with its first letter raised;
// an empty string (nothing set yet) or no value as a muted "None yet" (or
// "None" once the call has ended), never as nothing at all.
function decisiveValue(v, complete) {
  if (typeof v === 'boolean') return h('dd', null, v ? 'Yes' : 'No');
  if (typeof v === 'number') return h('dd', null, fmtNum(v));
  const text = v === null || v === undefined ? '' : String(v).trim();
  if (!text) return h('dd', { class: 'decided__none', dataset: { empty: 'true' } }, complete ? 'None' : 'None yet');
  return h('dd', null, text.charAt(0).toUpperCase() + text.slice(1));
}

// practiseAgainButton starts another practice run from the turn this one
// started from, of the same source attempt (POST …/practice, as Practise
// from here does).
function practiseAgainButton(pr) {
  const btn = h('button', { type: 'button', id: 'try-again', class: 'btn btn--primary', dataset: { action: 'practise-again', of: pr.of, turn: pr.from_turn } },
    icon('retry'), `Practise again from turn ${pr.from_turn}`);
  btn.addEventListener('click', () => startPractice(pr.of, pr.from_turn, btn));
  return btn;
}

// startPractice asks the server for a practice run from the moment before
// this turn of an ended attempt, and opens it.
async function startPractice(id, turn, btn) {
  btn.disabled = true;
  btn.setAttribute('aria-busy', 'true');
  delete btn.dataset.errorStatus;
  try {
    const a = await api(`/api/attempts/${encodeURIComponent(id)}/practice`, { method: 'POST', body: { turn } });
    app.practice.set(a.id, (a.practice && a.practice.of) ? a.practice : { of: id, from_turn: turn });
    go(`#/a/${encodeURIComponent(a.id)}`);
  } catch (err) {
    btn.disabled = false;
    btn.removeAttribute('aria-busy');
    btn.dataset.errorStatus = String(err.status || 0);
    notify(err.status === 404 || err.status === 405 ? 'Practice runs aren’t available on this server yet.'
      : err.message || 'We couldn’t start a practice run. Please try again.', 'error');
  }
}

function fmtSigned(n) {
  return n < 0 ? `−${Math.abs(n)}` : String(n);
}

function scoreBar(s) {
  const fill = h('span', { class: 'scorebar__fill' });
  fill.style.width = `${Math.max(0, Math.min(100, s.score))}%`;
  const mark = h('span', { class: 'scorebar__mark' });
  mark.style.left = `${Math.max(0, Math.min(100, s.pass))}%`;
  return h('div', { class: 'scorebar', 'aria-hidden': 'true' }, fill, mark);
}

function moodAfterLine(readings, who) {
  if (!readings.length) return null;
  return h('p', { class: 'coach__mood' }, h('span', { class: 'coach__mood-label' }, `${who} after this:`), ' ',
    readings.map((r) => h('span', { class: ['mood-tag', `mood-tag--${moodTone(r)}`] }, `${r.label || r.name}: ${r.band || fmtNum(r.value)}`)));
}

// cohortMarksNote explains the marks a cohort's assignment set (starred on
// their cards, where a screen reader hears who set them), or is null.
function cohortMarksNote(scores) {
  const cohorts = [...new Set(scores.map((s) => s.pass_from).filter(Boolean))];
  if (!cohorts.length) return null;
  return h('p', { class: 'score-note muted', 'aria-hidden': 'true', dataset: { testid: 'cohort-marks' } },
    `* Pass mark set by ${cohorts.join(' and ')}, instead of the scenario’s own.`);
}
