import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localKeyWrapper, newLocalKeyRing } from '../../lambdas/adapters/data-keys.js';
import {
  caseBody,
  createHarness,
  type Harness,
  type TestResponse,
  validIdNumber,
} from '../support/harness.js';
import { captureOutput, countingKeyWrapper, queryCodeForms, storedItems } from '../support/privacy.js';

/**
 * The whole path of personal data: registered at the window, on patrol and as an accusation, worked, listed, revealed
 * and audited. Afterwards no clear ID number, phone, address, accuser or accusation is in any stored item, any log
 * line, or any response but a reveal's; no query code is in any stored item (the idempotency table's included), any
 * log line, or any response but its registration's (and that answer's replay); and listing never costs a KMS call.
 */

const P1 = {
  name: '周建国',
  idNumber: validIdNumber(201, '19700302'),
  phone: '13800001111',
  address: '浙江省绍兴市诸暨市枫桥镇东村3组15号',
};
const P2 = {
  name: '吴秀英',
  idNumber: validIdNumber(202, '19750607'),
  phone: '0575-87654321',
  address: '枫桥镇西村委会旁28号',
};
const ACCUSER = {
  name: '郑举报人',
  idNumber: validIdNumber(203, '19820911'),
  phone: '13700002222',
  address: '枫桥镇南村6组9号',
};
const ACCUSATION = '举报村会计挪用低保资金共计三万元';
const FINDER = { name: '冯大伯', phone: '13600003333', address: '东村网格第二单元7号' };
const KEYED = { name: '陈小红', idNumber: validIdNumber(204, '19900101'), phone: '13500004444' };
const ONLINE = { name: '何文静', idNumber: validIdNumber(205, '19880808'), phone: '13400005555' };

/** Every clear value of the scenario, with the digits-only form of the landline. */
const SECRETS = [
  ...[P1, P2, ACCUSER, KEYED, ONLINE].map((p) => p.idNumber),
  ...[P1, P2, ACCUSER, FINDER, KEYED, ONLINE].map((p) => p.phone),
  P2.phone.replace('-', ''),
  ...[P1, P2, ACCUSER, FINDER].map((p) => p.address),
  ACCUSER.name,
  ACCUSATION,
];

const found = (text: string) => SECRETS.filter((secret) => text.includes(secret));

let h: Harness;
const keys = countingKeyWrapper(localKeyWrapper(newLocalKeyRing()));
beforeAll(async () => {
  h = await createHarness({ now: new Date('2026-11-28T02:00:00Z'), dataKeys: keys.wrapper });
});
afterAll(() => h.close());

