import { mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../src/i18n/index.js';
import TrackApp from '../src/track/TrackApp.vue';
import { type Call, fakeApi, settle } from './support.js';

const TRACKED = {
  number: 'XF-20261128-0003',
  status: 'accepted',
  statusLabel: '已受理',
  milestones: [
    {
      milestone: 'register',
      at: '2026-11-28T01:30:00.000Z',
      zh: '已登记',
      en: 'Registered',
      label: '已登记',
    },
    { milestone: 'accept', at: '2026-11-30T06:00:00.000Z', zh: '已受理', en: 'Accepted', label: '已受理' },
  ],
  nextDeadline: {
    kind: 'reply',
    at: '2027-01-28T16:00:00.000Z',
    lastDay: '2027-01-28',
    label: '答复期限',
    lastDayText: '2027年1月28日',
  },
};

const ROSTER = {
  items: [
    {
      date: '2026-12-08',
      period: 'morning',
      place: '镇人民来访接待中心',
      kind: 'window',
      leader: { name: '赵志强', title: '镇党委副书记' },
    },
  ],
};

describe('the citizen tracking page', () => {
  let calls: Call[];

  beforeEach(() => {
    setLocale('zh-CN');
    calls = fakeApi({
      'GET /v1/public/track/7KQ2-M9XD-4HTB': ({ headers }) => ({
        status: 200,
        body:
          headers.get('Accept-Language') === 'en'
            ? {
                ...TRACKED,
                statusLabel: 'Accepted',
                milestones: TRACKED.milestones.map((m) => ({ ...m, label: m.en })),
              }
            : TRACKED,
      }),
      'GET /v1/public/reception/roster': { status: 200, body: ROSTER },
    });
  });

  afterEach(() => vi.unstubAllGlobals());

  it('shows a tracked case: its number, status, dated milestones and the deadline that concerns the citizen', async () => {
    const wrapper = mount(TrackApp, { attachTo: document.body });
    await settle();
    expect(wrapper.find('h1').text()).toBe('信访事项办理进度查询');
    expect(wrapper.find('label[for="query-code"]').text()).toBe('查询码');
    await wrapper.find('#query-code').setValue('7kq2-m9xd-4htb');
    await wrapper.find('form').trigger('submit');
    await settle();
    const result = wrapper.find('.result');
    expect(result.find('h2').text()).toBe('事项编号：XF-20261128-0003');
    expect(result.text()).toContain('办理状态：已受理');
    expect(result.text()).toContain('答复期限：2027年1月28日前（北京时间）');
    const milestones = result.findAll('.milestones li').map((li) => li.text());
    expect(milestones).toEqual(['2026-11-28 09:30已登记', '2026-11-30 14:00已受理']);
    expect(wrapper.text()).toContain('赵志强（镇党委副书记）');
    expect(wrapper.text()).toContain('2026年12月8日 上午');
    const track = calls.find((c) => c.url.pathname.startsWith('/v1/public/track/'));
    expect(track?.headers.get('Authorization')).toBeNull();
    wrapper.unmount();
  });

  it('says so when no case has the code, and checks the code’s form before asking', async () => {
    const wrapper = mount(TrackApp, { attachTo: document.body });
    await settle();
    await wrapper.find('#query-code').setValue('1234');
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(wrapper.find('#query-code-error').text()).toBe('查询码应为12位字母和数字，请核对。');
    expect(wrapper.find('#query-code').attributes('aria-invalid')).toBe('true');
    expect(calls.filter((c) => c.url.pathname.startsWith('/v1/public/track/'))).toHaveLength(0);

    await wrapper.find('#query-code').setValue('ZZZZ-ZZZZ-ZZZZ');
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(calls.filter((c) => c.url.pathname.startsWith('/v1/public/track/'))).toHaveLength(1);
    expect(wrapper.find('[role="alert"]').text()).toBe('未找到该查询码对应的事项，请核对后重试。');
    expect(wrapper.find('.result').exists()).toBe(false);
    wrapper.unmount();
  });

  it('switches to English, on <html lang> too, and asks the API in English', async () => {
    const wrapper = mount(TrackApp, { attachTo: document.body });
    await settle();
    await wrapper.find('#query-code').setValue('7KQ2-M9XD-4HTB');
    await wrapper.find('form').trigger('submit');
    await settle();
    await wrapper.find('button.lang').trigger('click');
    await settle();
    expect(document.documentElement.lang).toBe('en');
    expect(wrapper.find('h1').text()).toBe('Track your petition');
    expect(wrapper.find('.result').text()).toContain('Status: Accepted');
    expect(wrapper.text()).toContain('8 Dec 2026 Morning');
    expect(localStorage.getItem('fengqiao.locale')).toBe('en');
    wrapper.unmount();
  });
});
