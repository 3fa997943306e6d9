import { INDICATOR_LABELS } from './indicators.js';

/** The catalogue: every code a client may send or show, with its zh-CN and English label. */
export interface CatalogEntry {
  code: string;
  zh: string;
  en: string;
}

const entries = <const T extends readonly (readonly [string, string, string])[]>(rows: T) =>
  rows.map(([code, zh, en]) => ({ code, zh, en })) as {
    [K in keyof T]: { code: T[K][0]; zh: string; en: string };
  };

export const CATEGORIES = entries([
  ['neighbor', '相邻权', 'Neighbour rights'],
  ['marriage_family', '婚姻家庭', 'Marriage and family'],
  ['village_affairs', '村务管理', 'Village affairs'],
  ['rural_construction', '农村建设', 'Rural construction'],
  ['land_use', '土地经营', 'Land contracting and use'],
  ['environment', '环境污染', 'Environmental pollution'],
  ['land_requisition', '征地拆迁', 'Land requisition and demolition'],
  ['labor_wages', '劳动工资', 'Labour and wages'],
  ['social_security', '社会保障', 'Social security'],
  ['other', '其他', 'Other'],
]);

const KINDS = entries([
  ['petition', '信访', 'Petition'],
  ['dispute', '矛盾纠纷', 'Dispute'],
]);

export const CHANNELS = entries([
  ['visit', '来访', 'Visit'],
  ['letter', '来信', 'Letter'],
  ['phone', '来电', 'Phone'],
  ['online', '网上信访', 'Online'],
  ['patrol', '网格巡查', 'Grid patrol'],
  ['referral', '上级交办/转送', 'Referred from above'],
]);

const TYPES = entries([
  ['suggestion', '意见建议', 'Suggestion'],
  ['accusation', '检举控告', 'Accusation'],
  ['claim', '申诉求决', 'Claim or appeal'],
]);

export const TRACKS = entries([
  ['immediate', '马上办', 'Do it now'],
  ['coordinated', '协调办', 'Coordinate across departments'],
  ['supervised', '盯着办', 'Close follow-up'],
]);

export const STATUSES = entries([
  ['registered', '已登记', 'Registered'],
  ['accepted', '已受理', 'Accepted'],
  ['declined', '不予受理', 'Declined'],
  ['transferred', '已转送', 'Transferred'],
  ['returned', '已退回', 'Returned'],
  ['replied', '已答复', 'Replied'],
  ['under_review', '复查复核中', 'Under review'],
  ['reviewed', '已复查复核', 'Reviewed'],
  ['closed', '已办结', 'Closed'],
  ['withdrawn', '已撤回', 'Withdrawn'],
]);

export const OUTCOMES = entries([
  ['resolved', '已化解', 'Resolved'],
  ['partially_resolved', '部分化解', 'Partially resolved'],
  ['not_resolved', '未化解', 'Not resolved'],
  ['referred', '已引导至法定途径', 'Referred to another channel'],
]);

const SERVICE_LINES = entries([
  ['mediation', '人民调解', 'Mediation'],
  ['legal_aid', '法律援助', 'Legal aid'],
  ['labor_arbitration', '劳动仲裁', 'Labour arbitration'],
  ['litigation', '诉讼服务', 'Litigation service'],
  ['petition', '信访事项办理', 'Petition handling'],
]);

const RATINGS = entries([
  ['satisfied', '满意', 'Satisfied'],
  ['basically_satisfied', '基本满意', 'Basically satisfied'],
  ['dissatisfied', '不满意', 'Dissatisfied'],
]);

/**
 * Helpers who are not staff (社会力量): the three officials and one lawyer (三官一律), counsellors, veteran cadres and
 * party members, volunteers, and the notables and able villagers of the village mediation committees (乡贤、能人).
 */
