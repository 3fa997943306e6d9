import * as z from 'zod/mini';
import { FUNCTION_FAMILIES } from '../adapters/function-families.js';
import { ATTACHMENT_POLICY, maxMiB } from '../domain/attachment.js';
import { calendarSchema } from '../domain/calendar.js';
import { DEFAULT_CATEGORY_CODES } from '../domain/catalog.js';
import { commandBodySchemas } from '../domain/command-bodies.js';
import { RULE_CODES } from '../domain/errors.js';
import { COMMAND_NAMES, COMMANDS, type CommandName } from '../domain/lifecycle.js';
import { MAX_DECISIONS, MAX_MEETING_RANGE_DAYS } from '../domain/meeting.js';
import { DEFAULT_POLICY } from '../domain/policy.js';
import { revealEntrySchema } from '../domain/reveal.js';
import { timelineEventSchema } from '../domain/timeline.js';
import { yearlyReportSchema } from '../domain/yearly.js';
import {
  settingsBody,
  settingsViewSchema,
  storedCalendarSchema,
  storedPolicySchema,
} from '../http/admin-schemas.js';
import {
  attachmentListSchema,
  attachmentViewSchema,
  downloadQuery,
  downloadResponseSchema,
  startUploadBody,
  uploadResponseSchema,
} from '../http/attachment-schemas.js';
import {
  cityBulletinResponseSchema,
  cityCaseListSchema,
  cityCaseSchema,
  cityCasesQuery,
  cityMetricsQuery,
  cityMetricsResponseSchema,
  superviseBody,
  supervisedSchema,
} from '../http/city-schemas.js';
import { noteBody, timelineQuery } from '../http/command-schemas.js';
import {
  createGridBody,
  gridViewSchema,
  MAX_FINDINGS,
  patchGridBody,
  patrolBody,
  patrolRange,
  patrolViewSchema,
  staffBody,
  staffViewSchema,
} from '../http/grid-schemas.js';
import {
  createHelperBody,
  helperViewSchema,
  listHelpersQuery,
  patchHelperBody,
  revealedHelperSchema,
  revealHelperBody,
} from '../http/helper-schemas.js';
import {
  citizenCaseSchema,
  citizenCasesQuery,
  claimBody,
  inboxQuery,
  notificationSchema,
  trackingSchema,
} from '../http/me-schemas.js';
import { agreementViewSchema, sessionBody } from '../http/mediation-schemas.js';
import {
  createMeetingBody,
  doneBody,
  meetingListSchema,
  meetingRange,
  meetingViewSchema,
  minutesBody,
} from '../http/meeting-schemas.js';
import {
  auditRangeQuery,
  eraseBody,
  MAX_AUDIT_DAYS,
  revealBody,
  revealResponseSchema,
} from '../http/privacy-schemas.js';
import { PROBLEM_KINDS, problemTypeUri } from '../http/problem.js';
import {
  MAX_HEADCOUNT,
  MAX_RECEPTION_DAYS,
  MAX_SLOTS,
  MAX_VISITS,
  publicRosterEntrySchema,
  publicRosterQuery,
  receptionBody,
  receptionCreatedSchema,
  receptionsQuery,
  receptionViewSchema,
  rosterBody,
  rosterDayViewSchema,
  rosterEntrySchema,
  rosterQuery,
} from '../http/reception-schemas.js';
import {
  MAX_METRICS_DAYS,
  metricsQuery,
  metricsResponseSchema,
  REPORT_RESPONSE_SCHEMAS,
} from '../http/report-schemas.js';
import { ROUTES, type Route, type RouteKey, routeKey } from '../http/routes.js';
import { caseViewSchema, listCasesQuery, onlinePetitionBody, registerCaseBody } from '../http/schemas.js';
import { FORMATS, type Format, type Open311ErrorItem } from '../open311/format.js';
import { issuedKeySchema, keyListingSchema, open311KeyBody } from '../open311/keys.js';
import { FILINGS_PER_KEY_PER_MINUTE } from '../open311/limits.js';
import { MAX_REQUESTS, requestsQuery, type requestView, WINDOW_DAYS } from '../open311/requests.js';
import {
  CONSENT_ATTRIBUTE,
  type discovery,
  type serviceDefinition,
  type serviceList,
} from '../open311/services.js';

const timelineSchema = z.object({
  valid: z.optional(z.boolean()),
  brokenAt: z.optional(z.number().check(z.int())),
  items: z.array(timelineEventSchema),
});

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the handlers parse with and from the route table,
 * so it cannot describe a route or a field the service does not have.
 */

/** Response headers an answer sets (components.headers). */
type AnswerHeader = 'ETag' | 'Location' | 'Content-Location' | 'Cache-Control';

interface Answer {
  status: number;
  schema: z.ZodMiniType;
  description: string;
  headers?: readonly AnswerHeader[];
}

/** The HTTP statuses of Open311's errors a route answers itself (429 of the gateway and 503 always apply). */
type Open311Refusal = 400 | 403 | 404 | 429;

interface Operation {
  summary: string;
  roles: string;
  /** What the operation's description says beside who may call it. */
  more?: string;
  /** The handler requires `If-Match` (428 without it, 412 when stale). */
  ifMatch?: true;
  /** The handler takes an `If-Match` when one is sent (412 when stale), and writes unconditionally without. */
  optionalIfMatch?: true;
  /** `false` for a POST the idempotency layer does not handle (an `Idempotency-Key` is refused). */
  idempotent?: false;
  /** A rule may refuse it (409) although it is no idempotent POST. */
  conflicts?: true;
  /** What the 409 says, when more than the general sentence can be said. */
  conflict?: string;
  /** Any signed-in caller may call it: no role is checked (no 403). */
  anyCaller?: true;
  body?: z.ZodMiniType;
  /** Open311's form-encoded body. */
  form?: z.ZodMiniObject;
  query?: z.ZodMiniObject;
  response?: Answer;
  /** Other answers with a JSON body, beside `response`. */
  also?: readonly Answer[];
  /** The answer of an operation without a body (204); 200 when neither it nor `response` is given. */
  answer?: { status: number; description: string };
  /** Open311's own errors, by status, in the specification's shape. */
  refusals?: Partial<Record<Open311Refusal, string>>;
}

const catalogEntry = z.object({ code: z.string(), zh: z.string(), en: z.string() });
const catalogSchema = z.record(z.string(), z.array(catalogEntry)).check(z.meta({ id: 'Catalog' }));
const townNameSchema = z
  .object({
    id: z.string().check(z.meta({ description: 'The town’s id, as `toTown` and the tokens name it' })),
    name: z.string().check(
      z.meta({
        description:
          'The name its admin gave it (townName); unset: 本镇 for the caller’s own town, else the id',
      }),
    ),
    nameEn: z
      .optional(z.string())
      .check(z.meta({ description: 'Its English name (townNameEn), when there is one' })),
  })
  .check(z.meta({ id: 'TownName' }));
const townsSchema = z
  .object({ town: townNameSchema, towns: z.array(townNameSchema) })
  .check(z.meta({ id: 'Towns' }));
const listOf = (item: z.ZodMiniType) =>
  z.object({ items: z.array(item), nextCursor: z.optional(z.string()) });

/**
 * The one route of the table the document expands: `POST /v1/cases/{id}/{command}` becomes one operation per
 * command, its path naming the command, so that each has its own body, roles and answers.
 */
const COMMAND_ROUTE = 'POST /v1/cases/{id}/{command}' satisfies RouteKey;

