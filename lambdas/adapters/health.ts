import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { CASES_TABLE } from './table-model.js';

/** A key no item ever has: reading it costs half a read unit and proves the table answers. */
const PROBE_KEY = { [CASES_TABLE.partitionKey]: 'HEALTH', [CASES_TABLE.sortKey ?? 'sk']: 'HEALTH' };

/**
 * Whether the Cases table answers a read within `timeoutMs`: the health check's one real call. It is bounded on its
 * own, since the client's retries and timeouts are sized for requests that must succeed, not for a probe.
 */
export async function casesTableAnswers(
  db: DynamoDBDocumentClient,
  table: string,
  timeoutMs = 1_000,
): Promise<{ ok: true } | { ok: false; cause: string }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const timedOut = new Promise<never>((_, fail) =>
    abort.signal.addEventListener('abort', () => fail(new Error('TimeoutError'))),
  );
  try {
    await Promise.race([
      db.send(new GetCommand({ TableName: table, Key: PROBE_KEY }), { abortSignal: abort.signal }),
      timedOut,
    ]);
    return { ok: true };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return {
      ok: false,
      cause: abort.signal.aborted ? 'TimeoutError' : typeof code === 'string' ? code : (error as Error).name,
    };
  } finally {
    clearTimeout(timer);
  }
}
