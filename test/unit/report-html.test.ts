import { describe, expect, it } from 'vitest';
import { indicators, type Totals } from '../../lambdas/domain/indicators.js';
import { handOffFigures, mediationFigures } from '../../lambdas/domain/mediation-figures.js';
import {
  bulletinHeading,
  type CaseList,
  type DailyReport,
  type Metrics,
  type MonthlyReport,
  type PageContext,
  townNames,
  type WeeklyReport,
} from '../../lambdas/domain/report.js';
import { renderMetricsHtml, renderReportHtml } from '../../lambdas/http/report-html.js';

/** The printed bulletins and the metrics page, from reports made by hand: what each page must say, in both languages. */

const CONTEXT: PageContext = {
  profile: { townName: '枫桥镇', issuingOffice: '枫桥镇信访办公室', townNameEn: 'Fengqiao' },
  staffNames: new Map([
    ['leader-1', '王书记'],
    ['handler-1', '李调解'],
  ]),
  rankingMinimum: 5,
};

// a week of 12 cases due for reply: enough to rank; satisfaction over 2 ratings is not
const BUSY: Totals = {
  registered: 12,
  ackOnTime: 9,
  ackMissed: 1,
  replyOnTime: 10,
  replyMissed: 2,
  replied: 12,
  resolved: 9,
  ratedSatisfied: 1,
  ratedDissatisfied: 1,
  repeat: 3,
};
const QUIET: Totals = { registered: 2, replyOnTime: 1, replyMissed: 1, replied: 2 };

const cases = (responsible?: string): CaseList => ({
  total: 1,
  items: [
    {
      id: 'case-1',
      number: 'XF-20261130-0001',
      kind: 'petition',
      status: 'accepted',
      firstTime: true,
      deadline: { kind: 'reply', due: '2027-01-31T16:00:00.000Z' },
      late: false,
      ...(responsible ? { responsible } : {}),
    },
  ],
});

const village = (name: string, totals: Totals) => ({
  gridId: `grid-${name}`,
  name,
  indicators: indicators(totals),
  previous: indicators({}),
  change: Object.fromEntries(Object.keys(indicators({})).map((k) => [k, null])) as WeeklyReport['change'],
});

const weekly = (overrides: Partial<WeeklyReport> = {}): WeeklyReport => ({
  kind: 'weekly',
  period: '2026-W49',
  from: '2026-11-30',
  to: '2026-12-06',
  // Thursday 3 December, 14:05 in Beijing: the week is not over
  generatedAt: '2026-12-03T06:05:00.000Z',
  itemsRead: 321,
  totals: BUSY,
  indicators: indicators(BUSY),
  previous: { period: '2026-W48', from: '2026-11-23', to: '2026-11-29', indicators: indicators(QUIET) },
  change: {
    ...(Object.fromEntries(Object.keys(indicators({})).map((k) => [k, null])) as WeeklyReport['change']),
    onTimeReply: 0.1,
    repeat: 0.05,
  },
  byVillage: [village('东村', BUSY), village('西村', QUIET), village('南村', BUSY)],
  overdue: cases('handler-1'),
  atRisk: { total: 0, items: [] },
  leaderOwned: [{ leaderId: 'leader-1', items: cases('leader-1').items, more: false }],
  ...overrides,
});

const daily = (totals: Totals, generatedAt = '2026-12-03T10:00:00.000Z'): DailyReport => ({
  kind: 'daily',
  period: '2026-12-03',
  from: '2026-12-03',
  to: '2026-12-03',
  generatedAt,
  itemsRead: 9,
  totals,
  indicators: indicators(totals),
  newCases: {
    total: totals.registered ?? 0,
    byGrid: [
      { gridId: 'g-1', name: '东村', level: 'village', registered: 1, petitions: 1, disputes: 0 },
      { gridId: 'g-2', name: '西村', level: 'village', registered: 1, petitions: 0, disputes: 1 },
    ],
    byChannel: [
      { channel: 'visit', count: 1 },
      { channel: 'phone', count: 1 },
    ],
  },
  patrolCoverage: { coverage: { numerator: 1, denominator: 2, rate: 0.5 }, unpatrolled: [] },
  firstTimeAtRisk: cases('someone-not-in-the-directory'),
});

