import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localKeyWrapper, newLocalKeyRing } from '../../lambdas/adapters/data-keys.js';
import { caseBody, createHarness, type Harness, type TestResponse } from '../support/harness.js';
import { captureOutput, countingKeyWrapper, storedItems } from '../support/privacy.js';

/**
 * A helper's phone is kept like a petitioner's: added (with an Idempotency-Key, whose stored answer is kept), changed,
 * listed, put on a team and revealed; afterwards no clear number is in any stored item of any table, any log line, or
 * any answer but the reveal's, and each phone was sealed under a data key of its own.
 */

const FIRST = '13955556666';
const SECOND = '0575-87112233';
const OTHER = '13644445555';
const SECRETS = [FIRST, SECOND, SECOND.replace('-', ''), OTHER];
const found = (text: string) => SECRETS.filter((secret) => text.includes(secret));

let h: Harness;
const keys = countingKeyWrapper(localKeyWrapper(newLocalKeyRing()));
beforeAll(async () => {
  h = await createHarness({ now: new Date('2026-11-28T02:00:00Z'), dataKeys: keys.wrapper });
});
afterAll(() => h.close());

describe('helpers’ phones', () => {
  it('are never stored, logged or answered in the clear outside a reveal', async () => {
    const output = captureOutput();
    const responses: { label: string; response: TestResponse }[] = [];
    const call = async (
      label: string,
      method: string,
      path: string,
      opts: Parameters<Harness['request']>[2],
    ) => {
      const response = await h.request(method, path, opts);
      responses.push({ label, response });
      return response;
    };
    let revealed: TestResponse | undefined;
    try {
      const [admin, leader, clerk, supervisor] = await Promise.all([
        h.token('admin', 'admin-1'),
        h.token('leader', 'leader-1'),
        h.token('clerk', 'clerk-1'),
        h.token('supervisor', 'supervisor-1'),
      ]);
      const body = { name: '吴律师', kind: 'lawyer', unit: '枫桥律师事务所', phone: FIRST };
      const added = await call('add', 'POST', '/v1/helpers', {
        token: admin,
        body,
        headers: { 'idempotency-key': 'helper-0001' },
      });
      expect(added.status, added.text).toBe(201);
      expect(added.body.phone).toBe('139****6666');
      const again = await call('add again', 'POST', '/v1/helpers', {
        token: admin,
        body,
        headers: { 'idempotency-key': 'helper-0001' },
      });
      expect(again.status).toBe(201);
      expect(again.body.id).toBe(added.body.id);
      const other = await call('add other', 'POST', '/v1/helpers', {
        token: admin,
        body: { name: '冯老', kind: 'veteran_party_member', unit: '东村党支部', phone: OTHER },
      });
      expect(other.status).toBe(201);
      expect(keys.calls).toEqual({ generate: 2, unwrap: 0 });

      const changed = await call('change phone', 'PATCH', `/v1/helpers/${added.body.id}`, {
        token: admin,
        body: { phone: SECOND },
        headers: { 'if-match': '"1"' },
      });
      expect(changed.status, changed.text).toBe(200);
      expect(keys.calls.generate).toBe(3);
      expect((await call('list', 'GET', '/v1/helpers', { token: clerk })).status).toBe(200);
      expect((await call('read', 'GET', `/v1/helpers/${added.body.id}`, { token: clerk })).status).toBe(200);

      const registered = await call('register', 'POST', '/v1/cases', { token: clerk, body: caseBody() });
      const id = registered.body.id as string;
      const accepted = await call('accept', 'POST', `/v1/cases/${id}/accept`, {
        token: clerk,
        body: { track: 'supervised', assigneeId: 'handler-1' },
        headers: { 'if-match': '"1"' },
      });
      expect(accepted.status).toBe(200);
      const owned = await call('own', 'POST', `/v1/cases/${id}/own`, {
        token: leader,
        body: {
          leaderId: 'leader-1',
          team: [],
          helpers: [added.body.id, other.body.id],
          plan: { tasks: ['法律释明'], responsibilities: ['律师'], measures: ['约谈'] },
        },
        headers: { 'if-match': `"${accepted.body.version}"` },
      });
      expect(owned.status, owned.text).toBe(200);
      expect(owned.body.helpers).toHaveLength(2);
      for (const helper of owned.body.helpers)
        expect(Object.keys(helper).sort()).toEqual(['id', 'kind', 'name', 'unit']);
      // reading, listing and putting on a team open no envelope
      expect(keys.calls.unwrap).toBe(0);

      revealed = await h.request('POST', `/v1/helpers/${added.body.id}/reveal`, {
        token: leader,
        body: { purpose: '包案前联系律师' },
      });
      expect(revealed.status, revealed.text).toBe(200);
      expect(revealed.body.phone).toBe(SECOND);
      expect(keys.calls.unwrap).toBe(1);
      const audit = await call('audit', 'GET', '/v1/audit/reveals?from=2026-11-28&to=2026-11-28', {
        token: supervisor,
      });
      expect(audit.body.items).toHaveLength(1);

      const byTable = await storedItems(h);
      const stored = Object.values(byTable).flat();
      expect(byTable[h.tables.idempotency]?.length).toBeGreaterThanOrEqual(1);
      expect(stored.some((item) => item.includes('"phoneMasked":"057******2233"'))).toBe(true);
      expect(stored.some((item) => item.includes('"state":"sealed"'))).toBe(true);
      expect(stored.flatMap(found)).toEqual([]);
      for (const { label, response } of responses) expect(found(response.text), label).toEqual([]);
    } finally {
      output.restore();
    }
    expect(output.lines.some((line) => line.includes('helper contact revealed'))).toBe(true);
    expect(output.lines.flatMap(found)).toEqual([]);
  });
});
