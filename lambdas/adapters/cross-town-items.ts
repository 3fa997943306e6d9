import type { CaseRecord } from '../domain/case.js';
import { type CrossTownRef, crossTownRefSchema } from '../domain/cross-town.js';
import { keys } from './table-model.js';

/**
 * What repeats across a deployment's towns write. The deployment index lives on the petitioners' blind-index items
 * (GSI4, beside the town's GSI5 key): no item more per case, so a reception's or a patrol's transaction holds as many
 * registrations as before, and erasing the blind-index items erases both indexes. A new case leaves a mark on the
 * newest earlier case of another town.
 */

/** What a registration writes for the deployment index, beside the town's own. */
export interface CrossTownWrites {
  /**
   * The keyed hash of the category and the ID number (`crossTownMacInput`), never the number itself, at the place of
   * each of the town index's identifiers; none at a phone's.
   */
  blindIndexes: readonly (string | undefined)[];
  /** The earlier cases of other towns found by them, oldest first. */
  earlier: readonly CrossTownRef[];
  /** The registering town's names, for the mark and for whoever finds this case later. */
  names: Pick<CrossTownRef, 'townName' | 'townNameEn'>;
}

/** The case as another town's case records it. */
const refOf = (record: CaseRecord, names: CrossTownWrites['names']): CrossTownRef => ({
  town: record.town,
  caseId: record.id,
  number: record.number,
  registeredAt: record.createdAt,
  ...(names.townName ? { townName: names.townName } : {}),
  ...(names.townNameEn ? { townNameEn: names.townNameEn } : {}),
});

/** What the blind-index item at place `n` adds for the deployment index: its key, and the case it names. */
export function crossTownIndexAttributes(record: CaseRecord, writes: CrossTownWrites | undefined, n: number) {
  const blind = writes?.blindIndexes[n];
  if (!writes || !blind) return {};
  return {
    gsi4pk: keys.byPersonInDeployment(blind),
    gsi4sk: keys.caseSortKey(record.createdAt, record.id),
    ...refOf(record, writes.names),
  };
}

/**
 * The mark, for the case's own transaction: the newest earlier case of another town records that this later case
 * exists, conditioned on it still being there. Only the newest: each earlier one was marked by the one after it, so
 * every case learns of the next elsewhere, and a registration adds one write at most (a reception's six fit in 100).
 */
export function crossTownMarks(table: string, record: CaseRecord, writes: CrossTownWrites | undefined) {
  const newest = writes?.earlier.at(-1);
  if (!writes || !newest) return [];
  return [
    {
      Update: {
        TableName: table,
        Key: keys.caseItem(newest.town, newest.caseId),
        UpdateExpression: MARK,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#later': 'laterElsewhere' },
        ExpressionAttributeValues: { ':none': [], ':later': [refOf(record, writes.names)] },
      },
    },
  ];
}

const MARK = 'SET #later = list_append(if_not_exists(#later, :none), :later)';

/**
 * One Update per earlier case in a transaction of several registrations (a patrol's findings, a reception's visits):
 * DynamoDB refuses a transaction that names an item twice, and two new cases of the same person may mark the same
 * earlier case. Their marks become one, in order; every other item is left as it is.
 */
export function mergeMarks(items: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const merged: Record<string, unknown>[] = [];
  const marks = new Map<string, { ':none': unknown[]; ':later': unknown[] }>();
  for (const item of items) {
    const update = item.Update as
      | {
          Key: unknown;
          UpdateExpression?: string;
          ExpressionAttributeValues: { ':none': unknown[]; ':later': unknown[] };
        }
      | undefined;
    if (update?.UpdateExpression !== MARK) {
      merged.push(item);
      continue;
    }
    const key = JSON.stringify(update.Key);
    const first = marks.get(key);
    if (first) {
      first[':later'] = [...first[':later'], ...update.ExpressionAttributeValues[':later']];
      continue;
    }
    const values = { ...update.ExpressionAttributeValues };
    marks.set(key, values);
    merged.push({ ...item, Update: { ...update, ExpressionAttributeValues: values } });
  }
  return merged;
}

/** A deployment blind-index item read back as the case it names; undefined for anything else. */
export function crossTownIndexRef(item: Record<string, unknown>): CrossTownRef | undefined {
  // the schema keeps only the ref's own fields: the keys and index attributes fall away
  const parsed = crossTownRefSchema.safeParse(item);
  return parsed.success ? parsed.data : undefined;
}
