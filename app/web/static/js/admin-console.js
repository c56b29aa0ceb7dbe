// What the organizer pages (/admin and /admin/messages) share: signing in with the organizer key (kept in
// sessionStorage, so the other page signs in by itself), the event chosen (remembered across both pages),
// problems shown in their box, the console's one status line (a polite live region fixed to the bottom
// of the screen) and tables wider than a phone made into regions the keyboard can reach and scroll.
import { ApiError, api, problemMessage } from './api.js';
import { onLangChange, t } from './i18n.js';
import { forgetOrganizer, organizerKey, setOrganizerKey } from './session.js';
import { $, clearFormErrors, el, initPage, say } from './ui.js';

const EVENT_KEY = 'seminar.adminEvent';
const STATUS_MS = 15000;
/** The signed-in console: the key, the events it may see and the one chosen; pages add their own state. */
export const ctx = { key: null, user: null, events: [], event: null };
const hooks = { eventChanged: async () => {}, start: null, choose: null };
const line = { seq: 0, timer: null };

/** Say what happened in the console's status line (#live); it clears itself after a while. */
export function notify(message) {
  const box = document.getElementById('live');
  if (!box) return;
  line.seq += 1;
  const seq = line.seq;
  clearTimeout(line.timer);
  box.textContent = '';
  if (!message) return;
  setTimeout(() => { if (seq === line.seq) box.textContent = message; }, 50); // said again even when unchanged
  line.timer = setTimeout(() => { if (seq === line.seq) box.textContent = ''; }, STATUS_MS);
}

/** A problem in its box (focused); an expired key signs out. */
export function handle(err, box) {
  if (err instanceof ApiError && err.status === 401) { signOut(t('admin.expired')); return; }
  say(box, problemMessage(err));
  box.focus();
}

export function renderEventSelect() {
  const select = $('#event-select');
  select.replaceChildren(...ctx.events.map((ev) => el('option', { value: String(ev.id), text: ev.title })));
  if (!ctx.events.length) select.append(el('option', { value: '', text: t('admin.noEvents') }));
}

/** Choose an event (the first when `id` is unknown) and let the page load what it shows of it. */
export async function selectEvent(id) {
  ctx.event = ctx.events.find((ev) => ev.id === id) || ctx.events[0] || null;
  if (ctx.event) {
    $('#event-select').value = String(ctx.event.id);
    sessionStorage.setItem(EVENT_KEY, String(ctx.event.id));
  }
  await hooks.eventChanged(ctx);
}

/** The event remembered in this tab (the last chosen on either page), or the first one. */
export function rememberedEvent() { return Number(sessionStorage.getItem(EVENT_KEY)) || ctx.events[0]?.id; }

async function enter() {
  ctx.events = (await api('/events?limit=500', { token: ctx.key })).items;
  $('#signin').hidden = true;
  $('#console').hidden = false;
  if ($('#admin-nav')) $('#admin-nav').hidden = false;
  renderWho();
  renderEventSelect();
  if (hooks.start) await hooks.start(ctx);
  else await selectEvent(rememberedEvent());
}

async function signIn(key) {
  await api('/organizer-keys?limit=1', { token: key }); // 401 wrong key, 403 a check-in-only key
  ctx.key = key;
  ctx.user = null;
  setOrganizerKey(key);
  await enter();
}

const CSRF_KEY = 'seminar.csrf'; // the team session's CSRF token, as api.js keeps it

/** A personal account's session (the cookie set by /admin/login), when the browser has one. Asked with a
 * plain fetch: nobody signed in (401) or a server without accounts (404) leaves the key form here, where
 * api.js would send a 401 of a session call on to /admin/login. */
async function signedInPerson() {
  try {
    const res = await fetch('/api/v1/auth/me', { credentials: 'same-origin', cache: 'no-store',
      headers: { Accept: 'application/json' }, referrerPolicy: 'no-referrer' });
    if (!res.ok) return null;
    const me = await res.json();
    if (me.csrf_token) sessionStorage.setItem(CSRF_KEY, me.csrf_token);
    return me.user || null;
  } catch {
    return null;
  }
}

/** Who is signed in: the person's name and address, or "an organizer key". */
function renderWho() {
  const who = $('#whoami');
  if (!who) return;
  who.replaceChildren(ctx.user ? t('console.signedInAs', { name: ctx.user.name || ctx.user.email, email: ctx.user.email })
    : t('console.signedInKey'));
}

