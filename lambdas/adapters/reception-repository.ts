import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  type ReceptionRecord,
  type RosterDay,
  receptionRecordSchema,
  rosterDaySchema,
} from '../domain/reception.js';
import { queryAll } from './query-all.js';
import { keys } from './table-model.js';

/** The Beijing months (`2026-12`) a range of dates touches, in order. */
function monthsOf(from: string, to: string): string[] {
  const months: string[] = [];
  let [year, month] = from.slice(0, 7).split('-').map(Number) as [number, number];
  const last = to.slice(0, 7);
  for (;;) {
    const m = `${year}-${String(month).padStart(2, '0')}`;
    months.push(m);
    if (m >= last) return months;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
}

const strip = ({ pk: _pk, sk: _sk, ...rest }: Record<string, unknown>) => rest;

/**
 * The reception roster (Grids table, one item per day in a month's partition) and the reception records (Cases table,
 * written in the transaction of the cases they touch). A range reads one partition per month.
 */
export class ReceptionRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { cases: string; grids: string },
  ) {}

  async rosterDay(town: string, date: string): Promise<RosterDay | undefined> {
    const got = await this.db.send(
      new GetCommand({ TableName: this.tables.grids, Key: keys.rosterDay(town, date), ConsistentRead: true }),
    );
    return got.Item ? rosterDaySchema.parse(strip(got.Item)) : undefined;
  }

  /**
   * Replaces a day of the roster: on the version the caller read (`expected`), on no day yet (`0`), or whatever is
   * there (`undefined`). False when the day is not at the version expected.
   */
  async putRosterDay(day: RosterDay, expected: number | undefined): Promise<boolean> {
    const condition =
      expected === undefined
        ? {}
        : expected === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: '#version = :expected',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': expected },
            };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tables.grids,
          Item: { ...keys.rosterDay(day.town, day.date), ...day },
          ...condition,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** The roster's days from..to (inclusive) that have slots, in date order. */
  async roster(town: string, from: string, to: string): Promise<RosterDay[]> {
    const days: RosterDay[] = [];
    for (const month of monthsOf(from, to)) {
      const items = await queryAll(this.db, {
        TableName: this.tables.grids,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': keys.rosterMonth(town, month), ':from': from, ':to': to },
      });
      days.push(...items.map((item) => rosterDaySchema.parse(strip(item))));
    }
    return days.filter((day) => day.slots.length > 0);
  }

  /** The Put of a reception record, for the transaction of its visits; a second Put of the same id fails. */
  receptionPut(record: ReceptionRecord) {
    return {
      Put: {
        TableName: this.tables.cases,
        Item: { ...keys.reception(record.town, record.date, record.id), ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  async reception(town: string, date: string, id: string): Promise<ReceptionRecord | undefined> {
    const got = await this.db.send(
      new GetCommand({
        TableName: this.tables.cases,
        Key: keys.reception(town, date, id),
        ConsistentRead: true,
      }),
    );
    return got.Item ? receptionRecordSchema.parse(strip(got.Item)) : undefined;
  }

  /** The receptions of the dates from..to (inclusive), in date order; with `leaderId`, that leader's only. */
  async receptions(town: string, from: string, to: string, leaderId?: string): Promise<ReceptionRecord[]> {
    const records: ReceptionRecord[] = [];
    for (const month of monthsOf(from, to)) {
      const items = await queryAll(this.db, {
        TableName: this.tables.cases,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': keys.receptionMonth(town, month),
          ':from': from,
          // every id sorts before '~' (base64url)
          ':to': `${to}#~`,
          ...(leaderId ? { ':leader': leaderId } : {}),
        },
        ...(leaderId ? { FilterExpression: 'leaderId = :leader' } : {}),
      });
      records.push(...items.map((item) => receptionRecordSchema.parse(strip(item))));
    }
    return records;
  }
}
