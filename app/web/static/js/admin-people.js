// Organizer console: one person. A registration in the list opens here: their details, the status
// (confirm from the waiting list, move to its end, cancel; PATCH /registrations/{id}), their places in
// the workshops (place / remove), erasure of their data, their details (admin-person-edit.js) and what
// organizers did about them (GET /audit-log?registration_id=, the person's trail).
import { ApiError, api } from './api.js';
import { confirmAction } from './confirm.js';
import { notify } from './admin-console.js';
import { t } from './i18n.js';
import { byDayAndTime, loadBoard, scrollTable } from './admin-assignment.js';
import { editDetails } from './admin-person-edit.js';
import { $, el, fmtDateTime, say } from './ui.js';

const AUDIT_LIMIT = 200; // the newest entries of the person's trail
const state = { ctx: null, handle: null, reloadList: null, id: null, reg: null, board: null, audit: null };

/** The person's name in the registrations list: a link that opens the person view. */
export function personLink(reg) {
  const link = el('a', { href: '#person-heading', class: 'person-link', text: `${reg.first_name} ${reg.last_name}` });
  link.addEventListener('click', (event) => { event.preventDefault(); openPerson(reg.id); });
  return link;
}

function statusText(reg) {
  if (reg.erased_at) return t('people.erased');
  const text = t(`status.${reg.status}`);
  return reg.status === 'waitlisted' && reg.waitlist_position ? `${text} #${reg.waitlist_position}` : text;
}

function facts(reg) {
  const tz = state.ctx.event.timezone;
  const rows = [
    ['field.email', reg.email], ['field.organization', reg.organization], ['field.partnership', reg.partnership],
    ['field.position', reg.position], ['field.category', t(`category.${reg.category}`)], ['admin.status', statusText(reg)],
    ['people.id', String(reg.id)], ['admin.colRegistered', fmtDateTime(reg.created_at, tz)],
    ['people.confirmedAt', reg.confirmed_at && fmtDateTime(reg.confirmed_at, tz)],
    ['people.cancelledAt', reg.cancelled_at && fmtDateTime(reg.cancelled_at, tz)],
  ].filter(([, value]) => value);
  return el('dl', { class: 'facts', id: 'person-facts' }, rows.flatMap(([key, value]) => [el('dt', { text: t(key) }), el('dd', { text: value })]));
}

function action(text, onClick, kind = 'secondary', id = undefined) {
  const button = el('button', { type: 'button', class: kind, text, id });
  button.addEventListener('click', onClick);
  return button;
}

function statusActions(reg) {
  if (reg.erased_at) return [];
  const out = [];
  if (reg.status === 'waitlisted' || reg.status === 'cancelled') {
    out.push(action(t('people.confirm'), () => change({ status: 'confirmed' }, 'people.confirmed'), '', 'person-confirm'));
  }
  if (reg.status === 'waitlisted') {
    out.push(action(t('people.toEnd'), () => change({ status: 'waitlisted', move_to_end: true }, 'people.movedToEnd'),
      'secondary', 'person-to-end'));
  }
  if (reg.status === 'confirmed' || reg.status === 'cancelled') {
    out.push(action(t('people.toWaitlist'), () => change({ status: 'waitlisted' }, 'people.movedToEnd'), 'secondary',
      'person-to-waitlist'));
  }
  if (!['cancelled', 'rejected'].includes(reg.status)) {
    out.push(action(t('people.cancel'), (e) => cancel(e.currentTarget), 'danger', 'person-cancel'));
  }
  out.push(action(t('people.erase'), (e) => erase(e.currentTarget), 'danger', 'person-erase'));
  return out;
}

function placeCell(reg, session) {
  const held = state.board.people.get(session.id).find((p) => p.registration_id === reg.id);
  const where = !held ? '—' : held.status === 'enrolled' ? t('people.seat')
    : t('people.waiting', { n: held.waitlist_position ?? '?' });
  let button = null;
  if (held) {
    button = action(t('people.remove'), () => removeFrom(session), 'secondary small');
    button.setAttribute('aria-label', t('people.removeFrom', { title: session.title }));
  } else if (reg.status === 'confirmed' && !reg.erased_at) {
    button = action(t('people.placeBtn'), () => placeIn(session), 'small');
    button.setAttribute('aria-label', t('people.placeIn', { title: session.title }));
  }
  return [el('td', { text: where }), el('td', {}, button)];
}

