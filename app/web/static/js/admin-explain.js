// Organizer console: why a rule chose its winners. Whether the winners give proportional representation
// (EJR, PJR: `properties`), and with `explain=true` the rule's rounds: for the Method of Equal Shares
// each voter's budget, the topic bought in each round, its price per supporter and who paid how much.
import { t } from './i18n.js';
import { scrollRegion } from './admin-setup.js';
import { el, fmtNumber, plural } from './ui.js';

const num = (x) => fmtNumber(x, 3);

function verdict(value) {
  if (value === true) return el('span', { class: 'badge ok', text: t('explain.yes') });
  if (value === false) return el('span', { class: 'badge err', text: t('explain.no') });
  return el('span', { class: 'badge warn', text: t('explain.unknown') });
}

function violation(v, names) {
  if (!v) return null;
  return el('p', { class: 'hint', text: t('explain.violation', { n: v.group_size, ell: v.ell,
    topics: v.topic_ids.map((id) => names.get(id)).join(', ') }) });
}

/** EJR and PJR of the winners, always part of the results. */
export function propertiesBlock(r, names) {
  const p = r.properties;
  if (!p) return null;
  return el('div', { id: 'results-properties' },
    el('h3', { text: t('explain.propertiesHeading') }),
    el('ul', { class: 'plain' },
      el('li', {}, el('strong', { text: `${t('explain.ejr')}: ` }), verdict(p.ejr), violation(p.ejr_violation, names)),
      el('li', {}, el('strong', { text: `${t('explain.pjr')}: ` }), verdict(p.pjr), violation(p.pjr_violation, names))),
    el('p', { class: 'hint', text: t(r.ballot === 'ranked' ? 'explain.rankedAsApproval' : 'explain.propertiesHelp') }));
}

function payments(round) {
  if (!round.payments.length) return '–';
  return round.payments.map((g) => plural('explain.paid', g.count).replace('{amount}', num(g.amount))).join('; ');
}

function roundValue(round, method) {
  if (method === 'equal_shares' || round.price !== null) return round.price === null ? '–' : num(round.price);
  const own = round.scores.find((s) => s.topic_id === round.topic_id);
  return own ? num(own.value) : '–';
}

function roundsTable(ex, names) {
  const priced = ex.rounds.some((x) => x.price !== null);
  const withPayments = ex.rounds.some((x) => x.payments.length);
  const head = ['explain.colRound', 'explain.colStep', 'explain.colTopic', priced ? 'explain.colPrice' : 'explain.colScore'];
  if (withPayments) head.push('explain.colPayments');
  return el('table', { id: 'explain-rounds' }, el('caption', { text: t('explain.roundsCaption') }),
    el('thead', {}, el('tr', {}, head.map((k, i) => el('th', { scope: 'col', class: i === 0 || i === 3 ? 'num' : '', text: t(k) })))),
    el('tbody', {}, ex.rounds.map((x) => el('tr', {},
      el('td', { class: 'num', text: String(x.round) }), el('td', { text: t(`explain.phase.${x.phase}`) }),
      el('th', { scope: 'row' }, names.get(x.topic_id) || String(x.topic_id),
        x.tied.length > 1 ? el('span', { class: 'hint', text: t('explain.tied', { topics: x.tied.filter((id) => id !== x.topic_id).map((id) => names.get(id)).join(', ') }) }) : null),
      el('td', { class: 'num', text: roundValue(x, ex.method) }),
      withPayments ? el('td', { text: payments(x) }) : null))));
}

function whyNot(b, names, winners) {
  let why;
  if (b.affordable) why = t('explain.notBought.affordable', { price: num(b.price) });
  else if (b.supporters === 0) why = t('explain.notBought.nobody');
  else why = t('explain.notBought.poor', { n: b.supporters, budget: num(b.supporters_budget), cost: num(b.cost) });
  const completed = winners.includes(b.topic_id) ? ` ${t('explain.notBought.completed')}` : '';
  return el('li', {}, el('strong', { text: `${names.get(b.topic_id)}: ` }), why + completed);
}

function totalsTable(ex, names) {
  return el('table', { id: 'explain-totals' }, el('caption', { text: t('explain.totalsCaption') }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('explain.colTopic') }), el('th', { scope: 'col', class: 'num', text: t('explain.colScore') }))),
    el('tbody', {}, [...ex.totals].sort((a, b) => b.value - a.value).map((x) => el('tr', {},
      el('th', { scope: 'row', text: names.get(x.topic_id) }), el('td', { class: 'num', text: num(x.value) })))));
}

/** The rule's explanation (results fetched with `explain=true`). */
export function explanationBlock(r, names) {
  const ex = r.explanation;
  if (!ex) return null;
  const parts = [el('h3', { id: 'explain-heading', text: t('explain.heading', { rule: t(`rule.${r.rule}`) }) })];
  if (!ex.rounds.length && !ex.totals) parts.push(el('p', { class: 'muted', text: t('explain.nothing') }));
  if (ex.budget) {
    parts.push(el('p', { id: 'explain-budget', text: t('explain.budget', { voters: ex.budget.voters, per: num(ex.budget.per_voter),
      total: num(ex.budget.total), seats: r.seats }) }));
  }
  if (ex.method === 'equal_shares') parts.push(el('p', { class: 'hint', text: t('explain.equalSharesHelp') }));
  if (ex.rounds.length) parts.push(scrollRegion(t('explain.roundsCaption'), roundsTable(ex, names), 'explain-rounds-wrap'));
  if (ex.not_bought.length) {
    parts.push(el('h4', { text: t('explain.notBoughtHeading') }),
      el('ul', { id: 'explain-not-bought' }, ex.not_bought.map((b) => whyNot(b, names, r.winners))));
  }
  if (ex.totals && !ex.rounds.length) parts.push(scrollRegion(t('explain.totalsCaption'), totalsTable(ex, names), 'explain-totals-wrap'));
  if (ex.method !== 'equal_shares' && ex.rounds.length) parts.push(el('p', { class: 'hint', text: t('explain.sequentialHelp') }));
  return el('div', { id: 'results-explanation' }, parts);
}
