// Hand-drawn SVG charts. Each carries its numbers as text too, so they read without colour.
import { h, s } from './dom.js';

// bars draws a horizontal bar chart of {label, count, sub} rows.
export function bars(title, rows, { max = 12 } = {}) {
  const shown = rows.slice(0, max);
  const top = Math.max(1, ...shown.map((r) => r.count));
  const LW = 250, BW = 220, RH = 24;
  const height = shown.length * RH + 8;
  const svg = s('svg', { viewBox: `0 0 ${LW + BW + 60} ${height}`, class: 'chart', role: 'img', 'aria-label': `${title}: ${shown.map((r) => `${r.label} ${r.count}`).join('; ')}`, 'font-size': 12 },
    shown.map((r, i) => {
      const y = 4 + i * RH;
      const w = (r.count / top) * BW;
      const text = r.label.length > 33 ? r.label.slice(0, 32) + '…' : r.label;
      return s('g', null,
        s('title', null, `${r.label}: ${r.count} CMOC${r.count === 1 ? '' : 's'}${r.sub ? ', ' + r.sub : ''}`),
        s('text', { x: LW - 6, y: y + 15, 'text-anchor': 'end', fill: '#222' }, text),
        s('rect', { x: LW, y: y + 3, width: Math.max(1, w), height: RH - 8, rx: 2, fill: '#2e75b6' }),
        s('text', { x: LW + w + 4, y: y + 15, fill: '#222' }, String(r.count)));
    }));
  return h('figure', { class: 'card chart-card' }, h('figcaption', null, h('h3', null, title)), svg,
    rows.length > max ? h('p', { class: 'meta' }, `and ${rows.length - max} more`) : null);
}

// heat draws the element × study matrix as a table whose cells are shaded by count.
export function heat(matrix, caption) {
  const top = Math.max(1, ...matrix.rows.flatMap((r) => r.counts));
  return h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': caption },
    h('table', { class: 'heat' },
      h('caption', null, caption),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Element'),
        matrix.studies.map((st) => h('th', { scope: 'col', title: st.title }, shortStudy(st))), h('th', { scope: 'col' }, 'Total'))),
      h('tbody', null, matrix.rows.map((r) => h('tr', null,
        h('th', { scope: 'row' }, r.cluster.label),
        r.counts.map((n) => {
          const k = n / top;
          return h('td', { class: 'num', style: { background: n ? `rgba(46, 117, 182, ${0.12 + 0.78 * k})` : '', color: k > 0.55 ? '#fff' : '' } }, n ? String(n) : '');
        }),
        h('td', { class: 'num' }, String(r.total)))))));
}

function shortStudy(st) {
  const first = st.id.split('-')[0];
  return `${first.charAt(0).toUpperCase() + first.slice(1)} ${st.year ?? ''}`.trim();
}
