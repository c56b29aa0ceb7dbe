// Organizer console, part two: live poll results per voting rule and the workshop assignment.
import { api } from './api.js';
import { t } from './i18n.js';
import { barChart, groupedShares } from './charts.js';
import { $, announce, el, fmtNumber, fmtPercent, plural, say } from './ui.js';

const RULES = {
  approval: ['equal_shares', 'pav', 'seq_phragmen', 'approval'],
  ranked: ['stv', 'borda', 'equal_shares', 'pav', 'seq_phragmen', 'approval'],
};
const REFRESH_MS = 10000;
const state = { polls: [], results: null, assignment: null, timer: null, ctx: null, handle: null };

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
    el('p', { class: 'muted', text: t('results.updated', { time: new Date().toLocaleTimeString() }) }));
}

async function fetchResults() {
  const poll = selectedPoll();
  if (!poll) { state.results = null; renderResults(); return; }
  const rule = $('#rule-select').value;
  try {
    state.results = await api(`/polls/${poll.id}/results?rule=${encodeURIComponent(rule)}`, { token: state.ctx.key });
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

/** (Re)load the polls of the selected event and their results; `quiet` keeps the assignment shown. */
export async function loadResults(ctx, { quiet = false } = {}) {
  state.ctx = ctx;
  try {
    const polls = await api(`/events/${ctx.event.id}/polls?limit=100`, { token: ctx.key });
    state.polls = polls.items;
  } catch (err) {
    state.handle(err, $('#results-error'));
    return;
  }
  fillSelects();
  if (!quiet) { state.assignment = null; $('#assign-write').disabled = true; $('#assign-status').textContent = ''; }
  renderAssignment();
  await fetchResults();
}

function figuresTable(a) {
  const rows = [
    ['assign.participants', a.participants, a.participants],
    ['assign.assigned', a.assigned, a.baseline.assigned],
    ['assign.unassigned', a.unassigned, a.baseline.unassigned],
    ['assign.firstChoice', fmtPercent(a.first_choice_share), fmtPercent(a.baseline.first_choice_share)],
    ['assign.top3', fmtPercent(a.top3_share), fmtPercent(a.baseline.top3_share)],
  ];
  return el('table', { id: 'assign-figures' }, el('caption', { text: t('assign.figuresCaption') }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('assign.measure') }),
      el('th', { scope: 'col', class: 'num', text: t('assign.optimal') }), el('th', { scope: 'col', class: 'num', text: t('assign.firstCome') }))),
    el('tbody', {}, rows.map(([key, mine, base]) => el('tr', {}, el('th', { scope: 'row', text: t(key) }),
      el('td', { class: 'num', text: String(mine) }), el('td', { class: 'num', text: String(base) })))));
}

function sessionsTable(a) {
  return el('table', { id: 'assign-sessions' }, el('caption', { text: t('assign.sessionsCaption') }),
    el('thead', {}, el('tr', {}, ['assign.workshop', 'assign.slot', 'assign.seats'].map((k, i) =>
      el('th', { scope: 'col', class: i ? 'num' : '', text: t(k) })))),
    el('tbody', {}, a.sessions.map((s) => el('tr', {}, el('th', { scope: 'row', text: s.title }),
      el('td', { class: 'num', text: String(s.slot + 1) }),
      el('td', { class: 'num', text: s.capacity === null ? String(s.assigned) : `${s.assigned} / ${s.capacity}` })))));
}

function renderAssignment() {
  const box = $('#assignment');
  const a = state.assignment;
  if (!a) { box.replaceChildren(); return; }
  const series = [{ key: 'optimal', label: t('assign.optimal') }, { key: 'baseline', label: t('assign.firstCome'), kind: 'alt' }];
  const groups = [
    { label: t('assign.firstChoice'), values: { optimal: a.first_choice_share, baseline: a.baseline.first_choice_share } },
    { label: t('assign.top3'), values: { optimal: a.top3_share, baseline: a.baseline.top3_share } },
  ];
  box.replaceChildren(
    el('h3', { text: t(a.dry_run ? 'assign.dryHeading' : 'assign.writtenHeading') }),
    el('p', { text: t('assign.summary', { assigned: a.assigned, participants: a.participants, prefs: a.with_preferences,
      seconds: fmtNumber(a.seconds, 2) }) + (a.optimal ? ` ${t('assign.proven')}` : '') }),
    el('figure', { id: 'assign-chart' }, el('figcaption', { text: t('assign.chartCaption') }), groupedShares(groups, series, fmtPercent)),
    el('div', { class: 'table-wrap' }, figuresTable(a)),
    el('div', { class: 'table-wrap' }, sessionsTable(a)));
}

async function runAssignment(dryRun) {
  const button = dryRun ? $('#assign-dry') : $('#assign-write');
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  $('#assign-status').textContent = t('assign.running');
  try {
    state.assignment = await api(`/events/${state.ctx.event.id}/assignments`, {
      method: 'POST', token: state.ctx.key, body: { method: 'optimal', dry_run: dryRun },
    });
    say($('#assign-error'), '');
    const done = t(dryRun ? 'assign.dryDone' : 'assign.written', { n: state.assignment.assigned });
    $('#assign-status').textContent = done;
    announce(done);
    $('#assign-write').disabled = !dryRun;
  } catch (err) {
    $('#assign-status').textContent = '';
    state.handle(err, $('#assign-error'));
    $('#assign-write').disabled = true;
  } finally {
    button.removeAttribute('aria-busy');
    $('#assign-dry').disabled = false;
  }
  renderAssignment();
}

export function initResults(ctx, handle) {
  state.ctx = ctx;
  state.handle = handle;
  $('#poll-select').addEventListener('change', () => { fillSelects({ resetRule: true }); fetchResults(); });
  $('#rule-select').addEventListener('change', fetchResults);
  $('#results-refresh').addEventListener('click', fetchResults);
  $('#live-refresh').addEventListener('change', schedule);
  $('#assign-dry').addEventListener('click', () => runAssignment(true));
  const dialog = $('#write-dialog');
  $('#assign-write').addEventListener('click', () => dialog.showModal());
  $('#write-cancel').addEventListener('click', () => dialog.close());
  $('#write-confirm').addEventListener('click', () => { dialog.close(); runAssignment(false); });
  schedule();
}
