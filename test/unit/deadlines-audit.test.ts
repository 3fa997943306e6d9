import { describe, expect, it } from 'vitest';
import { shippedCalendars, WorkingCalendar } from '../../lambdas/domain/calendar.js';
import type { CaseRecord } from '../../lambdas/domain/case.js';
import { derivedDeadlines } from '../../lambdas/domain/case-deadlines.js';
import { applyCommand, type CommandInput } from '../../lambdas/domain/lifecycle.js';
import { DEFAULT_POLICY, type DeadlinePolicy } from '../../lambdas/domain/policy.js';
import { registerCase } from '../../lambdas/domain/registration.js';
import type { Principal, StaffRole } from '../../lambdas/domain/roles.js';

/**
 * The audit's deadlines, computed by hand from the published schedules (data/calendars.json: 2025 and 2026 from the
 * State Council's notices, 2027 provisional with the statutory holidays only, 2028 not shipped so weekends only).
 * Each vector gives the last day of the period (Beijing) under the default rule (`keep`) and under the general
 * procedural rule (`next_working_day`); the period ends at 24:00 Beijing of that day. Every vector runs through the
 * commands that set the deadline, under both rules, and the derivation a stored calendar recomputes with must agree.
 *
 * The 2028 vectors count weekends only: when 2028's calendar ships, they are to be computed again by hand.
 */

type Kind =
  | 'acknowledge' // registration: 15 days from receipt (Art 22)
  | 'return' // a referral: 5 working days to return it (Art 23); the same under both rules
  | 'reply' // acceptance: 60 days (Art 34)
  | 'extension' // acceptance, then `days` more from the period's own last day (Art 34)
  | 'review-request' // the reply delivered: 30 days to ask for review (Art 35)
  | 'review-answer' // review asked: 30 days to answer it
  | 're-review-request'; // the review opinion delivered: 30 days to ask for re-review (Art 36)

interface Vector {
  what: string;
  kind: Kind;
  /** The instant the period starts from (receipt, acceptance, delivery, request). */
  at: string;
  /** Extension days. */
  days?: number;
  keep: string;
  /** Under `next_working_day`; the same as `keep` when absent. */
  next?: string;
}

/** A vector: its kind, the instant it starts from, the last day under `keep` and under `next_working_day`. */
const v = (
  kind: Kind,
  at: string,
  keep: string,
  next: string | undefined,
  what: string,
  days?: number,
): Vector => ({
  kind,
  at,
  keep,
  ...(next ? { next } : {}),
  what,
  ...(days ? { days } : {}),
});

