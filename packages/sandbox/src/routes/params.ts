// Request fields shared by the completion routes, read once the body passed its schema
// (requestSchemas.ts): the types are known, only the values matter here.

/** `max_tokens` / `max_completion_tokens`: the smaller one if both (each caps the completion). */
export function maxTokensOf(body: Record<string, unknown>): number | undefined {
  let max: number | undefined;
  for (const name of ["max_tokens", "max_completion_tokens"] as const) {
    const value = body[name];
    if (typeof value === "number") max = max === undefined ? value : Math.min(max, value);
  }
  return max;
}

/** `stream`, false when absent. */
export function streamOf(body: Record<string, unknown>): boolean {
  return body.stream === true;
}

/** `n`: how many choices to generate, 1 when absent or null. */
export function choicesOf(body: Record<string, unknown>): number {
  return typeof body.n === "number" ? body.n : 1;
}
