import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpen311Handler } from '../../lambdas/handlers/open311.js';
import type { ApiEvent } from '../../lambdas/http/api.js';
import { createHarness, type Harness } from '../support/harness.js';
import {
  expectJsonErrors,
  expectXmlErrors,
  issueKey,
  PUBLIC_SERVICES,
  parseXml,
} from '../support/open311.js';

/** Open311 over a deployment that names its towns (`TOWNS`): they are served before any key is issued. */

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ now: new Date('2026-11-20T02:00:00Z'), towns: ['town-q'] });
});
afterAll(() => h.close());

describe('a configured town, before any key', () => {
  it('lists the services without jurisdiction_id, in JSON and XML', async () => {
    const json = await h.request('GET', '/open311/v2/services.json');
    expect(json.status).toBe(200);
    expect(json.body.map((s: { service_code: string }) => s.service_code)).toEqual(PUBLIC_SERVICES);
    const xml = await h.request('GET', '/open311/v2/services.xml');
    expect(xml.status).toBe(200);
    expect(parseXml(xml).services.service).toHaveLength(PUBLIC_SERVICES.length);
    expect((await h.request('GET', '/open311/v2/services/neighbor.json')).status).toBe(200);
  });

  it('answers for the town by name, and 404 for a town it does not serve', async () => {
    expect((await h.request('GET', '/open311/v2/services.json?jurisdiction_id=town-q')).status).toBe(200);
    const requests = await h.request('GET', '/open311/v2/requests.json?jurisdiction_id=town-q');
    expect(requests.status).toBe(200);
    expect(requests.body).toEqual([]);
    expect(
      expectXmlErrors(await h.request('GET', '/open311/v2/services.xml?jurisdiction_id=town-z'), 404),
    ).toContain('jurisdiction_id');
  });

  it('needs jurisdiction_id once a key names another town, and serves both', async () => {
    await issueKey(h, 'town-r');
    expect(expectJsonErrors(await h.request('GET', '/open311/v2/services.json'), 400)).toContain(
      'jurisdiction_id was not provided',
    );
    for (const town of ['town-q', 'town-r'])
      expect((await h.request('GET', `/open311/v2/services.json?jurisdiction_id=${town}`)).status).toBe(200);
  });
});

describe('the discovery address', () => {
  const discover = async (requestContext: Record<string, unknown>, headers: Record<string, string>) => {
    const handler = createOpen311Handler(h.deps, { towns: ['town-q'] });
    const event = {
      version: '2.0',
      routeKey: 'GET /open311/discovery.json',
      rawPath: '/open311/discovery.json',
      rawQueryString: '',
      headers,
      requestContext: {
        http: { method: 'GET', path: '/open311/discovery.json', sourceIp: '192.0.2.1' },
        routeKey: 'GET /open311/discovery.json',
        requestId: 'discovery',
        ...requestContext,
      },
      isBase64Encoded: false,
    } as unknown as ApiEvent;
    const result = await handler(event, { awsRequestId: 'discovery' } as unknown as Context);
    expect(result.statusCode).toBe(200);
    return (JSON.parse(result.body ?? '') as { endpoints: { url: string }[] }).endpoints[0]?.url;
  };

  it('is https on API Gateway, with a named stage in the path and none for $default', async () => {
    expect(
      await discover(
        { domainName: 'abc123.execute-api.cn-north-1.amazonaws.com.cn', stage: 'prod' },
        { 'x-forwarded-proto': 'https' },
      ),
    ).toBe('https://abc123.execute-api.cn-north-1.amazonaws.com.cn/prod/open311/v2');
    expect(
      await discover({ domainName: 'api.town.example', stage: '$default' }, { 'x-forwarded-proto': 'https' }),
    ).toBe('https://api.town.example/open311/v2');
  });

  it('is http where the caller came in on http, as the local host forwards it', async () => {
    expect(
      await discover({ domainName: 'localhost:3000', stage: '$default' }, { 'x-forwarded-proto': 'http' }),
    ).toBe('http://localhost:3000/open311/v2');
    const answer = await h.request('GET', '/open311/discovery.json');
    expect(answer.body.endpoints[0].url).toBe(`http://${new URL(h.baseUrl).host}/open311/v2`);
  });
});
