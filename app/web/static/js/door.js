// Check-in at the door (phone first): find people by name or organization, or scan their badge's
// QR code; check in, undo, and see the counts. Works with a check-in-only key or an organizer key.
// The key is kept in sessionStorage; `#key=...` in the address signs a phone in and is dropped at once.
import { ApiError, api, problemMessage, setCsrf } from './api.js';
import { onLangChange, t } from './i18n.js';
import { renderCounts, targetOptions } from './door-counts.js';
import { DECODED, startScanner, stopScanner } from './door-scan.js';
import { forgetOrganizer, organizerKey, setOrganizerKey } from './session.js';
import { $, announce, el, fmtTime, initPage, say } from './ui.js';

const TARGET_KEY = 'seminar.doorTarget';
const REPEAT_MS = 3000; // the camera sees the same badge many times: one check-in per badge and 3 s
const ctx = { eventId: null, key: null, summary: null, target: null, people: null, seq: 0, last: null, seen: {} };

const base = () => `/events/${ctx.eventId}/checkins`;
const call = (path, options = {}) => api(path, { ...options, token: ctx.key });
const fullName = (p) => `${p.first_name} ${p.last_name}`;
const sessionParam = () => (ctx.target ? `session_id=${ctx.target}` : '');

function keyFromHash() {
  const match = /(?:^#|&)key=([^&]+)/.exec(location.hash);
  if (!match) return null;
  history.replaceState(null, '', location.pathname + location.search);
  return decodeURIComponent(match[1]);
}

async function eventIdFromPath() {
  const raw = decodeURIComponent(location.pathname.split('/')[2] || '');
  if (/^[1-9][0-9]{0,9}$/.test(raw)) return Number(raw);
  const page = await api('/events?limit=500'); // a slug: published events only
  return page.items.find((ev) => ev.slug === raw)?.id ?? null;
}

// ---- the last action, always in view, with its undo -------------------------------------------

function showLast(kind, text, undo = null) {
  ctx.last = undo;
  const box = $('#last');
  box.hidden = false;
  box.className = `door-last ${kind}`;
  $('#last-text').textContent = text;
  $('#last-undo').hidden = !undo;
  announce(text);
}

function resultText(done) {
  const who = `${fullName(done)} (${done.organization})`;
  const parts = [done.already_checked_in
    ? t('door.already', { who, time: fmtTime(done.checked_in_at, ctx.summary.timezone) })
    : t('door.done', { who })];
  if (done.status !== 'confirmed') parts.push(t(`door.status.${done.status}`));
  if (done.session_id && done.enrollment_status !== 'enrolled') {
    parts.push(t(done.enrollment_status === 'waitlisted' ? 'door.sessionWaitlisted' : 'door.notEnrolled'));
  }
  return parts.join(' ');
}

function failureText(err) {
  if (err instanceof ApiError && err.kind === 'unknown-checkin-code') return t('door.unknownCode');
  if (err instanceof ApiError && err.kind === 'registration-cancelled') return t('door.cancelled');
  if (err instanceof ApiError && err.status === 422) return t('door.badCode');
  return problemMessage(err);
}

async function checkIn(body) {
  try {
    const done = await call(base(), { method: 'POST', body: { ...body, session_id: ctx.target || undefined } });
    const warn = done.already_checked_in || done.status !== 'confirmed'
      || (done.session_id && done.enrollment_status !== 'enrolled');
    showLast(warn ? 'warn' : 'ok', resultText(done), { id: done.registration_id, who: fullName(done), session: done.session_id });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) { signedOut(t('door.keyRejected')); return; }
    showLast('error', failureText(err));
  }
  await Promise.all([search(), refreshCounts()]);
}

async function undo(id, who, session) {
  try {
    await call(`${base()}/${id}${session ? `?session_id=${session}` : ''}`, { method: 'DELETE' });
    showLast('warn', t('door.undone', { who }));
  } catch (err) {
    showLast('error', problemMessage(err));
  }
  await Promise.all([search(), refreshCounts()]);
}

/** A QR text from the camera (or a hand scanner): the badge's code, checked in once per few seconds. */
function onDecoded(event) {
  const text = String(event.detail || '').trim();
  const match = /([1-9][0-9]{0,9})\s*-\s*([A-Za-z2-7]{16})/.exec(text);
  const code = match ? `${match[1]}-${match[2].toUpperCase()}` : text;
  if (!code) return;
  const now = Date.now();
  if (ctx.seen[code] && now - ctx.seen[code] < REPEAT_MS) return;
  ctx.seen[code] = now;
  if (navigator.vibrate) navigator.vibrate(80);
  checkIn({ code });
}

// ---- search by name or organization --------------------------------------------------------------

function personItem(p) {
  const when = p.checked_in_at ? t('door.checkedInAt', { time: fmtTime(p.checked_in_at, ctx.summary.timezone) }) : '';
  const inactive = ['cancelled', 'rejected'].includes(p.status);
  const button = p.checked_in_at
    ? el('button', { type: 'button', class: 'secondary', text: t('door.undo'), 'aria-label': t('door.undoFor', { who: fullName(p) }),
      onclick: () => undo(p.registration_id, fullName(p), ctx.target) })
    : el('button', { type: 'button', text: t('door.checkIn'), disabled: inactive, 'aria-label': t('door.checkInFor', { who: fullName(p) }),
      onclick: () => checkIn({ registration_id: p.registration_id }) });
  return el('li', { 'data-registration-id': String(p.registration_id) },
    el('span', { class: 'who' }, el('strong', { text: fullName(p) }), p.organization),
    p.status !== 'confirmed' ? el('span', { class: `badge ${inactive ? 'err' : 'warn'}`, text: t(`status.${p.status}`) }) : null,
    when ? el('span', { class: 'when', text: when }) : null, button);
}

