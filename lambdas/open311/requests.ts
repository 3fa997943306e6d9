import * as z from 'zod/mini';
// the one locale, not the barrel of them all
import english from 'zod/v4/locales/en.js';
import type { Open311Pair } from '../adapters/open311-repository.js';
import type { CaseRecord } from '../domain/case.js';
import { OPEN_STATUSES, OUTCOMES, STATUSES } from '../domain/catalog.js';
import { deadlineDay } from '../domain/counters.js';
import { maskIdNumber, maskPhone } from '../domain/masking.js';
import type { DeadlinePolicy } from '../domain/policy.js';
import type { RegistrationInput } from '../domain/registration.js';
import { type ApiRequest, MAX_BODY_BYTES } from '../http/api.js';
import { onlinePetitionBody } from '../http/schemas.js';
import { badRequest, notFound, Open311Error, type Open311ErrorItem, w3 } from './format.js';
import { CONSENT_ATTRIBUTE, type Open311Service, SERVICE_CODES, serviceName, serviceOf } from './services.js';

/**
 * Service requests: the form a client posts, turned into an online petition, and a case as Open311 shows it. What is
 * shown is public: no names, phones, addresses or sequential numbers; the description only when the petitioner agreed;
 * the location rounded to about a hundred metres.
 */

/** The form-encoded body (API Gateway may hand it over base64-encoded). */
export function readForm(request: ApiRequest): URLSearchParams {
  const raw = request.event.body ?? '';
  const text = request.event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES)
    throw badRequest(`The body may not exceed ${MAX_BODY_BYTES} bytes`, 413);
  const type = request.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded')
    throw badRequest('Content-Type must be application/x-www-form-urlencoded', 415);
  return new URLSearchParams(text);
}

/** One value of a field; empty counts as absent (the specification's optional arguments). */
export function formField(form: URLSearchParams, name: string): string | undefined {
  const values = form.getAll(name);
  if (values.length > 1) throw badRequest(`${name} was given more than once`);
  const value = values[0]?.trim();
  return value ? value : undefined;
}

const NO_DESCRIPTION = '（未附描述）(no description)';
const TITLE_LENGTH = 40;
const ANONYMOUS = '匿名';
const CJK = /[\u3400-\u9fff]/;

/** The first line of the description, shortened; the service's name when there is none. */
const titleOf = (description: string | undefined, service: Open311Service): string => {
  const line = description
    ?.split(/\r?\n/)
    .find((l) => l.trim())
    ?.trim();
  return line ? Array.from(line).slice(0, TITLE_LENGTH).join('') : service.category.zh;
};

/** Chinese names are written family name first and without a space. */
function nameOf(first: string | undefined, last: string | undefined): string {
  const parts = [first, last].filter((p): p is string => p !== undefined);
  if (parts.length === 0) return ANONYMOUS;
  return parts.some((p) => CJK.test(p)) ? [last, first].filter(Boolean).join('') : parts.join(' ');
}

/** The fields of the online petition each Open311 argument became, to name the argument in an error. */
const ARGUMENT_OF: Record<string, string> = {
  title: 'description',
  description: 'description',
  'petitioners.0.name': 'first_name, last_name',
  'petitioners.0.phone': 'phone',
  'location.address': 'address_string',
  'location.lat': 'lat',
  'location.lng': 'long',
};

/** A decimal number as a form field writes it: `30.27`, `-120`, `.5`, `1e-3`. */
/** GeoReport's clients read English: a field's problem in zod's own English words, as the bridge has always said it. */
const ENGLISH_ISSUES = { error: english().localeError };

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

interface ParsedRequest {
  input: RegistrationInput;
  publicDescription: boolean;
}

/**
 * A posted request as an online petition: a claim, never an accusation (a request listed in public cannot keep an
 * accuser's confidence). Email, device and account ids and media URLs are not kept: the case has no use for them.
 */
