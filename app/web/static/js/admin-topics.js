// Organizer console: the topics of the managed poll. Topics on the ballot (add, edit, delete) and the
// participants' proposals, which reach the ballot once approved (or are rejected).
import { api } from './api.js';
import { notify } from './admin-console.js';
import { confirmAction } from './confirm.js';
import { t } from './i18n.js';
import { itemButton, keepValues, onSubmit, scrollRegion, specBody, specForm } from './admin-setup.js';
import { $, el, say } from './ui.js';

const state = { editing: null, pollId: null };
const FIELDS = [
  { name: 'title', required: true, attrs: { maxlength: '300' } },
  { name: 'description', type: 'textarea', attrs: { maxlength: '10000' } },
];

function topicItem(ctx, handle, topic, reload) {
  return el('li', { 'data-topic-id': String(topic.id) },
    el('span', { class: 'item-label' }, el('strong', { text: topic.title }),
      topic.description ? el('span', { class: 'hint', text: topic.description }) : null),
    el('span', { class: 'item-buttons' },
      itemButton(t('topics.edit'), t('topics.editLabel', { item: topic.title }), () => {
        state.editing = topic.id;
        reload({ focus: '#topic-form-heading' });
      }),
      itemButton(t('topics.delete'), t('topics.deleteLabel', { item: topic.title }), (b) => remove(ctx, handle, topic, reload, b), 'small danger')));
}

function proposalsTable(ctx, handle, proposals, reload) {
  const head = ['topics.colTitle', 'topics.colDescription', 'topics.colStatus', 'topics.colActions'];
  return el('table', {}, el('caption', { class: 'visually-hidden', text: t('topics.proposalsHeading') }),
    el('thead', {}, el('tr', {}, head.map((k) => el('th', { scope: 'col', text: t(k) })))),
    el('tbody', {}, proposals.map((p) => el('tr', { 'data-topic-id': String(p.id) },
      el('th', { scope: 'row', text: p.title }), el('td', { text: p.description || '–' }),
      el('td', {}, el('span', { class: `badge ${p.status === 'rejected' ? 'err' : 'warn'}`, text: t(`topics.status.${p.status}`) })),
      el('td', {}, el('div', { class: 'item-buttons' },
        itemButton(t('topics.approve'), t('topics.approveLabel', { item: p.title }), () => decide(ctx, handle, p, 'approved', reload)),
        p.status === 'proposed' ? itemButton(t('topics.reject'), t('topics.rejectLabel', { item: p.title }),
          () => decide(ctx, handle, p, 'rejected', reload), 'small danger') : null))))));
}

/** The topics part of the managed poll's panel. */
export function topicsBlock(ctx, handle, poll, reload, keep = false) {
  if (state.pollId !== poll.id) Object.assign(state, { pollId: poll.id, editing: null });
  const approved = poll.topics.filter((x) => x.status === 'approved');
  const proposals = poll.topics.filter((x) => x.status !== 'approved');
  const editing = approved.find((x) => x.id === state.editing) || null;
  const form = specForm({ id: 'topic-form', prefix: 'tf', fields: FIELDS, values: editing || {}, tz: ctx.event.timezone,
    submit: t(editing ? 'topics.save' : 'topics.add'), labelledby: 'topic-form-heading' });
  if (keep) keepValues($('#topic-form'), form);
  onSubmit(form, async () => {
    const body = specBody(form, FIELDS, ctx.event.timezone, { create: !editing });
    const saved = editing ? await api(`/topics/${editing.id}`, { method: 'PATCH', token: ctx.key, body })
      : await api(`/polls/${poll.id}/topics`, { method: 'POST', token: ctx.key, body });
    state.editing = null;
    await reload({ focus: '#topic-form-title' });
    notify(t(editing ? 'topics.saved' : 'topics.added', { item: saved.title }));
  }, handle);
  if (editing) {
    const cancel = el('button', { type: 'button', class: 'secondary', text: t('common.cancel') });
    cancel.addEventListener('click', () => { state.editing = null; reload({ focus: '#topic-form-heading' }); });
    form.querySelector('.actions').append(cancel);
  }
  return el('div', { id: 'poll-topics' },
    el('h4', { id: 'topics-heading', tabindex: '-1', text: t('topics.heading', { n: approved.length }) }),
    el('div', { id: 'topics-error', class: 'alert error', role: 'alert', tabindex: '-1' }),
    approved.length ? el('ul', { class: 'rank-list', id: 'topics-list' }, approved.map((x) => topicItem(ctx, handle, x, reload)))
      : el('p', { class: 'muted', text: t('topics.none') }),
    el('h5', { id: 'topic-form-heading', tabindex: '-1', text: editing ? t('topics.editHeading', { item: editing.title }) : t('topics.addHeading') }),
    form,
    el('h4', { id: 'proposals-heading', tabindex: '-1', text: t('topics.proposalsHeading') }),
    el('p', { class: 'muted', text: t(poll.allow_proposals ? 'topics.proposalsHelp' : 'topics.proposalsOff') }),
    proposals.length ? scrollRegion(t('topics.proposalsHeading'), proposalsTable(ctx, handle, proposals, reload), 'proposals-table')
      : el('p', { class: 'muted', id: 'proposals-table', text: t('topics.noProposals') }));
}

async function decide(ctx, handle, topic, status, reload) {
  const box = $('#topics-error');
  say(box, '');
  try {
    await api(`/topics/${topic.id}`, { method: 'PATCH', token: ctx.key, body: { status } });
    await reload({ focus: '#proposals-heading' });
    notify(t(status === 'approved' ? 'topics.approved' : 'topics.rejected', { item: topic.title }));
  } catch (err) {
    handle(err, box);
  }
}

async function remove(ctx, handle, topic, reload, opener) {
  const ok = await confirmAction({ heading: t('topics.deleteHeading'), text: t('topics.deleteText', { item: topic.title }),
    confirm: t('topics.deleteConfirm'), opener });
  if (!ok) return;
  try {
    await api(`/topics/${topic.id}`, { method: 'DELETE', token: ctx.key });
    if (state.editing === topic.id) state.editing = null;
    await reload({ focus: '#topics-heading' });
    notify(t('topics.deleted', { item: topic.title }));
  } catch (err) {
    handle(err, $('#topics-error'));
  }
}
