import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  caseBody,
  createHarness,
  type Harness,
  type TestResponse,
  validIdNumber,
} from '../support/harness.js';

/** Registration input: every field's bad value is a 400 naming it; the service never answers 500. */

const NOW = new Date('2026-11-28T02:00:00Z');
const SECOND = 1000;
const DAY = 24 * 60 * 60 * SECOND;

/** The instant `ms` from NOW, written in Beijing time with its offset, as a client in the town would send it. */
const beijingIso = (ms: number): string =>
  new Date(NOW.getTime() + ms + 8 * 60 * 60 * SECOND).toISOString().replace('Z', '+08:00');

const CLERK_CLAIMS = { sub: 'clerk-1', 'custom:town': 'town-a', 'cognito:groups': '[clerk]' };

let h: Harness;
let token: string;
beforeAll(async () => {
  h = await createHarness({ now: NOW });
  token = await h.token('clerk', 'clerk-1');
});
afterAll(() => h.close());

const register = (body: unknown, headers: Record<string, string> = {}) =>
  h.request('POST', '/v1/cases', { token, body, headers });

function expectProblem(response: TestResponse, status: number, type: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body.type).toBe(`/problems/${type}`);
  expect(response.body.status).toBe(status);
  expect(typeof response.body.title).toBe('string');
  expect(typeof response.body.detail).toBe('string');
}

function expectFieldError(response: TestResponse, path: string) {
  expectProblem(response, 400, 'validation');
  expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
}

/** A valid ID number whose last character is replaced by another one. */
const withWrongCheckChar = (id: string): string => id.slice(0, 17) + (id[17] === '0' ? '1' : '0');

/** The first valid ID number (area 330681, born 1980-01-01) whose check character is X. */
const idEndingInX = (): string => {
  for (let seq = 0; seq < 1000; seq++) {
    const id = validIdNumber(seq);
    if (id.endsWith('X')) return id;
  }
  throw new Error('no sequence gives a check character X');
};

describe('each bad field is a 400 naming it', () => {
  const petitioner = { name: '张三' };
  const cases: [string, Record<string, unknown>, string][] = [
    [
      'an ID number with a wrong check character',
      { petitioners: [{ name: '张三', idNumber: withWrongCheckChar(validIdNumber()) }] },
      'petitioners.0.idNumber',
    ],
    [
      'an ID number with an impossible birth date',
      { petitioners: [{ name: '张三', idNumber: '330681198002301234' }] },
      'petitioners.0.idNumber',
    ],
    ['a malformed phone', { petitioners: [{ name: '张三', phone: '12345' }] }, 'petitioners.0.phone'],
    ['an unknown petitioner field', { petitioners: [{ name: '张三', age: 40 }] }, 'petitioners.0.age'],
    [
      'a headcount below the number of petitioners',
      { petitioners: [petitioner, petitioner], headcount: 1 },
      'headcount',
    ],
    ['a fractional headcount', { headcount: 2.5 }, 'headcount'],
    [
      'receivedAt 4 days back without lateEntryReason',
      { receivedAt: beijingIso(-4 * DAY) },
      'lateEntryReason',
    ],
    ['receivedAt without an offset', { receivedAt: '2026-11-28T09:00:00' }, 'receivedAt'],
    ['receivedAt as a bare date', { receivedAt: '2026-11-28' }, 'receivedAt'],
    ['receivedAt 2 minutes in the future', { receivedAt: beijingIso(2 * 60 * SECOND) }, 'receivedAt'],
    ['an unknown category', { category: 'weather' }, 'category'],
    ['an unknown kind', { kind: 'complaint' }, 'kind'],
    ['an unknown channel', { channel: 'carrier_pigeon' }, 'channel'],
    ['an empty title', { title: '' }, 'title'],
    ['a blank title', { title: '   ' }, 'title'],
    ['a 201-character title', { title: '字'.repeat(201) }, 'title'],
    ['a 4001-character description', { description: '字'.repeat(4001) }, 'description'],
    ['no petitioners', { petitioners: [] }, 'petitioners'],
    [
      '51 petitioners',
      { petitioners: Array.from({ length: 51 }, (_, i) => ({ name: `村民${i}` })) },
      'petitioners',
    ],
    ['the referral channel without a referral', { channel: 'referral' }, 'referral'],
    [
      'a referral without its reference',
      { channel: 'referral', referral: { from: '县信访局' } },
      'referral.reference',
    ],
    ['an unknown top-level field', { colour: 'red' }, 'colour'],
    ['a server-owned status', { status: 'closed' }, 'status'],
    ['a server-owned version', { version: 7 }, 'version'],
    ['a server-owned firstTime', { firstTime: false }, 'firstTime'],
    ['a server-owned id', { id: 'chosen-by-client' }, 'id'],
    ['a server-owned number', { number: 'XF-20261128-9999' }, 'number'],
    ['server-owned deadlines', { deadlines: { acknowledgeBy: '2099-01-01T00:00:00Z' } }, 'deadlines'],
    ['a server-owned createdAt', { createdAt: '2026-01-01T00:00:00Z' }, 'createdAt'],
  ];

  it.each(cases)('%s', async (_name, overrides, path) => {
    expectFieldError(await register(caseBody(overrides)), path);
  });

  it('lists every bad field at once', async () => {
    const response = await register(caseBody({ title: '', category: 'weather', status: 'closed' }));
    expectProblem(response, 400, 'validation');
    const paths = response.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['title', 'category', 'status']));
  });

  it('refuses a missing required field, naming it', async () => {
    const { title: _title, ...body } = caseBody();
    expectFieldError(await register(body), 'title');
  });
});

