import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KeyWrapper } from '../../lambdas/adapters/data-keys.js';
import type { EvidenceStore } from '../../lambdas/adapters/evidence-store.js';
import type {
  DataKeyAction,
  EvidenceAction,
  FunctionAccess,
  ScheduledFunction,
  TableAccess,
} from '../../lambdas/adapters/function-access.js';
import type { FunctionFamily } from '../../lambdas/adapters/function-families.js';
import type { Publisher } from '../../lambdas/adapters/publisher.js';
import {
  CASES_TABLE,
  GRIDS_TABLE,
  IDEMPOTENCY_TABLE,
  type TableModel,
  type TableNames,
} from '../../lambdas/adapters/table-model.js';
import type { Topic } from '../../lambdas/domain/notification.js';
import type { MacFunction } from '../../lambdas/domain/timeline.js';
import { ROUTES, type RouteKey, routeKey } from '../../lambdas/http/routes.js';
import {
  DATA_KEY,
  EVIDENCE_BUCKET,
  EVIDENCE_OBJECTS,
  MAC_KEY,
  tablePermission,
  topicResource,
} from './iam.js';

/**
 * What each function's code does to the outside world, as IAM would authorise it: a middleware on the DynamoDB client
 * records every command (each item of a transaction, each table of a batch, as the action IAM checks for it), and
 * wrappers record keyed hashes, data-key calls and publishes. Calls are attributed to whichever function is running
 * (`as`); calls outside any (a test's own setup) are not recorded.
 */

export type Caller = FunctionFamily | ScheduledFunction;

interface Use {
  caller: Caller;
  /** `Cases`, or `Cases/index/GSI1`; `mac-key`, `data-key`, `topic/deadlines`. */
  resource: string;
  /** `dynamodb:GetItem`, `kms:GenerateMac`, `sns:Publish`. */
  action: string;
  /** The partition key of the item an item action touches. */
  partitionKey?: string;
}

type Item = Record<string, unknown>;

const ROUTE_KEYS: ReadonlySet<string> = new Set(ROUTES.map(routeKey));
const isRouteKey = (key: string): key is RouteKey => ROUTE_KEYS.has(key);

const TRANSACT_WRITE_ACTIONS = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
} as const;

/** A key attribute's value, from a document (`'T#a'`) or from a marshalled item (`{S: 'T#a'}`). */
const scalar = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof value === 'object' && value !== null && typeof (value as Item).S === 'string'
      ? ((value as Item).S as string)
      : undefined;

export class AccessRecorder {
  readonly uses: Use[] = [];
  /** The route keys each function served. */
  readonly routes = new Set<RouteKey>();
  private readonly running = new AsyncLocalStorage<Caller>();
  private failingPublishes = false;

  /** Runs `work` as `caller`: whatever it sends is recorded for that function. */
  as<T>(caller: Caller, work: () => T): T {
    return this.running.run(caller, work);
  }

  /** A handler that records its route and runs as its family. */
  serve<E extends { routeKey: string }, C, R>(
    family: FunctionFamily,
    handler: (event: E, context: C) => Promise<R>,
  ): (event: E, context: C) => Promise<R> {
    return (event, context) => {
      if (isRouteKey(event.routeKey)) this.routes.add(event.routeKey);
      return this.as(family, () => handler(event, context));
    };
  }

  private record(use: Omit<Use, 'caller'>): void {
    const caller = this.running.getStore();
    if (caller) this.uses.push({ caller, ...use });
  }