const COMMAND_SUMMARIES: Record<CommandName, string> = {
  accept: 'Accept a registered case (受理): its track, and the handler when one is named; sets `replyBy`',
  decline:
    'Decline a registered case (不予受理), saying why and, when there is one, the route to take instead',
  transfer:
    'Transfer a registered case to the unit whose matter it is (转送): `toUnit`, a body outside the deployment, which the case records, or `toTown`, another town of the deployment, where the matter is registered as a case of that town (its number, deadlines and data key that town’s; `transferredFrom` there, `transferredTo` here), the receiving town’s clerks and petition office told, all in one transaction; exactly one of the two',
  return: 'Return a referred matter that is not the town’s to the level that sent it (退回)',
  triage: 'Set the track of a registered or accepted case (分流)',
  assign: 'Assign the accepted case to a handler (交办)',
  own: 'A leader takes the case in charge (包案): the team, helpers who are not staff, and the plan',
  escalate: 'Record that the case was taken up at town or county level',
  extend: `Extend the reply deadline, once, by at most ${DEFAULT_POLICY.maxExtensionDays} days under the default policy; refused for first-time petitions there`,
  classify:
    'Correct the first-time or repeat label: `repeatOf` names the earlier case, `null` makes it first-time',
  'mark-key': 'Mark the case a key case (重点信访矛盾)',
  'unmark-key': 'Take the key-case mark off the case',
  reply:
    'Reply with the outcome and the written opinion (答复); the review window runs from `deliveredAt`, by default now',
  rate: 'Record the petitioner’s rating of the latest answer (满意度), once per answer',
  'request-review':
    'Ask for a review of the answer within its window: a review (复查), then a re-review (复核)',
  'record-review': 'Record the answer of the review asked for: its outcome and written opinion',
  close:
    'Close a replied or reviewed case once no further review can be asked: the window passed, the second review was answered, or the petitioner was satisfied',
  withdraw: 'The petitioner withdraws the matter (撤回)',
  mediate:
    'Put an accepted matter to people’s mediation (人民调解): the committee (village or town), its mediators (staff user ids or active helper ids) and the parties among the case’s petitioners and respondent; the time limit is one month',
  'extend-mediation':
    'Extend the mediation’s time limit by some days, with both parties’ consent, before it has passed',
  agree:
    'Record the mediation agreement (调解协议), written (Art 29, effective once signed) or oral (Art 28, effective when agreed): it gets its number, the 30 days for judicial confirmation (Art 33) and a callback due when it must be performed',
  'mediation-failed':
    'Record that mediation failed, with the legal route the parties were told of (Art 26): litigation, arbitration or an administrative route',
  callback:
    'Record the callback on the agreement’s performance (回访): performed, partly or not performed, and then whether performance was urged or the parties told they may sue',
  'hand-off':
    'Hand the matter to legal aid, labour arbitration or the court’s litigation service (五位一体), with the unit and the date it is due back',
  'hand-off-result': 'Record what a hand-off sent back: whether the line took the matter up, and its result',
};

const ACTOR_LABELS: Record<string, string> = {
  assignee: 'the assignee',
  owner: 'the leader in charge',
  petitioner_on_case: 'the case’s petitioner',
  mediator: 'the case’s mediators',
};

/** Each command's body, named in `components.schemas` (`AcceptCommand`, `MarkKeyCommand`). */
const commandBodies = commandBodySchemas(DEFAULT_POLICY, new Date(0));
const COMMAND_BODIES = new Map<CommandName, z.ZodMiniType>(
  COMMAND_NAMES.map((name) => {
    const title = name.replace(/(^|-)(\w)/g, (_, _dash: string, letter: string) => letter.toUpperCase());
    const body: z.ZodMiniType = commandBodies[name];
    return [name, body.check(z.meta({ id: `${title}Command` }))];
  }),
);

const anyOf = new Intl.ListFormat('en', { type: 'disjunction' });
/** What a command answers when the case's petitioner may give it: their view when they did. */
const staffOrCitizenCase = z.union([caseViewSchema, citizenCaseSchema]);

function commandOperation(name: CommandName): Operation {
  const rule: { from: readonly string[]; to?: string; actors: readonly string[] } = COMMANDS[name];
  const byPetitioner = rule.actors.includes('petitioner_on_case');
  const from = anyOf.format(rule.from);
  return {
    ifMatch: true,
    summary: COMMAND_SUMMARIES[name],
    roles: rule.actors.map((actor) => ACTOR_LABELS[actor] ?? actor).join(', '),
    more:
      `Given on a case that is ${from}; ${rule.to ? `it becomes ${rule.to}` : 'its status stays'}. ` +
      'Needs `If-Match`.',
    conflict:
      `The case is not ${from} (\`wrong-status\`), a rule forbids it, or the ` +
      '`Idempotency-Key` was used otherwise',
    body: COMMAND_BODIES.get(name)!,
    response: {
      status: 200,
      schema: byPetitioner ? staffOrCitizenCase : caseViewSchema,
      headers: ['ETag'],
      description: byPetitioner
        ? 'The case after the command, as its petitioner sees it when they gave it; `ETag` set'
        : 'The case after the command; `ETag` set',
    },
  };
}

/**
 * Open311's bodies, one schema for both formats: the JSON form, with `xml` names giving the XML elements the
 * specification's examples use (`<service_requests><request>`), as `lambdas/open311/format.ts` writes them.
 */
const xmlList = <T extends z.ZodMiniType>(list: string, item: string, schema: T) =>
  z
    .array(schema.check(z.meta({ xml: { name: item } })))
    .check(z.meta({ xml: { name: list, wrapped: true } }));
const xmlName = <T extends z.ZodMiniType>(name: string, schema: T) => schema.check(z.meta({ xml: { name } }));

const open311ErrorsSchema = xmlList(
  'errors',
  'error',
  z.object({
    code: z
      .number()
      .check(
        z.int(),
        z.describe(
          'The HTTP status, or one more specific: 413 for a body too large, 415 for one not form-encoded',
        ),
      ),
    description: z.string(),
  }),
).check(z.meta({ id: 'Open311Errors' })) satisfies z.ZodMiniType<readonly Open311ErrorItem[]>;

const discoverySchema = xmlName(
  'discovery',
  z.object({
    changeset: z.string(),
    contact: z.string(),
    key_service: z.string(),
    endpoints: xmlList(
      'endpoints',
      'endpoint',
      z.object({
        specification: z.string(),
        url: z.string(),
        changeset: z.string(),
        type: z.string(),
        formats: xmlList('formats', 'format', z.string()),
      }),
    ),
  }),
).check(z.meta({ id: 'Open311Discovery' })) satisfies z.ZodMiniType<ReturnType<typeof discovery>>;

const servicesSchema = xmlList(
  'services',
  'service',
  z.object({
    service_code: z.string(),
    service_name: z.string(),
    description: z.string(),
    metadata: z.boolean(),
    type: z.string(),
    keywords: z.string(),
    group: z.string(),
  }),
).check(z.meta({ id: 'Open311Services' })) satisfies z.ZodMiniType<ReturnType<typeof serviceList>>;

const serviceDefinitionSchema = xmlName(
  'service_definition',
  z.object({
    service_code: z.string(),
    attributes: xmlList(
      'attributes',
      'attribute',
      z.object({
        variable: z.boolean(),
        code: z.string(),
        datatype: z.string(),
        required: z.boolean(),
        datatype_description: z.string(),
        order: z.number().check(z.int()),
        description: z.string(),
        values: xmlList('values', 'value', z.object({ key: z.string(), name: z.string() })),
      }),
    ),
  }),
).check(z.meta({ id: 'Open311ServiceDefinition' })) satisfies z.ZodMiniType<
  ReturnType<typeof serviceDefinition>
>;

const serviceRequestsSchema = xmlList(
  'service_requests',
  'request',
  z.object({
    service_request_id: z.string(),
    status: z.enum(['open', 'closed']),
    status_notes: z
      .string()
      .check(z.describe('The town’s status, and the outcome of its latest answer, in Chinese and English')),
    service_name: z.string(),
    service_code: z.string(),
    description: z.nullable(z.string()).check(z.describe('Only when the petitioner agreed to publish it')),
    agency_responsible: z.null(),
    service_notice: z.null(),
    requested_datetime: z.string(),
    updated_datetime: z.string(),
    expected_datetime: z
      .nullable(z.string())
      .check(z.describe('The deadline the town must meet next, while it has one')),
    address: z.null(),
    address_id: z.null(),
    zipcode: z.null(),
    lat: z.nullable(z.number()).check(z.describe('Rounded to three decimals')),
    long: z.nullable(z.number()).check(z.describe('Rounded to three decimals')),
    media_url: z.null(),
  }),
).check(z.meta({ id: 'Open311ServiceRequests' })) satisfies z.ZodMiniType<ReturnType<typeof requestView>[]>;

const createdSchema = xmlList(
  'service_requests',
  'request',
  z.object({ service_request_id: z.string(), service_notice: z.string(), account_id: z.null() }),
).check(z.meta({ id: 'Open311CreatedRequest' }));

const tokenSchema = xmlList(
  'service_requests',
  'request',
  z.object({ service_request_id: z.string(), token: z.string() }),
).check(z.meta({ id: 'Open311RequestOfToken' }));

const kept = (what: string) => z.optional(z.string()).check(z.describe(`${what}; accepted and not kept`));

