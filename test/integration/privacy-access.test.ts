import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, validIdNumber } from '../support/harness.js';
import { caseCalls } from '../support/privacy.js';

/**
 * Who sees which personal field. Ordinary cases: masked for every staff reader, clear only through a reveal by a
 * clerk, a supervisor or the assignee. Accusations (Art 30, 46): the accused never sees the case at all; only
 * clerks, supervisors and leaders see even the masked accuser and the accusation; the others see `***`.
 */

const PERSON = {
  name: '孙立平',
  idNumber: validIdNumber(301, '19680405'),
  phone: '13911112222',
  address: '枫桥镇东村5组21号院内',
};
const MASKED = {
  name: PERSON.name,
  idNumber: `${PERSON.idNumber.slice(0, 6)}********${PERSON.idNumber.slice(14)}`,
  phone: '139****2222',
  address: '枫桥镇****',
};
const ACCUSATION = '举报某站所工作人员索要好处费';
const REDACTED = { name: '***', idNumber: '***', phone: '***', address: '***' };

type Reader = 'clerk' | 'supervisor' | 'leader' | 'admin' | 'assignee' | 'worker' | 'other_handler';
const SUBS: Record<Reader, [string, string]> = {
  clerk: ['clerk', 'clerk-1'],
  supervisor: ['supervisor', 'supervisor-1'],
  leader: ['leader', 'leader-1'],
  admin: ['admin', 'admin-1'],
  assignee: ['handler', 'handler-1'],
  worker: ['grid_worker', 'worker-1'],
  other_handler: ['handler', 'handler-9'],
};

let h: Harness;
const tokens = {} as Record<Reader | 'accused' | 'accused_supervisor' | 'leader_assignee', string>;
let ordinary: string;
let accusation: string;
let againstSupervisor: string;

beforeAll(async () => {
  h = await createHarness({ now: new Date('2026-11-28T02:00:00Z') });
  for (const [reader, [role, sub]] of Object.entries(SUBS))
    tokens[reader as Reader] = await h.token(role, sub);
  tokens.accused = await h.token('handler', 'staff-accused');
  tokens.accused_supervisor = await h.token(['supervisor', 'leader'], 'supervisor-accused');
  tokens.leader_assignee = await h.token('leader', 'leader-2');

  const grid = await h.request('POST', '/v1/grids', {
    token: tokens.admin,
    body: { name: '东村网格', level: 'comprehensive' },
  });
  expect(grid.status).toBe(201);
  await h.request('PUT', `/v1/grids/${grid.body.id}/workers/worker-1`, { token: tokens.admin });

  const { register, command } = caseCalls(h);
  const accepted = async (overrides: Record<string, unknown>, assigneeId = 'handler-1') => {
    const { id } = await register(tokens.clerk, {
      gridId: grid.body.id,
      petitioners: [PERSON],
      ...overrides,
    });
    const response = await command(tokens.clerk, id, 'accept', { track: 'immediate', assigneeId }, 1);
    expect(response.status, response.text).toBe(200);
    return id;
  };
  ordinary = await accepted({});
  const accused = (userId: string) => ({
    type: 'accusation',
    category: 'village_affairs',
    title: '工作作风问题',
    description: ACCUSATION,
    respondent: { name: '被举报人', kind: 'person', userId },
  });
  accusation = await accepted(accused('staff-accused'));
  // the same accuser in the same category while the first accusation is open: a second track needs a reason (Art 19)
  againstSupervisor = await accepted(
    { ...accused('supervisor-accused'), repeatOfOpenCase: { reason: '举报另一名工作人员' } },
    'leader-2',
  );
});
afterAll(() => h.close());

const get = (token: string, id: string) => h.request('GET', `/v1/cases/${id}`, { token });
const reveal = (token: string, id: string, body: unknown = { purpose: '回访核实身份信息' }) =>
  h.request('POST', `/v1/cases/${id}/reveal`, { token, body });

describe('what each reader sees of an ordinary case', () => {
  it.each(Object.keys(SUBS).filter((r) => r !== 'other_handler'))(
    '%s: masked, the name in the clear',
    async (reader) => {
      const response = await get(tokens[reader as Reader], ordinary);
      expect(response.status).toBe(200);
      expect(response.body.petitioners).toEqual([MASKED]);
      expect(response.body.description).toBe('工地拖欠三个月工资');
      expect(response.body).not.toHaveProperty('personal');
    },
  );
});

describe('what each reader sees of an accusation', () => {
  it.each(['clerk', 'supervisor', 'leader'] as const)(
    '%s: the accuser masked, the accusation sealed',
    async (reader) => {
      const response = await get(tokens[reader], accusation);
      expect(response.status).toBe(200);
      expect(response.body.petitioners).toEqual([{ ...MASKED, name: '孙**' }]);
      expect(response.body.description).toBe('[sealed]');
    },
  );

  it.each(['admin', 'assignee', 'worker'] as const)(
    '%s: the accuser and the accusation redacted',
    async (reader) => {
      const response = await get(tokens[reader], accusation);
      expect(response.status).toBe(200);
      expect(response.body.petitioners).toEqual([REDACTED]);
      expect(response.body.description).toBe('***');
      expect(response.text).not.toContain('孙');
    },
  );

  it('redacts the same way in lists', async () => {
    for (const [reader, expected] of [
      ['clerk', '孙**'],
      ['assignee', '***'],
    ] as const) {
      const list = await h.request('GET', '/v1/cases?limit=100', { token: tokens[reader] });
      const item = list.body.items.find((c: { id: string }) => c.id === accusation);
      expect(item.petitioners[0].name).toBe(expected);
    }
  });
});

