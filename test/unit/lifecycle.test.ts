import { describe, expect, it } from 'vitest';
import { shippedCalendars, WorkingCalendar } from '../../lambdas/domain/calendar.js';
import type { CaseRecord } from '../../lambdas/domain/case.js';
import { STATUS_CODES, type Status } from '../../lambdas/domain/catalog.js';
import { ForbiddenError, RuleViolationError, WrongStatusError } from '../../lambdas/domain/errors.js';
import {
  applyCommand,
  COMMAND_NAMES,
  COMMANDS,
  type CommandContext,
  type CommandInput,
  type CommandName,
  mayGive,
} from '../../lambdas/domain/lifecycle.js';
import { DEFAULT_POLICY, type DeadlinePolicy } from '../../lambdas/domain/policy.js';
import {
  type RegistrationContext,
  type RegistrationInput,
  registerCase,
} from '../../lambdas/domain/registration.js';
import { type Principal, STAFF_ROLES, type StaffRole } from '../../lambdas/domain/roles.js';
import { ALL_STATUSES, CONTRACT_COMMANDS, type ContractActor } from '../support/lifecycle-model.js';

const calendar = new WorkingCalendar(shippedCalendars.values());
const NOW = new Date('2026-11-28T02:00:00Z');
/** Far enough ahead that no window in the fixtures has closed at NOW. */
const FUTURE = '2027-06-30T16:00:00.000Z';

const staff = (userId: string, ...roles: StaffRole[]): Principal => ({
  kind: 'staff',
  userId,
  town: 'town-a',
  roles,
});
const citizen = (userId: string): Principal => ({ kind: 'petitioner', userId, town: 'town-a' });

const ASSIGNEE = 'handler-assigned';
const OWNER = 'owner-leader';
const CITIZEN = 'citizen-on-case';
const MEDIATOR = 'handler-mediator';

/** The principal that stands for an actor of the contract table on the fixture case. */
function principalFor(actor: ContractActor): Principal {
  switch (actor) {
    case 'assignee':
      return staff(ASSIGNEE, 'handler');
    case 'owner':
      // a handler by role: only the relation may let them act
      return staff(OWNER, 'handler');
    case 'petitioner_on_case':
      return citizen(CITIZEN);
    case 'mediator':
      // a handler by role: only being the case's mediator lets them act
      return staff(MEDIATOR, 'handler');
    default:
      return staff(`${actor}-1`, actor);
  }
}

const registration = (overrides: Partial<RegistrationInput> = {}): RegistrationInput => ({
  kind: 'petition',
  channel: 'visit',
  category: 'labor_wages',
  title: '拖欠工资',
  description: '工地拖欠三个月工资',
  petitioners: [{ name: '张三' }],
  ...overrides,
});

function newCase(
  overrides: Partial<RegistrationInput> = {},
  ctx: Partial<RegistrationContext> = {},
): CaseRecord {
  return registerCase(registration(overrides), {
    id: 'case-1',
    number: 'XF-20261128-0001',
    now: NOW,
    principal: staff('clerk-1', 'clerk'),
    policy: DEFAULT_POLICY,
    calendar,
    firstTime: true,
    level: 'town',
    timelineHead: { seq: 1, hash: 'a'.repeat(64) },
    ...ctx,
  });
}

const context = (
  principal: Principal,
  now: Date | string = NOW,
  policy: DeadlinePolicy = DEFAULT_POLICY,
): CommandContext => ({ principal, now: new Date(now), policy, calendar });

/**
 * A case that satisfies every command's own rules at NOW, whatever its status: referred with the return window open,
 * at village level, a repeat petition (so it may be extended), assigned, owned, filed by a citizen account, with a
 * reply deadline and a review window still open and one review awaiting its answer.
 */
function permissiveCase(status: Status): CaseRecord {
  const record = newCase(
    {
      channel: 'referral',
      referral: { from: '县信访局', reference: 'XF-COUNTY-1', dueBy: FUTURE },
    },
    { firstTime: false, repeatOf: 'case-0', level: 'village' },
  );
  record.status = status;
  record.assignee = ASSIGNEE;
  record.owner = OWNER;
  record.petitionerUserId = CITIZEN;
  record.acceptedAt = NOW.toISOString();
  record.deadlines.replyBy = FUTURE;
  record.deadlines.reviewRequestBy = FUTURE;
  record.reviews = [{ requestedAt: '2026-11-20T02:00:00.000Z', reason: '不服' }];
  record.respondent = { name: '某建筑公司', kind: 'organization' };
  return record;
}

/** A mediation under way on the case, by MEDIATOR and a helper of the village committee, due far ahead. */
const openMediation = (): NonNullable<CaseRecord['mediation']> => ({
  committee: 'village',
  mediators: [
    { id: MEDIATOR, source: 'staff', name: '王调解' },
    { id: 'helper-1', source: 'helper', name: '李乡贤' },
  ],
  parties: { petitioners: [0], respondent: true },
  startedAt: '2026-11-20T02:00:00.000Z',
  dueBy: FUTURE,
});