function workshopsTable(reg) {
  const tz = state.ctx.event.timezone;
  if (!state.board.workshops.length) return el('p', { class: 'muted', text: t('lists.none') });
  return scrollTable(t('people.workshops'), el('table', { id: 'person-workshops' },
    el('caption', { class: 'visually-hidden', text: t('people.workshops') }),
    el('thead', {}, el('tr', {}, ['plan.time', 'assign.workshop', 'lists.enrolled', 'people.place', 'people.action']
      .map((k, i) => el('th', { scope: 'col', class: i === 2 ? 'num' : '', text: t(k) })))),
    byDayAndTime(state.board.workshops, tz).flatMap((day) => day.times.map((time) => el('tbody', {},
      time.items.map((s, i) => el('tr', { 'data-session-id': String(s.id) },
        i === 0 ? el('th', { scope: 'rowgroup', rowspan: String(time.items.length), text: `${day.label}, ${time.label}` }) : null,
        el('td', { text: s.title }),
        el('td', { class: 'num', text: s.capacity === null ? String(s.enrolled) : `${s.enrolled} / ${s.capacity}` }),
        placeCell(reg, s))))))));
}

const AUDIT_LABELS = [
  [/^POST .*\/sessions\/\{session_id\}\/enrollments$/, 'people.audit.placed'],
  [/\/registrations\/\{registration_id\}\/approve$/, 'people.audit.approve'],
  [/\/registrations\/\{registration_id\}\/reject$/, 'people.audit.reject'],
  [/\/registrations\/\{registration_id\}\/erase$/, 'people.audit.erase'],
  [/^DELETE .*\/enrollments\/\{registration_id\}$/, 'people.audit.removed'],
  [/^checkin\.create$/, 'people.audit.checkin'], [/^checkin\.undo$/, 'people.audit.checkinUndo'],
];

const FIELD_LABELS = { language: 'me.language', form_of_address: 'people.formOfAddress' };

/** A PATCH of the registration: which details were changed (the entry names the fields), and/or the status. */
function patchWhat(entry) {
  const fields = (entry.details?.fields || []).filter((f) => f !== 'status' && f !== 'move_to_end');
  const parts = fields.length
    ? [t('people.audit.edited', { fields: fields.map((f) => t(FIELD_LABELS[f] || `field.${f}`)).join(', ') })] : [];
  if (!fields.length || entry.details.fields.includes('status')) parts.push(t('people.audit.status'));
  return parts.join('; ');
}

function auditWhat(entry) {
  if (/^PATCH .*\/registrations\/\{registration_id\}$/.test(entry.action)) return patchWhat(entry);
  const known = AUDIT_LABELS.find(([pattern]) => pattern.test(entry.action));
  const sessionId = /^session:(\d+)$/.exec(entry.target || '')?.[1];
  const session = sessionId && state.board.workshops.find((s) => s.id === Number(sessionId));
  const base = known ? t(known[1]) : entry.action;
  return session ? `${base}: ${session.title}` : base;
}

function auditTable() {
  const tz = state.ctx.event.timezone;
  const { items, total } = state.audit;
  const note = total > items.length ? el('p', { class: 'muted', text: t('people.auditLimit', { n: items.length }) }) : null;
  if (!items.length) return [el('p', { class: 'muted', id: 'person-audit-empty', text: t('people.auditNone') }), note];
  return [scrollTable(t('people.audit'), el('table', { id: 'person-audit' },
    el('caption', { class: 'visually-hidden', text: t('people.audit') }),
    el('thead', {}, el('tr', {}, ['people.when', 'people.who', 'people.what'].map((k) => el('th', { scope: 'col', text: t(k) })))),
    el('tbody', {}, items.map((e) => el('tr', {}, el('td', { text: fmtDateTime(e.at, tz) }), el('td', { text: e.actor }),
      el('td', { text: auditWhat(e) })))))), note];
}

