// What the team's password forms share (/admin/password, /admin/setup): a field's own error, and the
// two password fields agreeing. The server checks the rest (at least 12 characters, not a common one).
import { t } from './i18n.js';
import { say } from './ui.js';

export function fieldProblem(form, box, name, message) {
  const input = form.elements.namedItem(name);
  form.querySelector(`[data-error-for="${name}"]`).textContent = message;
  input.setAttribute('aria-invalid', 'true');
  say(box, t('form.fix', { n: 1 }));
  input.focus();
}

/** The password when both fields agree; else a field error and null. */
export function passwordsAgree(form, box) {
  const password = form.elements.namedItem('password').value;
  if (password !== form.elements.namedItem('repeat').value) {
    fieldProblem(form, box, 'repeat', t('team.mismatch'));
    return null;
  }
  return password;
}
