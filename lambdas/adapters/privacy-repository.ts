import { randomBytes } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { type CaseRecord, MAX_INDEXED_PETITIONERS } from '../domain/case.js';
import { beijingDate } from '../domain/deadlines.js';
import type { PersonalData, ProtectedPetitioner } from '../domain/personal.js';
import { type RevealEntry, revealEntrySchema } from '../domain/reveal.js';
import type { TimelineEvent } from '../domain/timeline.js';
import { decodeCursor, encodeCursor, positionIndex, startKeyOf } from './cursor.js';
import { queryAll } from './query-all.js';
import { CASES_INDEX, keys } from './table-model.js';
import { isConflict } from './transact.js';

/** What erasure writes over a case's personal data. */
interface ErasedData {
  petitioners: ProtectedPetitioner[];
  description?: string;
  personal: Extract<PersonalData, { state: 'erased' }>;
}

interface RevealPage {
  items: RevealEntry[];
  nextCursor?: string;
}

/** Where the next page starts: which month of the range, and where in it. */
interface RevealPosition {
  month: number;
  /** Where in that month; absent at its start. */
  key?: Record<string, unknown>;
}

/** The Beijing months (`2026-11`) from one date's to another's, both included. */
function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  for (
    const m = new Date(`${from.slice(0, 7)}-01T00:00:00Z`);
    m.toISOString().slice(0, 7) <= to.slice(0, 7);
    m.setUTCMonth(m.getUTCMonth() + 1)
  )
    months.push(m.toISOString().slice(0, 7));
  return months;
}

/** Beijing midnight at the start of a date, as the UTC instant the log's sort keys begin with. */
const startOfBeijingDay = (date: string): string => new Date(`${date}T00:00:00+08:00`).toISOString();
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The Cases table's privacy records: the reveal log (a town's partition per month, in time order), erasure of a
 * case's personal data with its timeline event, and the closed cases whose retention has run out.
 */
export class PrivacyRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async appendReveal(town: string, entry: RevealEntry): Promise<void> {
    const month = beijingDate(entry.at).slice(0, 7);
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.reveal(
            town,
            month,
            entry.at,
            'caseId' in entry ? entry.caseId : entry.helperId,
            randomBytes(6).toString('hex'),
          ),
          ...entry,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /** One page of the reveal log between two Beijing dates (both included), oldest first. */
  async reveals(town: string, from: string, to: string, limit: number, cursor?: string): Promise<RevealPage> {
    const months = monthsBetween(from, to);
    const start = startOfBeijingDay(from);
    const end = new Date(Date.parse(startOfBeijingDay(to)) + DAY_MS).toISOString();
    let position: RevealPosition | undefined = cursor
      ? decodeRevealCursor(cursor, { town, months, start, end })
      : { month: 0 };
    const items: RevealEntry[] = [];
    while (position && items.length < limit) {
      const month = months[position.month];
      if (!month) break;
      const result: QueryCommandOutput = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          // sort keys are `<at>#…`: one beginning with `end` sorts after it, so the day after `to` is left out
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :start AND :end',
          ExpressionAttributeValues: { ':pk': keys.revealMonth(town, month), ':start': start, ':end': end },
          Limit: limit - items.length,
          ...(position.key ? { ExclusiveStartKey: position.key } : {}),
        }),
      );
      items.push(...(result.Items ?? []).map((item) => revealEntrySchema.parse(item)));
      position = result.LastEvaluatedKey
        ? { month: position.month, key: result.LastEvaluatedKey }
        : position.month + 1 < months.length
          ? { month: position.month + 1 }
          : undefined;
    }
    return {
      items,
      ...(position ? { nextCursor: encodeCursor(position) } : {}),
    };
  }

  /**
   * Writes the erased forms over a case's personal data and appends the erase event, in one transaction conditioned on
   * the version and timeline head the caller read and on the data not being erased yet; the case's blind-index items
   * go too, and with them the deployment index they carry (GSI4). Like a note, it moves the head and keeps the version.
   * `undefined` when someone moved the case first.
   */
  async erase(record: CaseRecord, erased: ErasedData, event: TimelineEvent): Promise<CaseRecord | undefined> {
    const head = { seq: event.seq, hash: event.hash };
    const description = erased.description !== undefined;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: keys.caseItem(record.town, record.id),
                UpdateExpression: `SET #petitioners = :petitioners, #personal = :personal, #head = :head${
                  description ? ', #description = :description' : ''
                } REMOVE gsi7pk, gsi7sk`,
                ConditionExpression:
                  '#version = :version AND #head.#seq = :seq AND ' +
                  '(attribute_not_exists(#personal) OR #personal.#state = :sealed)',
                ExpressionAttributeNames: {
                  '#petitioners': 'petitioners',
                  '#personal': 'personal',
                  '#head': 'timelineHead',
                  '#version': 'version',
                  '#seq': 'seq',
                  '#state': 'state',
                  ...(description ? { '#description': 'description' } : {}),
                },
                ExpressionAttributeValues: {
                  ':petitioners': erased.petitioners,
                  ':personal': erased.personal,
                  ':head': head,
                  ':version': record.version,
                  ':seq': record.timelineHead.seq,
                  ':sealed': 'sealed',
                  ...(description ? { ':description': erased.description } : {}),
                },
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: { ...keys.timelineEvent(record.town, record.id, event.seq), ...event },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            ...Array.from({ length: MAX_INDEXED_PETITIONERS }, (_, n) => ({
              Delete: { TableName: this.table, Key: keys.petitionerIndexItem(record.town, record.id, n) },
            })),
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException && isConflict(error)) return undefined;
      throw error;
    }
    return { ...record, ...erased, timelineHead: head };
  }

  /** The ids of a town's closed cases that still hold personal data and were closed before `cutoff`. */
  async closedBefore(town: string, cutoff: Date): Promise<string[]> {
    const index = CASES_INDEX.closedCases;
    const items = await queryAll(this.db, {
      TableName: this.table,
      IndexName: index.name,
      // sort keys are `closedAt#id`: one closed exactly at the cutoff sorts after it
      KeyConditionExpression: '#pk = :pk AND #sk < :cutoff',
      ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey, '#id': 'id' },
      ExpressionAttributeValues: { ':pk': keys.closedCases(town), ':cutoff': cutoff.toISOString() },
      ProjectionExpression: '#id',
    });
    return items.map((item) => String(item.id));
  }
}

/**
 * A cursor is refused unless its month is one of the range and its key lies inside that month's Query: the town's
 * partition of that month, a sort key between the range's start and end.
 */
function decodeRevealCursor(
  cursor: string,
  range: { town: string; months: readonly string[]; start: string; end: string },
): RevealPosition {
  const { month, key } = decodeCursor(cursor, ['month', 'key']);
  const at = positionIndex(month, range.months.length);
  if (key === undefined) return { month: at };
  const startKey = startKeyOf(key, {
    pk: { equals: keys.revealMonth(range.town, range.months[at]!) },
    sk: { from: range.start, below: range.end },
  });
  return { month: at, key: startKey };
}