const monthly = (): MonthlyReport => ({
  kind: 'monthly',
  period: '2026-11',
  from: '2026-11-01',
  to: '2026-11-30',
  generatedAt: '2026-12-01T01:00:00.000Z',
  storedAt: '2026-12-01T01:00:05.000Z',
  itemsRead: 40,
  totals: BUSY,
  indicators: indicators(BUSY),
  repeatPetitions: 3,
  overdue: cases('handler-1'),
  backlog: { total: 0, items: [] },
});

describe('a bulletin’s title', () => {
  it('is the town’s official title with the period, in Chinese and in English', () => {
    expect(bulletinHeading(weekly(), '某镇', 'zh')).toEqual({
      title: '某镇信访工作周通报',
      subtitle: '2026年第49周（11月30日—12月6日）',
    });
    expect(bulletinHeading(weekly(), 'Fengqiao', 'en')).toEqual({
      title: 'Weekly Petition Work Bulletin, Fengqiao',
      subtitle: '2026, week 49 (30 Nov – 6 Dec)',
    });
    expect(bulletinHeading(daily({}), '某镇', 'zh')).toEqual({
      title: '某镇信访工作日报',
      subtitle: '2026年12月3日',
    });
    expect(bulletinHeading(monthly(), '某镇', 'zh').subtitle).toBe('2026年11月');
    // a week across the new year names both years
    const lastWeek = { kind: 'weekly', period: '2026-W53', from: '2026-12-28', to: '2027-01-03' } as const;
    expect(bulletinHeading(lastWeek, '某镇', 'zh').subtitle).toBe(
      '2026年第53周（2026年12月28日—2027年1月3日）',
    );
  });

  it('takes the English names when set, the Chinese ones when not, and the defaults when nothing is', () => {
    expect(townNames(CONTEXT.profile, 'en')).toEqual({ town: 'Fengqiao', office: '枫桥镇信访办公室' });
    expect(townNames({ townName: '本镇', issuingOffice: '本镇信访办公室' }, 'en')).toEqual({
      town: 'Town',
      office: 'Town Petition Office',
    });
  });
});

