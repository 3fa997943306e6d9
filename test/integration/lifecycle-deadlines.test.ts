import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  caseBody,
  createHarness,
  type Harness,
  type TestResponse,
  validIdNumber,
} from '../support/harness.js';

/**
 * Deadline boundaries through the API. Each scenario that changes a town's settings uses a town of its own, so the
 * policy and calendars of one do not leak into another.
 */

let h: Harness;
let seq = 500;
beforeAll(async () => {
  h = await createHarness({ now: new Date('2026-11-28T02:00:00Z') });
});
afterAll(() => h.close());

/** A petitioner seen for the first time: a fresh ID number, so no earlier case makes it a repeat. */
const freshPetitioner = () => [{ name: '李四', idNumber: validIdNumber(seq++) }];

async function register(town: string, overrides: Record<string, unknown> = {}): Promise<TestResponse> {
  const clerk = await h.token('clerk', 'clerk-1', town);
  const created = await h.request('POST', '/v1/cases', {
    token: clerk,
    body: caseBody({ petitioners: freshPetitioner(), ...overrides }),
  });
  expect(created.status, created.text).toBe(201);
  return created;
}

async function command(
  town: string,
  roles: string,
  sub: string,
  id: string,
  name: string,
  body: unknown,
  version: number,
): Promise<TestResponse> {
  return h.request('POST', `/v1/cases/${id}/${name}`, {
    token: await h.token(roles, sub, town),
    body,
    headers: { 'if-match': `"${version}"` },
  });
}

/** Changes the town's policy through the API: GET the whole policy, PUT it back with the changes. */
async function setPolicy(town: string, changes: Record<string, unknown>): Promise<void> {
  const admin = await h.token('admin', 'admin-1', town);
  const current = await h.request('GET', '/v1/admin/policy', { token: admin });
  expect(current.status, current.text).toBe(200);
  const put = await h.request('PUT', '/v1/admin/policy', {
    token: admin,
    body: { ...current.body, ...changes },
  });
  expect(put.status, put.text).toBe(200);
  const after = await h.request('GET', '/v1/admin/policy', { token: admin });
  expect(after.body).toMatchObject(changes);
}

const referral = (dueBy?: string) => ({
  channel: 'referral',
  referral: { from: '县信访局', reference: `ZB-${seq}`, ...(dueBy ? { dueBy } : {}) },
});

describe('acknowledgeBy around Beijing midnight (received 20 vs 21 November)', () => {
  it.each([
    ['2026-11-20T15:59:59Z', '2026-12-05T16:00:00.000Z'], // 23:59:59 on the 20th in Beijing
    ['2026-11-20T23:59:59+08:00', '2026-12-05T16:00:00.000Z'],
    ['2026-11-20T16:00:00Z', '2026-12-06T16:00:00.000Z'], // 00:00:00 on the 21st
    ['2026-11-20T16:00:01Z', '2026-12-06T16:00:00.000Z'],
  ])('received %s → acknowledgeBy %s', async (receivedAt, acknowledgeBy) => {
    h.setNow('2026-11-21T02:00:00Z');
    const created = await register('town-a', { receivedAt });
    expect(created.body.receivedAt).toBe(new Date(receivedAt).toISOString());
    // 5 December 2026 is a Saturday: the default policy keeps the date (the stricter reading)
    expect(created.body.deadlines.acknowledgeBy).toBe(acknowledgeBy);
  });
});

