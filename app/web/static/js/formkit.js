// Forms built in JavaScript (the organizer's editors) and problems shown next to the right
// field: a 422's `errors[].loc` (e.g. ["body", "options", 0, "capacity"]) names the deepest
// field that has an error slot on the page, so nested fields get their own message.
import { ApiError, problemMessage } from './api.js';
import { has, t } from './i18n.js';
import { clearFormErrors, el, fieldMessage, say, untranslated } from './ui.js';

/** A labelled input with its hint and error slot: {id, name, label, type, hint, required, attrs}. */
export function field({ id, name, label, type = 'text', hint = null, required = false, attrs = {}, value = '' }) {
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  const described = [hintId, errorId].filter(Boolean).join(' ');
  const common = { id, name, 'aria-describedby': described, ...attrs };
  if (required) Object.assign(common, { required: true, 'aria-required': 'true' });
  let input;
  if (type === 'textarea') input = el('textarea', { rows: '3', ...common });
  else if (type === 'select') input = el('select', common);
  else input = el('input', { type, ...common });
  if (type !== 'select') input.value = value ?? '';
  return el('div', { class: 'field' },
    el('label', { for: id }, label, required ? null : el('span', { class: 'hint', text: t('common.optional') })),
    hint ? el('p', { class: 'hint', id: hintId, text: hint }) : null,
    input,
    el('p', { class: 'field-error', id: errorId, 'data-error-for': name }));
}

/** A checkbox with its label (and an optional hint below). */
export function checkbox({ id, name, label, checked = false, hint = null }) {
  const hintId = hint ? `${id}-hint` : null;
  return el('div', { class: 'field' },
    el('label', { class: 'check', for: id },
      el('input', { type: 'checkbox', id, name, checked, 'aria-describedby': hintId }), el('span', { text: label })),
    hint ? el('p', { class: 'hint', id: hintId, text: hint }) : null);
}

/** The element to mark and focus for a field name: an element with data-field, else the named control. */
function target(form, name) {
  const marked = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
  if (marked) return marked;
  const named = form.elements.namedItem(name);
  if (named && !(named instanceof Element)) return named[0] || null; // a group of radios
  return named;
}

function focusable(node) {
  if (node.tagName !== 'FIELDSET') return node;
  return node.querySelector('input:not(:disabled), select:not(:disabled), textarea:not(:disabled)') || node;
}

/** Error slot names of a form, deepest first when looking up a location. */
function slotFor(form, loc) {
  for (let n = loc.length; n > 0; n -= 1) {
    const name = loc.slice(0, n).join('.');
    if (form.querySelector(`[data-error-for="${CSS.escape(name)}"]`)) return name;
  }
  return null;
}

function defaultMessage(name, e) {
  const last = name.split('.').filter((p) => !/^\d+$/.test(p)).pop();
  const specific = `field.${name}.${e.type}`;
  const byLast = `field.${last}.${e.type}`;
  const generic = `fielderr.${e.type}`;
  const vars = e.ctx && typeof e.ctx === 'object' ? e.ctx : {}; // e.g. the event's days of outside_event_days
  if (has(specific)) return t(specific, vars);
  if (has(byLast)) return t(byLast, vars);
  return has(generic) ? t(generic, vars) : untranslated(e.msg, e);
}

/** Field name -> message from a problem: 422 `errors`, or a 409 that names a `field`. */
export function problemFields(form, err, messageFor = () => null) {
  const out = {};
  if (!(err instanceof ApiError)) return out;
  for (const e of err.problem.errors || []) {
    const loc = (e.loc || []).filter((p) => p !== 'body').map(String);
    const name = slotFor(form, loc);
    if (name && !out[name]) {
      out[name] = messageFor(name, e, loc) ?? fieldMessage(target(form, name), name, e.type, defaultMessage(name, e));
    }
  }
  const named = err.problem.field;
  if (err.status === 409 && named && !Object.keys(out).length) {
    const name = slotFor(form, String(named).split('.'));
    if (name) out[name] = messageFor(name, { type: 'conflict', msg: err.problem.detail }, [name]) ?? err.problem.detail;
  }
  return out;
}

/** Put messages next to fields (aria-invalid, error slot), a summary in `box`, focus the first bad field. */
export function showFields(form, box, fields, summary) {
  clearFormErrors(form);
  let first = null;
  for (const [name, message] of Object.entries(fields)) {
    const slot = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
    if (!slot) continue;
    slot.textContent = message;
    const node = target(form, name);
    if (!node) continue;
    node.setAttribute('aria-invalid', 'true');
    first = first || focusable(node);
  }
  const count = Object.keys(fields).length;
  say(box, count && first ? t('form.fix', { n: count }) : summary);
  (first || box).focus();
}

/** The usual case: the problem's fields (with optional own messages), else the problem as a whole. */
export function showProblem(form, box, err, { messageFor, extra = {} } = {}) {
  const fields = { ...extra, ...problemFields(form, err, messageFor) };
  showFields(form, box, fields, problemMessage(err));
}
