// The door page's head counts: checked in of confirmed, per day (event's zone), per session.
import { t } from './i18n.js';
import { el, fmtDate, fmtTime, fmtDay } from './ui.js';

function table(caption, head, rows) {
  return el('table', {}, el('caption', { text: caption }),
    el('thead', {}, el('tr', {}, head.map(([text, cls]) => el('th', { scope: 'col', class: cls, text })))),
    el('tbody', {}, rows));
}

/** A table box that may scroll sideways on a phone: a named region the keyboard can reach (none when empty). */
function region(box, label, content) {
  box.replaceChildren(...(content ? [content] : []));
  for (const [name, value] of [['tabindex', '0'], ['role', 'region'], ['aria-label', label]]) {
    if (content) box.setAttribute(name, value); else box.removeAttribute(name);
  }
}

/** Render `summary` (GET /events/{id}/checkins/summary) into the page. */
export function renderCounts(summary) {
  if (!summary) return;
  const tz = summary.timezone;
  const card = (n, text, id) => el('li', { class: 'card', id }, el('span', { class: 'num', text: String(n) }), text);
  document.getElementById('counts').replaceChildren(
    card(summary.checked_in, t('door.countCheckedIn'), 'count-checked-in'),
    card(summary.confirmed, t('door.countConfirmed'), 'count-confirmed'),
    card(Math.max(summary.confirmed - summary.checked_in, 0), t('door.countMissing'), 'count-missing'),
  );
  region(document.getElementById('days'), t('door.perDay'), table(t('door.perDay'),
    [[t('door.colDay')], [t('door.colCheckedIn'), 'num']],
    summary.days.map((d) => el('tr', { 'data-day': d.date }, el('th', { scope: 'row', text: fmtDate(d.date) }),
      el('td', { class: 'num', text: String(d.checked_in) })))));
  region(document.getElementById('sessions'), t('door.perSession'), summary.sessions.length ? table(t('door.perSession'),
    [[t('door.colSession')], [t('door.colCheckedIn'), 'num'], [t('door.colEnrolled'), 'num']],
    summary.sessions.map((s) => el('tr', { 'data-session-id': String(s.session_id) },
      el('th', { scope: 'row' }, el('span', { class: 'hint', text: `${fmtDay(s.starts_at, tz)}, ${fmtTime(s.starts_at, tz)}` }),
        s.title, s.room ? el('span', { class: 'hint', text: s.room }) : null),
      el('td', { class: 'num', text: String(s.checked_in) }),
      el('td', { class: 'num', text: s.capacity === null ? String(s.enrolled) : `${s.enrolled} / ${s.capacity}` }))))
    : null);
}

/** The options of the "checking in for" list: the event, then each session. */
export function targetOptions(summary) {
  const tz = summary.timezone;
  return [el('option', { value: '', text: t('door.targetEvent') }),
    ...summary.sessions.map((s) => el('option', { value: String(s.session_id),
      text: `${fmtDay(s.starts_at, tz)} ${fmtTime(s.starts_at, tz)} · ${s.title}` }))];
}
