/**
 * Where a stretch of the bench's own process spends its CPU: the V8 sampling profiler (node:inspector) around a call,
 * its self time summed by part (the AWS SDK, middy, Powertools, zod, each folder of lambdas/, node's HTTP client, GC),
 * idle time left out. `npm run bench -- --only api --profile` profiles the read invoked as Lambda invokes it.
 */
import { type Profiler, Session } from 'node:inspector/promises';

/** The part of the service or the runtime a sampled frame belongs to. */
export function partOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName.startsWith('(')) return functionName;
    // the socket writes of the SDK's requests to DynamoDB, and the promise jobs they resume
    if (/^write/.test(functionName)) return 'node: HTTP and sockets';
    if (functionName === 'dispatch') return 'the profiler itself';
    return functionName === 'runMicrotasks' ? 'promise jobs' : `native ${functionName}`;
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) {
    if (/^@(aws-sdk|smithy|aws-crypto)\//.test(pkg)) return 'AWS SDK';
    if (pkg.startsWith('@aws-lambda-powertools/')) return 'Powertools';
    return pkg.startsWith('@middy/') ? 'middy' : pkg;
  }
  const folder = /\/lambdas\/(\w+)\//.exec(url)?.[1];
  if (folder) return `lambdas/${folder}`;
  if (/node:(internal\/)?(http|_http|net|stream|dns|tls)/.test(url)) return 'node: HTTP and sockets';
  return url.startsWith('node:') ? 'node: other' : url.split('/').at(-1)!;
}

/** Runs `call` under the profiler; the share of its busy CPU time by part, largest first. */
export async function profileWhile(call: () => Promise<unknown>): Promise<{ part: string; share: number }[]> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  let profile: Profiler.Profile;
  try {
    await call();
  } finally {
    ({ profile } = await session.post('Profiler.stop'));
    session.disconnect();
  }
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const byPart = new Map<string, number>();
  profile.samples?.forEach((id: number, i: number) => {
    const { url, functionName } = byId.get(id)!.callFrame;
    const part = partOf(url, functionName);
    if (part !== '(idle)') byPart.set(part, (byPart.get(part) ?? 0) + (profile.timeDeltas?.[i] ?? 0));
  });
  const busy = [...byPart.values()].reduce((a, b) => a + b, 0);
  return [...byPart]
    .map(([part, micros]) => ({ part, share: micros / Math.max(1, busy) }))
    .sort((a, b) => b.share - a.share);
}