describe('the review window closes at the instant of its deadline', () => {
  it('request-review a second before → 200; at the instant → 409 window-closed', async () => {
    h.setNow('2026-11-28T02:00:00Z');
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { id } = (await register('town-a')).body;
      const accepted = await command(
        'town-a',
        'clerk',
        'clerk-1',
        id,
        'accept',
        { track: 'immediate', assigneeId: 'handler-1' },
        1,
      );
      expect(accepted.status).toBe(200);
      const replied = await command(
        'town-a',
        'handler',
        'handler-1',
        id,
        'reply',
        { outcome: 'resolved', opinion: '已支付' },
        2,
      );
      expect(replied.status).toBe(200);
      // delivered 28 November (Beijing): 30 days → the end of 28 December
      expect(replied.body.deadlines.reviewRequestBy).toBe('2026-12-28T16:00:00.000Z');
      ids.push(id);
    }
    h.setNow('2026-12-28T15:59:59Z');
    const inTime = await command(
      'town-a',
      'clerk',
      'clerk-1',
      ids[0]!,
      'request-review',
      { reason: '不服' },
      3,
    );
    expect(inTime.status, inTime.text).toBe(200);
    expect(inTime.body.status).toBe('under_review');
    expect(inTime.body.deadlines.reviewAnswerBy).toBe('2027-01-27T16:00:00.000Z');

    h.setNow('2026-12-28T16:00:00Z');
    const late = await command(
      'town-a',
      'clerk',
      'clerk-1',
      ids[1]!,
      'request-review',
      { reason: '不服' },
      3,
    );
    expect(late.status).toBe(409);
    expect(late.body.type).toBe('/problems/window-closed');
    const unchanged = await h.request('GET', `/v1/cases/${ids[1]}`, {
      token: await h.token('clerk', 'clerk-1'),
    });
    expect(unchanged.body.status).toBe('replied');
    expect(unchanged.headers.get('etag')).toBe('"3"');
  });

  it('runs the window from deliveredAt when the reply was delivered earlier', async () => {
    h.setNow('2026-11-28T02:00:00Z');
    const { id } = (await register('town-a')).body;
    await command(
      'town-a',
      'clerk',
      'clerk-1',
      id,
      'accept',
      { track: 'immediate', assigneeId: 'handler-1' },
      1,
    );
    const replied = await command(
      'town-a',
      'handler',
      'handler-1',
      id,
      'reply',
      { outcome: 'resolved', opinion: '已支付', deliveredAt: '2026-11-25T10:00:00+08:00' },
      2,
    );
    expect(replied.status, replied.text).toBe(200);
    expect(replied.body.deadlines.reviewRequestBy).toBe('2026-12-25T16:00:00.000Z');
  });
});

describe('across the 2026 Spring Festival with the next-working-day rule (town-spring)', () => {
  const town = 'town-spring';

  it('moves a period that ends on a holiday only once the policy says so', async () => {
    // received Monday 2 February: 15 days → Tuesday 17 February, a Spring Festival holiday (15–23 February)
    h.setNow('2026-02-02T02:00:00Z');
    const kept = await register(town);
    expect(kept.body.deadlines.acknowledgeBy).toBe('2026-02-17T16:00:00.000Z');

    await setPolicy(town, { holidayRule: 'next_working_day' });
    const moved = await register(town);
    // 17 → past the holidays to Tuesday 24 February, the first working day
    expect(moved.body.deadlines.acknowledgeBy).toBe('2026-02-24T16:00:00.000Z');
    // the open case registered before the change follows the new policy (its deadline was still ahead)
    const before = await h.request('GET', `/v1/cases/${kept.body.id}`, {
      token: await h.token('clerk', 'c', town),
    });
    expect(before.body.deadlines.acknowledgeBy).toBe('2026-02-24T16:00:00.000Z');
  });

  it('keeps a period ending on a swapped working Saturday (14 February), moves one ending on a plain Saturday', async () => {
    h.setNow('2026-01-30T02:00:00Z'); // + 15 days = Saturday 14 February, a working day (调休)
    expect((await register(town)).body.deadlines.acknowledgeBy).toBe('2026-02-14T16:00:00.000Z');
    h.setNow('2026-02-13T02:00:00Z'); // + 15 days = Saturday 28 February, also swapped to a working day
    expect((await register(town)).body.deadlines.acknowledgeBy).toBe('2026-02-28T16:00:00.000Z');
    h.setNow('2026-01-23T02:00:00Z'); // + 15 days = Saturday 7 February, a weekend → Monday 9 February
    expect((await register(town)).body.deadlines.acknowledgeBy).toBe('2026-02-09T16:00:00.000Z');
  });

  it('moves a reply deadline that falls in the holidays: accepted 19 December 2025 + 60 days = 17 February', async () => {
    h.setNow('2025-12-19T02:00:00Z');
    const { id } = (await register(town)).body;
    const accepted = await command(town, 'clerk', 'clerk-1', id, 'accept', { track: 'coordinated' }, 1);
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body.deadlines.replyBy).toBe('2026-02-24T16:00:00.000Z');
  });

  it('extends from the period’s own last day, not from the day the holidays moved it to: 60 + 30, never 96', async () => {
    await setPolicy(town, { firstTimeNoExtension: false });
    h.setNow('2025-12-20T02:00:00Z');
    const { id } = (await register(town)).body;
    const accepted = await command(town, 'clerk', 'clerk-1', id, 'accept', { track: 'coordinated' }, 1);
    // 20 December + 60 = 18 February, a Spring Festival holiday → 24 February
    expect(accepted.body.deadlines.replyBy).toBe('2026-02-24T16:00:00.000Z');
    const extended = await command(town, 'leader', 'leader-1', id, 'extend', { days: 30, reason: '鉴定' }, 2);
    expect(extended.status, extended.text).toBe(200);
    // 18 February + 30 = 20 March, a working Friday (from 24 February it would be 26 March, 96 days)
    expect(extended.body.deadlines.extendedTo).toBe('2026-03-20T16:00:00.000Z');
  });
});

