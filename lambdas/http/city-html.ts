import type { CityBulletin, IndicatorRanking, TownNames } from '../domain/city.js';
import { beijingDate } from '../domain/deadlines.js';
import { INDICATOR_LABELS, type Indicator } from '../domain/indicators.js';
import { dateText, monthText, rangeText } from '../domain/report.js';
import { escapeHtml } from './html.js';

/**
 * The city bulletin as a printable page (市县信访工作周通报、月报), in zh-CN or English: the towns' figures side by
 * side, then each national indicator's ranking with every town's sample; a town under the sample minimum is listed
 * without a rank. No script, no external asset; every value escaped.
 */

type Language = 'zh' | 'en';

const STYLE = [
  '@page { size: A4; margin: 15mm 12mm; }',
  'body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; font-size: 10.5pt;',
  '  color: #222; max-width: 186mm; margin: 0 auto; }',
  'html[lang="en"] body { font-family: "Liberation Sans", Arial, Helvetica, "Noto Sans CJK SC", sans-serif; }',
  'header { text-align: center; border-bottom: 2px solid #b3261e; padding-bottom: 2mm; margin-bottom: 4mm; }',
  'h1 { font-size: 18pt; color: #b3261e; margin: 2mm 0 1mm; } .subtitle { font-size: 12pt; margin: 0 0 2mm; }',
  'h2 { font-size: 12.5pt; margin: 6mm 0 2mm; break-after: avoid; }',
  'table { border-collapse: collapse; width: 100%; margin: 2mm 0; } th, td { border: 1px solid #999;',
  '  padding: 1mm 2mm; text-align: left; } th { background: #eef2f7; } tr { break-inside: avoid; }',
  '.note { color: #555; font-size: 9.5pt; }',
].join('\n');

const say = (language: Language, zh: string, en: string) => (language === 'zh' ? zh : en);

function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((cells) => `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** A rate with its sample; one hidden under the minimum says so. */
function rate(language: Language, value: Indicator): string {
  const sample = `${value.numerator}/${value.denominator}`;
  if (value.denominator === 0) return say(language, '无样本', 'no cases');
  if (value.rate === null) return say(language, `样本不足（${sample}）`, `sample too small (${sample})`);
  return `${(value.rate * 100).toFixed(1)}%${say(language, `（${sample}）`, ` (${sample})`)}`;
}

/** A town by the name its admin gave it, in the page's language when given in it. */
const townLabel = (language: Language, town: { town: string } & TownNames) =>
  (language === 'en' ? town.nameEn : undefined) ?? town.name ?? town.town;

function rankingSection(language: Language, ranking: IndicatorRanking): string {
  const label = INDICATOR_LABELS[ranking.indicator][language];
  const direction = ranking.higherIsBetter
    ? say(language, '越高越好', 'higher is better')
    : say(language, '越低越好', 'lower is better');
  return (
    `<section><h2>${escapeHtml(`${label}${say(language, `（${direction}）`, ` (${direction})`)}`)}</h2>` +
    table(
      say(language, '排名|乡镇|比率（分子/分母）', 'Rank|Town|Rate (numerator/denominator)').split('|'),
      ranking.towns.map((town) => [
        town.rank === null ? say(language, '不排名', 'not ranked') : town.rank,
        townLabel(language, town),
        rate(language, town),
      ]),
    ) +
    '</section>'
  );
}

export function renderCityBulletinHtml(bulletin: CityBulletin, language: Language): string {
  const range = rangeText(bulletin.from, bulletin.to, language);
  const [weekYear, week] = bulletin.period.split('-W').map(Number) as [number, number];
  const title =
    bulletin.kind === 'weekly'
      ? say(language, '各乡镇信访工作周通报', 'Weekly Petition Work Bulletin of the Towns')
      : say(language, '各乡镇信访工作月报', 'Monthly Petition Work Report of the Towns');
  const subtitle =
    bulletin.kind === 'weekly'
      ? say(language, `${weekYear}年第${week}周（${range}）`, `${weekYear}, week ${week} (${range})`)
      : monthText(bulletin.period, language);
  const issued = dateText(beijingDate(bulletin.generatedAt), language);
  const min = bulletin.rankingMinimum;
  const { registered, acknowledged, replied, missed } = bulletin.counts;
  const body = [
    `<p>${escapeHtml(say(language, `统计期间：${range}（北京时间）。`, `Period: ${range} (Beijing time).`))}</p>`,
    `<p>${escapeHtml(
      say(
        language,
        `本期各乡镇共新登记 ${registered} 件、告知受理 ${acknowledged} 件、办结 ${replied} 件、超期 ${missed} 件。`,
        `In this period the towns registered ${registered} new cases, acknowledged ${acknowledged}, replied to ${replied} and missed ${missed} deadlines.`,
      ),
    )}</p>`,
    `<section><h2>${escapeHtml(say(language, '各乡镇工作量', 'The towns’ work'))}</h2>`,
    table(
      say(
        language,
        '乡镇|新登记|告知受理|办结|超期',
        'Town|Registered|Acknowledged|Replied|Deadlines missed',
      ).split('|'),
      bulletin.towns.map((town) => [
        townLabel(language, town),
        town.counts.registered,
        town.counts.acknowledged,
        town.counts.replied,
        town.counts.missed,
      ]),
    ),
    '</section>',
    `<p class="note">${escapeHtml(
      say(
        language,
        `排名按国家信访信息系统考核指标；样本不足 ${min} 件的乡镇只列出件数，不作排名。`,
        `Ranked on the national petition system’s indicators; a town with fewer than ${min} cases is listed with its counts and not ranked.`,
      ),
    )}</p>`,
    ...bulletin.ranking.map((ranking) => rankingSection(language, ranking)),
  ].join('');
  return [
    '<!doctype html>',
    `<html lang="${say(language, 'zh-CN', 'en')}"><head><meta charset="utf-8">`,
    `<title>${escapeHtml(`${title}${say(language, ' ', ': ')}${subtitle}`)}</title><style>${STYLE}</style></head><body>`,
    `<header><h1>${escapeHtml(title)}</h1><p class="subtitle">${escapeHtml(subtitle)}</p>`,
    `<p>${escapeHtml(say(language, `市县信访局 ${issued}`, `City Petition Bureau, ${issued}`))}</p></header>`,
    `<main>${body}</main>`,
    '</body></html>',
  ].join('');
}