function renderPeople() {
  const page = ctx.people;
  const status = $('#search-status');
  if (!page) { status.textContent = ''; $('#people').replaceChildren(); return; }
  status.textContent = page.total === 0 ? t('door.noneFound')
    : page.total > page.items.length ? t('door.manyFound', { n: page.items.length, total: page.total }) : t('door.found', { n: page.total });
  $('#people').replaceChildren(...page.items.map(personItem));
}

async function search() {
  const q = $('#q').value.trim();
  const seq = ++ctx.seq;
  if (!q) { ctx.people = null; renderPeople(); return; }
  try {
    const params = new URLSearchParams({ q, limit: '20' });
    if (ctx.target) params.set('session_id', String(ctx.target));
    const page = await call(`${base()}/people?${params}`);
    if (seq !== ctx.seq) return; // a newer search is on its way
    ctx.people = page;
    renderPeople();
  } catch (err) {
    if (seq === ctx.seq) say($('#error'), problemMessage(err));
  }
}

// ---- counts, the event or session, signing in and out -----------------------------------------------

async function refreshCounts() {
  try {
    ctx.summary = await call(`${base()}/summary`);
    renderCounts(ctx.summary);
  } catch { /* the next refresh tries again; the action's own message says what went wrong */ }
}

function renderTarget() {
  const select = $('#target');
  select.replaceChildren(...targetOptions(ctx.summary));
  const known = ctx.summary.sessions.some((s) => s.session_id === ctx.target);
  ctx.target = known ? ctx.target : null;
  select.value = ctx.target ? String(ctx.target) : '';
}

function signedOut(message) {
  forgetOrganizer();
  ctx.key = null;
  stopScanner($('#scan-video'));
  $('#door').hidden = true;
  $('#signin').hidden = false;
  $('#door-key-error').textContent = message || '';
  $('#door-key').focus();
}

/** A person of the team signed in at /admin/login (the session cookie): the page needs no key. */
async function signedInAsTeam() {
  try {
    setCsrf((await api('/auth/me')).csrf_token);
    return true;
  } catch {
    return false;
  }
}

async function signIn(key) {
  ctx.key = key;
  try {
    ctx.summary = await call(`${base()}/summary`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) { signedOut(t('door.keyRejected')); return; }
    say($('#error'), err instanceof ApiError && err.status === 404 ? t('door.noEvent') : problemMessage(err));
    return;
  }
  if (key) setOrganizerKey(key);
  $('#signin').hidden = true;
  $('#door').hidden = false;
  $('#event-title').textContent = ctx.summary.title;
  ctx.target = Number(sessionStorage.getItem(`${TARGET_KEY}.${ctx.eventId}`)) || null;
  renderTarget();
  renderCounts(ctx.summary);
  $('#q').focus();
}

async function toggleCamera(on) {
  const video = $('#scan-video');
  $('#scan-start').hidden = on;
  $('#scan-stop').hidden = !on;
  if (!on) { stopScanner(video); $('#scan-status').textContent = ''; return; }
  try {
    $('#scan-status').textContent = t('door.scanStarting');
    await startScanner(video);
    $('#scan-status').textContent = t('door.scanHelp');
  } catch {
    stopScanner(video);
    $('#scan-start').hidden = false;
    $('#scan-stop').hidden = true;
    $('#scan-status').textContent = t('door.noCamera');
  }
}

function wire() {
  let pending = null;
  $('#q').addEventListener('input', () => { clearTimeout(pending); pending = setTimeout(search, 200); });
  $('#search-form').addEventListener('submit', (e) => { e.preventDefault(); clearTimeout(pending); search(); });
  $('#code-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const code = $('#code').value.trim();
    if (code) { $('#code').value = ''; checkIn({ code }); }
  });
  $('#last-undo').addEventListener('click', () => { if (ctx.last) undo(ctx.last.id, ctx.last.who, ctx.last.session); });
  $('#target').addEventListener('change', (e) => {
    ctx.target = Number(e.target.value) || null;
    sessionStorage.setItem(`${TARGET_KEY}.${ctx.eventId}`, String(ctx.target || ''));
    search();
  });
  $('#signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const key = $('#door-key').value.trim();
    if (!key) { $('#door-key-error').textContent = t('fielderr.missing'); return; }
    $('#door-key').value = '';
    signIn(key);
  });
  $('#signout').addEventListener('click', () => signedOut(''));
  $('#scan-start').addEventListener('click', () => toggleCamera(true));
  $('#scan-stop').addEventListener('click', () => toggleCamera(false));
  document.addEventListener(DECODED, onDecoded);
  onLangChange(() => { if (ctx.summary) { renderTarget(); renderCounts(ctx.summary); renderPeople(); } });
  setInterval(() => { if (ctx.key && !document.hidden) refreshCounts(); }, 20000); // other doors check people in too
}

async function main() {
  initPage();
  const fromHash = keyFromHash();
  try {
    ctx.eventId = await eventIdFromPath();
  } catch (err) {
    say($('#error'), problemMessage(err));
    return;
  }
  if (!ctx.eventId) { say($('#error'), t('door.noEvent')); return; }
  wire();
  const key = fromHash || organizerKey();
  if (key) await signIn(key);
  else if (await signedInAsTeam()) await signIn(null);
  else signedOut('');
}

main();