describe('the 5-working-day return window of a referral received 2026-02-12', () => {
  /*
   * Received Thursday 12 February 2026 (Beijing). Working days after it:
   *   Fri 13 Feb (1), Sat 14 Feb swapped working day (2),
   *   Sun 15 – Mon 23 Feb Spring Festival holidays (not counted),
   *   Tue 24 (3), Wed 25 (4), Thu 26 Feb (5)
   * → objectBy = end of Thursday 26 February, Beijing = 2026-02-26T16:00:00.000Z.
   */
  it('returns a second before the window closes; at the instant it closes → 409 window-closed', async () => {
    h.setNow('2026-02-12T02:00:00Z');
    const first = await register('town-a', referral('2026-04-30T16:00:00Z'));
    const second = await register('town-a', referral('2026-04-30T16:00:00Z'));
    expect(first.body.deadlines.objectBy).toBe('2026-02-26T16:00:00.000Z');
    expect(second.body.deadlines.objectBy).toBe('2026-02-26T16:00:00.000Z');

    h.setNow('2026-02-26T15:59:59Z');
    const inTime = await command(
      'town-a',
      'clerk',
      'clerk-1',
      first.body.id,
      'return',
      { reason: '不属本镇职权' },
      1,
    );
    expect(inTime.status, inTime.text).toBe(200);
    expect(inTime.body.status).toBe('returned');
    expect(inTime.body.acknowledgedAt).toBe('2026-02-26T15:59:59.000Z');

    h.setNow('2026-02-26T16:00:00Z');
    const late = await command(
      'town-a',
      'supervisor',
      'sup-1',
      second.body.id,
      'return',
      { reason: '不属本镇职权' },
      1,
    );
    expect(late.status).toBe(409);
    expect(late.body.type).toBe('/problems/window-closed');
  });

  it('gives a referral without dueBy (转送) the same window, and lets it be returned', async () => {
    // Art 23 lets a unit that is not competent object to any transferred or assigned matter within 5 working days;
    // the contract's `referral.dueBy` is optional
    h.setNow('2026-02-12T02:00:00Z');
    const transferred = await register('town-a', referral());
    expect(transferred.body.deadlines.objectBy).toBe('2026-02-26T16:00:00.000Z');
    h.setNow('2026-02-24T02:00:00Z');
    const returned = await command(
      'town-a',
      'clerk',
      'clerk-1',
      transferred.body.id,
      'return',
      { reason: '不属本镇' },
      1,
    );
    expect(returned.status, returned.text).toBe(200);
    expect(returned.body.status).toBe('returned');
  });

  it('refuses to return a matter that was not referred', async () => {
    h.setNow('2026-02-12T02:00:00Z');
    const { id } = (await register('town-a')).body;
    const refused = await command('town-a', 'clerk', 'clerk-1', id, 'return', { reason: '不属本镇' }, 1);
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe('/problems/not-referred');
  });
});

describe('across a leap day (2028, no calendar: weekends only)', () => {
  it('counts 29 February 2028 as a day', async () => {
    h.setNow('2028-02-14T02:00:00Z');
    expect((await register('town-a')).body.deadlines.acknowledgeBy).toBe('2028-02-29T16:00:00.000Z');
    h.setNow('2028-02-15T02:00:00Z');
    expect((await register('town-a')).body.deadlines.acknowledgeBy).toBe('2028-03-01T16:00:00.000Z');
  });

  it('accepted 31 December 2027 + 60 days = 29 February 2028; a year earlier it is 1 March', async () => {
    h.setNow('2027-12-31T02:00:00Z');
    const leap = (await register('town-a')).body.id;
    const accepted = await command('town-a', 'clerk', 'clerk-1', leap, 'accept', { track: 'immediate' }, 1);
    expect(accepted.body.deadlines.replyBy).toBe('2028-02-29T16:00:00.000Z');

    h.setNow('2026-12-31T02:00:00Z');
    const common = (await register('town-a')).body.id;
    const accepted2 = await command(
      'town-a',
      'clerk',
      'clerk-1',
      common,
      'accept',
      { track: 'immediate' },
      1,
    );
    expect(accepted2.body.deadlines.replyBy).toBe('2027-03-01T16:00:00.000Z');
  });
});

