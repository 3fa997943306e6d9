import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { CaseRecord } from '../domain/case.js';
import {
  type DecisionAlert,
  type DecisionRecord,
  decisionRecordSchema,
  type MeetingRecord,
  meetingRecordSchema,
} from '../domain/meeting.js';
import type { TimelineEvent } from '../domain/timeline.js';
import { timelineAppendItems } from './case-items.js';
import { queryAll, queryPages } from './query-all.js';
import { ALERT_SHARDS, CASES_INDEX, keys, shardOf } from './table-model.js';
import { type TransactItems, transactOrConflict } from './transact.js';

/** The events a change appends to one case, after the head the caller read. */
export interface CaseEvents {
  record: CaseRecord;
  events: readonly TimelineEvent[];
}

/** The index attributes of a decision, from the record alone: the alert index while a step waits, open ones by due. */
function decisionIndexAttributes(decision: DecisionRecord): Record<string, string> {
  const ref = `${decision.meetingId}#${decision.n}`;
  return {
    ...(decision.alert
      ? {
          gsi6pk: keys.alertShard(shardOf(ref, ALERT_SHARDS)),
          gsi6sk: keys.decisionAlertSortKey(decision.alert.at, decision.town, decision.meetingId, decision.n),
        }
      : {}),
    ...(decision.done ? {} : { gsi8pk: keys.openDecisions(decision.town), gsi8sk: `${decision.due}#${ref}` }),
  };
}

const decisionItem = (decision: DecisionRecord) => ({
  ...keys.decision(decision.town, decision.meetingId, decision.n),
  ...decisionIndexAttributes(decision),
  ...decision,
});

export const parseDecisionItem = (item: Record<string, unknown>): DecisionRecord =>
  decisionRecordSchema.parse(item);

/** Whether an item of the alert index is a decision's (a case's sort key is `CASE`). */
export const isDecisionItem = (item: Record<string, unknown>): boolean =>
  String(item.sk).startsWith(keys.decisionPrefix);

const meetingItem = (meeting: MeetingRecord) => ({
  ...keys.meeting(meeting.town, meeting.id),
  gsi1pk: keys.meetingsByDate(meeting.town),
  gsi1sk: `${meeting.date}#${meeting.id}`,
  ...meeting,
});

/**
 * Meetings and their decisions in the Cases table (their timeline events go onto cases in the same transactions):
 * one partition per meeting, GSI1 by date, GSI8 the open decisions by due instant, GSI6 their ladder steps.
 */
