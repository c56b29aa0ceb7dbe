// Fetch wrapper for /api/v1: JSON in and out, RFC 9457 problem details turned into ApiError.
import { has, t } from './i18n.js';
import { ORGANIZER_KEY } from './session.js';

// ---- Team sessions (app/team; helper "team") ----------------------------------------------------
// A person of the team signs in at /admin/login: the server sets an HttpOnly session cookie and
// answers with a CSRF token, kept here in sessionStorage (also refreshed by GET /auth/me).
// On the organizer pages (/admin...), when this tab holds no organizer key and a call names no
// token, the call goes with the cookie (credentials 'same-origin') and, for writes, the header
// X-CSRF-Token. A 401 on such a call sends the console to /admin/login (and back afterwards).
// Keys keep working exactly as before: a call with a token sends it and never the cookie.
export const CSRF_KEY = 'seminar.csrf';
const SIGN_IN_PAGES = ['/admin/login', '/admin/password', '/admin/setup'];

export function setCsrf(token) {
  if (token) sessionStorage.setItem(CSRF_KEY, token);
  else sessionStorage.removeItem(CSRF_KEY);
}

// The door page (/events/{key}/door) also goes with the cookie, so a volunteer signed in with the
// check-in role needs no key; a 401 there shows the page's own key form instead of /admin/login.
const DOOR_PAGE = /^\/events\/[^/]+\/door$/;

function bySession(token) {
  const here = location.pathname.startsWith('/admin') || DOOR_PAGE.test(location.pathname);
  return !token && here && !sessionStorage.getItem(ORGANIZER_KEY);
}

function toSignIn() {
  if (SIGN_IN_PAGES.includes(location.pathname) || !location.pathname.startsWith('/admin')) return;
  location.assign(`/admin/login?next=${encodeURIComponent(location.pathname + location.search + location.hash)}`);
}
// ---- end of team sessions ------------------------------------------------------------------------

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }

  /** The last segment of the problem type, e.g. "already-registered". */
  get kind() { return String(this.problem.type || '').split('/').pop(); }
}

function headersFor(token, extra, hasBody) {
  const headers = { Accept: 'application/json, application/problem+json', ...extra };
  if (hasBody) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  return headers;
}

async function send(path, { method = 'GET', body, token, headers = {} } = {}) {
  const session = bySession(token); // team sessions: the cookie and the CSRF header (see above)
  const csrf = session && !['GET', 'HEAD'].includes(method) ? sessionStorage.getItem(CSRF_KEY) : null;
  let res;
  try {
    res = await fetch(`/api/v1${path}`, {
      method, cache: 'no-store', credentials: session ? 'same-origin' : 'omit', referrerPolicy: 'no-referrer',
      headers: headersFor(token, csrf ? { ...headers, 'X-CSRF-Token': csrf } : headers, body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, { type: 'network', title: 'Network error', detail: String(err) });
  }
  if (session && res.status === 401) toSignIn();
  return res;
}

async function failure(res) {
  let problem = null;
  try { problem = await res.json(); } catch { /* not JSON */ }
  return new ApiError(res.status, problem || { title: res.statusText, status: res.status });
}

export async function api(path, options) {
  const res = await send(path, options);
  if (!res.ok) throw await failure(res);
  if (res.status === 204) return null;
  return res.json();
}

/** GET a file with the Authorization header and hand it to the browser as a download. */
export async function download(path, token, fallbackName) {
  const res = await send(path, { token, headers: { Accept: '*/*' } });
  if (!res.ok) throw await failure(res);
  const blob = await res.blob();
  const disposition = res.headers.get('content-disposition') || '';
  const match = /filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?/i.exec(disposition);
  const name = match ? decodeURIComponent(match[1] || match[2]) : fallbackName;
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return name;
}

/** A message for the whole form: our translation of the problem type or status, then the server's detail. */
export function problemMessage(err) {
  if (!(err instanceof ApiError)) return t('problem.unexpected');
  const byKind = `problem.${err.kind}`;
  const byStatus = `status.${err.status}`;
  const head = has(byKind) ? t(byKind) : has(byStatus) ? t(byStatus) : (err.problem.title || t('problem.unexpected'));
  const detail = err.problem.detail && err.status !== 422 && !has(byKind) ? ` ${err.problem.detail}` : '';
  return head + detail;
}

/** Field name -> message, from a 422 problem's `errors` ({loc: ["body", "email"], msg, type, ctx?}). */
export function fieldErrors(err) {
  const out = {};
  if (!(err instanceof ApiError) || !Array.isArray(err.problem.errors)) return out;
  for (const e of err.problem.errors) {
    const loc = (e.loc || []).filter((p) => p !== 'body');
    const field = String(loc[0] ?? '');
    if (!field || out[field]) continue;
    const specific = `field.${field}.${e.type}`;
    const generic = `fielderr.${e.type}`;
    const vars = e.ctx && typeof e.ctx === 'object' ? e.ctx : {}; // e.g. the event's days of outside_event_days
    out[field] = has(specific) ? t(specific, vars) : has(generic) ? t(generic, vars) : e.msg;
  }
  return out;
}
