// Organizer console: who goes to which workshop. The assignment dry run laid out by day and time,
// "place everyone who didn't rank" (fill_unranked), the shares of first and top-3 choices (a chart) and
// the distribution of ranks beside first come, first served and the seats as they are now; after
// writing the seats, each workshop's people.
// `loadBoard` (the workshops and who holds a place in each) is shared with the person view.
import { ApiError, api } from './api.js';
import { showProblem } from './formkit.js';
import { networkingNote, renderMoves } from './admin-moves.js';
import { confirmAction } from './confirm.js';
import { t } from './i18n.js';
import { groupedShares } from './charts.js';
import { $, clearFormErrors, dayKey, el, fmtDay, fmtNumber, fmtPercent, fmtTime, say } from './ui.js';

const state = { ctx: null, handle: null, status: null, run: null, board: null };

async function allEnrollments(ctx, sessionId) {
  const items = [];
  for (;;) {
    const page = await api(`/sessions/${sessionId}/enrollments?limit=500&offset=${items.length}`, { token: ctx.key });
    items.push(...page.items);
    if (!page.items.length || items.length >= page.total) return items;
  }
}

/** The event's workshops in time order, and who holds a seat or a waiting-list place in each. */
export async function loadBoard(ctx) {
  const programme = await api(`/events/${ctx.event.id}/sessions?kind=workshop&limit=500`, { token: ctx.key });
  const workshops = programme.items;
  const lists = await Promise.all(workshops.map((s) => allEnrollments(ctx, s.id)));
  return { workshops, people: new Map(workshops.map((s, i) => [s.id, lists[i]])) };
}

/** Workshops grouped by day, then by time: [{day, label, times: [{label, items}]}] in time order. */
export function byDayAndTime(workshops, tz) {
  const days = [];
  for (const s of [...workshops].sort((a, b) => a.starts_at.localeCompare(b.starts_at) || a.id - b.id)) {
    const key = dayKey(s.starts_at, tz);
    let day = days.at(-1);
    if (!day || day.key !== key) { day = { key, label: fmtDay(s.starts_at, tz), times: [] }; days.push(day); }
    const label = `${fmtTime(s.starts_at, tz)}–${fmtTime(s.ends_at, tz)}`;
    let time = day.times.at(-1);
    if (!time || time.label !== label) { time = { label, items: [] }; day.times.push(time); }
    time.items.push(s);
  }
  return days;
}

/** A table that may be wider than a phone: in a region the keyboard can reach and scroll. */
export function scrollTable(label, table) {
  return el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': label }, table);
}

function seats(n, capacity) { return capacity === null || capacity === undefined ? String(n) : `${n} / ${capacity}`; }

function slotsTable(run, workshops, tz) {
  const fill = new Map(run.sessions.map((s) => [s.session_id, s]));
  const known = workshops.filter((s) => fill.has(s.id));
  return byDayAndTime(known, tz).map((day) => el('div', { class: 'plan-day' },
    el('h4', { text: day.label }),
    scrollTable(t('plan.slotsOf', { day: day.label }), el('table', { class: 'plan-slots' },
      el('caption', { class: 'visually-hidden', text: t('plan.slotsOf', { day: day.label }) }),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('plan.time') }),
        el('th', { scope: 'col', text: t('assign.workshop') }), el('th', { scope: 'col', text: t('plan.room') }),
        el('th', { scope: 'col', class: 'num', text: t('plan.seatsRun') }))),
      day.times.map((time) => el('tbody', {}, time.items.map((s, i) => el('tr', { 'data-session-id': String(s.id) },
        i === 0 ? el('th', { scope: 'rowgroup', rowspan: String(time.items.length), text: time.label }) : null,
        el('td', { text: s.title }), el('td', { text: s.room || '—' }),
        el('td', { class: 'num', text: seats(fill.get(s.id).assigned, s.capacity) })))))))));
}