export class MeetingRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(meeting: MeetingRecord): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: meetingItem(meeting),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(town: string, id: string): Promise<MeetingRecord | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.meeting(town, id), ConsistentRead: true }),
    );
    return result.Item ? meetingRecordSchema.parse(result.Item) : undefined;
  }

  /** The meeting and its decisions, in order: one Query of its partition. */
  async withDecisions(
    town: string,
    id: string,
  ): Promise<{ meeting: MeetingRecord; decisions: DecisionRecord[] } | undefined> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.meeting(town, id).pk },
      ConsistentRead: true,
    });
    const meeting = items.find((item) => item.sk === keys.meetingSk);
    if (!meeting) return undefined;
    return {
      meeting: meetingRecordSchema.parse(meeting),
      decisions: items.filter(isDecisionItem).map(parseDecisionItem),
    };
  }

  /** The town's meetings held between two Beijing dates, inclusive, by date. */
  async list(town: string, from: string, to: string): Promise<MeetingRecord[]> {
    const items = await queryAll(this.db, this.byDate(town, from, to));
    return items.map((item) => meetingRecordSchema.parse(item));
  }

  private byDate(town: string, from: string, to: string): QueryCommandInput {
    const index = CASES_INDEX.meetingsByDate;
    return {
      TableName: this.table,
      IndexName: index.name,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
      // sort keys are `date#id`: '#~' sorts after every id of the last day
      ExpressionAttributeValues: { ':pk': keys.meetingsByDate(town), ':from': from, ':to': `${to}#~` },
    };
  }

  /** The head of each case moved to its last new event, conditioned on the head read, and the events themselves. */
  private caseEventWrites(cases: readonly CaseEvents[]): TransactItems {
    return cases.flatMap(({ record, events }) => timelineAppendItems(this.table, record, events));
  }

  /**
   * The minutes, once: the meeting (conditioned on having none and on its version), every decision, and the events on
   * the cases they are tied to, in one transaction. False when someone moved any of them first.
   */
  async recordMinutes(
    meeting: MeetingRecord,
    minutes: NonNullable<MeetingRecord['minutes']>,
    decisions: readonly DecisionRecord[],
    cases: readonly CaseEvents[],
  ): Promise<boolean> {
    return transactOrConflict(this.db, [
      {
        Update: {
          TableName: this.table,
          Key: keys.meeting(meeting.town, meeting.id),
          UpdateExpression: 'SET #minutes = :minutes, #version = :next',
          ConditionExpression: 'attribute_not_exists(#minutes) AND #version = :version',
          ExpressionAttributeNames: { '#minutes': 'minutes', '#version': 'version' },
          ExpressionAttributeValues: {
            ':minutes': minutes,
            ':version': meeting.version,
            ':next': meeting.version + 1,
          },
        },
      },
      ...decisions.map((decision) => ({
        Put: {
          TableName: this.table,
          Item: decisionItem(decision),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      })),
      ...this.caseEventWrites(cases),
    ]);
  }

  /** A decision done, once: it leaves the alert index and the open decisions; its case's event in the same transaction. */
  async markDone(
    decision: DecisionRecord,
    done: NonNullable<DecisionRecord['done']>,
    cases: readonly CaseEvents[],
  ): Promise<boolean> {
    return transactOrConflict(this.db, [
      {
        Update: {
          TableName: this.table,
          Key: keys.decision(decision.town, decision.meetingId, decision.n),
          UpdateExpression: 'SET #done = :done REMOVE #alert, gsi6pk, gsi6sk, gsi8pk, gsi8sk',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#done)',
          ExpressionAttributeNames: { '#done': 'done', '#alert': 'alert' },
          ExpressionAttributeValues: { ':done': done },
        },
      },
      ...this.caseEventWrites(cases),
    ]);
  }

  /**
   * Moves a decision's alert past the step that fired (none after the last), marks it missed when that step was the
   * deadline, with the step's notices in the same transaction; false when the alert moved or the decision was done.
   */
  async advanceAlert(
    decision: DecisionRecord,
    next: DecisionAlert | undefined,
    missedAt: string | undefined,
    alsoPut: TransactItems,
  ): Promise<boolean> {
    const read = decision.alert;
    if (!read) return false;
    const sets = [
      ...(next ? ['#alert = :next', 'gsi6sk = :sk'] : []),
      ...(missedAt ? ['#missedAt = :missedAt'] : []),
    ];
    const update = [
      ...(sets.length ? [`SET ${sets.join(', ')}`] : []),
      ...(next ? [] : ['REMOVE #alert, gsi6pk, gsi6sk']),
    ].join(' ');
    return transactOrConflict(this.db, [
      {
        Update: {
          TableName: this.table,
          Key: keys.decision(decision.town, decision.meetingId, decision.n),
          UpdateExpression: update,
          ConditionExpression: '#alert.#at = :at AND #alert.#step = :step AND attribute_not_exists(#done)',
          ExpressionAttributeNames: {
            '#alert': 'alert',
            '#at': 'at',
            '#step': 'step',
            '#done': 'done',
            ...(missedAt ? { '#missedAt': 'missedAt' } : {}),
          },
          ExpressionAttributeValues: {
            ':at': read.at,
            ':step': read.step,
            ...(next
              ? {
                  ':next': next,
                  ':sk': keys.decisionAlertSortKey(next.at, decision.town, decision.meetingId, decision.n),
                }
              : {}),
            ...(missedAt ? { ':missedAt': missedAt } : {}),
          },
        },
      },
      ...alsoPut,
    ]);
  }

  private openRange(town: string, before?: Date): QueryCommandInput {
    const index = CASES_INDEX.openDecisions;
    return {
      TableName: this.table,
      IndexName: index.name,
      KeyConditionExpression: before ? '#pk = :pk AND #sk < :before' : '#pk = :pk',
      ExpressionAttributeNames: { '#pk': index.partitionKey, ...(before ? { '#sk': index.sortKey } : {}) },
      ExpressionAttributeValues: {
        ':pk': keys.openDecisions(town),
        ...(before ? { ':before': before.toISOString() } : {}),
      },
    };
  }

  /** The town's open decisions, read from their sparse index (done ones have left it). */
  async openDecisions(town: string): Promise<DecisionRecord[]> {
    return (await queryAll(this.db, this.openRange(town))).map(parseDecisionItem);
  }

  /** Open decisions whose deadline passed before `before`, oldest first: at most `limit`, and how many there are. */
  async missedBefore(
    town: string,
    before: Date,
    limit: number,
  ): Promise<{ items: DecisionRecord[]; total: number; itemsRead: number }> {
    const range = this.openRange(town, before);
    const items: DecisionRecord[] = [];
    for await (const page of queryPages(this.db, { ...range, Limit: limit })) {
      items.push(...(page.Items ?? []).map(parseDecisionItem));
      if (items.length >= limit) break;
    }
    let total = 0;
    for await (const page of queryPages(this.db, { ...range, Select: 'COUNT' })) total += page.Count ?? 0;
    return { items: items.slice(0, limit), total, itemsRead: items.length + total };
  }
}
