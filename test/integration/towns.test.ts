import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';

/** `GET /v1/towns`: the caller's town and the deployment's towns by the names their admins gave them. */

const NOW = new Date('2026-11-28T02:00:00Z');
const TOWNS = ['town-a', 'town-b', 'town-c'];

let h: Harness;
const admins: Record<string, string> = {};
let clerkA: string;
let clerkC: string;

/** Sets a town's names through the admin's route, as a town's admin does. */
async function name(town: string, names: Record<string, string>) {
  const current = await h.request('GET', '/v1/admin/policy', { token: admins[town]! });
  expect(current.status, current.text).toBe(200);
  const put = await h.request('PUT', '/v1/admin/policy', {
    token: admins[town]!,
    body: { ...current.body, ...names },
  });
  expect(put.status, put.text).toBe(200);
}

beforeAll(async () => {
  h = await createHarness({ now: NOW, towns: TOWNS });
  for (const town of TOWNS) admins[town] = await h.token('admin', `admin-${town}`, town);
  clerkA = await h.token('clerk', 'clerk-a', 'town-a');
  clerkC = await h.token('clerk', 'clerk-c', 'town-c');
  // town-a has both names, town-b only a Chinese one, town-c none
  await name('town-a', {
    townName: '枫桥镇',
    townNameEn: 'Fengqiao Town',
    issuingOffice: '枫桥镇信访办公室',
  });
  await name('town-b', { townName: '乙镇', issuingOffice: '乙镇信访办公室' });
});
afterAll(() => h.close());

describe('GET /v1/towns', () => {
  it('names the caller’s town and every town of the deployment by its profile, the unnamed by their id', async () => {
    const response = await h.request('GET', '/v1/towns', { token: clerkA });
    expect(response.status, response.text).toBe(200);
    expect(response.body).toEqual({
      town: { id: 'town-a', name: '枫桥镇', nameEn: 'Fengqiao Town' },
      towns: [
        { id: 'town-a', name: '枫桥镇', nameEn: 'Fengqiao Town' },
        { id: 'town-b', name: '乙镇' },
        { id: 'town-c', name: 'town-c' },
      ],
    });
  });

  it('calls a town without a name 本镇 (this town) for its own staff only', async () => {
    const response = await h.request('GET', '/v1/towns', { token: clerkC });
    expect(response.status, response.text).toBe(200);
    expect(response.body.town).toEqual({ id: 'town-c', name: '本镇', nameEn: 'This town' });
    expect(response.body.towns).toContainEqual({ id: 'town-c', name: '本镇', nameEn: 'This town' });
    expect(response.body.towns).toContainEqual({ id: 'town-a', name: '枫桥镇', nameEn: 'Fengqiao Town' });
  });

  it('reads a name the admin changes at the next call', async () => {
    await name('town-c', { townName: '丙镇', townNameEn: 'Bing Town', issuingOffice: '丙镇信访办公室' });
    const fromA = await h.request('GET', '/v1/towns', { token: clerkA });
    expect(fromA.body.towns).toContainEqual({ id: 'town-c', name: '丙镇', nameEn: 'Bing Town' });
    const own = await h.request('GET', '/v1/towns', { token: clerkC });
    expect(own.body.town).toEqual({ id: 'town-c', name: '丙镇', nameEn: 'Bing Town' });
  });

  it('refuses a citizen and an unsigned caller', async () => {
    const citizen = await h.token('petitioner', 'citizen-1', 'town-a');
    const refused = await h.request('GET', '/v1/towns', {
      token: citizen,
      headers: { 'accept-language': 'en' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/staff|clerks/i);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const unsigned = await h.request('GET', '/v1/towns');
    expect(unsigned.status).toBe(401);
  });
});

describe('GET /v1/towns on a host that lists no towns', () => {
  it('names the caller’s own town alone', async () => {
    const bare = await createHarness({ now: NOW });
    try {
      const clerk = await bare.token('clerk', 'clerk-x', 'town-x');
      const response = await bare.request('GET', '/v1/towns', { token: clerk });
      expect(response.status, response.text).toBe(200);
      expect(response.body).toEqual({
        town: { id: 'town-x', name: '本镇', nameEn: 'This town' },
        towns: [{ id: 'town-x', name: '本镇', nameEn: 'This town' }],
      });
    } finally {
      await bare.close();
    }
  });
});
