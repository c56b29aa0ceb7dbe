// Personal page: status, personal link, own details, sessions, polls, workshop ranking, calendar, cancel;
// the answers to the event's questions and the listing choice (me-answers.js), the participants list.
import { ApiError, api, problemMessage } from './api.js';
import { onLangChange, t } from './i18n.js';
import { initAnswers, renderAnswers } from './me-answers.js';
import { initCalendar, renderCalendar } from './me-calendar.js';
import { loadParticipants, renderParticipants } from './me-participants.js';
import { renderPolls, renderPreferences } from './me-polls.js';
import { enrollmentBadge, renderProgramme } from './programme.js';
import { forgetParticipant, participantToken, personalLink, takeNotice } from './session.js';
import { $, announce, clearFormErrors, el, initPage, say, sessionWhen, showFormProblem } from './ui.js';

const DETAILS = ['first_name', 'last_name', 'organization', 'partnership', 'position', 'form_of_address'];
const ctx = { token: null, me: null, event: null, sessions: [], polls: [], questions: [], notice: null };
const STATUS = { confirmed: ['me.statusConfirmed', 'ok'], waitlisted: ['me.statusWaitlisted', 'warn'],
  pending: ['me.statusPending', 'warn'], rejected: ['me.statusRejected', 'error'], cancelled: ['me.statusCancelled', 'error'] };

function statusText(me) {
  return t((STATUS[me.status] || STATUS.cancelled)[0], { n: me.waitlist_position ?? '?' });
}

function renderMine() {
  const box = $('#my-sessions');
  const byId = new Map(ctx.sessions.map((s) => [s.id, s]));
  const mine = ctx.me.enrollments.filter((e) => byId.has(e.session_id));
  if (!mine.length) {
    box.replaceChildren(el('p', { class: 'muted', text: t('me.noSessions') }));
    return;
  }
  box.replaceChildren(el('ul', { class: 'sessions', id: 'my-sessions-list' }, mine.map((e) => {
    const s = byId.get(e.session_id);
    return el('li', { class: 'session', 'data-session-id': String(s.id) },
      el('span', { class: 'session-title', text: s.title }), ' ', enrollmentBadge(e),
      el('p', { class: 'session-meta' }, el('span', { text: sessionWhen(s, ctx.event.timezone) }),
        s.room ? el('span', { text: s.room }) : null));
  })));
}

/** Breaks, meals and social items are for everyone: nothing to sign up for (the API answers 409). */
const FOR_EVERYONE = new Set(['break', 'meal', 'social']);

/** Sign up / leave: only where the session has seats of its own (a plenary without a capacity is for everyone). */
function enrollButton(session, enrollment) {
  if (ctx.me.status !== 'confirmed') return null;
  if (FOR_EVERYONE.has(session.kind) && !enrollment) return null;
  if ((session.capacity === null || session.capacity === undefined) && !enrollment) return null;
  const leaving = Boolean(enrollment);
  const button = el('button', { type: 'button', class: 'small secondary',
    text: t(leaving ? 'enroll.leave' : 'enroll.join'), 'aria-label': t(leaving ? 'enroll.leaveLabel' : 'enroll.joinLabel', { item: session.title }) });
  button.addEventListener('click', async () => {
    const box = $('#enroll-error');
    say(box, '');
    try {
      if (leaving) await api(`/me/enrollments/${session.id}`, { method: 'DELETE', token: ctx.token });
      else await api('/me/enrollments', { method: 'POST', token: ctx.token, body: { session_id: session.id } });
      await reload();
      announce(t(leaving ? 'enroll.left' : 'enroll.joined', { item: session.title }));
      document.querySelector(`#programme [data-session-id="${session.id}"] button`)?.focus();
    } catch (err) {
      say(box, problemMessage(err));
      box.focus();
    }
  });
  return el('div', { class: 'actions' }, button);
}

function render() {
  const { me, event } = ctx;
  document.title = `${t('me.title')} – ${event.title}`;
  $('#event-link').textContent = event.title;
  $('#event-link').href = `/events/${encodeURIComponent(event.slug)}`;
  const status = $('#me-status');
  status.textContent = statusText(me);
  status.className = `alert ${(STATUS[me.status] || STATUS.cancelled)[1]}`;
  status.dataset.status = me.status;
  $('#me-notice').textContent = ctx.notice ? t(ctx.notice, { email: me.email }) : '';
  $('#personal-link').textContent = personalLink(ctx.token);
  $('#me-email').textContent = me.email;
  const active = !['cancelled', 'rejected'].includes(me.status);
  for (const id of ['#polls-section', '#prefs-section', '#calendar-section', '#cancel-section', '#me-nav', '#language-block',
    '#answers-section']) {
    $(id).hidden = !active;
  }
  if (active) renderAnswers(ctx);
  renderParticipants(ctx);
  $('#details-form').hidden = !active;
  renderCalendar(ctx);
  renderMine();
  const mine = new Map(me.enrollments.map((e) => [e.session_id, e]));
  renderProgramme($('#programme'), ctx.sessions, event, { mine, actions: active ? enrollButton : null });
  if (active) {
    renderPolls($('#polls'), ctx);
    renderPreferences($('#prefs-list'), ctx);
  }
}

