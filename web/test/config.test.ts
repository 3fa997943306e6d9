import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig, parseConfig } from '../src/config.js';

describe('the runtime settings (/config.json)', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads the local host’s and a deployment’s settings', () => {
    expect(parseConfig({ apiBaseUrl: '', auth: { kind: 'local' } })).toEqual({
      apiBaseUrl: '',
      auth: { kind: 'local' },
    });
    expect(
      parseConfig({
        apiBaseUrl: 'https://api.example.gov.cn/',
        auth: {
          kind: 'oidc',
          authority: 'https://id.example.gov.cn',
          clientId: 'workbench',
          redirectUri: 'https://xf.example.gov.cn/',
        },
      }),
    ).toEqual({
      apiBaseUrl: 'https://api.example.gov.cn',
      auth: {
        kind: 'oidc',
        authority: 'https://id.example.gov.cn',
        clientId: 'workbench',
        redirectUri: 'https://xf.example.gov.cn/',
        scope: 'openid',
      },
    });
  });

  it('names the setting that is wrong', () => {
    expect(() => parseConfig([])).toThrow('config.json: not an object');
    expect(() => parseConfig({ auth: { kind: 'local' } })).toThrow('apiBaseUrl must be a string');
    expect(() => parseConfig({ apiBaseUrl: '', auth: { kind: 'saml' } })).toThrow('auth.kind must be');
    expect(() =>
      parseConfig({ apiBaseUrl: '', auth: { kind: 'oidc', authority: 'x', clientId: '' } }),
    ).toThrow('auth.clientId must be a non-empty string');
  });

  it('fetches /config.json unkept, and fails on an error answer', async () => {
    const fetch = vi.fn(
      async () => new Response(JSON.stringify({ apiBaseUrl: '', auth: { kind: 'local' } })),
    );
    await expect(loadConfig(fetch)).resolves.toEqual({ apiBaseUrl: '', auth: { kind: 'local' } });
    expect(fetch).toHaveBeenCalledWith('/config.json', expect.objectContaining({ cache: 'no-store' }));
    await expect(loadConfig(async () => new Response('', { status: 404 }))).rejects.toThrow(
      'config.json: 404',
    );
  });
});