describe('the limits themselves are accepted', () => {
  it('takes a 200-character title, a 4000-character description and 50 petitioners', async () => {
    const response = await register(
      caseBody({
        title: '字'.repeat(200),
        description: '字'.repeat(4000),
        petitioners: Array.from({ length: 50 }, (_, i) => ({ name: `村民${i}` })),
      }),
    );
    expect(response.status).toBe(201);
    expect(response.body.title).toHaveLength(200);
    expect(response.body.petitioners).toHaveLength(50);
    expect(response.body.headcount).toBe(50);
  });

  it('takes a referral with its reference for the referral channel', async () => {
    const response = await register(
      caseBody({ channel: 'referral', referral: { from: '县信访局', reference: '诸信转〔2026〕12号' } }),
    );
    expect(response.status).toBe(201);
    expect(response.body.referral).toEqual({ from: '县信访局', reference: '诸信转〔2026〕12号' });
  });
});

describe('coordinates', () => {
  it('keeps 7 decimals: a latitude too small for the store, or -0, is 0', async () => {
    const response = await register(caseBody({ location: { lat: 1e-131, lng: 120.15512345678 } }));
    expect(response.status, response.text).toBe(201);
    expect(response.body.location).toEqual({ lat: 0, lng: 120.1551235 });
    const zero = await register(caseBody({ location: { lat: -1e-200, lng: 5e-324 } }));
    expect(zero.status, zero.text).toBe(201);
    expect(zero.body.location).toEqual({ lat: 0, lng: 0 });
  });

  it('takes the bounds and refuses beyond them, naming each coordinate', async () => {
    const bounds = await register(caseBody({ location: { lat: -90, lng: 180 } }));
    expect(bounds.status, bounds.text).toBe(201);
    const beyond = await register(caseBody({ location: { lat: 90.0000001, lng: -180.0000001 } }));
    expectFieldError(beyond, 'location.lat');
    expectFieldError(beyond, 'location.lng');
  });
});

