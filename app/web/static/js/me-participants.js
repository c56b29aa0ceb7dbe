// Personal page: the event's participants list as this person may see it (their registration
// token also shows those who chose to be visible to participants only).
import { api, problemMessage } from './api.js';
import { t } from './i18n.js';
import { $, el, say } from './ui.js';

const LIMIT = 500;
const state = { page: null };

function person(p) {
  return el('li', {}, el('span', { class: 'person-name', text: `${p.first_name} ${p.last_name}` }),
    el('span', { class: 'hint', text: [p.organization, p.partnership].filter(Boolean).join(' · ') }));
}

export function renderParticipants(ctx) {
  $('#participants-yours').textContent = t(`listing.yours.${ctx.me.listing || 'none'}`);
  const page = state.page;
  if (!page) return;
  $('#participants-list').replaceChildren(...page.items.map(person));
  $('#participants-count').textContent = !page.total ? t('participants.none')
    : page.total > page.items.length ? t('participants.some', { n: page.items.length, total: page.total })
      : t('participants.all', { n: page.total });
}

export async function loadParticipants(ctx) {
  try {
    state.page = await api(`/events/${ctx.me.event_id}/participants?limit=${LIMIT}`, { token: ctx.token });
    say($('#participants-error'), '');
  } catch (err) {
    say($('#participants-error'), problemMessage(err));
  }
  renderParticipants(ctx);
}
