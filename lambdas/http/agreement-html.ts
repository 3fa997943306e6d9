import type { AgreementView } from '../domain/agreement.js';
import { beijingDateTime } from '../domain/beijing-time.js';
import { lastDayText } from '../domain/last-day.js';
import { escapeHtml } from './html.js';

/**
 * The mediation agreement as a page for the parties to sign (人民调解协议书), A4 when printed, in zh-CN or English:
 * what Art 29 of the People's Mediation Law asks it to state, the lines to sign and seal, and the 30 days for
 * judicial confirmation (Art 33). It names the parties in clear, so it is served only to those who may print it.
 */

type Language = 'zh' | 'en';

/** The page's headers: nothing but its inline styles, and kept nowhere (it names the parties in clear). */
export const AGREEMENT_PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'cache-control': 'no-store',
  vary: 'Accept, Accept-Language',
};

const STYLE = [
  '@page { size: A4; margin: 20mm 18mm; }',
  'body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", serif; font-size: 12pt; color: #111;',
  '  max-width: 174mm; margin: 0 auto; line-height: 1.7; }',
  'html[lang="en"] body { font-family: "Liberation Serif", "Times New Roman", "Noto Serif CJK SC", serif; }',
  'h1 { text-align: center; font-size: 20pt; letter-spacing: 0.2em; margin: 0 0 2mm; }',
  'html[lang="en"] h1 { letter-spacing: 0; }',
  '.number { text-align: right; margin: 0 0 4mm; }',
  'h2 { font-size: 12.5pt; margin: 4mm 0 1mm; }',
  'table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #444; padding: 1mm 2mm;',
  '  text-align: left; vertical-align: top; } th { width: 22%; font-weight: normal; background: #f3f3f3; }',
  'ol { margin: 1mm 0; padding-left: 7mm; } p { margin: 1mm 0; }',
  '.notice { border: 1px solid #444; padding: 2mm 3mm; margin-top: 4mm; font-size: 11pt; }',
  '.signatures { margin-top: 8mm; } .signatures p { margin: 5mm 0; }',
  '.line { display: inline-block; min-width: 45mm; border-bottom: 1px solid #111; }',
  '.seal { margin-top: 10mm; text-align: right; }',
].join('\n');

const WORDS = {
  zh: {
    title: { written: '人民调解协议书', oral: '口头调解协议记录' },
    number: '编号',
    parties: '当事人',
    role: { petitioner: '当事人', respondent: '当事人（被反映人）' },
    name: '姓名（名称）',
    idNumber: '公民身份号码',
    address: '住址',
    organization: '单位',
    facts: '纠纷主要事实',
    disputed: '争议事项',
    responsibilities: '各方当事人的责任',
    terms: '经调解，自愿达成如下协议',
    performance: '履行方式、地点、期限',
    how: '履行方式',
    where: '履行地点',
    by: '履行期限',
    committee: '人民调解委员会',
    mediators: '人民调解员',
    effect: {
      written:
        '本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效（《中华人民共和国人民调解法》第二十九条）。本协议一式三份，当事人各执一份，人民调解委员会留存一份。',
      oral: '本口头调解协议自各方当事人达成协议之日起生效（《中华人民共和国人民调解法》第三十条），内容由人民调解员记录如上。',
    },
    effectiveOn: '协议生效时间',
    confirmation: (last: string) =>
      `双方当事人认为有必要的，可以自调解协议生效之日起三十日内，即至${last}（北京时间）止，共同向人民法院申请司法确认（《中华人民共和国人民调解法》第三十三条）。`,
    callback: (last: string) => `人民调解委员会将于${last}履行期限届满时回访协议履行情况。`,
    partySign: '当事人（签名、盖章或按指印）',
    mediatorSign: '人民调解员（签名）',
    seal: '人民调解委员会（印章）',
    date: '年　　月　　日',
    caseNumber: '案件编号',
    colon: '：',
    gap: '　',
  },
  en: {
    title: { written: 'People’s Mediation Agreement', oral: 'Record of an Oral Mediation Agreement' },
    number: 'No.',
    parties: 'Parties',
    role: { petitioner: 'Party', respondent: 'Party (respondent)' },
    name: 'Name',
    idNumber: 'ID number',
    address: 'Address',
    organization: 'Organisation',
    facts: 'Main facts of the dispute',
    disputed: 'Matters in dispute',
    responsibilities: 'Each party’s responsibility',
    terms: 'Through mediation the parties have freely agreed as follows',
    performance: 'How, where and by when it is performed',
    how: 'How',
    where: 'Where',
    by: 'By',
    committee: 'Mediation committee',
    mediators: 'Mediators',
    effect: {
      written:
        'This agreement takes effect on the day every party has signed, sealed or fingerprinted it and the mediators have signed it under the committee’s seal (People’s Mediation Law, Art 29). It is made in three copies: one for each party and one kept by the committee.',
      oral: 'This oral agreement took effect on the day the parties reached it (People’s Mediation Law, Art 30); the mediator recorded its content above.',
    },
    effectiveOn: 'In effect since',
    confirmation: (last: string) =>
      `The parties may, if they see the need, jointly apply to a people’s court for judicial confirmation within 30 days of the agreement taking effect, that is until ${last} (People’s Mediation Law, Art 33).`,
    callback: (last: string) =>
      `The committee will call back on the agreement’s performance when it falls due, on ${last}.`,
    partySign: 'Party (signature, seal or fingerprint)',
    mediatorSign: 'Mediator (signature)',
    seal: 'Mediation committee (seal)',
    date: 'Date',
    caseNumber: 'Case number',
    colon: ': ',
    gap: ' · ',
  },
} as const;

