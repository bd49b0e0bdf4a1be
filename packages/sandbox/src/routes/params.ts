// Request fields shared by the completion routes.

/** `max_tokens` / `max_completion_tokens`: the smaller one if both; a string is a 400 message. */
export function maxTokensOf(body: Record<string, unknown>): number | undefined | string {
  let max: number | undefined;
  for (const name of ["max_tokens", "max_completion_tokens"] as const) {
    const value = body[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) return `${name} must be a positive integer`;
    max = max === undefined ? value : Math.min(max, value);
  }
  return max;
}

/** `stream`: a boolean if present; a string is a 400 message. */
export function streamOf(body: Record<string, unknown>): boolean | string {
  const value = body.stream;
  if (value === undefined || value === null) return false;
  return typeof value === "boolean" ? value : "stream must be a boolean";
}
