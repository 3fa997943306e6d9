import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudDynamoClient } from '../../lambdas/adapters/deps.js';
import { HttpProblem } from '../../lambdas/http/problem.js';
import { translateServiceError } from '../../lambdas/http/service-errors.js';

/** The deployed client against an endpoint that takes requests and never answers (a hung connection). */

let server: Server;
let requests = 0;
beforeAll(async () => {
  process.env.AWS_REGION = 'cn-northwest-1';
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  server = createServer(() => {
    requests += 1; // and never answer
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

describe('cloudDynamoClient', () => {
  it('gives up on a hung endpoint after three attempts, with an error the API answers as 503', async () => {
    const { port } = server.address() as AddressInfo;
    const client = cloudDynamoClient(`http://127.0.0.1:${port}`);
    const error = await client
      .send(new GetItemCommand({ TableName: 'cases', Key: { pk: { S: 'x' }, sk: { S: 'y' } } }))
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    client.destroy();
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('TimeoutError');
    expect(requests).toBe(3);
    const answered = translateServiceError(error);
    expect(answered).toBeInstanceOf(HttpProblem);
    expect((answered as HttpProblem).status).toBe(503);
  });
});
