// The event's overview (/admin/events/{id}): the head counts and what needs doing next, each with a link to
// the place where it is done; and the messages place, which leads to the messages page (/admin/messages).
// Every figure is read when the place is shown; one the sign-in may not read is left out, not an error.
import { api } from './api.js';
import { t } from './i18n.js';
import { placePath } from './admin-places.js';
import { $, el } from './ui.js';

const state = { seq: 0 };

async function facts(ctx) {
  const id = ctx.event.id;
  const get = (path) => api(path, { token: ctx.key });
  const names = ['stats', 'door', 'polls', 'assignment', 'failed'];
  const answers = await Promise.allSettled([get(`/events/${id}/registrations/stats`), get(`/events/${id}/checkins/summary`),
    get(`/events/${id}/polls?limit=500`), get(`/events/${id}/assignments/current`), get(`/events/${id}/messages?status=failed&limit=1`)]);
  return Object.fromEntries(names.map((name, i) => [name, answers[i].status === 'fulfilled' ? answers[i].value : null]));
}

function counts(f) {
  const card = (key, n, id) => el('li', { class: 'card', id }, el('span', { class: 'num', text: String(n) }), t(key));
  const s = f.stats;
  return el('ul', { class: 'cards', id: 'overview-counts' },
    s ? [card('console.registered', s.confirmed + s.waitlisted + s.pending, 'count-registered'),
      card('stats.confirmed', s.confirmed, 'count-confirmed'), card('stats.waitlisted', s.waitlisted, 'count-waitlisted'),
      card('stats.pending', s.pending, 'count-pending')] : [],
    f.door ? card('console.checkedIn', f.door.checked_in, 'count-checked-in') : null);
}

/** What needs doing next: [text, href] pairs, most urgent first. */
export function todo(ctx, f) {
  const id = ctx.event.id;
  const out = [];
  if (f.stats?.pending) out.push([t('console.todoPending', { n: f.stats.pending }), placePath(id, 'people')]);
  for (const poll of f.polls?.items || []) {
    if (poll.status === 'closed') out.push([t('console.todoPublish', { title: poll.title }), placePath(id, 'polls')]);
    if (poll.status === 'open') out.push([t('console.todoClose', { title: poll.title }), placePath(id, 'polls')]);
  }
  const a = f.assignment;
  if (a && a.with_preferences && !a.current.assigned) {
    out.push([t('console.todoAssign', { n: a.with_preferences }), placePath(id, 'assignment')]);
  }
  if (f.failed?.total) out.push([t('console.todoFailed', { n: f.failed.total }), '/admin/messages']);
  return out;
}

export async function loadOverview(ctx) {
  state.seq += 1;
  const seq = state.seq;
  const body = $('#overview-body');
  body.setAttribute('aria-busy', 'true');
  const f = await facts(ctx);
  if (seq !== state.seq) return;
  const items = todo(ctx, f);
  body.replaceChildren(counts(f),
    el('h3', { id: 'todo-heading', i18n: 'console.todo' }),
    items.length ? el('ul', { id: 'todo', class: 'todo' }, items.map(([text, href]) => el('li', {}, el('a', { href, text }))))
      : el('p', { id: 'todo', class: 'muted', i18n: 'console.todoNone' }),
    el('p', {}, el('a', { href: `/events/${ctx.event.id}`, text: t('console.publicPage') }), ' · ',
      el('a', { href: `/events/${ctx.event.id}/door`, text: t('console.doorPage') })));
  body.removeAttribute('aria-busy');
}

/** The messages place: the outbox, broadcasts and webhooks have their own page. */
export async function loadMessagesPlace(ctx) {
  const body = $('#messages-body');
  let failed = null;
  try { failed = (await api(`/events/${ctx.event.id}/messages?status=failed&limit=1`, { token: ctx.key })).total; } catch { /* not ours */ }
  body.replaceChildren(el('p', { class: 'muted', i18n: 'console.messagesHelp' }),
    failed ? el('p', { class: 'alert warn', text: t('console.todoFailed', { n: failed }) }) : '',
    el('p', {}, el('a', { href: '/admin/messages', class: 'button', i18n: 'console.openMessages' })));
}