export function parseServiceRequest(
  form: URLSearchParams,
  rules: { now: Date; policy: DeadlinePolicy },
): ParsedRequest {
  const code = formField(form, 'service_code');
  if (!code) throw badRequest('service_code was not provided');
  const service = serviceOf(code);
  if (!service) throw notFound('service_code was not found');

  const errors: Open311ErrorItem[] = [];
  const problem = (description: string) => errors.push({ code: 400, description });
  const coordinate = (name: string, raw: string | undefined): number | undefined => {
    if (raw === undefined) return undefined;
    // decimal notation only: `Number` would also read `0x1e`, `0b1` and `Infinity`
    const value = DECIMAL.test(raw) ? Number(raw) : Number.NaN;
    if (Number.isFinite(value)) return value;
    problem(`${name} must be a number`);
    return undefined;
  };
  const latText = formField(form, 'lat');
  const longText = formField(form, 'long');
  const address = formField(form, 'address_string');
  if ((latText === undefined) !== (longText === undefined)) problem('lat and long must be sent together');
  else if (latText === undefined && address === undefined)
    problem(
      formField(form, 'address_id')
        ? 'address_id is not supported here: send lat and long, or address_string'
        : 'A location is required: lat and long, or address_string',
    );
  const lat = coordinate('lat', latText);
  const long = coordinate('long', longText);
  const consent = formField(form, `attribute[${CONSENT_ATTRIBUTE}]`);
  if (consent !== undefined && consent !== 'true' && consent !== 'false')
    problem(`attribute[${CONSENT_ATTRIBUTE}] must be true or false`);

  const description = formField(form, 'description');
  const phone = formField(form, 'phone');
  const location = {
    ...(address !== undefined ? { address } : {}),
    ...(lat !== undefined && long !== undefined ? { lat, lng: long } : {}),
  };
  const parsed = onlinePetitionBody({ ...rules, categories: SERVICE_CODES }).safeParse(
    {
      kind: 'petition',
      category: service.code,
      title: titleOf(description, service),
      description: description ?? NO_DESCRIPTION,
      petitioners: [
        {
          name: nameOf(formField(form, 'first_name'), formField(form, 'last_name')),
          ...(phone ? { phone } : {}),
        },
      ],
      ...(Object.keys(location).length ? { location } : {}),
    },
    ENGLISH_ISSUES,
  );
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const path = issue.path.join('.');
      problem(`${ARGUMENT_OF[path] ?? path}: ${issue.message}`);
    }
  if (errors.length > 0 || !parsed.success) throw new Open311Error(400, errors);
  return {
    input: { ...parsed.data, channel: 'online' },
    publicDescription: consent === 'true' && description !== undefined,
  };
}

/** What the client is told at once: taken in, and by when the town says whether it takes the matter up. */
export function serviceNotice(record: CaseRecord): string {
  const day = deadlineDay(record.deadlines.acknowledgeBy);
  return `已登记，${day} 前告知是否受理。 Registered; you will be told by ${day} whether it is taken up.`;
}

const label = <T extends { code: string; zh: string; en: string }>(list: readonly T[], code: string) =>
  list.find((entry) => entry.code === code);

/** The status in both languages, with the latest answer's outcome, so "closed" never hides "not resolved". */
function statusNotes(record: CaseRecord): string {
  const status = label(STATUSES, record.status)!;
  const outcomeCode = record.reviews?.findLast((r) => r.outcome)?.outcome ?? record.reply?.outcome;
  const outcome = outcomeCode ? label(OUTCOMES, outcomeCode) : undefined;
  return outcome
    ? `${status.zh}（${outcome.zh}） ${status.en} (${outcome.en.toLowerCase()})`
    : `${status.zh} ${status.en}`;
}

/** The deadline the town must meet next, while it has one: acknowledgement, reply, review answer. */
function expectedAt(record: CaseRecord): string | undefined {
  switch (record.status) {
    case 'registered':
      return record.deadlines.acknowledgeBy;
    case 'accepted':
      return record.deadlines.extendedTo ?? record.deadlines.replyBy;
    case 'under_review':
      return record.deadlines.reviewAnswerBy;
    default:
      return undefined;
  }
}

const MOBILE_IN_TEXT = /(?<!\d)1[3-9]\d{9}(?!\d)/g;
const ID_NUMBER_IN_TEXT = /(?<![\dXx])\d{17}[\dXx](?![\dXx])/g;

/** A consented description still never shows a phone or an ID number someone typed into it. */
const publishable = (description: string): string =>
  description.replace(ID_NUMBER_IN_TEXT, maskIdNumber).replace(MOBILE_IN_TEXT, maskPhone);

const rounded = (coordinate: number | undefined): number | null =>
  coordinate === undefined ? null : Math.round(coordinate * 1000) / 1000;