/** What a client posts, form-encoded; other fields are ignored. */
const open311Form = z.object({
  api_key: z
    .string()
    .check(
      z.describe(
        'The app’s key, issued by the town’s admin (read from the query string when the form has none)',
      ),
    ),
  jurisdiction_id: z.optional(z.string()).check(z.describe('The town; the key’s own town when absent')),
  service_code: z.string().check(z.describe('One of the public services')),
  lat: z.optional(z.number()).check(z.describe('With `long`; or send `address_string`')),
  long: z.optional(z.number()).check(z.describe('With `lat`')),
  address_string: z.optional(z.string()),
  address_id: z
    .optional(z.string())
    .check(z.describe('Not supported: send `lat` and `long`, or `address_string`')),
  email: kept('The petitioner’s email'),
  device_id: kept('The device'),
  account_id: kept('The app’s account'),
  first_name: z.optional(z.string()),
  last_name: z
    .optional(z.string())
    .check(z.describe('Without first and last name the petitioner is 匿名 (anonymous)')),
  phone: z.optional(z.string()),
  description: z.optional(z.string()).check(z.describe('Its first line, shortened, becomes the case title')),
  media_url: kept('A photo'),
  [`attribute[${CONSENT_ATTRIBUTE}]`]: z
    .optional(z.enum(['true', 'false']))
    .check(z.describe('`true` publishes the description on the public request; private otherwise')),
});

const JURISDICTION_REFUSALS = {
  400: 'No `jurisdiction_id` while several towns are served',
  404: 'The `jurisdiction_id` is not served here',
} as const;
const jurisdictionOnly = z.pick(requestsQuery, { jurisdiction_id: true });

const open311 = (summary: string, more: Partial<Operation> = {}): Operation => ({
  summary: `Open311 GeoReport v2: ${summary}`,
  roles: 'anyone',
  more: 'Errors are the specification’s list of `{code, description}`, in the format the path names (XML when it names none).',
  query: jurisdictionOnly,
  refusals: JURISDICTION_REFUSALS,
  ...more,
});
const open311Discovery = (format: string) =>
  open311(`service discovery: where the endpoint is, its formats and changeset, in ${format}`, {
    query: z.object({}),
    refusals: {},
    response: { status: 200, schema: discoverySchema, description: 'The discovery document' },
  });
const open311Services = (format: string) =>
  open311(`the public services (categories), in ${format}`, {
    response: { status: 200, schema: servicesSchema, description: 'The services' },
  });
const open311Post = (format: string) =>
  open311(`file a request, form-encoded; the answer in ${format}`, {
    roles: `client apps with an \`api_key\`, issued by the town’s admin; each key files at most ${FILINGS_PER_KEY_PER_MINUTE} a minute`,
    form: open311Form,
    // the handler reads both from the query string when the form has none
    query: z.extend(jurisdictionOnly, {
      api_key: z.optional(z.string()).check(z.describe('The app’s key, when the form has none')),
    }),
    response: {
      status: 201,
      schema: createdSchema,
      headers: ['Location'],
      description:
        'The new request’s id and a dated notice of when the town says whether it takes it up; `Location` set',
    },
    refusals: {
      400: 'A field is missing or wrong (each error names it); code 413 for a body over 64 KB, 415 for one not form-encoded',
      403: 'No `api_key`, an unknown or revoked one, or one not valid for the `jurisdiction_id` asked',
      404: 'The `service_code` or the `jurisdiction_id` is not served here',
      429: `The key filed ${FILINGS_PER_KEY_PER_MINUTE} requests this minute`,
    },
  });
const open311List = (format: string) =>
  open311(
    `requests filed through Open311, newest first, in ${format}: at most ${MAX_REQUESTS}, over at most ` +
      `${WINDOW_DAYS} days (the latest ${WINDOW_DAYS} by default)`,
    {
      query: requestsQuery,
      response: { status: 200, schema: serviceRequestsSchema, description: 'The requests' },
      refusals: {
        ...JURISDICTION_REFUSALS,
        400: 'No `jurisdiction_id` while several towns are served, a malformed filter, or a range over its limit',
      },
    },
  );

