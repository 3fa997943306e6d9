import * as z from 'zod/mini';
import { CITY_CASE_VIEWS, cityBulletinSchema, cityMetricsSchema } from '../domain/city.js';
import { because } from '../domain/errors.js';
import { checkMetricsRange } from './report-schemas.js';
import { caseViewSchema, limitParam } from './schemas.js';

/** The city's routes (`/v1/city/...`): their queries and bodies, and their answers as the OpenAPI document names them. */

const isoDate = z.iso.date();

/** A town's id as keys carry it: letters, digits, `-` and `_`. */
export const TOWN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** `from` and `to`: Beijing dates, both included, as `GET /v1/metrics` takes them; `town` asks for one town. */
export const cityMetricsQuery = z
  .strictObject({
    from: isoDate,
    to: isoDate,
    town: z.optional(z.string().check(z.regex(TOWN_ID))),
  })
  .check(z.superRefine(checkMetricsRange));

/** A town's lists as the city reads them, a page at a time (`cursor` from the page before). */
export const cityCasesQuery = z.strictObject({
  view: z.enum(CITY_CASE_VIEWS),
  limit: limitParam,
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});

/** 上级督办: the city's note, and the Beijing date by which it asks the town to report (today or later). */
export const superviseBody = (today: string) =>
  z.strictObject({
    note: z.string().check(z.trim(), z.minLength(1), z.maxLength(1000)),
    dueDate: z.optional(isoDate.check(z.refine((date) => date >= today, because('in-past')))),
  });

/** A case of a town as the city reads it: the town's supervisor's view, with the town and the repeats elsewhere. */
export const cityCaseSchema = z
  .object({
    ...caseViewSchema.shape,
    town: z.string(),
    /** Cases of the same person on the same matter in the deployment's other towns, each named. */
    crossTownRepeats: z.optional(
      z.array(
        z.object({
          town: z.string(),
          townName: z.optional(z.string()),
          townNameEn: z.optional(z.string()),
          relation: z.enum(['earlier', 'later']),
          caseId: z.string(),
          number: z.string(),
          registeredAt: z.string(),
        }),
      ),
    ),
  })
  .check(z.meta({ id: 'CityCase' }));

export const cityCaseListSchema = z
  .object({ items: z.array(cityCaseSchema), nextCursor: z.optional(z.string()) })
  .check(z.meta({ id: 'CityCaseList' }));

export const supervisedSchema = z
  .object({
    case: cityCaseSchema,
    supervision: z.object({
      at: z.string(),
      by: z.string(),
      note: z.string(),
      dueDate: z.optional(z.string()),
      seq: z.number().check(z.int()),
    }),
    /** How many of the town's people were told. */
    notified: z.number().check(z.int()),
  })
  .check(z.meta({ id: 'CitySupervision' }));

export const cityMetricsResponseSchema = cityMetricsSchema.check(z.meta({ id: 'CityMetrics' }));
export const cityBulletinResponseSchema = cityBulletinSchema.check(z.meta({ id: 'CityBulletin' }));
