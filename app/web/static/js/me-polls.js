// Participant choices: topic poll ballots (approval: checkboxes; ranked: an ordered list)
// and the ranking of workshops for the assignment. Unsaved choices survive re-renders.
import { api, problemMessage } from './api.js';
import { t } from './i18n.js';
import { RankList } from './ranklist.js';
import { $, el, fmtDateTime, say, sessionWhen } from './ui.js';

const drafts = new Map(); // poll id -> topic ids; 'prefs' -> session ids
let prefsList = null;
let prefsWired = false;

function pollState(poll, tz) {
  if (poll.is_open) return poll.closes_at ? t('polls.openUntil', { when: fmtDateTime(poll.closes_at, tz) }) : '';
  if (poll.opens_at && Date.parse(poll.opens_at) > Date.now()) return t('polls.opensAt', { when: fmtDateTime(poll.opens_at, tz) });
  return t('polls.closed');
}

function approvalInputs(poll, chosen, disabled) {
  const fieldset = el('fieldset', {}, el('legend', { text: t('polls.topics') }));
  for (const topic of poll.topics) {
    const id = `poll-${poll.id}-topic-${topic.id}`;
    const box = el('input', { type: 'checkbox', id, name: 'topic', value: String(topic.id), checked: chosen.includes(topic.id), disabled });
    box.addEventListener('change', () => {
      const ids = [...fieldset.querySelectorAll('input:checked')].map((input) => Number(input.value));
      drafts.set(poll.id, ids);
    });
    fieldset.append(el('div', { class: 'field' }, el('label', { class: 'check', for: id }, box,
      el('span', {}, topic.title, topic.description ? el('span', { class: 'hint', text: topic.description }) : null))));
  }
  return fieldset;
}

function pollForm(poll, ctx) {
  const saved = ctx.me.ballots.find((b) => b.poll_id === poll.id)?.topic_ids ?? [];
  const chosen = drafts.get(poll.id) ?? saved;
  const titleId = `poll-${poll.id}-title`;
  const form = el('form', { class: 'panel poll', novalidate: true, 'aria-labelledby': titleId, 'data-poll-id': String(poll.id) });
  const closed = !poll.is_open;
  const help = t(poll.ballot === 'ranked' ? 'polls.rankedHelp' : 'polls.approvalHelp', { n: poll.seats });
  const state = pollState(poll, ctx.event.timezone);
  form.append(...[el('h3', { id: titleId, text: poll.title }),
    poll.description && el('p', { text: poll.description }),
    el('p', { class: 'muted', text: help }),
    state && el('p', { class: closed ? 'alert warn' : 'muted', text: state }),
    saved.length > 0 && el('p', {}, el('span', { class: 'badge ok', text: t('polls.voted') }))].filter(Boolean));
  let list = null;
  if (!poll.topics.length) {
    form.append(el('p', { class: 'muted', text: t('polls.noTopics') }));
  } else if (poll.ballot === 'ranked') {
    const holder = el('div');
    form.append(holder);
    const items = poll.topics.map((topic) => ({ id: topic.id, label: topic.title, hint: topic.description }));
    list = new RankList(holder, { items, selected: chosen, prefix: `poll-${poll.id}`, onChange: (ids) => drafts.set(poll.id, ids) });
    if (closed) list.setDisabled(true);
  } else {
    form.append(approvalInputs(poll, chosen, closed));
  }
  const error = el('div', { class: 'alert error', role: 'alert', tabindex: '-1' });
  const status = el('span', { role: 'status' });
  const save = el('button', { type: 'submit', text: t('polls.save'), disabled: closed || !poll.topics.length });
  form.append(error, el('div', { class: 'actions' }, save, status));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    say(error, '');
    status.textContent = '';
    const ids = list ? list.value : [...form.querySelectorAll('input[name=topic]:checked')].map((i) => Number(i.value));
    try {
      await api(`/polls/${poll.id}/ballot`, { method: 'PUT', token: ctx.token, body: { topic_ids: ids } });
      ctx.me.ballots = [...ctx.me.ballots.filter((b) => b.poll_id !== poll.id), { poll_id: poll.id, topic_ids: ids }];
      drafts.delete(poll.id);
      status.textContent = t('polls.saved', { n: ids.length });
    } catch (err) {
      say(error, problemMessage(err));
      error.focus();
    }
  });
  return form;
}

export function renderPolls(container, ctx) {
  if (ctx.me.status !== 'confirmed') {
    container.replaceChildren(el('p', { class: 'alert warn', text: t('polls.confirmedOnly') }));
    return;
  }
  if (!ctx.polls.length) {
    container.replaceChildren(el('p', { class: 'muted', text: t('polls.none') }));
    return;
  }
  container.replaceChildren(...ctx.polls.map((poll) => pollForm(poll, ctx)));
}

export function renderPreferences(container, ctx) {
  const workshops = ctx.sessions.filter((s) => s.kind === 'workshop');
  const form = $('#prefs-form');
  const save = $('#prefs-save');
  if (!prefsWired) {
    prefsWired = true;
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const box = $('#prefs-error');
      say(box, '');
      $('#prefs-status').textContent = '';
      try {
        const saved = await api('/me/preferences', { method: 'PUT', token: ctx.token, body: { session_ids: prefsList.value } });
        ctx.me.preferences = saved.session_ids;
        drafts.delete('prefs');
        $('#prefs-status').textContent = t('prefs.saved', { n: saved.session_ids.length });
      } catch (err) {
        say(box, problemMessage(err));
        box.focus();
      }
    });
  }
  if (ctx.me.status !== 'confirmed' || !workshops.length) {
    container.replaceChildren(el('p', { class: ctx.me.status !== 'confirmed' ? 'alert warn' : 'muted',
      text: t(ctx.me.status !== 'confirmed' ? 'prefs.confirmedOnly' : 'prefs.none') }));
    save.hidden = true;
    return;
  }
  save.hidden = false;
  const items = workshops.map((s) => ({
    id: s.id, label: s.title, hint: [sessionWhen(s, ctx.event.timezone), s.room].filter(Boolean).join(' · '),
  }));
  const selected = drafts.get('prefs') ?? ctx.me.preferences ?? [];
  prefsList = new RankList(container, { items, selected, prefix: 'prefs', onChange: (ids) => drafts.set('prefs', ids) });
}
