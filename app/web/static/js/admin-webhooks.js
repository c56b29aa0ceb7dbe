// Organizer messages page (/admin/messages): webhook endpoints (list, add, delete) and each one's delivery log.
// The signing secret comes only in the answer to the creation, so it is shown once, here.
import { api } from './api.js';
import { notify } from './admin-console.js';
import { onLangChange, t } from './i18n.js';
import { deliveryBadge, noticeName } from './admin-messages.js';
import { $, clearFormErrors, el, fmtDateTime, say, showFormProblem } from './ui.js';

export const EVENT_TYPES = [
  'registration.created', 'registration.approved', 'registration.rejected', 'registration.promoted',
  'registration.cancelled', 'registration.erased',
  'enrollment.created', 'enrollment.promoted', 'assignment.committed', 'checkin.created',
  'poll.opened', 'poll.published',
];
const LOG_SIZE = 50;
const state = { ctx: null, handle: null, hooks: [], log: null, logFor: null, deleting: null };

function when(iso) { return iso ? fmtDateTime(iso, state.ctx.event?.timezone || 'UTC') : '–'; }

function scopeText(hook) {
  if (hook.event_id === null) return t('webhooks.allEvents');
  return state.ctx.events.find((ev) => ev.id === hook.event_id)?.title || `#${hook.event_id}`;
}

function renderTypes() {
  const box = $('#webhook-types');
  const checked = new Set([...box.querySelectorAll('input:checked')].map((input) => input.value));
  box.replaceChildren(...EVENT_TYPES.map((type, i) => el('label', { class: 'check', for: `w-type-${i}` },
    el('input', { type: 'checkbox', id: `w-type-${i}`, name: 'type', value: type, checked: checked.has(type) }),
    el('span', {}, el('code', { text: type }), ` – ${noticeName(type)}`))));
}

function rowButtons(hook) {
  const log = el('button', { type: 'button', class: 'small secondary', text: t('webhooks.deliveries'),
    'aria-label': t('webhooks.deliveriesLabel', { url: hook.url }) });
  log.addEventListener('click', () => { state.logFor = hook; loadLog({ focus: true }); });
  const remove = el('button', { type: 'button', class: 'small danger', text: t('webhooks.delete'),
    'aria-label': t('webhooks.deleteLabel', { url: hook.url }) });
  remove.addEventListener('click', () => askDelete(hook));
  return el('div', { class: 'item-buttons' }, log, remove);
}

function renderHooks() {
  if (!state.ctx?.key) return;
  const head = ['webhooks.url', 'webhooks.events', 'webhooks.scope', 'outbox.created', 'outbox.actions'];
  const table = el('table', {}, el('caption', { class: 'visually-hidden', text: t('webhooks.heading') }),
    el('thead', {}, el('tr', {}, head.map((key) => el('th', { scope: 'col', text: t(key) })))),
    el('tbody', {}, state.hooks.map((hook) => el('tr', { 'data-webhook-id': String(hook.id) },
      el('th', { scope: 'row', class: 'url', text: hook.url }),
      el('td', {}, el('ul', { class: 'plain' }, hook.events.map((type) => el('li', {}, el('code', { text: type }))))),
      el('td', { text: scopeText(hook) }), el('td', { text: when(hook.created_at) }), el('td', {}, rowButtons(hook))))));
  $('#webhooks-table').replaceChildren(state.hooks.length ? table : el('p', { class: 'muted', text: t('webhooks.none') }));
}