/** GeoReport has two statuses: the town's open ones are `open`, every other `closed`. */
const open311Status = (record: CaseRecord): 'open' | 'closed' =>
  OPEN_STATUSES.includes(record.status) ? 'open' : 'closed';

/** A request as anyone may see it, with every field of the specification's example (null when not given). */
export function requestView({ entry, record }: Open311Pair, service: Open311Service) {
  const expected = expectedAt(record);
  return {
    service_request_id: record.id,
    status: open311Status(record),
    status_notes: statusNotes(record),
    service_name: serviceName(service),
    service_code: service.code,
    description: entry.publicDescription ? publishable(record.description) : null,
    agency_responsible: null,
    service_notice: null,
    requested_datetime: w3(record.receivedAt),
    updated_datetime: w3(record.closedAt ?? record.updatedAt),
    expected_datetime: expected ? w3(expected) : null,
    address: null,
    address_id: null,
    zipcode: null,
    lat: rounded(record.location?.lat),
    long: rounded(record.location?.lng),
    media_url: null,
  };
}

/** GET requests: the specification's arguments (anything else is ignored). */
export const requestsQuery = z.object({
  jurisdiction_id: z.optional(z.string()),
  service_request_id: z
    .optional(z.string())
    .check(z.describe('comma-delimited; overrides every other argument')),
  service_code: z.optional(z.string()).check(z.describe('comma-delimited')),
  start_date: z.optional(z.string()).check(z.describe('W3C date-time with a time zone')),
  end_date: z.optional(z.string()).check(z.describe('W3C date-time with a time zone')),
  status: z.optional(z.string()).check(z.describe('open, closed; comma-delimited')),
});

const DAY_MS = 24 * 60 * 60 * 1000;
/** The longest range, and the range when none is asked for: the most recent 90 days. */
export const WINDOW_DAYS = 90;
/** At most this many requests in one answer. */
export const MAX_REQUESTS = 1000;
const MAX_IDS = 100;
/** Case ids are 128 random bits in base64url. */
export const CASE_ID = /^[\w-]{22}$/;

type RequestsFilter =
  | { ids: string[] }
  | { start: Date; end: Date; codes: readonly string[]; statuses: readonly string[] };

const listOf = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

const instant = z.iso.datetime({ offset: true });

export function parseRequestsQuery(raw: Record<string, string>, now: Date): RequestsFilter {
  const query = requestsQuery.parse(raw);
  const ids = listOf(query.service_request_id);
  if (ids.length > MAX_IDS) throw badRequest(`At most ${MAX_IDS} service_request_id may be asked at once`);
  // an id that cannot be a case id is as unknown as one that is not there
  if (ids.length > 0) return { ids: ids.filter((id) => CASE_ID.test(id)) };

  const errors: Open311ErrorItem[] = [];
  const problem = (description: string) => errors.push({ code: 400, description });
  const codes = listOf(query.service_code);
  if (codes.some((code) => !SERVICE_CODES.includes(code)))
    problem('service_code must name services of this jurisdiction');
  const statuses = listOf(query.status);
  if (statuses.some((status) => status !== 'open' && status !== 'closed'))
    problem('status must be open or closed');
  const date = (name: 'start_date' | 'end_date'): Date | undefined => {
    const raw = query[name]?.trim();
    if (!raw) return undefined;
    if (!instant.safeParse(raw).success) {
      problem(`${name} must be a W3C date-time with a time zone, such as 2010-01-01T00:00:00Z`);
      return undefined;
    }
    return new Date(raw);
  };
  const startDate = date('start_date');
  const endDate = date('end_date');
  const window = WINDOW_DAYS * DAY_MS;
  const end = endDate ?? (startDate ? new Date(Math.min(startDate.getTime() + window, now.getTime())) : now);
  const start = startDate ?? new Date(end.getTime() - window);
  if (start > end) problem('start_date must not be later than end_date');
  else if (end.getTime() - start.getTime() > window)
    problem(`start_date and end_date may not span more than ${WINDOW_DAYS} days`);
  if (errors.length > 0) throw new Open311Error(400, errors);
  return { start, end, codes, statuses };
}

/** Whether a listed request passes the status filter (none means every status). */
export const matchesStatus = (record: CaseRecord, statuses: readonly string[]): boolean =>
  statuses.length === 0 || statuses.includes(open311Status(record));
