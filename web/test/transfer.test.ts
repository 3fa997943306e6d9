import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { components } from '../src/api.js';
import CommandDialog from '../src/components/CommandDialog.vue';
import { COMMAND_FORMS, commandBody, missingFields } from '../src/domain/command-forms.js';
import { setLocale } from '../src/i18n/index.js';
import { endSession, startSession } from '../src/session.js';
import { catalog, towns } from '../src/store.js';
import { CATALOG, type Call, fakeApi, fakeToken, settle } from './support.js';

/** The transfer form (转送): to a body outside the deployment (toUnit) or to another of its towns (toTown). */

const TOWNS = {
  town: { id: 'demo-town', name: '枫桥镇', nameEn: 'Fengqiao Town' },
  towns: [
    { id: 'demo-town', name: '枫桥镇', nameEn: 'Fengqiao Town' },
    { id: 'town-b', name: '乙镇', nameEn: 'Yi Town' },
    { id: 'town-c', name: 'town-c' },
  ],
};

const REGISTERED: components['schemas']['Case'] = {
  id: 'c1',
  number: 'XF-20261120-0001',
  version: 1,
  kind: 'petition',
  channel: 'visit',
  type: 'claim',
  category: 'neighbor',
  title: '宅基地界址争议',
  description: '与邻镇农户的宅基地界址不清。',
  receivedAt: '2026-11-20T01:00:00.000Z',
  petitioners: [{ name: '王建国' }],
  headcount: 1,
  collective: false,
  status: 'registered',
  firstTime: true,
  deadlines: { acknowledgeBy: '2026-12-05T16:00:00.000Z' },
  registeredBy: { id: 'clerk-1', role: 'clerk' },
  createdAt: '2026-11-20T01:00:00.000Z',
  updatedAt: '2026-11-20T01:00:00.000Z',
};

const TRANSFERRED: components['schemas']['Case'] = {
  ...REGISTERED,
  version: 2,
  status: 'transferred',
  transferredTo: { town: 'town-b', caseId: 'b1', number: 'XF-20261121-0001' },
};

const inDialog = () => document.body.querySelector('.el-dialog') as HTMLElement;
const button = (text: string) =>
  [...inDialog().querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent?.trim() === text);
const radio = (text: string) =>
  [...inDialog().querySelectorAll<HTMLLabelElement>('label.el-radio')].find(
    (l) => l.textContent?.trim() === text,
  );
const itemError = (label: string) =>
  [...inDialog().querySelectorAll('.el-form-item')]
    .find((item) => item.querySelector('.el-form-item__label')?.textContent?.trim() === label)
    ?.querySelector('.el-form-item__error')
    ?.textContent?.trim();

async function chooseTown(name: string): Promise<void> {
  inDialog().querySelector<HTMLElement>('.el-select__wrapper')?.click();
  await settle();
  const option = [...document.body.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].find(
    (item) => item.textContent?.trim() === name,
  );
  expect(option, `the town ${name} is offered`).toBeDefined();
  option?.click();
  await settle();
}