const AGREEMENT: NonNullable<NonNullable<CaseRecord['mediation']>['agreement']> = {
  number: 'TJ-20261128-0001',
  form: 'written',
  terms: ['支付工资 3 万元'],
  performance: { how: '银行转账', by: '2026-12-15' },
  recordedAt: '2026-11-25T02:00:00.000Z',
  effectiveAt: '2026-11-25T02:00:00.000Z',
  confirmationBy: '2026-12-25T16:00:00.000Z',
  callbackBy: '2026-12-15T16:00:00.000Z',
};

const INPUTS: Record<CommandName, CommandInput> = {
  accept: { command: 'accept', track: 'immediate', assigneeId: 'handler-2' },
  decline: { command: 'decline', reason: '属诉讼途径', route: 'litigation' },
  transfer: { command: 'transfer', toUnit: '县人社局' },
  return: { command: 'return', reason: '不属本镇职权' },
  triage: { command: 'triage', track: 'coordinated' },
  assign: { command: 'assign', assigneeId: 'handler-2' },
  own: {
    command: 'own',
    leaderId: 'leader-1',
    team: ['handler-2'],
    plan: { tasks: ['走访'], responsibilities: ['张书记'], measures: ['约谈'] },
  },
  escalate: { command: 'escalate', level: 'town', reason: '村级无法化解' },
  extend: { command: 'extend', days: 30, reason: '需鉴定' },
  classify: { command: 'classify', repeatOf: null, reason: '经核实为初信' },
  'mark-key': { command: 'mark-key', reason: '征地补偿群体性矛盾' },
  'unmark-key': { command: 'unmark-key', reason: '已达成补偿协议' },
  reply: { command: 'reply', outcome: 'resolved', opinion: '已支付工资' },
  rate: { command: 'rate', rating: 'basically_satisfied' },
  'request-review': { command: 'request-review', reason: '对答复不服' },
  'record-review': { command: 'record-review', outcome: 'resolved', opinion: '维持原答复' },
  close: { command: 'close', note: '办结' },
  withdraw: { command: 'withdraw', reason: '已私下和解' },
  mediate: {
    command: 'mediate',
    committee: 'village',
    mediators: [{ id: MEDIATOR, source: 'staff', name: '王调解' }],
    parties: { petitioners: [0], respondent: true },
  },
  'extend-mediation': { command: 'extend-mediation', days: 15, partiesConsent: true, reason: '待鉴定' },
  agree: {
    command: 'agree',
    form: 'written',
    facts: '工地拖欠工资三个月',
    disputed: '欠薪数额',
    responsibilities: '公司承担全部责任',
    terms: ['公司支付工资 3 万元'],
    performance: { how: '银行转账', where: '镇司法所', by: '2026-12-15' },
  },
  'mediation-failed': { command: 'mediation-failed', reason: '双方分歧过大', route: 'arbitration' },
  callback: { command: 'callback', result: 'performed', note: '已全部支付' },
  'hand-off': {
    command: 'hand-off',
    line: 'labor_arbitration',
    unit: '县劳动人事争议仲裁院',
    dueDate: '2026-12-20',
  },
  'hand-off-result': { command: 'hand-off-result', handOffId: 'h1', accepted: true, result: '已立案' },
};

/** The fixture of one command in one status: for `close` a satisfied rating, otherwise the permissive case. */
function fixture(command: CommandName, status: Status): CaseRecord {
  const record = permissiveCase(status);
  if (command === 'close') record.rating = { rating: 'satisfied', at: '2026-11-27T02:00:00.000Z' };
  if (command === 'unmark-key')
    record.key = { since: '2026-11-21T02:00:00.000Z', by: 'leader-1', reason: '征地补偿群体性矛盾' };
  if (command === 'extend-mediation' || command === 'agree' || command === 'mediation-failed')
    record.mediation = openMediation();
  if (command === 'callback')
    record.mediation = { ...openMediation(), concludedAt: AGREEMENT.recordedAt, agreement: AGREEMENT };
  if (command === 'hand-off-result')
    record.handOffs = [
      {
        id: 'h1',
        line: 'labor_arbitration',
        unit: '县劳动人事争议仲裁院',
        dueBy: FUTURE,
        at: '2026-11-25T02:00:00.000Z',
        by: 'clerk-1',
      },
    ];
  return record;
}

const CASES = COMMAND_NAMES.flatMap((command) => STATUS_CODES.map((status) => [command, status] as const));

/** Runs a command expecting a rule violation, and returns its code. */
function ruleCode(record: CaseRecord, input: CommandInput, ctx: CommandContext): string {
  try {
    applyCommand(record, input, ctx);
  } catch (error) {
    expect(error).toBeInstanceOf(RuleViolationError);
    return (error as RuleViolationError).code;
  }
  throw new Error(`${input.command} was expected to break a rule but succeeded`);
}

