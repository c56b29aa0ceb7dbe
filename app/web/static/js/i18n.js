// Tiny i18n: Polish and English. The choice is remembered in localStorage;
// the default follows navigator.language. Elements opt in with data-i18n="key"
// (text) and data-i18n-attr="attribute:key,attribute:key".
import { EN } from './messages-en.js';
import { PL } from './messages-pl.js';

const DICTS = { pl: PL, en: EN };
const STORE_KEY = 'seminar.lang';
const listeners = [];

function initialLang() {
  try {
    const saved = localStorage.getItem(STORE_KEY);
    if (saved && DICTS[saved]) return saved;
  } catch { /* storage blocked: fall through */ }
  const nav = (navigator.languages && navigator.languages[0]) || navigator.language || 'en';
  return nav.toLowerCase().startsWith('pl') ? 'pl' : 'en';
}

let lang = initialLang();

export function currentLang() { return lang; }

/** The text for `key` in the current language, with {name} placeholders filled from `vars`. */
export function t(key, vars = {}) {
  const text = DICTS[lang][key] ?? EN[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** Whether `key` has a text (used to translate known problem types, else show the server's). */
export function has(key) { return key in DICTS[lang] || key in EN; }

export function applyI18n(root = document) {
  document.documentElement.lang = lang;
  root.querySelectorAll('[data-i18n]').forEach((node) => { node.textContent = t(node.dataset.i18n); });
  root.querySelectorAll('[data-i18n-attr]').forEach((node) => {
    for (const pair of node.dataset.i18nAttr.split(',')) {
      const [attr, key] = pair.split(':').map((s) => s.trim());
      node.setAttribute(attr, t(key));
    }
  });
}

export function onLangChange(fn) { listeners.push(fn); }

export function setLang(next) {
  if (!DICTS[next] || next === lang) return;
  lang = next;
  try { localStorage.setItem(STORE_KEY, next); } catch { /* private mode */ }
  applyI18n();
  listeners.forEach((fn) => fn(lang));
}

/** Wire the header's language switch: one button naming the other language. */
export function initLangSwitch() {
  const button = document.getElementById('lang-switch');
  if (!button) return;
  const label = () => {
    const other = lang === 'pl' ? 'en' : 'pl';
    button.textContent = other === 'pl' ? 'Polski' : 'English';
    button.lang = other;
    button.setAttribute('aria-label', other === 'pl' ? 'Zmień język na polski' : 'Switch language to English');
  };
  button.addEventListener('click', () => { setLang(lang === 'pl' ? 'en' : 'pl'); label(); });
  label();
}
