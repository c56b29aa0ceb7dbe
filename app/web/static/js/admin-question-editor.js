// Organizer console: one question's editor (new or existing): labels and help in Polish and
// English, type, required, categories, and for choice questions the options with capacities.
// A question with answers refuses some changes (409): the message goes next to what caused it.
import { ApiError, api } from './api.js';
import { notify } from './admin-console.js';
import { checkbox, field, showFields, showProblem } from './formkit.js';
import { t } from './i18n.js';
import { $, clearFormErrors, el, say } from './ui.js';

const TYPES = ['text', 'long_text', 'number', 'boolean', 'single_choice', 'multiple_choice', 'date'];
const CATEGORIES = ['local_government', 'partnership_advisor', 'ministry', 'foundation', 'other'];
const CHOICE = ['single_choice', 'multiple_choice'];
let state = { ctx: null, handle: null, question: null, rows: [], removed: [], opener: null };

const emptyRow = () => ({ id: null, pl: '', en: '', capacity: '', taken: 0, remaining: null });

function readRows() {
  for (const [i, row] of state.rows.entries()) {
    const value = (part) => $(`#qe-opt-${i}-${part}`)?.value ?? '';
    Object.assign(row, { pl: value('pl').trim(), en: value('en').trim(), capacity: value('cap').trim() });
  }
}

function optionRow(row, i) {
  const n = i + 1;
  const removeButton = el('button', { type: 'button', class: 'small secondary', text: t('questions.removeOption'),
    'aria-label': t('questions.removeOptionLabel', { n }) });
  removeButton.addEventListener('click', () => {
    readRows();
    const [gone] = state.rows.splice(i, 1);
    if (gone.id) state.removed.push(gone);
    renderRows();
    ($(`#qe-opt-${Math.min(i, state.rows.length - 1)}-pl`) || $('#qe-add-option')).focus();
  });
  const taken = row.id ? el('p', { class: 'hint', text: row.capacity === '' ? t('questions.takenNoLimit', { taken: row.taken })
    : t('questions.takenOf', { taken: row.taken, capacity: row.capacity, remaining: row.remaining ?? '–' }) }) : null;
  return el('li', { class: 'option-row', 'data-option-id': row.id ? String(row.id) : null },
    el('div', { class: 'grid-3' },
      field({ id: `qe-opt-${i}-pl`, name: `options.${i}.label.pl`, label: t('questions.optionPl', { n }), required: true,
        value: row.pl, attrs: { maxlength: '300' } }),
      field({ id: `qe-opt-${i}-en`, name: `options.${i}.label.en`, label: t('questions.optionEn', { n }), value: row.en,
        attrs: { maxlength: '300', lang: 'en' } }),
      field({ id: `qe-opt-${i}-cap`, name: `options.${i}.capacity`, label: t('questions.capacity', { n }), type: 'number',
        value: row.capacity, attrs: { min: '0', step: '1', inputmode: 'numeric' } })),
    taken, el('div', { class: 'item-buttons' }, removeButton));
}

function renderRows() {
  $('#qe-options-list').replaceChildren(...state.rows.map(optionRow));
}

function showOptions() {
  const choice = CHOICE.includes($('#qe-type').value);
  $('#qe-options').hidden = !choice;
  if (choice && !state.rows.length) {
    state.rows.push(emptyRow());
    renderRows();
  }
}

function buildForm(q) {
  const typeField = field({ id: 'qe-type', name: 'type', label: t('questions.type'), type: 'select', required: true });
  const select = typeField.querySelector('select');
  select.append(...TYPES.map((type) => el('option', { value: type, text: t(`qtype.${type}`) })));
  select.value = q?.type || 'text';
  select.addEventListener('change', showOptions);
  const addOption = el('button', { type: 'button', id: 'qe-add-option', class: 'small secondary', text: t('questions.addOption') });
  addOption.addEventListener('click', () => {
    readRows();
    state.rows.push(emptyRow());
    renderRows();
    $(`#qe-opt-${state.rows.length - 1}-pl`).focus();
  });
  const cancel = el('button', { type: 'button', class: 'secondary', text: t('common.cancel') });
  cancel.addEventListener('click', closeEditor);
  const categories = el('fieldset', { id: 'qe-categories', 'data-field': 'categories', tabindex: '-1', 'aria-describedby': 'qe-categories-hint qe-categories-error' },
    el('legend', { text: t('questions.categories') }),
    el('p', { class: 'hint', id: 'qe-categories-hint', text: t('questions.categoriesHint') }),
    CATEGORIES.map((c) => checkbox({ id: `qe-cat-${c}`, name: 'categories', label: t(`category.${c}`), checked: Boolean(q?.categories?.includes(c)) })),
    el('p', { class: 'field-error', id: 'qe-categories-error', 'data-error-for': 'categories' }));
  const options = el('fieldset', { id: 'qe-options', 'data-field': 'options', tabindex: '-1', 'aria-describedby': 'qe-options-hint qe-options-error' },
    el('legend', { text: t('questions.options') }),
    el('p', { class: 'hint', id: 'qe-options-hint', text: t('questions.optionsHint') }),
    el('ol', { id: 'qe-options-list', class: 'option-rows' }), el('div', { class: 'actions' }, addOption),
    el('p', { class: 'field-error', id: 'qe-options-error', 'data-error-for': 'options' }));
  return el('form', { id: 'question-form', 'aria-labelledby': 'qe-heading', novalidate: true },
    el('div', { id: 'question-error', class: 'alert error', role: 'alert', tabindex: '-1' }),
    el('div', { class: 'grid-2' },
      field({ id: 'qe-label-pl', name: 'label.pl', label: t('questions.labelPl'), required: true, value: q?.label.pl, attrs: { maxlength: '300' } }),
      field({ id: 'qe-label-en', name: 'label.en', label: t('questions.labelEn'), value: q?.label.en, attrs: { maxlength: '300', lang: 'en' } })),
    el('div', { class: 'grid-2' },
      field({ id: 'qe-help-pl', name: 'help.pl', label: t('questions.helpPl'), type: 'textarea', value: q?.help?.pl, attrs: { maxlength: '1000' } }),
      field({ id: 'qe-help-en', name: 'help.en', label: t('questions.helpEn'), type: 'textarea', value: q?.help?.en, attrs: { maxlength: '1000', lang: 'en' } })),
    typeField,
    checkbox({ id: 'qe-required', name: 'required', label: t('questions.requiredLabel'), checked: Boolean(q?.required) }),
    categories, options,
    el('div', { class: 'actions' }, el('button', { type: 'submit', text: t('questions.save') }), cancel));
}

