import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { expect, vi } from 'vitest';
import type { KeyWrapper } from '../../lambdas/adapters/data-keys.js';
import { logger } from '../../lambdas/adapters/observability.js';
import { caseBody, type Harness } from './harness.js';

/** Helpers of the personal-data tests: key-wrapper call counts, captured output, and cases walked to a status. */

/** A key wrapper that counts its calls: in the cloud each one is a KMS request. */
export function countingKeyWrapper(inner: KeyWrapper) {
  const calls = { generate: 0, unwrap: 0 };
  const wrapper: KeyWrapper = {
    generate: (context) => {
      calls.generate += 1;
      return inner.generate(context);
    },
    unwrap: (wrapped, context) => {
      calls.unwrap += 1;
      return inner.unwrap(wrapped, context);
    },
  };
  return { wrapper, calls, total: () => calls.generate + calls.unwrap };
}

/**
 * Everything written to stdout, stderr or the console while it runs, with the logger at DEBUG (tests run it SILENT);
 * nothing reaches the terminal. `restore` puts both back.
 */
export function captureOutput() {
  const lines: string[] = [];
  const level = logger.getLevelName();
  logger.setLogLevel('DEBUG');
  const keep = (chunk: unknown) => {
    lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const spies = [
    // each invocation sets the level back to the configured one (Powertools' log sampling); DEBUG must last the capture
    vi.spyOn(logger, 'refreshSampleRateCalculation').mockImplementation(() => undefined),
    vi.spyOn(process.stdout, 'write').mockImplementation(keep),
    vi.spyOn(process.stderr, 'write').mockImplementation(keep),
    ...(['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      }),
    ),
  ];
  return {
    lines,
    restore() {
      for (const spy of spies) spy.mockRestore();
      logger.setLogLevel(level);
    },
  };
}

/** Every stored item of every table of the harness, the idempotency table's included, as JSON text by table. */
export async function storedItems(h: Harness): Promise<Record<string, string[]>> {
  const byTable: Record<string, string[]> = {};
  for (const table of Object.values(h.tables)) {
    const items: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await h.deps.db.send(
        new ScanCommand({ TableName: table, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
      );
      items.push(...(page.Items ?? []).map((item) => JSON.stringify(item)));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    byTable[table] = items;
  }
  return byTable;
}

/** A query code as it is shown (`ABCD-EFGH-JKMN`) and as typed without dashes. */
export const queryCodeForms = (code: string): string[] => [code, code.replaceAll('-', '')];

export function caseCalls(h: Harness) {
  const register = async (token: string, overrides: Record<string, unknown> = {}) => {
    const response = await h.request('POST', '/v1/cases', { token, body: caseBody(overrides) });
    expect(response.status, response.text).toBe(201);
    return response.body as { id: string; version: number; number: string };
  };
  const command = (token: string, id: string, name: string, body: unknown, version: number) =>
    h.request('POST', `/v1/cases/${id}/${name}`, { token, body, headers: { 'if-match': `"${version}"` } });
  const expectOk = async (pending: ReturnType<typeof command>) => {
    const response = await pending;
    expect(response.status, response.text).toBe(200);
    return response.body as { version: number };
  };

  /** Accept (assigned), reply, a satisfied callback and close: the case is closed as of the harness clock. */
  const close = async (tokens: { clerk: string; handler: string; handlerId: string }, id: string) => {
    let { version } = await expectOk(
      command(tokens.clerk, id, 'accept', { track: 'immediate', assigneeId: tokens.handlerId }, 1),
    );
    ({ version } = await expectOk(
      command(tokens.handler, id, 'reply', { outcome: 'resolved', opinion: '已支付' }, version),
    ));
    ({ version } = await expectOk(command(tokens.clerk, id, 'rate', { rating: 'satisfied' }, version)));
    return expectOk(command(tokens.clerk, id, 'close', {}, version));
  };
  return { register, command, close };
}