describe('the weekly bulletin page', () => {
  const zh = renderReportHtml(weekly(), CONTEXT, 'zh');
  const en = renderReportHtml(weekly(), CONTEXT, 'en');

  it('has the title, issue number, town, office, issue date and opening counts', () => {
    expect(zh).toMatch(/^<!doctype html><html lang="zh-CN">/);
    expect(zh).toContain('<h1>枫桥镇信访工作周通报</h1>');
    expect(zh).toContain('2026年第49周（11月30日—12月6日）');
    expect(zh).toContain('第49期');
    expect(zh).toContain('<span>枫桥镇信访办公室</span><span>2026年12月3日</span>');
    expect(zh).toContain('本期新登记 12 件、告知受理 10 件、办结 12 件、超期 3 件。');
    expect(en).toMatch(/^<!doctype html><html lang="en">/);
    expect(en).toContain('<h1>Weekly Petition Work Bulletin, Fengqiao</h1>');
    expect(en).toContain('No. 49');
    expect(en).toContain(
      'In this period: 12 new cases registered, 10 acknowledged, 12 replied to, 3 deadlines missed.',
    );
  });

  it('has one banner, one main region and one footer, the landmarks a screen reader moves by', () => {
    for (const page of [zh, en]) {
      expect(page.match(/<header>/g)).toHaveLength(1);
      expect(page.match(/<main>/g)).toHaveLength(1);
      expect(page.match(/<footer>/g)).toHaveLength(1);
      expect(page.indexOf('</header><main>')).toBeGreaterThan(0);
      expect(page.indexOf('</main><footer>')).toBeGreaterThan(page.indexOf('<main>'));
    }
  });

  it('says the figures run only to now in a week not over', () => {
    expect(zh).toContain('统计截至 12月3日 14:05');
    expect(en).toContain('figures up to 3 Dec, 14:05');
    const over = renderReportHtml(weekly({ generatedAt: '2026-12-07T01:00:00.000Z' }), CONTEXT, 'zh');
    expect(over).not.toContain('截至');
  });

  it('names leaders and staff from the directory, never by id, and says 否 rather than leaving a blank', () => {
    expect(zh).toContain('包案领导：王书记');
    expect(zh).toContain('<td>李调解</td>');
    expect(en).toContain('Leader: 王书记');
    expect(zh).not.toMatch(/leader-1|handler-1/);
    expect(zh).toContain('<td>否</td>');
    expect(zh).not.toContain('<td></td>');
    expect(en).toContain('<td>No</td>');
  });

  it('reads a deadline as its last Beijing day', () => {
    expect(zh).toContain('<td>2027年1月31日</td>');
    expect(en).toContain('<th>Last day (Beijing time)</th>');
    expect(en).toContain('<td>31 Jan 2027</td>');
  });

  it('has no developer footer', () => {
    for (const page of [zh, en]) {
      expect(page).not.toMatch(/读取|条记录|items read|321/i);
    }
  });

  it('ranks only the villages with samples large enough, and says so of the others in words', () => {
    const chart = zh.slice(zh.indexOf('按期办结率</figcaption>'));
    expect(chart).toContain('东村');
    expect(zh).toContain('西村：按期办结样本不足 5 件，不作排名。');
    const quiet = weekly({ byVillage: [village('西村', QUIET)] });
    const page = renderReportHtml(quiet, CONTEXT, 'zh');
    expect(page).toContain('样本不足 5 件，不作排名。');
    expect(page).not.toContain('按期办结率</figcaption>');
  });

  it('leaves out of the chart an indicator over a small sample, and colours by which way is better', () => {
    // satisfaction rests on two ratings: in the table, not among the bars
    const bars = zh.slice(zh.indexOf('本周各项指标</figcaption>'), zh.indexOf('</figure>'));
    expect(bars).toContain('按期办结率');
    expect(bars).not.toContain('群众满意率');
    expect(zh).toContain('以下指标样本不足 5 件，不作图：');
    expect(zh).toContain('图例：绿色柱表示该项指标越高越好，红色柱表示越低越好。');
    // the repeat rate is better low: its bar is red, a higher on-time rate is better (green), a higher repeat rate worse
    expect(bars).toMatch(/重复信访率<\/text><rect [^>]*fill="#b3261e"/);
    expect(bars).toMatch(/按期办结率<\/text><rect [^>]*fill="#1b7f3b"/);
    expect(zh).toContain('<span style="color:#1b7f3b">+10.0 个百分点（向好）</span>');
    expect(zh).toContain('<span style="color:#b3261e">+5.0 个百分点（变差）</span>');
    expect(en).toContain('+10.0 points (better)');
  });

  it('draws no chart at all when every sample is small', () => {
    const quiet = weekly({ totals: QUIET, indicators: indicators(QUIET), byVillage: [] });
    const page = renderReportHtml(quiet, CONTEXT, 'zh');
    expect(page).not.toContain('<svg');
    expect(page).toContain('各项指标样本均不足 5 件，不作图。');
  });
});

describe('the daily and monthly pages', () => {
  it('draws no chart of two new cases, and names a staff member the directory does not know as such', () => {
    const page = renderReportHtml(daily({ registered: 2 }), CONTEXT, 'zh');
    expect(page).toContain('<h1>枫桥镇信访工作日报</h1>');
    expect(page).toContain('第337期');
    expect(page).not.toContain('<svg');
    expect(page).toContain('样本不足 5 件，不作排名。');
    expect(page).toContain('（未登记姓名）');
    expect(page).not.toContain('someone-not-in-the-directory');
    expect(page).toContain('统计截至 12月3日 18:00');
  });

  it('draws the chart by grid once the day has enough cases', () => {
    const page = renderReportHtml(daily({ registered: 6 }), CONTEXT, 'en');
    expect(page).toContain('<figcaption>New cases by grid</figcaption>');
    expect(page).toContain('<h1>Daily Petition Work Report, Fengqiao</h1>');
  });

  it('dates a stored month by its storing, with no 截至 for a month that is over', () => {
    const page = renderReportHtml(monthly(), CONTEXT, 'zh');
    expect(page).toContain('<h1>枫桥镇信访工作月报</h1>');
    expect(page).toContain('2026年11月');
    expect(page).toContain('第11期');
    expect(page).toContain('2026年12月1日印发');
    expect(page).not.toContain('截至');
    expect(page).toContain('本月重复信访 3 件。');
  });
});