function signOut(message = '') {
  forgetOrganizer();
  ctx.key = null;
  ctx.user = null;
  $('#console').hidden = true;
  if ($('#admin-nav')) $('#admin-nav').hidden = true;
  $('#signin').hidden = false;
  say($('#error'), message);
  $('#organizer-key').value = '';
  $('#organizer-key').focus();
}

async function signOutClicked() {
  if (ctx.user) {
    try { await api('/auth/logout', { method: 'POST' }); } catch { /* the session may be gone already */ }
    sessionStorage.removeItem(CSRF_KEY);
  }
  signOut();
}

/** Tables wider than a phone scroll inside their box: make every such box a named region the keyboard can reach. */
function watchScrollRegions(root) {
  const mark = () => root.querySelectorAll('.table-wrap').forEach((box) => {
    if (box.dataset.region === 'own') return;
    const table = box.querySelector('table');
    if (!table) {
      if (box.dataset.region) { box.removeAttribute('tabindex'); box.removeAttribute('role'); box.removeAttribute('aria-label'); }
      return;
    }
    const label = table.querySelector('caption')?.textContent.trim() || box.closest('section')?.querySelector('h2')?.textContent.trim() || '';
    box.dataset.region = 'auto';
    box.setAttribute('tabindex', '0');
    box.setAttribute('role', 'region');
    if (box.getAttribute('aria-label') !== label) box.setAttribute('aria-label', label);
  });
  root.querySelectorAll('.table-wrap[role=region]').forEach((box) => { box.dataset.region ||= 'own'; });
  new MutationObserver(mark).observe(root, { childList: true, subtree: true });
  mark();
}

/** The sign-in form and the bar with the event menu and sign-out: the same on both pages, built here. */
function mountSignin() {
  $('#signin').replaceChildren(
    el('h2', { id: 'signin-heading', i18n: 'admin.signinHeading' }),
    el('form', { id: 'signin-form', novalidate: true },
      el('div', { class: 'field' },
        el('label', { for: 'organizer-key' }, el('span', { i18n: 'admin.key' }), ' ',
          el('span', { class: 'hint', i18n: 'admin.keyHint' })),
        el('input', { id: 'organizer-key', name: 'key', type: 'password', autocomplete: 'current-password',
          required: true, 'aria-required': 'true', 'aria-describedby': 'key-error' }),
        el('p', { id: 'key-error', class: 'field-error', 'data-error-for': 'key' })),
      el('div', { class: 'actions' }, el('button', { type: 'submit', i18n: 'admin.signin' }))),
    el('p', {}, el('a', { href: '/admin/login', i18n: 'console.accountSignin' })));
  $('#console-bar').replaceChildren(
    el('div', { class: 'field' }, el('label', { for: 'event-select', i18n: 'admin.event' }),
      el('select', { id: 'event-select' })),
    el('p', { id: 'whoami', class: 'muted' }),
    el('button', { type: 'button', id: 'signout', class: 'secondary', i18n: 'admin.signout' }));
}

/** Wire the sign-in form, the event menu and sign-out; `eventChanged(ctx)` runs for each chosen event
 * (also with `ctx.event` null: no events yet). `init()` wires the page's own parts before signing in. */
export async function startConsole({ init, eventChanged, start = null, choose = null }) {
  mountSignin();
  initPage();
  Object.assign(hooks, { eventChanged, start, choose });
  $('#signin-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(event.currentTarget);
    const input = $('#organizer-key');
    const key = input.value.trim();
    try {
      if (!key) throw new ApiError(401, {});
      await signIn(key);
      say($('#error'), '');
    } catch (err) {
      const known = err instanceof ApiError && [401, 403].includes(err.status);
      $('#key-error').textContent = known ? t(err.status === 403 ? 'admin.checkinKey' : 'admin.wrongKey') : problemMessage(err);
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  });
  $('#signout').addEventListener('click', signOutClicked);
  $('#event-select').addEventListener('change', (e) => (hooks.choose || selectEvent)(Number(e.target.value)));
  onLangChange(renderWho);
  init();
  watchScrollRegions($('#console'));
  const saved = organizerKey();
  if (saved) {
    try { await signIn(saved); } catch (err) { signOut(problemMessage(err)); }
    return;
  }
  ctx.user = await signedInPerson();
  if (ctx.user) {
    try { await enter(); } catch (err) { signOut(problemMessage(err)); }
  } else {
    $('#organizer-key').focus();
  }
}
