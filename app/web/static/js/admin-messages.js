// Organizer messages page (/admin/messages): the event's outbox (waiting, sent, failed; retry; read one
// message) and a message to a filtered set of participants (count first, then send).
import { api } from './api.js';
import { notify } from './admin-console.js';
import { has, onLangChange, t } from './i18n.js';
import { $, clearFormErrors, el, fmtDateTime, plural, say, showFormProblem } from './ui.js';

const PAGE = 50;
const state = { ctx: null, handle: null, page: null, offset: 0, status: '', sessions: [], counted: null };

/** "registration.created" -> its name in the current language (the code itself when there is none). */
export function noticeName(kind) {
  return has(`notice.${kind}`) ? t(`notice.${kind}`) : kind;
}

export function deliveryBadge(status) {
  const kind = { sent: 'ok', pending: 'warn', failed: 'err' }[status] || '';
  return el('span', { class: `badge ${kind}`, text: has(`outbox.${status}`) ? t(`outbox.${status}`) : status });
}

// ---- outbox -------------------------------------------------------------------------------------

function when(iso) { return iso ? fmtDateTime(iso, state.ctx.event.timezone) : '–'; }

function actions(m) {
  const view = el('button', { type: 'button', class: 'small secondary', text: t('outbox.view'),
    'aria-label': t('outbox.viewLabel', { subject: m.subject, to: m.to }) });
  view.addEventListener('click', () => showMessage(m.id, view));
  if (m.status !== 'failed') return el('div', { class: 'item-buttons' }, view);
  const retry = el('button', { type: 'button', class: 'small', text: t('outbox.retry'),
    'aria-label': t('outbox.retryLabel', { subject: m.subject, to: m.to }) });
  retry.addEventListener('click', () => retryMessage(m));
  return el('div', { class: 'item-buttons' }, view, retry);
}

function renderOutbox() {
  const page = state.page;
  if (!page || !state.ctx.event) return;
  const head = ['outbox.created', 'outbox.to', 'outbox.kind', 'outbox.subject', 'outbox.state', 'outbox.attempts',
    'outbox.lastError', 'outbox.sentAt', 'outbox.actions'];
  const table = el('table', {}, el('caption', { class: 'visually-hidden', text: t('outbox.heading') }),
    el('thead', {}, el('tr', {}, head.map((key) => el('th', { scope: 'col', text: t(key) })))),
    el('tbody', {}, page.items.map((m) => el('tr', { 'data-message-id': String(m.id) },
      el('td', { text: when(m.created_at) }), el('td', { text: m.to }), el('td', { text: noticeName(m.kind) }),
      el('th', { scope: 'row', text: m.subject }), el('td', {}, deliveryBadge(m.status)),
      el('td', { class: 'num', text: String(m.attempts) }), el('td', { text: m.last_error || '' }),
      el('td', { text: when(m.sent_at) }), el('td', {}, actions(m))))));
  $('#outbox-table').replaceChildren(page.items.length ? table : el('p', { class: 'muted', text: t('outbox.none') }));
  const from = page.total ? page.offset + 1 : 0;
  $('#outbox-count').textContent = t('admin.showing', { from, to: page.offset + page.items.length, total: page.total });
  $('#outbox-prev').disabled = page.offset === 0;
  $('#outbox-next').disabled = page.offset + PAGE >= page.total;
}

async function loadOutbox() {
  const { ctx } = state;
  if (!ctx.event) return;
  const params = new URLSearchParams({ limit: String(PAGE), offset: String(state.offset) });
  if (state.status) params.set('status', state.status);
  const eventId = ctx.event.id;
  try {
    const page = await api(`/events/${eventId}/messages?${params}`, { token: ctx.key });
    if (ctx.event?.id !== eventId) return; // another event was chosen meanwhile
    state.page = page;
    say($('#outbox-error'), '');
    renderOutbox();
  } catch (err) {
    state.handle(err, $('#outbox-error'));
  }
}

async function retryMessage(m) {
  try {
    await api(`/messages/${m.id}/retry`, { method: 'POST', token: state.ctx.key });
    notify(t('outbox.retried', { to: m.to }));
    await loadOutbox();
  } catch (err) {
    state.handle(err, $('#outbox-error'));
  }
}

async function showMessage(id, opener) {
  try {
    const m = await api(`/messages/${id}`, { token: state.ctx.key });
    $('#message-dialog-heading').textContent = m.subject;
    $('#message-dialog-meta').textContent = `${t('outbox.to')}: ${m.to} · ${noticeName(m.kind)} · ${m.language} · ${t(`outbox.${m.status}`)}`;
    $('#message-dialog-text').textContent = m.text;
    const dialog = $('#message-dialog');
    dialog.addEventListener('close', () => opener.focus(), { once: true });
    dialog.showModal();
  } catch (err) {
    state.handle(err, $('#outbox-error'));
  }
}

