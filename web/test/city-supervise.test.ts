import { mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { components } from '../src/api.js';
import SuperviseForm from '../src/components/SuperviseForm.vue';
import { actionLabel, roleLabel } from '../src/domain/labels.js';
import { setLocale } from '../src/i18n/index.js';
import { endSession, startSession } from '../src/session.js';
import { type Call, fakeApi, fakeToken, settle } from './support.js';

/** The city's 督办 form: its own check of the note, the API's field errors in place, a key per submission. */

const PATH = 'POST /v1/city/towns/demo-town/cases/c1/supervise';

function item(wrapper: VueWrapper, label: string) {
  const found = wrapper.findAll('.el-form-item').find((i) => i.find('.el-form-item__label').text() === label);
  if (!found) throw new Error(`no field labelled ${label}`);
  return found;
}

const errorOf = (wrapper: VueWrapper, label: string) => {
  const error = item(wrapper, label).find('.el-form-item__error');
  return error.exists() ? error.text() : '';
};

const open = () =>
  mount(SuperviseForm, { props: { town: 'demo-town', caseId: 'c1', etag: '"3"' }, attachTo: document.body });

async function send(wrapper: VueWrapper): Promise<void> {
  await wrapper.find('form').trigger('submit');
  await settle();
}

const SUPERVISED = {
  case: { id: 'c1', number: 'XF-20261120-0001', version: 3, town: 'demo-town' },
  supervision: { at: '2026-12-04T02:00:00.000Z', by: 'city-1', note: '请加快办理', seq: 5 },
  notified: 1,
} as unknown as components['schemas']['CitySupervision'];

describe('the city supervision form (督办)', () => {
  let calls: Call[];

  beforeEach(() => {
    setLocale('zh-CN');
    startSession(
      fakeToken({
        sub: 'city-1',
        'cognito:groups': '[city_supervisor]',
        'custom:towns': '[demo-town town-b]',
      }),
    );
  });

  afterEach(() => {
    endSession();
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('asks for the note in place and sends nothing without one', async () => {
    calls = fakeApi({ [PATH]: { status: 201, body: SUPERVISED } });
    const wrapper = open();
    await send(wrapper);
    expect(errorOf(wrapper, '督办意见')).toBe('此项必填');
    expect(calls).toEqual([]);
  });

  it('shows the API’s field errors on the fields they name, and the problem’s detail', async () => {
    calls = fakeApi({
      [PATH]: {
        status: 400,
        body: {
          type: '/problems/validation',
          title: '输入有误',
          status: 400,
          detail: '请求中有 2 处输入有误',
          errors: [
            { path: 'dueDate', message: '日期不能早于今天' },
            { path: 'note', message: '不能超过 1000 个字符' },
          ],
        },
      },
    });
    const wrapper = open();
    await item(wrapper, '督办意见').find('textarea').setValue('请于本周内答复信访人');
    await send(wrapper);
    expect(errorOf(wrapper, '报告期限')).toBe('日期不能早于今天');
    expect(errorOf(wrapper, '督办意见')).toBe('不能超过 1000 个字符');
    expect(wrapper.find('.el-alert').text()).toContain('请求中有 2 处输入有误');
    expect(wrapper.emitted('done')).toBeUndefined();
    const sent = calls.find((c) => c.method === 'POST');
    expect(sent?.body).toEqual({ note: '请于本周内答复信访人' });
    expect(sent?.headers.get('If-Match')).toBe('"3"');
    expect(sent?.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('says in English what the API refused, in its words', async () => {
    setLocale('en');
    calls = fakeApi({
      [PATH]: {
        status: 409,
        body: {
          type: '/problems/wrong-status',
          title: 'Conflict',
          status: 409,
          detail: 'The case is closed',
        },
      },
    });
    const wrapper = open();
    expect(item(wrapper, 'Supervision note').exists()).toBe(true);
    await item(wrapper, 'Supervision note').find('textarea').setValue('Report this week');
    await send(wrapper);
    expect(wrapper.find('.el-alert').text()).toContain('The case is closed');
    expect(calls[0]?.headers.get('Accept-Language')).toBe('en');
  });

  it('gives each submission a key of its own and tells the page what was done', async () => {
    calls = fakeApi({
      [PATH]: () =>
        calls.filter((c) => c.method === 'POST').length === 1
          ? {
              status: 400,
              body: { title: '输入有误', status: 400, errors: [{ path: 'note', message: '意见有误' }] },
            }
          : { status: 201, body: SUPERVISED, headers: { ETag: '"3"' } },
    });
    const wrapper = open();
    await item(wrapper, '督办意见').find('textarea').setValue('请加快办理');
    await send(wrapper);
    expect(errorOf(wrapper, '督办意见')).toBe('意见有误');
    await send(wrapper);
    const [first, second] = calls.filter((c) => c.method === 'POST');
    expect(first?.headers.get('Idempotency-Key')).not.toBe(second?.headers.get('Idempotency-Key'));
    expect(wrapper.emitted('done')?.[0]).toEqual([SUPERVISED, '"3"']);
    expect(errorOf(wrapper, '督办意见')).toBe('');
    expect((item(wrapper, '督办意见').find('textarea').element as HTMLTextAreaElement).value).toBe('');
  });

  it('is named on a town’s timeline by what it is and who gave it, not as another’s act', () => {
    expect(actionLabel('city-supervision')).toBe('上级督办');
    expect(roleLabel('city_supervisor')).toBe('市/县信访局');
    setLocale('en');
    expect(actionLabel('city-supervision')).toBe('Supervised by the city');
    expect(roleLabel('city_supervisor')).toBe('City petition bureau');
  });
});
