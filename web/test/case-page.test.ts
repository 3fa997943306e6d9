import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../src/i18n/index.js';
import { endSession, startSession } from '../src/session.js';
import { catalog } from '../src/store.js';
import CaseDetail from '../src/views/CaseDetail.vue';
import { CATALOG, type Call, fakeApi, fakeToken, settle } from './support.js';

vi.mock('vue-router', () => ({ RouterLink: { template: '<a><slot /></a>' } }));

const REPLIED = {
  id: 'c1',
  number: 'XF-20261120-0002',
  version: 3,
  kind: 'petition',
  channel: 'visit',
  type: 'claim',
  category: 'neighbor',
  title: '邻居建房挡光',
  description: '东邻新建三层楼房。',
  receivedAt: '2026-11-20T01:00:00.000Z',
  petitioners: [{ name: '李桂芳', idNumber: '330681********1234', phone: '138****2345' }],
  headcount: 1,
  collective: false,
  status: 'replied',
  firstTime: true,
  assignee: 'handler-1',
  deadlines: { acknowledgeBy: '2026-12-05T16:00:00.000Z', reviewRequestBy: '2027-01-03T16:00:00.000Z' },
  nextDeadline: { kind: 'review_request', at: '2027-01-03T16:00:00.000Z', lastDay: '2027-01-03' },
  registeredBy: { id: 'clerk-1', role: 'clerk' },
  createdAt: '2026-11-20T01:00:00.000Z',
  updatedAt: '2026-12-01T01:00:00.000Z',
};

const EVENTS = [
  {
    seq: 1,
    at: '2026-11-20T01:00:00.000Z',
    actor: { id: 'clerk-1', role: 'clerk' },
    action: 'register',
    prevHash: '0',
    hash: 'a',
  },
  {
    seq: 2,
    at: '2026-11-21T01:00:00.000Z',
    actor: { id: 'clerk-1', role: 'clerk' },
    action: 'accept',
    fromStatus: 'registered',
    toStatus: 'accepted',
    prevHash: 'a',
    hash: 'b',
  },
];

describe('the case page', () => {
  let calls: Call[];

  beforeEach(() => {
    setLocale('zh-CN');
    startSession(fakeToken({ sub: 'clerk-1', 'cognito:groups': '[clerk]', 'custom:town': 'demo-town' }));
    catalog.value = {
      ...CATALOG,
      statuses: [
        ...CATALOG.statuses,
        { code: 'replied', zh: '已答复', en: 'Replied' },
        { code: 'closed', zh: '已办结', en: 'Closed' },
      ],
    };
    calls = fakeApi({
      'GET /v1/cases/c1': { status: 200, body: REPLIED, headers: { ETag: '"3"' } },
      'GET /v1/cases/c1/timeline': { status: 200, body: { valid: true, items: EVENTS } },
      'GET /v1/cases/c1/attachments': { status: 200, body: { items: [] } },
      'POST /v1/cases/c1/close': {
        status: 200,
        body: { ...REPLIED, status: 'closed', version: 4, nextDeadline: undefined },
        headers: { ETag: '"4"' },
      },
    });
  });

  afterEach(() => {
    endSession();
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('shows the case masked, its verified timeline, and the commands this user may give in its status', async () => {
    const wrapper = mount(CaseDetail, { props: { id: 'c1' }, attachTo: document.body });
    await settle();
    expect(wrapper.find('h1').text()).toBe('XF-20261120-0002 邻居建房挡光');
    expect(wrapper.text()).toContain('330681********1234');
    expect(wrapper.text()).toContain('申请复查复核截止：2027年1月3日');
    expect(wrapper.text()).toContain('记录链校验通过');
    expect(wrapper.text()).toContain('已登记 → 已受理');
    const commands = wrapper.findAll('.commands button').map((b) => b.text());
    expect(commands).toEqual(['认定初信初访或重复信访', '评价', '申请复查复核', '办结', '撤回']);
    expect(
      calls.find((c) => c.url.pathname === '/v1/cases/c1/timeline')?.url.searchParams.get('verify'),
    ).toBe('true');
    wrapper.unmount();
  });

  it('gives a command with the If-Match of the version it read, then shows the case it answers', async () => {
    const wrapper = mount(CaseDetail, { props: { id: 'c1' }, attachTo: document.body });
    await settle();
    await wrapper
      .findAll('.commands button')
      .find((b) => b.text() === '办结')
      ?.trigger('click');
    await settle();
    const confirm = [...document.body.querySelectorAll<HTMLButtonElement>('.el-dialog button')].find(
      (b) => b.textContent?.trim() === '确定',
    );
    expect(confirm).toBeDefined();
    confirm?.click();
    await flushPromises();
    await settle();
    const close = calls.find((c) => c.method === 'POST' && c.url.pathname === '/v1/cases/c1/close');
    expect(close?.headers.get('If-Match')).toBe('"3"');
    expect(close?.body).toEqual({});
    expect(wrapper.text()).toContain('已办结');
    expect(wrapper.text()).toContain('当前状态下您没有可办理的操作。');
    wrapper.unmount();
  });
});
