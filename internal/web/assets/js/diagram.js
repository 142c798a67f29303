// A programme theory's web of CMOCs as SVG, laid out as realist papers draw it and as the
// exported Mermaid/DOT diagrams do (internal/diagram): contexts → mechanisms → outcomes, left
// to right, one group per outcome holding the elements used only by the CMOCs whose first
// outcome it is; elements several groups share are drawn once, above the groups; edges carry
// the codes of the CMOCs they stand for. A CMOC missing a stage skips it; one with a single
// kind of element is drawn as a node of its own, so every CMOC shows.
//
// Colours and fonts are attributes, not CSS classes, so a downloaded SVG looks the same alone.
import { s, naturalCompare } from './dom.js';

const COL = { context: 20, mechanism: 380, outcome: 740, cmoc: 380 };
const W = 300; // node width
const LINE = 16;
const PAD = 8;
const GAP = 14;
const CHARS = 38;
const FILL = { context: '#deebf7', mechanism: '#fbe5d6', outcome: '#e2f0d9', cmoc: '#eeeeee' };
const STROKE = { context: '#2e75b6', mechanism: '#c55a11', outcome: '#548235', cmoc: '#666666' };
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

function wrap(text, width, max) {
  const out = [];
  let line = '';
  for (const w of text.split(/\s+/).filter(Boolean)) {
    if (line && (line + ' ' + w).length > width) { out.push(line); line = w; } else line = line ? line + ' ' + w : w;
  }
  if (line) out.push(line);
  if (out.length > max) { out.length = max; out[max - 1] = out[max - 1].replace(/.{0,2}$/, '') + '…'; }
  return out;
}