describe('the command table', () => {
  it('is the one the contract states, for every command', () => {
    expect(Object.keys(COMMANDS).sort()).toEqual(Object.keys(CONTRACT_COMMANDS).sort());
    for (const command of COMMAND_NAMES) {
      const actual = COMMANDS[command] as { from: readonly Status[]; to?: Status; actors: readonly string[] };
      const expected = CONTRACT_COMMANDS[command]!;
      expect([...actual.from].sort(), command).toEqual([...expected.from].sort());
      expect(actual.to, command).toBe(expected.to);
      expect([...actual.actors].sort(), command).toEqual([...expected.actors].sort());
    }
  });

  it('knows every status of the catalogue', () => {
    expect([...STATUS_CODES].sort()).toEqual([...ALL_STATUSES].sort());
  });
});

describe('every command from every status', () => {
  it.each(CASES)('%s from %s: allowed exactly from the contract’s statuses', (command, status) => {
    const spec = CONTRACT_COMMANDS[command]!;
    const record = fixture(command, status);
    const before = structuredClone(record);
    for (const actor of spec.actors) {
      const ctx = context(principalFor(actor));
      if (spec.from.includes(status)) {
        const effect = applyCommand(record, INPUTS[command], ctx);
        expect(effect.action).toBe(command);
        expect(effect.fromStatus).toBe(status);
        expect(effect.toStatus).toBe(spec.to ?? status);
        expect(effect.record.status).toBe(spec.to ?? status);
        expect(effect.record.version).toBe(record.version + 1);
        expect(effect.record.updatedAt).toBe(NOW.toISOString());
      } else {
        expect(() => applyCommand(record, INPUTS[command], ctx)).toThrow(WrongStatusError);
      }
    }
    // pure: the record handed in is never touched
    expect(record).toEqual(before);
  });
});

describe('who may give a command', () => {
  const others = COMMAND_NAMES.flatMap((command) => {
    const actors = CONTRACT_COMMANDS[command]!.actors;
    const principals: [string, Principal][] = STAFF_ROLES.filter((role) => !actors.includes(role)).map(
      (role) => [role, staff(`${role}-1`, role)],
    );
    principals.push(['a petitioner not on the case', citizen('citizen-other')]);
    if (!actors.includes('petitioner_on_case'))
      principals.push(['the petitioner on the case', citizen(CITIZEN)]);
    if (!actors.includes('assignee')) principals.push(['the assignee', staff(ASSIGNEE, 'handler')]);
    if (!actors.includes('owner')) principals.push(['the owner', staff(OWNER, 'handler')]);
    if (!actors.includes('mediator')) principals.push(['a mediator of the case', staff(MEDIATOR, 'handler')]);
    return principals.map(([who, principal]) => [command, who, principal] as const);
  });

  it.each(others)('%s by %s is forbidden, from its own status', (command, _who, principal) => {
    const status = CONTRACT_COMMANDS[command]!.from[0]!;
    const record = fixture(command, status);
    expect(mayGive(principal, command, record)).toBe(false);
    expect(() => applyCommand(record, INPUTS[command], context(principal))).toThrow(ForbiddenError);
  });

  it('checks the actor before the status: a stranger gets ForbiddenError from any status', () => {
    const record = fixture('accept', 'closed');
    expect(() => applyCommand(record, INPUTS.accept, context(staff('leader-1', 'leader')))).toThrow(
      ForbiddenError,
    );
  });

  it('grants the union of several staff roles', () => {
    const record = fixture('extend', 'accepted');
    const both = staff('x-1', 'clerk', 'leader');
    expect(mayGive(both, 'extend', record)).toBe(true);
    expect(mayGive(both, 'accept', record)).toBe(true);
    expect(mayGive(both, 'record-review', record)).toBe(false);
  });

  it('lets the assignee escalate and reply, but not another handler', () => {
    const record = fixture('reply', 'accepted');
    const assignee = staff(ASSIGNEE, 'handler');
    expect(applyCommand(record, INPUTS.reply, context(assignee)).record.status).toBe('replied');
    expect(applyCommand(record, INPUTS.escalate, context(assignee)).record.level).toBe('town');
    expect(() => applyCommand(record, INPUTS.reply, context(staff('handler-other', 'handler')))).toThrow(
      ForbiddenError,
    );
    // a grid worker assigned to the case acts through the relation too
    const gridWorker = staff('gw-9', 'grid_worker');
    expect(() => applyCommand(record, INPUTS.reply, context(gridWorker))).toThrow(ForbiddenError);
    expect(
      applyCommand({ ...record, assignee: 'gw-9' }, INPUTS.reply, context(gridWorker)).record.status,
    ).toBe('replied');
  });

  it('lets the owner assign, escalate and reply; a leader who does not own it may not', () => {
    const record = fixture('assign', 'accepted');
    const owner = staff(OWNER, 'leader');
    expect(applyCommand(record, INPUTS.assign, context(owner)).record.assignee).toBe('handler-2');
    expect(applyCommand(record, INPUTS.escalate, context(owner)).record.level).toBe('town');
    expect(applyCommand(record, INPUTS.reply, context(owner)).record.status).toBe('replied');
    const otherLeader = staff('leader-other', 'leader');
    expect(() => applyCommand(record, INPUTS.assign, context(otherLeader))).toThrow(ForbiddenError);
    expect(() => applyCommand(record, INPUTS.reply, context(otherLeader))).toThrow(ForbiddenError);
  });

  it('lets the petitioner on the case (petitionerUserId) rate, ask for review and withdraw, and nobody else', () => {
    const record = fixture('rate', 'replied');
    const onCase = citizen(CITIZEN);
    expect(applyCommand(record, INPUTS.rate, context(onCase)).record.rating?.rating).toBe(
      'basically_satisfied',
    );
    expect(applyCommand(record, INPUTS['request-review'], context(onCase)).record.status).toBe(
      'under_review',
    );
    expect(applyCommand(record, INPUTS.withdraw, context(onCase)).record.status).toBe('withdrawn');
    const stranger = citizen('citizen-other');
    for (const command of ['rate', 'request-review', 'withdraw'] as const)
      expect(() => applyCommand(record, INPUTS[command], context(stranger))).toThrow(ForbiddenError);
    // a case filed at the window has no citizen account: no petitioner acts on it
    const { petitionerUserId: _gone, ...unclaimed } = record;
    expect(() => applyCommand(unclaimed, INPUTS.rate, context(onCase))).toThrow(ForbiddenError);
    // a staff member whose id happens to equal the petitioner's is not the petitioner
    expect(() => applyCommand(record, INPUTS.withdraw, context(staff(CITIZEN, 'handler')))).toThrow(
      ForbiddenError,
    );
  });

  it('never lets a petitioner act through a staff relation', () => {
    const record = fixture('reply', 'accepted');
    expect(mayGive(citizen(ASSIGNEE), 'reply', record)).toBe(false);
    expect(mayGive(citizen(OWNER), 'assign', record)).toBe(false);
  });
});