// ---- broadcast --------------------------------------------------------------------------------

/** What counting or sending did: beside the buttons, and said in the status line. */
function note(text) {
  $('#broadcast-status').textContent = text;
  if (text) notify(text);
}

function renderSessions() {
  const select = $('#b-session');
  const chosen = select.value;
  const tz = state.ctx.event?.timezone;
  select.replaceChildren(el('option', { value: '', text: t('broadcast.anySession') }),
    ...state.sessions.map((s) => el('option', { value: String(s.id), text: `${s.title} (${fmtDateTime(s.starts_at, tz)})` })));
  if (state.sessions.some((s) => String(s.id) === chosen)) select.value = chosen;
}

function broadcastBody(form) {
  const data = new FormData(form);
  const body = { subject: String(data.get('subject') || '').trim(), text: String(data.get('text') || ''),
    status: data.get('status') || 'confirmed' };
  const category = data.get('category');
  const organization = String(data.get('organization') || '').trim();
  const session = Number(data.get('session_id'));
  if (category) body.category = category;
  if (organization) body.organization = organization;
  if (session) body.session_id = session;
  return body;
}

function renderBroadcast() {
  const send = $('#broadcast-send');
  const n = state.counted?.recipients ?? 0;
  send.disabled = !state.counted || n === 0;
  send.textContent = state.counted ? plural('broadcast.sendTo', n) : t('broadcast.sendNone');
}

async function countRecipients(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const box = $('#broadcast-error');
  clearFormErrors(form);
  say(box, '');
  state.counted = null;
  const body = broadcastBody(form);
  try {
    const answer = await api(`/events/${state.ctx.event.id}/broadcasts`, { method: 'POST', token: state.ctx.key,
      body: { ...body, dry_run: true } });
    state.counted = { json: JSON.stringify(body), recipients: answer.recipients };
    note(plural('broadcast.counted', answer.recipients));
  } catch (err) {
    note('');
    if (err.status === 401) state.handle(err, box); else showFormProblem(form, box, err);
  }
  renderBroadcast();
}

async function sendBroadcast() {
  const form = $('#broadcast-form');
  const box = $('#broadcast-error');
  const body = broadcastBody(form);
  if (!state.counted || state.counted.json !== JSON.stringify(body)) { forgetCount(); return; }
  const button = $('#broadcast-send');
  button.disabled = true;
  try {
    const answer = await api(`/events/${state.ctx.event.id}/broadcasts`, { method: 'POST', token: state.ctx.key,
      body: { ...body, dry_run: false } });
    state.counted = null;
    form.reset();
    note(plural('broadcast.sent', answer.recipients));
    $('#b-subject').focus();
    await loadOutbox();
  } catch (err) {
    if (err.status === 401) state.handle(err, box); else showFormProblem(form, box, err);
  }
  renderBroadcast();
}

/** Any change after counting asks for a new count before anything can be sent. */
function forgetCount() {
  if (!state.counted) return;
  if (state.counted.json === JSON.stringify(broadcastBody($('#broadcast-form')))) return;
  state.counted = null;
  note(t('broadcast.recount'));
  renderBroadcast();
}

// ---- wiring -------------------------------------------------------------------------------------

export function initMessages(ctx, handle) {
  Object.assign(state, { ctx, handle });
  $('#outbox-filters').addEventListener('submit', (event) => {
    event.preventDefault();
    state.status = $('#outbox-status').value;
    state.offset = 0;
    loadOutbox();
  });
  $('#outbox-prev').addEventListener('click', () => { state.offset = Math.max(0, state.offset - PAGE); loadOutbox(); });
  $('#outbox-next').addEventListener('click', () => { state.offset += PAGE; loadOutbox(); });
  $('#message-dialog-close').addEventListener('click', () => $('#message-dialog').close());
  const form = $('#broadcast-form');
  form.addEventListener('submit', countRecipients);
  form.addEventListener('input', forgetCount);
  form.addEventListener('change', forgetCount);
  $('#broadcast-send').addEventListener('click', sendBroadcast);
  onLangChange(() => { renderOutbox(); renderSessions(); renderBroadcast(); });
}

/** On sign-in and whenever another event is chosen. */
export async function loadMessages(ctx) {
  state.offset = 0;
  state.counted = null;
  note('');
  renderBroadcast();
  try {
    const sessions = await api(`/events/${ctx.event.id}/sessions?limit=500`, { token: ctx.key });
    state.sessions = sessions.items;
  } catch {
    state.sessions = [];
  }
  renderSessions();
  await loadOutbox();
}
