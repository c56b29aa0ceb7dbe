// Organizer console: live poll results per voting rule (with the equal-shares explanation, admin-explain.js).
// The workshop assignment: admin-assignment.js.
import { api } from './api.js';
import { t } from './i18n.js';
import { barChart } from './charts.js';
import { explanationBlock, propertiesBlock } from './admin-explain.js';
import { $, el, plural, say } from './ui.js';

export const RULES = {
  approval: ['equal_shares', 'pav', 'seq_phragmen', 'approval'],
  ranked: ['stv', 'borda', 'equal_shares', 'pav', 'seq_phragmen', 'approval'],
};
const REFRESH_MS = 10000;
const state = { polls: [], results: null, timer: null, ctx: null, handle: null };

function selectedPoll() {
  return state.polls.find((p) => p.id === Number($('#poll-select').value)) || null;
}

function fillSelects({ resetRule = false } = {}) {
  const pollSelect = $('#poll-select');
  const previous = Number(pollSelect.value);
  pollSelect.replaceChildren(...state.polls.map((p) => el('option', { value: String(p.id), text: p.title })));
  if (state.polls.some((p) => p.id === previous)) pollSelect.value = String(previous);
  const poll = selectedPoll();
  const ruleSelect = $('#rule-select');
  const rule = ruleSelect.value;
  const rules = poll ? RULES[poll.ballot] : [];
  ruleSelect.replaceChildren(...rules.map((r) => el('option', { value: r, text: t(`rule.${r}`) })));
  if (!resetRule && rules.includes(rule)) ruleSelect.value = rule; // else the poll's default rule
  $('#results-controls').hidden = !poll;
}

function scoreUnit(rule, n) {
  if (rule === 'borda') return plural('results.points', n);
  if (rule === 'stv') return plural('results.firstPrefs', n);
  return plural('results.approvals', n);
}

function renderResults() {
  const box = $('#results');
  const r = state.results;
  const poll = selectedPoll();
  if (!poll) { box.replaceChildren(el('p', { class: 'muted', text: t('results.noPolls') })); return; }
  if (!r) { box.replaceChildren(); return; }
  const names = new Map(r.topics.map((topic) => [topic.id, topic.title]));
  const rows = [...r.topics].sort((a, b) => b.score - a.score || a.title.localeCompare(b.title)).map((topic) => ({
    label: topic.title,
    value: topic.score,
    kind: topic.elected ? 'win' : '',
    badge: topic.elected ? el('span', { class: 'badge ok', text: t('results.elected') }) : null,
    text: `${scoreUnit(r.rule, topic.score)} · ${plural('results.supporters', topic.supporters)}`,
  }));
  box.replaceChildren(
    el('p', { id: 'results-summary', text: t('results.summary', { ballots: r.ballots, seats: r.seats, rule: t(`rule.${r.rule}`) }) }),
    el('p', {}, el('strong', { text: `${t('results.winners')}: ` }),
      r.winners.length ? r.winners.map((id) => names.get(id)).join(', ') : t('results.noWinners')),
    barChart(rows, { label: t('results.chartLabel', { rule: t(`rule.${r.rule}`) }) }),
    propertiesBlock(r, names), explanationBlock(r, names),
    el('p', { class: 'muted', text: t('results.updated', { time: new Date().toLocaleTimeString() }) }));
}

async function fetchResults() {
  const poll = selectedPoll();
  if (!poll) { state.results = null; renderResults(); return; }
  const rule = $('#rule-select').value;
  try {
    const explain = $('#explain-results')?.checked ? '&explain=true' : '';
    state.results = await api(`/polls/${poll.id}/results?rule=${encodeURIComponent(rule)}${explain}`, { token: state.ctx.key });
    say($('#results-error'), '');
  } catch (err) {
    state.results = null;
    state.handle(err, $('#results-error'));
  }
  renderResults();
}

function schedule() {
  clearInterval(state.timer);
  state.timer = null;
  if ($('#live-refresh').checked) {
    state.timer = setInterval(() => {
      if (!document.hidden && state.ctx.key && selectedPoll()) fetchResults();
    }, REFRESH_MS);
  }
}

/** (Re)load the polls of the selected event and their results. */
export async function loadResults(ctx) {
  state.ctx = ctx;
  const eventId = ctx.event.id;
  try {
    const polls = await api(`/events/${eventId}/polls?limit=100`, { token: ctx.key });
    if (ctx.event?.id !== eventId) return; // another event was chosen meanwhile
    state.polls = polls.items;
  } catch (err) {
    state.handle(err, $('#results-error'));
    return;
  }
  fillSelects();
  await fetchResults();
}

export function initResults(ctx, handle) {
  state.ctx = ctx;
  state.handle = handle;
  $('#poll-select').addEventListener('change', () => { fillSelects({ resetRule: true }); fetchResults(); });
  $('#rule-select').addEventListener('change', fetchResults);
  const explain = el('input', { type: 'checkbox', id: 'explain-results' });
  $('#results-refresh').before(el('div', { class: 'field' }, el('label', { class: 'check', for: 'explain-results' },
    explain, el('span', { i18n: 'explain.toggle' }))));
  explain.addEventListener('change', fetchResults);
  $('#results-refresh').addEventListener('click', fetchResults);
  $('#live-refresh').addEventListener('change', schedule);
  schedule();
}