// layout turns a theory ({cmocs: [{id, code, contexts, mechanisms, outcomes}], contexts,
// mechanisms, outcomes}) into positioned nodes, edges and groups.
export function layout(pt) {
  const cmocs = [...pt.cmocs].sort((a, b) => naturalCompare(a.code, b.code));
  const kindOf = new Map();
  for (const e of pt.contexts) kindOf.set(e.id, 'context');
  for (const e of pt.mechanisms) kindOf.set(e.id, 'mechanism');
  for (const e of pt.outcomes) kindOf.set(e.id, 'outcome');
  const byId = new Map([...pt.contexts, ...pt.mechanisms, ...pt.outcomes].map((e) => [e.id, e]));

  // groups by first outcome, in the order CMOCs first name them
  const groups = [];
  const groupOf = new Map();
  const group = (key, title) => {
    if (!groupOf.has(key)) { const g = { key, title, cmocs: [], nodes: [] }; groupOf.set(key, g); groups.push(g); }
    return groupOf.get(key);
  };
  const usedIn = new Map(); // element id → set of group keys
  for (const c of cmocs) {
    const first = c.outcomes[0];
    const g = first ? group(first.id, first.name) : group('\0none', 'No outcome');
    g.cmocs.push(c);
    for (const e of [...c.contexts, ...c.mechanisms, ...c.outcomes]) {
      if (!usedIn.has(e.id)) usedIn.set(e.id, new Set());
      usedIn.get(e.id).add(g.key);
    }
  }
  const shared = { key: '\0shared', title: 'Shared by several outcomes', cmocs: [], nodes: [], loose: true };
  const unused = { key: '\0unused', title: 'Not in any CMOC', cmocs: [], nodes: [] };

  const nodes = new Map();
  const place = (id, kind, g, lines, data) => {
    if (nodes.has(id)) return nodes.get(id);
    const n = { id, kind, lines, data, group: g };
    nodes.set(id, n);
    g.nodes.push(n);
    return n;
  };
  const elementNode = (e) => {
    const keys = usedIn.get(e.id);
    const g = keys.size > 1 ? shared : groupOf.get([...keys][0]);
    const el = byId.get(e.id) || e;
    const lines = wrap(el.name, CHARS, 4);
    if (kindOf.get(e.id) === 'mechanism') {
      if (el.resource) lines.push(...wrap('Resource: ' + el.resource, CHARS + 6, 1).map((l) => ({ small: l })));
      if (el.reasoning) lines.push(...wrap('Reasoning: ' + el.reasoning, CHARS + 6, 1).map((l) => ({ small: l })));
    }
    return place(e.id, kindOf.get(e.id) || 'context', g, lines, el);
  };

  const edges = new Map();
  const edge = (from, to, code, cmocId) => {
    const k = from.id + '\0' + to.id;
    if (!edges.has(k)) edges.set(k, { from, to, codes: [], cmocIds: [] });
    const e = edges.get(k);
    if (!e.codes.includes(code)) { e.codes.push(code); e.cmocIds.push(cmocId); }
  };
  for (const c of cmocs) {
    const stages = [c.contexts, c.mechanisms, c.outcomes].map((l) => l.map(elementNode)).filter((l) => l.length);
    if (stages.length === 1) {
      // one kind only: the CMOC is a node joined to its elements, so it still shows
      const g = groupOf.get(c.outcomes[0]?.id ?? '\0none');
      const cn = place(c.id, 'cmoc', g, wrap(`${c.code}: ${c.label || ''}`, CHARS, 3), c);
      for (const n of stages[0]) {
        if (n.kind === 'outcome') edge(cn, n, c.code, c.id); else edge(n, cn, c.code, c.id);
      }
      continue;
    }
    for (let i = 0; i + 1 < stages.length; i++) {
      for (const a of stages[i]) for (const b of stages[i + 1]) edge(a, b, c.code, c.id);
    }
  }
  // CHAINS_TO, as the exports draw it: dashed, from the first CMOC's first outcome (or its
  // last stage) to the next one's first context (or its first stage), within this theory
  const ends = new Map(cmocs.map((c) => {
    const stages = [c.contexts, c.mechanisms, c.outcomes].filter((l) => l.length);
    const node = (l) => nodes.get(c.id) || nodes.get(l[0].id);
    return [c.id, stages.length ? { first: node(stages[0]), last: node(stages.at(-1)) } : null];
  }));
  const chains = [];
  for (const c of cmocs) {
    for (const ch of c.chainsTo || []) {
      const from = ends.get(c.id), to = ends.get(ch.to.id);
      if (from && to) chains.push({ from: from.last, to: to.first, codes: [`${c.code} → ${ch.to.code}`], chain: true });
    }
  }
  for (const e of [...pt.contexts, ...pt.mechanisms, ...pt.outcomes]) {
    if (!nodes.has(e.id)) place(e.id, kindOf.get(e.id), unused, wrap(e.name, CHARS, 4), e);
  }

  // stack each band's columns; bands follow one another down the page
  const bands = [shared, ...groups, unused].filter((g) => g.nodes.length);
  let y = 10;
  for (const g of bands) {
    g.y = y;
    let bottom = y + 34;
    for (const kind of ['context', 'mechanism', 'outcome']) {
      let cy = y + 34;
      for (const n of g.nodes.filter((n) => n.kind === kind || (kind === 'mechanism' && n.kind === 'cmoc'))) {
        n.h = n.lines.length * LINE + PAD * 2;
        n.x = COL[n.kind];
        n.y = cy;
        cy += n.h + GAP;
      }
      bottom = Math.max(bottom, cy);
    }
    g.h = bottom - y;
    y = bottom + 16;
  }
  return { nodes: [...nodes.values()], edges: [...edges.values(), ...chains], bands, width: COL.outcome + W + 20, height: y, cmocs };
}

