// A large JSON answer (a long completion, many choices, embeddings) carries its usage near its
// end: reading that object alone is cheaper than parsing megabytes on the event loop.

/** Above this size a JSON answer's usage is read from its tail instead of by parsing it all; a
 *  smaller one parses faster whole (~3 µs for 1 KB) than the tail can be searched. */
export const TAIL_READ_BYTES = 16 * 1024;

/**
 * The object after the last `"<key>"` key of `body` (a key, not text: inside a JSON string its
 * quotes would be escaped), parsed; null when the tail does not read cleanly (the caller parses
 * the whole answer then).
 */
export function lastObjectOf(body: Buffer, key: string): Record<string, unknown> | null {
  const needle = Buffer.from(`"${key}"`);
  const at = body.lastIndexOf(needle);
  if (at < 0) return null;
  const open = body.indexOf(0x7b /* { */, at + needle.length);
  if (open < 0 || body.subarray(at + needle.length, open).toString("latin1").trim() !== ":") return null;
  const close = objectEnd(body, open);
  if (close < 0) return null;
  try {
    const value: unknown = JSON.parse(body.subarray(open, close + 1).toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The first string value of `"<key>"` within the first KB (an answer's id comes first). */
export function firstStringOf(body: Buffer, key: string): string | null {
  return new RegExp(`"${key}"\\s*:\\s*"([^"\\\\]+)"`).exec(body.subarray(0, 1024).toString("utf8"))?.[1] ?? null;
}

/** The last string value of `"<key>"` (a finish reason comes last). */
export function lastStringOf(body: Buffer, key: string): string | null {
  const needle = Buffer.from(`"${key}"`);
  const at = body.lastIndexOf(needle);
  if (at < 0) return null;
  return /^\s*:\s*"([^"\\]*)"/.exec(body.subarray(at + needle.length, at + needle.length + 64).toString("utf8"))?.[1] ?? null;
}

/** The index of the `}` closing the object that opens at `open`, strings skipped; -1 if none. */
function objectEnd(body: Buffer, open: number): number {
  let depth = 0;
  for (let i = open; i < body.length; i++) {
    const c = body[i];
    if (c === 0x22 /* " */) {
      for (i++; i < body.length && body[i] !== 0x22; i++) if (body[i] === 0x5c /* \\ */) i++;
    } else if (c === 0x7b) depth++;
    else if (c === 0x7d && --depth === 0) return i;
  }
  return -1;
}

/** Collects a JSON answer's bytes (up to `maxBytes`) for reading at the end. */
export function jsonCollector(maxBytes: number): { push(chunk: Buffer): void; body(): Buffer } {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    push(chunk) {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    },
    body: () => (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
  };
}

/** The parsed answer, or null when it is not a JSON object (leading whitespace is fine). */
export function parseAnswer(body: Buffer): Record<string, unknown> | null {
  try {
    const doc: unknown = JSON.parse(body.toString("utf8"));
    return doc && typeof doc === "object" && !Array.isArray(doc) ? (doc as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The most of a JSON answer a meter keeps. */
export const MAX_JSON_ANSWER_BYTES = 64 * 1024 * 1024;