describe('personal data end to end', () => {
  it('stores, logs and answers no clear value outside a reveal, and lists without KMS', async () => {
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
    const report: Record<string, number> = {};
    // every query code shown, in both forms; the logs are read once the capture ends
    let codeForms: string[] = [];
    const codesIn = (text: string) => codeForms.filter((code) => text.includes(code));
    try {
      const [clerk, supervisor, handler, worker, admin] = await Promise.all([
        h.token('clerk', 'clerk-1'),
        h.token('supervisor', 'supervisor-1'),
        h.token('handler', 'handler-1'),
        h.token('grid_worker', 'worker-1'),
        h.token('admin', 'admin-1'),
      ]);

      // registered at the window, one with an idempotency key, an accusation, and a patrol finding
      const a = await call('register A', 'POST', '/v1/cases', {
        token: clerk,
        body: caseBody({ petitioners: [P1, P2], location: { address: '枫桥镇东村' } }),
      });
      expect(a.status, a.text).toBe(201);
      const keyedBody = caseBody({ category: 'neighbor', petitioners: [KEYED] });
      const d = await call('register D', 'POST', '/v1/cases', {
        token: clerk,
        body: keyedBody,
        headers: { 'idempotency-key': 'register-d-0001' },
      });
      expect(d.status, d.text).toBe(201);
      const x = await call('register X', 'POST', '/v1/cases', {
        token: clerk,
        body: caseBody({
          type: 'accusation',
          category: 'village_affairs',
          title: '村务问题举报',
          description: ACCUSATION,
          petitioners: [ACCUSER],
          respondent: { name: '钱会计', kind: 'person' },
        }),
      });
      expect(x.status, x.text).toBe(201);
      const grid = await call('grid', 'POST', '/v1/grids', {
        token: admin,
        body: { name: '东村网格', level: 'comprehensive' },
      });
      expect(grid.status, grid.text).toBe(201);
      expect(
        (await call('assign worker', 'PUT', `/v1/grids/${grid.body.id}/workers/worker-1`, { token: admin }))
          .status,
      ).toBe(200);
      const patrol = await call('patrol', 'POST', `/v1/grids/${grid.body.id}/patrols`, {
        token: worker,
        body: {
          date: '2026-11-28',
          findings: [
            {
              kind: 'dispute',
              category: 'neighbor',
              title: '宅基地边界纠纷',
              description: '两户因围墙位置发生争执',
              petitioners: [FINDER],
            },
          ],
        },
      });
      expect(patrol.status, patrol.text).toBe(201);
      report.dataKeysMadeAtRegistration = keys.calls.generate;
      expect(keys.calls).toEqual({ generate: 4, unwrap: 0 });

      // the registration answers masked, and the accuser as a clerk may see them: masked too
      expect(a.body.petitioners[0]).toEqual({
        name: P1.name,
        idNumber: `${P1.idNumber.slice(0, 6)}********${P1.idNumber.slice(14)}`,
        phone: '138****1111',
        address: '浙江省****',
      });
      expect(x.body.petitioners[0].name).toBe('郑***');
      expect(x.body.description).toBe('[sealed]');

      // worked: commands, a note, reads; none of them opens the envelope
      for (const [id, assignee] of [
        [a.body.id, 'handler-1'],
        [x.body.id, 'handler-2'],
      ])
        expect(
          (
            await call('accept', 'POST', `/v1/cases/${id}/accept`, {
              token: clerk,
              body: { track: 'immediate', assigneeId: assignee },
              headers: { 'if-match': '"1"' },
            })
          ).status,
        ).toBe(200);
      expect(
        (
          await call('note', 'POST', `/v1/cases/${a.body.id}/notes`, {
            token: handler,
            body: { text: '已电话联系' },
          })
        ).status,
      ).toBe(201);
      const beforeReads = keys.total();
      let pages = 0;
      let cursor: string | undefined;
      const listed: string[] = [];
      do {
        const page = await call('list', 'GET', `/v1/cases?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
          token: supervisor,
        });
        expect(page.status, page.text).toBe(200);
        listed.push(...page.body.items.map((c: { id: string }) => c.id));
        cursor = page.body.nextCursor;
        pages += 1;
      } while (cursor);
      expect(listed).toHaveLength(4);
      for (const id of listed) {
        expect((await call('get', 'GET', `/v1/cases/${id}`, { token: clerk })).status).toBe(200);
        expect(
          (await call('timeline', 'GET', `/v1/cases/${id}/timeline?verify=true`, { token: clerk })).status,
        ).toBe(200);
      }
      report.listedPages = pages;
      report.kmsCallsPerListedPage = (keys.total() - beforeReads) / pages;
      expect(keys.total() - beforeReads).toBe(0);

      // revealed with a reason: one unwrap per case, then the cache
      const reveals: TestResponse[] = [];
      const reveal = async (token: string, id: string, body: Record<string, unknown>) => {
        const response = await h.request('POST', `/v1/cases/${id}/reveal`, { token, body });
        expect(response.status, response.text).toBe(200);
        reveals.push(response);
        return response;
      };
      const revealedA = await reveal(clerk, a.body.id, { purpose: '电话回访核实身份信息' });
      expect(revealedA.body.petitioners).toEqual([P1, P2]);
      expect(revealedA.headers.get('cache-control')).toBe('no-store');
      expect(keys.calls.unwrap).toBe(1);
      await reveal(clerk, a.body.id, { purpose: '再次核对联系地址', fields: ['address'] });
      const byAssignee = await reveal(handler, a.body.id, {
        purpose: '上门调解前确认电话',
        fields: ['phone'],
      });
      expect(byAssignee.body.petitioners).toEqual([{ phone: P1.phone }, { phone: P2.phone }]);
      expect(keys.calls.unwrap).toBe(1);
      const revealedX = await reveal(supervisor, x.body.id, { purpose: '督办举报事项核实举报人' });
      expect(revealedX.body.petitioners).toEqual([ACCUSER]);
      expect(revealedX.body.description).toBe(ACCUSATION);
      expect(keys.calls.unwrap).toBe(2);
      report.kmsCallsForFourReveals = keys.calls.unwrap;

      // an idempotency key on a reveal is refused, so no clear value is kept with a stored response
      const keyed = await call('reveal with a key', 'POST', `/v1/cases/${a.body.id}/reveal`, {
        token: clerk,
        body: { purpose: '电话回访核实身份信息' },
        headers: { 'idempotency-key': 'reveal-a-0001' },
      });
      expect(keyed.status).toBe(400);

      const audit = await call('audit', 'GET', '/v1/audit/reveals?from=2026-11-28&to=2026-11-28', {
        token: supervisor,
      });
      expect(audit.status, audit.text).toBe(200);
      expect(audit.body.items).toHaveLength(4);

      // filed online with a key, and both keyed registrations sent again: the replays show the first answers' codes
      const citizen = await h.token('petitioner', 'citizen-1');
      const { channel: _channel, ...onlineBody } = caseBody({ category: 'neighbor', petitioners: [ONLINE] });
      const petition = () =>
        call('petition', 'POST', '/v1/public/petitions', {
          token: citizen,
          body: onlineBody,
          headers: { 'idempotency-key': 'petition-0001' },
        });
      const online = await petition();
      expect(online.status, online.text).toBe(201);
      const onlineAgain = await petition();
      expect(onlineAgain.status, onlineAgain.text).toBe(201);
      expect(onlineAgain.body).toEqual(online.body);
      const dAgain = await call('register D', 'POST', '/v1/cases', {
        token: clerk,
        body: keyedBody,
        headers: { 'idempotency-key': 'register-d-0001' },
      });
      expect(dAgain.status, dAgain.text).toBe(201);
      expect(dAgain.body).toEqual(d.body);
      const codes = [a, d, x, online].map((r) => r.body.queryCode as string);
      for (const code of codes) expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      codeForms = codes.flatMap(queryCodeForms);

      // every stored item of every table, the idempotency table's (where the keyed answers are kept) included
      const byTable = await storedItems(h);
      expect(Object.keys(byTable)).toContain(h.tables.idempotency);
      expect(byTable[h.tables.idempotency]?.length).toBeGreaterThanOrEqual(2);
      const stored = Object.values(byTable).flat();
      expect(stored.some((item) => item.includes('138****1111'))).toBe(true);
      expect(stored.some((item) => item.includes('"state":"sealed"'))).toBe(true);
      expect(stored.flatMap(found)).toEqual([]);
      expect(stored.flatMap(codesIn)).toEqual([]);

      for (const { label, response } of responses) expect(found(response.text), label).toEqual([]);
      // a query code is shown by its registration's answer alone
      const registrations = new Set([a, d, x, online, onlineAgain, dAgain].map((r) => r.text));
      for (const { label, response } of responses)
        if (!registrations.has(response.text)) expect(codesIn(response.text), label).toEqual([]);
      const revealed = reveals.map((r) => r.text).join('\n');
      const shown = [P1, P2, ACCUSER].flatMap((p) => [p.idNumber, p.phone, p.address]);
      expect([...shown, ACCUSER.name, ACCUSATION].filter((s) => !revealed.includes(s))).toEqual([]);
    } finally {
      output.restore();
    }
    expect(output.lines.some((line) => line.includes('personal data revealed'))).toBe(true);
    expect(output.lines.flatMap(found)).toEqual([]);
    expect(codeForms).toHaveLength(8);
    expect(output.lines.flatMap(codesIn)).toEqual([]);
    console.log(`personal data: ${JSON.stringify(report)}`);
  });
});
