// DOM helpers. User data only ever goes through textContent / attributes, never innerHTML.
import { applyI18n, currentLang, has, initLangSwitch, t } from './i18n.js';
import { fieldErrors, problemMessage } from './api.js';

/** el('p', {class: 'x', text: 'hi', 'aria-live': 'polite'}, child, 'text', ...) */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = value;
    else if (key === 'class') node.className = value;
    else if (key === 'i18n') { node.dataset.i18n = value; node.textContent = t(value); }
    else if (key in node && typeof value !== 'string') node[key] = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) { node.replaceChildren(); return node; }
export const $ = (selector, root = document) => root.querySelector(selector);

/** Say something to screen readers (the page's polite live region). */
export function announce(message) {
  const live = document.getElementById('live');
  if (!live) return;
  live.textContent = '';
  setTimeout(() => { live.textContent = message; }, 50);
}

/** Show a message in an alert box (role=alert / status already set in the HTML). */
export function say(box, message, kind = 'error') {
  box.className = `alert ${kind}`;
  box.textContent = message || '';
}

/** Whether a control (or a group of radios) holds nothing: empty text, nothing ticked or chosen. */
export function isBlank(node) {
  if (!node) return false;
  if (!(node instanceof Element)) return ![...node].some((radio) => radio.checked); // a RadioNodeList
  if (node.tagName === 'FIELDSET') {
    const inputs = [...node.querySelectorAll('input, select, textarea')];
    return inputs.length > 0 && inputs.every((input) => isBlank(input));
  }
  if (node.type === 'checkbox' || node.type === 'radio') return !node.checked;
  return 'value' in node && String(node.value).trim() === '';
}

function isRequired(node) {
  if (!(node instanceof Element)) return [...node].some((radio) => radio.required);
  return node.required || node.getAttribute('aria-required') === 'true';
}

/**
 * The message for a field the server refused: "required" when the person left it empty (a
 * required control, or one the server says is missing or too short), else `invalid` (the
 * message for the wrong value). `field.<name>.missing` may say it in the field's own words.
 */
export function fieldMessage(node, name, type, invalid) {
  const missing = type === 'missing' || (isBlank(node) && (isRequired(node) || type === 'string_too_short'));
  if (!missing) return invalid;
  const last = name.split('.').filter((p) => !/^\d+$/.test(p)).pop();
  return has(`field.${last}.missing`) ? t(`field.${last}.missing`) : t('fielderr.missing');
}

/** The server's own (English) words stand only on an English page; elsewhere a general "check this". */
export function untranslated(message, error) {
  return error && message === error.msg && currentLang() !== 'en' ? t('fielderr.invalid') : message;
}

/** Clear and then show a problem on a form: field errors next to fields, a summary at the top. */
export function showFormProblem(form, box, err) {
  clearFormErrors(form);
  const fields = fieldErrors(err);
  const raw = {}; // field name -> the server's first error for it
  for (const e of err?.problem?.errors || []) {
    const name = String((e.loc || []).filter((p) => p !== 'body')[0] ?? '');
    if (!(name in raw)) raw[name] = e;
  }
  let first = null;
  for (const [name, message] of Object.entries(fields)) {
    const input = form.elements.namedItem(name);
    const slot = form.querySelector(`[data-error-for="${name}"]`);
    if (!input || !slot) continue;
    slot.textContent = fieldMessage(input, name, raw[name]?.type, untranslated(message, raw[name]));
    input.setAttribute('aria-invalid', 'true');
    first = first || input;
  }
  const count = Object.keys(fields).length;
  say(box, count && first ? t('form.fix', { n: count }) : problemMessage(err));
  (first || box).focus();
}

export function clearFormErrors(form) {
  form.querySelectorAll('[data-error-for]').forEach((slot) => { slot.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((input) => input.removeAttribute('aria-invalid'));
}

// ---- dates, always in the event's time zone -------------------------------------------

/** Formatting locale: Polish, or British English (24-hour clock, day before month). */
export function locale() { return currentLang() === 'pl' ? 'pl-PL' : 'en-GB'; }

const dayKeyFormat = new Map();
export function dayKey(iso, tz) {
  if (!dayKeyFormat.has(tz)) {
    dayKeyFormat.set(tz, new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }));
  }
  return dayKeyFormat.get(tz).format(new Date(iso));
}
export function fmtDay(iso, tz) {
  return new Intl.DateTimeFormat(locale(), { timeZone: tz, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(iso));
}
export function fmtTime(iso, tz) {
  return new Intl.DateTimeFormat(locale(), { timeZone: tz, hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}
export function fmtDateTime(iso, tz) {
  return new Intl.DateTimeFormat(locale(), { timeZone: tz, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}
function plainDate(isoDate) {
  const [y, m, d] = isoDate.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}
export function fmtDate(isoDate) { // a plain date (YYYY-MM-DD): no time zone shift
  return new Intl.DateTimeFormat(locale(), { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' }).format(plainDate(isoDate));
}
/** The month as it follows a day number ("listopada", "November"). */
function monthName(date) {
  const parts = new Intl.DateTimeFormat(locale(), { timeZone: 'UTC', day: 'numeric', month: 'long' }).formatToParts(date);
  return parts.find((p) => p.type === 'month').value;
}
/**
 * Two plain dates as app/messages/render.date_range writes them: "29–30 listopada 2022",
 * "30 listopada – 1 grudnia 2022", "31 grudnia 2022 – 1 stycznia 2023" (one date when they agree).
 */
export function fmtDateRange(first, last) {
  if (!last || first === last) return fmtDate(first);
  const [a, b] = [plainDate(first), plainDate(last)];
  const [ay, by] = [a.getUTCFullYear(), b.getUTCFullYear()];
  if (ay !== by) return `${fmtDate(first)} – ${fmtDate(last)}`;
  if (a.getUTCMonth() === b.getUTCMonth()) return `${a.getUTCDate()}–${b.getUTCDate()} ${monthName(b)} ${by}`;
  return `${a.getUTCDate()} ${monthName(a)} – ${b.getUTCDate()} ${monthName(b)} ${by}`;
}
/** A wall-clock time in the event's zone ("2026-05-01T12:00", from <input type=datetime-local>) as UTC ISO. */
export function zonedToUtc(local, tz) {
  const [day, time] = local.split('T');
  const [y, m, d] = day.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const format = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric',
    day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const offset = (ts) => {
    const p = Object.fromEntries(format.formatToParts(new Date(ts)).map((x) => [x.type, Number(x.value)]));
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - ts;
  };
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  const first = wall - offset(wall);
  return new Date(wall - offset(first)).toISOString();
}
export function fmtPercent(share) {
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(share);
}
export function fmtNumber(n, significant = 0) {
  const options = significant ? { maximumSignificantDigits: significant } : { maximumFractionDigits: 2 };
  return new Intl.NumberFormat(locale(), options).format(n);
}

/** "1 wolne miejsce" / "5 wolnych miejsc": Polish plurals through Intl.PluralRules. */
export function plural(base, n) {
  const form = new Intl.PluralRules(locale()).select(n);
  return t(`${base}.${form}`, { n });
}

export function sessionWhen(session, tz) {
  return `${fmtDay(session.starts_at, tz)}, ${fmtTime(session.starts_at, tz)}–${fmtTime(session.ends_at, tz)}`;
}

/** Common page start: translations, the language switch, a random id helper for Idempotency-Key. */
export function initPage() {
  applyI18n();
  initLangSwitch();
}

export function randomKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}
