// Personal page, part three: the personal calendar feed (create, replace, revoke) and the
// language of the e-mails. The feed URL carries its own secret (calendar apps cannot send a
// Bearer header); the server shows it only when it is made, so this page keeps it in memory only.
import { api, problemMessage } from './api.js';
import { t } from './i18n.js';
import { $, announce, say } from './ui.js';

const feed = { url: null };

function showFeed() {
  $('#feed-box').hidden = !feed.url;
  $('#feed-url').textContent = feed.url || '';
  $('#feed-webcal').href = feed.url ? feed.url.replace(/^https?:/, 'webcal:') : '#';
  $('#feed-create').hidden = Boolean(feed.url);
  $('#feed-rotate').hidden = !feed.url;
  $('#feed-copy-status').textContent = '';
}

async function makeFeed(ctx, rotating) {
  say($('#feed-error'), '');
  try {
    feed.url = (await api('/me/calendar', { method: 'POST', token: ctx.token })).url;
    showFeed();
    $('#feed-status').textContent = t(rotating ? 'calendar.rotated' : 'calendar.created');
    $('#feed-copy').focus();
  } catch (err) {
    say($('#feed-error'), problemMessage(err));
    $('#feed-error').focus();
  }
}

async function revokeFeed(ctx) {
  say($('#feed-error'), '');
  try {
    await api('/me/calendar', { method: 'DELETE', token: ctx.token });
    feed.url = null;
    showFeed();
    $('#feed-status').textContent = t('calendar.revoked');
    $('#feed-create').focus();
  } catch (err) {
    say($('#feed-error'), problemMessage(err));
    $('#feed-error').focus();
  }
}

async function copyFeed() {
  try {
    await navigator.clipboard.writeText(feed.url);
    $('#feed-copy-status').textContent = t('calendar.copied');
  } catch {
    const range = document.createRange();
    range.selectNodeContents($('#feed-url'));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    $('#feed-copy-status').textContent = t('me.copyManually');
  }
}

async function saveLanguage(ctx, select) {
  const status = $('#language-status');
  status.textContent = '';
  try {
    ctx.me = await api('/me', { method: 'PATCH', token: ctx.token, body: { language: select.value } });
    status.textContent = t('me.languageSaved');
    announce(t('me.languageSaved'));
  } catch (err) {
    status.textContent = problemMessage(err);
    select.value = ctx.me.language || ctx.event.language || 'pl';
  }
}

/** Wire the buttons once; `ctx` is the personal page's context (token, me, event). */
export function initCalendar(ctx) {
  $('#feed-create').addEventListener('click', () => makeFeed(ctx, false));
  $('#feed-rotate').addEventListener('click', () => makeFeed(ctx, true));
  $('#feed-revoke').addEventListener('click', () => revokeFeed(ctx));
  $('#feed-copy').addEventListener('click', copyFeed);
  const select = $('#message-language');
  select.addEventListener('change', () => saveLanguage(ctx, select));
  showFeed();
}

/** After each render of the page: the programme link and the language the e-mails come in. */
export function renderCalendar(ctx) {
  $('#programme-ics').href = `/api/v1/events/${ctx.event.id}/programme.ics`;
  const select = $('#message-language');
  if (document.activeElement !== select) select.value = ctx.me.language || ctx.event.language || 'pl';
}
