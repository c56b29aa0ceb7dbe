// Participant choices: topic poll ballots (approval: checkboxes; ranked: an ordered list)
// and the ranking of workshops for the assignment. Unsaved choices survive re-renders.
import { api, problemMessage } from './api.js';
import { t } from './i18n.js';
import { field, showProblem } from './formkit.js';
import { RankList } from './ranklist.js';
import { $, clearFormErrors, el, fmtDateTime, say, sessionWhen } from './ui.js';

const drafts = new Map(); // poll id -> topic ids; 'proposal-<poll id>' -> {title, description}; 'prefs' -> choice keys
const proposed = new Map(); // poll id -> titles proposed from this page (the API lists no one's own proposals)
let prefsList = null;
let prefsWired = false;

function pollState(poll, tz) {
  if (poll.status === 'published') return t('polls.published');
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

/** Proposals are taken until the poll closes (also before it opens), when the poll allows them. */
function takesProposals(poll) {
  if (poll.status === 'published') return false;
  return poll.allow_proposals && (poll.is_open || !poll.closes_at || Date.parse(poll.closes_at) > Date.now());
}

function proposalForm(poll, ctx) {
  const prefix = `proposal-${poll.id}`;
  const headingId = `${prefix}-heading`;
  const draft = drafts.get(prefix) ?? {};
  const form = el('form', { class: 'proposal', novalidate: true, 'aria-labelledby': headingId, 'data-poll-id': String(poll.id) },
    el('h4', { id: headingId, text: t('proposal.heading') }),
    el('p', { class: 'hint', text: t('proposal.help') }));
  const error = el('div', { class: 'alert error', role: 'alert', tabindex: '-1' });
  const status = el('p', { role: 'status', class: 'proposal-status' });
  form.append(error,
    field({ id: `${prefix}-title`, name: 'title', label: t('proposal.title'), required: true,
      attrs: { maxlength: '300', autocomplete: 'off' }, value: draft.title ?? '' }),
    field({ id: `${prefix}-description`, name: 'description', label: t('proposal.description'), type: 'textarea',
      hint: t('proposal.descriptionHint'), attrs: { maxlength: '10000' }, value: draft.description ?? '' }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'secondary', text: t('proposal.send') })),
    status);
  const sent = proposed.get(poll.id) ?? [];
  if (sent.length) {
    form.append(el('p', { class: 'hint', text: t('proposal.yours') }),
      el('ul', { class: 'proposals' }, sent.map((title) => el('li', {}, title, ' ',
        el('span', { class: 'badge warn', text: t('proposal.awaiting') })))));
  }
  form.addEventListener('input', () => {
    drafts.set(prefix, { title: form.elements.namedItem('title').value, description: form.elements.namedItem('description').value });
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    say(error, '');
    status.textContent = '';
    const title = form.elements.namedItem('title').value.trim();
    const description = form.elements.namedItem('description').value.trim();
    const body = { title, ...(description ? { description } : {}) };
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const topic = await api(`/polls/${poll.id}/proposals`, { method: 'POST', token: ctx.token, body });
      proposed.set(poll.id, [...(proposed.get(poll.id) ?? []), topic.title]);
      drafts.delete(prefix);
      const fresh = proposalForm(poll, ctx);
      form.replaceWith(fresh);
      const done = fresh.querySelector('.proposal-status');
      done.textContent = t('proposal.sent', { title: topic.title });
      fresh.querySelector('input[name=title]').focus();
    } catch (err) {
      showProblem(form, error, err);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function pollForm(poll, ctx) {
  const saved = ctx.me.ballots.find((b) => b.poll_id === poll.id)?.topic_ids ?? [];
  const chosen = drafts.get(poll.id) ?? saved;
  const titleId = `poll-${poll.id}-title`;
  const block = el('section', { class: 'panel poll', 'aria-labelledby': titleId });
  const form = el('form', { class: 'ballot', novalidate: true, 'aria-labelledby': titleId, 'data-poll-id': String(poll.id) });
  const closed = !poll.is_open;
  const help = t(poll.ballot === 'ranked' ? 'polls.rankedHelp' : 'polls.approvalHelp', { n: poll.seats });
  const state = pollState(poll, ctx.event.timezone);
  block.append(...[el('h3', { id: titleId, text: poll.title }),
    poll.description && el('p', { text: poll.description }),
    el('p', { class: 'muted', text: help }),
    state && el('p', { class: closed ? 'alert warn' : 'muted', text: state }),
    saved.length > 0 && el('p', {}, el('span', { class: 'badge ok', text: t('polls.voted') }))].filter(Boolean), form);
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
  if (takesProposals(poll)) block.append(proposalForm(poll, ctx));
  return block;
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

// ---- ranking the workshops ------------------------------------------------------------------
// The API ranks sessions; people rank *choices*: a topic published in several slots (the same
// `topic_id`) is one choice, a workshop without a topic is a choice of its own. Saving sends each
// choice's sessions in its place, earliest first: "this topic, in whichever slot".

/** Choices in programme order, each with its sessions (earliest first) and the slots it runs in. */
export function workshopChoices(sessions) {
  const workshops = sessions.filter((s) => s.kind === 'workshop')
    .sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at) || a.id - b.id);
  const choices = new Map();
  for (const s of workshops) {
    const key = s.topic_id === null || s.topic_id === undefined ? `s${s.id}` : `t${s.topic_id}`;
    if (!choices.has(key)) choices.set(key, { key, title: s.title, sessions: [] });
    choices.get(key).sessions.push(s);
  }
  for (const choice of choices.values()) {
    choice.slots = [...new Set(choice.sessions.map((s) => `${s.starts_at}|${s.ends_at}`))];
  }
  return [...choices.values()];
}

/** The saved ranking of sessions as choices, in the order each choice first appears. */
function savedChoices(sessionIds, choices) {
  const keyOf = new Map(choices.flatMap((c) => c.sessions.map((s) => [s.id, c.key])));
  return [...new Set(sessionIds.map((id) => keyOf.get(id)).filter(Boolean))];
}

function sessionIds(keys, choices) {
  const byKey = new Map(choices.map((c) => [c.key, c]));
  return keys.flatMap((key) => byKey.get(key)?.sessions.map((s) => s.id) ?? []);
}

function choiceHint(choice, tz) {
  const where = choice.sessions.map((s) => [sessionWhen(s, tz), s.room].filter(Boolean).join(', '));
  return choice.sessions.length > 1 ? t('prefs.runsTwice', { n: choice.sessions.length, when: where.join('; ') }) : where[0];
}

/** Groups of choices by when they run: one slot ("Tuesday …, 14:00–15:30"), or the same slots. */
function choiceGroups(choices, tz) {
  const groups = new Map();
  for (const choice of choices) {
    const key = choice.slots.join(' ');
    if (!groups.has(key)) {
      const first = choice.sessions.filter((s, i, all) => all.findIndex((o) => o.starts_at === s.starts_at) === i);
      const when = first.map((s) => sessionWhen(s, tz));
      groups.set(key, { heading: when.length > 1 ? t('prefs.inEverySlot', { when: when.join('; ') }) : when[0],
        ids: [], note: when.length > 1 ? t('prefs.oneOfSlots') : null });
    }
    groups.get(key).ids.push(choice.key);
  }
  return [...groups.values()];
}

export function renderPreferences(container, ctx) {
  const choices = workshopChoices(ctx.sessions);
  const form = $('#prefs-form');
  const save = $('#prefs-save');
  if (!prefsWired) {
    prefsWired = true;
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const box = $('#prefs-error');
      say(box, '');
      $('#prefs-status').textContent = '';
      const now = workshopChoices(ctx.sessions);
      const keys = prefsList.value;
      try {
        const saved = await api('/me/preferences', { method: 'PUT', token: ctx.token,
          body: { session_ids: sessionIds(keys, now) } });
        ctx.me.preferences = saved.session_ids;
        drafts.delete('prefs');
        $('#prefs-status').textContent = t('prefs.saved', { n: keys.length });
      } catch (err) {
        say(box, problemMessage(err));
        box.focus();
      }
    });
  }
  if (ctx.me.status !== 'confirmed' || !choices.length) {
    container.replaceChildren(el('p', { class: ctx.me.status !== 'confirmed' ? 'alert warn' : 'muted',
      text: t(ctx.me.status !== 'confirmed' ? 'prefs.confirmedOnly' : 'prefs.none') }));
    save.hidden = true;
    return;
  }
  save.hidden = false;
  const tz = ctx.event.timezone;
  const items = choices.map((c) => ({ id: c.key, label: c.title, hint: choiceHint(c, tz) }));
  const selected = drafts.get('prefs') ?? savedChoices(ctx.me.preferences ?? [], choices);
  prefsList = new RankList(container, { items, selected, prefix: 'prefs', level: 3, groups: choiceGroups(choices, tz),
    onChange: (keys) => drafts.set('prefs', keys) });
}
