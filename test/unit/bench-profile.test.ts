import { describe, expect, it } from 'vitest';
import { partOf, profileWhile } from '../../bench/profile.js';

describe('the bench profile names the part a sampled frame belongs to', () => {
  it('by package, folder of lambdas/ or node internals', () => {
    expect(partOf('file:///w/node_modules/@smithy/core/dist-cjs/index.js', 'send')).toBe('AWS SDK');
    expect(partOf('file:///w/node_modules/@aws-sdk/lib-dynamodb/dist-cjs/index.js', 'x')).toBe('AWS SDK');
    expect(partOf('file:///w/node_modules/@aws-lambda-powertools/logger/lib/esm/Logger.js', 'x')).toBe(
      'Powertools',
    );
    expect(partOf('file:///w/node_modules/@middy/core/index.js', 'x')).toBe('middy');
    expect(partOf('file:///w/node_modules/zod/v4/core/schemas.js', 'x')).toBe('zod');
    expect(partOf('file:///w/lambdas/http/views.ts', 'caseView')).toBe('lambdas/http');
    expect(partOf('node:_http_client', 'x')).toBe('node: HTTP and sockets');
    expect(partOf('node:internal/streams/writable', 'x')).toBe('node: HTTP and sockets');
    expect(partOf('node:internal/url', 'x')).toBe('node: other');
  });

  it('native frames by what they do', () => {
    expect(partOf('', '(garbage collector)')).toBe('(garbage collector)');
    expect(partOf('', 'writev')).toBe('node: HTTP and sockets');
    expect(partOf('', 'runMicrotasks')).toBe('promise jobs');
    expect(partOf('', 'dispatch')).toBe('the profiler itself');
    expect(partOf('', 'parse')).toBe('native parse');
  });

  it('sums the busy samples of a call into shares of one', async () => {
    const parts = await profileWhile(async () => {
      const until = Date.now() + 200;
      let n = 0;
      while (Date.now() < until) n += JSON.stringify({ n }).length;
      return n;
    });
    expect(parts.length).toBeGreaterThan(0);
    expect(parts.some(({ part }) => part === '(idle)')).toBe(false);
    expect(parts.reduce((sum, { share }) => sum + share, 0)).toBeCloseTo(1, 5);
    for (let i = 1; i < parts.length; i++)
      expect(parts[i - 1]!.share).toBeGreaterThanOrEqual(parts[i]!.share);
  });
});
