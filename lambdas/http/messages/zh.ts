import {
  CASE_LEVEL_LABELS,
  type CatalogEntry,
  COMMAND_LABELS,
  GRID_LEVEL_LABELS,
  labelOf,
  ROLE_LABELS,
  STATUSES,
} from '../../domain/catalog.js';

/**
 * Every word of a problem answer in Chinese: a title for each problem type and rule, each detail and each field
 * message. The English catalogue (`en.ts`) has the same keys and parameters, so neither language can miss one.
 */

const label = (list: readonly CatalogEntry[], code: string) => labelOf(list, code, 'zh');
const quoted = (text: string) => `“${text}”`;
const listed = (items: readonly string[]) => items.join('、');
/** A space before Latin text that follows Chinese (须为 true 或 false). */
const spaced = (text: string) => (/^[A-Za-z]/.test(text) ? ` ${text}` : text);

const TYPE_NAMES: Record<string, string> = {
  string: '文字',
  number: '数字',
  int: '整数',
  bigint: '整数',
  boolean: 'true 或 false',
  array: '列表',
  object: '对象',
  null: 'null',
  date: '日期',
};

const ANSWERS: Record<'reply' | 'review' | 're_review', string> = {
  reply: '答复意见',
  review: '复查意见',
  re_review: '复核意见',
};
const WINDOWS: Record<'return' | 'reply' | 'review' | 'mediation', string> = {
  mediation: '调解期限已过，不能再延长，请记录调解结果',
  return: '退回交办事项的期限已过',
  reply: '答复期限已过，不能再延期',
  review: '申请复查复核的期限已过',
};

