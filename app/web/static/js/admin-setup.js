// Organizer console, programme and polls: what the forms of the event, its sessions (admin-sessions.js),
// its polls (admin-polls.js, admin-topics.js, admin-publish.js) share, and the event's own form
// (create a new event or edit the selected one). Forms are drawn from a list of fields; the API's
// 422 errors are shown at the fields (formkit.js), wall-clock times are in the event's time zone.
import { ApiError, api, problemMessage } from './api.js';
import { notify } from './admin-console.js';
import { checkbox, field, showProblem } from './formkit.js';
import { onLangChange, t } from './i18n.js';
import { $, clearFormErrors, el, say, zonedToUtc } from './ui.js';

const state = { ctx: null, handle: null, reselect: null, creating: false, eventId: null, mode: 'edit' };

// ---- shared helpers ------------------------------------------------------------------------------

/** A table that may scroll sideways on a phone: a labelled region the keyboard can reach and scroll. */
export function scrollRegion(label, table, id = null) {
  return el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': label, id, 'data-region': 'own' }, table);
}

/** Copy what was typed in `old` (a form drawn before, e.g. in the other language) into `form`. */
export function keepValues(old, form) {
  if (!old) return;
  for (const node of old.elements) {
    const twin = node.name && form.elements.namedItem(node.name);
    if (!twin || !('value' in twin)) continue;
    if (node.type === 'checkbox') twin.checked = node.checked;
    else twin.value = node.value;
  }
}

/** A UTC instant as the wall clock of `tz`, for <input type=datetime-local> ("2026-05-01T12:00"). */
export function utcToZoned(iso, tz) {
  if (!iso) return '';
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: tz, hourCycle: 'h23', year: 'numeric',
    month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

export function validZone(tz) {
  try { new Intl.DateTimeFormat('en', { timeZone: tz }); return Boolean(tz); } catch { return false; }
}

/**
 * A form from field specs: {name, type: text|number|date|datetime|select|textarea|checkbox, required, hint,
 * options: [[value, label]], attrs}. Labels and hints are `${prefix}.${name}` and `${prefix}.${name}.hint`.
 */
export function specForm({ id, prefix, fields, values = {}, tz, submit, labelledby, extra = [] }) {
  const kids = fields.map((f) => {
    const fid = `${id}-${f.name.replaceAll('_', '-')}`;
    const label = t(`${prefix}.${f.name}`);
    const value = values[f.name] ?? f.value;
    if (f.type === 'checkbox') return checkbox({ id: fid, name: f.name, label, checked: Boolean(value), hint: f.hint ? t(`${prefix}.${f.name}.hint`, { tz }) : null });
    const type = { datetime: 'datetime-local' }[f.type] || f.type || 'text';
    const shown = f.type === 'datetime' ? utcToZoned(value, tz) : value;
    const node = field({ id: fid, name: f.name, label, type, required: f.required, attrs: f.attrs || {},
      hint: f.hint ? t(`${prefix}.${f.name}.hint`, { tz }) : null, value: shown });
    if (f.type === 'select') {
      const select = node.querySelector('select');
      select.append(...f.options.map(([v, text]) => el('option', { value: v, text })));
      select.value = shown ?? f.options[0][0];
      if (f.readonly) select.disabled = true;
    }
    return node;
  });
  const form = el('form', { id, novalidate: true, 'aria-labelledby': labelledby },
    el('div', { id: `${id}-error`, class: 'alert error', role: 'alert', tabindex: '-1' }),
    el('div', { class: 'grid-2' }, kids.filter((k, i) => !['textarea', 'checkbox'].includes(fields[i].type))),
    kids.filter((k, i) => ['textarea', 'checkbox'].includes(fields[i].type)), extra,
    el('div', { class: 'actions' }, el('button', { type: 'submit', text: submit })));
  return form;
}

/** The request body of a spec form: empty optional fields are null (`create`: left out). */
export function specBody(form, fields, tz, { create = false } = {}) {
  const out = {};
  for (const f of fields) {
    const node = form.elements.namedItem(f.name);
    if (!node || node.disabled) continue;
    if (f.type === 'checkbox') { out[f.name] = node.checked; continue; }
    const raw = String(node.value ?? '').trim();
    let value = raw;
    if (raw === '') value = f.required && !['number', 'date', 'datetime'].includes(f.type) ? '' : null;
    else if (f.type === 'number') value = Number.isFinite(Number(raw)) ? Number(raw) : raw;
    else if (f.type === 'datetime') value = validZone(tz) ? zonedToUtc(raw, tz) : `${raw}:00Z`;
    if (value === null && create) continue;
    out[f.name] = value;
  }
  return out;
}

/** Move model-level 422 errors ("ends_at must be after starts_at", loc ["body"]) to the field they name first. */
function locate(err, form) {
  for (const e of err.problem?.errors || []) {
    const loc = (e.loc || []).filter((p) => p !== 'body');
    const name = /^(?:Value error, )?(\w+)/.exec(e.msg || '')?.[1];
    if (!loc.length && name && form.elements.namedItem(name)) e.loc = ['body', name];
  }
}

const nullMessage = (name, e) => (/cannot be null/.test(e.msg || '') ? t('fielderr.missing') : null);

/** Submit handler: clear, run `send`, show the problem at the fields (a 401 signs out). */
export function onSubmit(form, send, handle, { messageFor = null } = {}) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    const box = form.querySelector('.alert.error');
    say(box, '');
    try {
      await send();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) { handle(err, box); return; }
      if (err instanceof ApiError) locate(err, form);
      showProblem(form, box, err, { messageFor: (name, e, loc) => messageFor?.(name, e, loc) ?? nullMessage(name, e) });
      if (err instanceof ApiError && err.status === 422 && !err.problem.errors?.length && err.problem.detail) {
        say(box, `${problemMessage(err)} ${err.problem.detail}`); // e.g. a poll without winners yet
      }
    }
  });
}

