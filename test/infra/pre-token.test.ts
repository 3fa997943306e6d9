import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from '../../lambdas/handlers/pre-token.js';

const event = (userAttributes: Record<string, string>): PreTokenGenerationV2TriggerEvent => ({
  version: '2',
  triggerSource: 'TokenGeneration_Authentication',
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_example',
  userName: 'clerk-1',
  callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'client' },
  request: {
    userAttributes,
    groupConfiguration: { groupsToOverride: ['clerk', 'leader'], iamRolesToOverride: [] },
    scopes: ['aws.cognito.signin.user.admin'],
  },
  response: { claimsAndScopeOverrideDetails: {} },
});

describe('pre-token trigger', () => {
  it('copies custom:town into the access token and leaves groups alone', async () => {
    const result = await handler(event({ sub: 'u-1', 'custom:town': 'fengqiao' }));
    expect(result.response.claimsAndScopeOverrideDetails).toEqual({
      accessTokenGeneration: { claimsToAddOrOverride: { 'custom:town': 'fengqiao' } },
    });
    expect(result.response.claimsAndScopeOverrideDetails.groupOverrideDetails).toBeUndefined();
  });

  it("copies a city supervisor's custom:towns as the attribute holds them", async () => {
    const result = await handler(event({ sub: 'city-1', 'custom:towns': 'demo-town,town-b' }));
    expect(result.response.claimsAndScopeOverrideDetails).toEqual({
      accessTokenGeneration: { claimsToAddOrOverride: { 'custom:towns': 'demo-town,town-b' } },
    });
  });

  it('adds nothing for a user without a town (the API then answers 401)', async () => {
    const result = await handler(event({ sub: 'u-2' }));
    expect(result.response.claimsAndScopeOverrideDetails).toEqual({});
  });
});