const OPERATIONS: Record<Exclude<RouteKey, typeof COMMAND_ROUTE>, Operation> = {
  'GET /v1/health': {
    summary: 'Health: one read of the Cases table; a 503 problem when it does not answer within a second',
    roles: 'anyone',
    response: {
      status: 200,
      schema: z.object({ status: z.literal('ok') }),
      description: 'The service is up and its table answers',
    },
  },
  'GET /v1/openapi.json': { summary: 'This document', roles: 'anyone' },
  'GET /v1/catalog': {
    anyCaller: true,
    summary:
      'Codes and labels of categories, channels, kinds, types, tracks, statuses, outcomes, service lines, ratings, ' +
      'helper kinds',
    roles: 'any signed-in user',
    response: { status: 200, schema: catalogSchema, description: 'The catalogue' },
  },
  'POST /v1/cases': {
    summary:
      'Register a case. Art 19: when the petitioner’s newest earlier case of the category is still open, the answer ' +
      'is 409 `repeat-of-open-case` (with `openCase: {id, number, status}` when the caller may see it), unless ' +
      '`repeatOfOpenCase` links the matter to that case (200, no new case: a `repeat-received` event on its timeline) ' +
      'or gives the reason for a second case. `backlog` enters a case carried from before the system (积案; ' +
      'supervisor only; `receivedAt` is the day it first came, no `lateEntryReason` needed)',
    roles: 'clerk, grid_worker, leader, supervisor; `backlog` supervisor',
    body: registerCaseBody({ now: new Date(0), policy: DEFAULT_POLICY, categories: DEFAULT_CATEGORY_CODES }),
    response: {
      status: 201,
      schema: z.extend(z.object(caseViewSchema.shape), { queryCode: z.string() }),
      headers: ['Location', 'ETag'],
      description: 'The registered case, with its query code shown this once; `Location` and `ETag` set',
    },
    also: [
      {
        status: 200,
        schema: z.extend(z.object(caseViewSchema.shape), {
          linked: z.object({ seq: z.number().check(z.int()), at: z.string() }),
        }),
        headers: ['Content-Location', 'ETag'],
        description:
          'The matter was linked to the open case it repeats: that case, and `linked`, the timeline event that ' +
          'records it; `Content-Location` and `ETag` set',
      },
    ],
  },
  'GET /v1/cases': {
    summary: 'List cases visible to the caller, newest first',
    roles: 'staff',
    query: listCasesQuery,
    response: { status: 200, schema: listOf(caseViewSchema), description: 'One page' },
  },
  'GET /v1/towns': {
    summary:
      'The caller’s town and the deployment’s towns, each by the names of its town profile, to show and to transfer ' +
      'a case to (`toTown`)',
    roles: 'staff',
    response: { status: 200, schema: townsSchema, description: 'The towns' },
  },
  'GET /v1/cases/{id}': {
    summary: 'One case',
    roles: 'staff who may see it',
    response: {
      status: 200,
      schema: caseViewSchema,
      headers: ['ETag'],
      description: 'The case; `ETag` carries its version',
    },
  },
  'GET /v1/cases/{id}/timeline': {
    summary: 'The append-only timeline; `?verify=true` recomputes the keyed hash chain',
    roles: 'staff who may see the case',
    query: timelineQuery,
    response: {
      status: 200,
      schema: timelineSchema,
      description: '`{items}`, with `valid` and `brokenAt` when verifying',
    },
  },
  'POST /v1/cases/{id}/notes': {
    summary: 'Append a progress note (the version does not change)',
    roles: 'staff who may see the case',
    body: noteBody,
    response: { status: 201, schema: timelineEventSchema, description: 'The appended event' },
  },
  'POST /v1/cases/{id}/mediation/sessions': {
    summary:
      'Record a mediation session (调解笔录): when and where, who was present, what was said and agreed; kept on the timeline, the version does not change',
    roles: 'the case’s mediators, clerks',
    conflicts: true,
    conflict: 'The case has no mediation under way (`not-mediating`)',
    body: sessionBody(new Date(0)),
    response: { status: 201, schema: timelineEventSchema, description: 'The appended event' },
  },
  'GET /v1/cases/{id}/agreement': {
    summary:
      'The case’s mediation agreement (调解协议): its number, terms, performance, the last day for judicial confirmation ' +
      '(Art 33) and the callback, the parties masked. `Accept: text/html` gives the printable zh-CN A4 page for the ' +
      'parties to sign, naming them in clear: only to the case’s mediators and the clerks, logged like a reveal, ' +
      '`Cache-Control: no-store`',
    roles: 'staff who may see the case; the page: the case’s mediators, clerks',
    response: {
      status: 200,
      schema: agreementViewSchema,
      description: 'The agreement; 404 when the case has none',
    },
  },
  'POST /v1/cases/{id}/attachments': {
    summary:
      `Declare a file (a letter, a photo, an agreement, a reply) to upload straight to S3: JPEG, PNG or PDF, at most ` +
      `${maxMiB} MiB, at most ${ATTACHMENT_POLICY.maxPerCase} files a case. The answer's \`uploadUrl\` is valid ` +
      `${ATTACHMENT_POLICY.uploadSeconds / 60} minutes: PUT the bytes to it with exactly \`uploadHeaders\` (each is ` +
      'signed, so the store refuses another length, type or checksum), then call `complete`. An upload not completed ' +
      `is forgotten after ${ATTACHMENT_POLICY.pendingHours} hours`,
    roles: 'staff who may see the case; the petitioner, on a petition they filed online',
    conflict: 'The case holds as many files as it may (`attachment-limit`), or its personal data is erased',
    body: startUploadBody,
    response: {
      status: 201,
      schema: uploadResponseSchema,
      description:
        'The attachment id, the presigned PUT and the headers to send with it; `Cache-Control: no-store`',
    },
  },
  'GET /v1/cases/{id}/attachments': {
    summary:
      'The case’s attachments, oldest first (uploads not completed in time left out); never their bytes',
    roles: 'staff who may see the case; the petitioner, on a petition they filed online',
    response: { status: 200, schema: attachmentListSchema, description: '`{items}`' },
  },
  'POST /v1/cases/{id}/attachments/{attachmentId}/complete': {
    summary:
      'Check the uploaded file against its declaration (size, SHA-256, and its first bytes against the type: JPEG ' +
      '`FF D8 FF`, PNG `89 50 4E 47 0D 0A 1A 0A`, PDF `%PDF-`) and chain an `attachment-stored` event with its ' +
      'SHA-256 onto the timeline; a file that differs is deleted with its record. Completing a stored file again ' +
      'answers it as it is',
    roles: 'staff who may see the case; the petitioner, on a petition they filed online',
    conflict:
      'The file is not there yet, or is not the one declared (`upload-mismatch`, with what differs: it was deleted)',
    response: {
      status: 200,
      schema: attachmentViewSchema,
      description: 'The attachment, `status: "stored"`',
    },
  },
  'GET /v1/cases/{id}/attachments/{attachmentId}': {
    summary:
      `A presigned GET of a stored file, valid ${ATTACHMENT_POLICY.downloadSeconds / 60} minutes. A letter, an ` +
      'agreement, a reply or another file may hold personal data: it needs `purpose`, and the download is written to ' +
      'the reveal log (who, when, why) before the link is given; a photo needs none. Never shown to Open311 or ' +
      'public tracking',
    roles: 'staff who may see the case; the petitioner, on a petition they filed online',
    conflicts: true,
    conflict: 'The file was never stored, or its case’s personal data is erased',
    query: downloadQuery,
    response: {
      status: 200,
      schema: downloadResponseSchema,
      description: 'The link and when it stops working; `Cache-Control: no-store`',
    },
  },
  'POST /v1/cases/{id}/reveal': {
    idempotent: false,
    summary:
      'The clear personal data of a case (all fields unless `fields` says which), logged with its purpose; ' +
      'no `Idempotency-Key`',
    roles:
      'clerk, supervisor, the assignee; on an accusation only those of them who are clerk, supervisor or leader',
    body: revealBody,
    response: {
      status: 200,
      schema: revealResponseSchema,
      description: 'The clear values; `Cache-Control: no-store`',
    },
  },
  'POST /v1/cases/{id}/erase': {
    ifMatch: true,
    summary:
      'Erase the personal data of a case no longer being handled (fields read `[erased]`); needs `If-Match`; ' +
      'the version stays, the timeline records it',
    roles: 'admin',
    body: eraseBody,
    response: {
      status: 200,
      schema: caseViewSchema,
      headers: ['ETag'],
      description: 'The case after erasure; `ETag` set',
    },
  },
  'GET /v1/audit/reveals': {
    summary: `The reveal log between two Beijing dates (both included, at most ${MAX_AUDIT_DAYS} days), oldest first`,
    roles: 'supervisor',
    query: auditRangeQuery,
    response: { status: 200, schema: listOf(revealEntrySchema), description: 'One page' },
  },
  'POST /v1/grids': {
    summary:
      'Create a grid: comprehensive, village (under a comprehensive grid) or unit (under a village grid)',
    roles: 'admin',
    body: createGridBody,
    response: {
      status: 201,
      schema: gridViewSchema,
      headers: ['Location'],
      description: 'The grid; `Location` set',
    },
  },
  'GET /v1/grids': {
    summary: 'The town’s grid tree (flat list with parentId)',
    roles: 'staff',
    response: { status: 200, schema: listOf(gridViewSchema), description: 'Every grid of the town' },
  },
  'GET /v1/grids/{id}': {
    summary: 'One grid with its workers',
    roles: 'staff',
    response: {
      status: 200,
      schema: z.extend(z.object(gridViewSchema.shape), { workers: z.array(z.string()) }),
      description: 'The grid',
    },
  },
  'PATCH /v1/grids/{id}': {
    conflicts: true,
    summary: 'Edit a grid; moving one (new parentId) whose subtree has cases is 409 grid-has-cases',
    roles: 'admin',
    body: patchGridBody,
    response: { status: 200, schema: gridViewSchema, description: 'The grid' },
  },
  'PUT /v1/grids/{id}/workers/{userId}': {
    summary: 'Assign a grid worker',
    roles: 'admin',
    response: {
      status: 200,
      schema: z.object({ gridId: z.string(), userId: z.string() }),
      description: 'The assignment',
    },
  },
  'DELETE /v1/grids/{id}/workers/{userId}': {
    summary: 'Remove a grid worker (404 when they are not one)',
    roles: 'admin',
    answer: { status: 204, description: 'Removed' },
  },
  'POST /v1/grids/{id}/patrols': {
    summary: `Log a patrol; each finding (at most ${MAX_FINDINGS}) becomes a case with channel patrol in this grid`,
    roles: 'the grid’s workers (assigned to it or to a grid above it)',
    body: patrolBody({ now: new Date(0), policy: DEFAULT_POLICY, categories: DEFAULT_CATEGORY_CODES }),
    response: {
      status: 201,
      schema: z.object({ patrol: patrolViewSchema, cases: z.array(caseViewSchema) }),
      headers: ['Location'],
      description: 'The patrol and its cases',
    },
  },
  'GET /v1/grids/{id}/patrols': {
    summary: 'A grid’s patrols between two Beijing dates, inclusive',
    roles: 'staff',
    query: patrolRange,
    response: { status: 200, schema: listOf(patrolViewSchema), description: 'The patrols' },
  },
  'GET /v1/staff': {
    summary: 'The staff directory',
    roles: 'staff',
    response: {
      status: 200,
      schema: listOf(staffViewSchema),
      description: 'Staff',
    },
  },
  'PUT /v1/staff/{userId}': {
    summary: 'Create or replace a staff entry',
    roles: 'admin',
    body: staffBody,
    response: {
      status: 200,
      schema: staffViewSchema,
      description: 'The entry',
    },
  },
  'POST /v1/helpers': {
    summary:
      'Add a helper who is not staff (三官一律, counsellor, veteran cadre or party member, volunteer, village ' +
      'mediation committee member) to the town’s directory; the phone is kept sealed and shown masked',
    roles: 'admin, supervisor',
    body: createHelperBody,
    response: {
      status: 201,
      schema: helperViewSchema,
      headers: ['Location', 'ETag'],
      description: 'The helper, active; `Location` and `ETag` set',
    },
  },
  'GET /v1/helpers': {
    summary: 'The town’s helper directory, newest first, optionally of one kind',
    roles: 'staff',
    query: listHelpersQuery,
    response: { status: 200, schema: listOf(helperViewSchema), description: 'One page' },
  },
  'GET /v1/helpers/{id}': {
    summary: 'One helper, the phone masked',
    roles: 'staff',
    response: {
      status: 200,
      schema: helperViewSchema,
      headers: ['ETag'],
      description: 'The helper; `ETag` carries its version',
    },
  },
  'PATCH /v1/helpers/{id}': {
    ifMatch: true,
    summary:
      'Change a helper (unit, grid, phone, kind, name) or deactivate them (`active: false`: they stay on the cases ' +
      'they were on and join no new team); `null` removes the grid or the phone; needs `If-Match`',
    roles: 'admin, supervisor',
    body: patchHelperBody,
    response: {
      status: 200,
      schema: helperViewSchema,
      headers: ['ETag'],
      description: 'The helper; `ETag` set',
    },
  },
  'POST /v1/helpers/{id}/reveal': {
    idempotent: false,
    summary: 'A helper’s phone in the clear, logged with its purpose in the reveal log; no `Idempotency-Key`',
    roles: 'leader, supervisor, admin',
    body: revealHelperBody,
    response: {
      status: 200,
      schema: revealedHelperSchema,
      description: 'The clear phone; `Cache-Control: no-store`',
    },
  },
  'GET /v1/public/track/{queryCode}': {
    summary:
      'Follow a case by its query code, without signing in: number, status, dated milestones, nothing personal',
    roles: 'anyone (repeated misses from one client are refused for a minute: 429)',
    response: { status: 200, schema: trackingSchema, description: 'The case as the public may see it' },
  },
  'POST /v1/public/petitions': {
    summary:
      'File a petition online; the caller is its petitioner. The answer carries the query code (查询码)',
    roles: 'petitioner',
    body: onlinePetitionBody({
      now: new Date(0),
      policy: DEFAULT_POLICY,
      categories: DEFAULT_CATEGORY_CODES,
    }),
    response: {
      status: 201,
      schema: z.extend(z.object(citizenCaseSchema.shape), { queryCode: z.string() }),
      headers: ['Location', 'ETag'],
      description: 'The case',
    },
  },
  'GET /v1/me/cases': {
    summary: 'The caller’s own cases',
    roles: 'petitioner',
    query: citizenCasesQuery,
    response: { status: 200, schema: listOf(citizenCaseSchema), description: 'One page' },
  },
  'GET /v1/me/cases/{id}': {
    summary: 'One of the caller’s cases, with its milestones, reply and the deadlines that concern them',
    roles: 'its petitioner',
    response: { status: 200, schema: citizenCaseSchema, headers: ['ETag'], description: 'The case' },
  },
  'POST /v1/me/cases/claim': {
    idempotent: false,
    conflicts: true,
    summary: 'Attach a case registered at the window to the caller’s account, by its query code',
    roles: 'petitioner',
    body: claimBody,
    response: { status: 200, schema: citizenCaseSchema, description: 'The case, now the caller’s' },
  },
  'GET /v1/me/notifications': {
    anyCaller: true,
    summary:
      'The caller’s inbox: deadline warnings, supervision notices, assignments, milestones; newest first',
    roles: 'any signed-in user',
    query: inboxQuery,
    response: { status: 200, schema: listOf(notificationSchema), description: 'One page' },
  },
  'POST /v1/me/notifications/{id}/read': {
    anyCaller: true,
    summary: 'Mark a notification read',
    roles: 'its recipient',
    answer: { status: 204, description: 'Marked read' },
  },
  'GET /v1/admin/policy': {
    summary: 'The town’s deadline policy, and the names its bulletins are issued under',
    roles: 'admin',
    response: {
      status: 200,
      schema: settingsViewSchema,
      description: 'The policy in force, with the town’s name and issuing office as its bulletins print them',
    },
  },
  'PUT /v1/admin/policy': {
    summary:
      'Replace the town’s deadline policy; the open cases’ deadlines still ahead are recomputed under it ' +
      '(as many as the request allows at once, the rest by the nightly town work)',
    roles: 'admin',
    body: settingsBody,
    response: {
      status: 200,
      schema: storedPolicySchema,
      description:
        'The policy now in force, and what the recomputation of open cases did at once (`recompute`)',
    },
  },
  'GET /v1/admin/calendar/{year}': {
    summary: 'The working-day calendar of a year (shipped or stored)',
    roles: 'admin',
    response: {
      status: 200,
      schema: calendarSchema,
      description:
        'The calendar, `provisional: true` while it holds the statutory holidays only; `fallback: true` when none exists',
    },
  },
  'PUT /v1/admin/calendar/{year}': {
    summary:
      'Store the year’s official holiday schedule (the State Council’s notice), with its swapped working days; it ' +
      'replaces a shipped or provisional year, and the open cases’ deadlines still ahead are recomputed under it',
    roles: 'admin',
    body: calendarSchema,
    response: {
      status: 200,
      schema: storedCalendarSchema,
      description: 'The stored calendar, and what the recomputation of open cases did at once (`recompute`)',
    },
  },
  'POST /v1/admin/open311-keys': {
    idempotent: false,
    summary:
      'Issue an Open311 `api_key` for a client app; the key is shown once and kept only as its keyed hash; ' +
      'no `Idempotency-Key`',
    roles: 'admin',
    body: open311KeyBody,
    response: { status: 201, schema: issuedKeySchema, description: 'The key and its id' },
  },
  'GET /v1/admin/open311-keys': {
    summary: 'The town’s Open311 keys: id, app name, who issued and revoked them and when; never a key',
    roles: 'admin',
    response: {
      status: 200,
      schema: z.object({ items: z.array(keyListingSchema) }),
      description: 'The keys',
    },
  },
  'DELETE /v1/admin/open311-keys/{keyId}': {
    summary: 'Revoke an Open311 key: it stops working at once; revoking it again answers the same',
    roles: 'admin',
    response: {
      status: 200,
      schema: keyListingSchema,
      description: 'The key, with `revokedAt` and `revokedBy`',
    },
  },
  'POST /v1/meetings': {
    summary:
      'Schedule a joint meeting (信访工作联席会议) or a consultation on a major matter (重大信访事项会商): its day, ' +
      'chair, the staff and units taking part and the cases on the agenda',
    roles: 'leader, supervisor',
    more:
      'The chair and the people are staff ids of the town’s directory (400 otherwise); each case on the agenda must ' +
      'be a case of the town the caller sees (400 otherwise).',
    body: createMeetingBody,
    response: {
      status: 201,
      schema: z.object({ id: z.string() }),
      headers: ['Location'],
      description: 'The meeting’s id',
    },
  },
  'GET /v1/meetings': {
    summary: `The town’s meetings between two Beijing dates (both included, at most ${MAX_MEETING_RANGE_DAYS} days), by date`,
    roles: 'leader, supervisor, admin',
    query: meetingRange,
    response: {
      status: 200,
      schema: meetingListSchema,
      description: 'The meetings, each with the number of decisions its minutes took',
    },
  },
  'GET /v1/meetings/{id}': {
    summary:
      'One meeting with its minutes and decisions, each with its `status` (open, done, overdue) and its last day ' +
      '(`dueDate`, Beijing time)',
    roles:
      'leader, supervisor, admin; other staff when they chair, scheduled, take part in or own a decision of it (404 otherwise)',
    response: { status: 200, schema: meetingViewSchema, description: 'The meeting' },
  },
  'POST /v1/meetings/{id}/minutes': {
    conflicts: true,
    conflict:
      '`minutes-recorded`: minutes are recorded once; `meeting-not-held`: the meeting’s day has not come; or the ' +
      '`Idempotency-Key` was used otherwise',
    summary:
      `Record the minutes once: the summary and at most ${MAX_DECISIONS} decisions, each with its owner (a staff id) ` +
      'and last day, optionally tied to a case, which then shows the decision on its timeline (one transaction). ' +
      'A wrong decision is marked done with a note saying so, and its replacement decided at a further meeting',
    roles: 'the chair, whoever scheduled it, supervisor',
    more:
      'Each open decision is watched like a deadline: its owner is warned three days before its last day ends, the ' +
      'petition office told when it is missed.',
    body: minutesBody,
    response: { status: 201, schema: meetingViewSchema, description: 'The meeting with its minutes' },
  },
  'POST /v1/meetings/{id}/decisions/{n}/done': {
    conflicts: true,
    conflict: '`decision-done`: the decision is already done, or the `Idempotency-Key` was used otherwise',
    summary:
      'Mark the `n`th decision done, once, with what was done; a decision tied to a case says so on its timeline',
    roles: 'the decision’s owner, the chair, supervisor',
    body: doneBody,
    response: { status: 200, schema: meetingViewSchema, description: 'The meeting' },
  },
  'PUT /v1/reception/roster/{date}': {
    summary:
      `Plan a day of the leaders’ reception roster (领导接访日): its slots (at most ${MAX_SLOTS}), replacing the ` +
      'day’s; no slots clears the day',
    roles: 'supervisor, admin',
    more:
      '`date` is a Beijing calendar date, today or later. Each slot names a leader of the town’s staff directory, a ' +
      'half-day or the whole day, the place and the kind (window 接访, village 下访, appointment 约访); a leader has one ' +
      'slot per half-day. With `If-Match` (the day’s `ETag`; `"0"` for a day not planned yet) the day is replaced only ' +
      'at that version (412 otherwise); the same slots again change nothing.',
    optionalIfMatch: true,
    body: rosterBody,
    response: {
      status: 200,
      schema: rosterDayViewSchema,
      headers: ['ETag'],
      description: 'The day as planned; `ETag` set',
    },
  },
  'GET /v1/reception/roster': {
    summary: `The roster between two Beijing dates (both included, at most ${MAX_RECEPTION_DAYS} days), by date and half-day`,
    roles: 'staff',
    query: rosterQuery,
    response: {
      status: 200,
      schema: listOf(rosterEntrySchema),
      description: 'The slots, each with its leader',
    },
  },
  'GET /v1/public/reception/roster': {
    summary:
      'The roster as citizens read it, without signing in: whom they can meet, when and where (the leader’s name and ' +
      'title, nothing else)',
    roles: 'anyone',
    more:
      '`town` names the town when the deployment serves several (400 for a town it does not serve); with one it may ' +
      `be left out. At most ${MAX_RECEPTION_DAYS} days.`,
    query: publicRosterQuery,
    response: { status: 200, schema: listOf(publicRosterEntrySchema), description: 'The slots' },
  },
  'POST /v1/receptions': {
    summary:
      `Record a leader’s reception (接访记录): at most ${MAX_VISITS} visits, each a batch (批次) with its headcount ` +
      `(人次, 1 to ${MAX_HEADCOUNT}), on a case of the town (\`caseId\`) or registering one (\`registration\`, ` +
      'the case body without channel and grid), with what was done on the spot',
    roles: 'the receiving leader; a clerk for any leader',
    more:
      'A linked case gets a `received` event on its timeline (the leader, the measure and the track) in the same ' +
      'transaction as the reception and any new case: all of it is written or nothing. A visit settled on the spot ' +
      `is one whose \`onTheSpot.track\` is \`immediate\` (马上办). ${MAX_VISITS} visits keep the transaction within ` +
      'DynamoDB’s 100 actions: a registering visit writes up to 15 items. A new case’s query code reaches the ' +
      'petitioner by the registration’s SMS; a registration whose petitioner has an open case of the category is ' +
      'refused (name that case as `caseId`).',
    body: receptionBody({ now: new Date(0), policy: DEFAULT_POLICY, categories: DEFAULT_CATEGORY_CODES }),
    response: {
      status: 201,
      schema: receptionCreatedSchema,
      headers: ['Location'],
      description: 'The reception: its batches, person-times and the case of each visit',
    },
  },
  'GET /v1/receptions': {
    summary: `Receptions between two Beijing dates (both included, at most ${MAX_RECEPTION_DAYS} days), of one leader or all`,
    roles: 'staff',
    query: receptionsQuery,
    response: { status: 200, schema: listOf(receptionViewSchema), description: 'The receptions, by date' },
  },
  'GET /v1/metrics': {
    summary:
      `Indicators between two Beijing dates (both included, at most ${MAX_METRICS_DAYS} days), for the town or a ` +
      'grid and the grids below it; `byGrid` hides rates over fewer cases than the policy’s `rankingMinimum`. ' +
      'Resolution rates for petitions (信访) and disputes (矛盾) apart, key cases (重点信访矛盾) and the backlog ledger ' +
      '(积案: open when the period began, entered, resolved, remaining); `GET /v1/reports/yearly/{year}` gives the ' +
      'figures of the yearly summary',
    roles: 'leader, supervisor, admin',
    query: metricsQuery,
    response: { status: 200, schema: metricsResponseSchema, description: 'Counts, rates and samples' },
  },
  'GET /v1/reports/daily/{date}': {
    summary:
      'Daily collection (日收集): new cases by grid and channel, patrol coverage, first-time petitions due within ' +
      'three days. The stored report, or one made now; `Accept: text/html` gives the printable zh-CN page',
    roles: 'leader, supervisor, admin',
    response: { status: 200, schema: REPORT_RESPONSE_SCHEMAS.daily, description: 'The report' },
  },
  'GET /v1/reports/weekly/{week}': {
    summary:
      'Weekly bulletin (周通报) of an ISO week: indicators for the town and each village grid against the week ' +
      'before, overdue and at-risk cases, leader-owned cases; `Accept: text/html` gives the printable page',
    roles: 'leader, supervisor, admin',
    response: { status: 200, schema: REPORT_RESPONSE_SCHEMAS.weekly, description: 'The report' },
  },
  'GET /v1/reports/monthly/{month}': {
    summary:
      'Monthly supervision (月督办): indicators, repeat petitions, overdue and backlog cases with who answers for ' +
      'each; `Accept: text/html` gives the printable page',
    roles: 'leader, supervisor, admin',
    response: { status: 200, schema: REPORT_RESPONSE_SCHEMAS.monthly, description: 'The report' },
  },
  'GET /v1/reports/yearly/{year}': {
    summary:
      'The yearly summary (年度总结): batches and person-times received (接待来访群众x批x人次), repeat petitions and ' +
      'key matters resolved, the resolution rate; made from the counters on request, up to today while the year ' +
      'runs; `Accept: text/html` gives the printable page',
    roles: 'leader, supervisor, admin',
    more:
      '`year` is four digits, 2000 or later, and a year already begun. Repeat petitions replied and resolved are ' +
      'counted from the day this summary was introduced; replies before it count in the resolution rate only.',
    response: { status: 200, schema: yearlyReportSchema, description: 'The summary' },
  },
  'GET /v1/city/metrics': {
    summary:
      `The city’s towns side by side between two Beijing dates (both included, at most ${MAX_METRICS_DAYS} days): ` +
      'each town’s metrics as its own `GET /v1/metrics` gives them, and the towns ranked on the national indicators ' +
      'with their samples; `town` asks for one town of the claim',
    roles: 'city_supervisor',
    more:
      'The towns are those of the token’s `custom:towns` claim that the deployment serves. A `town` outside them is ' +
      '404, whether it exists or not. A rank is hidden (null) over fewer cases than the largest of the towns’ ' +
      '`rankingMinimum`.',
    query: cityMetricsQuery,
    response: {
      status: 200,
      schema: cityMetricsResponseSchema,
      description: 'Each town’s metrics, and the ranking',
    },
  },
  'GET /v1/city/reports/weekly/{week}': {
    summary:
      'The city’s weekly bulletin (周通报) of an ISO week: each town’s counts and indicators, the city’s totals, and ' +
      'the towns ranked on the national indicators with their samples; `Accept: text/html` gives the printable page ' +
      '(English with `Accept-Language: en`)',
    roles: 'city_supervisor',
    response: { status: 200, schema: cityBulletinResponseSchema, description: 'The city bulletin' },
  },
  'GET /v1/city/reports/monthly/{month}': {
    summary:
      'The city’s monthly bulletin (月报): each town’s counts and indicators, the city’s totals, and the towns ranked ' +
      'on the national indicators with their samples; `Accept: text/html` gives the printable page',
    roles: 'city_supervisor',
    response: { status: 200, schema: cityBulletinResponseSchema, description: 'The city bulletin' },
  },
  'GET /v1/city/towns/{town}/reports/weekly/{week}': {
    summary:
      'A town’s own weekly bulletin, as its supervisor reads `GET /v1/reports/weekly/{week}`; `Accept: text/html` ' +
      'gives its printable page',
    roles: 'city_supervisor (the towns of its claim)',
    response: { status: 200, schema: REPORT_RESPONSE_SCHEMAS.weekly, description: 'The town’s report' },
  },
  'GET /v1/city/towns/{town}/reports/monthly/{month}': {
    summary:
      'A town’s own monthly report, with its overdue and backlog lists, as its supervisor reads ' +
      '`GET /v1/reports/monthly/{month}`; `Accept: text/html` gives its printable page',
    roles: 'city_supervisor (the towns of its claim)',
    response: { status: 200, schema: REPORT_RESPONSE_SCHEMAS.monthly, description: 'The town’s report' },
  },
  'GET /v1/city/towns/{town}/cases': {
    summary:
      'A town’s cases the city watches, a page at a time: `overdue` (open, the next deadline passed) and `at-risk` ' +
      '(due within three days), soonest first; `backlog`, the carried cases (积案) as `GET /v1/cases?backlog=true` ' +
      'lists them',
    roles: 'city_supervisor (the towns of its claim)',
    more: 'Each case as the town’s supervisor sees it: personal data masked, no reveal.',
    query: cityCasesQuery,
    response: { status: 200, schema: cityCaseListSchema, description: 'One page of the list' },
  },
  'GET /v1/city/towns/{town}/cases/{id}': {
    summary:
      'A town’s case as its supervisor sees it (personal data masked, no reveal), with its supervisions and the ' +
      'cases of the same person on the same matter in the deployment’s other towns',
    roles: 'city_supervisor (the towns of its claim)',
    response: { status: 200, schema: cityCaseSchema, headers: ['ETag'], description: 'The case' },
  },
  'POST /v1/city/towns/{town}/cases/{id}/supervise': {
    summary:
      'Supervise an open case from the city (上级督办): the note is kept on the case (`supervisions`) and on its ' +
      'timeline (`city-supervision`), and the town’s petition office is told, in one transaction',
    roles: 'city_supervisor (the towns of its claim)',
    more:
      '`dueDate` is the Beijing date by which the town is asked to report (today or later). The version stays (no ' +
      'status changes); a case no longer open is 409. Without an `Idempotency-Key`, each call is a supervision of ' +
      'its own.',
    optionalIfMatch: true,
    conflicts: true,
    conflict: 'The case is no longer open, or the `Idempotency-Key` was used otherwise',
    body: superviseBody('2000-01-01'),
    response: {
      status: 201,
      schema: supervisedSchema,
      headers: ['ETag'],
      description: 'The case with the supervision, and how many were told',
    },
  },
  'GET /open311/discovery.xml': open311Discovery('XML'),
  'GET /open311/discovery.json': open311Discovery('JSON'),
  'GET /open311/v2/services.xml': open311Services('XML'),
  'GET /open311/v2/services.json': open311Services('JSON'),
  'GET /open311/v2/services/{code}': open311(
    'a service definition (`{code}` ends in `.xml` or `.json`): the consent attribute `public_description`',
    {
      response: { status: 200, schema: serviceDefinitionSchema, description: 'The service definition' },
      refusals: {
        ...JURISDICTION_REFUSALS,
        404: 'No such service, no format suffix, or the `jurisdiction_id` is not served here',
      },
    },
  ),
  'POST /open311/v2/requests.xml': open311Post('XML'),
  'POST /open311/v2/requests.json': open311Post('JSON'),
  'GET /open311/v2/requests.xml': open311List('XML'),
  'GET /open311/v2/requests.json': open311List('JSON'),
  'GET /open311/v2/requests/{id}': open311(
    'one request filed through Open311 (`{id}` ends in `.xml` or `.json`): status, notes, next deadline, ' +
      'rounded location, the description only with consent',
    {
      response: { status: 200, schema: serviceRequestsSchema, description: 'The request, alone in the list' },
      refusals: {
        ...JURISDICTION_REFUSALS,
        404: 'No such request, no format suffix, or the `jurisdiction_id` is not served here',
      },
    },
  ),
  'GET /open311/v2/tokens/{token}': open311(
    'the request id behind a token, which is the petitioner’s query code (`{token}` ends in `.xml` or `.json`)',
    {
      response: {
        status: 200,
        schema: tokenSchema,
        headers: ['Cache-Control'],
        description: 'The request’s id; `Cache-Control: no-store`',
      },
      refusals: {
        ...JURISDICTION_REFUSALS,
        404: 'No request of this town behind the token, no format suffix, or the `jurisdiction_id` is not served here',
        429: 'Too many misses from this client: refused for a minute',
      },
    },
  ),
};

