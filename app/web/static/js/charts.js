// Bar charts as plain HTML + CSS: every bar also prints its number, so nothing is colour-only.
import { el } from './ui.js';

/** rows: [{label, value, text, kind?, badge?}]; max: the value of a full bar. */
export function barChart(rows, { max, label }) {
  const top = max ?? Math.max(1, ...rows.map((r) => r.value));
  return el('ul', { class: 'chart', 'aria-label': label }, rows.map((row) => {
    const fill = el('div', { class: `fill ${row.kind || ''}` });
    fill.style.width = `${Math.max(0, Math.min(100, (row.value / top) * 100))}%`; // CSSOM: allowed by the CSP
    return el('li', {},
      el('span', {}, row.label, row.badge ? ' ' : null, row.badge || null),
      el('div', {}, el('div', { class: 'track', 'aria-hidden': 'true' }, fill), el('span', { class: 'value', text: row.text })));
  }));
}

/** A small grouped chart: for each metric, one bar per series (values are shares 0..1). */
export function groupedShares(groups, series, format) {
  const legend = el('ul', { class: 'legend', 'aria-hidden': 'true' },
    series.map((s) => el('li', {}, el('span', { class: `swatch ${s.kind || ''}` }), s.label)));
  const parts = [legend];
  for (const group of groups) {
    parts.push(el('h4', { text: group.label }));
    parts.push(barChart(series.map((s) => ({
      label: s.label, value: group.values[s.key], text: format(group.values[s.key]), kind: s.kind,
    })), { max: 1, label: group.label }));
  }
  return el('div', { class: 'grouped' }, parts);
}
