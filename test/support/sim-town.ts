import { randomBytes } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { CaseRepository } from '../../lambdas/adapters/case-repository.js';
import type { Deps } from '../../lambdas/adapters/deps.js';
import type { CaseRecord } from '../../lambdas/domain/case.js';
import { makeValidIdNumber } from '../../lambdas/domain/id-number.js';
import type { KeyPeriod } from '../../lambdas/domain/ladder.js';
import type { Notification } from '../../lambdas/domain/notification.js';
import type { ApiEvent, ApiResult } from '../../lambdas/http/api.js';
import { matchRoute, routeKey } from '../../lambdas/http/routes.js';
import { createFamilyHandlers } from '../../lambdas/local/app.js';
import { runSweep } from '../../lambdas/usecases/sweep.js';
import { sweepDeps } from '../../lambdas/usecases/sweep-deps.js';
import type { Harness } from './harness.js';
import { inChunks, nextAlertInstant, RecordingPublisher } from './sim-tools.js';

/**
 * A town's petition work on a virtual clock. Cases arrive at a Poisson rate in office hours; clerks register them
 * through the real handlers (called directly, without the HTTP hop); the clock jumps from one due alert to the next,
 * rounded up to the sweep's 15-minute schedule, and the sweep runs there; staff read their inbox through
 * `GET /v1/me/notifications` after each sweep and act within a set reaction time of each warning.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const SWEEP_INTERVAL = 15 * MINUTE;
const TOWN = 'town-sim';

/** mulberry32: a small seeded generator, so every run is the same town. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function poisson(rand: () => number, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rand();
  while (p > limit) {
    k += 1;
    p *= rand();
  }
  return k;
}

export interface SimConfig {
  /** Beijing midnight that begins the first day, as an instant. */
  start: string;
  arrivalDays: number;
  perDay: number;
  seed: number;
  /** Whether staff act on their warnings; when false, nobody does anything after registering. */
  react: boolean;
  /** A registrar accepts (or declines) within this many days of a warning about the acknowledgement. */
  ackReactionDays: number;
  /** An assignee replies within this many days of a warning about the reply. */
  replyReactionDays: number;
  /** The clock never runs past start + this many days. */
  maxDays: number;
  shares: { repeat: number; collective: number; late: number; dispute: number; decline: number };
  keyPeriods: KeyPeriod[];
  clerks: number;
  handlers: number;
}

interface Person {
  name: string;
  idNumber: string;
  phone: string;
  address: string;
}

interface SimCase {
  id: string;
  number: string;
  kind: 'petition' | 'dispute';
  category: string;
  /** What the model expects: no earlier case of the same petitioner in the same category. */
  expectedFirstTime: boolean;
  firstTime: boolean;
  collective: boolean;
  late: boolean;
  registrar: string;
  receivedAt: number;
  registeredAt: number;
  acknowledgeBy: string;
  status: string;
  version: number;
  assignee?: string;
  replyBy?: string;
  scheduled: { ack?: number; reply?: number };
  actedAt: { ack?: number; reply?: number };
}

interface Action {
  at: number;
  caseId: string;
  command: 'accept' | 'decline' | 'reply';
}

export interface SimStats {
  cases: number;
  petitions: number;
  firstTimePetitions: number;
  repeats: number;
  collective: number;
  late: number;
  sweeps: number;
  emptySweeps: number;
  stuckSweeps: number;
  simulatedDays: number;
  ladderNotifications: number;
  bySeverity: Record<string, number>;
  collectiveNotices: number;
  accepted: number;
  declined: number;
  replied: number;
  commandFailures: string[];
  registrationFailures: string[];
  firstTimeMismatches: number;
  inboxReads: number;
  messagesPublished: number;
  wallMs: { total: number; sweeps: number; registrations: number; commands: number; inbox: number };
}

// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field
type ResponseBody = any;

/** Calls the deployed handlers with an API Gateway v2 event, as the gateway would after its JWT authorizer. */
class DirectApi {
  private readonly handlers: ReturnType<typeof createFamilyHandlers>;

  constructor(deps: Deps) {
    this.handlers = createFamilyHandlers(deps);
  }

