// A programme theory as a diagram: zoomable, each element opens its CMOCs, quotes, alignments
// and constructs; downloadable as SVG and PNG.
import { h, label, naturalCompare, clear, quoteItem } from '../dom.js';
import { layout, draw, serialize } from '../diagram.js';

const QUERY = `query Theory($id: ID!) {
  programmeTheory(id: $id) {
    id name stage version description
    study { id title year }
    contexts { id name }
    mechanisms { id name resource reasoning }
    outcomes { id name }
    cmocs { id code label statement contexts { id name } mechanisms { id name } outcomes { id name } chainsTo { to { id code } } }
  }
}`;

const DETAIL = `query Detail($id: ID!) {
  node(id: $id) {
    id
    ... on Element {
      __typename name description
      cmocs {
        id code label statement
        evidence { stance quote { id text participant informantRole } }
      }
      alignments { relation direction rationale confidence element { id name study { id title year } } }
      instanceOf { id name theory { name } }
    }
    ... on Mechanism { resource reasoning }
    ... on CMOC {
      __typename code label statement
      evidence { stance quote { id text participant informantRole } }
    }
  }
}`;

export async function render(ctx, [id]) {
  const { programmeTheory: pt } = await ctx.gql(QUERY, { id });
  if (!pt) return h('div', { class: 'card' }, h('h1', null, 'No such programme theory'));
  const lay = layout(pt);
  const panel = h('aside', { class: 'detail card', 'aria-live': 'polite', 'aria-label': 'Selected element' },
    h('p', { class: 'hint' }, 'Choose an element in the diagram (click it, or Tab to it and press Enter) to see its CMOCs, quotes, alignments and constructs.'));
  let selected = null;
  const svg = draw(lay, pt.name, async (n) => {
    if (selected) selected.classList.remove('selected');
    selected = svg.querySelector(`g.node[data-id="${CSS.escape(n.id)}"]`);
    selected?.classList.add('selected');
    clear(panel);
    panel.append(h('p', { class: 'loading' }, 'Loading…'));
    try {
      const { node } = await ctx.gql(DETAIL, { id: n.id });
      clear(panel);
      panel.append(detail(ctx, node));
    } catch (e) {
      clear(panel);
      panel.append(h('p', { class: 'field-error', role: 'alert' }, e.message));
    }
  });
  svg.classList.add('diagram');

  // zoom by the viewBox: the drawing stays sharp at any scale
  let view = { x: 0, y: 0, w: lay.width, h: lay.height };
  const zoomLabel = h('span', { class: 'zoom-level', 'aria-live': 'polite' }, '100%');
  const apply = () => {
    svg.setAttribute('viewBox', `${view.x} ${view.y} ${view.w} ${view.h}`);
    zoomLabel.textContent = `${Math.round((lay.width / view.w) * 100)}%`;
  };
  const zoom = (f, cx = view.x + view.w / 2, cy = view.y + view.h / 2) => {
    const w = Math.min(lay.width * 4, Math.max(lay.width / 8, view.w / f));
    const k = w / view.w;
    view = { x: cx - (cx - view.x) * k, y: cy - (cy - view.y) * k, w, h: view.h * k };
    apply();
  };
  const frame = h('div', { class: 'diagram-frame' }, svg);
  frame.addEventListener('wheel', (ev) => {
    if (!ev.ctrlKey && !ev.metaKey) return; // plain wheel scrolls the page; Ctrl+wheel zooms
    ev.preventDefault();
    const r = svg.getBoundingClientRect();
    zoom(ev.deltaY < 0 ? 1.2 : 1 / 1.2, view.x + ((ev.clientX - r.left) / r.width) * view.w, view.y + ((ev.clientY - r.top) / r.height) * view.h);
  }, { passive: false });
  let drag = null;
  frame.addEventListener('pointerdown', (ev) => {
    if (ev.target.closest('g.node')) return;
    drag = { x: ev.clientX, y: ev.clientY, view };
    frame.setPointerCapture(ev.pointerId);
  });
  frame.addEventListener('pointermove', (ev) => {
    if (!drag) return;
    const r = svg.getBoundingClientRect();
    view = { ...drag.view, x: drag.view.x - ((ev.clientX - drag.x) / r.width) * view.w, y: drag.view.y - ((ev.clientY - drag.y) / r.height) * view.h };
    apply();
  });
  frame.addEventListener('pointerup', () => { drag = null; });
  frame.addEventListener('pointercancel', () => { drag = null; }); // a touch that scrolls the frame instead

  const fileBase = pt.id.replace(/[^A-Za-z0-9._-]+/g, '-');
  const downloadSVG = () => save(`${fileBase}.svg`, 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(serialize(svg, lay.width, lay.height)));
  const downloadPNG = () => {
    const img = new Image();
    img.onload = () => {
      const scale = 2;
      const c = document.createElement('canvas');
      c.width = lay.width * scale;
      c.height = lay.height * scale;
      const g = c.getContext('2d');
      g.scale(scale, scale);
      g.drawImage(img, 0, 0);
      save(`${fileBase}.png`, c.toDataURL('image/png'));
    };
    img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(serialize(svg, lay.width, lay.height));
  };

  const toolbar = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Diagram' },
    h('button', { type: 'button', onclick: () => zoom(1.25), 'aria-label': 'Zoom in' }, '+'),
    h('button', { type: 'button', onclick: () => zoom(0.8), 'aria-label': 'Zoom out' }, '−'),
    h('button', { type: 'button', onclick: () => { view = { x: 0, y: 0, w: lay.width, h: lay.height }; apply(); } }, 'Fit'),
    zoomLabel,
    h('button', { type: 'button', onclick: downloadSVG }, 'Download SVG'),
    h('button', { type: 'button', onclick: downloadPNG }, 'Download PNG'),
    h('span', { class: 'legend', 'aria-hidden': 'true' }, h('span', { class: 'sw sw-c' }), 'Context', h('span', { class: 'sw sw-m' }), 'Mechanism', h('span', { class: 'sw sw-o' }), 'Outcome'));
  frame.tabIndex = -1;
  frame.addEventListener('keydown', (ev) => { // + and − zoom, 0 fits, while focus is in the diagram
    if (ev.key === '+' || ev.key === '=') zoom(1.25);
    else if (ev.key === '-') zoom(0.8);
    else if (ev.key === '0') { view = { x: 0, y: 0, w: lay.width, h: lay.height }; apply(); } else return;
    ev.preventDefault();
  });

  const cmocList = h('details', { class: 'cmoc-list' }, h('summary', null, `The ${lay.cmocs.length} CMOCs`),
    h('ol', { class: 'plain' }, lay.cmocs.map((c) => h('li', null, h('strong', null, c.code), ': ', c.statement || c.label))));

  return h('div', null,
    h('p', { class: 'crumbs' }, h('a', { href: '#/' }, 'Studies'), ' › ', h('a', { href: `#/study/${encodeURIComponent(pt.study.id)}` }, pt.study.title), ' › '),
    h('h1', null, pt.name),
    h('p', { class: 'meta' }, `${label(pt.stage)} · ${lay.cmocs.length} CMOCs · contexts → mechanisms → outcomes, grouped by outcome · `,
      h('a', { href: `#/compare?right=${encodeURIComponent(pt.id)}` }, 'Compare with another theory')),
    toolbar,
    h('div', { class: 'diagram-layout' }, frame, panel),
    h('p', { class: 'hint' }, 'Drag to pan; Ctrl + wheel, the buttons, or + and − with an element focused zoom (0 fits).'),
    cmocList);
}

