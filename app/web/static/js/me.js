// Personal page: status, personal link, own details, sessions, polls, workshop ranking, cancel.
import { ApiError, api, problemMessage } from './api.js';
import { onLangChange, t } from './i18n.js';
import { renderPolls, renderPreferences } from './me-polls.js';
import { enrollmentBadge, renderProgramme } from './programme.js';
import { forgetParticipant, participantToken, personalLink } from './session.js';
import { $, announce, clearFormErrors, el, initPage, say, sessionWhen, showFormProblem } from './ui.js';

const DETAILS = ['first_name', 'last_name', 'organization', 'partnership', 'position'];
const ctx = { token: null, me: null, event: null, sessions: [], polls: [] };

function statusText(me) {
  if (me.status === 'confirmed') return t('me.statusConfirmed');
  if (me.status === 'waitlisted') return t('me.statusWaitlisted', { n: me.waitlist_position ?? '?' });
  return t('me.statusCancelled');
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

function enrollButton(session, enrollment) {
  if (ctx.me.status !== 'confirmed' || session.capacity === null) return null;
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
  status.className = `alert ${me.status === 'confirmed' ? 'ok' : me.status === 'waitlisted' ? 'warn' : 'error'}`;
  $('#personal-link').textContent = personalLink(ctx.token);
  $('#me-email').textContent = me.email;
  const active = me.status !== 'cancelled';
  for (const id of ['#polls-section', '#prefs-section', '#cancel-section', '#me-nav']) $(id).hidden = !active;
  $('#details-form').hidden = !active;
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
    body[name] = value || (['partnership', 'position'].includes(name) ? null : '');
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

export async function reload() {
  ctx.me = await api('/me', { token: ctx.token });
  const sessions = await api(`/events/${ctx.me.event_id}/sessions?limit=500`);
  ctx.sessions = sessions.items;
  render();
}

async function main() {
  initPage();
  ctx.token = participantToken();
  window.addEventListener('hashchange', () => { if (/token=/.test(location.hash)) location.reload(); });
  $('#loading').hidden = Boolean(ctx.token);
  if (!ctx.token) { $('#no-token').hidden = false; return; }
  onLangChange(() => ctx.event && render());
  $('#details-form').addEventListener('submit', saveDetails);
  $('#copy-link').addEventListener('click', copyLink);
  wireCancel();
  try {
    ctx.me = await api('/me', { token: ctx.token });
    const [event, sessions, polls] = await Promise.all([
      api(`/events/${ctx.me.event_id}`), api(`/events/${ctx.me.event_id}/sessions?limit=500`),
      api(`/events/${ctx.me.event_id}/polls?limit=100`),
    ]);
    Object.assign(ctx, { event, sessions: sessions.items, polls: polls.items });
    fillDetails();
    $('#me').hidden = false;
    render();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      forgetParticipant();
      say($('#error'), t('me.badToken'));
    } else {
      say($('#error'), problemMessage(err));
    }
  } finally {
    $('#loading').hidden = true;
  }
}

main();
