import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { localMac } from '../../lambdas/adapters/mac.js';
import {
  canonicalEvent,
  chainEvent,
  GENESIS_HASH,
  parseTimelineEvent,
  type TimelineEvent,
  type TimelineFields,
  verifyChain,
} from '../../lambdas/domain/timeline.js';

const mac = localMac(randomBytes(32));

const FIELDS: TimelineFields[] = [
  {
    at: '2026-11-28T02:00:00.000Z',
    actor: { id: 'clerk-1', role: 'clerk' },
    action: 'register',
    toStatus: 'registered',
  },
  {
    at: '2026-11-28T03:00:00.000Z',
    actor: { id: 'clerk-1', role: 'clerk' },
    action: 'accept',
    fromStatus: 'registered',
    toStatus: 'accepted',
    note: '受理',
  },
  {
    at: '2026-11-29T03:00:00.000Z',
    actor: { id: 'handler-1', role: 'handler' },
    action: 'note',
    note: '已联系',
  },
  {
    at: '2026-12-01T03:00:00.000Z',
    actor: { id: 'handler-1', role: 'handler' },
    action: 'reply',
    fromStatus: 'accepted',
    toStatus: 'replied',
  },
];

async function chain(fields = FIELDS, key = mac): Promise<TimelineEvent[]> {
  const events: TimelineEvent[] = [];
  for (const f of fields) events.push(await chainEvent(events.at(-1), f, key));
  return events;
}

const headOf = (events: TimelineEvent[]) => ({ seq: events.at(-1)!.seq, hash: events.at(-1)!.hash });

describe('chainEvent', () => {
  it('numbers events from 1 and links each to the previous hash, starting at the genesis hash', async () => {
    const events = await chain();
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(events[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < events.length; i++) expect(events[i]!.prevHash).toBe(events[i - 1]!.hash);
    expect(new Set(events.map((e) => e.hash)).size).toBe(4);
    for (const e of events) expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is a keyed hash: another key, or a plain SHA-256 of the same bytes, gives another hash', async () => {
    const [first] = await chain(FIELDS.slice(0, 1));
    const [other] = await chain(FIELDS.slice(0, 1), localMac(randomBytes(32)));
    expect(other!.hash).not.toBe(first!.hash);
    const { hash: _h, ...unsigned } = first!;
    const plain = createHash('sha256')
      .update(`timeline\n${canonicalEvent(unsigned)}`)
      .digest('hex');
    expect(plain).not.toBe(first!.hash);
  });
});

describe('verifyChain', () => {
  it('accepts an untouched chain against its head', async () => {
    const events = await chain();
    expect(await verifyChain(events, headOf(events), mac)).toEqual({ valid: true });
  });

  it.each([
    ['note', (e: TimelineEvent) => ({ ...e, note: '篡改' })],
    ['at', (e: TimelineEvent) => ({ ...e, at: '2026-11-28T03:00:01.000Z' })],
    ['actor', (e: TimelineEvent) => ({ ...e, actor: { id: 'someone', role: 'clerk' as const } })],
    ['action', (e: TimelineEvent) => ({ ...e, action: 'decline' })],
    ['toStatus', (e: TimelineEvent) => ({ ...e, toStatus: 'declined' })],
    ['hash', (e: TimelineEvent) => ({ ...e, hash: 'f'.repeat(64) })],
  ])('finds an edited %s at that event', async (_field, edit) => {
    const events = await chain();
    events[1] = edit(events[1]!);
    expect(await verifyChain(events, headOf(await chain()), mac)).toEqual({ valid: false, brokenAt: 2 });
  });

  it('finds an event re-signed without the key (plain SHA-256) at that event', async () => {
    const events = await chain();
    const { hash: _h, ...unsigned } = { ...events[2]!, note: '篡改' };
    events[2] = {
      ...unsigned,
      hash: createHash('sha256')
        .update(`timeline\n${canonicalEvent(unsigned)}`)
        .digest('hex'),
    };
    expect(await verifyChain(events, headOf(events), mac)).toEqual({ valid: false, brokenAt: 3 });
  });

  it('finds a dropped tail, a dropped middle event and a swap', async () => {
    const events = await chain();
    const head = headOf(events);
    expect(await verifyChain(events.slice(0, 3), head, mac)).toEqual({ valid: false, brokenAt: 4 });
    expect(await verifyChain([events[0]!, events[2]!, events[3]!], head, mac)).toEqual({
      valid: false,
      brokenAt: 2,
    });
    expect(await verifyChain([events[0]!, events[2]!, events[1]!, events[3]!], head, mac)).toEqual({
      valid: false,
      brokenAt: 2,
    });
  });

  it('finds a tail rebuilt by someone without the key, and a chain checked with the wrong key', async () => {
    const events = await chain();
    const forged = await chainEvent(events[2], FIELDS[3]!, localMac(randomBytes(32)));
    expect(await verifyChain([...events.slice(0, 3), forged], headOf(events), mac)).toEqual({
      valid: false,
      brokenAt: 4,
    });
    expect(await verifyChain(events, headOf(events), localMac(randomBytes(32)))).toEqual({
      valid: false,
      brokenAt: 1,
    });
  });

  it('finds events beyond the head (a rolled-back head) at the first event the head does not cover', async () => {
    // brokenAt is "the sequence number of the first event that does not check out": event 4, not a 5th that
    // does not exist
    const events = await chain();
    expect(await verifyChain(events, headOf(events.slice(0, 3)), mac)).toEqual({ valid: false, brokenAt: 4 });
  });
});

describe('a stored timeline event', () => {
  const stored = {
    pk: 'T#town-a#C#c1',
    sk: 'EV#000001',
    seq: 1,
    at: '2026-11-28T02:00:00.000Z',
    actor: { id: 'u1', role: 'clerk' },
    action: 'register',
    prevHash: GENESIS_HASH,
    hash: 'h',
  };

  it('is read without its key attributes', () => {
    const { pk: _pk, sk: _sk, ...event } = stored;
    expect(parseTimelineEvent(stored)).toEqual(event);
  });

  it('names a role the service records, or system', () => {
    expect(parseTimelineEvent({ ...stored, actor: { id: 'sweep', role: 'system' } }).actor.role).toBe(
      'system',
    );
    expect(() => parseTimelineEvent({ ...stored, actor: { id: 'u1', role: 'mayor' } })).toThrow();
  });
});
