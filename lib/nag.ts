import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';

/**
 * The cdk-nag packs the app is held to: AWS Solutions and Serverless. A finding fails synthesis unless the construct
 * it is on acknowledges it (`Validations.of(construct).acknowledge({ id, reason })`) with a reason. The infra tests
 * synthesize with the same packs.
 */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
}
