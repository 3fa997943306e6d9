import { describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../lambdas/domain/case.js';
import type { LadderStep } from '../../lambdas/domain/ladder.js';
import { assignmentNotice, deadlineNotice, toOutbox } from '../../lambdas/domain/notification.js';

/** Notices name a deadline by the last Beijing day it includes, in Chinese and in English, never as raw UTC. */

// the reply period ends at 24:00 Beijing time on 31 January 2027, which is 2027-01-31T16:00Z
const REPLY_BY = '2027-01-31T16:00:00.000Z';

const record = (overrides: Partial<CaseRecord> = {}): CaseRecord => ({
  id: 'case-1',
  town: 't',
  number: 'XF-20261202-0001',
  version: 3,
  kind: 'petition',
  channel: 'visit',
  type: 'claim',
  category: 'labor_wages',
  title: '拖欠工资',
  description: '工地拖欠三个月工资',
  receivedAt: '2026-12-02T02:00:00.000Z',
  petitioners: [{ name: '张三' }],
  headcount: 1,
  collective: false,
  status: 'accepted',
  firstTime: true,
  assignee: 'handler-1',
  deadlines: { acknowledgeBy: '2026-12-17T16:00:00.000Z', replyBy: REPLY_BY },
  registeredBy: { id: 'clerk-1', role: 'clerk' },
  timelineHead: { seq: 2, hash: 'h' },
  createdAt: '2026-12-02T02:00:00.000Z',
  updatedAt: '2026-12-02T03:00:00.000Z',
  ...overrides,
});

const step = (severity: LadderStep['severity']): LadderStep => ({
  id: severity,
  when: { daysBefore: severity === 'overdue' ? 0 : 3 },
  notify: ['assignee'],
  severity,
});

const AT = '2027-01-28T01:00:00.000Z';

describe('deadline notices', () => {
  it('name the last day of the deadline, not the midnight after it', () => {
    const notice = deadlineNotice(record(), step('warning'), 'reply', REPLY_BY, 'handler-1', AT);
    expect(notice.text).toEqual({
      zh: '案件 XF-20261202-0001 的答复期限至 2027年1月31日，请及时办理。',
      en: 'Case XF-20261202-0001: the reply is due by 31 Jan 2027, Beijing time.',
    });
    expect(JSON.stringify(notice.text)).not.toMatch(/2027\/2\/1|00:00|T16|Z\b/);
  });

  it('say the same day once it has passed', () => {
    const notice = deadlineNotice(record(), step('overdue'), 'reply', REPLY_BY, 'handler-1', AT);
    expect(notice.text).toEqual({
      zh: '案件 XF-20261202-0001 已超过答复期限（2027年1月31日），列入督办。',
      en: 'Case XF-20261202-0001 missed its reply deadline (31 Jan 2027, Beijing time) and is under supervision.',
    });
  });

  it('carry the same words to the topic as to the inbox', () => {
    const notice = deadlineNotice(
      record(),
      step('urgent'),
      'acknowledge',
      '2026-12-17T16:00:00.000Z',
      'c-1',
      AT,
    );
    const message = toOutbox(notice, 'registrar');
    expect(message.subject).toBe('案件 XF-20261202-0001 的告知受理期限至 2026年12月17日，请及时办理。');
    expect(message.body.text).toEqual(notice.text);
  });
});

describe('assignment notices', () => {
  it('tell the new assignee the reply’s last day, the extended one when there is one', () => {
    expect(assignmentNotice(record(), AT)?.text).toEqual({
      zh: '案件 XF-20261202-0001 已交由您办理，答复期限至 2027年1月31日。',
      en: 'Case XF-20261202-0001 is assigned to you; the reply is due by 31 Jan 2027, Beijing time.',
    });
    const extended = record({
      deadlines: {
        acknowledgeBy: '2026-12-17T16:00:00.000Z',
        replyBy: REPLY_BY,
        extendedTo: '2027-03-02T16:00:00.000Z',
      },
    });
    expect(assignmentNotice(extended, AT)?.text.zh).toContain('答复期限至 2027年3月2日');
  });

  it('say no deadline when the case has none yet', () => {
    const text = assignmentNotice(
      record({ deadlines: { acknowledgeBy: '2026-12-17T16:00:00.000Z' } }),
      AT,
    )?.text;
    expect(text).toEqual({
      zh: '案件 XF-20261202-0001 已交由您办理。',
      en: 'Case XF-20261202-0001 is assigned to you.',
    });
  });
});
