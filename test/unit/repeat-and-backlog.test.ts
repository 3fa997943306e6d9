import { describe, expect, it } from 'vitest';
import { backlogLedger, concludedAt } from '../../lambdas/domain/backlog.js';
import { shippedCalendars, WorkingCalendar } from '../../lambdas/domain/calendar.js';
import type { CaseRecord } from '../../lambdas/domain/case.js';
import { commandCounts, registrationCounts } from '../../lambdas/domain/counters.js';
import { indicators } from '../../lambdas/domain/indicators.js';
import { applyCommand } from '../../lambdas/domain/lifecycle.js';
import { DEFAULT_POLICY } from '../../lambdas/domain/policy.js';
import { type RegistrationInput, registerCase } from '../../lambdas/domain/registration.js';
import { decideRepeat, type RepeatChoice } from '../../lambdas/domain/repeat.js';
import type { Principal } from '../../lambdas/domain/roles.js';

/**
 * The pure rules of Art 19 at the window (a repeat of an open case), of carried cases (积案) and their ledger, and
 * the counters and rates they feed.
 */

const calendar = new WorkingCalendar(shippedCalendars.values());
const NOW = new Date('2026-11-28T02:00:00Z');
const supervisor: Principal = { kind: 'staff', userId: 'sup-1', town: 'town-a', roles: ['supervisor'] };

const input = (overrides: Partial<RegistrationInput> = {}): RegistrationInput => ({
  kind: 'petition',
  channel: 'visit',
  category: 'labor_wages',
  title: '拖欠工资',
  description: '工地拖欠三个月工资',
  petitioners: [{ name: '张三' }],
  ...overrides,
});

const register = (overrides: Partial<RegistrationInput> = {}, id = 'case-1', now = NOW): CaseRecord =>
  registerCase(input(overrides), {
    id,
    number: 'XF-20261128-0001',
    now,
    principal: supervisor,
    policy: DEFAULT_POLICY,
    calendar,
    firstTime: true,
    level: 'town',
    timelineHead: { seq: 1, hash: 'a'.repeat(64) },
  });

const withStatus = (record: CaseRecord, status: CaseRecord['status'], extra: Partial<CaseRecord> = {}) => ({
  ...record,
  status,
  ...extra,
});

describe('Art 19 at the window: decideRepeat', () => {
  const open = register({}, 'open-1');
  const closed = withStatus(register({}, 'closed-1'), 'closed', { closedAt: NOW.toISOString() });
  const link = (caseId: string): RepeatChoice => ({ caseId, action: 'link' });

  it('registers when there is no earlier case, or the newest is no longer open', () => {
    expect(decideRepeat({})).toEqual({ kind: 'register' });
    expect(decideRepeat({ earlier: { record: closed, visible: true } })).toEqual({ kind: 'register' });
  });

  it('refuses a repeat of an open case, naming the case only to a registrar who may see it', () => {
    expect(decideRepeat({ earlier: { record: open, visible: true } })).toEqual({
      kind: 'refused',
      openCase: open,
    });
    expect(decideRepeat({ earlier: { record: open, visible: false } })).toEqual({ kind: 'refused' });
  });

  it('links to the open case when the registrar names it', () => {
    const seen = { record: open, visible: true };
    expect(
      decideRepeat({ earlier: seen, choice: link('open-1'), target: { ...seen, sameMatter: true } }),
    ).toEqual({ kind: 'link', openCase: open });
  });

  it('opens a second track for a stated reason, but not beside a case the registrar may not see', () => {
    const reason = { reason: '新的欠薪事实，另案处理' };
    expect(decideRepeat({ earlier: { record: open, visible: true }, choice: reason })).toEqual({
      kind: 'second-track',
      reason: '新的欠薪事实，另案处理',
    });
    expect(decideRepeat({ earlier: { record: open, visible: false }, choice: reason })).toEqual({
      kind: 'refused',
    });
    expect(decideRepeat({ earlier: { record: closed, visible: true }, choice: reason })).toMatchObject({
      kind: 'invalid',
      path: 'repeatOfOpenCase',
    });
  });

  it('refuses a link to an unknown or invisible case alike, to another matter, or to a closed case', () => {
    const earlier = { record: open, visible: true };
    const unknown = decideRepeat({ earlier, choice: link('nope') });
    const invisible = decideRepeat({
      earlier,
      choice: link('open-2'),
      target: { record: register({}, 'open-2'), visible: false, sameMatter: false },
    });
    expect(unknown).toEqual(invisible);
    expect(unknown).toMatchObject({ kind: 'invalid', path: 'repeatOfOpenCase.caseId' });
    expect(
      decideRepeat({
        earlier,
        choice: link('other-1'),
        target: { record: register({ category: 'neighbor' }, 'other-1'), visible: true, sameMatter: false },
      }),
    ).toEqual({
      kind: 'invalid',
      path: 'repeatOfOpenCase.caseId',
      reason: 'not-same-matter',
    });
    expect(
      decideRepeat({ choice: link('closed-1'), target: { record: closed, visible: true, sameMatter: true } }),
    ).toEqual({ kind: 'not-open', target: closed });
  });
});

