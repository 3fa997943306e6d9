import type { z } from 'zod';
import { en, zhCN } from 'zod/v4/locales';
import { type Language, validationProblem } from './problem.js';

const UNKNOWN_FIELD = { zh: '不允许的字段', en: 'unknown field' } as const;
const errorMaps = { zh: zhCN().localeError, en: en().localeError } as const;

/** Parses input with a schema, or throws a 400 naming every bad field (`petitioners.0.idNumber`). */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, language: Language): z.output<S> {
  const result = schema.safeParse(input, { error: errorMaps[language] });
  if (result.success) return result.data;
  throw validationProblem(
    result.error.issues.flatMap((issue) =>
      // an unknown field is named by its own path, so a client sees which field to drop
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({
            path: [...issue.path, key].map(String).join('.'),
            message: UNKNOWN_FIELD[language],
          }))
        : [{ path: issue.path.map(String).join('.'), message: issue.message }],
    ),
  );
}