  async call(
    method: string,
    url: string,
    user: { sub: string; roles: string[] },
    body?: unknown,
    headers = {},
  ): Promise<{ status: number; body: ResponseBody }> {
    const [path = '', query] = url.split('?');
    const match = matchRoute(method, path);
    if (!match) throw new Error(`no route ${method} ${path}`);
    const params = new URLSearchParams(query ?? '');
    const event = {
      version: '2.0',
      routeKey: routeKey(match.route),
      rawPath: path,
      rawQueryString: query ?? '',
      ...(query ? { queryStringParameters: Object.fromEntries(params) } : {}),
      headers: { 'content-type': 'application/json', ...headers },
      pathParameters: match.pathParameters,
      requestContext: {
        http: { method, path },
        routeKey: routeKey(match.route),
        requestId: randomBytes(8).toString('hex'),
        authorizer: {
          jwt: {
            claims: { sub: user.sub, 'custom:town': TOWN, 'cognito:groups': `[${user.roles.join(' ')}]` },
            scopes: null,
          },
        },
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      isBase64Encoded: false,
    } as unknown as ApiEvent;
    const context = {
      functionName: `sim-${match.route.family}`,
      awsRequestId: 'sim',
      getRemainingTimeInMillis: () => 10_000,
    } as unknown as Context;
    const result: ApiResult = await this.handlers[match.route.family](event, context);
    const text = typeof result.body === 'string' ? result.body : '';
    return { status: result.statusCode ?? 200, body: text ? JSON.parse(text) : undefined };
  }
}

const CATEGORIES = [
  'neighbor',
  'marriage_family',
  'village_affairs',
  'rural_construction',
  'land_use',
  'environment',
  'land_requisition',
  'labor_wages',
  'social_security',
  'other',
] as const;
const SURNAMES = [
  '张',
  '王',
  '李',
  '赵',
  '陈',
  '杨',
  '黄',
  '周',
  '吴',
  '徐',
  '孙',
  '胡',
  '朱',
  '高',
  '林',
  '何',
];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '涛',
  '明',
  '超',
];

export class TownSimulation {
  readonly cases = new Map<string, SimCase>();
  readonly stats: SimStats;
  readonly publisher = new RecordingPublisher();
  readonly deps: Deps;
  private readonly api: DirectApi;
  private readonly rand: () => number;
  private clock: number;
  private alertMin: number | undefined;
  private actions: Action[] = [];
  private readonly seen = new Set<string>();
  private published = 0;
  private readonly people: Person[] = [];
  /** `${category}|${idNumber}` → earlier cases, to know which petitions are repeats. */
  private readonly history = new Map<string, number>();
  private readonly earlierPairs: { person: Person; category: string }[] = [];

