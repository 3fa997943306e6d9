/** `grid-workers` → `GridWorkers`: construct ids from family and topic names. */
export const pascal = (name: string): string =>
  name.replace(/(^|[-_])([a-z0-9])/g, (_match, _sep: string, char: string) => char.toUpperCase());