describe('the rules', () => {
  const leader = staff('leader-1', 'leader');
  const clerk = staff('clerk-1', 'clerk');
  const supervisor = staff('sup-1', 'supervisor');

  const accepted = (firstTime: boolean) => {
    const record = newCase({}, firstTime ? {} : { firstTime: false, repeatOf: 'case-0' });
    return applyCommand(record, INPUTS.accept, context(clerk)).record;
  };

  it('extends a repeat petition once: already-extended the second time', () => {
    const once = applyCommand(
      accepted(false),
      { command: 'extend', days: 10, reason: '鉴定' },
      context(leader),
    );
    expect(once.record.deadlines.extendedTo).toBeDefined();
    expect(ruleCode(once.record, { command: 'extend', days: 5, reason: '再延' }, context(leader))).toBe(
      'already-extended',
    );
  });

  it('refuses to extend a first-time petition under the default policy', () => {
    expect(ruleCode(accepted(true), INPUTS.extend, context(leader))).toBe('first-time-no-extension');
  });

  it('extends a first-time petition when the policy allows it', () => {
    const policy = { ...DEFAULT_POLICY, firstTimeNoExtension: false };
    const effect = applyCommand(accepted(true), INPUTS.extend, context(leader, NOW, policy));
    expect(effect.record.deadlines.extendedTo).toBe('2027-02-26T16:00:00.000Z');
  });

  it('refuses an extension longer than the policy allows (extension-too-long), allows exactly the limit', () => {
    const record = accepted(false);
    expect(ruleCode(record, { command: 'extend', days: 31, reason: 'x' }, context(leader))).toBe(
      'extension-too-long',
    );
    expect(
      applyCommand(record, { command: 'extend', days: 30, reason: 'x' }, context(leader)).record.version,
    ).toBe(3);
    // the extension counts from the acceptance date + the policy's reply days: 28 Nov + 30 + 45
    const provincial = { ...DEFAULT_POLICY, replyDays: 30, maxExtensionDays: 60 };
    expect(
      applyCommand(record, { command: 'extend', days: 45, reason: 'x' }, context(leader, NOW, provincial))
        .record.deadlines.extendedTo,
    ).toBe('2027-02-11T16:00:00.000Z');
  });

  it('refuses to extend once the reply deadline has passed (window-closed)', () => {
    const record = accepted(false); // replyBy 2027-01-27T16:00:00Z
    expect(ruleCode(record, INPUTS.extend, context(leader, '2027-01-27T16:00:00Z'))).toBe('window-closed');
    expect(
      applyCommand(record, INPUTS.extend, context(leader, '2027-01-27T15:59:59Z')).record.deadlines
        .extendedTo,
    ).toBe('2027-02-26T16:00:00.000Z');
  });

  it('refuses request-review at and after the instant the review window closes (window-closed)', () => {
    const record = fixture('request-review', 'replied');
    record.reviews = [];
    record.deadlines.reviewRequestBy = '2026-12-28T16:00:00.000Z';
    const at = (t: string) => context(clerk, t);
    expect(applyCommand(record, INPUTS['request-review'], at('2026-12-28T15:59:59.999Z')).record.status).toBe(
      'under_review',
    );
    expect(ruleCode(record, INPUTS['request-review'], at('2026-12-28T16:00:00Z'))).toBe('window-closed');
    expect(ruleCode(record, INPUTS['request-review'], at('2027-03-01T00:00:00Z'))).toBe('window-closed');
  });

  it('refuses to return a referral after 5 working days (window-closed), and a matter not referred at all', () => {
    // received Friday 2026-11-27 (Beijing): Mon 30 Nov, 1, 2, 3, 4 Dec → objectBy the end of Friday 4 December
    const referral = newCase(
      { channel: 'referral', referral: { from: '县信访局', reference: 'R-1', dueBy: FUTURE } },
      { now: new Date('2026-11-27T02:00:00Z') },
    );
    expect(referral.deadlines.objectBy).toBe('2026-12-04T16:00:00.000Z');
    expect(applyCommand(referral, INPUTS.return, context(clerk, '2026-12-04T15:59:59Z')).record.status).toBe(
      'returned',
    );
    expect(ruleCode(referral, INPUTS.return, context(clerk, '2026-12-04T16:00:00Z'))).toBe('window-closed');
    expect(ruleCode(newCase(), INPUTS.return, context(clerk))).toBe('not-referred');
  });

  it('gives a referral without a dueBy its 5-working-day return window too (Art 23 applies to every referral)', () => {
    // 转送 (transferred, no deadline from above) is as much a referral as 交办: the unit may object within 5 working days
    const referral = newCase(
      { channel: 'referral', referral: { from: '县信访局', reference: 'R-2' } },
      { now: new Date('2026-11-27T02:00:00Z') },
    );
    expect(referral.deadlines.objectBy).toBe('2026-12-04T16:00:00.000Z');
    expect(applyCommand(referral, INPUTS.return, context(clerk, '2026-12-01T02:00:00Z')).record.status).toBe(
      'returned',
    );
  });

  it('allows no third review (no-further-review), even with the window open', () => {
    const record = fixture('request-review', 'reviewed');
    record.reviews = [
      { requestedAt: '2026-10-01T00:00:00.000Z', reason: '复查', answeredAt: '2026-10-20T00:00:00.000Z' },
      { requestedAt: '2026-11-01T00:00:00.000Z', reason: '复核', answeredAt: '2026-11-20T00:00:00.000Z' },
    ];
    expect(ruleCode(record, INPUTS['request-review'], context(clerk))).toBe('no-further-review');
    delete record.deadlines.reviewRequestBy;
    expect(ruleCode(record, INPUTS['request-review'], context(clerk))).toBe('no-further-review');
  });

  it('refuses to close while the petitioner may still ask for review (review-window-open)', () => {
    const record = fixture('close', 'replied');
    delete record.rating;
    record.reviews = [];
    expect(ruleCode(record, INPUTS.close, context(clerk))).toBe('review-window-open');
    // a rating other than "satisfied" does not end the window
    record.rating = { rating: 'basically_satisfied', at: NOW.toISOString() };
    expect(ruleCode(record, INPUTS.close, context(clerk))).toBe('review-window-open');
  });

  it('closes when rated satisfied, when the window has passed, or after the second review', () => {
    const open = fixture('close', 'replied');
    delete open.rating;
    open.reviews = [];
    open.deadlines.reviewRequestBy = '2026-12-28T16:00:00.000Z';

    const satisfied = { ...open, rating: { rating: 'satisfied' as const, at: NOW.toISOString() } };
    expect(applyCommand(satisfied, INPUTS.close, context(clerk)).record.status).toBe('closed');

    expect(applyCommand(open, INPUTS.close, context(supervisor, '2026-12-28T16:00:00Z')).record.status).toBe(
      'closed',
    );
    expect(ruleCode(open, INPUTS.close, context(supervisor, '2026-12-28T15:59:59Z'))).toBe(
      'review-window-open',
    );

    const twice: CaseRecord = {
      ...open,
      status: 'reviewed',
      reviews: [
        { requestedAt: '2026-10-01T00:00:00.000Z', reason: '复查', answeredAt: '2026-10-20T00:00:00.000Z' },
        { requestedAt: '2026-11-01T00:00:00.000Z', reason: '复核', answeredAt: '2026-11-20T00:00:00.000Z' },
      ],
    };
    const closed = applyCommand(twice, INPUTS.close, context(clerk)).record;
    expect(closed.status).toBe('closed');
    expect(closed.closedAt).toBe(NOW.toISOString());
  });

  it('rates each answer once (already-rated): the reply, then each review’s answer', () => {
    const record = fixture('rate', 'replied');
    record.reviews = [];
    const rated = applyCommand(record, INPUTS.rate, context(clerk)).record;
    expect(rated.rating).toEqual({ rating: 'basically_satisfied', at: NOW.toISOString(), of: 'reply' });
    expect(ruleCode(rated, { command: 'rate', rating: 'satisfied' }, context(citizen(CITIZEN)))).toBe(
      'already-rated',
    );
    // the review answered: its answer is rated afresh, once
    const reviewed: CaseRecord = {
      ...rated,
      status: 'reviewed',
      reviews: [
        { requestedAt: '2026-11-20T02:00:00.000Z', reason: '不服', answeredAt: '2026-11-27T02:00:00.000Z' },
      ],
    };
    const again = applyCommand(reviewed, { command: 'rate', rating: 'satisfied' }, context(citizen(CITIZEN)));
    expect(again.record.rating).toEqual({ rating: 'satisfied', at: NOW.toISOString(), of: 'review' });
    expect(ruleCode(again.record, INPUTS.rate, context(clerk))).toBe('already-rated');
    // a rating stored before answers were told apart rated the reply
    const { of: _of, ...legacy } = rated.rating!;
    expect(applyCommand({ ...reviewed, rating: legacy }, INPUTS.rate, context(clerk)).record.rating?.of).toBe(
      'review',
    );
  });

  it('closes on a "satisfied" only when it rated the answer the petitioner now holds', () => {
    const satisfiedWithReply: CaseRecord = {
      ...fixture('close', 'reviewed'),
      rating: { rating: 'satisfied', at: '2026-11-21T02:00:00.000Z', of: 'reply' },
      reviews: [
        { requestedAt: '2026-11-22T02:00:00.000Z', reason: '不服', answeredAt: '2026-11-27T02:00:00.000Z' },
      ],
    };
    satisfiedWithReply.deadlines.reviewRequestBy = FUTURE;
    expect(ruleCode(satisfiedWithReply, INPUTS.close, context(clerk))).toBe('review-window-open');
    const satisfiedWithReview: CaseRecord = {
      ...satisfiedWithReply,
      rating: { rating: 'satisfied', at: '2026-11-28T01:00:00.000Z', of: 'review' },
    };
    expect(applyCommand(satisfiedWithReview, INPUTS.close, context(clerk)).record.status).toBe('closed');
  });

  it('never gives a case to the staff member it is about (respondent-recusal)', () => {
    const about = (status: Status) => {
      const record = permissiveCase(status);
      record.type = 'accusation';
      record.respondent = { name: '某干部', kind: 'person', userId: 'handler-2' };
      return record;
    };
    const plan = { tasks: ['走访'], responsibilities: ['张书记'], measures: ['约谈'] };
    const refused: [Status, CommandInput, Principal][] = [
      ['registered', { command: 'accept', track: 'immediate', assigneeId: 'handler-2' }, clerk],
      ['accepted', { command: 'assign', assigneeId: 'handler-2' }, supervisor],
      ['accepted', { command: 'own', leaderId: 'handler-2', team: [], plan }, leader],
      ['accepted', { command: 'own', leaderId: 'leader-1', team: ['handler-3', 'handler-2'], plan }, leader],
    ];
    for (const [status, input, principal] of refused)
      expect(ruleCode(about(status), input, context(principal)), input.command).toBe('respondent-recusal');
    // anyone else may take it, and a respondent with no account restricts nobody
    const assigned = applyCommand(
      about('accepted'),
      { command: 'assign', assigneeId: 'handler-3' },
      context(supervisor),
    );
    expect(assigned.record.assignee).toBe('handler-3');
    const organisation = permissiveCase('accepted');
    organisation.respondent = { name: '某公司', kind: 'organization' };
    expect(
      applyCommand(organisation, { command: 'assign', assigneeId: 'handler-2' }, context(supervisor)).record
        .assignee,
    ).toBe('handler-2');
  });

  it('escalates only upward (not-higher-level)', () => {
    const village = fixture('escalate', 'accepted');
    const town = applyCommand(
      village,
      { command: 'escalate', level: 'town', reason: 'x' },
      context(supervisor),
    );
    expect(town.record.level).toBe('town');
    expect(
      ruleCode(town.record, { command: 'escalate', level: 'town', reason: 'x' }, context(supervisor)),
    ).toBe('not-higher-level');
    const county = applyCommand(
      town.record,
      { command: 'escalate', level: 'county', reason: 'x' },
      context(supervisor),
    );
    expect(county.record.level).toBe('county');
    expect(
      ruleCode(county.record, { command: 'escalate', level: 'town', reason: 'x' }, context(supervisor)),
    ).toBe('not-higher-level');
    expect(
      ruleCode(county.record, { command: 'escalate', level: 'county', reason: 'x' }, context(supervisor)),
    ).toBe('not-higher-level');
    // village straight to county is allowed
    expect(
      applyCommand(village, { command: 'escalate', level: 'county', reason: 'x' }, context(supervisor)).record
        .level,
    ).toBe('county');
  });

  it('classifies first-time and repeat, never as a repeat of itself', () => {
    const record = newCase();
    const clerkCtx = context(clerk);
    const repeat = applyCommand(
      record,
      { command: 'classify', repeatOf: 'case-0', reason: '同一事项' },
      clerkCtx,
    );
    expect(repeat.record.firstTime).toBe(false);
    expect(repeat.record.repeatOf).toBe('case-0');
    const back = applyCommand(
      repeat.record,
      { command: 'classify', repeatOf: null, reason: '更正' },
      clerkCtx,
    );
    expect(back.record.firstTime).toBe(true);
    expect(back.record).not.toHaveProperty('repeatOf');
    expect(ruleCode(record, { command: 'classify', repeatOf: record.id, reason: 'x' }, clerkCtx)).toBe(
      'self-reference',
    );
  });
});