describe('the provisional 2027 and then its notice stored by the admin (town-2027)', () => {
  const town = 'town-2027';

  it('counts the statutory holidays until PUT /v1/admin/calendar/2027 replaces them, moving open cases too', async () => {
    const admin = await h.token('admin', 'admin-1', town);
    const shipped = await h.request('GET', '/v1/admin/calendar/2027', { token: admin });
    expect(shipped.status).toBe(200);
    expect(shipped.body).toMatchObject({ year: 2027, provisional: true, swappedWorkdays: [] });
    expect(shipped.body.fallback).toBeUndefined();

    // received Thursday 4 February 2027; the Spring Festival 5–8 February (provisional, no make-up days):
    // Tue 9 (1), Wed 10 (2), Thu 11 (3), Fri 12 (4), Mon 15 (5)
    h.setNow('2027-02-04T02:00:00Z');
    const before = await register(town, referral('2027-04-30T16:00:00Z'));
    expect(before.body.deadlines.objectBy).toBe('2027-02-15T16:00:00.000Z');

    // a schedule for 2027 (made up for the test): holidays Sat 6 – Fri 12 February, Saturday 13 February worked
    const holidays = ['06', '07', '08', '09', '10', '11', '12'].map((d) => `2027-02-${d}`);
    const put = await h.request('PUT', '/v1/admin/calendar/2027', {
      token: admin,
      body: { year: 2027, holidays, swappedWorkdays: ['2027-02-13'] },
    });
    expect(put.status, put.text).toBe(200);
    expect(put.body.recompute).toEqual({ examined: 1, changed: 1, done: true });
    const stored = await h.request('GET', '/v1/admin/calendar/2027', { token: admin });
    expect(stored.body).toMatchObject({
      year: 2027,
      holidays,
      swappedWorkdays: ['2027-02-13'],
      provisional: false,
    });
    expect(stored.body.fallback).toBeUndefined();

    // now: Fri 5 (1), Sat 13 swapped (2), Mon 15 (3), Tue 16 (4), Wed 17 (5), for the new case and the open one
    const after = await register(town, referral('2027-04-30T16:00:00Z'));
    expect(after.body.deadlines.objectBy).toBe('2027-02-17T16:00:00.000Z');
    const moved = await h.request('GET', `/v1/cases/${before.body.id}`, { token: admin });
    expect(moved.body.deadlines.objectBy).toBe('2027-02-17T16:00:00.000Z');

    h.setNow('2027-02-17T15:59:59Z');
    const inTime = await command(
      town,
      'clerk',
      'clerk-1',
      before.body.id,
      'return',
      { reason: '不属本镇' },
      1,
    );
    expect(inTime.status, inTime.text).toBe(200);
    h.setNow('2027-02-17T16:00:00Z');
    const tooLate = await command(
      town,
      'clerk',
      'clerk-1',
      after.body.id,
      'return',
      { reason: '不属本镇' },
      1,
    );
    expect(tooLate.status).toBe(409);
    expect(tooLate.body.type).toBe('/problems/window-closed');
  });
});

