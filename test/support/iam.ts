import type { Template } from 'aws-cdk-lib/assertions';
import type { FunctionAccess, TableAccess } from '../../lambdas/adapters/function-access.js';

/**
 * Reading the template's identity policies in infrastructure tests, and the one form a permission is compared in:
 * `action resource`, with ` (prefix*)` for a grant confined to partition keys that begin with a prefix, e.g.
 * `dynamodb:Query Cases/index/GSI6`, `dynamodb:UpdateItem Cases (RATE#*)`, `kms:GenerateMac mac-key`,
 * `sns:Publish topic/deadlines`.
 */

type Json = Record<string, unknown>;

export interface Statement {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Json;
}

export const actionsOf = (statement: Statement): string[] =>
  statement.Action === undefined ? [] : ([] as string[]).concat(statement.Action);

export const resourcesOf = (statement: Statement): unknown[] =>
  statement.Resource === undefined ? [] : ([] as unknown[]).concat(statement.Resource);

/** The actions the statements grant on each resource: `on(resource)`, sorted, or undefined for none. */
export function grantedOn(statements: Statement[]): (target: unknown) => string[] | undefined {
  const granted = new Map<string, string[]>();
  for (const statement of statements)
    for (const target of resourcesOf(statement))
      granted.set(JSON.stringify(target), [
        ...(granted.get(JSON.stringify(target)) ?? []),
        ...actionsOf(statement),
      ]);
  return (target) => granted.get(JSON.stringify(target))?.sort();
}

/** The statements of every identity policy attached to one role. */
export function roleStatements(template: Template, roleId: string): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

/** A table's permission on the table itself or one of its indexes. */
export const tablePermission = (action: string, table: string, index?: string, prefix?: string): string =>
  `dynamodb:${action} ${table}${index ? `/index/${index}` : ''}${prefix ? ` (${prefix}*)` : ''}`;

export const MAC_KEY = 'mac-key';
/** The evidence bucket (listing its versions) and its objects. */
export const EVIDENCE_BUCKET = 'evidence-bucket';
export const EVIDENCE_OBJECTS = 'evidence-bucket/*';
export const DATA_KEY = 'data-key';
export const topicResource = (topic: string): string => `topic/${topic}`;

/** Every permission a declaration grants, sorted. */
export function declaredPermissions(access: FunctionAccess): string[] {
  const permissions: string[] = [];
  for (const [table, declared] of Object.entries(access.tables) as [string, TableAccess][]) {
    for (const action of declared.actions ?? []) permissions.push(tablePermission(action, table));
    for (const action of declared.confined?.actions ?? [])
      permissions.push(tablePermission(action, table, undefined, declared.confined?.prefix));
    for (const [index, actions] of Object.entries(declared.indexes ?? {}))
      for (const action of actions) permissions.push(tablePermission(action, table, index));
  }
  if (access.mac) permissions.push(`kms:GenerateMac ${MAC_KEY}`);
  for (const action of access.dataKey) permissions.push(`kms:${action} ${DATA_KEY}`);
  for (const topic of access.publishes) permissions.push(`sns:Publish ${topicResource(topic)}`);
  for (const action of access.evidence ?? [])
    permissions.push(`s3:${action} ${action === 'ListBucketVersions' ? EVIDENCE_BUCKET : EVIDENCE_OBJECTS}`);
  return permissions.sort();
}

/**
 * The permissions statements grant, in the same form; `nameOf` names a resource of interest (a table, an index, a key,
 * a topic), and resources it does not name (log groups, queues, the table key, `*`) are left out. A condition other
 * than a `dynamodb:LeadingKeys` prefix is returned as `?` so that it cannot pass unnoticed.
 */
export function grantedPermissions(
  statements: Statement[],
  nameOf: (resource: unknown) => string | undefined,
): string[] {
  const permissions: string[] = [];
  for (const statement of statements) {
    if (statement.Effect !== undefined && statement.Effect !== 'Allow') continue;
    const condition = statement.Condition;
    const leading = (condition?.['ForAllValues:StringLike'] as Json | undefined)?.['dynamodb:LeadingKeys'];
    const prefixes = leading === undefined ? [] : ([] as string[]).concat(leading as string | string[]);
    const suffix =
      condition === undefined
        ? ''
        : Object.keys(condition).length === 1 && prefixes.length === 1 && prefixes[0]?.endsWith('*')
          ? ` (${prefixes[0]})`
          : ' (?)';
    for (const resource of resourcesOf(statement)) {
      const name = nameOf(resource);
      if (name === undefined) continue;
      for (const action of actionsOf(statement)) permissions.push(`${action} ${name}${suffix}`);
    }
  }
  return permissions.sort();
}
