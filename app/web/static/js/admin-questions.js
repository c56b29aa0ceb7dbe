// Organizer console: the event's registration form. The questions in order with their options,
// places taken and left; move up / down, edit (admin-question-editor.js) and delete.
import { ApiError, api } from './api.js';
import { notify } from './admin-console.js';
import { openEditor } from './admin-question-editor.js';
import { confirmAction } from './confirm.js';
import { onLangChange, t } from './i18n.js';
import { $, el, plural, say } from './ui.js';

const state = { ctx: null, handle: null, questions: [], eventId: null };

const labelOf = (q) => q.label.pl;

function optionLine(option) {
  const parts = [option.label.pl, option.label.en ? ` / ${option.label.en}` : ''];
  const figures = option.capacity === null || option.capacity === undefined
    ? t('questions.takenNoLimit', { taken: option.taken })
    : t('questions.takenOf', { taken: option.taken, capacity: option.capacity, remaining: option.remaining });
  return el('li', { 'data-option-id': String(option.id) }, parts.join(''), ' ',
    el('span', { class: `badge ${option.remaining === 0 ? 'warn' : ''}`, text: figures }));
}

function meta(q) {
  const bits = [t(`qtype.${q.type}`), t(q.required ? 'questions.required' : 'questions.optional')];
  bits.push(q.categories ? `${t('questions.onlyFor')}: ${q.categories.map((c) => t(`category.${c}`)).join(', ')}` : t('questions.everyone'));
  return bits.join(' · ');
}

function button(text, label, onClick, { disabled = false, kind = 'small secondary' } = {}) {
  const node = el('button', { type: 'button', class: kind, text, 'aria-label': label, disabled });
  node.addEventListener('click', () => onClick(node));
  return node;
}

function item(q, index) {
  const name = labelOf(q);
  const count = state.questions.length;
  return el('li', { class: 'question-item', 'data-question-id': String(q.id) },
    el('p', { class: 'question-title' }, el('strong', { text: name }), q.label.en ? el('span', { class: 'hint', lang: 'en', text: q.label.en }) : null),
    el('p', { class: 'hint', text: meta(q) }),
    q.help ? el('p', { class: 'hint', text: t('questions.helpShown', { text: q.help.pl }) }) : null,
    q.options ? el('ul', { class: 'option-list' }, q.options.map(optionLine)) : null,
    el('div', { class: 'item-buttons' },
      button(t('questions.up'), t('rank.up', { item: name }), (b) => move(q, -1, b), { disabled: index === 0 }),
      button(t('questions.down'), t('rank.down', { item: name }), (b) => move(q, 1, b), { disabled: index === count - 1 }),
      button(t('questions.edit'), t('questions.editLabel', { item: name }), (b) => openEditor(state.ctx, state.handle, q, b)),
      button(t('questions.delete'), t('questions.deleteLabel', { item: name }), (b) => remove(q, b), { kind: 'small danger' })));
}

function render() {
  const list = $('#questions-admin');
  list.replaceChildren(...state.questions.map(item));
  $('#questions-status').textContent = state.questions.length ? plural('questions.count', state.questions.length) : t('questions.none');
}

export async function loadQuestions(ctx, { focusId = null, focusLabel = null } = {}) {
  if (!ctx.event) return;
  if (state.eventId !== ctx.event.id) { // another event: an open editor belonged to the previous one
    state.eventId = ctx.event.id;
    $('#question-editor').hidden = true;
    $('#question-editor').replaceChildren();
  }
  try {
    state.questions = await api(`/events/${ctx.event.id}/questions`, { token: ctx.key });
    say($('#questions-error'), '');
    render();
    if (focusId && focusLabel) {
      const buttons = [...document.querySelectorAll(`#questions-admin [data-question-id="${focusId}"] button:not(:disabled)`)];
      const target = buttons.find((b) => b.getAttribute('aria-label') === focusLabel) || buttons[0]; // moved to an end
      (target || $('#form-heading')).focus();
    }
  } catch (err) {
    state.handle(err, $('#questions-error'));
  }
}

/** Move one question up or down: every question whose place changed gets its new position. */
async function move(q, step, opener) {
  const order = [...state.questions];
  const from = order.findIndex((x) => x.id === q.id);
  const to = from + step;
  if (to < 0 || to >= order.length) return;
  [order[from], order[to]] = [order[to], order[from]];
  const { ctx } = state;
  try {
    for (const [i, item] of order.entries()) {
      if (item.position !== i + 1) {
        await api(`/questions/${item.id}`, { method: 'PATCH', token: ctx.key, body: { position: i + 1 } });
      }
    }
    notify(t('rank.moved', { item: labelOf(q), n: to + 1, total: order.length }));
    await loadQuestions(ctx, { focusId: q.id, focusLabel: opener.getAttribute('aria-label') });
  } catch (err) {
    state.handle(err, $('#questions-error'));
  }
}

async function remove(q, opener) {
  const ok = await confirmAction({ heading: t('questions.deleteHeading'), text: t('questions.deleteText', { item: labelOf(q) }),
    confirm: t('questions.deleteConfirm'), opener });
  if (!ok) return;
  try {
    await api(`/questions/${q.id}`, { method: 'DELETE', token: state.ctx.key });
    notify(t('questions.deleted', { item: labelOf(q) }));
    await loadQuestions(state.ctx);
    $('#form-heading').focus();
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) {
      say($('#questions-error'), t('questions.answeredNoDelete', { item: labelOf(q) }));
      $('#questions-error').focus();
    } else {
      state.handle(err, $('#questions-error'));
    }
  }
}

export function initQuestions(ctx, handle) {
  Object.assign(state, { ctx, handle });
  $('#question-new').addEventListener('click', (e) => openEditor(ctx, handle, null, e.currentTarget));
  document.addEventListener('question-saved', (e) => loadQuestions(ctx, e.detail));
  onLangChange(() => render());
}