describe('a provincial variant by configuration alone (town-zj: reply 30 days, extension up to 60)', () => {
  const town = 'town-zj';

  it('accepts a 45-day extension of a repeat petition and refuses 61 days as invalid `days`', async () => {
    await setPolicy(town, { replyDays: 30, maxExtensionDays: 60 });
    h.setNow('2026-11-28T02:00:00Z');
    const petitioners = [{ name: '王五', idNumber: validIdNumber(901) }];
    const first = await register(town, { petitioners, category: 'land_use' });
    expect(first.body.firstTime).toBe(true);
    // the first is still open: the clerk opens the repeat as a second case with a reason (Art 19)
    const repeat = await register(town, {
      petitioners,
      category: 'land_use',
      repeatOfOpenCase: { reason: '新的补偿争议' },
    });
    expect(repeat.body.firstTime).toBe(false);
    expect(repeat.body.repeatOf).toBe(first.body.id);

    const accepted = await command(
      town,
      'clerk',
      'clerk-1',
      repeat.body.id,
      'accept',
      { track: 'supervised' },
      1,
    );
    // 28 November + 30 days
    expect(accepted.body.deadlines.replyBy).toBe('2026-12-28T16:00:00.000Z');

    const tooLong = await command(
      town,
      'leader',
      'leader-1',
      repeat.body.id,
      'extend',
      { days: 61, reason: '鉴定' },
      2,
    );
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.type).toBe('/problems/validation');
    expect(tooLong.body.errors.map((e: { path: string }) => e.path)).toContain('days');

    const extended = await command(
      town,
      'leader',
      'leader-1',
      repeat.body.id,
      'extend',
      { days: 45, reason: '鉴定' },
      2,
    );
    expect(extended.status, extended.text).toBe(200);
    // 28 December + 45 days = 11 February 2027
    expect(extended.body.deadlines.extendedTo).toBe('2027-02-11T16:00:00.000Z');
    expect(extended.body.deadlines.replyBy).toBe('2026-12-28T16:00:00.000Z');

    // the town's first-time rule still holds under the provincial numbers
    await command(town, 'clerk', 'clerk-1', first.body.id, 'accept', { track: 'supervised' }, 1);
    const firstTime = await command(
      town,
      'leader',
      'leader-1',
      first.body.id,
      'extend',
      { days: 45, reason: '鉴定' },
      2,
    );
    expect(firstTime.status).toBe(409);
    expect(firstTime.body.type).toBe('/problems/first-time-no-extension');
  });

  it('keeps the default limits in a town that changed nothing: 45 days is invalid there', async () => {
    h.setNow('2026-11-28T02:00:00Z');
    const petitioners = [{ name: '赵六', idNumber: validIdNumber(902) }];
    await register('town-a', { petitioners });
    const repeat = await register('town-a', { petitioners, repeatOfOpenCase: { reason: '另案' } });
    expect(repeat.body.firstTime).toBe(false);
    const accepted = await command(
      'town-a',
      'clerk',
      'clerk-1',
      repeat.body.id,
      'accept',
      { track: 'immediate' },
      1,
    );
    expect(accepted.body.deadlines.replyBy).toBe('2027-01-27T16:00:00.000Z');
    const tooLong = await command(
      'town-a',
      'leader',
      'leader-1',
      repeat.body.id,
      'extend',
      { days: 45, reason: 'x' },
      2,
    );
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors.map((e: { path: string }) => e.path)).toContain('days');
    const ok = await command(
      'town-a',
      'leader',
      'leader-1',
      repeat.body.id,
      'extend',
      { days: 30, reason: 'x' },
      2,
    );
    expect(ok.status).toBe(200);
    expect(ok.body.deadlines.extendedTo).toBe('2027-02-26T16:00:00.000Z');
  });
});

describe('the ladder fires at hundredths of a period (town-ladder)', () => {
  const town = 'town-ladder';
  const withFraction = async (fractionElapsed: number, language = 'zh-CN') => {
    const admin = await h.token('admin', 'admin-1', town);
    const current = await h.request('GET', '/v1/admin/policy', { token: admin });
    const [first, ...rest] = current.body.escalation.steps;
    return h.request('PUT', '/v1/admin/policy', {
      token: admin,
      headers: { 'accept-language': language },
      body: {
        ...current.body,
        escalation: { ...current.body.escalation, steps: [{ ...first, when: { fractionElapsed } }, ...rest] },
      },
    });
  };
  const PATH = 'escalation.steps.0.when.fractionElapsed';

  it('takes 0.01, 0.25 and 0.99', async () => {
    for (const fraction of [0.01, 0.25, 0.99]) {
      const put = await withFraction(fraction);
      expect(put.status, put.text).toBe(200);
      expect(put.body.escalation.steps[0].when).toEqual({ fractionElapsed: fraction });
    }
  });

  it('refuses a fraction below 0.01 (1e-200 too, which the store could not keep), above 0.99, or between hundredths', async () => {
    for (const fraction of [0, 1e-200, 0.005, 0.333, 1]) {
      const put = await withFraction(fraction);
      expect(put.status, `${fraction}`).toBe(400);
      expect(put.body.errors.map((e: { path: string }) => e.path)).toContain(PATH);
    }
    const english = await withFraction(0.333, 'en');
    expect(english.body.errors).toEqual([
      { path: PATH, message: expect.stringContaining('multiple of 0.01') },
    ]);
    const chinese = await withFraction(0.333);
    expect(chinese.body.errors[0].message).toMatch(/0\.01/);
    expect(chinese.body.errors[0].message).not.toMatch(/multiple/);
  });
});