describe('the key-case mark (重点信访矛盾)', () => {
  const leader = staff('leader-1', 'leader');
  const supervisor = staff('sup-1', 'supervisor');

  it('marks an open case key with who, when and why; the status stays, the version moves', () => {
    const record = newCase();
    const effect = applyCommand(record, INPUTS['mark-key'], context(leader));
    expect(effect.record.key).toEqual({
      since: NOW.toISOString(),
      by: 'leader-1',
      reason: '征地补偿群体性矛盾',
    });
    expect(effect.record.status).toBe('registered');
    expect(effect.toStatus).toBe('registered');
    expect(effect.record.version).toBe(record.version + 1);
    expect(effect.note).toBe('征地补偿群体性矛盾');
  });

  it('refuses a second mark and an unmark of a case that is not key, by rule', () => {
    const marked = applyCommand(newCase(), INPUTS['mark-key'], context(leader)).record;
    expect(ruleCode(marked, INPUTS['mark-key'], context(supervisor))).toBe('already-key');
    expect(ruleCode(newCase(), INPUTS['unmark-key'], context(supervisor))).toBe('not-key');
  });

  it('takes the mark back with a reason, leaving the rest of the case as it was', () => {
    const marked = applyCommand(newCase(), INPUTS['mark-key'], context(leader)).record;
    const unmarked = applyCommand(marked, INPUTS['unmark-key'], context(supervisor));
    expect(unmarked.record).not.toHaveProperty('key');
    expect(unmarked.note).toBe('已达成补偿协议');
    expect({ ...unmarked.record, version: 0, updatedAt: '' }).toEqual({
      ...newCase(),
      version: 0,
      updatedAt: '',
    });
  });

  it('is no clerk’s, handler’s or grid worker’s to give', () => {
    for (const role of ['clerk', 'handler', 'grid_worker', 'admin'] as const)
      expect(() => applyCommand(newCase(), INPUTS['mark-key'], context(staff(`${role}-1`, role)))).toThrow(
        ForbiddenError,
      );
  });
});