function renderLog() {
  const hook = state.logFor;
  $('#deliveries').hidden = !hook || !state.log;
  if (!hook || !state.log) return;
  $('#deliveries-heading').textContent = t('webhooks.logHeading', { url: hook.url });
  const items = state.log.items;
  $('#deliveries-count').textContent = items.length ? t('webhooks.logCount', { n: items.length, total: state.log.total }) : '';
  const head = ['outbox.created', 'webhooks.type', 'outbox.state', 'outbox.attempts', 'webhooks.http',
    'outbox.lastError', 'outbox.sentAt'];
  const table = el('table', {}, el('caption', { class: 'visually-hidden', text: t('webhooks.logHeading', { url: hook.url }) }),
    el('thead', {}, el('tr', {}, head.map((key) => el('th', { scope: 'col', text: t(key) })))),
    el('tbody', {}, items.map((d) => el('tr', { 'data-delivery-id': String(d.id) },
      el('td', { text: when(d.created_at) }), el('th', { scope: 'row' }, el('code', { text: d.type })),
      el('td', {}, deliveryBadge(d.status)), el('td', { class: 'num', text: String(d.attempts) }),
      el('td', { class: 'num', text: d.response_status === null ? '–' : String(d.response_status) }),
      el('td', { text: d.last_error || '' }), el('td', { text: when(d.sent_at) })))));
  $('#deliveries-table').replaceChildren(items.length ? table : el('p', { class: 'muted', text: t('webhooks.noDeliveries') }));
}

async function loadLog({ focus = false } = {}) {
  if (!state.logFor) return;
  try {
    state.log = await api(`/webhooks/${state.logFor.id}/deliveries?limit=${LOG_SIZE}`, { token: state.ctx.key });
    renderLog();
    if (focus) $('#deliveries-heading').focus();
  } catch (err) {
    state.handle(err, $('#webhooks-error'));
  }
}

export async function loadWebhooks(ctx) {
  try {
    const page = await api('/webhooks?limit=500', { token: ctx.key });
    state.hooks = page.items;
    if (state.logFor && !state.hooks.some((h) => h.id === state.logFor.id)) Object.assign(state, { logFor: null, log: null });
    say($('#webhooks-error'), '');
    renderHooks();
    renderLog();
  } catch (err) {
    state.handle(err, $('#webhooks-error'));
  }
}

async function addWebhook(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const box = $('#webhook-error');
  clearFormErrors(form);
  say(box, '');
  $('#webhook-secret-box').hidden = true;
  const events = [...form.querySelectorAll('input[name="type"]:checked')].map((input) => input.value);
  const body = { url: $('#w-url').value.trim(), events };
  if ($('#w-scope').checked && state.ctx.event) body.event_id = state.ctx.event.id;
  try {
    const created = await api('/webhooks', { method: 'POST', token: state.ctx.key, body });
    form.reset();
    $('#webhook-secret').textContent = created.secret;
    $('#webhook-secret-status').textContent = '';
    $('#webhook-secret-box').hidden = false;
    $('#webhook-secret-box').focus();
    notify(t('webhooks.added', { url: created.url }));
    await loadWebhooks(state.ctx);
  } catch (err) {
    if (err.status === 401) state.handle(err, box); else showFormProblem(form, box, err);
  }
}

function askDelete(hook) {
  state.deleting = hook;
  $('#webhook-dialog-text').textContent = t('webhooks.deleteText', { url: hook.url });
  $('#webhook-dialog').showModal();
}

async function confirmDelete() {
  const hook = state.deleting;
  $('#webhook-dialog').close();
  if (!hook) return;
  try {
    await api(`/webhooks/${hook.id}`, { method: 'DELETE', token: state.ctx.key });
    notify(t('webhooks.deleted', { url: hook.url }));
    await loadWebhooks(state.ctx);
    $('#webhooks-heading').focus();
  } catch (err) {
    state.handle(err, $('#webhooks-error'));
  }
}

async function copySecret() {
  try {
    await navigator.clipboard.writeText($('#webhook-secret').textContent);
    $('#webhook-secret-status').textContent = t('webhooks.secretCopied');
    notify(t('webhooks.secretCopied'));
  } catch {
    const range = document.createRange();
    range.selectNodeContents($('#webhook-secret'));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    $('#webhook-secret-status').textContent = t('me.copyManually');
    notify(t('me.copyManually'));
  }
}

export function initWebhooks(ctx, handle) {
  Object.assign(state, { ctx, handle });
  renderTypes();
  $('#webhook-form').addEventListener('submit', addWebhook);
  $('#webhook-delete-confirm').addEventListener('click', confirmDelete);
  $('#webhook-delete-cancel').addEventListener('click', () => $('#webhook-dialog').close());
  $('#webhook-secret-copy').addEventListener('click', copySecret);
  onLangChange(() => { renderTypes(); renderHooks(); renderLog(); });
}
