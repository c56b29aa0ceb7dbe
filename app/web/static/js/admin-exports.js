// Organizer console: files to download. The registrations list follows the filters on screen, in the
// page's language (Polish page: the semicolon CSV Polish Excel splits into columns, Polish headers,
// values and file names); badges, and each workshop's sign-in sheet and list.
import { api, download } from './api.js';
import { currentLang, t } from './i18n.js';
import { $, el, fmtDay, fmtTime, say } from './ui.js';

const STATUSES = ['confirmed', 'waitlisted', 'pending', 'cancelled', 'rejected'];
// id, registration date, waiting-list place and workshops besides the usual columns
const COLUMNS = ['id', 'last_name', 'first_name', 'email', 'organization', 'partnership', 'position', 'category', 'status',
  'registered_at', 'waitlist_position', 'workshops', 'attended', 'checked_in_at'].join(',');
const state = { ctx: null, handle: null, status: null, workshops: [] };

/** The query of a file in the page's language: Polish Excel wants ';', English Excel ','. */
function languageParams(format) {
  const lang = currentLang();
  const params = new URLSearchParams({ format, lang });
  if (format === 'csv') params.set('delimiter', lang === 'pl' ? 'semicolon' : 'comma');
  return params;
}

/** The registrations list as a file, with the filters shown on screen (status "all" is every status). */
export function exportQuery(filters, format) {
  const params = languageParams(format);
  params.set('columns', COLUMNS);
  for (const status of filters.status ? [filters.status] : STATUSES) params.append('status', status);
  for (const name of ['category', 'organization', 'q']) if (filters[name]) params.set(name, filters[name]);
  return params;
}

async function fetchFile(path, fallback, box) {
  state.status(t('admin.downloading'));
  try {
    const name = await download(path, state.ctx.key, fallback);
    say(box, '');
    state.status(t('admin.downloaded', { name }));
    return name;
  } catch (err) {
    state.status('');
    state.handle(err, box);
    return null;
  }
}

export async function exportList(format) {
  const { event, filters } = state.ctx;
  const base = currentLang() === 'pl' ? `uczestnicy-${event.slug}` : `${event.slug}-registrations`;
  const name = await fetchFile(`/events/${event.id}/registrations/export?${exportQuery(filters, format)}`,
    `${base}.${format}`, $('#error'));
  $('#export-status').textContent = name ? t('admin.downloaded', { name }) : '';
}

function fileBase(kind, session) {
  const pl = currentLang() === 'pl';
  const slug = state.ctx.event.slug;
  if (kind === 'badges') return pl ? `identyfikatory-${slug}.html` : `${slug}-badges.html`;
  return pl ? `lista-obecnosci-${slug}-sesja-${session.id}.html` : `${slug}-sign-in-sheet-${session.id}.html`;
}

function renderLists() {
  const box = $('#lists-table');
  const tz = state.ctx.event.timezone;
  if (!state.workshops.length) { box.replaceChildren(el('p', { class: 'muted', text: t('lists.none') })); return; }
  const when = (s) => `${fmtDay(s.starts_at, tz)}, ${fmtTime(s.starts_at, tz)}–${fmtTime(s.ends_at, tz)}`;
  const button = (text, label, onClick) => {
    const b = el('button', { type: 'button', class: 'secondary small', text, 'aria-label': label });
    b.addEventListener('click', onClick);
    return b;
  };
  box.replaceChildren(el('table', { id: 'lists-workshops' },
    el('caption', { text: t('lists.caption') }),
    el('thead', {}, el('tr', {}, ['assign.workshop', 'plan.time', 'plan.room', 'lists.enrolled', 'lists.files']
      .map((k, i) => el('th', { scope: 'col', class: i === 3 ? 'num' : '', text: t(k) })))),
    el('tbody', {}, state.workshops.map((s) => el('tr', { 'data-session-id': String(s.id) },
      el('th', { scope: 'row', text: s.title }), el('td', { text: when(s) }), el('td', { text: s.room || '—' }),
      el('td', { class: 'num', text: s.capacity === null ? String(s.enrolled) : `${s.enrolled} / ${s.capacity}` }),
      el('td', {}, el('div', { class: 'item-buttons' },
        button(t('lists.sheet'), t('lists.sheetFor', { title: s.title }), () => fetchFile(
          `/sessions/${s.id}/sign-in-sheet`, fileBase('sheet', s), $('#lists-error'))),
        button(t('lists.csv'), t('lists.csvFor', { title: s.title }), () => fetchFile(
          `/sessions/${s.id}/attendees/export?${sessionQuery()}`, `${s.id}.csv`, $('#lists-error'))))))))));
}

function sessionQuery() {
  const params = languageParams('csv');
  params.set('columns', 'last_name,first_name,email,organization,category,enrollment_source,attended');
  return params;
}

export async function loadExports(ctx) {
  state.ctx = ctx;
  try {
    state.workshops = (await api(`/events/${ctx.event.id}/sessions?kind=workshop&limit=500`, { token: ctx.key })).items;
    say($('#lists-error'), '');
  } catch (err) {
    state.workshops = [];
    state.handle(err, $('#lists-error'));
  }
  renderLists();
}

export function initExports(ctx, handle, status) {
  Object.assign(state, { ctx, handle, status });
  $('#badges-download').addEventListener('click', () => fetchFile(`/events/${state.ctx.event.id}/badges`,
    fileBase('badges'), $('#lists-error')));
}

export function renderExports() { if (state.ctx?.event) renderLists(); }
