import type { Topic } from '../domain/notification.js';
import type { FunctionFamily } from './function-families.js';

/**
 * What each function may do to the outside world, by the access patterns its code uses: per table (the logical names
 * of the table model), the item actions on the table and the Query on each index by name; the topics it publishes
 * to; whether it makes keyed hashes with the MAC key; what it does with the data key. The stack grants exactly this
 * and nothing more, and a test walks every route comparing what each function sends with what is declared here.
 *
 * DynamoDB authorises each item of a transaction as its own action (a Put inside TransactWriteItems needs PutItem),
 * and a batch as the batch action (BatchGetItem), so those are the actions listed.
 */

export type TableAction =
  | 'GetItem'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'ConditionCheckItem'
  | 'BatchGetItem'
  | 'BatchWriteItem'
  | 'Query';

/** An index is only ever read by Query (never Scan). */
export type IndexAction = 'Query';

export type TableName = 'Cases' | 'Grids' | 'Idempotency';

export type DataKeyAction = 'GenerateDataKey' | 'Decrypt';

export interface TableAccess {
  /** Item actions on any item of the table. */
  readonly actions?: readonly TableAction[];
  /**
   * Item actions only on items whose partition key begins with `prefix`: the grant carries the condition
   * `dynamodb:LeadingKeys`, so a function with nothing else to write can write nothing else.
   */
  readonly confined?: { readonly prefix: string; readonly actions: readonly TableAction[] };
  /** Query on these indexes, by name. */
  readonly indexes?: Readonly<Record<string, readonly IndexAction[]>>;
}

export interface FunctionAccess {
  readonly tables: Readonly<Partial<Record<TableName, TableAccess>>>;
  readonly publishes: readonly Topic[];
  /** Keyed hashes (timeline chain, blind index, query codes, Open311 keys) with the HMAC key. */
  readonly mac: boolean;
  /** Per-case data keys: made where personal data is sealed, unwrapped only where it is revealed. */
  readonly dataKey: readonly DataKeyAction[];
  /** What it does with the evidence bucket's objects (S3 actions; a presigned link acts with the signer's rights). */
  readonly evidence?: readonly EvidenceAction[];
}

/**
 * The evidence bucket's actions: on its objects, but `ListBucketVersions` (finding every version to delete), which is
 * on the bucket. Putting an object uses the bucket's key to encrypt it, getting one to decrypt it (through S3 only).
 */
export type EvidenceAction =
  | 'PutObject'
  | 'PutObjectTagging'
  | 'PutObjectVersionTagging'
  | 'GetObject'
  | 'GetObjectVersion'
  | 'DeleteObject'
  | 'DeleteObjectVersion'
  | 'ListBucketVersions';

const QUERY = ['Query'] as const;
const ALL_TOPICS = [
  'deadlines',
  'supervision',
  'bulletins',
  'milestones',
] as const satisfies readonly Topic[];

/** Powertools idempotency: the in-progress record (a conditional Put), the answer (Update), a failed run (Delete). */
const IDEMPOTENCY: TableAccess = { actions: ['PutItem', 'UpdateItem', 'DeleteItem'] };

/** Town settings (policy: Get; calendars: Query) and the staff a registration tells (Query). */
const SETTINGS_AND_STAFF: TableAccess = { actions: ['GetItem', 'Query'] };

/**
 * The API functions, one per family of the route table. `public` answers anyone: it reads a case by its query code and
 * writes only the per-minute counters of query-code misses (`RATE#…`); its routes are all GETs, which the idempotency
 * layer never records.
 */
