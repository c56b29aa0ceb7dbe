// Organizer console, people place: deciding about registrations. Approve or reject one pending person
// (events with `requires_approval`, set in the event's form, admin-setup.js), or select several and approve
// them or move them to the waiting list at once (POST /events/{id}/registrations/bulk: one transaction, an
// answer per person; whom the action did not fit is said).
import { api } from './api.js';
import { notify } from './admin-console.js';
import { confirmAction } from './confirm.js';
import { t } from './i18n.js';
import { $, el, say } from './ui.js';

const state = { ctx: null, handle: null, reload: null, selected: new Set() };
const SELECTABLE = new Set(['pending', 'confirmed']);

const fullName = (reg) => `${reg.first_name} ${reg.last_name}`;

/** Whether the registrations table gets the decision column. */
export function hasPending(page) { return Boolean(page?.items.some((r) => r.status === 'pending')); }

/** Whether the table gets the selection column (someone to approve or to move to the waiting list). */
export function hasSelectable(page) { return Boolean(page?.items.some((r) => SELECTABLE.has(r.status))); }

export function selectCell(reg) {
  if (!SELECTABLE.has(reg.status)) return el('td', {});
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

const chosen = (status) => (state.ctx.page?.items || []).filter((r) => state.selected.has(r.id) && r.status === status);

/** After the table is drawn: forget selections no longer on the page, show the bulk buttons. */
export function renderBar() {
  const page = state.ctx.page;
  const selectable = new Set((page?.items || []).filter((r) => SELECTABLE.has(r.status)).map((r) => r.id));
  for (const id of [...state.selected]) if (!selectable.has(id)) state.selected.delete(id);
  $('#approve-bar').hidden = !selectable.size;
  const pending = chosen('pending').length;
  const confirmed = chosen('confirmed').length;
  const approve = $('#approve-selected');
  approve.hidden = !hasPending(page);
  approve.disabled = !pending;
  approve.textContent = pending ? t('approve.selected', { n: pending }) : t('approve.selectedNone');
  const waitlist = $('#waitlist-selected');
  waitlist.disabled = !confirmed;
  waitlist.textContent = confirmed ? t('bulk.waitlistSelected', { n: confirmed }) : t('bulk.waitlistNone');
}

function saidOf(action, out, regs, bulk) {
  if (action === 'waitlist') return t('bulk.waitlisted', { n: out.done });
  if (action === 'reject') return t('approve.rejected', { name: fullName(regs[0]) });
  return bulk ? t('approve.approvedMany', { n: out.done }) : t('approve.approved', { name: fullName(regs[0]) });
}

/** One person's buttons or the selected ones (`bulk`): one request either way, in one transaction. */
async function decide(regs, action, bulk = false) {
  const { ctx } = state;
  const box = $('#approve-error');
  say(box, '');
  try {
    const out = await api(`/events/${ctx.event.id}/registrations/bulk`, {
      method: 'POST', token: ctx.key, body: { action, registration_ids: regs.map((r) => r.id) } });
    for (const r of regs) state.selected.delete(r.id);
    const skipped = out.items.filter((i) => !i.done).length;
    const message = saidOf(action, out, regs, bulk) + (skipped ? ` ${t('bulk.skipped', { n: skipped })}` : '');
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
    const regs = chosen('pending');
    if (regs.length) decide(regs, 'approve', true);
  });
  $('#waitlist-selected').addEventListener('click', async (event) => {
    const regs = chosen('confirmed');
    if (!regs.length) return;
    const ok = await confirmAction({ heading: t('bulk.waitlistHeading'), text: t('bulk.waitlistText', { n: regs.length }),
      confirm: t('bulk.waitlistConfirm'), opener: event.currentTarget });
    if (ok) decide(regs, 'waitlist', true);
  });
}
