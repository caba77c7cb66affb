// The cohort's heat-map of a scenario (#/cohorts/{id}/scenarios/{scenario};
// GET …/heatmap): each point of the call in order, as a card headed by the
// client's line, with each reply's share of the choices (a bar, and the
// count and percentage in words), the points it cost and its verdict; the
// endings reached and where stopped calls stopped; and first, what the
// cohort gets wrong: the replies that cost the most points. Text carries
// every number and verdict; colour only repeats it.

import { h, vh, icon, plural } from './dom.js';
import { api } from './api.js';
import { mount, setLoading } from './router.js';
import { outcomeBadge } from './shared.js';

const VERDICTS = {
  followed: { mark: '✓', word: 'Follows its principle', cls: 'verdict--followed' },
  broke: { mark: '✗', word: 'Breaks its principle', cls: 'verdict--broke' },
  mixed: { mark: '±', word: 'Partly follows its principle', cls: 'verdict--mixed' },
};

export async function renderHeatmap(token, cohortId, scenarioId) {
  setLoading(token);
  const base = `/api/cohorts/${encodeURIComponent(cohortId)}`;
  const [hm, cohort] = await Promise.all([
    api(`${base}/scenarios/${encodeURIComponent(scenarioId)}/heatmap`),
    api(base).catch(() => null),
  ]);
  const nodes = hm.nodes || [];
  const stopped = new Map((hm.stopped || []).map((x) => [x.node, x.stopped]));
  const nodeIndex = new Map(nodes.map((n, i) => [n.node, i + 1]));
  // Links to a point are to this page (the click handler below moves the focus).
  const self = `#/cohorts/${encodeURIComponent(cohortId)}/scenarios/${encodeURIComponent(scenarioId)}`;

  // What the cohort gets wrong: the replies that cost the most points.
  const costly = nodes.flatMap((n) => (n.replies || []).map((r) => ({ ...r, node: n }))).filter((r) => r.points_lost > 0)
    .sort((a, b) => b.points_lost - a.points_lost || b.chosen - a.chosen).slice(0, 3);
  const costlyIds = new Set(costly.map((r) => `${r.node.node}/${r.reply}`));

  const wrong = h('section', { class: 'section panel wrong', id: 'wrong', 'aria-labelledby': 'wrong-heading' },
    h('h2', { id: 'wrong-heading' }, icon('flag'), 'What the cohort gets wrong'),
    costly.length ? [
      h('p', { class: 'muted' }, 'The replies that cost the cohort the most points, in all.'),
      h('ol', { class: 'wrong__list' }, costly.map((r) => h('li', { class: 'wrong__item', dataset: { testid: 'costly', node: r.node.node, reply: r.reply } },
        h('blockquote', { class: 'wrong__reply' }, `“${r.text}”`),
        h('p', { class: 'wrong__meta' },
          h('strong', null, `cost ${plural(r.points_lost, 'point', 'points')}`), ' · ',
          `chosen ${plural(r.chosen, 'time', 'times')}`, ' · ',
          h('a', { href: self, class: 'wrong__where', dataset: { jump: `node-${r.node.node}` } },
            `at point ${nodeIndex.get(r.node.node)}`, vh(` of the call, after “${r.node.line}”`))),
        verdict(r.verdict))))]
      : h('p', { class: 'muted' }, hm.attempts ? 'No reply the cohort chose cost points. Well done, all.' : 'Nothing yet: no one in the cohort has played it.'));

  const cards = h('ol', { class: 'node-list', role: 'list' }, nodes.map((n, i) => {
    const total = (n.replies || []).reduce((x, r) => x + r.chosen, 0);
    const stop = stopped.get(n.node) || 0;
    const headingId = `node-${n.node}-title`;
    return h('li', { class: 'node-card', id: `node-${n.node}`, 'aria-labelledby': headingId, dataset: { testid: 'node', node: n.node, visits: n.visits } },
      h('div', { class: 'node-card__head' },
        h('span', { class: 'node-card__num', 'aria-hidden': 'true' }, String(i + 1)),
        h('div', null,
          h('h3', { class: 'node-card__line', id: headingId, tabindex: '-1' }, vh(`Point ${i + 1}: `), n.line ? `“${n.line}”` : n.node),
          h('p', { class: 'node-card__meta' }, `Reached ${plural(n.visits, 'time', 'times')}`,
            stop ? [' · ', h('strong', { class: 'node-card__stopped' }, icon('flag'), `${plural(stop, 'call', 'calls')} stopped here`)] : null))),
      (n.replies || []).length ? h('ul', { class: 'heat-replies', role: 'list' }, n.replies.map((r) => {
        const pct = total ? Math.round((r.chosen / total) * 100) : 0;
        const hot = costlyIds.has(`${n.node}/${r.reply}`);
        const bar = h('span', { class: 'heat-bar__fill' });
        bar.style.width = `${pct}%`;
        return h('li', { class: ['heat-reply', hot && 'heat-reply--costly', !r.chosen && 'heat-reply--none', r.verdict && `heat-reply--${r.verdict}`], dataset: { testid: 'heat-reply', reply: r.reply, chosen: r.chosen, lost: r.points_lost } },
          h('p', { class: 'heat-reply__text' }, hot ? h('span', { class: 'heat-reply__tag' }, icon('flag'), 'Costly') : null, r.text),
          h('div', { class: 'heat-reply__stats' },
            h('span', { class: 'heat-bar', 'aria-hidden': 'true' }, bar),
            h('span', { class: 'heat-reply__count' }, `${plural(r.chosen, 'time', 'times')} (${pct}%)`)),
          h('p', { class: 'heat-reply__points' },
            r.points_lost ? h('span', { class: 'pt pt--down' }, `−${r.points_lost} lost`) : null,
            r.points_gained ? h('span', { class: 'pt pt--up' }, `+${r.points_gained} gained`) : null,
            !r.points_lost && !r.points_gained ? h('span', { class: 'pt pt--zero' }, 'no points either way') : null,
            verdict(r.verdict)));
      })) : h('p', { class: 'muted' }, 'No replies here: the call ends.'));
  }));

  const endings = hm.endings || [];
  const reached = endings.reduce((x, e) => x + e.reached, 0);
  const stops = (hm.stopped || []).filter((x) => x.stopped > 0);
  const view = h('div', { class: 'container heatmap', id: 'heatmap', dataset: { scenario: hm.scenario } },
    h('p', { class: 'crumbs' }, h('a', { href: `#/cohorts/${encodeURIComponent(cohortId)}`, id: 'back-to-cohort' }, icon('back'),
      cohort ? `Back to ${cohort.name}` : 'Back to the cohort')),
    h('header', { class: 'page-head' },
      h('p', { class: 'eyebrow' }, `Heat-map${cohort ? ` · ${cohort.name}` : ''}`),
      h('h1', null, hm.title || hm.scenario),
      h('p', { class: 'lead' }, `What the cohort chose at each point of the call, over ${plural(hm.attempts || 0, 'scored attempt', 'scored attempts')}. Practice runs don’t count.`)),
    wrong,
    h('section', { class: 'section', 'aria-labelledby': 'nodes-heading' },
      h('div', { class: 'section__head' },
        h('h2', { id: 'nodes-heading' }, 'The call, point by point'),
        h('p', { class: 'section__sub' }, 'Each reply’s share of the choices made there.')),
      nodes.length ? cards : h('div', { class: 'empty' }, h('p', null, 'This scenario has no points to show.'))),
    h('div', { class: 'heat-ends' },
      h('section', { class: 'section panel', 'aria-labelledby': 'endings-heading', id: 'endings' },
        h('h2', { id: 'endings-heading' }, 'Endings reached'),
        endings.length ? h('ul', { class: 'ending-list', role: 'list' }, endings.map((e) => {
          const pct = reached ? Math.round((e.reached / reached) * 100) : 0;
          const bar = h('span', { class: 'heat-bar__fill' });
          bar.style.width = `${pct}%`;
          return h('li', { class: 'ending-item', dataset: { testid: 'ending', ending: e.ending, reached: e.reached } },
            h('p', { class: 'ending-item__title' }, e.title, ' ', outcomeBadge(e.outcome),
              e.success ? h('span', { class: 'status status--good' }, icon('star'), 'Success') : null),
            h('div', { class: 'heat-reply__stats' },
              h('span', { class: 'heat-bar', 'aria-hidden': 'true' }, bar),
              h('span', { class: 'heat-reply__count' }, `${plural(e.reached, 'call', 'calls')} (${pct}%)`)));
        })) : h('p', { class: 'muted' }, 'No ending reached yet.')),
      h('section', { class: 'section panel', 'aria-labelledby': 'stopped-heading', id: 'stopped' },
        h('h2', { id: 'stopped-heading' }, 'Where calls stopped'),
        h('p', { class: 'muted' }, 'Calls given up, or left, before an ending.'),
        stops.length ? h('ul', { class: 'stop-list', role: 'list' }, stops.map((x) => {
          const n = nodes.find((m) => m.node === x.node);
          return h('li', { dataset: { testid: 'stopped', node: x.node, stopped: x.stopped } },
            h('strong', null, plural(x.stopped, 'call', 'calls')), ' at ',
            n ? h('a', { href: self, dataset: { jump: `node-${x.node}` } }, `point ${nodeIndex.get(x.node)}`, n.line ? `: “${n.line}”` : '')
              : x.node);
        })) : h('p', null, 'None: every call reached an ending.'))));

  // Links to a point stay on this page: they move the focus there.
  view.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('a[data-jump]');
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    const card = document.getElementById(a.dataset.jump);
    if (!card) return;
    card.scrollIntoView({ block: 'start' });
    card.querySelector('h3').focus({ preventScroll: true });
  });
  mount(token, 'heatmap', `Heat-map: ${hm.title || hm.scenario}`, view);
}

function verdict(v) {
  const x = VERDICTS[v];
  if (!x) return null;
  return h('span', { class: ['verdict', x.cls] }, h('span', { class: 'verdict__mark', 'aria-hidden': 'true' }, x.mark), ' ', x.word);
}