function rankTable(run) {
  const columns = [run, run.baseline, run.current];
  const depth = Math.max(1, ...columns.map((f) => f.rank_counts.length));
  const rows = [];
  for (let r = 0; r < depth; r += 1) rows.push([t('plan.rank', { n: r + 1 }), columns.map((f) => f.rank_counts[r] ?? 0)]);
  rows.push([t('plan.unranked'), columns.map((f) => f.unranked_placements)]);
  rows.push([t('plan.nothing'), columns.map((f) => f.unassigned)]);
  return scrollTable(t('plan.ranksCaption'), el('table', { id: 'plan-ranks' },
    el('caption', { text: t('plan.ranksCaption') }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('plan.placement') }),
      ['plan.thisRun', 'assign.firstCome', 'plan.now'].map((k) => el('th', { scope: 'col', class: 'num', text: t(k) })))),
    el('tbody', {}, rows.map(([label, values]) => el('tr', {}, el('th', { scope: 'row', text: label }),
      values.map((v) => el('td', { class: 'num', text: String(v) })))))));
}

/** Shares of people who got their first choice, and one of their top 3: this run, first come first served, now. */
function shareChart(run) {
  const series = [{ key: 'run', label: t('plan.thisRun') }, { key: 'baseline', label: t('assign.firstCome'), kind: 'alt' },
    { key: 'current', label: t('plan.now'), kind: 'now' }];
  const values = (name) => ({ run: run[name], baseline: run.baseline[name], current: run.current[name] });
  const groups = [{ label: t('assign.firstChoice'), values: values('first_choice_share') },
    { label: t('assign.top3'), values: values('top3_share') }];
  return el('figure', { id: 'plan-chart' }, el('figcaption', { text: t('assign.chartCaption') }),
    groupedShares(groups, series, fmtPercent));
}

function renderRun() {
  const box = $('#plan-result');
  const run = state.run;
  if (!run || !state.board) { box.replaceChildren(); return; }
  const tz = state.ctx.event.timezone;
  box.replaceChildren(...[
    el('h3', { id: 'plan-result-heading', tabindex: '-1', text: t(run.dry_run ? 'plan.dryHeading' : 'plan.writtenHeading') }),
    el('p', { text: t('plan.summary', { assigned: run.assigned, participants: run.participants, prefs: run.with_preferences,
      seconds: fmtNumber(run.seconds, 2) }) + (run.optimal ? ` ${t('assign.proven')}` : '') }),
    run.unassigned ? el('p', { class: 'alert warn', text: t('plan.unplaced', { n: run.unassigned }) }) : null,
    networkingNote(run),
    shareChart(run),
    rankTable(run),
    el('h3', { text: t('plan.byDay') }),
    ...slotsTable(run, state.board.workshops, tz)].filter(Boolean)); // replaceChildren would print a null
}

/** Each workshop's people with a seat, by day and time (after writing the seats, or on request). */
function renderLists() {
  const box = $('#plan-lists');
  const board = state.board;
  if (!board) { box.replaceChildren(); return; }
  const tz = state.ctx.event.timezone;
  const name = (p) => `${p.first_name} ${p.last_name}`;
  box.replaceChildren(el('h3', { id: 'plan-lists-heading', tabindex: '-1', text: t('plan.listsHeading') }),
    ...byDayAndTime(board.workshops, tz).map((day) => el('div', { class: 'plan-day' }, el('h4', { text: day.label }),
      day.times.flatMap((time) => time.items.map((s) => {
        const seated = board.people.get(s.id).filter((p) => p.status === 'enrolled')
          .sort((a, b) => a.last_name.localeCompare(b.last_name, 'pl') || a.first_name.localeCompare(b.first_name, 'pl'));
        return el('section', { class: 'plan-list', 'aria-label': `${s.title}, ${time.label}`, 'data-session-id': String(s.id) },
          el('h5', { text: `${time.label} · ${s.title}` }),
          el('p', { class: 'muted', text: t('plan.listCount', { n: seated.length, seats: seats(seated.length, s.capacity) }) }),
          seated.length ? el('ul', { class: 'people' }, seated.map((p) => el('li', {}, el('span', { class: 'person-name', text: name(p) }),
            ` · ${p.organization}`))) : null);
      })))));
}

async function refreshBoard() {
  state.board = await loadBoard(state.ctx);
}

