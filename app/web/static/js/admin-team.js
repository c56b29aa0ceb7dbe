// The team place: the organizer team's members (their role and events, invited / active / disabled), an
// invitation by e-mail, a change of role, disabling someone. Calls /api/v1/team/...; a server without
// accounts (404) or a sign-in that may not manage the team (403) is said in words.
import { ApiError, api } from './api.js';
import { notify } from './admin-console.js';
import { confirmAction } from './confirm.js';
import { unavailable } from './admin-door.js';
import { itemButton, onSubmit, scrollRegion } from './admin-setup.js';
import { field } from './formkit.js';
import { t } from './i18n.js';
import { $, el, fmtDateTime, say } from './ui.js';

const ROLES = ['owner', 'organizer', 'checkin', 'viewer'];
const state = { ctx: null, handle: null };

function roleSelect(id, value, label) {
  const select = el('select', { id, name: 'role', 'aria-label': label },
    ROLES.map((r) => el('option', { value: r, text: t(`cteam.role.${r}`) })));
  select.value = value;
  return select;
}

function eventsOf(member) {
  if (!member.event_ids) return t('cteam.allEvents');
  const titles = new Map(state.ctx.events.map((e) => [e.id, e.title]));
  return member.event_ids.map((id) => titles.get(id) || `#${id}`).join(', ');
}

function memberRow(m) {
  const tz = state.ctx.event?.timezone || 'UTC';
  const role = roleSelect(`member-role-${m.id}`, m.role, t('cteam.roleOf', { name: m.name }));
  const active = m.status !== 'disabled';
  return el('tr', { 'data-member-id': String(m.id) }, el('th', { scope: 'row', text: m.name }), el('td', { text: m.email }),
    el('td', {}, active ? role : t(`cteam.role.${m.role}`)), el('td', { text: eventsOf(m) }),
    el('td', { text: t(`cteam.status.${m.status}`) }), el('td', { text: m.last_login_at ? fmtDateTime(m.last_login_at, tz) : '–' }),
    el('td', {}, active ? el('div', { class: 'item-buttons' },
      itemButton(t('cteam.saveRole'), t('cteam.saveRoleLabel', { name: m.name }), () => change(m, role.value)),
      itemButton(t('cteam.disable'), t('cteam.disableLabel', { name: m.name }), (b) => disable(m, b), 'small danger')) : ''));
}

function membersTable(items) {
  const head = ['cteam.colName', 'field.email', 'cteam.colRole', 'cteam.colEvents', 'admin.status', 'cteam.colLogin', 'sessions.colActions'];
  return scrollRegion(t('cteam.membersCaption'), el('table', {}, el('caption', { text: t('cteam.membersCaption') }),
    el('thead', {}, el('tr', {}, head.map((k) => el('th', { scope: 'col', text: t(k) })))),
    el('tbody', {}, items.map(memberRow))), 'team-members');
}

function inviteForm() {
  const events = el('fieldset', { class: 'field' }, el('legend', { i18n: 'cteam.events' }),
    el('p', { class: 'hint', i18n: 'cteam.eventsHint' }),
    state.ctx.events.map((ev) => el('label', { class: 'check' },
      el('input', { type: 'checkbox', name: 'event_ids', value: String(ev.id) }), el('span', { text: ev.title }))));
  const form = el('form', { id: 'team-invite-form', novalidate: true, 'aria-labelledby': 'team-invite-heading' },
    el('div', { id: 'team-invite-form-error', class: 'alert error', role: 'alert', tabindex: '-1' }),
    el('div', { class: 'grid-2' },
      field({ id: 'invite-email', name: 'email', label: t('field.email'), type: 'email', required: true, attrs: { maxlength: '320' } }),
      field({ id: 'invite-name', name: 'name', label: t('cteam.colName'), required: true, attrs: { maxlength: '200' } })),
    el('div', { class: 'field' }, el('label', { for: 'invite-role', i18n: 'cteam.colRole' }), roleSelect('invite-role', 'organizer', null)),
    events,
    el('div', { class: 'actions' }, el('button', { type: 'submit', i18n: 'cteam.invite' })));
  form.querySelector('#invite-role').removeAttribute('aria-label');
  onSubmit(form, () => invite(form), state.handle);
  return form;
}

async function render() {
  let list;
  try {
    list = membersTable((await api('/team/members?limit=500', { token: state.ctx.key })).items);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) { state.handle(err, $('#error')); return; }
    list = el('p', { class: 'alert warn', id: 'team-members', text: unavailable(err) });
  }
  $('#team-body').replaceChildren(el('p', { class: 'muted', i18n: 'cteam.help' }), list,
    el('h3', { id: 'team-invite-heading', i18n: 'cteam.inviteHeading' }), inviteForm());
}

async function guarded(box, call) {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ApiError && [403, 404, 409].includes(err.status)) {
      say(box, err.status === 409 ? err.problem.detail || err.message : unavailable(err));
      box.focus();
      return null;
    }
    throw err;
  }
}

async function invite(form) {
  const data = new FormData(form);
  const ids = data.getAll('event_ids').map(Number);
  const body = { email: String(data.get('email')).trim(), name: String(data.get('name')).trim(), role: data.get('role'),
    event_ids: ids.length ? ids : null };
  const made = await guarded($('#team-invite-form-error'), () => api('/team/invitations', { method: 'POST', token: state.ctx.key, body }));
  if (!made) return;
  await render();
  notify(t('cteam.invited', { email: made.email }));
  $('#team-invite-heading').focus();
}

async function change(member, role) {
  const box = $('#team-invite-form-error');
  const done = await guarded(box, () => api(`/team/members/${member.id}`, { method: 'PATCH', token: state.ctx.key, body: { role } }));
  if (!done) return;
  await render();
  notify(t('cteam.roleSaved', { name: member.name }));
}

async function disable(member, opener) {
  const ok = await confirmAction({ heading: t('cteam.disableHeading'), text: t('cteam.disableText', { name: member.name }),
    confirm: t('cteam.disable'), opener });
  if (!ok) return;
  const done = await guarded($('#team-invite-form-error'), () => api(`/team/members/${member.id}`, { method: 'DELETE', token: state.ctx.key }));
  if (!done) return;
  await render();
  notify(t('cteam.disabled', { name: member.name }));
}

export async function loadTeam(ctx, handle) {
  Object.assign(state, { ctx, handle });
  await render();
}
