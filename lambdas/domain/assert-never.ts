/** Marks a branch the types rule out, such as the default of a switch that covers every member of a union. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
