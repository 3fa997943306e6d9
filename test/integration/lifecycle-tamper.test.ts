import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../lambdas/adapters/table-model.js';
import { canonicalEvent, type TimelineEvent } from '../../lambdas/domain/timeline.js';
import { caseBody, createHarness, type Harness, validIdNumber } from '../support/harness.js';

/**
 * Someone who can write the Cases table but does not hold the MAC key edits, drops or adds timeline events; the
 * keyed chain shows where.
 */

const TOWN = 'town-a';
let h: Harness;
let clerk: string;
let seq = 650;
beforeAll(async () => {
  h = await createHarness({ now: new Date('2026-11-28T02:00:00Z') });
  clerk = await h.token('clerk', 'clerk-1', TOWN);
});
afterAll(() => h.close());

/** A case with four events: register, accept (with a note), a progress note, reply. */
async function caseWithHistory(): Promise<string> {
  const created = await h.request('POST', '/v1/cases', {
    token: clerk,
    body: caseBody({ petitioners: [{ name: '李四', idNumber: validIdNumber(seq++) }] }),
  });
  expect(created.status, created.text).toBe(201);
  const id = created.body.id as string;
  const cmd = (token: string, command: string, body: unknown, version: number) =>
    h.request('POST', `/v1/cases/${id}/${command}`, { token, body, headers: { 'if-match': `"${version}"` } });
  const handler = await h.token('handler', 'handler-1', TOWN);
  expect(
    (await cmd(clerk, 'accept', { track: 'immediate', assigneeId: 'handler-1', note: '受理' }, 1)).status,
  ).toBe(200);
  expect(
    (await h.request('POST', `/v1/cases/${id}/notes`, { token: handler, body: { text: '已联系' } })).status,
  ).toBe(201);
  expect((await cmd(handler, 'reply', { outcome: 'resolved', opinion: '已支付' }, 2)).status).toBe(200);
  return id;
}

const verify = async (id: string) =>
  (await h.request('GET', `/v1/cases/${id}/timeline?verify=true`, { token: clerk })).body;

const eventKey = (id: string, n: number) => keys.timelineEvent(TOWN, id, n);

describe('the keyed timeline chain against a tampered table', () => {
  it('verifies an untouched case', async () => {
    const id = await caseWithHistory();
    const verdict = await verify(id);
    expect(verdict.valid).toBe(true);
    expect(verdict.brokenAt).toBeUndefined();
    expect(verdict.items.map((e: TimelineEvent) => e.action)).toEqual([
      'register',
      'accept',
      'note',
      'reply',
    ]);
  });

  it('finds an edited note at that event (brokenAt 2)', async () => {
    const id = await caseWithHistory();
    await h.deps.db.send(
      new UpdateCommand({
        TableName: h.tables.cases,
        Key: eventKey(id, 2),
        UpdateExpression: 'SET #note = :note',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#note': 'note' },
        ExpressionAttributeValues: { ':note': '不予受理' },
      }),
    );
    const verdict = await verify(id);
    expect(verdict).toMatchObject({ valid: false, brokenAt: 2 });
    // the timeline still shows what is stored, tampered note included
    expect(verdict.items[1].note).toBe('不予受理');
  });

  it('finds a note added to an event that had none (the reply, brokenAt 4)', async () => {
    const id = await caseWithHistory();
    await h.deps.db.send(
      new UpdateCommand({
        TableName: h.tables.cases,
        Key: eventKey(id, 4),
        UpdateExpression: 'SET #note = :note',
        ExpressionAttributeNames: { '#note': 'note' },
        ExpressionAttributeValues: { ':note': '当事人已签收' },
      }),
    );
    expect(await verify(id)).toMatchObject({ valid: false, brokenAt: 4 });
  });

  it('finds an event re-hashed with plain SHA-256 by someone without the key', async () => {
    const id = await caseWithHistory();
    const stored = await h.deps.db.send(new GetCommand({ TableName: h.tables.cases, Key: eventKey(id, 3) }));
    const item = stored.Item as TimelineEvent & { pk: string; sk: string };
    const { hash: _old, pk: _pk, sk: _sk, ...unsigned } = { ...item, note: '未联系上' };
    const hash = createHash('sha256')
      .update(`timeline\n${canonicalEvent(unsigned)}`)
      .digest('hex');
    await h.deps.db.send(
      new PutCommand({ TableName: h.tables.cases, Item: { ...item, note: '未联系上', hash } }),
    );
    expect(await verify(id)).toMatchObject({ valid: false, brokenAt: 3 });
  });

  it('finds the last event deleted', async () => {
    const id = await caseWithHistory();
    await h.deps.db.send(new DeleteCommand({ TableName: h.tables.cases, Key: eventKey(id, 4) }));
    const verdict = await verify(id);
    expect(verdict.items).toHaveLength(3);
    expect(verdict).toMatchObject({ valid: false, brokenAt: 4 });
  });

  it('finds an event deleted from the middle', async () => {
    const id = await caseWithHistory();
    await h.deps.db.send(new DeleteCommand({ TableName: h.tables.cases, Key: eventKey(id, 2) }));
    expect(await verify(id)).toMatchObject({ valid: false, brokenAt: 2 });
  });

  it('finds an event appended without the key', async () => {
    const id = await caseWithHistory();
    const last = (await verify(id)).items.at(-1) as TimelineEvent;
    await h.deps.db.send(
      new PutCommand({
        TableName: h.tables.cases,
        Item: {
          ...eventKey(id, 5),
          seq: 5,
          at: '2026-11-28T03:00:00.000Z',
          actor: { id: 'clerk-1', role: 'clerk' },
          action: 'close',
          fromStatus: 'replied',
          toStatus: 'closed',
          prevHash: last.hash,
          hash: 'f'.repeat(64),
        },
      }),
    );
    expect(await verify(id)).toMatchObject({ valid: false, brokenAt: 5 });
  });

  it('finds a case whose head was rolled back to an earlier event', async () => {
    const id = await caseWithHistory();
    const events = (await verify(id)).items as TimelineEvent[];
    await h.deps.db.send(
      new UpdateCommand({
        TableName: h.tables.cases,
        Key: keys.caseItem(TOWN, id),
        UpdateExpression: 'SET #head = :head',
        ExpressionAttributeNames: { '#head': 'timelineHead' },
        ExpressionAttributeValues: { ':head': { seq: 3, hash: events[2]!.hash } },
      }),
    );
    // brokenAt is not asserted here: see test/unit/timeline.test.ts on events beyond the head
    expect((await verify(id)).valid).toBe(false);
  });

  it('leaves other cases valid when one is tampered with', async () => {
    const untouched = await caseWithHistory();
    const tampered = await caseWithHistory();
    await h.deps.db.send(new DeleteCommand({ TableName: h.tables.cases, Key: eventKey(tampered, 3) }));
    expect((await verify(tampered)).valid).toBe(false);
    expect((await verify(untouched)).valid).toBe(true);
  });
});
