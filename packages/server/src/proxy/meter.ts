// meter: reads usage from the answer while relay passes its bytes on untouched. The metering
// rule `openai_body` (OpenAI-style `usage`, OpenRouter's `usage.cost`) lives here; a JSON answer
// is read once at the end, an SSE stream event by event, parsing only the events that matter.
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { usdNumberToExact, type ExactUsd } from "../ledger/money.js";
import type { TokenUsage } from "../ledger/pricing.js";

export interface MeteredUsage extends TokenUsage {
  /** usage.cost as the upstream reported it, exactly (unrounded); null when absent. */
  cost: ExactUsd | null;
  generationId: string | null;
  /** true when no usage arrived and completionTokens is the proxy's own count of content chunks. */
  estimated: boolean;
  /** The answer was only an error (a 200 whose JSON body is `{"error": …}` without usage). */
  refused: boolean;
  /** The last choice's finish_reason, when the answer gave one. */
  finishReason: string | null;
}

export interface Meter {
  push(chunk: Buffer): void;
  /** The first generation id seen, as soon as it is known (null before). */
  generationId(): string | null;
  finish(): MeteredUsage;
}

interface UsageJson {
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
  cost?: unknown;
  prompt_tokens_details?: { cached_tokens?: unknown; cache_write_tokens?: unknown } | null;
  completion_tokens_details?: { reasoning_tokens?: unknown } | null;
}

/** A token count as an upstream wrote it: a non-negative whole number, anything else counts as 0. */
export function tokenCount(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0;
}

type Counts = Omit<MeteredUsage, "generationId" | "estimated" | "refused" | "finishReason">;

// One object shape for every result (built field by field, not spread): cheaper on the hot path.
function counts(): Counts {
  return { promptTokens: 0, completionTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, cost: null };
}

function result(c: Counts, generationId: string | null, estimated: boolean, refused: boolean, finishReason: string | null): MeteredUsage {
  return {
    promptTokens: c.promptTokens,
    completionTokens: c.completionTokens,
    cachedTokens: c.cachedTokens,
    cacheWriteTokens: c.cacheWriteTokens,
    reasoningTokens: c.reasoningTokens,
    cost: c.cost,
    generationId,
    estimated,
    refused,
    finishReason,
  };
}

/** Folds one usage object into what is known: a field present in a later event replaces it. */
function mergeUsage(into: Counts, usage: UsageJson): void {
  if (usage.prompt_tokens !== undefined && usage.prompt_tokens !== null) into.promptTokens = tokenCount(usage.prompt_tokens);
  if (usage.completion_tokens !== undefined && usage.completion_tokens !== null) into.completionTokens = tokenCount(usage.completion_tokens);
  const prompt = usage.prompt_tokens_details;
  if (prompt && typeof prompt === "object") {
    if (prompt.cached_tokens != null) into.cachedTokens = tokenCount(prompt.cached_tokens);
    if (prompt.cache_write_tokens != null) into.cacheWriteTokens = tokenCount(prompt.cache_write_tokens);
  }
  const completion = usage.completion_tokens_details;
  if (completion && typeof completion === "object" && completion.reasoning_tokens != null) into.reasoningTokens = tokenCount(completion.reasoning_tokens);
  // A negative cost would credit the tenant: it is not a cost, so it counts as absent.
  if (typeof usage.cost === "number") into.cost = usdNumberToExact(usage.cost) ?? into.cost;
}

interface AnswerJson {
  id?: unknown;
  usage?: UsageJson | null;
  error?: unknown;
  choices?: Array<{ finish_reason?: unknown }> | unknown;
}

function finishReasonOf(choices: AnswerJson["choices"]): string | null {
  if (!Array.isArray(choices)) return null;
  for (let i = choices.length - 1; i >= 0; i--) {
    const reason = (choices[i] as { finish_reason?: unknown } | null)?.finish_reason;
    if (typeof reason === "string") return reason;
  }
  return null;
}

/** Above this size a JSON answer's usage is read from its tail instead of by parsing it all. */
const TAIL_READ_BYTES = 16 * 1024;

/** A complete JSON answer (non-streaming), kept up to `maxBytes` for reading at the end. */
export function createJsonMeter(maxBytes: number): Meter {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    push(chunk) {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    },
    generationId: () => null,
    finish() {
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      // A large answer (a long completion, many choices, embeddings) carries its usage last: read
      // that object alone rather than parse megabytes on the event loop. A small one parses faster
      // whole (~3 µs for 1 KB) than the tail can be searched.
      if (body.length > TAIL_READ_BYTES) {
        const fast = usageFromTail(body);
        if (fast) return fast;
      }
      // OpenRouter may send whitespace before the JSON while the model warms up: JSON.parse skips it.
      try {
        return fromAnswer(JSON.parse(body.toString("utf8")) as AnswerJson);
      } catch {
        return result(counts(), null, true, false, null);
      }
    },
  };
}

