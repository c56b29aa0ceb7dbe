// Organizer messages page (/admin/messages): the e-mail texts of the event. Per kind and language the
// subject and text (Jinja: {{ variable }}), the variables that kind has, a preview with sample data, save
// (the API refuses a text that cannot be used, naming the line) and back to the built-in text.
import { ApiError, api } from './api.js';
import { notify } from './admin-console.js';
import { noticeName } from './admin-messages.js';
import { has, onLangChange, t } from './i18n.js';
import { $, clearFormErrors, el, say, showFormProblem } from './ui.js';

const state = { ctx: null, handle: null, templates: [] };

const base = () => `/events/${state.ctx.event.id}/message-templates`;
const chosen = () => ({ kind: $('#tpl-kind').value, language: $('#tpl-language').value });
const current = () => state.templates.find((x) => x.kind === chosen().kind && x.language === chosen().language);

function renderKinds() {
  const select = $('#tpl-kind');
  const was = select.value;
  const kinds = [...new Set(state.templates.map((x) => x.kind))];
  select.replaceChildren(...kinds.map((k) => el('option', { value: k, text: noticeName(k) })));
  if (kinds.includes(was)) select.value = was;
}

/** The variables of the chosen kind: name to write, and what it holds (in Polish where we have it). */
function renderVariables() {
  const tpl = current();
  if (!tpl) { $('#tpl-variables').replaceChildren(); return; }
  const rows = tpl.variables.map((v) => el('tr', {},
    el('th', { scope: 'row' }, el('code', { text: `{{ ${v.name} }}` })),
    el('td', { text: has(`tplvar.${v.name}`) ? t(`tplvar.${v.name}`) : v.description })));
  const table = el('table', {}, el('caption', { text: t('tpl.variables', { kind: noticeName(tpl.kind) }) }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('tpl.variable') }), el('th', { scope: 'col', text: t('tpl.meaning') }))),
    el('tbody', {}, rows));
  $('#tpl-variables').replaceChildren(el('div', { class: 'table-wrap', tabindex: '0', role: 'region',
    'aria-label': t('tpl.variables', { kind: noticeName(tpl.kind) }), 'data-region': 'own' }, table));
}

/** The chosen kind and language into the form (what is typed is replaced). */
function fill() {
  const tpl = current();
  clearFormErrors($('#template-form'));
  say($('#template-error'), '');
  $('#tpl-preview-box').hidden = true;
  if (!tpl) return;
  $('#tpl-subject').value = tpl.subject;
  $('#tpl-text').value = tpl.text;
  $('#tpl-origin').textContent = t(tpl.custom ? 'tpl.custom' : 'tpl.builtin');
  $('#tpl-reset').disabled = !tpl.custom;
  renderVariables();
}

function body() {
  return { subject: $('#tpl-subject').value.trim(), text: $('#tpl-text').value };
}

/** A refused text: at its field, and the server's reason (it names the line) in the box. */
function showError(err) {
  const form = $('#template-form');
  const box = $('#template-error');
  if (err instanceof ApiError && err.status === 401) { state.handle(err, box); return; }
  showFormProblem(form, box, err);
  if (err instanceof ApiError && err.status === 422 && err.problem.detail) say(box, `${t('tpl.invalid')} ${err.problem.detail}`);
}

async function preview() {
  const { kind, language } = chosen();
  clearFormErrors($('#template-form'));
  say($('#template-error'), '');
  try {
    const shown = await api(`${base()}/${kind}/preview`, { method: 'POST', token: state.ctx.key, body: { language, ...body() } });
    $('#tpl-preview-subject').textContent = shown.subject;
    $('#tpl-preview-text').textContent = shown.text;
    $('#tpl-preview-box').hidden = false;
    $('#tpl-preview-heading').focus();
  } catch (err) {
    $('#tpl-preview-box').hidden = true;
    showError(err);
  }
}

async function save(event) {
  event.preventDefault();
  const { kind, language } = chosen();
  clearFormErrors($('#template-form'));
  say($('#template-error'), '');
  try {
    await api(`${base()}/${kind}/${language}`, { method: 'PUT', token: state.ctx.key, body: body() });
    await reload();
    notify(t('tpl.saved', { kind: noticeName(kind) }));
  } catch (err) {
    showError(err);
  }
}

async function reset() {
  const { kind, language } = chosen();
  try {
    await api(`${base()}/${kind}/${language}`, { method: 'DELETE', token: state.ctx.key });
    await reload();
    notify(t('tpl.resetDone', { kind: noticeName(kind) }));
    $('#tpl-subject').focus();
  } catch (err) {
    showError(err);
  }
}

async function reload() {
  const eventId = state.ctx.event.id;
  const templates = await api(base(), { token: state.ctx.key });
  if (state.ctx.event?.id !== eventId) return; // another event was chosen meanwhile
  state.templates = templates;
  renderKinds();
  fill();
}

export function initTemplates(ctx, handle) {
  Object.assign(state, { ctx, handle });
  $('#tpl-kind').addEventListener('change', fill);
  $('#tpl-language').addEventListener('change', fill);
  $('#tpl-preview').addEventListener('click', preview);
  $('#tpl-reset').addEventListener('click', reset);
  $('#template-form').addEventListener('submit', save);
  onLangChange(() => { renderKinds(); renderVariables(); if (current()) $('#tpl-origin').textContent = t(current().custom ? 'tpl.custom' : 'tpl.builtin'); });
}

/** On sign-in and whenever another event is chosen. */
export async function loadTemplates(ctx) {
  state.ctx = ctx;
  try {
    await reload();
  } catch (err) {
    state.handle(err, $('#template-error'));
  }
}
