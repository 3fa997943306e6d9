/** A request header by name, whatever its case (API Gateway keeps the case the client sent). */
export function headerOf(
  event: { headers?: Record<string, string | undefined> },
  name: string,
): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {}))
    if (key.toLowerCase() === wanted) return value;
  return undefined;
}
