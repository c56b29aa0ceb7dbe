// Organizer console: the event's topic polls. A table of polls; a new poll; one poll managed at a time:
// its settings, topics and participants' proposals (admin-topics.js), announcing it by e-mail, and
// publishing the winners as workshops (admin-publish.js). Results per rule: admin-results.js.
import { api } from './api.js';
import { notify } from './admin-console.js';
import { confirmAction } from './confirm.js';
import { onLangChange, t } from './i18n.js';
import { loadResults } from './admin-results.js';
import { publishBlock } from './admin-publish.js';
import { itemButton, keepValues, onSubmit, scrollRegion, specBody, specForm } from './admin-setup.js';
import { topicsBlock } from './admin-topics.js';
import { $, el, fmtDateTime, say } from './ui.js';

const state = { ctx: null, handle: null, polls: [], managed: null, eventId: null, published: {} };

const FIELDS = [
  { name: 'title', required: true, attrs: { maxlength: '300' } },
  { name: 'seats', type: 'number', required: true, hint: true, value: 2, attrs: { min: '1', step: '1', inputmode: 'numeric' } },
  { name: 'ballot', type: 'select', hint: true, value: 'approval' },
  { name: 'opens_at', type: 'datetime', hint: true },
  { name: 'closes_at', type: 'datetime', hint: true },
  { name: 'description', type: 'textarea', attrs: { maxlength: '10000' } },
  { name: 'allow_proposals', type: 'checkbox', hint: true },
];

function fields(editing) {
  return FIELDS.map((f) => (f.name === 'ballot'
    ? { ...f, readonly: editing, options: ['approval', 'ranked'].map((b) => [b, t(`pa.ballot.${b}`)]) } : f));
}

const managed = () => state.polls.find((p) => p.id === state.managed) || null;
const count = (poll, status) => poll.topics.filter((x) => x.status === status).length;

function windowText(poll) {
  const tz = state.ctx.event.timezone;
  const from = poll.opens_at ? fmtDateTime(poll.opens_at, tz) : null;
  const to = poll.closes_at ? fmtDateTime(poll.closes_at, tz) : null;
  if (from && to) return t('pa.window', { from, to });
  if (from) return t('pa.windowFrom', { from });
  if (to) return t('pa.windowTo', { to });
  return t('pa.windowAlways');
}

/** Open, closed, or published (its topics are in the programme: closed for good). */
function statusBadge(poll) {
  if (poll.status === 'published') return el('span', { class: 'badge', text: t('pa.published') });
  return el('span', { class: `badge ${poll.is_open ? 'ok' : 'warn'}`, text: t(poll.is_open ? 'pa.open' : 'pa.closed') });
}

function table() {
  const head = ['pa.colTitle', 'pa.colBallot', 'pa.colSeats', 'pa.colWindow', 'pa.colTopics', 'pa.colProposals', 'pa.colActions'];
  return el('table', {}, el('caption', { class: 'visually-hidden', text: t('pa.heading') }),
    el('thead', {}, el('tr', {}, head.map((k) => el('th', { scope: 'col', text: t(k) })))),
    el('tbody', {}, state.polls.map((p) => el('tr', { 'data-poll-id': String(p.id) },
      el('th', { scope: 'row', text: p.title }), el('td', { text: t(`pa.ballot.${p.ballot}`) }),
      el('td', { class: 'num', text: String(p.seats) }),
      el('td', {}, windowText(p), ' ', statusBadge(p)),
      el('td', { class: 'num', text: String(count(p, 'approved')) }), el('td', { class: 'num', text: String(count(p, 'proposed')) }),
      el('td', {}, itemButton(t('pa.manage'), t('pa.manageLabel', { item: p.title }), () => manage(p.id)))))));
}

function pollForm(poll, keep) {
  const tz = state.ctx.event.timezone;
  const form = specForm({ id: 'poll-form', prefix: 'pf', fields: fields(Boolean(poll)), values: poll || {}, tz,
    submit: t(poll ? 'pa.save' : 'pa.create'), labelledby: poll ? 'poll-settings-heading' : 'poll-new-heading' });
  if (keep) keepValues($('#poll-form'), form);
  onSubmit(form, () => savePoll(form, poll), state.handle);
  return form;
}

