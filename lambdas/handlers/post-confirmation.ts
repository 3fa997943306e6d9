import {
  AdminAddUserToGroupCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import type { Role } from '../domain/roles.js';

/**
 * Cognito post-confirmation trigger: a citizen who signed up on their own becomes a petitioner of the deployment's
 * default town. Only the `petitioner` group is ever added, and the town is always the configured one, whatever the
 * user sent with the sign-up (attributes, client metadata): staff groups and other towns are given by an admin only.
 *
 * Cognito also fires this trigger after a forgotten password is reset (`PostConfirmation_ConfirmForgotPassword`);
 * that must touch nobody's groups or town (a staff member with `petitioner` added would be refused by the API), so
 * only `PostConfirmation_ConfirmSignUp` acts.
 */

export const SIGN_UP_GROUP = 'petitioner' satisfies Role;
export const TOWN_ATTRIBUTE = 'custom:town';

export type PostConfirmationCommand = AdminAddUserToGroupCommand | AdminUpdateUserAttributesCommand;

export interface PostConfirmationDeps {
  /** Sends a command to the user pool (the SDK client's `send`, or a recorder in tests). */
  send: (command: PostConfirmationCommand) => Promise<unknown>;
  /** The town every self-registered citizen belongs to (`DEFAULT_TOWN`). */
  defaultTown: string;
}

export function createPostConfirmationHandler(deps: PostConfirmationDeps) {
  if (deps.defaultTown.trim() === '') throw new Error('the default town is empty');
  return async (event: PostConfirmationTriggerEvent): Promise<PostConfirmationTriggerEvent> => {
    if (event.triggerSource !== 'PostConfirmation_ConfirmSignUp') return event;
    const user = { UserPoolId: event.userPoolId, Username: event.userName };
    // the town first: a user in the group without a town is refused by the API (401), never let into another town
    await deps.send(
      new AdminUpdateUserAttributesCommand({
        ...user,
        UserAttributes: [{ Name: TOWN_ATTRIBUTE, Value: deps.defaultTown }],
      }),
    );
    await deps.send(new AdminAddUserToGroupCommand({ ...user, GroupName: SIGN_UP_GROUP }));
    return event;
  };
}

let made: ((event: PostConfirmationTriggerEvent) => Promise<PostConfirmationTriggerEvent>) | undefined;

/** The deployed entry point: the client is made on the first invocation, once per execution environment. */
export const handler = async (event: PostConfirmationTriggerEvent): Promise<PostConfirmationTriggerEvent> => {
  if (!made) {
    const defaultTown = process.env.DEFAULT_TOWN;
    if (!defaultTown) throw new Error('DEFAULT_TOWN is not set');
    const client = new CognitoIdentityProviderClient({});
    // one overload per command type: the SDK's send does not take their union
    const send = (command: PostConfirmationCommand): Promise<unknown> =>
      command instanceof AdminAddUserToGroupCommand ? client.send(command) : client.send(command);
    made = createPostConfirmationHandler({ send, defaultTown });
  }
  return made(event);
};