/** The form's options; improve-only goes without the limits and ranking by topic (the API refuses them together). */
function options() {
  const number = (id) => { const v = $(id).value.trim(); return v === '' ? null : Number(v); };
  const improving = $('#plan-improve').checked;
  const out = { fill_unranked: $('#plan-fill').checked };
  if ($('#plan-together').checked) out.keep_partnerships_together = true; // sent when asked for: plain runs stay plain
  if (improving) out.keep_improving_only = true;
  else {
    Object.assign(out, { topic_ranks: $('#plan-topics').checked });
    if (number('#plan-max-org') !== null) out.max_per_organization = number('#plan-max-org');
    if (number('#plan-max-partnership') !== null) out.max_per_partnership = number('#plan-max-partnership');
  }
  return out;
}

async function run(dryRun) {
  const button = dryRun ? $('#plan-dry') : $('#plan-commit');
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  state.status(t('assign.running'));
  try {
    const body = { method: 'optimal', dry_run: dryRun, ...options() };
    const before = state.board; // a written improve-only run names the seats people had before it
    state.run = await api(`/events/${state.ctx.event.id}/assignments`, { method: 'POST', token: state.ctx.key, body });
    await refreshBoard();
    say($('#plan-error'), '');
    clearFormErrors($('#plan-form'));
    await renderMoves(state.ctx, state.run, dryRun ? state.board : before || state.board, body.keep_improving_only);
    renderRun();
    if (dryRun) {
      $('#plan-lists').replaceChildren();
      state.status(t('plan.dryDone', { n: state.run.assigned }));
    } else {
      renderLists();
      state.status(t('plan.written', { n: state.run.assigned }));
    }
    $('#plan-commit').disabled = !dryRun;
    $('#plan-result-heading').focus();
  } catch (err) {
    state.status('');
    if (err instanceof ApiError && err.status === 422) showProblem($('#plan-form'), $('#plan-error'), err);
    else state.handle(err, $('#plan-error'));
    $('#plan-commit').disabled = true;
  } finally {
    button.removeAttribute('aria-busy');
    $('#plan-dry').disabled = false;
  }
}

async function showLists() {
  try {
    await refreshBoard();
    say($('#plan-error'), '');
    renderLists();
    $('#plan-lists-heading').focus();
  } catch (err) {
    state.handle(err, $('#plan-error'));
  }
}

/** A new event: forget the last run. */
export function loadAssignment(ctx) {
  state.ctx = ctx;
  state.run = null;
  state.board = null;
  $('#plan-commit').disabled = true;
  $('#plan-moves').replaceChildren();
  renderRun();
  renderLists();
  rankByTopicWhenTopicsRepeat(ctx);
}

/** Topics published on several days (the participant page ranks them as one choice): read by topic. */
async function rankByTopicWhenTopicsRepeat(ctx) {
  try {
    const programme = await api(`/events/${ctx.event.id}/sessions?kind=workshop&limit=500`, { token: ctx.key });
    const topics = programme.items.map((s) => s.topic_id).filter((id) => id !== null && id !== undefined);
    if (state.ctx === ctx) $('#plan-topics').checked = new Set(topics).size < topics.length;
  } catch { /* the dry run reports any error; the box keeps its state */ }
}

export function initAssignment(ctx, handle, status) {
  Object.assign(state, { ctx, handle, status });
  $('#plan-form').addEventListener('submit', (event) => { event.preventDefault(); run(true); });
  $('#plan-commit').addEventListener('click', async (event) => {
    const moving = $('#plan-improve').checked ? ` ${t('moves.commitText', { n: state.run?.moves?.length ?? 0 })}` : '';
    const sure = await confirmAction({ heading: t('admin.writeConfirmHeading'), text: t('plan.commitText') + moving,
      confirm: t('plan.commit'), opener: event.currentTarget });
    if (sure) run(false);
  });
  $('#plan-show').addEventListener('click', showLists);
}

/** Redraw in the other language. */
export function renderAssignment() { renderRun(); if ($('#plan-lists').childElementCount) renderLists(); }