function fromAnswer(doc: AnswerJson): MeteredUsage {
  const id = typeof doc.id === "string" ? doc.id : null;
  const finishReason = finishReasonOf(doc.choices);
  if (doc.usage && typeof doc.usage === "object") {
    const usage = counts();
    mergeUsage(usage, doc.usage);
    return result(usage, id, false, false, finishReason);
  }
  const refused = doc.error !== undefined && doc.choices === undefined;
  return result(counts(), id, !refused, refused, finishReason);
}

const USAGE_KEY = Buffer.from('"usage"');
const FINISH_KEY = Buffer.from('"finish_reason"');

/**
 * The usage of a large JSON answer read from its tail: the last `"usage"` key (a key, not text: in
 * a JSON string its quotes would be escaped) and the object after it, the first `"id"` and the last
 * `"finish_reason"`. Null when the tail does not read cleanly: the caller parses the whole answer.
 */
function usageFromTail(body: Buffer): MeteredUsage | null {
  const at = body.lastIndexOf(USAGE_KEY);
  if (at < 0) return null;
  const open = body.indexOf(0x7b /* { */, at + USAGE_KEY.length);
  if (open < 0 || body.subarray(at + USAGE_KEY.length, open).toString("latin1").trim() !== ":") return null;
  const close = objectEnd(body, open);
  if (close < 0) return null;
  try {
    const usage = counts();
    mergeUsage(usage, JSON.parse(body.subarray(open, close + 1).toString("utf8")) as UsageJson);
    const head = /"id"\s*:\s*"([^"\\]+)"/.exec(body.subarray(0, 1024).toString("utf8"));
    const finishAt = body.lastIndexOf(FINISH_KEY);
    const finish = finishAt < 0 ? null : /^\s*:\s*"([^"\\]*)"/.exec(body.subarray(finishAt + FINISH_KEY.length, finishAt + FINISH_KEY.length + 64).toString("utf8"));
    return result(usage, head?.[1] ?? null, false, false, finish?.[1] ?? null);
  } catch {
    return null;
  }
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

const USAGE = /"usage"\s*:\s*\{/;
const FINISHED = /"finish_reason"\s*:\s*"/;

/**
 * A server-sent-events answer. OpenRouter sends usage once, in the last chunk before [DONE]; other
 * OpenAI-style upstreams send `"usage": null` on every chunk until the last, or spread it over
 * several events: each non-null usage is folded in, later fields winning. Comment lines and CRLF
 * line ends are the parser's; an error event after output ends the answer with what it billed.
 */
export function createSseMeter(): Meter {
  const decoder = new TextDecoder();
  const usage = counts();
  let sawUsage = false;
  let generationId: string | null = null;
  let finishReason: string | null = null;
  let contentEvents = 0;

  const parser = createParser({
    onEvent(event: EventSourceMessage) {
      const data = event.data;
      if (data === "[DONE]") return;
      if (generationId === null) {
        const m = /"id"\s*:\s*"([^"]+)"/.exec(data);
        if (m) generationId = m[1] as string;
      }
      // Only events that carry usage or a finish reason are parsed: every delta may have
      // `"usage":null` and `"finish_reason":null`, so only an object or a string counts.
      if (USAGE.test(data) || FINISHED.test(data)) {
        try {
          const chunk = JSON.parse(data) as AnswerJson;
          if (chunk.usage && typeof chunk.usage === "object") {
            mergeUsage(usage, chunk.usage);
            sawUsage = true;
          }
          finishReason = finishReasonOf(chunk.choices) ?? finishReason;
        } catch {
          // Not JSON after all: counted like any other event.
        }
      }
      if (data.includes('"content"') || data.includes('"text"')) contentEvents++;
    },
  });

  return {
    push(chunk) {
      parser.feed(decoder.decode(chunk, { stream: true }));
    },
    generationId: () => generationId,
    finish() {
      if (sawUsage) return result(usage, generationId, false, false, finishReason);
      // No usage (the stream broke or was cut): one token per content event is our estimate.
      const estimate = counts();
      estimate.completionTokens = contentEvents;
      return result(estimate, generationId, true, false, finishReason);
    },
  };
}