describe('ID numbers', () => {
  it('accepts a valid ID number and refuses it with its last character changed', async () => {
    const id = validIdNumber(321);
    expect((await register(caseBody({ petitioners: [{ name: '张三', idNumber: id }] }))).status).toBe(201);
    const wrong = await register(
      caseBody({ petitioners: [{ name: '张三', idNumber: withWrongCheckChar(id) }] }),
    );
    expectFieldError(wrong, 'petitioners.0.idNumber');
  });

  it('accepts a lowercase x check character and keeps it as X', async () => {
    const id = idEndingInX();
    const response = await register(
      caseBody({ petitioners: [{ name: '李四', idNumber: id.toLowerCase() }] }),
    );
    expect(response.status).toBe(201);
    expect(response.body.petitioners[0].idNumber).toBe(`${id.slice(0, 6)}********${id.slice(14)}`);
  });
});

describe('receivedAt', () => {
  it('accepts 30 s in the future (clock skew) and returns it in UTC', async () => {
    const receivedAt = beijingIso(30 * SECOND);
    const response = await register(caseBody({ receivedAt }));
    expect(response.status).toBe(201);
    expect(response.body.receivedAt).toBe(new Date(NOW.getTime() + 30 * SECOND).toISOString());
  });

  it('refuses 2 minutes in the future', async () => {
    expectFieldError(await register(caseBody({ receivedAt: beijingIso(2 * 60 * SECOND) })), 'receivedAt');
  });

  it('refuses a time without an offset, accepts the same time with one', async () => {
    expectFieldError(await register(caseBody({ receivedAt: '2026-11-27T09:00:00' })), 'receivedAt');
    const response = await register(caseBody({ receivedAt: '2026-11-27T09:00:00+08:00' }));
    expect(response.status).toBe(201);
    expect(response.body.receivedAt).toBe('2026-11-27T01:00:00.000Z');
  });

  it('needs lateEntryReason only when more than 3 days back', async () => {
    expect((await register(caseBody({ receivedAt: beijingIso(-2 * DAY) }))).status).toBe(201);
    expectFieldError(await register(caseBody({ receivedAt: beijingIso(-4 * DAY) })), 'lateEntryReason');
    const late = await register(
      caseBody({ receivedAt: beijingIso(-4 * DAY), lateEntryReason: '补录：窗口系统停机' }),
    );
    expect(late.status).toBe(201);
    expect(late.body.lateEntryReason).toBe('补录：窗口系统停机');
  });

  it('defaults to now', async () => {
    const response = await register(caseBody());
    expect(response.status).toBe(201);
    expect(response.body.receivedAt).toBe(NOW.toISOString());
  });
});

describe('headcount', () => {
  it('refuses a headcount below the number of petitioners', async () => {
    const response = await register(
      caseBody({ petitioners: [{ name: '甲' }, { name: '乙' }], headcount: 1 }),
    );
    expectFieldError(response, 'headcount');
  });

  it('makes five or more people a collective petition, four not', async () => {
    const five = await register(caseBody({ headcount: 5 }));
    expect(five.status).toBe(201);
    expect(five.body.headcount).toBe(5);
    expect(five.body.collective).toBe(true);
    const four = await register(caseBody({ headcount: 4 }));
    expect(four.status).toBe(201);
    expect(four.body.collective).toBe(false);
  });

  it('defaults to the number of petitioners', async () => {
    const response = await register(caseBody({ petitioners: [{ name: '甲' }, { name: '乙' }] }));
    expect(response.status).toBe(201);
    expect(response.body.headcount).toBe(2);
    expect(response.body.collective).toBe(false);
  });
});

describe('problem language', () => {
  it('is Chinese by default', async () => {
    const response = await register(caseBody({ title: '' }));
    expectFieldError(response, 'title');
    expect(response.body.title).toBe('输入有误');
    expect(response.body.detail).toMatch(/[\u4e00-\u9fff]/);
    expect(response.headers.get('content-language')).toBe('zh-CN');
  });

  it('is English for Accept-Language: en', async () => {
    const response = await register(caseBody({ title: '' }), { 'accept-language': 'en' });
    expectFieldError(response, 'title');
    expect(response.body.title).toBe('Invalid input');
    expect(response.body.detail).not.toMatch(/[\u4e00-\u9fff]/);
    expect(response.body.detail).toBe('1 field is invalid: see errors');
    expect(response.headers.get('content-language')).toBe('en');
  });
});

