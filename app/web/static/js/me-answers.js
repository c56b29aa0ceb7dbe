// Personal page: the answers to the event's questions and the choice of being listed, saved
// together with PATCH /me (only the answers that changed are sent; the others stay as they are).
import { api } from './api.js';
import { showProblem } from './formkit.js';
import { t } from './i18n.js';
import { answerMessage, conflictFields, heldOptions, missingAnswers, normalize, readAnswers, renderQuestions } from './questions.js';
import { $, clearFormErrors, say } from './ui.js';

const state = { ctx: null, draft: null, saved: '', listing: null };

function savedAnswers(ctx) {
  const out = {};
  for (const q of ctx.questions) out[String(q.id)] = normalize(q, ctx.me.answers?.[String(q.id)]);
  return out;
}

/** Show the form; what the person typed and has not saved yet survives a re-render (e.g. a language switch). */
export function renderAnswers(ctx) {
  const box = $('#questions');
  const saved = JSON.stringify(ctx.me.answers || {});
  if (state.draft && state.saved === saved && box.childElementCount) {
    Object.assign(state.draft, readAnswers(box, ctx.questions, ctx.me.category));
  } else {
    state.draft = savedAnswers(ctx);
  }
  state.saved = saved;
  renderQuestions(box, ctx.questions, { category: ctx.me.category, values: state.draft, held: heldOptions(ctx.me.answers) });
  if (state.listing !== ctx.me.listing) { // keep an unsaved choice unless the saved one changed
    state.listing = ctx.me.listing;
    const radio = $(`#answers-form input[name="listing"][value="${ctx.me.listing || 'none'}"]`);
    if (radio) radio.checked = true;
  }
}

function changedAnswers(ctx, values) {
  const before = savedAnswers(ctx);
  return Object.fromEntries(Object.entries(values).filter(([id, value]) => JSON.stringify(value) !== JSON.stringify(before[id])));
}

async function save(event) {
  event.preventDefault();
  const { ctx } = state;
  const form = event.currentTarget;
  const box = $('#answers-error');
  const status = $('#answers-status');
  clearFormErrors(form);
  say(box, '');
  status.textContent = '';
  const values = readAnswers($('#questions'), ctx.questions, ctx.me.category);
  const body = { listing: new FormData(form).get('listing') || 'none' };
  const changed = changedAnswers(ctx, values);
  if (Object.keys(changed).length) body.answers = changed;
  const button = $('#answers-save');
  button.disabled = true;
  try {
    ctx.me = await api('/me', { method: 'PATCH', token: ctx.token, body });
    state.draft = null;
    renderAnswers(ctx);
    status.textContent = t('me.answersSaved');
  } catch (err) {
    if (err.kind === 'option-full') {
      try { ctx.questions = await api(`/events/${ctx.me.event_id}/questions`); } catch { /* keep the old figures */ }
      renderAnswers(ctx);
    }
    const extra = { ...(err.status === 422 ? missingAnswers(ctx.questions, ctx.me.category, values) : {}),
      ...conflictFields(err, ctx.questions) };
    showProblem(form, box, err, { messageFor: answerMessage(ctx.questions, values), extra });
  } finally {
    button.disabled = false;
  }
}

export function initAnswers(ctx) {
  state.ctx = ctx;
  $('#answers-form').addEventListener('submit', save);
}
