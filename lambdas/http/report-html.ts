import { DateTime } from 'luxon';
import { CHANNELS, STATUSES } from '../domain/catalog.js';
import { NO_GRID } from '../domain/counters.js';
import { TIME_ZONE } from '../domain/deadlines.js';
import type { GridLevel } from '../domain/grid.js';
import { type Indicator, type Indicators, INDICATOR_LABELS as LABELS } from '../domain/indicators.js';
import {
  beijingDeadline,
  type CaseList,
  type DailyReport,
  INDICATOR_NAMES,
  type IndicatorName,
  type MonthlyReport,
  REPORT_TITLES,
  type Report,
  type WeeklyReport,
} from '../domain/report.js';

/**
 * Reports as a printable zh-CN page: inline SVG bar charts, no script and no external asset, A4 when printed. Every
 * value that reaches the page is escaped; the reports carry no titles or names of people, only case numbers, statuses,
 * deadlines and staff ids.
 */

export const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  // the page needs nothing but its own inline styles
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
};

/** Whether the Accept header ranks text/html above JSON (`*` ranges count at their own quality). */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranges = accept.split(',').map((part) => {
    const [type = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return { type, q: q === undefined ? 1 : Number(q.slice(2)) || 0 };
  });
  const quality = (mime: string) =>
    (
      ranges.find((r) => r.type === mime) ??
      ranges.find((r) => r.type === `${mime.split('/')[0]}/*`) ??
      ranges.find((r) => r.type === '*/*')
    )?.q ?? 0;
  const html = quality('text/html');
  return html > 0 && html > quality('application/json');
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (value: string | number): string =>
  String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** The page is zh-CN: each indicator by its Chinese name. */
const INDICATOR_LABELS = Object.fromEntries(INDICATOR_NAMES.map((name) => [name, LABELS[name].zh])) as Record<
  IndicatorName,
  string
>;
const LEVEL_LABELS: Record<GridLevel, string> = {
  comprehensive: '综合网格',
  village: '村级网格',
  unit: '网格单元',
};
const DEADLINE_LABELS = { acknowledge: '告知受理', reply: '答复', review: '复查复核答复' } as const;
const statusLabel = (code: string) => STATUSES.find((s) => s.code === code)?.zh ?? code;
const channelLabel = (code: string) => CHANNELS.find((c) => c.code === code)?.zh ?? code;
const beijingTime = (iso: string) => DateTime.fromISO(iso, { zone: TIME_ZONE }).toFormat('yyyy-MM-dd HH:mm');

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

/** A rate always with its sample; a rate hidden for a small sample says so. */
function rateText(value: Indicator): string {
  const sample = `${value.numerator}/${value.denominator}`;
  if (value.rate !== null) return `${percent(value.rate)}（${sample}）`;
  return value.denominator === 0 ? '—' : `样本不足（${sample}）`;
}

const changeText = (change: number | null) =>
  change === null ? '—' : `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)} 个百分点`;

interface Bar {
  label: string;
  value: number;
  text: string;
}

function barChart(
  title: string,
  bars: readonly Bar[],
  max = Math.max(0, ...bars.map((b) => b.value)),
): string {
  if (bars.length === 0) return `<p class="empty">${escapeHtml(title)}：无数据</p>`;
  const labelWidth = 160;
  const barWidth = 360;
  const row = 22;
  const width = labelWidth + barWidth + 150;
  const height = bars.length * row + 6;
  const rows = bars.map((bar, i) => {
    const y = 3 + i * row;
    const w = max > 0 ? Math.round((bar.value / max) * barWidth) : 0;
    return (
      `<text x="${labelWidth - 6}" y="${y + 15}" text-anchor="end">${escapeHtml(bar.label)}</text>` +
      `<rect x="${labelWidth}" y="${y + 4}" width="${w}" height="${row - 8}" fill="#3d6fb0"/>` +
      `<text x="${labelWidth + w + 6}" y="${y + 15}">${escapeHtml(bar.text)}</text>`
    );
  });
  return (
    `<figure><figcaption>${escapeHtml(title)}</figcaption>` +
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(title)}" ` +
    `viewBox="0 0 ${width} ${height}" width="100%" font-size="11">${rows.join('')}</svg></figure>`
  );
}

const rateBars = (values: Indicators): Bar[] =>
  INDICATOR_NAMES.map((name) => ({
    label: INDICATOR_LABELS[name],
    value: values[name].rate ?? 0,
    text: rateText(values[name]),
  }));

