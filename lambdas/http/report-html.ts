import { beijingDateTime } from '../domain/beijing-time.js';
import { CHANNELS, catalog, labelOf, STATUSES } from '../domain/catalog.js';
import { NO_GRID } from '../domain/counters.js';
import { beijingDate } from '../domain/deadlines.js';
import type { GridLevel } from '../domain/grid.js';
import { HIGHER_IS_BETTER, INDICATOR_LABELS, type Indicator, type Indicators } from '../domain/indicators.js';
import { lastBeijingDay } from '../domain/last-day.js';
import { MEETING_KIND_LABELS } from '../domain/meeting.js';
import {
  bulletinHeading,
  type CaseList,
  type DailyReport,
  dateText,
  fullTitle,
  INDICATOR_NAMES,
  type IndicatorName,
  issueNumber,
  type Metrics,
  type MonthlyReport,
  openingCounts,
  type PageContext,
  periodOngoing,
  type Report,
  rangeText,
  townNames,
  type WeeklyReport,
} from '../domain/report.js';
import type { YearlyReport } from '../domain/yearly.js';
import { escapeHtml } from './html.js';

/**
 * Bulletins and metrics as printable pages, in zh-CN or English: inline SVG bar charts, no script and no external
 * asset, A4 when printed. Every value that reaches the page is escaped. Staff appear by the name the staff directory
 * gives them; petitioners not at all.
 */

type PageLanguage = 'zh' | 'en';

export const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  // the page needs nothing but its own inline styles
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
};

type Words = Record<PageLanguage, string>;
const w = (zh: string, en: string): Words => ({ zh, en });

const LEVEL_LABELS: Record<GridLevel, Words> = {
  comprehensive: w('综合网格', 'Comprehensive grid'),
  village: w('村级网格', 'Village grid'),
  unit: w('网格单元', 'Grid unit'),
};
const DEADLINE_LABELS = {
  acknowledge: w('告知受理', 'Acknowledgement'),
  reply: w('答复', 'Reply'),
  review: w('复查复核答复', 'Review answer'),
} as const;
const KIND_LABELS = { petition: w('信访', 'Petition'), dispute: w('矛盾纠纷', 'Dispute') } as const;
const YES = w('是', 'Yes');
const NO = w('否', 'No');
const NONE = w('无', 'None');

const GOOD = '#1b7f3b';
const BAD = '#b3261e';

/** The words of one page, in its language. */
class Page {
  constructor(
    readonly language: PageLanguage,
    readonly context: PageContext,
  ) {}

  t(words: Words): string {
    return words[this.language];
  }

  /** zh or en, with the values already in. */
  say(zh: string, en: string): string {
    return this.language === 'zh' ? zh : en;
  }

  indicator(name: IndicatorName): string {
    return INDICATOR_LABELS[name][this.language];
  }

  status(code: string): string {
    return labelOf(STATUSES, code, this.language);
  }

  channel(code: string): string {
    return labelOf(CHANNELS, code, this.language);
  }

  level(level: GridLevel | undefined): string {
    return level ? this.t(LEVEL_LABELS[level]) : this.t(NONE);
  }

  /** A staff member by name; one the directory does not know is said to be so, never shown by id. */
  person(userId: string | undefined): string {
    if (!userId) return this.say('未指定', 'not assigned');
    return this.context.staffNames.get(userId) ?? this.say('（未登记姓名）', '(not in the staff directory)');
  }

  yesNo(value: boolean): string {
    return this.t(value ? YES : NO);
  }

  /** `12月3日 14:05`, or `3 Dec, 14:05`. */
  moment(iso: string): string {
    const [day, time] = beijingDateTime(iso).split(' ') as [string, string];
    return `${dateText(day, this.language, false)}${this.say(' ', ', ')}${time}`;
  }

  /** A rate always with its sample; a rate hidden for a small sample says so. */
  rate(value: Indicator): string {
    const sample = `${value.numerator}/${value.denominator}`;
    if (value.denominator === 0) return this.say('无样本', 'no cases');
    if (value.rate === null) return this.say(`样本不足（${sample}）`, `sample too small (${sample})`);
    return `${(value.rate * 100).toFixed(1)}%${this.say(`（${sample}）`, ` (${sample})`)}`;
  }