/**
 * Named schemas (zod `.meta({ id })`) go to `components.schemas`, referred to from wherever they are used: zod puts
 * them in a `$defs` of each converted schema, whose `#/$defs/...` refs would resolve against the whole document.
 * An input and an output form of one id that differ (defaults make fields required in the output) get two names.
 */
class SchemaComponents {
  readonly schemas: Record<string, unknown> = {};
  /** A schema used by many operations (the case, by every command) is converted once. */
  private readonly converted = {
    input: new Map<z.ZodMiniType, object>(),
    output: new Map<z.ZodMiniType, object>(),
  };

  convert(schema: z.ZodMiniType, io: 'input' | 'output'): object {
    const done = this.converted[io].get(schema);
    if (done) return done;
    const result = this.convertOnce(schema, io);
    this.converted[io].set(schema, result);
    return result;
  }

  private convertOnce(schema: z.ZodMiniType, io: 'input' | 'output'): object {
    const {
      $schema: _ignored,
      $defs,
      ...rest
    } = z.toJSONSchema(schema, { io, unrepresentable: 'any', reused: 'inline' }) as Record<string, unknown>;
    const defs = Object.entries(($defs ?? {}) as Record<string, unknown>);
    const names = new Map<string, string>();
    for (const [id, def] of defs) {
      const existing = this.schemas[id];
      const same =
        existing === undefined || JSON.stringify(existing) === JSON.stringify(relink(def, new Map()));
      names.set(id, same ? id : `${id}${io === 'input' ? 'Input' : 'Output'}`);
    }
    for (const [id, def] of defs) this.schemas[names.get(id) ?? id] = relink(def, names);
    return relink(rest, names);
  }
}

