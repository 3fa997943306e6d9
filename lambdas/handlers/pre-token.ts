import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';

/**
 * Cognito pre-token-generation trigger (event version 2): Cognito access tokens carry `cognito:groups` but no custom
 * attributes, so the user's town is copied into the access token as `custom:town`, and a city supervisor's towns (the
 * attribute's comma-separated town ids) as `custom:towns`. Groups are left as they are.
 */
export const handler = async (
  event: PreTokenGenerationV2TriggerEvent,
): Promise<PreTokenGenerationV2TriggerEvent> => {
  const town = event.request.userAttributes['custom:town'];
  const towns = event.request.userAttributes['custom:towns'];
  const claims = { ...(town ? { 'custom:town': town } : {}), ...(towns ? { 'custom:towns': towns } : {}) };
  if (Object.keys(claims).length > 0)
    event.response = {
      claimsAndScopeOverrideDetails: { accessTokenGeneration: { claimsToAddOrOverride: claims } },
    };
  return event;
};
