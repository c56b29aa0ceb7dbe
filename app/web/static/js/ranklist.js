// An ordered choice with buttons: add, move up, move down, remove. Keyboard and screen-reader friendly:
// every action is a real <button>, focus stays on the moved item and the new position is announced.
import { t } from './i18n.js';
import { announce, el } from './ui.js';

export class RankList {
  /**
   * items: [{id, label, hint?}]; selected: ids in order; prefix: unique id prefix; level: the
   * heading level of "your order" / "not chosen"; groups: [{heading, ids, note?}] to show the items
   * not chosen yet in groups under their own headings (e.g. by time slot).
   */
  constructor(container, { items, selected = [], prefix, onChange = () => {}, level = 4, groups = null }) {
    this.container = container;
    this.level = Math.min(Math.max(level, 2), 5);
    this.groups = groups;
    this.items = new Map(items.map((item) => [item.id, item]));
    this.order = selected.filter((id) => this.items.has(id));
    this.prefix = prefix;
    this.onChange = onChange;
    this.disabled = false;
    this.render();
  }

  get value() { return [...this.order]; }

  setDisabled(disabled) { this.disabled = disabled; this.render(); }

  act(action, id) {
    const i = this.order.indexOf(id);
    const label = this.items.get(id).label;
    if (action === 'add') this.order.push(id);
    if (action === 'remove') this.order.splice(i, 1);
    if (action === 'up' && i > 0) [this.order[i - 1], this.order[i]] = [this.order[i], this.order[i - 1]];
    if (action === 'down' && i < this.order.length - 1) [this.order[i + 1], this.order[i]] = [this.order[i], this.order[i + 1]];
    this.render();
    const pos = this.order.indexOf(id);
    if (pos >= 0) {
      announce(t('rank.moved', { item: label, n: pos + 1, total: this.order.length }));
      const wanted = action === 'add' ? 'remove' : action;
      const target = this.button(id, wanted);
      (target && !target.disabled ? target : this.button(id, wanted === 'up' ? 'down' : 'up') || this.button(id, 'remove')).focus();
    } else {
      announce(t('rank.removed', { item: label }));
      this.button(id, 'add')?.focus();
    }
    this.onChange(this.value);
  }

  button(id, action) { return this.container.querySelector(`button[data-id="${id}"][data-action="${action}"]`); }

  makeButton(id, action, text, label, disabled = false) {
    const button = el('button', { type: 'button', class: 'small secondary', 'data-id': String(id), 'data-action': action,
      'aria-label': label, text, disabled: disabled || this.disabled });
    button.addEventListener('click', () => this.act(action, id));
    return button;
  }

  itemLabel(item) {
    return el('span', { class: 'item-label' }, item.label, item.hint ? el('span', { class: 'hint', text: item.hint }) : null);
  }

  render() {
    const rankedId = `${this.prefix}-ranked`;
    const otherId = `${this.prefix}-other`;
    const ranked = el('ol', { class: 'rank-list ranked', 'aria-labelledby': rankedId });
    this.order.forEach((id, i) => {
      const item = this.items.get(id);
      ranked.append(el('li', { 'data-id': String(id) }, this.itemLabel(item), el('span', { class: 'item-buttons' },
        this.makeButton(id, 'up', '↑', t('rank.up', { item: item.label }), i === 0),
        this.makeButton(id, 'down', '↓', t('rank.down', { item: item.label }), i === this.order.length - 1),
        this.makeButton(id, 'remove', t('rank.removeShort'), t('rank.remove', { item: item.label })))));
    });
    const rest = [...this.items.values()].filter((item) => !this.order.includes(item.id));
    const heading = `h${this.level}`;
    this.container.replaceChildren(
      el(heading, { id: rankedId, text: t('rank.yourOrder') }),
      this.order.length ? ranked : el('p', { class: 'muted', text: t('rank.emptyOrder') }),
      el(heading, { id: otherId, text: t('rank.others') }),
      ...(rest.length ? this.renderRest(rest, otherId) : [el('p', { class: 'muted', text: t('rank.noOthers') })]),
    );
  }

  otherList(items, labelledBy) {
    const list = el('ul', { class: 'rank-list', 'aria-labelledby': labelledBy });
    for (const item of items) {
      list.append(el('li', { 'data-id': String(item.id) }, this.itemLabel(item), el('span', { class: 'item-buttons' },
        this.makeButton(item.id, 'add', t('rank.addShort'), t('rank.add', { item: item.label })))));
    }
    return list;
  }

  /** The items not chosen: one list, or a list per group (groups left empty are not shown). */
  renderRest(rest, otherId) {
    if (!this.groups) return [this.otherList(rest, otherId)];
    const left = new Set(rest.map((item) => item.id));
    const out = [];
    this.groups.forEach((group, i) => {
      const items = group.ids.filter((id) => left.has(id)).map((id) => this.items.get(id));
      if (!items.length) return;
      const id = `${this.prefix}-group-${i}`;
      out.push(el('div', { class: 'rank-group', 'data-group': String(i) },
        el(`h${this.level + 1}`, { id, class: 'rank-group-heading', text: group.heading }),
        group.note ? el('p', { class: 'hint', text: group.note }) : null,
        this.otherList(items, id)));
    });
    return out;
  }
}
