// The console's first place (/admin): the events this sign-in may see, each a link to its overview, and
// setting up a new one. With no event yet, the form for the first event is the first and main thing shown.
import { t } from './i18n.js';
import { placeEventForm, scrollRegion } from './admin-setup.js';
import { placePath } from './admin-places.js';
import { $, el, fmtDateRange } from './ui.js';

const state = { open: false };

function eventsTable(events) {
  return scrollRegion(t('console.events'), el('table', { id: 'events-table' },
    el('caption', { class: 'visually-hidden', text: t('console.events') }),
    el('thead', {}, el('tr', {}, ['console.colEvent', 'console.colDates', 'console.colVenue', 'console.colPlaces']
      .map((k) => el('th', { scope: 'col', text: t(k) })))),
    el('tbody', {}, events.map((ev) => el('tr', { 'data-event-id': String(ev.id) },
      el('th', { scope: 'row' }, el('a', { href: placePath(ev.id), text: ev.title })),
      el('td', { text: fmtDateRange(ev.starts_on, ev.ends_on) }), el('td', { text: ev.venue }),
      el('td', {}, el('a', { href: placePath(ev.id, 'programme'), text: t('console.programme'),
        'aria-label': `${t('console.programme')}: ${ev.title}` }), ' · ',
      el('a', { href: placePath(ev.id, 'people'), text: t('console.people'), 'aria-label': `${t('console.people')}: ${ev.title}` }),
      ' · ', el('a', { href: `/events/${ev.id}/door`, text: t('console.doorPage'), 'aria-label': `${t('console.doorPage')}: ${ev.title}` })))))),
  'events-region');
}

/** Draw the events place; `missing`: an event id from the address that does not exist (or is not ours to see). */
export function renderEvents(ctx, { missing = null } = {}) {
  const body = $('#events-body');
  const none = !ctx.events.length;
  const box = el('div', { id: 'new-event-box', hidden: !(none || state.open) }, $('#setup-event')); // kept, not redrawn
  const toggle = el('button', { type: 'button', id: 'new-event-toggle', class: 'secondary', 'aria-expanded': String(state.open),
    'aria-controls': 'new-event-box', text: t(state.open ? 'common.cancel' : 'setup.newEventButton') });
  toggle.addEventListener('click', () => {
    state.open = !state.open;
    renderEvents(ctx);
    if (state.open) $('#event-form-title')?.focus(); else $('#new-event-toggle').focus();
  });
  $('#events-heading').textContent = t(none ? 'console.firstEvent' : 'console.events');
  body.replaceChildren(
    missing ? el('p', { class: 'alert error', text: t('console.noSuchEvent', { id: missing }) }) : '',
    none ? el('p', { class: 'lead', text: t('console.firstEventHelp') }) : eventsTable(ctx.events),
    none ? '' : el('div', { class: 'actions' }, toggle),
    box);
  placeEventForm('create', box);
}

/** A new event made: the form closes for next time. */
export function eventCreated() { state.open = false; }
