import type { Deps } from '../adapters/deps.js';
import { GridRepository } from '../adapters/grid-repository.js';
import { addDays } from '../domain/beijing-time.js';
import { beijingDate } from '../domain/deadlines.js';
import { childPath, type GridRecord } from '../domain/grid.js';
import { makeValidIdNumber } from '../domain/id-number.js';
import type { StaffRole } from '../domain/roles.js';
import { issueToken, type LocalKeys, NEIGHBOUR_TOWN } from './identity.js';

/**
 * A demo town for `npm start`: a small grid tree written directly, then everything else through the API itself, as
 * the town's staff would do it: the staff directory, the grid workers' assignments, cases received over the last few
 * weeks (late entries with their reason) taken through their commands by the roles that give them, a patrol, the
 * town's names on its bulletins and an Open311 key.
 */

const DEMO_GRIDS: Omit<GridRecord, 'town' | 'path' | 'createdAt' | 'updatedAt'>[] = [
  { id: 'g-town', name: '枫桥镇综合网格', level: 'comprehensive' },
  { id: 'g-dongcun', name: '东村网格', level: 'village', parentId: 'g-town', village: '东村' },
  { id: 'g-dongcun-1', name: '东村第一网格单元', level: 'unit', parentId: 'g-dongcun', village: '东村' },
  { id: 'g-xicun', name: '西村网格', level: 'village', parentId: 'g-town', village: '西村' },
];

interface DemoStaff {
  userId: string;
  name: string;
  title: string;
  roles: StaffRole[];
  /** The grids a grid worker patrols. */
  grids?: string[];
}

export const DEMO_STAFF: readonly DemoStaff[] = [
  { userId: 'clerk-1', name: '陈晓燕', title: '镇人民来访接待中心窗口受理员', roles: ['clerk'] },
  {
    userId: 'grid-worker-1',
    name: '王建国',
    title: '东村专职网格员',
    roles: ['grid_worker'],
    grids: ['g-dongcun'],
  },
  {
    userId: 'grid-worker-2',
    name: '李秀兰',
    title: '西村专职网格员',
    roles: ['grid_worker'],
    grids: ['g-xicun'],
  },
  { userId: 'handler-1', name: '周敏', title: '镇司法所人民调解员', roles: ['handler'] },
  { userId: 'handler-2', name: '吴立新', title: '镇劳动保障所工作人员', roles: ['handler'] },
  { userId: 'leader-1', name: '赵志强', title: '镇党委副书记', roles: ['leader'] },
  { userId: 'supervisor-1', name: '孙卫东', title: '镇信访办主任', roles: ['supervisor'] },
  { userId: 'admin-1', name: '钱磊', title: '镇综治中心信息管理员', roles: ['admin'] },
];

/** What the first start seeded, for the start banner: the Open311 key is shown this once. */
export interface SeededTown {
  cases: number;
  open311Key: string;
}

/** Creates the demo grids; true when this was the first start (so the rest of the town is seeded too). */
export async function seedDemoGrids(deps: Deps, town: string): Promise<boolean> {
  const grids = new GridRepository(deps.db, deps.tables.grids);
  const now = deps.now().toISOString();
  const paths = new Map<string, string>();
  let created = false;
  for (const grid of DEMO_GRIDS) {
    const path = childPath(grid.parentId ? paths.get(grid.parentId) : undefined, grid.id);
    paths.set(grid.id, path);
    created = (await grids.create({ ...grid, town, path, createdAt: now, updatedAt: now })) || created;
  }
  return created;
}

/** Whether the town's staff directory has anyone: a demo town seeded by an earlier version has no one. */
export async function hasStaff(deps: Deps, town: string): Promise<boolean> {
  return (await new GridRepository(deps.db, deps.tables.grids).staff(town)).length > 0;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  etag: string;
}

