// Organizer console: invitation codes of the event. Make one (the code is shown once, with a
// copy button), see uses and held seats, withdraw one (its unused held seats go back to the public).
import { ApiError, api } from './api.js';
import { notify } from './admin-console.js';
import { confirmAction } from './confirm.js';
import { checkbox, field, showProblem } from './formkit.js';
import { onLangChange, t } from './i18n.js';
import { $, clearFormErrors, el, fmtDateTime, say, zonedToUtc } from './ui.js';

const state = { ctx: null, handle: null, items: [], eventId: null };

function stateOf(inv) {
  if (inv.revoked_at) return ['invites.revoked', 'err'];
  if (inv.expires_at && Date.parse(inv.expires_at) <= Date.now()) return ['invites.expired', 'err'];
  if (inv.used >= inv.uses) return ['invites.usedUp', 'warn'];
  return ['invites.active', 'ok'];
}

const nameOf = (inv) => inv.label || t('invites.unnamed', { id: inv.id });

function row(inv) {
  const tz = state.ctx.event.timezone;
  const [key, kind] = stateOf(inv);
  const who = [inv.email, inv.organization].filter(Boolean).join(' · ') || t('invites.anyone');
  let action = null;
  if (!inv.revoked_at) {
    action = el('button', { type: 'button', class: 'small danger', text: t('invites.revoke'),
      'aria-label': t('invites.revokeLabel', { item: nameOf(inv) }) });
    action.addEventListener('click', () => revoke(inv, action));
  }
  return el('tr', { 'data-invitation-id': String(inv.id) },
    el('th', { scope: 'row', text: nameOf(inv) }), el('td', { text: who }),
    el('td', { class: 'num', text: t('invites.ofTotal', { n: inv.used, total: inv.uses }) }),
    el('td', { class: 'num', text: inv.reserved_seats ? t('invites.ofTotal', { n: inv.reserved_used, total: inv.reserved_seats }) : '–' }),
    el('td', { text: inv.expires_at ? fmtDateTime(inv.expires_at, tz) : t('invites.noExpiry') }),
    el('td', {}, el('span', { class: `badge ${kind}`, text: t(key) }),
      inv.outside_window ? el('span', { class: 'hint', text: t('invites.outsideWindowShort') }) : null),
    el('td', {}, action));
}

function render() {
  if (!state.ctx?.event) return;
  const head = ['invites.colLabel', 'invites.colFor', 'invites.colUses', 'invites.colHeld', 'invites.colExpires', 'invites.colState', 'invites.colActions'];
  $('#invites-table').replaceChildren(state.items.length ? el('table', {},
    el('caption', { class: 'visually-hidden', text: t('invites.heading') }),
    el('thead', {}, el('tr', {}, head.map((k) => el('th', { scope: 'col', text: t(k) })))),
    el('tbody', {}, state.items.map(row))) : el('p', { class: 'muted', text: t('invites.none') }));
  renderForm();
}

