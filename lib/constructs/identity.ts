import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  type CfnUserPoolClient,
  CfnUserPoolGroup,
  ClientAttributes,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ROLES } from '../../lambdas/domain/roles.js';
import type { FengqiaoConfig } from '../config.js';
import { HandlerFunction } from './functions.js';
import type { Logs } from './logs.js';

/**
 * Who signs the tokens the API accepts: an external OIDC issuer when the context names one (the China regions have no
 * Cognito user pools), otherwise a Cognito user pool made here. In the pool, citizens sign up on their own and a
 * post-confirmation trigger makes them petitioners of the default town; staff are created and grouped by an admin.
 * An external issuer has no trigger: its own claim mapping must put `petitioner` into the groups claim.
 */
export class Identity extends Construct {
  readonly issuer: string;
  readonly audience: readonly string[];
  readonly userPool?: UserPool;
  readonly client?: UserPoolClient;
  /** The pool's hosted UI (`https://<prefix>.auth.<region>.amazoncognito.com`), where the web pages sign in. */
  readonly hostedUi?: UserPoolDomain;

  constructor(
    scope: Construct,
    id: string,
    props: {
      external?: FengqiaoConfig['identity'];
      /** `custom:town` of the citizens who sign up on their own. */
      defaultTown: string;
      /** Where the triggers' log groups go. */
      logs: Logs;
      /**
       * The prefix of the pool's hosted UI domain, for the web pages' sign-in (unique in the region: the stage and
       * the account make it so); absent: no hosted UI.
       */
      hostedUiPrefix?: string;
    },
  ) {
    super(scope, id);
    if (props.external) {
      this.issuer = props.external.issuer;
      this.audience = props.external.audience;
      return;
    }

    const userPool = new UserPool(this, 'UserPool', {
      // citizens sign up on their own (the post-confirmation trigger makes them petitioners); staff are made by an admin
      selfSignUpEnabled: true,
      signInAliases: { username: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // `towns`: a city supervisor's towns (comma-separated town ids), set by an admin like `town`
      customAttributes: {
        town: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
        towns: new StringAttribute({ minLen: 1, maxLen: 2048, mutable: true }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      // Essentials is the least plan whose pre-token trigger (V2_0) can write access-token claims
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional (TOTP, no SMS): petitioners are citizens who sign in rarely and often have no authenticator ' +
        'app, and a pool cannot require MFA for some groups only; staff are expected to enrol',
    });
    Validations.of(userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Essentials, not Plus: Plus adds threat protection at several times the price per user; self sign-up makes ' +
        'petitioners only (staff groups are admin-assigned), with a 12-character password policy and optional TOTP ' +
        'MFA, and Essentials already allows the V2_0 pre-token trigger',
    });

    const preToken = new HandlerFunction(this, 'PreToken', {
      handler: 'pre-token',
      description: 'Copies custom:town and custom:towns into access tokens',
      logs: props.logs,
    });
    userPool.addTrigger(UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, preToken.fn, LambdaVersion.V2_0);

    const postConfirmation = new HandlerFunction(this, 'PostConfirmation', {
      handler: 'post-confirmation',
      description: 'Makes a citizen who signed up a petitioner of the default town',
      logs: props.logs,
      environment: { DEFAULT_TOWN: props.defaultTown },
    });
    userPool.addTrigger(UserPoolOperation.POST_CONFIRMATION, postConfirmation.fn);
    // The pool names the function and the function's rights name the pool. A grant in the role's default policy would
    // close the cycle (the function depends on its role and everything under it, aws-cdk#7016); a policy of its own,
    // outside the role, does not, and keeps the grant to this one pool (aws-cognito README, "Trigger Permissions").
    postConfirmation.role.attachInlinePolicy(
      new Policy(this, 'PostConfirmationPolicy', {
        statements: [
          new PolicyStatement({
            actions: ['cognito-idp:AdminAddUserToGroup', 'cognito-idp:AdminUpdateUserAttributes'],
            resources: [userPool.userPoolArn],
          }),
        ],
      }),
    );

    for (const role of ROLES)
      new CfnUserPoolGroup(this, `Group-${role}`, { userPoolId: userPool.userPoolId, groupName: role });

    const standard = { fullname: true, email: true, phoneNumber: true };
    this.client = userPool.addClient('PublicClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ ...standard, emailVerified: true, phoneNumberVerified: true })
        .withCustomAttributes('town', 'towns'),
      // the town (and a city supervisor's towns) is the tenant: only an admin may set it, never the user through this client
      writeAttributes: new ClientAttributes().withStandardAttributes(standard),
    });
    if (props.hostedUiPrefix)
      this.hostedUi = userPool.addDomain('HostedUi', {
        cognitoDomain: { domainPrefix: props.hostedUiPrefix },
      });
    this.userPool = userPool;
    this.issuer = `https://cognito-idp.${Stack.of(this).region}.${Stack.of(this).urlSuffix}/${userPool.userPoolId}`;
    this.audience = [this.client.userPoolClientId];
  }

  /**
   * The web pages sign in through the hosted UI and come back to `url`: the public client allows the authorization
   * code flow (a public client without a secret, so with PKCE, which the pages always send) with exactly this callback
   * and sign-out URL, and the user pool's own sign-in only.
   */
  allowWebSignIn(url: string): void {
    const client = this.client?.node.defaultChild as CfnUserPoolClient | undefined;
    if (!client || !this.hostedUi) throw new Error('web sign-in needs the user pool and its hosted UI');
    client.allowedOAuthFlowsUserPoolClient = true;
    client.allowedOAuthFlows = ['code'];
    client.allowedOAuthScopes = ['openid', 'email', 'profile'];
    client.callbackUrLs = [url];
    client.logoutUrLs = [url];
    client.supportedIdentityProviders = ['COGNITO'];
  }
}

/** A hosted UI prefix unique to the deployment: `fengqiao-<stage>-<account>`. */
export const hostedUiPrefix = (stage: string): string => `fengqiao-${stage}-${Aws.ACCOUNT_ID}`;