/** A converted schema with its `#/$defs/<id>` refs pointing at `#/components/schemas/<name>`. */
const relink = <T>(value: T, names: ReadonlyMap<string, string>): T =>
  JSON.parse(
    JSON.stringify(value).replace(
      /"#\/\$defs\/([^"]+)"/g,
      (_, id: string) => `"#/components/schemas/${names.get(id) ?? id}"`,
    ),
  );

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', enum: [...Object.keys(PROBLEM_KINDS), ...RULE_CODES].map(problemTypeUri) },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
    openCase: {
      description: '`repeat-of-open-case`: the open case the matter repeats, when the caller may see it',
      type: 'object',
      required: ['id', 'number', 'status'],
      properties: { id: { type: 'string' }, number: { type: 'string' }, status: { type: 'string' } },
    },
  },
};

/** Path parameters that name a resource (an unknown one is 404); any other is parsed (400 when malformed). */
const ID_PARAMETERS = new Set(['id', 'userId', 'keyId', 'queryCode', 'n']);

const problemContent = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
const problemAnswer = (description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: problemContent,
});
/** What API Gateway answers itself before any code runs (401 for a missing or bad token, 429 of its throttling). */
const gatewayContent = {
  'application/json': {
    schema: { type: 'object', required: ['message'], properties: { message: { type: 'string' } } },
  },
};
const retryAfter = { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } };

