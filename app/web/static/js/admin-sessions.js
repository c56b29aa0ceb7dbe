// Organizer console: the event's programme. Sessions in time order (a table that scrolls on a phone),
// add one, edit or delete one; times are typed and shown in the event's time zone.
import { api } from './api.js';
import { notify } from './admin-console.js';
import { confirmAction } from './confirm.js';
import { onLangChange, t } from './i18n.js';
import { itemButton, keepValues, onSubmit, scrollRegion, specBody, specForm } from './admin-setup.js';
import { $, el, say, sessionWhen } from './ui.js';

const state = { ctx: null, handle: null, items: [], editing: null, eventId: null, selected: new Set() };
const KINDS = ['plenary', 'workshop', 'panel', 'break', 'meal', 'social'];

const FIELDS = [
  { name: 'title', required: true, attrs: { maxlength: '300' } },
  { name: 'kind', type: 'select', value: 'workshop' },
  { name: 'starts_at', type: 'datetime', required: true, hint: true },
  { name: 'ends_at', type: 'datetime', required: true, hint: true },
  { name: 'room', attrs: { maxlength: '200' } },
  { name: 'capacity', type: 'number', hint: true, attrs: { min: '0', step: '1', inputmode: 'numeric' } },
  { name: 'description', type: 'textarea', attrs: { maxlength: '10000' } },
];

const fields = () => FIELDS.map((f) => (f.name === 'kind' ? { ...f, options: KINDS.map((k) => [k, t(`kind.${k}`)]) } : f));

export function seats(s) {
  return s.capacity === null ? t('sessions.unlimited', { n: s.enrolled }) : t('sessions.ofCapacity', { n: s.enrolled, total: s.capacity });
}

/** A table of sessions (also used for the workshops made from a poll); `select(s)`: a first cell to choose it. */
export function sessionsTable(items, tz, caption, actions = null, select = null) {
  const head = ['sessions.colWhen', 'sessions.colTitle', 'sessions.colKind', 'sessions.colRoom', 'sessions.colSeats'];
  return el('table', {}, el('caption', { text: caption }),
    el('thead', {}, el('tr', {}, select ? el('th', { scope: 'col' }, el('span', { class: 'visually-hidden', text: t('bulk.colSelect') })) : null,
      head.map((k) => el('th', { scope: 'col', text: t(k) })),
      actions ? el('th', { scope: 'col', text: t('sessions.colActions') }) : null)),
    el('tbody', {}, items.map((s) => el('tr', { 'data-session-id': String(s.id) }, select ? select(s) : null,
      el('td', { text: sessionWhen(s, tz) }), el('th', { scope: 'row', text: s.title }), el('td', { text: t(`kind.${s.kind}`) }),
      el('td', { text: s.room || '–' }), el('td', { class: 'num', text: seats(s) }),
      actions ? el('td', {}, actions(s)) : null))));
}

function actionsOf(s) {
  return el('div', { class: 'item-buttons' },
    itemButton(t('sessions.edit'), t('sessions.editLabel', { item: s.title }), () => edit(s)),
    itemButton(t('sessions.delete'), t('sessions.deleteLabel', { item: s.title }), (b) => remove(s, b), 'small danger'));
}

function selectOf(s) {
  const box = el('input', { type: 'checkbox', class: 'select-session', value: String(s.id), checked: state.selected.has(s.id),
    'aria-label': t('bulk.selectSession', { item: s.title }) });
  box.addEventListener('change', () => {
    if (box.checked) state.selected.add(s.id);
    else state.selected.delete(s.id);
    renderBulk();
  });
  return el('td', {}, box);
}

function renderBulk() {
  const button = $('#sessions-delete-selected');
  if (!button) return;
  const n = state.selected.size;
  button.disabled = !n;
  button.textContent = n ? t('bulk.deleteSelected', { n }) : t('bulk.deleteNone');
}

function render({ keep = false } = {}) {
  const { ctx } = state;
  const tz = ctx.event.timezone;
  const editing = state.editing;
  const known = new Set(state.items.map((s) => s.id));
  for (const id of [...state.selected]) if (!known.has(id)) state.selected.delete(id);
  const bulk = el('div', { class: 'actions' }, el('button', { type: 'button', id: 'sessions-delete-selected', class: 'danger small' }));
  bulk.firstChild.addEventListener('click', (event) => removeSelected(event.currentTarget));
  const list = state.items.length
    ? [scrollRegion(t('sessions.heading'), sessionsTable(state.items, tz, t('sessions.caption', { n: state.items.length }), actionsOf, selectOf), 'sessions-table'), bulk]
    : [el('p', { class: 'muted', id: 'sessions-table', text: t('sessions.none') })];
  const heading = el('h4', { id: 'session-form-heading', tabindex: '-1',
    text: editing ? t('sessions.editHeading', { item: editing.title }) : t('sessions.addHeading') });
  const form = specForm({ id: 'session-form', prefix: 'ss', fields: fields(), values: editing || {}, tz,
    submit: t(editing ? 'sessions.save' : 'sessions.add'), labelledby: 'session-form-heading' });
  if (keep) keepValues($('#session-form'), form);
  onSubmit(form, () => save(form), state.handle, { messageFor: reasonOf });
  let cancel = null;
  if (editing) {
    cancel = el('button', { type: 'button', class: 'secondary', text: t('common.cancel') });
    cancel.addEventListener('click', () => { state.editing = null; render(); $('#session-form-heading').focus(); });
    form.querySelector('.actions').append(cancel);
  }
  $('#setup-sessions').replaceChildren(el('h3', { id: 'sessions-heading', tabindex: '-1', text: t('sessions.heading') }),
    el('p', { class: 'muted', text: t('sessions.help', { tz }) }), ...list, heading, form);
  renderBulk();
}

