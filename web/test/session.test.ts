import { afterEach, describe, expect, it, vi } from 'vitest';
import { endSession, hasRole, session, signInLocally, startSession } from '../src/session.js';
import { client } from '../src/store.js';
import { fakeApi, fakeToken } from './support.js';

describe('who is signed in', () => {
  afterEach(() => {
    endSession();
    vi.unstubAllGlobals();
  });

  it('reads the roles however the issuer writes the groups, staff roles only', () => {
    for (const groups of ['[clerk leader]', '["clerk","leader"]', ['clerk', 'leader'], 'clerk leader']) {
      startSession(fakeToken({ sub: 'u1', 'cognito:groups': groups, 'custom:town': 'demo-town' }));
      expect(session.value?.roles).toEqual(['clerk', 'leader']);
    }
    startSession(fakeToken({ sub: 'u1', 'cognito:groups': '[petitioner]', 'custom:town': 'demo-town' }));
    expect(session.value?.roles).toEqual([]);
    expect(hasRole('clerk')).toBe(false);
  });

  it('keeps the session for the tab, and not past the token’s expiry', async () => {
    const token = fakeToken({ sub: 'handler-1', 'cognito:groups': '[handler]', 'custom:town': 'demo-town' });
    startSession(token);
    expect(sessionStorage.getItem('fengqiao.session')).toBe(token);
    expect(session.value).toMatchObject({ userId: 'handler-1', town: 'demo-town', roles: ['handler'] });
    endSession();
    expect(sessionStorage.getItem('fengqiao.session')).toBeNull();
    expect(session.value).toBeUndefined();
  });

  it('signs in locally with the host’s dev tokens, and out again when the API refuses the token', async () => {
    const token = fakeToken({ sub: 'clerk-1', 'cognito:groups': '[clerk]', 'custom:town': 'demo-town' });
    const calls = fakeApi({
      'POST /dev/tokens': { status: 200, body: { access_token: token } },
      'GET /v1/cases': { status: 401, body: { message: 'Unauthorized' } },
    });
    await signInLocally('', { role: 'clerk', sub: 'clerk-1', town: 'demo-town' });
    expect(calls[0]?.body).toEqual({ role: 'clerk', sub: 'clerk-1', town: 'demo-town' });
    expect(hasRole('clerk')).toBe(true);
    await client.value.GET('/v1/cases', { params: { query: {} } });
    expect(session.value).toBeUndefined();
    expect(window.location.hash).toBe('#/sign-in');
  });
});