function render() {
  const reg = state.reg;
  if (!reg) return;
  $('#person-heading').textContent = `${reg.first_name} ${reg.last_name}`;
  $('#person-body').replaceChildren(
    facts(reg),
    el('h3', { text: t('people.statusHeading') }),
    el('p', { class: 'hint', text: t('people.editNote') }),
    el('div', { class: 'actions', id: 'person-actions' }, statusActions(reg)),
    reg.erased_at || reg.status === 'cancelled' ? null : editDetails(reg, saveDetails, state.handle),
    el('h3', { text: t('people.workshops') }),
    workshopsTable(reg),
    el('h3', { text: t('people.audit') }),
    ...auditTable().filter(Boolean));
}

function loadAudit(id) {
  return api(`/audit-log?registration_id=${id}&limit=${AUDIT_LIMIT}`, { token: state.ctx.key });
}

async function refresh() {
  const id = state.id;
  const [reg, board, audit] = await Promise.all([api(`/registrations/${id}`, { token: state.ctx.key }),
    loadBoard(state.ctx), loadAudit(id)]);
  if (id !== state.id) return;
  Object.assign(state, { reg, board, audit });
  render();
}

export async function openPerson(id) {
  state.id = id;
  const panel = $('#person');
  say($('#person-error'), '');
  try {
    await refresh();
    panel.hidden = false;
    $('#person-heading').focus();
  } catch (err) {
    state.handle(err, $('#error'));
  }
}

async function act(work, doneKey) {
  try {
    await work();
    say($('#person-error'), '');
    await Promise.all([refresh(), state.reloadList()]);
    notify(t(doneKey, { name: `${state.reg.first_name} ${state.reg.last_name}` }));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) { closePerson(); }
    state.handle(err, $('#person-error'));
  }
}

/** The edit form's changes; its errors go back to the form (shown at the fields). */
async function saveDetails(body) {
  await api(`/registrations/${state.id}`, { method: 'PATCH', token: state.ctx.key, body });
  await Promise.all([refresh(), state.reloadList()]);
  notify(t('people.editSaved', { name: `${state.reg.first_name} ${state.reg.last_name}` }));
  $('#person-heading').focus();
}

function change(body, doneKey) {
  return act(() => api(`/registrations/${state.id}`, { method: 'PATCH', token: state.ctx.key, body }), doneKey);
}

async function cancel(opener) {
  const name = `${state.reg.first_name} ${state.reg.last_name}`;
  const sure = await confirmAction({ heading: t('people.cancelHeading', { name }), text: t('people.cancelText'),
    confirm: t('people.cancel'), opener });
  if (sure) await change({ status: 'cancelled' }, 'people.cancelled');
}

async function erase(opener) {
  const name = `${state.reg.first_name} ${state.reg.last_name}`;
  const sure = await confirmAction({ heading: t('people.eraseHeading', { name }), text: t('people.eraseText'),
    confirm: t('people.erase'), opener });
  if (sure) await act(() => api(`/registrations/${state.id}/erase`, { method: 'POST', token: state.ctx.key }), 'people.erasedDone');
}

function placeIn(session) {
  return act(() => api(`/sessions/${session.id}/enrollments`, { method: 'POST', token: state.ctx.key,
    body: { registration_id: state.id } }), 'people.placed');
}

function removeFrom(session) {
  return act(() => api(`/sessions/${session.id}/enrollments/${state.id}`, { method: 'DELETE', token: state.ctx.key }),
    'people.removed');
}

export function closePerson() {
  const id = state.id;
  Object.assign(state, { id: null, reg: null });
  $('#person').hidden = true;
  const link = id && document.querySelector(`tr[data-registration-id="${id}"] .person-link`);
  (link || $('#regs-heading')).focus();
}

export function initPeople(ctx, handle, reloadList) {
  Object.assign(state, { ctx, handle, reloadList });
  $('#person-close').addEventListener('click', closePerson);
}

/** A new event: close the person view. Redraw in the other language: `renderPerson`. */
export function loadPeople() { Object.assign(state, { id: null, reg: null }); $('#person').hidden = true; }
export function renderPerson() { if (state.reg && state.board && state.audit) render(); }