export const FAMILY_ACCESS = {
  public: {
    tables: {
      Cases: { actions: ['GetItem', 'Query'], confined: { prefix: 'RATE#', actions: ['UpdateItem'] } },
    },
    publishes: [],
    mac: true,
    dataKey: [],
  },
  cases: {
    tables: {
      // GSI1 all cases and the number lookup, GSI2 by status, GSI3 by grid, GSI4 relations (batch-read behind them)
      // and earlier cases of other towns, GSI5 earlier cases of a petitioner; an assignee replaced deletes their
      // relation item
      Cases: {
        actions: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'BatchGetItem'],
        indexes: { GSI1: QUERY, GSI2: QUERY, GSI3: QUERY, GSI4: QUERY, GSI5: QUERY },
      },
      // a grid worker's scope (GSI1) within the tree; the helpers a leader puts on a team, by id (BatchGet)
      Grids: { actions: ['GetItem', 'Query', 'BatchGetItem'], indexes: { GSI1: QUERY } },
      Idempotency: IDEMPOTENCY,
    },
    publishes: [],
    mac: true,
    // a transfer to another town (转送) opens the sending case's data to seal it again under the receiving case's key
    dataKey: ['GenerateDataKey', 'Decrypt'],
  },
  grids: {
    tables: {
      // a patrol's findings are registered in the patrol's transaction (GSI5: earlier cases; GSI4: earlier cases of
      // other towns); a grid with cases (GSI3) does not move
      Cases: { actions: ['PutItem', 'UpdateItem'], indexes: { GSI3: QUERY, GSI4: QUERY, GSI5: QUERY } },
      // the tree, workers, staff, patrols and the helper directory (GSI1: a worker's grids, a grid's patrols,
      // helpers by kind)
      Grids: { actions: ['GetItem', 'PutItem', 'DeleteItem', 'Query'], indexes: { GSI1: QUERY } },
      Idempotency: IDEMPOTENCY,
    },
    publishes: [],
    mac: true,
    dataKey: ['GenerateDataKey'],
  },
  privacy: {
    tables: {
      // the reveal log (Put, Query); erasure: the case Updated, its event Put, its blind-index items Deleted
      Cases: { actions: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'] },
      // a grid worker's scope (GSI1) within the tree; a helper whose phone is revealed (Get)
      Grids: { actions: ['GetItem', 'Query'], indexes: { GSI1: QUERY } },
      Idempotency: IDEMPOTENCY,
    },
    publishes: [],
    mac: true,
    dataKey: ['Decrypt'],
    // erasure: every version of a case's files
    evidence: ['DeleteObject', 'DeleteObjectVersion', 'ListBucketVersions'],
  },
  me: {
    tables: {
      // the inbox, online petitions (GSI5: earlier cases; GSI4: of other towns), the citizen's cases by relation
      // (GSI4) and claiming
      Cases: {
        actions: ['GetItem', 'PutItem', 'UpdateItem', 'Query', 'BatchGetItem'],
        indexes: { GSI4: QUERY, GSI5: QUERY },
      },
      Grids: SETTINGS_AND_STAFF,
      Idempotency: IDEMPOTENCY,
    },
    publishes: [],
    mac: true,
    dataKey: ['GenerateDataKey'],
  },
  admin: {
    tables: {
      // Open311 keys: issued (Puts), listed (Query), revoked (Get, then Delete and Update); a stored calendar or policy
      // recomputes the open cases' deadlines (GSI2 by status; each changed case Put with its event)
      Cases: {
        actions: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'],
        indexes: { GSI2: QUERY },
      },
      // settings: the policy, the calendars and the recomputation job with its cursor
      Grids: { actions: ['GetItem', 'PutItem', 'Query'] },
      // no Idempotency: the one POST (issuing an Open311 key) never goes through the idempotency layer
    },
    publishes: [],
    mac: true,
    dataKey: [],
  },
  reports: {
    tables: {
      // stored bulletins (Get), counters (Query), leaders' cases by relation (GSI4), open cases and open meeting
      // decisions by deadline (GSI8), meetings held by date (GSI1)
      Cases: {
        actions: ['GetItem', 'Query', 'BatchGetItem'],
        indexes: { GSI1: QUERY, GSI4: QUERY, GSI8: QUERY },
      },
      Grids: SETTINGS_AND_STAFF,
    },
    publishes: [],
    mac: false,
    dataKey: [],
  },
  open311: {
    tables: {
      // keys and jurisdictions (Get, Query), filing (the per-minute limiter and the registration), requests by month
      // (Query) with their cases (BatchGet)
      Cases: {
        actions: ['GetItem', 'PutItem', 'UpdateItem', 'Query', 'BatchGetItem'],
        indexes: { GSI5: QUERY },
      },
      Grids: SETTINGS_AND_STAFF,
    },
    publishes: [],
    mac: true,
    dataKey: ['GenerateDataKey'],
  },
  meetings: {
    tables: {
      // a meeting and its decisions (Put, Get, Query of its partition), the town's meetings by date (GSI1); minutes and
      // a decision done: transactions of Updates and Puts with the cases' heads and timeline events; the cases on the
      // agenda (Get)
      Cases: { actions: ['GetItem', 'PutItem', 'UpdateItem', 'Query'], indexes: { GSI1: QUERY } },
      // the staff directory; a grid worker's scope (GSI1) within the tree, for the cases they name
      Grids: { actions: ['Query'], indexes: { GSI1: QUERY } },
      Idempotency: IDEMPOTENCY,
    },
    publishes: [],
    mac: true,
    dataKey: [],
  },
  reception: {
    tables: {
      // reception records (Put, Get, Query of a month); a visit's case: Get, its head Updated and its event Put, or a
      // new case registered in the same transaction (GSI5: earlier cases of the petitioner; GSI4: of other towns);
      // counters Updated
      Cases: {
        actions: ['GetItem', 'PutItem', 'UpdateItem', 'Query'],
        indexes: { GSI4: QUERY, GSI5: QUERY },
      },
      // the roster (Get, Put, Query of a month), the staff directory and the settings (Query, Get)
      Grids: { actions: ['GetItem', 'PutItem', 'Query'] },
      Idempotency: IDEMPOTENCY,
    },
    publishes: [],
    mac: true,
    dataKey: ['GenerateDataKey'],
  },
  attachments: {
    tables: {
      // the case (Get) and its attachment records with their lock (Query of the case's partition, Get); a new one:
      // the case checked, the lock Updated and the record Put in one transaction; stored: the record and the case's
      // head Updated, the event Put; a refused one Deleted; a download that may hold personal data: the reveal log (Put)
      Cases: { actions: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem', 'Query'] },
      // a grid worker's scope (GSI1) within the tree
      Grids: { actions: ['Query'], indexes: { GSI1: QUERY } },
      Idempotency: IDEMPOTENCY,
    },
    publishes: [],
    // the timeline chain, and an attachment id from an Idempotency-Key
    mac: true,
    dataKey: [],
    // presigned uploads (with their pending tag) and downloads of a version; the check reads the object, a stored one
    // loses its tag, a refused one is deleted with every version
    evidence: [
      'PutObject',
      'PutObjectTagging',
      'PutObjectVersionTagging',
      'GetObject',
      'GetObjectVersion',
      'DeleteObject',
      'DeleteObjectVersion',
      'ListBucketVersions',
    ],
  },
  city: {
    tables: {
      // the towns' counters, stored bulletins and settings as the reports read them (GSI1 meetings by date, GSI4
      // leaders' cases by relation, GSI8 open cases by deadline), a town's carried cases (GSI4) and a case (Get);
      // 督办 is the one write: the case Updated (its supervisions and head), its event and the notices Put
      Cases: {
        actions: ['GetItem', 'Query', 'BatchGetItem', 'UpdateItem', 'PutItem'],
        indexes: { GSI1: QUERY, GSI4: QUERY, GSI8: QUERY },
      },
      Grids: SETTINGS_AND_STAFF,
      Idempotency: IDEMPOTENCY,
    },
    publishes: [],
    // the timeline chain of a supervision
    mac: true,
    dataKey: [],
  },
} as const satisfies Record<FunctionFamily, FunctionAccess>;

export type ScheduledFunction = 'sweep' | 'townWork';

/**
 * The scheduled functions. Both publish the shared outbox, so whatever waits there may go to any domain topic.
 */
export const SCHEDULED_ACCESS = {
  sweep: {
    tables: {
      // due alerts (GSI6) and the outbox: Query; advancing an alert with its inbox and outbox items and counters: one
      // transaction of Updates and Puts; the outbox lease and its release: Update; a published message: Delete
      Cases: { actions: ['Query', 'UpdateItem', 'PutItem', 'DeleteItem'], indexes: { GSI6: QUERY } },
      // grid leaders, staff and the town's settings
      Grids: SETTINGS_AND_STAFF,
    },
    publishes: ALL_TOPICS,
    mac: false,
    dataKey: [],
  },
  townWork: {
    tables: {
      // counters and the outbox: Query; leaders' cases behind relation items (GSI4): BatchGet; open cases by deadline
      // (GSI8); a report with its bulletin and the supervision notices: transactions of conditional Puts; the outbox
      // lease: Update, a published message: Delete. Retention reads the closed cases (GSI7) and erases each in one
      // transaction (the case Updated, its event Put, its blind-index items Deleted). The nightly deadline upkeep
      // carries on an unfinished recomputation over the open cases by status (GSI2) and puts calendar notices
      Cases: {
        actions: ['Query', 'GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
        indexes: { GSI2: QUERY, GSI4: QUERY, GSI7: QUERY, GSI8: QUERY },
      },
      // settings and staff; the recomputation job's cursor is Put as it goes
      Grids: { actions: ['GetItem', 'PutItem', 'Query'] },
    },
    publishes: ALL_TOPICS,
    // retention chains an 'erase' event onto each case's timeline
    mac: true,
    dataKey: [],
    // retention deletes every version of a case's files with its personal data
    evidence: ['DeleteObject', 'DeleteObjectVersion', 'ListBucketVersions'],
  },
} as const satisfies Record<ScheduledFunction, FunctionAccess>;