/** A small button with an accessible name naming its item. */
export function itemButton(text, label, onClick, kind = 'small secondary') {
  const node = el('button', { type: 'button', class: kind, text, 'aria-label': label });
  node.addEventListener('click', () => onClick(node));
  return node;
}

// ---- the event's form ----------------------------------------------------------------------------

const EVENT_FIELDS = [
  { name: 'title', required: true, attrs: { maxlength: '300' } },
  { name: 'slug', required: true, hint: true, attrs: { maxlength: '100', autocapitalize: 'none', spellcheck: 'false' } },
  { name: 'venue', required: true, attrs: { maxlength: '300' } },
  { name: 'timezone', required: true, hint: true, value: 'Europe/Warsaw', attrs: { list: 'setup-zones', autocapitalize: 'none' } },
  { name: 'starts_on', type: 'date', required: true },
  { name: 'ends_on', type: 'date', required: true },
  { name: 'capacity', type: 'number', required: true, attrs: { min: '0', step: '1', inputmode: 'numeric' } },
  { name: 'max_per_organization', type: 'number', hint: true, attrs: { min: '1', step: '1', inputmode: 'numeric' } },
  { name: 'registration_opens_at', type: 'datetime', hint: true },
  { name: 'registration_closes_at', type: 'datetime', hint: true },
  { name: 'language', type: 'select', value: 'pl' },
  { name: 'greeting', type: 'select', value: 'formal', hint: true },
  { name: 'privacy_url', type: 'url', hint: true, attrs: { maxlength: '2000', inputmode: 'url', autocapitalize: 'none', spellcheck: 'false' } },
  { name: 'description', type: 'textarea', attrs: { maxlength: '10000' } },
  { name: 'requires_approval', type: 'checkbox', hint: true },
  { name: 'emails_enabled', type: 'checkbox', value: true, hint: true },
  { name: 'published', type: 'checkbox', value: true, hint: true },
];

const SELECTS = {
  language: () => [['pl', t('setup.lang.pl')], ['en', t('setup.lang.en')]],
  greeting: () => [['formal', t('setup.greeting.formal')], ['informal', t('setup.greeting.informal')]],
};

function eventFields() {
  return EVENT_FIELDS.map((f) => (SELECTS[f.name] ? { ...f, options: SELECTS[f.name]() } : f));
}

function renderEvent({ keep = false } = {}) {
  const { ctx } = state;
  const creating = state.creating || !ctx.event;
  const box = $('#setup-event');
  const tz = creating ? 'Europe/Warsaw' : ctx.event.timezone;
  const heading = el('h3', { id: 'setup-event-heading', tabindex: '-1',
    text: creating ? t('setup.newEvent') : t('setup.editEvent', { title: ctx.event.title }) });
  const form = specForm({ id: 'event-form', prefix: 'ev', fields: eventFields(), values: creating ? {} : ctx.event, tz,
    submit: t(creating ? 'setup.create' : 'setup.save'), labelledby: 'setup-event-heading' });
  const zones = el('datalist', { id: 'setup-zones' }, (Intl.supportedValuesOf?.('timeZone') || ['Europe/Warsaw', 'UTC']).map((z) => el('option', { value: z })));
  if (keep) keepValues($('#event-form'), form);
  onSubmit(form, () => saveEvent(form, creating), state.handle);
  box.replaceChildren(heading, form, zones); // a new event is made on /admin (admin-events.js), edited here
}

/** Where the event's form stands: `create` in the events place (/admin), `edit` in the programme place. */
export function placeEventForm(mode, container) {
  const box = $('#setup-event');
  if (state.mode !== mode || box.parentElement !== container) {
    state.mode = mode;
    state.creating = mode === 'create';
    if (mode === 'edit') container.insertBefore(box, $('#setup-sessions'));
    else container.append(box);
    if (state.ctx) renderEvent();
  }
}

async function saveEvent(form, creating) {
  const { ctx } = state;
  const tzInput = form.elements.namedItem('timezone').value.trim();
  const body = specBody(form, EVENT_FIELDS, tzInput || ctx.event?.timezone, { create: creating });
  const saved = creating ? await api('/events', { method: 'POST', token: ctx.key, body })
    : await api(`/events/${ctx.event.id}`, { method: 'PATCH', token: ctx.key, body });
  ctx.events = creating ? [...ctx.events, saved] : ctx.events.map((ev) => (ev.id === saved.id ? saved : ev));
  state.creating = false;
  await state.reselect(saved.id);
  notify(t(creating ? 'setup.created' : 'setup.saved', { title: saved.title }));
  $('#setup-event-heading')?.focus();
}

/** Draw the event's form (and, when there is no event yet, the form for the first one). */
export function loadSetup(ctx) {
  state.ctx = ctx;
  if (state.eventId !== ctx.event?.id) { state.eventId = ctx.event?.id; state.creating = state.mode === 'create'; }
  renderEvent();
}

export function initSetup(ctx, handle, reselect) {
  Object.assign(state, { ctx, handle, reselect });
  const setup = $('#setup');
  setup.append(el('p', { class: 'muted', i18n: 'setup.help' }), el('div', { id: 'setup-event' }), el('div', { id: 'setup-sessions' }));
  onLangChange(() => { if (state.ctx?.key) renderEvent({ keep: true }); });
}
