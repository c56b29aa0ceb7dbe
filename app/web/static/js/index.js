// Home page: the published events.
import { api, problemMessage } from './api.js';
import { onLangChange, t } from './i18n.js';
import { $, el, fmtDateRange, initPage, plural, say } from './ui.js';

let events = [];

function render() {
  const list = $('#events');
  list.replaceChildren(...events.map((ev) => el('li', { class: 'card' },
    el('h2', {}, el('a', { href: `/events/${encodeURIComponent(ev.slug)}`, text: ev.title })),
    el('p', { class: 'muted', text: `${fmtDateRange(ev.starts_on, ev.ends_on)} · ${ev.venue}` }),
    el('p', { text: ev.seats_left > 0 ? plural('event.seatsLeft', ev.seats_left) : t('event.full') }))));
  if (!events.length) list.replaceWith(el('p', { id: 'events', class: 'muted', text: t('index.none') }));
}

async function main() {
  initPage();
  onLangChange(render);
  try {
    const page = await api('/events?limit=100');
    events = page.items;
    render();
  } catch (err) {
    say($('#error'), problemMessage(err));
  } finally {
    $('#loading').hidden = true;
  }
}

main();
