import { mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeValidIdNumber } from '../../lambdas/domain/id-number.js';
import { setLocale } from '../src/i18n/index.js';
import { endSession, startSession } from '../src/session.js';
import { catalog } from '../src/store.js';
import IntakeView from '../src/views/IntakeView.vue';
import { CATALOG, type Call, fakeApi, fakeToken, settle } from './support.js';

const NOW = new Date('2026-12-04T02:00:00Z');
const VALID_ID = makeValidIdNumber('330681', '19650820', '123');

vi.mock('vue-router', () => ({ RouterLink: { template: '<a><slot /></a>' } }));

/** The form item whose label reads `label`. */
function item(wrapper: VueWrapper, label: string) {
  const found = wrapper
    .findAll('.el-form-item')
    .find((i) => i.find('.el-form-item__label').exists() && i.find('.el-form-item__label').text() === label);
  if (!found) throw new Error(`no field labelled ${label}`);
  return found;
}

const errorOf = (wrapper: VueWrapper, label: string) => {
  const error = item(wrapper, label).find('.el-form-item__error');
  return error.exists() ? error.text() : '';
};

async function type(wrapper: VueWrapper, label: string, value: string) {
  const input = item(wrapper, label).find('input, textarea');
  await input.setValue(value);
  await input.trigger('blur');
}

describe('the intake form', () => {
  let calls: Call[];

  beforeEach(() => {
    setLocale('zh-CN');
    startSession(fakeToken({ sub: 'clerk-1', 'cognito:groups': '[clerk]', 'custom:town': 'demo-town' }));
    catalog.value = CATALOG;
    calls = fakeApi({
      'GET /v1/grids': { status: 200, body: { items: [] } },
      'POST /v1/cases': {
        status: 400,
        body: {
          type: '/problems/validation',
          title: '输入有误',
          status: 400,
          detail: '请求中有 1 处输入有误',
          errors: [{ path: 'petitioners.0.phone', message: '电话号码格式不正确（服务端）' }],
        },
      },
    });
  });

  afterEach(() => {
    endSession();
    vi.unstubAllGlobals();
  });

  it('shows the checks the API makes beside their fields before anything is sent', async () => {
    const wrapper = mount(IntakeView, { props: { now: NOW }, attachTo: document.body });
    await settle();
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(errorOf(wrapper, '问题类别')).toBe('此项必填');
    expect(errorOf(wrapper, '标题')).toBe('此项必填');
    expect(errorOf(wrapper, '主要诉求及事实')).toBe('此项必填');
    expect(errorOf(wrapper, '姓名')).toBe('此项必填');
    expect(wrapper.text()).toContain('请按提示修改标红的内容。');

    await type(wrapper, '身份证号码', VALID_ID.slice(0, 17) + (VALID_ID[17] === '1' ? '2' : '1'));
    await settle();
    expect(errorOf(wrapper, '身份证号码')).toBe('身份证号码校验位不正确，请核对');
    await type(wrapper, '身份证号码', VALID_ID);
    await settle();
    expect(errorOf(wrapper, '身份证号码')).toBe('');

    await type(wrapper, '联系电话', '12345');
    await settle();
    expect(errorOf(wrapper, '联系电话')).toBe('请填写正确的手机号码或固定电话');

    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
    wrapper.unmount();
  });

  it('asks why when the receipt is more than three days back', async () => {
    const wrapper = mount(IntakeView, { props: { now: NOW }, attachTo: document.body });
    await settle();
    expect(wrapper.text()).not.toContain('补录原因');
    (wrapper.vm as unknown as { form: { receivedAt: string } }).form.receivedAt = '2026-11-20T09:00';
    await settle();
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(errorOf(wrapper, '补录原因')).toBe('收到已超过3日，请说明补录原因');
    wrapper.unmount();
  });

  it("sends the body the API's schema names and puts the API's field errors on their inputs", async () => {
    const wrapper = mount(IntakeView, { props: { now: NOW }, attachTo: document.body });
    await settle();
    (wrapper.vm as unknown as { form: { category: string } }).form.category = 'neighbor';
    await type(wrapper, '标题', '邻居建房挡光');
    await type(wrapper, '主要诉求及事实', '东邻新建三层楼房，遮挡采光。');
    await type(wrapper, '姓名', '李桂芳');
    await type(wrapper, '身份证号码', VALID_ID);
    await type(wrapper, '联系电话', '13857512345');
    await wrapper.find('form').trigger('submit');
    await settle();

    const posts = calls.filter((c) => c.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.url.pathname).toBe('/v1/cases');
    expect(posts[0]?.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(posts[0]?.headers.get('Authorization')).toMatch(/^Bearer /);
    expect(posts[0]?.body).toEqual({
      kind: 'petition',
      channel: 'visit',
      type: 'claim',
      category: 'neighbor',
      title: '邻居建房挡光',
      description: '东邻新建三层楼房，遮挡采光。',
      petitioners: [{ name: '李桂芳', idNumber: VALID_ID, phone: '13857512345' }],
      respondent: undefined,
    });
    expect(errorOf(wrapper, '联系电话')).toBe('电话号码格式不正确（服务端）');
    expect(wrapper.text()).toContain('请求中有 1 处输入有误');
    wrapper.unmount();
  });
});
