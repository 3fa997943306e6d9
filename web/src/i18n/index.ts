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

/** A `{code, zh, en}` label of the API in the current language. */
export function labelOf(label: { zh: string; en: string } | undefined, fallback = ''): string {
  if (!label) return fallback;
  return locale.value === 'en' ? label.en : label.zh;
}
