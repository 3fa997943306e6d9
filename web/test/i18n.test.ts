import { beforeEach, describe, expect, it } from 'vitest';
import { locale, setLocale, t } from '../src/i18n/index.js';

describe('i18n', () => {
  beforeEach(() => setLocale('zh-CN'));

  it('speaks Chinese by default and English once switched, on <html lang> too, and remembers the choice', () => {
    expect(t('app.title')).toBe('信访工作台');
    expect(document.documentElement.lang).toBe('zh-CN');
    setLocale('en');
    expect(locale.value).toBe('en');
    expect(t('app.title')).toBe('Petition workbench');
    expect(document.documentElement.lang).toBe('en');
    expect(localStorage.getItem('fengqiao.locale')).toBe('en');
  });

  it('fills placeholders and leaves unknown ones as they are', () => {
    expect(t('app.configError', { detail: '404' })).toBe('无法读取站点配置：404');
    expect(t('app.configError')).toBe('无法读取站点配置：{detail}');
  });
});
