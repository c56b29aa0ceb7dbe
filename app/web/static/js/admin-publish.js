// Organizer console: publish the managed poll's winners as workshop sessions in one time slot and the
// rooms given (the most supported topic in the first room); then the sessions made are listed.
import { api } from './api.js';
import { notify } from './admin-console.js';
import { confirmAction } from './confirm.js';
import { t } from './i18n.js';
import { RULES } from './admin-results.js';
import { loadSessions, sessionsTable } from './admin-sessions.js';
import { keepValues, onSubmit, scrollRegion, specBody, specForm } from './admin-setup.js';
import { $, el } from './ui.js';

const FIELDS = [
  { name: 'rule', type: 'select', hint: true },
  { name: 'starts_at', type: 'datetime', required: true, hint: true },
  { name: 'ends_at', type: 'datetime', required: true, hint: true },
];

function roomRow(i, value = {}) {
  const input = (part, type, attrs) => {
    const id = `pub-${part}-${i}`;
    const name = `rooms.${i}.${part}`;
    return el('div', { class: 'field' },
      el('label', { for: id, text: t(`pub.${part}`, { n: i + 1 }) }),
      el('input', { id, name, type, value: value[part] ?? '', 'aria-describedby': `${id}-error`, required: true, 'aria-required': 'true', ...attrs }),
      el('p', { class: 'field-error', id: `${id}-error`, 'data-error-for': name }));
  };
  return el('li', { class: 'option-row' }, el('div', { class: 'grid-2' },
    input('room', 'text', { maxlength: '200' }), input('capacity', 'number', { min: '0', step: '1', inputmode: 'numeric' })));
}

function readRooms(form) {
  return [...form.querySelectorAll('#pub-rooms > li')].map((li, i) => ({
    room: form.elements.namedItem(`rooms.${i}.room`).value.trim(),
    capacity: form.elements.namedItem(`rooms.${i}.capacity`).value.trim(),
  }));
}

function drawRooms(form, rooms) {
  form.querySelector('#pub-rooms').replaceChildren(...rooms.map((r, i) => roomRow(i, r)));
  form.querySelector('#pub-remove-room').disabled = rooms.length <= 1;
}

function resultBlock(ctx, out) {
  if (!out) return [];
  return [el('h5', { id: 'publish-result-heading', tabindex: '-1', text: t('pub.resultHeading', { n: out.items.length }) }),
    scrollRegion(t('pub.resultHeading', { n: out.items.length }),
      sessionsTable(out.items, ctx.event.timezone, t('pub.resultCaption', { rule: t(`rule.${out.rule}`) })), 'publish-result-table')];
}

/** The publish part of the managed poll's panel; `shown`: the answer of the last publication, kept by the caller. */
export function publishBlock(ctx, handle, poll, { keep = false, shown = null, done }) {
  const fields = FIELDS.map((f) => (f.name === 'rule' ? { ...f, options: RULES[poll.ballot].map((r) => [r, t(`rule.${r}`)]) } : f));
  const rooms = el('fieldset', { id: 'pub-rooms-set', name: 'rooms', tabindex: '-1', 'aria-describedby': 'pub-rooms-error' },
    el('legend', { text: t('pub.rooms') }), el('p', { class: 'hint', text: t('pub.roomsHint', { n: poll.seats }) }),
    el('ol', { id: 'pub-rooms', class: 'option-rows' }),
    el('p', { class: 'field-error', id: 'pub-rooms-error', 'data-error-for': 'rooms' }),
    el('div', { class: 'actions' }, el('button', { type: 'button', id: 'pub-add-room', class: 'small secondary', text: t('pub.addRoom') }),
      el('button', { type: 'button', id: 'pub-remove-room', class: 'small secondary', text: t('pub.removeRoom') })));
  const form = specForm({ id: 'publish-form', prefix: 'pub', fields, tz: ctx.event.timezone, submit: t('pub.submit'),
    labelledby: 'publish-heading', extra: [rooms] });
  const old = $('#publish-form');
  drawRooms(form, keep && old ? readRooms(old) : Array.from({ length: poll.seats }, () => ({})));
  if (keep) keepValues(old, form);
  form.querySelector('#pub-add-room').addEventListener('click', () => {
    drawRooms(form, [...readRooms(form), {}]);
    form.querySelector('#pub-rooms > li:last-child input').focus();
  });
  form.querySelector('#pub-remove-room').addEventListener('click', () => {
    drawRooms(form, readRooms(form).slice(0, -1));
    form.querySelector('#pub-add-room').focus();
  });
  const result = el('div', { id: 'publish-result' }, resultBlock(ctx, shown));
  onSubmit(form, async () => {
    const body = { ...specBody(form, fields, ctx.event.timezone),
      rooms: readRooms(form).map((r) => ({ room: r.room, capacity: r.capacity === '' ? null : Number(r.capacity) })) };
    const ok = await confirmAction({ heading: t('pub.confirmHeading'), text: t('pub.confirmText', { item: poll.title }),
      confirm: t('pub.submit'), opener: form.querySelector('button[type=submit]') });
    if (!ok) return;
    const out = await api(`/polls/${poll.id}/publish`, { method: 'POST', token: ctx.key, body });
    done(out);
    result.replaceChildren(...resultBlock(ctx, out));
    notify(t('pub.done', { n: out.items.length }));
    $('#publish-result-heading').focus();
    await loadSessions(ctx);
  }, handle);
  return el('div', { id: 'poll-publish' },
    el('h4', { id: 'publish-heading', tabindex: '-1', text: t('pub.heading') }),
    el('p', { class: 'muted', text: t('pub.help') }),
    poll.status === 'published' ? el('p', { class: 'alert warn', id: 'publish-done-note', text: t('pub.alreadyPublished') }) : null,
    form, result);
}