function render({ keep = false } = {}) {
  const poll = managed();
  const body = [el('p', { class: 'muted', text: t('pa.help') }),
    state.polls.length ? scrollRegion(t('pa.tableLabel'), table(), 'polls-table') : el('p', { class: 'muted', text: t('pa.none') })];
  if (!poll) {
    body.push(el('h3', { id: 'poll-new-heading', tabindex: '-1', text: t('pa.newHeading') }), pollForm(null, keep));
  } else {
    const back = itemButton(t('pa.newPoll'), t('pa.newPoll'), () => { state.managed = null; render(); $('#poll-new-heading').focus(); }, 'secondary');
    const announce = itemButton(t('pa.announce'), t('pa.announceLabel', { item: poll.title }), (b) => announcePoll(poll, b));
    body.push(el('div', { id: 'poll-manage', class: 'panel' },
      el('h3', { id: 'poll-manage-heading', tabindex: '-1', text: t('pa.manageHeading', { item: poll.title }) }),
      el('p', {}, t(`pa.ballot.${poll.ballot}`), ' · ', t('pa.seatsText', { n: poll.seats }), ' · ', windowText(poll), ' ',
        statusBadge(poll)),
      el('div', { id: 'poll-manage-error', class: 'alert error', role: 'alert', tabindex: '-1' }),
      el('details', { id: 'poll-settings' }, el('summary', { id: 'poll-settings-heading', text: t('pa.settingsHeading') }), pollForm(poll, keep)),
      topicsBlock(state.ctx, state.handle, poll, reload, keep),
      el('h4', { text: t('pa.announceHeading') }), el('p', { class: 'muted', text: t('pa.announceHelp') }),
      el('div', { class: 'actions' }, announce),
      publishBlock(state.ctx, state.handle, poll, { keep, shown: state.published[poll.id] || null,
        done: (out) => { state.published[poll.id] = out; } })),
    el('div', { class: 'actions' }, back));
  }
  const section = $('#polls-admin');
  section.replaceChildren(section.querySelector('h2'), ...body);
}

export async function loadPolls(ctx, { quiet = false } = {}) {
  state.ctx = ctx;
  if (!ctx.event) { $('#polls-admin').replaceChildren($('#polls-admin h2')); return; }
  if (state.eventId !== ctx.event.id) Object.assign(state, { eventId: ctx.event.id, managed: null, published: {} });
  try {
    state.polls = (await api(`/events/${ctx.event.id}/polls?limit=500`, { token: ctx.key })).items;
  } catch (err) {
    state.handle(err, $('#error'));
    return;
  }
  if (!quiet) render();
}

/** After a change inside the managed poll: its table row, the poll itself and the results. */
async function reload({ focus = null } = {}) {
  const open = $('#poll-settings')?.open;
  await loadPolls(state.ctx);
  if (open && $('#poll-settings')) $('#poll-settings').open = true;
  loadResults(state.ctx);
  if (focus) $(focus)?.focus();
}

async function manage(id) { // fetched again: participants' proposals arrive meanwhile
  state.managed = id;
  await loadPolls(state.ctx);
  $('#poll-manage-heading')?.focus();
}

async function savePoll(form, poll) {
  const { ctx } = state;
  const body = specBody(form, FIELDS, ctx.event.timezone, { create: !poll });
  const saved = poll ? await api(`/polls/${poll.id}`, { method: 'PATCH', token: ctx.key, body })
    : await api(`/events/${ctx.event.id}/polls`, { method: 'POST', token: ctx.key, body });
  state.managed = saved.id;
  await reload({ focus: '#poll-manage-heading' });
  notify(t(poll ? 'pa.saved' : 'pa.created', { item: saved.title }));
}

async function announcePoll(poll, opener) {
  const ok = await confirmAction({ heading: t('pa.announceConfirmHeading'), text: t('pa.announceConfirmText', { item: poll.title }),
    confirm: t('pa.announce'), opener });
  if (!ok) return;
  const box = $('#poll-manage-error');
  say(box, '');
  try {
    const out = await api(`/polls/${poll.id}/announce`, { method: 'POST', token: state.ctx.key });
    notify(t('pa.announced', { n: out.recipients }));
  } catch (err) {
    state.handle(err, box);
  }
}

export function initPolls(ctx, handle) {
  Object.assign(state, { ctx, handle });
  onLangChange(() => { if (state.ctx?.event && state.ctx.key) render({ keep: true }); });
}