export function openEditor(ctx, handle, question, opener) {
  state = { ctx, handle, question, opener, removed: [], rows: (question?.options || []).map((o) => ({
    id: o.id, pl: o.label.pl, en: o.label.en || '', capacity: o.capacity ?? '', taken: o.taken, remaining: o.remaining })) };
  const box = $('#question-editor');
  const heading = el('h3', { id: 'qe-heading', text: question ? t('questions.editHeading', { item: question.label.pl }) : t('questions.newHeading') });
  const form = buildForm(question);
  form.addEventListener('submit', save);
  box.replaceChildren(heading, form);
  box.hidden = false;
  renderRows();
  showOptions();
  $('#qe-label-pl').focus();
}

function closeEditor() {
  $('#question-editor').hidden = true;
  $('#question-editor').replaceChildren();
  if (state.opener?.isConnected) state.opener.focus();
}

function body() {
  readRows();
  const value = (id) => $(id).value.trim();
  const type = $('#qe-type').value;
  const out = {
    label: { pl: value('#qe-label-pl'), en: value('#qe-label-en') || null },
    help: value('#qe-help-pl') || value('#qe-help-en') ? { pl: value('#qe-help-pl'), en: value('#qe-help-en') || null } : null,
    type, required: $('#qe-required').checked,
    categories: CATEGORIES.filter((c) => $(`#qe-cat-${c}`).checked),
  };
  if (!out.categories.length) out.categories = null;
  if (CHOICE.includes(type)) {
    out.options = state.rows.map((r) => ({ ...(r.id ? { id: r.id } : {}), label: { pl: r.pl, en: r.en || null },
      capacity: r.capacity === '' ? null : Number(r.capacity) }));
  }
  return out;
}

/** A 409 from the server (the question has answers): say what cannot change, next to it. */
function conflictFields(err) {
  if (err.problem.field === 'type') return { type: t('questions.typeLocked') };
  if (err.problem.field !== 'options') return {};
  const low = state.rows.findIndex((r) => r.id && r.capacity !== '' && Number(r.capacity) < r.taken);
  if (low >= 0) return { [`options.${low}.capacity`]: t('questions.capacityBelowTaken', { n: state.rows[low].taken }) };
  const gone = state.removed.find((r) => r.taken > 0);
  return { options: gone ? t('questions.optionChosen', { option: gone.pl }) : t('questions.optionsLocked') };
}

async function save(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const box = $('#question-error');
  clearFormErrors(form);
  say(box, '');
  const { ctx, question } = state;
  const data = body();
  try {
    const saved = question
      ? await api(`/questions/${question.id}`, { method: 'PATCH', token: ctx.key, body: data })
      : await api(`/events/${ctx.event.id}/questions`, { method: 'POST', token: ctx.key, body: data });
    state.opener = null;
    closeEditor();
    notify(t('questions.saved', { item: saved.label.pl }));
    $('#questions-status').textContent = t('questions.saved', { item: saved.label.pl });
    document.dispatchEvent(new CustomEvent('question-saved', {
      detail: { focusId: saved.id, focusLabel: t('questions.editLabel', { item: saved.label.pl }) } }));
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) {
      const fields = conflictFields(err);
      showFields(form, box, fields, err.problem.detail || t('status.409'));
    } else if (err instanceof ApiError && err.status === 401) {
      state.handle(err, box);
    } else {
      showProblem(form, box, err);
    }
  }
}
