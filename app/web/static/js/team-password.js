// A team member's password (/admin/password): set it from the link of an invitation or a reset
// (`#token=...`: the fragment never reaches the server, and is dropped from the address bar at once),
// or, without a link, ask for a reset link by e-mail (the same answer for any address).
import { ApiError, api } from './api.js';
import { t } from './i18n.js';
import { setNotice } from './session.js';
import { fieldProblem, passwordsAgree } from './team-password-rules.js';
import { $, clearFormErrors, initPage, say, showFormProblem } from './ui.js';

const state = { token: null };

function tokenFromHash() {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!match) return null;
  history.replaceState(null, '', location.pathname + location.search);
  return decodeURIComponent(match[1]);
}

async function run(button, work) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try { await work(); } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

async function setPassword(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const box = $('#set-error');
  clearFormErrors(form);
  say(box, '');
  const password = passwordsAgree(form, box);
  if (password === null) return;
  await run($('#set-submit'), async () => {
    try {
      await api('/auth/password', { method: 'POST', body: { token: state.token, password } });
      setNotice('team.passwordSet');
      location.assign('/admin/login');
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) {
        $('#set').hidden = true;
        $('#forgot').hidden = false;
        say($('#forgot-error'), t('team.linkExpired'));
        $('#forgot-error').focus();
      } else {
        showFormProblem(form, box, err);
      }
    }
  });
}

async function askLink(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const box = $('#forgot-error');
  clearFormErrors(form);
  say(box, '');
  const email = form.elements.namedItem('email').value.trim();
  if (!email) { fieldProblem(form, box, 'email', t('fielderr.missing')); return; }
  await run($('#forgot-submit'), async () => {
    try {
      await api('/auth/password/forgot', { method: 'POST', body: { email } });
      say($('#done'), t('team.linkSent'), 'ok');
      $('#done').focus();
    } catch (err) {
      showFormProblem(form, box, err);
    }
  });
}

function main() {
  initPage();
  state.token = tokenFromHash();
  $('#set-form').addEventListener('submit', setPassword);
  $('#forgot-form').addEventListener('submit', askLink);
  $(state.token ? '#set' : '#forgot').hidden = false;
  $(state.token ? '#password' : '#email').focus();
}

main();