  constructor(
    h: Harness,
    private readonly config: SimConfig,
  ) {
    this.clock = Date.parse(config.start);
    this.rand = random(config.seed);
    // settings cached as in a warm function; the clock is the simulation's; publishing recorded in memory
    this.deps = {
      ...h.deps,
      now: () => new Date(this.clock),
      settingsCacheMs: 3_600_000,
      publisher: this.publisher,
    };
    this.api = new DirectApi(this.deps);
    this.stats = {
      cases: 0,
      petitions: 0,
      firstTimePetitions: 0,
      repeats: 0,
      collective: 0,
      late: 0,
      sweeps: 0,
      emptySweeps: 0,
      stuckSweeps: 0,
      simulatedDays: 0,
      ladderNotifications: 0,
      bySeverity: {},
      collectiveNotices: 0,
      accepted: 0,
      declined: 0,
      replied: 0,
      commandFailures: [],
      registrationFailures: [],
      firstTimeMismatches: 0,
      inboxReads: 0,
      messagesPublished: 0,
      wallMs: { total: 0, sweeps: 0, registrations: 0, commands: 0, inbox: 0 },
    };
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rand() * items.length)]!;
  }

  private clerk = (n: number) => `clerk-${n}`;
  private handler = (n: number) => `handler-${n}`;
  readonly leaders = ['leader-1', 'leader-2'];
  readonly supervisors = ['supervisor-1'];

  /** The staff directory and the key periods of the town, through the admin API. */
  async setUp(): Promise<void> {
    const admin = { sub: 'admin-1', roles: ['admin'] };
    const staff: [string, string[]][] = [
      ...Array.from({ length: this.config.clerks }, (_, i): [string, string[]] => [
        this.clerk(i + 1),
        ['clerk'],
      ]),
      ...Array.from({ length: this.config.handlers }, (_, i): [string, string[]] => [
        this.handler(i + 1),
        ['handler'],
      ]),
      ...this.leaders.map((id): [string, string[]] => [id, ['leader']]),
      ...this.supervisors.map((id): [string, string[]] => [id, ['supervisor']]),
    ];
    for (const [id, roles] of staff) {
      const put = await this.api.call('PUT', `/v1/staff/${id}`, admin, { name: `员工${id}`, roles });
      if (put.status !== 200) throw new Error(`staff ${id}: ${put.status}`);
    }
    const policy = await this.api.call('GET', '/v1/admin/policy', admin);
    const put = await this.api.call('PUT', '/v1/admin/policy', admin, {
      ...policy.body,
      escalation: { ...policy.body.escalation, keyPeriods: this.config.keyPeriods },
    });
    if (put.status !== 200) throw new Error(`policy: ${put.status} ${JSON.stringify(put.body)}`);
  }

  private newPerson(): Person {
    const n = this.people.length;
    const birth = new Date(Date.UTC(1950, 0, 1) + (n * 7 + 13) * DAY).toISOString().slice(0, 10);
    const person = {
      name: this.pick(SURNAMES) + this.pick(GIVEN) + this.pick(GIVEN),
      idNumber: makeValidIdNumber('330681', birth.replaceAll('-', ''), String(n % 1000).padStart(3, '0')),
      phone: `139${String(10_000_000 + n).slice(-8)}`,
      address: `枫桥镇${this.pick(['东村', '西村', '南村', '北村'])}${(n % 20) + 1}组${(n % 97) + 1}号`,
    };
    this.people.push(person);
    return person;
  }

  /** The arrivals of the whole period: Poisson per day (busier on weekdays), in office hours. */
  private arrivals(): number[] {
    const times: number[] = [];
    const start = Date.parse(this.config.start);
    for (let d = 0; d < this.config.arrivalDays; d++) {
      const dayStart = start + d * DAY;
      const weekday = new Date(dayStart + 8 * HOUR).getUTCDay();
      const weekend = weekday === 0 || weekday === 6;
      const n = poisson(this.rand, this.config.perDay * (weekend ? 0.5 : 1.2));
      for (let i = 0; i < n; i++) times.push(dayStart + 8.5 * HOUR + Math.floor(this.rand() * 9 * HOUR));
    }
    return times.sort((a, b) => a - b);
  }

  private schedule(action: Action): void {
    let lo = 0;
    let hi = this.actions.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.actions[mid]!.at <= action.at) lo = mid + 1;
      else hi = mid;
    }
    this.actions.splice(lo, 0, action);
  }

  /** The case's next ladder step as stored (answers do not show the sweep's bookkeeping). */
  private async lowerAlert(caseId: string): Promise<void> {
    const alert = (await new CaseRepository(this.deps.db, this.deps.tables.cases).get(TOWN, caseId))?.alert;
    if (!alert) return;
    const at = Date.parse(alert.at);
    if (this.alertMin === undefined || at < this.alertMin) this.alertMin = at;
  }

  private async register(at: number): Promise<void> {
    const started = performance.now();
    const { shares } = this.config;
    const kind: SimCase['kind'] = this.rand() < shares.dispute ? 'dispute' : 'petition';
    const collective = this.rand() < shares.collective;
    const late = this.rand() < shares.late;
    let category: string = this.pick(CATEGORIES);
    let petitioners: Person[];
    if (!collective && this.earlierPairs.length > 0 && this.rand() < shares.repeat) {
      const earlier = this.pick(this.earlierPairs);
      petitioners = [earlier.person];
      category = earlier.category;
    } else if (collective) petitioners = [this.newPerson(), this.newPerson()];
    else petitioners = [this.newPerson()];
    const expectedFirstTime = petitioners.every((p) => !this.history.has(`${category}|${p.idNumber}`));
    const receivedAt = late ? at - Math.floor((4 + this.rand() * 4) * DAY) : at;
    const registrar = this.clerk(1 + Math.floor(this.rand() * this.config.clerks));
    this.clock = at;
    const channel = this.pick(['visit', 'visit', 'letter', 'phone'] as const);
    const send = (extra: Record<string, unknown>) =>
      this.api.call('POST', '/v1/cases', { sub: registrar, roles: ['clerk'] }, { ...matter, ...extra });
    const matter = {
      kind,
      channel,
      category,
      title: kind === 'petition' ? '反映问题' : '矛盾纠纷',
      description: '群众反映的具体情况（模拟）',
      receivedAt: new Date(receivedAt).toISOString(),
      ...(late ? { lateEntryReason: '来信积压，补录' } : {}),
      petitioners: petitioners.map((p) => ({ ...p })),
      ...(collective ? { headcount: 6 + Math.floor(this.rand() * 25) } : {}),
    };
    let response = await send({});
    // a repeat of a case still open (Art 19): the clerk, told so, opens it as a case of its own with a reason
    if (
      response.status === 409 &&
      (response.body as { type?: string }).type === '/problems/repeat-of-open-case'
    )
      response = await send({ repeatOfOpenCase: { reason: '新的诉求，另案办理' } });
    this.stats.wallMs.registrations += performance.now() - started;
    if (response.status !== 201) {
      this.stats.registrationFailures.push(`${response.status} ${JSON.stringify(response.body)}`);
      return;
    }
    const body = response.body;
    for (const p of petitioners) {
      const key = `${category}|${p.idNumber}`;
      this.history.set(key, (this.history.get(key) ?? 0) + 1);
      if (!collective) this.earlierPairs.push({ person: p, category });
    }
    this.cases.set(body.id, {
      id: body.id,
      number: body.number,
      kind,
      category,
      expectedFirstTime,
      firstTime: body.firstTime,
      collective: body.collective,
      late,
      registrar,
      receivedAt,
      registeredAt: at,
      acknowledgeBy: body.deadlines.acknowledgeBy,
      status: body.status,
      version: body.version,
      scheduled: {},
      actedAt: {},
    });
    this.stats.cases += 1;
    if (kind === 'petition') this.stats.petitions += 1;
    if (kind === 'petition' && body.firstTime) this.stats.firstTimePetitions += 1;
    if (!body.firstTime) this.stats.repeats += 1;
    if (body.collective) this.stats.collective += 1;
    if (late) this.stats.late += 1;
    if (body.firstTime !== expectedFirstTime) this.stats.firstTimeMismatches += 1;
    await this.lowerAlert(body.id);
  }

  private async act(action: Action): Promise<void> {
    const started = performance.now();
    const c = this.cases.get(action.caseId)!;
    this.clock = action.at;
    const user =
      action.command === 'reply'
        ? { sub: c.assignee!, roles: ['handler'] }
        : { sub: c.registrar, roles: ['clerk'] };
    const body =
      action.command === 'accept'
        ? {
            track: this.pick(['immediate', 'coordinated', 'supervised'] as const),
            assigneeId: this.handler(1 + Math.floor(this.rand() * this.config.handlers)),
          }
        : action.command === 'decline'
          ? { reason: '属于诉讼渠道解决的事项', route: 'litigation' }
          : {
              outcome: this.pick(['resolved', 'resolved', 'partially_resolved'] as const),
              opinion: '经调查核实，已依法答复。',
            };
    const response = await this.api.call('POST', `/v1/cases/${c.id}/${action.command}`, user, body, {
      'if-match': `"${c.version}"`,
    });
    this.stats.wallMs.commands += performance.now() - started;
    if (response.status !== 200) {
      this.stats.commandFailures.push(
        `${action.command} ${c.number}: ${response.status} ${response.body?.type ?? ''}`,
      );
      return;
    }
    c.status = response.body.status;
    c.version = response.body.version;
    c.assignee = response.body.assignee;
    c.replyBy = response.body.deadlines.replyBy;
    if (action.command === 'reply') c.actedAt.reply = action.at;
    else c.actedAt.ack = action.at;
    if (action.command === 'accept') this.stats.accepted += 1;
    if (action.command === 'decline') this.stats.declined += 1;
    if (action.command === 'reply') this.stats.replied += 1;
    await this.lowerAlert(c.id);
  }

  /** After a sweep: each person who was sent something reads the inbox and decides what to do. */
  private async readInboxes(at: number): Promise<void> {
    const started = performance.now();
    const fresh = this.publisher.delivered.slice(this.published);
    this.published = this.publisher.delivered.length;
    const recipients = new Set(
      fresh.filter((m) => m.topic !== 'milestones').map((m) => m.attributes.recipient),
    );
    for (const recipient of recipients) {
      const roles = recipient.startsWith('clerk')
        ? ['clerk']
        : recipient.startsWith('handler')
          ? ['handler']
          : recipient.startsWith('leader')
            ? ['leader']
            : ['supervisor'];
      const page = await this.api.call('GET', '/v1/me/notifications?limit=100', { sub: recipient, roles });
      this.stats.inboxReads += 1;
      for (const n of page.body.items as Notification[]) {
        if (this.seen.has(n.id)) continue;
        this.seen.add(n.id);
        this.onNotification(n, recipient, at);
      }
    }
    this.stats.wallMs.inbox += performance.now() - started;
  }

  private onNotification(n: Notification, recipient: string, at: number): void {
    if (n.kind === 'collective') {
      this.stats.collectiveNotices += 1;
      return;
    }
    if (n.kind !== 'deadline' && n.kind !== 'supervision') return;
    this.stats.ladderNotifications += 1;
    this.stats.bySeverity[n.severity] = (this.stats.bySeverity[n.severity] ?? 0) + 1;
    const c = n.caseId ? this.cases.get(n.caseId) : undefined;
    if (!c || !this.config.react) return;
    if (c.status === 'registered' && recipient === c.registrar && c.scheduled.ack === undefined) {
      c.scheduled.ack = at + Math.floor(this.rand() * this.config.ackReactionDays * DAY);
      const decline = this.rand() < this.config.shares.decline;
      this.schedule({ at: c.scheduled.ack, caseId: c.id, command: decline ? 'decline' : 'accept' });
    }
    if (c.status === 'accepted' && recipient === c.assignee && c.scheduled.reply === undefined) {
      c.scheduled.reply = at + Math.floor(this.rand() * this.config.replyReactionDays * DAY);
      this.schedule({ at: c.scheduled.reply, caseId: c.id, command: 'reply' });
    }
  }

  private async sweep(at: number): Promise<void> {
    const started = performance.now();
    this.clock = at;
    const result = await runSweep(sweepDeps(this.deps), new Date(at));
    this.stats.sweeps += 1;
    if (result.due === 0) this.stats.emptySweeps += 1;
    this.stats.messagesPublished += result.published;
    this.stats.wallMs.sweeps += performance.now() - started;
    await this.readInboxes(at);
    const next = await nextAlertInstant(this.deps);
    this.alertMin = next ? Date.parse(next) : undefined;
    if (this.alertMin !== undefined && this.alertMin <= at) {
      // a step due now that this sweep did not move on: look again at the next tick rather than loop here
      this.stats.stuckSweeps += 1;
      this.alertMin = at + 1;
    }
  }

  /** Runs the clock until nothing is left to do (or maxDays). */
  async run(): Promise<SimStats> {
    const started = performance.now();
    const arrivals = this.arrivals();
    const end = Date.parse(this.config.start) + this.config.maxDays * DAY;
    let next = 0;
    for (;;) {
      const arrival = arrivals[next];
      const action = this.actions[0]?.at;
      const tick =
        this.alertMin === undefined
          ? undefined
          : Math.ceil(Math.max(this.alertMin, this.clock) / SWEEP_INTERVAL) * SWEEP_INTERVAL;
      const candidates = [arrival, action, tick].filter((t): t is number => t !== undefined);
      if (candidates.length === 0) break;
      const t = Math.min(...candidates);
      if (t > end) break;
      if (arrival === t) {
        next += 1;
        await this.register(t);
      } else if (action === t) await this.act(this.actions.shift()!);
      else await this.sweep(t);
    }
    this.stats.simulatedDays = Math.round(((this.clock - Date.parse(this.config.start)) / DAY) * 10) / 10;
    this.stats.wallMs.total = performance.now() - started;
    for (const key of Object.keys(this.stats.wallMs) as (keyof SimStats['wallMs'])[])
      this.stats.wallMs[key] = Math.round(this.stats.wallMs[key]);
    return this.stats;
  }

  /** Every case as stored at the end. */
  async records(): Promise<CaseRecord[]> {
    const repo = new CaseRepository(this.deps.db, this.deps.tables.cases);
    const records = await inChunks([...this.cases.keys()], 50, (id) => repo.get(TOWN, id));
    return records.filter((r): r is CaseRecord => r !== undefined);
  }

  get town(): string {
    return TOWN;
  }
}