const row = (head: string, value: string | undefined) =>
  value === undefined ? '' : `<tr><th>${escapeHtml(head)}</th><td>${escapeHtml(value)}</td></tr>`;

/** The page of an agreement, its parties named as given (in clear, for signing). */
export function renderAgreementHtml(view: AgreementView, committeeName: string, language: Language): string {
  const say = WORDS[language];
  const form = view.form;
  const parties = view.parties
    .map((party, i) =>
      [
        `<h2>${escapeHtml(say.role[party.role])}${view.parties.length > 1 ? ` ${i + 1}` : ''}</h2><table>`,
        row(party.kind === 'organization' ? say.organization : say.name, party.name),
        row(say.idNumber, party.idNumber),
        row(say.address, party.address),
        '</table>',
      ].join(''),
    )
    .join('');
  const performance = [
    row(say.how, view.performance.how),
    row(say.where, view.performance.where),
    row(say.by, view.performance.byText),
  ].join('');
  const signatures = view.parties
    .map(
      (party) =>
        `<p>${escapeHtml(say.partySign + say.colon)}<span class="line">${escapeHtml(party.name)}</span></p>`,
    )
    .join('');
  return [
    '<!doctype html>',
    `<html lang="${language === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">`,
    `<title>${escapeHtml(`${say.title[form]} ${view.number}`)}</title><style>${STYLE}</style></head><body><main>`,
    `<h1>${escapeHtml(say.title[form])}</h1>`,
    `<p class="number">${escapeHtml(`${say.number}${say.colon}${view.number}${say.gap}${say.caseNumber}${say.colon}${view.caseNumber}`)}</p>`,
    `<table>${row(say.committee, committeeName)}${row(say.mediators, view.mediators.map((m) => m.name).join('、'))}</table>`,
    parties,
    view.facts ? `<h2>${escapeHtml(say.facts)}</h2><p>${escapeHtml(view.facts)}</p>` : '',
    view.disputed ? `<h2>${escapeHtml(say.disputed)}</h2><p>${escapeHtml(view.disputed)}</p>` : '',
    view.responsibilities
      ? `<h2>${escapeHtml(say.responsibilities)}</h2><p>${escapeHtml(view.responsibilities)}</p>`
      : '',
    `<h2>${escapeHtml(say.terms)}</h2><ol>${view.terms.map((term) => `<li>${escapeHtml(term)}</li>`).join('')}</ol>`,
    `<h2>${escapeHtml(say.performance)}</h2><table>${performance}</table>`,
    `<p>${escapeHtml(say.effect[form])}</p>`,
    form === 'oral'
      ? `<p>${escapeHtml(say.effectiveOn + say.colon + beijingDateTime(view.effectiveAt))}</p>`
      : '',
    `<div class="notice"><p>${escapeHtml(say.confirmation(view.judicialConfirmation.lastDayText))}</p>`,
    `<p>${escapeHtml(say.callback(lastDayText(view.callback.at, language)))}</p></div>`,
    `<div class="signatures">${signatures}`,
    `<p>${escapeHtml(say.mediatorSign + say.colon)}<span class="line"></span></p>`,
    `<p class="seal">${escapeHtml(say.seal)}<br>${escapeHtml(say.date)}</p></div>`,
    '</main></body></html>',
  ].join('');
}