function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((cells) => `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function caseTable(title: string, list: CaseList): string {
  const shown = list.items.length < list.total ? `，列出前 ${list.items.length} 件` : '';
  const rows = list.items.map((c) => [
    c.number,
    statusLabel(c.status),
    c.firstTime ? '初信初访' : '重复',
    c.deadline ? DEADLINE_LABELS[c.deadline.kind] : '—',
    c.deadline ? beijingDeadline(c.deadline.due) : '—',
    c.late ? '已超期' : '',
    c.responsible ?? '—',
  ]);
  return (
    `<section><h2>${escapeHtml(title)}</h2><p>共 ${escapeHtml(list.total)} 件${escapeHtml(shown)}</p>` +
    (rows.length
      ? table(['案件编号', '状态', '初信/重复', '期限', '期限截止', '超期', '责任人'], rows)
      : '<p class="empty">无</p>') +
    '</section>'
  );
}

const indicatorTable = (values: Indicators) =>
  table(
    ['指标', '数值（分子/分母）'],
    INDICATOR_NAMES.map((name) => [INDICATOR_LABELS[name], rateText(values[name])]),
  );

function daily(report: DailyReport): string {
  const gridName = (g: { gridId: string; name?: string | undefined }) =>
    g.gridId === NO_GRID ? '未划入网格' : (g.name ?? g.gridId);
  const { newCases, patrolCoverage } = report;
  return [
    `<section><h2>当日新增 ${escapeHtml(newCases.total)} 件</h2>`,
    barChart(
      '按网格',
      newCases.byGrid.map((g) => ({ label: gridName(g), value: g.registered, text: String(g.registered) })),
    ),
    table(
      ['网格', '层级', '新增', '信访', '矛盾纠纷'],
      newCases.byGrid.map((g) => [
        gridName(g),
        g.level ? LEVEL_LABELS[g.level] : '—',
        g.registered,
        g.petitions,
        g.disputes,
      ]),
    ),
    barChart(
      '按渠道',
      newCases.byChannel.map((c) => ({
        label: channelLabel(c.channel),
        value: c.count,
        text: String(c.count),
      })),
    ),
    '</section>',
    `<section><h2>网格巡查覆盖：${escapeHtml(rateText(patrolCoverage.coverage))}</h2>`,
    patrolCoverage.unpatrolled.length
      ? table(
          ['未巡查网格', '层级'],
          patrolCoverage.unpatrolled.map((g) => [g.name ?? g.gridId, g.level ? LEVEL_LABELS[g.level] : '—']),
        )
      : '<p>村级网格和网格单元均已巡查。</p>',
    '</section>',
    caseTable('初信初访临期（三日内到期）', report.firstTimeAtRisk),
  ].join('');
}

function weekly(report: WeeklyReport): string {
  return [
    `<section><h2>全镇指标（与上周 ${escapeHtml(report.previous.period)} 比较）</h2>`,
    barChart('本周各项指标', rateBars(report.indicators), 1),
    table(
      ['指标', '本周', '上周', '变化'],
      INDICATOR_NAMES.map((name) => [
        INDICATOR_LABELS[name],
        rateText(report.indicators[name]),
        rateText(report.previous.indicators[name]),
        changeText(report.change[name]),
      ]),
    ),
    '</section>',
    '<section><h2>各村级网格（含网格单元）</h2>',
    barChart(
      '按期办结率',
      report.byVillage.map((v) => ({
        label: v.name,
        value: v.indicators.onTimeReply.rate ?? 0,
        text: rateText(v.indicators.onTimeReply),
      })),
      1,
    ),
    table(
      ['网格', '及时受理率', '按期办结率', '群众满意率', '信访事项化解率', '矛盾化解率', '按期办结率变化'],
      report.byVillage.map((v) => [
        v.name,
        rateText(v.indicators.timelyAcknowledgement),
        rateText(v.indicators.onTimeReply),
        rateText(v.indicators.satisfaction),
        rateText(v.indicators.petitionResolution),
        rateText(v.indicators.disputeResolution),
        changeText(v.change.onTimeReply),
      ]),
    ),
    '</section>',
    caseTable('超期案件', report.overdue),
    caseTable('临期案件（三日内到期）', report.atRisk),
    '<section><h2>领导包案</h2>',
    report.leaderOwned.length
      ? report.leaderOwned
          .map(
            (l) =>
              `<h3>包案领导 ${escapeHtml(l.leaderId)}${l.more ? '（列出最近的）' : ''}</h3>` +
              table(
                ['案件编号', '状态', '期限截止', '超期'],
                l.items.map((c) => [
                  c.number,
                  statusLabel(c.status),
                  c.deadline ? beijingDeadline(c.deadline.due) : '—',
                  c.late ? '已超期' : '',
                ]),
              ),
          )
          .join('')
      : '<p class="empty">无</p>',
    '</section>',
  ].join('');
}

function monthly(report: MonthlyReport): string {
  return [
    '<section><h2>本月指标</h2>',
    barChart('各项指标', rateBars(report.indicators), 1),
    indicatorTable(report.indicators),
    `<p>重复信访 ${escapeHtml(report.repeatPetitions)} 件。</p>`,
    '</section>',
    caseTable('本月超期案件', report.overdue),
    caseTable('积案（月初前已超期）', report.backlog),
  ].join('');
}

const STYLE = [
  '@page { size: A4; margin: 15mm 12mm; }',
  'body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; font-size: 10.5pt;',
  '  color: #222; max-width: 186mm; margin: 0 auto; }',
  'h1 { font-size: 16pt; margin: 0 0 4mm; } h2 { font-size: 12.5pt; margin: 6mm 0 2mm; break-after: avoid; }',
  'h3 { font-size: 11pt; margin: 3mm 0 1mm; }',
  'table { border-collapse: collapse; width: 100%; margin: 2mm 0; } th, td { border: 1px solid #999;',
  '  padding: 1mm 2mm; text-align: left; } th { background: #eef2f7; } tr { break-inside: avoid; }',
  'figure { margin: 2mm 0; break-inside: avoid; } figcaption { font-weight: bold; }',
  '.empty { color: #666; } footer { margin-top: 8mm; font-size: 9pt; color: #555; }',
].join('\n');

export function renderReportHtml(report: Report): string {
  const title = `${REPORT_TITLES[report.kind]} ${report.period}`;
  const body =
    report.kind === 'daily' ? daily(report) : report.kind === 'weekly' ? weekly(report) : monthly(report);
  return [
    '<!doctype html>',
    '<html lang="zh-CN"><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>统计期间：${escapeHtml(report.from)} 至 ${escapeHtml(report.to)}（北京时间）</p>`,
    body,
    `<footer>生成于 ${escapeHtml(beijingTime(report.generatedAt))}`,
    report.storedAt ? `，存档于 ${escapeHtml(beijingTime(report.storedAt))}` : '',
    `；读取 ${escapeHtml(report.itemsRead)} 条记录。本页不含个人信息。</footer>`,
    '</body></html>',
  ].join('');
}
