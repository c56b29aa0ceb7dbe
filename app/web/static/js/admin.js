// Organizer console: sign in with a key, pick an event, registrations with filters and counts, exports.
// Poll results and assignment: admin-results.js; e-mails and broadcasts: admin-messages.js; webhooks: admin-webhooks.js;
// approval: admin-approval.js; the registration form: admin-questions.js; invitation codes: admin-invitations.js.
import { ApiError, api, download, problemMessage } from './api.js';
import { onLangChange, t } from './i18n.js';
import { decisionCell, hasPending, initApproval, renderBar, renderSettings, selectCell } from './admin-approval.js';
import { initInvitations, loadInvitations } from './admin-invitations.js';
import { initMessages, loadMessages } from './admin-messages.js';
import { initQuestions, loadQuestions } from './admin-questions.js';
import { initResults, loadResults } from './admin-results.js';
import { initWebhooks, loadWebhooks } from './admin-webhooks.js';
import { forgetOrganizer, organizerKey, setOrganizerKey } from './session.js';
import { $, clearFormErrors, el, fmtDateTime, initPage, say } from './ui.js';

const PAGE = 50;
const ctx = { key: null, events: [], event: null, offset: 0, filters: {}, page: null, stats: null };

async function signIn(key) {
  await api('/organizer-keys?limit=1', { token: key }); // 401 wrong key, 403 a check-in-only key
  ctx.key = key;
  setOrganizerKey(key);
  const events = await api('/events?limit=500', { token: key });
  ctx.events = events.items;
  $('#signin').hidden = true;
  $('#console').hidden = false;
  $('#admin-nav').hidden = false;
  renderEventSelect();
  await selectEvent(Number(sessionStorage.getItem('seminar.adminEvent')) || ctx.events[0]?.id);
}

function renderEventSelect() {
  const select = $('#event-select');
  select.replaceChildren(...ctx.events.map((ev) => el('option', { value: String(ev.id), text: ev.title })));
  if (!ctx.events.length) select.append(el('option', { value: '', text: t('admin.noEvents') }));
}

async function selectEvent(id) {
  ctx.event = ctx.events.find((ev) => ev.id === id) || ctx.events[0] || null;
  if (!ctx.event) return;
  $('#event-select').value = String(ctx.event.id);
  sessionStorage.setItem('seminar.adminEvent', String(ctx.event.id));
  ctx.offset = 0;
  renderSettings();
  await Promise.all([loadRegistrations(), loadResults(ctx), loadMessages(ctx), loadWebhooks(ctx), loadQuestions(ctx),
    loadInvitations(ctx)]);
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
      el('th', { scope: 'row', text: `${r.first_name} ${r.last_name}` }), el('td', { text: r.email }),
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

async function loadRegistrations() {
  const params = new URLSearchParams({ limit: String(PAGE), offset: String(ctx.offset) });
  for (const [k, v] of Object.entries(ctx.filters)) if (v) params.set(k, v);
  try {
    const [page, stats] = await Promise.all([
      api(`/events/${ctx.event.id}/registrations?${params}`, { token: ctx.key }),
      api(`/events/${ctx.event.id}/registrations/stats`, { token: ctx.key }),
    ]);
    Object.assign(ctx, { page, stats });
    renderStats();
    renderRegistrations();
  } catch (err) {
    handle(err, $('#error'));
  }
}

export function handle(err, box) {
  if (err instanceof ApiError && err.status === 401) { signOut(t('admin.expired')); return; }
  say(box, problemMessage(err));
  box.focus();
}

function signOut(message = '') {
  forgetOrganizer();
  ctx.key = null;
  $('#console').hidden = true;
  $('#admin-nav').hidden = true;
  $('#signin').hidden = false;
  say($('#error'), message);
  $('#organizer-key').value = '';
  $('#organizer-key').focus();
}

async function exportList(format) {
  const status = $('#export-status');
  status.textContent = t('admin.downloading');
  try {
    const name = await download(`/events/${ctx.event.id}/registrations/export?format=${format}`, ctx.key,
      `${ctx.event.slug}-registrations.${format}`);
    status.textContent = t('admin.downloaded', { name });
  } catch (err) {
    status.textContent = '';
    handle(err, $('#error'));
  }
}

function wire() {
  $('#signin-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    clearFormErrors(form);
    const key = $('#organizer-key').value.trim();
    try {
      if (!key) throw new ApiError(401, {});
      await signIn(key);
      say($('#error'), '');
    } catch (err) {
      const input = $('#organizer-key');
      const known = err instanceof ApiError && [401, 403].includes(err.status);
      $('#key-error').textContent = known ? t(err.status === 403 ? 'admin.checkinKey' : 'admin.wrongKey') : problemMessage(err);
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  });
  $('#signout').addEventListener('click', () => signOut());
  $('#event-select').addEventListener('change', (e) => selectEvent(Number(e.target.value)));
  $('#filters').addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    ctx.filters = { status: data.get('status'), category: data.get('category'), q: String(data.get('q') || '').trim() };
    ctx.offset = 0;
    loadRegistrations();
  });
  $('#regs-prev').addEventListener('click', () => { ctx.offset = Math.max(0, ctx.offset - PAGE); loadRegistrations(); });
  $('#regs-next').addEventListener('click', () => { ctx.offset += PAGE; loadRegistrations(); });
  $('#export-csv').addEventListener('click', () => exportList('csv'));
  $('#export-xlsx').addEventListener('click', () => exportList('xlsx'));
}

async function main() {
  initPage();
  wire();
  initResults(ctx, handle);
  initMessages(ctx, handle);
  initWebhooks(ctx, handle);
  initApproval(ctx, handle, loadRegistrations);
  initQuestions(ctx, handle);
  initInvitations(ctx, handle);
  onLangChange(() => { renderStats(); renderRegistrations(); if (ctx.event) loadResults(ctx, { quiet: true }); });
  const saved = organizerKey();
  if (saved) {
    try { await signIn(saved); } catch (err) { signOut(problemMessage(err)); }
  } else {
    $('#organizer-key').focus();
  }
}

main();