const VECTORS: Vector[] = [
  // midnight edges: a period starts on the Beijing day of its instant
  v('acknowledge', '2026-11-20T15:59:59Z', '2026-12-05', '2026-12-07', '23:59:59 Beijing on 20 Nov'),
  v('acknowledge', '2026-11-20T16:00:00Z', '2026-12-06', '2026-12-07', '00:00:00 Beijing on 21 Nov'),
  v(
    'acknowledge',
    '2026-11-20T23:59:59+08:00',
    '2026-12-05',
    '2026-12-07',
    'offset +08:00, last second of the day',
  ),
  v(
    'acknowledge',
    '2026-11-21T00:00:00+08:00',
    '2026-12-06',
    '2026-12-07',
    'offset +08:00, first second of the next',
  ),
  v('return', '2026-02-12T15:30:00Z', '2026-02-26', undefined, 'return window, 23:30 Beijing'),
  v('return', '2026-02-12T16:30:00Z', '2026-02-27', undefined, 'return window, 00:30 Beijing the next day'),
  v('reply', '2026-12-31T15:59:59Z', '2027-03-01', undefined, 'reply, 23:59:59 Beijing on 31 Dec 2026'),
  v('reply', '2026-12-31T16:00:00Z', '2027-03-02', undefined, 'reply, 00:00 Beijing on 1 Jan 2027'),
  v('review-request', '2026-11-28T15:59:59Z', '2026-12-28', undefined, 'review window, 23:59:59 Beijing'),
  v('review-request', '2026-11-28T16:00:00Z', '2026-12-29', undefined, 'review window, 00:00 Beijing'),
  // the 2026 Spring Festival: holidays 15–23 Feb, Saturdays 14 and 28 Feb worked (调休)
  v('acknowledge', '2026-02-02T02:00:00Z', '2026-02-17', '2026-02-24', 'ends on a festival day'),
  v('acknowledge', '2026-01-30T02:00:00Z', '2026-02-14', undefined, 'ends on the worked Saturday 14 Feb'),
  v('acknowledge', '2026-02-13T02:00:00Z', '2026-02-28', undefined, 'ends on the worked Saturday 28 Feb'),
  v('acknowledge', '2026-01-23T02:00:00Z', '2026-02-07', '2026-02-09', 'ends on a plain Saturday before it'),
  v('reply', '2025-12-19T02:00:00Z', '2026-02-17', '2026-02-24', 'reply from 19 Dec 2025'),
  v('reply', '2025-12-20T02:00:00Z', '2026-02-18', '2026-02-24', 'reply from 20 Dec 2025'),
  v(
    'return',
    '2026-02-12T02:00:00Z',
    '2026-02-26',
    undefined,
    'return from Thu 12 Feb: Fri, worked Sat, then after the festival',
  ),
  v('return', '2026-02-13T02:00:00Z', '2026-02-27', undefined, 'return from Fri 13 Feb'),
  v(
    'return',
    '2026-02-14T02:00:00Z',
    '2026-02-28',
    undefined,
    'return from the worked Sat 14 Feb, ending on the worked Sat 28 Feb',
  ),
  v(
    'review-request',
    '2026-01-16T02:00:00Z',
    '2026-02-15',
    '2026-02-24',
    'review window ending on the festival Sunday',
  ),
  // the 2026 National Day (1–7 Oct, Sun 20 Sep and Sat 10 Oct worked) and Mid-Autumn (25–27 Sep)
  v(
    'return',
    '2026-09-30T02:00:00Z',
    '2026-10-13',
    undefined,
    'return from Wed 30 Sep, past the holiday and the worked Saturday',
  ),
  v(
    'return',
    '2026-09-18T02:00:00Z',
    '2026-09-24',
    undefined,
    'return from Fri 18 Sep, counting the worked Sunday 20 Sep',
  ),
  v(
    'return',
    '2026-09-24T02:00:00Z',
    '2026-10-09',
    undefined,
    'return from Thu 24 Sep, past Mid-Autumn and National Day',
  ),
  v('acknowledge', '2026-09-20T02:00:00Z', '2026-10-05', '2026-10-08', 'acknowledgement ending on 5 Oct'),
  v(
    'acknowledge',
    '2026-09-25T02:00:00Z',
    '2026-10-10',
    undefined,
    'acknowledgement ending on the worked Sat 10 Oct',
  ),
  v('reply', '2026-08-03T02:00:00Z', '2026-10-02', '2026-10-08', 'reply ending on 2 Oct'),
  v('review-answer', '2026-09-01T02:00:00Z', '2026-10-01', '2026-10-08', 'review answer ending on 1 Oct'),
  // the rest of 2026
  v('acknowledge', '2026-03-20T02:00:00Z', '2026-04-04', '2026-04-07', 'Qingming (4–6 Apr)'),
  v('return', '2026-04-30T02:00:00Z', '2026-05-11', undefined, 'Labour Day (1–5 May), Sat 9 May worked'),
  v('acknowledge', '2026-06-04T02:00:00Z', '2026-06-19', '2026-06-22', 'Dragon Boat (19–21 Jun)'),
  // 2025, for cases registered back-dated
  v(
    'acknowledge',
    '2025-01-13T02:00:00Z',
    '2025-01-28',
    '2025-02-05',
    '2025 Spring Festival (28 Jan – 4 Feb)',
  ),
  v('return', '2025-01-24T02:00:00Z', '2025-02-07', undefined, '2025 return counting the worked Sun 26 Jan'),
  v('acknowledge', '2025-04-16T02:00:00Z', '2025-05-01', '2025-05-06', '2025 Labour Day (1–5 May)'),
  v('return', '2025-04-25T02:00:00Z', '2025-05-06', undefined, '2025 return counting the worked Sun 27 Apr'),
  v('return', '2025-09-26T02:00:00Z', '2025-10-10', undefined, '2025 return counting the worked Sun 28 Sep'),
  v('return', '2025-10-09T02:00:00Z', '2025-10-15', undefined, '2025 return counting the worked Sat 11 Oct'),
  v(
    'review-answer',
    '2025-09-01T02:00:00Z',
    '2025-10-01',
    '2025-10-09',
    '2025 National Day and Mid-Autumn (1–8 Oct)',
  ),
  // year ends: 2025 → 2026 (1–3 Jan off, Sun 4 Jan worked)
  v(
    'acknowledge',
    '2025-12-17T02:00:00Z',
    '2026-01-01',
    '2026-01-04',
    'acknowledgement ending on New Year 2026',
  ),
  v('reply', '2025-11-02T02:00:00Z', '2026-01-01', '2026-01-04', 'reply ending on New Year 2026'),
  v(
    'return',
    '2025-12-29T02:00:00Z',
    '2026-01-06',
    undefined,
    'return from Mon 29 Dec 2025, counting the worked Sun 4 Jan',
  ),
  // 2026 → 2027 (1 Jan 2027, a Friday, off)
  v(
    'acknowledge',
    '2026-12-17T02:00:00Z',
    '2027-01-01',
    '2027-01-04',
    'acknowledgement ending on New Year 2027',
  ),
  v('reply', '2026-12-31T02:00:00Z', '2027-03-01', undefined, 'reply across the year end'),
  v(
    're-review-request',
    '2026-12-02T02:00:00Z',
    '2027-01-01',
    '2027-01-04',
    're-review window ending on New Year 2027',
  ),
  // referral return windows from 25 Dec 2026 into 2027
  v('return', '2026-12-24T02:00:00Z', '2026-12-31', undefined, 'return from Thu 24 Dec 2026'),
  v('return', '2026-12-25T02:00:00Z', '2027-01-04', undefined, 'return from Fri 25 Dec 2026'),
  v('return', '2026-12-26T02:00:00Z', '2027-01-04', undefined, 'return from Sat 26 Dec 2026'),
  v('return', '2026-12-27T02:00:00Z', '2027-01-04', undefined, 'return from Sun 27 Dec 2026'),
  v('return', '2026-12-28T02:00:00Z', '2027-01-05', undefined, 'return from Mon 28 Dec 2026'),
  v('return', '2026-12-29T02:00:00Z', '2027-01-06', undefined, 'return from Tue 29 Dec 2026'),
  v('return', '2026-12-30T02:00:00Z', '2027-01-07', undefined, 'return from Wed 30 Dec 2026'),
  v('return', '2026-12-31T02:00:00Z', '2027-01-08', undefined, 'return from Thu 31 Dec 2026'),
  v('return', '2027-01-01T02:00:00Z', '2027-01-08', undefined, 'return from New Year’s Day 2027'),
  v('return', '2027-01-04T02:00:00Z', '2027-01-11', undefined, 'return from Mon 4 Jan 2027'),
  // the provisional 2027 Spring Festival (5–8 Feb)
  v(
    'acknowledge',
    '2027-01-21T02:00:00Z',
    '2027-02-05',
    '2027-02-09',
    'acknowledgement ending on 5 Feb 2027',
  ),
  v('return', '2027-02-04T02:00:00Z', '2027-02-15', undefined, 'return from Thu 4 Feb 2027'),
  v('reply', '2026-12-10T02:00:00Z', '2027-02-08', '2027-02-09', 'reply ending on 8 Feb 2027'),
  // 2027 → 2028 (no 2028 calendar: weekends only)
  v(
    'acknowledge',
    '2027-12-17T02:00:00Z',
    '2028-01-01',
    '2028-01-03',
    'acknowledgement ending on Sat 1 Jan 2028',
  ),
  v('return', '2027-12-29T02:00:00Z', '2028-01-05', undefined, 'return from Wed 29 Dec 2027'),
  // 29 February 2028
  v('reply', '2027-12-31T02:00:00Z', '2028-02-29', undefined, 'reply from 31 Dec 2027 ends on 29 Feb'),
  v('acknowledge', '2028-02-14T02:00:00Z', '2028-02-29', undefined, 'acknowledgement ending on 29 Feb'),
  v('acknowledge', '2028-02-15T02:00:00Z', '2028-03-01', undefined, 'acknowledgement ending on 1 Mar'),
  v('acknowledge', '2028-02-13T02:00:00Z', '2028-02-28', undefined, 'acknowledgement ending on 28 Feb'),
  v('review-request', '2028-01-30T02:00:00Z', '2028-02-29', undefined, 'review window ending on 29 Feb'),
  v('review-answer', '2028-01-31T02:00:00Z', '2028-03-01', undefined, 'review answer ending on 1 Mar'),
  // the extension: 60 + 30 days from the acceptance date, then the holiday rule (never from a day a holiday moved)
  v(
    'extension',
    '2025-12-20T02:00:00Z',
    '2026-03-20',
    undefined,
    'accepted 20 Dec 2025: reply moved to 24 Feb, extension still ends 20 Mar (90 days)',
    30,
  ),
  v('extension', '2025-12-19T02:00:00Z', '2026-03-19', undefined, 'accepted 19 Dec 2025, 30 days', 30),
  v(
    'extension',
    '2025-12-22T02:00:00Z',
    '2026-03-22',
    '2026-03-23',
    'accepted 22 Dec 2025: ends on a Sunday',
    30,
  ),
  v(
    'extension',
    '2025-12-20T02:00:00Z',
    '2026-02-28',
    undefined,
    'accepted 20 Dec 2025, 10 days: ends on the worked Sat 28 Feb',
    10,
  ),
  v('extension', '2026-11-28T02:00:00Z', '2027-02-26', undefined, 'accepted 28 Nov 2026, 30 days', 30),
  v(
    'extension',
    '2026-07-05T02:00:00Z',
    '2026-10-03',
    '2026-10-08',
    'accepted 5 Jul 2026: ends on 3 Oct',
    30,
  ),
  v(
    'extension',
    '2026-11-07T02:00:00Z',
    '2027-02-05',
    '2027-02-09',
    'accepted 7 Nov 2026: ends on 5 Feb 2027',
    30,
  ),
  v(
    'extension',
    '2027-12-01T02:00:00Z',
    '2028-02-29',
    undefined,
    'accepted 1 Dec 2027: reply on a Sunday, extension ends 29 Feb 2028',
    30,
  ),
  v(
    'reply',
    '2027-12-01T02:00:00Z',
    '2028-01-30',
    '2028-01-31',
    'reply of the same case: 30 Jan 2028, a Sunday',
  ),
  v('reply', '2026-07-05T02:00:00Z', '2026-09-03', undefined, 'reply of the 5 Jul 2026 case'),
  v('reply', '2026-11-07T02:00:00Z', '2027-01-06', undefined, 'reply of the 7 Nov 2026 case'),
  v('reply', '2025-12-22T02:00:00Z', '2026-02-20', '2026-02-24', 'reply of the 22 Dec 2025 case'),
];

