// The team's first owner (/admin/setup#token=...): the one-time link `make run` prints. The token stays
// in the fragment (never sent to the server with the page) and is dropped from the address bar at once.
import { ApiError, api } from './api.js';
import { t } from './i18n.js';
import { setNotice } from './session.js';
import { fieldProblem, passwordsAgree } from './team-password-rules.js';
import { $, clearFormErrors, initPage, say, showFormProblem } from './ui.js';

const state = { token: null };

async function create(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const box = $('#setup-error');
  clearFormErrors(form);
  say(box, '');
  const name = form.elements.namedItem('name').value.trim();
  const email = form.elements.namedItem('email').value.trim();
  if (!name) { fieldProblem(form, box, 'name', t('fielderr.missing')); return; }
  const password = passwordsAgree(form, box);
  if (password === null) return;
  const button = $('#setup-submit');
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    await api('/auth/setup', { method: 'POST', body: { token: state.token, email, name, password } });
    setNotice('team.ownerCreated');
    location.assign('/admin/login');
  } catch (err) {
    if (err instanceof ApiError && [400, 409].includes(err.status)) {
      say(box, t(err.status === 409 ? 'team.setupDone' : 'team.setupExpired'));
      box.focus();
    } else {
      showFormProblem(form, box, err);
    }
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

function main() {
  initPage();
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match) {
    state.token = decodeURIComponent(match[1]);
    history.replaceState(null, '', location.pathname + location.search);
  }
  $('#setup-form').addEventListener('submit', create);
  $(state.token ? '#setup' : '#no-token').hidden = false;
  if (state.token) $('#name').focus();
}

main();
