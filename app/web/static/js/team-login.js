// Sign-in of a team member (/admin/login): e-mail and password. The server sets the HttpOnly session
// cookie; the CSRF token of the answer is kept for the console's writes (api.js: team sessions). Then
// back where the console was (`?next=/admin...`), else /admin.
import { ApiError, api, setCsrf } from './api.js';
import { t } from './i18n.js';
import { forgetOrganizer, takeNotice } from './session.js';
import { $, clearFormErrors, initPage, say, showFormProblem } from './ui.js';

function nextPage() {
  const next = new URLSearchParams(location.search).get('next') || '';
  return /^\/admin(?:[/?#]|$)/.test(next) && !next.startsWith('/admin/login') ? next : '/admin';
}

async function signIn(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const box = $('#login-error');
  const button = $('#login-submit');
  clearFormErrors(form);
  say(box, '');
  const email = form.elements.namedItem('email').value.trim();
  const password = form.elements.namedItem('password').value;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  // The console runs on the session from now on, not on a key typed earlier in this tab; and without a
  // key the call goes with credentials, so the browser keeps the session cookie it answers with.
  forgetOrganizer();
  try {
    const done = await api('/auth/login', { method: 'POST', body: { email, password } });
    setCsrf(done.csrf_token);
    location.assign(nextPage());
    return;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) say(box, t('team.wrong'));
    else if (err instanceof ApiError && err.status === 429) say(box, t('team.tooMany'));
    else { showFormProblem(form, box, err); return; }
    box.focus();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

function main() {
  initPage();
  const notice = takeNotice();
  if (notice) say($('#notice'), t(notice), 'ok');
  $('#login-form').addEventListener('submit', signIn);
  $('#email').focus();
}

main();
