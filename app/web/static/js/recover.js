// Lost link: ask for a new one by e-mail, or exchange the code from that e-mail for a fresh personal link.
// The e-mail links to /recover#code=...: the fragment never reaches the server, and the code is
// exchanged at once (it works once; the previous personal link stops working).
import { ApiError, api, problemMessage } from './api.js';
import { onLangChange, t } from './i18n.js';
import { TOKEN_KEY, setNotice } from './session.js';
import { $, clearFormErrors, el, fmtDate, initPage, plural, say, showFormProblem } from './ui.js';

const state = { events: [], wanted: null, sent: null };

/** Take `#code=...` from the address and drop it from the address bar (and from the history). */
function codeFromHash() {
  const match = /(?:^#|&)code=([^&]+)/.exec(location.hash);
  if (!match) return null;
  history.replaceState(null, '', location.pathname + location.search);
  return decodeURIComponent(match[1]).trim();
}

/** An unknown, used or expired code (one answer for all three), or one that is not even well formed. */
function badCode(err) {
  return err instanceof ApiError && [400, 404, 410, 422].includes(err.status);
}

function tooMany(err) { return err instanceof ApiError && err.status === 429; }

async function exchange(code) {
  const done = await api('/registrations/recover/confirm', { method: 'POST', body: { code } });
  sessionStorage.setItem(TOKEN_KEY, done.token);
  setNotice('me.recovered');
  // replace(): the page with the spent code does not stay in the history.
  location.replace(`/me#token=${encodeURIComponent(done.token)}`);
}

// ---- the event list ------------------------------------------------------------------------

function renderEvents() {
  const select = $('#event');
  const chosen = select.value || (state.wanted ? String(state.wanted) : '');
  const options = state.events.map((ev) => el('option', { value: String(ev.id), text: `${ev.title} (${fmtDate(ev.starts_on)})` }));
  select.replaceChildren(el('option', { value: '', text: t('recover.chooseEvent') }), ...options);
  if (state.events.some((ev) => String(ev.id) === chosen)) select.value = chosen;
  else if (state.events.length === 1) select.value = String(state.events[0].id);
}

async function loadEvents() {
  const page = await api('/events?limit=500');
  state.events = page.items;
  if (state.wanted && !state.events.some((ev) => ev.id === state.wanted)) {
    try { state.events.unshift(await api(`/events/${state.wanted}`)); } catch { /* unknown: the person chooses */ }
  }
  renderEvents();
}

// ---- asking for a new link -------------------------------------------------------------------

function fieldProblem(form, box, name, message) {
  const input = form.elements.namedItem(name);
  form.querySelector(`[data-error-for="${name}"]`).textContent = message;
  input.setAttribute('aria-invalid', 'true');
  say(box, t('form.fix', { n: 1 }));
  input.focus();
}

function renderSent() {
  const status = $('#request-status');
  say(status, state.sent ? `${plural('recover.sent', state.sent.minutes)} ${t('recover.sentHint')}` : '', 'ok');
}

async function requestLink(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const box = $('#request-error');
  const button = $('#request-submit');
  clearFormErrors(form);
  say(box, '');
  state.sent = null;
  renderSent();
  const eventId = Number(form.elements.namedItem('event').value);
  const email = form.elements.namedItem('email').value.trim();
  if (!eventId) { fieldProblem(form, box, 'event', t('field.event.missing')); return; }
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    const answer = await api(`/events/${eventId}/registrations/recover`, { method: 'POST', body: { email } });
    state.sent = { minutes: answer.code_minutes };
    renderSent();
    $('#request-status').focus();
  } catch (err) {
    if (tooMany(err)) { say(box, t('recover.tooMany')); box.focus(); }
    else if (err instanceof ApiError && err.status === 404) fieldProblem(form, box, 'event', t('event.notFound'));
    else showFormProblem(form, box, err);
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

// ---- typing the code by hand -------------------------------------------------------------------

async function submitCode(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const box = $('#code-error-box');
  const button = $('#code-submit');
  clearFormErrors(form);
  say(box, '');
  const code = form.elements.namedItem('code').value.trim();
  if (!code) { fieldProblem(form, box, 'code', t('fielderr.missing')); return; }
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    await exchange(code);
  } catch (err) {
    if (badCode(err)) {
      fieldProblem(form, box, 'code', t('recover.badCode'));
      say(box, t('recover.askAgain'));
    } else if (tooMany(err)) {
      say(box, t('recover.tooMany'));
      box.focus();
    } else {
      showFormProblem(form, box, err);
    }
    button.disabled = false;
  } finally {
    button.removeAttribute('aria-busy');
  }
}

async function main() {
  initPage();
  onLangChange(() => { renderEvents(); renderSent(); });
  window.addEventListener('hashchange', () => { if (/code=/.test(location.hash)) location.reload(); });
  const wanted = Number(new URLSearchParams(location.search).get('event'));
  state.wanted = Number.isInteger(wanted) && wanted > 0 ? wanted : null;
  $('#request-form').addEventListener('submit', requestLink);
  $('#code-form').addEventListener('submit', submitCode);

  const code = codeFromHash();
  if (code) {
    $('#recover').hidden = true;
    $('#exchanging').hidden = false;
    try {
      await exchange(code);
      return; // on the way to /me
    } catch (err) {
      const message = badCode(err) ? t('recover.linkExpired') : tooMany(err) ? t('recover.tooMany') : problemMessage(err);
      say($('#error'), message);
      $('#exchanging').hidden = true;
      $('#recover').hidden = false;
      $('#error').focus();
    }
  }
  try {
    await loadEvents();
  } catch (err) {
    say($('#error'), problemMessage(err));
  }
}

main();
