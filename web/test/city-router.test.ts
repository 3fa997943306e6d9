import { afterEach, describe, expect, it } from 'vitest';
import { createAppRouter } from '../src/router.js';
import { endSession, isCitySession, session, startSession } from '../src/session.js';
import { fakeToken } from './support.js';

/** Where the workbench takes a city supervisor (市/县信访局), who has no town: to its own pages, never a town's. */

const signInCity = () =>
  startSession(
    fakeToken({ sub: 'city-1', 'cognito:groups': '[city_supervisor]', 'custom:towns': '[demo-town town-b]' }),
  );

describe('the city supervisor’s pages', () => {
  afterEach(() => endSession());

  it('reads the towns of the token’s custom:towns claim', () => {
    signInCity();
    expect(isCitySession()).toBe(true);
    expect(session.value?.roles).toEqual(['city_supervisor']);
    expect(session.value?.towns).toEqual(['demo-town', 'town-b']);
  });

  it('starts on the city overview and is sent back to it from any town page', async () => {
    signInCity();
    const router = createAppRouter();
    await router.push('/');
    expect(router.currentRoute.value.name).toBe('city');
    for (const path of ['/cases', '/cases/new', '/dashboard', '/notifications', '/cases/c1']) {
      await router.push(path);
      expect(router.currentRoute.value.name, path).toBe('city');
    }
    await router.push('/city/cases?town=demo-town&view=overdue');
    expect(router.currentRoute.value.name).toBe('city-cases');
    await router.push('/city/towns/demo-town/cases/c1');
    expect(router.currentRoute.value.params).toEqual({ town: 'demo-town', id: 'c1' });
  });

  it('keeps a town’s staff out of the city’s pages', async () => {
    startSession(
      fakeToken({ sub: 'supervisor-1', 'cognito:groups': '[supervisor]', 'custom:town': 'demo-town' }),
    );
    expect(isCitySession()).toBe(false);
    expect(session.value?.towns).toBeUndefined();
    const router = createAppRouter();
    await router.push('/city');
    expect(router.currentRoute.value.name).toBe('cases');
    await router.push('/city/towns/demo-town/cases/c1');
    expect(router.currentRoute.value.name).toBe('cases');
  });
});
