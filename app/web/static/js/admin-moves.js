// The assignment place's improve-only re-run: the list of moves a dry run found (who would move from which
// workshop to which, with the rank of each), shown before anything is written or e-mailed; and a line on what
// the networking options cost. Names come from the workshops' lists, else from the registrations.
import { api } from './api.js';
import { t } from './i18n.js';
import { $, el } from './ui.js';

async function namesOf(ctx, board, ids) {
  const names = new Map();
  for (const list of board.people.values()) for (const p of list) names.set(p.registration_id, `${p.first_name} ${p.last_name}`);
  if (ids.some((id) => !names.has(id))) {
    const page = await api(`/events/${ctx.event.id}/registrations?status=confirmed&limit=500`, { token: ctx.key });
    for (const r of page.items) names.set(r.id, `${r.first_name} ${r.last_name}`);
  }
  return names;
}

const place = (titles, id, rank) => (id === null || id === undefined ? t('moves.none')
  : `${titles.get(id) || `#${id}`}${rank ? ` (${t('moves.rank', { n: rank })})` : ''}`);

/** Draw the moves of an improve-only run (`run.moves`) into #plan-moves; nothing for other runs. */
export async function renderMoves(ctx, run, board, improving) {
  const box = $('#plan-moves');
  if (!run || !improving) { box.replaceChildren(); return; }
  const moves = run.moves || [];
  const titles = new Map(board.workshops.map((s) => [s.id, s.title]));
  const names = await namesOf(ctx, board, moves.map((m) => m.registration_id));
  const heading = el('h3', { id: 'plan-moves-heading', tabindex: '-1',
    text: t(run.dry_run ? 'moves.heading' : 'moves.writtenHeading', { n: moves.length }) });
  if (!moves.length) { box.replaceChildren(heading, el('p', { class: 'muted', i18n: 'moves.nobody' })); return; }
  const table = el('table', { id: 'plan-moves-table' }, el('caption', { text: t('moves.caption', { n: moves.length }) }),
    el('thead', {}, el('tr', {}, ['moves.person', 'moves.from', 'moves.to'].map((k) => el('th', { scope: 'col', text: t(k) })))),
    el('tbody', {}, moves.map((m) => el('tr', { 'data-registration-id': String(m.registration_id) },
      el('th', { scope: 'row', text: names.get(m.registration_id) || `#${m.registration_id}` }),
      el('td', { text: place(titles, m.from_session_id, m.from_rank) }), el('td', { text: place(titles, m.to_session_id, m.to_rank) })))));
  box.replaceChildren(heading, run.dry_run ? el('p', { class: 'alert warn', i18n: 'moves.notYet' }) : '',
    el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('moves.caption', { n: moves.length }) }, table));
}

/** What the networking options did: the largest groups with them and without, and the first choices it cost. */
export function networkingNote(run) {
  const n = run?.networking;
  if (!n) return null;
  return el('p', { id: 'plan-networking', text: t('moves.networking', {
    org: n.constrained.largest_organization_group, orgFree: n.unconstrained_groups.largest_organization_group,
    part: n.constrained.largest_partnership_group, partFree: n.unconstrained_groups.largest_partnership_group,
    cost: Math.round(n.first_choice_cost * 1000) / 10 }) });
}