describe('carried cases (积案)', () => {
  const history = [
    { date: '2021-06-01', what: '镇信访办答复', unit: '镇信访办' },
    { date: '2019-03-02', what: '首次来访登记', unit: '原某乡信访办' },
  ];
  const receivedAt = '2019-03-01T09:00:00+08:00';

  it('keeps the day it first came and its history in order; its clock runs from the entry', () => {
    const record = register({ receivedAt, backlog: { status: 'registered', history } });
    expect(record.receivedAt).toBe('2019-03-01T01:00:00.000Z');
    expect(record.backlog).toEqual({
      since: '2019-03-01',
      carriedStatus: 'registered',
      history: [history[1], history[0]],
    });
    expect(record.status).toBe('registered');
    // 28 November + 15 days, not 1 March 2019 + 15
    expect(record.deadlines.acknowledgeBy).toBe('2026-12-13T16:00:00.000Z');
    expect(record.alert?.kind).toBe('acknowledge');
  });

  it('enters an accepted carried case acknowledged now, on its track, with its reply owed in 60 days', () => {
    const record = register({ receivedAt, backlog: { status: 'accepted', track: 'supervised', history } });
    expect(record).toMatchObject({
      status: 'accepted',
      track: 'supervised',
      acknowledgedAt: NOW.toISOString(),
      deadlines: { replyBy: '2027-01-27T16:00:00.000Z' },
    });
    expect(record.alert?.kind).toBe('reply');
  });

  it('is no new intake: registration adds nothing to the day’s counters', () => {
    expect(registrationCounts(register({ receivedAt, backlog: { status: 'registered', history } }))).toEqual(
      [],
    );
    expect(registrationCounts(register())[0]?.counts).toMatchObject({ registered: 1, petitions: 1 });
  });

  it('knows when a case left the open statuses', () => {
    const record = register();
    expect(concludedAt(record)).toBeUndefined();
    expect(concludedAt(withStatus(record, 'closed', { closedAt: '2026-12-01T02:00:00.000Z' }))).toBe(
      '2026-12-01T02:00:00.000Z',
    );
    expect(
      concludedAt(
        withStatus(record, 'withdrawn', { withdrawal: { reason: '和解', at: '2026-12-02T02:00:00Z' } }),
      ),
    ).toBe('2026-12-02T02:00:00Z');
    expect(concludedAt(withStatus(record, 'declined', { acknowledgedAt: '2026-12-03T02:00:00.000Z' }))).toBe(
      '2026-12-03T02:00:00.000Z',
    );
  });

  it('counts the ledger of a period: open at its start, entered, resolved, concluded otherwise, remaining', () => {
    const carried = (id: string, enteredAt: string, end?: Partial<CaseRecord>) => {
      const record = register(
        { receivedAt, backlog: { status: 'registered', history } },
        id,
        new Date(enteredAt),
      );
      return end ? { ...record, ...end } : record;
    };
    const records = [
      // entered before 2027, resolved in it
      carried('a', '2026-12-01T02:00:00Z', { status: 'closed', closedAt: '2027-03-01T02:00:00.000Z' }),
      // entered before 2027, still open
      carried('b', '2026-12-01T02:00:00Z'),
      // entered before 2027 and concluded before it: not in the year at all
      carried('c', '2026-12-01T02:00:00Z', { status: 'closed', closedAt: '2026-12-20T02:00:00.000Z' }),
      // entered in 2027, withdrawn in it
      carried('d', '2027-02-01T02:00:00Z', {
        status: 'withdrawn',
        withdrawal: { reason: '和解', at: '2027-05-01T02:00:00.000Z' },
      }),
      // entered on 1 January, Beijing time (31 December UTC): in the year
      carried('e', '2026-12-31T17:00:00Z'),
      // entered after the year
      carried('f', '2028-01-02T02:00:00Z'),
      // not carried: not in the ledger
      register({}, 'g', new Date('2027-02-01T02:00:00Z')),
    ];
    const year = backlogLedger(records, '2027-01-01', '2027-12-31');
    expect(year).toEqual({ openAtStart: 2, entered: 2, resolved: 1, otherwiseConcluded: 1, remaining: 2 });
    expect(year.openAtStart + year.entered - year.resolved - year.otherwiseConcluded).toBe(year.remaining);
  });
});

