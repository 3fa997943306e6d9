/**
 * The one table model: every table, key, index and key format, read by the CDK stack, the local host and the
 * repositories alike. Every key begins with the town, so several towns can share one deployment.
 */

export interface IndexModel {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

export interface TableModel {
  readonly logicalName: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly indexes: readonly IndexModel[];
  readonly ttlAttribute?: string;
}

/** Generic index names (GSI1..n): what each serves is named in the access patterns below. */
const gsi = (n: number): IndexModel => ({ name: `GSI${n}`, partitionKey: `gsi${n}pk`, sortKey: `gsi${n}sk` });

/** Each index once, in order of first use, from a table's access patterns (two patterns may share one index). */
const distinct = (patterns: Readonly<Record<string, IndexModel>>): IndexModel[] =>
  Object.values(patterns).filter(
    (index, at, all) => all.findIndex((other) => other.name === index.name) === at,
  );

/**
 * The Cases table's access patterns by index. A case item carries no relation or blind index of its own, so GSI4 and
 * GSI5 each serve a second pattern on case items.
 */
export const CASES_INDEX = {
  /** All cases of a town. */
  allCases: gsi(1),
  byStatus: gsi(2),
  byGridPath: gsi(3),
  /** Relation items (assignee, owner, team member) of a user. */
  related: gsi(4),
  /** On case items: the town's backlog ledger (积案). */
  backlogCases: gsi(4),
  /** On the petitioners' blind-index items too: the same person on the same matter in any town of the deployment. */
  byPersonInDeployment: gsi(4),
  /** Blind-index items of petitioners. */
  byPetitioner: gsi(5),
  /** On case items: the town's key cases (重点信访矛盾). */
  keyCases: gsi(5),
  /** The alert steps due (sweeps). */
  alertsDue: gsi(6),
  /** Closed cases that still hold personal data, by closing time (retention). */
  closedCases: gsi(7),
  /** Open cases by the deadline staff must meet next (overdue and at-risk lists). */
  openByDue: gsi(8),
  /** On meeting items: a town's meetings by date. */
  meetingsByDate: gsi(1),
  /** On decision items: a town's open decisions by due instant (counts, missed decisions). */
  openDecisions: gsi(8),
} as const;

/** Cases: the case item (`CASE`), its timeline events (`EV#000001`...) and, in their own partitions, counters. */
export const CASES_TABLE: TableModel = {
  logicalName: 'Cases',
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: distinct(CASES_INDEX),
  ttlAttribute: 'expiresAt',
};

/** The Grids table's access patterns, all on its one index. */
export const GRIDS_INDEX = {
  /** A user's grid assignments. */
  userGrids: gsi(1),
  /** A grid's patrols by date. */
  gridPatrols: gsi(1),
  /** The town's helpers by kind. */
  helpersOfKind: gsi(1),
} as const;

export const GRIDS_TABLE: TableModel = {
  logicalName: 'Grids',
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: distinct(GRIDS_INDEX),
};

/** Powertools idempotency records: key `id`, expiry in `expiration` (epoch seconds, TTL). */
export const IDEMPOTENCY_TABLE: TableModel = {
  logicalName: 'Idempotency',
  partitionKey: 'id',
  indexes: [],
  ttlAttribute: 'expiration',
};

export const ALL_TABLES = [CASES_TABLE, GRIDS_TABLE, IDEMPOTENCY_TABLE] as const;

export interface TableNames {
  cases: string;
  grids: string;
  idempotency: string;
}

/** Alert steps and outbox messages are spread over this many partitions, so no sweep reads a hot one. */
export const ALERT_SHARDS = 16;
export const OUTBOX_SHARDS = 4;
/** Counter items per town, day and grid: writes spread over this many, reads sum them. */
export const COUNTER_SHARDS = 4;

/** A stable shard for an id (FNV-1a), so an item always lands in the same partition. */
export function shardOf(id: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return hash % shards;
}

/** Key formats: the access patterns of the service, each in one place. */
export const keys = {
  caseItem: (town: string, caseId: string) => ({ pk: `T#${town}#C#${caseId}`, sk: 'CASE' }),
  timelineEvent: (town: string, caseId: string, seq: number) => ({
    pk: `T#${town}#C#${caseId}`,
    sk: `EV#${String(seq).padStart(6, '0')}`,
  }),
  timelinePrefix: 'EV#',
  /** Case numbers: one counter item per town, prefix and Beijing day; gaps are allowed. */
  numberCounter: (town: string, prefix: string, day: string) => ({
    pk: `T#${town}#NUM#${prefix}#${day}`,
    sk: 'COUNTER',
  }),
  /** Index sort key of every case listing: newest first when read backwards. */
  caseSortKey: (createdAt: string, caseId: string) => `${createdAt}#${caseId}`,
  /** GSI1: all of a town's cases. */
  allCases: (town: string) => `T#${town}#CASES`,
  /** GSI2: a town's cases by status. */
  byStatus: (town: string, status: string) => `T#${town}#S#${status}`,
  /** GSI3: a town's cases by grid path (`/root/child/`); `begins_with` on a path includes descendant grids. */
  byGridPath: (town: string) => `T#${town}#GRIDPATH`,
  gridPathSortKey: (gridPath: string, createdAt: string, caseId: string) =>
    `${gridPath}${createdAt}#${caseId}`,
  caseSk: 'CASE',
  /** GSI6: the next unfired ladder step of every open case, by shard, sorted by when it is due (sparse). */
  alertShard: (shard: number) => `ALERT#${shard}`,
  alertSortKey: (at: string, town: string, caseId: string) => `${at}#${town}#${caseId}`,
  /** Notifications: a user's inbox, newest last. */
  inbox: (town: string, userId: string) => `T#${town}#INBOX#${userId}`,
  inboxItem: (town: string, userId: string, notificationId: string) => ({
    pk: `T#${town}#INBOX#${userId}`,
    sk: `N#${notificationId}`,
  }),
  inboxItemPrefix: 'N#',
  /** A query code's lookup item, keyed by its keyed hash: tracking needs no town. */
  queryCode: (hash: string) => ({ pk: `QC#${hash}`, sk: 'QC' }),
  /** Uses of one subject (a source address's query-code misses, an Open311 key's filings) in one minute. */
  perMinute: (subject: string, minute: string) => ({ pk: `RATE#${subject}`, sk: minute }),
  /** Counters of a town's Beijing day: one partition, an item per grid and shard. */
  counterDay: (town: string, day: string) => `T#${town}#CNT#${day}`,
  counterItem: (town: string, day: string, gridId: string, shard: number) => ({
    pk: `T#${town}#CNT#${day}`,
    sk: `${gridId}#${shard}`,
  }),
  /** Messages waiting to be published to the topics (the outbox), by shard. */
  outbox: (shard: number) => `OUTBOX#${shard}`,
  /** What the local host "published" (no SNS runs locally), for tests and for a look. */
  localPublished: 'LOCAL#PUBLISHED',
  /** GSI4: relation items (assignee, owner, team member) of a user, one per case they are related to. */
  related: (town: string, userId: string) => `T#${town}#R#${userId}`,
  relationItem: (town: string, caseId: string, userId: string) => ({
    pk: `T#${town}#C#${caseId}`,
    sk: `REL#${userId}`,
  }),
  /** GSI4, on case items: the town's cases carried from before the system (积案), sparse. */
  backlogCases: (town: string) => `T#${town}#BACKLOG`,
  /** GSI5, on case items: the town's key cases (重点信访矛盾), sparse. */
  keyCases: (town: string) => `T#${town}#KEY`,
  /** A repeat linked to a case by a request with an Idempotency-Key: the marker a retried link finds. */
  linkedRepeat: (town: string, caseId: string, ref: string) => ({
    pk: `T#${town}#C#${caseId}`,
    sk: `LINK#${ref}`,
  }),
  petitionerIndexPrefix: 'PI#',
  /**
   * GSI4, on a petitioner's blind-index item beside its GSI5 key: the cases of one person (ID number) on one matter in
   * every town of the deployment (a keyed hash of the category and the ID number, under a label of its own), for
   * repeats across towns. The one partition that does not begin with a town.
   */
  byPersonInDeployment: (blindIndex: string) => `DEPLOYMENT#P#${blindIndex}`,
  /** GSI5: earlier cases of the same petitioner (keyed blind index of ID number or phone) in one category. */
  byPetitioner: (town: string, category: string, blindIndex: string) =>
    `T#${town}#P#${category}#${blindIndex}`,
  grid: (town: string, gridId: string) => ({ pk: `T#${town}#GRIDS`, sk: `GRID#${gridId}` }),
  gridsPk: (town: string) => `T#${town}#GRIDS`,
  gridPrefix: 'GRID#',
  /** A grid-worker assignment, beside the tree; GSI1 finds a user's grids. */
  gridWorker: (town: string, gridId: string, userId: string) => ({
    pk: `T#${town}#GRIDS`,
    sk: `WORKER#${gridId}#${userId}`,
  }),
  gridWorkerPrefix: (gridId: string) => `WORKER#${gridId}#`,
  userGrids: (town: string, userId: string) => `T#${town}#U#${userId}`,
  staffPk: (town: string) => `T#${town}#STAFF`,
  staff: (town: string, userId: string) => ({ pk: `T#${town}#STAFF`, sk: `STAFF#${userId}` }),
  /** The helpers who are not staff (三官一律, counsellors, veterans, volunteers, mediators): one partition per town. */
  helpersPk: (town: string) => `T#${town}#HELPERS`,
  helper: (town: string, helperId: string) => ({ pk: `T#${town}#HELPERS`, sk: `HELPER#${helperId}` }),
  helperPrefix: 'HELPER#',
  /** GSI1: a town's helpers of one kind; the sort key is the id, which begins with its creation time. */
  helpersOfKind: (town: string, kind: string) => `T#${town}#HELPERKIND#${kind}`,
  /** Patrols by Beijing day (which grids were patrolled is one Query); GSI1 has them by grid and date. */
  patrolDay: (town: string, date: string) => `T#${town}#PATROLS#${date}`,
  patrol: (town: string, date: string, gridId: string, patrolId: string) => ({
    pk: `T#${town}#PATROLS#${date}`,
    sk: `${gridId}#${patrolId}`,
  }),
  gridPatrols: (town: string, gridId: string) => `T#${town}#PATROL#${gridId}`,
  /** A town's settings (Grids table): deadline policy and stored calendars. */
  settingsPk: (town: string) => `T#${town}#SETTINGS`,
  policy: (town: string) => ({ pk: `T#${town}#SETTINGS`, sk: 'POLICY' }),
  calendar: (town: string, year: number) => ({ pk: `T#${town}#SETTINGS`, sk: `CALENDAR#${year}` }),
  calendarPrefix: 'CALENDAR#',
  /** The town's recomputation of open cases' deadlines after a calendar or policy was stored: one job, its cursor. */
  recomputeJob: (town: string) => ({ pk: `T#${town}#SETTINGS`, sk: 'RECOMPUTE' }),
  /** Blind-index items of a case's petitioners (at most five representatives), one per identifier. */
  petitionerIndexItem: (town: string, caseId: string, n: number) => ({
    pk: `T#${town}#C#${caseId}`,
    sk: `PI#${n}`,
  }),
  /** The reveal log of personal data, a town's partition per Beijing month (`2026-11`), in time order. */
  revealMonth: (town: string, month: string) => `T#${town}#REVEALS#${month}`,
  reveal: (town: string, month: string, at: string, caseId: string, nonce: string) => ({
    pk: `T#${town}#REVEALS#${month}`,
    sk: `${at}#${caseId}#${nonce}`,
  }),
  /** GSI8: a town's open cases by their next staff deadline (sparse: only cases with one). */
  openByDue: (town: string) => `T#${town}#DUE`,
  /** GSI7: closed cases that still hold personal data; the sort key is `closedAt#id`. */
  closedCases: (town: string) => `T#${town}#CLOSED`,
  /** Stored bulletins: a town's partition, one item per kind and period (`weekly#2026-W48`). */
  report: (town: string, kind: string, period: string) => ({
    pk: `T#${town}#REPORTS`,
    sk: `${kind}#${period}`,
  }),
  /** Requests filed through Open311: a town's partition per Beijing month (`2026-11`), sorted by `createdAt#id`. */
  open311Month: (town: string, month: string) => `T#${town}#O311#${month}`,
  open311Request: (town: string, month: string, createdAt: string, caseId: string) => ({
    pk: `T#${town}#O311#${month}`,
    sk: `${createdAt}#${caseId}`,
  }),
  /** An Open311 `api_key`'s lookup item, keyed by its keyed hash: the key names its town. */
  open311Key: (hash: string) => ({ pk: `O311KEY#${hash}`, sk: 'KEY' }),
  /** A town's Open311 keys as its admin sees them (no key, only its id, name and history), one item per key. */
  open311KeyListing: (town: string, keyId: string) => ({ pk: `T#${town}#O311KEYS`, sk: keyId }),
  /** The towns that serve Open311 (an admin issued them a key): the `jurisdiction_id`s. */
  open311Jurisdictions: 'O311#JURISDICTIONS',
  open311Jurisdiction: (town: string) => ({ pk: 'O311#JURISDICTIONS', sk: town }),
  /** A case's attachments (evidence on S3), in the case's partition; TTL removes a pending one never completed. */
  attachment: (town: string, caseId: string, attachmentId: string) => ({
    pk: `T#${town}#C#${caseId}`,
    sk: `ATT#${attachmentId}`,
  }),
  attachmentPrefix: 'ATT#',
  /** The case's attachment lock: every new attachment moves its `seq`, so two cannot both take the last place. */
  attachmentLock: (town: string, caseId: string) => ({ pk: `T#${town}#C#${caseId}`, sk: 'ATTLOCK' }),
  /** The leaders' reception roster (Grids table): a town's partition per Beijing month, one item per day. */
  rosterMonth: (town: string, month: string) => `T#${town}#ROSTER#${month}`,
  rosterDay: (town: string, date: string) => ({ pk: `T#${town}#ROSTER#${date.slice(0, 7)}`, sk: date }),
  /** Reception records (Cases table, beside the cases they touch): a partition per Beijing month, `date#id`. */
  receptionMonth: (town: string, month: string) => `T#${town}#RCP#${month}`,
  reception: (town: string, date: string, id: string) => ({
    pk: `T#${town}#RCP#${date.slice(0, 7)}`,
    sk: `${date}#${id}`,
  }),
  /** A joint meeting or consultation (the `MEETING` item) and its decisions (`DEC#01`...), in one partition. */
  meeting: (town: string, meetingId: string) => ({ pk: `T#${town}#MEET#${meetingId}`, sk: 'MEETING' }),
  meetingSk: 'MEETING',
  decision: (town: string, meetingId: string, n: number) => ({
    pk: `T#${town}#MEET#${meetingId}`,
    sk: `DEC#${String(n).padStart(2, '0')}`,
  }),
  decisionPrefix: 'DEC#',
  /** GSI1, on meeting items: a town's meetings; the sort key is `date#id`. */
  meetingsByDate: (town: string) => `T#${town}#MEETINGS`,
  /** GSI8, on decision items: a town's open decisions; the sort key is `due#meetingId#n` (sparse: done ones leave). */
  openDecisions: (town: string) => `T#${town}#DECISIONS`,
  /** GSI6, on decision items: beside the cases' steps, a decision's next step, `at#town#meetingId#n`. */
  decisionAlertSortKey: (at: string, town: string, meetingId: string, n: number) =>
    `${at}#${town}#${meetingId}#${n}`,
} as const;

export const tableNamesFor = (prefix: string): TableNames => ({
  cases: `${prefix}-Cases`,
  grids: `${prefix}-Grids`,
  idempotency: `${prefix}-Idempotency`,
});