describe('the body itself', () => {
  it('is 413 over 64 KB, before its fields are looked at', async () => {
    const response = await register(caseBody({ description: 'a'.repeat(70 * 1024) }));
    expectProblem(response, 413, 'payload-too-large');
  });

  it('is 415 for content-type text/plain', async () => {
    const response = await h.request('POST', '/v1/cases', {
      token,
      rawBody: JSON.stringify(caseBody()),
      headers: { 'content-type': 'text/plain' },
    });
    expectProblem(response, 415, 'unsupported-media-type');
  });

  it('is 400 for invalid JSON', async () => {
    const response = await h.request('POST', '/v1/cases', {
      token,
      rawBody: '{"kind": "petition",',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(response, 400, 'validation');
  });

  it('is 400 for a JSON value that is not an object', async () => {
    expectProblem(await register([caseBody()]), 400, 'validation');
  });
});

describe('no input gives a 500', () => {
  const post = (body: string | undefined) =>
    h.invoke('POST', '/v1/cases', CLERK_CLAIMS, body === undefined ? {} : { body });

  const expectProblemResult = (result: Awaited<ReturnType<typeof post>>, allowed: number[]) => {
    expect(allowed).toContain(result.statusCode);
    if (result.statusCode === 201) return;
    expect(String(result.headers?.['content-type'])).toMatch(/^application\/problem\+json/);
    const problem = JSON.parse(result.body ?? '');
    expect(problem.type).toMatch(/^\/problems\//);
    expect(problem.status).toBe(result.statusCode);
  };

  it('for any JSON-serialisable value as the body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (value) => {
        expectProblemResult(await post(JSON.stringify(value)), [400, 413, 415]);
      }),
      { numRuns: 100 },
    );
  });

  it('for any JSON text as the body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.json(), async (text) => {
        expectProblemResult(await post(text), [400, 413, 415]);
      }),
      { numRuns: 100 },
    );
  });

  it('for a valid body with any of its fields replaced by anything', async () => {
    const fields = [
      'kind',
      'channel',
      'type',
      'category',
      'title',
      'description',
      'receivedAt',
      'lateEntryReason',
      'referral',
      'gridId',
      'location',
      'petitioners',
      'headcount',
      'respondent',
    ];
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...fields), fc.anything()), async (overrides) => {
        expectProblemResult(await post(JSON.stringify(caseBody(overrides))), [201, 400]);
      }),
      { numRuns: 100 },
    );
  });
});

describe('deadlines and numbers', () => {
  it('gives acknowledgeBy at the Beijing midnight ending the 15th day', async () => {
    const response = await register(
      caseBody({ receivedAt: '2026-11-20T10:00:00+08:00', lateEntryReason: '补录上周来访' }),
    );
    expect(response.status).toBe(201);
    expect(response.body.deadlines.acknowledgeBy).toBe('2026-12-05T16:00:00.000Z');
  });

  it('numbers petitions of one Beijing day consecutively, and disputes apart', async () => {
    // 01:30 Beijing time on 29 November: still 28 November in UTC
    h.setNow(new Date('2026-11-28T17:30:00Z'));
    try {
      const first = await register(caseBody());
      const second = await register(caseBody());
      const dispute = await register(caseBody({ kind: 'dispute', category: 'neighbor' }));
      expect([first.status, second.status, dispute.status]).toEqual([201, 201, 201]);
      expect(first.body.number).toBe('XF-20261129-0001');
      expect(second.body.number).toBe('XF-20261129-0002');
      expect(dispute.body.number).toBe('JF-20261129-0001');
    } finally {
      h.setNow(NOW);
    }
  });
});