describe('counters and rates by kind and for key cases', () => {
  const handler: Principal = { kind: 'staff', userId: 'handler-1', town: 'town-a', roles: ['handler'] };
  const ctx = (principal: Principal) => ({ principal, now: NOW, policy: DEFAULT_POLICY, calendar });
  const accepted = (kind: 'petition' | 'dispute', key = false) => {
    let record = applyCommand(
      register({ kind }),
      { command: 'accept', track: 'immediate', assigneeId: 'handler-1' },
      ctx(supervisor),
    ).record;
    if (key) record = applyCommand(record, { command: 'mark-key', reason: '重点' }, ctx(supervisor)).record;
    return record;
  };
  const replyCounts = (record: CaseRecord, outcome: 'resolved' | 'not_resolved') => {
    const effect = applyCommand(record, { command: 'reply', outcome, opinion: '答复' }, ctx(handler));
    return commandCounts(record, effect, NOW).flatMap((delta) => Object.entries(delta.counts));
  };

  it('counts a reply by the kind of the case, and again when the case is key', () => {
    expect(Object.fromEntries(replyCounts(accepted('dispute'), 'resolved'))).toMatchObject({
      replied: 1,
      resolved: 1,
      disputesReplied: 1,
      disputesResolved: 1,
    });
    const petition = Object.fromEntries(replyCounts(accepted('petition', true), 'not_resolved'));
    expect(petition).toMatchObject({ petitionsReplied: 1, keyReplied: 1 });
    expect(petition).not.toHaveProperty('petitionsResolved');
    expect(petition).not.toHaveProperty('keyResolved');
  });

  it('counts marks given and taken back', () => {
    const record = accepted('petition');
    const marked = applyCommand(record, { command: 'mark-key', reason: '重点' }, ctx(supervisor));
    expect(commandCounts(record, marked, NOW)[0]?.counts).toEqual({ keyMarked: 1 });
    const unmarked = applyCommand(
      marked.record,
      { command: 'unmark-key', reason: '已化解' },
      ctx(supervisor),
    );
    expect(commandCounts(marked.record, unmarked, NOW)[0]?.counts).toEqual({ keyUnmarked: 1 });
  });

  it('gives the resolution rate of petitions (信访) and of disputes (矛盾化解率) apart', () => {
    const values = indicators({
      replied: 5,
      resolved: 3,
      petitionsReplied: 2,
      petitionsResolved: 0,
      disputesReplied: 3,
      disputesResolved: 3,
      keyReplied: 1,
      keyResolved: 1,
    });
    expect(values.resolution).toEqual({ numerator: 3, denominator: 5, rate: 0.6 });
    expect(values.petitionResolution).toEqual({ numerator: 0, denominator: 2, rate: 0 });
    expect(values.disputeResolution).toEqual({ numerator: 3, denominator: 3, rate: 1 });
    expect(values.keyResolution).toEqual({ numerator: 1, denominator: 1, rate: 1 });
  });

  it('counts a repeat linked to its open case among the matters received and the repeats', () => {
    expect(indicators({ registered: 3, repeat: 1, repeatLinked: 1 }).repeat).toEqual({
      numerator: 2,
      denominator: 4,
      rate: 0.5,
    });
  });
});