export const zh = {
  title: {
    'already-mediated': '本案已交付调解',
    'not-mediating': '本案没有进行中的调解',
    'no-agreement': '尚未达成调解协议',
    'already-called-back': '已回访',
    'hand-off-open': '已分流至该渠道',
    'hand-off-returned': '分流事项已反馈',
    unauthorized: '未登录或登录已失效',
    'not-found': '未找到',
    forbidden: '无权执行此操作',
    'payload-too-large': '请求内容过大',
    'unsupported-media-type': '请求内容须为 JSON',
    'precondition-required': '缺少案件版本号',
    validation: '输入有误',
    'stale-version': '内容已被他人修改，请刷新后重试',
    'wrong-status': '当前状态不允许此操作',
    conflict: '与现有数据冲突',
    'repeat-of-open-case': '该信访人同类事项尚在办理中（重复信访）',
    'idempotency-mismatch': '幂等键已用于另一个请求',
    'helper-inactive': '社会调解力量已停用',
    'in-progress': '相同请求正在处理',
    throttled: '请求过于频繁',
    unavailable: '服务暂时不可用',
    internal: '服务内部错误',
    'respondent-recusal': '被反映人须回避',
    'not-referred': '不是上级交办的事项',
    'window-closed': '已超过办理期限',
    'not-higher-level': '只能向更高一级提级',
    'already-extended': '已延期过一次，不能再次延期',
    'first-time-no-extension': '初次信访事项不予延期',
    'extension-too-long': '延期天数超过上限',
    'past-upper-level-due': '延期不得超过上级交办的办理期限',
    'self-reference': '案件不能重复自身',
    'already-key': '该案件已是重点信访矛盾',
    'not-key': '该案件不是重点信访矛盾',
    'already-rated': '已评价过',
    'no-further-review': '已复核，不能再申请复查复核',
    'delivered-before-request': '复查（复核）意见送达时间不得早于申请时间',
    'review-window-open': '复查复核申请期限未过，暂不能办结',
    'grid-has-cases': '网格下已有案件，不能移动',
    'subtree-too-large': '下级网格过多，不能一次移动',
    'already-claimed': '案件已关联其他账号',
    'already-erased': '个人信息已删除',
    'case-open': '案件尚在办理，个人信息不能删除',
    'attachment-limit': '本案附件已达上限',
    'upload-mismatch': '上传的文件与申报的不符',
    'minutes-recorded': '会议纪要已录入',
    'decision-done': '该议定事项已落实',
    'meeting-not-held': '会议尚未召开',
  },
  rule: {
    'already-mediated':
      '本案已交付人民调解，一案只调解一次；调解不成的，已告知当事人可依法通过仲裁、行政、司法等途径维护权利',
    'not-mediating': '本案没有进行中的调解：请先交付调解；已结束的调解不能再延长期限或记录结果',
    'no-agreement': '本案未达成调解协议，没有需要回访的履行情况',
    'already-called-back': '调解协议的履行情况已回访记录',
    'hand-off-open': '本案已分流至该渠道，尚未反馈：请先录入反馈结果',
    'hand-off-returned': '该分流事项的反馈结果已录入',
    'respondent-recusal': '被反映人不能办理、包案或参与办理反映自己的案件',
    'not-referred': '只有上级交办或转送的事项才能退回',
    'window-closed': ({ window }: { window: keyof typeof WINDOWS }) => WINDOWS[window],
    'not-higher-level': ({ level }: { level: string }) =>
      `案件已在${label(CASE_LEVEL_LABELS, level)}办理，只能提级到更高一级`,
    'already-extended': '本案已延期过一次，不能再次延期',
    'first-time-no-extension': '按本镇规定，初次信访事项一律不予延期',
    'extension-too-long': ({ maxDays }: { maxDays: number }) => `延期最多 ${maxDays} 日`,
    'past-upper-level-due': ({
      dueDate,
      days,
      endDate,
    }: {
      dueDate: string;
      days: number;
      endDate: string;
    }) => `上级交办的办理期限为 ${dueDate}（北京时间），延期 ${days} 日将至 ${endDate}，超过上级期限`,
    'self-reference': '案件不能认定为重复自身',
    'already-key': '该案件已列为重点信访矛盾',
    'not-key': '该案件未列为重点信访矛盾，无需取消',
    'already-rated': ({ answer }: { answer: keyof typeof ANSWERS }) => `该${ANSWERS[answer]}已评价过`,
    'no-further-review': '复核是最后一级审查，不能再申请复查复核',
    'delivered-before-request': '复查（复核）意见的送达时间不能早于信访人提出申请的时间',
    'review-window-open': '信访人仍可申请复查复核，期限届满或信访人满意后方可办结',
    'grid-has-cases': '该网格或其下级网格已有案件，不能移动',
    'subtree-too-large': '该网格的下级网格过多，请先分别移动下级网格',
    'already-claimed': '该案件已关联到另一个账号',
    'already-erased': '本案的个人信息已删除',
    'case-open': '案件尚在办理中，个人信息须保留',
    'attachment-limit': ({ max }: { max: number }) => `每个案件最多保存 ${max} 个附件`,
    'upload-mismatch': ({ what }: { what: 'missing' | 'size' | 'checksum' | 'type' }) =>
      ({
        missing: '尚未收到上传的文件：请先按上传地址上传，再确认',
        size: '上传的文件大小与申报的不一致，文件已删除，请重新申报上传',
        checksum: '上传的文件校验值（SHA-256）与申报的不一致，文件已删除，请重新申报上传',
        type: '文件内容与申报的类型不符（只接受 JPEG、PNG 图片和 PDF 文件），文件已删除',
      })[what],
    'minutes-recorded': '会议纪要只录入一次；议定事项有误的，在标记落实时说明，另行会商议定',
    'decision-done': '该议定事项已标记为落实，不能重复标记',
    'meeting-not-held': '会议日期未到，不能录入纪要',
  },
  forbidden: {
    'mediators-only': '只有本案的调解员和接待窗口工作人员可以办理',
    'not-your-command': ({ command }: { command: string }) =>
      `您无权对本案执行${quoted(label(COMMAND_LABELS, command))}`,
    'grid-worker-own-grids': '网格员只能在本人负责的网格内登记案件',
    'carried-case-supervisor-only': '积案只能由信访办录入',
    'reveal-not-allowed': '个人信息仅向窗口工作人员、信访办和承办人显示；检举控告人的信息仅向有权查看者显示',
    'patrol-own-grids': '只能为本人负责的网格登记巡查',
    'attachments-online-only': '信访人只能为本人在网上提交的信访事项上传材料',
    'reception-own': '领导只能录入本人的接访记录，接待窗口工作人员可为任一领导录入',
    'meeting-minutes': '会议纪要仅限会议主持人、召集人或信访办录入',
    'decision-done-by': '议定事项仅限责任人、会议主持人或信访办标记落实',
    'town-routes': '市县信访局账号只能使用 /v1/city 下的接口查看和督办所辖乡镇',
    roles: ({ roles }: { roles: readonly string[] }) =>
      `此操作仅限${listed(roles.map((role) => label(ROLE_LABELS, role)))}`,
  },
  detail: {
    'wrong-status': ({ status, command }: { status: string; command: string }) =>
      `案件当前状态为${quoted(label(STATUSES, status))}，不能执行${quoted(label(COMMAND_LABELS, command))}`,
    validation: ({ count }: { count: number }) => `有 ${count} 处填写有误，请按各项提示修改`,
    cursor: '翻页参数无效，请从第一页重新查询',
    throttled: ({ seconds }: { seconds: number }) => `尝试过于频繁，请 ${seconds} 秒后再试`,
    busy: '服务繁忙，请稍后用同一 Idempotency-Key 重试',
    'database-down': '数据库暂时无法访问',
    'too-large': ({ bytes }: { bytes: number }) => `请求内容不得超过 ${bytes} 字节`,
    'media-type': 'Content-Type 须为 application/json',
    'bad-json': '请求内容不是合法的 JSON',
    'if-match': '执行命令须带 If-Match 请求头，注明所依据的案件版本',
    'idempotency-mismatch': '此 Idempotency-Key 已用于内容不同的请求',
    'in-progress': '使用相同 Idempotency-Key 的请求仍在处理，请稍后重试',
    unauthorized: '登录凭证缺少有效的身份信息',
    'key-on-reveal': '查看个人信息不接受 Idempotency-Key，每次查看单独记录',
    'key-on-issue': '签发 Open311 密钥不接受 Idempotency-Key，密钥只显示一次',
    'repeat-not-open': ({ number, status }: { number: string; status: string }) =>
      `案件 ${number} ${label(STATUSES, status)}，不能再并入重复事项，请按新事项登记`,
    'repeat-hidden':
      '该信访人在本类别已有尚未办结的案件，且不在您的办理范围内，请由镇人民来访接待中心窗口登记处理',
    'repeat-open': ({ number, status }: { number: string; status: string }) =>
      `该信访人在本类别已有尚未办结的案件 ${number}（${label(STATUSES, status)}）：请并入该案，或说明另立案件的理由`,
    'helper-inactive': ({ id }: { id: string }) => `社会调解力量 ${id} 已停用，不能加入包案团队`,
  },
  /** The timeline's words for events that name another town (转送). */
  timeline: {
    'transferred-to': ({ town, number }: { town: string; number: string }) => `转送至${town}（${number}）`,
    'transferred-from': ({ town, number }: { town: string; number: string }) => `由${town}转来（${number}）`,
  },
  /** What a case's staff read of the same person's case on the same matter in another town (never which case). */
  crossTown: {
    earlier: ({ town }: { town?: string | undefined }) =>
      `该信访人在其他乡镇${town ? `（${town}）` : ''}另有同一事项的信访件，登记早于本件`,
    later: ({ town }: { town?: string | undefined }) =>
      `该信访人此后在其他乡镇${town ? `（${town}）` : ''}另有同一事项的信访件`,
  },
  field: {
    'before-today': '不能早于今天（北京时间）',
    'before-mediation': '不能早于调解开始的时间',
    'parties-consent': '延长调解期限须经双方当事人同意',
    'written-agreement-needs': '书面调解协议须载明此项（《人民调解法》第二十九条）',
    'follow-up-required': '协议未履行或未全部履行的，须记录督促履行或告知当事人可依法起诉',
    'not-a-mediator': '不是本镇工作人员，也不是调解员名录中的在册人员',
    'not-a-petitioner': '本案没有这一位信访人',
    'no-respondent': '本案没有登记被反映人',
    'too-few-parties': '调解须有至少两方当事人',
    'unknown-hand-off': '不是本案的分流事项',
    required: '必填',
    type: ({ expected }: { expected: string }) => `须为${spaced(TYPE_NAMES[expected] ?? '其他类型')}`,
    'too-long': ({ max }: { max: number }) => `最多 ${max} 字`,
    'too-short': ({ min }: { min: number }) => `至少 ${min} 字`,
    empty: '不能为空',
    'too-many': ({ max }: { max: number }) => `最多 ${max} 项`,
    'too-few': ({ min }: { min: number }) => `至少 ${min} 项`,
    'at-most': ({ max }: { max: number }) => `不能大于 ${max}`,
    below: ({ max }: { max: number }) => `须小于 ${max}`,
    'at-least': ({ min }: { min: number }) => `不能小于 ${min}`,
    above: ({ min }: { min: number }) => `须大于 ${min}`,
    'one-of': ({ values }: { values: readonly string[] }) => `须为以下之一：${listed(values)}`,
    'multiple-of': ({ step }: { step: number }) => `须为 ${step} 的整数倍`,
    datetime: '请填写带时区的时间，如 2026-12-18T09:00:00+08:00',
    date: '请填写日期，如 2026-12-18',
    format: '格式不正确',
    union: '不符合任何一种允许的填写方式',
    invalid: '取值无效',
    'unknown-field': '不允许的字段',
    'unknown-grid': '不是本镇的网格',
    'unknown-case': '不是本镇的案件',
    'unknown-helper': '不是本镇登记的社会调解力量',
    'helper-inactive': '该社会调解力量已停用',
    'grid-required': '网格员登记案件须填写网格',
    'grid-has-no-parent': '综合网格没有上级网格',
    'parent-required': ({ level, parentLevel }: { level: string; parentLevel: string }) =>
      `${label(GRID_LEVEL_LABELS, level)}须有上级${label(GRID_LEVEL_LABELS, parentLevel)}`,
    'parent-wrong-level': ({ level, parentLevel }: { level: string; parentLevel: string }) =>
      `${label(GRID_LEVEL_LABELS, level)}的上级须为${label(GRID_LEVEL_LABELS, parentLevel)}`,
    'parent-under-itself': '网格不能移到自身或其下级网格之下',
    'no-open-case': '这些信访人在本类别没有尚未办结的案件，无需说明另立理由，请直接登记',
    'case-not-visible': '不是本镇您可查看的案件',
    'not-same-matter': '不是这些信访人在本类别的案件',
    'case-not-open': ({ status }: { status: string }) => `该案件${label(STATUSES, status)}，已不在办理中`,
    'in-future': '不能晚于当前时间',
    'before-review-request': '不能早于申请复查复核的时间',
    'before-from': '结束日期不能早于开始日期',
    'ladder-overdue-last': '最后一步须为期限当日（提前 0 日）的逾期督办，且只能有这一步逾期督办',
    'ladder-ids-unique': '步骤编号不能重复',
    'id-length': '身份证号码须为 18 位',
    'id-format': '身份证号码须为 17 位数字加 1 位数字或 X',
    'id-birth-date': '身份证号码中的出生日期不存在',
    'id-checksum': '身份证号码校验位不正确，请核对',
    phone: '请填写手机号码，或带区号的固定电话',
    'not-a-category': '不是本镇事项分类中的类别',
    'headcount-below-petitioners': '人数不能少于所填信访人人数',
    'late-entry-reason-required': ({ days }: { days: number }) =>
      `来访时间在 ${days} 日之前的，须说明补录原因`,
    'referral-required': '上级交办或转送的事项须填写交办信息',
    'carried-received-at-required': '积案须填写最初来访时间',
    'carried-track-required': '已受理的积案须填写办理方式',
    'history-before-received': '不能早于事项最初来访的日期',
    'carried-due-passed': '积案不能填写已过去的上级期限',
    'range-too-long': ({ days }: { days: number }) => `查询范围最多 ${days} 天`,
    'fields-repeat': '字段不能重复',
    'not-a-case-number': '不是案件编号（如 XF-20261218-0001）',
    'one-line': '只能填写一行文字',
    'file-too-large': ({ mib }: { mib: number }) => `文件不得超过 ${mib} MiB`,
    'unknown-staff': '不是本镇工作人员名录中的人员',
    'due-before-meeting': '落实期限不能早于会议日期',
    'not-a-leader': '不是本镇工作人员中的党政领导',
    'slot-clash': '该领导在这个时段已有接访安排',
    'in-past': '不能早于今天',
    'case-twice': '本次接访的另一批来访已关联该案件',
    'case-or-registration': '请填写 caseId 或 registration 之一，不能同时填写',
    'unknown-town': '不是本系统服务的乡镇',
    'own-town': '本案已在该镇，不能转送至本镇',
    'transfer-destination':
      '请填写 toUnit（本系统以外的单位）或 toTown（本系统服务的乡镇）之一，不能都填或都不填',
    'open-case-of-petitioner': ({ number }: { number: string }) =>
      number
        ? `信访人在该类别已有未办结的案件 ${number}，请改填其 caseId`
        : '信访人在该类别已有您无权查看的未办结案件，请由镇接待窗口办理',
    'key-not-accepted': '此请求不接受该请求头',
    'bad-json': '不是合法的 JSON',
    'year-mismatch': '须与路径中的年份一致',
    'calendar-conflict':
      '节假日与调休上班日不一致：同一天不能既放假又上班，调休上班日须为周末，日期须在本年前后',
    'not-a-date': '请填写日期，如 2026-12-18',
    'not-a-week': '请填写周次，如 2026-W51',
    'not-a-month': '请填写月份，如 2026-12',
    'not-a-year': '请填写年份，如 2026',
    'not-begun': '尚未开始',
    'number-alone': '按编号查找时不能再加其他条件或翻页参数',
    'nothing-to-change': '没有要修改的内容',
    cursor: '不是本列表给出的翻页参数',
  },
};

/** The catalogue's shape: every language has exactly these keys, each with these parameters. */
export type Messages = typeof zh;