/** The API's own reason for a refused time (not a general "this value is wrong"): a rule of the server
 * in its words. Outside the event's days has its own text, with the days (formkit: fielderr.outside_event_days). */
function reasonOf(name, e) {
  if (e.type === 'value_error' && e.msg && !/^Value error,/.test(e.msg)) return e.msg;
  return null;
}

export async function loadSessions(ctx) {
  state.ctx = ctx;
  if (!ctx.event) { $('#setup-sessions')?.replaceChildren(); return; }
  if (state.eventId !== ctx.event.id) { state.eventId = ctx.event.id; state.editing = null; }
  try {
    state.items = (await api(`/events/${ctx.event.id}/sessions?limit=500`, { token: ctx.key })).items;
    render();
  } catch (err) {
    state.handle(err, $('#error'));
  }
}

function edit(s) {
  state.editing = s;
  render();
  $('#session-form-heading').focus();
}

/** Create or change a session; when its room is taken at that time (409 room-taken), ask before sharing it. */
async function send(body) {
  const { ctx, editing } = state;
  const request = (data) => (editing ? api(`/sessions/${editing.id}`, { method: 'PATCH', token: ctx.key, body: data })
    : api(`/events/${ctx.event.id}/sessions`, { method: 'POST', token: ctx.key, body: data }));
  try {
    return await request(body);
  } catch (err) {
    if (err.kind !== 'room-taken') throw err;
    const share = await confirmAction({ heading: t('sessions.roomTakenHeading'), text: err.message,
      confirm: t('sessions.roomTakenConfirm'), opener: $('#session-form button[type="submit"]') });
    if (!share) throw err;
    return request({ ...body, force: true });
  }
}

async function save(form) {
  const { ctx } = state;
  const editing = state.editing;
  const body = specBody(form, FIELDS, ctx.event.timezone, { create: !editing });
  const saved = await send(body);
  state.editing = null;
  await loadSessions(ctx);
  notify(t(editing ? 'sessions.saved' : 'sessions.added', { item: saved.title }));
  $('#session-form-heading').focus();
}

async function remove(s, opener) {
  const ok = await confirmAction({ heading: t('sessions.deleteHeading'), text: t('sessions.deleteText', { item: s.title }),
    confirm: t('sessions.deleteConfirm'), opener });
  if (!ok) return;
  try {
    await api(`/sessions/${s.id}`, { method: 'DELETE', token: state.ctx.key });
    if (state.editing?.id === s.id) state.editing = null;
    await loadSessions(state.ctx);
    notify(t('sessions.deleted', { item: s.title }));
    $('#sessions-heading').focus();
  } catch (err) {
    state.handle(err, $('#session-form-error'));
  }
}

/** Delete the chosen sessions after one question; each goes on its own (one refused does not stop the rest). */
async function removeSelected(opener) {
  const chosen = state.items.filter((s) => state.selected.has(s.id));
  if (!chosen.length) return;
  const ok = await confirmAction({ heading: t('bulk.deleteHeading', { n: chosen.length }),
    text: t('bulk.deleteText', { items: chosen.map((s) => s.title).join(', ') }), confirm: t('bulk.deleteConfirm', { n: chosen.length }), opener });
  if (!ok) return;
  const failed = [];
  for (const s of chosen) {
    try {
      await api(`/sessions/${s.id}`, { method: 'DELETE', token: state.ctx.key });
      state.selected.delete(s.id);
      if (state.editing?.id === s.id) state.editing = null;
    } catch (err) {
      failed.push(`${s.title}: ${err.message}`);
    }
  }
  await loadSessions(state.ctx);
  notify(t('bulk.deleted', { n: chosen.length - failed.length }));
  if (failed.length) say($('#session-form-error'), failed.join(' '));
  $('#sessions-heading').focus();
}

export function initSessions(ctx, handle) {
  Object.assign(state, { ctx, handle });
  onLangChange(() => { if (state.ctx?.event && state.ctx.key) render({ keep: true }); });
}