function fillDetails() {
  const form = $('#details-form');
  for (const name of DETAILS) form.elements.namedItem(name).value = ctx.me[name] ?? '';
}

async function saveDetails(event) {
  event.preventDefault();
  const form = event.currentTarget;
  clearFormErrors(form);
  say($('#details-error'), '');
  const body = {};
  for (const name of DETAILS) {
    const value = form.elements.namedItem(name).value.trim();
    body[name] = value || (['partnership', 'position', 'form_of_address'].includes(name) ? null : '');
  }
  try {
    ctx.me = await api('/me', { method: 'PATCH', token: ctx.token, body });
    fillDetails();
    $('#details-status').textContent = t('me.saved');
  } catch (err) {
    $('#details-status').textContent = '';
    showFormProblem(form, $('#details-error'), err);
  }
}

function wireCancel() {
  const dialog = $('#cancel-dialog');
  $('#cancel-open').addEventListener('click', () => dialog.showModal());
  $('#cancel-keep').addEventListener('click', () => dialog.close());
  $('#cancel-confirm').addEventListener('click', async () => {
    dialog.close();
    try {
      ctx.me = await api('/me', { method: 'DELETE', token: ctx.token });
      await refreshCounts(); // the seats this person held are free now
      render();
      $('#me-status').focus();
    } catch (err) {
      say($('#error'), problemMessage(err));
      $('#error').focus();
    }
  });
}

async function copyLink() {
  try {
    await navigator.clipboard.writeText(personalLink(ctx.token));
    $('#copy-status').textContent = t('me.copied');
  } catch {
    const range = document.createRange();
    range.selectNodeContents($('#personal-link'));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    $('#copy-status').textContent = t('me.copyManually');
  }
}

/** Seats left in the sessions and the event, as they are now (after a sign-up, leaving or cancelling). */
async function refreshCounts() {
  try {
    const [sessions, event] = await Promise.all([
      api(`/events/${ctx.me.event_id}/sessions?limit=500`), api(`/events/${ctx.me.event_id}`)]);
    ctx.sessions = sessions.items;
    ctx.event = event;
  } catch { /* keep the figures we have; the change itself is done */ }
}

export async function reload() {
  ctx.me = await api('/me', { token: ctx.token });
  await refreshCounts();
  render();
}

/** A credential refused: for a personal link, why (expired, replaced by a newer one...) and where to get a new one. */
function refused(err) {
  const reason = err.kind === 'personal-link' ? err.problem.reason : null;
  say($('#error'), t(reason ? `me.link.${reason}` : 'me.badToken'));
  const recover = $('#no-token a[href^="/recover"]');
  if (err.problem.recover_url?.startsWith('/recover')) recover.href = err.problem.recover_url;
  $('#no-token').hidden = false;
}

async function main() {
  initPage();
  ctx.token = participantToken();
  ctx.notice = takeNotice(); // "the confirmation e-mail is on its way" after registering, or after a new link
  window.addEventListener('hashchange', () => { if (/(?:token|link)=/.test(location.hash)) location.reload(); });
  if (!ctx.token) {
    $('#loading').hidden = true;
    $('#no-token').hidden = false;
    return;
  }
  onLangChange(() => ctx.event && render());
  $('#details-form').addEventListener('submit', saveDetails);
  $('#copy-link').addEventListener('click', copyLink);
  wireCancel();
  initCalendar(ctx);
  initAnswers(ctx);
  try {
    ctx.me = await api('/me', { token: ctx.token });
    const [event, sessions, polls, questions] = await Promise.all([
      api(`/events/${ctx.me.event_id}`), api(`/events/${ctx.me.event_id}/sessions?limit=500`),
      api(`/events/${ctx.me.event_id}/polls?limit=100`), api(`/events/${ctx.me.event_id}/questions`),
    ]);
    Object.assign(ctx, { event, sessions: sessions.items, polls: polls.items, questions });
    fillDetails();
    $('#me').hidden = false;
    render();
    loadParticipants(ctx);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      forgetParticipant();
      refused(err);
    } else {
      say($('#error'), problemMessage(err));
    }
  } finally {
    $('#loading').hidden = true;
  }
}

main();