  /** A change of rate, coloured and named by whether it is for the better. */
  change(name: IndicatorName, change: number | null): string {
    if (change === null) return escapeHtml(this.say('无可比数据', 'not comparable'));
    const points = Math.abs(change * 100).toFixed(1);
    if (points === '0.0') return escapeHtml(this.say('持平', 'unchanged'));
    const better = change > 0 === HIGHER_IS_BETTER[name];
    const text = `${change > 0 ? '+' : '−'}${points}${this.say(' 个百分点', ' points')}${this.say(
      better ? '（向好）' : '（变差）',
      better ? ' (better)' : ' (worse)',
    )}`;
    return `<span style="color:${better ? GOOD : BAD}">${escapeHtml(text)}</span>`;
  }

  smallSample(): string {
    const min = this.context.rankingMinimum;
    return this.say(`样本不足 ${min} 件，不作排名。`, `Fewer than ${min} cases: not ranked.`);
  }
}

interface Bar {
  label: string;
  value: number;
  text: string;
  colour: string;
}

function barChart(
  title: string,
  bars: readonly Bar[],
  max = Math.max(0, ...bars.map((b) => b.value)),
): string {
  const labelWidth = 170;
  const barWidth = 340;
  const row = 22;
  const width = labelWidth + barWidth + 160;
  const height = bars.length * row + 6;
  const rows = bars.map((bar, i) => {
    const y = 3 + i * row;
    const length = max > 0 ? Math.round((bar.value / max) * barWidth) : 0;
    return (
      `<text x="${labelWidth - 6}" y="${y + 15}" text-anchor="end">${escapeHtml(bar.label)}</text>` +
      `<rect x="${labelWidth}" y="${y + 4}" width="${length}" height="${row - 8}" fill="${bar.colour}"/>` +
      `<text x="${labelWidth + length + 6}" y="${y + 15}">${escapeHtml(bar.text)}</text>`
    );
  });
  return (
    `<figure><figcaption>${escapeHtml(title)}</figcaption>` +
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(title)}" ` +
    `viewBox="0 0 ${width} ${height}" width="100%" font-size="11">${rows.join('')}</svg></figure>`
  );
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

const note = (text: string) => `<p class="note">${escapeHtml(text)}</p>`;

/** Bars for the rates over samples large enough; the others are named in words. */
function indicatorChart(page: Page, title: string, values: Indicators): string {
  const min = page.context.rankingMinimum;
  const charted = INDICATOR_NAMES.filter(
    (name) => values[name].rate !== null && values[name].denominator >= min,
  );
  const left = INDICATOR_NAMES.filter((name) => !charted.includes(name)).map((name) => page.indicator(name));
  if (charted.length === 0)
    return note(
      page.say(
        `各项指标样本均不足 ${min} 件，不作图。`,
        `Every indicator has fewer than ${min} cases: no chart.`,
      ),
    );
  const bars = charted.map((name) => ({
    label: page.indicator(name),
    value: values[name].rate ?? 0,
    text: page.rate(values[name]),
    colour: HIGHER_IS_BETTER[name] ? GOOD : BAD,
  }));
  return (
    barChart(title, bars, 1) +
    note(
      page.say(
        '图例：绿色柱表示该项指标越高越好，红色柱表示越低越好。',
        'Legend: a green bar is an indicator where higher is better, a red bar one where lower is better.',
      ),
    ) +
    (left.length
      ? note(
          page.say(
            `以下指标样本不足 ${min} 件，不作图：${left.join('、')}。`,
            `Not charted, fewer than ${min} cases: ${left.join(', ')}.`,
          ),
        )
      : '')
  );
}