const HELPER_KINDS = entries([
  ['judge', '法官', 'Judge'],
  ['prosecutor', '检察官', 'Prosecutor'],
  ['police_officer', '民警', 'Police officer'],
  ['lawyer', '律师', 'Lawyer'],
  ['counsellor', '心理咨询师', 'Counsellor'],
  ['veteran_cadre', '老干部', 'Veteran cadre'],
  ['veteran_party_member', '老党员', 'Veteran party member'],
  ['volunteer', '志愿者', 'Volunteer'],
  ['village_mediator', '村调委会成员（乡贤、能人）', 'Village mediation committee member'],
]);

/** People's mediation (人民调解法): committees, agreement forms, the routes advised on failure, callbacks. */
export const COMMITTEE_LABELS = entries([
  ['village', '村（居）人民调解委员会', 'Village mediation committee'],
  ['town', '镇人民调解委员会', 'Town mediation committee'],
]);
export const AGREEMENT_FORM_LABELS = entries([
  ['written', '书面调解协议', 'Written agreement'],
  ['oral', '口头调解协议', 'Oral agreement'],
]);
const ADVISED_ROUTE_LABELS = entries([
  ['litigation', '向人民法院提起诉讼', 'Litigation in a people’s court'],
  ['arbitration', '申请仲裁', 'Arbitration'],
  ['administrative', '申请行政机关处理', 'An administrative route'],
]);
export const PERFORMANCE_LABELS = entries([
  ['performed', '已履行', 'Performed'],
  ['partly', '部分履行', 'Partly performed'],
  ['not_performed', '未履行', 'Not performed'],
]);
export const FOLLOW_UP_LABELS = entries([
  ['urged', '已督促履行', 'Performance urged'],
  ['told_may_sue', '已告知可依法向人民法院起诉', 'Told they may sue'],
]);
/** The window's other lines a matter is handed to (五位一体). */
const HAND_OFF_LINE_LABELS = entries([
  ['legal_aid', '法律援助', 'Legal aid'],
  ['labor_arbitration', '劳动仲裁', 'Labour arbitration'],
  ['litigation', '诉讼服务', 'Litigation service'],
]);

const codes = <T extends readonly { code: string }[]>(list: T) =>
  list.map((e) => e.code) as unknown as readonly [T[number]['code'], ...T[number]['code'][]];

export const KIND_CODES = codes(KINDS);
export const CHANNEL_CODES = codes(CHANNELS);
export const TYPE_CODES = codes(TYPES);
export const TRACK_CODES = codes(TRACKS);
export const STATUS_CODES = codes(STATUSES);
export const OUTCOME_CODES = codes(OUTCOMES);
export const SERVICE_LINE_CODES = codes(SERVICE_LINES);
export const RATING_CODES = codes(RATINGS);
export const HELPER_KIND_CODES = codes(HELPER_KINDS);
export const DEFAULT_CATEGORY_CODES = codes(CATEGORIES);

/**
 * Categories whose matters concern a place rather than a family or a person's income, so that a request filed in them
 * may be listed publicly (Open311). Family, wages, social security, land contracts and requisitions stay private.
 */
export const DEFAULT_PUBLIC_CATEGORY_CODES: readonly string[] = [
  'neighbor',
  'village_affairs',
  'rural_construction',
  'environment',
];

export type Track = (typeof TRACK_CODES)[number];
export type Status = (typeof STATUS_CODES)[number];

export const OPEN_STATUSES: readonly Status[] = [
  'registered',
  'accepted',
  'replied',
  'under_review',
  'reviewed',
];

/** The backlog ledger's figures (积案台账), as `GET /v1/metrics` gives them under `backlog`. */
const BACKLOG_LEDGER = entries([
  ['openAtStart', '期初积案', 'Open when the period began'],
  ['entered', '本期录入', 'Entered in the period'],
  ['resolved', '本期化解（办结）', 'Resolved (closed) in the period'],
  ['otherwiseConcluded', '本期以其他方式了结', 'Concluded otherwise in the period'],
  ['remaining', '期末剩余', 'Remaining when the period ended'],
]);

