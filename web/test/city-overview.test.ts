import { mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cityTownLabel, cityTowns } from '../src/city.js';
import { cityBulletinPath } from '../src/domain/city.js';
import { setLocale } from '../src/i18n/index.js';
import { endSession, startSession } from '../src/session.js';
import { catalog } from '../src/store.js';
import CityOverview from '../src/views/CityOverview.vue';
import { type Call, fakeApi, fakeToken, settle } from './support.js';

/** The city's overview (城市总览): its towns by name, their indicators with samples, and a ranking that hides small samples. */

const INDICATORS = [
  'timelyAcknowledgement',
  'onTimeReply',
  'ratingParticipation',
  'satisfaction',
  'resolution',
  'repeat',
  'resolvedInVillage',
  'resolvedInTown',
];

const rate = (numerator: number, denominator: number, shown: boolean) => ({
  numerator,
  denominator,
  rate: shown && denominator > 0 ? numerator / denominator : null,
});

/** 枫桥镇 with 12 cases acknowledged in time out of 12; 东溪镇 with 2 of 3, under the minimum of 5; nothing else. */
function indicatorsOf(town: 'demo-town' | 'town-b') {
  return Object.fromEntries(
    INDICATORS.map((code) => [
      code,
      code !== 'timelyAcknowledgement'
        ? rate(0, 0, false)
        : town === 'demo-town'
          ? rate(12, 12, true)
          : rate(2, 3, false),
    ]),
  );
}

const METRICS = {
  from: '2026-12-01',
  to: '2026-12-04',
  rankingMinimum: 5,
  itemsRead: 40,
  towns: [
    {
      town: 'demo-town',
      name: '枫桥镇',
      totals: { registered: 12, closed: 4, overdue: 1 },
      backlog: { remaining: 2 },
      indicators: indicatorsOf('demo-town'),
    },
    {
      town: 'town-b',
      name: '东溪镇',
      totals: { registered: 3 },
      backlog: { remaining: 0 },
      indicators: indicatorsOf('town-b'),
    },
  ],
  ranking: INDICATORS.map((indicator) => ({
    indicator,
    higherIsBetter: indicator !== 'repeat',
    towns: [
      {
        town: 'demo-town',
        name: '枫桥镇',
        ...indicatorsOf('demo-town')[indicator],
        rank: indicator === 'timelyAcknowledgement' ? 1 : null,
      },
      { town: 'town-b', name: '东溪镇', ...indicatorsOf('town-b')[indicator], rank: null },
    ],
  })),
};

const rowsOf = (wrapper: VueWrapper, table: string) =>
  wrapper
    .findAll(`.${table} .el-table__body-wrapper tr`)
    .map((row) => row.findAll('td').map((cell) => cell.text()));

describe('the city overview', () => {
  let calls: Call[];

  beforeEach(() => {
    setLocale('zh-CN');
    cityTowns.value = [];
    catalog.value = {};
    startSession(
      fakeToken({
        sub: 'city-1',
        'cognito:groups': '[city_supervisor]',
        'custom:towns': '[demo-town town-b]',
      }),
    );
    calls = fakeApi({ 'GET /v1/city/metrics': { status: 200, body: METRICS } });
  });

  afterEach(() => {
    endSession();
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  const open = () =>
    mount(CityOverview, { attachTo: document.body, global: { stubs: { IndicatorChart: true } } });

  it('ranks the town over the minimum and shows the other’s hidden rank as 样本不足, never blank or null', async () => {
    const wrapper = open();
    await settle();
    const ranking = rowsOf(wrapper, 'ranking');
    expect(ranking).toEqual([
      ['第1名', '枫桥镇', '100.0%', '12 / 12'],
      ['样本不足', '东溪镇', '样本不足', '2 / 3'],
    ]);
    expect(wrapper.text()).not.toMatch(/null|undefined|NaN/);
    expect(wrapper.text()).toContain('样本少于5件的比率不参加排名。');
    // the labels of the service's catalogue, since a town's catalogue route refuses the city
    expect(wrapper.text()).toContain('及时受理率');
    const metrics = calls.find((c) => c.url.pathname === '/v1/city/metrics');
    expect(metrics?.url.searchParams.get('from')).toMatch(/^\d{4}-\d{2}-01$/);
  });

  it('lists each town by name with its indicators and samples, a rate with no case as 无样本', async () => {
    const wrapper = open();
    await settle();
    const [fengqiao, dongxi] = rowsOf(wrapper, 'towns');
    expect(fengqiao?.[0]).toBe('枫桥镇');
    expect(fengqiao?.slice(1, 5)).toEqual(['12', '4', '1', '2']);
    expect(fengqiao?.[5]).toBe('100.0%12 / 12');
    expect(dongxi?.[0]).toBe('东溪镇');
    expect(dongxi?.slice(1, 5)).toEqual(['3', '0', '0', '0']);
    expect(dongxi?.[5]).toBe('样本不足2 / 3');
    expect(dongxi?.[6]).toBe('无样本0 / 0');
    expect(cityTowns.value).toEqual([
      { id: 'demo-town', name: '枫桥镇' },
      { id: 'town-b', name: '东溪镇' },
    ]);
  });

  it('says “sample too small” in English', async () => {
    setLocale('en');
    const wrapper = open();
    await settle();
    const ranking = rowsOf(wrapper, 'ranking');
    expect(ranking[0]?.[0]).toBe('No. 1');
    expect(ranking[1]?.slice(0, 3)).toEqual(['sample too small', '东溪镇', 'sample too small']);
    expect(wrapper.text()).toContain('Timely acknowledgement');
  });

  it('opens the bulletins of the week and month under way: the city’s, or a town’s', () => {
    expect(cityBulletinPath('weekly', '2026-12-04')).toBe('/v1/city/reports/weekly/2026-W49');
    expect(cityBulletinPath('monthly', '2026-12-04')).toBe('/v1/city/reports/monthly/2026-12');
    expect(cityBulletinPath('weekly', '2027-01-01', 'town-b')).toBe(
      '/v1/city/towns/town-b/reports/weekly/2026-W53',
    );
    expect(cityBulletinPath('monthly', '2026-12-04', 'demo-town')).toBe(
      '/v1/city/towns/demo-town/reports/monthly/2026-12',
    );
  });
});

describe("a city town's label", () => {
  afterEach(() => {
    cityTowns.value = [];
    setLocale('zh-CN');
  });

  it('is the English name in English when there is one, else the Chinese name, else the id', () => {
    cityTowns.value = [
      { id: 'demo-town', name: '枫桥镇', nameEn: 'Fengqiao Town' },
      { id: 'town-b', name: '东溪镇' },
    ];
    expect(cityTownLabel('demo-town')).toBe('枫桥镇');
    setLocale('en');
    expect(cityTownLabel('demo-town')).toBe('Fengqiao Town');
    expect(cityTownLabel('town-b')).toBe('东溪镇');
    expect(cityTownLabel('town-x')).toBe('town-x');
  });
});
