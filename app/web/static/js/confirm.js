// A modal "are you sure?" built on <dialog>: resolves true or false; focus returns to the opener.
import { t } from './i18n.js';
import { el } from './ui.js';

let counter = 0;

export function confirmAction({ heading, text, confirm, opener = null }) {
  counter += 1;
  const ids = { heading: `confirm-heading-${counter}`, text: `confirm-text-${counter}` };
  return new Promise((resolve) => {
    const yes = el('button', { type: 'button', class: 'danger', text: confirm });
    const no = el('button', { type: 'button', class: 'secondary', text: t('common.cancel') });
    const dialog = el('dialog', { 'aria-labelledby': ids.heading, 'aria-describedby': ids.text },
      el('h2', { id: ids.heading, text: heading }), el('p', { id: ids.text, text }),
      el('div', { class: 'actions' }, yes, no));
    const done = (answer) => {
      if (dialog.open) dialog.close();
      dialog.remove();
      if (opener?.isConnected) opener.focus();
      resolve(answer);
    };
    yes.addEventListener('click', () => done(true));
    no.addEventListener('click', () => done(false));
    dialog.addEventListener('cancel', (event) => { event.preventDefault(); done(false); });
    document.body.append(dialog);
    dialog.showModal();
    no.focus(); // the safe choice first
  });
}