function save(name, href) {
  const a = h('a', { href, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
}

function detail(ctx, n) {
  if (n.__typename === 'CMOC') {
    return h('div', null, h('h2', null, n.code), h('p', null, n.statement || n.label),
      h('h3', null, 'Quotes'), n.evidence.length ? h('ul', { class: 'quotes' }, n.evidence.map((ev) => quoteItem(ev))) : h('p', { class: 'none' }, 'No quote.'),
      ctx.canEdit ? h('p', null, h('a', { href: `#/edit/cmoc/${encodeURIComponent(n.id)}` }, `Edit ${n.code}`)) : null);
  }
  const cmocs = [...n.cmocs].sort((a, b) => naturalCompare(a.code, b.code));
  return h('div', null,
    h('p', { class: 'kind' }, n.__typename),
    h('h2', null, n.name),
    n.description ? h('p', null, n.description) : null,
    n.resource ? h('p', null, h('span', { class: 'tag-name' }, 'Resource: '), n.resource) : null,
    n.reasoning ? h('p', null, h('span', { class: 'tag-name' }, 'Reasoning: '), n.reasoning) : null,
    h('p', null, h('a', { href: `#/evidence/${encodeURIComponent(n.id)}` }, 'Evidence across studies'),
      ctx.canEdit ? [' · ', h('a', { href: `#/edit/element/${encodeURIComponent(n.id)}` }, 'Edit')] : null),
    h('h3', null, `CMOCs (${cmocs.length})`),
    h('ul', { class: 'plain detail-cmocs' }, cmocs.map((c) => h('li', null, h('strong', null, c.code), ': ', c.statement || c.label,
      c.evidence.length ? h('ul', { class: 'quotes' }, c.evidence.map((ev) => quoteItem(ev))) : null))),
    h('h3', null, `Alignments (${n.alignments.length})`),
    n.alignments.length ? h('ul', { class: 'plain' }, n.alignments.map((a) => h('li', null,
      h('span', { class: 'relation' }, label(a.relation)), ' ', h('a', { href: `#/evidence/${encodeURIComponent(a.element.id)}` }, a.element.name),
      ` (${a.element.study.title.slice(0, 60)}${a.element.study.title.length > 60 ? '…' : ''}, ${a.element.study.year ?? 'n.d.'})`,
      a.rationale ? h('p', { class: 'rationale' }, a.rationale) : null))) : h('p', { class: 'none' }, 'None recorded.'),
    h('h3', null, 'Constructs'),
    n.instanceOf.length ? h('ul', { class: 'plain' }, n.instanceOf.map((c) => h('li', null, h('a', { href: `#/evidence/${encodeURIComponent(c.id)}` }, c.name), ` (${c.theory.name})`))) : h('p', { class: 'none' }, 'None.'));
}
