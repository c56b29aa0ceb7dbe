// The event's own questions on the registration form, one renderer for the event page and the
// personal page: labels and help in the page's language (falling back to Polish), the right
// control per type, places left per option, and answers read back in the API's shape.
import { ApiError } from './api.js';
import { currentLang, t } from './i18n.js';
import { el, plural } from './ui.js';

const CHOICE = ['single_choice', 'multiple_choice'];

/** {pl, en?} as [text, language]: English when the page is English and there is one, else Polish. */
export function localized(text) {
  if (!text) return ['', 'pl'];
  return currentLang() === 'en' && text.en ? [text.en, 'en'] : [text.pl, 'pl'];
}

function textOf(text, tag = 'span', attrs = {}) {
  const [value, lang] = localized(text);
  return el(tag, { ...attrs, text: value, lang: lang === currentLang() ? null : lang });
}

export function applies(question, category) {
  return !question.categories || question.categories.includes(category);
}

export function isChoice(question) { return CHOICE.includes(question.type); }

/** An answer as the API returns it (a single choice comes back as [id]) in the shape it takes. */
export function normalize(question, value) {
  if (value === undefined || value === null || value === '') return null;
  if (question.type === 'single_choice') return Array.isArray(value) ? (value[0] ?? null) : value;
  if (question.type === 'multiple_choice') return Array.isArray(value) && value.length ? [...value].sort((a, b) => a - b) : null;
  return value;
}

/** Option ids a saved set of answers holds (they stay choosable for their owner even when full). */
export function heldOptions(answers = {}) {
  return new Set(Object.values(answers).flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v) => typeof v === 'number'));
}

function placesText(option, held) {
  if (option.capacity === null || option.capacity === undefined) return null;
  if (option.remaining > 0) return plural('option.placesLeft', option.remaining);
  return t(held ? 'option.fullYours' : 'option.full');
}

function heading(question) {
  const parts = [textOf(question.label)];
  if (question.required) {
    parts.push(el('span', { class: 'required', 'aria-hidden': 'true', text: ' *' }),
      el('span', { class: 'visually-hidden', text: ` ${t('answer.requiredSr')}` }));
  } else {
    parts.push(' ', el('span', { class: 'hint inline', text: t('common.optional') }));
  }
  return parts;
}

function choiceItem(question, option, { name, type, checked, held }) {
  const id = `${name.replace('.', '-')}-o${option.id}`;
  const places = placesText(option, held);
  const full = option.capacity !== null && option.capacity !== undefined && option.remaining <= 0 && !held;
  const input = el('input', { type, id, name, value: String(option.id), 'data-option-id': String(option.id),
    checked: checked && !full, disabled: full, required: type === 'radio' && question.required });
  return el('label', { class: `check${full ? ' full' : ''}`, for: id }, input,
    el('span', {}, textOf(option.label), places ? el('span', { class: 'hint places', text: places }) : null));
}

function group(question, name, value, held, ids) {
  const items = [];
  const optional = !question.required && question.type !== 'multiple_choice';
  if (question.type === 'boolean') {
    if (optional) items.push({ value: '', label: t('answer.none'), checked: value === null });
    items.push({ value: 'true', label: t('answer.yes'), checked: value === true },
      { value: 'false', label: t('answer.no'), checked: value === false });
  }
  const controls = question.type === 'boolean'
    ? items.map((item, i) => {
      const id = `${ids.base}-b${i}`;
      return el('label', { class: 'check', for: id },
        el('input', { type: 'radio', id, name, value: item.value, checked: item.checked, required: question.required }),
        el('span', { text: item.label }));
    })
    : [
      optional ? el('label', { class: 'check', for: `${ids.base}-none` },
        el('input', { type: 'radio', id: `${ids.base}-none`, name, value: '', checked: value === null }),
        el('span', { text: t('answer.none') })) : null,
      ...question.options.map((option) => choiceItem(question, option, {
        name, type: question.type === 'single_choice' ? 'radio' : 'checkbox', held: held.has(option.id),
        checked: Array.isArray(value) ? value.includes(option.id) : value === option.id,
      })),
    ];
  return el('fieldset', { class: 'question', id: ids.base, tabindex: '-1', 'data-field': name,
    'data-question-id': String(question.id), 'aria-describedby': ids.described },
  el('legend', {}, heading(question)),
  question.help ? textOf(question.help, 'p', { class: 'hint', id: ids.help }) : null,
  question.type === 'multiple_choice' ? el('p', { class: 'hint', text: t('answer.chooseAny') }) : null,
  controls, el('p', { class: 'field-error', id: ids.error, 'data-error-for': name }));
}