/** The API as one member of the staff calls it; any status but the expected one stops the seed, saying which call. */
function demoClient(baseUrl: string, keys: LocalKeys, town: string) {
  const tokens = new Map<string, Promise<string>>();
  const tokenOf = (userId: string) => {
    const roles = DEMO_STAFF.find((s) => s.userId === userId)?.roles ?? [];
    if (!tokens.has(userId)) tokens.set(userId, issueToken(keys, { roles, sub: userId, town }));
    return tokens.get(userId) as Promise<string>;
  };
  return async (
    userId: string,
    method: string,
    path: string,
    body?: unknown,
    options: { ifMatch?: string; expect?: number[] } = {},
  ): Promise<Answer> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await tokenOf(userId)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.ifMatch ? { 'if-match': options.ifMatch } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const expected = options.expect ?? [200, 201];
    if (!expected.includes(response.status))
      throw new Error(`demo town not seeded: ${method} ${path} answered ${response.status} ${text}`);
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      etag: response.headers.get('etag') ?? '',
    };
  };
}

const DAY_MS = 24 * 3600_000;
let petitionerSeq = 0;
/** A petitioner of each case's own, so that no demo case is a repeat of another. */
const petitioner = (name: string, birth: string, phone: string) => ({
  name,
  idNumber: makeValidIdNumber('330681', birth, String(++petitionerSeq).padStart(3, '0')),
  phone,
});

/** A command's body, or one made from today's Beijing date (a date the API refuses in the past). */
type StepBody = Record<string, unknown> | ((today: string) => Record<string, unknown>);
type Step = [userId: string, command: string, body: StepBody];

interface DemoCase {
  daysAgo: number;
  body: Record<string, unknown>;
  steps: Step[];
}

const accept = (track: string, assigneeId: string): Step => ['clerk-1', 'accept', { track, assigneeId }];