/** The problems an operation answers, from what it does: authorizes, checks roles, parses, loads, guards a version. */
function problemResponses(does: {
  authorized: boolean;
  roles: boolean;
  input: boolean;
  lookup: boolean;
  conflicts: boolean;
  conflict?: string | undefined;
  ifMatch: boolean;
  stale: boolean;
  body: boolean;
}): Record<string, unknown> {
  return {
    ...(does.input || does.body
      ? { 400: problemAnswer('Invalid input: every field problem listed in `errors`') }
      : {}),
    ...(does.authorized
      ? {
          401: {
            description: 'No or bad token (the gateway’s own `{message}` when it refuses the token)',
            content: { ...problemContent, ...gatewayContent },
          },
        }
      : {}),
    ...(does.roles ? { 403: problemAnswer('The caller sees it but its role may not do this') } : {}),
    ...(does.lookup ? { 404: problemAnswer('Not found, or not visible to the caller') } : {}),
    ...(does.conflicts
      ? {
          409: problemAnswer(
            does.conflict ?? 'The status or a rule forbids it, or the `Idempotency-Key` was used otherwise',
          ),
        }
      : {}),
    ...(does.stale ? { 412: problemAnswer('The `If-Match` version is stale') } : {}),
    ...(does.body
      ? {
          413: problemAnswer('The body is over 64 KB'),
          415: problemAnswer('The body is not JSON'),
        }
      : {}),
    ...(does.ifMatch ? { 428: problemAnswer('`If-Match` is missing') } : {}),
    429: {
      description: 'Throttled (the gateway’s own `{message}` when its throttling refuses the request)',
      headers: retryAfter,
      content: { ...problemContent, ...gatewayContent },
    },
    503: problemAnswer('Busy or unavailable: try again after `Retry-After` seconds', retryAfter),
  };
}