describe('the metrics page', () => {
  const metrics: Metrics = {
    from: '2026-11-01',
    to: '2026-12-03',
    totals: BUSY,
    indicators: indicators(BUSY),
    backlog: { openAtStart: 4, entered: 1, resolved: 2, otherwiseConcluded: 0, remaining: 3 },
    meetings: 2,
    meetingsByChair: [{ chairId: 'leader-1', name: '王书记', held: 2 }],
    decisions: {
      open: 3,
      overdue: 1,
      byOwner: [{ ownerId: 'handler-1', name: '赵调解', open: 3, overdue: 1 }],
    },
    reception: { receptions: 3, batches: 5, personTimes: 21, settledOnTheSpot: 2 },
    mediation: mediationFigures(
      {
        ...BUSY,
        mediationsConcluded: 5,
        agreements: 4,
        agreementsVillage: 3,
        callbackOnTime: 2,
        callbackMissed: 1,
        performed: 2,
      },
      [],
    ),
    handOffs: handOffFigures({ handOffs: 3, handOffOnTime: 1, handOffMissed: 1 }),
    byGrid: [
      {
        gridId: 'g-1',
        name: '东村',
        level: 'village',
        indicators: { ...indicators(QUIET), onTimeReply: { numerator: 1, denominator: 2, rate: null } },
      },
    ],
    itemsRead: 17,
  };

  it('lists the indicators with their samples, the backlog and the grids, in both languages', () => {
    const zh = renderMetricsHtml(metrics, CONTEXT, 'zh', new Date('2026-12-03T06:05:00Z'));
    expect(zh).toContain('<h1>枫桥镇信访工作主要指标</h1>');
    expect(zh).toContain('2026年11月1日—12月3日');
    expect(zh).toContain('<td>按期办结率</td><td>83.3%（10/12）</td>');
    expect(zh).toContain('<th>期初积案</th>');
    expect(zh).toContain('<td>样本不足（1/2）</td>');
    expect(zh).toContain('统计截至 12月3日 14:05');
    expect(zh).not.toMatch(/items read|读取|17 条/);
    const en = renderMetricsHtml(metrics, CONTEXT, 'en', new Date('2026-12-03T06:05:00Z'));
    expect(en).toContain('<h1>Petition Work Indicators, Fengqiao</h1>');
    expect(en).toContain('<td>On-time completion rate</td><td>83.3% (10/12)</td>');
    expect(en).toContain('<td>sample too small (1/2)</td>');
  });

  it('shows mediation’s success and performance rates with their samples, and the hand-offs', () => {
    const zh = renderMetricsHtml(metrics, CONTEXT, 'zh', new Date('2026-12-03T06:05:00Z'));
    expect(zh).toContain('<h2>人民调解与五位一体分流</h2>');
    expect(zh).toContain(
      '<tr><td>5</td><td>4</td><td>80.0%（4/5）</td><td>3</td><td>3</td><td>2</td><td>66.7%（2/3）</td></tr>',
    );
    expect(zh).toContain('<tr><td>3</td><td>1</td><td>1</td><td>1</td></tr>');
    const en = renderMetricsHtml(metrics, CONTEXT, 'en', new Date('2026-12-03T06:05:00Z'));
    expect(en).toContain('<th>Success rate</th>');
    expect(en).toContain('<td>80.0% (4/5)</td>');
  });

  it('shows the meetings held and the decisions open and overdue', () => {
    const zh = renderMetricsHtml(metrics, CONTEXT, 'zh', new Date('2026-12-03T06:05:00Z'));
    expect(zh).toContain('<h2>联席会议与会商</h2>');
    expect(zh).toContain('<tr><td>2</td><td>3</td><td>1</td></tr>');
    expect(zh).toContain('<tr><td>赵调解</td><td>3</td><td>1</td></tr>');
    const en = renderMetricsHtml(metrics, CONTEXT, 'en', new Date('2026-12-03T06:05:00Z'));
    expect(en).toContain('<th>Decisions open (the town’s, now)</th>');
  });
});