describe('versions and timeline notes', () => {
  it('adds one to the version on every command of a whole path', () => {
    const clerk = staff('clerk-1', 'clerk');
    const supervisor = staff('sup-1', 'supervisor');
    const handler = staff('handler-2', 'handler');
    const steps: [CommandInput, Principal][] = [
      [{ command: 'triage', track: 'supervised' }, clerk],
      [INPUTS.accept, clerk],
      [INPUTS.assign, supervisor],
      [INPUTS.own, supervisor],
      [INPUTS.reply, handler],
      [INPUTS['request-review'], clerk],
      [INPUTS['record-review'], supervisor],
      [INPUTS.rate, clerk],
      [INPUTS['request-review'], clerk],
      [INPUTS['record-review'], supervisor],
      [INPUTS.close, clerk],
    ];
    let record = newCase({}, { level: 'village' });
    for (const [i, [input, principal]] of steps.entries()) {
      const effect = applyCommand(record, input, context(principal));
      expect(effect.record.version, input.command).toBe(i + 2);
      record = effect.record;
    }
    expect(record.status).toBe('closed');
    expect(record.reviews).toHaveLength(2);
  });

  it('carries the note of the commands that have one into the effect', () => {
    const clerk = staff('clerk-1', 'clerk');
    const record = newCase();
    expect(
      applyCommand(record, { command: 'accept', track: 'immediate', note: '受理' }, context(clerk)).note,
    ).toBe('受理');
    expect(applyCommand(record, INPUTS.decline, context(clerk)).note).toBe('属诉讼途径');
    expect(applyCommand(record, INPUTS.triage, context(clerk))).not.toHaveProperty('note');
  });
});