  /** Records every command the client sends, whichever document or low-level client sends it. */
  attach(client: DynamoDBClient, names: TableNames): void {
    const logical = new Map<string, TableModel>([
      [names.cases, CASES_TABLE],
      [names.grids, GRIDS_TABLE],
      [names.idempotency, IDEMPOTENCY_TABLE],
    ]);
    const item = (action: string, tableName: unknown, keyOrItem: unknown) => {
      const model = logical.get(String(tableName));
      const table = model?.logicalName ?? `unknown table ${String(tableName)}`;
      const partitionKey = model ? scalar((keyOrItem as Item | undefined)?.[model.partitionKey]) : undefined;
      this.record({
        resource: table,
        action: `dynamodb:${action}`,
        ...(partitionKey === undefined ? {} : { partitionKey }),
      });
    };
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as Item;
        const command = (context.commandName ?? 'unknown').replace(/Command$/, '');
        switch (command) {
          case 'Query':
          case 'Scan': {
            const table = logical.get(String(input.TableName))?.logicalName ?? String(input.TableName);
            this.record({
              resource: input.IndexName ? `${table}/index/${String(input.IndexName)}` : table,
              action: `dynamodb:${command}`,
            });
            break;
          }
          case 'GetItem':
          case 'DeleteItem':
          case 'UpdateItem':
            item(command, input.TableName, input.Key);
            break;
          case 'PutItem':
            item(command, input.TableName, input.Item);
            break;
          case 'TransactWriteItems':
            for (const entry of (input.TransactItems ?? []) as Item[])
              for (const [kind, action] of Object.entries(TRANSACT_WRITE_ACTIONS)) {
                const inner = entry[kind] as Item | undefined;
                if (inner) item(action, inner.TableName, inner.Key ?? inner.Item);
              }
            break;
          case 'TransactGetItems':
            for (const entry of (input.TransactItems ?? []) as Item[]) {
              const inner = entry.Get as Item;
              item('GetItem', inner.TableName, inner.Key);
            }
            break;
          case 'BatchGetItem':
          case 'BatchWriteItem':
            for (const tableName of Object.keys((input.RequestItems ?? {}) as Item))
              item(command, tableName, undefined);
            break;
          default:
            this.record({ resource: String(input.TableName ?? '?'), action: `dynamodb:${command}` });
        }
        return next(args);
      },
      { step: 'initialize', name: 'accessRecorder' },
    );
  }

  /** Keyed hashes, recorded as KMS would see them (GenerateMac on the MAC key). */
  mac(inner: MacFunction): MacFunction {
    return (data) => {
      this.record({ resource: MAC_KEY, action: 'kms:GenerateMac' });
      return inner(data);
    };
  }

  /** Data keys, recorded as KMS would see them (GenerateDataKey, Decrypt on the data key). */
  dataKeys(inner: KeyWrapper): KeyWrapper {
    const use = (action: DataKeyAction) => this.record({ resource: DATA_KEY, action: `kms:${action}` });
    return {
      generate: (context) => {
        use('GenerateDataKey');
        return inner.generate(context);
      },
      unwrap: (wrapped, context) => {
        use('Decrypt');
        return inner.unwrap(wrapped, context);
      },
    };
  }

  /**
   * The evidence bucket, recorded as S3 would authorise each call in the cloud, where the bucket keeps versions (the
   * loopback server keeps none): a presigned PUT with its pending tag, a download of the checked version, the check's
   * read, the untagging of that version, and deletion of every version, which lists them first.
   */
  evidence(inner: EvidenceStore): EvidenceStore {
    const use = (...actions: EvidenceAction[]) => {
      for (const action of actions)
        this.record({
          resource: action === 'ListBucketVersions' ? EVIDENCE_BUCKET : EVIDENCE_OBJECTS,
          action: `s3:${action}`,
        });
    };
    const deleting = ['ListBucketVersions', 'DeleteObject', 'DeleteObjectVersion'] as const;
    return {
      presignUpload: (request) => {
        use('PutObject', 'PutObjectTagging');
        return inner.presignUpload(request);
      },
      presignDownload: (key, seconds, versionId) => {
        use('GetObject', 'GetObjectVersion');
        return inner.presignDownload(key, seconds, versionId);
      },
      inspect: (key) => {
        use('GetObject');
        return inner.inspect(key);
      },
      markStored: (key, versionId) => {
        use('PutObjectTagging', 'PutObjectVersionTagging');
        return inner.markStored(key, versionId);
      },
      delete: (key) => {
        use(...deleting);
        return inner.delete(key);
      },
      deleteAll: (prefix) => {
        use(...deleting);
        return inner.deleteAll(prefix);
      },
    };
  }

  /** SNS as a publisher: each message recorded as a publish to its topic; failing all of them while `failing`. */
  publisher(): Publisher {
    return {
      publish: async (message) => {
        this.record({ resource: topicResource(message.topic satisfies Topic), action: 'sns:Publish' });
        if (this.failingPublishes) throw new Error('SNS is unavailable');
      },
    };
  }

  /** While `work` runs, every publish fails (the messages stay in the outbox). */
  async publishesFailing<T>(work: () => Promise<T>): Promise<T> {
    this.failingPublishes = true;
    try {
      return await work();
    } finally {
      this.failingPublishes = false;
    }
  }

  /**
   * The permission each recorded use of `caller` needs, in the form of `declaredPermissions`: an item action on an item
   * whose partition key begins with a declared confinement's prefix needs that confined grant.
   */
  permissionsUsed(caller: Caller, access: FunctionAccess): string[] {
    const used = new Set<string>();
    for (const use of this.uses.filter((u) => u.caller === caller)) {
      const action = use.action.replace(/^dynamodb:/, '');
      const confined = (
        access.tables[use.resource as keyof FunctionAccess['tables']] as TableAccess | undefined
      )?.confined;
      if (
        use.action.startsWith('dynamodb:') &&
        confined?.actions.includes(action as never) &&
        use.partitionKey?.startsWith(confined.prefix)
      )
        used.add(tablePermission(action, use.resource, undefined, confined.prefix));
      else if (use.action.startsWith('dynamodb:') && !use.resource.includes('/index/'))
        used.add(tablePermission(action, use.resource));
      else used.add(`${use.action} ${use.resource}`);
    }
    return [...used].sort();
  }

  /** The partition keys `caller` wrote with `action` on `table`. */
  partitionKeys(caller: Caller, table: string, action: string): string[] {
    return this.uses
      .filter((u) => u.caller === caller && u.resource === table && u.action === `dynamodb:${action}`)
      .map((u) => u.partitionKey ?? '(none)');
  }
}
