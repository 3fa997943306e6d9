import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { localMac } from '../../lambdas/adapters/mac.js';
import { shippedCalendars, WorkingCalendar } from '../../lambdas/domain/calendar.js';
import type { CaseRecord } from '../../lambdas/domain/case.js';
import { commandBodySchemas } from '../../lambdas/domain/command-bodies.js';
import { applyCommand } from '../../lambdas/domain/lifecycle.js';
import { personalFields } from '../../lambdas/domain/personal.js';
import { DEFAULT_POLICY } from '../../lambdas/domain/policy.js';
import { registerCase } from '../../lambdas/domain/registration.js';
import { DEFAULT_TOWN_PROFILE } from '../../lambdas/domain/report.js';
import type { Principal } from '../../lambdas/domain/roles.js';
import { chainEvent, type TimelineEvent, verifyChain } from '../../lambdas/domain/timeline.js';
import {
  firstReceivedAtOf,
  MAX_TRANSACTION_ACTIONS,
  townLabel,
  transferNotice,
  transferRecipients,
  transferredRegistration,
} from '../../lambdas/domain/transfer.js';

const NOW = new Date('2026-11-28T02:00:00Z');
const calendar = new WorkingCalendar(shippedCalendars.values());
const clerk: Principal = { kind: 'staff', userId: 'clerk-1', town: 'town-a', roles: ['clerk'] };

/** A case of town A as registration makes it, with the clear values its envelope would hold. */
function sentCase(type: 'claim' | 'accusation' = 'claim') {
  const input = {
    kind: 'petition' as const,
    channel: 'visit' as const,
    type,
    category: 'labor_wages',
    serviceLine: 'petition' as const,
    title: '拖欠工资',
    description: '工地拖欠三个月工资',
    receivedAt: '2026-11-25T01:00:00.000Z',
    gridId: 'g-dongcun',
    location: { address: '东村工地' },
    petitioners: [
      { name: '王五', idNumber: '330681199003154565', phone: '13800138000', address: '东村一组 12 号' },
      { name: '李四' },
    ],
    headcount: 6,
    respondent: { name: '某建筑公司', kind: 'organization' as const, userId: 'staff-7' },
  };
  const record = registerCase(input, {
    id: 'case-a',
    number: 'XF-20261125-0007',
    now: new Date('2026-11-25T01:00:00Z'),
    principal: clerk,
    policy: DEFAULT_POLICY,
    calendar,
    firstTime: true,
    level: 'village',
    gridPath: '/g-town/g-dongcun/',
    timelineHead: { seq: 1, hash: 'h' },
  });
  return { record: { ...record, assignee: 'handler-1' } as CaseRecord, opened: personalFields(input) };
}

describe('transferredRegistration: what the receiving town registers', () => {
  it('takes the sender’s facts and its petitioners in the clear, received now, referred by the sending town', () => {
    const { record, opened } = sentCase();
    const input = transferredRegistration(record, opened, { townName: '枫桥镇' }, NOW);
    expect(input).toEqual({
      kind: 'petition',
      channel: 'visit',
      type: 'claim',
      category: 'labor_wages',
      serviceLine: 'petition',
      title: '拖欠工资',
      description: '工地拖欠三个月工资',
      receivedAt: NOW.toISOString(),
      referral: { from: '枫桥镇', reference: 'XF-20261125-0007' },
      location: { address: '东村工地' },
      petitioners: [
        { name: '王五', idNumber: '330681199003154565', phone: '13800138000', address: '东村一组 12 号' },
        { name: '李四' },
      ],
      headcount: 6,
      // a staff member of the sending town means nothing in the receiving one
      respondent: { name: '某建筑公司', kind: 'organization' },
    });
    // the sending town's grid, assignee and personal envelope stay behind
    expect(JSON.stringify(input)).not.toMatch(/g-dongcun|handler-1|staff-7|sealed/);
  });

  it('takes an accusation’s accuser and content from the envelope, not the masked forms', () => {
    const { record, opened } = sentCase('accusation');
    expect(record.petitioners[0]?.name).not.toBe('王五');
    expect(record.description).toBe('[sealed]');
    const input = transferredRegistration(record, opened, { townName: 'town-a' }, NOW);
    expect(input.type).toBe('accusation');
    expect(input.petitioners.map((p) => p.name)).toEqual(['王五', '李四']);
    expect(input.description).toBe('工地拖欠三个月工资');
  });

  it('keeps when the matter first came along a chain of transfers', () => {
    const { record } = sentCase();
    expect(firstReceivedAtOf(record)).toBe('2026-11-25T01:00:00.000Z');
    expect(firstReceivedAtOf({ ...record, firstReceivedAt: '2026-11-01T00:00:00.000Z' })).toBe(
      '2026-11-01T00:00:00.000Z',
    );
  });
});

