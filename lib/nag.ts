import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import {
  type App,
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReport,
  Validations,
} from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';

/**
 * The cdk-nag packs the app is held to: AWS Solutions and Serverless. A finding fails synthesis unless the construct
 * it is on acknowledges it (`Validations.of(construct).acknowledge({ id, reason })`) with a reason. The infra tests
 * synthesize with the same packs.
 */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
}

/** The name cfn-guard's findings are reported and acknowledged under. */
export const GUARD_PLUGIN = 'cdk-validator-cfnguard';

/** The id that acknowledges a cfn-guard rule: `Validations.of(construct).acknowledge({ id: guardRule(…), reason })`. */
export const guardRule = (rule: string): string => `${GUARD_PLUGIN}::${rule}`;

/**
 * cfn-guard's validator with every finding marked an error. The validator leaves `severity` unset, and CDK, once it has
 * acknowledged any of a plugin's findings, judges the rest by severity alone: unmarked, they would pass synthesis.
 */
class ControlTowerRules implements IPolicyValidationPlugin {
  private readonly guard = new CfnGuardValidator();
  readonly name = this.guard.name;
  // the validator's own, each set only when it has one: the plugin interface's properties are optional
  declare readonly version?: string;
  declare readonly ruleIds?: string[];

  constructor() {
    if (this.guard.version !== undefined) this.version = this.guard.version;
    if (this.guard.ruleIds !== undefined) this.ruleIds = this.guard.ruleIds;
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const report = this.guard.validate(context);
    return {
      ...report,
      violations: report.violations.map((violation) => ({ ...violation, severity: 'error' })),
    };
  }
}

/**
 * The second pack: AWS's cfn-guard with the Control Tower proactive controls (the plugin's default rules), run by the
 * binary the npm package ships (nothing is downloaded). Findings fail synthesis as cdk-nag's do and are acknowledged the
 * same way, under `guardRule(<rule name>)`. A run takes several seconds, so only lib/app.ts and test/infra/guard.test.ts
 * add it.
 */
export function addGuardChecks(app: App): void {
  const rules = new ControlTowerRules();
  if (rules.name !== GUARD_PLUGIN) throw new Error(`cfn-guard reports as ${rules.name}, not ${GUARD_PLUGIN}`);
  Validations.of(app).addPlugins(rules);
}