const DEMO_CASES: DemoCase[] = [
  {
    // replied, called back satisfied, closed
    daysAgo: 12,
    body: {
      kind: 'petition',
      channel: 'visit',
      category: 'labor_wages',
      title: '镇东工地拖欠农民工工资',
      description: '在镇东安置房工地务工三个月，包工头以工程款未到为由拖欠工资三万六千元。',
      gridId: 'g-dongcun-1',
      petitioners: [petitioner('张建华', '19780312', '13912345678')],
    },
    steps: [
      accept('coordinated', 'handler-2'),
      [
        'handler-2',
        'reply',
        {
          outcome: 'resolved',
          opinion: '经镇劳动保障所协调，施工单位已结清所欠工资三万六千元，并与务工人员签订书面用工合同。',
          resolution: ['施工单位结清欠薪', '补签书面用工合同'],
        },
      ],
      ['clerk-1', 'rate', { rating: 'satisfied', comment: '电话回访：工资已全部到账，表示满意。' }],
      ['clerk-1', 'close', { note: '当事人满意，予以办结。' }],
    ],
  },
  {
    // replied, waiting for the petitioner's rating
    daysAgo: 10,
    body: {
      kind: 'dispute',
      channel: 'visit',
      category: 'neighbor',
      title: '排水沟堵塞引发邻里纠纷',
      description: '两户相邻，一方填埋排水沟修建围墙，雨天积水流入另一方院内。',
      gridId: 'g-dongcun-1',
      petitioners: [petitioner('李桂芳', '19650820', '13857512345'), { name: '何永军' }],
    },
    steps: [
      accept('immediate', 'handler-1'),
      [
        'handler-1',
        'reply',
        {
          outcome: 'resolved',
          opinion: '经村调委会现场调解，双方同意拆除占沟部分围墙，共同疏通排水沟，并签订调解协议。',
          resolution: ['拆除占沟围墙', '共同疏通排水沟', '签订人民调解协议书'],
        },
      ],
    ],
  },
  {
    // a key case (重点信访矛盾) owned by the deputy party secretary (包案)
    daysAgo: 8,
    body: {
      kind: 'petition',
      channel: 'visit',
      category: 'land_requisition',
      title: '西村征地补偿款分配争议',
      description: '西村六户村民对集体土地征收补偿款的分配方案有异议，要求公开测算依据。',
      gridId: 'g-xicun',
      headcount: 6,
      petitioners: [
        petitioner('钱国强', '19700105', '13706751234'),
        petitioner('孙美娟', '19720618', '13567512345'),
      ],
    },
    steps: [
      accept('supervised', 'handler-1'),
      ['leader-1', 'mark-key', { reason: '涉及六户群众切身利益的集体访，列为重点信访矛盾。' }],
      [
        'leader-1',
        'own',
        {
          leaderId: 'leader-1',
          team: ['handler-1', 'handler-2'],
          plan: {
            tasks: ['核实征地面积与补偿标准', '召开村民代表会议说明分配方案'],
            responsibilities: ['镇党委副书记牵头', '司法所负责法律解释', '劳动保障所配合核算'],
            measures: ['十日内公开测算依据', '每周向信访人通报进展'],
          },
        },
      ],
    ],
  },
  {
    // accepted and in the handler's hands
    daysAgo: 5,
    body: {
      kind: 'petition',
      channel: 'letter',
      category: 'environment',
      title: '养殖场污水直排河道',
      description: '西村桥头养殖场夜间向河道直排污水，气味刺鼻，影响下游村民生活用水。',
      gridId: 'g-xicun',
      petitioners: [petitioner('周文斌', '19820930', '13967512345')],
    },
    steps: [accept('coordinated', 'handler-1')],
  },
  {
    // still registered, past its acknowledgement deadline: the sweep and the bulletins show it overdue
    daysAgo: 17,
    body: {
      kind: 'petition',
      channel: 'letter',
      category: 'village_affairs',
      title: '村务公开不及时',
      description: '东村近两年的集体资产出租收入未按规定公开，村民多次询问未获答复。',
      gridId: 'g-dongcun',
      petitioners: [petitioner('吴春生', '19600214', '13605751234')],
    },
    steps: [],
  },
  {
    // mediated by the village committee to a written agreement, its performance not yet due
    daysAgo: 6,
    body: {
      kind: 'dispute',
      channel: 'visit',
      category: 'neighbor',
      title: '宅基地围墙越界纠纷',
      description: '两户相邻，一户新砌围墙越界约三十厘米，另一户要求拆除，双方多次争吵。',
      gridId: 'g-dongcun-1',
      petitioners: [
        petitioner('何建军', '19750518', '13857512345'),
        petitioner('钱丽萍', '19790826', '13957512345'),
      ],
    },
    steps: [
      accept('coordinated', 'handler-1'),
      [
        'clerk-1',
        'mediate',
        {
          committee: 'village',
          mediatorIds: ['handler-1'],
          parties: { petitioners: [0, 1], respondent: false },
        },
      ],
      [
        'handler-1',
        'agree',
        (today) => ({
          form: 'written',
          facts: '钱丽萍家新砌围墙越过两户宅基地界址约三十厘米',
          disputed: '越界围墙是否拆除及拆除费用由谁承担',
          responsibilities: '钱丽萍对围墙越界负主要责任',
          terms: ['钱丽萍自行拆除越界部分围墙，并按界址重砌', '何建军不再主张其他赔偿'],
          performance: { how: '钱丽萍自行拆除并重砌', where: '两户交界处', by: addDays(today, 10) },
        }),
      ],
    ],
  },
  {
    // just registered
    daysAgo: 2,
    body: {
      kind: 'dispute',
      channel: 'phone',
      category: 'marriage_family',
      title: '赡养老人费用分担纠纷',
      description: '三兄弟对母亲的赡养费用分担意见不一，老人来电求助。',
      petitioners: [petitioner('郑秀英', '19480703', '13757512345')],
    },
    steps: [],
  },
];

/** 09:30 Beijing time, that many days ago. */
const morningOf = (now: Date, daysAgo: number) =>
  `${beijingDate(new Date(now.getTime() - daysAgo * DAY_MS))}T09:30:00+08:00`;

/** A town's names on its bulletins and in the other towns' words, set by its admin over its policy. */
async function nameTown(call: ReturnType<typeof demoClient>, names: Record<string, string>): Promise<void> {
  const settings = await call('admin-1', 'GET', '/v1/admin/policy');
  const { recompute: _recompute, ...policy } = settings.body;
  await call('admin-1', 'PUT', '/v1/admin/policy', { ...policy, ...names });
}

/**
 * Seeds the rest of the demo town through the API at `baseUrl`, as its staff: call it once, on the start that created
 * the grids. Answers what the start banner says of it, the Open311 key among it.
 */
