import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../lambdas/domain/lifecycle.js';
import type { components } from '../src/api.js';
import { COMMAND_FORMS, commandBody, missingFields } from '../src/domain/command-forms.js';
import { COMMAND_RULES, offeredCommands } from '../src/domain/commands.js';
import type { Session, StaffRole } from '../src/session.js';

type Case = components['schemas']['Case'];

const user = (userId: string, ...roles: StaffRole[]): Session => ({
  token: 't',
  userId,
  town: 'demo-town',
  roles,
  expiresAt: 0,
});

const aCase = (fields: Partial<Case>): Case =>
  ({
    id: 'c1',
    number: 'XF-20261204-0001',
    version: 1,
    status: 'registered',
    petitioners: [{ name: '李桂芳' }],
    deadlines: { acknowledgeBy: '2026-12-19T16:00:00.000Z' },
    ...fields,
  }) as Case;

describe('the commands a case page offers', () => {
  it('follow the API’s state machine table: the same commands, statuses and actors', () => {
    const api = Object.fromEntries(
      Object.entries(COMMANDS).map(([name, rule]) => [
        name,
        { from: [...rule.from], actors: [...rule.actors] },
      ]),
    );
    const web = Object.fromEntries(
      Object.entries(COMMAND_RULES).map(([name, rule]) => [
        name,
        { from: [...rule.from], actors: [...rule.actors] },
      ]),
    );
    expect(web).toEqual(api);
    expect(Object.keys(COMMAND_FORMS).sort()).toEqual(Object.keys(COMMANDS).sort());
  });

  it('offer a clerk the decisions on a registered case, and nothing that needs it accepted', () => {
    const offered = offeredCommands(user('clerk-1', 'clerk'), aCase({ status: 'registered' }));
    expect(offered).toEqual(['accept', 'decline', 'transfer', 'return', 'triage', 'classify', 'withdraw']);
  });

  it('offer the assignee the reply once accepted, and a handler who is not the assignee nothing', () => {
    const accepted = aCase({ status: 'accepted', assignee: 'handler-1' });
    expect(offeredCommands(user('handler-1', 'handler'), accepted)).toEqual([
      'escalate',
      'reply',
      'mediate',
      'hand-off',
    ]);
    expect(offeredCommands(user('handler-2', 'handler'), accepted)).toEqual([]);
  });

  it('offer a leader the extension once only, and the key mark or its removal as the case stands', () => {
    const leader = user('leader-1', 'leader');
    expect(offeredCommands(leader, aCase({ status: 'accepted' }))).toEqual(['own', 'extend', 'mark-key']);
    const extendedKey = aCase({
      status: 'accepted',
      extension: { days: 30, reason: '案情复杂', at: '2026-12-04T02:00:00Z' },
      key: { since: '2026-12-04T02:00:00Z', by: 'leader-1', reason: '重点' },
    });
    expect(offeredCommands(leader, extendedKey)).toEqual(['own', 'unmark-key']);
  });

  it('offer the petition office the review record only while a review is open, and nothing on a closed case', () => {
    const supervisor = user('supervisor-1', 'supervisor');
    expect(offeredCommands(supervisor, aCase({ status: 'under_review' }))).toContain('record-review');
    expect(offeredCommands(supervisor, aCase({ status: 'replied' }))).not.toContain('record-review');
    expect(offeredCommands(supervisor, aCase({ status: 'closed' }))).toEqual([]);
    expect(offeredCommands(user('grid-worker-1', 'grid_worker'), aCase({ status: 'registered' }))).toEqual(
      [],
    );
  });
});

describe('a command’s form', () => {
  it('builds the body its schema names: nested paths, lines split, empty optional fields left out', () => {
    const body = commandBody(COMMAND_FORMS.agree, {
      form: 'written',
      facts: '  ',
      terms: '东邻拆除违建\n\n西邻撤回投诉 ',
      'performance.how': '自行拆除',
      'performance.by': '2026-12-31',
    });
    expect(body).toEqual({
      form: 'written',
      terms: ['东邻拆除违建', '西邻撤回投诉'],
      performance: { how: '自行拆除', by: '2026-12-31' },
    });
    expect(commandBody(COMMAND_FORMS.classify, { reason: '首次来访' })).toEqual({
      repeatOf: null,
      reason: '首次来访',
    });
    expect(
      commandBody(COMMAND_FORMS.reply, {
        outcome: 'resolved',
        opinion: '已解决',
        deliveredAt: '2026-12-04T10:00:00',
      }),
    ).toEqual({ outcome: 'resolved', opinion: '已解决', deliveredAt: '2026-12-04T10:00:00+08:00' });
  });

  it('names the required fields left empty', () => {
    expect(missingFields(COMMAND_FORMS.accept, {})).toEqual(['track']);
    expect(missingFields(COMMAND_FORMS.own, { leaderId: 'leader-1', team: [] })).toEqual([
      'team',
      'plan.tasks',
      'plan.responsibilities',
      'plan.measures',
    ]);
    expect(missingFields(COMMAND_FORMS.close, {})).toEqual([]);
  });
});
