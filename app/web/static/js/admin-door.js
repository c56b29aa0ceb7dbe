// The door place: the check-in page for this event, and door links for volunteers: a check-in-only key
// limited to the event, opened on a phone from a link or its QR code (shown once), revocable at any time.
import { ApiError, api, problemMessage } from './api.js';
import { notify } from './admin-console.js';
import { confirmAction } from './confirm.js';
import { t } from './i18n.js';
import { itemButton, onSubmit, scrollRegion } from './admin-setup.js';
import { field } from './formkit.js';
import { $, el, fmtDateTime, say } from './ui.js';

const state = { ctx: null, handle: null, made: null };

/** What a 404 or 403 from the team API means here, in words. */
export function unavailable(err) {
  if (err instanceof ApiError && err.status === 404) return t('console.apiMissing');
  if (err instanceof ApiError && err.status === 403) return t('console.apiForbidden');
  return problemMessage(err);
}

function madeBox(link) {
  if (!link) return '';
  const qr = `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(link.qr_svg || '')))}`;
  return el('div', { id: 'door-link-made', class: 'alert warn', tabindex: '-1' },
    el('p', { text: t('cdoor.linkMade', { name: link.name }) }),
    el('p', {}, el('a', { href: link.url, id: 'door-link-url', text: link.url })),
    link.qr_svg ? el('img', { src: qr, alt: t('cdoor.qrAlt', { name: link.name }), width: '200', height: '200' }) : '');
}

function linksTable(items, tz) {
  const live = items.filter((l) => !l.revoked_at);
  if (!live.length) return el('p', { class: 'muted', id: 'door-links', i18n: 'cdoor.noLinks' });
  return scrollRegion(t('cdoor.linksCaption'), el('table', {}, el('caption', { text: t('cdoor.linksCaption') }),
    el('thead', {}, el('tr', {}, ['cdoor.colName', 'cdoor.colMade', 'cdoor.colUsed', 'sessions.colActions']
      .map((k) => el('th', { scope: 'col', text: t(k) })))),
    el('tbody', {}, live.map((l) => el('tr', { 'data-link-id': String(l.id) }, el('th', { scope: 'row', text: l.name }),
      el('td', { text: fmtDateTime(l.created_at, tz) }), el('td', { text: l.last_used_at ? fmtDateTime(l.last_used_at, tz) : '–' }),
      el('td', {}, itemButton(t('cdoor.revoke'), t('cdoor.revokeLabel', { name: l.name }), (b) => revoke(l, b), 'small danger')))))),
  'door-links');
}

async function render() {
  const { ctx } = state;
  const form = el('form', { id: 'door-link-form', novalidate: true, 'aria-labelledby': 'door-new-heading' },
    el('div', { id: 'door-link-form-error', class: 'alert error', role: 'alert', tabindex: '-1' }),
    field({ id: 'door-link-name', name: 'name', label: t('cdoor.linkName'), required: true, hint: t('cdoor.linkNameHint'),
      attrs: { maxlength: '200' } }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', i18n: 'cdoor.makeLink' })));
  onSubmit(form, () => make(form), state.handle);
  let list;
  try {
    list = linksTable((await api(`/events/${ctx.event.id}/door-links`, { token: ctx.key })).items, ctx.event.timezone);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) { state.handle(err, $('#error')); return; }
    list = el('p', { class: 'alert warn', id: 'door-links', text: unavailable(err) });
  }
  $('#door-body').replaceChildren(
    el('p', {}, el('a', { href: `/events/${ctx.event.id}/door`, id: 'door-page-link', class: 'button', i18n: 'console.doorPage' })),
    el('p', { class: 'muted', i18n: 'cdoor.linksHelp' }),
    el('h3', { id: 'door-links-heading', i18n: 'cdoor.linksHeading' }), list,
    el('h3', { id: 'door-new-heading', i18n: 'cdoor.newLink' }), form, madeBox(state.made));
}

async function make(form) {
  const name = form.elements.namedItem('name').value.trim();
  try {
    state.made = await api(`/events/${state.ctx.event.id}/door-links`, { method: 'POST', token: state.ctx.key, body: { name } });
  } catch (err) {
    if (err instanceof ApiError && [403, 404].includes(err.status)) { say($('#door-link-form-error'), unavailable(err)); return; }
    throw err;
  }
  await render();
  notify(t('cdoor.linkMade', { name }));
  $('#door-link-made').focus();
}

async function revoke(link, opener) {
  const ok = await confirmAction({ heading: t('cdoor.revokeHeading'), text: t('cdoor.revokeText', { name: link.name }),
    confirm: t('cdoor.revoke'), opener });
  if (!ok) return;
  try {
    await api(`/events/${state.ctx.event.id}/door-links/${link.id}`, { method: 'DELETE', token: state.ctx.key });
    state.made = null;
    await render();
    notify(t('cdoor.revoked', { name: link.name }));
    $('#door-links-heading').focus();
  } catch (err) {
    state.handle(err, $('#door-link-form-error'));
  }
}

export async function loadDoor(ctx, handle) {
  if (state.ctx?.event?.id !== ctx.event.id) state.made = null;
  Object.assign(state, { ctx, handle });
  await render();
}
