import type { CatalogEntry } from '../../domain/catalog.js';

/** A code's label in one language, as the catalogue names it; a code the catalogue lacks is shown as it is. */
export const labelIn =
  (language: 'zh' | 'en') =>
  (list: readonly CatalogEntry[], code: string): string =>
    list.find((entry) => entry.code === code)?.[language] ?? code;