describe('townLabel', () => {
  it('names a town by the name its admin gave it, else by its id', () => {
    const named = { ...DEFAULT_TOWN_PROFILE, townName: '枫桥镇', townNameEn: 'Fengqiao Town' };
    expect(townLabel('town-a', named, 'zh')).toBe('枫桥镇');
    expect(townLabel('town-a', named, 'en')).toBe('Fengqiao Town');
    expect(townLabel('town-a', { ...DEFAULT_TOWN_PROFILE, townName: '枫桥镇' }, 'en')).toBe('枫桥镇');
    // the default 本镇 means "this town", which is no name for another town
    expect(townLabel('town-b', DEFAULT_TOWN_PROFILE, 'zh')).toBe('town-b');
    expect(townLabel('town-b', DEFAULT_TOWN_PROFILE, 'en')).toBe('town-b');
    expect(townLabel('town-b', undefined, 'zh')).toBe('town-b');
  });
});

describe('transferRecipients', () => {
  const staff = [
    { userId: 'clerk-1', roles: ['clerk'] },
    { userId: 'sup-1', roles: ['supervisor'] },
    { userId: 'both', roles: ['clerk', 'supervisor'] },
    { userId: 'leader-1', roles: ['leader'] },
    { userId: 'clerk-2', roles: ['clerk'] },
  ];

  it('names the petition office first, then the clerks, each once, and no one else', () => {
    expect(transferRecipients(staff, 10)).toEqual([
      { userId: 'sup-1', role: 'supervisor' },
      { userId: 'both', role: 'supervisor' },
      { userId: 'clerk-1', role: 'clerk' },
      { userId: 'clerk-2', role: 'clerk' },
    ]);
  });

  it('keeps the transaction within its 100 actions, two for each notice', () => {
    expect(transferRecipients(staff, MAX_TRANSACTION_ACTIONS - 5).map((r) => r.userId)).toEqual([
      'sup-1',
      'both',
    ]);
    expect(transferRecipients(staff, MAX_TRANSACTION_ACTIONS - 1)).toEqual([]);
    expect(transferRecipients(staff, MAX_TRANSACTION_ACTIONS + 3)).toEqual([]);
    const many = Array.from({ length: 80 }, (_, i) => ({ userId: `c${i}`, roles: ['clerk'] }));
    const named = transferRecipients(many, 30);
    expect(named).toHaveLength(35);
    expect(30 + named.length * 2).toBeLessThanOrEqual(MAX_TRANSACTION_ACTIONS);
  });
});

describe('transferNotice', () => {
  it('names the sending town and its number, and the case here; nothing personal', () => {
    const notice = transferNotice(
      { id: 'case-b', town: 'town-b', number: 'XF-20261128-0003' },
      { zh: '枫桥镇', en: 'Fengqiao Town', number: 'XF-20261125-0007' },
      'sup-1',
      NOW.toISOString(),
    );
    expect(notice).toMatchObject({
      town: 'town-b',
      recipient: 'sup-1',
      kind: 'transfer',
      severity: 'notice',
      caseId: 'case-b',
      caseNumber: 'XF-20261128-0003',
      read: false,
      text: {
        zh: '枫桥镇转送来信访事项（原编号 XF-20261125-0007），已登记为本镇案件 XF-20261128-0003，请及时受理。',
        en: 'Fengqiao Town transferred a matter here (its number there: XF-20261125-0007); it is registered as case XF-20261128-0003: please take it up.',
      },
    });
    // one notice per recipient
    const other = transferNotice(
      { id: 'case-b', town: 'town-b', number: 'XF-20261128-0003' },
      { zh: '枫桥镇', en: 'Fengqiao Town', number: 'XF-20261125-0007' },
      'clerk-1',
      NOW.toISOString(),
    );
    expect(other.id).not.toBe(notice.id);
  });
});