/** The form, keeping what was typed when it is drawn again (e.g. in the other language). */
function renderForm() {
  const tz = state.ctx.event.timezone;
  const old = $('#invite-form');
  const kept = old ? [...old.elements].filter((n) => n.id && n.name).map((n) => [n.id, n.type === 'checkbox' ? n.checked : n.value]) : [];
  const form = el('form', { id: 'invite-form', 'aria-labelledby': 'invite-add-heading', novalidate: true },
    el('div', { id: 'invite-error', class: 'alert error', role: 'alert', tabindex: '-1' }),
    el('div', { class: 'grid-2' },
      field({ id: 'i-label', name: 'label', label: t('invites.label'), hint: t('invites.labelHint'), attrs: { maxlength: '200' } }),
      field({ id: 'i-uses', name: 'uses', label: t('invites.uses'), type: 'number', required: true, value: '1',
        attrs: { min: '1', step: '1', inputmode: 'numeric' } }),
      field({ id: 'i-email', name: 'email', label: t('invites.email'), type: 'email', hint: t('invites.emailHint'), attrs: { maxlength: '254' } }),
      field({ id: 'i-organization', name: 'organization', label: t('invites.organization'), hint: t('invites.organizationHint'), attrs: { maxlength: '200' } }),
      field({ id: 'i-reserved', name: 'reserved_seats', label: t('invites.reserved'), type: 'number', value: '0',
        hint: t('invites.reservedHint'), attrs: { min: '0', step: '1', inputmode: 'numeric' } }),
      field({ id: 'i-expires', name: 'expires_at', label: t('invites.expires'), type: 'datetime-local', hint: t('invites.expiresHint', { tz }) })),
    checkbox({ id: 'i-outside', name: 'outside_window', label: t('invites.outsideWindow'), checked: true, hint: t('invites.outsideWindowHint') }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', id: 'invite-create', text: t('invites.create') })));
  form.addEventListener('submit', create);
  for (const [id, value] of kept) {
    const node = form.querySelector(`#${id}`);
    if (node && node.type === 'checkbox') node.checked = value;
    else if (node) node.value = value;
  }
  $('#invite-editor').replaceChildren(form);
}

export async function loadInvitations(ctx) {
  if (!ctx.event) return;
  if (state.eventId !== ctx.event.id) { // the code of another event is not shown any longer
    state.eventId = ctx.event.id;
    $('#invite-editor').replaceChildren();
    $('#invite-code-box').hidden = true;
    $('#invite-code-box').replaceChildren();
  }
  try {
    state.items = await api(`/events/${ctx.event.id}/invitations`, { token: ctx.key });
    say($('#invites-error'), '');
    render();
  } catch (err) {
    state.handle(err, $('#invites-error'));
  }
}

function body(form) {
  const data = new FormData(form);
  const text = (name) => String(data.get(name) ?? '').trim();
  const out = { uses: text('uses') === '' ? null : Number(text('uses')), reserved_seats: Number(text('reserved_seats') || 0),
    outside_window: $('#i-outside').checked };
  for (const name of ['label', 'email', 'organization']) if (text(name)) out[name] = text(name);
  if (text('expires_at')) out.expires_at = zonedToUtc(text('expires_at'), state.ctx.event.timezone);
  return out;
}

function showCode(created) {
  const box = $('#invite-code-box');
  const status = el('span', { role: 'status' });
  const copy = el('button', { type: 'button', class: 'secondary', text: t('invites.copy') });
  const code = el('p', { class: 'secret', id: 'invite-code', text: created.code });
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(created.code);
      status.textContent = t('invites.copied');
    } catch {
      getSelection().selectAllChildren(code);
      status.textContent = t('invites.copyManually');
    }
  });
  box.replaceChildren(el('p', {}, el('strong', { text: t('invites.codeHeading', { item: nameOf(created) }) }), ' ',
    el('span', { text: t('invites.codeHint') })), code, el('div', { class: 'actions' }, copy, status));
  box.hidden = false;
  box.focus();
}

/** 409 when the event has fewer free seats than the block to hold: say how many are free. */
function messageFor(name, error) {
  if (name === 'reserved_seats' && error.type === 'conflict') {
    const free = /Only (\d+)/.exec(error.msg || '');
    return t('invites.notEnoughSeats', { n: free ? free[1] : '0' });
  }
  return null;
}

async function create(event) {
  event.preventDefault();
  const form = event.currentTarget;
  clearFormErrors(form);
  const box = $('#invite-error');
  say(box, '');
  try {
    const created = await api(`/events/${state.ctx.event.id}/invitations`, { method: 'POST', token: state.ctx.key, body: body(form) });
    notify(t('invites.created', { item: nameOf(created) }));
    $('#invite-editor').replaceChildren(); // a fresh form for the next code
    await loadInvitations(state.ctx);
    showCode(created);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) state.handle(err, box);
    else showProblem(form, box, err, { messageFor });
  }
}

async function revoke(inv, opener) {
  const ok = await confirmAction({ heading: t('invites.revokeHeading'), text: t('invites.revokeText', { item: nameOf(inv) }),
    confirm: t('invites.revokeConfirm'), opener });
  if (!ok) return;
  try {
    await api(`/invitations/${inv.id}/revoke`, { method: 'POST', token: state.ctx.key });
    notify(t('invites.revokedDone', { item: nameOf(inv) }));
    await loadInvitations(state.ctx);
    $('#invites-heading').focus();
  } catch (err) {
    state.handle(err, $('#invites-error'));
  }
}

export function initInvitations(ctx, handle) {
  Object.assign(state, { ctx, handle });
  onLangChange(render);
}
