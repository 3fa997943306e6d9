import type * as z from 'zod/mini';
import { type Language, MESSAGES, type Messages } from './messages/index.js';
import { validationProblem } from './problem.js';
import { PHONE } from './schemas.js';

type Issue = z.core.$ZodRawIssue;

/** The regular expressions whose refusal has words of its own. */
const PATTERN_WORDS = new Map<string, (m: Messages) => string>([[String(PHONE), (m) => m.field.phone]]);

const size = (value: number | bigint) => Number(value);

/** A refinement's own reason (`because` in `domain/errors.ts`), worded from the catalogue's `field` section. */
function customWords(m: Messages, params: Record<string, unknown> | undefined): string {
  const key = params?.key;
  const words = typeof key === 'string' ? (m.field as Record<string, unknown>)[key] : undefined;
  if (typeof words === 'string') return words;
  if (typeof words === 'function') return (words as (p: unknown) => string)(params);
  return m.field.invalid;
}

/**
 * The project's zod error map: every issue in the plain words of the catalogue (必填, 最多 200 字, 须为以下之一：…),
 * never zod's own English or locale texts.
 */
function errorMap(m: Messages) {
  return (issue: Issue): string => {
    switch (issue.code) {
      case 'invalid_type':
        return issue.input === undefined ? m.field.required : m.field.type({ expected: issue.expected });
      case 'too_big': {
        const max = size(issue.maximum);
        if (issue.origin === 'string') return m.field['too-long']({ max });
        if (issue.origin === 'array' || issue.origin === 'set') return m.field['too-many']({ max });
        return issue.inclusive === false ? m.field.below({ max }) : m.field['at-most']({ max });
      }
      case 'too_small': {
        const min = size(issue.minimum);
        if (issue.origin === 'string') return min === 1 ? m.field.empty : m.field['too-short']({ min });
        if (issue.origin === 'array' || issue.origin === 'set') return m.field['too-few']({ min });
        return issue.inclusive === false ? m.field.above({ min }) : m.field['at-least']({ min });
      }
      case 'invalid_value':
        return m.field['one-of']({ values: issue.values.map(String) });
      case 'not_multiple_of':
        return m.field['multiple-of']({ step: size(issue.divisor) });
      case 'invalid_format':
        if (issue.format === 'datetime') return m.field.datetime;
        if (issue.format === 'date') return m.field.date;
        if (issue.format === 'regex' && 'pattern' in issue && typeof issue.pattern === 'string')
          return PATTERN_WORDS.get(issue.pattern)?.(m) ?? m.field.format;
        return m.field.format;
      case 'invalid_union':
        return m.field.union;
      case 'unrecognized_keys':
        return m.field['unknown-field'];
      case 'custom':
        return customWords(m, issue.params);
      default:
        return m.field.invalid;
    }
  };
}

const ERROR_MAPS = { zh: errorMap(MESSAGES.zh), en: errorMap(MESSAGES.en) } as const;

/** Parses input with a schema, or throws a 400 naming every bad field (`petitioners.0.idNumber`). */
export function parseWith<S extends z.ZodMiniType>(
  schema: S,
  input: unknown,
  language: Language,
): z.output<S> {
  const result = schema.safeParse(input, { error: ERROR_MAPS[language] });
  if (result.success) return result.data;
  throw validationProblem(
    result.error.issues.flatMap((issue) => {
      // worded already, by the error map, in the caller's language
      const message = () => issue.message;
      // an unknown field is named by its own path, so a client sees which field to drop
      return issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ path: [...issue.path, key].map(String).join('.'), message }))
        : [{ path: issue.path.map(String).join('.'), message }];
    }),
  );
}