const PARAMETERS = {
  AcceptLanguage: {
    name: 'Accept-Language',
    in: 'header',
    required: false,
    description:
      'The language of problem titles and details: `en` for English, anything else zh-CN (the default)',
    schema: { type: 'string', default: 'zh-CN', examples: ['zh-CN', 'en'] },
  },
  IfMatch: {
    name: 'If-Match',
    in: 'header',
    required: true,
    description: 'The version the change is made on, as its `ETag` gave it: `"<version>"`',
    schema: { type: 'string' },
  },
  OptionalIfMatch: {
    name: 'If-Match',
    in: 'header',
    required: false,
    description:
      'When sent, the change is made only on this version, as its `ETag` gave it: `"<version>"` (`"0"`: none yet)',
    schema: { type: 'string' },
  },
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'A retry with the same key and body answers the first response (kept 24 hours, per town, caller and path)',
    schema: { type: 'string', minLength: 1 },
  },
};

const HEADERS = {
  ETag: { description: 'The version of the object: `"<version>"`', schema: { type: 'string' } },
  Location: { description: 'Where the created object is', schema: { type: 'string' } },
  'Content-Location': { description: 'Where the object answered is', schema: { type: 'string' } },
  RetryAfter: { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 0 } },
  'Cache-Control': { description: '`no-store`: the answer is kept nowhere', schema: { type: 'string' } },
};

/** The routes of the table as the document lists them: the command route once per command. */
function operationsOf(route: Route): { path: string; key: string; op: Operation }[] {
  const key = routeKey(route);
  if (key === COMMAND_ROUTE)
    return COMMAND_NAMES.map((name) => {
      const path = route.path.replace('{command}', name);
      return { path, key: `${route.method} ${path}`, op: commandOperation(name) };
    });
  return [{ path: route.path, key, op: OPERATIONS[key] }];
}

/** The formats an Open311 path answers in: the one its suffix names, or either (a `{param}` carries it). */
const formatsOf = (path: string): readonly Format[] =>
  FORMATS.filter((format) => path.endsWith(`.${format}`));
const MEDIA_TYPES: Record<Format, string> = { json: 'application/json', xml: 'text/xml' };
const open311ErrorsRef = { $ref: '#/components/schemas/Open311Errors' };
const gatewaySchema = gatewayContent['application/json'].schema;

/**
 * Open311's errors: the ones its route answers, the gateway's throttling (its own `{message}`) and a busy service's
 * 503, in the specification's shape and in the format the path names (XML when a `{param}` names none).
 */
function open311Responses(
  formats: readonly Format[],
  refusals: Partial<Record<Open311Refusal, string>>,
): Record<string, unknown> {
  const content = (schema: object) =>
    Object.fromEntries(formats.map((format) => [MEDIA_TYPES[format], { schema }]));
  const errors = (description: string, headers?: Record<string, unknown>) => ({
    description,
    ...(headers ? { headers } : {}),
    content: content(open311ErrorsRef),
  });
  const own = Object.entries(refusals).map(([status, description]) => [
    status,
    errors(description, status === '429' ? retryAfter : undefined),
  ]);
  const throttled = refusals[429];
  return {
    ...Object.fromEntries(own),
    429: {
      description: throttled
        ? `${throttled}; or the gateway’s throttling, with its own \`{message}\``
        : 'The gateway’s throttling, with its own `{message}`',
      headers: retryAfter,
      content: {
        ...(throttled ? content(open311ErrorsRef) : {}),
        'application/json': {
          schema:
            throttled && formats.includes('json')
              ? { anyOf: [open311ErrorsRef, gatewaySchema] }
              : gatewaySchema,
        },
      },
    },
    503: errors('Busy: try again after `Retry-After` seconds', retryAfter),
    default: errors('An internal error (500), which says nothing of its cause'),
  };
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  const components = new SchemaComponents();
  const jsonSchema = (schema: z.ZodMiniType, io: 'input' | 'output') => components.convert(schema, io);
  // Open311's errors are referred to by name from every one of its answers
  jsonSchema(open311ErrorsSchema, 'output');
  // a parameter the handler needs (no default, not optional) is required
  const queryParameters = (query: z.ZodMiniObject | undefined) => {
    if (!query) return [];
    const { required = [] } = z.toJSONSchema(query, { io: 'input', unrepresentable: 'any' }) as {
      required?: string[];
    };
    return Object.entries(query.shape).map(([name, schema]) => ({
      name,
      in: 'query',
      required: required.includes(name),
      schema: jsonSchema(schema as z.ZodMiniType, 'input'),
    }));
  };
  for (const route of ROUTES)
    for (const { path, key, op } of operationsOf(route)) {
      const open311 = route.family === 'open311';
      // an Open311 path without a suffix carries the format in its last `{param}`
      const formats = open311 ? (formatsOf(path).length ? formatsOf(path) : FORMATS) : [];
      const pathNames = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
      const idempotent = route.method === 'POST' && route.authorized && op.idempotent !== false;
      const parameters = [
        ...pathNames.map((name) => ({
          name,
          in: 'path',
          required: true,
          ...(open311 ? { description: 'Ends in `.xml` or `.json`, the format of the answer' } : {}),
          schema: { type: 'string', ...(open311 ? { pattern: '\\.(xml|json)$' } : {}) },
        })),
        ...queryParameters(op.query),
        ...(open311 ? [] : [{ $ref: '#/components/parameters/AcceptLanguage' }]),
        ...(op.ifMatch ? [{ $ref: '#/components/parameters/IfMatch' }] : []),
        ...(op.optionalIfMatch ? [{ $ref: '#/components/parameters/OptionalIfMatch' }] : []),
        ...(idempotent ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : []),
      ];
      const answerOf = (answer: Answer) => {
        const schema = jsonSchema(answer.schema, 'output');
        return {
          description: answer.description,
          ...(answer.headers
            ? {
                headers: Object.fromEntries(
                  answer.headers.map((name) => [name, { $ref: `#/components/headers/${name}` }]),
                ),
              }
            : {}),
          content: open311
            ? Object.fromEntries(formats.map((format) => [MEDIA_TYPES[format], { schema }]))
            : { 'application/json': { schema } },
        };
      };
      const responses = open311
        ? open311Responses(formats, op.refusals ?? {})
        : {
            ...problemResponses({
              authorized: route.authorized,
              roles: route.authorized && !op.anyCaller,
              input: Boolean(op.body || op.query) || pathNames.some((name) => !ID_PARAMETERS.has(name)),
              lookup: pathNames.length > 0,
              conflicts: idempotent || Boolean(op.ifMatch || op.conflicts),
              conflict: op.conflict,
              ifMatch: Boolean(op.ifMatch),
              stale: Boolean(op.ifMatch || op.optionalIfMatch),
              body: Boolean(op.body),
            }),
            default: problemAnswer('A problem (RFC 9457)'),
          };
      const body = op.body
        ? { 'application/json': { schema: jsonSchema(op.body, 'input') } }
        : op.form
          ? { 'application/x-www-form-urlencoded': { schema: jsonSchema(op.form, 'input') } }
          : undefined;
      paths[path] ??= {};
      paths[path]![route.method.toLowerCase()] = {
        operationId: key.replace(/[^A-Za-z0-9]+/g, '_'),
        summary: op.summary,
        description: [`Who: ${op.roles}.`, op.more].filter(Boolean).join(' '),
        tags: [route.family],
        ...(route.authorized ? {} : { security: [] }),
        ...(parameters.length ? { parameters } : {}),
        ...(body ? { requestBody: { required: true, content: body } } : {}),
        responses: {
          ...(op.response
            ? { [op.response.status]: answerOf(op.response) }
            : { [op.answer?.status ?? 200]: { description: op.answer?.description ?? 'OK' } }),
          ...Object.fromEntries((op.also ?? []).map((answer) => [answer.status, answerOf(answer)])),
          ...responses,
        },
      };
    }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Fengqiao',
      version: '1',
      description: 'Petition and dispute work of a town: intake, lifecycle, deadlines, grids and reports.',
      contact: { name: 'Fengqiao maintainers' },
      // package.json is private and names no licence, and no LICENSE file grants one
      license: { name: 'UNLICENSED (proprietary, no licence granted)' },
    },
    servers: [{ url: '/' }],
    // each operation is tagged with the function family that serves it
    tags: Object.entries(FUNCTION_FAMILIES).map(([name, description]) => ({ name, description })),
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      parameters: PARAMETERS,
      headers: HEADERS,
      schemas: { Problem: problemSchema, ...components.schemas },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
