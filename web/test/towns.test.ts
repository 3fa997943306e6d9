import { mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../src/i18n/index.js';
import { endSession, startSession } from '../src/session.js';
import { catalog, towns } from '../src/store.js';
import CaseDetail from '../src/views/CaseDetail.vue';
import WorkbenchLayout from '../src/views/WorkbenchLayout.vue';
import { CATALOG, type Call, fakeApi, fakeToken, settle } from './support.js';

vi.mock('vue-router', () => ({
  RouterLink: { template: '<a><slot /></a>' },
  RouterView: { template: '<div />' },
  useRoute: () => ({ name: 'cases', fullPath: '/cases' }),
  useRouter: () => ({ push: vi.fn() }),
}));

/** The towns by name as `GET /v1/towns` gives them to a clerk of demo-town. */
const TOWNS = {
  town: { id: 'demo-town', name: '枫桥镇', nameEn: 'Fengqiao Town' },
  towns: [
    { id: 'demo-town', name: '枫桥镇', nameEn: 'Fengqiao Town' },
    { id: 'town-b', name: '乙镇' },
    { id: 'town-c', name: 'town-c' },
  ],
};

const TRANSFERRED = {
  id: 'c9',
  number: 'XF-20261120-0009',
  version: 2,
  kind: 'petition',
  channel: 'visit',
  type: 'claim',
  category: 'neighbor',
  title: '宅基地界址争议',
  description: '与邻村农户的宅基地界址不清。',
  receivedAt: '2026-11-20T01:00:00.000Z',
  petitioners: [{ name: '王建国', idNumber: '330681********5678', phone: '139****1234' }],
  headcount: 1,
  collective: false,
  status: 'transferred',
  firstTime: true,
  deadlines: {},
  registeredBy: { id: 'clerk-1', role: 'clerk' },
  createdAt: '2026-11-20T01:00:00.000Z',
  updatedAt: '2026-11-21T01:00:00.000Z',
  transferredTo: { town: 'town-b', caseId: 'b1', number: 'XF-20261121-0001' },
  elsewhere: [
    {
      town: 'town-b',
      townName: '乙镇',
      relation: 'earlier',
      notice: '该信访人在其他乡镇（乙镇）另有同一事项的信访件，登记早于本件',
    },
    { town: 'town-c', relation: 'later', notice: '该信访人此后在其他乡镇另有同一事项的信访件' },
  ],
};

describe('the towns by name', () => {
  let calls: Call[];

  beforeEach(() => {
    setLocale('zh-CN');
    towns.value = undefined;
    startSession(fakeToken({ sub: 'clerk-1', 'cognito:groups': '[clerk]', 'custom:town': 'demo-town' }));
    catalog.value = {
      ...CATALOG,
      statuses: [...CATALOG.statuses, { code: 'transferred', zh: '已转送', en: 'Transferred' }],
    };
    calls = fakeApi({
      'GET /v1/catalog': { status: 200, body: catalog.value },
      'GET /v1/staff': { status: 200, body: { items: [{ userId: 'clerk-1', name: '张敏' }] } },
      'GET /v1/towns': { status: 200, body: TOWNS },
      'GET /v1/cases/c9': { status: 200, body: TRANSFERRED, headers: { ETag: '"2"' } },
      'GET /v1/cases/c9/timeline': { status: 200, body: { valid: true, items: [] } },
      'GET /v1/cases/c9/attachments': { status: 200, body: { items: [] } },
    });
  });

  afterEach(() => {
    endSession();
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('names the town in the top bar by its name, in English when switched, never by its id', async () => {
    const wrapper = mount(WorkbenchLayout, { attachTo: document.body });
    await settle();
    expect(calls.some((c) => c.url.pathname === '/v1/towns')).toBe(true);
    const bar = () => wrapper.find('.who').text();
    expect(bar()).toContain('乡镇：枫桥镇');
    expect(bar()).not.toContain('demo-town');
    setLocale('en');
    await settle();
    expect(bar()).toContain('Fengqiao Town');
    wrapper.unmount();
  });

  it('shows the id while the names cannot be read', async () => {
    fakeApi({ 'GET /v1/towns': { status: 500, body: { title: '服务暂不可用', status: 500 } } });
    const wrapper = mount(WorkbenchLayout, { attachTo: document.body });
    await settle();
    expect(wrapper.find('.who').text()).toContain('乡镇：demo-town');
    wrapper.unmount();
  });

  it('names the town a case went to and the towns of its repeats on the case page', async () => {
    const wrapper = mount(CaseDetail, { props: { id: 'c9' }, attachTo: document.body });
    await settle();
    const text = wrapper.text();
    expect(text).toContain('已转送至');
    expect(wrapper.find('.linked-case').text()).toBe('乙镇（编号 XF-20261121-0001）');
    expect(text).toContain('其他乡镇的同一事项');
    expect(text).toContain('登记早于本件');
    // the notice that named no town is followed by the town's name now
    expect(text).toContain('另有同一事项的信访件（town-c）');
    expect(text).not.toContain('（乙镇）（乙镇）');
    wrapper.unmount();
  });

  it('names the town a case came from, in English', async () => {
    setLocale('en');
    const { transferredTo: _to, elsewhere: _e, ...rest } = TRANSFERRED;
    fakeApi({
      'GET /v1/towns': { status: 200, body: TOWNS },
      'GET /v1/cases/c9': {
        status: 200,
        body: {
          ...rest,
          status: 'registered',
          transferredFrom: { town: 'demo-town', caseId: 'a1', number: 'XF-1' },
        },
      },
      'GET /v1/cases/c9/timeline': { status: 200, body: { valid: true, items: [] } },
      'GET /v1/cases/c9/attachments': { status: 200, body: { items: [] } },
    });
    const wrapper = mount(CaseDetail, { props: { id: 'c9' }, attachTo: document.body });
    await settle();
    expect(wrapper.text()).toContain('Transferred from');
    expect(wrapper.find('.linked-case').text()).toBe('Fengqiao Town (number XF-1)');
    wrapper.unmount();
  });
});