describe('the transfer form', () => {
  let calls: Call[];

  beforeEach(() => {
    setLocale('zh-CN');
    towns.value = undefined;
    startSession(fakeToken({ sub: 'clerk-1', 'cognito:groups': '[clerk]', 'custom:town': 'demo-town' }));
    catalog.value = CATALOG;
  });

  afterEach(() => {
    endSession();
    vi.unstubAllGlobals();
    // Element Plus keeps the container its selects' lists teleport to: leave it, for the next test's selects
    for (const node of [...document.body.children])
      if (!node.id.startsWith('el-popper-container')) node.remove();
  });

  const open = () =>
    mount(CommandDialog, {
      props: { command: 'transfer', view: REGISTERED, etag: '"1"' },
      attachTo: document.body,
    });

  it('sends toUnit for a body outside the town, as before', async () => {
    calls = fakeApi({
      'GET /v1/towns': { status: 200, body: TOWNS },
      'POST /v1/cases/c1/transfer': {
        status: 200,
        body: { ...REGISTERED, status: 'transferred', version: 2 },
      },
    });
    const wrapper = open();
    await settle();
    expect(radio('本镇以外的单位')?.classList.contains('is-checked')).toBe(true);
    const unit = inDialog().querySelector<HTMLInputElement>('input[type="text"], input:not([type])');
    expect(unit).not.toBeNull();
    if (unit) {
      unit.value = '县自然资源局';
      unit.dispatchEvent(new Event('input'));
    }
    button('确定')?.click();
    await flushPromises();
    await settle();
    const sent = calls.find((c) => c.method === 'POST');
    expect(sent?.body).toEqual({ toUnit: '县自然资源局' });
    expect(sent?.headers.get('If-Match')).toBe('"1"');
    expect(wrapper.emitted('done')).toHaveLength(1);
    wrapper.unmount();
  });

  it('offers the other towns of the deployment by name and sends toTown', async () => {
    calls = fakeApi({
      'GET /v1/towns': { status: 200, body: TOWNS },
      'POST /v1/cases/c1/transfer': { status: 200, body: TRANSFERRED, headers: { ETag: '"2"' } },
    });
    const wrapper = open();
    await settle();
    radio('本市其他乡镇')?.click();
    await settle();
    // the unit's field is gone, the town's asked for
    expect(itemError('转送单位')).toBeUndefined();
    expect(inDialog().textContent).toContain('接收乡镇');
    expect(inDialog().textContent).not.toContain('转送单位');
    button('确定')?.click();
    await settle();
    expect(itemError('接收乡镇')).toBe('此项必填');
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
    await chooseTown('乙镇');
    const offered = [...document.body.querySelectorAll('.el-select-dropdown__item')].map((i) =>
      i.textContent?.trim(),
    );
    expect(offered).toEqual(['乙镇', 'town-c']);
    button('确定')?.click();
    await flushPromises();
    await settle();
    const sent = calls.find((c) => c.method === 'POST');
    expect(sent?.body).toEqual({ toTown: 'town-b' });
    expect(wrapper.emitted('done')?.[0]).toEqual([TRANSFERRED, '"2"']);
    wrapper.unmount();
  });

  it('shows the API’s refusal naming toTown on the town’s field', async () => {
    calls = fakeApi({
      'GET /v1/towns': { status: 200, body: TOWNS },
      'POST /v1/cases/c1/transfer': {
        status: 400,
        body: {
          type: '/problems/validation',
          title: '请求内容有误',
          status: 400,
          detail: '请求内容有误，请核对标出的字段。',
          errors: [{ path: 'toTown', message: '本系统不服务该乡镇' }],
        },
      },
    });
    const wrapper = open();
    await settle();
    radio('本市其他乡镇')?.click();
    await settle();
    await chooseTown('town-c');
    button('确定')?.click();
    await flushPromises();
    await settle();
    expect(itemError('接收乡镇')).toBe('本系统不服务该乡镇');
    expect(inDialog().querySelector('.el-alert')?.textContent).toContain('请核对标出的字段');
    expect(wrapper.emitted('done')).toBeUndefined();
    wrapper.unmount();
  });

  it('cannot choose another town when the deployment serves none', async () => {
    fakeApi({ 'GET /v1/towns': { status: 200, body: { town: TOWNS.town, towns: [TOWNS.town] } } });
    const wrapper = open();
    await settle();
    const town = radio('本市其他乡镇');
    expect(town?.classList.contains('is-disabled')).toBe(true);
    wrapper.unmount();
  });

  it('in English, names the choices and the towns in English', async () => {
    setLocale('en');
    fakeApi({ 'GET /v1/towns': { status: 200, body: TOWNS } });
    const wrapper = open();
    await settle();
    radio('Another town of the city')?.click();
    await settle();
    inDialog().querySelector<HTMLElement>('.el-select__wrapper')?.click();
    await settle();
    const offered = [...document.body.querySelectorAll('.el-select-dropdown__item')].map((i) =>
      i.textContent?.trim(),
    );
    expect(offered).toEqual(['Yi Town', 'town-c']);
    wrapper.unmount();
  });
});

describe('the transfer form’s fields', () => {
  const fields = COMMAND_FORMS.transfer;

  it('sends only the destination chosen, never the choice itself', () => {
    expect(
      commandBody(fields, { destination: 'town', toUnit: '县信访局', toTown: 'town-b', note: '' }),
    ).toEqual({
      toTown: 'town-b',
    });
    expect(commandBody(fields, { destination: 'unit', toUnit: ' 县信访局 ', toTown: 'town-b' })).toEqual({
      toUnit: '县信访局',
    });
  });

  it('asks for the field of the destination chosen only', () => {
    expect(missingFields(fields, { destination: 'unit' })).toEqual(['toUnit']);
    expect(missingFields(fields, { destination: 'town' })).toEqual(['toTown']);
    expect(missingFields(fields, { destination: 'town', toTown: 'town-b' })).toEqual([]);
  });
});