describe('the accused', () => {
  it('finds no such case: not by id, not its timeline, not to reveal', async () => {
    for (const path of [`/v1/cases/${accusation}`, `/v1/cases/${accusation}/timeline`]) {
      const response = await h.request('GET', path, { token: tokens.accused });
      expect(response.status).toBe(404);
      expect(response.body.type).toBe('/problems/not-found');
    }
    expect((await reveal(tokens.accused, accusation)).status).toBe(404);
    const note = await h.request('POST', `/v1/cases/${accusation}/notes`, {
      token: tokens.accused,
      body: { text: '我想看看' },
    });
    expect(note.status).toBe(404);
  });

  it('does not see it listed, whatever the filter', async () => {
    for (const query of ['', '?status=accepted', '?assignee=handler-1', '?track=immediate']) {
      const list = await h.request('GET', `/v1/cases${query}${query ? '&' : '?'}limit=100`, {
        token: tokens.accused_supervisor,
      });
      expect(list.status).toBe(200);
      const ids = list.body.items.map((c: { id: string }) => c.id);
      expect(ids).not.toContain(againstSupervisor);
      expect(ids).toContain(accusation);
    }
  });

  it('stays blind even as a supervisor and a leader, while seeing the town’s other cases', async () => {
    expect((await get(tokens.accused_supervisor, againstSupervisor)).status).toBe(404);
    expect((await get(tokens.accused_supervisor, accusation)).status).toBe(200);
    expect((await get(tokens.accused_supervisor, ordinary)).status).toBe(200);
  });
  it('cannot be handed the case: 409 respondent-recusal, and nothing changes', async () => {
    const { command } = caseCalls(h);
    const before = await get(tokens.clerk, accusation);
    const timeline = async () =>
      (await h.request('GET', `/v1/cases/${accusation}/timeline`, { token: tokens.clerk })).body.items.length;
    const events = await timeline();
    const plan = { tasks: ['走访核实'], responsibilities: ['纪检委员'], measures: ['约谈'] };
    for (const [token, name, body] of [
      [tokens.clerk, 'assign', { assigneeId: 'staff-accused' }],
      [tokens.leader, 'own', { leaderId: 'leader-1', team: ['handler-1', 'staff-accused'], plan }],
    ] as const) {
      const refused = await command(token, accusation, name, body, before.body.version);
      expect(refused.status, refused.text).toBe(409);
      expect(refused.body.type).toBe('/problems/respondent-recusal');
      expect(refused.text).not.toContain(PERSON.idNumber);
    }
    const after = await get(tokens.clerk, accusation);
    expect(after.body.version).toBe(before.body.version);
    expect(after.body.assignee).toBe('handler-1');
    expect(after.body.owner).toBeUndefined();
    expect(await timeline()).toBe(events);
  });
});

describe('who may reveal', () => {
  it.each([
    ['clerk', 200],
    ['supervisor', 200],
    ['assignee', 200],
    ['leader', 403],
    ['admin', 403],
    ['worker', 403],
    ['other_handler', 404],
  ] as const)('an ordinary case: %s → %i', async (reader, status) => {
    const response = await reveal(tokens[reader], ordinary);
    expect(response.status, response.text).toBe(status);
    if (status === 200) expect(response.body.petitioners).toEqual([PERSON]);
    if (status === 403) expect(response.body.type).toBe('/problems/forbidden');
  });

  it.each([
    ['clerk', 200],
    ['supervisor', 200],
    ['assignee', 403],
    ['leader', 403],
    ['admin', 403],
    ['worker', 403],
  ] as const)('an accusation: %s → %i', async (reader, status) => {
    const response = await reveal(tokens[reader], accusation);
    expect(response.status, response.text).toBe(status);
    if (status === 200) {
      expect(response.body.petitioners).toEqual([PERSON]);
      expect(response.body.description).toBe(ACCUSATION);
    }
  });

  it('an accusation assigned to a leader: the leader may', async () => {
    const response = await reveal(tokens.leader_assignee, againstSupervisor);
    expect(response.status, response.text).toBe(200);
    expect(response.body.petitioners[0].name).toBe(PERSON.name);
  });

  it('answers exactly the fields asked for', async () => {
    const response = await reveal(tokens.clerk, ordinary, {
      purpose: '核对身份证号',
      fields: ['idNumber', 'name'],
    });
    expect(response.body).toEqual({
      id: ordinary,
      number: expect.any(String),
      fields: ['idNumber', 'name'],
      petitioners: [{ idNumber: PERSON.idNumber, name: PERSON.name }],
    });
    const description = await reveal(tokens.clerk, ordinary, {
      purpose: '查看诉求内容',
      fields: ['description'],
    });
    expect(description.body).toMatchObject({ petitioners: [{}], description: '工地拖欠三个月工资' });
  });

  it.each([
    ['no purpose', {}, 'purpose'],
    ['a purpose too short', { purpose: '看看' }, 'purpose'],
    ['a purpose too long', { purpose: '查'.repeat(501) }, 'purpose'],
    ['an unknown field', { purpose: '回访核实身份信息', fields: ['email'] }, 'fields.0'],
    ['a field twice', { purpose: '回访核实身份信息', fields: ['phone', 'phone'] }, 'fields'],
    ['no field', { purpose: '回访核实身份信息', fields: [] }, 'fields'],
    ['an unknown body field', { purpose: '回访核实身份信息', values: true }, 'values'],
  ])('refuses %s (400)', async (_label, body, path) => {
    const response = await reveal(tokens.clerk, ordinary, body);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('checks visibility, then the role, then the body', async () => {
    expect((await reveal(tokens.other_handler, ordinary, {})).status).toBe(404);
    expect((await reveal(tokens.leader, ordinary, {})).status).toBe(403);
    expect((await reveal(tokens.clerk, 'no-such-case', {})).status).toBe(404);
  });
});
