import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';

/**
 * Cognito pre-token-generation trigger (event version 2): Cognito access tokens carry `cognito:groups` but no custom
 * attributes, so the user's town is copied into the access token as `custom:town`. Groups are left as they are.
 */
export const handler = async (
  event: PreTokenGenerationV2TriggerEvent,
): Promise<PreTokenGenerationV2TriggerEvent> => {
  const town = event.request.userAttributes['custom:town'];
  if (town)
    event.response = {
      claimsAndScopeOverrideDetails: {
        accessTokenGeneration: { claimsToAddOrOverride: { 'custom:town': town } },
      },
    };
  return event;
};
