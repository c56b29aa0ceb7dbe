// Organizer console: one page with places (admin-places.js reads the address and shows one): the events
// (admin-events.js), an event's overview (admin-overview.js), then one place per task. This module draws the
// people place (registrations with filters and counts) and wires the others: the programme and the event's
// form (admin-setup.js, admin-sessions.js), polls and results (admin-polls.js, admin-results.js), the form and
// invitations (admin-questions.js, admin-invitations.js), the assignment (admin-assignment.js), printouts and
// exports (admin-exports.js), the door (admin-door.js) and the team (admin-team.js). Signing in, the event menu
// and the status line: admin-console.js (shared with /admin/messages).
import { api } from './api.js';
import { onLangChange, t } from './i18n.js';
import { decisionCell, hasPending, hasSelectable, initApproval, renderBar, selectCell } from './admin-approval.js';
import { ctx, handle, notify, renderEventSelect, selectEvent, startConsole } from './admin-console.js';
import { initInvitations, loadInvitations } from './admin-invitations.js';
import { initQuestions, loadQuestions } from './admin-questions.js';
import { initResults, loadResults } from './admin-results.js';
import { initSetup, loadSetup, placeEventForm } from './admin-setup.js'; // programme & polls: the event, sessions, polls
import { initSessions, loadSessions } from './admin-sessions.js';
import { initPolls, loadPolls } from './admin-polls.js';
import { initPeople, loadPeople, personLink, renderPerson } from './admin-people.js'; // people & exports
import { initAssignment, loadAssignment, renderAssignment } from './admin-assignment.js';
import { exportList, initExports, loadExports, renderExports } from './admin-exports.js';
import { eventCreated, renderEvents } from './admin-events.js';
import { loadMessagesPlace, loadOverview } from './admin-overview.js';
import { loadDoor } from './admin-door.js';
import { loadTeam } from './admin-team.js';
import { currentPlace, navigate, placePath, renderPlacesNav, showPlace, startPlaces } from './admin-places.js';
import { $, el, fmtDateTime } from './ui.js';

const PAGE = 50;
Object.assign(ctx, { offset: 0, filters: {}, page: null, stats: null });

/** The event chosen: every place of it follows (they are drawn once per event, shown one at a time). */
async function eventChanged() {
  if (!ctx.event) return;
  loadSetup(ctx);
  ctx.offset = 0;
  await Promise.all([loadRegistrations(), loadResults(ctx), loadQuestions(ctx), loadInvitations(ctx), loadSessions(ctx),
    loadPolls(ctx), loadPeople(), loadAssignment(ctx), loadExports(ctx)]);
}

function renderStats() {
  const s = ctx.stats;
  if (!s) return;
  const card = (key, n) => el('li', { class: 'card' }, el('span', { class: 'num', text: String(n) }), t(key));
  const approval = ctx.event?.requires_approval || s.pending || s.rejected;
  $('#stats').replaceChildren(card('stats.capacity', s.capacity), card('stats.confirmed', s.confirmed),
    card('stats.waitlisted', s.waitlisted), approval ? card('stats.pending', s.pending) : '',
    approval ? card('stats.rejected', s.rejected) : '', card('stats.cancelled', s.cancelled),
    s.reserved_seats ? card('stats.reserved', s.reserved_seats) : '', card('stats.seatsLeft', s.seats_left));
  const statuses = approval ? ['confirmed', 'waitlisted', 'pending', 'cancelled'] : ['confirmed', 'waitlisted', 'cancelled'];
  const rows = Object.entries(s.by_category || {});
  $('#by-category').replaceChildren(...(rows.length ? [el('table', {},
    el('caption', { text: t('stats.byCategory') }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('field.category') }),
      statuses.map((st) => el('th', { scope: 'col', class: 'num', text: t(`stats.${st}`) })))),
    el('tbody', {}, rows.map(([category, counts]) => el('tr', {}, el('th', { scope: 'row', text: t(`category.${category}`) }),
      statuses.map((st) => el('td', { class: 'num', text: String(counts?.[st] ?? 0) }))))))] : []));
}

function statusBadge(reg) {
  const kind = { confirmed: 'ok', waitlisted: 'warn', pending: 'warn', cancelled: 'err', rejected: 'err' }[reg.status];
  const text = reg.status === 'waitlisted' && reg.waitlist_position ? `${t('status.waitlisted')} #${reg.waitlist_position}` : t(`status.${reg.status}`);
  return el('span', { class: `badge ${kind}`, text });
}

