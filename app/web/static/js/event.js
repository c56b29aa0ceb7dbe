// Event page: details, programme and the registration form (with the event's own questions,
// an invitation code and the choice of being listed; questions: questions.js).
import { ApiError, api, problemMessage } from './api.js';
import { showProblem } from './formkit.js';
import { currentLang, onLangChange, t } from './i18n.js';
import { renderProgramme } from './programme.js';
import { answerMessage, conflictFields, missingAnswers, readAnswers, renderQuestions } from './questions.js';
import { $, clearFormErrors, fmtDateRange, fmtDateTime, initPage, plural, randomKey, say } from './ui.js';
import { TOKEN_KEY, setNotice } from './session.js';

const state = { event: null, sessions: [], questions: [], draft: {}, window: { open: false }, idem: { body: '', key: '' } };

/** The event by id or slug; null when there is none (or it is not published). */
async function findEvent(key) {
  if (/^\d+$/.test(key)) {
    try {
      return await api(`/events/${key}`);
    } catch (err) {
      if (err instanceof ApiError && [404, 422].includes(err.status)) return null;
      throw err;
    }
  }
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

/** The consent box links to the organizers' privacy notice, or opens the built-in one. */
function renderPrivacy(ev) {
  const link = $('#privacy-link');
  const own = Boolean(ev.privacy_url);
  $('#privacy-notice').hidden = own;
  link.dataset.i18n = own ? 'privacy.link' : 'privacy.builtinLink';
  link.textContent = t(link.dataset.i18n);
  link.href = own ? ev.privacy_url : '#privacy-notice';
  if (own) {
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
  } else {
    link.removeAttribute('target');
    link.removeAttribute('rel');
  }
}

function openBuiltinNotice(event) {
  if (state.event?.privacy_url) return; // the organizers' page opens in a new tab
  event.preventDefault();
  const notice = $('#privacy-notice');
  notice.open = true;
  notice.querySelector('summary').focus();
}

/** No such event (or the programme could not be read): a heading, the reason and the way home. */
function renderMissing() {
  const heading = $('#event-name');
  const reason = state.missing;
  if (!reason) return;
  heading.hidden = false;
  heading.textContent = t(reason === 'not-found' ? 'event.notFoundHeading' : 'event.title');
  document.title = `${heading.textContent} – ${t('brand')}`;
  $('#not-found').hidden = false;
  $('#not-found-text').hidden = reason !== 'not-found';
}

function render() {
  renderMissing();
  const ev = state.event;
  if (!ev) return;
  document.title = `${ev.title} – ${t('brand')}`;
  $('#event-name').textContent = ev.title;
  $('#event-name').hidden = false;
  $('#event-meta').textContent = `${fmtDateRange(ev.starts_on, ev.ends_on)} · ${ev.venue}`;
  $('#event-desc').textContent = ev.description || '';
  const badge = $('#seats-badge');
  badge.textContent = ev.seats_left > 0 ? plural('event.seatsLeft', ev.seats_left) : t('event.fullWaitlist');
  badge.className = ev.seats_left > 0 ? 'badge ok' : 'badge warn';
  renderProgramme($('#programme'), state.sessions, ev);
  $('#ics-link').href = `/api/v1/events/${ev.id}/programme.ics`;
  $('#recover-link').href = `/recover?event=${ev.id}`;
  state.window = windowState(ev);
  $('#register-window').textContent = state.window.text;
  $('#register-approval').hidden = !ev.requires_approval;
  renderPrivacy(ev);
  renderForm();
  updateSubmit();
}

function category() { return $('#category').value; }

/** The questions for the chosen category, keeping what was already typed (also across categories). */
function renderForm() {
  const box = $('#questions');
  if (box.childElementCount) Object.assign(state.draft, readAnswers(box, state.questions, state.renderedFor));
  renderQuestions(box, state.questions, { category: category(), values: state.draft });
  state.renderedFor = category();
}

/** Registration outside the window is possible with an invitation code (if the code allows it). */
function updateSubmit() {
  $('#register-submit').disabled = !state.window.open && !$('#invitation_code').value.trim();
}

function toggleInvitation() {
  const button = $('#invitation-toggle');
  const open = button.getAttribute('aria-expanded') !== 'true';
  button.setAttribute('aria-expanded', String(open));
  $('#invitation-field').hidden = !open;
  if (open) $('#invitation_code').focus();
}

function formBody(form) {
  const data = new FormData(form);
  const body = {};
  for (const name of ['first_name', 'last_name', 'email', 'organization', 'partnership', 'position', 'category',
    'form_of_address']) {
    const value = String(data.get(name) ?? '').trim();
    if (value) body[name] = value;
    else if (['first_name', 'last_name', 'email', 'organization'].includes(name)) body[name] = '';
  }
  const answers = Object.entries(readAnswers($('#questions'), state.questions, category()))
    .filter(([, value]) => value !== null);
  if (answers.length) body.answers = Object.fromEntries(answers);
  const code = String(data.get('invitation_code') ?? '').trim();
  if (code) body.invitation_code = code;
  body.listing = String(data.get('listing') || 'none');
  body.consent = form.elements.namedItem('consent').checked;
  body.language = currentLang(); // e-mails in the language the person reads this page in
  return body;
}

async function loadQuestions() {
  state.questions = await api(`/events/${state.event.id}/questions`);
}

/** A 422 or 409 on the form: each message next to its field (questions, options, the code). */
async function showSubmitProblem(form, err) {
  const values = readAnswers($('#questions'), state.questions, category());
  if (err.kind === 'option-full') { // someone took the last place: show the places as they are now
    try { await loadQuestions(); } catch { /* keep the old figures */ }
    renderForm();
  }
  const extra = { ...(err.status === 422 ? missingAnswers(state.questions, category(), values) : {}),
    ...conflictFields(err, state.questions) };
  if (extra.invitation_code) openInvitation();
  showProblem(form, $('#register-error'), err, { messageFor: answerMessage(state.questions, values), extra });
}

function openInvitation() {
  $('#invitation-toggle').setAttribute('aria-expanded', 'true');
  $('#invitation-field').hidden = false;
}

const STATUS_TEXT = { confirmed: 'register.confirmed', waitlisted: 'register.waitlisted', pending: 'register.pending' };

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
    setNotice('me.emailSent'); // the personal page says that the confirmation e-mail is on its way
    say($('#register-status'), t(STATUS_TEXT[created.status] || 'register.waitlisted'), created.status === 'pending' ? 'warn' : 'ok');
    // The fragment is never sent to the server, so the secret stays out of logs and Referer headers.
    location.assign(`/me#token=${encodeURIComponent(created.token)}`);
  } catch (err) {
    await showSubmitProblem(form, err);
    updateSubmit();
  } finally {
    button.removeAttribute('aria-busy');
  }
}

async function main() {
  initPage();
  onLangChange(render);
  $('#register-form').addEventListener('submit', submit);
  $('#category').addEventListener('change', renderForm);
  $('#invitation-toggle').addEventListener('click', toggleInvitation);
  $('#invitation_code').addEventListener('input', updateSubmit);
  $('#privacy-link').addEventListener('click', openBuiltinNotice);
  let key = '';
  try { key = decodeURIComponent(location.pathname.split('/')[2] || ''); } catch { /* a malformed address: no such event */ }
  try {
    const found = await findEvent(key);
    if (!found) {
      state.missing = 'not-found';
      render();
      return;
    }
    state.event = found;
    const [sessions] = await Promise.all([api(`/events/${found.id}/sessions?limit=500`), loadQuestions()]);
    state.sessions = sessions.items;
    $('#event').hidden = false;
    $('#event-nav').hidden = false;
    render();
  } catch (err) {
    state.event = null;
    state.missing = 'error';
    render();
    say($('#error'), problemMessage(err));
  } finally {
    $('#loading').hidden = true;
  }
}

main();