describe('deadlines the commands set', () => {
  const clerk = staff('clerk-1', 'clerk');
  const leader = staff('leader-1', 'leader');
  const supervisor = staff('sup-1', 'supervisor');

  it('accept at 2026-11-28T02:00:00Z → replyBy 2027-01-27T16:00:00.000Z (60 days), acknowledging the case', () => {
    const effect = applyCommand(newCase(), INPUTS.accept, context(clerk));
    expect(effect.record.deadlines.replyBy).toBe('2027-01-27T16:00:00.000Z');
    expect(effect.record.acknowledgedAt).toBe(NOW.toISOString());
    expect(effect.record.track).toBe('immediate');
    expect(effect.record.assignee).toBe('handler-2');
  });

  it('counts 60 days from the Beijing date: 23:59 and 00:00 Beijing fall on different days', () => {
    const at = (t: string) =>
      applyCommand(newCase(), INPUTS.accept, context(clerk, t)).record.deadlines.replyBy;
    expect(at('2026-11-28T15:59:59Z')).toBe('2027-01-27T16:00:00.000Z');
    expect(at('2026-11-28T16:00:00Z')).toBe('2027-01-28T16:00:00.000Z');
  });

  it('extends by 30 days from the last day of the period, not from today', () => {
    const record = applyCommand(
      newCase({}, { firstTime: false, repeatOf: 'case-0' }),
      INPUTS.accept,
      context(clerk),
    ).record;
    // early or late in the period, the extension ends 30 days after 27 January
    for (const when of ['2026-12-01T02:00:00Z', '2027-01-27T15:00:00Z']) {
      const extended = applyCommand(record, INPUTS.extend, context(leader, when)).record;
      expect(extended.deadlines.extendedTo).toBe('2027-02-26T16:00:00.000Z');
      expect(extended.deadlines.replyBy).toBe('2027-01-27T16:00:00.000Z');
    }
  });

  it('caps replyBy by the referral’s dueBy, and does not lengthen it', () => {
    const referred = (dueBy: string) =>
      newCase({ channel: 'referral', referral: { from: '县信访局', reference: 'R-3', dueBy } });
    const early = applyCommand(referred('2026-12-20T16:00:00.000Z'), INPUTS.accept, context(clerk));
    expect(early.record.deadlines.replyBy).toBe('2026-12-20T16:00:00.000Z');
    const late = applyCommand(referred('2027-03-31T16:00:00.000Z'), INPUTS.accept, context(clerk));
    expect(late.record.deadlines.replyBy).toBe('2027-01-27T16:00:00.000Z');
  });

  it('reply sets reviewRequestBy 30 days from deliveredAt (default: now)', () => {
    const accepted = applyCommand(newCase(), INPUTS.accept, context(clerk)).record;
    const handler = staff('handler-2', 'handler');
    const delivered = applyCommand(
      accepted,
      { ...INPUTS.reply, deliveredAt: '2027-01-05T03:00:00+08:00' } as CommandInput,
      context(handler, '2027-01-10T02:00:00Z'),
    ).record;
    expect(delivered.reply?.deliveredAt).toBe('2027-01-04T19:00:00.000Z');
    expect(delivered.reply?.repliedAt).toBe('2027-01-10T02:00:00.000Z');
    expect(delivered.deadlines.reviewRequestBy).toBe('2027-02-04T16:00:00.000Z');
    const now = applyCommand(accepted, INPUTS.reply, context(handler, '2027-01-10T02:00:00Z')).record;
    expect(now.deadlines.reviewRequestBy).toBe('2027-02-09T16:00:00.000Z');
  });

  it('request-review sets reviewAnswerBy 30 days on; record-review reopens the window once, then ends it', () => {
    const accepted = applyCommand(newCase(), INPUTS.accept, context(clerk)).record;
    const replied = applyCommand(accepted, INPUTS.reply, context(staff('handler-2', 'handler'))).record;
    const asked = applyCommand(
      replied,
      INPUTS['request-review'],
      context(clerk, '2026-12-10T02:00:00Z'),
    ).record;
    expect(asked.deadlines.reviewAnswerBy).toBe('2027-01-09T16:00:00.000Z');
    const answered = applyCommand(
      asked,
      INPUTS['record-review'],
      context(supervisor, '2026-12-20T02:00:00Z'),
    ).record;
    expect(answered.deadlines).not.toHaveProperty('reviewAnswerBy');
    expect(answered.deadlines.reviewRequestBy).toBe('2027-01-19T16:00:00.000Z');
    const again = applyCommand(
      answered,
      INPUTS['request-review'],
      context(clerk, '2027-01-19T15:59:59Z'),
    ).record;
    expect(again.deadlines.reviewAnswerBy).toBe('2027-02-18T16:00:00.000Z');
    const last = applyCommand(
      again,
      INPUTS['record-review'],
      context(supervisor, '2027-01-25T02:00:00Z'),
    ).record;
    expect(last.deadlines).not.toHaveProperty('reviewRequestBy');
    expect(last.deadlines).not.toHaveProperty('reviewAnswerBy');
    expect(last.reviews?.map((r) => r.answeredAt)).toEqual([
      '2026-12-20T02:00:00.000Z',
      '2027-01-25T02:00:00.000Z',
    ]);
  });
});
