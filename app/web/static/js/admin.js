// Organizer console (/admin): pick an event, registrations with filters and counts, exports. Signing in,
// the event menu and the status line: admin-console.js (shared with /admin/messages: e-mails, broadcasts,
// webhooks). Poll results: admin-results.js; the workshop assignment: admin-assignment.js;
// approval: admin-approval.js; the registration form: admin-questions.js; invitation codes: admin-invitations.js.
import { api } from './api.js';
import { onLangChange, t } from './i18n.js';
import { decisionCell, hasPending, initApproval, renderBar, selectCell } from './admin-approval.js';
import { ctx, handle, notify, renderEventSelect, selectEvent, startConsole } from './admin-console.js';
import { initInvitations, loadInvitations } from './admin-invitations.js';
import { initQuestions, loadQuestions } from './admin-questions.js';
import { initResults, loadResults } from './admin-results.js';
import { initSetup, loadSetup } from './admin-setup.js'; // programme & polls: the event, sessions, polls
import { initSessions, loadSessions } from './admin-sessions.js';
import { initPolls, loadPolls } from './admin-polls.js';
import { initPeople, loadPeople, personLink, renderPerson } from './admin-people.js'; // people & exports
import { initAssignment, loadAssignment, renderAssignment } from './admin-assignment.js';
import { exportList, initExports, loadExports, renderExports } from './admin-exports.js';
import { $, el, fmtDateTime } from './ui.js';

const PAGE = 50;
Object.assign(ctx, { offset: 0, filters: {}, page: null, stats: null });

/** The event chosen (or none yet): everything on the page follows it. */
async function eventChanged() {
  loadSetup(ctx);
  if (!ctx.event) return;
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
  const deciding = hasPending(page); // a selection column and approve / reject buttons
  const table = el('table', {}, el('caption', { class: 'visually-hidden', text: t('admin.regsHeading') }),
    el('thead', {}, el('tr', {}, deciding ? el('th', { scope: 'col' }, el('span', { class: 'visually-hidden', text: t('approve.colSelect') })) : null,
      head.map((key) => el('th', { scope: 'col', text: t(key) })), deciding ? el('th', { scope: 'col', text: t('approve.colDecision') }) : null)),
    el('tbody', {}, page.items.map((r) => el('tr', { 'data-registration-id': String(r.id) },
      deciding ? selectCell(r) : null,
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

function init() {
  wire();
  initResults(ctx, handle);
  initApproval(ctx, handle, loadRegistrations);
  initQuestions(ctx, handle);
  initInvitations(ctx, handle);
  initPeople(ctx, handle, loadRegistrations);
  initAssignment(ctx, handle, notify);
  initExports(ctx, handle, notify);
  initSetup(ctx, handle, async (id) => { renderEventSelect(); await selectEvent(id); });
  initSessions(ctx, handle);
  initPolls(ctx, handle);
  onLangChange(() => { renderStats(); renderRegistrations(); if (ctx.event) loadResults(ctx); });
  onLangChange(() => { renderPerson(); renderAssignment(); renderExports(); });
}

startConsole({ init, eventChanged });