export async function seedDemoTown(
  baseUrl: string,
  keys: LocalKeys,
  town: string,
  now = new Date(),
): Promise<SeededTown> {
  const call = demoClient(baseUrl, keys, town);
  // the towns are named first, as an admin would before any work: each function reads the names with the town's
  // rules (cached for a minute), so the cases registered next already meet them
  await nameTown(call, {
    townName: '枫桥镇',
    issuingOffice: '枫桥镇信访办公室',
    townNameEn: 'Fengqiao Town',
    issuingOfficeEn: 'Fengqiao Town Petition Office',
  });
  // the neighbour town has no staff or cases of its own: it receives transfers and stands beside the demo town in
  // the city's view
  await nameTown(demoClient(baseUrl, keys, NEIGHBOUR_TOWN), {
    townName: '东溪镇',
    issuingOffice: '东溪镇信访办公室',
    townNameEn: 'Dongxi Town',
    issuingOfficeEn: 'Dongxi Town Petition Office',
  });

  await Promise.all([
    ...DEMO_STAFF.map(({ userId, grids: _grids, ...entry }) =>
      call('admin-1', 'PUT', `/v1/staff/${userId}`, { ...entry, contact: { channel: 'inbox' } }),
    ),
    ...DEMO_STAFF.flatMap(({ userId, grids = [] }) =>
      grids.map((grid) => call('admin-1', 'PUT', `/v1/grids/${grid}/workers/${userId}`)),
    ),
  ]);

  // one after the other, so that the window numbers them in the order they were received
  for (const { daysAgo, body, steps } of [...DEMO_CASES].sort((a, b) => b.daysAgo - a.daysAgo)) {
    const receivedAt = morningOf(now, daysAgo);
    // a new town keeps the default policy: an entry more than 3 days late says why
    const late = now.getTime() - Date.parse(receivedAt) > 3 * DAY_MS;
    const registered = await call('clerk-1', 'POST', '/v1/cases', {
      ...body,
      receivedAt,
      ...(late ? { lateEntryReason: '来信来访当日以纸质台账登记，系统启用后补录。' } : {}),
    });
    let etag = registered.etag;
    for (const [userId, command, stepBody] of steps) {
      const body = typeof stepBody === 'function' ? stepBody(beijingDate(now)) : stepBody;
      ({ etag } = await call(userId, 'POST', `/v1/cases/${registered.body.id}/${command}`, body, {
        ifMatch: etag,
      }));
    }
  }

  // today's patrol in 西村: what the grid worker found becomes a case of the patrol channel
  const patrol = await call('grid-worker-2', 'POST', '/v1/grids/g-xicun/patrols', {
    date: beijingDate(now),
    households: 28,
    notes: '走访西村三组农户，排查矛盾纠纷。',
    findings: [
      {
        kind: 'dispute',
        category: 'rural_construction',
        title: '村道被占用堆放建材',
        description: '三组一户建房时将砖石堆放在村道上，占去大半路面，农用车无法通行。',
        petitioners: [{ name: '冯德明' }],
      },
    ],
  });
  const cases = DEMO_CASES.length + (patrol.body.cases as unknown[]).length;

  // the leaders' reception roster of today and tomorrow, and this morning's reception on the patrol's finding
  const today = beijingDate(now);
  const slots = [{ leaderId: 'leader-1', period: 'morning', place: '镇人民来访接待中心', kind: 'window' }];
  for (const date of [today, addDays(today, 1)])
    await call('supervisor-1', 'PUT', `/v1/reception/roster/${date}`, { slots });
  const [found] = patrol.body.cases as { id: string }[];
  if (found)
    await call('clerk-1', 'POST', '/v1/receptions', {
      date: today,
      leaderId: 'leader-1',
      period: 'morning',
      visits: [
        {
          caseId: found.id,
          headcount: 3,
          onTheSpot: { measure: '约村委会与建房户当面协商，当日清出村道', track: 'immediate' },
        },
      ],
    });

  const key = await call('admin-1', 'POST', '/v1/admin/open311-keys', { name: '枫桥随手拍（演示）' });
  return { cases, open311Key: String(key.body.apiKey) };
}
