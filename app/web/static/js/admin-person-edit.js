// Organizer console, person view: "Edit details" — names, organization, partnership, position,
// category, language of e-mails, form of address (PATCH /registrations/{id}, the same checks as
// PATCH /me: a new organization needs room under the event's limit, 409 at the field). Only changed
// fields are sent; the API's field errors are shown at the fields (formkit.js).
import { ApiError } from './api.js';
import { field, showProblem } from './formkit.js';
import { t } from './i18n.js';
import { clearFormErrors, el, say } from './ui.js';

const TEXT = ['first_name', 'last_name', 'organization', 'partnership', 'position'];
const REQUIRED = new Set(['first_name', 'last_name', 'organization']);
const CATEGORIES = ['local_government', 'partnership_advisor', 'ministry', 'foundation', 'other'];
const LANGUAGES = [['', 'people.langDefault'], ['pl', 'setup.lang.pl'], ['en', 'setup.lang.en']];
const ADDRESSES = [['', 'address.none'], ['pani', 'address.pani'], ['pan', 'address.pan']];

function choice(name, label, options, current, required = true) {
  const box = field({ id: `pe-${name}`, name, label, type: 'select', required });
  box.querySelector('select').append(...options.map(([value, text]) =>
    el('option', { value, text, selected: value === (current ?? '') })));
  return box;
}

/** What differs from the registration: '' is null for the optional fields. */
function changes(form, reg) {
  const out = {};
  for (const name of [...TEXT, 'category', 'language', 'form_of_address']) {
    const raw = form.elements.namedItem(name).value.trim();
    const value = raw === '' && !REQUIRED.has(name) ? null : raw;
    if (value !== (reg[name] ?? null)) out[name] = value;
  }
  return out;
}

/**
 * The form, folded under its heading. `save(body)` sends the changes and redraws the person;
 * `handle(err, box)` deals with a lost session (401).
 */
export function editDetails(reg, save, handle) {
  const box = el('div', { id: 'person-edit-error', class: 'alert error', role: 'alert', tabindex: '-1' });
  const form = el('form', { id: 'person-edit-form', novalidate: true },
    TEXT.map((name) => field({ id: `pe-${name}`, name, label: t(`field.${name}`), required: REQUIRED.has(name),
      value: reg[name] ?? '', attrs: { maxlength: name === 'first_name' || name === 'last_name' ? '100' : '200',
        autocomplete: 'off' } })),
    choice('category', t('field.category'), CATEGORIES.map((c) => [c, t(`category.${c}`)]), reg.category),
    choice('language', t('me.language'), LANGUAGES.map(([v, k]) => [v, t(k)]), reg.language),
    choice('form_of_address', t('people.formOfAddress'), ADDRESSES.map(([v, k]) => [v, t(k)]), reg.form_of_address,
      false),
    box,
    el('div', { class: 'actions' }, el('button', { type: 'submit', text: t('people.editSave') })));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    say(box, '');
    const body = changes(form, reg);
    if (!Object.keys(body).length) { say(box, t('people.editNothing')); box.focus(); return; }
    try {
      await save(body);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) handle(err, box);
      else showProblem(form, box, err);
    }
  });
  return el('details', { id: 'person-edit', class: 'person-edit' },
    el('summary', { text: t('people.edit') }), form);
}