function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((cells) => `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** A table whose cells are already markup (escaped where they hold values). */
function markupTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const none = (page: Page) => `<p class="empty">${escapeHtml(page.t(NONE))}</p>`;

function caseTable(page: Page, title: string, list: CaseList): string {
  const shown =
    list.items.length < list.total
      ? page.say(`，列出前 ${list.items.length} 件`, `; the first ${list.items.length} listed`)
      : '';
  const rows = list.items.map((c) => [
    c.number,
    page.t(KIND_LABELS[c.kind]),
    page.status(c.status),
    page.yesNo(c.firstTime),
    c.deadline ? page.t(DEADLINE_LABELS[c.deadline.kind]) : page.t(NONE),
    c.deadline ? dateText(lastBeijingDay(c.deadline.due), page.language) : page.t(NONE),
    page.yesNo(c.late),
    page.person(c.responsible),
  ]);
  const headers = page.say(
    '案件编号|类型|状态|初信初访|期限|期限最后一日|已超期|责任人',
    'Case number|Kind|Status|First-time|Deadline|Last day (Beijing time)|Overdue|Responsible',
  );
  return (
    `<section><h2>${escapeHtml(title)}</h2>` +
    `<p>${escapeHtml(page.say(`共 ${list.total} 件${shown}。`, `${list.total} in all${shown}.`))}</p>` +
    (rows.length ? table(headers.split('|'), rows) : none(page)) +
    '</section>'
  );
}

function daily(page: Page, report: DailyReport): string {
  const min = page.context.rankingMinimum;
  const gridName = (g: { gridId: string; name?: string | undefined }) =>
    g.gridId === NO_GRID
      ? page.say('未划入网格', 'No grid')
      : (g.name ?? page.say('（已删除的网格）', '(grid removed)'));
  const { newCases, patrolCoverage } = report;
  const enough = newCases.total >= min;
  return [
    `<section><h2>${escapeHtml(page.say(`当日新登记 ${newCases.total} 件`, `${newCases.total} new cases registered`))}</h2>`,
    enough && newCases.byGrid.length > 1
      ? barChart(
          page.say('各网格新登记件数', 'New cases by grid'),
          newCases.byGrid.map((g) => ({
            label: gridName(g),
            value: g.registered,
            text: String(g.registered),
            colour: '#3d6fb0',
          })),
        )
      : newCases.total > 0
        ? note(page.smallSample())
        : '',
    newCases.byGrid.length
      ? table(
          page.say('网格|层级|新登记|信访|矛盾纠纷', 'Grid|Level|New|Petitions|Disputes').split('|'),
          newCases.byGrid.map((g) => [
            gridName(g),
            page.level(g.level),
            g.registered,
            g.petitions,
            g.disputes,
          ]),
        )
      : none(page),
    `<h3>${escapeHtml(page.say('按来源渠道', 'By channel'))}</h3>`,
    table(
      newCases.byChannel.map((c) => page.channel(c.channel)),
      [newCases.byChannel.map((c) => c.count)],
    ),
    '</section>',
    `<section><h2>${escapeHtml(page.say('网格巡查覆盖率：', 'Patrol coverage: '))}${escapeHtml(page.rate(patrolCoverage.coverage))}</h2>`,
    patrolCoverage.unpatrolled.length
      ? table(
          page.say('当日未巡查的网格|层级', 'Not patrolled that day|Level').split('|'),
          patrolCoverage.unpatrolled.map((g) => [g.name ?? gridName(g), page.level(g.level)]),
        )
      : note(page.say('村级网格和网格单元均已巡查。', 'Every village grid and grid unit was patrolled.')),
    '</section>',
    caseTable(
      page,
      page.say('已超期或三日内到期的初信初访事项', 'First-time petitions overdue or due within three days'),
      report.firstTimeAtRisk,
    ),
  ].join('');
}

function weekly(page: Page, report: WeeklyReport): string {
  const min = page.context.rankingMinimum;
  const rankable = (v: WeeklyReport['byVillage'][number]) =>
    v.indicators.onTimeReply.rate !== null && v.indicators.onTimeReply.denominator >= min;
  const ranked = report.byVillage.filter(rankable);
  const unranked = report.byVillage.filter((v) => !rankable(v)).map((v) => v.name);
  const previous = rangeText(report.previous.from, report.previous.to, page.language, true);
  const leaders = report.leaderOwned.map((l) => {
    const rows = l.items.map((c) => [
      c.number,
      page.status(c.status),
      c.deadline ? dateText(lastBeijingDay(c.deadline.due), page.language) : page.t(NONE),
      page.yesNo(c.late),
      page.person(c.responsible),
    ]);
    const more = l.more ? page.say('（列出最近的）', ' (the latest listed)') : '';
    return (
      `<h3>${escapeHtml(page.say(`包案领导：${page.person(l.leaderId)}${more}`, `Leader: ${page.person(l.leaderId)}${more}`))}</h3>` +
      table(
        page
          .say(
            '案件编号|状态|期限最后一日|已超期|责任人',
            'Case number|Status|Last day (Beijing time)|Overdue|Responsible',
          )
          .split('|'),
        rows,
      )
    );
  });
  return [
    `<section><h2>${escapeHtml(page.say(`全镇指标（与上周 ${previous} 比较）`, `Town indicators (against the week before, ${previous})`))}</h2>`,
    indicatorChart(page, page.say('本周各项指标', 'This week'), report.indicators),
    markupTable(
      page.say('指标|本周|上周|变化', 'Indicator|This week|Week before|Change').split('|'),
      INDICATOR_NAMES.map((name) => [
        escapeHtml(page.indicator(name)),
        escapeHtml(page.rate(report.indicators[name])),
        escapeHtml(page.rate(report.previous.indicators[name])),
        page.change(name, report.change[name]),
      ]),
    ),
    note(
      page.say(
        '“变化”一栏：绿色为向好，红色为变差（重复信访率以下降为向好）。',
        'Change: green is for the better, red for the worse (a falling repeat petition rate is for the better).',
      ),
    ),
    '</section>',
    `<section><h2>${escapeHtml(page.say('各村级网格（含网格单元）', 'Village grids (with their units)'))}</h2>`,
    ranked.length > 1
      ? barChart(
          page.say('按期办结率', 'On-time completion rate'),
          ranked.map((v) => ({
            label: v.name,
            value: v.indicators.onTimeReply.rate ?? 0,
            text: page.rate(v.indicators.onTimeReply),
            colour: GOOD,
          })),
          1,
        )
      : '',
    report.byVillage.length === 0
      ? none(page)
      : ranked.length <= 1
        ? note(page.smallSample())
        : unranked.length
          ? note(
              page.say(
                `${unranked.join('、')}：按期办结样本不足 ${min} 件，不作排名。`,
                `${unranked.join(', ')}: fewer than ${min} cases due for completion, not ranked.`,
              ),
            )
          : '',
    report.byVillage.length
      ? markupTable(
          page
            .say(
              '网格|及时受理率|按期办结率|群众满意率|信访事项化解率|矛盾化解率|按期办结率变化',
              'Grid|Timely acknowledgement|On-time completion|Satisfaction|Petition resolution|Dispute resolution|Change in on-time completion',
            )
            .split('|'),
          report.byVillage.map((v) => [
            escapeHtml(v.name),
            escapeHtml(page.rate(v.indicators.timelyAcknowledgement)),
            escapeHtml(page.rate(v.indicators.onTimeReply)),
            escapeHtml(page.rate(v.indicators.satisfaction)),
            escapeHtml(page.rate(v.indicators.petitionResolution)),
            escapeHtml(page.rate(v.indicators.disputeResolution)),
            page.change('onTimeReply', v.change.onTimeReply),
          ]),
        )
      : '',
    '</section>',
    caseTable(page, page.say('超期案件', 'Overdue cases'), report.overdue),
    caseTable(page, page.say('三日内到期的案件', 'Cases due within three days'), report.atRisk),
    `<section><h2>${escapeHtml(page.say('领导包案', 'Cases owned by leaders'))}</h2>`,
    leaders.length ? leaders.join('') : none(page),
    '</section>',
    report.reception ? receptionSection(page, report.reception) : '',
    report.mediation && report.handOffs ? mediationSection(page, report.mediation, report.handOffs) : '',
  ].join('');
}

/** 人民调解与五位一体分流: mediations concluded and their success, callbacks and performance, and the hand-offs. */
function mediationSection(
  page: Page,
  mediation: Metrics['mediation'],
  handOffs: Metrics['handOffs'],
): string {
  return [
    `<section><h2>${escapeHtml(page.say('人民调解与五位一体分流', 'People’s mediation and hand-offs'))}</h2>`,
    table(
      page
        .say(
          '调解结案|达成协议|调解成功率|村调委会达成|回访到期|已履行|履行率',
          'Concluded|Agreements|Success rate|By village committees|Callbacks due|Performed|Performance rate',
        )
        .split('|'),
      [
        [
          mediation.concluded,
          mediation.agreements,
          page.rate(mediation.successRate),
          mediation.agreementsByCommittee.village,
          mediation.callbacksDue,
          mediation.performed,
          page.rate(mediation.performanceRate),
        ],
      ],
    ),
    table(
      page
        .say(
          '分流至法律援助、劳动仲裁、诉讼服务|按期反馈|逾期|尚在期限内',
          'Handed to legal aid, arbitration or litigation|Returned on time|Late|Still within their due date',
        )
        .split('|'),
      [[handOffs.handedOff, handOffs.returnedOnTime, handOffs.late, handOffs.open]],
    ),
    '</section>',
  ].join('');
}

/** 领导接访: the week's receptions against the roster, batches and person-times, the share settled on the spot. */
function receptionSection(page: Page, r: NonNullable<WeeklyReport['reception']>): string {
  const share = page.rate(r.settledShare);
  return [
    `<section><h2>${escapeHtml(page.say('领导接访', 'Leaders’ receptions'))}</h2>`,
    `<p>${escapeHtml(
      page.say(
        `本周排定接访 ${r.rostered} 个时段，已接访 ${r.held} 个；共接访 ${r.receptions} 次，接待来访群众 ${r.batches} 批 ${r.personTimes} 人次，当场化解 ${r.settledOnTheSpot} 批，占 ${share}。`,
        `${r.rostered} reception slots on the roster this week, ${r.held} of them held; ${r.receptions} receptions, ${r.batches} batches of visitors, ${r.personTimes} person-times, ${r.settledOnTheSpot} batches settled on the spot: ${share}.`,
      ),
    )}</p>`,
    r.leaders.length
      ? table(
          page
            .say(
              '领导|排定时段|已接访时段|接访次数|批次|人次|当场化解批次',
              'Leader|Slots on the roster|Slots held|Receptions|Batches|Person-times|Settled on the spot',
            )
            .split('|'),
          r.leaders.map((l) => [
            l.name ?? page.person(l.leaderId),
            l.rostered,
            l.held,
            l.receptions,
            l.batches,
            l.personTimes,
            l.settledOnTheSpot,
          ]),
        )
      : none(page),
    note(
      page.say(
        '当场化解：接访时当场列入“马上办”的来访批次。',
        'Settled on the spot: a batch put on the do-it-now track (马上办) at the reception.',
      ),
    ),
    '</section>',
  ].join('');
}

const indicatorTable = (page: Page, values: Indicators) =>
  markupTable(
    page.say('指标|数值（分子/分母）|方向', 'Indicator|Value (numerator/denominator)|Direction').split('|'),
    INDICATOR_NAMES.map((name) => [
      escapeHtml(page.indicator(name)),
      escapeHtml(page.rate(values[name])),
      HIGHER_IS_BETTER[name]
        ? `<span style="color:${GOOD}">${escapeHtml(page.say('越高越好', 'higher is better'))}</span>`
        : `<span style="color:${BAD}">${escapeHtml(page.say('越低越好', 'lower is better'))}</span>`,
    ]),
  );

function monthly(page: Page, report: MonthlyReport): string {
  return [
    `<section><h2>${escapeHtml(page.say('本月指标', 'This month’s indicators'))}</h2>`,
    indicatorChart(page, page.say('各项指标', 'Indicators'), report.indicators),
    indicatorTable(page, report.indicators),
    `<p>${escapeHtml(page.say(`本月重复信访 ${report.repeatPetitions} 件。`, `${report.repeatPetitions} repeat petitions this month.`))}</p>`,
    '</section>',
    caseTable(page, page.say('本月超期案件', 'Cases overdue this month'), report.overdue),
    caseTable(
      page,
      page.say('积案（月初前已超期）', 'Backlog (overdue before the month began)'),
      report.backlog,
    ),
    ...(report.missedDecisions ? [missedDecisionTable(page, report.missedDecisions)] : []),
  ].join('');
}

/** Meeting decisions past their last day and not done, with who answers for each (by name, never by id). */
function missedDecisionTable(page: Page, missed: NonNullable<MonthlyReport['missedDecisions']>): string {
  const shown =
    missed.items.length < missed.total
      ? page.say(`，列出前 ${missed.items.length} 项`, `; the first ${missed.items.length} listed`)
      : '';
  const rows = missed.items.map((d) => [
    `${dateText(d.meetingDate, page.language)} ${labelOf(MEETING_KIND_LABELS, d.meetingKind, page.language)}`,
    page.say(`第 ${d.n} 项`, `Item ${d.n}`),
    dateText(d.dueDate, page.language),
    d.ownerName ?? page.person(d.ownerId),
  ]);
  const headers = page.say(
    '会议|议定事项|落实期限最后一日|责任人',
    'Meeting|Decision|Last day (Beijing time)|Responsible',
  );
  return (
    `<section><h2>${escapeHtml(page.say('超期未落实的会议议定事项', 'Meeting decisions missed'))}</h2>` +
    `<p>${escapeHtml(page.say(`共 ${missed.total} 项${shown}。`, `${missed.total} in all${shown}.`))}</p>` +
    (rows.length ? table(headers.split('|'), rows) : none(page)) +
    '</section>'
  );
}

const STYLE = [
  '@page { size: A4; margin: 15mm 12mm; }',
  'body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; font-size: 10.5pt;',
  '  color: #222; max-width: 186mm; margin: 0 auto; }',
  // Latin text in a Latin face; names in Chinese fall through to the CJK one
  'html[lang="en"] body { font-family: "Liberation Sans", Arial, Helvetica, "Noto Sans CJK SC", sans-serif; }',
  'html[lang="en"] h1 { letter-spacing: 0; }',
  'header { text-align: center; border-bottom: 2px solid #b3261e; padding-bottom: 2mm; margin-bottom: 4mm; }',
  'h1 { font-size: 18pt; color: #b3261e; margin: 2mm 0 1mm; letter-spacing: 0.05em; }',
  '.subtitle { font-size: 12pt; margin: 0 0 2mm; } .issue { margin: 0 0 2mm; }',
  '.issuer { display: flex; justify-content: space-between; margin: 0; }',
  'h2 { font-size: 12.5pt; margin: 6mm 0 2mm; break-after: avoid; } h3 { font-size: 11pt; margin: 3mm 0 1mm; }',
  '.lead { font-size: 11pt; text-indent: 2em; }',
  'table { border-collapse: collapse; width: 100%; margin: 2mm 0; } th, td { border: 1px solid #999;',
  '  padding: 1mm 2mm; text-align: left; } th { background: #eef2f7; } tr { break-inside: avoid; }',
  'figure { margin: 2mm 0; break-inside: avoid; } figcaption { font-weight: bold; }',
  '.empty, .note { color: #555; font-size: 9.5pt; }',
  'footer { margin-top: 8mm; border-top: 1px solid #999; padding-top: 2mm; display: flex; justify-content: space-between; }',
].join('\n');

interface Heading {
  title: string;
  subtitle: string;
  issue?: number;
  issuedOn: string;
  range: string;
  /** When the figures end, for a period not over yet. */
  asOf?: string;
  counts: ReturnType<typeof openingCounts>;
}

function document(page: Page, heading: Heading, body: string): string {
  const { office } = townNames(page.context.profile, page.language);
  const issuedOn = dateText(heading.issuedOn, page.language);
  const { registered, acknowledged, replied, missed } = heading.counts;
  const asOf = heading.asOf ? page.say(`，统计截至 ${heading.asOf}`, `; figures up to ${heading.asOf}`) : '';
  return [
    '<!doctype html>',
    `<html lang="${page.say('zh-CN', 'en')}"><head><meta charset="utf-8">`,
    `<title>${escapeHtml(fullTitle(heading, page.language))}</title><style>${STYLE}</style></head><body>`,
    '<header>',
    `<h1>${escapeHtml(heading.title)}</h1>`,
    `<p class="subtitle">${escapeHtml(heading.subtitle)}</p>`,
    heading.issue !== undefined
      ? `<p class="issue">${escapeHtml(page.say(`第${heading.issue}期`, `No. ${heading.issue}`))}</p>`
      : '',
    `<p class="issuer"><span>${escapeHtml(office)}</span><span>${escapeHtml(issuedOn)}</span></p>`,
    '</header><main>',
    `<p>${escapeHtml(page.say(`统计期间：${heading.range}（北京时间）${asOf}。`, `Period: ${heading.range} (Beijing time)${asOf}.`))}</p>`,
    `<p class="lead">${escapeHtml(
      page.say(
        `本期新登记 ${registered} 件、告知受理 ${acknowledged} 件、办结 ${replied} 件、超期 ${missed} 件。`,
        `In this period: ${plural(registered, 'new case')} registered, ${acknowledged} acknowledged, ` +
          `${replied} replied to, ${plural(missed, 'deadline')} missed.`,
      ),
    )}</p>`,
    body,
    '</main>',
    `<footer><span>${escapeHtml(page.say(`${office}`, `Issued by ${office}`))}</span>`,
    `<span>${escapeHtml(page.say(`${issuedOn}印发`, issuedOn))}</span></footer>`,
    '</body></html>',
  ].join('');
}

export function renderReportHtml(report: Report, context: PageContext, language: PageLanguage): string {
  const page = new Page(language, context);
  const { town } = townNames(context.profile, language);
  const body =
    report.kind === 'daily'
      ? daily(page, report)
      : report.kind === 'weekly'
        ? weekly(page, report)
        : monthly(page, report);
  return document(
    page,
    {
      ...bulletinHeading(report, town, language),
      issue: issueNumber(report),
      issuedOn: beijingDate(report.storedAt ?? report.generatedAt),
      range: rangeText(report.from, report.to, language),
      ...(periodOngoing(report) ? { asOf: page.moment(report.generatedAt) } : {}),
      counts: openingCounts(report.totals),
    },
    body,
  );
}

/** The yearly summary as a page: the figures the town's report on its year quotes. */
export function renderYearlyHtml(report: YearlyReport, context: PageContext, language: PageLanguage): string {
  const page = new Page(language, context);
  const { town } = townNames(context.profile, language);
  const { reception: r, repeatPetitions: repeat, keyMatters: key, registered } = report;
  const row = (label: string, value: string) => [escapeHtml(label), escapeHtml(value)];
  const body = [
    `<section><h2>${escapeHtml(page.say('全年主要数据', 'The year in figures'))}</h2>`,
    `<p>${escapeHtml(
      page.say(
        `全年接待来访群众 ${r.batches} 批 ${r.personTimes} 人次（领导接访 ${r.receptions} 次，当场化解 ${r.settledOnTheSpot} 批）；化解重复信访 ${repeat.resolved} 件，化解重点信访矛盾 ${key.resolved} 件；化解率 ${page.rate(report.resolution)}。`,
        `In the year: ${r.batches} batches of visitors, ${r.personTimes} person-times received (${r.receptions} leaders’ receptions, ${r.settledOnTheSpot} batches settled on the spot); ${repeat.resolved} repeat petitions and ${key.resolved} key matters resolved; resolution rate ${page.rate(report.resolution)}.`,
      ),
    )}</p>`,
    markupTable(page.say('项目|数值', 'Item|Figure').split('|'), [
      row(page.say('新登记', 'Registered'), `${registered.total}`),
      row(page.say('其中信访事项', 'of which petitions'), `${registered.petitions}`),
      row(page.say('其中矛盾纠纷', 'of which disputes'), `${registered.disputes}`),
      row(page.say('其中集体访', 'of which collective'), `${registered.collective}`),
      row(page.say('领导接访次数', 'Leaders’ receptions'), `${r.receptions}`),
      row(page.say('接待来访批次', 'Batches received'), `${r.batches}`),
      row(page.say('接待来访人次', 'Person-times received'), `${r.personTimes}`),
      row(page.say('当场化解批次', 'Batches settled on the spot'), `${r.settledOnTheSpot}`),
      row(
        page.say('重复信访（登记/答复/化解）', 'Repeat petitions (registered/replied/resolved)'),
        `${repeat.registered}/${repeat.replied}/${repeat.resolved}`,
      ),
      row(
        page.say('重点信访矛盾（列入/答复/化解）', 'Key matters (marked/replied/resolved)'),
        `${key.marked}/${key.replied}/${key.resolved}`,
      ),
      row(page.indicator('resolution'), page.rate(report.resolution)),
      row(page.indicator('petitionResolution'), page.rate(report.petitionResolution)),
      row(page.indicator('disputeResolution'), page.rate(report.disputeResolution)),
      row(
        page.say(
          '人民调解（结案/达成协议/村调委会达成）',
          'Mediations (concluded/agreements/by village committees)',
        ),
        `${report.mediation.concluded}/${report.mediation.agreements}/${report.mediation.agreementsByCommittee.village}`,
      ),
      row(page.say('调解成功率', 'Mediation success rate'), page.rate(report.mediation.successRate)),
      row(
        page.say('调解协议履行率', 'Agreements performed at callback'),
        page.rate(report.mediation.performanceRate),
      ),
      row(
        page.say('分流至其他渠道（按期反馈/逾期）', 'Handed to other lines (returned on time/late)'),
        page.say(
          `${report.handOffs.handedOff}（${report.handOffs.returnedOnTime}/${report.handOffs.late}）`,
          `${report.handOffs.handedOff} (${report.handOffs.returnedOnTime}/${report.handOffs.late})`,
        ),
      ),
    ]),
    '</section>',
  ].join('');
  const range = rangeText(report.from, report.to, language);
  const ongoing = report.to < `${report.year}-12-31`;
  return document(
    page,
    {
      title: page.say(`${town}${report.year}年信访工作年度总结`, `Petition Work in ${report.year}, ${town}`),
      subtitle: range,
      issuedOn: beijingDate(report.generatedAt),
      range,
      ...(ongoing ? { asOf: page.moment(report.generatedAt) } : {}),
      counts: openingCounts(report.totals),
    },
    body,
  );
}

const GRID_COLUMNS = ['timelyAcknowledgement', 'onTimeReply', 'satisfaction', 'resolution'] as const;

/** `GET /v1/metrics` as a page: the indicators with their samples, the backlog ledger, and each grid's main rates. */
export function renderMetricsHtml(
  metrics: Metrics,
  context: PageContext,
  language: PageLanguage,
  generatedAt: Date,
): string {
  const page = new Page(language, context);
  const { town } = townNames(context.profile, language);
  const scope = metrics.byGrid.find((g) => g.gridId === metrics.gridId);
  const range = rangeText(metrics.from, metrics.to, language);
  const today = beijingDate(generatedAt);
  const ledger = catalog().backlogLedger;
  const body = [
    `<section><h2>${escapeHtml(page.say('主要指标', 'Indicators'))}</h2>`,
    indicatorChart(page, page.say('样本足够的比率', 'Rates over samples large enough'), metrics.indicators),
    indicatorTable(page, metrics.indicators),
    '</section>',
    `<section><h2>${escapeHtml(page.say('积案台账', 'Backlog ledger'))}</h2>`,
    table(
      ledger.map((entry) => entry[language]),
      [ledger.map((entry) => metrics.backlog[entry.code as keyof Metrics['backlog']])],
    ),
    '</section>',
    `<section><h2>${escapeHtml(page.say('领导接访', 'Leaders’ receptions'))}</h2>`,
    table(
      page
        .say('接访次数|批次|人次|当场化解批次', 'Receptions|Batches|Person-times|Settled on the spot')
        .split('|'),
      [
        [
          metrics.reception.receptions,
          metrics.reception.batches,
          metrics.reception.personTimes,
          metrics.reception.settledOnTheSpot,
        ],
      ],
    ),
    '</section>',
    mediationSection(page, metrics.mediation, metrics.handOffs),
    `<section><h2>${escapeHtml(page.say('联席会议与会商', 'Joint meetings and consultations'))}</h2>`,
    table(
      page
        .say(
          '本期召开会议|议定事项未落实（全镇，截至目前）|其中已超期',
          'Meetings held|Decisions open (the town’s, now)|Of which overdue',
        )
        .split('|'),
      [[metrics.meetings, metrics.decisions.open, metrics.decisions.overdue]],
    ),
    ...(metrics.decisions.byOwner.length
      ? [
          table(
            page
              .say('责任人|议定事项未落实|其中已超期', 'Responsible|Decisions open|Of which overdue')
              .split('|'),
            metrics.decisions.byOwner.map((owner) => [
              owner.name ?? page.person(owner.ownerId),
              owner.open,
              owner.overdue,
            ]),
          ),
        ]
      : []),
    '</section>',
    `<section><h2>${escapeHtml(page.say('各网格', 'By grid'))}</h2>`,
    note(
      page.say(
        `样本不足 ${context.rankingMinimum} 件的比率不作排名，只列出件数。`,
        `A rate over fewer than ${context.rankingMinimum} cases is not ranked: its counts are shown instead.`,
      ),
    ),
    metrics.byGrid.length
      ? table(
          [
            page.say('网格', 'Grid'),
            page.say('层级', 'Level'),
            ...GRID_COLUMNS.map((name) => page.indicator(name)),
          ],
          metrics.byGrid.map((g) => [
            g.name,
            page.level(g.level),
            ...GRID_COLUMNS.map((name) => page.rate(g.indicators[name])),
          ]),
        )
      : none(page),
    '</section>',
  ].join('');
  const title = page.say(`${town}信访工作主要指标`, `Petition Work Indicators, ${town}`);
  return document(
    page,
    {
      title,
      subtitle: scope
        ? page.say(`${range}（${scope.name}及下级网格）`, `${range} (${scope.name} and the grids below it)`)
        : range,
      issuedOn: today,
      range,
      ...(metrics.to >= today ? { asOf: page.moment(generatedAt.toISOString()) } : {}),
      counts: openingCounts(metrics.totals),
    },
    body,
  );
}