const calendar = new WorkingCalendar(shippedCalendars.values());
const RULES = ['keep', 'next_working_day'] as const;
const HOUR = 3_600_000;

const staff = (userId: string, role: StaffRole): Principal => ({
  kind: 'staff',
  userId,
  town: 'town-a',
  roles: [role],
});
const CLERK = staff('clerk-1', 'clerk');
const LEADER = staff('leader-1', 'leader');
const HANDLER = staff('handler-1', 'handler');
const SUPERVISOR = staff('sup-1', 'supervisor');

/** The end of a Beijing day, written out: 24:00 Beijing is 16:00 UTC of the same date. */
const endOf = (date: string) => `${date}T16:00:00.000Z`;
const earlier = (iso: string, hours: number) => new Date(Date.parse(iso) - hours * HOUR);

/** The case the vector's kind needs, brought to its deadline through the commands; and that deadline's name. */
function run(v: Vector, policy: DeadlinePolicy): { record: CaseRecord; deadline: string | undefined } {
  const start = new Date(v.at);
  const referral = v.kind === 'return' ? { referral: { from: '县信访局', reference: 'ZB-1' } } : {};
  // a repeat petition, so that the town's first-time rule does not forbid the extension
  const registerAt = v.kind === 'acknowledge' || v.kind === 'return' ? start : earlier(v.at, 72);
  let record = registerCase(
    {
      kind: 'petition',
      channel: v.kind === 'return' ? 'referral' : 'visit',
      category: 'labor_wages',
      title: '拖欠工资',
      description: '工地拖欠工资',
      petitioners: [{ name: '张三' }],
      ...referral,
    },
    {
      id: 'case-audit',
      number: 'XF-20260101-0001',
      now: registerAt,
      principal: CLERK,
      policy,
      calendar,
      firstTime: false,
      repeatOf: 'case-0',
      level: 'town',
      timelineHead: { seq: 1, hash: 'a'.repeat(64) },
    },
  );
  const step = (input: CommandInput, by: Principal, now: Date) => {
    record = applyCommand(record, input, { principal: by, now, policy, calendar }).record;
  };
  if (v.kind === 'acknowledge') return { record, deadline: record.deadlines.acknowledgeBy };
  if (v.kind === 'return') return { record, deadline: record.deadlines.objectBy };
  const acceptAt = v.kind === 'reply' || v.kind === 'extension' ? start : earlier(v.at, 48);
  step({ command: 'accept', track: 'immediate', assigneeId: 'handler-1' }, CLERK, acceptAt);
  if (v.kind === 'reply') return { record, deadline: record.deadlines.replyBy };
  if (v.kind === 'extension') {
    step({ command: 'extend', days: v.days ?? 30, reason: '需鉴定' }, LEADER, start);
    return { record, deadline: record.deadlines.extendedTo };
  }
  if (v.kind === 'review-request') {
    step({ command: 'reply', outcome: 'resolved', opinion: '已支付', deliveredAt: v.at }, HANDLER, start);
    return { record, deadline: record.deadlines.reviewRequestBy };
  }
  step({ command: 'reply', outcome: 'resolved', opinion: '已支付' }, HANDLER, earlier(v.at, 36));
  const requestAt = v.kind === 'review-answer' ? start : earlier(v.at, 24);
  step({ command: 'request-review', reason: '不服' }, CLERK, requestAt);
  if (v.kind === 'review-answer') return { record, deadline: record.deadlines.reviewAnswerBy };
  step(
    { command: 'record-review', outcome: 'resolved', opinion: '维持', deliveredAt: v.at },
    SUPERVISOR,
    start,
  );
  return { record, deadline: record.deadlines.reviewRequestBy };
}

