import { ref } from 'vue';
import { en } from './en.js';
import { type MessageKey, zh } from './zh.js';

export type Locale = 'zh-CN' | 'en';
export type { MessageKey };

const STORAGE_KEY = 'fengqiao.locale';
const dictionaries: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zh, en };

function storedLocale(): Locale {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

/** The page's language: zh-CN unless the user chose English (kept in localStorage). */
export const locale = ref<Locale>(storedLocale());

function applyLang(value: Locale): void {
  if (typeof document !== 'undefined') document.documentElement.lang = value;
}
applyLang(locale.value);

export function setLocale(value: Locale): void {
  locale.value = value;
  applyLang(value);
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, value);
  } catch {
    // private mode: the choice lasts for this page only
  }
}

/** The text of a key in the current language, `{name}` placeholders filled in. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = dictionaries[locale.value][key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** An aside in brackets, as each language writes it: （镇党委副书记）, or (Deputy secretary). */
export function aside(text: string): string {
  return locale.value === 'en' ? ` (${text})` : `（${text}）`;
}

/** A list of names, as each language writes it: 窗口受理员、信访办, or Window clerk, Petition office. */
export function listOf(items: string[]): string {
  return items.join(locale.value === 'en' ? ', ' : '、');
}

/** A `{code, zh, en}` label of the API in the current language. */
export function labelOf(label: { zh: string; en: string } | undefined, fallback = ''): string {
  if (!label) return fallback;
  return locale.value === 'en' ? label.en : label.zh;
}