// draw renders a layout as an <svg>; onSelect(node) is called when an element is chosen.
export function draw(lay, title, onSelect) {
  const root = s('svg', {
    xmlns: 'http://www.w3.org/2000/svg', viewBox: `0 0 ${lay.width} ${lay.height}`, width: lay.width, height: lay.height,
    role: 'group', 'aria-label': `Diagram of ${title}: contexts, mechanisms and outcomes of ${lay.cmocs.length} CMOCs`,
    'font-family': FONT, 'font-size': 13,
  });
  root.append(s('title', null, title));
  root.append(s('defs', null, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
    s('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#555' }))));
  root.append(s('rect', { x: 0, y: 0, width: lay.width, height: lay.height, fill: '#ffffff' }));
  for (const g of lay.bands) {
    root.append(s('g', { class: 'band', 'data-group': g.key.replace(/\0/g, '') },
      s('rect', { x: 6, y: g.y, width: lay.width - 12, height: g.h, rx: 8, fill: g.loose ? 'none' : '#fafafa', stroke: '#bbbbbb', 'stroke-dasharray': g.loose ? '4 4' : null }),
      s('text', { x: 16, y: g.y + 20, 'font-weight': 600, fill: '#333' }, g.loose || g.key.startsWith('\0') ? g.title : `Outcome: ${g.title}`)));
  }
  const edgeLayer = s('g', { class: 'edges' });
  const labelLayer = s('g', { class: 'edge-labels' });
  for (const e of lay.edges) {
    const x1 = e.from.x + W, y1 = e.from.y + e.from.h / 2, x2 = e.to.x, y2 = e.to.y + e.to.h / 2;
    const mx = (x1 + x2) / 2;
    // a chain runs from an outcome back to a context: it loops round below both nodes
    const d = e.chain
      ? `M ${x1 - W / 2} ${e.from.y + e.from.h} C ${x1 - W / 2} ${Math.max(y1, y2) + 80}, ${x2 + W / 2} ${Math.max(y1, y2) + 80}, ${x2 + W / 2} ${e.to.y + e.to.h}`
      : `M ${x1} ${y1} C ${mx} ${y1}, ${mx} ${y2}, ${x2} ${y2}`;
    edgeLayer.append(s('path', {
      d, fill: 'none', stroke: e.chain ? '#7030a0' : '#777', 'stroke-width': 1.4, 'stroke-dasharray': e.chain ? '6 4' : null, 'marker-end': 'url(#arrow)',
      'data-cmocs': e.chain ? null : e.codes.join('|'), 'data-chain': e.chain ? e.codes[0] : null, 'data-from': e.from.id, 'data-to': e.to.id, class: 'edge',
    }, s('title', null, e.chain ? `Chain: ${e.codes[0]}` : e.codes.join(', '))));
    if (e.chain) continue; // its title names it; a label on the loop would sit on other nodes
    const text = e.codes.join(', ');
    const tw = text.length * 6.4 + 8;
    const lx = x2 - 12 - tw, ly = y2 - 4;
    labelLayer.append(s('g', { class: 'edge-label', 'data-cmocs': e.codes.join('|') },
      s('rect', { x: lx, y: ly - 11, width: tw, height: 15, rx: 3, fill: '#ffffff', 'fill-opacity': 0.85 }),
      s('text', { x: lx + 4, y: ly, 'font-size': 11, fill: '#333' }, text)));
  }
  root.append(edgeLayer);
  const nodeLayer = s('g', { class: 'nodes' });
  for (const n of lay.nodes) {
    const kindName = n.kind === 'cmoc' ? 'CMOC' : n.kind.charAt(0).toUpperCase() + n.kind.slice(1);
    const g = s('g', {
      class: 'node', tabindex: 0, role: 'button', 'data-id': n.id, 'data-kind': n.kind,
      'aria-label': `${kindName}: ${n.data.name || n.data.code}`,
      onclick: () => onSelect(n), onkeydown: (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); onSelect(n); } },
    },
    s('rect', { x: n.x, y: n.y, width: W, height: n.h, rx: 6, fill: FILL[n.kind], stroke: STROKE[n.kind], 'stroke-width': 1.5, class: 'node-box' }),
    n.lines.map((l, i) => s('text', {
      x: n.x + PAD, y: n.y + PAD + (i + 1) * LINE - 4, fill: typeof l === 'string' ? '#111' : '#555', 'font-size': typeof l === 'string' ? 13 : 11,
    }, typeof l === 'string' ? l : l.small)));
    nodeLayer.append(g);
  }
  root.append(nodeLayer);
  root.append(labelLayer);
  return root;
}

// serialize gives the SVG as a standalone file, whole whatever the zoom.
export function serialize(svgEl, width, height) {
  const copy = svgEl.cloneNode(true);
  copy.removeAttribute('style');
  copy.setAttribute('width', width);
  copy.setAttribute('height', height);
  copy.setAttribute('viewBox', `0 0 ${width} ${height}`);
  for (const el of copy.querySelectorAll('[tabindex]')) el.removeAttribute('tabindex');
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(copy);
}