function single(question, name, value, ids) {
  const attrs = { id: ids.base, name, 'aria-describedby': ids.described, 'data-field': name,
    'data-question-id': String(question.id) };
  if (question.required) Object.assign(attrs, { required: true, 'aria-required': 'true' });
  let input;
  if (question.type === 'long_text') input = el('textarea', { ...attrs, rows: '4', maxlength: '10000' });
  else if (question.type === 'date') input = el('input', { ...attrs, type: 'date', min: '1900-01-01', max: '2999-12-31' });
  else if (question.type === 'number') input = el('input', { ...attrs, type: 'text', inputmode: 'decimal', maxlength: '30' });
  else input = el('input', { ...attrs, type: 'text', maxlength: '1000' });
  input.value = value === null ? '' : String(value);
  return el('div', { class: 'field question' },
    el('label', { for: ids.base }, heading(question)),
    question.help ? textOf(question.help, 'p', { class: 'hint', id: ids.help }) : null,
    input, el('p', { class: 'field-error', id: ids.error, 'data-error-for': name }));
}

/**
 * Fill `container` with the questions asked of `category`, in order, showing `values`
 * ({"<question id>": answer}); `held` option ids stay choosable when full (the person's own).
 */
export function renderQuestions(container, questions, { category, values = {}, held = new Set(), prefix = 'q' }) {
  const shown = questions.filter((q) => applies(q, category));
  const nodes = shown.map((q) => {
    const name = `answers.${q.id}`;
    const base = `${prefix}-${q.id}`;
    const ids = { base, help: `${base}-help`, error: `${base}-error` };
    ids.described = [q.help ? ids.help : null, ids.error].filter(Boolean).join(' ');
    const value = normalize(q, values[String(q.id)]);
    return q.type === 'boolean' || isChoice(q) ? group(q, name, value, held, ids) : single(q, name, value, ids);
  });
  const note = shown.some((q) => q.required) ? el('p', { class: 'hint', text: t('answer.requiredNote') }) : null;
  container.replaceChildren(...(nodes.length ? [note, ...nodes].filter(Boolean) : []));
  return shown;
}

/** The answers now in the form, by question id: null when a question is left unanswered. */
export function readAnswers(container, questions, category) {
  const out = {};
  for (const q of questions) {
    if (!applies(q, category)) continue;
    const inputs = [...container.querySelectorAll(`[name="answers.${q.id}"]`)];
    if (!inputs.length) continue;
    const picked = inputs.filter((i) => i.checked && !i.disabled);
    let value;
    if (q.type === 'multiple_choice') value = picked.map((i) => Number(i.value));
    else if (q.type === 'single_choice') value = picked[0]?.value ? Number(picked[0].value) : null;
    else if (q.type === 'boolean') value = picked[0]?.value ? picked[0].value === 'true' : null;
    else {
      const text = inputs[0].value.trim();
      const number = Number(text.replace(',', '.'));
      value = text === '' ? null : q.type === 'number' && Number.isFinite(number) ? number : text;
    }
    out[String(q.id)] = normalize(q, value);
  }
  return out;
}

/** Required questions left unanswered, as field errors (shown together with the server's). */
export function missingAnswers(questions, category, values) {
  const out = {};
  for (const q of questions) {
    if (q.required && applies(q, category) && normalize(q, values[String(q.id)]) === null) {
      out[`answers.${q.id}`] = t('answer.required');
    }
  }
  return out;
}

/** Our own message for a 422 on `answers.<id>` or `invitation_code` (the server's is in English). */
export function answerMessage(questions, values) {
  return (name, error) => {
    if (name === 'invitation_code') {
      if (/another e-mail/i.test(error.msg)) return t('invite.otherEmail');
      if (/another organization/i.test(error.msg)) return t('invite.otherOrg');
      return t('invite.invalid');
    }
    const match = /^answers\.(\d+)$/.exec(name);
    if (!match) return null;
    const question = questions.find((q) => String(q.id) === match[1]);
    if (!question) return t('answer.invalid');
    if (normalize(question, values[match[1]]) === null) return t('answer.required');
    if (question.type === 'number') return t('answer.number');
    if (question.type === 'date') return t('answer.date');
    if (/longer than/.test(error.msg)) return t('answer.tooLong');
    if (/control character/.test(error.msg)) return t('answer.badCharacters');
    return isChoice(question) ? t('answer.chooseOption') : t('answer.invalid');
  };
}

/** Field errors for a 409 on the registration form: a full option, or an invitation code used up. */
export function conflictFields(err, questions) {
  if (!(err instanceof ApiError) || err.status !== 409) return {};
  if (err.kind === 'invitation-used-up') return { invitation_code: t('invite.usedUp') };
  if (err.kind !== 'option-full') return {};
  const optionId = err.problem.option_id;
  const question = questions.find((q) => (q.options || []).some((o) => o.id === optionId));
  if (!question) return {};
  const option = question.options.find((o) => o.id === optionId);
  return { [`answers.${question.id}`]: t('answer.optionFull', { option: localized(option.label)[0] }) };
}