describe('the transfer body', () => {
  const body = commandBodySchemas(DEFAULT_POLICY, NOW, {
    town: 'town-a',
    towns: ['town-a', 'town-b'],
  }).transfer;
  const paths = (input: unknown) => body.safeParse(input).error?.issues.map((i) => i.path.join('.')) ?? [];

  it('takes a body outside the deployment or a town of it, exactly one of them', () => {
    expect(body.parse({ toUnit: ' 县人社局 ' })).toEqual({ toUnit: '县人社局' });
    expect(body.parse({ toTown: 'town-b', note: '属西镇' })).toEqual({ toTown: 'town-b', note: '属西镇' });
    expect(paths({ toUnit: '县人社局', toTown: 'town-b' })).toEqual(['toUnit', 'toTown']);
    expect(paths({})).toEqual(['toUnit', 'toTown']);
  });

  it('refuses the case’s own town and a town the deployment does not serve, by their reasons', () => {
    const reason = (input: unknown) =>
      body.safeParse(input).error?.issues.map((i) => (i as { params?: { key?: string } }).params?.key);
    expect(reason({ toTown: 'town-a' })).toEqual(['own-town']);
    expect(reason({ toTown: 'town-c' })).toEqual(['unknown-town']);
  });

  it('knows no town when the deployment names none', () => {
    const alone = commandBodySchemas(DEFAULT_POLICY, NOW).transfer;
    expect(alone.safeParse({ toTown: 'town-b' }).success).toBe(false);
    expect(alone.safeParse({ toUnit: '县信访局' }).success).toBe(true);
  });
});

describe('the transfer command', () => {
  it('to a town acknowledges the case and records no unit; to a unit records it as before', () => {
    const { record } = sentCase();
    const ctx = { principal: clerk, now: NOW, policy: DEFAULT_POLICY, calendar };
    const toTown = applyCommand(record, { command: 'transfer', toTown: 'town-b', note: '属西镇' }, ctx);
    expect(toTown.record).toMatchObject({
      status: 'transferred',
      acknowledgedAt: NOW.toISOString(),
      version: 2,
    });
    expect(toTown.record.decision).toEqual({ reason: '属西镇' });
    expect(toTown.record.alert).toBeUndefined();
    const toUnit = applyCommand(record, { command: 'transfer', toUnit: '县人社局' }, ctx);
    expect(toUnit.record.decision).toEqual({ reason: '', toUnit: '县人社局' });
  });
});

describe('a transfer on the timeline', () => {
  const mac = localMac(randomBytes(32));

  it('signs the link to the other case: changing it breaks the chain', async () => {
    const event = await chainEvent(
      undefined,
      {
        at: NOW.toISOString(),
        actor: { id: 'system', role: 'system' },
        action: 'register',
        toStatus: 'registered',
        transfer: { direction: 'from', town: 'town-a', caseId: 'case-a', number: 'XF-20261125-0007' },
      },
      mac,
    );
    const head = { seq: event.seq, hash: event.hash };
    expect(await verifyChain([event], head, mac)).toEqual({ valid: true });
    const forged: TimelineEvent = { ...event, transfer: { ...event.transfer!, number: 'XF-20261125-0008' } };
    expect(await verifyChain([forged], head, mac)).toMatchObject({ valid: false, brokenAt: 1 });
    const { transfer: _link, ...unlinked } = event;
    expect(await verifyChain([unlinked], head, mac)).toMatchObject({ valid: false, brokenAt: 1 });
  });
});
