// Event page: details, programme and the registration form.
import { api, problemMessage } from './api.js';
import { onLangChange, t } from './i18n.js';
import { renderProgramme } from './programme.js';
import { $, clearFormErrors, el, fmtDate, fmtDateTime, initPage, plural, randomKey, say, showFormProblem } from './ui.js';
import { TOKEN_KEY } from './session.js';

const state = { event: null, sessions: [], idem: { body: '', key: '' } };

async function findEvent(key) {
  if (/^\d+$/.test(key)) return api(`/events/${key}`);
  for (let offset = 0; ; offset += 500) {
    const page = await api(`/events?limit=500&offset=${offset}`);
    const hit = page.items.find((ev) => ev.slug === key);
    if (hit) return hit;
    if (offset + 500 >= page.total) return null;
  }
}

function windowState(ev) {
  const now = Date.now();
  if (ev.registration_opens_at && Date.parse(ev.registration_opens_at) > now) {
    return { open: false, text: t('register.opensAt', { when: fmtDateTime(ev.registration_opens_at, ev.timezone) }) };
  }
  if (ev.registration_closes_at && Date.parse(ev.registration_closes_at) <= now) {
    return { open: false, text: t('register.closed') };
  }
  if (ev.registration_closes_at) {
    return { open: true, text: t('register.openUntil', { when: fmtDateTime(ev.registration_closes_at, ev.timezone) }) };
  }
  return { open: true, text: '' };
}

function render() {
  const ev = state.event;
  if (!ev) return;
  document.title = `${ev.title} – ${t('brand')}`;
  $('#event-name').textContent = ev.title;
  $('#event-meta').textContent = `${fmtDate(ev.starts_on)} – ${fmtDate(ev.ends_on)} · ${ev.venue}`;
  $('#event-desc').textContent = ev.description || '';
  const badge = $('#seats-badge');
  badge.textContent = ev.seats_left > 0 ? plural('event.seatsLeft', ev.seats_left) : t('event.fullWaitlist');
  badge.className = ev.seats_left > 0 ? 'badge ok' : 'badge warn';
  renderProgramme($('#programme'), state.sessions, ev);
  const win = windowState(ev);
  $('#register-window').textContent = win.text;
  $('#register-submit').disabled = !win.open;
}

function formBody(form) {
  const data = new FormData(form);
  const body = {};
  for (const name of ['first_name', 'last_name', 'email', 'organization', 'partnership', 'position', 'category']) {
    const value = String(data.get(name) ?? '').trim();
    if (value) body[name] = value;
    else if (['first_name', 'last_name', 'email', 'organization'].includes(name)) body[name] = '';
  }
  body.consent = form.elements.namedItem('consent').checked;
  return body;
}

/** The same body gets the same Idempotency-Key (a double click stores one registration). */
function idempotencyKey(body) {
  const json = JSON.stringify(body);
  if (state.idem.body !== json) state.idem = { body: json, key: randomKey() };
  return state.idem.key;
}

async function submit(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const box = $('#register-error');
  const button = $('#register-submit');
  clearFormErrors(form);
  say(box, '');
  const body = formBody(form);
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    const created = await api(`/events/${state.event.id}/registrations`, {
      method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey(body) },
    });
    sessionStorage.setItem(TOKEN_KEY, created.token);
    say($('#register-status'), t(created.status === 'confirmed' ? 'register.confirmed' : 'register.waitlisted'), 'ok');
    // The fragment is never sent to the server, so the secret stays out of logs and Referer headers.
    location.assign(`/me#token=${encodeURIComponent(created.token)}`);
  } catch (err) {
    showFormProblem(form, box, err);
    button.disabled = false;
  } finally {
    button.removeAttribute('aria-busy');
  }
}

async function main() {
  initPage();
  onLangChange(render);
  $('#register-form').addEventListener('submit', submit);
  const key = decodeURIComponent(location.pathname.split('/')[2] || '');
  try {
    state.event = await findEvent(key);
    if (!state.event) {
      say($('#error'), t('event.notFound'));
      return;
    }
    const sessions = await api(`/events/${state.event.id}/sessions?limit=500`);
    state.sessions = sessions.items;
    $('#event').hidden = false;
    render();
  } catch (err) {
    say($('#error'), problemMessage(err));
  } finally {
    $('#loading').hidden = true;
  }
}

main();