function renderRegistrations() {
  const page = ctx.page;
  if (!page) return;
  const tz = ctx.event.timezone;
  const head = ['admin.colName', 'field.email', 'field.organization', 'field.category', 'admin.status', 'admin.colRegistered'];
  const deciding = hasPending(page); // approve / reject buttons
  const selecting = hasSelectable(page); // a selection column for the bulk buttons
  const table = el('table', {}, el('caption', { class: 'visually-hidden', text: t('admin.regsHeading') }),
    el('thead', {}, el('tr', {}, selecting ? el('th', { scope: 'col' }, el('span', { class: 'visually-hidden', text: t('approve.colSelect') })) : null,
      head.map((key) => el('th', { scope: 'col', text: t(key) })), deciding ? el('th', { scope: 'col', text: t('approve.colDecision') }) : null)),
    el('tbody', {}, page.items.map((r) => el('tr', { 'data-registration-id': String(r.id) },
      selecting ? selectCell(r) : null,
      el('th', { scope: 'row' }, personLink(r)), el('td', { text: r.email }),
      el('td', {}, r.organization, r.partnership ? el('span', { class: 'hint', text: r.partnership }) : null),
      el('td', { text: t(`category.${r.category}`) }), el('td', {}, statusBadge(r)),
      el('td', { text: fmtDateTime(r.created_at, tz) }), deciding ? decisionCell(r) : null))));
  $('#regs-table').replaceChildren(page.items.length ? table : el('p', { class: 'muted', text: t('admin.noRegs') }));
  const from = page.total ? page.offset + 1 : 0;
  $('#regs-count').textContent = t('admin.showing', { from, to: page.offset + page.items.length, total: page.total });
  $('#regs-prev').disabled = page.offset === 0;
  $('#regs-next').disabled = page.offset + PAGE >= page.total;
  renderBar();
}

let loading = 0; // only the newest answer is shown: another event chosen meanwhile must not get this one's list

async function loadRegistrations() {
  const params = new URLSearchParams({ limit: String(PAGE), offset: String(ctx.offset) });
  for (const [k, v] of Object.entries(ctx.filters)) if (v) params.set(k, v);
  loading += 1;
  const mine = loading;
  try {
    const [page, stats] = await Promise.all([
      api(`/events/${ctx.event.id}/registrations?${params}`, { token: ctx.key }),
      api(`/events/${ctx.event.id}/registrations/stats`, { token: ctx.key }),
    ]);
    if (mine !== loading) return;
    Object.assign(ctx, { page, stats });
    renderStats();
    renderRegistrations();
  } catch (err) {
    handle(err, $('#error'));
  }
}

function wire() {
  $('#filters').addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    ctx.filters = { status: data.get('status'), category: data.get('category'), q: String(data.get('q') || '').trim(),
      organization: String(data.get('organization') || '').trim() };
    ctx.offset = 0;
    loadRegistrations();
  });
  $('#regs-prev').addEventListener('click', () => { ctx.offset = Math.max(0, ctx.offset - PAGE); loadRegistrations(); });
  $('#regs-next').addEventListener('click', () => { ctx.offset += PAGE; loadRegistrations(); });
  $('#export-csv').addEventListener('click', () => exportList('csv'));
  $('#export-xlsx').addEventListener('click', () => exportList('xlsx'));
}

/** In the other language: the places nav and the place drawn when shown. */
function redrawPlace() {
  const { eventId, place } = currentPlace();
  if (!ctx.key && !ctx.user) return;
  if (eventId === null || !ctx.event) { renderEvents(ctx); showPlace('events'); return; }
  renderPlacesNav(eventId, place);
  showPlace(place, ctx.event.title);
  if (place !== 'programme') ON_SHOW[place]?.();
}

function init() {
  wire();
  initResults(ctx, handle);
  initApproval(ctx, handle, loadRegistrations);
  initQuestions(ctx, handle);
  initInvitations(ctx, handle);
  initPeople(ctx, handle, loadRegistrations);
  initAssignment(ctx, handle, notify);
  initExports(ctx, handle, notify);
  initSetup(ctx, handle, async (id) => { eventCreated(); renderEventSelect(); await navigate(placePath(id, 'programme')); });
  initSessions(ctx, handle);
  initPolls(ctx, handle);
  onLangChange(() => { renderStats(); renderRegistrations(); if (ctx.event) loadResults(ctx); });
  onLangChange(() => { renderPerson(); renderAssignment(); renderExports(); redrawPlace(); });
}

// Places drawn when shown (their figures change while the organizer works elsewhere).
const ON_SHOW = {
  overview: () => loadOverview(ctx),
  messages: () => loadMessagesPlace(ctx),
  door: () => loadDoor(ctx, handle),
  team: () => loadTeam(ctx, handle),
  programme: () => placeEventForm('edit', $('#setup')),
  exports: () => $('#exports-people').replaceChildren(t('console.exportsPeople'), ' ',
    el('a', { href: placePath(ctx.event.id, 'people'), text: t('console.people') })),
};

/** Show the place the address names; an event the sign-in cannot see leads back to the events. */
async function show({ eventId, place }, { focus }) {
  const known = eventId !== null && ctx.events.some((ev) => ev.id === eventId);
  if (!known) {
    renderPlacesNav(null);
    renderEvents(ctx, { missing: eventId });
    showPlace('events');
  } else {
    const shown = PLACE_OK.has(place) ? place : 'overview';
    if (ctx.event?.id !== eventId) await selectEvent(eventId);
    renderPlacesNav(eventId, shown);
    showPlace(shown, ctx.event.title);
    await ON_SHOW[shown]?.();
  }
  if (focus) document.querySelector('.place:not([hidden]) h2')?.focus();
}

const PLACE_OK = new Set(['overview', 'programme', 'people', 'form', 'polls', 'assignment', 'messages', 'exports', 'door', 'team']);
let started = false;

async function start() {
  if (started) { await show(currentPlace(), { focus: false }); return; }
  started = true;
  await startPlaces(show);
}

/** The event menu: the same place of the other event. */
function choose(id) {
  const { place } = currentPlace();
  return navigate(placePath(id, place === 'events' ? 'overview' : place));
}

startConsole({ init, eventChanged, start, choose });
