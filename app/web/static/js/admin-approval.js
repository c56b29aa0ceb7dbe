// Organizer console: approving registrations (events with `requires_approval`, set in the event's form,
// admin-setup.js): approve or reject one person, or approve the selected ones at once.
import { api } from './api.js';
import { notify } from './admin-console.js';
import { t } from './i18n.js';
import { $, el, say } from './ui.js';

const state = { ctx: null, handle: null, reload: null, selected: new Set() };

const fullName = (reg) => `${reg.first_name} ${reg.last_name}`;

/** Whether the registrations table gets the selection and decision columns. */
export function hasPending(page) { return Boolean(page?.items.some((r) => r.status === 'pending')); }

export function selectCell(reg) {
  if (reg.status !== 'pending') return el('td', {});
  const box = el('input', { type: 'checkbox', class: 'select-reg', value: String(reg.id), checked: state.selected.has(reg.id),
    'aria-label': t('approve.select', { name: fullName(reg) }) });
  box.addEventListener('change', () => {
    if (box.checked) state.selected.add(reg.id);
    else state.selected.delete(reg.id);
    renderBar();
  });
  return el('td', {}, box);
}

export function decisionCell(reg) {
  if (reg.status !== 'pending') return el('td', {});
  const approve = el('button', { type: 'button', class: 'small', text: t('approve.button'),
    'aria-label': t('approve.oneLabel', { name: fullName(reg) }) });
  const reject = el('button', { type: 'button', class: 'small secondary', text: t('approve.reject'),
    'aria-label': t('approve.rejectLabel', { name: fullName(reg) }) });
  approve.addEventListener('click', () => decide([reg], 'approve'));
  reject.addEventListener('click', () => decide([reg], 'reject'));
  return el('td', {}, el('div', { class: 'item-buttons' }, approve, reject));
}

/** After the table is drawn: forget selections no longer on the page, show the bulk button. */
export function renderBar() {
  const page = state.ctx.page;
  const pending = new Set((page?.items || []).filter((r) => r.status === 'pending').map((r) => r.id));
  for (const id of [...state.selected]) if (!pending.has(id)) state.selected.delete(id);
  $('#approve-bar').hidden = !pending.size;
  const button = $('#approve-selected');
  button.disabled = !state.selected.size;
  button.textContent = state.selected.size ? t('approve.selected', { n: state.selected.size }) : t('approve.selectedNone');
}

async function decide(regs, action, bulk = false) {
  const { ctx } = state;
  const box = $('#approve-error');
  say(box, '');
  try {
    if (action === 'reject') await api(`/registrations/${regs[0].id}/reject`, { method: 'POST', token: ctx.key });
    else if (!bulk) await api(`/registrations/${regs[0].id}/approve`, { method: 'POST', token: ctx.key });
    else {
      await api(`/events/${ctx.event.id}/registrations/approve`, {
        method: 'POST', token: ctx.key, body: { registration_ids: regs.map((r) => r.id) },
      });
    }
    for (const r of regs) state.selected.delete(r.id);
    const message = action === 'reject' ? t('approve.rejected', { name: fullName(regs[0]) })
      : !bulk ? t('approve.approved', { name: fullName(regs[0]) }) : t('approve.approvedMany', { n: regs.length });
    await state.reload();
    $('#approve-status').textContent = message;
    notify(message);
    ($('#regs-table .select-reg') || $('#regs-heading')).focus();
  } catch (err) {
    state.handle(err, box);
  }
}

export function initApproval(ctx, handle, reload) {
  Object.assign(state, { ctx, handle, reload });
  $('#approve-selected').addEventListener('click', () => {
    const regs = (ctx.page?.items || []).filter((r) => state.selected.has(r.id));
    if (regs.length) decide(regs, 'approve', true);
  });
}
