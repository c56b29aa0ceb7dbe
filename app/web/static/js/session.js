// Secrets kept per browser tab (sessionStorage): never in cookies, never in a URL sent to the server.
export const TOKEN_KEY = 'seminar.token';
export const ORGANIZER_KEY = 'seminar.organizerKey';

const LINK_PREFIX = 'link.';

/**
 * Take `#token=...` (the registration token) or `#link=...` (the signed personal link of an e-mail) from
 * the address, keep it in sessionStorage and drop it from the address bar. A link is sent to the API as
 * `Bearer link.<...>`.
 */
export function participantToken() {
  const match = /(?:^#|&)(token|link)=([^&]+)/.exec(location.hash);
  if (match) {
    const value = decodeURIComponent(match[2]);
    sessionStorage.setItem(TOKEN_KEY, match[1] === 'link' ? LINK_PREFIX + value : value);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

export function personalLink(token) {
  if (token.startsWith(LINK_PREFIX)) return `${location.origin}/me#link=${encodeURIComponent(token.slice(LINK_PREFIX.length))}`;
  return `${location.origin}/me#token=${encodeURIComponent(token)}`;
}

export function forgetParticipant() { sessionStorage.removeItem(TOKEN_KEY); }
export function organizerKey() { return sessionStorage.getItem(ORGANIZER_KEY); }
export function setOrganizerKey(key) { sessionStorage.setItem(ORGANIZER_KEY, key); }
export function forgetOrganizer() { sessionStorage.removeItem(ORGANIZER_KEY); }

// A one-time message for the next page of this tab (e.g. "the confirmation e-mail is on its way").
const NOTICE_KEY = 'seminar.notice';
export function setNotice(key) { sessionStorage.setItem(NOTICE_KEY, key); }
export function takeNotice() {
  const key = sessionStorage.getItem(NOTICE_KEY);
  sessionStorage.removeItem(NOTICE_KEY);
  return key;
}
