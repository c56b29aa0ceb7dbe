// The programme: sessions grouped by day and time slot, in the event's time zone.
import { t } from './i18n.js';
import { dayKey, el, fmtDay, fmtTime, plural } from './ui.js';

export function seatsText(session) {
  if (session.capacity === null || session.capacity === undefined) return t('session.noLimit');
  const left = session.seats_left ?? Math.max(session.capacity - session.enrolled, 0);
  if (left <= 0) return t('session.full');
  return plural('session.seatsLeft', left) + ' ' + t('session.ofCapacity', { n: session.capacity });
}

export function enrollmentBadge(enrollment) {
  if (!enrollment) return null;
  if (enrollment.status === 'waitlisted') {
    return el('span', { class: 'badge warn', text: t('enrollment.waitlisted', { n: enrollment.waitlist_position ?? '?' }) });
  }
  const key = enrollment.source === 'assignment' ? 'enrollment.assigned' : 'enrollment.enrolled';
  return el('span', { class: 'badge ok', text: t(key) });
}

function sessionItem(session, mine, actions) {
  const enrollment = mine.get(session.id);
  const meta = el('p', { class: 'session-meta' },
    el('span', { text: t(`kind.${session.kind}`) }),
    session.room ? el('span', {}, el('span', { class: 'visually-hidden', text: t('session.room') + ': ' }), session.room) : null,
    el('span', { class: 'seats', text: seatsText(session) }),
  );
  const item = el('li', { class: 'session', 'data-session-id': String(session.id) },
    el('span', { class: 'session-title', text: session.title }), ' ', enrollmentBadge(enrollment), meta);
  if (session.description) item.append(el('p', { class: 'muted', text: session.description }));
  const extra = actions ? actions(session, enrollment) : null;
  if (extra) item.append(extra);
  return item;
}

/** Fill `container` with the programme; `mine` maps session id -> the viewer's enrollment. */
export function renderProgramme(container, sessions, event, { mine = new Map(), actions = null, headingLevel = 3 } = {}) {
  const tz = event.timezone;
  container.replaceChildren();
  if (!sessions.length) {
    container.append(el('p', { class: 'muted', text: t('programme.empty') }));
    return;
  }
  container.append(el('p', { class: 'muted', text: t('programme.timezone', { tz }) }));
  const days = new Map();
  for (const s of sessions) {
    const day = dayKey(s.starts_at, tz);
    if (!days.has(day)) days.set(day, new Map());
    const slotKey = `${s.starts_at}|${s.ends_at}`;
    const slots = days.get(day);
    if (!slots.has(slotKey)) slots.set(slotKey, []);
    slots.get(slotKey).push(s);
  }
  for (const slots of days.values()) {
    const first = slots.values().next().value[0];
    const section = el('section', { class: 'day' }, el(`h${headingLevel}`, { text: fmtDay(first.starts_at, tz) }));
    const list = el('ol', { class: 'slots' });
    for (const group of slots.values()) {
      const when = `${fmtTime(group[0].starts_at, tz)}–${fmtTime(group[0].ends_at, tz)}`;
      const parallel = group.length > 1 ? el('span', { class: 'hint', text: t('programme.parallel', { n: group.length }) }) : null;
      list.append(el('li', { class: 'slot' },
        el(`h${headingLevel + 1}`, { class: 'slot-time' }, el('time', { datetime: group[0].starts_at, text: when }), parallel),
        el('ul', { class: 'sessions' }, group.map((s) => sessionItem(s, mine, actions)))));
    }
    section.append(list);
    container.append(section);
  }
}