/** The indicators of `GET /v1/metrics` and the bulletins, by name. */
const INDICATORS = Object.entries(INDICATOR_LABELS).map(([code, label]) => ({ code, ...label }));

export const catalog = () => ({
  indicators: INDICATORS,
  backlogLedger: BACKLOG_LEDGER,
  categories: CATEGORIES,
  kinds: KINDS,
  channels: CHANNELS,
  types: TYPES,
  tracks: TRACKS,
  statuses: STATUSES,
  outcomes: OUTCOMES,
  serviceLines: SERVICE_LINES,
  ratings: RATINGS,
  helperKinds: HELPER_KINDS,
  committees: COMMITTEE_LABELS,
  agreementForms: AGREEMENT_FORM_LABELS,
  advisedRoutes: ADVISED_ROUTE_LABELS,
  performanceResults: PERFORMANCE_LABELS,
  followUps: FOLLOW_UP_LABELS,
  handOffLines: HAND_OFF_LINE_LABELS,
});

/** A code's label in one language, as the catalogue names it; a code the catalogue lacks is shown as it is. */
export const labelOf = (list: readonly CatalogEntry[], code: string, language: 'zh' | 'en'): string =>
  list.find((entry) => entry.code === code)?.[language] ?? code;

/** Who may call, by role: the words a refusal names them by. */
export const ROLE_LABELS = entries([
  ['clerk', '接待窗口工作人员', 'reception clerks'],
  ['grid_worker', '网格员', 'grid workers'],
  ['handler', '承办人', 'case handlers'],
  ['leader', '党政领导', 'town leaders'],
  ['supervisor', '信访办', 'the petition office'],
  ['admin', '系统管理员', 'administrators'],
  ['petitioner', '信访人', 'petitioners'],
  ['city_supervisor', '市县信访局', 'the city petition bureau'],
]);

/** The commands of the case state machine (`domain/lifecycle.ts`), by the act they name. */
export const COMMAND_LABELS = entries([
  ['accept', '受理', 'accept'],
  ['decline', '不予受理', 'decline'],
  ['transfer', '转送', 'transfer'],
  ['return', '退回', 'return'],
  ['triage', '分流', 'triage'],
  ['assign', '交办', 'assign'],
  ['own', '领导包案', 'take ownership'],
  ['escalate', '提级办理', 'escalate'],
  ['extend', '延期', 'extend'],
  ['classify', '认定初信初访或重复信访', 'classify as first-time or repeat'],
  ['mark-key', '列为重点信访矛盾', 'mark as a key case'],
  ['unmark-key', '取消重点信访矛盾', 'unmark as a key case'],
  ['reply', '答复', 'reply'],
  ['rate', '评价', 'rate'],
  ['request-review', '申请复查复核', 'request a review'],
  ['record-review', '录入复查复核意见', 'record the review'],
  ['close', '办结', 'close'],
  ['withdraw', '撤回', 'withdraw'],
  ['mediate', '交付人民调解', 'put to mediation'],
  ['extend-mediation', '延长调解期限', 'extend the mediation'],
  ['agree', '记录调解协议', 'record the agreement'],
  ['mediation-failed', '记录调解不成', 'record that mediation failed'],
  ['callback', '回访履行情况', 'record the callback'],
  ['hand-off', '分流至其他渠道', 'hand off to another line'],
  ['hand-off-result', '录入分流反馈', 'record the hand-off’s return'],
  // not a command of the state machine: the city's supervision of an open case, which changes no status
  ['supervise', '上级督办', 'supervise from the city'],
]);

/** The levels a case is handled at. */
export const CASE_LEVEL_LABELS = entries([
  ['village', '村级', 'village'],
  ['town', '镇级', 'town'],
  ['county', '县级', 'county'],
]);

/** The levels of the grid tree (网格化管理). */
export const GRID_LEVEL_LABELS = entries([
  ['comprehensive', '综合网格', 'comprehensive grid'],
  ['village', '村级网格', 'village grid'],
  ['unit', '网格单元', 'grid unit'],
]);
