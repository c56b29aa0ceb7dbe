// The console's places: `/admin` (the events), `/admin/events/{id}` (the event's overview) and
// `/admin/events/{id}/{place}` (one task each). One HTML shell (admin.html) holds every place; this module
// reads location.pathname, shows that place alone, marks it in the places menu (aria-current) and keeps the
// address in step: links inside the console and the event menu go through history.pushState, the back
// button through popstate, so any place can be shared as a link and reloaded.
import { t } from './i18n.js';
import { $, el } from './ui.js';

export const PLACES = ['overview', 'programme', 'people', 'form', 'polls', 'assignment', 'messages', 'exports', 'door', 'team'];
const state = { show: async () => {}, current: null };

/** `/admin/events/7/people` -> {eventId: 7, place: 'people'}; `/admin` -> {eventId: null, place: 'events'}. */
export function parsePlace(pathname) {
  const match = /^\/admin\/events\/(\d+)(?:\/([a-z]+))?\/?$/.exec(pathname);
  if (!match) return { eventId: null, place: 'events' };
  const place = match[2] || 'overview';
  return { eventId: Number(match[1]), place: PLACES.includes(place) ? place : 'unknown' };
}

export function placePath(eventId, place = 'overview') {
  return place === 'overview' ? `/admin/events/${eventId}` : `/admin/events/${eventId}/${place}`;
}

/** The place shown now: {eventId, place}. */
export function currentPlace() { return state.current || parsePlace(location.pathname); }

/** The menu of the event's places, the current one marked. */
export function renderPlacesNav(eventId, place) {
  const nav = $('#places-nav');
  nav.hidden = !eventId;
  if (!eventId) { $('#places-list').replaceChildren(); return; }
  $('#places-list').replaceChildren(...PLACES.map((p) => el('li', {}, el('a', {
    href: placePath(eventId, p), 'data-place-link': p, 'aria-current': p === place ? 'page' : null, text: t(`console.${p}`) }))));
}

/** Show one place (the others hidden) and name it in the window's title. */
export function showPlace(place, eventTitle) {
  document.querySelectorAll('.place').forEach((box) => { box.hidden = box.dataset.place !== place; });
  const name = t(place === 'events' ? 'console.events' : `console.${place}`);
  document.title = [name, eventTitle, t('admin.title')].filter(Boolean).join(' · ');
}

/** Go to `path` inside the console: a new history entry (or the same one, `replace`), then show it. */
export async function navigate(path, { replace = false, focus = true } = {}) {
  if (path !== location.pathname) history[replace ? 'replaceState' : 'pushState'](null, '', path);
  await route({ focus });
}

async function route({ focus = false } = {}) {
  state.current = parsePlace(location.pathname);
  await state.show(state.current, { focus });
}

/** Same-window clicks on links to console places stay in the page (new tabs, modified clicks go on as usual). */
function followLinks(event) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target.closest?.('a[href]');
  if (!link || link.target || link.hasAttribute('download')) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || !/^\/admin(\/events\/\d+(\/[a-z]+)?)?\/?$/.test(url.pathname)) return;
  event.preventDefault();
  navigate(url.pathname);
}

/** Start routing: `show({eventId, place}, {focus})` draws a place; returns after the first place is shown. */
export async function startPlaces(show) {
  state.show = show;
  document.addEventListener('click', followLinks);
  window.addEventListener('popstate', () => route({ focus: true }));
  await route();
}