describe('the audit’s hand-computed deadlines', () => {
  it('rest on the shipped calendars: 2025–2026 from the notices, 2027 provisional, 2028 not yet shipped', () => {
    expect(shippedCalendars.get(2025)?.provisional).toBeUndefined();
    expect(shippedCalendars.get(2026)?.provisional).toBeUndefined();
    expect(shippedCalendars.get(2027)?.provisional).toBe(true);
    // the 2028 vectors count weekends only: compute them again by hand when 2028 ships
    expect(shippedCalendars.has(2028)).toBe(false);
    expect(VECTORS.length).toBeGreaterThanOrEqual(70);
  });

  for (const holidayRule of RULES) {
    const policy: DeadlinePolicy = { ...DEFAULT_POLICY, holidayRule };
    describe(`under ${holidayRule}`, () => {
      it.each(VECTORS)('$kind from $at: $what', (v) => {
        const expected = endOf(holidayRule === 'keep' ? v.keep : (v.next ?? v.keep));
        const { record, deadline } = run(v, policy);
        expect(deadline).toBe(expected);
        // what a stored calendar or policy recomputes from the same facts is what the commands set
        expect(derivedDeadlines(record, { policy, calendar })).toEqual(record.deadlines);
      });
    });
  }

  it('never extends past 90 days, whichever rule moved the reply deadline', () => {
    const day = (iso: string) =>
      Math.round((Date.parse(iso) - Date.parse('2025-12-20T16:00:00.000Z')) / (24 * HOUR));
    for (const holidayRule of RULES) {
      const v = VECTORS.find((x) => x.kind === 'extension')!;
      const { record } = run(v, { ...DEFAULT_POLICY, holidayRule });
      expect(record.deadlines.replyBy).toBe(endOf(holidayRule === 'keep' ? '2026-02-18' : '2026-02-24'));
      // the end of 20 March is 90 days after the end of the acceptance day, not 96
      expect(day(record.deadlines.extendedTo!)).toBe(90);
      expect(record.extension).toEqual({ days: 30, reason: '需鉴定', at: v.at.replace('Z', '.000Z') });
    }
  });
});
